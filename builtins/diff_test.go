package builtins

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gonix/gonix/eval"
)

// handWritten are expressions whose results Nix 2.8 and current Nix
// agree on (no integer overflow, no toJSON of floats, no builtins newer
// than 2.8).
var handWritten = []string{
	`1 + 2 * 3 - 4 / 2`, `7 / 2`, `(-7) / 2`, `1.5 + 2`, `2.0 * 3`, `1 / 3.0`, `0.1 + 0.2`,
	`123456789.0`, `1.0e-7`, `-0.0`, `[ 1 2.5 "x" null true false ]`,
	`"a" + "b"`, `"x${toString 1}y"`, `toString [ 1 [ ] 2 null true false "a" [ ] [ 3 ] ]`,
	`toString 0.1`, `toString 1.5e10`, `toString true`, `toString null`,
	`let x = 1; y = x + 1; in [ x y ]`, `rec { a = 1; b = a + 1; }`,
	`let f = x: y: x * y; in f 3 4`, `({ a, b ? 2, ... }: a + b) { a = 1; c = 3; }`,
	`(args@{ a, ... }: args) { a = 1; b = 2; }`, `builtins.functionArgs ({ a, b ? 1 }: a)`,
	`{ a.b.c = 1; a.b.d = 2; }`, `{ "a b" = 1; "if" = 2; _x = 3; "1" = 4; }`,
	`{ a = 1; } // { b = 2; } // { a = 3; }`, `[ 1 2 ] ++ [ 3 ]`,
	`with { x = 1; }; with { y = 2; }; x + y`, `let x = 1; in with { x = 2; }; x`,
	`{ a = 1; } ? a`, `{ a.b = 1; } ? a.b`, `{ } ? a.b`, `({ a = 1; }).b or 5`,
	`if 1 < 2 then "yes" else "no"`, `1 <= 1 && 2 >= 3 || !false`, `false -> false`,
	`[ 1 2 ] == [ 1 2 ]`, `{ a = 1; } == { a = 1.0; }`, `"a" != "b"`, `null == null`,
	`builtins.attrNames { b = 1; a = 2; "1" = 3; B = 4; _ = 5; }`,
	`builtins.attrValues { b = 1; a = 2; }`, `builtins.length [ 1 2 3 ]`,
	`builtins.head [ 1 2 ]`, `builtins.tail [ 1 2 3 ]`, `builtins.elemAt [ 1 2 3 ] 1`,
	`builtins.map (x: x * 2) [ 1 2 3 ]`, `builtins.filter (x: x > 1) [ 1 2 3 ]`,
	`builtins.foldl' (a: b: a + b) 0 [ 1 2 3 ]`, `builtins.genList (i: i * i) 5`,
	`builtins.elem 2 [ 1 2 3 ]`, `builtins.concatLists [ [ 1 ] [ 2 3 ] [ ] ]`,
	`builtins.concatMap (x: [ x x ]) [ 1 2 ]`, `builtins.any (x: x > 2) [ 1 2 3 ]`,
	`builtins.all (x: x > 2) [ 1 2 3 ]`, `builtins.sort builtins.lessThan [ 3 1 2 ]`,
	`builtins.sort (a: b: a > b) [ 3 1 2 10 ]`, `builtins.partition (x: x > 1) [ 1 2 3 ]`,
	`builtins.groupBy (x: if x > 1 then "big" else "small") [ 1 2 3 ]`,
	`builtins.listToAttrs [ { name = "a"; value = 1; } { name = "a"; value = 2; } ]`,
	`builtins.intersectAttrs { a = 1; b = 2; } { b = 3; c = 4; }`,
	`builtins.removeAttrs { a = 1; b = 2; } [ "a" "z" ]`, `builtins.catAttrs "a" [ { a = 1; } { } { a = 2; } ]`,
	`builtins.mapAttrs (n: v: n + toString v) { a = 1; b = 2; }`,
	`builtins.zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ]`,
	`builtins.hasAttr "a" { a = 1; }`, `builtins.getAttr "a" { a = 1; }`,
	`builtins.isAttrs { }`, `builtins.isList [ ]`, `builtins.isInt 1`, `builtins.isFloat 1.0`,
	`builtins.isString "a"`, `builtins.isBool true`, `builtins.isNull null`, `builtins.isFunction (x: x)`,
	`builtins.isPath ./.`, `builtins.typeOf 1.0`, `builtins.typeOf builtins.map`, `builtins.typeOf { }`,
	`builtins.substring 1 3 "hello"`, `builtins.substring 2 (-1) "hello"`, `builtins.substring 10 2 "hi"`,
	`builtins.stringLength "héllo"`, `builtins.concatStringsSep ", " [ "a" "b" "c" ]`,
	`builtins.replaceStrings [ "a" "b" ] [ "1" "2" ] "abcab"`, `builtins.replaceStrings [ "" ] [ "-" ] "ab"`,
	`builtins.match "a(b)?c" "ac"`, `builtins.match "([a-z]+)([0-9]+)" "abc123"`, `builtins.match "a" "b"`,
	`builtins.split "(a)|b" "xaybz"`, `builtins.split "" "ab"`, `builtins.split "," "a,b,,c"`,
	`builtins.parseDrvName "hello-2.1-pre"`, `builtins.compareVersions "1.0pre1" "1.0"`,
	`builtins.compareVersions "2.3a" "2.3.1"`, `builtins.splitVersion "1.2.3-pre4a"`,
	`builtins.hashString "md5" "abc"`, `builtins.hashString "sha1" "abc"`,
	`builtins.hashString "sha256" "abc"`, `builtins.hashString "sha512" ""`,
	`builtins.toJSON { a = [ 1 "x" null true ]; b."c d" = { }; }`, `builtins.toJSON "a\n\"b"`,
	`builtins.fromJSON "{\"a\": [1, 2.5, \"x\", null, true], \"b\": {}}"`, `builtins.fromJSON "1e2"`,
	`builtins.fromJSON "{\"a\":1,\"a\":2}"`, `builtins.toXML { a = 1; b = [ "x" ]; }`,
	`builtins.fromTOML "a = 1\n[b]\nc = \"d\""`, `builtins.baseNameOf "/a/b/"`, `builtins.dirOf "/a/b"`,
	`builtins.dirOf "a"`, `builtins.tryEval (throw "x")`, `builtins.tryEval (assert false; 1)`,
	`builtins.tryEval 1`, `builtins.seq 1 2`, `builtins.deepSeq [ 1 ] 2`, `builtins.bitAnd 12 10`,
	`builtins.bitOr 12 10`, `builtins.bitXor 12 10`, `builtins.floor 2.7`, `builtins.ceil 2.1`,
	`builtins.floor (-2.5)`, `builtins.genericClosure { startSet = [ { key = 1; } ]; operator = x: if x.key < 5 then [ { key = x.key + 1; } ] else [ ]; }`,
	`builtins.unsafeDiscardStringContext "abc"`, `builtins.hasContext "abc"`,
	`let f = x: x; in [ f ] == [ f ]`, `let f = x: x; in f == f`, `(x: x) == (x: x)`,
	`let x = [ 1 ]; in [ x x ]`, `let x = { a = 1; }; in [ x x ]`, `let x = [ x ]; in x`,
	`builtins.langVersion`, `builtins.isString builtins.nixVersion`, `builtins.storeDir`,
	`''
	  a
	    b
	  c''`, `"\t\n\r\\\"\${x}"`, `''$${x} ''${y} '''a'''`, `builtins.abort or 1`,
	`let inherit (builtins) map; in map (x: x + 1) [ 1 ]`, `let a = { b = 1; }; inherit (a) b; in b`,
	`builtins.toString (builtins.toFile "foo" "bar")`, `builtins.toPath "/a/b/../c"`,
	`assert 1 == 1; "ok"`, `(builtins.tryEval (1 + "a")).success or "err"`,
	`builtins.sort (a: b: a.k < b.k) [ { k = 2; v = 1; } { k = 1; v = 2; } { k = 2; v = 3; } ]`,
	`builtins.length (builtins.genList (x: x) 1000)`, `builtins.mapAttrs (n: v: v) { }`,
	`let x = 1; in { inherit x; y = x; }`, `{ a = { b = 1; }; a.c = 2; }`,
	`builtins.derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; }`,
	`(derivation { name = "y"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo" ]; outputs = [ "out" "dev" ]; }).dev.outPath`,
	`builtins.getContext (derivation { name = "z"; system = "x"; builder = "/bin/sh"; }).outPath`,
	// String building and attribute names (the evaluator's fast paths).
	`builtins.listToAttrs [ { name = "b"; value = 1; } { name = "a"; value = 2; } { name = "b"; value = 3; } ]`,
	`builtins.attrNames (builtins.listToAttrs (map (n: { name = n; value = n; }) [ "z" "a" "m" "a" ]))`,
	`builtins.concatStringsSep "-" [ "a" { __toString = s: "t"; } "b" ]`, `builtins.concatStringsSep "," [ ]`,
	`builtins.concatStringsSep "" [ "" "" ]`, `toString 1234567`, `toString (-9223372036854775807)`,
	`let i = 123456; in [ "${toString i}" "a${toString (0 - i)}b${toString i}c" ("x" + toString i) ]`,
	`builtins.genList (i: "s${toString (i * 1000003)}-${toString i}.0123456789012345678901234567890") 3`,
}

