/* The pid-namespace init's own filter (layers/seccomp_init.c), a tree of
 * comparisons built from its list of calls: under the interpreter every
 * number of the native ABI up to 4096, the x32 numbers and numbers at
 * random get ALLOW exactly when the list has them, and every other ABI
 * gets EPERM; loaded in the kernel (a child with no_new_privs), a call on
 * the list goes through and calls off it fail with EPERM. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "layer.h"
#include "seccomp_int.h"

static bool listed(uint32_t nr)
{
    size_t n;
    const int *l = seccomp_init_syscalls(&n);
    for (size_t i = 0; i < n; i++)
        if ((uint32_t)l[i] == nr)
            return true;
    return false;
}

static uint32_t verdict(uint32_t arch, uint32_t nr)
{
    struct seccomp_data d = {.nr = (int)nr, .arch = arch};
    bool args = false;
    uint32_t v = sc_bpf_run(seccomp_init_filter(), &d, &args);
    assert_false(args);   /* the init's filter never looks at arguments */
    return v;
}

static void check(uint32_t arch, uint32_t nr)
{
    uint32_t want = arch == AUDIT_ARCH_X86_64 && listed(nr) ? SECCOMP_RET_ALLOW
                                                              : SECCOMP_RET_ERRNO | EPERM;
    uint32_t got = verdict(arch, nr);
    if (got != want)
        fail_msg("arch %#x nr %u (%#x): %#x, want %#x", arch, nr, nr, got, want);
}

static void test_every_number(void **state)
{
    (void)state;
    const uint32_t arches[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, 0, 0xffffffffu};
    for (size_t a = 0; a < sizeof arches / sizeof arches[0]; a++) {
        for (uint32_t nr = 0; nr < 4096; nr++)
            check(arches[a], nr);
        for (uint32_t nr = 0x40000000u; nr < 0x40000000u + 1024; nr++)
            check(arches[a], nr);
        check(arches[a], 0xffffffffu);
        srand(42);
        for (int i = 0; i < 20000; i++)
            check(arches[a], ((uint32_t)rand() << 16) ^ (uint32_t)rand());
    }
    size_t n;
    seccomp_init_syscalls(&n);
    size_t allowed = 0;
    for (uint32_t nr = 0; nr < 4096; nr++)
        allowed += verdict(AUDIT_ARCH_X86_64, nr) == SECCOMP_RET_ALLOW;
    assert_int_equal(allowed, n);   /* no repeats in the list, none left out */
}

/* In a child: the filter, then one call on the list and two off it. */
static void test_kernel(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, seccomp_init_filter()) < 0)
            _exit(10);
        if (syscall(SYS_getppid) <= 0)
            _exit(11);
        errno = 0;
        if (syscall(SYS_uname, NULL) != -1 || errno != EPERM)
            _exit(12);
        errno = 0;
        if (syscall(0x40000000 | SYS_getpid) != -1 || errno != EPERM)
            _exit(13);
        _exit(0);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("the child under the init's filter: status %#x (10 load, 11 getppid, 12 "
                 "uname not EPERM, 13 x32 not EPERM)", st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_number),
        cmocka_unit_test(test_kernel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
