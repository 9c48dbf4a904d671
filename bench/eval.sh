#!/usr/bin/env bash
# Evaluator benchmark: gonix eval --strict against nix-instantiate --eval
# --strict on the same expressions, in one run on one machine. Prints wall
# time (best of $RUNS), the gonix/Nix time ratio and peak RSS of each.
#
# Rows: foldl' over genList 10^6, naive fib 25, listToAttrs of 10^5
# pairs, concatStringsSep of 10^5 strings, and nixpkgs lib's
# lib/tests/misc.nix (exported from the nixpkgs.lib mirror at a revision
# Nix 2.8 can evaluate; set NIXPKGS_LIB to use a checkout instead).
#
# Usage: GONIX=./gonix bench/eval.sh        (targets: ratio <= 0.70, RSS <= Nix's)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
gonix="${GONIX:-./gonix}"
runs="${RUNS:-3}"
mirror="${NIXPKGS_LIB_MIRROR:-/work/.mirror/nix-community+nixpkgs.lib/repo}"
# Last nixpkgs.lib revision whose misc.nix evaluates with Nix 2.8.
librev="${NIXPKGS_LIB_REV:-83192a0e}"
have_nix=0; command -v nix-instantiate >/dev/null 2>&1 && have_nix=1
[[ -x /usr/bin/time ]] || { echo "bench/eval.sh needs /usr/bin/time (GNU time)" >&2; exit 2; }

tmp="$(mktemp -d -t gonix-bench.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
lib="${NIXPKGS_LIB:-}"
if [[ -z "$lib" && -d "$mirror" ]]; then
    lib="$tmp/nixpkgs-lib"; mkdir -p "$lib"
    git -C "$mirror" archive "$librev" | tar -x -C "$lib"
fi

# measure CMD... -> prints "WALL CPU KB": best wall time and best CPU
# time (user+sys) of $runs, and the largest peak RSS. On a loaded machine
# CPU time is the steadier number.
measure() {
    local best="" cbest="" rss=0 i t u s m c
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -f '%e %U %S %M' "$@" > /dev/null 2> "$tmp/err" || true
        read -r t u s m <<< "$(tail -1 "$tmp/err")"
        c="$(awk "BEGIN{print $u + $s}")"
        if [[ -z "$best" ]] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
        if [[ -z "$cbest" ]] || awk "BEGIN{exit !($c < $cbest)}"; then cbest=$c; fi
        (( m > rss )) && rss=$m
    done
    echo "$best $cbest $rss"
}

printf '%-16s %8s %8s %6s %8s %8s %6s %10s %10s\n' benchmark "gonix s" "nix s" ratio "g cpu" "n cpu" ratio "gonix KB" "nix KB"
row() {
    local name=$1 file=$2
    read -r gt gc gm <<< "$(measure "$gonix" eval --strict "$file")"
    if [[ $have_nix == 1 ]]; then
        read -r nt nc nm <<< "$(measure nix-instantiate --eval --strict "$file")"
        ratio="$(awk "BEGIN{ if ($nt > 0) printf \"%.2f\", $gt / $nt; else print \"-\" }")"
        cratio="$(awk "BEGIN{ if ($nc > 0) printf \"%.2f\", $gc / $nc; else print \"-\" }")"
    else
        nt=- nc=- nm=- ratio=- cratio=-
    fi
    printf '%-16s %8s %8s %6s %8s %8s %6s %10s %10s\n' "$name" "$gt" "$nt" "$ratio" "$gc" "$nc" "$cratio" "$gm" "$nm"
}
row "foldl' 10^6" "$here/eval/foldl.nix"
row "fib 25" "$here/eval/fib.nix"
row "listToAttrs 1e5" "$here/eval/listtoattrs.nix"
row "concatStrings" "$here/eval/concatstrings.nix"
if [[ -n "$lib" && -f "$lib/lib/tests/misc.nix" ]]; then
    row "lib misc.nix" "$lib/lib/tests/misc.nix"
else
    echo "lib misc.nix: skipped (no nixpkgs.lib mirror; set NIXPKGS_LIB)"
fi
