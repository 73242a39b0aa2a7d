/*
 * Socket framing shared by both ends of the wire: the card (`seam se`, src/se/io) and the host
 * (src/host/transport.c). It is vsmartcard's vpcd protocol: each message is a 2-byte big-endian
 * length and that many bytes (1..65535). From host to card a 1-byte message is a control
 * (FRAME_CTRL_*); a longer one is a command APDU, answered with one response APDU. Only
 * FRAME_CTRL_ATR is answered; power off, power on and reset get no reply (vpcd sends them and
 * reads nothing back).
 *
 * Also the address syntax and socket setup both ends use: "unix:PATH" or "tcp:HOST:PORT"
 * (HOST may be a name, an IPv4 address or a bracketed IPv6 address such as [::1]).
 *
 * Invariants: the peer is hostile. A frame is read only into the caller's buffer and only after
 * its length was checked against the capacity; a zero length, an oversize length, a short read or
 * a silent peer (timeout) is an error (SEAM_E_PROTOCOL or SEAM_E_IO), never an overrun. Writes
 * never raise SIGPIPE. This module depends on nothing but base and libc.
 */
#ifndef SEAM_FRAME_H
#define SEAM_FRAME_H

#include "seam/base.h"

#define FRAME_MAX 0xFFFFu /* largest payload a 2-byte length can carry */

#define FRAME_CTRL_OFF 0x00
#define FRAME_CTRL_ON 0x01
#define FRAME_CTRL_RESET 0x02
#define FRAME_CTRL_ATR 0x04

/* Default timeout, in milliseconds, for a peer that stops sending in the middle of a frame or
 * never answers a command. */
#define FRAME_TIMEOUT_MS 30000

/* Writes one frame (len 1..FRAME_MAX, else SEAM_E_LENGTH). SEAM_E_IO when the peer is gone. */
seam_err frame_write(int fd, const uint8_t *p, size_t len);

/* Reads one frame into buf. Each wait for more bytes lasts at most timeout_ms (< 0: forever).
 * Errors: SEAM_E_IO on a read error, a timeout, or the peer closing before the first byte of the
 * frame (a clean disconnect: *clean_eof is set when clean_eof is not NULL); SEAM_E_PROTOCOL on a
 * zero length, a length above cap, or the peer closing in the middle of a frame. */
seam_err frame_read(int fd, uint8_t *buf, size_t cap, size_t *len, int timeout_ms, bool *clean_eof);

/* Waits up to timeout_ms for fd to become readable (or to report EOF / an error, which the next
 * read will see). SEAM_OK when readable, SEAM_E_NOT_FOUND on timeout or EINTR, SEAM_E_IO on
 * error. */
seam_err frame_wait_readable(int fd, int timeout_ms);

/* Connects to "unix:PATH" or "tcp:HOST:PORT". A TCP connect gives up after timeout_ms. */
seam_err frame_connect(const char *spec, int timeout_ms, int *fd);
/* Connects to a TCP host and port. */
seam_err frame_connect_tcp(const char *host, uint16_t port, int timeout_ms, int *fd);

/* Listens on "unix:PATH" (a stale socket file at PATH is replaced; any other file there is
 * refused with SEAM_E_EXISTS) or "tcp:HOST:PORT" (port 0 picks a free port: read it back with
 * frame_local_port). */
seam_err frame_listen(const char *spec, int *fd);
/* The local TCP port of a socket (0 for a Unix socket or on error). */
uint16_t frame_local_port(int fd);
/* Waits up to timeout_ms for a client on a listening socket. SEAM_OK with *client set, or
 * SEAM_E_NOT_FOUND when none came, SEAM_E_IO on error. */
seam_err frame_accept(int listen_fd, int timeout_ms, int *client);

#endif
