/* `isolab explain NAME` (layers/profile/explain.c): what isolab knows about
 * a syscall -- its numbers, meaning, the capability the kernel checks, what
 * each preset's seccomp profile does with it and why, the probes that try
 * it -- or a capability: its powers and the syscalls Docker's profile
 * unlocks with it. The engine returns the facts; the front ends print. */
#ifndef ISOLAB_EXPLAIN_H
#define ISOLAB_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isolab.h"
#include "probes.h"
#include "seccomp_profile.h"
#include "syscall_info.h"

/* The architectures whose numbers explain gives. */
#define EXPLAIN_NARCH 4

enum explain_nr_kind {
    EXPLAIN_NR,            /* .nr is the number (x32: with bit 30) */
    EXPLAIN_MULTIPLEXED,   /* through socketcall/ipc: .nr is libseccomp's pseudo-number */
    EXPLAIN_ABSENT,        /* no such syscall on this arch (or newer than libseccomp) */
};
struct explain_number {
    uint32_t arch;         /* SCMP_ARCH_* */
    const char *label;     /* "x86_64" */
    enum explain_nr_kind kind;
    int nr;
};

/* A rule of a preset's profile that would decide with another capability. */
struct explain_unlock {
    size_t rule;           /* syscalls[rule] */
    int line;
    char action[64];       /* "ALLOW" */
    char cap[40];          /* the first of its includes.caps */
};

enum explain_preset_kind {
    EXPLAIN_PRESET_ERROR,       /* .error says why (preset or profile does not load) */
    EXPLAIN_PRESET_SECCOMP_OFF, /* every syscall passes seccomp */
    EXPLAIN_PRESET_NO_SYSCALL,  /* not a syscall on the native arch */
    EXPLAIN_PRESET_VERDICT,
};
struct explain_preset {
    char name[64];
    enum explain_preset_kind kind;
    char error[1100];
    bool privileged;            /* seccomp is off because of --privileged */
    /* EXPLAIN_PRESET_VERDICT: */
    char profile[256];          /* the profile's file name */
    enum sc_action action;
    unsigned int errno_ret;
    char action_str[64];        /* "ERRNO(EPERM)" */
    bool conditional;           /* the rule has argument conditions */
    bool unresolved;            /* libseccomp does not know the name */
    bool has_rule;              /* false: defaultAction decides */
    size_t rule;                /* syscalls[rule] */
    int rule_line;
    char rule_filter[256];      /* "includes caps CAP_SYS_ADMIN" ... */
    char rule_comment[1024];    /* the rule's comment in full, "" if none */
    char decision[384];         /* every case, when arguments matter */
    struct explain_unlock *unlocks;  /* with no rule: rules needing other caps */
    size_t nunlocks;
    /* the kernel's own capability check, when isolab's table names one */
    bool kernel_cap_present;
};

struct explain_syscall {
    char name[64];
    const struct syscall_info *info;       /* NULL: isolab's table has no entry */
    unsigned int libseccomp[3];            /* major, minor, micro */
    struct explain_number numbers[EXPLAIN_NARCH];
    bool newer_than_libseccomp;
    int kernel_cap;                        /* CAP_* the kernel checks, -1 if none/unclear */
    uint32_t native;                       /* the arch of the preset verdicts */
    struct explain_preset *presets;
    size_t npresets;
    const struct probe **probes;           /* the catalogue's probes of this syscall */
    size_t nprobes;
};

struct explain_change {
    char name[64];
    char without[384], with[384];          /* sc_decision_str */
};
struct explain_cap {
    int cap;
    const struct cap_info *info;           /* NULL: no entry in isolab's table */
    bool in_docker_default;
    uint32_t arch;                         /* native */
    struct explain_change *changes;        /* Docker's profile, default caps -/+ cap */
    size_t nchanges;
};

enum explain_kind { EXPLAIN_SYSCALL, EXPLAIN_CAP };
struct explain {
    enum explain_kind kind;
    struct explain_syscall sc;
    struct explain_cap cap;
};

/* Decides whether name is a syscall or a capability ("CAP_X" is always a
 * capability; otherwise a syscall on any architecture libseccomp knows, or
 * in isolab's table, wins; then "sys_admin" as a capability). Returns 0
 * (free with explain_free), or -1 with err (unknown name). */
int explain_lookup(const char *name, struct explain *out, struct isolab_err *err);
int explain_syscall(const char *name, struct explain_syscall *out, struct isolab_err *err);
int explain_cap(int cap, struct explain_cap *out, struct isolab_err *err);
void explain_free(struct explain *e);

/* Why rule r, which names `name`, decides nothing for it here (these
 * capabilities, the native architecture, the running kernel): the end of
 * the sentence "rule at line N would give ALLOW, but ..." -- "_llseek is not
 * a syscall on x86_64 (only on 32-bit architectures): nothing to match". */
void explain_rule_skipped(const struct sc_rule *r, const char *name, uint64_t caps, char *buf,
                          size_t n);

#endif
