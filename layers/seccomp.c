/* The seccomp layer: a Docker/OCI profile, resolved against the sandbox's
 * capabilities, compiled to BPF in the parent and loaded in the child at
 * step 5 (no_new_privs off: loading needs CAP_SYS_ADMIN, which the child
 * still has) or step 7 (no_new_privs on: the last step before execve). With
 * SCMP_ACT_NOTIFY rules and a listenerPath, the notify fd goes to the
 * supervisor listening there, with runc's state message. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "layer.h"
#include "live_notify.h"
#include "readfile.h"
#include "seccomp_int.h"
#include "sendfd.h"

/* The layer's private state: compiled in the parent, loaded in the child. */
struct seccomp_state {
    struct sock_fprog prog;         /* .filter malloc'ed; len 0 = none */
    unsigned int flags;             /* SECCOMP_FILTER_FLAG_* */
    int warnings;                   /* unknown syscall names skipped */
    /* "listenerPath\0metadata (JSON-escaped)" when the filter has NOTIFY
     * rules, else "". With a listener only: a socket connected to it in the
     * parent (the path may be out of reach after pivot_root), and a pipe
     * that brings the child its host pid for the state message. */
    char listener[ISOLAB_PATH_MAX];
    int notify_sock;
    int pid_pipe[2];
    /* Live (cfg->live): the supervisor's hand-over slot and ack pipe */
    volatile int *live_slot;
    int live_ack;
};

/* ---- a small cache: validate, prepare and describe share one parse and
 *      one compilation per capability set ----------------------------------- */

#define PROG_CACHE 4
struct prog_entry {
    bool used;
    uint64_t caps;
    struct sock_fprog prog;
    unsigned int flags;
    int warnings;
    char first_warning[512];
};
static struct {
    char path[ISOLAB_PATH_MAX];
    dev_t dev;
    ino_t ino;
    struct timespec mtime;
    off_t size;
    struct seccomp_profile *p;
    struct prog_entry progs[PROG_CACHE];
    unsigned next;
} cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void cache_drop(void)
{
    seccomp_profile_free(cache.p);
    cache.p = NULL;
    for (int i = 0; i < PROG_CACHE; i++) {
        free(cache.progs[i].prog.filter);
        memset(&cache.progs[i], 0, sizeof cache.progs[i]);
    }
    cache.path[0] = '\0';
}

/* The parsed profile at path, from the cache while the file is unchanged.
 * Call with cache_lock held. */
static struct seccomp_profile *cached_profile(const char *path, struct isolab_err *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && cache.p && strcmp(cache.path, path) == 0 &&
        cache.dev == st.st_dev && cache.ino == st.st_ino && cache.size == st.st_size &&
        cache.mtime.tv_sec == st.st_mtim.tv_sec && cache.mtime.tv_nsec == st.st_mtim.tv_nsec)
        return cache.p;
    cache_drop();
    struct seccomp_profile *p;
    if (seccomp_profile_load(path, &p, err) < 0)
        return NULL;
    cache.p = p;
    snprintf(cache.path, sizeof cache.path, "%s", path);
    cache.dev = st.st_dev;
    cache.ino = st.st_ino;
    cache.size = st.st_size;
    cache.mtime = st.st_mtim;
    return p;
}

static void count_warning(void *ud, const char *msg)
{
    struct prog_entry *e = ud;
    if (!e->first_warning[0])
        snprintf(e->first_warning, sizeof e->first_warning, "%s", msg);
    seccomp_warning_report(msg);   /* to the front end's sink, if any */
}

