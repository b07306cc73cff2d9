/* The demo's document, its layout to the terminal's width, and the small
 * terminal layer it draws on (demo.h). Widths count characters, not bytes:
 * the labs' texts hold UTF-8 (—, ✓, …), all one column wide. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "demo.h"

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap * 2 : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(p, c * size);
    if (!q) {
        perror("isolab demo");
        exit(2);
    }
    *cap = c;
    return q;
}

static char *dup_or_die(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        perror("isolab demo");
        exit(2);
    }
    return d;
}

static struct demo_item *add(struct demo_doc *d, enum demo_kind k, enum demo_style s, int indent)
{
    d->v = grow(d->v, &d->cap, d->n + 1, sizeof *d->v);
    struct demo_item *it = &d->v[d->n++];
    *it = (struct demo_item){ .kind = k, .style = s, .indent = indent };
    return it;
}

void demo_para(struct demo_doc *d, enum demo_style s, int indent, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    va_end(ap);
    add(d, DK_PARA, s, indent)->a = text ? text : dup_or_die("");
}

void demo_para_hang(struct demo_doc *d, enum demo_style s, int indent, int hang, const char *text)
{
    struct demo_item *it = add(d, DK_PARA, s, indent);
    it->hang = hang;
    it->a = dup_or_die(text);
}

void demo_row(struct demo_doc *d, enum demo_style s, const char *mark, const char *expected,
              const char *real)
{
    struct demo_item *it = add(d, DK_ROW, s, 2);
    snprintf(it->mark, sizeof it->mark, "%s", mark);
    it->a = dup_or_die(expected);
    it->b = dup_or_die(real);
}

void demo_loud(struct demo_doc *d, const char *what, const char *why)
{
    struct demo_item *it = add(d, DK_LOUD, DS_LOUD, 0);
    it->a = dup_or_die(what);
    it->b = dup_or_die(why);
}

void demo_doc_free(struct demo_doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].a);
        free(d->v[i].b);
    }
    free(d->v);
    *d = (struct demo_doc){ 0 };
}

void demo_lines_add(struct demo_lines *o, enum demo_style s, const char *text)
{
    size_t cap = o->cap;
    o->text = grow(o->text, &cap, o->n + 1, sizeof *o->text);
    cap = o->cap;
    o->style = grow(o->style, &cap, o->n + 1, sizeof *o->style);
    o->cap = cap;
    o->text[o->n] = dup_or_die(text);
    o->style[o->n++] = s;
}

void demo_lines_free(struct demo_lines *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->text[i]);
    free(o->text);
    free(o->style);
    *o = (struct demo_lines){ 0 };
}

/* Characters in the first `len` bytes of s. */
static int cols_of(const char *s, size_t len)
{
    int c = 0;
    for (size_t i = 0; i < len; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Bytes of s that hold at most `cols` characters. */
static size_t bytes_for(const char *s, size_t len, int cols)
{
    size_t i = 0;
    for (int c = 0; i < len && c <= cols; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++c > cols)
            break;
    return i;
}

/* Cut one line of s (up to len bytes, no newline inside) that fits `w`
 * characters at a space; a word longer than w is cut where it must be.
 * Returns the bytes taken; *skip is how many more to skip (the space). */
static size_t cut_line(const char *s, size_t len, int w, size_t *skip)
{
    *skip = 0;
    if (cols_of(s, len) <= w)
        return len;
    size_t max = bytes_for(s, len, w);
    size_t cut = max;
    while (cut > 0 && s[cut] != ' ')
        cut--;
    if (cut == 0)
        return max;
    *skip = 1;
    return cut;
}

/* The lines of `text` wrapped to w characters, appended to out (each as a
 * malloc'd string). */
static void wrap_to(const char *text, int w, char ***out, size_t *n, size_t *cap)
{
    if (w < 1)
        w = 1;
    const char *p = text;
    do {
        size_t len = strcspn(p, "\n");
        const char *end = p + len;
        do {
            size_t skip;
            size_t take = cut_line(p, (size_t)(end - p), w, &skip);
            *out = grow(*out, cap, *n + 1, sizeof **out);
            (*out)[(*n)++] = strndup(p, take);
            p += take + skip;
        } while (p < end);
        p = end + (*end == '\n');
    } while (*p);
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* "  ✓ expected-text      real-text": both columns wrap on their own. */
static void layout_row(const struct demo_item *it, int width, struct demo_lines *out)
{
    int usable = width - 1 - it->indent - 2 - 1;   /* last column, mark, gap */
    int ew = usable * 45 / 100, rw = usable - ew;
    char **ea = NULL, **ra = NULL;
    size_t ne = 0, nr = 0, ce = 0, cr = 0;
    wrap_to(it->a, ew, &ea, &ne, &ce);
    wrap_to(it->b, rw, &ra, &nr, &cr);
    for (size_t i = 0; i < ne || i < nr; i++) {
        const char *e = i < ne ? ea[i] : "", *r = i < nr ? ra[i] : "";
        char line[1024];
        int pad = ew - cols_of(e, strlen(e));
        snprintf(line, sizeof line, "%*s%s %s%*s %s", it->indent, "", i ? " " : it->mark, e,
                 pad > 0 ? pad : 0, "", r);
        demo_lines_add(out, it->style, line);
    }
    free_strs(ea, ne);
    free_strs(ra, nr);
}

static void layout_loud(const struct demo_item *it, int width, struct demo_lines *out)
{
    char bar[512];
    int w = width - 1 < (int)sizeof bar - 1 ? width - 1 : (int)sizeof bar - 1;
    memset(bar, '!', (size_t)w);
    bar[w] = '\0';
    demo_lines_add(out, DS_PLAIN, "");
    demo_lines_add(out, DS_LOUD, bar);
    for (int part = 0; part < 2; part++) {
        char **v = NULL;
        size_t n = 0, cap = 0;
        wrap_to(part ? it->b : it->a, w - 4, &v, &n, &cap);
        for (size_t i = 0; i < n; i++) {
            char line[1024];
            snprintf(line, sizeof line, "!!  %s", v[i]);
            demo_lines_add(out, DS_LOUD, line);
        }
        free_strs(v, n);
    }
    demo_lines_add(out, DS_LOUD, bar);
}

void demo_layout(const struct demo_doc *d, int width, struct demo_lines *out)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct demo_item *it = &d->v[i];
        if (it->kind == DK_ROW) {
            layout_row(it, width, out);
            continue;
        }
        if (it->kind == DK_LOUD) {
            layout_loud(it, width, out);
            continue;
        }
        char **v = NULL;
        size_t n = 0, cap = 0;
        wrap_to(it->a, width - 1 - it->indent - it->hang, &v, &n, &cap);
        for (size_t j = 0; j < n; j++) {
            char line[1024];
            snprintf(line, sizeof line, "%*s%s", it->indent + (j ? it->hang : 0), "", v[j]);
            demo_lines_add(out, it->style, line);
        }
        free_strs(v, n);
    }
}

const char *demo_style_on(enum demo_style s, bool color)
{
    static const char *const code[] = {
        [DS_PLAIN] = "", [DS_BOLD] = "\033[1m", [DS_TITLE] = "\033[1;36m", [DS_DIM] = "\033[2m",
        [DS_PASS] = "\033[32m", [DS_FAIL] = "\033[1;31m", [DS_SKIP] = "\033[1;33m",
        [DS_LOUD] = "\033[1;41;37m", [DS_NOTE] = "\033[1;35m",
    };
    return color ? code[s] : "";
}

/* ---- the terminal ------------------------------------------------------ */

volatile int demo_quit;
static volatile sig_atomic_t resized;
static struct termios saved;
static bool entered;

static void on_signal(int sig)
{
    if (sig == SIGWINCH)
        resized = 1;
    else
        demo_quit = 1;
}

int demo_term_enter(void)
{
    if (tcgetattr(0, &saved) < 0)
        return -1;
    struct termios raw = saved;
    raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    /* SA_RESTART: a resize during a step's check must not interrupt the
     * engine's own calls; poll() is never restarted, so the loop wakes */
    struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    int sigs[] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT };
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaction(sigs[i], &sa, NULL);
    tcsetattr(0, TCSANOW, &raw);
    entered = true;
    fputs("\033[?1049h\033[?25l", stdout);
    fflush(stdout);
    return 0;
}

