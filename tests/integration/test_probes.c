/* The probes for real, as root: each test starts real sandboxes and checks
 * the verdict the kernel gave, and which layers attribution blames.
 * Docker's defaults: unshare(CLONE_NEWUSER) is EPERM from seccomp, clone3 is
 * ENOSYS, the clock is guarded by seccomp and capabilities both; adding
 * CAP_SYS_ADMIN or CAP_SYS_TIME unlocks them as in Docker. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sched.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "isolab.h"
#include "probes.h"

#define BIT(l) (1u << (l))

static struct probe_env host;

static void docker(struct lab_config *cfg)
{
    lab_config_init_docker(cfg);
    cfg->tty = false;
}

static void show(const char *what, const char *id, const struct probe_result *r)
{
    char s[200];
    probe_result_str(r, s, sizeof s);
    printf("# %s %s: %s %s (%s)\n", what, id, probe_verdict_name(r->verdict), s, r->detail);
}

static struct probe_result run1(const struct lab_config *cfg, const char *id)
{
    int idx = probe_index(id);
    if (idx < 0)
        fail_msg("no probe %s", id);
    struct probe_result r;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (probes_run(cfg, &idx, 1, &r, &err) < 0)
        fail_msg("probes_run %s: %s (hint: %s)", id, err.msg, err.hint);
    show("run", id, &r);
    return r;
}

static struct probe_blame blame1(const struct lab_config *cfg, const char *id)
{
    int idx = probe_index(id);
    if (idx < 0)
        fail_msg("no probe %s", id);
    struct probe_blame b;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (probes_blame(cfg, &idx, 1, &b, &err) < 0)
        fail_msg("probes_blame %s: %s (hint: %s)", id, err.msg, err.hint);
    char layers[64];
    probe_layers_str(b.blocked_by, layers, sizeof layers);
    show("full", id, &b.full);
    printf("#   blocked by: %s%s%s\n", layers[0] ? layers : "-",
           b.combination ? " (combination)" : "", b.host_blocks ? " (the host)" : "");
    return b;
}

/* ---- the catalogue ---- */

static void test_catalogue(void **state)
{
    (void)state;
    static const char *const required[] = {
        "unshare-user", "unshare-mnt", "setns", "mount-tmpfs", "umount", "pivot-root",
        "chroot", "chmod", "fchmodat2", "chown", "mknod", "clock-settime", "sethostname",
        "raw-socket", "packet-socket", "bind-80", "io-uring", "keyctl", "add-key", "bpf",
        "perf-event-open", "userfaultfd", "ptrace", "init-module", "kexec-load", "reboot",
        "clone3", "personality", "open-kcore", "sysrq-trigger", "write-proc-sys",
        "write-sys", "host-processes", "host-interfaces", "fork-200", "memory-256m",
        "cpu-share", "write-etc", "execve",
    };
    assert_true(probe_count >= 32);
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!probe_find(required[i]))
            fail_msg("the catalogue lacks %s", required[i]);
    for (size_t i = 0; i < probe_count; i++) {
        const struct probe *p = &probe_catalogue[i];
        assert_non_null(p->run);
        assert_true(p->id[0] && p->title[0] && p->explain[0]);
        assert_null(strchr(p->explain, '\n'));
        assert_true(p->usual != 0 && p->usual < BIT(LAYER_COUNT));
        assert_int_equal(probe_index(p->id), (int)i);
        for (const char *c = p->id; *c; c++)
            assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-');
    }
    assert_int_equal(probe_index("no-such-probe"), -1);
}

static void test_result_str(void **state)
{
    (void)state;
    char s[200];
    struct probe_result r = {.verdict = PROBE_BLOCKED, .err = EPERM};
    probe_result_str(&r, s, sizeof s);
    assert_string_equal(s, "EPERM");
    r = (struct probe_result){.verdict = PROBE_BLOCKED, .sig = SIGSYS};
    probe_result_str(&r, s, sizeof s);
    assert_string_equal(s, "SIGSYS");
    r = (struct probe_result){.verdict = PROBE_ALLOWED};
    probe_result_str(&r, s, sizeof s);
    assert_string_equal(s, "allowed");
    r = (struct probe_result){.verdict = PROBE_ERROR, .detail = "no answer within 10 s"};
    probe_result_str(&r, s, sizeof s);
    assert_string_equal(s, "ERROR: no answer within 10 s");
    probe_layers_str(BIT(LAYER_SECCOMP) | BIT(LAYER_CAPS), s, sizeof s);
    assert_string_equal(s, "seccomp+caps");
}

