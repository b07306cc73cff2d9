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

/* One started run: its sandbox, the read end of its records, what came. */
struct probe_run {
    struct sandbox *sb;
    int rfd;
    size_t n;
    struct probe_result *results;
    bool *got;
    struct runner_arg *arg;
    struct probe_record rec;    /* a record being read */
    size_t have;
    bool eof;
    int rc;
    struct isolab_err err;
};

static void probe_run_free(struct probe_run *r)
{
    if (r->rfd >= 0)
        close(r->rfd);
    free(r->got);
    free(r->arg);
    free(r);
}

/* Read what is there; true once this run's records are over. */
static bool read_some(struct probe_run *r)
{
    for (;;) {
        ssize_t got = read(r->rfd, (char *)&r->rec + r->have, sizeof r->rec - r->have);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && errno == EAGAIN)
            return false;
        if (got <= 0)
            return true;               /* EOF: the runner is gone */
        r->have += (size_t)got;
        if (r->have < sizeof r->rec)
            continue;
        r->have = 0;
        if (r->rec.index < 0)
            return true;
        if ((size_t)r->rec.index < r->n) {
            r->results[r->rec.index] = r->rec.r;
            r->results[r->rec.index].detail[sizeof r->rec.r.detail - 1] = '\0';
            r->got[r->rec.index] = true;
        }
    }
}

static int probe_run_start(const struct lab_config *cfg, const int *sel, size_t nsel,
                           struct probe_result *results, struct probe_run **out,
                           struct isolab_err *err)
{
    size_t n = sel ? nsel : probe_count;
    *out = NULL;
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
    struct probe_run *r = calloc(1, sizeof *r);
    _cleanup_free_ struct lab_config *run = malloc(sizeof *run);
    if (!r || !run) {
        free(r);
        return isolab_err_set(err, ENOMEM, "probes: out of memory");
    }
    r->rfd = -1;
    r->n = n;
    r->results = results;
    r->got = calloc(n ? n : 1, sizeof *r->got);
    r->arg = calloc(1, sizeof *r->arg);
    int p[2];
    if (!r->got || !r->arg || pipe2(p, O_CLOEXEC) < 0) {
        int e = r->got && r->arg ? errno : ENOMEM;
        probe_run_free(r);
        return isolab_err_set(err, e, "probes: pipe: %s", strerror(e));
    }
    r->rfd = p[0];
    r->arg->out_fd = p[1];
    r->arg->sel = sel;
    r->arg->nsel = nsel;
    r->arg->timeout_s = PROBE_TIMEOUT_S;
    probe_env_init(&r->arg->env);
    *run = *cfg;
    run->argv = NULL;
    run->fn = probe_runner;
    run->fn_arg = r->arg;
    run->tty = false;
    if (sandbox_start(run, &r->sb, err) < 0) {
        close(p[1]);
        probe_run_free(r);
        return -1;
    }
    close(p[1]);
    fcntl(r->rfd, F_SETFL, O_NONBLOCK);
    *out = r;
    return 0;
}

/* End run r, whose records are over: wait for its sandbox. */
static void probe_run_end(struct probe_run *r)
{
    int status = 0;
    struct isolab_err werr;
    isolab_err_clear(&werr);
    if (sandbox_wait(r->sb, &status, &werr) < 0 && r->rc == 0) {
        r->rc = -1;
        r->err = werr;
    }
    r->sb = NULL;
    for (size_t j = 0; r->rc == 0 && j < r->n; j++)
        if (!r->got[j])
            probe_fail(&r->results[j], 0, "no result: the sandbox ended with status %d", status);
}

/* Collect the records of every run in runs (started by probe_run_start),
 * side by side, and end each as its records are over: then on_end(ud, i)
 * (if given) sees run i complete, its outcome in rc and err. */
static void probe_runs_finish(struct probe_run **runs, size_t k,
                              void (*on_end)(void *ud, size_t i), void *ud)
{
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t open = k;
    long most = 0;
    for (size_t i = 0; i < k; i++) {
        long lim = (long)runs[i]->n * (PROBE_TIMEOUT_S + 1) + 10;
        most = lim > most ? lim : most;
    }
    while (open) {
        struct pollfd pfd[PROBE_JOBS_PARALLEL];
        size_t map[PROBE_JOBS_PARALLEL], m = 0;
        for (size_t i = 0; i < k && m < PROBE_JOBS_PARALLEL; i++)
            if (!runs[i]->eof) {
                pfd[m] = (struct pollfd){.fd = runs[i]->rfd, .events = POLLIN};
                map[m++] = i;
            }
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
        bool late = ms >= most * 1000;
        if (!late && poll(pfd, m, 1000) <= 0)
            continue;
        for (size_t j = 0; j < m; j++) {
            struct probe_run *r = runs[map[j]];
            if (late) {              /* our own sandbox, stuck past every timeout */
                kill(sandbox_pid(r->sb), SIGKILL);
                r->rc = isolab_err_set(&r->err, ETIME, "probes: the sandbox gave no answer "
                                       "within %ld s", most);
            } else if (!pfd[j].revents || !read_some(r)) {
                continue;
            }
            r->eof = true;
            open--;
            probe_run_end(r);
            if (on_end)
                on_end(ud, map[j]);
        }
    }
}

