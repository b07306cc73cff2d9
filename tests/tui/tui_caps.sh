#!/usr/bin/env bash
# Layer details at 120x40: adding CAP_SYS_TIME in the capabilities panel
# flips clock-settime to allowed; the other panels list what they edit.
. "$(dirname "$0")/lib/tmux.sh"
plan 18
tm_need tui_caps

tm_start 120 40
tm_isolab -- --preset docker
tm_wait "clock-settime" >/dev/null
tm_wait_probes
tm_expect_row "caps: docker blocks clock-settime (caps, seccomp)" clock-settime 'EPERM .*caps'

tm send-keys -t t:0 4 Enter
tm_expect "caps: Enter opens the capabilities panel" "CAP_CHOWN"
tm_expect "caps: each capability has a meaning" "set the system clock"
# item 0 is no_new_privs, then CAP_CHOWN (0) ... CAP_SYS_TIME (25)
tm send-keys -t t:0 -N 26 Down
tm_expect_re "caps: cursor on CAP_SYS_TIME, unchecked" '>\[ \] CAP_SYS_TIME'
tm send-keys -t t:0 Space
tm_expect_re "caps: Space checks CAP_SYS_TIME" '>\[x\] CAP_SYS_TIME'
tm send-keys -t t:0 Escape
tm_expect_re "caps: the layer line counts 15" '\[x\] caps'
tm_expect_row "caps: clock-settime flips to ALLOWED <- was EPERM" clock-settime 'ALLOWED +<- was EPERM'

# namespaces panel: switch the user namespace on
tm send-keys -t t:0 5 Enter
tm_expect "ns: Enter opens the namespaces panel" "its own user IDs"
tm send-keys -t t:0 Escape
# cgroups panel: set pids.max to 20, fork-200 then stops early
tm send-keys -t t:0 3 Enter
tm_expect "cgroups: the limits are listed" "pids.max"
tm send-keys -t t:0 Enter
tm_expect "cgroups: Enter asks for the number" "pids.max (0 = no limit):"
tm send-keys -t t:0 20 Enter
tm_expect_re "cgroups: the new limit is shown" 'pids\.max +20 '
tm send-keys -t t:0 Escape
tm_expect "cgroups: the layer line shows pids=20" "pids=20"
tm send-keys -t t:0 Tab End     # scroll the matrix to its last rows
tm_expect_row "cgroups: fork-200 is blocked by cgroups" fork-200 'E[A-Z]+ .*cgroups'

# presets
tm send-keys -t t:0 p
tm_expect "presets: p opens the chooser" "Presets: set all five layers at once"
tm_expect_re "presets: docker is marked as the one in force" '\(\*\) docker '
# the last preset is "unconfined" (sorted; built in or from profiles/presets)
tm send-keys -t t:0 End Enter
tm_expect "presets: Enter applies it" "preset unconfined applied"
tm_expect_re "presets: every layer is off" '\[ \] namespaces +off'
tm send-keys -t t:0 Home          # the matrix has the focus since "Tab End"
tm_expect_row "presets: unshare-user ALLOWED <- was EPERM" unshare-user 'ALLOWED +<- was EPERM'

tm send-keys -t t:0 q
tm_wait_exit || fail "caps: q quits"
