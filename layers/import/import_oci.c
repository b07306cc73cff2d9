/* A runc bundle's config.json into the lab's configuration: namespaces, the
 * five capability sets, linux.seccomp (OCI form, read by the profile parser
 * with the positions of config.json), resources, masked and read-only
 * paths, AppArmor, no_new_privs, hostname, user and root. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "import_int.h"
#include "lab.h"
#include "seccomp_int.h"

static int oerr(struct imp *m, const char *path, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int oerr(struct imp *m, const char *path, const char *hint, const char *fmt, ...)
{
    char what[700];
    int line, col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    sc_json_locate(m->text, m->len, path, false, &line, &col);
    return imp_err(m, line, col, path, hint, "%s", what);
}

static const char *jtype(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* obj's member key when it has type t (or is absent: NULL); -1 after the error. */
static int member(struct imp *m, json_t *obj, const char *path, const char *key,
                  json_type t, const char *example, json_t **out)
{
    char p[256];
    *out = obj ? json_object_get(obj, key) : NULL;
    if (!*out || json_is_null(*out)) {
        *out = NULL;
        return 0;
    }
    bool ok = json_typeof(*out) == t || (t == JSON_TRUE && json_is_boolean(*out));
    if (ok)
        return 0;
    snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", key);
    const char *want = t == JSON_OBJECT ? "an object" : t == JSON_ARRAY ? "a list" :
                       t == JSON_STRING ? "a string" : t == JSON_INTEGER ? "an integer" :
                       "a boolean";
    char hint[300];
    snprintf(hint, sizeof hint, "write it as %s", example);
    return oerr(m, p, hint, "expected %s, found %s", want, jtype(*out));
}

static int cap_set(struct imp *m, json_t *caps, const char *set, uint64_t *mask, bool *given)
{
    char path[96];
    json_t *a;
    snprintf(path, sizeof path, "process.capabilities");
    if (member(m, caps, path, set, JSON_ARRAY, "[\"CAP_CHOWN\", \"CAP_NET_BIND_SERVICE\"]",
               &a) < 0)
        return -1;
    *mask = 0;
    *given = a != NULL;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        snprintf(path, sizeof path, "process.capabilities.%s[%zu]", set, i);
        int line, col;
        sc_json_locate(m->text, m->len, path, false, &line, &col);
        if (!json_is_string(v))
            return imp_err(m, line, col, path, "write capability names as strings, e.g. "
                           "\"CAP_KILL\"", "expected a capability name, found %s", jtype(v));
        uint64_t bit;
        if (imp_cap(m, json_string_value(v), line, col, path, &bit) < 0)
            return -1;
        *mask |= bit;
    }
    return 0;
}

/* isolab gives the process one set: the bounding set is taken, and a set
 * that differs from what isolab would give is named. */
static int oci_caps(struct imp *m, json_t *proc)
{
    static const char *const sets[] = {"bounding", "effective", "permitted", "inheritable",
                                       "ambient"};
    json_t *caps;
    uint64_t mask[5];
    bool given[5];
    if (member(m, proc, "process", "capabilities", JSON_OBJECT,
               "{\"bounding\": [...], \"effective\": [...], ...}", &caps) < 0)
        return -1;
    for (int k = 0; k < 5; k++)
        if (cap_set(m, caps, sets[k], &mask[k], &given[k]) < 0)
            return -1;
    struct lab_config *cfg = m->cfg;
    cfg->layer_on[LAYER_CAPS] = true;
    cfg->caps = given[0] ? mask[0] : mask[1];
    bool nonroot = cfg->set_user && cfg->uid != 0;
    /* for root, inheritable and ambient change nothing across execve */
    for (int k = 1; k < 3 && !nonroot; k++) {
        uint64_t expect = cfg->caps;
        if (mask[k] != expect) {
            char f[64];
            snprintf(f, sizeof f, "process.capabilities.%s", sets[k]);
            imp_note(m, f, "differs from the bounding set; isolab gives the process one "
                     "set (the bounding set as effective and permitted too)");
        }
    }
    if (nonroot)   /* what the process keeps across execve */
        imp_nonroot_caps(m, mask[4], "process.capabilities.ambient");
    return 0;
}

