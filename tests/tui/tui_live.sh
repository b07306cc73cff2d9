#!/usr/bin/env bash
# Live policy from the TUI (issue 11, DESIGN.md "The live shell"): the
# pane's shell runs in live mode; an edit in the syscall list, then a save
# of the watched profile by another process, flip `unshare -U true` in the
# same shell (the same $$), both ways. The fixed syscalls are shown as such
# and a live deny of one is refused with the reason. The feed beside the
# shell: the denied unshare with its rule, the filter and pause keys, Enter
# opens the rule in the syscall list; the layout at 120x40 and 80x24.
. "$(dirname "$0")/lib/tmux.sh"
plan 35
tm_need tui_live
command -v jq >/dev/null || skip_all tui_live "jq is not installed"
DOCKER=$ROOT/profiles/seccomp/docker-default.json
prof=$TM_DIR/live.json
cp "$DOCKER" "$prof"
jq '.syscalls = [{"names": ["unshare"], "action": "SCMP_ACT_ALLOW"}] + .syscalls' "$DOCKER" \
    > "$TM_DIR/allow.json"
save() { cp "$1" "$TM_DIR/new.json" && mv "$TM_DIR/new.json" "$prof"; }   # as editors do

# try KEY: run unshare -U true in the pane, wait for the shell's line
# "KEY=rc pid=$$-$ID", print "rc $$-$ID". ID is set once in the first shell
# (its start time): a new shell, even with the same $$, says "new".
try() {
    tm send-keys -t t:0 "clear; unshare -U true; echo \"$1=\$? pid=\$\$-\${ID:-new}\"" Enter
    local s
    s=$(tm_wait_re "$1=[0-9]+ pid=[0-9]+-[0-9a-z]+") || { echo "none"; return; }
    printf '%s\n' "$s" | grep -oE "$1=[0-9]+ pid=[0-9]+-[0-9a-z]+" | tail -1 |
        sed "s/^$1=//; s/ pid=/ /"
}
prompt_wait() { tm_wait "(isolab)" >/dev/null; }

tm_start 120 40
tm_isolab -- --preset docker --security-opt "seccomp=$prof"
tm_wait "unshare-user" >/dev/null
tm_wait_probes
tm send-keys -t t:0 s
prompt_wait
tm send-keys -t t:0 'ID=$(cut -d" " -f22 /proc/$$/stat)' Enter
tm_expect "live: the pane's title says the shell is live" "docker: seccomp live.json live | lsm"
s=$(tm_screen)
expect_contains "layout 120x40: the feed is shown beside the shell" "$s" " Feed [v focus] "
expect_contains "layout 120x40: the layers stay visible" "$s" "[x] seccomp"
expect_contains "layout 120x40: the matrix stays visible" "$s" "unshare-user"

# ---- the syscall list ----------------------------------------------------------
read -r rc0 pid0 <<<"$(try a)"
check "list: unshare -U true fails at first (rc $rc0, shell $pid0)" [ "$rc0" = 1 ]
case $pid0 in *-new|"") fail "list: the shell's start time is known ($pid0)" ;;
*) pass "list: the shell's start time is known ($pid0)" ;; esac
tm_expect_re "feed: the denied unshare with its flags and EPERM" \
    '[0-9:]{8} [0-9]+ unshare unshare\(CLONE_NEWUSER\) = EPERM'
tm_expect_re "feed: the rule that decided and its capability condition" \
    '<- defaultAction: live\.json:[0-9]+ allows unshare only with'
tm_expect "feed: the condition, not held" "CAP_SYS_ADMIN, not held"
tm send-keys -t t:0 F12 c
tm_wait "syscalls: live.json" >/dev/null
tm send-keys -t t:0 / unshare Enter
tm_wait ">unshare" >/dev/null
tm send-keys -t t:0 a
tm_expect "list: a allows unshare, in force in the running shell" "in force in the running shell"
tm send-keys -t t:0 F12
prompt_wait
read -r rc1 pid1 <<<"$(try b)"
check "list: allowed in the list (not saved), the same shell succeeds (rc $rc1)" [ "$rc1" = 0 ]
check "list: the same shell (\$\$-start $pid0, $pid1)" [ "$pid0" = "$pid1" ]
tm_expect "list: the pane does not claim old layers for it" "docker: seccomp live.json live | lsm"
tm send-keys -t t:0 F12 c
tm_wait "[modified: w saves]" >/dev/null
tm send-keys -t t:0 x Enter
tm_expect "list: x denies it again" "unshare -> ERRNO(EPERM)"
tm send-keys -t t:0 F12
read -r rc2 pid2 <<<"$(try c)"
check "list: denied again, it fails again (rc $rc2)" [ "$rc2" = 1 ]
check "list: still the same shell (\$\$ $pid2)" [ "$pid0" = "$pid2" ]

