package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// GCAction is what CollectGarbage does.
type GCAction int

// The garbage collector's actions (Nix's GCOptions::GCAction).
const (
	// GCDeleteDead deletes every unreachable path.
	GCDeleteDead GCAction = iota
	// GCReturnDead only lists the unreachable paths.
	GCReturnDead
	// GCReturnLive only lists the reachable paths.
	GCReturnLive
	// GCDeleteSpecific deletes the given paths, refusing live ones.
	GCDeleteSpecific
)

// GCOptions configures CollectGarbage.
type GCOptions struct {
	Action GCAction
	// Paths are the paths to delete with GCDeleteSpecific.
	Paths []string
	// MaxFreed stops deleting after this many bytes when HasMaxFreed.
	MaxFreed    uint64
	HasMaxFreed bool
	// KeepOutputs keeps the outputs of live derivations (Nix's
	// keep-outputs, default false); KeepDerivations keeps the derivers of
	// live paths (keep-derivations, default true in Nix).
	KeepOutputs     bool
	KeepDerivations bool
	// IgnoreLiveness deletes specific paths even when rooted.
	IgnoreLiveness bool
	// Log receives progress lines ("deleting '...'"); may be nil.
	Log io.Writer
}

// GCResult is what a collection did or found.
type GCResult struct {
	// Paths are the deleted (or dead, or live) paths, sorted.
	Paths      []string
	BytesFreed uint64
}

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}

// CollectGarbage finds the roots, marks everything reachable from them and
// deletes (or lists) the rest, holding the global GC lock exclusively so
// that no store addition runs meanwhile.
func (s *Store) CollectGarbage(opts GCOptions) (*GCResult, error) {
	lock, _, err := flockFile(filepath.Join(s.StateDir(), "gc.lock"), syscall.LOCK_EX, true)
	if err != nil {
		return nil, fmt.Errorf("acquiring the GC lock: %w", err)
	}
	defer lock.Close()

	res := &GCResult{}
	if opts.HasMaxFreed && opts.MaxFreed == 0 && opts.Action == GCDeleteDead {
		return res, nil
	}
	logf(opts.Log, "finding garbage collector roots...")
	roots := Roots{}
	if !opts.IgnoreLiveness {
		if roots, err = s.FindRoots(false); err != nil {
			return nil, err
		}
	}
	if err := s.findTempRoots(roots); err != nil {
		return nil, err
	}
	alive, err := s.Closure(roots.Paths(), ClosureOptions{
		IncludeOutputs:  opts.KeepOutputs && opts.Action != GCDeleteSpecific,
		IncludeDerivers: opts.KeepDerivations && opts.Action != GCDeleteSpecific,
	})
	if err != nil {
		return nil, err
	}
	aliveSet := map[string]bool{}
	for _, p := range alive {
		aliveSet[p] = true
	}

	switch opts.Action {
	case GCReturnLive:
		res.Paths = alive
		return res, nil
	case GCDeleteSpecific:
		return s.deleteSpecific(opts, aliveSet, res)
	}

	valid, err := s.QueryAllValidPaths()
	if err != nil {
		return nil, err
	}
	var dead []string
	for _, p := range valid {
		if !aliveSet[p] {
			dead = append(dead, p)
		}
	}
	// Entries of the store directory that are not valid paths.
	validSet := map[string]bool{}
	for _, p := range valid {
		validSet[p] = true
	}
	entries, err := os.ReadDir(s.RealStoreDir())
	if err != nil {
		return nil, fmt.Errorf("reading the store directory: %w", err)
	}
	var invalidPaths, junk []string
	for _, e := range entries {
		name := e.Name()
		if name == ".links" {
			continue
		}
		p, err := s.Dir().Parse(string(s.Dir()) + "/" + name)
		if err != nil {
			junk = append(junk, name)
			continue
		}
		lp := s.Dir().Path(p)
		if !validSet[lp] && !roots.has(lp) {
			invalidPaths = append(invalidPaths, lp)
		}
	}

	if opts.Action == GCReturnDead {
		res.Paths = append(dead, invalidPaths...)
		sort.Strings(res.Paths)
		return res, nil
	}

	logf(opts.Log, "deleting garbage...")
	ordered, err := s.TopoSort(dead)
	if err != nil {
		return nil, err
	}
	done := func() *GCResult {
		sort.Strings(res.Paths)
		return res
	}
	for _, p := range ordered {
		if err := s.invalidate(p); err != nil {
			return nil, err
		}
		if err := s.deleteFromStore(p, opts, res); err != nil {
			return nil, err
		}
		if opts.HasMaxFreed && res.BytesFreed > opts.MaxFreed {
			logf(opts.Log, "deleted more than %d bytes; stopping", opts.MaxFreed)
			return done(), nil
		}
	}
	for _, p := range invalidPaths {
		if err := s.deleteFromStore(p, opts, res); err != nil {
			return nil, err
		}
		if opts.HasMaxFreed && res.BytesFreed > opts.MaxFreed {
			logf(opts.Log, "deleted more than %d bytes; stopping", opts.MaxFreed)
			return done(), nil
		}
	}
	for _, name := range junk {
		full := filepath.Join(s.RealStoreDir(), name)
		if strings.HasPrefix(name, "tmp-") {
			// Staging directories of running operations are locked.
			s.removeIfUnlocked(full)
			continue
		}
		n, err := removeAllCounting(full)
		if err != nil {
			return nil, fmt.Errorf("deleting '%s': %w", full, err)
		}
		res.BytesFreed += n
	}
	n, err := s.cleanLinks(opts.Log)
	if err != nil {
		return nil, err
	}
	res.BytesFreed += n
	return done(), nil
}

