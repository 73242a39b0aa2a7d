/*
 * The card side of the wire: serves one secure element over the vpcd framing (seam/frame.h),
 * either as a client of vsmartcard's vpcd (so pcscd shows it as a PC/SC reader with a card) or
 * as a server on a Unix or TCP socket for seam's own hosts (card_open_socket).
 *
 * Both loops run until *stop becomes non-zero (checked at least every 200 ms), then return
 * SEAM_OK. A peer that breaks the protocol (zero or oversize length, truncated frame, unknown
 * control, silence in the middle of a frame) loses its connection and gets a log line; the
 * loop goes on. If the card itself stops answering (SEAM_E_TORN, SEAM_E_FAULT from the card)
 * the loop returns that error: the caller power-cycles the SE (se_close + se_open) and serves
 * again.
 *
 * Power: a new connection finds the card unpowered. Power on (or the first APDU while off) does
 * a cold reset; reset does a warm reset; power off only marks the card off. Get ATR answers the
 * ATR of the last reset without resetting (vpcd polls it to see whether the card is present).
 */
#ifndef SEAM_SERVE_H
#define SEAM_SERVE_H

#include "seam/base.h"
#include "seam/se.h"

/* The vpcd default port of Debian's vsmartcard-vpcd (/etc/reader.conf.d/vpcd: 0x8C7B). */
#define SE_VPCD_DEFAULT_PORT 35963

/* Connects to vpcd at host:port (the SE is the TCP client) and serves it; when the connection
 * drops or cannot be made, retries every second until *stop. */
seam_err se_serve_vpcd(se *s, const char *host, uint16_t port, volatile int *stop);

/* Listens on "unix:PATH" or "tcp:HOST:PORT" and serves one client at a time until *stop.
 * A Unix socket file is removed again on return. */
seam_err se_serve_listen(se *s, const char *spec, volatile int *stop);

/* The same loops over any card given as two callbacks, so the transport can be tested (and
 * used) without an SE. transmit must return a whole response APDU; reset returns the ATR. */
typedef struct {
    seam_err (*reset)(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len);
    seam_err (*transmit)(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                         size_t *resp_len);
    void *ctx;
} se_serve_card;

seam_err se_serve_vpcd_card(const se_serve_card *card, const char *host, uint16_t port,
                            volatile int *stop);
/* Serves clients arriving on an already listening socket (frame_listen); does not close it. */
seam_err se_serve_fd_card(const se_serve_card *card, int listen_fd, volatile int *stop);

#endif
