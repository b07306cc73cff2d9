/* Shared by the cmocka suites that need a seccomp profile: parse one from
 * text or load one from a file, failing the test (with the parser's message
 * and hint) when it does not. Include after cmocka.h. */
#ifndef ISOLAB_TEST_PROFILE_HELPERS_H
#define ISOLAB_TEST_PROFILE_HELPERS_H

#include <string.h>

#include "seccomp_profile.h"

/* text parsed as the file name (the name error locations carry). */
static inline struct seccomp_profile *test_parse_profile(const char *text, const char *name)
{
    struct seccomp_profile *p = NULL;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (seccomp_profile_parse(text, strlen(text), name, &p, &err) < 0)
        fail_msg("%s did not parse: %s (hint: %s)", name, err.msg, err.hint);
    return p;
}

static inline struct seccomp_profile *test_load_profile(const char *path)
{
    struct seccomp_profile *p = NULL;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (seccomp_profile_load(path, &p, &err) < 0)
        fail_msg("%s did not load: %s (hint: %s)", path, err.msg, err.hint);
    return p;
}

#endif
