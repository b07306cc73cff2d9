/* How the launcher learns how a sandbox ended: the report page the child
 * writes without a syscall, what a failed execve found about its file, the
 * SIGCHLD disposition of isolab's caller, and the explanation of a failed
 * start (exit_why.c decides; this file fills the record and the error). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox_int.h"

struct child_shared *child_shared_new(void)
{
    void *p = mmap(NULL, sizeof(struct child_shared), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void child_shared_free(struct child_shared *sh)
{
    if (sh)
        munmap(sh, sizeof *sh);
}

void child_shared_progress(struct child_shared *sh, int step)
{
    if (sh)
        __atomic_store_n(&sh->progress, step, __ATOMIC_RELEASE);
}

/* The first of the init and the command to fail claims the page (1),
 * writes, and marks it complete (2). */
void child_shared_report(struct child_shared *sh, const struct child_report *r)
{
    int free_slot = 0;
    if (!sh || !__atomic_compare_exchange_n(&sh->reported, &free_slot, 1, false,
                                            __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return;
    sh->r = *r;
    __atomic_store_n(&sh->reported, 2, __ATOMIC_RELEASE);
}

bool child_shared_take(struct child_shared *sh, struct child_report *r)
{
    if (!sh || __atomic_load_n(&sh->reported, __ATOMIC_ACQUIRE) != 2)
        return false;
    *r = sh->r;
    return true;
}

void child_shared_wait_command(struct child_shared *sh, int started_fd)
{
    char c;
    ssize_t n;
    do
        n = read(started_fd, &c, 1);
    while (n < 0 && errno == EINTR);
    if (n >= 0 || !sh)
        return;
    /* read() denied: watch the page instead (the vDSO's clock needs no
     * syscall). The init must not end before the command has said how its
     * start went: its end would kill the command at once (the pid
     * namespace goes with it), and with it the report. So: until the
     * command reports, or a second after it reached execve (a failed
     * execve reports well within that), and 60 s at most. A slow start
     * (an emulated machine) is waited for, not cut short. */
    long long t0 = 0, seen_exec = -1, now;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    t0 = ts.tv_sec * 1000000000LL + ts.tv_nsec;
    for (;;) {
        if (__atomic_load_n(&sh->reported, __ATOMIC_ACQUIRE) == 2)
            return;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        now = ts.tv_sec * 1000000000LL + ts.tv_nsec;
        if (seen_exec < 0 && __atomic_load_n(&sh->exec_reached, __ATOMIC_ACQUIRE))
            seen_exec = now;
        if ((seen_exec >= 0 && now - seen_exec > 1000000000LL) || now - t0 > 60000000000LL)
            return;
    }
}

bool sandbox_sigchld_ignored(void)
{
    struct sigaction sa;
    if (sigaction(SIGCHLD, NULL, &sa) < 0)
        return false;
    return sa.sa_handler == SIG_IGN || (sa.sa_flags & SA_NOCLDWAIT);
}

/* The file execvpe would have run: prog itself when it has a '/', else the
 * first PATH entry where it exists (execvpe searches the caller's PATH).
 * 1 found, 0 not there, -1 cannot tell (the profile may deny access()). */
static int find_file(const char *prog, char *out, size_t n)
{
    if (strchr(prog, '/')) {
        snprintf(out, n, "%s", prog);
        if (access(out, F_OK) == 0)
            return 1;
        return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/bin:/usr/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        snprintf(out, n, "%.*s%s%s", (int)len, path, len ? "/" : "", prog);
        if (access(out, F_OK) == 0)
            return 1;
        if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
            return -1;
        path += len + (path[len] == ':');
    }
    snprintf(out, n, "%s", prog);
    return 0;
}

int exec_diagnose(const char *prog, int e, char *buf, size_t n)
{
    char file[512];
    size_t len = strlen(buf);
    int found = find_file(prog, file, sizeof file);
    struct stat st;
    struct statvfs vfs;
    if (found < 0)
        return EXEC_KIND_UNKNOWN;
    if (!found) {
        snprintf(buf + len, n - len, "%s", strchr(prog, '/') ? " (no such file in the "
                 "sandbox's root filesystem)" : " (in none of the PATH directories of the "
                 "sandbox's root filesystem)");
        return e == ENOENT ? EXEC_KIND_NO_FILE : EXEC_KIND_UNKNOWN;
    }
    if (stat(file, &st) < 0)
        return EXEC_KIND_UNKNOWN;   /* the profile may deny stat itself */
    if (e == ENOENT) {
        snprintf(buf + len, n - len, " (%s exists: the interpreter its #! line or its ELF "
                 "header names is missing from the sandbox's root filesystem)", file);
        return EXEC_KIND_NO_INTERP;
    }
    if (e != EACCES && e != EPERM)
        return EXEC_KIND_UNKNOWN;
    if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111)) {
        snprintf(buf + len, n - len, " (%s is %s, mode %04o)", file,
                 S_ISDIR(st.st_mode) ? "a directory" : "not executable",
                 (unsigned)(st.st_mode & 07777));
        return EXEC_KIND_NOT_EXEC;
    }
    if (statvfs(file, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC)) {
        snprintf(buf + len, n - len, " (%s is on a mount with noexec)", file);
        return EXEC_KIND_NOEXEC_MOUNT;
    }
    snprintf(buf + len, n - len, " (%s, mode %04o, on a mount that allows exec)", file,
             (unsigned)(st.st_mode & 07777));
    return EXEC_KIND_MODE_OK;
}

