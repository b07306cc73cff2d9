/* A learner's progress and current configuration, kept as JSON under
 * $XDG_STATE_HOME/isolab (default ~/.local/state/isolab):
 *   progress.json  {"labs": {"ID": {"step": N, "passed": [..], "hints": {"N": k},
 *                                   "configs": {"N": CONFIG}}}}   (steps from 0)
 *   current.json   {"lab": "ID", "step": N, "config": CONFIG}
 * Files are replaced atomically (write a temporary, rename). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab_int.h"
#include "readfile.h"

static int mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0700);
        *p = '/';
        if (rc < 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int lab_state_dir(char *out, size_t n, struct isolab_err *err)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int len;
    if (xdg && xdg[0] == '/')
        len = snprintf(out, n, "%s/isolab", xdg);
    else if (home && home[0] == '/')
        len = snprintf(out, n, "%s/.local/state/isolab", home);
    else
        return isolab_err_set(err, ENOENT, "lab: neither XDG_STATE_HOME nor HOME is set "
                              "to an absolute path; nowhere to keep progress");
    if (len < 0 || (size_t)len >= n)
        return isolab_err_set(err, ENAMETOOLONG, "lab: state directory path too long");
    if (mkdir_p(out) < 0) {
        isolab_err_set(err, errno, "lab: creating %s: %s", out, strerror(errno));
        isolab_err_hint(err, "set XDG_STATE_HOME to a directory you can write");
        return -1;
    }
    return 0;
}

static int state_file(const char *name, char *out, size_t n, struct isolab_err *err)
{
    char dir[ISOLAB_PATH_MAX];
    if (lab_state_dir(dir, sizeof dir, err) < 0)
        return -1;
    if ((size_t)snprintf(out, n, "%s/%s", dir, name) >= n)
        return isolab_err_set(err, ENAMETOOLONG, "lab: state path too long");
    return 0;
}

static int save_failed(const char *path, int e, const char *doing, struct isolab_err *err)
{
    isolab_err_set(err, e, "lab: %s %s: %s; nothing was saved", doing, path, strerror(e));
    if (e == ENOSPC || e == EDQUOT)
        isolab_err_hint(err, "the disk is full: free some space and check again, or set "
                        "XDG_STATE_HOME to a directory on another disk");
    else
        isolab_err_hint(err, "set XDG_STATE_HOME to a directory you can write");
    return -1;
}

/* Write all of text to a new file beside path, sync it, then rename it over
 * path: a reader sees the old file or the new one, never half of one. */
static int write_json(json_t *root, const char *path, struct isolab_err *err)
{
    char tmp[ISOLAB_PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    char *text = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS);
    if (!text)
        return isolab_err_set(err, ENOMEM, "lab: %s: out of memory", path);
    size_t len = strlen(text), off = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    int e = fd < 0 ? errno : 0;
    while (!e && off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            e = w < 0 ? errno : EIO;
        else
            off += (size_t)w;
    }
    free(text);
    if (!e && fsync(fd) < 0)
        e = errno;
    if (fd >= 0 && close(fd) < 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) < 0)
        e = errno;
    if (e) {
        unlink(tmp);
        return save_failed(path, e, "writing", err);
    }
    return 0;
}

/* Missing file: *out = NULL, returns 0. */
static int read_json(const char *path, json_t **out, struct isolab_err *err)
{
    *out = NULL;
    char *text = NULL;
    size_t len;
    if (isolab_read_file(path, ISOLAB_FILE_MAX, "lab", &text, &len, err) < 0) {
        if (err->errnum != ENOENT)
            return -1;
        isolab_err_clear(err);
        return 0;
    }
    json_error_t je;
    *out = json_loadb(text, len, 0, &je);
    free(text);
    if (!*out) {
        isolab_err_set(err, EINVAL, "lab: %s:%d:%d: %s", path, je.line, je.column, je.text);
        isolab_err_hint(err, "the file is isolab's own; 'isolab lab reset --all' starts afresh");
        return -1;
    }
    return 0;
}

/* ---- the configuration as JSON ------------------------------------------ */

