/* The cgroup layer: each sandbox gets its own cgroup under an `isolab`
 * parent, with Docker's limits (--pids-limit, --memory, --cpus). Two
 * backends behind one vtable: cgroup v2 (cgroup_v2.c; the child is cloned
 * straight into the cgroup with CLONE_INTO_CGROUP) and cgroup v1 in hybrid or
 * legacy mode (cgroup_v1.c; the child is attached before it is released).
 *
 * Nothing is left behind: cleanup() kills whatever is still in the cgroup and
 * removes it on every path, and the first prepare() of a process removes the
 * cgroups of an isolab that was killed before it could clean up (the owning
 * isolab's pid and start time are in each cgroup's name). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <time.h>

#include "cgroup_int.h"
#include "sandbox_int.h"

const char *const cg_ctrl_name[CG_NCTRL] = {"pids", "memory", "cpu", "devices"};
static const char *const cg_flag_name[CG_NCTRL] = {"--pids-limit", "--memory", "--cpus",
                                                   "the device rules"};

/* Docker's default device rules (moby's oci/defaults.go and runc's
 * AllowedDevices): mknod of any node, then read/write/mknod only for these. */
const char *const cg_device_allow[] = {
    "c *:* m", "b *:* m",
    "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",   /* null zero full random urandom */
    "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm",                             /* tty console ptmx */
    "c 136:* rwm",                                                      /* pts */
    NULL,
};

/* ---- small file helpers --------------------------------------------------- */

int cg_read(const char *dir, const char *file, char *buf, size_t n)
{
    char path[ISOLAB_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off + 1 < n) {
        ssize_t r = read(fd, buf + off, n - 1 - off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        off += (size_t)r;
    }
    buf[off] = '\0';
    return (int)off;
}

int cg_write(const char *dir, const char *file, const char *val, struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0 && write(fd, val, strlen(val)) >= 0)
        return 0;
    int e = errno;
    if (err)
        isolab_err_set(err, e, "cgroups: writing \"%s\" to %s: %s", val, path, strerror(e));
    errno = e;      /* callers look at it (EBUSY) */
    return -1;
}

bool cg_has_file(const char *dir, const char *file)
{
    char path[ISOLAB_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return access(path, F_OK) == 0;
}

int cg_mkdir(const char *path, struct isolab_err *err)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0;
    int e = errno;
    isolab_err_set(err, e, "cgroups: creating %s: %s", path, strerror(e));
    if (e == EACCES || e == EPERM || e == EROFS)
        isolab_err_hint(err, "run isolab as root, or on cgroup v2 from a delegated scope: "
                        "systemd-run --user --scope -p Delegate=yes isolab ...");
    return -1;
}

/* dir in parent, which is there but at a first start: made only then. */
int cg_mkdir_under(const char *parent, const char *dir, struct isolab_err *err)
{
    if (mkdir(dir, 0755) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT)
        return cg_mkdir(dir, err);   /* the error, worded */
    if (cg_mkdir(parent, err) < 0)
        return -1;
    return cg_mkdir(dir, err);
}

static unsigned long long proc_starttime(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d", (int)pid);
    if (cg_read(path, "stat", buf, sizeof buf) <= 0)
        return 0;
    char *p = strrchr(buf, ')');   /* comm may contain spaces */
    if (!p)
        return 0;
    unsigned long long start = 0;
    /* fields after ")": state(3) ... starttime(22) */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d"
               " %*d %*d %*d %*d %llu", &start) != 1)
        return 0;
    return start;
}

/* ---- opaque names and their owners ----------------------------------------
 * A sandbox's cgroup is "sb-<16 hex digits>" from getrandom: the name is in
 * the sandbox's /proc/self/cgroup, so it must not carry isolab's host pid
 * (that made the cgroup v1 release_agent exploit easy). Who owns it is an
 * flock on <lock dir>/<name>.lock, which the owner holds until the cgroup is
 * gone; the lock dir (/run/isolab/cgroups) is outside the sandbox's view
 * (a tmpfs mount, not in the overlay of /). The file holds the owner's pid,
 * for the tests and for a human; the lock, not the pid, decides. */

