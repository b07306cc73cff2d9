/* Importing a real runtime's configuration on the command line: --from
 * FILE on run, probe, export and the TUI, and isolab import FILE, which
 * shows the configuration and what isolab cannot model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_import.h"
#include "import.h"

static char summary[512];
static char report[sizeof ((struct export_report *)0)->text];

const char *cli_import_summary(void)
{
    return summary;
}

const char *cli_import_report(void)
{
    return report;
}

static const char *opt_value(int argc, char **argv, int k, const char *name)
{
    size_t n = strlen(name);
    if (!strcmp(argv[k], name))
        return k + 1 < argc ? argv[k + 1] : "";
    if (!strncmp(argv[k], name, n) && argv[k][n] == '=')
        return argv[k] + n + 1;
    return NULL;
}

int cli_import_skip(int argc, char **argv, int *i)
{
    static const char *const opts[] = {"--from", "--container", "--seccomp-dir"};
    for (size_t k = 0; k < 3; k++) {
        if (!strcmp(argv[*i], opts[k])) {
            *i += *i + 1 < argc ? 2 : 1;
            return 1;
        }
        size_t n = strlen(opts[k]);
        if (!strncmp(argv[*i], opts[k], n) && argv[*i][n] == '=') {
            ++*i;
            return 1;
        }
    }
    return 0;
}

static void show(FILE *out, const char *file, const struct lab_config *cfg,
                 const struct import_info *info, const struct export_report *rep)
{
    fprintf(out, "isolab: imported %s (%s: %s)\n", file, import_kind_name(info->kind),
            info->what);
    for (int id = 0; id < LAYER_COUNT; id++) {
        char d[512];
        layer_describe(cfg, id, d, sizeof d);
        fprintf(out, "  %-10s %s\n", layer_name(id), d);
    }
    if (rep->n)
        fprintf(out, "isolab cannot model (%d):\n%s", rep->n, rep->text);
    else
        fprintf(out, "isolab models everything in the file\n");
    fflush(out);
}

int cli_import_from(struct lab_config *cfg, int argc, char **argv, int start, FILE *out)
{
    const char *from = NULL, *v;
    struct import_opts o = {.kind = IMPORT_AUTO};
    for (int k = start; k < argc && strcmp(argv[k], "--"); k++) {
        if ((v = opt_value(argc, argv, k, "--from")))
            from = v;
        else if ((v = opt_value(argc, argv, k, "--container")))
            o.container = v;
        else if ((v = opt_value(argc, argv, k, "--seccomp-dir")))
            o.seccomp_dir = v;
    }
    if (!from && (o.container || o.seccomp_dir)) {
        fprintf(stderr, "isolab: --container and --seccomp-dir go with --from FILE\n"
                "  hint: e.g. --from pod.yaml --container app\n");
        return -1;
    }
    if (!from)
        return 0;
    if (!*from) {
        fprintf(stderr, "isolab: --from needs a file\n  hint: --from pod.yaml, --from "
                "config.json or --from docker-run.txt\n");
        return -1;
    }
    struct import_info info;
    struct export_report rep = {.len = 0};
    struct isolab_err err;
    isolab_err_clear(&err);
    if (import_file(from, &o, cfg, &info, &rep, &err) < 0) {
        isolab_err_print(&err);
        return -1;
    }
    snprintf(summary, sizeof summary, "imported %s (%s)%s", from, info.what,
             rep.n ? ": some fields are not modelled (isolab import FILE lists them)" : "");
    snprintf(report, sizeof report, "%s", rep.text);
    if (out)
        show(out, from, cfg, &info, &rep);
    return 1;
}

int cmd_import(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: isolab import FILE [--container NAME] [--seccomp-dir DIR]\n"
                "  FILE: a runc config.json, a Kubernetes Pod or workload YAML, or a\n"
                "  docker run line. Shows the configuration it gives and what isolab\n"
                "  cannot model. isolab probe --from FILE probes it; isolab --from FILE\n"
                "  opens it in the lab.\n");
        return argc < 2 ? 2 : 0;
    }
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    char *args[argc + 2];
    args[0] = argv[0];
    args[1] = "--from";
    for (int k = 1; k < argc; k++)
        args[k + 1] = argv[k];
    args[argc + 1] = NULL;
    for (int k = 1; k < argc; k++) {
        int j = k;
        if (k > 1 && cli_import_skip(argc, argv, &j)) {
            k = j - 1;
            continue;
        }
        if (k > 1 || argv[k][0] == '-') {
            fprintf(stderr, "isolab import: unexpected argument '%s'\n  hint: isolab import FILE "
                    "[--container NAME] [--seccomp-dir DIR]\n", argv[k]);
            return 2;
        }
    }
    return cli_import_from(&cfg, argc + 1, args, 1, stdout) < 0 ? 2 : 0;
}