static json_t *config_to_json(const struct lab_config *cfg)
{
    json_t *o = json_object(), *layers = json_object(), *ns = json_object(), *caps = json_array();
    for (int id = 0; id < LAYER_COUNT; id++)
        json_object_set_new(layers, layer_name(id), json_boolean(cfg->layer_on[id]));
    for (int k = 0; k < NS_COUNT; k++)
        json_object_set_new(ns, ns_name(k), json_boolean(cfg->ns[k]));
    for (int c = 0; c < 64; c++)
        if (cfg->caps & (1ull << c))
            json_array_append_new(caps, json_string(isolab_cap_name(c)));
    json_object_set_new(o, "layers", layers);
    json_object_set_new(o, "namespaces", ns);
    json_object_set_new(o, "capabilities", caps);
    json_object_set_new(o, "no_new_privileges", json_boolean(cfg->no_new_privs));
    json_object_set_new(o, "privileged", json_boolean(cfg->privileged));
    if (cfg->set_user) {
        char u[64];
        snprintf(u, sizeof u, "%u:%u", (unsigned)cfg->uid, (unsigned)cfg->gid);
        json_object_set_new(o, "user", json_string(u));
    }
    /* A relative profile path would mean another file from another
     * directory: keep it absolute. */
    char abs[ISOLAB_PATH_MAX];
    const char *sp = cfg->seccomp_profile;
    if (sp[0] && sp[0] != '/' && realpath(sp, abs))
        sp = abs;
    json_object_set_new(o, "seccomp", sp[0] ? json_string(sp) : json_null());
    json_object_set_new(o, "lsm", json_string(cfg->lsm_profile));
    json_object_set_new(o, "hostname", json_string(cfg->hostname));
    json_object_set_new(o, "rootfs", json_string(cfg->rootfs));
    json_object_set_new(o, "cgroups", json_pack("{s:I,s:I,s:f}", "pids_limit",
                                                 (json_int_t)cfg->pids_limit, "memory",
                                                 (json_int_t)cfg->memory_bytes, "cpus", cfg->cpus));
    return o;
}

/* o's object field (absent: nothing to do): each key a name that from_name
 * turns into an index of on[], each value true or false. */
static int bool_map(json_t *o, const char *field, const char *what, int (*from_name)(const char *),
                    bool *on, const char *where, struct isolab_err *err)
{
    json_t *x = json_object_get(o, field), *v;
    const char *key;
    if (!x)
        return 0;
    json_object_foreach(x, key, v) {
        int id = from_name(key);
        if (id < 0 || !json_is_boolean(v))
            return isolab_err_set(err, EINVAL, "lab: %s: %s.%s: expected %s name and true/false",
                                  where, field, key, what);
        on[id] = json_is_true(v);
    }
    return 0;
}

static int config_from_json(json_t *o, const char *where, struct lab_config *cfg,
                            struct isolab_err *err)
{
    lab_config_init_docker(cfg);
    if (!json_is_object(o))
        return isolab_err_set(err, EINVAL, "lab: %s: the configuration is not an object", where);
    json_t *x, *v;
    if (bool_map(o, "layers", "a layer", lab_layer_from_name, cfg->layer_on, where, err) < 0 ||
        bool_map(o, "namespaces", "a namespace", ns_from_name, cfg->ns, where, err) < 0)
        return -1;
    if ((x = json_object_get(o, "capabilities"))) {
        size_t i;
        cfg->caps = 0;
        json_array_foreach(x, i, v) {
            int c = json_is_string(v) ? isolab_cap_from_name(json_string_value(v)) : -1;
            if (c < 0)
                return isolab_err_set(err, EINVAL, "lab: %s: capabilities[%zu]: not a capability "
                                      "name", where, i);
            cfg->caps |= 1ull << c;
        }
    }
    cfg->no_new_privs = json_is_true(json_object_get(o, "no_new_privileges"));
    cfg->privileged = json_is_true(json_object_get(o, "privileged"));
    if (json_is_string(x = json_object_get(o, "user"))) {
        unsigned u = 0, g = 0;
        int n = sscanf(json_string_value(x), "%u:%u", &u, &g);
        cfg->set_user = n >= 1;
        cfg->uid = u;
        cfg->gid = n == 2 ? g : u;
    }
    x = json_object_get(o, "seccomp");
    snprintf(cfg->seccomp_profile, sizeof cfg->seccomp_profile, "%s",
             json_is_string(x) ? json_string_value(x) : "");
    if (json_is_string(x = json_object_get(o, "lsm")))
        snprintf(cfg->lsm_profile, sizeof cfg->lsm_profile, "%s", json_string_value(x));
    if (json_is_string(x = json_object_get(o, "hostname")))
        snprintf(cfg->hostname, sizeof cfg->hostname, "%s", json_string_value(x));
    if (json_is_string(x = json_object_get(o, "rootfs")))
        snprintf(cfg->rootfs, sizeof cfg->rootfs, "%s", json_string_value(x));
    if ((x = json_object_get(o, "cgroups"))) {
        cfg->pids_limit = (long)json_integer_value(json_object_get(x, "pids_limit"));
        cfg->memory_bytes = (long long)json_integer_value(json_object_get(x, "memory"));
        cfg->cpus = json_number_value(json_object_get(x, "cpus"));
    }
    return 0;
}

