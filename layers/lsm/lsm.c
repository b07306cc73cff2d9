/* The LSM layer: file mandatory access control with two policies written for
 * isolab, chosen with Docker's `--security-opt apparmor=NAME|unconfined`:
 *
 *   isolab-default        the intent of Docker's docker-default: no mount, no
 *                         writes under /proc and /sys, no sysrq-trigger/kcore
 *   isolab-readonly-root  writes only to /tmp, the home directory and the
 *                         usual /dev nodes
 *
 * Two mechanisms enforce them: AppArmor where the kernel has it enabled
 * (apparmor.c: profiles/apparmor/NAME loaded with apparmor_parser, applied
 * at exec through /proc/thread-self/attr/apparmor/exec, as runc does), else
 * Landlock (landlock.c: the same policies as Landlock rulesets). The child applies the layer at step 3 (STEP_LSM), after
 * pivot_root and before capabilities are dropped. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "lsm_int.h"

const char *lsm_policy_name(const struct lab_config *cfg)
{
    return cfg->lsm_profile[0] ? cfg->lsm_profile : "isolab-default";
}

static int read_small(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    size_t r = fread(buf, 1, n - 1, f);
    buf[r] = '\0';
    fclose(f);
    while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == ' '))
        buf[--r] = '\0';
    return (int)r;
}

#ifndef __NR_lsm_list_modules
#define __NR_lsm_list_modules 461   /* the same on x86_64 and asm-generic */
#endif

/* Linux 6.8+: the LSM ids, when securityfs is not mounted. */
static bool lsm_list_from_syscall(char *out, size_t n)
{
    static const char *const names[] = {
        "capability", "selinux", "smack", "tomoyo", "apparmor", "yama", "loadpin",
        "safesetid", "lockdown", "bpf", "landlock", "ima", "evm", "ipe",
    };
    uint64_t ids[32];
    uint32_t size = sizeof ids;
    long cnt = syscall(__NR_lsm_list_modules, ids, &size, 0);
    if (cnt <= 0)
        return false;
    out[0] = '\0';
    for (long i = 0; i < cnt && i < 32; i++) {
        size_t len = strlen(out);
        uint64_t k = ids[i] - 100;
        if (ids[i] >= 100 && k < sizeof names / sizeof names[0])
            snprintf(out + len, n - len, "%s%s", len ? "," : "", names[k]);
        else
            snprintf(out + len, n - len, "%slsm%llu", len ? "," : "", (unsigned long long)ids[i]);
    }
    return true;
}

const char *lsm_active_list(void)
{
    static char list[256];
    if (list[0])
        return list;
    if (read_small("/sys/kernel/security/lsm", list, sizeof list) > 0)
        return list;
    if (lsm_list_from_syscall(list, sizeof list))
        return list;
    char cmdline[4096];
    if (read_small("/proc/cmdline", cmdline, sizeof cmdline) > 0) {
        for (char *t = strtok(cmdline, " "); t; t = strtok(NULL, " "))
            if (strncmp(t, "lsm=", 4) == 0) {
                snprintf(list, sizeof list, "%s", t + 4);
                return list;
            }
    }
    snprintf(list, sizeof list, "unknown");
    return list;
}

enum lsm_mech lsm_mechanism(void)
{
    static int mech = -1;
    if (mech >= 0)
        return (enum lsm_mech)mech;
    const char *force = getenv("ISOLAB_LSM_MECHANISM");
    bool aa = apparmor_kernel_enabled(), ll = landlock_abi_version() > 0;
    if (force && strcmp(force, "landlock") == 0 && ll)
        mech = LSM_MECH_LANDLOCK;
    else if (force && strcmp(force, "apparmor") == 0 && aa)
        mech = LSM_MECH_APPARMOR;
    else
        mech = aa ? LSM_MECH_APPARMOR : ll ? LSM_MECH_LANDLOCK : LSM_MECH_NONE;
    return (enum lsm_mech)mech;
}

const char *lsm_mechanism_name(void)
{
    switch (lsm_mechanism()) {
    case LSM_MECH_APPARMOR: return "AppArmor";
    case LSM_MECH_LANDLOCK: return "Landlock";
    default: return "none";
    }
}

