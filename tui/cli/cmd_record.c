/* isolab record -o PROFILE [layer flags] [--merge FILE] -- CMD: run CMD with
 * every syscall notified and allowed, then write the profile it needs. */
#include <stdio.h>
#include <string.h>

#include "cli_flags.h"
#include "cmd_live.h"
#include "live_notify.h"

struct record_opts {
    const char *out, *merge;
};

static int record_extra(void *ud, int argc, char **argv, int *i)
{
    struct record_opts *o = ud;
    const char **dst = !strcmp(argv[*i], "-o") ? &o->out
                     : !strcmp(argv[*i], "--merge") ? &o->merge : NULL;
    if (!dst)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "isolab record: %s needs a file\n", argv[*i]);
        return -1;
    }
    *dst = argv[*i + 1];
    *i += 2;
    return 1;
}

static void record_usage(FILE *f)
{
    fprintf(f, "usage: isolab record -o PROFILE [layer flags] [--merge FILE] -- CMD ARGS\n"
            "  runs CMD with every syscall allowed and reported, then writes the minimal\n"
            "  Docker profile it needs (defaultAction ERRNO; clone3 ENOSYS when clone is used)\n"
            "\n%s", lab_config_flags_help());
}

int cmd_record(int argc, char **argv)
{
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    struct record_opts o = { NULL, NULL };
    struct cli_flag_opts fo = { .cmd = "isolab record", .extra = record_extra, .ud = &o,
                                .help = record_usage, .fit_host = true };
    int i = cli_layer_flags(&cfg, argc, argv, 1, &fo);
    if (i < 0)
        return 125;
    if (!o.out || i >= argc) {
        record_usage(stderr);
        return 2;
    }
    cfg.argv = &argv[i];
    struct isolab_err err;
    isolab_err_clear(&err);
    if (!layer_in_force(&cfg, LAYER_SECCOMP)) {
        fprintf(stderr, "isolab record: recording needs the seccomp layer\n");
        return 2;
    }
    struct live_sup *sup;
    if (live_sup_new(LIVE_RECORD, NULL, NULL, NULL, &sup, &err) < 0) {
        isolab_err_print(&err);
        return 125;
    }
    cfg.live = sup;
    int status = 0;
    int rc = sandbox_run(&cfg, &status, &err);
    if (rc == 0)
        rc = live_record_write(sup, o.out, o.merge, &err);
    unsigned long n;
    live_sup_counts(sup, &n, NULL);
    live_sup_free(sup);
    if (rc < 0) {
        isolab_err_print(&err);
        return 125;
    }
    fprintf(stderr, "isolab: record: %lu syscalls seen; wrote %s%s\n", n, o.out,
            status ? " (the command failed: the profile may be incomplete)" : "");
    return status;
}
