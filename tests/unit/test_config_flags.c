/* Docker-style layer flags only edit struct lab_config; bad values are
 * refused with the flag, the value, what was wrong and the fix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
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
    /* Docker's -u, in the engine's parser, so lab files' flags take it too */
    assert_int_equal(parse(&c, &e, "-u", "1000:100", NULL), 1);
    assert_true(c.set_user);
    assert_int_equal(c.uid, 1000);
    assert_int_equal(c.gid, 100);
    assert_int_equal(parse(&c, &e, "-u77", NULL), 1);
    assert_int_equal(c.uid, 77);
    assert_int_equal(parse(&c, &e, "-u", NULL), -1);
    assert_non_null(strstr(e.msg, "needs a value"));
}

/* Docker's flag library reads --flag=VALUE with Go's strconv.ParseBool. */
static void test_boolean_values(void **state)
{
    struct lab_config c;
    struct isolab_err e;
    static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t k = 0; k < 6; k++) {
        char on[40], off[40], noon[40], nooff[40];
        snprintf(on, sizeof on, "--privileged=%s", t[k]);
        snprintf(off, sizeof off, "--privileged=%s", f[k]);
        snprintf(noon, sizeof noon, "--no-seccomp=%s", t[k]);
        snprintf(nooff, sizeof nooff, "--no-seccomp=%s", f[k]);
        assert_int_equal(parse(&c, &e, on, NULL), 1);
        assert_true(c.privileged);
        assert_int_equal(parse(&c, &e, "--privileged", off, NULL), 1);
        assert_false(c.privileged);
        assert_int_equal(parse(&c, &e, noon, NULL), 1);
        assert_false(c.layer_on[LAYER_SECCOMP]);
        assert_int_equal(parse(&c, &e, "--no-seccomp", nooff, NULL), 1);
        assert_true(c.layer_on[LAYER_SECCOMP]);
    }
    assert_int_equal(parse(&c, &e, "--no-caps", "--caps=true", NULL), 1);
    assert_true(c.layer_on[LAYER_CAPS]);
    assert_int_equal(parse(&c, &e, "--cgroups=false", NULL), 1);
    assert_false(c.layer_on[LAYER_CGROUP]);
    assert_int_equal(parse(&c, &e, "--security-opt", "no-new-privileges=false", NULL), 1);
    assert_false(c.no_new_privs);
    assert_int_equal(parse(&c, &e, "--security-opt", "no-new-privileges:1", NULL), 1);
    assert_true(c.no_new_privs);
    const char *bad[] = {"--privileged=no", "--privileged=yes", "--privileged=", "--no-seccomp=off",
                         "--privileged=maybe"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(parse(&c, &e, bad[k], NULL), -1);
        assert_non_null(strstr(e.msg, "not a boolean"));
        assert_non_null(strstr(e.hint, "=false"));
    }
    assert_int_equal(parse(&c, &e, "--security-opt", "no-new-privileges=no", NULL), -1);
    assert_non_null(strstr(e.msg, "not a boolean"));
}

/* Values that were cut, wrapped or dropped in silence are refused. */
static void test_refused_not_changed(void **state)
{
    struct lab_config c;
    struct isolab_err e;
    const char *users[] = {"-1", "4294967295", "99999999999", "1000:", ":1000", "1000:-1",
                           "+5", " 5", "1000:4294967295", ""};
    for (size_t k = 0; k < sizeof users / sizeof users[0]; k++) {
        /* heap copy of the exact size: ASan sees any write or read past it */
        char *v = strdup(users[k]);
        assert_int_equal(parse(&c, &e, "--user", v, NULL), -1);
        assert_string_equal(v, users[k]);
        assert_non_null(strstr(e.msg, "expected a numeric UID or UID:GID"));
        free(v);
    }
    assert_int_equal(parse(&c, &e, "--user", "4294967294:0", NULL), 1);
    assert_int_equal(c.uid, 4294967294u);
    assert_int_equal(c.gid, 0);

    char h64[65], h65[66], root[4097];
    memset(h64, 'h', 64), h64[64] = 0;
    memset(h65, 'h', 65), h65[65] = 0;
    assert_int_equal(parse(&c, &e, "--hostname", h64, NULL), 1);
    assert_string_equal(c.hostname, h64);
    assert_int_equal(parse(&c, &e, "--hostname", h65, NULL), -1);
    assert_non_null(strstr(e.msg, "longer than Linux's 64"));
    assert_int_equal(parse(&c, &e, "--hostname=", NULL), -1);
    assert_non_null(strstr(e.msg, "empty hostname"));
    assert_int_equal(parse(&c, &e, "--hostname", "lab\nroot", NULL), -1);
    assert_non_null(strstr(e.msg, "control character"));
    assert_null(strchr(e.msg, '\n'));

    root[0] = '/';
    memset(root + 1, 'r', 4095), root[4096] = 0;   /* 4096 characters */
    assert_int_equal(parse(&c, &e, "--rootfs", root, NULL), -1);
    assert_non_null(strstr(e.msg, "longer than the 4095 allowed"));
    assert_string_equal(c.rootfs, "");
    root[4095] = 0;                                 /* 4095: fits */
    assert_int_equal(parse(&c, &e, "--rootfs", root, NULL), 1);
    assert_string_equal(c.rootfs, root);
    root[4095] = 'r';
    char sopt[4200];
    snprintf(sopt, sizeof sopt, "seccomp=%s", root);
    assert_int_equal(parse(&c, &e, "--security-opt", sopt, NULL), -1);

    assert_int_equal(parse(&c, &e, "--pids-limit", "99999999999999999999", NULL), -1);
    assert_non_null(strstr(e.msg, "too large"));
    assert_int_equal(parse(&c, &e, "--pids-limit", "4194305", NULL), -1);
    assert_int_equal(parse(&c, &e, "--pids-limit", "4194304", NULL), 1);

    const char *lists[][2] = {{"--cap-add", ","}, {"--cap-drop", ""}, {"--cap-add", "SYS_TIME,"},
                              {"--ns", ","}, {"--no-ns", ""}, {"--ns", "pid,,net"}};
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
        assert_int_equal(parse(&c, &e, lists[k][0], lists[k][1], NULL), -1);
        assert_non_null(strstr(e.msg, "an empty name in the list"));
    }
    /* a refused list changes nothing */
    assert_int_equal(parse(&c, &e, "--ns", "pid,bogus", NULL), -1);
    assert_true(c.ns[NS_MNT]);

    assert_int_equal(parse(&c, &e, "--memory", "99999999999g", NULL), -1);
    assert_non_null(strstr(e.msg, "too large"));
    assert_null(strstr(e.msg, "expected a size"));
    assert_int_equal(parse(&c, &e, "--memory", "8191p", NULL), -1);
    assert_int_equal(parse(&c, &e, "--memory", "inf", NULL), -1);
    assert_int_equal(parse(&c, &e, "--cpus", "nan", NULL), -1);
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
        cmocka_unit_test(test_boolean_values),
        cmocka_unit_test(test_refused_not_changed),
        cmocka_unit_test(test_defaults_are_dockers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
