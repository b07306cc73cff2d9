/* The layer-flag loop every subcommand shares (tui/cli/cli_flags.c). */
#ifndef ISOLAB_CLI_FLAGS_H
#define ISOLAB_CLI_FLAGS_H

#include <stdbool.h>
#include <stdio.h>

#include "isolab.h"

/* A subcommand's own options: returns 1 and advances *i past what it took,
 * 0 if argv[*i] is not one of them, -1 after printing an error. */
typedef int (*cli_extra_fn)(void *ud, int argc, char **argv, int *i);

struct cli_flag_opts {
    const char *cmd;            /* "isolab syscalls", for error messages */
    cli_extra_fn extra;         /* may be NULL */
    void *ud;
    void (*help)(FILE *f);      /* -h/--help print it and exit 0; NULL: not an option */
    bool fit_host;              /* then fit cfg to this host and print the notes */
    /* --from FILE imports a runtime's configuration first (cmd_import.c);
     * the layer flags after it edit it. Its report goes to from_out (NULL:
     * stdout). */
    bool from;
    FILE *from_out;
};

/* Parses layer flags (Docker's names, and -u, Docker's short --user) and
 * the subcommand's own options from argv[start..], into cfg. Stops after
 * "--" or at the first argument that is not an option. Returns the index of
 * the first unparsed argument, or -1 after printing an error. */
int cli_layer_flags(struct lab_config *cfg, int argc, char **argv, int start,
                    const struct cli_flag_opts *o);

#endif
