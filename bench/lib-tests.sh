#!/usr/bin/env bash
# Runs nixpkgs lib's own test suite (lib/tests/misc.nix) with gonix eval
# --strict and, when nix-instantiate is installed, with Nix too, and checks
# that both give the empty list of failures.
#
# The library is exported with `git archive` from a bare mirror of
# nix-community/nixpkgs.lib ($NIXPKGS_LIB_MIRROR, default
# /work/.mirror/nix-community+nixpkgs.lib/repo) at $NIXPKGS_LIB_REV (default:
# the mirror's HEAD), or taken from an existing checkout in $NIXPKGS_LIB.
# Nothing is committed. Exits 0 when absent (skip), 1 on a mismatch.
#
# Usage: GONIX=./gonix bench/lib-tests.sh
set -euo pipefail
gonix="${GONIX:-./gonix}"
mirror="${NIXPKGS_LIB_MIRROR:-/work/.mirror/nix-community+nixpkgs.lib/repo}"
rev="${NIXPKGS_LIB_REV:-HEAD}"
lib="${NIXPKGS_LIB:-}"
if [[ -z "$lib" ]]; then
    if [[ ! -d "$mirror" ]]; then
        echo "lib-tests: no nixpkgs.lib mirror at $mirror and NIXPKGS_LIB unset; skipping" >&2
        exit 0
    fi
    lib="$(mktemp -d -t nixpkgs-lib.XXXXXX)"
    trap 'rm -rf "$lib"' EXIT
    git -C "$mirror" archive "$rev" | tar -x -C "$lib"
fi
misc="$lib/lib/tests/misc.nix"
[[ -f "$misc" ]] || { echo "lib-tests: $misc not found; skipping" >&2; exit 0; }
got="$("$gonix" eval --strict "$misc" 2>/dev/null)" || { echo "lib-tests: gonix failed:" >&2; "$gonix" eval --strict --show-trace "$misc" >&2 || true; exit 1; }
echo "gonix: $got"
status=0
[[ "$got" == "[ ]" ]] || status=1
if command -v nix-instantiate >/dev/null 2>&1; then
    if want="$(nix-instantiate --eval --strict "$misc" 2>/dev/null)"; then
        echo "nix:   $want"
        [[ "$got" == "$want" ]] || status=1
    else
        echo "nix:   (cannot evaluate this revision; needs a newer Nix)"
    fi
fi
exit $status
