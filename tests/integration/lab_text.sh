#!/usr/bin/env bash
# The lab commands' text. `isolab lab list` reads as a table: on every row
# the ID, TITLE, MIN and DONE columns start at the same character (an id
# longer than the others, a title with a UTF-8 dash, do not push a row out
# of line), both through a pipe and on a terminal 80 columns wide, where no
# row is wider than that. A lab of one step with one expectation reads in
# the singular ("1 step", "its one expectation holds"), and a probe blocked
# by seccomp, with caps also tried alone, reads "blocked by seccomp, not by
# caps alone" -- not "(tried alone: seccomp+caps)", which reads as if both
# blocked it.
source "$(dirname "$0")/../lib.sh"
TMP=$(mktemp -d /tmp/isolab-lablist-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export XDG_STATE_HOME=$TMP/state LANG=C.UTF-8

# The character offsets where each column starts, from the header's names.
aligned() {
    python3 - "$1" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = lines[0]
starts = [head.index(w) for w in ("ID", "TITLE", "MIN", "DONE")]
bad = 0
for l in lines[1:]:
    # ID and TITLE start where their header does; MIN ends where its header
    # ends (right-aligned); DONE starts where its header does
    ok = l[starts[0] - 1] == " " and l[starts[0]] != " " and l[starts[1] - 2:starts[1]] == "  " \
        and l[starts[1]] != " " and l[starts[3] - 2:starts[3]] == "  " and l[starts[3]].isdigit() \
        and l[starts[2] + 2].isdigit()
    if not ok:
        print("#   misaligned: %r" % l); bad = 1
print("#   widest row: %d characters" % max(len(l) for l in lines))
sys.exit(bad)
PY
}

"$ISOLAB" lab list >"$TMP/pipe.out" 2>&1
if ! command -v python3 >/dev/null; then
    skip "lab list: the columns line up (through a pipe)" "python3 is not installed (it measures the columns)"
elif aligned "$TMP/pipe.out"; then pass "lab list: the columns line up (through a pipe)"
else fail "lab list: the columns line up (through a pipe)"; sed 's/^/#   | /' "$TMP/pipe.out"; fi
n=$(tail -n +2 "$TMP/pipe.out" | wc -l)
[ "$n" -ge 9 ] && pass "lab list: $n labs" || fail "lab list: at least 9 labs (got $n)"

if ! command -v python3 >/dev/null; then
    skip "lab list: on an 80-column terminal" "python3 is not installed (it measures the columns)"
elif command -v script >/dev/null; then
    # a terminal 80 columns wide: script(1) gives the command a pty
    COLUMNS=80 script -qec "stty cols 80 rows 24; $ISOLAB lab list" /dev/null | tr -d '\r' >"$TMP/tty.out"
    if aligned "$TMP/tty.out" && [ "$(python3 -c 'import sys; print(max(len(l) for l in open(sys.argv[1], encoding="utf-8").read().splitlines()))' "$TMP/tty.out")" -le 80 ]; then
        pass "lab list: on an 80-column terminal the columns line up and fit"
    else fail "lab list: on an 80-column terminal"; sed 's/^/#   | /' "$TMP/tty.out"; fi
else
    skip "lab list: on an 80-column terminal" "script(1) is not installed"
fi

# one step, one expectation: a real check (root: it starts sandboxes)
cat > "$TMP/one.json" <<'JSON'
{"id": "textcheck", "order": 99, "title": "Wording", "goal": "One observe step with one expectation.",
 "minutes": 1,
 "steps": [{"kind": "observe", "title": "unshare under Docker's defaults", "text": "Run it.",
   "explain": "Seccomp.", "config": {"preset": "docker"},
   "expect": [{"probe": "unshare-user", "verdict": "blocked", "by": ["seccomp"], "not_by": ["caps"]}]}]}
JSON
out=$("$ISOLAB" lab validate "$TMP/one.json" 2>&1)
expect_contains "lab validate: one step, singular" "$out" '1 step (1 observe, 0 tasks, 0 quizzes)'
if need_root; then
    out=$("$ISOLAB" lab check "$TMP/one.json" --step 1 2>&1)
    expect_contains "lab check: one expectation, singular" "$out" "PASS: its one expectation holds"
    expect_contains "lab check: the layers tried alone that let it through are named as such" "$out" \
        "blocked by seccomp, not by caps alone"
    expect_not_contains "lab check: no 'tried alone: seccomp+caps'" "$out" "tried alone: seccomp+caps"
else
    skip "lab check: one expectation, singular" "the check starts sandboxes as root"
    skip "lab check: the layers tried alone" "the check starts sandboxes as root"
    skip "lab check: no 'tried alone'" "the check starts sandboxes as root"
fi