static void lock_dir(char *out, size_t n)
{
    const char *rt = getenv("XDG_RUNTIME_DIR");
    if (geteuid() == 0)
        snprintf(out, n, "/run/isolab/cgroups");
    else if (rt && rt[0] == '/')
        snprintf(out, n, "%.3900s/isolab/cgroups", rt);
    else
        snprintf(out, n, "/tmp/isolab-%u/cgroups", (unsigned)geteuid());
}

static void lock_path(const char *name, char *out, size_t n)
{
    char dir[ISOLAB_PATH_MAX];
    lock_dir(dir, sizeof dir);
    snprintf(out, n, "%.3900s/%.90s.lock", dir, name);
}

static int make_lock_dir(struct isolab_err *err)
{
    char dir[ISOLAB_PATH_MAX];
    lock_dir(dir, sizeof dir);
    for (char *p = dir + 1; ; p++) {
        bool end = *p == '\0';
        if (!end && *p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
            int e = errno;
            isolab_err_set(err, e, "cgroups: creating the owners' directory %s: %s", dir,
                           strerror(e));
            isolab_err_hint(err, "isolab records which isolab owns each cgroup there; make it "
                            "writable (or set XDG_RUNTIME_DIR)");
            return -1;
        }
        if (end)
            return 0;
        *p = '/';
    }
}

int cg_sandbox_name(char *out, size_t n, int *lock_fd, struct isolab_err *err)
{
    uint64_t id = 0;
    if (getrandom(&id, sizeof id, 0) != (ssize_t)sizeof id)
        return isolab_err_set(err, errno, "cgroups: getrandom for the cgroup's name: %s",
                              strerror(errno));
    snprintf(out, n, "sb-%016llx", (unsigned long long)id);
    char path[ISOLAB_PATH_MAX];
    lock_path(out, path, sizeof path);
    const int flags = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
    /* the directory is there but at a first start: made only then */
    _cleanup_close_ int fd = open(path, flags, 0600);
    if (fd < 0 && errno == ENOENT) {
        if (make_lock_dir(err) < 0)
            return -1;
        fd = open(path, flags, 0600);
    }
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        isolab_err_set(err, e, "cgroups: the owner's lock %s: %s", path, strerror(e));
        return -1;
    }
    char pid[24];
    int len = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    if (write(fd, pid, (size_t)len) != len)
        return isolab_err_set(err, errno, "cgroups: writing %s: %s", path, strerror(errno));
    *lock_fd = steal_fd(&fd);
    return 0;
}

void cg_sandbox_name_release(const char *name)
{
    char path[ISOLAB_PATH_MAX];
    lock_path(name, path, sizeof path);
    unlink(path);
}

/* Is the isolab that made the cgroup `name` gone? The new names: nobody
 * holds the lock (or there is none: made before its lock, never). The old
 * names "sb<seq>-<pid>.<start>" of an older isolab: that pid is gone or is
 * another process now. */
static bool owner_gone(const char *name)
{
    unsigned long long hex;
    int end = 0;
    if (sscanf(name, "sb-%16llx%n", &hex, &end) == 1 && end == 19 && name[end] == '\0') {
        char path[ISOLAB_PATH_MAX];
        lock_path(name, path, sizeof path);
        _cleanup_close_ int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            return errno == ENOENT;
        return flock(fd, LOCK_EX | LOCK_NB) == 0;   /* released when fd closes */
    }
    unsigned int seq;
    int pid;
    unsigned long long start;
    end = 0;
    if (sscanf(name, "sb%u-%d.%llu%n", &seq, &pid, &start, &end) != 3 || name[end] != '\0' ||
        pid <= 0)
        return false;   /* not one of ours */
    unsigned long long now = 0;
    bool alive = (kill(pid, 0) == 0 || errno == EPERM) &&
                 ((now = proc_starttime(pid)) == 0 || now == start);
    return !alive;
}

/* ---- detection ------------------------------------------------------------ */

