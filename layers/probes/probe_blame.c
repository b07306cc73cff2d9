/* Attribution (DESIGN.md, "Probes and attribution"): the probes under the
 * full configuration, then each layer alone (as in force, the others off)
 * and the baseline (every layer off) for the probes blocked under it.
 *
 * probes_blame_cached() runs only what is not known yet: each result is kept
 * under the key of what it can depend on (probe_key.c), so a change to one
 * layer re-runs the full configuration's probes that the change can affect
 * and that layer's alone runs, and keeps the other layers' alone runs and
 * the baseline. Independent runs go side by side (probe_jobs_run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layer.h"
#include "probe_int.h"
#include "seccomp_profile.h"


void lab_config_only_layer(const struct lab_config *full, enum layer_id id,
                           struct lab_config *out)
{
    *out = *full;
    /* --privileged is expressed through the layers themselves here */
    out->privileged = false;
    if (full->privileged)
        out->caps = caps_all_known();
    for (int i = 0; i < LAYER_COUNT; i++)
        out->layer_on[i] = false;
    if ((unsigned)id < LAYER_COUNT)
        out->layer_on[id] = layer_in_force(full, id);
    if (id != LAYER_NS && geteuid() != 0) {
        /* rootless cannot run without a user namespace: keep just that */
        out->layer_on[LAYER_NS] = true;
        for (int k = 0; k < NS_COUNT; k++)
            out->ns[k] = k == NS_USER;
    }
    if ((unsigned)id >= LAYER_COUNT)
        return;
    if (id == LAYER_SECCOMP) {
        /* the filter compiled for the full configuration's capabilities:
         * seccomp alone must not quietly grant what CAP_SYS_ADMIN unlocks */
        out->seccomp_caps_fixed = true;
        out->seccomp_caps = lab_config_seccomp_caps(full);
    }
}

/* The one rule that turns the runs into a conclusion (DESIGN.md, "Probes and
 * attribution"), for probes_blame and the lab's partial attribution alike. */
void probe_blame_conclude(const struct lab_config *cfg, struct probe_blame *b)
{
    b->blocked_by = 0;
    b->combination = b->host_blocks = false;
    if (b->full.verdict != PROBE_BLOCKED)
        return;
    bool any_in_force = false, all_tried = true;
    for (int id = 0; id < LAYER_COUNT; id++) {
        if (!layer_in_force(cfg, id))
            continue;
        any_in_force = true;
        /* a layer alone that could not be run says nothing either way */
        bool tried = b->layer_tested[id] && (b->alone[id].verdict == PROBE_ALLOWED ||
                                             b->alone[id].verdict == PROBE_BLOCKED);
        all_tried = all_tried && tried;
        if (tried && b->alone[id].verdict == PROBE_BLOCKED)
            b->blocked_by |= 1u << id;
    }
    /* with no layer in force, the full run is the baseline: whatever blocks
     * it is the host; so is a probe blocked with every layer off */
    if (!any_in_force || b->baseline.verdict == PROBE_BLOCKED) {
        b->blocked_by = 0;
        b->host_blocks = true;
        return;
    }
    /* "only the combination" is known only when every layer was tried */
    b->combination = all_tried && b->blocked_by == 0;
}

