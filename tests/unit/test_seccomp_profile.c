/* Seccomp profiles: Docker's real profiles load unchanged with the meanings
 * that ../shared/peers/README.md states; Docker's validation errors and
 * isolab's located errors; includes/excludes resolution against the
 * capabilities; the model's decisions; compiling to BPF for several
 * capability sets. Docker's files are found through $ISOLAB_PEERS or
 * ../shared/peers (from the repository root); without them those tests are
 * skipped with the reason. */
#include <errno.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <seccomp.h>

#include "isolab.h"
#include "profile_helpers.h"
#include "seccomp_profile.h"

#define CAP(n) (1ULL << (n))
#define CAP_SYS_ADMIN_BIT 21
#define CAP_SYSLOG_BIT 34
#define CAP_SYS_PTRACE_BIT 19
#define CAP_SYS_TIME_BIT 25

static char peers[4096];

static void peer_path(char *out, size_t n, const char *rel)
{
    snprintf(out, n, "%s/moby-profiles/seccomp/%s", peers, rel);
}

static struct seccomp_profile *load_peer(const char *rel)
{
    char path[4200];
    peer_path(path, sizeof path, rel);
    return test_load_profile(path);
}

static struct seccomp_profile *parse_ok(const char *text)
{
    return test_parse_profile(text, "t.json");
}

