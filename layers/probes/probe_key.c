/* What each probe's result can depend on, as a key: the exact configuration
 * of each layer that can change it, and of the seccomp profile only the part
 * that decides the syscalls the probe makes (declared below, checked by
 * tests/integration/probe_syscalls.sh, which records them with strace).
 * Attribution (probe_blame.c) keeps a result while its key is unchanged:
 * a change to one layer then re-runs only what it can affect. */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layer.h"
#include "probe_int.h"
#include "seccomp_int.h"
#include "seccomp_profile.h"

/* Made by every probe run: the sandbox's first process after its filter is
 * in place (the rest of its set-up and the runner), every probe child before
 * and after its probe (fork, libc's own), the runner's clean-up of a killed
 * probe (remove_probe_leftovers: umount2, unlink, rmdir). What the sandbox's
 * set-up makes before its filter (the mounts, pivot_root, mknodat, Landlock's
 * rules) no profile can refuse, so an edit of those re-runs nothing. */
const char probe_common_syscalls[] =
    "alarm brk capget capset clock_gettime clone close exit exit_group fcntl fstat "
    "futex getdents64 getpgid getpid getrandom gettid ioctl kill mmap mprotect "
    "munmap newfstatat openat pipe2 prctl read restart_syscall rmdir rt_sigaction "
    "rt_sigprocmask rt_sigreturn set_robust_list setpgid umount2 unlink wait4 "
    "waitid write";

/* Beyond the common ones, per probe: every syscall it or its children make,
 * on any path (allowed, refused, cleaning up). */
static const struct {
    const char *id;
    const char *syscalls;
} probe_syscall_table[] = {
    {"unshare-user", "unshare"},
    {"unshare-mnt", "unshare"},
    {"unshare-net", "unshare"},
    {"setns", "openat setns"},
    {"mount-tmpfs", "getpid mkdir mount rmdir umount2"},
    {"umount", "getpid mkdir rmdir umount2"},
    {"pivot-root", "pivot_root"},
    {"chroot", "chroot"},
    {"chmod", "chmod fchmodat getpid mkdir openat rmdir unlink"},
    {"fchmodat2", "chmod fchmodat2 getpid getrandom mkdir openat rmdir unlink"},
    {"chown", "chown getpid getuid mkdir openat rmdir unlink"},
    {"mknod", "getpid mkdir mknodat rmdir unlink"},
    {"write-etc", "getpid openat unlink"},
    {"read-shadow", "newfstatat openat"},
    {"execve", "access arch_prctl brk clone execve mmap mprotect munmap newfstatat openat pipe2 pread64 prlimit64 read rseq set_tid_address wait4"},
    {"open-kcore", "newfstatat openat"},
    {"sysrq-trigger", "newfstatat openat"},
    {"write-proc-sys", "newfstatat openat"},
    {"write-sys", "newfstatat openat"},
    {"clock-settime", "clock_settime"},
    {"sethostname", "sethostname uname"},
    {"personality", "personality"},
    {"personality-aslr", "personality"},
    {"nice", "getpriority setpriority"},
    {"rlimit-raise", "prlimit64"},
    {"raw-socket", "socket"},
    {"packet-socket", "socket"},
    {"bind-80", "bind newfstatat openat read socket"},
    {"io-uring", "io_uring_setup"},
    {"keyctl", "keyctl"},
    {"add-key", "add_key"},
    {"bpf", "bpf"},
    {"perf-event-open", "perf_event_open"},
    {"userfaultfd", "userfaultfd"},
    {"fanotify", "fanotify_init"},
    {"ptrace", "clone kill pipe2 ptrace read wait4"},
    {"open-by-handle", "open_by_handle_at openat"},
    {"init-module", "init_module"},
    {"kexec-load", "kexec_load"},
    {"reboot", "reboot"},
    {"swapon", "swapon"},
    {"acct", "acct"},
    {"syslog", "syslog"},
    {"clone3", "clone3 wait4"},
    {"host-processes", "kill openat read"},
    {"host-interfaces", "bind getsockname recvmsg sendto socket"},
    {"host-hostname", "uname"},
    {"fork-200", "clone pipe2 read wait4"},
    {"memory-256m", "clone mmap munmap newfstatat openat read wait4"},
    {"cpu-share", "clock_gettime newfstatat openat read"},
    {"escape-tiocsti", "fcntl ioctl mmap munmap openat read"},
    {"escape-fd-leak", "dup newfstatat openat"},
    {"escape-proc-exe", "fcntl fstatfs getpid openat read"},
    {"escape-shocker", "open_by_handle_at openat"},
    {"escape-release-agent", "capget getpid mkdir mount newfstatat openat read rmdir"},
    {"escape-core-pattern", "newfstatat openat"},
    {"escape-device", "getpid mkdir mknodat openat rmdir statfs unlink"},
    {"escape-userns", "unshare"},
    {"escape-host-disk", "getpid mkdir mknodat openat rmdir statfs unlink"},
};

