/* libFuzzer over the importers (a runc config.json, a Kubernetes manifest,
 * a docker run line; the kind from the text as isolab import finds it): any
 * bytes give a configuration or an error that says why, never a crash,
 * leak or hang. Seeds: tests/fuzz/import-seeds/. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

static char dir[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/isolab-fuzz-import-XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    struct lab_config cfg;
    struct import_opts o = {.kind = IMPORT_AUTO, .out_dir = dir};
    struct import_info info;
    struct export_report rep = {.len = 0};
    struct isolab_err err;
    memset(&err, 0, sizeof err);
    /* exactly size bytes, no terminator: the importers must stay inside */
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (import_text(copy, size, "fuzz.input", &o, &cfg, &info, &rep, &err) < 0 && !err.msg[0])
        abort();    /* every refusal must say why */
    free(copy);
    return 0;
}
