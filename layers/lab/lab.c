/* Lab files: loading and validating labs/ (*.json) (format: labs/README.md).
 * Every error names the file, line:col (found again from the JSON path, as
 * the seccomp parser does), the field, what was expected and the fix; a
 * lab is strict about unknown fields, because a misspelt "hints" would
 * otherwise vanish without a word. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "lab_int.h"
#include "escape.h"
#include "readfile.h"
#include "seccomp_int.h"

static const char *const kind_names[] = {"observe", "task", "quiz"};

const char *lab_step_kind_name(enum lab_step_kind k)
{
    return (unsigned)k < 3 ? kind_names[k] : "?";
}

int lab_lerr(struct lctx *c, const char *path, bool key, const char *hint, const char *fmt, ...)
{
    int line = 0, col = 0;
    sc_json_locate(c->text, c->len, path, key, &line, &col);
    char what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    isolab_err_set(c->err, EINVAL, "lab: %s:%d:%d: %s%s%s", c->name, line, col,
                   path && *path ? path : "", path && *path ? ": " : "", what);
    isolab_escape_inplace(c->err->msg, sizeof c->err->msg);
    if (hint)   /* isolab's own text (the flags' help has lines) */
        isolab_err_hint(c->err, "%s", hint);
    return -1;
}

const char *lab_json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "a number";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "true/false";
    default: return "null";
    }
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    size_t d[41][41];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

const char *lab_nearest(const char *s, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bd = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(s, names[i]);
        if (d < bd) {
            bd = d;
            best = names[i];
        }
    }
    return best;
}

int lab_check_keys(struct lctx *c, json_t *obj, const char *path, const char *const *known,
                      size_t n)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t i;
        for (i = 0; i < n; i++)
            if (!strcmp(key, known[i]))
                break;
        if (i < n)
            continue;
        char kp[256], hint[512];
        snprintf(kp, sizeof kp, "%s%s%s", path, *path ? "." : "", key);
        const char *near = lab_nearest(key, known, n);
        size_t len = 0;
        if (near)
            len = (size_t)snprintf(hint, sizeof hint, "did you mean \"%s\"? ", near);
        len += (size_t)snprintf(hint + len, sizeof hint - len, "known fields here:");
        for (i = 0; i < n && len < sizeof hint; i++)
            len += (size_t)snprintf(hint + len, sizeof hint - len, " %s", known[i]);
        return lab_lerr(c, kp, true, hint, "unknown field \"%s\"", key);
    }
    return 0;
}

int lab_get_str(struct lctx *c, json_t *obj, const char *key, const char *path, bool required,
                   const char *example, char **out)
{
    char kp[256];
    snprintf(kp, sizeof kp, "%s%s%s", path, *path ? "." : "", key);
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (!required) {
            *out = strdup("");
            return *out ? 0 : -1;
        }
        char hint[300];
        snprintf(hint, sizeof hint, "add \"%s\": %s", key, example);
        return lab_lerr(c, path, false, hint, "the field \"%s\" is missing", key);
    }
    if (!json_is_string(v)) {
        char hint[300];
        snprintf(hint, sizeof hint, "write it as \"%s\": %s", key, example);
        return lab_lerr(c, kp, false, hint, "expected a string, found %s", lab_json_kind(v));
    }
    if (required && !json_string_length(v)) {
        char hint[300];
        snprintf(hint, sizeof hint, "write it as \"%s\": %s", key, example);
        return lab_lerr(c, kp, false, hint, "must not be empty");
    }
    *out = strdup(json_string_value(v));
    return *out ? 0 : -1;
}

/* A list of strings; NULL-terminated copy in *out. */
int lab_get_strs(struct lctx *c, json_t *v, const char *path, const char *example,
                    char ***out, size_t *nout)
{
    if (!json_is_array(v))
        return lab_lerr(c, path, false, example, "expected a list of strings, found %s", lab_json_kind(v));
    size_t n = json_array_size(v);
    char **list = calloc(n + 1, sizeof *list);
    if (!list)
        return -1;
    *out = list;
    *nout = n;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s)) {
            char ep[256];
            snprintf(ep, sizeof ep, "%s[%zu]", path, i);
            return lab_lerr(c, ep, false, example, "expected a string, found %s", lab_json_kind(s));
        }
        if (!(list[i] = strdup(json_string_value(s))))
            return -1;
    }
    return 0;
}

