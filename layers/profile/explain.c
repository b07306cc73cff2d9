/* isolab explain: everything isolab knows about one syscall or capability,
 * computed from libseccomp, the presets and the profiles, not written down
 * twice. Returns data; tui/cli/cmd_explain.c prints it. */
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "explain.h"
#include "layer.h"
#include "sc_diff.h"

static const struct { uint32_t arch; const char *label; } number_arches[EXPLAIN_NARCH] = {
    {SCMP_ARCH_X86_64, "x86_64"}, {SCMP_ARCH_X86, "x86"}, {SCMP_ARCH_X32, "x32"},
    {SCMP_ARCH_AARCH64, "aarch64"},
};

static bool known_anywhere(const char *name)
{
    static const uint32_t arches[] = {
        SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64, SCMP_ARCH_ARM,
        SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, SCMP_ARCH_PPC64LE, SCMP_ARCH_S390X, SCMP_ARCH_RISCV64,
    };
    for (size_t i = 0; i < sizeof arches / sizeof arches[0]; i++)
        if (seccomp_syscall_resolve_name_arch(arches[i], name) >= 0)
            return true;
    return syscall_info_find(name) != NULL;
}

/* The first "CAP_X" mentioned in a sentence, -1 if none. */
static int first_cap_in(const char *s)
{
    const char *p = s ? strstr(s, "CAP_") : NULL;
    if (!p)
        return -1;
    char name[40];
    size_t n = 0;
    while (n < sizeof name - 1 && (isupper((unsigned char)p[n]) || p[n] == '_'))
        name[n] = p[n], n++;
    name[n] = '\0';
    return isolab_cap_from_name(name);
}

/* Rules naming the syscall that would decide with another capability. */
static void find_unlocks(const struct seccomp_profile *p, const char *name,
                         struct explain_preset *e)
{
    for (size_t i = 0; i < p->nrules; i++) {
        const struct sc_rule *r = &p->rules[i];
        if (!seccomp_rule_names(r, name) || !r->includes.ncaps)
            continue;
        struct explain_unlock *u = realloc(e->unlocks, (e->nunlocks + 1) * sizeof *u);
        if (!u)
            return;
        e->unlocks = u;
        u = &u[e->nunlocks++];
        u->rule = i;
        u->line = r->line;
        sc_action_str(r->action, sc_rule_errno(r), u->action, sizeof u->action);
        snprintf(u->cap, sizeof u->cap, "%s", r->includes.caps[0]);
    }
}

static void verdict_of(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                       const char *name, const struct sc_verdict *v, struct explain_preset *e)
{
    e->kind = EXPLAIN_PRESET_VERDICT;
    e->action = v->action;
    e->errno_ret = v->errno_ret;
    e->conditional = v->conditional;
    e->unresolved = v->unresolved;
    sc_action_str(v->action, v->errno_ret, e->action_str, sizeof e->action_str);
    sc_decision_str(p, caps, arch, name, e->decision, sizeof e->decision);
    const char *base = strrchr(p->path, '/');
    snprintf(e->profile, sizeof e->profile, "%s", base ? base + 1 : p->path);
    if (!v->rule) {
        find_unlocks(p, name, e);
        return;
    }
    e->has_rule = true;
    e->rule = (size_t)(v->rule - p->rules);
    e->rule_line = v->rule->line;
    sc_filter_str(v->rule, e->rule_filter, sizeof e->rule_filter);
    snprintf(e->rule_comment, sizeof e->rule_comment, "%s", v->rule->comment ? v->rule->comment : "");
}

static void explain_preset(const char *preset, const char *name, int kcap,
                           struct explain_preset *e)
{
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", preset);
    struct lab_config cfg;
    struct isolab_err err;
    isolab_err_clear(&err);
    lab_config_init_docker(&cfg);
    if (preset_apply(&cfg, preset, &err) < 0) {
        e->kind = EXPLAIN_PRESET_ERROR;
        snprintf(e->error, sizeof e->error, "cannot load: %s", err.msg);
        return;
    }
    if (kcap >= 0)
        e->kernel_cap_present = lab_config_caps_in_force(&cfg) & (1ull << kcap);
    if (!layer_in_force(&cfg, LAYER_SECCOMP)) {
        e->kind = EXPLAIN_PRESET_SECCOMP_OFF;
        e->privileged = cfg.privileged;
        return;
    }
    char path[ISOLAB_PATH_MAX];
    struct seccomp_profile *p = NULL;
    if (seccomp_profile_path(&cfg, path, sizeof path, &err) < 0 ||
        seccomp_profile_load(path, &p, &err) < 0) {
        e->kind = EXPLAIN_PRESET_ERROR;
        snprintf(e->error, sizeof e->error, "profile does not load: %s", err.msg);
        return;
    }
    uint64_t caps = lab_config_seccomp_caps(&cfg);
    uint32_t arch = sc_native_arch();
    struct sc_verdict v;
    if (seccomp_profile_eval(p, caps, arch, name, NULL, &v) < 0)
        e->kind = EXPLAIN_PRESET_NO_SYSCALL;
    else
        verdict_of(p, caps, arch, name, &v, e);
    seccomp_profile_free(p);
}

