/* The export key: the configuration on the screen, written for docker, runc
 * or Kubernetes, with the fidelity report (what the target cannot express).
 * A small modal box; the probes wait while it is open. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "export.h"
#include "lab.h"
#include "tui_export.h"

static char start_note[600];
static char start_report[8192];

void tui_set_start_note(const char *note, const char *report)
{
    snprintf(start_note, sizeof start_note, "%s", note ? note : "");
    snprintf(start_report, sizeof start_report, "%s", report ? report : "");
}

const char *tui_start_note(void)
{
    return start_note;
}

static int wait_key(void)
{
    for (;;) {
        int ch = getch();
        if (tui_quit_signal)
            return 27;
        if (ch != ERR)
            return ch;
    }
}

/* A box in the middle of the screen holding lines, each cut to its width. */
static void box_lines(struct tui *t, const char *title, char lines[][256], int n)
{
    int w = t->cols - 4 < 100 ? t->cols - 4 : 100;
    int h = n + 2 < t->rows - 2 ? n + 2 : t->rows - 2;
    int y = (t->rows - h) / 2, x = (t->cols - w) / 2;
    for (int r = 0; r < h; r++)
        mvhline(y + r, x, ' ', w);
    tui_box(y, x, h, w, title);
    for (int i = 0; i < n && i < h - 2; i++)
        mvprintw(y + 1 + i, x + 2, "%-.*s", w - 4, lines[i]);
    refresh();
}

/* The report's notes, each wrapped to width. */
static int wrap(const char *text, int width, char lines[][256], int at, int max)
{
    const char *s = text;
    while (*s && at < max) {
        size_t nl = strcspn(s, "\n");
        while (nl > 0 && at < max) {
            size_t take = nl;
            if ((int)take > width) {
                take = (size_t)width;
                while (take > 10 && s[take] != ' ')
                    take--;
            }
            snprintf(lines[at++], 256, "%s%.*s", s == text || s[-1] == '\n' ? "" : "  ",
                     (int)take, s);
            s += take;
            nl -= take;
            while (nl > 0 && *s == ' ')
                s++, nl--;
        }
        s += *s == '\n';
    }
    return at;
}

static void show_result(struct tui *t, const char *format, const char *written,
                        const struct export_report *rep)
{
    char lines[40][256];
    int n = 0, width = (t->cols - 8 < 96 ? t->cols - 8 : 96);
    if (width > 250)
        width = 250;
    snprintf(lines[n++], 256, "Wrote %s", written);
    snprintf(lines[n++], 256, "%s", rep->n ? "What the target cannot express, and what it does "
             "instead:" : "Everything in this configuration is expressed.");
    n = wrap(rep->text, width, lines, n, 38);
    snprintf(lines[n++], 256, "(any key: back)");
    char title[64];
    snprintf(title, sizeof title, "Exported (%s)", format);
    box_lines(t, title, lines, n);
    wait_key();
}

void tui_start_report(struct tui *t)
{
    if (!start_report[0])
        return;
    char lines[40][256];
    int n = 0, width = (t->cols - 8 < 96 ? t->cols - 8 : 96);
    snprintf(lines[n++], 256, "%s", start_note);
    snprintf(lines[n++], 256, "What isolab cannot model (the lab shows the rest):");
    n = wrap(start_report, width, lines, n, 38);
    snprintf(lines[n++], 256, "(any key: the lab)");
    box_lines(t, "Imported", lines, n);
    start_report[0] = '\0';
    wait_key();
}

void tui_export_dialog(struct tui *t)
{
    char lines[6][256] = {
        "Write the configuration on the screen for a real runtime:",
        "  d  docker run line        (docker-run.sh)",
        "  o  runc bundle            (config.json)",
        "  k  Kubernetes Pod         (pod.yaml, isolab.json)",
        "  Esc  cancel",
    };
    box_lines(t, "Export (o)", lines, 5);
    int ch = wait_key();
    const char *format = ch == 'd' ? "docker" : ch == 'o' ? "oci" : ch == 'k' ? "k8s" : NULL;
    if (!format) {
        tui_msg(t, false, "export cancelled");
        return;
    }
    char dir[ISOLAB_PATH_MAX], written[2 * ISOLAB_PATH_MAX + 8];
    struct export_report rep = {.len = 0};
    struct isolab_err err;
    isolab_err_clear(&err);
    if (lab_state_dir(dir, sizeof dir - 8, &err) < 0) {
        tui_msg(t, true, "export: %s", err.msg);
        return;
    }
    strcat(dir, "/export");
    if (export_to_dir(t->cfg, format, dir, written, sizeof written, &rep, &err) < 0) {
        tui_msg(t, true, "%s%s%s", err.msg, err.hint[0] ? " -- " : "", err.hint);
        return;
    }
    show_result(t, format, written, &rep);
    tui_msg(t, false, "exported (%s): %s", format, written);
}
