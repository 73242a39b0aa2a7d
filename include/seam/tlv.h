/*
 * BER-TLV as ISO/IEC 7816-4 §5.2 and GlobalPlatform use it: tags of one to three bytes
 * (ISO 7816 allows no more), definite lengths in one byte or '81' xx, '82' xx xx, '83' xx xx xx.
 *
 * Strict parsing of hostile input: indefinite lengths ('80'), lengths of more than three
 * subsequent bytes, overlong encodings (a longer form where a shorter one fits, or a tag whose
 * subsequent byte is '80' — a leading zero in a multi-byte tag number), values running past the
 * end of the buffer, and tags of more than three bytes are all SEAM_E_FORMAT.
 * Tag 00 and FF in padding positions are not skipped: GP data seam parses has no padding.
 */
#ifndef SEAM_TLV_H
#define SEAM_TLV_H

#include "seam/base.h"

typedef struct {
    uint32_t tag;         /* the tag bytes as a big-endian number, e.g. 0x9F7F, 0xBF21 */
    const uint8_t *value; /* points into the parsed buffer */
    size_t len;           /* value length */
    size_t total;         /* tag + length + value bytes */
} tlv_t;

/* True when the tag's first byte has the constructed bit (b6) set. */
bool tlv_constructed(uint32_t tag);

/* Parses the one TLV at the start of buf. */
seam_err tlv_parse(const uint8_t *buf, size_t len, tlv_t *out);

/* Iterates TLVs that fill buf exactly (trailing bytes that are not a whole TLV: SEAM_E_FORMAT).
 * Usage: tlv_iter it; tlv_iter_init(&it, p, n); while ((e = tlv_next(&it, &t)) == SEAM_OK) ...
 * tlv_next returns SEAM_E_NOT_FOUND at the clean end. */
typedef struct {
    const uint8_t *p;
    size_t len;
    size_t off;
} tlv_iter;
void tlv_iter_init(tlv_iter *it, const uint8_t *buf, size_t len);
seam_err tlv_next(tlv_iter *it, tlv_t *out);

/* Finds the first TLV with this tag at the top level of buf; the whole buf must parse.
 * SEAM_E_NOT_FOUND if absent. */
seam_err tlv_find(const uint8_t *buf, size_t len, uint32_t tag, tlv_t *out);

/* Writing. Tag and length are encoded minimally. */
void tlv_put(seam_wr *w, uint32_t tag, const uint8_t *value, size_t len);
void tlv_put_u8(seam_wr *w, uint32_t tag, uint8_t v);
/* Nested: start a constructed TLV, write its contents, then end it. The length is fixed up
 * (the contents are moved if the length needs more than one byte). */
size_t tlv_begin(seam_wr *w, uint32_t tag);
void tlv_end(seam_wr *w, size_t mark);

/* Number of bytes tlv_put would write for a tag/length pair (header only). */
size_t tlv_header_size(uint32_t tag, size_t len);

#endif