/* A copy of the compiled filter for caps. Call with cache_lock held. */
static int cached_compile(struct seccomp_profile *p, uint64_t caps, struct sock_fprog *out,
                          unsigned int *flags, int *warnings, struct isolab_err *err)
{
    struct prog_entry *e = NULL;
    for (int i = 0; i < PROG_CACHE; i++)
        if (cache.progs[i].used && cache.progs[i].caps == caps)
            e = &cache.progs[i];
    if (!e) {
        e = &cache.progs[cache.next++ % PROG_CACHE];
        free(e->prog.filter);
        memset(e, 0, sizeof *e);
        uint64_t key = sc_bpf_cache_key(p, caps);
        if (sc_bpf_cache_get(key, &e->prog, &e->flags, &e->warnings) < 0 ||
            e->warnings) {   /* a cached program cannot repeat its warnings */
            free(e->prog.filter);
            if (seccomp_profile_compile(p, caps, &e->prog, &e->flags, count_warning, e,
                                        &e->warnings, err) < 0)
                return -1;
            sc_bpf_cache_put(key, &e->prog, e->flags, e->warnings);
        }
        e->used = true;
        e->caps = caps;
    }
    if (out) {
        size_t bytes = e->prog.len * sizeof *e->prog.filter;
        out->filter = malloc(bytes);
        if (!out->filter)
            return isolab_err_set(err, ENOMEM, "seccomp: out of memory");
        memcpy(out->filter, e->prog.filter, bytes);
        out->len = e->prog.len;
    }
    if (flags)
        *flags = e->flags;
    if (warnings)
        *warnings = e->warnings;
    return 0;
}

int seccomp_profile_path(const struct lab_config *cfg, char *out, size_t n,
                         struct isolab_err *err)
{
    if (cfg->seccomp_profile[0]) {
        if (snprintf(out, n, "%s", cfg->seccomp_profile) >= (int)n)
            return isolab_err_set(err, ENAMETOOLONG, "seccomp: profile path too long");
        return 0;
    }
    if (isolab_data_path("profiles/seccomp/docker-default.json", out, n) < 0)
        return isolab_err_set(err, ENAMETOOLONG, "seccomp: data path too long");
    if (access(out, R_OK) < 0) {
        int e = errno;
        isolab_err_set(err, e, "seccomp: the default profile %s is missing: %s", out,
                       strerror(e));
        isolab_err_hint(err, "run isolab from its source tree or after `make install`, set "
                        "ISOLAB_DATADIR, or give a profile with --security-opt seccomp=FILE");
        return -1;
    }
    return 0;
}

/* ---- the layer -------------------------------------------------------------- */

static bool seccomp_available(char *why, size_t n)
{
    if (access("/proc/sys/kernel/seccomp/actions_avail", F_OK) == 0)
        return true;
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL) {
        snprintf(why, n, "this kernel has no seccomp (CONFIG_SECCOMP is off); a kernel "
                 "built with CONFIG_SECCOMP_FILTER=y is needed");
        return false;
    }
    unsigned int act = SECCOMP_RET_ERRNO;
    if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act) < 0 &&
        (errno == ENOSYS || errno == EINVAL)) {
        snprintf(why, n, "this kernel has no seccomp filters (CONFIG_SECCOMP_FILTER is "
                 "off); a kernel built with it is needed");
        return false;
    }
    return true;
}

static uint32_t kernel_ret(enum sc_action a)
{
    switch (a) {
    case SC_ACT_ALLOW: return SECCOMP_RET_ALLOW;
    case SC_ACT_ERRNO: return SECCOMP_RET_ERRNO;
    case SC_ACT_KILL:
    case SC_ACT_KILL_THREAD: return SECCOMP_RET_KILL_THREAD;
    case SC_ACT_KILL_PROCESS: return SECCOMP_RET_KILL_PROCESS;
    case SC_ACT_TRAP: return SECCOMP_RET_TRAP;
    case SC_ACT_TRACE: return SECCOMP_RET_TRACE;
    case SC_ACT_LOG: return SECCOMP_RET_LOG;
    case SC_ACT_NOTIFY: return SECCOMP_RET_USER_NOTIF;
    }
    return SECCOMP_RET_KILL_PROCESS;
}

