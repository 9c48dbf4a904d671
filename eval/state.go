package eval

import (
	"io"
	"os"
	"sort"
	"strings"

	"github.com/gonix/gonix/parser"
)

// Options configures a State.
type Options struct {
	// SearchPath lists the entries of the lookup path in order: -I
	// arguments first, then NIX_PATH's. Each is "prefix=path" or "path".
	SearchPath []string
	// ShowTrace adds the per-call trace lines Nix adds with --show-trace.
	ShowTrace bool
	// MaxCallDepth bounds the function call depth (Nix's max-call-depth;
	// 0 means 10000).
	MaxCallDepth int
	// Pure enables pure evaluation mode (no currentSystem, currentTime,
	// getEnv, search path).
	Pure bool
	// ExperimentalFeatures are the enabled experimental features.
	ExperimentalFeatures []string
	// Stderr receives trace and warning output (default os.Stderr).
	Stderr io.Writer
	// Getenv looks up environment variables (default os.LookupEnv).
	Getenv func(string) (string, bool)
	// Home is the home directory for ~/ paths (default $HOME).
	Home string
	// CurrentSystem is builtins.currentSystem (default x86_64-linux on
	// amd64 Linux).
	CurrentSystem string
	// NixVersion is builtins.nixVersion.
	NixVersion string
	// StoreDir is the store directory (default /nix/store, or
	// $NIX_STORE_DIR).
	StoreDir string
	// Lints sets the optional literal lints of the parser.
	Lints parser.Lints
	// AbortOnWarn makes builtins.warn fail (Nix's abort-on-warn).
	AbortOnWarn bool
	// TraceVerbose enables builtins.traceVerbose.
	TraceVerbose bool
	// MaxListSize, when positive, bounds the size of lists builtins
	// create in one go (genList), for resource-limited evaluation.
	MaxListSize int
	// Store provides the store operations evaluation needs; nil means no
	// store: paths are hashed but not copied, and store-only builtins
	// fail.
	Store Store
}

// Store is the hook through which the evaluator reaches the store.
type Store interface {
	// CopyPathToStore adds the file or directory at path to the store
	// (or, in read-only mode, only computes where it would go) and
	// returns the store path.
	CopyPathToStore(st *State, path string) (string, error)
	// Realise builds or substitutes what a string context refers to, so
	// that the paths can be read (import from derivation).
	Realise(st *State, ctx Context) error
}

// State is an evaluator: symbols, sources, the base environment of
// builtins, caches, and the settings of one evaluation. A State is not
// safe for concurrent use.
type State struct {
	opts Options
	syms *symbolTable
	pos  *posTable

	// base environment: builtins by global name.
	baseEnv     *Env
	globalNames []string       // sorted
	globalSlot  map[string]int // name -> slot in baseEnv
	builtins    *Attrs
	primops     map[string]*PrimOp

	// parse and evaluation caches, by absolute path.
	fileCache  map[string]*fileEntry
	importVals map[string]Value

	searchPath []SearchPathEntry

	// error propagation
	pending *Error

	// argStack holds the arguments of running builtins.
	argStack []Value
	// envPools holds released environments by number of slots (see
	// Env).
	envPools [maxPooledSlots + 1][]*Env

	callDepth    int
	maxCallDepth int
	goDepth      int
	maxGoDepth   int

	// Steps, when MaxSteps > 0, counts evaluation steps and aborts when
	// the limit is reached (used by the fuzzer).
	steps, maxSteps int64

	features map[string]bool
	s        commonSymbols

	// Extension point for packages outside eval (builtins) that need per
	// State caches, keyed by any comparable value.
	ext map[any]any

	internal map[string]*Source // «nix-internal» sources by name
	corepkgs map[string]string  // <nix/NAME> sources by path
}

// commonSymbols are symbols the evaluator uses itself.
type commonSymbols struct {
	outPath, drvPath, typ, functor, toString, file, line, column, name, value,
	body, overrides, derivation, outputName, key, operator, startSet, right, wrong,
	success, prefix, path, ignoreNulls, outputs, sub, lessThan, mul, div, findFile,
	nixPath, or, sep Symbol
}

