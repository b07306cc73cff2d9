/* LSM layer (stub; being fleshed out). */
#include "layer.h"
#include <stdio.h>

static bool lsm_available(char *why, size_t n) { if (why && n) snprintf(why, n, "lsm"); return true; }
static int lsm_validate(const struct lab_config *cfg, struct isolab_err *err) { (void)cfg; (void)err; return 0; }
static int lsm_prepare(const struct lab_config *cfg, struct sandbox_ctx *ctx, struct isolab_err *err)
{ (void)cfg; (void)err; ctx->landlock_ruleset_fd = -1; return 0; }
static int lsm_enter(const struct lab_config *cfg, struct sandbox_ctx *ctx, enum child_step step, struct isolab_err *err)
{ (void)cfg; (void)ctx; (void)step; (void)err; return 0; }
static void lsm_describe(const struct lab_config *cfg, char *buf, size_t n) { (void)cfg; snprintf(buf, n, "lsm"); }
static void lsm_cleanup(const struct lab_config *cfg, struct sandbox_ctx *ctx) { (void)cfg; (void)ctx; }

const char *lsm_mechanism_name(void) { return "none"; }

const struct layer_ops lsm_layer = {
    .name = "lsm", .id = LAYER_LSM, .available = lsm_available,
    .validate = lsm_validate, .prepare = lsm_prepare, .enter = lsm_enter,
    .describe = lsm_describe, .cleanup = lsm_cleanup,
};
