/* A shorter program with the very verdicts of the one libseccomp wrote.
 *
 * libseccomp 2.5 tests a syscall number with one comparison per syscall
 * the profile names (a tree of them), so Docker's profile compiles to
 * ~1250 instructions for x86_64, x32 and i386. The kernel checks,
 * converts and JIT-compiles every instruction at each seccomp() call:
 * ~0.3 ms of every start (bench/run.sh), more than the network namespace.
 * Most of those comparisons decide runs of consecutive numbers alike
 * (0-20 are all allowed, say), so the same decision fits in far fewer.
 *
 * What is rewritten: each "dispatch" of libseccomp's program, the
 * instructions after a load of seccomp_data.nr that only compare that
 * number with constants (jeq/jgt/jge, jset of one high bit) or jump,
 * entered from its load alone. Interval analysis gives, for every
 * 32-bit number, where the dispatch leaves to: a return, or the code
 * after it (libseccomp's argument checks, copied unchanged, with A still
 * the number). Neighbouring numbers with the same exit are merged into
 * ranges and the dispatch becomes a balanced tree of jge over the ranges.
 * The rest of the program is copied, its jumps moved to the new places.
 *
 * Then the two programs are run side by side (sc_bpf_run, an interpreter
 * of classic BPF as seccomp runs it) on every arch and number that can
 * tell them apart: both are constant between the constants they compare
 * the arch and the number with, so testing each such constant (and its
 * successor) for both, in every pairing, tests them all; calls that reach
 * the argument checks are also run with the constants those compare
 * against. Any difference, or any instruction this cannot reason about
 * (scratch memory, arithmetic on the number or the arch), and the
 * original program is kept (the run side by side: seccomp_bpfrun.c). */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_int.h"

#define OFF_NR ((uint32_t)offsetof(struct seccomp_data, nr))
#define U32_MAX 0xffffffffu

/* ---- sets of numbers, as sorted disjoint intervals ------------------------ */

struct ivl {
    uint32_t lo, hi;
};

struct iset {
    struct ivl *v;
    size_t n, cap;
};

static bool iset_push(struct iset *s, uint32_t lo, uint32_t hi)
{
    if (!sc_grow((void **)&s->v, &s->cap, s->n, sizeof *s->v))
        return false;
    s->v[s->n++] = (struct ivl){lo, hi};
    return true;
}

