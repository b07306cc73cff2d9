/* One escaping rule for text from files in messages (see escape.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

/* Length of the valid UTF-8 sequence at s that is not a C1 control, or 0. */
static size_t utf8_ok(const unsigned char *s)
{
    size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (!len || s[0] > 0xf4)
        return 0;
    for (size_t k = 1; k < len; k++)
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
        return 0;                           /* U+0080..U+009F: C1 controls (CSI is 9b) */
    if (len == 3 && s[0] == 0xe0 && s[1] < 0xa0)
        return 0;                           /* overlong */
    if (len == 3 && s[0] == 0xed && s[1] >= 0xa0)
        return 0;                           /* surrogates */
    if (len == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
        return 0;
    return len;
}

char *isolab_escape(const char *in, char *out, size_t n)
{
    size_t o = 0;
    const unsigned char *s = (const unsigned char *)in;
    if (!n)
        return out;
    while (*s) {
        char e[8];
        size_t el, take = 1;
        if (*s == '\n' || *s == '\t' || *s == '\r') {
            e[0] = '\\', e[1] = *s == '\n' ? 'n' : *s == '\t' ? 't' : 'r', e[2] = 0;
            el = 2;
        } else if (*s < 0x20 || *s == 0x7f || (*s >= 0x80 && !utf8_ok(s))) {
            el = (size_t)snprintf(e, sizeof e, "\\x%02x", *s);
        } else {
            take = el = *s >= 0x80 ? utf8_ok(s) : 1;
            memcpy(e, s, el);
        }
        if (o + el >= n)
            break;
        memcpy(out + o, e, el);
        o += el;
        s += take;
    }
    out[o] = '\0';
    return out;
}

void isolab_escape_inplace(char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++)
        if (*p < 0x20 || *p >= 0x7f)
            break;
    if (!*p)
        return;                 /* plain printable ASCII: nothing to do */
    char *copy = strdup(s);
    if (!copy) {
        for (char *q = s; *q; q++)
            if ((unsigned char)*q < 0x20 || *q == 0x7f)
                *q = '?';
        return;
    }
    isolab_escape(copy, s, n);
    free(copy);
}
