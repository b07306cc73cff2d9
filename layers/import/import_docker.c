/* A docker run command line in a file: split into words as a shell would
 * (quotes, backslashes, backslash-newline), then Docker's flags. The ones
 * isolab knows go through the same parser as its own command line
 * (lab_config_parse_flag); the namespace flags set the namespaces; the rest
 * are named in the report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

struct word {
    char *s;
    int line, col;
};

struct words {
    struct word *v;
    size_t n, cap;
    bool dollar;          /* a $ that a shell would expand */
    bool more;            /* a second command follows */
};

static void words_free(struct words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i].s);
    free(w->v);
}

struct buf {
    char *s;
    size_t n, cap;
};

static int bput(struct buf *b, char c)
{
    if (b->n + 2 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        char *s = realloc(b->s, cap);
        if (!s)
            return -1;
        b->s = s;
        b->cap = cap;
    }
    b->s[b->n++] = c;
    b->s[b->n] = '\0';
    return 0;
}

static int push(struct words *w, struct buf *b, int line, int col)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 32;
        struct word *v = realloc(w->v, cap * sizeof *v);
        if (!v)
            return -1;
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n++] = (struct word){.s = b->s ? b->s : strdup(""), .line = line, .col = col};
    *b = (struct buf){0};
    return w->v[w->n - 1].s ? 0 : -1;
}

/* One quoted part starting at t[*i] (the quote): appended to b. */
static int quoted(struct imp *m, size_t *i, int *line, struct buf *b)
{
    const char *t = m->text;
    char q = t[*i];
    int l0 = *line;
    for ((*i)++; *i < m->len && t[*i] != q; (*i)++) {
        char c = t[*i];
        if (c == '\n')
            (*line)++;
        if (q == '"' && c == '\\' && *i + 1 < m->len && strchr("$`\"\\\n", t[*i + 1])) {
            (*i)++;
            if (t[*i] == '\n') {
                (*line)++;
                continue;
            }
            c = t[*i];
        }
        if (bput(b, c) < 0)
            return imp_err(m, 0, 0, NULL, NULL, "out of memory");
    }
    if (*i >= m->len)
        return imp_err(m, l0, 0, NULL, "close the quote (a ' ends only at the next ')",
                       "the %s quote opened on this line is not closed", q == '"' ? "\"" : "'");
    return 0;
}

static int split(struct imp *m, struct words *w)
{
    const char *t = m->text;
    struct buf b = {0};
    bool inword = false;
    int line = 1, wline = 1, wcol = 1;
    size_t lstart = 0;
    for (size_t i = 0; i < m->len; i++) {
        char c = t[i];
        if (!inword && (c == ' ' || c == '\t' || c == '\r'))
            continue;
        if (c == '\n' || (!inword && strchr(";&|", c))) {
            if (inword && push(w, &b, wline, wcol) < 0)
                goto oom;
            inword = false;
            if (w->n && (c != '\n' || i + 1 < m->len)) {
                /* the rest would be another command */
                for (size_t j = i + 1; j < m->len && !w->more; j++)
                    w->more = !strchr(" \t\r\n", t[j]);
                break;
            }
            line++;
            lstart = i + 1;
            continue;
        }
        if (inword && (c == ' ' || c == '\t' || c == '\r')) {
            if (push(w, &b, wline, wcol) < 0)
                goto oom;
            inword = false;
            continue;
        }
        if (!inword && c == '#') {
            while (i + 1 < m->len && t[i + 1] != '\n')
                i++;
            continue;
        }
        if (!inword) {
            inword = true;
            wline = line;
            wcol = (int)(i - lstart) + 1;
            if (bput(&b, 'x') < 0)    /* an empty quoted word is still a word */
                goto oom;
            b.n = 0;
            b.s[0] = '\0';
        }
        if (c == '\\' && i + 1 < m->len) {
            if (t[++i] == '\n') {
                line++;
                lstart = i + 1;
                if (b.n == 0)
                    inword = false;
                continue;
            }
            c = t[i];
        } else if (c == '\'' || c == '"') {
            for (size_t j = i + 1; c == '"' && j < m->len && t[j] != '"'; j++)
                w->dollar |= t[j] == '$';
            int l0 = line;
            if (quoted(m, &i, &line, &b) < 0) {
                free(b.s);
                return -1;
            }
            const char *nl = line != l0 ? memrchr(t + lstart, '\n', i - lstart) : NULL;
            if (nl)
                lstart = (size_t)(nl - t) + 1;
            continue;
        } else if (c == '$') {
            w->dollar = true;
        }
        if (bput(&b, c) < 0)
            goto oom;
    }
    if (inword && push(w, &b, wline, wcol) < 0)
        goto oom;
    free(b.s);
    return 0;
oom:
    free(b.s);
    return imp_err(m, 0, 0, NULL, NULL, "out of memory");
}

