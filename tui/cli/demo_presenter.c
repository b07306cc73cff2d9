/* The presenter console, `isolab demo LAB --presenter`: in a second
 * terminal it follows the projected `isolab demo LAB` step by step and
 * shows what only the instructor should see -- the presenter notes, a
 * quiz's answer -- with the next step and a clock.
 *
 * The projected demo writes its step to a small file, demo-LAB.state, in
 * the user's runtime directory: $XDG_RUNTIME_DIR, else /run/user/UID, else
 * /tmp/isolab-demo-UID, made 0700. A directory is used only if it is a real
 * directory (opened with O_NOFOLLOW), owned by the user and closed to group
 * and others; the file is written to a fresh O_EXCL name in that directory
 * and renamed into place, and read with O_NOFOLLOW, so nobody else can
 * point it elsewhere or read it. The console polls it (twice a second: the
 * clock ticks anyway). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"

/* An fd for dir if it is the user's own and closed to others, else -1. */
static int safe_dir(const char *dir, char *why, size_t n)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, n, "%s: %s", dir, strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0 || sb.st_uid != geteuid() || (sb.st_mode & 077)) {
        snprintf(why, n, "%s is not private to uid %u (owner %u, mode %03o); "
                 "fix: chmod 700 it, or set XDG_RUNTIME_DIR to a directory of your own",
                 dir, (unsigned)geteuid(), (unsigned)sb.st_uid, (unsigned)(sb.st_mode & 0777));
        close(fd);
        return -1;
    }
    return fd;
}

int demo_state_dir(char *why, size_t n)
{
    const char *x = getenv("XDG_RUNTIME_DIR");
    if (x && *x) {
        if (x[0] != '/') {
            snprintf(why, n, "XDG_RUNTIME_DIR=%s is not an absolute path; fix: unset it or "
                     "give an absolute one", x);
            return -1;
        }
        return safe_dir(x, why, n);   /* set but unsafe: say so, do not guess another */
    }
    char dir[64];
    snprintf(dir, sizeof dir, "/run/user/%u", (unsigned)geteuid());
    int fd = safe_dir(dir, why, n);
    if (fd >= 0)
        return fd;
    snprintf(dir, sizeof dir, "/tmp/isolab-demo-%u", (unsigned)geteuid());
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        snprintf(why, n, "mkdir %s: %s; fix: set XDG_RUNTIME_DIR to a directory of your own",
                 dir, strerror(errno));
        return -1;
    }
    return safe_dir(dir, why, n);
}

/* "demo-seccomp.state": the lab id, kept to [A-Za-z0-9_-]. */
static void state_name(const char *lab_id, char *buf, size_t n)
{
    size_t off = (size_t)snprintf(buf, n, "demo-");
    for (const char *p = lab_id; *p && off + 7 < n; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        buf[off++] = ok ? c : '_';
    }
    snprintf(buf + off, n - off, ".state");
}

int demo_state_write(int dirfd, const char *lab_id, const struct demo_state *s)
{
    char name[128], tmp[160], text[160];
    state_name(lab_id, name, sizeof name);
    snprintf(tmp, sizeof tmp, ".%s.%ld", name, (long)getpid());
    int len = snprintf(text, sizeof text, "step %zu\nstarted %lld\nsince %lld\n%s", s->step,
                       (long long)s->started, (long long)s->step_since, s->ended ? "ended\n" : "");
    unlinkat(dirfd, tmp, 0);
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    bool ok = write(fd, text, (size_t)len) == len;
    ok = close(fd) == 0 && ok;
    if (!ok || renameat(dirfd, tmp, dirfd, name) < 0) {
        unlinkat(dirfd, tmp, 0);
        return -1;
    }
    return 0;
}

int demo_state_read(int dirfd, const char *lab_id, struct demo_state *s)
{
    char name[128], text[256];
    state_name(lab_id, name, sizeof name);
    *s = (struct demo_state){ 0 };
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat sb;
    ssize_t n = -1;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid())
        n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    long long started = 0, since = 0;
    if (sscanf(text, "step %zu\nstarted %lld\nsince %lld", &s->step, &started, &since) != 3)
        return -1;
    s->started = (time_t)started;
    s->step_since = (time_t)since;
    s->ended = strstr(text, "ended\n") != NULL;
    s->present = true;
    return 0;
}

static void mmss(char *buf, size_t n, time_t secs)
{
    if (secs < 0)
        secs = 0;
    snprintf(buf, n, "%02lld:%02lld", (long long)(secs / 60), (long long)(secs % 60));
}

