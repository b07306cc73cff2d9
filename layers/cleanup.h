/* Scoped cleanup for the engine (bubblewrap's utils.h idea): a variable
 * declared with one of these is released when it goes out of scope, on every
 * return path. Hand a resource on with steal_pointer()/steal_fd(), which
 * leave NULL / -1 behind so that the cleanup does nothing.
 *
 *   _cleanup_free_     char *buf = malloc(n);         free()
 *   _cleanup_close_    int fd = open(...);            close() when >= 0
 *   _cleanup_fclose_   FILE *f = fopen(...);          fclose()
 *   _cleanup_closedir_ DIR *d = opendir(...);         closedir()
 *   _cleanup_json_     json_t *j = json_loads(...);   json_decref()
 *   _cleanup_seccomp_  scmp_filter_ctx c = seccomp_init(...);  seccomp_release()
 *   _cleanup_cap_      cap_t c = cap_get_proc();      cap_free() (also for the
 *                      strings cap_to_name/cap_to_text return)
 *
 * Every cleanup accepts the empty value (NULL, -1), so a variable may be
 * declared before the resource exists. The helpers keep errno as it was: an
 * error path may read errno after the scope ends. Internal to layers/. */
#ifndef ISOLAB_CLEANUP_H
#define ISOLAB_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
    int e = errno;
    free(*(void **)p);
    errno = e;
}

static inline void cleanup_closep(int *fd)
{
    if (*fd >= 0) {
        int e = errno;
        close(*fd);
        errno = e;
    }
}

static inline void cleanup_fclosep(FILE **f)
{
    if (*f) {
        int e = errno;
        fclose(*f);
        errno = e;
    }
}

static inline void cleanup_closedirp(DIR **d)
{
    if (*d) {
        int e = errno;
        closedir(*d);
        errno = e;
    }
}

static inline void cleanup_jsonp(json_t **j)
{
    json_decref(*j);    /* NULL is fine */
}

static inline void cleanup_seccompp(scmp_filter_ctx *c)
{
    if (*c)
        seccomp_release(*c);
}

/* cap_t, or any pointer libcap returned (cap_to_name, cap_to_text). */
static inline void cleanup_capp(void *p)
{
    void *c = *(void **)p;
    if (c) {
        int e = errno;
        cap_free(c);
        errno = e;
    }
}

#define _cleanup_free_ __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_ __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(cleanup_closedirp)))
#define _cleanup_json_ __attribute__((cleanup(cleanup_jsonp)))
#define _cleanup_seccomp_ __attribute__((cleanup(cleanup_seccompp)))
#define _cleanup_cap_ __attribute__((cleanup(cleanup_capp)))

/* Take ownership: return *pp and leave NULL behind. */
static inline void *steal_pointer_impl(void *pp)
{
    void **p = pp;
    void *v = *p;
    *p = NULL;
    return v;
}
#define steal_pointer(pp) ((__typeof__(*(pp)))steal_pointer_impl(pp))

/* Take ownership of an fd: return *fdp and leave -1 behind. */
static inline int steal_fd(int *fdp)
{
    int fd = *fdp;
    *fdp = -1;
    return fd;
}

#endif
