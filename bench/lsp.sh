#!/usr/bin/env bash
# Benchmarks the language server as an editor uses it (issue 7):
#  - a generated 30,000-line file, 500 incremental edits: p50/p99 latency of
#    diagnostics (pulled) and of completion right after an edit, the server's
#    CPU time per edit (so that a busy machine's wall-clock noise can be told
#    apart) with the load average, and peak RSS;
#  - indexing a workspace of real files (home-manager's ~3,500 .nix files,
#    exported by bench/corpus.sh) for workspace symbols: time and peak RSS.
# Targets: p99 < 20 ms, RSS < 150 MB.
#
# Usage: bench/lsp.sh [CORPUS_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/.." && pwd -P)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$root"
go build -o "$tmp/gonix" ./cmd/gonix
go build -o "$tmp/lspbench" ./lsp/internal/lspbench

corpus="${1:-}"
if [[ -z "$corpus" ]]; then
    base="${GONIX_CORPUS:-$here/corpus}"
    if [[ ! -d "$base/nix-community+home-manager" && -x "$here/corpus.sh" ]]; then
        "$here/corpus.sh" "$base" >/dev/null 2>&1 || true
    fi
    if [[ -d "$base/nix-community+home-manager" ]]; then
        corpus="$base/nix-community+home-manager"
    else
        echo "lsp bench: no corpus (bench/corpus.sh found no mirrors); skipping the workspace part" >&2
    fi
fi
"$tmp/lspbench" -gonix "$tmp/gonix" -lines 30000 -edits 500 -corpus "$corpus"
