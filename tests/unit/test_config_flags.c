/* Docker-style layer flags only edit struct lab_config; bad values are
 * refused with the flag, the value, what was wrong and the fix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/capability.h>
#include <string.h>

#include "isolab.h"

/* Parse argv (NULL-terminated) into cfg, starting from Docker's defaults.
 * Returns the last lab_config_parse_flag result. */
static int parse(struct lab_config *cfg, struct isolab_err *err, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;
    va_start(ap, err);
    for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    lab_config_init_docker(cfg);
    isolab_err_clear(err);
    int i = 0, rc = 1;
    while (i < argc && rc > 0)
        rc = lab_config_parse_flag(cfg, argc, argv, &i, err);
    return rc;
}

static void test_caps(void **state)
{
    struct lab_config c;
    struct isolab_err e;
    assert_int_equal(parse(&c, &e, "--cap-add", "SYS_ADMIN", "--cap-drop=NET_RAW", NULL), 1);
    assert_true(c.caps & (1ull << CAP_SYS_ADMIN));
    assert_false(c.caps & (1ull << CAP_NET_RAW));
    assert_true(c.caps & (1ull << CAP_CHOWN));
    assert_int_equal(parse(&c, &e, "--cap-drop", "ALL", "--cap-add", "cap_sys_time", NULL), 1);
    assert_int_equal(c.caps, 1ull << CAP_SYS_TIME);
    assert_int_equal(parse(&c, &e, "--cap-add", "SYS_WIZARD", NULL), -1);
    assert_non_null(strstr(e.msg, "--cap-add SYS_WIZARD: unknown capability"));
    assert_non_null(strstr(e.hint, "SYS_ADMIN"));
}

static void test_security_opt(void **state)
{
    struct lab_config c;
    struct isolab_err e;
    assert_int_equal(parse(&c, &e, "--security-opt", "seccomp=unconfined", NULL), 1);
    assert_false(c.layer_on[LAYER_SECCOMP]);
    assert_int_equal(parse(&c, &e, "--security-opt", "seccomp=/x/p.json", NULL), 1);
    assert_true(c.layer_on[LAYER_SECCOMP]);
    assert_string_equal(c.seccomp_profile, "/x/p.json");
    assert_int_equal(parse(&c, &e, "--security-opt=apparmor=unconfined", NULL), 1);
    assert_false(c.layer_on[LAYER_LSM]);
    assert_int_equal(parse(&c, &e, "--security-opt", "apparmor=docker-default", NULL), 1);
    assert_string_equal(c.lsm_profile, "isolab-default");
    assert_int_equal(parse(&c, &e, "--security-opt", "no-new-privileges", NULL), 1);
    assert_true(c.no_new_privs);
    assert_int_equal(parse(&c, &e, "--security-opt", "selinux=foo", NULL), -1);
    assert_non_null(strstr(e.msg, "unknown security option"));
    assert_int_equal(parse(&c, &e, "--security-opt", NULL), -1);
    assert_non_null(strstr(e.msg, "needs a value"));
}

static void test_namespaces(void **state)
{
    struct lab_config c;
    struct isolab_err e;
    assert_int_equal(parse(&c, &e, "--ns", "user,pid", NULL), 1);
    for (int k = 0; k < NS_COUNT; k++)
        assert_int_equal(c.ns[k], k == NS_USER || k == NS_PID);
    assert_int_equal(parse(&c, &e, "--no-ns", "net,mount", NULL), 1);
    assert_false(c.ns[NS_NET]);
    assert_false(c.ns[NS_MNT]);
    assert_true(c.ns[NS_PID]);
    assert_int_equal(parse(&c, &e, "--ns", "pid,bogus", NULL), -1);
    assert_non_null(strstr(e.msg, "bogus: unknown namespace"));
    assert_non_null(strstr(e.hint, "user, pid, mnt"));
}

static void test_cgroup_limits(void **state)
{
    struct lab_config c;
    struct isolab_err e;
    assert_int_equal(parse(&c, &e, "--pids-limit", "10", "--memory", "64m", "--cpus", "0.5", NULL), 1);
    assert_int_equal(c.pids_limit, 10);
    assert_int_equal(c.memory_bytes, 64LL * 1024 * 1024);
    assert_true(c.cpus > 0.49 && c.cpus < 0.51);
    assert_int_equal(parse(&c, &e, "--memory=1g", NULL), 1);
    assert_int_equal(c.memory_bytes, 1024LL * 1024 * 1024);
    assert_int_equal(parse(&c, &e, "--memory", "12q", NULL), -1);
    assert_non_null(strstr(e.msg, "--memory 12q: expected a size in bytes"));
    assert_int_equal(parse(&c, &e, "--memory", "1m", NULL), -1);
    assert_non_null(strstr(e.msg, "minimum of 6m"));
    assert_int_equal(parse(&c, &e, "--pids-limit", "ten", NULL), -1);
    assert_int_equal(parse(&c, &e, "--cpus", "-1", NULL), -1);
}

static void test_user_and_layers(void **state)
{
    struct lab_config c;
    struct isolab_err e;
    assert_int_equal(parse(&c, &e, "--user", "1000:100", NULL), 1);
    assert_true(c.set_user);
    assert_int_equal(c.uid, 1000);
    assert_int_equal(c.gid, 100);
    assert_int_equal(parse(&c, &e, "--user", "42", NULL), 1);
    assert_int_equal(c.gid, 42);
    assert_int_equal(parse(&c, &e, "--user", "root", NULL), -1);
    assert_non_null(strstr(e.hint, "--user 1000:1000"));
    assert_int_equal(parse(&c, &e, "--no-seccomp", "--no-caps", "--privileged", NULL), 1);
    assert_false(c.layer_on[LAYER_SECCOMP]);
    assert_false(c.layer_on[LAYER_CAPS]);
    assert_true(c.privileged);
    assert_int_equal(parse(&c, &e, "--something-else", NULL), 0);
}

static void test_defaults_are_dockers(void **state)
{
    struct lab_config c;
    lab_config_init_docker(&c);
    assert_int_equal(__builtin_popcountll(c.caps), 14);
    assert_true(c.ns[NS_MNT] && c.ns[NS_PID] && c.ns[NS_UTS] && c.ns[NS_IPC] && c.ns[NS_NET]);
    assert_false(c.ns[NS_USER]);
    for (int id = 0; id < LAYER_COUNT; id++)
        assert_true(c.layer_on[id]);
    lab_config_init_unconfined(&c);
    for (int id = 0; id < LAYER_COUNT; id++)
        assert_false(c.layer_on[id]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_security_opt),
        cmocka_unit_test(test_namespaces),
        cmocka_unit_test(test_cgroup_limits),
        cmocka_unit_test(test_user_and_layers),
        cmocka_unit_test(test_defaults_are_dockers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
