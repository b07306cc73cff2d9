/* isolab lab list | show ID [--step N] | check ID [--step N] [--json]
 *   [--answer K] [--from-start] [layer flags] | hint ID --step N |
 *   reset LAB|--all | validate FILE...
 * Exit status of check: 0 pass, 1 fail, 3 could not tell here (a feature
 * this machine lacks), 2 bad usage or input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli_flags.h"
#include "cli_json.h"
#include "cmd_lab.h"
#include "lab.h"

#define EXIT_SKIP 3

static void lab_usage(FILE *f)
{
    fprintf(f,
            "usage: isolab lab list                      the labs and your progress\n"
            "       isolab lab show LAB [--step N]       a lab's steps, or one step in full\n"
            "       isolab lab check LAB [--step N] [--json] [--answer K] [--from-start]\n"
            "                        [--config FILE.json] [layer flags]\n"
            "                                            check a step (or the whole lab) for real\n"
            "       isolab lab hint LAB --step N         the next hint, one at a time\n"
            "       isolab lab reset LAB | --all         forget one lab's progress, or every lab's\n"
            "       isolab lab validate FILE...          check lab files you wrote\n"
            "       isolab demo LAB [--check]            step through a lab in front of a room\n"
            "\n"
            "LAB is an id (isolab lab list), a number, or the path of a lab file.\n"
            "A task is checked against your current configuration for that step: the\n"
            "step's starting configuration, changed by the layer flags you give (they\n"
            "add up from one check to the next, as in the TUI; --from-start forgets\n"
            "them); --config FILE starts from a configuration saved as JSON (the TUI's\n"
            "current.json format). Exit status: 0 pass, 1 fail, 3 cannot be checked here.\n");
}

struct lab *cmd_lab_get(const char *arg, struct lab ***all, size_t *nall, struct lab **own)
{
    struct isolab_err err;
    isolab_err_clear(&err);
    *all = NULL;
    *nall = 0;
    *own = NULL;
    if (strchr(arg, '/') || (strlen(arg) > 5 && !strcmp(arg + strlen(arg) - 5, ".json"))) {
        if (lab_load(arg, own, &err) < 0) {
            isolab_err_print(&err);
            return NULL;
        }
        return *own;
    }
    if (lab_load_all(all, nall, &err) < 0) {
        isolab_err_print(&err);
        return NULL;
    }
    struct lab *lab = lab_find(*all, *nall, arg);
    if (!lab) {
        fprintf(stderr, "isolab: no lab \"%s\"\n  hint: 'isolab lab list' shows the ids:", arg);
        for (size_t i = 0; i < *nall; i++)
            fprintf(stderr, " %s", (*all)[i]->id);
        fputc('\n', stderr);
    }
    return lab;
}


static void wrap(const char *indent, const char *text)
{
    const int width = 76;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        while (len > (size_t)width) {
            size_t cut = (size_t)width;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            if (!cut)
                cut = (size_t)width;
            printf("%s%.*s\n", indent, (int)cut, p);
            p += cut + (p[cut] == ' ');
            len -= cut + (len > cut && p[-1] == ' ' ? 1 : 0);
        }
        printf("%s%.*s\n", indent, (int)len, p);
        p += len;
        if (*p == '\n')
            p++;
    }
}

static void print_setup(const char *what, const struct lab_setup *s)
{
    printf("  %s: --preset %s", what, s->preset ? s->preset : "docker");
    for (size_t i = 0; i < s->nflags; i++)
        printf(" %s", s->flags[i]);
    putchar('\n');
}

/* Display columns of a UTF-8 string (the titles hold "—"). */
static int text_cols(const char *s)
{
    int c = 0;
    for (; *s; s++)
        c += ((unsigned char)*s & 0xC0) != 0x80;
    return c;
}

