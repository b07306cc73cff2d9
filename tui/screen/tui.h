/* isolab's ncurses front end. DESIGN.md, "The TUI".
 *
 * tui_run() is the entry point the command line calls. The rest of this
 * header is shared between the tui_*.c files only. */
#ifndef ISOLAB_TUI_H
#define ISOLAB_TUI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Everything the TUI formats is display text cut to the screen or to a
 * fixed buffer on purpose; truncation is the intended behaviour. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include "isolab.h"
#include "probes.h"
#include "seccomp_profile.h"

/* Open the TUI on cfg (already filled from the command line). The seccomp
 * profile given as a file (cfg->seccomp_profile) is the one the TUI edits
 * and watches. Returns the exit status for the process. */
int tui_run(struct lab_config *cfg, const char *preset_name);

/* ---- internal ------------------------------------------------------------ */

enum tui_mode {
    MODE_MAIN = 0,
    MODE_HELP,
    MODE_DETAILS,      /* details of one layer */
    MODE_PRESETS,
    MODE_PROBE_INFO,
    MODE_SYSCALLS,     /* the in-TUI seccomp syscall editor */
    MODE_PROFILE_ERROR,/* invalid profile after $EDITOR: re-edit? */
    MODE_LAB_CHOOSER,  /* L: the labs with progress (tui_lab.c) */
    MODE_LAB_TEXT,     /* the lab step in full (tui_lab.c) */
};

enum prompt_kind {
    PROMPT_NONE = 0,
    PROMPT_SEARCH,         /* '/' in the syscall editor */
    PROMPT_ERRNO,          /* errno for SCMP_ACT_ERRNO */
    PROMPT_CGROUP,         /* a cgroup limit */
    PROMPT_SAVE_CONFIRM,   /* unsaved syscall edits: save? */
    PROMPT_FLAGS,          /* f: layer flags in Docker's spelling (tui_flags.c) */
    PROMPT_OPEN_PROFILE,   /* o: a seccomp profile file by path (tui_flags.c) */
};

/* One row of the syscall editor. */
struct sc_row {
    char name[64];
    struct sc_verdict v;
    bool in_profile;   /* named by some rule */
    bool other_arch;   /* not a syscall of this architecture */
};

struct tui {
    struct lab_config *cfg;
    char preset[64];
    int exit_status;

    /* display */
    enum tui_mode mode;
    bool color;
    bool ascii_lines;      /* terminal lacks ACS line drawing */
    bool mouse;
    int rows, cols;
    bool focus_probes;     /* else the layers panel */
    int layer_sel;
    int probe_sel, probe_top;
    int detail_sel, detail_top;   /* cursor in details / presets lists */
    enum layer_id detail_layer;
    char msg[1024];
    bool msg_error;
    /* geometry of the last frame, for mouse clicks */
    int layers_y, layers_x, layers_w, layer_rows;
    int probes_y, probes_x, probes_h;
    int list_y, list_h;

    /* probes */
    struct probe_blame *cur, *prev;   /* probe_count entries */
    bool have_cur, have_prev;
    bool *changed;
    bool *known;           /* a verdict has arrived for this row */
    bool *prev_known;
    pid_t probe_pid;       /* helper running probes_blame, 0 if none */
    int probe_fd;
    unsigned char *probe_buf;
    size_t probe_len, probe_need;
    bool probes_wanted;    /* a change came in: run (again) */
    bool probe_stale;      /* the running helper started before a change */
    int probe_phase;       /* message being read: 1 verdicts, 2 attribution */
    bool attributing;      /* verdicts shown, attribution still running */
    bool rotated;          /* this run already moved cur to prev */
    pid_t draining[8];     /* superseded helpers, left to finish on their own */
    int ndraining;
    char probe_error[1024];
    struct probe_cache *probe_cache;  /* attribution results kept by key (probes.h) */

    /* presets */
    char **presets;
    size_t npresets;
    bool presets_builtin;

    /* seccomp profile being edited / watched */
    char profile_path[ISOLAB_PATH_MAX];   /* the learner's file */
    char active_path[ISOLAB_PATH_MAX];    /* snapshot of the last valid text */
    char workdir[ISOLAB_PATH_MAX];        /* private dir for snapshots */
    char *profile_text;                   /* last text seen in the file */
    struct seccomp_profile *profile;      /* last valid model */
    char profile_err[1024];
    int inotify_fd, watch_wd;
    char **profile_files;                 /* profiles/seccomp/ *.json */
    size_t nprofile_files;

