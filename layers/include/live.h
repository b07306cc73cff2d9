/* The live shell's terminal: the sandbox's own pty, relayed by isolab.
 * DESIGN.md, "The live shell"; the engine side is layers/live/.
 *
 * With a pty (cfg->tty == LAB_TTY_ON, or LAB_TTY_AUTO when isolab's stdin and
 * stdout are both terminals) the sandbox opens a new pty from its own devpts
 * instance, makes the slave the controlling terminal of the command's session
 * and hands the master to isolab. Nothing in the sandbox holds an fd of the
 * learner's terminal, so TIOCSTI/TIOCLINUX from inside reach only the inner
 * pty (bubblewrap's CVE-2017-5226), whatever the preset.
 *
 * Without a pty the sandbox runs in a session of its own with no controlling
 * terminal; pipes and files on fds 0/1/2 pass through, and any of 0/1/2 that
 * is a terminal is replaced by a pipe that sandbox_wait() relays.
 *
 * A front end that draws the pty itself (the TUI's pane) polls
 * sandbox_pty_master() and calls sandbox_try_wait(); a front end that hands
 * the whole terminal over calls live_relay(). */
#ifndef ISOLAB_LIVE_H
#define ISOLAB_LIVE_H

#include "isolab.h"

/* The pty master held by isolab (O_NONBLOCK, O_CLOEXEC; owned by the
 * sandbox, closed by sandbox_wait), or -1 when the sandbox has no pty. */
int sandbox_pty_master(const struct sandbox *sb);

/* Tell the pty its size (TIOCSWINSZ on the master: the sandbox's foreground
 * job gets SIGWINCH). -1 with errno without a pty. */
int sandbox_pty_resize(struct sandbox *sb, unsigned short rows, unsigned short cols);

/* Non-blocking wait: 0 = still running; 1 = the sandbox's first process has
 * exited, *status is its shell-style status (128+sig when killed); -1 with
 * err on a waitpid error. After 1, call sandbox_wait(), which returns the
 * same status at once and frees the sandbox. */
int sandbox_try_wait(struct sandbox *sb, int *status, struct isolab_err *err);

/* Hand the terminal over to the sandbox until it exits: in_fd (put in raw
 * mode when it is a terminal) -> the pty master -> out_fd; the initial size
 * and every SIGWINCH go to the pty as TIOCSWINSZ. SIGTERM, SIGHUP, SIGINT
 * and SIGQUIT to isolab hang up the pty and kill the sandbox. The terminal is
 * restored on every way out. Consumes sb (as sandbox_wait does); *status is
 * the sandbox's shell-style exit status. Without a pty it is sandbox_wait(). */
int live_relay(struct sandbox *sb, int in_fd, int out_fd, int *status, struct isolab_err *err);

#endif
