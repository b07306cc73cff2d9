/* The LSM layer's AppArmor mechanism for real (the test VM boots with
 * AppArmor; this machine may not have it, and then every test here prints
 * "ok - ... # SKIP AppArmor is not enabled in this kernel"):
 *   - isolab loads its profile and /proc/self/attr/current in the sandbox
 *     names it;
 *   - mount is refused with CAP_SYS_ADMIN and seccomp off, because of
 *     AppArmor (--blame: the LSM alone), and apparmor=unconfined lets it go;
 *   - isolab-readonly-root refuses a write to /etc with EACCES;
 *   - an edited profile is reloaded on the next run. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "isolab.h"
#include "lsm_int.h"
#include "probes.h"
#include "probe_helpers.h"



/* Run argv in the sandbox with its stdout in a file; returns what it wrote. */
static void run_capture(struct lab_config *cfg, char **argv, char *out, size_t n)
{
    char path[] = "/tmp/isolab-aa-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    dup2(fd, STDOUT_FILENO);
    cfg->argv = argv;
    int status = -1;
    struct isolab_err err;
    isolab_err_clear(&err);
    int rc = sandbox_run(cfg, &status, &err);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    ssize_t r = pread(fd, out, n - 1, 0);
    out[r > 0 ? r : 0] = '\0';
    close(fd);
    if (rc < 0)
        fail_msg("sandbox_run: %s (hint: %s)", err.msg, err.hint);
    printf("# %s -> status %d: %s", argv[0], status, out);
}

static void test_profile_loaded_and_named(void **state)
{
    (void)state;
    struct lab_config cfg;
    lsm_test_config(&cfg, "isolab-default");
    char out[512];
    char *argv[] = {"cat", "/proc/self/attr/current", NULL};
    run_capture(&cfg, argv, out, sizeof out);
    assert_true(apparmor_profile_loaded("isolab-default"));
    assert_non_null(strstr(out, "isolab-default"));
    assert_non_null(strstr(out, "(enforce)"));
}

static void test_mount_blocked_by_apparmor(void **state)
{
    (void)state;
    struct lab_config cfg;
    lsm_mount_config(&cfg, "isolab-default");
    struct probe_blame b = lsm_blame_probe(&cfg, "mount-tmpfs");
    assert_int_equal(b.full.verdict, PROBE_BLOCKED);
    assert_true(b.blocked_by & (1u << LAYER_LSM));
    lsm_expect_allowed_without_lsm(&cfg, "mount-tmpfs");
}

static void test_readonly_root_refuses_etc(void **state)
{
    (void)state;
    struct lab_config cfg;
    lsm_test_config(&cfg, "isolab-readonly-root");
    lsm_expect(&cfg, "write-etc", PROBE_BLOCKED, EACCES);
    lsm_test_config(&cfg, NULL);
    lsm_expect(&cfg, "write-etc", PROBE_ALLOWED, -1);
}

/* A learner's own profile in a private data directory: first it denies
 * writes to /etc, then it is edited to allow them; the next run sees it. */
static void write_profile(const char *path, bool deny_etc)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "profile isolab-test-edit flags=(attach_disconnected,mediate_deleted) {\n"
               "  network,\n  capability,\n  file,\n  umount,\n  signal,\n  ptrace,\n"
               "%s}\n", deny_etc ? "  deny /etc/** w,\n" : "");
    fclose(f);
}

static void test_edited_profile_reloaded(void **state)
{
    (void)state;
    char dir[] = "/tmp/isolab-aa-data-XXXXXX", sub[128], file[160];
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/profiles", dir);
    mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/profiles/apparmor", dir);
    mkdir(sub, 0755);
    snprintf(file, sizeof file, "%s/isolab-test-edit", sub);
    /* the rest of the data (the seccomp profiles) from where it is */
    char seccomp[ISOLAB_PATH_MAX], link[160];
    assert_int_equal(isolab_data_path("profiles/seccomp", seccomp, sizeof seccomp), 0);
    snprintf(link, sizeof link, "%s/profiles/seccomp", dir);
    assert_int_equal(symlink(seccomp, link), 0);
    setenv("ISOLAB_DATADIR", dir, 1);
    struct lab_config cfg;
    lsm_test_config(&cfg, "isolab-test-edit");

    write_profile(file, true);
    lsm_expect(&cfg, "write-etc", PROBE_BLOCKED, EACCES);

    write_profile(file, false);
    /* a later mtime than the load, whatever the clock's granularity */
    struct timespec ts[2] = {{0, UTIME_NOW}, {time(NULL) + 5, 0}};
    utimensat(AT_FDCWD, file, ts, 0);
    lsm_expect(&cfg, "write-etc", PROBE_ALLOWED, -1);

    unsetenv("ISOLAB_DATADIR");
    unlink(file);
    rmdir(sub);
    unlink(link);
    snprintf(sub, sizeof sub, "%s/profiles", dir);
    rmdir(sub);
    rmdir(dir);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    static const char *const names[] = {
        "profile loaded and named in /proc/self/attr/current",
        "mount blocked by AppArmor with SYS_ADMIN and seccomp off",
        "isolab-readonly-root refuses /etc",
        "an edited profile is reloaded",
    };
    if (!apparmor_kernel_enabled()) {
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            printf("ok - apparmor: %s # SKIP AppArmor is not enabled in this kernel (LSMs: %s)\n",
                   names[i], lsm_active_list());
        return 0;
    }
    if (geteuid() != 0) {
        printf("ok - apparmor # SKIP loading AppArmor profiles needs root\n");
        return 0;
    }
    setenv("ISOLAB_LSM_MECHANISM", "apparmor", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile_loaded_and_named),
        cmocka_unit_test(test_mount_blocked_by_apparmor),
        cmocka_unit_test(test_readonly_root_refuses_etc),
        cmocka_unit_test(test_edited_profile_reloaded),
    };
    return cmocka_run_group_tests_name("lsm-apparmor", tests, NULL, NULL);
}
