# Small builders on top of stdenv.mkDerivation: run a shell command,
# write text files and scripts, join trees of symlinks.
{
  lib,
  stdenv,
  stdenvNoCC,
}:

rec {
  # The shell used in generated scripts (the host's bash, like the
  # builder).
  runtimeShell = stdenv.shell;

  # runCommandWith { name, stdenv ? stdenvNoCC, runLocal ? false,
  # derivationArgs ? { } } buildCommand
  runCommandWith =
    {
      name,
      stdenv ? stdenvNoCC,
      runLocal ? false,
      derivationArgs ? { },
    }:
    buildCommand:
    stdenv.mkDerivation (
      {
        enableParallelBuilding = true;
        inherit name buildCommand;
        passAsFile = [ "buildCommand" ] ++ (derivationArgs.passAsFile or [ ]);
      }
      // lib.optionalAttrs runLocal {
        preferLocalBuild = true;
        allowSubstitutes = false;
      }
      // removeAttrs derivationArgs [ "passAsFile" ]
    );

  # runCommand NAME ENV COMMAND: a derivation whose build is COMMAND
  # (which must create $out); ENV adds attributes (environment variables,
  # inputs, passthru, ...).
  runCommand =
    name: env:
    runCommandWith {
      inherit name;
      stdenv = stdenvNoCC;
      derivationArgs = env;
    };
  runCommandLocal =
    name: env:
    runCommandWith {
      inherit name;
      stdenv = stdenvNoCC;
      runLocal = true;
      derivationArgs = env;
    };
  # The same with the C compiler wrappers and flags.
  runCommandCC =
    name: env:
    runCommandWith {
      inherit name stdenv;
      derivationArgs = env;
    };

  # writeTextFile { name, text, executable ? false, destination ? "",
  # checkPhase ? "", meta ? { }, passthru ? { }, derivationArgs ? { } }:
  # $out (or $out/destination when destination is given, e.g.
  # "/bin/foo") containing text.
  writeTextFile =
    {
      name,
      text,
      executable ? false,
      destination ? "",
      checkPhase ? "",
      meta ? { },
      passthru ? { },
      allowSubstitutes ? false,
      preferLocalBuild ? true,
      derivationArgs ? { },
    }:
    assert lib.assertMsg (destination == "" || lib.hasPrefix "/" destination)
      "writeTextFile (${name}): destination must be empty or start with a slash, got \"${destination}\"";
    runCommand name
      (
        {
          inherit
            text
            executable
            checkPhase
            allowSubstitutes
            preferLocalBuild
            meta
            passthru
            ;
          passAsFile = [ "text" ];
        }
        // derivationArgs
      )
      ''
        target=$out${lib.escapeShellArg destination}
        mkdir -p "$(dirname "$target")"
        if [ -e "''${textPath:-}" ]; then
          mv "$textPath" "$target"
        else
          printf '%s' "$text" > "$target"
        fi
        if [ -n "$executable" ]; then
          chmod +x "$target"
        fi
        eval "$checkPhase"
      '';

  writeText = name: text: writeTextFile { inherit name text; };
  # writeTextDir "share/x.txt" text: $out/share/x.txt.
  writeTextDir =
    path: text:
    writeTextFile {
      inherit text;
      name = builtins.baseNameOf path;
      destination = "/${path}";
    };
  writeScript =
    name: text:
    writeTextFile {
      inherit name text;
      executable = true;
    };
  writeScriptBin =
    name: text:
    writeTextFile {
      inherit name text;
      executable = true;
      destination = "/bin/${name}";
      meta.mainProgram = name;
    };
  # A bash script (checked with bash -n when built).
  writeShellScript =
    name: text:
    writeTextFile {
      inherit name;
      executable = true;
      text = ''
        #!${runtimeShell}
        ${text}
      '';
      checkPhase = ''
        ${stdenv.shellDryRun} "$target"
      '';
    };
  # The same as $out/bin/NAME.
  writeShellScriptBin =
    name: text:
    writeTextFile {
      inherit name;
      executable = true;
      destination = "/bin/${name}";
      text = ''
        #!${runtimeShell}
        ${text}
      '';
      checkPhase = ''
        ${stdenv.shellDryRun} "$target"
      '';
      meta.mainProgram = name;
    };

  # writeShellApplication { name, text, runtimeInputs ? [ ],
  # runtimeEnv ? { } }: $out/bin/NAME in strict mode (errexit, nounset,
  # pipefail) with runtimeInputs' bin directories first on PATH.
  writeShellApplication =
    {
      name,
      text,
      runtimeInputs ? [ ],
      runtimeEnv ? { },
      meta ? { },
      passthru ? { },
    }:
    writeTextFile {
      inherit name passthru;
      executable = true;
      destination = "/bin/${name}";
      meta = {
        mainProgram = name;
      }
      // meta;
      text = ''
        #!${runtimeShell}
        set -o errexit
        set -o nounset
        set -o pipefail
      ''
      + lib.concatMapStrings (n: "export ${lib.toShellVar n runtimeEnv.${n}}\n") (
        builtins.attrNames runtimeEnv
      )
      + lib.optionalString (runtimeInputs != [ ]) ''
        export PATH="${lib.makeBinPath runtimeInputs}:$PATH"
      ''
      + ''

        ${text}
      '';
      checkPhase = ''
        ${stdenv.shellDryRun} "$target"
      '';
    };

  # symlinkJoin { name, paths, postBuild ? "" }: one tree with symlinks
  # to the files of all paths; the first path providing a file wins.
  symlinkJoin =
    args@{
      name,
      paths,
      postBuild ? "",
      ...
    }:
    runCommand name
      (
        removeAttrs args [
          "name"
          "postBuild"
        ]
        // {
          inherit postBuild;
          paths = map toString paths;
          passAsFile = [ "paths" ];
        }
      )
      ''
        mkdir -p "$out"
        for dir in $(< "$pathsPath"); do
          if [ ! -d "$dir" ]; then
            echo "symlinkJoin: $dir is not a directory" >&2
            exit 1
          fi
          (cd "$dir" && find . -mindepth 1 \( -type f -o -type l \) -print0) |
            while IFS= read -r -d "" rel; do
              rel="''${rel#./}"
              if [ ! -e "$out/$rel" ] && [ ! -L "$out/$rel" ]; then
                mkdir -p "$out/$(dirname "$rel")"
                ln -s "$dir/$rel" "$out/$rel"
              fi
            done
        done
        eval "$postBuild"
      '';

  # makeSetupHook { name, propagatedBuildInputs ? [ ], substitutions ? { } }
  # script: a package whose nix-support/setup-hook is script (with
  # @name@ replaced by substitutions): dependents source it at setup.
  makeSetupHook =
    {
      name ? lib.warn "makeSetupHook: name should be set" "hook",
      propagatedBuildInputs ? [ ],
      substitutions ? { },
      meta ? { },
      passthru ? { },
    }:
    script:
    runCommand name
      (
        substitutions
        // {
          inherit meta passthru propagatedBuildInputs;
          substitutionNames = builtins.attrNames substitutions;
        }
      )
      ''
        mkdir -p "$out/nix-support"
        cp ${script} "$out/nix-support/setup-hook"
        chmod u+w "$out/nix-support/setup-hook"
        for n in $substitutionNames; do
          substituteInPlace "$out/nix-support/setup-hook" --subst-var "$n"
        done
        if [ -n "''${propagatedBuildInputs:-}" ]; then
          printWords $propagatedBuildInputs > "$out/nix-support/propagated-build-inputs"
        fi
      '';
}