static int ivl_cmp(const void *a, const void *b)
{
    const struct ivl *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort and merge what several paths brought in. */
static void iset_normalize(struct iset *s)
{
    if (s->n < 2)
        return;
    qsort(s->v, s->n, sizeof *s->v, ivl_cmp);
    size_t w = 0;
    for (size_t i = 1; i < s->n; i++) {
        if (s->v[i].lo <= s->v[w].hi || s->v[w].hi + 1 == s->v[i].lo) {
            if (s->v[i].hi > s->v[w].hi)
                s->v[w].hi = s->v[i].hi;
        } else {
            s->v[++w] = s->v[i];
        }
    }
    s->n = w + 1;
}

/* out gets s's part inside [lo, hi] (lo > hi: nothing). */
static bool iset_clip(const struct iset *s, uint32_t lo, uint32_t hi, struct iset *out)
{
    for (size_t i = 0; lo <= hi && i < s->n; i++) {
        uint32_t a = s->v[i].lo > lo ? s->v[i].lo : lo;
        uint32_t b = s->v[i].hi < hi ? s->v[i].hi : hi;
        if (a <= b && !iset_push(out, a, b))
            return false;
    }
    return true;
}

/* ---- one dispatch: from numbers to exits ------------------------------------ */

/* An exit: a return value (RET_LABEL) or a pc of the original program. */
#define RET_LABEL (1ull << 32)

struct seg {
    uint32_t lo, hi;
    uint64_t label;
};

struct dispatch {
    unsigned head;          /* the ld of the number */
    unsigned last;          /* its highest instruction */
    size_t ninsns;          /* how many instructions it has */
    struct seg *segs;       /* the ranges, in order, tiling 0..U32_MAX */
    size_t nsegs, cap;
};

static bool is_dispatch_insn(const struct sock_filter *f)
{
    if (BPF_CLASS(f->code) != BPF_JMP)
        return false;
    uint16_t op = BPF_OP(f->code);
    if (op == BPF_JA)
        return true;
    if (BPF_SRC(f->code) != BPF_K)
        return false;
    if (op == BPF_JSET)
        return sc_bpf_high_bit(f->k);
    return op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE;
}

#define jump_target sc_bpf_target

struct ctx {
    const struct sock_fprog *prog;
    unsigned *npred;        /* how many jumps and fall-throughs reach each pc */
    unsigned char *mark;    /* per pc: 1 in the current dispatch */
    struct iset *in;        /* per pc: the numbers that reach it */
};

static bool add_exit(struct dispatch *d, const struct ctx *c, unsigned t, const struct iset *s)
{
    const struct sock_filter *f = &c->prog->filter[t];
    uint64_t label = BPF_CLASS(f->code) == BPF_RET && BPF_RVAL(f->code) == BPF_K
                         ? RET_LABEL | f->k : t;
    for (size_t i = 0; i < s->n; i++) {
        if (!sc_grow((void **)&d->segs, &d->cap, d->nsegs, sizeof *d->segs))
            return false;
        d->segs[d->nsegs++] = (struct seg){s->v[i].lo, s->v[i].hi, label};
    }
    return true;
}

/* Hand s on to pc t: inside the dispatch, or out of it. */
static bool flow(struct dispatch *d, struct ctx *c, unsigned t, const struct iset *s)
{
    if (t >= c->prog->len)
        return false;
    if (!c->mark[t])
        return add_exit(d, c, t, s);
    for (size_t i = 0; i < s->n; i++)
        if (!iset_push(&c->in[t], s->v[i].lo, s->v[i].hi))
            return false;
    return true;
}

/* The taken and not-taken parts of s at the comparison f. */
static bool split(const struct sock_filter *f, const struct iset *s, struct iset *yes,
                  struct iset *no)
{
    uint32_t k = f->k;
    switch (BPF_OP(f->code)) {
    case BPF_JEQ:
        return iset_clip(s, k, k, yes) && (k == 0 || iset_clip(s, 0, k - 1, no)) &&
               (k == U32_MAX || iset_clip(s, k + 1, U32_MAX, no));
    case BPF_JGT:
        return (k == U32_MAX || iset_clip(s, k + 1, U32_MAX, yes)) && iset_clip(s, 0, k, no);
    case BPF_JGE:
        return iset_clip(s, k, U32_MAX, yes) && (k == 0 || iset_clip(s, 0, k - 1, no));
    default: {     /* JSET of one bit k: alternating blocks of k numbers */
        for (uint64_t base = 0; base <= U32_MAX; base += k) {
            struct iset *to = (base / k) % 2 ? yes : no;
            if (!iset_clip(s, (uint32_t)base, (uint32_t)(base + k - 1), to))
                return false;
        }
        return true;
    }
    }
}

static int seg_cmp(const void *a, const void *b)
{
    const struct seg *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort the exits' ranges, check that they tile every number once, and
 * merge neighbours that leave alike. */
static bool tile(struct dispatch *d)
{
    qsort(d->segs, d->nsegs, sizeof *d->segs, seg_cmp);
    if (!d->nsegs || d->segs[0].lo != 0)
        return false;
    size_t w = 0;
    for (size_t i = 1; i < d->nsegs; i++) {
        if (d->segs[i].lo != d->segs[i - 1].hi + 1 || d->segs[i - 1].hi == U32_MAX)
            return false;
        if (d->segs[i].label == d->segs[w].label)
            d->segs[w].hi = d->segs[i].hi;
        else
            d->segs[++w] = d->segs[i];
    }
    d->nsegs = w + 1;
    return d->segs[w].hi == U32_MAX;
}

/* The dispatch after the load at head: its instructions, marked; false if
 * it is not one to rewrite (empty, or entered other than from its load). */
static bool find_dispatch(struct ctx *c, struct dispatch *d)
{
    const struct sock_fprog *p = c->prog;
    unsigned first = d->head + 1;
    if (first >= p->len || !is_dispatch_insn(&p->filter[first]) || c->npred[first] != 1)
        return false;
    /* forward jumps only: one pass in pc order finds what the load reaches */
    memset(c->mark, 0, p->len);
    c->mark[first] = 1;
    d->last = first;
    d->ninsns = 0;
    for (unsigned pc = first; pc < p->len && pc <= d->last; pc++) {
        if (!c->mark[pc])
            continue;
        d->ninsns++;
        const struct sock_filter *f = &p->filter[pc];
        unsigned t[2] = {jump_target(f, pc, true), jump_target(f, pc, false)};
        for (int i = 0; i < 2; i++) {
            if (t[i] >= p->len)
                return false;
            if (is_dispatch_insn(&p->filter[t[i]]) && !c->mark[t[i]]) {
                c->mark[t[i]] = 1;
                if (t[i] > d->last)
                    d->last = t[i];
            }
        }
    }
    /* closed: every way into an instruction of it comes from inside */
    unsigned inside[BPF_MAXINSNS];
    memset(inside, 0, sizeof(unsigned) * p->len);
    for (unsigned pc = first; pc <= d->last; pc++) {
        if (!c->mark[pc])
            continue;
        const struct sock_filter *f = &p->filter[pc];
        unsigned yes = jump_target(f, pc, true), no = jump_target(f, pc, false);
        if (c->mark[yes])
            inside[yes]++;
        if (no != yes && c->mark[no])
            inside[no]++;
    }
    for (unsigned pc = first + 1; pc <= d->last; pc++)
        if (c->mark[pc] && inside[pc] != c->npred[pc])
            return false;
    return true;
}

/* Where each number leaves the dispatch: d->segs. */
static bool analyse(struct ctx *c, struct dispatch *d)
{
    const struct sock_fprog *p = c->prog;
    bool ok = iset_push(&c->in[d->head + 1], 0, U32_MAX);
    for (unsigned pc = d->head + 1; ok && pc <= d->last; pc++) {
        struct iset *s = &c->in[pc];
        if (!c->mark[pc] || !s->n)
            continue;
        iset_normalize(s);
        const struct sock_filter *f = &p->filter[pc];
        if (BPF_OP(f->code) == BPF_JA) {
            ok = flow(d, c, jump_target(f, pc, true), s);
        } else {
            struct iset yes = {0}, no = {0};
            ok = split(f, s, &yes, &no) &&
                 (!yes.n || flow(d, c, jump_target(f, pc, true), &yes)) &&
                 (!no.n || flow(d, c, jump_target(f, pc, false), &no));
            free(yes.v);
            free(no.v);
        }
    }
    for (unsigned pc = d->head + 1; pc <= d->last; pc++) {
        free(c->in[pc].v);
        c->in[pc] = (struct iset){0};
    }
    return ok && tile(d);
}

/* ---- the new program ------------------------------------------------------ */

/* Instructions with, where a jump is still to be placed, the original pc it
 * goes to (-1: none; rel_jt/rel_jf for a conditional, rel_jt for a ja). */
struct out {
    struct sock_filter *f;
    int *rel_jt, *rel_jf;
    size_t n;
};

static void put(struct out *o, struct sock_filter f, int jt, int jf)
{
    o->f[o->n] = f;
    o->rel_jt[o->n] = jt;
    o->rel_jf[o->n] = jf;
    o->n++;
}

/* The distinct exits of ranges i..j, in order of first appearance; their
 * count. */
static size_t labels_of(const struct seg *s, size_t i, size_t j, uint64_t *out, size_t max)
{
    size_t n = 0;
    for (size_t k = i; k <= j; k++) {
        size_t m = 0;
        while (m < n && out[m] != s[k].label)
            m++;
        if (m == n) {
            if (n == max)
                return max + 1;
            out[n++] = s[k].label;
        }
    }
    return n;
}

/* A chunk: the comparisons of ranges i..j (one fewer than ranges), then one
 * instruction per distinct exit (its pool), where the comparisons jump to:
 * every jump stays inside, so the chunk must fit a conditional jump. */
#define CHUNK_MAX 255
static size_t chunk_size(const struct seg *s, size_t i, size_t j)
{
    uint64_t l[CHUNK_MAX + 1];
    return (j - i) + labels_of(s, i, j, l, CHUNK_MAX);
}

static size_t tree_size(const struct seg *s, size_t i, size_t j)
{
    size_t c = chunk_size(s, i, j);
    if (c <= CHUNK_MAX)
        return c;
    size_t mid = (i + j + 1) / 2;
    size_t left = tree_size(s, i, mid - 1);
    return (left > 255 ? 2 : 1) + left + tree_size(s, mid, j);
}

static uint8_t pool_jump(const uint64_t *l, size_t nl, uint64_t label, size_t pool, size_t from)
{
    size_t k = 0;
    while (k < nl && l[k] != label)
        k++;
    return (uint8_t)(pool + k - from - 1);
}

/* The comparisons of a chunk, in preorder: below the middle range's start,
 * the left half (next); from it, the right half. A half that is one range
 * is its exit in the pool. */
static void emit_nodes(struct out *o, const struct seg *s, size_t i, size_t j, const uint64_t *l,
                       size_t nl, size_t pool)
{
    if (i == j)
        return;
    size_t mid = (i + j + 1) / 2, q = o->n;
    uint8_t jf = i == mid - 1 ? pool_jump(l, nl, s[i].label, pool, q) : 0;
    uint8_t jt = mid == j ? pool_jump(l, nl, s[mid].label, pool, q) : (uint8_t)(mid - 1 - i);
    put(o, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, s[mid].lo, jt, jf), -1, -1);
    emit_nodes(o, s, i, mid - 1, l, nl, pool);
    emit_nodes(o, s, mid, j, l, nl, pool);
}

/* Ranges i..j as a tree of jge, in chunks; an exit returns, or jumps on to
 * the code that followed the dispatch. */
static void emit_tree(struct out *o, const struct seg *s, size_t i, size_t j)
{
    if (chunk_size(s, i, j) <= CHUNK_MAX) {
        uint64_t l[CHUNK_MAX + 1];
        size_t nl = labels_of(s, i, j, l, CHUNK_MAX);
        emit_nodes(o, s, i, j, l, nl, o->n + (j - i));
        for (size_t k = 0; k < nl; k++) {
            if (l[k] & RET_LABEL)
                put(o, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (uint32_t)l[k]), -1, -1);
            else
                put(o, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0), (int)l[k], -1);
        }
        return;
    }
    size_t mid = (i + j + 1) / 2;
    size_t left = tree_size(s, i, mid - 1);
    uint16_t jge = BPF_JMP | BPF_JGE | BPF_K;
    if (left <= 255) {
        put(o, (struct sock_filter)BPF_JUMP(jge, s[mid].lo, (uint8_t)left, 0), -1, -1);
    } else {
        put(o, (struct sock_filter)BPF_JUMP(jge, s[mid].lo, 0, 1), -1, -1);
        put(o, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, (uint32_t)left, 0, 0), -1, -1);
    }
    emit_tree(o, s, i, mid - 1);
    emit_tree(o, s, mid, j);
}

