# Platforms: a minimal description of a system string, enough for
# `stdenv.hostPlatform.isLinux` style checks and meta.platforms lists.
{ lib }:

let
  parse =
    system:
    let
      parts = lib.splitString "-" system;
    in
    if builtins.length parts != 2 then
      throw "lib.systems.elaborate: expected a system of the form CPU-KERNEL, such as x86_64-linux, got \"${system}\""
    else
      {
        cpu = builtins.elemAt parts 0;
        kernel = builtins.elemAt parts 1;
      };
in
{
  # The systems flakes commonly expose.
  flakeExposed = [
    "x86_64-linux"
    "aarch64-linux"
    "x86_64-darwin"
    "aarch64-darwin"
  ];

  # elaborate "x86_64-linux" (or { system = ...; }): a platform record.
  elaborate =
    arg:
    let
      system = if builtins.isString arg then arg else arg.system;
      p = parse system;
    in
    {
      inherit system;
      config = "${p.cpu}-unknown-${p.kernel}${lib.optionalString (p.kernel == "linux") "-gnu"}";
      parsed = {
        cpu.name = p.cpu;
        kernel.name = p.kernel;
      };
      isLinux = p.kernel == "linux";
      isDarwin = p.kernel == "darwin";
      isUnix = builtins.elem p.kernel [
        "linux"
        "darwin"
        "freebsd"
        "openbsd"
        "netbsd"
      ];
      isx86_64 = p.cpu == "x86_64";
      isi686 = p.cpu == "i686";
      isx86 = builtins.elem p.cpu [
        "x86_64"
        "i686"
      ];
      isAarch64 = p.cpu == "aarch64";
      isAarch = builtins.elem p.cpu [
        "aarch64"
        "armv7l"
        "armv6l"
      ];
      isRiscV = lib.hasPrefix "riscv" p.cpu;
      is64bit = builtins.elem p.cpu [
        "x86_64"
        "aarch64"
        "riscv64"
        "powerpc64le"
      ];
      isStatic = false;
      isMusl = false;
      extensions = {
        executable = "";
        sharedLibrary = if p.kernel == "darwin" then ".dylib" else ".so";
        staticLibrary = ".a";
      };
      canExecute = other: (if builtins.isString other then other else other.system) == system;
    };
}
