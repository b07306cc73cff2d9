/* A Pod's and a container's securityContext (seccompProfile, capabilities
 * against the runtime's default set, appArmorProfile, privileged,
 * allowPrivilegeEscalation, runAsUser/runAsGroup, readOnlyRootFilesystem,
 * sysctls), the older annotations, and resources.limits. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_k8s.h"

/* ---- seccomp -------------------------------------------------------------- */

static int localhost(struct ky *k, const char *rel, const yaml_node_t *n, const char *path)
{
    struct imp *m = k->m;
    const char *base = strrchr(rel, '/');
    const char *dirs[] = {m->o->seccomp_dir, m->dir, "/var/lib/kubelet/seccomp"};
    char out[ISOLAB_PATH_MAX], tried[2048], tried2[1024];
    int rc = imp_find_file(rel, dirs, 3, out, sizeof out, tried, sizeof tried);
    /* isolab export -o DIR/pod.yaml writes the profile as DIR/NAME.json */
    if (rc < 0 && base && !m->o->seccomp_dir)
        rc = imp_find_file(base + 1, dirs + 1, 1, out, sizeof out, tried2, sizeof tried2);
    if (rc < 0) {
        char hint[600];
        snprintf(hint, sizeof hint, "put the profile there, or name the directory it is "
                 "relative to with --seccomp-dir DIR (the kubelet's is "
                 "/var/lib/kubelet/seccomp)");
        return ky_err(k, n, path, hint, "Localhost profile \"%s\" not found (looked for %s)",
                      rel, tried);
    }
    if (imp_check_profile(m, out, n ? (int)n->start_mark.line + 1 : 0,
                          n ? (int)n->start_mark.column + 1 : 0, path) < 0)
        return -1;
    m->cfg->layer_on[LAYER_SECCOMP] = true;
    snprintf(m->cfg->seccomp_profile, sizeof m->cfg->seccomp_profile, "%s", out);
    return 0;
}

static int seccomp_profile(struct ky *k, yaml_node_t *sc, const char *path)
{
    static const char *const known[] = {"type", "localhostProfile"};
    const char *type, *lp;
    yaml_node_t *tn, *ln;
    char tp[256], lpath[256];
    ky_path(tp, sizeof tp, path, "type");
    ky_path(lpath, sizeof lpath, path, "localhostProfile");
    if (ky_known(k, sc, path, known, 2) < 0 || ky_str(k, sc, path, "type", &type, &tn) < 0 ||
        ky_str(k, sc, path, "localhostProfile", &lp, &ln) < 0)
        return -1;
    if (!type)
        return ky_err(k, sc, tp, "write type: RuntimeDefault, Unconfined or Localhost",
                      "missing");
    struct lab_config *cfg = k->m->cfg;
    if (!strcmp(type, "RuntimeDefault")) {
        cfg->layer_on[LAYER_SECCOMP] = true;
        cfg->seccomp_profile[0] = '\0';
    } else if (!strcmp(type, "Unconfined")) {
        cfg->layer_on[LAYER_SECCOMP] = false;
    } else if (!strcmp(type, "Localhost")) {
        if (!lp)
            return ky_err(k, sc, lpath, "write localhostProfile: profiles/NAME.json (relative "
                          "to the kubelet's seccomp directory)", "missing (type is Localhost)");
        return localhost(k, lp, ln, lpath);
    } else {
        return ky_err(k, tn, tp, "the types are RuntimeDefault, Unconfined and Localhost",
                      "unknown type \"%s\"", type);
    }
    return 0;
}

