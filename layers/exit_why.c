/* Every exit explained (issue 10): the one rule that turns what the
 * launcher saw of a sandbox's end (struct sandbox_exit) into a sentence a
 * learner can act on. `isolab run` prints it on stderr, the TUI's shell
 * pane in its frame, and sandbox_start() puts it into its error, so that a
 * failed start names the layer that refused, not the one that noticed.
 *
 * What the parent can know: the exit status, the memory cgroup's oom_kill
 * count, the child's report (step, errno, what it found about the file
 * execve named), the live feed's first denial when --live/--trace is on,
 * and the seccomp profile's model. The kernel's si_syscall of a SIGSYS
 * reaches only the killed process itself, so without the feed the syscall
 * of a KILL/TRAP rule is named from the model: the calls this profile
 * kills, given the capabilities in force. A profile under which nothing can
 * start is said in lint's own words (its "launch" rule: layers/profile/lint.c). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_why.h"
#include "layer.h"
#include "lint.h"
#include "sc_diff.h"
#include "seccomp_profile.h"

const char *exit_why_cause_name(enum exit_cause c)
{
    static const char *const names[] = {"none", "oom", "sigsys", "nostart", "setup-denied",
                                        "exec", "loader"};
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

/* The profile the sandbox ran under, its short name and the caps its
 * includes/excludes were resolved against. */
struct why_ctx {
    const struct lab_config *cfg;
    const struct sandbox_exit *ex;
    struct exit_why *out;
    struct seccomp_profile *p;
    char path[ISOLAB_PATH_MAX];
    const char *name;       /* the file's base name */
    uint64_t caps;
};

static void why_ctx_free(struct why_ctx *c)
{
    seccomp_profile_free(c->p);
    c->p = NULL;
}

static bool load_profile(struct why_ctx *c)
{
    if (!layer_in_force(c->cfg, LAYER_SECCOMP))
        return false;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (seccomp_profile_path(c->cfg, c->path, sizeof c->path, &err) < 0 ||
        seccomp_profile_load(c->path, &c->p, &err) < 0)
        return false;
    const char *slash = strrchr(c->path, '/');
    c->name = slash ? slash + 1 : c->path;
    c->caps = lab_config_seccomp_caps(c->cfg);
    return true;
}

static bool is_kill(enum sc_action a)
{
    return a == SC_ACT_KILL || a == SC_ACT_KILL_THREAD || a == SC_ACT_KILL_PROCESS ||
           a == SC_ACT_TRAP;
}

/* 1 denied (ERRNO, KILL, TRAP, ... for any arguments), 0 allowed or allowed
 * for some arguments, -1 not a syscall here. v may be NULL. */
static int denied(const struct why_ctx *c, const char *name, struct sc_verdict *v)
{
    struct sc_verdict tmp;
    if (!v)
        v = &tmp;
    if (seccomp_profile_eval(c->p, c->caps, sc_native_arch(), name, NULL, v) < 0)
        return -1;
    return v->action != SC_ACT_ALLOW && v->action != SC_ACT_LOG && !v->conditional;
}

/* Join the names of list (alternatives "a|b") that are denied into buf;
 * returns how many. An alternative counts as denied when every one of its
 * names that exists here is. */
static size_t denied_among(const struct why_ctx *c, const char *const *list, size_t n,
                           char *buf, size_t bn)
{
    size_t k = 0, len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char alt[64];
        snprintf(alt, sizeof alt, "%s", list[i]);
        bool any = false, all = true;
        char *save = NULL;
        for (char *t = strtok_r(alt, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
            int d = denied(c, t, NULL);
            if (d < 0)
                continue;
            any = true;
            all = all && d == 1;
        }
        if (!any || !all)
            continue;
        char shown[64];
        snprintf(shown, sizeof shown, "%s", list[i]);
        for (char *q = shown; *q; q++)
            if (*q == '|')
                *q = '/';
        if (len < bn)
            len += (size_t)snprintf(buf + len, bn - len, "%s%s", k ? ", " : "", shown);
        k++;
    }
    return k;
}