static void presenter_body(const struct lab *lab, const struct demo_state *s, struct demo_doc *d)
{
    if (!s->present) {
        demo_para(d, DS_BOLD, 0, "Waiting for the projected demo: run `isolab demo %s` in the "
                  "other terminal.", lab->id);
        return;
    }
    const struct lab_step *st = &lab->steps[s->step];
    if (s->ended)
        demo_para(d, DS_SKIP, 0, "The projected demo has quit (it was at step %zu).", s->step + 1);
    demo_para(d, DS_NOTE, 0, "presenter notes:");
    demo_para(d, DS_PLAIN, 2, "%s", st->notes[0] ? st->notes : "(none for this step)");
    if (st->kind == LAB_QUIZ && st->answer >= 0 && (size_t)st->answer < st->nchoices) {
        demo_para(d, DS_PLAIN, 0, "%s", "");
        demo_para(d, DS_PASS, 0, "answer (a shows it to the room): %d) %s", st->answer + 1,
                  st->choices[st->answer]);
    }
    demo_para(d, DS_PLAIN, 0, "%s", "");
    if (s->step + 1 < lab->nsteps) {
        const struct lab_step *nx = &lab->steps[s->step + 1];
        demo_para(d, DS_BOLD, 0, "next: step %zu/%zu [%s] %s", s->step + 2, lab->nsteps,
                  lab_step_kind_name(nx->kind), nx->title);
    } else {
        demo_para(d, DS_BOLD, 0, "next: nothing -- this is the last step; the demo is over after it.");
    }
}

static void presenter_draw(const struct lab *lab, const struct demo_state *s, size_t *top, bool color)
{
    int cols, rows;
    demo_term_size(&cols, &rows);
    struct demo_lines h = { 0 }, b = { 0 }, f = { 0 };
    size_t k = s->present ? s->step : 0;
    demo_lines_add(&h, DS_NOTE, "PRESENTER CONSOLE (not for the room)");
    demo_step_header(lab, k, &h, cols);
    struct demo_doc d = { 0 };
    presenter_body(lab, s, &d);
    demo_layout(&d, cols, &b);
    demo_doc_free(&d);
    time_t now = time(NULL);
    char clock[16], el[48], on[48], line[200];
    strftime(clock, sizeof clock, "%H:%M:%S", localtime(&now));
    mmss(el, sizeof el, s->present ? now - s->started : 0);
    mmss(on, sizeof on, s->present ? now - s->step_since : 0);
    snprintf(line, sizeof line, "clock %s   demo running %s   on this step %s", clock, el, on);
    demo_lines_add(&f, DS_PLAIN, "");
    demo_lines_add(&f, DS_BOLD, line);
    demo_lines_add(&f, DS_DIM, "follows the projected demo; Up/Down scroll  q quit");
    int room = demo_body_rows(&h, &f, rows);
    if (b.n <= (size_t)room)
        *top = 0;
    else if (*top > b.n - (size_t)room)
        *top = b.n - (size_t)room;
    demo_draw(&h, &b, *top, &f, cols, rows, color);
    demo_lines_free(&h);
    demo_lines_free(&b);
    demo_lines_free(&f);
}

int demo_presenter(const struct lab *lab, bool color)
{
    char why[512];
    int dir = demo_state_dir(why, sizeof why);
    if (dir < 0) {
        fprintf(stderr, "isolab demo --presenter: no place to follow the demo from: %s\n", why);
        return 2;
    }
    if (!isatty(0) || !isatty(1) || demo_term_enter() < 0) {
        fprintf(stderr, "isolab demo --presenter: needs a terminal (run it in a second one)\n");
        close(dir);
        return 2;
    }
    size_t top = 0, last_step = (size_t)-1;
    for (;;) {
        struct demo_state s;
        if (demo_state_read(dir, lab->id, &s) < 0 || s.step >= lab->nsteps)
            s = (struct demo_state){ 0 };
        if (s.present && s.step != last_step) {
            top = 0;
            last_step = s.step;
        }
        presenter_draw(lab, &s, &top, color);
        int ch = demo_read_key(500);
        if (ch < 0 || ch == 'q' || ch == 'Q' || ch == 3)
            break;
        if ((ch == DEMO_KEY_UP || ch == 'k') && top)
            top--;
        else if (ch == DEMO_KEY_DOWN || ch == 'j')
            top++;
    }
    demo_term_leave();
    close(dir);
    return 0;
}
