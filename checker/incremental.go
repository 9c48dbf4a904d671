package checker

import (
	"fmt"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// Incremental checking. An Incremental keeps the findings of a check
// grouped by where they come from: the syntactic rules of each node, each
// undefined name, the rules of each scope, and the unused-code analysis
// of each let and function. After an edit that scope.Update resolved
// locally, Update runs again only the groups the edit can change: the
// nodes inside the re-resolved root and its ancestors, the scopes inside
// it, around it and visible at it, and the let and function nodes whose
// bindings gained or lost a reference; every other group keeps its
// findings with their offsets moved. The findings are identical to Check
// on the new tree (tested).

// Incremental is a check of one tree that Update carries over edits.
// It is immutable.
type Incremental struct {
	tree  *parser.Tree
	res   *scope.Result
	opts  Options
	rules *RuleSet
	sup   *suppressions
	// findings is the sorted result.
	findings []Finding
	// updatable is false when Update must check from scratch (syntax
	// errors, a `deadnix: skip` comment, an internal failure).
	updatable bool

	parse  []Finding
	walk   []unit // by node, in pre-order
	undef  []unit // by undefined name
	scopes []unit // by scope node
	dead   []unit // by let or lambda node
	// withUses counts, per with node (sorted by ID), the names it
	// provides.
	withUses []withUse
	// local reports that Update carried the previous check over (for
	// tests).
	local bool
	// noPragma is a token table without `deadnix: skip` comments
	// (all -1), shared by the updates.
	noPragma []int32
}

// unit is the findings of one node's group.
type unit struct {
	id int32
	fs []Finding
}

type withUse struct{ id, n int32 }

// NewIncremental checks t like Check and keeps what Update needs. When
// opts.Scope is nil, t is resolved with opts.ScopeOptions.
func NewIncremental(t *parser.Tree, opts *Options) *Incremental {
	if opts == nil {
		opts = &Options{}
	}
	inc := &Incremental{tree: t, opts: *opts}
	inc.res = opts.Scope
	if inc.res == nil {
		inc.res = scope.Resolve(t, opts.ScopeOptions)
	}
	inc.opts.Scope = inc.res
	inc.rules = opts.Rules
	if inc.rules == nil {
		def := DefaultRules()
		inc.rules = &def
	}
	c := inc.newCtx(t, inc.res)
	if !c.opts.IgnoreSuppressions {
		c.sup = parseSuppressions(t)
	}
	inc.sup = c.sup
	defer func() {
		if r := recover(); r != nil {
			inc.internalError(r)
		}
	}()
	inc.fresh(c)
	inc.finish()
	return inc
}

// Findings returns the findings, ordered like Check's (shared: do not
// modify).
func (inc *Incremental) Findings() []Finding { return inc.findings }

// Scope returns the resolution the check used.
func (inc *Incremental) Scope() *scope.Result { return inc.res }

// Tree returns the checked tree.
func (inc *Incremental) Tree() *parser.Tree { return inc.tree }

func (inc *Incremental) newCtx(t *parser.Tree, res *scope.Result) *ctx {
	return &ctx{t: t, src: t.Src, res: res, rules: inc.rules, opts: &inc.opts, sup: inc.sup}
}

func (inc *Incremental) internalError(r any) {
	inc.updatable = false
	inc.findings = append(inc.findings, Finding{
		Code: "G000", Name: "internal-error", Severity: SeverityError,
		Message: fmt.Sprintf("gonix check failed on this file (please report): %v\n%s", r, firstLines(string(debug.Stack()), 12)),
	})
}

// take moves c's findings into a new slice.
func take(c *ctx) []Finding {
	if len(c.out) == 0 {
		return nil
	}
	fs := append([]Finding(nil), c.out...)
	c.out = c.out[:0]
	return fs
}

// fresh checks the whole tree.
func (inc *Incremental) fresh(c *ctx) {
	t := inc.tree
	c.parseErrors()
	inc.parse = take(c)
	var visit func(n parser.Node)
	visit = func(n parser.Node) {
		c.visit(n)
		if fs := take(c); fs != nil {
			inc.walk = append(inc.walk, unit{int32(n.ID()), fs})
		}
		for ch := n.FirstChild(); ch.Valid(); ch = ch.Next() {
			visit(ch)
		}
	}
	visit(t.Root())
	for _, n := range c.res.Undefined {
		c.undefinedLint(n)
		if fs := take(c); fs != nil {
			inc.undef = append(inc.undef, unit{int32(n.ID()), fs})
		}
	}
	for _, s := range c.res.Scopes {
		if s.Kind == scope.With {
			c.inheritWithRefs(s)
		}
		c.scopeLint(s, c.usedWith[s])
		if fs := take(c); fs != nil {
			inc.scopes = append(inc.scopes, unit{int32(s.Node.ID()), fs})
		}
	}
	c.deadnix()
	inc.dead = deadUnits(t, take(c))
	inc.updatable = len(t.Errors) == 0 && !strings.Contains(t.Src, "deadnix: skip")
	if inc.updatable {
		var uses []withUse
		for id := 0; id < t.NumNodes(); id++ {
			if n := t.NodeByID(id); isRefKind(n) {
				uses = addWithUses(uses, inc.res, n, 1, nil)
			}
		}
		inc.withUses = uses
	}
}

// deadUnits groups the unused-code findings by the let or lambda node
// that binds the name they report.
func deadUnits(t *parser.Tree, fs []Finding) []unit {
	var units []unit
	for _, f := range fs {
		n := t.NodeAt(f.Start)
		for n.Valid() && n.Kind() != parser.NodeLetIn && n.Kind() != parser.NodeLambda {
			n = n.Parent()
		}
		id := int32(-1)
		if n.Valid() {
			id = int32(n.ID())
		}
		if k := len(units) - 1; k >= 0 && units[k].id == id {
			units[k].fs = append(units[k].fs, f)
		} else {
			units = append(units, unit{id, []Finding{f}})
		}
	}
	return units
}

// isRefKind reports whether n can be a reference: an identifier or the
// name of an inherit.
func isRefKind(n parser.Node) bool {
	k := n.Kind()
	return k == parser.NodeIdent || k == parser.NodeAttrName
}

// addWithUses adds d to the count of every with that n (a reference)
// resolves through, keeping uses sorted by node ID. mapID, when set,
// renumbers the with nodes (and drops those it rejects).
func addWithUses(uses []withUse, res *scope.Result, n parser.Node, d int32, mapID func(int) (int, bool)) []withUse {
	ref, ok := res.RefOf(n)
	if !ok || ref.Def != nil || ref.With == nil {
		return uses
	}
	for s := ref.With; s != nil; s = s.Parent {
		if s.Kind != scope.With {
			continue
		}
		id := s.Node.ID()
		if mapID != nil {
			var ok bool
			if id, ok = mapID(id); !ok {
				continue
			}
		}
		i := sort.Search(len(uses), func(i int) bool { return int(uses[i].id) >= id })
		if i < len(uses) && int(uses[i].id) == id {
			uses[i].n += d
			continue
		}
		uses = append(uses, withUse{})
		copy(uses[i+1:], uses[i:])
		uses[i] = withUse{int32(id), d}
	}
	return uses
}

func (inc *Incremental) used(w *scope.Scope) bool {
	id := int32(w.Node.ID())
	i := sort.Search(len(inc.withUses), func(i int) bool { return inc.withUses[i].id >= id })
	return i < len(inc.withUses) && inc.withUses[i].id == id && inc.withUses[i].n > 0
}

// finish sorts the findings of every group into the result.
func (inc *Incremental) finish() {
	n := len(inc.parse)
	for _, g := range [][]unit{inc.walk, inc.undef, inc.scopes, inc.dead} {
		for _, u := range g {
			n += len(u.fs)
		}
	}
	out := make([]Finding, 0, n)
	out = append(out, inc.parse...)
	for _, g := range [][]unit{inc.walk, inc.undef, inc.scopes, inc.dead} {
		for _, u := range g {
			out = append(out, u.fs...)
		}
	}
	sortFindings(out)
	inc.findings = out
}

// Update checks t, which parser.Reparse derived from the checked tree and
// scope.Update resolved to res with ch, running again only the rules the
// edit can affect. It falls back to a check from scratch when the change
// is not local. inc is not modified.
func (inc *Incremental) Update(t *parser.Tree, res *scope.Result, ch *scope.Change) (next *Incremental) {
	fresh := func() *Incremental {
		o := inc.opts
		o.Scope = res
		return NewIncremental(t, &o)
	}
	if ch == nil || ch.Full || ch.Old != inc.res || !inc.updatable || len(t.Errors) > 0 || res == nil || res.Tree != t {
		return fresh()
	}
	oldText, newText := ch.OldRoot.Text(), ch.Root.Text()
	for _, w := range []string{"gonix", "statix", "deadnix"} {
		if strings.Contains(oldText, w) || strings.Contains(newText, w) {
			return fresh() // a suppression comment may have changed
		}
	}
	if inc.sup != nil && strings.Count(oldText, "\n") != strings.Count(newText, "\n") {
		return fresh() // lines moved under suppression comments
	}
	defer func() {
		if r := recover(); r != nil {
			next = fresh()
		}
	}()
	u := &updater{inc: inc, t: t, res: res, ch: ch}
	return u.run()
}

// updater carries one Incremental over an edit.
type updater struct {
	inc *Incremental
	t   *parser.Tree
	res *scope.Result
	ch  *scope.Change
	// oldAnc and newAnc are the IDs of the root's ancestors in the old
	// and the new tree.
	oldAnc, newAnc []int
	bad            bool
}

func (u *updater) oldAncestor(id int) bool {
	for _, a := range u.oldAnc {
		if a == id {
			return true
		}
	}
	return false
}

// keep maps the units of a group outside the root, dropping those drop
// rejects.
func (u *updater) keep(units []unit, drop func(id int) bool) []unit {
	out := make([]unit, 0, len(units)+4)
	for _, x := range units {
		id := int(x.id)
		if u.ch.InOldRoot(id) || drop != nil && drop(id) {
			continue
		}
		nid, _ := u.ch.MapID(id)
		out = append(out, unit{int32(nid), u.shift(x.fs)})
	}
	return out
}

// shift moves the offsets of findings outside the root to the new text.
func (u *updater) shift(fs []Finding) []Finding {
	start := u.ch.OldRoot.Start()
	moved := false
	for i := range fs {
		f := &fs[i]
		if f.End > start || f.Start > start {
			moved = true
			break
		}
		for _, l := range f.Labels {
			if l.End > start {
				moved = true
			}
		}
		if f.Fix != nil {
			for _, e := range f.Fix.Edits {
				if e.End > start {
					moved = true
				}
			}
		}
	}
	if !moved || u.ch.Root.End()-u.ch.OldRoot.End() == 0 {
		return fs // nothing moves: share
	}
	off := func(o int) int {
		n, ok := u.ch.MapOffset(o)
		if !ok {
			u.bad = true
		}
		return n
	}
	out := make([]Finding, len(fs))
	for i, f := range fs {
		f.Start, f.End = off(f.Start), off(f.End)
		if len(f.Labels) > 0 {
			ls := make([]Label, len(f.Labels))
			for j, l := range f.Labels {
				l.Start, l.End = off(l.Start), off(l.End)
				ls[j] = l
			}
			f.Labels = ls
		}
		if f.Fix != nil {
			fix := &Fix{Title: f.Fix.Title, Edits: make([]Edit, len(f.Fix.Edits))}
			for j, e := range f.Fix.Edits {
				e.Start, e.End = off(e.Start), off(e.End)
				fix.Edits[j] = e
			}
			f.Fix = fix
		}
		out[i] = f
	}
	return out
}

func (u *updater) run() *Incremental {
	inc, ch, t := u.inc, u.ch, u.t
	next := &Incremental{tree: t, res: u.res, opts: inc.opts, rules: inc.rules, sup: inc.sup, updatable: true, noPragma: inc.noPragma}
	next.opts.Scope = u.res
	for n := ch.OldRoot.Parent(); n.Valid(); n = n.Parent() {
		u.oldAnc = append(u.oldAnc, n.ID())
	}
	for n := ch.Root.Parent(); n.Valid(); n = n.Parent() {
		u.newAnc = append(u.newAnc, n.ID())
	}
	c := next.newCtx(t, u.res)

	// The names each with provides, and the scopes whose definitions
	// gained or lost references.
	touched := map[int]bool{}
	uses := append([]withUse(nil), inc.withUses...)
	keepUses := uses[:0]
	for _, w := range uses {
		if id := int(w.id); !ch.InOldRoot(id) {
			nid, _ := ch.MapID(id)
			keepUses = append(keepUses, withUse{int32(nid), w.n})
		}
	}
	uses = keepUses
	for id := ch.OldLo; id <= ch.OldRoot.ID(); id++ {
		n := ch.OldRoot.Tree().NodeByID(id)
		if !isRefKind(n) {
			continue
		}
		uses = addWithUses(uses, inc.res, n, -1, ch.MapID)
		if ref, ok := inc.res.RefOf(n); ok && ref.Def != nil && ref.Def.Scope.Node.Valid() {
			if nid, ok := ch.MapID(ref.Def.Scope.Node.ID()); ok {
				touched[nid] = true
			}
		}
	}
	for id := ch.OldLo; id <= ch.Root.ID(); id++ {
		n := t.NodeByID(id)
		if !isRefKind(n) {
			continue
		}
		uses = addWithUses(uses, u.res, n, 1, nil)
		if ref, ok := u.res.RefOf(n); ok && ref.Def != nil && ref.Def.Scope.Node.Valid() {
			touched[ref.Def.Scope.Node.ID()] = true
		}
	}
	next.withUses = uses

	// Syntactic rules: the root's subtree and its ancestors.
	next.walk = u.keep(inc.walk, u.oldAncestor)
	var visit func(n parser.Node)
	visit = func(n parser.Node) {
		c.visit(n)
		if fs := take(c); fs != nil {
			next.walk = append(next.walk, unit{int32(n.ID()), fs})
		}
		for ch := n.FirstChild(); ch.Valid(); ch = ch.Next() {
			visit(ch)
		}
	}
	visit(ch.Root)
	dnScopes := c.dnScopes
	c.dnScopes = nil
	for _, id := range u.newAnc {
		n := t.NodeByID(id)
		c.visit(n)
		if fs := take(c); fs != nil {
			next.walk = append(next.walk, unit{int32(id), fs})
		}
	}
	for _, n := range c.dnScopes {
		if touched[n.ID()] {
			dnScopes = append(dnScopes, n)
		}
	}
	sortPreorder(t, next.walk)

	// Undefined names.
	next.undef = u.keep(inc.undef, nil)
	for _, n := range u.res.Undefined {
		if ch.InRoot(n.ID()) {
			c.undefinedLint(n)
			if fs := take(c); fs != nil {
				next.undef = append(next.undef, unit{int32(n.ID()), fs})
			}
		}
	}
	sortPreorder(t, next.undef)

	// Scopes inside the root, around it, and visible at it.
	again := map[int]bool{}
	for _, id := range u.newAnc {
		again[id] = true
	}
	for _, s := range ch.Chain {
		if s.Node.Valid() {
			again[s.Node.ID()] = true
		}
	}
	next.scopes = u.keep(inc.scopes, func(id int) bool {
		nid, _ := ch.MapID(id)
		return again[nid]
	})
	for _, s := range u.res.Scopes {
		id := s.Node.ID()
		if !ch.InRoot(id) && !again[id] {
			continue
		}
		c.scopeLint(s, s.Kind == scope.With && next.used(s))
		if fs := take(c); fs != nil {
			next.scopes = append(next.scopes, unit{int32(id), fs})
		}
	}
	sortPreorder(t, next.scopes)

	// Unused code: the lets and functions inside the root, and those
	// around it whose bindings' references changed.
	redo := map[int]bool{}
	for _, n := range dnScopes {
		redo[n.ID()] = true
	}
	next.dead = u.keep(inc.dead, func(id int) bool {
		nid, _ := ch.MapID(id)
		return redo[nid]
	})
	if len(dnScopes) > 0 {
		// The file has no `deadnix: skip` comment (else no update).
		if len(next.noPragma) < t.NumTokens() {
			next.noPragma = make([]int32, t.NumTokens()+t.NumTokens()/8)
			for i := range next.noPragma {
				next.noPragma[i] = -1
			}
		}
		c.pragmaBreaks = next.noPragma
		c.deadnixIn(dnScopes)
		next.dead = append(next.dead, deadUnits(t, take(c))...)
	}
	sortPreorder(t, next.dead)
	if u.bad {
		o := inc.opts
		o.Scope = u.res
		return NewIncremental(t, &o)
	}
	next.finish()
	next.local = true
	return next
}

// sortPreorder orders units by their nodes in pre-order.
func sortPreorder(t *parser.Tree, units []unit) {
	sort.SliceStable(units, func(i, j int) bool {
		a, b := units[i].id, units[j].id
		if a < 0 || b < 0 {
			return a > b
		}
		na, nb := t.NodeByID(int(a)), t.NodeByID(int(b))
		if na.Start() != nb.Start() {
			return na.Start() < nb.Start()
		}
		return a > b
	})
}
