/*
 * BER-TLV as ISO/IEC 7816-4 §5.2 uses it (include/seam/tlv.h), parsed strictly from hostile
 * bytes and written in minimal form.
 *
 * Tag field (ISO 7816-4 §5.2.2.1): if b5..b1 of the first byte are all one, subsequent bytes
 * follow, each with b8 = 1 when one more follows. seam accepts at most three tag bytes, refuses
 * '00' and 'FF' as first byte (invalid in ISO 7816-4), and refuses '80' as first subsequent byte
 * (a leading zero in the tag number). Second bytes '00'..'1E' are accepted although ISO 7816-4
 * calls them invalid, because EMV and GP data use tags such as '9F02'.
 *
 * Length field (§5.2.2.2): '00'..'7F', '81' xx, '82' xx xx, '83' xx xx xx, each the shortest
 * that fits. Anything else ('80' indefinite, '84' and beyond, overlong forms) is SEAM_E_FORMAT.
 *
 * Invariants: parsing never reads outside [buf, buf + len); a parsed value always lies inside
 * the buffer; the writer encodes tags and lengths in their shortest form.
 */
#include "seam/tlv.h"

#include <string.h>

#define TLV_MAX_LEN 0xFFFFFFu /* the largest length the '83' form can carry */

static size_t tag_size(uint32_t tag)
{
    if (tag <= 0xFF) return 1;
    if (tag <= 0xFFFF) return 2;
    return 3;
}

static size_t len_size(size_t len)
{
    if (len < 0x80) return 1;
    if (len <= 0xFF) return 2;
    if (len <= 0xFFFF) return 3;
    return 4;
}

bool tlv_constructed(uint32_t tag)
{
    uint8_t first = (uint8_t)(tag >> (8 * (tag_size(tag) - 1)));
    return (first & 0x20) != 0;
}

seam_err tlv_parse(const uint8_t *buf, size_t len, tlv_t *out)
{
    if (!out || (!buf && len)) return SEAM_E_ARG;
    memset(out, 0, sizeof *out);
    seam_rd r;
    seam_rd_init(&r, buf, len);

    uint8_t b;
    if (seam_rd_u8(&r, &b) != SEAM_OK) return SEAM_E_FORMAT;
    if (b == 0x00 || b == 0xFF) return SEAM_E_FORMAT;
    uint32_t tag = b;
    if ((b & 0x1F) == 0x1F) {
        if (seam_rd_u8(&r, &b) != SEAM_OK || b == 0x80) return SEAM_E_FORMAT;
        tag = (tag << 8) | b;
        if (b & 0x80) {
            if (seam_rd_u8(&r, &b) != SEAM_OK || (b & 0x80)) return SEAM_E_FORMAT;
            tag = (tag << 8) | b;
        }
    }

    if (seam_rd_u8(&r, &b) != SEAM_OK) return SEAM_E_FORMAT;
    size_t vlen;
    if (b < 0x80) {
        vlen = b;
    } else {
        size_t nbytes = b & 0x7F;
        if (nbytes < 1 || nbytes > 3) return SEAM_E_FORMAT;
        vlen = 0;
        for (size_t i = 0; i < nbytes; i++) {
            if (seam_rd_u8(&r, &b) != SEAM_OK) return SEAM_E_FORMAT;
            vlen = (vlen << 8) | b;
        }
        if (len_size(vlen) != nbytes + 1) return SEAM_E_FORMAT;
    }

    const uint8_t *value;
    if (seam_rd_bytes(&r, vlen, &value) != SEAM_OK) return SEAM_E_FORMAT;
    out->tag = tag;
    out->value = vlen ? value : NULL;
    out->len = vlen;
    out->total = r.off;
    return SEAM_OK;
}

void tlv_iter_init(tlv_iter *it, const uint8_t *buf, size_t len)
{
    it->p = buf;
    it->len = len;
    it->off = 0;
}

seam_err tlv_next(tlv_iter *it, tlv_t *out)
{
    if (it->off >= it->len) return SEAM_E_NOT_FOUND;
    seam_err e = tlv_parse(it->p + it->off, it->len - it->off, out);
    if (e != SEAM_OK) return e;
    it->off += out->total;
    return SEAM_OK;
}

seam_err tlv_find(const uint8_t *buf, size_t len, uint32_t tag, tlv_t *out)
{
    tlv_iter it;
    tlv_t t;
    bool found = false;
    seam_err e;
    tlv_iter_init(&it, buf, len);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        if (!found && t.tag == tag) {
            *out = t;
            found = true;
        }
    }
    if (e != SEAM_E_NOT_FOUND) return e;
    return found ? SEAM_OK : SEAM_E_NOT_FOUND;
}

size_t tlv_header_size(uint32_t tag, size_t len)
{
    return tag_size(tag) + len_size(len);
}

static void put_tag(seam_wr *w, uint32_t tag)
{
    if (tag == 0 || tag > 0xFFFFFF) {
        if (w->err == SEAM_OK) w->err = SEAM_E_ARG;
        return;
    }
    for (size_t i = tag_size(tag); i-- > 0;)
        seam_wr_u8(w, (uint8_t)(tag >> (8 * i)));
}

static void put_len(seam_wr *w, size_t len)
{
    if (len > TLV_MAX_LEN) {
        if (w->err == SEAM_OK) w->err = SEAM_E_LENGTH;
        return;
    }
    size_t n = len_size(len);
    if (n > 1) seam_wr_u8(w, (uint8_t)(0x80 | (n - 1)));
    for (size_t i = (n > 1 ? n - 1 : 1); i-- > 0;)
        seam_wr_u8(w, (uint8_t)(len >> (8 * i)));
}

void tlv_put(seam_wr *w, uint32_t tag, const uint8_t *value, size_t len)
{
    put_tag(w, tag);
    put_len(w, len);
    seam_wr_bytes(w, value, len);
}

void tlv_put_u8(seam_wr *w, uint32_t tag, uint8_t v)
{
    tlv_put(w, tag, &v, 1);
}

/* The mark is the offset of a one-byte length placeholder; the contents follow it. */
size_t tlv_begin(seam_wr *w, uint32_t tag)
{
    put_tag(w, tag);
    size_t mark = w->len;
    seam_wr_u8(w, 0);
    return mark;
}

void tlv_end(seam_wr *w, size_t mark)
{
    if (w->err != SEAM_OK) return;
    if (mark >= w->len) {
        w->err = SEAM_E_ARG;
        return;
    }
    size_t clen = w->len - mark - 1;
    if (clen > TLV_MAX_LEN) {
        w->err = SEAM_E_LENGTH;
        return;
    }
    size_t extra = len_size(clen) - 1;
    if (extra) {
        if (w->cap - w->len < extra) {
            w->err = SEAM_E_LENGTH;
            return;
        }
        memmove(w->p + mark + 1 + extra, w->p + mark + 1, clen);
        w->len += extra;
        w->p[mark] = (uint8_t)(0x80 | extra);
        for (size_t i = 0; i < extra; i++)
            w->p[mark + 1 + i] = (uint8_t)(clen >> (8 * (extra - 1 - i)));
    } else {
        w->p[mark] = (uint8_t)clen;
    }
}
