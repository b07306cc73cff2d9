#!/usr/bin/env bash
# Profiles, presets and the commands about them, through the real binary:
# `isolab syscalls` lists what the issue says Docker's profile does; lint,
# diff and explain give their exit statuses and findings; and each preset,
# run through `isolab probe`, gets the verdicts from the kernel that the
# runtime it names would give.
source "$(dirname "$0")/../lib.sh"
PEERS=${ISOLAB_PEERS:-$ROOT/../shared/peers}
MOBY=$PEERS/moby-profiles/seccomp/default.json
P=$ROOT/profiles/seccomp
cd "$ROOT" || exit 1
TMP_P=$(mktemp -d /tmp/isolab-profiles.XXXXXX)
trap 'rm -rf "$TMP_P"' EXIT

# ---- isolab syscalls ---------------------------------------------------------
# "NAME NR ACTION ERRNO" of one syscall from the table.
row() { printf '%s\n' "$1" | awk -v n="$2" '$1 == n { print $3, $4 }'; }

table=$("$ISOLAB" syscalls --preset docker 2>&1)
check "syscalls --preset docker exits 0" [ $? -eq 0 ]
if [ "$(uname -m)" = x86_64 ]; then
    for sc in unshare setns mount umount2 pivot_root keyctl add_key request_key bpf \
              perf_event_open io_uring_setup userfaultfd kexec_load init_module reboot \
              clock_settime sethostname swapon; do
        got=$(row "$table" "$sc")
        check "docker: $sc is EPERM (got: ${got:-missing})" [ "$got" = "ERRNO EPERM" ]
    done
    got=$(row "$table" clone3)
    check "docker: clone3 is ENOSYS (got: $got)" [ "$got" = "ERRNO ENOSYS" ]
    for sc in read write openat chmod; do
        got=$(row "$table" "$sc")
        check "docker: $sc is allowed (got: $got)" [ "$got" = "ALLOW -" ]
    done
    got=$(row "$table" clone)
    check "docker: clone is allowed only with some arguments (got: $got)" [ "$got" = "ALLOW* -" ]

    admin=$("$ISOLAB" syscalls --preset docker --cap-add SYS_ADMIN 2>&1)
    for sc in unshare setns mount clone3 clone; do
        got=$(row "$admin" "$sc")
        check "docker + SYS_ADMIN: $sc is allowed (got: $got)" [ "$got" = "ALLOW -" ]
    done
    got=$(row "$admin" keyctl)
    check "docker + SYS_ADMIN: keyctl stays EPERM (got: $got)" [ "$got" = "ERRNO EPERM" ]
else
    skip "syscalls: the issue's list" "it names x86_64 syscalls; this machine is $(uname -m)"
fi

# The table has one row per syscall of the native arch, the JSON the same.
json=$("$ISOLAB" syscalls --preset docker --json)
n_json=$(printf '%s' "$json" | jq '.syscalls | length')
n_text=$(printf '%s\n' "$table" | grep -vc '^#\|^SYSCALL')
check "syscalls --json has as many rows as the table ($n_json, $n_text)" [ "$n_json" = "$n_text" -a "${n_json:-0}" -gt 250 ]
got=$(printf '%s' "$json" | jq -r '.syscalls[] | select(.syscall == "clone3") | "\(.action) \(.errno)"')
check "syscalls --json: clone3 is SCMP_ACT_ERRNO 38 (got: $got)" [ "$got" = "SCMP_ACT_ERRNO 38" ]

# Seccomp switched off: everything passes seccomp.
off=$("$ISOLAB" syscalls --preset kubernetes-default)
expect_contains "kubernetes-default: syscalls says seccomp is off" "$off" "seccomp is off"
got=$(row "$off" unshare)
check "kubernetes-default: unshare passes seccomp (got: $got)" [ "${got%% *}" = ALLOW ]
got=$(row "$("$ISOLAB" syscalls --preset podman)" unshare)
check "podman: unshare passes seccomp (got: $got)" [ "$got" = "ALLOW -" ]

