#!/usr/bin/env bash
# The lab panel at 80x24: L opens the chooser with progress, lab 1 opens at
# its first step, ] walks to the task that a layer toggle solves; its check
# fails at the start, Space on the layer as a learner would, and the ✓
# appears (the check re-runs with the probes). `isolab lab check` on the
# command line sees the same configuration (current.json) both ways. A
# wrong quiz answer explains; progress survives a restart; without UTF-8
# the marker is [OK]. State lives in the test's own XDG_STATE_HOME.
. "$(dirname "$0")/lib/tmux.sh"
tm_need tui_lab

LAB="$ROOT/labs/01-seccomp.json"
command -v jq >/dev/null || skip_all tui_lab "jq is not installed"
# The first task step of lab 1 (0-based) and what the learner must do there.
TASK=$(jq '[.steps[].kind] | index("task")' "$LAB")
NSTEPS=$(jq '.steps | length' "$LAB")
TTITLE=$(jq -r ".steps[$TASK].title" "$LAB")
if [ "$TASK" = null ] || ! jq -e ".steps[$TASK].config.flags | index(\"seccomp=unconfined\")" "$LAB" >/dev/null; then
    fail "tui_lab: lab 1 has no task that starts with seccomp=unconfined (the test toggles seccomp)"
    exit 0
fi
STATE="$TM_DIR/state"
lab_check() { XDG_STATE_HOME="$STATE" "$ISOLAB" lab check seccomp --step $((TASK + 1)) >"$TM_DIR/check.out" 2>&1; }

tm_start 80 24
tm_isolab -- --preset docker
tm_wait "unshare-user" >/dev/null
tm_wait_probes

tm send-keys -t t:0 L
tm_expect "lab: L opens the lab chooser" "Labs: guided exercises"
tm_expect_re "lab: the chooser lists lab 1 with its progress" " 1  seccomp +[0-9]+ min  0/$NSTEPS "
tm_expect_re "lab: the chooser lists lab 9" " 9  capstone "
tm send-keys -t t:0 Enter
tm_expect "lab: Enter opens lab 1 at its first step" "Lab 1 seccomp: step 1/$NSTEPS observe"
tm_expect "lab: the probe matrix stays visible" "unshare-user"
# Step 1 observes Docker's defaults, which are in force: its check passes.
tm_expect "lab: step 1 under Docker's defaults passes" "✓ PASSED"

# Walk to the task as a learner would.
for ((i = 0; i < TASK; i++)); do tm send-keys -t t:0 ']'; done
tm_expect "lab: ] reaches the task step ($((TASK + 1)): $TTITLE)" "step $((TASK + 1))/$NSTEPS task: $TTITLE"
tm_expect_row "lab: the task starts with seccomp off (unshare-user allowed)" unshare-user 'ALLOWED'
if s=$(tm_wait_re '✗ NOT YET: .*unshare-user'); then
    pass "lab: the task's check fails at its start, naming the probe"
else
    fail "lab: the task's check fails at its start"; printf '%s\n' "$s" | sed 's/^/#   | /'
fi
s=$(tm_screen)
if printf '%s' "$s" | grep -q '✓ PASSED'; then
    fail "lab: no ✓ before the learner did anything"; printf '%s\n' "$s" | sed 's/^/#   | /'
else pass "lab: no ✓ before the learner did anything"; fi
before=$(printf '%s' "$s" | grep -oE "[0-9]+/$NSTEPS done" | head -1 | cut -d/ -f1)

# The command line sees the learner's configuration: the check fails there too.
if lab_check; then fail "lab: isolab lab check fails on the TUI's configuration"; sed 's/^/#   /' "$TM_DIR/check.out"
else pass "lab: isolab lab check fails on the TUI's configuration (exit $?)"; fi

tm send-keys -t t:0 h
tm_expect "lab: h shows the first hint" "Hint 1/"

# Toggle the seccomp layer (layer 1) with Space.
tm send-keys -t t:0 1 Space
tm_expect_re "lab: the layers panel shows seccomp on" '^.\[x\] seccomp '
tm_expect "lab: the ✓ appears once the check passes" "✓ PASSED"
tm_expect_row "lab: unshare-user is blocked again" unshare-user 'EPERM'
tm_expect "lab: the panel counts the step done" "$((before + 1))/$NSTEPS done"
if lab_check; then pass "lab: isolab lab check passes on the TUI's configuration"
else fail "lab: isolab lab check passes on the TUI's configuration"; sed 's/^/#   /' "$TM_DIR/check.out"; fi

# Switching it off again: the check follows.
tm send-keys -t t:0 Space
tm_expect_re "lab: seccomp off again -> not passed" '✗ NOT YET: .*unshare-user'
tm send-keys -t t:0 Space
tm_expect "lab: seccomp on again -> ✓" "✓ PASSED"

# The quiz after it: a wrong answer explains.
if [ "$(jq -r ".steps[$((TASK + 1))].kind" "$LAB")" = quiz ]; then
    right=$(jq ".steps[$((TASK + 1))].answer" "$LAB")
    wrong=$(( right == 1 ? 2 : 1 ))
    tm send-keys -t t:0 ']'
    tm_expect "lab: ] opens the quiz" "step $((TASK + 2))/$NSTEPS quiz"
    tm send-keys -t t:0 "$wrong"
    tm_expect "lab: a wrong answer is marked" "✗ NOT YET: $wrong is not it"
    tm_expect "lab: a wrong answer explains why" "Not quite:"
    tm send-keys -t t:0 "$right"
    tm_expect "lab: the right answer passes" "✓ PASSED: $right is right"
else
    skip "lab: quiz" "the step after the task is not a quiz"
fi

tm send-keys -t t:0 q
if tm_wait_exit; then pass "lab: q quits"; else fail "lab: q quits"; fi
tm_wait 'tuitest$' >/dev/null

list=$(XDG_STATE_HOME="$STATE" "$ISOLAB" lab list 2>&1)
expect_contains "lab: progress is saved (lab list)" "$(printf '%s' "$list" | grep ' seccomp ')" "$((before + 2))/$NSTEPS"

# Again without UTF-8 or colour: the chooser opens lab 1 where it was left,
# the task comes back as the learner left it, and the marker is ASCII.
tm send-keys -t t:0 'clear' Enter
tm_isolab LANG=C LC_ALL=C NO_COLOR=1 -- --preset docker
tm_wait "unshare-user" >/dev/null
tm send-keys -t t:0 L
tm_expect_re "lab: the chooser shows the saved progress" " 1  seccomp +[0-9]+ min  $((before + 2))/$NSTEPS "
tm send-keys -t t:0 Enter
tm_expect "lab: lab 1 opens at the saved step" "step $((TASK + 2))/$NSTEPS quiz"
tm send-keys -t t:0 '['
tm_expect "lab: [ goes back to the task" "step $((TASK + 1))/$NSTEPS task"
tm_expect_re "lab: the learner's configuration is back (seccomp on)" '^.\[x\] seccomp '
tm_expect "lab: without UTF-8 the pass marker is [OK]" "[OK] PASSED"
tm send-keys -t t:0 q
if tm_wait_exit; then pass "lab: q quits (ASCII run)"; else fail "lab: q quits (ASCII run)"; fi
tm_wait 'tuitest$' >/dev/null
tm_terminal_sane "lab: after q"
