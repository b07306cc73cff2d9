/* The start on one CPU (sandbox.c calls these). */
#include <sched.h>

#include "layer.h"
#include "sandbox_int.h"

/* The start is a relay (the parent, the init, the command, each waiting
 * for the one before): on one CPU each hand-over is a local wake-up, where
 * across two a sleeping virtual CPU must be woken by the hypervisor first
 * (0.1 ms of a start here, 600 starts interleaved). Each process gets the caller's CPU
 * set back before it is the learner's (unpin). */
void sandbox_pin_start(struct sandbox_ctx *ctx)
{
    int cpu = sched_getcpu();
    if (cpu < 0 || sched_getaffinity(0, sizeof ctx->start_cpus, &ctx->start_cpus) < 0)
        return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    ctx->pinned = sched_setaffinity(0, sizeof one, &one) == 0;
}

void sandbox_unpin(struct sandbox_ctx *ctx)
{
    if (ctx->pinned)
        sched_setaffinity(0, sizeof ctx->start_cpus, &ctx->start_cpus);
    ctx->pinned = false;
}
