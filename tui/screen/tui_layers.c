/* The layers panel, each layer's details, and the preset chooser. */
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscall_info.h"
#include "tui.h"
#include "tui_more.h"
#include "tui_list.h"

const char *tui_cap_meaning(int cap)
{
    const struct cap_info *ci = cap_info_find(cap);
    return ci ? ci->summary : "";
}

static const char *const ns_meanings[NS_COUNT] = {
    [NS_USER] = "its own user IDs: root inside, nobody outside",
    [NS_PID] = "its own process tree: it sees only its processes",
    [NS_MNT] = "its own mounts: a private root filesystem",
    [NS_UTS] = "its own hostname",
    [NS_IPC] = "its own System V IPC and message queues",
    [NS_NET] = "its own network stack: no interfaces but lo",
    [NS_CGROUP] = "its own view of the cgroup tree",
    [NS_TIME] = "its own boot and monotonic clocks",
};

static const char *const lsm_profiles[] = { "isolab-default", "isolab-readonly-root" };
static const char *const lsm_meanings[] = {
    "like Docker's docker-default: no writes to /proc/sys, no mount",
    "the default, and the root filesystem read-only",
};

void tui_layer_toggle(struct tui *t, int id)
{
    if (id < 0 || id >= LAYER_COUNT)
        return;
    char why[256] = "";
    if (!t->cfg->layer_on[id] && !layer_available(id, why, sizeof why)) {
        tui_msg(t, true, "%s is unavailable here: %s", layer_name(id), why);
        return;
    }
    t->cfg->layer_on[id] = !t->cfg->layer_on[id];
    if (id == LAYER_SECCOMP && t->cfg->layer_on[id])
        t->cfg->privileged = false;
    tui_msg(t, false, "%s %s", layer_name(id), t->cfg->layer_on[id] ? "on" : "off");
    tui_config_changed(t);
}

/* The panel already names the layer: "caps 14 (docker)" -> "14 (docker)". */
static void strip_layer_prefix(int id, char *desc)
{
    static const char *const alias[LAYER_COUNT] = { "seccomp", "lsm", "cgroups", "caps", "ns" };
    const char *names[2] = { layer_name(id), alias[id] };
    for (int k = 0; k < 2; k++) {
        size_t l = strlen(names[k]);
        if (!strncmp(desc, names[k], l) && (desc[l] == ' ' || desc[l] == ':')) {
            size_t skip = l + 1;
            while (desc[skip] == ' ')
                skip++;
            memmove(desc, desc + skip, strlen(desc + skip) + 1);
            return;
        }
    }
}