/* s padded (or cut, with "…") to exactly w display columns. */
static void print_col(const char *s, int w)
{
    int c = text_cols(s);
    if (c <= w) {
        printf("%s%*s", s, w - c, "");
        return;
    }
    int k = 0;
    for (; *s; s++) {
        bool start = ((unsigned char)*s & 0xC0) != 0x80;
        if (start && ++k > w - 1)
            break;
        putchar(*s);
    }
    fputs("…", stdout);
}

static int do_list(void)
{
    struct lab **labs;
    size_t n;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (lab_load_all(&labs, &n, &err) < 0) {
        isolab_err_print(&err);
        return 2;
    }
    int rc = 0;
    /* columns as wide as their widest entry; on a terminal the title gives
     * way so that a row fits */
    int idw = 2, tw = 5;
    for (size_t i = 0; i < n; i++) {
        idw = text_cols(labs[i]->id) > idw ? text_cols(labs[i]->id) : idw;
        tw = text_cols(labs[i]->title) > tw ? text_cols(labs[i]->title) : tw;
    }
    struct winsize ws;
    int fixed = 4 + idw + 2 + 2 + 5 + 2 + 7;   /* "#  " ID "  " TITLE "  " MIN "  " DONE */
    if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col && tw > ws.ws_col - fixed)
        tw = ws.ws_col - fixed > 10 ? ws.ws_col - fixed : 10;
    printf("%-3s ", "#");
    print_col("ID", idw);
    fputs("  ", stdout);
    print_col("TITLE", tw);
    printf("  %5s  %s\n", "MIN", "DONE");
    for (size_t i = 0; i < n; i++) {
        struct lab_progress p;
        size_t done = 0;
        if (lab_progress_load(labs[i]->id, &p, &err) == 0) {
            done = lab_progress_count(&p, labs[i]);
            lab_progress_free(&p);
        } else if (err.msg[0]) {
            isolab_err_print(&err);   /* once: a corrupt file is moved aside */
            isolab_err_clear(&err);
            rc = 2;
        }
        printf("%-3zu ", i + 1);
        print_col(labs[i]->id, idw);
        fputs("  ", stdout);
        print_col(labs[i]->title, tw);
        printf("  %5d  %zu/%zu%s\n", labs[i]->minutes, done, labs[i]->nsteps,
               done == labs[i]->nsteps ? " ✓" : "");
    }
    lab_free_all(labs, n);
    return rc;
}

static void show_step(const struct lab *lab, size_t k, bool full)
{
    const struct lab_step *st = &lab->steps[k];
    printf("%zu. [%s] %s\n", k + 1, lab_step_kind_name(st->kind), st->title);
    if (!full)
        return;
    wrap("   ", st->text);
    if (st->kind == LAB_QUIZ) {
        for (size_t i = 0; i < st->nchoices; i++)
            printf("   %zu) %s\n", i + 1, st->choices[i]);
        printf("\n   Answer with: isolab lab check %s --step %zu --answer K\n", lab->id, k + 1);
        return;
    }
    if (st->config.given)
        print_setup(st->kind == LAB_TASK ? "starts from" : "configuration", &st->config);
    printf("  %s:\n", st->kind == LAB_TASK ? "goal (checked)" : "what you will see");
    for (size_t i = 0; i < st->nexpect; i++) {
        char d[256];
        lab_expect_describe(&st->expect[i], d, sizeof d);
        printf("    - %s\n", d);
    }
    if (st->kind == LAB_TASK)
        printf("\n   Check with: isolab lab check %s --step %zu [layer flags]\n"
               "   A hint:     isolab lab hint %s --step %zu   (%zu available)\n",
               lab->id, k + 1, lab->id, k + 1, st->nhints);
    else
        printf("\n   Run it with: isolab lab check %s --step %zu\n", lab->id, k + 1);
}

static int parse_step_arg(const struct lab *lab, const char *s, size_t *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 1 || (size_t)v > lab->nsteps) {
        fprintf(stderr, "isolab: --step %s: lab %s has steps 1..%zu\n", s, lab->id, lab->nsteps);
        return -1;
    }
    *out = (size_t)v - 1;
    return 0;
}

