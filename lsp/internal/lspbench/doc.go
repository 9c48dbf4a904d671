// Command lspbench measures `gonix lsp` the way an editor uses it: latency
// of diagnostics and completion after incremental edits of a large file,
// peak memory, and the time to index a real workspace for workspace
// symbols. bench/lsp.sh runs it.
package main