size_t sc_bpf_ret_tree(const struct sc_ret_range *r, size_t n, struct sock_filter *f)
{
    if (n == 0 || n > SC_RET_TREE_MAX)
        return 0;
    struct seg s[SC_RET_TREE_MAX];
    int jt[2 * SC_RET_TREE_MAX], jf[2 * SC_RET_TREE_MAX];
    for (size_t i = 0; i < n; i++)
        s[i] = (struct seg){r[i].lo, i + 1 < n ? r[i + 1].lo - 1 : U32_MAX, RET_LABEL | r[i].ret};
    struct out o = {.f = f, .rel_jt = jt, .rel_jf = jf};
    emit_tree(&o, s, 0, n - 1);   /* every exit a return: nothing to place after */
    return o.n;
}

/* Copy the program, each rewritten dispatch (dis[pc] for its load) as its
 * tree, then place every jump. False if a jump no longer fits. */
static bool assemble(const struct sock_fprog *p, struct dispatch *const *dis,
                     const unsigned char *dropped, struct out *o)
{
    int *map = malloc(p->len * sizeof *map);
    if (!map)
        return false;
    for (unsigned pc = 0; pc < p->len; pc++) {
        map[pc] = -1;
        if (dropped[pc])
            continue;
        map[pc] = (int)o->n;
        struct sock_filter f = p->filter[pc];
        if (BPF_CLASS(f.code) == BPF_JMP && BPF_OP(f.code) == BPF_JA)
            put(o, f, (int)(pc + 1 + f.k), -1);
        else if (BPF_CLASS(f.code) == BPF_JMP)
            put(o, f, (int)(pc + 1 + f.jt), (int)(pc + 1 + f.jf));
        else
            put(o, f, -1, -1);
        if (dis[pc])
            emit_tree(o, dis[pc]->segs, 0, dis[pc]->nsegs - 1);
    }
    bool ok = true;
    for (size_t i = 0; ok && i < o->n; i++) {
        struct sock_filter *f = &o->f[i];
        int t[2] = {o->rel_jt[i], o->rel_jf[i]};
        for (int k = 0; k < 2 && ok; k++) {
            if (t[k] < 0)
                continue;
            long off = t[k] < (int)p->len && map[t[k]] >= 0 ? map[t[k]] - (long)i - 1 : -1;
            bool ja = BPF_OP(f->code) == BPF_JA;
            if (off < 0 || (!ja && off > 255)) {
                ok = false;
            } else if (ja) {
                f->k = (uint32_t)off;
            } else if (k == 0) {
                f->jt = (uint8_t)off;
            } else {
                f->jf = (uint8_t)off;
            }
        }
    }
    free(map);
    return ok;
}

