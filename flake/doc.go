// Package flake implements Nix flakes: flake references and inputs
// (path:, git+file:, git+https:, github:, gitlab:, sourcehut:, tarball
// and file URLs, indirect names resolved through registries), fetching
// them into the store, flake.lock (versions 5 to 7 read, version 7
// written byte for byte as Nix writes it), locking with follows and
// overrides, calling a flake's outputs with its inputs (Nix's
// call-flake semantics), the flake output schema behind `flake check`
// and `flake show`, and resolving installables such as
// ".#packages.x86_64-linux.hello" for build and develop.
package flake
