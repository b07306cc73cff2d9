/* cgroup v2 backend: one directory <base>/isolab/<name> with pids, memory and
 * cpu enabled from the parent; its fd goes to clone3(CLONE_INTO_CGROUP) so
 * the sandbox never runs a single instruction outside it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_int.h"

static bool enabled_in(const char *dir, enum cg_ctrl c)
{
    char buf[512];
    if (cg_read(dir, "cgroup.subtree_control", buf, sizeof buf) < 0)
        return false;
    size_t tl = strlen(cg_ctrl_name[c]);
    for (char *p = strtok(buf, " \n"); p; p = strtok(NULL, " \n"))
        if (strlen(p) == tl && strcmp(p, cg_ctrl_name[c]) == 0)
            return true;
    return false;
}

/* Enable controller c for the children of dir (only what is missing). */
static int enable_ctrl(const char *dir, enum cg_ctrl c, struct isolab_err *err)
{
    if (enabled_in(dir, c))
        return 0;
    char val[16];
    snprintf(val, sizeof val, "+%s", cg_ctrl_name[c]);
    if (cg_write(dir, "cgroup.subtree_control", val, err) == 0)
        return 0;
    if (errno == EBUSY)
        isolab_err_hint(err, "%s holds processes itself, so it cannot hand controllers to "
                        "children (cgroup v2's no-internal-processes rule); start isolab in "
                        "its own delegated scope: systemd-run --user --scope -p Delegate=yes "
                        "isolab ...", dir);
    return -1;
}

static void v2_describe(const struct cg_info *info, const char *ctrls, char *why, size_t n)
{
    const char *list = ctrls[0] ? ctrls : "no controllers";
    if (strcmp(info->v2_base, info->v2_mount) != 0)
        snprintf(why, n, "cgroup v2: %s (delegated subtree %s)", list, info->v2_base);
    else
        snprintf(why, n, "cgroup v2: %s", list);
}

static bool v2_has_ctrl(const struct cg_info *info, enum cg_ctrl c)
{
    return info->v2_ctrl[c];
}

static void v2_ctrl_missing(const struct cg_info *info, enum cg_ctrl c, const char *flag,
                            struct isolab_err *err)
{
    isolab_err_set(err, ENOTSUP, "cgroups: %s needs the %s controller, which %s does not "
                   "offer", flag, cg_ctrl_name[c], info->v2_base);
    isolab_err_hint(err, "the parent of %s must enable it (echo +%s > "
                    "PARENT/cgroup.subtree_control); for a user, start isolab with "
                    "systemd-run --user --scope -p Delegate=yes", info->v2_base, cg_ctrl_name[c]);
}

static void v2_remove_stale(const struct cg_info *info)
{
    char parent[ISOLAB_PATH_MAX + 16];
    snprintf(parent, sizeof parent, "%s/isolab", info->v2_base);
    cg_remove_stale(parent, 2, 0);
}

static int v2_set_limits(const struct lab_config *cfg, const char *dir, struct isolab_err *err)
{
    char val[64];
    if (cfg->pids_limit > 0) {
        snprintf(val, sizeof val, "%ld", cfg->pids_limit);
        if (cg_write(dir, "pids.max", val, err) < 0)
            return -1;
    }
    if (cfg->memory_bytes > 0) {
        snprintf(val, sizeof val, "%lld", cfg->memory_bytes);
        if (cg_write(dir, "memory.max", val, err) < 0)
            return -1;
        /* No swap: the hog is OOM-killed instead of paging out. Absent when
         * the kernel has no swap accounting. */
        if (cg_has_file(dir, "memory.swap.max") && cg_write(dir, "memory.swap.max", "0", err) < 0)
            return -1;
    }
    if (cfg->cpus > 0) {
        long quota, period;
        cg_cpu_quota(cfg->cpus, &quota, &period);
        snprintf(val, sizeof val, "%ld %ld", quota, period);
        if (cg_write(dir, "cpu.max", val, err) < 0)
            return -1;
    }
    return 0;
}

static int v2_prepare(const struct lab_config *cfg, const struct cg_info *info,
                      struct cg_priv *priv, const char *name, int *clone_fd,
                      struct isolab_err *err)
{
    char parent[ISOLAB_PATH_MAX + 16];
    char *dir = priv->dir[CG_PIDS];     /* v2: the one directory */
    snprintf(parent, sizeof parent, "%.3900s/isolab", info->v2_base);

    /* Controllers go base -> isolab -> sandbox. A controller that cannot be
     * enabled only matters when its limit is asked for. */
    for (int c = 0; c < CG_NCTRL; c++)
        if (info->v2_ctrl[c] && enable_ctrl(info->v2_base, c, err) < 0 && cg_limit_wanted(cfg, c))
            return -1;
    if (cg_mkdir(parent, err) < 0)
        return -1;
    for (int c = 0; c < CG_NCTRL; c++)
        if (info->v2_ctrl[c] && enable_ctrl(parent, c, err) < 0 && cg_limit_wanted(cfg, c))
            return -1;
    isolab_err_clear(err);

    snprintf(dir, ISOLAB_PATH_MAX, "%.3900s/%.90s", parent, name);
    if (cg_mkdir(dir, err) < 0)
        return -1;
    priv->created[CG_PIDS] = priv->joined[CG_PIDS] = true;

    if (!priv->accounting && v2_set_limits(cfg, dir, err) < 0)
        return -1;
    /* clone3(CLONE_INTO_CGROUP): no attach step, no instant outside. */
    *clone_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*clone_fd < 0)
        return isolab_err_set(err, errno, "cgroups: opening %s: %s", dir, strerror(errno));
    return priv->device_rules ? cg_v2_attach_device_program(*clone_fd, dir, err) : 0;
}

const struct cg_backend cg_v2_backend = {
    .version = 2,
    .describe = v2_describe,
    .has_ctrl = v2_has_ctrl,
    .ctrl_missing = v2_ctrl_missing,
    .remove_stale = v2_remove_stale,
    .prepare = v2_prepare,
    .attach = NULL,
};
