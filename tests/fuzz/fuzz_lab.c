/* libFuzzer over the lab loader: any bytes give a lab or an error that says
 * why, never a crash, leak or hang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lab *lab = NULL;
    struct isolab_err err;
    memset(&err, 0, sizeof err);
    if (lab_parse((const char *)data, size, "fuzz.json", &lab, &err) < 0) {
        if (!err.msg[0])
            abort();
        return 0;
    }
    lab_free(lab);
    return 0;
}
