#!/usr/bin/env bash
# Editing the seccomp profile: $EDITOR (an invalid save shows file:line and
# offers a re-edit, keeping the learner's text and the last valid profile in
# force), shipped profiles edited as a copy, and the in-TUI syscall list
# (search, change the action, an errno, save atomically with a .bak).
. "$(dirname "$0")/lib/tmux.sh"
plan 26
tm_need tui_edit
command -v jq >/dev/null || skip_all tui_edit "jq is not installed"

shipped="$ROOT/profiles/seccomp/docker-default.json"
jq '.syscalls |= map(if .names then .names -= ["chmod","fchmod","fchmodat","fchmodat2"] else . end)
    | .syscalls |= map(select((.names // [.name]) | length > 0))' "$shipped" > "$TM_DIR/deny.json"
# The "editor": first save is invalid, later saves deny chmod.
cat > "$TM_DIR/ed.sh" <<'SH'
#!/bin/sh
dir=$(dirname "$0")
n=$(cat "$dir/count" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$dir/count"
if [ "$n" = 1 ]; then
    printf '{\n    "defaultAction": "SCMP_ACT_ERRNO",\n    "syscalls": [\n        "chmod"\n    ]\n}\n' > "$1"
else
    cat "$dir/deny.json" > "$1"
fi
SH
chmod +x "$TM_DIR/ed.sh"

prof="$TM_DIR/lab.json"
cp "$shipped" "$prof"
tm_start 80 24
tm_isolab EDITOR="$TM_DIR/ed.sh" -- --preset docker --security-opt "seccomp=$prof"
tm_wait "chmod" >/dev/null
tm_wait_probes
tm_expect_row "edit: chmod allowed under docker" chmod 'ALLOWED'

tm send-keys -t t:0 e
tm_expect "edit: an invalid save opens the error box" "The profile is not valid"
tm_expect_re "edit: the error names file:line:col" 'lab\.json:4:[0-9]+'
tm_expect "edit: and offers to edit again" "e: edit again"
if jq -e '.syscalls[0] == "chmod"' "$prof" >/dev/null 2>&1; then
    pass "edit: the learner's (invalid) text is kept in the file"
else fail "edit: the learner's (invalid) text is kept in the file"; fi
# Esc keeps the text as it is and closes the box (which may cover the row
# at 80x24); the matrix shows the last valid profile still in force.
tm send-keys -t t:0 Escape
tm_expect_row "edit: the last valid profile stays in force" chmod 'ALLOWED'

tm send-keys -t t:0 e
tm_wait_gone "The profile is not valid" >/dev/null
tm_expect_row "edit: the re-edit takes effect: chmod EPERM <- was ALLOWED" chmod 'EPERM +<- was ALLOWED +seccomp'
tm send-keys -t t:0 q
tm_wait_exit || fail "edit: q quits"
tm_wait 'tuitest$' >/dev/null

# A shipped profile is edited as a copy under $XDG_STATE_HOME/isolab/.
sum_before=$(sha256sum "$shipped" | cut -d' ' -f1)
tm send-keys -t t:0 'clear' Enter
tm_isolab EDITOR="$TM_DIR/ed.sh" -- --preset docker
tm_wait "chmod" >/dev/null
tm_wait_probes
tm send-keys -t t:0 e
tm_expect_row "edit: editing the shipped profile works" chmod 'EPERM +<- was ALLOWED'
copy="$TM_DIR/state/isolab/docker-default.json"
if [ -f "$copy" ] && ! jq -e '.syscalls[].names // [] | index("chmod")' "$copy" | grep -qv null; then
    pass "edit: the change went to a copy in XDG_STATE_HOME"
else fail "edit: the change went to a copy in XDG_STATE_HOME"; ls -R "$TM_DIR/state" | sed 's/^/#   /'; fi
check "edit: the shipped profile is unchanged" [ "$(sha256sum "$shipped" | cut -d' ' -f1)" = "$sum_before" ]

# The syscall list: unshare -> ALLOW, save; then ERRNO ENOSYS, save.
tm send-keys -t t:0 c
tm_expect "syscalls: c opens the list" "syscalls: docker-default.json"
tm send-keys -t t:0 / unshare Enter
tm_expect_re "syscalls: / finds unshare" '>unshare +ERRNO\(EPERM\)'
tm_expect "syscalls: the rule's conditions are shown" "includes caps: CAP_SYS_ADMIN"
tm send-keys -t t:0 a
tm_expect_re "syscalls: a sets ALLOW" '>unshare +ALLOW'
tm_expect "syscalls: the list is marked modified" "[modified: w saves]"
tm send-keys -t t:0 w
tm_expect "syscalls: w saves" "previous version in"
if jq -e '.defaultAction' "$copy" >/dev/null && [ -f "$copy.bak" ] && jq -e . "$copy.bak" >/dev/null \
    && jq -e '.syscalls[0].names == ["unshare"] and .syscalls[0].action == "SCMP_ACT_ALLOW"' "$copy" >/dev/null; then
    pass "syscalls: the saved file is valid JSON with the rule, the previous version in .bak"
else fail "syscalls: the saved file is valid JSON with the rule, the previous version in .bak"; fi
ls "$(dirname "$copy")" | grep -q 'tmp' && fail "syscalls: a temporary file was left behind" \
    || pass "syscalls: no temporary file left behind"
tm send-keys -t t:0 Escape
tm_expect_row "syscalls: unshare-user ALLOWED <- was EPERM" unshare-user 'ALLOWED +<- was EPERM'

tm send-keys -t t:0 c
tm_wait "syscalls: docker-default.json" >/dev/null
tm send-keys -t t:0 / unshare Enter x
tm_expect "syscalls: x asks for the errno" "unshare: return which errno?"
tm send-keys -t t:0 ENOSYS Enter
tm_expect_re "syscalls: ERRNO(ENOSYS) set" '>unshare +ERRNO\(ENOSYS\)'
tm send-keys -t t:0 q
tm_expect "syscalls: leaving with changes asks to save" "save the changed profile?"
tm send-keys -t t:0 y
tm_expect_row "syscalls: unshare-user ENOSYS <- was ALLOWED" unshare-user 'ENOSYS +<- was ALLOWED'
jq -e '.syscalls[0].errnoRet == 38' "$copy" >/dev/null && pass "syscalls: errnoRet 38 saved" \
    || fail "syscalls: errnoRet 38 saved"

tm send-keys -t t:0 q
tm_wait_exit || fail "edit: q quits"
tm_wait 'tuitest$' >/dev/null
tm_terminal_sane "edit: after the editor runs"
