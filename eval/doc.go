// Package eval is the lazy evaluator of the Nix language.
//
// It owns compilation of syntax trees (package parser) into an
// executable tree of expressions with variables resolved to environment
// slots (package eval/scope), values and thunks (updated in place, with
// black-holing for infinite recursion and memoised failures), attribute
// sets as symbol-sorted arrays, strings with context, the import cache,
// search paths, errors with Nix's exact messages and traces, and the
// value printers. Builtins live in package builtins and are registered
// into a State when it is created.
//
// Inside the evaluator (compiled expressions and builtins) errors
// propagate as panics carrying *Error, like Nix's C++ exceptions; the
// exported API (EvalFile, EvalString, ForceValue, ForceDeep, Call, Run)
// recovers them and returns ordinary errors. Builtin implementations use
// the panicking helpers (Force*, CallFunction, Raise) and run only under
// that boundary.
package eval
