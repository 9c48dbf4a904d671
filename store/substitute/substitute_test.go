package substitute

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/build"
	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/sandbox"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestNarInfoRoundTripAndErrors(t *testing.T) {
	text := "StorePath: /nix/store/d53v8pwy4i09mgfhpa3dg1g2ll9nbz8y-f.txt\nURL: nar/x.nar.xz\nCompression: xz\n" +
		"FileHash: sha256:0zcyqz0d6yqqwnfa15sd6gz0237s3fk2kaja5f267ncliifq556f\nFileSize: 136\n" +
		"NarHash: sha256:0b1n2nib6fs7zwfygcdks8s1a02948hz4xy9cw5r7mh8fpqs1jfk\nNarSize: 128\n" +
		"References: d53v8pwy4i09mgfhpa3dg1g2ll9nbz8y-f.txt\nDeriver: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-f.drv\nSig: k:c2ln\nCA: fixed:r:sha256:0b1n2nib6fs7zwfygcdks8s1a02948hz4xy9cw5r7mh8fpqs1jfk\n"
	ni, err := ParseNarInfo([]byte(text), "/nix/store", "t")
	if err != nil {
		t.Fatal(err)
	}
	if ni.String() != text {
		t.Fatalf("round trip:\n%s\nvs\n%s", ni.String(), text)
	}
	for _, bad := range []string{"", "StorePath /x\n", "StorePath: /nix/store/bad\nURL: x\n", text + "NarSize: x\n", strings.Replace(text, "References: d53", "References: !!", 1)} {
		if _, err := ParseNarInfo([]byte(bad), "/nix/store", "bad.narinfo"); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestKeysAndSignatures(t *testing.T) {
	sk, pk, err := GenerateKey("test-1")
	if err != nil {
		t.Fatal(err)
	}
	sk2, err := ParseSecretKey(sk.String())
	if err != nil {
		t.Fatal(err)
	}
	pk2, err := ParsePublicKey(pk.String())
	if err != nil {
		t.Fatal(err)
	}
	sig := sk2.Sign("fp")
	if !Verify("fp", []string{sig}, []PublicKey{pk2}) || Verify("fp2", []string{sig}, []PublicKey{pk2}) {
		t.Fatal("signature verification wrong")
	}
	_, other, _ := GenerateKey("test-1")
	if Verify("fp", []string{sig}, []PublicKey{other}) {
		t.Fatal("verified with the wrong key")
	}
	for _, bad := range []string{"nocolon", "x:!!!", "x:AAAA"} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("public key %q accepted", bad)
		}
		if _, err := ParseSecretKey(bad); err == nil {
			t.Errorf("secret key %q accepted", bad)
		}
	}
}

// buildWithRefs builds a small two-path closure in st (sandboxed).
func buildWithRefs(t *testing.T, st *store.Store) (drv string, out, dep string) {
	t.Helper()
	if _, err := sandbox.Probe(); err != nil {
		t.Skipf("sandbox unavailable: %v", err)
	}
	r := st.NewResolver()
	mk := func(name, script string, env map[string]string, inputs map[string][]string) (string, string) {
		d := &derivation.Derivation{Name: name, Outputs: map[string]derivation.Output{"out": {}}, InputDrvs: inputs,
			Platform: "x86_64-linux", Builder: "/bin/sh", Args: []string{"-c", script}, Env: map[string]string{"name": name, "out": ""}}
		for k, v := range env {
			d.Env[k] = v
		}
		p, o, err := st.Instantiate(r, d)
		if err != nil {
			t.Fatal(err)
		}
		return p, o["out"]
	}
	depDrv, dep := mk("sub-dep", "echo dependency > $out", nil, map[string][]string{})
	drv, out = mk("sub-top", "echo $d > $out", map[string]string{"d": dep}, map[string][]string{depDrv: {"out"}})
	if _, err := build.Realise(context.Background(), st, []build.Request{{DrvPath: drv}}, build.Options{}); err != nil {
		t.Fatal(err)
	}
	return drv, out, dep
}

