#!/usr/bin/env bash
# Runs every suite and ends with one line: "N passed, N failed, N skipped".
# Suites speak TAP ("ok", "not ok", "# SKIP"); a suite that exits non-zero
# without reporting a failure counts as one failure.
set -u
cd "$(dirname "$0")/.."
pass=0 failn=0 skipn=0
log=build/check.log
mkdir -p build; : > "$log"

run_suite() {   # name, command...
    local name=$1; shift
    local out rc
    echo "== $name" | tee -a "$log"
    out=$("$@" 2>&1); rc=$?
    printf '%s\n' "$out" >> "$log"
    local p f s
    # cmocka reports a skipped test as "not ok N # SKIP": a skip, not a failure.
    p=$(printf '%s\n' "$out" | grep -E '^ok ' | grep -vc '# SKIP')
    s=$(printf '%s\n' "$out" | grep -E '^(not )?ok ' | grep -c '# SKIP')
    f=$(printf '%s\n' "$out" | grep -E '^not ok ' | grep -vc '# SKIP')
    printf '%s\n' "$out" | grep -E '^(not ok |ok .*# SKIP)|^#' | head -60
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $name exited with status $rc"; f=1
        printf '%s\n' "$out" | tail -15 | sed 's/^/#   /'
    fi
    echo "   $name: $p passed, $f failed, $s skipped"
    pass=$((pass + p)); failn=$((failn + f)); skipn=$((skipn + s))
}

export CMOCKA_MESSAGE_OUTPUT=TAP
for t in build/tests/unit/test_*; do
    [ -x "$t" ] && run_suite "unit/$(basename "$t")" "$t"
done
for t in build/asan/tests/unit/test_*; do
    [ -x "$t" ] && run_suite "unit-asan/$(basename "$t")" "$t"
done
for t in build/tests/integration/test_*; do
    [ -x "$t" ] && run_suite "integration/$(basename "$t")" "$t"
done
for t in tests/integration/*.sh tests/tui/*.sh; do
    [ -f "$t" ] && run_suite "${t#tests/}" bash "$t"
done
for t in tests/oracle/*.sh; do case $t in *_lib.sh) ;; *) run_suite "${t#tests/}" bash "$t" ;; esac; done
[ -f tests/fuzz/run.sh ] && run_suite "fuzz" bash tests/fuzz/run.sh
[ -f tests/vm/run.sh ] && run_suite "vm" bash tests/vm/run.sh

echo "$pass passed, $failn failed, $skipn skipped"
[ "$failn" -eq 0 ]
