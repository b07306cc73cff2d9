/* The launcher's own parts (sandbox.c, sandbox_exit.c); internal. */
#ifndef ISOLAB_SANDBOX_INT_H
#define ISOLAB_SANDBOX_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include "exit_why.h"
#include "layer.h"

/* A child-side failure: (step, errno, message, hint). */
struct child_report {
    int step;
    int errnum;
    int exec_kind;          /* enum exit_exec_kind */
    char msg[sizeof(((struct isolab_err *)0)->msg)];
    char hint[sizeof(((struct isolab_err *)0)->hint)];
};

/* A MAP_SHARED page the child writes without a syscall: once its seccomp
 * filter is loaded, a profile may deny the write() of the report pipe and
 * even exit_group (then glibc's _exit ends in SIGSEGV), but a store to
 * memory always works. Only the process that execs the command writes it
 * (the init writes only a report of its own failure). */
struct child_shared {
    int progress;           /* the step being applied (enum child_step) */
    int exec_reached;       /* execve is being called */
    int reported;           /* r is complete */
    struct child_report r;
};
struct child_shared *child_shared_new(void);
void child_shared_free(struct child_shared *sh);
/* Child side: the step it is at; the report (then the pipe is tried). */
void child_shared_progress(struct child_shared *sh, int step);
void child_shared_report(struct child_shared *sh, const struct child_report *r);
/* Parent side, after the report pipe gave nothing: the report, if the
 * child left one in the page. */
bool child_shared_take(struct child_shared *sh, struct child_report *r);

/* The pid-namespace init, before it waits for its child: until the
 * command has exec'd or died (EOF on started_fd, whose CLOEXEC write end
 * the command holds), so that the command's report, not the init's own end
 * under a profile that denies what it needs, is what the parent hears.
 * When the filter denies read(), the page is watched for a report, a
 * second at most. */
void child_shared_wait_command(struct child_shared *sh, int started_fd);

/* Child side, execve failed with e: what the file is, in words (appended
 * to buf) and as an enum exit_exec_kind. */
int exec_diagnose(const char *prog, int e, char *buf, size_t n);

/* Wait for the sandbox's first process with isolab's signal proxy in
 * place (SIGTERM, SIGHUP, SIGINT, SIGQUIT passed on; SIGKILL 10 s after the
 * first); the waitpid's result, its errno in *wait_errno. */
pid_t sandbox_wait_proxied(pid_t child, int *st, int *wait_errno);

/* SIGCHLD is ignored (SIG_IGN or SA_NOCLDWAIT): a child cloned with
 * SIGCHLD as its exit signal would be reaped by the kernel, its status
 * lost. The launcher then clones with no exit signal and waits with
 * __WALL. */
bool sandbox_sigchld_ignored(void);

/* Fill *ex (if not NULL) from a failed start and rewrite err with the
 * explanation where exit_why has one (the layer that refused, not the one
 * that noticed). */
void sandbox_explain_start(const struct lab_config *cfg, const struct child_report *r,
                           bool setup_died, int status, struct isolab_err *err);

/* The memory cgroup's oom_kill count (v1 memory.oom_control, v2
 * memory.events), read before the cgroup is removed; -1 unknown. */
long cgroup_oom_kills(const struct sandbox_ctx *ctx);

/* The start runs on the caller's current CPU (sandbox_cpu.c): pinned by
 * the parent before the clone; every process gives the caller's CPU set
 * back (unpin) before it is the learner's, the parent once it has heard
 * the report. */
void sandbox_pin_start(struct sandbox_ctx *ctx);
void sandbox_unpin(struct sandbox_ctx *ctx);
/* Landlock's rules made by the parent beside the child (ctx->rules): open
 * the pipes before the clone, where they can serve; forget the other side's
 * ends after it; the parent's part; close whatever is left. */
void sandbox_rules_open(const struct lab_config *cfg, struct sandbox_ctx *ctx);
/* Every open fd >= 3, up to max of them (sandbox_fds.c). */
size_t sandbox_open_fds(int *out, size_t max);
void sandbox_rules_forget(struct sandbox_ctx *ctx, bool child);
void sandbox_rules_parent(const struct lab_config *cfg, struct sandbox_ctx *ctx, int err_fd);
void sandbox_rules_close(struct sandbox_ctx *ctx);

#endif
