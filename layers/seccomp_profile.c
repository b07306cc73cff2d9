/* Loading Docker/OCI seccomp profiles (jansson) into the model of
 * seccomp_profile.h. Docker's rules for the format are kept (both
 * "architectures" and "archMap" is an error, both "name" and "names" is an
 * error, field names match in any case as Go's decoder does); every error
 * names the file, line:col, the JSON path, what was expected and the fix. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layer.h"
#include "seccomp_int.h"

#define PROFILE_MAX_BYTES (16u << 20)

struct pctx {
    const char *name;      /* file name for messages */
    const char *text;
    size_t len;
    struct isolab_err *err;
    struct seccomp_profile *p;
};

static void cleanup_json(json_t **j)
{
    if (*j)
        json_decref(*j);
}
#define _cleanup_json_ __attribute__((cleanup(cleanup_json)))

/* ---- messages ----------------------------------------------------------- */

static void where(const struct pctx *c, const char *path, bool key, char *buf, size_t n)
{
    int line, col;
    sc_json_locate(c->text, c->len, path, key, &line, &col);
    if (path && *path)
        snprintf(buf, n, "%s:%d:%d: %s", c->name, line, col, path);
    else
        snprintf(buf, n, "%s:%d:%d", c->name, line, col);
}

/* Sets "seccomp: FILE:L:C: PATH: what" and the hint; returns -1. */
__attribute__((format(printf, 5, 6)))
static int perr(struct pctx *c, const char *path, bool key, const char *hint,
                const char *fmt, ...)
{
    char loc[512], what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    where(c, path, key, loc, sizeof loc);
    isolab_err_set(c->err, EINVAL, "seccomp: %s: %s", loc, what);
    if (hint && *hint)
        isolab_err_hint(c->err, "%s", hint);
    return -1;
}

__attribute__((format(printf, 4, 5)))
static void pwarn(struct pctx *c, const char *path, bool key, const char *fmt, ...)
{
    char loc[512], what[512], *line = NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    where(c, path, key, loc, sizeof loc);
    if (asprintf(&line, "%s: %s", loc, what) < 0)
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
static void describe_json(const json_t *v, char *buf, size_t n)
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

static int type_err(struct pctx *c, const char *path, const json_t *v,
                    const char *expected, const char *hint)
{
    char found[100];
    describe_json(v, found, sizeof found);
    return perr(c, path, false, hint, "expected %s, found %s", expected, found);
}

/* ---- objects: members matched as Go matches them ------------------------ */

/* Exact name first, then any case (Go's encoding/json does that). */
static json_t *member(json_t *obj, const char *key)
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
static void check_keys(struct pctx *c, json_t *obj, const char *path,
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
            pwarn(c, kp, true, "field \"%s\" is read as \"%s\" (Docker matches field "
                  "names in any case); write \"%s\"", k, want, want);
            continue;
        }
        const char *near = sc_suggest(k, known, n);
        if (near)
            pwarn(c, kp, true, "unknown field \"%s\" is ignored; did you mean \"%s\"?", k, near);
        else
            pwarn(c, kp, true, "unknown field \"%s\" is ignored", k);
    }
}

/* For "missing field" errors: an unknown key close to the wanted one. */
static const char *near_key(json_t *obj, const char *wanted)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (strcasecmp(k, wanted) != 0 && sc_suggest(k, &wanted, 1))
            return k;
    }
    return NULL;
}

/* ---- scalar helpers ----------------------------------------------------- */

static int get_string(struct pctx *c, json_t *obj, const char *key, const char *path,
                      char **out)
{
    char kp[256];
    json_t *v = member(obj, key);
    *out = NULL;
    if (!v)
        return 0;
    snprintf(kp, sizeof kp, "%s%s%s", path, *path ? "." : "", key);
    if (!json_is_string(v)) {
        char hint[200];
        snprintf(hint, sizeof hint, "write it as a JSON string in double quotes: \"%s\": \"...\"", key);
        return type_err(c, kp, v, "a string", hint);
    }
    *out = strdup(json_string_value(v));
    return *out ? 0 : perr(c, kp, false, NULL, "out of memory");
}

