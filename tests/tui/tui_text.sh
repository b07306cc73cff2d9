#!/usr/bin/env bash
# Text that fits, at 80x24, 100x30 and 140x45: a cut line ends in
# "…, i: more" and i opens it whole (the title bar, the preset
# descriptions); the profile error box leaves the open lab's panel (its step
# line and its keys) in view; the lab and preset menus open on their first
# entry, so the same Downs reach the same entry from anywhere. At 80x24 only
# (the texts do not depend on the size): the save message names the saved
# copy's full path; denying chmod alone says which syscall coreutils uses
# and F denies the family; _llseek's entry ends its sentence; a profile
# with an ALLOW default reads "N rules: EPERM; default ALLOW".
. "$(dirname "$0")/lib/tmux.sh"
tm_need tui_text
command -v jq >/dev/null || skip_all tui_text "jq is not installed"

DESC=$(jq -r .description "$ROOT/profiles/presets/docker.json")
# the end of the description, far past any width tested
TAIL=$(printf '%s' "$DESC" | awk '{print $(NF-2), $(NF-1), $NF}')
cat > "$TM_DIR/ed.sh" <<'SH'
#!/bin/sh
printf '{\n    "defaultAction": "SCMP_ACT_ERRNO",\n    "syscalls": [\n        "chmod"\n    ]\n}\n' > "$1"
SH
chmod +x "$TM_DIR/ed.sh"
# the message rows (above the legend), joined: a phrase may wrap
msg_wait() {
    local i m
    for ((i = 0; i < TM_TRIES; i++)); do
        m=$(tm_screen | tail -4 | head -3 | tr '\n' ' ' | tr -s ' ')
        printf '%s' "$m" | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    printf '#   never saw: %s\n#   | %s\n' "$1" "$m"
    return 1
}
msg_expect() { if msg_wait "$2"; then pass "$1"; else fail "$1"; fi; }
# menu KEY TITLE KEYS...: open a menu, wait for it, then the keys
menu() { tm send-keys -t t:0 "$1"; tm_wait "$2" >/dev/null; shift 2; tm send-keys -t t:0 "$@"; }
# the box's text, rows 2.. of the screen, joined: the rows between its borders
box_text() { tm_screen | sed -n '/The whole text/,/└/p' | sed 's/^[^│]*│ *//; s/ *│.*$//' | tr '\n' ' ' | tr -s ' '; }

