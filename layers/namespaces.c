/* The namespaces layer: which CLONE_NEW* flags the sandbox gets, and, with a
 * mount namespace, the root filesystem it sees (DESIGN.md, "Root
 * filesystem"): the host's programs read-only under a throwaway tmpfs
 * overlay, a private /tmp, its own /proc and a minimal /dev, Docker's masked
 * and read-only paths, then pivot_root. Steps 1 and 2 of the child. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "export.h"
#include "layer.h"
#include "sendfd.h"

/* Where the new root is assembled inside the child's private mount ns. The
 * tmpfs mounted here is visible only in that namespace. */
#define STAGE "/tmp"
#define NEWROOT STAGE "/isolab-root"

/* Docker's masked paths (moby oci/defaults.go) and read-only paths. */
static const char *const masked_paths[] = {
    "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
    "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
};
static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};
const char *const *ns_docker_masked_paths(size_t *n)
{
    *n = sizeof masked_paths / sizeof masked_paths[0];
    return masked_paths;
}

const char *const *ns_docker_readonly_paths(size_t *n)
{
    *n = sizeof readonly_paths / sizeof readonly_paths[0];
    return readonly_paths;
}

/* The host's secrets and personal data, masked in the default root (an
 * overlay of the host's /): a container sees an image, not these. Dirs get
 * an empty directory (writable for the homes, so a shell's history works),
 * files a /dev/null. --host-secrets shows them. Package state (/var/lib/apt, dpkg)
 * stays: the host's tools need it and it holds nothing private. */
static const char *const secret_state_dirs[] = {
    "/var/lib/docker", "/var/lib/containerd", "/var/lib/containers", "/var/lib/kubelet",
    "/var/lib/postgresql", "/var/lib/mysql", "/var/lib/libvirt", "/var/lib/sss",
    "/var/lib/private", "/var/lib/polkit-1", "/var/lib/systemd/credential", "/var/lib/isolab",
    "/etc/ssl/private",
};
static const char *const secret_files[] = {
    "/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/security/opasswd",
};
/* Docker's /dev nodes (runc's defaults), made with mknod under umask 0 (no
 * chmod). The set-up's calls come before the probe runner's filter, so
 * they are not among those every probe run makes (probe_common_syscalls):
 * an edit of mknodat re-runs no probe. */
