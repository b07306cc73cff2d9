/* Text from a file is printed escaped: a syscall name holding ESC or a
 * newline must not reach the terminal raw (issue 15), wherever the name is
 * put into a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "escape.h"
#include "isolab.h"
#include "lint.h"
#include "seccomp_profile.h"

static void assert_clean(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            fail_msg("raw control byte 0x%02x in: %s", *p, s);
}

static void test_escape_rule(void **state)
{
    (void)state;
    char out[128];
    assert_string_equal(isolab_escape("a\x1b[2Jb", out, sizeof out), "a\\x1b[2Jb");
    assert_string_equal(isolab_escape("x\ny\tz\r", out, sizeof out), "x\\ny\\tz\\r");
    assert_string_equal(isolab_escape("\x7f\x01", out, sizeof out), "\\x7f\\x01");
    assert_string_equal(isolab_escape("caf\xc3\xa9 \xe2\x9c\x93", out, sizeof out),
                        "caf\xc3\xa9 \xe2\x9c\x93");          /* UTF-8 is kept */
    assert_string_equal(isolab_escape("\xc2\x9b" "2J", out, sizeof out), "\\xc2\\x9b2J"); /* C1 CSI */
    assert_string_equal(isolab_escape("\xff\xc3", out, sizeof out), "\\xff\\xc3");
    assert_string_equal(isolab_escape("\x1b\x1b", out, 6), "\\x1b");  /* cut on a whole escape */
    char buf[32] = "plain";
    isolab_escape_inplace(buf, sizeof buf);
    assert_string_equal(buf, "plain");
    snprintf(buf, sizeof buf, "n\x1b]0;pwned\a");
    isolab_escape_inplace(buf, sizeof buf);
    assert_string_equal(buf, "n\\x1b]0;pwned\\x07");
}

#define EVIL "getpid\x1b[31m\nFAKE LINE"

static void test_parse_error_escaped(void **state)
{
    (void)state;
    const char *t = "{\"defaultAction\": \"SCMP_ACT_\\u001b[2J\\nX\", \"syscalls\": []}";
    struct seccomp_profile *p = NULL;
    struct isolab_err err;
    isolab_err_clear(&err);
    assert_int_equal(seccomp_profile_parse(t, strlen(t), "evil.json", &p, &err), -1);
    assert_clean(err.msg);
    assert_clean(err.hint);
    assert_non_null(strstr(err.msg, "\\x1b[2J\\nX"));
}

static void test_unknown_name_warning_escaped(void **state)
{
    (void)state;
    const char *t = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                    "[\"getpid\\u001b[31m\\nFAKE LINE\"], \"action\": \"SCMP_ACT_ERRNO\"}],"
                    " \"bogus\\u001b\": 1}";
    struct seccomp_profile *p = NULL;
    struct isolab_err err;
    isolab_err_clear(&err);
    assert_int_equal(seccomp_profile_parse(t, strlen(t), "evil.json", &p, &err), 0);
    assert_true(p->nwarnings >= 1);
    for (size_t i = 0; i < p->nwarnings; i++)
        assert_clean(p->warnings[i]);
    struct lint_report rep;
    struct lint_options o;
    lint_options_init(&o);
    lint_text(t, strlen(t), "evil.json", &o, &rep);
    bool named = false;
    for (size_t i = 0; i < rep.n; i++) {
        assert_clean(rep.findings[i].message);
        assert_clean(rep.findings[i].hint);
        named |= strstr(rep.findings[i].message, "getpid\\x1b[31m\\nFAKE LINE") != NULL;
    }
    assert_true(named);
    lint_report_free(&rep);
    seccomp_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_rule),
        cmocka_unit_test(test_parse_error_escaped),
        cmocka_unit_test(test_unknown_name_warning_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
