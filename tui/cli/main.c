/* isolab's command line: the TUI (no subcommand), run, probe, and the
 * profile tools. Every subcommand takes the same layer flags; they only
 * edit struct lab_config. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli_flags.h"
#include "cmd_export.h"
#include "cmd_import.h"
#include "cmd_lab.h"
#include "cmd_live.h"
#include "cmd_profiles.h"
#include "cli_json.h"
#include "exit_why.h"
#include "isolab.h"
#include "probes.h"
#include "sc_diff.h"
#include "seccomp_profile.h"
#include "tui.h"
#include "tui_export.h"
#ifndef ISOLAB_GIT          /* the commit, from the Makefile */
#define ISOLAB_GIT "unknown"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: isolab [layer flags]                 open the lab (TUI)\n"
            "       isolab run [layer flags] [-v] [-t|-T] [-- CMD ARGS]\n"
            "                                            run CMD (default: your shell) in the sandbox;\n"
            "                                            -v says what each layer enforces and how;\n"
            "                                            -t/-T force a pty of its own on/off (default:\n"
            "                                            a pty when stdin and stdout are terminals)\n"
            "       isolab run ... --trace[=FILE] [--json] [--live]\n"
            "                                            the notified syscalls, their verdicts and rules;\n"
            "                                            --live answers from the profile file, reloaded on save\n"
            "       isolab record -o PROFILE [layer flags] [--merge FILE] -- CMD\n"
            "                                            write the minimal profile CMD needs\n"
            "       isolab probe [layer flags] [--json] [--blame] [--only ID,ID]\n"
            "                                            try every probe in the sandbox\n"
            "       isolab syscalls [layer flags] [--json]  seccomp verdict for every syscall\n"
            "       isolab lint PROFILE [--json]         check a seccomp profile\n"
            "       isolab diff A B [--caps LIST]        compare two seccomp profiles\n"
            "       isolab explain SYSCALL|CAP           what it does, who blocks it, why\n"
            "       isolab lab list|show|check|hint|reset|validate   guided labs (isolab lab --help)\n"
            "       isolab demo LAB                      step through a lab in front of a room\n"
            "       isolab export --format docker|oci|k8s [layer flags] [-o FILE] [-- CMD]\n"
            "                                            the configuration for docker, runc or a Pod\n"
            "       isolab import FILE [--container NAME] [--seccomp-dir DIR]\n"
            "                                            read a runc config.json, a Pod/Deployment YAML\n"
            "                                            or a docker run line; show what isolab makes of it\n"
            "       isolab probe|run|export --from FILE  ... with it as the configuration (also: isolab --from FILE)\n"
            "       isolab export-seccomp [layer flags] [--format oci|bpf] [-o FILE]\n"
            "                                            the filter as runc or bwrap would take it\n"
            "       isolab --version                     the build, and what this machine offers\n"
            "\n%s"
            "\nDefaults are Docker's: namespaces mnt,uts,pid,ipc,net(,time), 14 capabilities,\n"
            "Docker's seccomp profile, the isolab-default LSM policy, no cgroup limits.\n",
            lab_config_flags_help());
}

/* The layer flags and a subcommand's own options (cli_flags.c); -h is
 * the usage above. */
static int parse_layer_flags(struct lab_config *cfg, int argc, char **argv, const char *cmd,
                             cli_extra_fn extra, void *ud)
{
    /* --from FILE: the imported configuration and what isolab cannot model
     * come first, on stdout before probe's table, else on stderr. */
    bool json = false;
    for (int k = 1; k < argc && strcmp(argv[k], "--"); k++)
        json |= !strcmp(argv[k], "--json");
    struct cli_flag_opts o = {.cmd = cmd, .extra = extra, .ud = ud, .help = usage,
                              .fit_host = true, .from = true,
                              .from_out = !json && !strcmp(cmd, "isolab probe") ? stdout : stderr};
    return cli_layer_flags(cfg, argc, argv, 1, &o);
}

static void freep(void *p)
{
    free(*(void **)p);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))

struct run_opts {
    bool verbose;
    enum lab_tty tty;
};

