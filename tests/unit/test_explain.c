/* isolab explain, checked against facts that do not come from isolab: the
 * syscall numbers in the kernel's own UAPI headers (asm/unistd_64.h,
 * unistd_32.h, unistd_x32.h, asm-generic/unistd.h, read as text), the C
 * library's SYS_ numbers, and the verdicts of Docker's default profile as
 * ../shared/peers/README.md states them (from moby's source). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>

#include "explain.h"
#include "isolab.h"
#include "sc_diff.h"

/* ---- the kernel's numbers, from its UAPI headers ----------------------------- */

static const char *const uapi_dirs[] = {
    "/usr/include/x86_64-linux-gnu", "/usr/include/aarch64-linux-gnu", "/usr/include",
};

/* "#define __NR_<name> <value>" in include/<file>: the number, -1 if the
 * header has no such line, -2 if no header was found. The x32 header writes
 * "(__X32_SYSCALL_BIT + N)". */
static long uapi_nr(const char *file, const char *name)
{
    FILE *f = NULL;
    for (size_t i = 0; !f && i < sizeof uapi_dirs / sizeof *uapi_dirs; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", uapi_dirs[i], file);
        f = fopen(path, "re");
    }
    if (!f)
        return -2;
    char want[96], line[256];
    snprintf(want, sizeof want, "#define __NR_%s ", name);
    long nr = -1;
    while (nr == -1 && fgets(line, sizeof line, f)) {
        if (strncmp(line, want, strlen(want)))
            continue;
        const char *v = line + strlen(want);
        long n;
        if (sscanf(v, "(__X32_SYSCALL_BIT + %ld)", &n) == 1)
            nr = 0x40000000 + n;
        else if (sscanf(v, "%ld", &n) == 1)
            nr = n;
    }
    fclose(f);
    return nr;
}

static const char *const header_of[EXPLAIN_NARCH] = {
    "asm/unistd_64.h", "asm/unistd_32.h", "asm/unistd_x32.h", "asm-generic/unistd.h",
};

static struct explain must_explain(const char *name)
{
    struct explain e;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (explain_lookup(name, &e, &err) < 0)
        fail_msg("explain %s: %s", name, err.msg);
    return e;
}

static void test_numbers_are_the_kernels(void **state)
{
    (void)state;
    const char *names[] = {"unshare", "open", "chmod", "arch_prctl", "clone3", "mount", "read",
                           "socket", "semop", "io_uring_setup", "setns", "pivot_root"};
    size_t checked = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        struct explain e = must_explain(names[i]);
        assert_int_equal(e.kind, EXPLAIN_SYSCALL);
        for (size_t a = 0; a < EXPLAIN_NARCH; a++) {
            const struct explain_number *n = &e.sc.numbers[a];
            long k = uapi_nr(header_of[a], names[i]);
            if (k == -2)
                continue;   /* this machine has no such header */
            checked++;
            if (n->kind == EXPLAIN_MULTIPLEXED) {
                /* x86's socket and IPC calls go through socketcall / ipc (the
                 * kernel added direct numbers for some in Linux 4.3) */
                assert_int_equal(n->arch, SCMP_ARCH_X86);
            } else if (k == -1) {
                if (n->kind != EXPLAIN_ABSENT)
                    fail_msg("%s on %s: the kernel has none, explain says %d", names[i],
                             n->label, n->nr);
            } else if (n->kind != EXPLAIN_NR || n->nr != k) {
                fail_msg("%s on %s: the kernel says %ld, explain %d (kind %d)", names[i],
                         n->label, k, n->nr, n->kind);
            }
        }
        explain_free(&e);
    }
    if (!checked)
        skip();
    /* and the C library's numbers for this machine */
    struct explain e = must_explain("unshare");
    for (size_t a = 0; a < EXPLAIN_NARCH; a++)
        if (e.sc.numbers[a].arch == seccomp_arch_native())
            assert_int_equal(e.sc.numbers[a].nr, SYS_unshare);
    explain_free(&e);
}

/* ---- Docker's verdicts (peers/README.md) ------------------------------------ */

static const struct explain_preset *preset(const struct explain *e, const char *name)
{
    for (size_t i = 0; i < e->sc.npresets; i++)
        if (!strcmp(e->sc.presets[i].name, name))
            return &e->sc.presets[i];
    fail_msg("explain %s: no preset %s", e->sc.name, name);
    return NULL;
}

