/* The lab panel (the current step at the bottom of the main screen: its
 * text, hints one at a time, and a ✓ when its check passes) and the lab
 * chooser (L). The check runs in the probe helper (tui_lab.h), so it is
 * re-evaluated after every change to the configuration without blocking
 * the screen. Progress: lab_progress_*; the learner's configuration:
 * lab_current_save after every change, for `isolab lab check`. */
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_lab.h"
#include "tui_more.h"

static struct {
    struct lab **labs;
    size_t nlabs;
    size_t *done;                 /* chooser: steps passed per lab */
    struct lab *lab;              /* the open lab; NULL = no panel */
    struct lab_progress prog;
    size_t step;
    unsigned int gen;             /* bumped by every change of step or config */
    unsigned int step_gen;        /* gen when this step started */
    bool have;                    /* res holds a result for this step */
    bool error;                   /* res is "could not run the check" */
    struct tui_lab_msg res;
    int quiz_choice;              /* last answer, 0-based; -1 = none */
    bool quiz_right;
    char quiz_why[2048];
    int sel, top;                 /* chooser cursor */
    int text_top;                 /* full view scroll */
    int result_y;                 /* the panel's result row, last frame */
    struct lines buf;             /* scratch for wrapping */
} L = { .quiz_choice = -1 };

/* ---- state --------------------------------------------------------------- */

static const struct lab_step *cur_step(void)
{
    return L.lab && L.step < L.lab->nsteps ? &L.lab->steps[L.step] : NULL;
}

/* The learner's configuration as they made it (their profile file, not
 * the TUI's private snapshot of it). */
static void learner_config(const struct tui *t, struct lab_config *c)
{
    *c = *t->cfg;
    c->argv = NULL;
    c->envp = NULL;
    c->fn = NULL;
    c->fn_arg = NULL;
    c->tty = false;
}

static void save_progress(struct tui *t)
{
    struct isolab_err err;
    isolab_err_clear(&err);
    if (L.lab && lab_progress_save(&L.prog, &err) < 0)
        tui_msg(t, true, "lab progress: %s%s%s", err.msg, err.hint[0] ? "  hint: " : "", err.hint);
}

static void save_current(struct tui *t)
{
    const struct lab_step *st = cur_step();
    if (!st || st->kind != LAB_TASK)
        return;
    struct lab_config c;
    learner_config(t, &c);
    struct isolab_err err;
    isolab_err_clear(&err);
    if (lab_current_save(&c, L.lab->id, L.step, &err) < 0)
        tui_msg(t, true, "lab: cannot save your configuration: %s%s%s", err.msg,
                err.hint[0] ? "  hint: " : "", err.hint);
}

void tui_lab_config_changed(struct tui *t)
{
    tui_lab_remember_profile(t);
    if (!L.lab)
        return;
    L.gen++;
    save_current(t);
}

/* The preset named by the step's configuration (or the nearest earlier). */
static const char *step_preset(size_t k)
{
    for (size_t i = k + 1; i-- > 0;) {
        const struct lab_setup *s = &L.lab->steps[i].config;
        if (s->given)
            return s->preset ? s->preset : "docker";
    }
    return "docker";
}

/* Put nc in force in the TUI, following its seccomp profile. note gets
 * what became of the learner's own profile ("" if nothing). */
static void apply_config(struct tui *t, const struct lab_config *nc, const char *preset,
                         char *note, size_t nn)
{
    char before[ISOLAB_PATH_MAX];
    snprintf(before, sizeof before, "%s", t->profile_path);
    struct lab_config keep = *t->cfg;
    *t->cfg = *nc;
    t->cfg->argv = keep.argv;
    t->cfg->envp = keep.envp;
    t->cfg->fn = keep.fn;
    t->cfg->fn_arg = keep.fn_arg;
    t->cfg->tty = keep.tty;
    snprintf(t->preset, sizeof t->preset, "%s", preset);
    char want[ISOLAB_PATH_MAX], rp[PATH_MAX];
    snprintf(want, sizeof want, "%s", nc->seccomp_profile);
    if (!want[0])
        isolab_data_path("profiles/seccomp/docker-default.json", want, sizeof want);
    const char *w = realpath(want, rp) ? rp : want;
    if (strcmp(w, t->profile_path) != 0)
        tui_profile_select(t, w);
    else
        snprintf(t->cfg->seccomp_profile, sizeof t->cfg->seccomp_profile, "%s", t->profile_path);
    tui_lab_kept_note(before, t->profile_path, note, nn);
}

