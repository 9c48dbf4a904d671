package build

import (
	"strings"
	"testing"
)

// Messages for Nix's logger ("@nix {...}") are kept in the build log but
// are neither shown nor part of the failure's log tail.
func TestJSONLogMessagesHidden(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	bad, _ := mkDrv(t, st, r, drvSpec{name: "phases", script: `echo '@nix { "action": "setPhase", "phase": "buildPhase" }'; echo '@nix not json'; echo visible; exit 2`})
	var shown []string // Realise serialises the reporter's calls
	_, err := realise(t, st, Options{Reporter: ReporterFunc(func(e Event) {
		if e.Kind == EvLog {
			shown = append(shown, e.Line)
		}
	})}, bad)
	if err == nil {
		t.Fatal("expected a failure")
	}
	msg := err.Error()
	if strings.Contains(msg, "setPhase") {
		t.Errorf("log tail shows the logger message:\n%s", msg)
	}
	for _, want := range []string{"> visible", "> @nix not json"} {
		if !strings.Contains(msg, want) {
			t.Errorf("log tail lacks %q:\n%s", want, msg)
		}
	}
	if len(shown) != 2 {
		t.Errorf("shown lines %q, want the two that are not logger messages", shown)
	}
	for _, l := range shown {
		if strings.Contains(l, "setPhase") {
			t.Errorf("progress shows the logger message %q", l)
		}
	}
	log, err := st.ReadBuildLog(bad)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), `"setPhase"`) {
		t.Errorf("build log lacks the logger message:\n%s", log)
	}
}
