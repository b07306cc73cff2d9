/* The seccomp profile linter: what the loader reports, then what the model
 * says about the profile's names and rules, then what the profile does to
 * real programs (bypasses, launch, libc fallbacks). */
#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "lint_int.h"
#include "layer.h"
#include "escape.h"
#include "sc_diff.h"
#include "seccomp_int.h"
#include "syscall_info.h"

const char *lint_severity_name(enum lint_severity s)
{
    switch (s) {
    case LINT_NOTE: return "note";
    case LINT_WARNING: return "warning";
    case LINT_ERROR: return "error";
    }
    return "?";
}

void lint_options_init(struct lint_options *o)
{
    o->caps = caps_docker_default();
    o->arch = 0;
}

struct lint_ctx {
    const char *text;
    size_t len;
    const struct seccomp_profile *p;
    struct lint_report *rep;
    uint32_t arch;
    uint64_t caps;
    int oom;
};

struct lint_finding *lint_add(struct lint_report *rep, enum lint_severity sev,
                                const char *code, int line, int col, const char *fmt, ...)
{
    if (rep->n == rep->cap) {
        size_t nc = rep->cap ? rep->cap * 2 : 16;
        struct lint_finding *nf = realloc(rep->findings, nc * sizeof *nf);
        if (!nf)
            return NULL;
        rep->findings = nf;
        rep->cap = nc;
    }
    struct lint_finding *f = &rep->findings[rep->n++];
    memset(f, 0, sizeof *f);
    f->severity = sev;
    snprintf(f->code, sizeof f->code, "%s", code);
    f->line = line;
    f->column = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    isolab_escape_inplace(f->message, sizeof f->message);
    if (sev == LINT_ERROR)
        rep->nerrors++;
    else if (sev == LINT_WARNING)
        rep->nwarnings++;
    else
        rep->nnotes++;
    return f;
}

void lint_hint(struct lint_finding *f, const char *fmt, ...)
{
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->hint, sizeof f->hint, fmt, ap);
    va_end(ap);
    isolab_escape_inplace(f->hint, sizeof f->hint);
}

/* "NAME:L:C: rest" -> line, col and a pointer to rest; 0 if not found. */
const char *lint_split_location(const char *msg, const char *name, int *line, int *col)
{
    const char *at = name && *name ? strstr(msg, name) : NULL;
    if (!at)
        return NULL;
    at += strlen(name);
    int l = 0, c = 0, used = 0;
    if (sscanf(at, ":%d:%d:%n", &l, &c, &used) == 2 && used > 0) {
        *line = l;
        *col = c;
        at += used;
        while (*at == ' ')
            at++;
        return at;
    }
    return NULL;
}

static void locate(const struct lint_ctx *c, size_t rule, const char *sub, int *line, int *col)
{
    char path[96];
    *line = *col = 0;
    if (!c->text)
        return;
    if (sub)
        snprintf(path, sizeof path, "syscalls[%zu].%s", rule, sub);
    else
        snprintf(path, sizeof path, "syscalls[%zu]", rule);
    sc_json_locate(c->text, c->len, path, false, line, col);
}

/* ---- names ------------------------------------------------------------------- */

static const uint32_t all_arches[] = {
    SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64, SCMP_ARCH_ARM,
    SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL,
    SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PPC, SCMP_ARCH_PPC64,
    SCMP_ARCH_PPC64LE, SCMP_ARCH_S390, SCMP_ARCH_S390X, SCMP_ARCH_RISCV64,
};

static bool exists_on(uint32_t arch, const char *name)
{
    return seccomp_syscall_resolve_name_arch(arch, name) >= 0;
}

/* The arches a rule is meant for: its includes.arches, else the profile's,
 * else the native one. */
