/* Import: which kind of file, the shared helpers, the report. The kinds
 * themselves are import_oci.c, import_k8s*.c and import_docker.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cleanup.h"
#include "import_int.h"
#include "readfile.h"
#include "seccomp_profile.h"

const char *import_kind_name(enum import_kind k)
{
    switch (k) {
    case IMPORT_OCI: return "oci";
    case IMPORT_K8S: return "k8s";
    case IMPORT_DOCKER: return "docker";
    default: return "auto";
    }
}

int imp_err(struct imp *m, int line, int col, const char *field, const char *hint,
            const char *fmt, ...)
{
    char what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (line > 0)
        isolab_err_set(m->err, EINVAL, "import: %s:%d:%d: %s%s%s", m->name, line, col,
                       field ? field : "", field && *field ? ": " : "", what);
    else
        isolab_err_set(m->err, EINVAL, "import: %s: %s%s%s", m->name, field ? field : "",
                       field && *field ? ": " : "", what);
    if (hint && *hint)
        isolab_err_hint(m->err, "%s", hint);
    return -1;
}

void imp_note(struct imp *m, const char *field, const char *fmt, ...)
{
    char what[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    export_note(m->rep, "%s: %s", field, what);
}

int imp_cap(struct imp *m, const char *name, int line, int col, const char *field,
            uint64_t *bit)
{
    int c = isolab_cap_from_name(name);
    if (c < 0 || c > cap_last_known() || c > 63)
        return imp_err(m, line, col, field, "use a capability name such as NET_BIND_SERVICE "
                       "or CAP_SYS_ADMIN ('isolab explain caps' lists them)",
                       "unknown capability \"%s\"", name);
    *bit = 1ull << c;
    return 0;
}

int imp_find_file(const char *rel, const char *const *dirs, size_t ndirs, char *out, size_t n,
                  char *tried, size_t tn)
{
    size_t tl = 0;
    if (tn)
        tried[0] = '\0';
    if (rel[0] == '/') {
        snprintf(out, n, "%s", rel);
        snprintf(tried, tn, "%s", rel);
        return access(out, R_OK) == 0 ? 0 : -1;
    }
    for (size_t k = 0; k < ndirs; k++) {
        if (!dirs[k])
            continue;
        if ((size_t)snprintf(out, n, "%s/%s", dirs[k], rel) >= n)
            continue;
        if (access(out, R_OK) == 0)
            return 0;
        if (tl < tn)
            tl += (size_t)snprintf(tried + tl, tn - tl, "%s%s", tl ? ", " : "", out);
    }
    return -1;
}

int imp_check_profile(struct imp *m, const char *path, int line, int col, const char *field)
{
    struct seccomp_profile *p = NULL;
    struct isolab_err e;
    isolab_err_clear(&e);
    if (seccomp_profile_load(path, &p, &e) < 0) {
        char what[1100];
        snprintf(what, sizeof what, "%s", e.msg);
        return imp_err(m, line, col, field, e.hint, "%s", what);
    }
    imp_profile_warnings(m, p, field);
    seccomp_profile_free(p);
    return 0;
}

void imp_profile_warnings(struct imp *m, const struct seccomp_profile *p, const char *field)
{
    for (size_t i = 0; i < p->nwarnings; i++)
        imp_note(m, field, "%s", p->warnings[i]);
}

int imp_hostname(struct imp *m, const char *v, int line, int col, const char *field)
{
    char *argv[] = {"--hostname", (char *)v, NULL};
    int i = 0;
    struct isolab_err e;
    isolab_err_clear(&e);
    if (lab_config_parse_flag(m->cfg, 2, argv, &i, &e) < 0)
        return imp_err(m, line, col, field, e.hint, "%s", e.msg);
    return 0;
}

void imp_apparmor(struct imp *m, const char *name, const char *field)
{
    struct lab_config *cfg = m->cfg;
    if (!strcmp(name, "unconfined")) {
        cfg->layer_on[LAYER_LSM] = false;
        return;
    }
    if (!strcmp(name, "docker-default") || !strcmp(name, "runtime/default") ||
        !strncmp(name, "cri-containerd.apparmor.d", 25) || !strcmp(name, "crio-default"))
        name = "isolab-default";
    if (!strcmp(name, "isolab-default") || !strcmp(name, "isolab-readonly-root")) {
        cfg->layer_on[LAYER_LSM] = true;
        snprintf(cfg->lsm_profile, sizeof cfg->lsm_profile, "%s", name);
        return;
    }
    cfg->layer_on[LAYER_LSM] = false;
    imp_note(m, field, "AppArmor profile \"%s\" is not one isolab has (isolab-default, "
             "isolab-readonly-root): the LSM layer is off here; put its rules in "
             "profiles/apparmor/ to model it", name);
}

void imp_nonroot_caps(struct imp *m, uint64_t ambient, const char *field)
{
    struct lab_config *cfg = m->cfg;
    if (!lab_config_runs_nonroot(cfg) || !lab_config_caps_bounding(cfg))
        return;
    if (ambient == 0)
        imp_note(m, field, "uid %u is not root and the runtime sets no ambient capabilities: "
                 "the process runs with none effective after execve (the bounding set and "
                 "the seccomp filter keep the list, as the runtime's; isolab does the same)",
                 (unsigned)cfg->uid);
    else
        imp_note(m, field, "uid %u is not root and the config raises ambient capabilities: "
                 "isolab does not model an ambient set, so the process runs here with none "
                 "effective, as under Docker's and Kubernetes' defaults", (unsigned)cfg->uid);
}

/* A JSON object (an OCI config), a docker run line, or YAML. */
static enum import_kind detect(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && strchr(" \t\r\n", text[i]))
            i++;
        if (i < len && text[i] == '#') {           /* a comment line */
            while (i < len && text[i] != '\n')
                i++;
            continue;
        }
        break;
    }
    if (i < len && text[i] == '{')
        return IMPORT_OCI;
    const char *w = text + i;
    size_t rest = len - i;
    if (rest >= 5 && !strncmp(w, "sudo ", 5)) {
        w += 5;
        rest -= 5;
        while (rest && *w == ' ')
            w++, rest--;
    }
    if (rest >= 7 && !strncmp(w, "docker", 6) && strchr(" \t\\", w[6]))
        return IMPORT_DOCKER;
    return IMPORT_K8S;
}

