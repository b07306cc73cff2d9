/* bench/run.sh's timer: every command run RUNS times, interleaved (one run
 * of each in turn, the order rotated every round), so that a machine that
 * drifts during the benchmark (this class of shared machine does, by 10-30%
 * over minutes) drifts for all of them alike and the ratios stay true.
 * hyperfine runs each command's runs back to back instead.
 *
 *   interleave RUNS WARMUP OUT.json NAME COMMAND [NAME COMMAND ...]
 *
 * A COMMAND is split at spaces and exec'd without a shell, as hyperfine -N
 * does; "bash -c REST" keeps REST as one argument. Each run is fork, exec,
 * wait, timed with CLOCK_MONOTONIC; stdout and stderr go to /dev/null. A
 * run that fails ends the benchmark. OUT.json holds, per command, its
 * median, mean and standard deviation in seconds and every time, in the
 * shape of hyperfine's --export-json. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 32
#define MAX_ARGS 128

struct cmd {
    const char *name, *line;
    char *argv[MAX_ARGS];
    double *t;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void split(struct cmd *c)
{
    char *s = strdup(c->line);
    size_t n = 0;
    if (!strncmp(s, "bash -c ", 8)) {
        c->argv[n++] = "bash";
        c->argv[n++] = "-c";
        c->argv[n++] = s + 8;
    } else {
        for (char *tok = strtok(s, " "); tok && n + 1 < MAX_ARGS; tok = strtok(NULL, " "))
            c->argv[n++] = tok;
    }
    c->argv[n] = NULL;
}

static double run_once(const struct cmd *c)
{
    double t0 = now();
    pid_t p = fork();
    if (p == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 1);
        dup2(null, 2);
        execvp(c->argv[0], c->argv);
        _exit(127);
    }
    int st = 0;
    while (p > 0 && waitpid(p, &st, 0) < 0 && errno == EINTR)
        ;
    double t = now() - t0;
    if (p < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "interleave: %s (%s) failed (status %d)\n", c->name, c->line, st);
        exit(1);
    }
    return t;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 6 || (argc - 4) % 2 || (argc - 4) / 2 > MAX_CMDS) {
        fprintf(stderr, "usage: interleave RUNS WARMUP OUT.json NAME COMMAND [NAME COMMAND ...]\n");
        return 2;
    }
    int runs = atoi(argv[1]), warmup = atoi(argv[2]);
    int n = (argc - 4) / 2;
    struct cmd c[MAX_CMDS];
    for (int i = 0; i < n; i++) {
        c[i].name = argv[4 + 2 * i];
        c[i].line = argv[5 + 2 * i];
        split(&c[i]);
        c[i].t = calloc((size_t)runs, sizeof(double));
    }
    for (int w = 0; w < warmup; w++)
        for (int i = 0; i < n; i++)
            run_once(&c[i]);
    for (int r = 0; r < runs; r++)
        for (int k = 0; k < n; k++) {
            int i = (r + k) % n;
            c[i].t[r] = run_once(&c[i]);
        }
    FILE *out = fopen(argv[3], "w");
    if (!out) {
        perror(argv[3]);
        return 1;
    }
    fprintf(out, "{\"results\":[");
    for (int i = 0; i < n; i++) {
        double sum = 0, sq = 0;
        for (int r = 0; r < runs; r++)
            sum += c[i].t[r];
        double mean = sum / runs;
        for (int r = 0; r < runs; r++)
            sq += (c[i].t[r] - mean) * (c[i].t[r] - mean);
        double *s = malloc(sizeof(double) * (size_t)runs);
        memcpy(s, c[i].t, sizeof(double) * (size_t)runs);
        qsort(s, (size_t)runs, sizeof(double), cmp);
        double median = runs % 2 ? s[runs / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
        fprintf(out, "%s{\"command\":\"%s\",\"mean\":%.9f,\"median\":%.9f,\"stddev\":%.9f,\"times\":[",
                i ? "," : "", c[i].name, mean, median, runs > 1 ? sqrt(sq / (runs - 1)) : 0.0);
        for (int r = 0; r < runs; r++)
            fprintf(out, "%s%.9f", r ? "," : "", c[i].t[r]);
        fprintf(out, "]}");
        free(s);
    }
    fprintf(out, "]}\n");
    return fclose(out) ? 1 : 0;
}
