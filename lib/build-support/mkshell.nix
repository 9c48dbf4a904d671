# mkShell: a derivation meant for development shells (gonix develop,
# nix develop, nix-shell).
#
#   mkShell {
#     packages = [ ... ];          # tools on PATH (nativeBuildInputs)
#     inputsFrom = [ drv ... ];    # the inputs of these derivations
#     shellHook = "...";           # run when the shell starts
#     ...                          # anything else becomes a variable
#   }
#
# inputsFrom contributes the buildInputs, nativeBuildInputs and
# propagated inputs of each listed derivation (not the derivations
# themselves) and their shellHooks (in reverse order, before this one's).
# Building it only records the environment in $out.
{ lib, stdenv }:

{
  name ? "nix-shell",
  packages ? [ ],
  inputsFrom ? [ ],
  buildInputs ? [ ],
  nativeBuildInputs ? [ ],
  propagatedBuildInputs ? [ ],
  propagatedNativeBuildInputs ? [ ],
  shellHook ? "",
  ...
}@args:

let
  fromInputs =
    attr:
    builtins.filter (x: !(builtins.elem x inputsFrom)) (
      builtins.concatLists (map (drv: drv.${attr} or [ ]) inputsFrom)
    );
in
stdenv.mkDerivation (
  removeAttrs args [
    "packages"
    "inputsFrom"
  ]
  // {
    inherit name;
    buildInputs = fromInputs "buildInputs" ++ buildInputs;
    nativeBuildInputs = packages ++ fromInputs "nativeBuildInputs" ++ nativeBuildInputs;
    propagatedBuildInputs = fromInputs "propagatedBuildInputs" ++ propagatedBuildInputs;
    propagatedNativeBuildInputs =
      fromInputs "propagatedNativeBuildInputs" ++ propagatedNativeBuildInputs;
    shellHook = lib.concatStringsSep "\n" (
      builtins.catAttrs "shellHook" (lib.reverseList inputsFrom ++ [ { inherit shellHook; } ])
    );
    phases = args.phases or [ "buildPhase" ];
    buildPhase =
      args.buildPhase or ''
        {
          echo "# This is the environment of a development shell made with mkShell;"
          echo "# it is meant to be entered (gonix develop, nix develop), not used."
          export -p
        } >> "$out"
      '';
    preferLocalBuild = true;
    allowSubstitutes = false;
  }
)
