package eval

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gonix/gonix/parser"
)

// PrintOptions controls Printer output (Nix's PrintOptions).
type PrintOptions struct {
	// Force evaluates values while printing.
	Force bool
	// DerivationPaths prints derivations as «derivation /nix/store/…».
	DerivationPaths bool
	// MaxDepth, MaxAttrs, MaxListItems and MaxStringLength limit the
	// output (0 = unlimited).
	MaxDepth, MaxAttrs, MaxListItems, MaxStringLength int
	// PrettyIndent > 0 prints multi-line output.
	PrettyIndent int
	// NoTrackRepeated disables «repeated» detection.
	NoTrackRepeated bool
}

// errorPrintOptions are the limits Nix uses for values in messages.
var errorPrintOptions = PrintOptions{MaxDepth: 10, MaxAttrs: 10, MaxListItems: 10, MaxStringLength: 1024}

// ErrorValue renders v for an error message (bounded, unforced).
func (st *State) ErrorValue(v Value) string {
	var b strings.Builder
	st.printValue(&b, v, errorPrintOptions)
	return b.String()
}

// PrintValue renders v as Nix's value printer does (the REPL and trace
// output).
func (st *State) PrintValue(v Value, opts PrintOptions) string {
	var b strings.Builder
	st.printValue(&b, v, opts)
	return b.String()
}

type printer struct {
	st          *State
	b           *strings.Builder
	opts        PrintOptions
	seen        map[any]bool
	totalAttrs  int
	totalItems  int
	indent      string
	maxDepth    int
	maxAttrs    int
	maxItems    int
	maxStrLen   int
	stopOnError bool
}

func unlimited(n int) int {
	if n <= 0 {
		return int(^uint(0) >> 1)
	}
	return n
}

func (st *State) printValue(b *strings.Builder, v Value, opts PrintOptions) {
	p := &printer{st: st, b: b, opts: opts,
		maxDepth: unlimited(opts.MaxDepth), maxAttrs: unlimited(opts.MaxAttrs),
		maxItems: unlimited(opts.MaxListItems), maxStrLen: unlimited(opts.MaxStringLength)}
	if !opts.NoTrackRepeated {
		p.seen = map[any]bool{}
	}
	p.print(v, nil, 0)
}

func (p *printer) space(pretty bool) {
	if pretty {
		p.b.WriteString("\n")
		p.b.WriteString(p.indent)
	} else {
		p.b.WriteString(" ")
	}
}

func (p *printer) elided(n int, single, plural string) {
	if n == 1 {
		fmt.Fprintf(p.b, "«1 %s elided»", single)
	} else {
		fmt.Fprintf(p.b, "«%d %s elided»", n, plural)
	}
}

// print prints v; cell is the stored value v came from (for «repeated»
// detection of lists), nil at the top.
func (p *printer) print(v Value, cell Value, depth int) {
	st := p.st
	if depth > st.maxCallDepth {
		st.raise(&Error{Kind: ErrStackOverflow, Msg: "stack overflow; max-call-depth exceeded"})
	}
	if p.opts.Force {
		var failed *Error
		func() {
			failed = st.TryCatch(func() { v = st.force(v, NoPos) }, func(e *Error) bool { return e.Kind != ErrStackOverflow })
		}()
		if failed != nil {
			p.b.WriteString("«error: " + failed.Msg + "»")
			return
		}
	}
	if t, ok := v.(*Thunk); ok {
		if val, done := t.Evaluated(); done {
			v = val
		} else {
			if t.isBlackhole() {
				p.b.WriteString("«potential infinite recursion»")
			} else {
				p.b.WriteString("«thunk»")
			}
			return
		}
	}
	switch x := v.(type) {
	case Int:
		p.b.WriteString(strconv.FormatInt(int64(x), 10))
	case Float:
		p.b.WriteString(parser.FormatFloat(float64(x)))
	case Bool:
		if x {
			p.b.WriteString("true")
		} else {
			p.b.WriteString("false")
		}
	case Null:
		p.b.WriteString("null")
	case *String:
		parser.PrintLiteralStringMax(p.b, x.S, p.maxStrLen)
	case Path:
		p.b.WriteString(string(x))
	case *Attrs:
		p.printAttrs(x, depth)
	case *List:
		p.printList(x, cell, depth)
	case *Lambda:
		p.b.WriteString("«lambda")
		if x.Fn.Name != "" {
			p.b.WriteString(" " + x.Fn.Name)
		}
		p.b.WriteString(" @ " + st.Locate(x.Fn.Pos).String() + "»")
	case *PrimOp:
		p.b.WriteString("«primop " + x.Name + "»")
	case *PrimOpApp:
		p.b.WriteString("«partially applied primop " + x.Op.Name + "»")
	default:
		p.b.WriteString("«unknown»")
	}
}

