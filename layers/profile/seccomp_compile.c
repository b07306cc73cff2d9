/* From the model to a decision (seccomp_profile_eval, no kernel needed) and
 * to a BPF program (seccomp_profile_compile, libseccomp). The two follow the
 * same rules so that the model explains what the kernel will do:
 * includes/excludes are resolved against the sandbox's capabilities, the
 * native architecture and the running kernel, as Docker does; a rule whose
 * action equals the default is left out, as runc does; an unconditional rule
 * for a syscall overrides its conditional ones, as libseccomp does. */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "layer.h"
#include "escape.h"
#include "seccomp_int.h"
#include "sc_diff.h"
#include "syscall_info.h"

/* ---- kernel versions ---------------------------------------------------- */

unsigned long kernel_version_parse(const char *s)
{
    unsigned long part[3] = { 0, 0, 0 };
    int n = 0;
    const char *p = s;
    if (!s || !*s)
        return 0;
    while (n < 3) {
        if (*p < '0' || *p > '9')
            return 0;
        char *end;
        part[n++] = strtoul(p, &end, 10);
        p = end;
        if (*p != '.')
            break;
        p++;
    }
    /* "6.1.0-18-amd64": the rest after the numbers is the build */
    if (n < 2 || part[1] > 999 || part[2] > 999 || (*p && *p != '-' && *p != '+' && *p != '_'))
        return 0;
    return part[0] * 1000000ul + part[1] * 1000ul + part[2];
}

unsigned long kernel_version_code(void)
{
    static unsigned long cached;
    struct utsname u;
    if (!cached && uname(&u) == 0)
        cached = kernel_version_parse(u.release);
    return cached;
}

/* ---- the model ------------------------------------------------------------ */

static bool arch_listed(const struct sc_filter *f, uint32_t arch)
{
    for (size_t i = 0; i < f->narches; i++)
        if (f->arch_tokens && f->arch_tokens[i] == arch)
            return true;
    return false;
}

bool seccomp_rule_applies(const struct sc_rule *r, uint64_t caps, uint32_t arch,
                          unsigned long kver)
{
    const struct sc_filter *in = &r->includes, *ex = &r->excludes;
    if (in->ncaps && (in->cap_unknown || (caps & in->cap_mask) != in->cap_mask))
        return false;
    if (in->narches && !arch_listed(in, arch))
        return false;
    if (in->min_kver && kver < in->min_kver)
        return false;
    if (ex->ncaps && (caps & ex->cap_mask))
        return false;
    if (ex->narches && arch_listed(ex, arch))
        return false;
    if (ex->min_kver && kver >= ex->min_kver)
        return false;
    return true;
}

uint32_t sc_action_scmp(enum sc_action a, unsigned int errno_ret)
{
    /* The kernel caps errno values at MAX_ERRNO; capping here changes
     * nothing the process sees. */
    if (errno_ret > SC_MAX_ERRNO)
        errno_ret = SC_MAX_ERRNO;
    switch (a) {
    case SC_ACT_ALLOW: return SCMP_ACT_ALLOW;
    case SC_ACT_ERRNO: return SCMP_ACT_ERRNO(errno_ret);
    case SC_ACT_KILL: return SCMP_ACT_KILL;
    case SC_ACT_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
    case SC_ACT_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
    case SC_ACT_TRAP: return SCMP_ACT_TRAP;
    case SC_ACT_TRACE: return SCMP_ACT_TRACE(errno_ret);
    case SC_ACT_LOG: return SCMP_ACT_LOG;
    case SC_ACT_NOTIFY: return SCMP_ACT_NOTIFY;
    }
    return SCMP_ACT_KILL_PROCESS;
}

static uint32_t rule_scmp(const struct sc_rule *r)
{
    return sc_action_scmp(r->action, r->has_errno ? r->errno_ret : EPERM);
}

static uint32_t default_scmp(const struct seccomp_profile *p)
{
    return sc_action_scmp(p->default_action, p->has_default_errno ? p->default_errno : EPERM);
}

bool seccomp_rule_names(const struct sc_rule *r, const char *name)
{
    for (size_t i = 0; i < r->nnames; i++)
        if (strcmp(r->names[i], name) == 0)
            return true;
    return false;
}

