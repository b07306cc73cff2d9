/* The TUI's loop: one screen (layers, probe matrix, status, legend), driven
 * by a poll() on the keyboard, the profile watch and the probe runner, with
 * a 100 ms timeout. Resizes arrive as KEY_RESIZE in the loop. */
#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui.h"
#include "tui_export.h"
#include "tui_feed.h"
#include "tui_lab.h"
#include "tui_more.h"
#include "tui_pane.h"

/* The LSM layer's list of active LSMs (lsm_int.h); weak so that the TUI
 * falls back to reading /sys itself if it is not there. */
const char *lsm_active_list(void) __attribute__((weak));

#define MIN_ROWS 24
#define MIN_COLS 80

struct tui *tui_current;

void tui_msg(struct tui *t, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof t->msg, fmt, ap);
    va_end(ap);
    t->msg_error = error;
}

/* Every change re-runs the probes; a run still going is superseded. */
void tui_config_changed(struct tui *t)
{
    t->probes_wanted = true;
    tui_lab_config_changed(t);   /* the lab step is checked again; saved for `lab check` */
}

static void read_first_line(const char *path, char *buf, size_t n)
{
    buf[0] = 0;
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    if (fgets(buf, (int)n, f))
        buf[strcspn(buf, "\n")] = 0;
    fclose(f);
}

static const char *cgroup_mode_fallback(void)
{
    struct stat st;
    if (stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0)
        return "cgroup v2";
    if (stat("/sys/fs/cgroup/unified/cgroup.controllers", &st) == 0)
        return "cgroup v1 (hybrid, v2 tree empty)";
    if (stat("/sys/fs/cgroup/pids", &st) == 0 || stat("/sys/fs/cgroup/memory", &st) == 0)
        return "cgroup v1";
    return "no cgroups";
}

void tui_status_line(char *buf, size_t n)
{
    char lsms[256] = "";
    if (lsm_active_list)
        snprintf(lsms, sizeof lsms, "%s", lsm_active_list());
    if (!lsms[0] || !strcmp(lsms, "unknown"))
        read_first_line("/sys/kernel/security/lsm", lsms, sizeof lsms);
    const char *cg = cgroup_mode_name();
    char cgbuf[96];
    if (!cg || !*cg || !strcmp(cg, "none"))
        cg = cgroup_mode_fallback();
    else if (strncmp(cg, "cgroup", 6) != 0) {
        snprintf(cgbuf, sizeof cgbuf, "cgroup %s", cg);
        cg = cgbuf;
    }
    const char *mech = lsm_mechanism_name();
    bool aa = strstr(lsms, "apparmor") != NULL;
    char mechs[96];
    if (!strcasecmp(mech, "landlock") && !aa)
        snprintf(mechs, sizeof mechs, "Landlock stands in for AppArmor");
    else if (!strcasecmp(mech, "none"))
        snprintf(mechs, sizeof mechs, "no LSM can enforce the policies");
    else
        snprintf(mechs, sizeof mechs, "LSM %s", mech);
    bool root = geteuid() == 0;
    snprintf(buf, n, "%s | %s | %s | LSMs %s", root ? "root" : "rootless (user ns forced on)",
             cg, mechs, lsms[0] ? lsms : "unknown");
}

/* ---- drawing ---------------------------------------------------------- */

static void draw_too_small(struct tui *t)
{
    erase();
    int y = 0;
    mvprintw(y++, 0, "Terminal too small (%dx%d).", t->cols, t->rows);
    mvprintw(y++, 0, "isolab needs %dx%d.", MIN_COLS, MIN_ROWS);
    mvprintw(y++, 0, "Resize it, or press q.");
    refresh();
}

#define KEYS_NARROW "Spc toggle  Ent details  p presets  c syscalls  e edit  s shell  ? help  q quit"
#define KEYS_WIDE "Space toggle  Enter details  Tab layers/probes  p presets  c syscalls  e edit  s shell  S full  r re-run  ? help  q quit"
#define KEYS_PANE_FOCUS "Keys go to the shell.  " TUI_PANE_FOCUS_NAME " back to the lab  Shift-PgUp/PgDn scroll back"
#define KEYS_PANE_WIDE TUI_PANE_FOCUS_NAME " shell  z zoom  R restart shell  X close  v feed  Space toggle  Enter details  Tab layers/probes  c syscalls  ? help  q quit"
#define KEYS_PANE_NARROW TUI_PANE_FOCUS_NAME " shell  z zoom  R restart  X close  v feed  Spc toggle  c syscalls  q quit"

