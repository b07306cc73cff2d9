/* isolab lint / diff / syscalls: the command-line side (explain is in
 * cmd_explain.c). The work is done in layers/profile/ (lint.c, sc_diff.c,
 * the seccomp model); this file parses arguments and prints. */
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_flags.h"
#include "cli_json.h"
#include "cmd_profiles.h"
#include "isolab.h"
#include "lint.h"
#include "sc_diff.h"
#include "seccomp_profile.h"

/* A profile argument: a path, or a name in profiles/seccomp/ with or
 * without ".json" ("docker-default"). */
static void resolve_profile(const char *arg, char *out, size_t n)
{
    snprintf(out, n, "%s", arg);
    if (access(arg, F_OK) == 0 || strchr(arg, '/'))
        return;
    char rel[512];
    snprintf(rel, sizeof rel, "profiles/seccomp/%s", arg);
    isolab_data_path(rel, out, n);
    if (access(out, F_OK) == 0)
        return;
    snprintf(rel, sizeof rel, "profiles/seccomp/%s.json", arg);
    isolab_data_path(rel, out, n);
    if (access(out, F_OK) != 0)
        snprintf(out, n, "%s", arg);
}

static int parse_arch(const char *s, uint32_t *arch)
{
    uint32_t a = sc_arch_from_name(s);
    if (!a && !strcmp(s, "x86_64"))
        a = SCMP_ARCH_X86_64;
    if (!a && !strcmp(s, "aarch64"))
        a = SCMP_ARCH_AARCH64;
    if (!a) {
        fprintf(stderr, "isolab: --arch: '%s' is not an architecture\n"
                "  hint: use x86_64, x86, x32, aarch64, arm (or Docker's amd64, arm64)\n", s);
        return -1;
    }
    *arch = a;
    return 0;
}

static void caps_label(uint64_t caps, char *buf, size_t n)
{
    if (caps == caps_docker_default())
        snprintf(buf, n, "Docker's default 14");
    else if (caps == caps_all_known())
        snprintf(buf, n, "all");
    else if (!caps)
        snprintf(buf, n, "none");
    else {
        size_t off = 0;
        buf[0] = '\0';
        for (int c = 0; c < 64 && off < n; c++)
            if (caps & (1ull << c))
                off += snprintf(buf + off, n - off, "%s%s", off ? "," : "", isolab_cap_name(c) + 4);
    }
}

/* ---- lint ----------------------------------------------------------------- */

static json_t *lint_json(const struct lint_report *rep, int rc)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < rep->n; i++) {
        const struct lint_finding *f = &rep->findings[i];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:i, s:s, s:s}",
            "severity", lint_severity_name(f->severity), "code", f->code, "line", f->line,
            "column", f->column, "message", f->message, "hint", f->hint));
    }
    return json_pack("{s:s, s:o, s:I, s:I, s:I, s:i}", "file", rep->path, "findings", arr,
                     "errors", (json_int_t)rep->nerrors, "warnings", (json_int_t)rep->nwarnings,
                     "notes", (json_int_t)rep->nnotes, "status", rc);
}

static void lint_print(const struct lint_report *rep)
{
    for (size_t i = 0; i < rep->n; i++) {
        const struct lint_finding *f = &rep->findings[i];
        if (f->line)
            printf("%s:%d:%d: %s: %s [%s]\n", rep->path, f->line, f->column,
                   lint_severity_name(f->severity), f->message, f->code);
        else
            printf("%s: %s: %s [%s]\n", rep->path, lint_severity_name(f->severity),
                   f->message, f->code);
        if (f->hint[0])
            printf("  hint: %s\n", f->hint);
    }
    char cl[256];
    caps_label(rep->caps, cl, sizeof cl);
    printf("%s: %zu error%s, %zu warning%s, %zu note%s (verdicts checked on %s with "
           "capabilities: %s)\n", rep->path, rep->nerrors, rep->nerrors == 1 ? "" : "s",
           rep->nwarnings, rep->nwarnings == 1 ? "" : "s", rep->nnotes,
           rep->nnotes == 1 ? "" : "s", sc_arch_label(rep->arch), cl);
}

