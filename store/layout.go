package store

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/gonix/gonix/store/storepath"
)

// Layout names the physical directories of a store rooted at Root. The
// logical store directory is always /nix/store; with Root "/" the store is
// the real one shared with Nix.
type Layout struct {
	Root string
}

// StoreDir is the logical store directory.
func (l Layout) StoreDir() storepath.Dir { return storepath.DefaultDir }

func (l Layout) join(p string) string {
	if l.Root == "/" || l.Root == "" {
		return p
	}
	return filepath.Join(l.Root, p)
}

// RealStoreDir is the physical directory holding store objects.
func (l Layout) RealStoreDir() string { return l.join("/nix/store") }

// StateDir is the physical /nix/var/nix.
func (l Layout) StateDir() string { return l.join("/nix/var/nix") }

// DBDir is the physical /nix/var/nix/db.
func (l Layout) DBDir() string { return filepath.Join(l.StateDir(), "db") }

// LogDir is the physical /nix/var/log/nix.
func (l Layout) LogDir() string { return l.join("/nix/var/log/nix") }

// GCRootsDir is the physical /nix/var/nix/gcroots.
func (l Layout) GCRootsDir() string { return filepath.Join(l.StateDir(), "gcroots") }

// ProfilesDir is the physical /nix/var/nix/profiles.
func (l Layout) ProfilesDir() string { return filepath.Join(l.StateDir(), "profiles") }

// TempRootsDir is the physical /nix/var/nix/temproots.
func (l Layout) TempRootsDir() string { return filepath.Join(l.StateDir(), "temproots") }

// LinksDir is the directory of optimise's hard-link targets.
func (l Layout) LinksDir() string { return filepath.Join(l.RealStoreDir(), ".links") }

// RealPath maps a logical path under /nix/store to its physical location.
func (l Layout) RealPath(logical string) string { return l.join(logical) }

// DefaultRoot picks the store root as DESIGN.md says: $GONIX_STORE when
// set, else "/" when /nix/store is writable, else a rootless root under
// $XDG_DATA_HOME/gonix (default ~/.local/share/gonix). getenv is the
// environment lookup (os.Getenv when nil).
func DefaultRoot(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if r := getenv("GONIX_STORE"); r != "" {
		abs, err := filepath.Abs(r)
		if err != nil {
			return "", fmt.Errorf("GONIX_STORE: %w", err)
		}
		return abs, nil
	}
	if writable("/nix/store") && writable("/nix/var/nix") {
		return "/", nil
	}
	data := getenv("XDG_DATA_HOME")
	if data == "" {
		home := getenv("HOME")
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("cannot find a store root: no GONIX_STORE, /nix/store not writable, and no home directory: %w", err)
			}
			home = h
		}
		data = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(data, "gonix"), nil
}

// writable reports whether dir exists and the process may create files in
// it.
func writable(dir string) bool {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	return syscall.Access(dir, 2 /* W_OK */) == nil
}
