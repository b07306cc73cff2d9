/* Internal to the probes: the verdict helpers every probe uses and the
 * probe functions the catalogue lists. Each probe runs in its own child. */
#ifndef ISOLAB_PROBE_INT_H
#define ISOLAB_PROBE_INT_H

#include <errno.h>

#include "probes.h"

#define L_SECCOMP (1u << LAYER_SECCOMP)
#define L_LSM (1u << LAYER_LSM)
#define L_CGROUP (1u << LAYER_CGROUP)
#define L_CAPS (1u << LAYER_CAPS)
#define L_NS (1u << LAYER_NS)

#define PROBE_KV(a, b, c) (((a) << 16) + ((b) << 8) + (c))

/* The verdict v with errno err and the detail fmt, ...; probe_allow,
 * probe_block, probe_skip and probe_fail (PROBE_ERROR) name the verdict. */
void probe_set(struct probe_result *r, enum probe_verdict v, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define probe_allow(r, ...) probe_set((r), PROBE_ALLOWED, 0, __VA_ARGS__)
#define probe_block(r, err, ...) probe_set((r), PROBE_BLOCKED, (err), __VA_ARGS__)
#define probe_skip(r, ...) probe_set((r), PROBE_SKIPPED, 0, __VA_ARGS__)
#define probe_fail(r, err, ...) probe_set((r), PROBE_ERROR, (err), __VA_ARGS__)
/* A CLOEXEC pipe in p and a fork; on failure fills r, closes the pipe and
 * returns -1 (the probe then just returns). */
pid_t probe_fork_with_pipe(struct probe_result *r, int p[2]);

/* The verdict of one call: ret >= 0 is allowed; an errno listed in
 * `past_check` (0-terminated) is the kernel rejecting our deliberately bad
 * arguments *after* its permission check, so also allowed; any other errno
 * is blocked. `what` names the call for the detail line. */
void probe_judge(struct probe_result *r, long ret, int err, const int *past_check,
                 const char *what);
#define PAST(...) ((const int[]){__VA_ARGS__, 0})

/* ENOSYS from a kernel that lacks the feature (env says so) is SKIPPED. */
bool probe_kernel_lacks(struct probe_result *r, int err, const struct probe_env *env,
                        unsigned int feature, const char *what);

/* A fresh private directory /tmp/isolab-probe-<pid>-XXXXXX (path in buf);
 * -1 with r set to PROBE_ERROR when /tmp is not writable. */
int probe_tmpdir(struct probe_result *r, char *buf, size_t n);
/* A fresh empty file in a fresh tmpdir; both removed by probe_tmp_cleanup. */
int probe_tmpfile(struct probe_result *r, char *dir, size_t dn, char *file, size_t fn);
void probe_tmp_cleanup(const char *dir, const char *file);

/* Open path (flags | O_CLOEXEC | O_NOCTTY) and close it untouched. true when
 * it opened and is not masked; otherwise r is BLOCKED: "open <path><how>:
 * <errno name>", or masked when a /dev/null (a character device) is mounted
 * over it (Docker's masked paths). The caller writes the allowed detail. */
bool probe_open_unmasked(struct probe_result *r, const char *path, int flags, const char *how);

#define PROBE_FN(name) void name(struct probe_result *r, const struct probe_env *env)

/* probe_sys.c: namespaces, mounts, privileged syscalls */
PROBE_FN(probe_unshare_user);
PROBE_FN(probe_unshare_mnt);
PROBE_FN(probe_unshare_net);
PROBE_FN(probe_setns);
PROBE_FN(probe_mount_tmpfs);
PROBE_FN(probe_umount);
PROBE_FN(probe_pivot_root);
PROBE_FN(probe_chroot);
PROBE_FN(probe_clock_settime);
PROBE_FN(probe_sethostname);
PROBE_FN(probe_init_module);
PROBE_FN(probe_kexec_load);
PROBE_FN(probe_reboot);
PROBE_FN(probe_clone3);
PROBE_FN(probe_personality);
PROBE_FN(probe_personality_norandom);
PROBE_FN(probe_swapon);
PROBE_FN(probe_acct);
PROBE_FN(probe_syslog);
PROBE_FN(probe_nice);
PROBE_FN(probe_rlimit_raise);

/* probe_kern.c: kernel interfaces (keys, bpf, perf, io_uring, ...) */
PROBE_FN(probe_io_uring);
PROBE_FN(probe_keyctl);
PROBE_FN(probe_add_key);
PROBE_FN(probe_bpf);
PROBE_FN(probe_perf_event_open);
PROBE_FN(probe_userfaultfd);
PROBE_FN(probe_fanotify);
PROBE_FN(probe_ptrace);
PROBE_FN(probe_open_by_handle);

/* probe_fs.c: files and devices */
PROBE_FN(probe_chmod);
PROBE_FN(probe_fchmodat2);
PROBE_FN(probe_chown);
PROBE_FN(probe_mknod);
PROBE_FN(probe_kcore);
PROBE_FN(probe_sysrq);
PROBE_FN(probe_proc_sys);
PROBE_FN(probe_sys_write);
PROBE_FN(probe_write_etc);
PROBE_FN(probe_read_shadow);
PROBE_FN(probe_execve);

/* probe_res.c: network, visibility, resources */
PROBE_FN(probe_raw_socket);
PROBE_FN(probe_packet_socket);
PROBE_FN(probe_bind_80);
PROBE_FN(probe_host_procs);
PROBE_FN(probe_host_ifaces);
PROBE_FN(probe_host_hostname);
PROBE_FN(probe_fork_many);
PROBE_FN(probe_memory_hog);
PROBE_FN(probe_cpu_share);

/* probe_escape.c: the "escapes" family (catalogue ids escape-...) */
PROBE_FN(probe_escape_tiocsti);
PROBE_FN(probe_escape_fd_leak);
PROBE_FN(probe_escape_proc_exe);
PROBE_FN(probe_escape_release_agent);
PROBE_FN(probe_escape_core_pattern);
PROBE_FN(probe_escape_device);
PROBE_FN(probe_escape_host_disk);
/* host side: the host's root and its disk, for probe_env_init */
void probe_escape_env_init(struct probe_env *env);

/* ---- runs side by side (probes.c) ---- */

/* One sandbox's worth of probes: cfg, the catalogue indexes sel[0..n), the
 * results res[0..n). A job that cannot start fails each of its probes
 * (PROBE_ERROR, "what: reason") and sets rc -1 and err. An exclusive job
 * (one that measures CPU time) runs with no other beside it: the caller
 * puts them last. */
struct probe_job {
    struct lab_config cfg;
    int *sel;
    size_t n;
    struct probe_result *res;
    bool exclusive;
    const char *what;
    int rc;
    struct isolab_err err;
    void (*done)(struct probe_job *j, void *ud);  /* if set: the results are final */
    void *ud;
    bool started;           /* (probe_jobs_run's own) */
};
#define PROBE_JOBS_PARALLEL 2   /* sandboxes at once: the cores of a small laptop */
void probe_jobs_run(struct probe_job *jobs, size_t n);

/* ---- what a result depends on (probe_key.c) ---- */

struct seccomp_profile;
unsigned int probe_relevant_layers(int idx);     /* 1u << LAYER_* */
bool probe_measures_cpu(int idx);                /* cpu-share: runs alone */
bool probe_is_slow(int idx);                     /* the resource probes */
/* For each probe idx[k], into out[k]: the part of profile p (resolved for
 * caps) that decides the probe's syscalls and the common ones. */
void probe_seccomp_keys(const struct seccomp_profile *p, uint64_t caps, const int *idx,
                        size_t n, uint64_t *out);
/* Probe idx's result under the run configuration run: every setting of the
 * layers in force that can change it (seccomp: seccomp_key). Never 0. */
uint64_t probe_run_key(const struct lab_config *run, const struct probe_env *env, int idx,
                       uint64_t seccomp_key);

/* host side helpers (probes.c) */
unsigned long long probe_proc_starttime(pid_t pid);
int probe_count_ifaces(void);

#endif
