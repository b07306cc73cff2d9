/* Lab files: every shipped lab loads; a bad lab file gets an error that
 * names the file, line:col, the field, what was expected and a fix; quiz
 * answers explain themselves; progress and the learner's configuration
 * survive a save and a load. No sandbox runs here (tests/integration/labs.sh
 * checks the steps for real). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "isolab.h"
#include "lab.h"

/* A valid lab, with one step spliced in where STEP stands. */
static const char head[] =
    "{\n"
    "  \"id\": \"t\",\n"
    "  \"title\": \"T\",\n"
    "  \"goal\": \"G\",\n"
    "  \"minutes\": 5,\n"
    "  \"steps\": [\n";

static int parse_step(const char *step, struct lab **lab, struct isolab_err *err)
{
    char text[8192];
    snprintf(text, sizeof text, "%s%s\n  ]\n}\n", head, step);
    isolab_err_clear(err);
    return lab_parse(text, strlen(text), "t.json", lab, err);
}

/* Expect a parse error containing every one of the NULL-terminated needles
 * in msg (or, after a "hint:" marker, in the hint). */
static void expect_error(const char *step, ...)
{
    struct lab *lab = NULL;
    struct isolab_err err;
    int rc = parse_step(step, &lab, &err);
    if (rc == 0) {
        lab_free(lab);
        fail_msg("parsed, but an error was expected for: %s", step);
    }
    assert_null(lab);
    assert_non_null(strstr(err.msg, "lab: t.json:"));
    va_list ap;
    va_start(ap, step);
    const char *s;
    bool in_hint = false;
    while ((s = va_arg(ap, const char *))) {
        if (!strcmp(s, "hint:")) {
            in_hint = true;
            continue;
        }
        if (!strstr(in_hint ? err.hint : err.msg, s))
            fail_msg("expected \"%s\" in the %s; got: %s  /  hint: %s", s, in_hint ? "hint" : "message",
                     err.msg, err.hint);
    }
    va_end(ap);
}

static const char observe_ok[] =
    "    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"x\",\n"
    "     \"expect\": [{\"probe\": \"unshare-user\", \"verdict\": \"blocked\", \"by\": [\"seccomp\"]}]}";

static void test_minimal_lab_parses(void **state)
{
    (void)state;
    struct lab *lab;
    struct isolab_err err;
    assert_int_equal(parse_step(observe_ok, &lab, &err), 0);
    assert_string_equal(lab->id, "t");
    assert_int_equal(lab->nsteps, 1);
    assert_int_equal(lab->steps[0].kind, LAB_OBSERVE);
    assert_int_equal(lab->steps[0].nexpect, 1);
    const struct lab_expect *e = &lab->steps[0].expect[0];
    assert_int_equal(e->kind, LAB_EXPECT_PROBE);
    assert_string_equal(probe_catalogue[e->probe].id, "unshare-user");
    assert_int_equal(e->verdict, PROBE_BLOCKED);
    assert_int_equal(e->by, 1u << LAYER_SECCOMP);
    /* where the expectation is: line 8 of the spliced text */
    assert_int_equal(e->line, 8);
    lab_free(lab);
}

static void test_syntax_error_has_position(void **state)
{
    (void)state;
    struct lab *lab;
    struct isolab_err err;
    isolab_err_clear(&err);
    const char text[] = "{\n  \"id\": \"t\",\n  \"title\" \"T\"\n}\n";
    assert_int_equal(lab_parse(text, strlen(text), "bad.json", &lab, &err), -1);
    assert_non_null(strstr(err.msg, "bad.json:3:"));
    assert_non_null(strstr(err.msg, "not valid JSON"));
    assert_true(err.hint[0]);
}

static void test_missing_field(void **state)
{
    (void)state;
    struct lab *lab;
    struct isolab_err err;
    isolab_err_clear(&err);
    const char text[] = "{\"id\": \"t\", \"goal\": \"g\", \"minutes\": 5, \"steps\": []}";
    assert_int_equal(lab_parse(text, strlen(text), "m.json", &lab, &err), -1);
    assert_non_null(strstr(err.msg, "m.json:1:1"));
    assert_non_null(strstr(err.msg, "\"title\" is missing"));
    assert_non_null(strstr(err.hint, "\"title\":"));
}

