package profile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gonix/gonix/store"
)

// Package is an input of BuildTree: a store path, whether it is active,
// and its priority (lower wins collisions).
type Package struct {
	Path     string
	Active   bool
	Priority int
}

// CollisionError is two packages providing the same file with the same
// priority.
type CollisionError struct {
	Existing, New string
	Priority      int
}

func (e *CollisionError) Error() string {
	return fmt.Sprintf("An existing package already provides the following file:\n\n  %s\n\nThis is the conflicting file from the new package:\n\n  %s\n\nTo remove the existing package, use 'gonix profile remove', or set a different priority (both have %d).",
		e.Existing, e.New, e.Priority)
}

type treeState struct {
	priorities map[string]int
	realPath   func(string) string
	warn       io.Writer
}

// BuildTree creates in out a symlink tree merging the packages like Nix's
// buildenv: directories are merged, files are symlinked to their logical
// store path, lower priority numbers win, equal priorities collide.
// realPath maps a logical store path to where it can be read.
func BuildTree(out string, pkgs []Package, realPath func(string) string, warn io.Writer) error {
	st := &treeState{priorities: map[string]int{}, realPath: realPath, warn: warn}
	sorted := append([]Package(nil), pkgs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		return a.Priority < b.Priority || (a.Priority == b.Priority && a.Path < b.Path)
	})
	done := map[string]bool{}
	var postponed []string
	add := func(p string, prio int) error {
		if done[p] {
			return nil
		}
		done[p] = true
		if err := st.link(p, out, prio); err != nil {
			return err
		}
		data, err := os.ReadFile(filepath.Join(realPath(p), "nix-support", "propagated-user-env-packages"))
		if err == nil {
			for _, q := range strings.Fields(string(data)) {
				if !done[q] {
					postponed = append(postponed, q)
				}
			}
		}
		return nil
	}
	for _, p := range sorted {
		if p.Active {
			if err := add(p.Path, p.Priority); err != nil {
				return err
			}
		}
	}
	prio := 1000
	for len(postponed) > 0 {
		batch := postponed
		postponed = nil
		sort.Strings(batch)
		for _, p := range batch {
			if err := add(p, prio); err != nil {
				return err
			}
			prio++
		}
	}
	return nil
}

var skipped = []string{"/propagated-build-inputs", "/nix-support", "/perllocal.pod", "/info/dir", "/log", "/manifest.nix", "/manifest.json"}

// link links the entries of the logical directory src into dst.
func (st *treeState) link(src, dst string, prio int) error {
	entries, err := os.ReadDir(st.realPath(src))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || isNotDir(err) {
			if st.warn != nil {
				fmt.Fprintf(st.warn, "warning: not including '%s' in the user environment because it's not a directory\n", src)
			}
			return nil
		}
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		srcFile := src + "/" + name
		dstFile := filepath.Join(dst, name)
		sfi, err := os.Stat(st.realPath(srcFile))
		if err != nil {
			if st.warn != nil {
				fmt.Fprintf(st.warn, "warning: skipping dangling symlink '%s'\n", dstFile)
			}
			continue
		}
		skip := false
		for _, suf := range skipped {
			if strings.HasSuffix(srcFile, suf) {
				skip = true
			}
		}
		if skip {
			continue
		}
		dfi, derr := os.Lstat(dstFile)
		if sfi.IsDir() {
			if derr == nil {
				if dfi.IsDir() {
					if err := st.link(srcFile, dstFile, prio); err != nil {
						return err
					}
					continue
				}
				if dfi.Mode()&os.ModeSymlink != 0 {
					target, _ := os.Readlink(dstFile)
					tfi, err := os.Stat(st.realPath(target))
					if err != nil || !tfi.IsDir() {
						return fmt.Errorf("collision between '%s' and non-directory '%s'", srcFile, target)
					}
					os.Remove(dstFile)
					if err := os.Mkdir(dstFile, 0o755); err != nil {
						return err
					}
					if err := st.link(target, dstFile, st.priorities[dstFile]); err != nil {
						return err
					}
					if err := st.link(srcFile, dstFile, prio); err != nil {
						return err
					}
					continue
				}
			}
		} else if derr == nil {
			if dfi.Mode()&os.ModeSymlink != 0 {
				prev := st.priorities[dstFile]
				if prev == prio {
					existing, _ := os.Readlink(dstFile)
					return &CollisionError{Existing: existing, New: srcFile, Priority: prio}
				}
				if prev < prio {
					continue
				}
				os.Remove(dstFile)
			} else if dfi.IsDir() {
				return fmt.Errorf("collision between non-directory '%s' and directory '%s'", srcFile, dstFile)
			}
		}
		if err := os.Symlink(srcFile, dstFile); err != nil {
			return err
		}
		st.priorities[dstFile] = prio
	}
	return nil
}

func isNotDir(err error) bool {
	var pe *os.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "not a directory")
}

// BuildUserEnv builds the user environment for a manifest: the symlink tree
// of its active elements plus manifest.json, added to the store as
// "profile" with every element's store paths as references. It returns
// the store path.
func BuildUserEnv(s *store.Store, m *Manifest, warn io.Writer) (string, error) {
	tmp, err := os.MkdirTemp("", "gonix-profile-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "profile")
	if err := os.Mkdir(out, 0o755); err != nil {
		return "", err
	}
	var pkgs []Package
	var refs []string
	for _, name := range m.Names() {
		e := m.Elements[name]
		for _, p := range e.StorePaths {
			if ok, err := s.IsValid(p); err != nil || !ok {
				return "", fmt.Errorf("cannot install '%s': path is not valid", p)
			}
			pkgs = append(pkgs, Package{Path: p, Active: e.Active, Priority: e.Priority})
			refs = append(refs, p)
		}
	}
	if err := BuildTree(out, pkgs, s.RealPath, warn); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(out, "manifest.json"), m.JSON(), 0o644); err != nil {
		return "", err
	}
	return s.AddPath(out, store.AddOptions{Name: "profile", References: refs})
}