int probes_blame_every_run(const struct lab_config *cfg, const int *sel, size_t nsel,
                           struct probe_blame *out, struct isolab_err *err)
{
    size_t n = sel ? nsel : probe_count;
    if (n == 0)
        return 0;
    _cleanup_free_ struct probe_result *res = calloc(n, sizeof *res);
    _cleanup_free_ struct lab_config *only = malloc(sizeof *only);
    if (!res || !only)
        return isolab_err_set(err, ENOMEM, "probes: out of memory");
    if (probes_run(cfg, sel, nsel, res, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].full = res[i];
    }
    for (int id = 0; id <= LAYER_COUNT; id++) {
        if (id < LAYER_COUNT && !layer_in_force(cfg, id))
            continue;
        lab_config_only_layer(cfg, (enum layer_id)id, only);   /* COUNT: baseline */
        struct isolab_err e2;
        isolab_err_clear(&e2);
        if (probes_run(only, sel, nsel, res, &e2) < 0) {
            for (size_t i = 0; i < n; i++)
                probe_fail(&res[i], e2.errnum, "%s: %s",
                           id < LAYER_COUNT ? layer_name(id) : "baseline", e2.msg);
        }
        for (size_t i = 0; i < n; i++) {
            if (id == LAYER_COUNT) {
                out[i].baseline = res[i];
                continue;
            }
            out[i].alone[id] = res[i];
            out[i].layer_tested[id] = true;
        }
    }
    for (size_t i = 0; i < n; i++)
        probe_blame_conclude(cfg, &out[i]);
    return 0;
}

/* ---- the cache: open addressing on the key, a log of what was added ---- */

#define CACHE_SLOTS 8192        /* a power of two; cleared when 3/4 full */

struct probe_cache {
    struct probe_cache_entry *slot;
    size_t used;
    size_t hits, ran;                   /* results taken from here / run, in all */
    struct probe_cache_entry *log;
    size_t nlog, caplog;
};

struct probe_cache *probe_cache_new(void)
{
    struct probe_cache *c = calloc(1, sizeof *c);
    if (c && !(c->slot = calloc(CACHE_SLOTS, sizeof *c->slot))) {
        free(c);
        return NULL;
    }
    return c;
}

void probe_cache_free(struct probe_cache *c)
{
    if (!c)
        return;
    free(c->slot);
    free(c->log);
    free(c);
}

void probe_cache_clear(struct probe_cache *c)
{
    if (!c)
        return;
    memset(c->slot, 0, CACHE_SLOTS * sizeof *c->slot);
    c->used = 0;
    c->nlog = 0;
}

static const struct probe_result *cache_get(const struct probe_cache *c, uint64_t key)
{
    if (!c)
        return NULL;
    for (size_t i = key & (CACHE_SLOTS - 1);; i = (i + 1) & (CACHE_SLOTS - 1)) {
        if (c->slot[i].key == 0)
            return NULL;
        if (c->slot[i].key == key)
            return &c->slot[i].r;
    }
}

static void cache_put_one(struct probe_cache *c, const struct probe_cache_entry *e, bool log)
{
    if (!c || e->key == 0)
        return;
    if (c->used >= CACHE_SLOTS / 4 * 3)
        probe_cache_clear(c);
    size_t i = e->key & (CACHE_SLOTS - 1);
    while (c->slot[i].key != 0 && c->slot[i].key != e->key)
        i = (i + 1) & (CACHE_SLOTS - 1);
    if (c->slot[i].key == 0)
        c->used++;
    c->slot[i] = *e;
    if (!log)
        return;
    if (c->nlog == c->caplog) {
        size_t cap = c->caplog ? c->caplog * 2 : 64;
        struct probe_cache_entry *l = realloc(c->log, cap * sizeof *l);
        if (!l)
            return;
        c->log = l;
        c->caplog = cap;
    }
    c->log[c->nlog++] = *e;
}

void probe_cache_put(struct probe_cache *c, const struct probe_cache_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cache_put_one(c, &e[i], false);
}

size_t probe_cache_log(const struct probe_cache *c, const struct probe_cache_entry **entries)
{
    *entries = c ? c->log : NULL;
    return c ? c->nlog : 0;
}

void probe_cache_counts(const struct probe_cache *c, size_t *hits, size_t *ran)
{
    *hits = c ? c->hits : 0;
    *ran = c ? c->ran : 0;
}

void probe_cache_log_reset(struct probe_cache *c)
{
    if (c)
        c->nlog = 0;
}

/* ---- one attribution, planned ---- */

