/* The in-TUI syscall editor: every syscall of this architecture with the
 * action the current profile gives it, search, change the action, save as
 * Docker JSON (atomically, previous version kept as FILE.bak).
 *
 * An edit makes the syscall's action unconditional: the name is removed
 * from every rule that lists it and, unless it goes back to the default,
 * a rule {"names": [name], "action": ...} is put first. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "explain.h"
#include "lint.h"
#include "readfile.h"
#include "tui.h"
#include "tui_feed.h"
#include "tui_list.h"

static uint64_t eval_caps(const struct tui *t)
{
    return lab_config_seccomp_caps(t->cfg);
}

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sc_row *)a)->name, ((const struct sc_row *)b)->name);
}

/* Parse the edited JSON into a model so that rows show real verdicts. */
static int rebuild_model(struct tui *t, struct isolab_err *err)
{
    char *text = json_dumps(t->sc_json, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    if (!text)
        return isolab_err_set(err, ENOMEM, "cannot serialise the profile");
    struct seccomp_profile *p = NULL;
    int rc = seccomp_profile_parse(text, strlen(text), t->profile_path, &p, err);
    free(text);
    if (rc < 0)
        return -1;
    seccomp_profile_free(t->sc_model);
    t->sc_model = p;
    return 0;
}

static void eval_rows(struct tui *t)
{
    uint32_t arch = seccomp_arch_native();
    uint64_t caps = eval_caps(t);
    for (size_t i = 0; i < t->nsc_rows; i++) {
        struct sc_row *r = &t->sc_rows[i];
        memset(&r->v, 0, sizeof r->v);
        r->other_arch = seccomp_profile_eval(t->sc_model, caps, arch, r->name, NULL, &r->v) < 0;
        if (r->other_arch)
            r->v.action = t->sc_model->default_action;
        r->in_profile = false;
        for (size_t k = 0; k < t->sc_model->nrules && !r->in_profile; k++)
            for (size_t j = 0; j < t->sc_model->rules[k].nnames; j++)
                if (!strcmp(t->sc_model->rules[k].names[j], r->name)) {
                    r->in_profile = true;
                    break;
                }
    }
}

static void add_row(struct tui *t, size_t *cap, const char *name)
{
    if (t->nsc_rows == *cap) {
        size_t nc = *cap ? *cap * 2 : 512;
        struct sc_row *n = realloc(t->sc_rows, nc * sizeof *n);
        if (!n)
            return;
        t->sc_rows = n;
        *cap = nc;
    }
    struct sc_row *r = &t->sc_rows[t->nsc_rows++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
}

void tui_syscalls_open(struct tui *t)
{
    if (t->sc_dirty && t->sc_json && t->sc_model && t->sc_rows) {
        /* back from the shell (F12) with edits not saved: they are in
         * force in the live shell, so they stay on the list */
        eval_rows(t);
        t->mode = MODE_SYSCALLS;
        return;
    }
    if (!t->profile || !t->active_path[0]) {
        tui_msg(t, true, "no valid seccomp profile loaded%s%s", t->profile_err[0] ? ": " : "",
                t->profile_err);
        return;
    }
    json_error_t je;
    json_t *root = json_load_file(t->active_path, 0, &je);
    if (!root) {
        tui_msg(t, true, "%s:%d:%d: %s", t->profile_path, je.line, je.column, je.text);
        return;
    }
    if (t->sc_json)
        json_decref(t->sc_json);
    t->sc_json = root;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (rebuild_model(t, &err) < 0) {
        tui_msg(t, true, "%s", err.msg);
        return;
    }
    free(t->sc_rows);
    t->sc_rows = NULL;
    t->nsc_rows = 0;
    size_t cap = 0;
    uint32_t arch = seccomp_arch_native();
    for (int nr = 0; nr < 1024; nr++) {
        char *name = seccomp_syscall_resolve_num_arch(arch, nr);
        if (name) {
            add_row(t, &cap, name);
            free(name);
        }
    }
    for (size_t k = 0; k < t->sc_model->nrules; k++)
        for (size_t j = 0; j < t->sc_model->rules[k].nnames; j++)
            add_row(t, &cap, t->sc_model->rules[k].names[j]);
    qsort(t->sc_rows, t->nsc_rows, sizeof *t->sc_rows, row_cmp);
    size_t w = 0;
    for (size_t i = 0; i < t->nsc_rows; i++)
        if (w == 0 || strcmp(t->sc_rows[w - 1].name, t->sc_rows[i].name))
            t->sc_rows[w++] = t->sc_rows[i];
    t->nsc_rows = w;
    eval_rows(t);
    t->sc_dirty = false;
    if (t->sc_sel >= (int)t->nsc_rows)
        t->sc_sel = 0;
    t->mode = MODE_SYSCALLS;
}

static void action_str(enum sc_action a, bool has_errno, unsigned int e, char *buf, size_t n)
{
    const char *name = sc_action_name(a);
    if (!strncmp(name, "SCMP_ACT_", 9))
        name += 9;
    if (a == SC_ACT_ERRNO) {
        const char *en = strerrorname_np((int)(has_errno ? e : 1));
        snprintf(buf, n, "%s(%s)", name, en ? en : "?");
    } else {
        snprintf(buf, n, "%s", name);
    }
}

static const char *op_name(int op)
{
    switch (op) {
    case SCMP_CMP_NE: return "!=";
    case SCMP_CMP_LT: return "<";
    case SCMP_CMP_LE: return "<=";
    case SCMP_CMP_EQ: return "==";
    case SCMP_CMP_GE: return ">=";
    case SCMP_CMP_GT: return ">";
    case SCMP_CMP_MASKED_EQ: return "&";
    default: return "?";
    }
}

static void draw_rule(const struct tui *t, const struct sc_row *r, int y, int x, int w, int h)
{
    const struct sc_rule *rule = r->v.rule;
    char a[64];
    int end = y + h;
    if (!rule) {
        action_str(t->sc_model->default_action, t->sc_model->has_default_errno,
                   t->sc_model->default_errno, a, sizeof a);
        mvprintw(y++, x, "%s: no rule applies here -> defaultAction %s",
                 r->name, a);
        /* Rules that name it but do not apply here: usually includes.caps. */
        for (size_t k = 0; k < t->sc_model->nrules && y < end; k++) {
            const struct sc_rule *o = &t->sc_model->rules[k];
            bool named = false;
            for (size_t j = 0; j < o->nnames && !named; j++)
                named = !strcmp(o->names[j], r->name);
            if (!named)
                continue;
            action_str(o->action, o->has_errno, o->errno_ret, a, sizeof a);
            char why[512], line[700];
            explain_rule_skipped(o, r->name, eval_caps(t), why, sizeof why);
            snprintf(line, sizeof line, "rule at line %d would give %s, but %s.", o->line, a, why);
            y = tui_wrap(y, x + 2, w - 2, end, line);
        }
        return;
    }
    action_str(rule->action, rule->has_errno, rule->errno_ret, a, sizeof a);
    mvprintw(y++, x, "%-.*s", w, "");
    mvprintw(y - 1, x, "%s: rule at line %d -> %s, names %zu syscall%s", r->name, rule->line, a,
             rule->nnames, rule->nnames == 1 ? "" : "s");
    if (rule->nargs && y < end) {
        move(y++, x);
        printw("only when:");
        for (size_t i = 0; i < rule->nargs; i++) {
            const struct sc_arg *g = &rule->args[i];
            if (g->op == SCMP_CMP_MASKED_EQ)
                printw(" arg%u & %#llx == %#llx", g->index, (unsigned long long)g->value,
                       (unsigned long long)g->value_two);
            else
                printw(" arg%u %s %#llx", g->index, op_name(g->op), (unsigned long long)g->value);
        }
    }
    if ((rule->includes.ncaps || rule->excludes.ncaps) && y < end) {
        move(y++, x);
        if (rule->includes.ncaps) {
            printw("includes caps:");
            for (size_t i = 0; i < rule->includes.ncaps; i++)
                printw(" %s", rule->includes.caps[i]);
            printw("  ");
        }
        if (rule->excludes.ncaps) {
            printw("excludes caps:");
            for (size_t i = 0; i < rule->excludes.ncaps; i++)
                printw(" %s", rule->excludes.caps[i]);
        }
    }
    if (rule->includes.min_kernel[0] && y < end)
        mvprintw(y++, x, "only on kernels >= %s", rule->includes.min_kernel);
    if (rule->comment && rule->comment[0] && y < end)
        mvprintw(y++, x, "comment: %-.*s", w - 9, rule->comment);
}

void tui_draw_syscalls(struct tui *t)
{
    int h = t->rows - 3, w = t->cols;
    char title[ISOLAB_PATH_MAX + 64], def[64];
    const char *b = strrchr(t->profile_path, '/');
    snprintf(title, sizeof title, "syscalls: %s%s", b ? b + 1 : t->profile_path,
             t->sc_dirty ? " [modified: w saves]" : "");
    tui_box(1, 0, h, w, title);
    action_str(t->sc_model->default_action, t->sc_model->has_default_errno,
               t->sc_model->default_errno, def, sizeof def);
    mvprintw(2, 2, "default: %s   %zu syscalls, capabilities as in force (%d)", def,
             t->nsc_rows, __builtin_popcountll(eval_caps(t)));
    int detail_h = 4;
    int rows = h - 4 - detail_h;
    int n = (int)t->nsc_rows;
    int shown = tui_list_window(t, 3, rows, &t->sc_sel, &t->sc_top, n);
    for (int r = 0; r < shown; r++) {
        int i = t->sc_top + r;
        const struct sc_row *row = &t->sc_rows[i];
        char a[64];
        action_str(row->v.action, row->v.rule ? row->v.rule->has_errno : t->sc_model->has_default_errno,
                   row->v.rule ? row->v.rule->errno_ret : t->sc_model->default_errno, a, sizeof a);
        if (row->v.action == SC_ACT_ERRNO && !row->v.rule && !t->sc_model->has_default_errno)
            action_str(row->v.action, false, 0, a, sizeof a);
        if (row->other_arch)
            snprintf(a, sizeof a, "-");
        bool sel = i == t->sc_sel;
        if (sel)
            attron(A_REVERSE);
        int pair = row->v.action == SC_ACT_ALLOW ? 1 : 2;
        mvprintw(3 + r, 1, "%c%-24.24s", sel ? '>' : ' ', row->name);
        if (t->color && !sel)
            attron(COLOR_PAIR(pair));
        printw("%-18s", a);
        if (t->color && !sel)
            attroff(COLOR_PAIR(pair));
        char extra[128] = "";
        if (row->other_arch)
            snprintf(extra, sizeof extra, "not a syscall on this architecture");
        else if (tui_live_fixed(t, row->name, NULL))
            snprintf(extra, sizeof extra, "fixed in live mode%s",
                     row->v.action == SC_ACT_ALLOW ? "" : ": allowed until R restarts the shell");
        else if (row->v.rule)
            snprintf(extra, sizeof extra, "line %d%s%s", row->v.rule->line,
                     row->v.conditional ? "  [conditions]" : "",
                     row->v.rule->includes.ncaps ? "  [needs caps]" : "");
        else
            snprintf(extra, sizeof extra, "default");
        printw("%-*.*s", w - 46, w - 46, extra);
        if (sel)
            attroff(A_REVERSE);
    }
    int dy = 3 + rows;
    tui_hline(dy, 1, w - 2);
    if (n > 0)
        draw_rule(t, &t->sc_rows[t->sc_sel], dy + 1, 2, w - 4, detail_h - 1);
}

static int errno_from_text(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end != s && *end == 0 && v > 0 && v < 4096)
        return (int)v;
    for (int e = 1; e < 200; e++) {
        const char *n = strerrorname_np(e);
        if (n && !strcasecmp(n, s))
            return e;
    }
    return -1;
}

static void set_action(struct tui *t, const char *name, int a, unsigned int errno_ret);

/* Denying one of a family alone (chmod) leaves the others allowed -- and
 * fchmodat is what coreutils calls: say so; F denies them together. */
static void family_note(struct tui *t, const char *name)
{
    const char *how, *const *fam = lint_syscall_family(name, &how);
    char open[160] = "";
    size_t off = 0;
    for (size_t k = 0; fam && fam[k] && off < sizeof open; k++) {
        struct sc_verdict v;
        if (strcmp(fam[k], name) && seccomp_profile_eval(t->sc_model, eval_caps(t),
                seccomp_arch_native(), fam[k], NULL, &v) == 0 && !v.unresolved &&
            (v.action == SC_ACT_ALLOW || v.action == SC_ACT_LOG))
            off += (size_t)snprintf(open + off, sizeof open - off, "%s%s", off ? ", " : "", fam[k]);
    }
    size_t l = strlen(t->msg);
    if (off && l < sizeof t->msg)
        snprintf(t->msg + l, sizeof t->msg - l, "; still allowed: %s (F denies the family together)%s%s",
                 open, how ? ": " : "", how ? how : "");
}

/* F: the selected syscall's action for its whole family. */
static void family_apply(struct tui *t, const struct sc_row *r)
{
    const char *how, *const *fam = lint_syscall_family(r->name, &how);
    if (!fam) {
        tui_msg(t, true, "%s has no family of look-alike syscalls that lint knows", r->name);
        return;
    }
    char name[64], list[160] = "", s[64];
    size_t off = 0;
    snprintf(name, sizeof name, "%s", r->name);   /* set_action rebuilds the rows */
    enum sc_action a = r->v.action;
    unsigned int e = r->v.errno_ret;
    for (size_t k = 0; fam[k]; k++) {
        set_action(t, fam[k], (int)a, e);
        off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", k ? ", " : "", fam[k]);
    }
    action_str(a, true, e, s, sizeof s);
    tui_msg(t, false, "%s -> %s, like %s (w saves)", list, s, name);
}

/* Make `name` unconditionally `a` (or the default when a < 0). */
static void set_action(struct tui *t, const char *name, int a, unsigned int errno_ret)
{
    json_t *sys = json_object_get(t->sc_json, "syscalls");
    if (!json_is_array(sys)) {
        sys = json_array();
        json_object_set_new(t->sc_json, "syscalls", sys);
    }
    int removed_cond = 0;
    for (size_t i = json_array_size(sys); i-- > 0;) {
        json_t *rule = json_array_get(sys, i);
        json_t *names = json_object_get(rule, "names");
        json_t *one = json_object_get(rule, "name");
        bool hit = false;
        if (json_is_array(names)) {
            for (size_t j = json_array_size(names); j-- > 0;) {
                const char *s = json_string_value(json_array_get(names, j));
                if (s && !strcmp(s, name)) {
                    json_array_remove(names, j);
                    hit = true;
                }
            }
            if (hit && json_array_size(names) == 0 && !(json_is_string(one)))
                json_array_remove(sys, i);
        } else if (json_is_string(one) && !strcmp(json_string_value(one), name)) {
            hit = true;
            json_array_remove(sys, i);
        }
        if (hit && json_array_size(json_object_get(rule, "args")) > 0)
            removed_cond++;
    }
    if (a >= 0) {
        json_t *rule = json_object();
        json_t *names = json_array();
        json_array_append_new(names, json_string(name));
        json_object_set_new(rule, "names", names);
        json_object_set_new(rule, "action", json_string(sc_action_name(a)));
        if (a == SC_ACT_ERRNO)
            json_object_set_new(rule, "errnoRet", json_integer(errno_ret));
        json_object_set_new(rule, "comment", json_string("set in the isolab TUI"));
        json_array_insert_new(sys, 0, rule);
    }
    struct isolab_err err;
    isolab_err_clear(&err);
    if (rebuild_model(t, &err) < 0) {
        tui_msg(t, true, "%s", err.msg);
        return;
    }
    eval_rows(t);
    t->sc_dirty = true;
    char s[64];
    if (a >= 0)
        action_str(a, true, errno_ret, s, sizeof s);
    else
        snprintf(s, sizeof s, "the default action");
    const char *why;
    if (a != SC_ACT_ALLOW && a != SC_ACT_LOG && tui_live_fixed(t, name, &why)) {
        /* Live mode cannot deny it: the running filter allows it in BPF. */
        tui_msg(t, true, "%s -> %s is not applied to the running shell: %s is fixed in live mode "
                "(%s); it applies on the next start of the shell (w saves, R restarts)",
                name, s, name, why);
        return;
    }
    tui_msg(t, false, "%s -> %s%s%s (w saves)", name, s,
            removed_cond ? "; its conditional rules were replaced" : "",
            tui_live_on(t) ? "; in force in the running shell" : "");
    if (a >= 0 && a != SC_ACT_ALLOW && a != SC_ACT_LOG)
        family_note(t, name);
}

void tui_syscalls_show(struct tui *t, const char *name)
{
    tui_syscalls_open(t);
    if (t->mode != MODE_SYSCALLS)
        return;
    for (size_t i = 0; i < t->nsc_rows; i++)
        if (!strcmp(t->sc_rows[i].name, name)) {
            t->sc_sel = (int)i;
            return;
        }
}

int tui_syscalls_save(struct tui *t)
{
    struct isolab_err err;
    isolab_err_clear(&err);
    char *text = json_dumps(t->sc_json, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    if (!text)
        return -1;
    size_t len = strlen(text);
    char *nl = realloc(text, len + 2);
    if (nl) {
        text = nl;
        text[len++] = '\n';
        text[len] = 0;
    }
    /* The copy for shipped profiles is made here, then saved over. */
    char before[ISOLAB_PATH_MAX];
    snprintf(before, sizeof before, "%s", t->profile_path);
    if (tui_profile_writable(t) < 0) {
        free(text);
        return -1;
    }
    char bak[ISOLAB_PATH_MAX + 8];
    snprintf(bak, sizeof bak, "%s.bak", t->profile_path);
    /* previous version -> FILE.bak, via the same atomic path */
    char *old = NULL;
    size_t olen = 0;
    struct isolab_err rerr;
    isolab_err_clear(&rerr);
    if (isolab_read_file(t->profile_path, ISOLAB_FILE_MAX, "profile", &old, &olen, &rerr) == 0)
        tui_write_atomic(bak, old, olen, &err);
    free(old);
    int rc = tui_write_atomic(t->profile_path, text, len, &err);
    free(text);
    if (rc < 0) {
        tui_msg(t, true, "save failed: %s", err.msg);
        return -1;
    }
    t->sc_dirty = false;
    tui_profile_reload(t, false);
    /* the whole path: the learner may open the copy in another editor */
    const char *b = strrchr(t->profile_path, '/');
    tui_msg(t, false, "saved; previous version in %s.bak; probes re-run; the saved copy: %s",
            b ? b + 1 : t->profile_path, t->profile_path);
    return 0;
}

static void search(struct tui *t, int from)
{
    int n = (int)t->nsc_rows;
    if (!t->search[0])
        return;
    for (int k = 0; k < n; k++) {
        int i = (from + k) % n;
        if (strstr(t->sc_rows[i].name, t->search)) {
            t->sc_sel = i;
            return;
        }
    }
    tui_msg(t, true, "no syscall matches '%s'", t->search);
}

void tui_syscalls_prompt_done(struct tui *t, bool ok)
{
    enum prompt_kind k = t->prompt;
    t->prompt = PROMPT_NONE;
    if (!ok) {
        return;   /* Esc: stay where we were */
    }
    if (k == PROMPT_SEARCH) {
        snprintf(t->search, sizeof t->search, "%s", t->prompt_buf);
        search(t, t->sc_sel);
    } else if (k == PROMPT_ERRNO) {
        int e = t->prompt_buf[0] ? errno_from_text(t->prompt_buf) : 1;
        if (e < 0) {
            tui_msg(t, true, "'%s' is not an errno: type a number (1) or a name (EPERM, ENOSYS)",
                    t->prompt_buf);
            return;
        }
        set_action(t, t->sc_rows[t->sc_sel].name, SC_ACT_ERRNO, (unsigned int)e);
    } else if (k == PROMPT_SAVE_CONFIRM) {
        char c = t->prompt_buf[0];
        if (c == 'y' || c == 'Y') {
            if (tui_syscalls_save(t) == 0)
                t->mode = MODE_MAIN;
        } else if (c == 'n' || c == 'N') {
            t->sc_dirty = false;
            t->mode = MODE_MAIN;
            tui_msg(t, false, "changes to the syscall list discarded");
        }
    }
}

bool tui_syscalls_key(struct tui *t, int ch)
{
    int n = (int)t->nsc_rows;
    int page = t->list_h > 1 ? t->list_h - 1 : 1;
    if (tui_list_key(ch, &t->sc_sel, n, page))
        return true;
    switch (ch) {
    case '/':
        t->prompt = PROMPT_SEARCH;
        snprintf(t->prompt_label, sizeof t->prompt_label, "search syscall: ");
        t->prompt_buf[0] = 0;
        return true;
    case 'n':
        search(t, t->sc_sel + 1);
        return true;
    case 'w': case 19: /* Ctrl-S */
        tui_syscalls_save(t);
        return true;
    case KEY_F(12):   /* to the live shell; the edits stay (c comes back to them) */
        if (tui_pane_is_open(t)) {
            tui_pane_set_focus(t, true);
            if (t->sc_dirty)
                tui_msg(t, false, "the syscall list's edits are in force%s, not saved: c goes "
                        "back to them, w saves", tui_live_on(t) ? " in the shell" : "");
        }
        return true;
    case 27: case 'q':
        if (t->sc_dirty) {
            t->prompt = PROMPT_SAVE_CONFIRM;
            snprintf(t->prompt_label, sizeof t->prompt_label,
                     "save the changed profile? y = save, n = discard, Esc = keep editing: ");
            t->prompt_buf[0] = 0;
        } else {
            t->mode = MODE_MAIN;
        }
        return true;
    }
    if (n <= 0)
        return false;
    const char *name = t->sc_rows[t->sc_sel].name;
    switch (ch) {
    case 'a': set_action(t, name, SC_ACT_ALLOW, 0); return true;
    case 'x': case 'E':
        t->prompt = PROMPT_ERRNO;
        snprintf(t->prompt_label, sizeof t->prompt_label, "%s: return which errno? (EPERM): ", name);
        t->prompt_buf[0] = 0;
        return true;
    case 'K': set_action(t, name, SC_ACT_KILL_PROCESS, 0); return true;
    case 't': set_action(t, name, SC_ACT_TRAP, 0); return true;
    case 'g': set_action(t, name, SC_ACT_LOG, 0); return true;
    case 'd': set_action(t, name, -1, 0); return true;
    case 'F': family_apply(t, &t->sc_rows[t->sc_sel]); return true;
    }
    return false;
}