static int check_action(const struct seccomp_profile *p, enum sc_action a,
                        const struct sc_rule *r, struct isolab_err *err)
{
    /* Asked once per action, not once per rule. 0 unknown, 1 yes, 2 no. */
    static unsigned char avail[SC_ACT_NOTIFY + 1];
    if ((unsigned)a <= SC_ACT_NOTIFY && avail[a] == 1)
        return 0;
    uint32_t ret = kernel_ret(a);
    if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &ret) == 0 || errno != EOPNOTSUPP) {
        if ((unsigned)a <= SC_ACT_NOTIFY)
            avail[a] = 1;
        return 0;
    }
    isolab_err_set(err, EOPNOTSUPP, "seccomp: %s:%d:%d: %s is not supported by this kernel",
                   p->path, r ? r->line : 1, r ? r->column : 1, sc_action_name(a));
    isolab_err_hint(err, "use another action (SCMP_ACT_ERRNO works everywhere), or a newer "
                    "kernel (KILL_PROCESS and LOG need 4.14, NOTIFY 5.0)");
    return -1;
}

/* Fast path for a one-shot `isolab run`: a profile whose exact bytes were
 * once parsed, validated and compiled for these caps on this kernel has its
 * filter on disk, so it needs no parsing at all. Profiles with a notify
 * listener always take the full path (their socket is checked each time).
 * Returns 0 on a hit (prog may be NULL: validation only). */
/* The last disk fast path's answer, for the same bytes of the same file
 * with the same capabilities (a start asks twice: validate, then
 * prepare): comparing the text is cheaper than hashing it and reading the
 * cache again. Under cache_lock. */
static struct {
    char path[ISOLAB_PATH_MAX];
    uint64_t caps;
    char *text;
    size_t len;
    struct sock_fprog prog;
    unsigned int flags;
    unsigned long gen;      /* the start (seccomp_new_start) that last read it */
    pthread_t owner;        /* in that thread */
} fast_memo;

/* Each sandbox_start, in its thread: the prepare right after its validate
 * takes the program the validate read (~40 us of a file read and a
 * comparison), and loads what was validated even if the file changed
 * between the two. */
static _Thread_local unsigned long start_gen;

void seccomp_new_start(void)
{
    start_gen++;
}

static bool fast_memo_this_start(const char *path, uint64_t caps)
{
    return fast_memo.text && start_gen && fast_memo.gen == start_gen &&
           pthread_equal(fast_memo.owner, pthread_self()) && fast_memo.caps == caps &&
           strcmp(fast_memo.path, path) == 0;
}

static bool fast_memo_hit(const char *path, uint64_t caps, const char *text, size_t len)
{
    return fast_memo.text && fast_memo.caps == caps && fast_memo.len == len &&
           strcmp(fast_memo.path, path) == 0 && memcmp(fast_memo.text, text, len) == 0;
}

static void fast_memo_keep(const char *path, uint64_t caps, char **text, size_t len,
                           const struct sock_fprog *p, unsigned int flags)
{
    size_t bytes = sizeof p->filter[0] * p->len;
    struct sock_filter *copy = malloc(bytes ? bytes : 1);
    if (!copy || strlen(path) >= sizeof fast_memo.path) {
        free(copy);
        return;
    }
    memcpy(copy, p->filter, bytes);
    free(fast_memo.text);
    free(fast_memo.prog.filter);
    snprintf(fast_memo.path, sizeof fast_memo.path, "%s", path);
    fast_memo.caps = caps;
    fast_memo.text = steal_pointer(text);
    fast_memo.len = len;
    fast_memo.prog = (struct sock_fprog){.len = p->len, .filter = copy};
    fast_memo.flags = flags;
}

