/* isolab explain NAME...: prints what the engine's explain_lookup found
 * (layers/profile/explain.c). */
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "cmd_profiles.h"
#include "explain.h"
#include "sc_diff.h"

static void print_numbers(const struct explain_syscall *e)
{
    printf("Numbers (libseccomp %u.%u.%u):\n", e->libseccomp[0], e->libseccomp[1],
           e->libseccomp[2]);
    for (size_t i = 0; i < EXPLAIN_NARCH; i++) {
        const struct explain_number *n = &e->numbers[i];
        if (n->kind == EXPLAIN_NR && n->arch == SCMP_ARCH_X32)
            printf("  %-8s %d (0x40000000 + %d)\n", n->label, n->nr, n->nr - 0x40000000);
        else if (n->kind == EXPLAIN_NR)
            printf("  %-8s %d\n", n->label, n->nr);
        else if (n->kind == EXPLAIN_MULTIPLEXED)
            printf("  %-8s multiplexed through socketcall/ipc in libseccomp's table "
                   "(pseudo-number %d)\n", n->label, n->nr);
        else
            printf("  %-8s does not exist%s\n", n->label,
                   e->newer_than_libseccomp ? " (or is newer than this libseccomp)" : "");
    }
}

/* A comment cut to one screen line or so, with "..." when cut. */
static const char *shorten(const char *c, char *buf, size_t n)
{
    if (!*c)
        return "(no comment)";
    size_t len = strlen(c);
    memcpy(buf, c, len < n ? len + 1 : n - 1);
    buf[n - 1] = '\0';
    if (len >= n && n > 4)
        memcpy(buf + n - 4, "...", 4);
    return buf;
}

static void print_verdict(const struct explain_syscall *s, const struct explain_preset *e)
{
    char cmt[200];
    char shown[80];
    snprintf(shown, sizeof shown, "%.40s%s", e->action_str, e->conditional ? " if args" : "");
    if (e->has_rule) {
        printf("  %-26s %-14s %s rule syscalls[%zu] (line %d)%s%s%s\n", e->name, shown,
               e->profile, e->rule, e->rule_line, e->rule_filter[0] ? ", applies " : "",
               e->rule_filter, e->unresolved ?
               " [libseccomp does not know the name: the kernel applies the default]" : "");
        printf("  %-26s                why: %s\n", "", shorten(e->rule_comment, cmt, sizeof cmt));
    } else {
        printf("  %-26s %-14s %s defaultAction: no rule for %s applies with this preset's "
               "capabilities\n", e->name, e->action_str, e->profile, s->name);
        for (size_t i = 0; i < e->nunlocks; i++)
            printf("  %-26s                syscalls[%zu] (line %d) would give %s with %s\n", "",
                   e->unlocks[i].rule, e->unlocks[i].line, e->unlocks[i].action,
                   e->unlocks[i].cap);
    }
    if (e->conditional || strchr(e->decision, ';'))
        printf("  %-26s                exactly: %s\n", "", e->decision);
}

static void print_preset(const struct explain_syscall *s, const struct explain_preset *e)
{
    switch (e->kind) {
    case EXPLAIN_PRESET_ERROR:
        printf("  %-26s (%s)\n", e->name, e->error);
        return;
    case EXPLAIN_PRESET_SECCOMP_OFF:
        printf("  %-26s ALLOW          seccomp is off in this preset%s\n", e->name,
               e->privileged ? " (--privileged)" : "");
        break;
    case EXPLAIN_PRESET_NO_SYSCALL:
        printf("  %-26s -              not a syscall on %s\n", e->name, sc_arch_label(s->native));
        return;
    case EXPLAIN_PRESET_VERDICT:
        print_verdict(s, e);
        break;
    }
    if (s->kernel_cap >= 0)
        printf("  %-26s                then the kernel checks %s: %s in this preset\n", "",
               isolab_cap_name(s->kernel_cap), e->kernel_cap_present ? "present" : "absent");
}

static void print_syscall(const struct explain_syscall *s)
{
    const struct syscall_info *info = s->info;
    printf("%s: %s\n\n", s->name, info ? info->what : "(isolab's table has no summary; see man 2)");
    print_numbers(s);
    printf("\nThe kernel checks: %s\n", info && info->cap ? info->cap : "no capability");
    if (info && info->note)
        printf("Why it matters: %s\n", info->note);
    printf("\nPresets (seccomp's verdict on %s, the rule that decides, and why):\n",
           sc_arch_label(s->native));
    for (size_t i = 0; i < s->npresets; i++)
        print_preset(s, &s->presets[i]);
    if (!s->nprobes)
        printf("\nNo probe exercises %s directly.\n", s->name);
    else
        printf("\nProbes that exercise it:\n");
    for (size_t i = 0; i < s->nprobes; i++)
        printf("  %-20s %s: %s\n", s->probes[i]->id, s->probes[i]->title, s->probes[i]->explain);
}

static void print_cap(const struct explain_cap *c)
{
    printf("%s: %s\n", isolab_cap_name(c->cap), c->info ? c->info->allows
           : "(no summary in isolab's table)");
    printf("In Docker's 14 default capabilities: %s\n", c->in_docker_default ? "yes" : "no");
    printf("\nDocker's default profile with and without %s (Docker's default capabilities "
           "otherwise, on %s):\n", isolab_cap_name(c->cap), sc_arch_label(c->arch));
    for (size_t i = 0; i < c->nchanges; i++)
        printf("  %-20s %s  ->  %s\n", c->changes[i].name, c->changes[i].without,
               c->changes[i].with);
    if (!c->nchanges)
        printf("  (no syscall changes: the profile has no rule conditional on it)\n");
}

int cmd_explain(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: isolab explain NAME...\n"
                "  NAME is a syscall (unshare) or a capability (CAP_SYS_ADMIN)\n");
        return argc < 2 ? 2 : 0;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct isolab_err err;
        isolab_err_clear(&err);
        if (i > 1)
            printf("\n");
        struct explain e;
        if (explain_lookup(argv[i], &e, &err) < 0) {
            isolab_err_print(&err);
            rc = 1;
            continue;
        }
        if (e.kind == EXPLAIN_CAP)
            print_cap(&e.cap);
        else
            print_syscall(&e.sc);
        explain_free(&e);
    }
    return rc;
}
