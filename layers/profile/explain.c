/* isolab explain: everything isolab knows about one syscall or capability,
 * computed from libseccomp, the presets and the profiles, not written down
 * twice. */
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "explain.h"
#include "layer.h"
#include "probes.h"
#include "sc_diff.h"
#include "seccomp_profile.h"
#include "syscall_info.h"

static const struct { uint32_t arch; const char *label; } number_arches[] = {
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

static void short_comment(const char *c, char *buf, size_t n)
{
    if (!c || !*c) {
        snprintf(buf, n, "(no comment)");
        return;
    }
    snprintf(buf, n, "%s", c);
    if (strlen(c) >= n && n > 4)
        memcpy(buf + n - 4, "...", 4);
}

static void explain_preset(FILE *out, const char *preset, const char *name, int kcap)
{
    struct lab_config cfg;
    struct isolab_err err;
    lab_config_init_docker(&cfg);
    if (preset_apply(&cfg, preset, &err) < 0) {
        fprintf(out, "  %-26s (cannot load: %s)\n", preset, err.msg);
        return;
    }
    uint32_t arch = sc_native_arch();
    if (!layer_in_force(&cfg, LAYER_SECCOMP)) {
        fprintf(out, "  %-26s ALLOW          seccomp is off in this preset%s\n", preset,
                cfg.privileged ? " (--privileged)" : "");
    } else {
        char path[ISOLAB_PATH_MAX];
        struct seccomp_profile *p = NULL;
        if (seccomp_profile_path(&cfg, path, sizeof path, &err) < 0 ||
            seccomp_profile_load(path, &p, &err) < 0) {
            fprintf(out, "  %-26s (profile does not load: %s)\n", preset, err.msg);
            return;
        }
        uint64_t caps = lab_config_seccomp_caps(&cfg);
        struct sc_verdict v;
        if (seccomp_profile_eval(p, caps, arch, name, NULL, &v) < 0) {
            fprintf(out, "  %-26s -              not a syscall on %s\n", preset, sc_arch_label(arch));
            seccomp_profile_free(p);
            return;
        }
        char act[64], dec[384];
        sc_action_str(v.action, v.errno_ret, act, sizeof act);
        sc_decision_str(p, caps, arch, name, dec, sizeof dec);
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        char shown[80];
        snprintf(shown, sizeof shown, "%.40s%s", act, v.conditional ? " if args" : "");
        if (v.rule) {
            char cond[256], cmt[200];
            sc_filter_str(v.rule, cond, sizeof cond);
            short_comment(v.rule->comment, cmt, sizeof cmt);
            fprintf(out, "  %-26s %-14s %s rule syscalls[%zu] (line %d)%s%s%s\n", preset,
                    shown, base,
                    (size_t)(v.rule - p->rules), v.rule->line,
                    *cond ? ", applies " : "", cond, v.unresolved ?
                    " [libseccomp does not know the name: the kernel applies the default]" : "");
            fprintf(out, "  %-26s                why: %s\n", "", cmt);
        } else {
            fprintf(out, "  %-26s %-14s %s defaultAction: no rule for %s applies with "
                    "this preset's capabilities\n", preset, act, base, name);
            /* Rules that would decide with other capabilities. */
            for (size_t i = 0; i < p->nrules; i++) {
                const struct sc_rule *r = &p->rules[i];
                bool named = false;
                for (size_t j = 0; j < r->nnames; j++)
                    named |= !strcmp(r->names[j], name);
                if (!named || !r->includes.ncaps)
                    continue;
                char ract[64];
                sc_action_str(r->action, sc_rule_errno(r), ract, sizeof ract);
                fprintf(out, "  %-26s                syscalls[%zu] (line %d) would give %s with %s\n",
                        "", i, r->line, ract, r->includes.caps[0]);
            }
        }
        if (v.conditional || strchr(dec, ';'))
            fprintf(out, "  %-26s                exactly: %s\n", "", dec);
        seccomp_profile_free(p);
    }
    if (kcap >= 0) {
        bool has = lab_config_caps_in_force(&cfg) & (1ull << kcap);
        fprintf(out, "  %-26s                then the kernel checks %s: %s in this preset\n",
                "", isolab_cap_name(kcap), has ? "present" : "absent");
    }
}

int explain_syscall(FILE *out, const char *name, struct isolab_err *err)
{
    if (!known_anywhere(name)) {
        isolab_err_set(err, ENOENT, "explain: '%s' is neither a syscall libseccomp knows nor "
                       "a capability", name);
        isolab_err_hint(err, "check the spelling; `isolab syscalls` lists every syscall of "
                        "this machine, capabilities are written CAP_SYS_ADMIN");
        return -1;
    }
    const struct syscall_info *info = syscall_info_find(name);
    fprintf(out, "%s: %s\n\n", name, info ? info->what : "(isolab's table has no summary; see man 2)");
    fprintf(out, "Numbers (libseccomp %u.%u.%u):\n", seccomp_version()->major,
            seccomp_version()->minor, seccomp_version()->micro);
    for (size_t i = 0; i < sizeof number_arches / sizeof number_arches[0]; i++) {
        int nr = seccomp_syscall_resolve_name_arch(number_arches[i].arch, name);
        if (nr >= 0 && number_arches[i].arch == SCMP_ARCH_X32)
            fprintf(out, "  %-8s %d (0x40000000 + %d)\n", number_arches[i].label, nr,
                    nr - 0x40000000);
        else if (nr >= 0)
            fprintf(out, "  %-8s %d\n", number_arches[i].label, nr);
        else if (nr < -1 && nr > -10000)
            fprintf(out, "  %-8s multiplexed through socketcall/ipc in libseccomp's table "
                    "(pseudo-number %d)\n", number_arches[i].label, nr);
        else
            fprintf(out, "  %-8s does not exist%s\n", number_arches[i].label,
                    syscall_is_newer_than_libseccomp(name) ? " (or is newer than this libseccomp)" : "");
    }
    fprintf(out, "\nThe kernel checks: %s\n", info && info->cap ? info->cap : "no capability");
    if (info && info->note)
        fprintf(out, "Why it matters: %s\n", info->note);

    int kcap = info ? first_cap_in(info->cap) : -1;
    char **names = NULL;
    size_t n = 0;
    fprintf(out, "\nPresets (seccomp's verdict on %s, the rule that decides, and why):\n",
            sc_arch_label(sc_native_arch()));
    if (preset_list(&names, &n) == 0) {
        for (size_t i = 0; i < n; i++) {
            explain_preset(out, names[i], name, kcap);
            free(names[i]);
        }
        free(names);
    }

    size_t shown = 0;
    for (size_t i = 0; i < probe_count; i++) {
        if (!probe_catalogue[i].syscall || strcmp(probe_catalogue[i].syscall, name) != 0)
            continue;
        if (!shown++)
            fprintf(out, "\nProbes that exercise it:\n");
        fprintf(out, "  %-20s %s: %s\n", probe_catalogue[i].id, probe_catalogue[i].title,
                probe_catalogue[i].explain);
    }
    if (!shown)
        fprintf(out, "\nNo probe exercises %s directly.\n", name);
    return 0;
}

int explain_cap(FILE *out, int cap, struct isolab_err *err)
{
    const struct cap_info *ci = cap_info_find(cap);
    if (cap < 0 || cap > 63) {
        isolab_err_set(err, EINVAL, "explain: capability %d is out of range", cap);
        return -1;
    }
    fprintf(out, "%s: %s\n", isolab_cap_name(cap), ci ? ci->allows : "(no summary in isolab's table)");
    bool in_docker = caps_docker_default() & (1ull << cap);
    fprintf(out, "In Docker's 14 default capabilities: %s\n", in_docker ? "yes" : "no");

    char path[ISOLAB_PATH_MAX];
    struct seccomp_profile *p = NULL;
    isolab_data_path("profiles/seccomp/docker-default.json", path, sizeof path);
    if (seccomp_profile_load(path, &p, err) < 0)
        return -1;
    uint64_t without = caps_docker_default() & ~(1ull << cap);
    uint64_t with = caps_docker_default() | (1ull << cap);
    uint32_t arch = sc_native_arch();
    struct sc_sysent *sys = NULL;
    size_t nsys = 0;
    if (sc_arch_syscalls(arch, &sys, &nsys) < 0) {
        seccomp_profile_free(p);
        return isolab_err_set(err, ENOMEM, "explain: out of memory");
    }
    fprintf(out, "\nDocker's default profile with and without %s (Docker's default "
            "capabilities otherwise, on %s):\n", isolab_cap_name(cap), sc_arch_label(arch));
    size_t changed = 0;
    for (size_t i = 0; i < nsys; i++) {
        char a[384], b[384];
        sc_decision_str(p, without, arch, sys[i].name, a, sizeof a);
        sc_decision_str(p, with, arch, sys[i].name, b, sizeof b);
        if (!strcmp(a, b))
            continue;
        fprintf(out, "  %-20s %s  ->  %s\n", sys[i].name, a, b);
        changed++;
    }
    if (!changed)
        fprintf(out, "  (no syscall changes: the profile has no rule conditional on it)\n");
    sc_syscalls_free(sys, nsys);
    seccomp_profile_free(p);
    return 0;
}

int explain(FILE *out, const char *name, struct isolab_err *err)
{
    if (!strncasecmp(name, "CAP_", 4)) {
        int c = isolab_cap_from_name(name);
        if (c < 0) {
            isolab_err_set(err, ENOENT, "explain: '%s' is not a capability", name);
            isolab_err_hint(err, "capabilities are listed in man 7 capabilities, e.g. CAP_SYS_ADMIN");
            return -1;
        }
        return explain_cap(out, c, err);
    }
    if (known_anywhere(name))
        return explain_syscall(out, name, err);
    int c = isolab_cap_from_name(name);
    if (c >= 0)
        return explain_cap(out, c, err);
    return explain_syscall(out, name, err);
}
