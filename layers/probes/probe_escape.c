/* The "escapes" family: real container escapes, tried in harmless form.
 * Each probe stops at the point where the escape would act: a terminal
 * ioctl is given a pointer the kernel cannot read, a file is opened for
 * writing and closed unwritten (never O_TRUNC), a device node is opened and
 * closed, a cgroup hierarchy is mounted on a fresh directory and unmounted.
 * The catalogue rows of the family have ids "escape-..."; two of them reuse
 * probe_open_by_handle (Shocker) and probe_unshare_user (CVE-2022-0185).
 *
 * The probe runner is a fork of isolab, not an exec: its own descriptors
 * above 2 are pipes (the runner's record pipe to isolab, its result pipe,
 * the launcher's pipes), so the fd-leak probe looks only at directories and
 * regular files. It never gets a pty of its own either (probes.c runs it
 * with tty off), so any terminal it holds is someone else's. */
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "layer.h"
#include "probe_int.h"

#ifndef F_GET_SEALS
#define F_GET_SEALS 1034
#define F_SEAL_WRITE 0x0008
#endif

#define MAX_FD 1024
#define PROC_USER_INIT_INO 0xEFFFFFFDU   /* the initial user namespace */

static const char *ename(int e)
{
    const char *n = e ? strerrorname_np(e) : NULL;
    return n ? n : "?";
}

/* ---- TIOCSTI (CVE-2017-5226) ---- */

