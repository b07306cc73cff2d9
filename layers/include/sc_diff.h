/* Comparing and describing seccomp decisions from the model
 * (layers/profile/sc_diff.c): the syscalls of an architecture, a canonical text for
 * "what does this profile do with this syscall", and the difference between
 * two profiles for one capability set. Used by lint, diff, explain and
 * syscalls. */
#ifndef ISOLAB_SC_DIFF_H
#define ISOLAB_SC_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "seccomp_profile.h"

struct sc_sysent {
    const char *name;     /* malloc'ed (sc_syscalls_free) */
    int nr;               /* the number on that arch (x32: with 0x40000000) */
};
/* Every syscall libseccomp knows on arch (SCMP_ARCH_*), sorted by number.
 * Free with sc_syscalls_free. */
int sc_arch_syscalls(uint32_t arch, struct sc_sysent **out, size_t *n);
void sc_syscalls_free(struct sc_sysent *v, size_t n);
/* The native architecture's token (seccomp_arch_native()). */
uint32_t sc_native_arch(void);
/* "x86_64", "aarch64", ... for a SCMP_ARCH_* token. */
const char *sc_arch_label(uint32_t arch);

/* "ALLOW", "ERRNO(EPERM)", "ERRNO(38)", "KILL_PROCESS" */
void sc_action_str(enum sc_action a, unsigned int errno_ret, char *buf, size_t n);
/* The errno a rule returns when its action is ERRNO (EPERM if not given). */
unsigned int sc_rule_errno(const struct sc_rule *r);
unsigned int sc_default_errno(const struct seccomp_profile *p);
/* "arg0 & 0x7e020000 == 0 && arg2 != 9", "" for no conditions */
void sc_args_str(const struct sc_rule *r, char *buf, size_t n);
/* "with CAP_SYS_ADMIN", "without CAP_SYS_ADMIN", "on s390, s390x",
 * "kernel >= 4.8", joined by ", "; "" if unconditional. */
void sc_filter_str(const struct sc_rule *r, char *buf, size_t n);

/* What profile p does with syscall name for these caps on arch, as one
 * canonical line, following libseccomp's way of building the filter (as
 * seccomp_profile_eval does): rules whose action equals the default are
 * left out; the first applicable rule without argument conditions decides
 * alone; otherwise the conditional rules in order, then "otherwise
 * DEFAULT". E.g. "ALLOW if arg0 & 0x7e020000 == 0; otherwise ERRNO(EPERM)".
 * Two profiles decide a syscall the same way iff the lines are equal. */
void sc_decision_str(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                     const char *name, char *buf, size_t n);

struct sc_diff_entry {
    const char *name;
    char a[384];
    char b[384];
};
/* Syscalls of arch (plus names either profile gives that libseccomp does
 * not know) that a and b decide differently under caps. *out malloc'ed,
 * sorted by name; free with sc_diff_free. Returns the number of
 * differences, -1 on error. */
int sc_diff_profiles(const struct seccomp_profile *a, const struct seccomp_profile *b,
                     uint64_t caps, uint32_t arch, struct sc_diff_entry **out,
                     size_t *n);
void sc_diff_free(struct sc_diff_entry *v, size_t n);

/* Capability set from a word: "docker", "all", "none" or a comma list
 * "SYS_ADMIN,SYS_TIME" (added to nothing) or "+SYS_ADMIN" (added to
 * Docker's). -1 with err on an unknown name. */
int sc_caps_parse(const char *s, uint64_t *caps, struct isolab_err *err);

#endif
