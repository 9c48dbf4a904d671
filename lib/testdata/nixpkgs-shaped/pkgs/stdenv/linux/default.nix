# Linux bootstrap, in the shape of nixpkgs' stages:
#   stage 0: the "bootstrap tools" — in nixpkgs a tarball fetched with
#            <nix/fetchurl.nix>; here a derivation linking the host tools
#            the stdenv may use (an explicit list instead of all of /usr/bin);
#   stage 1: a stdenv built from those tools, used to build the final set;
#   final:   the stdenv of stage 1 plus the user's overlays.
{
  lib,
  system,
  config,
  overlays,
}:

let
  bootstrapTools = derivation {
    name = "bootstrap-tools";
    inherit system;
    builder = "/bin/bash";
    args = [
      "-e"
      ./bootstrap-tools.sh
    ];
    tools = [
      "bash"
      "sh"
      "cat"
      "chmod"
      "cp"
      "cut"
      "date"
      "dirname"
      "basename"
      "echo"
      "env"
      "find"
      "grep"
      "head"
      "tail"
      "ln"
      "ls"
      "mkdir"
      "mktemp"
      "mv"
      "nproc"
      "readlink"
      "rm"
      "rmdir"
      "sed"
      "sort"
      "tar"
      "gzip"
      "touch"
      "tr"
      "true"
      "false"
      "uname"
      "wc"
      "xargs"
      "diff"
      "cmp"
      "patch"
      "make"
      "gcc"
      "g++"
      "cpp"
      "as"
      "ld"
      "ar"
      "ranlib"
      "strip"
      "nm"
      "awk"
      "test"
      "printf"
      "tee"
      "uniq"
      "xz"
      "id"
    ];
  };

  mkStdenv =
    {
      name,
      prevStage,
    }:
    import ../generic {
      inherit
        lib
        system
        config
        name
        ;
      initialPath = [ bootstrapTools ];
    };
in
[
  # stage 1
  (prevStage: {
    stageName = "stage1";
    inherit prevStage;
    stdenv = mkStdenv {
      name = "stdenv-stage1";
      inherit prevStage;
    };
  })
  # final
  (prevStage: {
    stageName = "final";
    inherit prevStage overlays;
    inherit (prevStage) stdenv;
  })
]
