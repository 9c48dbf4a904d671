package eval_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gonix/gonix/eval"
)

// BenchmarkRows evaluates the expressions of bench/eval.sh in process
// (without process start-up), each with a fresh State per iteration as
// the command does.
func BenchmarkRows(b *testing.B) {
	for _, name := range []string{"foldl", "fib", "listtoattrs", "concatstrings"} {
		path, err := filepath.Abs(filepath.Join("..", "bench", "eval", name+".nix"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := os.Stat(path); err != nil {
			b.Skip(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				st := newState(b, eval.Options{})
				v, err := st.EvalTopFile(path)
				if err == nil {
					err = st.ForceDeep(v)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
