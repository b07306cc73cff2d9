/* libFuzzer over the seccomp profile loader: any bytes must give either a
 * profile or an error with a message, never a crash, leak or hang. When the
 * bytes load, the model must also evaluate and compile. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>

#include "seccomp_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seccomp_profile *p = NULL;
    struct isolab_err err;
    memset(&err, 0, sizeof err);
    if (seccomp_profile_parse((const char *)data, size, "fuzz.json", &p, &err) < 0) {
        if (!err.msg[0])
            abort();    /* every refusal must say why */
        return 0;
    }
    struct sc_verdict v;
    seccomp_profile_eval(p, ~0ull, SCMP_ARCH_X86_64, "unshare", NULL, &v);
    struct sock_fprog prog = {0};
    unsigned int flags = 0;
    int nwarn = 0;
    if (seccomp_profile_compile(p, 0, &prog, &flags, NULL, NULL, &nwarn, &err) == 0)
        free(prog.filter);
    seccomp_profile_free(p);
    return 0;
}
