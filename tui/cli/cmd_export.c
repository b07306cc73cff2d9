/* isolab export --format docker|oci|k8s [layer flags] [-o FILE] [-- CMD]:
 * the configuration for a real runtime, then the fidelity report on stderr
 * (what the target cannot express). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_flags.h"
#include "cmd_export.h"
#include "export.h"
#include "isolab.h"

struct cmd_export_opts {
    const char *format;
    const char *out;
    const char *profile_out;
    struct export_opts x;
};

static void export_usage(FILE *f)
{
    fprintf(f,
            "usage: isolab export --format docker|oci|k8s [--from FILE] [layer flags] [-o FILE]\n"
            "                     [--image IMAGE] [--name POD] [--seccomp-out FILE] [-- CMD ARGS]\n"
            "  docker  the docker run line giving the same layers\n"
            "  oci     a runc bundle's config.json (put a rootfs/ beside it)\n"
            "  k8s     a Pod manifest; a Localhost seccomp profile goes to --seccomp-out\n"
            "          (default: isolab.json beside -o), for the kubelet's seccomp dir\n"
            "What the target cannot express is listed on stderr.\n\n%s",
            lab_config_flags_help());
}

static int export_extra(void *ud, int argc, char **argv, int *i)
{
    struct cmd_export_opts *o = ud;
    const char *a = argv[*i];
    const char **dst = !strcmp(a, "--format") ? &o->format
                     : !strcmp(a, "-o") ? &o->out
                     : !strcmp(a, "--image") ? &o->x.image
                     : !strcmp(a, "--name") ? &o->x.name
                     : !strcmp(a, "--seccomp-out") ? &o->profile_out : NULL;
    if (!dst)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "isolab export: %s needs a value\n  hint: see 'isolab export --help'\n",
                a);
        return -1;
    }
    *dst = argv[*i + 1];
    *i += 2;
    return 1;
}

static int write_text(const char *path, const char *text, struct isolab_err *err)
{
    FILE *f = path ? fopen(path, "we") : stdout;
    if (!f)
        return isolab_err_set(err, errno, "export: %s: %s", path, strerror(errno));
    int rc = fputs(text, f) < 0 ? -1 : 0;
    if (path ? fclose(f) != 0 : fflush(f) != 0)
        rc = -1;
    if (rc < 0)
        return isolab_err_set(err, errno, "export: writing %s: %s", path ? path : "stdout",
                              strerror(errno));
    return 0;
}

static int write_json(const char *path, json_t *j, struct isolab_err *err)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!s)
        return isolab_err_set(err, ENOMEM, "export: out of memory");
    size_t n = strlen(s);
    char *t = realloc(s, n + 2);
    if (!t) {
        free(s);
        return isolab_err_set(err, ENOMEM, "export: out of memory");
    }
    memcpy(t + n, "\n", 2);
    int rc = write_text(path, t, err);
    free(t);
    return rc;
}

/* The Localhost profile beside the manifest: "isolab.json" next to -o. */
static void profile_path(const struct cmd_export_opts *o, char *buf, size_t n)
{
    if (o->profile_out) {
        snprintf(buf, n, "%s", o->profile_out);
        return;
    }
    const char *slash = o->out ? strrchr(o->out, '/') : NULL;
    if (slash)
        snprintf(buf, n, "%.*s/isolab.json", (int)(slash - o->out), o->out);
    else
        snprintf(buf, n, "isolab.json");
}

static int run_export(const struct lab_config *cfg, struct cmd_export_opts *o,
                      struct export_report *rep, struct isolab_err *err)
{
    if (!strcmp(o->format, "oci")) {
        json_t *j = export_oci(cfg, rep, err);
        if (!j)
            return -1;
        int rc = write_json(o->out, j, err);
        json_decref(j);
        return rc;
    }
    if (!strcmp(o->format, "docker")) {
        char *line = export_docker(cfg, &o->x, rep, err);
        if (!line)
            return -1;
        size_t n = strlen(line);
        char *t = realloc(line, n + 2);
        if (!t) {
            free(line);
            return isolab_err_set(err, ENOMEM, "export: out of memory");
        }
        memcpy(t + n, "\n", 2);
        int rc = write_text(o->out, t, err);
        free(t);
        return rc;
    }
    char ppath[ISOLAB_PATH_MAX];
    profile_path(o, ppath, sizeof ppath);
    const char *base = strrchr(ppath, '/');
    o->x.seccomp_out = base ? base + 1 : ppath;
    json_t *profile = NULL;
    char *yaml = export_k8s(cfg, &o->x, &profile, rep, err);
    if (!yaml)
        return -1;
    int rc = write_text(o->out, yaml, err);
    free(yaml);
    if (rc == 0 && profile) {
        rc = write_json(ppath, profile, err);
        if (rc == 0)
            export_note(rep, "seccomp: the Localhost profile is %s; copy it to the kubelet's "
                        "seccomp dir (/var/lib/kubelet/seccomp/profiles/%s)", ppath,
                        o->x.seccomp_out);
    }
    json_decref(profile);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    cfg.tty = false;
    struct cmd_export_opts o = {.format = NULL};
    struct cli_flag_opts fo = {.cmd = "isolab export", .extra = export_extra, .ud = &o,
                               .help = export_usage, .fit_host = false, .from = true,
                               .from_out = stderr};
    int i = cli_layer_flags(&cfg, argc, argv, 1, &fo);
    if (i < 0)
        return 2;
    if (i < argc)
        cfg.argv = argv + i;
    if (!o.format || (strcmp(o.format, "docker") && strcmp(o.format, "oci") &&
                      strcmp(o.format, "k8s"))) {
        fprintf(stderr, "isolab export: %s\n  hint: use --format docker, --format oci or "
                "--format k8s\n", o.format ? "unknown --format" : "which format? --format is "
                "missing");
        return 2;
    }
    struct export_report rep = {.len = 0};
    struct isolab_err err;
    isolab_err_clear(&err);
    if (run_export(&cfg, &o, &rep, &err) < 0) {
        isolab_err_print(&err);
        return 2;
    }
    fprintf(stderr, "isolab export: fidelity (%s): %s\n%s", o.format,
            rep.n ? "what the target cannot express, and what it does instead:" :
            "everything in this configuration is expressed", rep.text);
    return 0;
}
