package flake_test

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/flake"
	"github.com/gonix/gonix/internal/evalstore"
	"github.com/gonix/gonix/store"
)

const goldenDir = "../../shared/conformance/store/flake"

// fixture holds a make-flake.sh tree and a throw-away store.
type fixture struct {
	dir      string
	settings *flake.Settings
	warnings []string
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not available", tool)
		}
	}
}

func newStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newSettings(t *testing.T, st *store.Store) (*flake.Settings, *[]string) {
	home := t.TempDir()
	s := flake.NewSettings(st, func(k string) string {
		switch k {
		case "HOME":
			return home
		case "XDG_CACHE_HOME":
			return filepath.Join(home, "cache")
		case "NIX_CONF_DIR":
			return filepath.Join(home, "etc")
		}
		return ""
	})
	s.GlobalRegistry = ""
	var warnings []string
	s.Warn = func(m string) { warnings = append(warnings, m) }
	return s, &warnings
}

func makeFlake(t *testing.T) *fixture {
	t.Helper()
	needTools(t, "bash", "git")
	script := filepath.Join(goldenDir, "make-flake.sh")
	if _, err := os.Stat(script); err != nil {
		t.Skip("no make-flake.sh:", err)
	}
	d := filepath.Join(t.TempDir(), "w")
	out, err := exec.Command("bash", script, d).CombinedOutput()
	if err != nil {
		t.Fatalf("make-flake.sh: %v\n%s", err, out)
	}
	d, _ = filepath.EvalSymlinks(d)
	s, w := newSettings(t, newStore(t))
	f := &fixture{dir: d, settings: s}
	_ = w
	return f
}

// newState returns a pure evaluator whose store hook reads (and, for
// import from derivation, writes) the test store st.
func newState(st *store.Store) *eval.State {
	return newStateMode(st, true)
}

func newStateMode(st *store.Store, pure bool) *eval.State {
	hook := evalstore.New(evalstore.Options{Mode: evalstore.ReadOnly, Root: st.Root, Open: func() (*store.Store, error) { return st, nil }})
	return builtins.New(eval.Options{Pure: pure, Store: hook, Stderr: &bytes.Buffer{}})
}

func (f *fixture) session() *flake.Session {
	return flake.NewSession(f.settings, newState(f.settings.Store))
}

func (f *fixture) ref(t *testing.T, s string) flake.Ref {
	t.Helper()
	r, err := flake.ParseRef(s, flake.ParseOptions{BaseDir: f.dir})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func readGolden(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(goldenDir, name))
	if err != nil {
		t.Skip("golden missing:", err)
	}
	return string(data)
}

