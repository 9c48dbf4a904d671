package flake

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func attrsString(a Attrs) string { return a.JSON().Compact() }

func TestParseRefCases(t *testing.T) {
	rev := "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"
	cases := []struct {
		in, attrs, out, frag string
	}{
		{"/foo/bar", `{"path":"/foo/bar","type":"path"}`, "path:/foo/bar", ""},
		{"/foo/bar?revCount=123&rev=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", `{"path":"/foo/bar","rev":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","revCount":123,"type":"path"}`,
			"path:/foo/bar?rev=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&revCount=123", ""},
		{"/foo/bar?revCount=123#bla", "", "path:/foo/bar?revCount=123", "bla"},
		{"/foo bar/baz?dir=bla space", `{"dir":"bla space","path":"/foo bar/baz","type":"path"}`, "path:/foo%20bar/baz?dir=bla%20space", ""},
		{"github:foo/bar/branch%23", "", "github:foo/bar/branch%23", ""},
		{"github:foo/bar?ref=branch%23", "", "github:foo/bar/branch%23", ""},
		{`github:foo/bar?ref=branch#"name.with.dot"`, "", "github:foo/bar/branch", `"name.with.dot"`},
		{`github:foo/bar#"name.with.dot"`, "", "github:foo/bar", `"name.with.dot"`},
		{"github:NixOS/nixpkgs/23.05?dir=lib", `{"dir":"lib","owner":"NixOS","ref":"23.05","repo":"nixpkgs","type":"github"}`, "github:NixOS/nixpkgs/23.05?dir=lib", ""},
		{"github:NixOS/nixpkgs/" + rev, `{"owner":"NixOS","repo":"nixpkgs","rev":"` + rev + `","type":"github"}`, "github:NixOS/nixpkgs/" + rev, ""},
		{"github:o/r/feature/x", `{"owner":"o","ref":"feature/x","repo":"r","type":"github"}`, "github:o/r/feature%2Fx", ""},
		{"github:o/r?host=git.example.org", `{"host":"git.example.org","owner":"o","repo":"r","type":"github"}`, "github:o/r?host=git.example.org", ""},
		{"flake:nixpkgs", `{"id":"nixpkgs","type":"indirect"}`, "flake:nixpkgs", ""},
		{"flake:nixpkgs/branch", `{"id":"nixpkgs","ref":"branch","type":"indirect"}`, "flake:nixpkgs/branch", ""},
		{"nixpkgs/branch", `{"id":"nixpkgs","ref":"branch","type":"indirect"}`, "flake:nixpkgs/branch", ""},
		{"nixpkgs/branch/" + rev, `{"id":"nixpkgs","ref":"branch","rev":"` + rev + `","type":"indirect"}`, "flake:nixpkgs/branch/" + rev, ""},
		{"nixpkgs/branch////", `{"id":"nixpkgs","ref":"branch","type":"indirect"}`, "flake:nixpkgs/branch", ""},
		{"nixpkgs/branch///" + rev + "///", `{"id":"nixpkgs","ref":"branch","rev":"` + rev + `","type":"indirect"}`, "flake:nixpkgs/branch/" + rev, ""},
		{"nixpkgs#hello", `{"id":"nixpkgs","type":"indirect"}`, "flake:nixpkgs", "hello"},
		{"nixpkgs/" + rev, `{"id":"nixpkgs","rev":"` + rev + `","type":"indirect"}`, "flake:nixpkgs/" + rev, ""},
		{"git://somewhere/repo?ref=branch", `{"ref":"branch","type":"git","url":"git://somewhere/repo"}`, "git://somewhere/repo?ref=branch", ""},
		{"git+https://somewhere.aaaaaaa/repo?ref=branch", `{"ref":"branch","type":"git","url":"https://somewhere.aaaaaaa/repo"}`, "git+https://somewhere.aaaaaaa/repo?ref=branch", ""},
		{"git+https://example.org/r?dir=sub&rev=" + rev, `{"dir":"sub","rev":"` + rev + `","type":"git","url":"https://example.org/r"}`, "git+https://example.org/r?dir=sub&rev=" + rev, ""},
		{"git+ssh://git@example.org/r.git?submodules=1", `{"submodules":true,"type":"git","url":"ssh://git@example.org/r.git"}`, "git+ssh://git@example.org/r.git?submodules=1", ""},
		{"git+file:///tmp/repo", `{"type":"git","url":"file:///tmp/repo"}`, "git+file:///tmp/repo", ""},
		{"flake:/nixpkgs///branch////", `{"id":"nixpkgs","ref":"branch","type":"indirect"}`, "flake:nixpkgs/branch", ""},
		{"github://////owner%42/////repo%41///branch%43////", `{"owner":"ownerB","ref":"branchC","repo":"repoA","type":"github"}`, "github:ownerB/repoA/branchC", ""},
		{"gitlab:/owner%252Fsubgroup/////repo%41///branch%43////", `{"owner":"owner%2Fsubgroup","ref":"branchC","repo":"repoA","type":"gitlab"}`, "gitlab:owner%252Fsubgroup/repoA/branchC", ""},
		{"sourcehut:~user/repo", `{"owner":"~user","repo":"repo","type":"sourcehut"}`, "sourcehut:~user/repo", ""},
		{"http://localhost:8181/test/+3d.tar.gz", `{"type":"tarball","url":"http://localhost:8181/test/%2B3d.tar.gz"}`, "http://localhost:8181/test/%2B3d.tar.gz", ""},
		{"https://example.org/x.tar.gz?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D", `{"narHash":"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","type":"tarball","url":"https://example.org/x.tar.gz"}`,
			"https://example.org/x.tar.gz?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D", ""},
		{"https://example.org/archive", `{"type":"tarball","url":"https://example.org/archive"}`, "https://example.org/archive", ""},
		{"tarball+https://example.org/archive", `{"type":"tarball","url":"https://example.org/archive"}`, "https://example.org/archive", ""},
		{"file+https://example.org/data.txt", `{"type":"file","url":"https://example.org/data.txt"}`, "https://example.org/data.txt", ""},
		{"path:/a/b?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=&lastModified=5", `{"lastModified":5,"narHash":"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","path":"/a/b","type":"path"}`,
			"path:/a/b?lastModified=5&narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D", ""},
	}
	for _, c := range cases {
		r, frag, err := ParseRefWithFragment(c.in, ParseOptions{AllowMissing: true})
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if c.attrs != "" {
			if got := attrsString(r.Attrs()); got != c.attrs {
				t.Errorf("%s: attrs\n got %s\nwant %s", c.in, got, c.attrs)
			}
		}
		if got := r.String(); got != c.out {
			t.Errorf("%s: string %q, want %q", c.in, got, c.out)
		}
		if frag != c.frag {
			t.Errorf("%s: fragment %q, want %q", c.in, frag, c.frag)
		}
		// Round trip: the printed form parses to the same attributes
		// (file+ URLs print without their prefix, as in Nix).
		if strings.HasPrefix(c.in, "file+") {
			continue
		}
		r2, _, err := ParseRefWithFragment(r.String(), ParseOptions{AllowMissing: true})
		if err != nil {
			t.Errorf("%s: reparse %s: %v", c.in, r.String(), err)
			continue
		}
		if !r2.Equal(r) {
			t.Errorf("%s: round trip %s != %s", c.in, attrsString(r2.Attrs()), attrsString(r.Attrs()))
		}
		// And the attribute form converts back.
		r3, err := RefFromAttrs(r.Attrs())
		if err != nil || r3.String() != r.String() {
			t.Errorf("%s: from attrs: %v %s", c.in, err, r3.String())
		}
	}
}

