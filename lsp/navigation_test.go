package lsp

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

type locText struct {
	file string
	text string
	line uint32
}

func locsOf(t *testing.T, files map[protocol.DocumentURI]string, locs []protocol.Location) []string {
	var out []string
	for _, l := range locs {
		text, ok := files[l.URI]
		if !ok {
			out = append(out, filepath.Base(string(l.URI))+"@"+itoa(int(l.Range.Start.Line)))
			continue
		}
		out = append(out, filepath.Base(string(l.URI))+":"+itoa(int(l.Range.Start.Line))+":"+rangeText(text, l.Range))
	}
	sort.Strings(out)
	return out
}

func TestDefinitionLocal(t *testing.T) {
	c := newClient(t, clientOpts{})
	uri := protocol.DocumentURI("file:///tmp/def.nix")
	text := `args@{ a, b ? a, ... }:
let
  x = 1;
  inherit (builtins) head;
  set = { y = 2; nested.z = 3; };
  inherit x;
in
rec {
  r1 = x + a + b;
  r2 = r1 + set.y + set.nested.z;
  r3 = head [ args ];
  r4 = with set; nested.z;
  r5 = with unknownEnv; q;
  inherit (set) y;
}
`
	c.open(uri, text)
	files := map[protocol.DocumentURI]string{uri: text}
	cases := []struct {
		marker string
		nth    int
		want   string
	}{
		{"x + a", 0, "def.nix:2:x"},
		{"a + b", 0, "def.nix:0:a"},
		{"b;", 0, "def.nix:0:b"},
		{"r1 +", 0, "def.nix:8:r1"},
		{"set.y", 0, "def.nix:4:set"},
		{"y + set", 0, "def.nix:4:y"},
		{"z;", 0, "def.nix:4:z"},
		{"args ]", 0, "def.nix:0:args"},
		{"nested.z;\n  r5", 0, "def.nix:11:set def.nix:4:nested"},
		{"q;", 0, "def.nix:12:unknownEnv"},
		{"y;\n}", 0, "def.nix:4:y"},
		{"head [", 0, "def.nix:3:head"},
		{"a + b", 0, "def.nix:0:a"},
	}
	for _, cs := range cases {
		var locs []protocol.Location
		c.call("textDocument/definition", tdp(uri, pos(t, text, cs.marker, cs.nth, 0)), &locs)
		got := strings.Join(locsOf(t, files, locs), " ")
		if got != cs.want {
			t.Errorf("definition at %q: got %q, want %q", cs.marker, got, cs.want)
		}
	}
}

func TestDefinitionAcrossFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"lib.nix": `{ }:
{
  /**
    Adds one to a number.
  */
  inc = x: x + 1;
  sub.dec = x: x - 1;
}
`,
		"pkgs/default.nix": "{ hello = 1; }\n",
		"main.nix": `let
  lib = import ./lib.nix { };
  pkgs = import ./pkgs;
in
[ (lib.inc 1) (lib.sub.dec 2) pkgs.hello ]
`,
	})
	c := newClient(t, clientOpts{folders: []string{dir}})
	mainPath := filepath.Join(dir, "main.nix")
	uri := pathToURI(mainPath)
	text := readFile(t, mainPath)
	c.open(uri, text)
	files := map[protocol.DocumentURI]string{
		uri:                                      text,
		pathToURI(filepath.Join(dir, "lib.nix")): readFile(t, filepath.Join(dir, "lib.nix")),
		pathToURI(filepath.Join(dir, "pkgs/default.nix")): readFile(t, filepath.Join(dir, "pkgs/default.nix")),
	}
	cases := []struct{ marker, want string }{
		{"inc 1", "lib.nix:5:inc"},
		{"dec 2", "lib.nix:6:dec"},
		{"hello ]", "default.nix:0:hello"},
		{"./lib.nix", "lib.nix:0:"},
		{"./pkgs", "default.nix:0:"},
	}
	for _, cs := range cases {
		var locs []protocol.Location
		c.call("textDocument/definition", tdp(uri, pos(t, text, cs.marker, 0, 0)), &locs)
		got := strings.Join(locsOf(t, files, locs), " ")
		if got != cs.want {
			t.Errorf("definition at %q: got %q, want %q", cs.marker, got, cs.want)
		}
	}

	// Hover shows the RFC 145 doc comment from the other file.
	var h protocol.Hover
	c.call("textDocument/hover", tdp(uri, pos(t, text, "inc 1", 0, 0)), &h)
	if !strings.Contains(h.Contents.Value, "Adds one to a number.") || !strings.Contains(h.Contents.Value, "lib.nix:6") {
		t.Errorf("hover of lib.inc: %q", h.Contents.Value)
	}

	// References of `inc` from its definition find the use in main.nix.
	libURI := pathToURI(filepath.Join(dir, "lib.nix"))
	c.open(libURI, files[libURI])
	var refs []protocol.Location
	c.call("textDocument/references", map[string]any{
		"textDocument": map[string]any{"uri": libURI},
		"position":     pos(t, files[libURI], "inc =", 0, 0),
		"context":      map[string]any{"includeDeclaration": true},
	}, &refs)
	if got := strings.Join(locsOf(t, files, refs), " "); got != "lib.nix:5:inc main.nix:4:inc" {
		t.Errorf("references of inc: %s", got)
	}

	// Renaming it edits both files.
	var edit protocol.WorkspaceEdit
	c.call("textDocument/rename", map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"position":     pos(t, text, "inc 1", 0, 0),
		"newName":      "increment",
	}, &edit)
	if len(edit.Changes) != 2 || len(edit.Changes[uri]) != 1 || len(edit.Changes[libURI]) != 1 {
		t.Fatalf("rename edits: %+v", edit.Changes)
	}
	if got := applyEdits(t, files[libURI], edit.Changes[libURI]); !strings.Contains(got, "increment = x: x + 1;") {
		t.Errorf("lib.nix after rename:\n%s", got)
	}
	if got := applyEdits(t, text, edit.Changes[uri]); !strings.Contains(got, "(lib.increment 1)") {
		t.Errorf("main.nix after rename:\n%s", got)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := osReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// applyEdits applies non-overlapping text edits.
func applyEdits(t *testing.T, text string, edits []protocol.TextEdit) string {
	t.Helper()
	li := newLineIndex(text)
	type e struct {
		s, e int
		text string
	}
	var es []e
	for _, ed := range edits {
		s, err1 := li.offset(ed.Range.Start)
		en, err2 := li.offset(ed.Range.End)
		if err1 != nil || err2 != nil {
			s2, _ := clampedOffset(li, ed.Range.Start)
			en2, _ := clampedOffset(li, ed.Range.End)
			s, en = s2, en2
		}
		es = append(es, e{s, en, ed.NewText})
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].s > es[j].s })
	for _, x := range es {
		text = text[:x.s] + x.text + text[x.e:]
	}
	return text
}

