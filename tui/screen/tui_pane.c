/* The shell pane: a sandbox with the current layers on its own pty (live.h),
 * whose output libvterm (Debian's 0.1 API) turns into a screen of cells that
 * the pane draws into its part of the lab screen. Keys typed while the pane
 * has the focus go through vterm's keyboard functions, so that arrows, Home
 * or F-keys give the sequences the inner terminal's modes ask for.
 *
 * Data flow: pty master -> vterm_input_write -> cells -> curses (every frame);
 * keys -> vterm_keyboard_* -> the output callback -> the pty master. Lines
 * that scroll off the top are kept (sb_pushline) for Shift-PgUp. */
#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

#include "exit_why.h"
#include "live.h"
#include "tui_feed.h"
#include "tui_pane.h"

#define SCROLLBACK_LINES 2000
#define OUT_MAX 65536
#define READ_ROUNDS 16   /* 64 KiB reads per loop turn, then the screen is drawn */
#define PAIR_BASE 16     /* pairs 1..15 are the lab's own */

volatile pid_t tui_pane_pid;

struct sb_line {
    int cols;
    VTermScreenCell *cells;
};

struct tui_pane {
    struct sandbox *sb;        /* NULL once the shell has exited */
    int master;                /* -1 once the pty has hung up */
    VTerm *vt;
    VTermScreen *vs;
    int vrows, vcols;
    int status;
    char exit_msg[256];
    struct lab_config cfg;     /* the shell's config, and what its end was (exit_why.h) */
    struct sandbox_exit exit;
    char title[1024];          /* the layers the shell started under */
    unsigned long sig;         /* of the config it started with */
    char prog_title[128];      /* what the program set with OSC 0/2 */
    bool focus, zoom;
    bool cursor_visible, altscreen, bell;
    VTermPos cursor;
    struct sb_line sb_lines[SCROLLBACK_LINES];   /* a ring, oldest at sb_head */
    int sb_n, sb_head;
    int scroll;                /* lines scrolled back, 0 = live */
    char out[OUT_MAX];         /* keys the pty has not taken yet */
    size_t out_len;
    struct tui_rect content;   /* where the terminal was drawn last */
};

bool tui_pane_is_open(const struct tui *t) { return t->pane != NULL; }
bool tui_pane_focused(const struct tui *t) { return t->pane && t->pane->focus; }
bool tui_pane_zoomed(const struct tui *t) { return t->pane && t->pane->zoom; }

/* The shell's description with seccomp's part as "seccomp live" while
 * seccomp is in force: what live mode changes under the running shell. */
static void live_desc(char *desc)
{
    char *sc = strstr(desc, "seccomp ");
    if (!sc || (sc != desc && sc[-1] != ' ') || !strncmp(sc, "seccomp off", 11) ||
        !strncmp(sc, "seccomp unconfined", 18))
        return;
    char *end = strstr(sc, " | ");
    memmove(sc + 12, end ? end : sc + strlen(sc), strlen(end ? end : sc + strlen(sc)) + 1);
    memcpy(sc, "seccomp live", 12);
}

/* A digest of what a new shell would get: the layers, the preset, the
 * profile's text. A change means the running shell has the old layers. */
static unsigned long config_sig(const struct tui *t)
{
    char desc[2048];
    tui_shell_describe(t, desc, sizeof desc);
    unsigned long h = 1469598103934665603UL;
    const char *parts[3] = { desc, t->preset, t->profile_text ? t->profile_text : "" };
    if (tui_live_on(t)) {
        /* Live mode: the profile, the preset's and the capabilities' effect
         * on seccomp are applied to the running shell (tui_feed.c), so only
         * the other layers (and seccomp switched off) make it old. */
        live_desc(desc);
        parts[1] = parts[2] = "";
    }
    for (int k = 0; k < 3; k++)
        for (const unsigned char *s = (const unsigned char *)parts[k]; *s; s++)
            h = (h ^ *s) * 1099511628211UL;
    return h;
}