type fileEntry struct {
	src  *Source
	tree *parser.Tree
	expr Expr
	err  *Error
}

// SearchPathEntry is one element of the lookup path.
type SearchPathEntry struct {
	Prefix string
	Path   string
}

// New creates a State with the builtins the registrars add.
func New(opts Options, registrars ...func(*Registry)) *State {
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	if opts.Getenv == nil {
		opts.Getenv = os.LookupEnv
	}
	if opts.Home == "" {
		opts.Home, _ = opts.Getenv("HOME")
	}
	if opts.StoreDir == "" {
		if d, ok := opts.Getenv("NIX_STORE_DIR"); ok && d != "" {
			opts.StoreDir = d
		} else {
			opts.StoreDir = "/nix/store"
		}
	}
	if opts.CurrentSystem == "" {
		opts.CurrentSystem = defaultSystem()
	}
	if opts.NixVersion == "" {
		opts.NixVersion = "2.36.0"
	}
	st := &State{
		opts:       opts,
		syms:       newSymbolTable(),
		pos:        newPosTable(),
		fileCache:  map[string]*fileEntry{},
		importVals: map[string]Value{},
		primops:    map[string]*PrimOp{},
		features:   map[string]bool{},
		ext:        map[any]any{},
		internal:   map[string]*Source{},
		corepkgs:   map[string]string{},
	}
	st.maxCallDepth = opts.MaxCallDepth
	if st.maxCallDepth <= 0 {
		st.maxCallDepth = 10000
	}
	st.maxGoDepth = maxGoDepth
	for _, f := range opts.ExperimentalFeatures {
		st.features[f] = true
	}
	st.initSymbols()
	if !opts.Pure {
		st.searchPath = parseSearchPath(opts.SearchPath)
	}
	r := &Registry{st: st}
	for _, reg := range registrars {
		reg(r)
	}
	st.buildBaseEnv(r)
	return st
}

// defaultSystem returns the Nix system string of this machine.
func defaultSystem() string {
	return goSystem()
}

func (st *State) initSymbols() {
	s := &st.s
	for _, x := range []struct {
		p    *Symbol
		name string
	}{
		{&s.outPath, "outPath"}, {&s.drvPath, "drvPath"}, {&s.typ, "type"}, {&s.functor, "__functor"},
		{&s.toString, "__toString"}, {&s.file, "file"}, {&s.line, "line"}, {&s.column, "column"},
		{&s.name, "name"}, {&s.value, "value"}, {&s.body, "body"}, {&s.overrides, "__overrides"},
		{&s.derivation, "derivation"}, {&s.outputName, "outputName"}, {&s.key, "key"},
		{&s.operator, "operator"}, {&s.startSet, "startSet"}, {&s.right, "right"}, {&s.wrong, "wrong"},
		{&s.success, "success"}, {&s.prefix, "prefix"}, {&s.path, "path"}, {&s.ignoreNulls, "__ignoreNulls"},
		{&s.outputs, "outputs"}, {&s.sub, "__sub"}, {&s.lessThan, "__lessThan"}, {&s.mul, "__mul"},
		{&s.div, "__div"}, {&s.findFile, "__findFile"}, {&s.nixPath, "__nixPath"}, {&s.or, "or"},
		{&s.sep, "sep"},
	} {
		*x.p = st.syms.intern(x.name)
	}
}

// Sym interns a name.
func (st *State) Sym(name string) Symbol { return st.syms.intern(name) }

// SymName returns the name of a symbol.
func (st *State) SymName(s Symbol) string { return st.syms.name(s) }

// Options returns the State's options.
func (st *State) Options() Options { return st.opts }

// Feature reports whether an experimental feature is enabled.
func (st *State) Feature(name string) bool { return st.features[name] }

