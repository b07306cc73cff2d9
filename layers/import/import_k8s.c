/* A Kubernetes Pod, or the Pod template of a workload, into the lab's
 * configuration (libyaml's document API: every node keeps its line and
 * column). The runtime's defaults are the baseline (the kubernetes-default
 * preset: containerd's and CRI-O's, seccomp Unconfined unless asked);
 * then the Pod's fields, then the chosen container's. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_k8s.h"

void ky_path(char *buf, size_t n, const char *base, const char *key)
{
    if (snprintf(buf, n, "%s%s%s", base, *base ? "." : "", key) >= (int)n)
        buf[n - 1] = '\0';   /* a path that long is cut; it only names the place */
}

const char *ky_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool is_null(const yaml_node_t *n)
{
    const char *s = ky_scalar(n);
    return s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
            !strcmp(s, "NULL"));
}

yaml_node_t *ky_get(struct ky *k, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *s = ky_scalar(yaml_document_get_node(k->doc, p->key));
        if (s && !strcmp(s, key)) {
            yaml_node_t *v = yaml_document_get_node(k->doc, p->value);
            return is_null(v) ? NULL : v;
        }
    }
    return NULL;
}

yaml_node_t *ky_item(struct ky *k, yaml_node_t *seq, size_t i)
{
    if (!seq || seq->type != YAML_SEQUENCE_NODE)
        return NULL;
    yaml_node_item_t *it = seq->data.sequence.items.start + i;
    return it < seq->data.sequence.items.top ? yaml_document_get_node(k->doc, *it) : NULL;
}

int ky_err(struct ky *k, const yaml_node_t *n, const char *path, const char *hint,
           const char *fmt, ...)
{
    char what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return imp_err(k->m, n ? (int)n->start_mark.line + 1 : 0,
                   n ? (int)n->start_mark.column + 1 : 0, path, hint, "%s", what);
}

static const char *found(const yaml_node_t *n, char *buf, size_t len)
{
    if (n->type == YAML_MAPPING_NODE)
        return "a mapping";
    if (n->type == YAML_SEQUENCE_NODE)
        return "a list";
    snprintf(buf, len, "\"%.60s\"", ky_scalar(n));
    return buf;
}

static int type_err(struct ky *k, const yaml_node_t *n, const char *path, const char *want,
                    const char *write)
{
    char b[80];
    return ky_err(k, n, path, write, "expected %s, found %s", want, found(n, b, sizeof b));
}

/* The node under key, if it is there, must be of type; else the error names
 * what was wanted and how to write it (how: a format with one %s, the key). */
static int ky_typed(struct ky *k, yaml_node_t *map, const char *path, const char *key,
                    yaml_node_type_t type, const char *what, const char *how,
                    yaml_node_t **out)
{
    char p[256], w[300];
    ky_path(p, sizeof p, path, key);
    *out = ky_get(k, map, key);
    if (!*out || (*out)->type == type)
        return 0;
    snprintf(w, sizeof w, how, key);
    return type_err(k, *out, p, what, w);
}

int ky_map(struct ky *k, yaml_node_t *map, const char *path, const char *key, yaml_node_t **out)
{
    return ky_typed(k, map, path, key, YAML_MAPPING_NODE, "a mapping",
                    "write %s: followed by indented fields (key: value)", out);
}

int ky_seq(struct ky *k, yaml_node_t *map, const char *path, const char *key, yaml_node_t **out)
{
    return ky_typed(k, map, path, key, YAML_SEQUENCE_NODE, "a list",
                    "write %s: as a list, one \"- item\" a line or [a, b]", out);
}

int ky_bool(struct ky *k, yaml_node_t *map, const char *path, const char *key, bool *v,
            bool *given)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "on", "On"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "off", "Off"};
    char p[256], w[300];
    ky_path(p, sizeof p, path, key);
    yaml_node_t *n = ky_get(k, map, key);
    *given = false;
    if (!n)
        return 0;
    const char *s = ky_scalar(n);
    for (size_t i = 0; s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                       i < sizeof yes / sizeof *yes; i++)
        if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
            *v = !strcmp(s, yes[i]);
            *given = true;
            return 0;
        }
    snprintf(w, sizeof w, "write %s: true or %s: false (without quotes)", key, key);
    return type_err(k, n, p, "a boolean", w);
}

