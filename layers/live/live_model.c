/* The live supervisor's side of the profile model: the fixed syscalls, the
 * verdict for a syscall number (what the supervisor answers), the rule that
 * decided in words, and the notify filter of each mode.
 *
 * Precedence: a notify filter stacked on an enforcing one never sees what
 * the enforcing one blocks (the kernel takes the strictest verdict of all
 * filters). So each mode compiles ONE filter, in which the verdicts the
 * supervisor must decide are SECCOMP_RET_USER_NOTIF (CRI-O's notifier does
 * the same), and the sandbox loads nothing else. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "live_int.h"
#include "seccomp_int.h"

/* Plain ALLOW in BPF in live mode, for speed: a shell, the dynamic loader
 * and libc make these on every command, and a denied one leaves nothing a
 * learner could type into (DESIGN.md, "The live shell"). */
static const struct {
    const char *name;
    const char *why;
} fixed[] = {
#define IO "a shell reads its input and writes its output with it"
#define MEM "the dynamic loader and malloc map memory with it"
#define SIG "a shell handles SIGCHLD, SIGINT and job control with it"
#define PROC "every process starts or ends with it (libc, the loader)"
#define FD "a shell redirects and pipes with it"
#define ID "libc and the shell ask who they are with it"
    {"read", IO}, {"write", IO}, {"readv", IO}, {"writev", IO}, {"pread64", IO},
    {"pwrite64", IO}, {"close", FD}, {"dup", FD}, {"dup2", FD}, {"dup3", FD},
    {"fcntl", FD}, {"pipe", FD}, {"pipe2", FD}, {"lseek", IO}, {"fstat", IO},
    {"newfstatat", IO}, {"stat", IO}, {"lstat", IO}, {"statx", IO},
    {"openat", "the dynamic loader opens every library with it"},
    {"access", "the loader and the shell's PATH search test files with it"},
    {"faccessat", "the shell's PATH search tests files with it"},
    {"faccessat2", "the shell's PATH search tests files with it"},
    {"execve", "a shell runs every command with it"},
    {"mmap", MEM}, {"munmap", MEM}, {"mprotect", MEM}, {"brk", MEM}, {"madvise", MEM},
    {"mremap", MEM},
    {"rt_sigaction", SIG}, {"rt_sigprocmask", SIG}, {"rt_sigreturn", SIG},
    {"sigaltstack", SIG}, {"rt_sigsuspend", SIG}, {"wait4", "a shell waits for each command with it"},
    {"exit", PROC}, {"exit_group", PROC}, {"arch_prctl", PROC}, {"set_tid_address", PROC},
    {"set_robust_list", PROC}, {"rseq", PROC}, {"prlimit64", PROC}, {"getrandom", PROC},
    {"futex", "libc's locks wait with it"},
    {"getpid", ID}, {"getppid", ID}, {"gettid", ID}, {"getuid", ID}, {"geteuid", ID},
    {"getgid", ID}, {"getegid", ID}, {"getpgrp", ID}, {"uname", ID},
    {NULL, NULL},
#undef IO
#undef MEM
#undef SIG
#undef PROC
#undef FD
#undef ID
};

const char *live_fixed_syscall(size_t i, const char **why)
{
    if (i >= sizeof fixed / sizeof fixed[0] - 1)
        return NULL;
    if (why)
        *why = fixed[i].why;
    return fixed[i].name;
}

bool live_syscall_fixed(const char *name, const char **why)
{
    for (size_t i = 0; fixed[i].name; i++)
        if (strcmp(fixed[i].name, name) == 0) {
            if (why)
                *why = fixed[i].why;
            return true;
        }
    return false;
}

/* runc's stub limit for (model, caps, arch): asked once, not per call (it
 * resolves every name the profile has: some 200 us, the whole budget of a
 * notification many times over). */
static long stub_last(const struct seccomp_profile *p, uint64_t caps, uint32_t arch)
{
    static __thread struct { const void *p; uint64_t hash, caps; uint32_t arch; long last; }
        memo[4];
    static __thread unsigned next;
    for (unsigned i = 0; i < 4; i++)
        if (memo[i].p == p && memo[i].hash == p->text_hash && memo[i].caps == caps &&
            memo[i].arch == arch)
            return memo[i].last;
    long last = sc_enosys_last(p, caps, arch, kernel_version_code());
    unsigned k = next++ % 4;
    memo[k].p = p;
    memo[k].hash = p->text_hash;
    memo[k].caps = caps;
    memo[k].arch = arch;
    memo[k].last = last;
    return last;
}

