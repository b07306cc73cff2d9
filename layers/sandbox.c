/* The launcher: validate every layer, prepare them in the parent, clone the
 * child into its namespaces (and cgroup), write the id maps, release the
 * child, which then applies the layers in the documented order:
 *
 *   1 mount namespace and root filesystem   (namespaces)
 *   2 hostname                              (namespaces)
 *   2b console: setsid; a new pty from the sandbox's own devpts, its master
 *     sent to isolab, its slave on fds 0/1/2 and the controlling terminal
 *     of the command's session; without a pty, terminal fds among 0/1/2
 *     become pipes (live/pty.c). Before LSM and seccomp, as runc's console.
 *     With a pid namespace the init forks the command here, which takes
 *     the terminal (setsid, TIOCSCTTY) before any filter; from here on
 *     both apply steps 3-7 to themselves: one Landlock ruleset, its rules
 *     added once before the fork; the init's seccomp filter is its own
 *     allowlist of what it does (seccomp_init.c), and it keeps only
 *     CAP_KILL (caps.c). (Under a live supervisor,
 *     which takes the listener from the first process, the init forks
 *     after step 7, under the profile's filter.)
 *   3 LSM: AppArmor change_onexec or Landlock
 *   4 no_new_privs when asked
 *   5 seccomp, when no_new_privs is off (loading needs CAP_SYS_ADMIN,
 *     which is still held here)
 *   6 capabilities, optional uid/gid change
 *   7 seccomp, when no_new_privs is on: the last step before execve
 *   8 execve (or the probe runner function)
 *
 * A child-side failure travels back over a CLOEXEC pipe as (step, errno,
 * message, hint), and first into a shared page (sandbox_exit.c), which
 * needs no syscall under a filter that denies write(); the child never
 * prints to the learner's terminal. The parent explains a failed start
 * and the command's end with exit_why.c (include/exit_why.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "layer.h"
#include "live.h"
#include "sandbox_int.h"

const struct layer_ops *const layer_table[LAYER_COUNT] = {
    [LAYER_SECCOMP] = &seccomp_layer, [LAYER_LSM] = &lsm_layer,
    [LAYER_CGROUP] = &cgroup_layer, [LAYER_CAPS] = &caps_layer, [LAYER_NS] = &ns_layer,
};

/* Parent-side order: the cgroup exists before the clone that goes into it. */
static const enum layer_id prepare_order[LAYER_COUNT] = {
    LAYER_CGROUP, LAYER_LSM, LAYER_SECCOMP, LAYER_CAPS, LAYER_NS,
};

struct sandbox {
    struct lab_config cfg;
    struct sandbox_ctx ctx;
    int sync_fd;         /* write end of the release pipe, -1 once released */
    int err_fd;          /* read end of the report pipe, -1 once read */
    bool prepared[LAYER_COUNT];
    bool waited;         /* the child was reaped (or is gone): never kill its pid */
    struct child_shared *shared;   /* the child's report page (sandbox_int.h) */
    int wait_flags;      /* __WALL: the child may have no exit signal */
};

