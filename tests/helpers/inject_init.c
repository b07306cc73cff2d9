/* Run inside a sandbox with CAP_SYS_PTRACE: make the sandbox's init (pid 1)
 * execute one system call of our choosing, through ptrace, and print what
 * the kernel answered. escape_fixes.sh uses it to show that the init, a fork
 * of isolab that never execs, is held by its own seccomp allowlist: a call
 * outside it (getuid) is refused with EPERM, one inside (getpid) runs.
 *
 *   inject_init NAME    NAME: getpid | getuid
 *   prints "NAME=<return value>" or "inject: <what failed>"
 *
 * x86_64 only: the init is stopped in wait4; the syscall instruction just
 * before its rip is re-run with other registers, then everything is put
 * back and the init let go. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>

static int fail(const char *what)
{
    printf("inject: %s: %s\n", what, strerror(errno));
    return 1;
}

int main(int argc, char **argv)
{
#if defined(__x86_64__)
    if (argc != 2)
        return 2;
    long nr = !strcmp(argv[1], "getpid") ? SYS_getpid : !strcmp(argv[1], "getuid") ? SYS_getuid : -1;
    if (nr < 0)
        return 2;
    pid_t init = 1;
    if (ptrace(PTRACE_SEIZE, init, 0, 0) < 0)
        return fail("PTRACE_SEIZE 1");
    if (ptrace(PTRACE_INTERRUPT, init, 0, 0) < 0)
        return fail("PTRACE_INTERRUPT");
    int st;
    if (waitpid(init, &st, __WALL) < 0)
        return fail("waitpid");
    struct user_regs_struct saved, r;
    if (ptrace(PTRACE_GETREGS, init, 0, &saved) < 0)
        return fail("PTRACE_GETREGS");
    r = saved;
    r.rip = saved.rip - 2;          /* the syscall instruction (0f 05) */
    r.rax = (unsigned long long)nr;
    r.orig_rax = (unsigned long long)-1;    /* no restart of the interrupted call */
    if (ptrace(PTRACE_SETREGS, init, 0, &r) < 0)
        return fail("PTRACE_SETREGS");
    /* to the entry of the injected call, then to its exit */
    for (int stop = 0; stop < 2; stop++) {
        if (ptrace(PTRACE_SYSCALL, init, 0, 0) < 0)
            return fail("PTRACE_SYSCALL");
        if (waitpid(init, &st, __WALL) < 0)
            return fail("waitpid (syscall stop)");
    }
    if (ptrace(PTRACE_GETREGS, init, 0, &r) < 0)
        return fail("PTRACE_GETREGS (after)");
    long ret = (long)r.rax;
    if (ptrace(PTRACE_SETREGS, init, 0, &saved) < 0)
        return fail("PTRACE_SETREGS (restore)");
    ptrace(PTRACE_DETACH, init, 0, 0);
    if (ret < 0 && ret > -4096)
        printf("%s=-%s\n", argv[1], strerrorname_np((int)-ret));
    else
        printf("%s=%ld\n", argv[1], ret);
    return 0;
#else
    (void)argc;
    (void)argv;
    printf("inject: x86_64 only\n");
    return 1;
#endif
}
