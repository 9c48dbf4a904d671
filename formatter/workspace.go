package formatter

import (
	"sync"

	"github.com/gonix/gonix/parser"
)

// workspace holds the memory one formatting run needs beyond its result:
// the document arena, scratch stacks and leaf storage. Workspaces are
// pooled, so formatting many files allocates little and the garbage
// collector has little to do.
type workspace struct {
	ar      arena
	buf     []elem
	fx      fixer
	leaves  leafAlloc
	sigs    []parser.Element
	indents []indentLevel
	scratch []byte
	rests   restAlloc
	lines   []int
}

// maxPooledElems bounds the arena a pooled workspace may keep (about 16 MB).
const maxPooledElems = 1 << 18

var workspaces = sync.Pool{New: func() any { return new(workspace) }}

func getWorkspace() *workspace {
	w := workspaces.Get().(*workspace)
	w.ar.reset()
	w.leaves.reset()
	return w
}

func putWorkspace(w *workspace) {
	if w.ar.size() > maxPooledElems || w.leaves.size() > maxPooledElems {
		return
	}
	w.buf = w.buf[:0]
	w.rests.n = 0
	w.sigs = w.sigs[:0]
	workspaces.Put(w)
}

// leafAlloc hands out leaves from reusable chunks.
type leafAlloc struct {
	chunks [][]leaf
	cur    int
	used   int
}

const leafChunk = 1 << 10

func (a *leafAlloc) reset() { a.cur, a.used = 0, 0 }

func (a *leafAlloc) size() int { return len(a.chunks) * leafChunk }

func (a *leafAlloc) new() *leaf {
	if a.cur < len(a.chunks) && a.used == leafChunk {
		a.cur++
		a.used = 0
	}
	if a.cur == len(a.chunks) {
		a.chunks = append(a.chunks, make([]leaf, leafChunk))
	}
	l := &a.chunks[a.cur][a.used]
	a.used++
	*l = leaf{}
	return l
}
