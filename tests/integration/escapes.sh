#!/usr/bin/env bash
# The "escapes" probe family (layers/probes/probe_escape.c) in real
# sandboxes: which escapes open up unconfined and under --privileged, and
# that Docker's defaults block every one, with a layer to name.
#
# Each run has what the escapes need to act: a terminal (script(1) gives the
# run a pty, for TIOCSTI) and a directory fd on the host's "/" (exec 7</,
# for the leaked-fd escape of CVE-2024-21626).
. "$(dirname "$0")/../lib.sh"

if ! need_root; then
    skip "escapes" "needs root: unconfined and --privileged must have every privilege"
    exit 0
fi
if [ ! -x "$ISOLAB" ]; then
    fail "escapes: $ISOLAB is not built"
    exit 1
fi

ESCAPES=escape-tiocsti,escape-fd-leak,escape-proc-exe,escape-shocker,escape-release-agent
ESCAPES=$ESCAPES,escape-core-pattern,escape-device,escape-userns,escape-host-disk
tmp=$(mktemp -d /tmp/isolab-escapes-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
have_pty=false
command -v script >/dev/null && have_pty=true

# escapes NAME [isolab probe flags]: the family's JSON in $tmp/NAME.json,
# run on a pty with fd 7 open on the host's "/".
escapes() {
    local name=$1; shift
    local cmd
    cmd=$(printf '%q ' "$ISOLAB" probe --only "$ESCAPES" --json "$@")
    if $have_pty; then
        script -qec "exec 7</; exec $cmd > $tmp/$name.json 2> $tmp/$name.err" /dev/null \
            < /dev/null > /dev/null
    else
        bash -c "exec 7</; exec $cmd" > "$tmp/$name.json" 2> "$tmp/$name.err" < /dev/null
    fi
    local rc=$?
    check "isolab probe $* exits 0 (status $rc)" test "$rc" -eq 0
    jq -r '.probes[] | "# \(.id): \(.result) \(.detail)\(if .blocked_by then " [by: \(.blocked_by | join(","))\(if .host_blocks then "host" else "" end)]" else "" end)"' \
        "$tmp/$name.json" 2>/dev/null
}
field() { jq -r --arg id "$2" ".probes[] | select(.id == \$id) | $3" "$tmp/$1.json" 2>/dev/null; }
verdict() { field "$1" "$2" .verdict; }

expect() {   # expect RUN ID VERDICT [ERRNO] -- why
    local run=$1 id=$2 want=$3 errno=${4:-} v e
    v=$(verdict "$run" "$id")
    e=$(field "$run" "$id" '.errno // ""')
    if [ "$v" = "$want" ] && { [ -z "$errno" ] || [ "$e" = "$errno" ]; }; then
        pass "$run: $id is $want${errno:+ ($errno)}"
    else
        fail "$run: $id is $want${errno:+ ($errno)}, got $v $e: $(field "$run" "$id" .detail)"
    fi
}

# Does the host itself let root open its root disk? (Some VMs refuse it.)
disk=$(findmnt -no SOURCE / 2>/dev/null | head -n1)
host_disk_opens=true
host_disk_why=""
host_disk_verdict=blocked   # what the probe says where the host's disk cannot be opened
if [ ! -b "$disk" ]; then
    host_disk_opens=false
    host_disk_verdict=skipped
    host_disk_why="the host's root ($disk) is not on a block device (an initramfs, a VM)"
elif ! (: < "$disk") 2>/dev/null; then
    host_disk_opens=false
    host_disk_why="the host refuses root to open its own disk $disk"
fi
# On pure cgroup v2, --privileged's cgroup namespace refuses a v1 mount
# (EPERM), as under Docker: the release_agent escape needs cgroup v1.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then pure_v2=true; else pure_v2=false; fi
tty_why="script(1) is missing: no terminal for TIOCSTI"

# ---- unconfined: every escape that the kernel allows root works ----
escapes unconfined --preset unconfined
# isolab itself, whatever the layers (as Docker's runtime does): the sandbox
# gets a pty of its own or no terminal at all, and no fd above 2 from its
# caller. So these two stay blocked even with every layer off.
expect unconfined escape-tiocsti blocked
expect unconfined escape-fd-leak blocked
expect unconfined escape-proc-exe blocked   # isolab runs from a sealed memfd copy
expect unconfined escape-shocker allowed
expect unconfined escape-release-agent allowed
expect unconfined escape-core-pattern allowed
expect unconfined escape-device allowed
if [ -e /proc/self/ns/user ]; then expect unconfined escape-userns allowed
else skip "unconfined: escape-userns is allowed" "no user namespaces in this kernel"; fi
if $host_disk_opens; then expect unconfined escape-host-disk allowed
else expect unconfined escape-host-disk "$host_disk_verdict"; skip "unconfined: escape-host-disk is allowed" "$host_disk_why"; fi

# ---- --privileged: the same doors open inside a full set of namespaces ----
escapes privileged --privileged
# CAP_SYS_ADMIN may push into any terminal, controlling or not
expect privileged escape-tiocsti blocked
# fd 7 is the host's "/" seen from a mount namespace: outside the new root
expect privileged escape-fd-leak blocked
expect privileged escape-proc-exe blocked
expect privileged escape-shocker allowed
# no release_agent is mounted inside: the probe mounts a v1 hierarchy itself
if $pure_v2; then expect privileged escape-release-agent blocked
else expect privileged escape-release-agent allowed; fi
# isolab's --privileged keeps /proc/sys read-only (Docker's clears it)
expect privileged escape-core-pattern blocked EROFS
expect privileged escape-device allowed
expect privileged escape-userns allowed
if $host_disk_opens; then expect privileged escape-host-disk allowed
else expect privileged escape-host-disk "$host_disk_verdict"; skip "privileged: escape-host-disk is allowed" "$host_disk_why"; fi

# ---- Docker's defaults: every escape blocked, and a layer to blame ----
escapes docker --preset docker --blame
for id in ${ESCAPES//,/ }; do
    if [ "$id" = escape-tiocsti ] || [ "$id" = escape-fd-leak ] || [ "$id" = escape-proc-exe ]; then
        # not a layer: the launcher (own pty, fds closed, a sealed copy of
        # isolab), checked above
        expect docker "$id" blocked; continue
    fi
    if [ "$id" = escape-host-disk ] && ! $host_disk_opens; then
        expect docker "$id" "$host_disk_verdict"
        skip "docker: $id is blocked by a layer" "$host_disk_why"; continue
    fi
    v=$(verdict docker "$id")
    by=$(field docker "$id" '.blocked_by | join(",")')
    if [ "$v" = blocked ] && [ -n "$by" ]; then
        pass "docker: $id is blocked by $by"
    else
        fail "docker: $id is blocked by a layer, got $v${by:+ by $by}: $(field docker "$id" .detail)"
    fi
done

# ---- the controls: the verdicts above come from the fd and the terminal ----
# (a session of its own, no fd 7, no terminal on 0-2: nothing to use)
setsid -w "$ISOLAB" probe --only escape-fd-leak,escape-tiocsti --json --preset unconfined \
    < /dev/null > "$tmp/plain.json" 2> "$tmp/plain.err"
expect plain escape-fd-leak blocked
check "plain: without fd 7 no fd reaches the host ($(field plain escape-fd-leak .detail))" \
    grep -q "no inherited fd" <<< "$(field plain escape-fd-leak .detail)"
expect plain escape-tiocsti blocked ENOTTY

# ---- the lab (labs/10-escapes.json): its tasks fail at the start, pass after ----
export XDG_STATE_HOME=$tmp/state
lab_task() {    # lab_task STEP WHAT FLAGS...
    local step=$1 what=$2; shift 2
    "$ISOLAB" lab reset escapes > /dev/null 2>&1
    "$ISOLAB" lab check escapes --step "$step" --from-start > "$tmp/lab.out" 2>&1
    local rc=$?
    check "lab escapes/$step fails before the change (rc $rc)" test "$rc" -eq 1
    "$ISOLAB" lab check escapes --step "$step" "$@" > "$tmp/lab.out" 2>&1
    rc=$?
    check "lab escapes/$step passes with $what (rc $rc)" test "$rc" -eq 0
    [ "$rc" -eq 0 ] || sed 's/^/#   /' "$tmp/lab.out" | tail -8
}
"$ISOLAB" lab validate "$ROOT/labs/10-escapes.json" > "$tmp/lab.out" 2>&1
rc=$?
check "lab validate labs/10-escapes.json ($(head -n1 "$tmp/lab.out"))" test "$rc" -eq 0
lab_task 4 "--no-cgroups (the device cgroup off)" --no-cgroups
lab_task 5 "--cap-drop MKNOD" --cap-drop MKNOD
# --privileged opens the device escape too, but also Shocker: not the answer
"$ISOLAB" lab check escapes --step 4 --from-start --privileged > "$tmp/lab.out" 2>&1
rc=$?
check "lab escapes/4: --privileged is not the answer (rc $rc)" test "$rc" -eq 1
exit 0
