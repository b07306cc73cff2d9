/* The configuration as a docker run line. Docker's defaults are the
 * baseline (its 14 capabilities, namespaces mnt/uts/pid/ipc/net, AppArmor
 * docker-default), so only what differs becomes a flag; the seccomp profile
 * is always passed as the file, since each Docker release builds in its own
 * copy. Containers get --network none: isolab's network namespace holds only
 * lo, Docker's default bridge a veth too. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_int.h"

struct line {
    char *buf;
    size_t len, cap;
    bool oom;
};

static void put(struct line *l, const char *s)
{
    size_t n = strlen(s);
    if (l->oom)
        return;
    if (l->len + n + 2 > l->cap) {
        size_t cap = (l->len + n + 2) * 2;
        char *b = realloc(l->buf, cap);
        if (!b) {
            l->oom = true;
            return;
        }
        l->buf = b;
        l->cap = cap;
    }
    if (l->len)
        l->buf[l->len++] = ' ';
    memcpy(l->buf + l->len, s, n + 1);
    l->len += n;
}

/* One shell word: quoted when it holds anything but [A-Za-z0-9_./=:,@+-]. */
static void word(struct line *l, const char *s)
{
    bool plain = *s != '\0';
    for (const char *p = s; *p && plain; p++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,@+-",
                       *p) != NULL;
    if (plain) {
        put(l, s);
        return;
    }
    size_t n = strlen(s);
    char *q = malloc(n * 4 + 3), *o = q;
    if (!q) {
        l->oom = true;
        return;
    }
    *o++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    *o++ = '\'';
    *o = '\0';
    put(l, q);
    free(q);
}

static void flag2(struct line *l, const char *f, const char *v)
{
    put(l, f);
    word(l, v);
}

static void caps_flags(struct line *l, const struct lab_config *cfg)
{
    if (cfg->privileged) {
        put(l, "--privileged");
        return;
    }
    uint64_t caps = lab_config_caps_bounding(cfg), dflt = caps_docker_default();
    if (caps == caps_all_known()) {
        flag2(l, "--cap-add", "ALL");
        return;
    }
    uint64_t drop = dflt & ~caps, add = caps & ~dflt;
    int ndrop = __builtin_popcountll(drop), nkeep = __builtin_popcountll(caps & dflt);
    if (caps && ndrop > nkeep + 1) {
        flag2(l, "--cap-drop", "ALL");
        add = caps;
        drop = 0;
    } else if (!caps) {
        flag2(l, "--cap-drop", "ALL");
        return;
    }
    for (int c = 0; c < 64; c++)
        if (drop & (1ull << c))
            flag2(l, "--cap-drop", isolab_cap_name(c) + 4);
    for (int c = 0; c < 64; c++)
        if (add & (1ull << c))
            flag2(l, "--cap-add", isolab_cap_name(c) + 4);
}

static void ns_flags(struct line *l, const struct lab_config *cfg, struct export_report *rep)
{
    bool on = cfg->layer_on[LAYER_NS];
    bool net = on && cfg->ns[NS_NET];
    flag2(l, "--network", net ? "none" : "host");
    if (!on || !cfg->ns[NS_PID])
        flag2(l, "--pid", "host");
    if (!on || !cfg->ns[NS_IPC])
        flag2(l, "--ipc", "host");
    if (!on || !cfg->ns[NS_UTS])
        flag2(l, "--uts", "host");
    bool cg = on && cfg->ns[NS_CGROUP];
    flag2(l, "--cgroupns", cg ? "private" : "host");
    if (on && cfg->ns[NS_UTS])
        flag2(l, "--hostname", cfg->hostname[0] ? cfg->hostname : "isolab");
    if (net && !cfg->unpriv_ports)
        flag2(l, "--sysctl", "net.ipv4.ip_unprivileged_port_start=1024");
    if (!net && cfg->unpriv_ports && on)
        export_note(rep, "network: with --network host Docker leaves "
                    "ip_unprivileged_port_start alone, as isolab does without a network "
                    "namespace");
    if (!on || !cfg->ns[NS_MNT])
        export_note(rep, "namespaces: a Docker container always has its own mount "
                    "namespace; isolab shares the host's files here");
    struct lab_config d;
    lab_config_init_docker(&d);
    if (on && !cfg->ns[NS_TIME] && d.ns[NS_TIME])
        export_note(rep, "namespaces: Docker gives the container a time namespace of its own "
                    "here (as isolab's docker preset); this configuration has none");
    if (on && cfg->ns[NS_USER])
        export_note(rep, "namespaces: Docker has no per-container user namespace (only the "
                    "daemon's --userns-remap); this line runs without one");
}