static void test_bad_id(void **state)
{
    (void)state;
    struct lab *lab;
    struct isolab_err err;
    isolab_err_clear(&err);
    const char text[] = "{\"id\": \"My Lab\", \"title\": \"t\", \"goal\": \"g\", \"minutes\": 5, \"steps\": []}";
    assert_int_equal(lab_parse(text, strlen(text), "i.json", &lab, &err), -1);
    assert_non_null(strstr(err.msg, "i.json:1:8: id:"));
    assert_non_null(strstr(err.hint, "lower-case"));
}

static void test_unknown_kind_points_at_value(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"observ\", \"title\": \"o\", \"text\": \"x\"}",
                 "t.json:7:14: steps[0].kind", "unknown step kind \"observ\"",
                 "hint:", "\"observe\"", NULL);
}

static void test_unknown_field_suggests(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"task\", \"title\": \"o\", \"text\": \"x\", \"hint\": [\"a\"],\n"
                 "     \"expect\": [{\"probe\": \"chmod\", \"verdict\": \"allowed\"}]}",
                 "t.json:7:49", "steps[0].hint", "unknown field \"hint\"",
                 "hint:", "did you mean \"hints\"", NULL);
}

static void test_unknown_probe(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"x\",\n"
                 "     \"expect\": [{\"probe\": \"unshare\", \"verdict\": \"blocked\"}]}",
                 "t.json:8:27: ", "steps[0].expect[0].probe", "unknown probe \"unshare\"",
                 "hint:", "isolab probe", NULL);
}

static void test_unknown_layer(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"x\",\n"
                 "     \"expect\": [{\"probe\": \"chmod\", \"verdict\": \"blocked\", \"by\": [\"selinux\"]}]}",
                 "steps[0].expect[0].by[0]", "unknown layer \"selinux\"", "hint:", "\"lsm\"", NULL);
}

static void test_allowed_with_by(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"x\",\n"
                 "     \"expect\": [{\"probe\": \"chmod\", \"verdict\": \"allowed\", \"by\": [\"caps\"]}]}",
                 "steps[0].expect[0].verdict", "an allowed probe is blocked by no layer", NULL);
}

static void test_task_needs_hints(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"task\", \"title\": \"o\", \"text\": \"x\",\n"
                 "     \"expect\": [{\"probe\": \"chmod\", \"verdict\": \"allowed\"}]}",
                 "steps[0]", "a task needs at least one hint", "hint:", "\"hints\"", NULL);
}

static void test_observe_needs_expect(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"x\"}",
                 "non-empty \"expect\"", "hint:", "\"probe\"", NULL);
}

static void test_bad_regex(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"x\",\n"
                 "     \"expect\": [{\"command\": [\"true\"], \"output\": \"a(b\"}]}",
                 "t.json:8:49: ", "steps[0].expect[0].output", "bad regular expression", NULL);
}

static void test_two_kinds_in_one_expectation(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"x\",\n"
                 "     \"expect\": [{\"probe\": \"chmod\", \"verdict\": \"allowed\", \"command\": \"true\"}]}",
                 "both \"probe\" and \"command\"", NULL);
}

static void test_bad_preset_and_flag(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"x\",\n"
                 "     \"config\": {\"preset\": \"dokker\"},\n"
                 "     \"expect\": [{\"probe\": \"chmod\", \"verdict\": \"allowed\"}]}",
                 "t.json:8:27: ", "steps[0].config.preset", "dokker", NULL);
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"x\",\n"
                 "     \"config\": {\"flags\": [\"--cap-add\", \"SYS_TYPO\"]},\n"
                 "     \"expect\": [{\"probe\": \"chmod\", \"verdict\": \"allowed\"}]}",
                 "steps[0].config.flags", "SYS_TYPO", NULL);
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"x\",\n"
                 "     \"config\": {\"flags\": [\"--security-opt\", \"seccomp=no/such.json\"]},\n"
                 "     \"expect\": [{\"probe\": \"chmod\", \"verdict\": \"allowed\"}]}",
                 "steps[0].config.flags", "no/such.json not found", "hint:", "data directory", NULL);
    /* issue 9: "--user 1000:" wrote over its NUL and the message read past
     * the end (ASan: heap-buffer-overflow); now a plain refusal */
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"x\",\n"
                 "     \"config\": {\"flags\": [\"--user\", \"1000:\"]},\n"
                 "     \"expect\": [{\"probe\": \"chmod\", \"verdict\": \"allowed\"}]}",
                 "steps[0].config.flags", "--user 1000:: expected a numeric UID or UID:GID", NULL);
}

