#!/usr/bin/env bash
# Formatter throughput on the real-world corpus (bench/corpus.sh), in one
# process: single-threaded (GOMAXPROCS=1) and parallel (all cores). Prints
# MB/s of wall time and MB per CPU-second (the latter is steadier when
# other work shares the machine), parsing included.
#
# Usage: bench/fmt.sh [ROUNDS]     (GONIX_CORPUS overrides the corpus dir)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(dirname "$here")"
rounds="${1:-5}"
corpus="${GONIX_CORPUS:-$here/corpus}"
if [[ ! -d "$corpus" ]] || [[ -z "$(find "$corpus" -name '*.nix' -print -quit)" ]]; then
    "$here/corpus.sh" "$corpus" >/dev/null
fi
if [[ -z "$(find "$corpus" -name '*.nix' -print -quit)" ]]; then
    echo "fmt.sh: no corpus; nothing to measure" >&2
    exit 0
fi
files=$(find "$corpus" -name '*.nix' -type f | wc -l)
bytes=$(find "$corpus" -name '*.nix' -type f -print0 | xargs -0 cat | wc -c)
echo "corpus: $files files, $bytes bytes ($corpus)"
# Other work on the machine skews the numbers (MB/cpu-s less so): show it.
[[ -r /proc/loadavg ]] && echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$root"
export GONIX_CORPUS="$corpus"
run() { # label cpus pattern
    go test ./formatter -run '^$' -bench "$3" -benchtime "${rounds}x" -cpu "$2" 2>/dev/null |
        awk -v label="$1" '/^Benchmark/ { for (i = 1; i <= NF; i++) { if ($(i+1) == "MB/s") mbs = $i; if ($(i+1) == "MB/cpu-s") cpu = $i }
            printf "%-22s %8s MB/s", label, mbs; if (cpu != "") printf "  (%s MB/cpu-s)", cpu; printf "\n" }'
}
run "format, 1 thread" 1 'BenchmarkFormatCorpus$'
run "format, $(nproc) threads" "$(nproc)" 'BenchmarkFormatCorpusParallel$'
run "parse only, 1 thread" 1 'BenchmarkParseCorpus$'
[[ -r /proc/loadavg ]] && echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# With NIXFMT=/path/to/nixfmt (the Haskell original), also compare outputs
# file by file (default and --strict) and time nixfmt on the same corpus.
if [[ -n "${NIXFMT:-}" ]]; then
    go build -o "$root/gonix" ./cmd/gonix
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    find "$corpus" -name '*.nix' -type f | sort > "$tmp/files"
    same=0; differ=0; both_fail=0; only_nixfmt_fails=0; only_gonix_fails=0
    while IFS= read -r f; do
        for mode in "" "--strict"; do
            n=0; "$NIXFMT" $mode - < "$f" > "$tmp/a" 2>/dev/null || n=1
            g=0; "$root/gonix" fmt $mode - < "$f" > "$tmp/b" 2>/dev/null || g=1
            if [[ $n == 1 && $g == 1 ]]; then both_fail=$((both_fail + 1))
            elif [[ $n == 1 ]]; then only_nixfmt_fails=$((only_nixfmt_fails + 1)); echo "nixfmt fails, gonix formats: $f $mode" >> "$tmp/report"
            elif [[ $g == 1 ]]; then only_gonix_fails=$((only_gonix_fails + 1)); echo "gonix fails, nixfmt formats: $f $mode" >> "$tmp/report"
            elif cmp -s "$tmp/a" "$tmp/b"; then same=$((same + 1))
            else differ=$((differ + 1)); echo "DIFFERENT: $f $mode" >> "$tmp/report"; fi
        done
    done < "$tmp/files"
    [[ -f "$tmp/report" ]] && head -40 "$tmp/report"
    echo "nixfmt comparison: $same identical, $differ different, $only_gonix_fails only gonix fails, $only_nixfmt_fails only nixfmt fails, $both_fail both fail"
    # nixfmt's own speed: one process over all files (check mode writes nothing).
    start=$(date +%s.%N)
    xargs -a "$tmp/files" -d '\n' "$NIXFMT" --check > /dev/null 2>&1 || true
    end=$(date +%s.%N)
    awk -v b="$bytes" -v s="$start" -v e="$end" 'BEGIN { printf "nixfmt --check, one process: %.2f MB/s\n", b / 1e6 / (e - s) }'
    start=$(date +%s.%N)
    xargs -a "$tmp/files" -d '\n' "$root/gonix" fmt --check > /dev/null 2>&1 || true
    end=$(date +%s.%N)
    awk -v b="$bytes" -v s="$start" -v e="$end" 'BEGIN { printf "gonix fmt --check, one process: %.2f MB/s\n", b / 1e6 / (e - s) }'
fi