/* Texts are cut at their buffer's end; these say so to the compiler. */
static void append(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t n, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, n - len, fmt, ap);
    va_end(ap);
}

static void put(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

/* lint's shell-start rule, the one source for "nothing can start here":
 * its message appended to what, true if it fired. */
static bool append_lint_launch(struct why_ctx *c)
{
    struct lint_options o;
    lint_options_init(&o);
    o.caps = c->caps;
    struct lint_report rep;
    if (lint_file(c->path, &o, &rep) < 0) {
        lint_report_free(&rep);
        return false;
    }
    const struct lint_finding *f = lint_find(&rep, "launch");
    if (f)
        append(c->out->what, sizeof c->out->what, " isolab lint %s says: %s.", c->name,
               f->message);
    lint_report_free(&rep);
    return f != NULL;
}

/* ---- a failed start ---------------------------------------------------------- */

/* What isolab itself calls at step 6 (caps.c): prctl(PR_CAPBSET_DROP),
 * capset, and with --user the id changes. */
static const char *const caps_calls[] = {"prctl", "capset", "setgroups", "setresgid",
                                         "setresuid", "setgid", "setuid"};
#define NCAPS_CALLS (sizeof caps_calls / sizeof caps_calls[0])

static int explain_caps_denied(struct why_ctx *c)
{
    char list[256];
    size_t n = denied_among(c, caps_calls, c->cfg->set_user ? NCAPS_CALLS : 2, list,
                            sizeof list);
    if (!n)
        return 0;
    struct exit_why *w = c->out;
    w->cause = EXIT_WHY_SETUP_DENIED;
    put(w->what, sizeof w->what, "seccomp: the profile %s denies %s, which isolab calls to "
             "drop the sandbox's capabilities. With no-new-privileges off the filter is loaded "
             "at step 5, before the capabilities are dropped at step 6, so the profile must "
             "allow capset and prctl; the capabilities layer only noticed (%s).", c->name,
             list, c->ex->msg[0] ? c->ex->msg : "the process died");
    put(w->hint, sizeof w->hint, "allow capset and prctl in %s, or add --security-opt "
             "no-new-privileges, which loads the filter last, just before execve", c->path);
    if (append_lint_launch(c))
        append(w->hint, sizeof w->hint, "; and the profile must let a program start (see "
               "isolab lint %s)", c->path);
    return 1;
}

static int explain_exec_seccomp(struct why_ctx *c)
{
    struct sc_verdict v;
    const char *which = "execve";
    int d = denied(c, "execve", &v);
    if (d != 1)
        return 0;
    bool kills = is_kill(v.action);
    if (!kills && !(v.action == SC_ACT_ERRNO && (int)v.errno_ret == c->ex->errnum))
        return 0;
    struct exit_why *w = c->out;
    w->cause = EXIT_WHY_EXEC;
    char where[64] = "its defaultAction";
    if (v.rule && v.rule->line)
        snprintf(where, sizeof where, "its rule at line %d", v.rule->line);
    else if (v.rule)
        snprintf(where, sizeof where, "a rule");
    put(w->what, sizeof w->what, "%s: seccomp refused it: the profile %s %s %s (%s).",
             c->ex->msg[0] ? c->ex->msg : "execve", c->name,
             kills ? "kills" : "denies", which, where);
    put(w->hint, sizeof w->hint, "allow execve in %s; isolab lint %s lists what else a "
             "program needs", c->path, c->path);
    if (append_lint_launch(c))
        w->cause = EXIT_WHY_NOSTART;
    return 1;
}

static int explain_exec(struct why_ctx *c)
{
    const struct sandbox_exit *ex = c->ex;
    struct exit_why *w = c->out;
    bool root_ns = layer_in_force(c->cfg, LAYER_NS) && c->cfg->ns[NS_MNT];
    const char *root = !root_ns ? "the host's own files (the namespaces layer is off)"
                     : c->cfg->rootfs[0] ? "the --rootfs directory" : "the sandbox's root "
                       "filesystem (the host's programs, read-only, under a throwaway layer)";
    w->cause = EXIT_WHY_EXEC;
    if ((ex->errnum == EPERM || ex->errnum == EACCES || ex->setup_died) && c->p &&
        explain_exec_seccomp(c))
        return 1;
    if (ex->errnum == ENOENT) {
        put(w->what, sizeof w->what, "%s: %s%s %s.", ex->msg,
            root_ns ? "the namespaces layer: " : "", root,
            ex->exec_kind == EXEC_KIND_NO_INTERP ? (root_ns ? "lacks the program's interpreter"
                                                           : "lack the program's interpreter")
                                                : (root_ns ? "has no such program"
                                                           : "have no such program"));
        put(w->hint, sizeof w->hint, "%s", c->cfg->rootfs[0]
                 ? "copy the program (and its libraries and interpreter) into the --rootfs "
                   "directory, or give its path inside it"
                 : "check the name with `isolab run -- sh -c 'command -v NAME'`");
        return 1;
    }
    if (ex->errnum != EACCES && ex->errnum != EPERM)
        return 0;
    if (ex->exec_kind == EXEC_KIND_NOT_EXEC) {
        put(w->what, sizeof w->what, "%s: no layer refused it: the file itself may not "
                 "be executed.", ex->msg);
        put(w->hint, sizeof w->hint, "chmod +x the file, or run it through its "
                 "interpreter (sh FILE, python3 FILE)");
    } else if (ex->exec_kind == EXEC_KIND_NOEXEC_MOUNT) {
        put(w->what, sizeof w->what, "%s: the namespaces layer: the mount it is on "
                 "forbids exec (noexec).", ex->msg);
        put(w->hint, sizeof w->hint, "run it from another directory, or through its "
                 "interpreter (sh FILE)");
    } else if (ex->exec_kind == EXEC_KIND_MODE_OK && layer_in_force(c->cfg, LAYER_LSM)) {
        put(w->what, sizeof w->what, "%s: the LSM layer refused it (%s policy %s): the "
                 "file and its mount allow exec, and seccomp allows execve.", ex->msg,
                 lsm_mechanism_name(), c->cfg->lsm_profile[0] ? c->cfg->lsm_profile
                 : "isolab-default");
        put(w->hint, sizeof w->hint, "try --security-opt apparmor=unconfined to see "
                 "whether the policy is the cause; isolab explain execve");
    } else {
        return 0;
    }
    return 1;
}

/* The setup died without a report: a KILL/TRAP rule on one of isolab's
 * own calls at that step. */
static size_t killed_calls(const struct why_ctx *c, char *buf, size_t n);

static int explain_setup_died(struct why_ctx *c)
{
    const struct sandbox_exit *ex = c->ex;
    if (!c->p)
        return 0;
    if (ex->step == STEP_CAPS && !c->cfg->no_new_privs && explain_caps_denied(c))
        return 1;
    if (ex->step == STEP_EXEC && explain_exec(c))
        return 1;
    if (ex->status != 128 + SIGSYS && ex->status != 128 + SIGSEGV)
        return 0;
    /* a call of isolab's own setup after the filter was loaded */
    struct exit_why *w = c->out;
    w->cause = EXIT_WHY_SETUP_DENIED;
    char list[512];
    size_t n = killed_calls(c, list, sizeof list);
    put(w->what, sizeof w->what, "seccomp: the profile %s %s one of the calls isolab itself "
        "makes at this step, after the filter was loaded (at step %d)", c->name,
        ex->status == 128 + SIGSYS ? "kills" : "denies", c->cfg->no_new_privs ? 7 : 5);
    if (is_kill(c->p->default_action))
        append(w->what, sizeof w->what, ": its defaultAction %s kills every call it does not "
               "allow", sc_action_name(c->p->default_action));
    else if (n)
        append(w->what, sizeof w->what, ": it kills %s", list);
    append(w->what, sizeof w->what, ".");
    put(w->hint, sizeof w->hint, "%s; isolab lint %s lists what a program needs",
        c->cfg->no_new_privs ? "allow what isolab and the program need"
                             : "add --security-opt no-new-privileges, which loads the filter "
                               "last, just before execve", c->path);
    if (append_lint_launch(c))
        w->cause = EXIT_WHY_NOSTART;
    return 1;
}

static int explain_start(struct why_ctx *c)
{
    const struct sandbox_exit *ex = c->ex;
    bool have = load_profile(c);
    if (ex->setup_died)
        return explain_setup_died(c);
    if (ex->step == STEP_CAPS && have && !c->cfg->no_new_privs &&
        (ex->errnum == EPERM || ex->errnum == EACCES))
        return explain_caps_denied(c);
    if (ex->step == STEP_EXEC && explain_exec(c))
        return 1;
    /* any other step after the filter was loaded (under a live supervisor
     * the init forks the command after it too): under a profile nothing
     * starts under, say so */
    int loaded = c->cfg->no_new_privs ? STEP_SECCOMP_LATE : STEP_SECCOMP_EARLY;
    bool after = (ex->step > loaded && ex->step <= STEP_EXEC) ||
                 (ex->step == STEP_CONSOLE && c->cfg->live);
    if (!have || !after)
        return 0;
    put(c->out->what, sizeof c->out->what, "%s.", ex->msg);
    if (!append_lint_launch(c))
        return 0;
    c->out->cause = EXIT_WHY_NOSTART;
    put(c->out->hint, sizeof c->out->hint, "isolab lint %s lists what is missing; allow it, or "
        "start from profiles/seccomp/docker-default.json and deny what you must", c->path);
    return 1;
}

/* ---- the command's end --------------------------------------------------------- */

static int explain_oom(struct why_ctx *c)
{
    const struct sandbox_exit *ex = c->ex;
    struct exit_why *w = c->out;
    long long lim = c->cfg->memory_bytes;
    bool v2 = !strcmp(cgroup_mode_name(), "v2");
    w->cause = EXIT_WHY_OOM;
    char amount[128] = "no --memory limit was set: the limit of a cgroup above the sandbox's";
    if (lim > 0)
        snprintf(amount, sizeof amount, "%lld bytes (%lld MiB)", lim, lim >> 20);
    put(w->what, sizeof w->what, "the memory limit was reached: the cgroups layer's "
             "memory limit, --memory = %s (%s), and the kernel's OOM killer ended %ld "
             "process%s of the sandbox%s.", amount, v2 ? "memory.max" : "memory.limit_in_bytes",
             ex->oom_kills, ex->oom_kills == 1 ? "" : "es",
             ex->status == 128 + SIGKILL ? " with SIGKILL (status 137)" : "");
    put(w->hint, sizeof w->hint, "give it more with --memory (e.g. --memory %lldm), or "
             "make the program use less", lim > 0 ? (lim >> 20) * 4 : 512);
    return 1;
}

/* What the KILL/TRAP rules of the profile stop, for these capabilities. */
static size_t killed_calls(const struct why_ctx *c, char *buf, size_t n)
{
    size_t k = 0, len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->p->nrules; i++) {
        const struct sc_rule *r = &c->p->rules[i];
        if (!is_kill(r->action))
            continue;
        for (size_t j = 0; j < r->nnames; j++) {
            struct sc_verdict v;
            if (denied(c, r->names[j], &v) != 1 || v.rule != r || strstr(buf, r->names[j]))
                continue;
            if (k < 8 && len < n)
                len += (size_t)snprintf(buf + len, n - len, "%s%s (%s, line %d)",
                                        k ? ", " : "", r->names[j], sc_action_name(r->action),
                                        r->line);
            k++;
        }
    }
    return k;
}

