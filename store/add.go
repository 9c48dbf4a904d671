package store

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// staged is a store object written into a locked temporary directory,
// with its hashes, waiting to be moved into place.
type staged struct {
	dir     string   // the temporary directory (locked by lock)
	lock    *os.File // flock on dir, released by cleanup
	obj     string   // dir/x: the object itself
	narHash nixhash.Hash
	narSize uint64
	caHash  nixhash.Hash // the content address hash (may equal narHash)
}

// stage creates a locked temporary directory in the store directory.
func (s *Store) stage() (*staged, error) {
	sd, err := s.NewScratchDir("add")
	if err != nil {
		return nil, err
	}
	return &staged{dir: sd.Path, lock: sd.lock, obj: filepath.Join(sd.Path, "x")}, nil
}

func (st *staged) cleanup() {
	removeAll(st.dir)
	st.lock.Close()
}

// hashers returns the NAR sha256 hasher and, when algo differs or the
// method is flat, a separate hasher for the content address.
func newCAHasher(method storepath.Method, algo nixhash.Algo) (hash.Hash, bool) {
	if method == storepath.NAR && algo == nixhash.SHA256 {
		return nil, false
	}
	return algo.New(), true
}

// writeFlat copies size bytes from r into st.obj as a regular file,
// computing the NAR hash and the flat content hash.
func (st *staged) writeFlat(r io.Reader, size int64, executable bool, method storepath.Method, algo nixhash.Algo) error {
	mode := os.FileMode(0o644)
	if executable {
		mode = 0o755
	}
	f, err := os.OpenFile(st.obj, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	narH := nixhash.SHA256.New()
	cw := &counter{w: narH}
	caH := algo.New()
	var sink io.Writer = io.MultiWriter(f, caH)
	err = nar.DumpRegular(cw, io.TeeReader(r, sink), size, executable)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	st.narHash = nixhash.Hash{Algo: nixhash.SHA256, Digest: narH.Sum(nil)}
	st.narSize = uint64(cw.n)
	if method == storepath.NAR {
		// Only reached for a NAR of bytes (not used for flat files).
		return fmt.Errorf("internal error: writeFlat with NAR method")
	}
	st.caHash = nixhash.Hash{Algo: algo, Digest: caH.Sum(nil)}
	return nil
}

// writeNAR restores the NAR from r into st.obj, computing its sha256 (and
// the content hash with algo when it is not sha256).
func (st *staged) writeNAR(r io.Reader, algo nixhash.Algo) error {
	narH := nixhash.SHA256.New()
	cw := &counter{w: narH}
	ws := []io.Writer{cw}
	caH, separate := newCAHasher(storepath.NAR, algo)
	if separate {
		ws = append(ws, caH)
	}
	if err := nar.Restore(io.TeeReader(r, io.MultiWriter(ws...)), st.obj); err != nil {
		return err
	}
	st.narHash = nixhash.Hash{Algo: nixhash.SHA256, Digest: narH.Sum(nil)}
	st.narSize = uint64(cw.n)
	st.caHash = st.narHash
	if separate {
		st.caHash = nixhash.Hash{Algo: algo, Digest: caH.Sum(nil)}
	}
	return nil
}

// counter counts bytes written through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// commit moves a staged object to its final path and registers it, unless
// the path is already valid. The caller holds the shared GC lock.
func (s *Store) commit(st *staged, info *PathInfo, drvOutputs map[string]map[string]string) error {
	if err := s.AddTempRoot(info.Path); err != nil {
		return err
	}
	real := s.RealPath(info.Path)
	lk, err := lockPath(real)
	if err != nil {
		return err
	}
	defer lk.unlock()
	valid, err := s.IsValid(info.Path)
	if err != nil {
		return err
	}
	if valid {
		if drvOutputs != nil {
			old, err := s.QueryPathInfo(info.Path)
			if err != nil {
				return err
			}
			return s.register([]*PathInfo{old}, drvOutputs)
		}
		return nil
	}
	for _, ref := range info.References {
		if ref == info.Path {
			continue
		}
		ok, err := s.IsValid(ref)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("cannot add '%s': its reference '%s' is not valid", info.Path, ref)
		}
	}
	// A leftover from an interrupted operation: not valid, so replace it.
	if err := removeAll(real); err != nil {
		return fmt.Errorf("removing stale '%s': %w", real, err)
	}
	if err := canonicalise(st.obj, true); err != nil {
		return err
	}
	if err := syncTree(st.dir); err != nil {
		return fmt.Errorf("syncing '%s': %w", st.dir, err)
	}
	if err := os.Rename(st.obj, real); err != nil {
		return fmt.Errorf("moving '%s' into the store: %w", info.Path, err)
	}
	if err := finishRoot(real); err != nil {
		return fmt.Errorf("finishing '%s': %w", real, err)
	}
	if err := syncDir(s.RealStoreDir()); err != nil {
		return fmt.Errorf("syncing the store directory: %w", err)
	}
	return s.register([]*PathInfo{info}, drvOutputs)
}