static bool cmp_holds(const struct sc_arg *a, uint64_t v)
{
    switch (a->op) {
    case SCMP_CMP_NE: return v != a->value;
    case SCMP_CMP_LT: return v < a->value;
    case SCMP_CMP_LE: return v <= a->value;
    case SCMP_CMP_EQ: return v == a->value;
    case SCMP_CMP_GE: return v >= a->value;
    case SCMP_CMP_GT: return v > a->value;
    case SCMP_CMP_MASKED_EQ: return (v & a->value) == a->value_two;
    }
    return false;
}

/* Two conditions on the same argument cannot go into one libseccomp rule;
 * runc then adds one rule per condition, so they are ORed. Otherwise all
 * must hold. */
static bool args_repeat_index(const struct sc_rule *r)
{
    unsigned seen = 0;
    for (size_t i = 0; i < r->nargs; i++) {
        if (seen & (1u << r->args[i].index))
            return true;
        seen |= 1u << r->args[i].index;
    }
    return false;
}

static bool conditions_hold(const struct sc_rule *r, const uint64_t *args)
{
    bool any = args_repeat_index(r);
    for (size_t i = 0; i < r->nargs; i++) {
        bool h = cmp_holds(&r->args[i], args[r->args[i].index]);
        if (any && h)
            return true;
        if (!any && !h)
            return false;
    }
    return !any;
}

static bool profile_names(const struct seccomp_profile *p, const char *name)
{
    for (size_t i = 0; i < p->nrules; i++)
        if (seccomp_rule_names(&p->rules[i], name))
            return true;
    return false;
}

int seccomp_profile_eval(const struct seccomp_profile *p, uint64_t caps,
                         uint32_t arch, const char *syscall,
                         const uint64_t *args, struct sc_verdict *out)
{
    return seccomp_profile_eval_last(p, caps, arch, syscall, args, SC_LAST_UNKNOWN, out);
}

/* The arch whose rules the filter holds for a call on arch: the compiler
 * (as Docker) picks the rules that apply to the native arch and puts them in
 * every section of the filter, its sub-arches' too (x86 and x32 beside
 * x86_64, arm beside aarch64). R7 (tests/integration/test_model_kernel.c)
 * found the model judging an int 0x80 call's includes.arches by x86. */
static uint32_t rule_arch(uint32_t arch)
{
    uint32_t native = seccomp_arch_native();
    if ((native == SCMP_ARCH_X86_64 && (arch == SCMP_ARCH_X86 || arch == SCMP_ARCH_X32)) ||
        (native == SCMP_ARCH_AARCH64 && arch == SCMP_ARCH_ARM))
        return native;
    return arch;
}

static int eval_core(const struct seccomp_profile *p, uint64_t caps, uint32_t arch, int nr,
                     const char *syscall, const uint64_t *args, long last_known,
                     struct sc_verdict *out);

int seccomp_profile_eval_last(const struct seccomp_profile *p, uint64_t caps,
                              uint32_t arch, const char *syscall, const uint64_t *args,
                              long last_known, struct sc_verdict *out)
{
    memset(out, 0, sizeof *out);
    if (!arch)
        arch = seccomp_arch_native();
    int nr = seccomp_syscall_resolve_name_arch(arch, syscall);
    if (nr == __NR_SCMP_ERROR) {
        if (!profile_names(p, syscall))
            return -1;
        out->unresolved = true;
    } else if (nr < 0) {
        return -1;     /* exists on other architectures only */
    }
    return eval_core(p, caps, arch, nr, syscall, args, last_known, out);
}

int seccomp_profile_eval_nr(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                            int nr, const char *syscall, const uint64_t *args,
                            long last_known, struct sc_verdict *out)
{
    memset(out, 0, sizeof *out);
    return eval_core(p, caps, arch ? arch : seccomp_arch_native(), nr, syscall, args,
                     last_known, out);
}

