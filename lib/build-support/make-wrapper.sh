# makeWrapper / wrapProgram: setup hook of gonix's makeWrapper package.
#
#   makeWrapper EXECUTABLE WRAPPER ARGS...
#   wrapProgram PROGRAM ARGS...   (moves PROGRAM to .PROGRAM-wrapped)
#
# ARGS:
#   --argv0 NAME              run EXECUTABLE with argv[0] NAME
#   --set VAR VALUE           export VAR=VALUE
#   --set-default VAR VALUE   export VAR=VALUE unless VAR is set
#   --unset VAR               unset VAR
#   --prefix VAR SEP VALUE    put VALUE first in the SEP-separated VAR
#   --suffix VAR SEP VALUE    put VALUE last in the SEP-separated VAR
#   --chdir DIR               cd to DIR first
#   --run COMMAND             run shell COMMAND first
#   --add-flags FLAGS         insert FLAGS (shell words) before the arguments
#   --append-flags FLAGS      add FLAGS after the arguments

makeWrapper() {
    local original="$1"
    local wrapper="$2"
    shift 2
    if [[ ! -x "$original" ]]; then
        echo "makeWrapper: $original is not an executable file" >&2
        return 1
    fi
    local argv0="" flagsBefore="" flagsAfter=""
    local -a lines=()
    while (( $# > 0 )); do
        local opt="$1"
        shift
        case "$opt" in
            --argv0)
                argv0="$1"
                shift
                ;;
            --set)
                lines+=("export $1=$(printf '%q' "$2")")
                shift 2
                ;;
            --set-default)
                lines+=("export $1=\${$1-$(printf '%q' "$2")}")
                shift 2
                ;;
            --unset)
                lines+=("unset $1")
                shift
                ;;
            --prefix | --suffix)
                local var="$1" sep="$2" value="$3"
                shift 3
                local qv qs
                qv=$(printf '%q' "$value")
                qs=$(printf '%q' "$sep")
                if [[ "$opt" == --prefix ]]; then
                    lines+=("export $var=$qv\${$var:+$qs\$$var}")
                else
                    lines+=("export $var=\${$var:+\$$var$qs}$qv")
                fi
                ;;
            --chdir)
                lines+=("cd $(printf '%q' "$1")")
                shift
                ;;
            --run)
                lines+=("$1")
                shift
                ;;
            --add-flags)
                flagsBefore="${flagsBefore:+$flagsBefore }$1"
                shift
                ;;
            --append-flags)
                flagsAfter="${flagsAfter:+$flagsAfter }$1"
                shift
                ;;
            *)
                echo "makeWrapper: unknown option $opt" >&2
                return 1
                ;;
        esac
    done
    mkdir -p "$(dirname "$wrapper")"
    {
        echo "#!${CONFIG_SHELL:-/bin/bash}"
        local l
        for l in ${lines[@]+"${lines[@]}"}; do
            echo "$l"
        done
        if [[ -n "$argv0" ]]; then
            echo "exec -a $(printf '%q' "$argv0") $(printf '%q' "$original") $flagsBefore \"\$@\" $flagsAfter"
        else
            echo "exec $(printf '%q' "$original") $flagsBefore \"\$@\" $flagsAfter"
        fi
    } > "$wrapper"
    chmod +x "$wrapper"
}

wrapProgram() {
    local prog="$1"
    shift
    local hidden
    hidden="$(dirname "$prog")/.$(basename "$prog")-wrapped"
    mv "$prog" "$hidden"
    makeWrapper "$hidden" "$prog" --argv0 "$(basename "$prog")" "$@"
}
