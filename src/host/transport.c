/*
 * The host's card handle (include/seam/transport.h): one struct, three kinds of link
 * (callbacks, a vpcd-framed socket, PC/SC in src/host/transport_pcsc.c), and the ISO 7816
 * response conventions every host follows on top of any of them (card_transmit_full).
 *
 * Invariants: every response from a card or a peer is checked against the caller's capacity
 * before it is copied; a response shorter than a status word is SEAM_E_PROTOCOL; a socket peer
 * that goes silent for FRAME_TIMEOUT_MS is SEAM_E_IO; GET RESPONSE loops are bounded by the
 * caller's capacity and a fixed round count.
 */
#include "host/transport_impl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seam/frame.h"
#include "seam/sw.h"

/* GET RESPONSE, ISO 7816-4 §7.6.1. */
#define INS_GET_RESPONSE 0xC0
/* A card that keeps answering 61xx is broken: 65536 bytes at 256 per round is 256 rounds. */
#define MAX_GET_RESPONSE_ROUNDS 300

seam_err card_open_fns(seam_card **out, const seam_card_fns *fns)
{
    if (!out || !fns || !fns->transmit || !fns->reset) return SEAM_E_ARG;
    *out = NULL;
    seam_card *c = calloc(1, sizeof *c);
    if (!c) return SEAM_E_NOMEM;
    c->kind = CARD_FNS;
    c->fns = *fns;
    c->fd = -1;
    seam_err e = fns->reset(fns->ctx, c->atr, sizeof c->atr, &c->atr_len);
    if (e != SEAM_OK) {
        free(c);
        return e;
    }
    *out = c;
    return SEAM_OK;
}

/* ---- socket ---- */

static seam_err sock_ctrl(seam_card *c, uint8_t ctrl)
{
    return frame_write(c->fd, &ctrl, 1);
}

static seam_err sock_get_atr(seam_card *c)
{
    uint8_t buf[64];
    size_t n = 0;
    seam_err e = sock_ctrl(c, FRAME_CTRL_ATR);
    if (e == SEAM_OK) e = frame_read(c->fd, buf, sizeof buf, &n, FRAME_TIMEOUT_MS, NULL);
    if (e != SEAM_OK) return e;
    if (n > sizeof c->atr) return SEAM_E_PROTOCOL;
    memcpy(c->atr, buf, n);
    c->atr_len = n;
    return SEAM_OK;
}

seam_err card_open_socket(seam_card **out, const char *spec)
{
    if (!out || !spec) return SEAM_E_ARG;
    *out = NULL;
    seam_card *c = calloc(1, sizeof *c);
    if (!c) return SEAM_E_NOMEM;
    c->kind = CARD_SOCKET;
    seam_err e = frame_connect(spec, 5000, &c->fd);
    if (e != SEAM_OK) {
        if (e == SEAM_E_FORMAT)
            seam_log(SEAM_LOG_ERROR, "bad address '%s': expected unix:PATH or tcp:HOST:PORT", spec);
        else
            seam_log(SEAM_LOG_ERROR, "cannot connect to %s: %s", spec, seam_strerror(e));
        free(c);
        return e;
    }
    /* Power the card up (the server cold-resets it) and read its ATR. */
    e = sock_ctrl(c, FRAME_CTRL_ON);
    if (e == SEAM_OK) e = sock_get_atr(c);
    if (e != SEAM_OK) {
        seam_log(SEAM_LOG_ERROR, "no ATR from %s: %s", spec, seam_strerror(e));
        close(c->fd);
        free(c);
        return e;
    }
    *out = c;
    return SEAM_OK;
}

/* ---- common ---- */

seam_err card_transmit(seam_card *c, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                       size_t *resp_len)
{
    if (!c || !cmd || !resp || !resp_len || len == 0) return SEAM_E_ARG;
    *resp_len = 0;
    seam_err e;
    switch (c->kind) {
    case CARD_FNS:
        e = c->fns.transmit(c->fns.ctx, cmd, len, resp, cap, resp_len);
        if (e == SEAM_OK && *resp_len > cap) e = SEAM_E_LENGTH;
        break;
    case CARD_SOCKET:
        if (len < 2) return SEAM_E_ARG; /* a 1-byte frame is a control, not an APDU */
        e = frame_write(c->fd, cmd, len);
        if (e == SEAM_OK) e = frame_read(c->fd, resp, cap, resp_len, FRAME_TIMEOUT_MS, NULL);
        if (e == SEAM_E_PROTOCOL && cap < FRAME_MAX) e = SEAM_E_LENGTH;
        break;
    case CARD_PCSC:
        e = card_pcsc_transmit(c, cmd, len, resp, cap, resp_len);
        break;
    default:
        e = SEAM_E_ARG;
    }
    if (e == SEAM_OK && *resp_len < 2) e = SEAM_E_PROTOCOL;
    if (e != SEAM_OK) *resp_len = 0;
    return e;
}

