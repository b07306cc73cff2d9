/* Internals of the cgroup layer, shared by cgroup.c (detection, the vtable,
 * killing and removing) and the two backends cgroup_v1.c / cgroup_v2.c. */
#ifndef ISOLAB_CGROUP_INT_H
#define ISOLAB_CGROUP_INT_H

#include "layer.h"

/* CG_DEVICES is v1's devices controller; v2 has none (a BPF program on the
 * cgroup stands in, cgroup_devices.c), so it is never in v2_ctrl[]. */
enum cg_ctrl { CG_PIDS = 0, CG_MEMORY, CG_CPU, CG_DEVICES, CG_NCTRL };

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

struct cg_backend;

/* The layer's private state: one sandbox's cgroup(s), v2 one directory
 * (kept in dir[CG_PIDS]), v1 one per controller. */
struct cg_priv {
    const struct cg_backend *backend;
    /* The cgroup layer is off: a cgroup with no limits and no device rules,
     * only so that every descendant is found and ended (sandbox.c). */
    bool accounting;
    bool device_rules;      /* Docker's device rules (not under --privileged) */
    char name[96];          /* "sb-<hex>", "" until made */
    char dir[CG_NCTRL][ISOLAB_PATH_MAX];      /* "" = not joined */
    bool joined[CG_NCTRL];  /* dir[c] is the sandbox's (v1: devices may be shared) */
    bool created[CG_NCTRL]; /* dir[c] is the sandbox's own: cleanup removes it */
    /* cgroup v1: <dir>/tasks of each created cgroup, opened by the parent,
     * written "0" by the child itself (cgroup_child_join): a task that
     * moves itself takes no global lock, where writing another's pid to
     * cgroup.procs takes cgroup_threadgroup_rwsem for writing, an RCU grace
     * period (10-20 ms) at every start. self_join: all of them opened. */
    int join_fd[CG_NCTRL];
    bool self_join;
};

/* A cgroup version, chosen once from what cg_detect() found (cg_backend()). */
struct cg_backend {
    int version;                              /* 1 or 2 */
    /* available()'s sentence: the version, the controllers, where. */
    void (*describe)(const struct cg_info *info, const char *ctrls, char *why, size_t n);
    /* Is controller c offered to isolab's cgroups? */
    bool (*has_ctrl)(const struct cg_info *info, enum cg_ctrl c);
    /* err for a limit (flag) whose controller c is missing: where, and the fix. */
    void (*ctrl_missing)(const struct cg_info *info, enum cg_ctrl c, const char *flag,
                         struct isolab_err *err);
    /* Remove what a killed isolab left under every isolab/ parent. */
    void (*remove_stale)(const struct cg_info *info);
    /* Make the sandbox's cgroup(s) and set the limits; *clone_fd gets a
     * directory to clone into, or stays -1. */
    int (*prepare)(const struct lab_config *cfg, const struct cg_info *info,
                   struct cg_priv *priv, const char *name, int *clone_fd,
                   struct isolab_err *err);
    /* Move the child in, before it is released; NULL when it was cloned in. */
    int (*attach)(struct cg_priv *priv, pid_t child, struct isolab_err *err);
};

extern const struct cg_backend cg_v1_backend;
extern const struct cg_backend cg_v2_backend;
/* The backend for this machine; NULL when no cgroup filesystem is mounted. */
const struct cg_backend *cg_backend(void);

extern const char *const cg_ctrl_name[CG_NCTRL];   /* "pids", "memory", "cpu" */

const struct cg_info *cg_detect(void);
/* cg_detect's two ways to the mounts, for the test that they agree: the
 * usual layout by statfs (false where it cannot tell), and mountinfo. */
bool cg_mounts_usual(struct cg_info *info);
void cg_mounts_mountinfo(struct cg_info *info);

/* Small file helpers; the error names the file and what was written. */
int cg_write(const char *dir, const char *file, const char *val, struct isolab_err *err);
int cg_read(const char *dir, const char *file, char *buf, size_t n);
bool cg_has_file(const char *dir, const char *file);
/* mkdir that accepts EEXIST; fills err naming the path. */
int cg_mkdir(const char *path, struct isolab_err *err);
int cg_mkdir_under(const char *parent, const char *dir, struct isolab_err *err);
/* "sb-<16 hex digits>", random: nothing in it tells the sandbox its host pid.
 * The owner holds an flock on <lock dir>/<name>.lock (outside the sandbox's
 * view) for as long as the cgroup lives; *lock_fd gets it. -1 with err. */
int cg_sandbox_name(char *out, size_t n, int *lock_fd, struct isolab_err *err);
/* Unlink the owner's lock file of a cgroup (after it is removed). */
void cg_sandbox_name_release(const char *name);
/* Docker's default device rules, in v1's devices.allow form. */
extern const char *const cg_device_allow[];
/* v2: load Docker's device rules as a BPF_PROG_TYPE_CGROUP_DEVICE program
 * and attach it to the cgroup directory fd (cgroup_devices.c). */
int cg_v2_attach_device_program(int cgroup_fd, const char *dir, struct isolab_err *err);

/* Kill every process in dir and rmdir it, retrying briefly. v2 uses
 * cgroup.kill where the kernel has it. Returns 0 once the directory is gone. */
int cg_kill_and_remove(const char *dir, int version);
/* Remove sandbox cgroups under parent whose owning isolab is dead. shared:
 * how many directories of all sandboxes' parent holds (v1's shared devices
 * cgroup); with no more than those, there is nothing to look at. */
void cg_remove_stale(const char *parent, int version, unsigned int shared);

/* Does the config ask for the limit that controller c enforces? */
bool cg_limit_wanted(const struct lab_config *cfg, enum cg_ctrl c);
/* "50000 100000" style quota for cfg->cpus. */
void cg_cpu_quota(double cpus, long *quota_us, long *period_us);

/* cgroup_v1.c: the child moves itself into its cgroups (see join_fd). */
int v1_child_join(struct cg_priv *priv, struct isolab_err *err);

#endif
