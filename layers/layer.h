/* The layer vtable and the per-sandbox context shared by the launcher and the
 * layers. Internal to layers/ (and tests). DESIGN.md, "The engine". */
#ifndef ISOLAB_LAYER_H
#define ISOLAB_LAYER_H

#include <sched.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <unistd.h>

#include "cleanup.h"
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

#define SANDBOX_KEEP_FDS_MAX 8

/* What the launcher and the layers share for one sandbox, from prepare() in
 * the parent to enter() in the child and cleanup() afterwards. Only what
 * more than one of them reads is here; the rest is each layer's own (priv).
 * The child is cloned without CLONE_VM and runs no exec before the layers are
 * applied, so what the parent prepared is there in the child's copy. */
#define SANDBOX_TTYS_MAX 32

struct sandbox_ctx {
    bool userns;            /* a user namespace is created (namespaces, caps, id maps) */
    /* A cgroup v2 directory for clone3(CLONE_INTO_CGROUP), else -1. Opened
     * and closed by the cgroup layer; the launcher clones into it. */
    int clone_cgroup_fd;
    /* The flock that says this isolab owns the sandbox's cgroup (cgroup.c),
     * else -1. The child closes both of these: they are the host's. */
    int cgroup_lock_fd;
    pid_t child;            /* host pid of the sandbox's first process */
    /* The child waits for the parent's release (id maps to write, a
     * listener's pid to send, a cgroup to be moved into); else it goes at
     * once (sandbox.c, release_needed). */
    bool release_wait;
    /* Child side: this process is the pid-namespace init, which forked the
     * command at the console step and applies steps 3-7 to itself too; its
     * seccomp filter is its own allowlist (seccomp_init.c) and it keeps only
     * CAP_KILL (caps.c). */
    bool init_copy;
    /* fds the engine passes to the sandbox on purpose (the pty relay's
     * socketpair end, ...): every other fd above 2 is closed before the
     * command runs (sandbox_fds.c). Add with sandbox_ctx_keep_fd(). */
    int keep_fds[SANDBOX_KEEP_FDS_MAX];
    size_t nkeep_fds;
    /* Each layer's private state, indexed by enum layer_id: ops->priv_size
     * zeroed bytes, allocated before its prepare() and freed after its
     * cleanup() (layer_prepare/layer_cleanup); NULL for a layer without
     * state. Its type is known only to that layer's file. */
    void *priv[LAYER_COUNT];
    struct live_io live;    /* its terminal: pty or relay pipes (live/) */
    /* The start runs on one CPU (sandbox.c, pin_start): the caller's CPU
     * set, given back to each process before it is the learner's. */
    cpu_set_t start_cpus;
    bool pinned;
    /* Landlock's rules, made by the parent on the other CPU while the child
     * mounts the rest of its root (sandbox_cpu.c): once every entry of its
     * new root is there, the child sends that root's directory fd on
     * ready[1] (a socketpair), and the parent writes 'd' on done[1] once
     * their rules are in the ruleset both share (EOF instead: the child
     * makes them itself). -1 = not used. */
    struct {
        int ready[2], done[2];
        /* child: what the parent said (sandbox_rules_heard): the rules are
         * in; the terminals among its fds above 2 at the clone (n -1: not
         * listed). */
        bool heard, made;
        int n_ttys, ttys[SANDBOX_TTYS_MAX];
    } rules;
};

/* A layer's vtable. A hook the layer does not need is NULL (crun's idea);
 * the launcher skips it. A NULL available() means "always available". */
struct layer_ops {
    const char *name;
    enum layer_id id;
    size_t priv_size;       /* bytes of private state, 0 = none (tig's views) */
    /* Is this layer usable here? If not, why (one sentence to act on). */
    bool (*available)(char *why, size_t n);
    /* Every error in the config, before anything starts. */
    int (*validate)(const struct lab_config *cfg, struct isolab_err *err);
    /* Parent side, before clone; the private state is allocated and zeroed
     * (fds in it are 0 until prepare() sets them). */
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
    /* Parent side, always runs once prepare() was called (also after it
     * failed, or when the private state could not be allocated: priv NULL).
     * Releases what the private state holds; the launcher frees it. */
    void (*cleanup)(const struct lab_config *cfg, struct sandbox_ctx *ctx);
};

extern const struct layer_ops seccomp_layer;
extern const struct layer_ops lsm_layer;
extern const struct layer_ops cgroup_layer;
extern const struct layer_ops caps_layer;
extern const struct layer_ops ns_layer;

