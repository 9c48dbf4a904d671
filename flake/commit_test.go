package flake_test

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/flake"
)

// gitIn runs git in dir (identity and configuration come from the
// environment TestCommitLockFile sets).
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v %s", args, err, out)
	}
	return string(out)
}

// commitFlake makes a git flake at dir with a path input and a staged
// file that is not to be committed.
func commitFlake(t *testing.T, dir, depDir string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	src := `{ inputs.dep.url = "path:` + depDir + `"; outputs = { self, dep }: { }; }` + "\n"
	os.WriteFile(filepath.Join(dir, "flake.nix"), []byte(src), 0o644)
	gitIn(t, dir, "init", "-q", "-b", "main")
	gitIn(t, dir, "add", "flake.nix")
	gitIn(t, dir, "commit", "-q", "-m", "init")
	os.WriteFile(filepath.Join(dir, "staged.txt"), []byte("staged\n"), 0o644)
	gitIn(t, dir, "add", "staged.txt")
}

// TestCommitLockFile: with CommitLockFile gonix commits only flake.lock,
// with Nix's message, and a path flake is refused before anything is
// written. When Nix is installed, `nix flake lock --commit-lock-file` on
// an identical flake makes the same commit (message, files, lock).
func TestCommitLockFile(t *testing.T) {
	f := makeFlake(t)
	t.Setenv("GIT_AUTHOR_NAME", "T")
	t.Setenv("GIT_AUTHOR_EMAIL", "t@e")
	t.Setenv("GIT_COMMITTER_NAME", "T")
	t.Setenv("GIT_COMMITTER_EMAIL", "t@e")
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	dep := filepath.Join(f.dir, "dep-path")
	g := filepath.Join(f.dir, "commit-gonix")
	commitFlake(t, g, dep)
	lf, err := f.session().LockFlake(f.ref(t, "git+file://"+g), flake.LockFlags{CommitLockFile: true})
	if err != nil {
		t.Fatal(err)
	}
	if !lf.Written {
		t.Fatal("lock not written")
	}
	msg := gitIn(t, g, "log", "-1", "--format=%B")
	if !strings.HasPrefix(msg, "flake.lock: Add\n\nFlake lock file updates:\n\n• Added input 'dep':\n    'path:"+dep) {
		t.Errorf("commit message:\n%s", msg)
	}
	if files := gitIn(t, g, "show", "--name-only", "--format=", "HEAD"); files != "flake.lock\n" {
		t.Errorf("committed files: %q", files)
	}
	if st := gitIn(t, g, "status", "--porcelain"); st != "A  staged.txt\n" {
		t.Errorf("status after commit: %q", st)
	}

	// A path: flake is refused and no lock file is written.
	p := filepath.Join(f.dir, "commit-path")
	os.MkdirAll(p, 0o755)
	os.WriteFile(filepath.Join(p, "flake.nix"), []byte(`{ inputs.dep.url = "path:`+dep+`"; outputs = { self, dep }: { }; }`), 0o644)
	_, err = f.session().LockFlake(f.ref(t, "path:"+p), flake.LockFlags{CommitLockFile: true})
	if err == nil || !strings.Contains(err.Error(), "not in a Git repository") {
		t.Errorf("path flake: %v", err)
	}
	if _, err := os.Stat(filepath.Join(p, "flake.lock")); err == nil {
		t.Error("lock file written for a refused commit")
	}

	// The same with Nix.
	n := filepath.Join(f.dir, "commit-nix")
	commitFlake(t, n, dep)
	if _, err := nixFlake(t, n, "lock", "--commit-lock-file", "git+file://"+n); err != nil {
		t.Fatalf("nix flake lock --commit-lock-file: %v", err)
	}
	// Nix 2.8 leaves '=' unescaped in the diff's URLs where current Nix
	// (and gonix) write %3D: compare unescaped.
	unescape := func(s string) string { u, _ := url.PathUnescape(s); return u }
	nixMsg := gitIn(t, n, "log", "-1", "--format=%B")
	if unescape(nixMsg) != unescape(msg) {
		t.Errorf("commit messages differ:\nnix:\n%s\ngonix:\n%s", nixMsg, msg)
	}
	if files := gitIn(t, n, "show", "--name-only", "--format=", "HEAD"); files != "flake.lock\n" {
		t.Errorf("nix committed %q", files)
	}
	gl, _ := os.ReadFile(filepath.Join(g, "flake.lock"))
	nl, _ := os.ReadFile(filepath.Join(n, "flake.lock"))
	if string(gl) != string(nl) {
		t.Errorf("locks differ:\nnix:\n%s\ngonix:\n%s", nl, gl)
	}
}
