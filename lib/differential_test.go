package lib

import (
	"bytes"
	"testing"
)

// TestEvaluatorsAgree evaluates derivation paths and attributes of
// packages built on the library with every available evaluator (real
// Nix and gonix) and requires the same results: the same .drv and output
// paths means gonix instantiates the library exactly like Nix.
func TestEvaluatorsAgree(t *testing.T) {
	evs := evaluators(t)
	if len(evs) < 2 {
		t.Skip("needs two evaluators: nix-instantiate and $GONIX")
	}
	trackFiles(t, "testdata", "../examples/hello")
	fixture := "nixpkgs=" + absPath(t, fixtureDir)
	exprs := map[string]string{
		"stdenv":   `(import <gonix> { }).stdenv.outPath`,
		"hello":    `let p = import ` + nixString(absPath(t, helloDir)) + ` { }; in { inherit (p) drvPath outPath name; src = p.src.outPath; }`,
		"builds":   `builtins.mapAttrs (_: p: p.drvPath) (import ` + nixString(absPath(t, "testdata/builds")) + ` { })`,
		"failing":  `builtins.mapAttrs (_: p: p.drvPath) (import ` + nixString(absPath(t, "testdata/builds/failing.nix")) + ` { })`,
		"overlays": `let p = import <gonix> { overlays = [ (final: prev: { x = final.writeText "x" "y"; }) ]; }; in p.x.drvPath`,
		"fixture": `let np = import <nixpkgs> { overlays = [ (import <nixpkgs/overlays/patch-hello.nix>) ]; }; in
			{ hello = np.hello.drvPath; greeter = np.greeter.drvPath; stdenv = np.stdenv.drvPath; src = np.hello.src.drvPath;
			  example = (import ` + nixString(absPath(t, helloDir)) + ` { pkgs = np; }).drvPath; }`,
		"shell": `(import ` + nixString(absPath(t, helloDir+"/shell.nix")) + ` { }).drvPath`,
	}
	for name, expr := range exprs {
		t.Run(name, func(t *testing.T) {
			var first []byte
			for i, ev := range evs {
				out, err := ev.eval(expr, fixture)
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = out
					continue
				}
				if !bytes.Equal(bytes.TrimSpace(out), bytes.TrimSpace(first)) {
					t.Errorf("%s and %s differ:\n%s: %s\n%s: %s", evs[0].name, ev.name, evs[0].name, first, ev.name, out)
				}
			}
		})
	}
}
