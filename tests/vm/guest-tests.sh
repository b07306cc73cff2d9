#!/bin/sh
# The guest half of the VM suite: runs inside the test VM (Debian's kernel,
# AppArmor enforcing, pure cgroup v2) under busybox sh, with jq. POSIX sh and
# busybox applets only. Prints TAP ("ok - name", "not ok - name",
# "ok - name # SKIP why"); tests/vm/run.sh adds the "vm/" prefix on the host.
#
# 1. kernel: facts the rest depends on, checked for real;
# 2. apparmor, cgroups: isolab's CLI against AppArmor and cgroup v2, which the
#    host lacks;
# 3. integration: the repo's tests/integration/*.sh (bash; a script with
#    "# isolab-vm: skip REASON" near its top is skipped) and any built
#    tests/integration/test_* (cmocka), as on the host;
# 4. leftovers: nothing of isolab is left once all of that has run.
ISOLAB=${ISOLAB:-/isolab}
export ISOLAB
REPO=${REPO:-/repo}
STEP_TIMEOUT=${STEP_TIMEOUT:-300}   # seconds for one isolab call or one script
# The host kills the VM after its timeout; run.sh passes isolab_deadline=N
# (seconds of guest uptime) so that what cannot finish in time is reported
# as not run, and the results of everything else still get out.
DEADLINE=$(sed -nE 's/.*(^| )isolab_deadline=([0-9]+).*/\2/p' /proc/cmdline)
DEADLINE=${DEADLINE:-100000}
# run.sh passes isolab_only=GLOB (VM_ONLY): only the integration suites whose
# file name matches, for working on one of them; the kernel and AppArmor
# checks (sections 1 and 2) are then left out.
ONLY=$(sed -nE 's/.*(^| )isolab_only=([^ ]+).*/\2/p' /proc/cmdline)
only_skips() {   # 0 (skip it) when ONLY is set and $1 does not match it
    [ -n "$ONLY" ] || return 1
    case $1 in $ONLY) return 1 ;; esac
    return 0
}
uptime_s() { cut -d. -f1 /proc/uptime; }
# step_timeout: STEP_TIMEOUT, or less if the deadline is nearer (0 = spent)
step_timeout() {
    _left=$((DEADLINE - $(uptime_s)))
    [ "$_left" -lt 0 ] && _left=0
    [ "$_left" -lt "$STEP_TIMEOUT" ] && echo "$_left" || echo "$STEP_TIMEOUT"
}
failed=0
W=$(mktemp -d /tmp/guest-tests.XXXXXX) || exit 1
export ISOLAB_PEERS=${ISOLAB_PEERS:-/shared/peers}   # Docker's profiles, for the tests that compare

# section NAME: a comment with the time the previous section took
_t=$(cut -d' ' -f1 /proc/uptime) _sec=""
section() {
    _now=$(cut -d' ' -f1 /proc/uptime)
    [ -n "$_sec" ] && awk -v n="$_sec" -v a="$_t" -v b="$_now" 'BEGIN { printf "# vm: %s took %.1fs\n", n, b - a }'
    _sec=$1 _t=$_now
}

pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; failed=1; }
skip() { _n=$1; shift; echo "ok - $_n # SKIP $*"; }
note() { printf '%s\n' "$@" | head -15 | sed 's/^/#   /'; }
has_word() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }

# ---- 1. the kernel --------------------------------------------------------
if [ -z "$ONLY" ]; then   # to the end of section 2
section "kernel checks"
lsm=$(cat /sys/kernel/security/lsm 2>/dev/null)
case ",$lsm," in
    *,apparmor,*) pass "kernel: apparmor is an active LSM ($lsm)" ;;
    *) fail "kernel: apparmor is an active LSM"; note "/sys/kernel/security/lsm: '$lsm'" ;;
esac
aa_enabled=$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)
if [ "$aa_enabled" = Y ] && [ -r /sys/kernel/security/apparmor/profiles ]; then
    pass "kernel: apparmor is enabled and its securityfs is mounted"
