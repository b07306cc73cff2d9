/* isolab record: the syscalls a command used, as a minimal Docker profile.
 *
 * Everything is notified and allowed (allow-and-report). A call made before
 * the command's first execve is isolab's own setup (capabilities, the pid
 * namespace's init, the execve itself is the command's): runc's recorders
 * put such calls into the profile as if the container needed them. They are
 * written apart, in their own rule with a comment that says whose they are,
 * because the filter is loaded before them and a profile without them could
 * not start the sandbox again; `isolab diff` shows both rules. */
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "live_int.h"
#include "seccomp_int.h"

static int add_name(json_t *names, const char *n)
{
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v)
        if (!strcmp(json_string_value(v), n))
            return 0;
    return json_array_append_new(names, json_string(n));
}

static int cmp_json_str(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

static json_t *sorted(json_t *names)
{
    size_t n = json_array_size(names);
    json_t **v = calloc(n ? n : 1, sizeof *v);
    json_t *out = json_array();
    for (size_t i = 0; v && i < n; i++)
        v[i] = json_array_get(names, i);
    if (v)
        qsort(v, n, sizeof *v, cmp_json_str);
    for (size_t i = 0; v && i < n; i++)
        json_array_append(out, v[i]);
    free(v);
    json_decref(names);
    return out;
}

static void collect(const struct live_sup *sup, const uint8_t (*set)[LIVE_NR_MAX], json_t *names,
                    const json_t *exclude)
{
    for (int slot = 0; slot < 2; slot++)
        for (unsigned a = 0; a < sup->narches_seen; a++) {
            uint32_t arch = sup->arches_seen[a];
            if ((slot == 0) != (arch == seccomp_arch_native()))
                continue;
            for (int nr = 0; nr < LIVE_NR_MAX; nr++) {
                if (!set[slot][nr])
                    continue;
                char *n = seccomp_syscall_resolve_num_arch(arch, nr);
                bool skip = !n;
                size_t i;
                json_t *v;
                json_array_foreach(exclude, i, v)
                    skip |= n && !strcmp(json_string_value(v), n);
                if (!skip)
                    add_name(names, n);
                free(n);
            }
        }
}

static json_t *rule(json_t *names, const char *action, int errno_ret, const char *comment)
{
    json_t *r = json_object();
    json_object_set_new(r, "comment", json_string(comment));
    json_object_set_new(r, "names", sorted(names));
    json_object_set_new(r, "action", json_string(action));
    if (errno_ret)
        json_object_set_new(r, "errnoRet", json_integer(errno_ret));
    return r;
}

static int merge_into(json_t *prof, const char *merge_path, struct isolab_err *err)
{
    json_error_t je;
    _cleanup_json_ json_t *m = json_load_file(merge_path, 0, &je);
    if (!m)
        return isolab_err_set(err, EINVAL, "record: --merge %s:%d:%d: %s", merge_path, je.line,
                              je.column, je.text);
    json_t *arches = json_object_get(prof, "architectures");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(m, "architectures"), i, v)
        if (json_is_string(v))
            add_name(arches, json_string_value(v));
    json_array_foreach(json_object_get(m, "syscalls"), i, v)
        json_array_append(json_object_get(prof, "syscalls"), v);
    return 0;
}

int live_record_write(const struct live_sup *sup, const char *out_path, const char *merge_path,
                      struct isolab_err *err)
{
    _cleanup_json_ json_t *prof = json_object();
    json_t *arches = json_array();
    json_object_set_new(prof, "defaultAction", json_string("SCMP_ACT_ERRNO"));
    json_object_set_new(prof, "defaultErrnoRet", json_integer(EPERM));
    json_object_set_new(prof, "architectures", arches);
    add_name(arches, sc_arch_scmp_name(seccomp_arch_native()));
    for (unsigned a = 0; a < sup->narches_seen; a++)
        if (sc_arch_scmp_name(sup->arches_seen[a]))
            add_name(arches, sc_arch_scmp_name(sup->arches_seen[a]));
    json_t *syscalls = json_array();
    json_object_set_new(prof, "syscalls", syscalls);

    json_t *used = json_array(), *none = json_array();
    collect(sup, sup->used, used, none);
    bool clone = false, clone3 = false;
    size_t i;
    json_t *v;
    json_array_foreach(used, i, v) {
        clone |= !strcmp(json_string_value(v), "clone");
        clone3 |= !strcmp(json_string_value(v), "clone3");
    }
    json_t *drop = json_array();
    if (clone)
        json_array_append_new(drop, json_string("clone3"));
    json_t *cmd = json_array();
    collect(sup, sup->used, cmd, drop);
    /* a run that caught no signal and did not end by itself still needs
     * these in any other run: returning from a handler, ending */
    static const char *const always[] = { "rt_sigreturn", "exit", "exit_group" };
    for (size_t a = 0; a < sizeof always / sizeof always[0]; a++)
        add_name(cmd, always[a]);
    json_t *setup = json_array();
    collect(sup, sup->setup, setup, used);   /* only what the command did not use */
    json_array_foreach(setup, i, v)   /* the launcher's own clone counts too */
        clone |= !strcmp(json_string_value(v), "clone");
    json_decref(used);
    json_decref(none);
    json_decref(drop);
    json_array_append_new(syscalls, rule(cmd, "SCMP_ACT_ALLOW", 0, "used by the command after "
                                         "its execve (isolab record), and rt_sigreturn, exit, "
                                         "exit_group, which every process may need"));
    if (json_array_size(setup))
        json_array_append_new(syscalls, rule(setup, "SCMP_ACT_ALLOW", 0,
                                             "isolab's launcher, between loading the filter "
                                             "and the command's execve (not the command's own)"));
    else
        json_decref(setup);
    if (clone) {
        json_t *c3 = json_array();
        json_array_append_new(c3, json_string("clone3"));
        json_array_append_new(syscalls, rule(c3, "SCMP_ACT_ERRNO", ENOSYS,
                                             clone3 ? "clone3 was tried; ENOSYS makes libc fall "
                                             "back to clone, which seccomp can filter (Docker)"
                                             : "ENOSYS, so that libc uses clone (Docker)"));
    }
    if (merge_path && merge_into(prof, merge_path, err) < 0)
        return -1;
    if (json_dump_file(prof, out_path, JSON_INDENT(2)) < 0)
        return isolab_err_set(err, errno ? errno : EIO, "record: writing %s: %s", out_path,
                              strerror(errno ? errno : EIO));
    return 0;
}
