/* AppArmor: isolab's LSM policies as AppArmor profiles (profiles/apparmor/).
 *
 * prepare() loads profiles/apparmor/NAME with `apparmor_parser -r` when the
 * kernel does not have it yet or the file changed since it was loaded (a
 * learner edits the profile and sees the change on the next run). A profile
 * that is already loaded can be used without a file (e.g. docker-default).
 * The child asks for the profile at step 3 with "exec NAME", so the profile
 * takes over at execve and the launcher's remaining steps (seccomp,
 * capabilities) are not mediated by it; in function mode (probes: no execve)
 * with "changeprofile NAME", which applies at once. Both are written, as runc
 * does, to /proc/thread-self/attr/apparmor/{exec,current} (attr/{exec,current}
 * on kernels before 5.8): libapparmor's aa_change_onexec/aa_change_profile
 * name the thread /proc/<gettid()>, which is another process when the sandbox
 * has its own pid namespace but the host's /proc (--no-ns mnt). */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lsm_int.h"

#define AA_FS "/sys/kernel/security/apparmor"

bool apparmor_kernel_enabled(void)
{
    /* the module's parameter is the boot's: read once a process */
    static int enabled = -1;
    if (enabled < 0) {
        char buf[8] = "";
        _cleanup_fclose_ FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");
        enabled = f && fgets(buf, sizeof buf, f) && buf[0] == 'Y';
    }
    struct stat st;
    return enabled && stat(AA_FS, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The policy directory of each loaded profile, AA_FS/policy/profiles/<name>.<n>,
 * holds its name; unlike the profiles list, it may be readable without
 * CAP_MAC_ADMIN. Returns 1 if a directory of name is there, 0 if none, -1
 * if the tree cannot be read. Without when, it stops at the first one and a
 * name file it cannot read is -1; with when, it skips those and *when gets
 * the newest directory's mtime (a directory is made anew on each replace). */
static int policy_dirs(const char *name, time_t *when)
{
    _cleanup_closedir_ DIR *d = opendir(AA_FS "/policy/profiles");
    if (!d)
        return -1;
    int found = 0;
    struct dirent *de;
    size_t len = strlen(name);
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, name, len) != 0 || de->d_name[len] != '.')
            continue;
        char path[512], got[256] = "";
        snprintf(path, sizeof path, AA_FS "/policy/profiles/%.200s/name", de->d_name);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f && !when)
            return -1;
        if (!f)
            continue;
        if (fgets(got, sizeof got, f))
            got[strcspn(got, "\n")] = '\0';
        if (strcmp(got, name) != 0)
            continue;
        found = 1;
        if (!when)
            break;
        struct stat st;
        snprintf(path, sizeof path, AA_FS "/policy/profiles/%.200s", de->d_name);
        if (stat(path, &st) == 0 && st.st_mtime > *when)
            *when = st.st_mtime;
    }
    return found;
}

int apparmor_profile_state(const char *name)
{
    _cleanup_fclose_ FILE *f = fopen(AA_FS "/profiles", "re");
    if (!f)     /* reading the list needs CAP_MAC_ADMIN: try the policy tree */
        return policy_dirs(name, NULL);
    char line[1024];
    size_t len = strlen(name);
    int found = 0;
    /* "isolab-default (enforce)" */
    while (!found && fgets(line, sizeof line, f))
        found = strncmp(line, name, len) == 0 && strncmp(line + len, " (", 2) == 0;
    return found;
}

bool apparmor_profile_loaded(const char *name)
{
    return apparmor_profile_state(name) == 1;
}

/* When the kernel last (re)loaded the profile; 0 = unknown. */
static time_t loaded_at(const char *name)
{
    time_t when = 0;
    policy_dirs(name, &when);
    return when;
}

static int profile_path(const char *name, char *out, size_t n)
{
    char rel[256];
    snprintf(rel, sizeof rel, "profiles/apparmor/%s", name);
    return isolab_data_path(rel, out, n);
}

static bool find_parser(char *out, size_t n)
{
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s:/sbin:/usr/sbin", path ? path : "/usr/bin:/bin");
    for (char *save, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(out, n, "%s/apparmor_parser", d);
        if (access(out, X_OK) == 0)
            return true;
    }
    return false;
}

