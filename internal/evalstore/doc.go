// Package evalstore connects the evaluator to a real store: it is the
// eval.Store (and builtins.StoreAdder, DerivationWriter, PathMapper, ...)
// that gonix eval, instantiate, build and repl give the evaluator.
//
// In ReadWrite mode (gonix instantiate, gonix build) every path literal,
// builtins.path, filterSource and toFile result and every derivation is
// added to the store as soon as it is evaluated, as nix-instantiate does.
// In ReadOnly mode (gonix eval, like nix-instantiate --eval) paths are
// only computed, and what was computed is remembered: when a value has to
// be realised (import from derivation, readFile of a toFile result, ...)
// the closure of what it needs is written then, derivations are built
// with store/build.Realise, and the result is read from the store.
//
// The store is opened on first use, so evaluations that never touch it
// (most gonix eval runs) do not need one.
package evalstore