const char *child_step_name(enum child_step s)
{
    static const char *const names[] = {
        "start", "mount namespace", "hostname", "LSM", "no_new_privs",
        "seccomp", "capabilities", "seccomp", "execve", "console",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

bool layer_available(enum layer_id id, char *why, size_t n)
{
    if (why && n)
        why[0] = '\0';
    if ((unsigned)id >= LAYER_COUNT || !layer_table[id]->available)
        return true;
    return layer_table[id]->available(why, n);
}

void layer_describe(const struct lab_config *cfg, enum layer_id id, char *buf, size_t n)
{
    if (!layer_in_force(cfg, id)) {
        if (id == LAYER_SECCOMP)
            snprintf(buf, n, "seccomp unconfined%s", cfg->privileged ? " (--privileged)" : "");
        else if (id == LAYER_LSM)
            snprintf(buf, n, "lsm unconfined%s", cfg->privileged ? " (--privileged)" : "");
        else if (id == LAYER_NS)
            snprintf(buf, n, "ns off: the host's namespaces and files");
        else if (id == LAYER_CAPS)
            snprintf(buf, n, "caps off: every capability of the caller");
        else if (id == LAYER_CGROUP)
            snprintf(buf, n, "cgroups off: no limits and no device rules (any device node "
                     "the sandbox makes opens)");
        else
            snprintf(buf, n, "%s off", layer_name(id));
        return;
    }
    layer_table[id]->describe(cfg, buf, n);
}

void sandbox_ctx_init(struct sandbox_ctx *ctx, const struct lab_config *cfg)
{
    memset(ctx, 0, sizeof *ctx);
    live_io_init(&ctx->live);   /* its fds -1: closing a ctx never closes stdin */
    ctx->rules.ready[0] = ctx->rules.ready[1] = ctx->rules.done[0] = ctx->rules.done[1] = -1;
    ctx->rules.n_ttys = -1;
    ctx->clone_cgroup_fd = -1;
    ctx->cgroup_lock_fd = -1;
    ctx->child = -1;
    /* An ordinary user gets a user namespace, whatever the config says:
     * the other namespaces need one (DESIGN.md, "Privileges"). */
    ctx->userns = layer_in_force(cfg, LAYER_NS) && (cfg->ns[NS_USER] || geteuid() != 0);
    for (size_t i = 0; i < sizeof cfg->keep_fds / sizeof cfg->keep_fds[0]; i++)
        if (cfg->keep_fds[i] > 2)
            sandbox_ctx_keep_fd(ctx, cfg->keep_fds[i]);
}

int layer_prepare(const struct layer_ops *ops, const struct lab_config *cfg,
                  struct sandbox_ctx *ctx, struct isolab_err *err)
{
    if (ops->priv_size && !ctx->priv[ops->id]) {
        ctx->priv[ops->id] = calloc(1, ops->priv_size);
        if (!ctx->priv[ops->id])
            return isolab_err_set(err, ENOMEM, "%s: out of memory for the layer's state "
                                  "(%zu bytes)", ops->name, ops->priv_size);
    }
    return ops->prepare ? ops->prepare(cfg, ctx, err) : 0;
}

void layer_cleanup(const struct layer_ops *ops, const struct lab_config *cfg,
                   struct sandbox_ctx *ctx)
{
    if (ops->cleanup)
        ops->cleanup(cfg, ctx);
    free(ctx->priv[ops->id]);
    ctx->priv[ops->id] = NULL;
}

/* The config as it is applied: --privileged means every capability. */
static void effective_config(const struct lab_config *in, struct lab_config *out)
{
    *out = *in;
    if (out->privileged)
        out->caps = caps_all_known();
    /* A layer that cannot work here and has nothing to enforce (no cgroup
     * limit as an ordinary user on v1) is left out rather than refused. */
    lab_config_fit_host(out, NULL, 0);
}

/* The checks of lab_config_validate, on a config already effective. */
static int validate_effective(const struct lab_config *eff, struct isolab_err *err)
{
    if (!eff->layer_on[LAYER_NS] && geteuid() != 0) {
        isolab_err_set(err, EPERM, "namespaces: running as an ordinary user needs the "
                       "namespaces layer (a user namespace)");
        isolab_err_hint(err, "switch namespaces on, or run isolab as root");
        return -1;
    }
    for (int id = 0; id < LAYER_COUNT; id++) {
        if (!layer_in_force(eff, id))
            continue;
        char why[256] = "";
        if (layer_table[id]->available && !layer_table[id]->available(why, sizeof why)) {
            isolab_err_set(err, ENOTSUP, "%s: not available here: %s", layer_name(id), why);
            isolab_err_hint(err, "switch the %s layer off to run without it", layer_name(id));
            return -1;
        }
        if (layer_table[id]->validate && layer_table[id]->validate(eff, err) < 0)
            return -1;
    }
    return 0;
}

int lab_config_validate(const struct lab_config *cfg, struct isolab_err *err)
{
    struct lab_config eff;
    effective_config(cfg, &eff);
    return validate_effective(&eff, err);
}

/* The one unwind path, for every failure and for the end of a sandbox: a
 * child still held at the start is let go (it reads EOF and exits) and
 * killed, then every prepared layer is cleaned up in reverse order. */
static void free_sandbox(struct sandbox *sb)
{
    if (!sb)
        return;
    sandbox_unpin(&sb->ctx);    /* a start that failed before the report */
    if (sb->sync_fd >= 0)
        close(sb->sync_fd);
    if (sb->ctx.child > 0 && !sb->waited) {
        kill(sb->ctx.child, SIGKILL);
        waitpid(sb->ctx.child, NULL, __WALL);
    }
    for (int i = LAYER_COUNT - 1; i >= 0; i--) {
        enum layer_id id = prepare_order[i];
        if (sb->prepared[id])
            layer_cleanup(layer_table[id], &sb->cfg, &sb->ctx);
        sb->prepared[id] = false;
    }
    live_close(&sb->ctx.live);
    sandbox_rules_close(&sb->ctx);
    if (sb->err_fd >= 0)
        close(sb->err_fd);
    child_shared_free(sb->shared);
    free(sb);
}

static void free_sandboxp(struct sandbox **sb)
{
    int e = errno;
    free_sandbox(*sb);
    errno = e;
}
#define _cleanup_sandbox_ __attribute__((cleanup(free_sandboxp)))

/* The report page (child side): the command's progress and report, or the
 * pid-namespace init's report when it fails first. */
static struct child_shared *child_page;

static _Noreturn void child_fail_kind(int fd, enum child_step step, const struct isolab_err *e,
                                      int exec_kind)
{
    struct child_report r;
    memset(&r, 0, sizeof r);
    r.step = step;
    r.errnum = e->errnum;
    r.exec_kind = exec_kind;
    snprintf(r.msg, sizeof r.msg, "%s", e->msg);
    snprintf(r.hint, sizeof r.hint, "%s", e->hint);
    /* first the page: the filter may deny write(), even exit_group */
    child_shared_report(child_page, &r);
    ssize_t n = write(fd, &r, sizeof r);
    (void)n;
    _exit(127);
}

static _Noreturn void child_fail(int fd, enum child_step step, const struct isolab_err *e)
{
    child_fail_kind(fd, step, e, EXEC_KIND_UNKNOWN);
}

static int run_step(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                    enum layer_id id, enum child_step step, struct isolab_err *err)
{
    if (!layer_in_force(cfg, id) || !layer_table[id]->enter)
        return 0;
    return layer_table[id]->enter(cfg, ctx, step, err);
}

/* Step 8. Returns only to report, at the step, why the command did not start. */
static _Noreturn void exec_command(int err_fd, char *const *argv, char *const *envp)
{
    child_shared_progress(child_page, STEP_EXEC);
    if (child_page)
        __atomic_store_n(&child_page->exec_reached, 1, __ATOMIC_RELEASE);
    execvpe(argv[0], argv, envp);
    int e = errno;
    struct isolab_err r;
    isolab_err_set(&r, e, "execve %s: %s", argv[0], strerror(e));
    int kind = exec_diagnose(argv[0], e, r.msg, sizeof r.msg);
    if (e == ENOENT)
        isolab_err_hint(&r, "the command must exist inside the sandbox's root filesystem");
    else if (e == EPERM)
        isolab_err_hint(&r, "the seccomp profile or the LSM may deny execve");
    child_fail_kind(err_fd, STEP_EXEC, &r, kind);
}

/* pid 1 of a pid namespace: start the command, reap every zombie, pass on
 * the signals that ask it to stop, and exit with the command's status. */
static volatile pid_t init_child = -1;
/* ^C and ^\ from the terminal reach every process of the foreground group
 * by themselves (the kernel sends them: SI_KERNEL); the same signals sent by
 * a process (kill, isolab's proxy) are passed on, as docker run's
 * sig-proxy does. */
static bool from_terminal(int sig, const siginfo_t *si)
{
    return (sig == SIGINT || sig == SIGQUIT) && si && si->si_code == SI_KERNEL;
}

static void init_forward(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (init_child > 0 && !from_terminal(sig, si))
        kill(init_child, sig);
}

/* With a pid namespace the init forks the command at the console step, so
 * that the command takes its terminal (setsid, TIOCSCTTY) before the LSM,
 * seccomp and capability steps, which a profile denying setsid or ioctl
 * would otherwise break; from there both apply steps 3-7 to themselves,
 * the init with its own seccomp allowlist and no listener (seccomp.c).
 * Returns 0 in the command, its pid in the init. */
static pid_t fork_command(struct sandbox_ctx *ctx, int err_fd, int sp[2])
{
    struct isolab_err e;
    pid_t pid = fork();
    if (pid < 0) {
        isolab_err_set(&e, errno, "console: fork of the command under the sandbox's init: %s",
                       strerror(errno));
        child_fail(err_fd, STEP_CONSOLE, &e);
    }
    if (pid == 0) {
        close(sp[0]);       /* sp[1] goes with the execve */
        if (live_child_become_leader(&ctx->live, &e) < 0)
            child_fail(err_fd, STEP_CONSOLE, &e);
        return 0;
    }
    close(steal_fd(&sp[1]));
    ctx->init_copy = true;
    /* The init never execs: its /proc/1/exe is isolab's binary on the host.
     * Non-dumpable, it is reachable only with CAP_SYS_PTRACE (in the host's
     * user namespace), so `isolab run` may go without the sealed copy
     * (isolab_sealed_needed). Now, before any filter, and before the caps
     * step makes the init's capabilities equal the command's. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    return pid;
}

static _Noreturn void run_as_init(const struct lab_config *cfg, const struct sandbox_ctx *ctx,
                                  int err_fd, pid_t pid, int started_fd, bool confined)
{
    /* Confined already, the init has nothing left to report: its copy of
     * the report pipe goes now, so that the parent hears the command's
     * execve (EOF) from the command alone, not after the init wakes too. */
    if (confined)
        close(steal_fd(&err_fd));
    child_shared_wait_command(child_page, started_fd);
    close(started_fd);
    struct isolab_err e;
    isolab_err_clear(&e);
    if (!confined && lsm_confine_init(cfg, ctx, &e) < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        child_fail(err_fd, STEP_LSM, &e);
    }
    if (err_fd >= 0)
        close(err_fd);
    /* init never execs: what it holds stays reachable as /proc/1/fd/N. */
    sandbox_guard_fds(ctx, FD_GUARD_CLOSE_ALL);
    init_child = pid;
    struct sigaction sa = {.sa_sigaction = init_forward, .sa_flags = SA_SIGINFO};
    sigemptyset(&sa.sa_mask);
    /* The init is in no terminal's session: keyboard signals reach the
     * command from its own pty; SIGINT/SIGQUIT here come from isolab. */
    int fwd[] = {SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGCONT, SIGINT, SIGQUIT};
    for (size_t i = 0; i < sizeof fwd / sizeof fwd[0]; i++)
        sigaction(fwd[i], &sa, NULL);
    for (;;) {
        int st;
        pid_t w = waitpid(-1, &st, 0);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            _exit(127);
        if (w == pid) {
            if (WIFEXITED(st))
                _exit(WEXITSTATUS(st));
            _exit(128 + WTERMSIG(st));
        }
    }
}

/* Step 2b, the console (live/pty.c); with a pid namespace the init forks
 * the command here, Landlock's rules made first for both. Under a live
 * supervisor the listener is taken from the sandbox's first process
 * (pidfd_getfd), so there the init loads the one filter and forks after
 * step 7 instead. Returns the command's pid in the init, else 0. */
static pid_t child_console(const struct lab_config *cfg, struct sandbox_ctx *ctx, int err_fd,
                           bool pid_init, int started[2], int confined[2])
{
    struct isolab_err e;
    isolab_err_clear(&e);
    if (sandbox_rules_heard(ctx)) {
        ctx->live.ttys = ctx->rules.ttys;
        ctx->live.n_ttys = ctx->rules.n_ttys;
    }
    if (live_child_console(cfg, &ctx->live, !pid_init, &e) < 0)
        child_fail(err_fd, STEP_CONSOLE, &e);
    if (!pid_init)
        return 0;
    if (pipe2(started, O_CLOEXEC) < 0 || (!cfg->live && pipe2(confined, O_CLOEXEC) < 0)) {
        isolab_err_set(&e, errno, "console: the init's pipe: %s", strerror(errno));
        child_fail(err_fd, STEP_CONSOLE, &e);
    }
    if (cfg->live)
        return 0;
    if (lsm_child_prebuild(cfg, ctx, &e) < 0)
        child_fail(err_fd, STEP_LSM, &e);
    pid_t command = fork_command(ctx, err_fd, started);
    close(steal_fd(&confined[command > 0 ? 0 : 1]));
    return command;
}

/* Step 4. The command first waits for the init to be held by all its steps
 * (EOF on *confined), while no filter of its own can refuse the read. */
static void child_nnp(const struct lab_config *cfg, int err_fd, int *confined)
{
    if (*confined >= 0) {
        char c;
        while (read(*confined, &c, 1) < 0 && errno == EINTR)
            ;
        close(steal_fd(confined));
    }
    struct isolab_err e;
    if (cfg->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        isolab_err_set(&e, errno, "no_new_privs: %s", strerror(errno));
        child_fail(err_fd, STEP_NNP, &e);
    }
}

static _Noreturn void child_main(struct sandbox *sb, int sync_fd, int err_fd)
{
    const struct lab_config *cfg = &sb->cfg;
    struct sandbox_ctx *ctx = &sb->ctx;
    struct isolab_err e;
    isolab_err_clear(&e);
    child_page = sb->shared;
    /* SIGCHLD too: a caller that ignores it would hand that on to the init
     * (whose wait would fail) and through execve to the command. */
    sandbox_reset_signals();
    /* Die with isolab, even when it is SIGKILLed. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char c;
    /* Without a release to wait for (the pipe is non-blocking then), a
     * parent that died before the PDEATHSIG above shows as EOF. (A read,
     * not a poll: the probe runner's calls are probe_common_syscalls.) */
    if (ctx->release_wait ? read(sync_fd, &c, 1) != 1
                          : !(read(sync_fd, &c, 1) < 0 && errno == EAGAIN))
        _exit(127);     /* the parent is gone or gave up on us */
    close(sync_fd);
    /* Into its cgroups first, before anything else runs (cgroup v1: the
     * child joins them itself, cgroup/cgroup_v1.c; in force or not) */
    if (cgroup_child_join(ctx, &e) < 0)
        child_fail(err_fd, STEP_SYNC, &e);

    static const struct {
        enum layer_id layer;
        enum child_step step;
    } steps[] = {
        {LAYER_NS, STEP_MOUNT}, {LAYER_NS, STEP_HOSTNAME}, {LAYER_COUNT, STEP_CONSOLE},
        {LAYER_LSM, STEP_LSM},
        {LAYER_SECCOMP, STEP_NNP}, {LAYER_SECCOMP, STEP_SECCOMP_EARLY},
        {LAYER_CAPS, STEP_CAPS}, {LAYER_SECCOMP, STEP_SECCOMP_LATE},
    };
    bool pid_init = layer_in_force(cfg, LAYER_NS) && cfg->ns[NS_PID] && !cfg->fn;
    pid_t command = 0;
    int started[2] = {-1, -1};  /* the init hears the command's execve (sandbox_int.h) */
    /* The command hears that the init is confined (EOF), before its own
     * filter: no line of the learner's runs beside an init not yet held
     * by its own steps (a ptrace into it in that moment would have met
     * none of them). */
    int confined[2] = {-1, -1};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        child_shared_progress(child_page, steps[i].step);
        if (steps[i].step == STEP_CONSOLE) {
            command = child_console(cfg, ctx, err_fd, pid_init, started, confined);
            continue;
        }
        if (steps[i].step == STEP_NNP) {
            sandbox_unpin(ctx);     /* before any filter of its own */
            child_nnp(cfg, err_fd, &confined[0]);
            continue;
        }
        if (run_step(cfg, ctx, steps[i].layer, steps[i].step, &e) < 0)
            child_fail(err_fd, steps[i].step, &e);
        /* The init (it forked the command at the console step) confines
         * itself here, before its filter (AppArmor's attr write). */
        if (steps[i].step == STEP_LSM && command > 0 && lsm_confine_init(cfg, ctx, &e) < 0) {
            kill(command, SIGKILL);
            waitpid(command, NULL, 0);
            child_fail(err_fd, STEP_LSM, &e);
        }
    }

    /* The cgroup directory the child was cloned into is the host's
     * cgroupfs: an fd to it is a way out of the new root. */
    cleanup_closep(&ctx->clone_cgroup_fd);
    cleanup_closep(&ctx->cgroup_lock_fd);
    ctx->clone_cgroup_fd = ctx->cgroup_lock_fd = -1;
    if (confined[1] >= 0)
        close(steal_fd(&confined[1]));     /* the init: held by all its steps */
    if (pid_init && cfg->live)
        command = fork_command(ctx, err_fd, started);
    if (command > 0)
        run_as_init(cfg, ctx, err_fd, command, started[0], !cfg->live);
    if (cfg->fn) {
        close(err_fd);
        sandbox_guard_fds(ctx, FD_GUARD_INHERITED);
        _exit(cfg->fn(cfg->fn_arg));
    }
    sandbox_guard_fds(ctx, FD_GUARD_CLOEXEC);

    char *shell_argv[3] = {NULL, NULL, NULL};
    char *const *argv = cfg->argv;
    if (!argv || !argv[0]) {
        const char *sh = getenv("SHELL");
        if (!sh || access(sh, X_OK) != 0)
            sh = access("/bin/bash", X_OK) == 0 ? "/bin/bash" : "/bin/sh";
        shell_argv[0] = (char *)sh;
        argv = shell_argv;
    }
    extern char **environ;
    char *const *envp = cfg->envp ? cfg->envp : environ;
    exec_command(err_fd, argv, envp);
}

static pid_t clone_child(const struct sandbox *sb, unsigned long flags)
{
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = flags;
    /* A caller that ignores SIGCHLD would have the kernel reap the child
     * and lose its status: then no exit signal, and waits with __WALL. */
    int exit_signal = sb->wait_flags ? 0 : SIGCHLD;
    args.exit_signal = (uint64_t)exit_signal;
    if (sb->ctx.clone_cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)sb->ctx.clone_cgroup_fd;
    }
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0 && errno == ENOSYS && !(flags & CLONE_NEWTIME) && sb->ctx.clone_cgroup_fd < 0)
        pid = syscall(SYS_clone, flags | (unsigned long)exit_signal, NULL, NULL, NULL, NULL);
    return (pid_t)pid;
}

