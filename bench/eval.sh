#!/usr/bin/env bash
# Evaluator benchmark: gonix eval --strict against nix-instantiate --eval
# --strict on the same expressions, in one run on one machine. Prints wall
# time and CPU time (user+sys, with its parts; best of $RUNS runs of each,
# alternating), the gonix/Nix ratios, peak RSS of each, and the load
# average before and after.
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

# once CMD... -> prints "WALL USER SYS KB" of one run.
once() {
    /usr/bin/time -f '%e %U %S %M' "$@" > /dev/null 2> "$tmp/err" || true
    tail -1 "$tmp/err"
}

# row NAME FILE: runs gonix and Nix alternately $runs times each (so
# that changing machine load hits both alike) and prints the best wall
# time, the best CPU time (user+sys; on a loaded machine the steadier
# number) with its user and sys parts, the gonix/Nix ratios, and the
# largest peak RSS of each.
row() {
    local name=$1 file=$2 i t u s m
    local gt="" gc="" gu="" gs="" gm=0 nt=- nc=- nu=- ns=- nm=- ratio=- cratio=-
    [[ $have_nix == 1 ]] && nt="" nc="" nm=0
    for ((i = 0; i < runs; i++)); do
        read -r t u s m <<< "$(once "$gonix" eval --strict "$file")"
        if [[ -z "$gt" ]] || awk "BEGIN{exit !($t < $gt)}"; then gt=$t; fi
        if [[ -z "$gc" ]] || awk "BEGIN{exit !($u + $s < $gc)}"; then gc="$(awk "BEGIN{print $u + $s}")" gu=$u gs=$s; fi
        (( m > gm )) && gm=$m
        [[ $have_nix == 1 ]] || continue
        read -r t u s m <<< "$(once nix-instantiate --eval --strict "$file")"
        if [[ -z "$nt" ]] || awk "BEGIN{exit !($t < $nt)}"; then nt=$t; fi
        if [[ -z "$nc" ]] || awk "BEGIN{exit !($u + $s < $nc)}"; then nc="$(awk "BEGIN{print $u + $s}")" nu=$u ns=$s; fi
        (( m > nm )) && nm=$m
    done
    if [[ $have_nix == 1 ]]; then
        ratio="$(awk "BEGIN{ if ($nt > 0) printf \"%.2f\", $gt / $nt; else print \"-\" }")"
        cratio="$(awk "BEGIN{ if ($nc > 0) printf \"%.2f\", $gc / $nc; else print \"-\" }")"
    fi
    local ncpu=-
    [[ $have_nix == 1 ]] && ncpu="$nc ($nu+$ns)"
    printf '%-16s %7s %7s %5s  %-17s %-17s %5s  %9s %9s\n' "$name" "$gt" "$nt" "$ratio" \
        "$gc ($gu+$gs)" "$ncpu" "$cratio" "$gm" "$nm"
}

load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }
# gonix eval maps its young heap with transparent huge pages when the
# kernel takes advice (policy "madvise"); page faults are a large part
# of both tools' time on virtual machines, so say which policy applies.
thp="$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true)"
echo "load average before: $(load); best of $runs alternating runs; transparent huge pages: ${thp:-unknown}"
printf '%-16s %7s %7s %5s  %-17s %-17s %5s  %9s %9s\n' benchmark "gonix s" "nix s" ratio \
    "gonix cpu (u+s)" "nix cpu (u+s)" ratio "gonix KB" "nix KB"
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