/* After a step's configuration went in: what is in force, in one message
 * (a profile that does not load says so, as the loader put it). */
static void say_in_force(struct tui *t, const char *what, const char *note)
{
    if (t->profile_err[0])
        tui_msg(t, true, "step %zu: %s; its profile does not load: %s%s", L.step + 1, what,
                t->profile_err, note);
    else
        tui_msg(t, false, "step %zu: %s%s", L.step + 1, what, note);
}

static int apply_step_config(struct tui *t, const char *what)
{
    struct lab_config nc;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (lab_step_config(L.lab, L.step, &nc, &err) < 0) {
        tui_msg(t, true, "lab: %s%s%s", err.msg, err.hint[0] ? "  hint: " : "", err.hint);
        return -1;
    }
    char note[ISOLAB_PATH_MAX + 64], msg[128];
    apply_config(t, &nc, step_preset(L.step), note, sizeof note);
    snprintf(msg, sizeof msg, what ? what : "its configuration (%s) is in force",
             step_preset(L.step), L.lab->steps[L.step].config.nflags ? " with the step's changes" : "");
    say_in_force(t, msg, note);
    return 0;
}

/* A task starts from where the learner left it (current.json saved for
 * this lab and step), else, once passed, from the configuration it passed
 * with (going back shows it still passing), else from its start. */
static void start_task(struct tui *t)
{
    struct lab_config cur;
    char id[64], note[ISOLAB_PATH_MAX + 64];
    size_t k;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (lab_current_load(&cur, id, sizeof id, &k, &err) == 0 && !strcmp(id, L.lab->id) &&
        k == L.step) {
        apply_config(t, &cur, "lab", note, sizeof note);
        say_in_force(t, "your configuration from last time is back", note);
        return;
    }
    if (L.step < LAB_MAX_STEPS && L.prog.passed[L.step] && L.prog.config[L.step]) {
        apply_config(t, L.prog.config[L.step], "lab", note, sizeof note);
        say_in_force(t, "passed; the configuration you passed it with is in force", note);
        return;
    }
    apply_step_config(t, "you start from %s%s");
}

static void enter_step(struct tui *t, size_t k)
{
    if (!L.lab || !L.lab->nsteps)
        return;
    if (k >= L.lab->nsteps)
        k = L.lab->nsteps - 1;
    L.step = k;
    L.prog.step = k;
    L.have = false;
    L.error = false;
    L.quiz_choice = -1;
    L.quiz_why[0] = 0;
    L.text_top = 0;
    L.gen++;
    L.step_gen = L.gen;
    save_progress(t);
    /* An observe step shows what its configuration does: the lab applies
     * it (whatever an earlier lab left in force). A task starts from its
     * start or the learner's own work; a quiz changes nothing. */
    if (L.lab->steps[k].kind == LAB_TASK)
        start_task(t);
    else if (L.lab->steps[k].kind == LAB_OBSERVE)
        apply_step_config(t, NULL);
    tui_config_changed(t);   /* the check runs with the next probe run */
}

static void close_lab(struct tui *t)
{
    if (!L.lab)
        return;
    save_progress(t);
    lab_progress_free(&L.prog);
    L.lab = NULL;
    L.have = false;
}

static void open_lab(struct tui *t, struct lab *lab)
{
    close_lab(t);
    struct isolab_err err;
    isolab_err_clear(&err);
    memset(&L.prog, 0, sizeof L.prog);
    if (lab_progress_load(lab->id, &L.prog, &err) < 0) {
        tui_msg(t, true, "lab %s: %s%s%s", lab->id, err.msg, err.hint[0] ? "  hint: " : "", err.hint);
        memset(&L.prog, 0, sizeof L.prog);
        snprintf(L.prog.lab_id, sizeof L.prog.lab_id, "%s", lab->id);
    }
    L.lab = lab;
    enter_step(t, L.prog.step);
}

