/*
 * Serving a card over the vpcd framing (include/seam/serve.h): as vpcd's client, or as a
 * socket server for one host at a time.
 *
 * Invariants: one connection is served at a time, with two buffers allocated when a loop
 * starts; every frame from the peer is bounded by frame_read (FRAME_MAX, which is below
 * APDU_MAX_COMMAND, so nothing longer than a command APDU can ever reach the card); a protocol
 * error ends that connection only; *stop is looked at at least every STOP_POLL_MS.
 */
#include "seam/serve.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seam/frame.h"

#define STOP_POLL_MS 200
#define ATR_MAX 33 /* ISO 7816-3 §8.2.1: TS and at most 32 characters */

typedef struct {
    const se_serve_card *card;
    uint8_t *cmd;  /* FRAME_MAX */
    uint8_t *resp; /* FRAME_MAX */
    uint8_t atr[ATR_MAX];
    size_t atr_len;
    bool powered;
} conn_state;

static seam_err do_reset(conn_state *st)
{
    size_t n = 0;
    seam_err e = st->card->reset(st->card->ctx, st->atr, sizeof st->atr, &n);
    if (e != SEAM_OK) return e;
    if (n == 0 || n > sizeof st->atr) return SEAM_E_LENGTH;
    st->atr_len = n;
    st->powered = true;
    return SEAM_OK;
}

/* Serves one connection until the peer leaves, breaks the protocol, or *stop. Returns SEAM_OK
 * for every way the connection can end on the peer's side, and the card's error if the card
 * failed (the caller's loop ends then). */
static seam_err serve_conn(conn_state *st, int fd, volatile int *stop)
{
    st->powered = false; /* a new connection is a card just inserted: unpowered */
    while (!*stop) {
        seam_err e = frame_wait_readable(fd, STOP_POLL_MS);
        if (e == SEAM_E_NOT_FOUND) continue;
        if (e != SEAM_OK) return SEAM_OK;
        size_t len = 0;
        bool eof = false;
        e = frame_read(fd, st->cmd, FRAME_MAX, &len, FRAME_TIMEOUT_MS, &eof);
        if (e != SEAM_OK) {
            if (eof)
                seam_log(SEAM_LOG_INFO, "serve: peer disconnected");
            else
                seam_log(SEAM_LOG_WARN, "serve: dropping connection: %s", seam_strerror(e));
            return SEAM_OK;
        }
        if (len == 1) {
            switch (st->cmd[0]) {
            case FRAME_CTRL_OFF:
                st->powered = false;
                break;
            case FRAME_CTRL_ON:
                if (!st->powered && (e = do_reset(st)) != SEAM_OK) return e;
                break;
            case FRAME_CTRL_RESET:
                if ((e = do_reset(st)) != SEAM_OK) return e;
                break;
            case FRAME_CTRL_ATR:
                /* vpcd asks for the ATR to see whether a card is present, powered or not. */
                if (st->atr_len == 0 && (e = do_reset(st)) != SEAM_OK) return e;
                if (frame_write(fd, st->atr, st->atr_len) != SEAM_OK) return SEAM_OK;
                break;
            default:
                seam_log(SEAM_LOG_WARN, "serve: unknown control 0x%02x, dropping connection",
                         st->cmd[0]);
                return SEAM_OK;
            }
            continue;
        }
        if (!st->powered && (e = do_reset(st)) != SEAM_OK) return e;
        size_t rlen = 0;
        e = st->card->transmit(st->card->ctx, st->cmd, len, st->resp, FRAME_MAX, &rlen);
        if (e != SEAM_OK) return e;
        if (rlen < 2 || rlen > FRAME_MAX) return SEAM_E_LENGTH;
        if (frame_write(fd, st->resp, rlen) != SEAM_OK) {
            seam_log(SEAM_LOG_INFO, "serve: peer gone while answering");
            return SEAM_OK;
        }
    }
    return SEAM_OK;
}

static seam_err state_init(conn_state *st, const se_serve_card *card)
{
    memset(st, 0, sizeof *st);
    if (!card || !card->reset || !card->transmit) return SEAM_E_ARG;
    st->card = card;
    st->cmd = malloc(FRAME_MAX);
    st->resp = malloc(FRAME_MAX);
    if (!st->cmd || !st->resp) {
        free(st->cmd);
        free(st->resp);
        return SEAM_E_NOMEM;
    }
    return SEAM_OK;
}

static void state_free(conn_state *st)
{
    free(st->cmd);
    free(st->resp);
    st->cmd = st->resp = NULL;
}

seam_err se_serve_fd_card(const se_serve_card *card, int listen_fd, volatile int *stop)
{
    conn_state st;
    if (!stop) return SEAM_E_ARG;
    seam_err e = state_init(&st, card);
    if (e != SEAM_OK) return e;
    seam_err result = SEAM_OK; /* stays OK unless the card fails */
    while (!*stop) {
        int c = -1;
        e = frame_accept(listen_fd, STOP_POLL_MS, &c);
        if (e == SEAM_E_NOT_FOUND) continue;
        if (e != SEAM_OK) {
            seam_log(SEAM_LOG_WARN, "serve: accept failed");
            usleep(100 * 1000);
            continue;
        }
        seam_log(SEAM_LOG_INFO, "serve: client connected");
        result = serve_conn(&st, c, stop);
        close(c);
        if (result != SEAM_OK) {
            seam_log(SEAM_LOG_ERROR, "serve: the card failed: %s", seam_strerror(result));
            break;
        }
    }
    state_free(&st);
    return result;
}

seam_err se_serve_vpcd_card(const se_serve_card *card, const char *host, uint16_t port,
                            volatile int *stop)
{
    conn_state st;
    if (!stop || !host) return SEAM_E_ARG;
    seam_err e = state_init(&st, card);
    if (e != SEAM_OK) return e;
    bool said_waiting = false;
    while (!*stop) {
        int fd = -1;
        if (frame_connect_tcp(host, port, 2000, &fd) != SEAM_OK) {
            if (!said_waiting)
                seam_log(SEAM_LOG_WARN, "serve: cannot reach vpcd at %s:%u; retrying every second",
                         host, (unsigned)port);
            said_waiting = true;
            for (int i = 0; i < 1000 / STOP_POLL_MS && !*stop; i++)
                usleep(STOP_POLL_MS * 1000);
            continue;
        }
        said_waiting = false;
        seam_log(SEAM_LOG_INFO, "serve: connected to vpcd at %s:%u", host, (unsigned)port);
        e = serve_conn(&st, fd, stop);
        close(fd);
        if (e != SEAM_OK) {
            seam_log(SEAM_LOG_ERROR, "serve: the card failed: %s", seam_strerror(e));
            break;
        }
        if (!*stop)
            seam_log(SEAM_LOG_WARN, "serve: vpcd at %s:%u closed the connection; reconnecting",
                     host, (unsigned)port);
    }
    state_free(&st);
    return e;
}
