package main

import (
	"github.com/gonix/gonix/flake"
	"github.com/gonix/gonix/internal/devenv"
)

// envJSON is the environment as `nix print-dev-env --json` prints it:
// bashFunctions, variables (each with its type and value) and, for
// structured attributes, the two files' texts; keys in byte order.
func envJSON(e *devenv.Env) *flake.JSONValue {
	funcs := flake.NewObject()
	for _, name := range e.FunctionNames() {
		funcs.Set(name, flake.JSONString(e.Functions[name]))
	}
	vars := flake.NewObject()
	for _, name := range e.VarNames() {
		v := e.Vars[name]
		info := flake.NewObject().Set("type", flake.JSONString(v.TypeName()))
		switch v.Kind {
		case devenv.Array:
			arr := flake.NewArray()
			for _, s := range v.Elems {
				arr.Arr = append(arr.Arr, flake.JSONString(s))
			}
			info.Set("value", arr)
		case devenv.Associative:
			obj := flake.NewObject()
			for k, s := range v.Assoc {
				obj.Set(k, flake.JSONString(s))
			}
			info.Set("value", obj)
		default:
			info.Set("value", flake.JSONString(v.Value))
		}
		vars.Set(name, info)
	}
	j := flake.NewObject().Set("bashFunctions", funcs).Set("variables", vars)
	if e.Structured != nil {
		j.Set("structuredAttrs", flake.NewObject().
			Set(".attrs.json", flake.JSONString(e.Structured.JSON)).
			Set(".attrs.sh", flake.JSONString(e.Structured.Shell)))
	}
	return j
}
