#!/usr/bin/env bash
# `s` drops into a shell inside the sandbox with the current layers, and
# leaving it returns to the screen. Ctrl-C in the shell does not kill isolab.
. "$(dirname "$0")/lib/tmux.sh"
plan 14
tm_need tui_shell

tm_start 80 24
tm_isolab -- --preset docker
tm_wait "unshare-user" >/dev/null
tm_wait_probes

tm send-keys -t t:0 S
tm_expect "shell: banner names the preset and how to leave" "[isolab docker; exit returns]"
tm_expect "shell: the prompt shows it is inside isolab" "(isolab)"
tm send-keys -t t:0 'echo "host=$(hostname) env=$ISOLAB"' Enter
tm_expect "shell: hostname is isolab, ISOLAB=1" "host=isolab env=1"
tm send-keys -t t:0 'unshare -U true; echo rc=$?' Enter
tm_expect "shell: unshare -U under docker prints rc=1" "rc=1"

# Ctrl-C goes to the shell's job, not to isolab.
tm send-keys -t t:0 'sleep 1000' Enter
tm_wait "sleep 1000" >/dev/null
tm send-keys -t t:0 C-c
tm send-keys -t t:0 'echo still-$((40+2))' Enter
tm_expect "shell: Ctrl-C stops the job, the shell goes on" "still-42"
if kill -0 "$(tm_pid)" 2>/dev/null; then pass "shell: isolab survives Ctrl-C"; else fail "shell: isolab survives Ctrl-C"; fi

tm send-keys -t t:0 'exit' Enter
tm_expect "shell: exit returns to the screen" "back from the sandbox shell"
tm_expect "shell: the screen is redrawn" "unshare-user"

# With seccomp off the same command succeeds.
tm send-keys -t t:0 Space
tm_expect_row "shell: seccomp off flips the row first" unshare-user 'ALLOWED'
tm send-keys -t t:0 S
tm_expect "shell: second shell" "[isolab docker; exit returns] seccomp off"
tm send-keys -t t:0 'clear; unshare -U true; echo rc=$?' Enter
tm_expect "shell: unshare -U with seccomp off prints rc=0" "rc=0"
tm send-keys -t t:0 C-d
tm_expect "shell: Ctrl-D returns to the screen" "back from the sandbox shell"

tm send-keys -t t:0 q
tm_wait_exit || fail "shell: q quits"
tm_wait 'tuitest$' >/dev/null
tm_terminal_sane "shell: after the shell and q"
