/* The cgroup layer for real, as root: the pids, memory and cpu limits seen
 * by the probes inside a sandbox, the cgroup removed and its leftover
 * processes killed when the sandbox ends, and the cgroups of a killed isolab
 * removed by the next start. Runs on cgroup v1 (hybrid/legacy) and v2; a
 * machine without what a test needs prints "ok - name # SKIP reason". */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgroup_int.h"
#include "isolab.h"
#include "probes.h"
#include "probe_helpers.h"

static char self_exe[4096];

static void base_config(struct lab_config *cfg)
{
    lab_config_init_docker(cfg);
    cfg->tty = false;
}

static struct probe_result run_probe(const struct lab_config *cfg, const char *id)
{
    return run_one_probe(cfg, id, NULL);
}

/* Every isolab/ parent directory of this machine's cgroup layout. */
static int isolab_parents(char parents[CG_NCTRL][ISOLAB_PATH_MAX + 16])
{
    const struct cg_info *info = cg_detect();
    int n = 0;
    if (info->mode == CG_MODE_V2) {
        snprintf(parents[n++], ISOLAB_PATH_MAX + 16, "%s/isolab", info->v2_base);
        return n;
    }
    for (int c = 0; c < CG_NCTRL; c++)
        if (info->v1_mount[c][0])
            snprintf(parents[n++], ISOLAB_PATH_MAX + 16, "%s/isolab", info->v1_mount[c]);
    return n;
}

/* Sandbox cgroups owned by this process: the name is opaque ("sb-<hex>"),
 * the owner's pid is in its lock file /run/isolab/cgroups/<name>.lock. */
static int count_own_cgroups(void)
{
    char parents[CG_NCTRL][ISOLAB_PATH_MAX + 16], me[24];
    int n = isolab_parents(parents), count = 0;
    snprintf(me, sizeof me, "%d\n", (int)getpid());
    for (int i = 0; i < n; i++) {
        DIR *d = opendir(parents[i]);
        if (!d)
            continue;
        struct dirent *de;
        while ((de = readdir(d))) {
            char lock[512], owner[24] = "";
            if (strncmp(de->d_name, "sb-", 3) != 0)
                continue;
            snprintf(lock, sizeof lock, "/run/isolab/cgroups/%.255s.lock", de->d_name);
            FILE *f = fopen(lock, "re");
            if (f && fgets(owner, sizeof owner, f) && strcmp(owner, me) == 0)
                count++;
            if (f)
                fclose(f);
        }
        closedir(d);
    }
    return count;
}

/* The statfs shortcut finds the mounts mountinfo lists (or says it cannot). */
static void test_mounts_shortcut_agrees(void **state)
{
    (void)state;
    static struct cg_info fast, slow;
    memset(&fast, 0, sizeof fast);
    memset(&slow, 0, sizeof slow);
    cg_mounts_mountinfo(&slow);
    if (!cg_mounts_usual(&fast)) {
        printf("ok - the statfs shortcut agrees with mountinfo # SKIP this machine's cgroups "
               "are not in the usual layout (mountinfo decides; v2 at '%s')\n", slow.v2_mount);
        return;
    }
    printf("# shortcut: v2 at '%s'; v1 pids '%s' memory '%s' cpu '%s' devices '%s'\n",
           fast.v2_mount, fast.v1_mount[CG_PIDS], fast.v1_mount[CG_MEMORY], fast.v1_mount[CG_CPU],
           fast.v1_mount[CG_DEVICES]);
    assert_string_equal(fast.v2_mount, slow.v2_mount);
    for (int c = 0; c < CG_NCTRL; c++) {
        /* the same hierarchy: a symlink (cpu -> cpu,cpuacct) may name it */
        struct stat a, b;
        if (!slow.v1_mount[c][0]) {
            assert_string_equal(fast.v1_mount[c], "");
            continue;
        }
        assert_int_equal(stat(fast.v1_mount[c], &a), 0);
        assert_int_equal(stat(slow.v1_mount[c], &b), 0);
        assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
    }
}

