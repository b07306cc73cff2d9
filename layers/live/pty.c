/* The sandbox's terminal, set up on both sides of the clone (pty.h has the
 * order). The pty is opened inside the sandbox, from its own devpts instance
 * where it has one (runc's console), so its slave belongs to the sandbox and
 * the learner's terminal is never handed in. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "layer.h"
#include "pty.h"
#include "sendfd.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

void live_io_init(struct live_io *io)
{
    memset(io, 0, sizeof *io);
    io->sock[0] = io->sock[1] = io->master = -1;
    for (int i = 0; i < 3; i++)
        io->child_fd[i] = io->relay_fd[i] = -1;
    io->n_ttys = -1;
}

bool live_needs_relay(const struct live_io *io)
{
    return io->master >= 0 || io->relay_fd[0] >= 0 || io->relay_fd[1] >= 0 ||
           io->relay_fd[2] >= 0;
}

static bool in_foreground(int fd)
{
    pid_t fg = tcgetpgrp(fd);
    return fg < 0 || fg == getpgrp();
}

/* No pty: a terminal among fds 0/1/2 is replaced by a pipe isolab relays
 * (by /dev/null for a probe function, which has nobody relaying, and for a
 * stdin that isolab, in the background, may not read). */
static int prepare_no_pty(const struct lab_config *cfg, struct live_io *io,
                          struct isolab_err *err)
{
    for (int fd = 0; fd < 3; fd++) {
        if (!isatty(fd))
            continue;
        if (cfg->fn || (fd == 0 && !in_foreground(fd))) {
            io->child_fd[fd] = open("/dev/null", O_RDWR | O_CLOEXEC);
            if (io->child_fd[fd] < 0)
                return isolab_err_set(err, errno, "console: opening /dev/null for fd %d: %s",
                                      fd, strerror(errno));
            continue;
        }
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
            return isolab_err_set(err, errno, "console: pipe for fd %d: %s", fd,
                                  strerror(errno));
        io->child_fd[fd] = fd == 0 ? p[0] : p[1];
        io->relay_fd[fd] = fd == 0 ? p[1] : p[0];
        if (fcntl(io->relay_fd[fd], F_SETFL, O_NONBLOCK) < 0)
            return isolab_err_set(err, errno, "console: fcntl: %s", strerror(errno));
    }
    return 0;
}

int live_prepare(const struct lab_config *cfg, struct live_io *io, struct isolab_err *err)
{
    live_io_init(io);
    io->pty = cfg->tty == LAB_TTY_ON ||
              (cfg->tty == LAB_TTY_AUTO && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO));
    if (!io->pty)
        return prepare_no_pty(cfg, io, err);
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, io->sock) < 0)
        return isolab_err_set(err, errno, "console: socketpair for the pty master: %s",
                              strerror(errno));
    return 0;
}

void live_parent_forget_child_ends(struct live_io *io)
{
    close_fd(&io->sock[1]);
    for (int i = 0; i < 3; i++)
        close_fd(&io->child_fd[i]);
}

void live_close(struct live_io *io)
{
    close_fd(&io->master);
    close_fd(&io->sock[0]);
    live_parent_forget_child_ends(io);
    for (int i = 0; i < 3; i++)
        close_fd(&io->relay_fd[i]);
}

static int send_fd(int sock, int fd)
{
    char c = 'm';
    return isolab_send_fd(sock, &c, 1, fd) == 1 ? 0 : -1;
}

int live_receive_master(struct live_io *io, struct isolab_err *err)
{
    if (!io->pty)
        return 0;
    char c;
    struct iovec iov = {.iov_base = &c, .iov_len = 1};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } u;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    ssize_t n = recvmsg(io->sock[0], &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    struct cmsghdr *cm = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
    close_fd(&io->sock[0]);
    if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int)))
        return isolab_err_set(err, n < 0 ? errno : EPROTO,
                              "console: the sandbox sent no pty master");
    memcpy(&io->master, CMSG_DATA(cm), sizeof io->master);
    if (fcntl(io->master, F_SETFL, O_NONBLOCK) < 0)
        return isolab_err_set(err, errno, "console: fcntl on the pty master: %s",
                              strerror(errno));
    return 0;
}

/* The sandbox's own devpts first (namespaces.c mounts a new instance on
 * /dev/pts with /dev/ptmx -> pts/ptmx); without a mount namespace this is
 * the host's. */