static void print_check(const struct lab_check *c, bool color)
{
    for (size_t i = 0; i < c->nitems; i++) {
        const struct lab_expect_result *r = &c->items[i];
        const char *mark = r->result == LAB_PASS ? "✓" : r->result == LAB_FAIL ? "✗" : "-";
        const char *on = !color ? "" : r->result == LAB_PASS ? "\033[32m"
                                     : r->result == LAB_FAIL ? "\033[31m" : "\033[33m";
        printf("  %s%s %s%s\n      got: %s\n", on, mark, r->expected, color ? "\033[0m" : "", r->actual);
    }
}

static void json_check(const struct lab *lab, size_t k, const struct lab_check *c, bool tail)
{
    printf("{\"lab\":");
    cli_json_str(lab->id);
    printf(",\"step\":%zu,\"kind\":\"%s\",\"result\":\"%s\",\"reason\":", k + 1,
           lab_step_kind_name(lab->steps[k].kind), lab_result_name(c->result));
    cli_json_str(c->reason);
    printf(",\"expectations\":[");
    for (size_t i = 0; i < c->nitems; i++) {
        printf("%s{\"result\":\"%s\",\"expected\":", i ? "," : "", lab_result_name(c->items[i].result));
        cli_json_str(c->items[i].expected);
        printf(",\"actual\":");
        cli_json_str(c->items[i].actual);
        printf("}");
    }
    printf("]}%s", tail ? "\n" : "");
}

struct check_opts {
    const char *config_file;
    bool json, from_start, have_step, flags_given;
    size_t step;
    int answer;
};

static int exit_for(enum lab_result r)
{
    return r == LAB_PASS ? 0 : r == LAB_FAIL ? 1 : EXIT_SKIP;
}

static int check_quiz(const struct lab *lab, size_t k, const struct check_opts *o,
                      struct lab_progress *p)
{
    const struct lab_step *st = &lab->steps[k];
    if (o->answer < 1) {
        printf("%s\n", st->text);
        for (size_t i = 0; i < st->nchoices; i++)
            printf("  %zu) %s\n", i + 1, st->choices[i]);
        fprintf(stderr, "isolab: a quiz is checked with --answer K (1..%zu)\n", st->nchoices);
        return 2;
    }
    char why[2048];
    int right = lab_quiz_answer(st, o->answer - 1, why, sizeof why);
    if (o->json) {
        printf("{\"lab\":");
        cli_json_str(lab->id);
        printf(",\"step\":%zu,\"kind\":\"quiz\",\"result\":\"%s\",\"reason\":", k + 1, right ? "pass" : "fail");
        cli_json_str(why);
        printf("}\n");
    } else {
        wrap("", why);
    }
    if (right)
        lab_progress_mark_passed(p, k, NULL);
    return right ? 0 : 1;
}