/* apparmor_parser -r FILE, its stderr kept for the error message. */
static int run_parser(const char *file, struct isolab_err *err)
{
    char parser[1024];
    if (!find_parser(parser, sizeof parser)) {
        isolab_err_set(err, ENOENT, "lsm: apparmor_parser is not installed, so %s cannot be "
                       "loaded", file);
        isolab_err_hint(err, "apt-get install apparmor, or run with --security-opt "
                        "apparmor=unconfined");
        return -1;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return isolab_err_set(err, errno, "lsm: pipe for apparmor_parser: %s", strerror(errno));
    _cleanup_close_ int rd = p[0];
    _cleanup_close_ int wr = p[1];
    pid_t pid = fork();
    if (pid < 0)
        return isolab_err_set(err, errno, "lsm: fork for apparmor_parser: %s", strerror(errno));
    if (pid == 0) {
        dup2(wr, STDERR_FILENO);
        int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDOUT_FILENO);
        }
        execl(parser, "apparmor_parser", "-r", file, (char *)NULL);
        _exit(127);
    }
    close(steal_fd(&wr));
    char out[700];
    size_t len = 0;
    ssize_t r;
    while ((r = read(rd, out + len, sizeof out - 1 - len)) > 0 || (r < 0 && errno == EINTR))
        if (r > 0)
            len += (size_t)r;
    out[len] = '\0';
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    for (char *c = out; *c; c++)
        if (*c == '\n')
            *c = ' ';
    isolab_err_set(err, EINVAL, "lsm: apparmor_parser -r %s failed (%s %d): %s", file,
                   WIFEXITED(st) ? "exit" : "signal",
                   WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), out);
    isolab_err_hint(err, "fix the profile (apparmor_parser -QT %s checks it without loading), "
                    "or run with --security-opt apparmor=unconfined", file);
    return -1;
}

static int apparmor_validate(const struct lab_config *cfg, struct isolab_err *err)
{
    const char *name = lsm_policy_name(cfg);
    char path[ISOLAB_PATH_MAX];
    bool have_file = profile_path(name, path, sizeof path) == 0 && access(path, R_OK) == 0;
    int state = apparmor_profile_state(name);
    if (state == 1)
        return 0;
    if (state < 0 && geteuid() != 0)
        return 0;   /* cannot tell without privilege: the child reports ENOENT */
    if (!have_file) {
        isolab_err_set(err, ENOENT, "lsm: --security-opt apparmor=%s: no such AppArmor profile "
                       "(not loaded in the kernel, and %s does not exist)", name, path);
        isolab_err_hint(err, "isolab ships apparmor=isolab-default and "
                        "apparmor=isolab-readonly-root; put your own in profiles/apparmor/%s",
                        name);
        return -1;
    }
    if (geteuid() != 0) {
        isolab_err_set(err, EPERM, "lsm: AppArmor profile %s is not loaded, and only root can "
                       "load it", name);
        isolab_err_hint(err, "ask an administrator to run: sudo apparmor_parser -r %s", path);
        return -1;
    }
    return 0;
}

static int apparmor_prepare(const struct lab_config *cfg, struct lsm_state *lst,
                            struct isolab_err *err)
{
    /* Per process: what we loaded, to skip the parser on the next sandbox. */
    static char last_name[128];
    static struct timespec last_mtime;
    const char *name = lst->profile;
    char path[ISOLAB_PATH_MAX];
    struct stat st;
    bool have_file = profile_path(name, path, sizeof path) == 0 && stat(path, &st) == 0;
    int state = apparmor_profile_state(name);
    bool loaded = state == 1;
    if (state < 0 && geteuid() != 0)
        return 0;   /* cannot tell, cannot load: aa_change_* reports ENOENT */
    if (!have_file) {
        if (loaded)
            return 0;
        return apparmor_validate(cfg, err);
    }
    if (loaded && strcmp(last_name, name) == 0 && last_mtime.tv_sec == st.st_mtim.tv_sec &&
        last_mtime.tv_nsec == st.st_mtim.tv_nsec)
        return 0;
    if (loaded) {
        time_t when = loaded_at(name);
        if (when > st.st_mtime || geteuid() != 0)
            return 0;   /* loaded after the last edit (or we could not reload it anyway) */
    } else if (geteuid() != 0) {
        return apparmor_validate(cfg, err);
    }
    if (run_parser(path, err) < 0)
        return -1;
    if (!apparmor_profile_loaded(name)) {
        isolab_err_set(err, ENOENT, "lsm: %s loaded, but the kernel has no profile named %s",
                       path, name);
        isolab_err_hint(err, "the file must declare `profile %s flags=(...) { ... }`", name);
        return -1;
    }
    snprintf(last_name, sizeof last_name, "%s", name);
    last_mtime = st.st_mtim;
    return 0;
}

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/* Writes "CMD NAME" to this thread's AppArmor attribute ATTR ("exec" or
 * "current") in one write, as the kernel wants it. -1 with errno; *where
 * gets the file tried, *opened whether it could be opened (a refused write
 * is the kernel's answer to CMD: ENOENT there = no such profile). */
