package builtins

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// StoreAdder is implemented by store hooks that can add (or, read-only,
// compute) source paths and text files: builtins.path, filterSource and
// toFile use it. DryRunStore implements it without writing.
type StoreAdder interface {
	// AddPath adds src under name, NAR-hashed when recursive (else the
	// flat file contents), keeping only entries the filter accepts.
	AddPath(st *eval.State, src, name string, recursive bool, filter nar.Filter) (string, error)
	// AddText adds a text file with references.
	AddText(st *eval.State, name, text string, refs []string) (string, error)
}

// DerivationWriter is implemented by store hooks that keep the
// derivations derivationStrict instantiates: a writing store adds the .drv
// file (gonix instantiate, gonix build), a read-only one remembers it in
// case import from derivation needs it later.
type DerivationWriter interface {
	// AddDerivation records the derivation d, complete with its output
	// paths, whose .drv path is drvPath. Its inputs were recorded before.
	AddDerivation(st *eval.State, drvPath string, d *derivation.Derivation) error
}

// PathMapper is implemented by store hooks whose store objects are not at
// their logical location (a store under another root): RealPath returns
// where a path below the store directory is on disk, and the path itself
// for any other path.
type PathMapper interface {
	RealPath(logical string) string
}

// PathValidator is implemented by store hooks that can tell whether a
// store path is valid (registered); builtins.storePath requires it, as Nix
// does outside read-only mode.
type PathValidator interface {
	EnsureValid(st *eval.State, path string) error
}

// ReferenceQuerier is implemented by store hooks that know the references
// of valid store paths; readFile of a file inside a store path gives its
// contents the context of the references that occur in it.
type ReferenceQuerier interface {
	References(st *eval.State, storePath string) ([]string, error)
}

// realPath maps a logical path to where it is on disk (see PathMapper).
func realPath(st *eval.State, p string) string {
	if m, ok := st.Store().(PathMapper); ok {
		return m.RealPath(p)
	}
	return p
}

// storePathOf returns the store path containing p ("" if p is not below
// the store directory).
func storePathOf(st *eval.State, p string) string {
	dir := st.StoreDir() + "/"
	if !strings.HasPrefix(p, dir) {
		return ""
	}
	sp := p
	if i := strings.IndexByte(p[len(dir):], '/'); i >= 0 {
		sp = p[:len(dir)+i]
	}
	if !isStorePath(st, sp) {
		return ""
	}
	return sp
}

// fileContext is the context readFile gives the contents of the file at
// the logical path p: the references of the store path containing it
// whose hash part occurs in the contents (as current Nix re-scans).
func fileContext(st *eval.State, p string, data []byte) eval.Context {
	q, ok := st.Store().(ReferenceQuerier)
	if !ok {
		return nil
	}
	sp := storePathOf(st, p)
	if sp == "" {
		return nil
	}
	refs, err := q.References(st, sp)
	if err != nil || len(refs) == 0 {
		return nil
	}
	dir := st.StoreDir() + "/"
	var ctx []string
	for _, r := range refs {
		if len(r) >= len(dir)+32 && bytes.Contains(data, []byte(r[len(dir):len(dir)+32])) {
			ctx = append(ctx, r)
		}
	}
	return eval.NewContext(ctx...)
}

func init() { addFamily("storeops", 0, registerStoreOps) }

func registerStoreOps(r *eval.Registry) {
	prim(r, "toFile", 2, primToFile)
	prim(r, "path", 1, primPath)
	prim(r, "filterSource", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		p := st.CoerceToPath(eval.NoPos, args[1], &ctx, "while evaluating the second argument (the path to filter) passed to 'builtins.filterSource'")
		f := st.ForceFunction(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.filterSource")
		return addPath(st, filepath.Base(p), p, f, true, nil)
	})
	prim(r, "storePath", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		if st.Options().Pure {
			st.Raise(st.Errorf(eval.ErrEval, "'%s' is not allowed in pure evaluation mode", "builtins.storePath"))
		}
		var ctx eval.Context
		p := st.CoerceToPath(eval.NoPos, args[0], &ctx, "while evaluating the first argument passed to 'builtins.storePath'")
		if !isStorePath(st, p) {
			p = resolveSymlinks(p)
		}
		sp := storePathOf(st, p)
		if sp == "" {
			st.Raise(st.Errorf(eval.ErrEval, "path '%s' is not in the Nix store", p))
		}
		if v, ok := st.Store().(PathValidator); ok {
			if err := v.EnsureValid(st, sp); err != nil {
				st.Raise(storeErr(st, err))
			}
		}
		return eval.NewStringCtx(p, ctx.Merge(eval.Context{sp}))
	})
}

func adder(st *eval.State) StoreAdder {
	if a, ok := st.Store().(StoreAdder); ok {
		return a
	}
	st.Raise(st.Errorf(eval.ErrEval, "this operation needs a Nix store, which is not available"))
	return nil
}

