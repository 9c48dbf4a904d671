package corpustest

import (
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gonix/gonix/parser"
)

// File is one sampled corpus file.
type File struct {
	// Draw is the number of the draw that picked the file (0 to n-1), a
	// seed for the test's own randomness.
	Draw int
	Path string
	Src  string
}

// Dir is the corpus directory: $GONIX_CORPUS, else bench/corpus under
// moduleRoot (the module root relative to the test's package directory,
// such as ".." or "../..").
func Dir(moduleRoot string) string {
	if dir := os.Getenv("GONIX_CORPUS"); dir != "" {
		return dir
	}
	return filepath.Join(moduleRoot, "bench", "corpus")
}

// Sample draws n files at random (from seed) among the corpus's .nix
// files, keeping those of at most maxBytes that parse without errors, in
// draw order. It skips the test when the corpus is absent.
func Sample(t testing.TB, moduleRoot string, seed int64, n, maxBytes int) []File {
	t.Helper()
	dir := Dir(moduleRoot)
	var paths []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".nix") {
			paths = append(paths, p)
		}
		return nil
	})
	if len(paths) == 0 {
		t.Skipf("no corpus at %s (bench/corpus.sh)", dir)
	}
	sort.Strings(paths)
	r := rand.New(rand.NewSource(seed))
	var files []File
	for i := 0; i < n; i++ {
		p := paths[r.Intn(len(paths))]
		b, err := os.ReadFile(p)
		if err != nil || len(b) > maxBytes {
			continue
		}
		if tr := parser.ParseString(string(b), parser.Options{}); len(tr.Errors) > 0 {
			continue
		}
		files = append(files, File{Draw: i, Path: p, Src: string(b)})
	}
	return files
}
