// Package store is gonix's local Nix store: a physical root directory
// (the real "/" or a chroot-like root R) whose logical store directory is
// always /nix/store, with Nix's SQLite database (ValidPaths, Refs,
// DerivationOutputs, Realisations; schema version 10), crash-safe
// additions (temp directory, fsync, rename, database row last), per-path
// and global GC locks with temporary roots, garbage collection, optimise,
// verify, GC roots and build logs. It interoperates with real Nix on the
// same root.
//
// Subpackages hold the pieces that need no database: nixbase32, nixhash,
// storepath, nar and derivation; profile manages profiles and user
// environments on top of a Store.
//
// # For the evaluator
//
//   - hashString / hashFile / convertHash: nixhash.Sum, nixhash.SumReader,
//     nixhash.ParseAny (Nix's length rules) and Hash.Format.
//   - path literals, builtins.path, filterSource: Store.AddPath(src,
//     AddOptions{Name, Method, Algo, Filter}) or, without writing,
//     Store.ComputePath; nar.Filter receives the path and its type bits.
//   - builtins.toFile: Store.AddText(name, text, refs) (ComputeTextPath
//     for read-only evaluation).
//   - derivationStrict: build a derivation.Derivation (Name, Outputs with
//     empty paths or derivation.FixedOutput, InputDrvs, InputSrcs, Platform,
//     Builder, Args, Env) and call Store.Instantiate(resolver, d), with one
//     resolver per evaluation from Store.NewResolver(); it returns the .drv
//     path and the output paths. Resolver.Instantiate does the same without
//     a store.
//   - builtins.storePath, placeholder: storepath.Parse / Dir.Parse,
//     Store.IsValid, storepath.Placeholder.
//   - reading store paths (readFile, import): Store.RealPath maps the
//     logical /nix/store path to the physical file.
//
// # go-nix
//
// github.com/nix-community/go-nix (v0.0.0-20250101154619) was evaluated
// against the golden vectors in shared/conformance/store before writing
// these packages. Its nar package produced all 11 NAR hashes and its
// nixbase32 is correct, but: its derivation package computes a wrong drv
// path for 1 of the 68 cases (context-drvpath-deep: it does not
// de-duplicate a .drv that is both an input source and an input
// derivation), panics on a derivation without a name, and has no hook to
// memoise hashes modulo across an evaluation; its storepath package
// hard-codes /nix/store, accepts the names ".", "..", ".-x" and names over
// 211 characters that current Nix rejects; and its module drags in cgo
// sqlite (mattn/go-sqlite3), badger and kong. We therefore use none of it
// and own these small, fully tested packages instead.
package store
