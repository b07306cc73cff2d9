#!/usr/bin/env bash
# Command-line defects, through the real binary: export-seccomp keeps every
# architecture, flags and listenerPath and refuses to export a filter that
# seccomp=unconfined switched off; `isolab run` warns once per unknown
# syscall name and still runs; -u is Docker's short --user.
source "$(dirname "$0")/../lib.sh"
PEERS=${ISOLAB_PEERS:-$ROOT/../shared/peers}
MOBY=$PEERS/moby-profiles/seccomp/default.json
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
cd "$ROOT" || exit 1

# ---- export-seccomp ----------------------------------------------------------
if ! command -v jq >/dev/null; then
    skip "export-seccomp" "jq is not installed"
elif [ ! -f "$MOBY" ]; then
    skip "export-seccomp: Docker's default.json" "no $MOBY"
else
    "$ISOLAB" export-seccomp --security-opt "seccomp=$MOBY" -o "$TMP/moby.json" 2>"$TMP/err"
    check "export default.json exits 0" [ $? -eq 0 ]
    # Docker's archMap: each main architecture and its subArchitectures.
    want=$(jq -r '[.archMap[] | .architecture, (.subArchitectures // [])[]] | unique | join(" ")' "$MOBY")
    got=$(jq -r '.architectures | unique | join(" ")' "$TMP/moby.json")
    check "export: every architecture of archMap, sub-architectures too ($(jq '.architectures | length' "$TMP/moby.json") of $(jq '[.archMap[] | .architecture, (.subArchitectures // [])[]] | unique | length' "$MOBY"))" [ "$got" = "$want" ]
    check "export: defaultAction and defaultErrnoRet kept" \
        [ "$(jq -c '[.defaultAction, .defaultErrnoRet]' "$TMP/moby.json")" = "$(jq -c '[.defaultAction, .defaultErrnoRet]' "$MOBY")" ]
    # with Docker's 14 capabilities, the CAP_SYS_ADMIN-only rule is resolved away
    check "export: includes resolved (no rule needs CAP_SYS_ADMIN; unshare is not allowed)" \
        [ "$(jq '[.syscalls[] | select(.names | index("unshare"))] | length' "$TMP/moby.json")" = 0 ]
    check "export: no includes/excludes left (the OCI format has none)" \
        [ "$(jq '[.syscalls[] | select(.includes or .excludes)] | length' "$TMP/moby.json")" = 0 ]
    # and runc's shape loads back as a profile
    "$ISOLAB" lint "$TMP/moby.json" >/dev/null 2>&1
    check "export: the output is a valid profile (lint exit < 2)" [ $? -lt 2 ]
fi

if command -v jq >/dev/null; then
    cat > "$TMP/agent.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 38,
 "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64",
                   "SCMP_ARCH_ARM", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390X", "SCMP_ARCH_RISCV64"],
 "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
 "listenerPath": "/run/agent.sock", "listenerMetadata": "lab",
 "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"},
              {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 97,
               "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_EQ"}]}]}
JSON
    out=$("$ISOLAB" export-seccomp --security-opt "seccomp=$TMP/agent.json" 2>&1)
    check "export agent.json exits 0" [ $? -eq 0 ]
    j() { printf '%s' "$out" | jq -c "$1" 2>/dev/null; }
    check "export: all 8 architectures (got $(j '.architectures | length'))" \
        [ "$(j '.architectures')" = "$(jq -c .architectures "$TMP/agent.json")" ]
    check "export: flags kept (got $(j .flags))" [ "$(j .flags)" = '["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW"]' ]
    check "export: listenerPath kept (got $(j .listenerPath))" [ "$(j .listenerPath)" = '"/run/agent.sock"' ]
    check "export: listenerMetadata kept" [ "$(j .listenerMetadata)" = '"lab"' ]
    check "export: an argument rule with its operator and errnoRet" \
        [ "$(j '.syscalls[1]')" = '{"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":97,"args":[{"index":0,"value":40,"valueTwo":0,"op":"SCMP_CMP_EQ"}]}' ]