int cmd_lint(int argc, char **argv)
{
    struct lint_options o;
    lint_options_init(&o);
    bool json = false;
    const char *files[64];
    size_t nfiles = 0;
    for (int i = 1; i < argc; i++) {
        struct isolab_err err;
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--caps") && i + 1 < argc) {
            if (sc_caps_parse(argv[++i], &o.caps, &err) < 0) {
                isolab_err_print(&err);
                return 2;
            }
        } else if (!strcmp(argv[i], "--arch") && i + 1 < argc) {
            if (parse_arch(argv[++i], &o.arch) < 0)
                return 2;
        } else if (!strcmp(argv[i], "--preset") && i + 1 < argc) {
            /* The preset's seccomp profile, checked with the preset's caps. */
            struct lab_config cfg;
            lab_config_init_docker(&cfg);
            const char *name = argv[++i];
            if (preset_apply(&cfg, name, &err) < 0) {
                isolab_err_print(&err);
                return 2;
            }
            if (!cfg.layer_on[LAYER_SECCOMP] || cfg.privileged) {
                printf("preset %s runs without seccomp (unconfined): there is no profile to lint\n", name);
                continue;
            }
            static char preset_path[ISOLAB_PATH_MAX];
            if (cfg.seccomp_profile[0])
                snprintf(preset_path, sizeof preset_path, "%s", cfg.seccomp_profile);
            else
                isolab_data_path("profiles/seccomp/docker-default.json", preset_path, sizeof preset_path);
            o.caps = lab_config_seccomp_caps(&cfg);
            if (nfiles < 64)
                files[nfiles++] = preset_path;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: isolab lint PROFILE... [--json] [--caps CAPS] [--arch ARCH]\n"
                   "       isolab lint --preset NAME   the preset's profile, with its capabilities\n"
                   "Exit status: 0 clean (notes allowed), 1 warnings, 2 errors.\n"
                   "CAPS: docker (default), all, none, or a list such as docker,+SYS_ADMIN\n");
            return 0;
        } else if (argv[i][0] == '-' || nfiles == 64) {
            fprintf(stderr, "isolab lint: unknown option '%s'\n"
                    "  hint: isolab lint PROFILE... [--json] [--caps CAPS] [--arch ARCH]\n", argv[i]);
            return 2;
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (!nfiles && argc > 1 && !strcmp(argv[argc - 2], "--preset"))
        return 0;
    if (!nfiles) {
        fprintf(stderr, "isolab lint: which profile?\n"
                "  hint: isolab lint profiles/seccomp/no-chmod.json (or a name: isolab lint no-chmod)\n");
        return 2;
    }
    int worst = 0;
    json_t *all = json ? json_array() : NULL;
    for (size_t i = 0; i < nfiles; i++) {
        char path[ISOLAB_PATH_MAX];
        struct lint_report rep;
        resolve_profile(files[i], path, sizeof path);
        int rc = lint_file(path, &o, &rep);
        if (rc < 0) {
            fprintf(stderr, "isolab lint: out of memory\n");
            lint_report_free(&rep);
            return 2;
        }
        if (json)
            json_array_append_new(all, lint_json(&rep, rc));
        else
            lint_print(&rep);
        if (rc > worst)
            worst = rc;
        lint_report_free(&rep);
    }
    if (json) {
        json_t *top = nfiles == 1 ? json_incref(json_array_get(all, 0)) : json_incref(all);
        cli_json_print(top);
        json_decref(all);
    }
    return worst;
}

/* ---- diff ------------------------------------------------------------------- */

/* One side of a diff: a profile file or name, or a preset (its profile, or
 * "everything allowed" when the preset switches seccomp off). */
static int load_side(const char *arg, char *label, size_t n, struct seccomp_profile **p,
                     struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX];
    resolve_profile(arg, path, sizeof path);
    struct lab_config cfg;
    struct isolab_err perr;
    lab_config_init_docker(&cfg);
    if (access(path, F_OK) != 0 && !strchr(arg, '/') && preset_apply(&cfg, arg, &perr) == 0) {
        if (!layer_in_force(&cfg, LAYER_SECCOMP)) {
            static const char allow_all[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}";
            snprintf(label, n, "preset %s (seccomp off: everything allowed)", arg);
            return seccomp_profile_parse(allow_all, sizeof allow_all - 1, label, p, err);
        }
        if (seccomp_profile_path(&cfg, path, sizeof path, err) < 0)
            return -1;
        snprintf(label, n, "preset %s (%s)", arg, path);
        return seccomp_profile_load(path, p, err);
    }
    snprintf(label, n, "%s", path);
    return seccomp_profile_load(path, p, err);
}

