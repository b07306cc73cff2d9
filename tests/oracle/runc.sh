#!/usr/bin/env bash
# Round trip through runc: `isolab export --format oci FLAGS` written as a
# bundle (config.json + a rootfs holding isolab), run with Debian's runc,
# the probe catalogue inside with every isolab layer off; on the host,
# `isolab probe FLAGS`. The results must be equal probe by probe.
# runc 1.1 knows no time namespace, so both sides run without one; there
# is no AppArmor here, so the host side runs without the LSM layer too.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/docker_lib.sh"

PROFILE="$ROOT/../shared/peers/moby-profiles/seccomp/default.json"
oracle_excluded runc
if ! need_root; then skip "runc round trip" "needs root"; exit 0; fi
if ! command -v runc >/dev/null; then skip "runc round trip" "runc is not installed (make deps)"; exit 0; fi
if ! command -v jq >/dev/null; then skip "runc round trip" "needs jq (make deps)"; exit 0; fi
if [ ! -f "$PROFILE" ]; then skip "runc round trip" "no $PROFILE (../shared/peers)"; exit 0; fi
T=$(mktemp -d /tmp/isolab-oracle-runc.XXXXXX)
cleanup() {
    for id in $(runc --root "$T/state" list -q 2>/dev/null); do
        runc --root "$T/state" delete -f "$id" >/dev/null 2>&1
    done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
oracle_make_root "$T/bundle/rootfs"
for p in "${!EXCLUDED[@]}"; do echo "# left out: $p: ${EXCLUDED[$p]}"; done
echo "# $(runc --version | head -1)"

n=0
roundtrip() {   # NAME FLAGS...
    local name=$1; shift
    n=$((n + 1))
    if ! "$ISOLAB" export --format oci --no-ns time "$@" -- /isolab probe --json --preset unconfined \
            2>"$T/fidelity" | jq ".linux.cgroupsPath = \"/isolab/oracle-runc-$$-$n\"" \
            > "$T/bundle/config.json"; then
        fail "$name: export --format oci failed"; sed 's/^/#   /' "$T/fidelity"; return
    fi
    local r h id="isolab-oracle-$$-$n"
    r=$(cd "$T/bundle" && runc --root "$T/state" run -b "$T/bundle" "$id" 2>"$T/err")
    runc --root "$T/state" delete -f "$id" >/dev/null 2>&1
    if ! printf '%s' "$r" | jq -e .probes >/dev/null 2>&1; then
        fail "$name: runc run gave no probe results"; sed 's/^/#   /' "$T/err" | head -5; return
    fi
    h=$(ISOLAB_QUIET=1 "$ISOLAB" probe --json --no-ns time --security-opt apparmor=unconfined "$@" 2>&1)
    local rr hr id2
    rr=$(printf '%s' "$r" | oracle_results)
    hr=$(printf '%s' "$h" | oracle_results)
    for id2 in "${!EXCLUDED[@]}"; do
        rr=$(printf '%s\n' "$rr" | grep -v "^$id2 ")
        hr=$(printf '%s\n' "$hr" | grep -v "^$id2 ")
    done
    local diffs
    diffs=$(diff <(printf '%s\n' "$rr") <(printf '%s\n' "$hr") | grep '^[<>]')
    if [ -z "$diffs" ]; then
        pass "$name: runc (exported bundle) and isolab agree on $(printf '%s\n' "$rr" | wc -l) probes"
    else
        fail "$name: runc (<) and isolab (>) differ"; printf '%s\n' "$diffs" | sed 's/^/#   /'
    fi
}

S=(--security-opt "seccomp=$PROFILE")
roundtrip "oci: defaults" "${S[@]}"
roundtrip "oci: --cap-drop ALL" "${S[@]}" --cap-drop ALL
roundtrip "oci: --cap-add SYS_ADMIN" "${S[@]}" --cap-add SYS_ADMIN
roundtrip "oci: seccomp=unconfined" --security-opt seccomp=unconfined
roundtrip "oci: no-new-privileges, --pids-limit 10" "${S[@]}" --security-opt no-new-privileges --pids-limit 10
roundtrip "oci: --memory 64m" "${S[@]}" --memory 64m
# Not --user: isolab as an ordinary user inside the bundle refuses to run
# with its layers off (it needs a user namespace then), so the inside half
# cannot be "isolab with nothing of its own".
roundtrip "oci: isolab's own docker-default.json" --no-lsm
out=$("$ISOLAB" export --format oci --pids-limit 10 2>&1 >/dev/null)
expect_contains "oci export: the fidelity report names the time namespace" "$out" "time"