func (p *printer) printAttrs(a *Attrs, depth int) {
	st := p.st
	if p.seen != nil {
		if p.seen[a] {
			p.b.WriteString("«repeated»")
			return
		}
		p.seen[a] = true
	}
	if p.opts.Force && p.opts.DerivationPaths && st.isDerivation(a) {
		p.b.WriteString("«derivation")
		if dp := a.Get(st.s.drvPath); dp != nil {
			if s, ok := st.force(dp.Value, dp.Pos).(*String); ok {
				p.b.WriteString(" " + s.S)
			}
		}
		p.b.WriteString("»")
		return
	}
	if depth >= p.maxDepth {
		p.b.WriteString("{ ... }")
		return
	}
	p.indent += strings.Repeat(" ", p.opts.PrettyIndent)
	p.b.WriteString("{")
	type entry struct {
		name string
		v    Value
	}
	sorted := make([]entry, len(a.attrs))
	for i, at := range a.attrs {
		sorted[i] = entry{st.SymName(at.Name), at.Value}
	}
	limited := p.opts.MaxAttrs > 0
	sort.SliceStable(sorted, func(i, j int) bool {
		if limited {
			ii := sorted[i].name == "type" || sorted[i].name == "_type"
			jj := sorted[j].name == "type" || sorted[j].name == "_type"
			if ii != jj {
				return ii
			}
		}
		return sorted[i].name < sorted[j].name
	})
	pretty := p.opts.PrettyIndent > 0 && len(sorted) > 0 &&
		(len(sorted) > 1 || p.isNested(sorted[0].v))
	current := 0
	for _, e := range sorted {
		p.space(pretty)
		if p.totalAttrs >= p.maxAttrs {
			p.elided(len(sorted)-current, "attribute", "attributes")
			break
		}
		p.b.WriteString(parser.PrintIdentifier(e.name))
		p.b.WriteString(" = ")
		p.print(e.v, e.v, depth+1)
		p.b.WriteString(";")
		p.totalAttrs++
		current++
	}
	p.indent = p.indent[:len(p.indent)-p.opts.PrettyIndent]
	p.space(pretty)
	p.b.WriteString("}")
}

// isNested decides whether a single item makes a set or list print over
// several lines.
func (p *printer) isNested(v Value) bool {
	v = p.st.force(v, NoPos)
	switch v.(type) {
	case *List, *Attrs:
		return true
	}
	return false
}

func (p *printer) printList(l *List, cell Value, depth int) {
	if p.seen != nil && len(l.Elems) > 0 && cell != nil {
		if p.seen[cell] {
			p.b.WriteString("«repeated»")
			return
		}
		p.seen[cell] = true
	}
	if depth >= p.maxDepth {
		p.b.WriteString("[ ... ]")
		return
	}
	p.indent += strings.Repeat(" ", p.opts.PrettyIndent)
	p.b.WriteString("[")
	pretty := p.opts.PrettyIndent > 0 && len(l.Elems) > 0 &&
		(len(l.Elems) > 1 || p.isNested(l.Elems[0]))
	current := 0
	for _, e := range l.Elems {
		p.space(pretty)
		if p.totalItems >= p.maxItems {
			p.elided(len(l.Elems)-current, "item", "items")
			break
		}
		p.print(e, e, depth+1)
		p.totalItems++
		current++
	}
	p.indent = p.indent[:len(p.indent)-p.opts.PrettyIndent]
	p.space(pretty)
	p.b.WriteString("]")
}

// WriteAmbiguous prints v the way nix-instantiate --eval prints results
// (Nix's printAmbiguous): unevaluated values as <CODE>, functions as
// <LAMBDA>, <PRIMOP> and <PRIMOP-APP>, sets and lists already printed as
// «repeated». It collects the string context of printed strings into
// ctx when ctx is not nil.
func (st *State) WriteAmbiguous(b *strings.Builder, v Value, ctx *Context) {
	seen := map[any]bool{}
	st.printAmbiguous(b, v, nil, seen, ctx, 0)
}

func (st *State) printAmbiguous(b *strings.Builder, v Value, cell Value, seen map[any]bool, ctx *Context, depth int) {
	if depth > st.maxCallDepth {
		st.raise(&Error{Kind: ErrStackOverflow, Msg: "stack overflow; max-call-depth exceeded"})
	}
	if t, ok := v.(*Thunk); ok {
		val, done := t.Evaluated()
		if !done {
			if t.isBlackhole() {
				b.WriteString("«potential infinite recursion»")
			} else {
				b.WriteString("<CODE>")
			}
			return
		}
		v = val
	}
	switch x := v.(type) {
	case Int:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case Float:
		b.WriteString(parser.FormatFloat(float64(x)))
	case Bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case Null:
		b.WriteString("null")
	case *String:
		parser.PrintLiteralString(b, x.S)
		if ctx != nil {
			*ctx = ctx.Merge(x.Context())
		}
	case Path:
		b.WriteString(string(x))
	case *Attrs:
		if len(x.attrs) > 0 && seen[x] {
			b.WriteString("«repeated»")
			return
		}
		if len(x.attrs) > 0 {
			seen[x] = true
		}
		b.WriteString("{ ")
		for _, i := range st.lexicographic(x) {
			a := &x.attrs[i]
			b.WriteString(parser.PrintIdentifier(st.SymName(a.Name)))
			b.WriteString(" = ")
			st.printAmbiguous(b, a.Value, a.Value, seen, ctx, depth+1)
			b.WriteString("; ")
		}
		b.WriteString("}")
	case *List:
		if len(x.Elems) > 0 && cell != nil {
			if seen[cell] {
				b.WriteString("«repeated»")
				return
			}
			seen[cell] = true
		}
		b.WriteString("[ ")
		for _, e := range x.Elems {
			st.printAmbiguous(b, e, e, seen, ctx, depth+1)
			b.WriteString(" ")
		}
		b.WriteString("]")
	case *Lambda:
		b.WriteString("<LAMBDA>")
	case *PrimOp:
		b.WriteString("<PRIMOP>")
	case *PrimOpApp:
		b.WriteString("<PRIMOP-APP>")
	}
}