void tui_draw_layers(struct tui *t, int y, int x, int h, int w, bool two_line)
{
    struct lab_config eff;
    tui_effective_config(t, &eff);
    attron(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
    tui_hline(y, x, w);
    mvprintw(y, x + 1, " Layers%s ", t->focus_probes ? "" : " [Tab]");
    attroff(A_BOLD | (t->color ? COLOR_PAIR(4) : 0));
    int per = two_line ? 2 : 1;
    t->layers_y = y + 1;
    t->layers_x = x;
    t->layers_w = w;
    t->layer_rows = per;
    for (int id = 0; id < LAYER_COUNT && id * per + 1 < h; id++) {
        int yy = y + 1 + id * per;
        char why[256] = "", desc[512] = "";
        bool avail = layer_available(id, why, sizeof why);
        bool on = t->cfg->layer_on[id];
        const char *box = on ? "[x]" : avail ? "[ ]" : "[!]";
        if (on)
            layer_describe(&eff, id, desc, sizeof desc);
        else if (avail)
            snprintf(desc, sizeof desc, "off");
        else
            snprintf(desc, sizeof desc, "unavailable: %s", why);
        if (on && !desc[0])
            snprintf(desc, sizeof desc, "on");
        strip_layer_prefix(id, desc);
        if (on && !avail && why[0]) {
            size_t l = strlen(desc);
            snprintf(desc + l, sizeof desc - l, " (%s)", why);
        }
        bool sel = !t->focus_probes && t->mode == MODE_MAIN && id == t->layer_sel;
        for (int k = 0; k < per; k++)
            mvhline(yy + k, x, ' ', w);
        if (sel)
            attron(A_REVERSE);
        mvprintw(yy, x, "%c%s %-11s", sel ? '>' : ' ', box, layer_name(id));
        if (sel)
            attroff(A_REVERSE);
        int pair = on ? 1 : avail ? 0 : 3;
        if (t->color && pair)
            attron(COLOR_PAIR(pair));
        if (two_line) {
            if (!on)
                printw(" %s", avail ? "off" : "unavailable");
            mvprintw(yy + 1, x + 5, "%-.*s", w - 6, desc);
        } else if (w - 16 > 1) {
            printw(" %-.*s", w - 17, desc);
        }
        if (t->color && pair)
            attroff(COLOR_PAIR(pair));
    }
    /* with the mount namespace off the shell shares the host's files */
    int wy = y + 1 + LAYER_COUNT * per;
    if (h > LAYER_COUNT * per + 1 && (!t->cfg->layer_on[LAYER_NS] || !t->cfg->ns[NS_MNT])) {
        if (t->color)
            attron(COLOR_PAIR(2) | A_BOLD);
        mvprintw(wy, x + 1, "%-.*s", w - 2,
                 "! no mount namespace: the shell shares the host's files");
        if (t->color)
            attroff(COLOR_PAIR(2) | A_BOLD);
    } else if (h > LAYER_COUNT * per + 1) {
        const char *base = strrchr(t->profile_path, '/');
        mvprintw(wy, x + 1, "%-.*s", w - 2, "");
        /* a file that does not load is not what is in force: say both, so
         * that this line and the seccomp row name the same profile */
        const char *act = strrchr(t->active_path, '/');
        if (t->profile_err[0] && act)
            mvprintw(wy, x + 1, "profile %.*s does not load; in force: %.*s", w / 3,
                     base ? base + 1 : t->profile_path, w / 3, act + 1);
        else
            mvprintw(wy, x + 1, "preset %.40s  profile %.*s%s", t->preset[0] ? t->preset : "(defaults)",
                     w / 2, base ? base + 1 : t->profile_path,
                     t->watch_wd >= 0 && t->profile_path[0] ? " (watched)" : "");
    }
}

/* ---- details ---------------------------------------------------------- */

static bool current_listed(const struct tui *t)
{
    for (size_t i = 0; i < t->nprofile_files; i++)
        if (!strcmp(t->profile_files[i], t->profile_path))
            return true;
    return false;
}

static int detail_count(struct tui *t)
{
    switch (t->detail_layer) {
    case LAYER_CAPS: return cap_last_known() + 2;     /* no_new_privs + caps */
    case LAYER_NS: return NS_COUNT;
    case LAYER_CGROUP: return 3;
    case LAYER_LSM: return 2;
    case LAYER_SECCOMP: return (int)t->nprofile_files + (current_listed(t) ? 0 : 1);
    default: return 0;
    }
}

static void fmt_bytes(long long b, char *buf, size_t n)
{
    if (b <= 0)
        snprintf(buf, n, "no limit");
    else if (b % (1LL << 30) == 0)
        snprintf(buf, n, "%lldG", b >> 30);
    else if (b % (1LL << 20) == 0)
        snprintf(buf, n, "%lldM", b >> 20);
    else if (b % 1024 == 0)
        snprintf(buf, n, "%lldK", b >> 10);
    else
        snprintf(buf, n, "%lld", b);
}

static void detail_item(struct tui *t, int i, char *buf, size_t n)
{
    struct lab_config *c = t->cfg;
    switch (t->detail_layer) {
    case LAYER_CAPS:
        if (i == 0) {
            snprintf(buf, n, "[%c] %-22s %s", c->no_new_privs ? 'x' : ' ', "no_new_privs",
                     "setuid programs cannot gain privileges");
        } else {
            int cap = i - 1;
            snprintf(buf, n, "[%c] %-22s %s", (c->caps >> cap) & 1 ? 'x' : ' ',
                     isolab_cap_name(cap), tui_cap_meaning(cap));
        }
        break;
    case LAYER_NS:
        snprintf(buf, n, "[%c] %-8s %s", c->ns[i] ? 'x' : ' ', ns_name(i), ns_meanings[i]);
        break;
    case LAYER_CGROUP: {
        char v[64];
        if (i == 0) {
            if (c->pids_limit > 0)
                snprintf(v, sizeof v, "%ld", c->pids_limit);
            else
                snprintf(v, sizeof v, "no limit");
            snprintf(buf, n, "pids.max     %-10s most processes at once (fork bombs stop here)", v);
        } else if (i == 1) {
            fmt_bytes(c->memory_bytes, v, sizeof v);
            snprintf(buf, n, "memory.max   %-10s memory before the OOM killer acts", v);
        } else {
            if (c->cpus > 0)
                snprintf(v, sizeof v, "%.2f", c->cpus);
            else
                snprintf(v, sizeof v, "no limit");
            snprintf(buf, n, "cpus         %-10s CPU time, in CPUs' worth", v);
        }
        break;
    }
    case LAYER_LSM:
        snprintf(buf, n, "(%c) %-22s %s", strcmp(c->lsm_profile, lsm_profiles[i]) ? ' ' : '*',
                 lsm_profiles[i], lsm_meanings[i]);
        break;
    case LAYER_SECCOMP:
        if (!current_listed(t) && i == 0) {
            snprintf(buf, n, "(*) %s (edited and watched)", t->profile_path);
        } else {
            const char *f = t->profile_files[i - (current_listed(t) ? 0 : 1)];
            const char *base = strrchr(f, '/');
            snprintf(buf, n, "(%c) %s", strcmp(f, t->profile_path) ? ' ' : '*', base ? base + 1 : f);
        }
        break;
    default:
        buf[0] = 0;
    }
}

static const char *detail_help(enum layer_id id)
{
    switch (id) {
    case LAYER_CAPS: return "Space toggle  d docker's 14  a all  n none  Esc back";
    case LAYER_NS: return "Space toggle  Esc back";
    case LAYER_CGROUP: return "Enter edit the number (0 = no limit)  Esc back";
    case LAYER_LSM: return "Enter choose  Esc back";
    case LAYER_SECCOMP: return "Enter use this profile  o open a file by path  c syscall list  e edit in $EDITOR  Esc back";
    default: return "Esc back";
    }
}

void tui_draw_details(struct tui *t)
{
    int h = t->rows - 3, w = t->cols - 2;
    char title[320], desc[256] = "";
    struct lab_config eff;
    tui_effective_config(t, &eff);
    if (t->cfg->layer_on[t->detail_layer])
        layer_describe(&eff, t->detail_layer, desc, sizeof desc);
    else
        snprintf(desc, sizeof desc, "off");
    strip_layer_prefix(t->detail_layer, desc);
    snprintf(title, sizeof title, "%s: %s", layer_name(t->detail_layer), desc);
    tui_box(1, 1, h, w, title);
    int n = detail_count(t);
    int rows = h - 3;
    int shown = tui_list_window(t, 2, rows, &t->detail_sel, &t->detail_top, n);
    for (int r = 0; r < shown; r++) {
        int i = t->detail_top + r;
        char buf[512];
        detail_item(t, i, buf, sizeof buf);
        if (i == t->detail_sel)
            attron(A_REVERSE);
        mvprintw(2 + r, 2, "%c%-*.*s", i == t->detail_sel ? '>' : ' ', w - 3, w - 3, buf);
        if (i == t->detail_sel)
            attroff(A_REVERSE);
    }
    mvprintw(1 + h - 1, 3, " %-.*s ", w - 6, detail_help(t->detail_layer));
}

static void start_prompt(struct tui *t, enum prompt_kind k, int arg, const char *label)
{
    t->prompt = k;
    t->prompt_arg = arg;
    snprintf(t->prompt_label, sizeof t->prompt_label, "%s", label);
    t->prompt_buf[0] = 0;
}

static void detail_activate(struct tui *t, int i, int ch)
{
    struct lab_config *c = t->cfg;
    switch (t->detail_layer) {
    case LAYER_CAPS:
        if (i == 0)
            c->no_new_privs = !c->no_new_privs;
        else
            c->caps ^= 1ULL << (i - 1);
        if (i > 0)
            tui_msg(t, false, "%s %s", isolab_cap_name(i - 1),
                    (c->caps >> (i - 1)) & 1 ? "added" : "dropped");
        tui_config_changed(t);
        break;
    case LAYER_NS:
        c->ns[i] = !c->ns[i];
        tui_msg(t, false, "%s namespace %s", ns_name(i), c->ns[i] ? "on" : "off");
        tui_config_changed(t);
        break;
    case LAYER_CGROUP:
        if (ch == ' ')
            break;
        start_prompt(t, PROMPT_CGROUP, i,
                     i == 0 ? "pids.max (0 = no limit): " :
                     i == 1 ? "memory.max, e.g. 256M (0 = no limit): " :
                              "cpus, e.g. 0.5 (0 = no limit): ");
        break;
    case LAYER_LSM:
        snprintf(c->lsm_profile, sizeof c->lsm_profile, "%s", lsm_profiles[i]);
        tui_msg(t, false, "LSM profile %s", lsm_profiles[i]);
        tui_config_changed(t);
        break;
    case LAYER_SECCOMP: {
        int k = i - (current_listed(t) ? 0 : 1);
        if (k >= 0 && k < (int)t->nprofile_files) {
            tui_profile_select(t, t->profile_files[k]);
            if (!t->cfg->layer_on[LAYER_SECCOMP])
                t->cfg->layer_on[LAYER_SECCOMP] = true;
            tui_config_changed(t);
        }
        break;
    }
    default:
        break;
    }
}

static long long parse_size(const char *s, bool *ok)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    long long mul = 1;
    switch (*end) {
    case 'k': case 'K': mul = 1LL << 10; end++; break;
    case 'm': case 'M': mul = 1LL << 20; end++; break;
    case 'g': case 'G': mul = 1LL << 30; end++; break;
    default: break;
    }
    if (*end == 'b' || *end == 'B')
        end++;
    *ok = end != s && *end == 0 && errno == 0 && v >= 0;
    return (long long)(v * (double)mul);
}