else
    fail "kernel: apparmor is enabled and its securityfs is mounted"
    note "enabled='$aa_enabled'" "$(ls /sys/kernel/security 2>&1)"
fi
fstype=$(awk '$2 == "/sys/fs/cgroup" { print $3 }' /proc/mounts)
v1=$(awk '$3 == "cgroup"' /proc/mounts | wc -l)
if [ "$fstype" = cgroup2 ] && [ "$v1" -eq 0 ]; then
    pass "kernel: pure cgroup v2 at /sys/fs/cgroup"
else
    fail "kernel: pure cgroup v2 at /sys/fs/cgroup"; note "fstype=$fstype, v1 mounts=$v1"
fi
ctrl=$(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)
missing=""
for c in pids memory cpu; do has_word "$ctrl" "$c" || missing="$missing $c"; done
if [ -z "$missing" ]; then
    pass "kernel: cgroup v2 offers pids memory cpu ($ctrl)"
else
    fail "kernel: cgroup v2 offers pids memory cpu"; note "missing:$missing; cgroup.controllers: '$ctrl'"
fi
if grep -qw overlay /proc/filesystems; then
    pass "kernel: overlayfs is available (module loaded by /init)"
else
    fail "kernel: overlayfs is available (module loaded by /init)"
fi

# The repo's AppArmor profiles compile (-Q: do not load; isolab loads them).
n=0
for p in "$REPO"/profiles/apparmor/*; do
    [ -f "$p" ] || continue
    n=$((n + 1))
    if out=$(apparmor_parser -Q -K "$p" 2>&1); then
        pass "apparmor: apparmor_parser compiles profiles/apparmor/${p##*/}"
    else
        fail "apparmor: apparmor_parser compiles profiles/apparmor/${p##*/}"; note "$out"
    fi
done
[ "$n" -eq 0 ] && fail "apparmor: profiles/apparmor/ holds isolab's profiles" &&
    note "no files in profiles/apparmor/"

# ---- 2. isolab on AppArmor and cgroup v2 ----------------------------------
# run_isolab OUTFILE ARGS...: runs isolab bounded; stdout to OUTFILE,
# stderr to OUTFILE.err; returns isolab's exit status.
run_isolab() {
    _o=$1; shift
    _to=$(step_timeout)
    [ "$_to" -gt 0 ] || { echo "the VM's time budget was spent" >"$_o.err"; : >"$_o"; return 124; }
    timeout "$_to" "$ISOLAB" "$@" >"$_o" 2>"$_o.err"
}
# probe_get FILE ID JQEXPR: a field of one probe from `isolab probe --json`
probe_get() {
    jq -r --arg id "$2" ".probes[] | select(.id == \$id) | $3" "$1" 2>/dev/null
}
# have_probe FILE ID NAME: fails NAME (with the reason) unless FILE is valid
# JSON from a successful `isolab probe` that holds probe ID
have_probe() {
    if ! jq -e .probes "$1" >/dev/null 2>&1; then
        fail "$3"; note "isolab probe did not print JSON (exit $(cat "$1.rc"))" \
            "$(cat "$1.err")" "$(head -c 600 "$1")"; return 1
    fi
    if [ -z "$(probe_get "$1" "$2" .id)" ]; then
        fail "$3"; note "no probe with id '$2' in the output"; return 1
    fi
}
# probe_json FILE ARGS...: `isolab probe --json ARGS` into FILE
probe_json() {
    _f=$1; shift
    run_isolab "$_f" probe --json "$@"
    echo $? > "$_f.rc"
}
# probe ids in the catalogue (layers/probes): fork bomb, memory hog
FORK=fork-200 MEMHOG=memory-256m
# first number after "started" in a fork-bomb detail ("started 9 of 200 ...")
started_count() {
    printf '%s' "$1" | sed -nE 's/.*started ([0-9]+).*/\1/p' | head -1
}

section "apparmor and cgroup v2 checks"
if [ ! -x "$ISOLAB" ]; then
    echo "# $ISOLAB is missing from the image (./isolab was not built on the host): the isolab tests below fail"
