/* Command-line subcommands about seccomp profiles (tui/cli/cmd_profiles.c):
 * isolab lint PROFILE [--json]
 * isolab diff A B [--caps CAP,CAP|docker|all|none]
 * isolab explain NAME
 * isolab syscalls [layer flags] [--json]
 * argv[0] is the subcommand name. Each returns the process exit status. */
#ifndef ISOLAB_CMD_PROFILES_H
#define ISOLAB_CMD_PROFILES_H

int cmd_lint(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_syscalls(int argc, char **argv);

#endif
