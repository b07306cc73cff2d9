#!/usr/bin/env bash
# `isolab demo 1` in front of a room, at 80x24, 100x30 and 140x45: the
# screen uses the terminal's width, results wrap at words (nothing is cut
# mid-word or spills one character onto a row of its own), the presenter
# notes are not on the projected screen, a quiz's answer waits for `a`, a
# tall step keeps its title at the top and scrolls its body, the last step
# says the demo is over, and below 80x24 it says the terminal is too small.
# `isolab demo 1 --presenter` in a second tmux window follows the projected
# one step by step with the notes, the next step and a clock; its state file
# is private (0600 in a 0700 directory).
. "$(dirname "$0")/lib/tmux.sh"
tm_need tui_demo
command -v jq >/dev/null || skip_all tui_demo "jq is not installed"

LAB="$ROOT/labs/01-seccomp.json"
NSTEPS=$(jq '.steps | length' "$LAB")
QUIZ=$(jq '[.steps[].kind] | index("quiz")' "$LAB")
ANSWER=$(jq ".steps[$QUIZ].answer" "$LAB")   # 1 = the first choice
# The first words of a text: they fit one row at any width tested.
words() { jq -r "$1" "$LAB" | tr '\n' ' ' | awk '{print $1, $2, $3}'; }
NOTE1=$(words '.steps[0].notes')
NOTE2=$(words '.steps[1].notes')
TITLE2=$(jq -r '.steps[1].title' "$LAB")
EXPLAIN_Q=$(words ".steps[$QUIZ].explain")
RUN="$TM_DIR/run"
mkdir -p "$RUN" && chmod 700 "$RUN"

# The presenter console, in window p of the same session.
pm_screen() { tm capture-pane -p -t t:1; }
pm_wait() {
    local i s
    for ((i = 0; i < TM_TRIES; i++)); do
        s=$(pm_screen)
        printf '%s' "$s" | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    printf '%s\n' "$s" | sed 's/^/#   p| /'
    return 1
}

# no row of the screen holds a lone character (a word spilt onto a row)
no_spill() { ! tm_screen | grep -qE '^ *[^ ] *$'; }
# The REAL cell of the unshare row, its continuation rows (the same column,
# until the next row with a mark) joined: the whole kernel message, unbroken.
real_cell() {
    tm_screen | python3 -c '
import sys
rows = sys.stdin.read().splitlines()
for i, r in enumerate(rows):
    c = r.find("exit 1, output:")
    if c < 0:
        continue
    cell = [r[c:].strip()]
    for n in rows[i + 1:]:
        if n[:4].strip() or len(n) <= c:   # the next row has its own mark
            break
        cell.append(n[c:].strip())
    print(" ".join(cell))
    break'
}

