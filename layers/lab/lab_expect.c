/* Parsing a lab step's expectations and a quiz (format: labs/README.md). */
#include <errno.h>
#include <regex.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_int.h"
#include "seccomp_int.h"

static const char probe_ex[] =
    "{\"probe\": \"unshare-user\", \"verdict\": \"blocked\", \"by\": [\"seccomp\"]}";

static int errno_from_name(const char *s)
{
    for (int e = 1; e < 134; e++) {
        const char *n = strerrorname_np(e);
        if (n && !strcmp(n, s))
            return e;
    }
    return 0;
}

uint32_t lab_arch_token(const char *name)
{
    static const struct { const char *name; uint32_t tok; } arches[] = {
        {"x86_64", SCMP_ARCH_X86_64}, {"amd64", SCMP_ARCH_X86_64}, {"x86", SCMP_ARCH_X86},
        {"i386", SCMP_ARCH_X86}, {"x32", SCMP_ARCH_X32}, {"aarch64", SCMP_ARCH_AARCH64},
        {"arm64", SCMP_ARCH_AARCH64}, {"arm", SCMP_ARCH_ARM},
    };
    for (size_t i = 0; i < sizeof arches / sizeof arches[0]; i++)
        if (!strcmp(name, arches[i].name))
            return arches[i].tok;
    return 0;
}

static int parse_probe(struct lctx *c, json_t *v, const char *path, struct lab_expect *e)
{
    static const char *const keys[] = {"probe", "verdict", "errno", "by", "not_by", "min_layers", "why"};
    if (lab_check_keys(c, v, path, keys, sizeof keys / sizeof keys[0]) < 0)
        return -1;
    char sub[160];
    snprintf(sub, sizeof sub, "%s.probe", path);
    json_t *p = json_object_get(v, "probe");
    if (!json_is_string(p))
        return lab_lerr(c, sub, false, probe_ex, "expected a probe id, found %s", lab_json_kind(p));
    e->kind = LAB_EXPECT_PROBE;
    e->probe = probe_index(json_string_value(p));
    if (e->probe < 0) {
        const char *ids[256];
        size_t nids = probe_count < 256 ? probe_count : 256;
        for (size_t i = 0; i < nids; i++)
            ids[i] = probe_catalogue[i].id;
        const char *best = lab_nearest(json_string_value(p), ids, nids);
        for (size_t i = 0; i < probe_count && !best; i++)
            if (strstr(probe_catalogue[i].id, json_string_value(p)))
                best = probe_catalogue[i].id;
        char hint[200];
        snprintf(hint, sizeof hint, "%s%s%s'isolab probe' lists every probe id",
                 best ? "did you mean \"" : "", best ? best : "", best ? "\"? " : "");
        return lab_lerr(c, sub, false, hint, "unknown probe \"%s\"", json_string_value(p));
    }
    char *verdict = NULL;
    if (lab_get_str(c, v, "verdict", path, true, "\"blocked\" or \"allowed\"", &verdict) < 0)
        return -1;
    int bad = 0;
    if (!strcmp(verdict, "blocked"))
        e->verdict = PROBE_BLOCKED;
    else if (!strcmp(verdict, "allowed"))
        e->verdict = PROBE_ALLOWED;
    else
        bad = 1;
    free(verdict);
    if (bad) {
        snprintf(sub, sizeof sub, "%s.verdict", path);
        return lab_lerr(c, sub, false, "use \"blocked\" or \"allowed\"", "unknown verdict");
    }
    json_t *x;
    if ((x = json_object_get(v, "errno"))) {
        snprintf(sub, sizeof sub, "%s.errno", path);
        if (!json_is_string(x) || !(e->errnum = errno_from_name(json_string_value(x))))
            return lab_lerr(c, sub, false, "use an errno name such as \"EPERM\" or \"EACCES\"",
                            "not an errno name");
    }
    if ((x = json_object_get(v, "by"))) {
        snprintf(sub, sizeof sub, "%s.by", path);
        if (lab_get_layers(c, x, sub, &e->by) < 0)
            return -1;
    }
    if ((x = json_object_get(v, "not_by"))) {
        snprintf(sub, sizeof sub, "%s.not_by", path);
        if (lab_get_layers(c, x, sub, &e->not_by) < 0)
            return -1;
        if (e->by & e->not_by)
            return lab_lerr(c, sub, false, "a layer goes in \"by\" or \"not_by\", not both",
                            "a layer is in both \"by\" and \"not_by\"");
    }
    if ((x = json_object_get(v, "min_layers"))) {
        long m;
        snprintf(sub, sizeof sub, "%s.min_layers", path);
        if (lab_get_int(c, x, sub, 1, LAYER_COUNT, &m) < 0)
            return -1;
        e->min_layers = (int)m;
    }
    if (e->verdict == PROBE_ALLOWED && (e->by || e->min_layers || e->errnum)) {
        snprintf(sub, sizeof sub, "%s.verdict", path);
        return lab_lerr(c, sub, false, "\"by\", \"min_layers\" and \"errno\" describe a block: use \"verdict\": \"blocked\" or drop them",
                        "an allowed probe is blocked by no layer");
    }
    return 0;
}