static int apparmor_profile(struct ky *k, yaml_node_t *aa, const char *path)
{
    static const char *const known[] = {"type", "localhostProfile"};
    const char *type, *lp;
    yaml_node_t *tn;
    char tp[256], lpath[256];
    ky_path(tp, sizeof tp, path, "type");
    ky_path(lpath, sizeof lpath, path, "localhostProfile");
    if (ky_known(k, aa, path, known, 2) < 0 || ky_str(k, aa, path, "type", &type, &tn) < 0 ||
        ky_str(k, aa, path, "localhostProfile", &lp, NULL) < 0)
        return -1;
    if (!type)
        return ky_err(k, aa, tp, "write type: RuntimeDefault, Unconfined or Localhost",
                      "missing");
    if (!strcmp(type, "RuntimeDefault"))
        imp_apparmor(k->m, "isolab-default", tp);
    else if (!strcmp(type, "Unconfined"))
        imp_apparmor(k->m, "unconfined", tp);
    else if (!strcmp(type, "Localhost") && lp)
        imp_apparmor(k->m, lp, lpath);
    else if (!strcmp(type, "Localhost"))
        return ky_err(k, aa, lpath, "write localhostProfile: NAME (a profile loaded on the "
                      "node)", "missing (type is Localhost)");
    else
        return ky_err(k, tn, tp, "the types are RuntimeDefault, Unconfined and Localhost",
                      "unknown type \"%s\"", type);
    return 0;
}

/* ---- capabilities ------------------------------------------------------- */

static int cap_list(struct ky *k, yaml_node_t *caps, const char *path, const char *key,
                    uint64_t *mask, bool *all)
{
    yaml_node_t *seq;
    char p[256];
    if (ky_seq(k, caps, path, key, &seq) < 0)
        return -1;
    *mask = 0;
    *all = false;
    for (size_t i = 0; ky_item(k, seq, i); i++) {
        yaml_node_t *n = ky_item(k, seq, i);
        const char *s = ky_scalar(n);
        snprintf(p, sizeof p, "%s.%s[%zu]", path, key, i);
        if (!s)
            return ky_err(k, n, p, "write each capability as a name, e.g. - NET_ADMIN",
                          "expected a capability name");
        if (!strcmp(s, "ALL")) {
            *all = true;
            continue;
        }
        uint64_t bit;
        if (imp_cap(k->m, s, (int)n->start_mark.line + 1, (int)n->start_mark.column + 1, p,
                    &bit) < 0)
            return -1;
        *mask |= bit;
    }
    return 0;
}

/* As containerd: the default set, ALL in add gives every one, ALL in drop
 * none; then the named ones are added, then the named ones dropped. */
static int capabilities(struct ky *k, yaml_node_t *caps, const char *path)
{
    static const char *const known[] = {"add", "drop"};
    uint64_t add, drop;
    bool add_all, drop_all;
    if (ky_known(k, caps, path, known, 2) < 0 ||
        cap_list(k, caps, path, "add", &add, &add_all) < 0 ||
        cap_list(k, caps, path, "drop", &drop, &drop_all) < 0)
        return -1;
    uint64_t c = caps_docker_default();
    if (add_all)
        c = caps_all_known();
    if (drop_all)
        c = 0;
    k->m->cfg->caps = (c | add) & ~drop;
    return 0;
}

/* ---- the securityContext -------------------------------------------------- */

static int sysctls(struct ky *k, yaml_node_t *sc, const char *path)
{
    yaml_node_t *seq;
    if (ky_seq(k, sc, path, "sysctls", &seq) < 0)
        return -1;
    for (size_t i = 0; ky_item(k, seq, i); i++) {
        yaml_node_t *it = ky_item(k, seq, i);
        char p[256];
        const char *name, *value;
        snprintf(p, sizeof p, "%s.sysctls[%zu]", path, i);
        if (ky_str(k, it, p, "name", &name, NULL) < 0 || ky_str(k, it, p, "value", &value, NULL) < 0)
            return -1;
        if (name && value && !strcmp(name, "net.ipv4.ip_unprivileged_port_start") &&
            (!strcmp(value, "0") || !strcmp(value, "1024")))
            k->m->cfg->unpriv_ports = !strcmp(value, "0");
        else
            imp_note(k->m, p, "%s: isolab models only net.ipv4.ip_unprivileged_port_start = "
                     "0 or 1024", name ? name : "?");
    }
    return 0;
}

