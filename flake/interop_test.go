package flake_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/flake"
)

// nixFlake runs a `nix flake` subcommand (Nix 2.8 needs the features
// enabled) and returns stdout; the test is skipped without nix.
func nixFlake(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	if _, err := exec.LookPath("nix"); err != nil {
		t.Skip("nix not available")
	}
	full := append([]string{"--extra-experimental-features", "nix-command flakes", "flake"}, args...)
	full = append(full, "--option", "substituters", "")
	cmd := exec.Command("nix", full...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), &nixError{err: err, stderr: errb.String()}
	}
	return out.String(), nil
}

type nixError struct {
	err    error
	stderr string
}

func (e *nixError) Error() string { return e.err.Error() + ": " + e.stderr }

// A lock file gonix writes is accepted unchanged by Nix: `nix flake lock
// --no-update-lock-file` succeeds and leaves it as it is, and `nix flake
// metadata` reports the same locks, store path and narHash as gonix.
func TestInteropNixAcceptsGonixLock(t *testing.T) {
	f := makeFlake(t)
	main := filepath.Join(f.dir, "main")
	lf, err := f.session().LockFlake(f.ref(t, main), flake.LockFlags{})
	if err != nil {
		t.Fatal(err)
	}
	lockPath := filepath.Join(main, "flake.lock")
	before, _ := os.ReadFile(lockPath)
	if _, err := nixFlake(t, main, "lock", "--no-update-lock-file", "path:"+main); err != nil {
		t.Fatalf("nix flake lock --no-update-lock-file rejected gonix's lock: %v", err)
	}
	after, _ := os.ReadFile(lockPath)
	if !bytes.Equal(before, after) {
		t.Errorf("nix changed the lock file:\n%s", after)
	}
	out, err := nixFlake(t, main, "metadata", "--json", "--no-update-lock-file", "path:"+main)
	if err != nil {
		t.Fatalf("nix flake metadata: %v", err)
	}
	// Same flake state for both: re-lock (nothing to do) and compare.
	lf, err = f.session().LockFlake(f.ref(t, main), flake.LockFlags{NoUpdateLockFile: true})
	if err != nil {
		t.Fatal(err)
	}
	if g, n := normaliseJSON(t, lf.MetadataJSON().Pretty()), normaliseJSON(t, out); g != n {
		t.Errorf("metadata differs:\ngonix %s\nnix %s", g, n)
	}
}

// A lock file Nix writes is read by gonix without changes
// (--no-update-lock-file), and gonix's metadata equals Nix's.
func TestInteropGonixAcceptsNixLock(t *testing.T) {
	f := makeFlake(t)
	main := filepath.Join(f.dir, "main")
	if _, err := nixFlake(t, main, "lock", "path:"+main); err != nil {
		t.Fatalf("nix flake lock: %v", err)
	}
	lockPath := filepath.Join(main, "flake.lock")
	before, _ := os.ReadFile(lockPath)
	lf, err := f.session().LockFlake(f.ref(t, main), flake.LockFlags{NoUpdateLockFile: true})
	if err != nil {
		t.Fatalf("gonix rejected Nix's lock: %v", err)
	}
	if lf.Written {
		t.Error("gonix rewrote Nix's lock file")
	}
	after, _ := os.ReadFile(lockPath)
	if !bytes.Equal(before, after) {
		t.Errorf("lock file changed")
	}
	if got := lf.LockFile.String() + "\n"; got != string(before) {
		t.Errorf("gonix renders Nix's lock differently:\n%s\nnix:\n%s", got, before)
	}
	out, err := nixFlake(t, main, "metadata", "--json", "--no-update-lock-file", "path:"+main)
	if err != nil {
		t.Fatal(err)
	}
	if g, n := normaliseJSON(t, lf.MetadataJSON().Pretty()), normaliseJSON(t, out); g != n {
		t.Errorf("metadata differs:\ngonix %s\nnix %s", g, n)
	}
}

// The same both ways for a flake in a git work tree with a git input
// pinned to an older revision and a non-flake input.
func TestInteropGitFlake(t *testing.T) {
	f := makeFlake(t)
	top := filepath.Join(f.dir, "top")
	rev1 := strings.TrimSpace(runGit(t, filepath.Join(f.dir, "dep-git"), "rev-list", "--max-parents=0", "HEAD"))
	src := `{
  description = "git top";
  inputs.dep-git.url = "git+file://` + f.dir + `/dep-git?ref=main&rev=` + rev1 + `";
  inputs.dep-git.inputs.dep-path.url = "path:` + f.dir + `/dep-path";
  inputs.data = { url = "path:` + f.dir + `/dep-path/data.txt"; flake = false; };
  outputs = { self, dep-git, data }: { v = dep-git.value; d = builtins.readFile data; };
}
`
	if err := os.MkdirAll(top, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(top, "flake.nix"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@e", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@e", "GIT_CONFIG_GLOBAL=/dev/null"}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "flake.nix"}, {"commit", "-q", "-m", "top"}} {
		cmd := exec.Command("git", append([]string{"-C", top}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	ref := "git+file://" + top
	lf, err := f.session().LockFlake(f.ref(t, ref), flake.LockFlags{})
	if err != nil {
		t.Fatal(err)
	}
	gonixLock, _ := os.ReadFile(filepath.Join(top, "flake.lock"))
	if !strings.Contains(string(gonixLock), `"revCount": 1`) || !strings.Contains(string(gonixLock), `"flake": false`) {
		t.Errorf("unexpected lock:\n%s", gonixLock)
	}
	if lf.Flake.LockedRef.Input.Attrs.Str("dirtyRev") == "" {
		t.Errorf("after writing flake.lock (git add -N) the tree should be dirty")
	}
	if _, err := nixFlake(t, top, "lock", "--no-update-lock-file", ref); err != nil {
		t.Fatalf("nix rejected gonix's lock: %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(top, "flake.lock"))
	if !bytes.Equal(after, gonixLock) {
		t.Errorf("nix changed the lock:\n%s", after)
	}
	// Nix writes the lock from scratch. Nix 2.8 records an input
	// overridden by a parent flake with its own reference as "original"
	// (current Nix and gonix record the override); otherwise the locks
	// are the same, and gonix accepts Nix 2.8's unchanged.
	os.Remove(filepath.Join(top, "flake.lock"))
	if _, err := nixFlake(t, top, "lock", ref); err != nil {
		t.Fatal(err)
	}
	nixLock, _ := os.ReadFile(filepath.Join(top, "flake.lock"))
	want := strings.Replace(string(gonixLock), `"path": "`+f.dir+`/dep-path",
        "type": "path"
      }
    },
    "root"`, `"id": "gonix-dep-path",
        "type": "indirect"
      }
    },
    "root"`, 1)
	if string(nixLock) != want {
		t.Errorf("Nix's lock differs from gonix's beyond the original of overridden inputs:\nnix:\n%s\ngonix:\n%s", nixLock, gonixLock)
	}
	// And the outputs evaluate the same.
	x := f.session()
	lf, err = x.LockFlake(f.ref(t, ref), flake.LockFlags{NoUpdateLockFile: true})
	if err != nil {
		t.Fatal(err)
	}
	v, err := x.Outputs(lf)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	x.State.Run(func() {
		got = x.State.ForceStringNoCtx(v.Get(x.State.Sym("v")).Value, 0, "") + "|" + x.State.ForceStringNoCtx(v.Get(x.State.Sym("d")).Value, 0, "")
	})
	if got != "from-git+from-path|data for the path input\n" {
		t.Errorf("outputs: %q", got)
	}
}
