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
		protocol.MethodTextDocumentSignatureHelp:     s.signatureHelp,
		protocol.MethodTextDocumentFormatting:        s.formatting,
		protocol.MethodTextDocumentRangeFormatting:   s.rangeFormatting,
		protocol.MethodTextDocumentCodeAction:        s.codeAction,
		protocol.MethodSemanticTokensFull:            s.semanticTokensFull,
		protocol.MethodSemanticTokensFullDelta:       s.semanticTokensDelta,
		protocol.MethodTextDocumentFoldingRange:      s.foldingRange,
		"textDocument/selectionRange":                s.selectionRanges,
		"textDocument/inlayHint":                     s.inlayHint,
		protocol.MethodTextDocumentDocumentLink:      s.documentLink,
	}
}
