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
#include "readfile.h"
#include "seccomp_parse.h"


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
    return sp_err(c, path, false, hint, "unknown architecture \"%s\"", name);
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
    int rc = sp_get_strings(c, v, "architectures", "architecture names",
                         "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"]", &names, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char ip[64];
        uint32_t tok;
        snprintf(ip, sizeof ip, "architectures[%zu]", i);
        rc = arch_token(c, names[i], ip, &tok);
        if (rc == 0 && add_arch(c->p, tok) < 0)
            rc = sp_err(c, ip, false, NULL, "out of memory");
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
        return sp_type_err(c, "archMap", v, "an array of {\"architecture\": ..., "
                        "\"subArchitectures\": [...]} objects",
                        "write \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\", "
                        "\"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]}]");
    size_t n = json_array_size(v);
    p->archmap = calloc(n ? n : 1, sizeof *p->archmap);
    if (!p->archmap)
        return sp_err(c, "archMap", false, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        char ep[64], kp[96];
        snprintf(ep, sizeof ep, "archMap[%zu]", i);
        if (!json_is_object(e))
            return sp_type_err(c, ep, e, "an object", "write {\"architecture\": "
                            "\"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\"]}");
        sp_check_keys(c, e, ep, keys, 2);
        struct sc_archmap *m = &p->archmap[p->narchmap++];
        const char *a = sp_required_string(c, e, ep, "architecture", "add \"architecture\": "
                                           "\"SCMP_ARCH_X86_64\" (or the architecture this entry "
                                           "is for)", "a string", "write e.g. \"architecture\": "
                                           "\"SCMP_ARCH_X86_64\"");
        if (!a)
            return -1;
        snprintf(kp, sizeof kp, "%s.architecture", ep);
        if (arch_token(c, a, kp, &m->arch) < 0)
            return -1;
        if (add_arch(p, m->arch) < 0)
            return sp_err(c, kp, false, NULL, "out of memory");
        char **subs = NULL;
        size_t nsubs = 0;
        snprintf(kp, sizeof kp, "%s.subArchitectures", ep);
        int rc = sp_get_strings(c, sp_member(e, "subArchitectures"), kp, "architecture names",
                             "[\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]", &subs, &nsubs);
        if (rc == 0 && nsubs && !(m->subs = calloc(nsubs, sizeof *m->subs)))
            rc = sp_err(c, kp, false, NULL, "out of memory");
        for (size_t j = 0; rc == 0 && j < nsubs; j++) {
            char sp[128];
            snprintf(sp, sizeof sp, "%s[%zu]", kp, j);
            rc = arch_token(c, subs[j], sp, &m->subs[j]);
            if (rc == 0) {
                m->nsubs++;
                if (add_arch(p, m->subs[j]) < 0)
                    rc = sp_err(c, sp, false, NULL, "out of memory");
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
    if (sp_get_strings(c, v, "flags", "flag names", "[\"SECCOMP_FILTER_FLAG_LOG\"]",
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
            return sp_err(c, ip, false, "remove it: isolab sets it itself when a rule uses "
                        "SCMP_ACT_NOTIFY and \"listenerPath\" is given",
                        "flag \"%s\" cannot be given in a profile", f);
        const char *near = sc_suggest(f, sc_flag_names, sc_flag_count);
        if (near)
            snprintf(hint, sizeof hint, "did you mean \"%s\"? Known flags: %s", near, sc_flag_list());
        else
            snprintf(hint, sizeof hint, "known flags: %s", sc_flag_list());
        return sp_err(c, ip, false, hint, "unknown flag \"%s\"", f);
    }
    return 0;
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
            bool deny = sp_meant_form(root, SC_ACT_ERRNO, form, sizeof form);
            snprintf(hint, sizeof hint, "a profile is an object; write {\"defaultAction\": "
                     "\"%s\", \"syscalls\": [%s]}", deny ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO",
                     form);
        } else {
            snprintf(hint, sizeof hint, "a profile is an object: {\"defaultAction\": "
                     "\"SCMP_ACT_ERRNO\", \"syscalls\": [...]}");
        }
        return sp_type_err(c, "", root, "an object", hint);
    }
    sp_check_keys(c, root, "", keys, sizeof keys / sizeof *keys);

    json_t *da = sp_member(root, "defaultAction");
    if (!da)
        return sp_missing(c, root, "", "defaultAction", "add \"defaultAction\": \"SCMP_ACT_ERRNO\" "
                          "(refuse what the rules do not allow) or \"SCMP_ACT_ALLOW\" (allow "
                          "what they do not refuse)");
    if (sp_parse_action(c, da, "defaultAction", &p->default_action) < 0)
        return -1;
    if (p->default_action == SC_ACT_NOTIFY)
        return sp_err(c, "defaultAction", false, "use SCMP_ACT_NOTIFY in rules for the "
                    "syscalls the supervisor handles",
                    "SCMP_ACT_NOTIFY cannot be the default action");
    json_t *der = sp_member(root, "defaultErrnoRet");
    if (der) {
        unsigned long long x;
        if (sp_get_uint(c, der, "defaultErrnoRet", 65535, "defaultErrnoRet", &x) < 0)
            return -1;
        p->has_default_errno = true;
        p->default_errno = (unsigned int)x;
        if (x > SC_MAX_ERRNO)
            sp_warn(c, "defaultErrnoRet", false, "defaultErrnoRet %llu is above %d: the kernel "
                  "returns %d", x, SC_MAX_ERRNO, SC_MAX_ERRNO);
        if (p->default_action != SC_ACT_ERRNO && p->default_action != SC_ACT_TRACE)
            sp_warn(c, "defaultErrnoRet", true, "defaultErrnoRet is ignored with %s",
                  sc_action_name(p->default_action));
    }

    json_t *archs = sp_member(root, "architectures"), *amap = sp_member(root, "archMap");
    if (archs && amap && (!json_is_array(archs) || json_array_size(archs)) &&
        (!json_is_array(amap) || json_array_size(amap)))
        return sp_err(c, "archMap", true, "use either 'architectures' or 'archMap': "
                    "remove one of them",
                    "both 'architectures' and 'archMap' are given (Docker rejects this)");
    if (archs && parse_architectures(c, archs) < 0)
        return -1;
    if (amap && parse_archmap(c, amap) < 0)
        return -1;

    if (parse_flags(c, sp_member(root, "flags")) < 0)
        return -1;
    if (sp_get_string(c, root, "listenerPath", "", &p->listener_path) < 0 ||
        sp_get_string(c, root, "listenerMetadata", "", &p->listener_metadata) < 0)
        return -1;
    if (p->listener_path && !*p->listener_path) {
        free(p->listener_path);
        p->listener_path = NULL;
    }
    if (p->listener_path && p->listener_path[0] != '/')
        return sp_err(c, "listenerPath", false, "give the absolute path of the supervisor's "
                    "unix socket", "listenerPath \"%s\" is not an absolute path",
                    p->listener_path);
    return sp_parse_syscalls(c, sp_member(root, "syscalls"));
}

int seccomp_profile_parse(const char *text, size_t len, const char *name,
                          struct seccomp_profile **out, struct isolab_err *err)
{
    struct pctx c = { .name = name ? name : "<profile>", .text = text, .len = len, .err = err };
    json_error_t je;
    *out = NULL;
    /* run, lint and the editor judge a text by the same limit */
    if (isolab_check_size(c.name, len, ISOLAB_FILE_MAX, "seccomp", err) < 0)
        return -1;
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
    c.p->text_hash = sc_hash64(SC_HASH_INIT, text, len);
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
    _cleanup_free_ char *buf = NULL;
    size_t len;
    if (isolab_read_file(path, ISOLAB_FILE_MAX, "seccomp", &buf, &len, err) < 0) {
        if (err->errnum == ENOENT)
            isolab_err_hint(err, "check the path given with --security-opt seccomp=FILE, "
                            "or use seccomp=unconfined for no filter");
        return -1;
    }
    return seccomp_profile_parse(buf, len, path, out, err);
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