/* An optional regular expression at path (x NULL: none). */
static int get_regex(struct lctx *c, json_t *x, const char *path, const char *ex, char **out)
{
    if (!x)
        return 0;
    if (!json_is_string(x))
        return lab_lerr(c, path, false, ex, "expected a regular expression, found %s", lab_json_kind(x));
    regex_t re;
    int rc = regcomp(&re, json_string_value(x), REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
    if (rc) {
        char msg[160];
        regerror(rc, &re, msg, sizeof msg);
        return lab_lerr(c, path, false, "write a POSIX extended regular expression (grep -E)",
                        "bad regular expression: %s", msg);
    }
    regfree(&re);
    return (*out = strdup(json_string_value(x))) ? 0 : -1;
}

static int parse_command(struct lctx *c, json_t *v, const char *path, struct lab_expect *e)
{
    static const char *const keys[] = {"command", "exit", "output", "why"};
    static const char ex[] = "{\"command\": [\"unshare\", \"-U\", \"true\"], \"exit\": 1, \"output\": \"Operation not permitted\"}";
    if (lab_check_keys(c, v, path, keys, sizeof keys / sizeof keys[0]) < 0)
        return -1;
    char sub[160];
    snprintf(sub, sizeof sub, "%s.command", path);
    json_t *x = json_object_get(v, "command");
    e->kind = LAB_EXPECT_COMMAND;
    if (json_is_string(x)) {
        e->argv = calloc(4, sizeof *e->argv);
        if (!e->argv || !(e->argv[0] = strdup("/bin/sh")) || !(e->argv[1] = strdup("-c")) ||
            !(e->argv[2] = strdup(json_string_value(x))))
            return -1;
    } else {
        size_t n;
        if (lab_get_strs(c, x, sub, ex, &e->argv, &n) < 0)
            return -1;
        if (!n)
            return lab_lerr(c, sub, false, ex, "the command is empty");
    }
    e->exit_status = -1;
    if ((x = json_object_get(v, "exit"))) {
        snprintf(sub, sizeof sub, "%s.exit", path);
        if (json_is_string(x) && !strcmp(json_string_value(x), "nonzero")) {
            e->exit_status = -2;
        } else if (json_is_string(x) && !strcmp(json_string_value(x), "any")) {
            e->exit_status = -1;
        } else {
            long s;
            if (lab_get_int(c, x, sub, 0, 255, &s) < 0) {
                isolab_err_hint(c->err, "use a status 0..255, \"nonzero\" or \"any\" "
                                "(125: isolab could not start the sandbox)");
                return -1;
            }
            e->exit_status = (int)s;
        }
    }
    snprintf(sub, sizeof sub, "%s.output", path);
    return get_regex(c, json_object_get(v, "output"), sub, ex, &e->output_re);
}

/* {"profile": "refused", "error": "REGEX"} or {"profile": "loads"}: what
 * the learner sees when the configuration's seccomp profile is loaded --
 * the TUI's error line and `isolab run`'s message are the same text. */
static int parse_profile(struct lctx *c, json_t *v, const char *path, struct lab_expect *e)
{
    static const char *const keys[] = {"profile", "error", "why"};
    static const char ex[] = "{\"profile\": \"refused\", \"error\": \"syscalls\\\\[0\\\\]: the bare string\"}";
    if (lab_check_keys(c, v, path, keys, 3) < 0)
        return -1;
    char sub[160];
    snprintf(sub, sizeof sub, "%s.profile", path);
    json_t *x = json_object_get(v, "profile");
    e->kind = LAB_EXPECT_PROFILE;
    if (!json_is_string(x) || (strcmp(json_string_value(x), "loads") &&
                               strcmp(json_string_value(x), "refused")))
        return lab_lerr(c, sub, false, ex, "expected \"loads\" or \"refused\", found %s",
                        lab_json_kind(x));
    e->profile_loads = !strcmp(json_string_value(x), "loads");
    x = json_object_get(v, "error");
    snprintf(sub, sizeof sub, "%s.error", path);
    if (x && e->profile_loads)
        return lab_lerr(c, sub, true, "a profile that loads has no error; remove \"error\"",
                        "\"error\" with \"profile\": \"loads\"");
    return get_regex(c, x, sub, ex, &e->output_re);
}

static int parse_namespace(struct lctx *c, json_t *v, const char *path, struct lab_expect *e)
{
    static const char *const keys[] = {"namespace", "shared", "why"};
    static const char ex[] = "{\"namespace\": \"pid\", \"shared\": false}";
    if (lab_check_keys(c, v, path, keys, 3) < 0)
        return -1;
    char sub[160];
    snprintf(sub, sizeof sub, "%s.namespace", path);
    json_t *x = json_object_get(v, "namespace");
    e->kind = LAB_EXPECT_NAMESPACE;
    if (!json_is_string(x) || (e->ns = ns_from_name(json_string_value(x))) < 0)
        return lab_lerr(c, sub, false, "use user, pid, mnt, uts, ipc, net, cgroup or time",
                        "expected a namespace name");
    x = json_object_get(v, "shared");
    if (!json_is_boolean(x))
        return lab_lerr(c, path, false, ex, "\"shared\": true or false is missing");
    e->shared = json_is_true(x);
    return 0;
}

static int parse_syscall(struct lctx *c, json_t *v, const char *path, struct lab_expect *e,
                         bool seccomp)
{
    static const char *const skeys[] = {"syscall", "arch", "number", "why"};
    static const char *const pkeys[] = {"seccomp", "arch", "action", "why"};
    static const char sex[] = "{\"syscall\": \"openat\", \"arch\": \"aarch64\", \"number\": 56}";
    static const char pex[] = "{\"seccomp\": \"chmod\", \"arch\": \"x86\", \"action\": \"errno\"}";
    const char *ex = seccomp ? pex : sex;
    if (lab_check_keys(c, v, path, seccomp ? pkeys : skeys, 4) < 0)
        return -1;
    const char *key = seccomp ? "seccomp" : "syscall";
    e->kind = seccomp ? LAB_EXPECT_SECCOMP : LAB_EXPECT_SYSCALL;
    if (lab_get_str(c, v, key, path, true, "\"chmod\"", &e->syscall) < 0 ||
        lab_get_str(c, v, "arch", path, !seccomp, "\"x86_64\"", &e->arch) < 0)
        return -1;
    char sub[160];
    snprintf(sub, sizeof sub, "%s.arch", path);
    if (*e->arch && !lab_arch_token(e->arch))
        return lab_lerr(c, sub, false, "use x86_64, x86, x32, aarch64 or arm", "unknown architecture \"%s\"", e->arch);
    if (seccomp) {
        if (lab_get_str(c, v, "action", path, true, "\"errno\"", &e->action) < 0)
            return -1;
        static const char *const acts[] = {"allow", "errno", "kill", "trap", "log", "blocked"};
        for (size_t i = 0; i < 6; i++)
            if (!strcmp(e->action, acts[i]))
                return 0;
        snprintf(sub, sizeof sub, "%s.action", path);
        return lab_lerr(c, sub, false, "use allow, errno, kill, trap, log, or blocked (anything but allow)",
                        "unknown action \"%s\"", e->action);
    }
    json_t *x = json_object_get(v, "number");
    snprintf(sub, sizeof sub, "%s.number", path);
    if (!x)
        return lab_lerr(c, path, false, ex, "\"number\" is missing (null: the syscall does not exist there)");
    if (json_is_null(x)) {
        e->number = -1;
        return 0;
    }
    if (!json_is_integer(x) || json_integer_value(x) < 0)
        return lab_lerr(c, sub, false, ex, "expected a syscall number or null, found %s", lab_json_kind(x));
    e->number = (long)json_integer_value(x);
    return 0;
}

static int parse_caps(struct lctx *c, json_t *v, const char *path, struct lab_expect *e)
{
    static const char *const keys[] = {"caps", "why"};
    static const char *const ckeys[] = {"at_most", "has", "lacks"};
    static const char ex[] = "{\"caps\": {\"at_most\": 2, \"has\": [\"NET_BIND_SERVICE\"], \"lacks\": [\"SYS_ADMIN\"]}}";
    if (lab_check_keys(c, v, path, keys, 2) < 0)
        return -1;
    char sub[160];
    snprintf(sub, sizeof sub, "%s.caps", path);
    json_t *o = json_object_get(v, "caps");
    if (!json_is_object(o))
        return lab_lerr(c, sub, false, ex, "expected an object, found %s", lab_json_kind(o));
    if (lab_check_keys(c, o, sub, ckeys, 3) < 0)
        return -1;
    e->kind = LAB_EXPECT_CAPS;
    e->caps_at_most = -1;
    json_t *x;
    if ((x = json_object_get(o, "at_most"))) {
        long m;
        char ap[200];
        snprintf(ap, sizeof ap, "%s.at_most", sub);
        if (lab_get_int(c, x, ap, 0, 64, &m) < 0)
            return -1;
        e->caps_at_most = (int)m;
    }
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "lacks" : "has";
        if (!(x = json_object_get(o, key)))
            continue;
        char ap[200];
        snprintf(ap, sizeof ap, "%s.%s", sub, key);
        if (lab_get_name_mask(c, x, ap, ex, "capability",
                              "use Docker's spelling: \"SYS_ADMIN\" or \"CAP_SYS_ADMIN\"",
                              isolab_cap_from_name, k ? &e->caps_lacks : &e->caps_has) < 0)
            return -1;
    }
    return 0;
}

