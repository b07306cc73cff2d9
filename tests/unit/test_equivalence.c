/* profiles/seccomp/docker-default.json is isolab's own writing of Docker's
 * default profile. This proves it makes the same decisions as Docker's file
 * (../shared/peers/moby-profiles/seccomp/default.json): for every syscall
 * libseccomp knows on x86_64 and aarch64 (and every name either profile
 * gives), for five capability sets, both profiles give the same action and
 * errno through the engine's model (seccomp_profile_eval), the same
 * argument conditions (sc_decision_str), and the same verdict for concrete
 * arguments of the argument-filtered syscalls. A mutated copy shows that
 * the comparison notices a difference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <seccomp.h>

#include "isolab.h"
#include "sc_diff.h"
#include "seccomp_profile.h"

static char peers[4096];
static char moby_path[4200];
static char ours_path[4200];

struct capset {
    const char *label;
    uint64_t caps;
};

static struct capset capsets[5];

static void init_capsets(void)
{
    uint64_t d = caps_docker_default();
    capsets[0] = (struct capset){"docker default (14)", d};
    capsets[1] = (struct capset){"docker + SYS_ADMIN", d | 1ull << isolab_cap_from_name("SYS_ADMIN")};
    capsets[2] = (struct capset){"docker + SYS_TIME", d | 1ull << isolab_cap_from_name("SYS_TIME")};
    capsets[3] = (struct capset){"all", caps_all_known()};
    capsets[4] = (struct capset){"none", 0};
}

static const uint32_t arches[] = {SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64};

/* Concrete arguments for the syscalls Docker filters by argument. */
static const struct {
    const char *name;
    uint64_t args[6];
} arg_cases[] = {
    {"clone", {0x11 /* SIGCHLD */}},
    {"clone", {0x3d0f00 /* pthread_create's flags */}},
    {"clone", {0x10000000 /* CLONE_NEWUSER */}},
    {"clone", {0x20000 | 0x11 /* CLONE_NEWNS */}},
    {"clone", {0x40000000 /* CLONE_NEWNET */}},
    {"clone", {0, 0x10000000 /* s390 order */}},
    {"socket", {2 /* AF_INET */, 1}},
    {"socket", {1 /* AF_UNIX */, 1}},
    {"socket", {16 /* AF_NETLINK */, 3, 9}},
    {"socket", {38 /* AF_ALG */, 5}},
    {"socket", {39 /* AF_KCM */, 2}},
    {"socket", {40 /* AF_VSOCK */, 1}},
    {"socket", {44 /* AF_XDP */, 3}},
    {"personality", {0}},
    {"personality", {8}},
    {"personality", {0x20000}},
    {"personality", {0x20008}},
    {"personality", {0xffffffff}},
    {"personality", {0x0040000 /* ADDR_NO_RANDOMIZE */}},
    {"personality", {0x0400000 /* READ_IMPLIES_EXEC */}},
};

static struct seccomp_profile *load(const char *path)
{
    struct seccomp_profile *p = NULL;
    struct isolab_err err;
    if (seccomp_profile_load(path, &p, &err) < 0)
        fail_msg("%s does not load: %s (%s)", path, err.msg, err.hint);
    return p;
}

static bool same_verdict(int ra, const struct sc_verdict *a, int rb, const struct sc_verdict *b)
{
    if (ra != rb)
        return false;
    if (ra < 0)
        return true;
    return a->action == b->action && a->conditional == b->conditional &&
           a->unresolved == b->unresolved &&
           (a->action != SC_ACT_ERRNO || a->errno_ret == b->errno_ret);
}

