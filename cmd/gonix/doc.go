// Command gonix is a language server and developer toolchain for the Nix
// language: parser, evaluator, formatter, checker, store and builds in one
// binary. See CLI.md in the design documents for the command-line contract.
package main