const char *live_model_eval(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                            int nr, const uint64_t *args, struct sc_verdict *v)
{
    static __thread char name[40];
    memset(v, 0, sizeof *v);
    long last = stub_last(p, caps, arch);
    char *n = seccomp_syscall_resolve_num_arch(arch, nr);
    if (n) {
        snprintf(name, sizeof name, "%s", n);
        free(n);
        /* by number: x86's bind(361) is not socketcall's pseudo "bind" */
        if (seccomp_profile_eval_nr(p, caps, arch, nr, name, args, last, v) == 0)
            return name;
    } else {
        name[0] = '\0';
    }
    /* a number libseccomp cannot name: no rule can match it, so the kernel's
     * filter gives runc's stub (above the newest syscall) or the default */
    if (last >= 0 && nr > last) {
        v->action = SC_ACT_ERRNO;
        v->errno_ret = ENOSYS;
        v->newer_than_profile = true;
        v->profile_last = last;
        return name;
    }
    v->action = p->default_action;
    v->errno_ret = p->has_default_errno ? p->default_errno : EPERM;
    if (v->errno_ret > SC_MAX_ERRNO)
        v->errno_ret = SC_MAX_ERRNO;
    return name;
}

static const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path ? path : "profile";
}

static size_t caps_text(const struct sc_filter *f, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->ncaps && k + 1 < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? "+" : "", f->caps[i]);
    return k;
}

/* A rule for name that did not apply because of the capabilities: the
 * reason the default decided ("allows it only with CAP_SYS_ADMIN"). */
static const struct sc_rule *cap_gated_rule(const struct seccomp_profile *p, const char *name,
                                            uint64_t caps, uint32_t arch)
{
    unsigned long kver = kernel_version_code();
    for (size_t i = 0; i < p->nrules; i++) {
        const struct sc_rule *r = &p->rules[i];
        if (!seccomp_rule_names(r, name) || seccomp_rule_applies(r, caps, arch, kver))
            continue;
        if (r->includes.ncaps || r->excludes.ncaps)
            return r;
    }
    return NULL;
}

void live_describe_rule(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                        const char *name, const struct sc_verdict *v, struct live_event *ev)
{
    char capbuf[160];
    const char *file = base_name(p->path);
    ev->condition[0] = '\0';
    ev->rule_line = 0;
    if (v->newer_than_profile) {
        snprintf(ev->rule, sizeof ev->rule, "runc's ENOSYS stub");
        snprintf(ev->condition, sizeof ev->condition, "newer than every syscall %s names "
                 "(the newest is number %ld)", file, v->profile_last);
        return;
    }
    if (v->rule && !v->unresolved && (v->rule->action == v->action)) {
        const struct sc_rule *r = v->rule;
        snprintf(ev->rule, sizeof ev->rule, "%s:%d", file, r->line);
        ev->rule_line = r->line;
        if (r->includes.ncaps) {
            caps_text(&r->includes, capbuf, sizeof capbuf);
            snprintf(ev->condition, sizeof ev->condition, "applies with %s, held", capbuf);
        } else if (r->excludes.ncaps) {
            caps_text(&r->excludes, capbuf, sizeof capbuf);
            snprintf(ev->condition, sizeof ev->condition, "applies without %s, not held",
                     capbuf);
        }
        return;
    }
    snprintf(ev->rule, sizeof ev->rule, "defaultAction");
    const struct sc_rule *g = name && name[0] ? cap_gated_rule(p, name, caps, arch) : NULL;
    if (!g)
        return;
    ev->rule_line = g->line;
    if (g->includes.ncaps) {
        caps_text(&g->includes, capbuf, sizeof capbuf);
        snprintf(ev->condition, sizeof ev->condition, "%s:%d %s %s only with %s, not held",
                 file, g->line, g->action == SC_ACT_ALLOW ? "allows" : "decides", name,
                 capbuf);
    } else {
        caps_text(&g->excludes, capbuf, sizeof capbuf);
        snprintf(ev->condition, sizeof ev->condition, "%s:%d %s %s only without %s, held",
                 file, g->line, g->action == SC_ACT_ALLOW ? "allows" : "decides", name,
                 capbuf);
    }
}

/* ---- the filters ------------------------------------------------------------ */

/* libseccomp 2.5 exports to an fd only. */
static int export_prog(scmp_filter_ctx ctx, struct sock_fprog *prog, struct isolab_err *err)
{
    _cleanup_close_ int fd = memfd_create("isolab-live-bpf", MFD_CLOEXEC);
    if (fd < 0)
        return isolab_err_set(err, errno, "live: memfd_create: %s", strerror(errno));
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0)
        return isolab_err_set(err, -rc, "live: exporting the notify filter: %s", strerror(-rc));
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || size % (off_t)sizeof(struct sock_filter) ||
        size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
        return isolab_err_set(err, EIO, "live: the notify filter has %lld bytes, not a "
                              "loadable program", (long long)size);
    prog->filter = malloc((size_t)size);
    if (!prog->filter)
        return isolab_err_set(err, ENOMEM, "live: out of memory");
    if (pread(fd, prog->filter, (size_t)size, 0) != size) {
        free(prog->filter);
        prog->filter = NULL;
        return isolab_err_set(err, EIO, "live: reading the notify filter back failed");
    }
    prog->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
    return 0;
}

