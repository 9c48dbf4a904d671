# Checks the arguments, then runs the stdenv bootstrap: each stage is a
# function from the previous stage's packages to the arguments of the
# next package set; the last stage's package set is the result.
{
  localSystem,
  crossSystem ? localSystem,
  config ? { },
  overlays ? [ ],
  crossOverlays ? [ ],
  stdenvStages ? import ../stdenv,
  ...
}@args:

let
  lib = import ../../lib;

  system = if builtins.isString localSystem then localSystem else localSystem.system;
  crossSystemName = if builtins.isString crossSystem then crossSystem else crossSystem.system;

  config0 = if lib.isFunction config then config { inherit lib; } else config;
  configChecked =
    assert lib.assertMsg (builtins.isAttrs config0)
      "config must be an attribute set or a function returning one";
    {
      allowUnfree = builtins.getEnv "NIXPKGS_ALLOW_UNFREE" == "1";
    }
    // config0;

  stages = stdenvStages {
    inherit lib system overlays;
    config = configChecked;
  };

  # Fold the stages: stage n receives the package set of stage n-1.
  finalStage = builtins.foldl' (
    prevPkgs: stage:
    let
      stageArgs = stage prevPkgs;
    in
    import ./stage.nix (
      {
        inherit lib system;
        config = configChecked;
        overlays = [ ];
      }
      // stageArgs
    )
  ) null stages;
in
assert lib.assertMsg (crossSystemName == system) "the fixture does not cross-compile";
finalStage
