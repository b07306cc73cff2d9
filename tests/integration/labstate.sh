#!/usr/bin/env bash
# A learner's progress is never lost in silence (issue 15): a corrupt
# progress.json is kept aside with a warning, a save that fails fails the
# command, `lab reset` forgets one lab at a time. A quiz step is used: it
# needs no sandbox, so most of this runs without root.
source "$(dirname "$0")/../lib.sh"
command -v jq >/dev/null || { skip labstate "jq is not installed"; exit 0; }
TMP=$(mktemp -d /tmp/isolab-labstate.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export XDG_STATE_HOME=$TMP/state
S=$XDG_STATE_HOME/isolab
# the first quiz of the shipped labs: "LAB<TAB>N<TAB>ANSWER" (both 1-based)
IFS=$'\t' read -r LAB STEP ANS < <(jq -r '.id as $i | .steps | to_entries[] |
    select(.value.kind == "quiz") | "\($i)\t\(.key + 1)\t\(.value.answer)"' \
    "$ROOT"/labs/*.json | head -1)
NUM=$("$ISOLAB" lab list | awk -v id="$LAB" '$2 == id {print $1}')
quiz() { out=$("$ISOLAB" lab check "$LAB" --step "$STEP" --answer "$ANS" 2>&1); rc=$?; }
done_of() { "$ISOLAB" lab list 2>/dev/null | awk -v id="$1" '$2 == id {print $NF == "✓" ? $(NF-1) : $NF}'; }

quiz
[ $rc -eq 0 ] && pass "a right quiz answer passes" || fail "a right quiz answer passes (rc $rc: $out)"
before=$(done_of "$LAB")
[ "${before%%/*}" -ge 1 ] && pass "lab list counts the saved answer ($before)" || fail "lab list counts the saved answer ($before)"

# -- a corrupt file: a warning, kept aside, not 0/N in silence ------------------
printf '{"labs": {"%s": {"passed": [0' "$LAB" > "$S/progress.json"
out=$("$ISOLAB" lab list 2>&1); rc=$?
[ $rc -ne 0 ] && pass "lab list with a corrupt progress.json exits non-zero" ||
    fail "lab list with a corrupt progress.json exits non-zero (rc $rc)"
expect_contains "lab list says the file was not valid and where it went" "$out" "was not valid progress"
expect_contains "lab list names the file kept aside" "$out" "progress.json.corrupt-"
kept=$(ls "$S"/progress.json.corrupt-* 2>/dev/null | head -1)
[ -n "$kept" ] && [ "$(cat "$kept")" = "{\"labs\": {\"$LAB\": {\"passed\": [0" ] &&
    pass "the corrupt file is kept as it was" || fail "the corrupt file is kept as it was ($kept)"
out=$("$ISOLAB" lab list 2>&1); rc=$?
[ $rc -eq 0 ] && pass "after that, lab list is quiet again" || fail "after that, lab list is quiet again (rc $rc)"
rm -f "$S"/progress.json.corrupt-*

# -- a top-level [] : the answer is not "Right." and lost ------------------------------
echo '[]' > "$S/progress.json"
quiz
[ $rc -ne 0 ] && pass "quiz over a [] progress file: not a silent success" ||
    fail "quiz over a [] progress file: not a silent success (rc 0: $out)"
expect_contains "quiz over a [] progress file: the warning names the kept file" "$out" "progress.json.corrupt-"
quiz
[ $rc -eq 0 ] && [ "$(jq -c ".labs[\"$LAB\"].passed" "$S/progress.json")" = "[$((STEP - 1))]" ] &&
    pass "the next answer is saved in a fresh file" || fail "the next answer is saved in a fresh file (rc $rc)"

# -- reset: one lab at a time, by id or number; everything only with --all -----
other=$(jq -r .id "$ROOT"/labs/*.json | grep -vx "$LAB" | head -1)
jq ".labs[\"$other\"] = {\"step\": 0, \"passed\": [0]}" "$S/progress.json" > "$TMP/p" && mv "$TMP/p" "$S/progress.json"
out=$("$ISOLAB" lab reset 2>&1); rc=$?
[ $rc -eq 2 ] && pass "bare lab reset refuses" || fail "bare lab reset refuses (rc $rc)"
expect_contains "bare lab reset says how" "$out" "--all"
[ "$(jq -c ".labs[\"$LAB\"].passed" "$S/progress.json")" != null ] && pass "bare lab reset kept the progress" ||
    fail "bare lab reset kept the progress"
out=$("$ISOLAB" lab reset "$NUM" 2>&1); rc=$?
[ $rc -eq 0 ] && pass "lab reset $NUM (a number from lab list) works" || fail "lab reset $NUM works (rc $rc: $out)"
[ "$(jq -c ".labs[\"$LAB\"]" "$S/progress.json")" = null ] && pass "lab reset N forgets that lab" ||
    fail "lab reset N forgets that lab"
[ "$(jq -c ".labs[\"$other\"].passed" "$S/progress.json")" = "[0]" ] && pass "lab reset N keeps the other labs" ||
    fail "lab reset N keeps the other labs"
out=$("$ISOLAB" lab reset no-such-lab 2>&1); rc=$?
[ $rc -eq 2 ] && pass "lab reset of an unknown lab refuses" || fail "lab reset of an unknown lab refuses (rc $rc)"
"$ISOLAB" lab reset --all >/dev/null && [ ! -e "$S/progress.json" ] && pass "lab reset --all forgets every lab" ||
    fail "lab reset --all forgets every lab"

# -- a save that fails fails the command ---------------------------------------------
if need_root && command -v unshare >/dev/null; then
    # read-only: the state dir bind-mounted read-only in a private mount namespace
    mkdir -p "$S"
    out=$(unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
          exec "$2" lab check "$3" --step "$4" --answer "$5"' sh "$S" "$ISOLAB" "$LAB" "$STEP" "$ANS" 2>&1); rc=$?
    [ $rc -ne 0 ] && pass "read-only state dir: the quiz exits non-zero" ||
        fail "read-only state dir: the quiz exits non-zero (rc 0)"
    expect_contains "read-only state dir: says nothing was saved" "$out" "nothing was saved"
    # full: a 64 KiB tmpfs, filled up
    out=$(unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" && mkdir -p "$1/isolab" &&
          { dd if=/dev/zero of="$1/fill" bs=4096 count=256 2>/dev/null; true; } &&
          exec "$2" lab check "$3" --step "$4" --answer "$5"' sh "$XDG_STATE_HOME" "$ISOLAB" "$LAB" "$STEP" "$ANS" 2>&1); rc=$?
    [ $rc -ne 0 ] && pass "full disk (ENOSPC): the quiz exits non-zero" ||
        fail "full disk (ENOSPC): the quiz exits non-zero (rc 0)"
    expect_contains "full disk: the message says the disk is full" "$out" "No space left on device"
else
    skip "a failed save fails the command" "the read-only and full state dirs are mounts (root, unshare)"
fi
exit $_t_failed
