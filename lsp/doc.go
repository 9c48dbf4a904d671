// Package lsp is gonix's language server: it speaks the Language Server
// Protocol (JSON-RPC 2.0 over a byte stream, framed with Content-Length
// headers) and serves editors from the parser, the static resolver in
// eval/scope and, as they land, the formatter, the checker and the
// evaluator.
//
// It owns the connection (a framing layer that survives malformed
// messages), the request dispatcher (cancellation, initialization and
// shutdown order, panics turned into error replies), the open documents
// (incremental UTF-16 edits, immutable snapshots analysed lazily), the
// workspace (folders, a symbol index over *.nix files, watched files,
// configuration) and one file per editor feature: diagnostics,
// navigation and rename, hover, completion, signature help, symbols,
// code actions, semantic tokens, folding and selection ranges, inlay
// hints and document links.
//
// Analyses are incremental (analysis.go): a version is derived from the
// last analysed one by reparsing each change (parser.Reparse), resolving
// names again around it (scope.Update), and carrying the checker's
// findings (checker.Incremental) and the call diagnostics (calls.go)
// over; the results equal a fresh analysis (tested on random edits).
//
// Evaluation (eval.go, evaljob.go, evalrun.go) runs in worker processes
// (ServeEvalWorker, `gonix lsp --eval-worker`) that the server kills on
// timeout, when they exceed their memory limit, or when a newer edit
// makes them pointless: evaluation errors with their trace as
// diagnostics, values of bindings in hover, attribute and module-system
// option names in completion.
//
// Entry points: Serve(ctx, stream, Options) runs one session until the
// client sends exit or closes the stream; ServeEvalWorker evaluates one
// job for it.
package lsp