void tui_lab_free(void)
{
    if (L.lab)
        lab_progress_free(&L.prog);
    L.lab = NULL;
    lab_free_all(L.labs, L.nlabs);
    L.labs = NULL;
    L.nlabs = 0;
    free(L.done);
    L.done = NULL;
}

void tui_lab_open_chooser(struct tui *t)
{
    struct isolab_err err;
    isolab_err_clear(&err);
    if (!L.labs && lab_load_all(&L.labs, &L.nlabs, &err) < 0) {
        tui_msg(t, true, "labs: %s%s%s", err.msg, err.hint[0] ? "  hint: " : "", err.hint);
        L.labs = NULL;
        L.nlabs = 0;
        return;
    }
    if (!L.nlabs) {
        tui_msg(t, true, "no labs found (labs/*.json in isolab's data directory)");
        return;
    }
    free(L.done);
    L.done = calloc(L.nlabs, sizeof *L.done);
    for (size_t i = 0; L.done && i < L.nlabs; i++) {
        if (L.lab == L.labs[i]) {
            L.done[i] = lab_progress_count(&L.prog, L.lab);
            continue;
        }
        struct lab_progress p;
        memset(&p, 0, sizeof p);
        if (lab_progress_load(L.labs[i]->id, &p, &err) == 0) {
            L.done[i] = lab_progress_count(&p, L.labs[i]);
            lab_progress_free(&p);
        }
    }
    /* The cursor starts on the first lab, as it does in the presets: "Down
     * twice" reaches lab 3 from wherever the learner is; the open lab is
     * marked with * instead. */
    L.sel = 0;
    L.top = 0;
    t->mode = MODE_LAB_CHOOSER;
}

/* ---- the check, in the probe helper and back --------------------------- */

bool tui_lab_child_check(const struct lab_config *c, struct tui_lab_msg *m, int *rc,
                         struct isolab_err *err)
{
    const struct lab_step *st = cur_step();
    if (!st || st->kind == LAB_QUIZ)
        return false;
    memset(m, 0, sizeof *m);
    m->gen = L.gen;
    m->step = L.step;
    isolab_err_clear(err);
    /* The probes run under the last valid profile; the step judges the
     * learner's configuration as it is: a file that does not load is
     * refused there, as `isolab lab check` and `isolab run` refuse it. */
    struct lab_config lc = *c;
    const struct tui *t = tui_current;
    if (t && t->profile_err[0] && t->profile_path[0])
        snprintf(lc.seccomp_profile, sizeof lc.seccomp_profile, "%s", t->profile_path);
    struct lab_check chk;
    memset(&chk, 0, sizeof chk);
    *rc = lab_step_check(L.lab, L.step, &lc, &chk, err);
    if (*rc < 0)
        return true;
    m->result = (int)chk.result;
    snprintf(m->reason, sizeof m->reason, "%s", chk.reason);
    m->nitems = chk.nitems < TUI_LAB_ITEMS ? chk.nitems : TUI_LAB_ITEMS;
    for (size_t i = 0; i < m->nitems; i++)
        m->items[i] = chk.items[i];
    lab_check_free(&chk);
    return true;
}

void tui_lab_accept(struct tui *t, int rc, const struct isolab_err *err, const void *body)
{
    struct tui_lab_msg m;
    memcpy(&m, body, sizeof m);
    if (!L.lab || m.step != L.step || m.gen < L.step_gen)
        return;   /* for a step the learner has left */
    L.error = rc < 0;
    if (rc < 0) {
        m.result = LAB_FAIL;
        snprintf(m.reason, sizeof m.reason, "cannot check: %s%s%s", err->msg,
                 err->hint[0] ? "  hint: " : "", err->hint);
        m.nitems = 0;
    }
    L.res = m;
    L.have = true;
    if (rc == 0 && m.gen == L.gen && m.result == LAB_PASS && m.step < LAB_MAX_STEPS &&
        !L.prog.passed[m.step]) {
        struct lab_config c;
        learner_config(t, &c);
        lab_progress_mark_passed(&L.prog, m.step,
                                 L.lab->steps[m.step].kind == LAB_TASK ? &c : NULL);
        save_progress(t);
        tui_msg(t, false, "lab %s: step %zu passed (%zu/%zu)%s", L.lab->id, m.step + 1,
                lab_progress_count(&L.prog, L.lab), L.lab->nsteps,
                m.step + 1 < L.lab->nsteps ? "; ] for the next step" : "; the lab is done");
    }
}