static void legacy_tiocsti(char *buf, size_t n)
{
    char v[8] = "";
    int fd = open("/proc/sys/dev/tty/legacy_tiocsti", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, v, sizeof v - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (got > 0) {
        v[got] = '\0';
        v[strcspn(v, "\n")] = '\0';
        snprintf(buf, n, "dev.tty.legacy_tiocsti=%s", v);
    } else {
        snprintf(buf, n, "no dev.tty.legacy_tiocsti here (Linux < 6.2, or /proc masked)");
    }
}

/* The kernel checks legacy_tiocsti (EIO), then "is this my controlling
 * terminal, or do I have CAP_SYS_ADMIN" (EPERM), and only then reads the
 * byte to push: from a PROT_NONE page, so EFAULT, and nothing is pushed. */
static int try_tiocsti(int fd, const char *bad)
{
    if (ioctl(fd, TIOCSTI, bad) == 0)
        return 0;       /* cannot happen with an unreadable byte */
    return errno;
}

PROBE_FN(probe_escape_tiocsti)
{
    (void)env;
    char *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (bad == MAP_FAILED) {
        probe_fail(r, errno, "mmap of an unreadable page: %s", strerror(errno));
        return;
    }
    char sys[96];
    legacy_tiocsti(sys, sizeof sys);
    int ttys = 0, best = ENOTTY, best_fd = -1;
    int devtty = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
    int devtty_err = devtty < 0 ? errno : 0;
    for (int fd = 0; fd < MAX_FD; fd++) {
        if (fcntl(fd, F_GETFD) < 0 || !isatty(fd))
            continue;
        ttys++;
        int e = try_tiocsti(fd, bad);
        /* the first answer, unless a later one is EFAULT: the way in is open */
        bool open_now = e == EFAULT || e == 0, open_before = best == EFAULT || best == 0;
        if (best_fd < 0 || (open_now && !open_before)) {
            best = e;
            best_fd = fd;
        }
    }
    if (devtty >= 0)
        close(devtty);
    munmap(bad, 4096);
    const char *via = best_fd == devtty && devtty >= 0 ? " (/dev/tty)" : "";
    if (ttys == 0)
        probe_block(r, ENOTTY, "no terminal reachable (no fd is a tty, /dev/tty: %s); %s",
                    ename(devtty_err), sys);
    else if (best == EFAULT || best == 0)
        probe_allow(r, "TIOCSTI on fd %d%s passed the checks (EFAULT at the byte): input "
                    "could be pushed into a terminal outside; %s", best_fd, via, sys);
    else
        probe_block(r, best, "TIOCSTI on fd %d%s: %s (%d terminal fds); %s", best_fd, via,
                    ename(best), ttys, sys);
}

/* ---- a leaked descriptor (CVE-2024-21626) ---- */

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Climb '..' from a directory: the kernel stops at our root for a directory
 * inside it, and at the top of some other tree for one outside. */
static int climb(int fd, struct stat *top)
{
    int cur = dup(fd);
    if (cur < 0 || fstat(cur, top) < 0) {
        if (cur >= 0)
            close(cur);
        return -1;
    }
    for (int i = 0; i < 4096; i++) {
        int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        if (up < 0 || fstat(up, &st) < 0) {
            if (up >= 0)
                close(up);
            break;
        }
        close(cur);
        cur = up;
        if (same_file(&st, top))
            break;
        *top = st;
    }
    close(cur);
    return 0;
}

/* Does fd reach a file or directory of the host that the sandbox's own root
 * does not show? (The sandbox's root is the host's own = yes.) */
static bool fd_reaches_host(int fd, const struct stat *st, const struct stat *root,
                            bool root_is_host, char *what, size_t n)
{
    char link[64], path[256] = "?";
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t l = readlink(link, path, sizeof path - 1);
    path[l > 0 ? l : 1] = '\0';
    if (root_is_host) {
        snprintf(what, n, "fd %d (%.100s) is the host's own: the sandbox has the host's root", fd,
                 path);
        return true;
    }
    if (S_ISDIR(st->st_mode)) {
        struct stat top;
        if (climb(fd, &top) == 0 && !same_file(&top, root)) {
            snprintf(what, n, "fd %d is a directory outside the sandbox's root: its '..' "
                     "chain ends at another root (dev %u:%u)", fd, major(top.st_dev),
                     minor(top.st_dev));
            return true;
        }
        return false;
    }
    struct stat seen;
    if (path[0] != '/' || stat(path, &seen) < 0 || !same_file(&seen, st)) {
        snprintf(what, n, "fd %d is a file the sandbox's root does not show at %.100s", fd, path);
        return true;
    }
    return false;
}

PROBE_FN(probe_escape_fd_leak)
{
    struct stat root;
    if (stat("/", &root) < 0) {
        probe_fail(r, errno, "stat /: %s", strerror(errno));
        return;
    }
    bool root_is_host = env->host_root_ino && root.st_dev == env->host_root_dev &&
                        root.st_ino == env->host_root_ino;
    int pipes = 0, files = 0;
    char what[200] = "";
    /* the working directory first: runc's CVE-2024-21626 left it outside */
    int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct stat top;
    if (cwd >= 0 && !root_is_host && climb(cwd, &top) == 0 && !same_file(&top, &root)) {
        close(cwd);
        probe_allow(r, "the working directory is outside the sandbox's root");
        return;
    }
    if (cwd >= 0)
        close(cwd);
    for (int fd = 3; fd < MAX_FD; fd++) {
        struct stat st;
        if (fstat(fd, &st) < 0)
            continue;
        if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
            pipes++;    /* pipes, sockets, anonymous inodes: no path to climb */
            continue;
        }
        files++;
        if (fd_reaches_host(fd, &st, &root, root_is_host, what, sizeof what)) {
            probe_allow(r, "%s", what);
            return;
        }
    }
    probe_block(r, 0, "no inherited fd reaches the host: %d files or directories above fd 2, "
                "all inside the root; %d pipes/sockets", files, pipes);
}

/* ---- the /proc/PID/exe overwrite (CVE-2019-5736) ---- */

/* O_WRONLY without O_TRUNC on a running binary: the kernel checks the
 * permission bits and a read-only superblock, then refuses with ETXTBSY
 * (nothing opened, nothing changed). ETXTBSY therefore means the file would
 * open for writing once isolab no longer runs it. */
static int exe_open_verdict(const char *path, char *why, size_t n)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    int e = errno;
    if (fd >= 0) {
        close(fd);
        snprintf(why, n, "opened %s for writing (closed unwritten)", path);
        return 0;
    }
    if (e != ETXTBSY) {
        snprintf(why, n, "open %s O_WRONLY: %s", path, ename(e));
        return e;
    }
    int ro = open(path, O_RDONLY | O_CLOEXEC);
    if (ro >= 0) {
        struct statvfs vfs;
        int seals = fcntl(ro, F_GET_SEALS);
        bool rdonly = fstatvfs(ro, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
        close(ro);
        if (seals >= 0 && (seals & F_SEAL_WRITE)) {
            snprintf(why, n, "%s is a sealed memfd copy (F_SEAL_WRITE)", path);
            return EPERM;
        }
        if (rdonly) {
            snprintf(why, n, "%s: ETXTBSY, on a read-only mount", path);
            return EROFS;
        }
    }
    snprintf(why, n, "%s: ETXTBSY, so it is writable once isolab exits (an LSM may still "
             "refuse that open)", path);
    return 0;
}

