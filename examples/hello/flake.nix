{
  description = "hello: a small C program built with gonix's embedded stdenv";

  # "gonix" is an indirect flake reference: gonix resolves it to the
  # library built into the gonix binary. With real Nix, point it at a copy
  # of the library (see README.md):
  #   nix build --override-input gonix path:/path/to/gonix/lib
  inputs.gonix.url = "gonix";

  outputs =
    { self, gonix }:
    let
      inherit (gonix) lib;
      forAllSystems = lib.genAttrs [
        "x86_64-linux"
        "aarch64-linux"
      ];
    in
    {
      packages = forAllSystems (
        system:
        let
          pkgs = gonix.legacyPackages.${system};
        in
        {
          hello = pkgs.callPackage ./package.nix { };
          default = self.packages.${system}.hello;
        }
      );

      devShells = forAllSystems (
        system:
        let
          pkgs = gonix.legacyPackages.${system};
        in
        {
          default = pkgs.mkShell {
            inputsFrom = [ self.packages.${system}.hello ];
            # `make install` in the shell installs into the shell's
            # writable $out rather than /usr/local.
            shellHook = ''
              export PREFIX="''${PREFIX:-$out}"
              echo "hello dev shell: run 'make', 'make check' or 'genericBuild'"
            '';
          };
        }
      );

      checks = forAllSystems (system: {
        hello = self.packages.${system}.hello;
      });
    };
}
