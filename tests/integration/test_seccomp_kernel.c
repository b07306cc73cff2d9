/* Compiled seccomp filters under the real kernel: a child loads the filter
 * and reports the errno of each call it tries; every verdict here is the
 * kernel's. Also the seccomp layer's own prepare/enter, and SCMP_ACT_NOTIFY
 * with a supervisor on listenerPath answering a real notification. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "layer.h"
#include "profile_helpers.h"
#include "seccomp_profile.h"

#define NRES 8
struct results {
    int load_errno;       /* 0: the filter loaded */
    int err[NRES];        /* errno of each call, 0 = it succeeded */
};

typedef void (*child_fn)(struct results *r, void *arg);

static char peers[4096];

/* In the forked child: sets no_new_privs, loads prog (if any), runs fn and
 * sends the results back through the pipe p. */
static void __attribute__((noreturn)) filtered_child(int p[2], const struct sock_fprog *prog,
                                                     unsigned int flags, child_fn fn, void *arg)
{
    struct results r;
    memset(&r, 0, sizeof r);
    close(p[0]);
    signal(SIGSYS, SIG_DFL);   /* not cmocka's handler: die of it */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        (prog && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog) < 0))
        r.load_errno = errno;
    else
        fn(&r, arg);
    ssize_t w = write(p[1], &r, sizeof r);
    _exit(w == (ssize_t)sizeof r ? 0 : 1);
}

/* Forks a filtered_child and returns what it sent. */
static struct results run_filtered(const struct sock_fprog *prog, unsigned int flags,
                                   child_fn fn, void *arg)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        filtered_child(p, prog, flags, fn, arg);
    close(p[1]);
    struct results r;
    memset(&r, 0xff, sizeof r);
    ssize_t n = read(p[0], &r, sizeof r);
    close(p[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (n != (ssize_t)sizeof r)
        fail_msg("the child sent no results (status 0x%x)", status);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(r.load_errno, 0);
    return r;
}

static struct seccomp_profile *parse(const char *text)
{
    return test_parse_profile(text, "test.json");
}

/* Docker's own default.json, from the peers' checkout. */
static struct seccomp_profile *load_docker_default(void)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/moby-profiles/seccomp/default.json", peers);
    return test_load_profile(path);
}

static void compile(const struct seccomp_profile *p, uint64_t caps, struct sock_fprog *prog,
                    unsigned int *flags)
{
    struct isolab_err err;
    isolab_err_clear(&err);
    if (seccomp_profile_compile(p, caps, prog, flags, NULL, NULL, NULL, &err) < 0)
        fail_msg("%s", err.msg);
}

#define TRY(slot, call) do { errno = 0; r->err[slot] = (call) < 0 ? errno : 0; } while (0)

/* ---- a profile that denies the chmod family ---------------------------- */

static const char chmod_profile[] =
    "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
    " \"syscalls\": [{\"names\": [\"chmod\", \"fchmod\", \"fchmodat\", \"fchmodat2\"],\n"
    "                \"action\": \"SCMP_ACT_ERRNO\"}]}";

static void try_chmods(struct results *r, void *arg)
{
    const char *path = arg;
    int fd = open(path, O_RDONLY);
    TRY(0, chmod(path, 0600));
    TRY(1, fchmod(fd, 0600));
    TRY(2, fchmodat(AT_FDCWD, path, 0600, 0));
    TRY(3, syscall(SYS_getpid));
    r->err[4] = syscall(SYS_getpid) == getpid() ? 0 : -1;
    close(fd);
}

