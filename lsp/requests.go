package lsp

import "go.lsp.dev/protocol"

// requestTable maps request methods to their handlers.
func (s *Server) requestTable() map[string]requestFunc {
	return map[string]requestFunc{
		protocol.MethodTextDocumentDefinition:        s.definition,
		protocol.MethodTextDocumentDeclaration:       s.definition,
		protocol.MethodTextDocumentReferences:        s.references,
		protocol.MethodTextDocumentDocumentHighlight: s.documentHighlight,
		protocol.MethodTextDocumentPrepareRename:     s.prepareRename,
		protocol.MethodTextDocumentRename:            s.rename,
		protocol.MethodTextDocumentHover:             s.hover,
		protocol.MethodTextDocumentDocumentSymbol:    s.documentSymbol,
		protocol.MethodWorkspaceSymbol:               s.workspaceSymbol,
		"textDocument/diagnostic":                    s.pullDiagnostics,
		protocol.MethodTextDocumentCompletion:        s.completion,
	}
}
