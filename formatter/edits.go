package formatter

import (
	"bytes"
	"sort"
)

// Edit replaces the bytes [Start, End) of the original text by Text.
type Edit struct {
	Start, End int
	Text       string
}

// Diff returns the edits that turn old into new: whole lines replaced,
// inserted or deleted, in increasing order and not overlapping. Applying
// them all to old gives new.
func Diff(old, new []byte) []Edit {
	a, b := splitLines(old), splitLines(new)
	// Common prefix and suffix first: formatting usually changes little.
	pre := 0
	for pre < len(a) && pre < len(b) && bytes.Equal(a[pre], b[pre]) {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && bytes.Equal(a[len(a)-1-suf], b[len(b)-1-suf]) {
		suf++
	}
	offsets := make([]int, len(a)+1)
	for i, l := range a {
		offsets[i+1] = offsets[i] + len(l)
	}
	var edits []Edit
	ops := lcsOps(a[pre:len(a)-suf], b[pre:len(b)-suf])
	if ops == nil && (len(a)-suf > pre || len(b)-suf > pre) {
		var text bytes.Buffer
		for _, l := range b[pre : len(b)-suf] {
			text.Write(l)
		}
		return []Edit{{Start: offsets[pre], End: offsets[len(a)-suf], Text: text.String()}}
	}
	i, j := pre, pre
	for k := 0; k < len(ops); {
		if ops[k] == opKeep {
			i++
			j++
			k++
			continue
		}
		start, sj := offsets[i], j
		for k < len(ops) && ops[k] != opKeep {
			if ops[k] == opDel {
				i++
			} else {
				j++
			}
			k++
		}
		var text bytes.Buffer
		for _, l := range b[sj:j] {
			text.Write(l)
		}
		edits = append(edits, Edit{Start: start, End: offsets[i], Text: text.String()})
	}
	return edits
}

// splitLines splits after each '\n', keeping it.
func splitLines(s []byte) [][]byte {
	var out [][]byte
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

type diffOp uint8

const (
	opKeep diffOp = iota
	opDel
	opIns
)

// maxDiffDistance bounds the work of lcsOps; beyond it the changed middle
// is replaced whole.
const maxDiffDistance = 500

// lcsOps computes an edit script with Myers' O(ND) algorithm, or nil when
// more than maxDiffDistance lines differ.
func lcsOps(a, b [][]byte) []diffOp {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		ops := make([]diffOp, 0, n+m)
		for range n {
			ops = append(ops, opDel)
		}
		for range m {
			ops = append(ops, opIns)
		}
		return ops
	}
	maxD := n + m
	off := maxD + 1
	v := make([]int, 2*maxD+4)
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		if d > maxDiffDistance {
			return nil
		}
		// Keep the diagonals -d-1..d+1 as they are before step d.
		snap := make([]int, 2*d+3)
		copy(snap, v[off-d-1:off+d+2])
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && bytes.Equal(a[x], b[y]) {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, a, b, d)
			}
		}
	}
	return nil
}

func backtrack(trace [][]int, a, b [][]byte, d int) []diffOp {
	var ops []diffOp
	x, y := len(a), len(b)
	for ; d > 0; d-- {
		snap := trace[d]
		at := func(k int) int { return snap[k+d+1] }
		k := x - y
		var pk int
		if k == -d || k != d && at(k-1) < at(k+1) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			ops = append(ops, opKeep)
			x--
			y--
		}
		if x == px {
			ops = append(ops, opIns)
			y--
		} else {
			ops = append(ops, opDel)
			x--
		}
	}
	for x > 0 && y > 0 {
		ops = append(ops, opKeep)
		x--
		y--
	}
	for i, j := 0, len(ops)-1; i < j; i, j = i+1, j-1 {
		ops[i], ops[j] = ops[j], ops[i]
	}
	return ops
}

// FormatRange formats the whole document and returns the edits that touch
// the byte range [start, end) of src (an edit touching it is returned
// whole, so it may reach beyond the range). Formatting only part of a Nix
// file is not meaningful on its own, since layout depends on the
// surrounding code; editors get the changes within their selection.
func FormatRange(src []byte, start, end int, opts Options) ([]Edit, error) {
	out, err := Format(src, opts)
	if err != nil {
		return nil, err
	}
	all := Diff(src, out)
	if start > end {
		start, end = end, start
	}
	i := sort.Search(len(all), func(i int) bool { return all[i].End >= start })
	var edits []Edit
	for ; i < len(all) && all[i].Start <= end; i++ {
		e := all[i]
		if e.End < start || e.Start > end || e.Start == end && e.End > e.Start {
			continue
		}
		edits = append(edits, e)
	}
	return edits, nil
}

// Apply applies non-overlapping edits, given in increasing order, to src.
func Apply(src []byte, edits []Edit) []byte {
	var b bytes.Buffer
	last := 0
	for _, e := range edits {
		b.Write(src[last:e.Start])
		b.WriteString(e.Text)
		last = e.End
	}
	b.Write(src[last:])
	return b.Bytes()
}
