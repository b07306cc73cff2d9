/* The configuration as a Kubernetes Pod. The runtime's defaults are the
 * baseline: containerd's and CRI-O's capability set is Docker's 14, and
 * their RuntimeDefault seccomp profile is Docker's. Capabilities become add
 * and drop against that set; a profile other than isolab's copy of Docker's
 * becomes a Localhost profile in OCI form for the kubelet's seccomp dir. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_int.h"

struct yaml_out {
    char *buf;
    size_t len, cap;
    bool oom;
};

static void y(struct yaml_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void y(struct yaml_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (o->oom || n < 0)
        return;
    if (o->len + (size_t)n + 1 > o->cap) {
        size_t cap = (o->len + (size_t)n + 1) * 2;
        char *b = realloc(o->buf, cap);
        if (!b) {
            o->oom = true;
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
}

/* A YAML double-quoted scalar (JSON's escaping is valid YAML). */
static void yq(struct yaml_out *o, const char *s)
{
    json_t *j = json_string(s);
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    y(o, "%s", t ? t : "\"\"");
    free(t);
    json_decref(j);
}

static bool default_profile(const struct lab_config *cfg)
{
    char mine[ISOLAB_PATH_MAX], dflt[ISOLAB_PATH_MAX], a[ISOLAB_PATH_MAX], b[ISOLAB_PATH_MAX];
    struct lab_config d;
    struct isolab_err e;
    lab_config_init_docker(&d);
    if (seccomp_profile_path(cfg, mine, sizeof mine, &e) < 0 ||
        seccomp_profile_path(&d, dflt, sizeof dflt, &e) < 0)
        return false;
    return realpath(mine, a) && realpath(dflt, b) && !strcmp(a, b);
}

static void caps_list(struct yaml_out *o, const char *key, uint64_t set, bool all)
{
    if (!set && !all)
        return;
    y(o, "        %s:", key);
    if (all) {
        y(o, " [\"ALL\"]\n");
        return;
    }
    const char *sep = " [";
    for (int c = 0; c < 64; c++)
        if (set & (1ull << c)) {
            y(o, "%s\"%s\"", sep, isolab_cap_name(c) + 4);
            sep = ", ";
        }
    y(o, "]\n");
}

static void k8s_caps(struct yaml_out *o, const struct lab_config *cfg)
{
    if (cfg->privileged)
        return;
    uint64_t caps = lab_config_caps_bounding(cfg), dflt = caps_docker_default();
    bool all = caps == caps_all_known();
    if (!all && caps == dflt)
        return;
    y(o, "      capabilities:\n");
    if (all) {
        caps_list(o, "add", 0, true);
    } else if (!caps) {
        caps_list(o, "drop", 0, true);
    } else {
        caps_list(o, "add", caps & ~dflt, false);
        caps_list(o, "drop", dflt & ~caps, false);
    }
}

static int k8s_seccomp(struct yaml_out *o, const struct lab_config *cfg,
                       const struct export_opts *x, json_t **profile, struct isolab_err *err)
{
    if (cfg->privileged)
        return 0;
    if (!layer_in_force(cfg, LAYER_SECCOMP)) {
        y(o, "      seccompProfile:\n        type: Unconfined\n");
        return 0;
    }
    if (default_profile(cfg)) {
        y(o, "      seccompProfile:\n        type: RuntimeDefault\n");
        return 0;
    }
    char path[ISOLAB_PATH_MAX];
    *profile = export_seccomp_oci(cfg, path, sizeof path, err);
    if (!*profile)
        return -1;
    y(o, "      seccompProfile:\n        type: Localhost\n        localhostProfile: ");
    char rel[ISOLAB_PATH_MAX];
    snprintf(rel, sizeof rel, "profiles/%s", x && x->seccomp_out && *x->seccomp_out ?
             x->seccomp_out : "isolab.json");
    yq(o, rel);
    y(o, "\n");
    return 0;
}

static void k8s_lsm(struct yaml_out *o, const struct lab_config *cfg)
{
    if (cfg->privileged)
        return;
    if (!layer_in_force(cfg, LAYER_LSM)) {
        y(o, "      appArmorProfile:\n        type: Unconfined\n");
    } else if (!strcmp(cfg->lsm_profile, "isolab-default")) {
        y(o, "      appArmorProfile:\n        type: RuntimeDefault\n");
    } else {
        y(o, "      appArmorProfile:\n        type: Localhost\n        localhostProfile: ");
        yq(o, cfg->lsm_profile);
        y(o, "\n");
    }
}