void tui_pane_explain_exit(const struct lab_config *c, const struct sandbox_exit *ex, int status,
                           char *buf, size_t n, char *full, size_t fn)
{
    /* Issue 10, "every exit explained": the engine's one rule (exit_why.c);
     * the frame gets its first clause, the pane the whole of it. */
    struct exit_why w;
    full[0] = '\0';
    if (status != 0 && exit_why_explain(c, ex, &w) > 0) {
        size_t cut = strcspn(w.what, ":.");
        snprintf(buf, n, "the shell ended (status %d): %.*s", status, (int)cut, w.what);
        snprintf(full, fn, "\r\n[isolab] %s\r\n[isolab] hint: %s\r\n", w.what, w.hint);
        return;
    }
    if (status > 128 && status < 128 + NSIG)
        snprintf(buf, n, "the shell was killed by signal %d (%s)", status - 128,
                 strsignal(status - 128));
    else
        snprintf(buf, n, "the shell exited with status %d", status);
}

/* ---- vterm's callbacks ---------------------------------------------------- */

static int cb_damage(VTermRect rect, void *user) { (void)rect; (void)user; return 1; }

static int cb_movecursor(VTermPos pos, VTermPos old, int visible, void *user)
{
    struct tui_pane *p = user;
    (void)old;
    (void)visible;
    p->cursor = pos;
    return 1;
}

static int cb_settermprop(VTermProp prop, VTermValue *val, void *user)
{
    struct tui_pane *p = user;
    switch (prop) {
    case VTERM_PROP_CURSORVISIBLE: p->cursor_visible = val->boolean; break;
    case VTERM_PROP_ALTSCREEN:
        p->altscreen = val->boolean;
        p->scroll = 0;
        break;
    case VTERM_PROP_TITLE:
        snprintf(p->prog_title, sizeof p->prog_title, "%s", val->string ? val->string : "");
        break;
    default: break;
    }
    return 1;
}

static int cb_bell(void *user)
{
    ((struct tui_pane *)user)->bell = true;
    return 1;
}

static int cb_sb_pushline(int cols, const VTermScreenCell *cells, void *user)
{
    struct tui_pane *p = user;
    struct sb_line *l;
    if (p->sb_n < SCROLLBACK_LINES) {
        l = &p->sb_lines[(p->sb_head + p->sb_n++) % SCROLLBACK_LINES];
    } else {   /* full: the oldest line makes room */
        l = &p->sb_lines[p->sb_head];
        p->sb_head = (p->sb_head + 1) % SCROLLBACK_LINES;
    }
    VTermScreenCell *c = realloc(l->cells, (size_t)cols * sizeof *c);
    if (!c)
        return 0;
    memcpy(c, cells, (size_t)cols * sizeof *c);
    l->cells = c;
    l->cols = cols;
    if (p->scroll && p->scroll < p->sb_n)
        p->scroll++;   /* what the learner reads stays in place */
    return 1;
}

static int cb_sb_popline(int cols, VTermScreenCell *cells, void *user)
{
    struct tui_pane *p = user;
    if (!p->sb_n)
        return 0;
    struct sb_line *l = &p->sb_lines[(p->sb_head + --p->sb_n) % SCROLLBACK_LINES];
    VTermColor fg, bg;
    vterm_state_get_default_colors(vterm_obtain_state(p->vt), &fg, &bg);
    for (int i = 0; i < cols; i++) {
        if (i < l->cols) {
            cells[i] = l->cells[i];
        } else {
            memset(&cells[i], 0, sizeof cells[i]);
            cells[i].width = 1;
            cells[i].fg = fg;
            cells[i].bg = bg;
        }
    }
    if (p->scroll > p->sb_n)
        p->scroll = p->sb_n;
    return 1;
}

static const VTermScreenCallbacks screen_cbs = {
    .damage = cb_damage,
    .movecursor = cb_movecursor,
    .settermprop = cb_settermprop,
    .bell = cb_bell,
    .sb_pushline = cb_sb_pushline,
    .sb_popline = cb_sb_popline,
};

/* ---- the pty -------------------------------------------------------------- */

