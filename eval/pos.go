package eval

import (
	"sort"

	"github.com/gonix/gonix/parser"
)

// Pos is a source position: an offset into the evaluator's combined
// address space of all sources it has parsed. The zero Pos means
// "no position".
type Pos uint32

// NoPos is the absent position.
const NoPos Pos = 0

// Source is one parsed source text.
type Source struct {
	// Origin is how positions in this source print: a file path,
	// "«stdin»", "«string»" or "«nix-internal»/NAME".
	Origin string
	// Path is the file the source was read from ("" for strings).
	Path string
	// Src is the text.
	Src string

	base  Pos
	lines []uint32
}

// posTable maps positions to sources.
type posTable struct {
	sources []*Source
	next    Pos
}

func newPosTable() *posTable { return &posTable{next: 1} }

// add registers a source and returns it with its base assigned.
func (t *posTable) add(origin, path, src string) *Source {
	s := &Source{Origin: origin, Path: path, Src: src, base: t.next}
	t.next += Pos(len(src)) + 1
	t.sources = append(t.sources, s)
	return s
}

// at returns the position of byte offset off in s.
func (s *Source) at(off int) Pos { return s.base + Pos(off) }

// source returns the source containing pos, and the offset in it.
func (t *posTable) source(p Pos) (*Source, int) {
	if p == NoPos {
		return nil, 0
	}
	i := sort.Search(len(t.sources), func(i int) bool { return t.sources[i].base > p }) - 1
	if i < 0 {
		return nil, 0
	}
	s := t.sources[i]
	return s, int(p - s.base)
}

// Location is a resolved position.
type Location struct {
	Origin string
	Path   string // the file, or "" for strings and stdin
	Src    string
	Line   int
	Col    int
}

// Valid reports whether the location is known.
func (l Location) Valid() bool { return l.Line > 0 }

// String formats the location as ORIGIN:LINE:COL.
func (l Location) String() string {
	return l.parserLoc().String()
}

func (l Location) parserLoc() parser.Location {
	return parser.Location{Name: l.Origin, Src: l.Src, Line: l.Line, Col: l.Col}
}

// locate resolves a position.
func (t *posTable) locate(p Pos) Location {
	s, off := t.source(p)
	if s == nil {
		return Location{}
	}
	if s.lines == nil {
		s.lines = parser.LineStarts(s.Src)
	}
	line := sort.Search(len(s.lines), func(i int) bool { return int(s.lines[i]) > off })
	col := off - int(s.lines[line-1]) + 1
	return Location{Origin: s.Origin, Path: s.Path, Src: s.Src, Line: line, Col: col}
}

// Locate resolves a position to its origin, line and column.
func (st *State) Locate(p Pos) Location { return st.pos.locate(p) }