/* ---- Docker's flags ---------------------------------------------------------- */

/* Flags that take a value and do not change what the layers let through. */
static const char *const ignored_value[] = {
    "-e", "--env", "--env-file", "-p", "--publish", "--name", "-w", "--workdir", "-l",
    "--label", "--label-file", "--restart", "--log-driver", "--log-opt", "--add-host", "--dns",
    "--dns-search", "--dns-option", "--mac-address", "--ip", "--ip6", "--link",
    "--network-alias", "--expose", "--health-cmd", "--health-interval", "--health-retries",
    "--health-timeout", "--health-start-period", "--stop-signal", "--stop-timeout",
    "--cidfile", "--pull", "--platform", "--entrypoint", "-a", "--attach", "--detach-keys",
    "--domainname", "--cpu-shares", "-c", "--cpuset-cpus", "--cpuset-mems", "--blkio-weight",
    "--memory-reservation", "--stop-timeout", "--isolation",
};
static const char *const ignored_bool[] = {
    "--rm", "-d", "--detach", "-i", "--interactive", "-t", "--tty", "-P", "--publish-all",
    "--init", "--no-healthcheck", "--sig-proxy", "-it", "-ti", "-dit", "-itd", "-di", "-td",
    "-dt", "--help",
};
/* Flags that matter for isolation but that isolab does not model. */
static const char *const unmodelled_value[][2] = {
    {"-v", "isolab mounts no volumes"}, {"--volume", "isolab mounts no volumes"},
    {"--mount", "isolab mounts no volumes"}, {"--volumes-from", "isolab mounts no volumes"},
    {"--device", "isolab's /dev holds only its minimal device nodes"},
    {"--device-cgroup-rule", "isolab sets no device cgroup rules"},
    {"--tmpfs", "isolab mounts only a private /tmp"},
    {"--ulimit", "isolab leaves the resource limits (ulimits) as they are"},
    {"--group-add", "isolab sets no supplementary groups"},
    {"--runtime", "isolab shows runc's layers"},
    {"--cgroup-parent", "isolab makes its own cgroup"},
    {"--oom-score-adj", "isolab leaves the OOM score as it is"},
    {"--memory-swap", "only --memory is modelled"}, {"--kernel-memory", "not modelled"},
    {"--storage-opt", "not modelled"}, {"--gpus", "isolab gives no devices"},
    {"--shm-size", "isolab's /dev/shm is the default"},
};
/* Docker's short forms of isolab's flags. */
static const char *long_form(const char *f)
{
    return !strcmp(f, "-m") ? "--memory" : !strcmp(f, "-h") ? "--hostname" : f;
}

static bool in(const char *s, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, v[i]))
            return true;
    return false;
}

