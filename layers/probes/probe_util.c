/* Helpers the probes share: verdicts, temporary files, and what the host
 * looks like (filled in the parent before the sandbox starts). */
#include <ctype.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "layer.h"
#include "probe_int.h"

void probe_set(struct probe_result *r, enum probe_verdict v, int err, const char *fmt, ...)
{
    r->verdict = v;
    r->err = err;
    r->sig = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
}

static const char *ename(int e)
{
    const char *n = strerrorname_np(e);
    return n ? n : "E?";
}

void probe_judge(struct probe_result *r, long ret, int err, const int *past_check,
                 const char *what)
{
    if (ret >= 0) {
        probe_allow(r, "%s succeeded", what);
        return;
    }
    for (const int *p = past_check; p && *p; p++)
        if (*p == err) {
            probe_allow(r, "%s: %s, refused only after the permission check", what, ename(err));
            return;
        }
    probe_block(r, err, "%s: %s (%s)", what, ename(err), strerror(err));
}

bool probe_kernel_lacks(struct probe_result *r, int err, const struct probe_env *env,
                        unsigned int feature, const char *what)
{
    if (err != ENOSYS || (env->host_has & feature))
        return false;
    probe_skip(r, "this kernel was built without %s", what);
    return true;
}

bool probe_open_unmasked(struct probe_result *r, const char *path, int flags, const char *how)
{
    int fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
    int e = errno;
    if (fd < 0) {
        probe_block(r, e, "open %s%s: %s", path, how,
                    strerrorname_np(e) ? strerrorname_np(e) : "?");
        return false;
    }
    struct stat st;
    bool masked = fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
    close(fd);
    if (masked)
        probe_block(r, 0, "masked: a /dev/null is mounted over %s", path);
    return !masked;
}

int probe_tmpdir(struct probe_result *r, char *buf, size_t n)
{
    snprintf(buf, n, "/tmp/isolab-probe-%d-XXXXXX", (int)getpid());
    if (mkdtemp(buf))
        return 0;
    probe_fail(r, errno, "cannot make a private directory in /tmp: %s", strerror(errno));
    return -1;
}

int probe_tmpfile(struct probe_result *r, char *dir, size_t dn, char *file, size_t fn)
{
    if (probe_tmpdir(r, dir, dn) < 0)
        return -1;
    snprintf(file, fn, "%s/file", dir);
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        probe_fail(r, errno, "cannot create %s: %s", file, strerror(errno));
        rmdir(dir);
        return -1;
    }
    close(fd);
    return 0;
}

void probe_tmp_cleanup(const char *dir, const char *file)
{
    if (file)
        unlink(file);
    if (dir)
        rmdir(dir);
}

/* ---- the host, seen from the parent ---- */

unsigned long long probe_proc_starttime(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* the command name may hold spaces and parentheses: skip past the last ')' */
    char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    p++;
    /* fields 3..21, then 22 is starttime */
    for (int field = 3; field <= 22; field++) {
        while (*p == ' ')
            p++;
        if (field == 22)
            return strtoull(p, NULL, 10);
        while (*p && *p != ' ')
            p++;
    }
    return 0;
}

int probe_count_ifaces(void)
{
    struct if_nameindex *ifs = if_nameindex();
    if (ifs) {
        int n = 0;
        while (ifs[n].if_index)
            n++;
        if_freenameindex(ifs);
        return n;
    }
    /* no netlink: the kernel's own list, which follows our network namespace */
    FILE *f = fopen("/proc/self/net/dev", "re");
    if (!f)
        return -1;
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (strchr(line, ':'))
            n++;
    fclose(f);
    return n;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

void probe_env_init(struct probe_env *env)
{
    memset(env, 0, sizeof *env);
    env->host_pid = getpid();
    env->host_starttime = probe_proc_starttime(env->host_pid);
    env->host_ifaces = probe_count_ifaces();
    if (gethostname(env->host_hostname, sizeof env->host_hostname - 1) < 0)
        env->host_hostname[0] = '\0';

    struct utsname u;
    if (uname(&u) == 0) {
        unsigned a = 0, b = 0, c = 0;
        sscanf(u.release, "%u.%u.%u", &a, &b, &c);
        env->kernel_version = PROBE_KV(a, b, c > 255 ? 255 : c);
    }
    static const struct {
        unsigned int bit;
        const char *path;
    } marks[] = {
        {PROBE_HAS_MODULES, "/proc/modules"},
        {PROBE_HAS_KEXEC, "/sys/kernel/kexec_loaded"},
        {PROBE_HAS_KCORE, "/proc/kcore"},
        {PROBE_HAS_SYSRQ, "/proc/sysrq-trigger"},
        {PROBE_HAS_KEYS, "/proc/sys/kernel/keys"},
        {PROBE_HAS_BPF, "/proc/sys/kernel/unprivileged_bpf_disabled"},
        {PROBE_HAS_PERF, "/proc/sys/kernel/perf_event_paranoid"},
        {PROBE_HAS_UFFD, "/proc/sys/vm/unprivileged_userfaultfd"},
        {PROBE_HAS_ACCT, "/proc/sys/kernel/acct"},
        {PROBE_HAS_SWAP, "/proc/swaps"},
        {PROBE_HAS_FANOTIFY, "/proc/sys/fs/fanotify"},
        {PROBE_HAS_USERNS, "/proc/self/ns/user"},
    };
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (exists(marks[i].path))
            env->host_has |= marks[i].bit;
    /* kernel.io_uring_disabled appeared in 6.6; before it, assume io_uring
     * is there from 5.1 on */
    if (exists("/proc/sys/kernel/io_uring_disabled") ||
        (env->kernel_version >= PROBE_KV(5, 1, 0) && env->kernel_version < PROBE_KV(6, 6, 0)))
        env->host_has |= PROBE_HAS_IO_URING;
    probe_escape_env_init(env);
}

pid_t probe_fork_with_pipe(struct probe_result *r, int p[2])
{
    if (pipe2(p, O_CLOEXEC) < 0) {
        probe_fail(r, errno, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        probe_fail(r, errno, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
    }
    return pid;
}
