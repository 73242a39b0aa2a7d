/*
 * Fuzz target for the command APDU codec (src/iso7816/apdu.c, ISO/IEC 7816-4 §5.1) and the CLA
 * decoder (§5.4.1). A command that parses must re-encode, in the same length form, to exactly
 * the input bytes; re-encoding in the form apdu_encode chooses itself must parse back to the
 * same fields. A CLA that decodes must encode back to a CLA with the same meaning.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seam/apdu.h"

static uint8_t out[APDU_MAX_COMMAND];

static void same_fields(const apdu_cmd *a, const apdu_cmd *b)
{
    if (a->cla != b->cla || a->ins != b->ins || a->p1 != b->p1 || a->p2 != b->p2 ||
        a->lc != b->lc || a->le != b->le || a->has_le != b->has_le || a->apdu_case != b->apdu_case)
        abort();
    if (a->lc && memcmp(a->data, b->data, a->lc) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apdu_cmd c, d;
    size_t len;
    if (size) {
        apdu_cla cla, back;
        if (apdu_cla_decode(data[0], &cla) == SEAM_OK) {
            if (cla.channel > 19) abort();
            uint8_t b =
                apdu_cla_encode(cla.proprietary, cla.channel, cla.secure_messaging, cla.chaining);
            if (apdu_cla_decode(b, &back) != SEAM_OK || back.channel != cla.channel ||
                back.proprietary != cla.proprietary || back.chaining != cla.chaining ||
                back.secure_messaging != cla.secure_messaging)
                abort();
        }
    }
    if (apdu_parse(data, size, &c) != SEAM_OK) return 0;
    if (c.apdu_case < 1 || c.apdu_case > 4 || c.lc > APDU_MAX_DATA || c.le > 65536) abort();
    if (c.lc && (c.data < data || c.data + c.lc > data + size)) abort();

    if (apdu_encode(&c, c.extended, out, sizeof out, &len) != SEAM_OK) abort();
    if (len != size || memcmp(out, data, size) != 0) abort();
    if (apdu_parse(out, len, &d) != SEAM_OK) abort();
    same_fields(&c, &d);
    if (d.extended != c.extended) abort();

    if (apdu_encode(&c, false, out, sizeof out, &len) != SEAM_OK) abort();
    if (apdu_parse(out, len, &d) != SEAM_OK) abort();
    same_fields(&c, &d);
    return 0;
}
