package builtins

import (
	"sort"

	"github.com/gonix/gonix/eval"
)

// family is a group of builtins registered together.
type family struct {
	name     string
	order    int
	register func(r *eval.Registry)
}

// families is filled by the init functions of the family files, once, at
// program start; it is never modified afterwards.
var families []family

// addFamily is called from a family file's init function. Families
// register in ascending order (then by name), so a later family may
// replace builtins of an earlier one (the store's implementations of
// derivationStrict etc. use order 100).
func addFamily(name string, order int, register func(r *eval.Registry)) {
	families = append(families, family{name: name, order: order, register: register})
}

// Register adds every builtin to r.
func Register(r *eval.Registry) {
	fs := append([]family(nil), families...)
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].order != fs[j].order {
			return fs[i].order < fs[j].order
		}
		return fs[i].name < fs[j].name
	})
	for _, f := range fs {
		f.register(r)
	}
}

// New returns an evaluator with every builtin registered.
func New(opts eval.Options) *eval.State {
	return eval.New(opts, Register)
}

// prim registers a primop.
func prim(r *eval.Registry, name string, arity int, fn eval.PrimOpFunc) {
	r.PrimOp(&eval.PrimOp{Name: name, Arity: arity, Fn: fn})
}

// strict registers a primop that forces all its arguments, in order,
// before doing anything else (see eval.PrimOp.Strict).
func strict(r *eval.Registry, name string, arity int, fn eval.PrimOpFunc) {
	r.PrimOp(&eval.PrimOp{Name: name, Arity: arity, Fn: fn, Strict: true})
}
