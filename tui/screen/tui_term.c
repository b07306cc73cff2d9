/* The terminal: curses set-up, the one function that restores the terminal,
 * signals, and the two places where the TUI hands the terminal to another
 * program (the sandbox shell and $EDITOR). */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "live.h"
#include "tui.h"
#include "tui_pane.h"

volatile sig_atomic_t tui_quit_signal;

static bool curses_on;
static bool have_termios;
static struct termios saved_termios;

static void on_quit_signal(int sig) { tui_quit_signal = sig; }
static void on_ignored_signal(int sig) { (void)sig; }

/* A crash of isolab itself: put the terminal back, then die as we would. */
static void on_fatal_signal(int sig)
{
    if (tui_pane_pid > 0)
        kill(tui_pane_pid, SIGKILL);   /* the pane's sandbox goes with us */
    if (have_termios)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
    static const char reset[] = "\033[?1000l\033[?1049l\033[?25h\r\n";
    ssize_t r = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)r;
    signal(sig, SIG_DFL);
    raise(sig);
}

void tui_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_quit_signal;   /* no SA_RESTART: poll() wakes up */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void tui_term_restore(void)
{
    if (curses_on) {
        mousemask(0, NULL);
        curs_set(1);
        endwin();
        curses_on = false;
    }
    if (have_termios)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
    fflush(stdout);
}

static void start_curses(struct tui *t)
{
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    set_escdelay(50);
    /* Shift-PgUp/PgDn as xterm and tmux send them, where terminfo (TERM=screen)
     * does not name them: the shell pane's scrollback keys. */
    define_key("\033[5;2~", KEY_SPREVIOUS);
    define_key("\033[6;2~", KEY_SNEXT);
    t->color = false;
    const char *nc = getenv("NO_COLOR");
    if (has_colors() && !(nc && *nc)) {
        start_color();
        use_default_colors();
        init_pair(1, COLOR_GREEN, -1);    /* allowed */
        init_pair(2, COLOR_RED, -1);      /* blocked */
        init_pair(3, COLOR_YELLOW, -1);   /* error, changed */
        init_pair(4, COLOR_CYAN, -1);     /* headings */
        init_pair(5, COLOR_BLACK, COLOR_YELLOW); /* changed row */
        init_pair(6, COLOR_WHITE, COLOR_RED);    /* error message */
        t->color = true;
    }
    /* ACS characters need the terminal's acsc capability; vt100-likes
     * without it (or dumb terminals) get ASCII. */
    char *acsc = tigetstr("acsc");
    t->ascii_lines = (acsc == NULL || acsc == (char *)-1 || !*acsc);
    t->mouse = false;
    mmask_t got = mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED |
                            BUTTON1_DOUBLE_CLICKED, NULL);
    if (got) {
        mouseinterval(0);
        t->mouse = true;
    }
    getmaxyx(stdscr, t->rows, t->cols);
}

int tui_term_init(struct tui *t)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "isolab: the TUI needs a terminal\n"
                "  hint: run it in a terminal, or use `isolab run` / `isolab probe` in scripts\n");
        return -1;
    }
    if (tcgetattr(STDIN_FILENO, &saved_termios) == 0)
        have_termios = true;
    /* ncursesw needs the character set (UTF-8 line drawing); only
     * LC_CTYPE, so numbers keep their "." (cpus 0.5). */
    setlocale(LC_CTYPE, "");
    if (!getenv("TERM") || !*getenv("TERM"))
        setenv("TERM", "vt100", 1);
    SCREEN *s = newterm(NULL, stdout, stdin);
    if (!s) {
        fprintf(stderr, "isolab: cannot use terminal type '%s'\n"
                "  hint: set TERM to one your system knows (xterm-256color, screen, vt100)\n",
                getenv("TERM"));
        return -1;
    }
    set_term(s);
    char *cup = tigetstr("cup");
    if (cup == NULL || cup == (char *)-1) {
        endwin();
        delscreen(s);
        if (have_termios)
            tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
        fprintf(stderr, "isolab: the terminal type '%s' cannot move the cursor\n"
                "  hint: set TERM to one that can (xterm-256color, screen, vt100)\n",
                getenv("TERM"));
        return -1;
    }
    curses_on = true;
    atexit(tui_term_restore);
    start_curses(t);
    return 0;
}

/* Hand the terminal to a program in the foreground and take it back. */
static void leave_curses(void)
{
    def_prog_mode();
    mousemask(0, NULL);
    endwin();
}

