/* Probes of kernel interfaces that container profiles keep away from
 * programs: io_uring, keys, bpf, perf, userfaultfd, fanotify, ptrace and
 * file handles. Whatever a probe creates is a file descriptor closed before
 * the child exits, or is refused by the kernel after its permission check. */
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layer.h"
#include "probe_int.h"

static void judge_fd(struct probe_result *r, long fd, int e, const char *what)
{
    if (fd >= 0)
        close((int)fd);
    probe_judge(r, fd, e, NULL, what);
}

PROBE_FN(probe_io_uring)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    long fd = syscall(SYS_io_uring_setup, 1U, &p);
    int e = errno;
    if (probe_kernel_lacks(r, e, env, PROBE_HAS_IO_URING, "io_uring"))
        return;
    judge_fd(r, fd, e, "io_uring_setup(1 entry)");
    if (fd < 0 && e == EPERM && r->verdict == PROBE_BLOCKED)
        snprintf(r->detail, sizeof r->detail,
                 "io_uring_setup: EPERM (seccomp, or sysctl kernel.io_uring_disabled)");
}

/* Ask for the id of a thread keyring without creating one: ENOKEY (none
 * yet) is a normal answer, so both it and an id mean allowed. */
PROBE_FN(probe_keyctl)
{
    long rc = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -1 /* KEY_SPEC_THREAD_KEYRING */, 0);
    int e = errno;
    if (probe_kernel_lacks(r, e, env, PROBE_HAS_KEYS, "keyrings"))
        return;
    probe_judge(r, rc, e, PAST(ENOKEY), "keyctl(GET_KEYRING_ID)");
}

/* Keyring id 0 does not exist: EINVAL after the call got through, and no
 * key or keyring is created. */
PROBE_FN(probe_add_key)
{
    long rc = syscall(SYS_add_key, "user", "isolab-probe", "x", 1UL, 0);
    int e = errno;
    if (probe_kernel_lacks(r, e, env, PROBE_HAS_KEYS, "keyrings"))
        return;
    if (rc >= 0) {      /* cannot happen with keyring 0; never leave a key */
        syscall(SYS_keyctl, 3 /* KEYCTL_REVOKE */, rc);
        probe_allow(r, "add_key created key %ld (revoked)", rc);
        return;
    }
    probe_judge(r, rc, e, PAST(EINVAL), "add_key(keyring 0)");
}

/* A one-entry array map, closed at once. */
PROBE_FN(probe_bpf)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = BPF_MAP_TYPE_ARRAY;
    a.key_size = 4;
    a.value_size = 4;
    a.max_entries = 1;
    long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof a);
    int e = errno;
    if (probe_kernel_lacks(r, e, env, PROBE_HAS_BPF, "bpf"))
        return;
    judge_fd(r, fd, e, "bpf(BPF_MAP_CREATE)");
}

/* A software counter on this child only, never enabled. */
PROBE_FN(probe_perf_event_open)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_SOFTWARE;
    a.size = sizeof a;
    a.config = PERF_COUNT_SW_TASK_CLOCK;
    a.disabled = 1;
    a.exclude_kernel = 1;
    a.exclude_hv = 1;
    long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0UL);
    int e = errno;
    if (probe_kernel_lacks(r, e, env, PROBE_HAS_PERF, "perf events"))
        return;
    judge_fd(r, fd, e, "perf_event_open(sw clock, self)");
}

/* Without UFFD_USER_MODE_ONLY: the kind that can stall the kernel, which
 * needs CAP_SYS_PTRACE unless vm.unprivileged_userfaultfd=1. */
PROBE_FN(probe_userfaultfd)
{
    long fd = syscall(SYS_userfaultfd, O_CLOEXEC);
    int e = errno;
    if (probe_kernel_lacks(r, e, env, PROBE_HAS_UFFD, "userfaultfd"))
        return;
    judge_fd(r, fd, e, "userfaultfd");
}

PROBE_FN(probe_fanotify)
{
    long fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY);
    int e = errno;
    if (probe_kernel_lacks(r, e, env, PROBE_HAS_FANOTIFY, "fanotify"))
        return;
    judge_fd(r, fd, e, "fanotify_init");
}

/* Attach to a child of our own that waits on a pipe, then end it. */
PROBE_FN(probe_ptrace)
{
    int p[2];
    pid_t pid = probe_fork_with_pipe(r, p);
    if (pid < 0)
        return;
    if (pid == 0) {
        char c;
        close(p[1]);
        while (read(p[0], &c, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(p[0]);
    long rc = ptrace(PTRACE_SEIZE, pid, NULL, NULL);
    int e = errno;
    kill(pid, SIGKILL);
    close(p[1]);
    int st;
    while (waitpid(pid, &st, 0) == pid && !WIFEXITED(st) && !WIFSIGNALED(st))
        ;
    probe_judge(r, rc, e, NULL, "ptrace(PTRACE_SEIZE, own child)");
}

/* The call of the "Shocker" escape. A two-word handle of a type no file
 * system knows: ESTALE once CAP_DAC_READ_SEARCH has been checked. */
PROBE_FN(probe_open_by_handle)
{
    struct {
        unsigned int handle_bytes;
        int handle_type;
        unsigned char f_handle[8];
    } h = {.handle_bytes = 8, .handle_type = 0xfe};
    int mfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (mfd < 0) {
        probe_fail(r, errno, "open /: %s", strerror(errno));
        return;
    }
    long fd = syscall(SYS_open_by_handle_at, mfd, &h, O_RDONLY | O_CLOEXEC);
    int e = errno;
    close(mfd);
    if (fd >= 0) {
        close((int)fd);
        probe_allow(r, "open_by_handle_at opened a file");
        return;
    }
    probe_judge(r, fd, e, PAST(ESTALE, EOPNOTSUPP, EINVAL, ENOENT, EBADF),
                "open_by_handle_at(bogus handle)");
}
