package lsp

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"regexp"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/parser"
)

// urlPattern finds URLs inside strings and comments.
var urlPattern = regexp.MustCompile(`https?://[^\s"'<>(){}\[\]\\]+[^\s"'<>(){}\[\].,;:\\]`)

// flakeRefPattern recognises the common flake reference shorthands.
var flakeRefPattern = regexp.MustCompile(`^(github|gitlab|sourcehut):([A-Za-z0-9_.~-]+)/([A-Za-z0-9_.-]+)(?:/([^?#]+))?(?:\?.*)?$`)

// flakeRefURL maps a flake reference to a web page.
func flakeRefURL(ref string) string {
	m := flakeRefPattern.FindStringSubmatch(ref)
	if m == nil {
		if strings.HasPrefix(ref, "git+https://") || strings.HasPrefix(ref, "git+http://") {
			u := strings.TrimPrefix(ref, "git+")
			if i := strings.IndexAny(u, "?#"); i >= 0 {
				u = u[:i]
			}
			return u
		}
		return ""
	}
	host := map[string]string{"github": "https://github.com/", "gitlab": "https://gitlab.com/", "sourcehut": "https://git.sr.ht/"}[m[1]]
	u := host + m[2] + "/" + m[3]
	if m[4] != "" {
		switch m[1] {
		case "github":
			u += "/tree/" + m[4]
		case "gitlab":
			u += "/-/tree/" + m[4]
		case "sourcehut":
			u += "/tree/" + m[4]
		}
	}
	return u
}

// documentLinks links path literals and search paths to their files,
// URLs in strings, comments and URI literals to themselves, and flake
// references (github:owner/repo/ref) to their pages.
func (s *Server) documentLinks(st *state, a *Analysis) []protocol.DocumentLink {
	out := []protocol.DocumentLink{}
	f := s.follower(st)
	add := func(start, end int, target, tip string) {
		if _, err := url.Parse(target); err != nil {
			return
		}
		out = append(out, protocol.DocumentLink{Range: a.rng(start, end), Target: protocol.DocumentURI(target), Tooltip: tip})
	}
	walk(a.Tree.Root(), func(n parser.Node) bool {
		switch n.Kind() {
		case parser.NodePath, parser.NodeSearchPath:
			if p, ok := f.pathOf(a, n); ok {
				if _, err := os.Stat(p); err == nil {
					add(n.Start(), n.End(), string(pathToURI(p)), p)
				}
			}
			return false
		case parser.NodeURI:
			add(n.Start(), n.End(), n.Text(), "")
			return false
		case parser.NodeString:
			if lit, ok := parser.StaticString(n); ok {
				if u := flakeRefURL(lit); u != "" && (strings.Contains(lit, ":")) {
					// The text between the quotes.
					add(n.Start()+1, n.End()-1, u, "flake "+lit)
					return false
				}
			}
		}
		return true
	})
	t := a.Tree
	for i := 0; i < t.NumTokens(); i++ {
		tk := t.Token(i)
		switch tk.Kind() {
		case parser.TokStrText, parser.TokIndText, parser.TokComment:
		default:
			continue
		}
		if tk.Kind() == parser.TokStrText && flakeRefURL(tk.Text()) != "" {
			continue
		}
		for _, m := range urlPattern.FindAllStringIndex(tk.Text(), -1) {
			add(tk.Start()+m[0], tk.Start()+m[1], tk.Text()[m[0]:m[1]], "")
		}
	}
	return out
}

func (s *Server) documentLink(ctx context.Context, st *state, params json.RawMessage) (any, error) {
	var p protocol.DocumentLinkParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	a, err := s.docAnalysis(st, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	return s.documentLinks(st, a), nil
}