/* Parses text expecting an error; returns it. */
static struct isolab_err parse_err(const char *text)
{
    struct seccomp_profile *p = NULL;
    struct isolab_err err;
    isolab_err_clear(&err);
    int rc = seccomp_profile_parse(text, strlen(text), "t.json", &p, &err);
    if (rc == 0) {
        seccomp_profile_free(p);
        fail_msg("parsed, but an error was expected:\n%s", text);
    }
    assert_null(p);
    printf("# %s\n#   hint: %s\n", err.msg, err.hint);
    return err;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

static struct sc_verdict eval(const struct seccomp_profile *p, uint64_t caps, const char *sc,
                              const uint64_t *args)
{
    struct sc_verdict v;
    assert_int_equal(seccomp_profile_eval(p, caps, SCMP_ARCH_X86_64, sc, args, &v), 0);
    return v;
}

/* ---- Docker's files load unchanged, with their meanings ------------------ */

static void test_peers_load_unchanged(void **state)
{
    (void)state;
    struct seccomp_profile *p = load_peer("default.json");
    assert_int_equal(p->default_action, SC_ACT_ERRNO);
    assert_true(p->has_default_errno);
    assert_int_equal(p->default_errno, 1);
    assert_int_equal(p->narchmap, 9);
    assert_int_equal(p->archmap[0].arch, SCMP_ARCH_X86_64);
    assert_int_equal(p->archmap[0].nsubs, 2);
    assert_int_equal(p->archmap[0].subs[0], SCMP_ARCH_X86);
    assert_int_equal(p->archmap[0].subs[1], SCMP_ARCH_X32);
    assert_int_equal(p->nrules, 33);
    assert_int_equal(p->nwarnings, 0);
    /* syscalls[0] starts on line 62 of Docker's file */
    assert_int_equal(p->rules[0].line, 62);
    seccomp_profile_free(p);

    p = load_peer("fixtures/default-old-format.json");
    assert_int_equal(p->narches, 3);
    assert_int_equal(p->arches[0], SCMP_ARCH_X86_64);
    assert_int_equal(p->nrules, 311);
    assert_int_equal(p->rules[0].nnames, 1);
    assert_string_equal(p->rules[0].names[0], "accept");
    seccomp_profile_free(p);

    p = load_peer("fixtures/conditional_include.json");
    assert_int_equal(p->nrules, 3);
    assert_int_equal(p->rules[1].includes.ncaps, 1);
    assert_string_equal(p->rules[1].includes.caps[0], "CAP_SYSLOG");
    assert_int_equal(p->rules[1].includes.cap_mask, CAP(CAP_SYSLOG_BIT));
    assert_int_equal(p->rules[2].excludes.cap_mask, CAP(CAP_SYS_ADMIN_BIT));
    seccomp_profile_free(p);
}

static void test_example_meanings(void **state)
{
    (void)state;
    struct seccomp_profile *p = load_peer("fixtures/example.json");
    assert_true(p->has_default_errno);
    assert_int_equal(p->default_errno, 1);
    assert_int_equal(p->nrules, 4);
    const struct sc_rule *clone = &p->rules[0];
    assert_string_equal(clone->names[0], "clone");
    assert_int_equal(clone->nargs, 1);
    assert_int_equal(clone->args[0].index, 0);
    assert_int_equal(clone->args[0].value, 2114060288ULL);
    assert_int_equal(clone->args[0].value, 0x7E020000ULL);
    assert_int_equal(clone->args[0].value_two, 0);
    assert_int_equal(clone->args[0].op, SCMP_CMP_MASKED_EQ);
    const struct sc_rule *syslog = &p->rules[3];
    assert_string_equal(syslog->names[0], "syslog");
    assert_int_equal(syslog->action, SC_ACT_ERRNO);
    assert_true(syslog->has_errno);
    assert_int_equal(syslog->errno_ret, 12345);

    /* clone without CLONE_NEW* flags is allowed, with CLONE_NEWUSER not */
    uint64_t plain[6] = { 17 /* SIGCHLD */ }, newuser[6] = { 0x10000000 | 17 };
    struct sc_verdict v = eval(p, 0, "clone", plain);
    assert_int_equal(v.action, SC_ACT_ALLOW);
    assert_ptr_equal(v.rule, clone);
    v = eval(p, 0, "clone", newuser);
    assert_int_equal(v.action, SC_ACT_ERRNO);
    assert_int_equal(v.errno_ret, EPERM);
    assert_null(v.rule);
    v = eval(p, 0, "clone", NULL);
    assert_int_equal(v.action, SC_ACT_ALLOW);
    assert_true(v.conditional);
    /* the kernel caps SECCOMP_RET_ERRNO data at 4095 */
    v = eval(p, 0, "syslog", NULL);
    assert_int_equal(v.action, SC_ACT_ERRNO);
    assert_int_equal(v.errno_ret, 4095);
    assert_ptr_equal(v.rule, syslog);
    seccomp_profile_free(p);
}

/* Docker's TestLoadProfileWithDefaultErrnoRet / WithListenerPath / WithFlag */
static void test_flags_listener_errno_load_as_given(void **state)
{
    (void)state;
    struct seccomp_profile *p = parse_ok(
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 6,\n"
        " \"listenerPath\": \"/var/run/seccompaget.sock\",\n"
        " \"listenerMetadata\": \"opaque-metadata\",\n"
        " \"flags\": [\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\", \"SECCOMP_FILTER_FLAG_LOG\"],\n"
        " \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
    assert_int_equal(p->default_errno, 6);
    assert_string_equal(p->listener_path, "/var/run/seccompaget.sock");
    assert_string_equal(p->listener_metadata, "opaque-metadata");
    assert_int_equal(p->nflags, 2);
    assert_string_equal(p->flag_names[0], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
    assert_string_equal(p->flag_names[1], "SECCOMP_FILTER_FLAG_LOG");
    assert_int_equal(p->flags, SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_LOG);

    struct sock_fprog prog;
    unsigned int flags = 0;
    struct isolab_err err;
    isolab_err_clear(&err);
    assert_int_equal(seccomp_profile_compile(p, 0, &prog, &flags, NULL, NULL, NULL, &err), 0);
    assert_int_equal(flags, SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_LOG);
    free(prog.filter);
    seccomp_profile_free(p);

    p = parse_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": "
                 "[\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}");
    assert_int_equal(p->flags, SECCOMP_FILTER_FLAG_TSYNC | (1u << 5));
    assert_int_equal(p->nrules, 0);
    seccomp_profile_free(p);
}

/* ---- errors ----------------------------------------------------------------- */

static void test_docker_rejects_architectures_and_archmap(void **state)
{
    (void)state;
    struct isolab_err e = parse_err(
        "{\n"
        "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
        "  \"architectures\": [\"SCMP_ARCH_X86_64\"],\n"
        "  \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": null}],\n"
        "  \"syscalls\": []\n"
        "}\n");
    assert_contains(e.msg, "t.json:4:3: archMap:");
    assert_contains(e.msg, "both 'architectures' and 'archMap'");
    assert_contains(e.hint, "either 'architectures' or 'archMap'");
}

static void test_docker_rejects_name_and_names(void **state)
{
    (void)state;
    struct isolab_err e = parse_err(
        "{\n"
        "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
        "  \"syscalls\": [\n"
        "    {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
        "    {\"name\": \"chmod\", \"names\": [\"fchmod\"], \"action\": \"SCMP_ACT_ALLOW\"}\n"
        "  ]\n"
        "}\n");
    assert_contains(e.msg, "t.json:5:6: syscalls[1].name:");
    assert_contains(e.msg, "both 'name' and 'names'");
    assert_contains(e.hint, "either 'name' or 'names'");
}

