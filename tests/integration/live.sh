#!/usr/bin/env bash
# The seccomp-notify supervisor against real sandboxes: the feed of
# `isolab run --trace` (the verdict, the rule, the decoded arguments, as the
# kernel then applied them), KILL, a nested listener's EBUSY, live policy
# from a watched file in one running shell, and isolab record.
source "$(dirname "$0")/../lib.sh"
plan 22
cd "$ROOT" || exit 1
T=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; [ -n "${SHPID:-}" ] && kill "$SHPID" 2>/dev/null; rm -rf "$T"' EXIT
DOCKER=$ROOT/profiles/seccomp/docker-default.json

# A probe run first: no notify support (kernel < 5.5), no sandbox.
if ! out=$("$ISOLAB" run --trace -- true 2>&1); then
    skip_all live "isolab run --trace cannot start here: $(printf '%s' "$out" | head -1)"
fi

# ---- the feed ------------------------------------------------------------------
out=$("$ISOLAB" run --trace --json -- unshare -U true 2>&1)
rc=$?
line=$(printf '%s\n' "$out" | grep '"syscall":"unshare"' | head -1)
check "unshare -U fails under docker-default (rc $rc)" [ "$rc" -ne 0 ]
expect_contains "feed: unshare with CLONE_NEWUSER" "$line" '"args":"CLONE_NEWUSER"'
expect_contains "feed: EPERM" "$line" '"verdict":"EPERM"'
want=$(grep -n '"names": \["unshare", "setns", "clone", "clone3"\]' "$DOCKER" | cut -d: -f1)
want=$((want - 2))   # the rule's opening brace
expect_contains "feed: the CAP_SYS_ADMIN rule's line ($want)" "$line" "\"line\":$want,"
expect_contains "feed: the capability condition" "$line" 'only with CAP_SYS_ADMIN, not held'

cat > "$T/deny.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
 "syscalls": [
  {"names": ["chmod", "fchmodat", "fchmodat2", "fchmod"], "action": "SCMP_ACT_ERRNO"},
  {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}
 ]}
J
out=$("$ISOLAB" run --trace --security-opt seccomp="$T/deny.json" -- \
      sh -c 'touch /tmp/f && chmod 600 /tmp/f; echo "chmod rc=$?"' 2>&1)
expect_contains "chmod is refused by the kernel" "$out" "chmod rc=1"
# coreutils' chmod calls fchmodat, busybox's (the VM) chmod: either, decoded
case $out in
*'fchmodat(AT_FDCWD, "/tmp/f", 0600) = EPERM'*|*'chmod("/tmp/f", 0600) = EPERM'*)
    pass "feed: fchmodat (or chmod) with the path and the mode" ;;
*) fail "feed: fchmodat (or chmod) with the path and the mode"; printf '%s\n' "$out" | sed 's/^/#   /' ;;
esac
expect_contains "feed: the deny rule's file:line" "$out" "[deny.json:3]"

out=$("$ISOLAB" run --trace --security-opt seccomp="$T/deny.json" -- mkdir /tmp/x 2>&1)
rc=$?
check "KILL_PROCESS: the process ends with SIGSYS (status $rc = 128+31)" [ "$rc" -eq 159 ]
expect_contains "feed: the KILL rule is reported" "$out" 'mkdir("/tmp/x", 0777) = KILL_PROCESS'

# A notifying tool inside the sandbox: the kernel allows one listener per
# process tree; the inner isolab's filter fails with EBUSY and the feed says why.
out=$("$ISOLAB" run --trace --security-opt no-new-privileges -- "$ISOLAB" run --no-namespaces \
      --no-cgroups --no-lsm --no-caps --security-opt no-new-privileges --trace -- true 2>&1)
expect_contains "nested: the inner filter fails with EBUSY" "$out" "Device or resource busy"
expect_contains "nested: the feed explains EBUSY" "$out" "second seccomp listener in this sandbox fails with EBUSY"

