package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run the gonix command in-process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"gonix": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the CLI scenarios in testdata/script/*.txtar.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// Keep tests away from the real store and user state.
			env.Setenv("GONIX_STORE", env.WorkDir+"/store-root")
			env.Setenv("HOME", env.WorkDir+"/home")
			env.Setenv("XDG_DATA_HOME", env.WorkDir+"/xdg-data")
			env.Setenv("NIX_PATH", "")
			// No host nix.conf: scripts write $WORK/etc-nix/nix.conf.
			env.Setenv("NIX_CONF_DIR", env.WorkDir+"/etc-nix")
			env.Setenv("XDG_CONFIG_DIRS", env.WorkDir+"/xdg-config-dirs")
			// The repository, for scripts that use its examples.
			src, err := filepath.Abs("../..")
			env.Setenv("GONIX_SRC", src)
			return err
		},
	})
}
