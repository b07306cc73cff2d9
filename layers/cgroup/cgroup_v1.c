/* cgroup v1 backend (hybrid or legacy mode): one directory per controller,
 * <mount>/isolab/<name>, in the hierarchies that enforce something
 * (v1_joins), but devices, whose one set of rules every sandbox shares
 * (v1_shared_devices). The child moves itself in before it is released. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_int.h"

static void v1_describe(const struct cg_info *info, const char *ctrls, char *why, size_t n)
{
    snprintf(why, n, "cgroup v1 (%s): %s", info->mode == CG_MODE_V1_HYBRID ? "hybrid" : "legacy",
             ctrls[0] ? ctrls : "no controllers");
}

static bool v1_has_ctrl(const struct cg_info *info, enum cg_ctrl c)
{
    return info->v1_mount[c][0] != '\0';
}

static void v1_ctrl_missing(const struct cg_info *info, enum cg_ctrl c, const char *flag,
                            struct isolab_err *err)
{
    isolab_err_set(err, ENOTSUP, "cgroups: %s needs the %s controller, which this machine's "
                   "cgroup v1 does not offer", flag, cg_ctrl_name[c]);
    isolab_err_hint(err, "mount the controller (mount -t cgroup -o %s cgroup "
                    "/sys/fs/cgroup/%s) or drop %s", cg_ctrl_name[c], cg_ctrl_name[c], flag);
}

/* The devices cgroup that every sandbox with Docker's rules joins. */
#define V1_SHARED_DEVICES "docker"

static void v1_remove_stale(const struct cg_info *info)
{
    char parent[ISOLAB_PATH_MAX + 16];
    for (int c = 0; c < CG_NCTRL; c++) {
        if (!info->v1_mount[c][0])
            continue;
        snprintf(parent, sizeof parent, "%s/isolab", info->v1_mount[c]);
        cg_remove_stale(parent, 1, c == CG_DEVICES ? 1 : 0);
    }
}

static int v1_set_limits(const struct lab_config *cfg, const struct cg_priv *priv,
                         struct isolab_err *err)
{
    char val[64];
    if (cfg->pids_limit > 0) {
        snprintf(val, sizeof val, "%ld", cfg->pids_limit);
        if (cg_write(priv->dir[CG_PIDS], "pids.max", val, err) < 0)
            return -1;
    }
    if (priv->created[CG_MEMORY]) {
        /* oom_kill_disable is inherited from the parent in v1: make sure the
         * OOM killer acts (the memory hog probe is meant to be killed). Newer
         * kernels may refuse the write as deprecated; the default is 0. */
        cg_write(priv->dir[CG_MEMORY], "memory.oom_control", "0", NULL);
    }
    if (cfg->memory_bytes > 0) {
        snprintf(val, sizeof val, "%lld", cfg->memory_bytes);
        if (cg_write(priv->dir[CG_MEMORY], "memory.limit_in_bytes", val, err) < 0)
            return -1;
        /* memory+swap = memory, so the hog is OOM-killed instead of paging
         * out (v2 sets memory.swap.max=0). Absent without swap accounting. */
        if (cg_has_file(priv->dir[CG_MEMORY], "memory.memsw.limit_in_bytes") &&
            cg_write(priv->dir[CG_MEMORY], "memory.memsw.limit_in_bytes", val, err) < 0)
            return -1;
    }
    if (cfg->cpus > 0) {
        long quota, period;
        cg_cpu_quota(cfg->cpus, &quota, &period);
        snprintf(val, sizeof val, "%ld", period);
        if (cg_write(priv->dir[CG_CPU], "cpu.cfs_period_us", val, err) < 0)
            return -1;
        snprintf(val, sizeof val, "%ld", quota);
        if (cg_write(priv->dir[CG_CPU], "cpu.cfs_quota_us", val, err) < 0)
            return -1;
    }
    return 0;
}

/* Docker's device rules: deny all, then allow the list (the kernel takes
 * one rule a write). Written before any process is in the cgroup. */
