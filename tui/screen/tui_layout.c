/* The geometry of the lab screen: where the layers, the probe matrix, the
 * shell pane and the live feed go for a terminal of a given size.
 *
 * Wide (>= 120 columns): the layers (two lines each) and the probes below
 * them in the left column; the shell (and the live feed under it) on the
 * right.
 * Without the shell or the feed, the probes take the right column as before.
 * Narrow: the layers (one line each) on top, the probes, then the shell
 * (and the feed beside it) below them. */
#include "tui_pane.h"

#define WIDE_COLS 120
#define NARROW_PROBES_MIN 4   /* heading, column names, two probes */

static struct tui_rect rect(int y, int x, int h, int w)
{
    struct tui_rect r = { y, x, h > 0 ? h : 0, w > 0 ? w : 0 };
    if (!r.h || !r.w)
        r.h = r.w = 0;
    return r;
}

#define FEED_MIN_ROWS 5       /* its frame line and four events */

/* The right column, or the bottom band, shared by the shell and the feed:
 * in the column the feed takes the bottom third (the shell keeps the rows
 * a shell needs), in the band the right two fifths (the shell keeps the
 * columns). */
static void split_live(struct tui_rect area, bool shell, bool feed, bool vertical,
                       struct tui_layout *L)
{
    if (shell && feed) {
        if (vertical) {
            int fh = area.h / 3 > FEED_MIN_ROWS ? area.h / 3 : FEED_MIN_ROWS;
            int sh = area.h - fh;
            L->shell = rect(area.y, area.x, sh, area.w);
            L->feed = rect(area.y + sh, area.x, area.h - sh, area.w);
        } else {
            int sw = area.w * 3 / 5;
            L->shell = rect(area.y, area.x, area.h, sw);
            L->feed = rect(area.y, area.x + sw, area.h, area.w - sw);
        }
    } else if (shell) {
        L->shell = area;
    } else if (feed) {
        L->feed = area;
    }
}

void tui_layout(int rows, int cols, int top, int bottom, bool shell, bool feed, bool zoom,
                struct tui_layout *L)
{
    *L = (struct tui_layout){ 0 };
    if (shell && zoom) {
        L->shell = rect(0, 0, rows, cols);
        return;
    }
    bool live = shell || feed;
    int avail = bottom - top;
    if (cols >= WIDE_COLS) {
        int lw = cols * 45 / 100;
        if (lw < 50)
            lw = 50;
        L->layers_two_line = true;
        if (!live) {
            L->layers = rect(top, 0, avail, lw);
            L->probes = rect(top, lw + 1, avail, cols - lw - 1);
            return;
        }
        /* title, two lines a layer, the mount warning, the preset line */
        int lh = 2 * LAYER_COUNT + 3;
        if (lh > avail / 2)
            lh = avail / 2;
        L->layers = rect(top, 0, lh, lw);
        L->probes = rect(top + lh, 0, avail - lh, lw);
        split_live(rect(top, lw, avail, cols - lw), shell, feed, true, L);
        return;
    }
    int lh = LAYER_COUNT + 2;
    L->layers = rect(top, 0, lh, cols);
    if (!live) {
        L->probes = rect(top + lh, 0, avail - lh, cols);
        return;
    }
    int rest = avail - lh;
    int ph = rest / 3 > NARROW_PROBES_MIN ? rest / 3 : NARROW_PROBES_MIN;
    if (ph > rest)
        ph = rest;
    L->probes = rect(top + lh, 0, ph, cols);
    split_live(rect(top + lh + ph, 0, rest - ph, cols), shell, feed, false, L);
}