int lab_parse_expect(struct lctx *c, json_t *v, const char *path, struct lab_expect *e)
{
    static const char ex[] = "one of {\"probe\": ...}, {\"command\": ...}, {\"namespace\": ...}, "
                             "{\"syscall\": ...}, {\"seccomp\": ...}, {\"caps\": ...}, "
                             "{\"profile\": ...}";
    sc_json_locate(c->text, c->len, path, false, &e->line, &e->col);
    if (!json_is_object(v))
        return lab_lerr(c, path, false, ex, "expected an expectation object, found %s", lab_json_kind(v));
    static const char *const kinds[] = {"probe", "command", "namespace", "syscall", "seccomp", "caps",
                                        "profile"};
    int found = -1;
    for (int k = 0; k < 7; k++)
        if (json_object_get(v, kinds[k])) {
            if (found >= 0)
                return lab_lerr(c, path, false, "split it into two expectations",
                                "both \"%s\" and \"%s\" in one expectation", kinds[found], kinds[k]);
            found = k;
        }
    int rc;
    switch (found) {
    case 0: rc = parse_probe(c, v, path, e); break;
    case 1: rc = parse_command(c, v, path, e); break;
    case 2: rc = parse_namespace(c, v, path, e); break;
    case 3: rc = parse_syscall(c, v, path, e, false); break;
    case 4: rc = parse_syscall(c, v, path, e, true); break;
    case 5: rc = parse_caps(c, v, path, e); break;
    case 6: rc = parse_profile(c, v, path, e); break;
    default:
        return lab_lerr(c, path, false, ex, "an expectation needs one of probe, command, namespace, "
                        "syscall, seccomp, caps or profile");
    }
    if (rc < 0)
        return -1;
    return lab_get_str(c, v, "why", path, false, "\"why it matters\"", &e->why);
}

