package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// Evaluation-backed features: evaluation errors as diagnostics (a
// background evaluation of each document once it has stayed unchanged
// for a moment, cancelled by the next edit), values of evaluable bindings
// in hover, attribute names of evaluated sets in completion, and the
// option names of configured module systems. Jobs run through the
// evaluator (evalrun.go) with the configured time and memory limits.

// stepsPerMs converts the time limit into the step limit of a job (a
// bound for jobs run in process, which cannot be killed).
const stepsPerMs = 20000

// Time limits of the evaluations requests wait for.
const (
	hoverEvalTimeout      = 1500 * time.Millisecond
	completionEvalTimeout = 2 * time.Second
)

// evalEnabled reports whether evaluation features run.
func (s *Server) evalEnabled(cfg *Config) bool { return cfg.evalOn() && s.ev.available() }

// evalEnv lists the environment variables evaluation may read.
var evalEnv = []string{"HOME", "USER", "NIX_PATH", "NIX_STORE_DIR", "NIXPKGS_CONFIG",
	"NIXPKGS_ALLOW_UNFREE", "NIXPKGS_ALLOW_BROKEN", "NIXPKGS_ALLOW_INSECURE"}

// newJob returns a job with the configured lookup path and limits.
func (s *Server) newJob(st *state, kind, origin, text, baseDir string) *evalJob {
	cfg := st.cfg
	sp := append([]string(nil), cfg.NixPath...)
	if np := s.opts.Getenv("NIX_PATH"); np != "" {
		sp = append(sp, np)
	}
	env := map[string]string{}
	for _, k := range evalEnv {
		if v := s.opts.Getenv(k); v != "" {
			env[k] = v
		}
	}
	return &evalJob{Kind: kind, Origin: origin, Text: text, BaseDir: baseDir, SearchPath: sp, Env: env,
		StepLimit: int64(cfg.Eval.TimeoutMs) * stepsPerMs, MaxListSize: 1 << 22, MemoryMB: cfg.Eval.MemoryMB}
}

// docOrigin is the name a document's positions carry in evaluation: its
// path, or its URI when it has none.
func docOrigin(d *Document) string {
	if d.Path != "" {
		return d.Path
	}
	return string(d.URI)
}

// docBaseDir is where a document's relative paths start.
func docBaseDir(st *state, d *Document) string {
	if d.Path != "" {
		return filepath.Dir(d.Path)
	}
	if len(st.folders) > 0 {
		return st.folders[0]
	}
	return "/"
}

// evalScheduler evaluates each open document in the background once it
// has stayed unchanged for the configured delay; a new version cancels
// the evaluation of the previous one.
type evalScheduler struct {
	s       *Server
	mu      sync.Mutex
	runs    map[protocol.DocumentURI]*evalRun
	stopped bool
}

type evalRun struct {
	timer  *time.Timer
	cancel context.CancelFunc
}

func newEvalScheduler(s *Server) *evalScheduler {
	return &evalScheduler{s: s, runs: map[protocol.DocumentURI]*evalRun{}}
}

// schedule plans the evaluation of d, cancelling any pending or running
// evaluation of an earlier version.
func (es *evalScheduler) schedule(d *Document) {
	st := es.s.snapshot()
	es.mu.Lock()
	defer es.mu.Unlock()
	es.cancelLocked(d.URI)
	if es.stopped || !es.s.evalEnabled(st.cfg) {
		return
	}
	ctx, cancel := context.WithCancel(es.s.ctx)
	run := &evalRun{cancel: cancel}
	run.timer = time.AfterFunc(time.Duration(st.cfg.Eval.DelayMs)*time.Millisecond, func() { es.check(ctx, d) })
	es.runs[d.URI] = run
}

func (es *evalScheduler) cancelLocked(u protocol.DocumentURI) {
	if r := es.runs[u]; r != nil {
		r.timer.Stop()
		r.cancel()
		delete(es.runs, u)
	}
}

// forget cancels the evaluation of a closed document.
func (es *evalScheduler) forget(u protocol.DocumentURI) {
	es.mu.Lock()
	defer es.mu.Unlock()
	es.cancelLocked(u)
}