static size_t rule_scope(const struct lint_ctx *c, const struct sc_rule *r,
                         uint32_t *out, size_t max)
{
    size_t n = 0;
    if (r->includes.narches && r->includes.arch_tokens) {
        for (size_t i = 0; i < r->includes.narches && n < max; i++)
            if (r->includes.arch_tokens[i])
                out[n++] = r->includes.arch_tokens[i];
        if (n)
            return n;
    }
    for (size_t i = 0; i < c->p->narches && n < max; i++)
        out[n++] = c->p->arches[i];
    if (!n)
        out[n++] = c->arch;
    return n;
}

/* Names that are one syscall spelled two ways: the kernel's ARM table
 * calls sync_file_range2 arm_sync_file_range, and profiles list both. */
static const char *const aliases[][2] = {
    {"sync_file_range2", "arm_sync_file_range"},
};

static bool alias_in_rule(const struct sc_rule *r, const char *nm, const uint32_t *scope, size_t ns)
{
    for (size_t a = 0; a < sizeof aliases / sizeof aliases[0]; a++) {
        const char *other = !strcmp(aliases[a][0], nm) ? aliases[a][1] :
                            !strcmp(aliases[a][1], nm) ? aliases[a][0] : NULL;
        if (!other)
            continue;
        for (size_t j = 0; j < r->nnames; j++)
            if (!strcmp(r->names[j], other))
                for (size_t k = 0; k < ns; k++)
                    if (exists_on(scope[k], other))
                        return true;
    }
    return false;
}

static void check_names(struct lint_ctx *c, const char *const *native, size_t nnative)
{
    char newer[512] = "";
    size_t newer_off = 0;
    int newer_line = 0, newer_col = 0;
    for (size_t i = 0; i < c->p->nrules; i++) {
        const struct sc_rule *r = &c->p->rules[i];
        uint32_t scope[32];
        size_t ns = rule_scope(c, r, scope, 32);
        for (size_t j = 0; j < r->nnames; j++) {
            const char *nm = r->names[j];
            bool ok = false;
            for (size_t k = 0; k < ns && !ok; k++)
                ok = exists_on(scope[k], nm);
            if (ok || alias_in_rule(r, nm, scope, ns))
                continue;
            char sub[48], where[256] = "", there[256] = "";
            snprintf(sub, sizeof sub, "names[%zu]", j);
            int line, col;
            locate(c, i, sub, &line, &col);
            size_t off = 0;
            for (size_t k = 0; k < ns && off < sizeof where; k++)
                off += snprintf(where + off, sizeof where - off, "%s%s", k ? ", " : "",
                                sc_arch_label(scope[k]));
            off = 0;
            for (size_t k = 0; k < sizeof all_arches / sizeof all_arches[0]; k++)
                if (exists_on(all_arches[k], nm) && off < sizeof there)
                    off += snprintf(there + off, sizeof there - off, "%s%s", off ? ", " : "",
                                    sc_arch_label(all_arches[k]));
            struct lint_finding *f;
            if (*there) {
                f = lint_add(c->rep, LINT_WARNING, "other-arch", line, col,
                        "syscalls[%zu]: '%s' is not a syscall on %s; it exists only on %s",
                        i, nm, where, there);
                lint_hint(f, "put it in a rule with \"includes\": {\"arches\": [...]} for those "
                     "architectures, or remove it (on %s it is skipped)", where);
            } else if (syscall_is_newer_than_libseccomp(nm)) {
                /* One note for all of them, at the first. */
                if (!newer_off) {
                    newer_line = line;
                    newer_col = col;
                }
                if (newer_off < sizeof newer && !strstr(newer, nm))
                    newer_off += snprintf(newer + newer_off, sizeof newer - newer_off, "%s%s",
                                          newer_off ? ", " : "", nm);
                continue;
            } else {
                const char *sug = sc_suggest(nm, native, nnative);
                f = lint_add(c->rep, LINT_WARNING, "unknown-syscall", line, col,
                        "syscalls[%zu]: '%s' is not a syscall on any architecture "
                        "libseccomp knows; it is skipped (as runc does)", i, nm);
                if (sug)
                    lint_hint(f, "did you mean '%s'?", sug);
                else
                    lint_hint(f, "check the spelling against `isolab syscalls` or man 2 syscalls");
            }
            if (!f)
                c->oom = 1;
        }
    }
    if (newer_off) {
        struct lint_finding *f = lint_add(c->rep, LINT_NOTE, "newer-syscall", newer_line, newer_col,
            "%s %s newer than the libseccomp isolab uses (%u.%u.%u): the compiled filter "
            "skips %s, so the kernel gives %s the default action",
            newer, strchr(newer, ',') ? "are" : "is", seccomp_version()->major,
            seccomp_version()->minor, seccomp_version()->micro,
            strchr(newer, ',') ? "them" : "it", strchr(newer, ',') ? "them" : "it");
        lint_hint(f, "nothing to fix in the profile; a newer libseccomp resolves %s",
             strchr(newer, ',') ? "them" : "it");
        if (!f)
            c->oom = 1;
    }
}