static int oci_user(struct imp *m, json_t *proc)
{
    json_t *u, *uid, *gid, *extra;
    if (member(m, proc, "process", "user", JSON_OBJECT, "{\"uid\": 1000, \"gid\": 1000}", &u) < 0 ||
        member(m, u, "process.user", "uid", JSON_INTEGER, "\"uid\": 1000", &uid) < 0 ||
        member(m, u, "process.user", "gid", JSON_INTEGER, "\"gid\": 1000", &gid) < 0 ||
        member(m, u, "process.user", "additionalGids", JSON_ARRAY, "[27, 100]", &extra) < 0)
        return -1;
    json_int_t vu = uid ? json_integer_value(uid) : 0, vg = gid ? json_integer_value(gid) : 0;
    if (vu < 0 || vu >= 0xffffffffLL)
        return oerr(m, "process.user.uid", "a uid is 0 to 4294967294", "uid %lld out of range",
                    (long long)vu);
    if (vg < 0 || vg >= 0xffffffffLL)
        return oerr(m, "process.user.gid", "a gid is 0 to 4294967294", "gid %lld out of range",
                    (long long)vg);
    m->cfg->set_user = vu != 0 || vg != 0;
    m->cfg->uid = (uid_t)vu;
    m->cfg->gid = (gid_t)vg;
    if (extra && json_array_size(extra))
        imp_note(m, "process.user.additionalGids", "isolab sets no supplementary groups");
    if (u && json_object_get(u, "umask"))
        imp_note(m, "process.user.umask", "isolab keeps the caller's umask");
    return 0;
}

static int oci_process(struct imp *m, json_t *root)
{
    json_t *proc, *nnp, *aa;
    if (member(m, root, "", "process", JSON_OBJECT, "{\"args\": [\"sh\"], ...}", &proc) < 0 ||
        member(m, proc, "process", "noNewPrivileges", JSON_TRUE, "true or false", &nnp) < 0 ||
        member(m, proc, "process", "apparmorProfile", JSON_STRING, "\"docker-default\"", &aa) < 0)
        return -1;
    m->cfg->no_new_privs = nnp && json_is_true(nnp);
    if (oci_user(m, proc) < 0 || oci_caps(m, proc) < 0)
        return -1;
    if (aa)
        imp_apparmor(m, json_string_value(aa), "process.apparmorProfile");
    else
        m->cfg->layer_on[LAYER_LSM] = false;
    static const char *const unmodelled[][2] = {
        {"selinuxLabel", "isolab has no SELinux layer"},
        {"rlimits", "isolab leaves the resource limits (ulimits) as they are"},
        {"oomScoreAdj", "isolab leaves the OOM score as it is"},
        {"scheduler", "isolab sets no scheduling policy"},
        {"ioPriority", "isolab sets no I/O priority"},
        {"execCPUAffinity", "isolab sets no CPU affinity"},
    };
    for (size_t k = 0; proc && k < sizeof unmodelled / sizeof *unmodelled; k++)
        if (json_object_get(proc, unmodelled[k][0])) {
            char f[64];
            snprintf(f, sizeof f, "process.%s", unmodelled[k][0]);
            imp_note(m, f, "%s", unmodelled[k][1]);
        }
    return 0;
}

static int oci_namespaces(struct imp *m, json_t *lx)
{
    json_t *a;
    if (member(m, lx, "linux", "namespaces", JSON_ARRAY, "[{\"type\": \"pid\"}, ...]", &a) < 0)
        return -1;
    struct lab_config *cfg = m->cfg;
    memset(cfg->ns, 0, sizeof cfg->ns);
    cfg->layer_on[LAYER_NS] = a && json_array_size(a) > 0;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        char p[64], tp[80];
        snprintf(p, sizeof p, "linux.namespaces[%zu]", i);
        snprintf(tp, sizeof tp, "%s.type", p);
        json_t *t = json_is_object(v) ? json_object_get(v, "type") : NULL;
        if (!json_is_string(t))
            return oerr(m, json_is_object(v) ? tp : p, "write {\"type\": \"pid\"}",
                        "expected a namespace type as a string");
        const char *name = json_string_value(t);
        int k = ns_from_name(name);
        if (k < 0)
            return oerr(m, tp, "namespace types are pid, network, mount, ipc, uts, user, "
                        "cgroup and time", "unknown namespace type \"%s\"", name);
        cfg->ns[k] = true;
        if (json_object_get(v, "path"))
            imp_note(m, p, "joins the %s namespace at a path; isolab makes a new one", name);
    }
    json_t *um = json_object_get(lx, "uidMappings");
    if (um && json_array_size(um) > 1)
        imp_note(m, "linux.uidMappings", "isolab maps only root in the user namespace to "
                 "the caller (one id)");
    return 0;
}

