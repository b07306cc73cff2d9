/* Import: a configuration exported for Kubernetes, runc or docker and
 * imported again is the same configuration, apart from what the export's
 * fidelity report named. The seccomp filters are compared in their resolved
 * OCI form (what the kernel gets), the capabilities as they are in force.
 * Parsing details and the error messages are tested through the binary in
 * tests/integration/import.sh. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "export.h"
#include "import.h"
#include "isolab.h"
#include "sc_diff.h"
#include "seccomp_profile.h"

static char dir[64];

static const char *const configs[] = {
    "",
    "--cap-add SYS_ADMIN",
    "--cap-drop ALL --cap-add NET_BIND_SERVICE",
    "--cap-drop ALL",
    "--security-opt seccomp=unconfined",
    "--security-opt no-new-privileges",
    "--user 1000:1000",
    "--user 1000:1000 --cap-drop ALL",
    "--user 1000:1000 --cap-add SYS_ADMIN",
    "--memory 64m --cpus 0.5",
    "--pids-limit 10",
    "--no-ns net",
    "--ns user,pid,mnt,uts,ipc,net",
    "--security-opt seccomp=profiles/seccomp/no-chmod.json",
    "--security-opt seccomp=profiles/seccomp/tiny-allowlist.json --cap-add SYS_TIME",
    "--security-opt apparmor=isolab-readonly-root",
    "--security-opt apparmor=unconfined",
    "--privileged",
    "--hostname lab7",
};

static void flags(struct lab_config *cfg, const char *line)
{
    char buf[512], *argv[32];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", line);
    for (char *s = strtok(buf, " "); s && argc < 31; s = strtok(NULL, " "))
        argv[argc++] = s;
    lab_config_init_docker(cfg);
    cfg->tty = false;
    for (int i = 0; i < argc;) {
        struct isolab_err err;
        isolab_err_clear(&err);
        if (lab_config_parse_flag(cfg, argc, argv, &i, &err) != 1)
            fail_msg("%s: %s", line, err.msg);
    }
}

static json_t *filter(const struct lab_config *cfg)
{
    char path[ISOLAB_PATH_MAX];
    struct seccomp_profile *p = NULL;
    struct isolab_err err;
    if (!layer_in_force(cfg, LAYER_SECCOMP))
        return json_null();
    if (seccomp_profile_path(cfg, path, sizeof path, &err) < 0 ||
        seccomp_profile_load(path, &p, &err) < 0)
        fail_msg("profile: %s", err.msg);
    json_t *j = seccomp_profile_to_oci(p, lab_config_seccomp_caps(cfg), sc_native_arch(),
                                       kernel_version_code(), &err);
    seccomp_profile_free(p);
    /* the exporters hand on the native arch only, as Docker does */
    json_object_del(j, "architectures");
    return j;
}

static bool named(const struct export_report *rep, const char *what)
{
    return strstr(rep->text, what) != NULL;
}

/* Every field that decides what the sandbox lets through. */
static void same(const char *line, const char *fmt, const struct lab_config *a,
                 const struct lab_config *b, const struct export_report *rep)
{
#define SAME(cond, what) do { if (!(cond)) fail_msg("%s [%s]: %s differs after the round " \
                                                     "trip\nreport:\n%s", line, fmt, what, \
                                                     rep->text); } while (0)
    for (int id = 0; id < LAYER_COUNT; id++) {
        bool ia = layer_in_force(a, id), ib = layer_in_force(b, id);
        if (id == LAYER_CGROUP)   /* runtimes always make a cgroup */
            continue;
        if (id == LAYER_LSM && named(rep, "Landlock"))
            continue;
        SAME(ia == ib, layer_name(id));
    }
    bool nsa = a->layer_on[LAYER_NS], nsb = b->layer_on[LAYER_NS];
    for (int k = 0; k < NS_COUNT; k++) {
        if ((k == NS_TIME && named(rep, "time namespace")) ||
            (k == NS_CGROUP && named(rep, "cgroup namespace")) ||
            (k == NS_UTS && named(rep, "UTS namespace")) ||
            (k == NS_MNT && named(rep, "mount namespace")) ||
            (k == NS_USER && named(rep, "user namespace")))
            continue;
        SAME((nsa && a->ns[k]) == (nsb && b->ns[k]), ns_name(k));
    }
    if (!named(rep, "no ambient capabilities"))
        SAME(lab_config_caps_in_force(a) == lab_config_caps_in_force(b), "capabilities");
    if (!named(rep, "privileged:"))
        SAME(a->privileged == b->privileged, "privileged");
    SAME(a->no_new_privs == b->no_new_privs, "no_new_privs");
    SAME((a->set_user ? a->uid : 0) == (b->set_user ? b->uid : 0), "uid");
    SAME((a->set_user ? a->gid : 0) == (b->set_user ? b->gid : 0), "gid");
    if (layer_in_force(a, LAYER_LSM) && !named(rep, "Landlock"))
        SAME(!strcmp(a->lsm_profile, b->lsm_profile), "LSM policy");
    if (nsa && a->ns[NS_UTS])
        SAME(!strcmp(a->hostname, b->hostname), "hostname");
    if (nsa && a->ns[NS_NET])
        SAME(a->unpriv_ports == b->unpriv_ports, "ip_unprivileged_port_start");
    bool cga = a->layer_on[LAYER_CGROUP], cgb = b->layer_on[LAYER_CGROUP];
    SAME((cga ? a->memory_bytes : 0) == (cgb ? b->memory_bytes : 0), "memory limit");
    SAME((cga ? a->cpus : 0) == (cgb ? b->cpus : 0), "cpus");
    if (!named(rep, "pids limit"))
        SAME((cga ? a->pids_limit : 0) == (cgb ? b->pids_limit : 0), "pids limit");
    json_t *fa = filter(a), *fb = filter(b);
    SAME(json_equal(fa, fb), "seccomp filter");
    json_decref(fa);
    json_decref(fb);
