package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/gonix/gonix/formatter"
)

// formatted runs the formatter with the configured layout. A document
// with syntax errors gives ok false (nothing to do, not an error: editors
// format on save).
func (s *Server) formatted(a *Analysis, cfg *Config) (string, bool, error) {
	out, err := formatter.FormatTree(a.Tree, formatter.Options{
		Width: cfg.Formatting.Width, Indent: cfg.Formatting.Indent, Strict: cfg.Formatting.Strict, Filename: a.Tree.Name,
	})
	if err != nil {
		var pe *formatter.ParseError
		if errors.As(err, &pe) {
			s.log.Debug("not formatting a file with syntax errors", zap.Error(err))
			return "", false, nil
		}
		return "", false, invalidParams("formatting failed: %v", err)
	}
	return string(out), true, nil
}

func (s *Server) formatting(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p protocol.DocumentFormattingParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	a, err := s.docAnalysis(st, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	out, ok, err := s.formatted(a, st.cfg)
	if err != nil || !ok {
		return nil, err
	}
	return diffEdits(a, out, nil), nil
}

func (s *Server) rangeFormatting(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p protocol.DocumentRangeFormattingParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	a, err := s.docAnalysis(st, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	if _, err := a.offset(p.Range.Start); err != nil {
		return nil, err
	}
	if _, err := a.offset(p.Range.End); err != nil {
		return nil, err
	}
	out, ok, err := s.formatted(a, st.cfg)
	if err != nil || !ok {
		return nil, err
	}
	return diffEdits(a, out, &p.Range), nil
}

// diffEdits turns a reformatted text into line-level edits of the
// document (so that the cursor and unchanged lines stay put). With a
// range, only the changed hunks that touch the range's lines are kept.
func diffEdits(a *Analysis, out string, within *protocol.Range) []protocol.TextEdit {
	oldLines := splitLines(a.Doc.Text)
	newLines := splitLines(out)
	edits := []protocol.TextEdit{}
	for _, h := range diffLines(oldLines, newLines) {
		if within != nil {
			first, last := uint32(h.oldStart), uint32(h.oldEnd)
			if h.oldEnd > h.oldStart {
				last--
			}
			if last < within.Start.Line || first > within.End.Line {
				continue
			}
		}
		start := lineOffset(oldLines, h.oldStart)
		end := lineOffset(oldLines, h.oldEnd)
		edits = append(edits, protocol.TextEdit{
			Range:   a.rng(start, end),
			NewText: strings.Join(newLines[h.newStart:h.newEnd], ""),
		})
	}
	return edits
}

// splitLines splits text after each "\n", keeping the newlines.
func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

func lineOffset(lines []string, i int) int {
	off := 0
	for _, l := range lines[:i] {
		off += len(l)
	}
	return off
}

// hunk replaces old lines [oldStart, oldEnd) by new lines [newStart, newEnd).
type hunk struct{ oldStart, oldEnd, newStart, newEnd int }

// diffLines computes a line diff with Myers' algorithm, after trimming
// the common prefix and suffix. Very different inputs fall back to one
// hunk.
func diffLines(a, b []string) []hunk {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	x, y := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(x) == 0 && len(y) == 0 {
		return nil
	}
	// The trace keeps one vector of len(x)+len(y) per edit step: bound
	// its size to a few million entries.
	maxD := 8000000 / (2*(len(x)+len(y)) + 3)
	if maxD > 2000 {
		maxD = 2000
	}
	ops, ok := myers(x, y, maxD)
	if !ok {
		return []hunk{{pre, pre + len(x), pre, pre + len(y)}}
	}
	var hunks []hunk
	i, j := 0, 0
	var cur *hunk
	for _, op := range ops {
		switch op {
		case '=':
			if cur != nil {
				hunks = append(hunks, *cur)
				cur = nil
			}
			i++
			j++
		case '-':
			if cur == nil {
				cur = &hunk{pre + i, pre + i, pre + j, pre + j}
			}
			i++
			cur.oldEnd = pre + i
		case '+':
			if cur == nil {
				cur = &hunk{pre + i, pre + i, pre + j, pre + j}
			}
			j++
			cur.newEnd = pre + j
		}
	}
	if cur != nil {
		hunks = append(hunks, *cur)
	}
	return hunks
}

// myers returns the edit script ('=', '-', '+') from a to b, or false when
// it needs more than maxD edits.
func myers(a, b []string, maxD int) ([]byte, bool) {
	n, m := len(a), len(b)
	off := n + m + 1
	v := make([]int, 2*off+1)
	var trace [][]int
	for d := 0; d <= n+m && d <= maxD; d++ {
		snapshot := append([]int(nil), v...)
		trace = append(trace, snapshot)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, a, b, off, d, k), true
			}
		}
	}
	return nil, false
}

func backtrack(trace [][]int, a, b []string, off, d, k int) []byte {
	x, y := len(a), len(b)
	var ops []byte
	for ; d > 0; d-- {
		v := trace[d]
		var prevK int
		if k == -d || k != d && v[off+k-1] < v[off+k+1] {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := v[off+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			ops = append(ops, '=')
			x--
			y--
		}
		if x == prevX {
			ops = append(ops, '+')
		} else {
			ops = append(ops, '-')
		}
		x, y = prevX, prevY
		k = prevK
	}
	for x > 0 && y > 0 {
		ops = append(ops, '=')
		x--
		y--
	}
	for i, j := 0, len(ops)-1; i < j; i, j = i+1, j-1 {
		ops[i], ops[j] = ops[j], ops[i]
	}
	return ops
}
