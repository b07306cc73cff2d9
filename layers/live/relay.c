/* The relay: one poll loop that moves bytes between the learner's terminal
 * (or isolab's own fds 0/1/2) and the sandbox's pty (or its pipes) until the
 * sandbox exits. Raw mode, SIGWINCH -> TIOCSWINSZ, and the terminal restored
 * on every way out. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "layer.h"
#include "live.h"
#include "pty.h"

#define RELAY_BUF 65536
/* After the sandbox's first process exited: how long output may still trickle
 * in from processes that outlived it (no pid namespace) before the relay ends. */
#define RELAY_QUIET_MS 200

struct chan {
    int src, dst;
    bool to_sandbox;
    bool src_done, dst_dead;
    size_t len, off;
    char buf[RELAY_BUF];
};

struct relay {
    struct sandbox *sb;
    struct chan ch[3];
    int nch;
    bool pty;               /* else the pipes of a sandbox without a pty */
    int winsize_from;       /* the terminal whose size the pty gets, -1 none */
    int sigpipe[2];
    int pidfd;
    bool exited;
    int status;
};

int sandbox_pty_master(const struct sandbox *sb)
{
    return sb ? sandbox_live_io((struct sandbox *)sb)->master : -1;
}

int sandbox_pty_resize(struct sandbox *sb, unsigned short rows, unsigned short cols)
{
    int m = sandbox_pty_master(sb);
    if (m < 0) {
        errno = ENOTTY;
        return -1;
    }
    struct winsize ws = {.ws_row = rows, .ws_col = cols};
    return ioctl(m, TIOCSWINSZ, &ws);
}

int sandbox_try_wait(struct sandbox *sb, int *status, struct isolab_err *err)
{
    struct live_io *io = sandbox_live_io(sb);
    if (!io->exited) {
        int st;
        pid_t w;
        do
            w = waitpid(sandbox_pid(sb), &st, WNOHANG | __WALL);
        while (w < 0 && errno == EINTR);
        if (w < 0)
            return isolab_err_set(err, errno, "waitpid %d: %s", (int)sandbox_pid(sb),
                                  strerror(errno));
        if (w == 0)
            return 0;
        io->exited = true;
        io->status = st;
    }
    if (status)
        *status = WIFEXITED(io->status) ? WEXITSTATUS(io->status) : 128 + WTERMSIG(io->status);
    return 1;
}

/* ---- signals: written to a self-pipe, read in the loop ---- */

static int relay_sig_fd = -1;
static const int relay_sigs[] = {SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGPIPE};
#define NSIGS (sizeof relay_sigs / sizeof relay_sigs[0])

static void relay_on_signal(int sig)
{
    int e = errno;
    unsigned char c = (unsigned char)sig;
    if (relay_sig_fd >= 0 && write(relay_sig_fd, &c, 1) < 0) {
        /* full: a signal is pending already */
    }
    errno = e;
}

struct sig_guard {
    bool set;
    struct sigaction old[NSIGS];
    int fds[2];
};

static void sig_guard_restore(struct sig_guard *g)
{
    if (g->set)
        for (size_t i = 0; i < NSIGS; i++)
            sigaction(relay_sigs[i], &g->old[i], NULL);
    relay_sig_fd = -1;
    for (int i = 0; i < 2; i++)
        if (g->fds[i] >= 0)
            close(g->fds[i]);
}

static int sig_guard_install(struct sig_guard *g, struct isolab_err *err)
{
    if (pipe2(g->fds, O_CLOEXEC | O_NONBLOCK) < 0)
        return isolab_err_set(err, errno, "relay: pipe: %s", strerror(errno));
    relay_sig_fd = g->fds[1];
    struct sigaction sa = {.sa_handler = relay_on_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NSIGS; i++)
        sigaction(relay_sigs[i], &sa, &g->old[i]);
    g->set = true;
    return 0;
}

/* ---- the learner's terminal in raw mode ---- */

struct term_guard {
    int fd;
    bool set;
    struct termios saved;
};

static void term_guard_restore(struct term_guard *g)
{
    if (!g->set)
        return;
    /* Restoring from the background would stop isolab (SIGTTOU). */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGTTOU, &ign, &old);
    tcsetattr(g->fd, TCSADRAIN, &g->saved);
    sigaction(SIGTTOU, &old, NULL);
    g->set = false;
}

