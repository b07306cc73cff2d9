/* The linter's load errors: every one, not only the first. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>

#include "lint.h"
#include "lint_int.h"
#include "readfile.h"
#include "sc_diff.h"
#include "seccomp_int.h"

/* ---- every load error ---------------------------------------------------------- */

/* The loader stops at the first error. To report the others, the rule that
 * failed is blanked out of a copy of the text -- spaces over it and its
 * comma, newlines kept, so that every later line:col stays true -- and the
 * copy is loaded again. */

static size_t linecol_to_off(const char *t, size_t len, int line, int col)
{
    size_t i = 0;
    for (int l = 1; l < line && i < len; i++)
        if (t[i] == '\n')
            l++;
    return i + (col > 0 ? (size_t)col - 1 : 0);
}

static size_t skip_json_value(const char *t, size_t len, size_t i)
{
    int depth = 0;
    bool in_str = false;
    for (; i < len; i++) {
        char ch = t[i];
        if (in_str) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_str = false;
            if (!in_str && depth == 0)
                return i + 1;
            continue;
        }
        if (ch == '"')
            in_str = true;
        else if (ch == '{' || ch == '[')
            depth++;
        else if (ch == '}' || ch == ']') {
            if (--depth <= 0)
                return i + 1;
        } else if (depth == 0 && (ch == ',' || ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r'))
            return i;
    }
    return len;
}

static void blank(char *t, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (t[i] != '\n')
            t[i] = ' ';
}

static bool blank_rule(char *t, size_t len, size_t idx)
{
    char path[48];
    int line, col;
    snprintf(path, sizeof path, "syscalls[%zu]", idx);
    sc_json_locate(t, len, path, false, &line, &col);
    size_t off = linecol_to_off(t, len, line, col);
    if (off >= len || !strchr("{[\"-0123456789tfn", t[off]))
        return false;
    size_t end = skip_json_value(t, len, off);
    size_t j = end;
    while (j < len && strchr(" \t\r\n", t[j]))
        j++;
    if (j < len && t[j] == ',') {
        blank(t, off, j + 1);
        return true;
    }
    size_t k = off;
    while (k > 0 && strchr(" \t\r\n", t[k - 1]))
        k--;
    if (k > 0 && t[k - 1] == ',')
        blank(t, k - 1, end);
    else
        blank(t, off, end);
    return true;
}

/* Original index of the n-th rule left after removing removed[0..nrem). */
static size_t original_index(size_t n, const size_t *removed, size_t nrem)
{
    size_t orig = 0;
    for (;; orig++) {
        bool gone = false;
        for (size_t r = 0; r < nrem; r++)
            gone |= removed[r] == orig;
        if (gone)
            continue;
        if (n-- == 0)
            return orig;
    }
}

int lint_all_load_errors(const char *text, size_t len, const char *name,
                           struct lint_report *rep, const struct isolab_err *first)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    size_t removed[64], nrem = 0;
    struct isolab_err err = *first;
    for (int round = 0; round < 64; round++) {
        int line = 0, col = 0;
        const char *rest = lint_split_location(err.msg, name, &line, &col);
        const char *what = rest ? rest : err.msg;
        size_t idx;
        int used = 0;
        bool in_rule = sscanf(what, "syscalls[%zu]%n", &idx, &used) == 1 && used > 0;
        struct lint_finding *f;
        if (in_rule)
            f = lint_add(rep, LINT_ERROR, "load", line, col, "syscalls[%zu]%s",
                    original_index(idx, removed, nrem), what + used);
        else
            f = lint_add(rep, LINT_ERROR, "load", line, col, "%s", what);
        if (!f) {
            free(copy);
            return -1;
        }
        /* The bare-string hint already shows every name, and the first
         * finding what the literal reading would do: say it once. */
        if (rep->n < 2 || !strstr(rep->findings[rep->n - 2].message, "the bare string") ||
            !strstr(f->message, "the bare string")) {
            lint_hint(f, "%s", err.hint);
        } else {
            char *lit = strstr(f->message, ". Read literally");
            if (lit)
                *lit = '\0';
        }
        if (!in_rule || nrem == 64 || !blank_rule(copy, len, idx))
            break;
        size_t orig = original_index(idx, removed, nrem);
        removed[nrem++] = orig;
        struct seccomp_profile *p = NULL;
        isolab_err_clear(&err);
        if (seccomp_profile_parse(copy, len, name, &p, &err) == 0) {
            seccomp_profile_free(p);
            break;
        }
    }
    free(copy);
    return 2;
}

int lint_check_compile(const struct seccomp_profile *p, uint64_t caps, const char *name,
                       struct lint_report *rep)
{
    struct sock_fprog prog = {0};
    unsigned int flags = 0;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (seccomp_profile_compile(p, caps, &prog, &flags, NULL, NULL, NULL, &err) == 0) {
        free(prog.filter);
        return 0;
    }
    if (err.errnum == ENOMEM)
        return -1;
    const char *what = !strncmp(err.msg, "seccomp: ", 9) ? err.msg + 9 : err.msg;
    int line = 0, col = 0;
    const char *rest = lint_split_location(what, name, &line, &col);
    size_t nl = strlen(name);
    if (!rest && !strncmp(what, name, nl) && !strncmp(what + nl, ": ", 2))
        rest = what + nl + 2;
    struct lint_finding *f = lint_add(rep, LINT_ERROR, "compile", line, col,
                                      "run refuses this profile: %s", rest ? rest : what);
    lint_hint(f, "%s", err.hint);
    return f ? 0 : -1;
}

/* The file is read by the one rule every loader follows (readfile.h), so
 * lint refuses exactly what run refuses: no FIFO, device or directory, no
 * file over the size limit. */
int lint_file(const char *path, const struct lint_options *o, struct lint_report *rep)
{
    char *buf = NULL;
    size_t len = 0;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (isolab_read_file(path, ISOLAB_FILE_MAX, "lint", &buf, &len, &err) < 0) {
        memset(rep, 0, sizeof *rep);
        snprintf(rep->path, sizeof rep->path, "%s", path);
        rep->caps = o ? o->caps : caps_docker_default();
        rep->arch = o && o->arch ? o->arch : sc_native_arch();
        const char *what = !strncmp(err.msg, "lint: ", 6) ? err.msg + 6 : err.msg;
        struct lint_finding *fd = lint_add(rep, LINT_ERROR, "load", 0, 0, "%s", what);
        lint_hint(fd, "%s", err.errnum == ENOENT ? "check the path (profiles are in "
                  "profiles/seccomp/)" : err.hint);
        return fd ? 2 : -1;
    }
    int rc = lint_text(buf, len, path, o, rep);
    free(buf);
    return rc;
}
