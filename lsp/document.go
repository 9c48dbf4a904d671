package lsp

import (
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/parser"
)

// Document is one immutable version of an open text document. Edits make
// a new Document; requests keep the version they started with.
type Document struct {
	URI protocol.DocumentURI
	// Path is the file-system path of a file: URI, or "".
	Path       string
	Version    int32
	LanguageID string
	Text       string

	// maxAnalyze is the size above which the document is not analysed.
	maxAnalyze int
	// lines indexes Text's lines.
	lines *lineIndex
	// prev is an earlier version and edits the changes from its text to
	// this one, in order, for incremental analysis; prev is the latest
	// version that was (or is being) analysed when this one was made.
	histMu sync.Mutex
	prev   *Document
	edits  []parser.Edit

	once     sync.Once
	analysis *Analysis
	// done is the analysis once it is complete.
	done atomic.Pointer[Analysis]
	// evalRes is the result of evaluating this version for diagnostics,
	// once the background evaluation has finished.
	evalRes atomic.Pointer[evalResult]
}

// maxChainedEdits bounds the edits kept between analysed versions; past
// it the next analysis starts from scratch.
const maxChainedEdits = 256

// lineIndex maps between byte offsets and LSP positions of a text.
type lineIndex struct {
	text   string
	starts []uint32
}

func newLineIndex(text string) *lineIndex {
	return &lineIndex{text: text, starts: parser.LineStarts(text)}
}

// offset converts an LSP position to a byte offset. A line beyond the
// last one is an error; a character beyond the line's end is clamped to
// it, as the protocol asks.
func (li *lineIndex) offset(p protocol.Position) (int, error) {
	line := int(p.Line)
	if line >= len(li.starts) {
		return 0, fmt.Errorf("position %d:%d is beyond the last line (%d)", p.Line, p.Character, len(li.starts)-1)
	}
	off := int(li.starts[line])
	end := len(li.text)
	if line+1 < len(li.starts) {
		end = int(li.starts[line+1])
		// Exclude the line break itself.
		for end > off && (li.text[end-1] == '\n' || li.text[end-1] == '\r') {
			end--
		}
	}
	col := int(p.Character)
	for off < end && col > 0 {
		r, size := utf8.DecodeRuneInString(li.text[off:end])
		if r >= 0x10000 {
			col -= 2
		} else {
			col--
		}
		off += size
	}
	return off, nil
}

// position converts a byte offset (clamped to the text) to an LSP
// position.
func (li *lineIndex) position(off int) protocol.Position {
	if off < 0 {
		off = 0
	}
	if off > len(li.text) {
		off = len(li.text)
	}
	lo, hi := 0, len(li.starts)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if int(li.starts[mid]) <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	start := int(li.starts[lo])
	col := 0
	for _, r := range li.text[start:off] {
		if r >= 0x10000 {
			col += 2
		} else {
			col++
		}
	}
	return protocol.Position{Line: uint32(lo), Character: uint32(col)}
}

func (li *lineIndex) rng(start, end int) protocol.Range {
	return protocol.Range{Start: li.position(start), End: li.position(end)}
}

// contentChange is TextDocumentContentChangeEvent with an optional range
// (protocol's type cannot tell a whole-document change from an insertion
// at 0:0).
type contentChange struct {
	Range *protocol.Range `json:"range,omitempty"`
	Text  string          `json:"text"`
}

// update returns the index of newText, which is li's text with [start,
// end) replaced by ins. Line starts before the edit are kept, those after
// it move, and only the edit's surroundings are scanned (from a byte
// before it to a byte after it, where a CR and an LF may join or part).
func (li *lineIndex) update(newText string, start, end int, ins string) *lineIndex {
	from := start - 1
	if from < 0 {
		from = 0
	}
	oldTo := min(end+1, len(li.text))
	newTo := min(start+len(ins)+1, len(newText))
	delta := len(newText) - len(li.text)
	lo := sort.Search(len(li.starts), func(i int) bool { return int(li.starts[i]) > from })
	hi := sort.Search(len(li.starts), func(i int) bool { return int(li.starts[i]) > oldTo })
	starts := make([]uint32, 0, len(li.starts)+strings.Count(ins, "\n")+2)
	starts = append(starts, li.starts[:lo]...)
	for i := from; i < newTo; i++ {
		switch newText[i] {
		case '\n':
			starts = append(starts, uint32(i+1))
		case '\r':
			if i+1 >= len(newText) || newText[i+1] != '\n' {
				starts = append(starts, uint32(i+1))
			}
		}
	}
	for _, s := range li.starts[hi:] {
		starts = append(starts, uint32(int(s)+delta))
	}
	return &lineIndex{text: newText, starts: starts}
}