int probes_run(const struct lab_config *cfg, const int *sel, size_t nsel,
               struct probe_result *results, struct isolab_err *err)
{
    struct probe_run *r;
    if ((sel ? nsel : probe_count) == 0)
        return 0;
    if (probe_run_start(cfg, sel, nsel, results, &r, err) < 0)
        return -1;
    probe_runs_finish(&r, 1, NULL, NULL);
    int rc = r->rc;
    if (rc < 0)
        *err = r->err;
    probe_run_free(r);
    return rc;
}

/* A job's results are final: its failure, if any, on each of its probes,
 * then its done callback. */
static void job_end(struct probe_job *j, int rc, const struct isolab_err *e)
{
    if (rc < 0) {
        for (size_t p = 0; p < j->n; p++)
            probe_fail(&j->res[p], e->errnum, "%s: %s", j->what, e->msg);
        j->rc = -1;
        j->err = *e;
    }
    if (j->done)
        j->done(j, j->ud);
}

static void job_run_here(struct probe_job *j)
{
    struct isolab_err e;
    isolab_err_clear(&e);
    int rc = probes_run(&j->cfg, j->sel, j->n, j->res, &e);
    job_end(j, rc, &e);
}

/* ---- side by side: one worker process per core ----
 *
 * Each worker is forked before any of the sandboxes, and starts its own one
 * after the other. Two sandboxes started by one process would not do: the
 * second would inherit what the engine holds for the first (its cgroup
 * lock, its pipes; the probe runner keeps the engine's O_CLOEXEC fds), and
 * escape-fd-leak would see a host file. */

struct job_msg {
    int32_t job;
    int32_t rc;
    struct isolab_err err;
    uint32_t n;
};

static int read_full(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static _Noreturn void worker_main(struct probe_job *jobs, size_t n, size_t w, size_t nw, int fd)
{
    for (size_t i = w; i < n; i += nw) {
        struct job_msg m;
        memset(&m, 0, sizeof m);
        m.job = (int32_t)i;
        m.n = (uint32_t)jobs[i].n;
        m.rc = probes_run(&jobs[i].cfg, jobs[i].sel, jobs[i].n, jobs[i].res, &m.err);
        if (write_all(fd, &m, sizeof m) < 0 ||
            write_all(fd, jobs[i].res, jobs[i].n * sizeof *jobs[i].res) < 0)
            _exit(1);
    }
    _exit(0);
}

/* A job from a worker: its results, then job_end; -1 at the worker's end. */
static int take_job_msg(int fd, struct probe_job *jobs, size_t n)
{
    struct job_msg m;
    if (read_full(fd, &m, sizeof m) < 0 || m.job < 0 || (size_t)m.job >= n ||
        m.n != jobs[m.job].n)
        return -1;
    struct probe_job *j = &jobs[m.job];
    if (read_full(fd, j->res, j->n * sizeof *j->res) < 0)
        return -1;
    for (size_t k = 0; k < j->n; k++)
        j->res[k].detail[sizeof j->res[k].detail - 1] = '\0';
    j->started = true;
    job_end(j, m.rc, &m.err);
    return 0;
}

/* Jobs [0, n) on nw workers; a job no worker reported fails. */
static void jobs_on_workers(struct probe_job *jobs, size_t n, size_t nw)
{
    int fds[PROBE_JOBS_PARALLEL];
    pid_t pids[PROBE_JOBS_PARALLEL];
    size_t started = 0;
    fflush(NULL);       /* nothing buffered printed twice */
    for (size_t w = 0; w < nw; w++) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
            break;
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            for (size_t o = 0; o < started; o++)
                close(fds[o]);
            worker_main(jobs, n, w, nw, p[1]);
        }
        close(p[1]);
        if (pid < 0) {
            close(p[0]);
            break;
        }
        fds[started] = p[0];
        pids[started++] = pid;
    }
    size_t open = started;
    bool done[PROBE_JOBS_PARALLEL] = {false};
    while (open) {
        struct pollfd pfd[PROBE_JOBS_PARALLEL];
        for (size_t w = 0; w < started; w++)
            pfd[w] = (struct pollfd){.fd = done[w] ? -1 : fds[w], .events = POLLIN};
        if (poll(pfd, started, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (size_t w = 0; w < started; w++)
            if (!done[w] && pfd[w].revents && take_job_msg(fds[w], jobs, n) < 0) {
                done[w] = true;
                open--;
            }
    }
    for (size_t w = 0; w < started; w++) {
        close(fds[w]);
        while (waitpid(pids[w], NULL, 0) < 0 && errno == EINTR)
            ;
    }
    for (size_t i = 0; i < n; i++)      /* a worker that could not start or died */
        if (!jobs[i].started) {
            if (started < nw && i % nw >= started) {
                job_run_here(&jobs[i]);
                continue;
            }
            struct isolab_err e;
            isolab_err_clear(&e);
            isolab_err_set(&e, ECHILD, "probes: the worker running this sandbox ended early");
            job_end(&jobs[i], -1, &e);
        }
}

/* The jobs, up to PROBE_JOBS_PARALLEL side by side (probe_int.h); the
 * exclusive ones after the rest, each alone. */
void probe_jobs_run(struct probe_job *jobs, size_t n)
{
    size_t shared = 0;
    while (shared < n && !jobs[shared].exclusive)
        shared++;
    if (shared > 1)
        jobs_on_workers(jobs, shared, shared < PROBE_JOBS_PARALLEL ? shared : PROBE_JOBS_PARALLEL);
    else if (shared == 1)
        job_run_here(&jobs[0]);
    for (size_t i = shared; i < n; i++)
        job_run_here(&jobs[i]);
}
