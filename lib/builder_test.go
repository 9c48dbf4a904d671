package lib

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The build tests realise derivations with nix-build. They prefer a
// throw-away chroot store (nix-build --store DIR, which sandboxes the
// build, so the host directories the offline stdenv needs are added as
// sandbox paths); when that does not work they fall back to the
// machine's store if it is writable, and otherwise skip. $GONIX_TEST_STORE
// = chroot | real | none forces a choice. When $GONIX names a gonix
// binary and $GONIX_BUILD=1, gonix build runs the same tests.

// nixBuilder builds Nix files into a store.
type nixBuilder struct {
	name string
	// root is the chroot store's root directory; "" for the real store.
	root string
	// argv is the command for building file with the given attributes
	// (extra arguments, such as -I or --argstr, follow).
	argv func(file string, attrs []string) []string
	env  []string
}

// builderState holds the probed builders for the whole test binary.
type builderState struct {
	once     sync.Once
	builders []*nixBuilder
	skip     string
	tmpDirs  []string
}

var builds builderState

func closeBuilders() {
	for _, d := range builds.tmpDirs {
		removeAll(d)
	}
}

// sandboxPaths are the host directories the offline stdenv uses, for
// sandboxed builds.
func sandboxPaths() string {
	var paths []string
	for _, p := range []string{"/bin", "/sbin", "/usr", "/lib", "/lib64", "/lib32", "/libx32", "/etc/alternatives"} {
		if _, err := os.Stat(p); err == nil {
			paths = append(paths, p)
		}
	}
	return strings.Join(paths, " ")
}

func nixBuildArgv(root string) func(string, []string) []string {
	return func(file string, attrs []string) []string {
		argv := []string{"nix-build", file, "--no-out-link",
			"-I", SearchPathEntry(libDir),
			"--option", "substituters", "",
		}
		if root != "" {
			argv = append(argv, "--store", root, "--option", "extra-sandbox-paths", sandboxPaths())
		}
		for _, a := range attrs {
			argv = append(argv, "-A", a)
		}
		return argv
	}
}

// getBuilders returns the builders to test with, or skips.
func getBuilders(t *testing.T) []*nixBuilder {
	t.Helper()
	if testing.Short() {
		t.Skip("builds are skipped in -short mode")
	}
	trackFiles(t, "testdata", "../examples/hello")
	builds.once.Do(probeBuilders)
	if len(builds.builders) == 0 {
		t.Skip(builds.skip)
	}
	return builds.builders
}

func probeBuilders() {
	mode := os.Getenv("GONIX_TEST_STORE")
	var reasons []string
	if _, err := exec.LookPath("nix-build"); err != nil {
		reasons = append(reasons, "nix-build is not on PATH")
	} else if mode != "none" {
		if b, err := probeNix(mode); err == nil {
			builds.builders = append(builds.builders, b)
		} else {
			reasons = append(reasons, err.Error())
		}
	}
	if g := os.Getenv("GONIX"); g != "" && os.Getenv("GONIX_BUILD") == "1" {
		dir, err := os.MkdirTemp("", "gonix-lib-gonix-store-")
		if err == nil {
			builds.tmpDirs = append(builds.tmpDirs, dir)
			builds.builders = append(builds.builders, &nixBuilder{
				name: "gonix",
				root: dir, // outputs are under the store root GONIX_STORE
				argv: func(file string, attrs []string) []string {
					// The store is under a temporary root, so builds run
					// in gonix's sandbox: make the host tools visible, as
					// for nix-build --store.
					argv := []string{g, "build", file, "--no-out-link", "--option", "extra-sandbox-paths", sandboxPaths()}
					for _, a := range attrs {
						argv = append(argv, "-A", a)
					}
					return argv
				},
				env: []string{"GONIX_STORE=" + dir, "NIX_PATH=" + SearchPathEntry(libDir)},
			})
		}
	}
	builds.skip = "no usable builder: " + strings.Join(reasons, "; ")
}

// probeNix finds a store nix-build can build in: a chroot store unless
// mode says otherwise, else the real store.
func probeNix(mode string) (*nixBuilder, error) {
	probe, err := os.MkdirTemp("", "gonix-lib-probe-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(probe)
	file := filepath.Join(probe, "probe.nix")
	expr := `derivation { name = "gonix-lib-probe"; system = builtins.currentSystem; builder = "/bin/bash"; args = [ "-c" "echo ok > $out" ]; }`
	if err := os.WriteFile(file, []byte(expr), 0o644); err != nil {
		return nil, err
	}
	var failures []string
	if mode == "" || mode == "chroot" {
		root, err := os.MkdirTemp("", "gonix-lib-store-")
		if err != nil {
			return nil, err
		}
		b := &nixBuilder{name: "nix", root: root, argv: nixBuildArgv(root)}
		if _, _, err := b.run(file, nil); err == nil {
			builds.tmpDirs = append(builds.tmpDirs, root)
			return b, nil
		} else {
			removeAll(root)
			failures = append(failures, "chroot store: "+firstLine(err.Error()))
		}
	}
	if mode == "" || mode == "real" {
		b := &nixBuilder{name: "nix", argv: nixBuildArgv("")}
		if _, _, err := b.run(file, nil); err == nil {
			return b, nil
		} else {
			failures = append(failures, "real store: "+firstLine(err.Error()))
		}
	}
	return nil, fmt.Errorf("nix-build cannot build here (%s)", strings.Join(failures, "; "))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// run builds attrs of file; it returns the output paths (store paths as
// Nix names them) and stderr (the build log).
func (b *nixBuilder) run(file string, attrs []string, extra ...string) ([]string, string, error) {
	argv := append(b.argv(file, attrs), extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), "NIX_PATH="), b.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	outs := strings.Fields(stdout.String())
	if err != nil {
		return outs, stderr.String(), fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, stderr.String())
	}
	return outs, stderr.String(), nil
}

// realPath is where a store path's contents are on this machine.
func (b *nixBuilder) realPath(storePath string) string {
	if b.root == "" {
		return storePath
	}
	return filepath.Join(b.root, storePath)
}

// buildAll builds the named attributes of file and returns their output
// paths by attribute.
func (b *nixBuilder) buildAll(t *testing.T, file string, attrs []string, extra ...string) map[string]string {
	t.Helper()
	outs, _, err := b.run(absPath(t, file), attrs, extra...)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != len(attrs) {
		t.Fatalf("nix-build printed %d paths for %d attributes: %v", len(outs), len(attrs), outs)
	}
	res := map[string]string{}
	for i, a := range attrs {
		res[a] = outs[i]
	}
	return res
}

// readOut reads a file of a built output.
func (b *nixBuilder) readOut(t *testing.T, out, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(b.realPath(out), rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return string(data)
}