/* ---- rules -------------------------------------------------------------------- */

static bool str_in(const char *s, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, v[i]))
            return true;
    return false;
}

/* Does e apply in every situation (caps, arch, kernel) in which r applies? */
static bool covers(const struct sc_rule *e, const struct sc_rule *r)
{
    if ((e->includes.cap_mask & ~r->includes.cap_mask) || e->includes.cap_unknown)
        return false;
    if (e->excludes.cap_mask & ~r->excludes.cap_mask)
        return false;
    if (e->includes.narches) {
        if (!r->includes.narches)
            return false;
        for (size_t i = 0; i < r->includes.narches; i++)
            if (!str_in(r->includes.arches[i], e->includes.arches, e->includes.narches))
                return false;
    }
    for (size_t i = 0; i < e->excludes.narches; i++)
        if (!str_in(e->excludes.arches[i], r->excludes.arches, r->excludes.narches))
            return false;
    if (e->includes.min_kver && r->includes.min_kver < e->includes.min_kver)
        return false;
    if (e->excludes.min_kver &&
        (!r->excludes.min_kver || r->excludes.min_kver > e->excludes.min_kver))
        return false;
    return true;
}

static bool same_args(const struct sc_rule *a, const struct sc_rule *b)
{
    if (a->nargs != b->nargs)
        return false;
    for (size_t i = 0; i < a->nargs; i++)
        if (a->args[i].index != b->args[i].index || a->args[i].op != b->args[i].op ||
            a->args[i].value != b->args[i].value || a->args[i].value_two != b->args[i].value_two)
            return false;
    return true;
}

static bool same_action(const struct sc_rule *a, const struct sc_rule *b)
{
    return a->action == b->action &&
           (a->action != SC_ACT_ERRNO || sc_rule_errno(a) == sc_rule_errno(b));
}

static bool is_default(const struct seccomp_profile *p, const struct sc_rule *r)
{
    return r->action == p->default_action &&
           (r->action != SC_ACT_ERRNO || sc_rule_errno(r) == sc_default_errno(p));
}