static void test_chmod_family_denied_by_kernel(void **state)
{
    (void)state;
    char path[] = "/tmp/isolab-seccomp-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(chmod(path, 0644), 0);   /* unfiltered: allowed */

    struct seccomp_profile *p = parse(chmod_profile);
    struct sock_fprog prog;
    unsigned int flags;
    compile(p, 0, &prog, &flags);
    struct results r = run_filtered(&prog, flags, try_chmods, path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    unlink(path);
    free(prog.filter);
    seccomp_profile_free(p);

    printf("# chmod %s, fchmod %s, fchmodat %s, getpid %s\n", strerrorname_np(r.err[0]),
           strerrorname_np(r.err[1]), strerrorname_np(r.err[2]), r.err[3] ? "failed" : "allowed");
    assert_int_equal(r.err[0], EPERM);
    assert_int_equal(r.err[1], EPERM);
    assert_int_equal(r.err[2], EPERM);
    assert_int_equal(r.err[3], 0);
    assert_int_equal(r.err[4], 0);
    assert_int_equal(st.st_mode & 0777, 0644);   /* the mode did not change */
}

/* ---- Docker's default profile ------------------------------------------------ */

static void try_docker(struct results *r, void *arg)
{
    (void)arg;
    TRY(0, unshare(CLONE_NEWUSER));
    TRY(1, syscall(SYS_clone3, NULL, 0));
    TRY(2, socket(40 /* AF_VSOCK */, SOCK_STREAM, 0));
    TRY(3, syscall(SYS_getpid));
}

static void test_docker_default_verdicts(void **state)
{
    (void)state;
    struct seccomp_profile *p = load_docker_default();

    /* without a filter: clone3 exists here and rejects the NULL args */
    struct results none = run_filtered(NULL, 0, try_docker, NULL);
    assert_int_not_equal(none.err[1], ENOSYS);

    struct sock_fprog prog;
    unsigned int flags;
    compile(p, caps_docker_default(), &prog, &flags);
    struct results r = run_filtered(&prog, flags, try_docker, NULL);
    free(prog.filter);
    printf("# Docker's caps: unshare(CLONE_NEWUSER) %s, clone3 %s, socket(AF_VSOCK) %s\n",
           strerrorname_np(r.err[0]), strerrorname_np(r.err[1]), strerrorname_np(r.err[2]));
    assert_int_equal(r.err[0], EPERM);
    assert_int_equal(r.err[1], ENOSYS);
    assert_int_equal(r.err[2], EPERM);
    assert_int_equal(r.err[3], 0);

    compile(p, caps_docker_default() | (1ULL << 21 /* CAP_SYS_ADMIN */), &prog, &flags);
    r = run_filtered(&prog, flags, try_docker, NULL);
    free(prog.filter);
    printf("# +CAP_SYS_ADMIN: unshare(CLONE_NEWUSER) %s, clone3 %s\n",
           r.err[0] ? strerrorname_np(r.err[0]) : "allowed", strerrorname_np(r.err[1]));
    assert_int_equal(r.err[0], 0);
    assert_int_not_equal(r.err[1], ENOSYS);
    assert_int_not_equal(r.err[1], EPERM);
    seccomp_profile_free(p);
}

#ifdef __x86_64__
/* The 32-bit x86 ABI through int $0x80 (i386 numbers: getpid 20, unshare
 * 310). A filter without SCMP_ARCH_X86 would kill the caller instead. */
static long int80(long nr, long a1)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a1) : "memory");
    return r;
}

static void try_x86_abi(struct results *r, void *arg)
{
    (void)arg;
    long pid = int80(20, 0);
    r->err[0] = pid == getpid() ? 0 : pid < 0 ? (int)-pid : -1;
    long u = int80(310, CLONE_NEWUSER);
    r->err[1] = u < 0 ? (int)-u : 0;
}

static void test_docker_default_x86_subarch(void **state)
{
    (void)state;
    struct seccomp_profile *p = load_docker_default();
    struct sock_fprog prog;
    unsigned int flags;
    compile(p, caps_docker_default(), &prog, &flags);
    struct results r = run_filtered(&prog, flags, try_x86_abi, NULL);
    free(prog.filter);
    seccomp_profile_free(p);
    printf("# i386 ABI under Docker's profile: getpid %s, unshare(CLONE_NEWUSER) %s\n",
           r.err[0] ? "failed" : "allowed", strerrorname_np(r.err[1]));
    assert_int_equal(r.err[0], 0);
    assert_int_equal(r.err[1], EPERM);
}

/* Does int $0x80 work here (ia32 emulation on)? Tried in a child. */
static bool ia32_works(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        _exit(int80(20, 0) == getpid() ? 0 : 1);
    }
    int st;
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}
#endif

/* ---- every action, as the kernel carries it out ---------------------------- */

/* Loads a profile whose only rule gives getppid the action, calls getppid;
 * returns the wait status, and the errno seen in *err. */