int ky_int(struct ky *k, yaml_node_t *map, const char *path, const char *key, long long *v,
           bool *given)
{
    char p[256], w[300];
    ky_path(p, sizeof p, path, key);
    yaml_node_t *n = ky_get(k, map, key);
    *given = false;
    if (!n)
        return 0;
    const char *s = ky_scalar(n);
    char *end = NULL;
    errno = 0;
    long long x = s ? strtoll(s, &end, 10) : 0;
    if (s && *s && !*end && errno == 0 && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        *v = x;
        *given = true;
        return 0;
    }
    snprintf(w, sizeof w, "write %s: 1000 (a number, without quotes)", key);
    return type_err(k, n, p, "an integer", w);
}

int ky_str(struct ky *k, yaml_node_t *map, const char *path, const char *key, const char **v,
           yaml_node_t **node)
{
    char p[256], w[300];
    ky_path(p, sizeof p, path, key);
    yaml_node_t *n = ky_get(k, map, key);
    *v = NULL;
    if (node)
        *node = n;
    if (!n)
        return 0;
    if ((*v = ky_scalar(n)))
        return 0;
    snprintf(w, sizeof w, "write %s: VALUE on one line", key);
    return type_err(k, n, p, "a string", w);
}

int ky_known(struct ky *k, yaml_node_t *map, const char *path, const char *const *known,
             size_t n)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return 0;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *kn = yaml_document_get_node(k->doc, p->key);
        const char *s = ky_scalar(kn);
        bool ok = false;
        for (size_t i = 0; s && i < n && !ok; i++)
            ok = !strcmp(s, known[i]);
        if (ok)
            continue;
        char hint[700], f[256];
        size_t l = (size_t)snprintf(hint, sizeof hint, "Kubernetes refuses unknown fields; ");
        const char *near = NULL;
        for (size_t i = 0; s && i < n && !near; i++)
            if (!strcasecmp(s, known[i]))
                near = known[i];
        if (near)
            l += (size_t)snprintf(hint + l, sizeof hint - l, "did you mean %s? ", near);
        l += (size_t)snprintf(hint + l, sizeof hint - l, "the fields here are");
        for (size_t i = 0; i < n && l < sizeof hint; i++)
            l += (size_t)snprintf(hint + l, sizeof hint - l, "%s %s", i ? "," : "", known[i]);
        ky_path(f, sizeof f, path, s ? s : "?");
        return ky_err(k, kn, f, hint, "unknown field");
    }
    return 0;
}

/* ---- the Pod ------------------------------------------------------------ */

static int pod_namespaces(struct ky *k, yaml_node_t *ps, const char *path)
{
    struct lab_config *cfg = k->m->cfg;
    bool v, given;
    if (ky_bool(k, ps, path, "hostUsers", &v, &given) < 0)
        return -1;
    cfg->ns[NS_USER] = given && !v;
    static const struct { const char *key; int ns; } host[] = {
        {"hostPID", NS_PID}, {"hostNetwork", NS_NET}, {"hostIPC", NS_IPC},
    };
    for (size_t i = 0; i < sizeof host / sizeof *host; i++) {
        if (ky_bool(k, ps, path, host[i].key, &v, &given) < 0)
            return -1;
        if (given)
            cfg->ns[host[i].ns] = !v;
    }
    if (!cfg->ns[NS_NET])
        cfg->unpriv_ports = false;
    if (ky_bool(k, ps, path, "shareProcessNamespace", &v, &given) < 0)
        return -1;
    if (given && v) {
        char f[256];
        ky_path(f, sizeof f, path, "shareProcessNamespace");
        imp_note(k->m, f, "the Pod's containers share one pid namespace (and the pause "
                 "process is pid 1); isolab's sandbox has its own");
    }
    return 0;
}

static int pod_other(struct ky *k, yaml_node_t *ps, const char *path)
{
    char f[256];
    const char *s;
    yaml_node_t *vols;
    if (ky_str(k, ps, path, "runtimeClassName", &s, NULL) < 0 ||
        ky_seq(k, ps, path, "volumes", &vols) < 0)
        return -1;
    if (s) {
        ky_path(f, sizeof f, path, "runtimeClassName");
        imp_note(k->m, f, "\"%s\" picks another runtime (gVisor, Kata: a sandbox isolab "
                 "does not model); isolab shows runc's layers", s);
    }
    bool other = false;
    for (size_t i = 0; ky_item(k, vols, i); i++) {
        yaml_node_t *v = ky_item(k, vols, i), *hp = ky_get(k, v, "hostPath");
        const char *hpath = ky_scalar(ky_get(k, hp, "path"));
        if (hp) {
            snprintf(f, sizeof f, "%s.volumes[%zu].hostPath", path, i);
            imp_note(k->m, f, "mounts the host's %s into the Pod; isolab mounts no volumes",
                     hpath ? hpath : "?");
        } else {
            other = true;
        }
    }
    if (other) {
        ky_path(f, sizeof f, path, "volumes");
        imp_note(k->m, f, "isolab mounts no volumes (only the root, /proc, /dev and /tmp)");
    }
    return 0;
}

