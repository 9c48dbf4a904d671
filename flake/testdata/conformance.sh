#!/usr/bin/env bash
# Runs a gonix binary against the flake goldens recorded with Nix 2.8 in
# ../shared/conformance/store/flake (make-flake.sh's fixture): flake.lock
# byte for byte, and `flake metadata --json` / `flake show --json` as JSON.
# Prints "N passed, N failed".
#
# Usage: GONIX=./gonix flake/testdata/conformance.sh [CONFORMANCE_FLAKE_DIR]
#
# JSON comparisons ignore what current Nix changed since 2.8 (gonix
# follows current Nix): the percent-encoding of the "url" fields (current
# Nix escapes '+' and '=' and keeps '/'), "description" of derivations in
# show (always present now) and "fingerprint" in metadata. main's own
# narHash, store path and locked URL depend on the fixture's directory
# (its flake.nix contains it) and are masked.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
golden="${1:-$here/../../../shared/conformance/store/flake}"
golden="$(cd "$golden" && pwd)"
GONIX="${GONIX:-gonix}"
case "$GONIX" in */*) GONIX="$(cd "$(dirname "$GONIX")" && pwd)/$(basename "$GONIX")";; esac
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 2; }

tmp="$(mktemp -d)"; trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export GONIX_STORE="$tmp/store" HOME="$tmp/home" XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/config"
D="$tmp/w"
bash "$golden/make-flake.sh" "$D" >/dev/null

pass=0; fail=0
result() { # name ok
  if [[ "$2" == 0 ]]; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
norm() { sed "s|$D|@DIR@|g"; }
jqnorm='walk(if type == "object" then del(.fingerprint) | (if (.type? == "derivation" and .description? == "") then del(.description) else . end) else . end)
  | walk(if type == "string" then gsub("%2[Bb]"; "+") | gsub("%3[Dd]"; "=") | gsub("%2[Ff]"; "/") else . end)'
mask='.locked.narHash = "MASKED" | .path = "MASKED" | .url = "MASKED"'

# flake.lock, written by gonix flake lock, byte for byte.
(cd "$D/main" && "$GONIX" flake lock 2>/dev/null) || true
if [[ -f "$D/main/flake.lock" ]] && cmp -s <(norm < "$D/main/flake.lock") "$golden/flake.lock"; then ok=0; else ok=1; fi
result flake.lock $ok
touch -h -t 202001010000.00 "$D/main" "$D/main/flake.lock" 2>/dev/null || true

jsoncase() { # name golden-file extra-jq gonix-args...
  local name=$1 file=$2 extra=$3; shift 3
  local got want
  got="$(cd "$D/main" && "$GONIX" "$@" 2>/dev/null | norm | jq -S "$jqnorm | $extra" 2>/dev/null)" || got=""
  want="$(jq -S "$jqnorm | $extra" < "$golden/$file")"
  if [[ -n "$got" && "$got" == "$want" ]]; then result "$name" 0; else result "$name" 1; fi
}
opts=(--no-write-lock-file)
jsoncase show.json show.json . flake show --json "${opts[@]}"
jsoncase metadata.json metadata.json "$mask" flake metadata --json "${opts[@]}"
jsoncase metadata-dep-path.json metadata-dep-path.json . flake metadata --json "${opts[@]}" "path:$D/dep-path"
jsoncase metadata-dep-git.json metadata-dep-git.json . flake metadata --json "${opts[@]}" \
  --override-input dep-path "path:$D/dep-path" "git+file://$D/dep-git"
rev1=$(git -C "$D/dep-git" rev-list --max-parents=0 HEAD)
jsoncase metadata-dep-git-rev1.json metadata-dep-git-rev1.json . flake metadata --json "${opts[@]}" \
  --override-input dep-path "path:$D/dep-path" "git+file://$D/dep-git?rev=$rev1"

echo "$pass passed, $fail failed"
