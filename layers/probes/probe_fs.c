/* Probes of files and devices. Files are the probe's own, in a fresh
 * private directory, removed before the child exits; kernel files are
 * opened (never written) and closed. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layer.h"
#include "probe_int.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

PROBE_FN(probe_chmod)
{
    char dir[128], file[192];
    if (probe_tmpfile(r, dir, sizeof dir, file, sizeof file) < 0)
        return;
    long rc = syscall(SYS_chmod, file, 0640);
    probe_judge(r, rc, errno, NULL, "chmod(own file, 0640)");
    probe_tmp_cleanup(dir, file);
}

/* The newest of the chmod family (Linux 6.6): a profile that lists chmod,
 * fchmod and fchmodat but forgets it leaves a way around. */
PROBE_FN(probe_fchmodat2)
{
    char dir[128], file[192];
    if (probe_tmpfile(r, dir, sizeof dir, file, sizeof file) < 0)
        return;
    long rc = syscall(SYS_fchmodat2, AT_FDCWD, file, 0640, 0);
    int e = errno;
    probe_tmp_cleanup(dir, file);
    if (rc < 0 && e == ENOSYS && env->kernel_version < PROBE_KV(6, 6, 0)) {
        probe_skip(r, "fchmodat2 needs Linux 6.6");
        return;
    }
    probe_judge(r, rc, e, NULL, "fchmodat2(own file, 0640)");
}

/* Give our own temporary file to another user (CAP_CHOWN), then delete it. */
PROBE_FN(probe_chown)
{
    char dir[128], file[192];
    if (probe_tmpfile(r, dir, sizeof dir, file, sizeof file) < 0)
        return;
    uid_t to = getuid() == 65534 ? 0 : 65534;
    long rc = syscall(SYS_chown, file, to, (gid_t)-1);
    int e = errno;
    if (rc < 0 && e == EINVAL)      /* the kernel's answer for an unmapped id */
        probe_block(r, e, "uid %u does not exist in this user namespace (EINVAL)", to);
    else
        probe_judge(r, rc, e, NULL, "chown(own file, another uid)");
    if (rc == 0)
        snprintf(r->detail, sizeof r->detail, "gave own file to uid %u", to);
    probe_tmp_cleanup(dir, file);
}

/* A character device node (1,3 is /dev/null) in our own directory. */
PROBE_FN(probe_mknod)
{
    char dir[128], node[192];
    if (probe_tmpdir(r, dir, sizeof dir) < 0)
        return;
    snprintf(node, sizeof node, "%s/null", dir);
    long rc = mknod(node, S_IFCHR | 0600, makedev(1, 3));
    int e = errno;
    probe_tmp_cleanup(dir, rc == 0 ? node : NULL);
    probe_judge(r, rc, e, NULL, "mknod(char 1:3)");
}

/* Open a kernel file without reading or writing it. A /dev/null mounted
 * over it (Docker's masked paths) counts as blocked. */
static void open_kernel_file(struct probe_result *r, const char *path, int flags)
{
    if (probe_open_unmasked(r, path, flags, ""))
        probe_allow(r, "opened %s (and closed it untouched)", path);
}

PROBE_FN(probe_kcore)
{
    if (!(env->host_has & PROBE_HAS_KCORE)) {
        probe_skip(r, "this kernel has no /proc/kcore");
        return;
    }
    open_kernel_file(r, "/proc/kcore", O_RDONLY);
}

PROBE_FN(probe_sysrq)
{
    if (!(env->host_has & PROBE_HAS_SYSRQ)) {
        probe_skip(r, "this kernel has no /proc/sysrq-trigger");
        return;
    }
    open_kernel_file(r, "/proc/sysrq-trigger", O_WRONLY);
}

PROBE_FN(probe_proc_sys)
{
    open_kernel_file(r, "/proc/sys/kernel/domainname", O_WRONLY);
}

/* Kernel settings under /sys/kernel, opened for writing and never written. */
PROBE_FN(probe_sys_write)
{
    static const char *const cand[] = {
        "/sys/kernel/profiling", "/sys/kernel/mm/transparent_hugepage/enabled",
        "/sys/kernel/mm/ksm/run", "/sys/kernel/uevent_helper",
    };
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++) {
        struct stat st;
        if (stat(cand[i], &st) == 0 && S_ISREG(st.st_mode)) {
            open_kernel_file(r, cand[i], O_WRONLY);
            return;
        }
    }
    probe_block(r, ENOENT, "no kernel setting is visible under /sys/kernel");
}

/* Create and remove a hidden file in /etc. In the sandbox's default root it
 * lands in the throwaway layer; on the host it exists for a moment. */
PROBE_FN(probe_write_etc)
{
    char path[64];
    snprintf(path, sizeof path, "/etc/.isolab-probe-%d", (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    int e = errno;
    if (fd >= 0) {
        close(fd);
        unlink(path);
        probe_allow(r, "created and removed %s", path);
        return;
    }
    probe_judge(r, fd, e, NULL, "create in /etc");
}

PROBE_FN(probe_read_shadow)
{
    int fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
    int e = errno;
    if (fd >= 0) {
        struct stat st;
        bool masked = fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
        close(fd);
        if (masked)   /* the default root hides the host's secrets */
            probe_block(r, 0, "masked: a /dev/null is mounted over /etc/shadow "
                        "(--host-secrets shows the host's)");
        else
            probe_allow(r, "opened /etc/shadow (and read nothing)");
        return;
    }
    if (e == ENOENT) {
        probe_skip(r, "there is no /etc/shadow in this root");
        return;
    }
    probe_judge(r, fd, e, NULL, "open /etc/shadow");
}

/* A grandchild execs /bin/true; an exec failure comes back over a CLOEXEC
 * pipe, a seccomp kill as the grandchild's signal. */
PROBE_FN(probe_execve)
{
    int p[2];
    pid_t pid = probe_fork_with_pipe(r, p);
    if (pid < 0)
        return;
    if (pid == 0) {
        char *argv[] = {"true", NULL}, *envp[] = {NULL};
        close(p[0]);
        execve("/bin/true", argv, envp);
        int e = errno;
        ssize_t n = write(p[1], &e, sizeof e);
        (void)n;
        _exit(127);
    }
    close(p[1]);
    int e = 0;
    ssize_t n;
    do
        n = read(p[0], &e, sizeof e);
    while (n < 0 && errno == EINTR);
    close(p[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (n == (ssize_t)sizeof e)
        probe_judge(r, -1, e, NULL, "execve /bin/true");
    else if (WIFSIGNALED(st))
        probe_block(r, 0, "/bin/true was killed by signal %d", WTERMSIG(st)), r->sig = WTERMSIG(st);
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        probe_allow(r, "/bin/true ran and exited 0");
    else
        probe_fail(r, 0, "/bin/true exited with status %d", WEXITSTATUS(st));
}
