package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/sandbox"
)

// gonixRun runs gonix in-process and returns stdout, stderr and the exit
// status.
func gonixRun(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// buildEnv prepares a fresh store root (GONIX_STORE) and cache
// directory, and skips when builds cannot run here.
func buildEnv(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds are skipped in -short mode")
	}
	if _, err := sandbox.Probe(); err != nil {
		t.Skipf("sandboxing unavailable: %v", err)
	}
	root := filepath.Join(t.TempDir(), "root")
	t.Setenv("GONIX_STORE", root)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(t.TempDir(), "cache"))
	t.Setenv("NIX_PATH", "")
	return root
}

// hostSandboxPaths are the host directories the embedded stdenv uses.
func hostSandboxPaths() string {
	var ps []string
	for _, p := range []string{"/bin", "/sbin", "/usr", "/lib", "/lib64", "/etc/alternatives"} {
		if _, err := os.Stat(p); err == nil {
			ps = append(ps, p)
		}
	}
	return strings.Join(ps, " ")
}

// sharedConformance returns ../shared/conformance/NAME above the module
// root, skipping when it is absent.
func sharedConformance(t *testing.T, name string) string {
	t.Helper()
	wd, _ := os.Getwd()
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(filepath.Dir(d), "shared", "conformance", name)
			if _, err := os.Stat(c); err != nil {
				t.Skipf("conformance data %s not found", c)
			}
			return c
		}
	}
	t.Skip("module root not found")
	return ""
}

