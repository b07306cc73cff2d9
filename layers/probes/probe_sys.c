/* Probes of namespaces, mounts and privileged system calls. Each runs in its
 * own short-lived child (so unshare, chroot, personality, nice and rlimits
 * change only that child), and each follows the safety rule: the clock and
 * the hostname are set to what they already are, and calls that could do
 * something get arguments the kernel refuses after its permission check. */
#include <fcntl.h>
#include <limits.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "layer.h"
#include "probe_int.h"

PROBE_FN(probe_unshare_user)
{
    if (!(env->host_has & PROBE_HAS_USERNS)) {
        probe_skip(r, "this kernel has no user namespaces");
        return;
    }
    long rc = unshare(CLONE_NEWUSER);
    probe_judge(r, rc, errno, NULL, "unshare(CLONE_NEWUSER)");
}

PROBE_FN(probe_unshare_mnt)
{
    long rc = unshare(CLONE_NEWNS);
    probe_judge(r, rc, errno, NULL, "unshare(CLONE_NEWNS)");
}

PROBE_FN(probe_unshare_net)
{
    long rc = unshare(CLONE_NEWNET);
    probe_judge(r, rc, errno, NULL, "unshare(CLONE_NEWNET)");
}

/* Join the UTS namespace we are already in: a no-op once permitted, but the
 * kernel checks CAP_SYS_ADMIN first. */
PROBE_FN(probe_setns)
{
    int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        probe_fail(r, errno, "open /proc/self/ns/uts: %s", strerror(errno));
        return;
    }
    long rc = setns(fd, CLONE_NEWUTS);
    int e = errno;
    close(fd);
    probe_judge(r, rc, e, NULL, "setns(own UTS namespace)");
}

/* A tmpfs on a fresh directory, unmounted and removed at once. */
PROBE_FN(probe_mount_tmpfs)
{
    char dir[128];
    if (probe_tmpdir(r, dir, sizeof dir) < 0)
        return;
    long rc = mount("isolab-probe", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                    "size=16k,mode=700");
    int e = errno;
    if (rc == 0 && umount2(dir, MNT_DETACH) < 0) {
        probe_fail(r, errno, "mounted, but umount %s failed: %s", dir, strerror(errno));
        return;     /* leave the directory: it is still a mount point */
    }
    rmdir(dir);
    probe_judge(r, rc, e, NULL, "mount tmpfs");
}

/* umount2 of a plain directory: EINVAL ("not a mount point") comes only
 * after the kernel has checked CAP_SYS_ADMIN. */
PROBE_FN(probe_umount)
{
    char dir[128];
    if (probe_tmpdir(r, dir, sizeof dir) < 0)
        return;
    long rc = umount2(dir, UMOUNT_NOFOLLOW);
    int e = errno;
    rmdir(dir);
    if (rc == 0) {
        probe_fail(r, 0, "umount2 of a plain directory succeeded?");
        return;
    }
    probe_judge(r, rc, e, PAST(EINVAL), "umount2(plain directory)");
}

/* pivot_root to a path that does not exist: ENOENT after the check. */
PROBE_FN(probe_pivot_root)
{
    long rc = syscall(SYS_pivot_root, "/nonexistent-isolab-probe", "/nonexistent-isolab-probe");
    probe_judge(r, rc, errno, PAST(ENOENT, EINVAL, ENOTDIR, EBUSY), "pivot_root(missing dir)");
}

/* chroot("/") changes nothing that outlives this child. */
PROBE_FN(probe_chroot)
{
    long rc = chroot("/");
    probe_judge(r, rc, errno, NULL, "chroot(\"/\")");
}

/* Set the real-time clock to the time it already is (`date -s "$(date)"`).
 * The kernel checks the value before CAP_SYS_TIME, so it must be valid. */
PROBE_FN(probe_clock_settime)
{
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) < 0) {
        probe_fail(r, errno, "clock_gettime: %s", strerror(errno));
        return;
    }
    long rc = syscall(SYS_clock_settime, CLOCK_REALTIME, &now);
    probe_judge(r, rc, errno, NULL, "clock_settime(now)");
}

PROBE_FN(probe_sethostname)
{
    char name[65] = "";
    if (gethostname(name, sizeof name - 1) < 0) {
        probe_fail(r, errno, "gethostname: %s", strerror(errno));
        return;
    }
    long rc = sethostname(name, strlen(name));
    probe_judge(r, rc, errno, NULL, "sethostname(same name)");
    if (rc == 0)
        snprintf(r->detail, sizeof r->detail, "set the hostname to itself (\"%s\")", name);
}

/* No image at all: ENOEXEC once CAP_SYS_MODULE has been checked. */
PROBE_FN(probe_init_module)
{
    long rc = syscall(SYS_init_module, NULL, 0UL, "");
    int e = errno;
    if (probe_kernel_lacks(r, e, env, PROBE_HAS_MODULES, "loadable modules"))
        return;
    probe_judge(r, rc, e, PAST(ENOEXEC, EFAULT, EINVAL, ENOKEY, EBADMSG), "init_module(empty)");
}