# ---- live policy: one shell, the watched file rewritten twice --------------------
jq '.syscalls = [{"names": ["unshare"], "action": "SCMP_ACT_ALLOW"}] + .syscalls' "$DOCKER" > "$T/allow.json"
cp "$DOCKER" "$T/live.json"
mkfifo "$T/in"
exec 3<>"$T/in"
"$ISOLAB" run --live --security-opt seccomp="$T/live.json" -- sh <"$T/in" >"$T/out" 2>"$T/err" &
SHPID=$!
# wait_for FILE TEXT [COUNT]: until FILE has COUNT lines with TEXT (the shell answered)
wait_for() {
    local i
    for ((i = 0; i < 600; i++)); do
        [ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "${3:-1}" ] && return 0
        kill -0 "$SHPID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
save() { cp "$1" "$T/new.json" && mv "$T/new.json" "$T/live.json"; }   # as editors do
echo 'echo "a pid=$$"; unshare -U true; echo "a rc=$?"' >&3
wait_for "$T/out" "a rc="
save "$T/allow.json"
wait_for "$T/err" "reloaded" 1
echo 'echo "b pid=$$"; unshare -U true; echo "b rc=$?"' >&3
wait_for "$T/out" "b rc="
save "$DOCKER"
wait_for "$T/err" "reloaded" 2
echo 'echo "c pid=$$"; unshare -U true; echo "c rc=$?"; exit' >&3
wait_for "$T/out" "c rc="
wait "$SHPID"
SHPID=
exec 3>&-
o=$(cat "$T/out")
check "live: denied at the start ($(grep 'a rc' "$T/out"))" grep -q "a rc=1" "$T/out"
check "live: allowed after the save ($(grep 'b rc' "$T/out"))" grep -q "b rc=0" "$T/out"
check "live: denied again after the next save ($(grep 'c rc' "$T/out"))" grep -q "c rc=1" "$T/out"
pids=$(printf '%s\n' "$o" | sed -n 's/^[abc] pid=//p' | sort -u | wc -l)
check "live: the same shell all along (one \$\$: $(printf '%s' "$o" | grep -o 'pid=[0-9]*' | tr '\n' ' '))" [ "$pids" -eq 1 ]

# ---- record --------------------------------------------------------------------
"$ISOLAB" record -o "$T/ls.json" -- ls / >/dev/null 2>"$T/rec.err"
check "record: wrote a profile ($(tail -1 "$T/rec.err"))" [ -s "$T/ls.json" ]
check "record: ls / under the recorded profile succeeds" \
    bash -c '"$1" run --security-opt seccomp="$2" -- ls / >/dev/null 2>&1' _ "$ISOLAB" "$T/ls.json"
check "record: unshare -U true under it fails" \
    bash -c '! "$1" run --security-opt seccomp="$2" -- unshare -U true 2>/dev/null' _ "$ISOLAB" "$T/ls.json"
lint=$("$ISOLAB" lint "$T/ls.json" 2>&1)
lint_errors=$(printf '%s\n' "$lint" | grep ': error: ')
# A static ls (busybox, in the VM) needs no mmap or pread64: its recorded
# profile runs it (checked above), and lint says only that a dynamically
# linked program would not start (a warning), no error.
if [ -z "$lint_errors" ]; then
    pass "record: isolab lint finds no error ($(printf '%s' "$lint" | tail -1))"
else
    fail "record: isolab lint finds no error"; printf '%s\n' "$lint" | sed 's/^/#   /'
fi
check "record: setup calls are apart, in the launcher's rule" \
    bash -c 'jq -e ".syscalls[1].comment | test(\"launcher\")" "$1" >/dev/null' _ "$T/ls.json"
d=$("$ISOLAB" diff "$DOCKER" "$T/ls.json" 2>&1 | tail -1)
check "record: isolab diff against docker-default shows the difference ($d)" \
    bash -c '[[ "$1" =~ ^[0-9]+\ syscalls\ decided\ differently ]]' _ "$d"
exit $_t_failed