static void check_rules(struct lint_ctx *c)
{
    const struct seccomp_profile *p = c->p;
    for (size_t i = 0; i < p->nrules; i++) {
        const struct sc_rule *r = &p->rules[i];
        int line, col;
        locate(c, i, NULL, &line, &col);
        struct lint_finding *f = NULL;
        uint64_t both = r->includes.cap_mask & r->excludes.cap_mask;
        if (both) {
            int cap = __builtin_ctzll(both);
            f = lint_add(c->rep, LINT_WARNING, "never-matches", line, col,
                    "syscalls[%zu] never applies: it both includes and excludes %s",
                    i, isolab_cap_name(cap));
            lint_hint(f, "keep the capability in one of includes.caps / excludes.caps");
            continue;
        }
        if (r->includes.narches && r->excludes.narches) {
            bool all = true;
            for (size_t k = 0; k < r->includes.narches; k++)
                all &= str_in(r->includes.arches[k], r->excludes.arches, r->excludes.narches);
            if (all) {
                f = lint_add(c->rep, LINT_WARNING, "never-matches", line, col,
                        "syscalls[%zu] never applies: every architecture it includes is "
                        "also excluded", i);
                lint_hint(f, "remove the architectures from one of includes / excludes");
                continue;
            }
        }
        if (is_default(p, r)) {
            char act[64];
            sc_action_str(r->action, sc_rule_errno(r), act, sizeof act);
            f = lint_add(c->rep, LINT_NOTE, "redundant", line, col,
                    "syscalls[%zu] (%s%s) does what defaultAction already does (%s); "
                    "libseccomp leaves it out of the filter", i, r->nnames ? r->names[0] : "",
                    r->nnames > 1 ? ", ..." : "", act);
            lint_hint(f, "harmless; it documents intent, but only while the default stays %s", act);
            continue;
        }
        /* Earlier identical rules, and unconditional rules that decide
         * every case in which this one applies. */
        for (size_t k = 0; k < p->nrules; k++) {
            const struct sc_rule *e = &p->rules[k];
            if (k == i || e->nargs || !covers(e, r) || is_default(p, e))
                continue;
            if (k > i && r->nargs == 0)
                continue;   /* among unconditional rules the first one decides */
            char names[400] = "";
            size_t off = 0, cnt = 0;
            for (size_t j = 0; j < r->nnames; j++)
                if (seccomp_rule_names(e, r->names[j])) {
                    if (off < sizeof names)
                        off += snprintf(names + off, sizeof names - off, "%s%s",
                                        cnt ? ", " : "", r->names[j]);
                    cnt++;
                }
            if (!cnt)
                continue;
            bool dup = same_action(e, r) && same_args(e, r);
            int eline, ecol;
            locate(c, k, NULL, &eline, &ecol);
            if (dup) {
                f = lint_add(c->rep, LINT_WARNING, "duplicate", line, col,
                        "syscalls[%zu] repeats syscalls[%zu] (line %d) for %s: same action, "
                        "and that rule already applies whenever this one does",
                        i, k, eline, names);
                lint_hint(f, "remove %s from one of the two rules", cnt > 1 ? "the names" : "the name");
            } else {
                f = lint_add(c->rep, LINT_WARNING, "never-matches", line, col,
                        "syscalls[%zu] never decides %s: syscalls[%zu] (line %d) has no argument "
                        "conditions and applies whenever this rule does, so it decides first",
                        i, names, k, eline);
                lint_hint(f, "remove the name from syscalls[%zu], or narrow that rule with "
                     "includes/excludes", k);
            }
            break;
        }
    }
}

/* ---- behaviour ---------------------------------------------------------------- */

enum stance { ST_ABSENT, ST_ALLOWED, ST_COND_ALLOWED, ST_DENIED, ST_OTHER };

static enum stance stance(const struct lint_ctx *c, const char *name, struct sc_verdict *v)
{
    struct sc_verdict tmp;
    if (!v)
        v = &tmp;
    if (seccomp_profile_eval(c->p, c->caps, c->arch, name, NULL, v) < 0)
        return ST_ABSENT;
    switch (v->action) {
    case SC_ACT_ALLOW:
    case SC_ACT_LOG:
        return v->conditional ? ST_COND_ALLOWED : ST_ALLOWED;
    case SC_ACT_ERRNO:
    case SC_ACT_KILL:
    case SC_ACT_KILL_THREAD:
    case SC_ACT_KILL_PROCESS:
    case SC_ACT_TRAP:
        return v->conditional ? ST_OTHER : ST_DENIED;
    default:
        return ST_OTHER;
    }
}

static void rule_location(const struct lint_ctx *c, const struct sc_verdict *v, int *line, int *col)
{
    *line = *col = 0;
    if (v->rule) {
        size_t idx = (size_t)(v->rule - c->p->rules);
        locate(c, idx, NULL, line, col);
        if (!*line) {
            *line = v->rule->line;
            *col = v->rule->column;
        }
    }
}