/* ---- the driver ------------------------------------------------------------- */

static void count_preds(const struct sock_fprog *p, unsigned *npred)
{
    memset(npred, 0, p->len * sizeof *npred);
    for (unsigned pc = 0; pc < p->len; pc++) {
        const struct sock_filter *f = &p->filter[pc];
        if (BPF_CLASS(f->code) == BPF_RET)
            continue;
        if (BPF_CLASS(f->code) != BPF_JMP) {
            if (pc + 1 < p->len)
                npred[pc + 1]++;
            continue;
        }
        unsigned yes = jump_target(f, pc, true), no = jump_target(f, pc, false);
        if (yes < p->len)
            npred[yes]++;
        if (no != yes && no < p->len)
            npred[no]++;
    }
}

/* Find and analyse every dispatch worth rewriting: dis[head], dropped[pc]
 * for their instructions. Returns how many instructions that saves. */
static long plan(struct ctx *c, struct dispatch **dis, unsigned char *dropped)
{
    const struct sock_fprog *p = c->prog;
    long saved = 0;
    for (unsigned pc = 0; pc < p->len; pc++) {
        const struct sock_filter *f = &p->filter[pc];
        if (f->code != (BPF_LD | BPF_W | BPF_ABS) || f->k != OFF_NR || dropped[pc])
            continue;
        struct dispatch d = {.head = pc};
        if (!find_dispatch(c, &d) || !analyse(c, &d) ||
            tree_size(d.segs, 0, d.nsegs - 1) >= d.ninsns) {
            free(d.segs);
            continue;
        }
        /* find_dispatch marked d's instructions; analyse left them marked */
        for (unsigned k = pc + 1; k <= d.last; k++)
            dropped[k] = c->mark[k];
        saved += (long)d.ninsns - (long)tree_size(d.segs, 0, d.nsegs - 1);
        dis[pc] = malloc(sizeof d);
        if (!dis[pc]) {
            free(d.segs);
            return -1;
        }
        *dis[pc] = d;
    }
    return saved;
}

