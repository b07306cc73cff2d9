/* Evaluating a lab step's expectations against a configuration: probes
 * (with attribution when the step asks which layer blocks), commands run in
 * the sandbox, namespaces compared with the host's, syscall numbers and
 * what the configuration's seccomp profile decides. Each check runs only
 * what its step names, so that the TUI can re-check after every change. */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab_int.h"
#include "layer.h"
#include "seccomp_profile.h"

/* A command of a lab is short; one that hangs is killed after this. */
#define LAB_COMMAND_TIMEOUT_S 20
#define LAB_OUTPUT_MAX 16384

static const char *const result_names[] = {"pass", "fail", "skip"};

const char *lab_result_name(enum lab_result r)
{
    return (unsigned)r < 3 ? result_names[r] : "?";
}

/* "syscall:NAME": each is called with arguments the kernel rejects before it
 * does anything (EINVAL where the syscall exists), so the test is harmless;
 * ENOSYS means this kernel does not have it. The numbers are the same on
 * every architecture isolab builds for (the unified table since 5.1). */
static const struct {
    const char *name;
    long nr;
    const char *since;
    long a0, a1, a2, a3;
} need_syscalls[] = {
    /* flags with every bit set: EINVAL before the path is looked at */
    {"fchmodat2", 452, "Linux 6.6", -1, 0, 0, -1},
    /* size 0 is below OPEN_HOW_SIZE_VER0: EINVAL */
    {"openat2", 437, "Linux 5.6", -1, 0, 0, 0},
    /* size 0 is below CLONE_ARGS_SIZE_VER0: EINVAL, nothing is cloned */
    {"clone3", 435, "Linux 5.3", 0, 0, 0, 0},
};

bool lab_need_syscall_known(const char *name)
{
    for (size_t i = 0; i < sizeof need_syscalls / sizeof need_syscalls[0]; i++)
        if (!strcmp(need_syscalls[i].name, name))
            return true;
    return false;
}

/* why[] gets a sentence when the kernel lacks the syscall. */
static void need_syscall(const char *name, char *why, size_t n)
{
    for (size_t i = 0; i < sizeof need_syscalls / sizeof need_syscalls[0]; i++) {
        if (strcmp(need_syscalls[i].name, name))
            continue;
        errno = 0;
        long rc = syscall(need_syscalls[i].nr, need_syscalls[i].a0, need_syscalls[i].a1,
                          need_syscalls[i].a2, need_syscalls[i].a3);
        if (rc != -1 || errno != ENOSYS)
            return;
        struct utsname u;
        if (uname(&u) < 0)
            snprintf(u.release, sizeof u.release, "?");
        snprintf(why, n, "needs the %s syscall (%s); this kernel (%s) answers ENOSYS, so "
                 "what the step shows cannot happen here", name, need_syscalls[i].since, u.release);
        return;
    }
    snprintf(why, n, "needs the %s syscall, which isolab cannot test for", name);
}

void lab_step_unmet_needs(const struct lab_step *st, char *why, size_t n)
{
    why[0] = '\0';
    const char *lsm = lsm_mechanism_name(), *cg = cgroup_mode_name();
    for (size_t i = 0; i < st->nneeds; i++) {
        const char *need = st->needs[i];
        if (!strcmp(need, "lsm") && !strcmp(lsm, "none"))
            snprintf(why, n, "needs an LSM (AppArmor or Landlock); this kernel has neither");
        else if (!strcmp(need, "apparmor") && strcmp(lsm, "AppArmor"))
            snprintf(why, n, "needs AppArmor, which this kernel does not have (LSM in use: %s); "
                     "the VM suite (tests/vm) boots a kernel with it", lsm);
        else if (!strcmp(need, "landlock") && strcmp(lsm, "Landlock"))
            snprintf(why, n, "needs Landlock (LSM in use: %s)", lsm);
        else if (!strcmp(need, "cgroups") && !strcmp(cg, "none"))
            snprintf(why, n, "needs cgroups, which isolab cannot use here");
        else if (!strcmp(need, "cgroup-v2") && strcmp(cg, "v2"))
            snprintf(why, n, "needs pure cgroup v2 (this machine: cgroups %s); "
                     "the VM suite (tests/vm) boots a kernel with it", cg);
        else if (!strncmp(need, "syscall:", 8))
            need_syscall(need + 8, why, n);
        if (why[0])
            return;
    }
}