/* ---- drawing ------------------------------------------------------------- */

/* Everything the step says, wrapped to w: the panel shows the top, the
 * full view (i) all of it. */
static void step_lines(struct tui *t, struct lines *ls, int w, bool full)
{
    const struct lab_step *st = cur_step();
    ls->n = 0;
    if (!st)
        return;
    if (full) {
        tui_lab_wrap(ls, st->title, w, "", "", A_BOLD);
        tui_lab_add_line(ls, "", 0, 0);
    }
    tui_lab_wrap(ls, st->text, w, "", "", 0);
    if (st->kind == LAB_QUIZ) {
        /* The answer's verdict first: the panel is short. */
        if (L.quiz_choice >= 0)
            tui_lab_wrap(ls, L.quiz_why, w, "", "  ", A_BOLD);
        for (size_t i = 0; i < st->nchoices; i++) {
            char pre[16];
            snprintf(pre, sizeof pre, "%zu) ", i + 1);
            attr_t a = (int)i == L.quiz_choice ? A_BOLD : 0;
            tui_lab_wrap(ls, st->choices[i], w, pre, "   ", a);
        }
        return;
    }
    char needs[512];
    lab_step_unmet_needs(st, needs, sizeof needs);
    if (needs[0])
        tui_lab_wrap(ls, needs, w, "Not on this machine: ", "  ", A_BOLD);
    unsigned int shown = L.step < LAB_MAX_STEPS ? L.prog.hints[L.step] : 0;
    for (unsigned int k = 0; k < shown && k < st->nhints; k++) {
        char pre[32];
        snprintf(pre, sizeof pre, "Hint %u/%zu: ", k + 1, st->nhints);
        tui_lab_wrap(ls, st->hints[k], w, pre, "  ", t->color ? COLOR_PAIR(3) : A_BOLD);
    }
    bool passed = L.have && L.res.result == LAB_PASS && L.res.gen == L.gen;
    if (passed && st->explain[0])
        tui_lab_wrap(ls, st->explain, w, "Why: ", "  ", 0);
    if (full && L.have) {
        tui_lab_add_line(ls, "", 0, 0);
        tui_lab_add_line(ls, "The check:", 10, A_BOLD);
        for (size_t i = 0; i < L.res.nitems; i++) {
            const struct lab_expect_result *r = &L.res.items[i];
            const char *mk = r->result == LAB_PASS ? (tui_lab_utf8() ? "✓ " : "[OK] ")
                             : r->result == LAB_FAIL ? (tui_lab_utf8() ? "✗ " : "[..] ") : "skip ";
            tui_lab_wrap(ls, r->expected, w, mk, "    ", 0);
            tui_lab_wrap(ls, r->actual, w, "    got: ", "    ", 0);
        }
        tui_lab_wrap(ls, L.res.reason, w, "", "", 0);
    }
}

static int panel_row = -1;   /* where the panel went; -1 when it has no room */

int tui_lab_panel_height(struct tui *t, int avail, int keep, int w)
{
    panel_row = -1;
    if (!L.lab)
        return 0;
    int max = avail - keep;
    if (max < 4)
        return 0;
    step_lines(t, &L.buf, w, false);
    int need = L.buf.n + 3;   /* header, result, keys */
    if (need < 6)
        need = 6;
    return need < max ? need : max;
}

