/* cgroup layer (stub; being fleshed out). */
#include "layer.h"
#include <stdio.h>

static bool cg_available(char *why, size_t n) { if (why && n) snprintf(why, n, "cgroups"); return true; }
static int cg_validate(const struct lab_config *cfg, struct isolab_err *err) { (void)cfg; (void)err; return 0; }
static int cg_prepare(const struct lab_config *cfg, struct sandbox_ctx *ctx, struct isolab_err *err)
{ (void)cfg; (void)err; ctx->cgroup_fd = -1; return 0; }
static void cg_describe(const struct lab_config *cfg, char *buf, size_t n) { (void)cfg; snprintf(buf, n, "cgroups"); }
static void cg_cleanup(const struct lab_config *cfg, struct sandbox_ctx *ctx) { (void)cfg; (void)ctx; }

const char *cgroup_mode_name(void) { return "none"; }

const struct layer_ops cgroup_layer = {
    .name = "cgroups", .id = LAYER_CGROUP, .available = cg_available,
    .validate = cg_validate, .prepare = cg_prepare, .describe = cg_describe,
    .cleanup = cg_cleanup,
};
