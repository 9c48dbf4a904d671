// Package builtins implements Nix's builtin functions and constants and
// registers them into an eval.State.
//
// Builtins are grouped in families, one family per file (core.go,
// attrs.go, lists.go, strings.go, regex.go, json.go, ...). Each family
// file adds itself from an init function with addFamily; Register
// installs every family. A new family is added by dropping in a new
// file, without editing any other.
//
// Implementations follow Nix's primops.cc: the same forcing order, the
// same error messages and the same trace lines, so that errors print
// exactly as Nix prints them.
package builtins
