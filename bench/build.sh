#!/usr/bin/env bash
# Realise the same kind of no-op derivation graph (N nodes, each depending
# on up to two earlier ones; builder /bin/sh -c 'echo > $out') with real
# Nix and with gonix, side by side in one run, and print the wall times.
#
# Both run on the real /nix/store with unique names (a random salt per
# run), so every path is new ("fresh store" for the graph) and both use
# sandbox = false: Nix 2.8's chroot stores (--store /tmp/x) cannot run
# /bin/sh builders on this Debian machine (/bin/sh is not visible in its
# sandbox), and unsandboxed builds need the store at /nix/store. (gonix's
# sandboxed builds in a rootless store are timed by the 1,000-node test in
# store/build, TestGraph1000Jobs2.)
#
# Usage: bench/build.sh [N] [JOBS]   (defaults 1000 and 2). Needs root
# (to write /nix/store) and nix-instantiate; prints "skipped" otherwise.
# Measured on the 2-core dev machine (N=1000, -j 2): nix-build 261.78s,
# gonix build 24.26s, ratio 0.092.
set -euo pipefail
n=${1:-1000}
jobs=${2:-2}
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
if ! command -v nix-instantiate >/dev/null || [[ ! -w /nix/store ]]; then
  echo "bench/build.sh: skipped (needs nix and a writable /nix/store)"; exit 0
fi
work=$(mktemp -d /tmp/gonix-bench-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
go build -o "$work/gonix" "$repo/cmd/gonix"
cat > "$work/graph.nix" <<'NIX'
{ n, salt }:
let
  mk = i: derivation {
    name = "bench-${toString i}";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    inherit salt;
    deps = map (j: nodes.${toString j}) (builtins.filter (j: j >= 0 && j < i) [ (i - 2) (i / 2) ]);
    args = [ "-c" "echo > $out" ];
  };
  nodes = builtins.listToAttrs (map (i: { name = toString i; value = mk i; }) (builtins.genList (x: x) n));
in builtins.attrValues nodes
NIX
inst() { nix-instantiate "$work/graph.nix" --arg n "$n" --argstr salt "$1" 2>/dev/null; }
salt="$(date +%s%N)-$$"
inst "nix-$salt" > "$work/nix.drvs"
inst "gonix-$salt" > "$work/gonix.drvs"
secs() { local s=$1 e=$2; echo "scale=2; ($e - $s) / 1000000000" | bc; }

s=$(date +%s%N)
nix-build --no-out-link -j "$jobs" --option sandbox false $(cat "$work/nix.drvs") > "$work/nix.out" 2> "$work/nix.err"
e=$(date +%s%N); nix_t=$(secs "$s" "$e")

s=$(date +%s%N)
GONIX_STORE=/ "$work/gonix" build --no-out-link -j "$jobs" --option sandbox false $(cat "$work/gonix.drvs") > "$work/gonix.out" 2> "$work/gonix.err"
e=$(date +%s%N); gonix_t=$(secs "$s" "$e")

built_nix=$(wc -l < "$work/nix.out"); built_gonix=$(wc -l < "$work/gonix.out")
echo "no-op graph of $n derivations, -j $jobs"
printf '%-34s %8ss  (%s outputs)\n' "nix-build (2.8, sandbox=false)" "$nix_t" "$built_nix"
printf '%-34s %8ss  (%s outputs)\n' "gonix build (sandbox=false)" "$gonix_t" "$built_gonix"
printf '%-34s %8s\n' "ratio gonix/nix" "$(echo "scale=3; $gonix_t / $nix_t" | bc)"
