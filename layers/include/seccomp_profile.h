/* Docker/OCI seccomp profiles: the parsed model, kept apart from the
 * compiled filter so that a syscall can be evaluated against the model
 * without the kernel (isolab syscalls, diff, lint, explain). */
#ifndef ISOLAB_SECCOMP_PROFILE_H
#define ISOLAB_SECCOMP_PROFILE_H

#include <jansson.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isolab.h"

enum sc_action {
    SC_ACT_ALLOW = 0,
    SC_ACT_ERRNO,
    SC_ACT_KILL,          /* SCMP_ACT_KILL == KILL_THREAD */
    SC_ACT_KILL_THREAD,
    SC_ACT_KILL_PROCESS,
    SC_ACT_TRAP,
    SC_ACT_TRACE,
    SC_ACT_LOG,
    SC_ACT_NOTIFY,
};
const char *sc_action_name(enum sc_action a);          /* "SCMP_ACT_ALLOW" */
int sc_action_from_name(const char *name);             /* -1 if unknown */

struct sc_arg {
    unsigned int index;   /* 0..5 */
    uint64_t value;
    uint64_t value_two;
    int op;               /* enum scmp_compare (SCMP_CMP_NE ...) */
};

struct sc_filter {        /* includes or excludes */
    char **caps;          /* "CAP_SYS_ADMIN" */
    size_t ncaps;
    char **arches;        /* Docker arch names: "amd64", "arm64", ... */
    size_t narches;
    char min_kernel[32];  /* "" = none */
    /* Resolved at load time: */
    uint64_t cap_mask;    /* the listed capabilities that are known */
    bool cap_unknown;     /* a listed capability is unknown (never present) */
    uint32_t *arch_tokens;/* SCMP_ARCH_* per arches[i], 0 = unknown name */
    unsigned long min_kver; /* kernel_version_parse(min_kernel), 0 = none */
};

struct sc_rule {
    char **names;
    size_t nnames;
    enum sc_action action;
    bool has_errno;
    unsigned int errno_ret;
    struct sc_arg *args;
    size_t nargs;
    struct sc_filter includes;
    struct sc_filter excludes;
    char *comment;
    int line, column;     /* where the rule starts in the file, 0 if unknown */
};

struct sc_archmap {       /* one archMap entry */
    uint32_t arch;        /* SCMP_ARCH_* */
    uint32_t *subs;
    size_t nsubs;
};

struct seccomp_profile {
    char *path;
    enum sc_action default_action;
    bool has_default_errno;
    unsigned int default_errno;
    uint32_t *arches;     /* SCMP_ARCH_* tokens, from architectures or archMap
                             (main arch and its subArchitectures) */
    size_t narches;
    unsigned int flags;   /* SECCOMP_FILTER_FLAG_* */
    char **flag_names;
    size_t nflags;
    char *listener_path;
    char *listener_metadata;
    struct sc_rule *rules;
    size_t nrules;
    /* archMap as given (arches above is then every arch it names); the
     * compiler uses the entry of the native arch, as Docker does. */
    struct sc_archmap *archmap;
    size_t narchmap;
    /* Things Docker accepts silently but that are probably mistakes
     * (unknown fields, unknown capability names): "file:line:col: path: ..." */
    char **warnings;
    size_t nwarnings;
    uint64_t text_hash;   /* sc_hash64 of the file's bytes (cache key) */
};

/* Parse a file / a buffer. Errors name file:line:col, the field, what was
 * expected and the fix. */
int seccomp_profile_load(const char *path, struct seccomp_profile **out,
                         struct isolab_err *err);
int seccomp_profile_parse(const char *text, size_t len, const char *name,
                          struct seccomp_profile **out, struct isolab_err *err);
void seccomp_profile_free(struct seccomp_profile *p);

/* Running kernel as major*1000000 + minor*1000 + patch. */
unsigned long kernel_version_code(void);
unsigned long kernel_version_parse(const char *s);   /* "5.8" -> 5008000 */

/* Does rule r apply for these capabilities, this arch (SCMP_ARCH_*) and
 * kernel version? (includes: every listed cap present; excludes: any.) */
/* Whether rule r names the syscall name (one of its names). */
bool seccomp_rule_names(const struct sc_rule *r, const char *name);
bool seccomp_rule_applies(const struct sc_rule *r, uint64_t caps, uint32_t arch,
                          unsigned long kver);

/* The decision for one syscall, from the model alone. */
#define SC_MAX_ERRNO 4095          /* the kernel caps SECCOMP_RET_ERRNO data here */
struct sc_verdict {
    enum sc_action action;
    unsigned int errno_ret;        /* for SC_ACT_ERRNO (default 1 = EPERM),
                                      capped at SC_MAX_ERRNO as the kernel does
                                      (the rule keeps the value as given) */
    const struct sc_rule *rule;    /* NULL = defaultAction */
    bool conditional;              /* the rule has argument conditions: the
                                      action applies only when they hold */
    bool unresolved;               /* libseccomp does not know the name: the
                                      compiled filter skips its rules, so the
                                      kernel applies defaultAction (.action) */
    bool newer_than_profile;       /* the number is above every syscall the
                                      profile names on this arch: ERRNO(ENOSYS),
                                      as runc's stub answers (.profile_last) */
    long profile_last;             /* that highest number */
};
/* args == NULL: "any arguments" -- the first applicable rule for the name
 * decides and .conditional says whether arguments matter. With args (6
 * values): the first applicable rule whose conditions hold. Returns -1 if
 * the name is not a syscall on arch.
 * As libseccomp builds the filter: rules whose action equals the default are
 * left out, and an unconditional rule for a syscall overrides its
 * conditional ones. A name libseccomp does not know but the profile names
 * gets what the kernel will do -- the default action -- with .unresolved
 * set and .rule pointing at the rule the profile meant for it. */
