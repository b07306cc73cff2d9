#!/usr/bin/env bash
# The safety rule (DESIGN.md, "Probes and attribution"): every probe is
# harmless even unconfined as root on the host. This runs the whole catalogue
# with every layer off, on the host itself, and checks that the host is as it
# was: the clock, the hostname, the mount table, the keyrings, no temporary
# files left, and no probe process left behind.
. "$(dirname "$0")/../lib.sh"
# 18 checks of the whole catalogue, then 29 for the escape family (2 modes x
# (exit status + 9 probes + TIOCSTI) + 7 host checks)
plan 47

if ! need_root; then
    skip_all "probe safety" "needs root: the probes must be tried with every privilege"
fi
if [ ! -x "$ISOLAB" ]; then
    fail "probe safety: $ISOLAB is not built"
    exit 1
fi

# wall clock minus time since boot: stays put unless someone sets the clock
clock_offset() {
    local now up
    now=$(date +%s.%N)
    up=$(cut -d' ' -f1 /proc/uptime)
    awk -v a="$now" -v b="$up" 'BEGIN{printf "%.3f", a-b}'
}
mounts() { awk '{print $5, $9, $10}' /proc/self/mountinfo | sort; }
keys() { awk '{print $1, $8, $9}' /proc/keys 2>/dev/null | sort; }
leftovers() { ls -d /tmp/isolab-probe-* /etc/.isolab-probe-* 2>/dev/null; }

off0=$(clock_offset)
host0=$(hostname)
mounts0=$(mounts)
keys0=$(keys)
left0=$(leftovers)

out=$(mktemp /tmp/isolab-safety-XXXXXX)
trap 'rm -f "$out" "$out.pid"' EXIT
# In a session of its own, so that anything it leaves running can be found.
setsid -w bash -c 'echo $$ > "$1.pid"; exec "$2" probe --preset unconfined --json > "$1"' \
    _ "$out" "$ISOLAB"
rc=$?
sid=$(cat "$out.pid" 2>/dev/null)

check "isolab probe --preset unconfined exits 0 (status $rc)" test "$rc" -eq 0
json=$(cat "$out")
# Every probe of the catalogue must have run here, so that a probe added to
# layers/probes/probe_catalogue.c cannot escape this check. The ids come from
# the source (each entry opens with {"id", ...), not from isolab's own answer.
catalogue=$(sed -n 's/^ *{"\([a-z0-9-]*\)",.*/\1/p' "$ROOT/layers/probes/probe_catalogue.c" | sort)
reported=$(printf '%s' "$json" | jq -r '.probes[].id' 2>/dev/null | sort)
ncat=$(printf '%s' "$catalogue" | grep -c .)
nrep=$(printf '%s' "$reported" | grep -c .)
if [ "$ncat" -gt 0 ] && [ "$catalogue" = "$reported" ]; then
    pass "every probe of the catalogue ran, once each ($nrep of $ncat)"
else
    fail "every probe of the catalogue ran, once each ($nrep reported, $ncat in the catalogue)"
    [ "$ncat" -eq 0 ] && echo "#   no {\"id\", ...} entry read from $ROOT/layers/probes/probe_catalogue.c (is it there?)"
    diff <(printf '%s\n' "$catalogue") <(printf '%s\n' "$reported") | grep '^[<>]' |
        sed 's/^</#   in the catalogue, not reported:/; s/^>/#   reported, not in the catalogue (or twice):/'
fi
# cpu-share cannot tell a CPU limit from a busy machine, and says so
busy=$(printf '%s' "$json" | jq -r '.probes[] | select(.id == "cpu-share" and .verdict == "error") | .detail' 2>/dev/null)
if [ -n "$busy" ]; then skip "cpu-share gave a verdict" "$busy"; else pass "cpu-share gave a verdict"; fi
errors=$(printf '%s' "$json" | jq -r '.probes[] | select(.verdict == "error" and .id != "cpu-share") | "\(.id): \(.detail)"' 2>/dev/null)
if [ -z "$errors" ]; then pass "no probe ended in error"; else
    fail "no probe ended in error"; printf '%s\n' "$errors" | sed 's/^/#   /'; fi
printf '%s' "$json" | jq -r '.probes[] | "# \(.id): \(.verdict) \(.detail)"' 2>/dev/null
# The checks below mean something only for probes that really acted here.
for id in clock-settime sethostname mount-tmpfs write-etc chown mknod fork-200 memory-256m; do
    v=$(printf '%s' "$json" | jq -r --arg id "$id" '.probes[] | select(.id == $id) | "\(.verdict): \(.detail)"')
    case $v in
    allowed:*) pass "$id really ran on the host (${v#allowed: })" ;;
    *) skip "$id really ran on the host" "not allowed on this host: $v" ;;
    esac
done

off1=$(clock_offset)
drift=$(awk -v a="$off0" -v b="$off1" 'BEGIN{d=a-b; if (d<0) d=-d; printf "%.3f", d}')
check "the clock is where it was (moved ${drift}s)" awk -v d="$drift" 'BEGIN{exit !(d < 1.0)}'
check "the hostname is unchanged ($host0)" test "$(hostname)" = "$host0"

mounts1=$(mounts)
if [ "$mounts0" = "$mounts1" ]; then pass "no mount added or removed on the host"; else
    fail "no mount added or removed on the host"
    diff <(printf '%s\n' "$mounts0") <(printf '%s\n' "$mounts1") | sed 's/^/#   /'; fi