static void test_quiz_errors(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"quiz\", \"title\": \"q\", \"text\": \"?\", \"explain\": \"e\",\n"
                 "     \"choices\": [\"a\", \"b\"], \"answer\": 3, \"why_wrong\": [null, \"no\"]}",
                 "steps[0].answer", "3 is out of range", "hint:", "1 to 2", NULL);
    expect_error("    {\"kind\": \"quiz\", \"title\": \"q\", \"text\": \"?\", \"explain\": \"e\",\n"
                 "     \"choices\": [\"a\", \"b\"], \"answer\": 1, \"why_wrong\": [null, null]}",
                 "steps[0].why_wrong[1]", "a wrong choice needs a reason", NULL);
    expect_error("    {\"kind\": \"quiz\", \"title\": \"q\", \"text\": \"?\",\n"
                 "     \"choices\": [\"a\", \"b\"], \"answer\": 1, \"why_wrong\": [null, \"no\"]}",
                 "a quiz needs \"explain\"", NULL);
    expect_error("    {\"kind\": \"quiz\", \"title\": \"q\", \"text\": \"?\", \"explain\": \"e\",\n"
                 "     \"choices\": [\"a\", \"b\"], \"answer\": 1, \"why_wrong\": [null, \"no\"],\n"
                 "     \"expect\": [{\"probe\": \"chmod\", \"verdict\": \"allowed\"}]}",
                 "steps[0].expect", "a quiz has no \"expect\"", NULL);
}

static void test_quiz_answer_explains(void **state)
{
    (void)state;
    struct lab *lab;
    struct isolab_err err;
    assert_int_equal(parse_step("    {\"kind\": \"quiz\", \"title\": \"q\", \"text\": \"?\",\n"
                                "     \"explain\": \"Because B.\",\n"
                                "     \"choices\": [\"A\", \"B\", \"C\"], \"answer\": 2,\n"
                                "     \"why_wrong\": [\"A is about mounts.\", null, \"C is about cgroups.\"]}",
                                &lab, &err), 0);
    char why[512];
    const struct lab_step *st = &lab->steps[0];
    assert_int_equal(lab_quiz_answer(st, 0, why, sizeof why), 0);
    assert_non_null(strstr(why, "A is about mounts."));
    assert_null(strstr(why, "Because B."));   /* a wrong answer is not told the right one */
    assert_int_equal(lab_quiz_answer(st, 2, why, sizeof why), 0);
    assert_non_null(strstr(why, "C is about cgroups."));
    assert_int_equal(lab_quiz_answer(st, 1, why, sizeof why), 1);
    assert_non_null(strstr(why, "Because B."));
    assert_null(strstr(why, "mounts"));
    assert_int_equal(lab_quiz_answer(st, 7, why, sizeof why), 0);
    lab_free(lab);
}

static void test_hints_one_at_a_time(void **state)
{
    (void)state;
    struct lab *lab;
    struct isolab_err err;
    assert_int_equal(parse_step("    {\"kind\": \"task\", \"title\": \"o\", \"text\": \"x\",\n"
                                "     \"hints\": [\"first\", \"second\"],\n"
                                "     \"expect\": [{\"probe\": \"chmod\", \"verdict\": \"allowed\"}]}",
                                &lab, &err), 0);
    assert_string_equal(lab_step_hint(&lab->steps[0], 0), "first");
    assert_string_equal(lab_step_hint(&lab->steps[0], 1), "second");
    assert_null(lab_step_hint(&lab->steps[0], 2));
    lab_free(lab);
}

