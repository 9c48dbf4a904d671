package flake_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gonix/gonix/flake"
)

// examples/hello resolves its "gonix" input through gonix's built-in
// registry entry (the embedded library added to the store, pinned by its
// narHash), locks, and shows its packages and dev shell.
func TestExampleHello(t *testing.T) {
	src := "../examples/hello"
	if _, err := os.Stat(filepath.Join(src, "flake.nix")); err != nil {
		t.Skip("examples/hello not found")
	}
	dir := filepath.Join(t.TempDir(), "hello")
	if out, err := exec.Command("cp", "-r", src, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	os.Remove(filepath.Join(dir, "flake.lock"))
	stor := newStore(t)
	s, _ := newSettings(t, stor)
	x := flake.NewSession(s, newState(stor))
	ref, err := flake.ParseRef(dir, flake.ParseOptions{BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	lf, err := x.LockFlake(ref, flake.LockFlags{})
	if err != nil {
		t.Fatal(flake.FormatError(x.State, err))
	}
	lock, err := os.ReadFile(filepath.Join(dir, "flake.lock"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"gonix": \{
      "locked": \{
        "lastModified": 0,
        "narHash": "sha256-[A-Za-z0-9+/]{43}=",
        "path": "/nix/store/[0-9a-z]{32}-source",
        "type": "path"
      \},
      "original": \{
        "id": "gonix",
        "type": "indirect"
      \}
    \}`)
	if !re.Match(lock) {
		t.Errorf("lock entry for gonix:\n%s", lock)
	}
	lib, err := s.GonixLibInput()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lock), lib.Attrs.Str("path")) || !strings.Contains(string(lock), lib.NarHash()) {
		t.Errorf("lock does not pin the embedded library %s", lib)
	}
	j, err := x.Show(lf, flake.ShowOptions{JSON: true, System: "x86_64-linux"})
	if err != nil {
		t.Fatal(flake.FormatError(x.State, err))
	}
	got := j.Compact()
	for _, want := range []string{
		`"hello":{"description":"A greeting program built with gonix's embedded stdenv","name":"hello-1.0","type":"derivation"}`,
		`"devShells":{"aarch64-linux":{"default":{}},"x86_64-linux":{"default":{"description":"","name":"nix-shell","type":"derivation"}}}`,
		`"checks":{"aarch64-linux":{"hello":{}},"x86_64-linux":{"hello":`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("show lacks %s:\n%s", want, got)
		}
	}
	// The package's derivation: the same drv path as building through
	// the file entry point with the library from the store.
	inst, err := x.ResolveInstallable(dir+"#hello", flake.InstallableOptions{System: "x86_64-linux", BaseDir: dir, Lock: flake.LockFlags{NoUpdateLockFile: true}})
	if err != nil {
		t.Fatal(flake.FormatError(x.State, err))
	}
	drv, outs, err := inst.Derivation(x.State)
	if err != nil {
		t.Fatal(flake.FormatError(x.State, err))
	}
	if !strings.HasSuffix(drv, "-hello-1.0.drv") || strings.Join(outs, ",") != "out" || inst.AttrPath != "packages.x86_64-linux.hello" {
		t.Errorf("installable: %s %v %s", drv, outs, inst.AttrPath)
	}
	dev, err := x.ResolveInstallable(dir, flake.InstallableOptions{Kind: flake.ForDevelop, System: "x86_64-linux", BaseDir: dir, Lock: flake.LockFlags{NoUpdateLockFile: true}})
	if err != nil || dev.AttrPath != "devShells.x86_64-linux.default" {
		t.Errorf("develop installable: %v %v", dev, err)
	}
}
