# TAP helpers for the shell suites. Source it; call pass/fail/skip/check (and plan).
# Every line is "ok - name", "not ok - name" or "ok - name # SKIP reason";
# tests/run-suites.sh counts them. ISOLAB (default: ./isolab) is the binary
# under test; run-suites.sh runs some suites again with ISOLAB=build/asan/isolab.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ISOLAB=${ISOLAB:-$ROOT/isolab}
_t_failed=0
pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; _t_failed=1; }
skip() { local name=$1; shift; echo "ok - $name # SKIP $*"; }
# plan N: the number of tests this suite runs (TAP's "1..N"). Declare it
# before any test; tests/run-suites.sh fails a suite that ran another number,
# and a suite skipped whole (skip_all) then counts N skips, not one.
_t_plan=
plan() { _t_plan=$1; echo "1..$1"; }
# skip_all NAME REASON: nothing of the suite can run here. One SKIP line per
# planned test (one line if the suite has no plan), then exit 0.
skip_all() {
    local name=$1 i; shift
    [ -n "$_t_plan" ] || { skip "$name" "$* (no plan: its tests are not counted)"; exit 0; }
    for ((i = 1; i <= _t_plan; i++)); do echo "ok - $name: test $i of $_t_plan # SKIP $*"; done
    exit 0
}
# check NAME CMD... : pass if CMD exits 0
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
# expect_contains NAME HAYSTACK NEEDLE
expect_contains() {
    if printf '%s' "$2" | grep -qF -- "$3"; then pass "$1"; else
        fail "$1"; printf '#   expected to find: %s\n#   in: %s\n' "$3" "$(printf '%s' "$2" | head -20 | sed 's/^/#     /')"; fi
}
expect_not_contains() {
    if printf '%s' "$2" | grep -qF -- "$3"; then
        fail "$1"; printf '#   did not expect: %s\n' "$3"; else pass "$1"; fi
}
# asan_denied OUT: OUT shows the ASan build's own runtime dying in a sandbox
# whose seccomp filter denies a syscall the runtime needs (sigaltstack, before
# a _Noreturn call): an artefact of the instrumented binary, not of isolab.
asan_denied() { printf '%s' "$1" | tr '\n' ' ' | grep -q 'AddressSanitizer: CHECK failed: .*sigaltstack'; }
need_root() { [ "$(id -u)" -eq 0 ]; }
