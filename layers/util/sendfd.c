/* Passing one file descriptor over a unix socket (see sendfd.h). */
#include <string.h>
#include <sys/socket.h>

#include "sendfd.h"

union fd_cmsg {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
};

/* A message of len bytes at data with room for one fd (SCM_RIGHTS). */
static struct msghdr fd_msghdr(struct iovec *iov, void *data, size_t len, union fd_cmsg *u)
{
    *iov = (struct iovec){.iov_base = data, .iov_len = len};
    memset(u, 0, sizeof *u);
    return (struct msghdr){.msg_iov = iov, .msg_iovlen = 1,
                           .msg_control = u->buf, .msg_controllen = sizeof u->buf};
}

ssize_t isolab_send_fd(int sock, void *data, size_t len, int fd)
{
    struct iovec iov;
    union fd_cmsg u;
    struct msghdr msg = fd_msghdr(&iov, data, len, &u);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

ssize_t isolab_recv_fd(int sock, void *data, size_t len, int *fd)
{
    struct iovec iov;
    union fd_cmsg u;
    struct msghdr msg = fd_msghdr(&iov, data, len, &u);
    *fd = -1;
    ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
        cm->cmsg_len == CMSG_LEN(sizeof(int)))
        memcpy(fd, CMSG_DATA(cm), sizeof *fd);
    return n;
}