func TestCopyAndSubstituteRoundTrip(t *testing.T) {
	src := openStore(t)
	drv, out, dep := buildWithRefs(t, src)
	sk, pk, _ := GenerateKey("gonix-test-1")
	for _, comp := range []string{"xz", "zstd", "none"} {
		t.Run(comp, func(t *testing.T) {
			cache := t.TempDir()
			copied, err := Copy(src, []string{out}, cache, CopyOptions{Compression: comp, Key: &sk})
			if err != nil || len(copied) != 2 {
				t.Fatalf("copy: %v %v", copied, err)
			}
			srv := httptest.NewServer(http.FileServer(http.Dir(cache)))
			defer srv.Close()
			for _, u := range []string{"file://" + cache, srv.URL} {
				dst := openStore(t)
				c, err := Open(u, dst, Options{TrustedKeys: []PublicKey{pk}, RequireSigs: true})
				if err != nil {
					t.Fatal(err)
				}
				// The derivation must come across too (Realise reads it).
				if _, err := Copy(src, []string{drv}, cache, CopyOptions{Compression: comp, Key: &sk}); err != nil {
					t.Fatal(err)
				}
				drvCache, _ := Open("file://"+cache, dst, Options{TrustedKeys: []PublicKey{pk}, RequireSigs: true})
				if err := drvCache.FetchClosure(drv); err != nil {
					t.Fatal(err)
				}
				res, err := build.Realise(context.Background(), dst, []build.Request{{DrvPath: drv}}, build.Options{Substituters: []build.Substituter{c}, Sandbox: build.SandboxOn})
				if err != nil {
					t.Fatalf("%s: %v", u, err)
				}
				if res[0].Status != build.Substituted {
					t.Fatalf("%s: status %v", u, res[0].Status)
				}
				info, err := dst.QueryPathInfo(out)
				if err != nil || len(info.References) != 1 || info.References[0] != dep || len(info.Sigs) != 1 {
					t.Fatalf("%s: substituted info %+v %v", u, info, err)
				}
			}
		})
	}
	// An untrusted key is refused: the path is then built instead.
	cache := t.TempDir()
	Copy(src, []string{out, drv}, cache, CopyOptions{Key: &sk})
	_, wrong, _ := GenerateKey("gonix-test-1")
	dst := openStore(t)
	c, _ := Open("file://"+cache, dst, Options{TrustedKeys: []PublicKey{wrong}, RequireSigs: true})
	if ok, _ := c.Has(out); ok {
		t.Fatal("path with an untrusted signature accepted")
	}
	if err := c.Fetch(out); err == nil || !strings.Contains(err.Error(), "lacks a signature by a trusted key") {
		t.Fatalf("fetch with untrusted key: %v", err)
	}
	// A corrupted NAR is rejected and nothing registered.
	noSig, _ := Open("file://"+cache, dst, Options{})
	ni, _ := noSig.NarInfo(dep)
	os.WriteFile(filepath.Join(cache, ni.URL), []byte("garbage"), 0o644)
	if err := noSig.Fetch(dep); err == nil {
		t.Fatal("corrupt NAR accepted")
	}
	if ok, _ := dst.IsValid(dep); ok {
		t.Fatal("corrupt NAR registered")
	}
}

// TestSubstituteFromNixCache substitutes from a cache written and signed
// by real Nix (nix copy --to file://, nix store sign), over file:// and
// HTTP, and checks that Nix reads a cache gonix wrote.
func TestSubstituteFromNixCache(t *testing.T) {
	if _, err := exec.LookPath("nix"); err != nil {
		t.Skip("nix not installed")
	}
	dir := t.TempDir()
	nixRoot := filepath.Join(dir, "nixroot")
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	os.WriteFile(filepath.Join(dir, "f.txt"), []byte("hello from nix\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "tree", "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "tree", "sub", "x"), []byte("x"), 0o755)
	os.Symlink("sub/x", filepath.Join(dir, "tree", "link"))
	var paths []string
	for _, f := range []string{"f.txt", "tree"} {
		out := run("nix-store", "--store", "local?root="+nixRoot, "--add", f)
		paths = append(paths, out[strings.LastIndex(out, "\n")+1:])
	}
	run("nix-store", "--generate-binary-cache-key", "nix-test-1", "sec.key", "pub.key")
	pubText, _ := os.ReadFile(filepath.Join(dir, "pub.key"))
	pk, err := ParsePublicKey(string(pubText))
	if err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	nixCmd := []string{"--extra-experimental-features", "nix-command"}
	run("nix", append(nixCmd, append([]string{"copy", "--from", "local?root=" + nixRoot, "--to", "file://" + cache}, paths...)...)...)
	run("nix", append(nixCmd, append([]string{"store", "sign", "--store", "file://" + cache, "-k", "sec.key"}, paths...)...)...)
	srv := httptest.NewServer(http.FileServer(http.Dir(cache)))
	defer srv.Close()
	for _, u := range []string{"file://" + cache, srv.URL} {
		st := openStore(t)
		c, err := Open(u, st, Options{TrustedKeys: []PublicKey{pk}, RequireSigs: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			if ok, err := c.Has(p); !ok || err != nil {
				t.Fatalf("%s: cache lacks %s: %v", u, p, err)
			}
			if err := c.Fetch(p); err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			info, err := st.QueryPathInfo(p)
			if err != nil || info.CA.IsZero() {
				t.Fatalf("%s: %+v %v", u, info, err)
			}
		}
		var log strings.Builder
		if bad, err := st.Verify(store.VerifyOptions{CheckContents: true, Log: &log}); err != nil || bad {
			t.Fatalf("%s: verify: %v %s", u, err, log.String())
		}
	}
	// Nix substitutes from a cache gonix wrote.
	src := openStore(t)
	if _, err := sandbox.Probe(); err == nil {
		_, out, _ := buildWithRefs(t, src)
		sk, err := ReadSecretKeyFile(filepath.Join(dir, "sec.key"))
		if err != nil {
			t.Fatal(err)
		}
		gcache := filepath.Join(dir, "gcache")
		if _, err := Copy(src, []string{out}, gcache, CopyOptions{Key: &sk}); err != nil {
			t.Fatal(err)
		}
		nixRoot2 := filepath.Join(dir, "nixroot2")
		run("nix", append(nixCmd, "copy", "--from", "file://"+gcache, "--to", "local?root="+nixRoot2,
			"--option", "trusted-public-keys", strings.TrimSpace(string(pubText)), out)...)
		run("nix-store", "--store", "local?root="+nixRoot2, "--verify-path", out)
	}
}
