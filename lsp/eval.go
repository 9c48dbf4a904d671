package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/eval/scope"
)

// evalDiagnostics reports evaluation errors of the document. The
// evaluator (package eval) has not landed yet; until it does this reports
// nothing.
func (s *Server) evalDiagnostics(ctx context.Context, st *state, a *Analysis) []protocol.Diagnostic {
	return nil
}

// evalHover returns the printed value of an evaluable binding, or "".
func (s *Server) evalHover(ctx context.Context, st *state, a *Analysis, d *scope.Def) string {
	return ""
}
