/* The TUI's lab panel and lab chooser (issue 6; DESIGN.md "The TUI": the
 * lab step at the bottom).
 *
 * The step's check is evaluated in the probe helper that tui_probes.c
 * forks after every change: the helper sends a third kind of message
 * (phase 3, one struct tui_lab_msg) after the verdicts, and the TUI shows
 * the ✓ when it passes. No second runner: the check is superseded and
 * dropped exactly like stale probe results. */
#ifndef ISOLAB_TUI_LAB_H
#define ISOLAB_TUI_LAB_H

#include <curses.h>
#include <stdbool.h>

#include "lab.h"
#include "tui.h"

#define TUI_LAB_ITEMS 8

/* The helper's answer for one step under one configuration. */
struct tui_lab_msg {
    unsigned int gen;          /* tui_lab's generation when the helper forked */
    size_t step;
    int result;                /* enum lab_result */
    char reason[512];
    size_t nitems;
    struct lab_expect_result items[TUI_LAB_ITEMS];
};

/* In the probe helper (a fork of the TUI): evaluate the open lab's step
 * against c. false: nothing to send (no lab open, or a quiz step). *rc and
 * err as lab_step_check returned them. */
bool tui_lab_child_check(const struct lab_config *c, struct tui_lab_msg *m, int *rc,
                         struct isolab_err *err);
/* In the TUI: a phase-3 message arrived (body = one struct tui_lab_msg). */
void tui_lab_accept(struct tui *t, int rc, const struct isolab_err *err, const void *body);

/* Every configuration change (tui_config_changed): a new check is due and
 * the learner's configuration is saved (lab_current_save) so that
 * `isolab lab check` on the command line sees it. */
void tui_lab_config_changed(struct tui *t);

/* Rows the panel takes at the bottom: 0 when no lab is open. avail = the
 * height of the area it is carved from, keep = rows that area must keep. */
int  tui_lab_panel_height(struct tui *t, int avail, int keep, int w);
/* The first row of the open lab's panel in the last frame, -1 if none: a
 * box drawn over the screen (the profile error) ends above it, so that the
 * step, its result and its keys stay in view. */
int  tui_lab_panel_row(void);
void tui_lab_draw_panel(struct tui *t, int y, int x, int h, int w);
/* MODE_LAB_CHOOSER / MODE_LAB_TEXT. */
void tui_lab_draw(struct tui *t);
const char *tui_lab_legend(struct tui *t);
/* Keys: in the lab modes, and in MODE_MAIN (L opens the chooser; with a
 * lab open ] [ h a i and, on a quiz, the digits). true = consumed. */
bool tui_lab_key(struct tui *t, int ch);
void tui_lab_open_chooser(struct tui *t);
void tui_lab_free(void);

/* tui_lab_keep.c: the learner's own profile is kept and reopened. */
bool tui_lab_shipped_path(const char *path);     /* under isolab's data dir */
/* "; your profile FILE is kept: o opens it again" when before was the
 * learner's file and now is another; else "". */
void tui_lab_kept_note(const char *before, const char *now, char *note, size_t n);
void tui_lab_remember_profile(struct tui *t);    /* after every change */
void tui_lab_restore_profile(struct tui *t);     /* at start */

/* tui_lab_text.c: panel text. One column per code point; without a UTF-8
 * locale a non-ASCII code point prints as '?'. */
#define LINE_BYTES 512
#define MAX_LINES 160
struct lines {
    char l[MAX_LINES][LINE_BYTES];
    attr_t a[MAX_LINES];
    int n;
};
bool   tui_lab_utf8(void);
size_t tui_lab_fit(const char *s, int w);      /* bytes of s in w columns */
int    tui_lab_cols(const char *s);
void   tui_lab_put(int y, int x, int w, const char *s);
void   tui_lab_add_line(struct lines *ls, const char *s, size_t len, attr_t a);
/* Word-wrap (paragraphs at '\n') to w columns; first / cont prefix the
 * first / following lines. */
void   tui_lab_wrap(struct lines *ls, const char *text, int w, const char *first,
                    const char *cont, attr_t a);

#endif
