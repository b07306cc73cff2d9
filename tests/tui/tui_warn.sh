#!/usr/bin/env bash
# A profile with a syscall name libseccomp does not know: the TUI says so on
# the status line when it loads it, as `isolab run` does on stderr; a
# profile whose names are all known gives no warning.
. "$(dirname "$0")/lib/tmux.sh"
tm_need tui_warn

printf '%s\n' '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [' \
    '  {"names": ["chmod", "no_such_call"], "action": "SCMP_ACT_ERRNO"}]}' > "$TM_DIR/bogus.json"
tm_start 200 30
tm_isolab -- --security-opt "seccomp=$TM_DIR/bogus.json"
tm_expect "warn: the status line names the unknown syscall" 'unknown syscall "no_such_call" skipped'
tm_expect "warn: and the place in the file" 'bogus.json:2:3: syscalls[0]'
tm send-keys -t t:0 q
tm_wait_exit || fail "warn: q quits"
tm_wait 'tuitest$' >/dev/null

tm send-keys -t t:0 'clear' Enter
tm_isolab -- --security-opt "seccomp=$ROOT/profiles/seccomp/no-chmod.json"
tm_wait "no-chmod.json loaded" >/dev/null
tm_wait_probes
s=$(tm_screen)
expect_not_contains "warn: a profile of known names gives no warning" "$s" "unknown syscall"
tm send-keys -t t:0 q
tm_wait_exit || fail "warn: q quits"