struct family {
    const char *members[6];
    const char *why;
};

static const struct family families[] = {
    {{"chmod", "fchmod", "fchmodat", "fchmodat2"},
     "each of them changes a file's mode; fchmodat2 (Linux 6.6) is what newer glibc calls"},
    {{"open", "openat", "openat2"},
     "each of them opens files; glibc's open() calls openat, and aarch64 has no open at all"},
    {{"chown", "fchown", "fchownat", "lchown"}, "each of them changes a file's owner"},
    {{"unlink", "unlinkat"}, "each of them removes files"},
    {{"rename", "renameat", "renameat2"}, "each of them renames files"},
    {{"execve", "execveat"}, "each of them runs a program"},
    {{"mkdir", "mkdirat"}, "each of them creates directories"},
    {{"mknod", "mknodat"}, "each of them creates device nodes"},
    {{"link", "linkat"}, "each of them creates hard links"},
    {{"symlink", "symlinkat"}, "each of them creates symbolic links"},
    {{"setxattr", "lsetxattr", "fsetxattr"}, "each of them sets extended attributes"},
};

/* Which member the everyday tools call: denying another one alone leaves
 * the tool working, which a learner sees as the profile not working. */
static const struct { const char *family, *how; } family_tools[] = {
    {"chmod", "the shell's chmod (coreutils) calls fchmodat (fchmodat2 with glibc 2.39+)"},
    {"open", "glibc's open() calls openat"},
    {"chown", "the shell's chown (coreutils) calls fchownat"},
    {"unlink", "the shell's rm (coreutils) calls unlinkat"},
    {"rename", "the shell's mv (coreutils) calls renameat2"},
    {"mkdir", "the shell's mkdir (coreutils) calls mkdirat"},
};

const char *const *lint_syscall_family(const char *name, const char **how)
{
    for (size_t fi = 0; fi < sizeof families / sizeof families[0]; fi++)
        for (size_t k = 0; k < 6 && families[fi].members[k]; k++) {
            if (strcmp(families[fi].members[k], name))
                continue;
            *how = NULL;
            for (size_t j = 0; j < sizeof family_tools / sizeof family_tools[0]; j++)
                if (!strcmp(family_tools[j].family, families[fi].members[0]))
                    *how = family_tools[j].how;
            return families[fi].members;
        }
    return NULL;
}

static void list_join(char *buf, size_t n, const char *const *v, size_t cnt)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < cnt && off < n; i++)
        off += snprintf(buf + off, n - off, "%s%s", i ? ", " : "", v[i]);
}

