/* The probe matrix: the probes run in a forked helper that writes its
 * results to a pipe, so the screen stays responsive (and redraws) while the
 * sandboxes come and go. The helper sends the verdicts under the full
 * configuration as they come (the flip shows at once), then the
 * attribution from probes_blame_cached(). The helper inherits the screen's
 * cache of results (t->probe_cache) and sends back what it ran, so a change
 * re-runs only what it can affect (probe_key.c). */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui.h"
#include "tui_more.h"
#include "tui_list.h"
#include "tui_lab.h"

struct probe_msg_head {
    int phase;            /* 1: n probe_verdict, 2: n probe_blame, 3: the lab's check,
                             4: n probe_cache_entry (what the helper ran) */
    int rc;
    struct isolab_err err;
    size_t n;
};

/* Phase 1 carries some of the verdicts, by catalogue index. */
struct probe_verdict_msg {
    int idx;
    struct probe_result r;
};

void tui_probes_init(struct tui *t)
{
    t->cur = calloc(probe_count ? probe_count : 1, sizeof *t->cur);
    t->prev = calloc(probe_count ? probe_count : 1, sizeof *t->prev);
    t->changed = calloc(probe_count ? probe_count : 1, sizeof *t->changed);
    t->known = calloc(probe_count ? probe_count : 1, sizeof *t->known);
    t->prev_known = calloc(probe_count ? probe_count : 1, sizeof *t->prev_known);
    t->probe_fd = -1;
    t->probes_wanted = true;
    t->probe_cache = probe_cache_new();   /* NULL: every run from scratch */
}

/* Reap superseded helpers that have finished. */
static void reap_draining(struct tui *t, bool block)
{
    for (int i = 0; i < t->ndraining;) {
        int st;
        pid_t r = waitpid(t->draining[i], &st, block ? 0 : WNOHANG);
        if (r == 0 || (r < 0 && errno == EINTR)) {
            i++;
            continue;
        }
        t->draining[i] = t->draining[--t->ndraining];
    }
}

/* A helper whose results no longer matter. Its read end is closed: it is
 * not killed mid-run (its sandboxes and cgroups are cleaned up by the
 * engine as usual), and it dies of SIGPIPE when it writes its results. */
static bool supersede_helper(struct tui *t)
{
    reap_draining(t, false);
    /* At most two old runs finishing beside the new one: a burst of
     * changes must not start a sandbox storm on a 2-core laptop. */
    if (t->ndraining >= 2)
        return false;
    t->draining[t->ndraining++] = t->probe_pid;
    close(t->probe_fd);
    t->probe_fd = -1;
    t->probe_pid = 0;
    free(t->probe_buf);
    t->probe_buf = NULL;
    t->probe_len = t->probe_need = 0;
    return true;
}

void tui_probes_free(struct tui *t)
{
    if (t->probe_pid > 0)
        supersede_helper(t);
    reap_draining(t, false);
    free(t->cur);
    free(t->prev);
    free(t->changed);
    free(t->known);
    free(t->prev_known);
    t->prev_known = NULL;
    probe_cache_free(t->probe_cache);
    t->probe_cache = NULL;
    t->cur = t->prev = NULL;
    t->changed = NULL;
    t->known = NULL;
}

void tui_effective_config(const struct tui *t, struct lab_config *c)
{
    *c = *t->cfg;
    c->argv = NULL;
    c->envp = NULL;
    c->fn = NULL;
    c->tty = false;
    if (t->active_path[0])
        snprintf(c->seccomp_profile, sizeof c->seccomp_profile, "%s", t->active_path);
}

static void write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

struct helper_out {
    int fd;
    struct probe_verdict_msg *vm;
};

/* The full configuration's verdicts, as probes_blame_cached has them. */
static void send_verdicts(void *ud, const int *pos, const struct probe_result *r, size_t n)
{
    struct helper_out *o = ud;
    struct probe_msg_head h;
    memset(&h, 0, sizeof h);
    h.phase = 1;
    h.n = n;
    for (size_t k = 0; k < n; k++) {
        o->vm[k].idx = pos[k];
        o->vm[k].r = r[k];
    }
    write_all(o->fd, &h, sizeof h);
    write_all(o->fd, o->vm, n * sizeof *o->vm);
}

