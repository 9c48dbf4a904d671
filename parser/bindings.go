package parser

import "strings"

// AttrKind says how an attribute of a merged set is defined.
type AttrKind uint8

const (
	// AttrPlain is `name = value;`.
	AttrPlain AttrKind = iota
	// AttrInherited is `inherit name;` (the value is the variable name).
	AttrInherited
	// AttrInheritedFrom is `inherit (e) name;` (the value is e.name).
	AttrInheritedFrom
)

// Attrs is the merged view of the bindings of an attribute set, let or
// legacy let, as Nix builds it while parsing: `a.b = 1; a.c = 2;` becomes
// one nested set `a`, an attribute set literal assigned to an existing
// nested set is merged into it, and each name appears once.
type Attrs struct {
	// Node is the AttrSet, LetIn or LegacyLet node, or the zero Node for a
	// set created implicitly by an attribute path.
	Node Node
	// Rec reports whether the attributes see each other (rec sets, lets).
	Rec bool
	// Pos is the byte offset Nix gives the set as position.
	Pos int
	// Attrs are the static attributes in order of first definition.
	Attrs []*Attr
	// Dynamic are the attributes whose names are computed (${e} = ...).
	Dynamic []*DynamicAttr
	// InheritFrom are the expressions of `inherit (e)` clauses, indexed by
	// Attr.FromIndex.
	InheritFrom []Node
	// Dropped are definitions Nix rejects as duplicates. They are not part
	// of the set, but tools still look inside them (names used in their
	// values, for example).
	Dropped []*Attr

	index map[string]*Attr
}

// Attr is one static attribute of a merged set.
type Attr struct {
	Name string
	// Pos is the byte offset of the definition (the attribute path, or the
	// name in an inherit).
	Pos  int
	Kind AttrKind
	// Value is the value expression (AttrPlain), or the name node of an
	// inherit (the variable to look up, or the attribute to select).
	Value Node
	// Nested is set when the value is an attribute set whose attributes
	// were merged from several bindings: an implicit set from an attribute
	// path, or a literal set (then Value is that literal).
	Nested *Attrs
	// FromIndex indexes Attrs.InheritFrom for AttrInheritedFrom.
	FromIndex int
}

// DynamicAttr is an attribute with a computed name.
type DynamicAttr struct {
	Name   Node // a String or Interpol node
	Value  Node
	Nested *Attrs
	Pos    int
}

// Lookup returns the static attribute called name, or nil.
func (a *Attrs) Lookup(name string) *Attr {
	if a.index != nil {
		return a.index[name]
	}
	for _, at := range a.Attrs {
		if at.Name == name {
			return at
		}
	}
	return nil
}

func (a *Attrs) add(at *Attr) {
	a.Attrs = append(a.Attrs, at)
	if a.index != nil {
		a.index[at.Name] = at
	} else if len(a.Attrs) > 8 {
		a.index = make(map[string]*Attr, 16)
		for _, x := range a.Attrs {
			a.index[x.Name] = x
		}
	}
}

// MergeError is a duplicate-attribute error found while merging.
type MergeError struct {
	Path    []string // the attribute path as Nix shows it
	Pos     int      // offset of the duplicate definition
	PrevPos int      // offset of the earlier definition
	Detect  int      // where Nix's parser would notice
}

// merger builds Attrs, collecting errors.
type merger struct {
	errs []MergeError
	// onlyFirst stops after the first error (Nix stops there too).
	detect int
}

// MergeBindings builds the merged view of an AttrSet, LetIn or LegacyLet
// node, and reports the duplicate definitions Nix rejects.
func MergeBindings(n Node) (*Attrs, []MergeError) {
	m := &merger{}
	a := m.build(n)
	return a, m.errs
}

func (m *merger) build(n Node) *Attrs {
	a := &Attrs{Node: n, Pos: n.Start()}
	switch n.Kind() {
	case NodeAttrSet:
		a.Rec = n.IsRec()
	case NodeLetIn, NodeLegacyLet:
		a.Rec = true
	}
	for _, e := range n.Entries() {
		m.detect = e.End() - 1
		if e.Kind() == NodeInherit {
			m.addInherit(a, e)
		} else {
			m.addBinding(a, e)
		}
	}
	return a
}