static int explain_sigsys(struct why_ctx *c)
{
    struct exit_why *w = c->out;
    w->cause = EXIT_WHY_SIGSYS;
    if (c->ex->first_denied[0]) {
        put(w->what, sizeof w->what, "the command was killed by SIGSYS: a seccomp KILL or "
                 "TRAP rule of %s stopped it; the live feed's first denied call was %s.",
                 c->name, c->ex->first_denied);
    } else {
        char list[512];
        size_t n = killed_calls(c, list, sizeof list);
        bool dflt = is_kill(c->p->default_action);
        put(w->what, sizeof w->what, "the command was killed by SIGSYS: a seccomp KILL or "
                 "TRAP rule of %s stopped it. ", c->name);
        if (n == 1 && !dflt)
            append(w->what, sizeof w->what, "Under this profile only one call does that: %s.",
                   list);
        else if (n)
            append(w->what, sizeof w->what, "The calls this profile kills: %s%s%s.", list,
                   n > 8 ? ", ..." : "", dflt ? ", and every call it does not list "
                   "(defaultAction)" : "");
        else if (dflt)
            append(w->what, sizeof w->what, "Its defaultAction %s kills every call it does not "
                   "allow.", sc_action_name(c->p->default_action));
        append(w->what, sizeof w->what, " (The kernel tells only the killed process which "
               "call it was.)");
    }
    put(w->hint, sizeof w->hint, "isolab run --trace ... names the call; allow it in %s, "
             "or make its rule SCMP_ACT_ERRNO so the program sees an error instead of dying",
             c->path);
    if (is_kill(c->p->default_action))
        append_lint_launch(c);
    return 1;
}

