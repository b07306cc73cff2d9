/* Incremental attribution equals a fresh one. One cache is carried through
 * a sequence of configurations, each changing one layer of the one before
 * (the seccomp profile, the LSM policy, a cgroup limit, the capabilities,
 * the namespaces, a layer off); at each step the matrix from the cache
 * (probes_blame_cached) must equal the exhaustive reference run from
 * nothing (probes_blame_every_run: every probe under every layer alone,
 * one sandbox after the other). Back at the first configuration, nothing
 * is run again. Real sandboxes, as root. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "isolab.h"
#include "probes.h"

static struct probe_cache *cache;

/* cpu-share measures the CPU time it gets: on a busy machine it answers
 * "cannot tell" (ERROR) or even sees a limit where there is none, in either
 * run. With no CPU limit in the configuration, a difference in it is the
 * machine's load, not attribution. */
static const struct lab_config *cur_cfg;
static bool load_dependent(int i, const struct probe_result *a, const struct probe_result *b)
{
    if (strcmp(probe_catalogue[i].id, "cpu-share") != 0)
        return false;
    return a->verdict == PROBE_ERROR || b->verdict == PROBE_ERROR;
}

static int same_result(int i, const char *what, const struct probe_result *a,
                       const struct probe_result *b)
{
    if (a->verdict == b->verdict && a->err == b->err && a->sig == b->sig)
        return 0;
    if (load_dependent(i, a, b)) {
        printf("# %s %s: %s vs %s (%s): the machine's load, not compared\n",
               probe_catalogue[i].id, what, probe_verdict_name(a->verdict),
               probe_verdict_name(b->verdict), a->verdict == PROBE_ERROR ? a->detail : b->detail);
        return 0;
    }
    char sa[64], sb[64];
    probe_result_str(a, sa, sizeof sa);
    probe_result_str(b, sb, sizeof sb);
    printf("# %s %s: incremental %s (%s), fresh %s (%s)\n", probe_catalogue[i].id, what, sa,
           a->detail, sb, b->detail);
    return 1;
}

static int compare_all(size_t i, const struct probe_blame *inc, const struct probe_blame *ref);

static int compare(size_t i, const struct probe_blame *inc, const struct probe_blame *ref)
{
    int bad = compare_all(i, inc, ref);
    /* cpu-share with no CPU limit: whatever differs is the machine's load */
    if (bad && !strcmp(probe_catalogue[i].id, "cpu-share") && cur_cfg->cpus <= 0) {
        printf("# cpu-share: %d differences with no CPU limit: the machine's load, "
               "not compared\n", bad);
        return 0;
    }
    return bad;
}

static int compare_all(size_t i, const struct probe_blame *inc, const struct probe_blame *ref)
{
    int bad = same_result((int)i, "full", &inc->full, &ref->full);
    if (bad || inc->full.verdict != PROBE_BLOCKED)
        return bad;
    for (int id = 0; id < LAYER_COUNT; id++) {
        if (inc->layer_tested[id] != ref->layer_tested[id]) {
            printf("# %s: %s tried alone: incremental %d, fresh %d\n", probe_catalogue[i].id,
                   layer_name(id), inc->layer_tested[id], ref->layer_tested[id]);
            bad++;
        } else if (ref->layer_tested[id]) {
            bad += same_result((int)i, layer_name(id), &inc->alone[id], &ref->alone[id]);
        }
    }
    bad += same_result((int)i, "baseline", &inc->baseline, &ref->baseline);
    if (inc->blocked_by != ref->blocked_by || inc->combination != ref->combination ||
        inc->host_blocks != ref->host_blocks) {
        printf("# %s: blocked by %#x/%d/%d incremental, %#x/%d/%d fresh\n", probe_catalogue[i].id,
               inc->blocked_by, inc->combination, inc->host_blocks, ref->blocked_by,
               ref->combination, ref->host_blocks);
        bad++;
    }
    return bad;
}

/* One step: the incremental matrix (the TUI's way: every layer alone for
 * the quick probes, from the cache carried along) and the command line's
 * (probes_blame, nothing kept) against the fresh exhaustive one; returns how
 * many results the incremental run ran (the cache's count). */
