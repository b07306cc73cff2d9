/* The seccomp layer's filter for the sandbox's pid-namespace init (seccomp.c
 * loads it at the init's seccomp step, load_init_copy). */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/syscall.h>

#include "layer.h"

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

const struct sock_fprog *seccomp_init_filter(void)
{
    static struct sock_filter f[N_INIT_SYSCALLS + 8];
    static struct sock_fprog prog;
    if (prog.len)
        return &prog;
    unsigned short n = 0;
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, arch));
    /* another ABI (i386 through int 0x80): refused; its numbers differ */
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, seccomp_arch_native(), 1, 0);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, nr));
    /* x86_64's x32 numbers (bit 30) are not the init's */
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000U,
                                          (unsigned char)N_INIT_SYSCALLS, 0);
    for (size_t i = 0; i < N_INIT_SYSCALLS; i++)
        f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)init_syscalls[i],
                                              (unsigned char)(N_INIT_SYSCALLS - i), 0);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    prog.filter = f;
    prog.len = n;
    return &prog;
}
