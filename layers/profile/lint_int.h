/* Internal to the linter (lint.c, lint_load.c). */
#ifndef ISOLAB_LINT_INT_H
#define ISOLAB_LINT_INT_H

#include "lint.h"

/* Append a finding (counts it by severity); NULL when out of memory. */
struct lint_finding *lint_add(struct lint_report *rep, enum lint_severity sev,
                              const char *code, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Set a finding's hint; f may be NULL. */
void lint_hint(struct lint_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "NAME:L:C: rest" -> line, col and rest; NULL if msg has no location. */
const char *lint_split_location(const char *msg, const char *name, int *line, int *col);
/* Report the loader's first error and every further one; returns 2, or -1
 * when out of memory. */
int lint_all_load_errors(const char *text, size_t len, const char *name,
                         struct lint_report *rep, const struct isolab_err *first);
/* Compile the filter exactly as run does (libseccomp, the native arch, these
 * caps) and report what run would refuse (a filter over the kernel's 4096
 * instructions, a rule libseccomp refuses) as a "compile" error. Returns 0,
 * or -1 when out of memory. */
struct seccomp_profile;
int lint_check_compile(const struct seccomp_profile *p, uint64_t caps, const char *name,
                       struct lint_report *rep);

/* lint_intent.c: rules that contradict the default ("contradiction"):
 * every rule repeats the defaultAction, or a denying default with almost
 * nothing allowed (not even execve). Returns 0, or -1 when out of memory. */
int lint_check_contradiction(const struct seccomp_profile *p, struct lint_report *rep);

#endif