# ---- isolab lint ---------------------------------------------------------------
lint() { out=$("$ISOLAB" lint "$@" 2>&1); rc=$?; }
lint "$P/docker-default.json"
check "lint docker-default.json: clean, exit 0 (got $rc)" [ $rc -eq 0 ]
lint --preset docker
check "lint --preset docker: clean, exit 0 (got $rc)" [ $rc -eq 0 ]
expect_contains "lint --preset docker: lints docker-default.json" "$out" "docker-default.json: 0 errors"
lint --preset podman
expect_contains "lint --preset podman: lints Podman's profile with Podman's caps" "$out" "podman-default.json: 0 errors"
lint --preset kubernetes-default
expect_contains "lint --preset kubernetes-default: says it runs without seccomp" "$out" "runs without seccomp"
if [ -r "$MOBY" ]; then
    lint "$MOBY"
    check "lint Docker's default.json: clean, exit 0 (got $rc)" [ $rc -eq 0 ]
else
    skip "lint Docker's default.json" "not found at $MOBY (set ISOLAB_PEERS)"
fi
lint "$P/no-uring.json"
check "lint no-uring.json: exit 0 (got $rc)" [ $rc -eq 0 ]
lint "$P/no-chmod.json"
check "lint no-chmod.json: exit 0 (got $rc)" [ $rc -eq 0 ]
lint "$P/no-chmod-forgot-fchmodat2.json"
check "lint no-chmod-forgot-fchmodat2.json: warnings, exit 1 (got $rc)" [ $rc -eq 1 ]
expect_contains "lint: the forgotten fchmodat2 is named" "$out" "fchmodat2 is allowed"
lint "$P/no-uring-broken.json"
check "lint no-uring-broken.json: error, exit 2 (got $rc)" [ $rc -eq 2 ]
expect_contains "lint: the bare-string error has line:col" "$out" "no-uring-broken.json:3:"
# The workshop's seed (issue 14): no_uring.json lists the io_uring calls as
# bare strings under an ERRNO default. run refuses it and its hint reads the
# intent -- deny them -- rather than the letter, which would allow only
# io_uring and start nothing; the literal reading, written out, is what
# lint calls a contradiction, and the deny form the hint shows loads and
# denies io_uring in the kernel.
SEED=$ROOT/tests/data/no_uring.json
out=$("$ISOLAB" run --security-opt seccomp="$SEED" -- true 2>&1); rc=$?
check "run no_uring.json: refused, exit 125 (got $rc)" [ $rc -eq 125 ]
expect_contains "run no_uring.json: the hint shows the deny form" "$out" \
    'hint: to deny them, write {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["io_uring_setup", "io_uring_enter", "io_uring_register"], "action": "SCMP_ACT_ERRNO"}]}'
expect_contains "run no_uring.json: the hint recommends docker-default.json" "$out" "copy profiles/seccomp/docker-default.json"
expect_contains "run no_uring.json: the literal reading is said plainly" "$out" \
    'would allow these 3 syscalls and nothing else: execve is not among them, so no program could even start'
hint=$(printf '%s\n' "$out" | grep 'hint:')
expect_not_contains "run no_uring.json: the hint proposes no ALLOW rule" "$hint" '"action": "SCMP_ACT_ALLOW"'
printf '%s\n' "$hint" | sed -n 's/.*write \({"defaultAction".*}\]}\); better.*/\1/p' > "$TMP_P/deny.json"
lint "$SEED"
check "lint no_uring.json: error, exit 2 (got $rc)" [ $rc -eq 2 ]
expect_contains "lint no_uring.json: the hint shows the deny form" "$out" '"action": "SCMP_ACT_ERRNO"}]}'
jq '.syscalls = [{"names": .syscalls, "action": "SCMP_ACT_ALLOW"}]' "$SEED" > "$TMP_P/literal.json"
lint "$TMP_P/literal.json"
expect_contains "lint: the literal reading contradicts its default" "$out" "its rules allow only io_uring_setup, io_uring_enter, io_uring_register: not even execve"
jq '.syscalls = [{"names": .syscalls, "action": "SCMP_ACT_ERRNO"}]' "$SEED" > "$TMP_P/same.json"
lint "$TMP_P/same.json"
expect_contains "lint: rules that repeat the default" "$out" "every rule says SCMP_ACT_ERRNO, which the defaultAction says already"
if need_root; then
    if [[ $ISOLAB == *asan* ]]; then
        # Every call but io_uring is denied: the ASan runtime's own calls too,
        # and it then hangs in its error path instead of dying.
        skip "run the literal reading: nothing starts" \
            "the ASan build's runtime hangs when its own syscalls are denied"
    else
        out=$(timeout 120 "$ISOLAB" run --security-opt seccomp="$TMP_P/literal.json" -- true 2>&1); rc=$?
        check "run the literal reading: nothing starts, and isolab ends (exit $rc)" \
            test "$rc" -ne 0 -a "$rc" -ne 124
    fi
    v=$("$ISOLAB" probe --security-opt seccomp="$TMP_P/deny.json" --only io-uring,chmod --json |
        jq -r '[.probes[].result] | join(" ")')
    check "the hint's deny form: io-uring EPERM, chmod allowed (got: $v)" [ "$v" = "EPERM allowed" ]