static void test_docker_blocks_what_docker_blocks(void **state)
{
    (void)state;
    const char *blocked[] = {"unshare", "setns", "mount", "umount2", "pivot_root", "keyctl",
                             "add_key", "request_key", "bpf", "perf_event_open",
                             "io_uring_setup", "io_uring_enter", "io_uring_register",
                             "userfaultfd", "kexec_load", "init_module", "reboot",
                             "clock_settime", "settimeofday", "sethostname", "swapon"};
    for (size_t i = 0; i < sizeof blocked / sizeof *blocked; i++) {
        struct explain e = must_explain(blocked[i]);
        const struct explain_preset *d = preset(&e, "docker");
        if (d->kind != EXPLAIN_PRESET_VERDICT || d->action != SC_ACT_ERRNO || d->errno_ret != EPERM)
            fail_msg("docker: %s should fail with EPERM (kind %d, %s)", blocked[i], d->kind,
                     d->action_str);
        explain_free(&e);
    }
    /* clone3 fails with ENOSYS so that libc falls back to clone */
    struct explain e = must_explain("clone3");
    const struct explain_preset *d = preset(&e, "docker");
    assert_int_equal(d->action, SC_ACT_ERRNO);
    assert_int_equal(d->errno_ret, ENOSYS);
    explain_free(&e);
    /* clone: allowed only without CLONE_NEW* flags */
    e = must_explain("clone");
    d = preset(&e, "docker");
    assert_int_equal(d->action, SC_ACT_ALLOW);
    assert_true(d->conditional);
    explain_free(&e);
    e = must_explain("read");
    d = preset(&e, "docker");
    assert_int_equal(d->action, SC_ACT_ALLOW);
    assert_false(d->conditional);
    explain_free(&e);
}

static void test_unshare_and_who_else(void **state)
{
    (void)state;
    struct explain e = must_explain("unshare");
    /* with no rule for Docker's 14 capabilities, the default decides, and
     * a rule that needs CAP_SYS_ADMIN would allow it */
    const struct explain_preset *d = preset(&e, "docker");
    assert_false(d->has_rule);
    bool unlock = false;
    for (size_t i = 0; i < d->nunlocks; i++)
        unlock |= !strcmp(d->unlocks[i].cap, "CAP_SYS_ADMIN") && !strcmp(d->unlocks[i].action, "ALLOW");
    assert_true(unlock);
    /* the kernel's own check is CAP_SYS_ADMIN: absent in Docker's set,
     * present with --privileged, where seccomp is off */
    assert_int_equal(e.sc.kernel_cap, CAP_SYS_ADMIN);
    assert_false(d->kernel_cap_present);
    const struct explain_preset *pr = preset(&e, "docker-privileged");
    assert_int_equal(pr->kind, EXPLAIN_PRESET_SECCOMP_OFF);
    assert_true(pr->privileged);
    assert_true(pr->kernel_cap_present);
    /* the probes of the catalogue that try it */
    bool user = false;
    for (size_t i = 0; i < e.sc.nprobes; i++)
        user |= !strcmp(e.sc.probes[i]->id, "unshare-user");
    assert_true(user);
    explain_free(&e);
}

static void test_capabilities(void **state)
{
    (void)state;
    /* Docker's 14 */
    const int docker[] = {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD,
                          CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP,
                          CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE};
    uint64_t set = 0;
    for (size_t i = 0; i < 14; i++)
        set |= 1ull << docker[i];
    for (int c = 0; c <= CAP_LAST_CAP; c++) {
        struct explain_cap x;
        struct isolab_err err;
        isolab_err_clear(&err);
        assert_int_equal(explain_cap(c, &x, &err), 0);
        if (x.in_docker_default != !!(set & (1ull << c)))
            fail_msg("%s: in Docker's defaults says %d", isolab_cap_name(c), x.in_docker_default);
        /* every capability the kernel headers know has a description */
        assert_non_null(x.info);
        assert_true(strlen(x.info->summary) > 0 && strlen(x.info->summary) <= 50);
        free(x.changes);
    }
    /* adding CAP_SYS_ADMIN unlocks unshare, setns, mount and clone3 */
    struct explain e = must_explain("sys_admin");
    assert_int_equal(e.kind, EXPLAIN_CAP);
    assert_int_equal(e.cap.cap, CAP_SYS_ADMIN);
    const char *unlocked[] = {"unshare", "setns", "mount", "clone3"};
    for (size_t k = 0; k < 4; k++) {
        bool found = false;
        for (size_t i = 0; i < e.cap.nchanges; i++)
            if (!strcmp(e.cap.changes[i].name, unlocked[k])) {
                found = true;
                assert_int_equal(strncmp(e.cap.changes[i].with, "ALLOW", 5), 0);
                assert_int_equal(strncmp(e.cap.changes[i].without, "ERRNO", 5), 0);
            }
        if (!found)
            fail_msg("CAP_SYS_ADMIN does not unlock %s", unlocked[k]);
    }
    explain_free(&e);
}

static void test_unknown_names(void **state)
{
    (void)state;
    struct explain e;
    struct isolab_err err;
    isolab_err_clear(&err);
    assert_int_equal(explain_lookup("unshaer", &e, &err), -1);
    assert_int_equal(err.errnum, ENOENT);
    assert_non_null(strstr(err.msg, "unshaer"));
    isolab_err_clear(&err);
    assert_int_equal(explain_lookup("CAP_NOT_A_CAP", &e, &err), -1);
    assert_non_null(strstr(err.msg, "CAP_NOT_A_CAP"));
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
    for (size_t i = 1; i < n; i++)
        assert_true(v[i].nr > v[i - 1].nr);
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
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_are_the_kernels),
        cmocka_unit_test(test_docker_blocks_what_docker_blocks),
        cmocka_unit_test(test_unshare_and_who_else),
        cmocka_unit_test(test_capabilities),
        cmocka_unit_test(test_unknown_names),
        cmocka_unit_test(test_native_syscall_list),
    };
    return cmocka_run_group_tests_name("explain", tests, NULL, NULL);
}