// gen builds random expressions whose values both Nix versions agree on.
type gen struct {
	r     *rand.Rand
	depth int
}

func (g *gen) intExpr(d int) string {
	if d <= 0 {
		return fmt.Sprint(g.r.Intn(200) - 100)
	}
	switch g.r.Intn(9) {
	case 0:
		return fmt.Sprintf("(%s + %s)", g.intExpr(d-1), g.intExpr(d-1))
	case 1:
		return fmt.Sprintf("(%s - %s)", g.intExpr(d-1), g.intExpr(d-1))
	case 2:
		return fmt.Sprintf("(%s * %d)", g.intExpr(d-1), g.r.Intn(20))
	case 3:
		return fmt.Sprintf("(%s / %d)", g.intExpr(d-1), 1+g.r.Intn(9))
	case 4:
		return fmt.Sprintf("(if %s then %s else %s)", g.boolExpr(d-1), g.intExpr(d-1), g.intExpr(d-1))
	case 5:
		return fmt.Sprintf("(let x = %s; y = %s; in x - y)", g.intExpr(d-1), g.intExpr(d-1))
	case 6:
		return fmt.Sprintf("(builtins.length %s)", g.listExpr(d-1))
	case 7:
		return fmt.Sprintf("((x: { a = x; b = x + 1; }) %s).%s", g.intExpr(d-1), []string{"a", "b"}[g.r.Intn(2)])
	}
	return fmt.Sprintf("(builtins.foldl' (a: b: a + b) 0 %s)", g.intListExpr(d-1))
}

