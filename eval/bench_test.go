package eval_test

import (
	"os"
	"os/exec"
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
		b.Run(name, func(b *testing.B) { benchEvalFile(b, path) })
	}
}

// BenchmarkLibMisc evaluates nixpkgs lib's lib/tests/misc.nix, the last
// row of bench/eval.sh, from $NIXPKGS_LIB or else exported from the
// nixpkgs.lib mirror ($NIXPKGS_LIB_MIRROR) at the revision bench/eval.sh
// uses ($NIXPKGS_LIB_REV); it skips when neither is there.
func BenchmarkLibMisc(b *testing.B) {
	lib := os.Getenv("NIXPKGS_LIB")
	if lib == "" {
		mirror := envOr("NIXPKGS_LIB_MIRROR", "/work/.mirror/nix-community+nixpkgs.lib/repo")
		if _, err := os.Stat(mirror); err != nil {
			b.Skip("no nixpkgs.lib mirror (set NIXPKGS_LIB or NIXPKGS_LIB_MIRROR)")
		}
		lib = b.TempDir()
		archive := exec.Command("git", "-C", mirror, "archive", "-o", filepath.Join(lib, "lib.tar"), envOr("NIXPKGS_LIB_REV", "83192a0e"))
		if out, err := archive.CombinedOutput(); err != nil {
			b.Skipf("git archive: %v: %s", err, out)
		}
		if out, err := exec.Command("tar", "-x", "-C", lib, "-f", filepath.Join(lib, "lib.tar")).CombinedOutput(); err != nil {
			b.Skipf("tar: %v: %s", err, out)
		}
	}
	misc := filepath.Join(lib, "lib", "tests", "misc.nix")
	if _, err := os.Stat(misc); err != nil {
		b.Skip(err)
	}
	v := benchEvalFile(b, misc)
	if l, ok := v.(*eval.List); !ok || len(l.Elems) != 0 {
		b.Fatalf("misc.nix gave %v, want the empty list of failures", v)
	}
}

// benchEvalFile evaluates path deeply once per iteration and returns the
// last result.
func benchEvalFile(b *testing.B, path string) eval.Value {
	b.ReportAllocs()
	var v eval.Value
	for b.Loop() {
		st := newState(b, eval.Options{})
		var err error
		v, err = st.EvalTopFile(path)
		if err == nil {
			err = st.ForceDeep(v)
		}
		if err != nil {
			b.Fatal(err)
		}
		if t, ok := v.(*eval.Thunk); ok {
			v, _ = t.Evaluated()
		}
	}
	return v
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