static void flush_out(struct tui_pane *p)
{
    while (p->out_len && p->master >= 0) {
        ssize_t w = write(p->master, p->out, p->out_len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;   /* EAGAIN: poll says when (POLLOUT); EIO: the shell is going */
        memmove(p->out, p->out + w, p->out_len - (size_t)w);
        p->out_len -= (size_t)w;
    }
}

/* vterm's answer to a key (or to a query such as DSR): to the pty. */
static void cb_output(const char *s, size_t len, void *user)
{
    struct tui_pane *p = user;
    if (len > OUT_MAX - p->out_len)
        len = OUT_MAX - p->out_len;   /* a paste larger than 64 KiB the shell is not reading */
    memcpy(p->out + p->out_len, s, len);
    p->out_len += len;
    flush_out(p);
}

static void read_master(struct tui_pane *p)
{
    char buf[65536];
    for (int i = 0; i < READ_ROUNDS && p->master >= 0; i++) {
        ssize_t r = read(p->master, buf, sizeof buf);
        if (r > 0) {
            vterm_input_write(p->vt, buf, (size_t)r);
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN)
            break;
        p->master = -1;   /* EIO or EOF: nothing holds the slave any more */
    }
    vterm_screen_flush_damage(p->vs);
}

static void set_raw(bool on)
{
    /* In the pane Ctrl-C, Ctrl-Z, Ctrl-\ and Ctrl-S are bytes for the
     * shell's terminal, not signals for the TUI. */
    if (on) {
        raw();
    } else {
        noraw();
        cbreak();
    }
}

void tui_pane_set_focus(struct tui *t, bool on)
{
    struct tui_pane *p = t->pane;
    if (!p)
        return;
    if (on && !p->sb)
        on = false;
    if (on != p->focus)
        set_raw(on);
    p->focus = on;
    if (!on)
        p->zoom = false;
    if (on)
        t->mode = MODE_MAIN;
}

void tui_pane_toggle_zoom(struct tui *t)
{
    struct tui_pane *p = t->pane;
    if (!p || !p->sb)
        return;
    bool z = !p->zoom;
    tui_pane_set_focus(t, true);
    p->zoom = z;
}

static void shell_ended(struct tui *t, struct tui_pane *p)
{
    read_master(p);   /* its last words */
    struct isolab_err err;
    isolab_err_clear(&err);
    int st = p->status;
    char full[sizeof(((struct exit_why *)0)->what) + 1024];
    full[0] = '\0';
    if (sandbox_wait(p->sb, &st, &err) < 0)
        snprintf(p->exit_msg, sizeof p->exit_msg, "shell: %s", err.msg);
    else
        tui_pane_explain_exit(&p->cfg, &p->exit, st, p->exit_msg, sizeof p->exit_msg, full,
                              sizeof full);
    if (full[0])
        vterm_input_write(p->vt, full, strlen(full));
    p->status = st;
    p->sb = NULL;
    p->master = -1;
    tui_pane_pid = 0;
    tui_live_end(t);
    tui_pane_set_focus(t, false);
    tui_msg(t, st != 0, "%s; s starts a new shell, X closes the pane", p->exit_msg);
}

int tui_pane_fd(const struct tui *t, short *events)
{
    struct tui_pane *p = t->pane;
    *events = 0;
    if (!p || !p->sb || p->master < 0)
        return -1;
    *events = POLLIN | (p->out_len ? POLLOUT : 0);
    return p->master;
}

void tui_pane_poll(struct tui *t, short revents)
{
    struct tui_pane *p = t->pane;
    if (!p || !p->sb)
        return;
    if (revents & POLLOUT)
        flush_out(p);
    if (revents & (POLLIN | POLLHUP | POLLERR))
        read_master(p);
    if (p->bell) {
        beep();
        p->bell = false;
    }
    struct isolab_err err;
    isolab_err_clear(&err);
    int r = sandbox_try_wait(p->sb, &p->status, &err);
    if (r != 0)
        shell_ended(t, p);
}

/* ---- starting and stopping ------------------------------------------------ */

static int pane_start(struct tui *t, struct tui_pane *p, struct isolab_err *err)
{
    struct lab_config c;
    char **env = NULL;
    if (tui_shell_config(t, &c, &env) < 0)
        return isolab_err_set(err, ENOMEM, "tui_pane.c: the shell's environment: out of memory");
    memset(&p->exit, 0, sizeof p->exit);
    c.exit_out = &p->exit;
    /* Live mode (tui_feed.h): the shell's seccomp answers from the model the
     * screen shows. Where that cannot start (a kernel without seccomp
     * notify), the plain filter, and the message says why. */
    int rc = -1;
    bool live = tui_live_begin(t, &c, err) == 0 && c.live;
    if (live)
        rc = sandbox_start(&c, &p->sb, err);
    if (rc < 0) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        tui_live_end(t);
        isolab_err_clear(err);
        c.live = NULL;
        rc = sandbox_start(&c, &p->sb, err);
        if (rc == 0 && why[0])
            tui_msg(t, true, "live mode is off for this shell (its filter is fixed): %s", why);
    }
    p->cfg = c;
    p->cfg.argv = p->cfg.envp = NULL;   /* freed below; exit_why needs neither */
    free(env);
    if (rc < 0) {
        p->sb = NULL;
        return -1;
    }
    p->master = sandbox_pty_master(p->sb);
    tui_pane_pid = sandbox_pid(p->sb);
    char desc[sizeof p->title - 32];
    tui_shell_describe(t, desc, sizeof desc);
    snprintf(p->title, sizeof p->title, "%s: %s", t->preset[0] ? t->preset : "custom", desc);
    char *sc = c.live ? strstr(p->title, ": seccomp ") : NULL;
    if (sc) {   /* "seccomp docker-default.json live | lsm ..." */
        char *end = strstr(sc, " | ");
        size_t at = end ? (size_t)(end - p->title) : strlen(p->title);
        if (strlen(p->title) + 6 < sizeof p->title) {
            memmove(p->title + at + 5, p->title + at, strlen(p->title + at) + 1);
            memcpy(p->title + at, " live", 5);
        }
    }
    p->sig = config_sig(t);
    p->exit_msg[0] = 0;
    p->prog_title[0] = 0;
    p->scroll = 0;
    p->out_len = 0;
    vterm_screen_reset(p->vs, 1);
    if (p->vrows > 0)
        sandbox_pty_resize(p->sb, (unsigned short)p->vrows, (unsigned short)p->vcols);
    return 0;
}

