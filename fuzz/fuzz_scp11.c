/*
 * Fuzz target: the card side of the SCP11 handshake (Amendment F). The first input byte picks
 * the variant (b, a or c), the rest is the INTERNAL / MUTUAL AUTHENTICATE command data, which
 * the card parses and, when it parses, answers with fixed test keys (ECDH, X9.63 KDF, receipt,
 * session start). Invariant: no crash, and a failure leaves no session behind.
 */
#include <stdlib.h>
#include <string.h>

#include "seam/scp11.h"

static const uint8_t sk_sd[32] = {0xA7, 0x2A, 0x31, 0x60, 0x6C, 0xA8, 0xBA, 0xE4, 0xC7, 0x6A, 0x97,
                                  0x19, 0x07, 0x52, 0x66, 0xEE, 0x78, 0x4C, 0xC4, 0x8D, 0x2D, 0xC1,
                                  0x1B, 0x7B, 0xC2, 0xF9, 0x63, 0x9A, 0xBF, 0xAD, 0x1A, 0x26};
static const uint8_t esk_sd[32] = {0xFE, 0x92, 0x4F, 0x48, 0x3B, 0x44, 0xC0, 0xEC, 0xA1, 0x8D, 0xC4,
                                   0xA3, 0x0E, 0x6D, 0xB5, 0x1B, 0x77, 0xCB, 0x2E, 0x6D, 0x02, 0xE1,
                                   0x4D, 0x2B, 0xB4, 0xB1, 0xA7, 0x84, 0x70, 0xC4, 0xED, 0xC0};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t pk_oce[CR_P256_PUB_LEN];
    static bool have_pk;
    if (!have_pk) {
        /* any valid point serves as the OCE's static key: the public key of sk_sd */
        if (cr_p256_public(sk_sd, pk_oce) != SEAM_OK) abort();
        have_pk = true;
    }
    if (size < 1) return 0;
    static const uint8_t variants[] = {SCP11_VARIANT_B, SCP11_VARIANT_A, SCP11_VARIANT_C};
    uint8_t variant = variants[data[0] % 3];
    scp11_params p;
    uint8_t epk[65];
    (void)scp11_card_parse(data + 1, size - 1, variant, &p, epk);
    uint8_t resp[SCP11_RESP_DATA_LEN], dek[SCP11_MAX_KEYLEN];
    size_t rl = 0;
    scp03_session s;
    memset(&s, 0, sizeof s);
    seam_err e = scp11_card_authenticate(variant, data + 1, size - 1, sk_sd,
                                         variant == SCP11_VARIANT_B ? NULL : pk_oce,
                                         variant == SCP11_VARIANT_C ? NULL : esk_sd, resp,
                                         sizeof resp, &rl, &s, dek, &p);
    if (e != SEAM_OK && (rl != 0 || s.authenticated)) abort();
    scp03_session_clear(&s);
    return 0;
}