/* What glibc's dynamic loader cannot do without (measured by denying each
 * under `isolab run` with no-new-privileges: it dies with status 127 or
 * SIGSEGV before main). Alternatives: glibc versions differ. */
static const char *const loader_needs[] = {"mmap", "mprotect", "openat|open", "read",
                                           "newfstatat|fstat|statx", "arch_prctl"};

static int explain_loader(struct why_ctx *c, int sig)
{
    struct exit_why *w = c->out;
    char list[256];
    size_t n = denied_among(c, loader_needs, sizeof loader_needs / sizeof loader_needs[0],
                            list, sizeof list);
    char how[48];
    if (sig)
        snprintf(how, sizeof how, "was killed by SIG%s", sigabbrev_np(sig) ? sigabbrev_np(sig)
                 : "?");
    else
        snprintf(how, sizeof how, "ended with status %d", c->ex->status);
    if (n)
        put(w->what, sizeof w->what, "the command %s right after execve: under the "
                 "seccomp profile %s the dynamic loader needs %s, which %s denied.", how,
                 c->name, list, n > 1 ? "are" : "is");
    else
        put(w->what, sizeof w->what, "the command %s right after execve.", how);
    if (c->ex->first_denied[0])
        append(w->what, sizeof w->what, " The live feed's first denied call: %s.",
               c->ex->first_denied);
    bool nostart = append_lint_launch(c);
    if (!n && !nostart)
        return 0;   /* the profile lets programs start: the program's own end */
    w->cause = nostart ? EXIT_WHY_NOSTART : EXIT_WHY_LOADER;
    put(w->hint, sizeof w->hint, "isolab lint %s lists what is missing; allow it, or start "
             "from profiles/seccomp/docker-default.json and deny what you must", c->path);
    return 1;
}

int exit_why_explain(const struct lab_config *cfg, const struct sandbox_exit *ex,
                     struct exit_why *out)
{
    memset(out, 0, sizeof *out);
    if (!ex)
        return 0;
    __attribute__((cleanup(why_ctx_free))) struct why_ctx c = {.cfg = cfg, .ex = ex, .out = out};
    int rc = 0;
    if (ex->step)
        rc = explain_start(&c);
    else if (ex->ended && ex->oom_kills > 0)
        rc = explain_oom(&c);
    else if (ex->ended && ex->status > 128 && load_profile(&c)) {
        int sig = ex->status - 128;
        if (sig == SIGSYS)
            rc = explain_sigsys(&c);
        else if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGABRT)
            rc = explain_loader(&c, sig);
    } else if (ex->ended && ex->status == 127 && load_profile(&c)) {
        rc = explain_loader(&c, 0);
    }
    if (rc <= 0)
        memset(out, 0, sizeof *out);
    return rc > 0;
}