static int open_pty(int *master, int *slave, int *index, struct isolab_err *err)
{
    static const char *const ptmx[] = {"/dev/pts/ptmx", "/dev/ptmx"};
    int m = -1, e = 0;
    for (size_t i = 0; i < 2 && m < 0; i++) {
        m = open(ptmx[i], O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (m < 0 && !e)
            e = errno;
    }
    if (m < 0)
        return isolab_err_set(err, e, "console: opening /dev/pts/ptmx in the sandbox: %s",
                              strerror(e));
    int unlock = 0;
    if (ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCGPTN, index) < 0) {
        e = errno;
        close(m);
        return isolab_err_set(err, e, "console: unlocking the new pty: %s", strerror(e));
    }
    int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0) {
        char path[64];
        snprintf(path, sizeof path, "/dev/pts/%d", *index);
        s = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    }
    if (s < 0) {
        e = errno;
        close(m);
        return isolab_err_set(err, e, "console: opening the pty's slave: %s", strerror(e));
    }
    *master = m;
    *slave = s;
    return 0;
}

/* runc's /dev/console: the sandbox's own terminal (never the learner's). */
static void bind_console(int index)
{
    char src[64];
    snprintf(src, sizeof src, "/dev/pts/%d", index);
    int fd = open("/dev/console", O_CREAT | O_WRONLY | O_NOCTTY | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    close(fd);
    if (mount(src, "/dev/console", NULL, MS_BIND, NULL) < 0)
        unlink("/dev/console");
}

/* The sandbox keeps no fd of the learner's terminal, not even above 2. The
 * parent's list, where it sent one (a listing of the sandbox's fresh
 * /proc/self/fd costs ~60 us), else this process's own. */
static void close_other_terminals(const struct live_io *io)
{
    if (io->n_ttys >= 0) {
        for (int i = 0; i < io->n_ttys; i++)
            if (io->ttys[i] > 2 && isatty(io->ttys[i]))
                close(io->ttys[i]);
        return;
    }
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        for (int fd = 3; fd < 1024; fd++)
            if (isatty(fd))
                close(fd);
        return;
    }
    int self = dirfd(d);
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') {
            int fd = atoi(de->d_name);
            if (fd > 2 && fd != self && isatty(fd))
                close(fd);
        }
    closedir(d);
}

static int setup_pty(const struct lab_config *cfg, struct live_io *io, bool is_command,
                     struct isolab_err *err)
{
    int m = -1, s = -1, index = 0;
    if (open_pty(&m, &s, &index, err) < 0)
        return -1;
    if (layer_in_force(cfg, LAYER_NS) && cfg->ns[NS_MNT])
        bind_console(index);
    int rc = send_fd(io->sock[1], m);
    int e = errno;
    close(m);
    close_fd(&io->sock[1]);
    if (rc < 0) {
        close(s);
        return isolab_err_set(err, e, "console: sending the pty master to isolab: %s",
                              strerror(e));
    }
    for (int fd = 0; fd < 3; fd++)
        if (dup2(s, fd) < 0) {
            e = errno;
            close(s);
            return isolab_err_set(err, e, "console: dup2 of the pty onto fd %d: %s", fd,
                                  strerror(e));
        }
    close(s);
    if (is_command && ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
        return isolab_err_set(err, errno, "console: TIOCSCTTY on the sandbox's pty: %s",
                              strerror(errno));
    return 0;
}

int live_child_console(const struct lab_config *cfg, struct live_io *io, bool is_command,
                       struct isolab_err *err)
{
    close_fd(&io->sock[0]);
    for (int i = 0; i < 3; i++)
        close_fd(&io->relay_fd[i]);
    /* Out of the learner's session: no controlling terminal from here on. */
    if (setsid() < 0)
        return isolab_err_set(err, errno, "console: setsid: %s", strerror(errno));
    if (io->pty) {
        if (setup_pty(cfg, io, is_command, err) < 0)
            return -1;
    } else {
        for (int fd = 0; fd < 3; fd++) {
            if (io->child_fd[fd] < 0)
                continue;
            if (dup2(io->child_fd[fd], fd) < 0)
                return isolab_err_set(err, errno, "console: dup2 onto fd %d: %s", fd,
                                      strerror(errno));
            close_fd(&io->child_fd[fd]);
        }
    }
    close_other_terminals(io);
    return 0;
}

int live_child_become_leader(const struct live_io *io, struct isolab_err *err)
{
    if (!io->pty)
        return 0;
    if (setsid() < 0)
        return isolab_err_set(err, errno, "console: setsid for the command: %s",
                              strerror(errno));
    if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
        return isolab_err_set(err, errno, "console: TIOCSCTTY on the sandbox's pty: %s",
                              strerror(errno));
    return 0;
}
