#!/usr/bin/env bash
# Every exit explained (issue 10; layers/exit_why.c): when the command in
# the sandbox ends abnormally, `isolab run` says why on stderr, naming the
# layer and what to do. Each case runs the real binary in a real sandbox:
# the memory cgroup's OOM kill, a seccomp KILL rule (SIGSYS), a profile under
# which nothing starts (the workshop's custom-seccomp.json), a profile that
# denies isolab's own capability drop (tiny-allowlist.json), a missing or
# non-executable program, a dynamic loader that dies after execve (from the
# model, and from the live feed under --trace). The plain exit statuses stay
# as they are, with nothing added. Also: the console step (setsid,
# TIOCSCTTY) comes before the filter, so a profile that denies setsid or
# ioctl still gives the shell its terminal.
source "$(dirname "$0")/../lib.sh"
plan 43
need_root || skip_all exits "these tests create namespaces, cgroups and filters as root"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
profile() { printf '%s\n' "$2" > "$T/$1.json"; }
# run NAME ARGS...: the status in $rc, stderr in $err (stdout in $out)
run() { out=$(timeout 60 "$ISOLAB" run "$@" 2>"$T/err" </dev/null); rc=$?; err=$(cat "$T/err"); }

# ---- plain ends: statuses kept, nothing said -------------------------------------
run -- sh -c 'exit 3'
check "status: sh -c 'exit 3' returns 3 ($rc)" [ "$rc" = 3 ]
check "status: nothing is added to an ordinary exit status" [ -z "$err" ]
run -- sh -c 'kill -KILL $$'
check "status: SIGKILL returns 137 ($rc)" [ "$rc" = 137 ]
out=$(echo hi | "$ISOLAB" run -- cat 2>&1)
check "status: echo hi | isolab run -- cat prints hi ($out)" [ "$out" = hi ]

# ---- the memory cgroup ------------------------------------------------------------
PY=/usr/bin/python3   # the system's: homes (pyenv shims) are masked in the sandbox
if [ ! -x "$PY" ]; then
    for i in 1 2 3; do skip "oom: test $i" "python3 is not installed in /usr/bin"; done
elif ! "$ISOLAB" run --memory 64m -- true 2>/dev/null; then
    for i in 1 2 3; do skip "oom: test $i" "no memory controller for isolab's cgroups here"; done
else
    run --memory 64m -- "$PY" -c 'b=bytearray(256<<20)'
    check "oom: the command is killed, 137 ($rc)" [ "$rc" = 137 ]
    expect_contains "oom: says the memory limit was reached" "$err" "the memory limit was reached"
    expect_contains "oom: and which limit (64 MiB)" "$err" "--memory = 67108864 bytes (64 MiB)"
fi

# ---- SIGSYS from a KILL rule --------------------------------------------------------
profile kill-uname '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["uname"],"action":"SCMP_ACT_KILL_PROCESS"}]}'
run --security-opt seccomp="$T/kill-uname.json" -- uname
check "sigsys: killed by SIGSYS, 159 ($rc)" [ "$rc" = 159 ]
expect_contains "sigsys: says a seccomp KILL or TRAP rule stopped it" "$err" "a seccomp KILL or TRAP rule of kill-uname.json"
expect_contains "sigsys: names the rule's syscall from the model" "$err" "uname (SCMP_ACT_KILL_PROCESS, line 1)"
run --security-opt seccomp="$T/kill-uname.json" --trace="$T/feed" -- uname
check "sigsys --trace: still SIGSYS ($rc)" [ "$rc" = 159 ]
expect_contains "sigsys --trace: names the call from the live feed" "$err" "the live feed's first denied call was uname("