static void test_only_layer(void **state)
{
    (void)state;
    struct lab_config full, o;
    docker(&full);
    lab_config_only_layer(&full, LAYER_SECCOMP, &o);
    for (int id = 0; id < LAYER_COUNT; id++)
        assert_int_equal(o.layer_on[id], id == LAYER_SECCOMP);
    assert_true(o.seccomp_caps_fixed);
    assert_true(o.seccomp_caps == caps_docker_default());

    lab_config_only_layer(&full, LAYER_NS, &o);
    for (int id = 0; id < LAYER_COUNT; id++)
        assert_int_equal(o.layer_on[id], id == LAYER_NS);
    assert_memory_equal(o.ns, full.ns, sizeof o.ns);

    lab_config_only_layer(&full, LAYER_COUNT, &o);
    for (int id = 0; id < LAYER_COUNT; id++)
        assert_false(o.layer_on[id]);

    /* caps off in the full config: the filter is compiled for every cap */
    full.layer_on[LAYER_CAPS] = false;
    lab_config_only_layer(&full, LAYER_SECCOMP, &o);
    assert_true(o.seccomp_caps == caps_all_known());
    /* a layer switched off in full stays off alone */
    full.layer_on[LAYER_LSM] = false;
    lab_config_only_layer(&full, LAYER_LSM, &o);
    assert_false(o.layer_on[LAYER_LSM]);
}

static void test_bad_selection(void **state)
{
    (void)state;
    struct lab_config cfg;
    lab_config_init_unconfined(&cfg);
    int idx = 9999;
    struct probe_result r;
    struct isolab_err err;
    isolab_err_clear(&err);
    assert_int_equal(probes_run(&cfg, &idx, 1, &r, &err), -1);
    assert_non_null(strstr(err.msg, "no probe number 9999"));
}

/* ---- Docker's defaults and what unlocks them ---- */

static void test_docker_unshare_user_blamed_on_seccomp(void **state)
{
    (void)state;
    struct lab_config cfg;
    docker(&cfg);
    struct probe_blame b = blame1(&cfg, "unshare-user");
    assert_int_equal(b.full.verdict, PROBE_BLOCKED);
    assert_int_equal(b.full.err, EPERM);
    assert_true(b.layer_tested[LAYER_SECCOMP]);
    assert_int_equal(b.alone[LAYER_SECCOMP].verdict, PROBE_BLOCKED);
    assert_true(b.blocked_by & BIT(LAYER_SECCOMP));
    assert_false(b.combination);
}

/* What the host itself answers to unshare(CLONE_NEWUSER) from root without
 * CAP_SYS_ADMIN (Docker's capabilities): 0 if allowed, else the errno. This is
 * the verdict with seccomp out of the way, found without isolab. */
static int host_userns_errno(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct d[2];
        if (syscall(SYS_capget, &h, d) < 0)
            _exit(200);
        d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
        if (syscall(SYS_capset, &h, d) < 0)
            _exit(200);
        _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : errno);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) == 200)
        fail_msg("could not ask the host whether it allows user namespaces");
    return WEXITSTATUS(st);
}

/* seccomp=unconfined, the rest as Docker: no other layer stops
 * unshare(CLONE_NEWUSER), so the sandbox gets exactly the host's answer. */
static void test_seccomp_off_unshare_user(void **state)
{
    (void)state;
    struct lab_config cfg;
    docker(&cfg);
    char *argv[] = {"--security-opt", "seccomp=unconfined", NULL};
    int i = 0;
    struct isolab_err err;
    isolab_err_clear(&err);
    assert_int_equal(lab_config_parse_flag(&cfg, 2, argv, &i, &err), 1);
    assert_false(cfg.layer_on[LAYER_SECCOMP]);
    struct probe_blame b = blame1(&cfg, "unshare-user");
    assert_false(b.layer_tested[LAYER_SECCOMP]);
    int want = host_userns_errno();
    if (want == 0) {
        assert_int_equal(b.full.verdict, PROBE_ALLOWED);
        assert_int_equal(b.blocked_by, 0);
        return;
    }
    printf("# this host refuses user namespaces without CAP_SYS_ADMIN: %s\n", strerror(want));
    assert_int_equal(b.full.verdict, PROBE_BLOCKED);
    assert_int_equal(b.full.err, want);
    assert_false(b.blocked_by & BIT(LAYER_SECCOMP));
}

