package lib

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// These tests source the stdenv's setup script directly in bash, without
// Nix, the way a development shell does: the environment a derivation
// would have, then the functions.

// setupEnv prepares a fake dependency (bin/, include/, lib/,
// nix-support/) and returns the environment for sourcing setup.
func setupEnv(t *testing.T) (env []string, dep, out string) {
	t.Helper()
	dir := t.TempDir()
	dep = filepath.Join(dir, "dep")
	for _, d := range []string{"bin", "include", "lib", "nix-support"} {
		if err := os.MkdirAll(filepath.Join(dep, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dep, "bin", "dep-tool"), []byte("#!/bin/sh\necho dep-tool ran\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	hook := "depHookRan=1\naddEnvHooks \"$hostOffset\" _depEnv\n_depEnv() { depSaw=\"${depSaw:-} $1\"; }\n"
	if err := os.WriteFile(filepath.Join(dep, "nix-support", "setup-hook"), []byte(hook), 0o644); err != nil {
		t.Fatal(err)
	}
	out = filepath.Join(dir, "out")
	env = []string{
		"stdenv=" + filepath.Join(libDir, "stdenv/runtime"),
		"out=" + out,
		"outputs=out",
		"buildInputs=" + dep,
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"NIX_BUILD_TOP=" + dir,
		"IN_NIX_SHELL=impure",
	}
	return env, dep, out
}

func runBash(t *testing.T, dir string, env []string, script string) (string, error) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script)
	cmd.Dir = dir
	cmd.Env = env
	got, err := cmd.CombinedOutput()
	return string(got), err
}

// TestSetupSourced: sourcing setup gives PATH and flags from the inputs,
// runs their setup hooks and env hooks, defines the phase functions and
// leaves the shell's options as they were.
func TestSetupSourced(t *testing.T) {
	env, dep, _ := setupEnv(t)
	script := `
source "$stdenv/setup" || exit 1
echo "opts=$-"
echo "path1=${PATH%%:*}"
echo "tool=$(dep-tool)"
echo "cflags=$NIX_CFLAGS_COMPILE"
echo "ldflags=$NIX_LDFLAGS"
echo "hook=${depHookRan:-no} saw=${depSaw:-}"
echo "cc=$(command -v cc)"
for f in genericBuild runPhase runHook unpackPhase patchPhase configurePhase buildPhase checkPhase installPhase fixupPhase substituteInPlace patchShebangs stripHash addToSearchPath; do
  declare -F "$f" > /dev/null || echo "missing function $f"
done
false
echo "still running after a failure"
`
	got, err := runBash(t, t.TempDir(), env, script)
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	for _, want := range []string{
		"path1=" + dep + "/bin",
		"tool=dep-tool ran",
		"cflags=-isystem " + dep + "/include",
		"ldflags=-L" + dep + "/lib",
		"hook=1 saw= " + dep,
		"cc=" + filepath.Join(libDir, "stdenv/runtime/bin/cc"),
		"still running after a failure",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "missing function") {
		t.Errorf("functions missing:\n%s", got)
	}
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "opts=") && (strings.Contains(line, "e") || strings.Contains(line, "u")) {
			t.Errorf("setup left errexit/nounset on in the caller's shell: %s", line)
		}
	}
}

