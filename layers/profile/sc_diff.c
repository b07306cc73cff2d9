/* Describing and comparing seccomp decisions from the model alone. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sc_diff.h"
#include "seccomp_int.h"

uint32_t sc_native_arch(void)
{
    return seccomp_arch_native();
}

const char *sc_arch_label(uint32_t arch)
{
    switch (arch) {
    case SCMP_ARCH_X86_64: return "x86_64";
    case SCMP_ARCH_X86: return "x86";
    case SCMP_ARCH_X32: return "x32";
    case SCMP_ARCH_AARCH64: return "aarch64";
    case SCMP_ARCH_ARM: return "arm";
    case SCMP_ARCH_MIPS: return "mips";
    case SCMP_ARCH_MIPS64: return "mips64";
    case SCMP_ARCH_MIPS64N32: return "mips64n32";
    case SCMP_ARCH_MIPSEL: return "mipsel";
    case SCMP_ARCH_MIPSEL64: return "mipsel64";
    case SCMP_ARCH_MIPSEL64N32: return "mipsel64n32";
    case SCMP_ARCH_PPC: return "ppc";
    case SCMP_ARCH_PPC64: return "ppc64";
    case SCMP_ARCH_PPC64LE: return "ppc64le";
    case SCMP_ARCH_S390: return "s390";
    case SCMP_ARCH_S390X: return "s390x";
    case SCMP_ARCH_RISCV64: return "riscv64";
    default: return "unknown";
    }
}

static int cmp_sysent(const void *a, const void *b)
{
    const struct sc_sysent *x = a, *y = b;
    return (x->nr > y->nr) - (x->nr < y->nr);
}

int sc_arch_syscalls(uint32_t arch, struct sc_sysent **out, size_t *n)
{
    /* libseccomp has no iterator: try the number ranges the ABIs use
     * (x32 sets bit 30; ARM's private calls start at 0xf0000; MIPS counts
     * from 4000/5000/6000). */
    static const struct { int lo, hi; } ranges[] = {
        {0, 1100}, {0x40000000, 0x40000000 + 1100}, {0xf0000, 0xf0100}, {4000, 7100},
    };
    size_t cap = 512, cnt = 0;
    struct sc_sysent *v = malloc(cap * sizeof *v);
    if (!v)
        return -1;
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        if (ranges[r].lo == 0x40000000 && arch != SCMP_ARCH_X32)
            continue;
        for (int nr = ranges[r].lo; nr < ranges[r].hi; nr++) {
            char *name = seccomp_syscall_resolve_num_arch(arch, nr);
            if (!name)
                continue;
            /* libseccomp returns a malloc'ed copy; keep one interned copy
             * per name for the caller's lifetime (the table is small). */
            if (seccomp_syscall_resolve_name_arch(arch, name) != nr) {
                free(name);
                continue;
            }
            if (cnt == cap) {
                cap *= 2;
                struct sc_sysent *nv = realloc(v, cap * sizeof *nv);
                if (!nv) {
                    free(name);
                    free(v);
                    return -1;
                }
                v = nv;
            }
            v[cnt].name = name;
            v[cnt].nr = nr;
            cnt++;
        }
    }
    qsort(v, cnt, sizeof *v, cmp_sysent);
    *out = v;
    *n = cnt;
    return 0;
}

void sc_action_str(enum sc_action a, unsigned int errno_ret, char *buf, size_t n)
{
    const char *name = sc_action_name(a);
    if (name && !strncmp(name, "SCMP_ACT_", 9))
        name += 9;
    if (a == SC_ACT_ERRNO) {
        const char *en = sc_errno_name((int)errno_ret);
        if (en)
            snprintf(buf, n, "ERRNO(%s)", en);
        else
            snprintf(buf, n, "ERRNO(%u)", errno_ret);
    } else {
        snprintf(buf, n, "%s", name ? name : "?");
    }
}

unsigned int sc_rule_errno(const struct sc_rule *r)
{
    return r->has_errno ? r->errno_ret : 1;
}

unsigned int sc_default_errno(const struct seccomp_profile *p)
{
    return p->has_default_errno ? p->default_errno : 1;
}

static void num_str(uint64_t v, char *buf, size_t n)
{
    if (v < 4096)
        snprintf(buf, n, "%llu", (unsigned long long)v);
    else
        snprintf(buf, n, "0x%llx", (unsigned long long)v);
}

