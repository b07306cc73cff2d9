/* Import: a real runtime's configuration into the lab's (layers/import/).
 *   oci     a runc bundle's config.json (linux.seccomp in OCI form)
 *   k8s     a Pod, or the Pod template of a Deployment, StatefulSet,
 *           DaemonSet, ReplicaSet, Job or CronJob (YAML, libyaml)
 *   docker  a docker run command line in a file
 * The file fills a struct lab_config, as the layer flags do. What isolab
 * cannot model is named with its field path in the report (one note a
 * line, as the export's fidelity report). Malformed files are errors that
 * name the file, the line, the field and the fix. */
#ifndef ISOLAB_IMPORT_H
#define ISOLAB_IMPORT_H

#include <stddef.h>

#include "export.h"
#include "isolab.h"

enum import_kind { IMPORT_AUTO = 0, IMPORT_OCI, IMPORT_K8S, IMPORT_DOCKER };
const char *import_kind_name(enum import_kind k);   /* "oci", "k8s", "docker" */

struct import_opts {
    enum import_kind kind;      /* IMPORT_AUTO: from the text (JSON object: oci;
                                   "docker ..." line: docker; else YAML) */
    const char *container;      /* k8s: the container's name; NULL = the first */
    const char *seccomp_dir;    /* k8s Localhost profiles; NULL = beside the file */
    const char *out_dir;        /* where an OCI file's linux.seccomp is written as a
                                   profile; NULL = $XDG_STATE_HOME/isolab/import */
};

struct import_info {
    enum import_kind kind;
    char what[256];             /* "Deployment web, container app" */
};

/* Reads path into cfg (which it initialises). 0, or -1 with err set. */
int import_file(const char *path, const struct import_opts *o, struct lab_config *cfg,
                struct import_info *info, struct export_report *rep, struct isolab_err *err);
/* The same for a text in memory; name is the file's name for messages and
 * the directory relative paths are looked up in. */
int import_text(const char *text, size_t len, const char *name, const struct import_opts *o,
                struct lab_config *cfg, struct import_info *info, struct export_report *rep,
                struct isolab_err *err);

#endif