static int run_as(struct ky *k, yaml_node_t *sc, const char *path)
{
    long long u, g;
    bool gu, gg;
    char p[256];
    if (ky_int(k, sc, path, "runAsUser", &u, &gu) < 0 ||
        ky_int(k, sc, path, "runAsGroup", &g, &gg) < 0)
        return -1;
    struct lab_config *cfg = k->m->cfg;
    if ((gu && (u < 0 || u >= 0xffffffffLL)) || (gg && (g < 0 || g >= 0xffffffffLL))) {
        ky_path(p, sizeof p, path, gu && (u < 0 || u >= 0xffffffffLL) ? "runAsUser" : "runAsGroup");
        return ky_err(k, ky_get(k, sc, gu && (u < 0 || u >= 0xffffffffLL) ? "runAsUser" :
                                "runAsGroup"), p, "an id is 0 to 4294967294", "out of range");
    }
    if (gu) {
        cfg->set_user = true;
        cfg->uid = (uid_t)u;
        if (!gg && !cfg->gid)
            cfg->gid = 0;
    }
    if (gg) {
        cfg->set_user = true;
        cfg->gid = (gid_t)g;
    }
    return 0;
}

static void unmodelled(struct ky *k, yaml_node_t *sc, const char *path)
{
    static const char *const keys[][2] = {
        {"seLinuxOptions", "isolab has no SELinux layer"},
        {"seLinuxChangePolicy", "isolab has no SELinux layer"},
        {"windowsOptions", "Windows only"},
        {"runAsNonRoot", "a check the kubelet makes before the start; isolab starts anyway"},
        {"fsGroup", "isolab mounts no volumes to give a group"},
        {"fsGroupChangePolicy", "isolab mounts no volumes"},
        {"supplementalGroups", "isolab sets no supplementary groups"},
        {"supplementalGroupsPolicy", "isolab sets no supplementary groups"},
        {"procMount", "isolab masks /proc as Docker does (the Default procMount)"},
    };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (ky_get(k, sc, keys[i][0])) {
            char p[256];
            ky_path(p, sizeof p, path, keys[i][0]);
            imp_note(k->m, p, "%s", keys[i][1]);
        }
}

static int container_only(struct ky *k, yaml_node_t *sc, const char *path)
{
    struct lab_config *cfg = k->m->cfg;
    yaml_node_t *caps;
    bool v, given;
    char p[256];
    if (ky_bool(k, sc, path, "privileged", &v, &given) < 0)
        return -1;
    cfg->privileged = given && v;
    if (ky_bool(k, sc, path, "allowPrivilegeEscalation", &v, &given) < 0)
        return -1;
    cfg->no_new_privs = given && !v;
    if (ky_map(k, sc, path, "capabilities", &caps) < 0)
        return -1;
    ky_path(p, sizeof p, path, "capabilities");
    if (caps && capabilities(k, caps, p) < 0)
        return -1;
    if (ky_bool(k, sc, path, "readOnlyRootFilesystem", &v, &given) < 0)
        return -1;
    ky_path(p, sizeof p, path, "readOnlyRootFilesystem");
    if (given && v && cfg->layer_on[LAYER_LSM] && !strcmp(cfg->lsm_profile, "isolab-default")) {
        snprintf(cfg->lsm_profile, sizeof cfg->lsm_profile, "isolab-readonly-root");
        imp_note(k->m, p, "modelled by the LSM policy isolab-readonly-root (writes only "
                 "beneath /tmp and /dev), not by a read-only mount");
    } else if (given && v) {
        imp_note(k->m, p, "not modelled with this LSM setting (isolab models it by the "
                 "isolab-readonly-root policy)");
    }
    return 0;
}

