// Package derivation holds Nix derivations: the in-memory Derivation type,
// the ATerm (.drv) writer (byte-identical to Nix) and a strict parser, the
// derivation hash modulo (with memoised input lookup through a loader),
// and the computation of output paths and drv paths.
//
// The evaluator's derivationStrict builds a Derivation value (outputs
// without paths, inputs, platform, builder, args, env) and calls
// Resolver.Instantiate, which fills in the output paths (input-addressed
// or fixed-output) and returns the .drv path and text.
package derivation
