/* Text cut to fit, with a cue that opens it whole: the one helper for every
 * line the screen has to shorten (the title bar, a probe's details, the
 * preset descriptions, a quiz's choices in the lab panel). A cut line ends
 * in "…, i: more"; i opens a box with every text cut in the last frame,
 * word-wrapped; Up/Down/PgUp/PgDn/Home/End scroll it, any other key closes it. With a lab open on the main screen, i
 * belongs to the lab (its step in full), so the cue says I there. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "tui_lab.h"
#include "tui_more.h"

#define MORE_MAX 8

static char *cut[MORE_MAX];
static int ncut;
static bool is_open, upper;
static int top;

void tui_more_frame(bool i_is_taken)
{
    if (is_open)
        return;   /* the box shows the texts of the frame it opened on */
    for (int i = 0; i < ncut; i++)
        free(cut[i]);
    ncut = 0;
    upper = i_is_taken;
}

static void remember(const char *text)
{
    for (int i = 0; i < ncut; i++)
        if (!strcmp(cut[i], text))
            return;
    if (ncut < MORE_MAX && (cut[ncut] = strdup(text)))
        ncut++;
}

/* Bytes of text that fit w columns, cut after a word if there is one. */
static size_t fit_words(const char *text, int w)
{
    size_t n = tui_lab_fit(text, w);
    if (!text[n] || text[n] == ' ')
        return n;
    size_t k = n;
    while (k > 0 && text[k] != ' ')
        k--;
    return k > (size_t)w / 3 ? k : n;   /* one long word: cut it */
}

int tui_more_cut(int y, int x, int w, const char *text, char key)
{
    if (w <= 0)
        return 0;
    if (tui_lab_cols(text) <= w) {
        tui_lab_put(y, x, w, text);
        return tui_lab_cols(text);
    }
    char c[32];
    snprintf(c, sizeof c, "…, %c: more", key);
    int room = w - tui_lab_cols(c);
    if (room < 1) {
        tui_lab_put(y, x, w, text);
        return w;
    }
    size_t n = fit_words(text, room);
    while (n > 0 && text[n - 1] == ' ')
        n--;
    char buf[1024];
    snprintf(buf, sizeof buf, "%.*s%s", (int)n, text, c);
    tui_lab_put(y, x, w, buf);
    return tui_lab_cols(buf);
}

int tui_more_put(int y, int x, int w, const char *text)
{
    int n = tui_more_cut(y, x, w, text, upper ? 'I' : 'i');
    if (tui_lab_cols(text) > w)
        remember(text);
    return n;
}

int tui_more_wrap(int y, int x, int w, int maxy, const char *text)
{
    const char *p = text;
    while (*p && y < maxy && w > 0) {
        if (y == maxy - 1 && tui_lab_cols(p) > w) {   /* the last row: the rest with the cue */
            tui_more_put(y++, x, w, p);
            remember(text);
            return y;
        }
        size_t n = fit_words(p, w);
        char buf[1024];
        snprintf(buf, sizeof buf, "%.*s", (int)n, p);
        tui_lab_put(y++, x, w, buf);
        p += n;
        while (*p == ' ')
            p++;
    }
    if (*p)
        remember(text);
    return y;
}

bool tui_more_any(void)
{
    return ncut > 0;
}

bool tui_more_key(struct tui *t, int ch)
{
    if (is_open) {
        if (ch == KEY_DOWN || ch == 'j')
            top++;
        else if (ch == KEY_UP || ch == 'k')
            top -= top > 0;
        else if (ch == KEY_NPAGE || ch == KEY_END)
            top += ch == KEY_END ? 100000 : t->rows / 2;   /* the draw clamps it */
        else if (ch == KEY_PPAGE || ch == KEY_HOME)
            top = ch == KEY_HOME || top < t->rows / 2 ? 0 : top - t->rows / 2;
        else if (ch != KEY_RESIZE)
            is_open = false;
        return true;
    }
    if (!ncut || !(ch == 'I' || (ch == 'i' && !upper)))
        return false;
    is_open = true;
    top = 0;
    return true;
}

bool tui_more_is_open(void)
{
    return is_open;
}

void tui_more_draw(struct tui *t)
{
    if (!is_open)
        return;
    static struct lines ls;
    int w = t->cols - 4;
    ls.n = 0;
    for (int i = 0; i < ncut; i++) {
        tui_lab_wrap(&ls, cut[i], w - 4, "", "", A_NORMAL);
        if (i + 1 < ncut)
            tui_lab_add_line(&ls, "", 0, A_NORMAL);
    }
    int h = ls.n + 2 < t->rows - 4 ? ls.n + 2 : t->rows - 4;
    int rows = h - 2;
    if (top > ls.n - rows)
        top = ls.n - rows > 0 ? ls.n - rows : 0;
    tui_box(2, 2, h, w, "The whole text (any key closes)");
    for (int r = 0; r < rows && top + r < ls.n; r++) {
        mvhline(3 + r, 3, ' ', w - 2);
        tui_lab_put(3 + r, 4, w - 4, ls.l[top + r]);
    }
    if (ls.n > rows)
        mvprintw(2 + h - 1, w - 14, " Up/Down %d/%d ", top + 1, ls.n);
}