int import_text(const char *text, size_t len, const char *name, const struct import_opts *o,
                struct lab_config *cfg, struct import_info *info, struct export_report *rep,
                struct isolab_err *err)
{
    static const struct import_opts none = {.kind = IMPORT_AUTO};
    struct import_info dummy;
    struct imp m = {.name = name, .text = text, .len = len, .o = o ? o : &none, .cfg = cfg,
                    .info = info ? info : &dummy, .rep = rep, .err = err};
    const char *slash = strrchr(name, '/');
    if (slash)
        snprintf(m.dir, sizeof m.dir, "%.*s", (int)(slash - name), name);
    else
        snprintf(m.dir, sizeof m.dir, ".");
    if (!m.dir[0])
        snprintf(m.dir, sizeof m.dir, "/");
    memset(m.info, 0, sizeof *m.info);
    enum import_kind k = m.o->kind != IMPORT_AUTO ? m.o->kind : detect(text, len);
    m.info->kind = k;
    if (memchr(text, '\0', len))
        return imp_err(&m, 0, 0, NULL, "give a config.json, a Pod or Deployment YAML, or a "
                       "docker run line", "the file holds a NUL byte: not a text file");
    switch (k) {
    case IMPORT_OCI: return import_oci(&m);
    case IMPORT_DOCKER: return import_docker(&m);
    default: return import_k8s(&m);
    }
}

int import_file(const char *path, const struct import_opts *o, struct lab_config *cfg,
                struct import_info *info, struct export_report *rep, struct isolab_err *err)
{
    _cleanup_free_ char *buf = NULL;
    size_t len;
    if (isolab_read_file(path, ISOLAB_FILE_MAX, "import", &buf, &len, err) < 0) {
        if (err->errnum == ENOENT)
            isolab_err_hint(err, "give the path of a config.json, a Pod or Deployment YAML, "
                            "or a file holding a docker run line");
        return -1;
    }
    return import_text(buf, len, path, o, cfg, info, rep, err);
}
