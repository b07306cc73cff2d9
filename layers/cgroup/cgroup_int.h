/* Internals of the cgroup layer, shared by cgroup.c (detection, the vtable,
 * killing and removing) and the two backends cgroup_v1.c / cgroup_v2.c. */
#ifndef ISOLAB_CGROUP_INT_H
#define ISOLAB_CGROUP_INT_H

#include "layer.h"

enum cg_ctrl { CG_PIDS = 0, CG_MEMORY, CG_CPU, CG_NCTRL };

enum cg_mode { CG_MODE_NONE = 0, CG_MODE_V1_LEGACY, CG_MODE_V1_HYBRID, CG_MODE_V2 };

/* What the machine has, found once from /proc/self/mountinfo. */
struct cg_info {
    enum cg_mode mode;
    char v1_mount[CG_NCTRL][ISOLAB_PATH_MAX]; /* "" = controller not on v1 */
    char v2_mount[ISOLAB_PATH_MAX];           /* "" = no cgroup2 mount */
    bool v2_ctrl[CG_NCTRL];                   /* listed in <v2 base>/cgroup.controllers */
    /* v2: the directory isolab/ goes under (the mount root as root, the
     * delegated subtree rootless); "" if none is writable. */
    char v2_base[ISOLAB_PATH_MAX];
    char unusable[512];                       /* why no cgroup can be made, or "" */
};

/* One sandbox's cgroup(s): v2 has one directory, v1 one per controller. */
struct cg_priv {
    int version;
    char dir[CG_NCTRL][ISOLAB_PATH_MAX];      /* "" = not created */
    bool created[CG_NCTRL];
};

extern const char *const cg_ctrl_name[CG_NCTRL];   /* "pids", "memory", "cpu" */

const struct cg_info *cg_detect(void);

/* Small file helpers; the error names the file and what was written. */
int cg_write(const char *dir, const char *file, const char *val, struct isolab_err *err);
int cg_read(const char *dir, const char *file, char *buf, size_t n);
bool cg_has_file(const char *dir, const char *file);
/* mkdir that accepts EEXIST; fills err naming the path. */
int cg_mkdir(const char *path, struct isolab_err *err);
/* "sb<seq>-<pid>.<starttime>": the owning isolab's pid and start time. */
void cg_sandbox_name(char *out, size_t n);

/* Kill every process in dir and rmdir it, retrying briefly. v2 uses
 * cgroup.kill where the kernel has it. Returns 0 once the directory is gone. */
int cg_kill_and_remove(const char *dir, int version);
/* Remove sandbox cgroups under parent whose owning isolab is dead. */
void cg_remove_stale(const char *parent, int version);

int cg_v1_prepare(const struct lab_config *cfg, const struct cg_info *info,
                  struct cg_priv *priv, struct isolab_err *err);
int cg_v2_prepare(const struct lab_config *cfg, const struct cg_info *info,
                  struct cg_priv *priv, int *dirfd, struct isolab_err *err);
/* "50000 100000" style quota for cfg->cpus. */
void cg_cpu_quota(double cpus, long *quota_us, long *period_us);

#endif
