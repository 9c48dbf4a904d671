# Evaluation tests of the nixpkgs-shaped fixture, imported as <nixpkgs>
# (cases as in lib-tests.nix).
{ lib, pkgs }:

let
  np = import <nixpkgs> { };
  withOverlay = import <nixpkgs> { overlays = [ (import <nixpkgs/overlays/patch-hello.nix>) ]; };
in
{
  packageNames = {
    expr = [
      np.hello.name
      np.greeter.name
      np.libgreet.name
      np.greeterPackages.scoped.name
    ];
    expected = [
      "hello-2.12"
      "greeter-1.0"
      "libgreet-1.0"
      "scoped"
    ];
  };
  stages = {
    expr = [
      np.__stageName
      np.__bootPackages.__stageName
      np.stdenv.name
      (lib.isDerivation np.stdenv)
      (np.__bootPackages.stdenv == np.stdenv)
    ];
    expected = [
      "final"
      "stage1"
      "stdenv-stage1"
      true
      true
    ];
  };
  stdenvIsBuilt = {
    # The stdenv is a derivation whose output has setup; packages use it.
    expr = [
      (builtins.match ".*-stdenv-stage1" np.stdenv.outPath != null)
      (np.hello.stdenv.outPath == np.stdenv.outPath)
      (lib.hasSuffix "/default-builder.sh" (builtins.elemAt np.hello.args 1))
    ];
    expected = [
      true
      true
      true
    ];
  };
  fetchurlIsFixedOutput = {
    expr = [
      np.hello.src.outputHashMode or "flat"
      np.hello.src.name
      (lib.hasPrefix "builtin:" np.hello.src.builder)
    ];
    expected = [
      "flat"
      "hello-2.12.tar.gz"
      true
    ];
  };
  overlay = {
    expr = [
      withOverlay.hello.name
      (withOverlay.hello-runner.name)
      # Packages depending on hello see the overlay's version.
      (lib.hasInfix withOverlay.hello.outPath withOverlay.hello-runner.buildCommand)
      (lib.hasInfix np.hello.outPath withOverlay.hello-runner.buildCommand)
    ];
    expected = [
      "hello-patched-2.12"
      "hello-runner"
      true
      false
    ];
  };
  overlayIsolated = {
    expr = np.hello.name;
    expected = "hello-2.12";
  };
  unfreeRefused = {
    expr = np.unfreeThing.drvPath;
    expectThrow = true;
  };
  unfreeAllowed = {
    expr = builtins.isString (import <nixpkgs> { config.allowUnfree = true; }).unfreeThing.drvPath;
    expected = true;
  };
  configFunction = {
    expr =
      builtins.isString
        (import <nixpkgs> { config = { lib }: { allowUnfree = true; }; }).unfreeThing.drvPath;
    expected = true;
  };
  alias = {
    expr = np.hello-world.name;
    expected = "hello-2.12";
  };
  crossRefused = {
    expr =
      (import <nixpkgs> {
        crossSystem = {
          system = "none-none";
        };
      }).hello.name;
    expectThrow = true;
  };
  callPackageSplicing = {
    expr = np.callPackage ({ hello, buildPackages }: [
      hello.name
      buildPackages.hello.name
    ]) { };
    expected = [
      "hello-2.12"
      "hello-2.12"
    ];
  };
  # The gonix example, given nixpkgs (here the fixture), uses its stdenv.
  exampleWithNixpkgs = {
    expr =
      let
        hello = import ../../examples/hello { pkgs = np; };
      in
      [
        hello.name
        (hello.stdenv.outPath == np.stdenv.outPath)
      ];
    expected = [
      "hello-1.0"
      true
    ];
  };
}
