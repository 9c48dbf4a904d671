package lsp

import (
	"sort"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

func diagSummary(text string, ds []protocol.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code.(string)+":"+rangeText(text, d.Range))
	}
	sort.Strings(out)
	return out
}

func TestDiagnosticsPushed(t *testing.T) {
	c := newClient(t, clientOpts{})
	uri := protocol.DocumentURI("file:///tmp/diag.nix")
	text := `{ pkgs, unusedFormal, ... }:
let
  used = 1;
  unused = 2;
  _quiet = 3;
  c = used == true;
  f = { a, b ? 1 }: a + b;
in {
  x = used + missing + c;
  y = f { a = 1; c = 2; };
  z = f { };
  dup = 1;
  dup = 2;
  w = g: 1;
  bad = [ 1 2 ;
}
`
	c.open(uri, text)
	got := diagSummary(text, c.waitDiags(uri, 1))
	want := []string{
		"G001:;",            // syntax error
		"G002:dup",          // duplicate attribute
		"G005:missing",      // undefined variable
		"G101:used == true", // bool comparison (a lint)
		"G201:unused",       // unused let binding
		"G202:g",            // unused argument
		"G203:pkgs",         // unused formal
		"G203:unusedFormal",
		"missing-argument:{",
		"unexpected-argument:c",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// An incremental edit fixes the undefined name: `missing` -> `used`.
	r := protocol.Range{Start: pos(t, text, "missing", 0, 0), End: pos(t, text, "missing", 0, 7)}
	c.change(uri, 2, &r, "used")
	text2 := strings.Replace(text, "missing", "used", 1)
	got = diagSummary(text2, c.waitDiags(uri, 2))
	for _, g := range got {
		if strings.HasPrefix(g, "G005") {
			t.Errorf("still undefined after the edit: %v", got)
		}
	}
}

func TestDiagnosticsPulled(t *testing.T) {
	caps := defaultCaps()
	caps["textDocument"].(map[string]any)["diagnostic"] = map[string]any{"dynamicRegistration": false}
	c := newClient(t, clientOpts{caps: caps})
	uri := protocol.DocumentURI("file:///tmp/pull.nix")
	text := "let a = b; in 1\n"
	c.open(uri, text)
	var res struct {
		Kind  string                `json:"kind"`
		Items []protocol.Diagnostic `json:"items"`
	}
	c.call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": uri}}, &res)
	got := diagSummary(text, res.Items)
	want := "G005:b G201:a"
	if res.Kind != "full" || strings.Join(got, " ") != want {
		t.Errorf("pulled %s %v, want full %s", res.Kind, got, want)
	}
	c.mu.Lock()
	pushed := len(c.diags[uri])
	c.mu.Unlock()
	if pushed != 0 {
		t.Errorf("a pull client also got %d pushed publications", pushed)
	}
}

func TestDiagnosticsConfiguration(t *testing.T) {
	c := newClient(t, clientOpts{settings: map[string]any{"diagnostics": map[string]any{"unused": false}}})
	uri := protocol.DocumentURI("file:///tmp/cfg.nix")
	// The configuration arrives asynchronously after initialized; wait
	// until a publication reflects it.
	text := "let a = 1; in b\n"
	c.open(uri, text)
	for v := 1; v < 50; v++ {
		if v > 1 {
			c.change(uri, v, nil, text)
		}
		got := diagSummary(text, c.waitDiags(uri, v))
		if strings.Join(got, " ") == "G005:b" {
			return
		}
	}
	t.Fatal("unused diagnostics were not turned off by the configuration")
}
