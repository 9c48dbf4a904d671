// Command gonix is a language server and developer toolchain for the Nix
// language: parser, evaluator, formatter, checker, store and builds in one
// binary. See CLI.md in the design documents for the command-line contract.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