static const struct {
    const char *name;
    unsigned int major, minor;
} dev_nodes[] = {
    {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

static int fail(struct isolab_err *err, const char *what, const char *path)
{
    int e = errno;
    isolab_err_set(err, e, "namespaces: %s %s: %s", what, path, strerror(e));
    if (e == EPERM || e == EACCES)
        isolab_err_hint(err, "run as root, or let isolab create a user namespace (--ns user)");
    return -1;
}

static bool ns_available(char *why, size_t n)
{
    if (access("/proc/self/ns", F_OK) < 0) {
        snprintf(why, n, "this kernel has no namespaces support (/proc/self/ns is missing)");
        return false;
    }
    if (geteuid() != 0) {
        _cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/unprivileged_userns_clone", "re");
        int v = 1;
        if (f && fscanf(f, "%d", &v) != 1)
            v = 1;
        if (!v) {
            snprintf(why, n, "unprivileged user namespaces are disabled "
                     "(sysctl kernel.unprivileged_userns_clone=1, or run as root)");
            return false;
        }
        snprintf(why, n, "rootless: a user namespace is forced on so the other namespaces can be created");
        return true;
    }
    if (why && n)
        why[0] = '\0';
    return true;
}

/* A namespace this kernel lacks, among those cfg asks for: the error.
 * only_optional: the kinds a kernel of today may well lack (time before
 * 5.6, user and cgroup built out); the others fail the clone, whose EINVAL
 * then asks this again for all (ns_explain_clone). */
static int ns_missing(const struct lab_config *cfg, bool only_optional, struct isolab_err *err)
{
    for (int k = 0; k < NS_COUNT; k++) {
        bool optional = k == NS_TIME || k == NS_USER || k == NS_CGROUP;
        if (cfg->ns[k] && (optional || !only_optional) && !ns_kernel_has(k)) {
            isolab_err_set(err, ENOSYS, "namespaces: this kernel has no %s namespace "
                           "(/proc/self/ns/%s is missing)", ns_name(k), ns_name(k));
            isolab_err_hint(err, "switch it off with --no-ns %s", ns_name(k));
            return -1;
        }
    }
    return 0;
}

int ns_explain_clone(const struct lab_config *cfg, struct isolab_err *err)
{
    return ns_missing(cfg, false, err);
}

static int ns_validate(const struct lab_config *cfg, struct isolab_err *err)
{
    if (ns_missing(cfg, true, err) < 0)
        return -1;
    if (cfg->rootfs[0]) {
        struct stat st;
        if (!cfg->ns[NS_MNT]) {
            isolab_err_set(err, EINVAL, "namespaces: --rootfs %s needs the mount namespace", cfg->rootfs);
            isolab_err_hint(err, "add --ns mnt, or drop --rootfs");
            return -1;
        }
        if (stat(cfg->rootfs, &st) != 0 || !S_ISDIR(st.st_mode)) {
            isolab_err_set(err, errno ? errno : ENOTDIR, "namespaces: --rootfs %s: not a directory",
                           cfg->rootfs);
            isolab_err_hint(err, "give a directory that holds a root filesystem (bin/, lib/, etc/)");
            return -1;
        }
    }
    return 0;
}

static int mkdirs(const char *path, mode_t mode)
{
    char buf[ISOLAB_PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, mode) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

static int bind_ro(const char *src, const char *dst, struct isolab_err *err)
{
    if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
        return fail(err, "bind", dst);
    if (mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
        return fail(err, "remount read-only", dst);
    return 0;
}

/* One of Docker's device nodes in the sandbox's /dev. As real root, made
 * with mknod, as runc does: no mount to make at the start and to tear down
 * at the end, and the sandbox's mountinfo shows none, as a container's
 * does not. In a user namespace (or where mknod is refused, isolab itself
 * in a container), a bind of the host's node onto an empty file. */
static int make_dev_node(const char *root, size_t i, bool userns, struct isolab_err *err)
{
    char p[ISOLAB_PATH_MAX], src[64];
    snprintf(p, sizeof p, "%s/dev/%s", root, dev_nodes[i].name);
    if (!userns &&
        mknod(p, S_IFCHR | 0666, makedev(dev_nodes[i].major, dev_nodes[i].minor)) == 0)
        return 0;
    if (errno != EPERM && errno != EACCES && !userns)
        return fail(err, "mknod", p);
    snprintf(src, sizeof src, "/dev/%s", dev_nodes[i].name);
    int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0)
        return fail(err, "create", p);
    close(fd);
    if (mount(src, p, NULL, MS_BIND, NULL) < 0 && errno != ENOENT && errno != ENXIO)
        return fail(err, "bind", p);
    return 0;
}

static int build_dev(const char *root, bool userns, struct isolab_err *err)
{
    char p[ISOLAB_PATH_MAX];
    snprintf(p, sizeof p, "%s/dev", root);
    if (mkdirs(p, 0755) < 0 && errno != EEXIST)
        return fail(err, "mkdir", p);
    if (mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=65536k") < 0)
        return fail(err, "mount tmpfs on", p);
    for (size_t i = 0; i < sizeof dev_nodes / sizeof dev_nodes[0]; i++)
        if (make_dev_node(root, i, userns, err) < 0)
            return -1;
    /* No /dev/console of the learner's terminal: with a pty, live/pty.c
     * binds the sandbox's own there (as runc does). */
    snprintf(p, sizeof p, "%s/dev/pts", root);
    mkdir(p, 0755);
    if (mount("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=0620") == 0) {
        snprintf(p, sizeof p, "%s/dev/ptmx", root);
        if (symlink("pts/ptmx", p) < 0 && errno != EEXIST)
            return fail(err, "symlink", p);
    }
    snprintf(p, sizeof p, "%s/dev/shm", root);
    mkdir(p, 01777);
    if (mount("shm", p, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k") < 0)
        return fail(err, "mount tmpfs on", p);
    static const char *const links[][2] = {
        {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        snprintf(p, sizeof p, "%s/dev/%s", root, links[i][1]);
        if (symlink(links[i][0], p) < 0 && errno != EEXIST)
            return fail(err, "symlink", p);
    }
    return 0;
}

/* Directories of the staging tmpfs, bound into the new root: one tmpfs
 * instead of one each (a tmpfs costs about three binds to make and to tear
 * down, bench/run.sh), and a bind outlives the staging mounts, which leave
 * with the old root. Their modes are exact: setup_root runs with umask 0.
 *  - empty read-only directories to mask with, bound onto themselves and
 *    made read-only, nosuid, nodev, noexec (a bind takes its source's mount
 *    flags): EMPTY_1777 for Docker's masked directories (as runc's "tmpfs
 *    -o ro"), EMPTY_0755 for the host's secret state (made only then);
 *  - the writable /tmp, /root and /home (STAGE's nosuid, nodev), where the
 *    overlay's upper layer cannot hide the host's (below: in the default
 *    root as real root, these are opaque directories of the overlay, as a
 *    container's /tmp is its image's). */
#define EMPTY_1777 STAGE "/empty-1777"
#define EMPTY_0755 STAGE "/empty-0755"
#define STAGE_TMP STAGE "/tmp"
#define STAGE_ROOT STAGE "/root"
#define STAGE_HOME STAGE "/home"

static int make_empty(const char *dir, mode_t mode, struct isolab_err *err)
{
    unsigned long fl = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (mkdir(dir, mode) < 0 || mount(dir, dir, NULL, MS_BIND, NULL) < 0 ||
        mount(NULL, dir, NULL, fl, NULL) < 0)
        return fail(err, "make an empty read-only directory", dir);
    return 0;
}

static int make_empty_store(struct isolab_err *err)
{
    if (make_empty(EMPTY_1777, 01777, err) < 0)
        return -1;
    static const struct {
        const char *dir;
        mode_t mode;
    } dirs[] = {{STAGE_TMP, 01777}, {STAGE_ROOT, 0700}, {STAGE_HOME, 0755}};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (mkdir(dirs[i].dir, dirs[i].mode) < 0)
            return fail(err, "mkdir", dirs[i].dir);
    return 0;
}

/* One of the store's directories over dst. */
static int bind_empty(const char *empty, const char *dst, const char *what,
                      struct isolab_err *err)
{
    if (mount(empty, dst, NULL, MS_BIND, NULL) < 0)
        return fail(err, what, dst);
    return 0;
}

/* ---- masks in the overlay's upper layer -------------------------------------
 * /tmp, /root and /home need no mount in the default root: an opaque
 * directory (trusted.overlay.opaque), made in the overlay's upper layer
 * before the overlay is mounted, shows empty and hides the host's. Each
 * mount spared is ~30 us of the start and of the teardown (bench/run.sh).
 * Only these: the secrets deeper down would make their parents (/etc,
 * /var/lib) merged directories, whose every lookup then goes through both
 * layers, which cost more than the mounts it saved. As real root only (a
 * user namespace may not set the xattr), else, or where the upper layer
 * refused, the mounts as before. */
#define UPPER STAGE "/upper"

struct root_masks {
    bool tmp, root, home;   /* made in the upper layer */
    bool empty_0755;        /* EMPTY_0755 is made (for the secret dirs) */
};

static bool upper_empty_dir(const char *path, mode_t mode)
{
    char up[64];
    snprintf(up, sizeof up, UPPER "%s", path);
    if (mkdir(up, mode) < 0)
        return false;
    if (setxattr(up, "trusted.overlay.opaque", "y", 1, 0) < 0) {
        rmdir(up);
        return false;
    }
    return true;
}

static bool host_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Before the overlay is mounted. */
static void upper_masks(const struct lab_config *cfg, struct root_masks *m)
{
    m->tmp = upper_empty_dir("/tmp", 01777);
    if (cfg->host_secrets)
        return;
    m->root = host_dir("/root") && upper_empty_dir("/root", 0700);
    m->home = host_dir("/home") && upper_empty_dir("/home", 0755);
}

/* Docker's masked and read-only paths. The mount looks each one up
 * itself: ENOENT is a path this kernel does not have (no stat first, ~5 us
 * a path through the fresh procfs). A directory gets an empty one, which
 * is known from the mount of /dev/null onto it failing with ENOTDIR. */
static int mask_paths(const char *root, struct isolab_err *err)
{
    char p[ISOLAB_PATH_MAX];
    for (size_t i = 0; i < sizeof masked_paths / sizeof masked_paths[0]; i++) {
        snprintf(p, sizeof p, "%s%s", root, masked_paths[i]);
        if (mount("/dev/null", p, NULL, MS_BIND, NULL) == 0 || errno == ENOENT)
            continue;
        if (errno != ENOTDIR || mount(EMPTY_1777, p, NULL, MS_BIND, NULL) < 0)
            return fail(err, "mask", masked_paths[i]);
    }
    for (size_t i = 0; i < sizeof readonly_paths / sizeof readonly_paths[0]; i++) {
        snprintf(p, sizeof p, "%s%s", root, readonly_paths[i]);
        if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0) {
            if (errno == ENOENT)
                continue;
            return fail(err, "bind", p);
        }
        if (mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
            return fail(err, "remount read-only", p);
    }
    return 0;
}

/* The secrets below are looked for on the host's own root, which is the
 * overlay's lower layer (its upper is still empty): cheaper than a lookup
 * through the overlay, and the same answer. */
static int mask_one_dir(const char *root, const char *path, struct root_masks *m,
                        struct isolab_err *err)
{
    char p[ISOLAB_PATH_MAX];
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return 0;
    if (!m->empty_0755) {
        if (make_empty(EMPTY_0755, 0755, err) < 0)
            return -1;
        m->empty_0755 = true;
    }
    snprintf(p, sizeof p, "%s%s", root, path);
    return bind_empty(EMPTY_0755, p, "mask (secrets)", err);
}

/* A home gets an empty writable directory of its own (a shell's history
 * works), from the staging tmpfs. */
static int mask_home(const char *root, const char *path, const char *stage_dir,
                     struct isolab_err *err)
{
    char p[ISOLAB_PATH_MAX];
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return 0;
    snprintf(p, sizeof p, "%s%s", root, path);
    if (mount(stage_dir, p, NULL, MS_BIND, NULL) < 0)
        return fail(err, "mask (secrets)", path);
    return 0;
}

static int mask_one_file(const char *root, const char *path, struct isolab_err *err)
{
    char p[ISOLAB_PATH_MAX];
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return 0;
    snprintf(p, sizeof p, "%s%s", root, path);
    if (mount("/dev/null", p, NULL, MS_BIND, NULL) < 0)
        return fail(err, "mask (secrets)", path);
    return 0;
}

/* The ssh host keys: every /etc/ssh/ssh_host_..._key (the .pub halves stay). */
static int mask_ssh_keys(const char *root, struct isolab_err *err)
{
    _cleanup_closedir_ DIR *d = opendir("/etc/ssh");
    for (struct dirent *de; d && (de = readdir(d)); ) {
        size_t l = strlen(de->d_name);
        if (l < 4 || strcmp(de->d_name + l - 4, "_key") != 0)
            continue;
        char rel[ISOLAB_PATH_MAX];
        snprintf(rel, sizeof rel, "/etc/ssh/%.255s", de->d_name);
        if (mask_one_file(root, rel, err) < 0)
            return -1;
    }
    return 0;
}

/* The host's secrets in the default root (an overlay of the host's /). */
static int mask_secrets(const char *root, struct root_masks *m, struct isolab_err *err)
{
    if ((!m->root && mask_home(root, "/root", STAGE_ROOT, err) < 0) ||
        (!m->home && mask_home(root, "/home", STAGE_HOME, err) < 0))
        return -1;
    for (size_t i = 0; i < sizeof secret_state_dirs / sizeof secret_state_dirs[0]; i++)
        if (mask_one_dir(root, secret_state_dirs[i], m, err) < 0)
            return -1;
    for (size_t i = 0; i < sizeof secret_files / sizeof secret_files[0]; i++)
        if (mask_one_file(root, secret_files[i], err) < 0)
            return -1;
    return mask_ssh_keys(root, err);
}

/* Overlay of the host's root filesystem with a tmpfs upper layer: the host's
 * programs, read-only underneath, and writes that vanish with the sandbox. */
static int build_overlay_root(const struct lab_config *cfg, bool userns, struct root_masks *m,
                              struct isolab_err *err)
{
    if (mount("isolab", STAGE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755") < 0)
        return fail(err, "mount tmpfs on", STAGE);
    if (mkdir(UPPER, 0755) < 0 || mkdir(STAGE "/work", 0755) < 0 ||
        mkdir(NEWROOT, 0755) < 0)
        return fail(err, "mkdir", UPPER);
    if (!userns)
        upper_masks(cfg, m);
    if (mount("overlay", NEWROOT, "overlay", 0,
              "lowerdir=/,upperdir=" UPPER ",workdir=" STAGE "/work") == 0)
        return 0;
    /* No overlay (module missing, or / is already an overlay too deep):
     * fall back to a read-only view of the host, every mask a mount. */
    *m = (struct root_masks){0};
    if (mount("/", NEWROOT, NULL, MS_BIND | MS_REC, NULL) < 0)
        return fail(err, "bind", "/");
    if (mount(NULL, NEWROOT, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
        return fail(err, "remount read-only", "/");
    return 0;
}

/* Every entry of the new root is there (its mount points made): the
 * parent may make Landlock's rules for them now (sandbox_cpu.c), from the
 * new root's own directory, sent to it: the very inodes, whatever the
 * child does next (a pivot). */
static void root_ready(int *sock)
{
    if (*sock < 0)
        return;
    int fd = open(NEWROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && isolab_send_fd(*sock, "r", 1, fd) != 1) {
        /* unheard: the parent's poll sees the report or the hang-up */
    }
    if (fd >= 0)
        close(fd);
    close(*sock);
    *sock = -1;
}

static int build_root(const struct lab_config *cfg, bool userns, int *ready_fd,
                      struct isolab_err *err)
{
    char p[ISOLAB_PATH_MAX];
    struct root_masks m = {0};
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return fail(err, "make private", "/");
    if (cfg->rootfs[0]) {
        /* Hold the directory before the staging tmpfs may cover it (a
         * --rootfs under /tmp). */
        int fd = open(cfg->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return fail(err, "open --rootfs", cfg->rootfs);
        char src[64];
        snprintf(src, sizeof src, "/proc/self/fd/%d", fd);
        if (mount("isolab", STAGE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755") < 0 ||
            mkdir(NEWROOT, 0755) < 0) {
            close(fd);
            return fail(err, "prepare", NEWROOT);
        }
        int rc = mount(src, NEWROOT, NULL, MS_BIND | MS_REC, NULL);
        close(fd);
        if (rc < 0)
            return fail(err, "bind --rootfs", cfg->rootfs);
    } else if (build_overlay_root(cfg, userns, &m, err) < 0) {
        return -1;
    }
    if (make_empty_store(err) < 0)
        return -1;

    snprintf(p, sizeof p, NEWROOT "/proc");
    mkdir(p, 0555);
    /* A fresh procfs shows only the sandbox's processes when it has a pid
     * namespace; without one it shows the host's, truthfully. */
    if (mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
        if (mount("/proc", p, NULL, MS_BIND | MS_REC, NULL) < 0)
            return fail(err, "mount /proc on", p);
    }
    snprintf(p, sizeof p, NEWROOT "/sys");
    mkdir(p, 0555);
    if (mount("sysfs", p, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
        bind_ro("/sys", p, err) < 0)
        return -1;
    if (build_dev(NEWROOT, userns, err) < 0)
        return -1;
    snprintf(p, sizeof p, NEWROOT "/tmp");
    if (!m.tmp && mkdir(p, 01777) < 0 && errno != EEXIST)
        return fail(err, "mkdir", p);
    if (!m.tmp && mount(STAGE_TMP, p, NULL, MS_BIND, NULL) < 0)
        return fail(err, "bind /tmp on", p);
    root_ready(ready_fd);
    if (mask_paths(NEWROOT, err) < 0)
        return -1;
    if (!cfg->rootfs[0] && !cfg->host_secrets && mask_secrets(NEWROOT, &m, err) < 0)
        return -1;

    if (chdir(NEWROOT) < 0)
        return fail(err, "chdir", NEWROOT);
    /* pivot_root(".", ".") stacks the old root under the new one; detaching
     * it leaves nothing of the host reachable. */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return fail(err, "pivot_root", NEWROOT);
    if (umount2(".", MNT_DETACH) < 0)
        return fail(err, "detach old root", "/");
    if (chdir("/") < 0)
        return fail(err, "chdir", "/");
    return 0;
}

/* The new root, with umask 0 for exact modes (the learner's comes back). */
static int setup_root(const struct lab_config *cfg, bool userns, int *ready_fd,
                      struct isolab_err *err)
{
    mode_t mask = umask(0);
    int rc = build_root(cfg, userns, ready_fd, err);
    umask(mask);
    return rc;
}

/* Docker 20.10+ sets this sysctl in the container's network namespace (not
 * with --network host). /proc/sys/net is the opener's network namespace, so
 * it is written before the new root makes /proc/sys read-only. */
static int set_unpriv_ports(struct isolab_err *err)
{
    static const char path[] = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;   /* before Linux 4.11 every port below 1024 needs the capability */
    if (fd < 0 || write(fd, "0\n", 2) != 2) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        errno = e;
        return fail(err, "write 0 to", path);
    }
    close(fd);
    return 0;
}

static int ns_enter(const struct lab_config *cfg, struct sandbox_ctx *ctx,
                    enum child_step step, struct isolab_err *err)
{
    if (step == STEP_MOUNT && cfg->ns[NS_NET] && cfg->unpriv_ports &&
        set_unpriv_ports(err) < 0)
        return -1;
    if (step == STEP_MOUNT && cfg->ns[NS_MNT])
        return setup_root(cfg, ctx->userns, &ctx->rules.ready[1], err);
    if (step == STEP_HOSTNAME && cfg->ns[NS_UTS]) {
        const char *h = cfg->hostname[0] ? cfg->hostname : "isolab";
        if (sethostname(h, strlen(h)) < 0)
            return isolab_err_set(err, errno, "namespaces: sethostname(%s): %s", h, strerror(errno));
    }
    return 0;
}

static void ns_describe(const struct lab_config *cfg, char *buf, size_t n)
{
    int len = snprintf(buf, n, "ns");
    int count = 0;
    for (int k = 0; k < NS_COUNT && len > 0 && (size_t)len < n; k++)
        if (cfg->ns[k]) {
            len += snprintf(buf + len, n - len, " %s", ns_name(k));
            count++;
        }
    if (!count && len > 0 && (size_t)len < n)
        len += snprintf(buf + len, n - len, " (none)");
    if (cfg->ns[NS_MNT] && cfg->rootfs[0] && len > 0 && (size_t)len < n)
        snprintf(buf + len, n - len, ", rootfs %s", cfg->rootfs);
    else if (!cfg->ns[NS_MNT] && len > 0 && (size_t)len < n)
        snprintf(buf + len, n - len, ", shares the host's files");
    else if (cfg->host_secrets && len > 0 && (size_t)len < n)
        snprintf(buf + len, n - len, ", the host's secrets shown (--host-secrets)");
    else if (len > 0 && (size_t)len < n)
        snprintf(buf + len, n - len, ", host secrets masked");
}

static int write_file(const char *path, const char *data)
{
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, data, strlen(data));
    return n == (ssize_t)strlen(data) ? 0 : -1;
}

/* The user namespace's id maps, written by the parent for the child
 * (sandbox.c): the caller becomes root inside; with --user, that id is
 * mapped too. */
int ns_write_id_maps(const struct lab_config *cfg, pid_t pid, struct isolab_err *err)
{
    char path[64], map[128];
    uid_t uid = geteuid();
    gid_t gid = getegid();
    snprintf(path, sizeof path, "/proc/%d/uid_map", pid);
    int len = snprintf(map, sizeof map, "0 %u 1\n", uid);
    if (uid == 0 && cfg->set_user && cfg->uid != 0)
        snprintf(map + len, sizeof map - len, "%u %u 1\n", cfg->uid, cfg->uid);
    if (write_file(path, map) < 0)
        return isolab_err_set(err, errno, "namespaces: writing %s: %s", path, strerror(errno));
    if (uid != 0) {
        snprintf(path, sizeof path, "/proc/%d/setgroups", pid);
        if (write_file(path, "deny") < 0 && errno != ENOENT)
            return isolab_err_set(err, errno, "namespaces: writing %s: %s", path, strerror(errno));
    }
    snprintf(path, sizeof path, "/proc/%d/gid_map", pid);
    len = snprintf(map, sizeof map, "0 %u 1\n", gid);
    if (uid == 0 && cfg->set_user && cfg->gid != 0)
        snprintf(map + len, sizeof map - len, "%u %u 1\n", cfg->gid, cfg->gid);
    if (write_file(path, map) < 0)
        return isolab_err_set(err, errno, "namespaces: writing %s: %s", path, strerror(errno));
    return 0;
}

const struct layer_ops ns_layer = {
    .name = "namespaces",
    .id = LAYER_NS,
    .available = ns_available,
    .validate = ns_validate,
    .enter = ns_enter,
    .describe = ns_describe,
};
