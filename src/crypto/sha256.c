/*
 * SHA-256 (FIPS 180-4) over several parts through OpenSSL 3 EVP, so that a KDF can hash
 * secret || counter || context without assembling a copy of the secret (the one-shot cr_sha256
 * is in aes.c with the other one-shot primitives).
 *
 * Invariants: the digest context is freed (OpenSSL cleanses its state) on every path; on any
 * error the output is wiped.
 */
#include <openssl/evp.h>

#include "crypto/crypto_int.h"

seam_err cr_sha256_parts(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                         const uint8_t *c, size_t clen, uint8_t out[32])
{
    if (!out || (alen && !a) || (blen && !b) || (clen && !c)) return SEAM_E_ARG;
    const EVP_MD *md = cr_int_sha256();
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int outl = 0;
    seam_err e = SEAM_E_CRYPTO;
    if (md && ctx && EVP_DigestInit_ex2(ctx, md, NULL) &&
        (!alen || EVP_DigestUpdate(ctx, a, alen)) && (!blen || EVP_DigestUpdate(ctx, b, blen)) &&
        (!clen || EVP_DigestUpdate(ctx, c, clen)) && EVP_DigestFinal_ex(ctx, out, &outl) &&
        outl == 32)
        e = SEAM_OK;
    EVP_MD_CTX_free(ctx);
    if (e != SEAM_OK) seam_wipe(out, 32);
    return e;
}