static int v1_set_devices(const char *dir, struct isolab_err *err)
{
    if (cg_write(dir, "devices.deny", "a", err) < 0)
        return -1;
    char path[ISOLAB_PATH_MAX + 16];
    snprintf(path, sizeof path, "%.4000s/devices.allow", dir);
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
    for (size_t i = 0; cg_device_allow[i]; i++) {
        const char *rule = cg_device_allow[i];
        if (fd < 0 || write(fd, rule, strlen(rule)) != (ssize_t)strlen(rule)) {
            int e = errno;
            return isolab_err_set(err, e, "cgroups: writing \"%s\" to %s: %s", rule, path,
                                  strerror(e));
        }
    }
    return 0;
}

/* Docker's device rules are the same for every sandbox that has them, and
 * the devices controller counts nothing per cgroup: on v1 they are one
 * cgroup, devices/isolab/docker, which every such sandbox joins. It is made
 * once, under the sandbox's own name (so a crash leaves a directory that
 * the stale scan knows), with its rules written, then renamed into place:
 * whoever finds it finds it complete, and two first starts at once keep
 * one (the other's rename fails with EEXIST). It stays, as isolab/ does.
 * A mkdir, 13 writes and an rmdir fewer at every start (~0.2 ms). */
static int v1_shared_devices(const struct cg_info *info, struct cg_priv *priv,
                             const char *name, struct isolab_err *err)
{
    char parent[ISOLAB_PATH_MAX + 16], tmp[ISOLAB_PATH_MAX + 128];
    char *dir = priv->dir[CG_DEVICES];
    snprintf(parent, sizeof parent, "%.3900s/isolab", info->v1_mount[CG_DEVICES]);
    snprintf(dir, sizeof priv->dir[CG_DEVICES], "%.3900s/" V1_SHARED_DEVICES, parent);
    priv->joined[CG_DEVICES] = true;
    struct stat st;
    if (stat(dir, &st) == 0)
        return 0;
    snprintf(tmp, sizeof tmp, "%s/%.90s", parent, name);
    if (cg_mkdir_under(parent, tmp, err) < 0)
        return -1;
    int rc = v1_set_devices(tmp, err);
    if (rc == 0 && rename(tmp, dir) < 0 && errno != EEXIST && errno != ENOTEMPTY) {
        rc = isolab_err_set(err, errno, "cgroups: renaming %s to %s (the devices cgroup "
                            "every sandbox shares): %s", tmp, dir, strerror(errno));
        isolab_err_hint(err, "this cgroup v1 refused to rename a cgroup; switch the cgroup "
                        "layer off (--no-cgroups: then no device rules), or report it");
    }
    rmdir(tmp);     /* renamed: gone already; else ours, empty */
    return rc;
}

/* Which hierarchies the sandbox joins: devices for Docker's device rules,
 * memory and cpu when their limit is asked, and the first mounted of pids,
 * memory and cpu (pids) always: the one that finds every process, which is
 * all an accounting cgroup does. A v1 hierarchy costs 0.2-0.5 ms a start
 * to make, join and remove (bench/run.sh), so none is made for nothing to
 * enforce; on v2 the one directory has every controller. */
static bool v1_joins(const struct lab_config *cfg, const struct cg_info *info,
                     const struct cg_priv *priv, int c)
{
    if (!info->v1_mount[c][0])
        return false;
    if (c == CG_DEVICES)
        return priv->device_rules;
    if (!priv->accounting && cg_limit_wanted(cfg, c))
        return true;
    for (int k = 0; k < c; k++)         /* the first mounted one */
        if (k != CG_DEVICES && info->v1_mount[k][0])
            return false;
    return true;
}

static void v1_open_joins(struct cg_priv *priv);
static void v1_close_joins(struct cg_priv *priv);

