/* The probe matrix's counts (probe_tally_add): a probe that could not tell
 * (cpu-share on a busy machine) or was skipped is never counted as allowed
 * or blocked, so "N allowed, M blocked" does not move with the load. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "probes.h"

static void test_undecided_is_counted_apart(void **state)
{
    (void)state;
    struct probe_result v[] = {
        { .verdict = PROBE_ALLOWED }, { .verdict = PROBE_BLOCKED, .err = 1 },
        { .verdict = PROBE_BLOCKED, .err = 13 }, { .verdict = PROBE_ERROR },
        { .verdict = PROBE_SKIPPED },
    };
    struct probe_tally t = { 0 };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        probe_tally_add(&t, &v[i]);
    assert_int_equal(t.allowed, 1);
    assert_int_equal(t.blocked, 2);
    assert_int_equal(t.undecided, 1);
    assert_int_equal(t.skipped, 1);
}

/* the same run with cpu-share decided and undecided: the blocked count
 * differs only by the probe that moved to "could not tell" */
static void test_counts_do_not_take_a_guess(void **state)
{
    (void)state;
    struct probe_tally busy = { 0 }, idle = { 0 };
    probe_tally_add(&busy, &(struct probe_result){ .verdict = PROBE_ERROR });
    probe_tally_add(&idle, &(struct probe_result){ .verdict = PROBE_BLOCKED });
    assert_int_equal(busy.allowed + busy.blocked, 0);
    assert_int_equal(idle.blocked, 1);
    assert_int_equal(busy.undecided, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_undecided_is_counted_apart),
        cmocka_unit_test(test_counts_do_not_take_a_guess),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
