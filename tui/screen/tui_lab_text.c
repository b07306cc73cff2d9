/* Text for the lab panel: UTF-8 aware (one column per code point), '?'
 * for non-ASCII without a UTF-8 locale, and word wrapping into lines. */
#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "tui_lab.h"

bool tui_lab_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

/* ---- text ---------------------------------------------------------------- */

/* One column per code point; without UTF-8 a non-ASCII code point is '?'. */
static void sanitize(const char *s, char *out, size_t n)
{
    bool u = tui_lab_utf8();
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 1 < n; p++) {
        if (*p < 0x80 || u) {
            out[o++] = (char)(*p == '\t' || *p == '\n' ? ' ' : *p);
        } else if ((*p & 0xC0) != 0x80) {
            out[o++] = '?';
        }
    }
    out[o] = 0;
}

/* Bytes of s that fill at most w columns. */
size_t tui_lab_fit(const char *s, int w)
{
    size_t b = 0;
    int cols = 0;
    while (s[b]) {
        if (((unsigned char)s[b] & 0xC0) != 0x80) {
            if (cols == w)
                break;
            cols++;
        }
        b++;
    }
    return b;
}

int tui_lab_cols(const char *s)
{
    int c = 0;
    for (; *s; s++)
        c += ((unsigned char)*s & 0xC0) != 0x80;
    return c;
}

void tui_lab_put(int y, int x, int w, const char *s)
{
    char buf[2048];
    if (w <= 0)
        return;
    sanitize(s, buf, sizeof buf);
    mvaddnstr(y, x, buf, (int)tui_lab_fit(buf, w));
}

void tui_lab_add_line(struct lines *ls, const char *s, size_t len, attr_t a)
{
    if (ls->n >= MAX_LINES)
        return;
    if (len >= LINE_BYTES)
        len = LINE_BYTES - 1;
    memcpy(ls->l[ls->n], s, len);
    ls->l[ls->n][len] = 0;
    ls->a[ls->n++] = a;
}

/* Word-wrap text (paragraphs split at '\n') into lines of at most w
 * columns; first / cont prefix the first / following lines. */
void tui_lab_wrap(struct lines *ls, const char *text, int w, const char *first,
                     const char *cont, attr_t a)
{
    if (w > LINE_BYTES / 2)
        w = LINE_BYTES / 2;
    const char *p = text;
    bool firstline = true;
    do {
        const char *end = strchr(p, '\n');
        size_t plen = end ? (size_t)(end - p) : strlen(p);
        char para[4096];
        if (plen >= sizeof para)
            plen = sizeof para - 1;
        memcpy(para, p, plen);
        para[plen] = 0;
        const char *q = para;
        do {
            const char *pre = firstline ? first : cont;
            int room = w - tui_lab_cols(pre);
            if (room < 8)
                room = 8;
            size_t take = tui_lab_fit(q, room);
            if (q[take]) {
                size_t sp = take;
                while (sp > 0 && q[sp] != ' ')
                    sp--;
                if (sp > 0)
                    take = sp;
            }
            char line[LINE_BYTES];
            int k = snprintf(line, sizeof line, "%s%.*s", pre, (int)take, q);
            tui_lab_add_line(ls, line, k < 0 ? 0 : (size_t)k, a);
            firstline = false;
            q += take;
            while (*q == ' ')
                q++;
        } while (*q);
        p = end ? end + 1 : NULL;
    } while (p && *p);
}
