/* Finding a value's line and column in a JSON text. jansson reports
 * positions only for syntax errors; for a semantic error ("unknown action")
 * the parser knows the JSON path of the bad value, and this re-scans the
 * text (already known to be valid) to turn the path into line:col. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_int.h"

struct scan {
    const char *s;
    size_t n, i;
};

static void skip_ws(struct scan *sc)
{
    while (sc->i < sc->n && isspace((unsigned char)sc->s[sc->i]))
        sc->i++;
}

static void skip_string(struct scan *sc)
{
    sc->i++; /* opening quote */
    while (sc->i < sc->n && sc->s[sc->i] != '"') {
        if (sc->s[sc->i] == '\\')
            sc->i++;
        sc->i++;
    }
    if (sc->i < sc->n)
        sc->i++;
}

/* Skips one value; strings are skipped whole so that brackets inside them
 * do not count. */
static void skip_value(struct scan *sc)
{
    skip_ws(sc);
    if (sc->i >= sc->n)
        return;
    char c = sc->s[sc->i];
    if (c == '"') {
        skip_string(sc);
        return;
    }
    if (c == '{' || c == '[') {
        int depth = 0;
        while (sc->i < sc->n) {
            c = sc->s[sc->i];
            if (c == '"') {
                skip_string(sc);
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    sc->i++;
                    return;
                }
            }
            sc->i++;
        }
        return;
    }
    /* number, true, false, null */
    while (sc->i < sc->n && !strchr(",]} \t\r\n", sc->s[sc->i]))
        sc->i++;
}

/* In the object at sc->i, find member key (klen bytes). On success sc->i
 * is at the value and *keypos at the key's opening quote. */
static bool find_member(struct scan *sc, const char *key, size_t klen, size_t *keypos)
{
    skip_ws(sc);
    if (sc->i >= sc->n || sc->s[sc->i] != '{')
        return false;
    sc->i++;
    for (;;) {
        skip_ws(sc);
        if (sc->i >= sc->n || sc->s[sc->i] != '"')
            return false;
        size_t kstart = sc->i;
        skip_string(sc);
        size_t kend = sc->i - 1; /* closing quote */
        bool match = kend - (kstart + 1) == klen &&
                     memcmp(sc->s + kstart + 1, key, klen) == 0;
        skip_ws(sc);
        if (sc->i < sc->n && sc->s[sc->i] == ':')
            sc->i++;
        skip_ws(sc);
        if (match) {
            *keypos = kstart;
            return true;
        }
        skip_value(sc);
        skip_ws(sc);
        if (sc->i < sc->n && sc->s[sc->i] == ',') {
            sc->i++;
            continue;
        }
        return false;
    }
}

static bool find_element(struct scan *sc, size_t index)
{
    skip_ws(sc);
    if (sc->i >= sc->n || sc->s[sc->i] != '[')
        return false;
    sc->i++;
    for (size_t k = 0;; k++) {
        skip_ws(sc);
        if (sc->i >= sc->n || sc->s[sc->i] == ']')
            return false;
        if (k == index)
            return true;
        skip_value(sc);
        skip_ws(sc);
        if (sc->i < sc->n && sc->s[sc->i] == ',')
            sc->i++;
        else
            return false;
    }
}

static void offset_to_linecol(const char *s, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static size_t locate_offset_ex(const char *text, size_t len, const char *path, bool want_key,
                               bool *complete)
{
    struct scan sc = { text, len, 0 };
    skip_ws(&sc);
    size_t found = sc.i, keypos = (size_t)-1;
    bool last_was_key = false;
    const char *p = path ? path : "";

    while (*p) {
        size_t save = sc.i;
        if (*p == '[') {
            char *end;
            unsigned long idx = strtoul(p + 1, &end, 10);
            if (*end != ']')
                break;
            p = end + 1;
            if (!find_element(&sc, idx)) {
                sc.i = save;
                break;
            }
            last_was_key = false;
        } else {
            if (*p == '.')
                p++;
            size_t klen = strcspn(p, ".[");
            size_t kp;
            if (!find_member(&sc, p, klen, &kp)) {
                sc.i = save;
                break;
            }
            p += klen;
            keypos = kp;
            last_was_key = true;
        }
        skip_ws(&sc);
        found = sc.i;
    }
    if (want_key && last_was_key && !*p && keypos != (size_t)-1)
        found = keypos;
    if (complete)
        *complete = !*p;
    return found > len ? len : found;
}

static size_t locate_offset(const char *text, size_t len, const char *path, bool want_key)
{
    return locate_offset_ex(text, len, path, want_key, NULL);
}

bool sc_json_span(const char *text, size_t len, const char *path, size_t *start, size_t *end)
{
    bool complete;
    size_t off = locate_offset_ex(text, len, path, false, &complete);
    if (!complete || off >= len)
        return false;
    struct scan sc = { text, len, off };
    skip_value(&sc);
    *start = off;
    *end = sc.i > len ? len : sc.i;
    return true;
}

void sc_json_locate(const char *text, size_t len, const char *path,
                    bool want_key, int *line, int *col)
{
    offset_to_linecol(text, locate_offset(text, len, path, want_key), line, col);
}

void sc_json_array_positions(const char *text, size_t len, const char *path,
                             int *lines, int *cols, size_t n)
{
    int line, col;
    for (size_t k = 0; k < n; k++)
        lines[k] = cols[k] = 0;
    size_t off = locate_offset(text, len, path, false);
    offset_to_linecol(text, off, &line, &col);
    struct scan sc = { text, len, off };
    skip_ws(&sc);
    if (sc.i >= len || text[sc.i] != '[')
        return;
    sc.i++;
    size_t last = off;
    for (size_t k = 0; k < n; k++) {
        skip_ws(&sc);
        if (sc.i >= len || text[sc.i] == ']')
            return;
        /* advance line/col from the last element to this one */
        for (size_t i = last; i < sc.i; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
                col++;
            }
        }
        last = sc.i;
        lines[k] = line;
        cols[k] = col;
        skip_value(&sc);
        skip_ws(&sc);
        if (sc.i < len && text[sc.i] == ',')
            sc.i++;
        else
            return;
    }
}