func (es *evalScheduler) stop() {
	es.mu.Lock()
	defer es.mu.Unlock()
	es.stopped = true
	for u := range es.runs {
		es.cancelLocked(u)
	}
}

// maxEvalDocument is the largest document evaluated for diagnostics.
const maxEvalDocument = 4 << 20

// check evaluates d and, unless cancelled meanwhile, tells the client
// that its diagnostics changed.
func (es *evalScheduler) check(ctx context.Context, d *Document) {
	s := es.s
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in background evaluation", zap.Any("panic", r))
		}
	}()
	a, err := d.Analyze()
	if err != nil || ctx.Err() != nil || len(d.Text) > maxEvalDocument {
		return
	}
	res := &evalResult{}
	// Syntax errors and undefined names stop Nix before evaluation; the
	// static diagnostics already show them.
	if len(a.Tree.Errors) == 0 && len(a.Scope.Undefined) == 0 {
		st := s.snapshot()
		job := s.newJob(st, jobCheck, docOrigin(d), d.Text, docBaseDir(st, d))
		res = s.ev.run(ctx, job, time.Duration(st.cfg.Eval.TimeoutMs)*time.Millisecond)
		if ctx.Err() != nil {
			return
		}
		if res.Failure != "" {
			s.log.Info("background evaluation stopped", zap.String("uri", string(d.URI)), zap.String("reason", res.Failure))
		}
	}
	d.evalRes.Store(res)
	if res.Error == nil {
		return // nothing to add
	}
	s.mu.Lock()
	caps := s.caps
	s.mu.Unlock()
	switch {
	case !caps.pullDiagnostics:
		s.diags.schedule(d, 0)
	case caps.diagnosticRefresh:
		if err := s.call(s.ctx, "workspace/diagnostic/refresh", nil, nil); err != nil {
			s.log.Debug("workspace/diagnostic/refresh", zap.Error(err))
		}
	}
}

// evalDiagnostics reports the evaluation error of the document version,
// once its background evaluation has finished.
func (s *Server) evalDiagnostics(ctx context.Context, st *state, a *Analysis) []protocol.Diagnostic {
	if !s.evalEnabled(st.cfg) {
		return nil
	}
	res := a.Doc.evalRes.Load()
	if res == nil || res.Error == nil {
		return nil
	}
	return []protocol.Diagnostic{evalDiagnostic(a, res.Error)}
}

// evalDiagnostic places an evaluation error in the document: at its own
// position when that is in the document, else at the innermost trace
// line in it, else at the top of the file. The trace becomes related
// information, outermost first as Nix prints it.
func evalDiagnostic(a *Analysis, e *evalError) protocol.Diagnostic {
	origin := docOrigin(a.Doc)
	inDoc := func(l evalLoc) bool { return l.Line > 0 && l.Path == "" && l.Origin == origin }
	at := -1
	msg := e.Msg
	if inDoc(e.Loc) {
		at = a.locOffset(e.Loc)
	} else {
		for _, t := range e.Traces {
			if inDoc(t.Loc) {
				at = a.locOffset(t.Loc)
				break
			}
		}
		if e.Loc.Line > 0 {
			msg += fmt.Sprintf(" (at %s:%d:%d)", locName(e.Loc), e.Loc.Line, e.Loc.Col)
		}
	}
	start, end := 0, 0
	if at >= 0 {
		start, end = at, tokenEndAt(a.Tree, at)
	}
	d := protocol.Diagnostic{
		Range: a.rng(start, end), Severity: protocol.DiagnosticSeverityError, Source: diagSource + " eval",
		Code: codeEval, Message: msg,
	}
	related := func(l evalLoc, m string) {
		var loc protocol.Location
		switch {
		case inDoc(l):
			off := a.locOffset(l)
			loc = protocol.Location{URI: a.Doc.URI, Range: a.rng(off, tokenEndAt(a.Tree, off))}
		case l.Path != "" && l.Line > 0:
			p := protocol.Position{Line: uint32(l.Line - 1), Character: uint32(max(l.Col-1, 0))}
			loc = protocol.Location{URI: pathToURI(l.Path), Range: protocol.Range{Start: p, End: p}}
		default:
			return
		}
		d.RelatedInformation = append(d.RelatedInformation, protocol.DiagnosticRelatedInformation{Location: loc, Message: m})
	}
	for i := len(e.Traces) - 1; i >= 0; i-- {
		related(e.Traces[i].Loc, e.Traces[i].Msg)
	}
	if !inDoc(e.Loc) || at != a.locOffset(e.Loc) {
		related(e.Loc, e.Msg)
	}
	return d
}