void lab_free_strs(char **list, size_t n)
{
    if (!list)
        return;
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

int lab_layer_from_name(const char *s)
{
    if (!strcmp(s, "apparmor") || !strcmp(s, "landlock") || !strcmp(s, "mac"))
        return LAYER_LSM;
    if (!strcmp(s, "capabilities"))
        return LAYER_CAPS;
    if (!strcmp(s, "cgroup"))
        return LAYER_CGROUP;
    for (int id = 0; id < LAYER_COUNT; id++)
        if (!strcmp(s, layer_name(id)))
            return id;
    return -1;
}

int lab_get_layers(struct lctx *c, json_t *v, const char *path, unsigned int *mask)
{
    static const char hint[] =
        "list layer names: [\"seccomp\", \"lsm\", \"cgroups\", \"caps\", \"namespaces\"]";
    uint64_t m = *mask;
    int rc = lab_get_name_mask(c, v, path, hint, "layer", hint, lab_layer_from_name, &m);
    *mask = (unsigned int)m;
    return rc;
}

int lab_reject_keys(struct lctx *c, json_t *v, const char *path, const char *const *keys,
                    size_t n, const char *hint, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (json_object_get(v, keys[i])) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s.%s", path, keys[i]);
            return lab_lerr(c, sub, true, hint, "%s \"%s\"", what, keys[i]);
        }
    return 0;
}

int lab_get_name_mask(struct lctx *c, json_t *v, const char *path, const char *example,
                      const char *what, const char *unknown_hint, int (*from_name)(const char *),
                      uint64_t *mask)
{
    char **names = NULL;
    size_t n = 0;
    int rc = lab_get_strs(c, v, path, example, &names, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int id = from_name(names[i]);
        if (id < 0) {
            char ep[256];
            snprintf(ep, sizeof ep, "%s[%zu]", path, i);
            rc = lab_lerr(c, ep, false, unknown_hint, "unknown %s \"%s\"", what, names[i]);
        } else {
            *mask |= 1ull << id;
        }
    }
    lab_free_strs(names, n);
    return rc;
}

/* "FILE" in a seccomp=FILE flag: as given if absolute, else the data
 * directory's, else beside the lab file. */
char *lab_resolve_path(const char *rel, const char *dir)
{
    char buf[ISOLAB_PATH_MAX];
    if (rel[0] == '/')
        return strdup(rel);
    if (isolab_data_path(rel, buf, sizeof buf) == 0 && access(buf, R_OK) == 0)
        return strdup(buf);
    if (dir && snprintf(buf, sizeof buf, "%s/%s", dir, rel) < (int)sizeof buf &&
        access(buf, R_OK) == 0)
        return strdup(buf);
    return NULL;
}

int lab_apply_flags(struct lab_config *cfg, char *const *flags, size_t nflags, const char *dir,
                    struct isolab_err *err)
{
    char **argv = calloc(nflags + 1, sizeof *argv);
    if (!argv)
        return isolab_err_set(err, ENOMEM, "lab: out of memory");
    int rc = 0;
    for (size_t i = 0; i < nflags && rc == 0; i++) {
        const char *f = flags[i];
        if (!strncmp(f, "seccomp=", 8) && strcmp(f + 8, "unconfined") && f[8]) {
            char *p = lab_resolve_path(f + 8, dir);
            if (!p) {
                rc = isolab_err_set(err, ENOENT, "lab: seccomp profile %s not found", f + 8);
                isolab_err_hint(err, "paths in a lab are relative to isolab's data directory "
                                "(profiles/seccomp/...) or to the lab file's directory");
                break;
            }
            /* the rule run will apply: a FIFO or device would hang the check */
            int fd = isolab_file_open(p, ISOLAB_FILE_MAX, "lab: seccomp profile", err);
            if (fd < 0) {
                free(p);
                rc = -1;
                break;
            }
            close(fd);
            if (asprintf(&argv[i], "seccomp=%s", p) < 0)
                argv[i] = NULL;
            free(p);
        } else {
            argv[i] = strdup(f);
        }
        if (!argv[i])
            rc = isolab_err_set(err, ENOMEM, "lab: out of memory");
    }
    for (int i = 0; rc == 0 && i < (int)nflags;) {
        int r = lab_config_parse_flag(cfg, (int)nflags, argv, &i, err);
        if (r < 0) {
            rc = -1;
        } else if (r == 0) {
            rc = isolab_err_set(err, EINVAL, "lab: \"%s\" is not a layer flag", argv[i]);
            isolab_err_hint(err, "use the flags of 'isolab run', e.g. \"--cap-add\", \"SYS_TIME\"");
        }
    }
    lab_free_strs(argv, nflags);
    return rc;
}