#undef SAME
}

static void import_back(const char *line, const char *fmt, const char *path,
                        const struct lab_config *orig, const struct export_report *rep)
{
    struct lab_config back;
    struct import_opts o = {.kind = IMPORT_AUTO, .out_dir = dir};
    struct import_info info;
    struct export_report irep = {.len = 0};
    struct isolab_err err;
    isolab_err_clear(&err);
    if (import_file(path, &o, &back, &info, &irep, &err) < 0)
        fail_msg("%s [%s]: import: %s (%s)", line, fmt, err.msg, err.hint);
    assert_string_equal(import_kind_name(info.kind), fmt);
    same(line, fmt, orig, &back, rep);
}

static void test_k8s_round_trip(void **state)
{
    for (size_t i = 0; i < sizeof configs / sizeof *configs; i++) {
        struct lab_config cfg;
        flags(&cfg, configs[i]);
        struct export_report rep = {.len = 0};
        struct export_opts x = {.seccomp_out = "isolab.json"};
        struct isolab_err err;
        json_t *profile = NULL;
        char *yaml = export_k8s(&cfg, &x, &profile, &rep, &err);
        if (!yaml)
            fail_msg("%s: export: %s", configs[i], err.msg);
        char path[128], ppath[128];
        snprintf(path, sizeof path, "%s/pod.yaml", dir);
        snprintf(ppath, sizeof ppath, "%s/isolab.json", dir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(yaml, f);
        fclose(f);
        free(yaml);
        unlink(ppath);
        if (profile)
            assert_int_equal(json_dump_file(profile, ppath, JSON_INDENT(2)), 0);
        json_decref(profile);
        import_back(configs[i], "k8s", path, &cfg, &rep);
    }
}

static void test_oci_round_trip(void **state)
{
    for (size_t i = 0; i < sizeof configs / sizeof *configs; i++) {
        struct lab_config cfg;
        flags(&cfg, configs[i]);
        struct export_report rep = {.len = 0};
        struct isolab_err err;
        json_t *j = export_oci(&cfg, &rep, &err);
        if (!j)
            fail_msg("%s: export: %s", configs[i], err.msg);
        char path[128];
        snprintf(path, sizeof path, "%s/config.json", dir);
        assert_int_equal(json_dump_file(j, path, JSON_INDENT(2)), 0);
        json_decref(j);
        import_back(configs[i], "oci", path, &cfg, &rep);
    }
}

static void test_docker_round_trip(void **state)
{
    for (size_t i = 0; i < sizeof configs / sizeof *configs; i++) {
        struct lab_config cfg;
        flags(&cfg, configs[i]);
        struct export_report rep = {.len = 0};
        struct isolab_err err;
        char *line = export_docker(&cfg, NULL, &rep, &err);
        if (!line)
            fail_msg("%s: export: %s", configs[i], err.msg);
        char path[128];
        snprintf(path, sizeof path, "%s/docker-run.txt", dir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "%s\n", line);
        fclose(f);
        free(line);
        import_back(configs[i], "docker", path, &cfg, &rep);
    }
}

static int mkdir_tmp(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/isolab-import-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int rm_tmp(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    /* profiles/... in the configurations are relative to the source tree */
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *b = strstr(exe, "/build/");
        if (b) {
            *b = '\0';
            if (chdir(exe) < 0)
                return 1;
        }
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_k8s_round_trip),
        cmocka_unit_test(test_oci_round_trip),
        cmocka_unit_test(test_docker_round_trip),
    };
    return cmocka_run_group_tests(tests, mkdir_tmp, rm_tmp);
}