static void draw_legend(struct tui *t, int y)
{
    const char *k = t->cols >= (int)strlen(KEYS_WIDE) ? KEYS_WIDE : KEYS_NARROW;
    if (tui_pane_focused(t))
        k = KEYS_PANE_FOCUS;
    else if (tui_feed_focused(t))
        k = tui_feed_legend(t);
    else if (tui_pane_is_open(t))
        k = t->cols >= (int)strlen(KEYS_PANE_WIDE) ? KEYS_PANE_WIDE : KEYS_PANE_NARROW;
    switch (tui_more_is_open() ? MODE_HELP : t->mode) {
    case MODE_HELP: k = tui_more_is_open() ? "Up/Down scroll  any other key: back" : "any key: back"; break;
    case MODE_DETAILS: k = "Up/Down move  Space/Enter change  Esc back"; break;
    case MODE_PRESETS: k = "Up/Down move  Enter apply  Esc back"; break;
    case MODE_PROBE_INFO: k = "Up/Down other probe  Esc back"; break;
    case MODE_SYSCALLS:
        k = "/ search n next a allow x errno K kill t trap g log d default w save Esc back";
        break;
    case MODE_PROFILE_ERROR: k = "e edit again  r revert the file to the last valid  Esc keep"; break;
    case MODE_LAB_CHOOSER: case MODE_LAB_TEXT: k = tui_lab_legend(t); break;
    default: break;
    }
    attron(A_REVERSE);
    mvprintw(y, 0, "%-*.*s", t->cols, t->cols, k);
    attroff(A_REVERSE);
}

/* The message line; a long message (an error with its fix) grows upwards
 * over the bottom of the matrix, up to three lines wrapped at words, rather
 * than be cut -- but never over an open lab's panel, whose result and keys
 * stay in view: there it keeps one line, with the cue for the whole text.
 * Under the profile error box the box says it all. */
static void draw_message(struct tui *t, int y)
{
    move(y, 0);
    clrtoeol();
    if (t->prompt != PROMPT_NONE) {
        attron(A_BOLD);
        mvprintw(y, 0, "%s", t->prompt_label);
        attroff(A_BOLD);
        printw("%s", t->prompt_buf);
        curs_set(1);
        return;
    }
    curs_set(0);
    if (!t->msg[0] || t->mode == MODE_PROFILE_ERROR)
        return;
    char text[sizeof t->msg + 4];
    snprintf(text, sizeof text, "%s%s", t->msg_error ? "! " : "", t->msg);
    int w = t->cols - 1;
    int lines = tui_lab_panel_row() >= 0 ? 1 : 3;
    /* rows the text needs, wrapped at words (an estimate; the last row
     * carries the cue if it runs over) */
    int need = 1;
    for (int cols = 0, len = (int)strlen(text), i = 0; i < len; i++)
        if (++cols > w - 8) {
            need++;
            cols = 0;
        }
    if (lines > need)
        lines = need;
    attr_t a = t->msg_error ? (t->color ? COLOR_PAIR(6) | A_BOLD : A_BOLD) : A_NORMAL;
    attron(a);
    for (int i = 0; i < lines; i++) {
        move(y - lines + 1 + i, 0);
        clrtoeol();
    }
    tui_more_wrap(y - lines + 1, 0, w, y + 1, text);
    attroff(a);
}

