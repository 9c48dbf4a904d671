package devenv

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gonix/gonix/store/sandbox"
)

// fakeStore makes a physical store directory with one "package" whose
// bin/greet script prints a greeting.
func fakeStore(t *testing.T) (real, pkg string) {
	t.Helper()
	real = filepath.Join(t.TempDir(), "store")
	pkg = "gggggggggggggggggggggggggggggggg-greet"
	bin := filepath.Join(real, pkg, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"greetings from $(id -u) in $PWD\"\nexit ${1:-0}\n"
	if err := os.WriteFile(filepath.Join(bin, "greet"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return real, pkg
}

func runCommand(t *testing.T, c *Command) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	p, err := Start(c)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	code, err := p.Wait()
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	return out.String(), errb.String(), code
}

func TestStartWithoutNamespace(t *testing.T) {
	real, pkg := fakeStore(t)
	dir := t.TempDir()
	out, _, code := runCommand(t, &Command{
		Path: "greet", Args: []string{"greet", "3"},
		Env: []string{"PATH=/usr/bin:/bin:" + filepath.Join(real, pkg, "bin")},
		Dir: dir, StoreDir: real, RealStoreDir: real,
	})
	if code != 3 || !strings.Contains(out, "in "+dir) {
		t.Errorf("exit %d, output %q", code, out)
	}
	if _, err := Start(&Command{Path: "no-such-program-here", Env: []string{"PATH=/nonexistent"}}); err == nil ||
		!strings.Contains(err.Error(), "command not found") {
		t.Errorf("missing program: %v", err)
	}
}

func namespacesOrSkip(t *testing.T) {
	t.Helper()
	if _, err := sandbox.Probe(); err != nil {
		t.Skipf("namespaces unavailable: %v", err)
	}
}

// TestStartInStoreNamespace runs a program from a store whose physical
// directory is elsewhere: it sees it at the logical directory (here the
// real /nix/store when it exists, so the overlay or bind mount is used).
func TestStartInStoreNamespace(t *testing.T) {
	namespacesOrSkip(t)
	if fi, err := os.Stat("/nix/store"); err != nil || !fi.IsDir() {
		t.Skip("/nix/store does not exist here")
	}
	real, pkg := fakeStore(t)
	dir := t.TempDir()
	for _, userNS := range []bool{false, true} {
		if !userNS && os.Geteuid() != 0 {
			continue
		}
		out, errs, code := runCommand(t, &Command{
			Path: "greet", Args: []string{"greet", "5"},
			Env: []string{"PATH=/nix/store/" + pkg + "/bin:/usr/bin:/bin"},
			Dir: dir, StoreDir: "/nix/store", RealStoreDir: real, UserNS: userNS,
		})
		want := "greetings from " + strconv.Itoa(os.Getuid()) + " in " + dir + "\n"
		if code != 5 || out != want {
			t.Errorf("userNS=%v: exit %d, output %q (want %q), stderr %s", userNS, code, out, want, errs)
		}
	}
	// The mount is private to the program.
	if _, err := os.Stat("/nix/store/" + pkg); err == nil {
		t.Error("the store's path is visible outside the namespace")
	}
}

// TestStartPrivateRoot: when the logical store directory does not exist
// on the machine, the program runs in a private root with it.
func TestStartPrivateRoot(t *testing.T) {
	namespacesOrSkip(t)
	real, pkg := fakeStore(t)
	logical := filepath.Join("/", "gonix-devenv-test-"+filepath.Base(t.TempDir()), "store")
	dir := t.TempDir()
	scratch := t.TempDir()
	out, errs, code := runCommand(t, &Command{
		Path: "greet", Args: []string{"greet"},
		Env: []string{"PATH=" + logical + "/" + pkg + "/bin:/usr/bin:/bin"},
		Dir: dir, StoreDir: logical, RealStoreDir: real, ScratchDir: scratch,
	})
	if code != 0 || !strings.Contains(out, "in "+dir) {
		t.Errorf("exit %d, output %q, stderr %s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Dir(logical)); err == nil {
		t.Errorf("%s was created on the machine", filepath.Dir(logical))
	}
	// Without a scratch directory that is an error.
	_, err := Start(&Command{Path: "true", Args: []string{"true"}, Env: []string{"PATH=/usr/bin:/bin"}, StoreDir: logical, RealStoreDir: real})
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("no scratch directory: %v", err)
	}
}

func TestLookPath(t *testing.T) {
	real, pkg := fakeStore(t)
	bin := filepath.Join(real, pkg, "bin")
	if p, err := LookPath("greet", "/nonexistent::"+bin); err != nil || p != filepath.Join(bin, "greet") {
		t.Errorf("LookPath = %q, %v", p, err)
	}
	if _, err := LookPath(bin, ""); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: %v", err)
	}
	if _, err := LookPath("", "/bin"); err == nil {
		t.Error("empty name accepted")
	}
}
