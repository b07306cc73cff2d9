#!/usr/bin/env bash
# The main screen at 80x24: five layers, the probe matrix, Space on seccomp
# flips unshare-user (and back), the help screen, and q leaves a sane terminal.
. "$(dirname "$0")/lib/tmux.sh"
plan 25
tm_need tui_main

tm_start 80 24
tm_isolab -- --preset docker
tm_expect "main: probe matrix appears" "unshare-user"
for l in seccomp lsm cgroups caps namespaces; do
    if tm_wait_re "^.\[.\] $l " >/dev/null; then pass "main: layer $l listed"
    else fail "main: layer $l listed"; tm_screen | sed 's/^/#   | /'; fi
done
tm_wait_probes
tm_expect_row "main: docker blocks unshare-user with EPERM, by seccomp" unshare-user 'EPERM .*seccomp'

# The cursor starts on seccomp: Space switches it off.
tm send-keys -t t:0 Space
tm_expect_row "main: seccomp off -> unshare-user ALLOWED <- was EPERM" unshare-user 'ALLOWED +<- was EPERM'
tm_expect_re "main: layers panel shows seccomp off" '^.\[ \] seccomp +off'
tm send-keys -t t:0 Space
tm_expect_row "main: seccomp on again -> EPERM <- was ALLOWED" unshare-user 'EPERM +<- was ALLOWED'

# help
tm send-keys -t t:0 '?'
tm_expect "main: ? opens the help screen" "Help (? or F1)"
tm send-keys -t t:0 Escape
if tm_wait_gone "Help (? or F1)" >/dev/null; then pass "main: any key closes help"; else fail "main: any key closes help"; fi
tm send-keys -t t:0 F1
tm_expect "main: F1 opens the help screen" "Help (? or F1)"
tm send-keys -t t:0 x

# Enter on a probe explains it
tm send-keys -t t:0 Tab Enter
tm_expect "main: Enter on a probe shows each layer alone" "each layer alone"
tm_expect "main: probe detail names what decided it" "seccomp: unshare ->"
tm send-keys -t t:0 Escape Tab

# status line
s=$(tm_screen)
expect_contains "main: status line says root" "$(printf '%s' "$s" | head -1)" "root"
expect_contains "main: status line names the cgroup mode" "$(printf '%s' "$s" | head -1)" "cgroup"
if grep -q apparmor /sys/kernel/security/lsm 2>/dev/null; then
    skip "main: status says Landlock stands in for AppArmor" "AppArmor is enabled in this kernel"
else
    expect_contains "main: status says Landlock stands in for AppArmor" "$s" "Landlock stands in for AppArmor"
fi

tm send-keys -t t:0 q
if tm_wait_exit; then pass "main: q quits"; else fail "main: q quits"; fi
tm_wait 'tuitest$' >/dev/null
tm_terminal_sane "main: after q"

# Mouse: a click on a layer's checkbox toggles it (xterm's SGR mouse
# reports, typed into the pane as the terminal would send them).
tm send-keys -t t:0 'clear' Enter
tm_isolab TERM=xterm-256color -- --preset docker
tm_wait "unshare-user" >/dev/null
tm_wait_probes
# caps is the 4th layer: screen row 6 (1-based), column 3 is its checkbox
tm send-keys -t t:0 -l $'\e[<0;3;6M'
tm send-keys -t t:0 -l $'\e[<0;3;6m'
tm_expect_re "mouse: a click on the caps checkbox switches caps off" '^>\[ \] caps +off'
tm send-keys -t t:0 -l $'\e[<0;3;6M'
tm send-keys -t t:0 -l $'\e[<0;3;6m'
tm_expect_re "mouse: a second click switches it on" '^>\[x\] caps '
tm send-keys -t t:0 q
tm_wait_exit || fail "mouse: q quits"
tm_wait 'tuitest$' >/dev/null
tm_terminal_sane "mouse: after q"
