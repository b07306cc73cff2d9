#!/usr/bin/env bash
# The shell pane (issue 10, DESIGN.md "The live shell", "A pane"): `s` opens
# a sandboxed shell on its own pty, drawn by libvterm beside the layers and
# the probes; F12 moves the focus; z zooms (vi, top); job control; resize;
# Shift-PgUp scrollback; the title names the layers and says when they are
# old, R restarts; the exit in words; quitting kills the pane's sandbox; a
# TIOCSTI injection from inside reaches only the pane (docker, unconfined,
# docker-privileged).
. "$(dirname "$0")/lib/tmux.sh"
tm_need tui_pane
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { skip tui_pane "python3 is not installed"; exit 0; }
HELPER=$ROOT/tests/tui/tiocsti.py

# The line of the screen that holds TEXT, cut at the pane's left border:
# only what is right of "│" at column 54 (the wide layout) counts as the pane.
in_pane() { tm_screen | grep -F -- "$1" | grep -qE '^.{54}│'; }
expect_in_pane() {   # NAME TEXT
    local i
    for ((i = 0; i < TM_TRIES; i++)); do in_pane "$2" && { pass "$1"; return; }; sleep 0.1; done
    fail "$1"; printf '#   never saw in the pane: %s\n' "$2"; tm_screen | sed 's/^/#   | /'
}
alive() { if kill -0 "$(tm_pid)" 2>/dev/null; then pass "$1"; else fail "$1"; fi; }
prompt_wait() { tm_wait "(isolab)" >/dev/null; }
# s after an exit: the ended shell's screen (its prompt too) stays until the
# new one starts, so first wait for the frame to lose "it ran under".
new_shell() { tm send-keys -t t:0 s; tm_wait_gone "it ran under" >/dev/null; prompt_wait; }

tm_start 120 40
tm_isolab -- --preset docker
tm_wait "unshare-user" >/dev/null
tm_wait_probes
tm send-keys -t t:0 s
tm_expect "pane: s opens the shell in a pane" "(isolab)"
tm_expect "pane: the frame names the focus key" "Shell [F12 lab z zoom]"
tm_expect "pane: the title names the layers" "docker: seccomp docker-default.json"
tm send-keys -t t:0 'echo pane-$((6*7)) host=$(hostname)' Enter
expect_in_pane "pane: echo shows inside the pane" "pane-42 host=isolab"
s=$(tm_screen)
expect_contains "pane: the layers stay visible beside it" "$s" "[x] seccomp"
expect_contains "pane: the probes stay visible beside it" "$s" "xunshare-user"
expect_contains "pane: the legend says keys go to the shell" "$s" "Keys go to the shell."

# Focus: F12 to the lab (Down moves the layer selection), F12 back.
tm send-keys -t t:0 F12
tm_expect "focus: F12 gives the lab the keys" "F12 shell  z zoom  R restart"
tm send-keys -t t:0 Down
tm_expect "focus: the lab takes Down (the selection moves to lsm)" ">[x] lsm"
tm send-keys -t t:0 F12
tm_expect "focus: F12 again gives the shell the keys" "Keys go to the shell."
tm send-keys -t t:0 'echo back-$((40+2))' Enter
expect_in_pane "focus: typing reaches the shell again" "back-42"

# fg_sleep: until `sleep 100` runs as the terminal's foreground job (its
# process group is the tty's: fields 5 and 8 of /proc/PID/stat). The screen
# shows the typed line before the shell has made the job; a key sent then
# would reach the shell, not the job (more so in live mode, where the
# shell's fork, setpgid and tcsetpgrp go through the supervisor).
fg_sleep() {
    local i pid st
    for ((i = 0; i < TM_TRIES; i++)); do
        for pid in $(pgrep -f '^sleep 100$'); do
            st=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
            set -- $st
            [ "$3" = "$6" ] && return 0   # pgrp == tpgid (fields 5, 8)
        done
        sleep 0.1
    done
    return 1
}

