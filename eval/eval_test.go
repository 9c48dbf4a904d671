package eval_test

import (
	"strings"
	"testing"

	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/eval"
)

func newState(t testing.TB, opts eval.Options) *eval.State {
	t.Helper()
	var sb strings.Builder
	if opts.Stderr == nil {
		opts.Stderr = &sb
	}
	if opts.Getenv == nil {
		opts.Getenv = func(string) (string, bool) { return "", false }
	}
	if opts.Store == nil {
		opts.Store = builtins.NewDryRunStore("")
	}
	return builtins.New(opts)
}

// evalStrict evaluates src and prints it like gonix eval --strict.
func evalStrict(t testing.TB, st *eval.State, src string) (string, error) {
	t.Helper()
	v, err := st.EvalString(src, "«string»", "/tmp")
	if err != nil {
		return "", err
	}
	if err := st.ForceDeep(v); err != nil {
		return "", err
	}
	var b strings.Builder
	err = st.Run(func() { st.WriteAmbiguous(&b, v, nil) })
	return b.String(), err
}

func TestValues(t *testing.T) {
	cases := []struct{ src, want string }{
		{`1 + 2`, `3`},
		{`let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 15`, `610`},
		{`rec { a = 1; b = a + 1; }`, `{ a = 1; b = 2; }`},
		{`{ a.b = 1; a.c = 2; }`, `{ a = { b = 1; c = 2; }; }`},
		{`let x = 1; in with { x = 2; y = 3; }; x + y`, `4`},
		{`with { a = 1; }; with { a = 2; }; a`, `2`},
		{`({ a, b ? a + 1 }: b) { a = 1; }`, `2`},
		{`"a${"b"}c"`, `"abc"`},
		{`[ 1 2.5 null true "x" ]`, `[ 1 2.5 null true "x" ]`},
		{`{ "a b" = 1; "if" = 2; }`, `{ "a b" = 1; "if" = 2; }`},
		{`let x = [ x ]; in x`, `[ [ «repeated» ] ]`},
		{`let x = { a = 1; }; in [ x x ]`, `[ { a = 1; } «repeated» ]`},
		{`[ { } { } ]`, `[ { } { } ]`},
		{`let f = x: x; in [ ([ f ] == [ f ]) (f == f) ]`, `[ true false ]`},
		{`builtins.tryEval (throw "x")`, `{ success = false; value = false; }`},
		{`0.1 + 0.2`, `0.3`},
		{`123456789.0`, `1.23457e+08`},
		{`toString 0.1`, `"0.100000"`},
		{`builtins.sort (a: b: a < b) [ 3 1 2 ]`, `[ 1 2 3 ]`},
		{`builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 100)`, `4950`},
		{`let a = { b = 1; }; in a.c or a.b`, `1`},
		{`{ a = 1; } ? a.b`, `false`},
		{`(x: y: x - y) 5 3`, `2`},
		{`let f = { __functor = self: x: x + self.n; n = 1; }; in f 2`, `3`},
		{`builtins.match "a(b)?" "a"`, `[ null ]`},
		{`builtins.split "(a)|b" "xaybz"`, `[ "x" [ "a" ] "y" [ null ] "z" ]`},
		{`builtins.toJSON { b = 1.5; a = [ true null ]; }`, `"{\"a\":[true,null],\"b\":1.5}"`},
		{`builtins.fromJSON "[1, 2.0, \"x\"]"`, `[ 1 2 "x" ]`},
		{`(derivation { name = "x"; system = "s"; builder = "/bin/sh"; }).type`, `"derivation"`},
		{`__curPos`, `null`},
		{`let x = 1; in x |> (y: y + 1)`, `2`},
	}
	st := newState(t, eval.Options{ExperimentalFeatures: []string{"pipe-operators"}})
	for _, c := range cases {
		got, err := evalStrict(t, st, c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

func TestErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{`1 + "a"`, `cannot add a string to an integer`},
		{`let a = a; in a`, `infinite recursion encountered`},
		{`{ }.x`, `attribute 'x' missing`},
		{`throw "boom"`, `boom`},

		{`9223372036854775807 + 1`, `integer overflow in adding 9223372036854775807 + 1`},
		{`1 / 0`, `division by zero`},
		{`builtins.head [ ]`, `'builtins.head' called on an empty list`},
		{`x`, `undefined variable 'x'`},
		{`({ a }: a) { }`, `function 'anonymous lambda' called without required argument 'a'`},
		{`let f = n: f (n + 1); in f 0`, `stack overflow; max-call-depth exceeded`},
		{`with { }; y`, `undefined variable 'y'`},
		{`1 2`, `attempt to call something which is not a function but an integer: 1`},
	}
	st := newState(t, eval.Options{})
	for _, c := range cases {
		_, err := evalStrict(t, st, c.src)
		if err == nil {
			t.Errorf("%s: no error", c.src)
			continue
		}
		e, ok := err.(*eval.Error)
		if !ok {
			t.Errorf("%s: %T %v", c.src, err, err)
			continue
		}
		if e.Kind == eval.ErrInternal || !strings.Contains(e.Msg, c.want) {
			t.Errorf("%s: got %q, want %q", c.src, e.Msg, c.want)
		}
	}
}

// TestTraceFormat checks the layout of an error with a trace.
func TestTraceFormat(t *testing.T) {
	st := newState(t, eval.Options{ShowTrace: true})
	_, err := evalStrict(t, st, `builtins.add "foo" 1`)
	if err == nil {
		t.Fatal("no error")
	}
	got := err.(*eval.Error).Format(true)
	want := `error:
       … while calling the 'add' builtin
         at «string»:1:1:
            1| builtins.add "foo" 1
             | ^

       … while evaluating the first argument of the addition

       error: expected an integer but found a string: "foo"
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestDeepRecursion checks that deep recursion is an error, not a crash.
func TestDeepRecursion(t *testing.T) {
	st := newState(t, eval.Options{MaxCallDepth: 1 << 30})
	_, err := evalStrict(t, st, `let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 1000000`)
	if err == nil || !strings.Contains(err.Error(), "stack overflow") {
		t.Fatalf("want a stack overflow error, got %v", err)
	}
	// The State stays usable.
	if got, err := evalStrict(t, st, `1 + 1`); err != nil || got != "2" {
		t.Fatalf("after overflow: %q %v", got, err)
	}
}

// TestFailedThunkMemoised checks that a failed thunk is not re-evaluated.
func TestFailedThunkMemoised(t *testing.T) {
	var sb strings.Builder
	st := newState(t, eval.Options{Stderr: &sb})
	got, err := evalStrict(t, st, `let foo = builtins.trace "once" (throw "x"); in [ (builtins.tryEval foo).success (builtins.tryEval foo).success ]`)
	if err != nil || got != "[ false false ]" {
		t.Fatalf("%q %v", got, err)
	}
	if n := strings.Count(sb.String(), "trace: once"); n != 1 {
		t.Errorf("traced %d times, want 1", n)
	}
}

func BenchmarkFib(b *testing.B) {
	st := newState(b, eval.Options{})
	p, err := st.ParseString(`let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 20`, "«string»", "/")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := st.Eval(p); err != nil {
			b.Fatal(err)
		}
	}
}