/* Every difference between a and b, printed as TAP comments; the count. */
static size_t compare(const struct seccomp_profile *a, const struct seccomp_profile *b,
                      size_t *compared, bool quiet)
{
    size_t diffs = 0;
    *compared = 0;
    for (size_t ai = 0; ai < sizeof arches / sizeof arches[0]; ai++) {
        uint32_t arch = arches[ai];
        struct sc_sysent *sys = NULL;
        size_t nsys = 0;
        assert_int_equal(sc_arch_syscalls(arch, &sys, &nsys), 0);
        assert_true(nsys > 250);
        /* Names libseccomp knows, then the names the profiles give. */
        size_t nnames = nsys;
        for (size_t i = 0; i < a->nrules; i++)
            nnames += a->rules[i].nnames;
        for (size_t i = 0; i < b->nrules; i++)
            nnames += b->rules[i].nnames;
        const char **names = calloc(nnames, sizeof *names);
        assert_non_null(names);
        size_t k = 0;
        for (size_t i = 0; i < nsys; i++)
            names[k++] = sys[i].name;
        const struct seccomp_profile *both[2] = {a, b};
        for (int pi = 0; pi < 2; pi++)
            for (size_t i = 0; i < both[pi]->nrules; i++)
                for (size_t j = 0; j < both[pi]->rules[i].nnames; j++) {
                    const char *nm = both[pi]->rules[i].names[j];
                    bool seen = false;
                    for (size_t x = 0; x < k && !seen; x++)
                        seen = !strcmp(names[x], nm);
                    if (!seen)
                        names[k++] = nm;
                }

        for (size_t ci = 0; ci < 5; ci++) {
            uint64_t caps = capsets[ci].caps;
            for (size_t i = 0; i < k; i++) {
                struct sc_verdict va, vb;
                int ra = seccomp_profile_eval(a, caps, arch, names[i], NULL, &va);
                int rb = seccomp_profile_eval(b, caps, arch, names[i], NULL, &vb);
                char da[384] = "", db[384] = "";
                if (ra == 0 || rb == 0) {   /* not a syscall on arch: nothing to decide */
                    sc_decision_str(a, caps, arch, names[i], da, sizeof da);
                    sc_decision_str(b, caps, arch, names[i], db, sizeof db);
                }
                (*compared)++;
                if (!same_verdict(ra, &va, rb, &vb) || strcmp(da, db) != 0) {
                    if (!quiet && diffs < 20)
                        printf("# %s, %s, %s: ours \"%s\" (action %d errno %u), theirs "
                               "\"%s\" (action %d errno %u)\n", sc_arch_label(arch),
                               capsets[ci].label, names[i], da, ra < 0 ? -1 : (int)va.action,
                               va.errno_ret, db, rb < 0 ? -1 : (int)vb.action, vb.errno_ret);
                    diffs++;
                }
            }
            for (size_t i = 0; i < sizeof arg_cases / sizeof arg_cases[0]; i++) {
                struct sc_verdict va, vb;
                int ra = seccomp_profile_eval(a, caps, arch, arg_cases[i].name,
                                              arg_cases[i].args, &va);
                int rb = seccomp_profile_eval(b, caps, arch, arg_cases[i].name,
                                              arg_cases[i].args, &vb);
                (*compared)++;
                if (!same_verdict(ra, &va, rb, &vb)) {
                    if (!quiet && diffs < 20)
                        printf("# %s, %s, %s(0x%llx, ...): ours action %d errno %u, theirs "
                               "action %d errno %u\n", sc_arch_label(arch), capsets[ci].label,
                               arg_cases[i].name, (unsigned long long)arg_cases[i].args[0],
                               (int)va.action, va.errno_ret, (int)vb.action, vb.errno_ret);
                    diffs++;
                }
            }
        }
        free(names);
        sc_syscalls_free(sys, nsys);
    }
    return diffs;
}

static void test_docker_default_equivalent(void **state)
{
    (void)state;
    struct seccomp_profile *ours = load(ours_path), *moby = load(moby_path);
    size_t compared = 0;
    size_t diffs = compare(ours, moby, &compared, false);
    printf("# compared %zu (arch, capability set, syscall) decisions\n", compared);
    assert_true(compared > 2 * 5 * 300);
    assert_int_equal(diffs, 0);
    seccomp_profile_free(ours);
    seccomp_profile_free(moby);
}

/* Same archMap semantics: the same architectures, and the same
 * subarchitectures for each. */
static void test_same_archmap(void **state)
{
    (void)state;
    struct seccomp_profile *ours = load(ours_path), *moby = load(moby_path);
    assert_int_equal(ours->narches, moby->narches);
    for (size_t i = 0; i < moby->narches; i++) {
        bool found = false;
        for (size_t j = 0; j < ours->narches; j++)
            found |= ours->arches[j] == moby->arches[i];
        assert_true(found);
    }
    assert_int_equal(ours->narchmap, moby->narchmap);
    for (size_t i = 0; i < moby->narchmap; i++) {
        assert_int_equal(ours->archmap[i].arch, moby->archmap[i].arch);
        assert_int_equal(ours->archmap[i].nsubs, moby->archmap[i].nsubs);
        for (size_t j = 0; j < moby->archmap[i].nsubs; j++)
            assert_int_equal(ours->archmap[i].subs[j], moby->archmap[i].subs[j]);
    }
    assert_int_equal(ours->default_action, SC_ACT_ERRNO);
    assert_int_equal(sc_default_errno(ours), 1);
    assert_int_equal(sc_default_errno(moby), 1);
    seccomp_profile_free(ours);
    seccomp_profile_free(moby);
}

