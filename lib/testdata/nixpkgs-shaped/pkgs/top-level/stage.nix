# One package set: the fixed point of all-packages.nix, aliases and the
# overlays, on top of a given stdenv (like nixpkgs' stage.nix).
{
  lib,
  system,
  stdenv,
  config,
  overlays,
  stageName ? "final",
  prevStage ? null,
  ...
}:

let
  # The packages every stage has.
  stdenvPackages = self: super: {
    inherit
      lib
      config
      stdenv
      system
      ;
    pkgs = self;
    buildPackages = self;
    stdenvNoCC = stdenv;
    __stageName = stageName;
    __bootPackages = prevStage;
    # nixpkgs' splicing, trivially: packages resolve in the same set.
    __splicedPackages = self // {
      recurseForDerivations = false;
    };
    callPackage = self.newScope { };
    newScope = extra: lib.callPackageWith (self.__splicedPackages // extra);
    callPackages = lib.callPackagesWith self.__splicedPackages;
  };

  allPackages = import ./all-packages.nix;
  aliases = import ./aliases.nix lib;

  toFix = lib.foldl' (lib.flip lib.extends) (self: { }) (
    [
      stdenvPackages
      allPackages
      aliases
    ]
    ++ overlays
  );
in
lib.fix toFix
