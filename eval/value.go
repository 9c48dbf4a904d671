package eval

import (
	"fmt"
	"sort"
)

// Value is a Nix value, or a Thunk that evaluates to one. The concrete
// types are Int, Float, Bool, Null, *String, Path, *List, *Attrs, *Lambda,
// *PrimOp, *PrimOpApp and *Thunk; the set is closed.
//
// Values are cells: storing the same Value in two places shares it, and
// two values are the same cell when they compare equal with Go's ==
// (this identity is what Nix's "value identity" shortcut and «repeated»
// printing observe).
type Value interface {
	// Kind returns the value's kind without forcing it.
	Kind() Kind
}

// Kind is the kind of a value.
type Kind uint8

// Value kinds.
const (
	KindThunk Kind = iota
	KindInt
	KindFloat
	KindBool
	KindNull
	KindString
	KindPath
	KindAttrs
	KindList
	KindLambda
	KindPrimOp
	KindPrimOpApp
)

// Int is a 64-bit integer.
type Int int64

// Float is a double-precision float.
type Float float64

// Bool is a Boolean.
type Bool bool

// Null is the null value.
type Null struct{}

// Path is an absolute, canonical filesystem path.
type Path string

// Kind implements Value.
func (Int) Kind() Kind { return KindInt }

// Kind implements Value.
func (Float) Kind() Kind { return KindFloat }

// Kind implements Value.
func (Bool) Kind() Kind { return KindBool }

// Kind implements Value.
func (Null) Kind() Kind { return KindNull }

// Kind implements Value.
func (Path) Kind() Kind { return KindPath }

// Kind implements Value.
func (*String) Kind() Kind { return KindString }

// Kind implements Value.
func (*List) Kind() Kind { return KindList }

// Kind implements Value.
func (*Attrs) Kind() Kind { return KindAttrs }

// Kind implements Value.
func (*Lambda) Kind() Kind { return KindLambda }

// Kind implements Value.
func (*PrimOp) Kind() Kind { return KindPrimOp }

// Kind implements Value.
func (*PrimOpApp) Kind() Kind { return KindPrimOpApp }

// Kind implements Value.
func (*Thunk) Kind() Kind { return KindThunk }

// String is a string with its context: the store paths it refers to.
type String struct {
	S   string
	ctx *Context
}

// NewString returns a string without context.
func NewString(s string) *String { return &String{S: s} }

// NewStringCtx returns a string with the given context (nil or empty for
// none).
func NewStringCtx(s string, ctx Context) *String {
	if len(ctx) == 0 {
		return &String{S: s}
	}
	c := ctx
	return &String{S: s, ctx: &c}
}

// Context returns the string's context (nil when it has none). The
// result must not be modified.
func (s *String) Context() Context {
	if s.ctx == nil {
		return nil
	}
	return *s.ctx
}

// HasContext reports whether the string has a non-empty context.
func (s *String) HasContext() bool { return s.ctx != nil && len(*s.ctx) > 0 }

// List is a list of values.
type List struct {
	Elems []Value
}

// NewList returns a list holding elems (not copied).
func NewList(elems []Value) *List { return &List{Elems: elems} }

// Lambda is a closure: a function expression with its environment.
type Lambda struct {
	Fn  *LambdaExpr
	Env *Env
}

// PrimOpFunc implements a builtin function. It receives its arguments
// (unforced) and the position of the call, and returns the result. It
// reports errors by panicking with *Error (through State.Raise and the
// Force helpers); the evaluator recovers them at its API boundary.
type PrimOpFunc func(st *State, pos Pos, args []Value) Value

// PrimOp is a builtin function.
type PrimOp struct {
	// Name is the builtin's name without the "__" prefix.
	Name string
	// Arity is the number of arguments the function takes.
	Arity int
	// Fn is the implementation.
	Fn PrimOpFunc
	// Doc is a short description, shown by the REPL.
	Doc string
	// NoTrace suppresses the "while calling the 'NAME' builtin" trace
	// line (Nix does this for a few builtins such as throw and abort).
	NoTrace bool
	// Strict declares that the builtin forces all its arguments to weak
	// head normal form, in order, before anything else observable; calls
	// that name it directly then evaluate the arguments eagerly instead
	// of allocating thunks for them.
	Strict bool
}

// PrimOpApp is a partially applied builtin.
type PrimOpApp struct {
	Op   *PrimOp
	Args []Value
}

