/* Shared by the cmocka integration suites: run one probe in a real sandbox
 * and print what the kernel said, as a TAP comment. Include after cmocka.h. */
#ifndef ISOLAB_TEST_PROBE_HELPERS_H
#define ISOLAB_TEST_PROBE_HELPERS_H

#include <stdio.h>

#include "isolab.h"
#include "probes.h"

static inline struct probe_result run_one_probe(const struct lab_config *cfg, const char *id,
                                                const char *label)
{
    int idx = probe_index(id);
    assert_true(idx >= 0);
    struct probe_result r;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (probes_run(cfg, &idx, 1, &r, &err) < 0)
        fail_msg("probes_run %s: %s (hint: %s)", id, err.msg, err.hint);
    char s[64];
    probe_result_str(&r, s, sizeof s);
    printf("# %s%s%s: %s %s (%s)\n", id, label ? " under " : "", label ? label : "",
           probe_verdict_name(r.verdict), s, r.detail);
    return r;
}

/* Docker's defaults with the LSM policy `policy`, or with the LSM layer off
 * (apparmor=unconfined) when policy is NULL. */
static inline void lsm_test_config(struct lab_config *cfg, const char *policy)
{
    lab_config_init_docker(cfg);
    cfg->tty = false;
    if (policy)
        snprintf(cfg->lsm_profile, sizeof cfg->lsm_profile, "%s", policy);
    else
        cfg->layer_on[LAYER_LSM] = false;
}

/* One probe, labelled with the LSM policy in force. */
static inline struct probe_result lsm_run_probe(const struct lab_config *cfg, const char *id)
{
    return run_one_probe(cfg, id, cfg->layer_on[LAYER_LSM] ? cfg->lsm_profile : "unconfined");
}

#endif
