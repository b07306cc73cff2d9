/* Attribution for a lab step, run only as far as the step's expectations
 * need it. probes_blame() runs every probe under every layer alone; a lab
 * expectation asks less: `by`/`not_by` name the layers that matter, only
 * `min_layers` needs them all, and none of them can hold unless the probe is
 * blocked under the full configuration. So: one sandbox for the full
 * configuration, then, for the probes that came out blocked, each layer
 * alone with just the probes that ask about it, and the baseline (every
 * layer off: does the host itself block it?). probe_blame_conclude(), the
 * rule probes_blame() uses too, turns them into blocked_by/host_blocks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lab_int.h"
#include "layer.h"
#include "probe_int.h"

/* The layers whose alone-run expectation e needs (all for min_layers). */
static unsigned int layers_needed(const struct lab_expect *e)
{
    if (e->kind != LAB_EXPECT_PROBE)
        return 0;
    if (e->min_layers)
        return (1u << LAYER_COUNT) - 1;
    return e->by | e->not_by;
}

unsigned int lab_probe_layers_needed(const struct lab_step *st, int probe)
{
    unsigned int need = 0;
    for (size_t i = 0; i < st->nexpect; i++)
        if (st->expect[i].kind == LAB_EXPECT_PROBE && st->expect[i].probe == probe)
            need |= layers_needed(&st->expect[i]);
    return need;
}

/* probes_run on the probes of sel whose index is in `which` (n entries);
 * the results go to dst[which[k]] through the field picker. A sandbox that
 * does not start fails those probes with the reason, as probes_blame does. */
static void run_subset(const struct lab_config *cfg, const int *sel, const size_t *which,
                       size_t n, struct probe_result *tmp, const char *what,
                       struct probe_blame *out, int layer)
{
    int sub[64];
    for (size_t k = 0; k < n; k++)
        sub[k] = sel[which[k]];
    struct isolab_err e2;
    isolab_err_clear(&e2);
    if (probes_run(cfg, sub, n, tmp, &e2) < 0)
        for (size_t k = 0; k < n; k++)
            probe_fail(&tmp[k], e2.errnum, "%s: %s", what, e2.msg);
    for (size_t k = 0; k < n; k++) {
        struct probe_blame *b = &out[which[k]];
        if (layer < LAYER_COUNT) {
            b->alone[layer] = tmp[k];
            b->layer_tested[layer] = true;
        } else {
            b->baseline = tmp[k];
        }
    }
}

int lab_probes_blame(const struct lab_config *cfg, const int *sel, const unsigned int *need,
                     size_t nsel, struct probe_blame *out, struct isolab_err *err)
{
    if (nsel == 0)
        return 0;
    if (nsel > 64)
        return isolab_err_set(err, EINVAL, "lab: a step may check at most 64 probes");
    _cleanup_free_ struct probe_result *tmp = calloc(nsel, sizeof *tmp);
    _cleanup_free_ struct lab_config *only = malloc(sizeof *only);
    if (!tmp || !only)
        return isolab_err_set(err, ENOMEM, "lab: out of memory");
    if (probes_run(cfg, sel, nsel, tmp, err) < 0)
        return -1;
    size_t blocked[64], nb = 0;
    for (size_t i = 0; i < nsel; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].full = tmp[i];
        if (need[i] && tmp[i].verdict == PROBE_BLOCKED)
            blocked[nb++] = i;
    }
    if (nb == 0)
        return 0;   /* nothing blocked that an expectation asks about: no attribution */
    for (int id = 0; id < LAYER_COUNT; id++) {
        if (!layer_in_force(cfg, id))
            continue;
        size_t which[64], n = 0;
        for (size_t k = 0; k < nb; k++)
            if (need[blocked[k]] & (1u << id))
                which[n++] = blocked[k];
        if (n == 0)
            continue;
        lab_config_only_layer(cfg, (enum layer_id)id, only);
        run_subset(only, sel, which, n, tmp, layer_name(id), out, id);
    }
    lab_config_only_layer(cfg, LAYER_COUNT, only);
    run_subset(only, sel, blocked, nb, tmp, "baseline", out, LAYER_COUNT);
    for (size_t k = 0; k < nb; k++)
        probe_blame_conclude(cfg, &out[blocked[k]]);
    return 0;
}