// Ext returns a per-State value for key, creating it with mk on first use.
// Packages that extend the evaluator (builtins) keep their caches here.
func (st *State) Ext(key any, mk func() any) any {
	if v, ok := st.ext[key]; ok {
		return v
	}
	v := mk()
	st.ext[key] = v
	return v
}

// Stderr returns where traces and warnings go.
func (st *State) Stderr() io.Writer { return st.opts.Stderr }

// Getenv looks up an environment variable.
func (st *State) Getenv(name string) (string, bool) { return st.opts.Getenv(name) }

// Store returns the store hook (nil when there is none).
func (st *State) Store() Store { return st.opts.Store }

// StoreDir returns the store directory.
func (st *State) StoreDir() string { return st.opts.StoreDir }

// SearchPath returns the lookup path.
func (st *State) SearchPath() []SearchPathEntry { return st.searchPath }

// Builtins returns the builtins attribute set.
func (st *State) Builtins() *Attrs { return st.builtins }

// parseSearchPath splits lookup path elements (prefix=path or path). A
// NIX_PATH-style colon-separated string may also be passed as one
// element.
func parseSearchPath(elems []string) []SearchPathEntry {
	var out []SearchPathEntry
	for _, e := range elems {
		for _, part := range splitNixPath(e) {
			if part == "" {
				continue
			}
			if i := strings.IndexByte(part, '='); i >= 0 {
				out = append(out, SearchPathEntry{Prefix: part[:i], Path: part[i+1:]})
			} else {
				out = append(out, SearchPathEntry{Path: part})
			}
		}
	}
	return out
}

// splitNixPath splits a NIX_PATH value on colons, except the colon of a
// URL scheme ("https://").
func splitNixPath(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != ':' {
			continue
		}
		if strings.HasPrefix(s[i:], "://") {
			continue
		}
		out = append(out, s[start:i])
		start = i + 1
	}
	return append(out, s[start:])
}

// Registry collects the builtins of a State while it is created.
type Registry struct {
	st      *State
	entries []regEntry
}

type regEntry struct {
	name   string // without "__"
	global bool   // bound as NAME rather than __NAME in the base scope
	val    Value
	lazy   func(st *State) Value
	nix    string // Nix source evaluated after the base env exists
}

// nixGlobals are the builtins Nix binds in the base scope under their
// plain name; every other builtin is bound as __name.
var nixGlobals = map[string]bool{
	"abort": true, "baseNameOf": true, "break": true, "builtins": true, "derivation": true,
	"derivationStrict": true, "dirOf": true, "false": true, "fetchGit": true,
	"fetchMercurial": true, "fetchTarball": true, "fetchTree": true, "fromTOML": true,
	"import": true, "isNull": true, "map": true, "null": true, "placeholder": true,
	"removeAttrs": true, "scopedImport": true, "throw": true, "toString": true, "true": true,
}

// State returns the State being created (for builtins that need symbols
// while registering).
func (r *Registry) State() *State { return r.st }

// PrimOp registers a builtin function. Registering a name again replaces
// the earlier registration.
func (r *Registry) PrimOp(p *PrimOp) {
	r.add(regEntry{name: p.Name, global: nixGlobals[p.Name], val: p})
}

// Constant registers a builtin constant.
func (r *Registry) Constant(name string, v Value) {
	r.add(regEntry{name: name, global: nixGlobals[name], val: v})
}

// Lazy registers a builtin whose value is computed on first use.
func (r *Registry) Lazy(name string, f func(st *State) Value) {
	r.add(regEntry{name: name, global: nixGlobals[name], lazy: f})
}

// NixExpr registers a builtin defined by a Nix expression (for example
// derivation, written on top of derivationStrict). The source is
// evaluated in the base environment with origin «nix-internal»/FILE.
func (r *Registry) NixExpr(name, file, src string) {
	r.add(regEntry{name: name, global: nixGlobals[name], nix: file + "\x00" + src})
}

// CorePackage registers a file reachable as <nix/NAME> (Nix's corepkgs,
// such as fetchurl.nix).
func (r *Registry) CorePackage(name, src string) { r.st.corepkgs["<nix/"+name+">"] = src }

