#!/usr/bin/env bash
# Parser throughput on the real corpus: MB/s single-threaded and allocated
# bytes per source byte (go test -bench), next to the targets of issue 10.
# The corpus comes from bench/corpus.sh (or $GONIX_CORPUS); without it the
# benchmark is skipped.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
corpus="${GONIX_CORPUS:-$here/corpus}"
[[ -d "$corpus" ]] || "$here/corpus.sh" "$corpus"
cd "$here/.."
files=$(find "$corpus" -name '*.nix' | wc -l)
bytes=$(find "$corpus" -name '*.nix' -print0 | xargs -0 cat | wc -c)
echo "corpus: $files files, $bytes bytes"
GONIX_CORPUS="$corpus" go test -run '^$' -bench 'BenchmarkParseCorpus' -benchtime "${BENCHTIME:-10x}" -count "${COUNT:-3}" ./parser |
  awk '/BenchmarkParseCorpus/ { for (i = 1; i <= NF; i++) { if ($(i+1) == "MB/s") mbs = $i; if ($(i+1) == "allocB/srcB") ab = $i }
         printf "parse: %s MB/s (target >= 50), %s allocated bytes per source byte (target <= 16)\n", mbs, ab }'
