/* tui_list.h: the moves and the window of a scrolling list, shared by the
 * screens that show one (layer details, presets, syscalls, probes). */
#ifndef TUI_LIST_H
#define TUI_LIST_H

#include <curses.h>
#include <stdbool.h>
#include "tui.h"

/* Moves *sel in a list of n rows for the cursor keys (Up/k, Down/j, Home,
 * End) and, when page > 0, PgUp/PgDn by page rows. Returns true if ch was
 * one of them. */
static inline bool tui_list_key(int ch, int *sel, int n, int page)
{
    switch (ch) {
    case KEY_UP: case 'k':
        if (*sel > 0)
            (*sel)--;
        return true;
    case KEY_DOWN: case 'j':
        if (*sel < n - 1)
            (*sel)++;
        return true;
    case KEY_HOME:
        *sel = 0;
        return true;
    case KEY_END:
        *sel = n - 1;
        return true;
    case KEY_PPAGE:
        if (page <= 0)
            return false;
        *sel = *sel > page ? *sel - page : 0;
        return true;
    case KEY_NPAGE:
        if (page <= 0)
            return false;
        *sel = *sel + page < n ? *sel + page : n - 1;
        return true;
    }
    return false;
}

/* Records where the list of the details, presets or syscalls screen stands
 * (for the mouse), keeps *sel on screen, and returns the number of rows to
 * draw from *top: at most rows, at most what is left of n. */
static inline int tui_list_window(struct tui *t, int y, int rows, int *sel, int *top, int n)
{
    t->list_y = y;
    t->list_h = rows;
    tui_scroll_clamp(sel, top, n, rows);
    return n - *top < rows ? n - *top : rows;
}

#endif
