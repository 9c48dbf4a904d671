#!/usr/bin/env bash
# Exports the *.nix files of the bare mirrors under /work/.mirror into
# bench/corpus/ (gitignored) for bench/check.sh. Skips (exit 0, message on
# stderr) when no mirror is present. Used only when bench/corpus.sh (the
# formatter's corpus script) is absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mirrors=${MIRRORS:-/work/.mirror}
out=${CORPUS:-$here/corpus}
repos=(nix-community+home-manager LnL7+nix-darwin nix-community+nixpkgs.lib NixOS+nix)
found=0
for r in "${repos[@]}"; do
  git_dir="$mirrors/$r/repo"
  [ -d "$git_dir" ] || continue
  found=1
  [ -d "$out/$r" ] && continue
  mkdir -p "$out/$r.tmp"
  git -C "$git_dir" archive --format=tar HEAD | tar -x -C "$out/$r.tmp" --wildcards '*.nix' 2>/dev/null || true
  mv "$out/$r.tmp" "$out/$r"
done
if [ "$found" = 0 ]; then
  echo "check-corpus: no mirrors under $mirrors; nothing to export" >&2
fi
