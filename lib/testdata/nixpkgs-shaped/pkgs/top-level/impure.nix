# Defaults taken from the environment, as nixpkgs' impure.nix does:
# the current system, and config from $NIXPKGS_CONFIG when set.
let
  inherit (builtins) getEnv pathExists;
  configFile = getEnv "NIXPKGS_CONFIG";
in
{
  localSystem ? {
    system = args.system or builtins.currentSystem;
  },
  system ? localSystem.system,
  crossSystem ? localSystem,
  config ? (if configFile != "" && pathExists configFile then import configFile else { }),
  overlays ? [ ],
  crossOverlays ? [ ],
  ...
}@args:

import ./. (
  builtins.removeAttrs args [ "system" ]
  // {
    inherit config overlays localSystem;
  }
)