// Remove drops a registered builtin (for feature-gated ones).
func (r *Registry) Remove(name string) {
	for i, e := range r.entries {
		if e.name == name {
			r.entries = append(r.entries[:i], r.entries[i+1:]...)
			return
		}
	}
}

// Has reports whether a builtin is registered.
func (r *Registry) Has(name string) bool {
	for _, e := range r.entries {
		if e.name == name {
			return true
		}
	}
	return false
}

func (r *Registry) add(e regEntry) {
	for i := range r.entries {
		if r.entries[i].name == e.name {
			r.entries[i] = e
			return
		}
	}
	r.entries = append(r.entries, e)
}

// buildBaseEnv creates the builtins set and the base environment.
func (st *State) buildBaseEnv(r *Registry) {
	type slotVal struct {
		name string
		val  Value
	}
	var globals []slotVal
	b := NewAttrsBuilder(len(r.entries) + 1)
	var nixEntries []*regEntry
	var nixThunks []*Thunk
	for i := range r.entries {
		e := &r.entries[i]
		v := e.val
		switch {
		case e.lazy != nil:
			f := e.lazy
			v = NewLazy(f)
		case e.nix != "":
			t := NewLazy(func(st *State) Value { return Null{} })
			nixEntries = append(nixEntries, e)
			nixThunks = append(nixThunks, t)
			v = t
		}
		if p, ok := v.(*PrimOp); ok {
			st.primops[p.Name] = p
		}
		b.Add(st.syms.intern(e.name), v, NoPos)
		gname := "__" + e.name
		if e.global {
			gname = e.name
		}
		globals = append(globals, slotVal{gname, v})
	}
	builtinsThunk := &Thunk{}
	b.Add(st.syms.intern("builtins"), builtinsThunk, NoPos)
	globals = append(globals, slotVal{"builtins", builtinsThunk})
	st.builtins = b.Finish(NoPos)
	builtinsThunk.code = st.builtins
	sort.SliceStable(globals, func(i, j int) bool { return globals[i].name < globals[j].name })
	st.globalSlot = make(map[string]int, len(globals))
	env := &Env{Vals: make([]Value, 0, len(globals))}
	for _, g := range globals {
		if _, dup := st.globalSlot[g.name]; dup {
			continue
		}
		st.globalSlot[g.name] = len(env.Vals)
		st.globalNames = append(st.globalNames, g.name)
		env.Vals = append(env.Vals, g.val)
	}
	st.baseEnv = env
	// Builtins written in Nix are evaluated lazily in the base env.
	for i, e := range nixEntries {
		file, src, _ := strings.Cut(e.nix, "\x00")
		t := nixThunks[i]
		t.code = &exprNative{fn: func(st *State) Value {
			return st.evalInternal(file, src)
		}}
	}
}

// exprNative is an expression implemented in Go (lazy builtins).
type exprNative struct {
	fn func(st *State) Value
}

func (e *exprNative) eval(st *State, env *Env) Value { return st.force(e.fn(st), NoPos) }
func (e *exprNative) getPos() Pos                    { return NoPos }

// evalInternal parses and evaluates a «nix-internal» source.
func (st *State) evalInternal(file, src string) Value {
	s, ok := st.internal[file]
	if !ok {
		s = st.pos.add("«nix-internal»/"+file, "", src)
		st.internal[file] = s
	}
	tree := parser.ParseString(src, parser.Options{Name: s.Origin})
	if len(tree.Errors) > 0 {
		st.raise(st.parseError(s, tree))
	}
	e, undef := st.compileTree(s, tree, "/", nil)
	if len(undef) > 0 {
		st.Fail(s.at(undef[0].Start()), "undefined variable '%s'", undef[0].Name())
	}
	return e.eval(st, st.baseEnv)
}

// IsInternalPos reports whether p lies in a «nix-internal» source.
func (st *State) IsInternalPos(p Pos) bool {
	s, _ := st.pos.source(p)
	return s != nil && strings.HasPrefix(s.Origin, "«nix-internal»")
}
