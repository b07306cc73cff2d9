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

/* Prints top indented, in its keys' order, and drops the reference. */
static inline void cli_json_print(json_t *top)
{
    char *s = top ? json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (s)
        puts(s);
    free(s);
    json_decref(top);
}

#endif
