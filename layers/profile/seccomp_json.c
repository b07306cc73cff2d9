/* jansson helpers for the profile parser: messages located by JSON path,
 * members matched as Go's decoder matches them, typed getters whose errors
 * say what was found and what to write instead. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layer.h"
#include "escape.h"
#include "seccomp_parse.h"

/* ---- messages ----------------------------------------------------------- */

static void sp_where(const struct pctx *c, const char *path, bool key, char *buf, size_t n)
{
    int line, col;
    sc_json_locate(c->text, c->len, path, key, &line, &col);
    if (path && *path)
        snprintf(buf, n, "%s:%d:%d: %s", c->name, line, col, path);
    else
        snprintf(buf, n, "%s:%d:%d", c->name, line, col);
}

int sp_err(struct pctx *c, const char *path, bool key, const char *hint,
                const char *fmt, ...)
{
    char loc[512], what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    sp_where(c, path, key, loc, sizeof loc);
    isolab_err_set(c->err, EINVAL, "seccomp: %s: %s", loc, what);
    isolab_escape_inplace(c->err->msg, sizeof c->err->msg);
    if (hint && *hint) {
        isolab_err_hint(c->err, "%s", hint);
        isolab_escape_inplace(c->err->hint, sizeof c->err->hint);
    }
    return -1;
}

void sp_warn(struct pctx *c, const char *path, bool key, const char *fmt, ...)
{
    char loc[512], what[512], *line = NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    sp_where(c, path, key, loc, sizeof loc);
    char full[1100], esc[1100];
    snprintf(full, sizeof full, "%s: %s", loc, what);
    if (!(line = strdup(isolab_escape(full, esc, sizeof esc))))
        return;
    char **w = realloc(c->p->warnings, (c->p->nwarnings + 1) * sizeof *w);
    if (!w) {
        free(line);
        return;
    }
    w[c->p->nwarnings++] = line;
    c->p->warnings = w;
}

/* "the string "x"", "the number 5", "an array", ... for "found ..." */
static void sp_describe_json(const json_t *v, char *buf, size_t n)
{
    switch (json_typeof(v)) {
    case JSON_STRING: snprintf(buf, n, "the string \"%.60s\"", json_string_value(v)); break;
    case JSON_INTEGER: snprintf(buf, n, "the number %lld", (long long)json_integer_value(v)); break;
    case JSON_REAL: snprintf(buf, n, "the number %g", json_real_value(v)); break;
    case JSON_OBJECT: snprintf(buf, n, "an object"); break;
    case JSON_ARRAY: snprintf(buf, n, "an array"); break;
    case JSON_TRUE: snprintf(buf, n, "true"); break;
    case JSON_FALSE: snprintf(buf, n, "false"); break;
    default: snprintf(buf, n, "null"); break;
    }
}

int sp_type_err(struct pctx *c, const char *path, const json_t *v,
                    const char *expected, const char *hint)
{
    char found[100];
    sp_describe_json(v, found, sizeof found);
    return sp_err(c, path, false, hint, "expected %s, found %s", expected, found);
}

/* ---- objects: members matched as Go matches them ------------------------ */

/* Exact name first, then any case (Go's encoding/json does that). */
json_t *sp_member(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (v)
        return json_is_null(v) ? NULL : v;
    const char *k;
    json_object_foreach(obj, k, v) {
        if (strcasecmp(k, key) == 0)
            return json_is_null(v) ? NULL : v;
    }
    return NULL;
}

/* Fields Docker does not know are ignored by Docker; isolab warns, and
 * names the field that was probably meant. */
void sp_check_keys(struct pctx *c, json_t *obj, const char *path,
                       const char *const *known, size_t n)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        char kp[256];
        snprintf(kp, sizeof kp, "%s%s%s", path, *path ? "." : "", k);
        bool exact = false, anycase = false;
        const char *want = NULL;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(k, known[i]) == 0)
                exact = true;
            else if (strcasecmp(k, known[i]) == 0) {
                anycase = true;
                want = known[i];
            }
        }
        if (exact)
            continue;
        if (anycase) {
            sp_warn(c, kp, true, "field \"%s\" is read as \"%s\" (Docker matches field "
                  "names in any case); write \"%s\"", k, want, want);
            continue;
        }
        const char *near = sc_suggest(k, known, n);
        if (near)
            sp_warn(c, kp, true, "unknown field \"%s\" is ignored; did you mean \"%s\"?", k, near);
        else
            sp_warn(c, kp, true, "unknown field \"%s\" is ignored", k);
    }
}

