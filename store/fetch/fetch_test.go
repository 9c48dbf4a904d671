package fetch

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/nixhash"
)

func newFetcher(t *testing.T) *Fetcher {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st)
}

func tarGz(t *testing.T, files map[string]string) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, content := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg})
		tw.Write([]byte(content))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func TestFetchURLAndTarball(t *testing.T) {
	f := newFetcher(t)
	hits := 0
	mux := http.NewServeMux()
	mux.HandleFunc("/hello.txt", func(w http.ResponseWriter, r *http.Request) { hits++; w.Write([]byte("hello\n")) })
	tgz := tarGz(t, map[string]string{"proj-1.0/README": "readme\n", "proj-1.0/src/main.c": "int main;\n"})
	mux.HandleFunc("/proj.tar.gz", func(w http.ResponseWriter, r *http.Request) { w.Write(tgz) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	good := nixhash.Sum(nixhash.SHA256, []byte("hello\n"))
	p, err := f.FetchURL(srv.URL+"/hello.txt", Options{Hash: good})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(f.Store.RealPath(p)); string(b) != "hello\n" || !strings.HasSuffix(p, "-hello.txt") {
		t.Fatalf("%s: %q", p, b)
	}
	// Cached: no second download.
	if p2, err := f.FetchURL(srv.URL+"/hello.txt", Options{Hash: good}); err != nil || p2 != p || hits != 1 {
		t.Fatalf("cache: %s %v hits=%d", p2, err, hits)
	}
	wrong := nixhash.Sum(nixhash.SHA256, []byte("x"))
	_, err = f.FetchURL(srv.URL+"/hello.txt", Options{Hash: wrong, Name: "other"})
	if err == nil || !strings.Contains(err.Error(), "hash mismatch in file downloaded from") || !strings.Contains(err.Error(), good.Format(nixhash.SRI, true)) {
		t.Fatalf("mismatch: %v", err)
	}
	if _, err := f.FetchURL(srv.URL+"/missing", Options{}); err == nil || !strings.Contains(err.Error(), "HTTP error 404") {
		t.Fatalf("404: %v", err)
	}
	tp, err := f.FetchTarball(srv.URL+"/proj.tar.gz", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(f.Store.RealPath(tp), "src/main.c")); string(b) != "int main;\n" {
		t.Fatalf("tarball not stripped/unpacked: %q", b)
	}
	info, _ := f.Store.QueryPathInfo(tp)
	if _, err := f.FetchTarball(srv.URL+"/proj.tar.gz", Options{Hash: info.NarHash, Name: "proj"}); err != nil {
		t.Fatalf("tarball with its hash: %v", err)
	}
	if _, err := f.FetchTarball(srv.URL+"/proj.tar.gz", Options{Hash: wrong, Name: "proj2"}); err == nil {
		t.Fatal("tarball hash mismatch not detected")
	}
	// file:// works too.
	local := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(local, []byte("hello\n"), 0o644)
	if lp, err := f.FetchURL("file://"+local, Options{Hash: good, Name: "hello.txt"}); err != nil || lp != p {
		t.Fatalf("file://: %s %v", lp, err)
	}
}

func TestUnpackRejectsEscapes(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "evil.tar.gz")
	os.WriteFile(a, tarGz(t, map[string]string{"../escape": "x"}), 0o644)
	if err := Unpack(a, filepath.Join(dir, "out")); err == nil {
		t.Fatal("path traversal accepted")
	}
	os.WriteFile(a, []byte("\x1f\x8bnot gzip"), 0o644)
	if err := Unpack(a, filepath.Join(dir, "out2")); err == nil {
		t.Fatal("corrupt archive accepted")
	}
}

func TestFetchGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	repo := t.TempDir()
	run := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@b",
			"GIT_AUTHOR_DATE=2020-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2020-01-01T00:00:00Z")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(repo, "a.txt"), []byte("one\n"), 0o644)
	run("add", ".")
	run("commit", "-q", "-m", "one")
	first := run("rev-parse", "HEAD")
	os.WriteFile(filepath.Join(repo, "a.txt"), []byte("two\n"), 0o644)
	run("commit", "-q", "-am", "two")
	f := newFetcher(t)
	res, err := f.FetchGit(repo, GitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(f.Store.RealPath(res.Path), "a.txt")); string(b) != "two\n" || res.RevCount != 2 || res.LastModified != 1577836800 {
		t.Fatalf("%+v %q", res, b)
	}
	if _, err := os.Stat(filepath.Join(f.Store.RealPath(res.Path), ".git")); err == nil {
		t.Fatal(".git exported")
	}
	old, err := f.FetchGit("file://"+repo, GitOptions{Rev: first})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(f.Store.RealPath(old.Path), "a.txt")); string(b) != "one\n" || old.Rev != first {
		t.Fatalf("rev: %+v %q", old, b)
	}
	if _, err := f.FetchGit(repo, GitOptions{Rev: strings.Repeat("0", 40)}); err == nil {
		t.Fatal("missing revision accepted")
	}
}