int cmd_diff(int argc, char **argv)
{
    uint64_t caps = caps_docker_default();
    uint32_t arch = sc_native_arch();
    bool json = false;
    const char *files[2];
    size_t nfiles = 0;
    struct isolab_err err;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--caps") && i + 1 < argc) {
            if (sc_caps_parse(argv[++i], &caps, &err) < 0) {
                isolab_err_print(&err);
                return 2;
            }
        } else if (!strcmp(argv[i], "--arch") && i + 1 < argc) {
            if (parse_arch(argv[++i], &arch) < 0)
                return 2;
        } else if (argv[i][0] == '-' || nfiles == 2) {
            fprintf(stderr, "isolab diff: unexpected '%s'\n"
                    "  hint: isolab diff A B [--caps CAP,CAP|docker|all|none] [--arch ARCH] [--json]\n"
                    "  (A and B: profile files, names in profiles/seccomp/, or preset names)\n",
                    argv[i]);
            return 2;
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles != 2) {
        fprintf(stderr, "isolab diff: needs two profiles\n"
                "  hint: isolab diff docker-default podman-default --caps docker\n");
        return 2;
    }
    char pa[ISOLAB_PATH_MAX + 64], pb[ISOLAB_PATH_MAX + 64];
    struct seccomp_profile *a = NULL, *b = NULL;
    if (load_side(files[0], pa, sizeof pa, &a, &err) < 0 ||
        load_side(files[1], pb, sizeof pb, &b, &err) < 0) {
        isolab_err_print(&err);
        seccomp_profile_free(a);
        return 2;
    }
    struct sc_diff_entry *d = NULL;
    size_t n = 0;
    int rc = sc_diff_profiles(a, b, caps, arch, &d, &n);
    seccomp_profile_free(a);
    seccomp_profile_free(b);
    if (rc < 0) {
        fprintf(stderr, "isolab diff: out of memory\n");
        return 2;
    }
    char cl[512];
    caps_label(caps, cl, sizeof cl);
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "syscall", d[i].name,
                                                 "a", d[i].a, "b", d[i].b));
        json_t *top = json_pack("{s:s, s:s, s:s, s:s, s:o}", "a", pa, "b", pb, "arch",
                                sc_arch_label(arch), "capabilities", cl, "differences", arr);
        cli_json_print(top);
    } else {
        printf("--- %s\n+++ %s\n(capabilities: %s; %s)\n", pa, pb, cl, sc_arch_label(arch));
        for (size_t i = 0; i < n; i++)
            printf("%-22s - %s\n%-22s + %s\n", d[i].name, d[i].a, "", d[i].b);
        printf("%zu syscall%s decided differently\n", n, n == 1 ? "" : "s");
    }
    sc_diff_free(d, n);
    return n ? 1 : 0;
}

/* ---- syscalls ----------------------------------------------------------------- */

static void syscalls_usage(FILE *f)
{
    fprintf(f, "usage: isolab syscalls [layer flags] [--blocked] [--json]\n"
            "  --blocked   only the syscalls that are not simply allowed\n%s",
            lab_config_flags_help());
}

struct syscalls_opts {
    bool json, blocked_only;
};

static int syscalls_extra(void *ud, int argc, char **argv, int *i)
{
    struct syscalls_opts *o = ud;
    bool *dst = !strcmp(argv[*i], "--json") ? &o->json
              : !strcmp(argv[*i], "--blocked") ? &o->blocked_only : NULL;
    if (!dst)
        return 0;
    *dst = true;
    ++*i;
    return 1;
}

/* One line of `isolab syscalls`: the verdict from the model (p NULL:
 * seccomp is off), the action's short name, the errno and the rule. */
struct syscall_row {
    struct sc_verdict v;
    const char *an;               /* "SCMP_ACT_ERRNO" */
    char act[32], eno[16], rule[512];
};

static int syscall_row(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                       const char *name, struct syscall_row *r)
{
    memset(r, 0, sizeof *r);
    r->v.action = SC_ACT_ALLOW;
    r->an = "SCMP_ACT_ALLOW";
    snprintf(r->act, sizeof r->act, "ALLOW");
    snprintf(r->eno, sizeof r->eno, "-");
    snprintf(r->rule, sizeof r->rule, "seccomp off");
    if (!p)
        return 0;
    struct sc_verdict *v = &r->v;
    if (seccomp_profile_eval(p, caps, arch, name, NULL, v) < 0)
        return -1;
    r->an = sc_action_name(v->action);
    snprintf(r->act, sizeof r->act, "%s%s", r->an + (strncmp(r->an, "SCMP_ACT_", 9) ? 0 : 9),
             v->conditional ? "*" : "");
    if (v->action == SC_ACT_ERRNO || v->action == SC_ACT_TRACE) {
        const char *en = sc_errno_name((int)v->errno_ret);
        if (en)
            snprintf(r->eno, sizeof r->eno, "%s", en);
        else
            snprintf(r->eno, sizeof r->eno, "%u", v->errno_ret);
    }
    if (v->newer_than_profile) {
        snprintf(r->rule, sizeof r->rule, "newer than any syscall the profile names (highest: "
                 "%ld): ENOSYS, as runc answers, so libc falls back", v->profile_last);
    } else if (v->rule) {
        char f[256];
        sc_filter_str(v->rule, f, sizeof f);
        snprintf(r->rule, sizeof r->rule, "syscalls[%zu] line %d%s%s%s",
                 (size_t)(v->rule - p->rules), v->rule->line, *f ? " (" : "", f, *f ? ")" : "");
    } else {
        snprintf(r->rule, sizeof r->rule, "defaultAction");
    }
    if (v->conditional) {
        char d[384];
        sc_decision_str(p, caps, arch, name, d, sizeof d);
        size_t l = strlen(r->rule);
        snprintf(r->rule + l, sizeof r->rule - l, ": %s", d);
    }
    return 0;
}