void demo_term_leave(void)
{
    if (!entered)
        return;
    entered = false;
    fputs("\033[?25h\033[?1049l", stdout);
    fflush(stdout);
    tcsetattr(0, TCSANOW, &saved);
}

void demo_term_size(int *cols, int *rows)
{
    struct winsize ws;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
        return;
    }
    const char *c = getenv("COLUMNS");
    *cols = c && atoi(c) > 0 ? atoi(c) : 80;
    *rows = 24;
}

static int byte_within(int ms)
{
    struct pollfd p = { .fd = 0, .events = POLLIN };
    if (poll(&p, 1, ms) <= 0)
        return -1;
    unsigned char ch;
    return read(0, &ch, 1) == 1 ? ch : -1;
}

/* ESC [ A, ESC O A, ESC [ 5 ~ ...: the keys the demo scrolls with. */
static int escape_key(void)
{
    int c1 = byte_within(50);
    if (c1 != '[' && c1 != 'O')
        return 27;
    int c2 = byte_within(50);
    switch (c2) {
    case 'A': return DEMO_KEY_UP;
    case 'B': return DEMO_KEY_DOWN;
    case 'H': return DEMO_KEY_HOME;
    case 'F': return DEMO_KEY_END;
    default: break;
    }
    if (c2 >= '0' && c2 <= '9') {
        int c3 = byte_within(50);
        if (c3 == '~')
            return c2 == '5' ? DEMO_KEY_PGUP : c2 == '6' ? DEMO_KEY_PGDN
                 : c2 == '1' || c2 == '7' ? DEMO_KEY_HOME : c2 == '4' || c2 == '8' ? DEMO_KEY_END : 0;
    }
    return 0;
}

