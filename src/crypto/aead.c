/*
 * Authenticated encryption for Java Card's AEADCipher natives: AES-GCM (NIST SP 800-38D) and
 * AES-CCM (NIST SP 800-38C, RFC 3610), through OpenSSL 3 EVP.
 *
 * GCM streams: AAD first, then data, each in any number of calls; OpenSSL writes as many bytes
 * as it reads. The tag length (4..16) is chosen at final; OpenSSL compares a received tag with
 * CRYPTO_memcmp (constant time) over the given length, which is the truncated-tag check of SP
 * 800-38D §7.2 step 8 (the first t bits).
 *
 * CCM cannot stream in OpenSSL (and SP 800-38C §A.2 needs the AAD and payload lengths in the
 * first block): the tag length, nonce length and both lengths are fixed at _new; AAD and data
 * are collected in buffers of exactly the announced sizes and processed at final, where
 * decryption checks the tag before it writes any plaintext.
 *
 * Invariants: an AEAD context is single use (a nonce must never encrypt twice): after its final
 * every call but _free is SEAM_E_STATE. Buffered plaintext or ciphertext is wiped on free.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto/crypto_int.h"

#define GCM_MAX_NONCE 128       /* OpenSSL's GCM IV buffer */
#define CCM_MAX_INPUT (1 << 20) /* bytes of AAD, and of data, a CCM context will buffer */

typedef enum { ST_AAD, ST_DATA, ST_DONE } aead_state;

struct cr_aead_ctx {
    EVP_CIPHER_CTX *ctx;
    cr_aead_alg alg;
    bool enc;
    aead_state st;
    size_t taglen;             /* CCM */
    size_t aad_len, msg_len;   /* CCM: announced */
    size_t aad_have, msg_have; /* CCM: buffered so far */
    uint8_t *aad, *msg;        /* CCM buffers */
};

static const char *aes_mode_name(cr_aead_alg alg, size_t keylen)
{
    static const char *const gcm[3] = {"AES-128-GCM", "AES-192-GCM", "AES-256-GCM"};
    static const char *const ccm[3] = {"AES-128-CCM", "AES-192-CCM", "AES-256-CCM"};
    int i = keylen == 16 ? 0 : keylen == 24 ? 1 : keylen == 32 ? 2 : -1;
    if (i < 0) return NULL;
    return alg == CR_AEAD_AES_GCM ? gcm[i] : ccm[i];
}

void cr_aead_free(cr_aead_ctx *ctx)
{
    if (!ctx) return;
    EVP_CIPHER_CTX_free(ctx->ctx);
    if (ctx->aad) {
        seam_wipe(ctx->aad, ctx->aad_len);
        free(ctx->aad);
    }
    if (ctx->msg) {
        seam_wipe(ctx->msg, ctx->msg_len);
        free(ctx->msg);
    }
    seam_wipe(ctx, sizeof *ctx);
    free(ctx);
}

/* Checks the CCM parameters of SP 800-38C §A.1: nonce 7..13 bytes (so the length field has
 * q = 15 - n bytes), tag 4..16 and even, payload length < 2^(8q). */
static seam_err ccm_check(size_t nonce_len, size_t taglen, size_t aad_len, size_t msg_len)
{
    if (nonce_len < 7 || nonce_len > 13) return SEAM_E_LENGTH;
    if (taglen < 4 || taglen > 16 || (taglen & 1)) return SEAM_E_LENGTH;
    size_t q = 15 - nonce_len;
    if (q < 8 && (uint64_t)msg_len >= ((uint64_t)1 << (8 * q))) return SEAM_E_LENGTH;
    if (aad_len > CCM_MAX_INPUT || msg_len > CCM_MAX_INPUT) return SEAM_E_LENGTH;
    return SEAM_OK;
}