/* A cgroup limit typed at the prompt. */
static void cgroup_prompt_done(struct tui *t)
{
    bool ok;
    const char *s = t->prompt_buf;
    struct lab_config *c = t->cfg;
    if (t->prompt_arg == 0) {
        char *end;
        long v = strtol(s, &end, 10);
        ok = end != s && *end == 0 && v >= 0;
        if (ok)
            c->pids_limit = v;
    } else if (t->prompt_arg == 1) {
        long long v = parse_size(s, &ok);
        if (ok)
            c->memory_bytes = v;
    } else {
        char *end;
        double v = strtod(s, &end);
        ok = end != s && *end == 0 && v >= 0;
        if (ok)
            c->cpus = v;
    }
    if (!ok) {
        tui_msg(t, true, "'%s' is not a number I can use: type digits%s, 0 for no limit", s,
                t->prompt_arg == 1 ? " with an optional K, M or G" : "");
        return;
    }
    if (!c->layer_on[LAYER_CGROUP] && layer_available(LAYER_CGROUP, NULL, 0))
        c->layer_on[LAYER_CGROUP] = true;
    tui_msg(t, false, "cgroup limit set");
    tui_config_changed(t);
}

void tui_prompt_done(struct tui *t, bool ok)
{
    enum prompt_kind k = t->prompt;
    t->prompt = PROMPT_NONE;
    if (k == PROMPT_CGROUP) {
        if (ok)
            cgroup_prompt_done(t);
        return;
    }
    if (k == PROMPT_FLAGS || k == PROMPT_OPEN_PROFILE) {
        t->prompt = k;
        tui_flags_prompt_done(t, ok);
        return;
    }
    t->prompt = k;
    tui_syscalls_prompt_done(t, ok);
}

