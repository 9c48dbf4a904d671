package evalstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/build"
	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/fetch"
	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/storepath"
)

// Mode says whether evaluation writes to the store.
type Mode int

const (
	// ReadOnly computes store paths without writing, and writes only what
	// realisation needs (gonix eval).
	ReadOnly Mode = iota
	// ReadWrite adds sources, text files and derivations to the store as
	// they are evaluated (gonix instantiate, gonix build).
	ReadWrite
)

// Options configure a Store.
type Options struct {
	// Mode is ReadOnly or ReadWrite.
	Mode Mode
	// Root is the physical root of the store (see store.DefaultRoot);
	// logical paths under /nix/store are at Root/nix/store.
	Root string
	// Open opens the store; it is called once, on first use. Default:
	// store.Open(Root).
	Open func() (*store.Store, error)
	// Build configures the builds import from derivation starts.
	Build build.Options
	// NoImportFromDerivation makes realising a derivation output during
	// evaluation an error (Nix's allow-import-from-derivation = false).
	NoImportFromDerivation bool
	// Context cancels builds started during evaluation.
	Context context.Context
}

// kind of a remembered, not yet written store object.
type kind int

const (
	kindSource kind = iota
	kindText
	kindDrv
)

// pending is a store object computed in read-only mode, with what is
// needed to write it.
type pending struct {
	kind kind
	// source
	src       string
	name      string
	recursive bool
	keep      map[string]bool // accepted entries when filtered; nil: all
	// text
	text string
	refs []string
	// derivation
	drv *derivation.Derivation
}

// Store is the evaluator's store hook. It is not safe for concurrent use
// (neither is an evaluation).
type Store struct {
	opts    Options
	layout  store.Layout
	dry     *builtins.DryRunStore
	st      *store.Store
	openErr error
	fetcher *fetch.Fetcher

	pending map[string]*pending
	written map[string]bool   // paths known valid or written
	srcs    map[string]string // CopyPathToStore cache: source -> store path
}

// New returns a Store with the given options.
func New(opts Options) *Store {
	if opts.Root == "" {
		opts.Root = "/"
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	return &Store{
		opts:    opts,
		layout:  store.Layout{Root: opts.Root},
		dry:     builtins.NewDryRunStore(""),
		pending: map[string]*pending{},
		written: map[string]bool{},
		srcs:    map[string]string{},
	}
}

// Mode returns the store's mode.
func (s *Store) Mode() Mode { return s.opts.Mode }

// Store opens the store if it is not open yet and returns it.
func (s *Store) Store() (*store.Store, error) {
	if s.st != nil || s.openErr != nil {
		return s.st, s.openErr
	}
	open := s.opts.Open
	if open == nil {
		open = func() (*store.Store, error) { return store.Open(s.opts.Root) }
	}
	s.st, s.openErr = open()
	if s.openErr != nil {
		s.openErr = fmt.Errorf("opening the store: %w", s.openErr)
	}
	return s.st, s.openErr
}

// Opened returns the store when it has been opened, else nil.
func (s *Store) Opened() *store.Store { return s.st }

// Close closes the store if it was opened.
func (s *Store) Close() error {
	if s.st == nil {
		return nil
	}
	err := s.st.Close()
	s.st = nil
	s.openErr = errors.New("store closed")
	return err
}

// RealPath maps a logical path below the store directory to its physical
// location (implements builtins.PathMapper).
//
// A store path that is not in this store but exists at its logical
// location (the machine's /nix/store, when gonix uses a store under
// another root) is read from there.
func (s *Store) RealPath(logical string) string {
	dir := string(storepath.DefaultDir) + "/"
	if s.layout.Root == "/" || !strings.HasPrefix(logical, dir) {
		return logical
	}
	phys := s.layout.RealPath(logical)
	top := logical
	if i := strings.IndexByte(logical[len(dir):], '/'); i >= 0 {
		top = logical[:len(dir)+i]
	}
	if _, err := os.Lstat(s.layout.RealPath(top)); err != nil {
		if _, err := os.Lstat(top); err == nil {
			return logical
		}
	}
	return phys
}

// CopyPathToStore adds a path literal's file or directory to the store
// (implements eval.Store); results are cached per source path.
func (s *Store) CopyPathToStore(st *eval.State, p string) (string, error) {
	if sp, ok := s.srcs[p]; ok {
		return sp, nil
	}
	sp, err := s.AddPath(st, p, filepath.Base(p), true, nil)
	if err != nil {
		return "", err
	}
	s.srcs[p] = sp
	return sp, nil
}

// AddPath adds (or, read-only, computes) a source path (implements
// builtins.StoreAdder). The filter, an evaluator function, is applied
// once, here, so that writing never calls back into the evaluator.
func (s *Store) AddPath(st *eval.State, src, name string, recursive bool, filter nar.Filter) (string, error) {
	phys := s.RealPath(src)
	var keep map[string]bool
	if filter != nil && recursive {
		var err error
		if keep, err = applyFilter(phys, filter); err != nil {
			return "", err
		}
		filter = keepFilter(keep)
	}
	if s.opts.Mode == ReadOnly {
		sp, err := s.dry.AddPath(st, phys, name, recursive, filter)
		if err != nil {
			return "", err
		}
		if !s.written[sp] && s.pending[sp] == nil {
			s.pending[sp] = &pending{kind: kindSource, src: phys, name: name, recursive: recursive, keep: keep}
		}
		return sp, nil
	}
	if _, err := os.Lstat(phys); err != nil {
		return "", st.IOError(src, err)
	}
	return s.addSource(&pending{kind: kindSource, src: phys, name: name, recursive: recursive, keep: keep})
}

// addSource writes a source path to the store.
func (s *Store) addSource(p *pending) (string, error) {
	stor, err := s.Store()
	if err != nil {
		return "", err
	}
	opts := store.AddOptions{Name: p.name, Method: storepath.NAR}
	if !p.recursive {
		opts.Method = storepath.Flat
	}
	if p.keep != nil {
		opts.Filter = keepFilter(p.keep)
	}
	sp, err := stor.AddPath(p.src, opts)
	if err != nil {
		return "", err
	}
	s.written[sp] = true
	return sp, nil
}

// applyFilter walks the tree at root like the NAR serialiser does and
// returns the entries filter accepts.
func applyFilter(root string, filter nar.Filter) (map[string]bool, error) {
	keep := map[string]bool{}
	var walk func(dir string) error
	walk = func(dir string) error {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("reading directory '%s': %w", dir, err)
		}
		for _, e := range entries {
			child := filepath.Join(dir, e.Name())
			ok, err := filter(child, e.Type())
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			keep[child] = true
			if e.IsDir() {
				if err := walk(child); err != nil {
					return err
				}
			}
		}
		return nil
	}
	fi, err := os.Lstat(root)
	if err != nil {
		return nil, fmt.Errorf("reading '%s': %w", root, err)
	}
	if fi.IsDir() {
		if err := walk(root); err != nil {
			return nil, err
		}
	}
	return keep, nil
}