int lab_setup_apply_dir(const struct lab_setup *s, const char *dir, struct lab_config *cfg,
                        struct isolab_err *err)
{
    lab_config_init_docker(cfg);
    if (s->preset && preset_apply(cfg, s->preset, err) < 0)
        return -1;
    return lab_apply_flags(cfg, s->flags, s->nflags, dir, err);
}

int lab_setup_apply(const struct lab_setup *s, struct lab_config *cfg, struct isolab_err *err)
{
    return lab_setup_apply_dir(s, NULL, cfg, err);
}

static int parse_setup(struct lctx *c, json_t *v, const char *path, struct lab_setup *s)
{
    static const char *const keys[] = {"preset", "flags"};
    static const char ex[] = "{\"preset\": \"docker\", \"flags\": [\"--cap-add\", \"SYS_TIME\"]}";
    if (!json_is_object(v))
        return lab_lerr(c, path, false, ex, "expected an object, found %s", lab_json_kind(v));
    if (lab_check_keys(c, v, path, keys, 2) < 0)
        return -1;
    s->given = true;
    json_t *p = json_object_get(v, "preset");
    if (p) {
        char pp[256];
        snprintf(pp, sizeof pp, "%s.preset", path);
        if (!json_is_string(p))
            return lab_lerr(c, pp, false, ex, "expected a preset name, found %s", lab_json_kind(p));
        s->preset = strdup(json_string_value(p));
    }
    json_t *f = json_object_get(v, "flags");
    char fp[256];
    snprintf(fp, sizeof fp, "%s.flags", path);
    if (f && lab_get_strs(c, f, fp, ex, &s->flags, &s->nflags) < 0)
        return -1;
    if (!s->flags && !(s->flags = calloc(1, sizeof *s->flags)))
        return -1;
    /* Apply it now: a bad preset or flag is an error in the lab file. */
    struct lab_config cfg;
    struct isolab_err e;
    isolab_err_clear(&e);
    if (lab_setup_apply_dir(s, c->dir, &cfg, &e) < 0) {
        const char *at = p && strstr(e.msg, "preset") ? "preset" : "flags";
        char ap[256];
        snprintf(ap, sizeof ap, "%s.%s", path, at);
        return lab_lerr(c, ap, false, e.hint[0] ? e.hint : NULL, "%s",
                    !strncmp(e.msg, "lab: ", 5) ? e.msg + 5 : e.msg);
    }
    return 0;
}

int lab_get_int(struct lctx *c, json_t *v, const char *path, long lo, long hi, long *out)
{
    if (!json_is_integer(v))
        return lab_lerr(c, path, false, NULL, "expected a whole number, found %s", lab_json_kind(v));
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi) {
        char hint[128];
        snprintf(hint, sizeof hint, "use a number from %ld to %ld", lo, hi);
        return lab_lerr(c, path, false, hint, "%lld is out of range", (long long)x);
    }
    *out = (long)x;
    return 0;
}


