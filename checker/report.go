package checker

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gonix/gonix/parser"
)

// FileReport is the findings of one file, for the report writers.
type FileReport struct {
	// Path is the file name as shown to the user.
	Path string
	// Src is the checked source (the fixed one after --fix).
	Src      string
	Findings []Finding
	// Fixed counts the fixes applied to the file.
	Fixed int

	lines []uint32
	// The last UTF-16 column computed (see Pos16).
	c16Line, c16Off, c16 int
	ascii                []int8 // per line: 1 ASCII, -1 not, 0 unknown
}

// Point is a 1-based line and column: Column counts bytes (as Nix does),
// Column16 UTF-16 code units (as editors and SARIF do; set by Pos16).
type Point struct {
	Line     int `json:"line"`
	Column   int `json:"column"`
	Column16 int `json:"-"`
}

// Pos converts a byte offset of the report's source to a Point (without
// Column16).
func (r *FileReport) Pos(off int) Point {
	if r.lines == nil {
		r.lines = parser.LineStarts(r.Src)
	}
	if off < 0 {
		off = 0
	}
	if off > len(r.Src) {
		off = len(r.Src)
	}
	line := sort.Search(len(r.lines), func(i int) bool { return int(r.lines[i]) > off })
	return Point{Line: line, Column: off - int(r.lines[line-1]) + 1}
}

// Pos16 is Pos with Column16.
func (r *FileReport) Pos16(off int) Point {
	p := r.Pos(off)
	start := int(r.lines[p.Line-1])
	off = start + p.Column - 1
	if r.asciiLine(p.Line) {
		p.Column16 = p.Column
		return p
	}
	// Successive calls on one line at growing offsets (findings come
	// sorted) count only the new part of the line.
	from, c16 := start, 0
	if r.c16Line == p.Line && r.c16Off <= off {
		from, c16 = r.c16Off, r.c16
	}
	for _, ru := range r.Src[from:off] {
		if ru >= 0x10000 {
			c16 += 2
		} else {
			c16++
		}
	}
	r.c16Line, r.c16Off, r.c16 = p.Line, off, c16
	p.Column16 = c16 + 1
	return p
}

// asciiLine reports whether a line is plain ASCII (its UTF-16 columns are
// its byte columns), remembering the answer.
func (r *FileReport) asciiLine(line int) bool {
	if r.ascii == nil {
		r.ascii = make([]int8, len(r.lines))
	}
	switch r.ascii[line-1] {
	case 1:
		return true
	case -1:
		return false
	}
	text := r.lineText(line)
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x80 {
			r.ascii[line-1] = -1
			return false
		}
	}
	r.ascii[line-1] = 1
	return true
}

// lineText returns the text of a 1-based line without its end.
func (r *FileReport) lineText(line int) string {
	if line < 1 || line > len(r.lines) {
		return ""
	}
	end := len(r.Src)
	if line < len(r.lines) {
		end = int(r.lines[line])
	}
	s := r.Src[r.lines[line-1]:end]
	return strings.TrimRight(s, "\r\n")
}

