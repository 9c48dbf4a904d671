package flake_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/flake"
)

const drv = `derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; }`

// checkCases are flakes with deliberate mistakes, and what `nix flake
// check` says about them (the final error message, and warnings) where
// Nix 2.8 and current Nix agree. Only x86_64-linux outputs are used,
// since Nix 2.8 checks every system and current Nix only the local one.
var checkCases = []struct {
	name, outputs string
	err           string   // regexp for the error message ("" = passes)
	warnings      []string // regexps, in order
}{
	{"ok", `packages.x86_64-linux.default = ` + drv + `; checks.x86_64-linux.t = ` + drv + `;`, "", nil},
	{"pkg-not-drv", `packages.x86_64-linux.default = 1;`, `^flake attribute 'packages\.x86_64-linux\.default' is not a derivation$`, nil},
	{"devshell-not-drv", `devShells.x86_64-linux.default = { };`, `^flake attribute 'devShells\.x86_64-linux\.default' is not a derivation$`, nil},
	{"check-not-drv", `checks.x86_64-linux.c = "x";`, `^flake attribute 'checks\.x86_64-linux\.c' is not a derivation$`, nil},
	{"bad-system", `packages.x86_64.default = ` + drv + `;`, `^'x86_64' is not a valid system type, at /nix/store/HASH-source/flake\.nix:\d+:\d+$`, nil},
	{"legacy-bad-system", `legacyPackages.foo = { };`, `^'foo' is not a valid system type, at /nix/store/HASH-source/flake\.nix:\d+:\d+$`, nil},
	{"unknown-output", `foo = 1;`, "", []string{`^unknown flake output 'foo'$`}},
	{"deprecated", `defaultPackage.x86_64-linux = ` + drv + `;`, "", []string{`^flake output attribute 'defaultPackage' is deprecated; use 'packages\.<system>\.default' instead$`}},
	{"overlay-names", `overlays.default = self: super: { };`, `^overlay does not take an argument named 'final'$`, nil},
	{"template-no-desc", `templates.t = { path = ./.; };`, `^template 'templates\.t' lacks attribute 'description'$`, nil},
	{"template-extra", `templates.t = { path = ./.; description = "x"; foo = 1; };`, `^template 'templates\.t' has unsupported attribute 'foo'$`, nil},
	{"template-no-path", `templates.t = { description = "x"; };`, `^template 'templates\.t' lacks attribute 'path'$`, nil},
	{"hydra-drv", `hydraJobs = ` + drv + `;`, `^jobset should not be a derivation at top-level$`, nil},
	{"nixos-not-drv", `nixosConfigurations.m = { config.system.build.toplevel = { }; };`, `^attribute 'config\.system\.build\.toplevel' is not a derivation$`, nil},
	{"eval-error", `packages.x86_64-linux.default = throw "boom";`, `^boom$`, nil},
	{"bundler-not-fn", `bundlers.x86_64-linux.b = 1;`, `^bundler must be a function$`, nil},
	// Whole flake.nix files (outputs starting with '{').
	{"no-outputs", `{ description = "x"; }`, `^flake 'path:[^']*/no-outputs' lacks attribute 'outputs'$`, nil},
	{"unsupported-attr", `{ outputs = _: { }; foo = 1; }`, `^flake 'path:[^']*/unsupported-attr' has an unsupported attribute 'foo', at /nix/store/HASH-source/flake\.nix:1:21$`, nil},
	{"outputs-not-fn", `{ outputs = 1; }`, `^expected a function but got an integer at /nix/store/HASH-source/flake\.nix:1:3$`, nil},
	{"description-not-string", `{ description = 1; outputs = _: { }; }`, `^expected a string but got an integer at /nix/store/HASH-source/flake\.nix:1:3$`, nil},
	{"not-attrset", `let x = { outputs = _: { }; }; in x`, `^file '/nix/store/HASH-source/flake\.nix' must be an attribute set$`, nil},
	{"input-bad-type", `{ inputs.a.flake = "yes"; outputs = _: { }; }`, `^expected a Boolean but got a string at /nix/store/HASH-source/flake\.nix:1:\d+$`, nil},
}

