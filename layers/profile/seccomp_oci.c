/* The profile as the OCI runtime spec's linux.seccomp (runc's config.json):
 * Docker's includes/excludes resolved for one set of capabilities, one
 * architecture and one kernel, since the OCI format has neither. Names come
 * from the model's own tables (seccomp_names.c), so every architecture,
 * operator and action the parser accepts comes back out. */
#include <errno.h>
#include <jansson.h>

#include "seccomp_int.h"
#include "seccomp_profile.h"

/* json_t owned by the caller; NULL on allocation failure. */
static json_t *oci_strings(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_string(v[i])) < 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static int oci_set(json_t *o, const char *key, json_t *v)
{
    return v ? json_object_set_new(o, key, v) : -1;
}

static json_t *oci_arches(const struct seccomp_profile *p, struct isolab_err *err)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->narches; i++) {
        const char *name = sc_arch_scmp_name(p->arches[i]);
        if (!name) {
            json_decref(a);
            isolab_err_set(err, EINVAL, "seccomp: %s: architecture token 0x%x has no "
                           "SCMP_ARCH_ name", p->path, p->arches[i]);
            return NULL;
        }
        if (json_array_append_new(a, json_string(name)) < 0) {
            json_decref(a);
            a = NULL;
        }
    }
    if (!a)
        isolab_err_set(err, ENOMEM, "seccomp: %s: out of memory", p->path);
    return a;
}

static json_t *oci_args(const struct sc_rule *r, const char *path, size_t ri,
                        struct isolab_err *err)
{
    json_t *args = json_array();
    for (size_t k = 0; args && k < r->nargs; k++) {
        const char *op = sc_op_name(r->args[k].op);
        if (!op) {
            json_decref(args);
            isolab_err_set(err, EINVAL, "seccomp: %s: syscalls[%zu].args[%zu]: operator %d "
                           "has no SCMP_CMP_ name", path, ri, k, r->args[k].op);
            return NULL;
        }
        json_t *a = json_pack("{s:I, s:I, s:I, s:s}", "index", (json_int_t)r->args[k].index,
                              "value", (json_int_t)r->args[k].value,
                              "valueTwo", (json_int_t)r->args[k].value_two, "op", op);
        if (json_array_append_new(args, a) < 0) {
            json_decref(args);
            args = NULL;
        }
    }
    if (!args && !err->msg[0])
        isolab_err_set(err, ENOMEM, "seccomp: %s: out of memory", path);
    return args;
}

static json_t *oci_rule(const struct sc_rule *r, const char *path, size_t ri,
                        struct isolab_err *err)
{
    json_t *o = json_object();
    if (!o || oci_set(o, "names", oci_strings(r->names, r->nnames)) < 0 ||
        oci_set(o, "action", json_string(sc_action_name(r->action))) < 0 ||
        (r->has_errno && oci_set(o, "errnoRet", json_integer(r->errno_ret)) < 0)) {
        json_decref(o);
        isolab_err_set(err, ENOMEM, "seccomp: %s: out of memory", path);
        return NULL;
    }
    if (r->nargs && oci_set(o, "args", oci_args(r, path, ri, err)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* defaultAction, defaultErrnoRet, architectures, flags, listenerPath and
 * listenerMetadata: everything but the rules. */
static int oci_head(json_t *root, const struct seccomp_profile *p, struct isolab_err *err)
{
    if (oci_set(root, "defaultAction", json_string(sc_action_name(p->default_action))) < 0 ||
        (p->has_default_errno &&
         oci_set(root, "defaultErrnoRet", json_integer(p->default_errno)) < 0))
        return isolab_err_set(err, ENOMEM, "seccomp: %s: out of memory", p->path);
    json_t *arches = oci_arches(p, err);
    if (!arches || json_object_set_new(root, "architectures", arches) < 0)
        return -1;
    if ((p->nflags && oci_set(root, "flags", oci_strings(p->flag_names, p->nflags)) < 0) ||
        (p->listener_path && oci_set(root, "listenerPath", json_string(p->listener_path)) < 0) ||
        (p->listener_metadata &&
         oci_set(root, "listenerMetadata", json_string(p->listener_metadata)) < 0))
        return isolab_err_set(err, ENOMEM, "seccomp: %s: out of memory", p->path);
    return 0;
}

json_t *seccomp_profile_to_oci(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                               unsigned long kver, struct isolab_err *err)
{
    json_t *root = json_object(), *rules = json_array();
    if (!root || !rules) {
        json_decref(root);
        json_decref(rules);
        isolab_err_set(err, ENOMEM, "seccomp: %s: out of memory", p->path);
        return NULL;
    }
    if (oci_head(root, p, err) < 0)
        goto fail;
    for (size_t ri = 0; ri < p->nrules; ri++) {
        if (!seccomp_rule_applies(&p->rules[ri], caps, arch, kver))
            continue;
        json_t *o = oci_rule(&p->rules[ri], p->path, ri, err);
        if (!o)
            goto fail;
        if (json_array_append_new(rules, o) < 0) {
            isolab_err_set(err, ENOMEM, "seccomp: %s: out of memory", p->path);
            goto fail;
        }
    }
    if (json_object_set(root, "syscalls", rules) < 0) {
        isolab_err_set(err, ENOMEM, "seccomp: %s: out of memory", p->path);
        goto fail;
    }
    json_decref(rules);
    return root;
fail:
    json_decref(rules);
    json_decref(root);
    return NULL;
}
