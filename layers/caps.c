/* The capabilities layer (libcap): bounding set, then effective, permitted,
 * inheritable and ambient; optional uid/gid change. */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "layer.h"

int isolab_cap_from_name(const char *name)
{
    char buf[64];
    if (!name || !*name)
        return -1;
    if (strncasecmp(name, "CAP_", 4) != 0)
        snprintf(buf, sizeof buf, "cap_%s", name);
    else
        snprintf(buf, sizeof buf, "%s", name);
    for (char *p = buf; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    cap_value_t v;
    if (cap_from_name(buf, &v) != 0 || v < 0 || v > 63)
        return -1;
    return (int)v;
}

const char *isolab_cap_name(int cap)
{
    static char names[64][40];
    if (cap < 0 || cap > 63)
        return "CAP_?";
    if (!names[cap][0]) {
        _cleanup_cap_ char *s = cap_to_name((cap_value_t)cap);
        if (s && strncmp(s, "cap_", 4) == 0) {
            snprintf(names[cap], sizeof names[cap], "%s", s);
            for (char *p = names[cap]; *p; p++)
                *p = (char)toupper((unsigned char)*p);
        } else {
            snprintf(names[cap], sizeof names[cap], "CAP_%d", cap);
        }
    }
    return names[cap];
}

static int caps_validate(const struct lab_config *cfg, struct isolab_err *err)
{
    uint64_t unknown = cfg->caps & ~caps_all_known();
    if (unknown) {
        int bit = __builtin_ctzll(unknown);
        if (bit > cap_last_known()) {
            isolab_err_set(err, EINVAL, "caps: capability %d is not known to this kernel "
                           "(it knows 0..%d)", bit, cap_last_known());
            isolab_err_hint(err, "drop it with --cap-drop, or list the known ones with 'isolab explain caps'");
        } else {
            isolab_err_set(err, EPERM, "caps: %s is not in isolab's own bounding set, so no "
                           "sandbox it starts can hold it", isolab_cap_name(bit));
            isolab_err_hint(err, "whatever started isolab dropped it (a container runtime or systemd "
                            "unit); run isolab outside it, or --cap-drop %s", isolab_cap_name(bit) + 4);
        }
        return -1;
    }
    return 0;
}

static int change_user(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                       struct isolab_err *err)
{
    /* Keep the permitted set across setuid so it can be set right after. */
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return isolab_err_set(err, errno, "caps: PR_SET_KEEPCAPS: %s", strerror(errno));
    gid_t g = cfg->gid;
    if (setgroups(1, &g) < 0 && !(errno == EPERM && ctx->userns))
        return isolab_err_set(err, errno, "caps: setgroups(%u): %s", g, strerror(errno));
    if (setresgid(g, g, g) < 0) {
        isolab_err_set(err, errno, "caps: setresgid(%u): %s", g, strerror(errno));
        if (ctx->userns)
            isolab_err_hint(err, "inside a user namespace only mapped ids exist; use --user 0 or turn the user namespace off");
        return -1;
    }
    if (setresuid(cfg->uid, cfg->uid, cfg->uid) < 0) {
        isolab_err_set(err, errno, "caps: setresuid(%u): %s", cfg->uid, strerror(errno));
        if (ctx->userns)
            isolab_err_hint(err, "inside a user namespace only mapped ids exist; use --user 0 or turn the user namespace off");
        return -1;
    }
    return 0;
}

/* Bounding first (needs CAP_SETPCAP, still held), then the uid change, then
 * E/P in one capset, then ambient cleared. For uid 0 the bounding set decides
 * what an exec'd program gets. Another uid keeps nothing across execve: Docker,
 * runc and Kubernetes set no inheritable or ambient capabilities (Docker
 * 20.10.14 emptied the inheritable set for CVE-2022-24769), so E/P are
 * emptied here already, and a probe run in this process sees what an exec'd
 * program would. The bounding set keeps the list: a setuid-root program can
 * still gain it, as in a container. */
static bool keep_has(const struct lab_config *cfg, int c)
{
    return (cfg->caps & (1ull << c)) && !(cfg->set_user && cfg->uid != 0);
}

static int caps_enter(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                      enum child_step step, struct isolab_err *err)
{
    if (step != STEP_CAPS)
        return 0;
    /* The pid-namespace init never execs, so its bounding and ambient sets
     * never matter: it takes the command's user and then holds CAP_KILL
     * alone, if the command has it (it reaps, and passes signals on to a
     * command that may have changed its uid since). Never more than the
     * command's, in three calls instead of ~30. */
    if (ctx->init_copy) {
        if (cfg->set_user && change_user(cfg, ctx, err) < 0)
            return -1;
        _cleanup_cap_ cap_t only = cap_init();
        cap_value_t kill_cap = CAP_KILL;
        if (only && (keep_has(cfg, CAP_KILL)) &&
            (cap_set_flag(only, CAP_EFFECTIVE, 1, &kill_cap, CAP_SET) < 0 ||
             cap_set_flag(only, CAP_PERMITTED, 1, &kill_cap, CAP_SET) < 0))
            return isolab_err_set(err, errno, "caps: cap_set_flag (the sandbox's init): %s",
                                  strerror(errno));
        if (!only || cap_set_proc(only) < 0)
            return isolab_err_set(err, errno, "caps: capset (the sandbox's init): %s",
                                  strerror(errno));
        return 0;
    }
    uint64_t keep = cfg->caps;
    int last = cap_last_known();
    for (int c = 0; c <= last; c++) {
        if (keep & (1ull << c))
            continue;
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            return isolab_err_set(err, errno, "caps: dropping %s from the bounding set: %s",
                                  isolab_cap_name(c), strerror(errno));
    }
    bool nonroot = cfg->set_user && cfg->uid != 0;
    if (cfg->set_user && change_user(cfg, ctx, err) < 0)
        return -1;

    _cleanup_cap_ cap_t caps = cap_init();
    if (!caps)
        return isolab_err_set(err, errno, "caps: cap_init: %s", strerror(errno));
    for (int c = 0; c <= last && !nonroot; c++) {
        if (!(keep & (1ull << c)))
            continue;
        cap_value_t v = c;
        cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
        cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET);
    }
    if (cap_set_proc(caps) < 0)
        return isolab_err_set(err, errno, "caps: capset: %s", strerror(errno));
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return isolab_err_set(err, errno, "caps: clearing the ambient set: %s", strerror(errno));
    return 0;
}

