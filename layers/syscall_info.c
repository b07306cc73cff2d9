/* What syscalls and capabilities do, in a line each, for `isolab explain`.
 * The capability column is the check the kernel itself makes (man 7
 * capabilities), independent of any seccomp profile. */
#include <linux/capability.h>
#include <string.h>

#include "syscall_info.h"

#define SYSADMIN "CAP_SYS_ADMIN"

static const struct syscall_info table[] = {
    /* namespaces and mounts */
    {"unshare", "move the calling process into new namespaces (mount, uts, ipc, net, pid, cgroup, time, user)",
     "CAP_SYS_ADMIN for every namespace except CLONE_NEWUSER, which needs none (unprivileged user namespaces); "
     "inside a new user namespace the process holds every capability over it",
     "CVE-2022-0185: an unprivileged unshare(CLONE_NEWUSER|CLONE_NEWNS) gave CAP_SYS_ADMIN in the new user "
     "namespace, enough to reach a heap overflow in fsconfig() (legacy_parse_param) and escape containers "
     "that allowed unshare. Docker's profile blocks unshare without CAP_SYS_ADMIN; Kubernetes without a "
     "seccompProfile did not."},
    {"setns", "join an existing namespace through a /proc/PID/ns file or a pidfd", "CAP_SYS_ADMIN (in the target namespace's user namespace)",
     "with access to a host namespace file, setns is an escape; Docker blocks it without CAP_SYS_ADMIN"},
    {"clone", "create a process or thread; CLONE_NEW* flags also create namespaces", "CAP_SYS_ADMIN for CLONE_NEW* flags other than CLONE_NEWUSER",
     "Docker allows clone only when no CLONE_NEW* bit is set (mask 0x7E020000), unless CAP_SYS_ADMIN"},
    {"clone3", "clone with its arguments in a struct (flags, pidfd, cgroup, set_tid)", "as clone",
     "seccomp cannot read the struct, so Docker returns ENOSYS and glibc falls back to clone, which is filtered"},
    {"mount", "attach a filesystem, bind mount, remount or change propagation", SYSADMIN,
     "a mount can undo the view that the mount namespace gives (e.g. remount /proc/sys read-write)"},
    {"umount2", "detach a mounted filesystem (with flags)", SYSADMIN, "unmounting a masked path reveals what it hid"},
    {"umount", "detach a mounted filesystem (old form, not on x86_64)", SYSADMIN, NULL},
    {"pivot_root", "change the root mount of the mount namespace", SYSADMIN,
     "runtimes use it to enter the container's root; a container should not repeat it"},
    {"fsopen", "new mount API: start configuring a filesystem", SYSADMIN, NULL},
    {"fsconfig", "new mount API: set a parameter of a filesystem context", SYSADMIN,
     "the legacy_parse_param heap overflow of CVE-2022-0185 is reached through fsconfig"},
    {"fsmount", "new mount API: turn a configured filesystem into a mount", SYSADMIN, NULL},
    {"fspick", "new mount API: pick a mounted filesystem for reconfiguration", SYSADMIN, NULL},
    {"move_mount", "new mount API: attach or move a mount", SYSADMIN, NULL},
    {"open_tree", "new mount API: get a handle on a mount tree (or clone it)", SYSADMIN, NULL},
    {"mount_setattr", "change mount attributes (read-only, idmapped, propagation)", SYSADMIN, NULL},
    {"chroot", "change the root directory of the process", "CAP_SYS_CHROOT",
     "chroot alone is no jail: a root process can leave it; containers use pivot_root and a mount namespace"},
    /* keyrings, bpf, perf, modules, kexec */
    {"keyctl", "manipulate the kernel's key retention service (keyrings)", "none for one's own keys",
     "keyrings are not namespaced: a container could read or fill keys of the same uid elsewhere; Docker denies keyctl"},
    {"add_key", "add a key to a kernel keyring", "none for one's own keyrings", "keyrings are not namespaced"},
    {"request_key", "ask the kernel for a key, possibly calling a user-space helper", "none", "keyrings are not namespaced"},
    {"bpf", "load eBPF programs and maps", "CAP_BPF (plus CAP_PERFMON / CAP_NET_ADMIN for some program types)",
     "a large attack surface (verifier bugs, e.g. CVE-2021-3490) and a view of the whole kernel"},
    {"perf_event_open", "open a performance-monitoring event (counters, sampling, tracepoints)",
     "CAP_PERFMON (or kernel.perf_event_paranoid allowing it)", "many kernel bugs; observes other processes and the kernel"},
    {"userfaultfd", "handle page faults in user space", "CAP_SYS_PTRACE unless vm.unprivileged_userfaultfd=1",
     "a favourite of kernel exploits: it stalls the kernel at a chosen moment to win races"},
    {"init_module", "load a kernel module from memory", "CAP_SYS_MODULE", "a module is code in the host kernel"},
    {"finit_module", "load a kernel module from a file descriptor", "CAP_SYS_MODULE", "a module is code in the host kernel"},
    {"delete_module", "unload a kernel module", "CAP_SYS_MODULE", NULL},
    {"kexec_load", "load a new kernel to boot into", "CAP_SYS_BOOT", "replaces the host's kernel"},
    {"kexec_file_load", "load a new kernel from a file to boot into", "CAP_SYS_BOOT", "replaces the host's kernel"},
    {"reboot", "reboot or power off (in a pid namespace: end its init)", "CAP_SYS_BOOT", NULL},
    {"swapon", "start swapping to a file or device", "CAP_SYS_ADMIN", "swap is host-wide"},
    {"swapoff", "stop swapping to a file or device", "CAP_SYS_ADMIN", "swap is host-wide"},
    {"acct", "switch process accounting on or off", "CAP_SYS_PACCT", NULL},
    {"quotactl", "manipulate disk quotas", SYSADMIN, NULL},
    {"lookup_dcookie", "return a directory entry's path (oprofile)", SYSADMIN, NULL},
    {"syslog", "read or clear the kernel message ring buffer, set the console level", "CAP_SYSLOG (or CAP_SYS_ADMIN)",
     "the kernel log leaks kernel addresses and host events"},
    {"vhangup", "simulate a hangup of the current terminal", "CAP_SYS_TTY_CONFIG", NULL},
    {"nfsservctl", "old interface to the kernel NFS server (removed in Linux 3.1)", SYSADMIN, NULL},
    /* time */
    {"clock_settime", "set a clock (CLOCK_REALTIME)", "CAP_SYS_TIME", "the system clock is not namespaced: this changes the host's time"},
    {"settimeofday", "set the time of day", "CAP_SYS_TIME", "changes the host's time"},
    {"stime", "set the time (old, 32-bit x86)", "CAP_SYS_TIME", NULL},
    {"adjtimex", "read or tune the kernel clock (NTP)", "CAP_SYS_TIME to change it; reading is free", NULL},
    {"clock_adjtime", "read or tune a clock (NTP)", "CAP_SYS_TIME to change it; reading is free", NULL},
    {"clock_gettime", "read a clock", NULL, NULL},
    {"nanosleep", "sleep", NULL, NULL},
    /* host identity */
    {"sethostname", "set the host name (of the UTS namespace)", SYSADMIN, NULL},
    {"setdomainname", "set the NIS domain name (of the UTS namespace)", SYSADMIN, NULL},
    {"uname", "read the kernel name, release and host name (from the UTS namespace)", NULL, NULL},
    /* processes and tracing */
    {"ptrace", "trace another process: read and write its memory and registers", "CAP_SYS_PTRACE for processes one does not own",
     "before Linux 4.8 a tracer could rewrite a syscall after seccomp had checked it, bypassing the filter"},
    {"process_vm_readv", "read another process's memory", "CAP_SYS_PTRACE for processes one does not own (ptrace_may_access)", NULL},
    {"process_vm_writev", "write another process's memory", "CAP_SYS_PTRACE for processes one does not own (ptrace_may_access)", NULL},
    {"kcmp", "compare kernel resources of two processes", "CAP_SYS_PTRACE for processes one does not own", NULL},
    {"pidfd_getfd", "copy a file descriptor out of another process", "CAP_SYS_PTRACE for processes one does not own", NULL},
    {"process_madvise", "give memory advice for another process", "CAP_SYS_NICE and ptrace access", NULL},
    {"execve", "run a program, replacing the process image", NULL, "needed by every sandbox: isolab's last step before the command"},
    {"execveat", "run a program given by a directory fd and path", NULL, NULL},
    {"fork", "create a child process", NULL, NULL},
    {"vfork", "create a child that shares memory until it execs", NULL, NULL},
    {"exit_group", "end every thread of the process", NULL, NULL},
    {"kill", "send a signal to a process", "CAP_KILL for processes of other users", NULL},
    {"personality", "set the process execution domain (e.g. 32-bit uname, no address randomisation)", NULL,
     "ADDR_NO_RANDOMIZE and READ_IMPLIES_EXEC weaken exploit mitigations; Docker allows only known-safe values"},
    {"prctl", "process controls: no_new_privs, name, seccomp mode, capabilities bounding set ...", "depends on the option", NULL},
    {"seccomp", "install a seccomp filter (only ever tightens)", "CAP_SYS_ADMIN unless no_new_privs is set", NULL},
    {"setuid", "set the user id", "CAP_SETUID", NULL},
    {"setgid", "set the group id", "CAP_SETGID", NULL},
    {"setgroups", "set the supplementary groups", "CAP_SETGID", NULL},
    {"capset", "change the process's capability sets", "CAP_SETPCAP to add to the inheritable set beyond the bounding set", NULL},
    {"setpriority", "set a process's nice value", "CAP_SYS_NICE to raise priority", NULL},
    {"sched_setattr", "set scheduling policy and attributes", "CAP_SYS_NICE for real-time policies", NULL},
    {"set_mempolicy", "set the NUMA memory policy of the thread", "CAP_SYS_NICE for some modes", NULL},
    {"mbind", "set the NUMA memory policy of a range", "CAP_SYS_NICE to move other processes' pages", NULL},
    {"get_mempolicy", "read the NUMA memory policy", NULL, NULL},
    {"move_pages", "move pages of a process to other NUMA nodes", "CAP_SYS_NICE for other processes", NULL},
    {"migrate_pages", "move all pages of a process to other NUMA nodes", "CAP_SYS_NICE for other processes", NULL},
    /* files */
    {"open", "open a file by path (not on aarch64: openat there)", NULL, "denying open alone is bypassed by openat and openat2"},
    {"openat", "open a file relative to a directory fd (what glibc's open() calls)", NULL, NULL},
    {"openat2", "openat with a struct of flags and resolve restrictions (Linux 5.6)", NULL, NULL},
    {"open_by_handle_at", "open a file from a handle, skipping path lookup", "CAP_DAC_READ_SEARCH",
     "the 2014 'shocker' exploit read the host's /etc/shadow from a container with it"},
    {"name_to_handle_at", "get a file handle for a path", NULL, NULL},
    {"creat", "create a file (old form of open)", NULL, NULL},
    {"read", "read from a file descriptor", NULL, NULL},
    {"write", "write to a file descriptor", NULL, NULL},
    {"close", "close a file descriptor", NULL, NULL},
    {"chmod", "change a file's mode by path", "CAP_FOWNER for files one does not own",
     "denying chmod alone is bypassed by fchmod, fchmodat and fchmodat2"},
    {"fchmod", "change a file's mode by descriptor", "CAP_FOWNER for files one does not own", NULL},
    {"fchmodat", "change a file's mode relative to a directory fd", "CAP_FOWNER for files one does not own", NULL},
    {"fchmodat2", "fchmodat with a flags argument (Linux 6.6; glibc 2.39 uses it)", "CAP_FOWNER for files one does not own",
     "the chmod sibling that profiles written before 2023 forget"},
    {"chown", "change a file's owner by path", "CAP_CHOWN", NULL},
    {"fchown", "change a file's owner by descriptor", "CAP_CHOWN", NULL},
    {"fchownat", "change a file's owner relative to a directory fd", "CAP_CHOWN", NULL},
    {"lchown", "change a symlink's owner", "CAP_CHOWN", NULL},
    {"mknod", "create a device node, FIFO or socket file", "CAP_MKNOD for device nodes", NULL},
    {"mknodat", "mknod relative to a directory fd", "CAP_MKNOD for device nodes", NULL},
    {"unlink", "remove a name from the file tree", NULL, NULL},
    {"unlinkat", "remove a name relative to a directory fd", NULL, NULL},
    {"rename", "rename a file", NULL, NULL},
    {"mkdir", "create a directory", NULL, NULL},
    {"statx", "read extended file status (Linux 4.11)", NULL, NULL},
    {"newfstatat", "read file status relative to a directory fd", NULL, NULL},
    {"faccessat2", "check access with flags (Linux 5.8)", NULL, NULL},
    {"close_range", "close a range of descriptors (Linux 5.9)", NULL, NULL},
    {"setxattr", "set an extended attribute", "CAP_SYS_ADMIN for trusted.*; security.* depends on the LSM", NULL},
    {"ioctl", "device-specific control operations on a descriptor", "depends on the request",
     "TIOCSTI injected input into a terminal (now restricted); Docker allows ioctl and relies on other layers"},
    {"io_uring_setup", "create an io_uring instance (asynchronous I/O rings, Linux 5.1)", NULL,
     "io_uring performs reads, writes, opens, connects ... in the kernel without the matching syscalls, so a "
     "filter cannot see them; many privilege-escalation bugs (e.g. CVE-2022-29582); Docker denies it since 25.0"},
    {"io_uring_enter", "submit and wait for io_uring operations", NULL, "see io_uring_setup"},
    {"io_uring_register", "register buffers and files with an io_uring", NULL, "see io_uring_setup"},
    {"io_setup", "create a Linux native AIO context", NULL, NULL},
    {"memfd_create", "create an anonymous memory-backed file", NULL, NULL},
    {"mmap", "map files or memory into the address space", NULL, NULL},
    {"brk", "grow or shrink the heap", NULL, NULL},
    {"mprotect", "change memory protection", NULL, NULL},
    {"mlock", "lock memory in RAM", "CAP_IPC_LOCK beyond RLIMIT_MEMLOCK", NULL},
    {"iopl", "change the x86 I/O privilege level", "CAP_SYS_RAWIO", "direct hardware access"},
    {"ioperm", "allow x86 I/O port access", "CAP_SYS_RAWIO", "direct hardware access"},
    {"modify_ldt", "read or write the x86 local descriptor table", NULL, NULL},
    {"arch_prctl", "set x86-64 thread state (FS/GS base for TLS)", NULL, NULL},
    {"fanotify_init", "create an fanotify group to watch filesystems", SYSADMIN, NULL},
    {"landlock_create_ruleset", "create a Landlock ruleset (Linux 5.13)", NULL, NULL},
    {"landlock_restrict_self", "restrict the process with a Landlock ruleset", "none, but no_new_privs (or CAP_SYS_ADMIN)", NULL},
    /* network */
    {"socket", "create a socket of an address family (AF_INET, AF_UNIX, AF_NETLINK, ...)", "CAP_NET_RAW for raw and packet sockets",
     "Docker denies AF_ALG (38) and AF_VSOCK (40) with argument filters"},
    {"connect", "connect a socket", NULL, NULL},
    {"bind", "bind a socket to an address", "CAP_NET_BIND_SERVICE for ports below 1024", NULL},
    {"socketcall", "32-bit x86 multiplexer for every socket call", NULL,
     "arguments are behind a pointer, so argument filters on socket() do not see them"},
    /* newer than libseccomp 2.5.4 */
    {"mseal", "seal a memory range against changes (Linux 6.10)", NULL, NULL},
    {"listmount", "list the mounts under a mount (Linux 6.8)", NULL, NULL},
    {"statmount", "read information about a mount (Linux 6.8)", NULL, NULL},
    {"lsm_get_self_attr", "read the LSM attributes of the process (Linux 6.8)", NULL, NULL},
    {"lsm_set_self_attr", "set an LSM attribute of the process (Linux 6.8)", NULL, NULL},
    {"lsm_list_modules", "list the active LSMs (Linux 6.8)", NULL, NULL},
    {"uretprobe", "return from a user-space return probe (x86_64, Linux 6.11)", NULL, NULL},
    {"riscv_hwprobe", "query RISC-V hardware features (Linux 6.4)", NULL, NULL},
    {"getxattrat", "read an extended attribute relative to a directory fd (Linux 6.13)", NULL, NULL},
    {"setxattrat", "set an extended attribute relative to a directory fd (Linux 6.13)", "as setxattr", NULL},
    {"listxattrat", "list extended attributes relative to a directory fd (Linux 6.13)", NULL, NULL},
    {"removexattrat", "remove an extended attribute relative to a directory fd (Linux 6.13)", NULL, NULL},
    {"cachestat", "query page cache state of a file (Linux 6.5)", NULL, NULL},
    {"map_shadow_stack", "allocate a shadow stack (x86 CET, Linux 6.6)", NULL, NULL},
    {"futex_waitv", "wait on several futexes (Linux 5.16)", NULL, NULL},
};