static void test_mode_detected(void **state)
{
    (void)state;
    const char *mode = cgroup_mode_name();
    const char *expect;
    if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
        expect = "v2";
    else if (access("/sys/fs/cgroup/pids/cgroup.procs", F_OK) == 0)
        expect = access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) == 0 ? "v1 hybrid"
                                                                                 : "v1 legacy";
    else
        expect = "none";
    printf("# cgroup mode: %s (expected from /sys/fs/cgroup: %s)\n", mode, expect);
    assert_string_equal(mode, expect);
    struct lab_config cfg;
    base_config(&cfg);
    cfg.pids_limit = 64;
    cfg.memory_bytes = 256LL << 20;
    cfg.cpus = 0.5;
    char d[256], want[256];
    layer_describe(&cfg, LAYER_CGROUP, d, sizeof d);
    snprintf(want, sizeof want, "cgroups pids=64 mem=256M cpus=0.5, devices docker's rules (%s)",
             mode);
    assert_string_equal(d, want);
}

static void test_pids_limit_stops_fork_bomb(void **state)
{
    (void)state;
    struct lab_config cfg;
    base_config(&cfg);
    cfg.pids_limit = 10;
    struct probe_result r = run_probe(&cfg, "fork-200");
    assert_int_equal(r.verdict, PROBE_BLOCKED);
    assert_int_equal(r.err, EAGAIN);
    int started = -1;
    assert_int_equal(sscanf(r.detail, "started %d of 200", &started), 1);
    assert_true(started >= 0 && started < 10);
}

static void test_no_pids_limit_all_start(void **state)
{
    (void)state;
    struct lab_config cfg;
    base_config(&cfg);
    struct probe_result r = run_probe(&cfg, "fork-200");
    assert_int_equal(r.verdict, PROBE_ALLOWED);
    assert_non_null(strstr(r.detail, "started 200 of 200"));
}

static void test_memory_64m_oom_killed(void **state)
{
    (void)state;
    struct lab_config cfg;
    base_config(&cfg);
    cfg.memory_bytes = 64LL << 20;
    struct probe_result r = run_probe(&cfg, "memory-256m");
    assert_int_equal(r.verdict, PROBE_BLOCKED);
    assert_int_equal(r.sig, SIGKILL);
}

static void test_memory_512m_completes(void **state)
{
    (void)state;
    struct lab_config cfg;
    base_config(&cfg);
    cfg.memory_bytes = 512LL << 20;
    struct probe_result r = run_probe(&cfg, "memory-256m");
    assert_int_equal(r.verdict, PROBE_ALLOWED);
}

/* 0.1 CPU over a 0.3 s spin is at most a few 10 ms quota periods: far under
 * the probe's 70% line whatever else the machine does. */
static void test_cpus_throttle(void **state)
{
    (void)state;
    struct lab_config cfg;
    base_config(&cfg);
    cfg.cpus = 0.1;
    struct probe_result r = run_probe(&cfg, "cpu-share");
    assert_int_equal(r.verdict, PROBE_BLOCKED);
}

/* fn: leave a process behind that nothing but the cgroup layer can find
 * (no pid namespace, so no init takes it down). */
static int leave_orphan(void *arg)
{
    int fd = *(int *)arg;
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    if (write(fd, &pid, sizeof pid) != sizeof pid)
        return 1;
    return 0;
}

static void test_cleanup_kills_leftovers_and_removes(void **state)
{
    (void)state;
    /* The orphan is re-parented to us, so we can see how it died. */
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct lab_config cfg;
    base_config(&cfg);
    cfg.ns[NS_PID] = false;
    cfg.pids_limit = 50;
    cfg.fn = leave_orphan;
    cfg.fn_arg = &p[1];
    cfg.keep_fds[0] = p[1];     /* handed on purpose: not closed as inherited */
    int status = -1;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (sandbox_run(&cfg, &status, &err) < 0)
        fail_msg("sandbox_run: %s", err.msg);
    close(p[1]);
    pid_t orphan = -1;
    assert_int_equal(read(p[0], &orphan, sizeof orphan), (ssize_t)sizeof orphan);
    close(p[0]);
    assert_int_equal(status, 0);
    int st = 0;
    pid_t w = waitpid(orphan, &st, WNOHANG);
    if (w == 0) {           /* still alive: the layer failed; do not leak it */
        kill(orphan, SIGKILL);
        waitpid(orphan, NULL, 0);
        fail_msg("the leftover process %d was still alive after the sandbox ended", orphan);
    }
    assert_int_equal(w, orphan);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    printf("# leftover process %d was SIGKILLed by the cgroup cleanup\n", orphan);
    assert_int_equal(count_own_cgroups(), 0);
    prctl(PR_SET_CHILD_SUBREAPER, 0);
}