// applyChanges returns the document after the changes, in order.
func (d *Document) applyChanges(version int32, changes []contentChange) (*Document, error) {
	text := d.Text
	li := d.lineIndex()
	var edits []parser.Edit
	whole := false
	for i, ch := range changes {
		if ch.Range == nil {
			text, whole, edits = ch.Text, true, nil
			li = newLineIndex(text)
			continue
		}
		start, err := clampedOffset(li, ch.Range.Start)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		end, err := clampedOffset(li, ch.Range.End)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		if end < start {
			return nil, fmt.Errorf("change %d: range end %d:%d precedes its start %d:%d", i,
				ch.Range.End.Line, ch.Range.End.Character, ch.Range.Start.Line, ch.Range.Start.Character)
		}
		var b strings.Builder
		b.Grow(len(text) - (end - start) + len(ch.Text))
		b.WriteString(text[:start])
		b.WriteString(ch.Text)
		b.WriteString(text[end:])
		newText := b.String()
		li = li.update(newText, start, end, ch.Text)
		text = newText
		if !whole {
			edits = append(edits, parser.Edit{Start: start, End: end, Text: ch.Text})
		}
	}
	nd := &Document{URI: d.URI, Path: d.Path, Version: version, LanguageID: d.LanguageID, Text: text,
		maxAnalyze: d.maxAnalyze, lines: li}
	if !whole {
		// Derive from d's analysis, or, while d has none, from the version
		// d would be derived from.
		prev := d
		if d.done.Load() == nil {
			if pp, pe := d.history(); pp != nil {
				prev, edits = pp, append(append([]parser.Edit(nil), pe...), edits...)
			}
		}
		if len(edits) <= maxChainedEdits {
			nd.prev, nd.edits = prev, edits
		}
	}
	return nd, nil
}

// lineIndex returns the document's line index.
func (d *Document) lineIndex() *lineIndex {
	if d.lines == nil {
		return newLineIndex(d.Text) // documents are made with one
	}
	return d.lines
}

// dropHistory forgets the earlier version.
func (d *Document) dropHistory() {
	d.histMu.Lock()
	d.prev, d.edits = nil, nil
	d.histMu.Unlock()
}

// history returns the earlier version and the edits from it, if kept.
func (d *Document) history() (*Document, []parser.Edit) {
	d.histMu.Lock()
	defer d.histMu.Unlock()
	return d.prev, d.edits
}

// clampedOffset is lineIndex.offset, but a position just past the last
// line (which some clients send for "end of document") maps to the end.
func clampedOffset(li *lineIndex, p protocol.Position) (int, error) {
	if int(p.Line) == len(li.starts) && p.Character == 0 {
		return len(li.text), nil
	}
	return li.offset(p)
}

// uriToPath returns the file-system path of a file: URI.
func uriToPath(u protocol.DocumentURI) (string, bool) {
	pu, err := url.Parse(string(u))
	if err != nil || pu.Scheme != "file" {
		return "", false
	}
	p := pu.Path
	if p == "" {
		return "", false
	}
	return filepath.Clean(p), true
}

// pathToURI returns the file: URI of an absolute path.
func pathToURI(p string) protocol.DocumentURI {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(p)}
	return protocol.DocumentURI(u.String())
}

// normalizeURI gives file: URIs one spelling, so that "file:///a%2Eb" and
// "file:///a.b" name one document.
func normalizeURI(u protocol.DocumentURI) protocol.DocumentURI {
	if p, ok := uriToPath(u); ok {
		return pathToURI(p)
	}
	return u
}