static void test_bare_strings_answer_with_meant_form(void **state)
{
    (void)state;
    struct isolab_err e = parse_err(
        "{\n"
        "  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
        "  \"syscalls\": [\"io_uring_setup\", \"io_uring_enter\", \"io_uring_register\"]\n"
        "}\n");
    assert_contains(e.msg, "t.json:3:16: syscalls[0]:");
    assert_contains(e.msg, "\"io_uring_setup\"");
    assert_contains(e.hint, "{\"names\": [\"io_uring_setup\", \"io_uring_enter\", "
                            "\"io_uring_register\"], \"action\": \"SCMP_ACT_ERRNO\"}");
    /* under a deny-by-default profile a list that can start a program is
     * an allowlist: the names meant are the allowed ones */
    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\"execve\", \"read\"]}");
    assert_contains(e.hint, "{\"names\": [\"execve\", \"read\"], \"action\": \"SCMP_ACT_ALLOW\"}");
    /* the workshop's no_uring.json (issue 14): io_uring under an ERRNO
     * default. Allowing just these would run nothing: the hint reads the
     * intent (deny them), and the error says what the literal reading does */
    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
                  " \"syscalls\": [\"io_uring_setup\", \"io_uring_enter\", \"io_uring_register\"]}");
    assert_contains(e.hint, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                            "[\"io_uring_setup\", \"io_uring_enter\", \"io_uring_register\"], "
                            "\"action\": \"SCMP_ACT_ERRNO\"}]}");
    assert_contains(e.hint, "profiles/seccomp/docker-default.json");
    assert_null(strstr(e.hint, "\"action\": \"SCMP_ACT_ALLOW\""));
    assert_contains(e.msg, "Read literally, {\"names\": [...], \"action\": \"SCMP_ACT_ALLOW\"} under "
                           "\"defaultAction\": \"SCMP_ACT_ERRNO\" would allow these 3 syscalls and "
                           "nothing else");
    assert_contains(e.msg, "no program could even start");
    /* a whole file that is a list: the same reading */
    e = parse_err("[\"io_uring_setup\"]");
    assert_contains(e.hint, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                            "[\"io_uring_setup\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
    /* a string among rule objects is located too */
    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
                  "  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
                  "  \"bpf\"]}");
    assert_contains(e.msg, "t.json:3:3: syscalls[1]:");
    assert_contains(e.hint, "{\"names\": [\"bpf\"], \"action\": \"SCMP_ACT_ERRNO\"}");
}

static void test_unknown_action_names_the_entry(void **state)
{
    (void)state;
    struct isolab_err e = parse_err(
        "{\n"
        "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
        "  \"syscalls\": [\n"
        "    {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
        "    {\"names\": [\"chmod\"],\n"
        "     \"action\": \"SCMP_ACT_DENY\"}\n"
        "  ]\n"
        "}\n");
    assert_contains(e.msg, "t.json:6:16: syscalls[1].action: unknown action \"SCMP_ACT_DENY\"");
    assert_contains(e.msg, "SCMP_ACT_KILL_PROCESS");
    assert_contains(e.hint, "SCMP_ACT_ERRNO");
    e = parse_err("{\"defaultAction\": \"ALLOW\"}");
    assert_contains(e.msg, "t.json:1:19: defaultAction: unknown action \"ALLOW\"");
    assert_contains(e.hint, "did you mean \"SCMP_ACT_ALLOW\"?");
}

static void test_unknown_operator_names_the_entry(void **state)
{
    (void)state;
    struct isolab_err e = parse_err(
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
        " \"syscalls\": [\n"
        "  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
        "   \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"},\n"
        "            {\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_EQUAL\"}]}]}");
    assert_contains(e.msg, "t.json:5:44: syscalls[0].args[1].op: unknown operator "
                           "\"SCMP_CMP_EQUAL\"");
    assert_contains(e.msg, "SCMP_CMP_MASKED_EQ");
    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"socket\"],"
                  " \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1}]}]}");
    assert_contains(e.msg, "syscalls[0].args[0]: missing field \"op\"");
    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"socket\"],"
                  " \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"op\": \"SCMP_CMP_EQ\"}]}]}");
    assert_contains(e.msg, "syscalls[0].args[0].index: 6 is out of range");
}

