package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/gonix/gonix/store/derivation"
)

// makeTree writes n small files in nested directories.
func makeTree(b testing.TB, n int) string {
	dir := filepath.Join(b.TempDir(), "tree")
	for i := 0; i < n; i++ {
		sub := filepath.Join(dir, fmt.Sprintf("d%02d", i%50))
		os.MkdirAll(sub, 0o755)
		os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%04d", i)), []byte(fmt.Sprintf("file %d contents\n", i)), 0o644)
	}
	return dir
}

// BenchmarkAddPath adds a 1,000-file tree (a fresh name each time so the
// work is never skipped).
func BenchmarkAddPath(b *testing.B) {
	s := openTestStore(b)
	dir := makeTree(b, 1000)
	i := 0
	for b.Loop() {
		i++
		if _, err := s.AddPath(dir, AddOptions{Name: fmt.Sprintf("tree%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInstantiate writes a chain of derivations, each depending on
// the previous one.
func BenchmarkInstantiate(b *testing.B) {
	s := openTestStore(b)
	r := s.NewResolver()
	prev := ""
	i := 0
	for b.Loop() {
		i++
		d := &derivation.Derivation{Name: fmt.Sprintf("d%d", i), Outputs: map[string]derivation.Output{"out": {}},
			Platform: "x86_64-linux", Builder: "/bin/sh", Env: map[string]string{"i": fmt.Sprint(i)}, InputDrvs: map[string][]string{}}
		if prev != "" {
			d.InputDrvs[prev] = []string{"out"}
		}
		p, _, err := s.Instantiate(r, d)
		if err != nil {
			b.Fatal(err)
		}
		prev = p
	}
}

// BenchmarkAddPathExisting re-adds a tree that is already valid (the
// common case when an evaluation copies the same path literal again).
func BenchmarkAddPathExisting(b *testing.B) {
	s := openTestStore(b)
	dir := makeTree(b, 1000)
	if _, err := s.AddPath(dir, AddOptions{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.AddPath(dir, AddOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
