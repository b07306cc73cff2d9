/* isolab's command line: the TUI (no subcommand), run, probe, and the
 * profile tools. Every subcommand takes the same layer flags; they only
 * edit struct lab_config. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_lab.h"
#include "cmd_profiles.h"
#include "cli_json.h"
#include "isolab.h"
#include "probes.h"
#include "seccomp_profile.h"
#include <jansson.h>
#include <seccomp.h>
#include "tui.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: isolab [layer flags]                 open the lab (TUI)\n"
            "       isolab run [layer flags] [-v] [-t|-T] [-- CMD ARGS]\n"
            "                                            run CMD (default: your shell) in the sandbox;\n"
            "                                            -v says what each layer enforces and how;\n"
            "                                            -t/-T force a pty of its own on/off (default:\n"
            "                                            a pty when stdin and stdout are terminals)\n"
            "       isolab probe [layer flags] [--json] [--blame] [--only ID,ID]\n"
            "                                            try every probe in the sandbox\n"
            "       isolab syscalls [layer flags] [--json]  seccomp verdict for every syscall\n"
            "       isolab lint PROFILE [--json]         check a seccomp profile\n"
            "       isolab diff A B [--caps LIST]        compare two seccomp profiles\n"
            "       isolab explain SYSCALL|CAP           what it does, who blocks it, why\n"
            "       isolab lab list|show|check|hint|reset|validate   guided labs (isolab lab --help)\n"
            "       isolab demo LAB                      step through a lab in front of a room\n"
            "       isolab export-seccomp [layer flags] [--format oci|bpf] [-o FILE]\n"
            "                                            the filter as runc or bwrap would take it\n"
            "\n%s"
            "\nDefaults are Docker's: namespaces mnt,uts,pid,ipc,net(,time), 14 capabilities,\n"
            "Docker's seccomp profile, the isolab-default LSM policy, no cgroup limits.\n",
            lab_config_flags_help());
}

/* Parse layer flags from argv[start..]; stops at "--" or the first
 * non-flag; other "--x" options are handed to extra() when given. Returns the
 * index of the first unparsed argument, or -1 after printing an error. */
typedef int (*extra_opt_fn)(void *ud, int argc, char **argv, int *i);
static int parse_layer_flags(struct lab_config *cfg, int argc, char **argv, int start,
                             extra_opt_fn extra, void *ud)
{
    int i = start;
    while (i < argc) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            exit(0);
        }
        struct isolab_err err;
        isolab_err_clear(&err);
        int rc = lab_config_parse_flag(cfg, argc, argv, &i, &err);
        if (rc < 0) {
            isolab_err_print(&err);
            return -1;
        }
        if (rc > 0)
            continue;
        if (extra) {
            int x = extra(ud, argc, argv, &i);
            if (x < 0)
                return -1;
            if (x > 0)
                continue;
        }
        if (argv[i][0] == '-') {
            fprintf(stderr, "isolab: unknown option %s\n  hint: see 'isolab --help'\n", argv[i]);
            return -1;
        }
        break;
    }
    char notes[1024];
    if (lab_config_fit_host(cfg, notes, sizeof notes) > 0 && !getenv("ISOLAB_QUIET"))
        fprintf(stderr, "isolab: %s\n", notes);
    return i;
}

struct run_opts {
    bool verbose;
    enum lab_tty tty;
};

static int run_extra(void *ud, int argc, char **argv, int *i)
{
    struct run_opts *o = ud;
    if (!strcmp(argv[*i], "-v") || !strcmp(argv[*i], "--verbose"))
        o->verbose = true;
    else if (!strcmp(argv[*i], "-t") || !strcmp(argv[*i], "--tty"))
        o->tty = LAB_TTY_ON;
    else if (!strcmp(argv[*i], "-T") || !strcmp(argv[*i], "--no-tty"))
        o->tty = LAB_TTY_OFF;
    else
        return 0;
    ++*i;
    return 1;
}

/* What is in force, layer by layer, and why a mechanism stands in for
 * another ("AppArmor is not enabled in this kernel; using Landlock"). */
static void print_banner(const struct lab_config *cfg, FILE *f)
{
    for (int id = 0; id < LAYER_COUNT; id++) {
        char d[512], why[512];
        layer_describe(cfg, id, d, sizeof d);
        bool ok = layer_available(id, why, sizeof why);
        fprintf(f, "isolab: %-10s %s%s%s%s\n", layer_name(id), d,
                why[0] ? " -- " : "", why, ok ? "" : " (unavailable)");
    }
}

