#!/usr/bin/env bash
# Nothing left behind: 20 times, start `isolab run -- sleep ...` and SIGKILL
# isolab while the sandbox runs. Then count, and assert 0 of each:
#   - processes of those sandboxes (matched by a marker unique to this run in
#     their argv: only processes this script started);
#   - cgroups of the killed isolabs once the next isolab has started (it
#     removes them: nobody holds their owner's lock any more; the owner's
#     pid is in the lock file /run/isolab/cgroups/<name>.lock, not in the
#     name, which the sandbox sees);
#   - sandbox mounts visible in /proc/self/mountinfo.
source "$(dirname "$0")/../lib.sh"
plan 5
if ! need_root; then
    skip_all leaks "these tests start sandboxes (namespaces, cgroups) as root"
fi
[ -x "$ISOLAB" ] || { fail "leaks: $ISOLAB is not built"; exit 1; }

RUNS=${LEAK_RUNS:-20}
# "sleep 30.<digits>" is a valid duration that no other process has.
mark="30.0$$$RANDOM$RANDOM"
mounts_before=$(mktemp); mounts_after=$(mktemp)
trap 'rm -f "$mounts_before" "$mounts_after"' EXIT
# Mount point and source of every mount (ids change, these do not).
mounts() { awk '{ for (i = 7; $i != "-"; i++); print $5, $(i + 1), $(i + 2) }' /proc/self/mountinfo | sort; }
mounts > "$mounts_before"

# pids of processes whose argv holds the marker. The pattern is written so
# that it does not match grep's own argv.
mark_re=${mark/./[.]}
marked() {
    grep -lsa -- "$mark_re" /proc/[0-9]*/cmdline 2>/dev/null | sed 's|^/proc/\([0-9]*\)/cmdline$|\1|'
}
# wait (bounded) until CMD prints nothing / something
wait_until_none() { local i; for i in $(seq 100); do [ -z "$("$@")" ] && return 0; sleep 0.1; done; return 1; }
sleeping() { local p; for p in $(marked); do [ "$(cat /proc/$p/comm 2>/dev/null)" = sleep ] && echo "$p"; done; }
# The sleep of run $1 only (its own marker): the previous run's sleep may
# still be dying when the next one starts, and must not count for it.
sleeping_run() {
    local p
    for p in $(grep -lsa -- "${mark_re}$1" /proc/[0-9]*/cmdline 2>/dev/null | sed 's|^/proc/\([0-9]*\)/cmdline$|\1|'); do
        [ "$(cat /proc/$p/comm 2>/dev/null)" = sleep ] && echo "$p"
    done
}

killed=()
started=0
for i in $(seq "$RUNS"); do
    # Same length for every run, so no run's marker is a prefix of another's.
    run=$(printf '%03d' "$i")
    "$ISOLAB" run -- sleep "$mark$run" </dev/null >/dev/null 2>&1 &
    pid=$!
    # mid-session: the sandbox's command is running
    for _ in $(seq 300); do [ -n "$(sleeping_run "$run")" ] && break; sleep 0.1; done
    [ -n "$(sleeping_run "$run")" ] && started=$((started + 1))
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    killed+=("$pid")
done
check "leaks: all $RUNS sandboxes were running when isolab was SIGKILLed ($started)" [ "$started" -eq "$RUNS" ]

wait_until_none marked
left=$(marked)
n=$(printf '%s' "$left" | grep -c .)
check "leaks: 0 sandbox processes left after $RUNS SIGKILLed isolabs ($n)" [ "$n" -eq 0 ]
if [ "$n" -ne 0 ]; then
    for p in $left; do echo "#   left: $p $(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null)"; done
    kill -KILL $left 2>/dev/null   # ours: they carry this run's marker
fi

# cgroup dirs (and lock files) of the killed isolabs: the lock file of each
# holds its owner's pid.
stale_cgroups() {
    local lock name d pid owner
    for lock in /run/isolab/cgroups/sb-*.lock; do
        [ -f "$lock" ] || continue
        owner=$(cat "$lock" 2>/dev/null)
        name=$(basename "$lock" .lock)
        for pid in "${killed[@]}"; do
            [ "$owner" = "$pid" ] || continue
            echo "$lock"
            for d in /sys/fs/cgroup/isolab /sys/fs/cgroup/*/isolab; do
                [ -d "$d/$name" ] && echo "$d/$name"
            done
        done
    done
}
before_next=$(stale_cgroups | grep -c .)
echo "# cgroups the killed isolabs left behind, before the next start: $before_next"
out=$("$ISOLAB" run -- true 2>&1); rc=$?
check "leaks: the next isolab starts and runs (status $rc)" [ "$rc" -eq 0 ]
[ "$rc" -ne 0 ] && printf '%s\n' "$out" | sed 's/^/#   /'
after=$(stale_cgroups)
n=$(printf '%s' "$after" | grep -c .)
check "leaks: 0 cgroups of killed isolabs after the next start ($n)" [ "$n" -eq 0 ]
[ "$n" -ne 0 ] && printf '%s\n' "$after" | head -5 | sed 's/^/#   left: /'

mounts > "$mounts_after"
new=$(comm -13 "$mounts_before" "$mounts_after")
n=$(printf '%s' "$new" | grep -c .)
check "leaks: 0 sandbox mounts in /proc/self/mountinfo ($n)" [ "$n" -eq 0 ]
[ "$n" -ne 0 ] && printf '%s\n' "$new" | head -5 | sed 's/^/#   new: /'
exit 0