/* SIGKILL, then wait: the pane's sandbox never outlives it. */
static void pane_kill(struct tui *t, struct tui_pane *p)
{
    if (p->sb) {
        kill(sandbox_pid(p->sb), SIGKILL);
        struct isolab_err err;
        isolab_err_clear(&err);
        int st;
        const struct timespec ms = { 0, 1000000 };
        while (sandbox_try_wait(p->sb, &st, &err) == 0)
            nanosleep(&ms, NULL);
        sandbox_wait(p->sb, &st, &err);
        p->sb = NULL;
        p->master = -1;
        tui_pane_pid = 0;
    }
    tui_live_end(t);   /* the supervisor outlives no shell */
}

static struct tui_pane *pane_new(void)
{
    struct tui_pane *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->master = -1;
    p->cursor_visible = true;
    p->vrows = 24;
    p->vcols = 80;
    p->vt = vterm_new(p->vrows, p->vcols);
    if (!p->vt) {
        free(p);
        return NULL;
    }
    vterm_set_utf8(p->vt, 1);
    vterm_output_set_callback(p->vt, cb_output, p);
    p->vs = vterm_obtain_screen(p->vt);
    vterm_screen_enable_altscreen(p->vs, 1);
    vterm_screen_set_callbacks(p->vs, &screen_cbs, p);
    vterm_screen_set_damage_merge(p->vs, VTERM_DAMAGE_SCROLL);
    vterm_screen_reset(p->vs, 1);
    return p;
}

void tui_pane_open(struct tui *t)
{
    if (t->pane && t->pane->sb) {
        tui_pane_set_focus(t, true);
        return;
    }
    if (!t->pane && !(t->pane = pane_new())) {
        tui_msg(t, true, "tui_pane.c: cannot make the terminal emulator (out of memory)");
        return;
    }
    struct isolab_err err;
    isolab_err_clear(&err);
    if (pane_start(t, t->pane, &err) < 0) {
        tui_msg(t, true, "shell: %s%s%s", err.msg, err.hint[0] ? "  hint: " : "", err.hint);
        tui_pane_close(t);
        return;
    }
    tui_pane_set_focus(t, true);
    tui_msg(t, false, "shell in the pane: %s gives the focus back to the lab", TUI_PANE_FOCUS_NAME);
}

void tui_pane_restart(struct tui *t)
{
    if (!t->pane)
        return;
    pane_kill(t, t->pane);
    tui_pane_open(t);
}

void tui_pane_close(struct tui *t)
{
    struct tui_pane *p = t->pane;
    if (!p)
        return;
    pane_kill(t, p);
    tui_feed_free(t);
    if (p->focus)
        set_raw(false);
    for (int i = 0; i < SCROLLBACK_LINES; i++)
        free(p->sb_lines[i].cells);
    vterm_free(p->vt);
    free(p);
    t->pane = NULL;
}

