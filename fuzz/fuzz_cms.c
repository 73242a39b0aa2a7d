/*
 * Fuzz target for the card's CMS SignedData parser (src/gp/cms_parse.c), the first code a
 * quorum-signed command meets on the card (docs/trust.md): parses the input as one DER
 * ContentInfo; if it parses, checks that every span lies inside the input and the tables within
 * their bounds, then runs what the card runs next on it: each certificate through x509_parse,
 * signer matching (cms_signer_is) and the signature check (cms_signer_verify) with the matched
 * certificate's key, or with a fixed point when none matches (both must fail or pass cleanly).
 * Invariants checked: no crash or overrun (sanitizers), spans within the input, a failed parse
 * leaves the structure zeroed and the message NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seam/cms.h"
#include "seam/x509.h"

static void inside(const uint8_t *data, size_t size, x509_span s)
{
    if (s.len == 0) return;
    if (!s.p || s.p < data || s.len > size || s.p + s.len > data + size) abort();
}

/* The P-256 generator point (SEC 2 §2.4.2): a valid key no input signature matches. */
static const uint8_t G[65] = {0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc,
                              0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d,
                              0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
                              0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb,
                              0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31,
                              0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cms_signed_data sd;
    static x509_cert certs[CMS_MAX_CERTS];
    char err[96];
    if (cms_parse(data, size, &sd, err, sizeof err) != SEAM_OK) {
        static const cms_signed_data zero;
        if (memcmp(&sd, &zero, sizeof sd) != 0 || strlen(err) >= sizeof err) abort();
        return 0;
    }
    if (sd.n_certs > CMS_MAX_CERTS || sd.n_signers == 0 || sd.n_signers > CMS_MAX_SIGNERS) abort();
    inside(data, size, sd.content);
    for (size_t i = 0; i < sd.n_certs; i++) {
        inside(data, size, sd.certs[i]);
        (void)x509_parse(sd.certs[i].p, sd.certs[i].len, &certs[i], NULL, 0);
    }
    for (size_t s = 0; s < sd.n_signers; s++) {
        const cms_signer *si = &sd.signers[s];
        inside(data, size, si->sid_ski);
        inside(data, size, si->sid_issuer);
        inside(data, size, si->sid_serial);
        inside(data, size, si->signed_attrs);
        inside(data, size, si->message_digest);
        if (!si->signed_attrs.len || si->message_digest.len != 32) abort();
        if ((si->sid_ski.len != 0) == (si->sid_issuer.len != 0)) abort();
        const uint8_t *pub = G;
        for (size_t i = 0; i < sd.n_certs; i++)
            if (certs[i].pub && cms_signer_is(si, &certs[i])) pub = certs[i].pub;
        seam_err e = cms_signer_verify(&sd, si, pub, 65);
        if (e != SEAM_OK && e != SEAM_E_AUTH) abort();
    }
    return 0;
}