# ---- a profile under which nothing can start (custom-seccomp.json) ---------------------
profile custom-seccomp '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["chdir","fchown","fchownat","setuid","setgid","clone","fork","vfork"],"action":"SCMP_ACT_ALLOW"}]}'
lint=$("$ISOLAB" lint "$T/custom-seccomp.json" 2>&1)
expect_contains "nostart: lint knows a shell cannot start" "$lint" "a shell cannot start under this profile"
run --security-opt seccomp="$T/custom-seccomp.json" -- /bin/sh -c true
check "nostart: run exits non-zero, not a segfault ($rc)" [ "$rc" != 0 -a "$rc" != 139 ]
expect_contains "nostart: run says what lint says" "$err" "a shell cannot start under this profile: it needs execve, mmap"
expect_contains "nostart: and that the profile stopped isolab's capability drop" "$err" "denies prctl, capset, which isolab calls to drop"
run --security-opt no-new-privileges --security-opt seccomp="$T/custom-seccomp.json" -- /bin/sh -c true
check "nostart nnp: exits non-zero, not a segfault ($rc)" [ "$rc" != 0 -a "$rc" != 139 ]
expect_contains "nostart nnp: seccomp refused execve" "$err" "seccomp refused it: the profile custom-seccomp.json denies execve"
expect_contains "nostart nnp: run says what lint says" "$err" "a shell cannot start under this profile"
run --security-opt no-new-privileges --security-opt seccomp="$ROOT/profiles/seccomp/tiny-allowlist.json" --trace="$T/feed" -- true
expect_contains "nostart --trace: a start that fails after the filter says what lint says" "$err" "a shell cannot start under this profile"
# not only that file: another profile nothing starts under, KILL by default
profile kill-all '{"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[{"names":["capset","prctl","close","fcntl","openat","getdents64","setsid","ioctl","execve","exit_group"],"action":"SCMP_ACT_ALLOW"}]}'
run --security-opt seccomp="$T/kill-all.json" -- /bin/sh -c true
check "nostart kill-all: exits non-zero ($rc)" [ "$rc" != 0 ]
expect_contains "nostart kill-all: run says what lint says" "$err" "a shell cannot start under this profile"
expect_contains "nostart kill-all: the profile killed isolab's own setup" "$err" "its defaultAction SCMP_ACT_KILL_PROCESS kills every call it does not allow"

# ---- a profile that denies isolab's own setup (tiny-allowlist.json) ----------------------
run --security-opt seccomp="$ROOT/profiles/seccomp/tiny-allowlist.json" -- true
check "setup: the runtime's status, 125 ($rc)" [ "$rc" = 125 ]
expect_contains "setup: blames the seccomp profile, not the caps layer" "$err" "seccomp: the profile tiny-allowlist.json denies prctl, capset, which isolab calls to drop the sandbox's capabilities"
expect_contains "setup: fix 1, allow capset and prctl" "$err" "allow capset and prctl in"
expect_contains "setup: fix 2, no-new-privileges loads the filter last" "$err" "--security-opt no-new-privileges, which loads the filter last"

# ---- execve: which file, which layer --------------------------------------------------
run -- /nonexistent/prog
check "exec enoent: 125 ($rc)" [ "$rc" = 125 ]
expect_contains "exec enoent: names the file" "$err" "execve /nonexistent/prog: No such file or directory"
expect_contains "exec enoent: names the layer (the namespaces layer's root)" "$err" "the namespaces layer: the sandbox's root filesystem"
run -- no-such-command-here
expect_contains "exec enoent PATH: says it is in no PATH directory" "$err" "in none of the PATH directories"
noexec=$ROOT/build/exits-not-executable.txt
echo 'not a program' > "$noexec"; chmod 0644 "$noexec"
run -- "$noexec"
expect_contains "exec eacces: the file itself, no layer" "$err" "no layer refused it: the file itself may not be executed"
expect_contains "exec eacces: says why (its mode)" "$err" "not executable, mode"
run -- /dev/null
check "exec eacces /dev/null: 125 ($rc)" [ "$rc" = 125 ]

# ---- a loader that dies right after execve ------------------------------------------------
profile no-mprotect '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mprotect"],"action":"SCMP_ACT_ERRNO"}]}'
run --security-opt seccomp="$T/no-mprotect.json" -- true
check "loader: the loader's own status, 127 ($rc)" [ "$rc" = 127 ]
expect_contains "loader: names what was denied, from the model" "$err" "the dynamic loader needs mprotect, which is denied"
expect_contains "loader: points to isolab lint" "$err" "isolab lint $T/no-mprotect.json lists what is missing"
run --security-opt seccomp="$T/no-mprotect.json" --trace="$T/feed" -- true
expect_contains "loader --trace: the live feed's first denial" "$err" "The live feed's first denied call: mprotect("
run --security-opt no-new-privileges --security-opt seccomp="$ROOT/profiles/seccomp/tiny-allowlist.json" -- true
expect_contains "loader tiny-allowlist nnp: names the loader's denied calls" "$err" "the dynamic loader needs mmap, mprotect, openat/open"

# ---- the console step is before the filter ---------------------------------------------
profile no-setsid '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["setsid"],"action":"SCMP_ACT_ERRNO"}]}'
profile no-ioctl '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ioctl"],"action":"SCMP_ACT_ERRNO"}]}'
for p in no-setsid no-ioctl; do
    run -t --security-opt seccomp="$T/$p.json" -- sh -c 'echo lead=$(( $(cut -d" " -f6 /proc/$$/stat) == $$ ))'
    out=$(printf '%s' "$out" | tr -d '\r')
    check "console $p: the shell starts with a pid namespace and a pty ($rc: $err)" [ "$rc" = 0 ]
    expect_contains "console $p: the shell leads its session on its own pty" "$out" "lead=1"
done
