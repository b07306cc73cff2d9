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

/* Go's strconv.ParseBool, which Docker's flag library uses for "--flag=VALUE". */
static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++) {
        if (!strcmp(s, yes[k]))
            return *out = true, 0;
        if (!strcmp(s, no[k]))
            return *out = false, 0;
    }
    return -1;
}

static int bad_bool(struct isolab_err *err, const char *flag, const char *val)
{
    char fix[320];
    snprintf(fix, sizeof fix, "write %s, %s=true or %s=false (also 1/0, t/f, TRUE/FALSE)",
             flag, flag, flag);
    return bad(err, flag, val, "not a boolean", fix);
}

/* Length-checked copy into a fixed field: refuse, never cut. */
static int set_str(char *dst, size_t n, const char *flag, const char *val, struct isolab_err *err)
{
    size_t len = strlen(val);
    if (len >= n) {
        char what[96], fix[160];
        snprintf(what, sizeof what, "%zu characters, longer than the %zu allowed", len, n - 1);
        snprintf(fix, sizeof fix, "give a value of at most %zu characters", n - 1);
        isolab_err_set(err, ENAMETOOLONG, "%s %.60s...: %s", flag, val, what);
        isolab_err_hint(err, "%s", fix);
        return -1;
    }
    memcpy(dst, val, len + 1);
    return 0;
}

/* "1g" -> 1073741824; -1 on error, -2 if it does not fit in 64 bits */
static long long parse_bytes(const char *s)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s) && *s != '.')
        return -1;    /* no sign, space, "inf" or "nan" */
    double v = strtod(s, &end);
    if (end == s || v < 0)
        return -1;
    if (errno == ERANGE)
        return -2;
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
    double bytes = v * (double)mult;
    /* 2^63 is the first double that does not fit; converting it is undefined */
    if (bytes >= 9223372036854775808.0)
        return -2;
    return (long long)bytes;
}

/* Split a comma list into buf; refuse an empty list, an empty item or a list
 * too long for buf (never cut it). Returns the number of items or -1. */
static int split_list(char *buf, size_t n, const char *list, char **items, int max,
                      const char *flag, const char *example, struct isolab_err *err)
{
    if (strlen(list) >= n)
        return bad(err, flag, "(too long)", "the list is too long", example);
    memcpy(buf, list, strlen(list) + 1);
    int k = 0;
    char *rest = buf;
    for (char *tok; (tok = strsep(&rest, ",")) != NULL;) {
        if (!*tok)
            return bad(err, flag, *list ? list : "\"\"", "an empty name in the list", example);
        if (k == max)
            return bad(err, flag, "(too long)", "the list has too many names", example);
        items[k++] = tok;
    }
    return k;
}

static int parse_ns_list(struct lab_config *cfg, const char *flag, const char *list,
                         bool on, struct isolab_err *err)
{
    if (!strcmp(list, "all") || !strcmp(list, "none")) {
        bool v = !strcmp(list, "all") ? on : !on;
        for (int k = 0; k < NS_COUNT; k++)
            cfg->ns[k] = v;
        return 0;
    }
    char buf[256], *items[64];
    int n = split_list(buf, sizeof buf, list, items, 64, flag,
                       "e.g. --ns pid,mnt,uts (names: user, pid, mnt, uts, ipc, net, cgroup, "
                       "time; or all, none)", err);
    if (n < 0)
        return -1;
    int ks[64];
    for (int j = 0; j < n; j++)
        if ((ks[j] = ns_from_name(items[j])) < 0)
            return bad(err, flag, items[j], "unknown namespace",
                       "namespaces are user, pid, mnt, uts, ipc, net, cgroup, time");
    /* --ns LIST names the whole set; --no-ns LIST removes from it. */
    if (on)
        memset(cfg->ns, 0, sizeof cfg->ns);
    for (int j = 0; j < n; j++)
        cfg->ns[ks[j]] = on;
    return 0;
}

