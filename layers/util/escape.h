/* Text from a file (a syscall name, a field, a path) is put into messages
 * that reach the learner's terminal. A raw ESC or newline there is a
 * terminal-escape injection (or a forged line): every message sink that
 * carries such text (profile parse errors and warnings, unknown-name
 * warnings, lint findings, lab file errors) passes it through this one
 * helper. Control characters become \n, \t, \r or \xHH (ESC is \x1b), and so
 * do DEL, C1 controls and bytes that are not UTF-8; printable text and valid
 * UTF-8 are kept as they are. */
#ifndef ISOLAB_ESCAPE_H
#define ISOLAB_ESCAPE_H

#include <stddef.h>

/* Escape in into out (n bytes, always NUL-terminated, cut on a whole
 * escape); returns out. */
char *isolab_escape(const char *in, char *out, size_t n);
/* Escape s (a buffer of n bytes) in place. */
void isolab_escape_inplace(char *s, size_t n);

#endif
