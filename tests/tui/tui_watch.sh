#!/usr/bin/env bash
# Watch mode: the profile given with --security-opt seccomp=FILE is watched.
# The test writes the file from outside (it never presses a key for this):
# a profile that denies chmod flips the chmod row; an invalid one shows the
# error with its line and keeps the previous verdicts.
. "$(dirname "$0")/lib/tmux.sh"
plan 8
tm_need tui_watch
command -v jq >/dev/null || skip_all tui_watch "jq is not installed"

prof="$TM_DIR/lab.json"
cp "$ROOT/profiles/seccomp/docker-default.json" "$prof"
tm_start 80 24
tm_isolab -- --preset docker --security-opt "seccomp=$prof"
tm_expect "watch: the layer line names the watched file" "lab.json"
tm_wait_probes
tm_expect_row "watch: chmod allowed under docker" chmod 'ALLOWED'

# chmod and friends taken out of the allow list: the default action (EPERM)
# applies. Written in place, as many editors save.
jq '.syscalls |= map(if .names then .names -= ["chmod","fchmod","fchmodat","fchmodat2"] else . end)
    | .syscalls |= map(select((.names // [.name]) | length > 0))' \
    "$ROOT/profiles/seccomp/docker-default.json" > "$TM_DIR/deny.json"
cat "$TM_DIR/deny.json" > "$prof"
tm_expect_row "watch: saving a profile that denies chmod flips the row" chmod 'EPERM +<- was ALLOWED +seccomp'

# invalid: a syscalls list of bare strings, saved by rename (tmp + mv)
cat > "$TM_DIR/bad.json" <<'JSON'
{
    "defaultAction": "SCMP_ACT_ERRNO",
    "syscalls": [
        "chmod"
    ]
}
JSON
mv "$TM_DIR/bad.json" "$prof"
tm_expect_re "watch: an invalid profile shows file:line" 'lab\.json:[0-9]+'
tm_expect "watch: and says the last valid one stays in force" "stays in force"
row=$(tm_row chmod)
expect_contains "watch: chmod keeps its previous verdict" "$row" "EPERM"
expect_not_contains "watch: no probe run for the invalid profile" "$(tm_screen)" "running probes"

# valid again: the original profile
cp "$ROOT/profiles/seccomp/docker-default.json" "$TM_DIR/orig.json"
mv "$TM_DIR/orig.json" "$prof"
tm_expect_row "watch: the original profile flips chmod back" chmod 'ALLOWED +<- was EPERM'

tm send-keys -t t:0 q
tm_wait_exit || fail "watch: q quits"