/* The comparison is not vacuous: change one decision in a copy and it is
 * found. */
static void test_comparison_detects_a_change(void **state)
{
    (void)state;
    struct seccomp_profile *ours = load(ours_path), *moby = load(moby_path);
    /* The clone3 ENOSYS rule becomes EPERM. */
    bool changed = false;
    for (size_t i = 0; i < ours->nrules; i++) {
        struct sc_rule *r = &ours->rules[i];
        if (r->nnames == 1 && !strcmp(r->names[0], "clone3") && r->action == SC_ACT_ERRNO) {
            r->errno_ret = 1;
            changed = true;
        }
    }
    assert_true(changed);
    size_t compared;
    size_t diffs = compare(ours, moby, &compared, true);
    /* clone3 on two arches under the three capability sets without SYS_ADMIN */
    assert_int_equal(diffs, 2 * 3);
    seccomp_profile_free(ours);
    seccomp_profile_free(moby);
}

/* podman-default.json makes the decisions of the file Podman installs
 * (Debian's golang-github-containers-common). */
static const char podman_src[] = "/usr/share/containers/seccomp.json";

static void test_podman_equivalent(void **state)
{
    (void)state;
    char ours_podman[4200];
    isolab_data_path("profiles/seccomp/podman-default.json", ours_podman, sizeof ours_podman);
    struct seccomp_profile *ours = load(ours_podman), *theirs = load(podman_src);
    size_t compared = 0;
    size_t diffs = compare(ours, theirs, &compared, false);
    printf("# compared %zu decisions with %s\n", compared, podman_src);
    assert_int_equal(diffs, 0);
    seccomp_profile_free(ours);
    seccomp_profile_free(theirs);
}

/* isolab diff's engine agrees: no difference for any capability set, and
 * Docker versus Podman differ where the issue says. */
static void test_diff(void **state)
{
    (void)state;
    struct seccomp_profile *ours = load(ours_path), *moby = load(moby_path);
    for (size_t ai = 0; ai < 2; ai++)
        for (size_t ci = 0; ci < 5; ci++) {
            struct sc_diff_entry *d = NULL;
            size_t n = 0;
            assert_int_equal(sc_diff_profiles(ours, moby, capsets[ci].caps, arches[ai], &d, &n), 0);
            assert_int_equal(n, 0);
            sc_diff_free(d, n);
        }
    char podman_path[4200];
    isolab_data_path("profiles/seccomp/podman-default.json", podman_path, sizeof podman_path);
    struct seccomp_profile *podman = load(podman_path);
    struct sc_diff_entry *d = NULL;
    size_t n = 0;
    assert_true(sc_diff_profiles(ours, podman, caps_docker_default(), SCMP_ARCH_X86_64, &d, &n) > 10);
    bool unshare = false, read_differs = false;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(d[i].name, "unshare")) {
            unshare = true;
            assert_string_equal(d[i].a, "ERRNO(EPERM)");
            assert_string_equal(d[i].b, "ALLOW");
        }
        read_differs |= !strcmp(d[i].name, "read");
    }
    assert_true(unshare);
    assert_false(read_differs);
    sc_diff_free(d, n);
    seccomp_profile_free(podman);
    seccomp_profile_free(ours);
    seccomp_profile_free(moby);
}

static void test_caps_parse(void **state)
{
    (void)state;
    uint64_t c;
    struct isolab_err err;
    assert_int_equal(sc_caps_parse("docker", &c, &err), 0);
    assert_int_equal(c, caps_docker_default());
    assert_int_equal(sc_caps_parse("none", &c, &err), 0);
    assert_int_equal(c, 0);
    assert_int_equal(sc_caps_parse("all", &c, &err), 0);
    assert_int_equal(c, caps_all_known());
    assert_int_equal(sc_caps_parse("SYS_ADMIN,CAP_SYS_TIME", &c, &err), 0);
    assert_int_equal(c, 1ull << 21 | 1ull << 25);
    assert_int_equal(sc_caps_parse("docker,+SYS_ADMIN,-NET_RAW", &c, &err), 0);
    assert_int_equal(c, (caps_docker_default() | 1ull << 21) & ~(1ull << 13));
    assert_int_equal(sc_caps_parse("docker,SYS_ADMN", &c, &err), -1);
    assert_non_null(strstr(err.msg, "SYS_ADMN"));
}

