/* `isolab lab ...` and `isolab demo LAB` (tui/cli/cmd_lab.c, tui/cli/cmd_demo.c).
 * argv[0] is the subcommand's name ("lab", "demo"). */
#ifndef ISOLAB_CMD_LAB_H
#define ISOLAB_CMD_LAB_H

#include "lab.h"

int cmd_lab(int argc, char **argv);
int cmd_demo(int argc, char **argv);

/* A lab by id, number or file path (for authors' own files). Prints the
 * error and returns NULL. all and nall hold the loaded labs (free both). */
struct lab *cmd_lab_get(const char *arg, struct lab ***all, size_t *nall, struct lab **own);

#endif
