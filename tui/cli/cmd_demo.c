/* isolab demo LAB [--check | --presenter]: an instructor steps through a
 * lab in front of a room with Space (next) and Backspace (back); r re-runs,
 * a shows a quiz's answer, Up/Down/PgUp/PgDn scroll a tall step, q quits.
 * Each step applies its configuration and shows what the lab expects beside
 * what the kernel did; a difference is flagged loudly. A task is shown at
 * its start (its check must not pass yet) and, when the lab gives one, with
 * its solution applied (its check must pass).
 *
 * The projected screen shows what the room may see: no presenter notes and
 * no quiz answer until the key. `--presenter`, in a second terminal, follows
 * it step by step (demo_presenter.c) with the notes, the answer, the next
 * step and a clock.
 * --check rehearses: every step, no keys, notes and answers included, exit
 * 1 on any surprise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_lab.h"
#include "demo.h"
#include "lab.h"

struct demo_view {
    bool rehearse;     /* --check or no terminal: everything, in order */
    bool answer;       /* show a quiz's answer */
};

void demo_step_header(const struct lab *lab, size_t k, struct demo_lines *h, int width)
{
    const struct lab_step *st = &lab->steps[k];
    struct demo_doc d = { 0 };
    demo_para(&d, DS_BOLD, 0, "%s — step %zu/%zu [%s]", lab->title, k + 1, lab->nsteps,
              lab_step_kind_name(st->kind));
    demo_para(&d, DS_TITLE, 0, "%s", st->title);
    demo_layout(&d, width, h);
    demo_doc_free(&d);
    char rule[1024];
    size_t off = 0;
    for (int i = 0; i < width - 1 && off + 4 < sizeof rule; i++)
        off += (size_t)snprintf(rule + off, sizeof rule - off, "─");
    demo_lines_add(h, DS_DIM, rule);
}

static void quiz_body(const struct lab_step *st, const struct demo_view *v, struct demo_doc *d)
{
    demo_para(d, DS_PLAIN, 0, "%s", "");
    for (size_t i = 0; i < st->nchoices; i++) {
        char c[1024];
        snprintf(c, sizeof c, "%zu) %s", i + 1, st->choices[i]);
        demo_para_hang(d, DS_PLAIN, 3, 3, c);
    }
    demo_para(d, DS_PLAIN, 0, "%s", "");
    if (!v->answer) {
        demo_para(d, DS_DIM, 2, "(the answer is hidden: let the room guess, then press a)");
        return;
    }
    demo_para(d, DS_PASS, 2, "answer: %d) %s", st->answer + 1,
              st->answer >= 0 && (size_t)st->answer < st->nchoices ? st->choices[st->answer] : "?");
    if (st->explain[0])
        demo_para(d, DS_PLAIN, 2, "%s", st->explain);
}

static void show_table(const struct lab_check *c, struct demo_doc *d)
{
    demo_row(d, DS_BOLD, " ", "EXPECTED", "REAL");
    for (size_t i = 0; i < c->nitems; i++) {
        const struct lab_expect_result *r = &c->items[i];
        bool pass = r->result == LAB_PASS, failed = r->result == LAB_FAIL;
        demo_row(d, pass ? DS_PASS : failed ? DS_FAIL : DS_SKIP, pass ? "✓" : failed ? "✗" : "?",
                 r->expected, r->actual);
    }
}

static void setup_line(struct demo_doc *d, const char *intro, const struct lab_setup *s,
                       const char *default_preset)
{
    char buf[1024];
    size_t off = (size_t)snprintf(buf, sizeof buf, "%s", intro);
    const char *preset = s->preset ? s->preset : default_preset;
    if (preset && off < sizeof buf)
        off += (size_t)snprintf(buf + off, sizeof buf - off, " --preset %s", preset);
    for (size_t i = 0; i < s->nflags && off < sizeof buf; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, " %s", s->flags[i]);
    demo_para(d, DS_PLAIN, 2, "%s", buf);
}