// register writes rows for infos (and DerivationOutputs rows) in one
// transaction.
func (s *Store) register(infos []*PathInfo, drvOutputs map[string]map[string]string) error {
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("registering paths: %w", err)
	}
	if err := registerInTx(ctx, tx, infos, drvOutputs); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("registering paths: %w", err)
	}
	return nil
}

// AddOptions says how AddPath hashes a file system object.
type AddOptions struct {
	// Name is the store path name; default: the base name of the source.
	Name string
	// Method is storepath.NAR (recursive, the default) or storepath.Flat
	// (a single regular file).
	Method storepath.Method
	// Algo is the content hash algorithm; default sha256.
	Algo nixhash.Algo
	// Filter, if set, selects the entries below the root (NAR only).
	Filter nar.Filter
	// References are store paths the object refers to (NAR+sha256 only).
	References []string
}

// AddPath copies the file system object at src into the store, like
// `nix-store --add` (NAR, sha256), `--add-fixed [--recursive] ALGO`,
// path literals and builtins.path (with a filter). It returns the store
// path (also when it was already valid).
func (s *Store) AddPath(src string, opts AddOptions) (string, error) {
	if opts.Method == 0 {
		opts.Method = storepath.NAR
	}
	if opts.Algo == 0 {
		opts.Algo = nixhash.SHA256
	}
	if opts.Name == "" {
		opts.Name = filepath.Base(filepath.Clean(src))
	}
	if err := storepath.CheckName(opts.Name); err != nil {
		return "", fmt.Errorf("adding '%s' to the store: invalid name: %w", src, err)
	}
	if opts.Algo.Size() == 0 {
		return "", fmt.Errorf("adding '%s' to the store: invalid hash algorithm %v", src, opts.Algo)
	}
	fi, err := os.Lstat(src)
	if err != nil {
		return "", fmt.Errorf("adding '%s' to the store: %w", src, err)
	}
	gl, err := s.gcShared()
	if err != nil {
		return "", err
	}
	defer gl.Close()
	// Hashing is cheaper than copying and syncing: skip both when the
	// object is already there (the common case when re-evaluating).
	if p, _, _, err := s.ComputePath(src, opts); err == nil {
		if ok, err := s.IsValid(p); err == nil && ok {
			return p, s.AddTempRoot(p)
		}
	}
	st, err := s.stage()
	if err != nil {
		return "", err
	}
	defer st.cleanup()
	switch opts.Method {
	case storepath.Flat:
		if !fi.Mode().IsRegular() {
			return "", fmt.Errorf("adding '%s' to the store: flat hashing needs a regular file", src)
		}
		f, err := os.Open(src)
		if err != nil {
			return "", fmt.Errorf("adding '%s' to the store: %w", src, err)
		}
		err = st.writeFlat(f, fi.Size(), fi.Mode()&0o100 != 0, storepath.Flat, opts.Algo)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("adding '%s' to the store: %w", src, err)
		}
	case storepath.NAR:
		pr, pw := io.Pipe()
		go func() {
			pw.CloseWithError(nar.Dump(pw, src, opts.Filter))
		}()
		err := st.writeNAR(pr, opts.Algo)
		pr.CloseWithError(errors.New("aborted"))
		if err != nil {
			return "", fmt.Errorf("adding '%s' to the store: %w", src, err)
		}
	default:
		return "", fmt.Errorf("adding '%s' to the store: unsupported method %v", src, opts.Method)
	}
	return s.finishCA(st, opts.Name, storepath.ContentAddress{Method: opts.Method, Hash: st.caHash}, opts.References, "")
}

// finishCA computes the content-addressed path of a staged object and
// commits it.
func (s *Store) finishCA(st *staged, name string, ca storepath.ContentAddress, refs []string, deriver string) (string, error) {
	refPaths, self, err := s.splitRefs(refs, "")
	if err != nil {
		return "", err
	}
	p, err := s.Dir().MakeFromCA(name, ca, refPaths, self)
	if err != nil {
		return "", err
	}
	path := s.Dir().Path(p)
	info := &PathInfo{
		Path:             path,
		Deriver:          deriver,
		NarHash:          st.narHash,
		NarSize:          st.narSize,
		References:       sortedUnique(refs),
		RegistrationTime: s.now(),
		CA:               ca,
	}
	if err := s.commit(st, info, nil); err != nil {
		return "", err
	}
	return path, nil
}

