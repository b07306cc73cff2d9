/* ENOSYS for syscalls newer than the profile, as runc does.
 *
 * runc (libcontainer/seccomp/patchbpf) puts a stub in front of the filter
 * libseccomp compiled: for each architecture the filter holds, a syscall
 * number greater than the highest one the profile names on that
 * architecture gets ERRNO(ENOSYS). A new libc then falls back to the old
 * call (clone3 -> clone, fchmodat2 -> fchmodat) instead of failing with
 * EPERM. How runc decides, and isolab with it:
 *  - no stub when the default action lets calls through (ALLOW, LOG, TRACE:
 *    a tracer handles ENOSYS itself) or already is ERRNO(ENOSYS);
 *  - the architectures are the profile's own (Docker's archMap entry of the
 *    native arch: the arch and its subArchitectures), none = no stub;
 *  - the highest number per architecture is taken over every rule Docker
 *    hands to runc, whatever its action: the rules whose includes/excludes
 *    hold for these capabilities, this arch and kernel (Docker resolves
 *    them before runc sees the profile); names libseccomp does not know are
 *    ignored;
 *  - x86_64 and x32 share one audit arch: the X32 bit picks the limit.
 * The model (seccomp_profile_eval) asks sc_enosys_last() the same question,
 * so `isolab syscalls` shows these rows as ENOSYS with the reason. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "layer.h"
#include "seccomp_int.h"

#define X32_SYSCALL_BIT 0x40000000u
#define ENOSYS_MAX_ARCHES 16

bool sc_enosys_stub_wanted(const struct seccomp_profile *p)
{
    enum sc_action d = p->default_action;
    if (d == SC_ACT_ALLOW || d == SC_ACT_LOG || d == SC_ACT_TRACE)
        return false;
    if (d == SC_ACT_ERRNO && p->has_default_errno && p->default_errno == ENOSYS)
        return false;
    return true;
}

/* The architectures runc would see in the OCI config (see above). */
static size_t filter_arches(const struct seccomp_profile *p, uint32_t *out, size_t max)
{
    uint32_t native = seccomp_arch_native();
    size_t n = 0;
    if (p->narchmap) {
        for (size_t i = 0; i < p->narchmap; i++) {
            if (p->archmap[i].arch != native)
                continue;
            out[n++] = native;
            for (size_t k = 0; k < p->archmap[i].nsubs && n < max; k++)
                out[n++] = p->archmap[i].subs[k];
            break;
        }
        return n;
    }
    for (size_t i = 0; i < p->narches && n < max; i++)
        out[n++] = p->arches[i];
    return n;
}

bool sc_enosys_arch_in_filter(const struct seccomp_profile *p, uint32_t arch)
{
    uint32_t a[ENOSYS_MAX_ARCHES];
    size_t n = filter_arches(p, a, ENOSYS_MAX_ARCHES);
    for (size_t i = 0; i < n; i++)
        if (a[i] == arch)
            return true;
    return false;
}

long sc_enosys_last(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                    unsigned long kver)
{
    if (!sc_enosys_stub_wanted(p) || !sc_enosys_arch_in_filter(p, arch))
        return -1;
    long last = -1;
    for (size_t i = 0; i < p->nrules; i++) {
        const struct sc_rule *r = &p->rules[i];
        if (!seccomp_rule_applies(r, caps, arch, kver))
            continue;
        for (size_t k = 0; k < r->nnames; k++) {
            int nr = seccomp_syscall_resolve_name_arch(arch, r->names[k]);
            if (nr >= 0 && nr > last)
                last = nr;
        }
    }
    return last > 0 ? last : -1;
}

/* x32 syscalls arrive with the x86_64 audit arch and the X32 bit set. */
static uint32_t audit_arch(uint32_t scmp_arch)
{
    return scmp_arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : scmp_arch;
}

struct stub {
    struct sock_filter insn[8 * ENOSYS_MAX_ARCHES + 4];
    unsigned int target[8 * ENOSYS_MAX_ARCHES + 4][2];  /* absolute jt, jf */
    unsigned int n;
};

