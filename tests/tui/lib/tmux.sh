# Helpers for the TUI suites: drive the real ./isolab in a private tmux
# server and read the screen. Source it (running it does nothing); it lives
# in lib/ so that tests/run-suites.sh, which runs tests/tui/*.sh, skips it.
# Waits are polling loops with a bounded number of tries, never a fixed sleep
# followed by an assertion.
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0

. "$(dirname "${BASH_SOURCE[0]}")/../../lib.sh"

TM_SOCK="isolab-tui-$$-$(basename "$0" .sh)"
TM_DIR=$(mktemp -d /tmp/isolab-tuitest.XXXXXX)
TM_TRIES=${TM_TRIES:-600}        # x 0.1 s between looks

# Targets name the window, t:0: a bare "t" is matched against window names
# first, so with a second window named "top..." (tui_demo's presenter runs
# whatever it shows) keys would go there.
tm() { tmux -L "$TM_SOCK" -f /dev/null "$@"; }

tm_cleanup() {
    tm kill-server 2>/dev/null
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TM_SOCK"
    rm -rf "$TM_DIR" 2>/dev/null || { sleep 0.5; rm -rf "$TM_DIR"; }
}
trap tm_cleanup EXIT

# tm_need NAME: skip the whole suite (skip_all: one SKIP per test of its
# plan) if tmux or root is missing; fail if the binary is.
tm_need() {
    command -v tmux >/dev/null || skip_all "${1:-tui}" "tmux is not installed"
    if [ ! -x "$ISOLAB" ]; then fail "${1:-tui}: $ISOLAB is not built (run make)"; exit 0; fi
    need_root || skip_all "${1:-tui}" "the sandbox tests run as root"
}

# tm_start COLS ROWS : a session with a plain shell in its pane.
# A server that a kill-server just asked to go can still hold the socket
# when the next session is made (seen: "no server running" for the whole
# next test); so the session is made again until it exists.
tm_start() {
    mkdir -p "$TM_DIR/home" "$TM_DIR/state"
    local i
    for i in 1 2 3 4 5; do
        tm new-session -d -s t -x "$1" -y "$2" \
            "env -i HISTFILE=/dev/null PATH=$PATH HOME=$TM_DIR/home XDG_STATE_HOME=$TM_DIR/state TERM=screen LANG=C.UTF-8 SHELL=/bin/bash PS1='tuitest\$ ' bash --norc --noprofile" \
            2>/dev/null
        tm has-session -t t:0 2>/dev/null && break
        sleep 0.2
    done
    tm set-option -t t:0 status off >/dev/null
    tm set-option -g remain-on-exit on >/dev/null
    tm_wait 'tuitest$' >/dev/null
}

# tm_isolab [ENV=VAL...] -- [ARGS...] : run isolab in the pane; its pid goes
# to $TM_DIR/isolab.pid.
tm_isolab() {
    local envs=() args=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
    [ "${1:-}" = "--" ] && shift
    args=("$@")
    rm -f "$TM_DIR/isolab.pid"
    # TM_ENV: extra VAR=value words for every run (e.g. ASAN_OPTIONS=...)
    local cmd="cd $ROOT && ${TM_ENV:-} ${envs[*]} sh -c 'echo \$\$ > $TM_DIR/isolab.pid; exec \"\$0\" \"\$@\"' $ISOLAB ${args[*]}"
    tm send-keys -t t:0 "$cmd" Enter
}

tm_pid() { cat "$TM_DIR/isolab.pid" 2>/dev/null; }

tm_screen() { tm capture-pane -p -t t:0; }

# tm_poll WANT GREP_FLAG PATTERN : poll the screen until grep GREP_FLAG
# PATTERN succeeds (WANT=0) or fails (WANT=1). Prints the last screen;
# returns 1 if that never happened within TM_TRIES polls.
tm_poll() {
    local want=$1 flag=$2 pat=$3 i s
    for ((i = 0; i < TM_TRIES; i++)); do
        s=$(tm_screen)
        printf '%s' "$s" | grep -q "$flag" -- "$pat"
        if [ "$(( $? != 0 ))" = "$want" ]; then printf '%s' "$s"; return 0; fi
        sleep 0.1
    done
    printf '%s' "$s"
    return 1
}

