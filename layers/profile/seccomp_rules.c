/* The "syscalls" rules of a Docker/OCI seccomp profile: names (or the old
 * name), action, errnoRet, args with every SCMP_CMP_* operator,
 * includes/excludes on caps, arches and minKernel, comment. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layer.h"
#include "seccomp_parse.h"

/* ---- rules ---------------------------------------------------------------- */

/* "unknown WHAT "s"; expected one of LIST": the hint names the closest of
 * names, else it is otherwise. Returns -1. */
static int unknown_name(struct pctx *c, const char *path, const char *what, const char *s,
                        const char *const *names, size_t n, const char *list,
                        const char *otherwise)
{
    char hint[700];
    const char *near = sc_suggest(s, names, n);
    if (near)
        snprintf(hint, sizeof hint, "did you mean \"%s\"?", near);
    else
        snprintf(hint, sizeof hint, "%s", otherwise);
    return sp_err(c, path, false, hint, "unknown %s \"%s\"; expected one of %s", what, s, list);
}

int sp_parse_action(struct pctx *c, json_t *v, const char *path, enum sc_action *out)
{
    if (!json_is_string(v))
        return sp_type_err(c, path, v, "an action name in double quotes",
                        "write e.g. \"SCMP_ACT_ERRNO\" or \"SCMP_ACT_ALLOW\"");
    const char *s = json_string_value(v);
    int a = sc_action_from_name(s);
    if (a >= 0) {
        *out = (enum sc_action)a;
        return 0;
    }
    return unknown_name(c, path, "action", s, sc_action_names, sc_action_count, sc_action_list(),
                        "to refuse a call use \"SCMP_ACT_ERRNO\" (\"errnoRet\" picks the "
                        "errno); to let it through, \"SCMP_ACT_ALLOW\"");
}

static int parse_arg(struct pctx *c, json_t *v, const char *path, struct sc_arg *a)
{
    static const char *const keys[] = { "index", "value", "valueTwo", "op" };
    char kp[256];
    if (!json_is_object(v))
        return sp_type_err(c, path, v, "an object",
                        "write {\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}");
    sp_check_keys(c, v, path, keys, 4);
    unsigned long long x;
    json_t *idx = sp_member(v, "index");
    snprintf(kp, sizeof kp, "%s.index", path);
    if (!idx)
        sp_warn(c, path, false, "no \"index\": argument 0 is compared (as Docker does)");
    else if (sp_get_uint(c, idx, kp, 5, "the argument index", &x) < 0)
        return -1;
    else
        a->index = (unsigned int)x;
    for (int two = 0; two < 2; two++) {
        json_t *val = sp_member(v, two ? "valueTwo" : "value");
        snprintf(kp, sizeof kp, "%s.%s", path, two ? "valueTwo" : "value");
        if (!val)
            continue;
        if (!json_is_integer(val))
            return sp_type_err(c, kp, val, "an integer",
                            "write the value as a number without quotes (decimal)");
        /* Values above 2^63-1 do not parse in jansson; a negative number is
         * taken as its 64-bit two's complement. */
        uint64_t u = (uint64_t)json_integer_value(val);
        if (two)
            a->value_two = u;
        else
            a->value = u;
    }
    const char *op = sp_required_string(c, v, path, "op", "add \"op\": \"SCMP_CMP_EQ\" (or "
                                        "another of SCMP_CMP_NE, LT, LE, GE, GT, MASKED_EQ)",
                                        "an operator name in double quotes",
                                        "write e.g. \"op\": \"SCMP_CMP_EQ\"");
    if (!op)
        return -1;
    snprintf(kp, sizeof kp, "%s.op", path);
    a->op = sc_op_from_name(op);
    if (a->op < 0)
        return unknown_name(c, kp, "operator", op, sc_op_names, sc_op_count, sc_op_list(),
                            "SCMP_CMP_MASKED_EQ compares (arg & value) with valueTwo; the "
                            "others compare arg with value");
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
        return sp_type_err(c, path, v, "an object",
                        "write {\"caps\": [\"CAP_SYS_ADMIN\"]}, {\"arches\": [\"amd64\"]} "
                        "or {\"minKernel\": \"5.8\"}");
    sp_check_keys(c, v, path, keys, 3);

    snprintf(kp, sizeof kp, "%s.caps", path);
    if (sp_get_strings(c, sp_member(v, "caps"), kp, "capability names", "[\"CAP_SYS_ADMIN\"]",
                    &f->caps, &f->ncaps) < 0)
        return -1;
    for (size_t i = 0; i < f->ncaps; i++) {
        char ip[300];
        snprintf(ip, sizeof ip, "%s[%zu]", kp, i);
        int cap = isolab_cap_from_name(f->caps[i]);
        if (cap < 0) {
            f->cap_unknown = true;
            sp_warn(c, ip, false, "unknown capability \"%s\": it is never present, so %s",
                  f->caps[i], excludes ? "it excludes nothing" : "this rule never applies");
            continue;
        }
        f->cap_mask |= 1ULL << cap;
        if (strncmp(f->caps[i], "CAP_", 4) != 0)
            sp_warn(c, ip, false, "Docker compares capability names literally: write \"%s\"",
                  isolab_cap_name(cap));
    }

    snprintf(kp, sizeof kp, "%s.arches", path);
    if (sp_get_strings(c, sp_member(v, "arches"), kp, "architecture names", "[\"amd64\", \"arm64\"]",
                    &f->arches, &f->narches) < 0)
        return -1;
    if (f->narches && !(f->arch_tokens = calloc(f->narches, sizeof *f->arch_tokens)))
        return sp_err(c, kp, false, NULL, "out of memory");
    for (size_t i = 0; i < f->narches; i++) {
        f->arch_tokens[i] = sc_arch_from_name(f->arches[i]);
        if (!f->arch_tokens[i]) {
            char ip[300];
            snprintf(ip, sizeof ip, "%s[%zu]", kp, i);
            const char *near = sc_suggest(f->arches[i], sc_arch_names, sc_arch_count);
            sp_warn(c, ip, false, "unknown architecture \"%s\" never matches%s%s%s", f->arches[i],
                  near ? "; did you mean \"" : "", near ? near : "", near ? "\"?" : "");
        }
    }

    json_t *mk = sp_member(v, "minKernel");
    snprintf(kp, sizeof kp, "%s.minKernel", path);
    if (mk) {
        char hint[200];
        if (json_is_number(mk)) {
            snprintf(hint, sizeof hint, "put the version in quotes: \"minKernel\": \"%g\"",
                     json_number_value(mk));
            return sp_type_err(c, kp, mk, "a version string \"major.minor\"", hint);
        }
        if (!json_is_string(mk))
            return sp_type_err(c, kp, mk, "a version string \"major.minor\"",
                            "write e.g. \"minKernel\": \"5.8\"");
        const char *s = json_string_value(mk);
        f->min_kver = kernel_version_parse(s);
        if (!f->min_kver || strlen(s) >= sizeof f->min_kernel)
            return sp_err(c, kp, false, "write it as \"major.minor\", e.g. \"5.8\"",
                        "invalid kernel version \"%s\"", s);
        snprintf(f->min_kernel, sizeof f->min_kernel, "%s", s);
    }
    return 0;
}

