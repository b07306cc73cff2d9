/* Layer flags with Docker's spelling. They only edit struct lab_config. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isolab.h"

static int bad(struct isolab_err *err, const char *flag, const char *val,
               const char *what, const char *fix)
{
    isolab_err_set(err, EINVAL, "%s %s: %s", flag, val ? val : "(missing)", what);
    isolab_err_hint(err, "%s", fix);
    return -1;
}

/* "1g" -> 1073741824; -1 on error */
static long long parse_bytes(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0)
        return -1;
    long long mult = 1;
    switch (tolower((unsigned char)*end)) {
    case '\0': break;
    case 'b': mult = 1; end++; break;
    case 'k': mult = 1024LL; end++; break;
    case 'm': mult = 1024LL * 1024; end++; break;
    case 'g': mult = 1024LL * 1024 * 1024; end++; break;
    case 't': mult = 1024LL * 1024 * 1024 * 1024; end++; break;
    default: return -1;
    }
    if (*end == 'b' || *end == 'B' || *end == 'i')
        end++;
    if (*end)
        return -1;
    return (long long)(v * (double)mult);
}

static int parse_ns_list(struct lab_config *cfg, const char *flag, const char *list,
                         bool on, struct isolab_err *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    if (!strcmp(buf, "all") || !strcmp(buf, "none")) {
        bool v = !strcmp(buf, "all") ? on : !on;
        for (int k = 0; k < NS_COUNT; k++)
            cfg->ns[k] = v;
        return 0;
    }
    /* --ns LIST names the whole set; --no-ns LIST removes from it. */
    if (on)
        memset(cfg->ns, 0, sizeof cfg->ns);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int k = ns_from_name(tok);
        if (k < 0)
            return bad(err, flag, tok, "unknown namespace",
                       "namespaces are user, pid, mnt, uts, ipc, net, cgroup, time");
        cfg->ns[k] = on;
    }
    return 0;
}

static int parse_cap(struct lab_config *cfg, const char *flag, const char *val,
                     bool add, struct isolab_err *err)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", val);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        uint64_t m;
        if (!strcasecmp(tok, "ALL")) {
            m = caps_all_known();
        } else {
            int c = isolab_cap_from_name(tok);
            if (c < 0 || c > cap_last_known())
                return bad(err, flag, tok, "unknown capability",
                           "use a name such as SYS_ADMIN or CAP_NET_RAW (see 'isolab explain caps')");
            m = 1ull << c;
        }
        if (add)
            cfg->caps |= m;
        else
            cfg->caps &= ~m;
    }
    return 0;
}

static int security_opt(struct lab_config *cfg, const char *val, struct isolab_err *err)
{
    const char *flag = "--security-opt";
    if (!strcmp(val, "no-new-privileges") || !strcmp(val, "no-new-privileges=true") ||
        !strcmp(val, "no-new-privileges:true")) {
        cfg->no_new_privs = true;
        return 0;
    }
    if (!strcmp(val, "no-new-privileges=false") || !strcmp(val, "no-new-privileges:false")) {
        cfg->no_new_privs = false;
        return 0;
    }
    const char *eq = strpbrk(val, "=:");
    if (!eq)
        return bad(err, flag, val, "expected KEY=VALUE",
                   "use seccomp=FILE|unconfined, apparmor=NAME|unconfined or no-new-privileges");
    size_t klen = (size_t)(eq - val);
    const char *v = eq + 1;
    if (klen == 7 && !strncmp(val, "seccomp", 7)) {
        if (!strcmp(v, "unconfined")) {
            cfg->layer_on[LAYER_SECCOMP] = false;
        } else if (!*v) {
            return bad(err, flag, val, "no profile given", "use seccomp=FILE or seccomp=unconfined");
        } else {
            cfg->layer_on[LAYER_SECCOMP] = true;
            snprintf(cfg->seccomp_profile, sizeof cfg->seccomp_profile, "%s", v);
        }
        return 0;
    }
    if (klen == 8 && !strncmp(val, "apparmor", 8)) {
        if (!strcmp(v, "unconfined")) {
            cfg->layer_on[LAYER_LSM] = false;
        } else if (!*v) {
            return bad(err, flag, val, "no profile given", "use apparmor=isolab-default, apparmor=isolab-readonly-root or apparmor=unconfined");
        } else {
            cfg->layer_on[LAYER_LSM] = true;
            /* Docker's profile name means isolab's version of it. */
            if (!strcmp(v, "docker-default"))
                v = "isolab-default";
            snprintf(cfg->lsm_profile, sizeof cfg->lsm_profile, "%s", v);
        }
        return 0;
    }
    return bad(err, flag, val, "unknown security option",
               "use seccomp=FILE|unconfined, apparmor=NAME|unconfined or no-new-privileges");
}