static int eval_core(const struct seccomp_profile *p, uint64_t caps, uint32_t arch, int nr,
                     const char *syscall, const uint64_t *args, long last_known,
                     struct sc_verdict *out)
{
    unsigned long kver = kernel_version_code();
    long last = -1;
    if (nr >= 0 && !out->unresolved)
        last = last_known != SC_LAST_UNKNOWN ? last_known : sc_enosys_last(p, caps, arch, kver);
    if (last >= 0 && nr > last) {
        /* runc's stub answers before any rule is looked at */
        out->action = SC_ACT_ERRNO;
        out->errno_ret = ENOSYS;
        out->newer_than_profile = true;
        out->profile_last = last;
        return 0;
    }
    uint32_t def = default_scmp(p);
    const struct sc_rule *uncond = NULL, *cond = NULL, *same_as_default = NULL;
    for (size_t i = 0; i < p->nrules; i++) {
        const struct sc_rule *r = &p->rules[i];
        if (!seccomp_rule_names(r, syscall) || !seccomp_rule_applies(r, caps, rule_arch(arch), kver))
            continue;
        if (rule_scmp(r) == def) {
            if (!same_as_default && (!r->nargs || !args || conditions_hold(r, args)))
                same_as_default = r;
            continue;
        }
        if (!r->nargs) {
            uncond = r;
            break;
        }
        if (!cond && (!args || conditions_hold(r, args)))
            cond = r;
    }
    const struct sc_rule *r = uncond ? uncond : cond;
    if (r && !out->unresolved) {
        out->action = r->action;
        out->errno_ret = r->has_errno ? r->errno_ret : EPERM;
        if (out->errno_ret > SC_MAX_ERRNO)
            out->errno_ret = SC_MAX_ERRNO;
        out->rule = r;
        out->conditional = !uncond && !args;
        return 0;
    }
    out->action = p->default_action;
    out->errno_ret = p->has_default_errno ? p->default_errno : EPERM;
    if (out->errno_ret > SC_MAX_ERRNO)
        out->errno_ret = SC_MAX_ERRNO;
    out->rule = same_as_default;
    if (out->unresolved && r) {
        /* what the profile meant; the compiled filter applies the default */
        out->rule = r;
    }
    return 0;
}

/* ---- compiling -------------------------------------------------------------- */

static void cleanup_scmp(scmp_filter_ctx *c)
{
    if (*c)
        seccomp_release(*c);
}

struct warner {
    seccomp_warn_fn fn;
    void *ud;
    int *count;
    const char **seen;     /* names already reported */
    size_t nseen;
};

static void warn_unknown(struct warner *w, const struct seccomp_profile *p,
                         const struct sc_rule *r, size_t ri, const char *name)
{
    /* A real syscall newer than this libseccomp is no mistake of the
     * profile's: `isolab lint` notes it; the kernel applies the default. */
    if (syscall_is_newer_than_libseccomp(name))
        return;
    for (size_t i = 0; i < w->nseen; i++)
        if (strcmp(w->seen[i], name) == 0)
            return;
    const char **s = realloc(w->seen, (w->nseen + 1) * sizeof *s);
    if (s) {
        s[w->nseen++] = name;
        w->seen = s;
    }
    if (w->count)
        (*w->count)++;
    if (w->fn) {
        char msg[512];
        snprintf(msg, sizeof msg, "seccomp: %s:%d:%d: syscalls[%zu]: unknown syscall \"%s\" "
                 "skipped (libseccomp %u.%u.%u does not know it on %s; the default action "
                 "applies to it)", p->path, r->line, r->column, ri, name,
                 seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro,
                 sc_arch_label(seccomp_arch_native()));
        isolab_escape_inplace(msg, sizeof msg);
        w->fn(w->ud, msg);
    }
}

static void warn_arch(struct warner *w, const struct seccomp_profile *p, uint32_t arch)
{
    if (w->count)
        (*w->count)++;
    if (w->fn) {
        char msg[512];
        const char *n = sc_arch_scmp_name(arch);
        snprintf(msg, sizeof msg, "seccomp: %s: architecture %s is not supported by this "
                 "libseccomp; it is left out of the filter", p->path, n ? n : "?");
        w->fn(w->ud, msg);
    }
}

