package store

import (
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Build logs live in /nix/var/log/nix/drvs/XX/REST where XX are the first
// two characters of the .drv's base name. Nix writes REST.bz2; Go's
// standard library only decompresses bzip2 and no maintained pure-Go bzip2
// writer exists, so gonix writes logs uncompressed (REST), which Nix reads
// too (it tries the plain file first), and reads both forms.

// logPaths returns the candidate log files of a .drv base name.
func (s *Store) logPaths(base string) []string {
	d := filepath.Join(s.LogDir(), "drvs")
	return []string{filepath.Join(d, base[:2], base[2:]), filepath.Join(d, base)}
}

// WriteBuildLog stores the build log of a derivation (uncompressed).
func (s *Store) WriteBuildLog(drvPath string, r io.Reader) error {
	p, err := s.Dir().Parse(drvPath)
	if err != nil {
		return err
	}
	dst := s.logPaths(p.String())[0]
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("writing build log: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(dst), ".tmp-log-")
	if err != nil {
		return fmt.Errorf("writing build log: %w", err)
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o444)
	}
	if err == nil {
		err = os.Rename(f.Name(), dst)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing build log: %w", err)
	}
	return nil
}

// ReadBuildLog returns the build log of a derivation, or of the deriver of
// an output path, in plain or bzip2-compressed form.
func (s *Store) ReadBuildLog(path string) ([]byte, error) {
	p, err := s.Dir().Parse(path)
	if err != nil {
		return nil, err
	}
	candidates := []string{p.String()}
	if !p.IsDerivation() {
		if info, err := s.QueryPathInfo(path); err == nil && info.Deriver != "" {
			if d, err := s.Dir().Parse(info.Deriver); err == nil {
				candidates = append(candidates, d.String())
			}
		}
	}
	for _, base := range candidates {
		for _, lp := range s.logPaths(base) {
			data, err := os.ReadFile(lp)
			if err == nil {
				return data, nil
			}
			f, err := os.Open(lp + ".bz2")
			if err != nil {
				continue
			}
			data, err = io.ReadAll(bzip2.NewReader(f))
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("decompressing build log %s.bz2: %w", lp, err)
			}
			return data, nil
		}
	}
	return nil, fmt.Errorf("build log of '%s' is not available: %w", path, ErrNoLog)
}

// ErrNoLog is returned (wrapped) when no build log exists.
var ErrNoLog = errors.New("no build log")
