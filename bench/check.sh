#!/usr/bin/env bash
# Benchmarks `gonix check` over a real corpus (about 4,700 files from
# home-manager, nix-darwin, nixpkgs.lib and Nix) in one process and
# prints the throughput in MB/s (target: at least 20 MB/s). Skips cleanly
# when the mirrors the corpus comes from are absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus=${CORPUS:-$here/corpus}
runs=${RUNS:-3}

if [ -x "$here/corpus.sh" ] && [ -z "${CORPUS:-}" ]; then
  "$here/corpus.sh" >&2 || true
else
  CORPUS="$corpus" "$here/check-corpus.sh" >&2
fi
if [ ! -d "$corpus" ] || [ -z "$(find "$corpus" -name '*.nix' -print -quit)" ]; then
  echo "check.sh: no corpus at $corpus (mirrors absent); skipping"
  exit 0
fi

bin=$(mktemp -d)/gonix
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd "$root" && go build -o "$bin" ./cmd/gonix)

files=$(find "$corpus" -name '*.nix' -type f | wc -l)
bytes=$(find "$corpus" -name '*.nix' -type f -print0 | xargs -0 cat | wc -c)

best=""
cpu=""
TIMEFORMAT='%R %U %S'
for i in $(seq "$runs"); do
  out=$( { time "$bin" check --hidden "$corpus" >/dev/null 2>&1; } 2>&1; echo "$?" )
  t=$(echo "$out" | head -n 1)
  rc=$(echo "$out" | tail -n 1)
  if [ "$rc" -gt 1 ]; then
    echo "check.sh: gonix check failed with status $rc" >&2
    exit 1
  fi
  read -r real user sys <<<"$t"
  if [ -z "$best" ] || [ "$(echo "$real < $best" | bc -l)" = 1 ]; then
    best=$real
    cpu=$(echo "$user + $sys" | bc -l)
  fi
done
mb=$(echo "$bytes / 1000000" | bc -l)
printf 'gonix check: %d files, %.2f MB in %.3f s wall (best of %d, %d CPUs, load %s) = %.1f MB/s (target >= 20); %.2f CPU-s = %.1f MB per CPU-second\n' \
  "$files" "$mb" "$best" "$runs" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "$(echo "$mb / $best" | bc -l)" "$cpu" "$(echo "$mb / $cpu" | bc -l)"