PROBE_FN(probe_escape_proc_exe)
{
    char why[160], why2[160] = "";
    int e = exe_open_verdict("/proc/self/exe", why, sizeof why);
    int e2 = -1;
    /* without a pid namespace isolab itself is visible: its exe too */
    if (env->host_pid > 0 && env->host_pid != getpid() &&
        probe_proc_starttime(env->host_pid) == env->host_starttime && env->host_starttime) {
        char p[64];
        snprintf(p, sizeof p, "/proc/%d/exe", (int)env->host_pid);
        e2 = exe_open_verdict(p, why2, sizeof why2);
    }
    if (e == 0)
        probe_allow(r, "%s", why);
    else if (e2 == 0)
        probe_allow(r, "%s", why2);
    else if (e2 > 0)
        probe_block(r, e, "%s; %s", why, why2);
    else
        probe_block(r, e, "%s; isolab's own pid is not visible", why);
}

/* ---- the cgroup v1 release_agent (CVE-2022-0492) ---- */

/* Opened for writing, closed unwritten. The kernel checks the opener's
 * CAP_SYS_ADMIN in the initial user namespace at the write (since the CVE's
 * fix, Linux 5.17), so an open without it is still blocked. */
static int open_release_agent(const char *dir, char *why, size_t n)
{
    char p[320];
    snprintf(p, sizeof p, "%s/release_agent", dir);
    int fd = open(p, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        snprintf(why, n, "open %.100s: %s", p, ename(e));
        return e;
    }
    close(fd);
    struct stat st;
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) == 0 && !(d[0].effective & (1u << CAP_SYS_ADMIN))) {
        snprintf(why, n, "opened %.80s, but without CAP_SYS_ADMIN the kernel refuses the write", p);
        return EPERM;
    }
    if (stat("/proc/self/ns/user", &st) == 0 && st.st_ino != PROC_USER_INIT_INO) {
        snprintf(why, n, "opened %.80s, but in a user namespace the kernel refuses the write", p);
        return EPERM;
    }
    snprintf(why, n, "opened %.100s for writing (closed unwritten)", p);
    return 0;
}

/* A v1 hierarchy mounted here already: 0 opened, errno, or -1 none found. */
static int mounted_release_agent(char *why, size_t n)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return -1;
    char line[1024];
    int best = -1;
    while (fgets(line, sizeof line, f)) {
        char mnt[512], type[64];
        const char *sep = strstr(line, " - ");
        if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
            sscanf(sep + 3, "%63s", type) != 1 || strcmp(type, "cgroup") != 0)
            continue;
        int e = open_release_agent(mnt, why, n);
        if (e == 0) {
            best = 0;
            break;
        }
        best = e;
    }
    fclose(f);
    return best;
}

/* Mount options for a v1 hierarchy: an existing one (from /proc/self/cgroup,
 * mounted again: no new kernel object), else a new named one. */
static void v1_options(char *opt, size_t n)
{
    snprintf(opt, n, "none,name=isolab-probe");
    FILE *f = fopen("/proc/self/cgroup", "re");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        char ctl[256];
        if (line[0] == '0' || sscanf(line, "%*[0-9]:%255[^:]:", ctl) != 1 || !ctl[0])
            continue;
        snprintf(opt, n, "%s", ctl);
        break;
    }
    if (f)
        fclose(f);
}

PROBE_FN(probe_escape_release_agent)
{
    (void)env;
    char why[200];
    int e = mounted_release_agent(why, sizeof why);
    if (e == 0) {
        probe_allow(r, "%s", why);
        return;
    }
    char dir[128], opt[256];
    if (probe_tmpdir(r, dir, sizeof dir) < 0)
        return;
    v1_options(opt, sizeof opt);
    bool pure_v2 = strcmp(opt, "none,name=isolab-probe") == 0;
    if (mount("isolab-probe", dir, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, opt) < 0) {
        int me = errno;
        rmdir(dir);
        probe_block(r, me, "%s; mount cgroup v1 (%s): %s%s", e > 0 ? why : "no v1 hierarchy "
                    "mounted here", opt, ename(me), pure_v2 ? " (a pure cgroup v2 host)" : "");
        return;
    }
    e = open_release_agent(dir, why, sizeof why);
    if (umount2(dir, 0) < 0 && umount2(dir, MNT_DETACH) < 0) {
        probe_fail(r, errno, "mounted cgroup v1 on %s, but umount failed: %s", dir,
                   strerror(errno));
        return;     /* leave the directory: still a mount point */
    }
    rmdir(dir);
    if (e == 0)
        probe_allow(r, "mounted cgroup v1 (%s), %s", opt, why);
    else
        probe_block(r, e, "mounted cgroup v1 (%s), %s", opt, why);
}

