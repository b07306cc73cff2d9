/* Presets: each file in profiles/presets/ loads, says where it comes from,
 * and sets the five layers as the runtime it names does; errors name the
 * file and what was wrong; unknown names list the available ones. What each
 * preset's seccomp profile decides for the syscalls that tell the runtimes
 * apart is checked through the model (the probes check the kernel's
 * verdicts in tests/integration/profiles.sh). */
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
#include <seccomp.h>

#include "isolab.h"
#include "layer.h"
#include "seccomp_profile.h"

#define BIT(c) (1ull << isolab_cap_from_name(c))

static const char *const expected[] = {
    "docker", "docker-privileged", "docker-unconfined", "kubernetes-default",
    "kubernetes-runtimedefault", "podman", "unconfined",
};

static void apply(const char *name, struct lab_config *cfg)
{
    struct isolab_err err;
    lab_config_init_unconfined(cfg);
    if (preset_apply(cfg, name, &err) < 0)
        fail_msg("preset %s: %s (%s)", name, err.msg, err.hint);
}

static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void test_list(void **state)
{
    (void)state;
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(preset_list(&names, &n), 0);
    assert_int_equal(n, sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(names[i], expected[i]);
        free(names[i]);
    }
    free(names);
}

static void test_each_has_description_and_source(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        char desc[2048];
        assert_int_equal(preset_describe(expected[i], desc, sizeof desc), 0);
        if (strlen(desc) < 40 || !strstr(desc, "(source: "))
            fail_msg("preset %s: description or source missing: '%s'", expected[i], desc);
    }
}

static void test_docker_matches_engine_defaults(void **state)
{
    (void)state;
    struct lab_config p, d;
    apply("docker", &p);
    lab_config_init_docker(&d);
    for (int l = 0; l < LAYER_COUNT; l++)
        assert_true(p.layer_on[l]);
    for (int k = 0; k < NS_COUNT; k++)
        if (p.ns[k] != d.ns[k])
            fail_msg("namespace %s: preset %d, lab_config_init_docker %d", ns_name(k), p.ns[k], d.ns[k]);
    assert_int_equal(p.caps, caps_docker_default());
    assert_string_equal(base(p.seccomp_profile), "docker-default.json");
    assert_int_equal(access(p.seccomp_profile, R_OK), 0);
    assert_string_equal(p.lsm_profile, "isolab-default");
    assert_false(p.privileged);
    assert_false(p.no_new_privs);
    assert_false(p.ns[NS_USER]);
}

static void test_docker_unconfined_and_privileged(void **state)
{
    (void)state;
    struct lab_config c;
    apply("docker-unconfined", &c);
    assert_false(c.layer_on[LAYER_SECCOMP]);
    assert_true(c.layer_on[LAYER_CAPS]);
    assert_true(c.layer_on[LAYER_LSM]);
    assert_int_equal(c.caps, caps_docker_default());

    apply("docker-privileged", &c);
    assert_true(c.privileged);
    assert_false(layer_in_force(&c, LAYER_SECCOMP));
    assert_false(layer_in_force(&c, LAYER_LSM));
    assert_int_equal(c.caps, caps_all_known());
    assert_true(c.ns[NS_PID] && c.ns[NS_MNT]);
}

static void test_podman(void **state)
{
    (void)state;
    struct lab_config c;
    apply("podman", &c);
    assert_string_equal(base(c.seccomp_profile), "podman-default.json");
    /* containers.conf: 11 capabilities, without NET_RAW, MKNOD, AUDIT_WRITE */
    assert_int_equal(__builtin_popcountll(c.caps), 11);
    assert_false(c.caps & BIT("NET_RAW"));
    assert_false(c.caps & BIT("MKNOD"));
    assert_false(c.caps & BIT("AUDIT_WRITE"));
    assert_true(c.caps & BIT("SYS_CHROOT"));
    assert_int_equal(c.pids_limit, 2048);
}

static void test_kubernetes(void **state)
{
    (void)state;
    struct lab_config c;
    apply("kubernetes-default", &c);
    assert_false(layer_in_force(&c, LAYER_SECCOMP));    /* Unconfined ... */
    assert_int_equal(c.caps, caps_docker_default());    /* ... but Docker-like caps */
    assert_true(c.layer_on[LAYER_NS] && c.ns[NS_PID] && c.ns[NS_NET] && c.ns[NS_MNT]);
    assert_true(c.layer_on[LAYER_LSM]);

    apply("kubernetes-runtimedefault", &c);
    assert_true(layer_in_force(&c, LAYER_SECCOMP));
    assert_string_equal(base(c.seccomp_profile), "docker-default.json");
    assert_int_equal(c.caps, caps_docker_default());
}

static void test_unconfined(void **state)
{
    (void)state;
    struct lab_config c;
    lab_config_init_docker(&c);
    struct isolab_err err;
    assert_int_equal(preset_apply(&c, "unconfined", &err), 0);
    for (int l = 0; l < LAYER_COUNT; l++)
        assert_false(c.layer_on[l]);
    for (int k = 0; k < NS_COUNT; k++)
        assert_false(c.ns[k]);
}

/* The presets keep what is not theirs: the command and the user. */
static void test_keeps_command(void **state)
{
    (void)state;
    struct lab_config c;
    char *argv[] = {"/bin/true", NULL};
    lab_config_init_docker(&c);
    c.argv = argv;
    c.set_user = true;
    c.uid = 1000;
    struct isolab_err err;
    assert_int_equal(preset_apply(&c, "podman", &err), 0);
    assert_ptr_equal(c.argv, argv);
    assert_true(c.set_user);
    assert_int_equal(c.uid, 1000);
}

