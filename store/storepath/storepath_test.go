package storepath

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/store/internal/conformance"
	"github.com/gonix/gonix/store/nixhash"
)

type narTree struct {
	Name                             string
	RootType                         string
	NarSha256Hex                     string
	StorePathAdd                     string
	StorePathAddFixedRecursiveSha256 string
	FlatSha256Hex                    string
	FlatSha1Hex                      string
	AddFixedFlatSha256               string
	AddFixedFlatSha1                 string
	AddFixedRecursiveSha1            string
	NarBase64                        *string
}

func TestConformanceAddPaths(t *testing.T) {
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
	check := func(tree, what, want string, m Method, h nixhash.Hash) {
		t.Helper()
		p, err := DefaultDir.MakeFixedOutput(tree, m, h, nil, false)
		if err != nil {
			t.Errorf("%s %s: %v", tree, what, err)
			return
		}
		if got := DefaultDir.Path(p); got != want {
			t.Errorf("%s %s: got %s want %s", tree, what, got, want)
		}
		n++
	}
	for _, tr := range f.Trees {
		nh, _ := nixhash.Parse(tr.NarSha256Hex, nixhash.SHA256)
		check(tr.Name, "add", tr.StorePathAdd, NAR, nh)
		check(tr.Name, "add-fixed recursive sha256", tr.StorePathAddFixedRecursiveSha256, NAR, nh)
		if tr.RootType != "regular" {
			continue
		}
		fh, _ := nixhash.Parse(tr.FlatSha256Hex, nixhash.SHA256)
		check(tr.Name, "add-fixed sha256", tr.AddFixedFlatSha256, Flat, fh)
		f1, _ := nixhash.Parse(tr.FlatSha1Hex, nixhash.SHA1)
		check(tr.Name, "add-fixed sha1", tr.AddFixedFlatSha1, Flat, f1)
		if tr.NarBase64 != nil {
			nar, _ := base64.StdEncoding.DecodeString(*tr.NarBase64)
			s := sha1.Sum(nar)
			h, _ := nixhash.New(nixhash.SHA1, s[:])
			check(tr.Name, "add-fixed recursive sha1", tr.AddFixedRecursiveSha1, NAR, h)
		}
	}
	t.Logf("%d store paths checked", n)
}

func TestOutputAndPlaceholder(t *testing.T) {
	// README example: output:out of "minimal".
	h, _ := nixhash.Parse("f4c3d0b03a1be44f83c3abb1960851c3c3bbb3e6389b904dc8ed76c8196c672c", nixhash.SHA256)
	p, err := DefaultDir.MakeOutput("out", h, "minimal")
	if err != nil || DefaultDir.Path(p) != "/nix/store/s5nvav9b8g8kczqzrn1n1npbvs31hgs4-minimal" {
		t.Fatalf("got %v %v", p, err)
	}
	if got := Placeholder("out"); got != "/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9" {
		t.Fatalf("placeholder %s", got)
	}
	if OutputPathName("foo", "dev") != "foo-dev" || OutputPathName("foo", "out") != "foo" {
		t.Fatal("OutputPathName")
	}
}