func (g *gen) boolExpr(d int) string {
	if d <= 0 {
		return []string{"true", "false"}[g.r.Intn(2)]
	}
	switch g.r.Intn(6) {
	case 0:
		return fmt.Sprintf("(%s < %s)", g.intExpr(d-1), g.intExpr(d-1))
	case 1:
		return fmt.Sprintf("(%s == %s)", g.anyExpr(d-1), g.anyExpr(d-1))
	case 2:
		return fmt.Sprintf("(%s && %s)", g.boolExpr(d-1), g.boolExpr(d-1))
	case 3:
		return fmt.Sprintf("(!%s)", g.boolExpr(d-1))
	case 4:
		return fmt.Sprintf("(%s ? a)", g.setExpr(d-1))
	}
	return fmt.Sprintf("(builtins.elem %s %s)", g.intExpr(d-1), g.intListExpr(d-1))
}

func (g *gen) strExpr(d int) string {
	if d <= 0 {
		return []string{`""`, `"a"`, `"foo"`, `"x y"`, `"\${"`, `"é"`, `"q\"t"`}[g.r.Intn(7)]
	}
	switch g.r.Intn(5) {
	case 0:
		return fmt.Sprintf("(%s + %s)", g.strExpr(d-1), g.strExpr(d-1))
	case 1:
		return fmt.Sprintf(`"<${%s}>"`, g.strExpr(d-1))
	case 2:
		return fmt.Sprintf("(toString %s)", g.intExpr(d-1))
	case 3:
		return fmt.Sprintf("(builtins.concatStringsSep \"-\" (map toString %s))", g.intListExpr(d-1))
	}
	return fmt.Sprintf("(builtins.substring 1 2 %s)", g.strExpr(d-1))
}

func (g *gen) intListExpr(d int) string {
	n := g.r.Intn(4)
	var parts []string
	for i := 0; i < n; i++ {
		parts = append(parts, g.intExpr(d-1))
	}
	l := "[ " + strings.Join(parts, " ") + " ]"
	switch g.r.Intn(4) {
	case 0:
		return fmt.Sprintf("(builtins.map (x: x * 2) %s)", l)
	case 1:
		return fmt.Sprintf("(builtins.sort builtins.lessThan %s)", l)
	case 2:
		return fmt.Sprintf("(builtins.filter (x: x > 0) %s)", l)
	}
	return l
}