static int disk_fast_path(const char *path, uint64_t caps, struct sock_fprog *prog,
                          unsigned int *flags, int *warnings)
{
    /* the one rule for data files (a FIFO must not hang here either) */
    _cleanup_free_ char *text = NULL;
    size_t got = 0;
    struct isolab_err quiet;
    bool same_start = prog && fast_memo_this_start(path, caps);
    if (!same_start &&
        (isolab_read_file(path, ISOLAB_FILE_MAX, "seccomp", &text, &got, &quiet) < 0 || !got))
        return -1;   /* the full path reports the error */
    struct sock_fprog p = {0};
    unsigned int fl = 0;
    int w = 0;
    if (same_start || fast_memo_hit(path, caps, text, got)) {
        size_t bytes = sizeof p.filter[0] * fast_memo.prog.len;
        p.filter = malloc(bytes ? bytes : 1);
        if (!p.filter)
            return -1;
        memcpy(p.filter, fast_memo.prog.filter, bytes);
        p.len = fast_memo.prog.len;
        fl = fast_memo.flags;
    } else {
        uint64_t key = sc_bpf_cache_key_text(sc_hash64(SC_HASH_INIT, text, (size_t)got), caps);
        if (sc_bpf_cache_get(key, &p, &fl, &w) < 0)
            return -1;
        if ((fl & SECCOMP_FILTER_FLAG_NEW_LISTENER) || w) {   /* w: warnings to repeat */
            free(p.filter);
            return -1;
        }
        fast_memo_keep(path, caps, &text, got, &p, fl);
    }
    if (fast_memo.text && fast_memo.caps == caps && strcmp(fast_memo.path, path) == 0) {
        fast_memo.gen = start_gen;
        fast_memo.owner = pthread_self();
    }
    if (prog) {
        *prog = p;
        *flags = fl;
        *warnings = w;
    } else {
        free(p.filter);
    }
    return 0;
}

static int seccomp_validate(const struct lab_config *cfg, struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX];
    if (!layer_in_force(cfg, LAYER_SECCOMP))
        return 0;
    if (seccomp_profile_path(cfg, path, sizeof path, err) < 0)
        return -1;
    pthread_mutex_lock(&cache_lock);
    int rc = -1;
    if (!cache.p && disk_fast_path(path, lab_config_seccomp_caps(cfg), NULL, NULL, NULL) == 0) {
        pthread_mutex_unlock(&cache_lock);
        return 0;
    }
    struct seccomp_profile *p = cached_profile(path, err);
    if (!p)
        goto out;
    if (check_action(p, p->default_action, NULL, err) < 0)
        goto out;
    bool notify = false;
    for (size_t i = 0; i < p->nrules; i++) {
        if (check_action(p, p->rules[i].action, &p->rules[i], err) < 0)
            goto out;
        notify |= p->rules[i].action == SC_ACT_NOTIFY;
    }
    struct stat st;
    if (notify && (stat(p->listener_path, &st) < 0 || !S_ISSOCK(st.st_mode))) {
        isolab_err_set(err, ENOENT, "seccomp: %s: listenerPath %s is not a listening unix "
                       "socket", p->path, p->listener_path);
        isolab_err_hint(err, "start the supervisor (seccomp agent) that answers SCMP_ACT_NOTIFY "
                        "first, or change the NOTIFY rules");
        goto out;
    }
    rc = cached_compile(p, lab_config_seccomp_caps(cfg), NULL, NULL, NULL, err);
out:
    pthread_mutex_unlock(&cache_lock);
    return rc;
}

int seccomp_layer_warnings(const struct lab_config *cfg, int *n, char *first, size_t firstn,
                           struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX];
    *n = 0;
    if (firstn)
        first[0] = '\0';
    if (seccomp_profile_path(cfg, path, sizeof path, err) < 0)
        return -1;
    uint64_t caps = lab_config_seccomp_caps(cfg);
    pthread_mutex_lock(&cache_lock);
    int rc = -1;
    struct seccomp_profile *p = cached_profile(path, err);
    if (p && cached_compile(p, caps, NULL, NULL, n, err) == 0) {
        for (int i = 0; i < PROG_CACHE; i++)
            if (cache.progs[i].used && cache.progs[i].caps == caps && firstn)
                snprintf(first, firstn, "%s", cache.progs[i].first_warning);
        rc = 0;
    }
    pthread_mutex_unlock(&cache_lock);
    return rc;
}

