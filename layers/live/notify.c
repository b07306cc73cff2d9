/* The seccomp-notify supervisor: a thread that takes the listener fd from
 * the sandbox's child (pidfd_getfd, see live_sup_handoff), then answers
 * each notification from the current model and reports it.
 *
 * Pitfalls, and what is done about them:
 * - Hanging receives: SECCOMP_IOCTL_NOTIF_RECV blocks for good once every
 *   process under the filter is gone. The thread polls first; POLLHUP on the
 *   listener is the end.
 * - Signal restarts: a syscall interrupted by a signal while its
 *   notification waits is dropped by the kernel (our response then fails
 *   with ENOENT) and, with SA_RESTART, notified again under a new id. The
 *   thread remembers the interrupted (pid, nr, args) and folds the repeat
 *   into the first feed line (counted in live_sup_counts).
 * - KILL and TRAP: a response can only be an errno or CONTINUE, so these are
 *   notified, reported, and then done to the thread from here (see
 *   kill_like_filter()).
 * - Nested listeners: a tool inside the sandbox that asks for its own
 *   listener gets EBUSY from the kernel (one listener per filter tree);
 *   seccomp(2) is notified for that, and the feed says so. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "live_int.h"

void live_emit(struct live_sup *sup, const struct live_event *ev)
{
    if (sup->fn) {
        sup->fn(sup->ud, ev);
        return;
    }
    /* The eventfd is set when the ring goes from empty to not empty, and
     * cleared (live_sup_next_event) when a reader finds it empty, both under
     * the lock: one wake-up of the poll loop per burst, not per call, and
     * none lost. */
    pthread_mutex_lock(&sup->lock);
    bool was_empty = sup->qlen == 0;
    unsigned slot = (sup->qhead + sup->qlen) % LIVE_QUEUE;
    if (sup->qlen == LIVE_QUEUE)
        sup->qhead = (sup->qhead + 1) % LIVE_QUEUE;   /* the oldest goes */
    else
        sup->qlen++;
    sup->queue[slot] = *ev;
    if (was_empty) {
        uint64_t one = 1;
        ssize_t w = write(sup->event_fd, &one, sizeof one);
        (void)w;
    }
    pthread_mutex_unlock(&sup->lock);
}

void live_note(struct live_sup *sup, const char *fmt, ...)
{
    struct live_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = LIVE_EV_NOTE;
    clock_gettime(CLOCK_REALTIME, &ev.ts);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev.note, sizeof ev.note, fmt, ap);
    va_end(ap);
    live_emit(sup, &ev);
}

int live_sup_events_fd(const struct live_sup *sup)
{
    return sup->event_fd;
}

bool live_sup_next_event(struct live_sup *sup, struct live_event *ev)
{
    pthread_mutex_lock(&sup->lock);
    bool got = sup->qlen > 0;
    if (got) {
        *ev = sup->queue[sup->qhead];
        sup->qhead = (sup->qhead + 1) % LIVE_QUEUE;
        sup->qlen--;
    } else {
        uint64_t v;
        if (read(sup->event_fd, &v, sizeof v) < 0)
            v = 0;   /* not set: nothing to clear */
    }
    pthread_mutex_unlock(&sup->lock);
    return got;
}

void live_sup_counts(const struct live_sup *sup, unsigned long *answered,
                     unsigned long *restarts)
{
    if (answered)
        *answered = sup->answered;
    if (restarts)
        *restarts = sup->restarts;
}

int live_sup_new(enum live_mode mode, struct seccomp_profile *model, live_event_fn fn,
                 void *ud, struct live_sup **out, struct isolab_err *err)
{
    *out = NULL;
    if (!model && mode != LIVE_RECORD)
        return isolab_err_set(err, EINVAL, "live: a trace or live supervisor needs a "
                              "profile model");
    struct live_sup *s = calloc(1, sizeof *s);
    if (!s || !(s->queue = calloc(LIVE_QUEUE, sizeof *s->queue)) ||
        !(s->memo = calloc(LIVE_MEMO, sizeof *s->memo))) {
        if (s)
            free(s->queue);
        free(s);
        seccomp_profile_free(model);
        return isolab_err_set(err, ENOMEM, "live: out of memory");
    }
    s->mode = mode;
    s->model = model;
    s->fn = fn;
    s->ud = ud;
    s->listener = s->inotify = s->pidfd = -1;
    s->ack[0] = s->ack[1] = -1;
    s->wake[0] = s->wake[1] = -1;
    for (unsigned i = 0; i < LIVE_COMMS; i++)
        s->comms[i].fd = -1;
    for (unsigned i = 0; i < LIVE_MEMO; i++)
        s->memo[i].nr = -1;
    pthread_mutex_init(&s->lock, NULL);
    s->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->event_fd < 0 || pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        int e = errno;
        live_sup_free(s);
        return isolab_err_set(err, e, "live: eventfd/pipe: %s", strerror(e));
    }
    *out = s;
    return 0;
}

