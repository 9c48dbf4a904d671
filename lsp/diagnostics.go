package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/gonix/gonix/parser"
)

// Diagnostic codes the server itself produces (the checker's lints keep
// their own codes).
const (
	codeUnexpectedArgument = "unexpected-argument"
	codeMissingArgument    = "missing-argument"
	codeTooLarge           = "too-large"
	codeEval               = "eval-error"
)

const diagSource = "gonix"

// diagScheduler debounces and publishes diagnostics per document.
type diagScheduler struct {
	s       *Server
	mu      sync.Mutex
	timers  map[protocol.DocumentURI]*time.Timer
	gen     map[protocol.DocumentURI]uint64
	stopped bool
}

func newDiagScheduler(s *Server) *diagScheduler {
	return &diagScheduler{s: s, timers: map[protocol.DocumentURI]*time.Timer{}, gen: map[protocol.DocumentURI]uint64{}}
}

// schedule publishes d's diagnostics after delay, unless a newer version
// is scheduled first.
func (ds *diagScheduler) schedule(d *Document, delay time.Duration) {
	ds.s.mu.Lock()
	pull := ds.s.caps.pullDiagnostics
	ds.s.mu.Unlock()
	if pull {
		return // the client asks with textDocument/diagnostic
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if ds.stopped {
		return
	}
	if t := ds.timers[d.URI]; t != nil {
		t.Stop()
	}
	ds.gen[d.URI]++
	g := ds.gen[d.URI]
	ds.timers[d.URI] = time.AfterFunc(delay, func() { ds.publish(d, g) })
}

func (ds *diagScheduler) current(u protocol.DocumentURI, g uint64) bool {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	return !ds.stopped && ds.gen[u] == g
}

func (ds *diagScheduler) publish(d *Document, g uint64) {
	defer func() {
		if r := recover(); r != nil {
			ds.s.log.Error("panic computing diagnostics", zap.Any("panic", r))
		}
	}()
	if !ds.current(d.URI, g) {
		return
	}
	st := ds.s.snapshot()
	diags := ds.s.diagnose(ds.s.ctx, st, d)
	if !ds.current(d.URI, g) || st.docs[d.URI] == nil {
		return
	}
	ds.s.notify(protocol.MethodTextDocumentPublishDiagnostics, &protocol.PublishDiagnosticsParams{
		URI: d.URI, Version: uint32(d.Version), Diagnostics: diags,
	})
}

// clear withdraws a closed document's diagnostics.
func (ds *diagScheduler) clear(u protocol.DocumentURI) {
	ds.mu.Lock()
	if t := ds.timers[u]; t != nil {
		t.Stop()
	}
	delete(ds.timers, u)
	ds.gen[u]++
	stopped := ds.stopped
	ds.mu.Unlock()
	if !stopped {
		ds.s.notify(protocol.MethodTextDocumentPublishDiagnostics, &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: []protocol.Diagnostic{}})
	}
}

func (ds *diagScheduler) stop() {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.stopped = true
	for _, t := range ds.timers {
		t.Stop()
	}
}

// diagnose computes every diagnostic of a document version.
func (s *Server) diagnose(ctx context.Context, st *state, d *Document) []protocol.Diagnostic {
	a, err := d.Analyze()
	if err != nil {
		var tl errTooLarge
		if errors.As(err, &tl) {
			return []protocol.Diagnostic{{
				Severity: protocol.DiagnosticSeverityInformation, Source: diagSource, Code: codeTooLarge,
				Message: "gonix: " + err.Error() + "; no analysis for this file",
			}}
		}
		return nil
	}
	diags := staticDiagnostics(a, st.cfg)
	diags = append(diags, s.evalDiagnostics(ctx, st, a)...)
	sort.SliceStable(diags, func(i, j int) bool {
		pi, pj := diags[i].Range.Start, diags[j].Range.Start
		if pi.Line != pj.Line {
			return pi.Line < pj.Line
		}
		return pi.Character < pj.Character
	})
	if diags == nil {
		diags = []protocol.Diagnostic{}
	}
	return diags
}

// diagData is attached to diagnostics that code actions can fix.
type diagData struct {
	Fix   string `json:"fix,omitempty"`
	Start int    `json:"start,omitempty"`
	End   int    `json:"end,omitempty"`
	// Index is the finding's index among the checker's findings.
	Index int `json:"index,omitempty"`
}

// staticDiagnostics are the diagnostics that need only the tree and the
// resolution: the checker's findings (syntax and static errors, undefined
// and unused names, lints) and calls that cannot match a function's
// formals.
func staticDiagnostics(a *Analysis, cfg *Config) []protocol.Diagnostic {
	out := lintDiagnostics(a, findings(a, cfg))
	return append(out, callDiagnostics(a)...)
}

// tokenEndAt returns the end of the token at off (at least off+1 within
// the text), to give zero-width errors a visible range.
func tokenEndAt(t *parser.Tree, off int) int {
	tk := t.TokenAt(off)
	if tk.Valid() && tk.End() > off {
		return tk.End()
	}
	if off < len(t.Src) {
		return off + 1
	}
	return off
}

// callDiagnostics checks calls of known functions with a literal set:
// attributes the function does not accept, and formals without default
// the set does not give.
func callDiagnostics(a *Analysis) []protocol.Diagnostic { return a.callDiags().protocol(a) }

// walk visits n and its descendants in pre-order while f returns true.
func walk(n parser.Node, f func(parser.Node) bool) {
	if !n.Valid() || !f(n) {
		return
	}
	for c := n.FirstChild(); c.Valid(); c = c.Next() {
		walk(c, f)
	}
}

// diagnosticParams are textDocument/diagnostic's params (LSP 3.17).
type diagnosticParams struct {
	TextDocument     protocol.TextDocumentIdentifier `json:"textDocument"`
	PreviousResultID string                          `json:"previousResultId,omitempty"`
}

// pullDiagnostics answers textDocument/diagnostic.
func (s *Server) pullDiagnostics(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p diagnosticParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d := st.docs[normalizeURI(p.TextDocument.URI)]
	if d == nil {
		return nil, invalidParams("document not open: %s", p.TextDocument.URI)
	}
	return map[string]any{
		"kind":     "full",
		"resultId": fmt.Sprintf("%d", d.Version),
		"items":    s.diagnose(ctx, st, d),
	}, nil
}