int k8s_security_context(struct ky *k, yaml_node_t *sc, const char *path, bool container)
{
    static const char *const pod_keys[] = {
        "runAsUser", "runAsGroup", "runAsNonRoot", "seccompProfile", "appArmorProfile",
        "seLinuxOptions", "seLinuxChangePolicy", "fsGroup", "fsGroupChangePolicy",
        "supplementalGroups", "supplementalGroupsPolicy", "sysctls", "windowsOptions"};
    static const char *const ctr_keys[] = {
        "runAsUser", "runAsGroup", "runAsNonRoot", "seccompProfile", "appArmorProfile",
        "seLinuxOptions", "windowsOptions", "capabilities", "privileged",
        "allowPrivilegeEscalation", "readOnlyRootFilesystem", "procMount"};
    if (!sc)
        return 0;
    if (container ? ky_known(k, sc, path, ctr_keys, sizeof ctr_keys / sizeof *ctr_keys) :
        ky_known(k, sc, path, pod_keys, sizeof pod_keys / sizeof *pod_keys))
        return -1;
    yaml_node_t *sp, *aa;
    char p[256];
    if (run_as(k, sc, path) < 0 || ky_map(k, sc, path, "seccompProfile", &sp) < 0 ||
        ky_map(k, sc, path, "appArmorProfile", &aa) < 0)
        return -1;
    ky_path(p, sizeof p, path, "seccompProfile");
    if (sp && seccomp_profile(k, sp, p) < 0)
        return -1;
    ky_path(p, sizeof p, path, "appArmorProfile");
    if (aa && apparmor_profile(k, aa, p) < 0)
        return -1;
    unmodelled(k, sc, path);
    return container ? container_only(k, sc, path) : sysctls(k, sc, path);
}

/* ---- annotations ------------------------------------------------------------ */

static int seccomp_annotation(struct ky *k, yaml_node_t *v, const char *path)
{
    const char *s = ky_scalar(v);
    struct lab_config *cfg = k->m->cfg;
    if (!s)
        return ky_err(k, v, path, "write runtime/default, unconfined or localhost/PATH",
                      "expected a string");
    if (!strcmp(s, "runtime/default") || !strcmp(s, "docker/default")) {
        cfg->layer_on[LAYER_SECCOMP] = true;
        cfg->seccomp_profile[0] = '\0';
    } else if (!strcmp(s, "unconfined")) {
        cfg->layer_on[LAYER_SECCOMP] = false;
    } else if (!strncmp(s, "localhost/", 10) && s[10]) {
        return localhost(k, s + 10, v, path);
    } else {
        return ky_err(k, v, path, "the values are runtime/default, docker/default, "
                      "unconfined and localhost/PATH", "unknown value \"%s\"", s);
    }
    return 0;
}

int k8s_annotations(struct ky *k, yaml_node_t *meta, const char *path, const char *container)
{
    yaml_node_t *ann;
    char key[320], p[400];
    if (ky_map(k, meta, path, "annotations", &ann) < 0 || !ann)
        return 0;
    yaml_node_t *v = ky_get(k, ann, "seccomp.security.alpha.kubernetes.io/pod");
    snprintf(p, sizeof p, "%s.annotations.seccomp.security.alpha.kubernetes.io/pod", path);
    if (v && seccomp_annotation(k, v, p) < 0)
        return -1;
    snprintf(key, sizeof key, "container.seccomp.security.alpha.kubernetes.io/%s",
             container ? container : "");
    snprintf(p, sizeof p, "%s.annotations.%s", path, key);
    if ((v = ky_get(k, ann, key)) && seccomp_annotation(k, v, p) < 0)
        return -1;
    snprintf(key, sizeof key, "container.apparmor.security.beta.kubernetes.io/%s",
             container ? container : "");
    snprintf(p, sizeof p, "%s.annotations.%s", path, key);
    if ((v = ky_get(k, ann, key))) {
        const char *s = ky_scalar(v);
        if (!s || (strcmp(s, "runtime/default") && strcmp(s, "unconfined") &&
                   strncmp(s, "localhost/", 10)))
            return ky_err(k, v, p, "the values are runtime/default, unconfined and "
                          "localhost/NAME", "unknown value \"%s\"", s ? s : "?");
        imp_apparmor(k->m, !strncmp(s, "localhost/", 10) ? s + 10 : s, p);
    }
    return 0;
}