static void numbers_of(const char *name, struct explain_number *out)
{
    for (size_t i = 0; i < EXPLAIN_NARCH; i++) {
        int nr = seccomp_syscall_resolve_name_arch(number_arches[i].arch, name);
        out[i].arch = number_arches[i].arch;
        out[i].label = number_arches[i].label;
        out[i].nr = nr;
        out[i].kind = nr >= 0 ? EXPLAIN_NR : nr < -1 && nr > -10000 ? EXPLAIN_MULTIPLEXED
                    : EXPLAIN_ABSENT;
    }
}

static int presets_of(const char *name, int kcap, struct explain_syscall *out)
{
    char **names = NULL;
    size_t n = 0;
    if (preset_list(&names, &n) < 0)
        return 0;   /* no presets found: nothing to say about them */
    out->presets = calloc(n ? n : 1, sizeof *out->presets);
    for (size_t i = 0; i < n; i++) {
        if (out->presets)
            explain_preset(names[i], name, kcap, &out->presets[out->npresets++]);
        free(names[i]);
    }
    free(names);
    return out->presets ? 0 : -1;
}

static void syscall_free(struct explain_syscall *s)
{
    for (size_t i = 0; i < s->npresets; i++)
        free(s->presets[i].unlocks);
    free(s->presets);
    free(s->probes);
    memset(s, 0, sizeof *s);
}

int explain_syscall(const char *name, struct explain_syscall *out, struct isolab_err *err)
{
    memset(out, 0, sizeof *out);
    if (!known_anywhere(name)) {
        isolab_err_set(err, ENOENT, "explain: '%s' is neither a syscall libseccomp knows nor "
                       "a capability", name);
        isolab_err_hint(err, "check the spelling; `isolab syscalls` lists every syscall of "
                        "this machine, capabilities are written CAP_SYS_ADMIN");
        return -1;
    }
    snprintf(out->name, sizeof out->name, "%s", name);
    out->info = syscall_info_find(name);
    const struct scmp_version *ver = seccomp_version();
    out->libseccomp[0] = ver->major;
    out->libseccomp[1] = ver->minor;
    out->libseccomp[2] = ver->micro;
    numbers_of(name, out->numbers);
    out->newer_than_libseccomp = syscall_is_newer_than_libseccomp(name);
    out->kernel_cap = out->info ? first_cap_in(out->info->cap) : -1;
    out->native = sc_native_arch();
    out->probes = calloc(probe_count, sizeof *out->probes);
    if (!out->probes || presets_of(name, out->kernel_cap, out) < 0) {
        syscall_free(out);
        return isolab_err_set(err, ENOMEM, "explain: out of memory");
    }
    for (size_t i = 0; i < probe_count; i++)
        if (probe_catalogue[i].syscall && !strcmp(probe_catalogue[i].syscall, name))
            out->probes[out->nprobes++] = &probe_catalogue[i];
    return 0;
}

static int cap_changes(const struct seccomp_profile *p, int cap, struct explain_cap *out)
{
    uint64_t without = caps_docker_default() & ~(1ull << cap);
    uint64_t with = caps_docker_default() | (1ull << cap);
    struct sc_sysent *sys = NULL;
    size_t nsys = 0;
    if (sc_arch_syscalls(out->arch, &sys, &nsys) < 0)
        return -1;
    out->changes = calloc(nsys ? nsys : 1, sizeof *out->changes);
    for (size_t i = 0; out->changes && i < nsys; i++) {
        struct explain_change *c = &out->changes[out->nchanges];
        sc_decision_str(p, without, out->arch, sys[i].name, c->without, sizeof c->without);
        sc_decision_str(p, with, out->arch, sys[i].name, c->with, sizeof c->with);
        if (!strcmp(c->without, c->with))
            continue;
        snprintf(c->name, sizeof c->name, "%s", sys[i].name);
        out->nchanges++;
    }
    sc_syscalls_free(sys, nsys);
    return out->changes ? 0 : -1;
}