void sandbox_explain_start(const struct lab_config *cfg, const struct child_report *r,
                           bool setup_died, int status, struct isolab_err *err)
{
    struct sandbox_exit local;
    struct sandbox_exit *ex = cfg->exit_out ? cfg->exit_out : &local;
    memset(ex, 0, sizeof *ex);
    ex->oom_kills = -1;
    ex->step = r->step;
    ex->errnum = r->errnum;
    ex->exec_kind = r->exec_kind;
    ex->setup_died = setup_died;
    ex->status = status;
    ex->ended = setup_died;
    snprintf(ex->msg, sizeof ex->msg, "%s", r->msg);
    struct exit_why w;
    if (exit_why_explain(cfg, ex, &w) <= 0)
        return;
    isolab_err_set(err, r->errnum, "step %d (%s): %s", r->step, child_step_name(r->step),
                   w.what);
    err->hint[0] = '\0';
    if (w.hint[0])
        isolab_err_hint(err, "%s", w.hint);
}

/* isolab's signal proxy, as docker run's: SIGTERM, SIGHUP and (sent by a
 * process, not typed) SIGINT and SIGQUIT go to the sandbox's first process;
 * if the sandbox has not ended SANDBOX_STOP_TIMEOUT_S after the first of
 * them, it is killed (docker stop's 10 s) and cleaned up. */
#define SANDBOX_STOP_TIMEOUT_S 10
static volatile pid_t forward_to = -1;
static volatile sig_atomic_t stop_asked;
static void forward_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    (void)si;
    if (forward_to > 0)
        kill(forward_to, sig);
    stop_asked = 1;
}

static const int proxied[] = {SIGTERM, SIGHUP, SIGINT, SIGQUIT};
#define N_PROXIED (sizeof proxied / sizeof proxied[0])

/* Wait for the child; after a proxied signal, at most the stop timeout,
 * then SIGKILL. A pidfd makes the wait boundable; without one (a kernel
 * before 5.3) the wait is unbounded, as before. */
static pid_t wait_child_bounded(pid_t child, int *st)
{
    _cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, child, 0);
    struct timespec deadline = {0, 0};
    bool killed = false;
    while (pfd >= 0 && !killed) {
        int timeout = -1;
        if (stop_asked) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (!deadline.tv_sec)
                deadline = (struct timespec){now.tv_sec + SANDBOX_STOP_TIMEOUT_S, now.tv_nsec};
            long left = (deadline.tv_sec - now.tv_sec) * 1000 +
                        (deadline.tv_nsec - now.tv_nsec) / 1000000;
            timeout = left > 0 ? (int)left : 0;
        }
        struct pollfd p = {.fd = pfd, .events = POLLIN};
        int r = poll(&p, 1, timeout);
        if (r > 0)
            break;
        if (r == 0) {           /* the stop timeout: our own child */
            kill(child, SIGKILL);
            killed = true;
        } else if (errno != EINTR) {
            break;
        }
    }
    pid_t w;
    do
        w = waitpid(child, st, __WALL);
    while (w < 0 && errno == EINTR);
    return w;
}

pid_t sandbox_wait_proxied(pid_t child, int *st, int *wait_errno)
{
    struct sigaction sa = {.sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO};
    struct sigaction old[N_PROXIED];
    sigemptyset(&sa.sa_mask);
    forward_to = child;
    stop_asked = 0;
    for (size_t i = 0; i < N_PROXIED; i++)
        sigaction(proxied[i], &sa, &old[i]);
    pid_t w = wait_child_bounded(child, st);
    *wait_errno = errno;    /* now: sigaction below may overwrite it */
    forward_to = -1;
    for (size_t i = 0; i < N_PROXIED; i++)
        sigaction(proxied[i], &old[i], NULL);
    return w;
}
