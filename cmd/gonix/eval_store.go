package main

import (
	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/eval"
)

// newEvalStore returns the store hook gonix eval uses: like
// nix-instantiate --eval (read-only mode), paths are hashed but not
// copied.
func newEvalStore() eval.Store {
	return builtins.NewDryRunStore(getenv("NIX_STORE_DIR"))
}
