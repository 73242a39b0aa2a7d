/*
 * Fuzz target for the BER-TLV parser (src/base/tlv.c): parses the input as a list of TLVs,
 * descends into constructed ones recursively, and re-encodes everything that parsed with the
 * writer (tlv_put / tlv_begin / tlv_end). Because parsing accepts only minimal encodings and the
 * writer produces only minimal ones, the re-encoding must equal the input byte for byte.
 * Invariants checked: no crash or overrun (sanitizers), parse/encode round trip, iterator and
 * tlv_find agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seam/tlv.h"

#define MAX_DEPTH 16

static uint8_t out[1 << 16];

/* Re-encodes a list that parsed completely; false if it did not parse. */
static bool encode_list(const uint8_t *p, size_t n, seam_wr *w, int depth)
{
    tlv_iter it;
    tlv_t t;
    seam_err e;
    tlv_iter_init(&it, p, n);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        if (t.total > n || (t.len && (t.value < p || t.value + t.len > p + n))) abort();
        if (tlv_constructed(t.tag) && depth < MAX_DEPTH && t.len) {
            size_t mark = tlv_begin(w, t.tag);
            if (encode_list(t.value, t.len, w, depth + 1)) {
                tlv_end(w, mark);
                continue;
            }
            /* Contents are not a TLV list: undo and write the value as opaque bytes. */
            w->len = mark - (tlv_header_size(t.tag, 0) - 1);
            w->err = SEAM_OK;
        }
        tlv_put(w, t.tag, t.value, t.len);
    }
    return e == SEAM_E_NOT_FOUND;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > sizeof out) return 0;
    seam_wr w;
    seam_wr_init(&w, out, sizeof out);
    if (encode_list(data, size, &w, 0)) {
        if (w.err != SEAM_OK || w.len != size || memcmp(out, data, size) != 0) abort();
        if (size) {
            tlv_t first, found;
            if (tlv_parse(data, size, &first) != SEAM_OK) abort();
            if (tlv_find(data, size, first.tag, &found) != SEAM_OK) abort();
            if (found.value != first.value || found.total != first.total) abort();
        }
    } else {
        /* The TLV at the start, if any, still round-trips on its own. */
        tlv_t t;
        if (tlv_parse(data, size, &t) == SEAM_OK) {
            seam_wr_init(&w, out, sizeof out);
            tlv_put(&w, t.tag, t.value, t.len);
            if (w.err != SEAM_OK || w.len != t.total || memcmp(out, data, t.total) != 0) abort();
        }
        tlv_t dummy;
        if (tlv_find(data, size, 0x4F, &dummy) == SEAM_OK) abort();
    }
    return 0;
}