func (g *gen) listExpr(d int) string {
	n := g.r.Intn(4)
	var parts []string
	for i := 0; i < n; i++ {
		parts = append(parts, g.anyExpr(d-1))
	}
	return "[ " + strings.Join(parts, " ") + " ]"
}

func (g *gen) setExpr(d int) string {
	names := []string{"a", "b", "c", "\"d e\"", "if"}
	n := g.r.Intn(4)
	var parts []string
	seen := map[int]bool{}
	for i := 0; i < n; i++ {
		k := g.r.Intn(len(names))
		if seen[k] {
			continue
		}
		seen[k] = true
		parts = append(parts, names[k]+" = "+g.anyExpr(d-1)+";")
	}
	s := "{ " + strings.Join(parts, " ") + " }"
	switch g.r.Intn(4) {
	case 0:
		return fmt.Sprintf("(%s // { b = %s; })", s, g.anyExpr(d-1))
	case 1:
		return fmt.Sprintf("(rec { x = 1; y = x + 1; } // %s)", s)
	}
	return s
}

func (g *gen) anyExpr(d int) string {
	switch g.r.Intn(6) {
	case 0:
		return g.intExpr(d)
	case 1:
		return g.boolExpr(d)
	case 2:
		return g.strExpr(d)
	case 3:
		return g.listExpr(d)
	case 4:
		return g.setExpr(d)
	}
	return "null"
}

// evalGonix evaluates an expression like gonix eval --strict.
func evalGonix(t *testing.T, expr string) (string, bool) {
	t.Helper()
	var stderr bytes.Buffer
	st := New(eval.Options{Stderr: &stderr, Store: NewDryRunStore(""), Getenv: func(string) (string, bool) { return "", false }})
	v, err := st.EvalString(expr, "«string»", t.TempDir())
	if err == nil {
		err = st.ForceDeep(v)
	}
	if err != nil {
		return "", false
	}
	var b strings.Builder
	if err := st.Run(func() { st.WriteAmbiguous(&b, v, nil) }); err != nil {
		return "", false
	}
	return b.String(), true
}

// TestDifferentialNix compares gonix with the installed nix-instantiate
// (Nix 2.8) on hand-written and randomly generated expressions.
func TestDifferentialNix(t *testing.T) {
	nix, err := exec.LookPath("nix-instantiate")
	if err != nil {
		t.Skip("nix-instantiate not installed")
	}
	if testing.Short() {
		t.Skip("slow: runs nix-instantiate")
	}
	exprs := append([]string(nil), handWritten...)
	g := &gen{r: rand.New(rand.NewSource(20261125))}
	for len(exprs) < 520 {
		exprs = append(exprs, g.anyExpr(3))
	}
	dir := t.TempDir()
	// One nix-instantiate run per expression is slow; evaluate them in
	// batches as a list of tryEval'd, string-printed results.
	const batch = 40
	compared := 0
	for i := 0; i < len(exprs); i += batch {
		end := min(i+batch, len(exprs))
		chunk := exprs[i:end]
		wants := runNixBatch(t, nix, dir, chunk)
		for j, e := range chunk {
			want := wants[j]
			got, ok := evalGonix(t, e)
			if want == "<error>" {
				if ok {
					t.Errorf("expression %q: nix failed, gonix gave %s", e, got)
				}
				compared++
				continue
			}
			if !ok {
				t.Errorf("expression %q: gonix failed, nix gave %s", e, want)
				continue
			}
			if got != want {
				t.Errorf("expression %q:\n gonix: %s\n   nix: %s", e, got, want)
			}
			compared++
		}
	}
	if compared < 500 {
		t.Errorf("only %d expressions compared", compared)
	}
	t.Logf("%d expressions compared with %s", compared, nix)
}

// runNixBatch evaluates each expression with nix-instantiate --eval
// --strict and returns the printed results ("<error>" for failures).
func runNixBatch(t *testing.T, nix, dir string, exprs []string) []string {
	out := make([]string, len(exprs))
	for i, e := range exprs {
		f := fmt.Sprintf("%s/e%d.nix", dir, i)
		if err := os.WriteFile(f, []byte(e), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(nix, "--eval", "--strict", f)
		cmd.Env = append(os.Environ(), "NIX_PATH=")
		res, err := cmd.Output()
		if err != nil {
			out[i] = "<error>"
			continue
		}
		out[i] = strings.TrimSuffix(string(res), "\n")
	}
	return out
}
