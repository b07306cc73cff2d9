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
    int start_rc, wait_rc, errnum, status;
    char msg[sizeof(((struct isolab_err *)0)->msg)];
};

enum wait_case {
    WAIT_REAPED_FIRST,      /* the caller reaps the sandbox before sandbox_wait */
    WAIT_SIGCHLD_IGNORED,   /* SIGCHLD is SIG_IGN, no terminal: sandbox_wait waits */
    WAIT_SIGCHLD_IGNORED_RELAY, /* SIG_IGN, stdin a terminal: the pipe relay waits */
};

/* In a child of the test: its own session with no controlling terminal,
 * stdin /dev/null or (RELAY) a pty slave opened O_NOCTTY, which the
 * launcher replaces by a pipe it relays. sh -c 'exit 3' runs in the
 * docker preset without the LSM (the AppArmor loader waits for
 * apparmor_parser, which SIG_IGN would disturb; this is about the
 * launcher). A launcher that hangs is ended by the alarm: no report. */
static void wait_child(int fd, enum wait_case how)
{
    struct wait_report r;
    memset(&r, 0, sizeof r);
    alarm(60);
    int master = -1, slave = -1;
    int in = -1;
    if (setsid() < 0 || (master = posix_openpt(O_RDWR | O_NOCTTY)) < 0 || grantpt(master) < 0 ||
        unlockpt(master) < 0 || (slave = open(ptsname(master), O_RDWR | O_NOCTTY)) < 0)
        r.setup_errno = errno ? errno : EIO;
    in = how == WAIT_SIGCHLD_IGNORED_RELAY ? slave : open("/dev/null", O_RDWR | O_CLOEXEC);
    if (in < 0 || dup2(in, STDIN_FILENO) < 0)
        r.setup_errno = errno ? errno : EIO;
    if (how != WAIT_REAPED_FIRST)
        signal(SIGCHLD, SIG_IGN);

    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    cfg.layer_on[LAYER_LSM] = false;
    cfg.tty = LAB_TTY_OFF;
    char *argv[] = {"/bin/sh", "-c", "exit 3", NULL};
    cfg.argv = argv;
    struct isolab_err err;
    isolab_err_clear(&err);
    struct sandbox *sb = NULL;
    r.status = -1;
    r.start_rc = sandbox_start(&cfg, &sb, &err);
    if (r.start_rc == 0 && how == WAIT_REAPED_FIRST)
        waitpid(sandbox_pid(sb), NULL, __WALL);
    r.wait_rc = r.start_rc < 0 ? -1 : sandbox_wait(sb, &r.status, &err);
    r.errnum = err.errnum;
    snprintf(r.msg, sizeof r.msg, "%s", err.msg);
    _exit(write(fd, &r, sizeof r) == (ssize_t)sizeof r ? 0 : 1);
}

static struct wait_report run_wait_case(enum wait_case how)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        wait_child(p[1], how);
    }
    close(p[1]);
    struct wait_report r;
    memset(&r, 0, sizeof r);
    ssize_t n = read(p[0], &r, sizeof r);
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    if (n != (ssize_t)sizeof r)
        fail_msg("the launcher did not return within the test child's 60 s alarm (%s)",
                 WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "no report");
    if (r.setup_errno)
        fail_msg("setting up a pty without a controlling terminal: %s", strerror(r.setup_errno));
    printf("# sandbox_start %d, sandbox_wait %d, status %d: %s\n", r.start_rc, r.wait_rc,
           r.status, r.msg);
    if (r.start_rc < 0)
        fail_msg("sandbox_start: %s", r.msg);
    return r;
}

/* The sandbox was reaped by someone else: sandbox_wait reports waitpid's
 * ECHILD, not the errno of what it did afterwards. */
static void test_wait_reports_the_errno_of_waitpid(void **state)
{
    (void)state;
    struct wait_report r = run_wait_case(WAIT_REAPED_FIRST);
    assert_int_equal(r.wait_rc, -1);
    assert_int_equal(r.errnum, ECHILD);
    assert_non_null(strstr(r.msg, strerror(ECHILD)));
}

/* A caller that ignores SIGCHLD: the kernel would reap the sandbox itself
 * and its status would be lost; the launcher clones it without an exit
 * signal and waits with __WALL, so the status is 3. */
static void test_sigchld_ignored_keeps_the_status(void **state)
{
    (void)state;
    struct wait_report r = run_wait_case(WAIT_SIGCHLD_IGNORED);
    assert_int_equal(r.wait_rc, 0);
    assert_int_equal(r.status, 3);
}

/* The same with a terminal on stdin and no pty: the pipe relay serves it
 * and ends when the sandbox does (it waited forever before). */
static void test_sigchld_ignored_pipe_relay_ends(void **state)
{
    (void)state;
    struct wait_report r = run_wait_case(WAIT_SIGCHLD_IGNORED_RELAY);
    assert_int_equal(r.wait_rc, 0);
    assert_int_equal(r.status, 3);
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
        cmocka_unit_test(test_sigchld_ignored_keeps_the_status),
        cmocka_unit_test(test_sigchld_ignored_pipe_relay_ends),
        cmocka_unit_test(test_fn_runs_without_the_callers_fds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
