package checker

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gonix/gonix/parser"
)

// lintDataDir finds ../shared/conformance/lint next to the repository.
func lintDataDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "conformance", "lint")
		}
		if filepath.Dir(d) == d {
			t.Skip("repository root not found")
		}
	}
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("%s not present", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

type lineCol struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

type statixCase struct {
	ID               string `json:"id"`
	Rule             string `json:"rule"`
	Input            string `json:"input"`
	ExpectedFindings []struct {
		Code     string  `json:"code"`
		Location lineCol `json:"location"`
		Labels   []struct {
			Message string `json:"message"`
			Span    *struct {
				Start lineCol `json:"start"`
				End   lineCol `json:"end"`
			} `json:"span"`
		} `json:"labels"`
	} `json:"expected_findings"`
	ExpectedFixed *string `json:"expected_fixed"`
}

// statixRules are the rules statix runs by default.
func statixRules() RuleSet {
	return DefaultRules().Only(func(r Rule) bool { return strings.HasPrefix(r.Compat, "statix:") })
}

func pos(t *parser.Tree, off int) lineCol {
	p := t.Position(off)
	return lineCol{p.Line, p.Col}
}

// TestStatixConformance runs every statix case: the same findings (codes,
// locations, label spans) and the same fixed text.
func TestStatixConformance(t *testing.T) {
	cases := readJSONL[statixCase](t, filepath.Join(lintDataDir(t), "statix_cases.jsonl"))
	rules := statixRules()
	opts := &Options{Rules: &rules}
	passed := 0
	for _, c := range cases {
		ok := t.Run(c.ID, func(t *testing.T) {
			tree := parser.ParseString(c.Input, parser.Options{Name: "case.nix"})
			got := Check(tree, opts)
			var gotKeys, wantKeys []string
			for _, f := range got {
				gotKeys = append(gotKeys, fmt.Sprintf("%s@%v", strings.TrimPrefix(f.Compat, "statix:"), pos(tree, f.Start)))
			}
			for _, f := range c.ExpectedFindings {
				wantKeys = append(wantKeys, fmt.Sprintf("%s@%v", f.Code, f.Location))
			}
			sort.Strings(gotKeys)
			sort.Strings(wantKeys)
			if strings.Join(gotKeys, " ") != strings.Join(wantKeys, " ") {
				t.Fatalf("input %q\nfindings %v\nwant     %v", c.Input, gotKeys, wantKeys)
			}
			// Label spans, where statix's output gives them.
			for _, wf := range c.ExpectedFindings {
				var f *Finding
				for i := range got {
					if strings.TrimPrefix(got[i].Compat, "statix:") == wf.Code && pos(tree, got[i].Start) == wf.Location {
						f = &got[i]
					}
				}
				for _, wl := range wf.Labels {
					if wl.Span == nil {
						continue
					}
					found := false
					for _, l := range f.Labels {
						if pos(tree, l.Start) == wl.Span.Start && pos(tree, l.End) == wl.Span.End {
							found = true
						}
					}
					if !found {
						t.Errorf("%s: no label at %v-%v (%q)", wf.Code, wl.Span.Start, wl.Span.End, wl.Message)
					}
				}
			}
			want := c.Input
			if c.ExpectedFixed != nil {
				want = *c.ExpectedFixed
			}
			res, err := FixSource("case.nix", c.Input, opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Src != want {
				t.Errorf("fixed %q\nwant  %q", res.Src, want)
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("statix: %d/%d cases pass", passed, len(cases))
}

type deadnixCase struct {
	ID               string          `json:"id"`
	Kind             string          `json:"kind"`
	Input            string          `json:"input"`
	Settings         DeadnixOptions  `json:"settings"`
	ExpectedCount    int             `json:"expected_count"`
	ExpectedFindings []deadnixExpect `json:"expected_findings"`
	ExpectedFixed    string          `json:"expected_fixed"`
	ExpectedChanged  *bool           `json:"expected_changed"`
}

type deadnixExpect struct {
	Index      int      `json:"index"`
	Name       *string  `json:"name"`
	NameOffset *int     `json:"name_offset"`
	NameStart  *lineCol `json:"name_start"`
}

// TestDeadnixConformance runs every deadnix case: the same unused
// bindings, and the same edited text.
func TestDeadnixConformance(t *testing.T) {
	cases := readJSONL[deadnixCase](t, filepath.Join(lintDataDir(t), "deadnix_cases.jsonl"))
	rules := AllRules().Only(func(r Rule) bool { return r.Compat == "deadnix" })
	passed := 0
	for _, c := range cases {
		ok := t.Run(c.ID, func(t *testing.T) {
			opts := &Options{Rules: &rules, Deadnix: c.Settings}
			switch c.Kind {
			case "dead_code":
				tree := parser.ParseString(c.Input, parser.Options{})
				got := Check(tree, opts)
				if len(got) != c.ExpectedCount {
					t.Fatalf("input %q: %d findings %v, want %d", c.Input, len(got), got, c.ExpectedCount)
				}
				for _, w := range c.ExpectedFindings {
					f := got[w.Index]
					name := c.Input[f.Start:f.End]
					if w.Name != nil && name != *w.Name {
						t.Errorf("finding %d names %q, want %q", w.Index, name, *w.Name)
					}
					if w.NameOffset != nil && f.Start != *w.NameOffset {
						t.Errorf("finding %d at offset %d, want %d", w.Index, f.Start, *w.NameOffset)
					}
					if w.NameStart != nil && pos(tree, f.Start) != *w.NameStart {
						t.Errorf("finding %d at %v, want %v", w.Index, pos(tree, f.Start), *w.NameStart)
					}
				}
			case "edit":
				res, err := FixSource("case.nix", c.Input, opts)
				if err != nil {
					t.Fatal(err)
				}
				if res.Src != c.ExpectedFixed {
					t.Errorf("input %q\nfixed %q\nwant  %q", c.Input, res.Src, c.ExpectedFixed)
				}
				if c.ExpectedChanged != nil && res.Changed != *c.ExpectedChanged {
					t.Errorf("changed = %v, want %v", res.Changed, *c.ExpectedChanged)
				}
			default:
				t.Fatalf("unknown kind %q", c.Kind)
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("deadnix: %d/%d cases pass", passed, len(cases))
}
