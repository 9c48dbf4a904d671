package eval

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
)

// Symbol is an interned attribute or variable name. Symbols are numbered
// in order of creation; their order says nothing about the names'
// lexicographic order.
type Symbol uint32

// symbolTable interns names: an open-addressing hash table (linear
// probing, at most half full) of symbol numbers, each slot holding the
// upper half of the name's hash beside the number so that probing and
// growing never rehash or compare names needlessly. The symbols' names
// (and their string values, made on demand) are kept in fixed-size
// chunks, so that interning many names never copies the earlier ones.
type symbolTable struct {
	chunks [][]symEntry
	n      int      // number of symbols
	slots  []uint64 // 0: empty; else hash>>32<<32 | (symbol+1)
	seed   maphash.Seed
}

// symEntry is one symbol's name and string value (nil until needed).
type symEntry struct {
	name string
	str  *String
}

// symChunkBits sets the number of symbols per chunk.
const symChunkBits = 10

func newSymbolTable() *symbolTable {
	return &symbolTable{
		slots: make([]uint64, 4096),
		seed:  maphash.MakeSeed(),
	}
}

// entry returns symbol id's entry.
func (t *symbolTable) entry(id Symbol) *symEntry {
	return &t.chunks[id>>symChunkBits][id&(1<<symChunkBits-1)]
}

// name returns the name of symbol id.
func (t *symbolTable) name(id Symbol) string { return t.entry(id).name }

// find returns the slot index where s is or would go, and its symbol
// when it is present.
func (t *symbolTable) find(s string) (int, uint64, Symbol, bool) {
	tag := maphash.String(t.seed, s) >> 32
	mask := uint64(len(t.slots) - 1)
	for i := tag & mask; ; i = (i + 1) & mask {
		e := t.slots[i]
		if e == 0 {
			return int(i), tag, 0, false
		}
		if e>>32 == tag {
			if id := Symbol(uint32(e) - 1); t.name(id) == s {
				return int(i), tag, id, true
			}
		}
	}
}

func (t *symbolTable) intern(s string) Symbol {
	i, tag, id, ok := t.find(s)
	if ok {
		return id
	}
	id = Symbol(t.n)
	if t.n&(1<<symChunkBits-1) == 0 {
		t.chunks = append(t.chunks, make([]symEntry, 1<<symChunkBits))
	}
	t.entry(id).name = s
	t.n++
	t.slots[i] = tag<<32 | uint64(id+1)
	if 2*t.n > len(t.slots) {
		t.grow()
	}
	return id
}

// grow doubles the table.
func (t *symbolTable) grow() {
	slots := make([]uint64, 2*len(t.slots))
	mask := uint64(len(slots) - 1)
	for _, e := range t.slots {
		if e == 0 {
			continue
		}
		i := (e >> 32) & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = e
	}
	t.slots = slots
}

