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
 * Landlock (landlock.c: the same policies as Landlock rulesets). Each is a
 * struct lsm_backend, chosen once. The child applies the layer at step 3
 * (STEP_LSM), after pivot_root and before capabilities are dropped. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lsm_int.h"

const char *lsm_policy_name(const struct lab_config *cfg)
{
    return cfg->lsm_profile[0] ? cfg->lsm_profile : "isolab-default";
}

static int read_small(const char *path, char *buf, size_t n)
{
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    size_t r = fread(buf, 1, n - 1, f);
    buf[r] = '\0';
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

const struct lsm_backend *lsm_backend(void)
{
    static const struct lsm_backend *backend;
    static bool chosen;
    if (chosen)
        return backend;
    const char *force = getenv("ISOLAB_LSM_MECHANISM");
    bool aa = apparmor_kernel_enabled(), ll = landlock_abi_version() > 0;
    if (force && strcmp(force, "landlock") == 0 && ll)
        backend = &landlock_backend;
    else if (force && strcmp(force, "apparmor") == 0 && aa)
        backend = &apparmor_backend;
    else
        backend = aa ? &apparmor_backend : ll ? &landlock_backend : NULL;
    chosen = true;
    return backend;
}

const char *lsm_mechanism_name(void)
{
    return lsm_backend() ? lsm_backend()->name : "none";
}

static bool lsm_available(char *why, size_t n)
{
    if (lsm_backend()) {
        lsm_backend()->why(why, n);
        return true;
    }
    snprintf(why, n, "neither AppArmor nor Landlock is enabled in this kernel (LSMs: %s); "
             "boot with lsm=landlock,lockdown,yama,apparmor,bpf, or run with "
             "--security-opt apparmor=unconfined", lsm_active_list());
    return false;
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
    if (!lsm_backend()) {
        isolab_err_set(err, ENOTSUP, "lsm: neither AppArmor nor Landlock is enabled in this "
                       "kernel (LSMs: %s)", lsm_active_list());
        isolab_err_hint(err, "run with --security-opt apparmor=unconfined");
        return -1;
    }
    return lsm_backend()->validate(cfg, err);
}

static int lsm_prepare(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                       struct isolab_err *err)
{
    struct lsm_state *st = ctx->priv[LAYER_LSM];
    st->ruleset_fd = -1;
    st->backend = lsm_backend();
    snprintf(st->profile, sizeof st->profile, "%s", lsm_policy_name(cfg));
    if (!st->backend)
        return isolab_err_set(err, ENOTSUP, "lsm: no LSM mechanism in this kernel (LSMs: %s)",
                              lsm_active_list());
    return st->backend->prepare(cfg, st, err);
}

/* Child side: the parent's word on the rules (sandbox_cpu.c). */
static void parent_rules_heard(struct sandbox_ctx *ctx, struct lsm_state *st)
{
    sandbox_rules_heard(ctx);
    if (ctx->rules.made && st)
        st->rules_added = true;
}

static int lsm_enter(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                     enum child_step step, struct isolab_err *err)
{
    struct lsm_state *st = ctx->priv[LAYER_LSM];
    if (step != STEP_LSM || !st || !st->backend)
        return 0;
    parent_rules_heard(ctx, st);
    return st->backend->enter(cfg, st, err);
}

static void lsm_describe(const struct lab_config *cfg, char *buf, size_t n)
{
    if (lsm_backend())
        lsm_backend()->describe(cfg, buf, n);
    else
        snprintf(buf, n, "lsm unavailable (no AppArmor, no Landlock)");
}

static void lsm_cleanup(const struct lab_config *cfg, struct sandbox_ctx *ctx)
{
    struct lsm_state *st = ctx->priv[LAYER_LSM];
    if (st && st->backend && st->backend->cleanup)
        st->backend->cleanup(st);
}

const struct layer_ops lsm_layer = {
    .name = "lsm",
    .id = LAYER_LSM,
    .priv_size = sizeof(struct lsm_state),
    .available = lsm_available,
    .validate = lsm_validate,
    .prepare = lsm_prepare,
    .enter = lsm_enter,
    .describe = lsm_describe,
    .cleanup = lsm_cleanup,
};

int lsm_child_prebuild(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                       struct isolab_err *err)
{
    struct lsm_state *st = ctx->priv[LAYER_LSM];
    parent_rules_heard(ctx, st);
    if (!layer_in_force(cfg, LAYER_LSM) || !st || !st->backend || !st->backend->prebuild)
        return 0;
    return st->backend->prebuild(cfg, st, err);
}

/* The parent can make the rules where it may reach the child's new root
 * (as real root: no user namespace between them) and the mechanism can. */
bool lsm_parent_rules_wanted(const struct lab_config *cfg, const struct sandbox_ctx *ctx)
{
    const struct lsm_state *st = ctx->priv[LAYER_LSM];
    return layer_in_force(cfg, LAYER_LSM) && st && st->backend && st->backend->rules_at_ok &&
           st->backend->rules_at_ok(cfg) && !ctx->userns && layer_in_force(cfg, LAYER_NS) &&
           cfg->ns[NS_MNT];
}

int lsm_parent_rules(const struct lab_config *cfg, struct sandbox_ctx *ctx, int rootfd)
{
    struct lsm_state *st = ctx->priv[LAYER_LSM];
    struct isolab_err quiet;
    isolab_err_clear(&quiet);
    if (!st || !st->backend || !st->backend->rules_at)
        return -1;
    return st->backend->rules_at(cfg, st, rootfd, &quiet);
}

int lsm_confine_init(const struct lab_config *cfg, const struct sandbox_ctx *ctx,
                     struct isolab_err *err)
{
    const struct lsm_state *st = ctx->priv[LAYER_LSM];
    if (!layer_in_force(cfg, LAYER_LSM) || !st || !st->backend || !st->backend->confine_init)
        return 0;
    return st->backend->confine_init(st, err);
}