static void unescape_octal(char *s)
{
    char *w = s;
    for (char *r = s; *r; ) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
            r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 4;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

static bool has_token(const char *list, const char *tok, const char *seps)
{
    size_t tl = strlen(tok);
    for (const char *p = list; *p; ) {
        size_t l = strcspn(p, seps);
        if (l == tl && strncmp(p, tok, tl) == 0)
            return true;
        p += l;
        p += strspn(p, seps);
    }
    return false;
}

/* The k-th (0-based) space-separated field of s into out; false if none. */
static bool field(const char *s, int k, char *out, size_t n)
{
    for (; k > 0 && *s; k--) {
        s += strcspn(s, " \n");
        s += strspn(s, " ");
    }
    size_t l = strcspn(s, " \n");
    if (!*s || !l || l >= n)
        return false;
    memcpy(out, s, l);
    out[l] = '\0';
    return true;
}

/* id parent maj:min root mountpoint opts [optional...] - type source superopts.
 * Only the cgroup lines are taken apart (sscanf on every line of the host's
 * mountinfo cost ~0.1 ms a start). */
void cg_mounts_mountinfo(struct cg_info *info)
{
    _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        char *dash = strstr(line, " - ");
        if (!dash || strncmp(dash + 3, "cgroup", 6) != 0)
            continue;
        char mnt[ISOLAB_PATH_MAX], fstype[64], opts[1024];
        if (!field(line, 4, mnt, sizeof mnt) || !field(dash + 3, 0, fstype, sizeof fstype) ||
            !field(dash + 3, 2, opts, sizeof opts))
            continue;
        unescape_octal(mnt);
        if (strcmp(fstype, "cgroup2") == 0) {
            /* Prefer the canonical place if there are several. */
            if (!info->v2_mount[0] || strcmp(mnt, "/sys/fs/cgroup") == 0)
                snprintf(info->v2_mount, sizeof info->v2_mount, "%s", mnt);
        } else if (strcmp(fstype, "cgroup") == 0) {
            for (int c = 0; c < CG_NCTRL; c++)
                if (!info->v1_mount[c][0] && has_token(opts, cg_ctrl_name[c], ","))
                    snprintf(info->v1_mount[c], sizeof info->v1_mount[c], "%s", mnt);
        }
    }
}


static bool fs_is(const char *path, long magic)
{
    struct statfs sf;
    return statfs(path, &sf) == 0 && (long)sf.f_type == magic;
}

/* A v1 hierarchy's own file at its root, which shows that the mount at
 * /sys/fs/cgroup/<controller> holds that controller (pids has none there). */
static const char *const v1_root_file[CG_NCTRL] = {NULL, "memory.usage_in_bytes", "cpu.shares",
                                                   "devices.list"};

/* The usual layout, without mountinfo (reading it cost ~0.1 ms a start,
 * /proc/self/cgroup ~50 us): cgroup v2 at /sys/fs/cgroup whose root has
 * pids, memory and cpu (a controller is in one hierarchy only, so none is
 * on v1), or each v1 controller at /sys/fs/cgroup/<name> and v2 at
 * /sys/fs/cgroup/unified. A statfs of a controller's own file at its
 * hierarchy's root (pids has none there: its directory) shows both that
 * the file is there and that it is on a v1 cgroupfs. Anything else, and
 * false: then mountinfo decides, as it always did. Written straight into
 * info (a zeroed static): a cg_info is 25 KB. */