// splitRefs parses references, separating a self reference.
func (s *Store) splitRefs(refs []string, self string) ([]storepath.Path, bool, error) {
	var out []storepath.Path
	isSelf := false
	for _, r := range refs {
		if r == self && self != "" {
			isSelf = true
			continue
		}
		p, err := s.Dir().Parse(r)
		if err != nil {
			return nil, false, fmt.Errorf("invalid reference: %w", err)
		}
		out = append(out, p)
	}
	return out, isSelf, nil
}

func sortedUnique(ss []string) []string {
	out := slices.Clone(ss)
	sort.Strings(out)
	return slices.Compact(out)
}

// AddText adds a text file (builtins.toFile, .drv files) with the given
// references and returns its path.
func (s *Store) AddText(name string, text []byte, refs []string) (string, error) {
	return s.addText(name, text, refs, nil)
}

// addText is AddText that also records DerivationOutputs rows for a .drv
// in the same transaction.
func (s *Store) addText(name string, text []byte, refs []string, outs map[string]string) (string, error) {
	if err := storepath.CheckName(name); err != nil {
		return "", fmt.Errorf("adding text '%s' to the store: invalid name: %w", name, err)
	}
	h := nixhash.Sum(nixhash.SHA256, text)
	refPaths, _, err := s.splitRefs(refs, "")
	if err != nil {
		return "", err
	}
	p, err := s.Dir().MakeText(name, h, refPaths)
	if err != nil {
		return "", err
	}
	path := s.Dir().Path(p)
	var drvOutputs map[string]map[string]string
	if outs != nil {
		drvOutputs = map[string]map[string]string{path: outs}
	}
	gl, err := s.gcShared()
	if err != nil {
		return "", err
	}
	defer gl.Close()
	if ok, err := s.IsValid(path); err == nil && ok {
		if err := s.AddTempRoot(path); err != nil {
			return "", err
		}
		if drvOutputs != nil {
			old, err := s.QueryPathInfo(path)
			if err != nil {
				return "", err
			}
			if err := s.register([]*PathInfo{old}, drvOutputs); err != nil {
				return "", err
			}
		}
		return path, nil
	}
	st, err := s.stage()
	if err != nil {
		return "", err
	}
	defer st.cleanup()
	if err := st.writeFlat(bytesReader(text), int64(len(text)), false, storepath.Flat, nixhash.SHA256); err != nil {
		return "", fmt.Errorf("adding text '%s' to the store: %w", name, err)
	}
	info := &PathInfo{
		Path:             path,
		NarHash:          st.narHash,
		NarSize:          st.narSize,
		References:       sortedUnique(refs),
		RegistrationTime: s.now(),
		CA:               storepath.ContentAddress{Method: storepath.Text, Hash: h},
	}
	if err := s.commit(st, info, drvOutputs); err != nil {
		return "", err
	}
	return path, nil
}

// ComputeTextPath returns the path AddText would use, without writing.
func (s *Store) ComputeTextPath(name string, text []byte, refs []string) (string, error) {
	refPaths, _, err := s.splitRefs(refs, "")
	if err != nil {
		return "", err
	}
	p, err := s.Dir().MakeTextFromContents(name, text, refPaths)
	if err != nil {
		return "", err
	}
	return s.Dir().Path(p), nil
}

// AddNar adds a store object from its NAR serialisation with the metadata
// in info (Path, NarHash, References, Deriver, CA, Sigs; NarSize is
// checked when non-zero). The NAR must hash to info.NarHash and, when
// info.CA is set, the path must match the content address; otherwise
// nothing is registered.
func (s *Store) AddNar(r io.Reader, info PathInfo) error {
	if _, err := s.Dir().Parse(info.Path); err != nil {
		return err
	}
	if info.NarHash.Algo != nixhash.SHA256 {
		return fmt.Errorf("adding '%s': a sha256 NAR hash is required", info.Path)
	}
	gl, err := s.gcShared()
	if err != nil {
		return err
	}
	defer gl.Close()
	st, err := s.stage()
	if err != nil {
		return err
	}
	defer st.cleanup()
	algo := nixhash.SHA256
	if !info.CA.IsZero() && info.CA.Method == storepath.NAR {
		algo = info.CA.Hash.Algo
	}
	if err := st.writeNAR(r, algo); err != nil {
		return fmt.Errorf("adding '%s': %w", info.Path, err)
	}
	if !st.narHash.Equal(info.NarHash) {
		return fmt.Errorf("hash mismatch importing path '%s';\n  specified: %s\n  got:       %s",
			info.Path, info.NarHash.Format(nixhash.SRI, true), st.narHash.Format(nixhash.SRI, true))
	}
	if info.NarSize != 0 && info.NarSize != st.narSize {
		return fmt.Errorf("size mismatch importing path '%s': specified %d, got %d", info.Path, info.NarSize, st.narSize)
	}
	if !info.CA.IsZero() {
		if err := s.checkCA(st, &info); err != nil {
			return err
		}
	}
	info.NarSize = st.narSize
	info.References = sortedUnique(info.References)
	if info.RegistrationTime.IsZero() {
		info.RegistrationTime = s.now()
	}
	return s.commit(st, &info, nil)
}

