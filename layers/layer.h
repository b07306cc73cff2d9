/* The layer vtable and the per-sandbox context shared by the launcher and the
 * layers. Internal to layers/ (and tests). DESIGN.md, "The engine". */
#ifndef ISOLAB_LAYER_H
#define ISOLAB_LAYER_H

#include <linux/filter.h>
#include <stdlib.h>
#include <unistd.h>

#include "isolab.h"
#include "live/pty.h"

/* Child-side steps, in the order they are applied (DESIGN.md). The numbers
 * are what an error report carries. */
enum child_step {
    STEP_SYNC = 0,      /* waiting for the parent (uid maps, cgroup) */
    STEP_MOUNT = 1,     /* mount namespace, root filesystem, pivot_root */
    STEP_HOSTNAME = 2,
    STEP_LSM = 3,
    STEP_NNP = 4,
    STEP_SECCOMP_EARLY = 5,
    STEP_CAPS = 6,
    STEP_SECCOMP_LATE = 7,
    STEP_EXEC = 8,
    STEP_CONSOLE = 9,   /* applied after HOSTNAME, before LSM (live/pty.h) */
};
const char *child_step_name(enum child_step s);

/* What one sandbox needs between prepare() in the parent and enter() in the
 * child, and for cleanup() afterwards. Every layer owns its own part. */
struct sandbox_ctx {
    /* Capabilities that are in force in the sandbox (all known caps when the
     * caps layer is off). Seccomp resolves includes/excludes.caps against
     * seccomp_caps, which is this unless cfg->seccomp_caps_fixed. */
    uint64_t caps_in_force;
    uint64_t seccomp_caps;
    bool rootless;                  /* invoked by a non-root user */
    bool userns;                    /* a user namespace is created */

    /* seccomp (prepared in the parent, loaded in the child) */
    struct sock_fprog seccomp_prog; /* .filter malloc'ed; len 0 = none */
    unsigned int seccomp_flags;     /* SECCOMP_FILTER_FLAG_* */
    char seccomp_listener[ISOLAB_PATH_MAX];
    int seccomp_warnings;           /* unknown syscall names skipped */
    /* seccomp_listener holds "listenerPath\0metadata (JSON-escaped)" when
     * the filter has NOTIFY rules, else "". With a listener only: a socket connected
     * to it in the parent (the path may be out of reach after pivot_root),
     * and a pipe that brings the child its host pid for the state message. */
    int seccomp_notify_sock;
    int seccomp_pid_pipe[2];

    /* cgroups */
    int cgroup_version;             /* 1 or 2, 0 = none */
    char cgroup_path[ISOLAB_PATH_MAX];   /* v2 dir, or the v1 pids dir */
    int cgroup_fd;                  /* v2 dir fd for CLONE_INTO_CGROUP, else -1 */
    void *cgroup_priv;

    /* LSM */
    int lsm_mechanism;              /* 0 none, 1 AppArmor, 2 Landlock */
    char lsm_apparmor_name[128];
    int landlock_ruleset_fd;        /* -1 if none */

    /* namespaces */
    char staging[ISOLAB_PATH_MAX];  /* new root being built (in the child) */

    pid_t child;                    /* host pid of the sandbox's first process */
    struct live_io live;            /* its terminal: pty or relay pipes (live/) */
};

struct layer_ops {
    const char *name;
    enum layer_id id;
    /* Is this layer usable here? If not, why (one sentence to act on). */
    bool (*available)(char *why, size_t n);
    /* Every error in the config, before anything starts. */
    int (*validate)(const struct lab_config *cfg, struct isolab_err *err);
    /* Parent side, before clone. */
    int (*prepare)(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                   struct isolab_err *err);
    /* Parent side, after clone, before the child is released (may be NULL). */
    int (*attach)(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                  pid_t child, struct isolab_err *err);
    /* Child side at its step(s) of enum child_step. Must not allocate much;
     * may not print. On failure fill err and return -1. */
    int (*enter)(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                 enum child_step step, struct isolab_err *err);
    void (*describe)(const struct lab_config *cfg, char *buf, size_t n);
    /* Parent side, always runs (also after failures). Idempotent. */
    void (*cleanup)(const struct lab_config *cfg, struct sandbox_ctx *ctx);
};

extern const struct layer_ops seccomp_layer;
extern const struct layer_ops lsm_layer;
extern const struct layer_ops cgroup_layer;
extern const struct layer_ops caps_layer;
extern const struct layer_ops ns_layer;

/* Indexed by enum layer_id. */
extern const struct layer_ops *const layer_table[LAYER_COUNT];

/* Confine the pid-namespace init itself, which never execs (lsm.c). */
int lsm_confine_init(const struct lab_config *cfg, const struct sandbox_ctx *ctx,
                     struct isolab_err *err);


/* ---- scoped cleanup (bubblewrap's utils.h idea) ---- */
static inline void cleanup_freep(void *p) { free(*(void **)p); }
static inline void cleanup_closep(int *fd) { if (*fd >= 0) close(*fd); }
#define _cleanup_free_ __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_ __attribute__((cleanup(cleanup_closep)))

#endif