int lab_config_to_json_file(const struct lab_config *cfg, const char *path, struct isolab_err *err)
{
    json_t *o = config_to_json(cfg);
    int rc = o ? write_json(o, path, err) : isolab_err_set(err, ENOMEM, "lab: out of memory");
    json_decref(o);
    return rc;
}

int lab_config_from_json_file(const char *path, struct lab_config *cfg, struct isolab_err *err)
{
    json_t *o;
    if (read_json(path, &o, err) < 0)
        return -1;
    if (!o)
        return isolab_err_set(err, ENOENT, "lab: %s: %s", path, strerror(ENOENT));
    /* current.json wraps the configuration with its lab and step. */
    json_t *inner = json_object_get(o, "config");
    int rc = config_from_json(json_is_object(inner) ? inner : o, path, cfg, err);
    json_decref(o);
    return rc;
}

int lab_current_save(const struct lab_config *cfg, const char *lab_id, size_t step,
                     struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX];
    if (state_file("current.json", path, sizeof path, err) < 0)
        return -1;
    json_t *o = json_pack("{s:s,s:I,s:o}", "lab", lab_id ? lab_id : "", "step", (json_int_t)step,
                          "config", config_to_json(cfg));
    int rc = o ? write_json(o, path, err) : isolab_err_set(err, ENOMEM, "lab: out of memory");
    json_decref(o);
    return rc;
}

int lab_current_load(struct lab_config *cfg, char *lab_id, size_t idn, size_t *step,
                     struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX];
    json_t *o;
    if (state_file("current.json", path, sizeof path, err) < 0 || read_json(path, &o, err) < 0)
        return -1;
    if (!o)
        return 1;
    int rc = config_from_json(json_object_get(o, "config"), path, cfg, err);
    if (lab_id && idn)
        snprintf(lab_id, idn, "%s", json_string_value(json_object_get(o, "lab")) ?: "");
    if (step)
        *step = (size_t)json_integer_value(json_object_get(o, "step"));
    json_decref(o);
    return rc;
}

/* ---- progress -------------------------------------------------------------- */

/* A progress file isolab cannot use is kept aside, never silently dropped
 * or written over: progress.json.corrupt-YYYYmmdd-HHMMSS. Returns 0 with a
 * warning in err saying where it went, -1 if it could not be moved. */
static int keep_aside(const char *path, const char *why, struct isolab_err *err)
{
    char aside[ISOLAB_PATH_MAX + 48], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
    snprintf(aside, sizeof aside, "%s.corrupt-%s", path, stamp);
    if (rename(path, aside) < 0) {
        int e = errno;
        isolab_err_set(err, e, "lab: %s is not valid progress (%s), and moving it aside to "
                       "%s failed: %s", path, why, aside, strerror(e));
        isolab_err_hint(err, "move or remove the file yourself; progress starts afresh then");
        return -1;
    }
    isolab_err_set(err, EINVAL, "lab: warning: %s was not valid progress (%s); kept it as %s "
                   "and started afresh", path, why, aside);
    isolab_err_hint(err, "the old file is kept for you to look at or repair; move it back "
                    "to progress.json once it is valid JSON of the form {\"labs\": {...}}");
    return 0;
}