static int parse_cap(struct lab_config *cfg, const char *flag, const char *val,
                     bool add, struct isolab_err *err)
{
    char buf[1024], *items[128];
    int n = split_list(buf, sizeof buf, val, items, 128, flag,
                       "e.g. --cap-add SYS_TIME,NET_RAW (or ALL)", err);
    if (n < 0)
        return -1;
    uint64_t m = 0;
    for (int j = 0; j < n; j++) {
        if (!strcasecmp(items[j], "ALL")) {
            m |= caps_all_known();
            continue;
        }
        int c = isolab_cap_from_name(items[j]);
        if (c < 0 || c > cap_last_known())
            return bad(err, flag, items[j], "unknown capability",
                       "use a name such as SYS_ADMIN or CAP_NET_RAW (see 'isolab explain caps')");
        m |= 1ull << c;
    }
    if (add)
        cfg->caps |= m;
    else
        cfg->caps &= ~m;
    return 0;
}

/* --security-opt seccomp=V or apparmor=V (val the whole option): unconfined
 * switches the layer off, a profile name switches it on with that profile. */
static int profile_opt(struct lab_config *cfg, int layer, char *dst, size_t dstsz,
                       const char *val, const char *v, const char *use, struct isolab_err *err)
{
    const char *flag = "--security-opt";
    if (!strcmp(v, "unconfined")) {
        cfg->layer_on[layer] = false;
        return 0;
    }
    if (!*v)
        return bad(err, flag, val, "no profile given", use);
    if (set_str(dst, dstsz, flag, v, err) < 0)
        return -1;
    cfg->layer_on[layer] = true;
    return 0;
}