else
    skip "run the literal reading" "needs root"
    skip "the hint's deny form in the kernel" "needs root"
fi
lint "$P/tiny-allowlist.json"
check "lint tiny-allowlist.json: error, exit 2 (got $rc)" [ $rc -eq 2 ]
expect_contains "lint: a shell cannot start" "$out" "a shell cannot start under this profile"
lint no-chmod-forgot-fchmodat2 --json
code=$(printf '%s' "$out" | jq -r '.findings[0].code')
check "lint --json: status and finding code (got $rc, $code)" [ $rc -eq 1 -a "$code" = bypass ]

# The linter's findings hold in the kernel: the forgotten fchmodat2 really
# goes through, and the tiny allowlist really cannot start a shell.
if need_root; then
    v=$("$ISOLAB" probe --security-opt seccomp="$P/no-chmod-forgot-fchmodat2.json" \
        --only chmod,fchmodat2 --json | jq -r '[.probes[].result] | join(" ")')
    if [ "${v#* }" = skipped ]; then
        skip "no-chmod-forgot-fchmodat2 in the kernel" "this kernel has no fchmodat2 (Linux 6.6+)"
    else
        check "no-chmod-forgot-fchmodat2: chmod EPERM, fchmodat2 allowed in the kernel (got: $v)" \
            [ "$v" = "EPERM allowed" ]
    fi
    v=$("$ISOLAB" probe --security-opt seccomp="$P/no-chmod.json" \
        --only chmod,fchmodat2 --json | jq -r '[.probes[].result] | join(" ")')
    check "no-chmod: chmod and fchmodat2 EPERM in the kernel (got: $v)" [ "$v" = "EPERM EPERM" -o "$v" = "EPERM skipped" ]
    out=$("$ISOLAB" run --security-opt no-new-privileges \
          --security-opt seccomp="$P/tiny-allowlist.json" -- /bin/sh -c 'echo started' 2>&1); rc=$?
    # The init forks the command before any filter is loaded (the console
    # step), so the command itself meets the filter: execve is allowed, and
    # the dynamic loader then dies on the mmap/openat it is denied, as under
    # runc. isolab says so in the model's words (exits.sh has the details).
    if asan_denied "$out"; then
        why="the ASan build's runtime needs sigaltstack, which this profile denies"
        skip "tiny-allowlist: isolab run fails (the loader dies after execve)" "$why"
        skip "tiny-allowlist: the error names the loader's denied calls" "$why"
    else
        check "tiny-allowlist: isolab run fails (got $rc)" [ "$rc" -ne 0 ]
        expect_contains "tiny-allowlist: the error names the loader's denied calls" "$out" \
            "the dynamic loader needs mmap"
    fi
    expect_not_contains "tiny-allowlist: no shell starts" "$out" started
    out=$("$ISOLAB" run --security-opt no-new-privileges \
          --security-opt seccomp="$P/docker-default.json" -- /bin/sh -c 'echo started' 2>&1)
    check "docker-default: a shell starts (output: ${out:0:80})" [ "$out" = started ]
else
    skip "lint findings in the kernel" "probes need root"
fi

# ---- isolab diff -------------------------------------------------------------------
if [ -r "$MOBY" ]; then
    for caps in docker all none docker,SYS_ADMIN docker,SYS_TIME; do
        out=$("$ISOLAB" diff "$P/docker-default.json" "$MOBY" --caps "$caps" 2>&1); rc=$?
        check "diff docker-default.json Docker's default.json --caps $caps: same, exit 0 (got $rc)" [ $rc -eq 0 ]
    done
