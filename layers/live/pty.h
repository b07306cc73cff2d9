/* The sandbox's terminal, engine side (private to layers/). The public part
 * is include/live.h. sandbox.c calls these at fixed points:
 *
 *   parent, before clone      live_prepare()      decide pty or not; socketpair
 *                                                 for the master, or pipes for
 *                                                 terminal fds among 0/1/2
 *   parent, after clone       live_parent_forget_child_ends()
 *   child, step "console"     live_child_console() (after the mount namespace
 *                             and hostname, before LSM, no_new_privs, seccomp
 *                             and capabilities, as runc sets up its console
 *                             before seccomp): setsid, open the pty in the
 *                             sandbox's devpts, send the master, slave on
 *                             0/1/2 and /dev/console, TIOCSCTTY when this
 *                             process is the command
 *   child, the command forked by the pid-namespace init, still at the
 *                             console step (before LSM and seccomp; sandbox.c)
 *                             live_child_become_leader(): setsid + TIOCSCTTY,
 *                             so the shell is the session leader
 *   parent, after exec        live_receive_master()
 *   parent, freeing           live_close()
 */
#ifndef ISOLAB_LIVE_PTY_H
#define ISOLAB_LIVE_PTY_H

#include <stdbool.h>
#include <sys/types.h>

#include "isolab.h"

struct live_io {
    bool pty;               /* the sandbox gets a pty of its own */
    int sock[2];            /* [0] parent, [1] child: the master travels here */
    int master;             /* parent: the pty master, -1 if none */
    int child_fd[3];        /* child: what replaces a terminal fd 0/1/2, -1 keep */
    int relay_fd[3];        /* parent: the other end of those pipes, -1 none */
    bool exited;            /* reaped by sandbox_try_wait() */
    int status;             /* then: shell-style exit status */
    /* child: the fds above 2 that were terminals when it was cloned, as the
     * parent listed them (sandbox_cpu.c); n_ttys -1: not known, the child
     * lists its own /proc/self/fd. */
    const int *ttys;
    int n_ttys;
};

struct sandbox;

void live_io_init(struct live_io *io);
int live_prepare(const struct lab_config *cfg, struct live_io *io, struct isolab_err *err);
void live_parent_forget_child_ends(struct live_io *io);
/* is_command: this process execs the command (no pid-namespace init). */
int live_child_console(const struct lab_config *cfg, struct live_io *io, bool is_command,
                       struct isolab_err *err);
int live_child_become_leader(const struct live_io *io, struct isolab_err *err);
int live_receive_master(struct live_io *io, struct isolab_err *err);
void live_close(struct live_io *io);
/* Has fds the parent must serve while it waits (a pty, or relay pipes). */
bool live_needs_relay(const struct live_io *io);

/* sandbox.c: the sandbox's live state (for relay.c). */
struct live_io *sandbox_live_io(struct sandbox *sb);
/* relay.c: serve the relay pipes of a sandbox without a pty until it exits,
 * then sandbox_wait(). */
int live_pipe_relay(struct sandbox *sb, int *status, struct isolab_err *err);

#endif