static void draw_help(struct tui *t)
{
    static const char *const lines[] = {
        "Real probes in real sandboxes: toggle a layer, watch verdicts flip.",
        "Main screen",
        "  Up/Down j/k  move         Tab    layers <-> probes     1-5  pick a layer",
        "  Space        switch the highlighted layer on/off (or click its [x])",
        "  Enter        layer details: caps, namespaces, cgroup limits, profiles;",
        "               on a probe: each layer alone and what decided it",
        "  p presets    c syscall list    e $EDITOR (default vi)    r re-run",
        "  f            layer flags as for isolab run: --cap-add SYS_TIME, --no-ns pid",
        "  o            open a seccomp profile file by path (your own copy, say)",
        "  x            export: a docker run line, a runc config.json or a Pod, + report",
        "  s            a shell in a pane of this screen, in a sandbox with the layers",
        "               shown; " TUI_PANE_FOCUS_NAME " moves the focus between the shell and the lab",
        "  z            zoom the shell to the whole screen and back (vi, top, less)",
        "  R / X        restart the shell with the current layers / close the pane",
        "  Shift-PgUp   in the shell: scroll back (2000 lines); PgDn or a key: back",
        "  S            the shell on the whole terminal; exit or Ctrl-D comes back",
        "Live shell and feed (beside the pane's shell)",
        "  Every edit to the profile (syscall list, $EDITOR, a save, a preset, the caps)",
        "  applies to the pane's running shell at once; read, write, mmap... stay fixed",
        "  v            the feed: Up/Down, a denied only/everything, Space pause,",
        "               Enter the line's rule in the syscall list, f or Esc back",
        "  q            quit (Ctrl-C too)",
        "  L            labs: open one; its step shows at the bottom (] next [ prev h hint)",
        "Syscall list (c)",
        "  / search  n next  a ALLOW  x ERRNO (asks which)  K KILL_PROCESS",
        "  t TRAP  g LOG  d back to the default  w save  Esc back (asks to save)",
        "  F12 to the pane's shell with the edits in force (live), c back to them",
        "Probe matrix",
        "  x blocked  + allowed  ? error  - skipped; 'blocked by' lists each layer",
        "  that blocks it alone. * and '<- was X': changed by your last change.",
        "Profiles",
        "  The profile file is watched: save it from any editor, the probes re-run.",
        "  An invalid profile shows file:line:col and the fix; the last valid one",
        "  stays in force. Saves are atomic and keep the previous one as FILE.bak.",
    };
    int n = (int)(sizeof lines / sizeof *lines);
    int h = n + 2 < t->rows - 2 ? n + 2 : t->rows - 2;
    tui_box(1, 0, h, t->cols, "Help (? or F1)");
    for (int i = 0; i < n && i < h - 2; i++) {
        bool head = lines[i][0] != ' ' && i > 0;
        if (head)
            attron(A_BOLD);
        mvprintw(2 + i, 2, "%-.*s", t->cols - 4, lines[i]);
        if (head)
            attroff(A_BOLD);
    }
}

static void draw(struct tui *t)
{
    getmaxyx(stdscr, t->rows, t->cols);
    if (t->rows < MIN_ROWS || t->cols < MIN_COLS) {
        draw_too_small(t);
        return;
    }
    erase();
    if (tui_pane_zoomed(t)) {   /* the shell is the screen (vi, top, less) */
        struct tui_layout L;
        tui_layout(t->rows, t->cols, 1, t->rows - 2, true, false, true, &L);
        curs_set(0);
        tui_pane_draw(t, L.shell);
        tui_pane_place_cursor(t);
        refresh();
        return;
    }
    int bottom = t->rows - 2;   /* message row; legend below it */
    bool pane = tui_pane_is_open(t);
    /* The open lab's step takes the bottom rows (tui_lab.c). */
    int fixed = t->cols >= 120 ? 0 : LAYER_COUNT + 2 + (pane ? 8 : 0);
    int labh = tui_lab_panel_height(t, bottom - 1 - fixed,
                                    t->cols >= 120 ? 2 * LAYER_COUNT + 2 : 6, t->cols - 2);
    tui_more_frame(labh > 0 && t->mode == MODE_MAIN);
    char st[512];
    tui_status_line(st, sizeof st);
    attron(A_BOLD);
    mvprintw(0, 0, "isolab");
    attroff(A_BOLD);
    tui_more_put(0, 8, t->cols - 9, st);
    struct tui_layout L;
    tui_layout(t->rows, t->cols, 1, bottom - labh, pane, tui_feed_shown(t), false, &L);
    tui_draw_layers(t, L.layers.y, L.layers.x, L.layers.h, L.layers.w, L.layers_two_line);
    if (!pane && L.probes.x > 0) {   /* the line between the two columns */
        if (t->ascii_lines)
            mvvline(L.probes.y + 1, L.probes.x - 1, '|', L.probes.h - 1);
        else
            mvvline(L.probes.y + 1, L.probes.x - 1, ACS_VLINE, L.probes.h - 1);
    }
    if (L.probes.h)
        tui_draw_probes(t, L.probes.y, L.probes.x, L.probes.h, L.probes.w);
    if (L.shell.h)
        tui_pane_draw(t, L.shell);
    if (L.feed.h)
        tui_feed_draw(t, L.feed);
    if (labh)
        tui_lab_draw_panel(t, bottom - labh, 0, labh, t->cols);
    switch (t->mode) {
    case MODE_HELP: draw_help(t); break;
    case MODE_DETAILS: tui_draw_details(t); break;
    case MODE_PRESETS: tui_draw_presets(t); break;
    case MODE_PROBE_INFO: tui_draw_probe_info(t); break;
    case MODE_SYSCALLS: tui_draw_syscalls(t); break;
    case MODE_PROFILE_ERROR: tui_draw_profile_error(t); break;
    case MODE_LAB_CHOOSER: case MODE_LAB_TEXT: tui_lab_draw(t); break;
    default: break;
    }
    tui_more_draw(t);
    if (t->mode != MODE_HELP)
        draw_message(t, bottom);
    draw_legend(t, bottom + 1);
    if (t->prompt != PROMPT_NONE)
        move(bottom, (int)(strlen(t->prompt_label) + strlen(t->prompt_buf)));
    else if (t->mode == MODE_MAIN)
        tui_pane_place_cursor(t);
    refresh();
}

