# The bootstrap stages for the current system.
{
  lib,
  system,
  config,
  overlays,
}:

let
  platform = lib.systems.elaborate system;
in
if platform.isLinux then
  import ./linux {
    inherit
      lib
      system
      config
      overlays
      ;
  }
else
  throw "the fixture only has a Linux stdenv (asked for ${system})"
