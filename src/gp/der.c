/*
 * The DER element reader (include/seam/der.h), X.690 §8.1 and §10.1. Invariants: nothing is
 * read outside r; on failure r is left at the element's first byte and *t is zeroed.
 */
#include "seam/der.h"

#include <string.h>

const char *der_get(seam_rd *r, der_el *t)
{
    memset(t, 0, sizeof *t);
    size_t start = r->off;
    uint8_t tag, l0;
    const char *why = NULL;
    size_t n = 0;
    if (seam_rd_u8(r, &tag) != SEAM_OK || seam_rd_u8(r, &l0) != SEAM_OK) {
        why = "truncated";
    } else if ((tag & 0x1f) == 0x1f) {
        why = "high tag number form";
    } else if (l0 == 0x80) {
        why = "indefinite length (BER, not DER)";
    } else if (l0 < 0x80) {
        n = l0;
    } else if ((l0 & 0x7f) > 4) {
        why = "length field too long";
    } else {
        for (size_t i = 0, k = l0 & 0x7f; i < k && !why; i++) {
            uint8_t b;
            if (seam_rd_u8(r, &b) != SEAM_OK)
                why = "truncated length";
            else if (i == 0 && b == 0)
                why = "length not in the fewest octets";
            else
                n = (n << 8) | b;
        }
        if (!why && n < 0x80) why = "length not in the fewest octets";
    }
    if (!why && seam_rd_bytes(r, n, &t->v) != SEAM_OK) why = "content runs past its container";
    if (why) {
        r->off = start;
        memset(t, 0, sizeof *t);
        return why;
    }
    t->tag = tag;
    t->vlen = n;
    t->all = r->p + start;
    t->alen = r->off - start;
    return NULL;
}
