/* Live mode for the shell pane (the supervisor, the model it answers from)
 * and the live feed beside the shell. See tui_feed.h.
 *
 * The model the supervisor gets is always a copy: parsed again from the
 * last valid snapshot (active_path) or from the syscall list's edited JSON,
 * so the TUI can free or rebuild its own models at any time. */
#include <curses.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "live_notify.h"
#include "tui_feed.h"
#include "tui_list.h"

#define FEED_MAX 2000

struct feed_line {
    bool is_note, denied;
    struct timespec ts;
    pid_t pid;
    char comm[17];
    char name[40];
    char args[256];
    char verdict[48];
    char rule[128];
    char cond[256];
    char note[400];
};

struct tui_feed {
    struct live_sup *sup;          /* NULL once the shell has ended */
    bool synced;                   /* sig/caps below were pushed */
    bool from_list;
    uint64_t sig, caps;
    int conflicts;
    struct feed_line *lines;       /* a ring, FEED_MAX */
    unsigned long total;           /* lines ever added; line k is lines[k % FEED_MAX] */
    bool denied_only, paused, focus, follow;
    unsigned long pause_at;        /* total when paused */
    int sel, top;                  /* in the visible list */
    int list_rows;
};

/* ---- live mode ----------------------------------------------------------------- */

