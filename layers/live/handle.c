/* One notification: decide from the model, report, answer. And the watched
 * profile file (inotify), which swaps the model on each valid save. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "live_int.h"

/* The command name of thread tid, for the feed. Read before the answer (a
 * process may exit and be reaped the moment its call returns), so it is on
 * every round trip's path: the file stays open and is read again with
 * pread, which costs a fraction of open+read+close. A file whose task is
 * gone reads ESRCH (it names that task, never a later one with the same
 * number) and is opened again. */
static void read_comm(struct live_sup *sup, pid_t tid, char *out, size_t n)
{
    struct live_comm *c = NULL;
    for (unsigned i = 0; i < LIVE_COMMS && !c; i++)
        if (sup->comms[i].fd >= 0 && sup->comms[i].tid == tid)
            c = &sup->comms[i];
    ssize_t r = c ? pread(c->fd, out, n - 1, 0) : -1;
    if (r <= 0) {
        if (!c)
            c = &sup->comms[sup->ncomms++ % LIVE_COMMS];
        if (c->fd >= 0)
            close(c->fd);
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/comm", (int)tid);
        c->tid = tid;
        c->fd = open(path, O_RDONLY | O_CLOEXEC);
        r = c->fd >= 0 ? pread(c->fd, out, n - 1, 0) : -1;
    }
    out[r > 0 ? r : 0] = '\0';
    char *nl = strchr(out, '\n');
    if (nl)
        *nl = '\0';
}

/* Tgid and whether SIGSYS would take its default action in thread tid. */
static pid_t sigsys_default(pid_t tid, bool *dflt)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    *dflt = false;
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    unsigned long long bit = 1ull << (SIGSYS - 1), m;
    bool caught = false;
    const char *keys[] = { "SigBlk:", "SigIgn:", "SigCgt:" };
    for (int i = 0; i < 3; i++) {
        char *s = strstr(buf, keys[i]);
        if (s && sscanf(s + strlen(keys[i]), "%llx", &m) == 1 && (m & bit))
            caught = true;
    }
    *dflt = !caught;
    char *t = strstr(buf, "Tgid:");
    return t ? (pid_t)atoi(t + 5) : -1;
}

/* KILL and TRAP cannot be a notification's answer (an errno or CONTINUE).
 * Live mode notifies them, reports them, and then does it from here, while
 * the thread still waits in the syscall (so the call never runs):
 * - SIGSYS at its default disposition (the usual case): tgkill(SIGSYS).
 *   The thread wakes, the syscall is abandoned, and the process dies of
 *   SIGSYS as under the plain filter (KILL_PROCESS, and TRAP with no
 *   handler). Difference: KILL_THREAD in a multi-threaded process takes the
 *   whole process here, not the one thread.
 * - SIGSYS caught, blocked or ignored: for KILL, the kernel forces SIGSYS
 *   through; user space cannot, so SIGKILL ends the process instead (said in
 *   the feed). For TRAP, tgkill(SIGSYS) runs the handler, but with si_code
 *   SI_TKILL: only the kernel may send SYS_SECCOMP with si_syscall to
 *   another process. */
static void kill_like_filter(struct live_sup *sup, const struct seccomp_notif *req,
                             enum sc_action a, struct live_event *ev)
{
    bool dflt;
    pid_t tgid = sigsys_default((pid_t)req->pid, &dflt);
    if (tgid <= 0 || seccomp_notify_id_valid(sup->listener, req->id) != 0)
        return;   /* gone already: nothing runs */
    if (dflt || a == SC_ACT_TRAP) {
        syscall(SYS_tgkill, tgid, req->pid, SIGSYS);
        snprintf(ev->note, sizeof ev->note, dflt ? "SIGSYS sent: the process dies of it, as "
                 "under the filter" : "SIGSYS sent; the handler sees si_code SI_TKILL, not "
                 "SYS_SECCOMP (only the kernel sends that)");
        return;
    }
    int pfd = (int)syscall(SYS_pidfd_open, tgid, 0);
    if (pfd >= 0 && seccomp_notify_id_valid(sup->listener, req->id) == 0)
        syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
    if (pfd >= 0)
        close(pfd);
    snprintf(ev->note, sizeof ev->note, "the process catches or blocks SIGSYS, which the "
             "kernel's kill would force through: killed with SIGKILL instead");
}

static bool is_restart(struct live_sup *sup, const struct seccomp_notif *req)
{
    for (unsigned i = 0; i < LIVE_RESTARTS; i++) {
        struct live_interrupted *x = &sup->intr[i];
        if (x->pid == (pid_t)req->pid && x->nr == req->data.nr &&
            memcmp(x->args, req->data.args, sizeof x->args) == 0) {
            x->pid = 0;
            return true;
        }
    }
    return false;
}

static void remember_interrupted(struct live_sup *sup, const struct seccomp_notif *req)
{
    struct live_interrupted *x = &sup->intr[sup->nintr++ % LIVE_RESTARTS];
    x->pid = (pid_t)req->pid;
    x->nr = req->data.nr;
    memcpy(x->args, req->data.args, sizeof x->args);
}

