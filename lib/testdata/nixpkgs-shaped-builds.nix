# Builds of the nixpkgs-shaped fixture (nixpkgs_test.go): the final
# package set with an overlay, fetching from `mirror` (an http:// URL).
{ mirror }:

let
  np = import <nixpkgs> {
    config.fixtureMirror = mirror;
    overlays = [ (import <nixpkgs/overlays/patch-hello.nix>) ];
  };
in
{
  inherit (np) hello hello-runner greeter;
  shell = np.mkShell { inputsFrom = [ np.greeter ]; };
  example = import ../../examples/hello { pkgs = np; };
}