/* ---- keys ------------------------------------------------------------------ */

static bool map_key(int k, VTermKey *key, VTermModifier *mod)
{
    static const struct { int curses; VTermKey key; VTermModifier mod; } map[] = {
        { KEY_UP, VTERM_KEY_UP, 0 }, { KEY_DOWN, VTERM_KEY_DOWN, 0 },
        { KEY_LEFT, VTERM_KEY_LEFT, 0 }, { KEY_RIGHT, VTERM_KEY_RIGHT, 0 },
        { KEY_SR, VTERM_KEY_UP, VTERM_MOD_SHIFT }, { KEY_SF, VTERM_KEY_DOWN, VTERM_MOD_SHIFT },
        { KEY_SLEFT, VTERM_KEY_LEFT, VTERM_MOD_SHIFT },
        { KEY_SRIGHT, VTERM_KEY_RIGHT, VTERM_MOD_SHIFT },
        { KEY_HOME, VTERM_KEY_HOME, 0 }, { KEY_END, VTERM_KEY_END, 0 },
        { KEY_SHOME, VTERM_KEY_HOME, VTERM_MOD_SHIFT }, { KEY_SEND, VTERM_KEY_END, VTERM_MOD_SHIFT },
        { KEY_PPAGE, VTERM_KEY_PAGEUP, 0 }, { KEY_NPAGE, VTERM_KEY_PAGEDOWN, 0 },
        { KEY_IC, VTERM_KEY_INS, 0 }, { KEY_DC, VTERM_KEY_DEL, 0 },
        { KEY_SDC, VTERM_KEY_DEL, VTERM_MOD_SHIFT },
        { KEY_BACKSPACE, VTERM_KEY_BACKSPACE, 0 }, { KEY_ENTER, VTERM_KEY_ENTER, 0 },
        { KEY_BTAB, VTERM_KEY_TAB, VTERM_MOD_SHIFT },
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (map[i].curses == k) {
            *key = map[i].key;
            *mod = map[i].mod;
            return true;
        }
    if (k >= KEY_F(1) && k <= KEY_F(63)) {
        *key = VTERM_KEY_FUNCTION(k - KEY_F0);
        *mod = 0;
        return true;
    }
    return false;
}

static void scroll_by(struct tui_pane *p, int d)
{
    if (p->altscreen)
        return;   /* a full-screen program's screen has no scrollback */
    p->scroll += d;
    if (p->scroll > p->sb_n)
        p->scroll = p->sb_n;
    if (p->scroll < 0)
        p->scroll = 0;
}

static bool mouse_key(struct tui *t, struct tui_pane *p)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return true;
    struct tui_rect c = p->content;
    if (ev.y >= c.y - 1 && ev.y < c.y + c.h && ev.x >= c.x && ev.x < c.x + c.w)
        return true;   /* in the pane (the shell gets no mouse) */
    tui_pane_set_focus(t, false);   /* a click on the lab: the lab has it */
    ungetmouse(&ev);
    return true;
}

bool tui_pane_key(struct tui *t, bool is_key, wint_t wc)
{
    struct tui_pane *p = t->pane;
    if (!p || !p->focus)
        return false;
    if (is_key && wc == KEY_RESIZE)
        return false;
    if (is_key && wc == TUI_PANE_FOCUS_KEY) {
        tui_pane_set_focus(t, false);
        return true;
    }
    if (!p->sb) {
        tui_pane_set_focus(t, false);
        return true;
    }
    if (is_key && wc == KEY_MOUSE)
        return mouse_key(t, p);
    int page = p->vrows > 2 ? p->vrows - 1 : 1;
    if (is_key && (wc == KEY_SPREVIOUS || wc == KEY_SNEXT)) {
        scroll_by(p, wc == KEY_SPREVIOUS ? page : -page);
        return true;
    }
    p->scroll = 0;
    VTermKey key;
    VTermModifier mod;
    if (!is_key)
        vterm_keyboard_unichar(p->vt, (uint32_t)wc, VTERM_MOD_NONE);
    else if (map_key((int)wc, &key, &mod))
        vterm_keyboard_key(p->vt, key, mod);
    return true;
}

/* ---- drawing ---------------------------------------------------------------- */