/* JSON string contents, escaped, into a fixed buffer (the child allocates
 * nothing). */
static size_t json_escape(char *out, size_t n, const char *s)
{
    size_t k = 0;
    for (; s && *s && k + 7 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[k++] = '\\';
            out[k++] = (char)c;
        } else if (c < 0x20) {
            k += (size_t)snprintf(out + k, n - k, "\\u%04x", c);
        } else {
            out[k++] = (char)c;
        }
    }
    out[k] = '\0';
    return k;
}

static int connect_listener(const char *path, struct isolab_err *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sa.sun_path)
        return isolab_err_set(err, ENAMETOOLONG, "seccomp: listenerPath %s is too long for a "
                              "unix socket", path);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return isolab_err_set(err, errno, "seccomp: socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        isolab_err_set(err, errno, "seccomp: connecting to listenerPath %s: %s", path,
                       strerror(errno));
        isolab_err_hint(err, "start the supervisor that listens there first");
        return -1;
    }
    return steal_fd(&fd);
}

/* The compiled filter (from the disk cache, or parsed and compiled) and, for
 * NOTIFY rules, where the listener is. Takes cache_lock. */
static int compile_for(const struct lab_config *cfg, struct seccomp_state *st,
                       struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX];
    uint64_t caps = lab_config_seccomp_caps(cfg);
    if (seccomp_profile_path(cfg, path, sizeof path, err) < 0)
        return -1;
    pthread_mutex_lock(&cache_lock);
    if (!cache.p && disk_fast_path(path, caps, &st->prog, &st->flags, &st->warnings) == 0) {
        pthread_mutex_unlock(&cache_lock);
        return 0;
    }
    int rc = -1;
    struct seccomp_profile *p = cached_profile(path, err);
    if (p)
        rc = cached_compile(p, caps, &st->prog, &st->flags, &st->warnings, err);
    if (rc == 0 && (st->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)) {
        /* "path\0escaped metadata": the child must not need the profile */
        size_t pl = strlen(p->listener_path);
        if (pl + 2 > sizeof st->listener) {
            rc = isolab_err_set(err, ENAMETOOLONG, "seccomp: %s: listenerPath is too long "
                                "(%zu bytes, at most %zu)", p->path, pl, sizeof st->listener - 2);
        } else {
            memcpy(st->listener, p->listener_path, pl + 1);
            json_escape(st->listener + pl + 1, sizeof st->listener - pl - 1,
                        p->listener_metadata);
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return rc;
}

/* The live supervisor's filter (live_compile: one filter, the notified
 * verdicts as USER_NOTIF) and the hand-over of its listener. The child
 * cannot send it with a syscall: under the new filter that call may itself
 * wait for the supervisor, which has no listener yet. So the child stores
 * the fd number in a page shared with the parent (no syscall), the
 * supervisor takes a copy with pidfd_getfd and writes an ack, and only then
 * does the child close its own copy (before execve: the command never holds
 * the listener). */
static int seccomp_live_prepare(const struct lab_config *cfg, struct seccomp_state *st,
                        struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX];
    if (seccomp_profile_path(cfg, path, sizeof path, err) < 0)
        return -1;
    pthread_mutex_lock(&cache_lock);
    struct seccomp_profile *p = cached_profile(path, err);
    uint64_t caps = lab_config_seccomp_caps(cfg);
    int rc = p ? live_compile(cfg->live, p, caps, &st->prog, err) : -1;
    st->flags = (p ? p->flags : 0) | SECCOMP_FILTER_FLAG_NEW_LISTENER;
    pthread_mutex_unlock(&cache_lock);
    if (rc < 0)
        return -1;
    if (st->flags & SECCOMP_FILTER_FLAG_TSYNC)
        st->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    return live_sup_handoff(cfg->live, &st->live_slot, &st->live_ack, err);
}

