package lsp

import (
	"context"
	"encoding/json"
	"errors"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/gonix/gonix/formatter"
)

// formatted runs the formatter with the configured layout. A document
// with syntax errors gives ok false (nothing to do, not an error: editors
// format on save).
func (s *Server) formatted(a *Analysis, cfg *Config) (string, bool, error) {
	out, err := formatter.FormatTree(a.Tree, formatter.Options{
		Width: cfg.Formatting.Width, Indent: cfg.Formatting.Indent, Strict: cfg.Formatting.Strict, Filename: a.Tree.Name,
	})
	if err != nil {
		var pe *formatter.ParseError
		if errors.As(err, &pe) {
			s.log.Debug("not formatting a file with syntax errors", zap.Error(err))
			return "", false, nil
		}
		return "", false, invalidParams("formatting failed: %v", err)
	}
	return string(out), true, nil
}

func (s *Server) formatting(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p protocol.DocumentFormattingParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	a, err := s.docAnalysis(st, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	out, ok, err := s.formatted(a, st.cfg)
	if err != nil || !ok {
		return nil, err
	}
	return diffEdits(a, out), nil
}

// rangeFormatting answers with the formatter's changes that touch the
// range (formatter.FormatRange: the layout of a part depends on the
// whole file, so the whole file is formatted and the edits reaching into
// the range are kept whole).
func (s *Server) rangeFormatting(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p protocol.DocumentRangeFormattingParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	a, err := s.docAnalysis(st, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	start, err := a.offset(p.Range.Start)
	if err != nil {
		return nil, err
	}
	end, err := a.offset(p.Range.End)
	if err != nil {
		return nil, err
	}
	cfg := st.cfg
	edits, err := formatter.FormatRange([]byte(a.Doc.Text), start, end, formatter.Options{
		Width: cfg.Formatting.Width, Indent: cfg.Formatting.Indent, Strict: cfg.Formatting.Strict, Filename: a.Tree.Name,
	})
	if err != nil {
		var pe *formatter.ParseError
		if errors.As(err, &pe) {
			return []protocol.TextEdit{}, nil // syntax errors: nothing to do
		}
		return nil, invalidParams("formatting failed: %v", err)
	}
	return textEdits(a, edits), nil
}

// diffEdits turns a new text of the document into line-level edits (so
// that the cursor and unchanged lines stay put).
func diffEdits(a *Analysis, out string) []protocol.TextEdit {
	return textEdits(a, formatter.Diff([]byte(a.Doc.Text), []byte(out)))
}

func textEdits(a *Analysis, edits []formatter.Edit) []protocol.TextEdit {
	out := make([]protocol.TextEdit, 0, len(edits))
	for _, e := range edits {
		out = append(out, protocol.TextEdit{Range: a.rng(e.Start, e.End), NewText: e.Text})
	}
	return out
}
