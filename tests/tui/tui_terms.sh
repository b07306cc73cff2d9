#!/usr/bin/env bash
# The screen works on the terminals a workshop meets: xterm-256color, screen,
# tmux, linux, vt100, one without line-drawing characters (ASCII lines), and
# with NO_COLOR set (markers carry the meaning).
. "$(dirname "$0")/lib/tmux.sh"
tm_need tui_terms

tm_start 80 24
run_term() {   # name, env...
    local name=$1; shift
    tm send-keys -t t:0 'clear' Enter
    tm_isolab "$@" -- --preset docker
    if tm_wait_re ' EPERM +seccomp' >/dev/null; then pass "terms: $name shows the matrix"; else
        fail "terms: $name shows the matrix"; tm_screen | sed 's/^/#   | /'; fi
    local s; s=$(tm_screen)
    for l in seccomp namespaces; do
        printf '%s\n' "$s" | grep -qE "^.\[x\] $l " && pass "terms: $name shows layer $l" \
            || fail "terms: $name shows layer $l"
    done
    tm send-keys -t t:0 Space
    if tm_wait_row unshare-user 'ALLOWED +<- was EPERM' >/dev/null; then pass "terms: $name Space flips unshare-user"
    else fail "terms: $name Space flips unshare-user"; tm_screen | sed 's/^/#   | /'; fi
    printf '%s\n' "$(tm_screen)" > "$TM_DIR/screen.$name"
    tm send-keys -t t:0 q
    tm_wait_exit || fail "terms: $name q quits"
    tm_wait 'tuitest$' >/dev/null
}

for term in xterm-256color screen tmux-256color linux vt100; do
    if infocmp "$term" >/dev/null 2>&1; then run_term "$term" TERM=$term
    else skip "terms: $term" "no terminfo entry for $term here"; fi
done
tm_terminal_sane "terms: after five terminals"

# A terminal without line-drawing characters: xterm-256color with acsc,
# smacs and rmacs taken out, compiled into a private terminfo directory.
mkdir -p "$TM_DIR/terminfo"
if infocmp -x xterm-256color 2>/dev/null | sed -e 's/^xterm-256color|/xterm-noacs|/' \
        -e 's/[[:space:]]acsc=[^,]*,//; s/[[:space:]]smacs=[^,]*,//; s/[[:space:]]rmacs=[^,]*,//' \
        > "$TM_DIR/noacs.src" && tic -x -o "$TM_DIR/terminfo" "$TM_DIR/noacs.src" 2>/dev/null \
        && ! TERMINFO="$TM_DIR/terminfo" infocmp xterm-noacs | grep -q acsc; then
    run_term noacs TERM=xterm-noacs TERMINFO="$TM_DIR/terminfo"
    if grep -qE '^- Layers .*-----' "$TM_DIR/screen.noacs"; then pass "terms: no acsc -> ASCII line drawing"
    else fail "terms: no acsc -> ASCII line drawing"; sed 's/^/#   | /' "$TM_DIR/screen.noacs"; fi
else
    skip "terms: ASCII line drawing" "cannot build a terminfo entry without acsc (tic)"
fi

# NO_COLOR: no colour escapes at all, markers still there.
run_term no-color TERM=xterm-256color NO_COLOR=1
tm_isolab TERM=xterm-256color NO_COLOR=1 -- --preset docker
tm_wait_probes
esc=$(tm capture-pane -p -e -t t:0)
if printf '%s' "$esc" | grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5)[;m]'; then
    fail "terms: NO_COLOR screen has no colour"; else pass "terms: NO_COLOR screen has no colour"; fi
row=$(tm_row unshare-user)
expect_contains "terms: NO_COLOR keeps the blocked marker" "$row" "xunshare-user"
tm send-keys -t t:0 q
tm_wait_exit
tm_isolab TERM=xterm-256color -- --preset docker
tm_wait_probes
esc=$(tm capture-pane -p -e -t t:0)
if printf '%s' "$esc" | grep -qE $'\e\\[[0-9;]*(3[0-7]|38;5)[;m]'; then
    pass "terms: with colour the screen is coloured"; else fail "terms: with colour the screen is coloured"; fi
tm send-keys -t t:0 q
tm_wait_exit
tm_wait 'tuitest$' >/dev/null
tm_terminal_sane "terms: at the end"

# A terminal that cannot move the cursor is refused with a hint, not garbled.
tm send-keys -t t:0 'clear' Enter
tm_isolab TERM=dumb -- --preset docker
tm_expect "terms: TERM=dumb is refused with a hint" "cannot move the cursor"
tm_wait_exit || fail "terms: TERM=dumb exits"