fi
{
    # -- AppArmor: the profile is loaded and the sandbox runs under it
    name="apparmor: run under isolab-default names it in /proc/self/attr/current"
    run_isolab "$W/attr" run --security-opt apparmor=isolab-default -- cat /proc/self/attr/current
    rc=$?
    attr=$(tr -d '\0' < "$W/attr")
    case $attr in
        isolab-default*) pass "$name ($attr)" ;;
        *) fail "$name"; note "exit $rc, attr: '$attr'" "$(cat "$W/attr.err")" ;;
    esac
    if grep -q '^isolab-default (enforce)' /sys/kernel/security/apparmor/profiles; then
        pass "apparmor: isolab loaded isolab-default into the kernel in enforce mode"
    else
        fail "apparmor: isolab loaded isolab-default into the kernel in enforce mode"
        note "$(cat /sys/kernel/security/apparmor/profiles)"
    fi
    name="apparmor: apparmor=unconfined runs unconfined"
    run_isolab "$W/attr-u" run --security-opt apparmor=unconfined -- cat /proc/self/attr/current
    rc=$?
    attr=$(tr -d '\0' < "$W/attr-u")
    case $attr in
        unconfined*) pass "$name" ;;
        *) fail "$name"; note "exit $rc, attr: '$attr'" "$(cat "$W/attr-u.err")" ;;
    esac

    # -- AppArmor: mount is refused by the profile alone
    probe_json "$W/mnt" --blame --only mount-tmpfs,write-proc-sys --cap-add SYS_ADMIN \
        --security-opt seccomp=unconfined --security-opt apparmor=isolab-default
    name="apparmor: isolab says AppArmor enforces the lsm layer"
    d=$(jq -r '.layers.lsm.describe // empty' "$W/mnt" 2>/dev/null)
    if printf '%s' "$d" | grep -qi apparmor && ! printf '%s' "$d" | grep -qi landlock; then
        pass "$name ($d)"
    else fail "$name"; note "layers.lsm.describe: '$d'" "$(cat "$W/mnt.err")"; fi
    name="apparmor: mount with CAP_SYS_ADMIN and seccomp off is blocked"
    if have_probe "$W/mnt" mount-tmpfs "$name"; then
        v=$(probe_get "$W/mnt" mount-tmpfs .verdict)
        if [ "$v" = blocked ]; then pass "$name ($(probe_get "$W/mnt" mount-tmpfs '.errno // .signal'))"
        else fail "$name"; note "verdict: $v, detail: $(probe_get "$W/mnt" mount-tmpfs .detail)"; fi
    fi
    name="apparmor: --blame names the lsm for the blocked mount"
    if have_probe "$W/mnt" mount-tmpfs "$name"; then
        by=$(probe_get "$W/mnt" mount-tmpfs '(.blocked_by // []) | join(",")')
        case ",$by," in
            *,lsm,*) pass "$name (blocked_by: $by)" ;;
            *) fail "$name"; note "blocked_by: '$by'" ;;
        esac
    fi
    name="apparmor: --blame shows the /proc/sys write refused by the lsm alone"
    if have_probe "$W/mnt" write-proc-sys "$name"; then
        v=$(probe_get "$W/mnt" write-proc-sys .verdict)
        by=$(probe_get "$W/mnt" write-proc-sys '(.blocked_by // []) | join(",")')
        case "$v,$by," in
            blocked,*lsm,*) pass "$name (blocked_by: $by)" ;;
            *) fail "$name"; note "verdict: $v, blocked_by: '$by'" ;;
        esac
    fi
    probe_json "$W/mnt-u" --only mount-tmpfs --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
        --security-opt apparmor=unconfined
    name="apparmor: apparmor=unconfined lets the mount through"
    if have_probe "$W/mnt-u" mount-tmpfs "$name"; then
        v=$(probe_get "$W/mnt-u" mount-tmpfs .verdict)
        if [ "$v" = allowed ]; then pass "$name"
        else fail "$name"; note "verdict: $v, errno: $(probe_get "$W/mnt-u" mount-tmpfs .errno), detail: $(probe_get "$W/mnt-u" mount-tmpfs .detail)"; fi
    fi

    # -- cgroup v2: pids and memory; each pair of limits shares one sandbox
    # (the fork bomb stays far below 64m; the hog is one process)
    probe_json "$W/lim" --only $FORK,$MEMHOG --pids-limit 10 --memory 64m
    probe_json "$W/unl" --only $FORK,$MEMHOG --memory 512m
    name="cgroups: --pids-limit 10 stops the fork bomb before 10 processes"
    if have_probe "$W/lim" $FORK "$name"; then
        d=$(probe_get "$W/lim" $FORK .detail)
        v=$(probe_get "$W/lim" $FORK .verdict)
        k=$(started_count "$d")
        if [ "$v" = blocked ] && [ -n "$k" ] && [ "$k" -lt 10 ]; then pass "$name ($d)"
        else fail "$name"; note "verdict: $v, detail: '$d'"; fi
    fi
    name="cgroups: without a pids limit all 200 fork-bomb processes start"
    if have_probe "$W/unl" $FORK "$name"; then
        d=$(probe_get "$W/unl" $FORK .detail)
        v=$(probe_get "$W/unl" $FORK .verdict)
        k=$(started_count "$d")
        if [ "$v" = allowed ] && [ "$k" = 200 ]; then pass "$name ($d)"
        else fail "$name"; note "verdict: $v, detail: '$d'"; fi
    fi

    # -- the memory hog touches 256 MiB
    name="cgroups: --memory 64m OOM-kills the memory hog"
    if have_probe "$W/lim" $MEMHOG "$name"; then
        v=$(probe_get "$W/lim" $MEMHOG .verdict)
        s=$(probe_get "$W/lim" $MEMHOG '.signal // ""')
        d=$(probe_get "$W/lim" $MEMHOG .detail)
        if [ "$v" = blocked ] && { [ "$s" = SIGKILL ] || printf '%s' "$d" | grep -qiE 'oom|out of memory'; }; then
            pass "$name ($s $d)"
        else fail "$name"; note "verdict: $v, signal: '$s', detail: '$d'"; fi
    fi
    name="cgroups: --memory 512m lets the memory hog finish"
    if have_probe "$W/unl" $MEMHOG "$name"; then
        v=$(probe_get "$W/unl" $MEMHOG .verdict)
        if [ "$v" = allowed ]; then pass "$name"
        else fail "$name"; note "verdict: $v, detail: $(probe_get "$W/unl" $MEMHOG .detail)"; fi
    fi

    # -- cgroup v2 device rules: a BPF_PROG_TYPE_CGROUP_DEVICE program.
    # 1:11 is /dev/kmsg, opened for writing and truncated: nothing written.
    name="cgroups: v2 device program refuses opening a node outside Docker's rules"
    run_isolab "$W/dev" run --security-opt apparmor=unconfined -- \
        sh -c 'mknod /etc/k c 1 11 && echo made; (: > /etc/k) && echo OPENED; (: > /dev/null) && echo NULL-OK'
    if grep -q made "$W/dev" && ! grep -q OPENED "$W/dev" && grep -q NULL-OK "$W/dev" &&
       grep -q "Operation not permitted" "$W/dev.err" "$W/dev"; then pass "$name"
    else fail "$name"; note "$(cat "$W/dev" "$W/dev.err")"; fi
    name="cgroups: --privileged attaches no device program (every device opens)"
    run_isolab "$W/devp" run --privileged -- sh -c 'mknod /etc/k c 1 11 && (: > /etc/k) && echo OPENED'
    if grep -q OPENED "$W/devp"; then pass "$name"
    else fail "$name"; note "$(cat "$W/devp" "$W/devp.err")"; fi

}

