package store

import (
	"bufio"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	dsbzip2 "github.com/dsnet/compress/bzip2"
)

// Build logs live where Nix keeps them: /nix/var/log/nix/drvs/XX/REST.bz2,
// where XX are the first two characters of the .drv's base name and REST
// the others, compressed with bzip2. Go's standard library only reads
// bzip2, so the compressor is github.com/dsnet/compress/bzip2. Reading
// follows Nix's order: for drvs/XX/REST and then the older flat
// drvs/XXREST, the plain file first and then the .bz2 one.

// logPaths returns the candidate log files of a .drv base name.
func (s *Store) logPaths(base string) []string {
	d := filepath.Join(s.LogDir(), "drvs")
	return []string{filepath.Join(d, base[:2], base[2:]), filepath.Join(d, base)}
}

// BuildLogWriter streams the build log of one derivation into the store,
// bzip2-compressed. Bytes go to a temporary file beside the final one;
// Commit finishes the stream and renames it into place, so a crash never
// leaves a truncated log under the name Nix reads. A BuildLogWriter is not
// safe for concurrent use.
//
// The first smallLog bytes are kept in memory: most logs are short, and a
// short log compressed with bzip2's smallest block size is the same stream
// as with its largest, without allocating the 900k block buffer per build.
type BuildLogWriter struct {
	f       *os.File
	buf     *bufio.Writer
	zw      *dsbzip2.Writer // nil while the log fits in pending
	pending []byte
	dst     string
	plain   string
	err     error
	done    bool
}

// smallLog is bzip2's block size at level 1: logs up to this size are
// compressed in one go at Commit with that level.
const smallLog = 100000

// CreateBuildLog starts the build log of drvPath. The caller writes the
// log with Write and ends with Commit (or Abort to drop it).
func (s *Store) CreateBuildLog(drvPath string) (*BuildLogWriter, error) {
	p, err := s.Dir().Parse(drvPath)
	if err != nil {
		return nil, err
	}
	plain := s.logPaths(p.String())[0]
	dir := filepath.Dir(plain)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("writing build log of '%s': %w", drvPath, err)
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(plain)+"-")
	if err != nil {
		return nil, fmt.Errorf("writing build log of '%s': %w", drvPath, err)
	}
	return &BuildLogWriter{f: f, buf: bufio.NewWriterSize(f, 64<<10), dst: plain + ".bz2", plain: plain}, nil
}

// startCompressor creates the compressor at the given level and feeds it
// the pending bytes.
func (w *BuildLogWriter) startCompressor(level int) error {
	zw, err := dsbzip2.NewWriter(w.buf, &dsbzip2.WriterConfig{Level: level})
	if err != nil {
		return err
	}
	w.zw = zw
	_, err = zw.Write(w.pending)
	w.pending = nil
	return err
}

// Write compresses p into the log. After the first error every call
// returns it.
func (w *BuildLogWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.done {
		return 0, errors.New("write to a finished build log")
	}
	if w.zw == nil {
		if len(w.pending)+len(p) <= smallLog {
			w.pending = append(w.pending, p...)
			return len(p), nil
		}
		// A long log: 900k blocks, the level Nix's bzip2 sink uses.
		if err := w.startCompressor(dsbzip2.BestCompression); err != nil {
			w.err = fmt.Errorf("writing build log %s: %w", w.dst, err)
			return 0, w.err
		}
	}
	n, err := w.zw.Write(p)
	if err != nil {
		w.err = fmt.Errorf("writing build log %s: %w", w.dst, err)
		return n, w.err
	}
	return n, nil
}

// Path is the final name of the log (…/drvs/XX/REST.bz2).
func (w *BuildLogWriter) Path() string { return w.dst }

// Commit ends the bzip2 stream, syncs the file, makes it read-only and
// renames it into place. An uncompressed log of the same derivation (from
// an older gonix) is removed, since Nix would read it first.
func (w *BuildLogWriter) Commit() error {
	if w.done {
		return w.err
	}
	w.done = true
	err := w.err
	if err == nil && w.zw == nil {
		err = w.startCompressor(1)
	}
	if err == nil {
		err = w.zw.Close()
	}
	if err == nil {
		err = w.buf.Flush()
	}
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(w.f.Name(), 0o444)
	}
	if err == nil {
		err = os.Rename(w.f.Name(), w.dst)
	}
	if err != nil {
		os.Remove(w.f.Name())
		w.err = fmt.Errorf("writing build log %s: %w", w.dst, err)
		return w.err
	}
	if rerr := os.Remove(w.plain); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		return fmt.Errorf("removing the old build log %s: %w", w.plain, rerr)
	}
	return nil
}

// Abort drops the log being written. It does nothing after Commit.
func (w *BuildLogWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	os.Remove(w.f.Name())
}

// WriteBuildLog stores the build log of a derivation, read from r, as
// CreateBuildLog and Commit do.
func (s *Store) WriteBuildLog(drvPath string, r io.Reader) error {
	w, err := s.CreateBuildLog(drvPath)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Abort()
		return fmt.Errorf("writing build log of '%s': %w", drvPath, err)
	}
	return w.Commit()
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
