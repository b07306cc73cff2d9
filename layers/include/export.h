/* Export: the lab's configuration for a real runtime (layers/export/).
 *   oci     a runc bundle's config.json
 *   docker  the docker run command line
 *   k8s     a Pod manifest (and the Localhost seccomp profile for the kubelet)
 * Every export fills a fidelity report: what the target cannot express and
 * what it does instead. Nothing is dropped silently. */
#ifndef ISOLAB_EXPORT_H
#define ISOLAB_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "isolab.h"

struct export_report {
    char text[8192];     /* one note a line, "- " in front */
    size_t len;
    int n;
};
void export_note(struct export_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct export_opts {
    const char *image;          /* docker, k8s: the image ("" = debian:bookworm) */
    const char *name;           /* k8s: the Pod's name ("" = isolab) */
    const char *seccomp_out;    /* k8s: the Localhost profile's path relative to the
                                   kubelet's seccomp dir ("" = profiles/isolab.json) */
};

/* A complete runc config.json (root.path "rootfs"). NULL with err set. */
json_t *export_oci(const struct lab_config *cfg, struct export_report *rep,
                   struct isolab_err *err);

/* The docker run line: malloc'ed, shell-quoted, no newline. */
char *export_docker(const struct lab_config *cfg, const struct export_opts *o,
                    struct export_report *rep, struct isolab_err *err);

/* The Pod manifest (YAML, malloc'ed). *profile gets the Localhost seccomp
 * profile in OCI form (NULL when RuntimeDefault or Unconfined is enough). */
char *export_k8s(const struct lab_config *cfg, const struct export_opts *o,
                 json_t **profile, struct export_report *rep, struct isolab_err *err);

/* The export for format ("docker", "oci", "k8s") as files in dir (made if
 * missing): docker-run.sh, config.json, or pod.yaml with the Localhost
 * profile isolab.json beside it. The paths written go to written, ", "
 * between them. 0, or -1 with err set. */
int export_to_dir(const struct lab_config *cfg, const char *format, const char *dir,
                  char *written, size_t n, struct export_report *rep, struct isolab_err *err);

/* Docker's masked and read-only paths, as the namespaces layer applies them. */
const char *const *ns_docker_masked_paths(size_t *n);
const char *const *ns_docker_readonly_paths(size_t *n);

#endif
