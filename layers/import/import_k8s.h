/* The Kubernetes importer's YAML helpers and parts (import_k8s*.c). */
#ifndef ISOLAB_IMPORT_K8S_H
#define ISOLAB_IMPORT_K8S_H

#include <yaml.h>

#include "import_int.h"

struct ky {
    struct imp *m;
    yaml_document_t *doc;
};

/* A child path: "base.key" (or "key" when base is ""). */
void ky_path(char *buf, size_t n, const char *base, const char *key);
/* The scalar's text; NULL if n is not a scalar. */
const char *ky_scalar(const yaml_node_t *n);
/* The value of key in a mapping (NULL if absent, null, or map is none). */
yaml_node_t *ky_get(struct ky *k, yaml_node_t *map, const char *key);
/* An error at n's position (line and column of the node; 0 = none). */
int ky_err(struct ky *k, const yaml_node_t *n, const char *path, const char *hint,
           const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Typed members of map at path.key: absent is not an error (*out NULL /
 * *given false); the wrong type is, with what to write. */
int ky_map(struct ky *k, yaml_node_t *map, const char *path, const char *key, yaml_node_t **out);
int ky_seq(struct ky *k, yaml_node_t *map, const char *path, const char *key, yaml_node_t **out);
int ky_bool(struct ky *k, yaml_node_t *map, const char *path, const char *key, bool *v,
            bool *given);
int ky_int(struct ky *k, yaml_node_t *map, const char *path, const char *key, long long *v,
           bool *given);
int ky_str(struct ky *k, yaml_node_t *map, const char *path, const char *key, const char **v,
           yaml_node_t **node);
/* Refuses a key of map that is not in known (Kubernetes refuses unknown
 * fields): the error names it and lists the known ones. */
int ky_known(struct ky *k, yaml_node_t *map, const char *path, const char *const *known,
             size_t n);
/* The i-th item of a sequence, NULL past the end. */
yaml_node_t *ky_item(struct ky *k, yaml_node_t *seq, size_t i);

/* import_k8s_sc.c: a securityContext (pod: container == false) and the
 * container's resources. */
int k8s_security_context(struct ky *k, yaml_node_t *sc, const char *path, bool container);
int k8s_resources(struct ky *k, yaml_node_t *c, const char *path);
/* The older annotations for seccomp and AppArmor. */
int k8s_annotations(struct ky *k, yaml_node_t *meta, const char *path, const char *container);

#endif
