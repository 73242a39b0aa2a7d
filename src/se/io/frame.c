/*
 * The vpcd socket framing and socket setup shared by card and host (include/seam/frame.h).
 *
 * Linked into both seam_se and seam_host, so it depends on nothing but base and libc.
 * Invariants: every length from the peer is checked against the caller's capacity before a
 * single payload byte is read; every wait for the peer is bounded by a timeout; every send uses
 * MSG_NOSIGNAL so a vanished peer is an error code, not a signal.
 */
#define _GNU_SOURCE
#include "seam/frame.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

seam_err frame_wait_readable(int fd, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int r = poll(&pfd, 1, timeout_ms);
    if (r == 0) return SEAM_E_NOT_FOUND;
    if (r < 0) return errno == EINTR ? SEAM_E_NOT_FOUND : SEAM_E_IO;
    /* POLLHUP/POLLERR also mean "the next read returns now" (EOF or the error). */
    return SEAM_OK;
}

/* Reads exactly n bytes. *got says how many arrived before an error (0 with SEAM_E_IO and no
 * bytes = the peer closed or went silent before sending anything). */
static seam_err read_exact(int fd, uint8_t *p, size_t n, int timeout_ms, size_t *got)
{
    *got = 0;
    while (*got < n) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int r = poll(&pfd, 1, timeout_ms);
        if (r < 0) {
            if (errno == EINTR) continue;
            return SEAM_E_IO;
        }
        if (r == 0) return SEAM_E_IO; /* timeout */
        ssize_t k = recv(fd, p + *got, n - *got, 0);
        if (k < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return SEAM_E_IO;
        }
        if (k == 0) return SEAM_E_IO; /* EOF */
        *got += (size_t)k;
    }
    return SEAM_OK;
}

seam_err frame_read(int fd, uint8_t *buf, size_t cap, size_t *len, int timeout_ms, bool *clean_eof)
{
    uint8_t hdr[2];
    size_t got;
    if (clean_eof) *clean_eof = false;
    if (!buf || !len) return SEAM_E_ARG;
    *len = 0;
    seam_err e = read_exact(fd, hdr, 2, timeout_ms, &got);
    if (e != SEAM_OK) {
        if (got == 0) {
            if (clean_eof) *clean_eof = true;
            return SEAM_E_IO;
        }
        return SEAM_E_PROTOCOL; /* half a length field */
    }
    size_t n = seam_be16(hdr);
    if (n == 0 || n > cap) return SEAM_E_PROTOCOL;
    e = read_exact(fd, buf, n, timeout_ms, &got);
    if (e != SEAM_OK) return SEAM_E_PROTOCOL; /* truncated frame */
    *len = n;
    return SEAM_OK;
}

static seam_err write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                struct pollfd pfd = {.fd = fd, .events = POLLOUT};
                if (poll(&pfd, 1, FRAME_TIMEOUT_MS) <= 0) return SEAM_E_IO;
                continue;
            }
            return SEAM_E_IO;
        }
        p += k;
        n -= (size_t)k;
    }
    return SEAM_OK;
}

seam_err frame_write(int fd, const uint8_t *p, size_t len)
{
    if (!p || len == 0 || len > FRAME_MAX) return SEAM_E_LENGTH;
    uint8_t hdr[2];
    seam_put_be16(hdr, (uint16_t)len);
    /* One writev-like send would be nicer; two sends keep it simple and the peer reads by
     * length anyway. TCP_NODELAY (set at connect/accept) keeps the latency low. */
    seam_err e = write_all(fd, hdr, 2);
    if (e == SEAM_OK) e = write_all(fd, p, len);
    return e;
}

/* ---- addresses ---- */

typedef struct {
    bool is_unix;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char host[256];
    char port[8];
} frame_addr;

static seam_err parse_port(const char *s, char out[8])
{
    if (!*s || strlen(s) > 5) return SEAM_E_FORMAT;
    unsigned long v = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9') return SEAM_E_FORMAT;
        v = v * 10 + (unsigned long)(*c - '0');
    }
    if (v > 65535) return SEAM_E_FORMAT;
    snprintf(out, 8, "%lu", v);
    return SEAM_OK;
}