func TestParseRefErrors(t *testing.T) {
	cases := []struct{ in, err string }{
		{"/foo/bar?xyzzy=123", "has unsupported parameter 'xyzzy'"},
		{"/foo/bar#bla", "unexpected fragment 'bla'"},
		{"github:nixos/nixpkgs/nixpkgs.git?ref=aead170c1a49253ebfa5027010dfd89a77b73ca4", "not an absolute path"},
		{"github:foo", "not an absolute path"},
		{"./relative/path", "not an absolute path"},
		{"relative/path?x=1", "not an absolute path"},
		{"foo+git://x/y", "is unsupported"},
		{"file+git:///x/y", "did you mean 'git+file'"},
		{"github:o/r?foo=1", "not an absolute path"},
		{"github:o/r/" + strings.Repeat("a", 40) + "?ref=main", "not an absolute path"},
		{"git+https://example.org/r?ref=a..b", "not an absolute path"},
		{"path:/x?revCount=abc", "has invalid parameter 'revCount'"},
	}
	for _, c := range cases {
		_, err := ParseRef(c.in, ParseOptions{AllowMissing: true})
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want containing %q", c.in, err, c.err)
		}
	}
	if _, err := RefFromAttrs(Attrs{"type": Str("github"), "owner": Str("o"), "repo": Str("r"), "bogus": Str("x")}); err == nil ||
		!strings.Contains(err.Error(), "input attribute 'bogus' not supported by scheme 'github'") {
		t.Errorf("bogus attribute: %v", err)
	}
	if _, err := RefFromAttrs(Attrs{"owner": Str("o")}); err == nil || !strings.Contains(err.Error(), "'type' attribute") {
		t.Errorf("missing type: %v", err)
	}
}