func TestReferencesHighlightRename(t *testing.T) {
	c := newClient(t, clientOpts{})
	uri := protocol.DocumentURI("file:///tmp/ren.nix")
	text := `let
  x = 1;
  inherit (builtins) length;
in
{
  a = x + x;
  inherit x;
  f = { p, q }@args: p + args.q;
  n = length [ ];
}
`
	c.open(uri, text)
	files := map[protocol.DocumentURI]string{uri: text}
	var refs []protocol.Location
	c.call("textDocument/references", map[string]any{
		"textDocument": map[string]any{"uri": uri}, "position": pos(t, text, "x = 1", 0, 0),
		"context": map[string]any{"includeDeclaration": true},
	}, &refs)
	if got := strings.Join(locsOf(t, files, refs), " "); got != "ren.nix:1:x ren.nix:5:x ren.nix:5:x ren.nix:6:x" {
		t.Errorf("references of x: %s", got)
	}
	var hl []protocol.DocumentHighlight
	c.call("textDocument/documentHighlight", tdp(uri, pos(t, text, "p +", 0, 0)), &hl)
	if len(hl) != 2 || hl[0].Kind != protocol.DocumentHighlightKindWrite {
		t.Errorf("highlight of p: %+v", hl)
	}

	rename := func(marker, newName string) string {
		var edit protocol.WorkspaceEdit
		c.call("textDocument/rename", map[string]any{
			"textDocument": map[string]any{"uri": uri}, "position": pos(t, text, marker, 0, 0), "newName": newName,
		}, &edit)
		return applyEdits(t, text, edit.Changes[uri])
	}
	// Renaming x keeps the attribute `x` of the result.
	got := rename("x = 1", "y")
	if !strings.Contains(got, "y = 1;") || !strings.Contains(got, "a = y + y;") || !strings.Contains(got, "x = y;") || strings.Contains(got, "inherit x") {
		t.Errorf("rename x -> y:\n%s", got)
	}
	// Renaming an @-pattern name.
	got = rename("args.q", "all")
	if !strings.Contains(got, "{ p, q }@all: p + all.q;") {
		t.Errorf("rename args -> all:\n%s", got)
	}
	// Renaming a name from inherit (e) keeps reading the same attribute.
	got = rename("length [", "len")
	if !strings.Contains(got, "len = builtins.length;") || !strings.Contains(got, "n = len [ ];") {
		t.Errorf("rename length -> len:\n%s", got)
	}
	// Invalid names and builtins are refused.
	var edit protocol.WorkspaceEdit
	if err := c.try("textDocument/rename", map[string]any{
		"textDocument": map[string]any{"uri": uri}, "position": pos(t, text, "x = 1", 0, 0), "newName": "in",
	}, &edit); err == nil {
		t.Error("renaming to a keyword succeeded")
	}
	var prep any
	if err := c.try("textDocument/prepareRename", tdp(uri, pos(t, text, "builtins)", 0, 0)), &prep); err == nil {
		t.Error("prepareRename on a builtin succeeded")
	}
}