static int cmd_run(int argc, char **argv)
{
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    struct run_opts o = {.verbose = false, .tty = LAB_TTY_AUTO};
    int i = parse_layer_flags(&cfg, argc, argv, 1, run_extra, &o);
    if (i < 0)
        return 125;
    cfg.argv = i < argc ? &argv[i] : NULL;
    cfg.tty = o.tty;
    /* An interactive shell starts with a banner of what is active. */
    if (o.verbose || (!cfg.argv && isatty(STDERR_FILENO)))
        print_banner(&cfg, stderr);
    struct isolab_err err;
    isolab_err_clear(&err);
    int status = 0;
    /* A pty of its own: live_relay() inside sandbox_wait() serves it. */
    if (sandbox_run(&cfg, &status, &err) < 0) {
        isolab_err_print(&err);
        return 125;  /* Docker's "the runtime failed" status */
    }
    return status;
}

struct probe_opts {
    bool json, blame;
    int sel[256];
    size_t nsel;
};

static int probe_extra(void *ud, int argc, char **argv, int *i)
{
    struct probe_opts *o = ud;
    if (!strcmp(argv[*i], "--json")) {
        o->json = true;
    } else if (!strcmp(argv[*i], "--blame")) {
        o->blame = true;
    } else if (!strcmp(argv[*i], "--only") || !strncmp(argv[*i], "--only=", 7)) {
        const char *list = argv[*i][6] == '=' ? argv[*i] + 7 : (*i + 1 < argc ? argv[++*i] : NULL);
        if (!list) {
            fprintf(stderr, "isolab: --only needs a list of probe ids\n");
            return -1;
        }
        char buf[4096];
        snprintf(buf, sizeof buf, "%s", list);
        char *save = NULL;
        for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            int k = probe_index(t);
            if (k < 0) {
                fprintf(stderr, "isolab: --only: unknown probe '%s'\n  hint: 'isolab probe' lists every probe id\n", t);
                return -1;
            }
            if (o->nsel < sizeof o->sel / sizeof o->sel[0])
                o->sel[o->nsel++] = k;
        }
    } else {
        return 0;
    }
    ++*i;
    return 1;
}


static void blocked_by_str(const struct probe_blame *b, char *buf, size_t n)
{
    buf[0] = '\0';
    size_t len = 0;
    if (b->full.verdict != PROBE_BLOCKED)
        return;
    for (int id = 0; id < LAYER_COUNT; id++)
        if (b->blocked_by & (1u << id))
            len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? "," : "", layer_name(id));
    if (b->host_blocks)
        snprintf(buf + len, n - len, "%sthe host itself (blocked with every layer off)", len ? "," : "");
    else if (b->combination)
        snprintf(buf + len, n - len, "%sonly the combination", len ? "," : "");
}