static int layer_from_name(const char *s)
{
    static const char *const alias[][2] = {
        {"seccomp", "seccomp"}, {"lsm", "lsm"}, {"apparmor", "lsm"}, {"landlock", "lsm"},
        {"cgroups", "cgroups"}, {"cgroup", "cgroups"}, {"caps", "caps"},
        {"capabilities", "caps"}, {"namespaces", "namespaces"}, {"ns", "namespaces"},
    };
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (!strcmp(s, alias[i][0]))
            for (int id = 0; id < LAYER_COUNT; id++)
                if (!strcmp(layer_name(id), alias[i][1]))
                    return id;
    return -1;
}

/* --sysctl: only the one Docker sets by default is modelled. */
static int parse_sysctl(struct lab_config *cfg, const char *val, struct isolab_err *err)
{
    static const char key[] = "net.ipv4.ip_unprivileged_port_start=";
    if (strncmp(val, key, sizeof key - 1) != 0)
        return bad(err, "--sysctl", val, "isolab models only net.ipv4.ip_unprivileged_port_start",
                   "e.g. --sysctl net.ipv4.ip_unprivileged_port_start=0 (Docker's default) "
                   "or =1024 (the kernel's)");
    const char *v = val + sizeof key - 1;
    if (strcmp(v, "0") && strcmp(v, "1024"))
        return bad(err, "--sysctl", val, "isolab models the values 0 and 1024 only",
                   "use 0 (every port is unprivileged, as Docker) or 1024 (the kernel's default)");
    cfg->unpriv_ports = !strcmp(v, "0");
    return 0;
}

int lab_config_parse_flag(struct lab_config *cfg, int argc, char **argv, int *i,
                          struct isolab_err *err)
{
    const char *arg = argv[*i];
    char name[64];
    const char *val = NULL;
    const char *eq = strchr(arg, '=');
    if (strncmp(arg, "--", 2) != 0)
        return 0;
    if (eq && (size_t)(eq - arg) < sizeof name) {
        snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
        val = eq + 1;
    } else {
        snprintf(name, sizeof name, "%s", arg);
    }

    static const char *const with_value[] = {
        "--security-opt", "--cap-add", "--cap-drop", "--user", "--ns", "--no-ns",
        "--rootfs", "--pids-limit", "--memory", "--cpus", "--preset", "--hostname", "-u", "--sysctl",
    };
    bool takes_value = false;
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
        if (!strcmp(name, with_value[k]))
            takes_value = true;
    if (takes_value && !val) {
        if (*i + 1 >= argc)
            return bad(err, name, NULL, "needs a value", lab_config_flags_help());
        val = argv[++*i];
    }

