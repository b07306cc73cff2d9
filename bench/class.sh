#!/usr/bin/env bash
# make bench, part 5: a class on one machine. N (50) `isolab run` sandboxes
# at once, each holding an interactive shell on a pty (a tmux window each),
# and T (10) TUIs; first as root, then rootless as U (10) ordinary users
# (isolab-class01.., created here and removed at the end). Measured:
#   - the start-up of all N at once: every shell answers, no isolab error on
#     any screen (a cgroup-name race, a failed overlay mount), as root one
#     cgroup of its own per sandbox;
#   - isolab's own memory: the PSS of its processes (the launcher and the
#     sandbox's init; not the shells) per sandbox (target <= 5 MiB), and of
#     a TUI's (target <= 10 MiB);
#   - the idle CPU of an open TUI with nothing changing (target <= 0.2% of
#     a core);
#   - nothing left once the shells exit and the TUIs quit: no process, no
#     cgroup, no lock file, no mount.
# Needs root and tmux. CLASS_SANDBOXES, CLASS_TUIS, CLASS_USERS, CLASS_IDLE_S
# change the sizes.
set -eu
cd "$(dirname "$0")/.."
ISOLAB=$PWD/isolab
N=${CLASS_SANDBOXES:-50} T=${CLASS_TUIS:-10} U=${CLASS_USERS:-10} IDLE=${CLASS_IDLE_S:-10}
[ "$(id -u)" = 0 ] || { echo "bench/class.sh: needs root (it creates users and cgroups)"; exit 1; }
command -v tmux >/dev/null || { echo "bench/class.sh: tmux is missing (make deps installs it)"; exit 1; }
W=$PWD/build/bench/class; rm -rf "$W"; mkdir -p "$W"; chmod 755 "$W"
S="tmux -L isolab-class-$$"
users=()
cleanup() {
    $S kill-server 2>/dev/null || true
    for u in "${users[@]}"; do
        pkill -KILL -u "$u" 2>/dev/null || true     # only these users' own processes
        userdel -r "$u" 2>/dev/null || true
    done
}
trap cleanup EXIT

# every process below the tmux server
tree() {
    local spid; spid=$($S display-message -p '#{pid}' 2>/dev/null) || return 0
    local todo=("$spid") p
    while [ ${#todo[@]} -gt 0 ]; do
        p=${todo[0]}; todo=("${todo[@]:1}")
        echo "$p"
        todo+=($(cat /proc/"$p"/task/*/children 2>/dev/null))
    done
}
# those of them that are isolab (the sealed copy or the file)
isolab_pids() {   # [pane pids...]: below those panes only
    local p e
    for p in "$@"; do
        local todo=("$p") q
        while [ ${#todo[@]} -gt 0 ]; do
            q=${todo[0]}; todo=("${todo[@]:1}")
            e=$(readlink /proc/"$q"/exe 2>/dev/null) || continue
            case $e in *memfd:isolab*|"$ISOLAB") echo "$q" ;; esac
            todo+=($(cat /proc/"$q"/task/*/children 2>/dev/null))
        done
    done
}
pss_kib() { local s=0 p v; for p in "$@"; do v=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0); s=$((s + ${v:-0})); done; echo "$s"; }
cpu_ticks() { local s=0 p v; for p in "$@"; do v=$(awk '{print $14 + $15}' /proc/"$p"/stat 2>/dev/null || echo 0); s=$((s + ${v:-0})); done; echo "$s"; }
mib() { awk -v k="$1" -v n="$2" 'BEGIN { printf "%.2f", k / 1024 / n }'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 <= b + 0) ? "met" : "MISSED" }'; }

# as whom window i runs: root, or user (i mod U)
as_user() {   # phase i
    if [ "$1" = root ]; then echo ""; else echo "runuser -u ${users[$(( $2 % ${#users[@]} ))]} --"; fi
}

