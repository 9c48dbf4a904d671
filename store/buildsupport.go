package store

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// This file holds the small store services the realiser (store/build)
// needs beyond registration: per-path locks, removal of stale invalid
// paths and locked scratch directories inside the store directory.

// PathLock is a held per-path lock ("<path>.lock" beside the physical
// path, as Nix's PathLocks).
type PathLock struct{ l *pathLock }

// LockPath takes the exclusive per-path lock of a logical store path,
// waiting while another process (or goroutine) holds it.
func (s *Store) LockPath(path string) (*PathLock, error) {
	if _, err := s.Dir().Parse(path); err != nil {
		return nil, err
	}
	l, err := lockPath(s.RealPath(path))
	if err != nil {
		return nil, err
	}
	return &PathLock{l: l}, nil
}

// Unlock releases the lock and removes its lock file.
func (l *PathLock) Unlock() {
	if l != nil {
		l.l.unlock()
	}
}

// RemoveStale deletes whatever is at the physical location of an invalid
// store path (the leftover of an interrupted build), making read-only
// directories writable first. It refuses to touch a valid path.
func (s *Store) RemoveStale(path string) error {
	ok, err := s.IsValid(path)
	if err != nil {
		return err
	}
	if ok {
		return fmt.Errorf("refusing to delete valid path '%s'", path)
	}
	if err := removeAll(s.RealPath(path)); err != nil {
		return fmt.Errorf("removing stale '%s': %w", path, err)
	}
	return nil
}

// ScratchDir is a locked directory inside the physical store directory,
// named like the staging directories of additions ("tmp-gonix-..."), so
// that garbage collection and the open-time cleanup skip it while it is
// held and delete it after a crash.
type ScratchDir struct {
	Path string
	lock *os.File
}

// NewScratchDir creates a locked scratch directory in the store directory
// (on the store's file system, so renames out of it are atomic).
func (s *Store) NewScratchDir(tag string) (*ScratchDir, error) {
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	dir := filepath.Join(s.RealStoreDir(), fmt.Sprintf("%s%s-%d-%s", tempPrefix, tag, os.Getpid(), hex.EncodeToString(rnd[:])))
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating scratch directory in the store: %w", err)
	}
	f, err := os.Open(dir)
	if err != nil {
		os.Remove(dir)
		return nil, err
	}
	if _, err := flock(f, syscall.LOCK_EX, true); err != nil {
		f.Close()
		os.Remove(dir)
		return nil, err
	}
	return &ScratchDir{Path: dir, lock: f}, nil
}

// Remove deletes the scratch directory and releases its lock.
func (d *ScratchDir) Remove() error {
	if d == nil || d.lock == nil {
		return nil
	}
	err := removeAll(d.Path)
	d.lock.Close()
	d.lock = nil
	return err
}

// RemoveTree deletes a directory tree, making read-only directories
// writable first (store objects and build trees often are).
func RemoveTree(path string) error { return removeAll(path) }