func locName(l evalLoc) string {
	if l.Path != "" {
		return l.Path
	}
	return l.Origin
}

// locOffset converts an evaluator position (1-based line, byte column)
// in the document to a byte offset.
func (a *Analysis) locOffset(l evalLoc) int {
	off := a.Tree.LineStart(l.Line) + max(l.Col-1, 0)
	return min(off, len(a.Tree.Src))
}

// evalRecipe says how to evaluate one expression of a document: the
// document's text with some `let` bodies replaced by the name of the
// binding wanted, then the steps that select into its value.
type evalRecipe struct {
	edits []parser.Edit
	steps []evalStep
}

// climb extends r from node n, whose value it selects, up to the file's
// expression: through parentheses, the bodies of let, with, assert and
// of functions whose formals all have defaults (auto-called), and the
// bindings of sets (selected) and lets (whose body becomes the binding's
// name). Other contexts (a function argument, a list element) make the
// value unreachable.
func climb(n parser.Node, r evalRecipe) (evalRecipe, bool) {
	for i := 0; i < parser.MaxDepth; i++ {
		p := n.Parent()
		switch p.Kind() {
		case parser.NodeRoot:
			return r, true
		case parser.NodeParen:
		case parser.NodeBinding:
			if p.Value().ID() != n.ID() {
				return r, false
			}
			names := attrPathNames(p.AttrPath())
			if len(names) == 0 {
				return r, false
			}
			set := p.Parent()
			switch set.Kind() {
			case parser.NodeAttrSet:
				r.steps = append(selectSteps(names), r.steps...)
			case parser.NodeLetIn:
				e, ok := bodyToName(set, names)
				if !ok {
					return r, false
				}
				r.edits = append(r.edits, e)
			default:
				return r, false
			}
			n = set
			continue
		case parser.NodeLetIn, parser.NodeWith, parser.NodeAssert:
			if p.Body().ID() != n.ID() {
				return r, false
			}
		case parser.NodeLambda:
			pat := p.Pattern()
			if p.Body().ID() != n.ID() || !pat.Valid() {
				return r, false
			}
			for _, f := range pat.Formals() {
				if !f.Default().Valid() {
					return r, false
				}
			}
			r.steps = append([]evalStep{{AutoCall: true}}, r.steps...)
		default:
			return r, false
		}
		n = p
	}
	return r, false
}

func selectSteps(names []string) []evalStep {
	out := make([]evalStep, len(names))
	for i, n := range names {
		out[i] = evalStep{Attr: n}
	}
	return out
}

// bodyToName is the edit that makes a let return one of its bindings.
func bodyToName(let parser.Node, names []string) (parser.Edit, bool) {
	body := let.Body()
	if !body.Valid() || !isIdent(names[0]) {
		return parser.Edit{}, false
	}
	expr := names[0]
	for _, n := range names[1:] {
		if isIdent(n) {
			expr += "." + n
		} else {
			expr += "." + quoteNix(n)
		}
	}
	return parser.Edit{Start: body.Start(), End: body.End(), Text: "(" + expr + ")"}, true
}

// defRecipe is the recipe of a let or rec binding's value.
func defRecipe(d *scope.Def) (evalRecipe, bool) {
	if d.Kind != scope.DefAttr || !d.Scope.Node.Valid() {
		return evalRecipe{}, false
	}
	switch d.Scope.Kind {
	case scope.Let:
		if d.Scope.Node.Kind() != parser.NodeLetIn {
			return evalRecipe{}, false
		}
		e, ok := bodyToName(d.Scope.Node, []string{d.Name})
		if !ok {
			return evalRecipe{}, false
		}
		return climb(d.Scope.Node, evalRecipe{edits: []parser.Edit{e}})
	case scope.Rec:
		return climb(d.Scope.Node, evalRecipe{steps: selectSteps([]string{d.Name})})
	}
	return evalRecipe{}, false
}