const char *probe_syscalls_of(int idx)
{
    if (idx < 0 || (size_t)idx >= probe_count)
        return NULL;
    const char *id = probe_catalogue[idx].id;
    for (size_t i = 0; i < sizeof probe_syscall_table / sizeof probe_syscall_table[0]; i++)
        if (!strcmp(probe_syscall_table[i].id, id))
            return probe_syscall_table[i].syscalls;
    return NULL;
}

/* The layers whose configuration can change a probe's result. The resource
 * probes (processes, memory, CPU time) do not depend on the LSM layer:
 * isolab's AppArmor policies and its Landlock rules mediate files, mounts
 * and signals, not fork, anonymous memory or CPU time, and the /proc files
 * these probes read (/proc/meminfo, /proc/stat) are readable under both.
 * The equality test (tests/integration/test_blame_incremental.c) checks it. */
unsigned int probe_relevant_layers(int idx)
{
    static const char *const no_lsm[] = {"fork-200", "memory-256m", "cpu-share"};
    unsigned int all = (1u << LAYER_COUNT) - 1;
    for (size_t i = 0; i < sizeof no_lsm / sizeof no_lsm[0]; i++)
        if (idx >= 0 && (size_t)idx < probe_count && !strcmp(probe_catalogue[idx].id, no_lsm[i]))
            return all & ~(1u << LAYER_LSM);
    return all;
}

bool probe_measures_cpu(int idx)
{
    return idx >= 0 && (size_t)idx < probe_count && !strcmp(probe_catalogue[idx].id, "cpu-share");
}

bool probe_is_slow(int idx)
{
    return idx >= 0 && (size_t)idx < probe_count &&
           (probe_catalogue[idx].usual & (1u << LAYER_CGROUP));
}

/* ---- keys ---- */

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    return sc_hash64(h, p, n);
}
#define MIX(h, v) ((h) = mix((h), &(v), sizeof(v)))
#define MIXS(h, s) ((h) = mix((h), (s), strlen(s) + 1))

/* One layer's own settings as cfg has them (the layer in force). */
static uint64_t layer_settings(const struct lab_config *c, int id, uint64_t h)
{
    switch (id) {
    case LAYER_NS:
        for (int k = 0; k < NS_COUNT; k++)
            MIX(h, c->ns[k]);
        MIXS(h, c->hostname);
        MIX(h, c->unpriv_ports);
        break;
    case LAYER_CAPS: {
        uint64_t caps = lab_config_caps_in_force(c);
        MIX(h, caps);
        break;
    }
    case LAYER_CGROUP:
        MIX(h, c->pids_limit);
        MIX(h, c->memory_bytes);
        MIX(h, c->cpus);
        break;
    case LAYER_LSM:
        MIXS(h, c->lsm_profile);
        break;
    default:
        break;
    }
    return h;
}

/* Settings that are no one layer's (the root, the user): in every key. */
static uint64_t common_settings(const struct lab_config *c, const struct probe_env *env)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    MIXS(h, c->rootfs);
    MIX(h, c->host_secrets);
    MIX(h, c->no_new_privs);
    MIX(h, c->set_user);
    MIX(h, c->uid);
    MIX(h, c->gid);
    MIX(h, c->privileged);
    uid_t euid = geteuid();
    MIX(h, euid);
    /* the host as the probes see it, except isolab's own pid, which is a
     * different one for each run and changes no verdict */
    MIX(h, env->host_ifaces);
    MIXS(h, env->host_hostname);
    MIX(h, env->host_has);
    MIX(h, env->kernel_version);
    MIX(h, env->host_root_dev);
    MIX(h, env->host_root_ino);
    MIX(h, env->host_disk);
    return h;
}

/* What the profile decides for one syscall name: the verdict, and when it
 * depends on the arguments every applicable rule that names it. */
