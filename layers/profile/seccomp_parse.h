/* Internal to the profile parser (seccomp_profile.c, seccomp_rules.c,
 * seccomp_json.c): the parse context and the jansson helpers that make every
 * error name the file, line:col, the JSON path, what was expected and the
 * fix. */
#ifndef ISOLAB_SECCOMP_PARSE_H
#define ISOLAB_SECCOMP_PARSE_H

#include <jansson.h>
#include <stdbool.h>

#include "seccomp_int.h"

struct pctx {
    const char *name;      /* file name for messages */
    const char *text;
    size_t len;
    struct isolab_err *err;
    struct seccomp_profile *p;
};

/* Sets "seccomp: FILE:L:C: PATH: what" and the hint; returns -1. With key,
 * the position is that of the key rather than the value. */
int sp_err(struct pctx *c, const char *path, bool key, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Adds "FILE:L:C: PATH: what" to the profile's warnings. */
void sp_warn(struct pctx *c, const char *path, bool key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "expected EXPECTED, found the string "x"" */
int sp_type_err(struct pctx *c, const char *path, const json_t *v, const char *expected,
                const char *hint);
/* Member by exact name, else in any case (as Go's decoder); null = absent. */
json_t *sp_member(json_t *obj, const char *key);
/* Warns about fields Docker would ignore, naming the one probably meant. */
void sp_check_keys(struct pctx *c, json_t *obj, const char *path, const char *const *known,
                   size_t n);
/* An unknown key of obj close to wanted (for "missing field" hints). */
const char *sp_near_key(json_t *obj, const char *wanted);
/* "missing field "KEY"" at path, the error for a required member that obj
 * lacks; the hint names an unknown key close to KEY if obj has one, else
 * it is add (how to write the field). Returns -1. */
int sp_missing(struct pctx *c, json_t *obj, const char *path, const char *key, const char *add);
/* The required string member KEY of obj at path: its text, or NULL after the
 * error (sp_missing with add; not a string: "expected EXPECTED", with the
 * hint write). */
const char *sp_required_string(struct pctx *c, json_t *obj, const char *path, const char *key,
                               const char *add, const char *expected, const char *write);
int sp_get_string(struct pctx *c, json_t *obj, const char *key, const char *path, char **out);
int sp_get_uint(struct pctx *c, json_t *v, const char *path, unsigned long long max,
                const char *what, unsigned long long *out);
int sp_get_strings(struct pctx *c, json_t *v, const char *path, const char *what,
                   const char *example, char ***out, size_t *nout);

/* seccomp_rules.c */
int sp_parse_action(struct pctx *c, json_t *v, const char *path, enum sc_action *out);
/* The rule that a list of bare names meant under the default def; true
 * when that rule denies them (the names cannot be an allowlist). */
bool sp_meant_form(json_t *list, enum sc_action def, char *buf, size_t n);
int sp_parse_syscalls(struct pctx *c, json_t *v);

#endif
