#!/usr/bin/env bash
# Runs every suite and ends with one line: "N passed, N failed, N skipped".
# Suites speak TAP ("ok", "not ok", "# SKIP"); a suite that exits non-zero
# without reporting a failure counts as one failure.
set -u
cd "$(dirname "$0")/.."
pass=0 failn=0 skipn=0
log=build/check.log
mkdir -p build; : > "$log"

# plan_check NAME OUT: a shell suite that declared a plan ("1..N", from
# plan in tests/lib.sh) must have reported exactly N tests.
plan_check() {
    local plan n
    plan=$(printf '%s\n' "$2" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p')
    [ -n "$plan" ] || return 0
    [ "$(printf '%s\n' "$plan" | wc -l)" -eq 1 ] || { echo "not ok - $1 printed more than one plan line"; return 1; }
    n=$(printf '%s\n' "$2" | grep -cE '^(not )?ok ')
    [ "$n" -eq "$plan" ] && return 0
    echo "not ok - $1 planned $plan tests and reported $n (fix the test or its plan line)"
    return 1
}

# asan_check NAME OUT: ASan/UBSan reports, in the suite's output or in the
# files under $ASAN_LOGS (log_path), fail the suite. Emptied for the next one.
asan_check() {
    local logs
    # A report that a tool wrapped ("CHECK failed:" at a line's end) is read
    # joined with its next line, so the sigaltstack exemption still sees it.
    logs=$({ cat "$ASAN_LOGS"/* 2>/dev/null; printf '%s\n' "$2"; } |
        awk '/CHECK failed: *$/ { j = $0; if ((getline n) > 0) j = j " " n; print j; next } { print }' |
        grep -E 'ERROR: (Address|Leak)Sanitizer|Sanitizer has encountered a fatal error|Sanitizer: CHECK failed|runtime error:|SUMMARY: (Address|Undefined|Leak)' |
        grep -v 'CHECK failed: .*sigaltstack')   # asan_denied in tests/lib.sh
    rm -f "$ASAN_LOGS"/*
    [ -n "$logs" ] || return 0
    echo "not ok - $1: the sanitizers reported an error"
    printf '%s\n' "$logs" | head -40 | sed 's/^/#   /'
    printf '%s\n' "$logs" >> "$log"
    return 1
}

run_suite() {   # name, command...  (SUITE_KIND=sh: check the plan; asan: the sanitizers)
    local name=$1; shift
    local out rc t0=$SECONDS
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
    if [ $((p + f + s)) -eq 0 ]; then
        echo "not ok - $name reported no test (a helper run as a suite?)"; f=$((f + 1))
    elif [ "$f" -eq 0 ] && [[ ${SUITE_KIND:-} == *sh* ]]; then
        plan_check "$name" "$out" || f=$((f + 1))
    fi
    if [[ ${SUITE_KIND:-} == *asan* ]]; then
        asan_check "$name" "$out" || f=$((f + 1))
    fi
    echo "   $name: $p passed, $f failed, $s skipped ($((SECONDS - t0)) s)"
    pass=$((pass + p)); failn=$((failn + f)); skipn=$((skipn + s))
}

export CMOCKA_MESSAGE_OUTPUT=TAP
for t in build/tests/unit/test_*; do
    [ -x "$t" ] && run_suite "unit/$(basename "$t")" "$t"
done
for t in build/tests/integration/test_*; do
    [ -x "$t" ] && run_suite "integration/$(basename "$t")" "$t"
done
# Suites are tests/*/*.sh; helpers they source live in a lib/ folder.
for t in tests/integration/*.sh tests/tui/*.sh; do
    [ -f "$t" ] && SUITE_KIND=sh run_suite "${t#tests/}" bash "$t"
done
for t in tests/health/*.sh; do
    [ -f "$t" ] && SUITE_KIND=sh run_suite "${t#tests/}" bash "$t"
done
for t in tests/oracle/*.sh; do
    case $t in *_lib.sh) ;; *) SUITE_KIND=sh run_suite "${t#tests/}" bash "$t" ;; esac
done
[ -f tests/fuzz/run.sh ] && SUITE_KIND=sh run_suite "fuzz" bash tests/fuzz/run.sh
[ -f tests/vm/run.sh ] && run_suite "vm" bash tests/vm/run.sh

# The engine under ASan/UBSan (make check builds it): the ASan integration
# binaries and the suites that drive isolab hardest, again. A sanitizer
# report -- in the suite's output, or in what tests/asan-isolab copied of
# isolab's stderr (the sandboxes' too) -- fails the suite. Leaks too.
ASAN_BIN=build/asan/isolab
if [ -x "$ASAN_BIN" ]; then
    ASAN_LOGS=$PWD/build/asan/logs
    mkdir -p "$ASAN_LOGS"; rm -f "$ASAN_LOGS"/*
    # Reports go to stderr; tests/asan-isolab copies isolab's to $ASAN_LOGS.
    export ASAN_LOGS ASAN_OPTIONS="detect_leaks=1${ISOLAB_ASAN_OPTIONS:+:$ISOLAB_ASAN_OPTIONS}"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    for t in build/asan/tests/unit/test_*; do
        [ -x "$t" ] && SUITE_KIND=asan run_suite "asan/unit/$(basename "$t")" "$t"
    done
    for t in build/asan/tests/integration/test_*; do
        # test_blame_incremental runs the whole probe catalogue ~20 times:
        # over 15 minutes under ASan on 2 cores; its plain run (above) is
        # the equality proof, and the engine code it drives is under ASan
        # in test_probes and engine.sh.
        [ "$(basename "$t")" = test_blame_incremental ] && continue
        [ -x "$t" ] && SUITE_KIND=asan run_suite "asan/integration/$(basename "$t")" "$t"
    done
    for t in engine profiles labs import; do
        ISOLAB=$PWD/tests/asan-isolab SUITE_KIND=sh,asan \
            run_suite "asan/integration/$t.sh" bash "tests/integration/$t.sh"
    done
    unset ASAN_OPTIONS UBSAN_OPTIONS ASAN_LOGS
else
    echo "not ok - asan: $ASAN_BIN is not built (make check builds it)"; failn=$((failn + 1))
fi

echo "# run-suites: $SECONDS s"
echo "$pass passed, $failn failed, $skipn skipped"
[ "$failn" -eq 0 ]