for size in ${TEXT_SIZES:-80x24 100x30 140x45}; do
    cols=${size%x*} rows=${size#*x}
    tm_start "$cols" "$rows"
    tm_isolab EDITOR="$TM_DIR/ed.sh" -- --preset docker
    tm_wait "unshare-user" >/dev/null
    tm_wait_probes

    # presets: the descriptions are cut with the cue; i shows one whole
    tm send-keys -t t:0 p
    tm_wait "Presets: set all five layers at once" >/dev/null
    tm_expect_re "text $size: a cut preset description ends in the cue" '…, i: more +│'
    tm send-keys -t t:0 i
    tm_wait "The whole text" >/dev/null
    whole=$(box_text)
    tm send-keys -t t:0 End   # the box may be taller than the screen: its end too
    for ((i = 0; i < 20; i++)); do tm send-keys -t t:0 Up; whole="$whole $(box_text)"; done
    if printf '%s' "$whole" | tr -s ' ' | grep -qF -- "$TAIL"; then pass "text $size: i shows the whole description"
    else fail "text $size: i shows the whole description (…$TAIL)"; tm_screen | sed 's/^/#   | /'; fi
    tm send-keys -t t:0 Escape
    tm_wait_gone "The whole text" >/dev/null

    # the menus open on the first entry: after applying the last preset,
    # two Downs reach the third (sorted: docker, docker-privileged, ...)
    third=$(tm_screen | grep -oE '\([ *]\) [a-z-]+' | sed -n 3p | sed 's/^([ *]) //')
    tm send-keys -t t:0 End Enter
    tm_wait "preset unconfined applied" >/dev/null
    menu p "Presets: set all five layers at once" Down Down Enter
    tm_expect "text $size: p, Down, Down reaches the third preset ($third) from the last" "preset $third applied"
    menu L "Labs: guided exercises" Down Enter
    tm_wait_re 'Lab 2 [a-z-]+: step' >/dev/null
    menu L "Labs: guided exercises" Down Down Enter
    tm_expect_re "text $size: from lab 2, L, Down, Down opens lab 3" 'Lab 3 [a-z-]+: step 1/'

    # the error box leaves the lab panel in view; so does the message after it
    tm send-keys -t t:0 e
    tm_wait "The profile is not valid" >/dev/null
    s=$(tm_screen)
    if printf '%s' "$s" | grep -qE 'Lab 3 [a-z-]+: step 1/' && printf '%s' "$s" | grep -qF '] next  [ prev'; then
        pass "text $size: the profile error box leaves the lab's step line and keys in view"
    else fail "text $size: the profile error box covers the lab panel"; printf '%s\n' "$s" | sed 's/^/#   | /'; fi
    tm send-keys -t t:0 Escape
    tm_wait_gone "The profile is not valid" >/dev/null
    s=$(tm_screen)
    if printf '%s' "$s" | grep -qF '] next  [ prev'; then
        pass "text $size: the error message leaves the lab's keys in view"
    else fail "text $size: the error message covers the lab's keys"; printf '%s\n' "$s" | sed 's/^/#   | /'; fi
    # the title bar: cut with the cue at 80 columns, i shows it whole (no lab
    # on the main screen: x in the chooser closes the lab panel first)
    tm send-keys -t t:0 L x
    tm_wait "lab panel closed" >/dev/null
    if [ "$(tm_screen | head -1 | grep -c '…, i: more')" = 1 ]; then
        tm send-keys -t t:0 i
        tm_wait "The whole text" >/dev/null
        if box_text | grep -qE 'LSMs [a-z,]+'; then pass "text $size: i shows the whole title bar"
        else fail "text $size: i shows the whole title bar"; tm_screen | sed 's/^/#   | /'; fi
        tm send-keys -t t:0 Escape
    elif [ "$cols" -le 80 ]; then
        fail "text $size: the title bar is cut without the cue"; tm_screen | head -1 | sed 's/^/#   | /'
    else
        tm_screen | head -1 | grep -qE 'LSMs [a-z,]+ *$' && pass "text $size: the title bar fits whole" \
            || fail "text $size: the title bar is cut without the cue"
    fi
    # without a lab: under the box, no message row fills the whole width
    # (a row cut every COLS characters breaks words); the box says it all
    tm send-keys -t t:0 e
    tm_wait "The profile is not valid" >/dev/null
    msg=$(tm_screen | sed -n '/└/,$p' | sed '1d' | head -n -1)
    if ! printf '%s\n' "$msg" | awk -v c="$cols" 'length($0) >= c {bad=1} END {exit !bad}'; then
        pass "text $size: under the error box no message is cut mid-word"
    else fail "text $size: under the error box a message is cut mid-word"; printf '%s\n' "$msg" | sed 's/^/#   | /'; fi
    tm send-keys -t t:0 Escape
    tm_wait_gone "The profile is not valid" >/dev/null
    tm send-keys -t t:0 q
    tm_wait_exit || fail "text $size: q quits"
    tm kill-server 2>/dev/null
done

# The texts that do not depend on the size, at 80x24, with a fresh state
# (the loop's editor left a broken copy of the profile there).
size=80x24
rm -rf "$TM_DIR/state"
tm_start 80 24
tm_isolab -- --preset docker
tm_wait "unshare-user" >/dev/null
tm_wait_probes
# save: the full path of the copy
if true; then
        tm send-keys -t t:0 c
        tm_wait "syscalls: docker-default.json" >/dev/null
        tm send-keys -t t:0 / chmod Enter x Enter
        msg_expect "text $size: denying chmod alone offers the family" "(F denies the family together)"
        msg_expect "text $size: ... and says coreutils calls fchmodat" "(coreutils) calls fchmodat"
        tm send-keys -t t:0 F
        msg_expect "text $size: F denies the family" "chmod, fchmod, fchmodat, fchmodat2 -> ERRNO(EPERM)"
        tm send-keys -t t:0 w
        msg_expect "text $size: the save message shows the full path" "the saved copy: $TM_DIR/state/isolab/docker-default.json"
        copy="$TM_DIR/state/isolab/docker-default.json"
        if jq -e '[.syscalls[] | select((.names // []) | index("fchmodat")) | .action] | index("SCMP_ACT_ERRNO")' \
            "$copy" >/dev/null; then pass "text $size: the saved copy denies fchmodat"
        else fail "text $size: the saved copy denies fchmodat"; fi
        if [ "$(uname -m)" = x86_64 ]; then
            tm send-keys -t t:0 / _llseek Enter
            tm_expect "text $size: _llseek's entry says why its rule does not apply" \
                "but _llseek is not a syscall on x86_64"
        else skip "text $size: _llseek's entry" "not an x86_64 machine"; fi
        tm send-keys -t t:0 Escape
        tm_wait_gone "syscalls: docker-default.json" >/dev/null
fi
# a quiz's choices hidden in the lab panel at 80x24: the cue, and i shows them
quiz=$(jq '[.steps[].kind] | index("quiz")' "$ROOT/labs/01-seccomp.json")
menu L "Labs: guided exercises" Home Enter
tm_wait_re 'Lab 1 [a-z-]+: step' >/dev/null
for ((i = 0; i < quiz; i++)); do tm send-keys -t t:0 ']'; done
tm_wait "step $((quiz + 1))/" >/dev/null
last=$(jq -r ".steps[$quiz].choices | length" "$ROOT/labs/01-seccomp.json")
if tm_screen | grep -q "^ *$last) "; then
    skip "text $size: the quiz's hidden choices get the cue" "all $last choices fit the panel"
else
    tm_expect_re "text $size: the quiz's hidden choices get the cue" '…, i: more *$'
    tm send-keys -t t:0 i
    tm_expect_re "text $size: i shows the last choice" "│ *$last\) "
    tm send-keys -t t:0 Escape
fi
tm send-keys -t t:0 q
tm_wait_exit || fail "text $size: q quits"
tm kill-server 2>/dev/null

# An ALLOW default with three EPERM rules is not "0 allowed".
printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["io_uring_setup","io_uring_enter","io_uring_register"],"action":"SCMP_ACT_ERRNO"}]}\n' \
    > "$TM_DIR/no_uring.json"
