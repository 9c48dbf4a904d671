package builtins

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// DryRunStore is an eval.Store that computes where paths would be added
// to the store without writing anything, as nix-instantiate --eval does
// (it runs in read-only mode). Realise is a no-op.
type DryRunStore struct {
	// Dir is the store directory (default /nix/store).
	Dir   string
	cache map[string]string
}

// NewDryRunStore returns a DryRunStore for the store directory dir.
func NewDryRunStore(dir string) *DryRunStore {
	if dir == "" {
		dir = "/nix/store"
	}
	return &DryRunStore{Dir: dir, cache: map[string]string{}}
}

// CopyPathToStore computes the store path of a source path (NAR hash,
// named after the path's last component).
func (d *DryRunStore) CopyPathToStore(st *eval.State, p string) (string, error) {
	if sp, ok := d.cache[p]; ok {
		return sp, nil
	}
	if _, err := os.Lstat(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", st.Errorf(eval.ErrIO, "path '%s' does not exist", p)
		}
		return "", fmt.Errorf("reading '%s': %w", p, err)
	}
	digest, _, err := nar.HashPath(p, nil)
	if err != nil {
		return "", fmt.Errorf("hashing '%s': %w", p, err)
	}
	h, err := nixhash.New(nixhash.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	name := filepath.Base(p)
	sp, err := storepath.Dir(d.Dir).MakeFixedOutput(name, storepath.NAR, h, nil, false)
	if err != nil {
		return "", st.Errorf(eval.ErrEval, "%s", err.Error())
	}
	full := storepath.Dir(d.Dir).Path(sp)
	d.cache[p] = full
	return full, nil
}

// Realise does nothing: a dry run cannot build.
func (d *DryRunStore) Realise(st *eval.State, ctx eval.Context) error { return nil }
