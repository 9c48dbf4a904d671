package flake

import (
	"testing"
)

// FuzzParseRef: parsing any string gives a reference or an error, never
// a panic; a parsed reference prints and parses back to the same
// attributes (file+ URLs excepted, as in Nix).
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"github:NixOS/nixpkgs/23.05?dir=lib", "nixpkgs/branch#hello", "/foo/bar?rev=x#y",
		"git+https://e.org/r?ref=main&rev=0123456789012345678901234567890123456789", "https://e.org/x.tar.gz?narHash=sha256-AA",
		"path:/a%20b", "flake:x/y/z", "sourcehut:~u/r", "git+ssh://git@h:22/r", "tarball+http://[::1]:8/x", "%", "a:b#%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, _, err := ParseRefWithFragment(s, ParseOptions{AllowMissing: true})
		if err != nil {
			return
		}
		out := r.String()
		if r.Input.Type() == "file" {
			return
		}
		r2, _, err := ParseRefWithFragment(out, ParseOptions{AllowMissing: true})
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, out, err)
		}
		if r2.String() != out {
			t.Fatalf("%q: %q reprints as %q", s, out, r2.String())
		}
	})
}

// FuzzParseLockFile: lock files that parse render to JSON that parses
// to the same lock file.
func FuzzParseLockFile(f *testing.F) {
	f.Add([]byte(richLock))
	f.Add([]byte(`{"version":7,"root":"r","nodes":{"r":{"inputs":{"a":["b","c"]}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lf, err := ParseLockFile(data, "fuzz.lock", nil)
		if err != nil {
			return
		}
		text := lf.String()
		lf2, err := ParseLockFile([]byte(text), "again.lock", nil)
		if err != nil {
			t.Fatalf("rendered lock does not parse: %v\n%s", err, text)
		}
		if lf2.String() != text {
			t.Fatalf("lock does not round trip:\n%s\n%s", text, lf2.String())
		}
		lf.Check()
		lf.AllInputs()
		lf.Unlocked()
	})
}
