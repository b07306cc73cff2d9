/* Probes: small named actions tried inside a sandbox, each in its own child,
 * reported as allowed or blocked with the errno or signal the kernel gave.
 * Safety rule (DESIGN.md): every probe is harmless even when it runs
 * unconfined as root on the host. */
#ifndef ISOLAB_PROBES_H
#define ISOLAB_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "isolab.h"

enum probe_verdict {
    PROBE_ALLOWED = 0,
    PROBE_BLOCKED,
    PROBE_ERROR,      /* could not tell (timeout, unexpected failure) */
    PROBE_SKIPPED,    /* the kernel lacks what the probe needs */
};
const char *probe_verdict_name(enum probe_verdict v);   /* "allowed" ... */

struct probe_result {
    enum probe_verdict verdict;
    int err;              /* errno when blocked by a failing call */
    int sig;              /* signal when blocked by death (SIGSYS, SIGKILL) */
    char detail[160];     /* e.g. "started 9 of 200 before EAGAIN" */
};
/* The matrix's counts. A probe that could not tell (a busy machine:
 * cpu-share) or was skipped is counted apart, never as allowed or blocked,
 * so the two counts do not move with the load. */
struct probe_tally { int allowed, blocked, undecided, skipped; };
void probe_tally_add(struct probe_tally *t, const struct probe_result *r);

/* "EPERM", "SIGSYS", "allowed", "ERROR: ..." */
void probe_result_str(const struct probe_result *r, char *buf, size_t n);

/* What the running kernel has, seen from the host before the sandbox starts
 * (inside, seccomp may answer ENOSYS too, and /proc may be masked): a
 * missing feature makes its probe SKIPPED rather than blocked. */
enum probe_host_feature {
    PROBE_HAS_MODULES  = 1u << 0,   /* CONFIG_MODULES: /proc/modules */
    PROBE_HAS_KEXEC    = 1u << 1,   /* CONFIG_KEXEC: /sys/kernel/kexec_loaded */
    PROBE_HAS_KCORE    = 1u << 2,   /* /proc/kcore */
    PROBE_HAS_SYSRQ    = 1u << 3,   /* /proc/sysrq-trigger */
    PROBE_HAS_IO_URING = 1u << 4,
    PROBE_HAS_KEYS     = 1u << 5,   /* /proc/sys/kernel/keys */
    PROBE_HAS_BPF      = 1u << 6,
    PROBE_HAS_PERF     = 1u << 7,
    PROBE_HAS_UFFD     = 1u << 8,
    PROBE_HAS_ACCT     = 1u << 9,
    PROBE_HAS_SWAP     = 1u << 10,
    PROBE_HAS_FANOTIFY = 1u << 11,
    PROBE_HAS_USERNS   = 1u << 12,
};

/* What a probe may need to know about the world outside the sandbox. */
struct probe_env {
    pid_t host_pid;       /* isolab's own pid on the host */
    int host_ifaces;      /* number of network interfaces on the host */
    /* added by the probes owner: */
    unsigned long long host_starttime;  /* field 22 of /proc/<host_pid>/stat */
    char host_hostname[65];
    unsigned int host_has;              /* enum probe_host_feature bits */
    unsigned int kernel_version;        /* KERNEL_VERSION(a,b,c) of uname -r */
    /* added for the escapes family (probe_escape.c): */
    unsigned long long host_root_dev;   /* stat("/") on the host: st_dev, st_ino */
    unsigned long long host_root_ino;
    unsigned long long host_disk;       /* dev_t of the block device under the host's
                                           root; 0 = not on a block device */
};
/* Fill env from the host (call outside any sandbox; probes_run does). */
void probe_env_init(struct probe_env *env);

/* Per-probe time limit inside the runner; a probe past it is PROBE_ERROR. */
#define PROBE_TIMEOUT_S 10

struct probe {
    const char *id;       /* "unshare-user" */
    const char *title;    /* "unshare(CLONE_NEWUSER)" */
    const char *explain;  /* one line for a learner */
    const char *syscall;  /* main syscall exercised, "" if none */
    unsigned int usual;   /* bitmask of 1u << LAYER_* that usually stop it */
    /* Runs in its own child inside the sandbox; fills r. Bounded, harmless. */
    void (*run)(struct probe_result *r, const struct probe_env *env);
};

extern const struct probe probe_catalogue[];
extern const size_t probe_count;
const struct probe *probe_find(const char *id);
int probe_index(const char *id);      /* -1 if unknown */