static int pod_hostname(struct ky *k, yaml_node_t *ps, const char *path, const char *podname)
{
    const char *h;
    yaml_node_t *n;
    char f[256];
    if (ky_str(k, ps, path, "hostname", &h, &n) < 0)
        return -1;
    ky_path(f, sizeof f, path, "hostname");
    if (!h)
        h = podname ? podname : "isolab";
    if (!k->m->cfg->ns[NS_UTS])
        return 0;
    return imp_hostname(k->m, h, n ? (int)n->start_mark.line + 1 : 0,
                        n ? (int)n->start_mark.column + 1 : 0, f);
}

/* The container: by name (containers, then initContainers), else the first. */
static int pick_container(struct ky *k, yaml_node_t *ps, const char *path, yaml_node_t **out,
                          char *cpath, size_t n)
{
    static const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};
    const char *want = k->m->o->container;
    char names[512] = "";
    size_t nl = 0;
    *out = NULL;
    for (size_t l = 0; l < 3; l++) {
        yaml_node_t *seq;
        if (ky_seq(k, ps, path, lists[l], &seq) < 0)
            return -1;
        for (size_t i = 0; ky_item(k, seq, i); i++) {
            yaml_node_t *c = ky_item(k, seq, i);
            const char *name = ky_scalar(ky_get(k, c, "name"));
            char p[256];
            snprintf(p, sizeof p, "%s.%s[%zu]", path, lists[l], i);
            if (c->type != YAML_MAPPING_NODE)
                return type_err(k, c, p, "a container (a mapping)", "write - name: app\n"
                                "    image: IMAGE");
            if (!*out && (want ? name && !strcmp(name, want) : l == 0)) {
                *out = c;
                snprintf(cpath, n, "%s", p);
                continue;
            }
            if (nl < sizeof names)
                nl += (size_t)snprintf(names + nl, sizeof names - nl, "%s%s", nl ? ", " : "",
                                       name ? name : "?");
            if (l == 0)
                imp_note(k->m, p, "container %s is not imported; --container %s imports it",
                         name ? name : "?", name ? name : "NAME");
        }
    }
    if (*out)
        return 0;
    char hint[700];
    snprintf(hint, sizeof hint, "%s%s", want ? "the containers are: " : "add a container: "
             "containers: [{name: app, image: debian}]", want ? names : "");
    return ky_err(k, ps, path, hint, want ? "no container named \"%s\"" : "%sno containers",
                  want ? want : "");
}

static int pod(struct ky *k, yaml_node_t *ps, const char *path, yaml_node_t *meta,
               const char *mpath, const char *podname)
{
    struct imp *m = k->m;
    struct isolab_err e;
    isolab_err_clear(&e);
    lab_config_init_docker(m->cfg);
    if (preset_apply(m->cfg, "kubernetes-default", &e) < 0)
        return imp_err(m, 0, 0, NULL, e.hint, "the runtime's defaults: %s", e.msg);
    m->cfg->tty = LAB_TTY_AUTO;
    yaml_node_t *c, *psc, *csc;
    char cpath[256], p[256];
    if (ps->type != YAML_MAPPING_NODE)
        return type_err(k, ps, path, "the Pod's spec (a mapping)", "write spec: with "
                        "containers: below it");
    if (pod_namespaces(k, ps, path) < 0 || pod_other(k, ps, path) < 0 ||
        pod_hostname(k, ps, path, podname) < 0 ||
        pick_container(k, ps, path, &c, cpath, sizeof cpath) < 0)
        return -1;
    const char *cname = ky_scalar(ky_get(k, c, "name"));
    if (k8s_annotations(k, meta, mpath, cname) < 0 || ky_map(k, ps, path, "securityContext", &psc) < 0)
        return -1;
    ky_path(p, sizeof p, path, "securityContext");
    if (k8s_security_context(k, psc, p, false) < 0 || ky_map(k, c, cpath, "securityContext", &csc) < 0)
        return -1;
    ky_path(p, sizeof p, cpath, "securityContext");
    if (k8s_security_context(k, csc, p, true) < 0 || k8s_resources(k, c, cpath) < 0)
        return -1;
    ky_path(p, sizeof p, ky_get(k, csc, "runAsUser") ? cpath : path, "securityContext.runAsUser");
    imp_nonroot_caps(m, 0, p);
    snprintf(m->info->what + strlen(m->info->what),
             sizeof m->info->what - strlen(m->info->what), ", container %s", cname ? cname : "?");
    return 0;
}