// TestBuildExampleWithGonixLib builds examples/hello with the embedded
// library found as <gonix> (materialised into the user cache) and with
// the repository's source tree: the same derivation, and the program
// runs.
func TestBuildExampleWithGonixLib(t *testing.T) {
	root := buildEnv(t)
	for _, tool := range []string{"cc", "make", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	opts := []string{"--no-out-link", "--option", "extra-sandbox-paths", hostSandboxPaths()}
	out1, errs, code := gonixRun(t, append([]string{"build", "../../examples/hello", "--arg", "pkgs", "import <gonix> { }"}, opts...)...)
	if code != 0 {
		t.Fatalf("gonix build with <gonix>: exit %d\n%s", code, errs)
	}
	out2, errs, code := gonixRun(t, append([]string{"build", "../../examples/hello"}, opts...)...)
	if code != 0 {
		t.Fatalf("gonix build: exit %d\n%s", code, errs)
	}
	if out1 != out2 || !strings.HasSuffix(strings.TrimSpace(out1), "-hello-1.0") {
		t.Fatalf("<gonix> build %q, source tree build %q", out1, out2)
	}
	prog := filepath.Join(root, strings.TrimSpace(out1), "bin/hello")
	got, err := exec.Command(prog, "gonix").CombinedOutput()
	if err != nil || string(got) != "Hello, gonix!\n" {
		t.Errorf("%s: %q, %v", prog, got, err)
	}
	// <gonix/lib> works too, and a missing <gonix/...> file is an error.
	v, errs, code := gonixRun(t, "eval", "--expr", `(import <gonix/lib>).isFunction (x: x)`)
	if code != 0 || strings.TrimSpace(v) != "true" {
		t.Errorf("<gonix/lib>: %q %s", v, errs)
	}
	if _, errs, code := gonixRun(t, "eval", "--expr", `<gonix/nope.nix>`); code == 0 || !strings.Contains(errs, "was not found in the Nix search path") {
		t.Errorf("<gonix/nope.nix>: exit %d %s", code, errs)
	}
}

// referenceOutput is one output recorded by gen-references.sh.
type referenceOutput struct {
	Attr, Output, DrvPath, Path, Content string
	Refs                                 []string `json:"nix-store -q --references"`
	Requisites                           []string `json:"nix-store -q --requisites"`
	Info                                 struct {
		NarHash string `json:"narHash"`
		NarSize uint64 `json:"narSize"`
		Deriver string `json:"deriver"`
	} `json:"nix path-info --json"`
}

// TestBuildReferencesLikeNix builds references.nix with gonix build (the
// evaluator, instantiation and the builder) and compares every output
// with what nix-build 2.8 produced: paths, contents, references, closure,
// NAR hash and size, deriver. With nix-build installed it also builds the
// file with Nix in a chroot store and compares live.
func TestBuildReferencesLikeNix(t *testing.T) {
	root := buildEnv(t)
	conf := sharedConformance(t, "store")
	data, err := os.ReadFile(filepath.Join(conf, "references.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Outputs []referenceOutput `json:"outputs"`
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	attrs := []string{"leaf", "buildOnly", "lib", "app", "hashOnly", "discarded"}
	args := []string{"build", filepath.Join(conf, "references.nix"), "--no-out-link", "--cores", "1"}
	for _, a := range attrs {
		args = append(args, "-A", a)
	}
	stdout, errs, code := gonixRun(t, args...)
	if code != 0 {
		t.Fatalf("gonix build: exit %d\n%s", code, errs)
	}
	printed := strings.Fields(stdout)
	st, err := store.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var wantPrinted []string
	for _, w := range rec.Outputs {
		if w.Output == "out" {
			wantPrinted = append(wantPrinted, w.Path)
		}
		info, err := st.QueryPathInfo(w.Path)
		if err != nil {
			t.Errorf("%s.%s: %v", w.Attr, w.Output, err)
			continue
		}
		content, err := os.ReadFile(st.RealPath(w.Path))
		if err != nil || string(content) != w.Content {
			t.Errorf("%s.%s content %q, nix: %q (%v)", w.Attr, w.Output, content, w.Content, err)
		}
		if got, want := strings.Join(info.References, " "), strings.Join(sorted(w.Refs), " "); got != want {
			t.Errorf("%s.%s references %s, nix: %s", w.Attr, w.Output, got, want)
		}
		closure, err := st.Closure([]string{w.Path}, store.ClosureOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(sorted(closure), " "), strings.Join(sorted(w.Requisites), " "); got != want {
			t.Errorf("%s.%s closure %s, nix: %s", w.Attr, w.Output, got, want)
		}
		if got := info.NarHash.Format(nixhash.SRI, true); got != w.Info.NarHash || info.NarSize != w.Info.NarSize {
			t.Errorf("%s.%s NAR %s/%d, nix: %s/%d", w.Attr, w.Output, got, info.NarSize, w.Info.NarHash, w.Info.NarSize)
		}
		if info.Deriver != w.Info.Deriver {
			t.Errorf("%s.%s deriver %s, nix: %s", w.Attr, w.Output, info.Deriver, w.Info.Deriver)
		}
	}
	if strings.Join(printed, " ") != strings.Join(wantPrinted, " ") {
		t.Errorf("gonix build printed %v, nix-build: %v", printed, wantPrinted)
	}

	// Live comparison with the installed nix-build.
	if _, err := exec.LookPath("nix-build"); err != nil {
		t.Skip("nix-build not installed")
	}
	nixRoot := t.TempDir()
	nargs := []string{"--store", nixRoot, "--option", "extra-sandbox-paths", hostSandboxPaths(),
		"--option", "substituters", "", filepath.Join(conf, "references.nix"), "--no-out-link", "--cores", "1"}
	for _, a := range attrs {
		nargs = append(nargs, "-A", a)
	}
	cmd := exec.Command("nix-build", nargs...)
	cmd.Env = append(os.Environ(), "NIX_PATH=")
	nixOut, err := cmd.Output()
	if err != nil {
		t.Skipf("nix-build cannot build in a chroot store here: %v", err)
	}
	if got, want := strings.Join(printed, " "), strings.Join(strings.Fields(string(nixOut)), " "); got != want {
		t.Errorf("gonix build printed %s, live nix-build %s", got, want)
	}
	nix, err := store.Open(nixRoot)
	if err != nil {
		t.Fatal(err)
	}
	defer nix.Close()
	for _, w := range rec.Outputs {
		ni, err := nix.QueryPathInfo(w.Path)
		if err != nil {
			t.Errorf("nix store: %s: %v", w.Path, err)
			continue
		}
		gi, err := st.QueryPathInfo(w.Path)
		if err != nil {
			continue
		}
		if !ni.NarHash.Equal(gi.NarHash) || strings.Join(ni.References, " ") != strings.Join(gi.References, " ") {
			t.Errorf("%s: nix %s %v, gonix %s %v", w.Path, ni.NarHash.Format(nixhash.SRI, true), ni.References,
				gi.NarHash.Format(nixhash.SRI, true), gi.References)
		}
	}
}

func sorted(ss []string) []string {
	out := append([]string(nil), ss...)
	sort.Strings(out)
	return out
}
