/* The "contradiction" finding: a profile whose rules contradict its own
 * default. Two shapes, both the result of a list of names meant the other
 * way round (a workshop's no_uring.json fixed by the letter rather than by
 * its intent):
 *   - every rule has the default's own action: the rules change nothing
 *     (ERRNO rules under an ERRNO default deny what was denied anyway);
 *   - the profile denies by default and its rules allow almost nothing,
 *     not even execve: no program can start under it, the opposite of a
 *     profile that was meant to deny a few calls. */
#include <stdio.h>
#include <string.h>

#include "lint_int.h"
#include "seccomp_profile.h"

/* "almost nothing": an allowlist this short without execve runs nothing */
#define FEW_ALLOWED 8

static bool denies(enum sc_action a)
{
    return a != SC_ACT_ALLOW && a != SC_ACT_LOG && a != SC_ACT_NOTIFY;
}

static unsigned int rule_errno(const struct sc_rule *r)
{
    return r->has_errno ? r->errno_ret : 1;
}

/* Every rule does what the default does (for ERRNO: with the same errno). */
static bool rules_repeat_default(const struct seccomp_profile *p)
{
    unsigned int def_errno = p->has_default_errno ? p->default_errno : 1;
    for (size_t i = 0; i < p->nrules; i++) {
        const struct sc_rule *r = &p->rules[i];
        if (r->action != p->default_action)
            return false;
        if (r->action == SC_ACT_ERRNO && rule_errno(r) != def_errno)
            return false;
    }
    return p->nrules > 0;
}

/* The names the rules allow (n), the first few joined in list, and whether
 * execve or execveat is among them. */
static size_t allowed_names(const struct seccomp_profile *p, char *list, size_t ln, bool *exec)
{
    size_t n = 0, len = 0;
    *exec = false;
    list[0] = '\0';
    for (size_t i = 0; i < p->nrules; i++) {
        const struct sc_rule *r = &p->rules[i];
        if (denies(r->action))
            continue;
        for (size_t k = 0; k < r->nnames; k++) {
            *exec |= !strcmp(r->names[k], "execve") || !strcmp(r->names[k], "execveat");
            if (n++ < 4 && len < ln)
                len += (size_t)snprintf(list + len, ln - len, "%s%s", len ? ", " : "",
                                        r->names[k]);
        }
    }
    if (n > 4 && len < ln)
        snprintf(list + len, ln - len, ", ...");
    return n;
}

static const char deny_form[] =
    "to deny a few calls, write \"defaultAction\": \"SCMP_ACT_ALLOW\" with one rule "
    "{\"names\": [...], \"action\": \"SCMP_ACT_ERRNO\"}; or start from "
    "profiles/seccomp/docker-default.json and keep the names out of its rules, as Docker "
    "does for io_uring";

int lint_check_contradiction(const struct seccomp_profile *p, struct lint_report *rep)
{
    const struct sc_rule *first = p->nrules ? &p->rules[0] : NULL;
    int line = first ? first->line : 1, col = first ? first->column : 1;
    struct lint_finding *f = NULL;
    if (rules_repeat_default(p)) {
        f = lint_add(rep, LINT_WARNING, "contradiction", line, col,
                     "every rule says %s, which the defaultAction says already: the rules "
                     "change nothing, and the profile %s every syscall",
                     sc_action_name(p->default_action),
                     denies(p->default_action) ? "denies" : "allows");
        if (f && denies(p->default_action))
            lint_hint(f, "%s", deny_form);
        else
            lint_hint(f, "to deny the names of the rules, give them \"action\": "
                      "\"SCMP_ACT_ERRNO\"");
        return f ? 0 : -1;
    }
    if (!denies(p->default_action))
        return 0;
    char list[200];
    bool exec;
    size_t n = allowed_names(p, list, sizeof list, &exec);
    if (exec || n > FEW_ALLOWED)
        return 0;
    f = lint_add(rep, LINT_WARNING, "contradiction", line, col,
                 "the profile denies by default (%s) and its rules allow %s%s: not even "
                 "execve, so no program can start under it; if the rules name what you "
                 "meant to deny, the profile does the opposite",
                 sc_action_name(p->default_action), n ? "only " : "nothing", list);
    lint_hint(f, "%s", deny_form);
    return f ? 0 : -1;
}
