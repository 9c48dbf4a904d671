package lsp

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/internal/corpustest"
	"github.com/gonix/gonix/parser"
)

func TestLineIndexUpdate(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	pieces := []string{"a", "\n", "\r", "\r\n", "é", "𝄞", "xy\nz", "\n\n", ""}
	text := "line one\r\nline two\rthree\n\nlast"
	li := newLineIndex(text)
	for i := 0; i < 5000; i++ {
		s := r.Intn(len(text) + 1)
		e := min(len(text), s+r.Intn(4))
		ins := pieces[r.Intn(len(pieces))]
		nt := text[:s] + ins + text[e:]
		got := li.update(nt, s, e, ins)
		want := newLineIndex(nt)
		if !reflect.DeepEqual(got.starts, want.starts) {
			t.Fatalf("edit %d [%d,%d)=%q of %q: line starts %v, want %v", i, s, e, ins, text, got.starts, want.starts)
		}
		text, li = nt, got
		if len(text) > 400 {
			text, li = text[:100], newLineIndex(text[:100])
		}
	}
}

var lspEditPieces = []string{"a", " x", " pkgs", " lib", " helper ", "1", " ", "\n", "\"s\"", "[ z ]", "(b)", "{ k = a; }",
	"let q = a; in q", "with a; c", "${x}", "inherit a;", "p: p", "{ u ? v, v }: u", "undefinedName", "x.y.z",
	" == true", "(1)", "é", "𝄞", "f { a = 1; }", "{ a, b ? 1 }: a", "g { c = 2; }", "\r\n"}

// randomChange picks a change in LSP coordinates.
func randomChange(r *rand.Rand, d *Document) contentChange {
	li := d.lineIndex()
	s := r.Intn(len(d.Text) + 1)
	for s > 0 && s < len(d.Text) && d.Text[s]&0xC0 == 0x80 {
		s-- // not inside a UTF-8 sequence
	}
	e := min(len(d.Text), s+r.Intn(3))
	for e < len(d.Text) && d.Text[e]&0xC0 == 0x80 {
		e++
	}
	rng := li.rng(s, e)
	text := ""
	if r.Intn(4) != 0 {
		text = lspEditPieces[r.Intn(len(lspEditPieces))]
	}
	return contentChange{Range: &rng, Text: text}
}

func diagJSON(ds []protocol.Diagnostic) string {
	b, _ := json.MarshalIndent(ds, "", " ")
	return string(b)
}

// checkIncrementalAnalysis edits a document at random, through
// applyChanges as didChange does, and compares the diagnostics of every
// incrementally derived analysis with those of an analysis from scratch.
func checkIncrementalAnalysis(t *testing.T, name, src string, edits int, seed int64) (derived, carried int) {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	cfg := defaultConfig()
	d := &Document{URI: protocol.DocumentURI("file:///" + name), Path: "/" + name, Text: src, lines: newLineIndex(src)}
	for i := 0; i < edits; i++ {
		changes := []contentChange{randomChange(r, d)}
		for r.Intn(3) == 0 {
			// Several changes in one notification, each in the
			// coordinates left by the previous ones.
			tmp, err := d.applyChanges(d.Version, changes)
			if err != nil {
				t.Fatal(err)
			}
			changes = append(changes, randomChange(r, tmp))
		}
		nd, err := d.applyChanges(d.Version+1, changes)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(nd.lineIndex().starts, newLineIndex(nd.Text).starts) {
			t.Fatalf("%s: line index out of date after %+v", name, changes)
		}
		switch r.Intn(4) {
		case 0:
			// Not analysed: the next version chains the edits.
		case 1:
			if _, err := nd.Analyze(); err != nil {
				t.Fatal(err)
			}
		default:
			a, err := nd.Analyze()
			if err != nil {
				t.Fatal(err)
			}
			a.mu.Lock()
			if a.chk != nil && a.calls != nil {
				carried++
			}
			a.mu.Unlock()
			fresh := &Document{URI: nd.URI, Path: nd.Path, Text: nd.Text, lines: newLineIndex(nd.Text)}
			fa, _ := fresh.Analyze()
			got, want := staticDiagnostics(a, cfg), staticDiagnostics(fa, cfg)
			if g, w := diagJSON(got), diagJSON(want); g != w {
				t.Fatalf("%s: edit %d %+v: diagnostics of the derived analysis differ\n--- text\n%s\n--- got\n%s\n--- want\n%s", name, i, changes, nd.Text, g, w)
			}
			if !a.callDiags().sortedByPreorder(a.Tree) {
				t.Fatalf("%s: call entries out of order", name)
			}
			if a.derived {
				derived++
			}
		}
		if tr := parser.ParseString(nd.Text, parser.Options{}); len(tr.Errors) == 0 {
			d = nd // else drop the broken version, as if undone
		}
	}
	return derived, carried
}

