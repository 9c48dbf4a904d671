# gonix's embedded package set: `import <gonix> { }`.
#
# Shaped like nixpkgs' top level so expressions written for one work with
# the other: it takes { system, localSystem, config, overlays } and
# returns a package set with lib, stdenv, mkShell, callPackage, the
# trivial builders (runCommand, writeText, writeShellScriptBin,
# symlinkJoin, ...), makeSetupHook and makeWrapper. Overlays
# (final: prev: { ... }) extend or replace any of it.
#
# It contains no third-party software: stdenv builds with the host's
# tools (see stdenv/default.nix and doc.go for the purity caveat).
{
  system ? builtins.currentSystem,
  localSystem ? null,
  crossSystem ? null,
  config ? { },
  overlays ? [ ],
  crossOverlays ? [ ],
}:

let
  lib = import ./lib;

  hostSystem =
    if localSystem == null then
      system
    else if builtins.isString localSystem then
      localSystem
    else
      localSystem.system;

  crossRequested =
    crossSystem != null
    &&
      (if builtins.isString crossSystem then crossSystem else crossSystem.system or null) != hostSystem;

  cfg = if lib.isFunction config then config { inherit lib; } else config;

  # The base package set; `final` is the set after all overlays.
  base =
    final:
    {
      inherit lib;
      config = cfg;
      system = hostSystem;
      path = ./.;
      pkgs = final;
      buildPackages = final;
      gonix = {
        isEmbedded = true;
        inherit (lib) version;
      };

      stdenv = import ./stdenv {
        inherit lib;
        system = hostSystem;
        config = cfg;
        hostPath = cfg.gonix.hostPath or null;
      };
      stdenvNoCC = final.stdenv // {
        hasCC = false;
        cc = null;
        mkDerivation = import ./stdenv/make-derivation.nix {
          inherit lib;
          config = cfg;
          stdenv = final.stdenvNoCC;
        };
      };

      callPackage = lib.callPackageWith final;
      callPackages = lib.callPackagesWith final;
      newScope = extra: lib.callPackageWith (final // extra);

      mkShell = import ./build-support/mkshell.nix {
        inherit lib;
        inherit (final) stdenv;
      };
      mkShellNoCC = import ./build-support/mkshell.nix {
        inherit lib;
        stdenv = final.stdenvNoCC;
      };

      makeWrapper = final.makeSetupHook { name = "make-wrapper-hook"; } ./build-support/make-wrapper.sh;
    }
    // import ./build-support/trivial-builders.nix {
      inherit lib;
      inherit (final) stdenv stdenvNoCC;
    };

  overlayList =
    if builtins.isList overlays then
      overlays
    else
      throw "gonix: overlays must be a list of functions final: prev: { ... }";
in
if crossRequested || crossOverlays != [ ] then
  throw "gonix's embedded stdenv builds for the host only; cross compilation (crossSystem) needs nixpkgs"
else
  lib.fix (lib.extends (lib.composeManyExtensions overlayList) base)
