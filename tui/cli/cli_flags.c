/* One loop for the layer flags of run, probe, syscalls, export-seccomp, the
 * TUI and lab check; the flags themselves are the engine's
 * (lab_config_parse_flag). */
#include <stdlib.h>
#include <string.h>

#include "cli_flags.h"
#include "cmd_import.h"

int cli_layer_flags(struct lab_config *cfg, int argc, char **argv, int start,
                    const struct cli_flag_opts *o)
{
    int i = start;
    if (o->from && cli_import_from(cfg, argc, argv, start, o->from_out ? o->from_out : stdout) < 0)
        return -1;
    while (i < argc) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (o->help && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
            o->help(stdout);
            exit(0);
        }
        if (o->from && cli_import_skip(argc, argv, &i))
            continue;
        struct isolab_err err;
        isolab_err_clear(&err);
        int rc = lab_config_parse_flag(cfg, argc, argv, &i, &err);
        if (rc < 0) {
            isolab_err_print(&err);
            return -1;
        }
        if (rc > 0)
            continue;
        if (o->extra) {
            int x = o->extra(o->ud, argc, argv, &i);
            if (x < 0)
                return -1;
            if (x > 0)
                continue;
        }
        if (argv[i][0] == '-') {
            fprintf(stderr, "%s: unknown option %s\n  hint: see '%s --help'\n", o->cmd,
                    argv[i], o->cmd);
            return -1;
        }
        break;
    }
    char notes[1024];
    if (o->fit_host && lab_config_fit_host(cfg, notes, sizeof notes) > 0 &&
        !getenv("ISOLAB_QUIET"))
        fprintf(stderr, "isolab: %s\n", notes);
    return i;
}
