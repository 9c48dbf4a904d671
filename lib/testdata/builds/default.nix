# Packages built by the build tests (builder_test.go). Each writes what
# the test checks into its output.
{
  pkgs ? import <gonix> { },
}:

let
  inherit (pkgs) lib stdenv;

  # A line in $NIX_BUILD_TOP/trace per hook, to check the order.
  trace = name: ''echo ${name} >> "$NIX_BUILD_TOP/trace"'';
  traced = names: lib.genAttrs names trace;
in
rec {
  # Every phase with its pre and post hooks, plus extra phases.
  phases = stdenv.mkDerivation (
    traced [
      "preUnpack"
      "postUnpack"
      "prePatch"
      "postPatch"
      "preConfigure"
      "postConfigure"
      "preBuild"
      "postBuild"
      "preCheck"
      "postCheck"
      "preInstall"
      "postInstall"
      "preFixup"
      "postFixup"
      "preInstallCheck"
      "postInstallCheck"
      "preDist"
    ]
    // {
      pname = "phases";
      version = "1";
      src = ./phases-src;
      patches = [ ./phases.patch ];
      configureFlags = [ "--with-greeting=hi" ];
      makeFlags = [ "EXTRA=extra-flag" ];
      env.FROM_ENV = "env-value";
      doCheck = true;
      doInstallCheck = true;
      doDist = true;
      prePhases = [ "firstPhase" ];
      firstPhase = trace "firstPhase";
      preBuildPhases = [ "midPhase" ];
      midPhase = trace "midPhase";
      postPhases = [ "lastPhase" ];
      postDist = trace "postDist";
      lastPhase = ''
        ${trace "lastPhase"}
        cp "$NIX_BUILD_TOP/trace" "$out/trace"
      '';
    }
  );

  # Phase variables replace the phase functions; phases lists the phases.
  customPhases = stdenv.mkDerivation {
    name = "custom-phases";
    phases = [
      "buildPhase"
      "installPhase"
    ];
    buildPhase = ''
      echo "custom build" > built
    '';
    installPhase = ''
      mkdir -p $out
      cp built $out/
      echo "unpackPhase is still a function: $(type -t unpackPhase)" > $out/types
    '';
  };

  # dont* flags skip phases.
  dontFlags = stdenv.mkDerivation {
    name = "dont-flags";
    dontUnpack = true;
    dontConfigure = true;
    dontBuild = true;
    preConfigure = "echo configure-ran >> $NIX_BUILD_TOP/ran";
    preBuild = "echo build-ran >> $NIX_BUILD_TOP/ran";
    installPhase = ''
      mkdir -p $out
      touch $NIX_BUILD_TOP/ran
      cp $NIX_BUILD_TOP/ran $out/ran
      echo "$PWD" > $out/pwd
    '';
  };

  # A shared library with a header.
  libgreet = stdenv.mkDerivation {
    pname = "libgreet";
    version = "1.0";
    src = ./libgreet-src;
    dontConfigure = true;
    makeFlags = [ "PREFIX=${placeholder "out"}" ];
  };

  # Compiles and links against libgreet found through buildInputs only.
  consumer = stdenv.mkDerivation {
    pname = "consumer";
    version = "1.0";
    src = ./consumer-src;
    buildInputs = [ libgreet ];
    makeFlags = [ "PREFIX=${placeholder "out"}" ];
    doInstallCheck = true;
    installCheckPhase = ''
      $out/bin/use > $out/result
      echo "$NIX_CFLAGS_COMPILE" > $out/cflags
      echo "$NIX_LDFLAGS" > $out/ldflags
    '';
  };

  # libgreet reaches consumers through propagatedBuildInputs.
  greetBundle = stdenv.mkDerivation {
    name = "greet-bundle";
    dontUnpack = true;
    propagatedBuildInputs = [ libgreet ];
    installPhase = "mkdir -p $out";
  };
  propagatedConsumer = consumer.overrideAttrs {
    pname = "propagated-consumer";
    buildInputs = [ greetBundle ];
  };

  # Setup hooks: from makeSetupHook, and from a package's setupHook.
  demoHook = pkgs.makeSetupHook { name = "demo-hook"; } ./demo-hook.sh;
  hookProvider = stdenv.mkDerivation {
    name = "hook-provider";
    dontUnpack = true;
    setupHook = ./provider-hook.sh;
    installPhase = "mkdir -p $out";
  };
  hookUser = stdenv.mkDerivation {
    name = "hook-user";
    dontUnpack = true;
    nativeBuildInputs = [ demoHook ];
    buildInputs = [ hookProvider ];
    # A replacement phase runs the hooks only if it asks for them.
    installPhase = ''
      runHook preInstall
      mkdir -p $out
      echo "sourced=$demoHookSourced provided=$PROVIDED_BY" > $out/env
      runHook postInstall
    '';
  };

  # makeWrapper's setup hook and wrapProgram.
  wrapped = stdenv.mkDerivation {
    name = "wrapped";
    dontUnpack = true;
    nativeBuildInputs = [ pkgs.makeWrapper ];
    installPhase = ''
      mkdir -p $out/bin
      printf '#!/bin/sh\necho "$GREETING $*"\n' > $out/bin/greet
      chmod +x $out/bin/greet
      wrapProgram $out/bin/greet --set GREETING hello --add-flags wrapped
    '';
    doInstallCheck = true;
    installCheckPhase = ''
      $out/bin/greet world > $out/result
    '';
  };

  # Trivial builders.
  text = pkgs.writeText "text" "plain text\n";
  textDir = pkgs.writeTextDir "share/doc/note.txt" "a note";
  otherDir = pkgs.writeTextDir "share/doc/other.txt" "another note";
  script = pkgs.writeShellScriptBin "say" ''
    echo "said: $*"
  '';
  app = pkgs.writeShellApplication {
    name = "app";
    runtimeInputs = [ script ];
    text = ''
      say "from app"
    '';
  };
  joined = pkgs.symlinkJoin {
    name = "joined";
    paths = [
      textDir
      otherDir
      script
    ];
  };
  ranCommand =
    pkgs.runCommand "ran-command"
      {
        nativeBuildInputs = [ app ];
        MESSAGE = "from env";
      }
      ''
        mkdir -p $out
        echo "$MESSAGE" > $out/message
        app > $out/app-output
        cat ${text} > $out/text
        ls ${joined}/share/doc > $out/joined
        test -L ${joined}/bin/say
      '';
  # Several outputs: each is a variable; propagated inputs and the setup
  # hook go to the dev output.
  multiOut = stdenv.mkDerivation {
    name = "multi-out";
    outputs = [
      "out"
      "dev"
    ];
    dontUnpack = true;
    propagatedBuildInputs = [ textDir ];
    setupHook = ./provider-hook.sh;
    installPhase = ''
      mkdir -p $out/bin $dev/include
      echo 'echo from-multi-out' > $out/bin/multi
      chmod +x $out/bin/multi
      echo '#define MULTI 1' > $dev/include/multi.h
    '';
  };
  multiOutUser =
    pkgs.runCommand "multi-out-user"
      {
        buildInputs = [ multiOut.dev ];
      }
      ''
        mkdir -p $out
        ${multiOut}/bin/multi > $out/bin-output
        cat ${multiOut.dev}/include/multi.h > $out/header
        cat ${multiOut.dev}/nix-support/propagated-build-inputs > $out/propagated
        echo "$PROVIDED_BY" > $out/provided-by
        ${shellScript} > $out/script-output
      '';
  shellScript = pkgs.writeShellScript "shell-script" ''
    echo "from writeShellScript"
  '';
  compiled = pkgs.runCommandCC "compiled" { } ''
    printf '#include <stdio.h>\nint main(void){puts("compiled by runCommandCC");return 0;}\n' > main.c
    mkdir -p $out/bin
    cc -o $out/bin/compiled main.c
    $out/bin/compiled > $out/result
  '';
  shell = pkgs.mkShell {
    packages = [ script ];
    inputsFrom = [ consumer ];
    shellHook = "echo hi";
  };
}
