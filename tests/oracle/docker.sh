#!/usr/bin/env bash
# The oracle: real Docker (Debian's docker.io 20.10) as the judge of the
# docker preset. The same probe catalogue runs
#   inside  docker run --network none FLAGS IMAGE /isolab probe --json --preset unconfined
#           (every isolab layer off, so only Docker confines it), and
#   on the host as  isolab probe --json FLAGS
# and the results (allowed, or the errno / signal) must be equal, probe by
# probe, for every configuration below.
#
# Both sides take the same seccomp profile file, Docker's own default.json
# from ../shared/peers, so that Docker 20.10's built-in profile (which still
# allows io_uring) and isolab's newer copy cannot differ.
#
# This machine has no AppArmor, so Docker runs its containers without an LSM
# profile: the host side gets --security-opt apparmor=unconfined too
# (isolab would otherwise stand Landlock in for docker-default).
# Docker's --bridge=none means no bridge network: containers run with
# --network none, a network namespace with only lo, as isolab's is.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/docker_lib.sh"

PROFILE="$ROOT/../shared/peers/moby-profiles/seccomp/default.json"

oracle_excluded Docker

if ! need_root; then skip "docker oracle" "needs root (dockerd)"; exit 0; fi
if [ ! -f "$PROFILE" ]; then skip "docker oracle" "no $PROFILE (../shared/peers)"; exit 0; fi
if ! command -v jq >/dev/null; then skip "docker oracle" "needs jq (make deps)"; exit 0; fi

# A custom profile: Docker's, less the syscalls newer than futex_waitv
# (449), so that its highest named syscall is below fchmodat2 (452): runc
# answers ENOSYS past it, and so must isolab.
CUSTOM=$(mktemp /tmp/isolab-oracle-profile.XXXXXX.json)
trap 'rm -f "$CUSTOM"; oracle_docker_down' EXIT
trap 'exit 1' INT TERM HUP
jq '.syscalls |= map(.names |= map(select(IN("fchmodat2", "map_shadow_stack",
      "futex_wake", "futex_wait", "futex_requeue", "statmount", "listmount",
      "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules", "mseal",
      "setxattrat", "getxattrat", "listxattrat", "removexattrat",
      "open_tree_attr", "cachestat", "uretprobe") | not)))' "$PROFILE" > "$CUSTOM"

# The two differences this suite found, checked on the host alone as well
# (they need no dockerd): port 80 without the capability, and ENOSYS past
# the profile's newest syscall, in the kernel and in the model.
host_start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
out=$(ISOLAB_QUIET=1 "$ISOLAB" probe --cap-drop ALL --only bind-80 2>&1)
expect_contains "docker preset, --cap-drop ALL: bind-80 allowed (ip_unprivileged_port_start=0)" "$out" "allowed"
expect_contains "the bind-80 probe says why" "$out" "ip_unprivileged_port_start=0"
out=$(ISOLAB_QUIET=1 "$ISOLAB" probe --preset podman --cap-drop ALL --only bind-80 2>&1)
expect_contains "podman preset, --cap-drop ALL: bind-80 EACCES (Podman leaves 1024)" "$out" "EACCES"
check "the host's own ip_unprivileged_port_start is untouched ($host_start)" \
    test "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" = "$host_start"
out=$(ISOLAB_QUIET=1 "$ISOLAB" probe --security-opt "seccomp=$CUSTOM" --only fchmodat2 2>&1)
expect_contains "custom profile: fchmodat2 gets ENOSYS from the kernel" "$out" "ENOSYS"
out=$(ISOLAB_QUIET=1 "$ISOLAB" syscalls --security-opt "seccomp=$CUSTOM" 2>&1 | grep '^fchmodat2 ')
expect_contains "isolab syscalls: fchmodat2 ENOSYS with the reason" "$out" "newer than any syscall the profile names (highest: 449)"
out=$(ISOLAB_QUIET=1 "$ISOLAB" syscalls --security-opt "seccomp=$PROFILE" 2>&1 | grep '^fchmodat2 ')
expect_contains "isolab syscalls: fchmodat2 allowed where the profile names it" "$out" "ALLOW"
ORACLE_WHY=""
if ! oracle_have_docker; then skip "docker oracle" "$ORACLE_WHY"; exit 0; fi
if ! oracle_docker_up; then skip "docker oracle" "$ORACLE_WHY"; exit 0; fi
if ! oracle_make_image; then fail "docker import of the oracle image"; exit 1; fi
for p in "${!EXCLUDED[@]}"; do echo "# left out: $p: ${EXCLUDED[$p]}"; done
echo "# docker: $(docker_ version --format '{{.Server.Version}}'), cgroup v$(docker_ info --format '{{.CgroupVersion}}'), no AppArmor on this machine"

