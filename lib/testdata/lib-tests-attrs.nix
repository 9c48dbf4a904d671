# Unit tests of gonix's Nix library (attrsets, fixed points, misc). Each case is
# { expr; expected; } or { expr; expectThrow = true; }; the Go test
# (nixlib_test.go) evaluates expr and expected with each available
# evaluator and compares them. Expected values are written out literally.
{ lib, pkgs }:

{
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
    expr =
      lib.foldlAttrs
        (
          acc: n: v:
          acc ++ [ "${n}${toString v}" ]
        )
        [ ]
        {
          b = 2;
          a = 1;
        };
    expected = [
      "a1"
      "b2"
    ];
  };
  foldAttrs = {
    expr =
      lib.foldAttrs (x: acc: [ x ] ++ acc)
        [ ]
        [
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
    expr =
      lib.recursiveUpdate
        {
          a = {
            b = 1;
            c = 2;
          };
          keep = true;
          replaced = {
            x = 1;
          };
        }
        {
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
    expr =
      lib.recursiveUpdateUntil
        (
          path: l: r:
          path == [
            "a"
            "b"
          ]
        )
        {
          a.b.x = 1;
          a.c = 1;
        }
        {
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
    expr =
      lib.overrideExisting
        {
          a = 1;
          b = 2;
        }
        {
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
    expr = lib.fix (
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
      lib.fix (
        lib.extends (lib.composeExtensions f g) (_: {
          x = 1;
        })
      );
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
    expr = lib.fix (
      lib.extends (lib.composeManyExtensions [ ]) (_: {
        a = 1;
      })
    );
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
        e = lib.makeExtensible (self: {
          a = 1;
        });
      in
      [
        (e.extend { a = 2; }).a
        (e.extend (prev: {
          a = prev.a + 5;
        })).a
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
    expr = map (f: (lib.toExtension f) { final = 1; } { prev = 2; }) [
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
    expr = lib.generators.toINI { } {
      s = {
        k = "v";
      };
    };
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