fi   # [ -z "$ONLY" ]: sections 1 and 2
# ---- 3. the integration tests, as on the host -----------------------------
# run_suite NAME CMD...: the suite's TAP with names prefixed "NAME: ". Other
# output becomes "#" comments so it reaches the host's log. cmocka prints a
# skipped test as "not ok N # SKIP name"; TAP's meaning is a skip, written
# here as "ok - name # SKIP".
run_suite() {
    _name=$1; shift
    _to=$(step_timeout)
    if [ "$_to" -le 0 ]; then
        fail "$_name: not run, the VM's time budget (${DEADLINE}s of uptime) was spent"; return
    fi
    _esc=$(printf '%s' "$_name" | sed 's/[\/&]/\\&/g')
    { timeout "$_to" "$@" 2>&1; echo "$?" > "$W/suite.rc"; } |
        sed -E -e '/^[[:space:]]*$/d' \
            -e 's/^not ok( [0-9]+)? # SKIP (.*)$/ok - \2 # SKIP cmocka skipped it (why: the comment above)/' \
            -e "s/^(not ok|ok)( [0-9]+)?( -)? /\\1 - $_esc: /" \
            -e '/^(ok |not ok |#|1\.\.)/!s/^/#   /' |
        tee "$W/suite.out"
    _rc=$(cat "$W/suite.rc")
    _bad=0
    grep -q '^not ok ' "$W/suite.out" && _bad=1 failed=1
    if [ "$_rc" -eq 124 ]; then
        fail "$_name: timed out after ${_to}s (its remaining tests did not run)"
    elif [ "$_rc" -ne 0 ] && [ "$_bad" -eq 0 ]; then
        fail "$_name: exited with status $_rc without reporting a failure"
    elif ! grep -q '^ok ' "$W/suite.out"; then
        fail "$_name: reported no test"
    fi
}
# A script that is meant for the host only says so in its first 20 lines:
#   # isolab-vm: skip REASON
for t in "$REPO"/tests/integration/*.sh; do
    [ -f "$t" ] || continue
    only_skips "${t##*/}" && continue
    section "integration/${t##*/}"
    why=$(head -20 "$t" | sed -n 's/^# isolab-vm: skip *//p' | head -1)
    if [ -n "$why" ]; then skip "integration/${t##*/}" "host only: $why"; continue; fi
    run_suite "integration/${t##*/}" bash "$t"
