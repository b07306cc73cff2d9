/* Command-line JSON output: strings are escaped by jansson, not by hand. */
#ifndef ISOLAB_CLI_JSON_H
#define ISOLAB_CLI_JSON_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static inline void cli_json_str(const char *s)
{
    json_t *j = json_string(s ? s : "");
    char *out = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    fputs(out ? out : "\"\"", stdout);
    free(out);
    json_decref(j);
}

#endif