static int run_action(const char *action, int *err)
{
    char text[512];
    snprintf(text, sizeof text, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
             "[{\"names\": [\"getppid\"], \"action\": \"%s\"}]}", action);
    struct seccomp_profile *p = parse(text);
    struct sock_fprog prog;
    unsigned int flags;
    compile(p, 0, &prog, &flags);
    seccomp_profile_free(p);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        /* cmocka catches SIGSYS; the child must die of it as it would */
        signal(SIGSYS, SIG_DFL);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0)
            _exit(100);
        errno = 0;
        int e = syscall(SYS_getppid) < 0 ? errno : 0;
        _exit(write(fds[1], &e, sizeof e) == (ssize_t)sizeof e ? 0 : 101);
    }
    close(fds[1]);
    free(prog.filter);
    *err = -1;
    if (read(fds[0], err, sizeof *err) != (ssize_t)sizeof *err)
        *err = -1;
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void test_actions_by_kernel(void **state)
{
    (void)state;
    int e, st;
    const char *killers[] = { "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS",
                              "SCMP_ACT_TRAP" };
    for (size_t i = 0; i < 4; i++) {
        st = run_action(killers[i], &e);
        printf("# %s: %s\n", killers[i], WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "not killed");
        assert_true(WIFSIGNALED(st));
        assert_int_equal(WTERMSIG(st), SIGSYS);
    }
    st = run_action("SCMP_ACT_LOG", &e);          /* allowed, and logged */
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(e, 0);
    st = run_action("SCMP_ACT_TRACE", &e);        /* no tracer: ENOSYS */
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(e, ENOSYS);
    st = run_action("SCMP_ACT_ERRNO", &e);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(e, EPERM);
    st = run_action("SCMP_ACT_ALLOW", &e);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(e, 0);
}

/* ---- errno values above 4095 ----------------------------------------------- */

