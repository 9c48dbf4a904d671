package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

// lintDiagnostics reports the checker's lints. The checker (package
// checker) has not landed yet; until it does this reports nothing.
func (s *Server) lintDiagnostics(ctx context.Context, a *Analysis, cfg *Config) []protocol.Diagnostic {
	return nil
}