static void test_unknown_preset_lists_available(void **state)
{
    (void)state;
    struct lab_config c;
    struct isolab_err err;
    lab_config_init_docker(&c);
    uint64_t before = c.caps;
    assert_int_equal(preset_apply(&c, "dokcer", &err), -1);
    assert_non_null(strstr(err.msg, "dokcer"));
    assert_non_null(strstr(err.hint, "docker, docker-privileged"));
    assert_non_null(strstr(err.hint, "unconfined"));
    assert_int_equal(c.caps, before);
    assert_int_equal(preset_apply(&c, "../etc/passwd", &err), -1);
}

/* Seccomp decisions under each preset for the syscalls that tell them
 * apart, from the model. */
static int verdict(const char *preset, const char *sc, unsigned int *eno)
{
    struct lab_config c;
    apply(preset, &c);
    if (!layer_in_force(&c, LAYER_SECCOMP))
        return SC_ACT_ALLOW;
    struct seccomp_profile *p = NULL;
    struct isolab_err err;
    if (seccomp_profile_load(c.seccomp_profile, &p, &err) < 0)
        fail_msg("%s: %s", preset, err.msg);
    struct sc_verdict v;
    assert_int_equal(seccomp_profile_eval(p, c.caps, seccomp_arch_native(), sc, NULL, &v), 0);
    *eno = v.errno_ret;
    seccomp_profile_free(p);
    return v.conditional ? -1 : (int)v.action;
}

static void test_preset_seccomp_verdicts(void **state)
{
    (void)state;
    unsigned int e = 0;
    assert_int_equal(verdict("docker", "unshare", &e), SC_ACT_ERRNO);
    assert_int_equal(e, EPERM);
    assert_int_equal(verdict("kubernetes-runtimedefault", "unshare", &e), SC_ACT_ERRNO);
    assert_int_equal(verdict("podman", "unshare", &e), SC_ACT_ALLOW);
    assert_int_equal(verdict("podman", "mount", &e), SC_ACT_ALLOW);
    assert_int_equal(verdict("kubernetes-default", "unshare", &e), SC_ACT_ALLOW);
    assert_int_equal(verdict("docker", "clone3", &e), SC_ACT_ERRNO);
    assert_int_equal(e, ENOSYS);
    assert_int_equal(verdict("podman", "io_uring_setup", &e), SC_ACT_ERRNO);
    assert_int_equal(e, ENOSYS);    /* Podman's default is ENOSYS */
    assert_int_equal(verdict("podman", "kexec_load", &e), SC_ACT_ERRNO);
    assert_int_equal(e, EPERM);     /* ... but its deny list says EPERM */
}

/* Bad preset files: the error names the file, the key and the fix. */
static char tmpdir[64];

static void write_preset(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/profiles/presets/%s.json", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int make_datadir(void **state)
{
    (void)state;
    char dir[256];
    snprintf(tmpdir, sizeof tmpdir, "/tmp/isolab-presets-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(dir, sizeof dir, "%s/profiles", tmpdir);
    if (mkdir(dir, 0755) < 0)
        return -1;
    snprintf(dir, sizeof dir, "%s/profiles/presets", tmpdir);
    if (mkdir(dir, 0755) < 0)
        return -1;
    setenv("ISOLAB_DATADIR", tmpdir, 1);
    return 0;
}

static const char *const bad_names[] = {"syntax", "key", "cap", "ns", "sc"};

static int remove_datadir(void **state)
{
    (void)state;
    char path[256];
    unsetenv("ISOLAB_DATADIR");
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        snprintf(path, sizeof path, "%s/profiles/presets/%s.json", tmpdir, bad_names[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/profiles/presets", tmpdir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/profiles", tmpdir);
    rmdir(path);
    return rmdir(tmpdir);
}

static void test_bad_presets(void **state)
{
    (void)state;
    write_preset("syntax", "{\"description\": \"x\",\n \"layers\": {\"seccomp\": tru}}\n");
    write_preset("key", "{\"description\": \"x\", \"capabilties\": \"all\"}\n");
    write_preset("cap", "{\"capabilities\": [\"CAP_CHOWN\", \"CAP_NOPE\"]}\n");
    write_preset("ns", "{\"namespaces\": {\"pid\": \"sometimes\"}}\n");
    write_preset("sc", "{\"seccomp\": \"missing.json\"}\n");

    struct lab_config c;
    struct isolab_err err;
    lab_config_init_docker(&c);
    assert_int_equal(preset_apply(&c, "syntax", &err), -1);
    assert_non_null(strstr(err.msg, "syntax.json:2:"));
    assert_int_equal(preset_apply(&c, "key", &err), -1);
    assert_non_null(strstr(err.msg, "capabilties"));
    assert_non_null(strstr(err.msg, "unknown key"));
    assert_int_equal(preset_apply(&c, "cap", &err), -1);
    assert_non_null(strstr(err.msg, "entry 1"));
    assert_int_equal(preset_apply(&c, "ns", &err), -1);
    assert_non_null(strstr(err.msg, "sometimes"));
    assert_int_equal(preset_apply(&c, "sc", &err), -1);
    assert_non_null(strstr(err.msg, "missing.json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_each_has_description_and_source),
        cmocka_unit_test(test_docker_matches_engine_defaults),
        cmocka_unit_test(test_docker_unconfined_and_privileged),
        cmocka_unit_test(test_podman),
        cmocka_unit_test(test_kubernetes),
        cmocka_unit_test(test_unconfined),
        cmocka_unit_test(test_keeps_command),
        cmocka_unit_test(test_unknown_preset_lists_available),
        cmocka_unit_test(test_preset_seccomp_verdicts),
        cmocka_unit_test_setup_teardown(test_bad_presets, make_datadir, remove_datadir),
    };
    return cmocka_run_group_tests_name("presets", tests, NULL, NULL);
}
