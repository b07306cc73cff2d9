/* CVE-2019-5736 (runc): a process in a sandbox that reaches /proc/<pid>/exe
 * of the runtime -- isolab itself without a pid namespace, and always the
 * probe runner and the pid-namespace init, which are forks of isolab that
 * never exec -- could reopen the host's binary for writing once isolab has
 * exited, and replace it. As runc's fix does, isolab runs from a sealed
 * memfd copy of itself: /proc/<pid>/exe then names a file that no write can
 * change (F_SEAL_WRITE) and that is not on any filesystem. The copy holds
 * only what execve needs (exec_extent): a third of a -g build. */
#include <elf.h>
#include <errno.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "isolab.h"
#include "layer.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

/* Where the binary really lives (for the data directory beside it), passed
 * across the re-exec; "" until known. */
static char self_path[PATH_MAX];

const char *isolab_self_path(void)
{
    if (!self_path[0]) {
        ssize_t len = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
        self_path[len > 0 ? len : 0] = '\0';
    }
    return self_path;
}

static bool running_sealed(void)
{
    _cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    int seals = self >= 0 ? fcntl(self, F_GET_SEALS) : -1;
    return seals >= 0 && (seals & F_SEAL_WRITE);
}

/* How much of the binary at fd an execve needs: up to the end of the last
 * segment that the program headers name (the ELF header, the code, the
 * data). What follows -- debug info, the symbol and section tables, about
 * two thirds of a -g build -- only tools read. 0 when fd is not a 64-bit
 * ELF of this machine (then the whole file is copied). */
static off_t exec_extent(int fd, off_t size)
{
#ifdef __SANITIZE_ADDRESS__
    (void)fd;
    (void)size;
    return 0;   /* the sanitizers' reports symbolize from the symbol table */
#endif
    Elf64_Ehdr eh;
    if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phnum == 0 || eh.e_phnum > 64)
        return 0;
    Elf64_Phdr ph[64];
    size_t bytes = (size_t)eh.e_phnum * sizeof ph[0];
    if (pread(fd, ph, bytes, (off_t)eh.e_phoff) != (ssize_t)bytes)
        return 0;
    uint64_t end = eh.e_phoff + bytes;
    for (unsigned i = 0; i < eh.e_phnum; i++)
        if (ph[i].p_offset + ph[i].p_filesz > end)
            end = ph[i].p_offset + ph[i].p_filesz;
    return end <= (uint64_t)size ? (off_t)end : 0;
}

static int sealed_copy(const char *path)
{
    _cleanup_close_ int src = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (src < 0 || fstat(src, &st) < 0)
        return -1;
    off_t want = exec_extent(src, st.st_size);
    bool trimmed = want > 0 && want < st.st_size;
    if (!trimmed)
        want = st.st_size;
    _cleanup_close_ int m = memfd_create("isolab", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (m < 0)
        return -1;
    off_t off = 0;
    while (off < want) {
        ssize_t n = sendfile(m, src, &off, (size_t)(want - off));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
    }
    if (trimmed) {
        /* the section table is not in the copy: say there is none */
        Elf64_Ehdr eh;
        if (pread(m, &eh, sizeof eh, 0) != (ssize_t)sizeof eh)
            return -1;
        eh.e_shoff = 0;
        eh.e_shnum = 0;
        eh.e_shstrndx = SHN_UNDEF;
        if (pwrite(m, &eh, sizeof eh, 0) != (ssize_t)sizeof eh)
            return -1;
    }
    if (fcntl(m, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
        return -1;
    return steal_fd(&m);
}

/* In the copy: the original's path, which the environment carried. */
static void adopt(const char *env)
{
    if (env)
        snprintf(self_path, sizeof self_path, "%s", env);
    unsetenv("ISOLAB_SELF");   /* not for the sandbox's environment */
}

void isolab_sealed_adopt(void)
{
    const char *env = getenv("ISOLAB_SELF");
    if (env && running_sealed())
        adopt(env);
}

void isolab_run_sealed(char **argv)
{
    const char *env = getenv("ISOLAB_SELF");
    if (running_sealed()) {
        adopt(env);
        return;
    }
    if (getenv("ISOLAB_NO_SEALED_COPY"))
        return;
    const char *path = isolab_self_path();
    if (!path[0])
        return;
    int m = sealed_copy(path);
    if (m < 0)
        return;     /* no memfd here: run as we are (the probe says so) */
    if (setenv("ISOLAB_SELF", path, 1) == 0) {
        extern char **environ;
        fexecve(m, argv, environ);
    }
    /* fexecve failed: carry on from the file */
    unsetenv("ISOLAB_SELF");
    close(m);
}

bool isolab_sealed_needed(const struct lab_config *cfg, bool supervised)
{
    /* a mount namespace too: without one, the host's /proc (every host
     * pid, isolab's among them) is the sandbox's */
    if (supervised || !layer_in_force(cfg, LAYER_NS) || !cfg->ns[NS_PID] || !cfg->ns[NS_MNT] ||
        cfg->fn)
        return true;
    if (lab_config_caps_in_force(cfg) & (1ull << CAP_SYS_PTRACE))
        return true;
    char v[8] = "";
    _cleanup_close_ int fd = open("/proc/sys/fs/suid_dumpable", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, v, sizeof v - 1) : -1;
    return n <= 0 || v[0] == '1';
}
