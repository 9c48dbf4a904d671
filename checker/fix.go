package checker

import (
	"fmt"
	"sort"

	"github.com/gonix/gonix/parser"
)

// maxFixRounds bounds the fix loop (each round re-parses and re-checks).
const maxFixRounds = 64

// FixResult is the outcome of FixSource.
type FixResult struct {
	// Src is the fixed source (the input when nothing changed).
	Src string
	// Applied counts the fixes applied.
	Applied int
	// Changed reports whether Src differs from the input.
	Changed bool
	// Remaining are the findings of the fixed source.
	Remaining []Finding
	// Tree is the parse of Src.
	Tree *parser.Tree
}

// FixSource applies the fixes of every enabled rule to src until none is
// left, like `statix fix`: each round takes the fixes that do not overlap
// (by the end of their ranges, first come first), applies them, and parses
// and checks the result again. A round whose result does not parse is
// retried one fix at a time, dropping the fixes that break the file. A
// file with syntax errors is left alone. When opts.Format is set and the
// input was already formatted (Format(src) == src), the result is
// formatted too. The pipe operators |> and <| are accepted.
func FixSource(name, src string, opts *Options) (FixResult, error) {
	if opts == nil {
		opts = &Options{}
	}
	local := *opts
	local.Scope = nil // the tree changes every round
	po := parser.Options{Name: name, PipeOperators: true}
	tree := parser.ParseString(src, po)
	res := FixResult{Src: src, Tree: tree}
	if len(tree.Errors) > 0 {
		res.Remaining = Check(tree, &local)
		return res, nil
	}
	cur := src
	rejected := make(map[string]bool)
	var findings []Finding
	var checked *parser.Tree
	for round := 0; round < maxFixRounds; round++ {
		findings, checked = Check(tree, &local), tree
		sel := selectFixes(findings, rejected)
		if len(sel) == 0 {
			break
		}
		next, err := applyFixes(cur, sel)
		if err != nil {
			return res, fmt.Errorf("fixing %s: %w", name, err)
		}
		nt := parser.ParseString(next, po)
		n := len(sel)
		if len(nt.Errors) > 0 {
			next, nt, n = fixOneByOne(cur, sel, po, rejected)
		}
		if next == cur {
			break
		}
		cur, tree = next, nt
		res.Applied += n
	}
	if res.Applied > 0 && opts.Format != nil {
		if f, err := opts.Format(src); err == nil && f == src {
			if g, err := opts.Format(cur); err == nil {
				if gt := parser.ParseString(g, po); len(gt.Errors) == 0 {
					cur, tree = g, gt
				}
			}
		}
	}
	res.Src, res.Tree = cur, tree
	res.Changed = cur != src
	if checked != tree {
		findings = Check(tree, &local)
	}
	res.Remaining = findings
	return res, nil
}

// fixKey identifies a fix across rounds (to drop one that breaks files).
func fixKey(f *Finding) string {
	s, e := f.Fix.span()
	return fmt.Sprintf("%s:%d:%d:%v", f.Code, s, e, f.Fix.Edits)
}

// selectFixes picks the fixes of one round as statix does: ordered by the
// end of their ranges, each taken when it starts after the previous one
// taken ends.
func selectFixes(fs []Finding, rejected map[string]bool) []*Finding {
	var cands []*Finding
	for i := range fs {
		if fs[i].Fix != nil && !rejected[fixKey(&fs[i])] {
			cands = append(cands, &fs[i])
		}
	}
	// Pre-order: outer findings before inner ones at the same start.
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].Start != cands[j].Start {
			return cands[i].Start < cands[j].Start
		}
		return cands[i].End > cands[j].End
	})
	sort.SliceStable(cands, func(i, j int) bool {
		_, ei := cands[i].Fix.span()
		_, ej := cands[j].Fix.span()
		return ei < ej
	})
	var sel []*Finding
	lastEnd := -1
	for _, f := range cands {
		s, e := f.Fix.span()
		if len(sel) > 0 && s <= lastEnd {
			continue
		}
		sel = append(sel, f)
		lastEnd = e
	}
	return sel
}

func applyFixes(src string, sel []*Finding) (string, error) {
	var edits []Edit
	for _, f := range sel {
		edits = append(edits, f.Fix.Edits...)
	}
	return ApplyEdits(src, edits)
}

// fixOneByOne applies the selected fixes from last to first, keeping only
// those after which the file still parses.
func fixOneByOne(src string, sel []*Finding, po parser.Options, rejected map[string]bool) (string, *parser.Tree, int) {
	cur := src
	tree := parser.ParseString(src, po)
	n := 0
	for i := len(sel) - 1; i >= 0; i-- {
		next, err := ApplyEdits(cur, sel[i].Fix.Edits)
		if err != nil {
			rejected[fixKey(sel[i])] = true
			continue
		}
		nt := parser.ParseString(next, po)
		if len(nt.Errors) > 0 {
			rejected[fixKey(sel[i])] = true
			continue
		}
		cur, tree = next, nt
		n++
	}
	return cur, tree, n
}