/* --network, --pid, --ipc, --uts, --cgroupns, --userns. 1 if it was one. */
static int ns_flag(struct imp *m, const char *name, const char *v, const struct word *w)
{
    static const struct { const char *flag; int ns; } t[] = {
        {"--network", NS_NET}, {"--net", NS_NET}, {"--pid", NS_PID}, {"--ipc", NS_IPC},
        {"--uts", NS_UTS}, {"--cgroupns", NS_CGROUP}, {"--userns", NS_USER},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        if (strcmp(name, t[i].flag))
            continue;
        struct lab_config *cfg = m->cfg;
        char f[96];
        snprintf(f, sizeof f, "line %d: %s %s", w->line, name, v);
        if (!strcmp(v, "host")) {
            cfg->ns[t[i].ns] = false;
            if (t[i].ns == NS_NET)
                cfg->unpriv_ports = false;
        } else if (!strncmp(v, "container:", 10) || !strncmp(v, "ns:", 3)) {
            imp_note(m, f, "joins another container's namespace; isolab makes a new one");
        } else if (t[i].ns == NS_USER) {
            imp_note(m, f, "Docker has no per-container user namespace; ignored");
        } else {
            cfg->ns[t[i].ns] = true;
            if (t[i].ns == NS_NET && strcmp(v, "none"))
                imp_note(m, f, "isolab's network namespace holds only lo (as --network "
                         "none); Docker's %s network adds a veth", v);
        }
        return 1;
    }
    return 0;
}

static int security_opt(struct imp *m, const char *v, const struct word *w, char *out,
                        size_t n)
{
    char f[96];
    snprintf(f, sizeof f, "line %d: --security-opt %s", w->line, v);
    snprintf(out, n, "%s", v);
    if (!strncmp(v, "label", 5) || !strncmp(v, "systempaths", 11) || !strncmp(v, "mask", 4)) {
        imp_note(m, f, "not modelled (isolab has no SELinux layer and applies Docker's masked "
                 "paths)");
        out[0] = '\0';
        return 0;
    }
    if (!strncmp(v, "apparmor=", 9) || !strncmp(v, "apparmor:", 9)) {
        imp_apparmor(m, v + 9, f);
        out[0] = '\0';
        return 0;
    }
    if ((strncmp(v, "seccomp=", 8) && strncmp(v, "seccomp:", 8)) || !strcmp(v + 8, "unconfined"))
        return 0;
    const char *dirs[] = {m->dir, "."};
    char path[ISOLAB_PATH_MAX], tried[1024];
    if (imp_find_file(v + 8, dirs, 2, path, sizeof path, tried, sizeof tried) < 0)
        return imp_err(m, w->line, w->col, "--security-opt", "give the profile's path "
                       "(relative to this file or the current directory), or "
                       "seccomp=unconfined", "seccomp profile \"%s\" not found (looked for %s)",
                       v + 8, tried);
    if (imp_check_profile(m, path, w->line, w->col, "--security-opt seccomp") < 0)
        return -1;
    snprintf(out, n, "seccomp=%s", path);
    return 0;
}

