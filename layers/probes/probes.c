/* Running probes in a sandbox, and attributing what blocked them.
 *
 * probes_run() starts one sandbox whose function is the runner below. The
 * runner is already under every layer (seccomp included), so it uses only
 * ordinary calls: fork, pipe, waitid/wait4, alarm, rt_sigaction, write. It
 * forks one child per probe, so that a seccomp KILL or a crash costs that
 * probe and not the run, and sends (index, result) records up a pipe.
 *
 * probes_blame() runs the full configuration and each layer alone (DESIGN.md,
 * "Probes and attribution"). */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "layer.h"
#include "probe_int.h"

const char *probe_verdict_name(enum probe_verdict v)
{
    switch (v) {
    case PROBE_ALLOWED: return "allowed";
    case PROBE_BLOCKED: return "blocked";
    case PROBE_ERROR: return "error";
    case PROBE_SKIPPED: return "skipped";
    }
    return "?";
}

void probe_tally_add(struct probe_tally *t, const struct probe_result *r)
{
    switch (r->verdict) {
    case PROBE_ALLOWED: t->allowed++; break;
    case PROBE_BLOCKED: t->blocked++; break;
    case PROBE_SKIPPED: t->skipped++; break;
    default: t->undecided++; break;
    }
}

void probe_result_str(const struct probe_result *r, char *buf, size_t n)
{
    switch (r->verdict) {
    case PROBE_ALLOWED:
        snprintf(buf, n, "allowed");
        break;
    case PROBE_BLOCKED:
        if (r->sig) {
            const char *s = sigabbrev_np(r->sig);
            if (s)
                snprintf(buf, n, "SIG%s", s);
            else
                snprintf(buf, n, "signal %d", r->sig);
        } else if (r->err) {
            const char *e = strerrorname_np(r->err);
            if (e)
                snprintf(buf, n, "%s", e);
            else
                snprintf(buf, n, "errno %d", r->err);
        } else {
            snprintf(buf, n, "blocked");
        }
        break;
    case PROBE_ERROR:
        snprintf(buf, n, "ERROR: %s", r->detail);
        break;
    case PROBE_SKIPPED:
        snprintf(buf, n, "skipped");
        break;
    default:
        snprintf(buf, n, "?");
    }
}

void probe_layers_str(unsigned int mask, char *buf, size_t n)
{
    size_t len = 0;
    if (n)
        buf[0] = '\0';
    for (int id = 0; id < LAYER_COUNT; id++) {
        if (!(mask & (1u << id)))
            continue;
        int w = snprintf(buf + len, n > len ? n - len : 0, "%s%s", len ? "+" : "", layer_name(id));
        if (w < 0 || (size_t)w >= (n > len ? n - len : 0))
            break;
        len += (size_t)w;
    }
}

/* ---- inside the sandbox ---- */

struct runner_arg {
    int out_fd;             /* write end: records to the parent */
    const int *sel;
    size_t nsel;
    struct probe_env env;
    unsigned int timeout_s;
};

struct probe_record {
    int32_t index;          /* position in sel; -1 = end of run */
    int32_t pad;
    struct probe_result r;
};

static volatile sig_atomic_t runner_alarm;
static void runner_on_alarm(int sig)
{
    (void)sig;
    runner_alarm = 1;
}

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A probe that was killed (timeout, seccomp KILL, crash) may have left its
 * private directory, or the tmpfs of mount-tmpfs on it, or its file in
 * /etc: the names carry the probe child's pid (probe_tmpdir, write-etc). */
static void remove_probe_leftovers(pid_t pid)
{
    char prefix[64], path[320];
    int plen = snprintf(prefix, sizeof prefix, "isolab-probe-%d-", (int)pid);
    DIR *d = opendir("/tmp");
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, prefix, (size_t)plen) != 0)
            continue;
        snprintf(path, sizeof path, "/tmp/%s", de->d_name);
        umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);     /* EINVAL unless mounted */
        static const char *const inner[] = {"file", "null"};
        for (size_t i = 0; i < sizeof inner / sizeof inner[0]; i++) {
            char f[400];
            snprintf(f, sizeof f, "%s/%s", path, inner[i]);
            unlink(f);
        }
        rmdir(path);
    }
    if (d)
        closedir(d);
    snprintf(path, sizeof path, "/etc/.isolab-probe-%d", (int)pid);
    unlink(path);
}