bool cg_mounts_usual(struct cg_info *info)
{
    if (fs_is("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC)) {
        char ctrls[512];
        if (cg_read("/sys/fs/cgroup", "cgroup.controllers", ctrls, sizeof ctrls) < 0)
            return false;
        for (int c = 0; c < CG_NCTRL; c++)
            if (c != CG_DEVICES && !has_token(ctrls, cg_ctrl_name[c], " \n"))
                return false;
        snprintf(info->v2_mount, sizeof info->v2_mount, "/sys/fs/cgroup");
        return true;
    }
    for (int c = 0; c < CG_NCTRL; c++) {
        char own[128];
        snprintf(own, sizeof own, "/sys/fs/cgroup/%s/%s", cg_ctrl_name[c],
                 v1_root_file[c] ? v1_root_file[c] : "");
        if (!fs_is(own, CGROUP_SUPER_MAGIC))
            return false;
    }
    if (!fs_is("/sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC))
        return false;   /* legacy, without cgroup2 there: mountinfo says */
    for (int c = 0; c < CG_NCTRL; c++)
        snprintf(info->v1_mount[c], sizeof info->v1_mount[c], "/sys/fs/cgroup/%s", cg_ctrl_name[c]);
    snprintf(info->v2_mount, sizeof info->v2_mount, "/sys/fs/cgroup/unified");
    return true;
}

static bool cg_dir_writable(const char *dir)
{
    char procs[ISOLAB_PATH_MAX + 32];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
    return access(dir, W_OK) == 0 && access(procs, W_OK) == 0;
}

/* The highest directory, going up from our own cgroup, that we may write:
 * the mount root as root, the delegated subtree (user@UID.service or a
 * Delegate=yes scope) otherwise. */
static void find_v2_base(struct cg_info *info)
{
    char buf[8192], own[ISOLAB_PATH_MAX] = "/";
    if (cg_read("/proc/self", "cgroup", buf, sizeof buf) > 0) {
        for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
            if (strncmp(l, "0::", 3) == 0)
                snprintf(own, sizeof own, "%s", l + 3);
    }
    char dir[ISOLAB_PATH_MAX];
    if (strcmp(own, "/") == 0)
        snprintf(dir, sizeof dir, "%s", info->v2_mount);
    else
        snprintf(dir, sizeof dir, "%.2047s%.2047s", info->v2_mount, own);
    size_t mlen = strlen(info->v2_mount);
    for (;;) {
        if (!cg_dir_writable(dir))
            break;
        snprintf(info->v2_base, sizeof info->v2_base, "%s", dir);
        if (strlen(dir) <= mlen)
            break;
        char *slash = strrchr(dir, '/');
        if (!slash || (size_t)(slash - dir) < mlen)
            break;
        *slash = '\0';
        if (strlen(dir) < mlen)
            break;
    }
    if (!info->v2_base[0])
        snprintf(info->unusable, sizeof info->unusable,
                 "cgroup v2 is not delegated to you (your cgroup %.200s is not writable); "
                 "start isolab in a delegated scope: systemd-run --user --scope -p Delegate=yes "
                 "isolab ... (or run it as root)", own);
}

const struct cg_info *cg_detect(void)
{
    static struct cg_info info;
    static bool done;
    if (done)
        return &info;
    done = true;
    if (!cg_mounts_usual(&info))
        cg_mounts_mountinfo(&info);
    bool any_v1 = false;
    for (int c = 0; c < CG_NCTRL; c++)
        any_v1 |= c != CG_DEVICES && info.v1_mount[c][0] != '\0';
    if (any_v1) {
        info.mode = info.v2_mount[0] ? CG_MODE_V1_HYBRID : CG_MODE_V1_LEGACY;
        if (geteuid() != 0) {
            char isolab[ISOLAB_PATH_MAX + 16];
            bool ok = true;
            for (int c = 0; c < CG_NCTRL; c++) {
                if (!info.v1_mount[c][0])
                    continue;
                snprintf(isolab, sizeof isolab, "%s/isolab", info.v1_mount[c]);
                ok &= cg_dir_writable(isolab);
            }
            if (!ok)
                snprintf(info.unusable, sizeof info.unusable,
                         "cgroup v1 (%s) can only be used by root: run isolab as root, or boot "
                         "with cgroup v2 (systemd.unified_cgroup_hierarchy=1) and start isolab "
                         "with systemd-run --user --scope -p Delegate=yes",
                         info.mode == CG_MODE_V1_HYBRID ? "hybrid" : "legacy");
        }
        return &info;
    }
    if (info.v2_mount[0]) {
        info.mode = CG_MODE_V2;
        find_v2_base(&info);
        char ctrls[512] = "";
        if (info.v2_base[0] && cg_read(info.v2_base, "cgroup.controllers", ctrls, sizeof ctrls) >= 0)
            for (int c = 0; c < CG_NCTRL; c++)
                info.v2_ctrl[c] = has_token(ctrls, cg_ctrl_name[c], " \n");
        return &info;
    }
    info.mode = CG_MODE_NONE;
    snprintf(info.unusable, sizeof info.unusable,
             "no cgroup filesystem is mounted (none in /proc/self/mountinfo): "
             "mount -t cgroup2 none /sys/fs/cgroup");
    return &info;
}

const char *cgroup_mode_name(void)
{
    switch (cg_detect()->mode) {
    case CG_MODE_V2: return "v2";
    case CG_MODE_V1_HYBRID: return "v1 hybrid";
    case CG_MODE_V1_LEGACY: return "v1 legacy";
    default: return "none";
    }
}

const struct cg_backend *cg_backend(void)
{
    static const struct cg_backend *backend;
    static bool chosen;
    if (!chosen) {
        enum cg_mode m = cg_detect()->mode;
        backend = m == CG_MODE_V2 ? &cg_v2_backend
                : m == CG_MODE_V1_HYBRID || m == CG_MODE_V1_LEGACY ? &cg_v1_backend : NULL;
        chosen = true;
    }
    return backend;
}

bool cg_limit_wanted(const struct lab_config *cfg, enum cg_ctrl c)
{
    switch (c) {
    case CG_PIDS: return cfg->pids_limit > 0;
    case CG_MEMORY: return cfg->memory_bytes > 0;
    case CG_CPU: return cfg->cpus > 0;
    default: return false;
    }
}

/* ---- killing and removing ------------------------------------------------- */

static void kill_listed(const char *dir)
{
    char buf[16384];
    if (cg_read(dir, "cgroup.procs", buf, sizeof buf) <= 0)
        return;
    for (char *p = buf; *p; ) {
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p)
            break;
        /* Every process in this cgroup is one of the sandbox's. */
        if (pid > 0)
            kill((pid_t)pid, SIGKILL);
        p = end;
        while (*p == '\n')
            p++;
    }
}

static int kill_and_remove_depth(const char *dir, int version, int depth)
{
    const struct timespec pause = {0, 5 * 1000 * 1000};
    for (int i = 0; i < 400; i++) {      /* about two seconds at most */
        if (rmdir(dir) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY && errno != ENOTEMPTY)
            return -1;
        /* Nested cgroups the sandbox made itself go first. */
        _cleanup_closedir_ DIR *d = depth < 8 ? opendir(dir) : NULL;
        for (struct dirent *de; d && (de = readdir(d)); )
            if (de->d_type == DT_DIR && strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                char sub[ISOLAB_PATH_MAX + 256];
                snprintf(sub, sizeof sub, "%.3800s/%.255s", dir, de->d_name);
                kill_and_remove_depth(sub, version, depth + 1);
            }
        if (version != 2 || cg_write(dir, "cgroup.kill", "1", NULL) < 0)
            kill_listed(dir);
        nanosleep(&pause, NULL);
    }
    return -1;
}

int cg_kill_and_remove(const char *dir, int version)
{
    return kill_and_remove_depth(dir, version, 0);
}

void cg_remove_stale(const char *parent, int version, unsigned int shared)
{
    /* A cgroup directory's link count is 2 + its subdirectories (kernfs):
     * a stat, where a readdir is four calls. */
    struct stat st;
    if (stat(parent, &st) < 0 || st.st_nlink <= 2 + shared)
        return;
    _cleanup_closedir_ DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, "sb", 2) != 0 || !owner_gone(de->d_name))
            continue;
        char path[ISOLAB_PATH_MAX + 256];
        snprintf(path, sizeof path, "%.3800s/%.255s", parent, de->d_name);
        if (cg_kill_and_remove(path, version) == 0)
            cg_sandbox_name_release(de->d_name);
    }
}

