/* isolab demo LAB [--check]: an instructor steps through a lab with Space
 * (next) and Backspace (back); r re-runs, q quits. Each step applies its
 * configuration and shows what the lab expects beside what the kernel did,
 * with the presenter notes; a difference is flagged loudly. A task is shown
 * at its start (its check must not pass yet) and, when the lab gives one,
 * with its solution applied (its check must pass).
 * --check rehearses: every step, no keys, exit 1 on any surprise. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd_lab.h"
#include "lab.h"

static bool color;

static const char *c_on(const char *code)
{
    return color ? code : "";
}

static void rule(void)
{
    printf("%s────────────────────────────────────────────────────────────────────────────%s\n",
           c_on("\033[2m"), c_on("\033[0m"));
}

static void para(const char *indent, const char *text)
{
    const int width = 76;
    while (*text) {
        size_t len = strcspn(text, "\n");
        const char *p = text;
        while (len > (size_t)width) {
            size_t cut = (size_t)width;
            while (cut && p[cut] != ' ')
                cut--;
            if (!cut)
                cut = (size_t)width;
            printf("%s%.*s\n", indent, (int)cut, p);
            size_t skip = cut + (p[cut] == ' ');
            p += skip;
            len -= skip;
        }
        printf("%s%.*s\n", indent, (int)len, p);
        text = p + len + (p[len] == '\n');
    }
}

static void show_table(const struct lab_check *c)
{
    printf("  %-44s %s\n", "EXPECTED", "REAL");
    for (size_t i = 0; i < c->nitems; i++) {
        const struct lab_expect_result *r = &c->items[i];
        const char *col = r->result == LAB_PASS ? "\033[32m" : r->result == LAB_FAIL ? "\033[1;31m" : "\033[33m";
        printf("  %s%s %-42.42s %.54s%s\n", c_on(col), r->result == LAB_PASS ? "✓" : r->result == LAB_FAIL ? "✗" : "?",
               r->expected, r->actual, c_on("\033[0m"));
    }
}

static void loud(const char *what, const char *reason)
{
    printf("\n%s!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
           "!!  %s\n!!  %s\n"
           "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!%s\n",
           c_on("\033[1;41;37m"), what, reason, c_on("\033[0m"));
}

/* Shows one step; returns the number of surprises. */
static int demo_step(const struct lab *lab, size_t k)
{
    const struct lab_step *st = &lab->steps[k];
    int surprises = 0;
    struct isolab_err err;
    isolab_err_clear(&err);
    printf("%s%s — step %zu/%zu [%s]%s\n", c_on("\033[1m"), lab->title, k + 1, lab->nsteps,
           lab_step_kind_name(st->kind), c_on("\033[0m"));
    rule();
    printf("%s%s%s\n", c_on("\033[1;36m"), st->title, c_on("\033[0m"));
    para("  ", st->text);
    if (st->kind == LAB_QUIZ) {
        for (size_t i = 0; i < st->nchoices; i++)
            printf("   %s%zu) %s%s\n", (int)i == st->answer ? c_on("\033[32m") : "", i + 1, st->choices[i],
                   (int)i == st->answer ? c_on("\033[0m") : "");
        printf("\n  answer: %d\n", st->answer + 1);
        para("  ", st->explain);
    } else {
        char why[256];
        lab_step_unmet_needs(st, why, sizeof why);
        struct lab_config cfg;
        if (lab_step_config(lab, k, &cfg, &err) < 0) {
            loud("THIS STEP'S CONFIGURATION DOES NOT APPLY", err.msg);
            return 1;
        }
        if (st->config.given) {
            printf("\n  configuration: --preset %s", st->config.preset ? st->config.preset : "docker");
            for (size_t i = 0; i < st->config.nflags; i++)
                printf(" %s", st->config.flags[i]);
            putchar('\n');
        }
        for (int phase = 0; phase < (st->kind == LAB_TASK ? 2 : 1); phase++) {
            if (phase == 1) {
                if (!st->solution.given)
                    break;
                if (lab_step_solution_config(lab, k, &cfg, &err) < 0) {
                    loud("THE SOLUTION DOES NOT APPLY", err.msg);
                    surprises++;
                    break;
                }
                printf("\n  with the solution:");
                if (st->solution.preset)
                    printf(" --preset %s", st->solution.preset);
                for (size_t i = 0; i < st->solution.nflags; i++)
                    printf(" %s", st->solution.flags[i]);
                putchar('\n');
            } else if (st->kind == LAB_TASK) {
                printf("\n  at the start (the check must not pass yet):\n");
            }
            fflush(stdout);
            struct lab_check c;
            if (lab_step_check(lab, k, &cfg, &c, &err) < 0) {
                loud("THE CHECK COULD NOT RUN", err.msg);
                surprises++;
                break;
            }
            show_table(&c);
            bool want_pass = !(st->kind == LAB_TASK && phase == 0);
            if (c.result == LAB_SKIP) {
                printf("  %sSKIPPED here: %s%s\n", c_on("\033[1;33m"), c.reason, c_on("\033[0m"));
            } else if ((c.result == LAB_PASS) != want_pass) {
                loud(want_pass ? "MISMATCH: the real result differs from what the lab expects"
                               : "MISMATCH: the task already passes before the learner changed anything",
                     c.reason);
                surprises++;
            } else {
                printf("  %s%s%s\n", c_on("\033[32m"), want_pass ? "as expected" : "not solved yet, as expected", c_on("\033[0m"));
            }
            lab_check_free(&c);
        }
        if (st->explain[0]) {
            printf("\n");
            para("  ", st->explain);
        }
        if (st->kind == LAB_TASK)
            for (size_t i = 0; i < st->nhints; i++)
                printf("  hint %zu: %s\n", i + 1, st->hints[i]);
    }
    if (st->notes[0]) {
        printf("\n%spresenter notes:%s\n", c_on("\033[1;35m"), c_on("\033[0m"));
        para("  ", st->notes);
    }
    rule();
    return surprises;
}

