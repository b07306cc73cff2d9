/* Internal to the lab loader and checker (layers/lab*.c). */
#ifndef ISOLAB_LAB_INT_H
#define ISOLAB_LAB_INT_H

#include <jansson.h>

#include "lab.h"

/* The parse context: every error names the file and the JSON path, and
 * line:col is found again from the path. */
struct lctx {
    const char *name;
    const char *text;
    size_t len;
    const char *dir;        /* the lab file's directory */
    struct isolab_err *err;
};

/* Sets "lab: FILE:L:C: PATH: what" and the hint; returns -1. With key, the
 * position is the key's rather than the value's. */
int lab_lerr(struct lctx *c, const char *path, bool key, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
const char *lab_json_kind(const json_t *v);     /* "a string", "a list" ... */
/* Unknown keys are errors, naming the nearest known one. */
int lab_check_keys(struct lctx *c, json_t *obj, const char *path, const char *const *known,
                   size_t n);
int lab_get_str(struct lctx *c, json_t *obj, const char *key, const char *path, bool required,
                const char *example, char **out);
int lab_get_strs(struct lctx *c, json_t *v, const char *path, const char *example,
                 char ***out, size_t *nout);
void lab_free_strs(char **list, size_t n);
/* The name within edit distance 2 of s, or NULL. */
const char *lab_nearest(const char *s, const char *const *names, size_t n);
int lab_get_int(struct lctx *c, json_t *v, const char *path, long lo, long hi, long *out);
int lab_layer_from_name(const char *s);         /* "apparmor" -> LAYER_LSM too */
int lab_get_layers(struct lctx *c, json_t *v, const char *path, unsigned int *mask);
/* The first of keys[0..n) that v has: "WHAT "key"" at path.key, with hint. */
int lab_reject_keys(struct lctx *c, json_t *v, const char *path, const char *const *keys,
                    size_t n, const char *hint, const char *what);
/* A list of names at path, each turned into a bit of *mask by from_name
 * (-1: "unknown WHAT "x"" at path[i], with unknown_hint). example is the
 * hint when v is not a list of strings. */
int lab_get_name_mask(struct lctx *c, json_t *v, const char *path, const char *example,
                      const char *what, const char *unknown_hint, int (*from_name)(const char *),
                      uint64_t *mask);

/* lab_expect.c */
int lab_parse_expect(struct lctx *c, json_t *v, const char *path, struct lab_expect *e);
int lab_parse_quiz(struct lctx *c, json_t *v, const char *path, struct lab_step *st);
uint32_t lab_arch_token(const char *name);      /* 0 if unknown */

/* "needs": ["syscall:NAME"]: the syscalls whose presence in the running
 * kernel isolab can test harmlessly (lab_check.c). */
#define LAB_NEED_SYSCALLS "fchmodat2, openat2, clone3"
bool lab_need_syscall_known(const char *name);

/* lab_blame.c: attribution only as far as a step's expectations need it.
 * need[i]: the layers (1u << LAYER_*) whose alone-run sel[i]'s expectations
 * read (0: none; the full run is enough). A probe is run under a layer alone
 * only when it came out blocked under cfg; layer_tested[] says which were. */
unsigned int lab_probe_layers_needed(const struct lab_step *st, int probe);
int lab_probes_blame(const struct lab_config *cfg, const int *sel, const unsigned int *need,
                     size_t nsel, struct probe_blame *out, struct isolab_err *err);

/* A profile path of a lab: absolute, else the data dir's, else dir's. */
char *lab_resolve_path(const char *rel, const char *dir);
/* Layer flags (Docker's spelling) on top of cfg; seccomp=FILE resolved. */
int lab_apply_flags(struct lab_config *cfg, char *const *flags, size_t nflags, const char *dir,
                    struct isolab_err *err);
int lab_setup_apply_dir(const struct lab_setup *s, const char *dir, struct lab_config *cfg,
                        struct isolab_err *err);

#endif