static void check_families(struct lint_ctx *c)
{
    for (size_t fi = 0; fi < sizeof families / sizeof families[0]; fi++) {
        const char *denied[6], *allowed[6];
        size_t nd = 0, na = 0;
        struct sc_verdict first_denied = {0};
        for (size_t k = 0; k < 6 && families[fi].members[k]; k++) {
            struct sc_verdict v;
            enum stance s = stance(c, families[fi].members[k], &v);
            if (s == ST_DENIED && v.rule) {
                /* Denied by a rule that names it: the author meant to stop
                 * this operation. (Left to the default, it is just not on
                 * an allowlist, which is no bypass.) */
                if (!nd)
                    first_denied = v;
                denied[nd++] = families[fi].members[k];
            } else if (s == ST_ALLOWED || s == ST_COND_ALLOWED) {
                allowed[na++] = families[fi].members[k];
            }
        }
        if (!nd || !na)
            continue;
        char dl[160], al[160];
        list_join(dl, sizeof dl, denied, nd);
        list_join(al, sizeof al, allowed, na);
        int line, col;
        rule_location(c, &first_denied, &line, &col);
        struct lint_finding *f = lint_add(c->rep, LINT_WARNING, "bypass", line, col,
            "%s %s denied but %s %s allowed: %s, so a program calls %s instead",
            dl, nd > 1 ? "are" : "is", al, na > 1 ? "are" : "is", families[fi].why, allowed[0]);
        lint_hint(f, "deny %s too (add %s to the rule's names)", al, na > 1 ? "them" : "it");
    }

    /* clone's flags filtered, clone3 open: clone3 passes its flags in a
     * struct that seccomp cannot read. */
    struct sc_verdict vc;
    if (stance(c, "clone", &vc) == ST_COND_ALLOWED && stance(c, "clone3", NULL) == ST_ALLOWED) {
        int line, col;
        rule_location(c, &vc, &line, &col);
        struct lint_finding *f = lint_add(c->rep, LINT_WARNING, "bypass", line, col,
            "clone is allowed only with some flags, but clone3 is allowed: clone3 takes "
            "the same flags in a struct that seccomp cannot inspect, so the filter on "
            "clone's flags is bypassed");
        lint_hint(f, "give clone3 {\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38} (ENOSYS) so "
             "that libc falls back to the filtered clone, as Docker does");
    }

    /* io_uring: performs file and network operations without the syscalls. */
    static const char *const uring_ops[] = {
        "read", "write", "openat", "openat2", "close", "statx", "connect", "accept", "accept4",
        "socket", "sendmsg", "recvmsg", "sendto", "recvfrom", "shutdown", "renameat2",
        "unlinkat", "mkdirat", "symlinkat", "linkat", "fsync", "fallocate", "splice", "tee",
        "setxattr", "fsetxattr", "getxattr", "fgetxattr", "madvise", "fadvise64", "bind",
        "listen", "ftruncate", "waitid", "futex_wait", "futex_wake",
    };
    const char *blocked[8];
    size_t nb = 0, total = 0;
    if (stance(c, "io_uring_setup", NULL) == ST_ALLOWED &&
        stance(c, "io_uring_enter", NULL) == ST_ALLOWED) {
        for (size_t k = 0; k < sizeof uring_ops / sizeof uring_ops[0]; k++)
            if (stance(c, uring_ops[k], NULL) == ST_DENIED) {
                if (nb < 8)
                    blocked[nb++] = uring_ops[k];
                total++;
            }
    }
    if (nb) {
        char bl[200];
        list_join(bl, sizeof bl, blocked, nb);
        struct sc_verdict vu;
        int line, col;
        stance(c, "io_uring_setup", &vu);
        rule_location(c, &vu, &line, &col);
        struct lint_finding *f = lint_add(c->rep, LINT_WARNING, "bypass", line, col,
            "io_uring_setup and io_uring_enter are allowed while %s%s %s denied: io_uring "
            "performs those operations in the kernel without the syscalls, so the filter "
            "never sees them", bl, total > nb ? ", ..." : "", total > 1 ? "are" : "is");
        lint_hint(f, "deny io_uring_setup, io_uring_enter and io_uring_register (Docker does since 25.0)");
    }
}

/* What a shell makes before its first prompt and its first command, as
 * measured with strace -f -c and with each one denied under `isolab run`
 * (dash 0.5 with glibc 2.36, busybox 1.35 static, bash 5.2). Entries with '|'
 * are alternatives (glibc versions differ). A shell cannot work when a
 * "fails" syscall fails with an errno (the loader or the shell gives up); a
 * "calls" one it survives failing (getpid, getuid, brk, ioctl, ...), but not
 * being killed for calling it. */
/* "loader": only the dynamic loader needs it (mapping and reading the
 * libraries): a statically linked program (busybox) starts without it, as
 * `isolab record -- ls /` with busybox's ls shows. */