static void try_syslog(struct results *r, void *arg)
{
    (void)arg;
    TRY(0, syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
}

static void test_errno_above_4095_capped_by_kernel(void **state)
{
    (void)state;
    struct seccomp_profile *p = parse(
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"syslog\"],"
        " \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 12345}]}");
    struct sock_fprog prog;
    unsigned int flags;
    compile(p, 0, &prog, &flags);
    struct results r = run_filtered(&prog, flags, try_syslog, NULL);
    free(prog.filter);
    seccomp_profile_free(p);
    assert_int_equal(r.err[0], 4095);
}

/* ---- the layer: prepare in the parent, enter in the child --------------------- */

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

struct layer_child {
    struct lab_config *cfg;
    struct sandbox_ctx *ctx;
    const char *target;
};

static void try_layer(struct results *r, void *arg)
{
    struct layer_child *lc = arg;
    struct isolab_err err;
    /* no_new_privs is on: the early step must leave seccomp alone */
    r->err[0] = seccomp_layer.enter(lc->cfg, lc->ctx, STEP_SECCOMP_EARLY, &err);
    TRY(1, chmod(lc->target, 0600));
    r->err[2] = seccomp_layer.enter(lc->cfg, lc->ctx, STEP_SECCOMP_LATE, &err);
    TRY(3, chmod(lc->target, 0644));
    TRY(4, syscall(SYS_getpid));
}

/* The seccomp layer validated and prepared for Docker's defaults with the
 * profile file prof and no_new_privs. */
static void prepare_layer(const char *prof, struct lab_config *cfg, struct sandbox_ctx *ctx)
{
    lab_config_init_docker(cfg);
    snprintf(cfg->seccomp_profile, sizeof cfg->seccomp_profile, "%s", prof);
    cfg->no_new_privs = true;
    struct isolab_err err;
    isolab_err_clear(&err);
    if (seccomp_layer.validate(cfg, &err) < 0)
        fail_msg("validate: %s", err.msg);
    sandbox_ctx_init(ctx, cfg);
    if (layer_prepare(&seccomp_layer, cfg, ctx, &err) < 0)
        fail_msg("prepare: %s", err.msg);
}

static void test_layer_prepare_enter(void **state)
{
    (void)state;
    char dir[] = "/tmp/isolab-seccomp-XXXXXX", prof[128], target[128];
    assert_non_null(mkdtemp(dir));
    snprintf(prof, sizeof prof, "%s/chmod.json", dir);
    snprintf(target, sizeof target, "%s/file", dir);
    assert_int_equal(write_file(prof, chmod_profile), 0);
    assert_int_equal(write_file(target, ""), 0);

    char why[256] = "";
    assert_true(seccomp_layer.available(why, sizeof why));
    struct lab_config cfg;
    struct sandbox_ctx ctx;
    prepare_layer(prof, &cfg, &ctx);
    assert_true(seccomp_prepared_filter(&ctx, NULL) > 0);
    char desc[256];
    seccomp_layer.describe(&cfg, desc, sizeof desc);
    printf("# describe: %s\n", desc);
    assert_string_equal(desc, "chmod.json (4 rules: EPERM; default ALLOW)");   /* not "0 allowed" */

    struct layer_child lc = { &cfg, &ctx, target };
    struct results r = run_filtered(NULL, 0, try_layer, &lc);
    layer_cleanup(&seccomp_layer, &cfg, &ctx);
    assert_null(ctx.priv[LAYER_SECCOMP]);
    unlink(target);
    unlink(prof);
    rmdir(dir);
    assert_int_equal(r.err[0], 0);
    assert_int_equal(r.err[1], 0);        /* before the filter */
    assert_int_equal(r.err[2], 0);
    assert_int_equal(r.err[3], EPERM);    /* after it */
    assert_int_equal(r.err[4], 0);

    /* a bad profile is refused by validate, before anything starts */
    snprintf(cfg.seccomp_profile, sizeof cfg.seccomp_profile, "%s/missing.json", dir);
    struct isolab_err err;
    isolab_err_clear(&err);
    assert_int_equal(seccomp_layer.validate(&cfg, &err), -1);
    assert_non_null(strstr(err.msg, "missing.json"));
}

/* ---- SCMP_ACT_NOTIFY: the fd goes to the supervisor on listenerPath ------------ */

static void try_notify(struct results *r, void *arg)
{
    struct layer_child *lc = arg;
    struct isolab_err err;
    r->err[0] = seccomp_layer.enter(lc->cfg, lc->ctx, STEP_SECCOMP_LATE, &err);
    TRY(1, mkdir(lc->target, 0700));
}

static int wait_readable(int fd)
{
    /* a safety net against a hang, not a timing assertion */
    struct pollfd pfd = { fd, POLLIN, 0 };
    return poll(&pfd, 1, 60000) == 1 ? 0 : -1;
}

static void test_notify_listener(void **state)
{
    (void)state;
    char dir[] = "/tmp/isolab-seccomp-XXXXXX", prof[128], sock[128], target[128], text[1024];
    assert_non_null(mkdtemp(dir));
    snprintf(prof, sizeof prof, "%s/notify.json", dir);
    snprintf(sock, sizeof sock, "%s/agent.sock", dir);
    snprintf(target, sizeof target, "%s/made-by-child", dir);
    snprintf(text, sizeof text,
             "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"%s\",\n"
             " \"listenerMetadata\": \"lab \\\"one\\\"\",\n"
             " \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
             sock);
    assert_int_equal(write_file(prof, text), 0);

    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    assert_true(strlen(sock) < sizeof sa.sun_path);
    memcpy(sa.sun_path, sock, strlen(sock) + 1);
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(lfd, 1), 0);

    struct lab_config cfg;
    struct sandbox_ctx ctx;
    prepare_layer(prof, &cfg, &ctx);
    struct isolab_err err;
    isolab_err_clear(&err);
    unsigned int flags = 0;
    seccomp_prepared_filter(&ctx, &flags);
    assert_true(flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);

    int p[2];
    assert_int_equal(pipe(p), 0);
    struct layer_child lc = { &cfg, &ctx, target };
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(lfd);
        filtered_child(p, NULL, 0, try_notify, &lc);
    }
    close(p[1]);
    assert_int_equal(seccomp_layer.attach(&cfg, &ctx, pid, &err), 0);

    /* the supervisor: accept, receive the state and the fd */
    int ok = wait_readable(lfd);
    int cfd = ok == 0 ? accept4(lfd, NULL, NULL, SOCK_CLOEXEC) : -1;
    char msg[4096] = "";
    int nfd = -1;
    if (cfd >= 0 && wait_readable(cfd) == 0) {
        union {
            char buf[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } u;
        struct iovec iov = { msg, sizeof msg - 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                             .msg_controllen = sizeof u.buf };
        ssize_t n = recvmsg(cfd, &mh, MSG_CMSG_CLOEXEC);
        if (n > 0) {
            msg[n] = '\0';
            struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
            if (cm && cm->cmsg_type == SCM_RIGHTS)
                memcpy(&nfd, CMSG_DATA(cm), sizeof nfd);
        }
    }
    printf("# state: %s\n", msg);

    /* answer the child's mkdir with EXDEV */
    int answered = 0;
    struct seccomp_notif_sizes sizes;
    if (nfd >= 0 && syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == 0 &&
        wait_readable(nfd) == 0) {
        struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
        struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
        if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, req) == 0) {
            printf("# notification: pid %u syscall %d\n", req->pid, req->data.nr);
            answered = (pid_t)req->pid == pid &&
                       (req->data.nr == SYS_mkdir || req->data.nr == SYS_mkdirat);
            resp->id = req->id;
            resp->error = -EXDEV;
            if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
                answered = 0;
        }
        free(req);
        free(resp);
    }
    if (!answered)
        kill(pid, SIGKILL);   /* our own child, so that waitpid returns */
    struct results r;
    memset(&r, 0xff, sizeof r);
    ssize_t n = read(p[0], &r, sizeof r);
    int status;
    waitpid(pid, &status, 0);
    close(p[0]);
    if (nfd >= 0)
        close(nfd);
    if (cfd >= 0)
        close(cfd);
    close(lfd);
    layer_cleanup(&seccomp_layer, &cfg, &ctx);
    struct stat st;
    bool made = stat(target, &st) == 0;
    rmdir(target);
    unlink(sock);
    unlink(prof);
    rmdir(dir);

    assert_true(answered);
    assert_int_equal(n, (ssize_t)sizeof r);
    assert_int_equal(r.load_errno, 0);
    assert_int_equal(r.err[0], 0);
    assert_int_equal(r.err[1], EXDEV);    /* the supervisor's answer */
    assert_false(made);
    char want[64];
    snprintf(want, sizeof want, "\"pid\":%d", (int)pid);
    assert_non_null(strstr(msg, "\"fds\":[\"seccompFd\"]"));
    assert_non_null(strstr(msg, want));
    assert_non_null(strstr(msg, "\"metadata\":\"lab \\\"one\\\"\""));
}

