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
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup_int.h"

const char *const cg_ctrl_name[CG_NCTRL] = {"pids", "memory", "cpu"};
static const char *const cg_flag_name[CG_NCTRL] = {"--pids-limit", "--memory", "--cpus"};

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

void cg_sandbox_name(char *out, size_t n)
{
    static unsigned int seq;
    unsigned int s = __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);
    snprintf(out, n, "sb%u-%d.%llu", s, (int)getpid(), proc_starttime(getpid()));
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

static void parse_mountinfo(struct cg_info *info)
{
    _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        char mnt[ISOLAB_PATH_MAX], fstype[64], opts[1024];
        /* id parent maj:min root mountpoint opts [optional...] - type source superopts */
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
            continue;
        char *dash = strstr(line, " - ");
        if (!dash || sscanf(dash + 3, "%63s %*s %1023s", fstype, opts) != 2)
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
    parse_mountinfo(&info);
    bool any_v1 = false;
    for (int c = 0; c < CG_NCTRL; c++)
        any_v1 |= info.v1_mount[c][0] != '\0';
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

void cg_remove_stale(const char *parent, int version)
{
    _cleanup_closedir_ DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        unsigned int seq;
        int pid, end = 0;
        unsigned long long start;
        if (sscanf(de->d_name, "sb%u-%d.%llu%n", &seq, &pid, &start, &end) != 3 ||
            de->d_name[end] != '\0' || pid <= 0)
            continue;   /* not one of ours */
        /* Alive only if that pid still runs and is the same process (pid
         * reuse); a start time we cannot read counts as the same. */
        unsigned long long now = 0;
        bool alive = (kill(pid, 0) == 0 || errno == EPERM) &&
                     ((now = proc_starttime(pid)) == 0 || now == start);
        if (alive)
            continue;
        char path[ISOLAB_PATH_MAX + 256];
        snprintf(path, sizeof path, "%.3800s/%.255s", parent, de->d_name);
        cg_kill_and_remove(path, version);
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
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
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
    if (!priv || !priv->backend)
        return;
    for (int c = 0; c < CG_NCTRL; c++)
        if (priv->created[c])
            cg_kill_and_remove(priv->dir[c], priv->backend->version);
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
    /* Once a process: the cgroups of an isolab that was killed. */
    if (!stale_removed) {
        stale_removed = true;
        priv->backend->remove_stale(info);
    }
    return priv->backend->prepare(cfg, info, priv, &ctx->clone_cgroup_fd, err);
}

static int cg_attach(const struct lab_config *cfg, struct sandbox_ctx *ctx, pid_t child,
                     struct isolab_err *err)
{
    const struct cg_priv *priv = ctx->priv[LAYER_CGROUP];
    if (!priv || !priv->backend || !priv->backend->attach)
        return 0;   /* v2: cloned straight into it (CLONE_INTO_CGROUP) */
    return priv->backend->attach(priv, child, err);
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
        snprintf(buf, n, "cgroups pids=%s mem=%s cpus=%s (%s)", pids, mem, cpus,
                 cgroup_mode_name());
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