static const struct { const char *names; bool fails, loader; } shell_needs[] = {
    {"execve", true, false}, {"mmap", true, true}, {"mprotect", true, true}, {"read", true, false},
    {"write", true, false}, {"openat|open", true, false}, {"close", true, false}, {"newfstatat|fstat|statx", true, false},
    {"pread64", true, true},
    {"wait4", true, false}, {"rt_sigreturn", true, false}, {"clone|fork|vfork|clone3", true, false},
    {"brk", false, false}, {"munmap", false, false}, {"exit_group", false, false}, {"rt_sigaction", false, false},
    {"rt_sigprocmask", false, false}, {"arch_prctl", false, false}, {"set_tid_address", false, false},
    {"ioctl", false, false}, {"fcntl", false, false}, {"getpid", false, false}, {"getppid", false, false},
    {"getuid", false, false}, {"geteuid", false, false}, {"getgid", false, false}, {"getegid", false, false},
    {"getrandom", false, false}, {"prlimit64", false, false}, {"set_robust_list", false, false}, {"rseq", false, false},
    {"access", false, false},
};
#define NSHELL (sizeof shell_needs / sizeof shell_needs[0])

/* Is this need met? Absent everywhere (another arch): met. */
static bool shell_need_met(struct lint_ctx *c, size_t i)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", shell_needs[i].names);
    bool any_exists = false;
    char *save = NULL;
    for (char *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
        struct sc_verdict v;
        enum stance s = stance(c, t, &v);
        if (s == ST_ABSENT)
            continue;
        any_exists = true;
        bool kills = v.action != SC_ACT_ERRNO;
        if (s != ST_DENIED || (!shell_needs[i].fails && !kills))
            return true;
    }
    return !any_exists;
}

static void check_launch(struct lint_ctx *c)
{
    const char *missing[8];
    char alts[8][64];
    size_t nm = 0, total = 0;
    bool loader_only = true;
    for (size_t i = 0; i < NSHELL; i++) {
        if (shell_need_met(c, i))
            continue;
        loader_only = loader_only && shell_needs[i].loader;
        if (nm < 8) {
            snprintf(alts[nm], sizeof alts[nm], "%s", shell_needs[i].names);
            for (char *q = alts[nm]; *q; q++)
                if (*q == '|')
                    *q = '/';
            missing[nm] = alts[nm];
            nm++;
        }
        total++;
    }
    if (!nm)
        return;
    char ml[400];
    list_join(ml, sizeof ml, missing, nm > 6 ? 6 : nm);
    if (loader_only) {
        /* What runs depends on the program: a static one starts. */
        struct lint_finding *w = lint_add(c->rep, LINT_WARNING, "launch", 1, 1,
            "a dynamically linked program (a shell, most of /bin) cannot start under this "
            "profile: the dynamic loader needs %s, which %s denied; a statically linked one "
            "(busybox) does not need %s and starts", ml, total > 1 ? "are" : "is",
            total > 1 ? "them" : "it");
        lint_hint(w, "allow them unless the profile is for static programs only");
        return;
    }
    struct lint_finding *f = lint_add(c->rep, LINT_ERROR, "launch", 1, 1,
        "a shell cannot start under this profile: it needs %s%s, which %s denied "
        "(%zu of the %zu syscalls a shell makes before its first prompt; failing some of "
        "them is survived, being killed for any is not)",
        ml, total > 6 ? ", ..." : "", total > 1 ? "are" : "is", total, NSHELL);
    lint_hint(f, "allow them, or start from profiles/seccomp/docker-default.json and deny what you must");
}

/* New syscalls that libc tries first and replaces by an old one only when
 * the new one fails with ENOSYS. */
static const struct { const char *new_sc, *old_sc, *who; } fallbacks[] = {
    {"clone3", "clone", "glibc 2.34+ creates every thread and child with clone3"},
    {"faccessat2", "faccessat", "glibc 2.33+ implements faccessat() with flags through faccessat2"},
    {"fchmodat2", "fchmodat", "glibc 2.39+ implements fchmodat() with flags through fchmodat2"},
    {"close_range", "close", "glibc's closefrom() and many daemons use close_range"},
    {"statx", "newfstatat", "coreutils and Rust's std use statx"},
    {"epoll_pwait2", "epoll_pwait", "libuv and others try epoll_pwait2 first"},
};

