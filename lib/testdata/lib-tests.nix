# Unit tests of gonix's Nix library. Each case is { expr; expected; } or
# { expr; expectThrow = true; }; the Go test (nixlib_test.go) evaluates
# expr and expected with each available evaluator and compares them.
# Expected values are written out literally.
{ lib, pkgs }:

let
  inherit (lib) id const;
in
{
  # trivial
  id = {
    expr = id 5;
    expected = 5;
  };
  const = {
    expr = const 1 2;
    expected = 1;
  };
  flip = {
    expr = lib.flip lib.concat [ 1 ] [ 2 ];
    expected = [
      2
      1
    ];
  };
  pipe = {
    expr = lib.pipe 2 [
      (x: x + 1)
      (x: x * 10)
      toString
    ];
    expected = "30";
  };
  pipeEmpty = {
    expr = lib.pipe 7 [ ];
    expected = 7;
  };
  boolToString = {
    expr = map lib.boolToString [
      true
      false
    ];
    expected = [
      "true"
      "false"
    ];
  };
  minMax = {
    expr = [
      (lib.min 3 (-2))
      (lib.max 3 (-2))
      (lib.mod 17 5)
      (lib.mod (-7) 3)
      (lib.compare 1 2)
      (lib.compare "b" "a")
      (lib.compare 2 2)
    ];
    expected = [
      (-2)
      3
      2
      (-1)
      (-1)
      1
      0
    ];
  };
  xor = {
    expr = [
      (lib.xor true false)
      (lib.xor true true)
    ];
    expected = [
      true
      false
    ];
  };
  toHexString = {
    expr = map lib.toHexString [
      0
      10
      255
      4096
    ];
    expected = [
      "0"
      "A"
      "FF"
      "1000"
    ];
  };
  toBaseDigits = {
    expr = lib.toBaseDigits 2 6;
    expected = [
      1
      1
      0
    ];
  };
  mapNullable = {
    expr = [
      (lib.mapNullable (x: x + 1) null)
      (lib.mapNullable (x: x + 1) 1)
    ];
    expected = [
      null
      2
    ];
  };
  functionArgsPlain = {
    expr = lib.functionArgs (
      {
        a,
        b ? 1,
      }:
      a
    );
    expected = {
      a = false;
      b = true;
    };
  };
  functionArgsSet = {
    expr = lib.functionArgs (lib.setFunctionArgs (x: x) { z = true; });
    expected = {
      z = true;
    };
  };
  setFunctionArgsCallable = {
    expr = (lib.setFunctionArgs (x: x.a * 2) { a = false; }) { a = 21; };
    expected = 42;
  };
  isFunction = {
    expr = [
      (lib.isFunction (x: x))
      (lib.isFunction { __functor = self: x: x; })
      (lib.isFunction { })
      (lib.isFunction 1)
    ];
    expected = [
      true
      true
      false
      false
    ];
  };
  toFunction = {
    expr = [
      (lib.toFunction 5 0)
      (lib.toFunction (x: x + 1) 1)
    ];
    expected = [
      5
      2
    ];
  };
  throwIfTrue = {
    expr = lib.throwIf true "boom" 1;
    expectThrow = true;
  };
  throwIfFalse = {
    expr = lib.throwIf false "boom" 1;
    expected = 1;
  };
  throwIfNot = {
    expr = lib.throwIfNot false "boom" 1;
    expectThrow = true;
  };
  warnReturnsValue = {
    expr = lib.warn "a warning for the test" 3;
    expected = 3;
  };
  warnIf = {
    expr = [
      (lib.warnIf false "no" 1)
      (lib.warnIfNot true "no" 2)
    ];
    expected = [
      1
      2
    ];
  };
  assertMsgOk = {
    expr = lib.assertMsg true "never";
    expected = true;
  };
  assertMsgFails = {
    expr = assert lib.assertMsg false "failed"; 1;
    expectThrow = true;
  };
  assertOneOf = {
    expr = lib.assertOneOf "color" "red" [
      "red"
      "green"
    ];
    expected = true;
  };
  assertOneOfFails = {
    expr = lib.assertOneOf "color" "blue" [
      "red"
      "green"
    ];
    expectThrow = true;
  };
  checkListOfEnum = {
    expr = lib.checkListOfEnum "flavours" [ "a" "b" ] [ "a" ] true;
    expected = true;
  };
  checkListOfEnumFails = {
    expr = lib.checkListOfEnum "flavours" [ "a" "b" ] [ "c" ] true;
    expectThrow = true;
  };

  # strings
  concatStringsSep = {
    expr = lib.concatStringsSep ", " [
      "a"
      "b"
      "c"
    ];
    expected = "a, b, c";
  };
  concatStrings = {
    expr = lib.concatStrings [
      "x"
      "y"
    ];
    expected = "xy";
  };
  concatMapStrings = {
    expr = lib.concatMapStrings (x: x + ";") [
      "a"
      "b"
    ];
    expected = "a;b;";
  };
  concatMapStringsSep = {
    expr = lib.concatMapStringsSep "-" toString [
      1
      2
      3
    ];
    expected = "1-2-3";
  };
  concatImapStringsSep = {
    expr = lib.concatImapStringsSep "," (i: s: "${toString i}=${s}") [
      "a"
      "b"
    ];
    expected = "1=a,2=b";
  };
  concatLines = {
    expr = lib.concatLines [
      "one"
      "two"
    ];
    expected = "one\ntwo\n";
  };
  intersperse = {
    expr = [
      (lib.intersperse "," [
        "a"
        "b"
        "c"
      ])
      (lib.intersperse "," [ "a" ])
      (lib.intersperse "," [ ])
    ];
    expected = [
      [
        "a"
        ","
        "b"
        ","
        "c"
      ]
      [ "a" ]
      [ ]
    ];
  };
  optionalString = {
    expr = [
      (lib.optionalString true "yes")
      (lib.optionalString false "yes")
    ];
    expected = [
      "yes"
      ""
    ];
  };
  hasPrefixSuffixInfix = {
    expr = [
      (lib.hasPrefix "foo" "foobar")
      (lib.hasPrefix "bar" "foobar")
      (lib.hasPrefix "" "x")
      (lib.hasSuffix "bar" "foobar")
      (lib.hasSuffix "foo" "foobar")
      (lib.hasSuffix "long suffix" "x")
      (lib.hasInfix "ob" "foobar")
      (lib.hasInfix "a.b" "axb")
      (lib.hasInfix "a.b" "xa.by")
      (lib.hasInfix "" "")
    ];
    expected = [
      true
      false
      true
      true
      false
      false
      true
      false
      true
      true
    ];
  };
  stringContextInPatterns = {
    # A separator or infix carrying string context (a store path) works.
    expr =
      let
        drv = derivation {
          name = "ctx";
          system = "x86_64-linux";
          builder = "/bin/sh";
        };
        s = "a${drv}b${drv}c";
      in
      [
        (lib.hasInfix "${drv}" s)
        (builtins.length (lib.splitString "${drv}" s))
      ];
    expected = [
      true
      3
    ];
  };
  removePrefixSuffix = {
    expr = [
      (lib.removePrefix "foo." "foo.bar")
      (lib.removePrefix "xxx" "foo.bar")
      (lib.removeSuffix ".nix" "default.nix")
      (lib.removeSuffix ".c" "default.nix")
    ];
    expected = [
      "bar"
      "foo.bar"
      "default"
      "default.nix"
    ];
  };
  splitString = {
    expr = [
      (lib.splitString "." "a.b.c")
      (lib.splitString "." "a..b.")
      (lib.splitString "/" "")
      (lib.splitString ", " "x, y,z")
      (lib.splitString "+" "1+2")
    ];
    expected = [
      [
        "a"
        "b"
        "c"
      ]
      [
        "a"
        ""
        "b"
        ""
      ]
      [ "" ]
      [
        "x"
        "y,z"
      ]
      [
        "1"
        "2"
      ]
    ];
  };
  replaceStrings = {
    expr = lib.replaceStrings [ "a" "b" ] [ "b" "c" ] "aabbx";
    expected = "bbccx";
  };
  replaceString = {
    expr = lib.replaceString "." "/" "a.b.c";
    expected = "a/b/c";
  };
  caseConversion = {
    expr = [
      (lib.toUpper "Hello, World 42")
      (lib.toLower "Hello, World 42")
      (lib.toSentenceCase "hELLO wORLD")
    ];
    expected = [
      "HELLO, WORLD 42"
      "hello, world 42"
      "Hello world"
    ];
  };
  stringToCharacters = {
    expr = lib.stringToCharacters "abc";
    expected = [
      "a"
      "b"
      "c"
    ];
  };
  stringAsChars = {
    expr = lib.stringAsChars (c: if c == "a" then "4" else c) "banana";
    expected = "b4n4n4";
  };
  escape = {
    expr = lib.escape [ "$" "\"" ] "a $b \"c\"";
    expected = "a \\$b \\\"c\\\"";
  };
  escapeShellArg = {
    expr = map lib.escapeShellArg [
      "simple"
      "a/b-c_d.e+f:g@h%i,j"
      "with space"
      "it's"
      ""
      "$HOME"
      5
    ];
    expected = [
      "simple"
      "a/b-c_d.e+f:g@h%i,j"
      "'with space'"
      "'it'\\''s'"
      "''"
      "'$HOME'"
      "5"
    ];
  };
  escapeShellArgs = {
    expr = lib.escapeShellArgs [
      "a"
      "b c"
    ];
    expected = "a 'b c'";
  };
  escapeRegex = {
    expr = lib.escapeRegex "a.b*c[d]";
    expected = "a\\.b\\*c\\[d]";
  };
  escapeNixString = {
    expr = lib.escapeNixString "a\"b$c";
    expected = "\"a\\\"b\\$c\"";
  };
  escapeNixIdentifier = {
    expr = map lib.escapeNixIdentifier [
      "foo"
      "foo-bar'"
      "1x"
      "a b"
    ];
    expected = [
      "foo"
      "foo-bar'"
      "\"1x\""
      "\"a b\""
    ];
  };
  escapeXML = {
    expr = lib.escapeXML "<a href=\"x\">&'</a>";
    expected = "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;";
  };
  toShellVar = {
    expr = [
      (lib.toShellVar "x" "a b")
      (lib.toShellVar "l" [
        "1"
        "two words"
      ])
      (lib.toShellVar "m" { k = "v w"; })
    ];
    expected = [
      "x='a b'"
      "declare -a l=(1 'two words')"
      "declare -A m=([k]='v w')"
    ];
  };
  toShellVarBadName = {
    expr = lib.toShellVar "not valid" "x";
    expectThrow = true;
  };
  isValidPosixName = {
    expr = map lib.isValidPosixName [
      "_a1"
      "1a"
      "a-b"
      ""
    ];
    expected = [
      true
      false
      false
      false
    ];
  };
  makeSearchPath = {
    expr = [
      (lib.makeSearchPath "bin" [
        "/a"
        "/b"
      ])
      (lib.makeSearchPath "lib" [ ])
      (lib.makeSearchPath "x" [
        "/a"
        null
      ])
    ];
    expected = [
      "/a/bin:/b/bin"
      ""
      "/a/x"
    ];
  };
  makeBinPathOutputs = {
    expr = lib.makeBinPath [
      {
        outPath = "/o1";
        bin = {
          outPath = "/b1";
        };
      }
      { outPath = "/o2"; }
      "/plain"
    ];
    expected = "/b1/bin:/o2/bin:/plain/bin";
  };
  makeLibraryPath = {
    expr = lib.makeLibraryPath [
      {
        outPath = "/o";
        lib = "/l";
      }
    ];
    expected = "/l/lib";
  };
  versionCompare = {
    expr = [
      (lib.versionOlder "1.2" "1.10")
      (lib.versionOlder "1.10" "1.2")
      (lib.versionOlder "2.0" "2.0")
      (lib.versionAtLeast "2.0" "2.0")
      (lib.versionAtLeast "1.9" "2.0")
      (lib.versionAtLeast "2.0pre1" "2.0")
    ];
    expected = [
      true
      false
      false
      true
      false
      false
    ];
  };
  versions = {
    expr = [
      (lib.versions.major "1.2.3")
      (lib.versions.minor "1.2.3")
      (lib.versions.patch "1.2.3")
      (lib.versions.majorMinor "1.2.3")
      (lib.versions.pad 3 "1.2")
      (lib.versions.pad 2 "1.2.3.4")
      (lib.splitVersion "1.2a")
    ];
    expected = [
      "1"
      "2"
      "3"
      "1.2"
      "1.2.0"
      "1.2"
      [
        "1"
        "2"
        "a"
      ]
    ];
  };
  getNameVersion = {
    expr = [
      (lib.getName "hello-2.12")
      (lib.getVersion "hello-2.12")
      (lib.getName {
        pname = "p";
        name = "p-1";
      })
      (lib.getVersion { name = "foo-bar-0.1"; })
    ];
    expected = [
      "hello"
      "2.12"
      "p"
      "0.1"
    ];
  };
  nameFromURL = {
    expr = lib.nameFromURL "https://example.org/pkg/foo-1.2.tar.gz" "-";
    expected = "foo";
  };
  toInt = {
    expr = [
      (lib.toInt "42")
      (lib.toInt " -7 ")
      (lib.toInt "0")
      (lib.toIntBase10 "007")
    ];
    expected = [
      42
      (-7)
      0
      7
    ];
  };
  toIntRejectsLeadingZero = {
    expr = lib.toInt "010";
    expectThrow = true;
  };
  toIntRejectsGarbage = {
    expr = lib.toInt "4x";
    expectThrow = true;
  };
  trim = {
    expr = [
      (lib.trim "  a b \n")
      (lib.trim "   ")
      (lib.trimWith { start = true; } "  x  ")
      (lib.trimWith { end = true; } "  x  ")
    ];
    expected = [
      "a b"
      ""
      "x  "
      "  x"
    ];
  };
  fixedWidth = {
    expr = [
      (lib.fixedWidthString 5 "0" "12")
      (lib.fixedWidthNumber 3 7)
      (lib.fixedWidthString 2 "0" "12")
    ];
    expected = [
      "00012"
      "007"
      "12"
    ];
  };
  fixedWidthTooLong = {
    expr = lib.fixedWidthString 1 "0" "12";
    expectThrow = true;
  };
  sanitizeDerivationName = {
    expr = map lib.sanitizeDerivationName [
      "hello-1.0"
      "..hidden"
      "a b!c"
      "a--b"
      ""
      "@@@"
    ];
    expected = [
      "hello-1.0"
      "hidden"
      "a-b-c"
      "a--b"
      "unknown"
      "-"
    ];
  };
  normalizePath = {
    expr = lib.normalizePath "//a///b/";
    expected = "/a/b/";
  };
  isStorePath = {
    expr = [
      (lib.isStorePath "${builtins.storeDir}/00000000000000000000000000000000-x")
      (lib.isStorePath "${builtins.storeDir}/00000000000000000000000000000000-x/bin")
      (lib.isStorePath "/tmp/x")
      (lib.isStorePath 1)
    ];
    expected = [
      true
      false
      false
      false
    ];
  };
  isStringLike = {
    expr = map lib.isStringLike [
      "s"
      { outPath = "/x"; }
      { __toString = _: "s"; }
      { }
      1
    ];
    expected = [
      true
      true
      true
      false
      false
    ];
  };
  configureFlags = {
    expr = [
      (lib.enableFeature true "shared")
      (lib.enableFeature false "shared")
      (lib.enableFeatureAs true "x" "y")
      (lib.enableFeatureAs false "x" "y")
      (lib.withFeature true "ssl")
      (lib.withFeatureAs true "ssl" "/p")
      (lib.withFeatureAs false "ssl" "/p")
      (lib.cmakeBool "BUILD_TESTING" false)
      (lib.cmakeFeature "CMAKE_BUILD_TYPE" "Release")
      (lib.mesonBool "tests" true)
      (lib.mesonEnable "docs" false)
      (lib.mesonOption "prefix" "/o")
    ];
    expected = [
      "--enable-shared"
      "--disable-shared"
      "--enable-x=y"
      "--disable-x"
      "--with-ssl"
      "--with-ssl=/p"
      "--without-ssl"
      "-DBUILD_TESTING:BOOL=FALSE"
      "-DCMAKE_BUILD_TYPE:STRING=Release"
      "-Dtests=true"
      "-Ddocs=disabled"
      "-Dprefix=/o"
    ];
  };
  stringsReplicate = {
    expr = lib.strings.replicate 3 "ab";
    expected = "ababab";
  };

  # lists
  foldr = {
    expr = lib.foldr (x: acc: "(${x} ${acc})") "nil" [
      "a"
      "b"
      "c"
    ];
    expected = "(a (b (c nil)))";
  };
  foldl = {
    expr = lib.foldl (acc: x: "(${acc} ${x})") "nil" [
      "a"
      "b"
      "c"
    ];
    expected = "(((nil a) b) c)";
  };
  foldlStrict = {
    expr = lib.foldl' (a: b: a + b) 0 (lib.range 1 100);
    expected = 5050;
  };
  foldrLazy = {
    expr = lib.foldr (x: _: x) 0 [
      1
      (throw "not forced")
    ];
    expected = 1;
  };
  imap = {
    expr = [
      (lib.imap0 (i: x: "${toString i}${x}") [
        "a"
        "b"
      ])
      (lib.imap1 (i: x: "${toString i}${x}") [
        "a"
        "b"
      ])
    ];
    expected = [
      [
        "0a"
        "1b"
      ]
      [
        "1a"
        "2b"
      ]
    ];
  };
  ifilter0 = {
    expr = lib.ifilter0 (i: x: i != 1 && x != "d") [
      "a"
      "b"
      "c"
      "d"
    ];
    expected = [
      "a"
      "c"
    ];
  };
  flatten = {
    expr = lib.flatten [
      1
      [
        2
        [
          3
          [ ]
        ]
      ]
      4
    ];
    expected = [
      1
      2
      3
      4
    ];
  };
  flattenScalar = {
    expr = lib.flatten 5;
    expected = [ 5 ];
  };
  unique = {
    expr = lib.unique [
      3
      1
      3
      2
      1
    ];
    expected = [
      3
      1
      2
    ];
  };
  allUnique = {
    expr = [
      (lib.allUnique [
        1
        2
      ])
      (lib.allUnique [
        1
        1
      ])
    ];
    expected = [
      true
      false
    ];
  };
  range = {
    expr = [
      (lib.range 2 5)
      (lib.range 3 3)
      (lib.range 4 1)
    ];
    expected = [
      [
        2
        3
        4
        5
      ]
      [ 3 ]
      [ ]
    ];
  };
  optionals = {
    expr = [
      (lib.optional true 1)
      (lib.optional false 1)
      (lib.optionals true [
        1
        2
      ])
      (lib.optionals false [ 1 ])
      (lib.optionals false (throw "lazy"))
    ];
    expected = [
      [ 1 ]
      [ ]
      [
        1
        2
      ]
      [ ]
      [ ]
    ];
  };
  toList = {
    expr = [
      (lib.toList 1)
      (lib.toList [ 1 ])
    ];
    expected = [
      [ 1 ]
      [ 1 ]
    ];
  };
  lastInit = {
    expr = [
      (lib.last [
        1
        2
        3
      ])
      (lib.init [
        1
        2
        3
      ])
    ];
    expected = [
      3
      [
        1
        2
      ]
    ];
  };
  lastEmpty = {
    expr = lib.last [ ];
    expectThrow = true;
  };
  initEmpty = {
    expr = lib.init [ ];
    expectThrow = true;
  };
  takeDrop = {
    expr = [
      (lib.take 2 [
        1
        2
        3
      ])
      (lib.take 5 [ 1 ])
      (lib.drop 2 [
        1
        2
        3
      ])
      (lib.drop 5 [ 1 ])
      (lib.sublist 1 2 [
        1
        2
        3
        4
      ])
      (lib.sublist 3 9 [
        1
        2
        3
        4
      ])
      (lib.takeEnd 2 [
        1
        2
        3
      ])
      (lib.dropEnd 1 [
        1
        2
        3
      ])
      (lib.dropEnd 9 [ 1 ])
    ];
    expected = [
      [
        1
        2
      ]
      [ 1 ]
      [ 3 ]
      [ ]
      [
        2
        3
      ]
      [ 4 ]
      [
        2
        3
      ]
      [
        1
        2
      ]
      [ ]
    ];
  };
  reverseList = {
    expr = lib.reverseList [
      1
      2
      3
    ];
    expected = [
      3
      2
      1
    ];
  };
  zipLists = {
    expr = lib.zipLists [
      1
      2
      3
    ] [
      "a"
      "b"
    ];
    expected = [
      {
        fst = 1;
        snd = "a";
      }
      {
        fst = 2;
        snd = "b";
      }
    ];
  };
  zipListsWith = {
    expr = lib.zipListsWith (a: b: a * b) [
      1
      2
    ] [
      3
      4
    ];
    expected = [
      3
      8
    ];
  };
  sortOn = {
    expr = lib.sortOn builtins.stringLength [
      "ccc"
      "a"
      "bb"
      "d"
    ];
    expected = [
      "a"
      "d"
      "bb"
      "ccc"
    ];
  };
  sort = {
    expr = lib.sort (a: b: a > b) [
      1
      3
      2
    ];
    expected = [
      3
      2
      1
    ];
  };
  naturalSort = {
    expr = lib.naturalSort [
      "v10"
      "v9"
      "v1"
      "b"
      "a2"
    ];
    expected = [
      "a2"
      "b"
      "v1"
      "v9"
      "v10"
    ];
  };
  compareLists = {
    expr = [
      (lib.compareLists lib.compare [ ] [ ])
      (lib.compareLists lib.compare [ 1 ] [ ])
      (lib.compareLists lib.compare [ 1 2 ] [ 1 3 ])
    ];
    expected = [
      0
      1
      (-1)
    ];
  };
  findFirst = {
    expr = [
      (lib.findFirst (x: x > 2) null [
        1
        3
        4
      ])
      (lib.findFirst (x: x > 9) "none" [ 1 ])
      (lib.findFirst (x: x > 0) null [
        1
        (throw "not forced")
      ])
      (lib.findFirstIndex (x: x == "b") null [
        "a"
        "b"
      ])
    ];
    expected = [
      3
      "none"
      1
      1
    ];
  };
  findSingle = {
    expr = [
      (lib.findSingle (x: x == 2) "none" "many" [
        1
        2
      ])
      (lib.findSingle (x: x == 5) "none" "many" [ 1 ])
      (lib.findSingle (x: x > 0) "none" "many" [
        1
        2
      ])
    ];
    expected = [
      2
      "none"
      "many"
    ];
  };
  countRemove = {
    expr = [
      (lib.count (x: x == 1) [
        1
        2
        1
      ])
      (lib.remove 1 [
        1
        2
        1
      ])
    ];
    expected = [
      2
      [ 2 ]
    ];
  };
  setOperations = {
    expr = [
      (lib.intersectLists [ 1 2 3 ] [ 2 3 4 ])
      (lib.subtractLists [ 1 2 ] [ 1 2 3 4 ])
      (lib.mutuallyExclusive [ 1 2 ] [ 3 ])
      (lib.mutuallyExclusive [ 1 2 ] [ 2 ])
    ];
    expected = [
      [
        2
        3
      ]
      [
        3
        4
      ]
      true
      false
    ];
  };
  groupBy = {
    expr = lib.groupBy (x: if x > 2 then "big" else "small") [
      1
      3
      2
      4
    ];
    expected = {
      big = [
        3
        4
      ];
      small = [
        1
        2
      ];
    };
  };
  groupByPrime = {
    expr = lib.groupBy' (a: b: a + b) 0 (x: if x > 2 then "big" else "small") [
      1
      3
      2
      4
    ];
    expected = {
      big = 7;
      small = 3;
    };
  };
  partition = {
    expr = lib.partition (x: x > 2) [
      1
      3
      2
      4
    ];
    expected = {
      right = [
        3
        4
      ];
      wrong = [
        1
        2
      ];
    };
  };
  replicate = {
    expr = lib.replicate 3 "x";
    expected = [
      "x"
      "x"
      "x"
    ];
  };
  listsPrefix = {
    expr = [
      (lib.lists.hasPrefix [ 1 ] [ 1 2 ])
      (lib.lists.removePrefix [ 1 ] [ 1 2 ])
      (lib.lists.commonPrefix [ 1 2 3 ] [ 1 2 4 ])
    ];
    expected = [
      true
      [ 2 ]
      [
        1
        2
      ]
    ];
  };
  forEachSingleton = {
    expr = [
      (lib.forEach [
        1
        2
      ] (x: x * 2))
      (lib.singleton 1)
    ];
    expected = [
      [
        2
        4
      ]
      [ 1 ]
    ];
  };

  # attrsets
  attrByPath = {
    expr = [
      (lib.attrByPath [ "a" "b" ] 0 { a.b = 1; })
      (lib.attrByPath [ "a" "c" ] 0 { a.b = 1; })
      (lib.attrByPath [ "a" "b" "c" ] 0 { a.b = 1; })
      (lib.attrByPath [ ] 0 { x = 1; })
    ];
    expected = [
      1
      0
      0
      { x = 1; }
    ];
  };
  hasAttrByPath = {
    expr = [
      (lib.hasAttrByPath [ "a" "b" ] { a.b = null; })
      (lib.hasAttrByPath [ "a" "x" ] { a.b = 1; })
      (lib.hasAttrByPath [ ] { })
    ];
    expected = [
      true
      false
      true
    ];
  };
  setAttrByPath = {
    expr = lib.setAttrByPath [ "a" "b" "c" ] 1;
    expected = {
      a = {
        b = {
          c = 1;
        };
      };
    };
  };
  getAttrFromPath = {
    expr = lib.getAttrFromPath [ "a" "b" ] { a.b = 2; };
    expected = 2;
  };
  getAttrFromPathMissing = {
    expr = lib.getAttrFromPath [ "a" "c" ] { a.b = 2; };
    expectThrow = true;
  };
  attrVals = {
    expr = lib.attrVals [ "b" "a" ] {
      a = 1;
      b = 2;
    };
    expected = [
      2
      1
    ];
  };
  getAttrs = {
    expr = lib.getAttrs [ "a" ] {
      a = 1;
      b = 2;
    };
    expected = {
      a = 1;
    };
  };
  genAttrs = {
    expr = lib.genAttrs [ "x" "y" ] (n: "v-${n}");
    expected = {
      x = "v-x";
      y = "v-y";
    };
  };
  nameValuePair = {
    expr = lib.nameValuePair "n" 1;
    expected = {
      name = "n";
      value = 1;
    };
  };
  listToAttrs = {
    expr = lib.listToAttrs [
      (lib.nameValuePair "a" 1)
      (lib.nameValuePair "a" 2)
      (lib.nameValuePair "b" 3)
    ];
    expected = {
      a = 1;
      b = 3;
    };
  };
  filterAttrs = {
    expr = lib.filterAttrs (n: v: n != "b" && v > 0) {
      a = 1;
      b = 2;
      c = 0;
      d = 4;
    };
    expected = {
      a = 1;
      d = 4;
    };
  };
  filterAttrsRecursive = {
    expr = lib.filterAttrsRecursive (n: v: v != null) {
      a = null;
      b = {
        c = null;
        d = 1;
      };
    };
    expected = {
      b = {
        d = 1;
      };
    };
  };
  mapAttrs = {
    expr = lib.mapAttrs (n: v: "${n}${toString v}") {
      a = 1;
      b = 2;
    };
    expected = {
      a = "a1";
      b = "b2";
    };
  };
  mapAttrsPrime = {
    expr = lib.mapAttrs' (n: v: lib.nameValuePair "x-${n}" (v * 10)) {
      a = 1;
      b = 2;
    };
    expected = {
      x-a = 10;
      x-b = 20;
    };
  };
  mapAttrsToList = {
    expr = lib.mapAttrsToList (n: v: "${n}=${v}") {
      b = "2";
      a = "1";
    };
    expected = [
      "a=1"
      "b=2"
    ];
  };
  attrsToList = {
    expr = lib.attrsToList { a = 1; };
    expected = [
      {
        name = "a";
        value = 1;
      }
    ];
  };
  concatMapAttrs = {
    expr = lib.concatMapAttrs (n: v: {
      ${n} = v;
      "${n}2" = v * 2;
    }) { a = 1; };
    expected = {
      a = 1;
      a2 = 2;
    };
  };
  mapAttrsRecursive = {
    expr = lib.mapAttrsRecursive (path: v: lib.concatStringsSep "." path + "=${toString v}") {
      a.b = 1;
      c = 2;
    };
    expected = {
      a = {
        b = "a.b=1";
      };
      c = "c=2";
    };
  };
  mapAttrsRecursiveCond = {
    expr = lib.mapAttrsRecursiveCond (as: !(as ? stop)) (path: v: builtins.length path) {
      a.b = 1;
      s = {
        stop = 1;
      };
    };
    expected = {
      a = {
        b = 2;
      };
      s = 1;
    };
  };
  collect = {
    expr = lib.collect builtins.isInt {
      a = 1;
      b = {
        c = 2;
        d = "x";
      };
    };
    expected = [
      1
      2
    ];
  };
  foldlAttrs = {
    expr = lib.foldlAttrs (acc: n: v: acc ++ [ "${n}${toString v}" ]) [ ] {
      b = 2;
      a = 1;
    };
    expected = [
      "a1"
      "b2"
    ];
  };
  foldAttrs = {
    expr = lib.foldAttrs (x: acc: [ x ] ++ acc) [ ] [
      { a = 1; }
      {
        a = 2;
        b = 3;
      }
    ];
    expected = {
      a = [
        1
        2
      ];
      b = [ 3 ];
    };
  };
  optionalAttrs = {
    expr = [
      (lib.optionalAttrs true { a = 1; })
      (lib.optionalAttrs false { a = 1; })
    ];
    expected = [
      { a = 1; }
      { }
    ];
  };
  zipAttrsWith = {
    expr = lib.zipAttrsWith (n: vs: vs) [
      { a = 1; }
      {
        a = 2;
        b = 3;
      }
    ];
    expected = {
      a = [
        1
        2
      ];
      b = [ 3 ];
    };
  };
  zipAttrs = {
    expr = lib.zipAttrs [
      { x = 1; }
      { x = 2; }
    ];
    expected = {
      x = [
        1
        2
      ];
    };
  };
  recursiveUpdate = {
    expr = lib.recursiveUpdate {
      a = {
        b = 1;
        c = 2;
      };
      keep = true;
      replaced = {
        x = 1;
      };
    } {
      a.b = 10;
      a.d = 4;
      replaced = 5;
    };
    expected = {
      a = {
        b = 10;
        c = 2;
        d = 4;
      };
      keep = true;
      replaced = 5;
    };
  };
  recursiveUpdateUntil = {
    expr = lib.recursiveUpdateUntil (path: l: r: path == [ "a" "b" ]) {
      a.b.x = 1;
      a.c = 1;
    } {
      a.b.y = 2;
      a.d = 2;
    };
    expected = {
      a = {
        b = {
          y = 2;
        };
        c = 1;
        d = 2;
      };
    };
  };
  matchAttrs = {
    expr = [
      (lib.matchAttrs { a.b = 1; } {
        a = {
          b = 1;
          c = 2;
        };
        d = 3;
      })
      (lib.matchAttrs { a = 1; } { a = 2; })
      (lib.matchAttrs { a = 1; } { })
    ];
    expected = [
      true
      false
      false
    ];
  };
  overrideExisting = {
    expr = lib.overrideExisting {
      a = 1;
      b = 2;
    } {
      a = 10;
      c = 3;
    };
    expected = {
      a = 10;
      b = 2;
    };
  };
  unionOfDisjoint = {
    expr = lib.unionOfDisjoint { a = 1; } { b = 2; };
    expected = {
      a = 1;
      b = 2;
    };
  };
  unionOfDisjointCollision = {
    expr = (lib.unionOfDisjoint { a = 1; } { a = 2; }).a;
    expectThrow = true;
  };
  unionOfDisjointOthersUsable = {
    expr =
      (lib.unionOfDisjoint { a = 1; } {
        a = 2;
        b = 3;
      }).b;
    expected = 3;
  };
  cartesianProduct = {
    expr = lib.cartesianProduct {
      a = [
        1
        2
      ];
      b = [
        "x"
        "y"
      ];
    };
    expected = [
      {
        a = 1;
        b = "x";
      }
      {
        a = 1;
        b = "y";
      }
      {
        a = 2;
        b = "x";
      }
      {
        a = 2;
        b = "y";
      }
    ];
  };
  isDerivation = {
    expr = [
      (lib.isDerivation { type = "derivation"; })
      (lib.isDerivation { })
      (lib.isDerivation 1)
    ];
    expected = [
      true
      false
      false
    ];
  };
  getOutput = {
    expr = map (p: p.outPath or p) [
      (lib.getDev {
        outPath = "/o";
        dev = {
          outPath = "/d";
        };
      })
      (lib.getDev { outPath = "/o"; })
      (lib.getBin {
        outPath = "/o";
        outputSpecified = true;
        bin = "/b";
      })
      (lib.getLib {
        out = {
          outPath = "/out";
        };
      })
    ];
    expected = [
      "/d"
      "/o"
      "/o"
      "/out"
    ];
  };
  recurseIntoAttrs = {
    expr = lib.recurseIntoAttrs { a = 1; };
    expected = {
      a = 1;
      recurseForDerivations = true;
    };
  };
  showAttrPath = {
    expr = [
      (lib.showAttrPath [
        "a"
        "b c"
      ])
      (lib.showAttrPath [ ])
    ];
    expected = [
      "a.\"b c\""
      "<root attribute path>"
    ];
  };

  # fixed points and extensions
  fix = {
    expr =
      (lib.fix (self: {
        a = 1;
        b = self.a + 1;
      })).b;
    expected = 2;
  };
  fixPrime = {
    expr =
      let
        f = self: {
          a = 1;
          b = self.a * 10;
        };
        x = lib.fix' f;
        y = lib.fix (lib.extends (final: prev: { a = 5; }) x.__unfix__);
      in
      [
        x.b
        y.b
      ];
    expected = [
      10
      50
    ];
  };
  converge = {
    expr = lib.converge (x: if x > 10 then x else x * 2) 1;
    expected = 16;
  };
  extends = {
    expr =
      lib.fix (
        lib.extends
          (final: prev: {
            b = prev.b + 100;
            c = final.a;
          })
          (self: {
            a = 1;
            b = self.a + 1;
          })
      );
    expected = {
      a = 1;
      b = 102;
      c = 1;
    };
  };
  composeExtensions = {
    expr =
      let
        f = final: prev: { x = prev.x + 1; };
        g = final: prev: {
          x = prev.x * 10;
          y = final.x;
        };
      in
      lib.fix (lib.extends (lib.composeExtensions f g) (_: { x = 1; }));
    expected = {
      x = 20;
      y = 20;
    };
  };
  composeManyExtensions = {
    expr =
      let
        base = self: { l = [ ]; };
        add = n: final: prev: { l = prev.l ++ [ n ]; };
      in
      (lib.fix (
        lib.extends (lib.composeManyExtensions [
          (add 1)
          (add 2)
          (add 3)
        ]) base
      )).l;
    expected = [
      1
      2
      3
    ];
  };
  composeManyExtensionsEmpty = {
    expr = lib.fix (lib.extends (lib.composeManyExtensions [ ]) (_: { a = 1; }));
    expected = {
      a = 1;
    };
  };
  makeExtensible = {
    expr =
      let
        e = lib.makeExtensible (self: {
          a = 1;
          b = self.a + 1;
        });
        e2 = e.extend (final: prev: { a = 10; });
        e3 = e2.extend (final: prev: { c = prev.b * 2; });
      in
      [
        e.b
        e2.b
        e3.c
        e3.a
      ];
    expected = [
      2
      11
      22
      10
    ];
  };
  makeExtensibleAttrsetAndPrevForms = {
    expr =
      let
        e = lib.makeExtensible (self: { a = 1; });
      in
      [
        (e.extend { a = 2; }).a
        (e.extend (prev: { a = prev.a + 5; })).a
      ];
    expected = [
      2
      6
    ];
  };
  libExtend = {
    expr =
      let
        mylib = lib.extend (final: prev: { double = x: x * 2; });
      in
      [
        (mylib.double 4)
        (mylib.concatStringsSep "-" [
          "a"
          "b"
        ])
      ];
    expected = [
      8
      "a-b"
    ];
  };
  toExtension = {
    expr =
      map (f: (lib.toExtension f) { final = 1; } { prev = 2; }) [
        { fixed = true; }
        (prev: { p = prev.prev; })
        (final: prev: {
          f = final.final;
          p = prev.prev;
        })
      ];
    expected = [
      { fixed = true; }
      { p = 2; }
      {
        f = 1;
        p = 2;
      }
    ];
  };

  # generators and misc
  toPretty = {
    expr = [
      (lib.generators.toPretty { } {
        a = [
          1
          "x"
        ];
        b = null;
      })
      (lib.generators.toPretty { } (x: x))
      (lib.generators.toPretty { multiline = true; } { a = 1; })
    ];
    expected = [
      "{ a = [ 1 \"x\" ]; b = null; }"
      "<function>"
      "{\n  a = 1;\n}"
    ];
  };
  toKeyValue = {
    expr = lib.generators.toKeyValue { } {
      a = "x";
      b = 2;
      c = true;
    };
    expected = "a=x\nb=2\nc=true\n";
  };
  toINI = {
    expr = lib.generators.toINI { } { s = { k = "v"; }; };
    expected = "[s]\nk=v\n";
  };
  systemsElaborate = {
    expr =
      let
        p = lib.systems.elaborate "aarch64-linux";
      in
      [
        p.system
        p.isLinux
        p.isDarwin
        p.isAarch64
        p.isx86_64
        p.is64bit
        p.parsed.cpu.name
      ];
    expected = [
      "aarch64-linux"
      true
      false
      true
      false
      true
      "aarch64"
    ];
  };
  platforms = {
    expr = [
      (builtins.elem "x86_64-linux" lib.platforms.linux)
      (builtins.elem "x86_64-darwin" lib.platforms.linux)
      (builtins.elem "x86_64-darwin" lib.platforms.unix)
    ];
    expected = [
      true
      false
      true
    ];
  };
  licenses = {
    expr = [
      lib.licenses.mit.spdxId
      lib.licenses.mit.free
      lib.licenses.unfree.free
    ];
    expected = [
      "MIT"
      true
      false
    ];
  };
  availableOn = {
    expr = [
      (lib.meta.availableOn "x86_64-linux" { meta.platforms = lib.platforms.linux; })
      (lib.meta.availableOn "x86_64-darwin" { meta.platforms = lib.platforms.linux; })
      (lib.meta.availableOn "x86_64-darwin" { })
    ];
    expected = [
      true
      false
      true
    ];
  };
  addMetaAttrs = {
    expr =
      (lib.addMetaAttrs { b = 2; } {
        meta = {
          a = 1;
        };
      }).meta;
    expected = {
      a = 1;
      b = 2;
    };
  };
  cleanSourceFilter = {
    expr = [
      (lib.cleanSourceFilter "/src/.git" "directory")
      (lib.cleanSourceFilter "/src/main.c" "regular")
      (lib.cleanSourceFilter "/src/main.c~" "regular")
      (lib.cleanSourceFilter "/src/main.o" "regular")
      (lib.cleanSourceFilter "/src/result" "symlink")
      (lib.cleanSourceFilter "/src/result" "regular")
      (lib.cleanSourceFilter "/src/.#main.c" "regular")
    ];
    expected = [
      false
      true
      false
      false
      false
      true
      false
    ];
  };
  cleanSourceNames = {
    expr = [
      (lib.cleanSource ./builds/consumer-src).name
      (lib.cleanSourceWith {
        src = lib.cleanSource ./builds/consumer-src;
        name = "renamed";
      }).name
      (lib.hasSuffix "-source" (lib.cleanSource ./builds/consumer-src).outPath)
    ];
    expected = [
      "source"
      "renamed"
      true
    ];
  };
  getExe = {
    expr = [
      (lib.hasSuffix "-tool/bin/tool" (lib.getExe (pkgs.writeShellScriptBin "tool" "")))
      (lib.hasSuffix "/bin/other" (lib.getExe' (pkgs.writeShellScriptBin "tool" "") "other"))
    ];
    expected = [
      true
      true
    ];
  };
  libVersion = {
    expr = lib.isGonix;
    expected = true;
  };
}