/* Run probes under cfg in one sandbox (cfg->argv/fn are ignored).
 * sel: indexes into probe_catalogue (NULL, n=0 = all). results[i] for sel[i]
 * (or catalogue order). */
int probes_run(const struct lab_config *cfg, const int *sel, size_t nsel,
               struct probe_result *results, struct isolab_err *err);

/* Attribution (DESIGN.md, "Probes and attribution"). */
struct probe_blame {
    struct probe_result full;
    struct probe_result alone[LAYER_COUNT]; /* layer exactly as in force, others off */
    bool layer_tested[LAYER_COUNT];         /* false = layer off in full config */
    unsigned int blocked_by;                /* 1u << LAYER_* blocking alone */
    bool combination;                       /* blocked, but by no layer alone */
    /* Every layer off (as root; rootless: only the user namespace, which
     * it cannot do without). Blocked there too = the host itself blocks it
     * (a sysctl, a capability isolab does not have, the kernel's build):
     * then no layer is blamed and combination stays false. */
    struct probe_result baseline;
    bool host_blocks;
};
/* A config that has only layer `id` as it is in force in `full` (any id
 * >= LAYER_COUNT: every layer off). Run as an ordinary user, a layer other
 * than namespaces keeps a bare user namespace, which rootless needs. */
void lab_config_only_layer(const struct lab_config *full, enum layer_id id,
                           struct lab_config *out);
/* = probes_blame_cached(NULL, ...). */
int probes_blame(const struct lab_config *cfg, const int *sel, size_t nsel,
                 struct probe_blame *out, struct isolab_err *err);
/* Every probe under every layer alone and the baseline, one sandbox after
 * the other, with no shortcut: the reference probes_blame is tested against. */
int probes_blame_every_run(const struct lab_config *cfg, const int *sel, size_t nsel,
                           struct probe_blame *out, struct isolab_err *err);

/* The syscalls a probe makes ("unshare"; space-separated) beside the common
 * ones every probe run makes; NULL if not declared (then any seccomp change
 * re-runs it). Checked by tests/integration/probe_syscalls.sh. */
const char *probe_syscalls_of(int idx);
extern const char probe_common_syscalls[];

/* Results kept across attribution runs, each under the key of what it can
 * depend on (probe_key.c): a change to one layer re-runs only the runs it
 * can change. Entries added since the last probe_cache_log_reset() are in
 * its log (the TUI's helper sends them back to the screen's cache). */
struct probe_cache_entry {
    uint64_t key;
    struct probe_result r;
};
struct probe_cache;
struct probe_cache *probe_cache_new(void);
void probe_cache_free(struct probe_cache *c);
void probe_cache_clear(struct probe_cache *c);
void probe_cache_put(struct probe_cache *c, const struct probe_cache_entry *e, size_t n);
size_t probe_cache_log(const struct probe_cache *c, const struct probe_cache_entry **entries);
void probe_cache_log_reset(struct probe_cache *c);
/* Results taken from the cache and results run, over its life. */
void probe_cache_counts(const struct probe_cache *c, size_t *hits, size_t *ran);

/* probes_blame with a cache (NULL: none): the full configuration first
 * (on_full, if given, gets its results as they come: pos[k] is the place in
 * sel, or the catalogue index without sel, of r[k]), then each
 * layer alone and the baseline for the probes blocked under it (an allowed
 * probe needs no attribution: its alone runs stay untested). Runs that do
 * not depend on each other go side by side. */
typedef void (*probe_full_cb)(void *ud, const int *pos, const struct probe_result *r, size_t n);
/* flags: PROBE_BLAME_EVERY_LAYER also runs the quick probes alone when they
 * are allowed, beside the full configuration (the TUI shows them, and an
 * edit that blocks one then finds its other layers' runs known). */
#define PROBE_BLAME_EVERY_LAYER 1u
int probes_blame_cached(struct probe_cache *cache, const struct lab_config *cfg, const int *sel,
                        size_t nsel, unsigned int flags, struct probe_blame *out,
                        probe_full_cb on_full, void *ud, struct isolab_err *err);

/* Fills b->blocked_by, combination and host_blocks from b's runs (full,
 * alone[], layer_tested[], baseline) under cfg: blocked by each layer that
 * blocks alone; by the host when blocked with every layer off or when no
 * layer is in force; "only the combination" when no layer alone blocks it
 * and every layer in force was tried alone (a partial run cannot know). */
void probe_blame_conclude(const struct lab_config *cfg, struct probe_blame *b);

/* "seccomp+caps" for a 1u << LAYER_* mask ("" for 0). */
void probe_layers_str(unsigned int mask, char *buf, size_t n);

#endif
