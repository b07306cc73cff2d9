/* Two prompts that let the screen do what the command line does, so that a
 * lab can be followed in the TUI alone (issue 14):
 *   f  layer flags in Docker's spelling, as `isolab run` takes them
 *      ("--cap-add SYS_TIME", "--no-ns pid", "--security-opt seccomp=FILE");
 *   o  a seccomp profile file by path (the learner's own copy, say).
 * A relative profile path is tried from the current directory, then from
 * isolab's data directory (profiles/seccomp/..., labs/files/...). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

/* "~/x" -> "$HOME/x"; a relative path that is not here -> the data dir's. */
static void resolve_profile_path(const char *in, char *out, size_t n)
{
    const char *home = getenv("HOME");
    if (!strncmp(in, "~/", 2) && home && *home)
        snprintf(out, n, "%s/%s", home, in + 2);
    else
        snprintf(out, n, "%s", in);
    char data[ISOLAB_PATH_MAX];
    if (out[0] != '/' && access(out, R_OK) != 0 && isolab_data_path(out, data, sizeof data) == 0 &&
        access(data, R_OK) == 0)
        snprintf(out, n, "%s", data);
    char rp[PATH_MAX];
    if (realpath(out, rp))
        snprintf(out, n, "%s", rp);
}

/* Make path the watched profile and switch the seccomp layer on. */
static void use_profile(struct tui *t, const char *path)
{
    char want[ISOLAB_PATH_MAX];
    resolve_profile_path(path, want, sizeof want);
    if (access(want, R_OK) != 0) {
        tui_msg(t, true, "%s: cannot open it; give the path from the directory isolab runs in, "
                "or from its data directory (profiles/seccomp/...)", path);
        return;
    }
    t->cfg->layer_on[LAYER_SECCOMP] = true;
    t->cfg->privileged = false;
    tui_profile_select(t, want);   /* loads it and says so, or shows its error */
    tui_config_changed(t);
}

static void flags_done(struct tui *t)
{
    char buf[sizeof t->prompt_buf], *argv[32];
    snprintf(buf, sizeof buf, "%s", t->prompt_buf);
    int argc = 0;
    for (char *s = strtok(buf, " \t"); s && argc < 32; s = strtok(NULL, " \t"))
        argv[argc++] = s;
    struct lab_config nc = *t->cfg;
    char before[ISOLAB_PATH_MAX];
    snprintf(before, sizeof before, "%s", t->cfg->seccomp_profile);
    for (int i = 0; i < argc; i++) {
        struct isolab_err err;
        isolab_err_clear(&err);
        int rc = lab_config_parse_flag(&nc, argc, argv, &i, &err);
        if (rc <= 0) {
            if (rc == 0)
                tui_msg(t, true, "%s is not a layer flag; `isolab run --help` lists them "
                        "(e.g. --cap-add SYS_TIME, --no-ns pid)", argv[i]);
            else
                tui_msg(t, true, "%s%s%s", err.msg, err.hint[0] ? "  hint: " : "", err.hint);
            return;
        }
        i--;   /* parse_flag advanced past the flag; the loop steps once more */
    }
    for (int i = 0; i < argc; i++)   /* the profile line names the preset */
        if (!strncmp(argv[i], "--preset=", 9))
            snprintf(t->preset, sizeof t->preset, "%s", argv[i] + 9);
        else if (!strcmp(argv[i], "--preset") && i + 1 < argc)
            snprintf(t->preset, sizeof t->preset, "%s", argv[i + 1]);
    if (!argc)
        return;
    bool new_profile = strcmp(before, nc.seccomp_profile) != 0 && nc.seccomp_profile[0];
    char profile[ISOLAB_PATH_MAX];
    snprintf(profile, sizeof profile, "%s", nc.seccomp_profile);
    snprintf(nc.seccomp_profile, sizeof nc.seccomp_profile, "%s", before);
    *t->cfg = nc;
    tui_msg(t, false, "in force: %s", t->prompt_buf);
    if (new_profile)
        use_profile(t, profile);   /* says what was loaded */
    else
        tui_config_changed(t);
}

void tui_flags_prompt_done(struct tui *t, bool ok)
{
    enum prompt_kind k = t->prompt;
    t->prompt = PROMPT_NONE;
    if (!ok || !t->prompt_buf[0])
        return;
    if (k == PROMPT_FLAGS)
        flags_done(t);
    else if (k == PROMPT_OPEN_PROFILE)
        use_profile(t, t->prompt_buf);
}

void tui_flags_prompt(struct tui *t, enum prompt_kind k)
{
    t->prompt = k;
    t->prompt_arg = 0;
    t->prompt_buf[0] = 0;
    snprintf(t->prompt_label, sizeof t->prompt_label, "%s",
             k == PROMPT_FLAGS ? "layer flags, as for isolab run (Enter apply, Esc cancel): "
                               : "seccomp profile file (Enter open, Esc cancel): ");
}