tm_start 100 30
tm_isolab -- --preset docker --security-opt "seccomp=$TM_DIR/no_uring.json"
tm_expect "text: an ALLOW default with three EPERM rules reads '3 rules: EPERM'" \
    "no_uring.json (3 rules: EPERM; default ALLOW)"
tm send-keys -t t:0 q
tm_wait_exit || fail "text: q quits"

# The README's capture of the lab screen is the screen of today: the rows
# that do not depend on the machine (the seccomp row, namespaces, the
# preset line, the matrix's column names, unshare-user, the legend) match.
readme=$(awk '/^`make run` \(or/ {f=1} f && /^```$/ {n++; next} f && n == 1' "$ROOT/README.md")
tm kill-server 2>/dev/null
tm_start 80 24
tm_isolab -- --preset docker
tm_wait "unshare-user" >/dev/null
tm_wait_probes
tm send-keys -t t:0 Space
tm_wait "was EPERM" >/dev/null
tm_wait_gone "attributing" >/dev/null
live=$(tm_screen)
for pat in '^>\[ \] seccomp' '^ \[x\] namespaces' '^ preset docker' '^  probe ' '^\*\+unshare-user' '^Spc toggle'; do
    a=$(printf '%s\n' "$readme" | grep -E -m1 -- "$pat" | sed 's/ *$//')
    b=$(printf '%s\n' "$live" | grep -E -m1 -- "$pat" | sed 's/ *$//')
    if [ -n "$b" ] && [ "$a" = "$b" ]; then pass "README: the capture's row /$pat/ is today's"
    else fail "README: the capture's row /$pat/ is today's"; printf '#   README: %s\n#   screen: %s\n' "$a" "$b"; fi
done
tm send-keys -t t:0 q
tm_wait_exit || fail "README capture: q quits"