    /* syscall editor */
    struct sc_row *sc_rows;
    size_t nsc_rows;
    int sc_sel, sc_top;
    bool sc_dirty;
    void *sc_json;                        /* json_t * being edited */
    struct seccomp_profile *sc_model;     /* sc_json parsed, for eval */
    char search[64];

    /* one-line prompt */
    enum prompt_kind prompt;
    char prompt_label[128];
    char prompt_buf[256];
    int prompt_arg;

    /* the shell pane (tui_pane.c), NULL when closed */
    struct tui_pane *pane;
    /* live mode and the live feed beside the pane (tui_feed.c), NULL until
     * a live shell starts */
    struct tui_feed *feed;
};

extern volatile sig_atomic_t tui_quit_signal;
extern struct tui *tui_current;   /* for the drawing helpers */

/* tui_term.c */
int  tui_term_init(struct tui *t);
void tui_term_restore(void);     /* idempotent; every exit path calls it */
void tui_install_signals(void);
int  tui_run_shell(struct tui *t);
/* A shell's config for the current screen (pty on, the last valid profile);
 * *env is to be freed after sandbox_start. */
int  tui_shell_config(const struct tui *t, struct lab_config *c, char ***env);
/* Every layer as it is in force, on one line. */
void tui_shell_describe(const struct tui *t, char *buf, size_t n);
int  tui_run_editor(struct tui *t, const char *path);
void tui_hline(int y, int x, int w);
void tui_box(int y, int x, int h, int w, const char *title);
/* Keep a list's selection inside 0..n-1 and its first visible row (top)
 * such that the selection shows in `rows` rows. */
void tui_scroll_clamp(int *sel, int *top, int n, int rows);
/* Word-wrapped text in [x, x+w) from row y, stopping before maxy; returns
 * the next free row. */
int  tui_wrap(int y, int x, int w, int maxy, const char *text);

/* tui_main.c */
void tui_msg(struct tui *t, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tui_config_changed(struct tui *t);
void tui_status_line(char *buf, size_t n);
/* The config the engine really gets: the profile is the last valid
 * snapshot, never a file the learner is half-way through editing. */
void tui_effective_config(const struct tui *t, struct lab_config *c);

/* tui_probes.c */
void tui_probes_init(struct tui *t);
void tui_probes_free(struct tui *t);
void tui_probes_start(struct tui *t);
void tui_probes_poll(struct tui *t);
void tui_verdict_str(const struct probe_result *r, char *buf, size_t n);
void tui_draw_probes(struct tui *t, int y, int x, int h, int w);
void tui_draw_probe_info(struct tui *t);
bool tui_probes_key(struct tui *t, int ch);

/* tui_layers.c */
void tui_draw_layers(struct tui *t, int y, int x, int h, int w, bool two_line);
void tui_layer_toggle(struct tui *t, int id);
void tui_draw_details(struct tui *t);
bool tui_details_key(struct tui *t, int ch);
void tui_presets_load(struct tui *t);
void tui_draw_presets(struct tui *t);
bool tui_presets_key(struct tui *t, int ch);
int  tui_preset_apply(struct tui *t, const char *name);
void tui_prompt_done(struct tui *t, bool ok);
const char *tui_cap_meaning(int cap);

/* tui_flags.c: the f and o prompts */
void tui_flags_prompt(struct tui *t, enum prompt_kind k);
void tui_flags_prompt_done(struct tui *t, bool ok);

/* tui_edit.c */
int  tui_profile_init(struct tui *t);
void tui_profile_free(struct tui *t);
int  tui_profile_reload(struct tui *t, bool from_editor);
void tui_profile_select(struct tui *t, const char *path);
void tui_watch_poll(struct tui *t);
void tui_edit_external(struct tui *t);
/* Shipped profiles are copied to $XDG_STATE_HOME/isolab/ before editing. */
int  tui_profile_writable(struct tui *t);
int  tui_write_atomic(const char *path, const char *text, size_t len, struct isolab_err *err);
void tui_syscalls_open(struct tui *t);
void tui_draw_syscalls(struct tui *t);
bool tui_syscalls_key(struct tui *t, int ch);
void tui_draw_profile_error(struct tui *t);
bool tui_profile_error_key(struct tui *t, int ch);
void tui_syscalls_prompt_done(struct tui *t, bool ok);
int  tui_syscalls_save(struct tui *t);

#endif
