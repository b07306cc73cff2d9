/* Names in Docker/OCI seccomp profiles: actions, operators, architectures,
 * filter flags, errno names, and the "did you mean" used by the parser's
 * error messages. */
#include <ctype.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <strings.h>

#include "seccomp_int.h"

/* Newer than the installed libseccomp/kernel headers; the values are the
 * kernel's AUDIT_ARCH_* tokens. */
#ifndef SCMP_ARCH_LOONGARCH64
#define SCMP_ARCH_LOONGARCH64 (0x102u | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE)
#endif
#ifndef SCMP_ARCH_M68K
#define SCMP_ARCH_M68K 0x4u
#endif
#ifndef SCMP_ARCH_SH
#define SCMP_ARCH_SH (0x2au | __AUDIT_ARCH_LE)
#endif
#ifndef SCMP_ARCH_SHEB
#define SCMP_ARCH_SHEB 0x2au
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* ---- actions ------------------------------------------------------------ */

const char *const sc_action_names[] = {
    [SC_ACT_ALLOW] = "SCMP_ACT_ALLOW",
    [SC_ACT_ERRNO] = "SCMP_ACT_ERRNO",
    [SC_ACT_KILL] = "SCMP_ACT_KILL",
    [SC_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [SC_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [SC_ACT_TRAP] = "SCMP_ACT_TRAP",
    [SC_ACT_TRACE] = "SCMP_ACT_TRACE",
    [SC_ACT_LOG] = "SCMP_ACT_LOG",
    [SC_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};
const size_t sc_action_count = sizeof sc_action_names / sizeof *sc_action_names;

const char *sc_action_name(enum sc_action a)
{
    if ((size_t)a < sc_action_count)
        return sc_action_names[a];
    return "SCMP_ACT_?";
}

int sc_action_from_name(const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < sc_action_count; i++)
        if (strcmp(name, sc_action_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *sc_action_list(void)
{
    return "SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, "
           "SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG, "
           "SCMP_ACT_NOTIFY";
}

/* ---- operators ---------------------------------------------------------- */

const char *const sc_op_names[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};
const size_t sc_op_count = sizeof sc_op_names / sizeof *sc_op_names;
static const int sc_op_values[] = {
    SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ,
    SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ,
};

int sc_op_from_name(const char *name)
{
    for (size_t i = 0; name && i < sc_op_count; i++)
        if (strcmp(name, sc_op_names[i]) == 0)
            return sc_op_values[i];
    return -1;
}

const char *sc_op_name(int op)
{
    for (size_t i = 0; i < sc_op_count; i++)
        if (sc_op_values[i] == op)
            return sc_op_names[i];
    return "SCMP_CMP_?";
}

const char *sc_op_list(void)
{
    return "SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, "
           "SCMP_CMP_GT, SCMP_CMP_MASKED_EQ";
}

/* ---- architectures ------------------------------------------------------ */

struct arch_name {
    const char *name;
    uint32_t token;
};
/* The first name for a token is libseccomp's, used when printing. Docker's
 * includes/excludes use Go's GOARCH names (amd64, arm64, ppc64le, s390x,
 * ...) plus x86 and x32. */
static const struct arch_name arch_table[] = {
    { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
    { "SCMP_ARCH_X86", SCMP_ARCH_X86 },
    { "SCMP_ARCH_X32", SCMP_ARCH_X32 },
    { "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
    { "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
    { "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
    { "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 },
    { "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
    { "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL },
    { "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
    { "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 },
    { "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
    { "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 },
    { "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
    { "SCMP_ARCH_S390", SCMP_ARCH_S390 },
    { "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
    { "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC },
    { "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64 },
    { "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
    { "SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64 },
    { "SCMP_ARCH_M68K", SCMP_ARCH_M68K },
    { "SCMP_ARCH_SH", SCMP_ARCH_SH },
    { "SCMP_ARCH_SHEB", SCMP_ARCH_SHEB },
    { "amd64", SCMP_ARCH_X86_64 },
    { "x86_64", SCMP_ARCH_X86_64 },
    { "x86", SCMP_ARCH_X86 },
    { "386", SCMP_ARCH_X86 },
    { "i386", SCMP_ARCH_X86 },
    { "x32", SCMP_ARCH_X32 },
    { "arm", SCMP_ARCH_ARM },
    { "arm64", SCMP_ARCH_AARCH64 },
    { "aarch64", SCMP_ARCH_AARCH64 },
    { "mips", SCMP_ARCH_MIPS },
    { "mipsle", SCMP_ARCH_MIPSEL },
    { "mipsel", SCMP_ARCH_MIPSEL },
    { "mips64", SCMP_ARCH_MIPS64 },
    { "mips64le", SCMP_ARCH_MIPSEL64 },
    { "mipsel64", SCMP_ARCH_MIPSEL64 },
    { "mips64n32", SCMP_ARCH_MIPS64N32 },
    { "mips64p32", SCMP_ARCH_MIPS64N32 },
    { "mipsel64n32", SCMP_ARCH_MIPSEL64N32 },
    { "mips64p32le", SCMP_ARCH_MIPSEL64N32 },
    { "ppc", SCMP_ARCH_PPC },
    { "ppc64", SCMP_ARCH_PPC64 },
    { "ppc64le", SCMP_ARCH_PPC64LE },
    { "s390", SCMP_ARCH_S390 },
    { "s390x", SCMP_ARCH_S390X },
    { "parisc", SCMP_ARCH_PARISC },
    { "parisc64", SCMP_ARCH_PARISC64 },
    { "riscv64", SCMP_ARCH_RISCV64 },
    { "loong64", SCMP_ARCH_LOONGARCH64 },
    { "loongarch64", SCMP_ARCH_LOONGARCH64 },
    { "m68k", SCMP_ARCH_M68K },
    { "sh", SCMP_ARCH_SH },
    { "sheb", SCMP_ARCH_SHEB },
};
#define ARCH_N (sizeof arch_table / sizeof *arch_table)

const char *const sc_arch_names[] = {
    "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
    "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
    "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
    "amd64", "x86_64", "x86", "386", "i386", "x32", "arm", "arm64", "aarch64",
    "mips", "mipsle", "mipsel", "mips64", "mips64le", "mipsel64", "mips64n32",
    "mips64p32", "mipsel64n32", "mips64p32le", "ppc", "ppc64", "ppc64le",
    "s390", "s390x", "parisc", "parisc64", "riscv64", "loong64",
    "loongarch64", "m68k", "sh", "sheb",
};
const size_t sc_arch_count = sizeof sc_arch_names / sizeof *sc_arch_names;

uint32_t sc_arch_from_name(const char *name)
{
    for (size_t i = 0; name && i < ARCH_N; i++)
        if (strcmp(name, arch_table[i].name) == 0)
            return arch_table[i].token;
    return 0;
}

const char *sc_arch_scmp_name(uint32_t token)
{
    for (size_t i = 0; i < ARCH_N; i++)
        if (arch_table[i].token == token)
            return arch_table[i].name;
    return NULL;
}

const char *sc_arch_list(void)
{
    return "SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64, "
           "SCMP_ARCH_ARM, SCMP_ARCH_MIPS*, SCMP_ARCH_PPC*, SCMP_ARCH_S390(X), "
           "SCMP_ARCH_RISCV64, SCMP_ARCH_LOONGARCH64, or Docker's names amd64, "
           "x86, x32, arm64, arm, ppc64le, s390x, riscv64, ...";
}

/* ---- filter flags ------------------------------------------------------- */

const char *const sc_flag_names[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};
const size_t sc_flag_count = sizeof sc_flag_names / sizeof *sc_flag_names;
static const unsigned int sc_flag_values[] = {
    SECCOMP_FILTER_FLAG_TSYNC,
    SECCOMP_FILTER_FLAG_LOG,
    SECCOMP_FILTER_FLAG_SPEC_ALLOW,
    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
};

unsigned int sc_flag_from_name(const char *name)
{
    for (size_t i = 0; name && i < sc_flag_count; i++)
        if (strcmp(name, sc_flag_names[i]) == 0)
            return sc_flag_values[i];
    return 0;
}

const char *sc_flag_list(void)
{
    return "SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, "
           "SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV";
}

/* ---- errno names -------------------------------------------------------- */

const char *sc_errno_name(int e)
{
    if (e <= 0 || e > 4095)
        return NULL;
    return strerrorname_np(e);
}

int sc_errno_from_name(const char *name)
{
    if (!name || !*name)
        return -1;
    for (int e = 1; e < 200; e++) {
        const char *n = strerrorname_np(e);
        if (n && strcasecmp(n, name) == 0)
            return e;
    }
    return -1;
}

/* ---- suggestions -------------------------------------------------------- */

static const char *strip_prefix(const char *s)
{
    static const char *const prefixes[] = {
        "SCMP_ACT_", "SCMP_CMP_", "SCMP_ARCH_", "SECCOMP_FILTER_FLAG_",
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncasecmp(s, prefixes[i], n) == 0)
            return s + n;
    }
    return s;
}

/* Levenshtein distance, case-insensitive, on words up to 63 characters. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t pprev[64], prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        pprev[j] = prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = tolower((unsigned char)a[i - 1]) ==
                          tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            /* a swap of two neighbours counts as one edit ("LGO") */
            if (i > 1 && j > 1 &&
                tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
                pprev[j - 2] + 1 < best)
                best = pprev[j - 2] + 1;
            cur[j] = best;
        }
        memcpy(pprev, prev, (lb + 1) * sizeof *prev);
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

const char *sc_suggest(const char *word, const char *const *cands, size_t n)
{
    if (!word || !*word)
        return NULL;
    const char *w = strip_prefix(word);
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(w, strip_prefix(cands[i]));
        size_t d2 = edit_distance(word, cands[i]);
        if (d2 < d)
            d = d2;
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    size_t wl = strlen(w);
    size_t limit = wl <= 4 ? 1 : wl <= 8 ? 2 : 3;
    return best_d <= limit ? best : NULL;
}
