package checker

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFixesKeepMeaning evaluates expressions before and after `--fix` with
// real Nix (skipped when nix-instantiate is absent): every fix must keep
// the value.
func TestFixesKeepMeaning(t *testing.T) {
	nix, err := exec.LookPath("nix-instantiate")
	if err != nil {
		t.Skip("nix-instantiate not on PATH")
	}
	exprs := []string{
		`let x = true; in [ (x == true) (x != true) (x == false) (false != x) ]`,
		`let a = 2; b = 3; in let c = a + b; in let d = c; in d`,
		`let in (1 + 2)`,
		`let a = 1; in { a = a; b = { c = a; }; }`,
		`let s = { x = 1; y = 2; }; in { x = s.x; y = s.y; z = s.x or 3; }`,
		`let { body = x + y; x = "hello,"; y = " world!"; }`,
		`let double = x: x * 2; in map (x: double x) [ 1 2 3 ]`,
		`let f = ({ ... }: 42); g = ({ ... } @ args: args.a); in [ (f { }) (g { a = 1; }) ]`,
		`let a = { inherit; b = 1; }; in a`,
		`let x = { a.b = 1; }; in [ (if x ? a then x.a else null) (if x.a ? b then x.a.b else 0) (if x ? c then x.c else if true then 1 else 2) ]`,
		`[ ([ 1 ] ++ [ ]) ([ ] ++ [ 2 ]) ("s") ({ a = 1; }) ]`,
		`let a = 1; b = 2; in !(a == b)`,
		`let unused = throw "x"; used = 1; in used`,
		`{ a, b ? 1, ... }@args: a`,
		`(x: y: x) 1 2`,
		`let a = 1; inherit ({ b = 2; c = 3; }) b c; in a + b`,
		`with { x = 1; }; let y = 2; in y`,
		`rec { a = 1; b = 2; }`,
		`let c = true; in [ (if c then true else false) (if c then false else true) ]`,
		`let x = { a = 1; }; in x // { }`,
		`__add 1 2`,
	}
	all := AllRules()
	// One evaluation of a list of every expression, before and after.
	var before, after []string
	for _, src := range exprs {
		res, err := FixSource("e.nix", src, &Options{Rules: &all})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Changed {
			t.Errorf("%s: nothing fixed", src)
		}
		before = append(before, "("+src+"\n)")
		after = append(after, "("+res.Src+"\n)")
	}
	eval := func(list []string) string {
		out, err := exec.Command(nix, "--eval", "--strict", "-E", "[\n"+strings.Join(list, "\n")+"\n]").CombinedOutput()
		if err != nil {
			t.Fatalf("nix-instantiate: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if b, a := eval(before), eval(after); b != a {
		t.Errorf("values differ after fixing:\nbefore %s\nafter  %s", b, a)
	}
}
