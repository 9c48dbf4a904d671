package eval

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gonix/gonix/parser"
)

// parserOptions returns the parser options for a source named name.
func (st *State) parserOptions(name string) parser.Options {
	return parser.Options{Name: name, PipeOperators: st.features["pipe-operators"], Lints: st.opts.Lints}
}

// parseSource parses and compiles src, reporting syntax errors and
// undefined variables as Nix does while parsing.
func (st *State) parseSource(s *Source, baseDir string, g *globalEnv) (Expr, *Error) {
	tree := parser.ParseString(s.Src, st.parserOptions(s.Origin))
	for _, w := range tree.Warnings {
		st.warnLint(s, w)
	}
	if err := st.nulByteError(s, tree); err != nil {
		return nil, err
	}
	if len(tree.Errors) > 0 {
		return nil, st.parseError(s, tree)
	}
	e, undef := st.compileTree(s, tree, baseDir, g)
	if len(undef) > 0 {
		n := undef[0]
		return nil, &Error{Kind: ErrUndefinedVar, Msg: "undefined variable '" + parser.PrintIdentifier(n.Name()) + "'", Pos: s.at(n.Start()), pt: st.pos}
	}
	return e, nil
}

// nulByteError reports a string literal containing a NUL byte, which
// Nix's lexer rejects, unless a syntax error comes first.
func (st *State) nulByteError(s *Source, t *parser.Tree) *Error {
	if strings.IndexByte(s.Src, 0) < 0 {
		return nil
	}
	for i := 0; i < t.NumTokens(); i++ {
		tk := t.Token(i)
		var text string
		switch tk.Kind() {
		case parser.TokStrText:
			text = parser.Unescape(tk.Text())
		case parser.TokIndText:
			text = tk.Text()
		case parser.TokIndEscape:
			if raw := tk.Text(); strings.HasPrefix(raw, "''\\") {
				text = parser.Unescape(raw[2:])
			}
		default:
			continue
		}
		if strings.IndexByte(text, 0) < 0 {
			continue
		}
		if len(t.Errors) > 0 && t.Errors[0].Detect < tk.Start() {
			return nil
		}
		msg := "input string '" + strings.ReplaceAll(text, "\x00", "␀") + "' cannot be represented as Nix string because it contains null bytes"
		return &Error{Kind: ErrParse, Msg: msg, Pos: s.at(tk.Start()), pt: st.pos}
	}
	return nil
}

// warnLint prints a lint warning like Nix's parser does.
func (st *State) warnLint(s *Source, w parser.Error) {
	fmt.Fprint(st.opts.Stderr, formatDiagnostic("warning: ", w.Msg, s.at(w.Start), nil, nil, true, st.pos))
}

// resolveExprPath follows symlinks of the last component and appends
// default.nix to directories.
func resolveExprPath(p string) (string, error) {
	for i := 0; i < 1024; i++ {
		fi, err := os.Lstat(p)
		if err != nil {
			break
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			break
		}
		target, err := os.Readlink(p)
		if err != nil {
			break
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = filepath.Clean(target)
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		return filepath.Join(p, "default.nix"), nil
	}
	return p, nil
}

// loadFile reads, parses and compiles a file once.
func (st *State) loadFile(p string) (*fileEntry, *Error) {
	if fe, ok := st.fileCache[p]; ok {
		return fe, fe.err
	}
	data, err := os.ReadFile(p)
	if src, ok := st.corepkgs[p]; ok {
		data, err = []byte(src), nil
	}
	if err != nil {
		e := st.ioError(p, err)
		return nil, e
	}
	s := st.pos.add(p, p, string(data))
	expr, perr := st.parseSource(s, filepath.Dir(p), nil)
	fe := &fileEntry{src: s, expr: expr, err: perr}
	st.fileCache[p] = fe
	return fe, perr
}

// IOError converts a filesystem error to Nix's wording.
func (st *State) IOError(p string, err error) *Error { return st.ioError(p, err) }

// ioError converts a filesystem error to Nix's wording.
func (st *State) ioError(p string, err error) *Error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return st.Errorf(ErrIO, "path '%s' does not exist", p)
	case errors.Is(err, fs.ErrPermission):
		return st.Errorf(ErrIO, "opening file '%s': Permission denied", p)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "is a directory") {
		return st.Errorf(ErrIO, "reading file '%s': Is a directory", p)
	}
	return st.Errorf(ErrIO, "reading '%s': %v", p, err)
}