/* One phase of a step's check (the start of a task, or its solution);
 * returns the number of surprises. */
static int check_phase(const struct lab *lab, size_t k, int phase, struct demo_doc *d)
{
    const struct lab_step *st = &lab->steps[k];
    struct isolab_err err;
    isolab_err_clear(&err);
    struct lab_config cfg;
    if (phase == 1) {
        if (lab_step_solution_config(lab, k, &cfg, &err) < 0) {
            demo_loud(d, "THE SOLUTION DOES NOT APPLY", err.msg);
            return 1;
        }
        demo_para(d, DS_PLAIN, 0, "%s", "");
        setup_line(d, "with the solution:", &st->solution, NULL);
    } else {
        if (lab_step_config(lab, k, &cfg, &err) < 0) {
            demo_loud(d, "THIS STEP'S CONFIGURATION DOES NOT APPLY", err.msg);
            return 1;
        }
        if (st->config.given) {
            demo_para(d, DS_PLAIN, 0, "%s", "");
            setup_line(d, "configuration:", &st->config, "docker");
        }
        if (st->kind == LAB_TASK)
            demo_para(d, DS_PLAIN, 2, "at the start (the check must not pass yet):");
    }
    struct lab_check c;
    if (lab_step_check(lab, k, &cfg, &c, &err) < 0) {
        demo_loud(d, "THE CHECK COULD NOT RUN", err.msg);
        return 1;
    }
    show_table(&c, d);
    bool want_pass = !(st->kind == LAB_TASK && phase == 0);
    int surprises = 0;
    if (c.result == LAB_SKIP) {
        demo_para(d, DS_SKIP, 2, "SKIPPED here: %s", c.reason);
    } else if ((c.result == LAB_PASS) != want_pass) {
        demo_loud(d, want_pass ? "MISMATCH: the real result differs from what the lab expects"
                               : "MISMATCH: the task already passes before the learner changed anything",
                  c.reason);
        surprises = 1;
    } else {
        demo_para(d, DS_PASS, 2, "%s", want_pass ? "as expected" : "not solved yet, as expected");
    }
    lab_check_free(&c);
    return surprises;
}

/* The body of step k into d; returns the number of surprises. */
static int demo_step(const struct lab *lab, size_t k, const struct demo_view *v, struct demo_doc *d)
{
    const struct lab_step *st = &lab->steps[k];
    int surprises = 0;
    demo_para(d, DS_PLAIN, 2, "%s", st->text);
    if (st->kind == LAB_QUIZ) {
        quiz_body(st, v, d);
    } else {
        int phases = st->kind == LAB_TASK && st->solution.given ? 2 : 1;
        for (int phase = 0; phase < phases; phase++) {
            int s = check_phase(lab, k, phase, d);
            surprises += s;
            if (s && phase == 0 && d->n && d->v[d->n - 1].kind == DK_LOUD &&
                strstr(d->v[d->n - 1].a, "CONFIGURATION"))
                return surprises;
        }
        if (st->explain[0]) {
            demo_para(d, DS_PLAIN, 0, "%s", "");
            demo_para(d, DS_PLAIN, 2, "%s", st->explain);
        }
        if (st->kind == LAB_TASK)
            for (size_t i = 0; i < st->nhints; i++)
                demo_para(d, DS_PLAIN, 2, "hint %zu: %s", i + 1, st->hints[i]);
    }
    if (v->rehearse && st->notes[0]) {
        demo_para(d, DS_PLAIN, 0, "%s", "");
        demo_para(d, DS_NOTE, 0, "presenter notes:");
        demo_para(d, DS_PLAIN, 2, "%s", st->notes);
    }
    if (k + 1 == lab->nsteps) {
        demo_para(d, DS_PLAIN, 0, "%s", "");
        demo_para(d, DS_BOLD, 0, "This was the last step: the demo is over.");
    }
    return surprises;
}