static void k8s_pod_spec(struct yaml_out *o, const struct lab_config *cfg,
                         struct export_report *rep)
{
    bool on = cfg->layer_on[LAYER_NS];
    if (on && cfg->ns[NS_USER])
        y(o, "  hostUsers: false\n");
    if (!on || !cfg->ns[NS_NET])
        y(o, "  hostNetwork: true\n");
    if (!on || !cfg->ns[NS_PID])
        y(o, "  hostPID: true\n");
    if (!on || !cfg->ns[NS_IPC])
        y(o, "  hostIPC: true\n");
    if (on && cfg->ns[NS_UTS]) {
        y(o, "  hostname: ");
        yq(o, cfg->hostname[0] ? cfg->hostname : "isolab");
        y(o, "\n");
    } else {
        export_note(rep, "namespaces: a Pod always has its own UTS namespace (there is no "
                    "hostUTS); the hostname is the Pod's");
    }
    if (!on || !cfg->ns[NS_MNT])
        export_note(rep, "namespaces: a container always has its own mount namespace; "
                    "isolab shares the host's files here");
    if (on && cfg->ns[NS_NET] && cfg->unpriv_ports)
        y(o, "  securityContext:\n    sysctls:\n"
          "    - name: net.ipv4.ip_unprivileged_port_start\n      value: \"0\"\n");
    if (on && cfg->ns[NS_CGROUP] != (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0))
        export_note(rep, "namespaces: the cgroup namespace is the runtime's choice (private "
                    "on cgroup v2, the host's on v1); a Pod cannot ask for %s",
                    cfg->ns[NS_CGROUP] ? "one" : "none");
}

static void k8s_container(struct yaml_out *o, const struct lab_config *cfg,
                          const struct export_opts *x)
{
    y(o, "  - name: isolab\n    image: ");
    yq(o, x && x->image && *x->image ? x->image : "debian:bookworm");
    y(o, "\n");
    if (cfg->argv) {
        y(o, "    command: [");
        for (char **a = cfg->argv; *a; a++) {
            y(o, "%s", a == cfg->argv ? "" : ", ");
            yq(o, *a);
        }
        y(o, "]\n");
    }
    if (cfg->layer_on[LAYER_CGROUP] && (cfg->memory_bytes > 0 || cfg->cpus > 0)) {
        y(o, "    resources:\n      limits:\n");
        if (cfg->memory_bytes > 0)
            y(o, "        memory: \"%lld\"\n", cfg->memory_bytes);
        if (cfg->cpus > 0)
            y(o, "        cpu: \"%ldm\"\n", (long)(cfg->cpus * 1000 + 0.5));
    }
}

char *export_k8s(const struct lab_config *cfg, const struct export_opts *x,
                 json_t **profile, struct export_report *rep, struct isolab_err *err)
{
    struct yaml_out o = {0};
    *profile = NULL;
    y(&o, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ");
    yq(&o, x && x->name && *x->name ? x->name : "isolab");
    y(&o, "\nspec:\n");
    k8s_pod_spec(&o, cfg, rep);
    y(&o, "  containers:\n");
    k8s_container(&o, cfg, x);
    y(&o, "    securityContext:\n      privileged: %s\n", cfg->privileged ? "true" : "false");
    y(&o, "      allowPrivilegeEscalation: %s\n", cfg->no_new_privs ? "false" : "true");
    if (cfg->set_user)
        y(&o, "      runAsUser: %u\n      runAsGroup: %u\n", cfg->uid, cfg->gid);
    k8s_caps(&o, cfg);
    if (k8s_seccomp(&o, cfg, x, profile, err) < 0) {
        free(o.buf);
        return NULL;
    }
    k8s_lsm(&o, cfg);
    if (cfg->layer_on[LAYER_CGROUP] && cfg->pids_limit > 0)
        export_note(rep, "cgroups: Kubernetes has no per-container pids limit (--pids-limit "
                    "%ld); the kubelet's podPidsLimit applies to the whole node's Pods",
                    cfg->pids_limit);
    if (cfg->privileged)
        export_note(rep, "privileged: the Pod gets every capability, no seccomp and no "
                    "AppArmor, and every host device as well");
    export_common_notes(cfg, "Kubernetes", rep);
    if (o.oom) {
        free(o.buf);
        json_decref(*profile);
        *profile = NULL;
        isolab_err_set(err, ENOMEM, "export: out of memory");
        return NULL;
    }
    return o.buf;
}
