#!/usr/bin/env bash
# Every way out restores the terminal: SIGTERM, SIGHUP, Ctrl-C (SIGINT), and
# a child that crashes (the shell killed by SIGSEGV) returns to the screen.
. "$(dirname "$0")/lib/tmux.sh"
plan 18
tm_need tui_signals

tm_start 80 24
for sig in TERM HUP; do
    tm send-keys -t t:0 'clear' Enter
    tm_isolab -- --preset docker
    tm_wait "unshare-user" >/dev/null
    pid=$(tm_pid)
    kill -"$sig" "$pid"
    if tm_wait_exit; then pass "signals: SIG$sig ends isolab"; else fail "signals: SIG$sig ends isolab"; fi
    tm_expect "signals: SIG$sig says so" "isolab: stopped by signal"
    tm_terminal_sane "signals: after SIG$sig"
done

# Ctrl-C at the main screen
tm send-keys -t t:0 'clear' Enter
tm_isolab -- --preset docker
tm_wait "unshare-user" >/dev/null
tm send-keys -t t:0 C-c
if tm_wait_exit; then pass "signals: Ctrl-C ends isolab"; else fail "signals: Ctrl-C ends isolab"; fi
tm_terminal_sane "signals: after Ctrl-C"

# SIGTERM while the probes are running (a fresh start runs them)
tm send-keys -t t:0 'clear' Enter
# (a limit never used before: nothing of this run is known in advance; and
# the first screen already shows the run in progress, as rows of `...` or
# its status line, which can be over before a poll sees the words)
tm_isolab ISOLAB_NO_CACHE=1 -- --preset docker --pids-limit 4321
tm_wait_re 'running probes|attributing|[.][.][.]' >/dev/null
kill -TERM "$(tm_pid)"
if tm_wait_exit; then pass "signals: SIGTERM during a probe run"; else fail "signals: SIGTERM during a probe run"; fi
tm_terminal_sane "signals: after SIGTERM during probes"

# A child that crashes: the sandbox shell dies of SIGSEGV.
tm send-keys -t t:0 'clear' Enter
tm_isolab -- --preset docker
tm_wait "unshare-user" >/dev/null
tm_wait_probes
tm send-keys -t t:0 S
tm_wait "(isolab)" >/dev/null
tm send-keys -t t:0 'kill -SEGV $$' Enter
tm_expect "signals: a crashed shell is reported on the screen" "the shell died with signal 11"
tm_expect "signals: and the screen is back" "unshare-user"
tm send-keys -t t:0 q
tm_wait_exit || fail "signals: q after the crash"
tm_wait 'tuitest$' >/dev/null
tm_terminal_sane "signals: after a crashed child"
