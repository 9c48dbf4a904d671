package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/gonix/gonix/store/nixbase32"
	"github.com/gonix/gonix/store/nixhash"
)

// Roots maps each rooted valid store path to the links (or "{temp:NAME}")
// that root it.
type Roots map[string][]string

func (r Roots) add(path, link string) {
	r[path] = append(r[path], link)
}

// Paths returns the rooted paths, sorted.
func (r Roots) Paths() []string {
	out := make([]string, 0, len(r))
	for p := range r {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// FindRoots returns the permanent GC roots: links under gcroots (recursively;
// direct links to store paths, indirect links to links such as `result`),
// profiles and, for the real store, paths in use by running processes.
// With temp it also includes the temporary roots of live processes.
func (s *Store) FindRoots(temp bool) (Roots, error) {
	roots := Roots{}
	for _, d := range []string{s.GCRootsDir(), s.ProfilesDir()} {
		if err := s.findRoots(d, roots); err != nil {
			return nil, err
		}
	}
	s.findRuntimeRoots(roots)
	if temp {
		if err := s.findTempRoots(roots); err != nil {
			return nil, err
		}
	}
	return roots, nil
}

// storePathOf returns the store path a link target names (a path inside a
// store path counts), or "".
func (s *Store) storePathOf(target string) string {
	p, _, err := s.Dir().ParseInside(target)
	if err != nil {
		return ""
	}
	return s.Dir().Path(p)
}

func (s *Store) foundRoot(roots Roots, link, target string) {
	sp := s.storePathOf(target)
	if sp == "" {
		return
	}
	if ok, err := s.IsValid(sp); err == nil && ok {
		roots.add(sp, link)
	}
}

func (s *Store) findRoots(path string, roots Roots) error {
	fi, err := os.Lstat(path)
	if err != nil {
		if ignorableRootError(err) {
			return nil
		}
		return fmt.Errorf("finding GC roots in %s: %w", path, err)
	}
	switch m := fi.Mode(); {
	case m.IsDir():
		entries, err := os.ReadDir(path)
		if err != nil {
			if ignorableRootError(err) {
				return nil
			}
			return fmt.Errorf("finding GC roots in %s: %w", path, err)
		}
		for _, e := range entries {
			if err := s.findRoots(filepath.Join(path, e.Name()), roots); err != nil {
				return err
			}
		}
	case m&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			return nil
		}
		if strings.HasPrefix(target, string(s.Dir())+"/") {
			s.foundRoot(roots, path, target)
			return nil
		}
		// An indirect root: a link to a link (e.g. auto/X -> /home/u/result).
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		tfi, err := os.Lstat(target)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) && isInDir(path, filepath.Join(s.GCRootsDir(), "auto")) {
				os.Remove(path) // stale indirect root
			}
			return nil
		}
		if tfi.Mode()&fs.ModeSymlink == 0 {
			return nil
		}
		target2, err := os.Readlink(target)
		if err != nil {
			return nil
		}
		if strings.HasPrefix(target2, string(s.Dir())+"/") {
			s.foundRoot(roots, target, target2)
		}
	case m.IsRegular():
		p, err := s.Dir().Parse(string(s.Dir()) + "/" + filepath.Base(path))
		if err == nil {
			sp := s.Dir().Path(p)
			if ok, err := s.IsValid(sp); err == nil && ok {
				roots.add(sp, path)
			}
		}
	}
	return nil
}

func ignorableRootError(err error) bool {
	return errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.ENOTDIR)
}

func isInDir(path, dir string) bool {
	return strings.HasPrefix(path, dir+"/")
}

// findTempRoots reads the temporary roots of live processes; files whose
// owner died (no lock held) are removed.
func (s *Store) findTempRoots(roots Roots) error {
	entries, err := os.ReadDir(s.TempRootsDir())
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("reading temporary roots: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(s.TempRootsDir(), e.Name())
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		if err != nil {
			continue
		}
		ok, err := flock(f, syscall.LOCK_EX, false)
		if err != nil {
			f.Close()
			return err
		}
		if ok {
			// The owner is gone.
			os.Remove(p)
			f.WriteString("d")
			f.Close()
			continue
		}
		data, err := os.ReadFile(p)
		f.Close()
		if err != nil {
			continue
		}
		for _, part := range bytes.Split(data, []byte{0}) {
			if len(part) == 0 {
				continue
			}
			sp := s.storePathOf(string(part))
			if sp != "" {
				roots.add(sp, "{temp:"+e.Name()+"}")
			}
		}
	}
	return nil
}

// AutoRootName is the name of the indirect root for a link at the absolute
// path link: nix32 of the sha1 of the path.
func AutoRootName(link string) string {
	h := nixhash.Sum(nixhash.SHA1, []byte(link))
	return nixbase32.EncodeToString(h.Digest)
}

// AddIndirectRoot registers link (an absolute path to a symlink that points
// into the store) as a GC root: gcroots/auto/<AutoRootName(link)> -> link.
func (s *Store) AddIndirectRoot(link string) error {
	if !filepath.IsAbs(link) {
		return fmt.Errorf("indirect GC root '%s' must be an absolute path", link)
	}
	name := filepath.Join(s.GCRootsDir(), "auto", AutoRootName(link))
	return ReplaceSymlink(link, name)
}

// AddPermRoot makes link a symlink to storePath and registers it as an
// indirect GC root (like `--out-link` / `nix-store --add-root`). It returns
// the absolute link path.
func (s *Store) AddPermRoot(storePath, link string) (string, error) {
	if _, err := s.Dir().Parse(storePath); err != nil {
		return "", err
	}
	abs, err := filepath.Abs(link)
	if err != nil {
		return "", err
	}
	if err := ReplaceSymlink(storePath, abs); err != nil {
		return "", fmt.Errorf("creating GC root '%s': %w", abs, err)
	}
	if err := s.AddIndirectRoot(abs); err != nil {
		return "", err
	}
	return abs, nil
}

// ReplaceSymlink atomically makes link a symlink to target (a temporary
// link renamed over it), as profile generations and GC roots need.
func ReplaceSymlink(target, link string) error {
	tmp := fmt.Sprintf("%s.tmp-%d", link, os.Getpid())
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