/* A vterm colour as a curses colour: -1 the default, 0..COLORS-1. */
static int curses_color(VTermScreen *vs, VTermColor c, bool fg, attr_t *attrs)
{
    if ((fg && VTERM_COLOR_IS_DEFAULT_FG(&c)) || (!fg && VTERM_COLOR_IS_DEFAULT_BG(&c)))
        return -1;
    if (VTERM_COLOR_IS_INDEXED(&c)) {
        int i = c.indexed.idx;
        if (i < 16 && COLORS >= 16)
            return i;
        if (i < 16) {
            if (i >= 8 && fg)
                *attrs |= A_BOLD;   /* bright on an 8-colour terminal */
            return i & 7;
        }
        if (COLORS >= 256)
            return i;
        vterm_screen_convert_color_to_rgb(vs, &c);
    }
    if (COLORS >= 256) {   /* the 6x6x6 cube of xterm-256color */
        int r = (c.rgb.red * 5 + 127) / 255, g = (c.rgb.green * 5 + 127) / 255;
        int b = (c.rgb.blue * 5 + 127) / 255;
        return 16 + 36 * r + 6 * g + b;
    }
    return (c.rgb.red >= 128 ? 1 : 0) | (c.rgb.green >= 128 ? 2 : 0) | (c.rgb.blue >= 128 ? 4 : 0);
}

/* One pair per (fg, bg) met, made on first use; 0 when curses has no more. */
static short color_pair(int fg, int bg)
{
    static short pairs[257][257];
    static int next = PAIR_BASE;
    if (fg < -1 || fg > 255 || bg < -1 || bg > 255)
        return 0;
    if (fg == -1 && bg == -1)
        return 0;
    short *slot = &pairs[fg + 1][bg + 1];
    if (*slot)
        return *slot;
    int max = COLOR_PAIRS < 32767 ? COLOR_PAIRS : 32767;
    if (next >= max || init_pair((short)next, (short)fg, (short)bg) == ERR)
        return 0;
    *slot = (short)next++;
    return *slot;
}

static void put_cell(struct tui *t, struct tui_pane *p, int y, int x, const VTermScreenCell *c)
{
    wchar_t wch[VTERM_MAX_CHARS_PER_CELL + 1];
    int n = 0;
    for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && c->chars[i]; i++)
        wch[n++] = (wchar_t)c->chars[i];
    if (!n || wch[0] < 32)
        wch[0] = L' ', n = 1;
    wch[n] = 0;
    attr_t a = A_NORMAL;
    if (c->attrs.bold)
        a |= A_BOLD;
    if (c->attrs.underline)
        a |= A_UNDERLINE;
    if (c->attrs.italic)
        a |= A_ITALIC;
    if (c->attrs.blink)
        a |= A_BLINK;
    if (c->attrs.reverse)
        a |= A_REVERSE;
    short pair = 0;
    if (t->color) {
        int fg = curses_color(p->vs, c->fg, true, &a);
        int bg = curses_color(p->vs, c->bg, false, &a);
        pair = color_pair(fg, bg);
    }
    cchar_t cc;
    if (setcchar(&cc, wch, a, pair, NULL) == OK)
        mvadd_wch(y, x, &cc);
}

static void draw_row(struct tui *t, struct tui_pane *p, int row)
{
    struct tui_rect c = p->content;
    int back = p->scroll - row;   /* > 0: a scrollback line */
    if (back > 0) {
        struct sb_line *l = &p->sb_lines[(p->sb_head + p->sb_n - back) % SCROLLBACK_LINES];
        for (int x = 0; x < c.w; x++) {
            if (x < l->cols && l->cells[x].chars[0] != (uint32_t)-1)
                put_cell(t, p, c.y + row, c.x + x, &l->cells[x]);
            if (x < l->cols && l->cells[x].width == 2)
                x++;
        }
        return;
    }
    for (int x = 0; x < c.w; x++) {
        VTermScreenCell cell;
        VTermPos pos = { row - p->scroll, x };
        if (!vterm_screen_get_cell(p->vs, pos, &cell))
            continue;
        put_cell(t, p, c.y + row, c.x + x, &cell);
        if (cell.width == 2)
            x++;
    }
}

/* The pty keeps the pane's size: were it ever to differ from what the pane
 * shows (a CI run once saw a shell in a 65-column pane report 80), the next
 * frame tells it again. One TIOCGWINSZ a frame. */