/* The Pod spec of a Pod or a workload: its path and the metadata whose
 * annotations apply. */
static int workload(struct ky *k, yaml_node_t *root, const char *kind)
{
    static const struct { const char *kind; const char *spec; const char *meta; } kinds[] = {
        {"Pod", "spec", "metadata"},
        {"Deployment", "spec.template.spec", "spec.template.metadata"},
        {"StatefulSet", "spec.template.spec", "spec.template.metadata"},
        {"DaemonSet", "spec.template.spec", "spec.template.metadata"},
        {"ReplicaSet", "spec.template.spec", "spec.template.metadata"},
        {"Job", "spec.template.spec", "spec.template.metadata"},
        {"PodTemplate", "template.spec", "template.metadata"},
        {"CronJob", "spec.jobTemplate.spec.template.spec", "spec.jobTemplate.spec.template.metadata"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        if (strcmp(kind, kinds[i].kind))
            continue;
        yaml_node_t *ps = root, *meta = root, *last = root;
        char walked[256] = "";
        for (const char *s = kinds[i].spec; ps && *s;) {
            size_t l = strcspn(s, ".");
            char key[32];
            snprintf(key, sizeof key, "%.*s", (int)l, s);
            last = ps;
            ps = ky_get(k, ps, key);
            snprintf(walked + strlen(walked), sizeof walked - strlen(walked), "%s%s",
                     *walked ? "." : "", key);
            s += l + (s[l] == '.');
        }
        if (!ps)
            return ky_err(k, last, walked, "a workload holds its Pod under spec.template.spec",
                          "missing: a %s needs %s", kind, kinds[i].spec);
        for (const char *s = kinds[i].meta; meta && *s;) {
            size_t l = strcspn(s, ".");
            char key[32];
            snprintf(key, sizeof key, "%.*s", (int)l, s);
            meta = ky_get(k, meta, key);
            s += l + (s[l] == '.');
        }
        const char *name = ky_scalar(ky_get(k, ky_get(k, root, "metadata"), "name"));
        snprintf(k->m->info->what, sizeof k->m->info->what, "%s %s", kind, name ? name : "?");
        return pod(k, ps, kinds[i].spec, meta, kinds[i].meta,
                   !strcmp(kind, "Pod") ? name : NULL);
    }
    return 1;   /* not a workload */
}

static int syntax(struct imp *m, const yaml_parser_t *p)
{
    const yaml_mark_t *mk = p->problem ? &p->problem_mark : &p->context_mark;
    char what[400];
    snprintf(what, sizeof what, "YAML syntax: %s%s%s", p->problem ? p->problem : "error",
             p->context ? " " : "", p->context ? p->context : "");
    return imp_err(m, (int)mk->line + 1, (int)mk->column + 1, NULL, "check the indentation "
                   "there (spaces, not tabs; items of a list line up under each other) and "
                   "that every key is followed by ': '", "%s", what);
}

int import_k8s(struct imp *m)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return imp_err(m, 0, 0, NULL, NULL, "out of memory");
    yaml_parser_set_input_string(&p, (const unsigned char *)m->text, m->len);
    char kinds[256] = "";
    size_t kl = 0;
    int rc = 1;
    while (rc == 1) {
        yaml_document_t doc;
        if (!yaml_parser_load(&p, &doc)) {
            rc = syntax(m, &p);
            break;
        }
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) {
            yaml_document_delete(&doc);
            break;
        }
        struct ky k = {.m = m, .doc = &doc};
        const char *kind = ky_scalar(ky_get(&k, root, "kind"));
        if (kind) {
            rc = workload(&k, root, kind);
            if (rc == 1 && kl < sizeof kinds)
                kl += (size_t)snprintf(kinds + kl, sizeof kinds - kl, "%s%s", kl ? ", " : "",
                                       kind);
        } else if (root->type != YAML_MAPPING_NODE) {
            rc = ky_err(&k, root, NULL, "a manifest starts with apiVersion: v1 and kind: Pod",
                        "expected a Kubernetes object (a mapping with kind:)");
        } else if (kl < sizeof kinds) {
            kl += (size_t)snprintf(kinds + kl, sizeof kinds - kl, "%s(no kind)", kl ? ", " : "");
        }
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&p);
    if (rc == 1)
        return imp_err(m, 0, 0, NULL, "give a Pod, or a Deployment, StatefulSet, DaemonSet, "
                       "ReplicaSet, Job or CronJob (its Pod template is imported)",
                       "no Pod or workload in the file (found: %s)", kl ? kinds : "nothing");
    return rc;
}