static void test_wrong_types_name_the_entry(void **state)
{
    (void)state;
    struct isolab_err e = parse_err(
        "{\n"
        "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
        "  \"syscalls\": [\n"
        "    {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": \"EPERM\"}\n"
        "  ]\n"
        "}\n");
    assert_contains(e.msg, "t.json:4:67: syscalls[0].errnoRet: expected a non-negative integer, "
                           "found the string \"EPERM\"");
    assert_contains(e.hint, "1 (that is EPERM)");

    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
                  " \"syscalls\": [{\"names\": \"chmod\", \"action\": \"SCMP_ACT_ALLOW\"}]}");
    assert_contains(e.msg, "t.json:2:25: syscalls[0].names: expected an array of strings, "
                           "found the string \"chmod\"");
    assert_contains(e.hint, "\"names\": [\"chmod\"]");

    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": {\"names\": [\"read\"]}}");
    assert_contains(e.msg, "syscalls: expected an array of rule objects, found an object");

    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"],"
                  " \"action\": 1}]}");
    assert_contains(e.msg, "syscalls[0].action: expected an action name in double quotes, "
                           "found the number 1");

    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"chmod\"],"
                  " \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"minKernel\": 5.8}}]}");
    assert_contains(e.msg, "syscalls[0].includes.minKernel: expected a version string");
    assert_contains(e.hint, "\"minKernel\": \"5.8\"");

    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_46\"]}");
    assert_contains(e.msg, "architectures[0]: unknown architecture \"SCMP_ARCH_X86_46\"");
    assert_contains(e.hint, "did you mean \"SCMP_ARCH_X86_64\"?");

    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LGO\"]}");
    assert_contains(e.msg, "flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_LGO\"");
    assert_contains(e.hint, "did you mean \"SECCOMP_FILTER_FLAG_LOG\"?");

    e = parse_err("[\"chmod\", \"fchmod\"]");
    assert_contains(e.msg, "t.json:1:1: expected an object, found an array");
    assert_contains(e.hint, "\"syscalls\": [{\"names\": [\"chmod\", \"fchmod\"]");
}

static void test_missing_fields_and_syntax(void **state)
{
    (void)state;
    struct isolab_err e = parse_err("{\"syscalls\": []}");
    assert_contains(e.msg, "missing field \"defaultAction\"");
    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"syscalls\": [\n"
                  "  {\"names\": [\"socket\"], \"acton\": \"SCMP_ACT_ERRNO\"}]}");
    assert_contains(e.msg, "t.json:3:3: syscalls[0]: missing field \"action\"");
    assert_contains(e.hint, "did you mean \"action\" instead of \"acton\"?");
    /* syntax errors: jansson's position, and the likely cause */
    e = parse_err("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [\n"
                  "    {\"names\": [\"socket\"] \"action\": \"SCMP_ACT_ERRNO\"}\n  ]\n}\n");
    assert_contains(e.msg, "t.json:4:");
    assert_contains(e.msg, "invalid JSON");
    assert_contains(e.hint, "a comma is probably missing before '\"action\"'");
    e = parse_err("");
    assert_contains(e.hint, "empty");
    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultAction\": \"SCMP_ACT_ALLOW\"}");
    assert_contains(e.hint, "appears twice");
    /* NOTIFY needs a supervisor */
    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"],"
                  " \"action\": \"SCMP_ACT_NOTIFY\"}]}");
    assert_contains(e.msg, "syscalls[0].action: SCMP_ACT_NOTIFY needs a \"listenerPath\"");
    e = parse_err("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [],"
                  " \"action\": \"SCMP_ACT_ERRNO\"}]}");
    assert_contains(e.msg, "syscalls[0].names: empty");
}

static void test_docker_leniency_and_warnings(void **state)
{
    (void)state;
    /* Go matches field names in any case, ignores unknown ones, accepts
     * Docker's arch names; isolab warns where it is probably a mistake. */
    struct seccomp_profile *p = parse_ok(
        "{\"DefaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"amd64\", \"x86\", \"x32\"],\n"
        " \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"exclude\": {}},\n"
        "  {\"names\": [\"bpf\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
        "[\"SYS_ADMIN\", \"CAP_NOT_A_CAP\"]}}]}");
    assert_int_equal(p->narches, 3);
    assert_int_equal(p->arches[0], SCMP_ARCH_X86_64);
    assert_int_equal(p->arches[1], SCMP_ARCH_X86);
    assert_int_equal(p->arches[2], SCMP_ARCH_X32);
    assert_int_equal(p->nwarnings, 4);
    assert_contains(p->warnings[0], "t.json:1:2: DefaultAction: field \"DefaultAction\" is read as "
                                    "\"defaultAction\"");
    assert_contains(p->warnings[1], "syscalls[0].exclude: unknown field \"exclude\" is ignored; "
                                    "did you mean \"excludes\"?");
    assert_contains(p->warnings[2], "write \"CAP_SYS_ADMIN\"");
    assert_contains(p->warnings[3], "unknown capability \"CAP_NOT_A_CAP\"");
    /* an unknown capability is never present: the rule never applies */
    assert_true(p->rules[1].includes.cap_unknown);
    assert_false(seccomp_rule_applies(&p->rules[1], caps_all_known(), SCMP_ARCH_X86_64,
                                      kernel_version_code()));
    seccomp_profile_free(p);
}