/* The whole file, checked: {"labs": {ID: {...}, ...}}. A file that does not
 * parse or has another shape is kept aside: *aside is set, err holds the
 * warning, and a fresh root is returned (0), so that a save still saves. */
static int load_all_progress(json_t **root, char *path, size_t n, bool *aside,
                             struct isolab_err *err)
{
    *aside = false;
    if (state_file("progress.json", path, n, err) < 0)
        return -1;
    if (read_json(path, root, err) < 0) {
        if (err->errnum != EINVAL)
            return -1;          /* unreadable (FIFO, too big, EACCES): said so */
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg + (strncmp(err->msg, "lab: ", 5) ? 0 : 5));
        *aside = true;
        if (keep_aside(path, why, err) < 0)
            return -1;
    } else if (*root) {
        json_t *labs = json_object_get(*root, "labs"), *v;
        const char *bad = !json_is_object(*root) ? "the top level is not an object"
                        : labs && !json_is_object(labs) ? "\"labs\" is not an object" : NULL;
        const char *key;
        if (!bad && labs)
            json_object_foreach(labs, key, v)
                if (!json_is_object(v))
                    bad = "an entry of \"labs\" is not an object";
        if (bad) {
            json_decref(*root);
            *root = NULL;
            *aside = true;
            if (keep_aside(path, bad, err) < 0)
                return -1;
        }
    }
    if (!*root)
        *root = json_object();
    if (*root && !json_object_get(*root, "labs"))
        json_object_set_new(*root, "labs", json_object());
    return *root ? 0 : isolab_err_set(err, ENOMEM, "lab: out of memory");
}

/* Saves and resets hold this lock from the re-read to the rename, so that
 * the CLI and a TUI open at the same time do not write over each other. */
static int lock_progress(const char *path, struct isolab_err *err)
{
    char lk[ISOLAB_PATH_MAX + 8];
    snprintf(lk, sizeof lk, "%s.lock", path);
    int fd = open(lk, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return save_failed(lk, errno, "creating", err);
    while (flock(fd, LOCK_EX) < 0)
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            return save_failed(lk, e, "locking", err);
        }
    return fd;
}

int lab_progress_load(const char *lab_id, struct lab_progress *p, struct isolab_err *err)
{
    memset(p, 0, sizeof *p);
    snprintf(p->lab_id, sizeof p->lab_id, "%s", lab_id);
    char path[ISOLAB_PATH_MAX];
    json_t *root;
    bool aside;
    if (load_all_progress(&root, path, sizeof path, &aside, err) < 0)
        return -1;
    json_t *l = json_object_get(json_object_get(root, "labs"), lab_id), *v;
    int rc = aside ? -1 : 0;    /* fresh progress, and the warning in err */
    if (json_is_object(l)) {
        json_int_t s = json_integer_value(json_object_get(l, "step"));
        p->step = s >= 0 && s < LAB_MAX_STEPS ? (size_t)s : 0;
        size_t i;
        json_array_foreach(json_object_get(l, "passed"), i, v) {
            json_int_t k = json_integer_value(v);
            if (k >= 0 && k < LAB_MAX_STEPS)
                p->passed[k] = true;
        }
        const char *key;
        json_object_foreach(json_object_get(l, "hints"), key, v) {
            long k = strtol(key, NULL, 10);
            if (k >= 0 && k < LAB_MAX_STEPS)
                p->hints[k] = (unsigned)json_integer_value(v);
        }
        json_object_foreach(json_object_get(l, "configs"), key, v) {
            long k = strtol(key, NULL, 10);
            if (k < 0 || k >= LAB_MAX_STEPS)
                continue;
            struct lab_config *c = malloc(sizeof *c);
            if (!c || config_from_json(v, path, c, err) < 0) {
                free(c);
                rc = -1;
                break;
            }
            free(p->config[k]);
            p->config[k] = c;
        }
    }
    json_decref(root);
    if (rc < 0)
        lab_progress_free(p);
    return rc;
}

/* This process's progress for one lab, merged into what the file holds now
 * (another isolab may have saved since this one loaded): steps passed by
 * either, the larger hint count, this process's configuration where it has
 * one, this process's current step. */
