package lsp

import (
	"fmt"
	"sync"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/checker"
	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// DefaultMaxDocumentSize is the largest document analysed (bytes). Larger
// documents are kept in sync but every request on them answers with an
// error, and their diagnostics say why.
const DefaultMaxDocumentSize = 16 << 20

// Analysis is everything computed from one document version: its syntax
// tree, name resolution and positions, and, computed on first use, the
// checker's findings and the call diagnostics. It is immutable once
// built (the lazily computed parts are guarded by mu).
type Analysis struct {
	Doc   *Document
	Tree  *parser.Tree
	Scope *scope.Result
	lines *lineIndex
	popts parser.Options

	mu sync.Mutex
	// chk is the checker's result for the options chkKey names.
	chk    *checker.Incremental
	chkKey string
	calls  *callState
	// derived reports that the analysis was derived from an earlier one.
	derived bool
	// evalCache holds the answers of evaluations of this version (hover
	// values, completion names), by job.
	evalCache map[string]*evalResult
}

// errTooLarge reports a document above the analysis limit.
type errTooLarge struct{ size, max int }

func (e errTooLarge) Error() string {
	return fmt.Sprintf("document of %d bytes exceeds the analysis limit of %d bytes", e.size, e.max)
}

// Analyze returns the document's analysis, computing it on first use.
func (d *Document) Analyze() (*Analysis, error) {
	if d.maxAnalyze > 0 && len(d.Text) > d.maxAnalyze {
		return nil, errTooLarge{len(d.Text), d.maxAnalyze}
	}
	d.once.Do(func() {
		d.analysis = analyze(d)
		d.done.Store(d.analysis)
		d.dropHistory()
	})
	return d.analysis, nil
}

func analyze(d *Document) *Analysis {
	name := d.Path
	if name == "" {
		name = string(d.URI)
	}
	popts := parser.Options{Name: name}
	if prev, edits := d.history(); prev != nil && len(edits) > 0 {
		if pa := prev.done.Load(); pa != nil && pa.popts == popts {
			if a := pa.derive(d, edits); a != nil {
				return a
			}
		}
	}
	tree := parser.ParseString(d.Text, popts)
	res := scope.Resolve(tree, scope.Options{})
	return &Analysis{Doc: d, Tree: tree, Scope: res, lines: d.lineIndex(), popts: popts}
}

// carryLimit is the largest re-resolved subtree (in nodes) over which
// an analysis carries its checker results eagerly; past it they are
// dropped and computed when next asked for.
func carryLimit(t *parser.Tree) int { return max(20000, t.NumNodes()/8) }

// derive builds the analysis of d from the analysis of an earlier
// version and the edits between them: each edit is reparsed (only the
// bracketed construct around it, when it can be), resolved again around
// the change, and the checker's results and call diagnostics, when pa
// has them, are carried over. It returns nil if the edits do not apply.
func (pa *Analysis) derive(d *Document, edits []parser.Edit) *Analysis {
	tree, res := pa.Tree, pa.Scope
	pa.mu.Lock()
	chk, key, calls := pa.chk, pa.chkKey, pa.calls
	pa.mu.Unlock()
	for i, e := range edits {
		if e.Start < 0 || e.End > len(tree.Src) || e.Start > e.End {
			return nil
		}
		var nt *parser.Tree
		var ru *parser.Reuse
		if i == len(edits)-1 && len(d.Text) == len(tree.Src)+len(e.Text)-(e.End-e.Start) {
			// The last edit yields the document's text: share it.
			nt, ru = parser.ReparseText(tree, e, d.Text, pa.popts)
		} else {
			nt, ru = parser.Reparse(tree, e, pa.popts)
		}
		nres, ch := scope.Update(res, nt, ru, scope.Options{})
		carry := !ch.Full && ch.Root.ID()-ch.OldLo < carryLimit(nt)
		if chk != nil {
			if carry {
				chk = chk.Update(nt, nres, ch)
			} else {
				chk = nil
			}
		}
		if calls != nil {
			if carry {
				calls = calls.update(nt, nres, ch)
			} else {
				calls = nil
			}
		}
		tree, res = nt, nres
	}
	if tree.Src != d.Text {
		return nil
	}
	a := &Analysis{Doc: d, Tree: tree, Scope: res, lines: d.lineIndex(), popts: pa.popts, calls: calls, derived: true}
	if chk != nil {
		a.chk, a.chkKey = chk, key
	}
	return a
}

// checked returns the checker's results for the configuration.
func (a *Analysis) checked(cfg *Config) *checker.Incremental {
	key := checkerKey(cfg)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.chk == nil || a.chkKey != key {
		a.chk, a.chkKey = checker.NewIncremental(a.Tree, checkerOptions(a, cfg)), key
	}
	return a.chk
}

// callDiags returns the call diagnostics' state.
func (a *Analysis) callDiags() *callState {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.calls == nil {
		a.calls = newCallState(a.Tree, a.Scope)
	}
	return a.calls
}

// offset converts an LSP position in the document to a byte offset.
func (a *Analysis) offset(p protocol.Position) (int, error) {
	off, err := a.lines.offset(p)
	if err != nil {
		return 0, invalidParams("%s: %v", a.Doc.URI, err)
	}
	return off, nil
}

func (a *Analysis) rng(start, end int) protocol.Range { return a.lines.rng(start, end) }

func (a *Analysis) nodeRange(n parser.Node) protocol.Range { return a.rng(n.Start(), n.End()) }

func (a *Analysis) pos(off int) protocol.Position { return a.lines.position(off) }

func (a *Analysis) location(n parser.Node) protocol.Location {
	return protocol.Location{URI: a.Doc.URI, Range: a.nodeRange(n)}
}
