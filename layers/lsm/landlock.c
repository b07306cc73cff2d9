/* Landlock: isolab's two LSM policies where AppArmor is absent.
 *
 * The ruleset handles every right that changes the filesystem (write,
 * truncate, make, remove, refer) as far as the kernel's Landlock ABI knows
 * them; reading and executing stay unrestricted. A rule grants those rights
 * beneath one directory (or on one file). The ruleset is created in the
 * parent (so a kernel without Landlock is an error before anything starts);
 * the rules must name the sandbox's files, not the host's: the child adds
 * them before STEP_LSM, after pivot_root, or, as real root with a mount
 * namespace, the parent adds isolab-default's to the same ruleset through
 * the new root's directory, which the child sends it, while the child mounts
 * the rest (sandbox_cpu.c).
 *
 * How the policies map onto Landlock, and where it has to approximate:
 *  - isolab-default: writes are allowed beneath every entry of / except /proc
 *    and /sys. Landlock ties a rule to a file, not to "the calling process",
 *    so AppArmor's "a process may write its own /proc/PID entries" cannot be
 *    expressed: Landlock denies every write under /proc (stricter, so
 *    /proc/sys and /proc/sysrq-trigger are refused). Creating new entries
 *    directly in / is refused too (a rule on / would cover /proc). Reading
 *    /proc/kcore is not a write; Landlock leaves it to the namespaces layer,
 *    which masks it as Docker does.
 *  - isolab-readonly-root: writes beneath /tmp, $HOME and the usual /dev
 *    nodes only.
 *  - mount, umount and pivot_root are refused to any process that has a
 *    Landlock domain: "deny mount" comes for free. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "lsm_int.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

/* The uapi constants, spelled here so that older headers still build. */
#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_REMOVE_DIR (1ULL << 4)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_MAKE_CHAR (1ULL << 6)
#define LL_FS_MAKE_DIR (1ULL << 7)
#define LL_FS_MAKE_REG (1ULL << 8)
#define LL_FS_MAKE_SOCK (1ULL << 9)
#define LL_FS_MAKE_FIFO (1ULL << 10)
#define LL_FS_MAKE_BLOCK (1ULL << 11)
#define LL_FS_MAKE_SYM (1ULL << 12)
#define LL_FS_REFER (1ULL << 13)        /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14)     /* ABI 3 */

/* The only rights a rule on a non-directory may carry (of those we handle). */
#define LL_FILE_RIGHTS (LL_FS_WRITE_FILE | LL_FS_TRUNCATE)

struct ll_ruleset_attr {
    uint64_t handled_access_fs;     /* the kernel accepts this prefix of the struct */
};

struct ll_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

int landlock_abi_version(void)
{
    static int abi = -1;
    if (abi < 0) {
        long v = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
        abi = v > 0 ? (int)v : 0;
    }
    return abi;
}

static uint64_t handled_rights(int abi)
{
    uint64_t r = LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_CHAR |
                 LL_FS_MAKE_DIR | LL_FS_MAKE_REG | LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO |
                 LL_FS_MAKE_BLOCK | LL_FS_MAKE_SYM;
    if (abi >= 2)
        r |= LL_FS_REFER;
    if (abi >= 3)
        r |= LL_FS_TRUNCATE;
    return r;
}

static bool is_default(const char *name) { return strcmp(name, "isolab-default") == 0; }
static bool is_readonly_root(const char *name) { return strcmp(name, "isolab-readonly-root") == 0; }

static int landlock_validate(const struct lab_config *cfg, struct isolab_err *err)
{
    const char *name = lsm_policy_name(cfg);
    if (is_default(name) || is_readonly_root(name))
        return 0;
    if (apparmor_kernel_enabled())
        isolab_err_set(err, EINVAL, "lsm: --security-opt apparmor=%s: there is no Landlock "
                       "version of this policy (Landlock was chosen by ISOLAB_LSM_MECHANISM)",
                       name);
    else
        isolab_err_set(err, EINVAL, "lsm: --security-opt apparmor=%s: there is no Landlock "
                       "version of this policy (AppArmor is not enabled in this kernel, "
                       "LSMs: %s)", name, lsm_active_list());
    isolab_err_hint(err, "under Landlock isolab knows apparmor=isolab-default and "
                    "apparmor=isolab-readonly-root; apparmor=unconfined switches the layer off");
    return -1;
}