static void caps_describe(const struct lab_config *cfg, char *buf, size_t n)
{
    /* What is in force, not what the caps list says: --privileged holds
     * every capability whatever cfg->caps is. */
    uint64_t c = lab_config_caps_bounding(cfg);
    int count = __builtin_popcountll(c);
    const char *what = cfg->privileged ? "all, --privileged"
                     : c == caps_docker_default() ? "docker"
                     : c == caps_all_known() ? "all"
                     : c == 0 ? "none" : "custom";
    int len = snprintf(buf, n, "caps %d (%s)", count, what);
    if (c != caps_docker_default() && c != caps_all_known() && c != 0 && len > 0 && (size_t)len < n) {
        uint64_t added = c & ~caps_docker_default(), dropped = caps_docker_default() & ~c;
        for (int i = 0; i < 64 && (size_t)len < n; i++)
            if (added & (1ull << i))
                len += snprintf(buf + len, n - len, " +%s", isolab_cap_name(i) + 4);
        for (int i = 0; i < 64 && (size_t)len < n; i++)
            if (dropped & (1ull << i))
                len += snprintf(buf + len, n - len, " -%s", isolab_cap_name(i) + 4);
    }
    if (cfg->no_new_privs && len > 0 && (size_t)len < n)
        len += snprintf(buf + len, n - len, ", no-new-privs");
    if (cfg->set_user && len > 0 && (size_t)len < n)
        snprintf(buf + len, n - len, ", user %u:%u%s", cfg->uid, cfg->gid,
                 lab_config_runs_nonroot(cfg) && c
                     ? " (not root: none effective after execve, as under Docker: no ambient set)"
                     : "");
}

const struct layer_ops caps_layer = {
    .name = "caps",
    .id = LAYER_CAPS,
    .validate = caps_validate,
    .enter = caps_enter,
    .describe = caps_describe,
};