/* An unsigned integer no larger than max. */
static int get_uint(struct pctx *c, json_t *v, const char *path, unsigned long long max,
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
        return type_err(c, path, v, "a non-negative integer", hint);
    }
    if (!json_is_integer(v)) {
        snprintf(hint, sizeof hint, "%s is a whole number, e.g. 1", what);
        return type_err(c, path, v, "a non-negative integer", hint);
    }
    json_int_t x = json_integer_value(v);
    if (x < 0 || (unsigned long long)x > max) {
        snprintf(hint, sizeof hint, "%s must be between 0 and %llu", what, max);
        return perr(c, path, false, hint, "%lld is out of range", (long long)x);
    }
    *out = (unsigned long long)x;
    return 0;
}

/* An array of strings (null = empty). */
static int get_strings(struct pctx *c, json_t *v, const char *path, const char *what,
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
        return type_err(c, path, v, "an array of strings", hint);
    }
    size_t n = json_array_size(v);
    char **a = calloc(n ? n : 1, sizeof *a);
    if (!a)
        return perr(c, path, false, NULL, "out of memory");
    *out = a;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(v, i);
        char ip[256];
        snprintf(ip, sizeof ip, "%s[%zu]", path, i);
        if (!json_is_string(s)) {
            snprintf(hint, sizeof hint, "every entry is %s in double quotes, e.g. %s", what, example);
            return type_err(c, ip, s, "a string", hint);
        }
        if (!*json_string_value(s)) {
            snprintf(hint, sizeof hint, "remove the empty string or write one of the %s", what);
            return perr(c, ip, false, hint, "empty name");
        }
        if (!(a[i] = strdup(json_string_value(s))))
            return perr(c, ip, false, NULL, "out of memory");
        (*nout)++;
    }
    return 0;
}

/* ---- architectures ------------------------------------------------------ */

static int arch_token(struct pctx *c, const char *name, const char *path, uint32_t *tok)
{
    *tok = sc_arch_from_name(name);
    if (*tok)
        return 0;
    const char *near = sc_suggest(name, sc_arch_names, sc_arch_count);
    char hint[600];
    if (near)
        snprintf(hint, sizeof hint, "did you mean \"%s\"? Known: %s", near, sc_arch_list());
    else
        snprintf(hint, sizeof hint, "known architectures: %s", sc_arch_list());
    return perr(c, path, false, hint, "unknown architecture \"%s\"", name);
}

static int add_arch(struct seccomp_profile *p, uint32_t tok)
{
    for (size_t i = 0; i < p->narches; i++)
        if (p->arches[i] == tok)
            return 0;
    uint32_t *a = realloc(p->arches, (p->narches + 1) * sizeof *a);
    if (!a)
        return -1;
    a[p->narches++] = tok;
    p->arches = a;
    return 0;
}