/* For "missing field" errors: an unknown key close to the wanted one. */
const char *sp_near_key(json_t *obj, const char *wanted)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (strcasecmp(k, wanted) != 0 && sc_suggest(k, &wanted, 1))
            return k;
    }
    return NULL;
}

int sp_missing(struct pctx *c, json_t *obj, const char *path, const char *key, const char *add)
{
    char hint[512];
    const char *nk = sp_near_key(obj, key);
    if (nk)
        snprintf(hint, sizeof hint, "did you mean \"%s\" instead of \"%s\"?", key, nk);
    else
        snprintf(hint, sizeof hint, "%s", add);
    return sp_err(c, path, false, hint, "missing field \"%s\"", key);
}

const char *sp_required_string(struct pctx *c, json_t *obj, const char *path, const char *key,
                               const char *add, const char *expected, const char *write)
{
    json_t *v = sp_member(obj, key);
    if (!v) {
        sp_missing(c, obj, path, key, add);
        return NULL;
    }
    if (!json_is_string(v)) {
        char kp[256];
        snprintf(kp, sizeof kp, "%s%s%s", path, *path ? "." : "", key);
        sp_type_err(c, kp, v, expected, write);
        return NULL;
    }
    return json_string_value(v);
}

/* ---- scalar helpers ----------------------------------------------------- */

int sp_get_string(struct pctx *c, json_t *obj, const char *key, const char *path,
                      char **out)
{
    char kp[256];
    json_t *v = sp_member(obj, key);
    *out = NULL;
    if (!v)
        return 0;
    snprintf(kp, sizeof kp, "%s%s%s", path, *path ? "." : "", key);
    if (!json_is_string(v)) {
        char hint[200];
        snprintf(hint, sizeof hint, "write it as a JSON string in double quotes: \"%s\": \"...\"", key);
        return sp_type_err(c, kp, v, "a string", hint);
    }
    *out = strdup(json_string_value(v));
    return *out ? 0 : sp_err(c, kp, false, NULL, "out of memory");
}

/* An unsigned integer no larger than max. */
int sp_get_uint(struct pctx *c, json_t *v, const char *path, unsigned long long max,
                    const char *what, unsigned long long *out)
{
    char hint[300];
    if (json_is_string(v)) {
        int e = sc_errno_from_name(json_string_value(v));
        if (e > 0)
            snprintf(hint, sizeof hint, "write the errno as a number without quotes: %d "
                     "(that is %s)", e, json_string_value(v));
        else
            snprintf(hint, sizeof hint, "write %s as a number without quotes", what);
        return sp_type_err(c, path, v, "a non-negative integer", hint);
    }
    if (!json_is_integer(v)) {
        snprintf(hint, sizeof hint, "%s is a whole number, e.g. 1", what);
        return sp_type_err(c, path, v, "a non-negative integer", hint);
    }
    json_int_t x = json_integer_value(v);
    if (x < 0 || (unsigned long long)x > max) {
        snprintf(hint, sizeof hint, "%s must be between 0 and %llu", what, max);
        return sp_err(c, path, false, hint, "%lld is out of range", (long long)x);
    }
    *out = (unsigned long long)x;
    return 0;
}

/* An array of strings (null = empty). */
int sp_get_strings(struct pctx *c, json_t *v, const char *path, const char *what,
                       const char *example, char ***out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!v)
        return 0;
    char hint[400];
    if (!json_is_array(v)) {
        const char *key = strrchr(path, '.') ? strrchr(path, '.') + 1 : path;
        if (json_is_string(v))
            snprintf(hint, sizeof hint, "put it in a list: \"%s\": [\"%s\"]", key,
                     json_string_value(v));
        else
            snprintf(hint, sizeof hint, "write a list of %s, e.g. %s", what, example);
        return sp_type_err(c, path, v, "an array of strings", hint);
    }
    size_t n = json_array_size(v);
    char **a = calloc(n ? n : 1, sizeof *a);
    if (!a)
        return sp_err(c, path, false, NULL, "out of memory");
    *out = a;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(v, i);
        char ip[256];
        snprintf(ip, sizeof ip, "%s[%zu]", path, i);
        if (!json_is_string(s)) {
            snprintf(hint, sizeof hint, "every entry is %s in double quotes, e.g. %s", what, example);
            return sp_type_err(c, ip, s, "a string", hint);
        }
        if (!*json_string_value(s)) {
            snprintf(hint, sizeof hint, "remove the empty string or write one of the %s", what);
            return sp_err(c, ip, false, hint, "empty name");
        }
        if (!(a[i] = strdup(json_string_value(s))))
            return sp_err(c, ip, false, NULL, "out of memory");
        (*nout)++;
    }
    return 0;
}

