/* What the exporters share: the fidelity report, the seccomp profile in its
 * OCI form, the capability lists. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "export_int.h"
#include "sc_diff.h"
#include "seccomp_int.h"

void export_note(struct export_report *r, const char *fmt, ...)
{
    if (r->len + 4 >= sizeof r->text)
        return;
    size_t room = sizeof r->text - r->len;
    int w = snprintf(r->text + r->len, room, "- ");
    va_list ap;
    va_start(ap, fmt);
    w += vsnprintf(r->text + r->len + w, room - (size_t)w, fmt, ap);
    va_end(ap);
    if ((size_t)w + 1 < room) {
        r->text[r->len + (size_t)w] = '\n';
        r->text[r->len + (size_t)w + 1] = '\0';
        r->len += (size_t)w + 1;
    } else {
        r->len = sizeof r->text - 1;
    }
    r->n++;
}

json_t *export_seccomp_oci(const struct lab_config *cfg, char *path, size_t n,
                           struct isolab_err *err)
{
    struct seccomp_profile *p = NULL;
    if (seccomp_profile_path(cfg, path, n, err) < 0 || seccomp_profile_load(path, &p, err) < 0)
        return NULL;
    json_t *j = seccomp_profile_to_oci(p, lab_config_seccomp_caps(cfg), sc_native_arch(),
                                       kernel_version_code(), err);
    /* Docker hands runc only the archMap entry of the native arch: the arch
     * and its subArchitectures (that is also what runc's ENOSYS stub sees). */
    for (size_t i = 0; j && i < p->narchmap; i++) {
        if (p->archmap[i].arch != sc_native_arch())
            continue;
        json_t *a = json_array();
        json_array_append_new(a, json_string(sc_arch_scmp_name(p->archmap[i].arch)));
        for (size_t k = 0; k < p->archmap[i].nsubs; k++)
            json_array_append_new(a, json_string(sc_arch_scmp_name(p->archmap[i].subs[k])));
        json_object_set_new(j, "architectures", a);
    }
    seccomp_profile_free(p);
    return j;
}

json_t *export_caps_json(uint64_t caps, bool prefix)
{
    json_t *a = json_array();
    int last = cap_last_known();
    for (int c = 0; a && c <= last && c < 64; c++) {
        if (!(caps & (1ull << c)))
            continue;
        const char *name = isolab_cap_name(c);
        if (!prefix && !strncmp(name, "CAP_", 4))
            name += 4;
        json_array_append_new(a, json_string(name));
    }
    return a;
}

void export_common_notes(const struct lab_config *cfg, const char *target,
                         struct export_report *rep)
{
    if (layer_in_force(cfg, LAYER_LSM) && !strcmp(lsm_mechanism_name(), "Landlock"))
        export_note(rep, "lsm: here Landlock stands in for AppArmor (policy %s); %s has no "
                    "Landlock field, so the target applies its AppArmor profile instead, or "
                    "none where AppArmor is off", cfg->lsm_profile, target);
    if (cfg->layer_on[LAYER_NS] && cfg->ns[NS_TIME] && strcmp(target, "oci") != 0)
        export_note(rep, "namespaces: %s has no time namespace; the container shares the "
                    "host's clocks (CLOCK_MONOTONIC/BOOTTIME offsets)", target);
    if (cfg->rootfs[0] && strcmp(target, "oci") != 0)
        export_note(rep, "rootfs: --rootfs %s has no %s field; the image gives the root "
                    "filesystem", cfg->rootfs, target);
}