static int rehearse(const struct lab *lab, bool color)
{
    int cols, rows, total = 0;
    demo_term_size(&cols, &rows);
    if (!isatty(1))
        cols = 80;
    struct demo_view v = { .rehearse = true, .answer = true };
    for (size_t k = 0; k < lab->nsteps; k++) {
        struct demo_lines out = { 0 };
        demo_step_header(lab, k, &out, cols);
        struct demo_doc d = { 0 };
        total += demo_step(lab, k, &v, &d);
        demo_layout(&d, cols, &out);
        demo_doc_free(&d);
        for (size_t i = 0; i < out.n; i++)
            printf("%s%s%s\n", demo_style_on(out.style[i], color), out.text[i],
                   color && out.style[i] ? "\033[0m" : "");
        demo_lines_free(&out);
    }
    printf("%s: %d surprise%s\n", lab->id, total, total == 1 ? "" : "s");
    return total;
}

/* ---- the projected screen -------------------------------------------- */

struct demo_run {
    const struct lab *lab;
    bool color;
    size_t k, top;
    struct demo_view view;
    struct demo_doc doc;     /* the current step, built once per visit */
    int total;
    int state_dir;           /* -1: no presenter console */
    char state_why[256];
    struct demo_state st;
};

static void footer_lines(const struct demo_run *r, size_t body_n, int room, int cols,
                         struct demo_lines *f)
{
    struct demo_doc d = { 0 };
    const struct lab_step *st = &r->lab->steps[r->k];
    char more[96] = "";
    if (body_n > (size_t)room)
        snprintf(more, sizeof more, "  lines %zu-%zu of %zu, Up/Down PgUp/PgDn scroll",
                 r->top + 1, r->top + (size_t)room < body_n ? r->top + (size_t)room : body_n, body_n);
    bool last = r->k + 1 == r->lab->nsteps;
    demo_para(&d, DS_DIM, 0, "%s", "");
    demo_para(&d, last ? DS_BOLD : DS_PLAIN, 0, "%s%s[Backspace] back  [r] run again%s  [q] quit%s",
              last ? "The demo is over.  " : "", last ? "" : "[Space] next  ",
              st->kind == LAB_QUIZ ? (r->view.answer ? "  [a] hide answer" : "  [a] answer") : "",
              more);
    if (r->state_dir < 0)
        demo_para(&d, DS_DIM, 0, "no presenter console: %s", r->state_why);
    demo_layout(&d, cols, f);
    demo_doc_free(&d);
}

static void redraw(struct demo_run *r)
{
    int cols, rows;
    demo_term_size(&cols, &rows);
    struct demo_lines h = { 0 }, b = { 0 }, f = { 0 };
    demo_step_header(r->lab, r->k, &h, cols);
    demo_layout(&r->doc, cols, &b);
    footer_lines(r, b.n, rows - (int)h.n - 2, cols, &f);
    int room = demo_body_rows(&h, &f, rows);
    size_t max_top = b.n > (size_t)room ? b.n - (size_t)room : 0;
    if (r->top > max_top)
        r->top = max_top;
    if (f.n) {   /* the scroll range may have changed with the clamp */
        demo_lines_free(&f);
        footer_lines(r, b.n, room, cols, &f);
    }
    demo_draw(&h, &b, r->top, &f, cols, rows, r->color);
    demo_lines_free(&h);
    demo_lines_free(&b);
    demo_lines_free(&f);
}

static void enter_step(struct demo_run *r, size_t k)
{
    r->k = k;
    r->top = 0;
    r->view.answer = false;
    demo_doc_free(&r->doc);
    int cols, rows;
    demo_term_size(&cols, &rows);
    struct demo_lines h = { 0 }, b = { 0 }, f = { 0 };
    demo_step_header(r->lab, k, &h, cols);
    demo_lines_add(&b, DS_DIM, "  running the step's check ...");
    demo_draw(&h, &b, 0, &f, cols, rows, r->color);
    demo_lines_free(&h);
    demo_lines_free(&b);
    if (r->state_dir >= 0) {
        r->st.step = k;
        r->st.step_since = time(NULL);
        demo_state_write(r->state_dir, r->lab->id, &r->st);
    }
    r->total += demo_step(r->lab, k, &r->view, &r->doc);
}