// normaliseJSON makes a JSON document comparable across Nix versions:
// fields current Nix added since 2.8 (fingerprint) are dropped, and the
// query strings of URL fields are compared decoded (current Nix
// escapes '=' and '+' as %3D and %2B and keeps '/', Nix 2.8 escaped
// '/' as %2f).
func normaliseJSON(t *testing.T, text string) string {
	t.Helper()
	j, err := flake.ParseJSON([]byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	var walk func(v *flake.JSONValue)
	walk = func(v *flake.JSONValue) {
		if v.Kind == flake.JSONObject {
			v.Delete("fingerprint")
			for _, k := range append([]string(nil), v.Keys...) {
				x := v.Fields[k]
				if (k == "url" || k == "originalUrl" || k == "resolvedUrl") && x.Kind == flake.JSONStringKind && strings.Contains(x.Str, "?") {
					base, q, _ := strings.Cut(x.Str, "?")
					dq, err := flake.DecodeQuery(q, false, nil)
					if err == nil {
						var parts []string
						for _, qk := range slices.Sorted(maps.Keys(dq)) {
							parts = append(parts, qk+"="+dq[qk])
						}
						x.Str = base + "?" + strings.Join(parts, "&")
					}
				}
				if k == "description" && x.Kind == flake.JSONStringKind && x.Str == "" && v.Get("type") != nil {
					v.Delete(k)
					continue
				}
				walk(x)
			}
		}
		for _, e := range v.Arr {
			walk(e)
		}
	}
	walk(j)
	return j.Pretty()
}

func touch2020(t *testing.T, paths ...string) {
	tm := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range paths {
		if err := os.Chtimes(p, tm, tm); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGoldenLockAndMetadata(t *testing.T) {
	f := makeFlake(t)
	x := f.session()
	main := f.ref(t, filepath.Join(f.dir, "main"))
	lf, err := x.LockFlake(main, flake.LockFlags{})
	if err != nil {
		t.Fatal(err)
	}
	if !lf.Written {
		t.Fatal("lock file not written")
	}
	data, err := os.ReadFile(filepath.Join(f.dir, "main", "flake.lock"))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(string(data), f.dir, "@DIR@")
	if want := readGolden(t, "flake.lock"); got != want {
		t.Errorf("flake.lock differs from Nix's:\n%s\nwant\n%s", got, want)
	}
	touch2020(t, filepath.Join(f.dir, "main"), filepath.Join(f.dir, "main", "flake.lock"))

	meta := func(ref string, flags flake.LockFlags) string {
		t.Helper()
		lf, err := f.session().LockFlake(f.ref(t, ref), flags)
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		return strings.ReplaceAll(lf.MetadataJSON().Pretty(), f.dir, "@DIR@")
	}
	noWrite := flake.LockFlags{NoWriteLockFile: true}
	check := func(name, got string) {
		t.Helper()
		want := readGolden(t, name)
		if g, w := normaliseJSON(t, got), normaliseJSON(t, want); g != w {
			t.Errorf("%s differs:\n%s\nwant\n%s", name, g, w)
		}
	}
	// main's flake.nix contains the fixture directory, so its narHash,
	// store path and locked URL depend on where the test runs (the
	// interop test compares them with Nix on the same directory).
	maskMain := func(s string) string {
		j, err := flake.ParseJSON([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		j.Get("locked").Set("narHash", flake.JSONString("MASKED"))
		j.Set("path", flake.JSONString("MASKED"))
		j.Set("url", flake.JSONString("MASKED"))
		return j.Pretty()
	}
	gotMain := maskMain(meta(filepath.Join(f.dir, "main"), noWrite))
	if g, w := normaliseJSON(t, gotMain), normaliseJSON(t, maskMain(readGolden(t, "metadata.json"))); g != w {
		t.Errorf("metadata.json differs:\n%s\nwant\n%s", g, w)
	}
	check("metadata-dep-path.json", meta("path:"+filepath.Join(f.dir, "dep-path"), noWrite))
	override := flake.LockFlags{NoWriteLockFile: true, InputOverrides: []flake.InputOverride{{Path: flake.InputPath{"dep-path"}, Ref: f.ref(t, "path:"+filepath.Join(f.dir, "dep-path"))}}}
	check("metadata-dep-git.json", meta("git+file://"+filepath.Join(f.dir, "dep-git"), override))
	rev1 := strings.TrimSpace(runGit(t, filepath.Join(f.dir, "dep-git"), "rev-list", "--max-parents=0", "HEAD"))
	check("metadata-dep-git-rev1.json", meta("git+file://"+filepath.Join(f.dir, "dep-git")+"?rev="+rev1, override))
}

func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestGoldenShow(t *testing.T) {
	f := makeFlake(t)
	x := f.session()
	lf, err := x.LockFlake(f.ref(t, filepath.Join(f.dir, "main")), flake.LockFlags{NoWriteLockFile: true})
	if err != nil {
		t.Fatal(err)
	}
	j, err := x.Show(lf, flake.ShowOptions{JSON: true, System: "x86_64-linux"})
	if err != nil {
		t.Fatal(err)
	}
	got := j.Pretty()
	if !strings.Contains(got, `"description": ""`) {
		t.Errorf("derivations should carry a description, as in current Nix:\n%s", got)
	}
	if g, w := normaliseJSON(t, got), normaliseJSON(t, readGolden(t, "show.json")); g != w {
		t.Errorf("show.json differs:\n%s\nwant\n%s", g, w)
	}
	var tree bytes.Buffer
	if _, err := x.Show(lf, flake.ShowOptions{System: "x86_64-linux", Out: &tree}); err != nil {
		t.Fatal(err)
	}
	want := "path:" + filepath.Join(f.dir, "main") + "?lastModified=1577836800&narHash=" + flake.PercentEncode(lf.Flake.LockedRef.Input.NarHash(), ":@/?") + `
├───devShells
│   └───x86_64-linux
│       └───default: development environment 'flake-shell'
├───lib: unknown
├───overlays
│   └───default: Nixpkgs overlay
└───packages
    └───x86_64-linux
        ├───default: package 'flake-hello'
        └───other: package 'flake-other'
`
	if tree.String() != want {
		t.Errorf("tree:\n%s\nwant\n%s", tree.String(), want)
	}
}
