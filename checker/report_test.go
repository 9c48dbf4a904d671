package checker

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonix/gonix/parser"
)

func report(t *testing.T, src string) *FileReport {
	t.Helper()
	tree := parser.ParseString(src, parser.Options{})
	return &FileReport{Path: "a.nix", Src: src, Findings: Check(tree, nil)}
}

func TestWriteTextFrames(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, report(t, "x:\n  \"é\" + x == true\n")); err != nil {
		t.Fatal(err)
	}
	want := "warning[G101]: Unnecessary comparison with boolean (bool-comparison, statix:W01)\n" +
		"       at a.nix:2:3:\n" +
		"           2|   \"é\" + x == true\n" +
		"            |   ^^^^^^^^^^^^^^^ Comparing `\"é\" + x` with boolean literal `true`\n" +
		"       fix: Replace with `\"é\" + x`\n\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	// A long line is cut around the range.
	long := "x: [ " + strings.Repeat("x ", 500) + "(x == true) ]"
	b.Reset()
	if err := WriteText(&b, report(t, long)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if len(lines[2]) > maxFrameWidth+40 || !strings.Contains(lines[2], "| …x x") || !strings.HasSuffix(lines[2], "(x == true) ]") {
		t.Errorf("long line frame: %q", lines[2])
	}
	if i, j := strings.Index(lines[2], "(x ==")+1, strings.Index(lines[3], "^"); i < 1 || len([]rune(lines[2][:i])) != len([]rune(lines[3][:j])) {
		t.Errorf("caret under %q at %d:\n%s\n%s", "x == true", j, lines[2], lines[3])
	}
}

func TestWriteJSONAndSARIF(t *testing.T) {
	rep := report(t, "# 😀é\n{ a = \"😀\" + x == true; }")
	var b bytes.Buffer
	if err := WriteJSON(&b, []*FileReport{rep}); err != nil {
		t.Fatal(err)
	}
	var js []JSONFinding
	if err := json.Unmarshal(b.Bytes(), &js); err != nil {
		t.Fatal(err)
	}
	var g101 *JSONFinding
	for i := range js {
		if js[i].Code == "G101" {
			g101 = &js[i]
		}
	}
	if g101 == nil || g101.Start != (Point{Line: 2, Column: 7}) || g101.End != (Point{Line: 2, Column: 25}) || g101.Compat != "statix:W01" {
		t.Fatalf("G101 finding: %+v", g101)
	}
	b.Reset()
	if err := WriteSARIF(&b, []*FileReport{rep}, "test"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Locations []struct {
					PhysicalLocation struct {
						Region sarifRegion `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	found := false
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("ruleIndex %d does not point at %s", r.RuleIndex, r.RuleID)
		}
		if r.RuleID == "G101" {
			found = true
			// "😀" is 4 bytes but 2 UTF-16 units: columns 7 and 23.
			want := sarifRegion{StartLine: 2, StartColumn: 7, EndLine: 2, EndColumn: 23}
			if got := r.Locations[0].PhysicalLocation.Region; got != want {
				t.Errorf("region %+v, want %+v", got, want)
			}
		}
	}
	if log.Version != "2.1.0" || !found {
		t.Errorf("version %q, G101 found %v", log.Version, found)
	}
}

// TestLargeInputsStayFast guards against quadratic behaviour: 20,000
// bindings on one line, all unused, in a chain.
func TestLargeInputsStayFast(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	var b strings.Builder
	b.WriteString("let ")
	for i := 0; i < 20000; i++ {
		if i == 0 {
			b.WriteString("a0 = 1; ")
		} else {
			b.WriteString("a" + strconv.Itoa(i) + " = a" + strconv.Itoa(i-1) + "; ")
		}
	}
	b.WriteString("in 1")
	src := b.String()
	start := time.Now()
	tree := parser.ParseString(src, parser.Options{})
	fs := Check(tree, nil)
	rep := &FileReport{Path: "big.nix", Src: src, Findings: fs}
	var out bytes.Buffer
	if err := WriteText(&out, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteSARIF(&out, []*FileReport{rep}, ""); err != nil {
		t.Fatal(err)
	}
	if len(fs) != 20000 {
		t.Errorf("%d findings, want 20000", len(fs))
	}
	// Linear work takes well under a second; quadratic work took minutes.
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v", d)
	}
}