static void result_line(struct tui *t, int y, int x, int w)
{
    const struct lab_step *st = cur_step();
    const char *mark;
    char text[1024];
    int pair = 3;
    bool u = tui_lab_utf8();
    if (st->kind == LAB_QUIZ) {
        if (L.quiz_choice < 0) {
            mark = u ? "?" : "[?]";
            snprintf(text, sizeof text, "answer with 1-%zu", st->nchoices);
        } else if (L.quiz_right) {
            mark = u ? "✓" : "[OK]";
            pair = 1;
            snprintf(text, sizeof text, "PASSED: %d is right", L.quiz_choice + 1);
        } else {
            mark = u ? "✗" : "[..]";
            pair = 2;
            snprintf(text, sizeof text, "NOT YET: %d is not it; read why, then try another",
                     L.quiz_choice + 1);
        }
    } else if (!L.have) {
        mark = "...";
        snprintf(text, sizeof text, "checking%s%s", t->probe_error[0] ? ": " : "", t->probe_error);
    } else {
        bool fresh = L.res.gen == L.gen;
        switch (L.res.result) {
        case LAB_PASS: mark = u ? "✓" : "[OK]"; pair = 1; break;
        case LAB_FAIL: mark = u ? "✗" : "[..]"; pair = 2; break;
        default: mark = u ? "–" : "[--]"; break;
        }
        const char *word = L.error ? "ERROR" : L.res.result == LAB_PASS ? "PASSED"
                           : L.res.result == LAB_FAIL ? "NOT YET" : "SKIPPED";
        snprintf(text, sizeof text, "%s%s%s: %s", fresh ? "" : "(checking again) ", word,
                 st->kind == LAB_OBSERVE && L.res.result == LAB_FAIL && !L.error
                     ? " (a applies the step's configuration)" : "", L.res.reason);
    }
    attr_t a = A_BOLD | (t->color ? COLOR_PAIR(pair) : 0);
    attron(a);
    tui_lab_put(y, x, w, mark);
    attroff(a);
    int mw = tui_lab_cols(mark) + 1;
    tui_lab_put(y, x + mw, w - mw, text);
}

int tui_lab_panel_row(void)
{
    return L.lab ? panel_row : -1;
}

void tui_lab_draw_panel(struct tui *t, int y, int x, int h, int w)
{
    panel_row = y;
    const struct lab_step *st = cur_step();
    if (!st || h < 3)
        return;
    for (int r = y; r < y + h; r++)
        mvhline(r, x, ' ', w);
    attr_t head = A_BOLD | (t->color ? COLOR_PAIR(4) : 0);
    attron(head);
    tui_hline(y, x, w);
    char title[512], right[64];
    snprintf(right, sizeof right, " %zu/%zu done ", lab_progress_count(&L.prog, L.lab),
             L.lab->nsteps);
    snprintf(title, sizeof title, " Lab %d %s: step %zu/%zu %s: %s ", L.lab->order, L.lab->id,
             L.step + 1, L.lab->nsteps, lab_step_kind_name(st->kind), st->title);
    int rw = tui_lab_cols(right);
    tui_lab_put(y, x + 1, w - rw - 3, title);
    tui_lab_put(y, x + w - rw - 1, rw, right);
    attroff(head);
    int rows = h - 3;
    if (rows > 0) {
        step_lines(t, &L.buf, w - 2, false);
        for (int i = 0; i < rows && i < L.buf.n; i++) {
            attron(L.buf.a[i]);
            if (i == rows - 1 && L.buf.n > rows) {   /* hidden lines (a quiz's choices): the cue */
                char last[LINE_BYTES + 8];
                snprintf(last, sizeof last, "%s %s", L.buf.l[i], L.buf.l[i + 1]);
                tui_more_cut(y + 1 + i, x + 1, w - 2, last, 'i');
            } else {
                tui_lab_put(y + 1 + i, x + 1, w - 2, L.buf.l[i]);
            }
            attroff(L.buf.a[i]);
        }
    }
    L.result_y = y + h - 2;
    result_line(t, y + h - 2, x + 1, w - 2);
    char keys[256];
    if (st->kind == LAB_QUIZ)
        snprintf(keys, sizeof keys, "1-%zu answer  ] next  [ prev  i read all  L labs", st->nchoices);
    else
        snprintf(keys, sizeof keys, "] next  [ prev  h hint  a apply the step's config  i read all  L labs");
    attron(A_DIM);
    tui_lab_put(y + h - 1, x + 1, w - 2, keys);
    attroff(A_DIM);
}