// checkCA verifies that a staged object matches its claimed content
// address and path.
func (s *Store) checkCA(st *staged, info *PathInfo) error {
	var got nixhash.Hash
	switch info.CA.Method {
	case storepath.NAR:
		got = st.caHash
	case storepath.Flat, storepath.Text:
		fi, err := os.Lstat(st.obj)
		if err != nil || !fi.Mode().IsRegular() {
			return fmt.Errorf("content address of '%s' needs a regular file", info.Path)
		}
		f, err := os.Open(st.obj)
		if err != nil {
			return err
		}
		got, _, err = nixhash.SumReader(info.CA.Hash.Algo, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	if !got.Equal(info.CA.Hash) {
		return fmt.Errorf("content address mismatch for '%s': specified %s, got %s", info.Path,
			info.CA.Hash.Format(nixhash.SRI, true), got.Format(nixhash.SRI, true))
	}
	refs, self, err := s.splitRefs(info.References, info.Path)
	if err != nil {
		return err
	}
	p, err := s.Dir().MakeFromCA(mustName(info.Path), info.CA, refs, self)
	if err != nil {
		return err
	}
	if s.Dir().Path(p) != info.Path {
		return fmt.Errorf("content address of '%s' does not match its path (expected '%s')", info.Path, s.Dir().Path(p))
	}
	return nil
}

func mustName(path string) string {
	p, err := storepath.Parse(path)
	if err != nil {
		return ""
	}
	return p.Name()
}

// ComputePath returns the store path AddPath would give src with opts, and
// the NAR hash and size of the object, without writing anything (for
// read-only evaluation and for checking an expected hash first).
func (s *Store) ComputePath(src string, opts AddOptions) (path string, narHash nixhash.Hash, narSize uint64, err error) {
	if opts.Method == 0 {
		opts.Method = storepath.NAR
	}
	if opts.Algo == 0 {
		opts.Algo = nixhash.SHA256
	}
	if opts.Name == "" {
		opts.Name = filepath.Base(filepath.Clean(src))
	}
	if opts.Algo.Size() == 0 {
		return "", nixhash.Hash{}, 0, fmt.Errorf("hashing '%s': invalid hash algorithm %v", src, opts.Algo)
	}
	narH := nixhash.SHA256.New()
	cw := &counter{w: narH}
	var caHash nixhash.Hash
	switch opts.Method {
	case storepath.Flat:
		fi, err := os.Lstat(src)
		if err != nil {
			return "", nixhash.Hash{}, 0, err
		}
		if !fi.Mode().IsRegular() {
			return "", nixhash.Hash{}, 0, fmt.Errorf("hashing '%s': flat hashing needs a regular file", src)
		}
		f, err := os.Open(src)
		if err != nil {
			return "", nixhash.Hash{}, 0, err
		}
		caH := opts.Algo.New()
		err = nar.DumpRegular(cw, io.TeeReader(f, caH), fi.Size(), fi.Mode()&0o100 != 0)
		f.Close()
		if err != nil {
			return "", nixhash.Hash{}, 0, fmt.Errorf("hashing '%s': %w", src, err)
		}
		caHash = nixhash.Hash{Algo: opts.Algo, Digest: caH.Sum(nil)}
	case storepath.NAR:
		ws := []io.Writer{cw}
		caH, separate := newCAHasher(storepath.NAR, opts.Algo)
		if separate {
			ws = append(ws, caH)
		}
		if err := nar.Dump(io.MultiWriter(ws...), src, opts.Filter); err != nil {
			return "", nixhash.Hash{}, 0, err
		}
		if separate {
			caHash = nixhash.Hash{Algo: opts.Algo, Digest: caH.Sum(nil)}
		}
	default:
		return "", nixhash.Hash{}, 0, fmt.Errorf("unsupported method %v", opts.Method)
	}
	narHash = nixhash.Hash{Algo: nixhash.SHA256, Digest: narH.Sum(nil)}
	if caHash.IsZero() {
		caHash = narHash
	}
	refs, _, err := s.splitRefs(opts.References, "")
	if err != nil {
		return "", nixhash.Hash{}, 0, err
	}
	p, err := s.Dir().MakeFromCA(opts.Name, storepath.ContentAddress{Method: opts.Method, Hash: caHash}, refs, false)
	if err != nil {
		return "", nixhash.Hash{}, 0, err
	}
	return s.Dir().Path(p), narHash, uint64(cw.n), nil
}