void cg_cpu_quota(double cpus, long *quota_us, long *period_us)
{
    *period_us = 100000;
    *quota_us = (long)(cpus * 100000.0 + 0.5);
    if (*quota_us < 1000)
        *quota_us = 1000;   /* the kernel's minimum */
}

/* ---- the vtable ----------------------------------------------------------- */

static bool cg_available(char *why, size_t n)
{
    const struct cg_info *info = cg_detect();
    const struct cg_backend *be = cg_backend();
    if (info->unusable[0] || !be) {
        snprintf(why, n, "%s", info->unusable);
        return false;
    }
    char list[64] = "";
    for (int c = 0; c < CG_NCTRL; c++)
        if (be->has_ctrl(info, c))
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                     list[0] ? ", " : "", cg_ctrl_name[c]);
    be->describe(info, list, why, n);
    return true;
}

static int cg_validate(const struct lab_config *cfg, struct isolab_err *err)
{
    if (cfg->memory_bytes > 0 && cfg->memory_bytes < 6LL * 1024 * 1024) {
        isolab_err_set(err, EINVAL, "cgroups: --memory %lld bytes is below the minimum of 6m",
                       cfg->memory_bytes);
        isolab_err_hint(err, "give at least --memory 6m (Docker's minimum), e.g. --memory 64m");
        return -1;
    }
    /* sysconf reads /sys/devices/system/cpu/online: only for --cpus */
    long ncpu = cfg->cpus > 0 || isnan(cfg->cpus) ? sysconf(_SC_NPROCESSORS_ONLN) : 0;
    if (isnan(cfg->cpus) || (cfg->cpus > 0 && (cfg->cpus < 0.01 || cfg->cpus > (double)ncpu))) {
        isolab_err_set(err, EINVAL, "cgroups: --cpus %g is out of range", cfg->cpus);
        isolab_err_hint(err, "give a fraction of the CPUs from 0.01 to %ld, e.g. --cpus 0.5", ncpu);
        return -1;
    }
    const struct cg_info *info = cg_detect();
    const struct cg_backend *be = cg_backend();
    for (int c = 0; c < CG_NCTRL; c++) {
        if (!cg_limit_wanted(cfg, c))
            continue;
        if (info->unusable[0] || !be) {
            isolab_err_set(err, ENOTSUP, "cgroups: %s needs a cgroup, but %s", cg_flag_name[c],
                           info->unusable);
            return -1;
        }
        if (!be->has_ctrl(info, c)) {
            be->ctrl_missing(info, c, cg_flag_name[c], err);
            return -1;
        }
    }
    return 0;
}

