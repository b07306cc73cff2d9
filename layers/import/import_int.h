/* Shared by the importers (layers/import/). */
#ifndef ISOLAB_IMPORT_INT_H
#define ISOLAB_IMPORT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "import.h"

struct imp {
    const char *name;            /* the file, for messages */
    char dir[ISOLAB_PATH_MAX];   /* its directory: relative paths start here */
    const char *text;
    size_t len;
    const struct import_opts *o;
    struct lab_config *cfg;
    struct import_info *info;
    struct export_report *rep;
    struct isolab_err *err;
};

/* "import: NAME:LINE:COL: FIELD: what" (line 0: no position) with the fix
 * as hint; returns -1. */
int imp_err(struct imp *m, int line, int col, const char *field, const char *hint,
            const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A note for the report: "FIELD: what". */
void imp_note(struct imp *m, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A capability name (with or without CAP_, any case): its bit, or -1 after
 * the error at line:col. */
int imp_cap(struct imp *m, const char *name, int line, int col, const char *field,
            uint64_t *bit);
/* A file named in the import: absolute as is, else relative to each of
 * dirs (NULL-terminated; NULL entries skipped). The first that exists goes
 * to out; 0, or -1 when none does (tried gets the places tried). */
int imp_find_file(const char *rel, const char *const *dirs, size_t ndirs, char *out, size_t n,
                  char *tried, size_t tn);
/* Loads the seccomp profile at path to check it now; on an error the
 * profile's own message comes after "FIELD: ". */
int imp_check_profile(struct imp *m, const char *path, int line, int col, const char *field);
/* The profile's warnings (unknown fields, unknown capability names) as
 * notes at field. */
struct seccomp_profile;
void imp_profile_warnings(struct imp *m, const struct seccomp_profile *p, const char *field);
/* A hostname as the --hostname flag takes it. */
int imp_hostname(struct imp *m, const char *v, int line, int col, const char *field);
/* An AppArmor profile name: isolab's own policies (docker-default and
 * runtime/default mean isolab-default); else the LSM layer goes off with a
 * note. */
void imp_apparmor(struct imp *m, const char *name, const char *field);

/* A process that is not root keeps across execve only its ambient
 * capabilities (the runtimes set none; an OCI file names them). isolab's
 * engine does what the runtimes do (no ambient set: lab_config_caps_in_force
 * is empty for a uid other than 0), so this only names it in the report at
 * field, and says that an ambient set an OCI file asks for is not modelled. */
void imp_nonroot_caps(struct imp *m, uint64_t ambient, const char *field);

int import_oci(struct imp *m);
int import_k8s(struct imp *m);
int import_docker(struct imp *m);

#endif
