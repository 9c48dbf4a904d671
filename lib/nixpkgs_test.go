package lib

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The nixpkgs-shaped fixture (testdata/nixpkgs-shaped) stands in for
// nixpkgs, which cannot be fetched here: same entry point and layout,
// bootstrap stages, a stdenv that is a derivation, overlays, config,
// <nix/fetchurl.nix>. See docs/nixpkgs-plan.md.

const fixtureDir = "testdata/nixpkgs-shaped"

// TestNixpkgsShapedEval evaluates the fixture as <nixpkgs>.
func TestNixpkgsShapedEval(t *testing.T) {
	runNixTestFile(t, "testdata/nixpkgs-shaped-tests.nix", "nixpkgs="+absPath(t, fixtureDir))
}

// TestNixpkgsShapedBuild builds the fixture's packages (fetching the
// hello tarball over HTTP from a local server), with an overlay, and the
// gonix example on the fixture's stdenv.
func TestNixpkgsShapedBuild(t *testing.T) {
	builders := getBuilders(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(absPath(t, fixtureDir+"/sources"))))
	defer srv.Close()
	attrs := []string{"hello", "hello-runner", "greeter", "shell", "example"}
	for _, b := range builders {
		t.Run(b.name, func(t *testing.T) {
			out := b.buildAll(t, "testdata/nixpkgs-shaped-builds.nix", attrs,
				"-I", "nixpkgs="+absPath(t, fixtureDir), "--argstr", "mirror", srv.URL)
			if !strings.HasSuffix(out["hello"], "-hello-patched-2.12") {
				t.Errorf("hello = %s, want the overlay's hello-patched", out["hello"])
			}
			if got := b.readOut(t, out["hello-runner"], ""); got != "Hello from the overlay!\n" {
				t.Errorf("hello-runner = %q", got)
			}
			if got := b.readOut(t, out["greeter"], "output"); got != "greeter says: greetings from libgreet\n" {
				t.Errorf("greeter = %q", got)
			}
			b.readOut(t, out["example"], "bin/hello")
		})
	}
}