func (t *symbolTable) lookup(s string) (Symbol, bool) {
	_, _, id, ok := t.find(s)
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

// allocAttrs returns a set of n attributes to fill in (sorted by
// symbol) and its attribute slice, with room for extra more; small sets
// come in one allocation.
func allocAttrs(n, extra int, pos Pos) (*Attrs, []Attr) {
	if extra == 0 {
		switch n {
		case 1:
			x := &struct {
				Attrs
				a [1]Attr
			}{}
			x.attrs, x.Pos = x.a[:], pos
			return &x.Attrs, x.attrs
		case 2:
			x := &struct {
				Attrs
				a [2]Attr
			}{}
			x.attrs, x.Pos = x.a[:], pos
			return &x.Attrs, x.attrs
		case 3:
			x := &struct {
				Attrs
				a [3]Attr
			}{}
			x.attrs, x.Pos = x.a[:], pos
			return &x.Attrs, x.attrs
		case 4:
			x := &struct {
				Attrs
				a [4]Attr
			}{}
			x.attrs, x.Pos = x.a[:], pos
			return &x.Attrs, x.attrs
		}
	}
	as := &Attrs{attrs: make([]Attr, n, n+extra), Pos: pos}
	return as, as.attrs
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
		slices.SortStableFunc(as, func(x, y Attr) int { return cmp.Compare(x.Name, y.Name) })
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

// lexicographic returns the indices of a's attributes in byte-wise
// lexicographic order of their names.
func (st *State) lexicographic(a *Attrs) []int { return st.SortedByName(a.attrs) }

// SortedByName returns the indices of attrs (attributes with distinct
// names) in byte-wise lexicographic order of their names.
//
// Names are ordered by their first eight bytes as a big-endian number
// (a radix sort for large sets), and only names with equal prefixes are
// compared as strings.
func (st *State) SortedByName(attrs []Attr) []int {
	var buf [16]namedAttr
	keys := buf[:0]
	if len(attrs) > len(buf) {
		keys = make([]namedAttr, 0, len(attrs))
	}
	sorted := true
	for i := range attrs {
		k := namedAttr{namePrefix(st.syms.name(attrs[i].Name)), i}
		if i > 0 && k.prefix < keys[i-1].prefix {
			sorted = false
		}
		keys = append(keys, k)
	}
	if !sorted {
		if len(keys) > radixSortMin {
			radixSortNamed(keys)
		} else {
			slices.SortFunc(keys, func(x, y namedAttr) int { return cmp.Compare(x.prefix, y.prefix) })
		}
	}
	// Runs of equal prefixes are ordered by the whole names.
	for lo := 0; lo < len(keys); {
		hi := lo + 1
		for hi < len(keys) && keys[hi].prefix == keys[lo].prefix {
			hi++
		}
		if hi-lo > 1 {
			slices.SortFunc(keys[lo:hi], func(x, y namedAttr) int {
				return strings.Compare(st.syms.name(attrs[x.i].Name), st.syms.name(attrs[y.i].Name))
			})
		}
		lo = hi
	}
	idx := make([]int, len(keys))
	for i, k := range keys {
		idx[i] = k.i
	}
	return idx
}

// namedAttr is an attribute's index with the prefix of its name.
type namedAttr struct {
	prefix uint64
	i      int
}

// radixSortMin is the size from which SortedByName sorts by radix.
const radixSortMin = 256

// radixSortNamed sorts keys by prefix (least significant byte first,
// skipping bytes that are the same in every key).
func radixSortNamed(keys []namedAttr) {
	tmp := make([]namedAttr, len(keys))
	src, dst := keys, tmp
	for shift := 0; shift < 64; shift += 8 {
		var count [256]int
		for _, k := range src {
			count[byte(k.prefix>>shift)]++
		}
		if count[byte(src[0].prefix>>shift)] == len(src) {
			continue
		}
		off := 0
		for b, c := range count {
			count[b] = off
			off += c
		}
		for _, k := range src {
			b := byte(k.prefix >> shift)
			dst[count[b]] = k
			count[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}

// namePrefix returns the first eight bytes of s as a big-endian number
// (zero-padded), which orders as the strings' prefixes do.
func namePrefix(s string) uint64 {
	var p uint64
	for i := range 8 {
		p <<= 8
		if i < len(s) {
			p |= uint64(s[i])
		}
	}
	return p
}

// NewAttrsSorted wraps attributes already sorted by symbol (with unique
// names) as a set.
func NewAttrsSorted(attrs []Attr, pos Pos) *Attrs { return &Attrs{attrs: attrs, Pos: pos} }

// SymString returns the name of a symbol as a string value (shared).
func (st *State) SymString(s Symbol) *String {
	e := st.syms.entry(s)
	if e.str == nil {
		e.str = NewString(e.name)
	}
	return e.str
}

// SymOf interns the text of s, a string without context, and returns
// its symbol. SymString may return s itself for that symbol afterwards,
// saving a copy when attribute names made from strings are listed again
// (listToAttrs, then attrNames).
func (st *State) SymOf(s *String) Symbol {
	id := st.syms.intern(s.S)
	if e := st.syms.entry(id); e.str == nil && s.ctx == nil {
		e.str = s
	}
	return id
}

// PosValue returns { file, line, column } for a position, or null.
func (st *State) PosValue(p Pos) Value { return st.mkPos(p) }
