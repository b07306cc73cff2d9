/* The live feed without the TUI: `isolab run --trace[=FILE] [--json]` prints
 * each notified syscall (text, or JSON lines), `--live` answers from the
 * watched profile file, reloaded on each save. */
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_live.h"
#include "live_notify.h"

static struct {
    bool trace, json, live;
    const char *file;
    FILE *out;
    struct live_sup *sup;
    char first_denied[256];     /* after the command's execve: exit_why.h */
    bool first_is_kill;
    pthread_mutex_t lock;
} cli = { .lock = PTHREAD_MUTEX_INITIALIZER };

bool live_cli_wanted(void)
{
    return cli.trace || cli.live;
}

int live_cli_option(int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--trace") || !strncmp(a, "--trace=", 8)) {
        cli.trace = true;
        cli.file = a[7] == '=' ? a + 8 : NULL;
    } else if (!strcmp(a, "--json")) {
        cli.json = true;
    } else if (!strcmp(a, "--live")) {
        cli.live = true;
    } else {
        return 0;
    }
    (void)argc;
    ++*i;
    return 1;
}

static const char *arch_label(uint32_t arch)
{
    if (arch == SCMP_ARCH_X86_64)
        return "x86_64";
    if (arch == SCMP_ARCH_X86)
        return "x86";
    if (arch == SCMP_ARCH_X32)
        return "x32";
    if (arch == SCMP_ARCH_AARCH64)
        return "aarch64";
    return "other";
}

static void print_json(FILE *f, const struct live_event *ev, const char *when)
{
    json_t *o = json_object();
    json_object_set_new(o, "time", json_string(when));
    if (ev->kind == LIVE_EV_NOTE) {
        json_object_set_new(o, "note", json_string(ev->note));
    } else {
        json_object_set_new(o, "pid", json_integer(ev->pid));
        json_object_set_new(o, "comm", json_string(ev->comm));
        json_object_set_new(o, "arch", json_string(arch_label(ev->arch)));
        json_object_set_new(o, "nr", json_integer(ev->nr));
        json_object_set_new(o, "syscall", json_string(ev->name));
        json_object_set_new(o, "args", json_string(ev->args_text));
        json_object_set_new(o, "verdict", json_string(ev->verdict));
        if (ev->action == SC_ACT_ERRNO)
            json_object_set_new(o, "errno", json_integer(ev->errno_ret));
        json_object_set_new(o, "rule", json_string(ev->rule));
        if (ev->rule_line)
            json_object_set_new(o, "line", json_integer(ev->rule_line));
        if (ev->condition[0])
            json_object_set_new(o, "condition", json_string(ev->condition));
        if (ev->before_exec)
            json_object_set_new(o, "before_exec", json_true());
        if (ev->note[0])
            json_object_set_new(o, "note", json_string(ev->note));
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (s)
        fprintf(f, "%s\n", s);
    free(s);
    json_decref(o);
}

static void on_event(void *ud, const struct live_event *ev)
{
    (void)ud;
    if (ev->kind == LIVE_EV_SYSCALL && !ev->before_exec && ev->action != SC_ACT_ALLOW &&
        ev->action != SC_ACT_LOG) {
        bool kills = ev->action != SC_ACT_ERRNO;
        pthread_mutex_lock(&cli.lock);
        /* the first denial, or the first KILL/TRAP after ERRNOs: the one
         * that ends a program */
        if (!cli.first_denied[0] || (kills && !cli.first_is_kill)) {
            cli.first_is_kill = kills;
            snprintf(cli.first_denied, sizeof cli.first_denied, "%s(%.60s): %s [%.40s]",
                     ev->name, ev->args_text, ev->verdict, ev->rule);
        }
        pthread_mutex_unlock(&cli.lock);
    }
    if (!cli.out || (ev->kind == LIVE_EV_SYSCALL && !cli.trace))
        return;
    char when[32];
    struct tm tm;
    localtime_r(&ev->ts.tv_sec, &tm);
    size_t k = strftime(when, sizeof when, "%H:%M:%S", &tm);
    snprintf(when + k, sizeof when - k, ".%03ld", ev->ts.tv_nsec / 1000000);
    pthread_mutex_lock(&cli.lock);
    if (cli.json) {
        print_json(cli.out, ev, when);
    } else if (ev->kind == LIVE_EV_NOTE) {
        fprintf(cli.out, "isolab: live: %s\n", ev->note);
    } else {
        fprintf(cli.out, "%s %d %s %s(%s) = %s  [%s%s%s]%s%s\n", when, (int)ev->pid, ev->comm,
                ev->name, ev->args_text, ev->verdict, ev->rule, ev->condition[0] ? ": " : "",
                ev->condition, ev->note[0] ? " -- " : "", ev->note);
    }
    fflush(cli.out);
    pthread_mutex_unlock(&cli.lock);
}

int live_cli_begin(struct lab_config *cfg)
{
    if (!cli.trace && !cli.live)
        return 0;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (!layer_in_force(cfg, LAYER_SECCOMP)) {
        fprintf(stderr, "isolab: --trace and --live need the seccomp layer\n  hint: drop "
                "--no-seccomp / seccomp=unconfined / --privileged\n");
        return -1;
    }
    char path[ISOLAB_PATH_MAX];
    struct seccomp_profile *model = NULL;
    if (seccomp_profile_path(cfg, path, sizeof path, &err) < 0 ||
        seccomp_profile_load(path, &model, &err) < 0 ||
        live_sup_new(cli.live ? LIVE_POLICY : LIVE_TRACE, model, on_event, NULL, &cli.sup,
                     &err) < 0 ||
        (cli.live && live_watch_file(cli.sup, path, &err) < 0)) {
        isolab_err_print(&err);
        return -1;
    }
    live_set_caps(cli.sup, lab_config_seccomp_caps(cfg));
    cli.out = stderr;
    if (cli.file && !(cli.out = fopen(cli.file, "we"))) {
        fprintf(stderr, "isolab: --trace=%s: cannot write it: %s\n", cli.file, strerror(errno));
        return -1;
    }
    cfg->live = cli.sup;
    return 0;
}

void live_cli_first_denial(char *buf, size_t n)
{
    pthread_mutex_lock(&cli.lock);
    snprintf(buf, n, "%s", cli.first_denied);
    pthread_mutex_unlock(&cli.lock);
}

void live_cli_end(void)
{
    if (!cli.sup)
        return;
    live_sup_free(cli.sup);
    cli.sup = NULL;
    if (cli.out && cli.out != stderr)
        fclose(cli.out);
    cli.out = NULL;
}
