/* The seccomp profile linter (layers/profile/lint.c): load errors with line and
 * column, unknown names and names of other architectures, rules that never
 * match and duplicates, bypasses through sibling syscalls, launch checks and
 * libc fallbacks broken by an EPERM default. `isolab lint` prints the
 * report; tests call it directly. */
#ifndef ISOLAB_LINT_H
#define ISOLAB_LINT_H

#include <stddef.h>
#include <stdint.h>

#include "seccomp_profile.h"

enum lint_severity {
    LINT_NOTE = 0,        /* worth knowing; does not change the exit status */
    LINT_WARNING,
    LINT_ERROR,
};
const char *lint_severity_name(enum lint_severity s);   /* "note", "warning", "error" */

struct lint_finding {
    enum lint_severity severity;
    char code[32];        /* "load", "unknown-syscall", "other-arch", "newer-syscall",
                             "never-matches", "duplicate", "redundant", "bypass",
                             "launch", "libc-fallback", "loader" */
    int line, column;     /* 0 if unknown */
    char message[640];
    char hint[384];
};

struct lint_report {
    char path[1024];
    struct lint_finding *findings;
    size_t n, cap;
    size_t nerrors, nwarnings, nnotes;
    uint64_t caps;        /* the capability set the verdict checks used */
    uint32_t arch;        /* and the architecture */
};

struct lint_options {
    uint64_t caps;        /* capabilities for the verdict checks (Docker's 14 by default) */
    uint32_t arch;        /* SCMP_ARCH_*, 0 = native */
};
/* Defaults: Docker's capabilities, the native architecture. */
void lint_options_init(struct lint_options *o);

/* Lint a file. Returns the exit status: 0 clean (notes allowed), 1 warnings,
 * 2 errors; -1 if out of memory. rep is filled in every case; free it with
 * lint_report_free. */
int lint_file(const char *path, const struct lint_options *o, struct lint_report *rep);
/* Lint a profile text already in memory (name is used in messages). */
int lint_text(const char *text, size_t len, const char *name,
              const struct lint_options *o, struct lint_report *rep);
void lint_report_free(struct lint_report *rep);

/* First finding with this code, NULL if none (for tests and tools). */
/* The syscalls that do the same thing as name (chmod: chmod, fchmod,
 * fchmodat, fchmodat2), as lint's family rule knows them, NULL-terminated
 * (at most 6); NULL if it has none. *how: which one the everyday tools
 * call, or NULL. */
const char *const *lint_syscall_family(const char *name, const char **how);
const struct lint_finding *lint_find(const struct lint_report *rep, const char *code);

#endif
