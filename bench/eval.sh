#!/usr/bin/env bash
# Evaluator benchmark: gonix eval --strict against nix-instantiate --eval
# --strict on the same expressions, in one run on one machine. Prints wall
# time and CPU time per evaluation (user+sys, with its parts; best of
# $RUNS runs of each, alternating; short rows time $REPS evaluations back
# to back per run, by default enough for about half a second), the
# gonix/Nix ratios, peak RSS of each, and the load average before and
# after.
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

# once REPS CMD... -> prints "WALL USER SYS KB" of REPS back-to-back
# runs of CMD, per run (times divided by REPS, to three decimals; KB the
# largest peak RSS). GNU time counts in tenths of a second, so short
# rows are timed over several runs.
once() {
    local reps=$1 t u s m
    shift
    /usr/bin/time -f '%e %U %S %M' sh -c '
        n=$1; shift; i=0
        while [ "$i" -lt "$n" ]; do "$@" > /dev/null || exit 1; i=$((i + 1)); done' \
        sh "$reps" "$@" 2> "$tmp/err" || true
    read -r t u s m <<< "$(tail -1 "$tmp/err")"
    awk -v t="$t" -v u="$u" -v s="$s" -v m="$m" -v n="$reps" \
        'BEGIN { printf "%.3f %.3f %.3f %d\n", t / n, u / n, s / n, m }'
}

# reps FILE -> how many back-to-back runs make one timing of FILE: $REPS
# when set, else enough for about half a second of gonix (1 to 10).
reps() {
    if [[ -n "${REPS:-}" ]]; then echo "$REPS"; return; fi
    local t u s m
    read -r t u s m <<< "$(once 1 "$gonix" eval --strict "$1")"
    awk -v t="$t" 'BEGIN { r = int(0.5 / (t > 0.01 ? t : 0.01) + 0.5); print (r < 1 ? 1 : (r > 10 ? 10 : r)) }'
}

# row NAME FILE: runs gonix and Nix alternately $runs times each (so
# that changing machine load hits both alike), each time REPS runs back
# to back, and prints the best wall time per run, the best CPU time
# (user+sys; on a loaded machine the steadier number) with its user and
# sys parts, the gonix/Nix ratios, the largest peak RSS of each, and
# REPS.
row() {
    local name=$1 file=$2 i t u s m n
    local gt="" gc="" gu="" gs="" gm=0 nt=- nc=- nu=- ns=- nm=- ratio=- cratio=-
    [[ $have_nix == 1 ]] && nt="" nc="" nm=0
    n="$(reps "$file")"
    for ((i = 0; i < runs; i++)); do
        read -r t u s m <<< "$(once "$n" "$gonix" eval --strict "$file")"
        if [[ -z "$gt" ]] || awk "BEGIN{exit !($t < $gt)}"; then gt=$t; fi
        if [[ -z "$gc" ]] || awk "BEGIN{exit !($u + $s < $gc)}"; then gc="$(awk "BEGIN{printf \"%.3f\", $u + $s}")" gu=$u gs=$s; fi
        (( m > gm )) && gm=$m
        [[ $have_nix == 1 ]] || continue
        read -r t u s m <<< "$(once "$n" nix-instantiate --eval --strict "$file")"
        if [[ -z "$nt" ]] || awk "BEGIN{exit !($t < $nt)}"; then nt=$t; fi
        if [[ -z "$nc" ]] || awk "BEGIN{exit !($u + $s < $nc)}"; then nc="$(awk "BEGIN{printf \"%.3f\", $u + $s}")" nu=$u ns=$s; fi
        (( m > nm )) && nm=$m
    done
    if [[ $have_nix == 1 ]]; then
        ratio="$(awk "BEGIN{ if ($nt > 0) printf \"%.2f\", $gt / $nt; else print \"-\" }")"
        cratio="$(awk "BEGIN{ if ($nc > 0) printf \"%.2f\", $gc / $nc; else print \"-\" }")"
    fi
    local ncpu=-
    [[ $have_nix == 1 ]] && ncpu="$nc ($nu+$ns)"
    printf '%-16s %7s %7s %5s  %-23s %-23s %5s  %9s %9s %4s\n' "$name" "$gt" "$nt" "$ratio" \
        "$gc ($gu+$gs)" "$ncpu" "$cratio" "$gm" "$nm" "$n"
}

load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }
# gonix eval maps its young heap with transparent huge pages when the
# kernel takes advice (policy "madvise"); page faults are a large part
# of both tools' time on virtual machines, so say which policy applies.
thp="$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true)"
echo "load average before: $(load); best of $runs alternating runs; transparent huge pages: ${thp:-unknown}"
printf '%-16s %7s %7s %5s  %-23s %-23s %5s  %9s %9s %4s\n' benchmark "gonix s" "nix s" ratio \
    "gonix cpu (u+s)" "nix cpu (u+s)" ratio "gonix KB" "nix KB" reps
row "foldl' 10^6" "$here/eval/foldl.nix"
row "fib 25" "$here/eval/fib.nix"
row "listToAttrs 1e5" "$here/eval/listtoattrs.nix"
row "concatStrings" "$here/eval/concatstrings.nix"
if [[ -n "$lib" && -f "$lib/lib/tests/misc.nix" ]]; then
    row "lib misc.nix" "$lib/lib/tests/misc.nix"
else
    echo "lib misc.nix: skipped (no nixpkgs.lib mirror; set NIXPKGS_LIB)"
fi
echo "load average after: $(load)"