func TestParse(t *testing.T) {
	good := "/nix/store/s5nvav9b8g8kczqzrn1n1npbvs31hgs4-minimal"
	p, err := Parse(good)
	if err != nil || p.HashPart() != "s5nvav9b8g8kczqzrn1n1npbvs31hgs4" || p.Name() != "minimal" || p.IsDerivation() {
		t.Fatalf("%v %v", p, err)
	}
	if q, err := Parse("/nix/store//s5nvav9b8g8kczqzrn1n1npbvs31hgs4-minimal/"); err != nil || q != p {
		t.Fatalf("uncleaned path: %v", err)
	}
	h := "s5nvav9b8g8kczqzrn1n1npbvs31hgs4"
	for _, c := range []struct{ in, msg string }{
		{"", "empty path"},
		{"nix/store/" + h + "-x", "not in the Nix store"},
		{"/nix/store/" + h + "-x/bin", "not in the Nix store"},
		{"/nix/store/abc", "too short"},
		{"/nix/store/" + h + "_x", "not followed by a '-'"},
		{"/nix/store/e5nvav9b8g8kczqzrn1n1npbvs31hgs4-x", "illegal base-32 character 'e'"},
		{"/nix/store/" + h + "-", "must not be empty"},
		{"/nix/store/" + h + "-.", "is not valid"},
		{"/nix/store/" + h + "-..", "is not valid"},
		{"/nix/store/" + h + "-.-x", "must not be '.'"},
		{"/nix/store/" + h + "-..-x", "must not be '..'"},
		{"/nix/store/" + h + "-a b", "illegal character ' '"},
		{"/nix/store/" + h + "-" + strings.Repeat("a", 212), "no longer than 211"},
		{"/other/store/" + h + "-x", "not in the Nix store"},
	} {
		_, err := Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Parse(%q) = %v, want error containing %q", c.in, err, c.msg)
		}
	}
	for _, ok := range []string{".dotfile", "a.b-c_d?e=f+g", strings.Repeat("a", 211), "..x", "x.drv"} {
		if _, err := Parse("/nix/store/" + h + "-" + ok); err != nil {
			t.Errorf("name %q rejected: %v", ok, err)
		}
	}
	q, sub, err := DefaultDir.ParseInside("/nix/store/" + h + "-x/bin/sh")
	if err != nil || sub != "bin/sh" || q.Name() != "x" {
		t.Errorf("ParseInside: %v %q %v", q, sub, err)
	}
	if _, err := Dir("/tmp/s").Parse("/tmp/s/" + h + "-x"); err != nil {
		t.Errorf("custom dir: %v", err)
	}
}

func TestContentAddress(t *testing.T) {
	for _, s := range []string{
		"text:sha256:0r9mnma0ivqmm9x6frhqlfy20gb84hijf9l1ghvwwndhcvsnwsq3",
		"fixed:r:sha256:0r9mnma0ivqmm9x6frhqlfy20gb84hijf9l1ghvwwndhcvsnwsq3",
		"fixed:sha256:0r9mnma0ivqmm9x6frhqlfy20gb84hijf9l1ghvwwndhcvsnwsq3",
		"fixed:sha1:" + strings.Repeat("0", 32),
	} {
		ca, err := ParseContentAddress(s)
		if err != nil || ca.String() != s {
			t.Errorf("%s: %v %v", s, ca, err)
		}
	}
	for _, s := range []string{"", "blah:sha256:x", "text:sha1:" + strings.Repeat("0", 32), "fixed:r:"} {
		if _, err := ParseContentAddress(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestRefsAndSelf(t *testing.T) {
	h := nixhash.Sum(nixhash.SHA256, []byte("x"))
	a, _ := ParseBase("00000000000000000000000000000000-a")
	b, _ := ParseBase("11111111111111111111111111111111-b")
	p1, _ := DefaultDir.MakeText("t", h, []Path{b, a})
	p2, _ := DefaultDir.MakeText("t", h, []Path{a, b, a})
	if p1 != p2 {
		t.Error("refs order/dups matter")
	}
	p3, _ := DefaultDir.MakeFixedOutput("t", NAR, h, []Path{a}, true)
	p4, _ := DefaultDir.MakeFixedOutput("t", NAR, h, []Path{a}, false)
	if p3 == p4 {
		t.Error("self ignored")
	}
	if _, err := DefaultDir.MakeFixedOutput("t", Flat, h, []Path{a}, false); err == nil {
		t.Error("flat with refs accepted")
	}
	if _, err := DefaultDir.MakeText("bad name", h, nil); err == nil {
		t.Error("bad name accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("/nix/store/s5nvav9b8g8kczqzrn1n1npbvs31hgs4-minimal")
	f.Add("/nix/store/s5nvav9b8g8kczqzrn1n1npbvs31hgs4-.")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		if q, err := Parse(DefaultDir.Path(p)); err != nil || q != p {
			t.Fatalf("round trip of %q failed: %v", s, err)
		}
		if CheckName(p.Name()) != nil || len(p.HashPart()) != HashLen {
			t.Fatalf("accepted invalid %q", s)
		}
	})
}
