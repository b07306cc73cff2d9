/* One syscall's cost, timed inside the sandbox: N calls of getpgid(0), which
 * live mode notifies (it is not one of the fixed syscalls) and the plain
 * filter allows in BPF. Prints the mean in nanoseconds. bench/notify.sh
 * runs it under `isolab run --live` and under the plain filter. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000;
    struct timespec a, b;
    syscall(SYS_getpgid, 0);   /* the first one pays for nothing extra */
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++)
        syscall(SYS_getpgid, 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
    printf("%.0f\n", ns / (double)n);
    return 0;
}
