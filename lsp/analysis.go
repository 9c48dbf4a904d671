package lsp

import (
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// DefaultMaxDocumentSize is the largest document analysed (bytes). Larger
// documents are kept in sync but every request on them answers with an
// error, and their diagnostics say why.
const DefaultMaxDocumentSize = 16 << 20

// Analysis is everything computed from one document version: its syntax
// tree, name resolution and positions. It is immutable once built.
type Analysis struct {
	Doc   *Document
	Tree  *parser.Tree
	Scope *scope.Result
	lines *lineIndex
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
		d.dropHistory()
	})
	return d.analysis, nil
}

func analyze(d *Document) *Analysis {
	name := d.Path
	if name == "" {
		name = string(d.URI)
	}
	tree := parser.ParseString(d.Text, parser.Options{Name: name})
	res := scope.Resolve(tree, scope.Options{})
	return &Analysis{Doc: d, Tree: tree, Scope: res, lines: newLineIndex(d.Text)}
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
