/* Classic BPF as seccomp runs it, in user space: the interpreter, and two
 * programs run side by side on every input that can tell them apart (for
 * the compaction of libseccomp's programs, seccomp_compact.c). */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_int.h"

#define OFF_NR ((uint32_t)offsetof(struct seccomp_data, nr))
#define OFF_ARCH ((uint32_t)offsetof(struct seccomp_data, arch))
#define U32_MAX 0xffffffffu

/* ---- the interpreter -------------------------------------------------------- */

static uint32_t alu(uint16_t op, uint32_t a, uint32_t s, bool *div0)
{
    switch (op) {
    case BPF_ADD: return a + s;
    case BPF_SUB: return a - s;
    case BPF_MUL: return a * s;
    case BPF_DIV: if (!s) *div0 = true; return s ? a / s : 0;
    case BPF_MOD: if (!s) *div0 = true; return s ? a % s : 0;
    case BPF_OR: return a | s;
    case BPF_AND: return a & s;
    case BPF_XOR: return a ^ s;
    case BPF_LSH: return s < 32 ? a << s : 0;
    case BPF_RSH: return s < 32 ? a >> s : 0;
    case BPF_NEG: return -a;
    default: *div0 = true; return 0;
    }
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t s)
{
    switch (op) {
    case BPF_JEQ: return a == s;
    case BPF_JGT: return a > s;
    case BPF_JGE: return a >= s;
    case BPF_JSET: return (a & s) != 0;
    default: return false;
    }
}

/* The value the kernel's seccomp would return for d. args_read (may be
 * NULL) says whether the run loaded an argument. A program the kernel
 * would refuse (a load outside seccomp_data, running off the end) returns
 * SECCOMP_RET_KILL_PROCESS; a division by zero returns 0, as the kernel's. */
uint32_t sc_bpf_run(const struct sock_fprog *prog, const struct seccomp_data *d, bool *args_read)
{
    uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};
    const unsigned char *bytes = (const unsigned char *)d;
    for (unsigned pc = 0; pc < prog->len; pc++) {
        const struct sock_filter *f = &prog->filter[pc];
        uint16_t c = f->code;
        uint32_t src = BPF_SRC(c) == BPF_X ? x : f->k;
        bool div0 = false;
        switch (BPF_CLASS(c)) {
        case BPF_LD:
            if (BPF_MODE(c) == BPF_ABS && BPF_SIZE(c) == BPF_W && f->k % 4 == 0 &&
                f->k <= sizeof *d - 4) {
                memcpy(&a, bytes + f->k, 4);
                if (args_read && f->k >= offsetof(struct seccomp_data, args))
                    *args_read = true;
            } else if (BPF_MODE(c) == BPF_IMM) {
                a = f->k;
            } else if (BPF_MODE(c) == BPF_MEM && f->k < BPF_MEMWORDS) {
                a = mem[f->k];
            } else if (BPF_MODE(c) == BPF_LEN) {
                a = sizeof *d;
            } else {
                return SECCOMP_RET_KILL_PROCESS;
            }
            break;
        case BPF_LDX:
            if (BPF_MODE(c) == BPF_IMM)
                x = f->k;
            else if (BPF_MODE(c) == BPF_MEM && f->k < BPF_MEMWORDS)
                x = mem[f->k];
            else if (BPF_MODE(c) == BPF_LEN)
                x = sizeof *d;
            else
                return SECCOMP_RET_KILL_PROCESS;
            break;
        case BPF_ST:
        case BPF_STX:
            if (f->k >= BPF_MEMWORDS)
                return SECCOMP_RET_KILL_PROCESS;
            mem[f->k] = BPF_CLASS(c) == BPF_ST ? a : x;
            break;
        case BPF_ALU:
            a = alu(BPF_OP(c), a, src, &div0);
            if (div0)
                return 0;
            break;
        case BPF_JMP:
            if (BPF_OP(c) == BPF_JA)
                pc += f->k;
            else
                pc += jump_taken(BPF_OP(c), a, src) ? f->jt : f->jf;
            break;
        case BPF_RET:
            return BPF_RVAL(c) == BPF_A ? a : f->k;
        case BPF_MISC:
            if (BPF_MISCOP(c) == BPF_TAX)
                x = a;
            else
                a = x;
            break;
        default:
            return SECCOMP_RET_KILL_PROCESS;
        }
    }
    return SECCOMP_RET_KILL_PROCESS;
}

/* ---- side by side ------------------------------------------------------------ */

/* What A holds at each pc: a field of seccomp_data (its offset), something
 * else (A_OTHER), or either (A_MIXED); A_NONE where nothing arrives. */
#define A_NONE 0xfffffffeu
#define A_OTHER 0xffffffffu
#define A_MIXED 0xfffffffdu    /* the number or the arch, or something else */

struct points {
    uint32_t *v;
    size_t n, cap;
};

bool sc_grow(void **v, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 16;
    void *nv = realloc(*v, c * elem);
    if (!nv)
        return false;
    *v = nv;
    *cap = c;
    return true;
}