fi

for flags in "--security-opt seccomp=unconfined" "--privileged" "--no-seccomp"; do
    rm -f "$TMP/none.json"
    # shellcheck disable=SC2086
    err=$("$ISOLAB" export-seccomp $flags -o "$TMP/none.json" 2>&1 >/dev/null); rc=$?
    check "export $flags: exit 1, no filter (rc $rc)" [ $rc -eq 1 ]
    expect_contains "export $flags: says there is no filter" "$err" "there is no filter to export"
    check "export $flags: writes no file" [ ! -e "$TMP/none.json" ]
done

# ---- unknown syscall names ---------------------------------------------------
if ! need_root && ! unshare -U true 2>/dev/null; then
    skip "run: unknown syscall warnings" "neither root nor unprivileged user namespaces"
else
    printf '%s\n' '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [' \
        '  {"names": ["chmod", "no_such_call"], "action": "SCMP_ACT_ERRNO"},' \
        '  {"names": ["no_such_call", "mkdir"], "action": "SCMP_ACT_ERRNO"}]}' > "$TMP/bogus.json"
    for k in 1 2; do   # the second run meets a filter cache that must not hide it
        err=$("$ISOLAB" run --security-opt "seccomp=$TMP/bogus.json" -- true 2>&1); rc=$?
        check "run ($k) with an unknown name still runs (rc $rc)" [ $rc -eq 0 ]
        expect_contains "run ($k): warns about it, with the place" "$err" \
            "isolab: warning: seccomp: $TMP/bogus.json:2:3: syscalls[0]: unknown syscall \"no_such_call\" skipped"
        check "run ($k): once per name ($(printf '%s\n' "$err" | grep -c no_such_call))" \
            [ "$(printf '%s\n' "$err" | grep -c no_such_call)" = 1 ]
    done
    out=$("$ISOLAB" run --security-opt "seccomp=$TMP/bogus.json" -- sh -c 'mkdir /tmp/d; echo $?' 2>/dev/null)
    check "run: the known names of the rule still apply (mkdir refused: $out)" [ "$out" != 0 ]
    err=$("$ISOLAB" run --security-opt "seccomp=$ROOT/profiles/seccomp/no-chmod.json" -- true 2>&1)
    expect_not_contains "run: a profile of known names gives no warning" "$err" "warning"
    err=$("$ISOLAB" run -- true 2>&1)
    expect_not_contains "run: Docker's profile (names newer than libseccomp) gives no warning" "$err" "warning"
fi

# ---- -u, Docker's short --user ----------------------------------------------
if need_root; then
    out=$("$ISOLAB" run -u 1000:1000 -- id -u 2>&1)
    check "run -u 1000:1000: the command runs as uid 1000 (got $out)" [ "$out" = 1000 ]
    out=$("$ISOLAB" run -u1001 -- id -u 2>&1)
    check "run -u1001: the value may be joined (got $out)" [ "$out" = 1001 ]
else
    skip "run -u" "needs root to change the uid"
fi
err=$("$ISOLAB" run -u 2>&1); rc=$?
check "run -u without a value: exit 125 (rc $rc)" [ $rc -eq 125 ]
expect_contains "run -u without a value: says --user needs a value" "$err" "needs a value"
err=$("$ISOLAB" run -u abc -- true 2>&1)
expect_contains "run -u abc: refused as --user is" "$err" "expected a numeric UID"
# ---- --version -----------------------------------------------------------------
out=$("$ISOLAB" --version 2>&1); rc=$?
check "--version exits 0" [ "$rc" -eq 0 ]
expect_contains "--version names the build" "$out" "isolab "
kernel=$(uname -r)
expect_contains "--version names libseccomp and this kernel ($kernel)" "$out" "kernel $kernel"
expect_contains "--version says which cgroups and LSM isolab uses here" "$out" "cgroups "

exit $_t_failed

