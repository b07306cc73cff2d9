#!/usr/bin/env bash
# Every exit explained, in the TUI's shell pane (issue 10; the engine's
# exit_why_explain through tui_pane_explain_exit): a shell the memory cgroup
# kills says so inside the pane and in its frame; a shell killed by a KILL
# rule names the rule's syscall. And the pane's shell (a pid namespace, a
# pty) starts under a profile that denies setsid: the console step comes
# before the filter.
. "$(dirname "$0")/lib/tmux.sh"
plan 7
tm_need tui_exit
PY=/usr/bin/python3   # the system's: homes (pyenv shims) are masked in the sandbox
[ -x "$PY" ] || skip_all tui_exit "python3 is not installed in /usr/bin"

T=$(mktemp -d)
trap 'rm -rf "$T"; tm_cleanup' EXIT
printf '%s\n' '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["sync"],"action":"SCMP_ACT_KILL_PROCESS"}]}' > "$T/kill-sync.json"
printf '%s\n' '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["setsid"],"action":"SCMP_ACT_ERRNO"}]}' > "$T/no-setsid.json"

quit() {   # NAME: leave the TUI
    tm send-keys -t t:0 q
    tm_wait_exit || fail "$1: q quits"
    tm send-keys -t t:0 clear Enter
    tm_wait 'tuitest$' >/dev/null
}

tm_start 120 40

# The memory cgroup: the shell becomes a program that asks for 256 MiB.
tm_isolab -- --preset docker --memory 64m
tm_wait "unshare-user" >/dev/null
tm_wait_probes
tm send-keys -t t:0 s
tm_wait "(isolab)" >/dev/null
tm send-keys -t t:0 "exec $PY -c 'b=bytearray(256<<20)'" Enter
tm_expect "oom: the pane explains the end" "[isolab] the memory limit was reached"
tm_expect "oom: the frame says it" "the shell ended (status 137): the memory limit was reached"
tm_expect "oom: the pane gives the hint" "[isolab] hint: give it more with --memory"
quit oom

# A KILL rule: the shell becomes sync, which the profile kills.
tm_isolab -- --preset docker --security-opt seccomp="$T/kill-sync.json"
tm_wait "unshare-user" >/dev/null
tm_wait_probes
tm send-keys -t t:0 s
tm_wait "(isolab)" >/dev/null
tm send-keys -t t:0 "exec sync" Enter
tm_expect "sigsys: the pane says a KILL rule stopped it" "[isolab] the command was killed by SIGSYS"
tm_expect "sigsys: and names the syscall" "sync (SCMP_ACT_KILL_PROCESS"
quit sigsys

# No setsid: the pane's shell still gets its terminal.
tm_isolab -- --preset docker --security-opt seccomp="$T/no-setsid.json"
tm_wait "unshare-user" >/dev/null
tm_wait_probes
tm send-keys -t t:0 s
tm_expect "console: the pane's shell starts under a profile that denies setsid" "(isolab)"
tm send-keys -t t:0 'echo lead=$(( $(cut -d" " -f6 /proc/$$/stat) == $$ ))' Enter
tm_expect "console: and leads its session on the pane's pty" "lead=1"
tm send-keys -t t:0 F12   # the shell still runs and has the keys: back to the lab
quit console
exit 0
