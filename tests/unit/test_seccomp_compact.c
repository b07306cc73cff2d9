/* The compaction of libseccomp's programs (layers/profile/seccomp_compact.c)
 * keeps every verdict: each profile isolab ships, Docker's own file, and
 * profiles of every action and argument condition, compiled as libseccomp
 * writes them (ISOLAB_NO_COMPACT=1) and compacted, give the same return
 * value under the interpreter for every arch and syscall number that
 * matters and many more picked at random, with the arguments Docker's
 * conditions look at. This brute force is independent of the breakpoint
 * check the compaction runs itself (sc_bpf_same_verdicts), which must also
 * notice a program that differs in one return. Docker's profile must come
 * out at most 40% of its size: the start-up time it saves is the point
 * (bench/run.sh). */
#include <dirent.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "isolab.h"
#include "profile_helpers.h"
#include "seccomp_int.h"

static struct sock_fprog compile(const struct seccomp_profile *p, uint64_t caps, bool compact)
{
    struct sock_fprog prog = {0};
    struct isolab_err err;
    isolab_err_clear(&err);
    if (compact)
        unsetenv("ISOLAB_NO_COMPACT");
    else
        setenv("ISOLAB_NO_COMPACT", "1", 1);
    if (seccomp_profile_compile(p, caps, &prog, NULL, NULL, NULL, NULL, &err) < 0)
        fail_msg("%s did not compile: %s", p->path, err.msg);
    unsetenv("ISOLAB_NO_COMPACT");
    return prog;
}

static uint32_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*s >> 32);
}

/* Docker's argument conditions: clone's flags, socket's family,
 * personality's persona; then edges and noise. */
static const uint64_t arg_values[] = {
    0, 0x11, 0x3d0f00, 0x10000000, 0x7e020000, 0x20000 | 0x11, 0x40000000, 40, 2, 1, 8,
    0x20000, 0x20008, 0xffffffff, 0x800000000ULL, ~0ULL,
};

/* Every input that matters, and many that should not: returns how many
 * differed (and prints the first). */
static long differences(const struct sock_fprog *a, const struct sock_fprog *b, const char *what)
{
    static const uint32_t arches[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0,
                                      0xdeadbeef, AUDIT_ARCH_X86_64 + 1};
    uint64_t seed = 42;
    long bad = 0;
    for (size_t ai = 0; ai < sizeof arches / sizeof arches[0]; ai++) {
        for (uint32_t i = 0; i < 2 * 1100 + 2000 + 8; i++) {
            static const uint32_t edges[] = {0x3fffffff, 0x7fffffff, 0x80000000, 0xbfffffff,
                                             0xc0000000, 0xfffffffe, 0xffffffff, 0x40000000};
            uint32_t nr = i < 1100 ? i : i < 2200 ? 0x40000000u + (i - 1100)
                        : i < 4200 ? lcg(&seed) : edges[i - 4200];
            for (size_t v = 0; v < sizeof arg_values / sizeof arg_values[0] + 2; v++) {
                struct seccomp_data d = {.nr = (int)nr, .arch = arches[ai]};
                for (int k = 0; k < 6; k++)
                    d.args[k] = v < sizeof arg_values / sizeof arg_values[0]
                                    ? arg_values[v] : (uint64_t)lcg(&seed) << 32 | lcg(&seed);
                uint32_t ra = sc_bpf_run(a, &d, NULL), rb = sc_bpf_run(b, &d, NULL);
                if (ra != rb && bad++ == 0)
                    print_error("%s: arch %#x nr %#x arg %#llx: %#x before, %#x compacted\n",
                                what, d.arch, nr, (unsigned long long)d.args[0], ra, rb);
            }
        }
    }
    return bad;
}

static void check_profile(struct seccomp_profile *p, const char *what)
{
    const uint64_t capsets[] = {caps_docker_default(), caps_all_known(), 0};
    for (size_t c = 0; c < sizeof capsets / sizeof capsets[0]; c++) {
        struct sock_fprog plain = compile(p, capsets[c], false);
        struct sock_fprog small = compile(p, capsets[c], true);
        assert_true(small.len <= plain.len);
        assert_true(sc_bpf_same_verdicts(&plain, &small));
        if (differences(&plain, &small, what))
            fail_msg("%s (caps %#llx): the compacted program decides differently", what,
                     (unsigned long long)capsets[c]);
        free(plain.filter);
        free(small.filter);
    }
}

static void test_shipped_profiles(void **state)
{
    (void)state;
    DIR *d = opendir("profiles/seccomp");
    assert_non_null(d);
    int n = 0;
    for (struct dirent *de; (de = readdir(d));) {
        size_t l = strlen(de->d_name);
        /* no-uring-broken.json is a lab's mistake to find: it does not load */
        if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0 || strstr(de->d_name, "broken"))
            continue;
        char path[512];
        snprintf(path, sizeof path, "profiles/seccomp/%s", de->d_name);
        struct seccomp_profile *p = test_load_profile(path);
        check_profile(p, path);
        seccomp_profile_free(p);
        n++;
    }
    closedir(d);
    assert_true(n >= 5);
}

