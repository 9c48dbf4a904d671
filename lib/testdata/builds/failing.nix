# Builds that fail, for the failure-report tests (builder_test.go).
{
  pkgs ? import <gonix> { },
}:

let
  inherit (pkgs) stdenv;
in
{
  # A command in the build phase fails after printing some lines.
  buildFails = stdenv.mkDerivation {
    name = "build-fails";
    dontUnpack = true;
    buildPhase = ''
      echo "compiling step one"
      echo "the last line before the failure"
      ls /nonexistent-gonix-test-dir
      echo "never printed"
    '';
    installPhase = "mkdir -p $out";
  };

  # A hook fails: the phase it belongs to is named.
  hookFails = stdenv.mkDerivation {
    name = "hook-fails";
    dontUnpack = true;
    postConfigure = ''
      echo "in postConfigure"
      exit 4
    '';
    installPhase = "mkdir -p $out";
  };

  # make fails in the default build phase.
  makeFails = stdenv.mkDerivation {
    name = "make-fails";
    dontUnpack = true;
    preBuild = ''
      printf 'all:\n\t@echo "make is running"\n\t@false\n' > Makefile
    '';
    installPhase = "mkdir -p $out";
  };

  # A failing buildCommand (runCommand).
  commandFails = pkgs.runCommand "command-fails" { } ''
    echo "about to fail in buildCommand"
    false
  '';

  # A dependency's setup hook fails while the environment is set up.
  hookSourceFails = stdenv.mkDerivation {
    name = "hook-source-fails";
    dontUnpack = true;
    nativeBuildInputs = [
      (pkgs.writeText "bad-hook" ''
        echo "bad hook running"
        false
      '')
    ];
    installPhase = "mkdir -p $out";
  };

  # No output produced.
  noOutput = stdenv.mkDerivation {
    name = "no-output";
    dontUnpack = true;
  };
}