enum { RUN_FULL = 0, RUN_BASE = LAYER_COUNT + 1, RUN_COUNT };   /* 1 + id: layer id alone */

struct plan {
    size_t n;
    const int *idx;                     /* catalogue index of probe i */
    bool have[RUN_COUNT];               /* the run exists (its layer is in force) */
    struct lab_config run[RUN_COUNT];
    uint64_t *key;                      /* key[r * n + i]; 0 = not to be cached */
    struct probe_result *res;           /* res[r * n + i] */
    bool *want;                         /* want[r * n + i]: to be known */
    bool *known;                        /* known[r * n + i]: res is its result */
    struct probe_cache_entry *fresh;    /* what was run, for the cache at the end */
    size_t nfresh;
    size_t hits, ran;
};

/* The profile the seccomp runs use, with the file's identity before it was
 * read; a profile that cannot be read makes every key 0 (nothing cached:
 * the run reports the error). */
struct profile_snap {
    struct seccomp_profile *p;
    struct stat st;
};

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static int snap_profile(const struct lab_config *cfg, struct profile_snap *s)
{
    char path[ISOLAB_PATH_MAX];
    struct isolab_err e;
    isolab_err_clear(&e);
    memset(s, 0, sizeof *s);
    if (!layer_in_force(cfg, LAYER_SECCOMP))
        return 0;
    if (seccomp_profile_path(cfg, path, sizeof path, &e) < 0 || stat(path, &s->st) < 0 ||
        seccomp_profile_load(path, &s->p, &e) < 0) {
        s->p = NULL;
        return -1;
    }
    return 0;
}

/* Still the file that was read: the runs saw what the keys say. */
static bool snap_still(const struct lab_config *cfg, const struct profile_snap *s)
{
    char path[ISOLAB_PATH_MAX];
    struct isolab_err e;
    struct stat now;
    if (!s->p)
        return true;
    return seccomp_profile_path(cfg, path, sizeof path, &e) == 0 && stat(path, &now) == 0 &&
           same_file(&s->st, &now);
}

static void plan_keys(struct plan *pl, const struct profile_snap *snap, bool snap_ok)
{
    struct probe_env env;
    probe_env_init(&env);
    _cleanup_free_ uint64_t *sk = calloc(pl->n, sizeof *sk);
    uint64_t sk_caps = 0;
    bool have_sk = false;
    for (int r = 0; r < RUN_COUNT; r++) {
        if (!pl->have[r])
            continue;
        bool sec = layer_in_force(&pl->run[r], LAYER_SECCOMP);
        uint64_t caps = lab_config_seccomp_caps(&pl->run[r]);
        if (sec && snap->p && sk && (!have_sk || caps != sk_caps)) {
            probe_seccomp_keys(snap->p, caps, pl->idx, pl->n, sk);
            sk_caps = caps;
            have_sk = true;
        }
        for (size_t i = 0; i < pl->n; i++)
            pl->key[r * pl->n + i] = sec && (!snap_ok || !sk) ? 0
                : probe_run_key(&pl->run[r], &env, pl->idx[i], sec ? sk[i] : 0);
    }
}

/* ---- running what is not known ---- */

struct jobset {
    struct probe_job job[3 * RUN_COUNT];
    size_t *slot[3 * RUN_COUNT];        /* job entry k is pl->res[slot[j][k]] */
    size_t njobs;
    struct plan *pl;
    probe_full_cb on_full;              /* the full configuration's results, as they come */
    void *ud;
};

static const char *const run_what[RUN_COUNT] = {
    "full configuration", "seccomp alone", "lsm alone", "cgroups alone", "caps alone",
    "namespaces alone", "baseline",
};

