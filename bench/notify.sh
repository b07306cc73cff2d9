#!/usr/bin/env bash
# The live supervisor's cost.
# 1. The notify round trip for one syscall (getpgid, notified in live mode,
#    allowed in BPF by the plain filter), timed inside the sandbox over
#    20000 calls: cost in us and the ratio. Target: at most 10 us a call.
# 2. 1000 runs of /bin/true from a shell loop under --live (every non-fixed
#    syscall notified) against the plain filter. Target: at most 1.3x.
cd "$(dirname "$0")/.." || exit 1
ISOLAB=${ISOLAB:-./isolab}
RT=build/bench/notify_rt
mkdir -p build/bench
if cc -O2 -o "$RT" bench/notify_rt.c; then
    p=$("$ISOLAB" run -- "$PWD/$RT" 20000 2>/dev/null)
    l=$("$ISOLAB" run --live -- "$PWD/$RT" 20000 2>/dev/null)
    awk -v p="$p" -v l="$l" 'BEGIN {
        if (p == "" || l == "") { print "notify: round trip: not measured (isolab run failed)"; exit }
        printf "notify: one syscall (getpgid): plain filter %.2f us, live (notify round trip) %.2f us, " \
               "cost %.2f us, ratio %.1fx (target: round trip <= 10 us)\n", p / 1000, l / 1000,
               (l - p) / 1000, l / p }'
else
    echo "notify: round trip: not measured (no C compiler)"
fi
loop='for i in $(seq 1000); do /bin/true; done'
t() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
plain=$(t "$ISOLAB" run -- sh -c "$loop")
live=$(t "$ISOLAB" run --live -- sh -c "$loop")
echo "notify: 1000 x /bin/true: plain filter ${plain} ms, live ${live} ms," \
     "ratio $(awk -v a="$live" -v b="$plain" 'BEGIN { printf "%.2f", a / b }') (target <= 1.3)"