static void test_shipped_labs_load(void **state)
{
    (void)state;
    struct lab **labs;
    size_t n;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (lab_load_all(&labs, &n, &err) < 0)
        fail_msg("%s (%s)", err.msg, err.hint);
    assert_true(n >= 9);
    const char *ids[] = {"seccomp", "seccomp-profiles", "capabilities", "namespaces", "cgroups",
                         "mac", "kubernetes", "architectures", "capstone"};
    for (size_t i = 0; i < 9; i++) {
        assert_non_null(lab_find(labs, n, ids[i]));
        assert_ptr_equal(lab_find(labs, n, ids[i]), labs[i]);   /* in curriculum order */
    }
    assert_ptr_equal(lab_find(labs, n, "3"), labs[2]);
    assert_null(lab_find(labs, n, "nope"));
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < labs[i]->nsteps; k++) {
            struct lab_config cfg;
            if (lab_step_config(labs[i], k, &cfg, &err) < 0)
                fail_msg("%s step %zu: %s", labs[i]->id, k + 1, err.msg);
            if (labs[i]->steps[k].kind == LAB_TASK &&
                lab_step_solution_config(labs[i], k, &cfg, &err) < 0)
                fail_msg("%s step %zu solution: %s", labs[i]->id, k + 1, err.msg);
        }
    lab_free_all(labs, n);
}

/* Quizzes cannot be guessed (issue 14): the answers of the shipped quizzes
 * are spread over the positions (no position holds half of them), and the
 * feedback for a wrong answer never states the right one -- neither the
 * explanation nor the right choice's words. Lab 1's CVE question gave it
 * away through a why_wrong. */
static void test_quizzes_cannot_be_guessed(void **state)
{
    (void)state;
    struct lab **labs;
    size_t n, nquiz = 0, at[10] = {0};
    struct isolab_err err;
    isolab_err_clear(&err);
    if (lab_load_all(&labs, &n, &err) < 0)
        fail_msg("%s (%s)", err.msg, err.hint);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < labs[i]->nsteps; k++) {
            const struct lab_step *st = &labs[i]->steps[k];
            if (st->kind != LAB_QUIZ)
                continue;
            nquiz++;
            at[st->answer]++;
            /* the right choice's words: its head before ':' if it has one */
            char head[256];
            snprintf(head, sizeof head, "%s", st->choices[st->answer]);
            char *colon = strchr(head, ':');
            if (colon && colon > head)
                *colon = 0;
            for (size_t c = 0; c < st->nchoices; c++) {
                if ((int)c == st->answer)
                    continue;
                char why[2048];
                assert_int_equal(lab_quiz_answer(st, (int)c, why, sizeof why), 0);
                if (strstr(why, st->explain) || strstr(why, head))
                    fail_msg("%s step %zu, choice %zu: the wrong answer's feedback gives the "
                             "answer away: %s", labs[i]->id, k + 1, c + 1, why);
                if (!strcmp(labs[i]->id, "seccomp") && strstr(st->title, "CVE") &&
                    (strstr(why, "user namespace") || strstr(why, "unshare")))
                    fail_msg("seccomp step %zu, choice %zu: names the answer: %s", k + 1, c + 1, why);
            }
        }
    size_t used = 0;
    for (size_t a = 0; a < 10; a++) {
        used += at[a] > 0;
        if (at[a] * 2 > nquiz)
            fail_msg("%zu of the %zu quizzes have answer %zu: a learner guesses it", at[a], nquiz,
                     a + 1);
    }
    assert_true(nquiz >= 10);
    assert_true(used >= 3);
    lab_free_all(labs, n);
}

/* Every task step can be followed in the TUI alone (issue 14): it has a
 * hint that begins "In the TUI:" and names the keys in backquotes (the
 * walk in tests/tui/tui_lab_walk.sh presses them), and no step asks for a
 * file flag the TUI cannot take as such ("seccomp=YOURFILE"). */