seam_err cr_aead_new(cr_aead_alg alg, bool encrypt, const uint8_t *key, size_t keylen,
                     const uint8_t *nonce, size_t nonce_len, size_t taglen, size_t aad_len,
                     size_t msg_len, cr_aead_ctx **ctx)
{
    if (!ctx) return SEAM_E_ARG;
    *ctx = NULL;
    if (alg != CR_AEAD_AES_GCM && alg != CR_AEAD_AES_CCM) return SEAM_E_UNSUPPORTED;
    if (!key || !nonce) return SEAM_E_ARG;
    const char *name = aes_mode_name(alg, keylen);
    if (!name) return SEAM_E_LENGTH;
    if (alg == CR_AEAD_AES_GCM) {
        if (nonce_len < 1 || nonce_len > GCM_MAX_NONCE) return SEAM_E_LENGTH;
    } else {
        seam_err e = ccm_check(nonce_len, taglen, aad_len, msg_len);
        if (e != SEAM_OK) return e;
    }
    const EVP_CIPHER *cipher = cr_int_cipher(name);
    if (!cipher) return SEAM_E_CRYPTO;

    cr_aead_ctx *c = calloc(1, sizeof *c);
    if (!c) return SEAM_E_NOMEM;
    c->alg = alg;
    c->enc = encrypt;
    c->st = ST_AAD;
    seam_err e = SEAM_E_CRYPTO;
    if (alg == CR_AEAD_AES_CCM) {
        c->taglen = taglen;
        c->aad_len = aad_len;
        c->msg_len = msg_len;
        c->aad = malloc(aad_len ? aad_len : 1);
        c->msg = malloc(msg_len ? msg_len : 1);
        if (!c->aad || !c->msg) {
            e = SEAM_E_NOMEM;
            goto out;
        }
    }
    c->ctx = EVP_CIPHER_CTX_new();
    if (!c->ctx || !EVP_CipherInit_ex2(c->ctx, cipher, NULL, NULL, encrypt ? 1 : 0, NULL) ||
        EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)nonce_len, NULL) <= 0)
        goto out;
    /* CCM: the tag length goes into the first block, so OpenSSL needs it before the key. */
    if (alg == CR_AEAD_AES_CCM &&
        EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_SET_TAG, (int)taglen, NULL) <= 0)
        goto out;
    if (!EVP_CipherInit_ex2(c->ctx, NULL, key, nonce, -1, NULL)) goto out;
    e = SEAM_OK;
out:
    if (e != SEAM_OK) {
        cr_aead_free(c);
        return e;
    }
    *ctx = c;
    return SEAM_OK;
}

seam_err cr_aead_update_aad(cr_aead_ctx *ctx, const uint8_t *aad, size_t len)
{
    if (!ctx || (len && !aad)) return SEAM_E_ARG;
    if (ctx->st != ST_AAD) return SEAM_E_STATE;
    if (len == 0) return SEAM_OK;
    if (ctx->alg == CR_AEAD_AES_CCM) {
        if (len > ctx->aad_len - ctx->aad_have) return SEAM_E_LENGTH;
        memcpy(ctx->aad + ctx->aad_have, aad, len);
        ctx->aad_have += len;
        return SEAM_OK;
    }
    if (len > INT_MAX) return SEAM_E_LENGTH;
    int outl = 0;
    if (!EVP_CipherUpdate(ctx->ctx, NULL, &outl, aad, (int)len)) {
        ctx->st = ST_DONE;
        return SEAM_E_CRYPTO;
    }
    return SEAM_OK;
}

size_t cr_aead_update_len(const cr_aead_ctx *ctx, size_t len)
{
    if (!ctx) return 0;
    return ctx->alg == CR_AEAD_AES_GCM ? len : 0;
}

seam_err cr_aead_update(cr_aead_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                        size_t *out_len)
{
    if (!ctx || !out_len || (len && !in)) return SEAM_E_ARG;
    *out_len = 0;
    if (ctx->st == ST_DONE) return SEAM_E_STATE;
    ctx->st = ST_DATA;
    if (len == 0) return SEAM_OK;
    if (ctx->alg == CR_AEAD_AES_CCM) {
        if (len > ctx->msg_len - ctx->msg_have) return SEAM_E_LENGTH;
        memcpy(ctx->msg + ctx->msg_have, in, len);
        ctx->msg_have += len;
        return SEAM_OK;
    }
    if (!out) return SEAM_E_ARG;
    if (len > INT_MAX) return SEAM_E_LENGTH;
    if (cap < len) return SEAM_E_LENGTH;
    int outl = 0;
    if (!EVP_CipherUpdate(ctx->ctx, out, &outl, in, (int)len) || (size_t)outl != len) {
        seam_wipe(out, len);
        ctx->st = ST_DONE;
        return SEAM_E_CRYPTO;
    }
    *out_len = len;
    return SEAM_OK;
}

