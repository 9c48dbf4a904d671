package lsp

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildGonix builds the gonix binary into a temp dir.
func buildGonix(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gonix")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/gonix")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building gonix: %v\n%s", err, out)
	}
	return bin
}

// TestNeovim runs the Neovim plugin in a headless Neovim against a real
// `gonix lsp`: diagnostics, hover, definition, completion, formatting.
func TestNeovim(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Skip("nvim is not installed")
	}
	if testing.Short() {
		t.Skip("builds gonix")
	}
	bin := buildGonix(t)
	// run.lua relies on these line and column numbers.
	dir := writeFiles(t, map[string]string{
		"main.nix": "let\n  greeting =   \"hello\";\n  missingUse = missing;\n  y = map (x: x) greeting;\n  z = gre;\nin [ y z missingUse ]\n",
	})
	plugin, _ := filepath.Abs("../editors/nvim")
	out := filepath.Join(dir, "result.txt")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile "+filepath.Join(plugin, "test", "run.lua"))
	cmd.Env = append(os.Environ(), "GONIX_BIN="+bin, "GONIX_TEST_DIR="+dir, "GONIX_TEST_OUT="+out, "GONIX_PLUGIN_DIR="+plugin)
	cmd.Dir = dir
	output, runErr := cmd.CombinedOutput()
	res, _ := os.ReadFile(out)
	if runErr != nil || !strings.Contains(string(res), "RESULT OK") {
		t.Fatalf("neovim test failed (%v)\nresults:\n%s\nnvim output:\n%s", runErr, res, output)
	}
	t.Logf("neovim:\n%s", res)
}