phase() {
    local who=$1 i
    echo "class, $who: $N sandboxes with a shell and $T TUIs (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
    local mounts_before; mounts_before=$(wc -l < /proc/self/mountinfo)
    $S new-session -d -s class -x 100 -y 30 -n idle "sleep 100000"
    $S set-option -g remain-on-exit off
    local t0; t0=$(now_ms)
    for i in $(seq "$N"); do
        $S new-window -d -t class -n "sb$i" "$(as_user "$who" "$i") env HOME=$W $ISOLAB run -- /bin/sh"
    done
    # every shell answers (the command's own echo reads rea""dy, the answer ready)
    local ready=0 i2 seen=() round=0
    for i in $(seq "$N"); do $S send-keys -t "class:sb$i" "echo rea\"\"dy-$i" Enter; done
    while [ "$ready" -lt "$N" ] && [ $(( $(now_ms) - t0 )) -lt 120000 ]; do
        ready=0 round=$((round + 1))
        for i2 in $(seq "$N"); do
            [ -n "${seen[$i2]:-}" ] && { ready=$((ready + 1)); continue; }
            if $S capture-pane -p -t "class:sb$i2" 2>/dev/null | grep -qx "ready-$i2"; then
                seen[$i2]=1; ready=$((ready + 1))
            elif [ $((round % 3)) = 0 ]; then     # asked before its relay was up (a flushed tty): again
                $S send-keys -t "class:sb$i2" "echo rea\"\"dy-$i2" Enter 2>/dev/null || true
            fi
        done
        sleep 0.2
    done
    local t_all=$(( $(now_ms) - t0 ))
    local errors=0
    for i in $(seq "$N"); do
        $S capture-pane -p -t "class:sb$i" 2>/dev/null | grep -qiE '^isolab: .*(error|cannot|fail|denied|EBUSY|exists)' \
            && errors=$((errors + 1))
    done
    local panes; panes=$($S list-panes -s -t class -F '#{window_name} #{pane_pid}' | awk '$1 ~ /^sb/ {print $2}')
    # shellcheck disable=SC2086
    local sbp; sbp=$(isolab_pids $panes)
    local nsb_procs; nsb_procs=$(wc -w <<<"$sbp")
    local cgs=""
    for p in $sbp; do cgs+=$(grep -oE 'isolab/sb-[0-9a-f]{16}' /proc/"$p"/cgroup 2>/dev/null | head -1)$'\n'; done
    local ncg; ncg=$(sort -u <<<"$cgs" | grep -c sb- || true)
    # shellcheck disable=SC2086
    local sb_pss; sb_pss=$(pss_kib $sbp)
    echo "  start-up: $ready of $N shells answered, all within $t_all ms of the first launch; isolab errors on screen: $errors"
    [ "$who" = root ] && echo "  cgroups: $ncg distinct sb-* cgroups for $N sandboxes (a name race would show fewer)"
    echo "  memory: isolab's own PSS $(mib "$sb_pss" "$N") MiB per sandbox ($nsb_procs isolab processes; target <= 5 MiB: $(verdict "$(mib "$sb_pss" "$N")" 5))"

    # the TUIs
    for i in $(seq "$T"); do
        mkdir -p "$W/state-$who-$i"; chmod 777 "$W/state-$who-$i"
        $S new-window -d -t class -n "tui$i" \
            "$(as_user "$who" "$i") env HOME=$W XDG_STATE_HOME=$W/state-$who-$i $ISOLAB"
    done
    local t1; t1=$(now_ms) done_tuis=0
    while [ "$done_tuis" -lt "$T" ] && [ $(( $(now_ms) - t1 )) -lt 180000 ]; do
        done_tuis=0
        for i in $(seq "$T"); do
            local s; s=$($S capture-pane -p -t "class:tui$i" 2>/dev/null || true)
            grep -q 'allowed, ' <<<"$s" && ! grep -qF '...' <<<"$s" && done_tuis=$((done_tuis + 1))
        done
        sleep 0.5
    done
    echo "  TUIs: $done_tuis of $T showed their whole matrix attributed, within $(( $(now_ms) - t1 )) ms"
    local tpanes; tpanes=$($S list-panes -s -t class -F '#{window_name} #{pane_pid}' | awk '$1 ~ /^tui/ {print $2}')
    # shellcheck disable=SC2086
    local tp; tp=$(isolab_pids $tpanes)
    # shellcheck disable=SC2086
    local tui_pss; tui_pss=$(pss_kib $tp)
    local hz; hz=$(getconf CLK_TCK)
    # shellcheck disable=SC2086
    local c0; c0=$(cpu_ticks $tp)
    sleep "$IDLE"
    # shellcheck disable=SC2086
    local c1; c1=$(cpu_ticks $tp)
    local idle_pct; idle_pct=$(awk -v d=$((c1 - c0)) -v hz="$hz" -v s="$IDLE" -v n="$T" \
        'BEGIN { printf "%.3f", 100 * d / hz / s / n }')
    echo "  TUI memory: PSS $(mib "$tui_pss" "$T") MiB per TUI (target <= 10 MiB: $(verdict "$(mib "$tui_pss" "$T")" 10))"
    echo "  TUI idle CPU: $idle_pct% of a core per TUI over $IDLE s with nothing changing (target <= 0.2%: $(verdict "$idle_pct" 0.2); clock ticks of 1/$hz s)"

    # everyone leaves
    for i in $(seq "$N"); do $S send-keys -t "class:sb$i" "exit" Enter 2>/dev/null || true; done
    for i in $(seq "$T"); do $S send-keys -t "class:tui$i" q 2>/dev/null || true; done
    local t2; t2=$(now_ms)
    while [ $(( $(now_ms) - t2 )) -lt 30000 ] && [ "$($S list-windows -t class 2>/dev/null | wc -l)" -gt 1 ]; do
        sleep 0.2
    done
    local left_windows; left_windows=$(( $($S list-windows -t class 2>/dev/null | wc -l) - 1 ))
    # The server reaps a window's process when it hears SIGCHLD: a zombie
    # there for a moment has ended. Up to 5 s for the tree to be the server
    # and its sleep alone, then what is still there counts.
    local t3; t3=$(now_ms)
    while [ $(( $(now_ms) - t3 )) -lt 5000 ] && [ "$(tree | wc -l)" -gt 2 ]; do sleep 0.1; done
    local left_procs; left_procs=$(( $(tree | wc -l) - 2 ))   # the server and its sleep
    if [ "$left_procs" -gt 0 ]; then    # which, and in what state
        for p in $(tree); do
            printf '  # left: %s %s %s\n' "$p" "$(cat /proc/"$p"/comm 2>/dev/null)" \
                "$(awk '{print $3}' /proc/"$p"/stat 2>/dev/null)"
        done
    fi
    $S kill-server 2>/dev/null || true
    local left_cg=0 left_lock=0 c
    for c in $(sort -u <<<"$cgs" | grep sb- || true); do
        c=${c#isolab/}
        ls -d /sys/fs/cgroup/*/isolab/"$c" >/dev/null 2>&1 && left_cg=$((left_cg + 1))
        [ -e /run/isolab/cgroups/"$c".lock ] && left_lock=$((left_lock + 1))
    done
    local mounts_after; mounts_after=$(wc -l < /proc/self/mountinfo)
    echo "  afterwards: $left_windows windows still open, $left_procs processes left, $left_cg cgroups and $left_lock lock files of these sandboxes left, host mounts $mounts_before -> $mounts_after"
}

phase root
for i in $(seq -w 1 "$U"); do
    u=isolab-class$i
    id "$u" >/dev/null 2>&1 || useradd -M -d "$W" -s /bin/sh "$u"
    users+=("$u")
done
phase rootless