/* "needs": machine features the step depends on (skipped where absent). */
static int parse_needs(struct lctx *c, json_t *x, const char *path, struct lab_step *st)
{
    char sub[96];
    snprintf(sub, sizeof sub, "%s.needs", path);
    static const char *const known[] = {"lsm", "apparmor", "landlock", "cgroups", "cgroup-v2"};
    static const char hint[] = "needs lists machine features: \"lsm\", \"apparmor\", \"landlock\", "
                               "\"cgroups\", \"cgroup-v2\", \"syscall:NAME\" (" LAB_NEED_SYSCALLS ")";
    if (lab_get_strs(c, x, sub, hint, &st->needs, &st->nneeds) < 0)
        return -1;
    for (size_t i = 0; i < st->nneeds; i++) {
        size_t j;
        for (j = 0; j < 5 && strcmp(st->needs[i], known[j]); j++)
            ;
        const char *sc = strncmp(st->needs[i], "syscall:", 8) ? NULL : st->needs[i] + 8;
        if (sc && lab_need_syscall_known(sc))
            continue;
        if (j == 5) {
            snprintf(sub, sizeof sub, "%s.needs[%zu]", path, i);
            if (sc)
                return lab_lerr(c, sub, false, hint, "isolab cannot tell whether the kernel has "
                                "\"%s\" (it can for: " LAB_NEED_SYSCALLS ")", sc);
            return lab_lerr(c, sub, false, hint, "unknown feature \"%s\"", st->needs[i]);
        }
    }
    return 0;
}

static int parse_step(struct lctx *c, json_t *v, size_t idx, struct lab_step *st)
{
    static const char *const keys[] = {"kind", "title", "text", "explain", "notes", "config",
                                       "solution", "expect", "hints", "needs", "choices",
                                       "answer", "why_wrong"};
    char path[64];
    snprintf(path, sizeof path, "steps[%zu]", idx);
    sc_json_locate(c->text, c->len, path, false, &st->line, &st->col);
    if (!json_is_object(v))
        return lab_lerr(c, path, false, "a step is {\"kind\": \"observe\", \"title\": ..., \"text\": ..., \"expect\": [...]}",
                    "expected a step object, found %s", lab_json_kind(v));
    if (lab_check_keys(c, v, path, keys, sizeof keys / sizeof keys[0]) < 0)
        return -1;
    char *kind = NULL;
    if (lab_get_str(c, v, "kind", path, true, "\"observe\", \"task\" or \"quiz\"", &kind) < 0)
        return -1;
    int k;
    for (k = 0; k < 3 && strcmp(kind, kind_names[k]); k++)
        ;
    if (k == 3) {
        char kp[80];
        snprintf(kp, sizeof kp, "%s.kind", path);
        lab_lerr(c, kp, false, "use \"observe\" (the lab shows), \"task\" (the learner does) or \"quiz\"",
             "unknown step kind \"%s\"", kind);
        free(kind);
        return -1;
    }
    free(kind);
    st->kind = (enum lab_step_kind)k;
    if (lab_get_str(c, v, "title", path, true, "\"Block io_uring\"", &st->title) < 0 ||
        lab_get_str(c, v, "text", path, true, "\"What the learner reads.\"", &st->text) < 0 ||
        lab_get_str(c, v, "explain", path, false, "\"Why it came out that way.\"", &st->explain) < 0 ||
        lab_get_str(c, v, "notes", path, false, "\"For the presenter.\"", &st->notes) < 0)
        return -1;
    char sub[96];
    json_t *x;
    if ((x = json_object_get(v, "config"))) {
        snprintf(sub, sizeof sub, "%s.config", path);
        if (st->kind == LAB_QUIZ)
            return lab_lerr(c, sub, true, "remove \"config\" from the quiz, or make the step an observe step",
                        "a quiz has no configuration");
        if (parse_setup(c, x, sub, &st->config) < 0)
            return -1;
    }
    if ((x = json_object_get(v, "solution"))) {
        snprintf(sub, sizeof sub, "%s.solution", path);
        if (st->kind != LAB_TASK)
            return lab_lerr(c, sub, true, "only a task has a solution; remove it",
                        "a %s step has no solution", kind_names[st->kind]);
        if (parse_setup(c, x, sub, &st->solution) < 0)
            return -1;
    }
    if ((x = json_object_get(v, "hints"))) {
        snprintf(sub, sizeof sub, "%s.hints", path);
        if (lab_get_strs(c, x, sub, "\"hints\": [\"first nudge\", \"closer\", \"nearly the answer\"]",
                     &st->hints, &st->nhints) < 0)
            return -1;
    }
    if ((x = json_object_get(v, "needs")) && parse_needs(c, x, path, st) < 0)
        return -1;
    if (st->kind == LAB_QUIZ)
        return lab_parse_quiz(c, v, path, st);
    static const char *const quiz_only[] = {"choices", "answer", "why_wrong"};
    if (lab_reject_keys(c, v, path, quiz_only, 3, "make the step a \"quiz\" or remove the field",
                        "only a quiz has") < 0)
        return -1;
    if (st->kind == LAB_TASK && st->nhints == 0)
        return lab_lerr(c, path, false, "add \"hints\": [\"a first nudge\", ...]; the learner asks for them one at a time",
                    "a task needs at least one hint");
    x = json_object_get(v, "expect");
    if (!x || !json_is_array(x) || !json_array_size(x)) {
        snprintf(sub, sizeof sub, "%s%s", path, x ? ".expect" : "");
        return lab_lerr(c, sub, false,
                    "add \"expect\": [{\"probe\": \"unshare-user\", \"verdict\": \"blocked\", \"by\": [\"seccomp\"]}]",
                    "an %s step needs a non-empty \"expect\" list (what is checked)",
                    kind_names[st->kind]);
    }
    st->nexpect = json_array_size(x);
    if (!(st->expect = calloc(st->nexpect, sizeof *st->expect)))
        return -1;
    for (size_t i = 0; i < st->nexpect; i++) {
        snprintf(sub, sizeof sub, "%s.expect[%zu]", path, i);
        if (lab_parse_expect(c, json_array_get(x, i), sub, &st->expect[i]) < 0)
            return -1;
    }
    return 0;
}