// text applies the recipe's edits (and extra ones) to the document.
func (r evalRecipe) text(src string, extra ...parser.Edit) (string, bool) {
	edits := append(append([]parser.Edit(nil), r.edits...), extra...)
	sort.Slice(edits, func(i, j int) bool { return edits[i].Start > edits[j].Start })
	for i, e := range edits {
		if i > 0 && e.End > edits[i-1].Start {
			return "", false // overlapping
		}
		src = e.Apply(src)
	}
	return src, true
}

// runRecipe evaluates a recipe on a document version, caching the
// answer in the analysis.
func (s *Server) runRecipe(ctx context.Context, st *state, a *Analysis, kind string, r evalRecipe, timeout time.Duration, extra ...parser.Edit) *evalResult {
	text, ok := r.text(a.Doc.Text, extra...)
	if !ok {
		return &evalResult{Failure: "overlapping edits"}
	}
	job := s.newJob(st, kind, docOrigin(a.Doc), text, docBaseDir(st, a.Doc))
	job.Steps = r.steps
	key, _ := json.Marshal(job)
	a.mu.Lock()
	if res, ok := a.evalCache[string(key)]; ok {
		a.mu.Unlock()
		return res
	}
	a.mu.Unlock()
	res := s.ev.run(ctx, job, min(timeout, time.Duration(st.cfg.Eval.TimeoutMs)*time.Millisecond))
	if res.Failure == "" {
		a.mu.Lock()
		if a.evalCache == nil {
			a.evalCache = map[string]*evalResult{}
		}
		a.evalCache[string(key)] = res
		a.mu.Unlock()
	}
	return res
}

// evalHover returns the printed value of an evaluable binding, or "".
func (s *Server) evalHover(ctx context.Context, st *state, a *Analysis, d *scope.Def) string {
	if !s.evalEnabled(st.cfg) {
		return ""
	}
	r, ok := defRecipe(d)
	if !ok {
		return ""
	}
	return s.hoverValue(ctx, st, a, r)
}

// attrEvalHover returns the printed value of the attribute a set's
// binding defines (names[:k] of its path), or "".
func (s *Server) attrEvalHover(ctx context.Context, st *state, a *Analysis, set parser.Node, names []string) string {
	if !s.evalEnabled(st.cfg) || set.Kind() != parser.NodeAttrSet || len(names) == 0 {
		return ""
	}
	r, ok := climb(set, evalRecipe{steps: selectSteps(names)})
	if !ok {
		return ""
	}
	return s.hoverValue(ctx, st, a, r)
}

func (s *Server) hoverValue(ctx context.Context, st *state, a *Analysis, r evalRecipe) string {
	res := s.runRecipe(ctx, st, a, jobValue, r, hoverEvalTimeout)
	switch {
	case res.Error != nil:
		return "*evaluation error:* " + oneLine(res.Error.Msg, 200)
	case res.Value != "":
		return "*value* (" + res.Type + "):\n```nix\n" + res.Value + "\n```"
	}
	return ""
}

// evalAttrNames completes `x.a.b.|` with the attributes of the evaluated
// value of x.a.b, when x is a let or rec binding that can be evaluated.
// The path being typed is replaced by null so that the text parses.
func (c *completer) evalAttrNames(segs []string, start int) {
	s, st, a := c.s, c.st, c.a
	if !s.evalEnabled(st.cfg) {
		return
	}
	d := lookupVisible(a.Scope.ScopeAt(start), segs[0])
	if d == nil {
		return
	}
	r, ok := defRecipe(d)
	if !ok {
		return
	}
	r.steps = append(append([]evalStep(nil), r.steps...), selectSteps(segs[1:])...)
	var extra []parser.Edit
	typed := parser.Edit{Start: start, End: c.off, Text: "null"}
	inside := false
	for _, e := range r.edits {
		if typed.Start >= e.Start && typed.End <= e.End {
			inside = true
		}
	}
	if !inside {
		extra = append(extra, typed)
	}
	res := s.runRecipe(c.ctx, st, a, jobNames, r, completionEvalTimeout, extra...)
	for _, name := range res.Names {
		c.add(protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindField, Detail: "attribute (evaluated)"})
	}
}