var lspIncrementalSources = []string{
	`{ pkgs, lib, unused, ... }:
let
  helper = x: y: x + y;
  f = { a, b ? 1 }: a + b;
  g = { c, ... }: c;
  inherit (lib) mkIf;
in
{
  a = let version = "1.0"; src = pkgs.fetchurl { url = "u${version}"; }; in pkgs.mk { inherit version src; deps = with pkgs; [ zlib (helper 1 2) ]; };
  b = [ (helper 1 2) { c = mkIf true [ 1 ]; } (f { a = 1; }) (f { b = 2; }) (g { d = 1; }) ];
  c.d = { e = "${helper}"; z = f { a = [ (x: x) ]; q = 1; }; };
  e = with lib; [ (1) "é𝄞" ];
}
`,
	"let\r\n  a = { b = 1; };\r\n  x = rec { y = [ z ]; z = \"q${y}\"; };\r\n  f = { p ? (x), q ? [ p ] }@args: { inherit p q; };\r\nin with a; [ (f { p = b; }) (f { r = 1; }) c ]\r\n",
}

func TestIncrementalAnalysisMatchesFresh(t *testing.T) {
	n, c := 0, 0
	for i, src := range lspIncrementalSources {
		dn, dc := checkIncrementalAnalysis(t, fmt.Sprintf("src%d.nix", i), src, 600, int64(i+1))
		n, c = n+dn, c+dc
	}
	t.Logf("%d derived analyses compared, %d with carried checker results", n, c)
	if n < 100 || c < 50 {
		t.Errorf("only %d analyses were derived, %d carried results", n, c)
	}
}

func TestIncrementalAnalysisCorpus(t *testing.T) {
	count := 30
	if testing.Short() {
		count = 6
	}
	n, c := 0, 0
	for _, f := range corpustest.Sample(t, "..", 9, count, 60_000) {
		dn, dc := checkIncrementalAnalysis(t, filepath.Base(f.Path), f.Src, 40, int64(f.Draw))
		n, c = n+dn, c+dc
	}
	t.Logf("%d derived analyses compared, %d with carried checker results", n, c)
}

// TestCallStateSharedAcrossLiteralEdits checks that an edit that moves
// nothing (a character of a literal replaced by another) keeps the call
// diagnostics' state when the calls it touches check as before, and that
// the diagnostics still equal those of a fresh analysis either way.
func TestCallStateSharedAcrossLiteralEdits(t *testing.T) {
	src := lspIncrementalSources[0]
	cfg := defaultConfig()
	d := &Document{URI: "file:///calls.nix", Path: "/calls.nix", Text: src, lines: newLineIndex(src)}
	a0, _ := d.Analyze()
	staticDiagnostics(a0, cfg)
	edit := func(d *Document, old, repl string) *Document {
		t.Helper()
		off := strings.Index(d.Text, old)
		if off < 0 || len(old) != len(repl) {
			t.Fatalf("no %q", old)
		}
		rng := d.lineIndex().rng(off, off+len(old))
		nd, err := d.applyChanges(d.Version+1, []contentChange{{Range: &rng, Text: repl}})
		if err != nil {
			t.Fatal(err)
		}
		return nd
	}
	check := func(d *Document) *Analysis {
		t.Helper()
		a, err := d.Analyze()
		if err != nil {
			t.Fatal(err)
		}
		fresh := &Document{URI: d.URI, Path: d.Path, Text: d.Text, lines: newLineIndex(d.Text)}
		fa, _ := fresh.Analyze()
		if g, w := diagJSON(staticDiagnostics(a, cfg)), diagJSON(staticDiagnostics(fa, cfg)); g != w {
			t.Fatalf("diagnostics differ\n--- got\n%s\n--- want\n%s", g, w)
		}
		return a
	}
	// A digit of a version string: the calls around it check the same.
	d1 := edit(d, `"1.0"`, `"1.7"`)
	a1 := check(d1)
	if !a1.derived || a1.callDiags() != a0.callDiags() {
		t.Errorf("the call state was not shared across a literal edit (derived %v)", a1.derived)
	}
	// An argument's name: the call's diagnostics change.
	d2 := edit(d1, "(f { b = 2; })", "(f { c = 2; })")
	a2 := check(d2)
	if a2.callDiags() == a1.callDiags() {
		t.Errorf("the call state was shared although a call's diagnostics changed")
	}
}