seam_err card_reset(seam_card *c, uint8_t *atr, size_t cap, size_t *atr_len)
{
    if (!c) return SEAM_E_ARG;
    seam_err e;
    switch (c->kind) {
    case CARD_FNS:
        e = c->fns.reset(c->fns.ctx, c->atr, sizeof c->atr, &c->atr_len);
        break;
    case CARD_SOCKET:
        e = sock_ctrl(c, FRAME_CTRL_RESET);
        if (e == SEAM_OK) e = sock_get_atr(c);
        break;
    case CARD_PCSC:
        e = card_pcsc_reset(c);
        break;
    default:
        e = SEAM_E_ARG;
    }
    if (e != SEAM_OK) return e;
    return atr ? card_atr(c, atr, cap, atr_len) : SEAM_OK;
}

seam_err card_atr(seam_card *c, uint8_t *atr, size_t cap, size_t *atr_len)
{
    if (!c || !atr || !atr_len) return SEAM_E_ARG;
    if (c->atr_len > cap) return SEAM_E_LENGTH;
    memcpy(atr, c->atr, c->atr_len);
    *atr_len = c->atr_len;
    return SEAM_OK;
}

void card_close(seam_card *c)
{
    if (!c) return;
    if (c->kind == CARD_SOCKET && c->fd >= 0) {
        (void)sock_ctrl(c, FRAME_CTRL_OFF);
        close(c->fd);
    }
    if (c->kind == CARD_PCSC) card_pcsc_close(c);
    free(c);
}

/* ---- ISO 7816 response handling ---- */

/* The CLA of GET RESPONSE on the command's logical channel (ISO 7816-4 §5.4.1): an
 * interindustry class with the same channel number. Bit 7 set means the further interindustry
 * coding (channels 4..19 in b4..b1); otherwise channels 0..3 are in b2b1. */
static uint8_t get_response_cla(uint8_t cla)
{
    if (cla & 0x40) return (uint8_t)(0x40 | (cla & 0x0F));
    return (uint8_t)(cla & 0x03);
}

/* Rewrites a short-form command with Le = le (ISO 7816-4 §5.1: cases 1..4 short). Returns the
 * new length, or 0 when the command is not short-form (then the 6Cxx answer is left alone). */
static size_t with_le(const uint8_t *cmd, size_t len, uint8_t le, uint8_t *out, size_t cap)
{
    if (len < 4 || len + 1 > cap) return 0;
    memcpy(out, cmd, len);
    if (len == 4) { /* case 1 -> case 2 */
        out[4] = le;
        return 5;
    }
    if (len == 5) { /* case 2: replace Le */
        out[4] = le;
        return 5;
    }
    size_t lc = cmd[4];
    if (lc == 0) return 0; /* extended form */
    if (len == 5 + lc) {   /* case 3 -> case 4 */
        out[len] = le;
        return len + 1;
    }
    if (len == 6 + lc) { /* case 4: replace Le */
        out[len - 1] = le;
        return len;
    }
    return 0;
}

seam_err card_transmit_full(seam_card *c, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                            size_t *resp_len)
{
    if (!c || !cmd || !resp || !resp_len || len < 4 || cap < 2) return SEAM_E_ARG;
    *resp_len = 0;
    uint8_t *buf = malloc(FRAME_MAX + 2);
    uint8_t *retry = malloc(len + 1);
    if (!buf || !retry) {
        free(buf);
        free(retry);
        return SEAM_E_NOMEM;
    }
    size_t n = 0;
    seam_err e = card_transmit(c, cmd, len, buf, FRAME_MAX + 2, &n);
    if (e == SEAM_OK && buf[n - 2] == (SW_CORRECT_LENGTH_00 >> 8)) {
        size_t rl = with_le(cmd, len, buf[n - 1], retry, len + 1);
        if (rl) e = card_transmit(c, retry, rl, buf, FRAME_MAX + 2, &n);
    }
    size_t out = 0;
    for (int round = 0; e == SEAM_OK; round++) {
        size_t data = n - 2;
        if (out + data + 2 > cap) {
            e = SEAM_E_LENGTH;
            break;
        }
        memcpy(resp + out, buf, data);
        out += data;
        if (buf[n - 2] != (SW_BYTES_REMAINING_00 >> 8) || round >= MAX_GET_RESPONSE_ROUNDS) {
            resp[out] = buf[n - 2];
            resp[out + 1] = buf[n - 1];
            *resp_len = out + 2;
            break;
        }
        uint8_t gr[5] = {get_response_cla(cmd[0]), INS_GET_RESPONSE, 0x00, 0x00, buf[n - 1]};
        e = card_transmit(c, gr, sizeof gr, buf, FRAME_MAX + 2, &n);
    }
    free(buf);
    free(retry);
    if (e != SEAM_OK) *resp_len = 0;
    return e;
}
