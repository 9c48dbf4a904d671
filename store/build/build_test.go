package build

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/sandbox"
	"github.com/gonix/gonix/store/storepath"
)

// testStore opens a fresh store in a temporary root; builds there need the
// sandbox (the builder must see the store at /nix/store).
func testStore(t *testing.T) *store.Store {
	t.Helper()
	if _, err := sandbox.Probe(); err != nil {
		t.Skipf("sandboxing unavailable: %v", err)
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// drvSpec describes a test derivation built by /bin/sh -c SCRIPT.
type drvSpec struct {
	name    string
	script  string
	inputs  map[string][]string // input drv -> outputs
	srcs    []string
	outputs []string
	env     map[string]string
	fixed   *derivation.Output
}

// mkDrv instantiates a derivation in st and returns its path and outputs.
func mkDrv(t testing.TB, st *store.Store, r *derivation.Resolver, s drvSpec) (string, map[string]string) {
	t.Helper()
	outs := s.outputs
	if len(outs) == 0 {
		outs = []string{"out"}
	}
	d := &derivation.Derivation{
		Name:      s.name,
		Outputs:   map[string]derivation.Output{},
		InputDrvs: map[string][]string{},
		InputSrcs: s.srcs,
		Platform:  "x86_64-linux",
		Builder:   "/bin/sh",
		Args:      []string{"-c", s.script},
		Env: map[string]string{
			"name": s.name, "builder": "/bin/sh", "system": "x86_64-linux",
		},
	}
	for k, v := range s.inputs {
		d.InputDrvs[k] = v
	}
	for _, o := range outs {
		d.Outputs[o] = derivation.Output{}
		d.Env[o] = ""
	}
	if s.fixed != nil {
		d.Outputs["out"] = *s.fixed
	}
	if len(outs) > 1 {
		d.Env["outputs"] = strings.Join(outs, " ")
	}
	for k, v := range s.env {
		d.Env[k] = v
	}
	p, o, err := st.Instantiate(r, d)
	if err != nil {
		t.Fatalf("instantiating %s: %v", s.name, err)
	}
	return p, o
}

func realise(t testing.TB, st *store.Store, opts Options, drvs ...string) ([]Result, error) {
	t.Helper()
	var reqs []Request
	for _, d := range drvs {
		reqs = append(reqs, ParseRequest(d))
	}
	return Realise(context.Background(), st, reqs, opts)
}

func readOut(t testing.TB, st *store.Store, p string) string {
	t.Helper()
	b, err := os.ReadFile(st.RealPath(p))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBuildSimpleAndRegistration(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	dep, depOuts := mkDrv(t, st, r, drvSpec{name: "dep", script: `echo dep > $out`})
	drv, outs := mkDrv(t, st, r, drvSpec{
		name:   "top",
		inputs: map[string][]string{dep: {"out"}},
		env:    map[string]string{"dep": depOuts["out"]},
		script: `read x < $dep; echo "got $x from $dep" > $out; echo building-top`,
	})
	res, err := realise(t, st, Options{}, drv)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Status != Built || res[0].Outputs["out"] != outs["out"] {
		t.Fatalf("unexpected result %+v", res[0])
	}
	if got, want := readOut(t, st, outs["out"]), "got dep from "+depOuts["out"]+"\n"; got != want {
		t.Fatalf("output %q, want %q", got, want)
	}
	info, err := st.QueryPathInfo(outs["out"])
	if err != nil {
		t.Fatal(err)
	}
	if info.Deriver != drv || !info.Ultimate || len(info.References) != 1 || info.References[0] != depOuts["out"] {
		t.Fatalf("bad registration: %+v", info)
	}
	fi, _ := os.Lstat(st.RealPath(outs["out"]))
	if fi.Mode().Perm() != 0o444 || fi.ModTime().Unix() != 1 {
		t.Fatalf("output not canonical: %v %v", fi.Mode(), fi.ModTime())
	}
	log, err := st.ReadBuildLog(drv)
	if err != nil || !strings.Contains(string(log), "building-top") {
		t.Fatalf("build log: %q %v", log, err)
	}
	// A second run finds everything valid.
	res, err = realise(t, st, Options{}, drv)
	if err != nil || res[0].Status != AlreadyValid {
		t.Fatalf("rebuild: %+v %v", res, err)
	}
}

func TestBuilderEnvironment(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	drv, outs := mkDrv(t, st, r, drvSpec{
		name:    "env",
		outputs: []string{"out", "dev"},
		env: map[string]string{
			"passAsFile": "big", "big": "file contents", "plain": "v",
			"withPlaceholder": storepath.Placeholder("dev") + "/lib",
		},
		script: `{ for v in PATH HOME NIX_STORE NIX_BUILD_TOP TMPDIR TEMPDIR TMP TEMP PWD out dev NIX_LOG_FD TERM plain bigPath withPlaceholder NIX_BUILD_CORES; do eval "echo $v=\${$v}"; done
read b < $bigPath; echo "bigContent=$b"; echo "big=${big-unset}"; echo "cwd=$(pwd)"; read h < /proc/sys/kernel/hostname; echo "host=$h"; } > $out; echo > $dev`,
	})
	if _, err := realise(t, st, Options{Cores: 3}, drv); err != nil {
		t.Fatal(err)
	}
	got := readOut(t, st, outs["out"])
	h := nixhash.Sum(nixhash.SHA256, []byte("big"))
	_ = h
	for _, want := range []string{
		"PATH=/path-not-set", "HOME=/homeless-shelter", "NIX_STORE=/nix/store", "NIX_BUILD_TOP=/build",
		"TMPDIR=/build", "TEMPDIR=/build", "TMP=/build", "TEMP=/build", "PWD=/build",
		"out=" + outs["out"], "dev=" + outs["dev"], "NIX_LOG_FD=2", "TERM=xterm-256color", "plain=v",
		"bigPath=/build/.attr-", "bigContent=file contents", "big=unset", "cwd=/build", "host=localhost",
		"withPlaceholder=" + outs["dev"] + "/lib", "NIX_BUILD_CORES=3",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

func TestStructuredAttrs(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	js := `{"builder":"/bin/sh","flag":true,"list":["a","b c"],"n":3,"name":"sa","obj":{"k":"v"},"outputChecks":{"out":{"maxSize":1000}},"outputs":["out"],"system":"x86_64-linux"}`
	drv, outs := mkDrv(t, st, r, drvSpec{
		name:   "sa",
		env:    map[string]string{"__json": js, "name": "", "builder": "", "system": ""},
		script: `. $NIX_ATTRS_SH_FILE; { echo "flag=$flag n=$n list=${list[*]-}"; echo "attrsjson=$NIX_ATTRS_JSON_FILE"; echo "sh=$NIX_ATTRS_SH_FILE"; echo "outvar=${out-unset}"; while read -r l; do echo "json:$l"; done < $NIX_ATTRS_JSON_FILE; echo; } > ${outputs_out-/build/x}; while read -r l; do echo "$l"; done < $NIX_ATTRS_SH_FILE >> /build/sh.txt; read -r o < /build/sh.txt; true`,
	})
	// dash has no arrays: read the files instead of sourcing them.
	d, _ := st.ReadDerivation(drv)
	_ = d
	drv2, outs2 := mkDrv(t, st, r, drvSpec{
		name: "sa2",
		env:  map[string]string{"__json": strings.Replace(js, `"sa"`, `"sa2"`, 1), "name": "", "builder": "", "system": ""},
		script: `{ while read -r l; do echo "sh:$l"; done < $NIX_ATTRS_SH_FILE; while read -r l || [ -n "$l" ]; do echo "json:$l"; done < $NIX_ATTRS_JSON_FILE; echo; echo "outvar=${out-unset}"; } > /build/res
while read -r l; do case "$l" in "sh:declare -A outputs="*) o=${l#*]=}; o=${o#\'}; o=${o%%\'*};; esac; done < /build/res
{ while read -r l; do echo "$l"; done < /build/res; } > $o`,
	})
	_ = outs
	_ = drv
	if _, err := realise(t, st, Options{}, drv2); err != nil {
		t.Fatal(err)
	}
	got := readOut(t, st, outs2["out"])
	for _, want := range []string{
		"sh:declare builder='/bin/sh'", "sh:declare flag=1", "sh:declare -a list=('a' 'b c' )", "sh:declare n=3",
		"sh:declare -A obj=(['k']='v' )", "sh:declare -A outputs=(['out']='" + outs2["out"] + "' )",
		`json:{"builder":"/bin/sh","flag":true,"list":["a","b c"],"n":3,"name":"sa2","obj":{"k":"v"},"outputChecks":{"out":{"maxSize":1000}},"outputs":{"out":"` + outs2["out"] + `"},"system":"x86_64-linux"}`,
		"outvar=unset",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

func TestGraph1000Jobs2(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	const n = 1000
	drvs := make([]string, n)
	outs := make([]string, n)
	deps := make([][]int, n)
	for i := 0; i < n; i++ {
		s := drvSpec{name: fmt.Sprintf("node-%d", i), inputs: map[string][]string{}, env: map[string]string{}}
		check := ""
		// Up to three earlier nodes as dependencies (a wide DAG, so two
		// builds can run at once).
		for _, j := range []int{i - 2, i / 2, (i * 7) % (i + 1)} {
			if j < 0 || j >= i {
				continue
			}
			if _, dup := s.inputs[drvs[j]]; dup {
				continue
			}
			s.inputs[drvs[j]] = []string{"out"}
			deps[i] = append(deps[i], j)
			key := fmt.Sprintf("dep%d", len(deps[i]))
			s.env[key] = outs[j]
			check += fmt.Sprintf("test -e $%s || exit 1; ", key)
		}
		s.script = check + "echo " + s.name + " > $out"
		drvs[i], _ = mkDrv(t, st, r, s)
		o, _ := st.ReadDerivation(drvs[i])
		outs[i] = o.Outputs["out"].Path
	}
	var mu sync.Mutex
	order := map[string]int{}
	running, maxRunning := 0, 0
	rep := ReporterFunc(func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		switch e.Kind {
		case EvStarted:
			running++
			maxRunning = max(maxRunning, running)
			order[e.Drv] = len(order)
		case EvFinished, EvFailed:
			running--
		}
	})
	// Request a handful of roots, including the last node.
	res, err := realise(t, st, Options{Jobs: 2, Reporter: rep}, drvs[n-1], drvs[n/3], drvs[n-2])
	if err != nil {
		t.Fatal(err)
	}
	for _, rs := range res {
		if rs.Status != Built {
			t.Fatalf("result %+v", rs)
		}
	}
	built := 0
	for i := 0; i < n; i++ {
		pos, ok := order[drvs[i]]
		if !ok {
			continue
		}
		built++
		for _, j := range deps[i] {
			pj, ok := order[drvs[j]]
			if !ok || pj > pos {
				t.Fatalf("node %d started before its dependency %d", i, j)
			}
		}
	}
	if built != n {
		t.Fatalf("built %d of %d derivations", built, n)
	}
	if maxRunning > 2 {
		t.Fatalf("%d builds ran at once with -j2", maxRunning)
	}
	t.Logf("max parallel builds: %d", maxRunning)
}

// writeRawDrv puts a hand-made .drv into the store directory (not
// registered: Instantiate cannot make cycles).
func writeRawDrv(t *testing.T, st *store.Store, name string, d *derivation.Derivation) {
	t.Helper()
	p := st.RealPath(name)
	if err := os.WriteFile(p, d.ATerm(), 0o444); err != nil {
		t.Fatal(err)
	}
}

func TestCycleIsReported(t *testing.T) {
	st := testStore(t)
	a := "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a.drv"
	b := "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-b.drv"
	c := "/nix/store/cccccccccccccccccccccccccccccccc-c.drv"
	top := "/nix/store/dddddddddddddddddddddddddddddddd-top.drv"
	mk := func(name string, inputs ...string) *derivation.Derivation {
		d := &derivation.Derivation{Name: name, Outputs: map[string]derivation.Output{
			"out": {Path: "/nix/store/" + strings.Repeat("0", 32) + "-" + name}},
			InputDrvs: map[string][]string{}, Platform: "x86_64-linux", Builder: "/bin/sh", Env: map[string]string{}}
		for _, in := range inputs {
			d.InputDrvs[in] = []string{"out"}
		}
		return d
	}
	writeRawDrv(t, st, top, mk("top", a))
	writeRawDrv(t, st, a, mk("a", b))
	writeRawDrv(t, st, b, mk("b", c))
	writeRawDrv(t, st, c, mk("c", a))
	_, err := realise(t, st, Options{}, top)
	var ce *CycleError
	if !errors.As(err, &ce) {
		t.Fatalf("want a cycle error, got %v", err)
	}
	want := a + " -> " + b + " -> " + c + " -> " + a
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("cycle error %q does not name %q", err, want)
	}
}

func TestKeepGoingAndFailureLog(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	bad, _ := mkDrv(t, st, r, drvSpec{name: "bad", script: `i=0; while [ $i -lt 15 ]; do echo "line $i"; i=$((i+1)); done; echo oops >&2; exit 3`})
	afterBad, _ := mkDrv(t, st, r, drvSpec{name: "after-bad", inputs: map[string][]string{bad: {"out"}}, script: `echo > $out`})
	var goods []string
	for i := 0; i < 4; i++ {
		g, _ := mkDrv(t, st, r, drvSpec{name: fmt.Sprintf("good-%d", i), script: `echo ok > $out`})
		goods = append(goods, g)
	}
	res, err := realise(t, st, Options{KeepGoing: true, Jobs: 2}, append([]string{afterBad}, goods...)...)
	if err == nil {
		t.Fatal("expected a failure")
	}
	msg := err.Error()
	for _, want := range []string{"builder for '" + bad + "' failed with exit code 3", "last 10 log lines:", "> oops", "> line 14", "gonix store log " + bad} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "> line 4\n") {
		t.Errorf("log tail longer than 10 lines:\n%s", msg)
	}
	if res[0].Status != DependencyFailed {
		t.Errorf("after-bad: %v", res[0].Status)
	}
	for i, rs := range res[1:] {
		if rs.Status != Built {
			t.Errorf("good-%d: %v %v", i, rs.Status, rs.Err)
		}
	}
	if _, err := st.ReadBuildLog(bad); err != nil {
		t.Errorf("failed build has no log: %v", err)
	}
	// Without keep-going the first failure stops the rest.
	r2 := st.NewResolver()
	bad2, _ := mkDrv(t, st, r2, drvSpec{name: "bad2", script: `exit 1`})
	var later []string
	for i := 0; i < 3; i++ {
		g, _ := mkDrv(t, st, r2, drvSpec{name: fmt.Sprintf("later-%d", i), inputs: map[string][]string{}, script: `echo > $out`})
		later = append(later, g)
	}
	res, err = realise(t, st, Options{Jobs: 1}, append([]string{bad2}, later...)...)
	if err == nil || res[0].Status != Failed {
		t.Fatalf("want failure, got %v %+v", err, res)
	}
}

func TestKeepFailed(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	bad, _ := mkDrv(t, st, r, drvSpec{name: "keep", script: `echo marker > marker; exit 1`})
	bd := t.TempDir()
	_, err := realise(t, st, Options{KeepFailed: true, BuildDir: bd}, bad)
	if err == nil || !strings.Contains(err.Error(), "keeping build directory") {
		t.Fatalf("want keep note, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(bd, "nix-build-keep-0", "marker")); err != nil {
		t.Fatalf("build directory not kept: %v", err)
	}
}

func TestFixedOutputHashMismatch(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	content := "hello\n"
	good := nixhash.Sum(nixhash.SHA256, []byte(content))
	fo := derivation.FixedOutput(storepath.Flat, good)
	drv, outs := mkDrv(t, st, r, drvSpec{name: "fod.txt", script: `echo hello > $out`, fixed: &fo})
	if _, err := realise(t, st, Options{}, drv); err != nil {
		t.Fatal(err)
	}
	info, err := st.QueryPathInfo(outs["out"])
	if err != nil || info.CA.IsZero() {
		t.Fatalf("fixed output registered without ca: %+v %v", info, err)
	}
	wrong := nixhash.Sum(nixhash.SHA256, []byte("something else"))
	fo2 := derivation.FixedOutput(storepath.NAR, wrong)
	drv2, outs2 := mkDrv(t, st, r, drvSpec{name: "fod-bad", script: `echo hello > $out`, fixed: &fo2})
	_, err = realise(t, st, Options{}, drv2)
	if err == nil {
		t.Fatal("hash mismatch not detected")
	}
	want := fmt.Sprintf("hash mismatch in fixed-output derivation '%s':\n  specified: %s\n     got:    sha256-", drv2, wrong.Format(nixhash.SRI, true))
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q lacks %q", err, want)
	}
	if ok, _ := st.IsValid(outs2["out"]); ok {
		t.Fatal("mismatching output registered")
	}
	if _, err := os.Lstat(st.RealPath(outs2["out"])); err == nil {
		t.Fatal("mismatching output left in the store")
	}
}

func TestReferenceChecks(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	dep, depOuts := mkDrv(t, st, r, drvSpec{name: "refdep", script: `echo > $out`})
	in := map[string][]string{dep: {"out"}}
	ok, _ := mkDrv(t, st, r, drvSpec{name: "allowed", inputs: in, env: map[string]string{"d": depOuts["out"], "allowedReferences": depOuts["out"]}, script: `echo $d > $out`})
	if _, err := realise(t, st, Options{}, ok); err != nil {
		t.Fatal(err)
	}
	bad, badOuts := mkDrv(t, st, r, drvSpec{name: "disallowed", inputs: in, env: map[string]string{"d": depOuts["out"], "allowedReferences": ""}, script: `echo $d > $out`})
	_, err := realise(t, st, Options{}, bad)
	want := "output '" + badOuts["out"] + "' is not allowed to refer to the following paths:\n  " + depOuts["out"]
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want %q, got %v", want, err)
	}
	bad2, _ := mkDrv(t, st, r, drvSpec{name: "disallowed2", inputs: in, env: map[string]string{"d": depOuts["out"], "disallowedRequisites": depOuts["out"]}, script: `echo $d > $out`})
	if _, err := realise(t, st, Options{}, bad2); err == nil || !strings.Contains(err.Error(), "is not allowed to refer") {
		t.Fatalf("disallowedRequisites not enforced: %v", err)
	}
	// Self references are fine and recorded.
	self, selfOuts := mkDrv(t, st, r, drvSpec{name: "selfref", script: `echo $out > $out`})
	if _, err := realise(t, st, Options{}, self); err != nil {
		t.Fatal(err)
	}
	refs, _ := st.QueryReferences(selfOuts["out"])
	if len(refs) != 1 || refs[0] != selfOuts["out"] {
		t.Fatalf("self reference: %v", refs)
	}
}

func TestSandboxConfinesBuilder(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	hostDir := t.TempDir()
	dep, depOuts := mkDrv(t, st, r, drvSpec{name: "victim", script: `echo original > $out`})
	if _, err := realise(t, st, Options{}, dep); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"escape-host":  `echo x > ` + hostDir + `/escaped && echo > $out`,
		"escape-input": `echo x > $d && echo > $out`,
		"escape-store": `echo x > /nix/store/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-planted; echo > $out`,
		// No network: only loopback exists, so no other interface.
		"network": `while read l; do case "$l" in *lo:*) ;; *:*) exit 1;; esac; done < /proc/net/dev; exit 1`,
	}
	for name, script := range cases {
		drv, _ := mkDrv(t, st, r, drvSpec{name: name, inputs: map[string][]string{dep: {"out"}}, env: map[string]string{"d": depOuts["out"]}, script: script})
		_, err := realise(t, st, Options{Sandbox: SandboxOn}, drv)
		if name == "escape-store" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			if _, err := os.Lstat(st.RealPath("/nix/store/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-planted")); err == nil {
				t.Errorf("builder planted a path in the store")
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: build succeeded", name)
		}
	}
	if _, err := os.Stat(filepath.Join(hostDir, "escaped")); err == nil {
		t.Error("builder wrote outside the sandbox")
	}
	if got := readOut(t, st, depOuts["out"]); got != "original\n" {
		t.Errorf("input modified: %q", got)
	}
}

func TestBadRequests(t *testing.T) {
	st := testStore(t)
	for _, p := range []string{"/nix/store/abc-x.drv", "/tmp/x.drv", "/nix/store/" + strings.Repeat("a", 32) + "-missing.drv"} {
		if _, err := realise(t, st, Options{}, p); err == nil {
			t.Errorf("%s: no error", p)
		}
	}
	r := st.NewResolver()
	drv, _ := mkDrv(t, st, r, drvSpec{name: "x", script: `echo > $out`})
	if _, err := realise(t, st, Options{}, drv+"^nope"); err == nil || !strings.Contains(err.Error(), "does not have an output named 'nope'") {
		t.Errorf("unknown output: %v", err)
	}
	// A builder that produces nothing.
	none, _ := mkDrv(t, st, r, drvSpec{name: "nothing", script: `true`})
	if _, err := realise(t, st, Options{}, none); err == nil || !strings.Contains(err.Error(), "failed to produce output path for output 'out'") {
		t.Errorf("missing output: %v", err)
	}
}

func TestParseRequest(t *testing.T) {
	for in, want := range map[string]Request{
		"/nix/store/x-a.drv":         {DrvPath: "/nix/store/x-a.drv"},
		"/nix/store/x-a.drv^out,dev": {DrvPath: "/nix/store/x-a.drv", Outputs: []string{"out", "dev"}},
		"/nix/store/x-a.drv^*":       {DrvPath: "/nix/store/x-a.drv"},
		"/nix/store/x-a.drv!bin":     {DrvPath: "/nix/store/x-a.drv", Outputs: []string{"bin"}},
	} {
		got := ParseRequest(in)
		sort.Strings(got.Outputs)
		sort.Strings(want.Outputs)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %+v", in, got)
		}
	}
}