int cmd_syscalls(int argc, char **argv)
{
    struct lab_config cfg;
    struct isolab_err err;
    struct syscalls_opts so = {0};
    lab_config_init_docker(&cfg);
    struct cli_flag_opts fo = {.cmd = "isolab syscalls", .extra = syscalls_extra, .ud = &so,
                               .help = syscalls_usage, .fit_host = true};
    int i = cli_layer_flags(&cfg, argc, argv, 1, &fo);
    if (i < 0)
        return 2;
    if (i < argc) {
        fprintf(stderr, "isolab syscalls: unexpected argument '%s'\n"
                "  hint: isolab syscalls --preset docker [--cap-add SYS_ADMIN] [--json]\n", argv[i]);
        return 2;
    }
    bool json = so.json, blocked_only = so.blocked_only;
    uint32_t arch = sc_native_arch();
    uint64_t caps = lab_config_seccomp_caps(&cfg);
    bool on = layer_in_force(&cfg, LAYER_SECCOMP);
    struct seccomp_profile *p = NULL;
    char path[ISOLAB_PATH_MAX] = "";
    if (on && (seccomp_profile_path(&cfg, path, sizeof path, &err) < 0 ||
               seccomp_profile_load(path, &p, &err) < 0)) {
        isolab_err_print(&err);
        return 2;
    }
    struct sc_sysent *sys = NULL;
    size_t nsys = 0;
    if (sc_arch_syscalls(arch, &sys, &nsys) < 0) {
        seccomp_profile_free(p);
        fprintf(stderr, "isolab syscalls: out of memory\n");
        return 2;
    }
    char cl[512];
    caps_label(caps, cl, sizeof cl);
    json_t *arr = json ? json_array() : NULL;
    if (!json) {
        if (on)
            printf("# seccomp profile %s, capabilities: %s, %s; verdicts from the model, "
                   "no syscall was run\n", path, cl, sc_arch_label(arch));
        else
            printf("# seccomp is off%s: every syscall passes seccomp (the other layers "
                   "still apply), %s\n", cfg.privileged ? " (--privileged)" : "",
                   sc_arch_label(arch));
        printf("%-24s %5s  %-13s %-8s %s\n", "SYSCALL", "NR", "ACTION", "ERRNO", "RULE");
    }
    size_t counts[2] = {0, 0};
    for (size_t i = 0; i < nsys; i++) {
        struct syscall_row r;
        if (syscall_row(on ? p : NULL, caps, arch, sys[i].name, &r) < 0)
            continue;
        struct sc_verdict v = r.v;
        const char *an = r.an;
        char *act = r.act, *eno = r.eno, *rule = r.rule;
        bool plain_allow = v.action == SC_ACT_ALLOW && !v.conditional;
        counts[plain_allow ? 0 : 1]++;
        if (blocked_only && plain_allow)
            continue;
        if (json) {
            json_t *o = json_pack("{s:s, s:i, s:s, s:b, s:s}", "syscall", sys[i].name, "nr",
                                  sys[i].nr, "action", an, "conditional", v.conditional,
                                  "rule", rule);
            if (on && (v.action == SC_ACT_ERRNO || v.action == SC_ACT_TRACE)) {
                json_object_set_new(o, "errno", json_integer(v.errno_ret));
                json_object_set_new(o, "errno_name", json_string(eno));
            } else {
                json_object_set_new(o, "errno", json_null());
            }
            json_object_set_new(o, "rule_index", on && v.rule ?
                                json_integer((json_int_t)(v.rule - p->rules)) : json_null());
            json_array_append_new(arr, o);
        } else {
            printf("%-24s %5d  %-13s %-8s %s\n", sys[i].name, sys[i].nr, act, eno, rule);
        }
    }
    if (json) {
        json_t *top = json_pack("{s:s?, s:s, s:s, s:b, s:o}", "profile", on ? path : NULL,
                                "arch", sc_arch_label(arch), "capabilities", cl,
                                "seccomp", on, "syscalls", arr);
        cli_json_print(top);
    } else {
        printf("# %zu syscalls: %zu allowed, %zu not allowed or only with some arguments (*)\n",
               counts[0] + counts[1], counts[0], counts[1]);
    }
    sc_syscalls_free(sys, nsys);
    seccomp_profile_free(p);
    return 0;
}
