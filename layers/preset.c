/* Presets: profiles/presets/NAME.json set all five layers at once.
 *
 * A preset is data. Keys (all optional except description/source, which
 * every shipped preset has):
 *   "layers":       {"seccomp": bool, "lsm": bool, "cgroups": bool,
 *                    "caps": bool, "namespaces": bool}
 *   "namespaces":   {"user"|"pid"|"mnt"|"uts"|"ipc"|"net"|"cgroup"|"time":
 *                    true | false | "if-available" | "if-cgroup-v2"}
 *   "capabilities": ["CAP_CHOWN", ...] | "all" | "none"
 *   "seccomp":      "file.json" (relative to profiles/seccomp/) | null
 *   "lsm":          "isolab-default" | null
 *   "no_new_privileges", "privileged": bool
 *   "cgroups":      {"pids_limit": N, "memory": BYTES, "cpus": F} (0 = none)
 *   "hostname":     "name"
 *   "unprivileged_ports": bool  net.ipv4.ip_unprivileged_port_start=0 in
 *                   the sandbox's network namespace (Docker 20.10+) or not
 * The preset starts from a blank Docker-shaped config (lab_config_init_docker)
 * and every key it gives overrides; keys it omits keep Docker's values. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolab.h"
#include "layer.h"
#include "readfile.h"

static int valid_name(const char *name)
{
    if (!name || !*name || strlen(name) > 64)
        return 0;
    for (const char *p = name; *p; p++)
        if (!(*p == '-' || *p == '_' || (*p >= 'a' && *p <= 'z') ||
              (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return 0;
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int preset_list(char ***names, size_t *n)
{
    char dir[ISOLAB_PATH_MAX];
    *names = NULL;
    *n = 0;
    isolab_data_path("profiles/presets", dir, sizeof dir);
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(*names, cap * sizeof *nn);
            if (!nn)
                goto oom;
            *names = nn;
        }
        (*names)[*n] = strndup(de->d_name, len - 5);
        if (!(*names)[*n])
            goto oom;
        (*n)++;
    }
    closedir(d);
    if (*n)
        qsort(*names, *n, sizeof **names, cmp_str);
    return 0;
oom:
    closedir(d);
    for (size_t i = 0; i < *n; i++)
        free((*names)[i]);
    free(*names);
    *names = NULL;
    *n = 0;
    errno = ENOMEM;
    return -1;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void unknown_preset(const char *name, const char *path, struct isolab_err *err)
{
    char **names = NULL;
    size_t n = 0;
    char list[400] = "";
    size_t off = 0;
    if (preset_list(&names, &n) == 0) {
        for (size_t i = 0; i < n && off < sizeof list; i++)
            off += snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", names[i]);
    }
    free_names(names, n);
    isolab_err_set(err, ENOENT, "preset: unknown preset '%s' (no %s)", name, path);
    isolab_err_hint(err, "available presets: %s", n ? list : "(none found)");
}

static json_t *load_preset(const char *name, char *path, size_t pathlen,
                           struct isolab_err *err)
{
    char rel[128];
    if (!valid_name(name)) {
        isolab_err_set(err, EINVAL, "preset: '%s' is not a preset name", name ? name : "");
        isolab_err_hint(err, "a preset name is letters, digits, '-' and '_'; "
                        "`isolab preset list` shows them");
        return NULL;
    }
    snprintf(rel, sizeof rel, "profiles/presets/%s.json", name);
    isolab_data_path(rel, path, pathlen);
    if (access(path, F_OK) != 0) {
        unknown_preset(name, path, err);
        return NULL;
    }
    json_error_t je;
    char *text = NULL;
    size_t len;
    if (isolab_read_file(path, ISOLAB_FILE_MAX, "preset", &text, &len, err) < 0)
        return NULL;
    json_t *root = json_loadb(text, len, 0, &je);
    free(text);
    if (!root) {
        isolab_err_set(err, EINVAL, "preset: %s:%d:%d: %s", path, je.line, je.column, je.text);
        isolab_err_hint(err, "a preset is one JSON object; compare with profiles/presets/docker.json");
        return NULL;
    }
    if (!json_is_object(root)) {
        isolab_err_set(err, EINVAL, "preset: %s: expected a JSON object at the top", path);
        isolab_err_hint(err, "compare with profiles/presets/docker.json");
        json_decref(root);
        return NULL;
    }
    return root;
}

static int bad(struct isolab_err *err, const char *path, const char *key, const char *what)
{
    isolab_err_set(err, EINVAL, "preset: %s: \"%s\": %s", path, key, what);
    isolab_err_hint(err, "compare with profiles/presets/docker.json (keys are "
                    "documented at the top of layers/preset.c)");
    return -1;
}

/* One entry of "layers" or "namespaces": 0, or -1 with what was wrong in what. */
typedef int (*entry_fn)(struct lab_config *cfg, const char *k, json_t *v, char *what,
                        size_t whatsz);