static uint64_t seccomp_one(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                            unsigned long kver, const char *name, uint64_t h)
{
    struct sc_verdict v;
    memset(&v, 0, sizeof v);
    int rc = seccomp_profile_eval(p, caps, arch, name, NULL, &v);
    MIXS(h, name);
    MIX(h, rc);
    if (rc < 0)
        return h;
    MIX(h, v.action);
    MIX(h, v.errno_ret);
    MIX(h, v.conditional);
    MIX(h, v.unresolved);
    MIX(h, v.newer_than_profile);
    if (!v.conditional)
        return h;
    for (size_t i = 0; i < p->nrules; i++) {
        const struct sc_rule *r = &p->rules[i];
        if (!seccomp_rule_names(r, name) || !seccomp_rule_applies(r, caps, arch, kver))
            continue;
        MIX(h, r->action);     /* in the profile's order: the first that holds decides */
        MIX(h, r->has_errno);
        MIX(h, r->errno_ret);
        for (size_t a = 0; a < r->nargs; a++) {
            MIX(h, r->args[a].index);
            MIX(h, r->args[a].value);
            MIX(h, r->args[a].value_two);
            MIX(h, r->args[a].op);
        }
    }
    return h;
}

/* Each name's part once per profile and caps (a name is in many lists). */
struct name_memo {
    const struct seccomp_profile *p;
    uint64_t caps;
    uint32_t arch;
    unsigned long kver;
    char (*name)[40];
    uint64_t *hash;
    size_t n, cap;
};

static uint64_t memo_name(struct name_memo *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->name[i], name))
            return m->hash[i];
    uint64_t h = seccomp_one(m->p, m->caps, m->arch, m->kver, name, 0xcbf29ce484222325ULL);
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 128;
        char (*nn)[40] = realloc(m->name, cap * sizeof *nn);
        if (nn)
            m->name = nn;
        uint64_t *nh = nn ? realloc(m->hash, cap * sizeof *nh) : NULL;
        if (nh)
            m->hash = nh;
        if (!nn || !nh)
            return h;
        m->cap = cap;
    }
    snprintf(m->name[m->n], sizeof m->name[m->n], "%s", name);
    m->hash[m->n++] = h;
    return h;
}

static uint64_t seccomp_names(struct name_memo *m, const char *list, uint64_t h)
{
    char name[40];
    for (const char *s = list; *s;) {
        size_t n = strcspn(s, " ");
        if (n && n < sizeof name) {
            memcpy(name, s, n);
            name[n] = '\0';
            uint64_t nh = memo_name(m, name);
            MIX(h, nh);
        }
        s += n;
        s += strspn(s, " ");
    }
    return h;
}

/* For each probe idx[k]: the profile's part that decides its syscalls and
 * the common ones, resolved for caps. A probe without a declared list: the
 * whole profile's text. */
void probe_seccomp_keys(const struct seccomp_profile *p, uint64_t caps, const int *idx,
                        size_t n, uint64_t *out)
{
    struct name_memo m = {p, caps, seccomp_arch_native(), kernel_version_code(), NULL, NULL,
                          0, 0};
    uint64_t base = 0x84222325cbf29ce4ULL;
    MIX(base, p->default_action);
    MIX(base, p->has_default_errno);
    MIX(base, p->default_errno);
    MIX(base, p->flags);
    MIX(base, p->narches);
    for (size_t i = 0; i < p->narches; i++)
        MIX(base, p->arches[i]);
    MIX(base, caps);
    uint64_t common = seccomp_names(&m, probe_common_syscalls, base);
    for (size_t k = 0; k < n; k++) {
        const char *own = probe_syscalls_of(idx[k]);
        uint64_t h = base;
        if (!own)
            MIX(h, p->text_hash);
        else
            h = seccomp_names(&m, own, common);
        out[k] = h;
    }
    free(m.name);
    free(m.hash);
}

uint64_t probe_run_key(const struct lab_config *run, const struct probe_env *env, int idx,
                       uint64_t seccomp_key)
{
    uint64_t h = common_settings(run, env);
    MIX(h, idx);
    unsigned int rel = probe_relevant_layers(idx);
    for (int id = 0; id < LAYER_COUNT; id++) {
        if (!(rel & (1u << id)))
            continue;
        bool on = layer_in_force(run, id);
        MIX(h, id);
        MIX(h, on);
        if (!on)
            continue;
        if (id == LAYER_SECCOMP)
            MIX(h, seccomp_key);
        else
            h = layer_settings(run, id, h);
    }
    return h ? h : 1;    /* 0 marks an empty cache slot */
}