static bool valid_id(const char *s)
{
    if (!*s || strlen(s) > 63)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return false;
    return true;
}

int lab_parse(const char *text, size_t len, const char *name, struct lab **out,
              struct isolab_err *err)
{
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        isolab_err_set(err, EINVAL, "lab: %s:%d:%d: not valid JSON: %s", name, je.line,
                       je.column, je.text);
        isolab_err_hint(err, "fix the JSON syntax there (a missing comma or quote is usual); "
                        "'jq . FILE' shows the same place");
        return -1;
    }
    char *dircopy = strdup(name);
    struct lctx c = {name, text, len, dircopy ? dirname(dircopy) : ".", err};
    struct lab *lab = calloc(1, sizeof *lab);
    int rc = -1;
    if (!lab || !(lab->path = strdup(name)))
        goto out;
    static const char *const keys[] = {"id", "order", "title", "goal", "minutes", "steps"};
    if (!json_is_object(root)) {
        lab_lerr(&c, "", false, "a lab is {\"id\": ..., \"title\": ..., \"goal\": ..., \"minutes\": 15, \"steps\": [...]}",
             "expected an object at the top, found %s", lab_json_kind(root));
        goto out;
    }
    if (lab_check_keys(&c, root, "", keys, 6) < 0 ||
        lab_get_str(&c, root, "id", "", true, "\"seccomp\"", &lab->id) < 0 ||
        lab_get_str(&c, root, "title", "", true, "\"Seccomp, the last line of defence\"", &lab->title) < 0 ||
        lab_get_str(&c, root, "goal", "", true, "\"What the learner can do afterwards.\"", &lab->goal) < 0)
        goto out;
    if (!valid_id(lab->id)) {
        lab_lerr(&c, "id", false, "use lower-case letters, digits and '-', e.g. \"seccomp-profiles\"",
             "\"%s\" is not a valid lab id", lab->id);
        goto out;
    }
    json_t *x = json_object_get(root, "minutes");
    long v = 0;
    if (!x) {
        lab_lerr(&c, "", false, "add \"minutes\": 15 (the estimated time)", "the field \"minutes\" is missing");
        goto out;
    }
    if (lab_get_int(&c, x, "minutes", 1, 600, &v) < 0)
        goto out;
    lab->minutes = (int)v;
    lab->order = 999;
    if ((x = json_object_get(root, "order"))) {
        if (lab_get_int(&c, x, "order", 0, 999, &v) < 0)
            goto out;
        lab->order = (int)v;
    }
    x = json_object_get(root, "steps");
    if (!x || !json_is_array(x) || !json_array_size(x)) {
        lab_lerr(&c, x ? "steps" : "", false, "add \"steps\": [{\"kind\": \"observe\", ...}]",
             "a lab needs a non-empty \"steps\" list");
        goto out;
    }
    lab->nsteps = json_array_size(x);
    if (lab->nsteps > LAB_MAX_STEPS) {
        lab_lerr(&c, "steps", false, "split the lab in two", "%zu steps; at most %d", lab->nsteps,
             LAB_MAX_STEPS);
        goto out;
    }
    if (!(lab->steps = calloc(lab->nsteps, sizeof *lab->steps)))
        goto out;
    for (size_t i = 0; i < lab->nsteps; i++)
        if (parse_step(&c, json_array_get(x, i), i, &lab->steps[i]) < 0)
            goto out;
    rc = 0;
    *out = lab;
    lab = NULL;
