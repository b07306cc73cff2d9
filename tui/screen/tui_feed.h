/* Live mode for the shell pane and the live feed beside it (DESIGN.md, "The
 * live shell"; tui_feed.c).
 *
 * Live mode (on by default): the pane's shell runs under one notify filter
 * held by a supervisor (live_notify.h), which answers every syscall an edit
 * can change from the TUI's current profile model. tui_live_sync() hands the
 * supervisor the model the screen shows -- the syscall list's unsaved edits,
 * else the last valid profile (a save from $EDITOR, another editor, a
 * preset) -- and the capabilities seccomp resolves against, whenever one of
 * them changes: the next call in the same shell is answered from it.
 *
 * The feed lists what the supervisor answered: time, pid, command, the
 * syscall with its decoded arguments, the verdict, the rule and its
 * capability condition. f gives it the keys. */
#ifndef ISOLAB_TUI_FEED_H
#define ISOLAB_TUI_FEED_H

#include <stdbool.h>

#include "tui_pane.h"

/* The key that moves the focus to the feed and back (v: view; f is the
 * layer-flags prompt). */
#define TUI_FEED_KEY 'v'

/* ---- live mode --------------------------------------------------------- */

/* Before the pane's sandbox_start: a live supervisor for the shell's config
 * c (c->live is set), unless live mode is off (ISOLAB_TUI_LIVE=0) or seccomp
 * is not in force. Returns 0 (also when not live), -1 with err. */
int  tui_live_begin(struct tui *t, struct lab_config *c, struct isolab_err *err);
/* After the pane's sandbox has been waited for (or did not start): the
 * supervisor is freed; the feed's lines stay until the pane closes. */
void tui_live_end(struct tui *t);
/* Does the pane's running shell answer from the live model? */
bool tui_live_on(const struct tui *t);
/* Push the current model and capabilities when they changed (every turn of
 * the TUI's loop; cheap when nothing did). */
void tui_live_sync(struct tui *t);
/* The running shell allows name in BPF (fixed in live mode): *why says
 * what needs it. */
bool tui_live_fixed(const struct tui *t, const char *name, const char **why);
/* How many fixed syscalls the current profile denies while the running
 * shell keeps them allowed (they apply on the next start). */
int  tui_live_conflicts(const struct tui *t);

/* ---- the feed ----------------------------------------------------------- */

struct live_event;
void tui_feed_add(struct tui *t, const struct live_event *ev);
/* The supervisor's queue, for poll(): -1 if none. */
int  tui_feed_fd(const struct tui *t);
void tui_feed_poll(struct tui *t);
bool tui_feed_shown(const struct tui *t);
bool tui_feed_focused(const struct tui *t);
void tui_feed_set_focus(struct tui *t, bool on);
void tui_feed_draw(struct tui *t, struct tui_rect r);
/* A key on the main screen: f focuses the feed; while it has the focus,
 * its own keys. Returns false for keys the lab handles. */
bool tui_feed_key(struct tui *t, int ch);
const char *tui_feed_legend(const struct tui *t);
/* The pane closed: the feed goes too. */
void tui_feed_free(struct tui *t);

/* tui_syscalls.c: the syscall list opened on name (Enter on a feed line). */
void tui_syscalls_show(struct tui *t, const char *name);

#endif