void sc_args_str(const struct sc_rule *r, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->nargs && off < n; i++) {
        const struct sc_arg *a = &r->args[i];
        char v1[32], v2[32];
        num_str(a->value, v1, sizeof v1);
        num_str(a->value_two, v2, sizeof v2);
        const char *sep = i ? " && " : "";
        switch (a->op) {
        case SCMP_CMP_NE: off += snprintf(buf + off, n - off, "%sarg%u != %s", sep, a->index, v1); break;
        case SCMP_CMP_LT: off += snprintf(buf + off, n - off, "%sarg%u < %s", sep, a->index, v1); break;
        case SCMP_CMP_LE: off += snprintf(buf + off, n - off, "%sarg%u <= %s", sep, a->index, v1); break;
        case SCMP_CMP_EQ: off += snprintf(buf + off, n - off, "%sarg%u == %s", sep, a->index, v1); break;
        case SCMP_CMP_GE: off += snprintf(buf + off, n - off, "%sarg%u >= %s", sep, a->index, v1); break;
        case SCMP_CMP_GT: off += snprintf(buf + off, n - off, "%sarg%u > %s", sep, a->index, v1); break;
        case SCMP_CMP_MASKED_EQ:
            off += snprintf(buf + off, n - off, "%sarg%u & %s == %s", sep, a->index, v1, v2);
            break;
        default: off += snprintf(buf + off, n - off, "%sarg%u ?%d %s", sep, a->index, a->op, v1); break;
        }
    }
}

static size_t join(char *buf, size_t n, size_t off, const char *s)
{
    if (off >= n)
        return off;
    return off + snprintf(buf + off, n - off, "%s%s", off ? ", " : "", s);
}

void sc_filter_str(const struct sc_rule *r, char *buf, size_t n)
{
    size_t off = 0;
    char tmp[256];
    buf[0] = '\0';
    for (size_t i = 0; i < r->includes.ncaps; i++) {
        snprintf(tmp, sizeof tmp, "with %s", r->includes.caps[i]);
        off = join(buf, n, off, tmp);
    }
    for (size_t i = 0; i < r->excludes.ncaps; i++) {
        snprintf(tmp, sizeof tmp, "without %s", r->excludes.caps[i]);
        off = join(buf, n, off, tmp);
    }
    if (r->includes.narches) {
        size_t t = snprintf(tmp, sizeof tmp, "on");
        for (size_t i = 0; i < r->includes.narches && t < sizeof tmp; i++)
            t += snprintf(tmp + t, sizeof tmp - t, "%s %s", i ? "," : "", r->includes.arches[i]);
        off = join(buf, n, off, tmp);
    }
    if (r->excludes.narches) {
        size_t t = snprintf(tmp, sizeof tmp, "not on");
        for (size_t i = 0; i < r->excludes.narches && t < sizeof tmp; i++)
            t += snprintf(tmp + t, sizeof tmp - t, "%s %s", i ? "," : "", r->excludes.arches[i]);
        off = join(buf, n, off, tmp);
    }
    if (r->includes.min_kernel[0]) {
        snprintf(tmp, sizeof tmp, "kernel >= %s", r->includes.min_kernel);
        off = join(buf, n, off, tmp);
    }
    if (r->excludes.min_kernel[0]) {
        snprintf(tmp, sizeof tmp, "kernel < %s", r->excludes.min_kernel);
        off = join(buf, n, off, tmp);
    }
}

void sc_decision_str(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                     const char *name, char *buf, size_t n)
{
    /* As libseccomp builds the filter (and seccomp_profile_eval models it):
     * rules with the default's action are left out, the first unconditional
     * rule overrides the conditional ones, else the conditional ones are
     * tried in order before the default. */
    unsigned long kver = kernel_version_code();
    unsigned int deferr = sc_default_errno(p);
    size_t off = 0;
    char act[64], args[256];
    buf[0] = '\0';
    for (size_t i = 0; i < p->nrules; i++) {
        const struct sc_rule *r = &p->rules[i];
        if (r->nargs || !seccomp_rule_names(r, name) || !seccomp_rule_applies(r, caps, arch, kver))
            continue;
        if (r->action == p->default_action &&
            (r->action != SC_ACT_ERRNO || sc_rule_errno(r) == deferr))
            continue;
        sc_action_str(r->action, sc_rule_errno(r), buf, n);
        return;
    }
    for (size_t i = 0; i < p->nrules && off < n; i++) {
        const struct sc_rule *r = &p->rules[i];
        if (!r->nargs || !seccomp_rule_names(r, name) || !seccomp_rule_applies(r, caps, arch, kver))
            continue;
        if (r->action == p->default_action &&
            (r->action != SC_ACT_ERRNO || sc_rule_errno(r) == deferr))
            continue;
        sc_action_str(r->action, sc_rule_errno(r), act, sizeof act);
        sc_args_str(r, args, sizeof args);
        /* A rule repeated with the same action and conditions changes
         * nothing (Podman's file has one): show it once. */
        char piece[384];
        snprintf(piece, sizeof piece, "%s if %s", act, args);
        bool seen = false;
        for (const char *q = buf; (q = strstr(q, piece)) && !seen; q++)
            seen = (q == buf || q[-1] == ' ') && (q[strlen(piece)] == ';' || !q[strlen(piece)]);
        if (seen)
            continue;
        off += snprintf(buf + off, n - off, "%s%s", off ? "; " : "", piece);
    }
    if (off >= n)
        return;
    sc_action_str(p->default_action, deferr, act, sizeof act);
    snprintf(buf + off, n - off, "%s%s", off ? "; otherwise " : "", act);
}

