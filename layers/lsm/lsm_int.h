/* Internals of the LSM layer: lsm.c (the vtable, choosing the mechanism),
 * apparmor.c and landlock.c (the two mechanisms that enforce the policies
 * isolab-default and isolab-readonly-root). */
#ifndef ISOLAB_LSM_INT_H
#define ISOLAB_LSM_INT_H

#include "layer.h"

struct lsm_backend;

/* The layer's private state for one sandbox. */
struct lsm_state {
    const struct lsm_backend *backend;
    char profile[128];          /* the policy name (lsm_policy_name) */
    int ruleset_fd;             /* Landlock: made in the parent, -1 if none */
    bool rules_added;           /* Landlock: its rules are in (prebuild) */
};

/* A mechanism that enforces isolab's policies, chosen once (lsm_backend()). */
struct lsm_backend {
    const char *name;           /* "AppArmor", "Landlock" */
    /* available()'s sentence: why this mechanism, here. */
    void (*why)(char *buf, size_t n);
    int (*validate)(const struct lab_config *cfg, struct isolab_err *err);
    int (*prepare)(const struct lab_config *cfg, struct lsm_state *st, struct isolab_err *err);
    /* Child side, before the pid-namespace init forks the command: what
     * both will confine themselves with at STEP_LSM, made once (Landlock's
     * rules, into the ruleset they share). NULL = nothing to make. */
    int (*prebuild)(const struct lab_config *cfg, struct lsm_state *st, struct isolab_err *err);
    /* Parent side, the same rules for the child's new root, reached from
     * rootfd before its pivot; NULL, or false from rules_at_ok: the child
     * makes them (prebuild). */
    bool (*rules_at_ok)(const struct lab_config *cfg);
    int (*rules_at)(const struct lab_config *cfg, struct lsm_state *st, int rootfd,
                    struct isolab_err *err);
    /* Child side, at STEP_LSM. */
    int (*enter)(const struct lab_config *cfg, struct lsm_state *st, struct isolab_err *err);
    /* The pid-namespace init, which never execs; NULL = already confined. */
    int (*confine_init)(const struct lsm_state *st, struct isolab_err *err);
    void (*cleanup)(struct lsm_state *st);          /* parent side; may be NULL */
    void (*describe)(const struct lab_config *cfg, char *buf, size_t n);
};

extern const struct lsm_backend apparmor_backend;
extern const struct lsm_backend landlock_backend;

/* Which mechanism enforces the policies here (chosen once; NULL = none).
 * ISOLAB_LSM_MECHANISM=apparmor|landlock forces one (tests use it to run
 * both where both exist). */
const struct lsm_backend *lsm_backend(void);
/* The active LSMs, "lockdown,capability,landlock,bpf", or "unknown". */
const char *lsm_active_list(void);
/* cfg->lsm_profile, or "isolab-default" when empty. */
const char *lsm_policy_name(const struct lab_config *cfg);

/* apparmor.c */
bool apparmor_kernel_enabled(void);
bool apparmor_profile_loaded(const char *name);
/* 1 loaded, 0 not loaded, -1 cannot tell (no privilege to read the list) */
int apparmor_profile_state(const char *name);

/* landlock.c */
int landlock_abi_version(void);     /* 0 = Landlock unavailable */

#endif