/* ---- resources ------------------------------------------------------------ */

/* A Kubernetes quantity: a decimal number and a suffix (Ki..Ei, n u m k M G
 * T P E, or an exponent). -1 if it is none. */
static int quantity(const char *s, double *out)
{
    static const struct { const char *sfx; double mult; } sfx[] = {
        {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
        {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0}, {"n", 1e-9}, {"u", 1e-6},
        {"m", 1e-3}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}, {"E", 1e18},
    };
    char *end;
    if (!s || !(*s == '+' || *s == '.' || (*s >= '0' && *s <= '9')))
        return -1;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0)
        return -1;
    if (!*end) {
        *out = v;
        return 0;
    }
    for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++)
        if (!strcmp(end, sfx[i].sfx)) {
            *out = v * sfx[i].mult;
            return isfinite(*out) ? 0 : -1;
        }
    return -1;
}

static int limit_flag(struct ky *k, yaml_node_t *n, const char *path, const char *flag,
                      const char *val)
{
    char *argv[] = {(char *)flag, (char *)val, NULL};
    int i = 0;
    struct isolab_err e;
    isolab_err_clear(&e);
    if (lab_config_parse_flag(k->m->cfg, 2, argv, &i, &e) < 0)
        return ky_err(k, n, path, e.hint, "%s", e.msg);
    return 0;
}

static int limits(struct ky *k, yaml_node_t *lim, const char *path)
{
    for (yaml_node_pair_t *p = lim->data.mapping.pairs.start; p < lim->data.mapping.pairs.top;
         p++) {
        const char *key = ky_scalar(yaml_document_get_node(k->doc, p->key));
        yaml_node_t *v = yaml_document_get_node(k->doc, p->value);
        char f[256], val[64];
        double q;
        ky_path(f, sizeof f, path, key ? key : "?");
        bool mem = key && !strcmp(key, "memory"), cpu = key && !strcmp(key, "cpu");
        if (!mem && !cpu) {
            imp_note(k->m, f, "isolab sets no such limit");
            continue;
        }
        if (quantity(ky_scalar(v), &q) < 0)
            return ky_err(k, v, f, mem ? "write a quantity such as 64Mi, 512Mi or 1Gi" :
                          "write a quantity such as 500m or 2", "not a quantity");
        if (mem && q >= 9.2e18)
            return ky_err(k, v, f, "write a quantity such as 64Mi, 512Mi or 1Gi", "too large");
        if (mem)
            snprintf(val, sizeof val, "%lld", (long long)q + ((double)(long long)q < q));
        else
            snprintf(val, sizeof val, "%.3f", q);
        if (limit_flag(k, v, f, mem ? "--memory" : "--cpus", val) < 0)
            return -1;
    }
    return 0;
}

int k8s_resources(struct ky *k, yaml_node_t *c, const char *path)
{
    yaml_node_t *res, *lim, *req;
    char p[256], f[256];
    if (ky_map(k, c, path, "resources", &res) < 0 || !res)
        return 0;
    ky_path(p, sizeof p, path, "resources");
    if (ky_map(k, res, p, "limits", &lim) < 0 || ky_map(k, res, p, "requests", &req) < 0)
        return -1;
    ky_path(f, sizeof f, p, "limits");
    if (lim && limits(k, lim, f) < 0)
        return -1;
    ky_path(f, sizeof f, p, "requests");
    if (req)
        imp_note(k->m, f, "for the scheduler (and cpu shares); only limits are modelled");
    return 0;
}
