/* The seccomp profile the learner edits: loading and snapshots, the inotify
 * watch, $EDITOR, atomic saves with a .bak, and the in-TUI syscall editor.
 *
 * The engine only ever sees a snapshot of the last valid text (active_path,
 * in a private directory), so a half-written or broken file never reaches a
 * sandbox, and the learner's own file is never overwritten by us except by
 * an explicit save (which keeps FILE.bak). */
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "readfile.h"
#include "tui.h"
#include "tui_lab.h"
#include "tui_more.h"

/* The profile's text, through the engine's one rule for data files (a
 * regular file, at most 4 MiB: a FIFO or a device never hangs the screen).
 * NULL if it cannot be read. */
static char *read_text(const char *path, size_t *len)
{
    struct isolab_err err;
    isolab_err_clear(&err);
    char *buf = NULL;
    size_t n = 0;
    if (isolab_read_file(path, ISOLAB_FILE_MAX, "profile", &buf, &n, &err) < 0)
        return NULL;
    if (len)
        *len = n;
    return buf;
}

/* tmp file in the same directory, fsync, rename: readers see the old or the
 * new file, never half of one. */
int tui_write_atomic(const char *path, const char *text, size_t len, struct isolab_err *err)
{
    char tmp[ISOLAB_PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return isolab_err_set(err, errno, "%s: cannot create a temporary file beside it: %s",
                              path, strerror(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return isolab_err_set(err, e, "%s: write: %s", tmp, strerror(e));
        }
        off += (size_t)w;
    }
    fchmod(fd, 0644);
    if (fsync(fd) < 0 || close(fd) < 0) {
        int e = errno;
        unlink(tmp);
        return isolab_err_set(err, e, "%s: %s", tmp, strerror(e));
    }
    if (rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        return isolab_err_set(err, e, "rename %s -> %s: %s", tmp, path, strerror(e));
    }
    return 0;
}

static const char *base_name(const char *p)
{
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

static void watch_file(struct tui *t)
{
    if (t->inotify_fd < 0)
        return;
    if (t->watch_wd >= 0)
        inotify_rm_watch(t->inotify_fd, t->watch_wd);
    t->watch_wd = -1;
    if (!t->profile_path[0])
        return;
    char dir[ISOLAB_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", t->profile_path);
    char *d = dirname(dir);
    /* The directory, not the file: editors that save by rename replace the
     * inode, and a watch on the old one would go quiet. */
    t->watch_wd = inotify_add_watch(t->inotify_fd, d, IN_CLOSE_WRITE | IN_MOVED_TO);
}

static void list_profile_files(struct tui *t)
{
    char dir[ISOLAB_PATH_MAX];
    if (isolab_data_path("profiles/seccomp", dir, sizeof dir) < 0)
        return;
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0)
        return;
    t->profile_files = calloc((size_t)n, sizeof *t->profile_files);
    for (int i = 0; i < n; i++) {
        size_t l = strlen(ents[i]->d_name);
        if (t->profile_files && l > 5 && !strcmp(ents[i]->d_name + l - 5, ".json")) {
            char p[ISOLAB_PATH_MAX * 2];
            snprintf(p, sizeof p, "%s/%s", dir, ents[i]->d_name);
            char rp[PATH_MAX];
            t->profile_files[t->nprofile_files++] = strdup(realpath(p, rp) ? rp : p);
        }
        free(ents[i]);
    }
    free(ents);
}

int tui_profile_init(struct tui *t)
{
    const char *tmpdir = getenv("TMPDIR");
    snprintf(t->workdir, sizeof t->workdir, "%s/isolab-tui-XXXXXX",
             tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(t->workdir))
        t->workdir[0] = 0;
    t->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    list_profile_files(t);
    char path[ISOLAB_PATH_MAX];
    snprintf(path, sizeof path, "%s", t->cfg->seccomp_profile);
    if (!path[0])
        isolab_data_path("profiles/seccomp/docker-default.json", path, sizeof path);
    tui_profile_select(t, path);
    return 0;
}

void tui_profile_free(struct tui *t)
{
    if (t->sc_json)
        json_decref(t->sc_json);
    t->sc_json = NULL;
    seccomp_profile_free(t->sc_model);
    t->sc_model = NULL;
    free(t->sc_rows);
    t->sc_rows = NULL;
    seccomp_profile_free(t->profile);
    t->profile = NULL;
    free(t->profile_text);
    t->profile_text = NULL;
    if (t->inotify_fd >= 0)
        close(t->inotify_fd);
    t->inotify_fd = -1;
    if (t->active_path[0])
        unlink(t->active_path);
    t->active_path[0] = 0;
    if (t->workdir[0])
        rmdir(t->workdir);
    for (size_t i = 0; i < t->nprofile_files; i++)
        free(t->profile_files[i]);
    free(t->profile_files);
    t->profile_files = NULL;
    t->nprofile_files = 0;
}

void tui_profile_select(struct tui *t, const char *path)
{
    char rp[PATH_MAX];
    snprintf(t->profile_path, sizeof t->profile_path, "%s", realpath(path, rp) ? rp : path);
    snprintf(t->cfg->seccomp_profile, sizeof t->cfg->seccomp_profile, "%s", t->profile_path);
    free(t->profile_text);
    t->profile_text = NULL;
    watch_file(t);
    tui_profile_reload(t, false);
}

/* The warnings the sandbox's compilation gives (unknown syscall names),
 * counted, with the first one's text, for the status line. Compiled by the
 * seccomp layer, through its cache, for the configuration the probes run
 * next: that run then compiles nothing again. */
struct compile_warnings {
    int n;
    char first[512];
};

static void profile_warnings(const struct tui *t, struct compile_warnings *w)
{
    struct lab_config c;
    tui_effective_config(t, &c);
    struct isolab_err err;
    isolab_err_clear(&err);
    char msg[sizeof w->first];
    if (seccomp_layer_warnings(&c, &w->n, msg, sizeof msg, &err) < 0)
        w->n = 0;   /* the probes' own validation reports it */
    snprintf(w->first, sizeof w->first, "%s", strncmp(msg, "seccomp: ", 9) ? msg : msg + 9);
}

int tui_profile_reload(struct tui *t, bool from_editor)
{
    size_t len = 0;
    char *text = read_text(t->profile_path, &len);
    if (!text) {
        snprintf(t->profile_err, sizeof t->profile_err, "%s: cannot read: %s", t->profile_path,
                 strerror(errno));
        tui_msg(t, true, "the last valid profile stays in force: %s", t->profile_err);
        return -1;
    }
    if (t->profile_text && !strcmp(text, t->profile_text)) {
        free(text);
        if (from_editor)
            tui_msg(t, false, "%s: unchanged", base_name(t->profile_path));
        return t->profile_err[0] ? -1 : 0;
    }
    free(t->profile_text);
    t->profile_text = text;
    struct seccomp_profile *p = NULL;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (seccomp_profile_parse(text, len, t->profile_path, &p, &err) < 0) {
        snprintf(t->profile_err, sizeof t->profile_err, "%s%s%s", err.msg,
                 err.hint[0] ? "  fix: " : "", err.hint);
        tui_msg(t, true, "invalid profile, the last valid one stays in force: %s",
                t->profile_err);
        return -1;
    }
    t->profile_err[0] = 0;
    seccomp_profile_free(t->profile);
    t->profile = p;
    if (t->workdir[0]) {
        char snap[ISOLAB_PATH_MAX];
        snprintf(snap, sizeof snap, "%s/%s", t->workdir, base_name(t->profile_path));
        if (t->active_path[0] && strcmp(snap, t->active_path) != 0)
            unlink(t->active_path);
        if (tui_write_atomic(snap, text, len, &err) == 0)
            snprintf(t->active_path, sizeof t->active_path, "%s", snap);
        else
            tui_msg(t, true, "%s", err.msg);
    }
    if (t->mode == MODE_SYSCALLS && !t->sc_dirty)
        tui_syscalls_open(t);
    struct compile_warnings w = {0};
    profile_warnings(t, &w);
    if (w.n)
        tui_msg(t, true, "%s loaded; probes re-run; %d warning%s: %s", base_name(t->profile_path),
                w.n, w.n == 1 ? "" : "s", w.first);
    else
        tui_msg(t, false, "%s loaded; probes re-run", base_name(t->profile_path));
    tui_config_changed(t);
    return 0;
}

void tui_watch_poll(struct tui *t)
{
    if (t->inotify_fd < 0)
        return;
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool hit = false;
    for (;;) {
        ssize_t n = read(t->inotify_fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            if (ev->wd == t->watch_wd && ev->len && !strcmp(ev->name, base_name(t->profile_path)))
                hit = true;
            p += sizeof *ev + ev->len;
        }
    }
    if (hit && tui_profile_reload(t, false) < 0 && t->mode == MODE_MAIN)
        t->msg_error = true;
}

/* Profiles shipped with isolab (profiles/, labs/files/) are not edited in
 * place: the learner gets a copy under $XDG_STATE_HOME/isolab/ that
 * becomes the watched file. */
int tui_profile_writable(struct tui *t)
{
    /* profiles/ and labs/files/ alike: a lab's file is shipped too */
    bool shipped = tui_lab_shipped_path(t->profile_path);
    if (!shipped && access(t->profile_path, W_OK) == 0)
        return 0;
    char dir[ISOLAB_PATH_MAX];
    const char *xs = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    if (xs && *xs)
        snprintf(dir, sizeof dir, "%s/isolab", xs);
    else
        snprintf(dir, sizeof dir, "%s/.local/state/isolab", home && *home ? home : "/tmp");
    char tmp[ISOLAB_PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *s = tmp + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(tmp, 0755);
            *s = '/';
        }
    mkdir(tmp, 0755);
    char stem[256];
    snprintf(stem, sizeof stem, "%s", base_name(t->profile_path));
    char *dot = strrchr(stem, '.');
    if (dot && !strcmp(dot, ".json"))
        *dot = 0;
    char target[ISOLAB_PATH_MAX + 300];
    for (int i = 1; i < 1000; i++) {
        if (i == 1)
            snprintf(target, sizeof target, "%s/%s.json", dir, stem);
        else
            snprintf(target, sizeof target, "%s/%s-%d.json", dir, stem, i);
        if (access(target, F_OK) != 0)
            break;
    }
    size_t len;
    char *text = read_text(t->profile_path, &len);
    struct isolab_err err;
    isolab_err_clear(&err);
    if (!text || tui_write_atomic(target, text, len, &err) < 0) {
        tui_msg(t, true, "cannot make an editable copy in %s: %s", dir,
                text ? err.msg : strerror(errno));
        free(text);
        return -1;
    }
    free(text);
    tui_profile_select(t, target);
    tui_msg(t, false, "editing a copy of the shipped profile: %s", target);
    return 0;
}

void tui_edit_external(struct tui *t)
{
    if (tui_profile_writable(t) < 0)
        return;
    if (tui_run_editor(t, t->profile_path) < 0)
        return;
    if (tui_profile_reload(t, true) < 0)
        t->mode = MODE_PROFILE_ERROR;
    else if (t->mode == MODE_PROFILE_ERROR)
        t->mode = MODE_MAIN;
}

/* The box ends above the open lab's panel (its step, result and keys), and the error and its fix
 * wrap at words; what does not fit ends in the cue (i shows it whole). */
void tui_draw_profile_error(struct tui *t)
{
    int w = t->cols - 4, top = 2;
    int panel = tui_lab_panel_row();
    int limit = panel > top + 5 ? panel : t->rows - 2;   /* the first row the box leaves free */
    char err[sizeof t->profile_err];
    snprintf(err, sizeof err, "%s", t->profile_err);
    char *fix = strstr(err, "  fix: ");
    if (fix) {
        *fix = 0;
        fix += 2;
    }
    /* border, path, blank, the error, the fix, two closing lines, border */
    int need = 2 + 2 + (tui_lab_cols(err) + w - 5) / (w - 4) + 1 +
               (fix ? (tui_lab_cols(fix) + w - 5) / (w - 4) + 1 : 0) + 2;
    int h = need < limit - top ? need : limit - top;
    if (h < 6)
        h = 6;
    tui_box(top, 2, h, w, "The profile is not valid");
    int y = top + 1, end = top + h - 3;
    tui_more_put(y++, 4, w - 4, t->profile_path);
    y++;
    y = tui_more_wrap(y, 4, w - 4, end, err);
    if (fix && y < end) {
        attron(A_BOLD);
        tui_more_wrap(y, 4, w - 4, end, fix);
        attroff(A_BOLD);
    }
    y = end;
    tui_more_put(y++, 4, w - 4, "The last valid profile stays in force; your text is kept in the file.");
    attron(A_BOLD);
    tui_more_put(y, 4, w - 4, "e: edit again   r: restore the last valid text   Esc: keep it as is");
    attroff(A_BOLD);
}

bool tui_profile_error_key(struct tui *t, int ch)
{
    if (ch == 'e' || ch == 'E' || ch == '\n' || ch == '\r') {
        tui_edit_external(t);
        return true;
    }
    if (ch == 'r' || ch == 'R') {
        size_t len;
        char *good = t->active_path[0] ? read_text(t->active_path, &len) : NULL;
        struct isolab_err err;
        isolab_err_clear(&err);
        if (!good) {
            tui_msg(t, true, "there is no earlier valid text to restore");
        } else {
            /* keep the broken text too: FILE.bak */
            char bak[ISOLAB_PATH_MAX + 8];
            snprintf(bak, sizeof bak, "%s.bak", t->profile_path);
            size_t blen;
            char *broken = read_text(t->profile_path, &blen);
            if (broken)
                tui_write_atomic(bak, broken, blen, &err);
            free(broken);
            if (tui_write_atomic(t->profile_path, good, len, &err) < 0)
                tui_msg(t, true, "%s", err.msg);
            else
                tui_msg(t, false, "restored the last valid profile; your text is in %s", bak);
            free(good);
            tui_profile_reload(t, false);
        }
        t->mode = MODE_MAIN;
        return true;
    }
    if (ch == 27 || ch == 'q') {
        tui_msg(t, true, "%s is invalid; the last valid profile stays in force",
                base_name(t->profile_path));
        t->mode = MODE_MAIN;
        return true;
    }
    return false;
}
