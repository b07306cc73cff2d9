#!/usr/bin/env bash
# One rule for every data file isolab reads (layers/readfile.c): a profile,
# lab, preset or progress file must be a regular file of at most 4 MiB. A
# FIFO hung open() forever under run, lint and lab check, and `lint
# /dev/zero` grew without end. Every command here runs under `timeout`, so a
# hang is a failure, not a stuck suite.
source "$(dirname "$0")/../lib.sh"
TMP=$(mktemp -d /tmp/isolab-datafiles.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export XDG_STATE_HOME=$TMP/state
mkfifo "$TMP/fifo"
T=20

# run ISOLAB ARGS... with a timeout; sets out and rc (124 = it hung)
t() { out=$(timeout -k 2 "$T" "$ISOLAB" "$@" 2>&1 </dev/null); rc=$?; }

refused() {   # NAME WHAT: rc is an error, not a hang or a success, and says WHAT
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then fail "$1 (hung: killed after ${T}s)"
    elif [ "$rc" -eq 0 ]; then fail "$1 (accepted, rc 0)"
    else expect_contains "$1" "$out" "$2"; fi
}

t lint "$TMP/fifo";     refused "lint FIFO: refused, not hung" "is a FIFO, not a regular file"
t lint /dev/zero;       refused "lint /dev/zero: refused, not read forever" "is a character device, not a regular file"
t lint "$TMP";          refused "lint a directory: refused" "is a directory, not a regular file"
t explain "$TMP/fifo" 2>/dev/null
[ "$rc" -ne 124 ] && pass "explain FIFO: does not hang" || fail "explain FIFO: does not hang"
t lab validate "$TMP/fifo"; refused "lab validate FIFO: refused" "is a FIFO, not a regular file"

# a 5 MiB profile: over the one limit for lint and run alike
{ printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[],"comment":"'
  head -c $((5 << 20)) /dev/zero | tr '\0' x; printf '"}'; } > "$TMP/big.json"
t lint "$TMP/big.json"; refused "lint: a 5 MiB profile is over the 4 MiB limit" "over the 4194304-byte (4 MiB) limit"
lint_out=$out

if need_root; then
    t run --security-opt seccomp="$TMP/fifo" -- true
    refused "run seccomp=FIFO: refused before the start, not hung" "is a FIFO, not a regular file"
    t run --security-opt seccomp=/dev/zero -- true
    refused "run seccomp=/dev/zero: refused" "is a character device"
    t run --security-opt seccomp="$TMP/big.json" -- true
    refused "run: a 5 MiB profile is refused with the same limit as lint" "over the 4194304-byte (4 MiB) limit"
    t lab check capabilities --step 2 --security-opt seccomp="$TMP/fifo"
    refused "lab check seccomp=FIFO: refused, not hung" "is a FIFO, not a regular file"
else
    skip "run/lab check with a FIFO profile" "sandboxes need root"
fi

# a lab that names a FIFO as its profile does not validate
cat > "$TMP/fifo-lab.json" <<JSON
{"id": "fifo", "title": "FIFO", "goal": "g", "minutes": 1,
 "steps": [{"kind": "observe", "title": "o", "text": "t",
            "config": {"flags": ["--security-opt", "seccomp=$TMP/fifo"]},
            "expect": [{"probe": "unshare-user", "verdict": "blocked"}]}]}
JSON
t lab validate "$TMP/fifo-lab.json"
refused "lab validate: a lab whose profile is a FIFO is refused" "is a FIFO, not a regular file"
expect_contains "lab validate: the error names the lab file and the field" "$out" "fifo-lab.json:3:33: steps[0].config.flags"

# progress.json as a FIFO: lab list does not hang, and says so
mkdir -p "$XDG_STATE_HOME/isolab"
rm -f "$XDG_STATE_HOME/isolab/progress.json"; mkfifo "$XDG_STATE_HOME/isolab/progress.json"
t lab list
[ "$rc" -ne 124 ] && pass "lab list with a FIFO as progress.json: does not hang" ||
    fail "lab list with a FIFO as progress.json: does not hang"
exit $_t_failed