/* The object under key (an object of entries, each applied by one). */
static int apply_entries(struct lab_config *cfg, json_t *j, const char *path, const char *key,
                         const char *example, entry_fn one, struct isolab_err *err)
{
    char what[200];
    if (!json_is_object(j)) {
        snprintf(what, sizeof what, "expected an object %s", example);
        return bad(err, path, key, what);
    }
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) {
        if (one(cfg, k, v, what, sizeof what) < 0)
            return bad(err, path, key, what);
    }
    return 0;
}

static int layer_entry(struct lab_config *cfg, const char *k, json_t *v, char *what,
                       size_t whatsz)
{
    int id = -1;
    for (int i = 0; i < LAYER_COUNT; i++)
        if (strcmp(k, layer_name(i)) == 0)
            id = i;
    if (id < 0 || !json_is_boolean(v)) {
        snprintf(what, whatsz, "\"%s\" must be one of seccomp, lsm, cgroups, "
                 "caps, namespaces with true or false", k);
        return -1;
    }
    cfg->layer_on[id] = json_is_true(v);
    return 0;
}

static bool ns_condition(const char *cond, enum ns_kind k, bool *ok)
{
    *ok = true;
    if (strcmp(cond, "if-available") == 0) {
        return ns_kernel_has(k);
    }
    if (strcmp(cond, "if-cgroup-v2") == 0)
        return access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
    *ok = false;
    return false;
}

static int namespace_entry(struct lab_config *cfg, const char *k, json_t *v, char *what,
                           size_t whatsz)
{
    int ns = ns_from_name(k);
    if (ns < 0) {
        snprintf(what, whatsz, "unknown namespace \"%s\" (user, pid, mnt, uts, "
                 "ipc, net, cgroup, time)", k);
        return -1;
    }
    if (json_is_boolean(v)) {
        cfg->ns[ns] = json_is_true(v);
        return 0;
    }
    if (json_is_string(v)) {
        bool ok;
        cfg->ns[ns] = ns_condition(json_string_value(v), ns, &ok);
        if (ok)
            return 0;
        snprintf(what, whatsz, "\"%s\": \"%s\" is not true, false, "
                 "\"if-available\" or \"if-cgroup-v2\"", k, json_string_value(v));
        return -1;
    }
    snprintf(what, whatsz, "\"%s\" must be true, false, \"if-available\" "
             "or \"if-cgroup-v2\"", k);
    return -1;
}

static int apply_caps(struct lab_config *cfg, json_t *j, const char *path,
                      struct isolab_err *err)
{
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        if (strcasecmp(s, "all") == 0)
            cfg->caps = caps_all_known();
        else if (strcasecmp(s, "none") == 0)
            cfg->caps = 0;
        else if (strcasecmp(s, "docker") == 0)
            cfg->caps = caps_docker_default();
        else
            return bad(err, path, "capabilities", "expected a list of names, \"all\", "
                       "\"none\" or \"docker\"");
        return 0;
    }
    if (!json_is_array(j))
        return bad(err, path, "capabilities", "expected a list of names, \"all\", "
                   "\"none\" or \"docker\"");
    uint64_t m = 0;
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v) {
        int c = json_is_string(v) ? isolab_cap_from_name(json_string_value(v)) : -1;
        if (c < 0 || c > 63) {
            char what[160];
            snprintf(what, sizeof what, "entry %zu is not a capability name "
                     "(e.g. \"CAP_CHOWN\")", i);
            return bad(err, path, "capabilities", what);
        }
        m |= 1ull << c;
    }
    cfg->caps = m;
    return 0;
}

static int apply_cgroups(struct lab_config *cfg, json_t *j, const char *path,
                         struct isolab_err *err)
{
    if (!json_is_object(j))
        return bad(err, path, "cgroups", "expected {\"pids_limit\": N, \"memory\": BYTES, "
                   "\"cpus\": F}");
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) {
        if (!json_is_number(v))
            return bad(err, path, "cgroups", "values must be numbers (0 = no limit)");
        if (strcmp(k, "pids_limit") == 0)
            cfg->pids_limit = (long)json_number_value(v);
        else if (strcmp(k, "memory") == 0)
            cfg->memory_bytes = (long long)json_number_value(v);
        else if (strcmp(k, "cpus") == 0)
            cfg->cpus = json_number_value(v);
        else
            return bad(err, path, "cgroups", "keys are pids_limit, memory and cpus");
    }
    return 0;
}

static int apply_seccomp(struct lab_config *cfg, json_t *j, const char *path,
                         struct isolab_err *err)
{
    if (json_is_null(j)) {
        cfg->seccomp_profile[0] = '\0';
        cfg->layer_on[LAYER_SECCOMP] = false;
        return 0;
    }
    if (!json_is_string(j))
        return bad(err, path, "seccomp", "expected a file name in profiles/seccomp/ or null");
    const char *f = json_string_value(j);
    if (!*f || strstr(f, "..") || f[0] == '/')
        return bad(err, path, "seccomp", "expected a file name in profiles/seccomp/, "
                   "e.g. \"docker-default.json\"");
    char rel[512];
    snprintf(rel, sizeof rel, "profiles/seccomp/%s", f);
    isolab_data_path(rel, cfg->seccomp_profile, sizeof cfg->seccomp_profile);
    if (access(cfg->seccomp_profile, R_OK) != 0) {
        isolab_err_set(err, errno, "preset: %s: \"seccomp\": %s cannot be read", path,
                       cfg->seccomp_profile);
        isolab_err_hint(err, "name a file that exists in profiles/seccomp/");
        return -1;
    }
    return 0;
}