/* One flag at words[*i]; advances *i past it and its value. */
static int flag(struct imp *m, struct words *ws, size_t *i)
{
    struct word *w = &ws->v[*i];
    char name[64];
    const char *eq = strchr(w->s, '=');
    const char *val = eq ? eq + 1 : NULL;
    snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - w->s) : (int)strlen(w->s), w->s);
    bool short_joined = name[0] == '-' && name[1] != '-' && name[2] && !eq &&
                        strchr("mhuvepwc", name[1]) && !in(name, ignored_bool,
                                                           sizeof ignored_bool / sizeof *ignored_bool);
    if (short_joined) {           /* -m64m, -uroot */
        val = w->s + 2;
        name[2] = '\0';
    }
    if (in(name, ignored_bool, sizeof ignored_bool / sizeof *ignored_bool)) {
        if (strchr(name, 't') && name[1] != '-')
            m->cfg->tty = LAB_TTY_AUTO;
        (*i)++;
        return 0;
    }
    bool bool_isolab = !strcmp(name, "--privileged") || !strcmp(name, "--read-only");
    if (!val && !bool_isolab) {
        if (*i + 1 >= ws->n)
            return imp_err(m, w->line, w->col, name, "give its value after it", "needs a value");
        val = ws->v[++*i].s;
    }
    (*i)++;
    char f[96];
    snprintf(f, sizeof f, "line %d: %s", w->line, name);
    if (!strcmp(name, "--read-only")) {
        imp_apparmor(m, "isolab-readonly-root", f);
        imp_note(m, f, "modelled by the LSM policy isolab-readonly-root (writes only beneath "
                 "/tmp and /dev), not by a read-only mount");
        return 0;
    }
    if (in(name, ignored_value, sizeof ignored_value / sizeof *ignored_value))
        return 0;
    for (size_t k = 0; k < sizeof unmodelled_value / sizeof *unmodelled_value; k++)
        if (!strcmp(name, unmodelled_value[k][0])) {
            imp_note(m, f, "%s: %s", val, unmodelled_value[k][1]);
            return 0;
        }
    if (ns_flag(m, name, val, w))
        return 0;
    static const char *const isolab_flags[] = {
        "--security-opt", "--cap-add", "--cap-drop", "--privileged", "--user", "-u",
        "--pids-limit", "--memory", "-m", "--cpus", "--hostname", "-h", "--sysctl"};
    if (!in(name, isolab_flags, sizeof isolab_flags / sizeof *isolab_flags))
        return imp_err(m, w->line, w->col, name, "isolab reads docker run's flags; check the "
                       "spelling, or remove it", "unknown docker run flag");
    char sv[ISOLAB_PATH_MAX + 16];
    if (!strcmp(name, "--security-opt")) {
        if (security_opt(m, val, w, sv, sizeof sv) < 0)
            return -1;
        if (!sv[0])
            return 0;
        val = sv;
    }
    char *argv[] = {(char *)long_form(name), (char *)val, NULL};
    int j = 0;
    struct isolab_err e;
    isolab_err_clear(&e);
    if (lab_config_parse_flag(m->cfg, val ? 2 : 1, argv, &j, &e) < 0)
        return imp_err(m, w->line, w->col, NULL, e.hint, "%s", e.msg);
    return 0;
}

static int command(struct imp *m, struct words *ws)
{
    size_t i = 0;
    if (i < ws->n && !strcmp(ws->v[i].s, "sudo"))
        i++;
    if (i < ws->n && !strcmp(ws->v[i].s, "docker"))
        i++;
    if (i < ws->n && !strcmp(ws->v[i].s, "container"))
        i++;
    if (i >= ws->n || strcmp(ws->v[i].s, "run"))
        return imp_err(m, i < ws->n ? ws->v[i].line : 1, i < ws->n ? ws->v[i].col : 1, NULL,
                       "the file holds one command: docker run [FLAGS] IMAGE [CMD]",
                       "expected \"docker run\"");
    i++;
    lab_config_init_docker(m->cfg);
    m->cfg->tty = false;
    while (i < ws->n && ws->v[i].s[0] == '-' && strcmp(ws->v[i].s, "--"))
        if (flag(m, ws, &i) < 0)
            return -1;
    if (i < ws->n && !strcmp(ws->v[i].s, "--"))
        i++;
    if (i >= ws->n)
        return imp_err(m, ws->v[ws->n - 1].line, 0, NULL, "write the image after the flags: "
                       "docker run [FLAGS] IMAGE [CMD]", "no image");
    snprintf(m->info->what, sizeof m->info->what, "docker run %s", ws->v[i].s);
    imp_nonroot_caps(m, 0, "--user");
    if (i + 1 < ws->n)
        imp_note(m, "command", "\"%s...\" after the image: isolab probes, or runs the command "
                 "you give it", ws->v[i + 1].s);
    if (ws->dollar)
        imp_note(m, "$", "the line uses shell variables; isolab does not expand them");
    if (ws->more)
        imp_note(m, "file", "only the first command is read");
    return 0;
}

int import_docker(struct imp *m)
{
    struct words ws = {0};
    int rc = split(m, &ws);
    if (rc == 0 && ws.n == 0)
        rc = imp_err(m, 0, 0, NULL, "write docker run [FLAGS] IMAGE in the file",
                     "the file holds no command");
    if (rc == 0)
        rc = command(m, &ws);
    words_free(&ws);
    return rc;
}
