package eval

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gonix/gonix/parser"
)

// Run runs f, which may use the panicking helpers (Force*, CallFunction,
// Raise), and returns any evaluation error as an error (an *Error).
func (st *State) Run(f func()) error { return st.catch(f) }

// EvalFile evaluates a file like import does (cached per path) and
// returns its value in weak head normal form.
func (st *State) EvalFile(path string) (v Value, err error) {
	abs, aerr := filepath.Abs(path)
	if aerr != nil {
		return nil, aerr
	}
	err = st.catch(func() { v = st.ImportPath(abs, NoPos) })
	return v, err
}

// ParseString parses and compiles source text without evaluating it.
// origin is how positions print («string», «stdin», or a path); baseDir
// resolves relative path literals.
func (st *State) ParseString(src, origin, baseDir string) (*Program, error) {
	s := st.pos.add(origin, "", src)
	e, perr := st.parseSource(s, baseDir, nil)
	if perr != nil {
		return nil, perr
	}
	return &Program{expr: e, env: st.baseEnv}, nil
}

// Program is a compiled expression ready to evaluate.
type Program struct {
	expr Expr
	env  *Env
}

// Eval evaluates a compiled program to weak head normal form.
func (st *State) Eval(p *Program) (v Value, err error) {
	err = st.catch(func() { v = p.expr.eval(st, p.env) })
	return v, err
}

// EvalString parses and evaluates source text (origin «string» for -E).
func (st *State) EvalString(src, origin, baseDir string) (Value, error) {
	p, err := st.ParseString(src, origin, baseDir)
	if err != nil {
		return nil, err
	}
	return st.Eval(p)
}

// EvalStringWith evaluates source text with extra variables in scope
// (shadowing builtins), as the REPL does.
func (st *State) EvalStringWith(src, origin, baseDir string, vars map[string]Value) (v Value, err error) {
	s := st.pos.add(origin, "", src)
	g := st.extendGlobals(vars)
	e, perr := st.parseSource(s, baseDir, g)
	if perr != nil {
		return nil, perr
	}
	err = st.catch(func() { v = e.eval(st, g.env) })
	return v, err
}

// ForceValue forces v to weak head normal form.
func (st *State) ForceValue(v Value) (r Value, err error) {
	err = st.catch(func() { r = st.force(v, NoPos) })
	return r, err
}

// ForceDeep forces v and everything it contains (as --strict and
// deepSeq do).
func (st *State) ForceDeep(v Value) error {
	return st.catch(func() { st.ForceValueDeep(v) })
}

// Call applies a function to arguments.
func (st *State) Call(fn Value, args ...Value) (r Value, err error) {
	err = st.catch(func() { r = st.callFunction(fn, args, NoPos) })
	return r, err
}

// ForceValueDeep forces v recursively (panicking helper for builtins).
func (st *State) ForceValueDeep(v Value) {
	var seen deepSeen
	st.forceDeep(v, &seen)
}

// deepSeen records the sets and lists ForceValueDeep has entered, so
// that shared and cyclic structures are traversed once.
type deepSeen struct {
	attrs map[*Attrs]struct{}
	lists map[*List]struct{}
}

// isLeaf reports whether v is evaluated and has nothing to force inside.
func isLeaf(v Value) bool {
	if t, ok := v.(*Thunk); ok {
		if t.env != nil {
			return false
		}
		v = t.code
	}
	switch v.(type) {
	case *Attrs, *List:
		return false
	}
	return true
}

