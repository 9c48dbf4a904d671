package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/nixbase32"
	"github.com/gonix/gonix/store/nixhash"
)

// VerifyOptions configures Verify.
type VerifyOptions struct {
	// CheckContents re-hashes every valid path (and every .links entry).
	CheckContents bool
	// Repair removes corrupt .links entries; modified store paths cannot
	// be repaired without a builder or substituter and stay errors.
	Repair bool
	// Log receives progress and error lines; may be nil.
	Log io.Writer
}

// Verify checks the store like `nix-store --verify`: valid paths that
// disappeared are removed from the database when nothing valid refers to
// them (an error otherwise), and with CheckContents every NAR hash is
// recomputed. It returns whether errors remain.
func (s *Store) Verify(opts VerifyOptions) (bool, error) {
	logf(opts.Log, "reading the Nix store...")
	lock, err := s.gcShared()
	if err != nil {
		return false, err
	}
	defer lock.Close()

	inDir := map[string]bool{}
	entries, err := os.ReadDir(s.RealStoreDir())
	if err != nil {
		return false, fmt.Errorf("reading the store directory: %w", err)
	}
	for _, e := range entries {
		if p, err := s.Dir().Parse(string(s.Dir()) + "/" + e.Name()); err == nil {
			inDir[s.Dir().Path(p)] = true
		}
	}
	logf(opts.Log, "checking path existence...")
	all, err := s.QueryAllValidPaths()
	if err != nil {
		return false, err
	}
	errors := false
	done := map[string]bool{}
	validPaths := map[string]bool{}
	var verifyPath func(p string) error
	verifyPath = func(p string) error {
		if done[p] {
			return nil
		}
		done[p] = true
		if inDir[p] {
			validPaths[p] = true
			return nil
		}
		canInvalidate := true
		refs, err := s.QueryReferrers(p)
		if err != nil {
			return err
		}
		for _, r := range refs {
			if r == p {
				continue
			}
			if err := verifyPath(r); err != nil {
				return err
			}
			if validPaths[r] {
				canInvalidate = false
			}
		}
		if canInvalidate {
			logf(opts.Log, "path '%s' disappeared, removing from database...", p)
			return s.invalidate(p)
		}
		logf(opts.Log, "path '%s' disappeared, but it still has valid referrers!", p)
		errors = true
		return nil
	}
	for _, p := range all {
		if err := verifyPath(p); err != nil {
			return false, err
		}
	}
	if !opts.CheckContents {
		return errors, nil
	}

	logf(opts.Log, "checking link hashes...")
	links, _ := os.ReadDir(s.LinksDir())
	for _, l := range links {
		lp := filepath.Join(s.LinksDir(), l.Name())
		d, _, err := nar.HashPath(lp, nil)
		if err != nil {
			return false, err
		}
		got := nixbase32.EncodeToString(d[:])
		if got != l.Name() {
			logf(opts.Log, "link '%s' was modified! expected hash '%s', got '%s'", lp, l.Name(), got)
			if opts.Repair {
				os.Remove(lp)
				logf(opts.Log, "removed link '%s'", lp)
			} else {
				errors = true
			}
		}
	}

	logf(opts.Log, "checking store hashes...")
	for _, p := range all {
		if !validPaths[p] {
			continue
		}
		info, err := s.QueryPathInfo(p)
		if err != nil {
			logf(opts.Log, "%v", err)
			errors = true
			continue
		}
		d, n, err := nar.HashPath(s.RealPath(p), nil)
		if err != nil {
			logf(opts.Log, "checking '%s': %v", p, err)
			errors = true
			continue
		}
		got := nixhash.Hash{Algo: nixhash.SHA256, Digest: d[:]}
		if !got.Equal(info.NarHash) {
			logf(opts.Log, "path '%s' was modified! expected hash '%s', got '%s'", p,
				info.NarHash.Format(nixhash.Nix32, true), got.Format(nixhash.Nix32, true))
			errors = true
			continue
		}
		if info.NarSize == 0 {
			logf(opts.Log, "updating size field on '%s' to %d", p, n)
			info.NarSize = uint64(n)
			if err := s.register([]*PathInfo{info}, nil); err != nil {
				return false, err
			}
		}
	}
	return errors, nil
}

// OptimiseStats reports what Optimise did.
type OptimiseStats struct {
	FilesLinked uint64
	BytesFreed  uint64
}

// Optimise replaces identical regular files in the store by hard links to
// one copy under /nix/store/.links/<nix32 sha256 of the file's NAR>, like
// `nix-store --optimise`. With paths it only optimises those.
func (s *Store) Optimise(paths []string, log io.Writer) (OptimiseStats, error) {
	var stats OptimiseStats
	lock, err := s.gcShared()
	if err != nil {
		return stats, err
	}
	defer lock.Close()
	if err := os.MkdirAll(s.LinksDir(), 0o755); err != nil {
		return stats, err
	}
	if paths == nil {
		if paths, err = s.QueryAllValidPaths(); err != nil {
			return stats, err
		}
	}
	for _, p := range paths {
		if err := s.AddTempRoot(p); err != nil {
			return stats, err
		}
		if ok, err := s.IsValid(p); err != nil || !ok {
			continue
		}
		err := filepath.Walk(s.RealPath(p), func(file string, fi os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			if !fi.Mode().IsRegular() {
				return nil
			}
			return s.optimiseFile(file, fi, &stats)
		})
		if err != nil {
			return stats, fmt.Errorf("optimising '%s': %w", p, err)
		}
	}
	logf(log, "%.2f MiB freed by hard-linking %d files", float64(stats.BytesFreed)/(1024*1024), stats.FilesLinked)
	return stats, nil
}

func (s *Store) optimiseFile(file string, fi os.FileInfo, stats *OptimiseStats) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	d, _, err := nar.HashPath(file, nil)
	if err != nil {
		return err
	}
	link := filepath.Join(s.LinksDir(), nixbase32.EncodeToString(d[:]))
	lfi, err := os.Lstat(link)
	if os.IsNotExist(err) {
		if err := os.Link(file, link); err != nil && !os.IsExist(err) {
			return fmt.Errorf("creating link '%s': %w", link, err)
		}
		return nil
	}
	if err != nil {
		return err
	}
	lst, ok := lfi.Sys().(*syscall.Stat_t)
	if !ok || (lst.Ino == st.Ino && lst.Dev == st.Dev) {
		return nil
	}
	// Replace file by a hard link to link: link to a temporary name in the
	// store directory, then rename over the file. The parent directory
	// must be writable meanwhile.
	parent := filepath.Dir(file)
	pfi, err := os.Lstat(parent)
	if err != nil {
		return err
	}
	tmp := filepath.Join(s.RealStoreDir(), fmt.Sprintf(".tmp-link-%d-%s", os.Getpid(), filepath.Base(link)))
	os.Remove(tmp)
	if err := os.Link(link, tmp); err != nil {
		return fmt.Errorf("linking '%s': %w", link, err)
	}
	inStoreDir := parent == s.RealStoreDir()
	if !inStoreDir {
		if err := os.Chmod(parent, pfi.Mode().Perm()|0o200); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	err = os.Rename(tmp, file)
	if !inStoreDir {
		if cerr := os.Chmod(parent, pfi.Mode().Perm()); err == nil {
			err = cerr
		}
		if merr := setMtime(parent); err == nil {
			err = merr
		}
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("replacing '%s' by a link: %w", file, err)
	}
	stats.FilesLinked++
	if st.Nlink == 1 {
		stats.BytesFreed += uint64(fi.Size())
	}
	return nil
}
