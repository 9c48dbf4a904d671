package lib

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const helloDir = "../examples/hello"

// TestExampleHello builds examples/hello through its non-flake entry
// points (default.nix with the library taken from the repository, and
// the mkShell of shell.nix) and runs the program.
func TestExampleHello(t *testing.T) {
	for _, b := range getBuilders(t) {
		t.Run(b.name, func(t *testing.T) {
			outs, log, err := b.run(absPath(t, filepath.Join(helloDir, "default.nix")), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(outs) != 1 {
				t.Fatalf("outputs %v", outs)
			}
			for _, phase := range []string{"buildPhase", "checkPhase", "installPhase", "all checks passed"} {
				if !strings.Contains(log, phase) {
					t.Errorf("build log lacks %q", phase)
				}
			}
			prog := filepath.Join(b.realPath(outs[0]), "bin/hello")
			got, err := exec.Command(prog, "gonix").CombinedOutput()
			if err != nil || string(got) != "Hello, gonix!\n" {
				t.Errorf("%s gonix: %q, %v", prog, got, err)
			}
			if _, _, err := b.run(absPath(t, filepath.Join(helloDir, "shell.nix")), nil); err != nil {
				t.Errorf("shell.nix: %v", err)
			}
		})
	}
}

// flakeEnv runs real Nix's flake commands against the chroot store of
// the build tests, with an empty flake registry (no network).
type flakeEnv struct {
	b        *nixBuilder
	registry string
}

func newFlakeEnv(t *testing.T) *flakeEnv {
	t.Helper()
	if _, err := exec.LookPath("nix"); err != nil {
		t.Skip("nix is not on PATH")
	}
	var nb *nixBuilder
	for _, b := range getBuilders(t) {
		if b.name == "nix" && b.root != "" {
			nb = b
		}
	}
	if nb == nil {
		t.Skip("flake tests need nix-build with a chroot store (they must not write to the machine's store)")
	}
	reg := filepath.Join(t.TempDir(), "registry.json")
	if err := os.WriteFile(reg, []byte(`{"flakes":[],"version":2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return &flakeEnv{b: nb, registry: reg}
}

// nix runs `nix ARGS...` in dir; it returns stdout and stderr.
func (f *flakeEnv) nix(dir string, args ...string) (string, string, error) {
	argv := append([]string{
		"--experimental-features", "nix-command flakes",
		"--store", f.b.root,
		"--option", "extra-sandbox-paths", sandboxPaths(),
		"--option", "substituters", "",
		"--option", "flake-registry", f.registry,
	}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "nix", argv...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NIX_PATH=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("nix %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), stderr.String(), err
}

// copyExample copies examples/hello (sources only) to a fresh directory.
func copyExample(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "hello")
	err := filepath.WalkDir(helloDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(helloDir, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(p, ".o") || d.Name() == "hello" || d.Name() == "flake.lock" || d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestExampleHelloFlake uses the flake of examples/hello with real Nix:
// the `gonix` input overridden with a materialised library, or resolved
// through a registry entry; without either Nix says it cannot find it.
func TestExampleHelloFlake(t *testing.T) {
	f := newFlakeEnv(t)
	src := copyExample(t)
	ref := "path:" + src
	override := []string{"--override-input", "gonix", "path:" + libDir}

	t.Run("build", func(t *testing.T) {
		out, _, err := f.nix(src, append([]string{"build", "--no-link", "--json", ref + "#default"}, override...)...)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "-hello-1.0") {
			t.Fatalf("nix build printed %s", out)
		}
		// The same derivation as the non-flake entry point: the
		// materialised library and the source tree give the same paths.
		drvFlake := jsonField(out, "drvPath")
		drvFile, err := exec.Command("nix-instantiate", "--readonly-mode", absPath(t, filepath.Join(helloDir, "default.nix"))).Output()
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(string(drvFile)) != drvFlake {
			t.Errorf("flake drv %s, default.nix drv %s", drvFlake, strings.TrimSpace(string(drvFile)))
		}
	})

	t.Run("developPhases", func(t *testing.T) {
		work := t.TempDir()
		for _, phase := range []string{"configure", "build", "check", "install"} {
			// "#hello" is the package (nix develop looks for
			// devShells.SYSTEM.hello, then packages.SYSTEM.hello).
			stdout, stderr, err := f.nix(work, append([]string{"develop", ref + "#hello", "--" + phase}, override...)...)
			if err != nil {
				t.Fatalf("--%s: %v", phase, err)
			}
			if phase == "check" && !strings.Contains(stdout+stderr, "all checks passed") {
				t.Errorf("--check log:\n%s%s", stdout, stderr)
			}
			if phase == "install" && !strings.Contains(stdout+stderr, "PREFIX="+filepath.Join(work, "outputs/out")) {
				t.Fatalf("install did not use the shell's $out:\n%s%s", stdout, stderr)
			}
		}
		prog := filepath.Join(work, "outputs/out/bin/hello")
		got, err := exec.Command(prog).CombinedOutput()
		if err != nil || string(got) != "Hello, world!\n" {
			t.Errorf("%s: %q, %v", prog, got, err)
		}
	})

	t.Run("developShell", func(t *testing.T) {
		args := append(append([]string{"develop", ref}, override...), "-c", "bash", "-c", `echo "cc=$(command -v cc)"; exit 7`)
		out, _, err := f.nix(src, args...)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 7 {
			t.Fatalf("exit code of -c not passed through: %v", err)
		}
		if !strings.Contains(out, "hello dev shell") {
			t.Errorf("shellHook did not run: %q", out)
		}
		if !strings.Contains(out, "-gonix-stdenv/bin/cc") {
			t.Errorf("cc is not the stdenv's wrapper: %q", out)
		}
	})

	t.Run("registry", func(t *testing.T) {
		src := copyExample(t)
		ref := "path:" + src
		reg := filepath.Join(t.TempDir(), "registry.json")
		entry := `{"version":2,"flakes":[{"from":{"type":"indirect","id":"gonix"},"to":{"type":"path","path":"` + libDir + `"}}]}`
		if err := os.WriteFile(reg, []byte(entry), 0o644); err != nil {
			t.Fatal(err)
		}
		withReg := &flakeEnv{b: f.b, registry: reg}
		out, _, err := withReg.nix(src, "eval", "--raw", ref+"#packages.x86_64-linux.default.name")
		if err != nil {
			t.Fatal(err)
		}
		if out != "hello-1.0" {
			t.Errorf("name = %q", out)
		}
	})

	t.Run("withoutGonix", func(t *testing.T) {
		src := copyExample(t) // no lock file from the tests above
		_, _, err := f.nix(src, "eval", "--raw", "path:"+src+"#packages.x86_64-linux.default.name")
		if err == nil || !strings.Contains(err.Error(), "cannot find flake 'flake:gonix'") {
			t.Fatalf("want a clear error about the gonix input, got %v", err)
		}
	})
}

// jsonField extracts "name":"value" from JSON text (enough for nix build
// --json output).
func jsonField(s, name string) string {
	key := `"` + name + `":"`
	i := strings.Index(s, key)
	if i < 0 {
		return ""
	}
	rest := s[i+len(key):]
	if j := strings.IndexByte(rest, '"'); j >= 0 {
		return rest[:j]
	}
	return ""
}