/* ---- input -------------------------------------------------------------- */

static void prompt_key(struct tui *t, int ch)
{
    size_t l = strlen(t->prompt_buf);
    if (t->prompt == PROMPT_SAVE_CONFIRM && strchr("yYnN", ch) && ch) {
        t->prompt_buf[0] = (char)ch;
        t->prompt_buf[1] = 0;
        tui_prompt_done(t, true);
        return;
    }
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
        tui_prompt_done(t, true);
    } else if (ch == 27) {
        tui_prompt_done(t, false);
    } else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        if (l)
            t->prompt_buf[l - 1] = 0;
    } else if (ch >= 32 && ch < 127 && l + 1 < sizeof t->prompt_buf) {
        t->prompt_buf[l] = (char)ch;
        t->prompt_buf[l + 1] = 0;
    }
}

static void open_details(struct tui *t, int id)
{
    char why[256];
    if (!layer_available(id, why, sizeof why) && id != LAYER_SECCOMP && id != LAYER_CAPS &&
        id != LAYER_NS) {
        tui_msg(t, true, "%s is unavailable here: %s", layer_name(id), why);
    }
    t->mode = MODE_DETAILS;
    t->detail_layer = id;
    t->detail_sel = 0;
    t->detail_top = 0;
}

static void mouse_event(struct tui *t)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return;
    bool dbl = ev.bstate & BUTTON1_DOUBLE_CLICKED;
    if (t->mode == MODE_MAIN) {
        int per = t->layer_rows > 0 ? t->layer_rows : 1;
        if (ev.y >= t->layers_y && ev.y < t->layers_y + LAYER_COUNT * per &&
            ev.x >= t->layers_x && ev.x < t->layers_x + t->layers_w) {
            int id = (ev.y - t->layers_y) / per;
            bool on_box = ev.x - t->layers_x <= 4;
            t->focus_probes = false;
            if (dbl)
                open_details(t, id);
            else if (on_box || id == t->layer_sel)
                tui_layer_toggle(t, id);
            t->layer_sel = id;
        } else if (ev.y >= t->probes_y && ev.y < t->probes_y + t->probes_h &&
                   ev.x >= t->probes_x) {
            int i = t->probe_top + ev.y - t->probes_y;
            if (i < (int)probe_count) {
                if (t->focus_probes && i == t->probe_sel)
                    t->mode = MODE_PROBE_INFO;
                t->focus_probes = true;
                t->probe_sel = i;
            }
        }
        return;
    }
    if ((t->mode == MODE_DETAILS || t->mode == MODE_PRESETS) && ev.y >= t->list_y &&
        ev.y < t->list_y + t->list_h) {
        int i = t->detail_top + ev.y - t->list_y;
        if (i == t->detail_sel)
            (t->mode == MODE_DETAILS ? tui_details_key : tui_presets_key)(t, '\n');
        else
            t->detail_sel = i;
        return;
    }
    if (t->mode == MODE_HELP || t->mode == MODE_PROBE_INFO)
        t->mode = MODE_MAIN;
}

/* A key in a view that sits over the main screen (help, details, presets,
 * the syscall list, the profile error). Returns false if the main screen
 * has the key. */
