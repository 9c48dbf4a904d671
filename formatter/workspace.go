package formatter

import (
	"sync"

	"github.com/gonix/gonix/parser"
)

// workspace holds the memory one formatting run needs beyond its result:
// the syntax model's and the document's memory, and scratch stacks. Workspaces are
// pooled, so formatting many files allocates little and the garbage
// collector has little to do.
type workspace struct {
	dm       docMem
	buf      []elem
	lv       []level
	tmp      []elem
	operands []operand
	fx       fixer
	conv     converter
	lay      layouter
	rests    restAlloc
	tree     *parser.Tree // the last tree parsed here, whose arrays the next parse reuses
	ascii    bool         // the source being formatted is ASCII (see builder.ascii)
}

// maxPooledElems bounds the document memory a pooled workspace may keep
// (about 6 MB).
const maxPooledElems = 1 << 18

var workspaces = sync.Pool{New: func() any { return new(workspace) }}

// maxPooledTokens bounds the syntax tree a workspace may keep for reuse
// (about 1.5 MB of source).
const maxPooledTokens = 1 << 18

func getWorkspace() *workspace {
	return workspaces.Get().(*workspace)
}

// tooBig reports whether the workspace holds more memory than is worth
// keeping.
func (w *workspace) tooBig() bool {
	return w.dm.size() > maxPooledElems || w.conv.size() > maxPooledElems ||
		w.tree != nil && w.tree.NumTokens() > maxPooledTokens || cap(w.lay.out) > 8*maxPooledTokens
}

func putWorkspace(w *workspace) {
	if w.tooBig() {
		return
	}
	w.buf = w.buf[:0]
	w.rests.n = 0
	workspaces.Put(w)
}