/* ---- core_pattern ---- */

PROBE_FN(probe_escape_core_pattern)
{
    (void)env;
    const char *path = "/proc/sys/kernel/core_pattern";
    if (probe_open_unmasked(r, path, O_WRONLY, " for writing"))
        probe_allow(r, "opened %s for writing (closed unwritten): a crash would run any "
                    "program as root on the host", path);
}

/* ---- device nodes ---- */

/* Make a device node where devices work (not on a nodev mount), open it,
 * close it unused, remove it. The names are those the runner removes after
 * a killed probe: <probe tmpdir>/file, or /etc/.isolab-probe-PID. */
static void try_device(struct probe_result *r, mode_t type, dev_t dev, int flags,
                       const char *what)
{
    char dir[128], node[192];
    if (probe_tmpdir(r, dir, sizeof dir) < 0)
        return;
    struct statvfs vfs;
    bool nodev = statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_NODEV);
    if (nodev) {
        rmdir(dir);
        dir[0] = '\0';
        snprintf(node, sizeof node, "/etc/.isolab-probe-%d", (int)getpid());
    } else {
        snprintf(node, sizeof node, "%s/file", dir);
    }
    unsigned int ma = major(dev), mi = minor(dev);
    if (mknod(node, type | 0600, dev) < 0) {
        int e = errno;
        if (dir[0])
            rmdir(dir);
        probe_block(r, e, "mknod %s %u:%u at %s: %s (CAP_MKNOD, or the LSM)", what, ma, mi,
                    node, ename(e));
        return;
    }
    int fd = open(node, flags | O_CLOEXEC | O_NOCTTY);
    int e = errno;
    if (fd >= 0)
        close(fd);
    unlink(node);
    if (dir[0])
        rmdir(dir);
    if (fd >= 0)
        probe_allow(r, "made %s %u:%u at %s and opened it (closed unused)", what, ma, mi, node);
    else
        probe_block(r, e, "made %s %u:%u, but open: %s%s", what, ma, mi, ename(e),
                    e == EPERM ? " (a device cgroup, or the host itself)" : "");
}

PROBE_FN(probe_escape_device)
{
    (void)env;
    try_device(r, S_IFCHR, makedev(1, 11), O_WRONLY, "char device (/dev/kmsg)");
}

PROBE_FN(probe_escape_host_disk)
{
    if (!env->host_disk) {
        probe_skip(r, "the host's root is not on a block device");
        return;
    }
    try_device(r, S_IFBLK, (dev_t)env->host_disk, O_RDONLY, "the host's disk");
}

/* ---- the host, seen from the parent ---- */

/* The block device under the host's "/": st_dev, or (btrfs, overlay: an
 * anonymous device) the source of the mount on "/". */
static unsigned long long host_disk(const struct stat *root)
{
    char sys[64];
    snprintf(sys, sizeof sys, "/sys/dev/block/%u:%u", major(root->st_dev), minor(root->st_dev));
    if (major(root->st_dev) != 0 && access(sys, F_OK) == 0)
        return root->st_dev;
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[1024], src[512] = "";
    while (f && fgets(line, sizeof line, f)) {
        char mnt[512];
        const char *sep = strstr(line, " - ");
        if (sep && sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1 && !strcmp(mnt, "/"))
            sscanf(sep + 3, "%*s %511s", src);     /* the last mount on / wins */
    }
    if (f)
        fclose(f);
    struct stat st;
    if (strncmp(src, "/dev/", 5) == 0 && stat(src, &st) == 0 && S_ISBLK(st.st_mode))
        return st.st_rdev;
    return 0;
}

void probe_escape_env_init(struct probe_env *env)
{
    struct stat root;
    if (stat("/", &root) < 0)
        return;
    env->host_root_dev = root.st_dev;
    env->host_root_ino = root.st_ino;
    env->host_disk = host_disk(&root);
}