/* What this helper ran, for the screen's cache, in pieces no bigger than
 * the screen's message buffer. */
static void send_cache_log(int fd, struct probe_cache *cache)
{
    const struct probe_cache_entry *e;
    size_t n = probe_cache_log(cache, &e);
    size_t per = probe_count ? probe_count : 1;
    for (size_t k = 0; k < n; k += per) {
        struct probe_msg_head h;
        memset(&h, 0, sizeof h);
        h.phase = 4;
        h.n = n - k < per ? n - k : per;
        write_all(fd, &h, sizeof h);
        write_all(fd, e + k, h.n * sizeof *e);
    }
}

/* The forked helper: the verdicts, the open lab step's check, then
 * attribution; each as a message on fd. */
static _Noreturn void probe_helper_main(const struct lab_config *c, int fd,
                                        struct probe_cache *cache)
{
    /* Its own process group: keys typed at the TUI (Ctrl-C) are not
     * signals for it, and the TUI can end it with its sandboxes. */
    setpgid(0, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
        dup2(devnull, STDERR_FILENO);
    }
    /* Nothing of the screen's reaches the probe sandboxes (the runner keeps
     * the engine's O_CLOEXEC fds): not the shell pane's cgroup lock or pty,
     * which escape-fd-leak would see as a door to the host. */
    if (fd > 3)
        syscall(SYS_close_range, 3u, (unsigned int)fd - 1, 0u);
    syscall(SYS_close_range, (unsigned int)fd + 1, ~0u, 0u);
    struct probe_msg_head h;
    size_t n = probe_count ? probe_count : 1;
    struct probe_blame *out = calloc(n, sizeof *out);
    struct helper_out o = {fd, calloc(n, sizeof *o.vm)};
    if (!out || !o.vm)
        _exit(1);
    probe_cache_log_reset(cache);
    memset(&h, 0, sizeof h);
    h.phase = 2;
    h.rc = probes_blame_cached(cache, c, NULL, 0, PROBE_BLAME_EVERY_LAYER, out, send_verdicts, &o,
                               &h.err);
    h.n = h.rc < 0 ? 0 : probe_count;
    send_cache_log(fd, cache);
    /* The open lab step's check (phase 3), before the attribution's
     * message, which is the last. */
    struct probe_msg_head lh;
    struct tui_lab_msg lm;
    memset(&lh, 0, sizeof lh);
    if (tui_lab_child_check(c, &lm, &lh.rc, &lh.err)) {
        lh.phase = 3;
        lh.n = 1;
        write_all(fd, &lh, sizeof lh);
        write_all(fd, &lm, sizeof lm);
    }
    write_all(fd, &h, sizeof h);
    if (h.n)
        write_all(fd, out, h.n * sizeof *out);
    _exit(0);
}

