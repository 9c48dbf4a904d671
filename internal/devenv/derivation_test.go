package devenv

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/build"
	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/sandbox"
	"github.com/gonix/gonix/store/storepath"
)

const fakeGetEnv = "/nix/store/ffffffffffffffffffffffffffffffff-get-env.sh"

func noLoader(p string) (*derivation.Derivation, error) {
	return nil, fmt.Errorf("no derivation %s", p)
}

func instantiated(t *testing.T, d *derivation.Derivation) (*derivation.Resolver, *derivation.Derivation) {
	t.Helper()
	r := derivation.NewResolver(storepath.DefaultDir, noLoader)
	if _, _, err := r.Instantiate(d); err != nil {
		t.Fatal(err)
	}
	return r, d
}

func TestEnvDerivation(t *testing.T) {
	r, d := instantiated(t, &derivation.Derivation{
		Name:      "pkg-1.0",
		Outputs:   map[string]derivation.Output{"out": {}, "dev": {}},
		InputSrcs: []string{"/nix/store/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-src"},
		Platform:  "x86_64-linux",
		Builder:   "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-bash/bin/bash",
		Args:      []string{"-e", "builder.sh"},
		Env: map[string]string{
			"name": "pkg-1.0", "foo": "bar", "allowedReferences": "", "disallowedRequisites": "x",
			"makeFlags": "PREFIX=" + storepath.Placeholder("out"),
		},
	})
	orig := d.Clone()
	e, err := EnvDerivation(r, d, fakeGetEnv)
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "pkg-1.0-env" || e.Env["name"] != "pkg-1.0-env" {
		t.Errorf("name %q, env name %q", e.Name, e.Env["name"])
	}
	if !slices.Equal(e.Args, []string{fakeGetEnv}) || e.Builder != d.Builder {
		t.Errorf("builder %s args %v", e.Builder, e.Args)
	}
	if _, ok := e.Env["allowedReferences"]; ok {
		t.Error("allowedReferences kept")
	}
	if _, ok := e.Env["disallowedRequisites"]; ok {
		t.Error("disallowedRequisites kept")
	}
	if e.Env["foo"] != "bar" || e.Env["makeFlags"] != orig.Env["makeFlags"] {
		t.Errorf("env changed: %v", e.Env)
	}
	if !slices.Contains(e.InputSrcs, fakeGetEnv) || !slices.IsSorted(e.InputSrcs) || len(e.InputSrcs) != 2 {
		t.Errorf("input sources %v", e.InputSrcs)
	}
	for _, o := range []string{"out", "dev"} {
		p := e.Outputs[o].Path
		if p == "" || p == orig.Outputs[o].Path || e.Env[o] != p {
			t.Errorf("output %s: %q (original %q, env %q)", o, p, orig.Outputs[o].Path, e.Env[o])
		}
		if !strings.Contains(p, "-pkg-1.0-env") {
			t.Errorf("output %s is named %s", o, p)
		}
	}
	// The input derivation is untouched.
	if d.Name != orig.Name || !slices.Equal(d.Args, orig.Args) || d.Outputs["out"] != orig.Outputs["out"] {
		t.Error("EnvDerivation modified its argument")
	}
	// Deterministic: the same derivation gives the same environment
	// derivation.
	e2, err := EnvDerivation(r, orig, fakeGetEnv)
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := derivation.DrvPath(storepath.DefaultDir, e)
	p2, _ := derivation.DrvPath(storepath.DefaultDir, e2)
	if p1 != p2 {
		t.Errorf("drv paths differ: %s %s", p1, p2)
	}
}

func TestEnvDerivationFixedOutput(t *testing.T) {
	h := nixhash.Sum(nixhash.SHA256, []byte("x"))
	r, d := instantiated(t, &derivation.Derivation{
		Name:     "fetched",
		Outputs:  map[string]derivation.Output{"out": derivation.FixedOutput(storepath.Flat, h)},
		Platform: "x86_64-linux",
		Builder:  "/bin/bash",
		Env:      map[string]string{"outputHash": h.Hex()},
	})
	e, err := EnvDerivation(r, d, fakeGetEnv)
	if err != nil {
		t.Fatal(err)
	}
	if e.IsFixedOutput() || e.Outputs["out"].Path == "" || e.Outputs["out"].Path == d.Outputs["out"].Path {
		t.Errorf("outputs %v", e.Outputs)
	}
}

func TestEnvDerivationStructured(t *testing.T) {
	r, d := instantiated(t, &derivation.Derivation{
		Name:     "s",
		Outputs:  map[string]derivation.Output{"out": {}},
		Platform: "x86_64-linux",
		Builder:  "/bin/bash",
		Env:      map[string]string{"__json": `{"outputChecks":{"out":{"maxSize":1}},"big":12345678901234567890,"html":"<&>"}`},
	})
	e, err := EnvDerivation(r, d, fakeGetEnv)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]json.RawMessage
	if err := json.Unmarshal([]byte(e.Env["__json"]), &attrs); err != nil {
		t.Fatal(err)
	}
	if _, ok := attrs["outputChecks"]; ok {
		t.Error("outputChecks kept")
	}
	if string(attrs["big"]) != "12345678901234567890" || string(attrs["html"]) != `"<&>"` {
		t.Errorf("__json = %s", e.Env["__json"])
	}

	d.Env["__json"] = "{not json"
	if _, err := EnvDerivation(r, d, fakeGetEnv); err == nil || !strings.Contains(err.Error(), "structured attributes") {
		t.Errorf("bad __json: %v", err)
	}
}