static bool view_key(struct tui *t, int ch)
{
    switch (t->mode) {
    case MODE_HELP:
        t->mode = MODE_MAIN;
        return true;
    case MODE_DETAILS:
        tui_details_key(t, ch);
        return true;
    case MODE_PRESETS:
        tui_presets_key(t, ch);
        return true;
    case MODE_PROBE_INFO:
        if (ch == KEY_UP || ch == KEY_DOWN || ch == 'j' || ch == 'k')
            tui_probes_key(t, ch);
        else
            t->mode = MODE_MAIN;
        return true;
    case MODE_SYSCALLS:
        tui_syscalls_key(t, ch);
        return true;
    case MODE_PROFILE_ERROR:
        tui_profile_error_key(t, ch);
        return true;
    default:
        return false;
    }
}

static void open_presets(struct tui *t)
{
    tui_presets_load(t);
    t->mode = MODE_PRESETS;
    /* the cursor starts on the first preset (the one in force is marked
     * (*)), so that the same keys reach the same preset every time */
    t->detail_sel = 0;
    t->detail_top = 0;
}

/* The main screen's command keys. *quit is set by q. Returns false if the
 * key is not one of them. */
static bool command_key(struct tui *t, int ch, bool *quit)
{
    switch (ch) {
    case 'q': case 'Q':
        *quit = true;
        return true;
    case '?': case KEY_F(1): case 'h':
        t->mode = MODE_HELP;
        return true;
    case '\t': case KEY_BTAB:
        t->focus_probes = !t->focus_probes;
        return true;
    case 'p': case 'P':
        open_presets(t);
        return true;
    case 'c': case 'C':
        tui_syscalls_open(t);
        return true;
    case 'e': case 'E':
        tui_edit_external(t);
        return true;
    case TUI_EXPORT_KEY:   /* the configuration for docker, runc or a Pod */
        tui_export_dialog(t);
        return true;
    case 'f': case 'F':
        tui_flags_prompt(t, PROMPT_FLAGS);
        return true;
    case 'o': case 'O':
        tui_flags_prompt(t, PROMPT_OPEN_PROFILE);
        return true;
    case 's':
        tui_pane_open(t);
        return true;
    case 'S':   /* the whole terminal to a shell, until it exits */
        tui_run_shell(t);
        tui_config_changed(t);
        return true;
    case TUI_PANE_FOCUS_KEY: case 'z': case 'X':
        if (!tui_pane_is_open(t))
            tui_msg(t, false, "no shell pane: s opens one");
        else if (ch == 'z')
            tui_pane_toggle_zoom(t);
        else if (ch == 'X')
            tui_pane_close(t);
        else
            tui_pane_set_focus(t, true);
        return true;
    case 'R':
        if (tui_pane_is_open(t)) {
            tui_pane_restart(t);
            return true;
        }
        /* without a pane R re-runs the probes, as r */
        __attribute__((fallthrough));
    case 'r':
        tui_msg(t, false, "running the probes again");
        probe_cache_clear(t->probe_cache);     /* from scratch: nothing kept */
        tui_config_changed(t);
        return true;
    case 12: /* Ctrl-L */
        clearok(stdscr, TRUE);
        return true;
    default:
        return false;
    }
}

/* Up, Down, Space and Enter in the layers panel. */
static void layers_key(struct tui *t, int ch)
{
    switch (ch) {
    case KEY_UP: case 'k':
        if (t->layer_sel > 0)
            t->layer_sel--;
        break;
    case KEY_DOWN: case 'j':
        if (t->layer_sel < LAYER_COUNT - 1)
            t->layer_sel++;
        break;
    case ' ':
        tui_layer_toggle(t, t->layer_sel);
        break;
    case '\n': case '\r': case KEY_ENTER: case KEY_RIGHT:
        open_details(t, t->layer_sel);
        break;
    }
}

/* Returns false when the learner quits. */
static bool handle_key(struct tui *t, int ch)
{
    if (ch == KEY_RESIZE)
        return true;
    if (ch == KEY_MOUSE) {
        mouse_event(t);
        return true;
    }
    if (t->rows < MIN_ROWS || t->cols < MIN_COLS)
        return !(ch == 'q' || ch == 'Q');
    if (t->prompt != PROMPT_NONE) {
        prompt_key(t, ch);
        return true;
    }
    if (tui_more_key(t, ch))   /* i: the whole of a text cut to fit */
        return true;
    if (view_key(t, ch))
        return true;
    if (tui_feed_key(t, ch))   /* f; the feed's keys while it has the focus */
        return true;
    if (tui_lab_key(t, ch))   /* the lab modes; L; the open lab's keys */
        return true;
    bool quit = false;
    if (command_key(t, ch, &quit))
        return !quit;
    if (ch >= '1' && ch <= '0' + LAYER_COUNT) {
        t->focus_probes = false;
        t->layer_sel = ch - '1';
    } else if (t->focus_probes) {
        tui_probes_key(t, ch);
    } else {
        layers_key(t, ch);
    }
    return true;
}