# tm_wait TEXT : wait until the screen contains TEXT (fixed string). Prints
# the screen; returns 1 if it never did.
tm_wait() { tm_poll 0 -F "$1"; }

# tm_wait_re REGEX : as tm_wait, with an extended regular expression.
tm_wait_re() { tm_poll 0 -E "$1"; }

# tm_wait_gone TEXT : wait until the screen no longer contains TEXT.
tm_wait_gone() { tm_poll 1 -F "$1"; }

# tm_expect NAME TEXT : pass when TEXT shows up, else fail with the screen.
tm_expect() {
    local s
    if s=$(tm_wait "$2"); then pass "$1"; else
        fail "$1"; printf '#   never saw: %s\n' "$2"; printf '%s\n' "$s" | sed 's/^/#   | /'; fi
}
tm_expect_re() {
    local s
    if s=$(tm_wait_re "$2"); then pass "$1"; else
        fail "$1"; printf '#   never saw /%s/\n' "$2"; printf '%s\n' "$s" | sed 's/^/#   | /'; fi
}

# The probe rows once the first run is in: the matrix shows verdicts.
# (capture-pane drops trailing blanks: a verdict can end its line)
tm_wait_probes() {
    tm_wait_re ' (ALLOWED|EPERM|EACCES|SIGSYS)( |$)' >/dev/null && return 0
    echo "# tm_wait_probes: no probe verdict on the screen after $((TM_TRIES / 10)) s"
    return 1
}

# The line of the matrix for one probe id.
tm_row() { tm_screen | grep -E "(^|│|\|)[ *][x+?-]$1 " | head -1 | sed 's/^.*[│|]//'; }

# tm_wait_row ID REGEX : wait until the probe's row matches.
tm_wait_row() {
    local i r
    for ((i = 0; i < TM_TRIES; i++)); do
        r=$(tm_row "$1")
        if printf '%s' "$r" | grep -qE -- "$2"; then printf '%s' "$r"; return 0; fi
        sleep 0.1
    done
    printf '%s' "$r"
    return 1
}
tm_expect_row() {
    local r
    if r=$(tm_wait_row "$2" "$3"); then pass "$1"; else
        fail "$1"; printf '#   row %s never matched /%s/; last: %s\n' "$2" "$3" "$r"
        tm_screen | sed 's/^/#   | /'; fi
}

# Wait for isolab to be gone (the pane's shell prompt is back).
tm_wait_exit() {
    local i pid
    pid=$(tm_pid)
    for ((i = 0; i < TM_TRIES; i++)); do
        [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# tm_terminal_sane NAME : after isolab left, the pane is in cooked mode with
# echo and out of the alternate screen.
tm_terminal_sane() {
    local f="$TM_DIR/stty.$RANDOM"
    tm send-keys -t t:0 "stty -a > $f; echo stty-done" Enter
    local i
    for ((i = 0; i < TM_TRIES; i++)); do
        [ -s "$f" ] && grep -q 'isig' "$f" && break
        sleep 0.1
    done
    if [ -s "$f" ] && ! grep -qE '(^| )-(icanon|echo|isig|icrnl|opost)( |;|$)' "$f" \
        && grep -qE '(^| )icanon( |;|$)' "$f"; then
        pass "$1: stty sane (icanon echo isig icrnl opost)"
    else
        fail "$1: stty sane"; sed 's/^/#   /' "$f" 2>/dev/null
    fi
    local alt
    alt=$(tm display-message -p -t t:0 '#{alternate_on}')
    if [ "$alt" = "0" ]; then pass "$1: alternate screen gone"; else
        fail "$1: alternate screen still on ($alt)"; fi
}
