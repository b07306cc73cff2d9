/* The shell pane (DESIGN.md, "The live shell", "A pane"): the learner's
 * shell in a sandbox of its own, on the sandbox's own pty (live.h), drawn by
 * libvterm into a part of the lab screen; and the geometry of the screen's
 * panels (layers, probes, shell, and later the live feed).
 *
 * The pane owns its sandbox from `s` until the shell exits or the TUI quits
 * (then the sandbox is killed by its pid and waited for). */
#ifndef ISOLAB_TUI_PANE_H
#define ISOLAB_TUI_PANE_H

#include <stdbool.h>
#include <wchar.h>

#include "tui.h"

/* The key that moves the focus between the pane and the lab. Neither bash,
 * vi, nano, emacs, less nor top binds F12. */
#define TUI_PANE_FOCUS_KEY KEY_F(12)
#define TUI_PANE_FOCUS_NAME "F12"

/* ---- layout (tui_layout.c) ---------------------------------------------- */

struct tui_rect {
    int y, x, h, w;   /* h == 0: not shown */
};

struct tui_layout {
    struct tui_rect layers, probes, shell, feed;
    bool layers_two_line;
};

/* The panels for a screen of rows x cols whose rows [top, bottom) are free
 * (below the status line, above the lab panel and the message line), with
 * or without the shell pane and the live feed. Zoomed, the shell takes the
 * whole screen (rows x cols) and nothing else is shown. */
void tui_layout(int rows, int cols, int top, int bottom, bool shell, bool feed, bool zoom,
                struct tui_layout *L);

/* ---- the pane (tui_pane.c) ---------------------------------------------- */

/* s: open the pane (a new shell with the current layers), or give it the
 * focus if its shell runs, or start a new one if it has exited. */
void tui_pane_open(struct tui *t);
/* Restart the shell with the current layers (R). */
void tui_pane_restart(struct tui *t);
/* Kill the shell (by its pid), wait for it, free the pane. Idempotent; the
 * TUI calls it on every way out. */
void tui_pane_close(struct tui *t);

bool tui_pane_is_open(const struct tui *t);
bool tui_pane_focused(const struct tui *t);
bool tui_pane_zoomed(const struct tui *t);
void tui_pane_set_focus(struct tui *t, bool on);
void tui_pane_toggle_zoom(struct tui *t);

/* The pty master to poll (-1 if none), and what poll() said about it.
 * *events gets POLLIN, plus POLLOUT while keys wait to be written. */
int  tui_pane_fd(const struct tui *t, short *events);
void tui_pane_poll(struct tui *t, short revents);

/* A key while the pane has the focus: to the shell through vterm's keyboard
 * (arrows, Home, F-keys as the inner terminal's modes want them); F12 gives
 * the focus back; Shift-PgUp/PgDn scroll back. is_key: wc is a curses key
 * code (KEY_*), else a character. Returns false for keys the lab must see
 * anyway (KEY_RESIZE). */
bool tui_pane_key(struct tui *t, bool is_key, wint_t wc);

/* Draw the pane into r (its frame line on r.y); resizes the terminal and
 * the pty to fit. Then, last in the frame, the cursor. */
void tui_pane_draw(struct tui *t, struct tui_rect r);
void tui_pane_place_cursor(struct tui *t);

/* The shell's exit in words (issue 10, "every exit explained", the engine's
 * exit_why_explain): a line for the pane's frame in buf, and in full (""
 * when there is nothing to explain) the explanation and its hint, for the
 * pane itself, below the shell's last output. */
struct sandbox_exit;
void tui_pane_explain_exit(const struct lab_config *c, const struct sandbox_exit *ex, int status,
                           char *buf, size_t n, char *full, size_t fn);

/* For the crash handler (async-signal-safe kill): the shell's pid, or 0. */
extern volatile pid_t tui_pane_pid;

#endif
