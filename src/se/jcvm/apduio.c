/*
 * The APDU object's I/O state machine (javacard.framework.APDU, Java Card 3.0.5 API; JCRE
 * spec §9). See apduio.h for the model. Invariants: state only moves forward within a command;
 * in_off <= in_len; out_sent <= out_len <= 32767; every byte copied lies inside the buffer's
 * logical length (buf_len) and inside the response's capacity.
 *
 * Choices the specification leaves to the card, written in docs/card.md:
 *  - setOutgoing() returns Ne; a command without Le gets 256 (short) or 32767 (extended), since
 *    a T=1 card returns response data to a command without Le (the OS does the same).
 *  - the inbound block size is APDUIO_IN_BLOCK (the T=1 IFSC seam announces, 254): receiveBytes
 *    throws BUFFER_BOUNDS when the rest of the buffer cannot take the next block.
 */
#include <string.h>

#include "se/jcvm/apduio.h"

#define APDUIO_IN_BLOCK 254
#define APDUIO_MAX_OUT 32767

void apduio_begin(apduio *a, const apdu_cmd *c, uint8_t channel, bool ext_applet, se_resp *r)
{
    a->buf_len = ext_applet ? APDUIO_BUF_EXT : APDUIO_BUF_SHORT;
    size_t clear = a->hwm > a->buf_len ? a->hwm : a->buf_len;
    memset(a->buf, 0, clear);
    if (a->buf_len > a->hwm) a->hwm = a->buf_len;
    a->state = APDUIO_STATE_INITIAL;
    a->ext_applet = ext_applet;
    a->extended = c->extended;
    a->channel = channel;
    a->buf[0] = c->cla;
    a->buf[1] = c->ins;
    a->buf[2] = c->p1;
    a->buf[3] = c->p2;
    /* P3: Lc when there are data, else Le (00 for 256/65536), else 00 */
    size_t p3 = c->lc ? c->lc : (c->has_le ? c->le : 0);
    if (c->extended) {
        a->buf[4] = 0;
        a->buf[5] = (uint8_t)((p3 >> 8) & 0xFF);
        a->buf[6] = (uint8_t)(p3 & 0xFF);
        a->cdata_off = 7;
    } else {
        a->buf[4] = (uint8_t)(p3 & 0xFF);
        a->cdata_off = 5;
    }
    a->in = c->data;
    a->in_len = c->lc;
    a->in_off = 0;
    if (c->has_le)
        a->ne = c->le > APDUIO_MAX_OUT ? APDUIO_MAX_OUT : (uint32_t)c->le;
    else
        a->ne = c->extended ? APDUIO_MAX_OUT : 256;
    a->no_chaining = false;
    a->out_len = a->out_sent = 0;
    a->r = r;
}

void apduio_wipe(apduio *a)
{
    seam_wipe(a->buf, a->hwm);
    a->hwm = 0;
    a->in = NULL;
    a->in_len = a->in_off = 0;
    a->r = NULL;
    a->state = APDUIO_STATE_INITIAL;
}

/* Copies up to room bytes of the command data not yet received to buf[off]. */
static int32_t receive(apduio *a, size_t off, size_t room)
{
    size_t n = a->in_len - a->in_off;
    if (n > room) n = room;
    if (n) memcpy(a->buf + off, a->in + a->in_off, n);
    a->in_off += n;
    a->state = a->in_off == a->in_len ? APDUIO_STATE_FULL_INCOMING : APDUIO_STATE_PARTIAL_INCOMING;
    return (int32_t)n;
}

int apduio_set_incoming_and_receive(apduio *a, int32_t *got)
{
    if (a->state != APDUIO_STATE_INITIAL) return APDUIO_E_ILLEGAL_USE;
    *got = receive(a, a->cdata_off, (size_t)a->buf_len - a->cdata_off);
    return 0;
}

