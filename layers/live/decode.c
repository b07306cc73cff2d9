/* A notified syscall's arguments in words: flag names (CLONE_NEWUSER,
 * AF_PACKET, SOCK_RAW, O_CREAT), octal modes, and the paths the call names.
 *
 * A path lives in the target's memory: it is read with process_vm_readv,
 * at most LIVE_PATH_MAX bytes, and kept only if the notification is still
 * valid afterwards (seccomp_notify_id_valid): the pid could otherwise have
 * died and been reused by another process between the receive and the read.
 * The text is for the feed only; verdicts never depend on it (see notify
 * handling: the model looks at the scalar arguments the kernel copied). */
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "escape.h"
#include "live_int.h"

#define LIVE_PATH_MAX 256

enum argk {
    A_END = 0, A_INT, A_HEX, A_FD, A_DIRFD, A_PATH, A_OCT, A_CLONE, A_AF, A_SOCKTYPE,
    A_OFLAGS, A_PTR, A_CLONE3, A_SECCOMP_OP,
};

static const struct {
    const char *name;
    unsigned char k[6];
} formats[] = {
    {"unshare", {A_CLONE}}, {"clone", {A_CLONE, A_PTR, A_PTR, A_PTR, A_HEX}},
    {"clone3", {A_CLONE3, A_INT}}, {"setns", {A_FD, A_CLONE}},
    {"socket", {A_AF, A_SOCKTYPE, A_INT}}, {"socketpair", {A_AF, A_SOCKTYPE, A_INT, A_PTR}},
    {"openat", {A_DIRFD, A_PATH, A_OFLAGS, A_OCT}}, {"open", {A_PATH, A_OFLAGS, A_OCT}},
    {"openat2", {A_DIRFD, A_PATH, A_PTR, A_INT}}, {"creat", {A_PATH, A_OCT}},
    {"fchmodat", {A_DIRFD, A_PATH, A_OCT}}, {"fchmodat2", {A_DIRFD, A_PATH, A_OCT, A_HEX}},
    {"chmod", {A_PATH, A_OCT}}, {"fchmod", {A_FD, A_OCT}},
    {"chown", {A_PATH, A_INT, A_INT}}, {"lchown", {A_PATH, A_INT, A_INT}},
    {"fchownat", {A_DIRFD, A_PATH, A_INT, A_INT, A_HEX}},
    {"mkdir", {A_PATH, A_OCT}}, {"mkdirat", {A_DIRFD, A_PATH, A_OCT}},
    {"mknodat", {A_DIRFD, A_PATH, A_OCT, A_HEX}}, {"unlink", {A_PATH}},
    {"unlinkat", {A_DIRFD, A_PATH, A_HEX}}, {"rmdir", {A_PATH}},
    {"rename", {A_PATH, A_PATH}}, {"renameat2", {A_DIRFD, A_PATH, A_DIRFD, A_PATH, A_HEX}},
    {"symlinkat", {A_PATH, A_DIRFD, A_PATH}}, {"linkat", {A_DIRFD, A_PATH, A_DIRFD, A_PATH}},
    {"execve", {A_PATH, A_PTR, A_PTR}}, {"execveat", {A_DIRFD, A_PATH, A_PTR, A_PTR, A_HEX}},
    {"mount", {A_PATH, A_PATH, A_PATH, A_HEX, A_PTR}}, {"umount2", {A_PATH, A_HEX}},
    {"chroot", {A_PATH}}, {"pivot_root", {A_PATH, A_PATH}}, {"acct", {A_PATH}},
    {"swapon", {A_PATH, A_HEX}}, {"swapoff", {A_PATH}},
    {"access", {A_PATH, A_INT}}, {"faccessat", {A_DIRFD, A_PATH, A_INT}},
    {"faccessat2", {A_DIRFD, A_PATH, A_INT, A_HEX}},
    {"ptrace", {A_INT, A_INT, A_PTR, A_PTR}}, {"kill", {A_INT, A_INT}},
    {"personality", {A_HEX}}, {"seccomp", {A_SECCOMP_OP, A_HEX, A_PTR}},
    {"bpf", {A_INT, A_PTR, A_INT}}, {"keyctl", {A_INT, A_HEX, A_HEX}},
    {"ioctl", {A_FD, A_HEX, A_PTR}}, {"reboot", {A_HEX, A_HEX, A_HEX}},
    {"connect", {A_FD, A_PTR, A_INT}}, {"bind", {A_FD, A_PTR, A_INT}},
    {"finit_module", {A_FD, A_PATH, A_HEX}}, {"delete_module", {A_PATH, A_HEX}},
    {"syslog", {A_INT, A_PTR, A_INT}}, {"setuid", {A_INT}}, {"setgid", {A_INT}},
    {"prctl", {A_INT, A_HEX, A_HEX}}, {"chdir", {A_PATH}}, {"statfs", {A_PATH, A_PTR}},
    {"newfstatat", {A_DIRFD, A_PATH, A_PTR, A_HEX}}, {"statx", {A_DIRFD, A_PATH, A_HEX}},
    {"readlink", {A_PATH, A_PTR, A_INT}}, {"readlinkat", {A_DIRFD, A_PATH, A_PTR, A_INT}},
    {"getxattr", {A_PATH, A_PATH}}, {"setxattr", {A_PATH, A_PATH}},
};

