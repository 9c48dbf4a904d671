package lib

import (
	"strings"
	"testing"
)

// TestStdenvBuilds builds testdata/builds: every phase with its hooks,
// replaced phases, dont* flags, compiler flags from buildInputs and
// propagated inputs, setup hooks, makeWrapper and the trivial builders.
func TestStdenvBuilds(t *testing.T) {
	attrs := []string{
		"phases", "customPhases", "dontFlags", "consumer", "propagatedConsumer",
		"hookUser", "wrapped", "text", "ranCommand", "compiled", "shell", "joined", "libgreet",
		"multiOutUser",
	}
	for _, b := range getBuilders(t) {
		t.Run(b.name, func(t *testing.T) {
			out := b.buildAll(t, "testdata/builds/default.nix", attrs)
			read := func(attr, rel string) string { return b.readOut(t, out[attr], rel) }

			t.Run("hookOrder", func(t *testing.T) {
				want := "firstPhase preUnpack postUnpack prePatch postPatch preConfigure postConfigure " +
					"midPhase preBuild postBuild preCheck postCheck preInstall postInstall preFixup postFixup " +
					"preInstallCheck postInstallCheck preDist postDist lastPhase"
				if got := strings.Join(strings.Fields(read("phases", "trace")), " "); got != want {
					t.Errorf("hooks ran as\n  %s\nwant\n  %s", got, want)
				}
			})
			t.Run("phaseEffects", func(t *testing.T) {
				// configure flags, make flags and env reached the build.
				if got := strings.TrimSpace(read("phases", "build-info")); got != "EXTRA=extra-flag FROM_ENV=env-value" {
					t.Errorf("build-info = %q", got)
				}
				// The check phase (make check) passed only if the patch
				// was applied and configure saw --with-greeting=hi; the
				// install check saw doc/ moved to share/doc.
				read("phases", "share/doc/README")
				read("phases", "bin/prog")
				read("phases", "tarballs/phases-1.tar.gz")
			})
			t.Run("phaseVariables", func(t *testing.T) {
				if got := read("customPhases", "built"); got != "custom build\n" {
					t.Errorf("built = %q", got)
				}
				if got := read("customPhases", "types"); !strings.Contains(got, "function") {
					t.Errorf("types = %q", got)
				}
			})
			t.Run("dontFlags", func(t *testing.T) {
				if got := read("dontFlags", "ran"); got != "" {
					t.Errorf("skipped phases ran their hooks: %q", got)
				}
			})
			t.Run("buildInputsFlags", func(t *testing.T) {
				if got := read("consumer", "result"); got != "greetings from libgreet\n" {
					t.Errorf("result = %q", got)
				}
				lib := out["libgreet"]
				if got := read("consumer", "cflags"); !strings.Contains(got, "-isystem "+lib+"/include") {
					t.Errorf("NIX_CFLAGS_COMPILE = %q, want -isystem %s/include", got, lib)
				}
				if got := read("consumer", "ldflags"); !strings.Contains(got, "-L"+lib+"/lib") {
					t.Errorf("NIX_LDFLAGS = %q, want -L%s/lib", got, lib)
				}
			})
			t.Run("propagatedInputs", func(t *testing.T) {
				if got := read("propagatedConsumer", "result"); got != "greetings from libgreet\n" {
					t.Errorf("result = %q", got)
				}
			})
			t.Run("setupHooks", func(t *testing.T) {
				env := read("hookUser", "env")
				if !strings.Contains(env, "sourced=1") || !strings.Contains(env, "provided=/") || !strings.Contains(env, "-hook-provider") {
					t.Errorf("env = %q", env)
				}
				if got := read("hookUser", "hooked"); !strings.Contains(got, "hook ran for") {
					t.Errorf("postInstall hook: %q", got)
				}
				if got := read("hookUser", "demo-deps"); !strings.Contains(got, "-hook-provider") {
					t.Errorf("env hook saw %q, want the hook-provider dependency", got)
				}
			})
			t.Run("multipleOutputs", func(t *testing.T) {
				want := map[string]string{
					"bin-output":    "from-multi-out\n",
					"header":        "#define MULTI 1\n",
					"script-output": "from writeShellScript\n",
				}
				for rel, w := range want {
					if got := read("multiOutUser", rel); got != w {
						t.Errorf("%s = %q, want %q", rel, got, w)
					}
				}
				if got := read("multiOutUser", "propagated"); !strings.HasSuffix(got, "-note.txt") {
					t.Errorf("propagated-build-inputs of dev = %q, want the note.txt package", got)
				}
				// The setup hook was installed in dev, with @out@ the out
				// output (not dev).
				if got := strings.TrimSpace(read("multiOutUser", "provided-by")); !strings.HasSuffix(got, "-multi-out") {
					t.Errorf("setup hook from dev gave PROVIDED_BY=%q, want the out output", got)
				}
			})
			t.Run("makeWrapper", func(t *testing.T) {
				if got := read("wrapped", "result"); got != "hello wrapped world\n" {
					t.Errorf("result = %q", got)
				}
			})
			t.Run("trivialBuilders", func(t *testing.T) {
				if got := read("text", ""); got != "plain text\n" {
					t.Errorf("writeText = %q", got)
				}
				for rel, want := range map[string]string{
					"message":    "from env\n",
					"app-output": "said: from app\n",
					"text":       "plain text\n",
					"joined":     "note.txt\nother.txt\n",
				} {
					if got := read("ranCommand", rel); got != want {
						t.Errorf("%s = %q, want %q", rel, got, want)
					}
				}
				if got := read("compiled", "result"); got != "compiled by runCommandCC\n" {
					t.Errorf("runCommandCC = %q", got)
				}
				if got := read("shell", ""); !strings.Contains(got, "not used") || !strings.Contains(got, "declare -x") {
					t.Errorf("mkShell output = %q", got)
				}
			})
		})
	}
}

// TestFailingBuilds: a failing phase is named, with the command that
// failed, and the log lines before the failure are shown.
func TestFailingBuilds(t *testing.T) {
	cases := []struct {
		attr string
		want []string
	}{
		{"buildFails", []string{
			"the last line before the failure",
			"error: gonix stdenv: buildPhase failed with exit code 2 (while running: ls /nonexistent-gonix-test-dir)",
		}},
		{"hookFails", []string{"in postConfigure", "error: gonix stdenv: configurePhase failed with exit code 4"}},
		{"makeFails", []string{"make is running", "error: gonix stdenv: buildPhase failed with exit code 2", "make"}},
		{"hookSourceFails", []string{"bad hook running", "error: gonix stdenv: the setup hook", "-bad-hook failed with exit code 1"}},
		{"commandFails", []string{"about to fail in buildCommand", "error: gonix stdenv: buildCommand failed with exit code 1 (while running: false)"}},
	}
	for _, b := range getBuilders(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.attr, func(t *testing.T) {
					_, log, err := b.run(absPath(t, "testdata/builds/failing.nix"), []string{c.attr})
					if err == nil {
						t.Fatal("the build succeeded")
					}
					for _, w := range c.want {
						if !strings.Contains(log, w) {
							t.Errorf("log does not contain %q:\n%s", w, log)
						}
					}
					if strings.Contains(log, "never printed") {
						t.Error("the build went on after the failure")
					}
				})
			}
		})
	}
}
