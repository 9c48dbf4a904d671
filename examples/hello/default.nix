# Non-flake entry point: `nix-build` (real Nix) or `gonix build`.
#
# By default the package set is gonix's embedded library taken from this
# repository; pass another one (for example nixpkgs) with
#   nix-build --arg pkgs 'import <nixpkgs> { }'
{
  pkgs ? import ../../lib { },
}:

pkgs.callPackage ./package.nix { }