# Job control on the pane's own pty; Ctrl-C and Ctrl-Z never reach isolab.
tm send-keys -t t:0 'clear; sleep 100' Enter
fg_sleep
tm send-keys -t t:0 C-z
tm_expect_re "jobs: Ctrl-Z stops the job" "Stopped +sleep 100"
tm send-keys -t t:0 "jobs -l" Enter
tm_expect_re "jobs: jobs lists it" "\[1\]\+ +[0-9]+ Stopped +sleep 100"
tm send-keys -t t:0 "bg" Enter
tm_expect "jobs: bg resumes it" "[1]+ sleep 100 &"
tm send-keys -t t:0 "clear; fg" Enter
fg_sleep
tm send-keys -t t:0 C-c
tm send-keys -t t:0 'jobs > /tmp/jl; echo after-$((6*7)) $(wc -l < /tmp/jl)' Enter
tm_expect "jobs: Ctrl-C ends the foreground job, the shell goes on" "after-42 0"
alive "jobs: isolab survives Ctrl-C and Ctrl-Z in the pane"

# Resize: the pane's terminal follows the outer one. 120x40: the pane is
# rows 2..25, columns 55..119 (24x65), the live feed below it; 100x30: below
# the probes, the feed beside it (13x60).
tm send-keys -t t:0 'clear; stty size' Enter
tm_expect "resize: stty size is the pane's size" "24 65"
# tmux passes a resize on to the pane after a delay: type once isolab has
# drawn the new layout (which resizes the pty in the same frame).
tm resize-window -t t:0 -x 100 -y 30
tm_wait_re '^ \[x\] seccomp +docker-default' >/dev/null
tm send-keys -t t:0 'clear; stty size' Enter
tm_expect "resize: a smaller terminal changes stty size in the pane" "13 60"
s=$(tm_screen)
expect_contains "resize: 100x30: the layers stay visible above the pane" "$s" "[x] seccomp"
tm resize-window -t t:0 -x 120 -y 40
tm_wait_re '^ +docker-default.json \(301' >/dev/null
tm send-keys -t t:0 'clear; stty size' Enter
tm_expect "resize: and back" "24 65"

# Scrollback: 1500 lines, then Shift-PgUp to the top.
tm send-keys -t t:0 'clear; seq 1 1500' Enter
tm_wait "1500" >/dev/null
for i in $(seq 1 70); do tm send-keys -t t:0 S-PPage; done
tm_expect "scrollback: Shift-PgUp scrolls back (title)" "scrollback -"
if tm_wait_re '│1 *$' >/dev/null && tm_screen | grep -qE '│2 *$'; then
    pass "scrollback: the first of 1500 lines is kept"
else fail "scrollback: the first of 1500 lines is kept"; tm_screen | sed 's/^/#   | /'; fi
tm send-keys -t t:0 S-NPage
tm send-keys -t t:0 'clear' Enter
tm_wait_gone "scrollback -" >/dev/null && pass "scrollback: a key goes back to the live screen" \
    || fail "scrollback: a key goes back to the live screen"

# Zoom: vi edits and writes a file inside the sandbox; top draws and quits.
tm send-keys -t t:0 F12
tm send-keys -t t:0 z
tm_wait_gone "[x] seccomp" >/dev/null && pass "zoom: z gives the shell the whole screen" \
    || fail "zoom: z gives the shell the whole screen"
tm send-keys -t t:0 'clear; stty size' Enter
tm_expect "zoom: the pane is the screen less its frame line" "39 120"
tm send-keys -t t:0 'vi /root/pane-vi.txt' Enter
tm_expect_re "zoom: vi opens" '^~ *$'
tm send-keys -t t:0 i 'hello from vi in the pane' Escape
tm send-keys -t t:0 ':wq' Enter
prompt_wait
tm send-keys -t t:0 'clear; cat /root/pane-vi.txt; ls /root/pane-vi.txt' Enter
tm_expect "zoom: vi wrote the file inside the sandbox" "hello from vi in the pane"
if [ -e /root/pane-vi.txt ]; then fail "zoom: the file is not on the host"; rm -f /root/pane-vi.txt
else pass "zoom: the file is not on the host"; fi
tm send-keys -t t:0 'top' Enter
tm_expect_re "zoom: top draws" 'Tasks: +[0-9]+ total'
tm send-keys -t t:0 q
# top flushes typed input as it leaves, and its last screen stays (no
# alternate screen here): wait for the prompt below it, on the last line.
for ((i = 0; i < TM_TRIES; i++)); do
    tm_screen | grep -v '^[[:space:]]*$' | tail -1 | grep -qF '(isolab)' && break
    sleep 0.1
done
tm send-keys -t t:0 'clear; echo top-done-$((6*7))' Enter
tm_expect "zoom: top quits with q, the shell reads again" "top-done-42"
tm send-keys -t t:0 F12
tm_expect "zoom: F12 goes back to the lab, unzoomed" "[x] seccomp"