# compare NAME DOCKER_FLAGS... -- HOST_FLAGS...
compare() {
    local name=$1; shift
    local dflags=() hflags=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do dflags+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    hflags=("$@")
    local d h
    d=$(docker_ run --rm --network none "${dflags[@]}" "$ORACLE_IMAGE" \
        /isolab probe --json --preset unconfined 2>"$ORACLE_DIR/err") || true
    if ! printf '%s' "$d" | jq -e .probes >/dev/null 2>&1; then
        fail "$name: docker run gave no probe results"
        sed 's/^/#   /' "$ORACLE_DIR/err" | head -5
        return
    fi
    h=$(ISOLAB_QUIET=1 "$ISOLAB" probe --json --security-opt apparmor=unconfined "${hflags[@]}" 2>&1)
    if ! printf '%s' "$h" | jq -e .probes >/dev/null 2>&1; then
        fail "$name: isolab probe gave no results"
        printf '%s\n' "$h" | head -5 | sed 's/^/#   /'
        return
    fi
    local dr hr diffs="" id
    dr=$(printf '%s' "$d" | oracle_results)
    hr=$(printf '%s' "$h" | oracle_results)
    for id in "${!EXCLUDED[@]}"; do
        dr=$(printf '%s\n' "$dr" | grep -v "^$id ")
        hr=$(printf '%s\n' "$hr" | grep -v "^$id ")
    done
    diffs=$(diff <(printf '%s\n' "$dr") <(printf '%s\n' "$hr") | grep '^[<>]')
    if [ -z "$diffs" ]; then
        pass "$name: docker and isolab agree on $(printf '%s\n' "$dr" | wc -l) probes"
    else
        fail "$name: docker (<) and isolab (>) differ"
        printf '%s\n' "$diffs" | sed 's/^/#   /'
    fi
}

S=(--security-opt "seccomp=$PROFILE")
compare "defaults" "${S[@]}" -- "${S[@]}"
compare "--cap-add SYS_ADMIN" "${S[@]}" --cap-add SYS_ADMIN -- "${S[@]}" --cap-add SYS_ADMIN
compare "--cap-add SYS_TIME" "${S[@]}" --cap-add SYS_TIME -- "${S[@]}" --cap-add SYS_TIME
compare "seccomp=unconfined" --security-opt seccomp=unconfined -- --security-opt seccomp=unconfined
compare "--cap-drop ALL" "${S[@]}" --cap-drop ALL -- "${S[@]}" --cap-drop ALL
compare "no-new-privileges" "${S[@]}" --security-opt no-new-privileges -- "${S[@]}" --security-opt no-new-privileges
compare "--pids-limit 10" "${S[@]}" --pids-limit 10 -- "${S[@]}" --pids-limit 10
compare "--memory 64m" "${S[@]}" --memory 64m -- "${S[@]}" --memory 64m
compare "custom profile" --security-opt "seccomp=$CUSTOM" -- --security-opt "seccomp=$CUSTOM"