/* A stale cgroup, as a SIGKILLed isolab leaves it: named after a dead
 * owner, with a process still inside. A fresh process (this binary
 * re-executed) starts one sandbox; its first prepare must kill the process
 * and remove the cgroup. */
static void test_stale_cgroups_removed_at_start(void **state)
{
    (void)state;
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    pid_t victim = fork();
    if (victim == 0) {
        for (;;)
            pause();
    }
    char parents[CG_NCTRL][ISOLAB_PATH_MAX + 16], dirs[CG_NCTRL][ISOLAB_PATH_MAX + 64];
    char newdirs[CG_NCTRL][ISOLAB_PATH_MAX + 64], pidbuf[24], name[32], lock[128];
    snprintf(pidbuf, sizeof pidbuf, "%d", (int)victim);
    int n = isolab_parents(parents);
    struct isolab_err err;
    /* The opaque form: its lock file is there, and nobody holds it. */
    snprintf(name, sizeof name, "sb-%08x%08x", (unsigned)getpid(), (unsigned)rand());
    snprintf(lock, sizeof lock, "/run/isolab/cgroups/%s.lock", name);
    FILE *lf = fopen(lock, "we");
    if (!lf)
        fail_msg("creating %s: %s (an isolab started before creates the directory)", lock,
                 strerror(errno));
    fprintf(lf, "%d\n", (int)dead);
    fclose(lf);
    for (int i = 0; i < n; i++) {
        /* The old form of an older isolab, named after its dead pid. */
        snprintf(dirs[i], sizeof dirs[i], "%.4000s/sb7-%d.1", parents[i], (int)dead);
        snprintf(newdirs[i], sizeof newdirs[i], "%.4000s/%s", parents[i], name);
        assert_int_equal(cg_mkdir(parents[i], &err), 0);
        if (mkdir(dirs[i], 0755) < 0 || mkdir(newdirs[i], 0755) < 0)
            fail_msg("mkdir %s: %s", dirs[i], strerror(errno));
        if (cg_write(newdirs[i], "cgroup.procs", pidbuf, &err) < 0)
            fail_msg("%s", err.msg);
    }
    pid_t child = fork();
    if (child == 0) {
        execl(self_exe, self_exe, "--one-sandbox", (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(child, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    int vst = 0;
    pid_t w = waitpid(victim, &vst, WNOHANG);
    if (w == 0) {
        kill(victim, SIGKILL);
        waitpid(victim, NULL, 0);
    }
    int left = 0;
    for (int i = 0; i < n; i++) {
        if (access(dirs[i], F_OK) == 0) {
            printf("# still there: %s\n", dirs[i]);
            rmdir(dirs[i]);
            left++;
        }
        if (access(newdirs[i], F_OK) == 0) {
            printf("# still there: %s\n", newdirs[i]);
            rmdir(newdirs[i]);
            left++;
        }
    }
    if (access(lock, F_OK) == 0) {
        printf("# the lock file is still there: %s\n", lock);
        unlink(lock);
        left++;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    assert_int_equal(w, victim);
    assert_true(WIFSIGNALED(vst) && WTERMSIG(vst) == SIGKILL);
    assert_int_equal(left, 0);
}

static void test_validate_errors(void **state)
{
    (void)state;
    struct lab_config cfg;
    base_config(&cfg);
    struct isolab_err err;
    cfg.memory_bytes = 1 << 20;
    assert_int_equal(lab_config_validate(&cfg, &err), -1);
    printf("# %s / %s\n", err.msg, err.hint);
    assert_non_null(strstr(err.msg, "--memory"));
    assert_non_null(strstr(err.hint, "6m"));
    cfg.memory_bytes = 0;
    cfg.cpus = 1000;
    assert_int_equal(lab_config_validate(&cfg, &err), -1);
    printf("# %s / %s\n", err.msg, err.hint);
    assert_non_null(strstr(err.msg, "--cpus"));
}

#define NOBODY 65534

/* Become nobody and run this binary again with `mode` (a fresh process, so
 * the cgroup layout is detected as that user sees it). Returns its status. */
static int run_as_nobody(const char *mode, const char *leaf_procs)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char me[24];
        snprintf(me, sizeof me, "%d", (int)getpid());
        if (leaf_procs && cg_write(leaf_procs, "cgroup.procs", me, NULL) < 0)
            _exit(90);
        if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
            setresuid(NOBODY, NOBODY, NOBODY) < 0)
            _exit(91);
        execl(self_exe, self_exe, mode, (char *)NULL);
        _exit(92);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* As nobody, outside any delegated cgroup: not available, and the reason
 * says how to get a delegated scope. */
static int child_no_delegation(void)
{
    char why[512];
    bool ok = layer_available(LAYER_CGROUP, why, sizeof why);
    printf("# as uid %d: available=%d: %s\n", (int)getuid(), ok, why);
    return !ok && strstr(why, "systemd-run --user --scope -p Delegate=yes") ? 0 : 1;
}

static void test_rootless_without_delegation_explains(void **state)
{
    (void)state;
    assert_int_equal(run_as_nobody("--child-no-delegation", NULL), 0);
}

/* As nobody, in a delegated cgroup v2 subtree: --pids-limit works. */
static int child_delegated_fork_probe(void)
{
    char why[512];
    if (!layer_available(LAYER_CGROUP, why, sizeof why)) {
        printf("# not available as uid %d: %s\n", (int)getuid(), why);
        return 1;
    }
    printf("# as uid %d: %s\n", (int)getuid(), why);
    struct lab_config cfg;
    base_config(&cfg);
    cfg.pids_limit = 10;
    int idx = probe_index("fork-200");
    struct probe_result r;
    struct isolab_err err;
    if (probes_run(&cfg, &idx, 1, &r, &err) < 0) {
        printf("# probes_run: %s (hint: %s)\n", err.msg, err.hint);
        return 2;
    }
    printf("# rootless fork-200: %s (%s)\n", probe_verdict_name(r.verdict), r.detail);
    int started = 99;
    sscanf(r.detail, "started %d of 200", &started);
    return r.verdict == PROBE_BLOCKED && r.err == EAGAIN && started < 10 ? 0 : 3;
}

/* The subtree is made the way systemd delegates one (the directory and its
 * cgroup.procs, cgroup.subtree_control and cgroup.threads owned by the
 * user), inside isolab/ so that nothing outside it changes. */
static void test_rootless_delegated_v2(void **state)
{
    (void)state;
    const struct cg_info *info = cg_detect();
    char top[ISOLAB_PATH_MAX], deleg[ISOLAB_PATH_MAX + 64], leaf[ISOLAB_PATH_MAX + 96];
    char sub[ISOLAB_PATH_MAX + 128];
    struct isolab_err err;
    snprintf(top, sizeof top, "%.4000s/isolab", info->v2_base);
    snprintf(deleg, sizeof deleg, "%s/deleg-test-%d", top, (int)getpid());
    snprintf(leaf, sizeof leaf, "%s/leaf", deleg);
    assert_int_equal(cg_mkdir(top, &err), 0);
    for (int c = 0; c < CG_NCTRL; c++) {
        char v[16];
        snprintf(v, sizeof v, "+%s", cg_ctrl_name[c]);
        cg_write(top, "cgroup.subtree_control", v, NULL);
    }
    assert_int_equal(cg_mkdir(deleg, &err), 0);
    assert_int_equal(cg_mkdir(leaf, &err), 0);
    const char *own[] = {"", "/cgroup.procs", "/cgroup.subtree_control", "/cgroup.threads",
                         "/leaf", "/leaf/cgroup.procs"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        snprintf(sub, sizeof sub, "%s%s", deleg, own[i]);
        if (chown(sub, NOBODY, NOBODY) < 0)
            fail_msg("chown %s: %s", sub, strerror(errno));
    }
    int rc = run_as_nobody("--child-delegated", leaf);
    snprintf(sub, sizeof sub, "%s/isolab", deleg);
    int left = 0;
    DIR *d = opendir(sub);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)))
            left += strncmp(de->d_name, "sb", 2) == 0;
        closedir(d);
    }
    rmdir(sub);
    rmdir(leaf);
    rmdir(deleg);
    printf("# the rootless child exited with %d (0 = blocked with EAGAIN before 10)\n", rc);
    assert_int_equal(rc, 0);
    assert_int_equal(left, 0);
}