/* CCM at final: lengths, AAD, (tag to check), then the whole payload in one call. */
static seam_err ccm_run(cr_aead_ctx *c, uint8_t *out, const uint8_t *tag)
{
    static uint8_t dummy[1];
    int outl = 0;
    if (c->aad_have != c->aad_len || c->msg_have != c->msg_len) return SEAM_E_LENGTH;
    if (!EVP_CipherUpdate(c->ctx, NULL, &outl, NULL, (int)c->msg_len)) return SEAM_E_CRYPTO;
    if (c->aad_len && !EVP_CipherUpdate(c->ctx, NULL, &outl, c->aad, (int)c->aad_len))
        return SEAM_E_CRYPTO;
    if (tag && EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_SET_TAG, (int)c->taglen, (void *)tag) <= 0)
        return SEAM_E_CRYPTO;
    /* For decryption OpenSSL checks the tag inside this call and fails if it is wrong. */
    if (!EVP_CipherUpdate(c->ctx, c->msg_len ? out : dummy, &outl, c->msg_len ? c->msg : dummy,
                          (int)c->msg_len))
        return tag ? SEAM_E_AUTH : SEAM_E_CRYPTO;
    return (size_t)outl == c->msg_len ? SEAM_OK : SEAM_E_CRYPTO;
}

seam_err cr_aead_encrypt_final(cr_aead_ctx *ctx, uint8_t *out, size_t cap, size_t *out_len,
                               uint8_t *tag, size_t taglen)
{
    if (!ctx || !out_len || !tag) return SEAM_E_ARG;
    *out_len = 0;
    if (ctx->st == ST_DONE) return SEAM_E_STATE;
    if (!ctx->enc) return SEAM_E_STATE;
    size_t n = ctx->alg == CR_AEAD_AES_CCM ? ctx->msg_len : 0;
    if (ctx->alg == CR_AEAD_AES_CCM ? taglen != ctx->taglen : (taglen < 4 || taglen > 16))
        return SEAM_E_LENGTH;
    if (n && !out) return SEAM_E_ARG;
    if (cap < n) return SEAM_E_LENGTH;
    ctx->st = ST_DONE;
    seam_err e = SEAM_OK;
    if (ctx->alg == CR_AEAD_AES_CCM) e = ccm_run(ctx, out, NULL);
    uint8_t fin[16];
    int finl = 0;
    if (e == SEAM_OK && (!EVP_CipherFinal_ex(ctx->ctx, fin, &finl) || finl != 0)) e = SEAM_E_CRYPTO;
    if (e == SEAM_OK && EVP_CIPHER_CTX_ctrl(ctx->ctx, EVP_CTRL_AEAD_GET_TAG, (int)taglen, tag) <= 0)
        e = SEAM_E_CRYPTO;
    if (e != SEAM_OK) {
        seam_wipe(tag, taglen);
        if (n) seam_wipe(out, n);
        return e;
    }
    *out_len = n;
    return SEAM_OK;
}

seam_err cr_aead_decrypt_final(cr_aead_ctx *ctx, uint8_t *out, size_t cap, size_t *out_len,
                               const uint8_t *tag, size_t taglen)
{
    if (!ctx || !out_len || !tag) return SEAM_E_ARG;
    *out_len = 0;
    if (ctx->st == ST_DONE) return SEAM_E_STATE;
    if (ctx->enc) return SEAM_E_STATE;
    size_t n = ctx->alg == CR_AEAD_AES_CCM ? ctx->msg_len : 0;
    if (ctx->alg == CR_AEAD_AES_CCM ? taglen != ctx->taglen : (taglen < 4 || taglen > 16))
        return SEAM_E_LENGTH;
    if (n && !out) return SEAM_E_ARG;
    if (cap < n) return SEAM_E_LENGTH;
    ctx->st = ST_DONE;
    seam_err e;
    if (ctx->alg == CR_AEAD_AES_CCM) {
        e = ccm_run(ctx, out, tag);
    } else {
        uint8_t fin[16];
        int finl = 0;
        e = SEAM_OK;
        if (EVP_CIPHER_CTX_ctrl(ctx->ctx, EVP_CTRL_AEAD_SET_TAG, (int)taglen, (void *)tag) <= 0)
            e = SEAM_E_CRYPTO;
        else if (!EVP_CipherFinal_ex(ctx->ctx, fin, &finl))
            e = SEAM_E_AUTH;
    }
    if (e != SEAM_OK) {
        if (n) seam_wipe(out, n);
        return e;
    }
    *out_len = n;
    return SEAM_OK;
}
