/* Text cut to fit, with a cue ("…, i: more") that opens it whole
 * (tui_more.c). Every view that shortens a line uses these. */
#ifndef ISOLAB_TUI_MORE_H
#define ISOLAB_TUI_MORE_H

#include <stdbool.h>

struct tui;

/* At the start of a frame: forget the texts cut in the last one. With
 * i_is_taken (a lab open on the main screen: i shows its step), the cue
 * and the key are I. */
void tui_more_frame(bool i_is_taken);
/* text in w columns at (y, x); if it does not fit, cut after a word and end
 * with the cue. Returns the columns written. */
int  tui_more_put(int y, int x, int w, const char *text);
/* The same cut and cue for a text whose whole the caller shows on `key`
 * (the lab panel: i, its step in full); not remembered for the box. */
int  tui_more_cut(int y, int x, int w, const char *text, char key);
/* As tui_wrap, with the cue on the last row when the text goes on. */
int  tui_more_wrap(int y, int x, int w, int maxy, const char *text);
bool tui_more_any(void);
/* i (or I) opens the box when something was cut; in the box any key closes
 * it (Up/Down scroll). Returns true when it took the key. */
bool tui_more_key(struct tui *t, int ch);
bool tui_more_is_open(void);
void tui_more_draw(struct tui *t);

#endif
