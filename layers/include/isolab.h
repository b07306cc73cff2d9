/* isolab engine: the public interface of libisolab.a.
 *
 * A sandbox is described by one plain struct (struct lab_config). Front ends
 * (TUI, command line, tests) only edit that struct; nothing is applied until
 * sandbox_start(). See DESIGN.md, "The engine". */
#ifndef ISOLAB_H
#define ISOLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ISOLAB_PATH_MAX 4096

/* ---- errors ------------------------------------------------------------ */

/* Parent-side functions return -1 and fill one of these; nothing prints. */
struct isolab_err {
    int errnum;          /* errno that caused it, 0 if none */
    char msg[1024];      /* "seccomp: profile.json:3:14: syscalls[0]: ..." */
    char hint[512];      /* what the learner can do about it, "" if none */
};

int isolab_err_set(struct isolab_err *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void isolab_err_hint(struct isolab_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void isolab_err_clear(struct isolab_err *e);
/* Prints "isolab: msg\n  hint: ...\n" to stderr. */
void isolab_err_print(const struct isolab_err *e);

/* ---- layers ------------------------------------------------------------- */

/* Outside in, as the lab teaches them. Index into cfg->layer_on[]. */
enum layer_id {
    LAYER_SECCOMP = 0,
    LAYER_LSM,
    LAYER_CGROUP,
    LAYER_CAPS,
    LAYER_NS,
    LAYER_COUNT
};
const char *layer_name(enum layer_id id); /* "seccomp", "lsm", "cgroups", "caps", "namespaces" */

enum ns_kind {
    NS_USER = 0, NS_PID, NS_MNT, NS_UTS, NS_IPC, NS_NET, NS_CGROUP, NS_TIME,
    NS_COUNT
};
const char *ns_name(enum ns_kind k);      /* "user", "pid", "mnt", ... */
int ns_clone_flag(enum ns_kind k);        /* CLONE_NEWUSER, ... */
int ns_from_name(const char *name);       /* -1 if unknown; accepts "mount","network" too */
bool ns_kernel_has(enum ns_kind k);       /* /proc/self/ns/<name> exists (looked at once) */

/* ---- the config --------------------------------------------------------- */

struct lab_config {
    bool layer_on[LAYER_COUNT];   /* a layer switched off is not applied at all */

    /* namespaces */
    bool ns[NS_COUNT];
    char rootfs[ISOLAB_PATH_MAX]; /* "" = host programs read-only + tmpfs overlay */
    char hostname[65];            /* used when NS_UTS is on; default "isolab"; 64 = HOST_NAME_MAX */
    /* With NS_NET on: net.ipv4.ip_unprivileged_port_start=0 in the sandbox's
     * own network namespace, so binding ports below 1024 needs no
     * CAP_NET_BIND_SERVICE (Docker 20.10+; --sysctl
     * net.ipv4.ip_unprivileged_port_start=0). false = the kernel's 1024. */
    bool unpriv_ports;
    /* The default root (an overlay of the host's /) masks the host's
     * secrets and personal data (/root, /home, shadow files, ssh host keys,
     * service state under /var/lib); --host-secrets shows them. */
    bool host_secrets;

    /* capabilities: bit n = capability n (CAP_CHOWN = 0 ...) */
    uint64_t caps;
    bool no_new_privs;
    bool set_user;                /* --user given */
    uid_t uid;
    gid_t gid;

    /* seccomp: path of a Docker/OCI JSON profile; "" = built-in default
     * (profiles/seccomp/docker-default.json). layer_on[LAYER_SECCOMP]=false
     * is seccomp=unconfined. */
    char seccomp_profile[ISOLAB_PATH_MAX];
    /* Resolve the profile's includes/excludes.caps against this set instead
     * of the caps in force (attribution: "seccomp alone" keeps the filter
     * compiled for the full configuration). */
    bool seccomp_caps_fixed;
    uint64_t seccomp_caps;

    /* cgroups: 0 / negative = no limit */
    long pids_limit;
    long long memory_bytes;
    double cpus;

    /* LSM: policy name ("isolab-default", "isolab-readonly-root") */
    char lsm_profile[64];

    bool privileged;              /* --privileged: all caps, no seccomp */

    /* command; argv[0] looked up in PATH inside the sandbox. NULL = $SHELL */
    char **argv;
    char **envp;                  /* NULL = inherit */
    /* Instead of argv: run this function in the sandbox after every layer
     * (used by probes). Its return value is the exit status. */
    int (*fn)(void *arg);
    void *fn_arg;
    /* fds above 2 that the command or the function is handed on purpose;
     * every other fd above 2 is closed before it runs (0 = unused slot).
     * The function also keeps the fds it opened with O_CLOEXEC (the
     * engine's own way); an fd without it came from isolab's caller. */
    int keep_fds[4];

    /* The sandbox's terminal (include/live.h): LAB_TTY_OFF (false) no pty, a
     * session without a controlling terminal; LAB_TTY_ON (true, run -t) a pty
     * of its own relayed by isolab; LAB_TTY_AUTO a pty when isolab's stdin
     * and stdout are both terminals (the default; run -T forces off). */
    enum lab_tty { LAB_TTY_OFF = 0, LAB_TTY_ON = 1, LAB_TTY_AUTO = 2 } tty;


    /* A seccomp-notify supervisor (live_notify.h) that the seccomp layer
     * hands its listener to; NULL = the plain filter. Not owned. */
    struct live_sup *live;

    /* Where sandbox_start (a failed start) and sandbox_wait (the end) say
     * what they saw, for exit_why_explain() (exit_why.h); NULL = nowhere.
     * Not owned. */
    struct sandbox_exit *exit_out;
};

/* Docker's defaults: namespaces mnt,uts,pid,ipc,net(,time if the kernel has
 * it), 14 capabilities, docker-default seccomp, LSM isolab-default, no
 * cgroup limits (pids/memory/cpus 0). */
void lab_config_init_docker(struct lab_config *cfg);
/* A bare host process: every layer off. */
void lab_config_init_unconfined(struct lab_config *cfg);
/* Docker's 14 default capabilities as a mask. */
uint64_t caps_docker_default(void);
/* All capabilities the running kernel knows (CAP_LAST_CAP from /proc). */
uint64_t caps_all_known(void);
int cap_last_known(void);

/* Capability name <-> number, Docker's spelling ("CAP_SYS_ADMIN" or
 * "SYS_ADMIN", any case). -1 if unknown. (libcap's names are taken.) */
int isolab_cap_from_name(const char *name);
const char *isolab_cap_name(int cap);   /* "CAP_SYS_ADMIN", "CAP_42" if unnamed */

/* Command-line layer flags, Docker's spelling (layers/config_flags.c):
 * --security-opt seccomp=FILE|unconfined, --security-opt apparmor=NAME|unconfined,
 * --security-opt no-new-privileges, --cap-add X, --cap-drop X (ALL too),
 * --privileged, --user UID[:GID], --ns LIST, --no-ns LIST, --rootfs DIR,
 * --pids-limit N, --memory BYTES[kmg], --cpus F, --preset NAME, --hostname H,
 * --no-LAYER / --LAYER to switch a layer off/on (seccomp, lsm, cgroups, caps,
 * namespaces). Parses argv[*i]; returns 1 and advances *i past the flag (and
 * its value) if it was a layer flag, 0 if not one, -1 on a bad value. */
int lab_config_parse_flag(struct lab_config *cfg, int argc, char **argv, int *i,
                          struct isolab_err *err);
/* Help text for the layer flags. */
const char *lab_config_flags_help(void);

/* Presets (profiles/presets/NAME.json, layers/preset.c): set all five
 * layers at once. Names are listed in *names (malloc'ed array of malloc'ed
 * strings, sorted). */
int preset_apply(struct lab_config *cfg, const char *name, struct isolab_err *err);
int preset_list(char ***names, size_t *n);
/* One-line description and source of a preset ("" if none). */
int preset_describe(const char *name, char *desc, size_t n);

/* Where profiles/, labs/ live: beside the binary in the source tree, else
 * $(PREFIX)/share/isolab. Writes "<datadir>/<rel>" into out. */
int isolab_data_path(const char *rel, char *out, size_t n);

/* ---- running -------------------------------------------------------------- */

struct sandbox;   /* opaque: a started sandbox */
struct sandbox_exit;

/* Validate every layer, then start. On failure returns -1 with err set and
 * nothing left behind. */
int sandbox_start(const struct lab_config *cfg, struct sandbox **out,
                  struct isolab_err *err);
pid_t sandbox_pid(const struct sandbox *sb);
/* Wait for the sandbox. *status gets a shell-style exit status (128+sig for a
 * signal). Reports a child-side failure as -1 with err. Always cleans up. */
int sandbox_wait(struct sandbox *sb, int *status, struct isolab_err *err);

/* Run to completion: start + wait. */
int sandbox_run(const struct lab_config *cfg, int *status, struct isolab_err *err);

/* Switch off layers that cannot work here and that the config asks nothing
 * of (cgroups with no limit, as an ordinary user on cgroup v1). A note for
 * each one is written into notes ("" if none). Returns how many. */
int lab_config_fit_host(struct lab_config *cfg, char *notes, size_t n);

/* Validate all layers without starting anything (for the TUI/linter). */
int lab_config_validate(const struct lab_config *cfg, struct isolab_err *err);

/* One line per layer describing what is in force, for the TUI / banner. */
void layer_describe(const struct lab_config *cfg, enum layer_id id, char *buf, size_t n);
/* true if the layer can work here; else why (a sentence a learner can act on) */
bool layer_available(enum layer_id id, char *why, size_t n);

/* For the TUI status line: the cgroup mode in use ("v2", "v1 hybrid",
 * "v1 legacy", "none") and the mechanism that enforces the LSM policies
 * ("AppArmor", "Landlock", "none"). */
const char *cgroup_mode_name(void);
const char *lsm_mechanism_name(void);

/* Is the layer in force for this config (switched on, and not overridden by
 * --privileged for seccomp)? */
bool layer_in_force(const struct lab_config *cfg, enum layer_id id);

/* The one rule for capabilities. The bounding set: every known capability
 * when the caps layer is off or under --privileged, else cfg->caps. In
 * force (what the command holds after execve): the bounding set for root;
 * nothing for another uid (--user 1000), as under Docker, runc and
 * Kubernetes, which set no ambient capabilities, so a non-root process keeps
 * none across execve. Seccomp resolves includes/excludes.caps against
 * cfg->seccomp_caps when it is fixed (a layer-alone attribution run keeps
 * the full configuration's set), else against the bounding set, as runc
 * does (the spec's list, whatever the user). */
uint64_t lab_config_caps_bounding(const struct lab_config *cfg);
bool lab_config_runs_nonroot(const struct lab_config *cfg);
uint64_t lab_config_caps_in_force(const struct lab_config *cfg);
uint64_t lab_config_seccomp_caps(const struct lab_config *cfg);

/* Run from a sealed memfd copy of the binary (CVE-2019-5736, as runc): call
 * first thing in main(). Re-execs once; returns at once in the copy, or
 * where memfds are not available (then the binary runs from its file). Set
 * ISOLAB_NO_SEALED_COPY=1 to skip it. (layers/sealed_self.c) */
void isolab_run_sealed(char **argv);
/* In the sealed copy, before anything reads the data directory: take the
 * original binary's path (which isolab_run_sealed passed on), so that the
 * directory beside it is found. A no-op elsewhere. */
void isolab_sealed_adopt(void);
/* Whether `isolab run` with cfg needs the sealed copy. Not when nothing in
 * the sandbox can reach an isolab process's /proc/PID/exe: a pid namespace
 * with its own /proc (a mount namespace) hides isolab itself, and its init -- a fork of isolab that never execs --
 * is made non-dumpable at once (sandbox.c), so that its exe is reachable
 * only with CAP_SYS_PTRACE, which the sandbox then does not hold. Without a
 * supervisor (--live, --trace: there the init is taken over later), and
 * with fs.suid_dumpable other than 1 (1 would make the init dumpable again
 * at a uid change). (layers/sealed_self.c) */
bool isolab_sealed_needed(const struct lab_config *cfg, bool supervised);
/* The binary's real path on the host (for the data directory beside it). */
const char *isolab_self_path(void);

#endif
