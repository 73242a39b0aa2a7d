/*
 * Test oracle for InitializedMessageDigest / cr_md_state: the SHA chaining state after a
 * block-aligned prefix, read from OpenSSL's low-level SHA*_CTX API (deprecated in OpenSSL 3.0
 * but present; used here only to obtain the expected value independently of src/crypto).
 * Shared by tests/test_crypto_ext.c and tests/test_jc_crypto_ext.c.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "shastate.h"

#include <openssl/sha.h>

/* The chaining state (big-endian words, the full eight for SHA-224/384) after hashing m, which
 * is whole blocks; returns its length. */
size_t sha_state_after(cr_md_alg alg, const uint8_t *m, size_t len, uint8_t *st)
{
    size_t n = 0;
    if (alg == CR_MD_SHA1) {
        SHA_CTX c;
        SHA1_Init(&c);
        SHA1_Update(&c, m, len);
        SHA_LONG w[5] = {c.h0, c.h1, c.h2, c.h3, c.h4};
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 4; j++)
                st[n++] = (uint8_t)(w[i] >> (24 - 8 * j));
    } else if (alg == CR_MD_SHA224 || alg == CR_MD_SHA256) {
        SHA256_CTX c;
        alg == CR_MD_SHA224 ? SHA224_Init(&c) : SHA256_Init(&c);
        SHA256_Update(&c, m, len);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 4; j++)
                st[n++] = (uint8_t)(c.h[i] >> (24 - 8 * j));
    } else {
        SHA512_CTX c;
        alg == CR_MD_SHA384 ? SHA384_Init(&c) : SHA512_Init(&c);
        SHA512_Update(&c, m, len);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
                st[n++] = (uint8_t)(c.h[i] >> (56 - 8 * j));
    }
    return n;
}
