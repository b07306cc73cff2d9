/* The config object: defaults, names, errors, where data files live. */
#include <errno.h>
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layer.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef ISOLAB_DATADIR
#define ISOLAB_DATADIR "/usr/local/share/isolab"
#endif

int isolab_err_set(struct isolab_err *e, int errnum, const char *fmt, ...)
{
    if (!e)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    e->errnum = errnum;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->hint[0] = '\0';
    return -1;
}

void isolab_err_hint(struct isolab_err *e, const char *fmt, ...)
{
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->hint, sizeof e->hint, fmt, ap);
    va_end(ap);
}

void isolab_err_clear(struct isolab_err *e)
{
    if (e)
        memset(e, 0, sizeof *e);
}

void isolab_err_print(const struct isolab_err *e)
{
    fprintf(stderr, "isolab: %s\n", e->msg[0] ? e->msg : "unknown error");
    if (e->hint[0])
        fprintf(stderr, "  hint: %s\n", e->hint);
}

static const char *const layer_names[LAYER_COUNT] = {
    [LAYER_SECCOMP] = "seccomp", [LAYER_LSM] = "lsm", [LAYER_CGROUP] = "cgroups",
    [LAYER_CAPS] = "caps", [LAYER_NS] = "namespaces",
};

const char *layer_name(enum layer_id id)
{
    return (unsigned)id < LAYER_COUNT ? layer_names[id] : "?";
}

/* The one table of namespace names: name is also the file in /proc/PID/ns/
 * (namespaces.c checks the kernel has it) and what --ns takes. */
static const struct {
    const char *name;
    const char *alias;
    int flag;
} ns_table[NS_COUNT] = {
    [NS_USER] = {"user", "userns", CLONE_NEWUSER},
    [NS_PID] = {"pid", "pidns", CLONE_NEWPID},
    [NS_MNT] = {"mnt", "mount", CLONE_NEWNS},
    [NS_UTS] = {"uts", "hostname", CLONE_NEWUTS},
    [NS_IPC] = {"ipc", "ipcns", CLONE_NEWIPC},
    [NS_NET] = {"net", "network", CLONE_NEWNET},
    [NS_CGROUP] = {"cgroup", "cgroupns", CLONE_NEWCGROUP},
    [NS_TIME] = {"time", "timens", CLONE_NEWTIME},
};

const char *ns_name(enum ns_kind k)
{
    return (unsigned)k < NS_COUNT ? ns_table[k].name : "?";
}

int ns_clone_flag(enum ns_kind k)
{
    return (unsigned)k < NS_COUNT ? ns_table[k].flag : 0;
}

/* /proc/self/ns/<name>, looked at once a kind and only for the kinds
 * asked about: an access() makes nsfs set up that entry's inode (~12 us),
 * a readdir of /proc/self/ns all of them (~70 us, at every start when the
 * time namespace's default was decided by it). */
bool ns_kernel_has(enum ns_kind k)
{
    static signed char have[NS_COUNT];   /* 0 not looked, 1 yes, -1 no */
    if ((unsigned)k >= NS_COUNT)
        return false;
    if (!have[k]) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/ns/%s", ns_table[k].name);
        have[k] = access(path, F_OK) == 0 ? 1 : -1;
    }
    return have[k] > 0;
}

int ns_from_name(const char *name)
{
    for (int k = 0; k < NS_COUNT; k++)
        if (!strcasecmp(name, ns_table[k].name) || !strcasecmp(name, ns_table[k].alias))
            return k;
    return -1;
}

/* The kernel's capabilities and isolab's own bounding set, from libcap's
 * cap_get_bound (-1 past the last one the kernel knows): a few
 * dozen cheap calls instead of /proc/sys/kernel/cap_last_cap and
 * /proc/self/status, on every start. */
static int cap_last = -1;
static uint64_t cap_bounding;

static void cap_read_bounding(void)
{
    if (cap_last >= 0)
        return;
    uint64_t bnd = 0;
    int c = 0;
    for (; c < 64; c++) {
        int r = cap_get_bound((cap_value_t)c);      /* libcap: PR_CAPBSET_READ */
        if (r < 0)
            break;
        if (r == 1)
            bnd |= 1ull << c;
    }
    cap_last = c > 0 ? c - 1 : CAP_LAST_CAP;
    cap_bounding = c > 0 ? bnd : ~0ull;
}

int cap_last_known(void)
{
    cap_read_bounding();
    return cap_last;
}

/* The bounding set isolab itself runs with: a sandbox can never hold more
 * (a container runtime or systemd may have dropped some already). */
static uint64_t caps_bounding_now(void)
{
    cap_read_bounding();
    return cap_bounding;
}

uint64_t caps_all_known(void)
{
    int last = cap_last_known();
    uint64_t known = last >= 63 ? ~0ull : ((1ull << (last + 1)) - 1);
    return known & caps_bounding_now();
}

uint64_t caps_docker_default(void)
{
    /* moby's oci/caps/defaults.go: the 14 capabilities a container keeps. */
    static const int caps[] = {
        CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD,
        CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP,
        CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
    };
    uint64_t m = 0;
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        m |= 1ull << caps[i];
    return m;
}

