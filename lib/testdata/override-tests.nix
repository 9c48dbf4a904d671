# override / overrideAttrs / callPackage / scopes behaving as in nixpkgs:
# the usual examples of each. Cases as in lib-tests.nix.
{ lib, pkgs }:

let
  inherit (pkgs) stdenv;

  # A plain overridable function.
  sumOf =
    {
      a ? 1,
      b ? 2,
    }:
    {
      sum = a + b;
    };
  o = lib.makeOverridable sumOf { a = 10; };

  basic = stdenv.mkDerivation {
    pname = "basic";
    version = "1.0";
    n = 1;
  };

  # The finalAttrs form: tag follows version through overrides.
  selfRef = stdenv.mkDerivation (finalAttrs: {
    pname = "self-ref";
    version = "1.0";
    tag = "v${finalAttrs.version}";
    passthru = {
      self = finalAttrs.finalPackage;
      describe = "${finalAttrs.pname} ${finalAttrs.version}";
    };
  });

  # The rec form: tag is fixed when the set is written.
  recForm = stdenv.mkDerivation rec {
    pname = "rec-form";
    version = "1.0";
    tag = "v${version}";
  };

  # A package as nixpkgs writes them: a function called with callPackage.
  greeterFn =
    {
      stdenv,
      greeting ? "hi",
    }:
    stdenv.mkDerivation {
      pname = "greeter";
      version = "1.0";
      inherit greeting;
    };
  greeter = pkgs.callPackage greeterFn { };

  multi = stdenv.mkDerivation {
    name = "multi";
    outputs = [
      "out"
      "dev"
    ];
    passthru.extra = "e";
  };

  dep = name: stdenv.mkDerivation { inherit name; };
