/* Labs: guided exercises loaded from labs/ (*.json), checked for real
 * (DESIGN.md, "Labs"; the format is documented in labs/README.md).
 *
 * One lab = id, title, goal, minutes, steps. A step is
 *   observe  the engine applies the step's configuration and its
 *            expectations must hold (the instructor demo shows them);
 *   task     the learner changes the configuration (or writes a profile)
 *            until the expectations hold; the check runs against the
 *            learner's CURRENT configuration and never applies an answer;
 *   quiz     a question with choices, the answer, and why each wrong
 *            choice is wrong.
 * Step numbers in this API are 0-based; the command line shows 1-based.
 *
 * The TUI's loop:  lab_load_all -> lab_progress_load -> lab_step_config
 * (when a step starts: the learner's starting point) -> after every change:
 * lab_step_check(lab, step, &cfg) -> ✓ when .result == LAB_PASS ->
 * lab_progress_mark_passed + lab_current_save -> lab_progress_save. */
#ifndef ISOLAB_LAB_H
#define ISOLAB_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isolab.h"
#include "probes.h"

enum lab_step_kind { LAB_OBSERVE = 0, LAB_TASK, LAB_QUIZ };
const char *lab_step_kind_name(enum lab_step_kind k);   /* "observe" ... */

enum lab_expect_kind {
    LAB_EXPECT_PROBE = 0,   /* a probe's verdict (and which layers block it) */
    LAB_EXPECT_COMMAND,     /* a command in the sandbox: exit status, output */
    LAB_EXPECT_NAMESPACE,   /* is a namespace shared with the host or not */
    LAB_EXPECT_SYSCALL,     /* a syscall's number on an arch (libseccomp) */
    LAB_EXPECT_SECCOMP,     /* what the config's profile does to a syscall */
    LAB_EXPECT_CAPS,        /* capabilities in force: at most N, has, lacks */
    LAB_EXPECT_PROFILE,     /* the seccomp profile loads, or is refused with an error */
};

struct lab_expect {
    enum lab_expect_kind kind;
    int line, col;              /* where it is in the lab file */
    char *why;                  /* shown when it fails ("" if none) */

    /* probe */
    int probe;                  /* index into probe_catalogue */
    enum probe_verdict verdict; /* PROBE_ALLOWED or PROBE_BLOCKED */
    int errnum;                 /* 0 = any errno */
    unsigned int by;            /* 1u << LAYER_*: each blocks it alone */
    unsigned int not_by;        /* 1u << LAYER_*: none of these blocks it alone */
    int min_layers;             /* blocked alone by at least this many (0 = no rule) */

    /* command */
    char **argv;                /* NULL-terminated */
    int exit_status;            /* -1 = any, -2 = any non-zero */
    char *output_re;            /* POSIX extended regex on stdout+stderr, NULL = any */

    /* namespace */
    int ns;                     /* enum ns_kind */
    bool shared;                /* true: the sandbox shares the host's */

    /* syscall / seccomp */
    char *syscall;
    char *arch;                 /* "x86_64", "x86", "x32", "aarch64", "arm" */
    long number;                /* syscall: expected number, -1 = does not exist */
    char *action;               /* seccomp: "allow", "errno", "kill", "trap", "blocked" */

    /* caps */
    int caps_at_most;           /* -1 = no rule */
    uint64_t caps_has, caps_lacks;

    /* profile: "loads" or "refused"; output_re is the error's regex (on
     * "message\n  hint: hint", as isolab run prints it), NULL = any */
    bool profile_loads;
};

/* A configuration as a lab states it: a preset, then layer flags in
 * Docker's spelling (lab_config_parse_flag). Relative profile paths in
 * "seccomp=FILE" are relative to isolab's data directory. */
struct lab_setup {
    char *preset;               /* NULL = docker */
    char **flags;               /* NULL-terminated, may be empty */
    size_t nflags;
    bool given;
};

struct lab_step {
    enum lab_step_kind kind;
    int line, col;
    char *title;
    char *text;                 /* what the learner reads */
    char *explain;              /* after: why it came out that way ("" if none) */
    char *notes;                /* presenter notes for the demo ("" if none) */
    struct lab_setup config;    /* observe: applied; task: the starting point */
    struct lab_setup solution;  /* task: one answer (the demo shows it); optional */
    struct lab_expect *expect;
    size_t nexpect;
    char **hints;
    size_t nhints;
    char **needs;               /* "lsm", "apparmor", "landlock", "cgroups", "cgroup-v2",
                                 * "syscall:NAME" (the kernel has it) */
    size_t nneeds;
    /* quiz */
    char **choices;
    size_t nchoices;
    int answer;                 /* 0-based */
    char **why_wrong;           /* per choice; NULL entries for none */
};

struct lab {
    char *path;
    char *id;                   /* "seccomp" */
    int order;                  /* position in the curriculum */
    char *title;
    char *goal;
    int minutes;
    struct lab_step *steps;
    size_t nsteps;
};

/* Load and validate one lab file. Errors: "lab: FILE:L:C: steps[2].expect[0]
 * .probe: unknown probe "unshare-usr"" with a hint naming the fix. */
int lab_load(const char *path, struct lab **out, struct isolab_err *err);
int lab_parse(const char *text, size_t len, const char *name, struct lab **out,
              struct isolab_err *err);
void lab_free(struct lab *lab);