static bool kernel_has_timens(void)
{
    return ns_kernel_has(NS_TIME);
}

void lab_config_init_docker(struct lab_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (int i = 0; i < LAYER_COUNT; i++)
        cfg->layer_on[i] = true;
    /* Docker: mount, network, uts, pid, ipc (and time where the kernel has
     * it); no user namespace; the cgroup namespace is private on cgroup v2. */
    cfg->ns[NS_MNT] = cfg->ns[NS_NET] = cfg->ns[NS_UTS] = true;
    cfg->ns[NS_PID] = cfg->ns[NS_IPC] = true;
    cfg->ns[NS_TIME] = kernel_has_timens();
    cfg->ns[NS_CGROUP] = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
    snprintf(cfg->hostname, sizeof cfg->hostname, "isolab");
    /* moby daemon/oci_linux.go (WithSysctls), unless --network host */
    cfg->unpriv_ports = true;
    cfg->caps = caps_docker_default();
    snprintf(cfg->lsm_profile, sizeof cfg->lsm_profile, "isolab-default");
    cfg->tty = LAB_TTY_AUTO;
}

void lab_config_init_unconfined(struct lab_config *cfg)
{
    lab_config_init_docker(cfg);
    for (int i = 0; i < LAYER_COUNT; i++)
        cfg->layer_on[i] = false;
    memset(cfg->ns, 0, sizeof cfg->ns);
    cfg->unpriv_ports = false;
    cfg->caps = caps_all_known();
}

bool layer_in_force(const struct lab_config *cfg, enum layer_id id)
{
    if (!cfg->layer_on[id])
        return false;
    if (cfg->privileged && (id == LAYER_SECCOMP || id == LAYER_LSM))
        return false;   /* --privileged: no seccomp, no AppArmor, as Docker */
    return true;
}

uint64_t lab_config_caps_bounding(const struct lab_config *cfg)
{
    if (cfg->privileged || !layer_in_force(cfg, LAYER_CAPS))
        return caps_all_known();
    return cfg->caps;
}

bool lab_config_runs_nonroot(const struct lab_config *cfg)
{
    return cfg->set_user && cfg->uid != 0 && layer_in_force(cfg, LAYER_CAPS);
}

uint64_t lab_config_caps_in_force(const struct lab_config *cfg)
{
    return lab_config_runs_nonroot(cfg) ? 0 : lab_config_caps_bounding(cfg);
}

uint64_t lab_config_seccomp_caps(const struct lab_config *cfg)
{
    return cfg->seccomp_caps_fixed ? cfg->seccomp_caps : lab_config_caps_bounding(cfg);
}

static int exe_dir(char *out, size_t n)
{
    char buf[PATH_MAX];
    /* the binary's real path, also when it runs from its sealed copy */
    snprintf(buf, sizeof buf, "%s", isolab_self_path());
    if (!buf[0])
        return -1;
    char *slash = strrchr(buf, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    snprintf(out, n, "%s", buf);
    return 0;
}

/* The data directory beside the binary, kept once found (the binary does
 * not move). Not found is not kept: the sealed copy (sealed_self.c) knows
 * its file only once isolab_run_sealed has run, after a first look. */
static const char *exe_data_dir(void)
{
    static char base[PATH_MAX];
    if (base[0])
        return base;
    struct stat st;
    char dir[PATH_MAX];
    /* Source tree: profiles/ beside the binary (or one level up, for test
     * binaries under build/). */
    if (exe_dir(dir, sizeof dir) == 0) {
        const char *ups[] = {"", "/..", "/../..", "/../../..", "/../../../.."};
        for (size_t i = 0; i < sizeof ups / sizeof ups[0]; i++) {
            char probe[PATH_MAX + 64];
            snprintf(probe, sizeof probe, "%s%s/profiles", dir, ups[i]);
            if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode)) {
                snprintf(probe, sizeof probe, "%s%s", dir, ups[i]);
                if (!realpath(probe, base) && snprintf(base, sizeof base, "%s", probe) >= (int)sizeof base)
                    base[0] = '\0';
                if (base[0])
                    return base;
            }
        }
    }
    return ISOLAB_DATADIR;
}

int isolab_data_path(const char *rel, char *out, size_t n)
{
    const char *env = getenv("ISOLAB_DATADIR");
    if (env && *env)
        return snprintf(out, n, "%s/%s", env, rel) < (int)n ? 0 : -1;
    return snprintf(out, n, "%s/%s", exe_data_dir(), rel) < (int)n ? 0 : -1;
}

int lab_config_fit_host(struct lab_config *cfg, char *notes, size_t n)
{
    int count = 0;
    size_t len = 0;
    if (notes && n)
        notes[0] = '\0';
    bool no_limits = cfg->pids_limit <= 0 && cfg->memory_bytes <= 0 && cfg->cpus <= 0;
    char why[512];
    if (cfg->layer_on[LAYER_CGROUP] && no_limits && !layer_available(LAYER_CGROUP, why, sizeof why)) {
        cfg->layer_on[LAYER_CGROUP] = false;
        count++;
        if (notes && len < n)
            len += (size_t)snprintf(notes + len, n - len,
                                    "%scgroups off (no limit was asked for): %s", len ? "\n" : "", why);
    }
    return count;
}