static void check_fallbacks(struct lint_ctx *c)
{
    for (size_t i = 0; i < sizeof fallbacks / sizeof fallbacks[0]; i++) {
        struct sc_verdict vn;
        enum stance so = stance(c, fallbacks[i].old_sc, NULL);
        if (so != ST_ALLOWED && so != ST_COND_ALLOWED)
            continue;
        if (stance(c, fallbacks[i].new_sc, &vn) != ST_DENIED || vn.action != SC_ACT_ERRNO ||
            vn.errno_ret == ENOSYS)
            continue;
        const char *en = sc_errno_name((int)vn.errno_ret);
        int line = 0, col = 0;
        rule_location(c, &vn, &line, &col);
        struct lint_finding *f = lint_add(c->rep, LINT_WARNING, "libc-fallback", line, col,
            "%s fails with %s (%s) while %s is allowed: %s and falls back to %s only on "
            "ENOSYS, so with %s the call fails instead of falling back",
            fallbacks[i].new_sc, en ? en : "an errno", vn.rule ? "its rule" : "the defaultAction",
            fallbacks[i].old_sc, fallbacks[i].who, fallbacks[i].old_sc, en ? en : "it");
        lint_hint(f, "add {\"names\": [\"%s\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38} "
             "(ENOSYS), as Docker does for clone3", fallbacks[i].new_sc);
    }
}

/* ---- driver ------------------------------------------------------------------- */

static int status_of(const struct lint_report *rep)
{
    return rep->nerrors ? 2 : rep->nwarnings ? 1 : 0;
}

int lint_text(const char *text, size_t len, const char *name,
              const struct lint_options *o, struct lint_report *rep)
{
    struct lint_options def;
    if (!o) {
        lint_options_init(&def);
        o = &def;
    }
    memset(rep, 0, sizeof *rep);
    snprintf(rep->path, sizeof rep->path, "%s", name);
    rep->caps = o->caps;
    rep->arch = o->arch ? o->arch : sc_native_arch();

    struct isolab_err err;
    isolab_err_clear(&err);
    struct seccomp_profile *p = NULL;
    if (seccomp_profile_parse(text, len, name, &p, &err) < 0) {
        return lint_all_load_errors(text, len, name, rep, &err);
    }
    struct lint_ctx c = {
        .text = text, .len = len, .p = p, .rep = rep, .arch = rep->arch, .caps = o->caps,
    };
    for (size_t i = 0; i < p->nwarnings; i++) {
        int line = 0, col = 0;
        const char *rest = lint_split_location(p->warnings[i], name, &line, &col);
        if (!lint_add(rep, LINT_WARNING, "loader", line, col, "%s", rest ? rest : p->warnings[i]))
            c.oom = 1;
    }

    struct sc_sysent *sys = NULL;
    size_t nsys = 0;
    const char **native = NULL;
    if (sc_arch_syscalls(rep->arch, &sys, &nsys) == 0) {
        native = calloc(nsys ? nsys : 1, sizeof *native);
        for (size_t i = 0; native && i < nsys; i++)
            native[i] = sys[i].name;
    }
    check_names(&c, native, native ? nsys : 0);
    check_rules(&c);
    check_families(&c);
    check_launch(&c);
    check_fallbacks(&c);
    if (lint_check_contradiction(p, rep) < 0)
        c.oom = 1;
    /* the filter run would load exists only for the native arch */
    if (rep->arch == sc_native_arch() && lint_check_compile(p, o->caps, name, rep) < 0)
        c.oom = 1;
    free(native);
    sc_syscalls_free(sys, nsys);
    seccomp_profile_free(p);
    return c.oom ? -1 : status_of(rep);
}

void lint_report_free(struct lint_report *rep)
{
    free(rep->findings);
    rep->findings = NULL;
    rep->n = rep->cap = 0;
}

const struct lint_finding *lint_find(const struct lint_report *rep, const char *code)
{
    for (size_t i = 0; i < rep->n; i++)
        if (!strcmp(rep->findings[i].code, code))
            return &rep->findings[i];
    return NULL;
}