static void live_hand_over(struct seccomp_state *st, int fd)
{
    char c;
    *st->live_slot = fd;
    ssize_t n;
    do
        n = read(st->live_ack, &c, 1);   /* EOF if isolab is gone: go on */
    while (n < 0 && errno == EINTR);
    close(steal_fd(&st->live_ack));
    close(fd);
}

static int seccomp_prepare(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                           struct isolab_err *err)
{
    struct seccomp_state *st = ctx->priv[LAYER_SECCOMP];
    st->notify_sock = st->pid_pipe[0] = st->pid_pipe[1] = -1;
    st->live_ack = -1;
    if (cfg->live)
        return seccomp_live_prepare(cfg, st, err);
    if (compile_for(cfg, st, err) < 0)
        return -1;
    if (!st->listener[0])
        return 0;
    st->notify_sock = connect_listener(st->listener, err);
    if (st->notify_sock < 0)
        return -1;
    if (pipe2(st->pid_pipe, O_CLOEXEC) < 0)
        return isolab_err_set(err, errno, "seccomp: the pid pipe for the listener: %s",
                              strerror(errno));
    return 0;
}

size_t seccomp_prepared_filter(const struct sandbox_ctx *ctx, unsigned int *flags)
{
    const struct seccomp_state *st = ctx->priv[LAYER_SECCOMP];
    if (flags)
        *flags = st ? st->flags : 0;
    return st ? st->prog.len : 0;
}

/* The child learns its pid on the host (for the supervisor) from here. */
static int seccomp_attach(const struct lab_config *cfg, struct sandbox_ctx *ctx, pid_t child,
                          struct isolab_err *err)
{
    struct seccomp_state *st = ctx->priv[LAYER_SECCOMP];
    if (st && cfg->live && st->live_slot) {
        st->live_ack = -1;   /* the supervisor closes the parent's copy */
        return live_sup_serve(cfg->live, child, err);
    }
    if (!st || !st->listener[0] || st->pid_pipe[1] < 0)
        return 0;
    ssize_t w = write(st->pid_pipe[1], &child, sizeof child);
    close(steal_fd(&st->pid_pipe[1]));
    if (w != (ssize_t)sizeof child)
        return isolab_err_set(err, errno ? errno : EIO, "seccomp: telling the child its pid "
                              "failed");
    return 0;
}

/* runc's protocol: one message with the state (specs.ContainerProcessState)
 * and the notify fd as SCM_RIGHTS. */
static pid_t read_host_pid(struct seccomp_state *st)
{
    pid_t pid = 0;
    if (st->pid_pipe[1] >= 0)    /* the parent's copy is the one that writes */
        close(steal_fd(&st->pid_pipe[1]));
    if (st->pid_pipe[0] >= 0) {
        if (read(st->pid_pipe[0], &pid, sizeof pid) != (ssize_t)sizeof pid)
            pid = 0;
        close(steal_fd(&st->pid_pipe[0]));
    }
    return pid;
}

static int send_listener_fd(struct seccomp_state *st, int nfd, pid_t pid,
                            struct isolab_err *err)
{
    const char *meta = st->listener + strlen(st->listener) + 1;
    char state[ISOLAB_PATH_MAX + 512];
    int len = snprintf(state, sizeof state,
                       "{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
                       "\"metadata\":\"%s\",\"state\":{\"ociVersion\":\"1.0.2\","
                       "\"id\":\"isolab-%d\",\"status\":\"creating\",\"pid\":%d,"
                       "\"bundle\":\"/\"}}", (int)pid, meta, (int)pid, (int)pid);
    ssize_t s = isolab_send_fd(st->notify_sock, state, (size_t)len, nfd);
    int e = errno;
    close(steal_fd(&st->notify_sock));
    if (s < 0) {
        isolab_err_set(err, e, "seccomp: sending the notify fd to %s: %s",
                       st->listener, strerror(e));
        isolab_err_hint(err, "the profile must allow sendmsg, and the supervisor must be "
                        "listening");
        return -1;
    }
    return 0;
}