int explain_cap(int cap, struct explain_cap *out, struct isolab_err *err)
{
    memset(out, 0, sizeof *out);
    if (cap < 0 || cap > 63)
        return isolab_err_set(err, EINVAL, "explain: capability %d is out of range", cap);
    out->cap = cap;
    out->info = cap_info_find(cap);
    out->in_docker_default = caps_docker_default() & (1ull << cap);
    out->arch = sc_native_arch();
    char path[ISOLAB_PATH_MAX];
    struct seccomp_profile *p = NULL;
    isolab_data_path("profiles/seccomp/docker-default.json", path, sizeof path);
    if (seccomp_profile_load(path, &p, err) < 0)
        return -1;
    int rc = cap_changes(p, cap, out);
    seccomp_profile_free(p);
    return rc < 0 ? isolab_err_set(err, ENOMEM, "explain: out of memory") : 0;
}

int explain_lookup(const char *name, struct explain *out, struct isolab_err *err)
{
    memset(out, 0, sizeof *out);
    int c = isolab_cap_from_name(name);
    if (!strncasecmp(name, "CAP_", 4) && c < 0) {
        isolab_err_set(err, ENOENT, "explain: '%s' is not a capability", name);
        isolab_err_hint(err, "capabilities are listed in man 7 capabilities, e.g. CAP_SYS_ADMIN");
        return -1;
    }
    int rc;
    if (!strncasecmp(name, "CAP_", 4) || (!known_anywhere(name) && c >= 0)) {
        out->kind = EXPLAIN_CAP;
        rc = explain_cap(c, &out->cap, err);
    } else {
        out->kind = EXPLAIN_SYSCALL;
        rc = explain_syscall(name, &out->sc, err);
    }
    if (rc < 0)
        explain_free(out);
    return rc;
}

void explain_free(struct explain *e)
{
    syscall_free(&e->sc);
    free(e->cap.changes);
    memset(e, 0, sizeof *e);
}

static void list_strs(char **v, size_t n, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && off < len; i++)
        off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", v[i]);
}

static const char *native_arch_label(uint32_t arch)
{
    for (size_t i = 0; i < EXPLAIN_NARCH; i++)
        if (number_arches[i].arch == arch)
            return number_arches[i].label;
    return "this architecture";
}

void explain_rule_skipped(const struct sc_rule *r, const char *name, uint64_t caps, char *buf,
                          size_t n)
{
    uint32_t arch = seccomp_arch_native();
    unsigned long kver = kernel_version_code();
    char list[256];
    if (seccomp_syscall_resolve_name_arch(arch, name) < 0) {
        snprintf(buf, n, "%s is not a syscall on %s%s, so the rule has nothing to match here",
                 name, native_arch_label(arch),
                 known_anywhere(name) ? " (other architectures have it)" : "");
        return;
    }
    const struct sc_filter *in = &r->includes, *ex = &r->excludes;
    if (in->ncaps && ((in->cap_mask & caps) != in->cap_mask || in->cap_unknown)) {
        list_strs(in->caps, in->ncaps, list, sizeof list);
        snprintf(buf, n, "it includes caps: %s, which this configuration does not give", list);
    } else if (ex->ncaps && (ex->cap_mask & caps)) {
        list_strs(ex->caps, ex->ncaps, list, sizeof list);
        snprintf(buf, n, "it excludes caps: %s, which this configuration gives", list);
    } else if (in->narches || ex->narches) {
        list_strs(in->narches ? in->arches : ex->arches, in->narches ? in->narches : ex->narches,
                  list, sizeof list);
        snprintf(buf, n, "%s on %s only (%s.arches), and this is %s",
                 in->narches ? "it applies" : "it is left out", list,
                 in->narches ? "includes" : "excludes", native_arch_label(arch));
    } else if (in->min_kver && kver < in->min_kver) {
        snprintf(buf, n, "only on kernels %s and newer (includes.minKernel); this one is older",
                 in->min_kernel);
    } else {
        snprintf(buf, n, "it does not apply with this configuration");
    }
}