// WriteText prints the findings with Nix-style code frames:
//
//	warning[G101]: Unnecessary comparison with boolean (bool-comparison, statix:W01)
//	       at a.nix:1:1:
//	            1| a == true
//	             | ^^^^^^^^^ Comparing `a` with boolean literal `true`
//	       fix: Replace with `a`
func WriteText(w io.Writer, r *FileReport) error {
	for i := range r.Findings {
		f := &r.Findings[i]
		var b strings.Builder
		p := r.Pos(f.Start)
		fmt.Fprintf(&b, "%s[%s]: %s (%s", f.Severity, f.Code, f.Message, f.Name)
		if f.Compat != "" {
			fmt.Fprintf(&b, ", %s", f.Compat)
		}
		fmt.Fprintf(&b, ")\n       at %s:%d:%d:\n", r.Path, p.Line, p.Column)
		labels := f.Labels
		if len(labels) == 0 {
			labels = []Label{{Start: f.Start, End: f.End}}
		}
		prevLine := 0
		for _, l := range labels {
			r.frame(&b, l, &prevLine)
		}
		if f.Fix != nil {
			fmt.Fprintf(&b, "       fix: %s\n", f.Fix.Title)
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// maxFrameWidth bounds the source shown in a code frame; longer lines
// (minified or generated code) are cut around the range.
const maxFrameWidth = 160

// frame prints one label: its source line and carets under its range.
func (r *FileReport) frame(b *strings.Builder, l Label, prevLine *int) {
	sp, ep := r.Pos(l.Start), r.Pos(l.End)
	text := r.lineText(sp.Line)
	start := sp.Column - 1
	end := len(text)
	if ep.Line == sp.Line {
		end = ep.Column - 1
	}
	// The window of the line to show.
	lo, hi := 0, len(text)
	if len(text) > maxFrameWidth {
		lo = start - maxFrameWidth/3
		if lo < 0 {
			lo = 0
		}
		for lo > 0 && !utf8.RuneStart(text[lo]) {
			lo--
		}
		hi = lo + maxFrameWidth
		if hi > len(text) {
			hi = len(text)
		}
		for hi < len(text) && !utf8.RuneStart(text[hi]) {
			hi++
		}
	}
	shown := text[lo:hi]
	pre, post := "", ""
	if lo > 0 {
		pre = "…"
	}
	if hi < len(text) {
		post = "…"
	}
	if sp.Line != *prevLine {
		if *prevLine != 0 && sp.Line > *prevLine+1 {
			b.WriteString("             ...\n")
		}
		fmt.Fprintf(b, "       %5d| %s%s%s\n", sp.Line, pre, expandTabs(shown), post)
		*prevLine = sp.Line
	}
	clamp := func(x int) int {
		if x < lo {
			return lo
		}
		if x > hi {
			return hi
		}
		return x
	}
	startCol := utf8.RuneCountInString(pre) + utf8.RuneCountInString(text[lo:clamp(start)])
	width := utf8.RuneCountInString(text[clamp(start):clamp(end)])
	if width < 1 {
		width = 1
	}
	fmt.Fprintf(b, "            | %s%s", strings.Repeat(" ", startCol), strings.Repeat("^", width))
	if ep.Line != sp.Line {
		b.WriteString("...")
	}
	if l.Message != "" {
		b.WriteString(" " + l.Message)
	}
	b.WriteByte('\n')
}

func expandTabs(s string) string { return strings.ReplaceAll(s, "\t", " ") }

// WriteShort prints one line per finding, FILE:LINE:COL: SEVERITY[CODE]:
// MESSAGE (NAME), for editors' error formats and problem matchers.
func WriteShort(w io.Writer, r *FileReport) error {
	var b strings.Builder
	for _, f := range r.Findings {
		p := r.Pos(f.Start)
		fmt.Fprintf(&b, "%s:%d:%d: %s[%s]: %s (%s)\n", r.Path, p.Line, p.Column, f.Severity, f.Code,
			strings.ReplaceAll(f.Message, "\n", " "), f.Name)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// JSONFinding is the JSON form of a finding (`gonix check --json`):
// positions are 1-based, columns count bytes, end is exclusive.
type JSONFinding struct {
	File     string      `json:"file"`
	Code     string      `json:"code"`
	Name     string      `json:"name"`
	Compat   string      `json:"compat,omitempty"`
	Severity string      `json:"severity"`
	Message  string      `json:"message"`
	Start    Point       `json:"start"`
	End      Point       `json:"end"`
	Labels   []JSONLabel `json:"labels,omitempty"`
	Fix      *JSONFix    `json:"fix,omitempty"`
}

// JSONLabel is a label of a JSONFinding.
type JSONLabel struct {
	Message string `json:"message"`
	Start   Point  `json:"start"`
	End     Point  `json:"end"`
}

// JSONFix is the fix of a JSONFinding.
type JSONFix struct {
	Title string     `json:"title"`
	Edits []JSONEdit `json:"edits"`
}

// JSONEdit is an edit of a JSONFix; Start and End are also given as byte
// offsets.
type JSONEdit struct {
	Start       Point  `json:"start"`
	End         Point  `json:"end"`
	StartOffset int    `json:"start_offset"`
	EndOffset   int    `json:"end_offset"`
	NewText     string `json:"new_text"`
}

// JSONFindings converts a report's findings.
func JSONFindings(r *FileReport) []JSONFinding {
	out := make([]JSONFinding, 0, len(r.Findings))
	for _, f := range r.Findings {
		j := JSONFinding{
			File: r.Path, Code: f.Code, Name: f.Name, Compat: f.Compat, Severity: f.Severity.String(),
			Message: f.Message, Start: r.Pos(f.Start), End: r.Pos(f.End),
		}
		for _, l := range f.Labels {
			j.Labels = append(j.Labels, JSONLabel{Message: l.Message, Start: r.Pos(l.Start), End: r.Pos(l.End)})
		}
		if f.Fix != nil {
			jf := &JSONFix{Title: f.Fix.Title}
			for _, e := range f.Fix.Edits {
				jf.Edits = append(jf.Edits, JSONEdit{Start: r.Pos(e.Start), End: r.Pos(e.End), StartOffset: e.Start, EndOffset: e.End, NewText: e.NewText})
			}
			j.Fix = jf
		}
		out = append(out, j)
	}
	return out
}

// WriteJSON prints every finding of every report as one JSON array.
func WriteJSON(w io.Writer, reports []*FileReport) error {
	all := []JSONFinding{}
	for _, r := range reports {
		all = append(all, JSONFindings(r)...)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(all)
}

// SARIF 2.1.0 types (the parts gonix writes).
type (
	sarifLog struct {
		Version string     `json:"version"`
		Schema  string     `json:"$schema"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		Results    []sarifResult `json:"results"`
		ColumnKind string        `json:"columnKind"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     sarifText      `json:"shortDescription"`
		DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties,omitempty"`
	}
	sarifConfig struct {
		Level   string `json:"level"`
		Enabled bool   `json:"enabled"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID           string          `json:"ruleId"`
		RuleIndex        int             `json:"ruleIndex"`
		Level            string          `json:"level"`
		Message          sarifText       `json:"message"`
		Locations        []sarifLocation `json:"locations"`
		RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
		Fixes            []sarifFix      `json:"fixes,omitempty"`
	}
	sarifLocation struct {
		ID               *int           `json:"id,omitempty"`
		PhysicalLocation sarifPhysical  `json:"physicalLocation"`
		Message          *sarifText     `json:"message,omitempty"`
		Properties       map[string]any `json:"properties,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine"`
		EndColumn   int `json:"endColumn"`
	}
	sarifFix struct {
		Description     sarifText             `json:"description"`
		ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
	}
	sarifArtifactChange struct {
		ArtifactLocation sarifArtifact      `json:"artifactLocation"`
		Replacements     []sarifReplacement `json:"replacements"`
	}
	sarifReplacement struct {
		DeletedRegion   sarifRegion `json:"deletedRegion"`
		InsertedContent sarifText   `json:"insertedContent"`
	}
)

func sarifLevel(s Severity) string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return "note"
}

// sarifURI turns a file path into a relative URI reference with forward
// slashes (as code scanning expects), or a file: URI when absolute.
func sarifURI(path string) string {
	p := filepath.ToSlash(path)
	u := url.URL{Path: p}
	if filepath.IsAbs(path) {
		u.Scheme = "file"
	}
	return u.String()
}

func (r *FileReport) region(start, end int) sarifRegion {
	s, e := r.Pos16(start), r.Pos16(end)
	return sarifRegion{StartLine: s.Line, StartColumn: s.Column16, EndLine: e.Line, EndColumn: e.Column16}
}

// WriteSARIF prints the reports as a SARIF 2.1.0 log for code scanning.
// Columns are UTF-16 code units (SARIF's default columnKind).
func WriteSARIF(w io.Writer, reports []*FileReport, version string) error {
	var rules []sarifRule
	index := make(map[string]int)
	for _, r := range allRules {
		index[r.Code] = len(rules)
		props := map[string]any{}
		if r.Compat != "" {
			props["compat"] = r.Compat
		}
		rules = append(rules, sarifRule{
			ID: r.Code, Name: r.Name, ShortDescription: sarifText{r.Summary},
			DefaultConfiguration: sarifConfig{Level: sarifLevel(r.Severity), Enabled: r.Default},
			Properties:           props,
		})
	}
	results := []sarifResult{}
	for _, rep := range reports {
		uri := sarifURI(rep.Path)
		for _, f := range rep.Findings {
			idx, ok := index[f.Code]
			if !ok {
				idx = -1
			}
			res := sarifResult{
				RuleID: f.Code, RuleIndex: idx, Level: sarifLevel(f.Severity), Message: sarifText{f.Message},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
					ArtifactLocation: sarifArtifact{uri}, Region: rep.region(f.Start, f.End),
				}}},
			}
			for i, l := range f.Labels {
				id := i
				loc := sarifLocation{ID: &id, PhysicalLocation: sarifPhysical{
					ArtifactLocation: sarifArtifact{uri}, Region: rep.region(l.Start, l.End),
				}}
				if l.Message != "" {
					loc.Message = &sarifText{l.Message}
				}
				res.RelatedLocations = append(res.RelatedLocations, loc)
			}
			if f.Fix != nil {
				ch := sarifArtifactChange{ArtifactLocation: sarifArtifact{uri}}
				for _, e := range f.Fix.Edits {
					ch.Replacements = append(ch.Replacements, sarifReplacement{
						DeletedRegion: rep.region(e.Start, e.End), InsertedContent: sarifText{e.NewText},
					})
				}
				res.Fixes = []sarifFix{{Description: sarifText{f.Fix.Title}, ArtifactChanges: []sarifArtifactChange{ch}}}
			}
			results = append(results, res)
		}
	}
	log := sarifLog{
		Version: "2.1.0",
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: "gonix", Version: version, InformationURI: "https://github.com/gonix/gonix/blob/main/docs/lints.md", Rules: rules,
			}},
			Results:    results,
			ColumnKind: "utf16CodeUnits",
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
