/* An export written as files into a directory (the TUI's export key):
 * docker-run.sh, config.json, or pod.yaml and the Localhost profile
 * isolab.json beside it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "export_int.h"

static int put_file(const char *path, const char *text, const char *tail, struct isolab_err *err)
{
    FILE *f = fopen(path, "we");
    if (!f)
        return isolab_err_set(err, errno, "export: %s: %s", path, strerror(errno));
    int bad = fputs(text, f) < 0 || fputs(tail, f) < 0;
    if (fclose(f) != 0 || bad)
        return isolab_err_set(err, errno ? errno : EIO, "export: writing %s: %s", path,
                              strerror(errno ? errno : EIO));
    return 0;
}

static int put_json(const char *path, json_t *j, struct isolab_err *err)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!s)
        return isolab_err_set(err, ENOMEM, "export: out of memory");
    int rc = put_file(path, s, "\n", err);
    free(s);
    return rc;
}

static void add_path(char *w, size_t n, const char *path)
{
    size_t l = strlen(w);
    snprintf(w + l, n - l, "%s%s", l ? ", " : "", path);
}

int export_to_dir(const struct lab_config *cfg, const char *format, const char *dir,
                  char *written, size_t n, struct export_report *rep, struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX];
    int rc;
    written[0] = '\0';
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return isolab_err_set(err, errno, "export: creating %s: %s", dir, strerror(errno));
    if (!strcmp(format, "docker")) {
        char *line = export_docker(cfg, NULL, rep, err);
        if (!line)
            return -1;
        snprintf(path, sizeof path, "%s/docker-run.sh", dir);
        rc = put_file(path, line, "\n", err);
        free(line);
        if (rc == 0)
            add_path(written, n, path);
        return rc;
    }
    if (!strcmp(format, "oci")) {
        json_t *j = export_oci(cfg, rep, err);
        if (!j)
            return -1;
        snprintf(path, sizeof path, "%s/config.json", dir);
        rc = put_json(path, j, err);
        json_decref(j);
        if (rc == 0)
            add_path(written, n, path);
        return rc;
    }
    struct export_opts x = {.seccomp_out = "isolab.json"};
    json_t *profile = NULL;
    char *yaml = export_k8s(cfg, &x, &profile, rep, err);
    if (!yaml)
        return -1;
    snprintf(path, sizeof path, "%s/pod.yaml", dir);
    rc = put_file(path, yaml, "", err);
    free(yaml);
    if (rc == 0)
        add_path(written, n, path);
    if (rc == 0 && profile) {
        snprintf(path, sizeof path, "%s/isolab.json", dir);
        rc = put_json(path, profile, err);
        if (rc == 0) {
            add_path(written, n, path);
            export_note(rep, "seccomp: copy %s to the kubelet's seccomp dir "
                        "(/var/lib/kubelet/seccomp/profiles/isolab.json)", path);
        }
    }
    json_decref(profile);
    return rc;
}
