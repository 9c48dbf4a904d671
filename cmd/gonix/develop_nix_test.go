package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gonix/gonix/lib"
)

// The variables in which gonix develop may differ from Nix 2.8's nix
// develop, and why (docs/develop.md lists them for users).
var (
	// In the environment JSON (print-dev-env --json).
	developJSONDifferences = map[string]string{
		"out":             "output paths of the NAME-env derivation: gonix's get-env script is not Nix's, so the derivation hashes differ",
		"dev":             "as out",
		"name":            "current Nix (and gonix) name the environment derivation NAME-env; Nix 2.8 keeps NAME",
		"BASH":            "Nix starts builders with argv[0] \"bash\", so bash takes $BASH from the build user's login shell",
		"COMP_WORDBREAKS": "bash bookkeeping: dumped by Nix 2.8, skipped by current Nix and gonix",
		"EPOCHREALTIME":   "as COMP_WORDBREAKS",
		"EPOCHSECONDS":    "as COMP_WORDBREAKS",
		"LINENO":          "a line number in the get-env script",
	}
	// In the shell's exported environment (develop -c env).
	developShellDifferences = map[string]string{
		"NIX_BUILD_TOP": "a fresh temporary directory per shell",
		"TMP":           "as NIX_BUILD_TOP", "TMPDIR": "as NIX_BUILD_TOP", "TEMP": "as NIX_BUILD_TOP", "TEMPDIR": "as NIX_BUILD_TOP",
		"out":        "writable output directory: Nix uses ./outputs/NAME, gonix a temporary directory",
		"dev":        "as out",
		"NIX_GCROOT": "the NAME-env output path (see out in the JSON)",
		"SHELL":      "current Nix (and gonix) set SHELL to the shell it starts; Nix 2.8 leaves the user's",
		"name":       "see the JSON",
	}
)

// nixDevelop runs real Nix's flake commands against a chroot store, with
// an empty flake registry and no substituters.
type nixDevelop struct {
	root, registry string
}