int main(void)
{
    /* the layer would cache the compiled test profiles on disk; the cache
     * has its own test (tests/unit/test_seccomp_cache.c) */
    setenv("ISOLAB_NO_CACHE", "1", 1);
    const char *env = getenv("ISOLAB_PEERS");
    snprintf(peers, sizeof peers, "%s", env && *env ? env : "../shared/peers");
    char why[256] = "";
    if (!seccomp_layer.available(why, sizeof why)) {
        printf("ok - seccomp kernel # SKIP %s\n", why);
        return 0;
    }
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/moby-profiles/seccomp/default.json", peers);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chmod_family_denied_by_kernel),
        cmocka_unit_test(test_actions_by_kernel),
        cmocka_unit_test(test_errno_above_4095_capped_by_kernel),
        cmocka_unit_test(test_layer_prepare_enter),
        cmocka_unit_test(test_notify_listener),
    };
    struct CMUnitTest docker[] = {
        cmocka_unit_test(test_docker_default_verdicts),
#ifdef __x86_64__
        cmocka_unit_test(test_docker_default_x86_subarch),
#endif
    };
    size_t ndocker = sizeof docker / sizeof *docker;
#ifdef __x86_64__
    if (!ia32_works()) {
        printf("ok - test_docker_default_x86_subarch # SKIP the 32-bit x86 ABI does not work "
               "here (ia32 emulation is off)\n");
        ndocker--;
    }
#endif
    int rc = cmocka_run_group_tests_name("seccomp_kernel", tests, NULL, NULL);
    if (access(probe, R_OK) == 0)
        rc |= _cmocka_run_group_tests("seccomp_kernel_docker", docker, ndocker, NULL, NULL);
    else
        for (size_t i = 0; i < ndocker; i++)
            printf("ok - %s # SKIP %s not found (set ISOLAB_PEERS)\n", docker[i].name, probe);
    return rc;
}
