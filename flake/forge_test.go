package flake_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonix/gonix/flake"
	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/nixhash"
)

const forgeRev = "0123456789abcdef0123456789abcdef01234567"

var forgeTime = time.Date(2022, 3, 4, 5, 6, 7, 0, time.UTC)

// tarGz builds a gzipped tar with one top-level directory.
func tarGz(t *testing.T, top string, files map[string]string, mtime time.Time) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: top + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime.Add(-time.Hour)})
	for name, content := range files {
		if err := tw.WriteHeader(&tar.Header{Name: top + "/" + name, Mode: 0o644, Size: int64(len(content)), ModTime: mtime}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(content))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// narHashOf is the NAR hash of a directory holding files.
func narHashOf(t *testing.T, files map[string]string) string {
	t.Helper()
	d := t.TempDir()
	writeFiles(t, d, files)
	_, h, _, err := (&store.Store{}).ComputePath(d, store.AddOptions{Name: "source"})
	if err != nil {
		t.Fatal(err)
	}
	return h.Format(nixhash.SRI, true)
}

type forgeServer struct {
	*httptest.Server
	requests []string
	auth     []string
}

func newForgeServer(t *testing.T, files map[string]string) *forgeServer {
	fs := &forgeServer{}
	archive := tarGz(t, "repo-"+forgeRev, files, forgeTime)
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.EscapedPath()
		if r.URL.RawQuery != "" {
			p += "?" + r.URL.RawQuery
		}
		fs.requests = append(fs.requests, p)
		fs.auth = append(fs.auth, r.Header.Get("Authorization")+r.Header.Get("Private-token"))
		switch p {
		case "/api.github.com/repos/owner/repo/commits/HEAD", "/api.github.com/repos/owner/repo/commits/main":
			fmt.Fprintf(w, `{"sha": %q, "commit": {"tree": {"sha": "ffffffffffffffffffffffffffffffffffffffff"}}}`, forgeRev)
		case "/github.com/owner/repo/archive/" + forgeRev + ".tar.gz",
			"/api.github.com/repos/owner/repo/tarball/" + forgeRev,
			"/gitlab.com/api/v4/projects/owner%2Frepo/repository/archive.tar.gz?sha=" + forgeRev,
			"/git.sr.ht/~owner/repo/archive/" + forgeRev + ".tar.gz",
			"/example.org/immutable/" + forgeRev + ".tar.gz":
			w.Write(archive)
		case "/gitlab.com/api/v4/projects/owner%2Frepo/repository/commits?ref_name=main":
			fmt.Fprintf(w, `[{"id": %q}]`, forgeRev)
		case "/git.sr.ht/~owner/repo/HEAD":
			fmt.Fprint(w, "ref: refs/heads/main\n")
		case "/git.sr.ht/~owner/repo/info/refs":
			fmt.Fprintf(w, "1111111111111111111111111111111111111111\trefs/heads/other\n%s\trefs/heads/main\n", forgeRev)
		case "/example.org/latest.tar.gz":
			w.Header().Set("Link", `<https://example.org/immutable/`+forgeRev+`.tar.gz>; rel="immutable"`)
			w.Write(archive)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(fs.Close)
	return fs
}

func TestForgeAndTarballInputs(t *testing.T) {
	depFiles := map[string]string{"flake.nix": `{ outputs = { self }: { value = "remote"; }; }`, "README": "hi\n"}
	srv := newForgeServer(t, depFiles)
	root, _ := filepath.EvalSymlinks(t.TempDir())
	writeFiles(t, root, map[string]string{"top/flake.nix": `{
  inputs.gh.url = "github:owner/repo";
  inputs.gl.url = "gitlab:owner/repo/main";
  inputs.srht.url = "sourcehut:~owner/repo";
  inputs.tb.url = "https://example.org/latest.tar.gz";
  outputs = { self, gh, gl, srht, tb }: {
    values = [ gh.value gl.value srht.value tb.value ];
    revs = [ gh.rev gl.rev srht.rev gh.shortRev ];
    times = [ gh.lastModified gh.lastModifiedDate tb.lastModified ];
  };
}`})
	stor := newStore(t)
	s, _ := newSettings(t, stor)
	s.RewriteURL = func(u string) string { return srv.URL + "/" + strings.TrimPrefix(u, "https://") }
	s.AccessTokens = map[string]string{"gitlab.com": "PAT:secret"}
	x := flake.NewSession(s, newState(stor))
	ref, err := flake.ParseRef(filepath.Join(root, "top"), flake.ParseOptions{BaseDir: root})
	if err != nil {
		t.Fatal(err)
	}
	lf, err := x.LockFlake(ref, flake.LockFlags{})
	if err != nil {
		t.Fatal(flake.FormatError(x.State, err))
	}
	nh := narHashOf(t, depFiles)
	lm := fmt.Sprint(forgeTime.Unix())
	lock, _ := os.ReadFile(filepath.Join(root, "top", "flake.lock"))
	for _, want := range []string{
		`"gh": {
      "locked": {
        "lastModified": ` + lm + `,
        "narHash": "` + nh + `",
        "owner": "owner",
        "repo": "repo",
        "rev": "` + forgeRev + `",
        "type": "github"
      },
      "original": {
        "owner": "owner",
        "repo": "repo",
        "type": "github"
      }
    }`,
		`"original": {
        "owner": "owner",
        "ref": "main",
        "repo": "repo",
        "type": "gitlab"
      }`,
		`"type": "sourcehut"`,
		`"tb": {
      "locked": {
        "lastModified": ` + lm + `,
        "narHash": "` + nh + `",
        "type": "tarball",
        "url": "https://example.org/immutable/` + forgeRev + `.tar.gz"
      },
      "original": {
        "type": "tarball",
        "url": "https://example.org/latest.tar.gz"
      }
    }`,
	} {
		if !strings.Contains(string(lock), want) {
			t.Errorf("lock lacks\n%s\nin\n%s", want, lock)
		}
	}
	got := evalFlake(t, x, lf, `with f; [ values revs times ]`)
	want := `[ [ "remote" "remote" "remote" "remote" ] [ "` + forgeRev + `" "` + forgeRev + `" "` + forgeRev + `" "0123456" ] [ ` + lm + ` "20220304050607" ` + lm + ` ] ]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	sawToken := false
	for i, r := range srv.requests {
		if strings.HasPrefix(r, "/gitlab.com/") && srv.auth[i] == "secret" {
			sawToken = true
		}
		if strings.HasPrefix(r, "/api.github.com/") && srv.auth[i] != "" {
			t.Errorf("github request %s carried a token", r)
		}
	}
	if !sawToken {
		t.Errorf("gitlab requests did not carry the PAT: %q %q", srv.requests, srv.auth)
	}

	// With the lock, evaluation needs no network: every input is in the
	// store and found by its narHash.
	srv.Close()
	x2 := flake.NewSession(s, newState(stor))
	lf2, err := x2.LockFlake(ref, flake.LockFlags{NoUpdateLockFile: true})
	if err != nil {
		t.Fatal(flake.FormatError(x2.State, err))
	}
	if got := evalFlake(t, x2, lf2, `with f; [ values revs times ]`); got != want {
		t.Errorf("offline: %s", got)
	}
	// Updating needs the forge again, and says so.
	_, err = flake.NewSession(s, newState(stor)).LockFlake(ref, flake.LockFlags{InputUpdates: []flake.InputPath{{"gh"}}, NoWriteLockFile: true})
	if err == nil || !strings.Contains(flake.FormatError(x2.State, err), "while fetching the input 'github:owner/repo'") {
		t.Errorf("update without the server: %v", err)
	}
}

func TestGitHubTokenAndEnterpriseURLs(t *testing.T) {
	srv := newForgeServer(t, map[string]string{"flake.nix": `{ outputs = _: { }; }`})
	stor := newStore(t)
	s, _ := newSettings(t, stor)
	s.RewriteURL = func(u string) string { return srv.URL + "/" + strings.TrimPrefix(u, "https://") }
	s.AccessTokens = map[string]string{"github.com": "tok"}
	in, err := flake.InputFromURLString("github:owner/repo/main", true)
	if err != nil {
		t.Fatal(err)
	}
	_, locked, err := s.Fetch(in)
	if err != nil {
		t.Fatal(err)
	}
	if locked.Rev() != forgeRev || locked.Ref() != "" {
		t.Errorf("locked %s", locked.Attrs.JSON().Compact())
	}
	// With a token, the API tarball URL is used and the token sent.
	last := srv.requests[len(srv.requests)-1]
	if last != "/api.github.com/repos/owner/repo/tarball/"+forgeRev || srv.auth[len(srv.auth)-1] != "token tok" {
		t.Errorf("requests %q auth %q", srv.requests, srv.auth)
	}
}
