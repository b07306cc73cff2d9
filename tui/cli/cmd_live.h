/* isolab run --trace[=FILE] [--json] [--live]: the supervisor's feed on the
 * command line (cmd_live.c). */
#ifndef ISOLAB_CMD_LIVE_H
#define ISOLAB_CMD_LIVE_H

#include "isolab.h"

/* run's extra options: 1 and *i advanced if argv[*i] was one, 0 if not. */
int live_cli_option(int argc, char **argv, int *i);
/* Whether --trace or --live was given (a supervisor will run). */
bool live_cli_wanted(void);
/* Before sandbox_run: a supervisor for cfg when --trace or --live was given
 * (cfg->live set). -1 after printing the error. */
int live_cli_begin(struct lab_config *cfg);
/* After sandbox_run: the supervisor is stopped and freed, the feed closed. */
void live_cli_end(void);
/* The feed's first denied call after the command's execve (its first
 * KILL/TRAP if there was one), "" without a feed: for exit_why.h. */
void live_cli_first_denial(char *buf, size_t n);
/* isolab record (cmd_record.c) */
int cmd_record(int argc, char **argv);

#endif
