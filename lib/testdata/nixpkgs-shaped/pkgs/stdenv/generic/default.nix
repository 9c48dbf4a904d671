# A stdenv that is a derivation, as in nixpkgs: its output holds `setup`
# (what builders and dev shells source), the default builder and the
# compiler wrappers; its attributes add mkDerivation and platform
# information. The scripts are gonix's.
{
  lib,
  system,
  config,
  name,
  initialPath,
}:

let
  gonixRuntime = ../../../../../stdenv/runtime;
  platform = lib.systems.elaborate system;
  hostPath = lib.makeBinPath initialPath;

  drv = derivation {
    inherit name system;
    builder = "/bin/bash";
    args = [
      "-e"
      ./builder.sh
    ];
    runtime = gonixRuntime;
    inherit initialPath;
  };

  stdenv = drv // {
    inherit system hostPath config;
    shell = "/bin/bash";
    shellDryRun = "/bin/bash -n -O extglob";
    hostPlatform = platform;
    buildPlatform = platform;
    targetPlatform = platform;
    inherit (platform) isLinux isDarwin;
    hasCC = true;
    cc = null;
    mkDerivation = import ../../../../../stdenv/make-derivation.nix { inherit lib config stdenv; };
  };
in
stdenv
