# Lists of system strings for meta.platforms.
{ lib }:

rec {
  linux = [
    "x86_64-linux"
    "i686-linux"
    "aarch64-linux"
    "armv7l-linux"
    "armv6l-linux"
    "riscv64-linux"
    "powerpc64le-linux"
  ];
  darwin = [
    "x86_64-darwin"
    "aarch64-darwin"
  ];
  freebsd = [
    "x86_64-freebsd"
    "aarch64-freebsd"
  ];
  unix = linux ++ darwin ++ freebsd;
  all = unix;
  x86_64 = builtins.filter (lib.hasPrefix "x86_64-") all;
  aarch64 = builtins.filter (lib.hasPrefix "aarch64-") all;
}
