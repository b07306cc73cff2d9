/* `isolab explain NAME` (layers/profile/explain.c): a syscall's numbers, meaning,
 * the capability the kernel checks, what each preset does with it and why,
 * and the probes that try it; or a capability's powers and the syscalls
 * Docker's profile unlocks with it. Writes to out. */
#ifndef ISOLAB_EXPLAIN_H
#define ISOLAB_EXPLAIN_H

#include <stdio.h>

#include "isolab.h"

/* Decides whether name is a syscall or a capability ("CAP_X" is always a
 * capability; otherwise a syscall on any architecture libseccomp knows, or
 * in isolab's table, wins). Returns 0, or -1 with err (unknown name). */
int explain(FILE *out, const char *name, struct isolab_err *err);
int explain_syscall(FILE *out, const char *name, struct isolab_err *err);
int explain_cap(FILE *out, int cap, struct isolab_err *err);

#endif