static size_t step(const char *what, const struct lab_config *cfg)
{
    static struct probe_blame inc[256], cli[256], ref[256];
    assert_true(probe_count <= 256);
    struct isolab_err err;
    isolab_err_clear(&err);
    size_t h0, r0, h1, r1;
    cur_cfg = cfg;
    probe_cache_counts(cache, &h0, &r0);
    if (probes_blame_cached(cache, cfg, NULL, 0, PROBE_BLAME_EVERY_LAYER, inc, NULL, NULL,
                            &err) < 0)
        fail_msg("%s: probes_blame_cached: %s (hint: %s)", what, err.msg, err.hint);
    probe_cache_counts(cache, &h1, &r1);
    if (probes_blame(cfg, NULL, 0, cli, &err) < 0)
        fail_msg("%s: probes_blame: %s (hint: %s)", what, err.msg, err.hint);
    if (probes_blame_every_run(cfg, NULL, 0, ref, &err) < 0)
        fail_msg("%s: probes_blame_every_run: %s (hint: %s)", what, err.msg, err.hint);
    int bad = 0, bad_cli = 0;
    for (size_t i = 0; i < probe_count; i++) {
        bad += compare(i, &inc[i], &ref[i]);
        bad_cli += compare(i, &cli[i], &ref[i]);
    }
    printf("# %s: %zu results run, %zu from the cache, %d differences (command line: %d)\n",
           what, r1 - r0, h1 - h0, bad, bad_cli);
    if (bad || bad_cli)
        fail_msg("%s: the incremental matrix differs from a fresh one in %d places, the "
                 "command line's in %d", what, bad, bad_cli);
    return r1 - r0;
}

/* Docker's profile without the chmod family (they fall to its default,
 * EPERM): one edit, as a learner makes it, written to a file of our own. */
static void profile_without_chmod(char *out, size_t n)
{
    char src[ISOLAB_PATH_MAX];
    if (isolab_data_path("profiles/seccomp/docker-default.json", src, sizeof src) < 0)
        fail_msg("no data path for profiles/seccomp/docker-default.json");
    json_error_t je;
    json_t *root = json_load_file(src, 0, &je);
    if (!root)
        fail_msg("%s:%d: %s", src, je.line, je.text);
    static const char *const gone[] = {"chmod", "fchmod", "fchmodat", "fchmodat2"};
    size_t i, removed = 0;
    json_t *rule;
    json_array_foreach(json_object_get(root, "syscalls"), i, rule) {
        json_t *names = json_object_get(rule, "names");
        for (size_t k = json_array_size(names); k-- > 0;)
            for (size_t g = 0; g < sizeof gone / sizeof gone[0]; g++)
                if (!strcmp(json_string_value(json_array_get(names, k)) ?: "", gone[g])) {
                    json_array_remove(names, k);
                    removed++;
                    break;
                }
    }
    assert_true(removed >= 3);
    snprintf(out, n, "/tmp/isolab-test-nochmod-%d.json", (int)getpid());
    assert_int_equal(json_dump_file(root, out, JSON_INDENT(1)), 0);
    json_decref(root);
}

static void test_each_layer_in_turn(void **state)
{
    (void)state;
    struct lab_config cfg, first;
    lab_config_init_docker(&cfg);
    cfg.tty = false;
    first = cfg;
    step("docker's defaults", &cfg);
    char path[ISOLAB_PATH_MAX];
    profile_without_chmod(path, sizeof path);
    snprintf(cfg.seccomp_profile, sizeof cfg.seccomp_profile, "%s", path);
    size_t ran = step("seccomp: the chmod family denied", &cfg);
    unlink(path);
    /* only the probes whose syscalls that changes (chmod, fchmodat2) run
     * again, in full and seccomp alone */
    assert_int_equal(ran, 2 * 2);
    if (isolab_data_path("profiles/seccomp/no-chmod.json", path, sizeof path) < 0)
        fail_msg("no data path for profiles/seccomp/no-chmod.json");
    snprintf(cfg.seccomp_profile, sizeof cfg.seccomp_profile, "%s", path);
    step("seccomp: a whole other profile (allow by default)", &cfg);
    snprintf(cfg.lsm_profile, sizeof cfg.lsm_profile, "isolab-readonly-root");
    step("lsm: isolab-readonly-root", &cfg);
    cfg.pids_limit = 50;
    step("cgroups: pids.max 50", &cfg);
    cfg.caps |= 1ULL << CAP_SYS_ADMIN;
    step("caps: + CAP_SYS_ADMIN", &cfg);
    cfg.ns[NS_NET] = false;
    step("namespaces: the host's network", &cfg);
    cfg.layer_on[LAYER_LSM] = false;
    step("lsm off", &cfg);
    ran = step("docker's defaults again", &first);
    /* everything known */
    assert_int_equal(ran, 0);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("1..0 # SKIP attribution runs sandboxes with every layer: needs root\n");
        return 0;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);    /* no buffer for the sandboxes to inherit */
    cache = probe_cache_new();
    assert_non_null(cache);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_layer_in_turn),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    probe_cache_free(cache);
    return rc;
}