static void reap_strays(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

/* One probe in its own child and process group. */
static void run_one(const struct probe *pr, const struct probe_env *env, int res_r, int res_w,
                    int out_fd, unsigned int timeout_s, struct probe_result *out)
{
    struct probe_result tmp;
    while (read(res_r, &tmp, sizeof tmp) > 0)   /* drop anything stale */
        ;
    memset(out, 0, sizeof *out);
    pid_t pid = fork();
    if (pid < 0) {
        probe_fail(out, errno, "fork: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGALRM, SIG_DFL);
        close(res_r);
        close(out_fd);
        struct probe_result r;
        memset(&r, 0, sizeof r);
        probe_fail(&r, 0, "the probe did not report");
        pr->run(&r, env);
        _exit(write_all(res_w, &r, sizeof r) == 0 ? 0 : 125);
    }
    setpgid(pid, pid);      /* also from here: no race with the kill below */
    runner_alarm = 0;
    alarm(timeout_s);
    bool timed_out = false, reaped = false;
    int st = 0;
    siginfo_t si;
    for (;;) {
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) == 0)
            break;
        if (errno != EINTR) {
            /* no waitid (a profile may deny it): plain wait4, no group kill */
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                if (runner_alarm && !timed_out) {
                    timed_out = true;
                    kill(pid, SIGKILL);
                }
            reaped = true;
            break;
        }
        if (runner_alarm && !timed_out) {
            timed_out = true;
            kill(pid, SIGKILL);
        }
    }
    alarm(0);
    if (!reaped) {
        /* The child is a zombie now, so its group id cannot be reused: end
         * whatever the probe left running (all of it ours), then reap. */
        if (getpgid(pid) == pid)
            kill(-pid, SIGKILL);
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    bool have = false;
    while (read(res_r, &tmp, sizeof tmp) == (ssize_t)sizeof tmp) {
        *out = tmp;
        have = true;
    }
    if (timed_out || WIFSIGNALED(st))
        remove_probe_leftovers(pid);
    if (timed_out) {
        probe_fail(out, ETIME, "no answer within %u s", timeout_s);
    } else if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        const char *s = sigabbrev_np(sig);
        probe_block(out, 0, "the probe was killed by SIG%s%s", s ? s : "?",
                    sig == SIGSYS ? " (seccomp)" : "");
        out->sig = sig;
    } else if (!have) {
        probe_fail(out, 0, "the probe exited with status %d without a result",
                   WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    }
    out->detail[sizeof out->detail - 1] = '\0';
}

static int probe_runner(void *p)
{
    struct runner_arg *a = p;
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    signal(SIGCHLD, SIG_DFL);     /* we wait for our children ourselves */
    signal(SIGPIPE, SIG_DFL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = runner_on_alarm;    /* no SA_RESTART: waits get EINTR */
    sigaction(SIGALRM, &sa, NULL);
    /* Orphans of a probe come back to us to be reaped (pid 1 of a pid
     * namespace already is their reaper). */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    int res[2];
    bool have_pipe = pipe2(res, O_CLOEXEC | O_NONBLOCK) == 0;
    int pipe_errno = errno;
    size_t n = a->sel ? a->nsel : probe_count;
    for (size_t i = 0; i < n; i++) {
        struct probe_record rec;
        memset(&rec, 0, sizeof rec);
        rec.index = (int32_t)i;
        int idx = a->sel ? a->sel[i] : (int)i;
        if (idx < 0 || (size_t)idx >= probe_count)
            probe_fail(&rec.r, EINVAL, "no probe number %d", idx);
        else if (!have_pipe)
            probe_fail(&rec.r, pipe_errno, "pipe in the sandbox: %s", strerror(pipe_errno));
        else
            run_one(&probe_catalogue[idx], &a->env, res[0], res[1], a->out_fd, a->timeout_s,
                    &rec.r);
        if (write_all(a->out_fd, &rec, sizeof rec) < 0)
            return 3;
        reap_strays();
    }
    struct probe_record end;
    memset(&end, 0, sizeof end);
    end.index = -1;
    write_all(a->out_fd, &end, sizeof end);
    close(a->out_fd);
    /* Orphans were SIGKILLed with their group; collect them, but bounded. */
    runner_alarm = 0;
    alarm(2);
    while (!runner_alarm && waitpid(-1, NULL, 0) > 0)
        ;
    alarm(0);
    return 0;
}

/* ---- in the parent ---- */

static int read_records(int fd, struct probe_result *results, size_t n, bool *got,
                        unsigned int deadline_s, pid_t sandbox)
{
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct probe_record rec;
    size_t have = 0;
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left_ms = (long)deadline_s * 1000 - ((now.tv_sec - t0.tv_sec) * 1000 +
                                                  (now.tv_nsec - t0.tv_nsec) / 1000000);
        if (left_ms <= 0) {
            kill(sandbox, SIGKILL);    /* our own sandbox, stuck past every timeout */
            return -1;
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int pr = poll(&pfd, 1, (int)(left_ms > 1000 ? 1000 : left_ms));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        ssize_t r = read(fd, (char *)&rec + have, sizeof rec - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;                  /* EOF: the runner is gone */
        have += (size_t)r;
        if (have < sizeof rec)
            continue;
        have = 0;
        if (rec.index < 0)
            return 0;
        if ((size_t)rec.index < n) {
            results[rec.index] = rec.r;
            results[rec.index].detail[sizeof rec.r.detail - 1] = '\0';
            got[rec.index] = true;
        }
    }
}

int probes_run(const struct lab_config *cfg, const int *sel, size_t nsel,
               struct probe_result *results, struct isolab_err *err)
{
    size_t n = sel ? nsel : probe_count;
    if (sel == NULL && nsel != 0)
        return isolab_err_set(err, EINVAL, "probes: a count without a selection");
    for (size_t i = 0; sel && i < nsel; i++)
        if (sel[i] < 0 || (size_t)sel[i] >= probe_count)
            return isolab_err_set(err, EINVAL, "probes: no probe number %d (there are %zu)",
                                  sel[i], probe_count);
    for (size_t i = 0; i < n; i++) {
        memset(&results[i], 0, sizeof results[i]);
        probe_fail(&results[i], 0, "not run");
    }
    if (n == 0)
        return 0;

    _cleanup_free_ bool *got = calloc(n, sizeof *got);
    _cleanup_free_ struct lab_config *run = malloc(sizeof *run);
    _cleanup_free_ struct runner_arg *arg = calloc(1, sizeof *arg);
    if (!got || !run || !arg)
        return isolab_err_set(err, ENOMEM, "probes: out of memory");
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return isolab_err_set(err, errno, "probes: pipe: %s", strerror(errno));
    _cleanup_close_ int rfd = p[0];

    arg->out_fd = p[1];
    arg->sel = sel;
    arg->nsel = nsel;
    arg->timeout_s = PROBE_TIMEOUT_S;
    probe_env_init(&arg->env);
    *run = *cfg;
    run->argv = NULL;
    run->fn = probe_runner;
    run->fn_arg = arg;
    run->tty = false;

    struct sandbox *sb;
    if (sandbox_start(run, &sb, err) < 0) {
        close(p[1]);
        return -1;
    }
    close(p[1]);
    unsigned int deadline = (unsigned int)n * (PROBE_TIMEOUT_S + 1) + 10;
    int rr = read_records(rfd, results, n, got, deadline, sandbox_pid(sb));
    int status = 0;
    if (sandbox_wait(sb, &status, err) < 0)
        return -1;
    if (rr < 0)
        return isolab_err_set(err, ETIME, "probes: the sandbox gave no answer within %u s",
                              deadline);
    for (size_t i = 0; i < n; i++)
        if (!got[i])
            probe_fail(&results[i], 0, "no result: the sandbox ended with status %d", status);
    return 0;
}

/* ---- attribution ---- */

void lab_config_only_layer(const struct lab_config *full, enum layer_id id,
                           struct lab_config *out)
{
    *out = *full;
    /* --privileged is expressed through the layers themselves here */
    out->privileged = false;
    if (full->privileged)
        out->caps = caps_all_known();
    for (int i = 0; i < LAYER_COUNT; i++)
        out->layer_on[i] = false;
    if ((unsigned)id < LAYER_COUNT)
        out->layer_on[id] = layer_in_force(full, id);
    if (id != LAYER_NS && geteuid() != 0) {
        /* rootless cannot run without a user namespace: keep just that */
        out->layer_on[LAYER_NS] = true;
        for (int k = 0; k < NS_COUNT; k++)
            out->ns[k] = k == NS_USER;
    }
    if ((unsigned)id >= LAYER_COUNT)
        return;
    if (id == LAYER_SECCOMP) {
        /* the filter compiled for the full configuration's capabilities:
         * seccomp alone must not quietly grant what CAP_SYS_ADMIN unlocks */
        out->seccomp_caps_fixed = true;
        out->seccomp_caps = lab_config_seccomp_caps(full);
    }
}

/* The one rule that turns the runs into a conclusion (DESIGN.md, "Probes and
 * attribution"), for probes_blame and the lab's partial attribution alike. */
void probe_blame_conclude(const struct lab_config *cfg, struct probe_blame *b)
{
    b->blocked_by = 0;
    b->combination = b->host_blocks = false;
    if (b->full.verdict != PROBE_BLOCKED)
        return;
    bool any_in_force = false, all_tried = true;
    for (int id = 0; id < LAYER_COUNT; id++) {
        if (!layer_in_force(cfg, id))
            continue;
        any_in_force = true;
        /* a layer alone that could not be run says nothing either way */
        bool tried = b->layer_tested[id] && (b->alone[id].verdict == PROBE_ALLOWED ||
                                             b->alone[id].verdict == PROBE_BLOCKED);
        all_tried = all_tried && tried;
        if (tried && b->alone[id].verdict == PROBE_BLOCKED)
            b->blocked_by |= 1u << id;
    }
    /* with no layer in force, the full run is the baseline: whatever blocks
     * it is the host; so is a probe blocked with every layer off */
    if (!any_in_force || b->baseline.verdict == PROBE_BLOCKED) {
        b->blocked_by = 0;
        b->host_blocks = true;
        return;
    }
    /* "only the combination" is known only when every layer was tried */
    b->combination = all_tried && b->blocked_by == 0;
}

int probes_blame(const struct lab_config *cfg, const int *sel, size_t nsel,
                 struct probe_blame *out, struct isolab_err *err)
{
    size_t n = sel ? nsel : probe_count;
    if (n == 0)
        return 0;
    _cleanup_free_ struct probe_result *res = calloc(n, sizeof *res);
    _cleanup_free_ struct lab_config *only = malloc(sizeof *only);
    if (!res || !only)
        return isolab_err_set(err, ENOMEM, "probes: out of memory");
    if (probes_run(cfg, sel, nsel, res, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].full = res[i];
    }
    for (int id = 0; id <= LAYER_COUNT; id++) {
        if (id < LAYER_COUNT && !layer_in_force(cfg, id))
            continue;
        lab_config_only_layer(cfg, (enum layer_id)id, only);   /* COUNT: baseline */
        struct isolab_err e2;
        isolab_err_clear(&e2);
        if (probes_run(only, sel, nsel, res, &e2) < 0) {
            for (size_t i = 0; i < n; i++)
                probe_fail(&res[i], e2.errnum, "%s: %s",
                           id < LAYER_COUNT ? layer_name(id) : "baseline", e2.msg);
        }
        for (size_t i = 0; i < n; i++) {
            if (id == LAYER_COUNT) {
                out[i].baseline = res[i];
                continue;
            }
            out[i].alone[id] = res[i];
            out[i].layer_tested[id] = true;
        }
    }
    for (size_t i = 0; i < n; i++)
        probe_blame_conclude(cfg, &out[i]);
    return 0;
}
