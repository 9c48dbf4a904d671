package checker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsListEveryRule keeps docs/lints.md's rule table in step with the
// rule table.
func TestDocsListEveryRule(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "lints.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "| G") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows[cells[0]] = cells
	}
	for _, r := range Rules() {
		row, ok := rows[r.Code]
		if !ok {
			t.Errorf("docs/lints.md: no row for %s", r.Code)
			continue
		}
		def := "off"
		if r.Default {
			def = "on"
		}
		fix := ""
		if r.Fixable {
			fix = "yes"
		}
		if row[1] != r.Name || row[2] != r.Compat || !strings.HasPrefix(row[3], def) || row[4] != r.Severity.String() || row[5] != fix {
			t.Errorf("docs/lints.md row %v does not match rule %s %s %s default=%s %s fix=%q", row, r.Code, r.Name, r.Compat, def, r.Severity, fix)
		}
		if !strings.Contains(string(data), "**"+r.Code+" "+r.Name+"**") && !strings.Contains(string(data), "**"+r.Code+" ") {
			t.Errorf("docs/lints.md: %s is not described", r.Code)
		}
		delete(rows, r.Code)
	}
	for code := range rows {
		t.Errorf("docs/lints.md lists unknown rule %s", code)
	}
}