bool tui_details_key(struct tui *t, int ch)
{
    int n = detail_count(t);
    if (tui_list_key(ch, &t->detail_sel, n, 10))
        return true;
    switch (ch) {
    case ' ': case '\n': case '\r': case KEY_ENTER:
        detail_activate(t, t->detail_sel, ch);
        return true;
    case 27: case 'q': case KEY_LEFT: case KEY_BACKSPACE:
        t->mode = MODE_MAIN;
        return true;
    }
    if (t->detail_layer == LAYER_CAPS) {
        uint64_t nc = t->cfg->caps;
        if (ch == 'd')
            nc = caps_docker_default();
        else if (ch == 'a')
            nc = caps_all_known();
        else if (ch == 'n')
            nc = 0;
        else
            return false;
        t->cfg->caps = nc;
        tui_msg(t, false, "%d capabilities", __builtin_popcountll(nc));
        tui_config_changed(t);
        return true;
    }
    if (t->detail_layer == LAYER_SECCOMP && ch == 'c') {
        tui_syscalls_open(t);
        return true;
    }
    if (t->detail_layer == LAYER_SECCOMP && ch == 'o') {
        t->mode = MODE_MAIN;
        tui_flags_prompt(t, PROMPT_OPEN_PROFILE);
        return true;
    }
    if (t->detail_layer == LAYER_SECCOMP && ch == 'e') {
        tui_edit_external(t);
        return true;
    }
    return false;
}

/* ---- presets -------------------------------------------------------------- */