out:
    if (rc < 0 && !err->msg[0])
        isolab_err_set(err, ENOMEM, "lab: %s: out of memory", name);
    lab_free(lab);
    free(dircopy);
    json_decref(root);
    return rc;
}

int lab_load(const char *path, struct lab **out, struct isolab_err *err)
{
    *out = NULL;
    char *text = NULL;
    size_t len;
    if (isolab_read_file(path, ISOLAB_FILE_MAX, "lab", &text, &len, err) < 0) {
        if (err->errnum == ENOENT)
            isolab_err_hint(err, "give the path of a lab file (labs/*.json); 'isolab lab list' "
                            "shows the shipped ones");
        return -1;
    }
    int rc = lab_parse(text, len, path, out, err);
    free(text);
    return rc;
}

static void free_expect(struct lab_expect *e)
{
    free(e->why);
    if (e->argv)
        for (char **a = e->argv; *a; a++)
            free(*a);
    free(e->argv);
    free(e->output_re);
    free(e->syscall);
    free(e->arch);
    free(e->action);
}

static void free_setup(struct lab_setup *s)
{
    free(s->preset);
    lab_free_strs(s->flags, s->nflags);
}

void lab_free(struct lab *lab)
{
    if (!lab)
        return;
    for (size_t i = 0; lab->steps && i < lab->nsteps; i++) {
        struct lab_step *st = &lab->steps[i];
        free(st->title);
        free(st->text);
        free(st->explain);
        free(st->notes);
        free_setup(&st->config);
        free_setup(&st->solution);
        for (size_t k = 0; st->expect && k < st->nexpect; k++)
            free_expect(&st->expect[k]);
        free(st->expect);
        lab_free_strs(st->hints, st->nhints);
        lab_free_strs(st->needs, st->nneeds);
        lab_free_strs(st->choices, st->nchoices);
        lab_free_strs(st->why_wrong, st->nchoices);
    }
    free(lab->steps);
    free(lab->path);
    free(lab->id);
    free(lab->title);
    free(lab->goal);
    free(lab);
}

static int cmp_lab(const void *a, const void *b)
{
    const struct lab *x = *(struct lab *const *)a, *y = *(struct lab *const *)b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->id, y->id);
}