static int limit(struct imp *m, json_t *res, const char *group, const char *key, long long *out)
{
    char path[64];
    json_t *g, *v;
    snprintf(path, sizeof path, "linux.resources");
    if (member(m, res, path, group, JSON_OBJECT, "{\"limit\": 67108864}", &g) < 0)
        return -1;
    snprintf(path, sizeof path, "linux.resources.%s", group);
    if (member(m, g, path, key, JSON_INTEGER, "a number, e.g. 67108864", &v) < 0)
        return -1;
    *out = v ? json_integer_value(v) : 0;
    return 0;
}

static int oci_resources(struct imp *m, json_t *lx)
{
    json_t *res;
    if (member(m, lx, "linux", "resources", JSON_OBJECT, "{\"memory\": {\"limit\": ...}}",
               &res) < 0)
        return -1;
    long long mem, pids, quota, period;
    if (limit(m, res, "memory", "limit", &mem) < 0 || limit(m, res, "pids", "limit", &pids) < 0 ||
        limit(m, res, "cpu", "quota", &quota) < 0 || limit(m, res, "cpu", "period", &period) < 0)
        return -1;
    struct lab_config *cfg = m->cfg;
    cfg->layer_on[LAYER_CGROUP] = true;   /* runc puts every container in a cgroup */
    cfg->memory_bytes = mem > 0 ? mem : 0;
    cfg->pids_limit = pids > 0 ? (long)pids : 0;
    cfg->cpus = quota > 0 ? (double)quota / (double)(period > 0 ? period : 100000) : 0;
    if (cfg->memory_bytes > 0 && cfg->memory_bytes < 6 * 1024 * 1024)
        return oerr(m, "linux.resources.memory.limit", "give at least 6291456 (6 MiB)",
                    "%lld bytes is below the 6 MiB isolab (and Docker) need", mem);
    static const char *const other[] = {"devices", "blockIO", "hugepageLimits", "network",
                                        "rdma", "unified"};
    for (size_t k = 0; res && k < sizeof other / sizeof *other; k++) {
        json_t *v = json_object_get(res, other[k]);
        if (v && !(json_is_array(v) && !strcmp(other[k], "devices")))
            imp_note(m, "linux.resources", "%s: isolab sets no such limit", other[k]);
    }
    json_t *mm = json_object_get(res, "memory"), *cpu = json_object_get(res, "cpu");
    if (mm && (json_object_get(mm, "swap") || json_object_get(mm, "reservation")))
        imp_note(m, "linux.resources.memory", "only limit is modelled (not swap, reservation)");
    if (cpu && (json_object_get(cpu, "shares") || json_object_get(cpu, "cpus")))
        imp_note(m, "linux.resources.cpu", "only quota/period is modelled (not shares, cpus)");
    return 0;
}

/* The masked and read-only paths isolab applies are Docker's; a list that
 * differs is named. */
static void oci_paths(struct imp *m, json_t *lx, const char *key,
                      const char *const *(*dflt)(size_t *))
{
    json_t *a = json_object_get(lx, key);
    size_t n, i;
    const char *const *d = dflt(&n);
    char f[64];
    snprintf(f, sizeof f, "linux.%s", key);
    if (!m->cfg->ns[NS_MNT])
        return;
    bool same = json_is_array(a) && json_array_size(a) == n;
    for (i = 0; same && i < n; i++) {
        json_t *v = json_array_get(a, i);
        same = json_is_string(v) && !strcmp(json_string_value(v), d[i]);
    }
    if (!same)
        imp_note(m, f, "%s; isolab applies Docker's %zu paths instead", !a ? "not given" :
                 "differs from Docker's list", n);
}

static void out_path(struct imp *m, char *out, size_t n)
{
    char dir[ISOLAB_PATH_MAX], rp[ISOLAB_PATH_MAX];
    struct isolab_err e;
    if (m->o->out_dir)
        snprintf(dir, sizeof dir, "%s", m->o->out_dir);
    else if (lab_state_dir(dir, sizeof dir, &e) == 0)
        strncat(dir, "/import", sizeof dir - strlen(dir) - 1);
    else
        snprintf(dir, sizeof dir, "/tmp");
    mkdir(dir, 0700);
    const char *base = strrchr(m->name, '/');
    base = base ? base + 1 : m->name;
    const char *full = realpath(m->name, rp) ? rp : m->name;
    uint64_t h = sc_hash64(SC_HASH_INIT, full, strlen(full));
    int bl = (int)strcspn(base, ".");
    if (snprintf(out, n, "%s/%.*s-%08x.seccomp.json", dir, bl > 64 ? 64 : bl, base,
                 (unsigned)h) >= (int)n)
        snprintf(out, n, "/tmp/%08x.seccomp.json", (unsigned)h);
}