static void job_done(struct probe_job *j, void *ud)
{
    struct jobset *js = ud;
    struct plan *pl = js->pl;
    size_t q = (size_t)(j - js->job);
    size_t pos[3 * 64 + 1], np = 0;
    struct probe_result got[3 * 64 + 1];
    for (size_t k = 0; k < j->n; k++) {
        size_t at = js->slot[q][k];
        pl->res[at] = j->res[k];
        pl->want[at] = false;
        pl->known[at] = true;
        pl->ran++;
        /* a sandbox that failed is not kept (its probes say why); a probe's
         * own ERROR is (cpu-share's "cannot tell" on a busy machine would
         * cost its 0.3 s at every change): r in the TUI starts afresh */
        if (j->rc == 0 && pl->key[at])
            pl->fresh[pl->nfresh++] = (struct probe_cache_entry){pl->key[at], j->res[k]};
        if (at < pl->n && np < sizeof pos / sizeof pos[0]) {
            pos[np] = at;
            got[np++] = j->res[k];
        }
    }
    for (size_t k = 0; js->on_full && k < np; k += 64) {
        int ix[64];
        size_t m = np - k < 64 ? np - k : 64;
        for (size_t e = 0; e < m; e++)
            ix[e] = (int)pos[k + e];
        js->on_full(js->ud, ix, got + k, m);
    }
}

/* Jobs for the wanted, unknown results of run r: the quick probes in one
 * sandbox, the slow ones in another, the CPU probe by itself. */
static int queue_run(struct jobset *js, int r, const struct probe_cache *c)
{
    struct plan *pl = js->pl;
    for (int kind = 0; kind < 3; kind++) {
        struct probe_job *j = &js->job[js->njobs];
        memset(j, 0, sizeof *j);
        j->sel = calloc(pl->n, sizeof *j->sel);
        j->res = calloc(pl->n, sizeof *j->res);
        size_t *slot = calloc(pl->n, sizeof *slot);
        if (!j->sel || !j->res || !slot) {
            free(j->sel);
            free(j->res);
            free(slot);
            return -1;
        }
        for (size_t i = 0; i < pl->n; i++) {
            size_t at = (size_t)r * pl->n + i;
            int id = pl->idx[i];
            int k = probe_measures_cpu(id) ? 2 : probe_is_slow(id) ? 1 : 0;
            if (!pl->want[at] || k != kind)
                continue;
            slot[j->n] = at;
            j->sel[j->n++] = id;
        }
        if (j->n == 0) {
            free(j->sel);
            free(j->res);
            free(slot);
            continue;
        }
        j->cfg = pl->run[r];
        j->exclusive = kind == 2;
        j->what = run_what[r];
        j->done = job_done;
        j->ud = js;
        js->slot[js->njobs++] = slot;
    }
    (void)c;
    return 0;
}

/* Known already: from the cache, or the same key as a result this pass
 * runs anyway (a layer that cannot change the probe, alone or not): that
 * one is copied after. */
static void take_known(struct plan *pl, int r0, int r1, const struct probe_cache *c,
                       size_t *copy_of)
{
    for (size_t at = (size_t)r0 * pl->n; at < (size_t)(r1 + 1) * pl->n; at++) {
        copy_of[at] = SIZE_MAX;
        if (!pl->want[at] || !pl->key[at])
            continue;
        const struct probe_result *hit = cache_get(c, pl->key[at]);
        if (hit) {
            pl->res[at] = *hit;
            pl->want[at] = false;
            pl->known[at] = true;
            pl->hits++;
            continue;
        }
        for (size_t o = (size_t)r0 * pl->n; o < at; o++)
            if (pl->want[o] && pl->key[o] == pl->key[at]) {
                copy_of[at] = o;
                pl->want[at] = false;
                break;
            }
    }
}

static void exclusive_last(struct jobset *js)
{
    for (size_t a = 0; a < js->njobs; a++)
        for (size_t b = a + 1; b < js->njobs; b++)
            if (js->job[a].exclusive && !js->job[b].exclusive) {
                struct probe_job t = js->job[a];
                js->job[a] = js->job[b];
                js->job[b] = t;
                size_t *s = js->slot[a];
                js->slot[a] = js->slot[b];
                js->slot[b] = s;
            }
}

