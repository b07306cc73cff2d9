/* The launcher (layers/sandbox.c) for real, as root: what sandbox_start and
 * sandbox_wait report when something fails, with a real sandbox each time. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <cmocka.h>

#include "isolab.h"

/* What the test child saw, sent back over a pipe. */
struct wait_report {
    int setup_errno;        /* 0, or why the test could not be set up */
    int tcsetpgrp_errno;    /* what tcsetpgrp does to errno in this setup */
    int start_rc, wait_rc, errnum;
    char msg[sizeof(((struct isolab_err *)0)->msg)];
};

/* In a child of the test: its own session with no controlling terminal, a
 * pty slave (opened O_NOCTTY) as stdin, and SIGCHLD ignored, so that
 *  - waitpid in sandbox_wait fails with ECHILD once the sandbox has exited
 *    (the kernel reaps children itself when SIGCHLD is SIG_IGN), and
 *  - the tcsetpgrp that sandbox_wait then makes on stdin (cfg.tty) fails
 *    with ENOTTY: a terminal, but not ours.
 * sandbox_wait must report the errno of waitpid, not of tcsetpgrp. */
static void wait_child(int fd)
{
    struct wait_report r;
    memset(&r, 0, sizeof r);
    int master = -1, slave = -1;
    if (setsid() < 0 || (master = posix_openpt(O_RDWR | O_NOCTTY)) < 0 || grantpt(master) < 0 ||
        unlockpt(master) < 0 || (slave = open(ptsname(master), O_RDWR | O_NOCTTY)) < 0 ||
        dup2(slave, STDIN_FILENO) < 0)
        r.setup_errno = errno ? errno : EIO;
    errno = 0;
    if (tcsetpgrp(STDIN_FILENO, getpgrp()) < 0)
        r.tcsetpgrp_errno = errno;
    signal(SIGCHLD, SIG_IGN);
    /* No terminal among 0/1/2 (else the pipe relay waits, not sandbox_wait). */
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0)
        r.setup_errno = errno ? errno : EIO;

    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    /* The LSM's AppArmor loader waits for apparmor_parser, which SIG_IGN
     * would disturb; this test is about the launcher, not the layers. */
    cfg.layer_on[LAYER_LSM] = false;
    /* no pty: sandbox_wait itself waits (the relay has its own loop) */
    cfg.tty = LAB_TTY_OFF;
    char *argv[] = {"/bin/true", NULL};
    cfg.argv = argv;
    struct isolab_err err;
    isolab_err_clear(&err);
    struct sandbox *sb = NULL;
    int status = -1;
    r.start_rc = sandbox_start(&cfg, &sb, &err);
    r.wait_rc = r.start_rc < 0 ? -1 : sandbox_wait(sb, &status, &err);
    r.errnum = err.errnum;
    snprintf(r.msg, sizeof r.msg, "%s", err.msg);
    _exit(write(fd, &r, sizeof r) == (ssize_t)sizeof r ? 0 : 1);
}

static void test_wait_reports_the_errno_of_waitpid(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        wait_child(p[1]);
    }
    close(p[1]);
    struct wait_report r;
    memset(&r, 0, sizeof r);
    ssize_t n = read(p[0], &r, sizeof r);
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    assert_int_equal(n, (ssize_t)sizeof r);
    if (r.setup_errno)
        fail_msg("setting up a pty without a controlling terminal: %s", strerror(r.setup_errno));
    printf("# tcsetpgrp in this setup: %s; sandbox_start %d, sandbox_wait %d: %s\n",
           r.tcsetpgrp_errno ? strerror(r.tcsetpgrp_errno) : "ok", r.start_rc, r.wait_rc, r.msg);
    /* The setup must make tcsetpgrp overwrite errno, or this test could not
     * tell the two apart. */
    assert_int_equal(r.tcsetpgrp_errno, ENOTTY);
    if (r.start_rc < 0)
        fail_msg("sandbox_start: %s", r.msg);
    assert_int_equal(r.wait_rc, -1);
    assert_int_equal(r.errnum, ECHILD);
    assert_non_null(strstr(r.msg, strerror(ECHILD)));
}

/* The probe runner (cfg->fn) never execs: an fd isolab's caller left open
 * (no FD_CLOEXEC) must be closed before it runs, its own (CLOEXEC) kept. */
static int inherited_fd, own_fd;
static int fn_sees_fds(void *arg)
{
    (void)arg;
    bool inherited_open = fcntl(inherited_fd, F_GETFD) >= 0;
    bool own_open = fcntl(own_fd, F_GETFD) >= 0;
    return (inherited_open ? 1 : 0) | (own_open ? 0 : 2);
}

static void test_fn_runs_without_the_callers_fds(void **state)
{
    (void)state;
    inherited_fd = open("/", O_RDONLY | O_DIRECTORY);
    own_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(inherited_fd >= 0 && own_fd >= 0);
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    cfg.tty = false;
    cfg.fn = fn_sees_fds;
    struct isolab_err err;
    isolab_err_clear(&err);
    int status = -1;
    int rc = sandbox_run(&cfg, &status, &err);
    close(inherited_fd);
    close(own_fd);
    if (rc < 0)
        fail_msg("sandbox_run: %s", err.msg);
    /* 1: the caller's fd was still open; 2: the runner's own was closed. */
    assert_int_equal(status, 0);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("1..1\nok 1 - launcher # SKIP these tests create namespaces as root\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wait_reports_the_errno_of_waitpid),
        cmocka_unit_test(test_fn_runs_without_the_callers_fds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
