package build

import (
	"archive/tar"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// TestBuiltinFetchurl builds builtin:fetchurl derivations (what
// <nix/fetchurl.nix> produces): a flat file over HTTP, an executable, an
// unpacked tarball, and a download whose hash does not match.
func TestBuiltinFetchurl(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	var tgz strings.Builder
	gz := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "pkg-1.0/", Typeflag: tar.TypeDir, Mode: 0o755})
	tw.WriteHeader(&tar.Header{Name: "pkg-1.0/README", Typeflag: tar.TypeReg, Mode: 0o644, Size: 3})
	tw.Write([]byte("hi\n"))
	tw.Close()
	gz.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch req.URL.Path {
		case "/hello.txt":
			w.Write([]byte("hello\n"))
		case "/pkg.tar.gz":
			w.Write([]byte(tgz.String()))
		default:
			http.NotFound(w, req)
		}
	}))
	defer srv.Close()
	mk := func(name, url string, fixed derivation.Output, extra map[string]string) (string, string) {
		d := &derivation.Derivation{
			Name: name, Outputs: map[string]derivation.Output{"out": fixed}, InputDrvs: map[string][]string{},
			Platform: "builtin", Builder: "builtin:fetchurl",
			Env: map[string]string{"name": name, "builder": "builtin:fetchurl", "system": "builtin", "url": url, "out": ""},
		}
		for k, v := range extra {
			d.Env[k] = v
		}
		p, outs, err := st.Instantiate(r, d)
		if err != nil {
			t.Fatal(err)
		}
		return p, outs["out"]
	}
	flat := nixhash.Sum(nixhash.SHA256, []byte("hello\n"))
	drv, out := mk("hello.txt", srv.URL+"/hello.txt", derivation.FixedOutput(storepath.Flat, flat), nil)
	if _, err := realise(t, st, Options{}, drv); err != nil {
		t.Fatal(err)
	}
	if got := readOut(t, st, out); got != "hello\n" {
		t.Errorf("downloaded %q", got)
	}

	// unpack = "1": the tree without its top directory, NAR-hashed.
	tree := t.TempDir()
	os.WriteFile(filepath.Join(tree, "README"), []byte("hi\n"), 0o644)
	_, narHash, _, err := st.ComputePath(tree, store.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	drv, out = mk("pkg", srv.URL+"/pkg.tar.gz", derivation.FixedOutput(storepath.NAR, narHash), map[string]string{"unpack": "1"})
	if _, err := realise(t, st, Options{}, drv); err != nil {
		t.Fatal(err)
	}
	if got := readOut(t, st, out+"/README"); got != "hi\n" {
		t.Errorf("unpacked README %q", got)
	}

	// A wrong hash fails like any fixed-output derivation.
	wrong := nixhash.Sum(nixhash.SHA256, []byte("other"))
	drv, out = mk("bad.txt", srv.URL+"/hello.txt", derivation.FixedOutput(storepath.Flat, wrong), nil)
	_, err = realise(t, st, Options{}, drv)
	if err == nil || !strings.Contains(err.Error(), "hash mismatch in fixed-output derivation") {
		t.Fatalf("want a hash mismatch, got %v", err)
	}
	if ok, _ := st.IsValid(out); ok {
		t.Error("mismatching download registered")
	}

	// A missing URL fails with the download error.
	drv, _ = mk("missing.txt", srv.URL+"/nope", derivation.FixedOutput(storepath.Flat, flat), nil)
	if _, err = realise(t, st, Options{}, drv); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("want a download error, got %v", err)
	}
}