// TypeName returns the name builtins.typeOf gives v's type (v must be
// forced).
func TypeName(v Value) string {
	switch v.Kind() {
	case KindInt:
		return "int"
	case KindFloat:
		return "float"
	case KindBool:
		return "bool"
	case KindNull:
		return "null"
	case KindString:
		return "string"
	case KindPath:
		return "path"
	case KindAttrs:
		return "set"
	case KindList:
		return "list"
	case KindLambda, KindPrimOp, KindPrimOpApp:
		return "lambda"
	}
	return "thunk"
}

// ShowType describes v's type as Nix's error messages do ("an integer",
// "a string with context", "the built-in function 'map'").
func ShowType(v Value) string {
	switch x := v.(type) {
	case Int:
		return "an integer"
	case Float:
		return "a float"
	case Bool:
		return "a Boolean"
	case Null:
		return "null"
	case *String:
		if x.HasContext() {
			return "a string with context"
		}
		return "a string"
	case Path:
		return "a path"
	case *Attrs:
		return "a set"
	case *List:
		return "a list"
	case *Lambda:
		return "a function"
	case *PrimOp:
		return fmt.Sprintf("the built-in function '%s'", x.Name)
	case *PrimOpApp:
		return fmt.Sprintf("the partially applied built-in function '%s'", x.Op.Name)
	case *Thunk:
		if v, ok := x.Evaluated(); ok {
			return ShowType(v)
		}
		if x.isBlackhole() {
			return "a black hole"
		}
		return "a thunk"
	}
	return "an unknown value"
}

// showKind describes a kind with its article, as showType(ValueType) does.
func showKind(k Kind) string {
	switch k {
	case KindInt:
		return "an integer"
	case KindFloat:
		return "a float"
	case KindBool:
		return "a Boolean"
	case KindNull:
		return "null"
	case KindString:
		return "a string"
	case KindPath:
		return "a path"
	case KindAttrs:
		return "a set"
	case KindList:
		return "a list"
	case KindLambda, KindPrimOp, KindPrimOpApp:
		return "a function"
	}
	return "a thunk"
}

// IsFunction reports whether a forced value can be called directly
// (lambda, primop or partial application).
func IsFunction(v Value) bool {
	switch v.Kind() {
	case KindLambda, KindPrimOp, KindPrimOpApp:
		return true
	}
	return false
}

// Context is a string context: the sorted, de-duplicated set of store
// references a string carries, each encoded as Nix encodes them:
// "/nix/store/…" (a plain path), "=/nix/store/….drv" (a derivation and
// its whole closure) or "!OUTPUT!/nix/store/….drv" (an output of a
// derivation).
type Context []string

// Merge returns the union of two contexts.
func (c Context) Merge(o Context) Context {
	if len(o) == 0 {
		return c
	}
	if len(c) == 0 {
		return o
	}
	out := make(Context, 0, len(c)+len(o))
	i, j := 0, 0
	for i < len(c) && j < len(o) {
		switch {
		case c[i] == o[j]:
			out = append(out, c[i])
			i++
			j++
		case c[i] < o[j]:
			out = append(out, c[i])
			i++
		default:
			out = append(out, o[j])
			j++
		}
	}
	out = append(out, c[i:]...)
	out = append(out, o[j:]...)
	return out
}

// contextBuilder accumulates a context.
type contextBuilder struct {
	ctx Context
}

func (b *contextBuilder) add(s *String) {
	if s.ctx != nil {
		b.ctx = b.ctx.Merge(*s.ctx)
	}
}

func (b *contextBuilder) addCtx(c Context) { b.ctx = b.ctx.Merge(c) }

// NewContext builds a context from elements in any order.
func NewContext(elems ...string) Context {
	if len(elems) == 0 {
		return nil
	}
	c := append(Context(nil), elems...)
	sortStrings(c)
	out := c[:1]
	for _, e := range c[1:] {
		if e != out[len(out)-1] {
			out = append(out, e)
		}
	}
	return out
}

func sortStrings(s []string) {
	// Insertion sort for the common tiny case, else the library sort.
	if len(s) < 12 {
		for i := 1; i < len(s); i++ {
			for j := i; j > 0 && s[j] < s[j-1]; j-- {
				s[j], s[j-1] = s[j-1], s[j]
			}
		}
		return
	}
	sort.Strings(s)
}