// TestGenericBuildOutsideNix builds a C program with genericBuild in a
// plain bash (as `gonix develop -c genericBuild` will): the compiler
// wrapper finds the host compiler and the inputs' headers.
func TestGenericBuildOutsideNix(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	if _, err := exec.LookPath("cc"); err != nil {
		if _, err := exec.LookPath("gcc"); err != nil {
			t.Skip("no C compiler")
		}
	}
	env, dep, out := setupEnv(t)
	if err := os.WriteFile(filepath.Join(dep, "include", "dep.h"), []byte("#define DEP_MESSAGE \"from dep.h\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"main.c":   "#include <stdio.h>\n#include <dep.h>\nint main(void){puts(DEP_MESSAGE);return 0;}\n",
		"Makefile": "prog: main.c\n\t$(CC) -o $@ main.c\ninstall: prog\n\tmkdir -p $(PREFIX)/bin\n\tcp prog $(PREFIX)/bin/\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env = append(env, "src="+src, "makeFlags=PREFIX="+out, "dontStrip=1")
	work := t.TempDir()
	got, err := runBash(t, work, env, `source "$stdenv/setup" && genericBuild && "$out/bin/prog"`)
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if !strings.Contains(got, "from dep.h") {
		t.Errorf("program output missing:\n%s", got)
	}

	// A failing phase names itself, and the shell exits with its code.
	env = append(env, "buildPhase=echo failing now; exit 3")
	got, err = runBash(t, t.TempDir(), env, `source "$stdenv/setup"; set -e; genericBuild`)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("want exit code 3, got %v\n%s", err, got)
	}
	if !strings.Contains(got, "error: gonix stdenv: buildPhase failed with exit code 3") {
		t.Errorf("failure not reported:\n%s", got)
	}
}

// TestSubstitute exercises substitute and friends.
func TestSubstitute(t *testing.T) {
	env, _, _ := setupEnv(t)
	dir := t.TempDir()
	script := `
source "$stdenv/setup" || exit 1
set -e
printf 'Hello @name@, path=@path@\nkeep trailing\n\n' > in.txt
name=World
substitute in.txt out1.txt --subst-var name --subst-var-by path /x --replace-fail Hello Bye
cat out1.txt; echo "[end]"
cp in.txt in2.txt
substituteInPlace in2.txt --replace-warn absent x 2> warn.txt
cat warn.txt
if substituteInPlace in2.txt --replace-fail absent x 2> err.txt; then echo "replace-fail did not fail"; fi
cat err.txt
path=/from/var
substituteAll in.txt out3.txt
head -n 1 out3.txt
echo "stripHash: $(stripHash /nix/store/00000000000000000000000000000000-foo-1.0) $(stripHash /tmp/plain)"
`
	got, err := runBash(t, dir, env, script)
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	for _, want := range []string{
		"Bye World, path=/x\nkeep trailing\n\n[end]",
		"WARNING: pattern 'absent' doesn't match anything in file 'in2.txt'",
		"ERROR: pattern 'absent' doesn't match anything in file 'in2.txt'",
		"Hello World, path=/from/var",
		"stripHash: foo-1.0 plain",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "replace-fail did not fail") {
		t.Error("--replace-fail did not fail")
	}
}

// TestPatchShebangs: interpreters found in the store replace the
// original ones; host interpreters are left alone.
func TestPatchShebangs(t *testing.T) {
	env, _, _ := setupEnv(t)
	store := t.TempDir()
	interp := filepath.Join(store, "0000-interp", "bin")
	if err := os.MkdirAll(interp, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(interp, "fakeinterp"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	scripts := map[string]string{
		"env-form":  "#!/usr/bin/env fakeinterp -x\nbody\n",
		"direct":    "#! /usr/bin/fakeinterp\nbody\n",
		"host-only": "#!/bin/sh\nbody\n",
	}
	for name, content := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env = append(env, "NIX_STORE="+store)
	got, err := runBash(t, dir, env, `source "$stdenv/setup" && PATH="`+interp+`:$PATH" && patchShebangs .`)
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	want := map[string]string{
		"env-form":  "#!" + interp + "/fakeinterp -x\nbody\n",
		"direct":    "#!" + interp + "/fakeinterp\nbody\n",
		"host-only": "#!/bin/sh\nbody\n",
	}
	for name, w := range want {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != w {
			t.Errorf("%s: got %q, want %q", name, data, w)
		}
		info, _ := os.Stat(filepath.Join(dir, name))
		if info.Mode()&0o111 == 0 {
			t.Errorf("%s lost its executable bit", name)
		}
	}
}

// TestUnpackSources: several sources (a directory and a tarball) with an
// explicit sourceRoot, and the error for an unknown archive.
func TestUnpackSources(t *testing.T) {
	tarPath, err := exec.LookPath("tar")
	if err != nil {
		t.Skip("no tar")
	}
	env, _, _ := setupEnv(t)
	srcDir := filepath.Join(t.TempDir(), "0123456789abcdfghijklmnpqrsvwxyz-first")
	if err := os.MkdirAll(srcDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(srcDir, "a.txt"), []byte("a"), 0o444); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	if err := os.MkdirAll(filepath.Join(tmp, "second"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "second", "b.txt"), []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	tarball := filepath.Join(tmp, "second.tar.gz")
	if out, err := exec.Command(tarPath, "czf", tarball, "-C", tmp, "second").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	work := t.TempDir()
	script := `source "$stdenv/setup" || exit 1
srcs="` + srcDir + ` ` + tarball + `"
sourceRoot=first
runPhase unpackPhase
echo "pwd=${PWD##*/}"
ls ../second
test -w a.txt && echo writable`
	got, err := runBash(t, work, env, script)
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	for _, w := range []string{"pwd=first", "b.txt", "writable"} {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%s", w, got)
		}
	}

	// Two directories without sourceRoot: an error naming them.
	got, err = runBash(t, t.TempDir(), env, `source "$stdenv/setup" || exit 1
srcs="`+srcDir+` `+tarball+`"
set -e
unpackPhase`)
	if err == nil || !strings.Contains(got, "unpacker produced multiple directories") {
		t.Errorf("want the multiple-directories error, got %v:\n%s", err, got)
	}

	// A plain file is not an archive.
	plain := filepath.Join(tmp, "notes.txt")
	if err := os.WriteFile(plain, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = runBash(t, t.TempDir(), env, `source "$stdenv/setup" || exit 1
src="`+plain+`"
set -e
unpackPhase`)
	if err == nil || !strings.Contains(got, "do not know how to unpack source archive") {
		t.Errorf("want the unknown-archive error, got %v:\n%s", err, got)
	}
}