static int read_key(void)
{
    struct termios old, raw;
    bool tty = tcgetattr(0, &old) == 0;
    if (tty) {
        raw = old;
        raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        tcsetattr(0, TCSANOW, &raw);
    }
    unsigned char ch = 0;
    ssize_t n;
    do
        n = read(0, &ch, 1);
    while (n < 0 && errno == EINTR);
    if (tty)
        tcsetattr(0, TCSANOW, &old);
    return n == 1 ? ch : -1;
}

int cmd_demo(int argc, char **argv)
{
    bool check = false;
    const char *id = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--check"))
            check = true;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: isolab demo LAB [--check]\n"
                   "  Space: next step   Backspace: previous   r: run again   q: quit\n"
                   "  --check: run every step without keys; exit 1 if any result surprises\n");
            return 0;
        } else
            id = argv[i];
    }
    if (!id) {
        fprintf(stderr, "usage: isolab demo LAB [--check]\n  hint: 'isolab lab list' shows the labs\n");
        return 2;
    }
    color = isatty(1) && !getenv("NO_COLOR");
    struct lab **all;
    size_t nall;
    struct lab *own;
    struct lab *lab = cmd_lab_get(id, &all, &nall, &own);
    if (!lab)
        return 2;
    int total = 0;
    if (check || !isatty(0)) {
        for (size_t k = 0; k < lab->nsteps; k++)
            total += demo_step(lab, k);
        printf("%s: %d surprise%s\n", lab->id, total, total == 1 ? "" : "s");
    } else {
        size_t k = 0;
        bool redraw = true;
        for (;;) {
            if (redraw) {
                if (color)
                    printf("\033[H\033[2J");
                demo_step(lab, k);
                printf("[Space] next  [Backspace] back  [r] run again  [q] quit\n");
                fflush(stdout);
            }
            int ch = read_key();
            redraw = true;
            if (ch < 0 || ch == 'q' || ch == 3)
                break;
            if ((ch == ' ' || ch == '\n' || ch == 'n') && k + 1 < lab->nsteps)
                k++;
            else if ((ch == 127 || ch == 8 || ch == 'b' || ch == 'p') && k > 0)
                k--;
            else if (ch != 'r')
                redraw = false;
        }
    }
    lab_free(own);
    lab_free_all(all, nall);
    return total ? 1 : 0;
}
