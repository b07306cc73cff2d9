/* Reading a data file: one rule for every loader (see readfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layer.h"
#include "readfile.h"

static const char *kind_of(mode_t m)
{
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

static int too_big(const char *path, size_t max, const char *what, const char *size,
                   struct isolab_err *err)
{
    isolab_err_set(err, EFBIG, "%s: %s is %s, over the %zu-byte (%s) limit for one file",
                   what, path, size, max, max == ISOLAB_FILE_MAX ? ISOLAB_FILE_MAX_TEXT : "set");
    isolab_err_hint(err, "isolab reads at most %s from a profile, lab or preset (Docker's "
                    "default seccomp profile is about 30 KiB): remove rules or split the file",
                    ISOLAB_FILE_MAX_TEXT);
    return -1;
}

int isolab_check_size(const char *path, size_t len, size_t max, const char *what,
                      struct isolab_err *err)
{
    char size[32];
    if (len <= max)
        return 0;
    snprintf(size, sizeof size, "%zu bytes", len);
    return too_big(path, max, what, size, err);
}

int isolab_file_open(const char *path, size_t max, const char *what, struct isolab_err *err)
{
    /* O_NONBLOCK: opening a FIFO with no writer must not wait for one */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        isolab_err_set(err, e, "%s: cannot open %s: %s", what, path, strerror(e));
        isolab_err_hint(err, e == ENOENT ? "check the path" : "check that the file is readable");
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return isolab_err_set(err, e, "%s: %s: fstat: %s", what, path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        isolab_err_set(err, EINVAL, "%s: %s is %s, not a regular file", what, path,
                       kind_of(st.st_mode));
        isolab_err_hint(err, "give the path of a JSON file: isolab reads profiles, labs and "
                        "presets only from regular files (a FIFO or a device could hang it "
                        "or never end)");
        return -1;
    }
    if ((unsigned long long)st.st_size > max) {
        char size[32];
        snprintf(size, sizeof size, "%lld bytes", (long long)st.st_size);
        close(fd);
        return too_big(path, max, what, size, err);
    }
    return fd;
}

int isolab_read_file(const char *path, size_t max, const char *what, char **out, size_t *len,
                     struct isolab_err *err)
{
    *out = NULL;
    *len = 0;
    _cleanup_close_ int fd = isolab_file_open(path, max, what, err);
    if (fd < 0)
        return -1;
    size_t cap = max + 1 < 65536 ? max + 1 : 65536, got = 0;
    _cleanup_free_ char *buf = malloc(cap);
    if (!buf)
        return isolab_err_set(err, ENOMEM, "%s: %s: out of memory", what, path);
    for (;;) {
        if (got == cap) {
            /* one byte past max tells a file that grew from one that fits */
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            if (ncap <= cap)
                return too_big(path, max, what, "larger now than when opened", err);
            char *nb = realloc(buf, ncap);
            if (!nb)
                return isolab_err_set(err, ENOMEM, "%s: %s: out of memory", what, path);
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return isolab_err_set(err, errno, "%s: reading %s: %s", what, path, strerror(errno));
        if (r == 0)
            break;
        got += (size_t)r;
    }
    char *nb = realloc(buf, got + 1);
    if (!nb)
        return isolab_err_set(err, ENOMEM, "%s: %s: out of memory", what, path);
    buf = NULL;
    nb[got] = '\0';
    *out = nb;
    *len = got;
    return 0;
}