// keepFilter is a nar.Filter accepting exactly the given entries.
func keepFilter(keep map[string]bool) nar.Filter {
	return func(p string, _ fs.FileMode) (bool, error) { return keep[p], nil }
}

// AddText adds (or computes) a text file (implements builtins.StoreAdder).
func (s *Store) AddText(st *eval.State, name, text string, refs []string) (string, error) {
	if s.opts.Mode == ReadOnly {
		sp, err := s.dry.AddText(st, name, text, refs)
		if err != nil {
			return "", err
		}
		if !s.written[sp] && s.pending[sp] == nil {
			s.pending[sp] = &pending{kind: kindText, name: name, text: text, refs: append([]string(nil), refs...)}
		}
		return sp, nil
	}
	for _, r := range refs {
		if err := s.flush(r); err != nil {
			return "", err
		}
	}
	stor, err := s.Store()
	if err != nil {
		return "", err
	}
	sp, err := stor.AddText(name, []byte(text), refs)
	if err != nil {
		return "", err
	}
	s.written[sp] = true
	return sp, nil
}

// AddDerivation records or writes an instantiated derivation (implements
// builtins.DerivationWriter).
func (s *Store) AddDerivation(st *eval.State, drvPath string, d *derivation.Derivation) error {
	if s.written[drvPath] {
		return nil
	}
	if s.opts.Mode == ReadOnly {
		if s.pending[drvPath] == nil {
			s.pending[drvPath] = &pending{kind: kindDrv, drv: d}
		}
		return nil
	}
	return s.writeDrv(drvPath, d)
}

func (s *Store) writeDrv(drvPath string, d *derivation.Derivation) error {
	for _, p := range d.InputSrcs {
		if err := s.flush(p); err != nil {
			return err
		}
	}
	for _, p := range slices.Sorted(maps.Keys(d.InputDrvs)) {
		if err := s.flush(p); err != nil {
			return err
		}
	}
	stor, err := s.Store()
	if err != nil {
		return err
	}
	written, err := stor.WriteDerivation(d)
	if err != nil {
		return err
	}
	if written != drvPath {
		return fmt.Errorf("internal error: derivation '%s' was written to '%s'", drvPath, written)
	}
	s.written[drvPath] = true
	return nil
}

