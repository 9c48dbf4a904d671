package lsp

import (
	"fmt"
	"sort"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// Call diagnostics: calls of a function literal of the same file with a
// literal set whose attributes cannot match the function's formals. They
// are kept per call, with the nodes the function was found through, so
// that after an edit only the calls the edit can affect are checked
// again.

// callDiag is one call diagnostic, in byte offsets.
type callDiag struct {
	start, end int
	code, msg  string
	// patStart, patEnd delimit the function's formals (for the related
	// location and the add-ellipsis fix of unexpected arguments).
	patStart, patEnd int
}

// callEntry is one call with a literal set argument.
type callEntry struct {
	id int32 // the Apply node
	// deps[depLo:depHi] of the state are the nodes its function was
	// followed through.
	depLo, depHi int32
	diags        []callDiag
}

// callState is the call diagnostics of one tree, in pre-order of the
// calls.
type callState struct {
	entries []callEntry
	deps    []int32
}

// newCallState checks every call of a tree.
func newCallState(t *parser.Tree, res *scope.Result) *callState {
	cs := &callState{}
	walk(t.Root(), func(n parser.Node) bool {
		if n.Kind() == parser.NodeApply {
			cs.check(n, res)
		}
		return true
	})
	return cs
}

// check appends the entry of call n, if its argument is a literal set.
func (cs *callState) check(n parser.Node, res *scope.Result) {
	arg := parser.Unparen(n.Arg())
	if arg.Kind() != parser.NodeAttrSet || arg.IsRec() {
		return
	}
	e := callEntry{id: int32(n.ID()), depLo: int32(len(cs.deps))}
	lam := followLambda(res, n.Func(), &cs.deps)
	e.depHi = int32(len(cs.deps))
	if lam.Valid() {
		if pat := lam.Pattern(); pat.Valid() {
			e.diags = callMismatch(arg, pat)
		}
	}
	cs.entries = append(cs.entries, e)
}

// callMismatch compares a literal argument set with a function's formals.
func callMismatch(arg, pat parser.Node) []callDiag {
	var out []callDiag
	formals := map[string]bool{}
	for _, f := range pat.Formals() {
		formals[f.Param().Name()] = true
	}
	attrs, _ := parser.MergeBindings(arg)
	given := map[string]bool{}
	for _, at := range attrs.Attrs {
		given[at.Name] = true
		if !formals[at.Name] && !pat.HasEllipsis() {
			out = append(out, callDiag{start: at.Pos, end: at.Pos + len(at.Name), code: codeUnexpectedArgument,
				msg: fmt.Sprintf("function called with unexpected argument '%s'", at.Name), patStart: pat.Start(), patEnd: pat.End()})
		}
	}
	if len(attrs.Dynamic) == 0 {
		var missing []string
		for _, f := range pat.Formals() {
			if name := f.Param().Name(); !f.Default().Valid() && !given[name] {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			out = append(out, callDiag{start: arg.Start(), end: arg.Start() + 1, code: codeMissingArgument,
				msg: fmt.Sprintf("function called without required argument '%s'", strings.Join(missing, "', '")), patStart: -1})
		}
	}
	return out
}

// followLambda follows an expression within one file to a function
// literal (through parentheses and let and rec bindings; diagnostics
// must not depend on other files), recording the nodes it passes.
func followLambda(res *scope.Result, n parser.Node, deps *[]int32) parser.Node {
	for i := 0; i < maxFollow && n.Valid(); i++ {
		*deps = append(*deps, int32(n.ID()))
		switch n.Kind() {
		case parser.NodeParen:
			n = parser.Unparen(n)
		case parser.NodeLambda:
			return n
		case parser.NodeIdent:
			ref, ok := res.RefOf(n)
			if !ok || ref.Def == nil {
				return parser.Node{}
			}
			at := ref.Def.Attr()
			if at == nil || at.Kind != parser.AttrPlain {
				return parser.Node{}
			}
			n = at.Value
		default:
			return parser.Node{}
		}
	}
	return parser.Node{}
}

// update returns the call diagnostics of t, which scope.Update derived
// with ch from the tree cs describes: the calls inside the re-resolved
// root, around it, and those whose function was found through it are
// checked again; the others keep their diagnostics, moved.
func (cs *callState) update(t *parser.Tree, res *scope.Result, ch *scope.Change) *callState {
	if ch == nil || ch.Full {
		return newCallState(t, res)
	}
	if cs.unchanged(res, ch) {
		return cs
	}
	oldAnc := map[int32]bool{}
	for n := ch.OldRoot.Parent(); n.Valid(); n = n.Parent() {
		oldAnc[int32(n.ID())] = true
	}
	affected := func(id int32) bool { return ch.InOldRoot(int(id)) || oldAnc[id] }
	mapID := func(id int32) int32 {
		n, _ := ch.MapID(int(id))
		return int32(n)
	}
	delta := ch.Root.End() - ch.OldRoot.End()
	rootStart := ch.OldRoot.Start()
	next := &callState{entries: make([]callEntry, 0, len(cs.entries)+4), deps: make([]int32, 0, len(cs.deps)+8)}
	var inserted bool
	insertRoot := func() {
		inserted = true
		walk(ch.Root, func(n parser.Node) bool {
			if n.Kind() == parser.NodeApply {
				next.check(n, res)
			}
			return true
		})
	}
	for _, e := range cs.entries {
		if ch.InOldRoot(int(e.id)) {
			continue // found again below
		}
		if !inserted && t.NodeByID(int(mapID(e.id))).Start() >= ch.Root.End() {
			insertRoot()
		}
		again := oldAnc[e.id]
		for _, d := range cs.deps[e.depLo:e.depHi] {
			if affected(d) {
				again = true
				break
			}
		}
		if again {
			next.check(t.NodeByID(int(mapID(e.id))), res)
			continue
		}
		ne := callEntry{id: mapID(e.id), depLo: int32(len(next.deps)), diags: e.diags}
		for _, d := range cs.deps[e.depLo:e.depHi] {
			next.deps = append(next.deps, mapID(d))
		}
		ne.depHi = int32(len(next.deps))
		if delta != 0 && len(e.diags) > 0 {
			ne.diags = make([]callDiag, len(e.diags))
			for i, d := range e.diags {
				d.start, d.end = shiftOff(d.start, rootStart, delta), shiftOff(d.end, rootStart, delta)
				if d.patStart >= 0 {
					d.patStart, d.patEnd = shiftOff(d.patStart, rootStart, delta), shiftOff(d.patEnd, rootStart, delta)
				}
				ne.diags[i] = d
			}
		}
		next.entries = append(next.entries, ne)
	}
	if !inserted {
		insertRoot()
	}
	return next
}

// unchanged reports whether cs holds for the new tree as it is: the edit
// moved no node numbers and no offsets (as when a character of a literal
// is replaced), no call outside the re-resolved root depends on it, and
// the root's calls check as before. A callState holds no tree, so it is
// then shared, and an edit costs a look at the calls instead of a copy.
func (cs *callState) unchanged(res *scope.Result, ch *scope.Change) bool {
	if ch.Root.ID() != ch.OldRoot.ID() || ch.Root.End() != ch.OldRoot.End() || ch.Root.Start() != ch.OldRoot.Start() {
		return false
	}
	var anc []int32
	for n := ch.OldRoot.Parent(); n.Valid(); n = n.Parent() {
		anc = append(anc, int32(n.ID()))
	}
	affected := func(id int32) bool {
		if ch.InOldRoot(int(id)) {
			return true
		}
		for _, a := range anc {
			if a == id {
				return true
			}
		}
		return false
	}
	lo, hi := len(cs.entries), len(cs.entries)
	for i, e := range cs.entries {
		if ch.InOldRoot(int(e.id)) {
			if lo == len(cs.entries) {
				lo = i
			}
			hi = i + 1
			continue
		}
		if affected(e.id) {
			return false
		}
		for _, d := range cs.deps[e.depLo:e.depHi] {
			if affected(d) {
				return false
			}
		}
	}
	root := &callState{}
	walk(ch.Root, func(n parser.Node) bool {
		if n.Kind() == parser.NodeApply {
			root.check(n, res)
		}
		return true
	})
	if len(root.entries) != hi-lo {
		return false
	}
	for i, e := range root.entries {
		o := cs.entries[lo+i]
		if e.id != o.id || e.depHi-e.depLo != o.depHi-o.depLo || len(e.diags) != len(o.diags) {
			return false
		}
		for j, d := range root.deps[e.depLo:e.depHi] {
			if cs.deps[o.depLo+int32(j)] != d {
				return false
			}
		}
		for j, d := range e.diags {
			if o.diags[j] != d {
				return false
			}
		}
	}
	return true
}

// shiftOff moves an offset outside an edited node starting at start.
func shiftOff(off, start, delta int) int {
	if off <= start {
		return off
	}
	return off + delta
}

// protocol converts the diagnostics to the protocol's form.
func (cs *callState) protocol(a *Analysis) []protocol.Diagnostic {
	var out []protocol.Diagnostic
	for _, e := range cs.entries {
		for _, d := range e.diags {
			pd := protocol.Diagnostic{
				Range: a.rng(d.start, d.end), Severity: protocol.DiagnosticSeverityError,
				Source: diagSource, Code: d.code, Message: d.msg,
			}
			if d.patStart >= 0 {
				pd.Data = diagData{Fix: "add-ellipsis", Start: d.patStart, End: d.patEnd}
				pd.RelatedInformation = []protocol.DiagnosticRelatedInformation{{
					Location: protocol.Location{URI: a.Doc.URI, Range: a.rng(d.patStart, d.patEnd)}, Message: "the function's formals"}}
			}
			out = append(out, pd)
		}
	}
	return out
}

// sortedByPreorder reports whether the entries are in pre-order (for
// tests).
func (cs *callState) sortedByPreorder(t *parser.Tree) bool {
	return sort.SliceIsSorted(cs.entries, func(i, j int) bool {
		a, b := t.NodeByID(int(cs.entries[i].id)), t.NodeByID(int(cs.entries[j].id))
		return a.Start() < b.Start() || a.Start() == b.Start() && a.ID() > b.ID()
	})
}
