# gonix stdenv compiler wrapper, sourced by bin/cc, bin/gcc, bin/c++ and
# bin/g++ as: source cc-wrapper.sh WRAPPER-DIR TOOL ARGS...
#
# Runs the host's TOOL (the first one on PATH outside WRAPPER-DIR, or on
# the host path) with the flags the stdenv collected from the inputs:
# $NIX_CFLAGS_COMPILE always, and when linking $NIX_CFLAGS_LINK and
# $NIX_LDFLAGS (-L and -l as they are, -rpath DIR and other linker flags
# through -Wl,), plus an rpath entry for every -L directory in the store.

__wrapperDir="$1"
__tool="$2"
shift 2

# The host compiler: TOOL itself, else the usual alternatives (cc may be
# a dangling alternatives link inside a sandbox).
case "$__tool" in
    cc) __candidates=(cc gcc clang) ;;
    c++) __candidates=(c++ g++ clang++) ;;
    *) __candidates=("$__tool") ;;
esac
__real=""
IFS=: read -r -a __dirs <<< "${PATH:-}:${hostPath:-/usr/local/bin:/usr/bin:/bin}"
for __c in "${__candidates[@]}"; do
    for __d in "${__dirs[@]}"; do
        [[ -z "$__d" || "$__d" == "$__wrapperDir" ]] && continue
        # Skip other copies of these wrappers (another gonix stdenv).
        [[ -f "$__d/../cc-wrapper.sh" ]] && continue
        if [[ -x "$__d/$__c" && ! -d "$__d/$__c" ]]; then
            __real="$__d/$__c"
            break 2
        fi
    done
done
if [[ -z "$__real" ]]; then
    echo "gonix cc wrapper: no host ${__candidates[*]} found on PATH; install a C compiler (gcc) on the host" >&2
    exit 127
fi

__link=1
__nargs=$#
for __a in "$@"; do
    case "$__a" in
        -c | -S | -E | -M | -MM) __link=0 ;;
    esac
done
if (( __nargs == 0 )); then
    __link=0
fi

__before=()
__after=()
read -r -d '' -a __before <<< "${NIX_CFLAGS_COMPILE:-}" || true
if (( __link )); then
    __words=()
    read -r -d '' -a __words <<< "${NIX_CFLAGS_LINK:-}" || true
    __after+=(${__words[@]+"${__words[@]}"})
    __words=()
    read -r -d '' -a __words <<< "${NIX_LDFLAGS:-}" || true
    __i=0
    while (( __i < ${#__words[@]} )); do
        __w="${__words[$__i]}"
        case "$__w" in
            -L*)
                __after+=("$__w")
                __dir="${__w#-L}"
                if [[ -z "${NIX_DONT_SET_RPATH:-}" && "$__dir" == "${NIX_STORE:-/nix/store}"/* ]]; then
                    __after+=("-Wl,-rpath,$__dir")
                fi
                ;;
            -l*)
                __after+=("$__w")
                ;;
            -rpath)
                __i=$(( __i + 1 ))
                __after+=("-Wl,-rpath,${__words[$__i]:-}")
                ;;
            *)
                __after+=("-Wl,$__w")
                ;;
        esac
        __i=$(( __i + 1 ))
    done
fi

if (( "${NIX_DEBUG:-0}" >= 1 )); then
    printf 'gonix cc wrapper: %q' "$__real" >&2
    printf ' %q' ${__before[@]+"${__before[@]}"} "$@" ${__after[@]+"${__after[@]}"} >&2
    echo >&2
fi
exec "$__real" ${__before[@]+"${__before[@]}"} "$@" ${__after[@]+"${__after[@]}"}
