/* Where the seccomp layer's warnings go (unknown syscall names skipped when
 * the filter is compiled): the engine never prints, the front end that
 * set a sink does. */
#include "seccomp_profile.h"

static seccomp_warn_fn sink;
static void *sink_ud;

void seccomp_warnings_to(seccomp_warn_fn fn, void *ud)
{
    sink = fn;
    sink_ud = ud;
}

void seccomp_warning_report(const char *msg)
{
    if (sink)
        sink(sink_ud, msg);
}