    int rc = 0;
    if (!strcmp(name, "--security-opt")) {
        rc = security_opt(cfg, val, err);
    } else if (!strcmp(name, "--cap-add") || !strcmp(name, "--cap-drop")) {
        rc = parse_cap(cfg, name, val, !strcmp(name, "--cap-add"), err);
    } else if (!strcmp(name, "--privileged")) {
        cfg->privileged = true;
    } else if (!strcmp(name, "--user")) {
        unsigned long u, g;
        char *end;
        errno = 0;
        u = strtoul(val, &end, 10);
        g = u;
        if (*end == ':') {
            const char *gs = end + 1;
            g = strtoul(gs, &end, 10);
            if (end == gs)
                *end = 'x';
        }
        if (errno || end == val || *end)
            return bad(err, name, val, "expected a numeric UID or UID:GID", "e.g. --user 1000:1000");
        cfg->set_user = true;
        cfg->uid = (uid_t)u;
        cfg->gid = (gid_t)g;
    } else if (!strcmp(name, "--ns") || !strcmp(name, "--no-ns")) {
        rc = parse_ns_list(cfg, name, val, !strcmp(name, "--ns"), err);
        if (rc == 0 && !strcmp(name, "--ns"))
            cfg->layer_on[LAYER_NS] = true;
    } else if (!strcmp(name, "--rootfs")) {
        snprintf(cfg->rootfs, sizeof cfg->rootfs, "%s", val);
    } else if (!strcmp(name, "--hostname")) {
        snprintf(cfg->hostname, sizeof cfg->hostname, "%s", val);
    } else if (!strcmp(name, "--pids-limit")) {
        char *end;
        long v = strtol(val, &end, 10);
        if (end == val || *end || v < -1)
            return bad(err, name, val, "expected a number of processes", "e.g. --pids-limit 10 (0 or -1: no limit)");
        cfg->pids_limit = v < 0 ? 0 : v;
        cfg->layer_on[LAYER_CGROUP] = true;
    } else if (!strcmp(name, "--memory")) {
        long long b = parse_bytes(val);
        if (b < 0)
            return bad(err, name, val, "expected a size in bytes", "e.g. --memory 64m, 512m or 1g");
        if (b > 0 && b < 6 * 1024 * 1024)
            return bad(err, name, val, "below Docker's minimum of 6m", "give at least --memory 6m");
        cfg->memory_bytes = b;
        cfg->layer_on[LAYER_CGROUP] = true;
    } else if (!strcmp(name, "--cpus")) {
        char *end;
        double v = strtod(val, &end);
        if (end == val || *end || v < 0)
            return bad(err, name, val, "expected a fraction of CPUs", "e.g. --cpus 0.5");
        cfg->cpus = v;
        cfg->layer_on[LAYER_CGROUP] = true;
    } else if (!strcmp(name, "--preset")) {
        rc = preset_apply(cfg, val, err);
    } else if (!strcmp(name, "--sysctl")) {
        rc = parse_sysctl(cfg, val, err);
    } else if (!strncmp(name, "--no-", 5) && layer_from_name(name + 5) >= 0) {
        cfg->layer_on[layer_from_name(name + 5)] = false;
    } else if (layer_from_name(name + 2) >= 0) {
        cfg->layer_on[layer_from_name(name + 2)] = true;
    } else {
        return 0;
    }
    if (rc < 0)
        return -1;
    ++*i;
    return 1;
}

const char *lab_config_flags_help(void)
{
    return "layer flags (Docker's names):\n"
           "  --preset NAME                  docker, docker-unconfined, docker-privileged, podman,\n"
           "                                 kubernetes-default, kubernetes-runtimedefault, unconfined\n"
           "  --security-opt seccomp=FILE|unconfined\n"
           "  --security-opt apparmor=NAME|unconfined   (isolab-default, isolab-readonly-root)\n"
           "  --security-opt no-new-privileges\n"
           "  --cap-add CAP[,CAP]  --cap-drop CAP[,CAP]  (ALL for every capability)\n"
           "  --privileged                   all capabilities, no seccomp, no LSM\n"
           "  --user UID[:GID]\n"
           "  --ns LIST  --no-ns LIST        user,pid,mnt,uts,ipc,net,cgroup,time\n"
           "  --rootfs DIR  --hostname NAME\n"
           "  --sysctl net.ipv4.ip_unprivileged_port_start=0|1024   (Docker sets 0)\n"
           "  --pids-limit N  --memory BYTES[k|m|g]  --cpus FRACTION\n"
           "  --no-LAYER / --LAYER           switch seccomp, lsm, cgroups, caps, namespaces off/on\n";
}