static void test_cap_sys_admin_unlocks_unshare(void **state)
{
    (void)state;
    struct lab_config cfg;
    docker(&cfg);
    cfg.caps |= 1ULL << CAP_SYS_ADMIN;
    assert_int_equal(run1(&cfg, "unshare-user").verdict, PROBE_ALLOWED);
    assert_int_equal(run1(&cfg, "unshare-mnt").verdict, PROBE_ALLOWED);
    /* Docker's profile lets clone3 through with CAP_SYS_ADMIN too */
    assert_int_equal(run1(&cfg, "clone3").verdict, PROBE_ALLOWED);
}

static void test_clone3_enosys_under_docker(void **state)
{
    (void)state;
    struct lab_config cfg;
    docker(&cfg);
    struct probe_blame b = blame1(&cfg, "clone3");
    assert_int_equal(b.full.verdict, PROBE_BLOCKED);
    assert_int_equal(b.full.err, ENOSYS);
    assert_true(b.blocked_by & BIT(LAYER_SECCOMP));
}

static void test_clock_blamed_on_caps_and_seccomp(void **state)
{
    (void)state;
    struct lab_config cfg;
    docker(&cfg);
    struct probe_blame b = blame1(&cfg, "clock-settime");
    assert_int_equal(b.full.verdict, PROBE_BLOCKED);
    assert_int_equal(b.full.err, EPERM);
    assert_true(b.blocked_by & BIT(LAYER_CAPS));
    assert_true(b.blocked_by & BIT(LAYER_SECCOMP));

    cfg.caps |= 1ULL << CAP_SYS_TIME;   /* sets the clock to the time it is */
    assert_int_equal(run1(&cfg, "clock-settime").verdict, PROBE_ALLOWED);
}

static void test_mount_defence_in_depth(void **state)
{
    (void)state;
    struct lab_config cfg;
    docker(&cfg);
    struct probe_blame b = blame1(&cfg, "mount-tmpfs");
    assert_int_equal(b.full.verdict, PROBE_BLOCKED);
    assert_true(b.blocked_by & BIT(LAYER_SECCOMP));
    assert_true(b.blocked_by & BIT(LAYER_CAPS));
}

static void test_host_hidden_by_namespaces(void **state)
{
    (void)state;
    struct lab_config cfg;
    docker(&cfg);
    struct probe_blame b = blame1(&cfg, "host-processes");
    assert_int_equal(b.full.verdict, PROBE_BLOCKED);
    assert_int_equal(b.full.err, ESRCH);
    assert_int_equal(b.blocked_by, BIT(LAYER_NS));
    b = blame1(&cfg, "host-hostname");
    assert_int_equal(b.full.verdict, PROBE_BLOCKED);
    assert_int_equal(b.blocked_by, BIT(LAYER_NS));
    if (host.host_ifaces > 1) {
        b = blame1(&cfg, "host-interfaces");
        assert_int_equal(b.full.verdict, PROBE_BLOCKED);
        assert_int_equal(b.blocked_by, BIT(LAYER_NS));
    }
}

/* ---- custom profiles ---- */

static void set_profile(struct lab_config *cfg, const char *rel)
{
    if (isolab_data_path(rel, cfg->seccomp_profile, sizeof cfg->seccomp_profile) < 0 ||
        access(cfg->seccomp_profile, R_OK) != 0)
        fail_msg("profile %s not found (%s)", rel, cfg->seccomp_profile);
}

static void test_no_chmod_profile(void **state)
{
    (void)state;
    struct lab_config cfg;
    docker(&cfg);
    set_profile(&cfg, "profiles/seccomp/no-chmod.json");
    struct probe_result r = run1(&cfg, "chmod");
    assert_int_equal(r.verdict, PROBE_BLOCKED);
    assert_int_equal(r.err, EPERM);
    r = run1(&cfg, "fchmodat2");
    if (host.kernel_version >= (6u << 16) + (6u << 8)) {
        assert_int_equal(r.verdict, PROBE_BLOCKED);
        assert_int_equal(r.err, EPERM);
    }
    /* the profile that forgets fchmodat2 leaves it open */
    set_profile(&cfg, "profiles/seccomp/no-chmod-forgot-fchmodat2.json");
    assert_int_equal(run1(&cfg, "chmod").verdict, PROBE_BLOCKED);
    r = run1(&cfg, "fchmodat2");
    if (host.kernel_version >= (6u << 16) + (6u << 8))
        assert_int_equal(r.verdict, PROBE_ALLOWED);
    else
        assert_int_equal(r.verdict, PROBE_SKIPPED);
}

/* Run the probes `ids` under Docker's defaults with the seccomp profile
 * `json` (written to a temp file), plus extra caps; results into r. */