static int security_opt(struct lab_config *cfg, const char *val, struct isolab_err *err)
{
    const char *flag = "--security-opt";
    if (!strcmp(val, "no-new-privileges")) {
        cfg->no_new_privs = true;
        return 0;
    }
    if (!strncmp(val, "no-new-privileges", 17) && (val[17] == '=' || val[17] == ':')) {
        if (parse_bool(val + 18, &cfg->no_new_privs) < 0)
            return bad_bool(err, "--security-opt no-new-privileges", val + 18);
        return 0;
    }
    const char *eq = strpbrk(val, "=:");
    if (!eq)
        return bad(err, flag, val, "expected KEY=VALUE",
                   "use seccomp=FILE|unconfined, apparmor=NAME|unconfined or no-new-privileges");
    size_t klen = (size_t)(eq - val);
    const char *v = eq + 1;
    if (klen == 7 && !strncmp(val, "seccomp", 7))
        return profile_opt(cfg, LAYER_SECCOMP, cfg->seccomp_profile, sizeof cfg->seccomp_profile,
                           val, v, "use seccomp=FILE or seccomp=unconfined", err);
    if (klen == 8 && !strncmp(val, "apparmor", 8)) {
        /* Docker's profile name means isolab's version of it. */
        if (!strcmp(v, "docker-default"))
            v = "isolab-default";
        return profile_opt(cfg, LAYER_LSM, cfg->lsm_profile, sizeof cfg->lsm_profile, val, v,
                           "use apparmor=isolab-default, apparmor=isolab-readonly-root or "
                           "apparmor=unconfined", err);
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

/* A uid or gid: decimal digits only, 0 .. 4294967294 ((uid_t)-1 means "no
 * change" to the kernel and is no id). */
static int parse_id(const char *s, size_t n, uid_t *out)
{
    if (n == 0 || n > 10)
        return -1;
    unsigned long long v = 0;
    for (size_t k = 0; k < n; k++) {
        if (s[k] < '0' || s[k] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[k] - '0');
    }
    if (v >= 0xffffffffULL)
        return -1;
    *out = (uid_t)v;
    return 0;
}

static int parse_user(struct lab_config *cfg, const char *flag, const char *val,
                      struct isolab_err *err)
{
    const char *colon = strchr(val, ':');
    size_t ulen = colon ? (size_t)(colon - val) : strlen(val);
    uid_t u, g;
    if (parse_id(val, ulen, &u) < 0 ||
        (colon && parse_id(colon + 1, strlen(colon + 1), &g) < 0))
        return bad(err, flag, val, "expected a numeric UID or UID:GID, each 0 to 4294967294",
                   "e.g. --user 1000:1000 (names are not looked up; a GID after ':' is required)");
    cfg->set_user = true;
    cfg->uid = u;
    cfg->gid = colon ? g : u;
    return 0;
}

/* Linux allows 64 bytes (HOST_NAME_MAX); a control character or a space
 * would print as something else in every prompt and log. */
static int parse_hostname(struct lab_config *cfg, const char *flag, const char *val,
                          struct isolab_err *err)
{
    const char *fix = "a hostname is 1 to 64 letters, digits, '-' and '.', e.g. --hostname lab1";
    if (!*val)
        return bad(err, flag, "\"\"", "empty hostname", fix);
    if (strlen(val) > 64)
        return bad(err, flag, "(too long)", "longer than Linux's 64 characters", fix);
    for (const unsigned char *c = (const unsigned char *)val; *c; c++)
        if (*c <= ' ' || *c == 0x7f)
            return bad(err, flag, "(with a control character or space)",
                       "a hostname holds no spaces or control characters", fix);
    return set_str(cfg->hostname, sizeof cfg->hostname, flag, val, err);
}

static int parse_pids(struct lab_config *cfg, const char *flag, const char *val,
                      struct isolab_err *err)
{
    char *end;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (end == val || *end || v < -1 || isspace((unsigned char)*val))
        return bad(err, flag, val, "expected a number of processes",
                   "e.g. --pids-limit 10 (0 or -1: no limit)");
    /* The kernel refuses pids.max above PID_MAX_LIMIT, after the start. */
    if (errno == ERANGE || v > 4194304)
        return bad(err, flag, val, "too large: Linux allows at most 4194304 processes "
                   "(PID_MAX_LIMIT)", "e.g. --pids-limit 10 (0 or -1: no limit)");
    cfg->pids_limit = v < 0 ? 0 : v;
    return 0;
}

static int parse_memory(struct lab_config *cfg, const char *flag, const char *val,
                        struct isolab_err *err)
{
    long long b = parse_bytes(val);
    if (b == -2)
        return bad(err, flag, val, "too large: more than 8 EiB, which a 64-bit count "
                   "of bytes cannot hold", "e.g. --memory 64m, 512m or 1g");
    if (b < 0)
        return bad(err, flag, val, "expected a size in bytes", "e.g. --memory 64m, 512m or 1g");
    if (b > 0 && b < 6 * 1024 * 1024)
        return bad(err, flag, val, "below Docker's minimum of 6m", "give at least --memory 6m");
    cfg->memory_bytes = b;
    return 0;
}

static int parse_cpus(struct lab_config *cfg, const char *flag, const char *val,
                      struct isolab_err *err)
{
    char *end;
    double v = strtod(val, &end);
    if (end == val || *end || !(v >= 0) || v > 1e6)
        return bad(err, flag, val, "expected a fraction of CPUs", "e.g. --cpus 0.5");
    cfg->cpus = v;
    return 0;
}

/* Boolean flags: --privileged, --LAYER, --no-LAYER, each with an optional
 * =BOOL. Returns 1 if name is one, 0 if not, -1 on a bad value. */
static int bool_flag(struct lab_config *cfg, const char *name, const char *val,
                     struct isolab_err *err)
{
    bool v = true;
    int id = -1;
    bool is_priv = !strcmp(name, "--privileged");
    bool is_secrets = !strcmp(name, "--host-secrets");
    bool neg = !strncmp(name, "--no-", 5) && layer_from_name(name + 5) >= 0;
    if (!is_priv && !is_secrets && !neg && (id = layer_from_name(name + 2)) < 0)
        return 0;
    if (val && parse_bool(val, &v) < 0)
        return bad_bool(err, name, val);
    if (is_priv)
        cfg->privileged = v;
    else if (is_secrets)
        cfg->host_secrets = v;
    else if (neg)
        cfg->layer_on[layer_from_name(name + 5)] = !v;
    else
        cfg->layer_on[id] = v;
    return 1;
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

static int value_flag(struct lab_config *cfg, const char *name, const char *val,
                      struct isolab_err *err)
{
    if (!strcmp(name, "--security-opt"))
        return security_opt(cfg, val, err);
    if (!strcmp(name, "--cap-add") || !strcmp(name, "--cap-drop"))
        return parse_cap(cfg, name, val, !strcmp(name, "--cap-add"), err);
    if (!strcmp(name, "--user"))
        return parse_user(cfg, name, val, err);
    if (!strcmp(name, "--ns") || !strcmp(name, "--no-ns")) {
        int rc = parse_ns_list(cfg, name, val, !strcmp(name, "--ns"), err);
        if (rc == 0 && !strcmp(name, "--ns"))
            cfg->layer_on[LAYER_NS] = true;
        return rc;
    }
    if (!strcmp(name, "--rootfs"))
        return set_str(cfg->rootfs, sizeof cfg->rootfs, name, val, err);
    if (!strcmp(name, "--hostname"))
        return parse_hostname(cfg, name, val, err);
    /* A cgroup limit switches the cgroup layer on. */
    int (*limit)(struct lab_config *, const char *, const char *, struct isolab_err *) =
        !strcmp(name, "--pids-limit") ? parse_pids :
        !strcmp(name, "--memory") ? parse_memory :
        !strcmp(name, "--cpus") ? parse_cpus : NULL;
    if (limit) {
        int rc = limit(cfg, name, val, err);
        if (rc == 0)
            cfg->layer_on[LAYER_CGROUP] = true;
        return rc;
    }
    if (!strcmp(name, "--sysctl"))
        return parse_sysctl(cfg, val, err);
    return preset_apply(cfg, val, err);
}


int lab_config_parse_flag(struct lab_config *cfg, int argc, char **argv, int *i,
                          struct isolab_err *err)
{
    const char *arg = argv[*i];
    char name[64];
    const char *val = NULL;
    const char *eq = strchr(arg, '=');
    if (!strncmp(arg, "-u", 2)) {
        /* Docker's short form of --user: -u UID[:GID] or -uUID[:GID] */
        if (arg[2])
            val = arg + 2;
        else if (*i + 1 < argc)
            val = argv[++*i];
        else
            return bad(err, "-u", NULL, "needs a value", lab_config_flags_help());
        if (value_flag(cfg, "--user", val, err) < 0)
            return -1;
        ++*i;
        return 1;
    }
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
        "--rootfs", "--pids-limit", "--memory", "--cpus", "--preset", "--hostname", "--sysctl",
    };
    bool takes_value = false;
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
        if (!strcmp(name, with_value[k]))
            takes_value = true;
    int rc;
    if (takes_value) {
        if (!val) {
            if (*i + 1 >= argc)
                return bad(err, name, NULL, "needs a value", lab_config_flags_help());
            val = argv[++*i];
        }
        rc = value_flag(cfg, name, val, err);
    } else {
        rc = bool_flag(cfg, name, val, err);
        if (rc == 0)
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
           "  --user UID[:GID]  (-u)\n"
           "  --ns LIST  --no-ns LIST        user,pid,mnt,uts,ipc,net,cgroup,time\n"
           "  --rootfs DIR  --hostname NAME\n"
           "  --sysctl net.ipv4.ip_unprivileged_port_start=0|1024   (Docker sets 0)\n"
           "  --host-secrets                 show the host's /root, /home, shadow files, ssh host\n"
           "                                 keys and service state (masked by default)\n"
           "  --pids-limit N  --memory BYTES[k|m|g]  --cpus FRACTION\n"
           "  --no-LAYER / --LAYER           switch seccomp, lsm, cgroups, caps, namespaces off/on\n";
}
