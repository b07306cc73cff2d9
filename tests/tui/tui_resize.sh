#!/usr/bin/env bash
# Resizing: 120x40 uses the space (layers left, probes right), a terminal too
# small says so and waits, and going back to 80x24 redraws without leftovers.
. "$(dirname "$0")/lib/tmux.sh"
plan 16
tm_need tui_resize

tm_start 120 40
tm_isolab -- --preset docker
tm_wait "unshare-user" >/dev/null
tm_wait_probes
s=$(tm_screen)
# side by side: a layer line and a probe row share one screen line
if printf '%s\n' "$s" | grep -qE 'Layers.*Probes'; then
    pass "resize: 120x40 puts layers and probes side by side"
else
    fail "resize: 120x40 puts layers and probes side by side"; printf '%s\n' "$s" | sed 's/^/#   | /'
fi
rows=$(printf '%s\n' "$s" | grep -cE '(│|\|)[ *][x+?-][a-z0-9-]+ +(ALLOWED|E[A-Z]+|SIG[A-Z]+|skipped|ERROR)')
if [ "$rows" -ge 30 ]; then pass "resize: 120x40 shows $rows probe rows"; else
    fail "resize: 120x40 shows only $rows probe rows"; fi
expect_contains "resize: wide legend" "$s" "Tab layers/probes"

tm resize-window -t t:0 -x 40 -y 10
tm_expect "resize: 40x10 says the terminal is too small" "Terminal too small (40x10)"
tm_expect "resize: and what it needs" "isolab needs 80x24"

tm resize-window -t t:0 -x 80 -y 24
if s=$(tm_wait_gone "too small"); then pass "resize: back to 80x24 clears the notice"; else fail "resize: back to 80x24 clears the notice"; fi
s=$(tm_wait "unshare-user")
for l in seccomp lsm cgroups caps namespaces; do
    n=$(printf '%s\n' "$s" | grep -cE "^.\[.\] $l ")
    if [ "$n" = 1 ]; then pass "resize: 80x24 shows layer $l once"; else
        fail "resize: 80x24 shows layer $l $n times"; printf '%s\n' "$s" | sed 's/^/#   | /'; fi
done
n=$(printf '%s\n' "$s" | grep -c 'unshare-user')
if [ "$n" = 1 ]; then pass "resize: no leftover rows from 120x40"; else
    fail "resize: unshare-user shows $n times"; printf '%s\n' "$s" | sed 's/^/#   | /'; fi
expect_not_contains "resize: no leftover wide legend" "$s" "Tab layers/probes"

# Back to a large size, then quit from there.
tm resize-window -t t:0 -x 120 -y 40
tm_expect_re "resize: 120x40 again side by side" 'Layers.*Probes'
tm send-keys -t t:0 q
tm_wait_exit || fail "resize: q quits"
tm_wait 'tuitest$' >/dev/null
tm_terminal_sane "resize: after q"
