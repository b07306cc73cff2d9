#!/usr/bin/env bash
# Escapes that worked under isolab's default flags and not under Docker
# (issue 15), each asserted on what the kernel did to a real sandbox:
#   - inherited fds: the sandbox sees 0 1 2 only, and a host directory that
#     isolab's caller held open is no way out, even with no LSM;
#   - devices: a node made with mknod is refused at open() by the device
#     cgroup (Docker's rules), and nothing reaches the host's kernel log;
#   - signals: a signal sent to isolab reaches the command; a daemon started
#     with no pid namespace and no cgroup layer dies with the sandbox;
#   - the isolab binary: not writable through /proc/<pid>/exe from inside;
#   - host secrets: /etc/shadow, /root, /home, ssh host keys are masked;
#   - the host pid: the sandbox's cgroup name does not carry it.
# Every process started here is marked (a unique argv word) and killed by pid.
source "$(dirname "$0")/../lib.sh"
if ! need_root; then
    skip escape_fixes "these tests start sandboxes (namespaces, cgroups, devices) as root"
    exit 0
fi
[ -x "$ISOLAB" ] || { fail "escape_fixes: $ISOLAB is not built"; exit 1; }
work=$(mktemp -d /tmp/isolab-escape.XXXXXX)
mypids=()
cleanup() {
    local p
    for p in "${mypids[@]}"; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT

# ---- 1. inherited file descriptors ------------------------------------------
mkdir "$work/hostdir"
fds=$(exec 7<"$work/hostdir"; "$ISOLAB" run -- sh -c 'ls /proc/self/fd' </dev/null 2>&1 | sort -n | tr '\n' ' ')
# ls's own fd for the directory it lists is 3.
if [ "$fds" = "0 1 2 3 " ]; then pass "fds: the command sees 0 1 2 only (and ls's own 3)"
else fail "fds: the command sees 0 1 2 only (and ls's own 3)"; echo "#   saw: $fds"; fi
out=$(exec 7<"$work/hostdir"; "$ISOLAB" run -- sh -c 'cd /proc/self/fd/7 && echo ESCAPED' </dev/null 2>&1)
expect_not_contains "fds: cd /proc/self/fd/7 fails" "$out" ESCAPED
(exec 7<"$work/hostdir"; "$ISOLAB" run --security-opt apparmor=unconfined -- \
    sh -c 'echo x > /proc/self/fd/7/written-from-inside; echo x > /proc/self/fd/7/../../written-too' \
    </dev/null >/dev/null 2>&1)
check "fds: with no LSM a write through the caller's fd creates nothing on the host" \
    test ! -e "$work/hostdir/written-from-inside"
out=$(exec 7<"$work/hostdir"; "$ISOLAB" run --no-ns pid -- sh -c 'ls /proc/self/fd' </dev/null 2>&1 | tr '\n' ' ')
expect_not_contains "fds: also without a pid namespace (no init in between)" "$out" " 7 "
# The pid-namespace init never execs: what it holds is /proc/1/fd.
out=$(exec 7<"$work/hostdir"; "$ISOLAB" run -- sh -c 'ls /proc/1/fd' </dev/null 2>&1 | tr '\n' ' ')
expect_not_contains "fds: the sandbox's init holds none of the caller's fds" "$out" "7"
out=$(cd "$work/hostdir" && "$ISOLAB" run -- pwd </dev/null 2>&1)
check "fds: the working directory is the new root's /, not the caller's" test "$out" = /
# The probe runner never execs: it runs the probes with the caller's fds closed.
out=$(exec 7<"$work/hostdir"; "$ISOLAB" probe --json --only read-shadow </dev/null 2>&1)
expect_contains "fds: the probe runner still reports (its own pipe kept)" "$out" '"read-shadow"'

# ---- what -v says is what is in force ---------------------------------------
eff=$("$ISOLAB" run --privileged -- sh -c 'grep CapEff /proc/self/status' </dev/null 2>&1 | awk '{print $2}')
n=0; v=$((16#${eff:-0})); while [ "$v" -ne 0 ]; do n=$((n + (v & 1))); v=$((v >> 1)); done
out=$("$ISOLAB" run --privileged -v -- true </dev/null 2>&1)
expect_contains "describe: --privileged -v names the $n capabilities CapEff holds" "$out" "caps $n (all, --privileged)"

# ---- 5. host secrets ----------------------------------------------------------
secret=$(mktemp /root/.isolab-escape-test.XXXXXX); echo "secret-$$" > "$secret"
out=$("$ISOLAB" run -- sh -c "wc -c < /etc/shadow; cat $secret; ls /home | wc -l" </dev/null 2>&1 | tr '\n' ' ')
rm -f "$secret"
if [ -s /etc/shadow ]; then
    check "secrets: /etc/shadow reads empty in the default root" test "${out%% *}" = 0
else
    skip "secrets: /etc/shadow reads empty in the default root" "the host's /etc/shadow is empty"
fi
expect_not_contains "secrets: a file in the host's /root is not there" "$out" "secret-$$"
key=$(ls /etc/ssh/ssh_host_*_key 2>/dev/null | head -1)
if [ -n "$key" ]; then
    out=$("$ISOLAB" run -- sh -c "wc -c < $key" </dev/null 2>&1)
    check "secrets: the ssh host key $key reads empty" test "$out" = 0
else
    skip "secrets: the ssh host keys read empty" "this host has no /etc/ssh/ssh_host_*_key"
fi
if [ -s /etc/shadow ]; then
    out=$("$ISOLAB" run --host-secrets -- sh -c 'wc -c < /etc/shadow' </dev/null 2>&1)
    check "secrets: --host-secrets shows them again" test "$out" = "$(wc -c < /etc/shadow)"
else
    skip "secrets: --host-secrets shows them again" "the host's /etc/shadow is empty or missing"
fi
out=$("$ISOLAB" run -v -- true </dev/null 2>&1)
expect_contains "secrets: -v says they are masked" "$out" "host secrets masked"

# ---- 2. devices -----------------------------------------------------------------
# 1:11 is /dev/kmsg: opened for writing and truncated (": >"), which writes
# nothing even where it opens. /etc is in the overlay (no nodev).
if [ "$("$ISOLAB" run -v -- true </dev/null 2>&1 | grep -c 'cgroups unavailable')" = 0 ]; then
    out=$("$ISOLAB" run --security-opt apparmor=unconfined -- \
          sh -c 'mknod /etc/k c 1 11 && echo made; (: > /etc/k) && echo OPENED' </dev/null 2>&1)
    expect_contains "devices: mknod is allowed (c *:* m)" "$out" made
    expect_not_contains "devices: opening a node outside the rules is refused" "$out" OPENED
    expect_contains "devices: ... with Operation not permitted" "$out" "Operation not permitted"
    out=$("$ISOLAB" run -- sh -c '(: > /dev/null) && (: > /dev/full) && echo OPENED' </dev/null 2>&1)
    expect_contains "devices: null and full still open" "$out" OPENED
    out=$("$ISOLAB" run --privileged -- sh -c 'mknod /etc/k c 1 11 && (: > /etc/k) && echo OPENED' </dev/null 2>&1)
    expect_contains "devices: --privileged allows every device (as Docker's)" "$out" OPENED
    out=$("$ISOLAB" run --no-cgroups -v -- true </dev/null 2>&1)
    expect_contains "devices: -v says --no-cgroups has no device rules" "$out" "no device rules"
else
    skip "devices" "no cgroup can be made here"
fi

# ---- 3. a daemon with no pid namespace and no cgroup layer ----------------------
mark="3000.$$$RANDOM"
"$ISOLAB" run --no-ns pid --no-cgroups -- sh -c "setsid sleep $mark </dev/null >/dev/null 2>&1 & sleep 0.2" \
    </dev/null >/dev/null 2>&1
left=$(for p in $(grep -lsa -- "${mark/./[.]}" /proc/[0-9]*/cmdline | sed 's|/proc/\([0-9]*\)/.*|\1|'); do
    [ "$(cat /proc/$p/comm 2>/dev/null)" = sleep ] && echo "$p"; done)
for p in $left; do kill -KILL "$p"; done
check "survivors: a setsid daemon dies with the sandbox (--no-ns pid --no-cgroups)" test -z "$left"
# (no cgroup namespace, or the name would not be visible at all)
name=$("$ISOLAB" run --no-ns cgroup -- cat /proc/self/cgroup </dev/null 2>&1 | grep -o 'sb[^/]*' | head -1)
case "$name" in
    *$$*|"") fail "names: the cgroup's name ($name) carries no host pid";;
    sb-*) pass "names: the cgroup's name ($name) is opaque";;
    *) fail "names: the cgroup's name ($name) is opaque";;
