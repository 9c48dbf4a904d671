package lsp

import (
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

func labels(list protocol.CompletionList) map[string]protocol.CompletionItem {
	out := map[string]protocol.CompletionItem{}
	for _, it := range list.Items {
		out[it.Label] = it
	}
	return out
}

// completeAt opens text (with | marking the cursor) and completes there.
func completeAt(t *testing.T, c *testClient, uri protocol.DocumentURI, text string) map[string]protocol.CompletionItem {
	t.Helper()
	i := strings.Index(text, "|")
	text = text[:i] + text[i+1:]
	c.open(uri, text)
	var list protocol.CompletionList
	c.call("textDocument/completion", tdp(uri, newLineIndex(text).position(i)), &list)
	return labels(list)
}

func wantLabels(t *testing.T, what string, got map[string]protocol.CompletionItem, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if _, ok := got[w]; !ok {
			t.Errorf("%s: missing %q (got %d items)", what, w, len(got))
		}
	}
	for _, w := range notWant {
		if _, ok := got[w]; ok {
			t.Errorf("%s: unexpected %q", what, w)
		}
	}
}

func TestCompletion(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"lib.nix": "{ }: { /** Joins. */ join = a: b: a + b; strings.upper = s: s; }\n",
	})
	c := newClient(t, clientOpts{folders: []string{dir}})
	u := func(name string) protocol.DocumentURI { return pathToURI(filepath.Join(dir, name)) }

	got := completeAt(t, c, u("a.nix"), "let foo = 1; bar = x: x; in f|")
	wantLabels(t, "scope", got, []string{"foo", "bar", "map", "builtins", "let", "true"}, []string{"__head", "x"})
	if got["bar"].Kind != protocol.CompletionItemKindFunction || got["map"].Detail == "" {
		t.Errorf("kinds/details: bar %+v map %+v", got["bar"], got["map"])
	}

	got = completeAt(t, c, u("b.nix"), "builtins.|")
	wantLabels(t, "builtins.", got, []string{"head", "foldl'", "mapAttrs", "currentSystem"}, []string{"foo"})

	got = completeAt(t, c, u("c.nix"), "let s = { a = { b = 1; }; c = 2; d.e = 3; }; in s.a.|")
	wantLabels(t, "s.a.", got, []string{"b"}, []string{"c", "d"})
	got = completeAt(t, c, u("c2.nix"), "let s = { a = { b = 1; }; c = 2; d.e = 3; }; in s.|")
	wantLabels(t, "s.", got, []string{"a", "c", "d"}, []string{"b", "map"})

	got = completeAt(t, c, u("d.nix"), "let f = { x, y ? 1, ... }: x; in f { x = 1; | }")
	wantLabels(t, "formals", got, []string{"y"}, []string{"x", "map"})

	got = completeAt(t, c, u("e.nix"), "let lib = import ./lib.nix { }; in lib.|")
	wantLabels(t, "imported", got, []string{"join", "strings"}, nil)
	if doc, ok := got["join"].Documentation.(map[string]any); !ok || !strings.Contains(doc["value"].(string), "Joins.") {
		t.Errorf("join documentation: %#v", got["join"].Documentation)
	}

	got = completeAt(t, c, u("f.nix"), "with { alpha = 1; }; al|")
	wantLabels(t, "with", got, []string{"alpha"}, nil)

	// Nothing inside comments and strings.
	got = completeAt(t, c, u("g.nix"), "# comm|ent\n1")
	if len(got) != 0 {
		t.Errorf("completion in a comment: %d items", len(got))
	}
}

func TestCompletionOptionsAndFlakes(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"modules/foo.nix": `{ config, lib, pkgs, ... }:
with lib;
{
  options.programs.foo = {
    enable = mkEnableOption "foo, a test program";
    greeting = mkOption {
      type = types.str;
      default = "hi";
      description = "What foo says.";
    };
  };
  options.services.bar.port = lib.mkOption { type = types.port; };
}
`,
		"flake.nix": `{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    utils.url = "github:numtide/flake-utils";
  };
  outputs = { self, nixpkgs, ... }@inputs: { };
}
`,
	})
	c := newClient(t, clientOpts{folders: []string{dir}})
	u := func(name string) protocol.DocumentURI { return pathToURI(filepath.Join(dir, name)) }

	got := completeAt(t, c, u("home.nix"), "{ config, pkgs, ... }:\n{\n  programs.foo.|\n}\n")
	wantLabels(t, "options", got, []string{"enable", "greeting"}, []string{"port"})
	if got["greeting"].Detail != "types.str" {
		t.Errorf("greeting detail %q", got["greeting"].Detail)
	}
	got = completeAt(t, c, u("home2.nix"), "{ config, pkgs, ... }:\n{\n  config = {\n    |\n  };\n}\n")
	wantLabels(t, "option roots", got, []string{"programs", "services"}, nil)
	got = completeAt(t, c, u("home3.nix"), "{ config, lib, ... }:\n{\n  x = config.services.bar.|;\n}\n")
	wantLabels(t, "config.", got, []string{"port"}, nil)

	// Hover on an option.
	text := "{ config, pkgs, ... }:\n{\n  programs.foo.greeting = \"x\";\n}\n"
	c.open(u("home4.nix"), text)
	var h protocol.Hover
	c.call("textDocument/hover", tdp(u("home4.nix"), pos(t, text, "greeting", 0, 0)), &h)
	if !strings.Contains(h.Contents.Value, "What foo says.") || !strings.Contains(h.Contents.Value, "types.str") {
		t.Errorf("option hover: %q", h.Contents.Value)
	}

	flake := readFile(t, filepath.Join(dir, "flake.nix"))
	i := strings.Index(flake, "nixpkgs, ...")
	flake2 := flake[:i] + flake[i+len("nixpkgs, "):]
	c.open(u("flake.nix"), flake2)
	var list protocol.CompletionList
	c.call("textDocument/completion", tdp(u("flake.nix"), newLineIndex(flake2).position(i)), &list)
	wantLabels(t, "flake pattern", labels(list), []string{"nixpkgs", "utils"}, []string{"self"})

	flake3 := strings.Replace(flake, "{ };\n}", "inputs.; \n}", 1)
	c.change(u("flake.nix"), 2, nil, flake3)
	j := strings.Index(flake3, "inputs.;") + len("inputs.")
	c.call("textDocument/completion", tdp(u("flake.nix"), newLineIndex(flake3).position(j)), &list)
	wantLabels(t, "inputs.", labels(list), []string{"nixpkgs", "utils", "self"}, nil)
}
