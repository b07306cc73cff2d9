#!/usr/bin/env bash
# The engine, end to end through `isolab run`: namespaces, the root
# filesystem, capabilities, exit statuses and child-side error reports. Each
# check reads what the kernel shows inside a real sandbox.
source "$(dirname "$0")/../lib.sh"
if ! need_root; then
    skip_all engine "these tests create namespaces and mounts as root"
fi
R() { "$ISOLAB" run "$@" 2>&1; }

host_host=$(hostname)
mounts_before=$(wc -l < /proc/self/mountinfo)

out=$(R -- hostname)
expect_contains "uts: hostname inside is isolab" "$out" "isolab"
out=$(R --no-ns uts -- hostname)
expect_contains "uts off: the host's hostname shows" "$out" "$host_host"

out=$(R -- sh -c 'echo $$; ls /proc | grep -c "^[0-9]"')
pid_self=$(echo "$out" | sed -n 1p); nprocs=$(echo "$out" | sed -n 2p)
check "pid: the command is pid 2 under a tiny init" [ "$pid_self" = 2 ]
check "pid: /proc shows only the sandbox's processes ($nprocs)" [ "${nprocs:-999}" -lt 6 ]
out=$(R --no-ns pid -- sh -c 'ls /proc | grep -c "^[0-9]"')
check "pid off: the host's processes show ($out)" [ "${out:-0}" -gt 10 ]

out=$(R -- sh -c 'ls /sys/class/net')
check "net: only lo inside ($out)" [ "$out" = lo ]

# Docker's 14 capabilities are 0xa80425fb.
out=$(R -- grep CapBnd /proc/self/status)
expect_contains "caps: the bounding set is Docker's 14" "$out" "00000000a80425fb"
out=$(R -- grep CapEff /proc/self/status)
expect_contains "caps: effective set is Docker's 14" "$out" "00000000a80425fb"
out=$(R --cap-drop ALL -- grep CapEff /proc/self/status)
expect_contains "caps: --cap-drop ALL leaves none" "$out" "0000000000000000"
out=$(R --cap-add SYS_TIME -- grep CapEff /proc/self/status)
expect_contains "caps: --cap-add SYS_TIME adds bit 25" "$out" "00000000aa0425fb"
out=$(R --user 1000:1000 --cap-drop ALL --cap-add NET_BIND_SERVICE -- sh -c 'id -u; id -g; grep -E "Cap(Eff|Prm|Inh|Amb|Bnd)" /proc/self/status')
expect_contains "user: --user 1000 runs as uid 1000" "$out" "1000"
# As under Docker, runc and Kubernetes: no ambient set, so a uid other than
# 0 keeps no capability across execve; the bounding set keeps the list.
check "user: not root, no capability effective after execve (no ambient set, as Docker)" \
    test "$(printf '%s\n' "$out" | grep -cE 'Cap(Eff|Prm|Inh|Amb):[[:space:]]+0000000000000000')" = 4
expect_contains "user: ... the bounding set keeps the kept capability" "$out" "CapBnd:	0000000000000400"
out=$(ISOLAB_QUIET=1 "$ISOLAB" run -v --user 1000:1000 -- true 2>&1)
expect_contains "user: -v says so" "$out" "not root: none effective after execve"

out=$(R -- sh -c 'touch /etc/isolab-engine-test && echo written')
expect_contains "rootfs: the sandbox can write /etc (throwaway layer)" "$out" "written"
check "rootfs: the write did not reach the host" [ ! -e /etc/isolab-engine-test ]
# A file on the host's /tmp, so that a /tmp shared with the host cannot look
# empty; the sandbox's /tmp must list nothing, and what it writes there must
# not reach the host.
host_mark=$(mktemp /tmp/isolab-engine-host-XXXXXX)
sbx_file=/tmp/isolab-engine-sandbox-$$
out=$("$ISOLAB" run -- ls -A /tmp 2>/dev/null); rc=$?
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then pass "rootfs: /tmp is empty at start (ls -A prints nothing)"; else
    fail "rootfs: /tmp is empty at start (ls -A prints nothing; status $rc)"
    printf '%s\n' "$out" | head -10 | sed 's/^/#   /'; fi
