package builtins

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/eval"
)

// evalIn evaluates expr (base directory dir) in read-only mode and
// returns the result printed like nix-instantiate --eval --strict.
func evalIn(t *testing.T, dir, expr string) string {
	t.Helper()
	st := New(eval.Options{Store: NewDryRunStore(""), Getenv: func(string) (string, bool) { return "", false }})
	v, err := st.EvalString(expr, "«string»", dir)
	if err == nil {
		err = st.ForceDeep(v)
	}
	if err != nil {
		t.Fatalf("%s: %v", expr, st.FormatError(err))
	}
	var b strings.Builder
	if err := st.Run(func() { st.WriteAmbiguous(&b, v, nil) }); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestBarePathAttribute checks that a path value as a derivation
// attribute (or argument) is copied to the store exactly as when it is
// interpolated, as Nix does (coerceToString with copyToStore).
func TestBarePathAttribute(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "a"), []byte("a"), 0o755); err != nil {
		t.Fatal(err)
	}
	mk := func(f, src, arg string) string {
		return `(derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; f = ` + f +
			`; src = ` + src + `; args = [ ` + arg + ` ]; }).drvPath`
	}
	bare := evalIn(t, dir, mk(`./file`, `./src`, `./file`))
	interp := evalIn(t, dir, mk(`"${./file}"`, `"${./src}"`, `"${./file}"`))
	if bare != interp {
		t.Errorf("bare path attributes give %s, interpolated %s", bare, interp)
	}
	ctx := evalIn(t, dir, `builtins.attrNames (builtins.getContext (derivation { name = "x"; system = "x"; builder = ./file; }).drvPath)`)
	if !strings.Contains(ctx, ".drv") {
		t.Errorf("context of drvPath: %s", ctx)
	}
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("nix-instantiate not installed")
	}
	// nix-instantiate resolves ./ against its working directory.
	cmd := exec.Command("nix-instantiate", "--eval", "--strict", "--readonly-mode", "--expr", mk(`./file`, `./src`, `./file`))
	cmd.Dir = dir
	want, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := bare; strings.TrimSpace(string(want)) != got {
		t.Errorf("gonix %s, nix %s", got, want)
	}
}