esac

# ---- 3. signals sent to isolab reach the command ---------------------------------
# isolab runs with SIGINT at its default (a background job of a script starts
# with it ignored, and a shell cannot trap what it inherited ignored).
sig_run() {  # SIG EXTRA-FLAGS... ; prints "status output"
    local sig=$1 m="2000.$$$RANDOM" p i; shift
    python3 -c 'import signal,os,sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
        "$ISOLAB" run "$@" -- sh -c "trap 'echo GOT-$sig; exit 3' $sig; sleep $m & wait" \
        </dev/null >"$work/sig.out" 2>&1 &
    p=$!; mypids+=("$p")
    for i in $(seq 100); do
        grep -qsa -- "${m/./[.]}" /proc/[0-9]*/cmdline && [ -n "$(pgrep -xf "sleep ${m/./[.]}")" ] && break
        sleep 0.1
    done
    sleep 0.3   # the trap is set before sleep starts; this is only for sh's wait
    kill -"$sig" "$p"; wait "$p"; echo "$? $(cat "$work/sig.out")"
    for q in $(pgrep -xf "sleep ${m/./[.]}"); do kill -KILL "$q"; done   # this run's marker only
}
if command -v python3 >/dev/null; then
    for s in TERM HUP INT; do
        expect_contains "signals: SIG$s sent to isolab reaches the command" "$(sig_run $s)" "3 GOT-$s"
    done
    expect_contains "signals: ... also with no pid namespace" "$(sig_run TERM --no-ns pid)" "3 GOT-TERM"
