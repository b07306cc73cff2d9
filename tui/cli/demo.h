/* `isolab demo` (tui/cli/cmd_demo.c): a step is built once into a document
 * of paragraphs and table rows (demo_doc.c), then laid out to the width of
 * the terminal each time it is drawn, so a resize only re-wraps. The
 * presenter console (demo_presenter.c) follows the projected screen through
 * a small state file in the user's runtime directory. */
#ifndef ISOLAB_DEMO_H
#define ISOLAB_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "lab.h"

/* Below this the demo says so instead of drawing, as the TUI does. */
#define DEMO_MIN_COLS 80
#define DEMO_MIN_ROWS 24

enum demo_style {
    DS_PLAIN = 0, DS_BOLD, DS_TITLE, DS_DIM, DS_PASS, DS_FAIL, DS_SKIP, DS_LOUD, DS_NOTE,
};

enum demo_kind { DK_PARA, DK_ROW, DK_LOUD };

struct demo_item {
    enum demo_kind kind;
    enum demo_style style;
    int indent;
    int hang;          /* PARA: more indent for its continuation lines */
    char *a, *b;       /* PARA: text; ROW: expected, real (a mark in mark); LOUD: what, why */
    char mark[8];
};

struct demo_doc {
    struct demo_item *v;
    size_t n, cap;
};

/* Lines laid out to a width: text without colour, one style a line. */
struct demo_lines {
    char **text;
    enum demo_style *style;
    size_t n, cap;
};

void demo_para(struct demo_doc *d, enum demo_style s, int indent, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void demo_para_hang(struct demo_doc *d, enum demo_style s, int indent, int hang, const char *text);
void demo_row(struct demo_doc *d, enum demo_style s, const char *mark, const char *expected,
              const char *real);
void demo_loud(struct demo_doc *d, const char *what, const char *why);
void demo_doc_free(struct demo_doc *d);

/* Word-wrap the document to `width` columns (a line never reaches the last
 * column, so nothing spills onto the next row). */
void demo_layout(const struct demo_doc *d, int width, struct demo_lines *out);
void demo_lines_add(struct demo_lines *o, enum demo_style s, const char *text);
void demo_lines_free(struct demo_lines *o);
/* The terminal's escape sequence for a style ("" without colour). */
const char *demo_style_on(enum demo_style s, bool color);

/* The terminal: raw keys, the alternate screen, its size, its signals. */
int  demo_term_enter(void);     /* raw mode, alternate screen, cursor off */
void demo_term_leave(void);     /* idempotent; every exit path calls it */
void demo_term_size(int *cols, int *rows);
/* A key (ASCII, or one of DEMO_KEY_*), 0 when timeout_ms passed or the
 * size changed, -1 at end of input or on a quit signal. */
int  demo_read_key(int timeout_ms);
enum { DEMO_KEY_UP = 0x100, DEMO_KEY_DOWN, DEMO_KEY_PGUP, DEMO_KEY_PGDN, DEMO_KEY_HOME, DEMO_KEY_END };
extern volatile int demo_quit;
/* Draw `header` lines fixed at the top, `body` from `top`, and `footer`
 * lines at the bottom of a cols x rows screen (or the too-small notice). */
void demo_draw(const struct demo_lines *header, const struct demo_lines *body, size_t top,
               const struct demo_lines *footer, int cols, int rows, bool color);
/* Rows for the body on a screen of `rows` rows. */
int  demo_body_rows(const struct demo_lines *header, const struct demo_lines *footer, int rows);

/* The state the presenter console follows (demo_presenter.c). */
struct demo_state {
    bool present;      /* a projected demo has written one */
    bool ended;        /* ... and has quit */
    size_t step;       /* 0-based */
    time_t started;    /* when the demo started */
    time_t step_since; /* when this step came up */
};
/* The directory for the state file: $XDG_RUNTIME_DIR, else /run/user/UID,
 * else /tmp/isolab-demo-UID (made 0700); each must be the user's own and
 * closed to others. Returns an O_PATH-free directory fd or -1 with why. */
int  demo_state_dir(char *why, size_t n);
int  demo_state_write(int dirfd, const char *lab_id, const struct demo_state *s);
int  demo_state_read(int dirfd, const char *lab_id, struct demo_state *s);
int  demo_presenter(const struct lab *lab, bool color);

/* The step's texts everyone reads (cmd_demo.c, for the presenter too). */
void demo_step_header(const struct lab *lab, size_t k, struct demo_lines *h, int width);

#endif