bool sc_bpf_compact_wanted(void)
{
    const char *e = getenv("ISOLAB_NO_COMPACT");
    return !e || !*e || strcmp(e, "0") == 0;
}

/* What the rewritten dispatches no longer reach (libseccomp's returns for
 * them) goes too: dropped[pc] for every instruction nothing reaches now.
 * Returns how many more that drops. */
static long drop_unreached(const struct sock_fprog *p, struct dispatch *const *dis,
                           unsigned char *dropped)
{
    unsigned char *seen = calloc(p->len, 1);
    if (!seen)
        return 0;
    seen[0] = 1;
    long n = 0;
    for (unsigned pc = 0; pc < p->len; pc++) {
        if (dropped[pc])
            continue;
        if (!seen[pc]) {
            dropped[pc] = 1;
            n++;
            continue;
        }
        const struct sock_filter *f = &p->filter[pc];
        if (dis[pc]) {
            for (size_t i = 0; i < dis[pc]->nsegs; i++)
                if (!(dis[pc]->segs[i].label & RET_LABEL))
                    seen[dis[pc]->segs[i].label] = 1;
        } else if (BPF_CLASS(f->code) == BPF_JMP) {
            unsigned yes = jump_target(f, pc, true), no = jump_target(f, pc, false);
            if (yes < p->len)
                seen[yes] = 1;
            if (no < p->len)
                seen[no] = 1;
        } else if (BPF_CLASS(f->code) != BPF_RET && pc + 1 < p->len) {
            seen[pc + 1] = 1;
        }
    }
    free(seen);
    return n;
}

