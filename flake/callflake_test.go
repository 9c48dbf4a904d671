package flake_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/flake"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(content, "@ROOT@", root)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// evalIn evaluates an expression with `f` bound to the locked flake.
func evalFlake(t *testing.T, x *flake.Session, lf *flake.LockedFlake, expr string) string {
	t.Helper()
	v, err := x.CallFlake(lf)
	if err != nil {
		t.Fatal(flake.FormatError(x.State, err))
	}
	res, err := x.State.EvalStringWith(expr, "«test»", "/", map[string]eval.Value{"f": v})
	if err != nil {
		t.Fatalf("%s: %s", expr, x.State.FormatError(err))
	}
	if err := x.State.ForceDeep(res); err != nil {
		t.Fatalf("%s: %s", expr, x.State.FormatError(err))
	}
	return x.State.PrintValue(res, eval.PrintOptions{})
}

func TestCallFlakeSemantics(t *testing.T) {
	needTools(t, "git")
	root, _ := filepath.EvalSymlinks(t.TempDir())
	writeFiles(t, root, map[string]string{
		"top/flake.nix": `{
  inputs.lib.url = "path:@ROOT@/lib";
  inputs.sub.url = "path:./sub";
  inputs.data = { url = "path:@ROOT@/data.txt"; flake = false; };
  inputs.other.url = "path:@ROOT@/other";
  inputs.other.inputs.lib.follows = "lib";
  outputs = { self, lib, sub, data, other }: {
    selfIsStore = builtins.substring 0 11 self.outPath == "/nix/store/";
    sameSource = self.sourceInfo.outPath == self.outPath;
    subPath = sub.outPath == self.outPath + "/sub";
    subValue = sub.value;
    libValue = lib.value;
    otherValue = other.value;
    data = builtins.readFile data;
    dataIsFile = data.outPath == data.sourceInfo.outPath;
    inputNames = builtins.attrNames self.inputs;
    hasNarHash = self ? narHash;
    type = self._type;
  };
}`,
		"top/sub/flake.nix":   `{ outputs = { self }: { value = "sub"; }; }`,
		"lib/flake.nix":       `{ outputs = { self }: { value = "lib"; }; }`,
		"other/flake.nix":     `{ inputs.lib.url = "path:/nonexistent"; outputs = { self, lib }: { value = "other+" + lib.value; }; }`,
		"data.txt":            "some data",
		"top/.keep-a-subdir/": "",
	})
	os.Remove(filepath.Join(root, "top/.keep-a-subdir"))
	stor := newStore(t)
	s, _ := newSettings(t, stor)
	x := flake.NewSession(s, newState(stor))
	ref, err := flake.ParseRef(filepath.Join(root, "top"), flake.ParseOptions{BaseDir: root})
	if err != nil {
		t.Fatal(err)
	}
	lf, err := x.LockFlake(ref, flake.LockFlags{})
	if err != nil {
		t.Fatal(flake.FormatError(x.State, err))
	}
	lock, _ := os.ReadFile(filepath.Join(root, "top", "flake.lock"))
	for _, want := range []string{`"parent": []`, `"path": "./sub"`, `"flake": false`, `"lib": [`} {
		if !strings.Contains(string(lock), want) {
			t.Errorf("lock lacks %s:\n%s", want, lock)
		}
	}
	got := evalFlake(t, x, lf, `with f; [ selfIsStore sameSource subPath subValue libValue otherValue data dataIsFile inputNames hasNarHash type ]`)
	want := `[ true true true "sub" "lib" "other+lib" "some data" true [ "data" "lib" "other" "sub" ] true "flake" ]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// Evaluating again from the written lock file (nodes fetched lazily
	// from their locked attributes) gives the same.
	x2 := flake.NewSession(s, newState(stor))
	lf2, err := x2.LockFlake(ref, flake.LockFlags{NoUpdateLockFile: true})
	if err != nil {
		t.Fatal(flake.FormatError(x2.State, err))
	}
	if got := evalFlake(t, x2, lf2, `with f; [ selfIsStore sameSource subPath subValue libValue otherValue data dataIsFile inputNames hasNarHash type ]`); got != want {
		t.Errorf("from lock: %s", got)
	}
}

func TestGetFlakeBuiltin(t *testing.T) {
	f := makeFlake(t)
	for _, pure := range []bool{false, true} {
		st := newStateMode(f.settings.Store, pure)
		flake.Attach(st, f.settings)
		expr := `(builtins.getFlake "path:` + filepath.Join(f.dir, "main") + `").inputs.dep-git.value`
		v, err := st.EvalString(expr, "«test»", "/")
		if err == nil {
			err = st.ForceDeep(v)
		}
		if pure {
			if err == nil || !strings.Contains(err.Error(), "cannot call 'getFlake' on unlocked flake reference") {
				t.Errorf("pure getFlake of an unlocked reference: %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(st.FormatError(err))
		}
		if s, ok := v.(*eval.String); !ok || s.S != "from-git+from-path" {
			t.Errorf("getFlake: %v", v)
		}
	}
	// A locked reference works in pure mode.
	st := newStateMode(f.settings.Store, true)
	flake.Attach(st, f.settings)
	expr := `(builtins.getFlake "path:` + filepath.Join(f.dir, "dep-path") + `?narHash=sha256-fZwol9JOMOOEy6hRFriTyXgP2etk%2BVp72N9J5qWU5KY%3D").value`
	v, err := st.EvalString(expr, "«test»", "/")
	if err == nil {
		err = st.ForceDeep(v)
	}
	if err != nil {
		t.Fatal(st.FormatError(err))
	}
	if s, ok := v.(*eval.String); !ok || s.S != "from-path" {
		t.Errorf("value: %v", v)
	}
	// Its dependency without a lock file cannot be locked in pure mode.
	rev := strings.TrimSpace(runGit(t, filepath.Join(f.dir, "dep-git"), "rev-parse", "HEAD"))
	expr = `(builtins.getFlake "git+file://` + filepath.Join(f.dir, "dep-git") + `?ref=main&rev=` + rev + `").value`
	v, err = st.EvalString(expr, "«test»", "/")
	if err == nil {
		err = st.ForceDeep(v)
	}
	if err == nil || !strings.Contains(st.FormatError(err), "cannot update unlocked flake input 'dep-path' in pure mode") {
		t.Errorf("pure getFlake with an unlockable input: %v", err)
	}
}
