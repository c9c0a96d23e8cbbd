# bash completion for dsbinspect                          -*- shell-script -*-
# SPDX-License-Identifier: Apache-2.0
#
# Installed as share/bash-completion/completions/dsbinspect (bash-completion
# loads it on first use).  The commands and each command's options are those
# of inspector/args.c: tests/test_cli_args.c checks every "CMD) opts=" line
# below against the parser's tables, and the line of options that take a
# value, so a new option or command fails that test until it is added here.

# Files: bash-completion's _filedir when it is loaded, else plain names.
_dsbinspect_files()
{
    if declare -F _filedir >/dev/null; then
        _filedir
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_dsbinspect()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        # plain bash, without the bash-completion package
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
    fi

    local commands='verify replay ese extract rules help'

    # The command is the first word that is neither an option nor the
    # value of one.
    local cmd='' i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            # options that take a value
            -o|--output|--format|--fail-on|--now|--tombstone-days|--root|-j|--jobs|-C|--directory) ((i++)) ;;
            -*) ;;
            *) cmd=${words[i]}; break ;;
        esac
    done

    case $prev in
        --format)
            if [[ $cmd == rules ]]; then
                COMPREPLY=($(compgen -W 'text json' -- "$cur"))
            elif [[ $cmd == replay ]]; then
                COMPREPLY=($(compgen -W 'text' -- "$cur"))
            elif [[ $cmd == extract ]]; then
                COMPREPLY=($(compgen -W 'text json sarif' -- "$cur"))
            else
                COMPREPLY=($(compgen -W 'text json jsonl sarif' -- "$cur"))
            fi
            return ;;
        --fail-on)
            COMPREPLY=($(compgen -W 'error warning info never' -- "$cur"))
            return ;;
        -o|--output)
            _dsbinspect_files
            return ;;
        -C|--directory)
            if declare -F _filedir >/dev/null; then
                _filedir -d
            else
                COMPREPLY=($(compgen -d -- "$cur"))
            fi
            return ;;
        --now|--tombstone-days|--root|-j|--jobs)
            return ;;
    esac

    local opts
    case $cmd in
        verify) opts='--format --output -o --fail-on --quiet -q --records --shadows --now --tombstone-days --jobs -j --root --help -h --version -V' ;;
        replay) opts='--format --output -o --fail-on --quiet -q --now --tombstone-days --root --help -h --version -V' ;;
        ese) opts='--format --output -o --fail-on --quiet -q --records --now --tombstone-days --help -h --version -V' ;;
        extract) opts='--format --output -o --fail-on --quiet -q --now --tombstone-days --directory -C --overwrite --force --root --help -h --version -V' ;;
        rules) opts='--format --output -o --help -h --version -V' ;;
        help) opts='--help -h --version -V' ;;
        '')
            COMPREPLY=($(compgen -W "$commands --help -h --version -V" -- "$cur"))
            return ;;
        *) return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    case $cmd in
        rules)
            # the rule ids, from the program itself
            COMPREPLY=($(compgen -W "$(dsbinspect rules --format json 2>/dev/null |
                grep -o '"id": *"DSB-[A-Z][0-9]*"' | grep -o 'DSB-[A-Z][0-9]*')" -- "$cur")) ;;
        help)
            COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
        *)
            _dsbinspect_files ;;
    esac
} &&
    complete -F _dsbinspect dsbinspect

# ex: filetype=sh
