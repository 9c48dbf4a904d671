package store

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// storePathRe finds store paths in process metadata.
var storePathRe = regexp.MustCompile(`/nix/store/[0-9a-df-np-sv-z]{32}-[0-9a-zA-Z+\-._?=]+`)

// findRuntimeRoots adds the store paths running processes use (their
// executable, working directory, open files, memory maps and environment)
// as roots, like Nix. Only meaningful for the real store (root "/"): a
// process cannot run from a chroot-like store without entering it.
func (s *Store) findRuntimeRoots(roots Roots) {
	if s.Root != "/" {
		return
	}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	found := map[string]bool{}
	add := func(text string) {
		for _, m := range storePathRe.FindAllString(text, -1) {
			found[m] = true
		}
	}
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		dir := filepath.Join("/proc", p.Name())
		for _, l := range []string{"exe", "cwd", "root"} {
			if t, err := os.Readlink(filepath.Join(dir, l)); err == nil {
				add(t)
			}
		}
		if fds, err := os.ReadDir(filepath.Join(dir, "fd")); err == nil {
			for _, fd := range fds {
				if t, err := os.Readlink(filepath.Join(dir, "fd", fd.Name())); err == nil {
					add(t)
				}
			}
		}
		for _, f := range []string{"maps", "environ"} {
			if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil {
				add(string(b))
			}
		}
	}
	for m := range found {
		sp := s.storePathOf(m)
		if sp == "" {
			continue
		}
		if ok, err := s.IsValid(sp); err == nil && ok {
			roots.add(sp, "{censored}")
		}
	}
}
