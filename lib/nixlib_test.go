package lib

import "testing"

// TestLibFunctions evaluates the library's unit tests
// (testdata/lib-tests.nix: trivial, strings, lists) with every available
// evaluator.
func TestLibFunctions(t *testing.T) {
	runNixTestFile(t, "testdata/lib-tests.nix")
}

// TestLibAttrsets: the unit tests of attrsets, fixed points, generators
// and the rest (testdata/lib-tests-attrs.nix).
func TestLibAttrsets(t *testing.T) {
	runNixTestFile(t, "testdata/lib-tests-attrs.nix")
}

// TestOverrides checks override, overrideAttrs (all three forms and the
// finalAttrs fixed point), callPackage, scopes, overlays and mkShell
// (testdata/override-tests.nix).
func TestOverrides(t *testing.T) {
	runNixTestFile(t, "testdata/override-tests.nix")
}

// TestHarnessCatchesWrongExpectations makes sure the harness can fail:
// every case of testdata/selftest.nix is wrong on purpose.
func TestHarnessCatchesWrongExpectations(t *testing.T) {
	for _, ev := range evaluators(t) {
		t.Run(ev.name, func(t *testing.T) {
			results, err := evalCases(ev, absPath(t, "testdata/selftest.nix"))
			if err != nil {
				t.Fatal(err)
			}
			if len(results) == 0 {
				t.Fatal("no self-test cases")
			}
			for name, r := range results {
				if caseOK(r) {
					t.Errorf("%s: a wrong expectation passed", name)
				}
			}
		})
	}
}

// TestErrorMessages checks the wording of errors users see.
func TestErrorMessages(t *testing.T) {
	runErrorCases(t, []errorCase{
		{
			name: "callPackageMissingArgument",
			expr: `pkgs.callPackage ({ stdenv, notAPackage }: stdenv.mkDerivation { name = "x"; }) { }`,
			want: []string{`Function called without required argument "notAPackage"`},
		},
		{
			name: "callPackageMissingArgumentInFile",
			expr: `pkgs.callPackage ` + "./testdata/missing-arg.nix" + ` { }`,
			want: []string{`Function called without required argument "missingDependency"`, "missing-arg.nix:"},
		},
		{
			name: "lastOfEmptyList",
			expr: `lib.last [ ]`,
			want: []string{"lists.last: list must not be empty!"},
		},
		{
			name: "throwIf",
			expr: `lib.throwIf true "the reason" 1`,
			want: []string{"the reason"},
		},
		{
			name: "broken",
			expr: `(pkgs.stdenv.mkDerivation { name = "bad"; meta.broken = true; }).drvPath`,
			want: []string{"Package ‘bad’", "is marked as broken", "allowBroken"},
		},
		{
			name: "envClash",
			expr: `(pkgs.stdenv.mkDerivation { name = "e"; FOO = "a"; env.FOO = "b"; }).drvPath`,
			want: []string{"env.FOO is also set as an attribute"},
		},
		{
			name: "structuredAttrs",
			expr: `(pkgs.stdenv.mkDerivation { name = "s"; __structuredAttrs = true; }).drvPath`,
			want: []string{"__structuredAttrs is not supported"},
		},
		{
			name: "noName",
			expr: `(pkgs.stdenv.mkDerivation { version = "1"; }).name`,
			want: []string{"set either name or pname"},
		},
		{
			name: "badInputs",
			expr: `(pkgs.stdenv.mkDerivation { name = "x"; buildInputs = "notalist"; }).drvPath`,
			want: []string{"buildInputs must be a list"},
		},
		{
			name: "cross",
			expr: `(import <gonix> { crossSystem = "aarch64-linux"; system = "x86_64-linux"; }).stdenv`,
			want: []string{"cross compilation"},
		},
		{
			name: "writeTextFileDestination",
			expr: `(pkgs.writeTextFile { name = "x"; text = ""; destination = "bin/x"; }).drvPath`,
			want: []string{"destination must be empty or start with a slash"},
		},
	})
}