/* The names of a bare list, as {"names": [...], "action": ACT}. */
static void names_form(json_t *list, const char *act, char *buf, size_t n)
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
    if (len < n)
        snprintf(buf + len, n - len, "], \"action\": \"%s\"}", act);
}

static bool denies(enum sc_action a)
{
    return a != SC_ACT_ALLOW && a != SC_ACT_LOG && a != SC_ACT_NOTIFY;
}

/* Under a denying default, a list without execve cannot be an allowlist:
 * read so, no program could even start. Such a list names what was meant
 * to be denied (a workshop's no_uring.json: the three io_uring calls under
 * SCMP_ACT_ERRNO). */
static bool meant_as_denials(json_t *list, enum sc_action def, size_t *nnames)
{
    size_t i, n = 0;
    json_t *v;
    bool exec = false;
    json_array_foreach(list, i, v) {
        if (!json_is_string(v))
            continue;
        n++;
        exec |= !strcmp(json_string_value(v), "execve") ||
                !strcmp(json_string_value(v), "execveat");
    }
    *nnames = n;
    return !denies(def) || !exec;
}

bool sp_meant_form(json_t *list, enum sc_action def, char *buf, size_t n)
{
    size_t nn;
    bool deny = meant_as_denials(list, def, &nn);
    names_form(list, deny ? "SCMP_ACT_ERRNO" : "SCMP_ACT_ALLOW", buf, n);
    return deny;
}

/* "syscalls" holds a bare string at index i: the error reads what the
 * names were meant to do. Under an allowing default they are the
 * exceptions (deny them). Under a denying default they are an allowlist
 * only if a program could start under it; otherwise the literal reading
 * (allow just these) is the opposite of the intent, and the error says
 * what it would do and shows the deny form. */