for size in 80x24 100x30 140x45; do
    cols=${size%x*} rows=${size#*x}
    tm_start "$cols" "$rows"
    tm new-window -d -t t:1 \
        "env -i PATH=$PATH HOME=$TM_DIR/home XDG_RUNTIME_DIR=$RUN TERM=screen LANG=C.UTF-8 $ISOLAB demo 1 --presenter"
    tm resize-window -t t:1 -x "$cols" -y "$rows" 2>/dev/null
    tm_isolab XDG_RUNTIME_DIR=$RUN -- demo 1
    tm_expect "demo $size: step 1 shows" "step 1/$NSTEPS [observe]"
    tm_wait "as expected" >/dev/null
    s=$(tm_screen)
    rule=$(printf '%s\n' "$s" | grep -m1 '^─' | tr -d '\n' | wc -m)
    if [ "$rule" -eq $((cols - 1)) ]; then pass "demo $size: the rule spans the terminal ($rule columns)"
    else fail "demo $size: the rule is $rule columns, the terminal $cols"; fi
    if real_cell | grep -qF "unshare failed: Operation not permitted" && no_spill; then
        pass "demo $size: the real result wraps at words (its message whole, no lone character)"
    else fail "demo $size: a result is cut mid-word"; printf '%s\n' "$s" | sed 's/^/#   | /'; fi
    if printf '%s' "$s" | grep -qF -- "$NOTE1"; then
        fail "demo $size: the presenter notes are on the projected screen"
    else pass "demo $size: no presenter notes on the projected screen"; fi

    if pm_wait "$NOTE1"; then pass "demo $size: the presenter console shows step 1's notes"
    else fail "demo $size: the presenter console shows step 1's notes"; fi
    if pm_wait "next: step 2/$NSTEPS" && pm_wait "clock " && pm_wait "$TITLE2"; then
        pass "demo $size: the presenter console shows the next step and a clock"
    else fail "demo $size: the presenter console shows the next step and a clock"; fi
    mode=$(stat -c '%a' "$RUN"/demo-*.state 2>/dev/null)
    if [ "$mode" = 600 ]; then pass "demo $size: the state file is 0600"
    else fail "demo $size: the state file's mode is '$mode'"; fi

    tm send-keys -t t:0 Space
    tm_expect "demo $size: Space goes to step 2" "step 2/$NSTEPS"
    if pm_wait "$NOTE2" && pm_wait "step 2/$NSTEPS"; then pass "demo $size: the presenter follows to step 2"
    else fail "demo $size: the presenter follows to step 2"; fi

    for ((i = 2; i <= QUIZ; i++)); do tm send-keys -t t:0 Space; tm_wait "step $((i + 1))/" >/dev/null; done
    tm_expect "demo $size: the quiz step" "step $((QUIZ + 1))/$NSTEPS [quiz]"
    s=$(tm_screen)
    if printf '%s' "$s" | grep -qF -- "$EXPLAIN_Q" || printf '%s' "$s" | grep -q "answer: "; then
        fail "demo $size: the quiz shows its answer before the key"; printf '%s\n' "$s" | sed 's/^/#   | /'
    else pass "demo $size: the quiz hides its answer"; fi
    # the number the presenter sees is the one the room gets on a (the
    # choices may be shuffled for a learner; the demo shows the file's order)
    if pm_wait "answer (a shows it to the room): $ANSWER) "; then pass "demo $size: the presenter sees the answer"
    else fail "demo $size: the presenter sees the answer"; fi
    tm send-keys -t t:0 a
    tm_expect "demo $size: a shows the answer" "answer: $ANSWER) "
    # every step from the quiz on: the title stays on row 2; a tall one scrolls
    tall=0
    for ((k = QUIZ + 1; k <= NSTEPS; k++)); do
        if [ "$k" -gt $((QUIZ + 1)) ]; then
            tm send-keys -t t:0 Space
            tm_wait "step $k/$NSTEPS" >/dev/null
        fi
        tm_wait_gone "running the step's check" >/dev/null
        tm_screen | grep -qE 'lines 1-[0-9]+ of [0-9]+' || continue
        tall=$k
        tm send-keys -t t:0 End
        tm_wait_re 'lines ([2-9]|[1-9][0-9]+)-[0-9]+ of' >/dev/null
        want=$(jq -r ".steps[$((k - 1))].title" "$LAB")
        row2=$(tm_screen | sed -n 2p | sed 's/ *$//')
        if [ "$row2" = "$want" ] && tm_screen | sed -n 1p | grep -qF "step $k/$NSTEPS"; then
            pass "demo $size: step $k is taller than the screen; scrolled to its end, its title stays at the top"
        else fail "demo $size: step $k scrolled: row 2 is '$row2'"; tm_screen | sed 's/^/#   | /'; fi
    done
    if [ "$size" = 80x24 ] && [ "$tall" = 0 ]; then
        fail "demo $size: no step of lab 1 was taller than the screen (the scroll is untested)"
    fi
    tm_expect "demo $size: the last step says the demo is over" "The demo is over."
    tm send-keys -t t:0 q
    if tm_wait_exit; then pass "demo $size: q quits"; else fail "demo $size: q quits"; fi
    tm_wait 'tuitest$' >/dev/null
    tm_terminal_sane "demo $size: after q"
    pm_wait "The projected demo has quit" >/dev/null \
        && pass "demo $size: the presenter sees the demo end" || fail "demo $size: the presenter sees the demo end"
    tm kill-server 2>/dev/null
    # the next tm_start must not reach the server that is still going away
    for _ in $(seq 100); do tm list-sessions >/dev/null 2>&1 || break; sleep 0.1; done
done

tm_start 60 20
tm_isolab -- demo 1
tm_expect "demo 60x20: below 80x24 it says so" "Terminal too small (60x20)"
tm send-keys -t t:0 q
if tm_wait_exit; then pass "demo 60x20: q quits"; else fail "demo 60x20: q quits"; fi