static void term_guard_raw(struct term_guard *g, int fd)
{
    g->fd = fd;
    g->set = false;
    if (!isatty(fd) || tcgetattr(fd, &g->saved) < 0)
        return;
    struct termios raw = g->saved;
    cfmakeraw(&raw);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSADRAIN, &raw) == 0)
        g->set = true;
}

/* ---- the loop ---- */

static void copy_winsize(struct relay *r)
{
    struct winsize ws;
    int m = sandbox_pty_master(r->sb);
    if (r->winsize_from >= 0 && m >= 0 && ioctl(r->winsize_from, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_row && ws.ws_col)
        ioctl(m, TIOCSWINSZ, &ws);
}

static void on_signals(struct relay *r)
{
    unsigned char sig[32];
    ssize_t n = read(r->sigpipe[0], sig, sizeof sig);
    for (ssize_t i = 0; i < n; i++) {
        if (sig[i] == SIGWINCH) {
            copy_winsize(r);
        } else if (sig[i] == SIGPIPE) {
            continue;   /* a write fails with EPIPE instead */
        } else if (r->pty) {
            /* isolab is told to stop: the sandbox goes with it. */
            kill(sandbox_pid(r->sb), SIGKILL);
        } else {
            kill(sandbox_pid(r->sb), sig[i]);   /* docker's sig-proxy */
        }
    }
}

/* src reached EOF: a pipe into the sandbox is closed; on a pty the slave's
 * EOF character is queued instead (twice after a partial line). */
static void input_ended(struct relay *r, struct chan *c)
{
    c->src_done = true;
    if (!r->pty) {
        struct live_io *io = sandbox_live_io(r->sb);
        if (c->len == 0 && io->relay_fd[0] == c->dst) {
            close(io->relay_fd[0]);
            io->relay_fd[0] = -1;
            c->dst_dead = true;
        }
        return;
    }
    if (isatty(c->src))
        return;   /* the learner's terminal hung up: SIGHUP follows */
    struct termios t;
    char eof = tcgetattr(c->dst, &t) == 0 && t.c_cc[VEOF] ? (char)t.c_cc[VEOF] : 4;
    bool partial = c->off + c->len > 0 && c->buf[c->off + c->len - 1] != '\n';
    if (c->off + c->len + 2 <= sizeof c->buf) {
        c->buf[c->off + c->len++] = eof;
        if (partial)
            c->buf[c->off + c->len++] = eof;
    }
}

static void chan_read(struct relay *r, struct chan *c)
{
    ssize_t n = read(c->src, c->buf, sizeof c->buf);
    if (n > 0) {
        c->off = 0;
        c->len = (size_t)n;
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        if (c->to_sandbox)
            input_ended(r, c);
        else
            c->src_done = true;   /* EIO: every slave fd is closed */
    }
}

static void chan_write(struct relay *r, struct chan *c)
{
    ssize_t n = write(c->dst, c->buf + c->off, c->len);
    if (n > 0) {
        c->off += (size_t)n;
        c->len -= (size_t)n;
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        c->dst_dead = true;
        c->len = 0;
    }
    if (c->len == 0 && c->to_sandbox && c->src_done && !r->pty)
        input_ended(r, c);
}

static bool output_done(const struct relay *r)
{
    for (int i = 0; i < r->nch; i++)
        if (!r->ch[i].to_sandbox && (!r->ch[i].src_done || r->ch[i].len))
            return false;
    return true;
}

/* One poll round; returns false when the relay is over. */
static bool relay_round(struct relay *r, struct isolab_err *err)
{
    struct pollfd p[8];
    int np = 0, idx[3] = {-1, -1, -1};
    for (int i = 0; i < r->nch; i++) {
        struct chan *c = &r->ch[i];
        if (c->len && !c->dst_dead)
            p[np] = (struct pollfd){.fd = c->dst, .events = POLLOUT};
        else if (!c->src_done && !(c->to_sandbox && r->exited))
            p[np] = (struct pollfd){.fd = c->src, .events = POLLIN};
        else
            continue;
        idx[i] = np++;
    }
    int sp = np;
    p[np++] = (struct pollfd){.fd = r->sigpipe[0], .events = POLLIN};
    int pp = -1;
    if (r->pidfd >= 0 && !r->exited) {
        pp = np;
        p[np++] = (struct pollfd){.fd = r->pidfd, .events = POLLIN};
    }
    int timeout = r->exited ? RELAY_QUIET_MS : (r->pidfd < 0 ? 100 : -1);
    int n = poll(p, (nfds_t)np, timeout);
    if (n < 0 && errno != EINTR) {
        isolab_err_set(err, errno, "relay: poll: %s", strerror(errno));
        kill(sandbox_pid(r->sb), SIGKILL);
        return false;
    }
    if (n == 0 && r->exited)
        return false;   /* quiet since the exit */
    if (n > 0 && (p[sp].revents & POLLIN))
        on_signals(r);
    if (!r->exited && (r->pidfd < 0 || (pp >= 0 && p[pp].revents)))
        r->exited = sandbox_try_wait(r->sb, &r->status, err) != 0;
    for (int i = 0; i < r->nch && n > 0; i++) {
        struct chan *c = &r->ch[i];
        if (idx[i] < 0 || !p[idx[i]].revents)
            continue;
        if (c->len && !c->dst_dead)
            chan_write(r, c);
        else
            chan_read(r, c);
    }
    return !(r->exited && output_done(r));
}

static void chan_add(struct relay *r, int src, int dst, bool to_sandbox)
{
    struct chan *c = &r->ch[r->nch++];
    c->src = src;
    c->dst = dst;
    c->to_sandbox = to_sandbox;
    c->src_done = c->dst_dead = false;
    c->len = c->off = 0;
}

static int run_relay(struct relay *r, struct isolab_err *err)
{
    struct sig_guard sg = {.fds = {-1, -1}};
    if (sig_guard_install(&sg, err) < 0) {
        sig_guard_restore(&sg);
        kill(sandbox_pid(r->sb), SIGKILL);
        return -1;
    }
    r->sigpipe[0] = sg.fds[0];
    r->pidfd = (int)syscall(SYS_pidfd_open, sandbox_pid(r->sb), 0);
    copy_winsize(r);
    int rc = 0;
    while (relay_round(r, err))
        ;
    if (!r->exited)
        rc = -1;
    if (r->pidfd >= 0)
        close(r->pidfd);
    sig_guard_restore(&sg);
    return rc;
}

static struct relay *relay_new(struct sandbox *sb, bool pty)
{
    struct relay *r = calloc(1, sizeof *r);
    if (r) {
        r->sb = sb;
        r->pty = pty;
        r->winsize_from = -1;
        r->pidfd = -1;
    }
    return r;
}

static int relay_finish(struct relay *r, int rc, int *status, struct isolab_err *err)
{
    struct sandbox *sb = r->sb;
    free(r);
    if (rc < 0) {
        kill(sandbox_pid(sb), SIGKILL);
        int st;
        struct isolab_err ignore;
        sandbox_wait(sb, &st, &ignore);
        return -1;
    }
    return sandbox_wait(sb, status, err);
}

static int give_up(struct sandbox *sb, struct isolab_err *err)
{
    kill(sandbox_pid(sb), SIGKILL);
    int st;
    sandbox_wait(sb, &st, err);
    return isolab_err_set(err, ENOMEM, "relay: out of memory");
}

int live_relay(struct sandbox *sb, int in_fd, int out_fd, int *status, struct isolab_err *err)
{
    int m = sandbox_pty_master(sb);
    if (m < 0)
        return sandbox_wait(sb, status, err);
    struct relay *r = relay_new(sb, true);
    if (!r)
        return give_up(sb, err);
    chan_add(r, in_fd, m, true);
    chan_add(r, m, out_fd, false);
    r->winsize_from = isatty(out_fd) ? out_fd : isatty(in_fd) ? in_fd : -1;
    __attribute__((cleanup(term_guard_restore))) struct term_guard tg;
    term_guard_raw(&tg, in_fd);
    int rc = run_relay(r, err);
    term_guard_restore(&tg);
    return relay_finish(r, rc, status, err);
}

int live_pipe_relay(struct sandbox *sb, int *status, struct isolab_err *err)
{
    struct live_io *io = sandbox_live_io(sb);
    struct relay *r = relay_new(sb, false);
    if (!r)
        return give_up(sb, err);
    for (int fd = 0; fd < 3; fd++)
        if (io->relay_fd[fd] >= 0)
            chan_add(r, fd == 0 ? 0 : io->relay_fd[fd], fd == 0 ? io->relay_fd[fd] : fd,
                     fd == 0);
    int rc = run_relay(r, err);
    return relay_finish(r, rc, status, err);
}