else
    skip "signals: SIGTERM, SIGHUP, SIGINT reach the command" \
        "python3 is missing (it starts isolab with SIGINT at its default)"
fi
# The sandbox starts with every signal at its default, as a container does:
# signals that isolab's caller ignored (here INT and HUP, as for a script's
# background job under nohup) are not ignored inside, so the command can
# trap them and the proxy reaches it. docker.sh compares this with Docker.
ign=$( (trap '' INT HUP; exec "$ISOLAB" run -T -- grep SigIgn /proc/self/status) </dev/null 2>&1)
expect_contains "signals: ignored by isolab's caller, not ignored in the sandbox" "$ign" "0000000000000000"
for ns in "" "--no-ns pid"; do
    m="2050.$$$RANDOM"
    (trap '' INT; exec "$ISOLAB" run $ns -- sh -c "trap 'echo GOT-INT; exit 3' INT; sleep $m & wait") \
        </dev/null >"$work/sigign.out" 2>&1 &
    p=$!; mypids+=("$p")
    for i in $(seq 100); do [ -n "$(pgrep -xf "sleep ${m/./[.]}")" ] && break; sleep 0.1; done
    sleep 0.3   # the trap is set before sleep starts; this is only for sh's wait
    kill -INT "$p"; wait "$p"; rc=$?
    expect_contains "signals: SIGINT reaches the command though isolab's caller ignored it ${ns:-(pid ns)}" \
        "$rc $(cat "$work/sigign.out")" "3 GOT-INT"
    for q in $(pgrep -xf "sleep ${m/./[.]}"); do kill -KILL "$q"; done
done
# A command that ignores SIGTERM is killed after the stop timeout, and cleaned up.
m="2100.$$$RANDOM"
"$ISOLAB" run --no-ns pid -- sh -c "trap '' TERM; sleep $m & wait; wait" </dev/null >/dev/null 2>&1 &
p=$!; mypids+=("$p")
for i in $(seq 100); do [ -n "$(pgrep -xf "sleep ${m/./[.]}")" ] && break; sleep 0.1; done
kill -TERM "$p"; wait "$p"; rc=$?
check "signals: a command that ignores SIGTERM is killed after the stop timeout (status $rc)" test "$rc" = 137
left=$(pgrep -xf "sleep ${m/./[.]}")
check "signals: ... and nothing of it is left" test -z "$left"
[ -n "$left" ] && kill -KILL $left

# ---- 4. a survivor rewrites isolab's binary (CVE-2019-5736), on a copy ----------
# Under --privileged --no-ns pid --no-cgroups, a daemon holds isolab's
# /proc/<pid>/exe and, once isolab has exited (no ETXTBSY any more), reopens
# it for writing. The target is a copy of isolab, never the real binary.
cp "$ISOLAB" "$work/isolab-copy"
before=$(sha256sum < "$work/isolab-copy")
m="2200.$$$RANDOM"
"$work/isolab-copy" run --privileged --no-ns pid --no-cgroups -- sh -c \
    "exec 9</proc/\$PPID/exe; setsid sh -c 'sleep $m & wait; echo PWNED > /proc/self/fd/9' </dev/null >/dev/null 2>&1 & sleep 0.3" \
    </dev/null >/dev/null 2>&1
survivor=$(pgrep -xf "sleep ${m/./[.]}")
for q in $survivor; do kill -KILL "$q"; done    # ours: this run's marker
check "exe: no survivor is left to rewrite isolab's binary" test -z "$survivor"
sleep 0.5   # only for a survivor's write to land before the hash (it must not)
check "exe: the binary's hash is unchanged" test "$(sha256sum < "$work/isolab-copy")" = "$before"

