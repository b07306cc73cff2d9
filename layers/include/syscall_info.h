/* A small reference for learners (layers/profile/syscall_info.c): what a syscall
 * does in one line, which capability the kernel checks, and what each
 * capability allows. Used by `isolab explain`, the linter and the TUI. */
#ifndef ISOLAB_SYSCALL_INFO_H
#define ISOLAB_SYSCALL_INFO_H

#include <stddef.h>

struct syscall_info {
    const char *name;
    const char *what;     /* one line */
    const char *cap;      /* "CAP_SYS_ADMIN", "none", or a sentence; NULL = none */
    const char *note;     /* history, CVEs, bypasses; NULL if none */
};
/* NULL if the table has nothing on this syscall. */
const struct syscall_info *syscall_info_find(const char *name);
/* Real syscalls newer than the libseccomp isolab is built with (it cannot
 * resolve them, so they are skipped when a filter is compiled). */
int syscall_is_newer_than_libseccomp(const char *name);

/* What a capability allows (after capabilities(7)): the one table, for
 * `isolab explain` and the TUI's capability list. */
struct cap_info {
    int cap;              /* CAP_* number */
    const char *summary;  /* at most 50 characters, for a list */
    const char *allows;   /* what it allows, one or two lines */
};
/* NULL for a number the table does not know. */
const struct cap_info *cap_info_find(int cap);

#endif
