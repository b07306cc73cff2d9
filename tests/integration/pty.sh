#!/usr/bin/env bash
# isolab run's terminal handling without tmux: exit statuses through the
# relay and through plain pipes, no pty (and no controlling terminal) when
# stdin or stdout is not a terminal, -t/-T. tests/tui/tui_pty.sh has the
# interactive half (TIOCSTI, job control, resize).
source "$(dirname "$0")/../lib.sh"
if ! need_root; then
    skip pty "these tests create namespaces and mounts as root"
    exit 0
fi

"$ISOLAB" run -- sh -c 'exit 3' </dev/null; rc=$?
check "exit status: sh -c 'exit 3' returns 3 ($rc)" [ "$rc" = 3 ]
"$ISOLAB" run -- sh -c 'kill -KILL $$' </dev/null; rc=$?
check "exit status: a command killed by SIGKILL returns 137 ($rc)" [ "$rc" = 137 ]
out=$(echo hi | "$ISOLAB" run -- cat); rc=$?
check "pipes: echo hi | isolab run -- cat prints hi ($out, $rc)" [ "$out" = hi ] && [ "$rc" = 0 ]
out=$(echo hi | "$ISOLAB" run --preset unconfined -- cat)
check "pipes: the same without namespaces ($out)" [ "$out" = hi ]

out=$(echo | "$ISOLAB" run -- sh -c 'tty; echo $?')
expect_contains "no pty: tty says not a tty" "$out" "not a tty"
# No controlling terminal at all: /dev/tty cannot be opened.
out=$(echo | "$ISOLAB" run -- sh -c '(exec 3</dev/tty) 2>/dev/null && echo has-ctty || echo no-ctty')
expect_contains "no pty: the sandbox has no controlling terminal" "$out" "no-ctty"
out=$(echo | "$ISOLAB" run -- sh -c 'echo sid=$(cut -d" " -f6 /proc/1/stat) pid1' )
expect_contains "no pty: the sandbox's init leads a session of its own" "$out" "sid=1 pid1"

# -t forces a pty even on pipes; its exit status and output come back.
out=$("$ISOLAB" run -t -- sh -c 'tty; exit 4' </dev/null | tr -d '\r'); 
expect_contains "-t: a pty of its own under pipes" "$out" "/dev/pts/0"
"$ISOLAB" run -t -- sh -c 'exit 4' </dev/null >/dev/null; rc=$?
check "-t: the exit status comes back through the relay ($rc)" [ "$rc" = 4 ]
"$ISOLAB" run -t -- sh -c 'kill -KILL $$' </dev/null >/dev/null; rc=$?
check "-t: SIGKILL gives 137 through the relay ($rc)" [ "$rc" = 137 ]
# stdin's EOF reaches the command as the pty's EOF character.
out=$(printf 'one\ntwo' | timeout 60 "$ISOLAB" run -t -- sh -c 'cat > /tmp/in; echo bytes=$(wc -c < /tmp/in)' | tr -d '\r')
expect_contains "-t: piped stdin goes through the pty, its EOF ends cat" "$out" "bytes=7"
out=$("$ISOLAB" run -t -- sh -c '(exec 3</dev/tty) && echo has-ctty' </dev/null | tr -d '\r')
expect_contains "-t: /dev/tty is the sandbox's pty" "$out" "has-ctty"
out=$("$ISOLAB" run -t -- sh -c 'test -c /dev/console && echo console-is-pty=$(stat -c %t /dev/console)' </dev/null | tr -d '\r')
expect_contains "-t: /dev/console is the sandbox's pty (a pts, major 0x88)" "$out" "console-is-pty=88"
out=$("$ISOLAB" run -T -- sh -c 'tty' </dev/null)
expect_contains "-T: no pty" "$out" "not a tty"

# A large output comes through the relay whole.
n=$("$ISOLAB" run -t -- sh -c 'head -c 3000000 /dev/zero | tr "\0" x; echo' </dev/null | tr -d '\r\n' | wc -c)
check "-t: 3 MB of output through the pty arrive whole ($n)" [ "$n" = 3000000 ]
# A terminal among the caller's fds above 2 (fd 5 on script's pty) is closed
# in the sandbox at its console step, before anything of the sandbox's runs:
# from the parent's list where the parent made Landlock's rules beside the
# child (two CPUs), from the child's own /proc/self/fd on one CPU.
if command -v strace >/dev/null && command -v script >/dev/null && command -v taskset >/dev/null; then
    tr=$(mktemp)
    for how in "" "taskset -c 0"; do
        script -qc "exec 5<>/dev/tty; strace -f -qq -e trace=execve,close,openat -o $tr $how $ISOLAB run -T -- true" /dev/null >/dev/null 2>&1
        parent=$(grep -m1 execve "$tr" | awk '{ print $1 }')
        closer=$(grep -E '^[0-9]+ +close\(5\) += 0' "$tr" | awk -v p="$parent" '$1 != p { print $1; exit }')
        check "console: the caller's terminal on fd 5 is closed in the sandbox (${how:-two CPUs}; by ${closer:-nobody})" [ -n "$closer" ]
    done
    rm -f "$tr"
else
    skip "console: the caller's terminal on fd 5 is closed in the sandbox (two CPUs)" "needs strace, script and taskset"
    skip "console: the caller's terminal on fd 5 is closed in the sandbox (taskset -c 0)" "needs strace, script and taskset"
fi
exit 0