# A run with a pid namespace and without CAP_SYS_PTRACE goes without the
# sealed copy (isolab_sealed_needed): isolab itself is out of the sandbox's
# sight, and its init, which never execs, is non-dumpable, so its exe is out
# of reach even with the LSM and seccomp layers off. With CAP_SYS_PTRACE
# (--privileged) the copy is back, and /proc/1/exe is a sealed memfd.
out=$("$ISOLAB" run --security-opt apparmor=unconfined --security-opt seccomp=unconfined -- \
      sh -c 'cat /proc/1/exe >/dev/null 2>&1 && echo EXE-READ; readlink /proc/1/exe || echo no-link' </dev/null 2>&1)
expect_not_contains "exe: without the sealed copy, the init's exe cannot be opened (LSM and seccomp off)" "$out" "EXE-READ"
expect_contains "exe: nor its link read" "$out" "no-link"
out=$("$ISOLAB" run --privileged -- readlink /proc/1/exe </dev/null 2>&1)
expect_contains "exe: with CAP_SYS_PTRACE (--privileged) the init runs from the sealed copy" "$out" "/memfd:isolab"
"$ISOLAB" run -- sleep 2 </dev/null >/dev/null 2>&1 &
runner=$!
exe=
for _ in $(seq 50); do
    exe=$(readlink "/proc/$runner/exe" 2>/dev/null) && [ -n "$exe" ] && break
    sleep 0.05
done
wait "$runner"
check "exe: a default run is not re-executed from a copy ($exe)" [ "${exe#/memfd:}" = "$exe" -a -n "$exe" ]
# Without a mount namespace the sandbox sees the host's /proc, isolab's pid
# among them: the sealed copy is back.
"$ISOLAB" run --no-ns mnt -- sleep 2 </dev/null >/dev/null 2>&1 &
runner=$!
exe=
for _ in $(seq 50); do
    exe=$(readlink "/proc/$runner/exe" 2>/dev/null) && [ "${exe#/memfd:}" != "$exe" ] && break
    sleep 0.05
done
wait "$runner"
check "exe: without a mount namespace the run is re-executed from the sealed copy ($exe)" [ "${exe#/memfd:}" != "$exe" ]

# ---- 5. the sandbox's init is held by its own allowlist ----------------------
# pid 1 is a fork of isolab that never execs. A learner given CAP_SYS_PTRACE
# can make it run any system call (with the LSM off: Landlock refuses the
# ptrace across its domains); the init's own seccomp allowlist answers.
inject=$ROOT/${BUILD:-build}/tests/helpers/inject_init
if [ "$(uname -m)" != x86_64 ]; then
    skip "init: a call outside its allowlist is refused" "the injector is x86_64 only"
    skip "init: a call inside it runs, and the init carries on" "the injector is x86_64 only"
    skip "init: without seccomp the same call runs" "the injector is x86_64 only"
elif [ ! -x "$inject" ]; then
    fail "init: $inject is not built (make tests)"
else
    out=$("$ISOLAB" run --cap-add SYS_PTRACE --security-opt apparmor=unconfined -- \
          sh -c "$inject getuid; $inject getpid" </dev/null 2>&1)
    expect_contains "init: a call outside its allowlist (getuid, injected through ptrace) is refused" "$out" "getuid=-EPERM"
    expect_contains "init: a call inside it runs, and the init carries on" "$out" "getpid=1"
    out=$("$ISOLAB" run --cap-add SYS_PTRACE --security-opt apparmor=unconfined \
          --security-opt seccomp=unconfined -- sh -c "$inject getuid" </dev/null 2>&1)
    expect_contains "init: without seccomp the same call runs (getuid=0)" "$out" "getuid=0"
fi
# The command's first line already sees the init held: the command waits for
# it before its own filter. Twenty starts, read as the very first thing.
bad=0
for _ in $(seq 20); do
    st=$("$ISOLAB" run -- grep -E '^(Seccomp|CapEff):' /proc/1/status </dev/null 2>&1 | tr -s '\t ' ' ')
    case "$st" in *"CapEff: 0000000000000020"*"Seccomp: 2"*) ;; *) bad=$((bad + 1)); note_st=$st ;; esac
done
check "init: from the command's first line, pid 1 has its filter and CAP_KILL alone (20 of 20; $bad not: ${note_st:-})" [ "$bad" -eq 0 ]
# CAP_KILL is what lets it pass a signal on to a command that changed uid.
out=$(timeout 20 bash -c '"$0" run -- setpriv --reuid=1000 --regid=1000 --clear-groups sleep 30 </dev/null & p=$!; sleep 1; kill -TERM $p; wait $p; echo "rc=$?"' "$ISOLAB" 2>&1)
expect_contains "init: SIGTERM reaches a command that changed its uid (143, not the 10 s SIGKILL)" "$out" "rc=143"
