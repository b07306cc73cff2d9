/* Internal to layers/live: the supervisor's state and the helpers its files
 * share. */
#ifndef ISOLAB_LIVE_INT_H
#define ISOLAB_LIVE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "live_notify.h"

#define LIVE_QUEUE 1024          /* events kept for a poll loop */
#define LIVE_RESTARTS 16         /* interrupted notifications remembered */
#define LIVE_NR_MAX 1024         /* syscall numbers recorded per arch */
#define LIVE_FIXED_MAX 128
#define LIVE_COMMS 16            /* /proc/TID/comm kept open, for the feed */
#define LIVE_MEMO 64             /* verdicts remembered, by syscall number */

struct live_interrupted {
    pid_t pid;
    int nr;
    uint64_t args[6];
};

struct live_comm {               /* an open /proc/TID/comm; fd -1 = free */
    pid_t tid;
    int fd;
};

/* A verdict and its rule's words for (model, caps, arch, nr), kept only for
 * syscalls that no rule of the model decides by argument (handle.c). */
struct live_memo {
    const struct seccomp_profile *model;
    uint64_t text_hash, caps;
    uint32_t arch;
    int nr;                       /* -1 = empty */
    struct sc_verdict v;
    char name[40];
    char rule[ISOLAB_PATH_MAX + 32];
    int rule_line;
    char condition[256];
};

struct live_sup {
    enum live_mode mode;
    live_event_fn fn;
    void *ud;
    pthread_mutex_t lock;         /* model, caps, the queue, the record sets */
    struct seccomp_profile *model;
    uint64_t caps;
    uint8_t bpf_allowed[LIVE_FIXED_MAX];   /* fixed syscalls ALLOW in the BPF */

    volatile int *slot;           /* shared page: the child's listener fd */
    int ack[2];                   /* the child waits on [0] until we hold it */
    int pidfd;                    /* the child, for pidfd_getfd and its end */
    int listener;
    int wake[2];                  /* live_sup_free -> the thread */
    int inotify;                  /* -1 = no watched file */
    char watch_path[ISOLAB_PATH_MAX];
    pthread_t thread;
    bool running;
    pid_t child;

    struct live_interrupted intr[LIVE_RESTARTS];
    unsigned nintr;
    unsigned long answered, restarts;
    struct live_comm comms[LIVE_COMMS];   /* the serving thread's alone */
    struct live_memo *memo;               /* LIVE_MEMO, under lock */
    unsigned ncomms;

    struct live_event *queue;     /* ring, when fn == NULL */
    unsigned qhead, qlen;
    int event_fd;

    /* record: syscall numbers seen, per arch slot (0 native, 1 the other
     * arches, by number), after and before the command's execve */
    bool exec_seen;
    uint8_t used[2][LIVE_NR_MAX];
    uint8_t setup[2][LIVE_NR_MAX];
    uint32_t arches_seen[8];
    unsigned narches_seen;
};

/* live_model.c */
void live_describe_rule(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                        const char *name, const struct sc_verdict *v, struct live_event *ev);
int live_compile_all(const struct seccomp_profile *p, uint64_t caps, bool keep_fixed,
                     uint8_t *bpf_allowed, struct sock_fprog *prog, struct isolab_err *err);
int live_compile_trace(const struct seccomp_profile *p, uint64_t caps, struct sock_fprog *prog,
                       struct isolab_err *err);
bool live_fixed_allowed_in_bpf(const uint8_t *bpf_allowed, const char *name);

/* decode.c: whether decoding name's arguments reads the caller's memory (a
 * path, clone3's struct): then it must be done before the answer */
bool live_decode_reads_memory(const char *name);
/* decode.c: the arguments in words; paths only while id is valid */
void live_decode_args(int listener, uint64_t id, pid_t pid, const char *name,
                      const uint64_t *args, char *out, size_t n);
void live_verdict_text(enum sc_action a, unsigned int errno_ret, char *out, size_t n);

/* notify.c */
void live_emit(struct live_sup *sup, const struct live_event *ev);
void live_note(struct live_sup *sup, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