/* Run the wanted results of runs [r0, r1] that are not known; 0, or -1 when
 * the full configuration's sandbox could not start (err says why). */
static int run_pass(struct plan *pl, int r0, int r1, const struct probe_cache *c,
                    probe_full_cb on_full, void *ud, struct isolab_err *err)
{
    _cleanup_free_ size_t *copy_of = calloc((size_t)RUN_COUNT * pl->n, sizeof *copy_of);
    _cleanup_free_ struct jobset *js = calloc(1, sizeof *js);
    if (!copy_of || !js)
        return isolab_err_set(err, ENOMEM, "probes: out of memory");
    js->pl = pl;
    js->on_full = r0 == RUN_FULL ? on_full : NULL;
    js->ud = ud;
    take_known(pl, r0, r1, c, copy_of);
    if (js->on_full) {      /* what the cache knows, at once */
        for (size_t i = 0; i < pl->n; i += 64) {
            int ix[64];
            struct probe_result got[64];
            size_t m = 0;
            for (size_t k = i; k < pl->n && k < i + 64; k++)
                if (pl->known[k]) {
                    ix[m] = (int)k;
                    got[m++] = pl->res[k];
                }
            if (m)
                on_full(ud, ix, got, m);
        }
    }
    int rc = 0;
    for (int r = r0; r <= r1 && rc == 0; r++)
        if (pl->have[r])
            rc = queue_run(js, r, c);
    if (rc < 0)
        isolab_err_set(err, ENOMEM, "probes: out of memory");
    exclusive_last(js);
    if (rc == 0)
        probe_jobs_run(js->job, js->njobs);
    for (size_t q = 0; q < js->njobs; q++) {
        if (js->job[q].rc < 0 && r0 == RUN_FULL && rc == 0) {
            *err = js->job[q].err;
            rc = -1;
        }
        free(js->job[q].sel);
        free(js->job[q].res);
        free(js->slot[q]);
    }
    for (size_t at = (size_t)r0 * pl->n; at < (size_t)(r1 + 1) * pl->n; at++)
        if (copy_of[at] != SIZE_MAX) {
            pl->res[at] = pl->res[copy_of[at]];
            pl->known[at] = true;
        }
    return rc;
}

/* ---- probes_blame_cached ---- */

static void plan_free(struct plan *pl)
{
    free(pl->key);
    free(pl->res);
    free(pl->want);
    free(pl->known);
    free(pl->fresh);
    free(pl);
}

static struct plan *plan_new(const struct lab_config *cfg, const int *idx, size_t n)
{
    struct plan *pl = calloc(1, sizeof *pl);
    if (!pl)
        return NULL;
    pl->n = n;
    pl->idx = idx;
    size_t all = (size_t)RUN_COUNT * n;
    pl->key = calloc(all, sizeof *pl->key);
    pl->res = calloc(all, sizeof *pl->res);
    pl->want = calloc(all, sizeof *pl->want);
    pl->known = calloc(all, sizeof *pl->known);
    pl->fresh = calloc(all, sizeof *pl->fresh);
    if (!pl->key || !pl->res || !pl->want || !pl->known || !pl->fresh) {
        plan_free(pl);
        return NULL;
    }
    pl->run[RUN_FULL] = *cfg;
    pl->have[RUN_FULL] = true;
    for (int id = 0; id < LAYER_COUNT; id++) {
        pl->have[1 + id] = layer_in_force(cfg, id);
        if (pl->have[1 + id])
            lab_config_only_layer(cfg, (enum layer_id)id, &pl->run[1 + id]);
    }
    lab_config_only_layer(cfg, LAYER_COUNT, &pl->run[RUN_BASE]);
    pl->have[RUN_BASE] = true;
    return pl;
}