static void cg_cleanup(const struct lab_config *cfg, struct sandbox_ctx *ctx)
{
    struct cg_priv *priv = ctx->priv[LAYER_CGROUP];
    cleanup_closep(&ctx->clone_cgroup_fd);
    ctx->clone_cgroup_fd = -1;
    for (int c = 0; priv && priv->self_join && c < CG_NCTRL; c++)
        if (priv->join_fd[c] >= 0) {    /* never cloned: the parent still has them */
            close(priv->join_fd[c]);
            priv->join_fd[c] = -1;
        }
    bool removed = true;
    if (priv && priv->backend)
        for (int c = 0; c < CG_NCTRL; c++)
            if (priv->created[c] && cg_kill_and_remove(priv->dir[c], priv->backend->version) < 0)
                removed = false;
    /* The lock goes with the cgroup: one left behind stays owned until this
     * process ends, then the next isolab removes it. */
    if (priv && priv->name[0] && removed)
        cg_sandbox_name_release(priv->name);
    cleanup_closep(&ctx->cgroup_lock_fd);
    ctx->cgroup_lock_fd = -1;
}

long cgroup_oom_kills(const struct sandbox_ctx *ctx)
{
    const struct cg_priv *priv = ctx->priv[LAYER_CGROUP];
    if (!priv || !priv->backend)
        return -1;
    bool v2 = priv->backend->version == 2;
    const char *dir = priv->dir[v2 ? CG_PIDS : CG_MEMORY];
    char buf[1024];
    if (!priv->created[v2 ? CG_PIDS : CG_MEMORY] ||
        cg_read(dir, v2 ? "memory.events" : "memory.oom_control", buf, sizeof buf) <= 0)
        return -1;
    const char *k = strstr(buf, "oom_kill ");
    return k ? strtol(k + 9, NULL, 10) : -1;
}

/* The cgroup layer off and no pid namespace: nothing else would find the
 * daemons a sandbox leaves (`setsid sleep &`), so the sandbox still gets a
 * cgroup, with no limits and no device rules, that cleanup() empties. */
bool cgroup_accounting_wanted(const struct lab_config *cfg)
{
    if (layer_in_force(cfg, LAYER_CGROUP))
        return false;
    if (layer_in_force(cfg, LAYER_NS) && cfg->ns[NS_PID])
        return false;   /* the init's death ends every process in the namespace */
    return !cg_detect()->unusable[0] && cg_backend() != NULL;
}

