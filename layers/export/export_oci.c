/* The configuration as a runc bundle's config.json (OCI runtime spec 1.0):
 * namespaces, the five capability sets, the seccomp profile resolved for
 * those capabilities and this architecture, cgroup resources, Docker's
 * masked and read-only paths, AppArmor, no_new_privs, hostname, user and
 * root. The mounts are the ones `runc spec` writes. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "export_int.h"

static json_t *mount_entry(const char *dst, const char *type, const char *src,
                           const char *const *opts)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "destination", dst, "type", type, "source", src);
    json_t *a = json_array();
    for (size_t i = 0; opts[i]; i++)
        json_array_append_new(a, json_string(opts[i]));
    json_object_set_new(o, "options", a);
    return o;
}

static json_t *oci_mounts(void)
{
    static const char *const proc[] = {NULL};
    static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
    static const char *const pts[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                      "mode=0620", NULL};
    static const char *const shm[] = {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k",
                                      NULL};
    static const char *const mq[] = {"nosuid", "noexec", "nodev", NULL};
    static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
    static const char *const cg[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};
    static const char *const tmp[] = {"nosuid", "nodev", "mode=1777", NULL};
    json_t *m = json_array();
    json_array_append_new(m, mount_entry("/proc", "proc", "proc", proc));
    json_array_append_new(m, mount_entry("/dev", "tmpfs", "tmpfs", dev));
    json_array_append_new(m, mount_entry("/dev/pts", "devpts", "devpts", pts));
    json_array_append_new(m, mount_entry("/dev/shm", "tmpfs", "shm", shm));
    json_array_append_new(m, mount_entry("/dev/mqueue", "mqueue", "mqueue", mq));
    json_array_append_new(m, mount_entry("/sys", "sysfs", "sysfs", sys));
    json_array_append_new(m, mount_entry("/sys/fs/cgroup", "cgroup", "cgroup", cg));
    /* isolab gives every sandbox a private /tmp */
    json_array_append_new(m, mount_entry("/tmp", "tmpfs", "tmpfs", tmp));
    return m;
}

static json_t *oci_process(const struct lab_config *cfg)
{
    json_t *args = json_array();
    if (cfg->argv)
        for (char **a = cfg->argv; *a; a++)
            json_array_append_new(args, json_string(*a));
    else
        json_array_append_new(args, json_string("sh"));
    uint64_t caps = lab_config_caps_bounding(cfg);
    json_t *c = json_pack("{s:o, s:o, s:o, s:o, s:o}",
                          "bounding", export_caps_json(caps, true),
                          "effective", export_caps_json(caps, true),
                          "permitted", export_caps_json(caps, true),
                          "inheritable", export_caps_json(0, true),
                          "ambient", export_caps_json(0, true));
    json_t *p = json_pack("{s:b, s:{s:i, s:i}, s:o, s:[s, s], s:s, s:o, s:b}",
                          "terminal", 0, "user", "uid", (int)(cfg->set_user ? cfg->uid : 0),
                          "gid", (int)(cfg->set_user ? cfg->gid : 0), "args", args, "env",
                          "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                          "TERM=xterm", "cwd", "/", "capabilities", c,
                          "noNewPrivileges", cfg->no_new_privs);
    if (layer_in_force(cfg, LAYER_LSM) && cfg->lsm_profile[0] &&
        !strcmp(lsm_mechanism_name(), "AppArmor"))
        json_object_set_new(p, "apparmorProfile", json_string(cfg->lsm_profile));
    return p;
}

static json_t *oci_namespaces(const struct lab_config *cfg, struct export_report *rep)
{
    static const char *const oci_name[NS_COUNT] = {
        [NS_USER] = "user", [NS_PID] = "pid", [NS_MNT] = "mount", [NS_UTS] = "uts",
        [NS_IPC] = "ipc", [NS_NET] = "network", [NS_CGROUP] = "cgroup", [NS_TIME] = "time",
    };
    json_t *a = json_array();
    for (int k = 0; k < NS_COUNT && cfg->layer_on[LAYER_NS]; k++)
        if (cfg->ns[k])
            json_array_append_new(a, json_pack("{s:s}", "type", oci_name[k]));
    if (cfg->layer_on[LAYER_NS] && cfg->ns[NS_TIME])
        export_note(rep, "namespaces: \"time\" is in the OCI spec since 1.1 (runc 1.2); runc "
                    "1.1 refuses it: drop it from linux.namespaces there");
    if (!cfg->layer_on[LAYER_NS] || !cfg->ns[NS_MNT])
        export_note(rep, "namespaces: without a mount namespace runc cannot set up the root; "
                    "the bundle needs one (isolab shares the host's files instead)");
    return a;
}

