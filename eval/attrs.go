package eval

import (
	"sort"
)

// Symbol is an interned attribute or variable name. Symbols are numbered
// in order of creation; their order says nothing about the names'
// lexicographic order.
type Symbol uint32

// symbolTable interns names.
type symbolTable struct {
	ids   map[string]Symbol
	names []string
	strs  []*String
}

func newSymbolTable() *symbolTable {
	return &symbolTable{ids: make(map[string]Symbol, 1024), names: make([]string, 0, 1024)}
}

func (t *symbolTable) intern(s string) Symbol {
	if id, ok := t.ids[s]; ok {
		return id
	}
	id := Symbol(len(t.names))
	t.names = append(t.names, s)
	t.ids[s] = id
	return id
}

func (t *symbolTable) lookup(s string) (Symbol, bool) {
	id, ok := t.ids[s]
	return id, ok
}

// Attr is one attribute of a set.
type Attr struct {
	Name  Symbol
	Pos   Pos
	Value Value
}

// Attrs is an attribute set: attributes sorted by symbol, found by
// binary search.
type Attrs struct {
	attrs []Attr
	// Pos is the position of the expression that built the set.
	Pos Pos
}

// emptyAttrs is shared by every empty set (it is never modified).
var emptyAttrsList = []Attr{}

// Len returns the number of attributes.
func (a *Attrs) Len() int { return len(a.attrs) }

// At returns the i-th attribute in symbol order.
func (a *Attrs) At(i int) *Attr { return &a.attrs[i] }

// All returns the attributes in symbol order. The slice must not be
// modified.
func (a *Attrs) All() []Attr { return a.attrs }

// Get returns the attribute called name, or nil.
func (a *Attrs) Get(name Symbol) *Attr {
	as := a.attrs
	if len(as) <= 8 {
		for i := range as {
			if as[i].Name == name {
				return &as[i]
			}
		}
		return nil
	}
	lo, hi := 0, len(as)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if as[m].Name < name {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(as) && as[lo].Name == name {
		return &as[lo]
	}
	return nil
}

// newAttrsSorted wraps attributes already sorted by symbol.
func newAttrsSorted(attrs []Attr, pos Pos) *Attrs {
	return &Attrs{attrs: attrs, Pos: pos}
}

// AttrsBuilder builds an attribute set.
type AttrsBuilder struct {
	attrs  []Attr
	sorted bool
}

// NewAttrsBuilder returns a builder with room for n attributes.
func NewAttrsBuilder(n int) *AttrsBuilder {
	return &AttrsBuilder{attrs: make([]Attr, 0, n), sorted: true}
}

// Add appends an attribute. Adding a name twice keeps both until Finish,
// which keeps the first.
func (b *AttrsBuilder) Add(name Symbol, v Value, pos Pos) {
	if n := len(b.attrs); n > 0 && b.attrs[n-1].Name >= name {
		b.sorted = false
	}
	b.attrs = append(b.attrs, Attr{Name: name, Pos: pos, Value: v})
}

// Len returns the number of attributes added so far.
func (b *AttrsBuilder) Len() int { return len(b.attrs) }

// Finish returns the set. When a name was added more than once the first
// addition wins.
func (b *AttrsBuilder) Finish(pos Pos) *Attrs {
	as := b.attrs
	if !b.sorted {
		sort.SliceStable(as, func(i, j int) bool { return as[i].Name < as[j].Name })
		out := as[:0]
		for i := range as {
			if len(out) > 0 && out[len(out)-1].Name == as[i].Name {
				continue
			}
			out = append(out, as[i])
		}
		as = out
	}
	b.attrs = nil
	return &Attrs{attrs: as, Pos: pos}
}

// update returns a // b: the attributes of both, b's winning.
func updateAttrs(a, b *Attrs) *Attrs {
	if len(a.attrs) == 0 {
		return b
	}
	if len(b.attrs) == 0 {
		return a
	}
	x, y := a.attrs, b.attrs
	out := make([]Attr, 0, len(x)+len(y))
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i].Name == y[j].Name:
			out = append(out, y[j])
			i++
			j++
		case x[i].Name < y[j].Name:
			out = append(out, x[i])
			i++
		default:
			out = append(out, y[j])
			j++
		}
	}
	out = append(out, x[i:]...)
	out = append(out, y[j:]...)
	return &Attrs{attrs: out, Pos: b.Pos}
}

// SortedNames returns the attribute names in byte-wise lexicographic
// order, with their index in a.All().
func (st *State) lexicographic(a *Attrs) []int {
	idx := make([]int, len(a.attrs))
	for i := range idx {
		idx[i] = i
	}
	names := st.syms.names
	sort.Slice(idx, func(i, j int) bool {
		return names[a.attrs[idx[i]].Name] < names[a.attrs[idx[j]].Name]
	})
	return idx
}

// NewAttrsSorted wraps attributes already sorted by symbol (with unique
// names) as a set.
func NewAttrsSorted(attrs []Attr, pos Pos) *Attrs { return &Attrs{attrs: attrs, Pos: pos} }

// SymString returns the name of a symbol as a string value (shared).
func (st *State) SymString(s Symbol) *String {
	t := st.syms
	for int(s) >= len(t.strs) {
		t.strs = append(t.strs, nil)
	}
	if v := t.strs[s]; v != nil {
		return v
	}
	v := NewString(t.names[s])
	t.strs[s] = v
	return v
}

// PosValue returns { file, line, column } for a position, or null.
func (st *State) PosValue(p Pos) Value { return st.mkPos(p) }
