/* Compiled seccomp programs cached on disk, so that starting a sandbox does
 * not pay libseccomp's compile time each time (tens of milliseconds for
 * Docker's profile with its three x86 ABIs). A cache entry is trusted only
 * if it is a regular file owned by us, not writable by others, in a
 * directory owned by us, with the right magic, key and size. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "layer.h"
#include "seccomp_int.h"

#define CACHE_MAGIC "ISOLBPF1"
#define CACHE_MAX_FILES 64

struct cache_header {
    char magic[8];
    uint64_t key;
    uint32_t flags;
    int32_t warnings;
    uint32_t len;
    uint32_t reserved;
};

/* Eight bytes a step: each is xored in, multiplied by an odd constant and
 * folded (every step a bijection of h, so two texts that differ in one
 * word never meet there); the tail a byte a step. Not a defence against a
 * chosen collision, nor meant as one: the cache is the learner's own. A
 * profile's 22 KB hash in ~3 us where FNV-1a's byte loop took ~30. */
uint64_t sc_hash64(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, sizeof w);
        h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 32;
    }
    for (; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    h ^= (uint64_t)n;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 29);
}

uint64_t sc_bpf_cache_key(const struct seccomp_profile *p, uint64_t caps)
{
    return sc_bpf_cache_key_text(p->text_hash, caps);
}

uint64_t sc_bpf_cache_key_text(uint64_t text_hash, uint64_t caps)
{
    uint64_t h = sc_hash64(SC_HASH_INIT, CACHE_MAGIC, 8);
    h = sc_hash64(h, &text_hash, sizeof text_hash);
    h = sc_hash64(h, &caps, sizeof caps);
    uint32_t arch = seccomp_arch_native();
    h = sc_hash64(h, &arch, sizeof arch);
    struct utsname u;
    if (uname(&u) == 0)
        h = sc_hash64(h, u.release, strlen(u.release));
    const struct scmp_version *v = seccomp_version();
    unsigned int ver[3] = { v->major, v->minor, v->micro };
    h = sc_hash64(h, ver, sizeof ver);
    bool compact = sc_bpf_compact_wanted();
    h = sc_hash64(h, &compact, sizeof compact);
    /* A rebuilt isolab may compile differently: the binary is in the key --
     * the file on disk, not /proc/self/exe, which is a new sealed memfd at
     * every start (sealed_self.c): keyed by that, no entry was ever found
     * again and every start compiled the profile (~20 ms of libseccomp). */
    struct stat st;
    const char *self = isolab_self_path();
    if (stat(self[0] ? self : "/proc/self/exe", &st) == 0) {
        h = sc_hash64(h, &st.st_ino, sizeof st.st_ino);
        h = sc_hash64(h, &st.st_size, sizeof st.st_size);
        h = sc_hash64(h, &st.st_mtim, sizeof st.st_mtim);
    }
    return h;
}

static bool cache_disabled(void)
{
    const char *e = getenv("ISOLAB_NO_CACHE");
    return e && *e && strcmp(e, "0") != 0;
}

/* $XDG_CACHE_HOME/isolab/seccomp or ~/.cache/isolab/seccomp; create makes
 * the missing directories (0700). */
static int cache_dir(char *out, size_t n, bool create)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char base[ISOLAB_PATH_MAX];
    if (xdg && xdg[0] == '/')
        snprintf(base, sizeof base, "%s", xdg);
    else if (home && home[0] == '/')
        snprintf(base, sizeof base, "%s/.cache", home);
    else
        return -1;
    const char *parts[] = { "", "/isolab", "/isolab/seccomp" };
    for (int i = 0; i < 3; i++) {
        if (snprintf(out, n, "%s%s", base, parts[i]) >= (int)n)
            return -1;
        struct stat st;
        if (lstat(out, &st) < 0) {
            if (!create || errno != ENOENT || mkdir(out, 0700) < 0 || lstat(out, &st) < 0)
                return -1;
        }
        if (!S_ISDIR(st.st_mode))
            return -1;
        /* our own directories must be ours and closed to others */
        if (i > 0 && (st.st_uid != geteuid() || (st.st_mode & 022)))
            return -1;
    }
    return 0;
}

int sc_bpf_cache_get(uint64_t key, struct sock_fprog *prog, unsigned int *flags,
                     int *warnings)
{
    char dir[ISOLAB_PATH_MAX], path[ISOLAB_PATH_MAX + 32];
    if (cache_disabled() || cache_dir(dir, sizeof dir, false) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/%016llx.bpf", dir, (unsigned long long)key);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    struct cache_header h;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 022) || read(fd, &h, sizeof h) != (ssize_t)sizeof h ||
        memcmp(h.magic, CACHE_MAGIC, 8) != 0 || h.key != key || h.len == 0 ||
        h.len > BPF_MAXINSNS ||
        st.st_size != (off_t)(sizeof h + h.len * sizeof(struct sock_filter)))
        return -1;
    struct sock_filter *f = malloc(h.len * sizeof *f);
    if (!f)
        return -1;
    if (read(fd, f, h.len * sizeof *f) != (ssize_t)(h.len * sizeof *f)) {
        free(f);
        return -1;
    }
    prog->filter = f;
    prog->len = (unsigned short)h.len;
    *flags = h.flags;
    *warnings = h.warnings;
    return 0;
}

/* Keeps the directory bounded: profiles edited in the TUI make new keys. */
static void prune(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".bpf") != NULL;
    if (n >= CACHE_MAX_FILES) {
        rewinddir(d);
        while ((e = readdir(d)))
            if (strlen(e->d_name) == 20 && strcmp(e->d_name + 16, ".bpf") == 0)
                unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

void sc_bpf_cache_put(uint64_t key, const struct sock_fprog *prog, unsigned int flags,
                      int warnings)
{
    char dir[ISOLAB_PATH_MAX], path[ISOLAB_PATH_MAX + 32], tmp[ISOLAB_PATH_MAX + 48];
    if (cache_disabled() || !prog->len || cache_dir(dir, sizeof dir, true) < 0)
        return;
    prune(dir);
    snprintf(path, sizeof path, "%s/%016llx.bpf", dir, (unsigned long long)key);
    snprintf(tmp, sizeof tmp, "%s/.%016llx.%d.tmp", dir, (unsigned long long)key, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return;
    struct cache_header h = { .key = key, .flags = flags, .warnings = warnings,
                              .len = prog->len };
    memcpy(h.magic, CACHE_MAGIC, 8);
    size_t bytes = prog->len * sizeof *prog->filter;
    bool ok = write(fd, &h, sizeof h) == (ssize_t)sizeof h &&
              write(fd, prog->filter, bytes) == (ssize_t)bytes;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) < 0)
        unlink(tmp);
}