/* The pid-namespace init's filter (sandbox.c, fork_command): its own
 * allowlist above, with the profile's flags but no listener; the command
 * sends the listener. */
static int load_init_copy(struct seccomp_state *st, struct isolab_err *err)
{
    const struct sock_fprog *prog = seccomp_init_filter();
    unsigned int flags = st->flags & ~(unsigned int)SECCOMP_FILTER_FLAG_NEW_LISTENER;
    cleanup_closep(&st->notify_sock);
    cleanup_closep(&st->pid_pipe[0]);
    cleanup_closep(&st->pid_pipe[1]);
    cleanup_closep(&st->live_ack);
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog) < 0) {
        int e = errno;
        return isolab_err_set(err, e, "seccomp: loading the filter in the sandbox's init: %s",
                              strerror(e));
    }
    return 0;
}

static int seccomp_enter(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                         enum child_step step, struct isolab_err *err)
{
    struct seccomp_state *st = ctx->priv[LAYER_SECCOMP];
    enum child_step mine = cfg->no_new_privs ? STEP_SECCOMP_LATE : STEP_SECCOMP_EARLY;
    if (step != mine || !st || st->prog.len == 0)
        return 0;
    if (ctx->init_copy)
        return load_init_copy(st, err);
    /* before the filter, which might not allow read */
    pid_t host_pid = 0;
    if (st->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
        host_pid = read_host_pid(st);
    long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, st->flags, &st->prog);
    if (fd < 0) {
        int e = errno;
        isolab_err_set(err, e, "seccomp: loading the filter: %s", strerror(e));
        if (e == EACCES)
            isolab_err_hint(err, "loading a filter needs no_new_privs or CAP_SYS_ADMIN; use "
                            "--security-opt no-new-privileges");
        else if (e == EINVAL)
            isolab_err_hint(err, "this kernel does not support the profile's \"flags\"; "
                            "remove them");
        return -1;
    }
    if (!(st->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
        return 0;
    if (cfg->live) {
        live_hand_over(st, (int)fd);
        return 0;
    }
    int rc = send_listener_fd(st, (int)fd, host_pid, err);
    close((int)fd);
    return rc;
}

/* "docker-default.json (372 allowed, 1 ENOSYS; default EPERM)",
 * "no_uring.json (3 rules: EPERM; default ALLOW)" */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void summarize(const struct seccomp_profile *p, uint64_t caps, char *buf, size_t n)
{
    uint32_t arch = seccomp_arch_native();
    unsigned long kver = kernel_version_code();
    size_t total = 0;
    for (size_t i = 0; i < p->nrules; i++)
        total += p->rules[i].nnames;
    _cleanup_free_ const char **names = calloc(total ? total : 1, sizeof *names);
    const char *base = strrchr(p->path, '/') ? strrchr(p->path, '/') + 1 : p->path;
    if (!names) {
        snprintf(buf, n, "%s", base);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < p->nrules; i++)
        if (seccomp_rule_applies(&p->rules[i], caps, arch, kver))
            for (size_t j = 0; j < p->rules[i].nnames; j++)
                names[k++] = p->rules[i].names[j];
    qsort(names, k, sizeof *names, cmp_str);
    /* counts per outcome: allowed, then up to 6 other outcomes */
    struct { char label[24]; int count; } out[8];
    size_t nout = 0;
    int allowed = 0;
    for (size_t i = 0; i < k; i++) {
        if (i && strcmp(names[i], names[i - 1]) == 0)
            continue;
        struct sc_verdict v;
        if (seccomp_profile_eval(p, caps, arch, names[i], NULL, &v) < 0 || v.unresolved)
            continue;
        if (v.action == p->default_action &&
            (v.action != SC_ACT_ERRNO || v.errno_ret == (p->has_default_errno ? p->default_errno : EPERM)))
            continue;
        if (v.action == SC_ACT_ALLOW || v.action == SC_ACT_LOG) {
            allowed++;
            continue;
        }
        char label[24];
        const char *en = sc_errno_name((int)v.errno_ret);
        if (v.action == SC_ACT_ERRNO)
            snprintf(label, sizeof label, "%s", en ? en : "errno");
        else
            snprintf(label, sizeof label, "%s", sc_action_name(v.action) + 9);
        size_t o;
        for (o = 0; o < nout && strcmp(out[o].label, label); o++)
            ;
        if (o == nout && nout < 8) {
            snprintf(out[nout].label, sizeof out[nout].label, "%s", label);
            out[nout++].count = 0;
        }
        if (o < nout)
            out[o].count++;
    }
    /* "0 allowed" under an ALLOW default reads as "nothing allowed": count
     * the rules that differ from the default instead */
    int len, other = 0;
    for (size_t o = 0; o < nout; o++)
        other += out[o].count;
    if (allowed || !nout)
        len = snprintf(buf, n, "%s (%d allowed", base, allowed);
    else if (nout == 1)
        len = snprintf(buf, n, "%s (%d rule%s: %s", base, other, other == 1 ? "" : "s", out[0].label);
    else
        len = snprintf(buf, n, "%s (%d rules:", base, other);
    for (size_t o = allowed || nout > 1 ? 0 : nout; o < nout && len > 0 && (size_t)len < n; o++)
        len += snprintf(buf + len, n - len, "%s %d %s", allowed || o ? "," : "", out[o].count,
                        out[o].label);
    if (len > 0 && (size_t)len < n) {
        const char *def;
        char dbuf[24];
        if (p->default_action == SC_ACT_ERRNO) {
            const char *en = sc_errno_name((int)(p->has_default_errno ? p->default_errno : EPERM));
            def = en ? en : "errno";
        } else {
            snprintf(dbuf, sizeof dbuf, "%s", sc_action_name(p->default_action) + 9);
            def = dbuf;
        }
        snprintf(buf + len, n - len, "; default %s)", def);
    }
}

static void seccomp_describe(const struct lab_config *cfg, char *buf, size_t n)
{
    char path[ISOLAB_PATH_MAX];
    struct isolab_err err = { 0 };
    if (!layer_in_force(cfg, LAYER_SECCOMP)) {
        snprintf(buf, n, "unconfined%s", cfg->privileged ? " (--privileged)" : "");
        return;
    }
    if (seccomp_profile_path(cfg, path, sizeof path, &err) < 0) {
        snprintf(buf, n, "%s", err.msg);
        return;
    }
    pthread_mutex_lock(&cache_lock);
    struct seccomp_profile *p = cached_profile(path, &err);
    if (p)
        summarize(p, lab_config_seccomp_caps(cfg), buf, n);
    else
        snprintf(buf, n, "%s", err.msg);
    pthread_mutex_unlock(&cache_lock);
}

static void seccomp_cleanup(const struct lab_config *cfg, struct sandbox_ctx *ctx)
{
    struct seccomp_state *st = ctx->priv[LAYER_SECCOMP];
    if (!st)
        return;
    free(st->prog.filter);
    cleanup_closep(&st->notify_sock);
    cleanup_closep(&st->pid_pipe[0]);
    cleanup_closep(&st->pid_pipe[1]);
}

const struct layer_ops seccomp_layer = {
    .name = "seccomp",
    .id = LAYER_SECCOMP,
    .priv_size = sizeof(struct seccomp_state),
    .available = seccomp_available,
    .validate = seccomp_validate,
    .prepare = seccomp_prepare,
    .attach = seccomp_attach,
    .enter = seccomp_enter,
    .describe = seccomp_describe,
    .cleanup = seccomp_cleanup,
};