static void run_with_profile(const char *json, uint64_t add_caps, const char *const *ids,
                             int n, struct probe_result *r)
{
    char path[] = "/tmp/isolab-test-profile-XXXXXX.json";
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    struct lab_config cfg;
    docker(&cfg);
    snprintf(cfg.seccomp_profile, sizeof cfg.seccomp_profile, "%s", path);
    cfg.caps |= add_caps;
    int sel[8];
    for (int i = 0; i < n; i++)
        sel[i] = probe_index(ids[i]);
    struct isolab_err err;
    isolab_err_clear(&err);
    int rc = probes_run(&cfg, sel, (size_t)n, r, &err);
    unlink(path);
    if (rc < 0)
        fail_msg("probes_run: %s (hint: %s)", err.msg, err.hint);
    for (int i = 0; i < n; i++)
        show("run", ids[i], &r[i]);
}

/* A seccomp KILL costs the probe that hit it, not the run. */
static void test_kill_costs_one_probe(void **state)
{
    (void)state;
    const char *json =
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
        "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
        "{\"names\": [\"sethostname\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}";
    const char *ids[] = {"personality", "chmod", "personality-aslr", "sethostname"};
    struct probe_result r[4];
    /* CAP_SYS_ADMIN so that only seccomp decides */
    run_with_profile(json, 1ULL << CAP_SYS_ADMIN, ids, 4, r);
    assert_int_equal(r[0].verdict, PROBE_BLOCKED);
    assert_int_equal(r[0].sig, SIGSYS);
    assert_int_equal(r[1].verdict, PROBE_ALLOWED);
    assert_int_equal(r[2].verdict, PROBE_BLOCKED);
    assert_int_equal(r[2].sig, SIGSYS);
    assert_int_equal(r[3].verdict, PROBE_BLOCKED);
    assert_int_equal(r[3].err, EACCES);
}

/* The runner itself lives under the filter: without waitid it still works. */
static void test_runner_without_waitid(void **state)
{
    (void)state;
    const char *json =
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
        "{\"names\": [\"waitid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1},"
        "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}]}";
    const char *ids[] = {"personality", "chmod", "fork-200"};
    struct probe_result r[3];
    run_with_profile(json, 0, ids, 3, r);
    assert_int_equal(r[0].verdict, PROBE_BLOCKED);
    assert_int_equal(r[0].sig, SIGSYS);
    assert_int_equal(r[1].verdict, PROBE_ALLOWED);
    assert_int_equal(r[2].verdict, PROBE_ALLOWED);
}

/* ---- whole catalogue ---- */

/* Every probe answers under Docker's defaults, and every block is
 * explained: by layers alone, by their combination, or by the host. */
static void test_docker_catalogue_all_explained(void **state)
{
    (void)state;
    struct lab_config cfg;
    docker(&cfg);
    static struct probe_blame b[256];
    assert_true(probe_count <= 256);
    struct isolab_err err;
    isolab_err_clear(&err);
    if (probes_blame(&cfg, NULL, 0, b, &err) < 0)
        fail_msg("probes_blame: %s (hint: %s)", err.msg, err.hint);
    int blocked = 0;
    for (size_t i = 0; i < probe_count; i++) {
        char layers[64];
        probe_layers_str(b[i].blocked_by, layers, sizeof layers);
        show("docker", probe_catalogue[i].id, &b[i].full);
        if (b[i].full.verdict == PROBE_ERROR && strcmp(probe_catalogue[i].id, "cpu-share") != 0)
            fail_msg("%s: %s", probe_catalogue[i].id, b[i].full.detail);
        if (b[i].full.verdict != PROBE_BLOCKED)
            continue;
        blocked++;
        assert_true(b[i].blocked_by || b[i].combination || b[i].host_blocks);
        assert_false(b[i].host_blocks && b[i].blocked_by);
    }
    assert_true(blocked >= 15);
}

/* With every layer off nothing can be blamed on a layer. */
static void test_unconfined_blames_no_layer(void **state)
{
    (void)state;
    struct lab_config cfg;
    lab_config_init_unconfined(&cfg);
    static struct probe_blame b[256];
    assert_true(probe_count <= 256);
    struct isolab_err err;
    isolab_err_clear(&err);
    if (probes_blame(&cfg, NULL, 0, b, &err) < 0)
        fail_msg("probes_blame: %s (hint: %s)", err.msg, err.hint);
    for (size_t i = 0; i < probe_count; i++) {
        for (int id = 0; id < LAYER_COUNT; id++)
            assert_false(b[i].layer_tested[id]);
        if (b[i].blocked_by || b[i].combination)
            show("unconfined, yet blamed:", probe_catalogue[i].id, &b[i].full);
        assert_int_equal(b[i].blocked_by, 0);
        assert_false(b[i].combination);
        if (b[i].full.verdict == PROBE_BLOCKED) {
            show("unconfined", probe_catalogue[i].id, &b[i].full);
            assert_true(b[i].host_blocks);
        }
    }
}

