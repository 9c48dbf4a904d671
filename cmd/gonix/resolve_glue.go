package main

import (
	"fmt"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// undefinedVariableErrors reports variables bound nowhere, which Nix
// rejects while parsing.
func undefinedVariableErrors(t *parser.Tree) []parser.Error {
	res := scope.Resolve(t, scope.Options{})
	var errs []parser.Error
	for _, n := range res.Undefined {
		errs = append(errs, parser.Error{Start: n.Start(), End: n.End(), Detect: len(t.Src), Msg: fmt.Sprintf("undefined variable '%s'", n.Name())})
	}
	return errs
}
