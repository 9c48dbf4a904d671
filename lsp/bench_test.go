package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// benchPackageSet is bench/lsp.sh's generated file: a package set of
// about n lines.
func benchPackageSet(n int) string {
	var b strings.Builder
	b.WriteString("{ pkgs, lib, ... }:\nlet\n  helper = x: y: x + y;\nin\n{\n")
	for i := 0; i*10 < n-6; i++ {
		fmt.Fprintf(&b, "  pkg%d = let\n    version = \"1.%d\";\n    src = pkgs.fetchurl { url = \"https://example.org/p%d-${version}.tar.gz\"; sha256 = lib.fakeSha256; };\n  in pkgs.stdenv.mkDerivation {\n    pname = \"pkg%d\";\n    inherit version src;\n    buildInputs = with pkgs; [ zlib openssl ];\n    meta = { description = \"Package %d\"; license = lib.licenses.mit; };\n    x = helper %d 1;\n  };\n", i, i, i, i, i, i)
	}
	b.WriteString("}\n")
	return b.String()
}

// BenchmarkEditLargeFile is one step of bench/lsp.sh in process: an edit
// of a version string of the 30,000-line file (through applyChanges, as
// didChange does), then the diagnostics or a completion, alternately.
// B/op is what an edit allocates, which decides how often the collector
// runs while someone types.
func BenchmarkEditLargeFile(b *testing.B) {
	s := newServer(Options{})
	s.ctx = context.Background()
	text := benchPackageSet(30000)
	d := &Document{URI: "file:///bench.nix", Path: "/bench.nix", Version: 1, Text: text, maxAnalyze: DefaultMaxDocumentSize, lines: newLineIndex(text)}
	st := s.st.with(func(st *state) { st.docs[d.URI] = d })
	s.diagnose(context.Background(), st, d)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pkg := (i * 7919) % 2999
		line := 5 + pkg*10 + 1
		lt := d.Text[d.lines.starts[line]:d.lines.starts[line+1]]
		col := strings.Index(lt, "\"1.") + 3
		r := protocol.Range{Start: protocol.Position{Line: uint32(line), Character: uint32(col)}, End: protocol.Position{Line: uint32(line), Character: uint32(col + 1)}}
		nd, err := d.applyChanges(d.Version+1, []contentChange{{Range: &r, Text: string(rune('0' + i%10))}})
		if err != nil {
			b.Fatal(err)
		}
		st = st.with(func(st *state) { st.docs[d.URI] = nd })
		d = nd
		if i%2 == 0 {
			s.diagnose(context.Background(), st, d)
			continue
		}
		params, _ := json.Marshal(map[string]any{"textDocument": map[string]any{"uri": d.URI},
			"position": map[string]any{"line": line + 7, "character": 14}})
		if _, err := s.completion(context.Background(), st, params); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if a, _ := d.Analyze(); !a.derived {
		b.Fatal("the last analysis was not derived from the previous one")
	}
}
