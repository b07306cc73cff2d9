#!/usr/bin/env bash
# The sandbox's own terminal (issue 10, DESIGN.md "The live shell"): under
# `isolab run` and the TUI's `s`, with the presets docker, unconfined and
# docker-privileged, a TIOCSTI injection from inside reaches only the inner
# pty: the command it pushes never runs on the host, and the learner's shell
# (and the TUI) receive nothing. Job control, resize, and no pty (and no
# learner's terminal at all) when stdin is a pipe.
. "$(dirname "$0")/lib/tmux.sh"
tm_need tui_pty
# The sandbox masks /root and /home: a python3 from a home directory (pyenv)
# is out of its sight, so use the system one.
PY=$(PATH=/usr/local/bin:/usr/bin:/bin command -v python3) || { skip tui_pty "python3 is not installed in /usr/bin or /usr/local/bin"; exit 0; }
HELPER=$ROOT/tests/tui/tiocsti.py

tm_start 100 30
# The pane's terminal as the sandbox would see it: st_dev and st_rdev.
PANE_TTY=$(tm display-message -p -t t:0 '#{pane_tty}')
OUTER="$(stat -L -c '%d' "$PANE_TTY") $(( $(stat -L -c '0x%t' "$PANE_TTY") * 256 + $(stat -L -c '0x%T' "$PANE_TTY") ))"
OUTER_DEV=${OUTER% *}; OUTER_RDEV=${OUTER#* }
# st_rdev as Python's os.makedev gives it (major 136+ need the wide form).
OUTER_RDEV=$("$PY" -c "import os,sys; s=os.stat(sys.argv[1]); print(s.st_rdev)" "$PANE_TTY")

hex() { printf '%s\n' "$1" | od -An -tx1 | tr -d ' \n'; }

# After isolab is gone: the pane's shell answers, and ran nothing injected.
outer_clean() {   # NAME FILE
    tm send-keys -t t:0 "echo outer-\$((20+22))" Enter
    tm_expect "$1: the learner's shell is back" "outer-42"
    if [ -e "$2" ]; then fail "$1: the injected command never ran on the host ($2 exists)"
        rm -f "$2"; else pass "$1: the injected command never ran on the host"; fi
    expect_not_contains "$1: the learner's shell received nothing" "$(tm_screen)" 'tuitest$ touch'
    expect_not_contains "$1: nor the line after it" "$(tm_screen)" 'tuitest$ qtouch'
}

for preset in docker unconfined docker-privileged; do
    f=/tmp/INJECTED_run_$$_$preset
    rm -f "$f"
    tm send-keys -t t:0 "clear" Enter
    tm_isolab -- run --preset "$preset" -- "$PY" "$HELPER" "$(hex "touch $f")" "$OUTER_DEV" "$OUTER_RDEV"
    tm_expect "run $preset: the helper ran" "learner-terminal-fds="
    tm_expect "run $preset: the sandbox holds no fd of the learner's terminal" "learner-terminal-fds=0"
    tm_expect_re "run $preset: TIOCSTI went into the sandbox's own pty" "tiocsti=done-on-fd-0"
    # The inner pty echoes what was pushed into it: shown inside only.
    tm_expect "run $preset: the injected text shows in the sandbox's pty" "touch $f"
    tm_wait_exit || fail "run $preset: isolab exits"
    outer_clean "run $preset" "$f"
done

# No pty: stdin is not a terminal (/dev/null), stdout is the terminal. The sandbox gets a pipe
# for stdout too, so even with CAP_SYS_ADMIN it has no terminal to push into.
f=/tmp/INJECTED_pipe_$$
tm send-keys -t t:0 "clear" Enter
tm_isolab -- run --preset docker-privileged -- "$PY" "$HELPER" "$(hex "touch $f")" "$OUTER_DEV" "$OUTER_RDEV" '</dev/null'
tm_expect "run, stdin not a terminal: no fd of the learner's terminal" "learner-terminal-fds=0"
tm_expect "run, stdin not a terminal: no terminal to push into" "tiocsti=no-tty"
tm_wait_exit || fail "run, stdin not a terminal: isolab exits"
outer_clean "run, stdin not a terminal" "$f"
tm send-keys -t t:0 "clear; echo | $ISOLAB run -- sh -c 'tty; echo tty-rc=\$?'" Enter
tm_expect "run, stdin not a terminal: tty says not a tty" "not a tty"
tm_expect "run, stdin not a terminal: tty exits 1" "tty-rc=1"

# The TUI's shell. The payload starts with q: under the old shared terminal
# the TUI read it after the shell, quit, and the host shell ran the rest.
for preset in docker unconfined docker-privileged; do
    f=/tmp/INJECTED_tui_$$_$preset
    rm -f "$f"
    tm send-keys -t t:0 "clear" Enter
    tm_isolab -- --preset "$preset"
    tm_wait "unshare-user" >/dev/null
    tm_wait_probes
    tm send-keys -t t:0 S
    tm_expect "tui $preset: the shell starts" "(isolab)"
    tm send-keys -t t:0 "clear; $PY $HELPER $(hex "qtouch $f") $OUTER_DEV $OUTER_RDEV; exit" Enter
    tm_expect "tui $preset: back from the shell" "back from the sandbox shell"
    # Keys are read in order: once '?' has opened the help, any injected key
    # queued before it was read too.
    tm send-keys -t t:0 '?'
    tm_expect "tui $preset: the TUI still reads keys (help)" "Real probes in real sandboxes"
    if kill -0 "$(tm_pid)" 2>/dev/null; then pass "tui $preset: the TUI got no injected q"
    else fail "tui $preset: the TUI got no injected q"; fi
    tm send-keys -t t:0 q
    tm_expect "tui $preset: the screen is the lab" "unshare-user"
    tm send-keys -t t:0 q
    tm_wait_exit || fail "tui $preset: q quits"
    outer_clean "tui $preset" "$f"
done

# Job control in a run shell: the shell leads its session on its own pty.
tm send-keys -t t:0 "clear" Enter
tm_isolab PS1=inbox- -- run -- bash --norc --noprofile
tm_expect "jobs: the run shell starts" "inbox-"
tm send-keys -t t:0 "echo leads=\$(( \$(cut -d' ' -f6 /proc/\$\$/stat) == \$\$ )); tty" Enter
tm_expect "jobs: the shell is the session leader" "leads=1"
tm_expect "jobs: on the sandbox's own pty" "/dev/pts/0"
tm send-keys -t t:0 "sleep 100" Enter
tm_wait "sleep 100" >/dev/null
tm send-keys -t t:0 C-z
tm_expect_re "jobs: Ctrl-Z stops the job" "Stopped +sleep 100"
tm send-keys -t t:0 "jobs -l" Enter
tm_expect_re "jobs: jobs lists it" "\[1\]\+ +[0-9]+ Stopped +sleep 100"
tm send-keys -t t:0 "bg" Enter
tm_expect "jobs: bg resumes it" "[1]+ sleep 100 &"
tm send-keys -t t:0 "clear; fg" Enter
tm_expect "jobs: fg brings it back" "sleep 100"
tm send-keys -t t:0 C-c
tm send-keys -t t:0 "jobs > /tmp/jobs-left; echo after-\$((6*7)) \$(wc -l < /tmp/jobs-left)" Enter
tm_expect "jobs: Ctrl-C ends the foreground job, the shell goes on" "after-42 0"
if kill -0 "$(tm_pid)" 2>/dev/null; then pass "jobs: isolab survives Ctrl-C, Ctrl-Z"
else fail "jobs: isolab survives Ctrl-C, Ctrl-Z"; fi

# Resize: the outer terminal's size reaches the pty (TIOCSWINSZ).
tm send-keys -t t:0 "clear; stty size" Enter
tm_expect "resize: the pty starts at the pane's size" "30 100"
tm resize-window -t t:0 -x 90 -y 25
tm send-keys -t t:0 "clear; stty size" Enter
tm_expect "resize: SIGWINCH changes stty size inside" "25 90"
tm send-keys -t t:0 "exit 5" Enter
tm_wait_exit || fail "resize: isolab exits"
tm send-keys -t t:0 "echo status=\$?" Enter
tm_expect "exit: the shell's status comes back through the relay (5)" "status=5"
tm_terminal_sane "after the run shell"

# A signal to isolab itself: the sandbox goes, the terminal comes back sane.
for sig in TERM HUP INT; do
    tm send-keys -t t:0 "clear" Enter
    tm_isolab "PS1='sig-\\s> '" -- run -- bash --norc --noprofile
    tm_expect "SIG$sig: the run shell starts" "sig-bash>"
    kill -s "$sig" "$(tm_pid)"
    tm_wait_exit || fail "SIG$sig: isolab exits"
    tm send-keys -t t:0 "echo status=\$?" Enter
    tm_expect "SIG$sig: the sandbox was killed (137)" "status=137"
    tm_terminal_sane "after SIG$sig to isolab"
done

exit 0