static int bare_strings_error(struct pctx *c, json_t *list, size_t i)
{
    char form[400], dform[300], hint[512], path[64];
    size_t nn;
    enum sc_action def = c->p->default_action;
    const char *s = json_string_value(json_array_get(list, i));
    snprintf(path, sizeof path, "syscalls[%zu]", i);
    bool deny = meant_as_denials(list, def, &nn);
    if (!denies(def) || !deny) {
        sp_meant_form(list, def, form, sizeof form);
        snprintf(hint, sizeof hint, "\"syscalls\" holds rule objects, not names; write: "
                 "\"syscalls\": [%s]", form);
        return sp_err(c, path, false, hint, "the bare string \"%s\" where a rule object "
                      "was expected", s);
    }
    names_form(list, "SCMP_ACT_ERRNO", dform, sizeof dform);
    char count[48];
    if (nn == 1)
        snprintf(count, sizeof count, "this one syscall");
    else
        snprintf(count, sizeof count, "these %zu syscalls", nn);
    snprintf(hint, sizeof hint, "to deny them, write {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
             "\"syscalls\": [%s]}; better, copy profiles/seccomp/docker-default.json and "
             "keep these names out of its rules, as Docker's own profile does for io_uring",
             dform);
    return sp_err(c, path, false, hint, "the bare string \"%s\" where a rule object was "
                  "expected. Read literally, {\"names\": [...], \"action\": "
                  "\"SCMP_ACT_ALLOW\"} under \"defaultAction\": \"%s\" would allow %s "
                  "and nothing else: execve is not among them, so no program could even start",
                  s, sc_action_name(def), count);
}

/* "name" (the old form) or "names". */
static int parse_rule_names(struct pctx *c, json_t *r, const char *path, struct sc_rule *out)
{
    char kp[128];
    json_t *name = sp_member(r, "name"), *names = sp_member(r, "names");
    if (name && names && (!json_is_array(names) || json_array_size(names) > 0)) {
        snprintf(kp, sizeof kp, "%s.name", path);
        return sp_err(c, kp, true, "use either 'name' or 'names': put the name into the "
                    "\"names\" list and remove \"name\"",
                    "both 'name' and 'names' are given (Docker rejects this)");
    }
    if (name) {
        snprintf(kp, sizeof kp, "%s.name", path);
        if (!json_is_string(name) || !*json_string_value(name)) {
            if (json_is_array(name))
                return sp_type_err(c, kp, name, "one syscall name as a string",
                                "for a list of syscalls use \"names\": [...] instead of \"name\"");
            return sp_type_err(c, kp, name, "a syscall name as a string",
                            "write e.g. \"name\": \"chmod\", or better \"names\": [\"chmod\"]");
        }
        out->names = calloc(1, sizeof *out->names);
        if (!out->names || !(out->names[0] = strdup(json_string_value(name))))
            return sp_err(c, kp, false, NULL, "out of memory");
        out->nnames = 1;
    } else {
        snprintf(kp, sizeof kp, "%s.names", path);
        if (!names)
            return sp_missing(c, r, path, "names", "add the syscalls the rule is for, e.g. "
                              "\"names\": [\"chmod\", \"fchmod\"]");
        if (sp_get_strings(c, names, kp, "syscall names", "[\"chmod\", \"fchmod\"]",
                        &out->names, &out->nnames) < 0)
            return -1;
        if (out->nnames == 0)
            return sp_err(c, kp, false, "list at least one syscall, or remove the rule",
                        "empty \"names\": the rule matches nothing");
    }

    return 0;
}

/* "action" and "errnoRet". */
static int parse_rule_action(struct pctx *c, json_t *r, const char *path, struct sc_rule *out)
{
    char kp[128];
    json_t *act = sp_member(r, "action");
    snprintf(kp, sizeof kp, "%s.action", path);
    if (!act)
        return sp_missing(c, r, path, "action", "add e.g. \"action\": \"SCMP_ACT_ALLOW\" or "
                          "\"action\": \"SCMP_ACT_ERRNO\"");
    if (sp_parse_action(c, act, kp, &out->action) < 0)
        return -1;
    if (out->action == SC_ACT_NOTIFY) {
        if (!c->p->listener_path)
            return sp_err(c, kp, false, "add \"listenerPath\": \"/path/to/agent.sock\" at the "
                        "top level: the supervisor that answers the notifications listens there",
                        "SCMP_ACT_NOTIFY needs a \"listenerPath\"");
        for (size_t i = 0; i < out->nnames; i++)
            if (strcmp(out->names[i], "write") == 0)
                return sp_err(c, kp, false, "the supervisor could not be told about its own "
                            "writes; use another action for write",
                            "SCMP_ACT_NOTIFY cannot be used for \"write\"");
    }

    json_t *er = sp_member(r, "errnoRet");
    if (er) {
        unsigned long long x;
        snprintf(kp, sizeof kp, "%s.errnoRet", path);
        if (sp_get_uint(c, er, kp, 65535, "errnoRet", &x) < 0)
            return -1;
        if (out->action == SC_ACT_ERRNO || out->action == SC_ACT_TRACE) {
            out->has_errno = true;
            out->errno_ret = (unsigned int)x;
            if (x > SC_MAX_ERRNO)
                sp_warn(c, kp, false, "errnoRet %llu is above %d: the kernel returns %d", x,
                      SC_MAX_ERRNO, SC_MAX_ERRNO);
        } else {
            sp_warn(c, kp, true, "errnoRet is ignored with %s (it applies to SCMP_ACT_ERRNO "
                  "and SCMP_ACT_TRACE)", sc_action_name(out->action));
        }
    }

    return 0;
}

