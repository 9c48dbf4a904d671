package nixhash

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/store/internal/conformance"
)

type narTree struct {
	Name             string
	RootType         string
	NarSha256Base32  string
	NarSha256Hex     string
	NarSha256SRI     string
	FlatSha256Hex    string
	FlatSha256Base32 string
}

func TestConformanceEncodings(t *testing.T) {
	dir := conformance.Dir(t)
	b, err := os.ReadFile(filepath.Join(dir, "nar.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Trees []narTree }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tr := range f.Trees {
		h, err := Parse(tr.NarSha256Hex, SHA256)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			s   string
			enc Encoding
			pre bool
		}{{tr.NarSha256Base32, Nix32, false}, {tr.NarSha256Hex, Base16, false}, {tr.NarSha256SRI, SRI, true}} {
			if got := h.Format(c.enc, c.pre); got != c.s {
				t.Errorf("%s: Format(%v) = %s, want %s", tr.Name, c.enc, got, c.s)
			}
			back, enc, err := ParseAny(c.s, SHA256)
			if err != nil || !back.Equal(h) || enc != c.enc {
				t.Errorf("%s: ParseAny(%s) = %v %v %v", tr.Name, c.s, back, enc, err)
			}
			n++
		}
		if tr.FlatSha256Hex != "" {
			fh, err := Parse(tr.FlatSha256Hex, SHA256)
			if err != nil || fh.Format(Nix32, false) != tr.FlatSha256Base32 {
				t.Errorf("%s: flat %v %v", tr.Name, fh, err)
			}
			n++
		}
	}
	t.Logf("%d encodings checked", n)
}

func TestSumAndFormats(t *testing.T) {
	h := Sum(SHA256, []byte("hello\n"))
	want := "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
	if h.Hex() != want {
		t.Fatalf("sha256: %s", h.Hex())
	}
	for _, a := range []Algo{MD5, SHA1, SHA256, SHA512} {
		h := Sum(a, []byte("abc"))
		for _, e := range []Encoding{Base16, Nix32, Base64, SRI} {
			for _, pre := range []bool{false, true} {
				s := h.Format(e, pre)
				want := Algo(0)
				if !pre && e != SRI {
					want = a
				}
				back, err := Parse(s, want)
				if err != nil || !back.Equal(h) {
					t.Errorf("%v %v %v: %s -> %v %v", a, e, pre, s, back, err)
				}
			}
		}
	}
	if got := Sum(MD5, []byte("abc")).Hex(); got != "900150983cd24fb0d6963f7d28e17f72" {
		t.Errorf("md5 %s", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		s    string
		algo Algo
		msg  string
	}{
		{"abcd", SHA256, "wrong length"},
		{"abcd", 0, "does not include a type"},
		{"sha1:" + strings.Repeat("0", 40), SHA256, "should have type 'sha256'"},
		{"foo:abc", 0, "unknown hash algorithm"},
		{"sha256-AAAA", 0, "length 3 != expected length 32"},
		{"sha256:" + strings.Repeat("g", 64), 0, "invalid base16 hash"},
		{"sha256:" + strings.Repeat("e", 52), 0, "invalid nix32 hash"},
	} {
		_, err := Parse(c.s, c.algo)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Parse(%q): %v, want %q", c.s, err, c.msg)
		}
	}
	if _, err := ParseAlgo("blake2"); err == nil {
		t.Error("blake2 accepted")
	}
}

func TestCompress(t *testing.T) {
	d := make([]byte, 32)
	for i := range d {
		d[i] = byte(i)
	}
	c := Compress(d, 20)
	if len(c) != 20 || c[0] != 0^20 || c[11] != 11^31 || c[12] != 12 {
		t.Fatalf("compress %v", c)
	}
}
