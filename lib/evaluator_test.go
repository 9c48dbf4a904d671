package lib

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// The tests evaluate Nix with every evaluator available: real Nix
// (nix-instantiate) when it is on PATH, and gonix's own evaluator when
// $GONIX names a gonix binary. Each evaluator runs the same tables.

// libDir is a materialised copy of the library shared by the tests; set
// up by TestMain.
var libDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gonix-lib-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	libDir = filepath.Join(dir, "lib")
	if err := Materialize(libDir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	closeBuilders()
	removeAll(dir)
	os.Exit(code)
}

// removeAll removes a tree whose directories may be read-only (store
// paths are).
func removeAll(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	_ = os.RemoveAll(dir)
}

// trackFiles reads the files under the given paths so that go test's
// result cache knows about them (they are read by Nix, in another
// process, which the cache cannot see).
func trackFiles(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		err := filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				_, err = os.ReadFile(q)
			}
			return err
		})
		if err != nil {
			t.Fatalf("test data: %v", err)
		}
	}
}

// evaluator evaluates a Nix expression strictly and prints it as JSON.
type evaluator struct {
	name string
	// command is the argv evaluating expr with the given -I entries.
	command func(expr string, searchPath []string) []string
}

// evaluators returns the evaluators present on this machine, skipping the
// test when there is none.
func evaluators(t *testing.T) []evaluator {
	t.Helper()
	var evs []evaluator
	if _, err := exec.LookPath("nix-instantiate"); err == nil {
		evs = append(evs, evaluator{
			name: "nix",
			command: func(expr string, searchPath []string) []string {
				argv := []string{"nix-instantiate", "--eval", "--strict", "--json", "--readonly-mode"}
				for _, e := range searchPath {
					argv = append(argv, "-I", e)
				}
				return append(argv, "--expr", expr)
			},
		})
	}
	if g := os.Getenv("GONIX"); g != "" {
		evs = append(evs, evaluator{
			name: "gonix",
			command: func(expr string, searchPath []string) []string {
				argv := []string{g, "eval", "--strict", "--json"}
				for _, e := range searchPath {
					argv = append(argv, "-I", e)
				}
				return append(argv, "--expr", expr)
			},
		})
	}
	if len(evs) == 0 {
		t.Skip("no Nix evaluator: nix-instantiate is not on PATH and $GONIX is not set")
	}
	return evs
}

// eval runs expr with <gonix> resolving to the test library; it returns
// stdout, or an error carrying stderr.
func (e evaluator) eval(expr string, extraSearchPath ...string) ([]byte, error) {
	sp := append([]string{SearchPathEntry(libDir)}, extraSearchPath...)
	argv := e.command(expr, sp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "NIX_PATH=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w\n%s", e.name, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// decodeJSON decodes keeping numbers as written, so 1 and 1.0 differ.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// nixString quotes s as a Nix string literal.
func nixString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", `\${`, "\n", `\n`, "\t", `\t`, "\r", `\r`)
	return `"` + r.Replace(s) + `"`
}

// caseResult is the outcome of one case of a Nix test file.
type caseResult struct {
	// Ok: expr evaluated (deeply) without a catchable error.
	Ok bool `json:"ok"`
	// Got and Want: the values of expr and expected.
	Got  json.RawMessage `json:"got"`
	Want json.RawMessage `json:"want"`
	// GotShape and WantShape: the types inside both values.
	GotShape  json.RawMessage `json:"gotShape"`
	WantShape json.RawMessage `json:"wantShape"`
	// ExpectThrow: the case expects expr to throw (expectThrow = true).
	ExpectThrow bool `json:"expectThrow"`
}

// nixTestHarness evaluates the cases of a test file: an attribute set
// { NAME = { expr = ...; expected = ...; } or { expr = ...; expectThrow = true; }; }
// returned by a function of { lib, pkgs }.
func nixTestHarness(file string, names []string) string {
	selection := "tests"
	if names != nil {
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = nixString(n)
		}
		selection = "lib.getAttrs [ " + strings.Join(quoted, " ") + " ] tests"
	}
	return `let
  lib = import <gonix/lib>;
  pkgs = import <gonix> { };
  tests = import ` + nixString(file) + ` { inherit lib pkgs; };
  # The types inside a value (JSON prints 1 and 1.0 alike).
  shape = v:
    if builtins.isList v then map shape v
    else if builtins.isAttrs v then (if v ? outPath then "string-like" else builtins.mapAttrs (_: shape) v)
    else if builtins.isString v then "string-like"
    else builtins.typeOf v;
  run = name: t:
    let r = builtins.tryEval (builtins.deepSeq t.expr t.expr);
    in {
      ok = r.success;
      got = if r.success then r.value else null;
      want = t.expected or null;
      gotShape = if r.success then shape r.value else null;
      wantShape = shape (t.expected or null);
      expectThrow = t.expectThrow or false;
    };
in builtins.mapAttrs run (` + selection + `)`
}