static void record_mark(struct live_sup *sup, const struct seccomp_notif *req, const char *name)
{
    int slot = req->data.arch == seccomp_arch_native() ? 0 : 1;
    unsigned a;
    for (a = 0; a < sup->narches_seen && sup->arches_seen[a] != req->data.arch; a++)
        ;
    if (a == sup->narches_seen && a < 8)
        sup->arches_seen[sup->narches_seen++] = req->data.arch;
    if (req->data.nr < 0 || req->data.nr >= LIVE_NR_MAX)
        return;
    if (sup->exec_seen || !strncmp(name, "execve", 6))
        sup->used[slot][req->data.nr] = 1;
    else
        sup->setup[slot][req->data.nr] = 1;
    if (!strncmp(name, "execve", 6))
        sup->exec_seen = true;
}

/* ---- verdicts remembered ------------------------------------------------------------
 * Evaluating the model compares the syscall's name with every name of every
 * rule (docker-default: some 370) and words the rule: a good part of a
 * round trip's own work. A syscall that no rule decides by argument has one
 * verdict for (model, caps, arch), so it is worked out once. The model's
 * bytes (text_hash) are in the key: a saved edit is a new model. */
static bool args_matter(const struct seccomp_profile *p, const char *name)
{
    for (size_t i = 0; i < p->nrules; i++)
        if (p->rules[i].nargs && seccomp_rule_names(&p->rules[i], name))
            return true;
    return false;
}

static struct live_memo *memo_slot(struct live_sup *sup, const struct seccomp_notif *req)
{
    return &sup->memo[((unsigned)req->data.nr ^ (req->data.arch >> 8)) % LIVE_MEMO];
}

static bool memo_get(struct live_sup *sup, const struct seccomp_notif *req, struct live_event *ev,
                     struct sc_verdict *v)
{
    const struct live_memo *m = memo_slot(sup, req);
    if (m->nr != req->data.nr || m->arch != req->data.arch || m->model != sup->model ||
        m->text_hash != sup->model->text_hash || m->caps != sup->caps)
        return false;
    *v = m->v;
    memcpy(ev->name, m->name, sizeof ev->name);
    memcpy(ev->rule, m->rule, sizeof ev->rule);
    ev->rule_line = m->rule_line;
    memcpy(ev->condition, m->condition, sizeof ev->condition);
    return true;
}

static void memo_put(struct live_sup *sup, const struct seccomp_notif *req,
                     const struct live_event *ev, const struct sc_verdict *v)
{
    if (req->data.nr < 0 || !ev->name[0] || args_matter(sup->model, ev->name))
        return;
    struct live_memo *m = memo_slot(sup, req);
    m->model = sup->model;
    m->text_hash = sup->model->text_hash;
    m->caps = sup->caps;
    m->arch = req->data.arch;
    m->nr = req->data.nr;
    m->v = *v;
    memcpy(m->name, ev->name, sizeof m->name);
    memcpy(m->rule, ev->rule, sizeof m->rule);
    m->rule_line = ev->rule_line;
    memcpy(m->condition, ev->condition, sizeof m->condition);
}

static void decide(struct live_sup *sup, const struct seccomp_notif *req, struct live_event *ev,
                   struct sc_verdict *v)
{
    pthread_mutex_lock(&sup->lock);
    if (sup->mode == LIVE_RECORD || !sup->model) {
        char *n = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
        snprintf(ev->name, sizeof ev->name, "%s", n ? n : "");
        free(n);
        memset(v, 0, sizeof *v);
        v->action = SC_ACT_ALLOW;
        snprintf(ev->rule, sizeof ev->rule, "record");
        ev->before_exec = !sup->exec_seen;
        record_mark(sup, req, ev->name);
    } else if (!memo_get(sup, req, ev, v)) {
        const char *n = live_model_eval(sup->model, sup->caps, req->data.arch, req->data.nr,
                                        (const uint64_t *)req->data.args, v);
        snprintf(ev->name, sizeof ev->name, "%s", n);
        live_describe_rule(sup->model, sup->caps, req->data.arch, ev->name, v, ev);
        memo_put(sup, req, ev, v);
    }
    pthread_mutex_unlock(&sup->lock);
    if (!ev->name[0])
        snprintf(ev->name, sizeof ev->name, "#%d", req->data.nr);
}

void live_handle(struct live_sup *sup, struct seccomp_notif *req,
                 struct seccomp_notif_resp *resp)
{
    static __thread struct live_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = LIVE_EV_SYSCALL;
    clock_gettime(CLOCK_REALTIME, &ev.ts);
    ev.pid = (pid_t)req->pid;
    ev.arch = req->data.arch;
    ev.nr = req->data.nr;
    memcpy(ev.args, req->data.args, sizeof ev.args);
    read_comm(sup, ev.pid, ev.comm, sizeof ev.comm);
    struct sc_verdict v;
    decide(sup, req, &ev, &v);
    ev.action = v.action;
    ev.errno_ret = v.errno_ret;
    live_verdict_text(v.action, v.errno_ret, ev.verdict, sizeof ev.verdict);
    /* words for the arguments: from the caller's memory only while it waits,
     * so those first; the rest, for an allowed call, after the answer */
    bool late_args = (v.action == SC_ACT_ALLOW || v.action == SC_ACT_LOG) &&
                     !live_decode_reads_memory(ev.name);
    if (!late_args)
        live_decode_args(sup->listener, req->id, ev.pid, ev.name, ev.args, ev.args_text,
                         sizeof ev.args_text);
    bool restart = is_restart(sup, req);