/* With neither a pid namespace nor the cgroup layer, only a cgroup finds
 * every descendant (a daemon that left with setsid and a double fork): the
 * cgroup layer then makes one with no limits and no device rules, which its
 * cleanup empties. A machine where no cgroup can be made runs without. */
static int prepare_accounting(struct sandbox *sb)
{
    if (!cgroup_accounting_wanted(&sb->cfg))
        return 0;
    struct isolab_err ignored;
    isolab_err_clear(&ignored);
    sb->prepared[LAYER_CGROUP] = true;
    if (layer_prepare(&cgroup_layer, &sb->cfg, &sb->ctx, &ignored) < 0) {
        layer_cleanup(&cgroup_layer, &sb->cfg, &sb->ctx);
        sb->prepared[LAYER_CGROUP] = false;
    }
    return 0;
}

/* Prepare: the parent side of every layer in force, cgroup first (the
 * child is cloned into it). A failed prepare() is still cleaned up. */
static int sandbox_prepare(struct sandbox *sb, struct isolab_err *err)
{
    if (prepare_accounting(sb) < 0)
        return -1;
    for (int i = 0; i < LAYER_COUNT; i++) {
        enum layer_id id = prepare_order[i];
        if (!layer_in_force(&sb->cfg, id))
            continue;
        sb->prepared[id] = true;
        if (layer_prepare(layer_table[id], &sb->cfg, &sb->ctx, err) < 0)
            return -1;
    }
    return 0;
}

