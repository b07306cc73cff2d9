/* isolab explain and the syscall list behind isolab syscalls, checked
 * against libseccomp's own resolution and the C library's __NR_ numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <cmocka.h>
#include <seccomp.h>

#include "explain.h"
#include "isolab.h"
#include "sc_diff.h"

static char *run_explain(const char *name, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    struct isolab_err err;
    isolab_err_clear(&err);
    *rc = explain(f, name, &err);
    if (*rc < 0)
        fprintf(f, "ERROR: %s\nHINT: %s\n", err.msg, err.hint);
    fclose(f);
    return buf;
}

/* "  x86_64   272" for every arch libseccomp resolves, "does not exist"
 * for the others. */
static void check_numbers(const char *out, const char *name)
{
    static const struct { uint32_t arch; const char *label; } a[] = {
        {SCMP_ARCH_X86_64, "x86_64"}, {SCMP_ARCH_X86, "x86"}, {SCMP_ARCH_X32, "x32"},
        {SCMP_ARCH_AARCH64, "aarch64"},
    };
    for (size_t i = 0; i < 4; i++) {
        char line[96];
        int nr = seccomp_syscall_resolve_name_arch(a[i].arch, name);
        if (nr >= 0)
            snprintf(line, sizeof line, "\n  %-8s %d", a[i].label, nr);
        else if (nr < -1 && nr > -10000)
            snprintf(line, sizeof line, "\n  %-8s multiplexed through socketcall/ipc", a[i].label);
        else
            snprintf(line, sizeof line, "\n  %-8s does not exist", a[i].label);
        if (!strstr(out, line))
            fail_msg("explain %s: expected '%s' in:\n%s", name, line + 1, out);
    }
}

static void test_explain_unshare(void **state)
{
    (void)state;
    int rc;
    char *out = run_explain("unshare", &rc);
    assert_int_equal(rc, 0);
    check_numbers(out, "unshare");
    assert_non_null(strstr(out, "CVE-2022-0185"));
    assert_non_null(strstr(out, "CAP_SYS_ADMIN"));
    /* Presets: docker blocks it by the default, podman allows it by a rule,
     * kubernetes-default has no seccomp. */
    const char *d = strstr(out, "\n  docker ");
    const char *p = strstr(out, "\n  podman ");
    const char *k = strstr(out, "\n  kubernetes-default ");
    assert_non_null(d);
    assert_non_null(p);
    assert_non_null(k);
    char name[64], act[64];
    assert_int_equal(sscanf(d, " %63s %63s", name, act), 2);
    assert_string_equal(act, "ERRNO(EPERM)");
    assert_int_equal(sscanf(p, " %63s %63s", name, act), 2);
    assert_string_equal(act, "ALLOW");
    assert_int_equal(sscanf(k, " %63s %63s", name, act), 2);
    assert_string_equal(act, "ALLOW");
    assert_non_null(strstr(k, "seccomp is off"));
    assert_non_null(strstr(out, "would give ALLOW with CAP_SYS_ADMIN"));
    /* The probe catalogue's unshare probes. */
    assert_non_null(strstr(out, "unshare-user"));
    free(out);
}

static void test_explain_other_arch_numbers(void **state)
{
    (void)state;
    /* open and chmod do not exist on aarch64; arch_prctl not on x86 either */
    const char *names[] = {"open", "chmod", "arch_prctl", "clone3", "io_uring_setup", "read",
                           "socket", "semop"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int rc;
        char *out = run_explain(names[i], &rc);
        assert_int_equal(rc, 0);
        check_numbers(out, names[i]);
        free(out);
    }
    int rc;
    char *out = run_explain("open", &rc);
    assert_non_null(strstr(out, "aarch64  does not exist"));
    free(out);
}

static void test_explain_capability(void **state)
{
    (void)state;
    int rc;
    char *out = run_explain("CAP_SYS_TIME", &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "clock_settime"));
    assert_non_null(strstr(out, "settimeofday"));
    assert_non_null(strstr(out, "ERRNO(EPERM)  ->  ALLOW"));
    assert_null(strstr(out, "unshare"));
    free(out);

    out = run_explain("sys_admin", &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "CAP_SYS_ADMIN"));
    assert_non_null(strstr(out, "\n  unshare "));
    assert_non_null(strstr(out, "\n  mount "));
    assert_non_null(strstr(out, "ERRNO(ENOSYS)  ->  ALLOW"));   /* clone3 */
    free(out);
}

static void test_explain_unknown(void **state)
{
    (void)state;
    int rc;
    char *out = run_explain("unshaer", &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(out, "unshaer"));
    free(out);
}

/* The list `isolab syscalls` prints: every name resolves back to its number
 * through libseccomp, there are no duplicates, and the numbers agree with
 * the C library's for the native architecture. */
static void test_native_syscall_list(void **state)
{
    (void)state;
    struct sc_sysent *v = NULL;
    size_t n = 0;
    uint32_t arch = seccomp_arch_native();
    assert_int_equal(sc_arch_syscalls(arch, &v, &n), 0);
    assert_true(n > 250);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(seccomp_syscall_resolve_name_arch(arch, v[i].name), v[i].nr);
        if (i)
            assert_true(v[i].nr > v[i - 1].nr);
    }
    static const struct { const char *name; long nr; } libc[] = {
        {"read", SYS_read}, {"write", SYS_write}, {"openat", SYS_openat},
        {"unshare", SYS_unshare}, {"setns", SYS_setns}, {"mount", SYS_mount},
        {"clone3", SYS_clone3}, {"io_uring_setup", SYS_io_uring_setup},
        {"bpf", SYS_bpf}, {"keyctl", SYS_keyctl}, {"execve", SYS_execve},
    };
    for (size_t k = 0; k < sizeof libc / sizeof libc[0]; k++) {
        bool found = false;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(v[i].name, libc[k].name)) {
                assert_int_equal(v[i].nr, libc[k].nr);
                found = true;
            }
        if (!found)
            fail_msg("%s missing from the native syscall list", libc[k].name);
    }
    sc_syscalls_free(v, n);

    /* x32 numbers carry bit 30. */
    assert_int_equal(sc_arch_syscalls(SCMP_ARCH_X32, &v, &n), 0);
    assert_true(n > 250);
    for (size_t i = 0; i < n; i++)
        assert_true(v[i].nr & 0x40000000);
    sc_syscalls_free(v, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_unshare),
        cmocka_unit_test(test_explain_other_arch_numbers),
        cmocka_unit_test(test_explain_capability),
        cmocka_unit_test(test_explain_unknown),
        cmocka_unit_test(test_native_syscall_list),
    };
    return cmocka_run_group_tests_name("explain", tests, NULL, NULL);
}