static int add_arches(scmp_filter_ctx ctx, const struct seccomp_profile *p,
                      struct warner *w, struct isolab_err *err)
{
    uint32_t native = seccomp_arch_native();
    const uint32_t *list = p->arches;
    size_t n = p->narches;
    if (p->narchmap) {
        /* Docker takes the entry of the native arch and its sub-arches. */
        list = NULL;
        n = 0;
        for (size_t i = 0; i < p->narchmap; i++)
            if (p->archmap[i].arch == native) {
                list = p->archmap[i].subs;
                n = p->archmap[i].nsubs;
                break;
            }
    }
    for (size_t i = 0; i < n; i++) {
        if (list[i] == native)
            continue;
        int rc = seccomp_arch_add(ctx, list[i]);
        if (rc == -EEXIST)
            continue;
        if (rc == -EINVAL || rc == -EDOM) {
            warn_arch(w, p, list[i]);
            continue;
        }
        if (rc < 0)
            return isolab_err_set(err, -rc, "seccomp: %s: adding architecture %s: %s",
                                  p->path, sc_arch_scmp_name(list[i]), strerror(-rc));
    }
    return 0;
}

/* libseccomp refuses errno values from 4095 up, which the kernel accepts
 * (and caps at 4095): such rules are compiled with an unused errno as a
 * marker, and the marker's return instructions are patched afterwards. */
static uint32_t big_errno_marker(const struct seccomp_profile *p)
{
    bool big = p->has_default_errno && p->default_errno >= SC_MAX_ERRNO;
    for (size_t i = 0; !big && i < p->nrules; i++)
        big = p->rules[i].has_errno && p->rules[i].errno_ret >= SC_MAX_ERRNO;
    if (!big)
        return 0;
    for (uint32_t m = SC_MAX_ERRNO - 1; m > 3000; m--) {
        bool used = p->has_default_errno && p->default_errno == m;
        for (size_t i = 0; !used && i < p->nrules; i++)
            used = p->rules[i].has_errno && p->rules[i].errno_ret == m;
        if (!used)
            return m;
    }
    return 0;
}

static uint32_t compile_action(uint32_t act, uint32_t marker)
{
    if (marker && (act & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO &&
        (act & SECCOMP_RET_DATA) >= SC_MAX_ERRNO)
        return SCMP_ACT_ERRNO(marker);
    return act;
}

static void patch_marker(struct sock_fprog *prog, uint32_t marker)
{
    for (unsigned i = 0; marker && i < prog->len; i++) {
        struct sock_filter *f = &prog->filter[i];
        if (f->code == (BPF_RET | BPF_K) && f->k == SCMP_ACT_ERRNO(marker))
            f->k = SECCOMP_RET_ERRNO | SC_MAX_ERRNO;
    }
}

struct compile_map;
static uint32_t map_rule_action(const struct compile_map *m, uint32_t act);

static int add_rule(scmp_filter_ctx ctx, const struct seccomp_profile *p,
                    const struct sc_rule *r, size_t ri, const char *name, int nr,
                    uint32_t marker, const struct compile_map *m, struct isolab_err *err)
{
    struct scmp_arg_cmp conds[6 * 7];
    size_t n = r->nargs < 42 ? r->nargs : 42;
    for (size_t i = 0; i < n; i++)
        conds[i] = (struct scmp_arg_cmp){ r->args[i].index, (enum scmp_compare)r->args[i].op,
                                          r->args[i].value, r->args[i].value_two };
    uint32_t act = m ? map_rule_action(m, rule_scmp(r)) : compile_action(rule_scmp(r), marker);
    int rc = 0;
    if (args_repeat_index(r)) {
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = seccomp_rule_add_array(ctx, act, nr, 1, &conds[i]);
    } else {
        rc = seccomp_rule_add_array(ctx, act, nr, (unsigned int)n, conds);
    }
    if (rc == 0)
        return 0;
    if (rc == -EEXIST) {
        isolab_err_set(err, EEXIST, "seccomp: %s:%d:%d: syscalls[%zu]: the rule for \"%s\" "
                       "conflicts with an earlier rule: same argument conditions, different "
                       "action", p->path, r->line, r->column, ri, name);
        isolab_err_hint(err, "libseccomp cannot hold both; merge the two rules or give them "
                        "different argument conditions");
        return -1;
    }
    isolab_err_set(err, -rc, "seccomp: %s:%d:%d: syscalls[%zu]: libseccomp refused the rule "
                   "for \"%s\": %s", p->path, r->line, r->column, ri, name, strerror(-rc));
    isolab_err_hint(err, "check the rule's argument conditions (index 0-5, one operator each)");
    return -1;
}

/* libseccomp 2.5 has no export to memory: export into a memfd, read back. */
static int export_bpf(scmp_filter_ctx ctx, const struct seccomp_profile *p,
                      struct sock_fprog *prog, struct isolab_err *err)
{
    _cleanup_close_ int fd = memfd_create("isolab-seccomp-bpf", MFD_CLOEXEC);
    if (fd < 0)
        return isolab_err_set(err, errno, "seccomp: memfd_create: %s", strerror(errno));
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0)
        return isolab_err_set(err, -rc, "seccomp: %s: exporting the filter: %s", p->path,
                              strerror(-rc));
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || size % (off_t)sizeof(struct sock_filter))
        return isolab_err_set(err, EIO, "seccomp: %s: libseccomp exported %lld bytes, not a "
                              "whole number of BPF instructions", p->path, (long long)size);
    long long ninsns = (long long)(size / (off_t)sizeof(struct sock_filter));
    if (ninsns > BPF_MAXINSNS) {
        isolab_err_set(err, E2BIG, "seccomp: %s: the compiled filter has %lld BPF instructions, "
                       "more than the kernel loads (BPF_MAXINSNS, %d)", p->path, ninsns,
                       BPF_MAXINSNS);
        isolab_err_hint(err, "each argument condition costs instructions: use fewer rules with "
                        "arguments, or merge rules that share an action");
        return -1;
    }
    struct sock_filter *f = malloc((size_t)size);
    if (!f)
        return isolab_err_set(err, ENOMEM, "seccomp: out of memory");
    if (pread(fd, f, (size_t)size, 0) != size) {
        free(f);
        return isolab_err_set(err, errno ? errno : EIO, "seccomp: reading the filter back: %s",
                              strerror(errno ? errno : EIO));
    }
    prog->filter = f;
    prog->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
    return 0;
}