enum live_mode live_sup_mode(const struct live_sup *sup)
{
    return sup->mode;
}

void live_set_caps(struct live_sup *sup, uint64_t caps)
{
    pthread_mutex_lock(&sup->lock);
    sup->caps = caps;
    pthread_mutex_unlock(&sup->lock);
}

int live_set_profile(struct live_sup *sup, struct seccomp_profile *model,
                     struct isolab_err *err)
{
    if (!model)
        return isolab_err_set(err, EINVAL, "live: live_set_profile needs a model");
    int conflicts = 0;
    if (sup->mode == LIVE_POLICY) {
        const char *why, *name;
        for (size_t i = 0; (name = live_fixed_syscall(i, &why)); i++) {
            struct sc_verdict v;
            if (!live_fixed_allowed_in_bpf(sup->bpf_allowed, name) ||
                seccomp_profile_eval(model, sup->caps, seccomp_arch_native(), name, NULL,
                                     &v) < 0 || (v.action == SC_ACT_ALLOW && !v.conditional))
                continue;
            conflicts++;
            live_note(sup, "%s: %s stays allowed in this shell: it is fixed in live mode (%s); "
                      "the profile's verdict applies on the next start", model->path, name, why);
        }
    }
    pthread_mutex_lock(&sup->lock);
    struct seccomp_profile *old = sup->model;
    sup->model = model;
    pthread_mutex_unlock(&sup->lock);
    seccomp_profile_free(old);
    return conflicts;
}

int live_compile(struct live_sup *sup, const struct seccomp_profile *p, uint64_t caps,
                 struct sock_fprog *prog, struct isolab_err *err)
{
    live_set_caps(sup, caps);
    memset(sup->bpf_allowed, 0, sizeof sup->bpf_allowed);
    switch (sup->mode) {
    case LIVE_TRACE:
        return live_compile_trace(p, caps, prog, err);
    case LIVE_POLICY:
        return live_compile_all(sup->model ? sup->model : p, caps, true, sup->bpf_allowed,
                                prog, err);
    case LIVE_RECORD:
        return live_compile_all(p, caps, false, NULL, prog, err);
    }
    return isolab_err_set(err, EINVAL, "live: unknown mode");
}

static void *serve_thread(void *arg);

int live_sup_handoff(struct live_sup *sup, volatile int **slot, int *ack_rfd,
                     struct isolab_err *err)
{
    if (sup->running || sup->ack[0] >= 0)
        return isolab_err_set(err, EBUSY, "live: this supervisor already serves a sandbox; "
                              "make one per sandbox");
    if (!sup->slot) {
        void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return isolab_err_set(err, errno, "live: mmap of the hand-over page: %s",
                                  strerror(errno));
        sup->slot = m;
    }
    *sup->slot = -1;
    if (pipe2(sup->ack, O_CLOEXEC) < 0)
        return isolab_err_set(err, errno, "live: the ack pipe: %s", strerror(errno));
    *slot = sup->slot;
    *ack_rfd = sup->ack[0];
    return 0;
}

int live_sup_serve(struct live_sup *sup, pid_t child, struct isolab_err *err)
{
    cleanup_closep(&sup->ack[0]);   /* the child's end; it has its own copy */
    sup->ack[0] = -1;
    sup->child = child;
    sup->pidfd = (int)syscall(SYS_pidfd_open, child, 0);
    if (sup->pidfd < 0)
        return isolab_err_set(err, errno, "live: pidfd_open: %s (Linux 5.6 is needed for the "
                              "live supervisor)", strerror(errno));
    int rc = pthread_create(&sup->thread, NULL, serve_thread, sup);
    if (rc != 0)
        return isolab_err_set(err, rc, "live: starting the supervisor thread: %s",
                              strerror(rc));
    sup->running = true;
    return 0;
}