/* A key: false to quit. */
static bool demo_key(struct demo_run *r, int ch)
{
    int cols, rows;
    demo_term_size(&cols, &rows);
    size_t page = rows > 10 ? (size_t)rows - 8 : 1;
    switch (ch) {
    case 'q': case 'Q': case 3: case 4: case -1:
        return false;
    case ' ': case '\n': case '\r': case 'n':
        if (r->k + 1 < r->lab->nsteps)
            enter_step(r, r->k + 1);
        break;
    case 127: case 8: case 'b': case 'p':
        if (r->k > 0)
            enter_step(r, r->k - 1);
        break;
    case 'r':
        enter_step(r, r->k);
        break;
    case 'a':
        if (r->lab->steps[r->k].kind == LAB_QUIZ) {
            r->view.answer = !r->view.answer;
            demo_doc_free(&r->doc);
            demo_step(r->lab, r->k, &r->view, &r->doc);
        }
        break;
    case DEMO_KEY_UP: case 'k': if (r->top) r->top--; break;
    case DEMO_KEY_DOWN: case 'j': r->top++; break;
    case DEMO_KEY_PGUP: r->top = r->top > page ? r->top - page : 0; break;
    case DEMO_KEY_PGDN: r->top += page; break;
    case DEMO_KEY_HOME: r->top = 0; break;
    case DEMO_KEY_END: r->top = (size_t)-1 / 2; break;
    default: break;
    }
    return true;
}

static int project(const struct lab *lab, bool color)
{
    struct demo_run r = { .lab = lab, .color = color, .state_dir = -1 };
    r.state_dir = demo_state_dir(r.state_why, sizeof r.state_why);
    r.st = (struct demo_state){ .present = true, .started = time(NULL) };
    if (demo_term_enter() < 0) {
        fprintf(stderr, "isolab demo: cannot set up the terminal\n");
        return 2;
    }
    enter_step(&r, 0);
    redraw(&r);
    for (;;) {
        int ch = demo_read_key(-1);
        if (!demo_key(&r, ch))
            break;
        redraw(&r);
    }
    demo_term_leave();
    if (r.state_dir >= 0) {
        r.st.ended = true;
        demo_state_write(r.state_dir, lab->id, &r.st);
        close(r.state_dir);
    }
    demo_doc_free(&r.doc);
    return r.total;
}

int cmd_demo(int argc, char **argv)
{
    bool check = false, presenter = false;
    const char *id = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--check"))
            check = true;
        else if (!strcmp(argv[i], "--presenter"))
            presenter = true;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: isolab demo LAB [--check | --presenter]\n"
                   "  Space: next step   Backspace: previous   r: run again   a: a quiz's answer\n"
                   "  Up/Down PgUp/PgDn: scroll a tall step   q: quit\n"
                   "  --presenter: in a second terminal, follow the projected demo of LAB with\n"
                   "               the presenter notes, the answer, the next step and a clock\n"
                   "  --check: run every step without keys; exit 1 if any result surprises\n");
            return 0;
        } else
            id = argv[i];
    }
    if (!id || (check && presenter)) {
        fprintf(stderr, "usage: isolab demo LAB [--check | --presenter]\n"
                        "  hint: 'isolab lab list' shows the labs\n");
        return 2;
    }
    bool color = isatty(1) && !getenv("NO_COLOR");
    struct lab **all;
    size_t nall;
    struct lab *own;
    struct lab *lab = cmd_lab_get(id, &all, &nall, &own);
    if (!lab)
        return 2;
    int rc;
    if (presenter)
        rc = demo_presenter(lab, color);
    else if (check || !isatty(0) || !isatty(1))
        rc = rehearse(lab, color) ? 1 : 0;
    else
        rc = project(lab, color) ? 1 : 0;
    lab_free(own);
    lab_free_all(all, nall);
    return rc;
}
