package devenv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// runGetEnv runs the get-env script the way a builder does (bash with
// the script as its argument, a builder-like environment) and parses
// what it wrote to $out.
func runGetEnv(t *testing.T, setup string, extraEnv ...string) (*Env, map[string]string) {
	t.Helper()
	bash := requireBash(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "get-env.sh")
	if err := os.WriteFile(script, []byte(GetEnvScript()), 0o644); err != nil {
		t.Fatal(err)
	}
	stdenv := filepath.Join(dir, "stdenv")
	if err := os.Mkdir(stdenv, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stdenv, "setup"), []byte(setup), 0o644); err != nil {
		t.Fatal(err)
	}
	outs := map[string]string{"out": filepath.Join(dir, "out"), "dev": filepath.Join(dir, "dev")}
	cmd := exec.Command(bash, script)
	cmd.Dir = dir
	cmd.Env = append([]string{
		"PATH=/path-not-set", "HOME=/homeless-shelter", "NIX_BUILD_TOP=" + dir, "TMPDIR=" + dir,
		"stdenv=" + stdenv, "outputs=out dev", "out=" + outs["out"], "dev=" + outs["dev"],
		"name=the-name", "type=the-type",
	}, extraEnv...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("get-env: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(outs["out"])
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(outs["dev"]); err != nil || fi.Size() != 0 {
		t.Errorf("the second output should be an empty file: %v %v", fi, err)
	}
	e, err := ParseJSON(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return e, outs
}

func TestGetEnvScript(t *testing.T) {
	setup := `
plain="a b"
export exported=$'tab\there\nnewline "quotes" \\backslash \x01\x1f\x1b[1m end'
unicode="grüße ✓"
declare -a arr=("one" "two words" "")
declare -a emptyArr=()
declare -A assoc=([key]="value" ["with space"]=$'x\ny')
declare -i integer=3
declare -r readOnly=1
declare -ax exportedArr=(1)
declare -n ref=plain
__gonixArray=("not the helper's")
myFunc() { echo "in myFunc: }"; }
phaseFunc() {
    local x=1
    echo "$x"
}
shellHook='echo hook'
`
	e, outs := runGetEnv(t, setup)
	want := map[string]Var{
		"plain":                  {Kind: String, Value: "a b"},
		"exported":               {Kind: String, Exported: true, Value: "tab\there\nnewline \"quotes\" \\backslash \x01\x1f\x1b[1m end"},
		"unicode":                {Kind: String, Value: "grüße ✓"},
		"arr":                    {Kind: Array, Elems: []string{"one", "two words", ""}},
		"emptyArr":               {Kind: Array, Elems: []string{}},
		"assoc":                  {Kind: Associative, Assoc: map[string]string{"key": "value", "with space": "x\ny"}},
		"__gonixArray":           {Kind: Array, Elems: []string{"not the helper's"}},
		"name":                   {Kind: String, Exported: true, Value: "the-name"},
		"type":                   {Kind: String, Exported: true, Value: "the-type"},
		"IN_NIX_SHELL":           {Kind: String, Exported: true, Value: "impure"},
		"shellHook":              {Kind: String, Value: "echo hook"},
		"out":                    {Kind: String, Exported: true, Value: outs["out"]},
		"HOME":                   {Kind: String, Exported: true, Value: "/homeless-shelter"},
		"dontAddDisableDepTrack": {Kind: String, Exported: true, Value: "1"},
	}
	for name, w := range want {
		if got, ok := e.Vars[name]; !ok || !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %#v (present %v), want %#v", name, got, ok, w)
		}
	}
	// Like Nix: no integers, read-only values, name references or
	// variables with several attributes; none of bash's bookkeeping.
	for _, name := range []string{"integer", "readOnly", "exportedArr", "ref", "PWD", "SHLVL", "BASH_VERSION",
		"_", "EUID", "PPID", "RANDOM", "FUNCNAME", "PIPESTATUS", "__gonixDeclarations", "__gonixFunctionNames"} {
		if _, ok := e.Vars[name]; ok {
			t.Errorf("variable %s should not be in the environment", name)
		}
	}
	if got := e.Functions["myFunc"]; got != " \n    echo \"in myFunc: }\"\n" {
		t.Errorf("myFunc body = %q", got)
	}
	if got := e.Functions["phaseFunc"]; got != " \n    local x=1;\n    echo \"$x\"\n" {
		t.Errorf("phaseFunc body = %q", got)
	}
	for name := range e.Functions {
		if strings.HasPrefix(name, "__gonix") {
			t.Errorf("the script's own function %s is in the environment", name)
		}
	}

	// The environment restores through an rc script.
	rc, err := e.RcScript(RcOptions{OutputsDir: "/o", BuildTop: "/t"})
	if err != nil {
		t.Fatal(err)
	}
	out := runRc(t, rc.Script, []string{"PATH=/usr/bin:/bin"}, `
[[ "$exported" == $'tab\there\nnewline "quotes" \\backslash \x01\x1f\x1b[1m end' ]] && echo exported-ok
[[ "${assoc[with space]}" == $'x\ny' ]] && echo assoc-ok
myFunc
`)
	for _, w := range []string{"hook\n", "exported-ok\n", "assoc-ok\n", "in myFunc: }\n"} {
		if !strings.Contains(out, w) {
			t.Errorf("shell output lacks %q:\n%s", w, out)
		}
	}
}

func TestGetEnvScriptStructuredAttrs(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "the-out")
	sh := filepath.Join(dir, ".attrs.sh")
	js := filepath.Join(dir, ".attrs.json")
	if err := os.WriteFile(sh, []byte("declare -A outputs=(['out']='"+out+"' )\ndeclare fromAttrs='yes'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(js, []byte(`{"fromAttrs":"yes"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bash := requireBash(t)
	script := filepath.Join(dir, "get-env.sh")
	if err := os.WriteFile(script, []byte(GetEnvScript()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, script)
	cmd.Env = []string{"PATH=/path-not-set", "NIX_ATTRS_SH_FILE=" + sh, "NIX_ATTRS_JSON_FILE=" + js}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ParseJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if e.Structured == nil || e.Structured.JSON != `{"fromAttrs":"yes"}` || !strings.Contains(e.Structured.Shell, "fromAttrs='yes'") {
		t.Errorf("structured = %#v", e.Structured)
	}
	if v := e.Vars["outputs"]; v.Kind != Associative || v.Assoc["out"] != out {
		t.Errorf("outputs = %#v", v)
	}
	if v, _ := e.String("fromAttrs"); v != "yes" {
		t.Errorf("fromAttrs = %q", v)
	}
}

// TestGetEnvScriptFailingSetup: a setup script that fails fails the
// build (no environment is written).
func TestGetEnvScriptFailingSetup(t *testing.T) {
	bash := requireBash(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "setup"), []byte("false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "get-env.sh")
	if err := os.WriteFile(script, []byte(GetEnvScript()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, script)
	cmd.Env = []string{"PATH=/path-not-set", "stdenv=" + dir, "outputs=out", "out=" + filepath.Join(dir, "out")}
	if err := cmd.Run(); err == nil {
		t.Fatal("get-env succeeded with a failing setup script")
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("an environment was written")
	}
}
