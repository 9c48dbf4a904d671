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

func TestParseJSON(t *testing.T) {
	data := `{
	  "bashFunctions": {"hello": "\n    echo hi\n"},
	  "variables": {
	    "plain": {"type": "var", "value": "a b"},
	    "exp": {"type": "exported", "value": "x\ny"},
	    "arr": {"type": "array", "value": ["1", "two words"]},
	    "empty": {"type": "array", "value": []},
	    "assoc": {"type": "associative", "value": {"k": "v"}},
	    "weird": {"type": "unknown"}
	  }
	}`
	e, err := ParseJSON([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Var{
		"plain": {Kind: String, Value: "a b"},
		"exp":   {Kind: String, Exported: true, Value: "x\ny"},
		"arr":   {Kind: Array, Elems: []string{"1", "two words"}},
		"empty": {Kind: Array, Elems: []string{}},
		"assoc": {Kind: Associative, Assoc: map[string]string{"k": "v"}},
	}
	if !reflect.DeepEqual(e.Vars, want) {
		t.Errorf("vars = %#v", e.Vars)
	}
	if e.Functions["hello"] != "\n    echo hi\n" || e.Structured != nil {
		t.Errorf("functions %q, structured %v", e.Functions, e.Structured)
	}
	if got := e.VarNames(); strings.Join(got, " ") != "arr assoc empty exp plain" {
		t.Errorf("VarNames = %v", got)
	}
	for _, v := range []struct {
		v    Var
		want string
	}{{want["plain"], "var"}, {want["exp"], "exported"}, {want["arr"], "array"}, {want["assoc"], "associative"}} {
		if v.v.TypeName() != v.want {
			t.Errorf("TypeName %v = %s", v.v, v.v.TypeName())
		}
	}

	s, err := ParseJSON([]byte(`{"variables": {}, "structuredAttrs": {".attrs.json": "{}", ".attrs.sh": "x=1"}}`))
	if err != nil || s.Structured == nil || s.Structured.Shell != "x=1" {
		t.Errorf("structured: %v %v", s, err)
	}
}

func TestParseJSONErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{``, "EOF"},
		{`{"variables": `, "unexpected EOF"},
		{`[]`, "cannot unmarshal array"},
		{`{}`, `no "variables" object`},
		{`{"variables": {"x": {"type": "var", "value": 3}}}`, "variable 'x' of type var"},
		{`{"variables": {"x": {"type": "array", "value": "s"}}}`, "variable 'x' of type array"},
		{`{"variables": {}, "structuredAttrs": {".attrs.sh": "x"}}`, `needs ".attrs.json" and ".attrs.sh"`},
	} {
		_, err := ParseJSON([]byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseJSON(%q) = %v, want an error containing %q", c.in, err, c.want)
		}
	}
}

func requireBash(t *testing.T) string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	return bash
}

// sampleEnv is an environment with every kind of variable and awkward
// values.
func sampleEnv() *Env {
	return &Env{
		Vars: map[string]Var{
			"out":           {Kind: String, Exported: true, Value: "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x-env"},
			"dev":           {Kind: String, Exported: true, Value: "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-x-env-dev"},
			"outputs":       {Kind: String, Exported: true, Value: "out dev"},
			"quoted":        {Kind: String, Exported: true, Value: `it's "q" $HOME \n` + "\nline2\t" + "\x1b[0m"},
			"notExported":   {Kind: String, Value: "local value"},
			"makeFlags":     {Kind: String, Exported: true, Value: "PREFIX=/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x-env"},
			"list":          {Kind: Array, Elems: []string{"a b", "", "it's"}},
			"map":           {Kind: Associative, Assoc: map[string]string{"k 1": "v'1", "k2": ""}},
			"PATH":          {Kind: String, Exported: true, Value: "/env/bin"},
			"HOME":          {Kind: String, Exported: true, Value: "/homeless-shelter"},
			"TMPDIR":        {Kind: String, Exported: true, Value: "/build"},
			"TERM":          {Kind: String, Exported: true, Value: "xterm-from-build"},
			"XDG_DATA_DIRS": {Kind: String, Exported: true, Value: "/env/share"},
			"shellHook":     {Kind: String, Value: `hooked="yes $out"; export HOOKED=1`},
		},
		Functions: map[string]string{
			"greet": " \n    echo \"hello from $out\"\n",
		},
	}
}

// runRc sources an rc script in a clean bash with the given environment
// and runs the commands after it.
func runRc(t *testing.T, rc string, env []string, commands string) string {
	t.Helper()
	bash := requireBash(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "rc")
	if err := os.WriteFile(file, []byte(rc+commands), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "--norc", "--noprofile", file)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("bash: %v\n%s\nscript:\n%s", err, errb.String(), rc)
	}
	return out.String()
}

