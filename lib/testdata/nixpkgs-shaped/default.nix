# A nixpkgs-shaped package set for tests: the same entry points, layout
# and evaluation patterns as nixpkgs (version check, impure defaults,
# stdenv bootstrap stages, a stdenv that is itself a derivation,
# callPackage over a fixed point with overlays, <nix/fetchurl.nix>), at a
# size that fits in a test. Its stdenv reuses gonix's setup script.
#
#   import ./. { system ? builtins.currentSystem, overlays ? [ ], config ? { } }
let
  requiredVersion = "2.3";
in
if
  !(builtins ? nixVersion) || builtins.compareVersions requiredVersion builtins.nixVersion == 1
then
  abort "This version of the fixture requires Nix >= ${requiredVersion}"
else
  import ./pkgs/top-level/impure.nix
