/* --from FILE for run, probe, export and the TUI, and isolab import
 * (tui/cli/cmd_import.c). */
#ifndef ISOLAB_CMD_IMPORT_H
#define ISOLAB_CMD_IMPORT_H

#include <stdio.h>

#include "isolab.h"

/* Finds --from FILE (with --container NAME, --seccomp-dir DIR) in
 * argv[start..] before "--" and imports FILE into cfg; the configuration
 * and what isolab cannot model go to out. 0: no --from, 1: imported, -1:
 * an error, printed. */
int cli_import_from(struct lab_config *cfg, int argc, char **argv, int start, FILE *out);
/* 1 and *i past it when argv[*i] is one of those options, else 0. */
int cli_import_skip(int argc, char **argv, int *i);
/* isolab import FILE [--container NAME] [--seccomp-dir DIR] */
int cmd_import(int argc, char **argv);
/* The last import's one-line summary, for the TUI's status line ("" if none). */
const char *cli_import_summary(void);
/* Its notes: what isolab cannot model, one "- " line each ("" if none). */
const char *cli_import_report(void);

#endif
