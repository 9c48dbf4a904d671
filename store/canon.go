package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// mtimeStore is the modification time of every store object (Nix uses 1).
const mtimeStore = 1

// canonicalise gives a tree Nix's canonical metadata: mtime 1, regular
// files 0444 (0555 when any exec bit is set), directories 0555, and, when
// running as root, ownership by the current user. With skipRootDir the
// top directory keeps its mode (it is fixed after being moved into place).
func canonicalise(path string, skipRootDir bool) error {
	uid, gid := os.Geteuid(), os.Getegid()
	var dirs []string
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if uid == 0 {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok && (int(st.Uid) != uid || int(st.Gid) != gid) {
				if err := os.Lchown(p, uid, gid); err != nil {
					return err
				}
			}
		}
		switch m := fi.Mode(); {
		case m.IsRegular():
			mode := os.FileMode(0o444)
			if m&0o111 != 0 {
				mode = 0o555
			}
			if m.Perm() != mode {
				if err := os.Chmod(p, mode); err != nil {
					return err
				}
			}
		case m.IsDir():
			dirs = append(dirs, p)
			return nil
		case m&fs.ModeSymlink != 0:
		default:
			return fmt.Errorf("file '%s' has an unsupported type", p)
		}
		return setMtime(p)
	})
	if err != nil {
		return fmt.Errorf("canonicalising %s: %w", path, err)
	}
	// Directories last and deepest first, so setting their mtime sticks.
	for i := len(dirs) - 1; i >= 0; i-- {
		d := dirs[i]
		if d == path && skipRootDir {
			continue
		}
		if err := os.Chmod(d, 0o555); err != nil {
			return fmt.Errorf("canonicalising %s: %w", d, err)
		}
		if err := setMtime(d); err != nil {
			return fmt.Errorf("canonicalising %s: %w", d, err)
		}
	}
	return nil
}

// finishRoot fixes the top of a store object after it was moved into
// place: directory mode 0555 and mtime 1 (for any type).
func finishRoot(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		if err := os.Chmod(path, 0o555); err != nil {
			return err
		}
	}
	return setMtime(path)
}

// setMtime sets atime and mtime to 1 without following symlinks.
func setMtime(p string) error {
	ts := []unix.Timespec{{Sec: mtimeStore}, {Sec: mtimeStore}}
	return unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW)
}

// syncTree flushes the file system holding path to disk (syncfs), which
// covers every file written under it.
func syncTree(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}

// syncDir fsyncs a directory so a rename into it is durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// removeAll deletes a tree, first making read-only directories writable.
// It returns the number of bytes of regular files whose last link it
// removed.
func removeAll(path string) error {
	_, err := removeAllCounting(path)
	return err
}

func removeAllCounting(path string) (uint64, error) {
	var freed uint64
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if fi.IsDir() {
		if fi.Mode().Perm()&0o700 != 0o700 {
			if err := os.Chmod(path, fi.Mode().Perm()|0o700); err != nil {
				return 0, err
			}
		}
		entries, err := os.ReadDir(path)
		if err != nil {
			return 0, err
		}
		for _, e := range entries {
			n, err := removeAllCounting(filepath.Join(path, e.Name()))
			freed += n
			if err != nil {
				return freed, err
			}
		}
	} else if fi.Mode().IsRegular() {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink == 1 {
			freed += uint64(fi.Size())
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return freed, err
	}
	return freed, nil
}