int sc_bpf_compact(struct sock_fprog *prog)
{
    /* p is the program as it came; prog may take the short one's length */
    const struct sock_fprog orig = *prog, *p = &orig;
    if (!p->len || p->len > BPF_MAXINSNS)
        return 0;
    struct ctx c = {.prog = p};
    c.npred = calloc(p->len, sizeof *c.npred);
    c.mark = calloc(p->len, 1);
    c.in = calloc(p->len, sizeof *c.in);
    struct dispatch **dis = calloc(p->len, sizeof *dis);
    unsigned char *dropped = calloc(p->len, 1);
    struct out o = {0};
    int rc = -ENOMEM;
    if (!c.npred || !c.mark || !c.in || !dis || !dropped)
        goto out;
    count_preds(p, c.npred);
    long saved = plan(&c, dis, dropped);
    rc = 0;
    if (saved <= 0)
        goto out;
    saved += drop_unreached(p, dis, dropped);
    /* a tree of n ranges is at most 3n instructions: bounded by the old size */
    o.f = calloc(p->len, sizeof *o.f);
    o.rel_jt = calloc(p->len, sizeof *o.rel_jt);
    o.rel_jf = calloc(p->len, sizeof *o.rel_jf);
    if (!o.f || !o.rel_jt || !o.rel_jf) {
        rc = -ENOMEM;
        goto out;
    }
    struct sock_fprog np = {0};
    if (assemble(p, dis, dropped, &o) && o.n < p->len) {
        np = (struct sock_fprog){.len = (unsigned short)o.n, .filter = o.f};
        if (sc_bpf_same_verdicts(p, &np)) {
            free(prog->filter);
            prog->filter = o.f;
            prog->len = np.len;
            o.f = NULL;
            rc = 1;
        }
    }
out:
    for (unsigned pc = 0; dis && pc < p->len; pc++) {
        if (dis[pc])
            free(dis[pc]->segs);
        free(dis[pc]);
    }
    free(dis);
    free(dropped);
    free(c.npred);
    free(c.mark);
    free(c.in);
    free(o.f);
    free(o.rel_jt);
    free(o.rel_jf);
    return rc;
}