static int landlock_prepare(const struct lab_config *cfg, struct lsm_state *st,
                            struct isolab_err *err)
{
    int abi = landlock_abi_version();
    if (abi <= 0) {
        isolab_err_set(err, ENOTSUP, "lsm: Landlock is not enabled in this kernel (LSMs: %s)",
                       lsm_active_list());
        isolab_err_hint(err, "boot with lsm=landlock,... or run with --security-opt "
                        "apparmor=unconfined");
        return -1;
    }
    struct ll_ruleset_attr attr = {.handled_access_fs = handled_rights(abi)};
    long fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (fd < 0)
        return isolab_err_set(err, errno, "lsm: landlock_create_ruleset: %s", strerror(errno));
    st->ruleset_fd = (int)fd;
    return 0;
}

/* ---- child side: no printing, little allocation ---------------------------- */

/* Grant the handled rights beneath path (opened in the sandbox). A path that
 * does not exist is skipped: the policy allows writes there if it appears
 * only through a rule, and it cannot. Symlinks are skipped (their targets are
 * covered by their own entries). */
static int allow_beneath_at(int ruleset, int dirfd, const char *path, bool follow,
                            unsigned char d_type, struct isolab_err *err)
{
    if (d_type == DT_LNK && !follow)
        return 0;
    _cleanup_close_ int fd = openat(dirfd, path,
                                    O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return 0;
    /* getdents' d_type says what it is; fstat only where it could not */
    bool dir = d_type == DT_DIR;
    if (d_type == DT_UNKNOWN || follow) {
        struct stat st;
        if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode))
            return 0;
        dir = S_ISDIR(st.st_mode);
    }
    uint64_t rights = handled_rights(landlock_abi_version());
    if (!dir)
        rights &= LL_FILE_RIGHTS;
    struct ll_path_beneath_attr pb = {.allowed_access = rights, .parent_fd = fd};
    if (syscall(__NR_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &pb, 0) < 0)
        return isolab_err_set(err, errno, "lsm: landlock_add_rule %s: %s", path, strerror(errno));
    return 0;
}

/* isolab-default: every entry of the root (rootfd, or / when -1) but proc
 * and sys. getdents64 on a stack buffer: the child should not allocate. */
static int allow_root_entries(int ruleset, int rootfd, struct isolab_err *err)
{
    _cleanup_close_ int root = rootfd >= 0 ? openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                                           : open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return isolab_err_set(err, errno, "lsm: opening / for the Landlock rules: %s",
                              strerror(errno));
    char buf[8192];
    for (;;) {
        long n = syscall(SYS_getdents64, root, buf, sizeof buf);
        if (n < 0)
            return isolab_err_set(err, errno, "lsm: reading / for the Landlock rules: %s",
                                  strerror(errno));
        if (n == 0)
            break;
        for (long off = 0; off < n; ) {
            /* struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name */
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, sizeof reclen);
            unsigned char type = (unsigned char)buf[off + 18];
            const char *name = buf + off + 19;
            off += reclen;
            if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "proc") ||
                !strcmp(name, "sys"))
                continue;
            if (allow_beneath_at(ruleset, root, name, false, type, err) < 0)
                return -1;
        }
    }
    return 0;
}

static const char *home_dir(const struct lab_config *cfg)
{
    if (cfg->envp) {
        for (char **e = cfg->envp; *e; e++)
            if (strncmp(*e, "HOME=", 5) == 0)
                return *e + 5;
        return NULL;
    }
    return getenv("HOME");
}

/* The policy's rules, into the ruleset (once: the pid-namespace init and
 * the command share it, landlock_prebuild). */