static void plan_fill(const struct plan *pl, struct probe_blame *out, bool full_only)
{
    for (size_t i = 0; i < pl->n; i++) {
        struct probe_blame *b = &out[i];
        if (full_only) {
            memset(b, 0, sizeof *b);
            b->full = pl->res[i];
            continue;
        }
        /* an allowed probe's alone runs, when they were run (every_layer) */
        for (int id = 0; id < LAYER_COUNT; id++) {
            size_t at = (size_t)(1 + id) * pl->n + i;
            if (pl->have[1 + id] && pl->known[at]) {
                b->alone[id] = pl->res[at];
                b->layer_tested[id] = true;
            }
        }
        if (pl->known[(size_t)RUN_BASE * pl->n + i])
            b->baseline = pl->res[(size_t)RUN_BASE * pl->n + i];
    }
}

int probes_blame_cached(struct probe_cache *cache, const struct lab_config *cfg, const int *sel,
                        size_t nsel, unsigned int flags, struct probe_blame *out,
                        probe_full_cb on_full, void *ud, struct isolab_err *err)
{
    size_t n = sel ? nsel : probe_count;
    if (sel == NULL && nsel != 0)
        return isolab_err_set(err, EINVAL, "probes: a count without a selection");
    if (n == 0)
        return 0;
    _cleanup_free_ int *idx = calloc(n, sizeof *idx);
    if (!idx)
        return isolab_err_set(err, ENOMEM, "probes: out of memory");
    for (size_t i = 0; i < n; i++) {
        idx[i] = sel ? sel[i] : (int)i;
        if (idx[i] < 0 || (size_t)idx[i] >= probe_count)
            return isolab_err_set(err, EINVAL, "probes: no probe number %d (there are %zu)",
                                  idx[i], probe_count);
    }
    struct plan *pl = plan_new(cfg, idx, n);
    if (!pl)
        return isolab_err_set(err, ENOMEM, "probes: out of memory");
    struct profile_snap snap;
    bool snap_ok = snap_profile(cfg, &snap) == 0;
    plan_keys(pl, &snap, snap_ok);
    /* every_layer: the quick probes' alone runs beside the full one, blocked
     * or not (a later change that blocks one finds them known) */
    for (int r = 0; r < RUN_COUNT; r++)
        for (size_t i = 0; i < n; i++)
            pl->want[(size_t)r * n + i] = r == RUN_FULL ||
                (pl->have[r] && (flags & PROBE_BLAME_EVERY_LAYER) && !probe_is_slow(idx[i]));
    int rc = run_pass(pl, RUN_FULL, RUN_COUNT - 1, cache, on_full, ud, err);
    if (rc == 0) {
        plan_fill(pl, out, true);
        for (int r = 1; r < RUN_COUNT; r++)
            for (size_t i = 0; i < n; i++) {
                size_t at = (size_t)r * n + i;
                pl->want[at] = pl->have[r] && !pl->known[at] &&
                               out[i].full.verdict == PROBE_BLOCKED;
            }
        rc = run_pass(pl, 1, RUN_COUNT - 1, cache, NULL, NULL, err);
    }
    if (rc == 0) {
        plan_fill(pl, out, false);
        for (size_t i = 0; i < n; i++)
            probe_blame_conclude(cfg, &out[i]);
        /* kept only if the profile the runs compiled is the one keyed */
        if (snap_still(cfg, &snap))
            for (size_t k = 0; k < pl->nfresh; k++)
                cache_put_one(cache, &pl->fresh[k], true);
    }
    if (cache) {
        cache->hits += pl->hits;
        cache->ran += pl->ran;
    }
    seccomp_profile_free(snap.p);
    plan_free(pl);
    return rc;
}

int probes_blame(const struct lab_config *cfg, const int *sel, size_t nsel,
                 struct probe_blame *out, struct isolab_err *err)
{
    return probes_blame_cached(NULL, cfg, sel, nsel, 0, out, NULL, NULL, err);
}
