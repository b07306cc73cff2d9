#!/usr/bin/env bash
# Labs, checked for real. Every shipped lab validates; every observe step's
# expectations hold on this machine (SKIP with the reason where a step needs
# what the machine lacks: AppArmor, cgroup v2, a busy-free CPU); every task
# is solved the way a learner would -- layer flags, or a profile written to a
# temp dir -- and `isolab lab check` must FAIL before the change and PASS
# after; a quiz answered wrongly explains why; the instructor demo flags a
# mismatch loudly. The solutions here are written independently of the
# labs' own "solution" fields (the demo rehearsal checks those).
source "$(dirname "$0")/../lib.sh"
if ! need_root; then
    skip_all labs "the lab checks start sandboxes as root"
fi
command -v jq >/dev/null || skip_all labs "jq is not installed"
TMP=$(mktemp -d /tmp/isolab-labs-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export XDG_STATE_HOME=$TMP/state
LABS=$ROOT/labs

# -- every shipped lab validates -------------------------------------------
for f in "$LABS"/*.json; do
    out=$("$ISOLAB" lab validate "$f" 2>&1)
    if [ $? -eq 0 ]; then pass "validate $(basename "$f")"; else
        fail "validate $(basename "$f")"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
done
n=$("$ISOLAB" lab list | tail -n +2 | wc -l)
[ "$n" -ge 9 ] && pass "lab list shows the $n labs" || fail "lab list shows at least 9 labs (got $n)"

# -- an invalid file gets a clear error --------------------------------------
cat > "$TMP/bad.json" <<'JSON'
{
  "id": "bad",
  "title": "Bad",
  "goal": "g",
  "minutes": 5,
  "steps": [
    {"kind": "observe", "title": "o", "text": "t",
     "expect": [{"probe": "unshare-usr", "verdict": "blocked"}]}
  ]
}
JSON
out=$("$ISOLAB" lab validate "$TMP/bad.json" 2>&1); rc=$?
[ $rc -ne 0 ] && pass "validate: a bad lab fails" || fail "validate: a bad lab fails (rc $rc)"
expect_contains "validate: the error names file:line:col and the field" "$out" "bad.json:8:27: steps[0].expect[0].probe: unknown probe \"unshare-usr\""
expect_contains "validate: the hint names the fix" "$out" "did you mean \"unshare-user\""

# a need isolab cannot test for is refused, naming the ones it can
sed 's/"kind": "observe", "title": "o"/"kind": "observe", "needs": ["syscall:nosuch"], "title": "o"/;
     s/"unshare-usr"/"unshare-user"/' "$TMP/bad.json" > "$TMP/badneed.json"
out=$("$ISOLAB" lab validate "$TMP/badneed.json" 2>&1); rc=$?
[ $rc -ne 0 ] && pass "validate: an unknown syscall need fails" || fail "validate: an unknown syscall need fails (rc $rc)"
expect_contains "validate: the need's error names the field and what can be tested" "$out" \
    "steps[0].needs[0]: isolab cannot tell whether the kernel has \"nosuch\" (it can for: fchmodat2"

# lab_check LAB STEP ARGS...: sets $out and $rc
lab_check() {
    local lab=$1 step=$2; shift 2
    out=$("$ISOLAB" lab check "$lab" --step "$step" "$@" 2>&1); rc=$?
}
show_out() { printf '%s\n' "$out" | tail -12 | sed 's/^/#   /'; }
skip_reason() { printf '%s\n' "$out" | grep '^SKIP: ' | sed 's/^SKIP: //'; }

# -- every observe step holds here -------------------------------------------
# One jq for all the labs: "id<TAB>step<TAB>title" per observe step (read
# from fd 3, so that nothing the checks run can eat the list).
while IFS=$'\t' read -r id step title <&3; do
    lab_check "$id" "$step"
    case $rc in
        0) pass "observe $id/$step: $title" ;;
        3) skip "observe $id/$step: $title" "$(skip_reason)" ;;
        *) if asan_denied "$out"; then skip "observe $id/$step: $title" \
               "the ASan build's runtime needs sigaltstack, which the step's profile denies"
           else fail "observe $id/$step: $title (rc $rc)"; show_out; fi ;;
    esac
done 3< <(jq -r '.id as $id | .steps | to_entries[] | select(.value.kind == "observe")
                 | [$id, .key + 1, .value.title] | @tsv' "$LABS"/*.json)

# -- every task of every lab fails where it starts ---------------------------
# A task that passes before the learner did anything teaches nothing (issue
# 14: lab 2 step 2 passed in the TUI with the broken profile in place). The
# TUI's side of this is tests/tui/tui_lab_walk.sh.
while IFS=$'\t' read -r id step title <&3; do
    "$ISOLAB" lab reset "$id" >/dev/null
    lab_check "$id" "$step" --from-start
    case $rc in
        1) pass "task $id/$step fails in its starting configuration ($title)" ;;
        3) skip "task $id/$step in its starting configuration" "$(skip_reason)" ;;
        *) fail "task $id/$step fails in its starting configuration (rc $rc)"; show_out ;;
    esac
done 3< <(jq -r '.id as $id | .steps | to_entries[] | select(.value.kind == "task")
                 | [$id, .key + 1, .value.title] | @tsv' "$LABS"/*.json)

# -- tasks: fail before the learner's change, pass after ---------------------
# task LAB STEP WHAT -- FLAGS...: a fresh start, the check with no change
# must fail, the same check with the learner's flags must pass.
task() {
    local lab=$1 step=$2 what=$3; shift 4
    "$ISOLAB" lab reset "$lab" >/dev/null
    lab_check "$lab" "$step" --from-start
    case $rc in
        1) pass "task $lab/$step fails before the change" ;;
        3) skip "task $lab/$step: $what" "$(skip_reason)"; return ;;
        *) fail "task $lab/$step fails before the change (rc $rc)"; show_out ;;
    esac
    lab_check "$lab" "$step" "$@"
    case $rc in
        0) pass "task $lab/$step passes after: $what" ;;
        3) skip "task $lab/$step: $what" "$(skip_reason)" ;;
        *) fail "task $lab/$step passes after: $what (rc $rc)"; show_out ;;
    esac
}
# A wrong attempt stays red, with the reason.
attempt_fails() {
    local lab=$1 step=$2 what=$3 needle=$4; shift 5
    lab_check "$lab" "$step" --from-start "$@"
    if [ $rc -eq 3 ]; then      # the step needs what this machine lacks
        skip "task $lab/$step: $what is not enough" "$(skip_reason)"
        [ -n "$needle" ] && skip "task $lab/$step: the reason says why ($what)" "$(skip_reason)"
        return
    fi
    if [ $rc -eq 1 ]; then pass "task $lab/$step: $what is not enough"; else
        fail "task $lab/$step: $what is not enough (rc $rc)"; show_out; fi
    [ -n "$needle" ] && expect_contains "task $lab/$step: the reason says why ($what)" "$out" "$needle"
}

task seccomp 5 "switch the seccomp layer back on" -- --seccomp
# The learner's configuration is kept: the next check without flags still passes.
lab_check seccomp 5
[ $rc -eq 0 ] && pass "task seccomp/5: the saved current configuration still passes" ||
    { fail "task seccomp/5: the saved current configuration still passes (rc $rc)"; show_out; }
expect_contains "task seccomp/5: says what it checked" "$out" "your current configuration for this step"

# seccomp-profiles/2: the learner copies the broken profile and fixes it.
cp "$ROOT/profiles/seccomp/no-uring-broken.json" "$TMP/mine.json"
attempt_fails seccomp-profiles 2 "the unfixed copy" "syscalls[0]: the bare string" -- --security-opt "seccomp=$TMP/mine.json"
cat > "$TMP/mine.json" <<'JSON'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    {"names": ["io_uring_setup", "io_uring_enter", "io_uring_register"], "action": "SCMP_ACT_ERRNO"}
  ]
}
JSON
task seccomp-profiles 2 "a fixed profile that denies io_uring" -- --security-opt "seccomp=$TMP/mine.json"

cp "$ROOT/profiles/seccomp/no-chmod-forgot-fchmodat2.json" "$TMP/chmod.json"
attempt_fails seccomp-profiles 4 "denying chmod, fchmod, fchmodat" "fchmodat2" -- --security-opt "seccomp=$TMP/chmod.json"
# The step needs fchmodat2 (Linux 6.6): it is skipped exactly where the probe
# finds no such syscall, and says why.
v=$("$ISOLAB" probe --security-opt seccomp=unconfined --only fchmodat2 --json | jq -r '.probes[0].result')
lab_check seccomp-profiles 4 --from-start
if [ "$v" = skipped ]; then
    [ $rc -eq 3 ] && pass "seccomp-profiles/4: skipped on a kernel without fchmodat2" ||
        { fail "seccomp-profiles/4: skipped on a kernel without fchmodat2 (rc $rc)"; show_out; }
    expect_contains "seccomp-profiles/4: the skip names the syscall and the kernel" "$out" \
        "needs the fchmodat2 syscall (Linux 6.6); this kernel ($(uname -r)) answers ENOSYS"
else
    [ $rc -ne 3 ] && pass "seccomp-profiles/4: runs where the kernel has fchmodat2 ($v)" ||
        { fail "seccomp-profiles/4: runs where the kernel has fchmodat2 ($v; rc $rc)"; show_out; }
fi
jq '.syscalls[0].names += ["fchmodat2"]' "$ROOT/profiles/seccomp/no-chmod-forgot-fchmodat2.json" > "$TMP/chmod.json"
task seccomp-profiles 4 "fchmodat2 added to the rule" -- --security-opt "seccomp=$TMP/chmod.json"

attempt_fails capabilities 2 "--privileged" "capabilities" -- --privileged
task capabilities 2 "--cap-add SYS_TIME" -- --cap-add SYS_TIME
attempt_fails capabilities 3 "CHOWN alone" "bind-80" -- --cap-drop ALL --cap-add CHOWN
task capabilities 3 "drop all, add NET_BIND_SERVICE and CHOWN" -- --cap-drop ALL --cap-add NET_BIND_SERVICE --cap-add CHOWN

task namespaces 2 "--no-ns pid" -- --no-ns pid
task namespaces 3 "--no-ns uts" -- --no-ns uts
task namespaces 4 "--no-ns net" -- --no-ns net
task namespaces 5 "--no-ns mnt" -- --no-ns mnt
task namespaces 6 "--no-ns ipc" -- --no-ns ipc
task namespaces 7 "--ns user" -- --ns user

task cgroups 2 "--pids-limit 10" -- --pids-limit 10
task cgroups 3 "--memory 64m" -- --memory 64m

task mac 5 "apparmor=isolab-readonly-root" -- --security-opt apparmor=isolab-readonly-root

attempt_fails kubernetes 3 "--privileged" "" -- --privileged
task kubernetes 3 "switch seccomp on" -- --seccomp

cat > "$TMP/arch.json" <<'JSON'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [
    {"names": ["chmod", "fchmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}
  ]
}
JSON
if [ "$(uname -m)" = x86_64 ]; then
    task architectures 5 "x86 and x32 listed in architectures" -- --security-opt "seccomp=$TMP/arch.json"
else
    skip "task architectures/5" "the lab's profile is for x86_64 hosts (this is $(uname -m))"
fi

attempt_fails capstone 2 "Docker's defaults without limits" "fork-200" -- --preset docker
task capstone 2 "Docker's defaults with pids and memory limits" -- --preset docker --pids-limit 100 --memory 128m

# -- quizzes: a wrong answer explains why -----------------------------------
# "id<TAB>step<TAB>answer<TAB>a wrong choice<TAB>the first 40 characters of its reason"
while IFS=$'\t' read -r id step answer wrong why <&3; do
    lab_check "$id" "$step" --answer "$wrong"
    if [ $rc -eq 1 ] && printf '%s' "$out" | tr '\n' ' ' | grep -qF -- "$why"; then
        pass "quiz $id/$step: a wrong answer fails and explains why"
    else fail "quiz $id/$step: a wrong answer fails and explains why (rc $rc)"; show_out; fi
    lab_check "$id" "$step" --answer "$answer"
    [ $rc -eq 0 ] && pass "quiz $id/$step: the right answer passes" ||
        { fail "quiz $id/$step: the right answer passes (rc $rc)"; show_out; }
done 3< <(jq -r '.id as $id | .steps | to_entries[] | select(.value.kind == "quiz")
                 | .value.answer as $a | (if $a == 1 then 2 else 1 end) as $w
                 | [$id, .key + 1, $a, $w, (.value.why_wrong[$w - 1] // "")[0:40]] | @tsv' "$LABS"/*.json)

# -- the whole lab, for grading scripts ---------------------------------------
"$ISOLAB" lab reset --all >/dev/null
for s in 1 2 4; do "$ISOLAB" lab check seccomp --step $s >/dev/null; done
out=$("$ISOLAB" lab check seccomp 2>&1); rc=$?
[ $rc -eq 1 ] && pass "lab check seccomp fails while a task and quizzes are open" ||
    { fail "lab check seccomp fails while a task and quizzes are open (rc $rc)"; show_out; }
"$ISOLAB" lab check seccomp --step 5 --seccomp >/dev/null
for s in 3 6; do
    "$ISOLAB" lab check seccomp --step $s --answer "$(jq ".steps[$((s - 1))].answer" "$LABS/01-seccomp.json")" >/dev/null
done
json=$("$ISOLAB" lab check seccomp --json 2>&1); rc=$?
res=$(printf '%s' "$json" | jq -r .result 2>/dev/null)
[ $rc -eq 0 ] && [ "$res" = pass ] && pass "lab check seccomp --json passes once every step is done" ||
    { fail "lab check seccomp --json passes once every step is done (rc $rc, result $res)"; printf '%s\n' "$json" | head -5 | sed 's/^/#   /'; }
expect_contains "lab list shows the finished lab" "$("$ISOLAB" lab list)" "6/6 ✓"
"$ISOLAB" lab reset --all >/dev/null
expect_contains "lab reset forgets progress" "$("$ISOLAB" lab list)" "0/6"

# -- the instructor demo ---------------------------------------------------------
# every lab's rehearsal: no surprise (an observe step that does not hold, a
# task that passes at its start or not with its solution)
for f in "$LABS"/*.json; do
    id=$(jq -r .id "$f")
    out=$("$ISOLAB" demo "$id" --check </dev/null 2>&1); rc=$?
    if [ $rc -ne 0 ] && asan_denied "$out"; then
        skip "demo $id --check: no surprises" "a step's profile denies sigaltstack, which the ASan build's runtime needs"
    elif [ $rc -eq 0 ]; then pass "demo $id --check: no surprises"
    else fail "demo $id --check: no surprises (rc $rc)"; printf '%s\n' "$out" | grep -A3 MISMATCH | sed 's/^/#   /'; fi
done
out=$("$ISOLAB" demo seccomp --check </dev/null 2>&1); rc=$?
[ $rc -eq 0 ] && pass "demo seccomp: no surprises" || { fail "demo seccomp: no surprises (rc $rc)"; show_out; }
expect_contains "demo shows expected beside real" "$out" "EXPECTED"
cat > "$TMP/surprise.json" <<'JSON'
{
  "id": "surprise",
  "title": "A lab with a wrong expectation",
  "goal": "g",
  "minutes": 1,
  "steps": [
    {"kind": "observe", "title": "wrong on purpose", "text": "t", "notes": "say this",
     "expect": [{"probe": "unshare-user", "verdict": "allowed"}]}
  ]
}
JSON
out=$("$ISOLAB" demo "$TMP/surprise.json" --check </dev/null 2>&1); rc=$?
[ $rc -eq 1 ] && pass "demo: a mismatch makes the rehearsal fail" || fail "demo: a mismatch makes the rehearsal fail (rc $rc)"
expect_contains "demo: a mismatch is flagged loudly" "$out" "MISMATCH: the real result differs"
expect_contains "demo: presenter notes are shown" "$out" "say this"

# -- a saved configuration (the TUI's current.json) can be checked as is ----------
"$ISOLAB" lab reset --all >/dev/null
"$ISOLAB" lab check capabilities --step 2 --cap-add SYS_TIME >/dev/null
cp "$XDG_STATE_HOME/isolab/current.json" "$TMP/saved.json"
"$ISOLAB" lab reset --all >/dev/null
lab_check capabilities 2 --config "$TMP/saved.json"
[ $rc -eq 0 ] && pass "lab check --config: the saved configuration passes" ||
    { fail "lab check --config: the saved configuration passes (rc $rc)"; show_out; }
lab_check capabilities 2 --from-start
[ $rc -eq 1 ] && pass "lab check: after reset the task starts over" ||
    { fail "lab check: after reset the task starts over (rc $rc)"; show_out; }
