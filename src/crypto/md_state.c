/*
 * Digests started from a caller-given intermediate state (FIPS 180-4 §6: the chaining value
 * H(i) after i whole blocks, and the length of the message hashed so far), for Java Card's
 * InitializedMessageDigest.setInitialDigest.
 *
 * OpenSSL 3's EVP interface has no way to load a hash state; its low-level SHA*_CTX structures
 * (openssl/sha.h, deprecated since 3.0 but still shipped) do expose the chaining words h and
 * the bit counters Nl/Nh. This file is the one place that uses them, so it defines
 * OPENSSL_SUPPRESS_DEPRECATED before any OpenSSL header (otherwise -Werror turns the
 * deprecation warnings into errors). No part of the hash is written here: the compression
 * function, padding and finalisation are OpenSSL's SHA*_Update / SHA*_Final.
 *
 * Invariants: the state given is the full internal state, big-endian words (20 bytes for
 * SHA-1, 32 for SHA-224 and SHA-256, 64 for SHA-384 and SHA-512: SHA-224 and SHA-384 keep
 * eight words although their digest is a truncation); the length hashed so far is a positive
 * multiple of the block (64 or 128 bytes) below 2^61 bytes (2^64 bits, SHA-1/SHA-256's limit,
 * also used for SHA-384/512). The context is heap memory wiped by cr_md_state_free; after a
 * final the context is spent (SEAM_E_STATE) until freed.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "seam/crypto_ext.h"

#define MD_STATE_MAX_BYTES (UINT64_C(1) << 61)

struct cr_md_state_ctx {
    cr_md_alg alg;
    bool done;
    union {
        SHA_CTX s1;
        SHA256_CTX s256;
        SHA512_CTX s512;
    } u;
};

size_t cr_md_state_len(cr_md_alg alg)
{
    switch (alg) {
    case CR_MD_SHA1:
        return 20;
    case CR_MD_SHA224:
    case CR_MD_SHA256:
        return 32;
    case CR_MD_SHA384:
    case CR_MD_SHA512:
        return 64;
    default:
        return 0;
    }
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

seam_err cr_md_state_new(cr_md_alg alg, const uint8_t *state, size_t state_len, uint64_t done,
                         cr_md_state_ctx **ctx)
{
    if (!ctx) return SEAM_E_ARG;
    *ctx = NULL;
    size_t sl = cr_md_state_len(alg);
    if (!sl) return SEAM_E_UNSUPPORTED;
    if (!state) return SEAM_E_ARG;
    if (state_len != sl) return SEAM_E_LENGTH;
    uint64_t block = cr_md_block_len(alg);
    if (done == 0 || done % block || done >= MD_STATE_MAX_BYTES) return SEAM_E_LENGTH;
    cr_md_state_ctx *c = calloc(1, sizeof *c);
    if (!c) return SEAM_E_NOMEM;
    c->alg = alg;
    uint64_t bits = done * 8;
    int ok = 0;
    switch (alg) {
    case CR_MD_SHA1:
        ok = SHA1_Init(&c->u.s1);
        c->u.s1.h0 = be32(state);
        c->u.s1.h1 = be32(state + 4);
        c->u.s1.h2 = be32(state + 8);
        c->u.s1.h3 = be32(state + 12);
        c->u.s1.h4 = be32(state + 16);
        c->u.s1.Nl = (SHA_LONG)(bits & 0xFFFFFFFFu);
        c->u.s1.Nh = (SHA_LONG)(bits >> 32);
        break;
    case CR_MD_SHA224:
    case CR_MD_SHA256:
        ok = alg == CR_MD_SHA224 ? SHA224_Init(&c->u.s256) : SHA256_Init(&c->u.s256);
        for (int i = 0; i < 8; i++)
            c->u.s256.h[i] = be32(state + 4 * i);
        c->u.s256.Nl = (SHA_LONG)(bits & 0xFFFFFFFFu);
        c->u.s256.Nh = (SHA_LONG)(bits >> 32);
        break;
    default:
        ok = alg == CR_MD_SHA384 ? SHA384_Init(&c->u.s512) : SHA512_Init(&c->u.s512);
        for (int i = 0; i < 8; i++)
            c->u.s512.h[i] = be64(state + 8 * i);
        c->u.s512.Nl = bits;
        c->u.s512.Nh = 0;
        break;
    }
    if (ok != 1) {
        cr_md_state_free(c);
        return SEAM_E_CRYPTO;
    }
    *ctx = c;
    return SEAM_OK;
}

seam_err cr_md_state_update(cr_md_state_ctx *ctx, const uint8_t *in, size_t len)
{
    if (!ctx || (!in && len)) return SEAM_E_ARG;
    if (ctx->done) return SEAM_E_STATE;
    if (!len) return SEAM_OK;
    int ok;
    switch (ctx->alg) {
    case CR_MD_SHA1:
        ok = SHA1_Update(&ctx->u.s1, in, len);
        break;
    case CR_MD_SHA224:
        ok = SHA224_Update(&ctx->u.s256, in, len);
        break;
    case CR_MD_SHA256:
        ok = SHA256_Update(&ctx->u.s256, in, len);
        break;
    case CR_MD_SHA384:
        ok = SHA384_Update(&ctx->u.s512, in, len);
        break;
    default:
        ok = SHA512_Update(&ctx->u.s512, in, len);
        break;
    }
    return ok == 1 ? SEAM_OK : SEAM_E_CRYPTO;
}

seam_err cr_md_state_final(cr_md_state_ctx *ctx, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!ctx || !out || !out_len) return SEAM_E_ARG;
    *out_len = 0;
    if (ctx->done) return SEAM_E_STATE;
    size_t n = cr_md_len(ctx->alg);
    if (cap < n) return SEAM_E_LENGTH;
    int ok;
    switch (ctx->alg) {
    case CR_MD_SHA1:
        ok = SHA1_Final(out, &ctx->u.s1);
        break;
    case CR_MD_SHA224:
        ok = SHA224_Final(out, &ctx->u.s256);
        break;
    case CR_MD_SHA256:
        ok = SHA256_Final(out, &ctx->u.s256);
        break;
    case CR_MD_SHA384:
        ok = SHA384_Final(out, &ctx->u.s512);
        break;
    default:
        ok = SHA512_Final(out, &ctx->u.s512);
        break;
    }
    ctx->done = true;
    seam_wipe(&ctx->u, sizeof ctx->u);
    if (ok != 1) {
        seam_wipe(out, n);
        return SEAM_E_CRYPTO;
    }
    *out_len = n;
    return SEAM_OK;
}

void cr_md_state_free(cr_md_state_ctx *ctx)
{
    if (!ctx) return;
    seam_wipe(ctx, sizeof *ctx);
    free(ctx);
}