static const char *const builtin_presets[] = { "docker", "unconfined" };

void tui_presets_load(struct tui *t)
{
    for (size_t i = 0; i < t->npresets; i++)
        free(t->presets[i]);
    free(t->presets);
    t->presets = NULL;
    t->npresets = 0;
    t->presets_builtin = false;
    if (preset_list(&t->presets, &t->npresets) == 0 && t->npresets > 0)
        return;
    t->presets_builtin = true;
    t->npresets = 2;
    t->presets = calloc(2, sizeof *t->presets);
    if (!t->presets) {
        t->npresets = 0;
        return;
    }
    for (size_t i = 0; i < 2; i++)
        t->presets[i] = strdup(builtin_presets[i]);
}

int tui_preset_apply(struct tui *t, const char *name)
{
    struct isolab_err err;
    isolab_err_clear(&err);
    char keep[ISOLAB_PATH_MAX];
    snprintf(keep, sizeof keep, "%s", t->cfg->seccomp_profile);
    if (t->presets_builtin && !strcmp(name, "docker")) {
        lab_config_init_docker(t->cfg);
    } else if (t->presets_builtin && !strcmp(name, "unconfined")) {
        lab_config_init_unconfined(t->cfg);
    } else if (preset_apply(t->cfg, name, &err) < 0) {
        tui_msg(t, true, "preset %s: %s%s%s", name, err.msg, err.hint[0] ? "  hint: " : "", err.hint);
        return -1;
    }
    snprintf(t->preset, sizeof t->preset, "%s", name);
    /* The preset picks a profile; follow it (it becomes the watched file). */
    if (strcmp(keep, t->cfg->seccomp_profile) != 0 || !t->cfg->seccomp_profile[0]) {
        char chosen[ISOLAB_PATH_MAX];
        snprintf(chosen, sizeof chosen, "%s", t->cfg->seccomp_profile);
        if (!chosen[0])
            isolab_data_path("profiles/seccomp/docker-default.json", chosen, sizeof chosen);
        tui_profile_select(t, chosen);
    }
    tui_msg(t, false, "preset %s applied", name);
    tui_config_changed(t);
    return 0;
}

void tui_draw_presets(struct tui *t)
{
    int n = (int)t->npresets;
    int h = n + 4 < t->rows - 2 ? n + 4 : t->rows - 2;
    int w = t->cols - 4;
    tui_box(2, 2, h, w, "Presets: set all five layers at once");
    int rows = h - 3;
    int nw = 8;
    for (int i = 0; i < n; i++)
        if ((int)strlen(t->presets[i]) > nw)
            nw = (int)strlen(t->presets[i]);
    if (nw > 28)
        nw = 28;
    int dw = w - 9 - nw;
    int shown = tui_list_window(t, 3, rows, &t->detail_sel, &t->detail_top, n);
    for (int r = 0; r < shown; r++) {
        int i = t->detail_top + r;
        char desc[2048] = "";   /* whole: i shows what the row cuts */
        if (t->presets_builtin)
            snprintf(desc, sizeof desc, "%s", !strcmp(t->presets[i], "docker") ?
                     "Docker's defaults (built in)" : "a bare host process (built in)");
        else
            preset_describe(t->presets[i], desc, sizeof desc);
        bool cur = !strcmp(t->presets[i], t->preset);
        if (i == t->detail_sel)
            attron(A_REVERSE);
        mvprintw(3 + r, 3, "%c(%c) %-*.*s %-*s", i == t->detail_sel ? '>' : ' ', cur ? '*' : ' ',
                 nw, nw, t->presets[i], dw > 0 ? dw : 0, "");
        tui_more_put(3 + r, 3 + 6 + nw, dw, desc);
        if (i == t->detail_sel)
            attroff(A_REVERSE);
    }
    mvprintw(2 + h - 1, 4, " Enter apply  Esc back ");
}

bool tui_presets_key(struct tui *t, int ch)
{
    int n = (int)t->npresets;
    if (tui_list_key(ch, &t->detail_sel, n, 0))
        return true;
    switch (ch) {
    case '\n': case '\r': case KEY_ENTER: case ' ':
        if (t->detail_sel >= 0 && t->detail_sel < n)
            tui_preset_apply(t, t->presets[t->detail_sel]);
        t->mode = MODE_MAIN;
        return true;
    case 27: case 'q': case 'p':
        t->mode = MODE_MAIN;
        return true;
    }
    return false;
}