static unsigned long clone_flags(const struct sandbox *sb)
{
    unsigned long flags = 0;
    if (layer_in_force(&sb->cfg, LAYER_NS))
        for (int k = 0; k < NS_COUNT; k++)
            if (sb->cfg.ns[k])
                flags |= (unsigned long)ns_clone_flag(k);
    if (sb->ctx.userns)
        flags |= CLONE_NEWUSER;
    return flags;
}

/* Must the child wait for the parent after the clone? For the id maps of
 * a user namespace, the host pid a seccomp listener or live supervisor
 * needs, a cgroup the parent moves it into. Else the wake-up is saved. */
static bool release_needed(const struct sandbox *sb)
{
    unsigned int flags = 0;
    seccomp_prepared_filter(&sb->ctx, &flags);
    return sb->ctx.userns || sb->cfg.live || (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) ||
           cgroup_moves_child(&sb->ctx);
}

/* Spawn: clone the child into its namespaces (and cgroup), where it waits
 * on the release pipe, if it must. The parent keeps the pipes' other ends
 * in sb. */
static int sandbox_spawn(struct sandbox *sb, struct isolab_err *err)
{
    int syncp[2], errp[2];
    sb->ctx.release_wait = release_needed(sb);
    /* Without a release the child only looks (read: EAGAIN, or 0 when the
     * parent is gone), so the pipe does not block. */
    if (pipe2(syncp, O_CLOEXEC | (sb->ctx.release_wait ? 0 : O_NONBLOCK)) < 0)
        return isolab_err_set(err, errno, "launcher: the release pipe: %s", strerror(errno));
    _cleanup_close_ int sync_r = syncp[0];
    sb->sync_fd = syncp[1];
    if (pipe2(errp, O_CLOEXEC) < 0)
        return isolab_err_set(err, errno, "launcher: the report pipe: %s", strerror(errno));
    _cleanup_close_ int err_w = errp[1];
    sb->err_fd = errp[0];
    fflush(NULL);
    sandbox_pin_start(&sb->ctx);
    sandbox_rules_open(&sb->cfg, &sb->ctx);
    pid_t pid = clone_child(sb, clone_flags(sb));
    if (pid == 0) {
        close(sb->sync_fd);
        close(sb->err_fd);
        sandbox_rules_forget(&sb->ctx, true);
        child_main(sb, sync_r, err_w);
    }
    live_parent_forget_child_ends(&sb->ctx.live);
    sandbox_rules_forget(&sb->ctx, false);
    if (pid < 0) {
        int e = errno;
        if (e == EINVAL && layer_in_force(&sb->cfg, LAYER_NS) && ns_explain_clone(&sb->cfg, err) < 0)
            return -1;
        isolab_err_set(err, e, "namespaces: clone: %s", strerror(e));
        if (e == EPERM || e == EINVAL)
            isolab_err_hint(err, "this kernel or user may not create some of these namespaces; "
                            "try switching them off one by one with --no-ns");
        return -1;
    }
    sb->ctx.child = pid;
    return 0;
}