/* 17 segments is one more than the kernel accepts (KEXEC_SEGMENT_MAX), so
 * nothing is ever loaded; the count is checked after CAP_SYS_BOOT. */
PROBE_FN(probe_kexec_load)
{
    long rc = syscall(SYS_kexec_load, 0UL, 17UL, NULL, 0UL);
    int e = errno;
    if (probe_kernel_lacks(r, e, env, PROBE_HAS_KEXEC, "kexec"))
        return;
    probe_judge(r, rc, e, PAST(EINVAL, EFAULT), "kexec_load(too many segments)");
}

/* Wrong magic numbers and a command that does not exist: the kernel checks
 * CAP_SYS_BOOT first, then refuses the magic with EINVAL. Never a real
 * reboot command. */
PROBE_FN(probe_reboot)
{
    long rc = syscall(SYS_reboot, 0x1234, 0x5678, 0x0badc0deU, NULL);
    probe_judge(r, rc, errno, PAST(EINVAL), "reboot(bad magic)");
}

/* clone3 with no flags: a plain fork whose child exits at once. */
PROBE_FN(probe_clone3)
{
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0)
        _exit(0);
    int e = errno;
    if (pid > 0) {
        waitpid((pid_t)pid, NULL, 0);
        probe_allow(r, "clone3 started a child");
        return;
    }
    if (e == ENOSYS && env->kernel_version < PROBE_KV(5, 3, 0)) {
        probe_skip(r, "clone3 needs Linux 5.3");
        return;
    }
    probe_judge(r, -1, e, NULL, "clone3");
}

/* 0xffffffff only asks for the current persona. */
PROBE_FN(probe_personality)
{
    long rc = syscall(SYS_personality, 0xffffffffUL);
    probe_judge(r, rc, errno, NULL, "personality(query)");
    if (rc >= 0)
        snprintf(r->detail, sizeof r->detail, "persona is %#lx", rc);
}

/* Turning ASLR off for this child only; Docker's profile lets through only a
 * few personality values. */
PROBE_FN(probe_personality_norandom)
{
    long rc = syscall(SYS_personality, (unsigned long)(PER_LINUX | ADDR_NO_RANDOMIZE));
    probe_judge(r, rc, errno, NULL, "personality(ADDR_NO_RANDOMIZE)");
}

/* A swap file that does not exist: ENOENT after CAP_SYS_ADMIN. */
PROBE_FN(probe_swapon)
{
    long rc = syscall(SYS_swapon, "/nonexistent-isolab-probe", 0);
    int e = errno;
    if (probe_kernel_lacks(r, e, env, PROBE_HAS_SWAP, "swap"))
        return;
    probe_judge(r, rc, e, PAST(ENOENT, ENOTDIR, EINVAL), "swapon(missing file)");
}

/* Accounting into a file that does not exist (opened without O_CREAT, so
 * accounting is never switched): ENOENT after CAP_SYS_PACCT. */
PROBE_FN(probe_acct)
{
    long rc = syscall(SYS_acct, "/nonexistent-isolab-probe");
    int e = errno;
    if (probe_kernel_lacks(r, e, env, PROBE_HAS_ACCT, "process accounting"))
        return;
    probe_judge(r, rc, e, PAST(ENOENT, ENOTDIR), "acct(missing file)");
}

/* Only asks for the size of the kernel log buffer. */
PROBE_FN(probe_syslog)
{
    long rc = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
    probe_judge(r, rc, errno, NULL, "syslog(SIZE_BUFFER)");
    if (rc >= 0)
        snprintf(r->detail, sizeof r->detail, "kernel log buffer is %ld bytes", rc);
}

/* Raise this child's priority (nice -5); it exits at once. */
PROBE_FN(probe_nice)
{
    int cur = getpriority(PRIO_PROCESS, 0);
    int want = cur > -15 ? cur - 5 : cur - 1;
    long rc = setpriority(PRIO_PROCESS, 0, want);
    probe_judge(r, rc, errno, NULL, "setpriority(nice lower)");
}

/* Lower this child's hard limit on core file size, then try to raise it back:
 * raising a hard limit needs CAP_SYS_RESOURCE. */
PROBE_FN(probe_rlimit_raise)
{
    struct rlimit orig, low;
    if (getrlimit(RLIMIT_CORE, &orig) < 0 || orig.rlim_max < 2) {
        probe_fail(r, errno, "getrlimit(RLIMIT_CORE): %s", strerror(errno));
        return;
    }
    low.rlim_max = orig.rlim_max - 1;
    low.rlim_cur = orig.rlim_cur < low.rlim_max ? orig.rlim_cur : low.rlim_max;
    if (setrlimit(RLIMIT_CORE, &low) < 0) {
        probe_fail(r, errno, "lowering RLIMIT_CORE: %s", strerror(errno));
        return;
    }
    long rc = setrlimit(RLIMIT_CORE, &orig);
    probe_judge(r, rc, errno, NULL, "setrlimit(raise hard limit)");
}