static int check_one(const struct lab *lab, size_t k, int argc, char **argv, const struct check_opts *o,
                     struct lab_progress *p)
{
    const struct lab_step *st = &lab->steps[k];
    if (st->kind == LAB_QUIZ)
        return check_quiz(lab, k, o, p);
    struct isolab_err err;
    isolab_err_clear(&err);
    struct lab_config cfg;
    const char *base = "the step's configuration";
    if (lab_step_config(lab, k, &cfg, &err) < 0) {
        isolab_err_print(&err);
        return 2;
    }
    char cur_id[64];
    size_t cur_step;
    struct lab_config cur;
    if (o->config_file) {
        if (lab_config_from_json_file(o->config_file, &cfg, &err) < 0) {
            isolab_err_print(&err);
            return 2;
        }
        base = o->config_file;
    } else if (st->kind == LAB_TASK && !o->from_start &&
               lab_current_load(&cur, cur_id, sizeof cur_id, &cur_step, &err) == 0 &&
               !strcmp(cur_id, lab->id) && cur_step == k) {
        cfg = cur;
        base = "your current configuration for this step";
    }
    isolab_err_clear(&err);
    struct cli_flag_opts fo = {.cmd = "isolab lab check", .help = lab_usage};
    int used = cli_layer_flags(&cfg, argc, argv, 0, &fo);
    if (used < 0)
        return 2;
    if (used < argc) {
        fprintf(stderr, "isolab lab check: unexpected argument %s\n  hint: see 'isolab lab --help'\n",
                argv[used]);
        return 2;
    }
    if (st->kind == LAB_TASK && lab_current_save(&cfg, lab->id, k, &err) < 0) {
        isolab_err_print(&err);
        return 2;
    }
    struct lab_check c;
    if (lab_step_check(lab, k, &cfg, &c, &err) < 0) {
        isolab_err_print(&err);
        return 2;
    }
    if (o->json) {
        json_check(lab, k, &c, true);
    } else {
        bool color = isatty(1);
        printf("%s, step %zu/%zu [%s] %s\n  checked against %s%s\n", lab->id, k + 1, lab->nsteps,
               lab_step_kind_name(st->kind), st->title, base, o->flags_given ? " + your flags" : "");
        print_check(&c, color);
        printf("%s: %s\n", c.result == LAB_PASS ? "PASS" : c.result == LAB_FAIL ? "FAIL" : "SKIP", c.reason);
        if (c.result == LAB_FAIL && st->kind == LAB_TASK)
            printf("  stuck? isolab lab hint %s --step %zu\n", lab->id, k + 1);
        if (c.result == LAB_PASS && st->explain[0])
            wrap("  ", st->explain);
    }
    if (c.result == LAB_PASS) {
        lab_progress_mark_passed(p, k, st->kind == LAB_TASK ? &cfg : NULL);
        if (p->step <= k && k + 1 < lab->nsteps)
            p->step = k + 1;
    }
    enum lab_result res = c.result;
    lab_check_free(&c);
    return exit_for(res);
}

/* The whole lab: observe steps under their configuration, tasks against
 * the configuration they passed with (re-checked now), quizzes answered. */
static int check_lab(const struct lab *lab, const struct check_opts *o, struct lab_progress *p)
{
    enum lab_result total = LAB_PASS;
    if (o->json) {
        printf("{\"lab\":");
        cli_json_str(lab->id);
        printf(",\"steps\":[");
    } else {
        printf("%s: %s\n", lab->id, lab->title);
    }
    for (size_t k = 0; k < lab->nsteps; k++) {
        const struct lab_step *st = &lab->steps[k];
        struct lab_check c = {0};
        struct isolab_err err;
        isolab_err_clear(&err);
        struct lab_config cfg;
        if (st->kind == LAB_QUIZ) {
            c.result = p->passed[k] ? LAB_PASS : LAB_FAIL;
            snprintf(c.reason, sizeof c.reason, "%s", p->passed[k] ? "answered right"
                     : "not answered yet (isolab lab check ID --step N --answer K)");
        } else if (st->kind == LAB_TASK && !p->config[k]) {
            c.result = LAB_FAIL;
            snprintf(c.reason, sizeof c.reason, "not solved yet");
        } else {
            int rc = st->kind == LAB_TASK ? (cfg = *p->config[k], 0) : lab_step_config(lab, k, &cfg, &err);
            if (rc < 0 || lab_step_check(lab, k, &cfg, &c, &err) < 0) {
                c.result = LAB_FAIL;
                snprintf(c.reason, sizeof c.reason, "%.500s", err.msg);
            }
        }
        if (c.result == LAB_FAIL)
            total = LAB_FAIL;
        else if (c.result == LAB_SKIP && total == LAB_PASS)
            total = LAB_SKIP;
        if (o->json) {
            if (k)
                putchar(',');
            json_check(lab, k, &c, false);
        } else {
            printf("  %2zu. %-4s %-8s %s: %s\n", k + 1, c.result == LAB_PASS ? "ok" : c.result == LAB_FAIL ? "FAIL" : "skip",
                   lab_step_kind_name(st->kind), st->title, c.reason);
        }
        lab_check_free(&c);
    }
    if (o->json)
        printf("],\"result\":\"%s\"}\n", lab_result_name(total));
    else
        printf("%s\n", total == LAB_PASS ? "PASS: every step holds" : total == LAB_FAIL ? "FAIL" : "PASS (some steps cannot be checked here)");
    return total == LAB_FAIL ? 1 : 0;
}