out=$(R -- sh -c "echo hi > $sbx_file && cat $sbx_file")
check "rootfs: the sandbox can write its /tmp (got: $out)" [ "$out" = hi ]
check "rootfs: the write to /tmp did not reach the host's /tmp" [ ! -e "$sbx_file" ]
rm -f "$host_mark" "$sbx_file"
if [ -e /proc/kcore ]; then
    out=$(R --security-opt apparmor=unconfined -- sh -c 'wc -c < /proc/kcore')
    check "masked: /proc/kcore reads as empty ($out)" [ "$out" = 0 ]
else
    skip "masked: /proc/kcore" "this kernel has no /proc/kcore (CONFIG_PROC_KCORE off)"
fi
out=$(R --security-opt apparmor=unconfined -- sh -c 'cat /proc/keys | wc -c')
check "masked: /proc/keys reads as empty ($out)" [ "$out" = 0 ]
out=$(R -- sh -c 'echo x > /proc/sys/kernel/domainname 2>&1; echo rc=$?')
expect_contains "read-only: /proc/sys cannot be written" "$out" "Read-only file system"

mounts_after=$(wc -l < /proc/self/mountinfo)
check "no sandbox mount shows in the host's mount table" [ "$mounts_before" = "$mounts_after" ]

R -- sh -c 'exit 7' >/dev/null; rc=$?
check "exit status: the command's status comes back (7)" [ "$rc" = 7 ]
R -- sh -c 'kill -TERM $$' >/dev/null; rc=$?
check "exit status: death by SIGTERM is 143" [ "$rc" = 143 ]

out=$(R -- /no/such/command); rc=$?
expect_contains "child error: a missing command is reported" "$out" "execve /no/such/command: No such file or directory"
expect_contains "child error: the report names the child's step (8, execve)" "$out" "step 8 (execve): "
check "child error: exit status 125" [ "$rc" = 125 ]
empty=$(mktemp -d)
out=$(R --rootfs "$empty" -- /bin/true); rc=$?
expect_contains "child error: --rootfs to an empty directory fails at step 8 (execve), named" \
    "$out" "step 8 (execve): execve /bin/true: No such file or directory"
check "child error: --rootfs to an empty directory exits 125" [ "$rc" = 125 ]
rm -rf "$empty"
# A file where /proc goes: mounting /proc fails at step 1, in the child.
empty=$(mktemp -d)
touch "$empty/proc"
out=$(R --rootfs "$empty" -- /bin/true); rc=$?
expect_contains "child error: a failed /proc mount is reported at step 1 (mount namespace)" \
    "$out" "step 1 (mount namespace): namespaces: mount /proc on"
rm -rf "$empty"
out=$(R --rootfs /no/such/dir -- true); rc=$?
expect_contains "validate: --rootfs names the bad directory" "$out" "--rootfs /no/such/dir: not a directory"
check "validate: nothing ran (125)" [ "$rc" = 125 ]
out=$(R --ns bogus -- true); rc=$?
expect_contains "flags: unknown namespace is named with the fix" "$out" "unknown namespace"

# --rootfs with a busybox tree.
if [ -x /bin/busybox ]; then
    rfs=$(mktemp -d)
    mkdir -p "$rfs/bin" "$rfs/proc" "$rfs/dev" "$rfs/tmp" "$rfs/sys"
    cp /bin/busybox "$rfs/bin/busybox"
    ln -s busybox "$rfs/bin/sh"; ln -s busybox "$rfs/bin/ls"; ln -s busybox "$rfs/bin/cat"
    echo isolab-rootfs-marker > "$rfs/marker"
    out=$(PATH=/bin R --rootfs "$rfs" -- /bin/sh -c 'cat /marker; ls /bin')
    expect_contains "rootfs: --rootfs DIR is the sandbox's /" "$out" "isolab-rootfs-marker"
    rm -rf "$rfs"
else
    skip "rootfs: --rootfs DIR" "busybox-static is not installed"
fi

# `isolab run -v` says what each layer enforces, and which mechanism
# enforces the LSM policy here.
out=$(R -v -- true)
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
    expect_contains "run -v: AppArmor enforces the LSM policy" "$out" "apparmor"
else
    expect_contains "run -v: Landlock stands in for AppArmor, and says so" "$out" "using Landlock for the file rules"
fi
expect_contains "run -v: the seccomp profile is named" "$out" "docker-default.json"