func TestParsePathRefWithBaseDir(t *testing.T) {
	d := t.TempDir()
	d, _ = filepath.EvalSymlinks(d)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(d, "plain", "sub"), 0o755))
	must(os.WriteFile(filepath.Join(d, "plain", "flake.nix"), []byte("{ outputs = _: {}; }"), 0o644))
	r, err := ParseRef(".", ParseOptions{BaseDir: filepath.Join(d, "plain", "sub")})
	must(err)
	if got, want := r.String(), "path:"+filepath.Join(d, "plain"); got != want {
		t.Errorf("search up: %s, want %s", got, want)
	}
	r, err = ParseRef("./flake.nix", ParseOptions{BaseDir: filepath.Join(d, "plain"), Warn: func(string) {}})
	must(err)
	if got, want := r.String(), "path:"+filepath.Join(d, "plain"); got != want {
		t.Errorf("flake.nix file: %s, want %s", got, want)
	}
	// A flake in a subdirectory of a git work tree becomes git+file with dir.
	must(os.MkdirAll(filepath.Join(d, "repo", ".git"), 0o755))
	must(os.MkdirAll(filepath.Join(d, "repo", "nested", "fl"), 0o755))
	must(os.WriteFile(filepath.Join(d, "repo", "nested", "fl", "flake.nix"), []byte("{}"), 0o644))
	r, err = ParseRef("./nested/fl", ParseOptions{BaseDir: filepath.Join(d, "repo")})
	must(err)
	if got, want := r.String(), "git+file://"+filepath.Join(d, "repo")+"?dir=nested/fl"; got != want {
		t.Errorf("git subdir: %s, want %s", got, want)
	}
	if _, err := ParseRef(".", ParseOptions{BaseDir: filepath.Join(d, "repo")}); err == nil || !strings.Contains(err.Error(), "is not part of a flake") {
		t.Errorf("no flake in git repo: %v", err)
	}
	r, err = ParseRef("path:sub", ParseOptions{BaseDir: filepath.Join(d, "plain"), AllowMissing: true})
	must(err)
	if got, want := r.String(), "path:"+filepath.Join(d, "plain", "sub"); got != want {
		t.Errorf("relative path: URL %s, want %s", got, want)
	}
	r, err = ParseRef("path:./sub", ParseOptions{PreserveRelative: true})
	must(err)
	if p, ok := r.Input.IsRelative(); !ok || p != "./sub" {
		t.Errorf("relative input: %q %v", p, ok)
	}
}

func TestSplitOutputsSpec(t *testing.T) {
	for _, c := range []struct{ in, ref, spec string }{
		{"nixpkgs#hello", "nixpkgs#hello", "default"},
		{"nixpkgs#hello^out,dev", "nixpkgs#hello", "out,dev"},
		{".#x^*", ".#x", "*"},
		{"a^b c", "a^b c", "default"},
	} {
		ref, spec := SplitOutputsSpec(c.in)
		got := strings.Join(spec.Names, ",")
		if spec.All {
			got = "*"
		} else if spec.Default {
			got = "default"
		}
		if ref != c.ref || got != c.spec {
			t.Errorf("%s: %s %s", c.in, ref, got)
		}
	}
}