static int do_check(int argc, char **argv)
{
    if (argc < 2) {
        lab_usage(stderr);
        return 2;
    }
    struct check_opts o = {0};
    char **flags = calloc((size_t)argc + 1, sizeof *flags);
    if (!flags) {
        fprintf(stderr, "isolab: lab check: out of memory for %d arguments\n", argc);
        return 2;
    }
    int nflags = 0;
    const char *step_arg = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            o.json = true;
        else if (!strcmp(argv[i], "--from-start"))
            o.from_start = true;
        else if (!strcmp(argv[i], "--step") && i + 1 < argc)
            step_arg = argv[++i];
        else if (!strncmp(argv[i], "--step=", 7))
            step_arg = argv[i] + 7;
        else if (!strcmp(argv[i], "--config") && i + 1 < argc)
            o.config_file = argv[++i];
        else if (!strcmp(argv[i], "--answer") && i + 1 < argc)
            o.answer = atoi(argv[++i]);
        else
            flags[nflags++] = argv[i];
    }
    o.flags_given = nflags > 0;
    struct lab **all;
    size_t nall;
    struct lab *own;
    struct lab *lab = cmd_lab_get(argv[1], &all, &nall, &own);
    int rc = 2;
    if (!lab)
        goto out;
    if (step_arg && parse_step_arg(lab, step_arg, &o.step) < 0)
        goto out;
    struct isolab_err err;
    isolab_err_clear(&err);
    struct lab_progress p;
    if (lab_progress_load(lab->id, &p, &err) < 0) {
        isolab_err_print(&err);
        goto out;
    }
    if (step_arg) {
        rc = check_one(lab, o.step, nflags, flags, &o, &p);
    } else if (nflags) {
        fprintf(stderr, "isolab: lab check: layer flags need --step N (the step they are for)\n");
        rc = 2;
    } else {
        rc = check_lab(lab, &o, &p);
    }
    if (rc == 0 || rc == 1 || rc == EXIT_SKIP) {
        if (lab_progress_save(&p, &err) < 0) {
            isolab_err_print(&err);
            rc = 2;             /* the result was not kept: say so in the status */
        }
    }
    lab_progress_free(&p);
out:
    free(flags);
    lab_free(own);
    lab_free_all(all, nall);
    return rc;
}

static int do_show(int argc, char **argv, bool hint)
{
    if (argc < 2) {
        lab_usage(stderr);
        return 2;
    }
    struct lab **all;
    size_t nall;
    struct lab *own;
    struct lab *lab = cmd_lab_get(argv[1], &all, &nall, &own);
    int rc = 2;
    size_t step = 0;
    bool have_step = false;
    if (!lab)
        goto out;
    for (int i = 2; i < argc; i++) {
        const char *s = !strcmp(argv[i], "--step") && i + 1 < argc ? argv[++i]
                      : !strncmp(argv[i], "--step=", 7) ? argv[i] + 7 : NULL;
        if (!s) {
            fprintf(stderr, "isolab: lab %s: unexpected argument %s\n", argv[0], argv[i]);
            goto out;
        }
        if (parse_step_arg(lab, s, &step) < 0)
            goto out;
        have_step = true;
    }
    struct isolab_err err;
    isolab_err_clear(&err);
    if (hint) {
        if (!have_step) {
            fprintf(stderr, "isolab: lab hint needs --step N\n");
            goto out;
        }
        struct lab_progress p;
        if (lab_progress_load(lab->id, &p, &err) < 0) {
            isolab_err_print(&err);
            goto out;
        }
        const struct lab_step *st = &lab->steps[step];
        unsigned k = p.hints[step];
        const char *h = lab_step_hint(st, k);
        if (!h) {
            printf("%s\n", st->nhints ? "No more hints: that was the last one." : "This step has no hints.");
            for (size_t i = 0; i < st->nhints; i++)
                printf("  hint %zu/%zu: %s\n", i + 1, st->nhints, st->hints[i]);
        } else {
            printf("hint %u/%zu: ", k + 1, st->nhints);
            wrap("", h);
            p.hints[step] = k + 1;
        }
        rc = h && lab_progress_save(&p, &err) < 0 ? 2 : 0;
        if (rc)
            isolab_err_print(&err);
        lab_progress_free(&p);
        goto out;
    }
    if (have_step) {
        show_step(lab, step, true);
        rc = 0;
        goto out;
    }
    printf("%s — %s (about %d minutes)\n", lab->id, lab->title, lab->minutes);
    wrap("  ", lab->goal);
    putchar('\n');
    for (size_t k = 0; k < lab->nsteps; k++)
        show_step(lab, k, false);
    printf("\nisolab lab show %s --step N shows a step in full.\n", lab->id);
    rc = 0;
out:
    lab_free(own);
    lab_free_all(all, nall);
    return rc;
}

