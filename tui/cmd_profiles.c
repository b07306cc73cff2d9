/* isolab lint / diff / explain / syscalls (being written). */
#include <stdio.h>

#include "cmd_profiles.h"

static int not_yet(const char *what)
{
    fprintf(stderr, "isolab %s: not implemented yet\n", what);
    return 2;
}

int cmd_lint(int argc, char **argv) { (void)argc; return not_yet(argv[0]); }
int cmd_diff(int argc, char **argv) { (void)argc; return not_yet(argv[0]); }
int cmd_explain(int argc, char **argv) { (void)argc; return not_yet(argv[0]); }
int cmd_syscalls(int argc, char **argv) { (void)argc; return not_yet(argv[0]); }
