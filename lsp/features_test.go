package lsp

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

func TestSignatureHelp(t *testing.T) {
	c := newClient(t, clientOpts{})
	uri := protocol.DocumentURI("file:///tmp/sig.nix")
	text := "let\n  /** Adds. */\n  add = a: b: a + b;\nin [ (add 1 2) (map toString [ ]) (builtins.elemAt [ ] 0) ]\n"
	c.open(uri, text)
	type sh struct {
		Signatures []struct {
			Label      string `json:"label"`
			Parameters []struct {
				Label [2]int `json:"label"`
			} `json:"parameters"`
		} `json:"signatures"`
		ActiveParameter int `json:"activeParameter"`
	}
	cases := []struct {
		marker    string
		offset    int
		label     string
		active    string
		activeIdx int
	}{
		{"add 1 2", 6, "add :: a: b: …", "b", 1},
		{"add 1 2", 4, "add :: a: b: …", "a", 0},
		{"map toString", 5, "map f list :: (a -> b) -> [a] -> [b]", "f", 0},
		{"[ ]) (builtins", 0, "map f list :: (a -> b) -> [a] -> [b]", "list", 1},
		{"0) ]", 0, "builtins.elemAt list n :: [a] -> int -> a", "n", 1},
	}
	for _, cs := range cases {
		var res sh
		c.call("textDocument/signatureHelp", tdp(uri, pos(t, text, cs.marker, 0, cs.offset)), &res)
		if len(res.Signatures) != 1 {
			t.Errorf("%q+%d: %d signatures", cs.marker, cs.offset, len(res.Signatures))
			continue
		}
		sig := res.Signatures[0]
		if sig.Label != cs.label || res.ActiveParameter != cs.activeIdx {
			t.Errorf("%q+%d: got %q active %d, want %q active %d", cs.marker, cs.offset, sig.Label, res.ActiveParameter, cs.label, cs.activeIdx)
			continue
		}
		l := sig.Parameters[res.ActiveParameter].Label
		if got := sig.Label[l[0]:l[1]]; got != cs.active {
			t.Errorf("%q: active parameter label %q, want %q", cs.marker, got, cs.active)
		}
	}
}

func TestFormatting(t *testing.T) {
	c := newClient(t, clientOpts{})
	uri := protocol.DocumentURI("file:///tmp/fmt.nix")
	text := "{ a=1;\n  b   =  [1 2];\n   c = 3;\n}\n"
	c.open(uri, text)
	var edits []protocol.TextEdit
	c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}, &edits)
	got := applyEdits(t, text, edits)
	want := "{\n  a = 1;\n  b = [\n    1\n    2\n  ];\n  c = 3;\n}\n"
	if got != want {
		t.Errorf("formatted:\n%s\nwant:\n%s", got, want)
	}
	// Range formatting touches only the lines of the range.
	c.call("textDocument/rangeFormatting", map[string]any{"textDocument": map[string]any{"uri": uri},
		"range":   protocol.Range{Start: protocol.Position{Line: 2}, End: protocol.Position{Line: 2, Character: 5}},
		"options": map[string]any{"tabSize": 2, "insertSpaces": true}}, &edits)
	for _, e := range edits {
		if e.Range.Start.Line > 2 || e.Range.End.Line < 2 {
			t.Errorf("range formatting edit outside the range: %+v", e)
		}
	}
	if len(edits) == 0 {
		t.Error("range formatting changed nothing")
	}
	// Syntax errors: nothing to do, no error.
	c.change(uri, 2, nil, "{ a = ; }")
	edits = nil
	c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}, "options": map[string]any{}}, &edits)
	if len(edits) != 0 {
		t.Errorf("formatting a broken file: %+v", edits)
	}
}