int apduio_receive_bytes(apduio *a, int32_t boff, int32_t *got)
{
    if (a->state != APDUIO_STATE_PARTIAL_INCOMING && a->state != APDUIO_STATE_FULL_INCOMING)
        return APDUIO_E_ILLEGAL_USE;
    size_t left = a->in_len - a->in_off;
    size_t block = left < APDUIO_IN_BLOCK ? left : APDUIO_IN_BLOCK;
    if (boff < 0 || (size_t)boff > a->buf_len || (size_t)boff + block > a->buf_len)
        return APDUIO_E_BUFFER_BOUNDS;
    *got = receive(a, (size_t)boff, (size_t)a->buf_len - (size_t)boff);
    return 0;
}

int apduio_set_outgoing(apduio *a, bool no_chaining, int32_t *ne)
{
    if (a->state >= APDUIO_STATE_OUTGOING || a->state < 0) return APDUIO_E_ILLEGAL_USE;
    a->state = APDUIO_STATE_OUTGOING;
    a->no_chaining = no_chaining;
    *ne = (int32_t)a->ne;
    return 0;
}

int apduio_set_outgoing_length(apduio *a, int32_t len)
{
    if (a->state != APDUIO_STATE_OUTGOING) return APDUIO_E_ILLEGAL_USE;
    if (len < 0 || len > APDUIO_MAX_OUT || (len > 256 && !a->ext_applet))
        return APDUIO_E_BAD_LENGTH;
    if ((size_t)len > a->r->cap) return APDUIO_E_BAD_LENGTH;
    a->out_len = (uint32_t)len;
    a->state = len == 0 ? APDUIO_STATE_FULL_OUTGOING : APDUIO_STATE_OUTGOING_LENGTH_KNOWN;
    return 0;
}

static int send(apduio *a, const uint8_t *src, int32_t len)
{
    if (a->state != APDUIO_STATE_OUTGOING_LENGTH_KNOWN &&
        a->state != APDUIO_STATE_PARTIAL_OUTGOING)
        return APDUIO_E_ILLEGAL_USE;
    if ((uint32_t)len > a->out_len - a->out_sent) return APDUIO_E_ILLEGAL_USE;
    if (a->r->len + (size_t)len > a->r->cap) return APDUIO_E_IO_ERROR;
    if (len) memcpy(a->r->p + a->r->len, src, (size_t)len);
    a->r->len += (size_t)len;
    a->out_sent += (uint32_t)len;
    a->state = a->out_sent == a->out_len ? APDUIO_STATE_FULL_OUTGOING
                                         : APDUIO_STATE_PARTIAL_OUTGOING;
    return 0;
}

int apduio_send_bytes(apduio *a, int32_t boff, int32_t len)
{
    if (boff < 0 || len < 0 || (int64_t)boff + len > a->buf_len) return APDUIO_E_BUFFER_BOUNDS;
    return send(a, a->buf + boff, len);
}

int apduio_send_bytes_long(apduio *a, const uint8_t *data, int32_t data_len, int32_t boff,
                           int32_t len)
{
    if (boff < 0 || len < 0 || (int64_t)boff + len > data_len) return APDUIO_E_BUFFER_BOUNDS;
    return send(a, data + boff, len);
}

int apduio_set_outgoing_and_send(apduio *a, int32_t boff, int32_t len)
{
    if (boff < 0 || len < 0 || (int64_t)boff + len > a->buf_len) return APDUIO_E_BUFFER_BOUNDS;
    int32_t ne;
    int e = apduio_set_outgoing(a, false, &ne);
    if (!e) e = apduio_set_outgoing_length(a, len);
    if (!e && len) e = apduio_send_bytes(a, boff, len);
    return e;
}

int apduio_incoming_length(const apduio *a, int32_t *lc)
{
    if (a->state != APDUIO_STATE_PARTIAL_INCOMING && a->state != APDUIO_STATE_FULL_INCOMING)
        return APDUIO_E_ILLEGAL_USE;
    *lc = (int32_t)a->in_len;
    return 0;
}

int apduio_offset_cdata(const apduio *a, int32_t *off)
{
    if (a->state != APDUIO_STATE_PARTIAL_INCOMING && a->state != APDUIO_STATE_FULL_INCOMING)
        return APDUIO_E_ILLEGAL_USE;
    *off = a->cdata_off;
    return 0;
}