/* The parser's "seccomp: NAME:L:C: PATH: what" as "import: NAME:L:C:
 * linux.seccomp.PATH: what". */
static int seccomp_err(struct imp *m, const struct isolab_err *e)
{
    int line = 0, col = 0, used = 0;
    const char *s = e->msg;
    size_t nl = strlen(m->name);
    if (!strncmp(s, "seccomp: ", 9) && !strncmp(s + 9, m->name, nl) && s[9 + nl] == ':' &&
        sscanf(s + 10 + nl, "%d:%d%n", &line, &col, &used) == 2) {
        const char *rest = s + 10 + nl + used;
        rest += strspn(rest, ": ");
        const char *colon = strstr(rest, ": ");
        char field[256];
        if (colon && !memchr(rest, ' ', (size_t)(colon - rest))) {
            snprintf(field, sizeof field, "linux.seccomp.%.*s", (int)(colon - rest), rest);
            return imp_err(m, line, col, field, e->hint, "%s", colon + 2);
        }
        return imp_err(m, line, col, "linux.seccomp", e->hint, "%s", rest);
    }
    return imp_err(m, 0, 0, "linux.seccomp", e->hint, "%s", e->msg);
}

static int oci_seccomp(struct imp *m, json_t *lx)
{
    json_t *sc;
    if (member(m, lx, "linux", "seccomp", JSON_OBJECT, "{\"defaultAction\": ...}", &sc) < 0)
        return -1;
    struct lab_config *cfg = m->cfg;
    cfg->layer_on[LAYER_SECCOMP] = sc != NULL;
    if (!sc)
        return 0;
    size_t s, e;
    if (!sc_json_span(m->text, m->len, "linux.seccomp", &s, &e))
        return imp_err(m, 0, 0, "linux.seccomp", NULL, "cannot find it in the text");
    /* Only the seccomp object, everything else blanked: the parser's
     * positions are config.json's. */
    _cleanup_free_ char *t = malloc(m->len + 1);
    if (!t)
        return imp_err(m, 0, 0, "linux.seccomp", NULL, "out of memory");
    for (size_t i = 0; i < m->len; i++)
        t[i] = i >= s && i < e ? m->text[i] : m->text[i] == '\n' ? '\n' : ' ';
    t[m->len] = '\0';
    struct seccomp_profile *p = NULL;
    struct isolab_err pe;
    isolab_err_clear(&pe);
    if (seccomp_profile_parse(t, m->len, m->name, &p, &pe) < 0)
        return seccomp_err(m, &pe);
    imp_profile_warnings(m, p, "linux.seccomp");
    seccomp_profile_free(p);
    char path[ISOLAB_PATH_MAX];
    out_path(m, path, sizeof path);
    if (json_dump_file(sc, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
        return imp_err(m, 0, 0, "linux.seccomp", "set XDG_STATE_HOME to a directory you can "
                       "write", "cannot write the profile to %s: %s", path, strerror(errno));
    snprintf(cfg->seccomp_profile, sizeof cfg->seccomp_profile, "%s", path);
    return 0;
}

static int oci_linux(struct imp *m, json_t *root)
{
    json_t *lx, *sys;
    if (member(m, root, "", "linux", JSON_OBJECT, "{\"namespaces\": [...], ...}", &lx) < 0 ||
        oci_namespaces(m, lx) < 0 || oci_resources(m, lx) < 0 || oci_seccomp(m, lx) < 0 ||
        member(m, lx, "linux", "sysctl", JSON_OBJECT, "{\"net.ipv4.ip_unprivileged_port_start\": "
               "\"0\"}", &sys) < 0)
        return -1;
    const char *k;
    json_t *v;
    m->cfg->unpriv_ports = false;
    json_object_foreach(sys, k, v) {
        if (!strcmp(k, "net.ipv4.ip_unprivileged_port_start") && json_is_string(v) &&
            (!strcmp(json_string_value(v), "0") || !strcmp(json_string_value(v), "1024")))
            m->cfg->unpriv_ports = !strcmp(json_string_value(v), "0");
        else
            imp_note(m, "linux.sysctl", "%s: isolab models only "
                     "net.ipv4.ip_unprivileged_port_start = 0 or 1024", k);
    }
    oci_paths(m, lx, "maskedPaths", ns_docker_masked_paths);
    oci_paths(m, lx, "readonlyPaths", ns_docker_readonly_paths);
    static const char *const other[] = {"devices", "mountLabel", "intelRdt", "personality",
                                        "rootfsPropagation", "timeOffsets"};
    for (size_t i = 0; lx && i < sizeof other / sizeof *other; i++)
        if (json_object_get(lx, other[i])) {
            char f[64];
            snprintf(f, sizeof f, "linux.%s", other[i]);
            imp_note(m, f, "not modelled by isolab");
        }
    return 0;
}

static void oci_root_mounts(struct imp *m, json_t *root)
{
    static const char *const std[] = {"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue",
                                      "/sys", "/sys/fs/cgroup", "/tmp"};
    json_t *r = json_object_get(root, "root"), *rp = json_object_get(r, "path"), *v;
    char path[ISOLAB_PATH_MAX], real[ISOLAB_PATH_MAX];
    if (json_is_string(rp)) {
        const char *p = json_string_value(rp);
        struct stat st;
        if (snprintf(path, sizeof path, "%s%s%s", p[0] == '/' ? "" : m->dir,
                     p[0] == '/' ? "" : "/", p) >= (int)sizeof path)
            imp_note(m, "root.path", "too long a path");
        else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && realpath(path, real))
            snprintf(m->cfg->rootfs, sizeof m->cfg->rootfs, "%s", real);
        else
            imp_note(m, "root.path", "%s is not a directory here: isolab shows the host's "
                     "programs read-only instead", path);
    }
    if (json_is_true(json_object_get(r, "readonly")))
        imp_note(m, "root.readonly", "isolab's root has a throwaway writable layer; "
                 "--security-opt apparmor=isolab-readonly-root refuses writes outside /tmp");
    size_t i;
    json_array_foreach(json_object_get(root, "mounts"), i, v) {
        json_t *d = json_object_get(v, "destination");
        bool known = false;
        for (size_t k = 0; json_is_string(d) && k < sizeof std / sizeof *std; k++)
            known |= !strcmp(json_string_value(d), std[k]);
        if (!known) {
            char f[64];
            snprintf(f, sizeof f, "mounts[%zu]", i);
            imp_note(m, f, "%s: isolab mounts only /proc, /dev, /sys and a private /tmp",
                     json_is_string(d) ? json_string_value(d) : "?");
        }
    }
    if (json_object_get(root, "hooks"))
        imp_note(m, "hooks", "isolab runs no hooks");
    if (json_object_get(root, "domainname"))
        imp_note(m, "domainname", "isolab sets the hostname only");
}

int import_oci(struct imp *m)
{
    json_error_t je;
    _cleanup_json_ json_t *root = json_loadb(m->text, m->len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return imp_err(m, je.line, je.column, NULL, "fix the JSON at that place (`jq . FILE` "
                       "shows the same spot)", "invalid JSON: %s", je.text);
    if (!json_is_object(root))
        return imp_err(m, 1, 1, NULL, "a config.json is an object: {\"ociVersion\": ...}",
                       "expected an object, found %s", jtype(root));
    struct lab_config *cfg = m->cfg;
    lab_config_init_docker(cfg);
    cfg->tty = LAB_TTY_AUTO;
    json_t *host;
    if (oci_process(m, root) < 0 || oci_linux(m, root) < 0 ||
        member(m, root, "", "hostname", JSON_STRING, "\"web\"", &host) < 0)
        return -1;
    if (host && cfg->ns[NS_UTS]) {
        int line, col;
        sc_json_locate(m->text, m->len, "hostname", false, &line, &col);
        if (imp_hostname(m, json_string_value(host), line, col, "hostname") < 0)
            return -1;
    }
    if (!cfg->ns[NS_MNT] && cfg->layer_on[LAYER_NS])
        imp_note(m, "linux.namespaces", "no mount namespace: runc needs one for the root; "
                 "isolab shares the host's files");
    oci_root_mounts(m, root);
    snprintf(m->info->what, sizeof m->info->what, "OCI runtime config");
    return 0;
}
