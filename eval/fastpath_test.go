package eval_test

import (
	"strings"
	"testing"

	"github.com/gonix/gonix/eval"
)

// TestFastPathsKeepLaziness checks that values computed early (integer
// arithmetic, short interpolated strings) still look unevaluated until
// they are forced, as Nix prints them.
func TestFastPathsKeepLaziness(t *testing.T) {
	cases := []struct{ src, want string }{
		{`{ a = 1 + 1; b = "x${toString 2}"; c = 3 - 1; d = 2 * 3; e = 7 / 2; f = 1 < 2; }`,
			`{ a = <CODE>; b = <CODE>; c = <CODE>; d = <CODE>; e = <CODE>; f = <CODE>; }`},
		{`let f = x: [ x ]; in f (1 + 1)`, `[ <CODE> ]`},
		{`let n = 5; f = x: [ x ]; in f (n - 1)`, `[ <CODE> ]`},
		{`let x = 1 + 1; in [ x (x + 0) ]`, `[ <CODE> <CODE> ]`},
		// Integer arguments passed early to a plain parameter.
		{`let f = x: [ x x ]; in f (1 + 1)`, `[ <CODE> <CODE> ]`},
		{`let f = x: let y = x; in [ y ]; in f (2 + 3)`, `[ <CODE> ]`},
		{`let f = x: y: [ x ]; g = f (1 + 1); in g 0`, `[ <CODE> ]`},
		{`let f = x: if x > 0 then [ x ] else [ ]; in f (1 + 1)`, `[ 2 ]`},
		{`let f = x: { a = x; b = x + 1; }; in f (3 - 1)`, `{ a = <CODE>; b = <CODE>; }`},
		{`let f = x: y: z: [ x y z ]; in f (1 + 1) (2 + 2) (3 + 3)`, `[ <CODE> <CODE> <CODE> ]`},
		{`let f = x: y: builtins.add; in [ (f (1 + 1) (2 + 2) (3 + 3) 1) ]`, `[ <CODE> ]`},
		{`let f = x: { y }: [ x y ]; in f (1 + 1) { y = 2 + 2; }`, `[ <CODE> <CODE> ]`},
	}
	for _, c := range cases {
		st := newState(t, eval.Options{})
		v, err := st.EvalString(c.src, "«string»", "/tmp")
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		var b strings.Builder
		if err := st.Run(func() { st.WriteAmbiguous(&b, v, nil) }); err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if b.String() != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.src, b.String(), c.want)
		}
	}
}

// TestFastPathsValues checks results and errors where the fast paths
// must give way to the builtins.
func TestFastPathsValues(t *testing.T) {
	cases := []struct{ src, want string }{
		{`let f = x: x; in f (9223372036854775806 + 1)`, `9223372036854775807`},
		{`let f = n: if n < 2 then n else f (n - 1) + f (n - 2); in f 20`, `6765`},
		{`let a = 5; b = 2; in [ (a - b) (a * b) (a / b) (a < b) (b < a) (a == 5) (a != 5) (-a) (- a - 1) ]`,
			`[ 3 10 2 false true true false -5 -6 ]`},
		{`let i = 42; s = "n${toString i}"; in [ s "${s}!" (toString i + "x") ]`, `[ "n42" "n42!" "42x" ]`},
		{`let x = 2.5; in [ (x - 1) (x * 2) (x < 3) ("${toString 1}" + "") ]`, `[ 1.5 5 true "1" ]`},
		{`builtins.foldl' (acc: x: acc ++ [ (y: x + y) ]) [ ] [ 1 2 3 ]`, `[ <LAMBDA> <LAMBDA> <LAMBDA> ]`},
		{`map (f: f 10) (builtins.foldl' (acc: x: acc ++ [ (y: x + y) ]) [ ] [ 1 2 3 ])`, `[ 11 12 13 ]`},
		{`let f = x: { g = y: x + y; }; in (f 1).g 2 + (f 10).g 20`, `33`},
		{`let mk = x: let y = x * 2; in z: y + z; fs = map mk [ 1 2 3 ]; in map (f: f 1) fs`, `[ 3 5 7 ]`},
		{`let a = with { x = 1; }; y: x + y; in a 2`, `3`},
		{`builtins.genList (i: rec { v = i; w = v + 1; }) 3`, `[ { v = 0; w = 1; } { v = 1; w = 2; } { v = 2; w = 3; } ]`},
		{`builtins.listToAttrs (builtins.genList (i: { name = "a${toString i}"; value = i; }) 3)`, `{ a0 = 0; a1 = 1; a2 = 2; }`},
		{`let l = builtins.genList (x: x * x) 5; in [ (builtins.elemAt l 4) (map (x: x + 1) l) ]`, `[ 16 [ 1 2 5 10 17 ] ]`},
		{`let f = x: [ x (builtins.typeOf x) (x + 1000) ]; in f (300 * 2)`, `[ 600 "int" 1600 ]`},
		{`let f = x: y: x; g = f (1000 + 1); in [ (g 0) (g 1) ]`, `[ 1001 1001 ]`},
		{`let go = i: acc: if i == 0 then acc else go (i - 1) (acc + i); in go 1000 0`, `500500`},
		{`let f = x: x; in [ (f (1 + 1)) (f (9223372036854775807 - 1)) (f (2 * 3)) ]`, `[ 2 9223372036854775806 6 ]`},
		{`let f = x: builtins.seq x (x == 7); in f (3 + 4)`, `true`},
		{`let f = x: y: builtins.add; in f (1 + 1) (2 + 2) (3 + 3) 1`, `7`},
		{`let f = a: b: c: d: e: f: g: h: i: j: a + b * c - d + e + f + g + h + i + j; in f (0 + 1) (1 + 1) (1 + 2) (2 + 2) (2 + 3) (3 + 3) (3 + 4) (4 + 4) (4 + 5) (5 + 5)`, `48`},
		{`let f = x: { y }: x + y; in f (1 + 1) { y = 2 + 2; }`, `6`},
	}
	for _, c := range cases {
		st := newState(t, eval.Options{})
		got, err := evalStrict(t, st, c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.src, got, c.want)
		}
	}
	errs := []struct{ src, want string }{
		{`let f = x: x; in f (9223372036854775807 + 1)`, "integer overflow in adding 9223372036854775807 + 1"},
		{`let a = -9223372036854775807; in a - 2`, "integer overflow in subtracting"},
		{`let a = 4611686018427387904; in a * 2`, "integer overflow in multiplying"},
		{`let a = 1; in a / 0`, "division by zero"},
		{`let a = 1; in a < "x"`, "cannot compare"},
	}
	for _, c := range errs {
		st := newState(t, eval.Options{})
		_, err := evalStrict(t, st, c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want %q", c.src, err, c.want)
		}
	}
}
