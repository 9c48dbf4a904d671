package main

import (
	"path/filepath"
	"strings"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/internal/evalstore"
	"github.com/gonix/gonix/store/nar"
)

// pureStore is the evaluator's store hook for pure flake evaluation: it
// refuses to read or copy files outside the store (the flakes' sources
// are in the store), as Nix's pure evaluation mode does. Every file
// access of the builtins goes through RealPath, so it is checked there.
type pureStore struct {
	*evalstore.Store
	st   *eval.State
	dirs []string // allowed prefixes: the logical and physical store
}

func newPureStore(hook *evalstore.Store, storeDir, physicalStoreDir string) *pureStore {
	return &pureStore{Store: hook, dirs: []string{storeDir, physicalStoreDir}}
}

func (p *pureStore) allowed(path string) bool {
	path = filepath.Clean(path)
	for _, d := range p.dirs {
		if path == d || strings.HasPrefix(path, d+"/") {
			return true
		}
	}
	return false
}

func (p *pureStore) check(path string) *eval.Error {
	if p.allowed(path) || p.st == nil {
		return nil
	}
	return p.st.Errorf(eval.ErrEval, "access to absolute path '%s' is forbidden in pure evaluation mode (use '--impure' to override)", path)
}

// RealPath checks the path, then maps it like the evaluator store does.
func (p *pureStore) RealPath(logical string) string {
	if err := p.check(logical); err != nil {
		p.st.Raise(err)
	}
	return p.Store.RealPath(logical)
}

// CopyPathToStore checks the source path before copying it.
func (p *pureStore) CopyPathToStore(st *eval.State, path string) (string, error) {
	if err := p.check(path); err != nil {
		return "", err
	}
	return p.Store.CopyPathToStore(st, path)
}

// AddPath checks the source path before adding it.
func (p *pureStore) AddPath(st *eval.State, src, name string, recursive bool, filter nar.Filter) (string, error) {
	if err := p.check(src); err != nil {
		return "", err
	}
	return p.Store.AddPath(st, src, name, recursive, filter)
}
