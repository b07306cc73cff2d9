#!/usr/bin/env bash
# make bench, part 2: from a profile file being saved to the TUI showing the
# new verdicts. The TUI runs in tmux at 120x40 with the whole probe
# catalogue and attribution on, watching its seccomp profile; this script
# saves the file (alternately Docker's profile and one that denies the chmod
# family) and polls the screen until the chmod row shows the new verdict.
# Prints the median and worst case over SAVES saves (default 21).
set -eu
cd "$(dirname "$0")/.."
SAVES=${SAVES:-21}
W=$PWD/build/bench/tui; rm -rf "$W"; mkdir -p "$W/state"
allow=$W/allow.json deny=$W/deny.json prof=$W/profile.json
cp profiles/seccomp/docker-default.json "$allow"
jq '.syscalls |= map(if .names then .names -= ["chmod","fchmod","fchmodat","fchmodat2"] else . end)' \
    "$allow" > "$deny"
cp "$allow" "$prof"
S="tmux -L isolab-bench-$$"
trap '$S kill-server 2>/dev/null || true' EXIT
$S new-session -d -x 120 -y 40 "XDG_STATE_HOME=$W/state ./isolab --security-opt seccomp=$prof"
# the chmod row, wherever the layout puts the matrix: "+chmod  ALLOWED"
row() { $S capture-pane -p | grep -oE '(^|[ |│])[^ ]{0,2}chmod +[A-Z]+' | head -1; }
wait_for() {   # regex; bounded
    local i
    for i in $(seq 20000); do row | grep -qE "$1" && return 0; sleep 0.002; done
    return 1
}
wait_for 'ALLOWED' || { echo "bench: the TUI never showed the chmod row"; $S capture-pane -p; exit 1; }
sleep 8   # let the first attribution run finish
times=()
want=EPERM src=$deny
for i in $(seq "$SAVES"); do
    t0=$(date +%s%N)
    cp "$src.tmp" "$prof.tmp" 2>/dev/null || cp "$src" "$prof.tmp"
    mv "$prof.tmp" "$prof"           # an editor's atomic save
    wait_for "chmod +$want" || { echo "bench: save $i never showed $want"; exit 1; }
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
    if [ "$want" = EPERM ]; then want=ALLOWED src=$allow; else want=EPERM src=$deny; fi
    sleep "${SAVE_GAP:-6}"  # let that run's attribution (~5 s) finish before the next save
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(printf '%s\n' "$sorted" | sed -n "$(( (SAVES + 1) / 2 ))p")
worst=$(printf '%s\n' "$sorted" | tail -1)
echo "TUI: profile saved -> new chmod verdict on screen, $SAVES saves (120x40, all $(./isolab probe --json | jq '.probes | length') probes, attribution on):"
echo "  median ${median} ms, worst ${worst} ms (target: median < 100 ms); all: ${times[*]}"