static void draw_chooser(struct tui *t)
{
    int n = (int)L.nlabs;
    int h = n + 2 < t->rows - 6 ? n + 2 : t->rows - 6;
    int w = t->cols - 4;
    tui_box(2, 2, h, w, "Labs: guided exercises, checked for real");
    int rows = h - 2;
    if (L.sel >= n)
        L.sel = n - 1;
    if (L.sel < 0)
        L.sel = 0;
    if (L.sel < L.top)
        L.top = L.sel;
    if (L.sel >= L.top + rows)
        L.top = L.sel - rows + 1;
    bool u = tui_lab_utf8();
    for (int r = 0; r < rows; r++) {
        int i = L.top + r;
        if (i >= n)
            break;
        const struct lab *lab = L.labs[i];
        size_t done = L.done ? L.done[i] : 0;
        char line[512];
        snprintf(line, sizeof line, "%c %2d  %-17.17s %3d min  %zu/%zu %s  %s", L.labs[i] == L.lab ? '*' : ' ',
                 lab->order, lab->id, lab->minutes, done, lab->nsteps,
                 done == lab->nsteps ? (u ? "✓ " : "OK") : "  ", lab->title);
        if (i == L.sel)
            attron(A_REVERSE);
        mvhline(3 + r, 3, ' ', w - 2);
        tui_lab_put(3 + r, 3, w - 2, line);
        attroff(A_REVERSE);
    }
    if (n > 0 && L.sel < n) {
        struct lines *ls = &L.buf;
        ls->n = 0;
        tui_lab_wrap(ls, L.labs[L.sel]->goal, w - 4, "Goal: ", "      ", 0);
        int y = 2 + h;
        for (int i = 0; i < ls->n && y < t->rows - 3; i++, y++) {
            mvhline(y, 2, ' ', w);
            tui_lab_put(y, 4, w - 4, ls->l[i]);
        }
    }
}

static void draw_text(struct tui *t)
{
    const struct lab_step *st = cur_step();
    if (!st)
        return;
    /* Down to the panel's result row, which stays in view. */
    int h = L.result_y > 4 && L.result_y < t->rows ? L.result_y - 1 : t->rows - 3;
    int w = t->cols - 2;
    char title[256];
    snprintf(title, sizeof title, "Lab %d %s: step %zu/%zu (%s)", L.lab->order, L.lab->id,
             L.step + 1, L.lab->nsteps, lab_step_kind_name(st->kind));
    tui_box(1, 1, h, w, title);
    step_lines(t, &L.buf, w - 4, true);
    int rows = h - 2;
    if (L.text_top > L.buf.n - rows)
        L.text_top = L.buf.n - rows > 0 ? L.buf.n - rows : 0;
    if (L.text_top < 0)
        L.text_top = 0;
    for (int i = 0; i < rows && L.text_top + i < L.buf.n; i++) {
        int k = L.text_top + i;
        attron(L.buf.a[k]);
        tui_lab_put(2 + i, 3, w - 4, L.buf.l[k]);
        attroff(L.buf.a[k]);
    }
    if (L.buf.n > rows)
        mvprintw(1 + h - 1, w - 12, " %d-%d/%d ", L.text_top + 1,
                 L.text_top + rows < L.buf.n ? L.text_top + rows : L.buf.n, L.buf.n);
}

void tui_lab_draw(struct tui *t)
{
    if (t->mode == MODE_LAB_CHOOSER)
        draw_chooser(t);
    else if (t->mode == MODE_LAB_TEXT)
        draw_text(t);
}

const char *tui_lab_legend(struct tui *t)
{
    if (t->mode == MODE_LAB_CHOOSER)
        return L.lab ? "Up/Down move  Enter open  * the open lab  x close the lab panel  Esc back"
                     : "Up/Down move  Enter open  Esc back";
    return "Up/Down scroll  h hint  ] next  [ prev  digits answer a quiz  Esc back";
}

/* ---- keys ---------------------------------------------------------------- */

static void show_hint(struct tui *t)
{
    const struct lab_step *st = cur_step();
    if (L.step >= LAB_MAX_STEPS)
        return;
    unsigned int k = L.prog.hints[L.step];
    if (!lab_step_hint(st, k)) {
        if (st->nhints)
            tui_msg(t, false, "that was the last hint (%zu of %zu)", st->nhints, st->nhints);
        else
            tui_msg(t, false, "this step has no hints");
        return;
    }
    L.prog.hints[L.step] = k + 1;
    save_progress(t);
    tui_msg(t, false, "hint %u of %zu shown in the lab panel", k + 1, st->nhints);
}

