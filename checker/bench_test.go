package checker

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// corpus loads bench/corpus (see bench/check.sh), or skips.
func corpus(b *testing.B) ([][]byte, int64) {
	b.Helper()
	dir := filepath.Join("..", "bench", "corpus")
	var srcs [][]byte
	var total int64
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".nix" {
			if data, err := os.ReadFile(p); err == nil {
				srcs = append(srcs, data)
				total += int64(len(data))
			}
		}
		return nil
	})
	if len(srcs) == 0 {
		b.Skip("no corpus in bench/corpus (run bench/check.sh)")
	}
	return srcs, total
}

// BenchmarkCheckCorpus measures parse + resolve + check over the corpus.
func BenchmarkCheckCorpus(b *testing.B) {
	srcs, total := corpus(b)
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			Check(parser.Parse(s, parser.Options{PipeOperators: true}), nil)
		}
	}
}

// BenchmarkLintsOnly measures the checker alone, on trees parsed and
// resolved beforehand.
func BenchmarkLintsOnly(b *testing.B) {
	srcs, total := corpus(b)
	trees := make([]*parser.Tree, len(srcs))
	res := make([]*scope.Result, len(srcs))
	for i, s := range srcs {
		trees[i] = parser.Parse(s, parser.Options{PipeOperators: true})
		res[i] = scope.Resolve(trees[i], scope.Options{})
	}
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, t := range trees {
			Check(t, &Options{Scope: res[j]})
		}
	}
}