# Round trip: the docker run line isolab exports, run against this dockerd.
export_roundtrip() {   # NAME FLAGS...
    local name=$1; shift
    local line d h
    line=$("$ISOLAB" export --format docker --image "$ORACLE_IMAGE" "$@" -- \
        /isolab probe --json --preset unconfined 2>"$ORACLE_DIR/fidelity")
    case $line in "docker run "*) ;; *) fail "$name: export --format docker gave: $line"; return ;; esac
    d=$(eval "docker_ ${line#docker }" 2>"$ORACLE_DIR/err") || true
    if ! printf '%s' "$d" | jq -e .probes >/dev/null 2>&1; then
        fail "$name: the exported line gave no probe results"; echo "#   $line"
        sed 's/^/#   /' "$ORACLE_DIR/err" | head -5; return
    fi
    h=$(ISOLAB_QUIET=1 "$ISOLAB" probe --json --security-opt apparmor=unconfined --no-ns time "$@" 2>&1)
    local dr hr id diffs
    dr=$(printf '%s' "$d" | oracle_results); hr=$(printf '%s' "$h" | oracle_results)
    for id in "${!EXCLUDED[@]}"; do
        dr=$(printf '%s\n' "$dr" | grep -v "^$id "); hr=$(printf '%s\n' "$hr" | grep -v "^$id ")
    done
    diffs=$(diff <(printf '%s\n' "$dr") <(printf '%s\n' "$hr") | grep '^[<>]')
    if [ -z "$diffs" ]; then pass "$name: the exported docker line and isolab agree"
    else fail "$name: exported docker line (<) and isolab (>) differ"; echo "#   $line"
        printf '%s\n' "$diffs" | sed 's/^/#   /'; fi
}
# Docker has no time namespace: the host side runs without one (the
# fidelity report says so).
export_roundtrip "export docker: --cap-drop ALL, --pids-limit 10" "${S[@]}" --cap-drop ALL --pids-limit 10
export_roundtrip "export docker: --cap-add SYS_ADMIN, no-new-privileges" "${S[@]}" --cap-add SYS_ADMIN --security-opt no-new-privileges
export_roundtrip "export docker: podman preset (ports stay privileged)" --preset podman --security-opt "seccomp=$PROFILE"
out=$("$ISOLAB" export --format docker 2>&1 >/dev/null)
expect_contains "export docker: the fidelity report names the time namespace" "$out" "no time namespace"