int lab_parse_quiz(struct lctx *c, json_t *v, const char *path, struct lab_step *st)
{
    static const char ex[] = "\"choices\": [\"one\", \"two\", \"three\"], \"answer\": 2, "
                             "\"why_wrong\": [\"why one is wrong\", null, \"why three is wrong\"]";
    char sub[160];
    static const char *const not_quiz[] = {"expect", "hints", "needs"};
    if (lab_reject_keys(c, v, path, not_quiz, 3, "a quiz has choices, an answer and why_wrong; "
                        "remove the field", "a quiz has no") < 0)
        return -1;
    json_t *x = json_object_get(v, "choices");
    snprintf(sub, sizeof sub, "%s.choices", path);
    if (!x)
        return lab_lerr(c, path, false, ex, "a quiz needs \"choices\"");
    if (lab_get_strs(c, x, sub, ex, &st->choices, &st->nchoices) < 0)
        return -1;
    if (st->nchoices < 2 || st->nchoices > 9)
        return lab_lerr(c, sub, false, ex, "%zu choices; give 2 to 9", st->nchoices);
    x = json_object_get(v, "answer");
    snprintf(sub, sizeof sub, "%s.answer", path);
    if (!x)
        return lab_lerr(c, path, false, ex, "a quiz needs \"answer\" (1 = the first choice)");
    long a;
    if (lab_get_int(c, x, sub, 1, (long)st->nchoices, &a) < 0)
        return -1;
    st->answer = (int)a - 1;
    if (!st->explain[0])
        return lab_lerr(c, path, false, "add \"explain\": \"why the answer is right\"",
                        "a quiz needs \"explain\"");
    st->why_wrong = calloc(st->nchoices + 1, sizeof *st->why_wrong);
    if (!st->why_wrong)
        return -1;
    x = json_object_get(v, "why_wrong");
    snprintf(sub, sizeof sub, "%s.why_wrong", path);
    if (!x)
        return lab_lerr(c, path, false, ex, "a quiz needs \"why_wrong\": a reason for every wrong choice");
    if (!json_is_array(x) || json_array_size(x) != st->nchoices)
        return lab_lerr(c, sub, false, ex, "expected a list of %zu entries, one per choice (null for the answer)",
                        st->nchoices);
    for (size_t i = 0; i < st->nchoices; i++) {
        json_t *w = json_array_get(x, i);
        char ep[200];
        snprintf(ep, sizeof ep, "%s[%zu]", sub, i);
        if (json_is_string(w) && json_string_length(w)) {
            if (!(st->why_wrong[i] = strdup(json_string_value(w))))
                return -1;
        } else if (!json_is_null(w) || (int)i != st->answer) {
            return lab_lerr(c, ep, false, "explain why this choice is wrong; null only for the answer",
                            (int)i == st->answer ? "expected null or a string, found %s"
                                                 : "a wrong choice needs a reason, found %s",
                            lab_json_kind(w));
        }
    }
    return 0;
}