else
    skip "diff against Docker's default.json" "not found at $MOBY"
fi
out=$("$ISOLAB" diff docker-default podman-default 2>&1); rc=$?
check "diff docker podman: differ, exit 1 (got $rc)" [ $rc -eq 1 ]
expect_contains "diff docker podman: unshare differs" "$out" "unshare "
expect_contains "diff docker podman: Podman allows unshare" "$out" "+ ALLOW"
out=$("$ISOLAB" diff docker-default docker-default 2>&1); rc=$?
check "diff a profile with itself: exit 0 (got $rc)" [ $rc -eq 0 ]
out=$("$ISOLAB" diff docker-default nosuch.json 2>&1); rc=$?
check "diff with a missing file: exit 2 (got $rc)" [ $rc -eq 2 ]

# ---- isolab explain -----------------------------------------------------------------
out=$("$ISOLAB" explain unshare 2>&1); rc=$?
check "explain unshare exits 0" [ $rc -eq 0 ]
expect_contains "explain unshare mentions CVE-2022-0185" "$out" "CVE-2022-0185"
expect_contains "explain unshare: the probe" "$out" "unshare-user"
out=$("$ISOLAB" explain CAP_SYS_ADMIN 2>&1)
expect_contains "explain CAP_SYS_ADMIN: Docker's profile unlocks setns with it" "$out" "setns"
out=$("$ISOLAB" explain notasyscall 2>&1); rc=$?
check "explain of an unknown name fails (got $rc)" [ $rc -ne 0 ]

# ---- presets through the probes -------------------------------------------------------
if ! need_root; then
    skip "presets through isolab probe" "probes create namespaces as root"
    exit 0
fi
PROBES=unshare-user,unshare-mnt,mount-tmpfs,keyctl,io-uring,clone3
verdicts() {
    "$ISOLAB" probe --preset "$1" --only "$PROBES" --json 2>&1 |
        jq -r '.probes[] | "\(.id)=\(.result)"' 2>/dev/null | tr '\n' ' '
}
expect_verdicts() {   # PRESET "id=result ..."
    local got want
    got=$(verdicts "$1")
    for want in $2; do
        case " $got " in
            *" $want "*) pass "preset $1: $want" ;;
            *) fail "preset $1: $want"; echo "#   got: $got" ;;
        esac
    done
}
expect_verdicts docker "unshare-user=EPERM unshare-mnt=EPERM mount-tmpfs=EPERM keyctl=EPERM io-uring=EPERM clone3=ENOSYS"
expect_verdicts kubernetes-runtimedefault "unshare-user=EPERM keyctl=EPERM clone3=ENOSYS"
# Podman lets unshare through seccomp; the user namespace needs no capability.
# With seccomp letting mount(2) through, the LSM answers first where it is
# AppArmor (EACCES, as under real Podman); elsewhere the missing CAP_SYS_ADMIN
# does (EPERM).
MNT=EPERM
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && [ -d /sys/kernel/security/apparmor ]; then MNT=EACCES; fi
expect_verdicts podman "unshare-user=allowed unshare-mnt=EPERM mount-tmpfs=$MNT keyctl=allowed clone3=allowed"
# No seccompProfile: Unconfined, but the capabilities still stop mounts.
expect_verdicts kubernetes-default "unshare-user=allowed unshare-mnt=EPERM io-uring=allowed keyctl=allowed clone3=allowed"
expect_verdicts docker-unconfined "unshare-user=allowed unshare-mnt=EPERM mount-tmpfs=$MNT clone3=allowed"
expect_verdicts unconfined "unshare-user=allowed unshare-mnt=allowed clone3=allowed"
# --privileged needs every capability the kernel knows in isolab's own
# bounding set; where the host has removed one, the engine cannot give it.
if "$ISOLAB" probe --privileged --only chroot >/dev/null 2>&1; then
    expect_verdicts docker-privileged "unshare-user=allowed unshare-mnt=allowed mount-tmpfs=allowed keyctl=allowed clone3=allowed"
else
    skip "preset docker-privileged" "isolab --privileged cannot start here: $("$ISOLAB" probe --privileged --only chroot 2>&1 | head -1)"
fi
exit $_t_failed