func TestEnvDerivationNeedsBash(t *testing.T) {
	r, d := instantiated(t, &derivation.Derivation{
		Name: "sh", Outputs: map[string]derivation.Output{"out": {}}, Platform: "x86_64-linux", Builder: "/bin/sh",
	})
	if _, err := EnvDerivation(r, d, fakeGetEnv); err == nil || !strings.Contains(err.Error(), "builder is bash") {
		t.Errorf("err = %v", err)
	}
}

// hostPaths are the host directories a /bin/bash builder needs in the
// sandbox.
func hostPaths() []string {
	var ps []string
	for _, p := range []string{"/bin", "/sbin", "/usr", "/lib", "/lib64", "/etc/alternatives"} {
		if _, err := os.Stat(p); err == nil {
			ps = append(ps, p)
		}
	}
	return ps
}

// testStore opens a store under a temporary root; builds there run in
// the sandbox, so the test skips where there is none.
func testStore(t *testing.T) *store.Store {
	t.Helper()
	if testing.Short() {
		t.Skip("builds are skipped in -short mode")
	}
	if _, err := sandbox.Probe(); err != nil {
		t.Skipf("sandboxing unavailable: %v", err)
	}
	requireBash(t)
	st, err := store.Open(filepath.Join(t.TempDir(), "root"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestBuild builds the environment of a raw bash derivation whose
// "stdenv" is a setup script, in a store under a temporary root.
func TestBuild(t *testing.T) {
	st := testStore(t)
	src := t.TempDir()
	setup := "export FROM_SETUP=1\ndeclare -a list=(a b)\nphase() { echo phase; }\n"
	if err := os.WriteFile(filepath.Join(src, "setup"), []byte(setup), 0o644); err != nil {
		t.Fatal(err)
	}
	stdenv, err := st.AddPath(src, store.AddOptions{Name: "stdenv"})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(script string) string {
		d := &derivation.Derivation{
			Name:      "raw",
			Outputs:   map[string]derivation.Output{"out": {}},
			InputSrcs: []string{stdenv},
			Platform:  "x86_64-linux",
			Builder:   "/bin/bash",
			Args:      []string{"-c", script},
			Env:       map[string]string{"name": "raw", "stdenv": stdenv, "system": "x86_64-linux"},
		}
		p, _, err := st.Instantiate(st.NewResolver(), d)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	drv := mk("exit 1") // the derivation's own build would fail
	opts := build.Options{SandboxPaths: hostPaths()}
	env, envPath, err := Build(context.Background(), st, drv, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(envPath, "-raw-env") {
		t.Errorf("environment path %s", envPath)
	}
	if v, _ := env.String("FROM_SETUP"); v != "1" {
		t.Errorf("FROM_SETUP = %q", v)
	}
	if v, _ := env.String("name"); v != "raw-env" {
		t.Errorf("name = %q", v)
	}
	if v, _ := env.String("out"); v != envPath {
		t.Errorf("out = %q, want %s", v, envPath)
	}
	if v := env.Vars["list"]; !slices.Equal(v.Elems, []string{"a", "b"}) {
		t.Errorf("list = %v", v)
	}
	if _, ok := env.Functions["phase"]; !ok {
		t.Errorf("functions %v", env.FunctionNames())
	}
	if ok, _ := st.IsValid(envPath); !ok {
		t.Errorf("%s is not valid", envPath)
	}
	// The derivation itself was not built.
	d, _ := st.ReadDerivation(drv)
	if ok, _ := st.IsValid(d.Outputs["out"].Path); ok {
		t.Error("the derivation's own output was built")
	}
	// Built once: the second time reads the same environment.
	env2, envPath2, err := Build(context.Background(), st, drv, build.Options{Sandbox: build.SandboxOn})
	if err != nil || envPath2 != envPath || len(env2.Vars) != len(env.Vars) {
		t.Errorf("second build: %s %v", envPath2, err)
	}
	again, err := ReadEnvPath(st, envPath)
	if err != nil || len(again.Vars) != len(env.Vars) {
		t.Errorf("ReadEnvPath: %v", err)
	}

	// A setup script that fails fails the environment's build.
	if err := os.WriteFile(filepath.Join(src, "setup"), []byte("echo setting up; false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad, err := st.AddPath(src, store.AddOptions{Name: "stdenv"})
	if err != nil {
		t.Fatal(err)
	}
	d2 := &derivation.Derivation{
		Name: "broken", Outputs: map[string]derivation.Output{"out": {}}, InputSrcs: []string{bad},
		Platform: "x86_64-linux", Builder: "/bin/bash", Env: map[string]string{"stdenv": bad},
	}
	p2, _, err := st.Instantiate(st.NewResolver(), d2)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Build(context.Background(), st, p2, opts); err == nil || !strings.Contains(err.Error(), "broken-env") {
		t.Errorf("failing setup: %v", err)
	}
}
