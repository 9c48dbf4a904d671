# The package list: one callPackage per package, by category, as in
# nixpkgs.
final: prev:

with final;

{
  fetchurl = callPackage ../build-support/fetchurl { };

  inherit (callPackage ../build-support/trivial-builders { })
    runCommand
    writeText
    writeShellScriptBin
    symlinkJoin
    ;

  mkShell = callPackage ../build-support/mkshell { };

  hello = callPackage ../applications/misc/hello { };

  libgreet = callPackage ../development/libraries/libgreet { };

  greeter = callPackage ../tools/misc/greeter { };

  # A package set built with makeScope, like nixpkgs' language sets.
  greeterPackages = lib.recurseIntoAttrs (
    lib.makeScope newScope (self: {
      message = "from the scope";
      scoped = self.callPackage ({ writeText, message }: writeText "scoped" message) { };
    })
  );

  unfreeThing = callPackage (
    { stdenv, lib }:
    stdenv.mkDerivation {
      name = "unfree-thing";
      dontUnpack = true;
      installPhase = "mkdir -p $out";
      meta.license = lib.licenses.unfree;
    }
  ) { };
}