static seam_err parse_spec(const char *spec, frame_addr *a)
{
    memset(a, 0, sizeof *a);
    if (!spec) return SEAM_E_ARG;
    if (!strncmp(spec, "unix:", 5)) {
        const char *p = spec + 5;
        size_t n = strlen(p);
        if (n == 0 || n >= sizeof a->path) return SEAM_E_FORMAT;
        a->is_unix = true;
        memcpy(a->path, p, n + 1);
        return SEAM_OK;
    }
    if (strncmp(spec, "tcp:", 4) != 0) return SEAM_E_FORMAT;
    const char *hp = spec + 4;
    const char *colon = strrchr(hp, ':');
    if (!colon) return SEAM_E_FORMAT;
    const char *h = hp;
    size_t hl = (size_t)(colon - hp);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    if (hl == 0 || hl >= sizeof a->host) return SEAM_E_FORMAT;
    memcpy(a->host, h, hl);
    a->host[hl] = 0;
    return parse_port(colon + 1, a->port);
}

static void set_nodelay(int fd)
{
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* connect() with a bound wait: non-blocking connect, poll, then back to blocking. */
static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t sl, int timeout_ms)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
    int r = connect(fd, sa, sl);
    if (r < 0 && errno == EINPROGRESS) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int pr;
        do
            pr = poll(&pfd, 1, timeout_ms);
        while (pr < 0 && errno == EINTR);
        if (pr <= 0) return -1;
        int err = 0;
        socklen_t el = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err != 0) return -1;
        r = 0;
    }
    if (r < 0) return -1;
    return fcntl(fd, F_SETFL, fl);
}

static seam_err connect_inet(const char *host, const char *port, int timeout_ms, int *fd)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0) return SEAM_E_NOT_FOUND;
    seam_err e = SEAM_E_IO;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (s < 0) continue;
        if (connect_timeout(s, ai->ai_addr, ai->ai_addrlen, timeout_ms) == 0) {
            set_nodelay(s);
            *fd = s;
            e = SEAM_OK;
            break;
        }
        close(s);
    }
    freeaddrinfo(res);
    return e;
}

seam_err frame_connect_tcp(const char *host, uint16_t port, int timeout_ms, int *fd)
{
    char p[8];
    if (!host || !fd) return SEAM_E_ARG;
    snprintf(p, sizeof p, "%u", (unsigned)port);
    return connect_inet(host, p, timeout_ms, fd);
}

seam_err frame_connect(const char *spec, int timeout_ms, int *fd)
{
    frame_addr a;
    if (!fd) return SEAM_E_ARG;
    seam_err e = parse_spec(spec, &a);
    if (e != SEAM_OK) return e;
    if (!a.is_unix) return connect_inet(a.host, a.port, timeout_ms, fd);
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, a.path, strlen(a.path) + 1);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return SEAM_E_IO;
    if (connect(s, (struct sockaddr *)&sun, sizeof sun) < 0) {
        close(s);
        return errno == ENOENT ? SEAM_E_NOT_FOUND : SEAM_E_IO;
    }
    *fd = s;
    return SEAM_OK;
}

seam_err frame_listen(const char *spec, int *fd)
{
    frame_addr a;
    if (!fd) return SEAM_E_ARG;
    seam_err e = parse_spec(spec, &a);
    if (e != SEAM_OK) return e;
    if (a.is_unix) {
        struct stat st;
        if (lstat(a.path, &st) == 0) {
            /* Replace a stale socket from an earlier run, never any other kind of file. */
            if (!S_ISSOCK(st.st_mode)) return SEAM_E_EXISTS;
            if (unlink(a.path) < 0) return SEAM_E_IO;
        }
        struct sockaddr_un sun;
        memset(&sun, 0, sizeof sun);
        sun.sun_family = AF_UNIX;
        memcpy(sun.sun_path, a.path, strlen(a.path) + 1);
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0) return SEAM_E_IO;
        if (bind(s, (struct sockaddr *)&sun, sizeof sun) < 0 || listen(s, 4) < 0) {
            close(s);
            return SEAM_E_IO;
        }
        *fd = s;
        return SEAM_OK;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (getaddrinfo(a.host, a.port, &hints, &res) != 0) return SEAM_E_NOT_FOUND;
    e = SEAM_E_IO;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (s < 0) continue;
        int one = 1;
        (void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(s, ai->ai_addr, ai->ai_addrlen) == 0 && listen(s, 4) == 0) {
            *fd = s;
            e = SEAM_OK;
            break;
        }
        close(s);
    }
    freeaddrinfo(res);
    return e;
}

uint16_t frame_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) return 0;
    if (ss.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}

seam_err frame_accept(int listen_fd, int timeout_ms, int *client)
{
    seam_err e = frame_wait_readable(listen_fd, timeout_ms);
    if (e != SEAM_OK) return e;
    int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED) return SEAM_E_NOT_FOUND;
        return SEAM_E_IO;
    }
    set_nodelay(c); /* fails harmlessly on a Unix socket */
    *client = c;
    return SEAM_OK;
}