static int aa_write_attr(const char *attr, const char *cmd, const char *name,
                         char *where, size_t n, bool *opened)
{
    *opened = false;
    snprintf(where, n, "/proc/thread-self/attr/apparmor/%s", attr);
    int fd = open(where, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT) {     /* before Linux 5.8: the shared attr files */
        snprintf(where, n, "/proc/thread-self/attr/%s", attr);
        fd = open(where, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    }
    if (fd < 0)
        return -1;
    *opened = true;
    struct statfs sfs;
    if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
        close(fd);      /* something mounted over /proc: not the kernel's attribute */
        errno = EXDEV;
        return -1;
    }
    char buf[300];
    int len = snprintf(buf, sizeof buf, "%s %s", cmd, name);
    if (len < 0 || (size_t)len >= sizeof buf) {
        close(fd);
        errno = ENAMETOOLONG;
        return -1;
    }
    ssize_t w;
    while ((w = write(fd, buf, (size_t)len)) < 0 && errno == EINTR)
        ;
    int e = errno;
    close(fd);
    if (w == len)
        return 0;
    errno = w < 0 ? e : EIO;
    return -1;
}

static int apparmor_enter(const struct lab_config *cfg, struct lsm_state *st,
                          struct isolab_err *err)
{
    const char *name = st->profile;
    char where[128];
    bool opened;
    const char *cmd = cfg->fn ? "changeprofile" : "exec";
    if (aa_write_attr(cfg->fn ? "current" : "exec", cmd, name, where, sizeof where, &opened) < 0) {
        int e = errno;
        isolab_err_set(err, e, "lsm: AppArmor \"%s %s\" to %s: %s", cmd, name, where,
                       e == EXDEV ? "not the kernel's /proc" : strerror(e));
        if (opened && e == ENOENT)
            isolab_err_hint(err, "the profile is not loaded; as root: apparmor_parser -r "
                            "profiles/apparmor/%s (isolab loads it when run as root)", name);
        else
            isolab_err_hint(err, "the sandbox needs the kernel's /proc for AppArmor's "
                            "attributes; or run with --security-opt apparmor=unconfined");
        return -1;
    }
    return 0;
}

/* The pid-namespace init runs no program, so an "exec" transition never
 * confines it: it moves itself into the profile at once instead, after the
 * command it started has inherited the pending exec transition. */
static int apparmor_confine_init(const struct lsm_state *st, struct isolab_err *err)
{
    char where[128];
    bool opened;
    if (aa_write_attr("current", "changeprofile", st->profile, where,
                      sizeof where, &opened) < 0) {
        int e = errno;
        isolab_err_set(err, e, "lsm: AppArmor \"changeprofile %s\" for the sandbox's init, "
                       "to %s: %s", st->profile, where, strerror(e));
        isolab_err_hint(err, "run with --security-opt apparmor=unconfined, or without a pid "
                        "namespace (--no-ns pid)");
        return -1;
    }
    return 0;
}

static void apparmor_why(char *buf, size_t n)
{
    snprintf(buf, n, "AppArmor is enabled (LSMs: %s); the policies are AppArmor profiles "
             "in profiles/apparmor/", lsm_active_list());
}

static void apparmor_describe(const struct lab_config *cfg, char *buf, size_t n)
{
    snprintf(buf, n, "lsm apparmor %s", lsm_policy_name(cfg));
}

const struct lsm_backend apparmor_backend = {
    .name = "AppArmor",
    .why = apparmor_why,
    .validate = apparmor_validate,
    .prepare = apparmor_prepare,
    .enter = apparmor_enter,
    .confine_init = apparmor_confine_init,
    .cleanup = NULL,
    .describe = apparmor_describe,
};
