#!/usr/bin/env bash
# The live supervisor's cost: 1000 runs of /bin/true from a shell loop under
# --live (every non-fixed syscall notified) against the plain filter.
# Target: at most 1.3x.
cd "$(dirname "$0")/.." || exit 1
ISOLAB=${ISOLAB:-./isolab}
loop='for i in $(seq 1000); do /bin/true; done'
t() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
plain=$(t "$ISOLAB" run -- sh -c "$loop")
live=$(t "$ISOLAB" run --live -- sh -c "$loop")
echo "notify: 1000 x /bin/true: plain filter ${plain} ms, live ${live} ms," \
     "ratio $(awk -v a="$live" -v b="$plain" 'BEGIN { printf "%.2f", a / b }') (target <= 1.3)"
