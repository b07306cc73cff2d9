/* The seccomp-notify supervisor (layers/live): a sandbox whose filter sends
 * syscalls to a listener held by isolab, which answers each one from an
 * in-memory profile model and reports it as a feed event. DESIGN.md, "The
 * live shell".
 *
 * Use (the command line's --trace/--live, the TUI's shell pane):
 *
 *   struct live_sup *sup;
 *   live_sup_new(LIVE_TRACE, model, on_event, ud, &sup, &err);
 *   cfg.live = sup;                    // the seccomp layer compiles the
 *   sandbox_run(&cfg, &status, &err);  // notify filter and hands the
 *   live_sup_free(sup);                // listener to sup's thread
 *
 * The supervisor serves the listener from its own thread (the launcher's
 * child makes notified calls before its execve, while sandbox_start still
 * waits for it). Events reach on_event on that thread; a front end with a
 * poll loop (the TUI) passes on_event = NULL and reads them with
 * live_sup_events_fd() + live_sup_next_event() instead. */
#ifndef ISOLAB_LIVE_NOTIFY_H
#define ISOLAB_LIVE_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "isolab.h"
#include "seccomp_profile.h"

enum live_mode {
    /* --trace: the profile's non-ALLOW verdicts are notified, answered from
     * the model and reported; ALLOW stays in BPF. */
    LIVE_TRACE = 0,
    /* --live: every syscall an edit can change is notified (all but
     * live_fixed_syscalls()), so live_set_profile() flips the next call. */
    LIVE_POLICY,
    /* record: every syscall is notified, allowed and reported. */
    LIVE_RECORD,
};

enum live_event_kind {
    LIVE_EV_SYSCALL = 0,   /* a notified syscall and its verdict */
    LIVE_EV_NOTE,          /* something to say: EBUSY, a reload, the end */
};

struct live_event {
    enum live_event_kind kind;
    struct timespec ts;          /* CLOCK_REALTIME when it was received */
    pid_t pid;                   /* the thread, in isolab's pid namespace */
    char comm[17];
    uint32_t arch;               /* SCMP_ARCH_* */
    int nr;
    char name[40];               /* "unshare", "#1234" if unnamed */
    uint64_t args[6];
    char args_text[768];         /* "CLONE_NEWUSER", "AT_FDCWD, \"f\", 0600" */
    enum sc_action action;
    unsigned int errno_ret;      /* for SC_ACT_ERRNO */
    char verdict[48];            /* "allowed", "EPERM", "KILL_PROCESS" */
    char rule[ISOLAB_PATH_MAX + 32];  /* "docker-default.json:612" or "defaultAction" */
    int rule_line;               /* 0 for defaultAction */
    char condition[256];         /* "includes CAP_SYS_ADMIN, not held" or "" */
    bool before_exec;            /* before the command's first execve (record:
                                    isolab's own setup) */
    char note[512];              /* LIVE_EV_NOTE's text, or a remark on the call */
};

typedef void (*live_event_fn)(void *ud, const struct live_event *ev);

struct live_sup;

/* A supervisor answering from model (taken over, freed by the supervisor;
 * may be NULL for LIVE_RECORD) against the capabilities caps (what the
 * seccomp layer resolves includes/excludes against: set them with
 * live_set_caps() before the start, lab_config_seccomp_caps()). */
int live_sup_new(enum live_mode mode, struct seccomp_profile *model, live_event_fn fn,
                 void *ud, struct live_sup **out, struct isolab_err *err);
enum live_mode live_sup_mode(const struct live_sup *sup);
void live_set_caps(struct live_sup *sup, uint64_t caps);

/* Swap the model (taken over; the old one is freed): the next notification
 * is answered from the new one. In LIVE_POLICY, a fixed syscall that the
 * running filter allows in BPF stays allowed whatever the new model says:
 * each such conflict is reported as a LIVE_EV_NOTE with the reason (it
 * applies on the next start). Returns how many conflicts, or -1. */
int live_set_profile(struct live_sup *sup, struct seccomp_profile *model,
                     struct isolab_err *err);

/* Watch a profile file (inotify): on each save it is loaded and swapped in
 * with live_set_profile; an invalid save keeps the last valid model and is
 * reported as a LIVE_EV_NOTE with the loader's error. */
int live_watch_file(struct live_sup *sup, const char *path, struct isolab_err *err);

/* Events for a poll loop: the fd is readable while events are queued. */
int live_sup_events_fd(const struct live_sup *sup);
bool live_sup_next_event(struct live_sup *sup, struct live_event *ev);

/* Counters: notifications answered, restarts folded into their first line. */
void live_sup_counts(const struct live_sup *sup, unsigned long *answered,
                     unsigned long *restarts);

/* Stop serving (the listener is closed: calls still notified fail with
 * ENOSYS), join the thread, free everything. NULL is fine. */
void live_sup_free(struct live_sup *sup);

/* The syscalls a shell cannot live without: plain ALLOW in BPF in
 * LIVE_POLICY (when the starting profile allows them unconditionally), so
 * they cannot be denied live. live_fixed_syscall(i, &why) is the i-th
 * (NULL past the last); live_syscall_fixed() says whether name is one and
 * why. */
const char *live_fixed_syscall(size_t i, const char **why);
bool live_syscall_fixed(const char *name, const char **why);
/* In this supervisor's running filter, is name one of the fixed syscalls
 * allowed in BPF (so no live edit can deny it)? why as live_syscall_fixed. */
bool live_sup_fixed_in_bpf(const struct live_sup *sup, const char *name, const char **why);

/* The model's verdict for a syscall number on arch, as the supervisor
 * answers it (numbers libseccomp cannot name get what the kernel's filter
 * gives them: runc's ENOSYS stub above the profile's newest syscall, else
 * defaultAction). Returns the name (static storage, "" if none). */
const char *live_model_eval(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                            int nr, const uint64_t *args, struct sc_verdict *v);

/* Record (live_record.c): the syscalls seen after the command's execve,
 * and those of isolab's setup before it, written as a minimal Docker
 * profile (defaultAction ERRNO, the architectures, names, clone3 ENOSYS
 * when clone is used), merged with merge_path when given. */
int live_record_write(const struct live_sup *sup, const char *out_path,
                      const char *merge_path, struct isolab_err *err);

/* The seccomp layer's side (seccomp.c): the filter for this supervisor's
 * mode; the hand-over (parent, before the clone: a shared slot the child
 * stores the listener's fd number in, and the read end of the ack pipe it
 * then waits on, CLOEXEC, the parent's copy owned by the supervisor); and
 * the supervisor's thread, started after the clone, which takes the
 * listener with pidfd_getfd. */
int live_compile(struct live_sup *sup, const struct seccomp_profile *p, uint64_t caps,
                 struct sock_fprog *prog, struct isolab_err *err);
int live_sup_handoff(struct live_sup *sup, volatile int **slot, int *ack_rfd,
                     struct isolab_err *err);
int live_sup_serve(struct live_sup *sup, pid_t child, struct isolab_err *err);

#endif
