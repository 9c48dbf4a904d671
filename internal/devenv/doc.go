// Package devenv is the engine of `gonix develop` and `gonix shell`: it
// turns a derivation into the environment of a development shell and
// runs programs with a store visible at its logical directory.
//
// It works the way Nix's `nix develop` does. [EnvDerivation] derives
// from the derivation a "NAME-env" derivation with the same inputs and
// environment whose builder (still the derivation's bash) runs gonix's
// own get-env script ([GetEnvScript]) instead of the build: the script
// sets the environment up as a shell would (IN_NIX_SHELL=impure,
// "$stdenv/setup" sourced) and writes every shell variable and function
// as JSON to the output. [Build] realises it (which realises the inputs,
// but not the derivation's own outputs) and parses the JSON into an
// [Env], whose JSON form is that of `nix print-dev-env --json`.
// [Env.RcScript] writes the bash script that restores the environment in
// the user's shell: variables (except [IgnoredVariables]), functions,
// PATH and XDG_DATA_DIRS prepended to the user's, writable directories
// in place of the output paths, a temporary NIX_BUILD_TOP, and the
// shellHook.
//
// [Start] runs a program (the user's bash, or any command) with the
// store's paths visible at /nix/store: directly when the store is rooted
// at "/", otherwise in a private mount namespace (a user namespace too
// when not root) where the store's physical directory is mounted over
// /nix/store, like Nix's chroot stores. The namespace is entered by
// re-executing the current binary: importing this package installs an
// init hook that turns such a process into the helper.
//
// The package sits below cmd/gonix and uses only store and store/build:
// evaluating flakes and Nix files into a .drv path is the command's job.
// It lives in internal/ because it serves that one command family and is
// not an API of its own.
package devenv
