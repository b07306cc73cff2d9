#!/usr/bin/env bash
# What makes `isolab run` start fast, checked by what it leaves behind:
# its compiled seccomp filter is found again by the next start (the cache
# key names the binary on disk, not the sealed memfd copy it runs from,
# which is a new file at every start), so three starts of the same
# configuration leave one cache entry, and the later starts read it. On
# cgroup v1 the sandbox joins its cgroups itself (it writes "0" to their
# tasks files): the launcher writing the child's pid to cgroup.procs took
# a global lock that waits for an RCU grace period at every start.
source "$(dirname "$0")/../lib.sh"
if ! need_root; then
    skip_all startup "the default sandbox (overlay root, cgroups) needs root"
fi
plan 10
cache=$(mktemp -d); trap 'rm -rf "$cache"' EXIT
for i in 1 2 3; do
    XDG_CACHE_HOME=$cache "$ISOLAB" run -- /bin/true || fail "run $i: isolab run -- /bin/true failed"
done
n=$(find "$cache" -name '*.bpf' | wc -l)
check "three starts leave one compiled filter in the cache ($n)" [ "$n" -eq 1 ]
# the fourth start reads that entry and compiles nothing (strace: no write to the cache)
if command -v strace >/dev/null; then
    out=$(XDG_CACHE_HOME=$cache strace -f -e trace=openat -o /dev/stdout "$ISOLAB" run -- /bin/true 2>&1)
    check "a later start opens the cached filter" grep -q "\.bpf\", O_RDONLY.* = [0-9]" <<<"$out"
    check "and writes no new one" bash -c '! grep -qE "seccomp/\.[0-9a-f]{16}\.[0-9]+\.tmp" <<<"$1"' _ "$out"
else
    skip "a later start opens the cached filter" "no strace"
    skip "and writes no new one" "no strace"
fi

# /dev's nodes, as root: made with mknod (the right char devices, none a
# mount of the host's), and they work.
out=$("$ISOLAB" run -- sh -c 'stat -c "%n %F %t:%T %a" /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty;
      grep -c " /dev/\(null\|zero\|full\|random\|urandom\|tty\) " /proc/self/mountinfo;
      echo x > /dev/null && head -c 3 /dev/zero | od -An -tx1' 2>&1)
printf '%s\n' "$out" | sed 's/^/# /'
want='/dev/null character special file 1:3 666
/dev/zero character special file 1:5 666
/dev/full character special file 1:7 666
/dev/random character special file 1:8 666
/dev/urandom character special file 1:9 666
/dev/tty character special file 5:0 666
0'
check "/dev's six nodes are Docker's char devices, mode 666, and none is a mount" \
    [ "$(printf '%s\n' "$out" | head -7)" = "$want" ]
expect_contains "/dev/null takes a write and /dev/zero reads zeros" "$out" " 00 00 00"

# cgroup v1: in its cgroup in the hierarchies that enforce something (pids,
# memory and cpu with their limits), moved there by itself; in devices, the
# one cgroup with Docker's rules that every sandbox shares (cgroup_v1.c)
if grep -q ' /sys/fs/cgroup/pids cgroup ' /proc/self/mounts; then
    own='^[0-9]+:(pids|memory|cpu|devices):/isolab/sb-[0-9a-f]{16}$'
    cg=$("$ISOLAB" run -- cat /proc/self/cgroup)
    in=$(grep -oE "$own" <<<"$cg" | cut -d: -f2 | sort | tr '\n' ' ')
    check "by default the sandbox's process is in its own pids cgroup only ($in)" [ "$in" = "pids " ]
    check "and in the shared devices cgroup, isolab/docker" grep -qE '^[0-9]+:devices:/isolab/docker$' <<<"$cg"
    rules=$(cat /sys/fs/cgroup/devices/isolab/docker/devices.list 2>&1)
    check "which holds Docker's device rules (c 1:3 rwm, and no a *:* rwm)" \
        bash -c 'grep -qx "c 1:3 rwm" <<<"$1" && ! grep -q "^a " <<<"$1"' _ "$rules"
    in=$("$ISOLAB" run --memory 64m --cpus 0.5 -- cat /proc/self/cgroup | grep -cE "$own")
    check "with --memory and --cpus, in the memory and cpu hierarchies too ($in)" [ "$in" -eq 3 ]
    if command -v strace >/dev/null; then
        out=$(strace -f -e trace=openat -o /dev/stdout "$ISOLAB" run -- /bin/true 2>&1)
        check "the launcher moves no process by pid (no cgroup.procs opened for writing)" \
            bash -c '! grep -qE "isolab/sb-[0-9a-f]{16}/cgroup\.procs\", O_WRONLY" <<<"$1"' _ "$out"
    else
        skip "the launcher moves no process by pid" "no strace"
    fi
else
    skip "by default the sandbox's process is in its own pids cgroup only" "not cgroup v1 (v2 clones straight into it)"
    skip "and in the shared devices cgroup, isolab/docker" "not cgroup v1"
    skip "which holds Docker's device rules" "not cgroup v1"
    skip "with --memory and --cpus, in the memory and cpu hierarchies too" "not cgroup v1"
    skip "the launcher moves no process by pid" "not cgroup v1"
fi