static int run_extra(void *ud, int argc, char **argv, int *i)
{
    struct run_opts *o = ud;
    if (live_cli_option(argc, argv, i))
        return 1;
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

/* "isolab: warning: seccomp: FILE:LINE:COL: syscalls[I]: unknown syscall ..." */
static void print_warning(void *ud, const char *msg)
{
    (void)ud;
    fprintf(stderr, "isolab: warning: %s\n", msg);
}

/* Every exit explained (exit_why.h): why the command ended as it did. */
static void print_exit_why(const struct lab_config *cfg, struct sandbox_exit *ex)
{
    live_cli_first_denial(ex->first_denied, sizeof ex->first_denied);
    struct exit_why w;
    if (exit_why_explain(cfg, ex, &w) <= 0)
        return;
    fprintf(stderr, "isolab: %s\n", w.what);
    if (w.hint[0])
        fprintf(stderr, "  hint: %s\n", w.hint);
}

/* The flags, parsed once, with their messages held back (a memfd in place
 * of stderr): a run that needs the sealed copy (isolab_sealed_needed), or
 * whose flags are wrong, re-execs it, and the copy parses them and reports
 * for itself; any other run prints what was held, and goes on with cfg. */
static int parse_run_flags(int argc, char **argv, struct lab_config *cfg, struct run_opts *o)
{
    isolab_sealed_adopt();
    lab_config_init_docker(cfg);
    *o = (struct run_opts){.verbose = false, .tty = LAB_TTY_AUTO};
    int saved = dup(STDERR_FILENO), held = memfd_create("isolab-run-flags", MFD_CLOEXEC);
    bool holding = saved >= 0 && held >= 0 && dup2(held, STDERR_FILENO) >= 0;
    int i = parse_layer_flags(cfg, argc, argv, "isolab run", run_extra, o);
    if (holding)
        dup2(saved, STDERR_FILENO);
    if (saved >= 0)
        close(saved);
    if (i < 0 || isolab_sealed_needed(cfg, live_cli_wanted()))
        isolab_run_sealed(argv - 1);   /* main's argv: "isolab", "run", ... */
    /* Here: no re-exec (this is the copy, or there is none to be had). */
    off_t len = holding ? lseek(held, 0, SEEK_CUR) : 0;
    char buf[4096];
    for (off_t off = 0; off < len; ) {
        ssize_t n = pread(held, buf, sizeof buf, off);
        if (n <= 0 || write(STDERR_FILENO, buf, (size_t)n) != n)
            break;
        off += n;
    }
    if (held >= 0)
        close(held);
    return i;
}

static int cmd_run(int argc, char **argv)
{
    struct lab_config cfg;
    struct run_opts o;
    int i = parse_run_flags(argc, argv, &cfg, &o);
    if (i < 0)
        return 125;
    cfg.argv = i < argc ? &argv[i] : NULL;
    cfg.tty = o.tty;
    seccomp_warnings_to(print_warning, NULL);
    /* An interactive shell starts with a banner of what is active. */
    if (o.verbose || (!cfg.argv && isatty(STDERR_FILENO)))
        print_banner(&cfg, stderr);
    struct isolab_err err;
    isolab_err_clear(&err);
    int status = 0;
    if (live_cli_begin(&cfg) < 0)
        return 125;
    struct sandbox_exit ex;
    memset(&ex, 0, sizeof ex);
    cfg.exit_out = &ex;
    /* A pty of its own: live_relay() inside sandbox_wait() serves it. The
     * explanation of a failed start is in err (sandbox_start puts it there). */
    int rc = sandbox_run(&cfg, &status, &err);
    if (rc < 0) {
        live_cli_end();
        isolab_err_print(&err);
        return 125;  /* Docker's "the runtime failed" status */
    }
    if (status != 0)
        print_exit_why(&cfg, &ex);
    live_cli_end();
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

static void probe_print_json(const struct lab_config *cfg, const int *sel, size_t n,
                             const struct probe_blame *res, bool blame)
{
    printf("{\"layers\":{");
    for (int id = 0; id < LAYER_COUNT; id++) {
        char d[256];
        layer_describe(cfg, id, d, sizeof d);
        printf("%s\"%s\":{\"on\":%s,\"describe\":", id ? "," : "", layer_name(id),
               cfg->layer_on[id] ? "true" : "false");
        cli_json_str(d);
        printf("}");
    }
    printf("},\"common_syscalls\":");
    cli_json_str(probe_common_syscalls);
    printf(",\"probes\":[");
    for (size_t k = 0; k < n; k++) {
        const struct probe *p = &probe_catalogue[sel[k]];
        const struct probe_result *r = &res[k].full;
        char s[64];
        probe_result_str(r, s, sizeof s);
        printf("%s{\"id\":", k ? "," : "");
        cli_json_str(p->id);
        printf(",\"title\":");
        cli_json_str(p->title);
        const char *calls = probe_syscalls_of(sel[k]);
        if (calls) {        /* beside the common ones (probes.h) */
            printf(",\"syscalls\":");
            cli_json_str(calls);
        }
        printf(",\"verdict\":\"%s\"", probe_verdict_name(r->verdict));
        if (r->verdict == PROBE_BLOCKED && r->sig)
            printf(",\"signal\":\"SIG%s\"", sigabbrev_np(r->sig) ? sigabbrev_np(r->sig) : "?");
        else if (r->verdict == PROBE_BLOCKED && r->err)
            printf(",\"errno\":\"%s\"", strerrorname_np(r->err) ? strerrorname_np(r->err) : "?");
        printf(",\"result\":");
        cli_json_str(s);
        printf(",\"detail\":");
        cli_json_str(r->detail);
        if (blame) {
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
}

static void probe_print_table(const int *sel, size_t n, const struct probe_blame *res, bool blame)
{
    printf("%-22s %-34s %-10s %s\n", "PROBE", "WHAT", "RESULT", blame ? "BLOCKED BY" : "DETAIL");
    for (size_t k = 0; k < n; k++) {
        const struct probe *p = &probe_catalogue[sel[k]];
        char s[64], by[128];
        probe_result_str(&res[k].full, s, sizeof s);
        blocked_by_str(&res[k], by, sizeof by);
        printf("%-22s %-34.34s %-10s %s\n", p->id, p->title, s, blame ? by : res[k].full.detail);
    }
}

/* The probes of sel under cfg, with attribution when blame. */
static int probe_collect(const struct lab_config *cfg, const int *sel, size_t n, bool blame,
                         struct probe_blame *res, struct isolab_err *err)
{
    if (blame)
        return probes_blame(cfg, sel, n, res, err);
    _cleanup_free_ struct probe_result *r = calloc(n, sizeof *r);
    if (!r)
        return isolab_err_set(err, ENOMEM, "probe: out of memory for %zu results", n);
    if (probes_run(cfg, sel, n, r, err) < 0)
        return -1;
    for (size_t k = 0; k < n; k++)
        res[k].full = r[k];
    return 0;
}

static int cmd_probe(int argc, char **argv)
{
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    struct probe_opts o = {0};
    int i = parse_layer_flags(&cfg, argc, argv, "isolab probe", probe_extra, &o);
    if (i < 0)
        return 2;
    if (i < argc) {
        fprintf(stderr, "isolab probe: unexpected argument '%s'\n", argv[i]);
        return 2;
    }
    size_t n = o.nsel ? o.nsel : probe_count;
    _cleanup_free_ int *sel = calloc(n, sizeof *sel);
    _cleanup_free_ struct probe_blame *res = calloc(n, sizeof *res);
    struct isolab_err err;
    isolab_err_clear(&err);
    if (!sel || !res) {
        isolab_err_set(&err, ENOMEM, "probe: out of memory for %zu probes", n);
        isolab_err_print(&err);
        return 2;
    }
    for (size_t k = 0; k < n; k++)
        sel[k] = o.nsel ? o.sel[k] : (int)k;
    if (probe_collect(&cfg, sel, n, o.blame, res, &err) < 0) {
        isolab_err_print(&err);
        return 2;
    }
    if (o.json)
        probe_print_json(&cfg, sel, n, res, o.blame);
    else
        probe_print_table(sel, n, res, o.blame);
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

static int export_write(const struct seccomp_profile *p, uint64_t caps, const char *format,
                        FILE *f, struct isolab_err *err)
{
    if (!strcmp(format, "bpf")) {
        struct sock_fprog prog = {0};
        if (seccomp_profile_compile(p, caps, &prog, NULL, NULL, NULL, NULL, err) < 0)
            return -1;
        size_t put = fwrite(prog.filter, sizeof prog.filter[0], prog.len, f);
        free(prog.filter);
        if (put != prog.len)
            return isolab_err_set(err, errno, "export-seccomp: writing the filter: %s",
                                  strerror(errno));
        return 0;
    }
    json_t *root = seccomp_profile_to_oci(p, caps, sc_native_arch(), kernel_version_code(), err);
    if (!root)
        return -1;
    int rc = json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc < 0 || fputc('\n', f) == EOF)
        return isolab_err_set(err, errno, "export-seccomp: writing the profile: %s",
                              strerror(errno));
    return 0;
}

/* The seccomp profile as the sandbox would get it, for other tools: the BPF
 * program (bwrap --seccomp FD) or OCI JSON with includes/excludes resolved
 * for the sandbox's capabilities (runc's config.json linux.seccomp). With
 * seccomp off there is no filter: say so, write nothing, exit 1. */
static int cmd_export_seccomp(int argc, char **argv)
{
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    struct export_opts o = {.format = "oci", .out = NULL};
    int i = parse_layer_flags(&cfg, argc, argv, "isolab export-seccomp", export_extra, &o);
    if (i < 0)
        return 2;
    if (i < argc) {
        fprintf(stderr, "isolab export-seccomp: unexpected argument '%s'\n", argv[i]);
        return 2;
    }
    if (strcmp(o.format, "oci") && strcmp(o.format, "bpf")) {
        fprintf(stderr, "isolab export-seccomp: unknown --format %s\n"
                "  hint: use --format oci or --format bpf\n", o.format);
        return 2;
    }
    if (!layer_in_force(&cfg, LAYER_SECCOMP)) {
        fprintf(stderr, "isolab export-seccomp: seccomp is off in this configuration (%s): "
                "there is no filter to export, nothing was written\n"
                "  hint: a runc config.json for it has no linux.seccomp; drop %s to export "
                "the profile\n", cfg.privileged ? "--privileged" : "seccomp=unconfined or --no-seccomp",
                cfg.privileged ? "--privileged" : "that flag");
        return 1;
    }
    struct isolab_err err;
    isolab_err_clear(&err);
    char path[ISOLAB_PATH_MAX];
    struct seccomp_profile *p = NULL;
    if (seccomp_profile_path(&cfg, path, sizeof path, &err) < 0 ||
        seccomp_profile_load(path, &p, &err) < 0) {
        isolab_err_print(&err);
        return 2;
    }
    FILE *f = o.out ? fopen(o.out, "we") : stdout;
    if (!f) {
        fprintf(stderr, "isolab export-seccomp: %s: %s\n", o.out, strerror(errno));
        seccomp_profile_free(p);
        return 2;
    }
    int rc = export_write(p, lab_config_seccomp_caps(&cfg), o.format, f, &err);
    if ((o.out && fclose(f) != 0 && rc == 0) || (!o.out && fflush(f) != 0 && rc == 0))
        rc = isolab_err_set(&err, errno, "export-seccomp: %s: %s", o.out ? o.out : "stdout",
                            strerror(errno));
    if (rc < 0)
        isolab_err_print(&err);
    seccomp_profile_free(p);
    return rc < 0 ? 2 : 0;
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
    int i = parse_layer_flags(&cfg, argc, argv, "isolab", NULL, NULL);
    if (i < 0)
        return 2;
    if (i < argc) {
        fprintf(stderr, "isolab: unknown command '%s'\n  hint: see 'isolab --help'\n", argv[i]);
        return 2;
    }
    tui_set_start_note(cli_import_summary(), cli_import_report());
    return tui_run(&cfg, preset);
}

/* isolab --version: the build, and the facts a bug report needs first. */
static int print_version(void)
{
    const struct scmp_version *v = seccomp_version();
    struct utsname u;
    if (uname(&u) < 0)
        memset(&u, 0, sizeof u);
    printf("isolab %s\n", ISOLAB_GIT);
    printf("libseccomp %u.%u.%u, kernel %s %s\n", v->major, v->minor, v->micro, u.release,
           u.machine);
    printf("cgroups %s, LSM %s\n", cgroup_mode_name(), lsm_mechanism_name());
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")))
        return print_version();
    if (argc < 2 || strcmp(argv[1], "run") != 0)
        isolab_run_sealed(argv);   /* run decides after its flags (cmd_run) */
    if (argc > 1) {
        const char *c = argv[1];
        if (!strcmp(c, "-h") || !strcmp(c, "--help") || !strcmp(c, "help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(c, "run"))
            return cmd_run(argc - 1, argv + 1);
        if (!strcmp(c, "record"))
            return cmd_record(argc - 1, argv + 1);
        if (!strcmp(c, "probe"))
            return cmd_probe(argc - 1, argv + 1);
        if (!strcmp(c, "lint"))
            return cmd_lint(argc - 1, argv + 1);
        if (!strcmp(c, "diff"))
            return cmd_diff(argc - 1, argv + 1);
        if (!strcmp(c, "explain"))
            return cmd_explain(argc - 1, argv + 1);
        if (!strcmp(c, "export"))
            return cmd_export(argc - 1, argv + 1);
        if (!strcmp(c, "import"))
            return cmd_import(argc - 1, argv + 1);
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