enum { T_ENOSYS = 10000, T_FILTER };

static void emit(struct stub *s, uint16_t code, uint32_t k, unsigned int jt, unsigned int jf)
{
    s->insn[s->n] = (struct sock_filter)BPF_STMT(code, k);
    s->target[s->n][0] = jt;
    s->target[s->n][1] = jf;
    s->n++;
}

/* One section: "arch == A ? (nr > last ? ENOSYS : filter) : next". */
static void emit_arch(struct stub *s, uint32_t audit, long last, long last_x32)
{
    unsigned int body = last_x32 >= 0 && last >= 0 ? 4 : 2;
    emit(s, BPF_JMP | BPF_JEQ | BPF_K, audit, s->n + 1, s->n + 1 + body);
    emit(s, BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, nr), 0, 0);
    if (body == 4) {
        emit(s, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, s->n + 2, s->n + 1);
        emit(s, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)last, T_ENOSYS, T_FILTER);
        emit(s, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)last_x32, T_ENOSYS, T_FILTER);
    } else {
        emit(s, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)(last >= 0 ? last : last_x32),
             T_ENOSYS, T_FILTER);
    }
}

static void resolve(struct stub *s)
{
    unsigned int enosys = s->n, filter = s->n + 1;
    for (unsigned int i = 0; i < s->n; i++) {
        uint16_t cls = BPF_CLASS(s->insn[i].code);
        if (cls != BPF_JMP || BPF_OP(s->insn[i].code) == BPF_JA)
            continue;
        for (int b = 0; b < 2; b++) {
            unsigned int t = s->target[i][b];
            t = t == T_ENOSYS ? enosys : t == T_FILTER ? filter : t;
            if (b == 0)
                s->insn[i].jt = (uint8_t)(t - i - 1);
            else
                s->insn[i].jf = (uint8_t)(t - i - 1);
        }
    }
}

int sc_enosys_prepend(const struct seccomp_profile *p, uint64_t caps, unsigned long kver,
                      struct sock_fprog *prog, struct isolab_err *err)
{
    uint32_t arches[ENOSYS_MAX_ARCHES];
    size_t na = sc_enosys_stub_wanted(p) ? filter_arches(p, arches, ENOSYS_MAX_ARCHES) : 0;
    struct stub s = {.n = 0};
    emit(&s, BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, arch), 0, 0);
    size_t sections = 0;
    for (size_t i = 0; i < na; i++) {
        if (arches[i] == SCMP_ARCH_X32 && sc_enosys_arch_in_filter(p, SCMP_ARCH_X86_64))
            continue;   /* folded into the x86_64 section */
        long last = sc_enosys_last(p, caps, arches[i], kver), last_x32 = -1;
        if (arches[i] == SCMP_ARCH_X86_64 && sc_enosys_arch_in_filter(p, SCMP_ARCH_X32))
            last_x32 = sc_enosys_last(p, caps, SCMP_ARCH_X32, kver);
        if (last < 0 && last_x32 < 0)
            continue;
        if (arches[i] == SCMP_ARCH_X32) {
            last_x32 = last;
            last = -1;
        }
        emit_arch(&s, audit_arch(arches[i]), last, last_x32);
        sections++;
    }
    if (!sections)
        return 0;
    emit(&s, BPF_JMP | BPF_JA, 1, 0, 0);
    resolve(&s);
    s.insn[s.n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
    if (prog->len + s.n > BPF_MAXINSNS)
        return isolab_err_set(err, E2BIG, "seccomp: %s: the filter and runc's ENOSYS stub "
                              "exceed %d instructions", p->path, BPF_MAXINSNS);
    struct sock_filter *f = malloc((prog->len + s.n) * sizeof *f);
    if (!f)
        return isolab_err_set(err, ENOMEM, "seccomp: out of memory");
    memcpy(f, s.insn, s.n * sizeof *f);
    memcpy(f + s.n, prog->filter, prog->len * sizeof *f);
    free(prog->filter);
    prog->filter = f;
    prog->len = (unsigned short)(prog->len + s.n);
    return 0;
}
