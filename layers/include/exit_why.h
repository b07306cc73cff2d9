/* Every exit explained (issue 10): why a sandboxed command ended the way it
 * did, in words a learner can act on. The engine gathers what it saw of the
 * end (struct sandbox_exit, through cfg->exit_out) and exit_why_explain()
 * turns it into data; `isolab run` prints it on stderr, the TUI's shell
 * pane in its frame. One rule for both (layers/exit_why.c). */
#ifndef ISOLAB_EXIT_WHY_H
#define ISOLAB_EXIT_WHY_H

#include <stdbool.h>
#include <stddef.h>

#include "isolab.h"

/* What the launcher saw: filled by sandbox_start() (a failed start) and by
 * sandbox_wait() (the end) when cfg->exit_out points here. */
struct sandbox_exit {
    bool started;           /* the command was exec'd (the report pipe reached EOF) */
    bool ended;             /* status is the command's */
    int status;             /* shell-style: 128+sig when killed */
    /* A failed start: the child's step (enum child_step in layers/layer.h),
     * its errno and message; step 0 = none. */
    int step;
    int errnum;
    char msg[1024];
    int exec_kind;          /* enum exit_exec_kind, for a failed execve */
    /* The child died at step without a report (a KILL rule, a crash of the
     * setup itself); status says how. */
    bool setup_died;
    long oom_kills;         /* the memory cgroup's oom_kill count, -1 = unknown */
    /* The live feed's first denied call after the command's execve, filled
     * by a front end that runs with --live/--trace ("openat: EPERM
     * [defaultAction]"); "" = none or no feed. */
    char first_denied[256];
};

/* What the child found about the file a failed execve named. */
enum exit_exec_kind {
    EXEC_KIND_UNKNOWN = 0,
    EXEC_KIND_NO_FILE,      /* not in the sandbox's root (nor in PATH) */
    EXEC_KIND_NO_INTERP,    /* the file is there; its #! interpreter or ELF loader is not */
    EXEC_KIND_NOT_EXEC,     /* no execute bit (or a directory) */
    EXEC_KIND_NOEXEC_MOUNT, /* on a mount with noexec */
    EXEC_KIND_MODE_OK,      /* the file and its mount allow it: a layer refused */
};

enum exit_cause {
    EXIT_WHY_NONE = 0,      /* an ordinary end: nothing to add */
    EXIT_WHY_OOM,           /* the memory cgroup's OOM killer */
    EXIT_WHY_SIGSYS,        /* a seccomp KILL or TRAP rule */
    EXIT_WHY_NOSTART,       /* a profile under which a shell cannot start */
    EXIT_WHY_SETUP_DENIED,  /* the profile denies a call of isolab's own setup */
    EXIT_WHY_EXEC,          /* execve failed: which file, which layer */
    EXIT_WHY_LOADER,        /* the loader or the shell died right after execve */
};
const char *exit_why_cause_name(enum exit_cause c);   /* "oom", "sigsys", ... */

struct exit_why {
    enum exit_cause cause;
    char what[1536];        /* one paragraph, no newline */
    char hint[768];         /* what to do, "" if nothing */
};

/* Explain ex for the config the sandbox was started with. Returns 1 when
 * there is something to say (out filled), 0 for an ordinary end (out->cause
 * EXIT_WHY_NONE). Reads the seccomp profile and lints it when the exit
 * points at seccomp; never prints. */
int exit_why_explain(const struct lab_config *cfg, const struct sandbox_exit *ex,
                     struct exit_why *out);

#endif
