#!/usr/bin/env bash
# Every syscall a probe makes is one it declares (layers/probes/probe_key.c,
# `isolab probe --json`: "syscalls" per probe, "common_syscalls"): a seccomp
# edit that changes none of them keeps the probe's results (attribution's
# cache), so a call it makes but does not declare would keep a result the
# edit changed. strace records the probes (probe_syscalls.py) under
# configurations that send them down different paths: Docker's defaults,
# seccomp alone, seccomp allowing everything (the probes go as far as they
# can), and every capability.
source "$(dirname "$0")/../lib.sh"
if ! need_root; then
    skip_all probe_syscalls "the probes run in sandboxes with every layer: needs root"
fi
if ! command -v strace >/dev/null || ! command -v python3 >/dev/null; then
    skip_all probe_syscalls "needs strace and python3 to record the probes' syscalls"
fi
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
echo '{"defaultAction":"SCMP_ACT_ALLOW"}' > "$dir/allow.json"
configs=("docker's defaults|"
         "seccomp alone|--no-lsm --no-cgroups --no-caps --no-namespaces"
         "seccomp allowing all, alone|--no-lsm --no-cgroups --no-caps --no-namespaces --security-opt seccomp=$dir/allow.json"
         "every capability, seccomp allowing all|--cap-add ALL --security-opt seccomp=$dir/allow.json")
plan $(( ${#configs[@]} + 1 ))
"$ISOLAB" probe --json --only chmod > "$dir/declared.json"
"$ISOLAB" probe --json --preset unconfined > "$dir/all.json"
n_declared=$(jq '[.probes[] | select(.syscalls)] | length' "$dir/all.json")
n_all=$(jq '.probes | length' "$dir/all.json")
check "every probe declares its syscalls ($n_declared of $n_all)" [ "$n_declared" = "$n_all" ]
for c in "${configs[@]}"; do
    name=${c%%|*} flags=${c#*|}
    # shellcheck disable=SC2086  # the flags are words
    if ! python3 "$(dirname "$0")/probe_syscalls.py" "$ISOLAB" $flags > "$dir/rec.json" 2> "$dir/err"; then
        fail "$name: recording: $(tail -3 "$dir/err")"
        continue
    fi
    # strace names a syscall it does not know syscall_0x<nr>: fchmodat2 (452)
    bad=$(python3 - "$dir/rec.json" "$dir/all.json" <<'PY'
import json, sys
rec, cat = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
alias = {"syscall_0x1c4": "fchmodat2"}
common = set(cat["common_syscalls"].split())
out = []
for name in rec["common"]:
    if alias.get(name, name) not in common:
        out.append("common: " + name)
declared = {p["id"]: set(p.get("syscalls", "").split()) | common for p in cat["probes"]}
if len(rec["probes"]) != len(cat["probes"]):
    out.append("recorded %d probes of %d" % (len(rec["probes"]), len(cat["probes"])))
for pid, calls in rec["probes"].items():
    for name in calls:
        if alias.get(name, name) not in declared.get(pid, common):
            out.append(pid + ": " + name)
print(", ".join(out))
PY
)
    if [ -z "$bad" ]; then
        pass "$name: every recorded syscall is declared"
    else
        fail "$name: made but not declared: $bad"
    fi
done
