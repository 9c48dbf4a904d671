# Non-flake development shell: `nix-shell`, `gonix develop ./shell.nix`.
{
  pkgs ? import ../../lib { },
}:

pkgs.mkShell {
  inputsFrom = [ (import ./default.nix { inherit pkgs; }) ];
  # `make install` in the shell installs into the shell's writable $out
  # rather than /usr/local.
  shellHook = ''
    export PREFIX="''${PREFIX:-$out}"
    echo "hello dev shell: run 'make', 'make check' or 'genericBuild'"
  '';
}
