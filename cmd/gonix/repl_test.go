package main

import (
	"io"
	"strings"
	"testing"

	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/eval"
)

func TestReplCompletion(t *testing.T) {
	st := builtins.New(eval.Options{Stderr: io.Discard})
	r := &repl{st: st, out: io.Discard, errw: io.Discard, vars: map[string]eval.Value{}}
	r.handle(`myset = { alpha = 1; alps = 2; beta = 3; }`)
	got := r.completions("myset.al")
	if strings.Join(got, ",") != "pha,ps" {
		t.Errorf("attribute completion: %q", got)
	}
	got = r.completions("mys")
	if strings.Join(got, ",") != "et" {
		t.Errorf("variable completion: %q", got)
	}
	got = r.completions("builtins.attrN")
	if strings.Join(got, ",") != "ames" {
		t.Errorf("builtins completion: %q", got)
	}
}