static int parse_rule_args(struct pctx *c, json_t *r, const char *path, struct sc_rule *out)
{
    char kp[128];
    json_t *args = sp_member(r, "args");
    snprintf(kp, sizeof kp, "%s.args", path);
    if (args) {
        if (!json_is_array(args))
            return sp_type_err(c, kp, args, "an array of argument conditions",
                            "write \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]"
                            " or leave \"args\" out");
        size_t n = json_array_size(args);
        if (n > 6 * 7)
            return sp_err(c, kp, false, "a syscall has six arguments; merge the conditions",
                        "%zu argument conditions", n);
        out->args = calloc(n ? n : 1, sizeof *out->args);
        if (!out->args)
            return sp_err(c, kp, false, NULL, "out of memory");
        for (size_t i = 0; i < n; i++) {
            char ap[160];
            snprintf(ap, sizeof ap, "%s[%zu]", kp, i);
            if (parse_arg(c, json_array_get(args, i), ap, &out->args[i]) < 0)
                return -1;
            out->nargs++;
        }
    }

    return 0;
}

static int parse_rule(struct pctx *c, json_t *r, size_t idx, struct sc_rule *out)
{
    static const char *const keys[] = { "name", "names", "action", "errnoRet", "args",
                                        "comment", "includes", "excludes" };
    char path[64], kp[128];
    snprintf(path, sizeof path, "syscalls[%zu]", idx);
    if (!json_is_object(r))
        return sp_type_err(c, path, r, "a rule object",
                        "write {\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\"}");
    sp_check_keys(c, r, path, keys, sizeof keys / sizeof *keys);
    if (parse_rule_names(c, r, path, out) < 0 || parse_rule_action(c, r, path, out) < 0 ||
        parse_rule_args(c, r, path, out) < 0)
        return -1;

    json_t *cm = sp_member(r, "comment");
    if (cm && !json_is_string(cm)) {
        snprintf(kp, sizeof kp, "%s.comment", path);
        return sp_type_err(c, kp, cm, "a string", "write the comment as one string in quotes");
    }
    if (cm && !(out->comment = strdup(json_string_value(cm))))
        return sp_err(c, path, false, NULL, "out of memory");

    snprintf(kp, sizeof kp, "%s.includes", path);
    if (parse_filter(c, sp_member(r, "includes"), kp, false, &out->includes) < 0)
        return -1;
    snprintf(kp, sizeof kp, "%s.excludes", path);
    if (parse_filter(c, sp_member(r, "excludes"), kp, true, &out->excludes) < 0)
        return -1;
    return 0;
}

int sp_parse_syscalls(struct pctx *c, json_t *v)
{
    struct seccomp_profile *p = c->p;
    if (!v)
        return 0;
    if (!json_is_array(v))
        return sp_type_err(c, "syscalls", v, "an array of rule objects",
                        "write \"syscalls\": [{\"names\": [\"chmod\"], \"action\": "
                        "\"SCMP_ACT_ERRNO\"}]");
    size_t n = json_array_size(v);
    /* The common mistake: a list of syscall names instead of rules. */
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        if (json_is_string(e))
            return bare_strings_error(c, v, i);
    }
    p->rules = calloc(n ? n : 1, sizeof *p->rules);
    if (!p->rules)
        return sp_err(c, "syscalls", false, NULL, "out of memory");
    int *lines = calloc(n ? n : 1, sizeof *lines), *cols = calloc(n ? n : 1, sizeof *cols);
    if (!lines || !cols) {
        free(lines);
        free(cols);
        return sp_err(c, "syscalls", false, NULL, "out of memory");
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

