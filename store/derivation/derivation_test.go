package derivation

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/store/internal/conformance"
	"github.com/gonix/gonix/store/storepath"
)

type drvCase struct {
	Name               string
	DrvPath            string
	OutPaths           map[string]string
	DrvText            string
	DependencyDrvTexts map[string]string
}

func loadCases(t *testing.T) []drvCase {
	dir := conformance.Dir(t)
	b, err := os.ReadFile(filepath.Join(dir, "derivations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []drvCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func drvName(t *testing.T, p string) string {
	sp, err := storepath.Parse(p)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(sp.Name(), ".drv")
}

func loaderFor(c drvCase) Loader {
	return func(p string) (*Derivation, error) {
		text, ok := c.DependencyDrvTexts[p]
		if !ok {
			return nil, fmt.Errorf("no such derivation %s", p)
		}
		return Parse([]byte(text), "")
	}
}

func TestConformanceDerivations(t *testing.T) {
	cases := loadCases(t)
	passed := 0
	for _, c := range cases {
		ok := t.Run(c.Name, func(t *testing.T) {
			d, err := Parse([]byte(c.DrvText), drvName(t, c.DrvPath))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(d.ATerm()); got != c.DrvText {
				t.Fatalf("re-serialised text differs:\n got %s\nwant %s", got, c.DrvText)
			}
			r := NewResolver(storepath.DefaultDir, loaderFor(c))
			p, err := r.DrvPath(d)
			if err != nil || p != c.DrvPath {
				t.Fatalf("drvPath %s (%v), want %s", p, err, c.DrvPath)
			}
			outs, err := r.OutputPaths(d)
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range c.OutPaths {
				if outs[name] != want {
					t.Errorf("output %s: %s, want %s", name, outs[name], want)
				}
				if d.Outputs[name].Path != want {
					t.Errorf("output %s in .drv: %s, want %s", name, d.Outputs[name].Path, want)
				}
			}
			if len(outs) != len(c.OutPaths) {
				t.Errorf("outputs %v, want %v", outs, c.OutPaths)
			}
			// The evaluator's path: blank the outputs and instantiate.
			e := d.Clone()
			for name := range e.Outputs {
				o := e.Outputs[name]
				o.Path = ""
				e.Outputs[name] = o
				delete(e.Env, name)
			}
			r2 := NewResolver(storepath.DefaultDir, loaderFor(c))
			dp, text, err := r2.Instantiate(e)
			if err != nil {
				t.Fatal(err)
			}
			if dp != c.DrvPath || string(text) != c.DrvText {
				t.Fatalf("Instantiate: %s\n%s", dp, text)
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("%d/%d derivation cases pass", passed, len(cases))
}

func TestTruncatedAndMalformed(t *testing.T) {
	cases := loadCases(t)
	text := cases[0].DrvText
	for _, c := range cases {
		if len(c.DependencyDrvTexts) > 0 && strings.Contains(c.DrvText, `\n`) {
			text = c.DrvText
			break
		}
	}
	for i := 0; i < len(text); i++ {
		_, err := Parse([]byte(text[:i]), "x")
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("prefix %d: %v", i, err)
		}
		if pe.Offset > i {
			t.Fatalf("prefix %d: offset %d beyond input", i, pe.Offset)
		}
	}
	for _, c := range []struct{ in, msg string }{
		{`Derive([],[],[],"","",[],[])`, "no outputs"},
		{`Derive([("out","","","")],[],[],"s","b",[],[])x`, "trailing data"},
		{`Derive([("out","","","")],[],["rel"],"s","b",[],[])`, "bad path"},
		{`Derive([("out","","",""),("out","","","")],[],[],"s","b",[],[])`, "duplicate output"},
		{`Derive([("out","","","")],[],[],"s","b",[],[("a",""),("a","")])`, "duplicate environment"},
		{`Derive([("out","","","")],[],[],"s","b",[] ,[])`, `expected ","`},
		{`DrvWithVersion("xp-dyn-drv",[])`, "dynamic derivations"},
		{`Derive(("out"))`, `expected "["`},
	} {
		_, err := Parse([]byte(c.in), "x")
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Parse(%q) = %v, want %q", c.in, err, c.msg)
		}
	}
}

func TestInstantiateErrors(t *testing.T) {
	r := NewResolver(storepath.DefaultDir, nil)
	d := &Derivation{Name: "x", Outputs: map[string]Output{"out": {HashAlgo: "sha256", Hash: strings.Repeat("0", 64)}, "dev": {}}, Platform: "s", Builder: "b"}
	if _, _, err := r.Instantiate(d); err == nil || !strings.Contains(err.Error(), "multiple outputs") {
		t.Errorf("FOD with two outputs: %v", err)
	}
	d = &Derivation{Name: "bad name", Outputs: map[string]Output{"out": {}}}
	if _, _, err := r.Instantiate(d); err == nil || !strings.Contains(err.Error(), "illegal character") {
		t.Errorf("bad name: %v", err)
	}
	d = &Derivation{Name: "x", Outputs: map[string]Output{"out": {}}, InputDrvs: map[string][]string{"/nix/store/00000000000000000000000000000000-y.drv": {"out"}}}
	if _, _, err := r.Instantiate(d); err == nil || !strings.Contains(err.Error(), "no loader") {
		t.Errorf("missing input: %v", err)
	}
	d = &Derivation{Name: "x", Outputs: map[string]Output{"out": {HashAlgo: "sha256", Hash: "abc"}}}
	if _, _, err := r.Instantiate(d); err == nil {
		t.Errorf("bad fixed hash accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`Derive([("out","/nix/store/s5nvav9b8g8kczqzrn1n1npbvs31hgs4-minimal","","")],[],[],"x86_64-linux","/bin/sh",[],[("a","b\n\"")])`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse(b, "x")
		if err != nil {
			return
		}
		d2, err := Parse(d.ATerm(), "x")
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if string(d2.ATerm()) != string(d.ATerm()) {
			t.Fatal("not idempotent")
		}
	})
}