void tui_probes_start(struct tui *t)
{
    reap_draining(t, false);
    if (t->probe_pid > 0 && !supersede_helper(t)) {
        t->probe_stale = true;     /* finish that one, then run again */
        t->probes_wanted = true;
        return;
    }
    t->probes_wanted = false;
    t->probe_stale = false;
    struct lab_config c;
    tui_effective_config(t, &c);
    struct isolab_err err;
    isolab_err_clear(&err);
    if (lab_config_validate(&c, &err) < 0) {
        snprintf(t->probe_error, sizeof t->probe_error, "%s%s%s", err.msg,
                 err.hint[0] ? "  hint: " : "", err.hint);
        tui_msg(t, true, "cannot run the probes: %s", t->probe_error);
        return;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        tui_msg(t, true, "cannot run the probes: pipe: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        tui_msg(t, true, "cannot run the probes: fork: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        /* only the TUI reads: once it is gone, a write fails (EPIPE) rather
         * than blocking this helper forever */
        close(p[0]);
        probe_helper_main(&c, p[1], t->probe_cache);
    }
    setpgid(pid, pid);
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    t->probe_pid = pid;
    t->probe_fd = p[0];
    t->probe_buf = malloc(sizeof(struct probe_msg_head) + probe_count * sizeof(struct probe_blame));
    t->probe_len = 0;
    t->probe_need = sizeof(struct probe_msg_head);
    t->rotated = false;
}

static void mark_changes(struct tui *t)
{
    for (size_t i = 0; i < probe_count; i++) {
        char a[64], b[64];
        tui_verdict_str(&t->cur[i].full, a, sizeof a);
        tui_verdict_str(&t->prev[i].full, b, sizeof b);
        t->changed[i] = t->prev_known[i] && t->known[i] && strcmp(a, b) != 0;
    }
}

/* The results on screen become "before" once per run. */
static void rotate(struct tui *t)
{
    if (t->rotated)
        return;
    /* Row by row: a run superseded half-way leaves some rows as they were
     * before it, and those still count as "before". */
    for (size_t i = 0; t->have_cur && i < probe_count; i++) {
        if (!t->known[i])
            continue;
        t->prev[i] = t->cur[i];
        t->prev_known[i] = true;
        t->have_prev = true;
    }
    t->rotated = true;
}

static void accept_verdicts(struct tui *t, const struct probe_verdict_msg *vm, size_t n)
{
    rotate(t);
    if (!t->have_cur)
        memset(t->cur, 0, probe_count * sizeof *t->cur);
    for (size_t k = 0; k < n; k++) {
        if (vm[k].idx < 0 || (size_t)vm[k].idx >= probe_count)
            continue;
        struct probe_blame *b = &t->cur[vm[k].idx];
        memset(b, 0, sizeof *b);
        b->full = vm[k].r;
        t->known[vm[k].idx] = true;
    }
    t->have_cur = true;
    t->attributing = true;
    mark_changes(t);
    t->probe_error[0] = 0;
}

static void accept_blame(struct tui *t, const struct probe_blame *res)
{
    rotate(t);
    memcpy(t->cur, res, probe_count * sizeof *t->cur);
    for (size_t i = 0; i < probe_count; i++)
        t->known[i] = true;
    t->have_cur = true;
    t->attributing = false;
    mark_changes(t);
    t->probe_error[0] = 0;
}

/* One complete message is in probe_buf: use it. */
static void take_message(struct tui *t)
{
    struct probe_msg_head h;
    memcpy(&h, t->probe_buf, sizeof h);
    if (h.phase == 4) {     /* results are kept by their key: also from a stale run */
        probe_cache_put(t->probe_cache, (const struct probe_cache_entry *)(t->probe_buf + sizeof h),
                        h.n);
        return;
    }
    if (t->probe_stale)
        return;
    if (h.phase == 3) {
        tui_lab_accept(t, h.rc, &h.err, t->probe_buf + sizeof h);
        return;
    }
    if (h.rc < 0) {
        snprintf(t->probe_error, sizeof t->probe_error, "%s%s%s", h.err.msg,
                 h.err.hint[0] ? "  hint: " : "", h.err.hint);
        tui_msg(t, true, "probes: %s", t->probe_error);
        t->attributing = false;
        return;
    }
    if (h.phase == 1)
        accept_verdicts(t, (const struct probe_verdict_msg *)(t->probe_buf + sizeof h), h.n);
    else
        accept_blame(t, (const struct probe_blame *)(t->probe_buf + sizeof h));
}

void tui_probes_poll(struct tui *t)
{
    if (t->ndraining)
        reap_draining(t, false);
    if (t->probe_pid <= 0)
        return;
    bool eof = false;
    for (;;) {
        if (t->probe_len == t->probe_need) {
            struct probe_msg_head h;
            memcpy(&h, t->probe_buf, sizeof h);
            size_t body = h.phase == 3 ? h.n * sizeof(struct tui_lab_msg)
                        : h.phase == 1 ? h.n * sizeof(struct probe_verdict_msg)
                        : h.phase == 4 ? h.n * sizeof(struct probe_cache_entry)
                                       : h.n * sizeof(struct probe_blame);
            if (h.n > probe_count || h.phase < 1 || h.phase > 4 ||
                body > probe_count * sizeof(struct probe_blame)) {
                eof = true;      /* garbage: give up on this helper */
                break;
            }
            if (t->probe_need == sizeof h && body > 0) {
                t->probe_need += body;
                continue;
            }
            take_message(t);
            t->probe_len = 0;
            t->probe_need = sizeof h;
            if (h.phase == 2)
                break;           /* the last message */
        }
        ssize_t r = read(t->probe_fd, t->probe_buf + t->probe_len, t->probe_need - t->probe_len);
        if (r > 0) {
            t->probe_len += (size_t)r;
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            return;              /* more later */
        eof = true;
        break;
    }
    int st = 0;
    pid_t pid = t->probe_pid;
    close(t->probe_fd);
    t->probe_fd = -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    t->probe_pid = 0;
    if (eof && t->probe_len < t->probe_need && !t->probe_stale) {
        t->attributing = false;
        if (WIFSIGNALED(st))
            tui_msg(t, true, "the probe runner died with signal %d (%s); press r to run again",
                    WTERMSIG(st), strsignal(WTERMSIG(st)));
        else if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0 && t->probe_len == 0))
            tui_msg(t, true, "the probe runner stopped early (status %d); press r to run again",
                    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    }
    free(t->probe_buf);
    t->probe_buf = NULL;
    t->probe_len = 0;
    if (t->probes_wanted)
        tui_probes_start(t);
}

/* The engine's wording, with the two plain verdicts in capitals so they
 * stand out beside errno names in the matrix. */
void tui_verdict_str(const struct probe_result *r, char *buf, size_t n)
{
    if (r->verdict == PROBE_ALLOWED)
        snprintf(buf, n, "ALLOWED");
    else if (r->verdict == PROBE_ERROR)
        snprintf(buf, n, "ERROR");
    else if (r->verdict == PROBE_BLOCKED && !r->sig && !r->err)
        snprintf(buf, n, "BLOCKED");
    else
        probe_result_str(r, buf, n);
}

static const char *layer_short(int id)
{
    static const char *const s[LAYER_COUNT] = { "seccomp", "lsm", "cgroups", "caps", "ns" };
    return id >= 0 && id < LAYER_COUNT ? s[id] : "?";
}

static void blocked_by_str(const struct probe_blame *b, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = 0;
    if (b->full.verdict != PROBE_BLOCKED)
        return;
    for (int id = 0; id < LAYER_COUNT; id++) {
        if (!(b->blocked_by & (1u << id)))
            continue;
        off += snprintf(buf + off, off < n ? n - off : 0, "%s%s", off ? " " : "", layer_short(id));
        if (off >= n)
            return;
    }
    if (!b->blocked_by)
        snprintf(buf + off, off < n ? n - off : 0, "%s",
                 b->combination ? "combination" : b->host_blocks ? "the host" : "");
}

static int verdict_pair(const struct probe_result *r)
{
    switch (r->verdict) {
    case PROBE_ALLOWED: return 1;
    case PROBE_BLOCKED: return 2;
    default: return 3;
    }
}

static char verdict_mark(const struct probe_result *r)
{
    switch (r->verdict) {
    case PROBE_ALLOWED: return '+';
    case PROBE_BLOCKED: return 'x';
    case PROBE_SKIPPED: return '-';
    default: return '?';
    }
}

void tui_draw_probes(struct tui *t, int y, int x, int h, int w)
{
    int n = (int)probe_count;
    struct probe_tally tally = { 0 };
    for (int i = 0; t->have_cur && i < n; i++)
        if (t->known[i])
            probe_tally_add(&tally, &t->cur[i].full);
    attron(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
    tui_hline(y, x, w);
    mvprintw(y, x + 1, " Probes %s", t->focus_probes ? "[Tab] " : "");
    attroff(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
    if (t->have_cur)
        printw(" %d allowed, %d blocked%s", tally.allowed, tally.blocked, tally.undecided ? "" : " ");
    if (t->have_cur && tally.undecided)   /* counted apart: they vary with the load */
        printw(", %d could not tell (not counted) ", tally.undecided);
    if (t->probe_pid > 0 && !(t->attributing && !t->probe_stale)) {
        attron(A_BOLD);
        printw(" running probes... ");
        attroff(A_BOLD);
    } else if (t->probe_pid > 0) {
        printw(" attributing... ");
    } else if (t->probes_wanted && !t->have_cur) {
        attron(A_BOLD);
        printw(" running probes... ");
        attroff(A_BOLD);
    }
    int idw = 16;
    for (int i = 0; i < n; i++) {
        int l = (int)strlen(probe_catalogue[i].id);
        if (l + 1 > idw)
            idw = l + 1;
    }
    if (idw > 22)
        idw = 22;
    int vw = 8, cw = 15;
    attron(A_UNDERLINE);
    mvprintw(y + 1, x, "  %-*.*s%-*s%-*s%-*.*s", idw, idw, "probe", vw, "verdict", cw, "",
             w - 2 - idw - vw - cw > 0 ? w - 2 - idw - vw - cw : 0,
             w - 2 - idw - vw - cw > 0 ? w - 2 - idw - vw - cw : 0, "blocked by");
    attroff(A_UNDERLINE);
    int rows = h - 2;
    t->probes_y = y + 2;
    t->probes_x = x;
    t->probes_h = rows;
    if (rows <= 0)
        return;
    tui_scroll_clamp(&t->probe_sel, &t->probe_top, n, rows);
    if (t->probe_top > n - rows)
        t->probe_top = n - rows > 0 ? n - rows : 0;
    for (int r = 0; r < rows; r++) {
        int i = t->probe_top + r;
        if (i >= n)
            break;
        int yy = y + 2 + r;
        const struct probe *p = &probe_catalogue[i];
        bool sel = t->focus_probes && i == t->probe_sel;
        if (!t->have_cur || !t->known[i]) {
            if (sel)
                attron(A_REVERSE);
            mvprintw(yy, x, "  %-*.*s%-*s", idw, idw, p->id, w - 2 - idw, "...");
            attroff(A_REVERSE);
            continue;
        }
        const struct probe_blame *b = &t->cur[i];
        char v[32], was[48] = "", by[96];
        tui_verdict_str(&b->full, v, sizeof v);
        if (t->changed[i]) {
            char pv[32];
            tui_verdict_str(&t->prev[i].full, pv, sizeof pv);
            snprintf(was, sizeof was, "<- was %s", pv);
        }
        if (t->attributing && b->full.verdict == PROBE_BLOCKED)
            snprintf(by, sizeof by, "...");
        else
            blocked_by_str(b, by, sizeof by);
        attr_t base = sel ? A_REVERSE : 0;
        if (t->changed[i])
            base |= A_BOLD | (t->color && !sel ? COLOR_PAIR(5) : A_STANDOUT);
        attrset(base);
        mvhline(yy, x, ' ', w);
        mvprintw(yy, x, "%c%c%-*.*s", t->changed[i] ? '*' : ' ', verdict_mark(&b->full),
                 idw, idw, p->id);
        if (t->color && !t->changed[i])
            attron(COLOR_PAIR(verdict_pair(&b->full)) | A_BOLD);
        printw("%-*s", vw, v);
        attrset(base);
        printw("%-*.*s", cw, cw, was);
        int bw = w - 2 - idw - vw - cw;
        if (bw > 0)
            printw("%-*.*s", bw, bw, by);
        attrset(A_NORMAL);
    }
    if (n > rows) {
        mvprintw(y + 1, x + w - 9, "%3d-%-3d", t->probe_top + 1,
                 t->probe_top + rows < n ? t->probe_top + rows : n);
    }
}

/* What decided a seccomp verdict, from the profile model. */
static void seccomp_reason(struct tui *t, const struct probe *p, char *buf, size_t n)
{
    buf[0] = 0;
    if (!t->profile || !p->syscall || !p->syscall[0])
        return;
    uint64_t caps = lab_config_seccomp_caps(t->cfg);
    struct sc_verdict v;
    if (seccomp_profile_eval(t->profile, caps, seccomp_arch_native(), p->syscall, NULL, &v) < 0) {
        snprintf(buf, n, "%s is not a syscall on this architecture", p->syscall);
        return;
    }
    char act[64];
    snprintf(act, sizeof act, "%s", sc_action_name(v.action));
    if (v.action == SC_ACT_ERRNO) {
        const char *e = strerrorname_np((int)v.errno_ret);
        snprintf(act + strlen(act), sizeof act - strlen(act), " (%s)", e ? e : "?");
    }
    if (!v.rule) {
        size_t off = (size_t)snprintf(buf, n, "seccomp: %s -> %s by defaultAction", p->syscall, act);
        /* A rule that names it but does not apply: say what it needs. */
        for (size_t k = 0; k < t->profile->nrules && off < n; k++) {
            const struct sc_rule *o = &t->profile->rules[k];
            bool named = false;
            for (size_t j = 0; j < o->nnames && !named; j++)
                named = !strcmp(o->names[j], p->syscall);
            if (!named || (!o->includes.ncaps && !o->excludes.ncaps))
                continue;
            off += (size_t)snprintf(buf + off, n - off, "; the rule at line %d (%s) applies only %s %s",
                                    o->line, sc_action_name(o->action),
                                    o->includes.ncaps ? "with" : "without",
                                    o->includes.ncaps ? o->includes.caps[0] : o->excludes.caps[0]);
            break;
        }
        if (off < n && !strstr(buf, "; the rule"))
            snprintf(buf + off, n - off, " (no rule names it for these capabilities)");
        return;
    }
    size_t off = (size_t)snprintf(buf, n, "seccomp: %s -> %s by the rule at line %d", p->syscall,
                                  act, v.rule->line);
    if (v.conditional && off < n)
        off += (size_t)snprintf(buf + off, n - off, " (only when its argument conditions hold)");
    if (v.rule->includes.ncaps && off < n)
        off += (size_t)snprintf(buf + off, n - off, ", needs %s", v.rule->includes.caps[0]);
    if (v.rule->comment && v.rule->comment[0] && off < n)
        snprintf(buf + off, n - off, ": %s", v.rule->comment);
}

/* One layer's verdict alone in the probe details: a failure ("could not
 * tell" and why) is cut with the cue, i shows it whole. */
static void draw_alone_cell(const struct tui *t, const struct probe_blame *b, int id, int y, int x,
                            int colw)
{
    char v[256];
    bool blocks = b->blocked_by & (1u << id);
    if (blocks)
        attron(A_BOLD);
    if (!t->attributing && b->alone[id].verdict == PROBE_ERROR) {
        probe_result_str(&b->alone[id], v, sizeof v);
        mvprintw(y, x, "%-11s ", layer_name(id));
        tui_more_put(y, x + 12, colw - 14, v);
    } else {
        tui_verdict_str(&b->alone[id], v, sizeof v);
        mvprintw(y, x, "%-11s %-8s%s", layer_name(id), t->attributing ? "..." : v, blocks ? " *" : "");
    }
    attroff(A_BOLD);
}

void tui_draw_probe_info(struct tui *t)
{
    int n = (int)probe_count;
    if (t->probe_sel < 0 || t->probe_sel >= n)
        return;
    const struct probe *p = &probe_catalogue[t->probe_sel];
    int h = t->rows - 3, w = t->cols - 2;
    tui_box(1, 1, h, w, p->title);
    int y = 2, x = 3, tw = w - 4;
    mvprintw(y++, x, "%-.*s", tw, p->id);
    attron(A_BOLD);
    y = tui_wrap(y, x, tw, h - 1, p->explain);
    attroff(A_BOLD);
    if (p->syscall && p->syscall[0])
        mvprintw(y++, x, "syscall: %-.*s", tw - 9, p->syscall);
    if (!t->have_cur || !t->known[t->probe_sel]) {
        mvprintw(y + 1, x, "running probes...");
        return;
    }
    const struct probe_blame *b = &t->cur[t->probe_sel];
    char v[32], by[96];
    tui_verdict_str(&b->full, v, sizeof v);
    blocked_by_str(b, by, sizeof by);
    y++;
    if (t->attributing)
        snprintf(by, sizeof by, "(attributing...)");
    char line[512];
    snprintf(line, sizeof line, "with every layer in force: %s%s%s", v, by[0] ? "  blocked by: " : "", by);
    tui_more_put(y++, x, tw, line);
    if (b->full.detail[0])
        y = tui_more_wrap(y, x + 2, tw - 2, h, b->full.detail);
    if (t->changed[t->probe_sel]) {
        char pv[32];
        tui_verdict_str(&t->prev[t->probe_sel].full, pv, sizeof pv);
        mvprintw(y++, x, "before the last change: %s", pv);
    }
    y++;
    mvprintw(y++, x, "each layer alone (as in force, the others off; * blocks it alone):");
    int colw = tw >= 66 ? tw / 2 : tw;
    int per_row = tw / colw;
    for (int id = 0; id < LAYER_COUNT && y < h - 1; id++) {
        int col = id % per_row;
        int yy = y + id / per_row;
        if (yy >= h - 1)
            break;
        if (!b->layer_tested[id]) {
            /* attribution tries a layer alone only for a blocked probe */
            mvprintw(yy, x + 2 + col * colw, "%-11s %s", layer_name(id),
                     b->full.verdict == PROBE_BLOCKED || !t->cfg->layer_on[id] ? "off"
                                                                              : "- (not needed)");
            continue;
        }
        draw_alone_cell(t, b, id, yy, x + 2 + col * colw, colw);
    }
    y += (LAYER_COUNT + per_row - 1) / per_row;
    y++;
    if (b->full.verdict == PROBE_BLOCKED && y < h) {
        char why[512];
        if (b->combination)
            mvprintw(y++, x, "No layer blocks it alone: only the combination does.");
        else if (b->blocked_by & (b->blocked_by - 1))
            mvprintw(y++, x, "More than one layer blocks it alone: defence in depth.");
        if (b->blocked_by & (1u << LAYER_SECCOMP)) {
            seccomp_reason(t, p, why, sizeof why);
            if (why[0])
                y = tui_wrap(y, x, tw, h, why);
        }
        if (b->blocked_by & (1u << LAYER_CAPS)) {
            snprintf(why, sizeof why, "caps: the call needs a capability outside the %d in force "
                     "(Enter on the caps layer to add one)", __builtin_popcountll(t->cfg->caps));
            y = tui_wrap(y, x, tw, h, why);
        }
        if (b->blocked_by & (1u << LAYER_CGROUP)) {
            snprintf(why, sizeof why, "cgroups: a limit was reached (pids.max %ld)", t->cfg->pids_limit);
            y = tui_wrap(y, x, tw, h, why);
        }
        if (b->blocked_by & (1u << LAYER_LSM)) {
            snprintf(why, sizeof why, "lsm: the policy %s denies it", t->cfg->lsm_profile);
            y = tui_wrap(y, x, tw, h, why);
        }
        if (b->blocked_by & (1u << LAYER_NS))
            y = tui_wrap(y, x, tw, h, "namespaces: the sandbox's own namespaces hide or refuse it");
        if (!b->blocked_by && b->host_blocks)
            y = tui_wrap(y, x, tw, h, "The host itself blocks it: every layer off, it is still refused "
                          "(a sysctl, the kernel's build, or a right isolab lacks).");
    } else if (b->full.verdict == PROBE_ALLOWED && y < h) {
        char why[512];
        seccomp_reason(t, p, why, sizeof why);
        if (why[0] && t->cfg->layer_on[LAYER_SECCOMP])
            y = tui_wrap(y, x, tw, h, why);
    }
    mvprintw(1 + h - 1, x, " Esc/Enter back  Up/Down other probe ");
}

bool tui_probes_key(struct tui *t, int ch)
{
    int n = (int)probe_count;
    if (tui_list_key(ch, &t->probe_sel, n, t->probes_h > 1 ? t->probes_h - 1 : 1))
        return true;
    switch (ch) {
    case '\n': case '\r': case KEY_ENTER:
        t->mode = MODE_PROBE_INFO;
        return true;
    }
    return false;
}