static void test_tasks_have_tui_hints(void **state)
{
    (void)state;
    struct lab **labs;
    size_t n;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (lab_load_all(&labs, &n, &err) < 0)
        fail_msg("%s (%s)", err.msg, err.hint);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < labs[i]->nsteps; k++) {
            const struct lab_step *st = &labs[i]->steps[k];
            if (strstr(st->text, "YOURFILE"))
                fail_msg("%s step %zu asks for --security-opt seccomp=YOURFILE", labs[i]->id, k + 1);
            if (st->kind != LAB_TASK)
                continue;
            assert_true(st->nhints >= 1);
            bool tui = false;
            for (size_t h = 0; h < st->nhints; h++) {
                const char *q = strchr(st->hints[h], '`');
                tui |= !strncmp(st->hints[h], "In the TUI: ", 12) && q && strchr(q + 1, '`');
            }
            if (!tui)
                fail_msg("%s step %zu (%s): no hint says \"In the TUI: ...\" with the keys in "
                         "`backquotes`", labs[i]->id, k + 1, st->title);
        }
    lab_free_all(labs, n);
}

/* {"profile": "refused", "error": RE}: judged by loading the profile, as
 * the TUI's message line and `isolab run` show it (lab 2 step 1). */
static void test_profile_expectation(void **state)
{
    (void)state;
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"t\",\n"
                 "     \"expect\": [{\"profile\": \"broken\"}]}",
                 "steps[0].expect[0].profile", "expected \"loads\" or \"refused\"", NULL);
    expect_error("    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"t\",\n"
                 "     \"expect\": [{\"profile\": \"loads\", \"error\": \"x\"}]}",
                 "steps[0].expect[0].error", NULL);
    struct lab *lab;
    struct isolab_err err;
    assert_int_equal(parse_step(
        "    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"t\",\n"
        "     \"config\": {\"flags\": [\"--security-opt\", \"seccomp=profiles/seccomp/no-uring-broken.json\"]},\n"
        "     \"expect\": [{\"profile\": \"refused\", \"error\": \"no-uring-broken.json:3:[0-9]+: syscalls\\\\[0\\\\]: the bare string\"}]},\n"
        "    {\"kind\": \"observe\", \"title\": \"o\", \"text\": \"t\", \"config\": {\"preset\": \"docker\"},\n"
        "     \"expect\": [{\"profile\": \"loads\"}]}", &lab, &err), 0);
    for (size_t k = 0; k < 2; k++) {
        struct lab_config cfg;
        struct lab_check c;
        assert_int_equal(lab_step_config(lab, k, &cfg, &err), 0);
        assert_int_equal(lab_step_check(lab, k, &cfg, &c, &err), 0);
        if (c.result != LAB_PASS)
            fail_msg("step %zu: %s", k + 1, c.reason);
        lab_check_free(&c);
        /* each under the other's configuration: the opposite */
        assert_int_equal(lab_step_config(lab, 1 - k, &cfg, &err), 0);
        assert_int_equal(lab_step_check(lab, k, &cfg, &c, &err), 0);
        assert_int_equal(c.result, LAB_FAIL);
        assert_non_null(strstr(c.items[0].actual, k ? "refused: seccomp: " : "loads"));
        lab_check_free(&c);
    }
    lab_free(lab);
}

static char tmpdir[64];

static int make_state(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/isolab-test-lab-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    setenv("XDG_STATE_HOME", tmpdir, 1);
    return 0;
}