static void feed_note(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static struct tui_feed *feed_get(struct tui *t)
{
    if (!t->feed) {
        struct tui_feed *f = calloc(1, sizeof *f);
        if (!f || !(f->lines = calloc(FEED_MAX, sizeof *f->lines))) {
            free(f);
            return NULL;
        }
        f->denied_only = true;
        f->follow = true;
        t->feed = f;
    }
    return t->feed;
}

/* The model the screen shows: the syscall list's unsaved edits, else the
 * last valid profile. */
static const struct seccomp_profile *shown_model(const struct tui *t, bool *from_list)
{
    *from_list = t->sc_dirty && t->sc_model && t->sc_json;
    return *from_list ? t->sc_model : t->profile;
}

static struct seccomp_profile *model_copy(const struct tui *t, bool from_list,
                                          struct isolab_err *err)
{
    struct seccomp_profile *p = NULL;
    if (!from_list) {
        if (!t->active_path[0]) {
            isolab_err_set(err, ENOENT, "tui_feed.c: no valid seccomp profile is loaded");
            return NULL;
        }
        return seccomp_profile_load(t->active_path, &p, err) < 0 ? NULL : p;
    }
    char *text = json_dumps(t->sc_json, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    if (!text) {
        isolab_err_set(err, ENOMEM, "tui_feed.c: cannot serialise the edited profile");
        return NULL;
    }
    int rc = seccomp_profile_parse(text, strlen(text), t->profile_path, &p, err);
    free(text);
    return rc < 0 ? NULL : p;
}

int tui_live_begin(struct tui *t, struct lab_config *c, struct isolab_err *err)
{
    const char *env = getenv("ISOLAB_TUI_LIVE");
    c->live = NULL;
    if ((env && !strcmp(env, "0")) || !layer_in_force(c, LAYER_SECCOMP))
        return 0;
    struct tui_feed *f = feed_get(t);
    if (!f)
        return isolab_err_set(err, ENOMEM, "tui_feed.c: the live feed: out of memory");
    tui_live_end(t);   /* a supervisor serves one sandbox */
    bool from_list;
    shown_model(t, &from_list);
    struct seccomp_profile *model = model_copy(t, from_list, err);
    if (!model || live_sup_new(LIVE_POLICY, model, NULL, NULL, &f->sup, err) < 0)
        return -1;
    uint64_t caps = lab_config_seccomp_caps(c);
    live_set_caps(f->sup, caps);
    f->sig = model->text_hash;
    f->caps = caps;
    f->from_list = from_list;
    f->synced = true;
    f->conflicts = 0;
    c->live = f->sup;
    const char *b = strrchr(model->path, '/');
    feed_note(t, "live mode for the new shell: %s, %d capabilities", b ? b + 1 : model->path,
              __builtin_popcountll(caps));
    return 0;
}

void tui_live_end(struct tui *t)
{
    struct tui_feed *f = t->feed;
    if (!f || !f->sup)
        return;
    tui_feed_poll(t);   /* its last events */
    live_sup_free(f->sup);
    f->sup = NULL;
    f->synced = false;
    f->conflicts = 0;
}

bool tui_live_on(const struct tui *t)
{
    return t->feed && t->feed->sup;
}

bool tui_live_fixed(const struct tui *t, const char *name, const char **why)
{
    return tui_live_on(t) && live_sup_fixed_in_bpf(t->feed->sup, name, why);
}

int tui_live_conflicts(const struct tui *t)
{
    return tui_live_on(t) ? t->feed->conflicts : 0;
}

void tui_live_sync(struct tui *t)
{
    struct tui_feed *f = t->feed;
    if (!f || !f->sup || !layer_in_force(t->cfg, LAYER_SECCOMP))
        return;   /* seccomp switched off: the title says the shell has it (R) */
    bool from_list;
    const struct seccomp_profile *src = shown_model(t, &from_list);
    uint64_t caps = lab_config_seccomp_caps(t->cfg);
    if (!src || (f->synced && src->text_hash == f->sig && caps == f->caps &&
                 from_list == f->from_list))
        return;
    struct isolab_err err;
    isolab_err_clear(&err);
    struct seccomp_profile *copy = model_copy(t, from_list, &err);
    if (!copy) {
        feed_note(t, "not applied to the shell: %s", err.msg);
        f->synced = true;   /* said once; the next change tries again */
        f->sig = src->text_hash;
        f->caps = caps;
        f->from_list = from_list;
        return;
    }
    live_set_caps(f->sup, caps);
    int n = live_set_profile(f->sup, copy, &err);
    f->conflicts = n > 0 ? n : 0;
    f->sig = src->text_hash;
    f->caps = caps;
    f->from_list = from_list;
    f->synced = true;
    const char *b = strrchr(t->profile_path, '/');
    feed_note(t, "applied to the running shell: %s%s, %d capabilities", b ? b + 1 : t->profile_path,
              from_list ? " as edited in the syscall list (not saved)" : "",
              __builtin_popcountll(caps));
}

/* ---- the feed's lines ------------------------------------------------------------ */

static void add_line(struct tui_feed *f, const struct feed_line *l)
{
    f->lines[f->total % FEED_MAX] = *l;
    f->total++;
}

static void feed_note(struct tui *t, const char *fmt, ...)
{
    struct tui_feed *f = feed_get(t);
    if (!f)
        return;
    struct feed_line l;
    memset(&l, 0, sizeof l);
    l.is_note = true;
    clock_gettime(CLOCK_REALTIME, &l.ts);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l.note, sizeof l.note, fmt, ap);
    va_end(ap);
    add_line(f, &l);
}

void tui_feed_add(struct tui *t, const struct live_event *ev)
{
    struct tui_feed *f = feed_get(t);
    if (!f)
        return;
    struct feed_line l;
    memset(&l, 0, sizeof l);
    l.ts = ev->ts;
    snprintf(l.note, sizeof l.note, "%s", ev->note);
    if (ev->kind == LIVE_EV_NOTE) {
        l.is_note = true;
        add_line(f, &l);
        return;
    }
    l.pid = ev->pid;
    l.denied = ev->action != SC_ACT_ALLOW && ev->action != SC_ACT_LOG;
    snprintf(l.comm, sizeof l.comm, "%s", ev->comm);
    snprintf(l.name, sizeof l.name, "%s", ev->name);
    snprintf(l.args, sizeof l.args, "%s", ev->args_text);
    snprintf(l.verdict, sizeof l.verdict, "%s", ev->verdict);
    snprintf(l.rule, sizeof l.rule, "%s", ev->rule);
    snprintf(l.cond, sizeof l.cond, "%s", ev->condition);
    add_line(f, &l);
}

int tui_feed_fd(const struct tui *t)
{
    return tui_live_on(t) ? live_sup_events_fd(t->feed->sup) : -1;
}

void tui_feed_poll(struct tui *t)
{
    if (!tui_live_on(t))
        return;
    static struct live_event ev;   /* large: not on the stack */
    for (int i = 0; i < 4096 && live_sup_next_event(t->feed->sup, &ev); i++)
        tui_feed_add(t, &ev);
}

bool tui_feed_shown(const struct tui *t)
{
    return t->feed && tui_pane_is_open(t);
}

bool tui_feed_focused(const struct tui *t)
{
    return tui_feed_shown(t) && t->feed->focus;
}

void tui_feed_set_focus(struct tui *t, bool on)
{
    if (!t->feed)
        return;
    t->feed->focus = on && tui_feed_shown(t);
    if (t->feed->focus)
        tui_pane_set_focus(t, false);
}

void tui_feed_free(struct tui *t)
{
    struct tui_feed *f = t->feed;
    if (!f)
        return;
    if (f->sup)
        live_sup_free(f->sup);
    free(f->lines);
    free(f);
    t->feed = NULL;
}

/* ---- the view ------------------------------------------------------------------- */

/* The lines shown (a filter, a pause): their numbers, oldest first. */
static int visible(const struct tui_feed *f, unsigned long *out, int max)
{
    unsigned long end = f->paused ? f->pause_at : f->total;
    unsigned long first = f->total > FEED_MAX ? f->total - FEED_MAX : 0;
    int n = 0;
    for (unsigned long k = first; k < end && n < max; k++) {
        const struct feed_line *l = &f->lines[k % FEED_MAX];
        if (!f->denied_only || l->denied || l->is_note)
            out[n++] = k;
    }
    return n;
}

/* An event in words: the call and its verdict, then the rule that decided
 * (and a remark); a note is one text. */
static void line_text(const struct feed_line *l, char *call, size_t n1, char *rule, size_t n2)
{
    char when[16];
    struct tm tm;
    localtime_r(&l->ts.tv_sec, &tm);
    strftime(when, sizeof when, "%H:%M:%S", &tm);
    if (l->is_note) {
        snprintf(call, n1, "%s -- %s", when, l->note);
        rule[0] = '\0';
        return;
    }
    snprintf(call, n1, "%s %d %s %s(%s) = %s", when, (int)l->pid, l->comm, l->name, l->args,
             l->verdict);
    snprintf(rule, n2, "  <- %s%s%s%s%s", l->rule, l->cond[0] ? ": " : "", l->cond,
             l->note[0] ? " -- " : "", l->note);
}

#define EVENT_ROWS_MAX 4

/* Cuts text into at most max rows of w columns (at a space where one is
 * near), the rows after the first indented by two. Returns how many. */
static int wrap_rows(const char *text, int w, char rows[][512], int max)
{
    int n = 0;
    const char *s = text;
    while (*s && n < max) {
        int room = (n ? w - 2 : w);
        if (room > 511)
            room = 511;
        int len = (int)strlen(s);
        int cut = len <= room ? len : room;
        if (cut < len)
            for (int k = cut; k > room / 2; k--)
                if (s[k] == ' ') {
                    cut = k;
                    break;
                }
        snprintf(rows[n], 512, "%s%.*s", n ? "  " : "", cut, s);
        n++;
        s += cut;
        while (*s == ' ')
            s++;
    }
    return n;
}

/* The rows one event takes at width w (into rows, if given). */
static int event_rows(const struct feed_line *l, int w, char rows[][512])
{
    static char scratch[2 * EVENT_ROWS_MAX][512];
    char call[1024], rule[1024];
    line_text(l, call, sizeof call, rule, sizeof rule);
    char (*r)[512] = rows ? rows : scratch;
    int n = wrap_rows(call, w, r, l->is_note ? EVENT_ROWS_MAX : 3);
    if (rule[0])
        n += wrap_rows(rule, w, r + n, 3);
    return n;
}

static void draw_frame(struct tui *t, struct tui_feed *f, struct tui_rect r, int nvis)
{
    tui_hline(r.y, r.x, r.w);
    char head[128], state[128] = "";
    snprintf(head, sizeof head, " Feed [%s] ", f->focus ? "v lab" : "v focus");
    if (f->paused)
        snprintf(state, sizeof state, " PAUSED (+%lu new), Space resumes ", f->total - f->pause_at);
    else
        snprintf(state, sizeof state, " %s%s, %d line%s ",
                 f->denied_only ? "denied only" : "everything notified",
                 f->sup ? "" : " (the shell has ended)", nvis, nvis == 1 ? "" : "s");
    int x = r.x + 1, end = r.x + r.w;
    attr_t ka = A_BOLD | (f->focus ? A_REVERSE : 0) | (t->color ? COLOR_PAIR(4) : 0);
    attron(ka);
    mvprintw(r.y, x, "%.*s", end - x > 0 ? end - x : 0, head);
    attroff(ka);
    x += (int)strlen(head) + 1;
    attr_t sa = f->paused ? (A_BOLD | (t->color ? COLOR_PAIR(3) : 0)) : A_NORMAL;
    attron(sa);
    if (x < end)
        mvprintw(r.y, x, "%.*s", end - x, state);
    attroff(sa);
}

/* The first event shown: the selection is on screen, the newest at the
 * bottom when following. */
static int first_shown(struct tui_feed *f, const unsigned long *vis, int n, int w, int rows)
{
    if (f->sel < f->top)
        f->top = f->sel;
    for (;;) {
        int used = 0;
        for (int i = f->top; i <= f->sel && i < n; i++)
            used += event_rows(&f->lines[vis[i] % FEED_MAX], w, NULL);
        if (used <= rows || f->top >= f->sel)
            break;
        f->top++;
    }
    return f->top;
}

void tui_feed_draw(struct tui *t, struct tui_rect r)
{
    struct tui_feed *f = t->feed;
    if (!f || r.h < 2 || r.w < 10)
        return;
    int border = r.x > 0;
    for (int y = r.y; y < r.y + r.h; y++)
        mvhline(y, r.x, ' ', r.w);
    if (border)
        mvvline(r.y + 1, r.x, t->ascii_lines ? '|' : ACS_VLINE, r.h - 1);
    static unsigned long vis[FEED_MAX];
    int n = visible(f, vis, FEED_MAX);
    draw_frame(t, f, r, n);
    int x = r.x + border, w = r.w - border, rows = r.h - 1;
    f->list_rows = rows / 2;
    if (f->follow || f->sel >= n)
        f->sel = n - 1;
    if (f->sel < 0)
        f->sel = 0;
    int y = r.y + 1;
    for (int i = first_shown(f, vis, n, w, rows); i < n && y < r.y + r.h; i++) {
        const struct feed_line *l = &f->lines[vis[i] % FEED_MAX];
        char text[2 * EVENT_ROWS_MAX][512];
        int k = event_rows(l, w, text);
        bool sel = f->focus && i == f->sel;
        for (int j = 0; j < k && y < r.y + r.h; j++, y++) {
            attr_t a = sel ? A_REVERSE : A_NORMAL;
            if (t->color && !sel)
                a |= l->is_note ? COLOR_PAIR(4) : j && !l->is_note ? A_NORMAL
                   : COLOR_PAIR(l->denied ? 2 : 1);
            attron(a);
            mvprintw(y, x, "%-*.*s", w, w, text[j]);
            attroff(a);
        }
    }
}

static void open_rule(struct tui *t, struct tui_feed *f)
{
    static unsigned long vis[FEED_MAX];
    int n = visible(f, vis, FEED_MAX);
    if (f->sel < 0 || f->sel >= n)
        return;
    const struct feed_line *l = &f->lines[vis[f->sel] % FEED_MAX];
    if (l->is_note || !l->name[0] || l->name[0] == '#') {
        tui_msg(t, false, "this line names no syscall of the list");
        return;
    }
    char name[40], rule[128], cond[256], verdict[48];
    snprintf(name, sizeof name, "%s", l->name);
    snprintf(rule, sizeof rule, "%s", l->rule);
    snprintf(cond, sizeof cond, "%s", l->cond);
    snprintf(verdict, sizeof verdict, "%s", l->verdict);
    tui_syscalls_show(t, name);
    if (t->mode == MODE_SYSCALLS)
        tui_msg(t, false, "%s got %s from %s%s%s", name, verdict, rule, cond[0] ? ": " : "", cond);
}

bool tui_feed_key(struct tui *t, int ch)
{
    struct tui_feed *f = t->feed;
    if (!tui_feed_shown(t))
        return false;
    if (!f->focus) {
        if (ch != TUI_FEED_KEY)
            return false;
        tui_feed_set_focus(t, true);
        return true;
    }
    static unsigned long vis[FEED_MAX];
    int n = visible(f, vis, FEED_MAX);
    int before = f->sel;
    if (tui_list_key(ch, &f->sel, n, f->list_rows > 1 ? f->list_rows - 1 : 1)) {
        f->follow = f->sel >= n - 1 && (ch == KEY_END || ch == KEY_DOWN || ch == 'j' ||
                                          ch == KEY_NPAGE || before == f->sel);
        return true;
    }
    switch (ch) {
    case 'a':
        f->denied_only = !f->denied_only;
        f->follow = true;
        tui_msg(t, false, "feed: %s", f->denied_only ? "denied calls only" : "every notified call");
        return true;
    case ' ':
        f->paused = !f->paused;
        f->pause_at = f->total;
        if (!f->paused)
            f->follow = true;
        return true;
    case '\n': case '\r': case KEY_ENTER:
        open_rule(t, f);
        return true;
    case TUI_FEED_KEY: case 27: case '\t':
        f->focus = false;
        return true;
    case TUI_PANE_FOCUS_KEY:
        f->focus = false;
        tui_pane_set_focus(t, true);
        return true;
    }
    return false;
}

const char *tui_feed_legend(const struct tui *t)
{
    if (!tui_feed_focused(t))
        return NULL;
    return "Feed: Up/Down move  a denied only/everything  Space pause  Enter the rule in the "
           "syscall list  f/Esc lab  " TUI_PANE_FOCUS_NAME " shell";
}