func (r Roots) has(p string) bool { _, ok := r[p]; return ok }

// deleteSpecific deletes opts.Paths if none is alive and no path outside
// the set refers to them.
func (s *Store) deleteSpecific(opts GCOptions, alive map[string]bool, res *GCResult) (*GCResult, error) {
	logf(opts.Log, "deleting specified paths...")
	set := map[string]bool{}
	for _, p := range opts.Paths {
		set[p] = true
	}
	var valid []string
	for _, p := range opts.Paths {
		if _, err := s.Dir().Parse(p); err != nil {
			return nil, err
		}
		ok, err := s.IsValid(p)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		// Every referrer (transitively) must be deleted too.
		stack := []string{p}
		seen := map[string]bool{}
		for len(stack) > 0 {
			q := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[q] {
				continue
			}
			seen[q] = true
			if alive[q] || !set[q] {
				return nil, fmt.Errorf("Cannot delete path '%s' since it is still alive. To find out why, use: nix-store --query --roots and nix-store --query --referrers", p)
			}
			refs, err := s.QueryReferrers(q)
			if err != nil {
				return nil, err
			}
			stack = append(stack, refs...)
		}
		valid = append(valid, p)
	}
	ordered, err := s.TopoSort(valid)
	if err != nil {
		return nil, err
	}
	for _, p := range ordered {
		if err := s.invalidate(p); err != nil {
			return nil, err
		}
		if err := s.deleteFromStore(p, opts, res); err != nil {
			return nil, err
		}
	}
	// Invalid paths given explicitly: remove leftovers.
	for _, p := range opts.Paths {
		if _, err := os.Lstat(s.RealPath(p)); err == nil {
			if ok, _ := s.IsValid(p); !ok {
				if err := s.deleteFromStore(p, opts, res); err != nil {
					return nil, err
				}
			}
		}
	}
	n, err := s.cleanLinks(opts.Log)
	if err != nil {
		return nil, err
	}
	res.BytesFreed += n
	sort.Strings(res.Paths)
	return res, nil
}

// invalidate removes a path's row (and its references, by cascade) from
// the database; it must have no other referrers.
func (s *Store) invalidate(p string) error {
	if _, err := s.db.ExecContext(context.Background(), "delete from ValidPaths where path = ?", p); err != nil {
		return fmt.Errorf("invalidating '%s': %w", p, err)
	}
	return nil
}

// deleteFromStore removes an (already invalid) path from disk.
func (s *Store) deleteFromStore(p string, opts GCOptions, res *GCResult) error {
	real := s.RealPath(p)
	if _, err := os.Lstat(real); err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	logf(opts.Log, "deleting '%s'", p)
	n, err := removeAllCounting(real)
	res.BytesFreed += n
	res.Paths = append(res.Paths, p)
	if err != nil {
		return fmt.Errorf("deleting '%s': %w", p, err)
	}
	return nil
}

// cleanLinks removes entries of .links that no store object uses any more.
func (s *Store) cleanLinks(log io.Writer) (uint64, error) {
	entries, err := os.ReadDir(s.LinksDir())
	if err != nil {
		if os.IsNotExist(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("reading %s: %w", s.LinksDir(), err)
	}
	logf(log, "deleting unused links...")
	var freed uint64
	for _, e := range entries {
		p := filepath.Join(s.LinksDir(), e.Name())
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if ok && st.Nlink == 1 {
			if err := os.Remove(p); err != nil {
				return freed, fmt.Errorf("deleting unused link '%s': %w", p, err)
			}
			freed += uint64(fi.Size())
		}
	}
	return freed, nil
}