/* The child died during its setup without a report (a KILL rule on one of
 * isolab's own calls, a crash): at which step, and how. */
static int setup_died(struct sandbox *sb, struct isolab_err *err)
{
    int step = __atomic_load_n(&sb->shared->progress, __ATOMIC_ACQUIRE);
    int st = 0;
    pid_t w;
    do
        w = waitpid(sb->ctx.child, &st, __WALL);
    while (w < 0 && errno == EINTR);
    sb->waited = true;
    int status = w < 0 ? 127 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    struct child_report r;
    memset(&r, 0, sizeof r);
    r.step = step;
    int sig = status > 128 ? status - 128 : 0;
    if (sig)
        snprintf(r.msg, sizeof r.msg, "the sandbox's process was killed by SIG%s at this step, "
                 "before the command started", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    else
        snprintf(r.msg, sizeof r.msg, "the sandbox's process ended (status %d) at this step, "
                 "before the command started", status);
    isolab_err_set(err, 0, "step %d (%s): %s", step, child_step_name(step), r.msg);
    sandbox_explain_start(&sb->cfg, &r, true, status, err);
    return -1;
}

/* EOF on the report pipe: the command was exec'd (or the function started),
 * unless the page says the child died first. A report: the child failed at
 * its step, which the message names. */
static int read_child_report(struct sandbox *sb, struct isolab_err *err)
{
    struct child_report r;
    ssize_t n;
    do
        n = read(sb->err_fd, &r, sizeof r);
    while (n < 0 && errno == EINTR);
    close(steal_fd(&sb->err_fd));
    if (n != (ssize_t)sizeof r && child_shared_take(sb->shared, &r))
        n = (ssize_t)sizeof r;
    if (n != (ssize_t)sizeof r) {
        if (sb->shared && !sb->cfg.fn &&
            !__atomic_load_n(&sb->shared->exec_reached, __ATOMIC_ACQUIRE))
            return setup_died(sb, err);
        if (sb->cfg.exit_out) {
            memset(sb->cfg.exit_out, 0, sizeof *sb->cfg.exit_out);
            sb->cfg.exit_out->started = true;
            sb->cfg.exit_out->oom_kills = -1;
        }
        return 0;
    }
    r.msg[sizeof r.msg - 1] = r.hint[sizeof r.hint - 1] = '\0';
    isolab_err_set(err, r.errnum, "step %d (%s): %s", r.step, child_step_name(r.step), r.msg);
    if (r.hint[0])
        isolab_err_hint(err, "%s", r.hint);
    sandbox_explain_start(&sb->cfg, &r, false, 0, err);
    return -1;
}

/* Release: the parent's steps after clone (cgroup v1 attach, the seccomp
 * listener's pid, the id maps), then let the child go and hear how it went. */
static int sandbox_release(struct sandbox *sb, struct isolab_err *err)
{
    for (int i = 0; i < LAYER_COUNT; i++) {
        enum layer_id id = prepare_order[i];
        if (sb->prepared[id] && layer_table[id]->attach &&
            layer_table[id]->attach(&sb->cfg, &sb->ctx, sb->ctx.child, err) < 0)
            return -1;
    }
    if (sb->ctx.userns && ns_write_id_maps(&sb->cfg, sb->ctx.child, err) < 0)
        return -1;
    if (sb->ctx.release_wait && write(sb->sync_fd, "g", 1) != 1)
        return isolab_err_set(err, errno, "launcher: releasing the sandbox: %s", strerror(errno));
    /* Without a release, the child reads a hung-up pipe as "the parent
     * died before it could set PDEATHSIG": closed once it has reported. */
    if (sb->ctx.release_wait)
        close(steal_fd(&sb->sync_fd));
    sandbox_rules_parent(&sb->cfg, &sb->ctx, sb->err_fd);
    int rc = read_child_report(sb, err);
    sandbox_unpin(&sb->ctx);
    if (sb->sync_fd >= 0)
        close(steal_fd(&sb->sync_fd));
    return rc;
}

int sandbox_start(const struct lab_config *cfg_in, struct sandbox **out,
                  struct isolab_err *err)
{
    *out = NULL;
    seccomp_new_start();
    /* Validated as it will be applied: one copy of the config, not two. */
    _cleanup_sandbox_ struct sandbox *sb = calloc(1, sizeof *sb);
    if (!sb)
        return isolab_err_set(err, ENOMEM, "launcher: out of memory");
    sb->sync_fd = sb->err_fd = -1;
    effective_config(cfg_in, &sb->cfg);
    sandbox_ctx_init(&sb->ctx, &sb->cfg);   /* before any return: free_sandbox reads it */
    if (validate_effective(&sb->cfg, err) < 0)
        return -1;
    sb->shared = child_shared_new();
    sb->wait_flags = sandbox_sigchld_ignored() ? __WALL : 0;
    if (live_prepare(&sb->cfg, &sb->ctx.live, err) < 0 || sandbox_prepare(sb, err) < 0 ||
        sandbox_spawn(sb, err) < 0 || sandbox_release(sb, err) < 0 ||
        live_receive_master(&sb->ctx.live, err) < 0)
        return -1;
    *out = steal_pointer(&sb);
    return 0;
}

struct live_io *sandbox_live_io(struct sandbox *sb)
{
    return &sb->ctx.live;
}

pid_t sandbox_pid(const struct sandbox *sb)
{
    return sb ? sb->ctx.child : -1;
}

int sandbox_wait(struct sandbox *sb, int *status, struct isolab_err *err)
{
    struct live_io *io = &sb->ctx.live;
    if (!io->exited && live_needs_relay(io))
        return io->master >= 0 ? live_relay(sb, STDIN_FILENO, STDOUT_FILENO, status, err)
                               : live_pipe_relay(sb, status, err);
    int st = io->status, wait_errno = 0;
    /* The sandbox has a session of its own (live/pty.c): a ^C typed on
     * isolab's terminal reaches isolab only, which passes it on, as docker
     * run's sig-proxy does (sandbox_exit.c). */
    pid_t w = io->exited ? sb->ctx.child : sandbox_wait_proxied(sb->ctx.child, &st, &wait_errno);
    sb->waited = true;

    int rc = 0;
    int shell_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (w < 0) {
        rc = isolab_err_set(err, wait_errno, "launcher: waiting for the sandbox (pid %d): %s",
                            (int)sb->ctx.child, strerror(wait_errno));
    } else if (status) {
        *status = shell_status;
    }
    struct sandbox_exit *ex = sb->cfg.exit_out;
    if (ex && w >= 0) {
        ex->started = ex->ended = true;
        ex->status = shell_status;
        ex->oom_kills = cgroup_oom_kills(&sb->ctx);   /* before the cgroup goes */
    }
    free_sandbox(sb);
    return rc;
}

int sandbox_run(const struct lab_config *cfg, int *status, struct isolab_err *err)
{
    struct sandbox *sb;
    if (sandbox_start(cfg, &sb, err) < 0)
        return -1;
    return sandbox_wait(sb, status, err);
}