/* Every rule of isolab's file says why it is there. */
static void test_every_rule_has_a_comment(void **state)
{
    (void)state;
    struct seccomp_profile *ours = load(ours_path);
    for (size_t i = 0; i < ours->nrules; i++) {
        if (!ours->rules[i].comment || strlen(ours->rules[i].comment) < 20)
            fail_msg("syscalls[%zu] (%s) has no comment saying why", i, ours->rules[i].names[0]);
    }
    seccomp_profile_free(ours);
}

/* The facts the issue states, from the model, on x86_64. */
static void test_docker_facts(void **state)
{
    (void)state;
    struct seccomp_profile *ours = load(ours_path);
    static const char *const eperm[] = {
        "unshare", "setns", "mount", "umount2", "pivot_root", "keyctl", "add_key",
        "request_key", "bpf", "perf_event_open", "io_uring_setup", "userfaultfd",
        "kexec_load", "init_module", "reboot", "clock_settime", "sethostname", "swapon",
    };
    struct sc_verdict v;
    uint64_t d = caps_docker_default();
    for (size_t i = 0; i < sizeof eperm / sizeof eperm[0]; i++) {
        assert_int_equal(seccomp_profile_eval(ours, d, SCMP_ARCH_X86_64, eperm[i], NULL, &v), 0);
        if (v.action != SC_ACT_ERRNO || v.errno_ret != 1)
            fail_msg("%s: expected EPERM under Docker's capabilities", eperm[i]);
    }
    assert_int_equal(seccomp_profile_eval(ours, d, SCMP_ARCH_X86_64, "clone3", NULL, &v), 0);
    assert_int_equal(v.action, SC_ACT_ERRNO);
    assert_int_equal(v.errno_ret, 38);
    uint64_t admin = d | 1ull << isolab_cap_from_name("SYS_ADMIN");
    static const char *const unlocked[] = {"unshare", "setns", "mount", "clone3"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(seccomp_profile_eval(ours, admin, SCMP_ARCH_X86_64, unlocked[i], NULL, &v), 0);
        if (v.action != SC_ACT_ALLOW || v.conditional)
            fail_msg("%s: expected ALLOW with CAP_SYS_ADMIN", unlocked[i]);
    }
    seccomp_profile_free(ours);
}

int main(void)
{
    const char *env = getenv("ISOLAB_PEERS");
    snprintf(peers, sizeof peers, "%s", env && *env ? env : "../shared/peers");
    snprintf(moby_path, sizeof moby_path, "%s/moby-profiles/seccomp/default.json", peers);
    isolab_data_path("profiles/seccomp/docker-default.json", ours_path, sizeof ours_path);
    init_capsets();
    const struct CMUnitTest own[] = {
        cmocka_unit_test(test_every_rule_has_a_comment),
        cmocka_unit_test(test_docker_facts),
        cmocka_unit_test(test_caps_parse),
    };
    const struct CMUnitTest with_peers[] = {
        cmocka_unit_test(test_docker_default_equivalent),
        cmocka_unit_test(test_same_archmap),
        cmocka_unit_test(test_comparison_detects_a_change),
        cmocka_unit_test(test_diff),
    };
    int rc = cmocka_run_group_tests_name("equivalence", own, NULL, NULL);
    if (access(moby_path, R_OK) == 0) {
        rc |= cmocka_run_group_tests_name("equivalence-with-docker", with_peers, NULL, NULL);
    } else {
        for (size_t i = 0; i < sizeof with_peers / sizeof with_peers[0]; i++)
            printf("ok - %s # SKIP Docker's profile not found at %s (set ISOLAB_PEERS)\n",
                   with_peers[i].name, moby_path);
    }
    if (access(podman_src, R_OK) == 0) {
        const struct CMUnitTest pod[] = {cmocka_unit_test(test_podman_equivalent)};
        rc |= cmocka_run_group_tests_name("equivalence-with-podman", pod, NULL, NULL);
    } else {
        printf("ok - test_podman_equivalent # SKIP %s not installed "
               "(apt-get install golang-github-containers-common)\n", podman_src);
    }
    return rc;
}