static int v1_prepare(const struct lab_config *cfg, const struct cg_info *info,
                      struct cg_priv *priv, const char *name, int *clone_fd,
                      struct isolab_err *err)
{
    char parent[ISOLAB_PATH_MAX + 16];
    if (priv->device_rules && !info->v1_mount[CG_DEVICES][0]) {
        isolab_err_set(err, ENOTSUP, "cgroups: Docker's device rules need the devices "
                       "controller, which this machine's cgroup v1 does not offer");
        isolab_err_hint(err, "mount it (mount -t cgroup -o devices cgroup /sys/fs/cgroup/devices), "
                        "or switch the cgroup layer off (--no-cgroups: then no device rules)");
        return -1;
    }
    for (int c = 0; c < CG_NCTRL; c++) {
        if (!v1_joins(cfg, info, priv, c))
            continue;
        if (c == CG_DEVICES) {
            if (v1_shared_devices(info, priv, name, err) < 0)
                return -1;
            continue;
        }
        snprintf(parent, sizeof parent, "%.3900s/isolab", info->v1_mount[c]);
        snprintf(priv->dir[c], sizeof priv->dir[c], "%.3900s/%.90s", parent, name);
        if (cg_mkdir_under(parent, priv->dir[c], err) < 0)
            return -1;
        priv->created[c] = priv->joined[c] = true;
    }
    if (!priv->accounting && v1_set_limits(cfg, priv, err) < 0)
        return -1;
    v1_open_joins(priv);
    return 0;
}

/* The child's way in (cgroup_child_join); without it, the parent moves it. */
static void v1_open_joins(struct cg_priv *priv)
{
    char path[ISOLAB_PATH_MAX + 8];
    priv->self_join = true;
    for (int c = 0; c < CG_NCTRL; c++) {
        priv->join_fd[c] = -1;
        if (!priv->joined[c])
            continue;
        snprintf(path, sizeof path, "%.4000s/tasks", priv->dir[c]);
        priv->join_fd[c] = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        priv->self_join = priv->self_join && priv->join_fd[c] >= 0;
    }
    if (!priv->self_join)
        v1_close_joins(priv);
}

static void v1_close_joins(struct cg_priv *priv)
{
    for (int c = 0; c < CG_NCTRL; c++)
        if (priv->join_fd[c] >= 0) {
            close(priv->join_fd[c]);
            priv->join_fd[c] = -1;
        }
}

/* After clone: the child has its copies of the join fds; the parent's go
 * (no other sandbox started from here may inherit them). */
static int v1_attach(struct cg_priv *priv, pid_t child, struct isolab_err *err)
{
    if (priv->self_join) {
        v1_close_joins(priv);
        return 0;
    }
    char pid[24];
    snprintf(pid, sizeof pid, "%d", (int)child);
    for (int c = 0; c < CG_NCTRL; c++)
        if (priv->joined[c] && cg_write(priv->dir[c], "cgroup.procs", pid, err) < 0)
            return -1;
    return 0;
}

/* In the child, first thing after its release: "0" (itself) into each
 * cgroup's tasks file; the host's cgroupfs fds are closed at once. */
int v1_child_join(struct cg_priv *priv, struct isolab_err *err)
{
    int rc = 0;
    for (int c = 0; c < CG_NCTRL && priv->self_join; c++) {
        if (priv->join_fd[c] < 0)
            continue;
        if (rc == 0 && write(priv->join_fd[c], "0", 1) != 1) {
            int e = errno;
            rc = isolab_err_set(err, e, "cgroups: joining %s: %s", priv->dir[c], strerror(e));
            isolab_err_hint(err, "the cgroup was removed under the sandbox; start it again");
        }
        close(priv->join_fd[c]);
        priv->join_fd[c] = -1;
    }
    return rc;
}

const struct cg_backend cg_v1_backend = {
    .version = 1,
    .describe = v1_describe,
    .has_ctrl = v1_has_ctrl,
    .ctrl_missing = v1_ctrl_missing,
    .remove_stale = v1_remove_stale,
    .prepare = v1_prepare,
    .attach = v1_attach,
};
