package flake_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/flake"
)

// A git+http input served by git's dumb HTTP protocol from a local
// server: the default branch is found with ls-remote, locked with ref
// (refs/heads/main), rev, revCount and lastModified, and evaluated.
func TestGitRemoteInput(t *testing.T) {
	f := makeFlake(t)
	bare := filepath.Join(t.TempDir(), "dep.git")
	if out, err := exec.Command("git", "clone", "-q", "--bare", filepath.Join(f.dir, "dep-git"), bare).CombinedOutput(); err != nil {
		t.Fatalf("clone: %v %s", err, out)
	}
	if out, err := exec.Command("git", "-C", bare, "update-server-info").CombinedOutput(); err != nil {
		t.Fatalf("update-server-info: %v %s", err, out)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Dir(bare))))
	defer srv.Close()
	top := filepath.Join(f.dir, "remote-top")
	writeFiles(t, top, map[string]string{"flake.nix": `{
  inputs.dep.url = "git+` + srv.URL + `/dep.git";
  inputs.dep.inputs.dep-path.url = "path:` + f.dir + `/dep-path";
  outputs = { self, dep }: { v = dep.value; rc = dep.revCount; };
}`})
	x := f.session()
	ref := f.ref(t, "path:"+top)
	lf, err := x.LockFlake(ref, flake.LockFlags{})
	if err != nil {
		t.Fatal(flake.FormatError(x.State, err))
	}
	lock, _ := os.ReadFile(filepath.Join(top, "flake.lock"))
	for _, want := range []string{`"ref": "refs/heads/main"`, `"rev": "8726c723bfda93537d8ce87857e1684dc4fb3bf0"`, `"revCount": 2`,
		`"lastModified": 1577923200`, `"url": "` + srv.URL + `/dep.git"`, `"narHash": "sha256-6bUbLOtERZfkoK1tttEXm8MJr2ISSXW7G/DpZhOy09M="`} {
		if !strings.Contains(string(lock), want) {
			t.Errorf("lock lacks %s:\n%s", want, lock)
		}
	}
	if got := evalFlake(t, x, lf, "[ f.v f.rc ]"); got != `[ "from-git+from-path" 2 ]` {
		t.Errorf("outputs %s", got)
	}
}