/* ---- includes / excludes ------------------------------------------------ */

static void test_docker_default_resolution(void **state)
{
    (void)state;
    struct seccomp_profile *p = load_peer("default.json");
    uint64_t dflt = caps_docker_default(), admin = dflt | CAP(CAP_SYS_ADMIN_BIT);
    struct sc_verdict v = eval(p, dflt, "unshare", NULL);
    assert_int_equal(v.action, SC_ACT_ERRNO);
    assert_int_equal(v.errno_ret, EPERM);
    assert_null(v.rule);
    v = eval(p, admin, "unshare", NULL);
    assert_int_equal(v.action, SC_ACT_ALLOW);
    assert_non_null(v.rule);
    assert_int_equal(v.rule->includes.cap_mask, CAP(CAP_SYS_ADMIN_BIT));
    v = eval(p, dflt, "clone3", NULL);
    assert_int_equal(v.action, SC_ACT_ERRNO);
    assert_int_equal(v.errno_ret, ENOSYS);
    v = eval(p, admin, "clone3", NULL);
    assert_int_equal(v.action, SC_ACT_ALLOW);
    /* clone: only without CLONE_NEW* flags, unless CAP_SYS_ADMIN */
    uint64_t newns[6] = { 0x00020000 | 17 }, plain[6] = { 17 };
    assert_int_equal(eval(p, dflt, "clone", newns).action, SC_ACT_ERRNO);
    assert_int_equal(eval(p, dflt, "clone", plain).action, SC_ACT_ALLOW);
    assert_int_equal(eval(p, admin, "clone", newns).action, SC_ACT_ALLOW);
    /* socket: every family but AF_VSOCK (40) and AF_KCM... (38) */
    uint64_t inet[6] = { 2 }, vsock[6] = { 40 }, fam39[6] = { 39 };
    assert_int_equal(eval(p, dflt, "socket", inet).action, SC_ACT_ALLOW);
    assert_int_equal(eval(p, dflt, "socket", fam39).action, SC_ACT_ALLOW);
    assert_int_equal(eval(p, dflt, "socket", vsock).action, SC_ACT_ERRNO);
    /* CAP_SYS_TIME unlocks clock_settime; CAP_SYS_CHROOT (a default) chroot */
    assert_int_equal(eval(p, dflt, "clock_settime", NULL).action, SC_ACT_ERRNO);
    assert_int_equal(eval(p, dflt | CAP(CAP_SYS_TIME_BIT), "clock_settime", NULL).action,
                     SC_ACT_ALLOW);
    assert_int_equal(eval(p, dflt, "chroot", NULL).action, SC_ACT_ALLOW);
    assert_int_equal(eval(p, 0, "chroot", NULL).action, SC_ACT_ERRNO);
    /* arch-conditional: arch_prctl for amd64/x32, s390 rules not here */
    assert_int_equal(eval(p, dflt, "arch_prctl", NULL).action, SC_ACT_ALLOW);
    struct sc_verdict s390;
    assert_int_equal(seccomp_profile_eval(p, dflt, SCMP_ARCH_S390X, "s390_runtime_instr", NULL,
                                          &s390), 0);
    assert_int_equal(s390.action, SC_ACT_ALLOW);
    /* minKernel 4.8: ptrace allowed without CAP_SYS_PTRACE on this kernel */
    assert_true(kernel_version_code() >= 4008000);
    assert_int_equal(eval(p, dflt, "ptrace", NULL).action, SC_ACT_ALLOW);
    /* not a syscall here */
    struct sc_verdict nv;
    assert_int_equal(seccomp_profile_eval(p, dflt, SCMP_ARCH_X86_64, "not_a_syscall", NULL, &nv), -1);
    seccomp_profile_free(p);
}