/* The distinct actions of the plain filter for caps, as libseccomp values:
 * [0] the default's, then each applicable rule's that differs from it, in
 * the order of the rules. Returns how many (at most max). */
size_t seccomp_profile_actions(const struct seccomp_profile *p, uint64_t caps, uint32_t *acts,
                               size_t max)
{
    uint32_t native = seccomp_arch_native();
    unsigned long kver = kernel_version_code();
    size_t n = 0;
    if (max)
        acts[n++] = default_scmp(p);
    for (size_t ri = 0; ri < p->nrules && n < max; ri++) {
        if (!seccomp_rule_applies(&p->rules[ri], caps, native, kver))
            continue;
        uint32_t a = rule_scmp(&p->rules[ri]);
        size_t k;
        for (k = 0; k < n && acts[k] != a; k++)
            ;
        if (k == n)
            acts[n++] = a;
    }
    return n;
}

/* In a mapped compile each distinct action k is compiled as ERRNO(base + k):
 * libseccomp builds the very tree of the plain filter (one class per action,
 * as there), and only the return values differ. */
static uint32_t mapped_action(const uint32_t *acts, size_t nacts, uint32_t act)
{
    for (size_t k = 0; k < nacts; k++)
        if (acts[k] == act)
            return SCMP_ACT_ERRNO(SC_MARKER_BASE + (uint32_t)k);
    return act;
}

