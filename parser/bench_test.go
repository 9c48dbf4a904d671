package parser

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir returns the directory of real Nix code used by benchmarks and
// corpus tests: $GONIX_CORPUS, else bench/corpus (see bench/corpus.sh).
func corpusDir(tb testing.TB) string {
	dir := os.Getenv("GONIX_CORPUS")
	if dir == "" {
		dir = "../bench/corpus"
	}
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("no corpus at %s (run bench/corpus.sh or set GONIX_CORPUS)", dir)
	}
	return dir
}

func loadCorpus(tb testing.TB) ([][]byte, int) {
	dir := corpusDir(tb)
	var files [][]byte
	total := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".nix") {
			if b, err := os.ReadFile(p); err == nil {
				files = append(files, b)
				total += len(b)
			}
		}
		return nil
	})
	if len(files) == 0 {
		tb.Skip("empty corpus")
	}
	return files, total
}

// BenchmarkParseCorpus parses every file of the corpus; b.SetBytes makes
// `go test -bench` report MB/s, and the allocs-per-byte metric is the
// number the target (≤ 16) refers to.
func BenchmarkParseCorpus(b *testing.B) {
	files, total := loadCorpus(b)
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	var ms0, ms1 runtimeMemStats
	readMem(&ms0)
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			Parse(f, Options{})
		}
	}
	b.StopTimer()
	readMem(&ms1)
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(total)/float64(b.N), "allocB/srcB")
}

// TestCorpusRoundTrip checks that every corpus file parses without errors
// and that the tree reproduces it byte for byte.
func TestCorpusRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := corpusDir(t)
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".nix") {
			return nil
		}
		src, _ := os.ReadFile(p)
		tr := Parse(src, Options{Name: p})
		if got := treeText(tr); got != string(src) {
			t.Errorf("%s: round trip differs", p)
		}
		return nil
	})
}