static void test_conditional_include_fixture(void **state)
{
    (void)state;
    struct seccomp_profile *p = load_peer("fixtures/conditional_include.json");
    assert_int_equal(eval(p, 0, "chmod", NULL).action, SC_ACT_ALLOW);
    assert_int_equal(eval(p, 0, "syslog", NULL).action, SC_ACT_ERRNO);
    assert_int_equal(eval(p, CAP(CAP_SYSLOG_BIT), "syslog", NULL).action, SC_ACT_ALLOW);
    assert_int_equal(eval(p, 0, "ptrace", NULL).action, SC_ACT_ALLOW);
    assert_int_equal(eval(p, CAP(CAP_SYS_ADMIN_BIT), "ptrace", NULL).action, SC_ACT_ERRNO);
    seccomp_profile_free(p);
}

static void test_rule_applies_arches_and_kernel(void **state)
{
    (void)state;
    struct seccomp_profile *p = parse_ok(
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
        " {\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"arches\": [\"s390x\"]}},\n"
        " {\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"arches\": [\"amd64\"]}},\n"
        " {\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"minKernel\": \"5.8\"}},\n"
        " {\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"minKernel\": \"5.8\"}},\n"
        " {\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"caps\": "
        "[\"CAP_SYS_ADMIN\", \"CAP_SYSLOG\"]}},\n"
        " {\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"caps\": "
        "[\"CAP_SYS_ADMIN\", \"CAP_SYSLOG\"]}}]}");
    const struct sc_rule *r = p->rules;
    uint64_t both = CAP(CAP_SYS_ADMIN_BIT) | CAP(CAP_SYSLOG_BIT);
    assert_false(seccomp_rule_applies(&r[0], 0, SCMP_ARCH_X86_64, 6001000));
    assert_true(seccomp_rule_applies(&r[0], 0, SCMP_ARCH_S390X, 6001000));
    assert_false(seccomp_rule_applies(&r[1], 0, SCMP_ARCH_X86_64, 6001000));
    assert_true(seccomp_rule_applies(&r[1], 0, SCMP_ARCH_AARCH64, 6001000));
    assert_true(seccomp_rule_applies(&r[2], 0, SCMP_ARCH_X86_64, 5008000));
    assert_false(seccomp_rule_applies(&r[2], 0, SCMP_ARCH_X86_64, 5007999));
    assert_false(seccomp_rule_applies(&r[3], 0, SCMP_ARCH_X86_64, 5008000));
    assert_true(seccomp_rule_applies(&r[3], 0, SCMP_ARCH_X86_64, 4019000));
    /* includes: every cap; excludes: any cap */
    assert_true(seccomp_rule_applies(&r[4], both, SCMP_ARCH_X86_64, 0));
    assert_false(seccomp_rule_applies(&r[4], CAP(CAP_SYS_ADMIN_BIT), SCMP_ARCH_X86_64, 0));
    assert_true(seccomp_rule_applies(&r[5], 0, SCMP_ARCH_X86_64, 0));
    assert_false(seccomp_rule_applies(&r[5], CAP(CAP_SYSLOG_BIT), SCMP_ARCH_X86_64, 0));
    seccomp_profile_free(p);

    assert_int_equal(kernel_version_parse("5.8"), 5008000);
    assert_int_equal(kernel_version_parse("4.14.2"), 4014002);
    assert_int_equal(kernel_version_parse("6.1.0-18-amd64"), 6001000);
    assert_int_equal(kernel_version_parse("5"), 0);
    assert_int_equal(kernel_version_parse("five.eight"), 0);
    assert_int_equal(kernel_version_parse(""), 0);
    assert_true(kernel_version_code() > 3000000);
}