static void add_profile_arches(scmp_filter_ctx ctx, const struct seccomp_profile *p)
{
    uint32_t native = seccomp_arch_native();
    const uint32_t *list = p ? p->arches : NULL;
    size_t n = p ? p->narches : 0;
    for (size_t i = 0; p && i < p->narchmap; i++)
        if (p->archmap[i].arch == native) {
            list = p->archmap[i].subs;
            n = p->archmap[i].nsubs;
        }
    for (size_t i = 0; i < n; i++)
        if (list[i] != native)
            seccomp_arch_add(ctx, list[i]);   /* an unsupported one: as the plain filter */
}

/* LIVE_POLICY and LIVE_RECORD: everything notified but, in live policy, the
 * fixed syscalls the starting model allows whatever the arguments. */
int live_compile_all(const struct seccomp_profile *p, uint64_t caps, bool keep_fixed,
                     uint8_t *bpf_allowed, struct sock_fprog *prog, struct isolab_err *err)
{
    _cleanup_seccomp_ scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_NOTIFY);
    if (!ctx)
        return isolab_err_set(err, ENOMEM, "live: seccomp_init failed");
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    add_profile_arches(ctx, p);
    for (size_t i = 0; keep_fixed && p && fixed[i].name; i++) {
        struct sc_verdict v;
        if (seccomp_profile_eval(p, caps, seccomp_arch_native(), fixed[i].name, NULL, &v) < 0 ||
            v.action != SC_ACT_ALLOW || v.conditional || v.unresolved)
            continue;   /* the profile decides it: notified */
        int nr = seccomp_syscall_resolve_name(fixed[i].name);
        if (nr < 0 || seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0)
            continue;
        if (bpf_allowed)
            bpf_allowed[i] = 1;
    }
    return export_prog(ctx, prog, err);
}

bool live_sup_fixed_in_bpf(const struct live_sup *sup, const char *name, const char **why)
{
    if (!sup || sup->mode != LIVE_POLICY || !live_fixed_allowed_in_bpf(sup->bpf_allowed, name))
        return false;
    return live_syscall_fixed(name, why);
}

bool live_fixed_allowed_in_bpf(const uint8_t *bpf_allowed, const char *name)
{
    for (size_t i = 0; fixed[i].name; i++)
        if (strcmp(fixed[i].name, name) == 0)
            return bpf_allowed[i];
    return false;
}

/* LIVE_TRACE: the profile's own filter with every verdict other than ALLOW
 * and LOG returning USER_NOTIF; and seccomp(2) itself notified, so that a
 * second listener's EBUSY can be said in the feed. */
int live_compile_trace(const struct seccomp_profile *p, uint64_t caps, struct sock_fprog *prog,
                       struct isolab_err *err)
{
    uint32_t acts[SC_MARKER_MAX], ret[SC_MARKER_MAX];
    size_t n = seccomp_profile_actions(p, caps, acts, SC_MARKER_MAX);
    for (size_t k = 0; k < n; k++)
        ret[k] = acts[k] == SCMP_ACT_ALLOW ? SECCOMP_RET_ALLOW
               : acts[k] == SCMP_ACT_LOG ? SECCOMP_RET_LOG : SECCOMP_RET_USER_NOTIF;
    struct sock_fprog base;
    if (seccomp_profile_compile_mapped(p, caps, ret, n, &base, NULL, err) < 0)
        return -1;
#if defined(__x86_64__)
    const uint32_t audit = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
    const uint32_t audit = AUDIT_ARCH_AARCH64;
#else
    const uint32_t audit = 0;
#endif
    struct sock_filter pre[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_seccomp, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, audit, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
    };
    size_t npre = audit ? sizeof pre / sizeof pre[0] : 0;
    if (base.len + npre > BPF_MAXINSNS) {
        free(base.filter);
        return isolab_err_set(err, E2BIG, "live: %s: the traced filter is too long", p->path);
    }
    prog->filter = malloc((base.len + npre) * sizeof *prog->filter);
    if (!prog->filter) {
        free(base.filter);
        return isolab_err_set(err, ENOMEM, "live: out of memory");
    }
    memcpy(prog->filter, pre, npre * sizeof *pre);
    memcpy(prog->filter + npre, base.filter, base.len * sizeof *base.filter);
    prog->len = (unsigned short)(base.len + npre);
    free(base.filter);
    return 0;
}
