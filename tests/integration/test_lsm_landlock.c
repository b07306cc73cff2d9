/* The LSM layer's Landlock mechanism for real, as root: isolab-readonly-root
 * refuses a write to /etc with EACCES and apparmor=unconfined lets it
 * through; under isolab-default a write to /proc/sys is refused by the LSM
 * layer alone (--blame), and mount is refused even with CAP_SYS_ADMIN and
 * seccomp off. Where AppArmor is enabled too (the test VM), Landlock is
 * chosen with ISOLAB_LSM_MECHANISM=landlock so both mechanisms get tested. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "isolab.h"
#include "lsm_int.h"
#include "probes.h"
#include "probe_helpers.h"



static void test_status_says_landlock(void **state)
{
    (void)state;
    char why[512], d[256];
    assert_true(layer_available(LAYER_LSM, why, sizeof why));
    printf("# %s\n", why);
    assert_string_equal(lsm_mechanism_name(), "Landlock");
    struct lab_config cfg;
    lsm_test_config(&cfg, "isolab-default");
    layer_describe(&cfg, LAYER_LSM, d, sizeof d);
    printf("# %s\n", d);
    if (!apparmor_kernel_enabled()) {
        assert_non_null(strstr(why, "AppArmor is not enabled in this kernel (LSMs: "));
        assert_non_null(strstr(why, "using Landlock for the file rules"));
        assert_string_equal(d, "lsm landlock isolab-default (AppArmor not in kernel)");
    } else {
        assert_non_null(strstr(d, "lsm landlock isolab-default"));
    }
}

static void test_readonly_root_refuses_etc(void **state)
{
    (void)state;
    struct lab_config cfg;
    lsm_test_config(&cfg, "isolab-readonly-root");
    lsm_expect(&cfg, "write-etc", PROBE_BLOCKED, EACCES);
}

static void test_unconfined_writes_etc(void **state)
{
    (void)state;
    struct lab_config cfg;
    lsm_test_config(&cfg, NULL);
    lsm_expect(&cfg, "write-etc", PROBE_ALLOWED, -1);
}

/* isolab-default is Docker's intent: ordinary writes stay allowed. */
static void test_default_writes_etc(void **state)
{
    (void)state;
    struct lab_config cfg;
    lsm_test_config(&cfg, "isolab-default");
    lsm_expect(&cfg, "write-etc", PROBE_ALLOWED, -1);
}

static void test_default_blames_lsm_for_proc_sys(void **state)
{
    (void)state;
    struct lab_config cfg;
    lsm_test_config(&cfg, "isolab-default");
    struct probe_blame b = lsm_blame_probe(&cfg, "write-proc-sys");
    assert_int_equal(b.full.verdict, PROBE_BLOCKED);
    assert_true(b.layer_tested[LAYER_LSM]);
    assert_int_equal(b.alone[LAYER_LSM].verdict, PROBE_BLOCKED);
    assert_int_equal(b.alone[LAYER_LSM].err, EACCES);
    assert_true(b.blocked_by & (1u << LAYER_LSM));
}

/* Landlock refuses mount to any process in a Landlock domain: with every
 * capability and seccomp off, only the LSM layer is left to say no. */
static void test_mount_refused_even_with_sys_admin(void **state)
{
    (void)state;
    struct lab_config cfg;
    lsm_mount_config(&cfg, "isolab-default");
    lsm_expect(&cfg, "mount-tmpfs", PROBE_BLOCKED, EPERM);
    lsm_expect_allowed_without_lsm(&cfg, "mount-tmpfs");
}

static void test_unknown_policy_rejected(void **state)
{
    (void)state;
    struct lab_config cfg;
    lsm_test_config(&cfg, "docker-default");
    struct isolab_err err;
    assert_int_equal(lab_config_validate(&cfg, &err), -1);
    printf("# %s / %s\n", err.msg, err.hint);
    assert_non_null(strstr(err.msg, "no Landlock version"));
    assert_non_null(strstr(err.hint, "isolab-readonly-root"));
    lsm_test_config(&cfg, "../etc/x");
    assert_int_equal(lab_config_validate(&cfg, &err), -1);
    printf("# %s\n", err.msg);
    assert_non_null(strstr(err.msg, "not allowed in a profile name"));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    setenv("ISOLAB_LSM_MECHANISM", "landlock", 1);
    if (geteuid() != 0) {
        printf("ok - lsm landlock # SKIP these tests start sandboxes as root\n");
        return 0;
    }
    if (landlock_abi_version() <= 0) {
        printf("ok - lsm landlock # SKIP Landlock is not enabled in this kernel (LSMs: %s)\n",
               lsm_active_list());
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_says_landlock),
        cmocka_unit_test(test_readonly_root_refuses_etc),
        cmocka_unit_test(test_unconfined_writes_etc),
        cmocka_unit_test(test_default_writes_etc),
        cmocka_unit_test(test_default_blames_lsm_for_proc_sys),
        cmocka_unit_test(test_mount_refused_even_with_sys_admin),
        cmocka_unit_test(test_unknown_policy_rejected),
    };
    return cmocka_run_group_tests_name("lsm-landlock", tests, NULL, NULL);
}