var (
	storeHashRe = regexp.MustCompile(`/nix/store/[0-9a-z]{32}-`)
	// Nix 2.8 names the flake by its locked URL in readFlake's errors,
	// current Nix by the resolved one.
	lockedQueryRe = regexp.MustCompile(`\?lastModified=[^']*'`)
)

// normaliseMsg hides store path hashes and a rootless store's root.
func normaliseMsg(s, root string) string {
	if root != "" && root != "/" {
		s = strings.ReplaceAll(s, root+"/nix/store/", "/nix/store/")
	}
	s = lockedQueryRe.ReplaceAllString(s, "'")
	return storeHashRe.ReplaceAllString(s, "/nix/store/HASH-")
}

func writeCheckFlake(t *testing.T, dir, outputs string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "{\n  outputs = { self }: {\n    " + outputs + "\n  };\n}\n"
	if strings.HasPrefix(outputs, "{") || strings.HasPrefix(outputs, "let") {
		src = outputs + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "flake.nix"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// gonixCheck runs the check and returns the innermost error message and
// the warnings.
func gonixCheck(t *testing.T, dir string) (string, []string) {
	t.Helper()
	st := newStore(t)
	s, warnings := newSettings(t, st)
	x := flake.NewSession(s, newState(st))
	ref, err := flake.ParseRef(dir, flake.ParseOptions{BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	lf, err := x.LockFlake(ref, flake.LockFlags{NoWriteLockFile: true})
	if err != nil {
		return normaliseMsg(flake.AsEvalError(x.State, err).Msg, st.Root), *warnings
	}
	_, err = x.Check(lf, flake.CheckOptions{System: "x86_64-linux", Warn: s.Warn})
	if err != nil {
		e := err.(*eval.Error)
		return normaliseMsg(e.Msg, st.Root), *warnings
	}
	return "", *warnings
}

// nixCheck runs Nix's flake check (--no-build) and extracts the final
// error message and the warnings.
func nixCheck(t *testing.T, dir string) (string, []string, bool) {
	t.Helper()
	if _, err := exec.LookPath("nix"); err != nil {
		return "", nil, false
	}
	cmd := exec.Command("nix", "--extra-experimental-features", "nix-command flakes", "flake", "check",
		"--no-build", "--no-write-lock-file", "--option", "substituters", "", "path:"+dir)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, _ := cmd.CombinedOutput()
	var msg string
	var warnings []string
	lines := strings.Split(string(out), "\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "warning: "):
			w := strings.TrimPrefix(l, "warning: ")
			if strings.HasPrefix(w, "Git tree") {
				continue
			}
			warnings = append(warnings, w)
		case strings.HasPrefix(strings.TrimSpace(l), "error: "):
			msg = strings.TrimPrefix(strings.TrimSpace(l), "error: ")
			// Messages continue on indented lines (Nix 2.8 prints traces
			// after the message only with --show-trace).
			for _, c := range lines[i+1:] {
				if !strings.HasPrefix(c, "       ") || strings.HasPrefix(strings.TrimSpace(c), "…") || strings.TrimSpace(c) == "" {
					break
				}
				msg += "\n" + strings.TrimSpace(c)
			}
		}
	}
	return normaliseMsg(msg, ""), warnings, true
}

func TestCheckFindings(t *testing.T) {
	for _, c := range checkCases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), c.name)
			writeCheckFlake(t, dir, c.outputs)
			msg, warnings := gonixCheck(t, dir)
			if c.err == "" && msg != "" || c.err != "" && !regexp.MustCompile(c.err).MatchString(msg) {
				t.Errorf("error %q, want /%s/", msg, c.err)
			}
			if len(warnings) != len(c.warnings) {
				t.Errorf("warnings %q, want %q", warnings, c.warnings)
			} else {
				for i, w := range c.warnings {
					if !regexp.MustCompile(w).MatchString(warnings[i]) {
						t.Errorf("warning %q, want /%s/", warnings[i], w)
					}
				}
			}
			nmsg, nwarn, ok := nixCheck(t, dir)
			if !ok {
				return
			}
			if nmsg != msg {
				t.Errorf("Nix says %q, gonix %q", nmsg, msg)
			}
			if strings.Join(nwarn, "\n") != strings.Join(warnings, "\n") {
				t.Errorf("Nix warns %q, gonix %q", nwarn, warnings)
			}
		})
	}
}
