package lsp

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gonix/gonix/builtins"
)

// TestMain lets the test binary act as the evaluation worker, so that
// the process runner is tested without building gonix.
func TestMain(m *testing.M) {
	if os.Getenv("GONIX_LSP_TEST_EVAL_WORKER") == "1" {
		if err := ServeEvalWorker(os.Stdin, os.Stdout, builtins.New); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// workerCommand runs this test binary as an evaluation worker.
func workerCommand(t *testing.T) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	t.Setenv("GONIX_LSP_TEST_EVAL_WORKER", "1")
	return []string{exe}
}

// evalSettings turns background evaluation on without delay.
var evalSettings = map[string]any{"eval": map[string]any{"delayMs": 0, "timeoutMs": 5000}}

// waitDiagsWhere waits for a publication of uri's diagnostics that ok
// accepts.
func (c *testClient) waitDiagsWhere(uri protocol.DocumentURI, ok func([]protocol.Diagnostic) bool) []protocol.Diagnostic {
	c.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	go func() {
		time.Sleep(15 * time.Second)
		c.mu.Lock()
		c.diagCond.Broadcast()
		c.mu.Unlock()
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for _, p := range c.diags[uri] {
			if ok(p.Diagnostics) {
				return p.Diagnostics
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no matching diagnostics for %s (got %d publications: %+v)", uri, len(c.diags[uri]), c.diags[uri])
		}
		c.diagCond.Wait()
	}
}

func evalDiag(ds []protocol.Diagnostic) *protocol.Diagnostic {
	for i := range ds {
		if ds[i].Code == codeEval {
			return &ds[i]
		}
	}
	return nil
}

func TestEvalJobMessagesMatchNix(t *testing.T) {
	cases := []struct {
		src, want string
		oracle    bool // Nix 2.8 words it the same way
	}{
		{`let x = 1 + "a"; in x`, "cannot add a string to an integer", true},
		{`{ a = { b = throw "boom"; }; }`, "boom", true},
		{`let f = { a }: a; in f { b = 1; }`, "called without required argument 'a'", false},
		{`assert 1 == 2; 3`, "is not equal to", false},
	}
	for _, tc := range cases {
		res := runEvalJob(builtins.New, &evalJob{Kind: jobCheck, Origin: "/tmp/t.nix", Text: tc.src, BaseDir: "/tmp", StepLimit: 1e6})
		if res.Error == nil || !strings.Contains(res.Error.Msg, tc.want) {
			t.Errorf("%s: got %+v, want an error containing %q", tc.src, res, tc.want)
			continue
		}
		inDoc := res.Error.Loc.Origin == "/tmp/t.nix" && res.Error.Loc.Line == 1
		for _, tr := range res.Error.Traces {
			inDoc = inDoc || tr.Loc.Origin == "/tmp/t.nix" && tr.Loc.Line == 1
		}
		if !inDoc {
			t.Errorf("%s: error at %+v, no position in the document", tc.src, res.Error)
		}
		if _, err := exec.LookPath("nix-instantiate"); err == nil && tc.oracle {
			out, _ := exec.Command("nix-instantiate", "--eval", "--strict", "-E", tc.src).CombinedOutput()
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("%s: Nix says %q, not %q", tc.src, out, tc.want)
			}
		}
	}
	// A function file evaluates without error; a step limit is not an
	// error of the code.
	if res := runEvalJob(builtins.New, &evalJob{Kind: jobCheck, Origin: "/tmp/f.nix", Text: "{ pkgs }: pkgs.hello", StepLimit: 1e6}); res.Error != nil {
		t.Errorf("function file: %+v", res.Error)
	}
	slow := "builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 5000000)"
	if res := runEvalJob(builtins.New, &evalJob{Kind: jobCheck, Origin: "/tmp/s.nix", Text: slow, StepLimit: 1000}); res.Error != nil || !res.Incomplete {
		t.Errorf("step limit: %+v", res)
	}
	// A panic in the evaluator's construction is a failure, not a crash.
	res := runEvalJob(nil, &evalJob{Kind: jobCheck, Text: "1"})
	if res.Failure == "" {
		t.Errorf("nil evaluator: %+v", res)
	}
}

func TestEvalDiagnosticsPushed(t *testing.T) {
	c := newClient(t, clientOpts{settings: evalSettings, server: Options{NewEvalState: builtins.New}})
	uri := protocol.DocumentURI("file:///tmp/evaldiag.nix")
	text := "let\n  x = 1 + \"a\";\nin\n{ y = x; }\n"
	c.open(uri, text)
	ds := c.waitDiagsWhere(uri, func(ds []protocol.Diagnostic) bool { return evalDiag(ds) != nil })
	d := evalDiag(ds)
	if !strings.Contains(d.Message, "cannot add a string to an integer") {
		t.Errorf("message %q", d.Message)
	}
	if got := rangeText(text, d.Range); d.Range.Start.Line != 1 || d.Range.Start.Character < 6 || !strings.Contains("1 + \"a\"", got) {
		t.Errorf("eval error at %+v (%q), want the addition on line 2", d.Range, got)
	}
	if len(d.RelatedInformation) == 0 {
		t.Errorf("no trace in related information")
	}
	var traces []string
	for _, r := range d.RelatedInformation {
		traces = append(traces, r.Message)
	}
	if !strings.Contains(strings.Join(traces, "\n"), "while evaluating the attribute 'y'") {
		t.Errorf("trace %q lacks the attribute frame", traces)
	}
	// Fixing the error withdraws the diagnostic.
	c.change(uri, 2, nil, "let\n  x = 1 + 2;\nin\n{ y = x; }\n")
	c.waitDiagsWhere(uri, func(ds []protocol.Diagnostic) bool { return false || len(ds) == 0 })
}

func TestEvalDiagnosticsPulledWithRefresh(t *testing.T) {
	caps := defaultCaps()
	caps["textDocument"].(map[string]any)["diagnostic"] = map[string]any{}
	caps["workspace"].(map[string]any)["diagnostics"] = map[string]any{"refreshSupport": true}
	c := newClient(t, clientOpts{caps: caps, settings: evalSettings, server: Options{NewEvalState: builtins.New}})
	uri := protocol.DocumentURI("file:///tmp/evalpull.nix")
	c.open(uri, "{ a = builtins.head [ ]; }")
	deadline := time.Now().Add(15 * time.Second)
	for {
		var res struct {
			Items []protocol.Diagnostic `json:"items"`
		}
		c.call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": uri}}, &res)
		if d := evalDiag(res.Items); d != nil {
			if !strings.Contains(d.Message, "empty list") {
				t.Errorf("message %q", d.Message)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the evaluation error never showed in pulled diagnostics")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestEvalHoverValue(t *testing.T) {
	dir := writeFiles(t, map[string]string{"lib.nix": "{ greeting = \"hello\"; }"})
	c := newClient(t, clientOpts{settings: evalSettings, server: Options{NewEvalState: builtins.New}})
	uri := pathToURI(filepath.Join(dir, "main.nix"))
	text := "let\n  lib = import ./lib.nix;\n  x = { a = 1; b = [ 1 2 ]; c = lib.greeting + \"!\"; };\n  bad = 1 + \"a\";\nin\n{ out = { inner = x.a + 41; }; f = { y ? 2 }: { z = y * 3; }; }\n"
	c.open(uri, text)
	hover := func(marker string, nth, offset int) string {
		var h protocol.Hover
		c.call("textDocument/hover", tdp(uri, pos(t, text, marker, nth, offset)), &h)
		return h.Contents.Value
	}
	if got := hover("x = {", 0, 0); !strings.Contains(got, `{ a = 1; b = [ 1 2 ]; c = "hello!"; }`) || !strings.Contains(got, "*value* (set)") {
		t.Errorf("hover of x: %q", got)
	}
	if got := hover("inner", 0, 1); !strings.Contains(got, "42") {
		t.Errorf("hover of out.inner: %q", got)
	}
	if got := hover("z =", 0, 0); !strings.Contains(got, "6") {
		t.Errorf("hover of z (auto-called function): %q", got)
	}
	if got := hover("bad", 0, 0); !strings.Contains(got, "evaluation error") || !strings.Contains(got, "cannot add a string to an integer") {
		t.Errorf("hover of bad: %q", got)
	}
}

func TestEvalCompletionOfEvaluatedSet(t *testing.T) {
	dir := writeFiles(t, map[string]string{"pkgs.nix": "{ system ? \"x\" }: { hello = 1; world = 2; lib = { mkIf = 3; }; }"})
	c := newClient(t, clientOpts{settings: evalSettings, server: Options{NewEvalState: builtins.New}})
	uri := pathToURI(filepath.Join(dir, "main.nix"))
	text := "let\n  pkgs = import ./pkgs.nix { };\nin\n[ pkgs. ]\n"
	c.open(uri, text)
	labels := func(p protocol.Position) []string {
		var list protocol.CompletionList
		c.call("textDocument/completion", tdp(uri, p), &list)
		var out []string
		for _, it := range list.Items {
			out = append(out, it.Label)
		}
		return out
	}
	got := labels(pos(t, text, "pkgs. ]", 0, 5))
	for _, want := range []string{"hello", "world", "lib"} {
		if !contains(got, want) {
			t.Errorf("completion of pkgs. = %v, missing %s", got, want)
		}
	}
	text2 := "let\n  pkgs = import ./pkgs.nix { };\n  y = pkgs.lib.\nin\ny\n"
	c.change(uri, 2, nil, text2)
	if got := labels(pos(t, text2, "lib.\n", 0, 4)); !contains(got, "mkIf") {
		t.Errorf("completion of pkgs.lib. = %v", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// moduleFixture is a small module system: mkOption marks options, and
// evalModules merges the options modules declare.
var moduleFixture = map[string]string{
	"modlib.nix": `rec {
  mkOption = attrs: attrs // { _type = "option"; };
  mkEnableOption = name: mkOption { type = { description = "boolean"; }; default = false; description = "Whether to enable ${name}."; };
  types = { str = { description = "string"; }; int = { description = "signed integer"; }; };
  recursiveUpdate = a: b: a // builtins.mapAttrs (n: v: if builtins.isAttrs v && a ? ${n} && builtins.isAttrs a.${n} && (v._type or "") != "option" then recursiveUpdate a.${n} v else v) b;
  evalModules = { modules }: let
    lib = import ./modlib.nix;
    decls = map (m: (import m { inherit lib; config = {}; }).options or {}) modules;
  in { options = builtins.foldl' recursiveUpdate {} decls; };
}
`,
	"modules/foo.nix": `{ lib, ... }: {
  options.services.foo = {
    enable = lib.mkEnableOption "the foo service";
    port = lib.mkOption { type = lib.types.int; default = 8080; description = "Port foo listens on."; };
  };
}
`,
	"modules/bar.nix": `{ lib, ... }: {
  options.services.bar.name = lib.mkOption { type = lib.types.str; description = "Bar's name."; };
  options.programs.baz.enable = lib.mkEnableOption "baz";
}
`,
	"eval.nix": `(import ./modlib.nix).evalModules { modules = [ ./modules/foo.nix ./modules/bar.nix ]; }`,
}

func TestEvalOptionCompletion(t *testing.T) {
	// The module system lives outside the workspace, so that only
	// evaluation finds its options (not the static index).
	sys := writeFiles(t, moduleFixture)
	dir := writeFiles(t, map[string]string{"system.nix": "import " + filepath.Join(sys, "eval.nix")})
	settings := map[string]any{"eval": map[string]any{"delayMs": 0, "options": []string{"(import ./system.nix).options"}}}
	c := newClient(t, clientOpts{settings: settings, folders: []string{dir}, server: Options{NewEvalState: builtins.New}})
	uri := pathToURI(filepath.Join(dir, "configuration.nix"))
	text := "{ config, lib, pkgs, ... }:\n{\n  services.\n}\n"
	c.open(uri, text)
	complete := func(text string, p protocol.Position) map[string]protocol.CompletionItem {
		out := map[string]protocol.CompletionItem{}
		var list protocol.CompletionList
		c.call("textDocument/completion", tdp(uri, p), &list)
		for _, it := range list.Items {
			out[it.Label] = it
		}
		return out
	}
	deadline := time.Now().Add(20 * time.Second)
	var items map[string]protocol.CompletionItem
	for {
		items = complete(text, pos(t, text, "services.", 0, 9))
		if _, ok := items["foo"]; ok || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, ok := items["foo"]; !ok {
		t.Fatalf("services. completes %v, want foo and bar from the evaluated options", items)
	}
	if _, ok := items["bar"]; !ok {
		t.Errorf("services. completes %v, want bar", items)
	}
	text2 := "{ config, lib, pkgs, ... }:\n{\n  services.foo.\n}\n"
	c.change(uri, 2, nil, text2)
	items = complete(text2, pos(t, text2, "foo.", 0, 4))
	port, ok := items["port"]
	if !ok || port.Detail != "signed integer" {
		var names []string
		for k, it := range items {
			names = append(names, k+" ("+it.Detail+")")
		}
		t.Fatalf("services.foo. completes %v, want port (signed integer)", names)
	}
	if doc, _ := json.Marshal(port.Documentation); !strings.Contains(string(doc), "Port foo listens on.") || !strings.Contains(string(doc), "8080") {
		t.Errorf("port's documentation %s", doc)
	}
	if _, ok := items["enable"]; !ok {
		t.Errorf("services.foo. completes %v, want enable", items)
	}
	// Hover over an option being set shows its evaluated declaration.
	text3 := "{ config, lib, pkgs, ... }:\n{\n  services.foo.port = 1;\n}\n"
	c.change(uri, 3, nil, text3)
	var h protocol.Hover
	c.call("textDocument/hover", tdp(uri, pos(t, text3, "port", 0, 1)), &h)
	if !strings.Contains(h.Contents.Value, "Port foo listens on.") || !strings.Contains(h.Contents.Value, "signed integer") {
		t.Errorf("hover of services.foo.port: %q", h.Contents.Value)
	}
}

// slowExpr takes minutes to evaluate, in little memory.
const slowExpr = "let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 45"

// TestEvalProcessLimits runs jobs in worker processes: results come back,
// a job past its memory limit is killed, a cancelled one ends at once.
func TestEvalProcessLimits(t *testing.T) {
	e := &evaluator{command: workerCommand(t), slots: make(chan struct{}, 2)}
	res := e.run(context.Background(), &evalJob{Kind: jobCheck, Origin: "/tmp/p.nix", Text: `let x = 1 + "a"; in x`, StepLimit: 1e6, MemoryMB: 512}, 20*time.Second)
	if res.Error == nil || !strings.Contains(res.Error.Msg, "cannot add a string to an integer") {
		t.Fatalf("worker result %+v", res)
	}
	hog := `builtins.genList (i: builtins.genList (j: "${toString i}-${toString j}") 1000) 100000`
	start := time.Now()
	res = e.run(context.Background(), &evalJob{Kind: jobCheck, Origin: "/tmp/hog.nix", Text: hog, StepLimit: 1e9, MaxListSize: 1 << 22, MemoryMB: 64}, 60*time.Second)
	if !strings.Contains(res.Failure, "more than 64 MB") {
		t.Errorf("memory hog: %+v after %s", res, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(200 * time.Millisecond); cancel() }()
	start = time.Now()
	slow := slowExpr
	res = e.run(ctx, &evalJob{Kind: jobCheck, Origin: "/tmp/slow.nix", Text: slow, StepLimit: 1e12, MaxListSize: 1 << 30, MemoryMB: 4096}, time.Minute)
	if res.Failure != "evaluation cancelled" || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled job: %+v after %s", res, time.Since(start))
	}
	res = e.run(context.Background(), &evalJob{Kind: jobCheck, Origin: "/tmp/slow.nix", Text: slow, StepLimit: 1e12, MaxListSize: 1 << 30, MemoryMB: 4096}, 300*time.Millisecond)
	if !strings.Contains(res.Failure, "longer than") {
		t.Errorf("timed-out job: %+v", res)
	}
}

// TestEvalCancelledByEdits checks that an edit cancels the evaluation of
// the previous version, and that the server answers meanwhile.
func TestEvalCancelledByEdits(t *testing.T) {
	c := newClient(t, clientOpts{settings: map[string]any{"eval": map[string]any{"delayMs": 0, "timeoutMs": 60000}},
		server: Options{EvalCommand: workerCommand(t)}})
	uri := protocol.DocumentURI("file:///tmp/slow.nix")
	c.open(uri, slowExpr)
	time.Sleep(300 * time.Millisecond) // the worker is running
	var h protocol.Hover
	start := time.Now()
	c.call("textDocument/hover", tdp(uri, protocol.Position{Line: 0, Character: 2}), &h)
	if time.Since(start) > 2*time.Second {
		t.Errorf("hover took %s while evaluating", time.Since(start))
	}
	c.change(uri, 2, nil, `{ a = 1 + "a"; }`)
	ds := c.waitDiagsWhere(uri, func(ds []protocol.Diagnostic) bool { return evalDiag(ds) != nil })
	if d := evalDiag(ds); !strings.Contains(d.Message, "cannot add") {
		t.Errorf("diagnostic %+v", d)
	}
}

// TestEvalOptionsNixpkgsLib evaluates the options of modules with the
// real module system of nixpkgs' lib (from bench/corpus.sh's corpus).
func TestEvalOptionsNixpkgsLib(t *testing.T) {
	dir := os.Getenv("GONIX_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "bench", "corpus")
	}
	libDir, err := filepath.Abs(filepath.Join(dir, "nix-community+nixpkgs.lib", "lib"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(libDir, "modules.nix")); err != nil {
		t.Skipf("no nixpkgs lib at %s (bench/corpus.sh)", libDir)
	}
	mods := writeFiles(t, map[string]string{
		"foo.nix": `{ lib, ... }: {
  options.services.foo = {
    enable = lib.mkEnableOption "the foo service";
    port = lib.mkOption { type = lib.types.port; default = 8080; description = "Port foo listens on."; };
    users = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
  };
}
`,
	})
	expr := "((import " + libDir + ").evalModules { modules = [ " + filepath.Join(mods, "foo.nix") + " ]; }).options"
	start := time.Now()
	res := runEvalJob(builtins.New, &evalJob{Kind: jobOptions, Origin: "«gonix options»", Text: expr, BaseDir: mods, StepLimit: 1e9, MaxListSize: 1 << 22})
	if res.Error != nil || res.Failure != "" {
		t.Fatalf("evaluating nixpkgs lib's module system: %+v %s", res.Error, res.Failure)
	}
	got := map[string]evalOption{}
	for _, o := range res.Options {
		got[o.Path] = o
	}
	if o := got["services.foo.port"]; !strings.Contains(o.Type, "16 bit unsigned integer") || o.Description != "Port foo listens on." || o.Default != "8080" {
		t.Errorf("services.foo.port = %+v", o)
	}
	if o := got["services.foo.enable"]; o.Type != "boolean" || !strings.Contains(o.Description, "Whether to enable the foo service") {
		t.Errorf("services.foo.enable = %+v", o)
	}
	if o := got["services.foo.users"]; o.Type != "list of string" {
		t.Errorf("services.foo.users = %+v", o)
	}
	t.Logf("%d options in %s", len(res.Options), time.Since(start))
}