# Shell checks, compared by exit status: the same busybox script runs
# under docker run and under isolab run with the same flags, and the two
# exit statuses must be equal. Each script turns what the kernel said into
# a distinct status, so "equal" means the same verdict.
#   device: mknod is allowed (CAP_MKNOD), but the device cgroup refuses to
#           open a node the default rules leave out (1:11, /dev/kmsg; 7:0,
#           a loop device); 1:3 (/dev/null) opens. Opened and closed,
#           nothing is written.
#   fd:     the caller holds fd 7 open on a host directory; the sandbox
#           must not see it (runc's CVE-2024-21626).
#   signal: SIGTERM sent to the client (docker run / isolab run) reaches
#           the command, whose trap exits 42.
# The node is made in the root (an overlay on both sides, with devices
# allowed), not in /tmp: isolab's /tmp is a nodev tmpfs where the overlay
# cannot hold it (--rootfs, rootless), and there every node is refused
# whatever the device cgroup says.
DEV_SCRIPT='n=$1; t=$2; f=/dev-node-${n%:*}-${n#*:}
mknod $f $t ${n%:*} ${n#*:} || exit 10
if [ "$t" = b ]; then ( : <$f ) 2>/dev/null || exit 20
else ( : >$f ) 2>/dev/null || exit 20; fi; exit 0'
FD_SCRIPT='[ -e /proc/self/fd/7 ] && exit 7; cd /proc/self/fd/7 2>/dev/null && exit 8; exit 0'
SIG_SCRIPT='trap "exit 42" TERM; echo ready; sleep 100 & wait; exit 3'

# shell_status SIDE FLAGS... -- SCRIPT ARGS...: the exit status of SCRIPT run
# by busybox sh under docker (SIDE=d) or isolab (SIDE=h).
shell_status() {
    local side=$1; shift
    local flags=()
    while [ "$1" != "--" ]; do flags+=("$1"); shift; done
    shift
    local rc=0
    if [ "$side" = d ]; then
        docker_ run --rm --network none "${flags[@]}" "$ORACLE_IMAGE" \
            /bin/busybox sh -c "$@" >/dev/null 2>&1 </dev/null || rc=$?
    else
        ISOLAB_QUIET=1 "$ISOLAB" run -T --security-opt apparmor=unconfined "${flags[@]}" -- \
            /bin/busybox sh -c "$@" >/dev/null 2>&1 </dev/null || rc=$?
    fi
    echo "$rc"
}

# shell_compare NAME EXPECTED FLAGS... -- SCRIPT ARGS...: both sides give
# EXPECTED (the expectation guards against two sides that agree by both
# failing to start).
shell_compare() {
    local name=$1 want=$2; shift 2
    local d h
    d=$(shell_status d "$@")
    h=$(shell_status h "$@")
    if [ "$d" = "$h" ] && [ "$d" = "$want" ]; then
        pass "$name: docker and isolab both exit $d"
    else
        fail "$name: docker exits $d, isolab exits $h (expected $want)"
    fi
}

shell_compare "device: mknod 1:11 (kmsg) then open for writing is refused" 20 \
    "${S[@]}" -- "$DEV_SCRIPT" sh 1:11 c
shell_compare "device: a loop device node (7:0) does not open" 20 \
    "${S[@]}" -- "$DEV_SCRIPT" sh 7:0 b
shell_compare "device: a node for /dev/null (1:3) opens" 0 \
    "${S[@]}" -- "$DEV_SCRIPT" sh 1:3 c
shell_compare "device: --cap-drop MKNOD refuses the mknod itself" 10 \
    "${S[@]}" --cap-drop MKNOD -- "$DEV_SCRIPT" sh 1:11 c

# --user 1000 with a capability added: Docker sets no ambient set, so the
# process holds none after execve; nor must isolab's.
NOCAPS_SCRIPT='grep -qE "CapEff:[[:space:]]+0+$" /proc/self/status || exit 30
grep -qE "CapBnd:[[:space:]]+0+$" /proc/self/status && exit 31; exit 0'
shell_compare "caps: --user 1000 --cap-add NET_BIND_SERVICE holds none after execve (bounding set kept)" 0 \
    "${S[@]}" --user 1000:1000 --cap-add NET_BIND_SERVICE -- "$NOCAPS_SCRIPT"

exec 7</
shell_compare "fd: the caller's fd 7 (the host's /) is not in the sandbox" 0 \
    "${S[@]}" -- "$FD_SCRIPT"
exec 7<&-

# signal_status SIDE SIG: starts the trap script, waits for its "ready",
# sends SIG and returns the status of the client process this shell started.
# isolab: SIG goes to isolab run, whose proxy passes it on. Docker: Debian's
# docker.io 20.10 client does not proxy signals here (it dies of SIGTERM and
# leaves the container running, docker/cli#2653), so the signal goes by
# `docker kill -s`, the API call the proxy itself makes.
signal_status() {
    local side=$1 sig=$2 out pid rc=0 name=isolab-oracle-sig-$$
    local script="trap 'exit 42' $sig; echo ready; sleep 100 & wait; exit 3"
    out=$(mktemp "$ORACLE_DIR/sig.XXXXXX")
    if [ "$side" = d ]; then
        docker_ run --rm --name "$name" --network none "${S[@]}" "$ORACLE_IMAGE" \
            /bin/busybox sh -c "$script" >"$out" 2>&1 </dev/null &
    else
        ISOLAB_QUIET=1 "$ISOLAB" run -T --security-opt apparmor=unconfined "${S[@]}" -- \
            /bin/busybox sh -c "$script" >"$out" 2>&1 </dev/null &
    fi
    pid=$!
    for _ in $(seq 300); do grep -q ready "$out" && break; sleep 0.1; done
    if [ "$side" = d ]; then docker_ kill -s "$sig" "$name" >/dev/null 2>&1
    else kill -s "$sig" "$pid" 2>/dev/null; fi
    wait "$pid" || rc=$?
    rm -f "$out"
    echo "$rc"
}
for sig in TERM HUP INT; do
    d=$(signal_status d $sig); h=$(signal_status h $sig)
    if [ "$d" = "$h" ] && [ "$d" = 42 ]; then
        pass "signal: SIG$sig reaches the command, whose trap exits 42 (both exit $d)"
    else
        fail "signal: SIG$sig: docker exits $d, isolab exits $h (expected 42)"
    fi
done