static bool pt_add(struct points *s, uint32_t x)
{
    if (!sc_grow((void **)&s->v, &s->cap, s->n, sizeof *s->v))
        return false;
    s->v[s->n++] = x;
    return true;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void pt_unique(struct points *s)
{
    if (!s->n)
        return;
    qsort(s->v, s->n, sizeof *s->v, u32_cmp);
    size_t w = 0;
    for (size_t i = 1; i < s->n; i++)
        if (s->v[i] != s->v[w])
            s->v[++w] = s->v[i];
    s->n = w + 1;
}

/* Where a comparison with k can change the answer: k and its successor,
 * or every multiple of a bit tested. */
static bool edges_of(const struct sock_filter *f, struct points *s)
{
    uint32_t k = f->k;
    if (BPF_OP(f->code) == BPF_JSET && !sc_bpf_high_bit(f->k))
        return pt_add(s, k);    /* an argument's flags: k itself, with 0 and ~0 */
    if (BPF_OP(f->code) == BPF_JSET) {
        for (uint64_t b = 0; b <= U32_MAX; b += k)
            if (!pt_add(s, (uint32_t)b))
                return false;
        return true;
    }
    return pt_add(s, k) && (k == U32_MAX || pt_add(s, k + 1));
}

/* The points to test for the arch, the number and the arguments; false if
 * the program does what this cannot cover (then it is not rewritten). */
static bool test_points(const struct sock_fprog *p, struct points *arch, struct points *nr,
                        struct points *arg)
{
    uint32_t *src = malloc(p->len * sizeof *src);
    if (!src)
        return false;
    for (unsigned pc = 0; pc < p->len; pc++)
        src[pc] = pc ? A_NONE : A_OTHER;
    bool ok = true;
    for (unsigned pc = 0; ok && pc < p->len; pc++) {
        const struct sock_filter *f = &p->filter[pc];
        uint32_t a = src[pc], next = a;
        bool field = a == OFF_NR || a == OFF_ARCH || a == A_MIXED;
        switch (BPF_CLASS(f->code)) {
        case BPF_LD:
            next = BPF_MODE(f->code) == BPF_ABS ? f->k : A_OTHER;
            break;
        case BPF_ALU:
        case BPF_MISC:
            ok = !field;
            next = A_OTHER;
            break;
        case BPF_ST:
        case BPF_STX:
        case BPF_LDX:
            ok = false;     /* scratch memory and X: not libseccomp's */
            break;
        case BPF_RET:
            ok = BPF_RVAL(f->code) == BPF_K || !field;
            continue;
        case BPF_JMP:
            if (BPF_OP(f->code) != BPF_JA) {
                struct points *to = a == OFF_NR ? nr : a == OFF_ARCH ? arch : arg;
                ok = BPF_SRC(f->code) == BPF_K && a != A_NONE && a != A_MIXED &&
                     (!field || BPF_OP(f->code) != BPF_JSET || sc_bpf_high_bit(f->k)) &&
                     edges_of(f, to);
            }
            break;
        default:
            ok = false;
        }
        unsigned t[2] = {pc + 1, pc + 1};
        if (BPF_CLASS(f->code) == BPF_JMP) {
            t[0] = sc_bpf_target(f, pc, true);
            t[1] = sc_bpf_target(f, pc, false);
        }
        for (int i = 0; ok && i < 2; i++) {
            if (t[i] >= p->len) {
                ok = false;
            } else if (src[t[i]] == A_NONE) {
                src[t[i]] = next;
            } else if (src[t[i]] != next) {
                /* a join of the number or the arch with something else:
                 * harmless unless what follows uses A before a load */
                bool mixed = next == OFF_NR || next == OFF_ARCH || next == A_MIXED ||
                             src[t[i]] == OFF_NR || src[t[i]] == OFF_ARCH ||
                             src[t[i]] == A_MIXED;
                src[t[i]] = mixed ? A_MIXED : A_OTHER;
            }
        }
    }
    free(src);
    return ok && pt_add(arch, 0) && pt_add(nr, 0) && pt_add(arg, 0) && pt_add(arg, U32_MAX);
}

static void fill_args(struct seccomp_data *d, uint32_t v)
{
    for (int i = 0; i < 6; i++)
        d->args[i] = (uint64_t)v << 32 | v;
}

/* Do a and b return the same for every input that can tell them apart? */
bool sc_bpf_same_verdicts(const struct sock_fprog *a, const struct sock_fprog *b)
{
    struct points arch = {0}, nr = {0}, arg = {0};
    bool ok = test_points(a, &arch, &nr, &arg) && test_points(b, &arch, &nr, &arg);
    pt_unique(&arch);
    pt_unique(&nr);
    pt_unique(&arg);
    for (size_t i = 0; ok && i < arch.n; i++) {
        for (size_t k = 0; ok && k < nr.n; k++) {
            struct seccomp_data d = {.nr = (int)nr.v[k], .arch = arch.v[i]};
            bool args_read = false;
            ok = sc_bpf_run(a, &d, &args_read) == sc_bpf_run(b, &d, &args_read);
            for (size_t m = 0; ok && args_read && m < arg.n; m++) {
                fill_args(&d, arg.v[m]);
                ok = sc_bpf_run(a, &d, NULL) == sc_bpf_run(b, &d, NULL);
            }
        }
    }
    free(arch.v);
    free(nr.v);
    free(arg.v);
    return ok;
}
