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
// Entry point: Serve(ctx, stream, Options) runs one session until the
// client sends exit or closes the stream.
package lsp