func TestCodeActions(t *testing.T) {
	c := newClient(t, clientOpts{})
	uri := protocol.DocumentURI("file:///tmp/ca.nix")
	text := "let\n  unused = 1;\n  f = { a, b }: a + b;\n  p = { x = 1; };\nin [ (f { a = 1; b = 2; c = 3; }) (with p; x) (true == true) ]\n"
	c.open(uri, text)
	actions := func(marker string, only ...string) map[string]protocol.CodeAction {
		var res []protocol.CodeAction
		r := protocol.Range{Start: pos(t, text, marker, 0, 0), End: pos(t, text, marker, 0, 1)}
		params := map[string]any{"textDocument": map[string]any{"uri": uri}, "range": r, "context": map[string]any{"diagnostics": []any{}}}
		if len(only) > 0 {
			params["context"] = map[string]any{"diagnostics": []any{}, "only": only}
		}
		c.call("textDocument/codeAction", params, &res)
		out := map[string]protocol.CodeAction{}
		for _, a := range res {
			out[a.Title] = a
		}
		return out
	}
	find := func(acts map[string]protocol.CodeAction, prefix string) (protocol.CodeAction, bool) {
		for title, a := range acts {
			if strings.HasPrefix(title, prefix) {
				return a, true
			}
		}
		return protocol.CodeAction{}, false
	}
	check := func(acts map[string]protocol.CodeAction, prefix, wantIn string) {
		t.Helper()
		a, ok := find(acts, prefix)
		if !ok {
			var titles []string
			for k := range acts {
				titles = append(titles, k)
			}
			t.Errorf("no action %q among %q", prefix, titles)
			return
		}
		got := applyEdits(t, text, a.Edit.Changes[uri])
		if !strings.Contains(got, wantIn) {
			t.Errorf("action %q gives:\n%s\nwant it to contain %q", prefix, got, wantIn)
		}
	}
	check(actions("unused"), "Remove the unused binding", "let\n  f = ")
	check(actions("c = 3"), "Add `...`", "{ a, b, ... }:")
	check(actions("{ a, b }"), "Add `...` to the formals", "{ a, b, ... }:")
	check(actions("with p"), "Replace `with`", "(let inherit (p) x; in x)")
	check(actions("true =="), "Replace with `true`", "(true) ]")
	all := actions("let", "source.fixAll")
	check(all, "Fix all", "(with p; x) true ]")
}

func TestSemanticTokens(t *testing.T) {
	c := newClient(t, clientOpts{})
	uri := protocol.DocumentURI("file:///tmp/sem.nix")
	text := "# c\nlet f = x: x + 1; in { a = f \"s\"; b = ./p; c = builtins.map; }\n"
	c.open(uri, text)
	var res protocol.SemanticTokens
	c.call("textDocument/semanticTokens/full", map[string]any{"textDocument": map[string]any{"uri": uri}}, &res)
	legend := semanticLegend()["tokenTypes"].([]string)
	decoded := decodeSemantic(text, res.Data, legend)
	want := []string{"comment:# c", "keyword:let", "function:f", "parameter:x", "parameter:x", "operator:+", "number:1",
		"keyword:in", "property:a", "function:f", "string:\"", "string:s", "string:\"", "property:b", "path:./p",
		"property:c", "namespace:builtins", "property:map"}
	if strings.Join(decoded, " ") != strings.Join(want, " ") {
		t.Errorf("tokens:\n%v\nwant:\n%v", decoded, want)
	}
	// Delta after an edit.
	c.change(uri, 2, &protocol.Range{Start: protocol.Position{Line: 1, Character: 15}, End: protocol.Position{Line: 1, Character: 16}}, "2")
	var delta struct {
		ResultID string                        `json:"resultId"`
		Edits    []protocol.SemanticTokensEdit `json:"edits"`
		Data     []uint32                      `json:"data"`
	}
	c.call("textDocument/semanticTokens/full/delta", map[string]any{"textDocument": map[string]any{"uri": uri}, "previousResultId": res.ResultID}, &delta)
	if delta.Data != nil || len(delta.Edits) != 0 {
		t.Errorf("a same-shape edit should give an empty delta: %+v", delta)
	}
	c.change(uri, 3, &protocol.Range{Start: protocol.Position{Line: 1, Character: 15}, End: protocol.Position{Line: 1, Character: 16}}, "y")
	prev := delta.ResultID
	c.call("textDocument/semanticTokens/full/delta", map[string]any{"textDocument": map[string]any{"uri": uri}, "previousResultId": prev}, &delta)
	if len(delta.Edits) != 1 || delta.Edits[0].DeleteCount != 5 || len(delta.Edits[0].Data) != 5 || delta.Edits[0].Data[3] != 1 {
		t.Errorf("delta after number→variable: %+v", delta)
	}
}

func decodeSemantic(text string, data []uint32, legend []string) []string {
	li := newLineIndex(text)
	var out []string
	line, char := uint32(0), uint32(0)
	for i := 0; i+5 <= len(data); i += 5 {
		if data[i] > 0 {
			line += data[i]
			char = data[i+1]
		} else {
			char += data[i+1]
		}
		s, _ := li.offset(protocol.Position{Line: line, Character: char})
		e, _ := li.offset(protocol.Position{Line: line, Character: char + data[i+2]})
		out = append(out, legend[data[i+3]]+":"+text[s:e])
	}
	return out
}

