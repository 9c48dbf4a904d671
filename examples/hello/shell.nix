# Non-flake development shell: `nix-shell`, `gonix develop ./shell.nix`.
{
  pkgs ? import ../../lib { },
}:

pkgs.mkShell {
  inputsFrom = [ (import ./default.nix { inherit pkgs; }) ];
  shellHook = ''
    echo "hello dev shell: run 'make' or 'genericBuild'"
  '';
}