# A fixed syscall: shown as fixed; a live deny is refused with the reason.
tm send-keys -t t:0 F12 c
tm_wait "[modified: w saves]" >/dev/null
tm send-keys -t t:0 / getpid Enter
tm_expect "fixed: the list shows getpid as fixed in live mode" "fixed in live mode"
tm send-keys -t t:0 x Enter
tm_expect "fixed: a live deny is refused with the reason" "is not applied to the running shell: getpid is fixed in live mode"
tm send-keys -t t:0 F12
tm_expect "fixed: the pane's title says it waits for a restart" " live, 1 fixed until R: docker"
# Leave the list without saving: the live shell goes back to the file.
tm send-keys -t t:0 F12 c
tm_wait "[modified: w saves]" >/dev/null
tm send-keys -t t:0 Escape n
tm_wait "changes to the syscall list discarded" >/dev/null

# ---- the watched file, saved by another process ---------------------------------
tm send-keys -t t:0 F12
save "$TM_DIR/allow.json"
tm_wait "live.json loaded" >/dev/null
read -r rc3 pid3 <<<"$(try d)"
check "file: after another process saves a profile that allows it, it succeeds (rc $rc3)" [ "$rc3" = 0 ]
tm send-keys -t t:0 F12 r   # another message first: the next "loaded" is the second save's
tm_wait "running the probes again" >/dev/null
save "$DOCKER"
tm_wait "live.json loaded" >/dev/null
tm send-keys -t t:0 F12
read -r rc4 pid4 <<<"$(try e)"
check "file: saved back to docker-default, it fails again (rc $rc4)" [ "$rc4" = 1 ]
check "file: the same shell all along (\$\$-start $pid3 $pid4)" [ "$pid0$pid0" = "$pid3$pid4" ]

# ---- a layer toggle: the capabilities seccomp resolves against ------------------
# The caps layer off: seccomp resolves Docker's profile against every
# capability, and its CAP_SYS_ADMIN rule allows unshare (a user namespace
# needs no capability in the shell itself). The caps themselves stay as the
# shell started: the title says OLD layers for them.
tm send-keys -t t:0 F12 4 Space
tm_wait "[ ] caps" >/dev/null
tm send-keys -t t:0 F12
read -r rc5 pid5 <<<"$(try f)"
check "caps: the caps layer off, seccomp's CAP_SYS_ADMIN rule allows it live (rc $rc5)" [ "$rc5" = 0 ]
tm_expect "caps: the title says the caps layer is old" "OLD layers, R restarts: docker: secc"
tm send-keys -t t:0 F12 Space
tm_wait "[x] caps" >/dev/null
tm send-keys -t t:0 F12
read -r rc6 pid6 <<<"$(try g)"
check "caps: back on, it fails again in the same shell (rc $rc6, $pid6)" [ "$rc6 $pid6" = "1 $pid0" ]

# ---- the feed's keys --------------------------------------------------------------
tm send-keys -t t:0 F12 v
tm_expect "feed: f gives it the keys (frame and legend)" "Feed: Up/Down move  a denied only/everything"
tm send-keys -t t:0 a
tm_expect "feed: a shows everything notified" "everything notified"
tm send-keys -t t:0 a Space
tm_expect "feed: Space pauses" "PAUSED (+0 new)"
tm send-keys -t t:0 F12
tm send-keys -t t:0 'unshare -U true; echo paused-done' Enter
tm_wait "paused-done" >/dev/null
tm send-keys -t t:0 F12 v
tm_expect_re "feed: paused, the new lines are held" 'PAUSED \(\+[1-9][0-9]* new\)'
tm send-keys -t t:0 Space
tm_wait_gone "PAUSED" >/dev/null
tm send-keys -t t:0 End Enter
tm_expect "feed: Enter opens the line's rule in the syscall list" ">unshare"
tm_expect "feed: and says which rule decided" "unshare got EPERM from defaultAction"
tm send-keys -t t:0 Escape

# ---- 80x24 ----------------------------------------------------------------------
tm resize-window -t t:0 -x 80 -y 24
tm_wait_re '^ \[x\] seccomp' >/dev/null
s=$(tm_screen)
expect_contains "layout 80x24: the layers stay visible" "$s" "[x] seccomp"
expect_contains "layout 80x24: the matrix stays visible" "$s" "unshare-user"
expect_contains "layout 80x24: the feed is shown" "$s" " Feed [v "
tm send-keys -t t:0 q
tm_wait_exit && pass "quit: q quits with the live shell running" || fail "quit: q quits"
exit 0