struct flag {
    unsigned long v;
    const char *n;
};

static const struct flag clone_flags[] = {
    {CLONE_NEWUSER, "CLONE_NEWUSER"}, {CLONE_NEWNS, "CLONE_NEWNS"},
    {CLONE_NEWPID, "CLONE_NEWPID"}, {CLONE_NEWNET, "CLONE_NEWNET"},
    {CLONE_NEWUTS, "CLONE_NEWUTS"}, {CLONE_NEWIPC, "CLONE_NEWIPC"},
    {CLONE_NEWCGROUP, "CLONE_NEWCGROUP"}, {0x80, "CLONE_NEWTIME"},
    {CLONE_VM, "CLONE_VM"}, {CLONE_FS, "CLONE_FS"}, {CLONE_FILES, "CLONE_FILES"},
    {CLONE_SIGHAND, "CLONE_SIGHAND"}, {CLONE_PIDFD, "CLONE_PIDFD"},
    {CLONE_PTRACE, "CLONE_PTRACE"}, {CLONE_VFORK, "CLONE_VFORK"},
    {CLONE_PARENT, "CLONE_PARENT"}, {CLONE_THREAD, "CLONE_THREAD"},
    {CLONE_SYSVSEM, "CLONE_SYSVSEM"}, {CLONE_SETTLS, "CLONE_SETTLS"},
    {CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"},
    {CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"},
    {CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"}, {CLONE_UNTRACED, "CLONE_UNTRACED"},
    {CLONE_IO, "CLONE_IO"}, {0, NULL},
};

static const struct flag open_flags[] = {
    {O_CREAT, "O_CREAT"}, {O_EXCL, "O_EXCL"}, {O_NOCTTY, "O_NOCTTY"}, {O_TRUNC, "O_TRUNC"},
    {O_APPEND, "O_APPEND"}, {O_NONBLOCK, "O_NONBLOCK"}, {O_DIRECTORY, "O_DIRECTORY"},
    {O_NOFOLLOW, "O_NOFOLLOW"}, {O_CLOEXEC, "O_CLOEXEC"}, {O_PATH, "O_PATH"},
    {O_TMPFILE & ~O_DIRECTORY, "O_TMPFILE"}, {0, NULL},
};

static const char *af_name(unsigned long v)
{
    static const char *const n[] = {
        [AF_UNIX] = "AF_UNIX", [AF_INET] = "AF_INET", [AF_INET6] = "AF_INET6",
        [AF_NETLINK] = "AF_NETLINK", [AF_PACKET] = "AF_PACKET", [AF_KEY] = "AF_KEY",
        [AF_BLUETOOTH] = "AF_BLUETOOTH", [AF_ALG] = "AF_ALG", [AF_VSOCK] = "AF_VSOCK",
        [AF_XDP] = "AF_XDP", [AF_CAN] = "AF_CAN", [AF_APPLETALK] = "AF_APPLETALK",
        [AF_AX25] = "AF_AX25", [AF_X25] = "AF_X25", [AF_TIPC] = "AF_TIPC",
    };
    return v < sizeof n / sizeof n[0] ? n[v] : NULL;
}

static size_t put(char *out, size_t n, size_t k, const char *fmt, const char *s,
                  unsigned long long v)
{
    if (k >= n)
        return k;
    int w = s ? snprintf(out + k, n - k, fmt, s) : snprintf(out + k, n - k, fmt, v);
    return w > 0 ? k + (size_t)w : k;
}

static size_t flags_text(const struct flag *t, unsigned long long v, char *out, size_t n,
                         size_t k)
{
    bool any = false;
    for (size_t i = 0; t[i].n; i++)
        if (t[i].v && (v & t[i].v) == t[i].v) {
            k = put(out, n, k, any ? "|%s" : "%s", t[i].n, 0);
            v &= ~(unsigned long long)t[i].v;
            any = true;
        }
    if (v || !any)
        k = put(out, n, k, any ? "|%#llx" : "%#llx", NULL, v);
    return k;
}

/* At most cap bytes of a NUL-terminated string at addr in pid, page by page
 * (process_vm_readv stops at the first unmapped page). */
static bool read_string(pid_t pid, uint64_t addr, char *buf, size_t cap)
{
    size_t got = 0;
    while (got + 1 < cap) {
        size_t page_left = 4096 - ((addr + got) & 4095);
        size_t want = cap - 1 - got < page_left ? cap - 1 - got : page_left;
        struct iovec l = { buf + got, want }, r = { (void *)(uintptr_t)(addr + got), want };
        ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
        if (n <= 0)
            break;
        if (memchr(buf + got, '\0', (size_t)n))
            return true;
        got += (size_t)n;
    }
    buf[got] = '\0';
    return got > 0;
}

static size_t path_text(int listener, uint64_t id, pid_t pid, uint64_t addr, char *out,
                        size_t n, size_t k)
{
    char raw[LIVE_PATH_MAX], esc[LIVE_PATH_MAX * 4];
    if (!addr)
        return put(out, n, k, "%s", "NULL", 0);
    if (seccomp_notify_id_valid(listener, id) != 0 || !read_string(pid, addr, raw, sizeof raw) ||
        seccomp_notify_id_valid(listener, id) != 0)
        return put(out, n, k, "%#llx", NULL, addr);
    isolab_escape(raw, esc, sizeof esc);
    size_t len = strlen(raw);
    k = put(out, n, k, "\"%s", esc, 0);
    return put(out, n, k, len + 1 >= sizeof raw ? "%s...\"" : "%s\"", "", 0);
}

static size_t one_arg(int listener, uint64_t id, pid_t pid, enum argk kind, uint64_t v,
                      char *out, size_t n, size_t k)
{
    switch (kind) {
    case A_INT: return put(out, n, k, "%lld", NULL, (unsigned long long)(long long)(int)v);
    case A_FD: return put(out, n, k, "%lld", NULL, (unsigned long long)(long long)(int)v);
    case A_DIRFD:
        if ((int)v == AT_FDCWD)
            return put(out, n, k, "%s", "AT_FDCWD", 0);
        return put(out, n, k, "%lld", NULL, (unsigned long long)(long long)(int)v);
    case A_OCT: return put(out, n, k, "0%llo", NULL, v);
    case A_PATH: return path_text(listener, id, pid, v, out, n, k);
    case A_CLONE: return flags_text(clone_flags, v, out, n, k);
    case A_OFLAGS: {
        static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
        k = put(out, n, k, "%s", acc[v & 3], 0);
        if (v & ~3ull) {
            k = put(out, n, k, "%s", "|", 0);
            k = flags_text(open_flags, v & ~3ull, out, n, k);
        }
        return k;
    }
    case A_AF: {
        const char *s = af_name(v);
        return s ? put(out, n, k, "%s", s, 0) : put(out, n, k, "%llu", NULL, v);
    }
    case A_SOCKTYPE: {
        static const char *const t[] = { NULL, "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW",
                                         "SOCK_RDM", "SOCK_SEQPACKET", "SOCK_DCCP" };
        unsigned long base = v & 0xf;
        k = base < 7 && t[base] ? put(out, n, k, "%s", t[base], 0) : put(out, n, k, "%llu",
                                                                          NULL, base);
        if (v & SOCK_NONBLOCK)
            k = put(out, n, k, "%s", "|SOCK_NONBLOCK", 0);
        if (v & SOCK_CLOEXEC)
            k = put(out, n, k, "%s", "|SOCK_CLOEXEC", 0);
        return k;
    }
    case A_CLONE3: {
        uint64_t flags = 0;
        struct iovec l = { &flags, sizeof flags }, r = { (void *)(uintptr_t)v, sizeof flags };
        if (v && process_vm_readv(pid, &l, 1, &r, 1, 0) == (ssize_t)sizeof flags &&
            seccomp_notify_id_valid(listener, id) == 0) {
            k = put(out, n, k, "%s", "{flags=", 0);
            k = flags_text(clone_flags, flags, out, n, k);
            return put(out, n, k, "%s", "}", 0);
        }
        return put(out, n, k, "%#llx", NULL, v);
    }
    case A_SECCOMP_OP: {
        static const char *const ops[] = { "SECCOMP_SET_MODE_STRICT", "SECCOMP_SET_MODE_FILTER",
                                           "SECCOMP_GET_ACTION_AVAIL", "SECCOMP_GET_NOTIF_SIZES" };
        return v < 4 ? put(out, n, k, "%s", ops[v], 0) : put(out, n, k, "%llu", NULL, v);
    }
    case A_HEX:
    case A_PTR:
    case A_END:
        break;
    }
    return put(out, n, k, "%#llx", NULL, v);
}

static const unsigned char *format_of(const char *name)
{
    static const unsigned char unknown[6] = { A_HEX, A_HEX, A_HEX };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, name) == 0)
            return formats[i].k;
    return unknown;
}

bool live_decode_reads_memory(const char *name)
{
    const unsigned char *k = format_of(name);
    for (int i = 0; i < 6 && k[i] != A_END; i++)
        if (k[i] == A_PATH || k[i] == A_CLONE3)
            return true;
    return false;
}

void live_decode_args(int listener, uint64_t id, pid_t pid, const char *name,
                      const uint64_t *args, char *out, size_t n)
{
    const unsigned char *k = format_of(name);
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < 6 && k[i] != A_END; i++) {
        if (i)
            len = put(out, n, len, "%s", ", ", 0);
        len = one_arg(listener, id, pid, (enum argk)k[i], args[i], out, n, len);
    }
}

void live_verdict_text(enum sc_action a, unsigned int errno_ret, char *out, size_t n)
{
    if (a == SC_ACT_ALLOW || a == SC_ACT_LOG) {
        snprintf(out, n, "allowed");
    } else if (a == SC_ACT_ERRNO) {
        const char *e = sc_errno_name((int)errno_ret);
        if (e)
            snprintf(out, n, "%s", e);
        else
            snprintf(out, n, "errno %u", errno_ret);
    } else {
        snprintf(out, n, "%s", sc_action_name(a) + 9);   /* past "SCMP_ACT_" */
    }
}