func primToFile(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	name := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.toFile")
	contents := st.ForceString(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.toFile")
	var refs []string
	for _, c := range contents.Context() {
		if strings.HasPrefix(c, "=") || strings.HasPrefix(c, "!") {
			st.Raise(st.Errorf(eval.ErrEval, "files created by %s may not reference derivations, but %s references %s", "builtins.toFile", name, c))
		}
		refs = append(refs, c)
	}
	p, err := adder(st).AddText(st, name, contents.S, refs)
	if err != nil {
		st.Raise(storeErr(st, err))
	}
	return eval.NewStringCtx(p, eval.Context{p})
}

func storeErr(st *eval.State, err error) *eval.Error {
	if e, ok := err.(*eval.Error); ok {
		return e
	}
	return st.Errorf(eval.ErrEval, "%s", err.Error())
}

func primPath(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	as := st.ForceAttrs(args[0], eval.NoPos, "while evaluating the argument passed to 'builtins.path'")
	var path, name string
	havePath := false
	var filter eval.Value
	recursive := true
	var expected *nixhash.Hash
	var ctx eval.Context
	for _, a := range as.All() {
		switch n := st.SymName(a.Name); n {
		case "path":
			path = st.CoerceToPath(a.Pos, a.Value, &ctx, "while evaluating the 'path' attribute passed to 'builtins.path'")
			havePath = true
		case "name":
			name = st.ForceStringNoCtx(a.Value, a.Pos, "while evaluating the `name` attribute passed to builtins.path")
		case "filter":
			filter = st.ForceFunction(a.Value, a.Pos, "while evaluating the `filter` parameter passed to builtins.path")
		case "recursive":
			recursive = st.ForceBool(a.Value, a.Pos, "while evaluating the `recursive` attribute passed to builtins.path")
		case "sha256":
			s := st.ForceStringNoCtx(a.Value, a.Pos, "while evaluating the `sha256` attribute passed to builtins.path")
			if s != "" {
				h, _, err := nixhash.ParseAny(s, nixhash.SHA256)
				if err != nil {
					st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
				}
				expected = &h
			}
		default:
			st.Raise(st.Errorf(eval.ErrEval, "unsupported argument '%s' to 'builtins.path'", n).At(a.Pos))
		}
	}
	if !havePath {
		st.Raise(st.Errorf(eval.ErrEval, "missing required 'path' attribute in the first argument to 'builtins.path'"))
	}
	if name == "" {
		name = filepath.Base(path)
	}
	return addPath(st, name, path, filter, recursive, expected)
}

func addPath(st *eval.State, name, path string, filter eval.Value, recursive bool, expected *nixhash.Hash) eval.Value {
	var res eval.Value
	withTraceLine(st, func() string { return "while adding path '" + path + "'" }, func() {
		var f nar.Filter
		if filter != nil {
			f = func(p string, mode fs.FileMode) (bool, error) {
				args := []eval.Value{eval.NewString(p), eval.NewString(fileType(mode))}
				r := st.CallFunction(filter, args, eval.NoPos)
				return st.ForceBool(r, eval.NoPos, "while evaluating the return value of the path filter function"), nil
			}
		}
		sp, err := adder(st).AddPath(st, resolveSymlinks(path), name, recursive, f)
		if err != nil {
			st.Raise(storeErr(st, err))
		}
		if expected != nil {
			method := storepath.NAR
			if !recursive {
				method = storepath.Flat
			}
			want, err := storepath.Dir(st.StoreDir()).MakeFixedOutput(name, method, *expected, nil, false)
			if err == nil && storepath.Dir(st.StoreDir()).Path(want) != sp {
				st.Raise(st.Errorf(eval.ErrEval, "store path mismatch in (possibly filtered) path added from '%s'", path))
			}
		}
		res = eval.NewStringCtx(sp, eval.Context{sp})
	})
	return res
}

// AddPath computes the store path of a source (nothing is written).
func (d *DryRunStore) AddPath(st *eval.State, src, name string, recursive bool, filter nar.Filter) (string, error) {
	if _, err := os.Lstat(src); err != nil {
		return "", st.IOError(src, err)
	}
	dir := storepath.Dir(d.Dir)
	var sp storepath.Path
	var err error
	if recursive {
		h := sha256.New()
		if err := nar.Dump(h, src, filter); err != nil {
			return "", err
		}
		nh, _ := nixhash.New(nixhash.SHA256, h.Sum(nil))
		sp, err = dir.MakeFixedOutput(name, storepath.NAR, nh, nil, false)
	} else {
		f, ferr := os.Open(src)
		if ferr != nil {
			return "", st.IOError(src, ferr)
		}
		h := sha256.New()
		_, ferr = io.Copy(h, f)
		f.Close()
		if ferr != nil {
			return "", fmt.Errorf("reading '%s': %w", src, ferr)
		}
		nh, _ := nixhash.New(nixhash.SHA256, h.Sum(nil))
		sp, err = dir.MakeFixedOutput(name, storepath.Flat, nh, nil, false)
	}
	if err != nil {
		return "", err
	}
	return dir.Path(sp), nil
}

// AddText computes the store path of a text file (nothing is written).
func (d *DryRunStore) AddText(st *eval.State, name, text string, refs []string) (string, error) {
	dir := storepath.Dir(d.Dir)
	var ps []storepath.Path
	for _, r := range refs {
		p, err := dir.Parse(r)
		if err != nil {
			return "", err
		}
		ps = append(ps, p)
	}
	sp, err := dir.MakeTextFromContents(name, []byte(text), ps)
	if err != nil {
		return "", err
	}
	return dir.Path(sp), nil
}
