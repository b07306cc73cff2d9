/* Internal to the seccomp files (seccomp_*.c, seccomp.c): name tables,
 * "did you mean" suggestions and the JSON position finder. */
#ifndef ISOLAB_SECCOMP_INT_H
#define ISOLAB_SECCOMP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp_profile.h"

/* Operators: "SCMP_CMP_EQ" <-> enum scmp_compare. -1 if unknown. */
int sc_op_from_name(const char *name);
const char *sc_op_name(int op);
/* "SCMP_CMP_NE, SCMP_CMP_LT, ..." for messages */
const char *sc_op_list(void);
const char *sc_action_list(void);

/* "SCMP_ARCH_X86_64"; NULL if unknown */
const char *sc_arch_scmp_name(uint32_t token);
const char *sc_arch_list(void);

/* Filter flags: "SECCOMP_FILTER_FLAG_LOG" -> SECCOMP_FILTER_FLAG_LOG,
 * 0 if unknown. */
unsigned int sc_flag_from_name(const char *name);
const char *sc_flag_list(void);

/* Closest candidate to word (case-insensitive, ignoring a common prefix
 * such as "SCMP_ACT_"), NULL if nothing is close. */
const char *sc_suggest(const char *word, const char *const *cands, size_t n);
extern const char *const sc_action_names[];
extern const size_t sc_action_count;
extern const char *const sc_op_names[];
extern const size_t sc_op_count;
extern const char *const sc_flag_names[];
extern const size_t sc_flag_count;
extern const char *const sc_arch_names[];
extern const size_t sc_arch_count;

/* Where the value at a JSON path ("syscalls[3].action", "" = the root)
 * starts in text: 1-based line and column (columns count characters, as
 * jansson does). With want_key, the key of the last path element instead.
 * When the path does not exist completely, the deepest part that does.
 * text must be valid JSON (jansson parsed it already). */
void sc_json_locate(const char *text, size_t len, const char *path,
                    bool want_key, int *line, int *col);

/* Where the value at path starts and ends (byte offsets, end exclusive);
 * false when the path does not exist completely. */
bool sc_json_span(const char *text, size_t len, const char *path, size_t *start, size_t *end);

/* Line and column of each of the first n elements of the array at path
 * (0 where there is none), in one pass. */
void sc_json_array_positions(const char *text, size_t len, const char *path,
                             int *lines, int *cols, size_t n);


/* A fast 64-bit hash for cache keys (seccomp_cache.c); once FNV-1a. */
#define SC_HASH_INIT 0xcbf29ce484222325ULL
uint64_t sc_hash64(uint64_t h, const void *data, size_t n);

/* Compiled filters on disk ($XDG_CACHE_HOME/isolab/seccomp): libseccomp
 * needs tens of milliseconds for Docker's profile, a cached program none.
 * The key covers the profile's bytes, the capabilities, the native arch,
 * the kernel and libseccomp versions and the isolab binary itself.
 * ISOLAB_NO_CACHE=1 turns it off. */
uint64_t sc_bpf_cache_key(const struct seccomp_profile *p, uint64_t caps);
/* The same key from the hash of the profile's bytes (sc_hash64 over the file). */
uint64_t sc_bpf_cache_key_text(uint64_t text_hash, uint64_t caps);
int sc_bpf_cache_get(uint64_t key, struct sock_fprog *prog, unsigned int *flags,
                     int *warnings);
void sc_bpf_cache_put(uint64_t key, const struct sock_fprog *prog, unsigned int flags,
                      int warnings);

/* runc's ENOSYS stub (seccomp_enosys.c): is one wanted for this default
 * action; the highest syscall number the profile names on arch (-1: no
 * stub there); put the stub in front of a compiled program. */
bool sc_enosys_stub_wanted(const struct seccomp_profile *p);
bool sc_enosys_arch_in_filter(const struct seccomp_profile *p, uint32_t arch);
long sc_enosys_last(const struct seccomp_profile *p, uint64_t caps, uint32_t arch,
                    unsigned long kver);
int sc_enosys_prepend(const struct seccomp_profile *p, uint64_t caps, unsigned long kver,
                      struct sock_fprog *prog, struct isolab_err *err);

/* A shorter program with the same verdicts (seccomp_compact.c): libseccomp's
 * comparisons of the syscall number become ranges. 1 if prog was replaced
 * (the old filter freed), 0 if kept as it was, -ENOMEM. */
#include <linux/filter.h>
struct seccomp_data;
int sc_bpf_compact(struct sock_fprog *prog);
/* Unless ISOLAB_NO_COMPACT=1: then programs stay as libseccomp wrote them. */
bool sc_bpf_compact_wanted(void);
/* A range of syscall numbers, lo up to the next one's lo (the last up to
 * 2^32), and what it returns. */
struct sc_ret_range {
    uint32_t lo, ret;
};
#define SC_RET_TREE_MAX 256
/* The ranges r[0..n) (r[0].lo == 0, ascending, n <= SC_RET_TREE_MAX) as the
 * compaction's tree of jge and returns, into f (room for 2n instructions):
 * for a program of isolab's own, with A holding the number. Returns how
 * many instructions. */
size_t sc_bpf_ret_tree(const struct sc_ret_range *r, size_t n, struct sock_filter *f);
/* What seccomp returns for d under prog, run in user space; *args_read
 * (if args_read) is set when the run loaded an argument (seccomp_bpfrun.c). */
uint32_t sc_bpf_run(const struct sock_fprog *prog, const struct seccomp_data *d, bool *args_read);
/* Do a and b return the same for every arch, number and argument that can
 * tell them apart? false also for a program it cannot reason about. */
bool sc_bpf_same_verdicts(const struct sock_fprog *a, const struct sock_fprog *b);
/* Room for element n of the array *v (*cap elements of elem bytes), which
 * doubles when full; false out of memory (*v as it was). */
bool sc_grow(void **v, size_t *cap, size_t n, size_t elem);
/* A jset of one bit high enough (bit 27 up) to split the numbers into a few
 * intervals (the x32 bit, 30). */
static inline bool sc_bpf_high_bit(uint32_t k)
{
    return k >= (1u << 27) && (k & (k - 1)) == 0;
}
/* Where the jump at pc goes, taken or not (forward only, as the kernel checks). */
static inline unsigned sc_bpf_target(const struct sock_filter *f, unsigned pc, bool taken)
{
    if (BPF_OP(f->code) == BPF_JA)
        return pc + 1 + f->k;
    return pc + 1 + (taken ? f->jt : f->jf);
}

#endif
