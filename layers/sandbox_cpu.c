/* The start on one CPU (sandbox.c calls these). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "layer.h"
#include "sandbox_int.h"
#include "sendfd.h"

/* The start is a relay (the parent, the init, the command, each waiting
 * for the one before): on one CPU each hand-over is a local wake-up, where
 * across two a sleeping virtual CPU must be woken by the hypervisor first
 * (0.1 ms of a start here, 600 starts interleaved). Each process gets the caller's CPU
 * set back before it is the learner's (unpin). */
void sandbox_pin_start(struct sandbox_ctx *ctx)
{
    int cpu = sched_getcpu();
    if (cpu < 0 || sched_getaffinity(0, sizeof ctx->start_cpus, &ctx->start_cpus) < 0)
        return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    ctx->pinned = sched_setaffinity(0, sizeof one, &one) == 0;
}

void sandbox_unpin(struct sandbox_ctx *ctx)
{
    if (ctx->pinned)
        sched_setaffinity(0, sizeof ctx->start_cpus, &ctx->start_cpus);
    ctx->pinned = false;
}

/* ---- Landlock's rules, made beside the child --------------------------------
 * The child's first lookups of its new root's entries through a fresh
 * overlay (~8 us each) are Landlock's rules' cost; the parent, idle until
 * the report, makes them on the other CPU while the child mounts Docker's
 * masks and the host's secrets, pivots and detaches the old root. Rules tie
 * to inodes, so a rule on an entry of the new root's directory (which the
 * child sends, SCM_RIGHTS) before the pivot is the rule the child would
 * make after it (a mount later placed on
 * an entry is beneath that entry's rule, as Landlock walks up through
 * mount points). The parent goes back to the start's CPU afterwards: the
 * hand-overs that follow stay local wake-ups. */

static void close_fd_at(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* The parent's word, in one write (a pipe keeps it whole under PIPE_BUF). */
struct rules_msg {
    char made;              /* 'd': the rules are in the ruleset */
    char listed;            /* 1: ttys[] are all the terminals above 2 */
    unsigned char n;
    int ttys[SANDBOX_TTYS_MAX];
};

/* The terminals among this process's fds above 2; false if there are more
 * than fit, or no listing. The child has the same ones (a copy of this
 * table at the clone, which closed none since). */
static bool list_ttys(struct rules_msg *m)
{
    enum { MAXFDS = 1024 };
    int fds[MAXFDS];
    size_t n = sandbox_open_fds(fds, MAXFDS);
    if (n == 0 || n >= MAXFDS)
        return n == 0;      /* none; or maybe more than were listed */
    for (size_t i = 0; i < n; i++) {
        if (!isatty(fds[i]))
            continue;
        if (m->n >= SANDBOX_TTYS_MAX)
            return false;
        m->ttys[m->n++] = fds[i];
    }
    return true;
}

bool sandbox_rules_heard(struct sandbox_ctx *ctx)
{
    if (ctx->rules.heard || ctx->rules.done[0] < 0)
        return ctx->rules.heard && ctx->rules.n_ttys >= 0;
    struct rules_msg m;
    memset(&m, 0, sizeof m);
    ssize_t n;
    do
        n = read(ctx->rules.done[0], &m, sizeof m);
    while (n < 0 && errno == EINTR);
    close_fd_at(&ctx->rules.done[0]);
    ctx->rules.heard = true;
    if (n != (ssize_t)sizeof m)
        return false;
    ctx->rules.made = m.made == 'd';
    if (m.listed == 1 && m.n <= SANDBOX_TTYS_MAX) {
        ctx->rules.n_ttys = m.n;
        memcpy(ctx->rules.ttys, m.ttys, sizeof m.ttys[0] * m.n);
    }
    return ctx->rules.n_ttys >= 0;
}

void sandbox_rules_open(const struct lab_config *cfg, struct sandbox_ctx *ctx)
{
    if (!ctx->pinned || CPU_COUNT(&ctx->start_cpus) < 2 || !lsm_parent_rules_wanted(cfg, ctx))
        return;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctx->rules.ready) < 0)
        return;
    if (pipe2(ctx->rules.done, O_CLOEXEC) < 0) {
        close_fd_at(&ctx->rules.ready[0]);
        close_fd_at(&ctx->rules.ready[1]);
    }
}

void sandbox_rules_forget(struct sandbox_ctx *ctx, bool child)
{
    close_fd_at(child ? &ctx->rules.ready[0] : &ctx->rules.ready[1]);
    close_fd_at(child ? &ctx->rules.done[1] : &ctx->rules.done[0]);
}

void sandbox_rules_close(struct sandbox_ctx *ctx)
{
    sandbox_rules_forget(ctx, false);
    sandbox_rules_forget(ctx, true);
}

/* Parent side, after the release: wait for the child's new root (or its
 * report: it failed, or the rules were not needed), make the rules from the
 * other CPU, and say so. Any failure says nothing: the child makes them. */
void sandbox_rules_parent(const struct lab_config *cfg, struct sandbox_ctx *ctx, int err_fd)
{
    if (ctx->rules.ready[0] < 0)
        return;
    int cpu = sched_getcpu();
    cpu_set_t others = ctx->start_cpus;
    if (cpu >= 0)
        CPU_CLR(cpu, &others);
    bool moved = cpu >= 0 && CPU_COUNT(&others) > 0 &&
                 sched_setaffinity(0, sizeof others, &others) == 0;
    struct rules_msg m;
    memset(&m, 0, sizeof m);
    m.listed = list_ttys(&m) ? 1 : 0;   /* while the child mounts */
    struct pollfd p[2] = {{.fd = ctx->rules.ready[0], .events = POLLIN},
                          {.fd = err_fd, .events = POLLIN}};
    while (poll(p, 2, -1) < 0 && errno == EINTR)
        ;
    char c = 0;
    int root = -1;
    if ((p[0].revents & POLLIN) && isolab_recv_fd(ctx->rules.ready[0], &c, 1, &root) == 1 &&
        c == 'r' && root >= 0 && lsm_parent_rules(cfg, ctx, root) == 0)
        m.made = 'd';
    if (root >= 0)
        close(root);
    if (write(ctx->rules.done[1], &m, sizeof m) != (ssize_t)sizeof m) {
        /* unheard: the child makes the rules and lists its fds itself */
    }
    close_fd_at(&ctx->rules.ready[0]);
    close_fd_at(&ctx->rules.done[1]);
    if (moved) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        sched_setaffinity(0, sizeof one, &one);
    }
}