static json_t *merge_lab(const struct lab_progress *p, json_t *old)
{
    json_t *l = json_object(), *passed = json_array(), *hints = json_object(), *configs = json_object();
    json_t *oh = json_object_get(old, "hints"), *oc = json_object_get(old, "configs"), *v;
    bool was[LAB_MAX_STEPS] = {false};
    size_t i;
    json_array_foreach(json_object_get(old, "passed"), i, v)
        if (json_integer_value(v) >= 0 && json_integer_value(v) < LAB_MAX_STEPS)
            was[json_integer_value(v)] = true;
    for (int k = 0; k < LAB_MAX_STEPS; k++) {
        char key[16];
        snprintf(key, sizeof key, "%d", k);
        if (p->passed[k] || was[k])
            json_array_append_new(passed, json_integer(k));
        json_int_t h = json_integer_value(json_object_get(oh, key));
        if (p->hints[k] || h > 0)
            json_object_set_new(hints, key, json_integer(p->hints[k] > h ? p->hints[k] : h));
        if (p->config[k])
            json_object_set_new(configs, key, config_to_json(p->config[k]));
        else if (json_is_object(json_object_get(oc, key)))
            json_object_set(configs, key, json_object_get(oc, key));
    }
    json_object_set_new(l, "step", json_integer((json_int_t)p->step));
    json_object_set_new(l, "passed", passed);
    json_object_set_new(l, "hints", hints);
    json_object_set_new(l, "configs", configs);
    return l;
}

int lab_progress_save(const struct lab_progress *p, struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX];
    if (state_file("progress.json", path, sizeof path, err) < 0)
        return -1;
    int lk = lock_progress(path, err);
    if (lk < 0)
        return -1;
    json_t *root;
    bool aside;
    int rc = load_all_progress(&root, path, sizeof path, &aside, err);
    if (rc == 0) {
        json_t *labs = json_object_get(root, "labs");
        json_object_set_new(labs, p->lab_id, merge_lab(p, json_object_get(labs, p->lab_id)));
        struct isolab_err warn = *err;
        rc = write_json(root, path, err);
        if (rc == 0 && aside) {   /* saved, but say what happened to the old file */
            *err = warn;
            rc = -1;
        }
        json_decref(root);
    }
    close(lk);
    return rc;
}

void lab_progress_free(struct lab_progress *p)
{
    for (int k = 0; k < LAB_MAX_STEPS; k++) {
        free(p->config[k]);
        p->config[k] = NULL;
    }
}

int lab_progress_reset(const char *lab_id, struct isolab_err *err)
{
    char path[ISOLAB_PATH_MAX], cur[ISOLAB_PATH_MAX];
    if (state_file("progress.json", path, sizeof path, err) < 0 ||
        state_file("current.json", cur, sizeof cur, err) < 0)
        return -1;
    int lk = lock_progress(path, err);
    if (lk < 0)
        return -1;
    int rc = 0;
    if (!lab_id) {
        const char *files[] = {path, cur};
        for (size_t i = 0; i < 2 && rc == 0; i++)
            if (unlink(files[i]) < 0 && errno != ENOENT)
                rc = save_failed(files[i], errno, "removing", err);
    } else {
        json_t *root;
        bool aside;
        rc = load_all_progress(&root, path, sizeof path, &aside, err);
        if (rc == 0) {
            json_object_del(json_object_get(root, "labs"), lab_id);
            rc = write_json(root, path, err);
            json_decref(root);
        }
    }
    close(lk);
    return rc;
}

void lab_progress_mark_passed(struct lab_progress *p, size_t step, const struct lab_config *cfg)
{
    if (step >= LAB_MAX_STEPS)
        return;
    p->passed[step] = true;
    if (!cfg)
        return;
    struct lab_config *c = p->config[step] ? p->config[step] : malloc(sizeof *c);
    if (!c)
        return;
    *c = *cfg;
    c->argv = NULL;
    c->envp = NULL;
    c->fn = NULL;
    c->fn_arg = NULL;
    p->config[step] = c;
}

size_t lab_progress_count(const struct lab_progress *p, const struct lab *lab)
{
    size_t n = 0;
    for (size_t k = 0; k < lab->nsteps && k < LAB_MAX_STEPS; k++)
        n += p->passed[k];
    return n;
}
