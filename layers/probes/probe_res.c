/* Probes of the network, of what the sandbox can see of the host, and of
 * resources (cgroups). Every loop is bounded and every child is reaped. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "layer.h"
#include "probe_int.h"

#ifndef AF_PACKET
#define AF_PACKET 17
#endif

static void judge_socket(struct probe_result *r, int fd, int e, const char *what)
{
    if (fd >= 0)
        close(fd);
    probe_judge(r, fd, e, NULL, what);
}

PROBE_FN(probe_raw_socket)
{
    int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    judge_socket(r, fd, errno, "socket(AF_INET, SOCK_RAW)");
}

/* Protocol 0: the socket receives nothing until bound to a protocol. */
PROBE_FN(probe_packet_socket)
{
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    judge_socket(r, fd, errno, "socket(AF_PACKET, SOCK_RAW)");
}

/* Bind (never listen) to port 80, then close. EADDRINUSE means the port is
 * taken by a server, which the kernel checks after CAP_NET_BIND_SERVICE. */
PROBE_FN(probe_bind_80)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        probe_judge(r, fd, errno, NULL, "socket(AF_INET, SOCK_STREAM)");
        return;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(80)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    int e = errno;
    if (rc < 0 && e == EADDRNOTAVAIL) {
        /* loopback is down in a fresh network namespace */
        sa.sin_addr.s_addr = htonl(INADDR_ANY);
        rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
        e = errno;
    }
    close(fd);
    probe_judge(r, rc, e, PAST(EADDRINUSE), "bind(port 80)");
    /* Without the capability, the sysctl is why (Docker sets it to 0). */
    FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
    int start = 1024;
    if (f) {
        if (fscanf(f, "%d", &start) != 1)
            start = 1024;
        fclose(f);
    }
    if (start <= 80) {
        size_t len = strlen(r->detail);
        snprintf(r->detail + len, sizeof r->detail - len,
                 "; net.ipv4.ip_unprivileged_port_start=%d here, so no capability is needed",
                 start);
    }
}

PROBE_FN(probe_host_procs)
{
    if (env->host_pid <= 0) {
        probe_skip(r, "isolab's host pid is unknown");
        return;
    }
    int rc = kill(env->host_pid, 0);
    int e = errno;
    if (rc < 0 && e == ESRCH) {
        probe_block(r, ESRCH, "isolab (host pid %d) is not visible here", (int)env->host_pid);
        return;
    }
    unsigned long long st = probe_proc_starttime(env->host_pid);
    if (st && env->host_starttime && st != env->host_starttime) {
        probe_block(r, ESRCH, "pid %d here is another process, not isolab", (int)env->host_pid);
        return;
    }
    probe_allow(r, "isolab's own process (host pid %d) is visible%s", (int)env->host_pid,
                rc < 0 ? " (but may not be signalled)" : "");
}

PROBE_FN(probe_host_ifaces)
{
    if (env->host_ifaces <= 1) {
        probe_skip(r, "the host itself has only %d network interface", env->host_ifaces);
        return;
    }
    int n = probe_count_ifaces();
    if (n < 0) {
        probe_block(r, errno, "cannot list network interfaces");
        return;
    }
    if (n < env->host_ifaces)
        probe_block(r, 0, "sees %d of the host's %d network interfaces", n, env->host_ifaces);
    else
        probe_allow(r, "sees all %d of the host's network interfaces", n);
}

PROBE_FN(probe_host_hostname)
{
    char name[65] = "";
    if (!env->host_hostname[0]) {
        probe_skip(r, "the host's hostname is unknown");
        return;
    }
    if (gethostname(name, sizeof name - 1) < 0) {
        probe_fail(r, errno, "gethostname: %s", strerror(errno));
        return;
    }
    if (strcmp(name, env->host_hostname) == 0)
        probe_allow(r, "the hostname is the host's (\"%s\")", name);
    else
        probe_block(r, 0, "the hostname here is \"%s\", not the host's", name);
}

#define FORK_N 200

/* Children wait on a pipe and leave when it closes; all are reaped. */
PROBE_FN(probe_fork_many)
{
    static pid_t kids[FORK_N];
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        probe_fail(r, errno, "pipe: %s", strerror(errno));
        return;
    }
    int started = 0, ferr = 0;
    for (int i = 0; i < FORK_N; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            char c;
            close(p[1]);
            while (read(p[0], &c, 1) < 0 && errno == EINTR)
                ;
            _exit(0);
        }
        if (pid < 0) {
            ferr = errno;
            break;
        }
        kids[started++] = pid;
    }
    close(p[1]);
    close(p[0]);
    for (int i = 0; i < started; i++)
        while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
            ;
    if (started == FORK_N)
        probe_allow(r, "started %d of %d processes", started, FORK_N);
    else
        probe_block(r, ferr, "started %d of %d before %s", started, FORK_N,
                    strerrorname_np(ferr) ? strerrorname_np(ferr) : "an error");
}