// ImportPath evaluates the file at path (a directory means its
// default.nix) with import's caching, returning its value in weak head
// normal form. Errors are raised by panicking (for builtins).
func (st *State) ImportPath(p string, pos Pos) Value {
	resolved := p
	if _, virtual := st.corepkgs[p]; !virtual {
		resolved, _ = resolveExprPath(p)
	}
	if v, ok := st.importVals[resolved]; ok {
		return st.force(v, NoPos)
	}
	t := &Thunk{env: noEnv, code: &exprNative{fn: func(st *State) Value {
		fe, err := st.loadFile(resolved)
		if err != nil {
			st.raise(err)
		}
		ok := false
		defer func() {
			if !ok {
				st.addTrace(NoPos, "while evaluating the file '"+resolved+"':")
			}
		}()
		v := fe.expr.eval(st, st.baseEnv)
		ok = true
		return v
	}}}
	st.importVals[resolved] = t
	return st.force(t, NoPos)
}

// ScopedImport evaluates the file at path with the attributes of scope
// bound as variables (shadowing builtins); the result is not cached.
func (st *State) ScopedImport(scope *Attrs, p string, pos Pos) Value {
	resolved, _ := resolveExprPath(p)
	extra := make(map[string]Value, scope.Len())
	for _, a := range scope.attrs {
		extra[st.SymName(a.Name)] = a.Value
	}
	g := st.extendGlobals(extra)
	data, err := os.ReadFile(resolved)
	if err != nil {
		st.raise(st.ioError(resolved, err))
	}
	s := st.pos.add(resolved, resolved, string(data))
	e, perr := st.parseSource(s, filepath.Dir(resolved), g)
	if perr != nil {
		st.raise(perr)
	}
	return e.eval(st, g.env)
}

// FindFile resolves <name> against a lookup path (a list of {prefix,
// path} sets), as builtins.findFile does.
func (st *State) FindFile(entries []SearchPathEntry, name string, pos Pos) string {
	for _, e := range entries {
		suffix, ok := matchPrefix(e.Prefix, name)
		if !ok {
			continue
		}
		base := st.resolveSearchPathEntry(e.Path)
		if base == "" {
			continue
		}
		p := base
		if suffix != "" {
			p = filepath.Join(base, suffix)
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if rest, ok := strings.CutPrefix(name, "nix/"); ok {
		if _, found := st.corepkgs["<nix/"+rest+">"]; found {
			return "<nix/" + rest + ">"
		}
	}
	if st.opts.Pure {
		st.raise(st.Errorf(ErrThrown, "cannot look up '<%s>' in pure evaluation mode (use '--impure' to override)", name).At(pos))
	}
	st.raise(st.Errorf(ErrThrown, "file '%s' was not found in the Nix search path (add it using $NIX_PATH or -I)", name).At(pos))
	return ""
}

// matchPrefix reports whether a lookup path prefix matches name and
// returns the rest of the name.
func matchPrefix(prefix, name string) (string, bool) {
	if prefix == "" {
		return name, true
	}
	if name == prefix {
		return "", true
	}
	if strings.HasPrefix(name, prefix+"/") {
		return name[len(prefix)+1:], true
	}
	return "", false
}

// resolveSearchPathEntry turns a lookup path value into a directory
// (URLs and flake references are not supported: they need fetching).
func (st *State) resolveSearchPathEntry(p string) string {
	if strings.Contains(p, "://") || strings.HasPrefix(p, "flake:") || strings.HasPrefix(p, "channel:") {
		return ""
	}
	if !filepath.IsAbs(p) {
		abs, err := filepath.Abs(p)
		if err != nil {
			return ""
		}
		p = abs
	}
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// NixPathValue returns builtins.nixPath: the lookup path as a list of
// { path, prefix } sets.
func (st *State) NixPathValue() Value {
	elems := make([]Value, len(st.searchPath))
	for i, e := range st.searchPath {
		b := NewAttrsBuilder(2)
		b.Add(st.s.path, NewString(e.Path), NoPos)
		b.Add(st.s.prefix, NewString(e.Prefix), NoPos)
		elems[i] = b.Finish(NoPos)
	}
	return &List{Elems: elems}
}