static void back_to_curses(struct tui *t)
{
    /* The child may have left us in the background or with odd modes. */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTTOU);
    sigprocmask(SIG_BLOCK, &set, &old);
    if (tcgetpgrp(STDIN_FILENO) != getpgrp())
        tcsetpgrp(STDIN_FILENO, getpgrp());
    sigprocmask(SIG_SETMASK, &old, NULL);
    reset_prog_mode();
    if (t->mouse)
        mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED, NULL);
    curs_set(0);
    clearok(stdscr, TRUE);
    refresh();
}

/* While another program owns the terminal, Ctrl-C/Ctrl-\ are for it. A
 * caught (not ignored) signal is reset to the default on execve, so the
 * program still gets the usual behaviour. */
static void shield_signals(bool on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = on ? on_ignored_signal : on_quit_signal;
    if (!on)
        sa.sa_flags = 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    if (!on) {
        sa.sa_handler = SIG_DFL;
        sigaction(SIGQUIT, &sa, NULL);
    }
}

extern char **environ;

static char **shell_env(const struct tui *t)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 6, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strncmp(environ[i], "PS1=", 4) || !strncmp(environ[i], "ISOLAB=", 7) ||
            !strncmp(environ[i], "debian_chroot=", 14) ||
            !strncmp(environ[i], "ISOLAB_PRESET=", 14))
            continue;
        env[k++] = environ[i];
    }
    static char preset[96];
    snprintf(preset, sizeof preset, "ISOLAB_PRESET=%s", t->preset[0] ? t->preset : "custom");
    env[k++] = "ISOLAB=1";
    env[k++] = preset;
    /* Debian's bash.bashrc sets PS1 from debian_chroot; other shells use PS1. */
    env[k++] = "debian_chroot=isolab";
    env[k++] = "PS1=(isolab) \\u@\\h:\\w\\$ ";
    env[k] = NULL;
    return env;
}

/* The config of a shell for the current screen: the layers in force, the
 * last valid profile snapshot, a pty of its own. *env is to be freed. */
int tui_shell_config(const struct tui *t, struct lab_config *c, char ***env)
{
    *c = *t->cfg;
    c->argv = NULL;
    c->fn = NULL;
    c->tty = LAB_TTY_ON;
    *env = shell_env(t);
    if (!*env)
        return -1;
    c->envp = *env;
    if (t->active_path[0] && c->layer_on[LAYER_SECCOMP])
        snprintf(c->seccomp_profile, sizeof c->seccomp_profile, "%s", t->active_path);
    return 0;
}

/* One line: every layer as it is in force ("seccomp docker-default.json |
 * lsm landlock isolab-default | ..."). */
void tui_shell_describe(const struct tui *t, char *buf, size_t n)
{
    struct lab_config eff;
    tui_effective_config(t, &eff);
    size_t off = 0;
    buf[0] = 0;
    for (int id = 0; id < LAYER_COUNT && off < n; id++) {
        char d[256];
        if (!t->cfg->layer_on[id]) {
            snprintf(d, sizeof d, "%s off", layer_name(id));
        } else {
            char raw[200];
            layer_describe(&eff, id, raw, sizeof raw);
            char *paren = strstr(raw, " (");
            if (paren)
                *paren = 0;
            size_t l = strlen(layer_name(id));
            if (!strncmp(raw, layer_name(id), l) || !strncmp(raw, "ns ", 3) ||
                !strncmp(raw, "lsm", 3) || !strncmp(raw, "caps", 4))
                snprintf(d, sizeof d, "%s", raw);
            else
                snprintf(d, sizeof d, "%s %s", layer_name(id), raw);
        }
        off += (size_t)snprintf(buf + off, n - off, "%s%s", id ? " | " : "", d);
    }
}