func newNixDevelop(t *testing.T) *nixDevelop {
	t.Helper()
	if testing.Short() {
		t.Skip("builds are skipped in -short mode")
	}
	if _, err := exec.LookPath("nix"); err != nil {
		t.Skip("nix is not on PATH")
	}
	for _, tool := range []string{"bash", "env"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	d := &nixDevelop{root: filepath.Join(t.TempDir(), "nix-root"), registry: filepath.Join(t.TempDir(), "registry.json")}
	if err := os.WriteFile(d.registry, []byte(`{"flakes":[],"version":2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// Can Nix build in a chroot store here?
	probe := t.TempDir()
	flake := `{ outputs = _: { devShells.x86_64-linux.default = derivation { name = "probe"; system = "x86_64-linux"; builder = "/bin/bash"; outputs = [ "out" ]; }; }; }`
	if err := os.WriteFile(filepath.Join(probe, "flake.nix"), []byte(flake), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := d.run(t, probe, "print-dev-env", "--json", "path:"+probe); err != nil {
		t.Skip("nix develop does not work with a chroot store here")
	}
	return d
}

func (d *nixDevelop) run(t *testing.T, dir string, args ...string) ([]byte, error) {
	t.Helper()
	argv := append([]string{
		"--experimental-features", "nix-command flakes",
		"--store", d.root,
		"--option", "extra-sandbox-paths", hostSandboxPaths(),
		"--option", "substituters", "",
		"--option", "flake-registry", d.registry,
	}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "nix", argv...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NIX_PATH=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Logf("nix %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out, err
}

// developJSONVars decodes print-dev-env --json output.
func developJSONVars(t *testing.T, who string, data []byte) (map[string]json.RawMessage, map[string]string) {
	t.Helper()
	var j struct {
		Variables     map[string]json.RawMessage `json:"variables"`
		BashFunctions map[string]string          `json:"bashFunctions"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		t.Fatalf("%s: %v\n%s", who, err, data)
	}
	return j.Variables, j.BashFunctions
}

// envList decodes `env -0` output.
func envList(data []byte) map[string]string {
	m := map[string]string{}
	for _, kv := range bytes.Split(data, []byte{0}) {
		if k, v, ok := strings.Cut(string(kv), "="); ok {
			m[k] = v
		}
	}
	return m
}

// compareDevelop compares gonix develop with nix develop on one flake
// installable: the environment JSON, and the environment a command in the
// shell sees.
func compareDevelop(t *testing.T, nix *nixDevelop, work, installable string, extraNix ...string) {
	t.Helper()
	nixJSON, err := nix.run(t, work, append([]string{"print-dev-env", "--json", installable}, extraNix...)...)
	if err != nil {
		t.Fatal("nix print-dev-env failed")
	}
	gonixJSON, errs, code := gonixRun(t, "develop", installable, "--json")
	if code != 0 {
		t.Fatalf("gonix develop --json: exit %d\n%s", code, errs)
	}
	nv, nf := developJSONVars(t, "nix", nixJSON)
	gv, gf := developJSONVars(t, "gonix", []byte(gonixJSON))
	// Values derived from the output paths (prefix=$out, ...) differ
	// with them: compare them with the paths replaced.
	nixOuts, gonixOuts := jsonOutputs(t, nv), jsonOutputs(t, gv)
	for _, k := range sortedUnion(nv, gv) {
		if _, ok := developJSONDifferences[k]; ok {
			continue
		}
		if n, g := replaceAll(string(nv[k]), nixOuts), replaceAll(string(gv[k]), gonixOuts); n != g {
			t.Errorf("variable %s: nix %s, gonix %s", k, n, g)
		}
	}
	for _, k := range sortedUnion(nf, gf) {
		if n, g := replaceAll(nf[k], nixOuts), replaceAll(gf[k], gonixOuts); n != g {
			t.Errorf("function %s: nix %q, gonix %q", k, n, g)
		}
	}

	// The shells: the same exported environment, from the same
	// starting environment (-i keeping a few variables), in the same
	// directory.
	shellArgs := func(file string) []string {
		return []string{"-i", "-k", "PATH", "-k", "HOME", "-k", "TERM", "-k", "USER",
			"-c", "sh", "-c", `exec env -0 > "$1"`, "sh", file}
	}
	nixFile, gonixFile := filepath.Join(work, "nix.env"), filepath.Join(work, "gonix.env")
	if _, err := nix.run(t, work, append(append([]string{"develop", installable}, extraNix...), shellArgs(nixFile)...)...); err != nil {
		t.Fatalf("nix develop -c env: %v", err)
	}
	wd, _ := os.Getwd()
	if err := os.Chdir(work); err != nil {
		t.Fatal(err)
	}
	_, errs, code = gonixRun(t, append([]string{"develop", installable}, shellArgs(gonixFile)...)...)
	os.Chdir(wd)
	if code != 0 {
		t.Fatalf("gonix develop -c env: exit %d\n%s", code, errs)
	}
	nixEnv, err := os.ReadFile(nixFile)
	if err != nil {
		t.Fatal(err)
	}
	gonixEnv, err := os.ReadFile(gonixFile)
	if err != nil {
		t.Fatal(err)
	}
	ne, ge := envList(nixEnv), envList(gonixEnv)
	// Values derived from the writable output directories differ with
	// them.
	nixDirs := map[string]string{ne["out"]: "<out>", ne["dev"]: "<dev>", ne["NIX_BUILD_TOP"]: "<top>"}
	gonixDirs := map[string]string{ge["out"]: "<out>", ge["dev"]: "<dev>", ge["NIX_BUILD_TOP"]: "<top>"}
	for _, k := range sortedUnion(ne, ge) {
		if _, ok := developShellDifferences[k]; ok {
			continue
		}
		if replaceAll(ne[k], nixDirs) != replaceAll(ge[k], gonixDirs) {
			_, inN := ne[k]
			_, inG := ge[k]
			t.Errorf("shell variable %s: nix %q (set %v), gonix %q (set %v)", k, ne[k], inN, ge[k], inG)
		}
	}
	for _, k := range []string{"out", "NIX_BUILD_TOP", "TMPDIR"} {
		if ge[k] == "" || strings.HasPrefix(ge[k], "/nix/store") {
			t.Errorf("gonix shell: %s = %q, want a writable directory", k, ge[k])
		}
	}
}

// jsonOutputs maps the output paths in an environment JSON to
// placeholders.
func jsonOutputs(t *testing.T, vars map[string]json.RawMessage) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, o := range []string{"out", "dev"} {
		var v struct{ Value string }
		if raw, ok := vars[o]; ok {
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			m[v.Value] = "<" + o + ">"
		}
	}
	return m
}

// replaceAll replaces each non-empty key of m by its value.
func replaceAll(s string, m map[string]string) string {
	for k, v := range m {
		if k != "" {
			s = strings.ReplaceAll(s, k, v)
		}
	}
	return s
}

func sortedUnion[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestDevelopLikeNixRaw compares gonix develop with Nix 2.8's on a flake
// whose devShell is a raw derivation with a bash builder and a "stdenv"
// setup script that sets every kind of variable and defines functions.
func TestDevelopLikeNixRaw(t *testing.T) {
	nix := newNixDevelop(t)
	buildEnv(t)
	dir := t.TempDir()
	files := map[string]string{
		"flake.nix": `{
  outputs = { self }: {
    devShells.x86_64-linux.default = derivation {
      name = "raw";
      system = "x86_64-linux";
      builder = "/bin/bash";
      args = [ "-c" "exit 1" ];
      outputs = [ "out" "dev" ];
      stdenv = ./stdenv;
      FOO = "bar baz";
      MULTI = "line1\nline2\ttab";
      QUOTE = "it's \"quoted\" $HOME \\";
      EMPTY = "";
      shellHook = "export HOOKED=1";
    };
  };
}
`,
		"stdenv/setup": `export FROM_SETUP=1
plainVar="not exported"
declare -a list=("one" "two words" "")
declare -a emptyList=()
declare -A assoc=([k1]=v1 ["k 2"]="v 2")
export PATH="/setup/bin${PATH:+:$PATH}"
greet() { echo "hello $1"; }
runStuff() {
    local x
    for x in "${list[@]}"; do echo "[$x]"; done
}
`,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	work := t.TempDir()
	compareDevelop(t, nix, work, "path:"+dir)
}

// TestDevelopLikeNixHello compares the devShell of examples/hello (a
// mkShell of gonix's embedded stdenv), with the gonix input given to
// Nix as the materialised library.
func TestDevelopLikeNixHello(t *testing.T) {
	nix := newNixDevelop(t)
	buildEnv(t)
	for _, tool := range []string{"cc", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	libDir := filepath.Join(t.TempDir(), "lib")
	if err := lib.Materialize(libDir); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "hello")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"flake.nix", "package.nix", "Makefile", "main.c", "greeting.c", "greeting.h"} {
		data, err := os.ReadFile(filepath.Join("../../examples/hello", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// gonix locks the gonix input to its embedded library; Nix gets the
	// same library through --override-input (the same store path).
	if _, errs, code := gonixRun(t, "flake", "lock", "path:"+src); code != 0 {
		t.Fatalf("gonix flake lock: %s", errs)
	}
	compareDevelop(t, nix, t.TempDir(), "path:"+src, "--override-input", "gonix", "path:"+libDir)
}