done
export CMOCKA_MESSAGE_OUTPUT=TAP
for t in "$REPO"/build/tests/integration/test_*; do
    [ -x "$t" ] || continue
    only_skips "${t##*/}" && continue
    section "integration/${t##*/}"
    if [ "${t##*/}" = test_blame_incremental ]; then
        skip "integration/${t##*/}" "host only: it runs the probe catalogue about 20 times, beyond a step's time under TCG"
        continue
    fi
    run_suite "integration/${t##*/}" "$t"
done

# ---- 4. nothing left behind -----------------------------------------------
section "leftover checks"
if [ -x "$ISOLAB" ]; then
    left=$(find /sys/fs/cgroup/isolab -mindepth 1 -type d 2>/dev/null | wc -l)
    if [ "$left" -eq 0 ]; then pass "leftovers: no cgroup left under /sys/fs/cgroup/isolab"
    else fail "leftovers: no cgroup left under /sys/fs/cgroup/isolab"
         note "$(find /sys/fs/cgroup/isolab -mindepth 1 -type d)"; fi
    mounts=$(awk '$3 == "overlay" || $2 ~ /isolab/' /proc/mounts | wc -l)
    if [ "$mounts" -eq 0 ]; then pass "leftovers: no sandbox mount in the VM's mount table"
    else fail "leftovers: no sandbox mount in the VM's mount table"
         note "$(awk '$3 == "overlay" || $2 ~ /isolab/' /proc/mounts)"; fi
    procs=$(for p in /proc/[0-9]*; do
                exe=$(readlink "$p/exe" 2>/dev/null) || continue
                case $exe in /repo/isolab|/isolab) echo "${p#/proc/}" ;; esac
            done | wc -l)
    if [ "$procs" -eq 0 ]; then pass "leftovers: no isolab process left"
    else fail "leftovers: no isolab process left"; fi
fi

section end
rm -rf "$W"
exit "$failed"
