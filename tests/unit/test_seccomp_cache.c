/* The on-disk cache of compiled seccomp programs: a program read back is
 * the one written; the key changes with the profile's bytes and the
 * capabilities; entries that others could have written, or that are cut
 * short, are refused; ISOLAB_NO_CACHE turns it off. Works in a temporary
 * XDG_CACHE_HOME that it removes. */
#include <dirent.h>
#include <fcntl.h>
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

#include "profile_helpers.h"
#include "seccomp_int.h"

static char tmp[] = "/tmp/isolab-bpfcache-XXXXXX";

static const char profile[] =
    "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"chmod\"],"
    " \"action\": \"SCMP_ACT_ERRNO\"}]}";

static struct seccomp_profile *parse(const char *text)
{
    return test_parse_profile(text, "c.json");
}

static void entry_path(uint64_t key, char *out, size_t n)
{
    snprintf(out, n, "%s/isolab/seccomp/%016llx.bpf", tmp, (unsigned long long)key);
}

static void test_roundtrip_and_keys(void **state)
{
    (void)state;
    struct seccomp_profile *p = parse(profile);
    struct sock_fprog prog, back;
    unsigned int flags = 0, bflags = 0;
    int nw = 0, bnw = -1;
    struct isolab_err err;
    isolab_err_clear(&err);
    assert_int_equal(seccomp_profile_compile(p, 0, &prog, &flags, NULL, NULL, &nw, &err), 0);
    uint64_t key = sc_bpf_cache_key(p, 0);
    assert_int_not_equal(key, sc_bpf_cache_key(p, 1ULL << 21));
    assert_int_equal(sc_bpf_cache_get(key, &back, &bflags, &bnw), -1);   /* empty */
    sc_bpf_cache_put(key, &prog, flags | 4, 7);
    char path[4200];
    entry_path(key, path, sizeof path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(sc_bpf_cache_get(key, &back, &bflags, &bnw), 0);
    assert_int_equal(back.len, prog.len);
    assert_memory_equal(back.filter, prog.filter, prog.len * sizeof *prog.filter);
    assert_int_equal(bflags, flags | 4);
    assert_int_equal(bnw, 7);
    free(back.filter);

    /* another profile text, another key */
    struct seccomp_profile *q = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
                                      "[{\"names\": [\"fchmod\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
    assert_int_not_equal(sc_bpf_cache_key(q, 0), key);
    seccomp_profile_free(q);

    /* writable by others: refused */
    assert_int_equal(chmod(path, 0666), 0);
    assert_int_equal(sc_bpf_cache_get(key, &back, &bflags, &bnw), -1);
    assert_int_equal(chmod(path, 0600), 0);
    /* cut short: refused */
    assert_int_equal(truncate(path, (off_t)st.st_size - 8), 0);
    assert_int_equal(sc_bpf_cache_get(key, &back, &bflags, &bnw), -1);
    unlink(path);

    /* switched off: nothing written, nothing read */
    setenv("ISOLAB_NO_CACHE", "1", 1);
    sc_bpf_cache_put(key, &prog, flags, 0);
    assert_int_equal(access(path, F_OK), -1);
    unsetenv("ISOLAB_NO_CACHE");
    free(prog.filter);
    seccomp_profile_free(p);
}

static int remove_tree(void)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/isolab/seccomp", tmp);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (e->d_name[0] != '.' || strstr(e->d_name, ".tmp"))
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(dir);
    snprintf(dir, sizeof dir, "%s/isolab", tmp);
    rmdir(dir);
    return rmdir(tmp);
}

int main(void)
{
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    setenv("XDG_CACHE_HOME", tmp, 1);
    unsetenv("ISOLAB_NO_CACHE");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_and_keys),
    };
    int rc = cmocka_run_group_tests_name("seccomp_cache", tests, NULL, NULL);
    if (remove_tree() < 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    return rc;
}