static int cg_prepare(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                      struct isolab_err *err)
{
    static bool stale_removed;
    struct cg_priv *priv = ctx->priv[LAYER_CGROUP];
    const struct cg_info *info = cg_detect();
    if (info->unusable[0] || !cg_backend()) {
        isolab_err_set(err, ENOTSUP, "cgroups: %s", info->unusable);
        return -1;
    }
    priv->backend = cg_backend();
    priv->accounting = !layer_in_force(cfg, LAYER_CGROUP);
    /* Docker applies its device rules whatever the limits; --privileged
     * allows every device, and --no-cgroups has none (describe says so). */
    /* (An ordinary user's sandbox is in a user namespace, where the kernel
     * refuses mknod of a device anyway, and may not load BPF.) */
    priv->device_rules = !priv->accounting && !cfg->privileged && geteuid() == 0;
    /* Once a process: the cgroups of an isolab that was killed. */
    if (!stale_removed) {
        stale_removed = true;
        priv->backend->remove_stale(info);
    }
    if (cg_sandbox_name(priv->name, sizeof priv->name, &ctx->cgroup_lock_fd, err) < 0) {
        priv->name[0] = '\0';
        return -1;
    }
    return priv->backend->prepare(cfg, info, priv, priv->name, &ctx->clone_cgroup_fd, err);
}

int cgroup_child_join(struct sandbox_ctx *ctx, struct isolab_err *err)
{
    struct cg_priv *priv = ctx->priv[LAYER_CGROUP];
    if (!priv || !priv->backend || priv->backend->version != 1)
        return 0;   /* v2: cloned straight into it; no cgroup: nothing */
    return v1_child_join(priv, err);
}

static int cg_attach(const struct lab_config *cfg, struct sandbox_ctx *ctx, pid_t child,
                     struct isolab_err *err)
{
    struct cg_priv *priv = ctx->priv[LAYER_CGROUP];
    if (!priv || !priv->backend || !priv->backend->attach)
        return 0;   /* v2: cloned straight into it (CLONE_INTO_CGROUP) */
    return priv->backend->attach(priv, child, err);
}

bool cgroup_moves_child(const struct sandbox_ctx *ctx)
{
    const struct cg_priv *priv = ctx->priv[LAYER_CGROUP];
    return priv && priv->backend && priv->backend->attach && !priv->self_join;
}

static void format_bytes(long long b, char *out, size_t n)
{
    const long long G = 1LL << 30, M = 1LL << 20, K = 1LL << 10;
    if (b % G == 0)
        snprintf(out, n, "%lldG", b / G);
    else if (b % M == 0)
        snprintf(out, n, "%lldM", b / M);
    else if (b % K == 0)
        snprintf(out, n, "%lldK", b / K);
    else
        snprintf(out, n, "%lld", b);
}

static void cg_describe(const struct lab_config *cfg, char *buf, size_t n)
{
    char pids[32] = "max", mem[32] = "max", cpus[32] = "max";
    if (cfg->pids_limit > 0)
        snprintf(pids, sizeof pids, "%ld", cfg->pids_limit);
    if (cfg->memory_bytes > 0)
        format_bytes(cfg->memory_bytes, mem, sizeof mem);
    if (cfg->cpus > 0)
        snprintf(cpus, sizeof cpus, "%g", cfg->cpus);
    const struct cg_info *info = cg_detect();
    if (info->unusable[0])
        snprintf(buf, n, "cgroups unavailable (%s)", cgroup_mode_name());
    else
        snprintf(buf, n, "cgroups pids=%s mem=%s cpus=%s, devices %s (%s)", pids, mem, cpus,
                 cfg->privileged ? "all (--privileged)" : "docker's rules", cgroup_mode_name());
}

const struct layer_ops cgroup_layer = {
    .name = "cgroups",
    .id = LAYER_CGROUP,
    .priv_size = sizeof(struct cg_priv),
    .available = cg_available,
    .validate = cg_validate,
    .prepare = cg_prepare,
    .attach = cg_attach,
    .describe = cg_describe,
    .cleanup = cg_cleanup,
};