static void test_dockers_own_file(void **state)
{
    (void)state;
    const char *env = getenv("ISOLAB_PEERS");
    char path[4200];
    snprintf(path, sizeof path, "%s/moby-profiles/seccomp/default.json",
             env && *env ? env : "../shared/peers");
    FILE *f = fopen(path, "r");
    if (!f)
        skip();     /* printed by cmocka as SKIPPED: the peers are not here */
    fclose(f);
    struct seccomp_profile *p = test_load_profile(path);
    check_profile(p, path);
    /* the point: Docker's 1257 instructions (libseccomp 2.5.4) shrink */
    struct sock_fprog plain = compile(p, caps_docker_default(), false);
    struct sock_fprog small = compile(p, caps_docker_default(), true);
    print_message("Docker's profile: %u instructions from libseccomp, %u compacted\n",
                  plain.len, small.len);
    assert_true(small.len * 10 <= plain.len * 4);
    free(plain.filter);
    free(small.filter);
    seccomp_profile_free(p);
}

/* Every action, argument operators, an allowlist and a denylist. */
static const char *const inline_profiles[] = {
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
    "{\"names\":[\"chmod\",\"fchmod\",\"fchmodat\",\"fchmodat2\"],\"action\":\"SCMP_ACT_ERRNO\"},"
    "{\"names\":[\"io_uring_setup\",\"io_uring_enter\",\"io_uring_register\"],"
    "\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
    "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_TRAP\"},"
    "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_LOG\"},"
    "{\"names\":[\"uname\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}",
    "{\"defaultAction\":\"SCMP_ACT_KILL_THREAD\",\"architectures\":[\"SCMP_ARCH_X86_64\","
    "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":["
    "{\"names\":[\"read\",\"write\",\"exit\",\"exit_group\",\"brk\",\"mmap\",\"close\"],"
    "\"action\":\"SCMP_ACT_ALLOW\"},"
    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
    "\"value\":40,\"op\":\"SCMP_CMP_NE\"}]},"
    "{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":1,"
    "\"value\":21522,\"op\":\"SCMP_CMP_EQ\"}]},"
    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
    "\"value\":4294967295,\"op\":\"SCMP_CMP_LT\"}]},"
    "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
    "\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
    "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,"
    "\"value\":9,\"op\":\"SCMP_CMP_GE\"}]}]}",
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"syscalls\":[]}",
};

static void test_every_action_and_condition(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof inline_profiles / sizeof inline_profiles[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "inline-%zu.json", i);
        struct seccomp_profile *p = test_parse_profile(inline_profiles[i], name);
        check_profile(p, name);
        seccomp_profile_free(p);
    }
}

/* The check the compaction relies on sees one return changed, and a
 * program it cannot reason about stays as it was. */
static void test_check_notices(void **state)
{
    (void)state;
    struct seccomp_profile *p = test_load_profile("profiles/seccomp/docker-default.json");
    struct sock_fprog plain = compile(p, caps_docker_default(), false);
    struct sock_fprog small = compile(p, caps_docker_default(), true);
    assert_true(small.len < plain.len);
    int changed = 0;
    for (unsigned i = 0; i < small.len && !changed; i++) {
        struct sock_filter *f = &small.filter[i];
        if (f->code == (BPF_RET | BPF_K) && f->k == SECCOMP_RET_ALLOW && i > small.len / 2) {
            f->k = SECCOMP_RET_ERRNO | 1;
            changed = 1;
        }
    }
    assert_true(changed);
    assert_false(sc_bpf_same_verdicts(&plain, &small));
    assert_true(differences(&plain, &small, "mutated (expected)") > 0);

    struct sock_filter st[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_STMT(BPF_ST, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_filter *copy = malloc(sizeof st);
    memcpy(copy, st, sizeof st);
    struct sock_fprog odd = {.len = sizeof st / sizeof st[0], .filter = copy};
    assert_int_equal(sc_bpf_compact(&odd), 0);
    assert_int_equal(odd.len, sizeof st / sizeof st[0]);
    assert_memory_equal(odd.filter, st, sizeof st);
    free(odd.filter);
    free(plain.filter);
    free(small.filter);
    seccomp_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_profiles),
        cmocka_unit_test(test_dockers_own_file),
        cmocka_unit_test(test_every_action_and_condition),
        cmocka_unit_test(test_check_notices),
    };
    return cmocka_run_group_tests_name("seccomp-compact", tests, NULL, NULL);
}