static int landlock_prebuild(const struct lab_config *cfg, struct lsm_state *st,
                             struct isolab_err *err)
{
    int ruleset = st->ruleset_fd;
    if (ruleset < 0)
        return isolab_err_set(err, EBADF, "lsm: no Landlock ruleset was prepared");
    if (st->rules_added)
        return 0;
    const char *name = lsm_policy_name(cfg);
    if (is_default(name)) {
        if (allow_root_entries(ruleset, -1, err) < 0)
            return -1;
    } else if (is_readonly_root(name)) {
        static const char *const writable[] = {
            "/tmp", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
            "/dev/tty", "/dev/ptmx", "/dev/pts", "/dev/shm",
        };
        for (size_t i = 0; i < sizeof writable / sizeof writable[0]; i++)
            if (allow_beneath_at(ruleset, AT_FDCWD, writable[i], true, DT_UNKNOWN, err) < 0)
                return -1;
        const char *home = home_dir(cfg);
        /* HOME=/ would make the whole root writable: not a home directory. */
        if (home && home[0] == '/' && home[1] &&
            allow_beneath_at(ruleset, AT_FDCWD, home, true, DT_UNKNOWN, err) < 0)
            return -1;
    } else {
        return isolab_err_set(err, EINVAL, "lsm: no Landlock version of the policy %s", name);
    }
    st->rules_added = true;
    return 0;
}

/* The parent's part (sandbox_cpu.c): isolab-default's rules only, whose
 * entries are the root's own (isolab-readonly-root names $HOME too). */
static bool landlock_rules_at_ok(const struct lab_config *cfg)
{
    return is_default(lsm_policy_name(cfg));
}

static int landlock_rules_at(const struct lab_config *cfg, struct lsm_state *st, int rootfd,
                             struct isolab_err *err)
{
    if (st->ruleset_fd < 0 || !landlock_rules_at_ok(cfg))
        return isolab_err_set(err, EINVAL, "lsm: no Landlock rules to make here");
    return allow_root_entries(st->ruleset_fd, rootfd, err);
}

static int landlock_enter(const struct lab_config *cfg, struct lsm_state *st,
                          struct isolab_err *err)
{
    if (landlock_prebuild(cfg, st, err) < 0)
        return -1;
    int ruleset = st->ruleset_fd;
    /* Needs no_new_privs or CAP_SYS_ADMIN in our user namespace; at step 3
     * the child still has every capability, so no_new_privs stays the
     * learner's choice (step 4). */
    if (syscall(__NR_landlock_restrict_self, ruleset, 0) < 0) {
        int e = errno;
        isolab_err_set(err, e, "lsm: landlock_restrict_self: %s", strerror(e));
        if (e == EPERM)
            isolab_err_hint(err, "Landlock needs no_new_privs or CAP_SYS_ADMIN at this step; "
                            "add --security-opt no-new-privileges");
        return -1;
    }
    close(steal_fd(&st->ruleset_fd));
    return 0;
}

/* ---- parent side again ------------------------------------------------------ */

static void landlock_cleanup(struct lsm_state *st)
{
    cleanup_closep(&st->ruleset_fd);
    st->ruleset_fd = -1;
}

static void landlock_why(char *buf, size_t n)
{
    if (apparmor_kernel_enabled())
        snprintf(buf, n, "Landlock chosen by ISOLAB_LSM_MECHANISM although AppArmor is "
                 "enabled (LSMs: %s)", lsm_active_list());
    else
        snprintf(buf, n, "AppArmor is not enabled in this kernel (LSMs: %s); using Landlock "
                 "for the file rules (ABI v%d)", lsm_active_list(), landlock_abi_version());
}

static void landlock_describe(const struct lab_config *cfg, char *buf, size_t n)
{
    snprintf(buf, n, "lsm landlock %s (%s)", lsm_policy_name(cfg),
             apparmor_kernel_enabled() ? "chosen by ISOLAB_LSM_MECHANISM" : "AppArmor not in kernel");
}

const struct lsm_backend landlock_backend = {
    .name = "Landlock",
    .why = landlock_why,
    .validate = landlock_validate,
    .prepare = landlock_prepare,
    .prebuild = landlock_prebuild,
    .rules_at_ok = landlock_rules_at_ok,
    .rules_at = landlock_rules_at,
    .enter = landlock_enter,
    /* A ruleset binds the thread that enforces it and everything it starts:
     * the pid-namespace init is confined already. */
    .confine_init = NULL,
    .cleanup = landlock_cleanup,
    .describe = landlock_describe,
};
