// Package build realises derivations: it loads the derivation graph of the
// requested .drv files, detects dependency cycles (reporting the cycle's
// path), skips outputs that are already valid, substitutes from binary
// caches, and runs the remaining builds in topological order (Kahn's
// algorithm) with up to Options.Jobs builders at once.
//
// Each build gets the environment Nix gives builders (NIX_BUILD_TOP,
// TMPDIR and friends, HOME=/homeless-shelter, PATH=/path-not-set, the
// outputs, passAsFile files, .attrs.json/.attrs.sh for structured
// attributes, impureEnvVars for fixed-output derivations) and runs in the
// namespace sandbox of store/sandbox when available. Afterwards the outputs
// are checked (fixed-output hashes, allowedReferences and friends,
// outputChecks), scanned for references, canonicalised and registered, and
// the build log is stored.
//
// Realise is the entry point for the CLI and for import-from-derivation.
package build
