# Unit tests of gonix's Nix library (trivial, strings, lists). Each case is
# { expr; expected; } or { expr; expectThrow = true; }; the Go test
# (nixlib_test.go) evaluates expr and expected with each available
# evaluator and compares them. Expected values are written out literally.
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
    expr =
      assert lib.assertMsg false "failed";
      1;
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
    expr =
      lib.zipLists
        [
          1
          2
          3
        ]
        [
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
    expr =
      lib.zipListsWith (a: b: a * b)
        [
          1
          2
        ]
        [
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

}
