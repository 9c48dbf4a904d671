package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// flockFile opens (creating) path and takes a flock on it: exclusive or
// shared, blocking or not. ok is false when a non-blocking lock is held
// elsewhere.
func flockFile(path string, how int, block bool) (f *os.File, ok bool, err error) {
	f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("opening lock file: %w", err)
	}
	ok, err = flock(f, how, block)
	if err != nil || !ok {
		f.Close()
		return nil, ok, err
	}
	return f, true, nil
}

// flock locks an open file; ok is false when !block and the lock is held.
func flock(f *os.File, how int, block bool) (bool, error) {
	if !block {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		default:
			return false, fmt.Errorf("locking %s: %w", f.Name(), err)
		}
	}
}

// pathLock is a held per-path lock ("<path>.lock" next to the store path,
// like Nix's PathLocks).
type pathLock struct {
	f *os.File
}

// lockPath takes the exclusive lock for a physical store path, waiting for
// other holders. A lock file deleted by its previous holder is retried.
func lockPath(realPath string) (*pathLock, error) {
	lockName := realPath + ".lock"
	for {
		f, _, err := flockFile(lockName, syscall.LOCK_EX, true)
		if err != nil {
			return nil, fmt.Errorf("locking %s: %w", realPath, err)
		}
		var st syscall.Stat_t
		if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", realPath, err)
		}
		if st.Nlink == 0 {
			// The previous holder removed the file after we opened it.
			f.Close()
			continue
		}
		return &pathLock{f: f}, nil
	}
}

// unlock removes the lock file and releases the lock.
func (l *pathLock) unlock() {
	if l == nil || l.f == nil {
		return
	}
	os.Remove(l.f.Name())
	l.f.Close()
	l.f = nil
}
