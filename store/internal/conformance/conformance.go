package conformance

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Dir returns the absolute path of the store conformance directory, found by
// walking up from the working directory to the module root (the directory
// holding go.mod) and then to ../shared/conformance/store. It skips the test
// when the directory is absent.
func Dir(t testing.TB) string {
	t.Helper()
	d, err := find()
	if err != nil {
		t.Skip(err.Error())
	}
	return d
}

func find() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(filepath.Dir(d), "shared", "conformance", "store")
			if _, err := os.Stat(filepath.Join(c, "nar.json")); err != nil {
				return "", fmt.Errorf("conformance data not found at %s", c)
			}
			return c, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
	}
}

// Trees builds the NAR test trees with make-trees.sh into a temporary
// directory and returns it. It skips the test when bash is missing.
func Trees(t testing.TB) string {
	t.Helper()
	dir := Dir(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not available")
	}
	out := t.TempDir()
	cmd := exec.Command("bash", filepath.Join(dir, "make-trees.sh"), out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make-trees.sh: %v\n%s", err, b)
	}
	return out
}
