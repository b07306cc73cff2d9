/* Shared by the exporters (layers/export/). */
#ifndef ISOLAB_EXPORT_INT_H
#define ISOLAB_EXPORT_INT_H

#include "export.h"
#include "seccomp_profile.h"

/* The profile in force, resolved for the caps and the native arch as the
 * OCI form (seccomp_profile_to_oci). NULL with err set; *path gets its file. */
json_t *export_seccomp_oci(const struct lab_config *cfg, char *path, size_t n,
                           struct isolab_err *err);
/* Notes every exporter shares: Landlock, the time namespace, --rootfs. */
void export_common_notes(const struct lab_config *cfg, const char *target,
                         struct export_report *rep);
/* "CAP_X" names of the set bits, as a JSON array. */
json_t *export_caps_json(uint64_t caps, bool prefix);

#endif