static int parse_architectures(struct pctx *c, json_t *v)
{
    char **names = NULL;
    size_t n = 0;
    int rc = get_strings(c, v, "architectures", "architecture names",
                         "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"]", &names, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char ip[64];
        uint32_t tok;
        snprintf(ip, sizeof ip, "architectures[%zu]", i);
        rc = arch_token(c, names[i], ip, &tok);
        if (rc == 0 && add_arch(c->p, tok) < 0)
            rc = perr(c, ip, false, NULL, "out of memory");
    }
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int parse_archmap(struct pctx *c, json_t *v)
{
    static const char *const keys[] = { "architecture", "subArchitectures" };
    struct seccomp_profile *p = c->p;
    if (!json_is_array(v))
        return type_err(c, "archMap", v, "an array of {\"architecture\": ..., "
                        "\"subArchitectures\": [...]} objects",
                        "write \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\", "
                        "\"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]}]");
    size_t n = json_array_size(v);
    p->archmap = calloc(n ? n : 1, sizeof *p->archmap);
    if (!p->archmap)
        return perr(c, "archMap", false, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        char ep[64], kp[96];
        snprintf(ep, sizeof ep, "archMap[%zu]", i);
        if (!json_is_object(e))
            return type_err(c, ep, e, "an object", "write {\"architecture\": "
                            "\"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\"]}");
        check_keys(c, e, ep, keys, 2);
        struct sc_archmap *m = &p->archmap[p->narchmap++];
        json_t *a = member(e, "architecture");
        snprintf(kp, sizeof kp, "%s.architecture", ep);
        if (!a)
            return perr(c, ep, false, "add \"architecture\": \"SCMP_ARCH_X86_64\" (or the "
                        "architecture this entry is for)", "missing field \"architecture\"");
        if (!json_is_string(a))
            return type_err(c, kp, a, "a string", "write e.g. \"architecture\": \"SCMP_ARCH_X86_64\"");
        if (arch_token(c, json_string_value(a), kp, &m->arch) < 0)
            return -1;
        if (add_arch(p, m->arch) < 0)
            return perr(c, kp, false, NULL, "out of memory");
        char **subs = NULL;
        size_t nsubs = 0;
        snprintf(kp, sizeof kp, "%s.subArchitectures", ep);
        int rc = get_strings(c, member(e, "subArchitectures"), kp, "architecture names",
                             "[\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]", &subs, &nsubs);
        if (rc == 0 && nsubs && !(m->subs = calloc(nsubs, sizeof *m->subs)))
            rc = perr(c, kp, false, NULL, "out of memory");
        for (size_t j = 0; rc == 0 && j < nsubs; j++) {
            char sp[128];
            snprintf(sp, sizeof sp, "%s[%zu]", kp, j);
            rc = arch_token(c, subs[j], sp, &m->subs[j]);
            if (rc == 0) {
                m->nsubs++;
                if (add_arch(p, m->subs[j]) < 0)
                    rc = perr(c, sp, false, NULL, "out of memory");
            }
        }
        for (size_t j = 0; subs && j < nsubs; j++)
            free(subs[j]);
        free(subs);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---- flags ---------------------------------------------------------------- */

static int parse_flags(struct pctx *c, json_t *v)
{
    struct seccomp_profile *p = c->p;
    if (get_strings(c, v, "flags", "flag names", "[\"SECCOMP_FILTER_FLAG_LOG\"]",
                    &p->flag_names, &p->nflags) < 0)
        return -1;
    for (size_t i = 0; i < p->nflags; i++) {
        char ip[64], hint[600];
        snprintf(ip, sizeof ip, "flags[%zu]", i);
        const char *f = p->flag_names[i];
        unsigned int bit = sc_flag_from_name(f);
        if (bit) {
            p->flags |= bit;
            continue;
        }
        if (strcmp(f, "SECCOMP_FILTER_FLAG_NEW_LISTENER") == 0 ||
            strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH") == 0)
            return perr(c, ip, false, "remove it: isolab sets it itself when a rule uses "
                        "SCMP_ACT_NOTIFY and \"listenerPath\" is given",
                        "flag \"%s\" cannot be given in a profile", f);
        const char *near = sc_suggest(f, sc_flag_names, sc_flag_count);
        if (near)
            snprintf(hint, sizeof hint, "did you mean \"%s\"? Known flags: %s", near, sc_flag_list());
        else
            snprintf(hint, sizeof hint, "known flags: %s", sc_flag_list());
        return perr(c, ip, false, hint, "unknown flag \"%s\"", f);
    }
    return 0;
}

/* ---- rules ---------------------------------------------------------------- */

static int parse_action(struct pctx *c, json_t *v, const char *path, enum sc_action *out)
{
    char hint[700];
    if (!json_is_string(v))
        return type_err(c, path, v, "an action name in double quotes",
                        "write e.g. \"SCMP_ACT_ERRNO\" or \"SCMP_ACT_ALLOW\"");
    const char *s = json_string_value(v);
    int a = sc_action_from_name(s);
    if (a >= 0) {
        *out = (enum sc_action)a;
        return 0;
    }
    const char *near = sc_suggest(s, sc_action_names, sc_action_count);
    if (near)
        snprintf(hint, sizeof hint, "did you mean \"%s\"?", near);
    else
        snprintf(hint, sizeof hint, "to refuse a call use \"SCMP_ACT_ERRNO\" (\"errnoRet\" "
                 "picks the errno); to let it through, \"SCMP_ACT_ALLOW\"");
    return perr(c, path, false, hint, "unknown action \"%s\"; expected one of %s", s,
                sc_action_list());
}

static int parse_arg(struct pctx *c, json_t *v, const char *path, struct sc_arg *a)
{
    static const char *const keys[] = { "index", "value", "valueTwo", "op" };
    char kp[256], hint[600];
    if (!json_is_object(v))
        return type_err(c, path, v, "an object",
                        "write {\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}");
    check_keys(c, v, path, keys, 4);
    unsigned long long x;
    json_t *idx = member(v, "index");
    snprintf(kp, sizeof kp, "%s.index", path);
    if (!idx)
        pwarn(c, path, false, "no \"index\": argument 0 is compared (as Docker does)");
    else if (get_uint(c, idx, kp, 5, "the argument index", &x) < 0)
        return -1;
    else
        a->index = (unsigned int)x;
    for (int two = 0; two < 2; two++) {
        json_t *val = member(v, two ? "valueTwo" : "value");
        snprintf(kp, sizeof kp, "%s.%s", path, two ? "valueTwo" : "value");
        if (!val)
            continue;
        if (!json_is_integer(val))
            return type_err(c, kp, val, "an integer",
                            "write the value as a number without quotes (decimal)");
        /* Values above 2^63-1 do not parse in jansson; a negative number is
         * taken as its 64-bit two's complement. */
        uint64_t u = (uint64_t)json_integer_value(val);
        if (two)
            a->value_two = u;
        else
            a->value = u;
    }
    json_t *op = member(v, "op");
    snprintf(kp, sizeof kp, "%s.op", path);
    if (!op)
        return perr(c, path, false, "add \"op\": \"SCMP_CMP_EQ\" (or another of "
                    "SCMP_CMP_NE, LT, LE, GE, GT, MASKED_EQ)", "missing field \"op\"");
    if (!json_is_string(op))
        return type_err(c, kp, op, "an operator name in double quotes",
                        "write e.g. \"op\": \"SCMP_CMP_EQ\"");
    a->op = sc_op_from_name(json_string_value(op));
    if (a->op < 0) {
        const char *near = sc_suggest(json_string_value(op), sc_op_names, sc_op_count);
        if (near)
            snprintf(hint, sizeof hint, "did you mean \"%s\"?", near);
        else
            snprintf(hint, sizeof hint, "SCMP_CMP_MASKED_EQ compares (arg & value) with "
                     "valueTwo; the others compare arg with value");
        return perr(c, kp, false, hint, "unknown operator \"%s\"; expected one of %s",
                    json_string_value(op), sc_op_list());
    }
    return 0;
}

static int parse_filter(struct pctx *c, json_t *v, const char *path, bool excludes,
                        struct sc_filter *f)
{
    static const char *const keys[] = { "caps", "arches", "minKernel" };
    char kp[256];
    if (!v)
        return 0;
    if (!json_is_object(v))
        return type_err(c, path, v, "an object",
                        "write {\"caps\": [\"CAP_SYS_ADMIN\"]}, {\"arches\": [\"amd64\"]} "
                        "or {\"minKernel\": \"5.8\"}");
    check_keys(c, v, path, keys, 3);

    snprintf(kp, sizeof kp, "%s.caps", path);
    if (get_strings(c, member(v, "caps"), kp, "capability names", "[\"CAP_SYS_ADMIN\"]",
                    &f->caps, &f->ncaps) < 0)
        return -1;
    for (size_t i = 0; i < f->ncaps; i++) {
        char ip[300];
        snprintf(ip, sizeof ip, "%s[%zu]", kp, i);
        int cap = isolab_cap_from_name(f->caps[i]);
        if (cap < 0) {
            f->cap_unknown = true;
            pwarn(c, ip, false, "unknown capability \"%s\": it is never present, so %s",
                  f->caps[i], excludes ? "it excludes nothing" : "this rule never applies");
            continue;
        }
        f->cap_mask |= 1ULL << cap;
        if (strncmp(f->caps[i], "CAP_", 4) != 0)
            pwarn(c, ip, false, "Docker compares capability names literally: write \"%s\"",
                  isolab_cap_name(cap));
    }

    snprintf(kp, sizeof kp, "%s.arches", path);
    if (get_strings(c, member(v, "arches"), kp, "architecture names", "[\"amd64\", \"arm64\"]",
                    &f->arches, &f->narches) < 0)
        return -1;
    if (f->narches && !(f->arch_tokens = calloc(f->narches, sizeof *f->arch_tokens)))
        return perr(c, kp, false, NULL, "out of memory");
    for (size_t i = 0; i < f->narches; i++) {
        f->arch_tokens[i] = sc_arch_from_name(f->arches[i]);
        if (!f->arch_tokens[i]) {
            char ip[300];
            snprintf(ip, sizeof ip, "%s[%zu]", kp, i);
            const char *near = sc_suggest(f->arches[i], sc_arch_names, sc_arch_count);
            pwarn(c, ip, false, "unknown architecture \"%s\" never matches%s%s%s", f->arches[i],
                  near ? "; did you mean \"" : "", near ? near : "", near ? "\"?" : "");
        }
    }

    json_t *mk = member(v, "minKernel");
    snprintf(kp, sizeof kp, "%s.minKernel", path);
    if (mk) {
        char hint[200];
        if (json_is_number(mk)) {
            snprintf(hint, sizeof hint, "put the version in quotes: \"minKernel\": \"%g\"",
                     json_number_value(mk));
            return type_err(c, kp, mk, "a version string \"major.minor\"", hint);
        }
        if (!json_is_string(mk))
            return type_err(c, kp, mk, "a version string \"major.minor\"",
                            "write e.g. \"minKernel\": \"5.8\"");
        const char *s = json_string_value(mk);
        f->min_kver = kernel_version_parse(s);
        if (!f->min_kver || strlen(s) >= sizeof f->min_kernel)
            return perr(c, kp, false, "write it as \"major.minor\", e.g. \"5.8\"",
                        "invalid kernel version \"%s\"", s);
        snprintf(f->min_kernel, sizeof f->min_kernel, "%s", s);
    }
    return 0;
}

/* The rule form that a list of bare names meant. */
static void meant_form(json_t *list, enum sc_action def, char *buf, size_t n)
{
    size_t len = (size_t)snprintf(buf, n, "{\"names\": [");
    size_t k = 0, i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (!json_is_string(v))
            continue;
        const char *s = json_string_value(v);
        if (len + strlen(s) + 80 > n) {
            len += (size_t)snprintf(buf + len, n - len, ", ...");
            break;
        }
        len += (size_t)snprintf(buf + len, n - len, "%s\"%s\"", k++ ? ", " : "", s);
    }
    /* A list of names usually lists the exceptions to the default. */
    const char *act = def == SC_ACT_ALLOW || def == SC_ACT_LOG ? "SCMP_ACT_ERRNO"
                                                                : "SCMP_ACT_ALLOW";
    if (len < n)
        snprintf(buf + len, n - len, "], \"action\": \"%s\"}", act);
}

static int parse_rule(struct pctx *c, json_t *r, size_t idx, struct sc_rule *out)
{
    static const char *const keys[] = { "name", "names", "action", "errnoRet", "args",
                                        "comment", "includes", "excludes" };
    char path[64], kp[128], hint[512];
    snprintf(path, sizeof path, "syscalls[%zu]", idx);
    if (!json_is_object(r))
        return type_err(c, path, r, "a rule object",
                        "write {\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\"}");
    check_keys(c, r, path, keys, sizeof keys / sizeof *keys);

    json_t *name = member(r, "name"), *names = member(r, "names");
    if (name && names && (!json_is_array(names) || json_array_size(names) > 0)) {
        snprintf(kp, sizeof kp, "%s.name", path);
        return perr(c, kp, true, "use either 'name' or 'names': put the name into the "
                    "\"names\" list and remove \"name\"",
                    "both 'name' and 'names' are given (Docker rejects this)");
    }
    if (name) {
        snprintf(kp, sizeof kp, "%s.name", path);
        if (!json_is_string(name) || !*json_string_value(name)) {
            if (json_is_array(name))
                return type_err(c, kp, name, "one syscall name as a string",
                                "for a list of syscalls use \"names\": [...] instead of \"name\"");
            return type_err(c, kp, name, "a syscall name as a string",
                            "write e.g. \"name\": \"chmod\", or better \"names\": [\"chmod\"]");
        }
        out->names = calloc(1, sizeof *out->names);
        if (!out->names || !(out->names[0] = strdup(json_string_value(name))))
            return perr(c, kp, false, NULL, "out of memory");
        out->nnames = 1;
    } else {
        snprintf(kp, sizeof kp, "%s.names", path);
        if (!names) {
            const char *nk = near_key(r, "names");
            if (nk)
                snprintf(hint, sizeof hint, "did you mean \"names\" instead of \"%s\"?", nk);
            else
                snprintf(hint, sizeof hint, "add the syscalls the rule is for, e.g. "
                         "\"names\": [\"chmod\", \"fchmod\"]");
            return perr(c, path, false, hint, "missing field \"names\"");
        }
        if (get_strings(c, names, kp, "syscall names", "[\"chmod\", \"fchmod\"]",
                        &out->names, &out->nnames) < 0)
            return -1;
        if (out->nnames == 0)
            return perr(c, kp, false, "list at least one syscall, or remove the rule",
                        "empty \"names\": the rule matches nothing");
    }

    json_t *act = member(r, "action");
    snprintf(kp, sizeof kp, "%s.action", path);
    if (!act) {
        const char *nk = near_key(r, "action");
        if (nk)
            snprintf(hint, sizeof hint, "did you mean \"action\" instead of \"%s\"?", nk);
        else
            snprintf(hint, sizeof hint, "add e.g. \"action\": \"SCMP_ACT_ALLOW\" or "
                     "\"action\": \"SCMP_ACT_ERRNO\"");
        return perr(c, path, false, hint, "missing field \"action\"");
    }
    if (parse_action(c, act, kp, &out->action) < 0)
        return -1;
    if (out->action == SC_ACT_NOTIFY) {
        if (!c->p->listener_path)
            return perr(c, kp, false, "add \"listenerPath\": \"/path/to/agent.sock\" at the "
                        "top level: the supervisor that answers the notifications listens there",
                        "SCMP_ACT_NOTIFY needs a \"listenerPath\"");
        for (size_t i = 0; i < out->nnames; i++)
            if (strcmp(out->names[i], "write") == 0)
                return perr(c, kp, false, "the supervisor could not be told about its own "
                            "writes; use another action for write",
                            "SCMP_ACT_NOTIFY cannot be used for \"write\"");
    }

    json_t *er = member(r, "errnoRet");
    if (er) {
        unsigned long long x;
        snprintf(kp, sizeof kp, "%s.errnoRet", path);
        if (get_uint(c, er, kp, 65535, "errnoRet", &x) < 0)
            return -1;
        if (out->action == SC_ACT_ERRNO || out->action == SC_ACT_TRACE) {
            out->has_errno = true;
            out->errno_ret = (unsigned int)x;
            if (x > SC_MAX_ERRNO)
                pwarn(c, kp, false, "errnoRet %llu is above %d: the kernel returns %d", x,
                      SC_MAX_ERRNO, SC_MAX_ERRNO);
        } else {
            pwarn(c, kp, true, "errnoRet is ignored with %s (it applies to SCMP_ACT_ERRNO "
                  "and SCMP_ACT_TRACE)", sc_action_name(out->action));
        }
    }

    json_t *args = member(r, "args");
    snprintf(kp, sizeof kp, "%s.args", path);
    if (args) {
        if (!json_is_array(args))
            return type_err(c, kp, args, "an array of argument conditions",
                            "write \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]"
                            " or leave \"args\" out");
        size_t n = json_array_size(args);
        if (n > 6 * 7)
            return perr(c, kp, false, "a syscall has six arguments; merge the conditions",
                        "%zu argument conditions", n);
        out->args = calloc(n ? n : 1, sizeof *out->args);
        if (!out->args)
            return perr(c, kp, false, NULL, "out of memory");
        for (size_t i = 0; i < n; i++) {
            char ap[160];
            snprintf(ap, sizeof ap, "%s[%zu]", kp, i);
            if (parse_arg(c, json_array_get(args, i), ap, &out->args[i]) < 0)
                return -1;
            out->nargs++;
        }
    }

    json_t *cm = member(r, "comment");
    if (cm && !json_is_string(cm)) {
        snprintf(kp, sizeof kp, "%s.comment", path);
        return type_err(c, kp, cm, "a string", "write the comment as one string in quotes");
    }
    if (cm && !(out->comment = strdup(json_string_value(cm))))
        return perr(c, path, false, NULL, "out of memory");

    snprintf(kp, sizeof kp, "%s.includes", path);
    if (parse_filter(c, member(r, "includes"), kp, false, &out->includes) < 0)
        return -1;
    snprintf(kp, sizeof kp, "%s.excludes", path);
    if (parse_filter(c, member(r, "excludes"), kp, true, &out->excludes) < 0)
        return -1;
    return 0;
}

static int parse_syscalls(struct pctx *c, json_t *v)
{
    struct seccomp_profile *p = c->p;
    char hint[512];
    if (!v)
        return 0;
    if (!json_is_array(v))
        return type_err(c, "syscalls", v, "an array of rule objects",
                        "write \"syscalls\": [{\"names\": [\"chmod\"], \"action\": "
                        "\"SCMP_ACT_ERRNO\"}]");
    size_t n = json_array_size(v);
    /* The common mistake: a list of syscall names instead of rules. */
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        if (json_is_string(e)) {
            char form[400], path[64];
            meant_form(v, p->default_action, form, sizeof form);
            snprintf(hint, sizeof hint, "\"syscalls\" holds rule objects, not names; "
                     "write: \"syscalls\": [%s]", form);
            snprintf(path, sizeof path, "syscalls[%zu]", i);
            return perr(c, path, false, hint, "the bare string \"%s\" where a rule object "
                        "was expected", json_string_value(e));
        }
    }
    p->rules = calloc(n ? n : 1, sizeof *p->rules);
    if (!p->rules)
        return perr(c, "syscalls", false, NULL, "out of memory");
    int *lines = calloc(n ? n : 1, sizeof *lines), *cols = calloc(n ? n : 1, sizeof *cols);
    if (!lines || !cols) {
        free(lines);
        free(cols);
        return perr(c, "syscalls", false, NULL, "out of memory");
    }
    sc_json_array_positions(c->text, c->len, "syscalls", lines, cols, n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct sc_rule *r = &p->rules[p->nrules++];
        r->line = lines[i];
        r->column = cols[i];
        rc = parse_rule(c, json_array_get(v, i), i, r);
    }
    free(lines);
    free(cols);
    return rc;
}

/* ---- the profile ----------------------------------------------------------- */

static int syntax_error(struct pctx *c, const json_error_t *je)
{
    const char *hint = "fix the JSON at that place (a missing comma, quote or bracket is "
                       "the usual cause); `jq . FILE` shows the same spot";
    char comma[300];
    const char *near = strstr(je->text, "expected near '");
    if (near && (strstr(je->text, "'}' expected") || strstr(je->text, "']' expected"))) {
        snprintf(comma, sizeof comma, "a comma is probably missing before %s; fix the JSON "
                 "there (`jq . FILE` shows the same spot)", near + strlen("expected near "));
        hint = comma;
    }
    if (strstr(je->text, "too big integer"))
        hint = "numbers above 9223372036854775807 do not fit; write such an argument "
               "value as a negative number (its 64-bit two's complement), e.g. -1 for "
               "0xffffffffffffffff";
    else if (strstr(je->text, "duplicate object key"))
        hint = "a field appears twice in the same object; keep one";
    else if (c->len == 0 || strstr(je->text, "end of file"))
        hint = "the file is empty or cut short; a profile starts with {\"defaultAction\": ...";
    isolab_err_set(c->err, EINVAL, "seccomp: %s:%d:%d: invalid JSON: %s", c->name,
                   je->line, je->column, je->text);
    isolab_err_hint(c->err, "%s", hint);
    return -1;
}

static int parse_root(struct pctx *c, json_t *root)
{
    static const char *const keys[] = { "defaultAction", "defaultErrnoRet", "architectures",
                                        "archMap", "flags", "listenerPath",
                                        "listenerMetadata", "syscalls" };
    struct seccomp_profile *p = c->p;
    char hint[512];
    if (!json_is_object(root)) {
        if (json_is_array(root) && json_array_size(root) &&
            json_is_string(json_array_get(root, 0))) {
            char form[400];
            meant_form(root, SC_ACT_ERRNO, form, sizeof form);
            snprintf(hint, sizeof hint, "a profile is an object; write {\"defaultAction\": "
                     "\"SCMP_ACT_ERRNO\", \"syscalls\": [%s]}", form);
        } else {
            snprintf(hint, sizeof hint, "a profile is an object: {\"defaultAction\": "
                     "\"SCMP_ACT_ERRNO\", \"syscalls\": [...]}");
        }
        return type_err(c, "", root, "an object", hint);
    }
    check_keys(c, root, "", keys, sizeof keys / sizeof *keys);

    json_t *da = member(root, "defaultAction");
    if (!da) {
        const char *nk = near_key(root, "defaultAction");
        if (nk)
            snprintf(hint, sizeof hint, "did you mean \"defaultAction\" instead of \"%s\"?", nk);
        else
            snprintf(hint, sizeof hint, "add \"defaultAction\": \"SCMP_ACT_ERRNO\" (refuse "
                     "what the rules do not allow) or \"SCMP_ACT_ALLOW\" (allow what they "
                     "do not refuse)");
        return perr(c, "", false, hint, "missing field \"defaultAction\"");
    }
    if (parse_action(c, da, "defaultAction", &p->default_action) < 0)
        return -1;
    if (p->default_action == SC_ACT_NOTIFY)
        return perr(c, "defaultAction", false, "use SCMP_ACT_NOTIFY in rules for the "
                    "syscalls the supervisor handles",
                    "SCMP_ACT_NOTIFY cannot be the default action");
    json_t *der = member(root, "defaultErrnoRet");
    if (der) {
        unsigned long long x;
        if (get_uint(c, der, "defaultErrnoRet", 65535, "defaultErrnoRet", &x) < 0)
            return -1;
        p->has_default_errno = true;
        p->default_errno = (unsigned int)x;
        if (x > SC_MAX_ERRNO)
            pwarn(c, "defaultErrnoRet", false, "defaultErrnoRet %llu is above %d: the kernel "
                  "returns %d", x, SC_MAX_ERRNO, SC_MAX_ERRNO);
        if (p->default_action != SC_ACT_ERRNO && p->default_action != SC_ACT_TRACE)
            pwarn(c, "defaultErrnoRet", true, "defaultErrnoRet is ignored with %s",
                  sc_action_name(p->default_action));
    }

    json_t *archs = member(root, "architectures"), *amap = member(root, "archMap");
    if (archs && amap && (!json_is_array(archs) || json_array_size(archs)) &&
        (!json_is_array(amap) || json_array_size(amap)))
        return perr(c, "archMap", true, "use either 'architectures' or 'archMap': "
                    "remove one of them",
                    "both 'architectures' and 'archMap' are given (Docker rejects this)");
    if (archs && parse_architectures(c, archs) < 0)
        return -1;
    if (amap && parse_archmap(c, amap) < 0)
        return -1;

    if (parse_flags(c, member(root, "flags")) < 0)
        return -1;
    if (get_string(c, root, "listenerPath", "", &p->listener_path) < 0 ||
        get_string(c, root, "listenerMetadata", "", &p->listener_metadata) < 0)
        return -1;
    if (p->listener_path && !*p->listener_path) {
        free(p->listener_path);
        p->listener_path = NULL;
    }
    if (p->listener_path && p->listener_path[0] != '/')
        return perr(c, "listenerPath", false, "give the absolute path of the supervisor's "
                    "unix socket", "listenerPath \"%s\" is not an absolute path",
                    p->listener_path);
    return parse_syscalls(c, member(root, "syscalls"));
}

int seccomp_profile_parse(const char *text, size_t len, const char *name,
                          struct seccomp_profile **out, struct isolab_err *err)
{
    struct pctx c = { .name = name ? name : "<profile>", .text = text, .len = len, .err = err };
    json_error_t je;
    *out = NULL;
    /* No JSON_DECODE_ANY: the root must be an object (or array, rejected
     * below with the form that was meant). */
    _cleanup_json_ json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return syntax_error(&c, &je);
    c.p = calloc(1, sizeof *c.p);
    if (!c.p || !(c.p->path = strdup(c.name))) {
        free(c.p);
        return isolab_err_set(err, ENOMEM, "seccomp: %s: out of memory", c.name);
    }
    c.p->text_hash = sc_fnv1a(SC_FNV_INIT, text, len);
    if (parse_root(&c, root) < 0) {
        seccomp_profile_free(c.p);
        return -1;
    }
    *out = c.p;
    return 0;
}

int seccomp_profile_load(const char *path, struct seccomp_profile **out,
                         struct isolab_err *err)
{
    *out = NULL;
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        isolab_err_set(err, e, "seccomp: cannot open profile %s: %s", path, strerror(e));
        isolab_err_hint(err, e == ENOENT ? "check the path given with --security-opt "
                        "seccomp=FILE, or use seccomp=unconfined for no filter"
                        : "check that the file is readable");
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > PROFILE_MAX_BYTES) {
        isolab_err_set(err, EINVAL, "seccomp: %s is not a regular file of at most 16 MiB", path);
        isolab_err_hint(err, "give the path of a Docker/OCI seccomp JSON profile");
        return -1;
    }
    _cleanup_free_ char *buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        return isolab_err_set(err, ENOMEM, "seccomp: %s: out of memory", path);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return isolab_err_set(err, errno, "seccomp: reading %s: %s", path, strerror(errno));
        if (r == 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    return seccomp_profile_parse(buf, got, path, out, err);
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static void free_filter(struct sc_filter *f)
{
    free_strv(f->caps, f->ncaps);
    free_strv(f->arches, f->narches);
    free(f->arch_tokens);
}

void seccomp_profile_free(struct seccomp_profile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nrules; i++) {
        struct sc_rule *r = &p->rules[i];
        free_strv(r->names, r->nnames);
        free(r->args);
        free_filter(&r->includes);
        free_filter(&r->excludes);
        free(r->comment);
    }
    free(p->rules);
    for (size_t i = 0; i < p->narchmap; i++)
        free(p->archmap[i].subs);
    free(p->archmap);
    free(p->arches);
    free_strv(p->flag_names, p->nflags);
    free_strv(p->warnings, p->nwarnings);
    free(p->listener_path);
    free(p->listener_metadata);
    free(p->path);
    free(p);
}
