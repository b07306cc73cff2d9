/* Internals of the LSM layer: lsm.c (the vtable, choosing the mechanism),
 * apparmor.c and landlock.c (the two mechanisms that enforce the policies
 * isolab-default and isolab-readonly-root). */
#ifndef ISOLAB_LSM_INT_H
#define ISOLAB_LSM_INT_H

#include "layer.h"

enum lsm_mech { LSM_MECH_NONE = 0, LSM_MECH_APPARMOR = 1, LSM_MECH_LANDLOCK = 2 };

/* Which mechanism enforces the policies here (cached). ISOLAB_LSM_MECHANISM
 * =apparmor|landlock forces one (tests use it to run both where both exist). */
enum lsm_mech lsm_mechanism(void);
/* The active LSMs, "lockdown,capability,landlock,bpf", or "unknown". */
const char *lsm_active_list(void);
/* cfg->lsm_profile, or "isolab-default" when empty. */
const char *lsm_policy_name(const struct lab_config *cfg);

/* apparmor.c */
bool apparmor_kernel_enabled(void);
bool apparmor_profile_loaded(const char *name);
/* 1 loaded, 0 not loaded, -1 cannot tell (no privilege to read the list) */
int apparmor_profile_state(const char *name);
int apparmor_validate(const struct lab_config *cfg, struct isolab_err *err);
int apparmor_prepare(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                     struct isolab_err *err);
int apparmor_enter(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                   struct isolab_err *err);
int apparmor_confine_init(const struct sandbox_ctx *ctx, struct isolab_err *err);

/* landlock.c */
int landlock_abi_version(void);     /* 0 = Landlock unavailable */
int landlock_validate(const struct lab_config *cfg, struct isolab_err *err);
int landlock_prepare(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                     struct isolab_err *err);
int landlock_enter(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                   struct isolab_err *err);

#endif
