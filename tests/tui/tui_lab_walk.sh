#!/usr/bin/env bash
# Every lab, start to finish, in the TUI alone (issue 14): no `isolab lab
# check`, no flags on the command line. The walk opens each lab from the
# chooser (L) and, step by step, does what a learner in a workshop does:
#   observe  the lab puts the step's configuration in force; its check passes
#   task     its check fails where the step starts (NOT YET, never a ✓ for
#            nothing), then the walk asks for hints (h) until the one that
#            begins "In the TUI:" shows, presses the keys that hint names in
#            `backquotes`, and waits for the ✓
#   quiz     the answer (from the lab file) passes
# Where the hint says "$EDITOR", the editor is a script that makes the change
# the step's other hints describe (a learner typing). A step the machine
# cannot run (AppArmor, cgroup v2) shows SKIPPED and is counted out. Each lab
# ends with every step that can run here done. Waits poll the screen.
. "$(dirname "$0")/lib/tmux.sh"
tm_need tui_lab_walk
command -v jq >/dev/null || skip_all tui_lab_walk "jq is not installed"
TM_TRIES=${TM_TRIES:-900}

# The learner's editor: the fixes lab 2 step 2 and lab 8 step 5 ask for,
# written into the file the TUI opened (a copy of the shipped profile).
cat > "$TM_DIR/editor.sh" <<'SH'
#!/bin/sh
f=$1
jq 'if (.syscalls | length) > 0 and (.syscalls[0] | type) == "string"
    then .syscalls = [{"names": .syscalls, "action": "SCMP_ACT_ERRNO"}] else . end
    | if .architectures == ["SCMP_ARCH_X86_64"]
      then .architectures += ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] else . end' "$f" > "$f.new" &&
    cat "$f.new" > "$f" && rm -f "$f.new"
echo edited >> "$(dirname "$0")/editor.log"
SH
chmod +x "$TM_DIR/editor.sh"

# tmux key names among a hint's `tokens`; anything else is typed as text.
send_token() {
    case "$1" in
        Enter|Space|Escape|Up|Down|Left|Right|Tab|BSpace|Home|End) tm send-keys -t t:0 "$1" ;;
        *) tm send-keys -t t:0 -l -- "$1" ;;
    esac
}

show() { printf '%s\n' "$1" | sed 's/^/#   | /'; }
RESULT_RE='(✓ PASSED|✗ NOT YET|– SKIPPED|ERROR)'

# The shipped files are the learner's starting points, never edited in place
# (the TUI edits a copy under the state dir).
shipped_sums() { find "$ROOT/labs" "$ROOT/profiles" -type f -print0 | sort -z | xargs -0 md5sum; }
shipped_sums > "$TM_DIR/shipped.before"

tm_start 100 30
tm_isolab EDITOR="$TM_DIR/editor.sh" --
tm_wait "unshare-user" >/dev/null
tm_wait_probes

i=0
for f in $(for x in "$ROOT"/labs/*.json; do printf '%s\t%s\n' "$(jq '.order // 999' "$x")" "$x"; done |
           sort -n | cut -f2); do
    id=$(jq -r .id "$f"); order=$(jq .order "$f"); n=$(jq '.steps | length' "$f")
    tm send-keys -t t:0 L
    tm_wait "Labs: guided exercises" >/dev/null
    tm send-keys -t t:0 Home
    for ((d = 0; d < i; d++)); do tm send-keys -t t:0 Down; done
    tm send-keys -t t:0 Enter
    i=$((i + 1))
    if ! s=$(tm_wait "Lab $order $id: step 1/$n"); then
        fail "walk $id: the chooser opens it at step 1"; show "$s"; continue
    fi
    skipped=0 ok=1
    for ((k = 0; k < n; k++)); do
        kind=$(jq -r ".steps[$k].kind" "$f")
        where="walk $id step $((k + 1))/$n ($kind)"
        if ! s=$(tm_wait "step $((k + 1))/$n $kind"); then fail "$where: shown"; show "$s"; ok=0; break; fi
        case $kind in
        observe)
            # a step with a hint: ask for it, as a learner does (the hint
            # replaces a long message, a loader error say, on the screen)
            [ "$(jq ".steps[$k].hints | length" "$f")" -gt 0 ] && tm send-keys -t t:0 h
            s=$(tm_wait_re "$RESULT_RE")
            if printf '%s' "$s" | grep -q '– SKIPPED'; then skipped=$((skipped + 1))
            elif ! printf '%s' "$s" | grep -q '✓ PASSED' && ! s=$(tm_wait '✓ PASSED'); then
                fail "$where: its check passes"; show "$s"; ok=0
            fi ;;
        task)
            tm send-keys -t t:0 h   # the first hint, and a look at the check
            tm_wait "Hint 1/" >/dev/null
            s=$(tm_wait_re "$RESULT_RE")
            if printf '%s' "$s" | grep -q '– SKIPPED'; then skipped=$((skipped + 1))
            else
                if printf '%s' "$s" | grep -q '✗ NOT YET'; then pass "$where: NOT YET where it starts"
                else fail "$where: NOT YET where it starts"; show "$s"; ok=0; fi
                hn=$(jq ".steps[$k].hints | length" "$f")
                j=$(jq ".steps[$k].hints | map(startswith(\"In the TUI: \")) | index(true)" "$f")
                if [ "$j" = null ]; then fail "$where: has an 'In the TUI:' hint"; ok=0; continue; fi
                for ((h = 1; h <= j; h++)); do tm send-keys -t t:0 h; done
                if ! s=$(tm_wait "Hint $((j + 1))/$hn: In the TUI"); then
                    fail "$where: h shows the TUI hint"; show "$s"; ok=0
                fi
                while IFS= read -r tok; do send_token "$tok"; done < <(
                    jq -r ".steps[$k].hints[$j]" "$f" | grep -o '`[^`]*`' | tr -d '`')
                if s=$(tm_wait '✓ PASSED'); then pass "$where: the TUI hint's keys solve it"
                else fail "$where: the TUI hint's keys solve it"; show "$s"; ok=0; fi
            fi ;;
        quiz)
            a=$(jq ".steps[$k].answer" "$f")
            tm send-keys -t t:0 "$a"
            if ! s=$(tm_wait "✓ PASSED: $a is right"); then fail "$where: the answer passes"; show "$s"; ok=0; fi ;;
        esac
        [ $((k + 1)) -lt "$n" ] && tm send-keys -t t:0 ']'
    done
    want=$((n - skipped))
    if [ $ok = 1 ] && s=$(tm_wait " $want/$n done "); then
        pass "walk $id: every step done in the TUI ($want/$n${skipped:+, $skipped cannot run here})"
    else
        fail "walk $id: every step done in the TUI (want $want/$n)"; show "$(tm_screen)"
    fi
done

tm send-keys -t t:0 q
if tm_wait_exit; then pass "walk: q quits"; else fail "walk: q quits"; fi
shipped_sums > "$TM_DIR/shipped.after"
if cmp -s "$TM_DIR/shipped.before" "$TM_DIR/shipped.after"; then
    pass "walk: the shipped profiles and lab files are unchanged (the learner edited copies)"
else
    fail "walk: the shipped profiles and lab files are unchanged"
    diff "$TM_DIR/shipped.before" "$TM_DIR/shipped.after" | sed 's/^/#   /'
fi
