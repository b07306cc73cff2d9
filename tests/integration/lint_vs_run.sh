#!/usr/bin/env bash
# Lint judges a profile exactly as run does. For each profile, lint's
# verdict (an error, or none) must match what the kernel does under `isolab
# run`: refused before the start, or a shell that does not print "started".
# Cases from issue 15: 5000 argument rules (over BPF_MAXINSNS), a profile
# over the size limit (20 MiB: lint passed it, run refused it), getpid denied with an errno (a shell starts) or
# killed (it does not), mmap denied (the loader fails), mmap and pread64 denied
# (a dynamic sh does not start, a static busybox does: lint says so).
source "$(dirname "$0")/../lib.sh"
if ! need_root; then skip lint-vs-run "the sandboxes need root"; exit 0; fi
command -v jq >/dev/null || { skip lint-vs-run "jq is not installed"; exit 0; }
TMP=$(mktemp -d /tmp/isolab-lintrun.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
DEF=$ROOT/profiles/seccomp/docker-default.json

# deny NAME ACTION: Docker's profile with NAME taken out of every rule and
# given ACTION first
deny() {
    jq --arg s "$1" --arg a "$2" '.syscalls |= (map(.names -= [$s]) | map(select(.names | length > 0)))
        | .syscalls = [{"names": [$s], "action": $a}] + .syscalls' "$DEF" > "$TMP/$1-$2.json"
    echo "$TMP/$1-$2.json"
}
jq -n '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [range(5000) | {names: ["personality"],
       action: "SCMP_ACT_ERRNO", args: [{index: 0, value: ., op: "SCMP_CMP_EQ"}]}]}' > "$TMP/args5000.json"
{ printf '{"defaultAction":"SCMP_ACT_ALLOW","comment":"'; head -c $((20 << 20)) /dev/zero | tr '\0' x
  printf '"}'; } > "$TMP/big.json"

SH_STATIC=no
file -L "$(command -v sh)" 2>/dev/null | grep -q 'statically linked' && SH_STATIC=yes
agree() {   # NAME PROFILE
    local lout lrc rout started=no
    lout=$(timeout 120 "$ISOLAB" lint "$2" 2>&1); lrc=$?
    rout=$(timeout 60 "$ISOLAB" run --security-opt seccomp="$2" -- sh -c 'echo started' 2>&1 </dev/null)
    printf '%s\n' "$rout" | grep -qx started && started=yes
    local lint_ok=yes; [ $lrc -ge 2 ] && lint_ok=no
    # the dynamic loader's needs (a warning): they count for a dynamic sh
    [ "$SH_STATIC" = no ] && printf '%s\n' "$lout" | grep -q 'a dynamically linked program' && lint_ok=no
    if [ "$lint_ok" = "$started" ]; then pass "$1: lint (rc $lrc) and run (started: $started) agree"
    else fail "$1: lint (rc $lrc) and run (started: $started) disagree"
        printf '%s\n' "$lout" | grep -E 'error' | head -3 | sed 's/^/#   lint: /'
        printf '%s\n' "$rout" | head -3 | sed 's/^/#   run:  /'; fi
}
agree "5000 argument rules" "$TMP/args5000.json"
agree "a 20 MiB profile" "$TMP/big.json"
agree "getpid denied with EPERM" "$(deny getpid SCMP_ACT_ERRNO)"
agree "getpid killed" "$(deny getpid SCMP_ACT_KILL_PROCESS)"
agree "mmap denied with EPERM" "$(deny mmap SCMP_ACT_ERRNO)"
# mmap and pread64 are the dynamic loader's: lint says a dynamically linked
# program cannot start and a static one does; both are run.
p=$(deny mmap SCMP_ACT_ERRNO)
jq '.syscalls[0].names += ["pread64"] | .syscalls |= (.[0:1] + (.[1:] | map(.names -= ["pread64"]) | map(select(.names | length > 0))))' "$p" > "$TMP/loader.json"
lout=$("$ISOLAB" lint "$TMP/loader.json" 2>&1)
expect_contains "loader: lint names the dynamic loader's needs" "$lout" "the dynamic loader needs mmap, pread64"
expect_not_contains "loader: and calls it no error" "$lout" ": error: "
dyn=$("$ISOLAB" run --security-opt seccomp="$TMP/loader.json" -- sh -c 'echo started' 2>&1 </dev/null)
check "loader: a dynamically linked sh does not start" \
    bash -c '! printf "%s\n" "$1" | grep -qx started' _ "$dyn"
BB=$(command -v busybox)
if [ -n "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked'; then
    st=$("$ISOLAB" run --security-opt seccomp="$TMP/loader.json" -- "$BB" sh -c 'echo started' 2>&1 </dev/null)
    check "loader: a static busybox sh starts, as lint says" \
        bash -c 'printf "%s\n" "$1" | grep -qx started' _ "$st"
else
    skip "loader: a static busybox sh starts" "no statically linked busybox (apt-get install busybox-static)"
fi
agree "Docker's default" "$DEF"

out=$("$ISOLAB" run --security-opt seccomp="$TMP/args5000.json" -- true 2>&1)
expect_contains "run names the instruction limit, in instructions" "$out" "BPF instructions, more than the kernel loads (BPF_MAXINSNS, 4096)"
expect_not_contains "run does not mix bytes into it" "$out" "bytes"
exit $_t_failed