static void answer(struct tui *t, int choice)
{
    const struct lab_step *st = cur_step();
    L.quiz_choice = choice;
    L.quiz_right = lab_quiz_answer(st, choice, L.quiz_why, sizeof L.quiz_why) == 1;
    if (L.quiz_right && L.step < LAB_MAX_STEPS && !L.prog.passed[L.step]) {
        lab_progress_mark_passed(&L.prog, L.step, NULL);
        save_progress(t);
    }
    tui_msg(t, !L.quiz_right, L.quiz_right ? "right (%d)" : "%d is not the answer: the panel says why",
            choice + 1);
}

static bool step_keys(struct tui *t, int ch)
{
    const struct lab_step *st = cur_step();
    if (!st)
        return false;
    switch (ch) {
    case ']':
        if (L.step + 1 < L.lab->nsteps)
            enter_step(t, L.step + 1);
        else
            tui_msg(t, false, "that was the last step of %s; L for another lab", L.lab->id);
        return true;
    case '[':
        if (L.step > 0)
            enter_step(t, L.step - 1);
        return true;
    case 'h':
        if (st->kind == LAB_QUIZ)
            tui_msg(t, false, "a quiz has no hints: a wrong answer says why");
        else
            show_hint(t);
        return true;
    }
    if (st->kind == LAB_QUIZ && ch >= '1' && ch <= '9') {
        if ((size_t)(ch - '1') < st->nchoices)
            answer(t, ch - '1');
        else
            tui_msg(t, true, "this quiz has %zu choices", st->nchoices);
        return true;
    }
    return false;
}

bool tui_lab_key(struct tui *t, int ch)
{
    if (t->mode == MODE_LAB_CHOOSER) {
        switch (ch) {
        case KEY_UP: case 'k':
            if (L.sel > 0)
                L.sel--;
            break;
        case KEY_DOWN: case 'j':
            if (L.sel + 1 < (int)L.nlabs)
                L.sel++;
            break;
        case KEY_HOME:
            L.sel = 0;
            break;
        case KEY_END:
            L.sel = (int)L.nlabs - 1;
            break;
        case '\n': case '\r': case KEY_ENTER:
            t->mode = MODE_MAIN;
            if (L.sel >= 0 && L.sel < (int)L.nlabs && L.labs[L.sel] != L.lab)
                open_lab(t, L.labs[L.sel]);
            break;
        case 'x': case 'X':
            close_lab(t);
            t->mode = MODE_MAIN;
            tui_msg(t, false, "lab panel closed; L opens it again");
            break;
        case 27: case 'q': case 'L':
            t->mode = MODE_MAIN;
            break;
        default:
            if (ch >= '1' && ch <= '9' && ch - '1' < (int)L.nlabs)
                L.sel = ch - '1';
            break;
        }
        return true;
    }
    if (t->mode == MODE_LAB_TEXT) {
        if (step_keys(t, ch))
            return true;
        switch (ch) {
        case KEY_UP: case 'k': L.text_top--; break;
        case KEY_DOWN: case 'j': L.text_top++; break;
        case KEY_PPAGE: L.text_top -= t->rows / 2; break;
        case KEY_NPAGE: case ' ': L.text_top += t->rows / 2; break;
        default: t->mode = MODE_MAIN; break;
        }
        return true;
    }
    if (t->mode != MODE_MAIN)
        return false;
    if (ch == 'L') {
        tui_lab_open_chooser(t);
        return true;
    }
    if (!L.lab)
        return false;
    if (step_keys(t, ch))
        return true;
    switch (ch) {
    case 'a':
        if (cur_step()->kind == LAB_QUIZ) {
            tui_msg(t, false, "a quiz has no configuration: answer with a digit");
            return true;
        }
        if (apply_step_config(t, NULL) == 0)
            tui_config_changed(t);
        return true;
    case 'i':
        L.text_top = 0;
        t->mode = MODE_LAB_TEXT;
        return true;
    }
    return false;
}
