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

static bool wanted(const struct lab_config *cfg, enum cg_ctrl c)
{
    return c == CG_PIDS ? cfg->pids_limit > 0
         : c == CG_MEMORY ? cfg->memory_bytes > 0 : cfg->cpus > 0;
}

int cg_v2_prepare(const struct lab_config *cfg, const struct cg_info *info,
                  struct cg_priv *priv, int *dirfd, struct isolab_err *err)
{
    char name[96], parent[ISOLAB_PATH_MAX + 16], val[64];
    char *dir = priv->dir[CG_PIDS];     /* v2: the one directory */
    cg_sandbox_name(name, sizeof name);
    snprintf(parent, sizeof parent, "%.3900s/isolab", info->v2_base);

    /* Controllers go base -> isolab -> sandbox. A controller that cannot be
     * enabled only matters when its limit is asked for. */
    for (int c = 0; c < CG_NCTRL; c++)
        if (info->v2_ctrl[c] && enable_ctrl(info->v2_base, c, err) < 0 && wanted(cfg, c))
            return -1;
    if (cg_mkdir(parent, err) < 0)
        return -1;
    for (int c = 0; c < CG_NCTRL; c++)
        if (info->v2_ctrl[c] && enable_ctrl(parent, c, err) < 0 && wanted(cfg, c))
            return -1;
    isolab_err_clear(err);

    snprintf(dir, ISOLAB_PATH_MAX, "%.3900s/%.90s", parent, name);
    if (cg_mkdir(dir, err) < 0)
        return -1;
    priv->created[CG_PIDS] = true;

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
    *dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*dirfd < 0)
        return isolab_err_set(err, errno, "cgroups: opening %s: %s", dir, strerror(errno));
    return 0;
}