// evalOptionsCache holds the options found by evaluating the configured
// options expressions.
type evalOptionsCache struct {
	mu      sync.Mutex
	key     string
	idx     *optionIndex // nil until evaluated
	running bool
	// merged caches the static index merged with idx.
	mergedFrom [2]*optionIndex
	merged     *optionIndex
}

// evalOptionIndex returns the options of the configured expressions once
// they have been evaluated (starting their evaluation on first use), or
// nil.
func (s *Server) evalOptionIndex(st *state) *optionIndex {
	if len(st.cfg.Eval.Options) == 0 || !s.evalEnabled(st.cfg) {
		return nil
	}
	key := strings.Join(append(append([]string(nil), st.cfg.Eval.Options...), st.folders...), "\x00")
	c := &s.evalOpts
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key == key && (c.idx != nil || c.running) {
		return c.idx
	}
	c.key, c.idx, c.running = key, nil, true
	go s.evaluateOptions(st, key)
	return nil
}

// evaluateOptions evaluates the options expressions into an index.
func (s *Server) evaluateOptions(st *state, key string) {
	idx := &optionIndex{opts: map[string]*optionInfo{}, children: map[string][]string{}}
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic evaluating options", zap.Any("panic", r))
		}
		idx.finish()
		c := &s.evalOpts
		c.mu.Lock()
		if c.key == key {
			c.idx, c.running = idx, false
		}
		c.mu.Unlock()
	}()
	base := "/"
	if len(st.folders) > 0 {
		base = st.folders[0]
	}
	timeout := time.Duration(st.cfg.Eval.OptionsTimeoutMs) * time.Millisecond
	for _, expr := range st.cfg.Eval.Options {
		job := s.newJob(st, jobOptions, "«gonix options»", expr, base)
		job.StepLimit = int64(st.cfg.Eval.OptionsTimeoutMs) * stepsPerMs
		res := s.ev.run(s.ctx, job, timeout)
		if res.Failure != "" || res.Error != nil {
			msg := res.Failure
			if res.Error != nil {
				msg = res.Error.Msg
			}
			s.log.Warn("evaluating options", zap.String("expr", expr), zap.String("error", msg))
			s.showMessage(protocol.MessageTypeWarning, "gonix: evaluating the options of `"+oneLine(expr, 60)+"`: "+oneLine(msg, 200))
		}
		for _, o := range res.Options {
			if _, dup := idx.opts[o.Path]; dup || o.Path == "" {
				continue
			}
			idx.opts[o.Path] = &optionInfo{path: o.Path, typ: o.Type, description: o.Description, defaultText: o.Default, file: o.File}
		}
	}
}

// mergeOptions adds the evaluated options to the static ones. The
// evaluated type, description and default win (they are what the module
// system computed); a static declaration keeps its place in the source.
func (s *Server) mergeOptions(static, evaluated *optionIndex) *optionIndex {
	if evaluated == nil {
		return static
	}
	c := &s.evalOpts
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.merged != nil && c.mergedFrom == [2]*optionIndex{static, evaluated} {
		return c.merged
	}
	m := &optionIndex{opts: map[string]*optionInfo{}, children: map[string][]string{}}
	for p, o := range static.opts {
		m.opts[p] = o
	}
	for p, o := range evaluated.opts {
		if so := m.opts[p]; so != nil {
			merged := *so
			if o.typ != "" {
				merged.typ = o.typ
			}
			if o.description != "" {
				merged.description = o.description
			}
			if o.defaultText != "" {
				merged.defaultText = o.defaultText
			}
			o = &merged
		}
		m.opts[p] = o
	}
	m.finish()
	c.merged, c.mergedFrom = m, [2]*optionIndex{static, evaluated}
	return m
}
