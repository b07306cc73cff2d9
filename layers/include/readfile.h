/* One rule for every file isolab reads as data -- seccomp profiles (run,
 * lint, explain, lab checks), lab files, presets, progress: it must be a
 * regular file (a FIFO would hang open() or read(), a device never ends)
 * and at most ISOLAB_FILE_MAX bytes. Opened O_NONBLOCK|O_CLOEXEC, checked
 * with fstat, read with a cap. */
#ifndef ISOLAB_READFILE_H
#define ISOLAB_READFILE_H

#include <stddef.h>

#include "isolab.h"

#define ISOLAB_FILE_MAX ((size_t)4 << 20)   /* 4 MiB; Docker's profile is 30 KiB */
#define ISOLAB_FILE_MAX_TEXT "4 MiB"

/* Open path for reading if it is a regular file of at most max bytes (as
 * fstat says). Returns the fd, or -1 with err set: "WHAT: cannot open PATH:
 * ..." (err->errnum is open's errno, ENOENT for a missing file), "WHAT: PATH
 * is a FIFO, not a regular file", "WHAT: PATH is N bytes, over the 4 MiB
 * limit", each with the fix as hint. */
int isolab_file_open(const char *path, size_t max, const char *what, struct isolab_err *err);

/* isolab_file_open, then read it whole (never more than max bytes, even if
 * the file grows while read). *out is NUL-terminated, *len its length; the
 * caller frees *out. Returns 0, or -1 with err set as above. */
int isolab_read_file(const char *path, size_t max, const char *what, char **out, size_t *len,
                     struct isolab_err *err);

/* The same limit for a text already in memory (an editor's buffer, lint's
 * input): 0 if len <= max, else -1 with the message isolab_file_open gives. */
int isolab_check_size(const char *path, size_t len, size_t max, const char *what,
                      struct isolab_err *err);

#endif