/* ---- running something in the sandbox, output captured ------------------ */

static volatile pid_t alarm_target;

static void on_alarm(int sig)
{
    (void)sig;
    if (alarm_target > 0)
        kill(alarm_target, SIGKILL);
}

/* Runs argv (or fn) under cfg in a child of ours, so that the sandbox's
 * stdout and stderr go to a pipe without touching our own descriptors.
 * *status: the shell-style exit status, 125 when the sandbox did not start
 * (then the output is isolab's error, as 'isolab run' prints it). */
static int run_captured(const struct lab_config *cfg, char **argv, int (*fn)(void *),
                        int *status, char *out, size_t outn, struct isolab_err *err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return isolab_err_set(err, errno, "lab: pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return isolab_err_set(err, errno, "lab: fork: %s", strerror(errno));
    }
    if (pid == 0) {
        int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (nul >= 0)
            dup2(nul, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        struct lab_config c = *cfg;
        c.argv = argv;
        c.fn = fn;
        c.fn_arg = NULL;
        c.tty = false;
        struct isolab_err e;
        isolab_err_clear(&e);
        struct sandbox *sb;
        if (sandbox_start(&c, &sb, &e) < 0) {
            dprintf(2, "isolab: %s\n%s%s%s", e.msg, e.hint[0] ? "  hint: " : "", e.hint,
                    e.hint[0] ? "\n" : "");
            _exit(125);
        }
        alarm_target = sandbox_pid(sb);
        signal(SIGALRM, on_alarm);
        alarm(LAB_COMMAND_TIMEOUT_S);
        int st = 0;
        if (sandbox_wait(sb, &st, &e) < 0) {
            dprintf(2, "isolab: %s\n", e.msg);
            _exit(125);
        }
        _exit(st & 0xff);
    }
    close(p[1]);
    size_t len = 0;
    for (;;) {
        char buf[4096];
        ssize_t r = read(p[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        size_t take = (size_t)r;
        if (len + take >= outn)
            take = outn - 1 - len;
        memcpy(out + len, buf, take);
        len += take;
    }
    out[len] = '\0';
    close(p[0]);
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            return isolab_err_set(err, errno, "lab: waitpid: %s", strerror(errno));
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    return 0;
}

static int print_namespaces(void *arg)
{
    (void)arg;
    for (int k = 0; k < NS_COUNT; k++) {
        char path[64], link[128];
        snprintf(path, sizeof path, "/proc/self/ns/%s", ns_name(k));
        ssize_t n = readlink(path, link, sizeof link - 1);
        link[n > 0 ? n : 0] = '\0';
        printf("%s %s\n", ns_name(k), n > 0 ? link : "-");
    }
    fflush(stdout);
    return 0;
}

static void one_line(char *dst, size_t n, const char *src)
{
    size_t j = 0;
    for (size_t i = 0; src[i] && j + 1 < n; i++)
        dst[j++] = src[i] == '\n' || src[i] == '\t' ? ' ' : src[i];
    while (j > 0 && dst[j - 1] == ' ')
        j--;
    dst[j] = '\0';
}

/* ---- each kind ------------------------------------------------------------ */

static void set(struct lab_expect_result *r, enum lab_result res, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set(struct lab_expect_result *r, enum lab_result res, const char *fmt, ...)
{
    r->result = res;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->actual, sizeof r->actual, fmt, ap);
    va_end(ap);
}

static void describe_probe_expect(const struct lab_expect *e, char *buf, size_t n)
{
    size_t len = (size_t)snprintf(buf, n, "%s %s", probe_catalogue[e->probe].id,
                                  probe_verdict_name(e->verdict));
    if (e->errnum)
        len += (size_t)snprintf(buf + len, n - len, " (%s)", strerrorname_np(e->errnum));
    char l[96];
    if (e->by) {
        probe_layers_str(e->by, l, sizeof l);
        len += (size_t)snprintf(buf + len, n - len, " by %s", l);
    }
    if (e->min_layers)
        len += (size_t)snprintf(buf + len, n - len, " by at least %d layer%s", e->min_layers,
                                e->min_layers > 1 ? "s" : "");
    if (e->not_by) {
        probe_layers_str(e->not_by, l, sizeof l);
        snprintf(buf + len, n - len, ", not by %s", l);
    }
}

void lab_expect_describe(const struct lab_expect *e, char *buf, size_t n)
{
    switch (e->kind) {
    case LAB_EXPECT_PROBE:
        describe_probe_expect(e, buf, n);
        return;
    case LAB_EXPECT_COMMAND: {
        char cmd[128] = "";
        size_t len = 0;
        for (char **a = e->argv; *a && len < sizeof cmd; a++)
            len += (size_t)snprintf(cmd + len, sizeof cmd - len, "%s%s", len ? " " : "", *a);
        if (e->exit_status >= 0)
            len = (size_t)snprintf(buf, n, "`%s` exits %d", cmd, e->exit_status);
        else
            len = (size_t)snprintf(buf, n, "`%s` %s", cmd, e->exit_status == -2 ? "fails" : "runs");
        if (e->output_re && len < n)
            snprintf(buf + len, n - len, ", output matches /%s/", e->output_re);
        return;
    }
    case LAB_EXPECT_NAMESPACE:
        snprintf(buf, n, "the %s namespace %s the host's", ns_name(e->ns), e->shared ? "is" : "is not");
        return;
    case LAB_EXPECT_SYSCALL:
        if (e->number >= 0)
            snprintf(buf, n, "%s is syscall %ld on %s", e->syscall, e->number, e->arch);
        else
            snprintf(buf, n, "%s does not exist on %s", e->syscall, e->arch);
        return;
    case LAB_EXPECT_SECCOMP: {
        const char *arch = *e->arch ? e->arch : "the native arch";
        int len = snprintf(buf, n, "the seccomp profile %s %s on %s",
                           !strcmp(e->action, "blocked") ? "blocks" : "answers", e->syscall, arch);
        if (strcmp(e->action, "blocked") && len > 0 && (size_t)len < n)
            snprintf(buf + len, n - (size_t)len, " with %s", e->action);
        return;
    }
    case LAB_EXPECT_PROFILE:
        if (e->profile_loads)
            snprintf(buf, n, "the seccomp profile loads");
        else
            snprintf(buf, n, "the seccomp profile is refused%s%s%s",
                     e->output_re ? " with an error matching /" : "",
                     e->output_re ? e->output_re : "", e->output_re ? "/" : "");
        return;
    case LAB_EXPECT_CAPS: {
        size_t len = (size_t)snprintf(buf, n, "capabilities:");
        if (e->caps_at_most >= 0 && len < n)
            len += (size_t)snprintf(buf + len, n - len, " at most %d", e->caps_at_most);
        for (int k = 0; k < 64 && len < n; k++)
            if (e->caps_has & (1ull << k))
                len += (size_t)snprintf(buf + len, n - len, " +%s", isolab_cap_name(k) + 4);
        for (int k = 0; k < 64 && len < n; k++)
            if (e->caps_lacks & (1ull << k))
                len += (size_t)snprintf(buf + len, n - len, " -%s", isolab_cap_name(k) + 4);
        return;
    }
    }
    snprintf(buf, n, "?");
}

static void eval_probe(const struct lab_config *cfg, const struct lab_expect *e,
                       const struct probe_blame *b, bool blamed, struct lab_expect_result *r)
{
    describe_probe_expect(e, r->expected, sizeof r->expected);
    const struct probe_result *pr = &b->full;
    char s[64], l[224];
    probe_result_str(pr, s, sizeof s);
    if (pr->verdict == PROBE_SKIPPED) {
        set(r, LAB_SKIP, "skipped: %s", pr->detail[0] ? pr->detail : "the kernel lacks what it needs");
        return;
    }
    if (pr->verdict == PROBE_ERROR) {
        set(r, LAB_SKIP, "could not tell: %s", pr->detail[0] ? pr->detail : s);
        return;
    }
    if (pr->verdict == PROBE_ALLOWED) {
        set(r, e->verdict == PROBE_ALLOWED ? LAB_PASS : LAB_FAIL, "allowed%s%s",
            pr->detail[0] ? ": " : "", pr->detail);
        return;
    }
    /* blocked */
    l[0] = '\0';
    if (blamed) {
        /* lab_probes_blame tries alone only the layers the step asks about */
        unsigned int in_force = 0, tested = 0;
        for (int id = 0; id < LAYER_COUNT; id++) {
            in_force |= layer_in_force(cfg, id) ? 1u << id : 0;
            tested |= b->layer_tested[id] ? 1u << id : 0;
        }
        char by[96], t[96];
        probe_layers_str(b->blocked_by, by, sizeof by);
        probe_layers_str(tested, t, sizeof t);
        bool partial = tested != in_force;
        if (b->host_blocks)
            snprintf(l, sizeof l, ", blocked by the host itself");
        else if (b->blocked_by && partial && (tested & ~b->blocked_by)) {
            /* name the layers tried alone that let it through: "tried alone:
             * seccomp+lsm+caps" read as if all of them blocked it */
            char rest[96];
            probe_layers_str(tested & ~b->blocked_by, rest, sizeof rest);
            snprintf(l, sizeof l, ", blocked by %s, not by %s alone", by, rest);
        } else if (b->blocked_by && partial)
            snprintf(l, sizeof l, ", blocked by %s (the only layer%s tried alone)", by,
                     __builtin_popcount(tested) == 1 ? "" : "s");
        else if (b->blocked_by)
            snprintf(l, sizeof l, ", blocked by %s", by);
        else if (b->combination || !partial)
            snprintf(l, sizeof l, ", blocked by %s",
                     b->combination ? "only the combination" : "no layer alone");
        else if (tested)
            snprintf(l, sizeof l, ", but not by %s alone", t);
        else
            snprintf(l, sizeof l, ", but no layer it asks about is in force");
    }
    bool ok = e->verdict == PROBE_BLOCKED;
    ok = ok && (!e->errnum || pr->err == e->errnum);
    bool layers_ok = (e->by & b->blocked_by) == e->by && !(e->not_by & b->blocked_by) &&
                     __builtin_popcount(b->blocked_by) >= e->min_layers;
    if (ok && !layers_ok && !b->host_blocks) {
        /* a layer's own run that could not tell (a busy CPU, say) is no
         * verdict on that layer: SKIP, as for the full run */
        unsigned int asked = e->min_layers ? ~0u : e->by | e->not_by;
        for (int id = 0; id < LAYER_COUNT; id++) {
            const struct probe_result *a = &b->alone[id];
            if (!b->layer_tested[id] || !(asked & (1u << id)) ||
                (a->verdict != PROBE_ERROR && a->verdict != PROBE_SKIPPED))
                continue;
            set(r, LAB_SKIP, "%s; under %s alone: could not tell: %s", s, layer_name(id),
                a->detail[0] ? a->detail : "no verdict");
            return;
        }
    }
    set(r, ok && layers_ok ? LAB_PASS : LAB_FAIL, "%s%s", s, l);
}

static void eval_command(const struct lab_config *cfg, const struct lab_expect *e,
                         struct lab_expect_result *r)
{
    lab_expect_describe(e, r->expected, sizeof r->expected);
    char *out = malloc(LAB_OUTPUT_MAX);
    int status = 0;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (!out || run_captured(cfg, e->argv, NULL, &status, out, LAB_OUTPUT_MAX, &err) < 0) {
        set(r, LAB_SKIP, "could not run: %s", out ? err.msg : "out of memory");
        free(out);
        return;
    }
    bool ok = e->exit_status == -1 || (e->exit_status == -2 ? status != 0 : status == e->exit_status);
    bool matched = true;
    if (e->output_re) {
        regex_t re;
        matched = regcomp(&re, e->output_re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) == 0 &&
                  regexec(&re, out, 0, NULL, 0) == 0;
        regfree(&re);
    }
    char o[200];
    one_line(o, sizeof o, out);
    set(r, ok && matched ? LAB_PASS : LAB_FAIL, "exit %d, output: %s", status, o[0] ? o : "(none)");
    free(out);
}

static void eval_namespaces(const struct lab_config *cfg, const struct lab_step *st,
                            struct lab_check *c)
{
    char *out = malloc(LAB_OUTPUT_MAX);
    int status = 0;
    struct isolab_err err;
    isolab_err_clear(&err);
    int rc = out ? run_captured(cfg, NULL, print_namespaces, &status, out, LAB_OUTPUT_MAX, &err) : -1;
    for (size_t i = 0; i < st->nexpect; i++) {
        const struct lab_expect *e = &st->expect[i];
        struct lab_expect_result *r = &c->items[i];
        if (e->kind != LAB_EXPECT_NAMESPACE)
            continue;
        lab_expect_describe(e, r->expected, sizeof r->expected);
        if (rc < 0 || status != 0) {
            char o[200];
            one_line(o, sizeof o, rc < 0 ? err.msg : out);
            set(r, LAB_FAIL, "the sandbox did not run: %s", o);
            continue;
        }
        char host[128], path[64], key[32];
        snprintf(path, sizeof path, "/proc/self/ns/%s", ns_name(e->ns));
        ssize_t n = readlink(path, host, sizeof host - 1);
        if (n <= 0) {
            set(r, LAB_SKIP, "this kernel has no %s namespace", ns_name(e->ns));
            continue;
        }
        host[n] = '\0';
        snprintf(key, sizeof key, "%s ", ns_name(e->ns));
        char inside[128] = "-";
        for (const char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
            if (!strncmp(line, key, strlen(key))) {
                sscanf(line + strlen(key), "%127s", inside);
                break;
            }
        bool shared = !strcmp(inside, host);
        set(r, shared == e->shared ? LAB_PASS : LAB_FAIL, "%s (inside %s, host %s)",
            shared ? "shared with the host" : "its own", inside, host);
    }
    free(out);
}

static void eval_syscall(const struct lab_expect *e, struct lab_expect_result *r)
{
    uint32_t tok = lab_arch_token(e->arch);
    lab_expect_describe(e, r->expected, sizeof r->expected);
    int nr = seccomp_syscall_resolve_name_arch(tok, e->syscall);
    if (nr < 0)
        set(r, e->number < 0 ? LAB_PASS : LAB_FAIL, "%s has no number on %s", e->syscall, e->arch);
    else
        set(r, e->number == nr ? LAB_PASS : LAB_FAIL, "%s is %d on %s", e->syscall, nr, e->arch);
}

static bool profile_has_arch(const struct seccomp_profile *p, uint32_t tok)
{
    uint32_t native = seccomp_arch_native();
    if (tok == native)
        return true;
    if (p->narchmap) {
        for (size_t i = 0; i < p->narchmap; i++)
            if (p->archmap[i].arch == native)
                for (size_t k = 0; k < p->archmap[i].nsubs; k++)
                    if (p->archmap[i].subs[k] == tok)
                        return true;
        return false;
    }
    for (size_t i = 0; i < p->narches; i++)
        if (p->arches[i] == tok)
            return true;
    return false;
}

static const char *action_word(enum sc_action a)
{
    switch (a) {
    case SC_ACT_ALLOW: return "allow";
    case SC_ACT_ERRNO: return "errno";
    case SC_ACT_TRAP: return "trap";
    case SC_ACT_LOG: return "log";
    case SC_ACT_TRACE: return "trace";
    case SC_ACT_NOTIFY: return "notify";
    default: return "kill";
    }
}

static void eval_seccomp(const struct lab_config *cfg, const struct lab_expect *e,
                         struct lab_expect_result *r)
{
    const char *arch = *e->arch ? e->arch : "the native arch";
    uint32_t tok = *e->arch ? lab_arch_token(e->arch) : seccomp_arch_native();
    lab_expect_describe(e, r->expected, sizeof r->expected);
    const char *got;
    char detail[160] = "";
    struct seccomp_profile *p = NULL;
    if (!cfg->layer_on[LAYER_SECCOMP] || cfg->privileged) {
        got = "allow";
        snprintf(detail, sizeof detail, " (seccomp is off)");
    } else {
        char path[ISOLAB_PATH_MAX];
        struct isolab_err err;
        isolab_err_clear(&err);
        if (seccomp_profile_path(cfg, path, sizeof path, &err) < 0 ||
            seccomp_profile_load(path, &p, &err) < 0) {
            set(r, LAB_FAIL, "the profile does not load: %s", err.msg);
            return;
        }
        uint64_t caps = lab_config_seccomp_caps(cfg);
        struct sc_verdict v;
        if (!profile_has_arch(p, tok)) {
            got = "kill";
            snprintf(detail, sizeof detail, " (the profile does not list %s: libseccomp kills "
                     "a call from an architecture the filter does not know)", arch);
        } else if (seccomp_profile_eval(p, caps, tok, e->syscall, NULL, &v) < 0) {
            set(r, LAB_FAIL, "%s is not a syscall on %s", e->syscall, arch);
            seccomp_profile_free(p);
            return;
        } else {
            got = action_word(v.action);
            if (v.conditional)
                snprintf(detail, sizeof detail, " (depending on its arguments)");
        }
    }
    bool blocked = strcmp(got, "allow") && strcmp(got, "log");
    bool ok = !strcmp(e->action, "blocked") ? blocked : !strcmp(e->action, got);
    set(r, ok ? LAB_PASS : LAB_FAIL, "%s%s", got, detail);
    seccomp_profile_free(p);
}

/* The profile as a sandbox would load it: the learner sees its error (the
 * TUI's message line, `isolab run`'s output). */
static void eval_profile(const struct lab_config *cfg, const struct lab_expect *e,
                         struct lab_expect_result *r)
{
    lab_expect_describe(e, r->expected, sizeof r->expected);
    if (!cfg->layer_on[LAYER_SECCOMP] || cfg->privileged) {
        set(r, LAB_FAIL, "seccomp is off: no profile is loaded");
        return;
    }
    char path[ISOLAB_PATH_MAX], text[sizeof ((struct isolab_err *)0)->msg + 600];
    struct isolab_err err;
    isolab_err_clear(&err);
    struct seccomp_profile *p = NULL;
    if (seccomp_profile_path(cfg, path, sizeof path, &err) == 0 &&
        seccomp_profile_load(path, &p, &err) == 0) {
        seccomp_profile_free(p);
        set(r, e->profile_loads ? LAB_PASS : LAB_FAIL, "%s loads",
            cfg->seccomp_profile[0] ? cfg->seccomp_profile : "Docker's default profile");
        return;
    }
    snprintf(text, sizeof text, "%s%s%s", err.msg, err.hint[0] ? "\n  hint: " : "", err.hint);
    bool matched = true;
    if (e->output_re) {
        regex_t re;
        matched = regcomp(&re, e->output_re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) == 0 &&
                  regexec(&re, text, 0, NULL, 0) == 0;
        regfree(&re);
    }
    char o[200];
    one_line(o, sizeof o, err.msg);
    set(r, !e->profile_loads && matched ? LAB_PASS : LAB_FAIL, "refused: %s", o);
}

static void eval_caps(const struct lab_config *cfg, const struct lab_expect *e,
                      struct lab_expect_result *r)
{
    uint64_t have = lab_config_caps_in_force(cfg);
    lab_expect_describe(e, r->expected, sizeof r->expected);
    size_t len;
    int n = __builtin_popcountll(have);
    bool ok = (e->caps_at_most < 0 || n <= e->caps_at_most) && (have & e->caps_has) == e->caps_has &&
              !(have & e->caps_lacks);
    char list[200] = "";
    len = 0;
    if (n <= 8)
        for (int k = 0; k < 64; k++)
            if (have & (1ull << k))
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? "," : "", isolab_cap_name(k) + 4);
    set(r, ok ? LAB_PASS : LAB_FAIL, "%d in force%s%s", n, list[0] ? ": " : "", list);
}

/* ---- the step -------------------------------------------------------------- */

static void run_probes(const struct lab_config *cfg, const struct lab_step *st, struct lab_check *c)
{
    int sel[64];
    unsigned int need[64];
    size_t nsel = 0;
    for (size_t i = 0; i < st->nexpect; i++) {
        const struct lab_expect *e = &st->expect[i];
        if (e->kind != LAB_EXPECT_PROBE)
            continue;
        size_t k;
        for (k = 0; k < nsel && sel[k] != e->probe; k++)
            ;
        if (k == nsel && nsel < 64) {
            need[nsel] = lab_probe_layers_needed(st, e->probe);
            sel[nsel++] = e->probe;
        }
    }
    if (!nsel)
        return;
    struct probe_blame *res = calloc(nsel, sizeof *res);
    struct isolab_err err;
    isolab_err_clear(&err);
    int rc = -1;
    if (res)
        rc = lab_probes_blame(cfg, sel, need, nsel, res, &err);
    else
        isolab_err_set(&err, ENOMEM, "out of memory");
    for (size_t i = 0; i < st->nexpect; i++) {
        const struct lab_expect *e = &st->expect[i];
        if (e->kind != LAB_EXPECT_PROBE)
            continue;
        if (rc < 0) {
            describe_probe_expect(e, c->items[i].expected, sizeof c->items[i].expected);
            set(&c->items[i], LAB_FAIL, "the sandbox did not start: %s", err.msg);
            continue;
        }
        size_t k;
        for (k = 0; k < nsel && sel[k] != e->probe; k++)
            ;
        eval_probe(cfg, e, &res[k], need[k] != 0, &c->items[i]);
    }
    free(res);
}

int lab_step_check(const struct lab *lab, size_t step, const struct lab_config *cfg,
                   struct lab_check *out, struct isolab_err *err)
{
    memset(out, 0, sizeof *out);
    if (step >= lab->nsteps) {
        isolab_err_set(err, EINVAL, "lab %s has %zu steps; there is no step %zu", lab->id,
                       lab->nsteps, step + 1);
        isolab_err_hint(err, "steps are numbered 1..%zu", lab->nsteps);
        return -1;
    }
    const struct lab_step *st = &lab->steps[step];
    if (st->kind == LAB_QUIZ) {
        out->result = LAB_SKIP;
        snprintf(out->reason, sizeof out->reason, "a quiz is answered, not checked");
        return 0;
    }
    char why[256];
    lab_step_unmet_needs(st, why, sizeof why);
    out->items = calloc(st->nexpect ? st->nexpect : 1, sizeof *out->items);
    if (!out->items)
        return isolab_err_set(err, ENOMEM, "lab: out of memory");
    out->nitems = st->nexpect;
    if (why[0]) {
        for (size_t i = 0; i < st->nexpect; i++) {
            lab_expect_describe(&st->expect[i], out->items[i].expected, sizeof out->items[i].expected);
            set(&out->items[i], LAB_SKIP, "%s", why);
        }
        out->result = LAB_SKIP;
        snprintf(out->reason, sizeof out->reason, "%s", why);
        return 0;
    }
    run_probes(cfg, st, out);
    bool ns = false;
    for (size_t i = 0; i < st->nexpect; i++) {
        const struct lab_expect *e = &st->expect[i];
        switch (e->kind) {
        case LAB_EXPECT_COMMAND: eval_command(cfg, e, &out->items[i]); break;
        case LAB_EXPECT_NAMESPACE: ns = true; break;
        case LAB_EXPECT_SYSCALL: eval_syscall(e, &out->items[i]); break;
        case LAB_EXPECT_SECCOMP: eval_seccomp(cfg, e, &out->items[i]); break;
        case LAB_EXPECT_CAPS: eval_caps(cfg, e, &out->items[i]); break;
        case LAB_EXPECT_PROFILE: eval_profile(cfg, e, &out->items[i]); break;
        case LAB_EXPECT_PROBE: break;
        }
    }
    if (ns)
        eval_namespaces(cfg, st, out);
    out->result = LAB_PASS;
    size_t first_fail = st->nexpect, first_skip = st->nexpect;
    for (size_t i = 0; i < st->nexpect; i++) {
        if (out->items[i].result == LAB_FAIL && first_fail == st->nexpect)
            first_fail = i;
        if (out->items[i].result == LAB_SKIP && first_skip == st->nexpect)
            first_skip = i;
    }
    if (first_fail < st->nexpect) {
        const struct lab_expect_result *r = &out->items[first_fail];
        out->result = LAB_FAIL;
        const char *w = st->expect[first_fail].why;
        snprintf(out->reason, sizeof out->reason, "expected %s; got %s%s%s", r->expected,
                 r->actual, w && *w ? " -- " : "", w ? w : "");
    } else if (first_skip < st->nexpect) {
        const struct lab_expect_result *r = &out->items[first_skip];
        out->result = LAB_SKIP;
        snprintf(out->reason, sizeof out->reason, "%s: %s", r->expected, r->actual);
    } else {
        if (st->nexpect == 1)
            snprintf(out->reason, sizeof out->reason, "its one expectation holds");
        else
            snprintf(out->reason, sizeof out->reason, "all %zu expectations hold", st->nexpect);
    }
    return 0;
}

void lab_check_free(struct lab_check *c)
{
    free(c->items);
    c->items = NULL;
    c->nitems = 0;
}