    memset(resp, 0, sizeof *resp);
    resp->id = req->id;
    switch (v.action) {
    case SC_ACT_ALLOW:
    case SC_ACT_LOG:
        /* CONTINUE lets the kernel run the call as it is. The man page warns
         * that this is unsafe when the decision rests on memory the target
         * can change after we looked (a path, a struct). Here the decision
         * rests only on the syscall number and the scalar arguments, which
         * the kernel copied into the notification and will use as they
         * are: Docker's profiles compare nothing else. So there is no
         * time-of-check race. (The decoded paths are for the feed only.) */
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        if (!strcmp(ev.name, "seccomp") && ev.args[0] == SECCOMP_SET_MODE_FILTER &&
            (ev.args[1] & SECCOMP_FILTER_FLAG_NEW_LISTENER))
            snprintf(ev.note, sizeof ev.note, "a second seccomp listener in this sandbox "
                     "fails with EBUSY: isolab's supervisor holds the one listener the "
                     "kernel allows per process tree");
        break;
    case SC_ACT_ERRNO:
        resp->error = -(int)v.errno_ret;
        break;
    case SC_ACT_KILL:
    case SC_ACT_KILL_THREAD:
    case SC_ACT_KILL_PROCESS:
    case SC_ACT_TRAP:
        if (!restart)
            live_emit(sup, &ev);
        restart = true;   /* reported above, before the process dies */
        kill_like_filter(sup, req, v.action, &ev);
        if (ev.note[0])
            live_note(sup, "%s (pid %d): %s", ev.name, (int)ev.pid, ev.note);
        resp->error = -EPERM;
        break;
    case SC_ACT_TRACE:
        resp->error = -ENOSYS;   /* no tracer attached: the kernel's answer */
        break;
    case SC_ACT_NOTIFY:
        resp->error = -ENOSYS;
        snprintf(ev.note, sizeof ev.note, "the profile's own notify agent is not reachable "
                 "in live mode: ENOSYS, as with no listener");
        break;
    }
    bool dies = v.action == SC_ACT_KILL || v.action == SC_ACT_KILL_THREAD ||
                v.action == SC_ACT_KILL_PROCESS || v.action == SC_ACT_TRAP;
    /* An allowed call is answered first and reported after, off the
     * caller's path (the report is built from what was read above). A
     * refusal is reported first, so that a --trace line comes before the
     * message the program prints about it. */
    bool allowed = resp->flags & SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    if (restart && !dies)
        sup->restarts++;
    if (!restart && !allowed)
        live_emit(sup, &ev);
    if (seccomp_notify_respond(sup->listener, resp) < 0 && !dies)
        remember_interrupted(sup, req);   /* ENOENT: a signal; a restart follows */
    if (late_args)
        live_decode_args(sup->listener, req->id, ev.pid, ev.name, ev.args, ev.args_text,
                         sizeof ev.args_text);
    if (!restart && allowed)
        live_emit(sup, &ev);
    sup->answered++;
}

/* ---- the watched file ------------------------------------------------------------ */

int live_watch_file(struct live_sup *sup, const char *path, struct isolab_err *err)
{
    snprintf(sup->watch_path, sizeof sup->watch_path, "%s", path);
    /* editors save by rename: watch the directory for the name */
    char dir[ISOLAB_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    sup->inotify = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (sup->inotify < 0)
        return isolab_err_set(err, errno, "live: inotify_init1: %s", strerror(errno));
    if (inotify_add_watch(sup->inotify, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
        int e = errno;
        close(steal_fd(&sup->inotify));
        return isolab_err_set(err, e, "live: watching %s: %s", dir, strerror(e));
    }
    return 0;
}

void live_watch_event(struct live_sup *sup)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    const char *base = strrchr(sup->watch_path, '/');
    base = base ? base + 1 : sup->watch_path;
    bool ours = false;
    ssize_t n;
    while ((n = read(sup->inotify, buf, sizeof buf)) > 0)
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *e = (struct inotify_event *)p;
            if (e->len && !strcmp(e->name, base) && !(e->mask & IN_CREATE))
                ours = true;
            p += sizeof *e + e->len;
        }
    if (!ours)
        return;
    struct seccomp_profile *p;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (seccomp_profile_load(sup->watch_path, &p, &err) < 0) {
        live_note(sup, "%s: not applied, the last valid profile stays in force: %s",
                  sup->watch_path, err.msg);
        return;
    }
    if (live_set_profile(sup, p, &err) >= 0)
        live_note(sup, "%s: reloaded; the next notified call is answered from it",
                  sup->watch_path);
}
