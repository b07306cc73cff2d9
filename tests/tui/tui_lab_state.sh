#!/usr/bin/env bash
# What is in force stays consistent as a learner moves through labs, and a
# learner's own work is never dropped without a word (issue 14), at 100x30:
#   - the learner edits the profile (e) in lab 1 step 4; entering step 5,
#     whose start puts another profile in force, names the edited copy and
#     the key that opens it again (o);
#   - lab 2 step 1's profile does not load: the profile line and the seccomp
#     row name the same profile in force; the step passes by that refusal,
#     and step 2, which starts from the broken file, is NOT YET;
#   - in lab 3, tasks passed in the TUI still show ✓ when [ goes back to
#     them (no start configuration re-applied over the passing one);
#   - o opens the edited copy by path; after a restart the TUI reopens it
#     and says so.
# State lives in the test's own XDG_STATE_HOME. Waits poll the screen.
. "$(dirname "$0")/lib/tmux.sh"
tm_need tui_lab_state
command -v jq >/dev/null || skip_all tui_lab_state "jq is not installed"
STATE="$TM_DIR/state"
COPY="$STATE/isolab/docker-default.json"

# The learner's edit: one more rule, so that the copy differs from the shipped file.
cat > "$TM_DIR/editor.sh" <<'SH'
#!/bin/sh
jq '.syscalls += [{"names": ["acct"], "action": "SCMP_ACT_ERRNO", "comment": "mine"}]' "$1" > "$1.new" &&
    cat "$1.new" > "$1" && rm -f "$1.new"
SH
chmod +x "$TM_DIR/editor.sh"
show() { printf '%s\n' "$1" | sed 's/^/#   | /'; }
# expect_joined NAME TEXT: TEXT shows, maybe wrapped over lines (a long message).
expect_joined() {
    local i s
    for ((i = 0; i < TM_TRIES; i++)); do
        s=$(tm_screen)
        # the message line wraps at words: compare without the spaces
        if printf '%s' "$s" | tr -d '\n ' | grep -qF -- "$(printf '%s' "$2" | tr -d ' ')"; then
            pass "$1"; return
        fi
        # A message line cut to fit ends in "…, i: more" (I with a lab open):
        # that key shows the whole of it, as a learner would read it.
        local cue
        cue=$(printf '%s' "$s" | grep -o '…, [iI]: more' | tail -1 | sed 's/…, \([iI]\).*/\1/')
        if [ -n "$cue" ]; then
            tm send-keys -t t:0 "$cue"
            sleep 0.3
            s=$(tm_screen)
            tm send-keys -t t:0 Escape
            # the box's rows, inside its borders, joined as one text
            s=$(printf '%s\n' "$s" | sed -n 's/^[^│]*│ \(.*\)│.*$/\1/p' | tr '\n' ' ' | tr -s ' ')
            if printf '%s' "$s" | grep -qF -- "$2"; then pass "$1"; return; fi
        fi
        sleep 0.1
    done
    fail "$1"; printf "#   never saw: %s\n" "$2"; show "$(tm_screen)"
}

tm_start 100 30
tm_isolab EDITOR="$TM_DIR/editor.sh" --
tm_wait "unshare-user" >/dev/null
tm_wait_probes

# -- lab 1: the edited profile is kept, and said so ---------------------------
tm send-keys -t t:0 L
tm_wait "Labs: guided exercises" >/dev/null
tm send-keys -t t:0 Home Enter
tm_wait "Lab 1 seccomp: step 1/" >/dev/null
for k in 2 3 4; do tm send-keys -t t:0 ']'; tm_wait "step $k/" >/dev/null; done
tm send-keys -t t:0 e
tm_expect "state: e loads the learner's edited copy" "docker-default.json loaded"
if [ -f "$COPY" ] && grep -q '"mine"' "$COPY"; then pass "state: the learner's edit is in the copy"
else fail "state: the learner's edit is in the copy ($COPY)"; fi
tm send-keys -t t:0 ']'
tm_wait "step 5/" >/dev/null
expect_joined "state: entering step 5 names the learner's profile it set aside" \
    "your profile $COPY is kept: o opens it again"