/* Rootless: as an ordinary user the sandbox goes through a user namespace,
 * and so do the baseline and each layer alone. */
static void test_rootless_blame(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        char msg[1200] = "";
        int code = 0;
        if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
            setresuid(65534, 65534, 65534) < 0 || prctl(PR_SET_DUMPABLE, 1) < 0) {
            snprintf(msg, sizeof msg, "cannot become uid 65534: %s", strerror(errno));
            code = 2;
        } else {
            struct lab_config cfg;
            docker(&cfg);
            cfg.layer_on[LAYER_CGROUP] = false;   /* v1 cgroups are root's */
            int idx = probe_index("unshare-user");
            struct probe_blame b;
            struct isolab_err err;
            isolab_err_clear(&err);
            if (probes_blame(&cfg, &idx, 1, &b, &err) < 0) {
                snprintf(msg, sizeof msg, "%s", err.msg);
                code = err.errnum == EPERM || err.errnum == EACCES ? 3 : 1;
            } else if (b.full.verdict != PROBE_BLOCKED || b.full.err != EPERM ||
                       !(b.blocked_by & BIT(LAYER_SECCOMP)) || b.host_blocks ||
                       b.baseline.verdict != PROBE_ALLOWED) {
                snprintf(msg, sizeof msg, "full %s/%d blocked_by %#x host %d baseline %s: %s",
                         probe_verdict_name(b.full.verdict), b.full.err, b.blocked_by,
                         b.host_blocks, probe_verdict_name(b.baseline.verdict),
                         b.baseline.detail);
                code = 1;
            } else {
                snprintf(msg, sizeof msg, "rootless: EPERM, blamed on seccomp");
            }
        }
        ssize_t w = write(p[1], msg, strlen(msg));
        (void)w;
        _exit(code);
    }
    close(p[1]);
    char msg[1201] = "";
    ssize_t n = read(p[0], msg, sizeof msg - 1);
    msg[n > 0 ? n : 0] = '\0';
    close(p[0]);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    printf("# %s\n", msg);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* Can uid 65534 make a user namespace here? If not, why. */
static bool rootless_possible(char *why, size_t n)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
            setresuid(65534, 65534, 65534) < 0)
            _exit(100);
        _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : errno);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
        snprintf(why, n, "could not test");
        return false;
    }
    if (WEXITSTATUS(st) == 100)
        snprintf(why, n, "cannot switch to uid 65534");
    else if (WEXITSTATUS(st))
        snprintf(why, n, "ordinary users cannot create user namespaces here (%s)",
                 strerror(WEXITSTATUS(st)));
    return WEXITSTATUS(st) == 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    probe_env_init(&host);
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_result_str),
        cmocka_unit_test(test_only_layer),
    };
    const struct CMUnitTest real[] = {
        cmocka_unit_test(test_bad_selection),
        cmocka_unit_test(test_docker_unshare_user_blamed_on_seccomp),
        cmocka_unit_test(test_seccomp_off_unshare_user),
        cmocka_unit_test(test_cap_sys_admin_unlocks_unshare),
        cmocka_unit_test(test_clone3_enosys_under_docker),
        cmocka_unit_test(test_clock_blamed_on_caps_and_seccomp),
        cmocka_unit_test(test_mount_defence_in_depth),
        cmocka_unit_test(test_host_hidden_by_namespaces),
        cmocka_unit_test(test_no_chmod_profile),
        cmocka_unit_test(test_kill_costs_one_probe),
        cmocka_unit_test(test_runner_without_waitid),
        cmocka_unit_test(test_docker_catalogue_all_explained),
        cmocka_unit_test(test_unconfined_blames_no_layer),
        cmocka_unit_test(test_rootless_blame),
    };
    size_t nreal = sizeof real / sizeof real[0];
    int rc = cmocka_run_group_tests_name("probes", pure, NULL, NULL);
    if (geteuid() != 0) {
        printf("ok - probes in real sandboxes # SKIP they need root (run make check as root)\n");
        return rc;
    }
    char why[256];
    if (!rootless_possible(why, sizeof why)) {
        printf("ok - test_rootless_blame # SKIP %s\n", why);
        nreal--;     /* it is the last one */
    }
    return rc | _cmocka_run_group_tests("probes in sandboxes", real, nreal, NULL, NULL);
}