static int one_sandbox(void)
{
    struct lab_config cfg;
    base_config(&cfg);
    static char *argv[] = {"true", NULL};
    cfg.argv = argv;
    int status = -1;
    struct isolab_err err;
    if (sandbox_run(&cfg, &status, &err) < 0) {
        isolab_err_print(&err);
        return 2;
    }
    return status;
}

static long long mem_available_mib(void)
{
    FILE *f = fopen("/proc/meminfo", "re");
    long long kib = -1;
    char line[128];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib < 0 ? -1 : kib / 1024;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    ssize_t l = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    self_exe[l > 0 ? l : 0] = '\0';
    if (argc > 1 && strcmp(argv[1], "--one-sandbox") == 0)
        return one_sandbox();
    if (argc > 1 && strcmp(argv[1], "--child-no-delegation") == 0)
        return child_no_delegation();
    if (argc > 1 && strcmp(argv[1], "--child-delegated") == 0)
        return child_delegated_fork_probe();

    if (geteuid() != 0) {
        printf("ok - cgroup # SKIP these tests create cgroups and sandboxes as root\n");
        return 0;
    }
    char why[512];
    if (!layer_available(LAYER_CGROUP, why, sizeof why)) {
        printf("ok - cgroup # SKIP %s\n", why);
        return 0;
    }
    printf("# %s\n", why);
    const struct cg_info *info = cg_detect();
    bool mem = info->mode == CG_MODE_V2 ? info->v2_ctrl[CG_MEMORY] : info->v1_mount[CG_MEMORY][0];
    bool cpu = info->mode == CG_MODE_V2 ? info->v2_ctrl[CG_CPU] : info->v1_mount[CG_CPU][0];
    bool pids = info->mode == CG_MODE_V2 ? info->v2_ctrl[CG_PIDS] : info->v1_mount[CG_PIDS][0];

    struct CMUnitTest tests[16];
    size_t n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_mounts_shortcut_agrees);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_mode_detected);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_stale_cgroups_removed_at_start);
    if (pids) {
        tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_pids_limit_stops_fork_bomb);
        tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_cleanup_kills_leftovers_and_removes);
    } else {
        printf("ok - pids limit # SKIP no pids controller here\n");
    }
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_no_pids_limit_all_start);
    long long avail = mem_available_mib();
    if (!mem)
        printf("ok - memory limit # SKIP no memory controller here\n");
    else if (avail >= 0 && avail < 3 * 256)
        printf("ok - memory limit # SKIP only %lld MiB free; the hog needs 768\n", avail);
    else {
        tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_memory_64m_oom_killed);
        tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_memory_512m_completes);
    }
    if (cpu)
        tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_cpus_throttle);
    else
        printf("ok - cpu limit # SKIP no cpu controller here\n");
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_validate_errors);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_rootless_without_delegation_explains);
    if (info->mode == CG_MODE_V2 && pids)
        tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_rootless_delegated_v2);
    else
        printf("ok - rootless in a delegated cgroup v2 subtree # SKIP cgroup v2 only; this "
               "machine has cgroup %s\n", cgroup_mode_name());
    return _cmocka_run_group_tests("cgroup", tests, n, NULL, NULL);
}