in
{
  # makeOverridable / override
  overrideDefault = {
    expr = o.sum;
    expected = 12;
  };
  overrideAttrset = {
    expr = (o.override { b = 5; }).sum;
    expected = 15;
  };
  overrideFunction = {
    expr =
      (o.override (old: {
        a = old.a * 2;
      })).sum;
    expected = 22;
  };
  overrideChained = {
    expr = ((o.override { b = 0; }).override { a = 1; }).sum;
    expected = 1;
  };
  overrideKeepsFunctionArgs = {
    expr = lib.functionArgs (lib.makeOverridable sumOf);
    expected = {
      a = true;
      b = true;
    };
  };
  overrideOfFunctionResult = {
    expr =
      let
        r = lib.makeOverridable (args: n: args.x + n) { x = 1; };
      in
      [
        (r 2)
        ((r.override { x = 5; }) 2)
      ];
    expected = [
      3
      7
    ];
  };

  # callPackage
  callPackageValue = {
    expr =
      (lib.callPackageWith
        {
          x = 1;
          y = 2;
        }
        (
          {
            x,
            y,
            z ? 3,
          }:
          {
            v = x + y + z;
          }
        )
        { y = 20; }
      ).v;
    expected = 24;
  };
  callPackageOverrideDependency = {
    expr =
      let
        p = lib.callPackageWith { dep = "a"; } ({ dep }: { d = dep; }) { };
      in
      [
        p.d
        (p.override { dep = "b"; }).d
      ];
    expected = [
      "a"
      "b"
    ];
  };
  callPackageMissing = {
    expr = (lib.callPackageWith { } ({ nothere }: { }) { }).x or 1;
    expectThrow = true;
  };
  callPackageFromFile = {
    expr = (pkgs.callPackage ./callpackage-fixture.nix { suffix = "!"; }).text;
    expected = "gonix-stdenv!";
  };

  # overrideAttrs
  name = {
    expr = basic.name;
    expected = "basic-1.0";
  };
  overrideAttrsAttrset = {
    expr = (basic.overrideAttrs { version = "2.0"; }).name;
    expected = "basic-2.0";
  };
  overrideAttrsPrev = {
    expr =
      (basic.overrideAttrs (old: {
        pname = old.pname + "-patched";
      })).name;
    expected = "basic-patched-1.0";
  };
  overrideAttrsFinalPrev = {
    expr =
      (basic.overrideAttrs (
        final: prev: {
          version = "3.0";
          n = prev.n + 1;
          label = "${final.pname}@${final.version}";
        }
      )).label;
    expected = "basic@3.0";
  };
  overrideAttrsChained = {
    expr =
      (
        (basic.overrideAttrs (old: {
          n = old.n + 1;
        })).overrideAttrs
        (old: {
          n = old.n * 10;
        })
      ).n;
    expected = 20;
  };
  overrideAttrsKeepsOthers = {
    expr =
      let
        p = basic.overrideAttrs { extra = "x"; };
      in
      [
        p.pname
        p.version
        p.extra
        p.n
      ];
    expected = [
      "basic"
      "1.0"
      "x"
      1
    ];
  };
  overrideAttrsNoopSameDrv = {
    expr = (basic.overrideAttrs (_: { })).drvPath == basic.drvPath;
    expected = true;
  };
  overrideAttrsChangesDrv = {
    expr = (basic.overrideAttrs { version = "2.0"; }).drvPath != basic.drvPath;
    expected = true;
  };
  finalAttrsSelfReference = {
    expr = [
      selfRef.tag
      (selfRef.overrideAttrs { version = "2.0"; }).tag
    ];
    expected = [
      "v1.0"
      "v2.0"
    ];
  };
  recFormDoesNotFollow = {
    expr = (recForm.overrideAttrs { version = "2.0"; }).tag;
    expected = "v1.0";
  };
  finalPackage = {
    expr =
      let
        p2 = selfRef.overrideAttrs { version = "2.0"; };
      in
      [
        selfRef.self.name
        p2.self.name
        p2.describe
        (p2.self.drvPath == p2.drvPath)
      ];
    expected = [
      "self-ref-1.0"
      "self-ref-2.0"
      "self-ref 2.0"
      true
    ];
  };
  passthru = {
    expr = [
      multi.extra
      multi.passthru.extra
      (multi.drvAttrs ? passthru)
      (multi.drvAttrs ? extra)
    ];
    expected = [
      "e"
      "e"
      false
      false
    ];
  };
  meta = {
    expr =
      let
        p = stdenv.mkDerivation {
          name = "m";
          meta.description = "d";
        };
      in
      [
        p.meta.description
        p.meta.name
        (p.drvAttrs ? meta)
      ];
    expected = [
      "d"
      "m"
      false
    ];
  };
  outputs = {
    expr = [
      multi.outputName
      multi.dev.outputName
      multi.dev.extra
      (multi.dev ? overrideAttrs)
      (builtins.length multi.all)
      (multi.out.outPath == multi.outPath)
      (multi.dev.outPath != multi.outPath)
    ];
    expected = [
      "out"
      "dev"
      "e"
      true
      2
      true
      true
    ];
  };

  # override and overrideAttrs together
  overrideAttrsThenOverride = {
    expr =
      let
        p = (greeter.overrideAttrs { version = "2.0"; }).override { greeting = "yo"; };
      in
      [
        p.version
        p.greeting
      ];
    expected = [
      "2.0"
      "yo"
    ];
  };
  overrideThenOverrideAttrsThenOverride = {
    expr =
      let
        p = ((greeter.override { greeting = "yo"; }).overrideAttrs { version = "9"; }).override {
          greeting = "hey";
        };
      in
      [
        p.version
        p.greeting
        p.name
      ];
    expected = [
      "9"
      "hey"
      "greeter-9"
    ];
  };
  overrideDerivation = {
    expr =
      (lib.overrideDerivation basic (old: {
        name = "renamed";
      })).name;
    expected = "renamed";
  };

  # mkDerivation attributes
  defaults = {
    expr = [
      basic.builder
      (lib.hasSuffix "/default-builder.sh" (builtins.elemAt basic.args 1))
      (builtins.elemAt basic.args 0)
      basic.stdenv.isGonix
      basic.outputs
      basic.system
    ];
    expected = [
      "/bin/bash"
      true
      "-e"
      true
      [ "out" ]
      pkgs.system
    ];
  };
  pnameOnly = {
    expr = (stdenv.mkDerivation { pname = "solo"; }).name;
    expected = "solo";
  };
  inputsDropNulls = {
    expr =
      (stdenv.mkDerivation {
        name = "n";
        buildInputs = [
          null
          (dep "d")
        ];
      }).buildInputs;
    expected = [ (dep "d").outPath ];
  };
  checkInputsOnlyWithDoCheck = {
    expr =
      map
        (
          doCheck:
          builtins.length
            (stdenv.mkDerivation {
              name = "c";
              inherit doCheck;
              nativeBuildInputs = [ (dep "a") ];
              nativeCheckInputs = [ (dep "b") ];
              checkInputs = [ (dep "c") ];
            }).nativeBuildInputs
        )
        [
          false
          true
        ];
    expected = [
      1
      2
    ];
  };
  env = {
    expr =
      let
        p = stdenv.mkDerivation {
          name = "e";
          env.FOO = "bar";
        };
      in
      [
        p.drvAttrs.FOO
        (p.drvAttrs ? env)
      ];
    expected = [
      "bar"
      false
    ];
  };
  envClash = {
    expr =
      (stdenv.mkDerivation {
        name = "e";
        FOO = "a";
        env.FOO = "b";
      }).drvPath;
    expectThrow = true;
  };
  brokenRefused = {
    expr =
      (stdenv.mkDerivation {
        name = "b";
        meta.broken = true;
      }).drvPath;
    expectThrow = true;
  };
  brokenNameStillReadable = {
    expr =
      (stdenv.mkDerivation {
        name = "b";
        meta.broken = true;
      }).name;
    expected = "b";
  };
  brokenAllowed = {
    expr =
      builtins.isString
        ((import pkgs.path { config.allowBroken = true; }).stdenv.mkDerivation {
          name = "b";
          meta.broken = true;
        }).drvPath;
    expected = true;
  };
  unsupportedPlatform = {
    expr =
      (stdenv.mkDerivation {
        name = "p";
        meta.platforms = [ "none-none" ];
      }).drvPath;
    expectThrow = true;
  };
  unfreeRefused = {
    expr =
      (stdenv.mkDerivation {
        name = "u";
        meta.license = lib.licenses.unfree;
      }).drvPath;
    expectThrow = true;
  };

  # mkShell
  mkShell = {
    expr =
      let
        a = dep "a";
        b = stdenv.mkDerivation {
          name = "b";
          buildInputs = [ (dep "c") ];
          nativeBuildInputs = [ (dep "d") ];
          shellHook = "fromB";
        };
        e = stdenv.mkDerivation {
          name = "e";
          shellHook = "fromE";
        };
        s = pkgs.mkShell {
          packages = [ a ];
          inputsFrom = [
            b
            e
          ];
          shellHook = "own";
          MY_VAR = "1";
        };
      in
      {
        name = s.name;
        native = map (x: x.name) s.nativeBuildInputs;
        build = map (x: x.name) s.buildInputs;
        inherit (s) shellHook MY_VAR;
      };
    expected = {
      name = "nix-shell";
      native = [
        "a"
        "d"
      ];
      build = [ "c" ];
      shellHook = "fromE\nfromB\nown";
      MY_VAR = "1";
    };
  };

  # scopes and package sets
  makeScope = {
    expr =
      let
        scope = lib.makeScope pkgs.newScope (self: {
          a = 1;
          b = self.callPackage ({ a, system }: { v = "${toString a}-${system}"; }) { };
        });
        scope2 = scope.overrideScope (final: prev: { a = 10; });
      in
      [
        scope.b.v
        scope2.b.v
      ];
    expected = [
      "1-${pkgs.system}"
      "10-${pkgs.system}"
    ];
  };
  callPackages = {
    expr =
      let
        set = lib.callPackagesWith { base = 1; } (
          { base }:
          {
            one = {
              v = base;
            };
            two = {
              v = base * 2;
            };
          }
        ) { };
      in
      [
        set.two.v
        (set.two.override { base = 5; }).v
      ];
    expected = [
      2
      10
    ];
  };
  overlays = {
    expr =
      (import pkgs.path {
        overlays = [
          (final: prev: {
            greeting = "hi";
            g2 = final.greeting + "!";
          })
          (final: prev: { greeting = "hello"; })
        ];
      }).g2;
    expected = "hello!";
  };
  overlayReplacesCallPackageDependency = {
    expr =
      let
        p = import pkgs.path {
          overlays = [
            (final: prev: {
              greeting = "from-overlay";
              greeter = final.callPackage greeterFn { };
            })
          ];
        };
      in
      p.greeter.greeting;
    expected = "from-overlay";
  };
  overlayReplacesStdenv = {
    expr =
      let
        p = import pkgs.path {
          overlays = [
            (final: prev: {
              stdenv = prev.stdenv // {
                mkDerivation = args: prev.stdenv.mkDerivation (args // { marked = "yes"; });
              };
            })
          ];
        };
      in
      (p.callPackage greeterFn { }).marked;
    expected = "yes";
  };
  pkgsShape = {
    expr =
      let
        p = import pkgs.path { system = "aarch64-linux"; };
      in
      [
        p.system
        p.stdenv.hostPlatform.system
        p.stdenv.isLinux
        (p.pkgs.system)
        (p.buildPackages.system)
        (p.lib.isGonix)
      ];
    expected = [
      "aarch64-linux"
      "aarch64-linux"
      true
      "aarch64-linux"
      "aarch64-linux"
      true
    ];
  };
  localSystem = {
    expr =
      (import pkgs.path {
        localSystem = {
          system = "i686-linux";
        };
      }).system;
    expected = "i686-linux";
  };
  crossRefused = {
    expr =
      (import pkgs.path {
        crossSystem = "aarch64-linux";
        system = "x86_64-linux";
      }).system;
    expectThrow = true;
  };
  stdenvNoCC = {
    expr = [
      pkgs.stdenvNoCC.hasCC
      ((pkgs.stdenvNoCC.mkDerivation { name = "x"; }).drvAttrs.gonixNoCC or false)
      ((stdenv.mkDerivation { name = "x"; }).drvAttrs ? gonixNoCC)
    ];
    expected = [
      false
      true
      false
    ];
  };
  writeShellScriptBinMeta = {
    expr = (pkgs.writeShellScriptBin "tool" "echo hi").meta.mainProgram;
    expected = "tool";
  };
}