int tui_run_shell(struct tui *t)
{
    struct lab_config c;
    char **env = NULL;
    if (tui_shell_config(t, &c, &env) < 0) {
        tui_msg(t, true, "shell: out of memory");
        return -1;
    }
    char banner[1024], desc[900];
    tui_shell_describe(t, desc, sizeof desc);
    snprintf(banner, sizeof banner, "[isolab %s; exit returns] %s",
             t->preset[0] ? t->preset : "defaults", desc);
    int width = COLS > 10 && COLS < (int)sizeof banner ? COLS - 1 : 79;
    if ((int)strlen(banner) > width) {
        banner[width - 3] = 0;
        strcat(banner, "...");
    }

    leave_curses();
    shield_signals(true);
    printf("\r\n%s\r\n", banner);
    fflush(stdout);
    int status = 0;
    struct isolab_err err;
    isolab_err_clear(&err);
    /* The shell's own pty, relayed (live.h): nothing it does can push keys
     * into this terminal, which the TUI reads again afterwards. */
    struct sandbox *sb = NULL;
    int rc = sandbox_start(&c, &sb, &err);
    if (rc == 0)
        rc = live_relay(sb, STDIN_FILENO, STDOUT_FILENO, &status, &err);
    shield_signals(false);
    free(env);
    back_to_curses(t);
    if (rc < 0)
        tui_msg(t, true, "shell: %s%s%s", err.msg, err.hint[0] ? "  hint: " : "", err.hint);
    else if (status > 128)
        tui_msg(t, true, "the shell died with signal %d (%s)", status - 128,
                strsignal(status - 128));
    else
        tui_msg(t, false, "back from the sandbox shell (exit status %d); probes re-run", status);
    return rc;
}

int tui_run_editor(struct tui *t, const char *path)
{
    const char *ed = getenv("VISUAL");
    if (!ed || !*ed)
        ed = getenv("EDITOR");
    if (!ed || !*ed)
        ed = "vi";
    leave_curses();
    shield_signals(true);
    int status = -1;
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        setenv("ISOLAB_EDITOR", ed, 1);
        /* $EDITOR may carry arguments ("code -w"), as git allows. */
        execl("/bin/sh", "sh", "-c", "exec $ISOLAB_EDITOR \"$1\"", "sh", path, (char *)NULL);
        _exit(127);
    }
    if (pid > 0) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    shield_signals(false);
    back_to_curses(t);
    if (pid < 0) {
        tui_msg(t, true, "cannot start the editor: %s", strerror(errno));
        return -1;
    }
    if (WIFSIGNALED(status)) {
        tui_msg(t, true, "the editor (%s) died with signal %d", ed, WTERMSIG(status));
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        tui_msg(t, true, "cannot run the editor '%s'", ed);
        return -1;
    }
    return 0;
}

/* Word-wrapped text inside [x, x+w), from row y up to (not incl.) maxy. */
int tui_wrap(int y, int x, int w, int maxy, const char *text)
{
    const char *p = text;
    while (*p && y < maxy && w > 0) {
        int len = (int)strlen(p);
        int take = len;
        if (take > w) {
            take = w;
            while (take > 0 && p[take] != ' ')
                take--;
            if (take == 0)
                take = w;
        }
        mvprintw(y++, x, "%.*s", take, p);
        p += take;
        while (*p == ' ')
            p++;
    }
    return y;
}

/* Line drawing that falls back to ASCII. */
void tui_hline(int y, int x, int w)
{
    if (w <= 0)
        return;
    if (tui_current && tui_current->ascii_lines)
        mvhline(y, x, '-', w);
    else
        mvhline(y, x, ACS_HLINE, w);
}

void tui_box(int y, int x, int h, int w, const char *title)
{
    bool a = tui_current && tui_current->ascii_lines;
    if (h < 2 || w < 2)
        return;
    for (int r = y; r < y + h; r++)
        mvhline(r, x, ' ', w);
    mvhline(y, x + 1, a ? '-' : ACS_HLINE, w - 2);
    mvhline(y + h - 1, x + 1, a ? '-' : ACS_HLINE, w - 2);
    mvvline(y + 1, x, a ? '|' : ACS_VLINE, h - 2);
    mvvline(y + 1, x + w - 1, a ? '|' : ACS_VLINE, h - 2);
    mvaddch(y, x, a ? '+' : ACS_ULCORNER);
    mvaddch(y, x + w - 1, a ? '+' : ACS_URCORNER);
    mvaddch(y + h - 1, x, a ? '+' : ACS_LLCORNER);
    mvaddch(y + h - 1, x + w - 1, a ? '+' : ACS_LRCORNER);
    if (title && *title) {
        attron(A_BOLD);
        mvprintw(y, x + 2, " %.*s ", w - 6, title);
        attroff(A_BOLD);
    }
}

void tui_scroll_clamp(int *sel, int *top, int n, int rows)
{
    if (*sel >= n)
        *sel = n - 1;
    if (*sel < 0)
        *sel = 0;
    if (*sel < *top)
        *top = *sel;
    if (*sel >= *top + rows)
        *top = *sel - rows + 1;
}
