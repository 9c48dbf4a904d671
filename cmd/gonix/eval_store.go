package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/internal/evalstore"
	"github.com/gonix/gonix/lib"
	"github.com/gonix/gonix/store"
)

// newEvalStore returns the store hook gonix eval and repl use: like
// nix-instantiate --eval (read-only mode), paths are computed but not
// copied; what import from derivation needs is written and built when a
// value is realised. The store is opened only then.
func newEvalStore() eval.Store {
	return newStoreHook(evalstore.ReadOnly)
}

// newStoreHook returns an evaluator store hook on the default store
// (GONIX_STORE, /nix/store or the rootless store; see store.DefaultRoot).
// When the root cannot be determined, opening fails on first use.
func newStoreHook(mode evalstore.Mode) *evalstore.Store {
	root, err := store.DefaultRoot(getenv)
	opts := evalstore.Options{Mode: mode, Root: root}
	if err != nil {
		opts.Root = "/"
		opts.Open = func() (*store.Store, error) { return nil, err }
	}
	return evalstore.New(opts)
}

// newEvalState creates an evaluator with every builtin and gonix's
// additions: <gonix> resolves to the embedded library when the search
// path does not provide it. done closes the store if evaluation opened
// it.
func newEvalState(opts eval.Options) (st *eval.State, done func()) {
	st = builtins.New(opts)
	builtins.SetLookupFallback(st, gonixLookup)
	return st, func() {
		if es, ok := opts.Store.(*evalstore.Store); ok {
			es.Close()
		}
	}
}

// gonixLookup resolves <gonix> and <gonix/...> to a materialised copy of
// the embedded library (lib.Ensure in the user's cache directory); it is
// consulted after -I and NIX_PATH entries.
func gonixLookup(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, lib.SearchPathName)
	if !ok || (rest != "" && rest[0] != '/') {
		return "", false
	}
	cache, err := lib.DefaultCacheDir()
	if err != nil {
		return "", false
	}
	dir, err := lib.Ensure(cache)
	if err != nil {
		return "", false
	}
	p := filepath.Join(dir, strings.TrimPrefix(rest, "/"))
	if _, err := os.Stat(p); err != nil {
		return "", false
	}
	return p, true
}