static void patch_mapped(struct sock_fprog *prog, const uint32_t *ret, size_t nacts)
{
    for (unsigned i = 0; ret && i < prog->len; i++) {
        struct sock_filter *f = &prog->filter[i];
        if (f->code != (BPF_RET | BPF_K) || (f->k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ERRNO)
            continue;
        uint32_t d = f->k & SECCOMP_RET_DATA;
        if (d >= SC_MARKER_BASE && d < SC_MARKER_BASE + nacts)
            f->k = ret[d - SC_MARKER_BASE];
    }
}

struct compile_map {
    bool on;
    const uint32_t *ret;       /* NULL: keep the markers */
    uint32_t acts[SC_MARKER_MAX];
    size_t nacts;
};

static int compile_core(const struct seccomp_profile *p, uint64_t caps,
                        const struct compile_map *m, struct sock_fprog *prog,
                        unsigned int *flags, seccomp_warn_fn warn, void *ud, int *nwarnings,
                        struct isolab_err *err)
{
    struct warner w = { warn, ud, nwarnings, NULL, 0 };
    prog->filter = NULL;
    prog->len = 0;
    if (nwarnings)
        *nwarnings = 0;
    uint32_t def = default_scmp(p);
    uint32_t marker = m->on ? 0 : big_errno_marker(p);
    __attribute__((cleanup(cleanup_scmp))) scmp_filter_ctx ctx =
        seccomp_init(m->on ? mapped_action(m->acts, m->nacts, def) : compile_action(def, marker));
    if (!ctx)
        return isolab_err_set(err, ENOMEM, "seccomp: %s: seccomp_init failed", p->path);
    /* The launcher sets no_new_privs itself when asked; loading without it
     * is allowed with CAP_SYS_ADMIN (DESIGN.md, order of application). */
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    /* A binary tree keeps large profiles fast; ignored where unsupported. */
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    int rc = add_arches(ctx, p, &w, err);

    uint32_t native = seccomp_arch_native();
    unsigned long kver = kernel_version_code();
    bool notify = false;
    for (size_t ri = 0; rc == 0 && ri < p->nrules; ri++) {
        const struct sc_rule *r = &p->rules[ri];
        if (!seccomp_rule_applies(r, caps, native, kver))
            continue;
        /* libseccomp refuses a rule that repeats the default (EACCES); it
         * would change nothing. */
        if (rule_scmp(r) == def)
            continue;
        for (size_t k = 0; rc == 0 && k < r->nnames; k++) {
            int nr = seccomp_syscall_resolve_name(r->names[k]);
            if (nr == __NR_SCMP_ERROR) {
                warn_unknown(&w, p, r, ri, r->names[k]);
                continue;
            }
            rc = add_rule(ctx, p, r, ri, r->names[k], nr, marker, m->on ? m : NULL, err);
            if (rc == 0 && r->action == SC_ACT_NOTIFY)
                notify = true;
        }
    }
    free(w.seen);
    if (rc < 0)
        return -1;
    if (export_bpf(ctx, p, prog, err) < 0)
        return -1;
    patch_marker(prog, marker);
    if (m->on)
        patch_mapped(prog, m->ret, m->nacts);
    if (sc_enosys_prepend(p, caps, kver, prog, err) < 0) {
        free(prog->filter);
        prog->filter = NULL;
        prog->len = 0;
        return -1;
    }
    /* Ranges for libseccomp's one comparison per syscall (seccomp_compact.c):
     * under a third of the instructions for Docker's profile, the same
     * verdicts. Out of memory it stays as it was. */
    if (sc_bpf_compact_wanted())
        (void)sc_bpf_compact(prog);
    unsigned int fl = p->flags;
    if (notify && p->listener_path && !m->on) {
        fl |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        if (fl & SECCOMP_FILTER_FLAG_TSYNC)
            fl |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
    if (flags)
        *flags = fl;
    return 0;
}

int seccomp_profile_compile(const struct seccomp_profile *p, uint64_t caps,
                            struct sock_fprog *prog, unsigned int *flags,
                            seccomp_warn_fn warn, void *ud, int *nwarnings,
                            struct isolab_err *err)
{
    struct compile_map m = { .on = false };
    return compile_core(p, caps, &m, prog, flags, warn, ud, nwarnings, err);
}

int seccomp_profile_compile_mapped(const struct seccomp_profile *p, uint64_t caps,
                                   const uint32_t *ret, size_t nret, struct sock_fprog *prog,
                                   unsigned int *flags, struct isolab_err *err)
{
    struct compile_map m = { .on = true, .ret = ret };
    m.nacts = seccomp_profile_actions(p, caps, m.acts, SC_MARKER_MAX);
    if (m.nacts >= SC_MARKER_MAX)
        return isolab_err_set(err, E2BIG, "seccomp: %s: more than %d distinct actions; a "
                              "mapped (live or marker) filter holds at most %d", p->path,
                              SC_MARKER_MAX - 1, SC_MARKER_MAX - 1);
    if (ret && nret < m.nacts)
        return isolab_err_set(err, EINVAL, "seccomp: %s: %zu return values for %zu actions",
                              p->path, nret, m.nacts);
    return compile_core(p, caps, &m, prog, flags, NULL, NULL, NULL, err);
}

static uint32_t map_rule_action(const struct compile_map *m, uint32_t act)
{
    return mapped_action(m->acts, m->nacts, act);
}