/* Every labs/ (every .json) of the data directory, sorted by order then id. A bad
 * file fails the whole load (with its error). */
int lab_load_all(struct lab ***labs, size_t *n, struct isolab_err *err);
void lab_free_all(struct lab **labs, size_t n);
/* By id, or by 1-based position ("3"); NULL if none. */
struct lab *lab_find(struct lab **labs, size_t n, const char *id_or_number);

/* Apply a setup to cfg (which starts as Docker's defaults). */
int lab_setup_apply(const struct lab_setup *s, struct lab_config *cfg, struct isolab_err *err);
/* The step's configuration: its own "config", else the nearest earlier
 * step's, else Docker's defaults. For a task this is where the learner
 * starts; for an observe step it is what the step applies. */
int lab_step_config(const struct lab *lab, size_t step, struct lab_config *cfg,
                    struct isolab_err *err);
/* The start config with the step's "solution" flags applied (tasks). */
int lab_step_solution_config(const struct lab *lab, size_t step, struct lab_config *cfg,
                             struct isolab_err *err);

/* ---- checking ------------------------------------------------------------ */

enum lab_result { LAB_PASS = 0, LAB_FAIL, LAB_SKIP };
const char *lab_result_name(enum lab_result r);      /* "pass" "fail" "skip" */

struct lab_expect_result {
    enum lab_result result;
    char expected[160];         /* "unshare-user blocked by seccomp" */
    char actual[256];           /* "EPERM, blocked by seccomp+caps" */
};

struct lab_check {
    enum lab_result result;     /* FAIL if any fails, else SKIP if any skips */
    char reason[512];           /* one line: why it failed / was skipped / "all N hold" */
    struct lab_expect_result *items;   /* one per expectation */
    size_t nitems;
};

/* Evaluate the step's expectations against cfg (the learner's current
 * configuration for a task; lab_step_config for an observe step). Runs only
 * the probes the step names (probes_blame when "by"/"not_by"/"min_layers"
 * need attribution). Returns 0 with out filled (free with
 * lab_check_free), -1 only when it could not run at all. A quiz step has
 * no expectations: its result is SKIP ("answer it with lab_quiz_answer"). */
int lab_step_check(const struct lab *lab, size_t step, const struct lab_config *cfg,
                   struct lab_check *out, struct isolab_err *err);
void lab_check_free(struct lab_check *c);
/* What an expectation asks, in words ("unshare-user blocked by seccomp"). */
void lab_expect_describe(const struct lab_expect *e, char *buf, size_t n);
/* Missing machine features for the step ("AppArmor is not enabled ..."),
 * or "" if it can run here. */
void lab_step_unmet_needs(const struct lab_step *st, char *why, size_t n);

/* 1 if right, 0 if wrong; why gets the step's "explain" when right, and
 * only the choice's why_wrong when wrong (never the answer). */
int lab_quiz_answer(const struct lab_step *st, int choice, char *why, size_t n);

/* Hint k (0-based) or NULL past the last: shown one at a time. */
const char *lab_step_hint(const struct lab_step *st, size_t k);

/* ---- progress and the learner's configuration -------------------------- */

/* $XDG_STATE_HOME/isolab, default ~/.local/state/isolab (created). */
int lab_state_dir(char *out, size_t n, struct isolab_err *err);

#define LAB_MAX_STEPS 64
struct lab_progress {
    char lab_id[64];
    size_t step;                      /* current step (0-based) */
    bool passed[LAB_MAX_STEPS];       /* checks passed / quiz answered right */
    unsigned int hints[LAB_MAX_STEPS];/* hints shown so far */
    /* the configuration a task passed with (re-checked by lab check ID) */
    struct lab_config *config[LAB_MAX_STEPS];   /* malloc'ed, NULL = none */
};
/* Missing file or lab = fresh progress (step 0, nothing passed). */
int lab_progress_load(const char *lab_id, struct lab_progress *p, struct isolab_err *err);
int lab_progress_save(const struct lab_progress *p, struct isolab_err *err);
void lab_progress_free(struct lab_progress *p);   /* frees config[]; p stays usable */
/* lab_id NULL: every lab's progress and the saved configuration. */
int lab_progress_reset(const char *lab_id, struct isolab_err *err);
/* Record a passed step (cfg may be NULL: quiz / observe). */
void lab_progress_mark_passed(struct lab_progress *p, size_t step, const struct lab_config *cfg);
/* Steps passed, out of the lab's steps. */
size_t lab_progress_count(const struct lab_progress *p, const struct lab *lab);

/* struct lab_config <-> JSON (layers, namespaces, capability names, seccomp
 * profile path, cgroup limits, LSM policy, user, hostname, rootfs). */
int lab_config_to_json_file(const struct lab_config *cfg, const char *path,
                            struct isolab_err *err);
int lab_config_from_json_file(const char *path, struct lab_config *cfg,
                              struct isolab_err *err);   /* also reads current.json */
/* The learner's current configuration (the TUI saves it after every
 * change) with the lab and step it was made for, in the state dir's
 * current.json. lab_current_load returns 0, or 1 when none is saved. */
int lab_current_save(const struct lab_config *cfg, const char *lab_id, size_t step,
                     struct isolab_err *err);
int lab_current_load(struct lab_config *cfg, char *lab_id, size_t idn, size_t *step,
                     struct isolab_err *err);

#endif