static long long mem_available_mib(void)
{
    FILE *f = fopen("/proc/meminfo", "re");
    if (!f)
        return -1;
    char line[128];
    long long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1)
            break;
    fclose(f);
    return kib < 0 ? -1 : kib / 1024;
}

#define HOG_MIB 256

/* A grandchild touches 256 MiB page by page and exits; an OOM kill of it
 * is the memory cgroup's verdict. Not tried when the machine is short. */
PROBE_FN(probe_memory_hog)
{
    long long avail = mem_available_mib();
    if (avail >= 0 && avail < 3 * HOG_MIB) {
        probe_skip(r, "only %lld MiB free on this machine; not safe to try", avail);
        return;
    }
    struct hog { volatile int mib; volatile int err; } *h =
        mmap(NULL, sizeof *h, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (h == MAP_FAILED) {
        probe_fail(r, errno, "mmap: %s", strerror(errno));
        return;
    }
    h->mib = 0;
    h->err = 0;
    pid_t pid = fork();
    if (pid < 0) {
        probe_fail(r, errno, "fork: %s", strerror(errno));
        munmap(h, sizeof *h);
        return;
    }
    if (pid == 0) {
        size_t len = (size_t)HOG_MIB << 20;
        char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            h->err = errno;
            _exit(1);
        }
        for (int i = 0; i < HOG_MIB; i++) {
            memset(m + ((size_t)i << 20), 0x5a, 1 << 20);
            h->mib = i + 1;
        }
        _exit(0);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    int mib = h->mib, err = h->err;
    munmap(h, sizeof *h);
    if (WIFSIGNALED(st)) {
        probe_block(r, 0, "killed by signal %d after %d MiB (out of memory)", WTERMSIG(st), mib);
        r->sig = WTERMSIG(st);
    } else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        probe_allow(r, "touched %d MiB and gave it back", mib);
    } else {
        probe_block(r, err ? err : ENOMEM, "could not map %d MiB", HOG_MIB);
    }
}

static double ts_sec(const struct timespec *t)
{
    return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

/* Idle time of all CPUs together, in seconds, from /proc/stat (the whole
 * machine's, not namespaced); -1 if unknown. */
static double machine_idle_s(void)
{
    FILE *f = fopen("/proc/stat", "re");
    if (!f)
        return -1;
    unsigned long long user, nice, sys, idle, iowait;
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu", &user, &nice, &sys, &idle, &iowait);
    fclose(f);
    long hz = sysconf(_SC_CLK_TCK);
    return n == 5 && hz > 0 ? (double)(idle + iowait) / (double)hz : -1;
}

/* Spin for 0.3 s of wall time and see how much of it was CPU time. A share
 * well below one core has two causes: a CPU limit (CFS bandwidth: the
 * cgroup runs its quota, then waits out the rest of each 100 ms period) or
 * a busy machine, where the wait comes in many short slices. So it counts
 * as a limit only when most of the wait came in long stalls, or CPUs were
 * idle while it waited; otherwise it cannot tell (ERROR). */
PROBE_FN(probe_cpu_share)
{
    struct timespec w0, w1, c0, c1, prev;
    double idle0 = machine_idle_s();
    clock_gettime(CLOCK_MONOTONIC, &w0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    prev = w0;
    double maxgap = 0, longgaps = 0;
    do {
        clock_gettime(CLOCK_MONOTONIC, &w1);
        double g = ts_sec(&w1) - ts_sec(&prev);
        if (g > maxgap)
            maxgap = g;
        if (g >= 0.030)
            longgaps += g;
        prev = w1;
    } while (ts_sec(&w1) - ts_sec(&w0) < 0.3);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double idle1 = machine_idle_s();
    double wall = ts_sec(&w1) - ts_sec(&w0), cpu = ts_sec(&c1) - ts_sec(&c0);
    double waited = wall - cpu;
    double idle = idle0 >= 0 && idle1 >= 0 ? idle1 - idle0 : -1;
    int pct = (int)(100.0 * cpu / wall + 0.5);
    if (pct >= 70) {
        probe_allow(r, "got %d%% of a core over %.1f s", pct, wall);
        return;
    }
    bool stalls = longgaps >= 0.6 * waited;
    bool idle_cpus = idle >= 0 && idle >= 0.5 * waited;
    if (stalls || idle_cpus)
        probe_block(r, 0, "held to %d%% of a core over %.1f s (%s)", pct, wall,
                    stalls ? "throttled in long stalls" : "while CPUs sat idle");
    else
        probe_fail(r, 0, "cannot tell: got %d%% of a core, but the machine is busy "
                   "(longest wait %.0f ms)", pct, maxgap * 1000);
}
