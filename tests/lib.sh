# TAP helpers for the shell suites. Source it; call plan-free ok/fail/skip.
# Every line is "ok - name", "not ok - name" or "ok - name # SKIP reason";
# tests/run-suites.sh counts them.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ISOLAB=${ISOLAB:-$ROOT/isolab}
_t_failed=0
pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; _t_failed=1; }
skip() { local name=$1; shift; echo "ok - $name # SKIP $*"; }
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
need_root() { [ "$(id -u)" -eq 0 ]; }