static int cmd_probe(int argc, char **argv)
{
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    struct probe_opts o = {0};
    int i = parse_layer_flags(&cfg, argc, argv, 1, probe_extra, &o);
    if (i < 0)
        return 2;
    if (i < argc) {
        fprintf(stderr, "isolab probe: unexpected argument '%s'\n", argv[i]);
        return 2;
    }
    size_t n = o.nsel ? o.nsel : probe_count;
    int *sel = calloc(n, sizeof *sel);
    struct probe_blame *res = calloc(n, sizeof *res);
    if (!sel || !res)
        return 2;
    for (size_t k = 0; k < n; k++)
        sel[k] = o.nsel ? o.sel[k] : (int)k;
    struct isolab_err err;
    isolab_err_clear(&err);
    int rc;
    if (o.blame) {
        rc = probes_blame(&cfg, sel, n, res, &err);
    } else {
        struct probe_result *r = calloc(n, sizeof *r);
        rc = r ? probes_run(&cfg, sel, n, r, &err) : -1;
        for (size_t k = 0; rc == 0 && k < n; k++)
            res[k].full = r[k];
        free(r);
    }
    if (rc < 0) {
        isolab_err_print(&err);
        free(sel);
        free(res);
        return 2;
    }
    if (o.json) {
        printf("{\"layers\":{");
        for (int id = 0; id < LAYER_COUNT; id++) {
            char d[256];
            layer_describe(&cfg, id, d, sizeof d);
            printf("%s\"%s\":{\"on\":%s,\"describe\":", id ? "," : "", layer_name(id),
                   cfg.layer_on[id] ? "true" : "false");
            cli_json_str(d);
            printf("}");
        }
        printf("},\"probes\":[");
        for (size_t k = 0; k < n; k++) {
            const struct probe *p = &probe_catalogue[sel[k]];
            const struct probe_result *r = &res[k].full;
            char s[64];
            probe_result_str(r, s, sizeof s);
            printf("%s{\"id\":", k ? "," : "");
            cli_json_str(p->id);
            printf(",\"title\":");
            cli_json_str(p->title);
            printf(",\"verdict\":\"%s\"", probe_verdict_name(r->verdict));
            if (r->verdict == PROBE_BLOCKED && r->sig)
                printf(",\"signal\":\"SIG%s\"", sigabbrev_np(r->sig) ? sigabbrev_np(r->sig) : "?");
            else if (r->verdict == PROBE_BLOCKED && r->err)
                printf(",\"errno\":\"%s\"", strerrorname_np(r->err) ? strerrorname_np(r->err) : "?");
            printf(",\"result\":");
            cli_json_str(s);
            printf(",\"detail\":");
            cli_json_str(r->detail);
            if (o.blame) {
                printf(",\"blocked_by\":[");
                int m = 0;
                for (int id = 0; id < LAYER_COUNT; id++)
                    if (r->verdict == PROBE_BLOCKED && (res[k].blocked_by & (1u << id)))
                        printf("%s\"%s\"", m++ ? "," : "", layer_name(id));
                printf("],\"combination\":%s,\"host_blocks\":%s", res[k].combination ? "true" : "false",
                       res[k].host_blocks ? "true" : "false");
            }
            printf("}");
        }
        printf("]}\n");
    } else {
        printf("%-22s %-34s %-10s %s\n", "PROBE", "WHAT", "RESULT", o.blame ? "BLOCKED BY" : "DETAIL");
        for (size_t k = 0; k < n; k++) {
            const struct probe *p = &probe_catalogue[sel[k]];
            char s[64], by[128];
            probe_result_str(&res[k].full, s, sizeof s);
            blocked_by_str(&res[k], by, sizeof by);
            printf("%-22s %-34.34s %-10s %s\n", p->id, p->title, s,
                   o.blame ? by : res[k].full.detail);
        }
    }
    free(sel);
    free(res);
    return 0;
}

struct export_opts {
    const char *format;
    const char *out;
};

static int export_extra(void *ud, int argc, char **argv, int *i)
{
    struct export_opts *o = ud;
    const char **dst = !strcmp(argv[*i], "--format") ? &o->format
                     : !strcmp(argv[*i], "-o") ? &o->out : NULL;
    if (!dst)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "isolab export-seccomp: %s needs a value\n", argv[*i]);
        return -1;
    }
    *dst = argv[*i + 1];
    *i += 2;
    return 1;
}

/* The seccomp profile as the sandbox would get it, for other tools: the BPF
 * program (bwrap --seccomp FD) or OCI JSON with includes/excludes resolved
 * for the sandbox's capabilities (runc's config.json linux.seccomp). */