int seccomp_profile_eval(const struct seccomp_profile *p, uint64_t caps,
                         uint32_t arch, const char *syscall,
                         const uint64_t *args, struct sc_verdict *out);

/* The same with runc's stub limit for (caps, arch) known already (from
 * sc_enosys_last; the live supervisor asks once per model, not per call);
 * SC_LAST_UNKNOWN computes it. */
#define SC_LAST_UNKNOWN (-2L)
int seccomp_profile_eval_last(const struct seccomp_profile *p, uint64_t caps,
                              uint32_t arch, const char *syscall, const uint64_t *args,
                              long last_known, struct sc_verdict *out);

/* The same for a syscall number the caller has (the live supervisor's
 * notification): name is its name on arch, last_known as below. Unlike by
 * name alone, a number libseccomp also knows as a multiplexed pseudo-syscall
 * (x86's bind is socketcall's too) is judged as the direct call it is. */
int seccomp_profile_eval_nr(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                            int nr, const char *syscall, const uint64_t *args,
                            long last_known, struct sc_verdict *out);

/* Compile for the native arch (and its sub-arches) with libseccomp, export
 * to BPF. Unknown syscall names are skipped; each one is reported through
 * warn (may be NULL) and counted in *nwarnings. */
typedef void (*seccomp_warn_fn)(void *ud, const char *msg);
int seccomp_profile_compile(const struct seccomp_profile *p, uint64_t caps,
                            struct sock_fprog *prog, unsigned int *flags,
                            seccomp_warn_fn warn, void *ud, int *nwarnings,
                            struct isolab_err *err);

/* A mapped compile: the plain filter's own tree (the same rules, the same
 * order, the same argument checks), with other return values. Each distinct
 * action k of seccomp_profile_actions() (k = 0: defaultAction) returns
 * ret[k] (SECCOMP_RET_* with data) instead; ret == NULL leaves the markers
 * ERRNO(SC_MARKER_BASE + k), which the model-versus-kernel proof loads so
 * that no call is ever executed. runc's ENOSYS stub stays as it is. Unknown
 * names are skipped silently (the plain compile reports them). */
#define SC_MARKER_BASE 4000u
#define SC_MARKER_MAX 90
size_t seccomp_profile_actions(const struct seccomp_profile *p, uint64_t caps, uint32_t *acts,
                               size_t max);
int seccomp_profile_compile_mapped(const struct seccomp_profile *p, uint64_t caps,
                                   const uint32_t *ret, size_t nret, struct sock_fprog *prog,
                                   unsigned int *flags, struct isolab_err *err);

/* The seccomp layer's compile warnings in this process (each unknown
 * syscall name, once per compilation, as "seccomp: FILE:LINE:COL: ...") go
 * to fn; NULL (the default) drops them. Set it before sandbox_start; not
 * for use from several threads at once. seccomp_warning_report is the
 * layer's side. */
void seccomp_warnings_to(seccomp_warn_fn fn, void *ud);
void seccomp_warning_report(const char *msg);

/* The profile as the OCI runtime spec's linux.seccomp (runc's config.json):
 * defaultAction, defaultErrnoRet, every architecture of the profile (an
 * archMap's main and sub-architectures flattened, as the OCI format lists
 * them), flags, listenerPath, listenerMetadata, and the rules that apply for
 * caps on arch under kernel version kver (includes/excludes resolved: the
 * OCI format has none). A new reference, or NULL with err. */
json_t *seccomp_profile_to_oci(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                               unsigned long kver, struct isolab_err *err);

/* Which profile a config uses: cfg->seccomp_profile, or the built-in
 * default (profiles/seccomp/docker-default.json via isolab_data_path). */
int seccomp_profile_path(const struct lab_config *cfg, char *out, size_t n,
                         struct isolab_err *err);

/* The warnings (unknown syscall names) that the seccomp layer's compilation
 * of cfg's profile gives: how many, and the first one's text. It compiles
 * through the layer's own cache, so the sandbox that starts next with this
 * configuration compiles nothing again. 0, or -1 with err (the profile does
 * not parse or compile). */
int seccomp_layer_warnings(const struct lab_config *cfg, int *n, char *first, size_t firstn,
                           struct isolab_err *err);

/* libseccomp's action value (SCMP_ACT_*) for an action and its errno
 * (used for ERRNO and TRACE). */
uint32_t sc_action_scmp(enum sc_action a, unsigned int errno_ret);

/* Architectures: Docker's names (amd64, x86, x32, arm64, ...) and
 * libseccomp's (SCMP_ARCH_X86_64, ...). 0 if unknown. */
uint32_t sc_arch_from_name(const char *name);

/* errno name <-> number ("EPERM" <-> 1); NULL / -1 if unknown */
const char *sc_errno_name(int e);
int sc_errno_from_name(const char *name);

#endif