func TestRcScriptRestoresEnvironment(t *testing.T) {
	e := sampleEnv()
	rc, err := e.RcScript(RcOptions{OutputsDir: "/work/outputs", BuildTop: "/tmp/top"})
	if err != nil {
		t.Fatal(err)
	}
	out := runRc(t, rc.Script, []string{"PATH=/usr/bin:/bin", "HOME=/home/me", "TERM=xterm-user", "TMPDIR=/tmp/user"}, `
printf '%s\n' "quoted=[$quoted]"
printf 'exported quoted: %s\n' "$(bash -c 'echo -n "${quoted:+set}"')"
printf 'exported notExported: %s\n' "$(bash -c 'echo -n "${notExported:-unset}"')"
printf 'list=%s\n' "${#list[@]}:${list[0]}|${list[1]}|${list[2]}"
printf 'map=%s\n' "${map[k 1]}|${map[k2]}|${#map[@]}"
echo "out=$out dev=$dev makeFlags=$makeFlags"
echo "PATH=$PATH"
echo "XDG_DATA_DIRS=$XDG_DATA_DIRS"
echo "HOME=$HOME TERM=$TERM"
echo "TMPDIR=$TMPDIR NIX_BUILD_TOP=$NIX_BUILD_TOP TMP=$TMP TEMP=$TEMP TEMPDIR=$TEMPDIR"
echo "hooked=$hooked HOOKED=$HOOKED"
greet
`)
	for _, want := range []string{
		"quoted=[" + e.Vars["quoted"].Value + "]\n",
		"exported quoted: set\n",
		"exported notExported: unset\n",
		"list=3:a b||it's\n",
		"map=v'1||2\n",
		"out=/work/outputs/out dev=/work/outputs/dev makeFlags=PREFIX=/work/outputs/out\n",
		"PATH=/env/bin:/usr/bin:/bin\n",
		"XDG_DATA_DIRS=/env/share\n",
		"HOME=/home/me TERM=xterm-user\n",
		"TMPDIR=/tmp/top NIX_BUILD_TOP=/tmp/top TMP=/tmp/top TEMP=/tmp/top TEMPDIR=/tmp/top\n",
		"hooked=yes /work/outputs/out HOOKED=1\n",
		"hello from /work/outputs/out\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("shell output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(rc.Script, "/nix/store/aaaaaaaa") {
		t.Errorf("an output path was not replaced:\n%s", rc.Script)
	}
}

func TestRcScriptTempDirAndHookOnce(t *testing.T) {
	e := sampleEnv()
	// Without BuildTop the script makes its own directory; shellHook
	// runs once and is not inherited by the next shell.
	rc, err := e.RcScript(RcOptions{OutputsDir: "/o"})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	out := runRc(t, rc.Script, []string{"PATH=/usr/bin:/bin", "TMPDIR=" + tmp, "shellHook=echo inherited"}, `
test -d "$NIX_BUILD_TOP" && echo "top ok"
case "$NIX_BUILD_TOP" in `+tmp+`/gonix-shell.*) echo "under TMPDIR";; esac
rmdir "$NIX_BUILD_TOP"
`)
	if !strings.Contains(out, "top ok") || !strings.Contains(out, "under TMPDIR") || strings.Contains(out, "inherited") {
		t.Errorf("output:\n%s", out)
	}
}

func TestRcScriptErrors(t *testing.T) {
	for name, e := range map[string]*Env{
		"no outputs":        {Vars: map[string]Var{"x": {Kind: String}}},
		"missing output":    {Vars: map[string]Var{"outputs": {Kind: String, Value: "out bin"}, "out": {Kind: String, Value: "/nix/store/x"}}},
		"bad variable name": {Vars: map[string]Var{"outputs": {Kind: String, Value: ""}, "a;rm": {Kind: String}}},
		"bad function name": {Vars: map[string]Var{"outputs": {Kind: String, Value: ""}}, Functions: map[string]string{"f()": ""}},
		"structured no dir": {Vars: map[string]Var{"outputs": {Kind: Associative, Assoc: map[string]string{}}}, Structured: &StructuredAttrs{}},
	} {
		if _, err := e.RcScript(RcOptions{OutputsDir: "/o"}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := sampleEnv().RcScript(RcOptions{}); err == nil {
		t.Errorf("no outputs directory: no error")
	}
}

func TestRcScriptStructuredAttrs(t *testing.T) {
	outPath := "/nix/store/cccccccccccccccccccccccccccccccc-s-env"
	e := &Env{
		Vars: map[string]Var{
			"outputs":             {Kind: Associative, Assoc: map[string]string{"out": outPath}},
			"NIX_ATTRS_SH_FILE":   {Kind: String, Exported: true, Value: "/build/.attrs.sh"},
			"NIX_ATTRS_JSON_FILE": {Kind: String, Exported: true, Value: "/build/.attrs.json"},
		},
		Structured: &StructuredAttrs{
			JSON:  `{"outputs":{"out":"` + outPath + `"}}`,
			Shell: "declare -A outputs=(['out']='" + outPath + "' )\n",
		},
	}
	dir := t.TempDir()
	rc, err := e.RcScript(RcOptions{OutputsDir: "/o", AttrsDir: dir, BuildTop: "/t"})
	if err != nil {
		t.Fatal(err)
	}
	if rc.Files[filepath.Join(dir, ".attrs.json")] != `{"outputs":{"out":"/o/out"}}` ||
		!strings.Contains(rc.Files[filepath.Join(dir, ".attrs.sh")], "='/o/out'") {
		t.Errorf("files: %q", rc.Files)
	}
	for p, c := range rc.Files {
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := runRc(t, rc.Script, []string{"PATH=/usr/bin:/bin"}, `
echo "sh=$NIX_ATTRS_SH_FILE json=$NIX_ATTRS_JSON_FILE out=${outputs[out]}"
source "$NIX_ATTRS_SH_FILE"; echo "again=${outputs[out]}"
`)
	want := "sh=" + dir + "/.attrs.sh json=" + dir + "/.attrs.json out=/o/out\nagain=/o/out\n"
	if out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"": "''", "a b": "'a b'", "it's": `'it'\''s'`} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