int demo_read_key(int timeout_ms)
{
    if (demo_quit)
        return -1;
    if (resized) {
        resized = 0;
        return 0;
    }
    struct pollfd p = { .fd = 0, .events = POLLIN };
    int r = poll(&p, 1, timeout_ms);
    if (r < 0)
        return errno == EINTR && !demo_quit ? (resized = 0, 0) : -1;
    if (r == 0)
        return 0;
    unsigned char ch;
    ssize_t n = read(0, &ch, 1);
    if (n <= 0)
        return n < 0 && errno == EINTR && !demo_quit ? 0 : -1;
    return ch == 27 ? escape_key() : ch;
}

static void put_line(const char *text, enum demo_style s, bool color, bool newline)
{
    printf("%s%s%s\033[K%s", demo_style_on(s, color), text, color && s ? "\033[0m" : "",
           newline ? "\r\n" : "");
}

int demo_body_rows(const struct demo_lines *header, const struct demo_lines *footer, int rows)
{
    int r = rows - (int)header->n - (int)footer->n;
    return r > 0 ? r : 0;
}

void demo_draw(const struct demo_lines *header, const struct demo_lines *body, size_t top,
               const struct demo_lines *footer, int cols, int rows, bool color)
{
    fputs("\033[H", stdout);
    if (cols < DEMO_MIN_COLS || rows < DEMO_MIN_ROWS) {
        fputs("\033[2J", stdout);
        printf("Terminal too small (%dx%d).\r\nisolab demo needs %dx%d.\r\n"
               "Resize it, or press q.", cols, rows, DEMO_MIN_COLS, DEMO_MIN_ROWS);
        fflush(stdout);
        return;
    }
    int y = 0;
    for (size_t i = 0; i < header->n; i++, y++)
        put_line(header->text[i], header->style[i], color, true);
    int room = demo_body_rows(header, footer, rows);
    for (int i = 0; i < room; i++, y++) {
        size_t k = top + (size_t)i;
        put_line(k < body->n ? body->text[k] : "", k < body->n ? body->style[k] : DS_PLAIN, color,
                 true);
    }
    for (size_t i = 0; i < footer->n; i++, y++)
        put_line(footer->text[i], footer->style[i], color, y + 1 < rows);
    fflush(stdout);
}