static int cmd_export_seccomp(int argc, char **argv)
{
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    struct export_opts o = {.format = "oci", .out = NULL};
    int i = parse_layer_flags(&cfg, argc, argv, 1, export_extra, &o);
    if (i < 0)
        return 2;
    char path[ISOLAB_PATH_MAX];
    if (cfg.seccomp_profile[0])
        snprintf(path, sizeof path, "%s", cfg.seccomp_profile);
    else
        isolab_data_path("profiles/seccomp/docker-default.json", path, sizeof path);
    uint64_t caps = lab_config_seccomp_caps(&cfg);
    struct isolab_err err;
    isolab_err_clear(&err);
    struct seccomp_profile *p = NULL;
    if (seccomp_profile_load(path, &p, &err) < 0) {
        isolab_err_print(&err);
        return 2;
    }
    FILE *f = o.out ? fopen(o.out, "we") : stdout;
    if (!f) {
        fprintf(stderr, "isolab export-seccomp: %s: %s\n", o.out, strerror(errno));
        seccomp_profile_free(p);
        return 2;
    }
    int rc = 0;
    if (!strcmp(o.format, "bpf")) {
        struct sock_fprog prog = {0};
        unsigned int flags = 0;
        int nwarn = 0;
        if (seccomp_profile_compile(p, caps, &prog, &flags, NULL, NULL, &nwarn, &err) < 0) {
            isolab_err_print(&err);
            rc = 2;
        } else if (fwrite(prog.filter, sizeof prog.filter[0], prog.len, f) != prog.len) {
            rc = 2;
        }
        free(prog.filter);
    } else if (!strcmp(o.format, "oci")) {
        uint32_t arch = seccomp_arch_native();
        unsigned long kver = kernel_version_code();
        json_t *root = json_object();
        json_object_set_new(root, "defaultAction", json_string(sc_action_name(p->default_action)));
        if (p->has_default_errno)
            json_object_set_new(root, "defaultErrnoRet", json_integer(p->default_errno));
        json_t *arches = json_array();
        for (size_t a = 0; a < p->narches; a++) {
            static const struct { uint32_t tok; const char *name; } names[] = {
                {SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64"}, {SCMP_ARCH_X86, "SCMP_ARCH_X86"},
                {SCMP_ARCH_X32, "SCMP_ARCH_X32"}, {SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64"},
                {SCMP_ARCH_ARM, "SCMP_ARCH_ARM"},
            };
            for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
                if (names[k].tok == p->arches[a])
                    json_array_append_new(arches, json_string(names[k].name));
        }
        json_object_set_new(root, "architectures", arches);
        json_t *rules = json_array();
        for (size_t r = 0; r < p->nrules; r++) {
            const struct sc_rule *rule = &p->rules[r];
            if (!seccomp_rule_applies(rule, caps, arch, kver))
                continue;
            json_t *o2 = json_object(), *names = json_array();
            for (size_t k = 0; k < rule->nnames; k++)
                json_array_append_new(names, json_string(rule->names[k]));
            json_object_set_new(o2, "names", names);
            json_object_set_new(o2, "action", json_string(sc_action_name(rule->action)));
            if (rule->has_errno)
                json_object_set_new(o2, "errnoRet", json_integer(rule->errno_ret));
            if (rule->nargs) {
                static const char *const ops[] = {
                    "", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
                    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
                };
                json_t *args = json_array();
                for (size_t k = 0; k < rule->nargs; k++)
                    json_array_append_new(args, json_pack("{s:I,s:I,s:I,s:s}",
                        "index", (json_int_t)rule->args[k].index,
                        "value", (json_int_t)rule->args[k].value,
                        "valueTwo", (json_int_t)rule->args[k].value_two,
                        "op", ops[rule->args[k].op > 0 && rule->args[k].op < 8 ? rule->args[k].op : 0]));
                json_object_set_new(o2, "args", args);
            }
            json_array_append_new(rules, o2);
        }
        json_object_set_new(root, "syscalls", rules);
        if (json_dumpf(root, f, JSON_INDENT(1)) < 0)
            rc = 2;
        fputc('\n', f);
        json_decref(root);
    } else {
        fprintf(stderr, "isolab export-seccomp: unknown --format %s\n  hint: use --format oci or --format bpf\n", o.format);
        rc = 2;
    }
    if (o.out)
        fclose(f);
    seccomp_profile_free(p);
    return rc;
}

static int cmd_tui(int argc, char **argv)
{
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    const char *preset = NULL;
    for (int k = 1; k < argc; k++)
        if (!strcmp(argv[k], "--preset") && k + 1 < argc)
            preset = argv[k + 1];
        else if (!strncmp(argv[k], "--preset=", 9))
            preset = argv[k] + 9;
    int i = parse_layer_flags(&cfg, argc, argv, 1, NULL, NULL);
    if (i < 0)
        return 2;
    if (i < argc) {
        fprintf(stderr, "isolab: unknown command '%s'\n  hint: see 'isolab --help'\n", argv[i]);
        return 2;
    }
    return tui_run(&cfg, preset);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        const char *c = argv[1];
        if (!strcmp(c, "-h") || !strcmp(c, "--help") || !strcmp(c, "help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(c, "run"))
            return cmd_run(argc - 1, argv + 1);
        if (!strcmp(c, "probe"))
            return cmd_probe(argc - 1, argv + 1);
        if (!strcmp(c, "lint"))
            return cmd_lint(argc - 1, argv + 1);
        if (!strcmp(c, "diff"))
            return cmd_diff(argc - 1, argv + 1);
        if (!strcmp(c, "explain"))
            return cmd_explain(argc - 1, argv + 1);
        if (!strcmp(c, "export-seccomp"))
            return cmd_export_seccomp(argc - 1, argv + 1);
        if (!strcmp(c, "syscalls"))
            return cmd_syscalls(argc - 1, argv + 1);
        if (!strcmp(c, "lab"))
            return cmd_lab(argc - 1, argv + 1);
        if (!strcmp(c, "demo"))
            return cmd_demo(argc - 1, argv + 1);
    }
    return cmd_tui(argc, argv);
}