// runNixTestFile runs every case of a Nix test file with every evaluator,
// one subtest per evaluator and case.
func runNixTestFile(t *testing.T, file string, searchPath ...string) {
	t.Helper()
	trackFiles(t, "testdata", "../examples/hello")
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evaluators(t) {
		t.Run(ev.name, func(t *testing.T) {
			results, err := evalCases(ev, abs, searchPath...)
			if err != nil {
				t.Fatal(err)
			}
			names := make([]string, 0, len(results))
			for n := range results {
				names = append(names, n)
			}
			sort.Strings(names)
			if len(names) == 0 {
				t.Fatalf("%s has no test cases", file)
			}
			for _, name := range names {
				r := results[name]
				t.Run(name, func(t *testing.T) { checkCase(t, r) })
			}
		})
	}
}

// evalCases evaluates all cases at once; when that fails (an error
// tryEval cannot catch), each case alone, so the failure is reported on
// the case that caused it.
func evalCases(ev evaluator, file string, searchPath ...string) (map[string]result, error) {
	out, err := ev.eval(nixTestHarness(file, nil), searchPath...)
	if err == nil {
		var raw map[string]caseResult
		if err := json.Unmarshal(out, &raw); err != nil {
			return nil, fmt.Errorf("%s: bad JSON from the harness: %w", ev.name, err)
		}
		res := map[string]result{}
		for n, r := range raw {
			res[n] = result{caseResult: r}
		}
		return res, nil
	}
	namesOut, nerr := ev.eval(`builtins.attrNames (import `+nixString(file)+` { lib = import <gonix/lib>; pkgs = import <gonix> { }; })`, searchPath...)
	if nerr != nil {
		return nil, fmt.Errorf("the test file does not evaluate: %v (and all cases together: %v)", nerr, err)
	}
	var names []string
	if err := json.Unmarshal(namesOut, &names); err != nil {
		return nil, err
	}
	res := map[string]result{}
	for _, n := range names {
		out, err := ev.eval(nixTestHarness(file, []string{n}), searchPath...)
		if err != nil {
			res[n] = result{evalErr: err}
			continue
		}
		var raw map[string]caseResult
		if err := json.Unmarshal(out, &raw); err != nil {
			res[n] = result{evalErr: err}
			continue
		}
		res[n] = result{caseResult: raw[n]}
	}
	return res, nil
}

type result struct {
	caseResult
	evalErr error
}

func checkCase(t *testing.T, r result) {
	t.Helper()
	if err := caseError(r); err != nil {
		t.Error(err)
	}
}

func caseOK(r result) bool { return caseError(r) == nil }

// caseError says how a case failed, or returns nil when it passed.
func caseError(r result) error {
	if r.evalErr != nil {
		return fmt.Errorf("evaluation failed: %v", r.evalErr)
	}
	if r.ExpectThrow {
		if r.Ok {
			return fmt.Errorf("expected an error, got %s", r.Got)
		}
		return nil
	}
	if !r.Ok {
		return fmt.Errorf("expr threw (caught by tryEval); want %s", r.Want)
	}
	got, err := decodeJSON(r.Got)
	if err != nil {
		return fmt.Errorf("bad JSON %s: %v", r.Got, err)
	}
	want, err := decodeJSON(r.Want)
	if err != nil {
		return fmt.Errorf("bad JSON %s: %v", r.Want, err)
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("got  %s\nwant %s", r.Got, r.Want)
	}
	if !bytes.Equal(r.GotShape, r.WantShape) {
		return fmt.Errorf("same JSON %s but different types: got %s, want %s", r.Got, r.GotShape, r.WantShape)
	}
	return nil
}

func absPath(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// errorCase is an expression that must fail with a message containing
// every string of want.
type errorCase struct {
	name string
	expr string
	want []string
}

func runErrorCases(t *testing.T, cases []errorCase) {
	t.Helper()
	trackFiles(t, "testdata")
	for _, ev := range evaluators(t) {
		t.Run(ev.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					expr := "let lib = import <gonix/lib>; pkgs = import <gonix> { }; in " + c.expr
					out, err := ev.eval(expr)
					if err == nil {
						t.Fatalf("expected an error, got %s", out)
					}
					for _, w := range c.want {
						if !strings.Contains(err.Error(), w) {
							t.Errorf("error does not mention %q:\n%v", w, err)
						}
					}
				})
			}
		})
	}
}