static int seccomp_flag(struct line *l, const struct lab_config *cfg, struct isolab_err *err)
{
    if (!layer_in_force(cfg, LAYER_SECCOMP)) {
        if (!cfg->privileged)
            flag2(l, "--security-opt", "seccomp=unconfined");
        return 0;
    }
    char path[ISOLAB_PATH_MAX], rp[ISOLAB_PATH_MAX], opt[ISOLAB_PATH_MAX + 16];
    if (seccomp_profile_path(cfg, path, sizeof path, err) < 0)
        return -1;
    snprintf(opt, sizeof opt, "seccomp=%s", realpath(path, rp) ? rp : path);
    flag2(l, "--security-opt", opt);
    return 0;
}

static void lsm_flags(struct line *l, const struct lab_config *cfg, struct export_report *rep)
{
    if (cfg->privileged)
        return;
    if (!layer_in_force(cfg, LAYER_LSM)) {
        flag2(l, "--security-opt", "apparmor=unconfined");
        return;
    }
    if (!strcmp(cfg->lsm_profile, "isolab-default")) {
        export_note(rep, "lsm: isolab-default approximates Docker's docker-default, which "
                    "Docker applies by itself where AppArmor is on: no flag");
        return;
    }
    char opt[96];
    snprintf(opt, sizeof opt, "apparmor=%s", cfg->lsm_profile);
    flag2(l, "--security-opt", opt);
    export_note(rep, "lsm: load the profile first: apparmor_parser -r profiles/apparmor/%s",
                cfg->lsm_profile);
}

static void cgroup_flags(struct line *l, const struct lab_config *cfg)
{
    char v[64];
    if (!cfg->layer_on[LAYER_CGROUP])
        return;
    if (cfg->pids_limit > 0) {
        snprintf(v, sizeof v, "%ld", cfg->pids_limit);
        flag2(l, "--pids-limit", v);
    }
    if (cfg->memory_bytes > 0) {
        snprintf(v, sizeof v, "%lld", cfg->memory_bytes);
        flag2(l, "--memory", v);
    }
    if (cfg->cpus > 0) {
        snprintf(v, sizeof v, "%g", cfg->cpus);
        flag2(l, "--cpus", v);
    }
}

char *export_docker(const struct lab_config *cfg, const struct export_opts *o,
                    struct export_report *rep, struct isolab_err *err)
{
    struct line l = {0};
    put(&l, "docker run --rm");
    if (cfg->tty)
        put(&l, "-it");
    ns_flags(&l, cfg, rep);
    caps_flags(&l, cfg);
    if (seccomp_flag(&l, cfg, err) < 0) {
        free(l.buf);
        return NULL;
    }
    lsm_flags(&l, cfg, rep);
    if (cfg->no_new_privs)
        flag2(&l, "--security-opt", "no-new-privileges");
    cgroup_flags(&l, cfg);
    if (cfg->set_user) {
        char u[32];
        snprintf(u, sizeof u, "%u:%u", cfg->uid, cfg->gid);
        flag2(&l, "--user", u);
    }
    word(&l, o && o->image && *o->image ? o->image : "debian:bookworm");
    for (char **a = cfg->argv; a && *a; a++)
        word(&l, *a);
    export_common_notes(cfg, "docker", rep);
    if (l.oom) {
        free(l.buf);
        isolab_err_set(err, ENOMEM, "export: out of memory");
        return NULL;
    }
    return l.buf;
}