func (st *State) forceDeep(v Value, seen *deepSeen) {
	pos := st.determinePos(v, NoPos)
	st.enterCall(pos)
	fv := st.force(v, pos)
	switch x := fv.(type) {
	case *Attrs:
		if len(x.attrs) == 0 {
			break
		}
		if _, ok := seen.attrs[x]; ok {
			break
		}
		if seen.attrs == nil {
			seen.attrs = map[*Attrs]struct{}{}
		}
		seen.attrs[x] = struct{}{}
		for i := range x.attrs {
			a := &x.attrs[i]
			if isLeaf(a.Value) {
				continue
			}
			func() {
				ok := false
				defer func() {
					if !ok {
						st.addTrace(a.Pos, "while evaluating the attribute '"+st.showSym(a.Name)+"'")
					}
				}()
				st.forceDeep(a.Value, seen)
				ok = true
			}()
		}
	case *List:
		if len(x.Elems) == 0 {
			break
		}
		if _, ok := seen.lists[x]; ok {
			break
		}
		if seen.lists == nil {
			seen.lists = map[*List]struct{}{}
		}
		seen.lists[x] = struct{}{}
		for i, e := range x.Elems {
			if isLeaf(e) {
				continue
			}
			func() {
				ok := false
				defer func() {
					if !ok {
						st.addTrace(NoPos, fmt.Sprintf("while evaluating list element at index %d", i))
					}
				}()
				st.forceDeep(e, seen)
				ok = true
			}()
		}
	}
	st.callDepth--
}

// determinePos is Nix's Value::determinePos: the position of a set or
// function, else fallback.
func (st *State) determinePos(v Value, fallback Pos) Pos {
	switch x := v.(type) {
	case *Attrs:
		return x.Pos
	case *Lambda:
		return x.Fn.Pos
	case *Thunk:
		if val, ok := x.Evaluated(); ok {
			return st.determinePos(val, fallback)
		}
		if fn := pendingFunction(x.code); fn != nil {
			return st.determinePos(fn, fallback)
		}
	}
	return fallback
}

// AutoCall calls a function whose formals have defaults or are supplied
// by args (nix-instantiate's --arg/--argstr); other values are returned
// as they are. Functor sets are called with their argument first.
func (st *State) AutoCall(v Value, args *Attrs) (r Value, err error) {
	err = st.catch(func() { r = st.autoCall(v, args) })
	return r, err
}

func (st *State) autoCall(fn Value, args *Attrs) Value {
	pos := st.determinePos(fn, NoPos)
	fn = st.force(fn, pos)
	if as, ok := fn.(*Attrs); ok {
		if f := as.Get(st.s.functor); f != nil {
			v := st.callFunction(f.Value, []Value{fn}, pos)
			return st.autoCall(v, args)
		}
	}
	lam, ok := fn.(*Lambda)
	if !ok || !lam.Fn.HasFormals {
		return fn
	}
	b := NewAttrsBuilder(len(lam.Fn.Formals))
	if lam.Fn.Ellipsis {
		for _, a := range args.attrs {
			b.Add(a.Name, a.Value, a.Pos)
		}
	} else {
		for _, fm := range lam.Fn.Formals {
			if a := args.Get(fm.Name); a != nil {
				b.Add(a.Name, a.Value, a.Pos)
			} else if fm.Default == nil {
				st.raise(st.Errorf(ErrMissingArgument, `cannot evaluate a function that has an argument without a value ('%s')
Nix attempted to evaluate a function as a top level expression; in
this case it must have its arguments supplied either by default
values, or passed explicitly with '--arg' or '--argstr'. See
https://nix.dev/manual/nix/stable/language/syntax.html#functions.`, fm.NameStr).At(fm.Pos))
			}
		}
	}
	return st.callFunction(fn, []Value{b.Finish(NoPos)}, pos)
}

// FindAttrPath selects an attribute path ("a.b.0.c"; numbers index
// lists) from v, auto-calling functions on the way, as -A does.
func (st *State) FindAttrPath(v Value, attrPath string, args *Attrs) (r Value, err error) {
	err = st.catch(func() { r = st.findAlongAttrPath(v, attrPath, args) })
	return r, err
}