int lab_load_all(struct lab ***labs, size_t *n, struct isolab_err *err)
{
    *labs = NULL;
    *n = 0;
    char dir[ISOLAB_PATH_MAX];
    isolab_data_path("labs", dir, sizeof dir);
    DIR *d = opendir(dir);
    if (!d) {
        isolab_err_set(err, errno, "lab: %s: %s", dir, strerror(errno));
        isolab_err_hint(err, "isolab looks for labs/ beside the binary, else in its install "
                        "directory; run it from the source tree or 'make install'");
        return -1;
    }
    struct lab **list = NULL;
    size_t cnt = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".json") || de->d_name[0] == '.')
            continue;
        char path[ISOLAB_PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct lab *lab;
        if (lab_load(path, &lab, err) < 0) {
            rc = -1;
            break;
        }
        struct lab **nl = realloc(list, (cnt + 1) * sizeof *nl);
        if (!nl) {
            lab_free(lab);
            rc = isolab_err_set(err, ENOMEM, "lab: out of memory");
            break;
        }
        list = nl;
        list[cnt++] = lab;
        for (size_t i = 0; i + 1 < cnt; i++)
            if (!strcmp(list[i]->id, lab->id)) {
                rc = isolab_err_set(err, EINVAL, "lab: %s: id \"%s\" is also the id of %s",
                                    lab->path, lab->id, list[i]->path);
                isolab_err_hint(err, "give every lab its own id");
            }
        if (rc < 0)
            break;
    }
    closedir(d);
    if (rc < 0) {
        lab_free_all(list, cnt);
        return -1;
    }
    if (cnt)
        qsort(list, cnt, sizeof *list, cmp_lab);
    *labs = list;
    *n = cnt;
    return 0;
}

void lab_free_all(struct lab **labs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        lab_free(labs[i]);
    free(labs);
}

struct lab *lab_find(struct lab **labs, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(labs[i]->id, id))
            return labs[i];
    char *end;
    long k = strtol(id, &end, 10);
    if (*id && !*end && k >= 1 && (size_t)k <= n)
        return labs[k - 1];
    return NULL;
}

static char *lab_dir(const struct lab *lab, char *buf, size_t n)
{
    snprintf(buf, n, "%s", lab->path);
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(buf, n, ".");
    return buf;
}

int lab_step_config(const struct lab *lab, size_t step, struct lab_config *cfg,
                    struct isolab_err *err)
{
    char dir[ISOLAB_PATH_MAX];
    lab_dir(lab, dir, sizeof dir);
    for (size_t i = step + 1; i-- > 0;)
        if (i < lab->nsteps && lab->steps[i].config.given)
            return lab_setup_apply_dir(&lab->steps[i].config, dir, cfg, err);
    lab_config_init_docker(cfg);
    return 0;
}

int lab_step_solution_config(const struct lab *lab, size_t step, struct lab_config *cfg,
                             struct isolab_err *err)
{
    if (lab_step_config(lab, step, cfg, err) < 0)
        return -1;
    const struct lab_setup *s = &lab->steps[step].solution;
    if (!s->given)
        return 0;
    char dir[ISOLAB_PATH_MAX];
    lab_dir(lab, dir, sizeof dir);
    /* A solution is a change on top of the start: with a preset it
     * starts over from that preset, else its flags edit the start. */
    if (s->preset)
        return lab_setup_apply_dir(s, dir, cfg, err);
    return lab_apply_flags(cfg, s->flags, s->nflags, dir, err);
}

const char *lab_step_hint(const struct lab_step *st, size_t k)
{
    return k < st->nhints ? st->hints[k] : NULL;
}

int lab_quiz_answer(const struct lab_step *st, int choice, char *why, size_t n)
{
    if (st->kind != LAB_QUIZ || choice < 0 || (size_t)choice >= st->nchoices) {
        snprintf(why, n, "choose one of 1..%zu", st->nchoices);
        return 0;
    }
    if (choice == st->answer) {
        snprintf(why, n, "Right. %s", st->explain);
        return 1;
    }
    /* Only why this choice is wrong: the explanation names the answer,
     * and a learner who is told it has nothing left to think about. */
    const char *w = st->why_wrong && st->why_wrong[choice] ? st->why_wrong[choice] : "";
    snprintf(why, n, "Not quite: %s%sTry another.", w, *w ? " " : "");
    return 0;
}
