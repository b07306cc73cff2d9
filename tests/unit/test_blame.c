/* One conclusion from the attribution runs (probe_blame_conclude), used by
 * `isolab probe --blame` (probes_blame) and the lab's partial attribution
 * (lab_probes_blame). Before it, probes.c said "only the combination"
 * whenever no layer alone blocked the probe, and lab_blame.c said so only
 * when every layer in force had been tried alone: on the runs a lab step
 * makes (only the layers it asks about), the two disagreed. The runs here
 * are written out by hand; which sandboxes produce them is the
 * integration suites' business. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "isolab.h"
#include "probes.h"

static struct probe_result res(enum probe_verdict v)
{
    struct probe_result r = {.verdict = v, .err = v == PROBE_BLOCKED ? 1 : 0};
    return r;
}

/* Docker's defaults: every layer in force; `tried` layers were run alone
 * with verdict alone_v, blocked ones with PROBE_BLOCKED. */
static struct probe_blame runs(const struct lab_config *cfg, unsigned tried, unsigned blocks,
                               enum probe_verdict baseline)
{
    struct probe_blame b;
    memset(&b, 0, sizeof b);
    b.full = res(PROBE_BLOCKED);
    b.baseline = res(baseline);
    for (int id = 0; id < LAYER_COUNT; id++) {
        if (!layer_in_force(cfg, id) || !(tried & (1u << id)))
            continue;
        b.layer_tested[id] = true;
        b.alone[id] = res(blocks & (1u << id) ? PROBE_BLOCKED : PROBE_ALLOWED);
    }
    return b;
}

static void test_partial_runs_do_not_claim_the_combination(void **state)
{
    (void)state;
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    /* a lab step that asks only "blocked by seccomp?": seccomp alone allows
     * it, the other layers were never tried. The old probes.c rule said
     * "only the combination" here; nothing is known about the others. */
    struct probe_blame b = runs(&cfg, 1u << LAYER_SECCOMP, 0, PROBE_ALLOWED);
    probe_blame_conclude(&cfg, &b);
    assert_false(b.combination);
    assert_int_equal(b.blocked_by, 0);
    assert_false(b.host_blocks);

    /* every layer tried, none blocks alone: that is the combination */
    b = runs(&cfg, ~0u, 0, PROBE_ALLOWED);
    probe_blame_conclude(&cfg, &b);
    assert_true(b.combination);
    assert_int_equal(b.blocked_by, 0);
}

static void test_layers_alone_and_the_host(void **state)
{
    (void)state;
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    unsigned two = (1u << LAYER_SECCOMP) | (1u << LAYER_CAPS);
    struct probe_blame b = runs(&cfg, ~0u, two, PROBE_ALLOWED);
    probe_blame_conclude(&cfg, &b);
    assert_int_equal(b.blocked_by, two);
    assert_false(b.combination);

    /* blocked with every layer off too: the host, and no layer is blamed */
    b = runs(&cfg, ~0u, two, PROBE_BLOCKED);
    probe_blame_conclude(&cfg, &b);
    assert_true(b.host_blocks);
    assert_int_equal(b.blocked_by, 0);
    assert_false(b.combination);

    /* allowed under the full configuration: no conclusion at all */
    b = runs(&cfg, ~0u, two, PROBE_ALLOWED);
    b.full = res(PROBE_ALLOWED);
    probe_blame_conclude(&cfg, &b);
    assert_int_equal(b.blocked_by, 0);
    assert_false(b.combination || b.host_blocks);

    /* no layer in force: whatever blocks it is the host */
    for (int id = 0; id < LAYER_COUNT; id++)
        cfg.layer_on[id] = false;
    b = runs(&cfg, 0, 0, PROBE_ALLOWED);
    probe_blame_conclude(&cfg, &b);
    assert_true(b.host_blocks);
}

static void test_a_layer_that_could_not_run_is_not_tried(void **state)
{
    (void)state;
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    /* the sandbox for caps alone did not start (PROBE_ERROR): the other
     * layers allow it, but caps might block it alone; no combination */
    struct probe_blame b = runs(&cfg, ~0u, 0, PROBE_ALLOWED);
    b.alone[LAYER_CAPS] = res(PROBE_ERROR);
    probe_blame_conclude(&cfg, &b);
    assert_false(b.combination);
    assert_int_equal(b.blocked_by, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partial_runs_do_not_claim_the_combination),
        cmocka_unit_test(test_layers_alone_and_the_host),
        cmocka_unit_test(test_a_layer_that_could_not_run_is_not_tried),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