void sc_syscalls_free(struct sc_sysent *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((char *)v[i].name);
    free(v);
}

void sc_diff_free(struct sc_diff_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((char *)v[i].name);
    free(v);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct sc_diff_entry *)a)->name,
                  ((const struct sc_diff_entry *)b)->name);
}

static int add_entry(struct sc_diff_entry **v, size_t *n, size_t *cap, const char *name,
                     const char *a, const char *b)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i].name, name))
            return 0;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        struct sc_diff_entry *nv = realloc(*v, *cap * sizeof *nv);
        if (!nv)
            return -1;
        *v = nv;
    }
    char *copy = strdup(name);
    if (!copy)
        return -1;
    struct sc_diff_entry *e = &(*v)[(*n)++];
    e->name = copy;
    snprintf(e->a, sizeof e->a, "%s", a);
    snprintf(e->b, sizeof e->b, "%s", b);
    return 0;
}

static int diff_one(const struct seccomp_profile *a, const struct seccomp_profile *b,
                    uint64_t caps, uint32_t arch, const char *name,
                    struct sc_diff_entry **v, size_t *n, size_t *cap)
{
    char da[384], db[384];
    sc_decision_str(a, caps, arch, name, da, sizeof da);
    sc_decision_str(b, caps, arch, name, db, sizeof db);
    if (strcmp(da, db) == 0)
        return 0;
    return add_entry(v, n, cap, name, da, db);
}

int sc_diff_profiles(const struct seccomp_profile *a, const struct seccomp_profile *b,
                     uint64_t caps, uint32_t arch, struct sc_diff_entry **out,
                     size_t *n)
{
    struct sc_sysent *sys = NULL;
    size_t nsys = 0, cap = 0;
    *out = NULL;
    *n = 0;
    if (sc_arch_syscalls(arch, &sys, &nsys) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < nsys && rc == 0; i++)
        rc = diff_one(a, b, caps, arch, sys[i].name, out, n, &cap);
    /* Names libseccomp does not know on arch cannot be compiled; the model
     * still decides them, and a learner diffing two profiles wants to see
     * that they differ there too. The names are the profiles' own strings. */
    const struct seccomp_profile *ps[2] = {a, b};
    for (int k = 0; k < 2 && rc == 0; k++)
        for (size_t i = 0; i < ps[k]->nrules && rc == 0; i++)
            for (size_t j = 0; j < ps[k]->rules[i].nnames && rc == 0; j++) {
                const char *nm = ps[k]->rules[i].names[j];
                int nr = seccomp_syscall_resolve_name_arch(arch, nm);
                if (nr == __NR_SCMP_ERROR)
                    rc = diff_one(a, b, caps, arch, nm, out, n, &cap);
            }
    sc_syscalls_free(sys, nsys);
    if (rc < 0) {
        sc_diff_free(*out, *n);
        *out = NULL;
        *n = 0;
        return -1;
    }
    if (*n)
        qsort(*out, *n, sizeof **out, cmp_entry);
    return (int)*n;
}

int sc_caps_parse(const char *s, uint64_t *caps, struct isolab_err *err)
{
    char *copy = strdup(s ? s : "");
    if (!copy)
        return isolab_err_set(err, ENOMEM, "out of memory");
    uint64_t m = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (!strcasecmp(tok, "docker") || !strcasecmp(tok, "default")) {
            m |= caps_docker_default();
            continue;
        }
        if (!strcasecmp(tok, "all")) {
            m |= caps_all_known();
            continue;
        }
        if (!strcasecmp(tok, "none") || !*tok)
            continue;
        bool drop = *tok == '-';
        if (*tok == '+' || *tok == '-')
            tok++;
        int c = isolab_cap_from_name(tok);
        if (c < 0 || c > 63) {
            isolab_err_set(err, EINVAL, "--caps: '%s' is not a capability", tok);
            isolab_err_hint(err, "use Docker's names (SYS_ADMIN or CAP_SYS_ADMIN), "
                            "or docker, all, none; e.g. --caps docker,+SYS_ADMIN");
            free(copy);
            return -1;
        }
        if (drop)
            m &= ~(1ull << c);
        else
            m |= 1ull << c;
    }
    free(copy);
    *caps = m;
    return 0;
}
