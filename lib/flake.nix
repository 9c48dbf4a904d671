# gonix's embedded library as a flake.
#
# Flakes refer to it as an indirect input, resolved through the flake
# registry:
#
#   inputs.gonix.url = "gonix";
#
# gonix's registry maps "gonix" to the copy of this library built into the
# gonix binary. With real Nix, add a registry entry or override the input:
#
#   nix registry add gonix path:/path/to/gonix/lib
#   nix build --override-input gonix path:/path/to/gonix/lib
#
# Outputs: lib (the Nix library) and legacyPackages.<system> (the package
# set of default.nix for that system, with stdenv, mkShell, ...).
{
  description = "gonix's embedded Nix library and offline stdenv";

  outputs =
    _:
    let
      lib = import ./lib;
      # Linux only: the stdenv's scripts need bash 4 and GNU tools.
      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "i686-linux"
        "riscv64-linux"
      ];
    in
    {
      inherit lib;
      legacyPackages = lib.genAttrs systems (system: import ./. { inherit system; });
    };
}