/* Names of table[] that libseccomp 2.5.4 cannot resolve on any arch. */
static const char *const newer[] = {
    "mseal", "listmount", "statmount", "lsm_get_self_attr", "lsm_set_self_attr",
    "lsm_list_modules", "uretprobe", "riscv_hwprobe", "getxattrat", "setxattrat",
    "listxattrat", "removexattrat",
};

const struct syscall_info *syscall_info_find(const char *name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(table[i].name, name))
            return &table[i];
    return NULL;
}

int syscall_is_newer_than_libseccomp(const char *name)
{
    for (size_t i = 0; i < sizeof newer / sizeof newer[0]; i++)
        if (!strcmp(newer[i], name))
            return 1;
    return 0;
}

static const struct cap_info caps[] = {
    {CAP_CHOWN, "change the owner and group of any file"},
    {CAP_DAC_OVERRIDE, "bypass file read, write and execute permission checks"},
    {CAP_DAC_READ_SEARCH, "bypass read permission on files and directories; open files by handle (open_by_handle_at)"},
    {CAP_FOWNER, "act as the owner of any file (chmod, utime, set ACLs on files one does not own)"},
    {CAP_FSETID, "keep set-user-ID/set-group-ID bits when a file is modified; set the setgid bit freely"},
    {CAP_KILL, "send signals to processes of other users"},
    {CAP_SETGID, "change group ids and supplementary groups; forge gids on sockets"},
    {CAP_SETUID, "change user ids; forge uids on sockets; write uid maps of user namespaces"},
    {CAP_SETPCAP, "add capabilities of the bounding set to the inheritable set; drop from the bounding set"},
    {CAP_LINUX_IMMUTABLE, "set the immutable and append-only file attributes"},
    {CAP_NET_BIND_SERVICE, "bind sockets to ports below 1024"},
    {CAP_NET_BROADCAST, "broadcast and listen to multicast (unused by the kernel)"},
    {CAP_NET_ADMIN, "configure the network: interfaces, routes, firewall, sockets' privileged options"},
    {CAP_NET_RAW, "open raw and packet sockets (ping, and forging packets on the container's network)"},
    {CAP_IPC_LOCK, "lock memory (mlock, huge pages) beyond RLIMIT_MEMLOCK"},
    {CAP_IPC_OWNER, "bypass permission checks on System V IPC objects"},
    {CAP_SYS_MODULE, "load and unload kernel modules"},
    {CAP_SYS_RAWIO, "raw I/O: iopl, ioperm, /dev/mem, /dev/port, FIBMAP"},
    {CAP_SYS_CHROOT, "call chroot; change mount namespaces with setns"},
    {CAP_SYS_PTRACE, "trace and inspect any process (ptrace, process_vm_*, kcmp, pidfd_getfd)"},
    {CAP_SYS_PACCT, "switch process accounting on or off"},
    {CAP_SYS_ADMIN, "the catch-all: mount, namespaces (setns, unshare, clone flags), swapon, sethostname, quotas, "
     "keyctl for others, bpf and perf before CAP_BPF/CAP_PERFMON, many ioctls; close to full root"},
    {CAP_SYS_BOOT, "reboot and kexec_load"},
    {CAP_SYS_NICE, "raise priority, real-time scheduling, CPU affinity and NUMA policy of any process"},
    {CAP_SYS_RESOURCE, "override resource limits, quotas and reserved filesystem space"},
    {CAP_SYS_TIME, "set the system clock (settimeofday, clock_settime, adjtimex), which is shared with the host"},
    {CAP_SYS_TTY_CONFIG, "vhangup and privileged terminal ioctls"},
    {CAP_MKNOD, "create device nodes with mknod"},
    {CAP_LEASE, "take file leases on files one does not own"},
    {CAP_AUDIT_WRITE, "write records to the kernel audit log"},
    {CAP_AUDIT_CONTROL, "configure kernel auditing"},
    {CAP_SETFCAP, "set file capabilities; map uid 0 in a user namespace"},
    {CAP_MAC_OVERRIDE, "override mandatory access control (Smack)"},
    {CAP_MAC_ADMIN, "configure mandatory access control (load AppArmor profiles, Smack rules)"},
    {CAP_SYSLOG, "read and clear the kernel log (syslog), see kernel addresses"},
    {CAP_WAKE_ALARM, "set timers that wake the system from suspend"},
    {CAP_BLOCK_SUSPEND, "block system suspend"},
    {CAP_AUDIT_READ, "read the audit log through a multicast netlink socket"},
    {CAP_PERFMON, "performance monitoring (perf_event_open), part of what CAP_SYS_ADMIN used to allow (Linux 5.8)"},
    {CAP_BPF, "load BPF programs and create maps (bpf), split from CAP_SYS_ADMIN in Linux 5.8"},
    {CAP_CHECKPOINT_RESTORE, "checkpoint/restore: choose pids (set_tid), read other processes' /proc/PID/map_files"},
};

const struct cap_info *cap_info_find(int cap)
{
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (caps[i].cap == cap)
            return &caps[i];
    return NULL;
}