static int apply_bool(bool *dst, json_t *j, const char *path, const char *key,
                      struct isolab_err *err)
{
    if (!json_is_boolean(j))
        return bad(err, path, key, "expected true or false");
    *dst = json_is_true(j);
    return 0;
}

int preset_apply(struct lab_config *cfg, const char *name, struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX];
    _cleanup_json_ json_t *root = load_preset(name, path, sizeof path, err);
    if (!root)
        return -1;

    /* Build into a copy so that a bad preset leaves cfg as it was. The
     * command and terminal settings are not the preset's business. */
    struct lab_config c;
    lab_config_init_docker(&c);
    c.argv = cfg->argv;
    c.envp = cfg->envp;
    c.fn = cfg->fn;
    c.fn_arg = cfg->fn_arg;
    c.tty = cfg->tty;
    snprintf(c.rootfs, sizeof c.rootfs, "%s", cfg->rootfs);
    c.set_user = cfg->set_user;
    c.uid = cfg->uid;
    c.gid = cfg->gid;

    const char *k;
    json_t *v;
    json_object_foreach(root, k, v) {
        int r = 0;
        if (strcmp(k, "description") == 0 || strcmp(k, "source") == 0) {
            if (!json_is_string(v))
                r = bad(err, path, k, "expected a string");
        } else if (strcmp(k, "layers") == 0) {
            r = apply_entries(&c, v, path, k, "{\"seccomp\": true, ...}", layer_entry, err);
        } else if (strcmp(k, "namespaces") == 0) {
            r = apply_entries(&c, v, path, k, "{\"pid\": true, ...}", namespace_entry, err);
        } else if (strcmp(k, "capabilities") == 0) {
            r = apply_caps(&c, v, path, err);
        } else if (strcmp(k, "cgroups") == 0) {
            r = apply_cgroups(&c, v, path, err);
        } else if (strcmp(k, "no_new_privileges") == 0) {
            r = apply_bool(&c.no_new_privs, v, path, k, err);
        } else if (strcmp(k, "privileged") == 0) {
            r = apply_bool(&c.privileged, v, path, k, err);
        } else if (strcmp(k, "unprivileged_ports") == 0) {
            r = apply_bool(&c.unpriv_ports, v, path, k, err);
        } else if (strcmp(k, "hostname") == 0) {
            if (!json_is_string(v) || strlen(json_string_value(v)) >= sizeof c.hostname)
                r = bad(err, path, k, "expected a host name (up to 63 characters)");
            else
                snprintf(c.hostname, sizeof c.hostname, "%s", json_string_value(v));
        } else if (strcmp(k, "seccomp") != 0 && strcmp(k, "lsm") != 0) {
            char what[200];
            snprintf(what, sizeof what, "unknown key (known: description, source, layers, "
                     "namespaces, capabilities, seccomp, lsm, no_new_privileges, "
                     "privileged, cgroups, hostname, unprivileged_ports)");
            r = bad(err, path, k, what);
        }
        if (r < 0)
            return -1;
    }
    /* seccomp and lsm last: null switches the layer off whatever "layers"
     * said, in whatever order the keys came. */
    json_t *lsm = json_object_get(root, "lsm");
    if (json_is_null(lsm)) {
        c.lsm_profile[0] = '\0';
        c.layer_on[LAYER_LSM] = false;
    } else if (lsm) {
        if (!json_is_string(lsm) || strlen(json_string_value(lsm)) >= sizeof c.lsm_profile)
            return bad(err, path, "lsm", "expected a policy name such as \"isolab-default\", or null");
        snprintf(c.lsm_profile, sizeof c.lsm_profile, "%s", json_string_value(lsm));
    }
    json_t *sc = json_object_get(root, "seccomp");
    if (sc && apply_seccomp(&c, sc, path, err) < 0)
        return -1;
    *cfg = c;
    return 0;
}

int preset_describe(const char *name, char *desc, size_t n)
{
    char path[ISOLAB_PATH_MAX];
    struct isolab_err err;
    if (n)
        desc[0] = '\0';
    _cleanup_json_ json_t *root = load_preset(name, path, sizeof path, &err);
    if (!root)
        return -1;
    const char *d = json_string_value(json_object_get(root, "description"));
    const char *s = json_string_value(json_object_get(root, "source"));
    if (d && s && *s)
        snprintf(desc, n, "%s (source: %s)", d, s);
    else
        snprintf(desc, n, "%s", d ? d : "");
    return 0;
}
