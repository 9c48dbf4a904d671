# gonix's offline standard environment.
#
# stdenv.mkDerivation builds with bash (/bin/bash) and the host's tools:
# the builder's PATH is the inputs' bin directories, then compiler
# wrappers (cc, gcc, c++, g++ adding the inputs' include and lib
# directories), then hostPath (by default /usr/local/sbin, /usr/local/bin,
# /usr/sbin, /usr/bin, /sbin, /bin). Nothing pins those host tools, so
# results depend on the machine: this stdenv is for development shells
# and small local builds when nixpkgs is not available, not for
# reproducible or distributable packages. See ../doc.go.
#
# The stdenv itself is the directory ./runtime copied to the store (its
# `setup` is what builders and dev shells source), so `$stdenv/setup`
# works as it does with nixpkgs' stdenv.
{
  lib,
  system,
  config ? { },
  # Host directories searched for tools (colon-separated), or null for
  # the default.
  hostPath ? null,
  # Without the compiler wrappers and compiler flags (stdenvNoCC).
  noCC ? false,
}:

let
  runtime = builtins.path {
    path = ./runtime;
    name = "gonix-stdenv";
  };
  platform = lib.systems.elaborate system;

  stdenv = {
    name = "gonix-stdenv";
    outPath = runtime;
    inherit system;
    shell = "/bin/bash";
    shellDryRun = "/bin/bash -n -O extglob";
    hostPlatform = platform;
    buildPlatform = platform;
    targetPlatform = platform;
    inherit (platform)
      isLinux
      isDarwin
      isx86_64
      isAarch64
      is64bit
      ;
    hasCC = !noCC;
    # The host compiler, as far as Nix expressions can see it: adding it
    # to inputs adds the wrappers.
    cc =
      if noCC then
        null
      else
        {
          name = "host-cc-wrapper";
          outPath = runtime;
          isGNU = true;
          isClang = false;
          targetPrefix = "";
        };
    isGonix = true;
    inherit config hostPath;
    mkDerivation = import ./make-derivation.nix { inherit lib config stdenv; };
  };
in
stdenv
