#!/usr/bin/env bash
# make bench, part 2: from a change to the TUI showing the whole probe
# matrix again, every "blocked by" filled in (no `...` left anywhere on the
# screen: neither in a row nor "running probes..."/"attributing..." above
# the matrix). The TUI runs in tmux at 120x40 with the whole catalogue and
# attribution on, watching its seccomp profile. Three series of SAVES
# (default 21) changes, GAP (default 1) s apart:
#   flip    saves alternately Docker's profile and one that denies the chmod
#           family (each configuration seen before after the first two);
#   fresh   saves a profile that gives the chmod family a new errno each time
#           (a configuration never seen: nothing is known in advance);
#   toggle  switches the LSM layer off and on from the keyboard.
# For each: the verdict (the chmod row or the layer's box changed) and the
# whole matrix (no `...` left), median and worst, against the targets
# (median <= 150 ms, worst <= 400 ms).
set -eu
cd "$(dirname "$0")/.."
SAVES=${SAVES:-21}
GAP=${GAP:-1}
W=$PWD/build/bench/tui; rm -rf "$W"; mkdir -p "$W/state"
allow=$W/allow.json deny=$W/deny.json prof=$W/profile.json
cp profiles/seccomp/docker-default.json "$allow"
jq '.syscalls |= map(if .names then .names -= ["chmod","fchmod","fchmodat","fchmodat2"] else . end)' \
    "$allow" > "$deny"
cp "$allow" "$prof"
S="tmux -L isolab-bench-$$"
trap '$S kill-server 2>/dev/null || true' EXIT
$S new-session -d -x 120 -y 40 "XDG_STATE_HOME=$W/state ./isolab --security-opt seccomp=$prof"
screen() { $S capture-pane -p; }
# the chmod row, wherever the layout puts the matrix: "+chmod  ALLOWED"
row() { grep -oE '(^|[ |│])[^ ]{0,2}chmod +[A-Z0-9]+' | head -1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wait until the screen matches $1 (verdict) and then has no "..." (done);
# sets T_VERDICT and T_DONE (ms since T0); bounded at 30 s
wait_screen() {
    local want=$1 s got_v=
    T_VERDICT= T_DONE=
    while :; do
        s=$(screen)
        local t=$(( $(now_ms) - T0 ))
        if [ -z "$got_v" ] && grep -qE "$want" <<<"$s"; then got_v=1; T_VERDICT=$t; fi
        if [ -n "$got_v" ] && ! grep -qF '...' <<<"$s"; then T_DONE=$t; return 0; fi
        [ "$t" -lt 30000 ] || return 1
        sleep 0.002
    done
}
stats() {   # name target-label values...
    local name=$1; shift
    local sorted median worst n=$#
    sorted=$(printf '%s\n' "$@" | sort -n)
    median=$(sed -n "$(( (n + 1) / 2 ))p" <<<"$sorted")
    worst=$(tail -1 <<<"$sorted")
    local ok=met
    { [ "$median" -le 150 ] && [ "$worst" -le 400 ]; } || ok=MISSED
    printf '  %-34s median %4d ms, worst %4d ms  (target: median <= 150, worst <= 400: %s)\n' \
        "$name" "$median" "$worst" "$ok"
}
T0=$(now_ms)
wait_screen 'chmod +ALLOWED' || { echo "bench: the TUI never finished its first run"; screen; exit 1; }
echo "TUI start-up to the whole matrix attributed: ${T_DONE} ms"
nprobes=$(./isolab probe --json | jq '.probes | length')
# errnos for the "fresh" series: a new one each save, short unambiguous names
ERRNOS=(2:ENOENT 3:ESRCH 5:EIO 6:ENXIO 7:E2BIG 8:ENOEXEC 9:EBADF 10:ECHILD 12:ENOMEM 13:EACCES
        14:EFAULT 15:ENOTBLK 16:EBUSY 17:EEXIST 18:EXDEV 19:ENODEV 20:ENOTDIR 21:EISDIR 22:EINVAL
        23:ENFILE 24:EMFILE 25:ENOTTY 26:ETXTBSY 27:EFBIG 28:ENOSPC 29:ESPIPE 31:EMLINK 32:EPIPE)

series() {   # name
    local kind=$1 i want src
    V=() D=()
    for i in $(seq "$SAVES"); do
        sleep "$GAP"
        case $kind in
        flip)
            if [ $((i % 2)) = 1 ]; then src=$deny want='chmod +EPERM'; else src=$allow want='chmod +ALLOWED'; fi
            cp "$src" "$prof.tmp" ;;
        fresh)
            local pick=${ERRNOS[$(( (i - 1) % ${#ERRNOS[@]} ))]}
            local e=${pick%%:*}
            jq --argjson e "$e" '.syscalls = [{"names":["chmod","fchmod","fchmodat","fchmodat2"],
                "action":"SCMP_ACT_ERRNO","errnoRet":$e}] + .syscalls' "$deny" > "$prof.tmp"
            want="chmod +${pick#*:}" ;;
        toggle)
            if [ $((i % 2)) = 1 ]; then want='\[ \] lsm'; else want='\[x\] lsm'; fi ;;
        esac
        T0=$(now_ms)
        if [ "$kind" = toggle ]; then
            $S send-keys ' '
        else
            mv "$prof.tmp" "$prof"           # an editor's atomic save
        fi
        wait_screen "$want" || { echo "bench: $kind change $i never finished ($want)"; screen; exit 1; }
        V+=("$T_VERDICT") D+=("$T_DONE")
    done
}

echo "TUI: a change -> the whole matrix on screen ($SAVES changes ${GAP} s apart, 120x40, $nprobes probes, attribution on; load: $(cut -d' ' -f1-3 /proc/loadavg)):"
series flip
stats "flip chmod (seen before): verdict" "${V[@]}"
stats "flip chmod: every blocked-by" "${D[@]}"
echo "    all: ${D[*]}"
series fresh
stats "new errno each save: verdict" "${V[@]}"
stats "new errno each save: every blocked-by" "${D[@]}"
echo "    all: ${D[*]}"
$S send-keys Down        # the cursor from seccomp to lsm
sleep 0.5
series toggle
stats "toggle lsm: verdict" "${V[@]}"
stats "toggle lsm: every blocked-by" "${D[@]}"
echo "    all: ${D[*]}"
