// Package lib embeds gonix's Nix library, written in Nix (and bash for the
// stdenv's setup script), and materialises it on disk for the evaluator,
// builds and development shells.
//
// The library is what `<gonix>` resolves to and what the `gonix` flake
// input provides. Its root holds:
//
//	default.nix            the package set, shaped like nixpkgs' top level:
//	                       import <gonix> { system ? ..., overlays ? [ ], config ? { } }
//	                       gives lib, stdenv, mkShell, callPackage, runCommand,
//	                       writeText, writeShellScriptBin, symlinkJoin, ...
//	flake.nix              the same as a flake: outputs lib and
//	                       legacyPackages.<system>
//	lib/                   the Nix library (import <gonix/lib>): strings, lists,
//	                       attrsets, fixed points, makeOverridable, callPackageWith, ...
//	stdenv/                stdenv.mkDerivation; stdenv/runtime is the stdenv
//	                       itself (setup, default-builder.sh, compiler wrappers)
//	build-support/         mkShell, trivial builders, makeWrapper
//
// # Purity caveat
//
// gonix's stdenv contains no compilers or utilities of its own. Builders
// run /bin/bash, and PATH is the inputs' bin directories, then compiler
// wrappers (cc, gcc, c++, g++) that call the host's compiler with the
// inputs' include and lib directories, then the host's usual directories
// (/usr/local/sbin, /usr/local/bin, /usr/sbin, /usr/bin, /sbin, /bin;
// config.gonix.hostPath changes them). Nothing records which host tools
// were used, so the same derivation can produce different outputs on
// different machines, and outputs may refer to host libraries (the host C
// library, for one). That is fine for development shells and local
// builds, and wrong for anything shared through a binary cache. With
// nixpkgs available, use its stdenv: the package set has the same shape,
// so `pkgs ? import <nixpkgs> { }` works where `import <gonix> { }` does.
// Sandboxed builds need the host directories visible (for example Nix's
// extra-sandbox-paths = /bin /usr /lib /lib64 /etc/alternatives).
//
// # Files on disk
//
// [Materialize] writes the library into a directory; [Ensure] keeps one
// up-to-date copy per library version (named by [Hash]) under a cache
// directory. Files starting with "#!" are written executable, all others
// read-only, so store paths computed from a materialised copy equal those
// computed from the source tree.
package lib
