/*
 * The DER element reader shared by seam's strict parsers of X.509 certificates (src/gp/x509.c)
 * and CMS SignedData (src/gp/cms_parse.c): one element at a time, with the restrictions of
 * X.690 §10.1 (DER), on a bounded reader (seam_rd). Everything above one element (which tags
 * where, SET OF order, OIDs) is the callers'.
 */
#ifndef SEAM_DER_H
#define SEAM_DER_H

#include <stddef.h>
#include <stdint.h>

#include "seam/base.h"

/* One element as read: its tag, its content, and its whole encoding (tag through content). */
typedef struct {
    uint8_t tag;
    const uint8_t *v;
    size_t vlen;
    const uint8_t *all;
    size_t alen;
} der_el;

/* Reads the next element of r (X.690 §8.1.2-8.1.3, §10.1). Refuses the high tag number form
 * (no seam format needs one), the indefinite length, length fields of more than 4 octets,
 * lengths not in the fewest octets, and content running past r. Returns NULL on success (*t
 * filled, r after the element), else the reason in words ("truncated", "indefinite length
 * (BER, not DER)", ...) with r where it was and *t zeroed. */
const char *der_get(seam_rd *r, der_el *t);

#endif