void live_sup_free(struct live_sup *sup)
{
    if (!sup)
        return;
    if (sup->running) {
        ssize_t w = write(sup->wake[1], "q", 1);
        (void)w;
        pthread_join(sup->thread, NULL);
    }
    cleanup_closep(&sup->ack[0]);
    cleanup_closep(&sup->ack[1]);
    cleanup_closep(&sup->pidfd);
    if (sup->slot)
        munmap((void *)sup->slot, 4096);
    cleanup_closep(&sup->listener);
    cleanup_closep(&sup->wake[0]);
    cleanup_closep(&sup->wake[1]);
    cleanup_closep(&sup->inotify);
    cleanup_closep(&sup->event_fd);
    for (unsigned i = 0; i < LIVE_COMMS; i++)
        cleanup_closep(&sup->comms[i].fd);
    pthread_mutex_destroy(&sup->lock);
    seccomp_profile_free(sup->model);
    free(sup->queue);
    free(sup);
}

/* ---- the thread ---------------------------------------------------------------- */

/* The child stores the fd in the shared page right after seccomp() (no
 * syscall in between); we nap a millisecond at a time on its pidfd, which
 * becomes readable if it exits first. */
static int take_listener(struct live_sup *sup)
{
    for (;;) {
        int fd = *sup->slot;
        if (fd >= 0) {
            int mine = (int)syscall(SYS_pidfd_getfd, sup->pidfd, fd, 0);
            ssize_t w = write(sup->ack[1], "k", 1);   /* the child may close its copy */
            (void)w;
            close(steal_fd(&sup->ack[1]));
            return mine;
        }
        struct pollfd pf[2] = { { sup->pidfd, POLLIN, 0 }, { sup->wake[0], POLLIN, 0 } };
        int n = poll(pf, 2, 1);
        if (n > 0)
            return -1;   /* the child is gone, or we are told to stop */
    }
}

void live_handle(struct live_sup *sup, struct seccomp_notif *req,
                 struct seccomp_notif_resp *resp);
void live_watch_event(struct live_sup *sup);

/* Waits on the listener, the wake pipe and the watched
 * file. Returns 1 when fd is readable, 0 to stop. */
static int wait_for(struct live_sup *sup, int fd)
{
    for (;;) {
        struct pollfd pf[3] = { { fd, POLLIN, 0 }, { sup->wake[0], POLLIN, 0 },
                                { sup->inotify, POLLIN, 0 } };
        int n = poll(pf, sup->inotify >= 0 ? 3 : 2, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || pf[1].revents)
            return 0;
        if (sup->inotify >= 0 && pf[2].revents)
            live_watch_event(sup);
        if (pf[0].revents & POLLIN)
            return 1;
        if (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL))
            return 0;   /* every process under the filter is gone */
    }
}

/* Linux 6.6: the notifying thread hands its CPU straight to the supervisor
 * and back (SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP), so a round trip costs two
 * direct switches instead of two trips through the run queue: on a busy
 * machine, tens of microseconds instead of hundreds (bench/notify.sh). An
 * older kernel says EINVAL; nothing else changes. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static void *serve_thread(void *arg)
{
    struct live_sup *sup = arg;
    sup->listener = take_listener(sup);
    if (sup->listener < 0) {
        live_note(sup, "the sandbox ended before it handed over its seccomp listener");
        return NULL;
    }
    if (ioctl(sup->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
        errno = 0;   /* before 6.6: the ordinary wake-up */
    struct seccomp_notif *req;
    struct seccomp_notif_resp *resp;
    if (seccomp_notify_alloc(&req, &resp) < 0) {
        live_note(sup, "live: seccomp_notify_alloc failed; the sandbox's notified calls "
                  "will fail with ENOSYS");
        return NULL;
    }
    while (wait_for(sup, sup->listener) == 1) {
        memset(req, 0, sizeof *req);
        if (seccomp_notify_receive(sup->listener, req) < 0)
            continue;   /* ENOENT: the caller was interrupted before we read it */
        live_handle(sup, req, resp);
    }
    seccomp_notify_free(req, resp);
    return NULL;
}