// flush writes a store object computed in read-only mode, after what it
// refers to. Paths not computed by this Store are left alone.
func (s *Store) flush(p string) error {
	if s.written[p] {
		return nil
	}
	pend := s.pending[p]
	if pend == nil {
		return nil
	}
	delete(s.pending, p)
	var got string
	var err error
	switch pend.kind {
	case kindSource:
		got, err = s.addSource(pend)
	case kindText:
		for _, r := range pend.refs {
			if err := s.flush(r); err != nil {
				return err
			}
		}
		var stor *store.Store
		if stor, err = s.Store(); err == nil {
			got, err = stor.AddText(pend.name, []byte(pend.text), pend.refs)
		}
	case kindDrv:
		return s.writeDrv(p, pend.drv)
	}
	if err != nil {
		s.pending[p] = pend
		return err
	}
	if got != p {
		return fmt.Errorf("internal error: '%s' was added as '%s'", p, got)
	}
	s.written[p] = true
	return nil
}

// Flush writes every store object computed in read-only mode so far.
func (s *Store) Flush() error {
	for _, p := range slices.Sorted(maps.Keys(s.pending)) {
		if err := s.flush(p); err != nil {
			return err
		}
	}
	return nil
}

// EnsureValid fails unless path is valid in the store, writing it first
// when it was computed here (implements builtins.PathValidator). In
// read-only mode paths are not checked, as in Nix.
func (s *Store) EnsureValid(st *eval.State, path string) error {
	if s.opts.Mode == ReadOnly {
		return nil
	}
	return s.ensureValid(st, path)
}

func (s *Store) ensureValid(st *eval.State, path string) error {
	if err := s.flush(path); err != nil {
		return err
	}
	if s.written[path] {
		return nil
	}
	stor, err := s.Store()
	if err != nil {
		return err
	}
	ok, err := stor.IsValid(path)
	if err != nil {
		return err
	}
	if !ok {
		return st.Errorf(eval.ErrEval, "path '%s' is not valid", path)
	}
	s.written[path] = true
	return nil
}

// References returns the references of a valid store path (implements
// builtins.ReferenceQuerier).
func (s *Store) References(st *eval.State, path string) ([]string, error) {
	stor, err := s.Store()
	if err != nil {
		return nil, err
	}
	info, err := stor.QueryPathInfo(path)
	if err != nil {
		return nil, err
	}
	return info.References, nil
}

// Realise makes the paths of a string context valid (implements
// eval.Store): store objects computed in read-only mode are written,
// derivation outputs are built (import from derivation).
func (s *Store) Realise(st *eval.State, ctx eval.Context) error {
	var reqs []build.Request
	for _, c := range ctx {
		switch {
		case strings.HasPrefix(c, "!"):
			out, drvPath, _ := strings.Cut(c[1:], "!")
			if s.outputValid(drvPath, out) {
				continue
			}
			if s.opts.NoImportFromDerivation {
				return st.Errorf(eval.ErrEval, "cannot build '%s^%s' during evaluation because the option 'allow-import-from-derivation' is disabled", drvPath, out)
			}
			if err := s.ensureValid(st, drvPath); err != nil {
				return err
			}
			reqs = append(reqs, build.Request{DrvPath: drvPath, Outputs: []string{out}})
		case strings.HasPrefix(c, "="):
			if err := s.ensureValid(st, c[1:]); err != nil {
				return err
			}
		default:
			if err := s.ensureValid(st, c); err != nil {
				return err
			}
		}
	}
	if len(reqs) == 0 {
		return nil
	}
	stor, err := s.Store()
	if err != nil {
		return err
	}
	results, err := build.Realise(s.opts.Context, stor, reqs, s.opts.Build)
	if err != nil {
		for _, r := range results {
			if r.Err != nil {
				return r.Err
			}
		}
		return err
	}
	for _, r := range results {
		for _, p := range r.Outputs {
			s.written[p] = true
		}
	}
	return nil
}

// outputValid reports whether an output of a derivation evaluated here is
// already valid (so nothing needs to be written or built).
func (s *Store) outputValid(drvPath, out string) bool {
	var outPath string
	if p := s.pending[drvPath]; p != nil && p.kind == kindDrv {
		outPath = p.drv.Outputs[out].Path
	}
	if outPath == "" {
		return false
	}
	if s.written[outPath] {
		return true
	}
	stor, err := s.Store()
	if err != nil {
		return false
	}
	ok, err := stor.IsValid(outPath)
	if err == nil && ok {
		s.written[outPath] = true
		return true
	}
	return false
}

// Fetcher returns the downloader the fetch builtins use, opening the
// store (fetches always write to it, also in read-only mode).
func (s *Store) Fetcher() (*fetch.Fetcher, error) {
	if s.fetcher != nil {
		return s.fetcher, nil
	}
	stor, err := s.Store()
	if err != nil {
		return nil, err
	}
	s.fetcher = fetch.New(stor)
	return s.fetcher, nil
}
