/* What the sandbox inherits from isolab's caller: no signal ignored or blocked
 * (sandbox_reset_signals, at the end), and no fd but 0, 1, 2 and
 * the fds the engine passes on purpose (ctx->keep_fds). An fd that isolab's
 * caller left open (`exec 7</some/host/dir`) is a door out of the new root:
 * fchdir or /proc/self/fd/7/.. reach the host's tree (runc's CVE-2024-21626
 * class). Docker shows a container only 0, 1 and 2.
 *
 * Three places need it: the command (every fd above 2 gets FD_CLOEXEC, so
 * the error pipe still reports a failed execve), the pid-namespace init,
 * which never execs (closed outright), and the probe runner (cfg->fn), which
 * never execs either and keeps its own pipes: there every fd without
 * FD_CLOEXEC is closed. The engine opens all its fds O_CLOEXEC, so an fd
 * without it was inherited across the exec of isolab, i.e. from its caller. */
#include <dirent.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "layer.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int sandbox_ctx_keep_fd(struct sandbox_ctx *ctx, int fd)
{
    if (fd < 0)
        return -1;
    for (size_t i = 0; i < ctx->nkeep_fds; i++)
        if (ctx->keep_fds[i] == fd)
            return 0;
    if (ctx->nkeep_fds >= SANDBOX_KEEP_FDS_MAX) {
        errno = ENOSPC;
        return -1;
    }
    ctx->keep_fds[ctx->nkeep_fds++] = fd;
    return 0;
}

static bool kept(const struct sandbox_ctx *ctx, int fd)
{
    for (size_t i = 0; i < ctx->nkeep_fds; i++)
        if (ctx->keep_fds[i] == fd)
            return true;
    return false;
}

/* One fd the slow way (no close_range, or a per-fd decision). */
static void guard_one(int fd, enum fd_guard how)
{
    if (how == FD_GUARD_CLOSE_ALL) {
        close(fd);
        return;
    }
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0)
        return;
    if (how == FD_GUARD_CLOEXEC)
        fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
    else if (!(fl & FD_CLOEXEC))       /* FD_GUARD_INHERITED */
        close(fd);
}

/* Every open fd >= 3, from /proc/self/fd, else up to RLIMIT_NOFILE. The
 * list is read whole before anything is closed (closing the directory's own
 * fd mid-walk would end the walk). Returns how many were found. */
size_t sandbox_open_fds(int *out, size_t max)
{
    size_t n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        int self = dirfd(d);
        for (struct dirent *de; (de = readdir(d)) && n < max; ) {
            char *end;
            long fd = strtol(de->d_name, &end, 10);
            if (*end || end == de->d_name || fd < 3 || fd == self)
                continue;
            out[n++] = (int)fd;
        }
        closedir(d);
        return n;
    }
    struct rlimit rl;
    long top = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
             ? (long)rl.rlim_cur : 65536;
    for (long fd = 3; fd < top && n < max; fd++)
        if (fcntl((int)fd, F_GETFD) >= 0)
            out[n++] = (int)fd;
    return n;
}

static void guard_by_listing(const struct sandbox_ctx *ctx, enum fd_guard how)
{
    enum { MAXFDS = 4096 };
    int *fds = malloc(MAXFDS * sizeof *fds);
    if (!fds) {         /* cannot list: CLOEXEC/close as far as we can see */
        for (int fd = 3; fd < 1024; fd++)
            if (!kept(ctx, fd))
                guard_one(fd, how);
        return;
    }
    size_t n = sandbox_open_fds(fds, MAXFDS);
    for (size_t i = 0; i < n; i++)
        if (!kept(ctx, fds[i]))
            guard_one(fds[i], how);
    free(fds);
}

/* close_range over [3, ~0U] in segments around the kept fds. -1 when the
 * kernel lacks close_range (or CLOSE_RANGE_CLOEXEC, 5.11). */
static int guard_by_range(const struct sandbox_ctx *ctx, unsigned int flags)
{
    int keep[SANDBOX_KEEP_FDS_MAX];
    size_t n = 0;
    for (size_t i = 0; i < ctx->nkeep_fds; i++)
        if (ctx->keep_fds[i] >= 3)
            keep[n++] = ctx->keep_fds[i];
    for (size_t i = 1; i < n; i++)      /* insertion sort, n <= 8 */
        for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int t = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = t;
        }
    unsigned int from = 3;
    for (size_t i = 0; i <= n; i++) {
        unsigned int to = i < n ? (unsigned int)keep[i] - 1 : ~0U;
        if (i < n && (unsigned int)keep[i] < from) {
            from = (unsigned int)keep[i] + 1;
            continue;
        }
        if (from <= to && syscall(SYS_close_range, from, to, flags) < 0)
            return -1;
        if (i < n)
            from = (unsigned int)keep[i] + 1;
    }
    return 0;
}

void sandbox_guard_fds(const struct sandbox_ctx *ctx, enum fd_guard how)
{
    if (how == FD_GUARD_INHERITED) {
        guard_by_listing(ctx, how);
        return;
    }
    unsigned int flags = how == FD_GUARD_CLOEXEC ? CLOSE_RANGE_CLOEXEC : 0;
    if (guard_by_range(ctx, flags) < 0)
        guard_by_listing(ctx, how);
}

/* The sandbox starts with every signal at its default and none blocked, as
 * a container does (its process descends from the runtime's shim, not from
 * the docker client). Without this, a signal that isolab's caller ignored (a
 * script's background job ignores SIGINT, nohup SIGHUP) stays ignored in the
 * sandbox: a POSIX shell cannot even trap it, so isolab's signal proxy
 * could not reach the command. */
void sandbox_reset_signals(void)
{
    /* The kernel's own call, not glibc's sigaction: glibc refuses to touch
     * the two signals it keeps for itself (32 and 33, below SIGRTMIN), and
     * a caller that ignored them (make, seen here) would hand that on. The
     * child is single-threaded, so nothing of glibc's needs them here. */
    struct {
        void (*handler)(int);
        unsigned long flags;
        void (*restorer)(void);
        uint64_t mask;
    } dfl = {SIG_DFL, 0, NULL, 0};
    for (int sig = 1; sig <= 64; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
    uint64_t none = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
}