keys1=$(keys)
if [ "$keys0" = "$keys1" ]; then pass "no key or keyring added on the host"; else
    fail "no key or keyring added on the host"
    diff <(printf '%s\n' "$keys0") <(printf '%s\n' "$keys1") | sed 's/^/#   /'; fi

left1=$(leftovers)
if [ "$left0" = "$left1" ]; then pass "no temporary file left in /tmp or /etc"; else
    fail "no temporary file left in /tmp or /etc"; printf '%s\n' "$left1" | sed 's/^/#   /'; fi

if [ -n "$sid" ]; then
    stray=$(ps -eo sid=,pid=,stat=,comm= | awk -v s="$sid" '$1 == s')
    if [ -z "$stray" ]; then pass "every probe process is gone and reaped"; else
        fail "every probe process is gone and reaped"; printf '%s\n' "$stray" | sed 's/^/#   /'; fi
else
    fail "every probe process is gone and reaped: the session id was not recorded"
fi

# ---- the escapes family (layers/probes/probe_escape.c) ----------------------
# A run of its own, unconfined and then under --privileged, on a pty (script)
# with fd 7 open on "/", so that TIOCSTI and the leaked fd really act. Then
# what those probes touch must be as it was: core_pattern, every release_agent,
# the mount table, isolab's own binary, device nodes, cgroup hierarchies.
ESC=escape-tiocsti,escape-fd-leak,escape-proc-exe,escape-shocker,escape-release-agent
ESC=$ESC,escape-core-pattern,escape-device,escape-userns,escape-host-disk
agents() { for f in /sys/fs/cgroup/*/release_agent /sys/fs/cgroup/release_agent; do
    [ -e "$f" ] && printf '%s=%s\n' "$f" "$(cat "$f")"; done; }
new_nodes() { find /tmp /etc /dev/shm -xdev -maxdepth 3 \( -type c -o -type b \) -newer "$1" 2>/dev/null; }
esc_out=$(mktemp /tmp/isolab-safety-esc-XXXXXX)
marker=$(mktemp /tmp/isolab-safety-marker-XXXXXX)
trap 'rm -f "$out" "$out.pid" "$esc_out" "$marker"' EXIT
core0=$(cat /proc/sys/kernel/core_pattern)
agents0=$(agents)
mounts0=$(mounts)
left0=$(leftovers)
hash0=$(sha256sum < "$ISOLAB")
for mode in "--preset unconfined" "--privileged"; do
    cmd=$(printf '%q ' "$ISOLAB" probe $mode --only "$ESC" --json)
    if command -v script >/dev/null; then
        script -qec "exec 7</; exec $cmd > $esc_out" /dev/null < /dev/null > /dev/null
    else
        bash -c "exec 7</; exec $cmd" > "$esc_out" < /dev/null
    fi
    rc=$?
    check "escapes $mode: isolab probe exits 0 (status $rc)" test "$rc" -eq 0
    jq -r '.probes[] | "# \(.id): \(.verdict) \(.detail)"' "$esc_out" 2>/dev/null
    for id in ${ESC//,/ }; do
        v=$(jq -r --arg id "$id" '.probes[] | select(.id == $id) | "\(.verdict): \(.detail)"' "$esc_out")
        case $v in
        allowed:*) pass "escapes $mode: $id really ran (${v#allowed: })" ;;
        error:*|"") fail "escapes $mode: $id gave a verdict ($v)" ;;
        *) skip "escapes $mode: $id really ran" "not allowed here: $v" ;;
        esac
    done
    # TIOCSTI was let through to the copy of the byte, which faulted: nothing pushed
    v=$(jq -r '.probes[] | select(.id == "escape-tiocsti") | .detail' "$esc_out")
    case $v in
    *"EFAULT at the byte"*) pass "escapes $mode: TIOCSTI stopped at the unreadable byte" ;;
    *) skip "escapes $mode: TIOCSTI stopped at the unreadable byte" "it did not get that far: $v" ;;
    esac
done
check "escapes: core_pattern is unchanged ($core0)" test "$(cat /proc/sys/kernel/core_pattern)" = "$core0"
check "escapes: every cgroup v1 release_agent is unchanged" test "$(agents)" = "$agents0"
check "escapes: isolab's binary is unchanged (sha256)" test "$(sha256sum < "$ISOLAB")" = "$hash0"
mounts1=$(mounts)
if [ "$mounts0" = "$mounts1" ]; then pass "escapes: no mount added or removed on the host"; else
    fail "escapes: no mount added or removed on the host"
    diff <(printf '%s\n' "$mounts0") <(printf '%s\n' "$mounts1") | sed 's/^/#   /'; fi
left1=$(leftovers)
if [ "$left0" = "$left1" ]; then pass "escapes: no temporary file left in /tmp or /etc"; else
    fail "escapes: no temporary file left in /tmp or /etc"; printf '%s\n' "$left1" | sed 's/^/#   /'; fi
nodes=$(new_nodes "$marker")
if [ -z "$nodes" ]; then pass "escapes: no device node left in /tmp, /etc or /dev/shm"; else
    fail "escapes: no device node left in /tmp, /etc or /dev/shm"; printf '%s\n' "$nodes" | sed 's/^/#   /'; fi
# A named v1 hierarchy the probe mounted (where no v1 hierarchy existed) is
# torn down by the kernel after RCU: wait for that, bounded, then judge.
for _ in $(seq 50); do grep -q 'name=isolab-probe' /proc/self/cgroup || break; sleep 0.2; done
check "escapes: no cgroup hierarchy name=isolab-probe remains" \
    bash -c '! grep -q "name=isolab-probe" /proc/self/cgroup'
exit 0
