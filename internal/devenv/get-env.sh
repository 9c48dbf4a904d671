# gonix get-env: the builder script of the "-env" derivations behind
# `gonix develop` (see package devenv).
#
# It runs in place of a derivation's own builder script, with the same
# environment: it sets the derivation up the way a development shell
# would (IN_NIX_SHELL=impure, the stdenv's setup sourced), then writes
# every shell variable (strings with their exported flag, indexed and
# associative arrays) and every shell function as JSON to the first
# output; other outputs get empty files. The JSON has the shape of
# `nix print-dev-env --json`:
#
#   {"bashFunctions": {NAME: BODY, ...},
#    "variables": {NAME: {"type": "var"|"exported"|"array"|"associative",
#                         "value": ...}, ...},
#    "structuredAttrs": {".attrs.sh": TEXT, ".attrs.json": TEXT}}   (if any)
set -e

if [[ -n "${NIX_ATTRS_SH_FILE:-}" && -e "$NIX_ATTRS_SH_FILE" ]]; then
    source "$NIX_ATTRS_SH_FILE"
fi

export IN_NIX_SHELL=impure
export dontAddDisableDepTrack=1

if [[ -n "${stdenv:-}" ]]; then
    source "$stdenv/setup"
fi

# The state to dump, taken before anything below defines more.
__gonixDeclarations="$(declare -p)"
__gonixFunctionNames="$(declare -F)"

# __gonixQuote STRING: STRING as a JSON string literal.
__gonixQuote() {
    local s="$1"
    s="${s//\\/\\\\}"
    s="${s//\"/\\\"}"
    s="${s//$'\n'/\\n}"
    s="${s//$'\r'/\\r}"
    s="${s//$'\t'/\\t}"
    if [[ "$s" == *[[:cntrl:]]* ]]; then
        # Rare: other control characters become \u00XX escapes.
        local i c r
        for ((i = 1; i < 32; i++)); do
            printf -v c "\\x$(printf '%02x' "$i")"
            printf -v r '\\u%04x' "$i"
            s="${s//"$c"/"$r"}"
        done
    fi
    printf '"%s"' "$s"
}

# __gonixSkipVariable NAME: whether NAME is bash's own bookkeeping, which
# a new shell sets for itself.
__gonixSkipVariable() {
    case "$1" in
        BASH_* | COMP_* | _ | DIRSTACK | EUID | FUNCNAME | GROUPS | HISTCMD | HOSTNAME | \
            PIPESTATUS | PWD | RANDOM | SECONDS | SHLVL | EPOCHREALTIME | EPOCHSECONDS)
            return 0
            ;;
    esac
    return 1
}

# __gonixVariable TYPE NAME: one entry of "variables". Every local name
# starts with __gonix so that it cannot hide the variable being dumped.
__gonixVariable() {
    local __gonixType="$1" __gonixName="$2" __gonixSep="" __gonixElem
    __gonixQuote "$__gonixName"
    case "$__gonixType" in
        -)
            printf ': {"type": "var", "value": '
            __gonixQuote "${!__gonixName-}"
            ;;
        x)
            printf ': {"type": "exported", "value": '
            __gonixQuote "${!__gonixName-}"
            ;;
        a)
            local -n __gonixArray="$__gonixName"
            printf ': {"type": "array", "value": ['
            for __gonixElem in ${__gonixArray[@]+"${__gonixArray[@]}"}; do
                printf '%s' "$__gonixSep"
                __gonixQuote "$__gonixElem"
                __gonixSep=", "
            done
            printf ']'
            ;;
        A)
            local -n __gonixAssoc="$__gonixName"
            printf ': {"type": "associative", "value": {'
            for __gonixElem in ${__gonixAssoc[@]+"${!__gonixAssoc[@]}"}; do
                printf '%s\n      ' "$__gonixSep"
                __gonixQuote "$__gonixElem"
                printf ': '
                __gonixQuote "${__gonixAssoc[$__gonixElem]}"
                __gonixSep=","
            done
            printf '}'
            ;;
    esac
    printf '}'
}

__gonixDump() {
    local __gonixLine __gonixName __gonixBody __gonixSep=""
    printf '{\n  "bashFunctions": {'
    while IFS= read -r __gonixLine; do
        [[ "$__gonixLine" =~ ^declare\ -f\ (.+)$ ]] || continue
        __gonixName="${BASH_REMATCH[1]}"
        __gonixBody="$(declare -f -- "$__gonixName")"
        # "NAME () \n{ BODY}": keep what is between the outer braces.
        __gonixBody="${__gonixBody#*\{}"
        __gonixBody="${__gonixBody%\}*}"
        printf '%s\n    ' "$__gonixSep"
        __gonixQuote "$__gonixName"
        printf ': '
        __gonixQuote "$__gonixBody"
        __gonixSep=","
    done <<< "$__gonixFunctionNames"
    printf '\n  },\n  "variables": {'
    __gonixSep=""
    local __gonixType
    while IFS= read -r __gonixLine; do
        [[ "$__gonixLine" =~ ^declare\ -([^\ ]+)\ ([A-Za-z_][A-Za-z0-9_]*)(=|$) ]] || continue
        __gonixType="${BASH_REMATCH[1]}"
        __gonixName="${BASH_REMATCH[2]}"
        # Like Nix's get-env.sh: only plain, exported, array and
        # associative variables (not integers, read-only values, name
        # references or several attributes at once).
        case "$__gonixType" in
            - | x | a | A) ;;
            *) continue ;;
        esac
        __gonixSkipVariable "$__gonixName" && continue
        # A line inside a multi-line value (older bash) is no declaration.
        declare -p -- "$__gonixName" > /dev/null 2>&1 || continue
        printf '%s\n    ' "$__gonixSep"
        __gonixVariable "$__gonixType" "$__gonixName"
        __gonixSep=","
    done <<< "$__gonixDeclarations"
    printf '\n  }'
    if [[ -n "${NIX_ATTRS_SH_FILE:-}" && -e "$NIX_ATTRS_SH_FILE" ]]; then
        printf ',\n  "structuredAttrs": {\n    ".attrs.json": '
        __gonixQuote "$(< "$NIX_ATTRS_JSON_FILE")"
        printf ',\n    ".attrs.sh": '
        __gonixQuote "$(< "$NIX_ATTRS_SH_FILE")"
        printf '\n  }'
    fi
    printf '\n}\n'
}

# The environment goes to the first output; the others must exist too.
__gonixWritten=""
__gonixWrite() {
    if [[ -z "$__gonixWritten" ]]; then
        __gonixDump > "$1"
        __gonixWritten=1
    else
        : > "$1"
    fi
}
if [[ -n "${NIX_ATTRS_SH_FILE:-}" && -e "$NIX_ATTRS_SH_FILE" ]]; then
    # Structured attributes: outputs maps output names to paths.
    for __gonixOutput in "${outputs[@]}"; do
        __gonixWrite "$__gonixOutput"
    done
else
    # (A derivation without "outputs" has the one output "out".)
    for __gonixOutput in ${outputs-out}; do
        __gonixWrite "${!__gonixOutput}"
    done
fi