func (st *State) findAlongAttrPath(v Value, attrPath string, args *Attrs) Value {
	if attrPath == "" {
		return v
	}
	for _, part := range parseAttrPath(attrPath) {
		v = st.autoCall(v, args)
		v = st.force(v, NoPos)
		if n, isNum := parseIndex(part); isNum {
			l, ok := v.(*List)
			if !ok {
				st.raise(st.Errorf(ErrType, "the expression selected by the selection path '%s' should be a list but is %s", attrPath, showKind(v.Kind())))
			}
			if n >= len(l.Elems) {
				st.raise(st.Errorf(ErrEval, "list index %d in selection path '%s' is out of range", n, attrPath))
			}
			v = l.Elems[n]
			continue
		}
		as, ok := v.(*Attrs)
		if !ok {
			st.raise(st.Errorf(ErrType, "the expression selected by the selection path '%s' should be a set but is %s", attrPath, showKind(v.Kind())))
		}
		if part == "" {
			st.raise(st.Errorf(ErrEval, "empty attribute name in selection path '%s'", attrPath))
		}
		a := as.Get(st.Sym(part))
		if a == nil {
			st.raise(st.Errorf(ErrEval, "attribute '%s' in selection path '%s' not found", part, attrPath))
		}
		v = a.Value
	}
	return v
}

func parseIndex(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseAttrPath splits an attribute path on dots outside double quotes.
func parseAttrPath(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '.' && !inQuote:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(out, cur.String())
}

// FormatError renders an evaluation error as Nix prints it; other errors
// are printed as "error: MESSAGE".
func (st *State) FormatError(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Format(st.opts.ShowTrace)
	}
	return "error: " + err.Error() + "\n"
}

// Cwd returns the working directory (the base for -E expressions).
func Cwd() string {
	wd, err := os.Getwd()
	if err != nil {
		return "/"
	}
	return wd
}

// DeterminePos returns the position of a set or function value (or of
// the function of a pending application), else fallback.
func (st *State) DeterminePos(v Value, fallback Pos) Pos { return st.determinePos(v, fallback) }

// GetAttr returns attribute name of as, raising "attribute 'name'
// missing" (with the trace line ctx) when it is absent.
func (st *State) GetAttr(as *Attrs, name Symbol, ctx string) *Attr {
	if a := as.Get(name); a != nil {
		return a
	}
	st.raise(st.Errorf(ErrType, "attribute '%s' missing", st.showSym(name)).WithTrace(NoPos, ctx))
	return nil
}

// Warn prints an evaluation warning like builtins.warn does.
func (st *State) Warn(msg string, noIndent bool) {
	const prefix = "evaluation warning: "
	if noIndent {
		fmt.Fprint(st.opts.Stderr, "evaluation warning:"+strings.TrimRight(msg, " \t\n\r")+"\n")
		return
	}
	fmt.Fprint(st.opts.Stderr, formatDiagnostic(prefix, msg, NoPos, nil, nil, true, st.pos))
}

// FormatFloat formats a float as Nix prints it (%g, six digits).
func FormatFloat(f float64) string { return parser.FormatFloat(f) }

// EvalTopFile parses and evaluates a file given on the command line
// (not through the import cache, as nix-instantiate does).
func (st *State) EvalTopFile(path string) (v Value, err error) {
	resolved, _ := resolveExprPath(path)
	fe, perr := st.loadFile(resolved)
	if perr != nil {
		return nil, perr
	}
	err = st.catch(func() { v = fe.expr.eval(st, st.baseEnv) })
	return v, err
}

// Lazy returns a thunk that evaluates a compiled program when forced.
func (st *State) Lazy(p *Program) Value { return &Thunk{code: p.expr, env: p.env} }

// EnterCall counts a level of call depth (failing past max-call-depth);
// pair with LeaveCall on normal return. Builtins that recurse over
// values use it so deep structures fail cleanly.
func (st *State) EnterCall(pos Pos) { st.enterCall(pos) }

// LeaveCall undoes EnterCall.
func (st *State) LeaveCall() { st.callDepth-- }

// ShowSymbol renders a symbol as Nix prints names in messages (quoted
// when not an identifier).
func (st *State) ShowSymbol(s Symbol) string { return st.showSym(s) }

// AddTraceOnError adds a trace line to the error currently propagating
// (call it from a deferred function while unwinding).
func (st *State) AddTraceOnError(pos Pos, msg string) { st.addTrace(pos, msg) }