/* Every key waiting: to the pane while it has the focus, else to the lab
 * (which takes no characters beyond ASCII). Returns false to quit. */
static bool read_keys(struct tui *t)
{
    wint_t wc;
    int r;
    while ((r = get_wch(&wc)) != ERR) {
        bool is_key = r == KEY_CODE_YES;
        if (is_key && wc == KEY_RESIZE)
            return true;   /* drawn (the pane and its pty resized) before the next key */
        if (tui_pane_key(t, is_key, wc))
            continue;
        if ((is_key || wc < 128) && !handle_key(t, (int)wc))
            return false;
    }
    return true;
}

int tui_run(struct lab_config *cfg, const char *preset_name)
{
    static struct tui t;
    memset(&t, 0, sizeof t);
    t.cfg = cfg;
    t.watch_wd = -1;
    t.inotify_fd = -1;
    t.probe_fd = -1;
    snprintf(t.preset, sizeof t.preset, "%s", preset_name ? preset_name : "");
    tui_current = &t;
    cfg->argv = NULL;
    cfg->fn = NULL;

    tui_install_signals();
    tui_probes_init(&t);
    tui_presets_load(&t);
    tui_profile_init(&t);
    tui_lab_restore_profile(&t);   /* the learner's edited copy, from last time */
    if (tui_start_note()[0]) {   /* isolab --from FILE */
        char was[sizeof t.msg];
        snprintf(was, sizeof was, "%s", t.msg);
        tui_msg(&t, false, "%s%s%s", tui_start_note(), was[0] ? "; " : "", was);
    }
    if (tui_term_init(&t) < 0) {
        tui_probes_free(&t);
        tui_profile_free(&t);
        return 1;
    }

    bool running = true, redraw = true;
    while (running && !tui_quit_signal) {
        if (t.probes_wanted)
            tui_probes_start(&t);
        tui_live_sync(&t);   /* an edit reaches the live shell before the next call */
        /* Nothing on the screen is timed: after a poll that timed out with
         * no probe run going, it is as drawn (an idle TUI costs ~0 CPU). */
        if (redraw || t.probe_pid > 0) {
            draw(&t);
            tui_start_report(&t);   /* isolab --from FILE: what isolab cannot model */
        }
        short pane_ev;
        int pane_fd = tui_pane_fd(&t, &pane_ev);
        struct pollfd pf[5] = {
            { .fd = STDIN_FILENO, .events = POLLIN },
            { .fd = t.inotify_fd, .events = POLLIN },
            { .fd = t.probe_fd, .events = POLLIN },
            { .fd = pane_fd, .events = pane_ev },   /* the shell pane's pty */
            { .fd = tui_feed_fd(&t), .events = POLLIN },   /* the live feed */
        };
        int r = poll(pf, 5, 100);
        if (r < 0 && errno != EINTR)
            break;
        redraw = r != 0;
        if (tui_quit_signal)
            break;
        tui_probes_poll(&t);
        tui_watch_poll(&t);
        tui_live_sync(&t);
        tui_feed_poll(&t);
        tui_pane_poll(&t, r > 0 ? pf[3].revents : 0);
        running = read_keys(&t);
    }

    tui_pane_close(&t);   /* the pane's sandbox is killed and waited for */
    t.exit_status = tui_quit_signal ? 128 + tui_quit_signal : 0;
    tui_probes_free(&t);
    tui_term_restore();
    tui_lab_free();
    tui_profile_free(&t);
    for (size_t i = 0; i < t.npresets; i++)
        free(t.presets[i]);
    free(t.presets);
    if (tui_quit_signal)
        fprintf(stderr, "isolab: stopped by signal %d (%s); terminal restored\n",
                tui_quit_signal, strsignal(tui_quit_signal));
    tui_current = NULL;
    return t.exit_status;
}
