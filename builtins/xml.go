package builtins

import (
	"sort"
	"strconv"
	"strings"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("xml", 0, registerXML) }

func registerXML(r *eval.Registry) {
	prim(r, "toXML", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		s := toXML(st, args[0], true, false, &ctx)
		return eval.NewStringCtx(s, ctx)
	})
}

// XML serialises v in Nix's XML format (nix-instantiate --xml); strict
// forces deeply, location adds source positions.
func XML(st *eval.State, v eval.Value, strict, location bool) string {
	return toXML(st, v, strict, location, nil)
}

func toXML(st *eval.State, v eval.Value, strict, location bool, ctx *eval.Context) string {
	w := &xmlWriter{st: st, strict: strict, location: location, ctx: ctx, drvsSeen: map[string]bool{}}
	w.b.WriteString("<?xml version='1.0' encoding='utf-8'?>\n")
	w.open("expr", nil)
	w.value(v, eval.NoPos)
	w.close()
	return w.b.String()
}

type xmlAttr struct{ k, v string }

type xmlWriter struct {
	st       *eval.State
	b        strings.Builder
	strict   bool
	location bool
	ctx      *eval.Context
	depth    int
	stack    []string
	drvsSeen map[string]bool
}

func (w *xmlWriter) attrs(as []xmlAttr) {
	sort.Slice(as, func(i, j int) bool { return as[i].k < as[j].k })
	for _, a := range as {
		w.b.WriteString(" " + a.k + "=\"")
		for i := 0; i < len(a.v); i++ {
			switch c := a.v[i]; c {
			case '"':
				w.b.WriteString("&quot;")
			case '<':
				w.b.WriteString("&lt;")
			case '>':
				w.b.WriteString("&gt;")
			case '&':
				w.b.WriteString("&amp;")
			case '\n':
				w.b.WriteString("&#xA;")
			default:
				w.b.WriteByte(c)
			}
		}
		w.b.WriteString("\"")
	}
}

func (w *xmlWriter) open(name string, as []xmlAttr) {
	w.b.WriteString(strings.Repeat("  ", len(w.stack)) + "<" + name)
	w.attrs(as)
	w.b.WriteString(">\n")
	w.stack = append(w.stack, name)
}

func (w *xmlWriter) close() {
	name := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.b.WriteString(strings.Repeat("  ", len(w.stack)) + "</" + name + ">\n")
}

func (w *xmlWriter) empty(name string, as ...xmlAttr) {
	w.b.WriteString(strings.Repeat("  ", len(w.stack)) + "<" + name)
	w.attrs(as)
	w.b.WriteString(" />\n")
}

func (w *xmlWriter) posAttrs(as []xmlAttr, p eval.Pos) []xmlAttr {
	l := w.st.Locate(p)
	if !l.Valid() {
		return as
	}
	if l.Path != "" {
		as = append(as, xmlAttr{"path", l.Path})
	}
	return append(as, xmlAttr{"line", strconv.Itoa(l.Line)}, xmlAttr{"column", strconv.Itoa(l.Col)})
}

func (w *xmlWriter) showAttrs(set *eval.Attrs) {
	st := w.st
	all := set.All()
	for _, j := range sortedByName(st, all) {
		a := all[j]
		as := []xmlAttr{{"name", st.SymName(a.Name)}}
		if w.location && a.Pos != eval.NoPos {
			as = w.posAttrs(as, a.Pos)
		}
		w.open("attr", as)
		w.value(a.Value, a.Pos)
		w.close()
	}
}

func (w *xmlWriter) value(v eval.Value, pos eval.Pos) {
	st := w.st
	st.EnterCall(pos)
	defer st.LeaveCall()
	if w.strict {
		v = st.Force(v, pos)
	}
	if t, ok := v.(*eval.Thunk); ok {
		if val, done := t.Evaluated(); done {
			v = val
		}
	}
	switch x := v.(type) {
	case eval.Int:
		w.empty("int", xmlAttr{"value", strconv.FormatInt(int64(x), 10)})
	case eval.Bool:
		s := "false"
		if x {
			s = "true"
		}
		w.empty("bool", xmlAttr{"value", s})
	case *eval.String:
		if w.ctx != nil {
			*w.ctx = w.ctx.Merge(x.Context())
		}
		w.empty("string", xmlAttr{"value", x.S})
	case eval.Path:
		w.empty("path", xmlAttr{"value", string(x)})
	case eval.Null:
		w.empty("null")
	case eval.Float:
		w.empty("float", xmlAttr{"value", eval.FormatFloat(float64(x))})
	case *eval.Attrs:
		if st.IsDerivation(x) {
			var as []xmlAttr
			drvPath := ""
			if a := x.Get(st.Sym("drvPath")); a != nil {
				dv := a.Value
				if w.strict {
					dv = st.Force(dv, a.Pos)
				}
				if s, ok := forcedString(dv); ok {
					drvPath = s
					as = append(as, xmlAttr{"drvPath", s})
				}
			}
			if a := x.Get(st.Sym("outPath")); a != nil {
				ov := a.Value
				if w.strict {
					ov = st.Force(ov, a.Pos)
				}
				if s, ok := forcedString(ov); ok {
					as = append(as, xmlAttr{"outPath", s})
				}
			}
			w.open("derivation", as)
			if drvPath != "" && !w.drvsSeen[drvPath] {
				w.drvsSeen[drvPath] = true
				w.showAttrs(x)
			} else {
				w.empty("repeated")
			}
			w.close()
			return
		}
		w.open("attrs", nil)
		w.showAttrs(x)
		w.close()
	case *eval.List:
		w.open("list", nil)
		for _, e := range x.Elems {
			w.value(e, pos)
		}
		w.close()
	case *eval.Lambda:
		var as []xmlAttr
		if w.location {
			as = w.posAttrs(as, x.Fn.Pos)
		}
		w.open("function", as)
		if x.Fn.HasFormals {
			var pa []xmlAttr
			if x.Fn.HasArg {
				pa = append(pa, xmlAttr{"name", x.Fn.ArgName})
			}
			if x.Fn.Ellipsis {
				pa = append(pa, xmlAttr{"ellipsis", "1"})
			}
			w.open("attrspat", pa)
			for _, f := range x.Fn.Formals {
				w.empty("attr", xmlAttr{"name", f.NameStr})
			}
			w.close()
		} else {
			w.empty("varpat", xmlAttr{"name", x.Fn.ArgName})
		}
		w.close()
	default:
		w.empty("unevaluated")
	}
}

// forcedString returns the text of an already evaluated string value.
func forcedString(v eval.Value) (string, bool) {
	if t, ok := v.(*eval.Thunk); ok {
		val, done := t.Evaluated()
		if !done {
			return "", false
		}
		v = val
	}
	s, ok := v.(*eval.String)
	if !ok {
		return "", false
	}
	return s.S, true
}