static int drop_state(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_progress_roundtrip(void **state)
{
    (void)state;
    struct isolab_err err;
    isolab_err_clear(&err);
    char dir[4096];
    assert_int_equal(lab_state_dir(dir, sizeof dir, &err), 0);
    assert_non_null(strstr(dir, tmpdir));
    assert_non_null(strstr(dir, "/isolab"));

    struct lab_progress p;
    assert_int_equal(lab_progress_load("seccomp", &p, &err), 0);
    assert_int_equal(p.step, 0);
    assert_false(p.passed[0]);
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    cfg.caps |= 1ull << isolab_cap_from_name("SYS_TIME");
    cfg.pids_limit = 10;
    cfg.layer_on[LAYER_SECCOMP] = false;
    lab_progress_mark_passed(&p, 4, &cfg);
    lab_progress_mark_passed(&p, 2, NULL);
    p.step = 5;
    p.hints[4] = 2;
    assert_int_equal(lab_progress_save(&p, &err), 0);
    lab_progress_free(&p);

    struct lab_progress q;
    assert_int_equal(lab_progress_load("seccomp", &q, &err), 0);
    assert_int_equal(q.step, 5);
    assert_true(q.passed[2]);
    assert_true(q.passed[4]);
    assert_false(q.passed[3]);
    assert_int_equal(q.hints[4], 2);
    assert_null(q.config[2]);
    assert_non_null(q.config[4]);
    assert_int_equal(q.config[4]->caps, cfg.caps);
    assert_int_equal(q.config[4]->pids_limit, 10);
    assert_false(q.config[4]->layer_on[LAYER_SECCOMP]);
    lab_progress_free(&q);

    /* another lab is untouched; reset forgets one lab */
    assert_int_equal(lab_progress_load("mac", &q, &err), 0);
    assert_false(q.passed[2]);
    assert_int_equal(lab_progress_reset("seccomp", &err), 0);
    assert_int_equal(lab_progress_load("seccomp", &q, &err), 0);
    assert_false(q.passed[4]);
    lab_progress_free(&q);
}

static void test_current_config_roundtrip(void **state)
{
    (void)state;
    struct isolab_err err;
    isolab_err_clear(&err);
    struct lab_config cfg, back;
    char id[64];
    size_t step = 99;
    assert_int_equal(lab_progress_reset(NULL, &err), 0);
    assert_int_equal(lab_current_load(&back, id, sizeof id, &step, &err), 1);  /* none yet */
    lab_config_init_docker(&cfg);
    cfg.ns[NS_PID] = false;
    cfg.ns[NS_USER] = true;
    cfg.memory_bytes = 64ll << 20;
    cfg.cpus = 0.5;
    cfg.no_new_privs = true;
    snprintf(cfg.lsm_profile, sizeof cfg.lsm_profile, "isolab-readonly-root");
    snprintf(cfg.seccomp_profile, sizeof cfg.seccomp_profile, "/some/where.json");
    assert_int_equal(lab_current_save(&cfg, "namespaces", 3, &err), 0);
    assert_int_equal(lab_current_load(&back, id, sizeof id, &step, &err), 0);
    assert_string_equal(id, "namespaces");
    assert_int_equal(step, 3);
    assert_false(back.ns[NS_PID]);
    assert_true(back.ns[NS_USER]);
    assert_int_equal(back.memory_bytes, 64ll << 20);
    assert_true(back.cpus > 0.49 && back.cpus < 0.51);
    assert_true(back.no_new_privs);
    assert_int_equal(back.caps, cfg.caps);
    assert_string_equal(back.lsm_profile, "isolab-readonly-root");
    assert_string_equal(back.seccomp_profile, "/some/where.json");
    for (int id2 = 0; id2 < LAYER_COUNT; id2++)
        assert_int_equal(back.layer_on[id2], cfg.layer_on[id2]);
}

static void write_progress(const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/isolab", tmpdir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/isolab/progress.json", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The file kept aside: its name and that it holds what was written. */
static void assert_kept_aside(const char *text)
{
    char cmd[256], got[256] = "";
    snprintf(cmd, sizeof cmd, "cat %s/isolab/progress.json.corrupt-* 2>/dev/null", tmpdir);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(got, 1, sizeof got - 1, f);
    pclose(f);
    got[n] = '\0';
    assert_string_equal(got, text);
}

/* A file that is not progress is kept aside with a warning, not read as
 * "nothing done" in silence, and a save afterwards is kept. */
static void test_progress_corrupt_kept_aside(void **state)
{
    (void)state;
    const char *bad[] = {"{\"labs\": {\"seccomp\": {\"passed\": [0", "[]",
                         "{\"labs\": []}", "{\"labs\": {\"seccomp\": 7}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -f %s/isolab/progress.json*", tmpdir);
        assert_int_equal(system(cmd), 0);
        write_progress(bad[i]);
        struct isolab_err err;
        isolab_err_clear(&err);
        struct lab_progress p;
        assert_int_equal(lab_progress_load("seccomp", &p, &err), -1);
        assert_non_null(strstr(err.msg, "warning"));
        assert_non_null(strstr(err.msg, "progress.json.corrupt-"));
        assert_kept_aside(bad[i]);
        assert_false(p.passed[0]);
        /* the next answer is saved and read back */
        lab_progress_mark_passed(&p, 1, NULL);
        isolab_err_clear(&err);
        assert_int_equal(lab_progress_save(&p, &err), 0);
        struct lab_progress q;
        assert_int_equal(lab_progress_load("seccomp", &q, &err), 0);
        assert_true(q.passed[1]);
        lab_progress_free(&p);
        lab_progress_free(&q);
    }
}

/* Two isolabs on the same lab (the CLI and a TUI): each save merges into
 * what the other saved, instead of writing over it. */
static void test_progress_saves_merge(void **state)
{
    (void)state;
    struct isolab_err err;
    isolab_err_clear(&err);
    struct lab_progress tui, cli, back;
    assert_int_equal(lab_progress_load("seccomp", &tui, &err), 0);
    assert_int_equal(lab_progress_load("seccomp", &cli, &err), 0);
    struct lab_config cfg;
    lab_config_init_docker(&cfg);
    cfg.pids_limit = 7;
    lab_progress_mark_passed(&cli, 3, &cfg);
    cli.hints[3] = 2;
    assert_int_equal(lab_progress_save(&cli, &err), 0);
    lab_progress_mark_passed(&tui, 0, NULL);
    tui.hints[3] = 1;
    tui.step = 1;
    assert_int_equal(lab_progress_save(&tui, &err), 0);
    assert_int_equal(lab_progress_load("seccomp", &back, &err), 0);
    assert_true(back.passed[0]);
    assert_true(back.passed[3]);
    assert_int_equal(back.hints[3], 2);
    assert_non_null(back.config[3]);
    assert_int_equal(back.config[3]->pids_limit, 7);
    assert_int_equal(back.step, 1);
    lab_progress_free(&tui);
    lab_progress_free(&cli);
    lab_progress_free(&back);
    /* no temporary or half-written file is left behind */
    char cmd[160];
    snprintf(cmd, sizeof cmd, "ls %s/isolab | grep -q tmp", tmpdir);
    assert_int_not_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_lab_parses),
        cmocka_unit_test(test_syntax_error_has_position),
        cmocka_unit_test(test_missing_field),
        cmocka_unit_test(test_bad_id),
        cmocka_unit_test(test_unknown_kind_points_at_value),
        cmocka_unit_test(test_unknown_field_suggests),
        cmocka_unit_test(test_unknown_probe),
        cmocka_unit_test(test_unknown_layer),
        cmocka_unit_test(test_allowed_with_by),
        cmocka_unit_test(test_task_needs_hints),
        cmocka_unit_test(test_observe_needs_expect),
        cmocka_unit_test(test_bad_regex),
        cmocka_unit_test(test_two_kinds_in_one_expectation),
        cmocka_unit_test(test_bad_preset_and_flag),
        cmocka_unit_test(test_quiz_errors),
        cmocka_unit_test(test_quiz_answer_explains),
        cmocka_unit_test(test_hints_one_at_a_time),
        cmocka_unit_test(test_shipped_labs_load),
        cmocka_unit_test(test_quizzes_cannot_be_guessed),
        cmocka_unit_test(test_tasks_have_tui_hints),
        cmocka_unit_test(test_profile_expectation),
        cmocka_unit_test_setup_teardown(test_progress_roundtrip, make_state, drop_state),
        cmocka_unit_test_setup_teardown(test_current_config_roundtrip, make_state, drop_state),
        cmocka_unit_test_setup_teardown(test_progress_corrupt_kept_aside, make_state, drop_state),
        cmocka_unit_test_setup_teardown(test_progress_saves_merge, make_state, drop_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
