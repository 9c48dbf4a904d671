package lib

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestFilesAndFS(t *testing.T) {
	files := Files()
	for _, want := range []string{
		"default.nix",
		"flake.nix",
		"lib/default.nix",
		"stdenv/default.nix",
		"stdenv/make-derivation.nix",
		"stdenv/runtime/setup",
		"stdenv/runtime/default-builder.sh",
		"stdenv/runtime/bin/cc",
		"build-support/mkshell.nix",
		"build-support/trivial-builders.nix",
	} {
		if !contains(files, want) {
			t.Errorf("library lacks %s", want)
		}
	}
	for _, f := range files {
		if strings.HasPrefix(f, "testdata/") || strings.HasSuffix(f, ".go") {
			t.Errorf("library embeds %s", f)
		}
	}
	data, err := fs.ReadFile(FS(), "default.nix")
	if err != nil || len(data) == 0 {
		t.Fatalf("FS default.nix: %v", err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestHash(t *testing.T) {
	h := Hash()
	if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Fatalf("Hash() = %q, want 64 hex digits", h)
	}
	if Hash() != h {
		t.Fatal("Hash() is not stable")
	}
	if !strings.HasPrefix(DirName(), "lib-"+h[:20]) {
		t.Fatalf("DirName() = %q", DirName())
	}
}

func TestMaterialize(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	if err := Materialize(dir); err != nil {
		t.Fatal(err)
	}
	if err := Verify(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range Files() {
		info, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := fs.ReadFile(FS(), f)
		want := fs.FileMode(0o444)
		if Executable(data) {
			want = 0o555
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", f, info.Mode().Perm(), want)
		}
		if !info.ModTime().Equal(ModTime()) {
			t.Errorf("%s: modification time %v, want %v", f, info.ModTime(), ModTime())
		}
	}
	info, _ := os.Stat(filepath.Join(dir, "stdenv/runtime/bin/cc"))
	if info.Mode()&0o111 == 0 {
		t.Error("bin/cc is not executable")
	}
	info, _ = os.Stat(filepath.Join(dir, "stdenv/runtime/setup"))
	if info.Mode()&0o111 != 0 {
		t.Error("setup is executable")
	}
}

func TestMaterializeErrors(t *testing.T) {
	if err := Materialize(""); err == nil {
		t.Error("empty name accepted")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := Materialize(dir)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty directory: %v", err)
	}
	file := filepath.Join(dir, "x")
	if err := Materialize(file); err == nil {
		t.Error("a file accepted as directory")
	}
	// An empty existing directory is fine.
	empty := t.TempDir()
	if err := Materialize(empty); err != nil {
		t.Error(err)
	}
}

func TestVerifyDetectsDifferences(t *testing.T) {
	mk := func() string {
		dir := filepath.Join(t.TempDir(), "lib")
		if err := Materialize(dir); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	cases := map[string]struct {
		change func(dir string) error
		want   string
	}{
		"content": {
			change: func(dir string) error {
				p := filepath.Join(dir, "lib/strings.nix")
				_ = os.Chmod(p, 0o644)
				return os.WriteFile(p, []byte("{ lib }: { }"), 0o444)
			},
			want: "lib/strings.nix: content differs",
		},
		"mode": {
			change: func(dir string) error { return os.Chmod(filepath.Join(dir, "stdenv/runtime/bin/gcc"), 0o444) },
			want:   "stdenv/runtime/bin/gcc: executable is false",
		},
		"missing": {
			change: func(dir string) error { return os.Remove(filepath.Join(dir, "flake.nix")) },
			want:   "flake.nix: missing",
		},
		"extra": {
			change: func(dir string) error { return os.WriteFile(filepath.Join(dir, "extra.nix"), nil, 0o644) },
			want:   "extra.nix: not part of the library",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := mk()
			if err := c.change(dir); err != nil {
				t.Fatal(err)
			}
			err := Verify(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Verify = %v, want mention of %q", err, c.want)
			}
		})
	}
}

func TestEnsure(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "cache")
	var wg sync.WaitGroup
	paths := make([]string, 8)
	errs := make([]error, 8)
	for i := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths[i], errs[i] = Ensure(cache)
		}()
	}
	wg.Wait()
	for i := range paths {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if paths[i] != paths[0] {
			t.Fatalf("concurrent Ensure gave %s and %s", paths[0], paths[i])
		}
	}
	if err := Verify(paths[0]); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(cache)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("cache holds %v, want only %s", names, DirName())
	}

	// A damaged copy is replaced.
	victim := filepath.Join(paths[0], "lib/lists.nix")
	_ = os.Chmod(victim, 0o644)
	if err := os.WriteFile(victim, []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := Ensure(cache)
	if err != nil {
		t.Fatal(err)
	}
	if again != paths[0] {
		t.Fatalf("Ensure moved the library: %s", again)
	}
	if err := Verify(again); err != nil {
		t.Fatalf("damaged copy not repaired: %v", err)
	}

	if _, err := Ensure(""); err == nil {
		t.Error("empty cache dir accepted")
	}
}

func TestSearchPathEntry(t *testing.T) {
	if got := SearchPathEntry("/x/y"); got != "gonix=/x/y" {
		t.Fatalf("SearchPathEntry = %q", got)
	}
}

// The source tree must match the embedded copy, including executable
// bits, so that store paths computed from either are the same.
func TestSourceTreeMatchesEmbedded(t *testing.T) {
	diffs, err := diffTree(".", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) > 0 {
		t.Fatalf("source tree differs from the embedded library: %s", summarise(diffs))
	}
}

// The shell scripts parse.
func TestShellSyntax(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	for _, f := range []string{
		"stdenv/runtime/setup",
		"stdenv/runtime/default-builder.sh",
		"stdenv/runtime/cc-wrapper.sh",
		"stdenv/runtime/bin/cc",
		"build-support/make-wrapper.sh",
	} {
		out, err := exec.Command(bash, "-n", f).CombinedOutput()
		if err != nil {
			t.Errorf("bash -n %s: %v\n%s", f, err, out)
		}
	}
}
