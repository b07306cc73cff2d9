#!/usr/bin/env bash
# make bench, part 6 (issue 12, P2): a cold `isolab probe --blame` against a
# plain `isolab probe`, side by side in one hyperfine run, with the filter
# cache off (ISOLAB_NO_CACHE=1: every compilation is paid). Target: the ratio
# is at most 1.5.
set -eu
cd "$(dirname "$0")/.."
ISOLAB=${ISOLAB:-$PWD/isolab}
RUNS=${BLAME_RUNS:-10}
W=build/bench; mkdir -p "$W"
command -v hyperfine >/dev/null || { echo "blame: hyperfine is missing (make deps installs it)"; exit 1; }
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$W/blame.json" \
    -n probe "env ISOLAB_NO_CACHE=1 $ISOLAB probe" \
    -n probe-blame "env ISOLAB_NO_CACHE=1 $ISOLAB probe --blame" >/dev/null 2>&1 ||
    { echo "blame: a probe run failed"; exit 1; }
jq -r '(.results | map({key: .command, value: .median}) | from_entries) as $m |
  ($m["probe-blame"] / $m.probe) as $r |
  "blame: cold isolab probe --blame \($m["probe-blame"] * 1000 | round) ms, isolab probe \($m.probe * 1000 | round) ms (medians of \(.results[0].times | length)): ratio \($r * 100 | round / 100) (target <= 1.5: \(if $r <= 1.5 then "met" else "MISSED" end))"' "$W/blame.json"