/* Indexed by enum layer_id. */
extern const struct layer_ops *const layer_table[LAYER_COUNT];

/* The launcher's side of a layer's lifetime (sandbox.c): allocate its
 * private state and call prepare(); call cleanup() and free the state.
 * Tests that drive one layer alone use them too. */
void sandbox_ctx_init(struct sandbox_ctx *ctx, const struct lab_config *cfg);
int layer_prepare(const struct layer_ops *ops, const struct lab_config *cfg,
                  struct sandbox_ctx *ctx, struct isolab_err *err);
void layer_cleanup(const struct layer_ops *ops, const struct lab_config *cfg,
                   struct sandbox_ctx *ctx);

/* The cgroup layer is off and no pid namespace holds the sandbox: it gets
 * an accounting cgroup (no limits, no device rules) so that every process
 * it leaves is ended (cgroup.c). */
bool cgroup_accounting_wanted(const struct lab_config *cfg);
/* In the child, first thing after its release: join its cgroups itself
 * where the parent did not move it (cgroup v1); 0 when there is nothing to
 * do. */
int cgroup_child_join(struct sandbox_ctx *ctx, struct isolab_err *err);

/* Keep fd open in the sandbox (parent side, before the clone). -1 with
 * ENOSPC when the list is full. */
int sandbox_ctx_keep_fd(struct sandbox_ctx *ctx, int fd);
/* Child side, the last thing before the command or the function runs:
 * what happens to every fd above 2 that is not in ctx->keep_fds. */
enum fd_guard {
    FD_GUARD_CLOEXEC,       /* the command: closed by its execve (the report pipe works until then) */
    FD_GUARD_CLOSE_ALL,     /* the pid-namespace init, which never execs */
    FD_GUARD_INHERITED,     /* the probe runner: close what has no FD_CLOEXEC (the caller's) */
};
void sandbox_guard_fds(const struct sandbox_ctx *ctx, enum fd_guard how);
/* Every signal at its default, none blocked (sandbox_fds.c): the child's
 * first step, so nothing isolab's caller ignored reaches the sandbox. */
void sandbox_reset_signals(void);

/* The pid-namespace init's own seccomp allowlist (seccomp_init.c). */
const struct sock_fprog *seccomp_init_filter(void);
/* A sandbox_start begins (seccomp.c: its prepare reuses its validate's read). */
void seccomp_new_start(void);

/* After a clone that failed with EINVAL: the namespace the kernel lacks,
 * as the error (-1), or 0 when it has them all (namespaces.c). */
int ns_explain_clone(const struct lab_config *cfg, struct isolab_err *err);
/* The calls that filter allows (native ABI), for its test. */
const int *seccomp_init_syscalls(size_t *n);

/* The filter the seccomp layer prepared: its length in BPF instructions
 * (0 = none) and its SECCOMP_FILTER_FLAG_* flags (seccomp.c). */
size_t seccomp_prepared_filter(const struct sandbox_ctx *ctx, unsigned int *flags);

/* The user namespace's uid/gid maps for the child pid (namespaces.c). */
int ns_write_id_maps(const struct lab_config *cfg, pid_t pid, struct isolab_err *err);
/* The parent must move the child into its cgroups (cgroup v1 where a
 * tasks file could not be opened for the child to join by itself). */
bool cgroup_moves_child(const struct sandbox_ctx *ctx);
/* The LSM layer, child side, before the pid-namespace init forks the
 * command: Landlock's rules are added once, for both (lsm.c). */
int lsm_child_prebuild(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                       struct isolab_err *err);
/* The parent may make Landlock's rules for the child's new root, and does
 * so from rootfd, that root's directory, which the child sent it (lsm.c). */
bool lsm_parent_rules_wanted(const struct lab_config *cfg, const struct sandbox_ctx *ctx);
/* Child side: wait for the parent's word, once (ctx->rules: made, ttys);
 * false when it sent none (sandbox_cpu.c). */
bool sandbox_rules_heard(struct sandbox_ctx *ctx);
int lsm_parent_rules(const struct lab_config *cfg, struct sandbox_ctx *ctx, int rootfd);
/* Confine the pid-namespace init itself, which never execs (lsm.c). */
int lsm_confine_init(const struct lab_config *cfg, const struct sandbox_ctx *ctx,
                     struct isolab_err *err);


#endif