# The title: old layers after a toggle, R restarts with the new ones.
tm send-keys -t t:0 Up Space
tm_expect "layers: the title says the shell has the old layers" "OLD layers, R restarts: docker: seccomp d"
tm send-keys -t t:0 R
tm_expect "layers: R restarts the shell with the new ones" "docker: seccomp off"
tm_wait_gone "OLD layers" >/dev/null && pass "layers: the title is current again" \
    || fail "layers: the title is current again"
prompt_wait
tm send-keys -t t:0 'clear; unshare -U true; echo unshare-rc=$?' Enter
tm_expect "layers: the new shell runs without seccomp (unshare -U works)" "unshare-rc=0"

# The exit in words.
tm send-keys -t t:0 'exit 3' Enter
tm_expect "exit: the pane says the status" "the shell exited with status 3"
new_shell
tm send-keys -t t:0 'kill -9 $$' Enter
tm_expect "exit: the pane says the signal" "the shell was killed by signal 9 (Killed)"
alive "exit: isolab goes on after the shell died"

# Quitting the TUI ends the pane's sandbox.
new_shell
# A job in the background of the pane's shell: it goes with the sandbox.
# (the output, not the typed line: bg-42 shows only once the shell ran it)
tm send-keys -t t:0 'sleep 4242 & echo bg-$((40+2))' Enter
tm_wait "bg-42" >/dev/null
job=
for ((i = 0; i < 50; i++)); do job=$(pgrep -f '^sleep 4242$') && break; sleep 0.1; done
tm send-keys -t t:0 F12 q
tm_wait_exit && pass "quit: q quits with the shell running" || fail "quit: q quits with the shell running"
if [ -n "$job" ] && ! pgrep -f '^sleep 4242$' >/dev/null; then pass "quit: the pane's sandbox is gone (its background job too)"
else fail "quit: the pane's sandbox is gone (job '$job', left: $(pgrep -f '^sleep 4242$' | tr '\n' ' '))"; fi
tm_wait 'tuitest$' >/dev/null
tm_terminal_sane "pane: after q"

# TIOCSTI from inside the pane. The payload starts with F12 and q: had it
# reached the learner's terminal, the TUI would read F12 (focus to the lab)
# and q (quit), and the host shell the rest.
PANE_TTY=$(tm display-message -p -t t:0 '#{pane_tty}')
OUTER_DEV=$(stat -L -c '%d' "$PANE_TTY")
OUTER_RDEV=$("$PY" -c "import os,sys; print(os.stat(sys.argv[1]).st_rdev)" "$PANE_TTY")
hex() { printf '\033[24~q%s\n' "$1" | od -An -tx1 | tr -d ' \n'; }
for preset in docker unconfined docker-privileged; do
    f=/tmp/INJECTED_pane_$$_$preset
    rm -f "$f"
    tm send-keys -t t:0 "clear" Enter
    tm_isolab -- --preset "$preset"
    tm_wait "unshare-user" >/dev/null
    tm_wait_probes
    tm send-keys -t t:0 s
    prompt_wait
    tm send-keys -t t:0 "clear; $PY $HELPER $(hex "touch $f") $OUTER_DEV $OUTER_RDEV" Enter
    expect_in_pane "tiocsti $preset: the sandbox holds no fd of the learner's terminal" "learner-terminal-fds=0"
    expect_in_pane "tiocsti $preset: TIOCSTI went into the pane's own pty" "tiocsti=done-on-fd-0"
    expect_in_pane "tiocsti $preset: the injected text shows in the pane" "qtouch $f"
    tm send-keys -t t:0 'echo after-inject-$((6*7))' Enter
    expect_in_pane "tiocsti $preset: the shell goes on" "after-inject-42"
    s=$(tm_screen)
    expect_contains "tiocsti $preset: the TUI got no F12 (the shell keeps the focus)" "$s" "Keys go to the shell."
    alive "tiocsti $preset: the TUI got no q"
    tm send-keys -t t:0 F12 q
    tm_wait_exit || fail "tiocsti $preset: q quits"
    tm send-keys -t t:0 "echo outer-\$((20+22))" Enter
    tm_expect "tiocsti $preset: the learner's shell is back" "outer-42"
    if [ -e "$f" ]; then fail "tiocsti $preset: the injected command never ran on the host"; rm -f "$f"
    else pass "tiocsti $preset: the injected command never ran on the host"; fi
    expect_not_contains "tiocsti $preset: the learner's shell received nothing" "$(tm_screen)" 'tuitest$ qtouch'
done
exit 0