static int do_validate(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: isolab lab validate FILE...\n");
        return 2;
    }
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        struct lab *lab;
        struct isolab_err err;
        isolab_err_clear(&err);
        if (lab_load(argv[i], &lab, &err) < 0) {
            isolab_err_print(&err);
            bad = 1;
            continue;
        }
        size_t n[3] = {0};
        for (size_t k = 0; k < lab->nsteps; k++)
            n[lab->steps[k].kind]++;
        printf("%s: ok: lab \"%s\", %zu step%s (%zu observe, %zu task%s, %zu quiz%s)\n", argv[i],
               lab->id, lab->nsteps, lab->nsteps == 1 ? "" : "s", n[0], n[1], n[1] == 1 ? "" : "s",
               n[2], n[2] == 1 ? "" : "zes");
        lab_free(lab);
    }
    return bad;
}

static int do_reset(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: isolab lab reset LAB | --all\n  hint: LAB is an id or a number "
                "from 'isolab lab list'; --all forgets every lab's progress\n");
        return 2;
    }
    struct lab **all = NULL, *own = NULL, *lab = NULL;
    size_t nall = 0;
    bool every = !strcmp(argv[1], "--all");
    if (!every && !(lab = cmd_lab_get(argv[1], &all, &nall, &own))) {
        lab_free(own);
        lab_free_all(all, nall);
        return 2;
    }
    struct isolab_err err;
    isolab_err_clear(&err);
    int rc = 0;
    if (lab_progress_reset(every ? NULL : lab->id, &err) < 0) {
        isolab_err_print(&err);
        rc = 2;
    } else {
        char dir[ISOLAB_PATH_MAX];
        if (lab_state_dir(dir, sizeof dir, &err) == 0)
            printf("progress %s%s forgotten (%s)\n", every ? "of every lab" : "of lab ",
                   every ? "" : lab->id, dir);
    }
    lab_free(own);
    lab_free_all(all, nall);
    return rc;
}

static int do_list_cmd(int argc, char **argv) { return do_list(); }
static int do_show_cmd(int argc, char **argv) { return do_show(argc, argv, false); }
static int do_hint_cmd(int argc, char **argv) { return do_show(argc, argv, true); }

int cmd_lab(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } cmds[] = {
        {"list", do_list_cmd}, {"show", do_show_cmd}, {"hint", do_hint_cmd},
        {"check", do_check}, {"reset", do_reset}, {"validate", do_validate},
    };
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        lab_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *c = argv[1];
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (!strcmp(c, cmds[i].name))
            return cmds[i].run(argc - 1, argv + 1);
    fprintf(stderr, "isolab: lab: unknown command \"%s\"\n", c);
    lab_usage(stderr);
    return 2;
}