static void test_eval_follows_libseccomp_order(void **state)
{
    (void)state;
    /* An unconditional rule overrides the conditional ones for the same
     * syscall, whatever the order; between two unconditional rules the first
     * wins; a rule that repeats the default is left out; conditions on the
     * same argument are ORed (runc adds one rule each). */
    struct seccomp_profile *p = parse_ok(
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
        " {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 33,\n"
        "  \"args\": [{\"index\": 0, \"value\": 99, \"op\": \"SCMP_CMP_EQ\"}]},\n"
        " {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 44},\n"
        " {\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 11},\n"
        " {\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 22},\n"
        " {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
        " {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [\n"
        "   {\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"},\n"
        "   {\"index\": 1, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}]},\n"
        " {\"names\": [\"rmdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [\n"
        "   {\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"},\n"
        "   {\"index\": 1, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}]}]}");
    uint64_t a99[6] = { 99 };
    assert_int_equal(eval(p, 0, "socket", a99).errno_ret, 44);
    assert_int_equal(eval(p, 0, "chmod", NULL).errno_ret, 11);
    uint64_t m1[6] = { 0, 1 }, m2[6] = { 0, 2 }, m3[6] = { 0, 3 };
    assert_int_equal(eval(p, 0, "mkdir", m1).action, SC_ACT_ERRNO);
    assert_int_equal(eval(p, 0, "mkdir", m2).action, SC_ACT_ERRNO);
    assert_int_equal(eval(p, 0, "mkdir", m3).action, SC_ACT_ALLOW);
    uint64_t r12[6] = { 1, 2 }, r13[6] = { 1, 3 };
    assert_int_equal(eval(p, 0, "rmdir", r12).action, SC_ACT_ERRNO);
    assert_int_equal(eval(p, 0, "rmdir", r13).action, SC_ACT_ALLOW);
    struct sock_fprog prog;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (seccomp_profile_compile(p, 0, &prog, NULL, NULL, NULL, NULL, &err) < 0)
        fail_msg("%s", err.msg);
    free(prog.filter);
    seccomp_profile_free(p);

    /* every operator evaluates as the kernel compares */
    p = parse_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
                 " {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_NE\"}]},\n"
                 " {\"names\": [\"write\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_LT\"}]},\n"
                 " {\"names\": [\"close\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_LE\"}]},\n"
                 " {\"names\": [\"dup\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_GE\"}]},\n"
                 " {\"names\": [\"dup2\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_GT\"}]},\n"
                 " {\"names\": [\"fsync\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 12, \"valueTwo\": 4, \"op\": \"SCMP_CMP_MASKED_EQ\"}]},\n"
                 " {\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 2, \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]}]}");
    const char *names[] = { "read", "write", "close", "dup", "dup2" };
    const int expect[5][3] = { /* arg 4, 5, 6 blocked? */
        { 1, 0, 1 }, { 1, 0, 0 }, { 1, 1, 0 }, { 0, 1, 1 }, { 0, 0, 1 } };
    for (int i = 0; i < 5; i++)
        for (int a = 0; a < 3; a++) {
            uint64_t args[6] = { (uint64_t)(4 + a) };
            assert_int_equal(eval(p, 0, names[i], args).action == SC_ACT_ERRNO, expect[i][a]);
        }
    uint64_t f4[6] = { 4 }, f6[6] = { 6 }, f8[6] = { 8 };
    assert_int_equal(eval(p, 0, "fsync", f4).action, SC_ACT_ERRNO);
    assert_int_equal(eval(p, 0, "fsync", f6).action, SC_ACT_ERRNO);
    assert_int_equal(eval(p, 0, "fsync", f8).action, SC_ACT_ALLOW);
    uint64_t big[6] = { 0, 0, UINT64_MAX };
    assert_int_equal(eval(p, 0, "lseek", big).action, SC_ACT_ERRNO);
    seccomp_profile_free(p);
}

/* ---- compiling -------------------------------------------------------------- */

struct warnings {
    int n;
    char last[512];
};

static void collect(void *ud, const char *msg)
{
    struct warnings *w = ud;
    w->n++;
    snprintf(w->last, sizeof w->last, "%s", msg);
}

static void test_compile_docker_default_cap_sets(void **state)
{
    (void)state;
    struct seccomp_profile *p = load_peer("default.json");
    uint64_t sets[] = { caps_docker_default(), caps_docker_default() | CAP(CAP_SYS_ADMIN_BIT),
                        caps_all_known(), 0 };
    const char *labels[] = { "docker default", "+SYS_ADMIN", "all", "none" };
    for (size_t i = 0; i < 4; i++) {
        struct sock_fprog prog;
        unsigned int flags = 99;
        int nw = -1;
        struct warnings w = { 0, "" };
        struct isolab_err err;
        isolab_err_clear(&err);
        if (seccomp_profile_compile(p, sets[i], &prog, &flags, collect, &w, &nw, &err) < 0)
            fail_msg("%s: %s", labels[i], err.msg);
        printf("# caps %s: %u BPF instructions, %d unknown syscall names skipped\n",
               labels[i], prog.len, nw);
        assert_true(prog.len > 100);
        assert_non_null(prog.filter);
        assert_int_equal(flags, 0);
        assert_int_equal(nw, w.n);
        if (w.n)
            assert_contains(w.last, "skipped");
        free(prog.filter);
    }
    seccomp_profile_free(p);

    const char *fixtures[] = { "fixtures/example.json", "fixtures/conditional_include.json",
                               "fixtures/default-old-format.json" };
    for (size_t i = 0; i < 3; i++) {
        p = load_peer(fixtures[i]);
        struct sock_fprog prog;
        struct isolab_err err;
        isolab_err_clear(&err);
        if (seccomp_profile_compile(p, caps_docker_default(), &prog, NULL, NULL, NULL, NULL, &err) < 0)
            fail_msg("%s: %s", fixtures[i], err.msg);
        assert_true(prog.len > 0);
        free(prog.filter);
        seccomp_profile_free(p);
    }
}