static json_t *oci_resources(const struct lab_config *cfg)
{
    json_t *r = json_object();
    if (!cfg->layer_on[LAYER_CGROUP])
        return r;
    if (cfg->pids_limit > 0)
        json_object_set_new(r, "pids", json_pack("{s:I}", "limit", (json_int_t)cfg->pids_limit));
    if (cfg->memory_bytes > 0)
        json_object_set_new(r, "memory",
                            json_pack("{s:I}", "limit", (json_int_t)cfg->memory_bytes));
    if (cfg->cpus > 0)
        json_object_set_new(r, "cpu", json_pack("{s:I, s:I}", "quota",
                                                (json_int_t)(cfg->cpus * 100000 + 0.5),
                                                "period", (json_int_t)100000));
    return r;
}

static json_t *paths_json(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static int oci_linux(json_t *linux_, const struct lab_config *cfg, struct export_report *rep,
                     struct isolab_err *err)
{
    json_object_set_new(linux_, "namespaces", oci_namespaces(cfg, rep));
    if (cfg->layer_on[LAYER_NS] && cfg->ns[NS_USER]) {
        json_t *u = json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID", (int)getuid(),
                              "size", 1);
        json_t *g = json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID", (int)getgid(),
                              "size", 1);
        json_object_set_new(linux_, "uidMappings", u);
        json_object_set_new(linux_, "gidMappings", g);
    }
    json_object_set_new(linux_, "resources", oci_resources(cfg));
    if (cfg->layer_on[LAYER_NS] && cfg->ns[NS_NET] && cfg->unpriv_ports)
        json_object_set_new(linux_, "sysctl", json_pack("{s:s}",
                            "net.ipv4.ip_unprivileged_port_start", "0"));
    if (cfg->layer_on[LAYER_NS] && cfg->ns[NS_MNT] && !cfg->privileged) {
        size_t nm, nr;
        const char *const *m = ns_docker_masked_paths(&nm);
        const char *const *ro = ns_docker_readonly_paths(&nr);
        json_object_set_new(linux_, "maskedPaths", paths_json(m, nm));
        json_object_set_new(linux_, "readonlyPaths", paths_json(ro, nr));
    }
    if (layer_in_force(cfg, LAYER_SECCOMP)) {
        char path[ISOLAB_PATH_MAX];
        json_t *sc = export_seccomp_oci(cfg, path, sizeof path, err);
        if (!sc)
            return -1;
        json_object_set_new(linux_, "seccomp", sc);
    }
    return 0;
}

json_t *export_oci(const struct lab_config *cfg, struct export_report *rep,
                   struct isolab_err *err)
{
    json_t *root = json_pack("{s:s, s:o, s:{s:s, s:b}}", "ociVersion", "1.0.2",
                             "process", oci_process(cfg), "root", "path", "rootfs",
                             "readonly", 0);
    if (!root) {
        isolab_err_set(err, ENOMEM, "export: out of memory");
        return NULL;
    }
    if (cfg->layer_on[LAYER_NS] && cfg->ns[NS_UTS])
        json_object_set_new(root, "hostname",
                            json_string(cfg->hostname[0] ? cfg->hostname : "isolab"));
    json_object_set_new(root, "mounts", oci_mounts());
    json_t *linux_ = json_object();
    json_object_set_new(root, "linux", linux_);
    if (oci_linux(linux_, cfg, rep, err) < 0) {
        json_decref(root);
        return NULL;
    }
    if (cfg->privileged)
        export_note(rep, "privileged: OCI has no such switch; this bundle has every capability, "
                    "no seccomp, no AppArmor and no masked paths, but only runc's default "
                    "devices (Docker --privileged also gives every host device)");
    if (!layer_in_force(cfg, LAYER_LSM) && cfg->lsm_profile[0] && cfg->layer_on[LAYER_LSM])
        export_note(rep, "lsm: off here, so no apparmorProfile");
    export_common_notes(cfg, "oci", rep);
    if (cfg->rootfs[0])
        export_note(rep, "rootfs: copy or bind %s to the bundle's rootfs/ (root.path)",
                    cfg->rootfs);
    else
        export_note(rep, "rootfs: isolab shows the host's programs read-only with a throwaway "
                    "overlay; a bundle needs its own rootfs/ directory beside config.json");
    return root;
}
