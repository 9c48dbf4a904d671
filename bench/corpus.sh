#!/usr/bin/env bash
# Exports the *.nix files of a few fetched repositories into a local corpus
# for the formatter's corpus tests and benchmarks (bench/fmt.sh).
#
# Usage: bench/corpus.sh [DEST]
#   DEST defaults to $GONIX_CORPUS, else bench/corpus (gitignored).
#   MIRROR_ROOT (default /work/.mirror) holds bare repos named OWNER+NAME/repo.
#
# The files are exported with `git archive` from each mirror's HEAD; nothing is
# committed. Mirrors that are absent are skipped; if none is present the
# script says so and exits 0, leaving DEST empty.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
dest="${1:-${GONIX_CORPUS:-$here/corpus}}"
mirror_root="${MIRROR_ROOT:-/work/.mirror}"
repos=(
    nix-community+home-manager
    LnL7+nix-darwin
    nix-community+nixpkgs.lib
    NixOS+nix
    NixOS+nixfmt
)

mkdir -p "$dest"
found=0
for r in "${repos[@]}"; do
    git_dir="$mirror_root/$r/repo"
    if ! git --git-dir="$git_dir" rev-parse --verify -q HEAD >/dev/null 2>&1; then
        echo "corpus: $r not fetched ($git_dir), skipped" >&2
        continue
    fi
    found=$((found + 1))
    out="$dest/$r"
    rm -rf "$out"
    mkdir -p "$out"
    # Only *.nix files; pathspec magic keeps this to one archive stream.
    files=$(git --git-dir="$git_dir" ls-tree -r --name-only HEAD | grep -c '\.nix$' || true)
    if [[ "$files" -eq 0 ]]; then continue; fi
    git --git-dir="$git_dir" archive --format=tar HEAD -- ':(glob)**/*.nix' |
        tar -x -C "$out"
    n=$(find "$out" -name '*.nix' -type f | wc -l)
    bytes=$(find "$out" -name '*.nix' -type f -print0 | xargs -0 cat | wc -c)
    echo "corpus: $r: $n files, $bytes bytes -> $out" >&2
done
if [[ $found -eq 0 ]]; then
    echo "corpus: no mirrors under $mirror_root; corpus is empty" >&2
fi
echo "$dest"
