#!/usr/bin/env bash
# Code health, checked over the tree (DESIGN.md "Layout", issue 9's "How it
# is checked"): file and function sizes, the include rules between the
# engine (layers/) and its clients (tui/), and the contributor guide. Each
# check prints the offenders.
source "$(dirname "$0")/../lib.sh"
plan 6
cd "$ROOT"
MAX_FILE=800 MAX_FN=100
srcs=$(find layers tui -name '*.[ch]' | sort)
# offenders NAME LIST: pass if LIST is empty, else fail and print it
offenders() {
    if [ -z "$2" ]; then pass "$1"; return; fi
    fail "$1 ($(printf '%s\n' "$2" | wc -l) found)"
    printf '%s\n' "$2" | sed 's/^/#   /'
}

long_files=$(wc -l $srcs | awk -v m=$MAX_FILE '$2 != "total" && $1 > m {print $2 ": " $1 " lines"}')
offenders "no .c/.h file under layers/ or tui/ is over $MAX_FILE lines" "$long_files"

long_fns=$(awk -f tests/health/funclen.awk $srcs |
           awk -v m=$MAX_FN '$3 > m {print $1 " " $2 ": " $3 " lines"}')
offenders "no function under layers/ or tui/ is over $MAX_FN lines" "$long_fns"

# resolve FILE NAME DIR...: where #include "NAME" in FILE is found (its own
# folder first, then the -I folders, as the compiler looks), or nothing
resolve() {
    local file=$1 name=$2 d; shift 2
    for d in "$(dirname "$file")" "$@"; do
        [ -f "$d/$name" ] && { realpath --relative-to=. "$d/$name"; return; }
    done
}
# includes FILE: the quoted #include names of FILE
includes() { sed -n 's/^[ \t]*#[ \t]*include[ \t]*"\([^"]*\)".*/\1/p' "$1"; }

# The engine is built with -Ilayers/include and -I for each engine folder.
engine_dirs=$(find layers -type d | sort)
bad=$(grep -rn '#[ \t]*include.*tui/' layers)
for f in $(find layers -name '*.[ch]'); do
    for n in $(includes "$f"); do
        r=$(resolve "$f" "$n" $engine_dirs)
        case $r in layers/*) ;; *) bad+=$'\n'"$f: #include \"$n\" -> ${r:-not found in layers/}" ;; esac
    done
done
offenders "layers/ includes nothing from tui/" "$(printf '%s' "$bad" | sed '/^$/d')"

# tui/ is built with -Ilayers/include -Itui/cli -Itui/screen.
bad=
for f in $(find tui -name '*.[ch]'); do
    for n in $(includes "$f"); do
        r=$(resolve "$f" "$n" layers/include tui/cli tui/screen)
        case $r in layers/include/*|tui/*) ;;
            *) bad+=$'\n'"$f: #include \"$n\" -> ${r:-not found}" ;; esac
    done
done
offenders "tui/ includes only public headers (layers/include) and its own" "$(printf '%s' "$bad" | sed '/^$/d')"

H=docs/HACKING.md
check "there is a $H for the next engineer" test -s "$H"
if [ -s "$H" ]; then
    # every repository path it names in backquotes (globs too) exists
    missing=$(grep -o '`[^` ]*`' "$H" | tr -d '`' | sort -u |
        grep -E '^(layers|tui|tests|docs|profiles|labs|bench)/[A-Za-z0-9_./*-]*$' |
        while read -r p; do compgen -G "${p%/}" >/dev/null || echo "$p"; done)
    offenders "every path $H names exists" "$missing"
else
    skip "every path $H names exists" "there is no $H"
fi
