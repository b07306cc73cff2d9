/* isolab export (tui/cli/cmd_export.c). */
#ifndef ISOLAB_CMD_EXPORT_H
#define ISOLAB_CMD_EXPORT_H
int cmd_export(int argc, char **argv);
#endif