static void pty_size_check(struct tui_pane *p)
{
    struct winsize ws;
    if (p->sb && p->master >= 0 && ioctl(p->master, TIOCGWINSZ, &ws) == 0 &&
        (ws.ws_row != p->vrows || ws.ws_col != p->vcols))
        sandbox_pty_resize(p->sb, (unsigned short)p->vrows, (unsigned short)p->vcols);
}

static void pane_resize(struct tui_pane *p, int rows, int cols)
{
    p->vrows = rows;
    p->vcols = cols;
    vterm_set_size(p->vt, rows, cols);
    vterm_screen_flush_damage(p->vs);
    if (p->sb)
        sandbox_pty_resize(p->sb, (unsigned short)rows, (unsigned short)cols);
}

/* The frame line: which key does what, then the layers the shell has. */
static void draw_frame(struct tui *t, struct tui_pane *p, struct tui_rect r)
{
    tui_hline(r.y, r.x, r.w);
    char keys[128], state[1200];
    bool stale = p->sb && config_sig(t) != p->sig;
    /* The keys in full are on the legend line; here only how to get in or out. */
    if (p->focus)
        snprintf(keys, sizeof keys, " Shell [%s lab%s] ", TUI_PANE_FOCUS_NAME, p->zoom ? "" : " z zoom");
    else if (p->sb)
        snprintf(keys, sizeof keys, " Shell [%s focus] ", TUI_PANE_FOCUS_NAME);
    else
        snprintf(keys, sizeof keys, " Shell [s new] ");
    if (!p->sb)
        snprintf(state, sizeof state, " %s; it ran under %s ", p->exit_msg, p->title);
    else if (stale)
        snprintf(state, sizeof state, " OLD layers, R restarts: %s ",
                 p->title);
    else if (tui_live_conflicts(t))   /* the profile denies a fixed syscall */
        snprintf(state, sizeof state, " live, %d fixed until R: %s ", tui_live_conflicts(t),
                 p->title);
    else if (p->scroll)
        snprintf(state, sizeof state, " scrollback -%d/%d  %s ", p->scroll, p->sb_n, p->title);
    else
        snprintf(state, sizeof state, " %s ", p->title);
    int x = r.x + 1, end = r.x + r.w;
    attr_t ka = A_BOLD | (p->focus ? A_REVERSE : 0) | (t->color ? COLOR_PAIR(4) : 0);
    attron(ka);
    mvprintw(r.y, x, "%.*s", end - x > 0 ? end - x : 0, keys);
    attroff(ka);
    x += (int)strlen(keys) + 1;
    stale = stale || (p->sb && tui_live_conflicts(t));
    attr_t sa = (stale || !p->sb) ? (A_BOLD | (t->color ? COLOR_PAIR(3) : 0)) : A_NORMAL;
    attron(sa);
    if (x < end)
        mvprintw(r.y, x, "%.*s", end - x, state);
    attroff(sa);
}

void tui_pane_draw(struct tui *t, struct tui_rect r)
{
    struct tui_pane *p = t->pane;
    if (!p || r.h < 2 || r.w < 4)
        return;
    int border = r.x > 0;   /* a line between the lab and the pane */
    struct tui_rect c = { r.y + 1, r.x + border, r.h - 1, r.w - border };
    p->content = c;
    if (c.h != p->vrows || c.w != p->vcols)
        pane_resize(p, c.h, c.w);
    else
        pty_size_check(p);
    for (int y = r.y; y < r.y + r.h; y++)
        mvhline(y, r.x, ' ', r.w);
    if (border)
        mvvline(r.y + 1, r.x, t->ascii_lines ? '|' : ACS_VLINE, r.h - 1);
    draw_frame(t, p, r);
    for (int row = 0; row < c.h; row++)
        draw_row(t, p, row);
}

void tui_pane_place_cursor(struct tui *t)
{
    struct tui_pane *p = t->pane;
    if (!p || !p->focus || !p->sb || p->scroll || !p->cursor_visible)
        return;
    struct tui_rect c = p->content;
    if (p->cursor.row < 0 || p->cursor.row >= c.h || p->cursor.col < 0 || p->cursor.col >= c.w)
        return;
    curs_set(1);
    move(c.y + p->cursor.row, c.x + p->cursor.col);
}
