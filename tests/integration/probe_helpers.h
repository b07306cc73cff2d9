/* Shared by the cmocka integration suites: run one probe in a real sandbox
 * and print what the kernel said, as a TAP comment. Include after cmocka.h. */
#ifndef ISOLAB_TEST_PROBE_HELPERS_H
#define ISOLAB_TEST_PROBE_HELPERS_H

#include <stdio.h>

#include <linux/capability.h>

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

/* One probe under cfg's LSM policy: asserts the verdict and, unless err is
 * -1, the errno the kernel gave. */
static inline struct probe_result lsm_expect(const struct lab_config *cfg, const char *id,
                                             enum probe_verdict verdict, int err)
{
    struct probe_result r = lsm_run_probe(cfg, id);
    assert_int_equal(r.verdict, verdict);
    if (err != -1)
        assert_int_equal(r.err, err);
    return r;
}

/* The same probe with the LSM layer switched off is allowed: what refused
 * it was the LSM layer. */
static inline void lsm_expect_allowed_without_lsm(struct lab_config *cfg, const char *id)
{
    cfg->layer_on[LAYER_LSM] = false;
    lsm_expect(cfg, id, PROBE_ALLOWED, -1);
}

/* --blame for one probe, printed with what the LSM layer alone said. */
static inline struct probe_blame lsm_blame_probe(const struct lab_config *cfg, const char *id)
{
    int idx = probe_index(id);
    assert_true(idx >= 0);
    struct probe_blame b;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (probes_blame(cfg, &idx, 1, &b, &err) < 0)
        fail_msg("probes_blame %s: %s", id, err.msg);
    char s[64], a[64];
    probe_result_str(&b.full, s, sizeof s);
    probe_result_str(&b.alone[LAYER_LSM], a, sizeof a);
    printf("# %s: full %s %s (%s); lsm alone %s (%s); blocked_by mask 0x%x\n", id,
           probe_verdict_name(b.full.verdict), s, b.full.detail, a, b.alone[LAYER_LSM].detail,
           b.blocked_by);
    return b;
}

/* Docker's defaults with the LSM policy, plus --cap-add SYS_ADMIN and
 * seccomp=unconfined: only the LSM layer is left to refuse a mount. */
static inline void lsm_mount_config(struct lab_config *cfg, const char *policy)
{
    lsm_test_config(cfg, policy);
    cfg->caps = caps_docker_default() | (1ULL << CAP_SYS_ADMIN);
    cfg->layer_on[LAYER_SECCOMP] = false;
}

#endif