func (m *merger) addInherit(a *Attrs, e Node) {
	kind := AttrInherited
	from := -1
	if f := e.ChildOf(NodeInheritFrom); f.Valid() {
		kind = AttrInheritedFrom
		a.InheritFrom = append(a.InheritFrom, f.Inner())
		from = len(a.InheritFrom) - 1
	}
	for _, nameNode := range e.Attrs() {
		name, ok := StaticAttrName(nameNode)
		if !ok {
			continue // reported by the static checks
		}
		if prev := a.Lookup(name); prev != nil {
			m.dup([]string{name}, nameNode.Start(), prev.Pos)
			a.Dropped = append(a.Dropped, &Attr{Name: name, Pos: nameNode.Start(), Kind: kind, Value: nameNode, FromIndex: from})
			continue
		}
		a.add(&Attr{Name: name, Pos: nameNode.Start(), Kind: kind, Value: nameNode, FromIndex: from})
	}
}

func (m *merger) addBinding(a *Attrs, b Node) {
	path := b.AttrPath()
	value := b.Value()
	if !path.Valid() {
		return
	}
	names := path.Attrs()
	if len(names) == 0 {
		return
	}
	pos := path.Start()
	var shown []string
	for _, nameNode := range names[:len(names)-1] {
		name, static := StaticAttrName(nameNode)
		if !static {
			nested := &Attrs{Pos: pos}
			a.Dynamic = append(a.Dynamic, &DynamicAttr{Name: nameNode, Nested: nested, Pos: pos})
			a = nested
			shown = append(shown, showDynamic(nameNode))
			continue
		}
		shown = append(shown, name)
		if prev := a.Lookup(name); prev != nil {
			if prev.Nested == nil {
				m.dup(shown, pos, prev.Pos)
				a.Dropped = append(a.Dropped, &Attr{Name: name, Pos: pos, Kind: AttrPlain, Value: value})
				return
			}
			a = prev.Nested
			continue
		}
		nested := &Attrs{Pos: pos}
		a.add(&Attr{Name: name, Pos: pos, Kind: AttrPlain, Nested: nested})
		a = nested
	}
	last := names[len(names)-1]
	var nested *Attrs
	if v := Unparen(value); v.Kind() == NodeAttrSet {
		nested = m.build(v)
		m.detect = b.End() - 1
	}
	name, static := StaticAttrName(last)
	if !static {
		a.Dynamic = append(a.Dynamic, &DynamicAttr{Name: last, Value: value, Nested: nested, Pos: pos})
		return
	}
	shown = append(shown, name)
	m.addAttr(a, shown, &Attr{Name: name, Pos: pos, Kind: AttrPlain, Value: value, Nested: nested})
}

// addAttr adds def to a, merging two attribute sets like Nix does.
func (m *merger) addAttr(a *Attrs, shown []string, def *Attr) {
	prev := a.Lookup(def.Name)
	if prev == nil {
		a.add(def)
		return
	}
	if prev.Nested != nil && def.Nested != nil && def.Kind == AttrPlain && prev.Kind == AttrPlain {
		into, from := prev.Nested, def.Nested
		offset := len(into.InheritFrom)
		for _, at := range from.Attrs {
			if at.Kind == AttrInheritedFrom {
				at.FromIndex += offset
			}
			m.addAttr(into, append(shown[:len(shown):len(shown)], at.Name), at)
		}
		into.Dynamic = append(into.Dynamic, from.Dynamic...)
		into.InheritFrom = append(into.InheritFrom, from.InheritFrom...)
		return
	}
	m.dup(shown, def.Pos, prev.Pos)
	a.Dropped = append(a.Dropped, def)
}

func (m *merger) dup(path []string, pos, prev int) {
	m.errs = append(m.errs, MergeError{Path: append([]string(nil), path...), Pos: pos, PrevPos: prev, Detect: m.detect})
}

// showDynamic renders a dynamic attribute name as Nix does in messages.
func showDynamic(n Node) string {
	var b strings.Builder
	b.WriteString("\"${")
	if n.Kind() == NodeInterpol {
		b.WriteString(Show(n.Inner()))
	} else {
		b.WriteString(Show(n))
	}
	b.WriteString("}\"")
	return b.String()
}