static bool lsm_available(char *why, size_t n)
{
    switch (lsm_mechanism()) {
    case LSM_MECH_APPARMOR:
        snprintf(why, n, "AppArmor is enabled (LSMs: %s); the policies are AppArmor profiles "
                 "in profiles/apparmor/", lsm_active_list());
        return true;
    case LSM_MECH_LANDLOCK:
        if (apparmor_kernel_enabled())
            snprintf(why, n, "Landlock chosen by ISOLAB_LSM_MECHANISM although AppArmor is "
                     "enabled (LSMs: %s)", lsm_active_list());
        else
            snprintf(why, n, "AppArmor is not enabled in this kernel (LSMs: %s); using Landlock "
                     "for the file rules (ABI v%d)", lsm_active_list(), landlock_abi_version());
        return true;
    default:
        snprintf(why, n, "neither AppArmor nor Landlock is enabled in this kernel (LSMs: %s); "
                 "boot with lsm=landlock,lockdown,yama,apparmor,bpf, or run with "
                 "--security-opt apparmor=unconfined", lsm_active_list());
        return false;
    }
}

static int lsm_validate(const struct lab_config *cfg, struct isolab_err *err)
{
    const char *name = lsm_policy_name(cfg);
    size_t len = strlen(name);
    size_t ok = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
    if (ok != len || name[0] == '.' || name[0] == '-') {
        isolab_err_set(err, EINVAL, "lsm: --security-opt apparmor=%s: character %zu (%c) is not "
                       "allowed in a profile name", name, ok + 1, name[ok] ? name[ok] : '.');
        isolab_err_hint(err, "profile names use letters, digits, '.', '_' and '-', e.g. "
                        "apparmor=isolab-default; apparmor=unconfined switches the layer off");
        return -1;
    }
    switch (lsm_mechanism()) {
    case LSM_MECH_APPARMOR: return apparmor_validate(cfg, err);
    case LSM_MECH_LANDLOCK: return landlock_validate(cfg, err);
    default:
        isolab_err_set(err, ENOTSUP, "lsm: neither AppArmor nor Landlock is enabled in this "
                       "kernel (LSMs: %s)", lsm_active_list());
        isolab_err_hint(err, "run with --security-opt apparmor=unconfined");
        return -1;
    }
}

static int lsm_prepare(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                       struct isolab_err *err)
{
    ctx->landlock_ruleset_fd = -1;
    ctx->lsm_mechanism = lsm_mechanism();
    snprintf(ctx->lsm_apparmor_name, sizeof ctx->lsm_apparmor_name, "%s", lsm_policy_name(cfg));
    switch (ctx->lsm_mechanism) {
    case LSM_MECH_APPARMOR: return apparmor_prepare(cfg, ctx, err);
    case LSM_MECH_LANDLOCK: return landlock_prepare(cfg, ctx, err);
    default:
        return isolab_err_set(err, ENOTSUP, "lsm: no LSM mechanism in this kernel");
    }
}

static int lsm_enter(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                     enum child_step step, struct isolab_err *err)
{
    if (step != STEP_LSM)
        return 0;
    switch (ctx->lsm_mechanism) {
    case LSM_MECH_APPARMOR: return apparmor_enter(cfg, ctx, err);
    case LSM_MECH_LANDLOCK: return landlock_enter(cfg, ctx, err);
    default: return 0;
    }
}

static void lsm_describe(const struct lab_config *cfg, char *buf, size_t n)
{
    const char *name = lsm_policy_name(cfg);
    switch (lsm_mechanism()) {
    case LSM_MECH_APPARMOR:
        snprintf(buf, n, "lsm apparmor %s", name);
        break;
    case LSM_MECH_LANDLOCK:
        snprintf(buf, n, "lsm landlock %s (%s)", name,
                 apparmor_kernel_enabled() ? "chosen by ISOLAB_LSM_MECHANISM"
                                           : "AppArmor not in kernel");
        break;
    default:
        snprintf(buf, n, "lsm unavailable (no AppArmor, no Landlock)");
    }
}

static void lsm_cleanup(const struct lab_config *cfg, struct sandbox_ctx *ctx)
{
    if (ctx->landlock_ruleset_fd >= 0) {
        close(ctx->landlock_ruleset_fd);
        ctx->landlock_ruleset_fd = -1;
    }
}

const struct layer_ops lsm_layer = {
    .name = "lsm",
    .id = LAYER_LSM,
    .available = lsm_available,
    .validate = lsm_validate,
    .prepare = lsm_prepare,
    .attach = NULL,
    .enter = lsm_enter,
    .describe = lsm_describe,
    .cleanup = lsm_cleanup,
};

int lsm_confine_init(const struct lab_config *cfg, const struct sandbox_ctx *ctx,
                     struct isolab_err *err)
{
    /* Landlock already binds the init (a ruleset is inherited and enforced
     * on the calling thread itself); only AppArmor's exec transition skips it. */
    if (!layer_in_force(cfg, LAYER_LSM) || ctx->lsm_mechanism != LSM_MECH_APPARMOR)
        return 0;
    return apparmor_confine_init(ctx, err);
}