func TestFoldingSelectionInlayLinks(t *testing.T) {
	dir := writeFiles(t, map[string]string{"other.nix": "1\n"})
	c := newClient(t, clientOpts{folders: []string{dir}})
	uri := pathToURI(filepath.Join(dir, "main.nix"))
	text := `# one
# two
let
  add = a: b: a + b;
  pkgs = { hello = 1; };
in {
  x = [
    1
    2
  ];
  y = add 1 2;
  z = with pkgs; hello;
  o = import ./other.nix;
  u = "see https://nixos.org/manual now";
  i = { url = "github:NixOS/nixpkgs/nixos-unstable"; };
}
`
	c.open(uri, text)
	var folds []protocol.FoldingRange
	c.call("textDocument/foldingRange", map[string]any{"textDocument": map[string]any{"uri": uri}}, &folds)
	var fs []string
	for _, f := range folds {
		fs = append(fs, itoa(int(f.StartLine))+"-"+itoa(int(f.EndLine))+string(f.Kind))
	}
	got := strings.Join(fs, " ")
	for _, w := range []string{"0-1comment", "2-4", "5-14", "6-8"} {
		if !strings.Contains(" "+got+" ", " "+w+" ") {
			t.Errorf("folding ranges %q lack %q", got, w)
		}
	}

	var sel []*protocol.SelectionRange
	c.call("textDocument/selectionRange", map[string]any{"textDocument": map[string]any{"uri": uri}, "positions": []protocol.Position{pos(t, text, "hello;\n  o", 0, 1)}}, &sel)
	var chain []string
	for s := sel[0]; s != nil; s = s.Parent {
		chain = append(chain, rangeText(text, s.Range))
	}
	if len(chain) < 4 || chain[0] != "hello" || chain[1] != "with pkgs; hello" || chain[len(chain)-1] != text {
		t.Errorf("selection chain: %q", chain)
	}

	var hints []inlayHint
	c.call("textDocument/inlayHint", map[string]any{"textDocument": map[string]any{"uri": uri},
		"range": protocol.Range{End: protocol.Position{Line: 100}}}, &hints)
	var hs []string
	for _, h := range hints {
		hs = append(hs, h.Label+"@"+itoa(int(h.Position.Line)))
	}
	if strings.Join(hs, " ") != "a:@10 b:@10 pkgs.@11" {
		t.Errorf("inlay hints: %v", hs)
	}

	var links []protocol.DocumentLink
	c.call("textDocument/documentLink", map[string]any{"textDocument": map[string]any{"uri": uri}}, &links)
	var ls []string
	for _, l := range links {
		ls = append(ls, rangeText(text, l.Range)+"->"+string(l.Target))
	}
	want := []string{
		"./other.nix->" + string(pathToURI(filepath.Join(dir, "other.nix"))),
		"github:NixOS/nixpkgs/nixos-unstable->https://github.com/NixOS/nixpkgs/tree/nixos-unstable",
		"https://nixos.org/manual->https://nixos.org/manual",
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(ls, "\n"), w) {
			t.Errorf("links %q lack %q", ls, w)
		}
	}
}

func TestSymbols(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"flake.nix": `{
  description = "demo";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs";
  outputs = { self, nixpkgs }: {
    packages.x86_64-linux.hello = 1;
    lib.helper = x: x;
  };
}
`,
		"sub/lib.nix": "{ mkThing = a: a; other = 1; }\n",
	})
	c := newClient(t, clientOpts{folders: []string{dir}})
	uri := pathToURI(filepath.Join(dir, "flake.nix"))
	text := readFile(t, filepath.Join(dir, "flake.nix"))
	c.open(uri, text)
	var syms []protocol.DocumentSymbol
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": uri}}, &syms)
	var names []string
	var flat func([]protocol.DocumentSymbol, string)
	flat = func(ss []protocol.DocumentSymbol, prefix string) {
		for _, s := range ss {
			names = append(names, prefix+s.Name)
			flat(s.Children, prefix+s.Name+"/")
		}
	}
	flat(syms, "")
	if got := strings.Join(names, " "); got != "description inputs.nixpkgs.url outputs outputs/packages.x86_64-linux.hello outputs/lib.helper" {
		t.Errorf("document symbols: %s", got)
	}
	if syms[2].Detail != "flake outputs" || syms[2].Kind != protocol.SymbolKindModule {
		t.Errorf("outputs symbol: %+v", syms[2])
	}
	var ws []protocol.SymbolInformation
	c.call("workspace/symbol", map[string]any{"query": "mkthng"}, &ws)
	if len(ws) != 1 || ws[0].Name != "mkThing" || !strings.HasSuffix(string(ws[0].Location.URI), "sub/lib.nix") {
		t.Errorf("workspace symbols: %+v", ws)
	}
	raw, _ := json.Marshal(ws)
	_ = raw
}
