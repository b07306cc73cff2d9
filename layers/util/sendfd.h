/* Passing one file descriptor over a unix socket (SCM_RIGHTS): the console
 * relay sends the pty master this way, and the seccomp layer sends the
 * notify fd to a --listener supervisor. */
#ifndef ISOLAB_SENDFD_H
#define ISOLAB_SENDFD_H

#include <stddef.h>
#include <sys/types.h>

/* sendmsg(sock) of the len bytes at data with fd attached, MSG_NOSIGNAL;
 * returns what sendmsg returned, errno as sendmsg left it. */
ssize_t isolab_send_fd(int sock, void *data, size_t len, int fd);
/* recvmsg(sock) of up to len bytes into data and the one fd sent with them
 * (MSG_CMSG_CLOEXEC) into *fd, -1 if none came; returns what recvmsg
 * returned. */
ssize_t isolab_recv_fd(int sock, void *data, size_t len, int *fd);

#endif
