/* A learner's own work is never discarded silently (issue 14). The TUI
 * remembers which seccomp profile file was in force (the state dir's
 * tui-profile, one line, written after every change); a restart reopens
 * the learner's edited copy (the TUI's copies in the state dir) and says
 * so. When a lab step puts another profile in force, the message names
 * the learner's file that stays on disk and the key that opens it again. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui_lab.h"

/* Under isolab's data directory (profiles/, labs/): shipped, not the
 * learner's. */
bool tui_lab_shipped_path(const char *path)
{
    static const char *const dirs[] = { "profiles", "labs" };
    for (size_t i = 0; i < 2; i++) {
        char d[ISOLAB_PATH_MAX], rp[PATH_MAX];
        if (isolab_data_path(dirs[i], d, sizeof d) < 0 || !realpath(d, rp))
            continue;
        size_t l = strlen(rp);
        if (!strncmp(path, rp, l) && path[l] == '/')
            return true;
    }
    return false;
}

/* The learner's own profile (not shipped, still on disk), or NULL. */
static const char *own_profile(const char *path)
{
    return path[0] && !tui_lab_shipped_path(path) && access(path, R_OK) == 0 ? path : NULL;
}

void tui_lab_kept_note(const char *before, const char *now, char *note, size_t n)
{
    note[0] = 0;
    if (own_profile(before) && strcmp(before, now) != 0)
        snprintf(note, n, "; your profile %s is kept: o opens it again", before);
}

/* Nothing is remembered before the start has read what was (the first
 * profile load at start is a change too). */
static bool started;

static int remembered_path(char *out, size_t n)
{
    char dir[ISOLAB_PATH_MAX];
    struct isolab_err err;
    isolab_err_clear(&err);
    if (lab_state_dir(dir, sizeof dir, &err) < 0)
        return -1;
    snprintf(out, n, "%s/tui-profile", dir);
    return 0;
}

void tui_lab_remember_profile(struct tui *t)
{
    char path[ISOLAB_PATH_MAX + 16], line[ISOLAB_PATH_MAX + 2];
    if (!started || remembered_path(path, sizeof path) < 0)
        return;
    int len = snprintf(line, sizeof line, "%s\n", t->profile_path);
    char *old = NULL;
    FILE *f = fopen(path, "re");
    if (f) {
        char buf[ISOLAB_PATH_MAX + 2];
        if (fgets(buf, sizeof buf, f))
            old = strdup(buf);
        fclose(f);
    }
    struct isolab_err err;
    isolab_err_clear(&err);
    if ((!old || strcmp(old, line) != 0) && len > 0)
        tui_write_atomic(path, line, (size_t)len, &err);
    free(old);
}

/* The TUI's editable copies live in the state dir; a file the learner gave
 * on the command line is theirs to give again. */
static bool in_state_dir(const char *path)
{
    char dir[ISOLAB_PATH_MAX], rp[PATH_MAX];
    struct isolab_err err;
    isolab_err_clear(&err);
    if (lab_state_dir(dir, sizeof dir, &err) < 0)
        return false;
    const char *d = realpath(dir, rp) ? rp : dir;
    size_t l = strlen(d);
    return !strncmp(path, d, l) && path[l] == '/';
}

void tui_lab_restore_profile(struct tui *t)
{
    char path[ISOLAB_PATH_MAX + 16], want[ISOLAB_PATH_MAX + 2] = "";
    started = true;
    if (remembered_path(path, sizeof path) < 0)
        return;
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    if (!fgets(want, sizeof want, f))
        want[0] = 0;
    fclose(f);
    want[strcspn(want, "\n")] = 0;
    /* only when the command line asked for no profile of its own */
    char def[ISOLAB_PATH_MAX], rp[PATH_MAX];
    if (isolab_data_path("profiles/seccomp/docker-default.json", def, sizeof def) < 0)
        return;
    const char *d = realpath(def, rp) ? rp : def;
    if (!own_profile(want) || !in_state_dir(want) || strcmp(t->profile_path, d) != 0)
        return;
    tui_profile_select(t, want);
    tui_msg(t, !!t->profile_err[0], "your edited profile from last time is in force: %s%s", want,
            t->profile_err[0] ? " (it does not load: the shipped docker-default.json stays in force)" : "");
}