# -- lab 2 step 1: a profile that does not load --------------------------------
tm send-keys -t t:0 L
tm_wait "Labs: guided exercises" >/dev/null
tm send-keys -t t:0 Home Down Enter
tm_wait "Lab 2 seccomp-profiles: step 1/" >/dev/null
s=$(tm_wait "does not load; in force:")
line=$(printf '%s\n' "$s" | grep -o 'does not load; in force: [^ ]*' | head -1)
row=$(printf '%s\n' "$s" | grep -E '^.\[x\] seccomp ' | awk '{print $3}')
if [ -n "$row" ] && [ "$line" = "does not load; in force: $row" ]; then
    pass "state: the profile line and the seccomp row name the same profile ($row)"
else
    fail "state: the profile line and the seccomp row name the same profile (row '$row', line '$line')"; show "$s"
fi
expect_contains "state: the profile line names the learner's file that does not load" "$s" "profile no-uring-broken.json does not load"
# The step passes by what the learner sees -- the profile is refused -- and
# the task after it, which starts from that profile, does not pass for free.
tm send-keys -t t:0 h
tm_expect "state: lab 2 step 1 has a hint in the TUI" "Hint 1/1: In the TUI"
tm_expect "state: lab 2 step 1 passes in the TUI (the profile is refused)" "✓ PASSED"
tm send-keys -t t:0 ']'
tm_wait "step 2/" >/dev/null
tm send-keys -t t:0 h
tm_wait "Hint 1/" >/dev/null
s=$(tm_wait_re '(✓ PASSED|✗ NOT YET)')
if printf '%s' "$s" | grep -q '✗ NOT YET: .*does not load\|✗ NOT YET: .*did not start'; then
    pass "state: lab 2 step 2 is NOT YET with the broken profile in place"
else fail "state: lab 2 step 2 is NOT YET with the broken profile in place"; show "$s"; fi

# -- lab 3: passed tasks stay passed when [ goes back --------------------------
tm send-keys -t t:0 L
tm_wait "Labs: guided exercises" >/dev/null
tm send-keys -t t:0 Home Down Down Enter
tm_wait "Lab 3 capabilities: step 1/" >/dev/null
tm_expect "state: lab 3 step 1 passes after lab 2's profile" "✓ PASSED"
solve() {   # STEP FLAGS: the TUI's f prompt, as the step's hint says
    tm send-keys -t t:0 ']'
    tm_wait "step $1/5 task" >/dev/null
    tm send-keys -t t:0 f
    tm_wait "layer flags" >/dev/null
    tm send-keys -t t:0 -l -- "$2"
    tm send-keys -t t:0 Enter
    tm_expect "state: lab 3 step $1 passes with f $2" "✓ PASSED"
}
solve 2 "--cap-add SYS_TIME"
solve 3 "--cap-drop ALL --cap-add NET_BIND_SERVICE,CHOWN"
for k in 2 1; do   # back from 3: step 2 (a task), then step 1
    tm send-keys -t t:0 '['
    tm_wait "step $k/5" >/dev/null
    s=$(tm_wait_re '(✓ PASSED|✗ NOT YET)')
    if printf '%s' "$s" | grep -q '✓ PASSED' && ! printf '%s' "$s" | grep -q 'NOT YET'; then
        pass "state: [ back to step $k: still ✓ PASSED"
    else fail "state: [ back to step $k: still ✓ PASSED"; show "$s"; fi
done

# -- o opens the learner's copy; a restart reopens it -------------------------
tm send-keys -t t:0 o
tm_wait "seccomp profile file" >/dev/null
tm send-keys -t t:0 -l -- "$COPY"
tm send-keys -t t:0 Enter
tm_expect "state: o opens the copy by path" "docker-default.json loaded"
tm send-keys -t t:0 q
if tm_wait_exit; then pass "state: q quits"; else fail "state: q quits"; fi
tm_wait 'tuitest$' >/dev/null
tm send-keys -t t:0 clear Enter
tm_isolab --
expect_joined "state: a restart reopens the learner's edited profile and says so" \
    "your edited profile from last time is in force: $COPY"
tm send-keys -t t:0 1 Enter
tm_expect "state: the seccomp list shows the copy in force" "(*) $COPY (edited and watched)"
tm send-keys -t t:0 Escape q
if tm_wait_exit; then pass "state: q quits (restart)"; else fail "state: q quits (restart)"; fi
