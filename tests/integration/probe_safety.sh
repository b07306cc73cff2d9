#!/usr/bin/env bash
# The safety rule (DESIGN.md, "Probes and attribution"): every probe is
# harmless even unconfined as root on the host. This runs the whole catalogue
# with every layer off, on the host itself, and checks that the host is as it
# was: the clock, the hostname, the mount table, the keyrings, no temporary
# files left, and no probe process left behind.
. "$(dirname "$0")/../lib.sh"
plan 18

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
exit 0
