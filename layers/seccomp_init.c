/* The seccomp layer's filter for the sandbox's pid-namespace init (seccomp.c
 * loads it at the init's seccomp step, load_init_copy). */
#include <errno.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/syscall.h>

#include "layer.h"
#include "seccomp_int.h"

/* The pid-namespace init's own filter. The init is a fork of isolab that
 * never execs; after its filter it only applies the capability step,
 * passes signals on, reaps and exits. So its filter is an allowlist of
 * exactly that, whatever the learner's profile says: a call the init never
 * makes is refused (EPERM), even one the profile allows, and the few it
 * makes are allowed, even where the profile denies them (they are
 * isolab's, not the learner's). It loads in a few microseconds, where a
 * second copy of Docker's profile took ~0.2 ms (bench/run.sh). The native
 * ABI only. escape_fixes.sh injects calls into pid 1 through ptrace. */
static const int init_syscalls[] = {
    SYS_read, SYS_write, SYS_close, SYS_openat, SYS_fstat, SYS_newfstatat, SYS_getdents64,
    SYS_fcntl, SYS_lseek, SYS_brk, SYS_mmap, SYS_munmap, SYS_mprotect, SYS_madvise,
    SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_sigaltstack,
    SYS_restart_syscall, SYS_wait4, SYS_waitid, SYS_kill, SYS_tgkill, SYS_getpid, SYS_gettid,
    SYS_getppid, SYS_exit, SYS_exit_group, SYS_ppoll, SYS_nanosleep, SYS_clock_nanosleep,
    SYS_clock_gettime, SYS_gettimeofday, SYS_capget, SYS_capset, SYS_prctl, SYS_setgroups,
    SYS_setresuid, SYS_setresgid, SYS_setuid, SYS_setgid, SYS_futex, SYS_getrandom,
    SYS_sched_yield,
#ifdef SYS_close_range
    SYS_close_range,
#endif
#ifdef SYS_poll
    SYS_poll,
#endif
#ifdef SYS_open
    SYS_open,
#endif
};
#define N_INIT_SYSCALLS (sizeof init_syscalls / sizeof init_syscalls[0])

const int *seccomp_init_syscalls(size_t *n)
{
    *n = N_INIT_SYSCALLS;
    return init_syscalls;
}

/* The numbers as ranges for sc_bpf_ret_tree: each allowed or refused, the
 * last up to 2^32 (and so the x32 numbers too). Returns how many. */
static unsigned init_ranges(struct sc_ret_range *r)
{
    uint32_t nr[N_INIT_SYSCALLS];
    for (size_t i = 0; i < N_INIT_SYSCALLS; i++)
        nr[i] = (uint32_t)init_syscalls[i];
    for (size_t i = 1; i < N_INIT_SYSCALLS; i++)   /* insertion sort: 46 numbers */
        for (size_t j = i; j > 0 && nr[j - 1] > nr[j]; j--) {
            uint32_t t = nr[j];
            nr[j] = nr[j - 1];
            nr[j - 1] = t;
        }
    const uint32_t allow = SECCOMP_RET_ALLOW, deny = SECCOMP_RET_ERRNO | EPERM;
    unsigned n = 0;
    uint32_t next = 0;   /* the first number no range holds yet */
    for (size_t i = 0; i < N_INIT_SYSCALLS; i++) {
        if (n > 0 && r[n - 1].ret == allow && nr[i] <= next) {   /* the run goes on (or a repeat) */
            if (nr[i] == next)
                next++;
            continue;
        }
        if (nr[i] > next)
            r[n++] = (struct sc_ret_range){next, deny};
        r[n++] = (struct sc_ret_range){nr[i], allow};
        next = nr[i] + 1;
    }
    r[n++] = (struct sc_ret_range){next, deny};
    return n;
}

/* A tree (the compaction's, seccomp_compact.c), not a list: the kernel runs
 * every syscall number through a new filter to fill its cache of
 * always-allowed calls (seccomp_cache_prepare), so a list of 46 comparisons
 * cost ~0.1 ms a load (bench: the init's filter is on the way to the
 * command's execve), the tree ~0.05 ms. */
const struct sock_fprog *seccomp_init_filter(void)
{
    static struct sock_filter f[2 * (2 * N_INIT_SYSCALLS + 1) + 8];
    static struct sock_fprog prog;
    if (prog.len)
        return &prog;
    struct sc_ret_range r[2 * N_INIT_SYSCALLS + 1];
    unsigned nr = init_ranges(r);
    unsigned short n = 0;
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, arch));
    /* another ABI (i386 through int 0x80): refused; its numbers differ */
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, seccomp_arch_native(), 1, 0);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, nr));
    n = (unsigned short)(n + sc_bpf_ret_tree(r, nr, f + n));
    prog.filter = f;
    prog.len = n;
    return &prog;
}