static void test_compile_unknown_names_and_notify(void **state)
{
    (void)state;
    struct seccomp_profile *p = parse_ok(
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\",\n"
        " \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\"],\n"
        " \"syscalls\": [{\"names\": [\"chmod\", \"no_such_syscall\"], \"action\": \"SCMP_ACT_ERRNO\"},\n"
        "  {\"names\": [\"no_such_syscall\", \"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
    struct sock_fprog prog;
    unsigned int flags;
    int nw;
    struct warnings w = { 0, "" };
    struct isolab_err err;
    isolab_err_clear(&err);
    if (seccomp_profile_compile(p, 0, &prog, &flags, collect, &w, &nw, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(nw, 1);   /* once per name */
    assert_contains(w.last, "t.json:3:15: syscalls[0]: unknown syscall \"no_such_syscall\" skipped");
    assert_int_equal(flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER |
                                SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
    free(prog.filter);
    seccomp_profile_free(p);

    /* libseccomp cannot hold two actions for the same conditions */
    p = parse_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
                 " {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 40, \"op\": \"SCMP_CMP_EQ\"}]},\n"
                 " {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_KILL\", \"args\": [{\"index\": 0, \"value\": 40, \"op\": \"SCMP_CMP_EQ\"}]}]}");
    isolab_err_clear(&err);
    assert_int_equal(seccomp_profile_compile(p, 0, &prog, NULL, NULL, NULL, NULL, &err), -1);
    printf("# %s\n", err.msg);
    assert_contains(err.msg, "t.json:3:2: syscalls[1]: the rule for \"socket\" conflicts");
    seccomp_profile_free(p);
}

int main(void)
{
    const char *env = getenv("ISOLAB_PEERS");
    snprintf(peers, sizeof peers, "%s", env && *env ? env : "../shared/peers");
    char probe[4200];
    peer_path(probe, sizeof probe, "default.json");
    bool have_peers = access(probe, R_OK) == 0;

    const struct CMUnitTest always[] = {
        cmocka_unit_test(test_flags_listener_errno_load_as_given),
        cmocka_unit_test(test_docker_rejects_architectures_and_archmap),
        cmocka_unit_test(test_docker_rejects_name_and_names),
        cmocka_unit_test(test_bare_strings_answer_with_meant_form),
        cmocka_unit_test(test_unknown_action_names_the_entry),
        cmocka_unit_test(test_unknown_operator_names_the_entry),
        cmocka_unit_test(test_wrong_types_name_the_entry),
        cmocka_unit_test(test_missing_fields_and_syntax),
        cmocka_unit_test(test_docker_leniency_and_warnings),
        cmocka_unit_test(test_rule_applies_arches_and_kernel),
        cmocka_unit_test(test_eval_follows_libseccomp_order),
        cmocka_unit_test(test_compile_unknown_names_and_notify),
    };
    const struct CMUnitTest with_peers[] = {
        cmocka_unit_test(test_peers_load_unchanged),
        cmocka_unit_test(test_example_meanings),
        cmocka_unit_test(test_docker_default_resolution),
        cmocka_unit_test(test_conditional_include_fixture),
        cmocka_unit_test(test_compile_docker_default_cap_sets),
    };
    int rc = cmocka_run_group_tests_name("seccomp_profile", always, NULL, NULL);
    if (have_peers) {
        rc |= cmocka_run_group_tests_name("seccomp_peers", with_peers, NULL, NULL);
    } else {
        for (size_t i = 0; i < sizeof with_peers / sizeof *with_peers; i++)
            printf("ok - %s # SKIP Docker's profiles not found at %s (set ISOLAB_PEERS)\n",
                   with_peers[i].name, probe);
    }
    return rc;
}
