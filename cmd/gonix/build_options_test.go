package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/build"
)

// confEnv points nix.conf lookups at a fresh directory and returns the
// system nix.conf path there.
func confEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("NIX_CONF_DIR", filepath.Join(dir, "etc"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_CONFIG_DIRS", filepath.Join(dir, "xdg"))
	t.Setenv("NIX_CONFIG", "")
	t.Setenv("NIX_USER_CONF_FILES", "")
	os.Unsetenv("NIX_USER_CONF_FILES")
	os.MkdirAll(filepath.Join(dir, "etc"), 0o755)
	return filepath.Join(dir, "etc", "nix.conf")
}

func TestBuildOptionsFromNixConf(t *testing.T) {
	conf := confEnv(t)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cache := t.TempDir()

	// Defaults without a nix.conf.
	o, err := buildOptions(st, &buildFlags{})
	if err != nil {
		t.Fatal(err)
	}
	if o.Jobs != 1 || o.Cores != 0 || o.KeepGoing || o.Sandbox != build.SandboxAuto || len(o.SandboxPaths) != 0 || len(o.Substituters) != 0 {
		t.Fatalf("defaults: %+v", o)
	}

	os.WriteFile(conf, []byte(strings.Join([]string{
		"max-jobs = auto",
		"build-cores = 6 # an alias",
		"keep-going = true",
		"sandbox = true",
		"sandbox-paths = /a /b=/c",
		"extra-sandbox-paths = /d?",
		"substituters = file://" + cache,
		"require-sigs = false",
	}, "\n")), 0o644)
	o, err = buildOptions(st, &buildFlags{})
	if err != nil {
		t.Fatal(err)
	}
	if o.Jobs != runtime.NumCPU() || o.Cores != 6 || !o.KeepGoing || o.Sandbox != build.SandboxOn ||
		strings.Join(o.SandboxPaths, " ") != "/a /b=/c /d?" || len(o.Substituters) != 1 || o.Substituters[0].URL() != "file://"+cache {
		t.Fatalf("from nix.conf: %+v", o)
	}

	// Flags and --option win.
	o, err = buildOptions(st, &buildFlags{jobs: 2, cores: 3, sandbox: "auto", options: map[string]string{
		"extra-sandbox-paths": "/e", "sandbox-paths": "/z", "substitute": "false",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Jobs != 2 || o.Cores != 3 || o.Sandbox != build.SandboxAuto ||
		strings.Join(o.SandboxPaths, " ") != "/z /e" || len(o.Substituters) != 0 {
		t.Fatalf("overridden: %+v", o)
	}
	if _, err := buildOptions(st, &buildFlags{options: map[string]string{"frobnicate": "1"}}); err == nil || !strings.Contains(err.Error(), "unknown option 'frobnicate'") {
		t.Errorf("unknown --option: %v", err)
	}

	// sandbox = false in nix.conf does not apply to a store outside
	// /nix/store (Nix sandboxes builds there anyway) ...
	os.WriteFile(conf, []byte("sandbox = false\n"), 0o644)
	if o, err := buildOptions(st, &buildFlags{}); err != nil || o.Sandbox != build.SandboxAuto {
		t.Errorf("sandbox = false in a diverted store: %v %v", o.Sandbox, err)
	}
	// ... but an explicit --option sandbox false is passed on.
	if o, err := buildOptions(st, &buildFlags{options: map[string]string{"sandbox": "false"}}); err != nil || o.Sandbox != build.SandboxOff {
		t.Errorf("--option sandbox false: %v %v", o.Sandbox, err)
	}

	// Bad values name their origin.
	for text, want := range map[string]string{
		"cores = many\n":               conf + ":1: setting 'cores': 'many' is not an integer",
		"\nrequire-sigs = maybe\n":     conf + ":2: setting 'require-sigs': 'maybe' is not a Boolean",
		"sandbox = sometimes\n":        conf + ":1: setting 'sandbox': invalid sandbox setting",
		"trusted-public-keys = junk\n": conf + ":1:",
	} {
		os.WriteFile(conf, []byte(text+"substituters = file://"+cache+"\n"), 0o644)
		if _, err := buildOptions(st, &buildFlags{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}
