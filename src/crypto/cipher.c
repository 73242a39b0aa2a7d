/*
 * Block cipher modes for the Java Card Cipher natives: AES (FIPS 197) and DES/TDEA (FIPS 46-3,
 * NIST SP 800-67) in ECB and CBC mode, AES in CTR mode (NIST SP 800-38A §6.1, §6.2, §6.5), all
 * through OpenSSL 3 EVP with padding off, and ISO/IEC 9797-1 padding method 2 as a byte-level
 * helper (padding is framing, not cryptography).
 *
 * Single DES: OpenSSL 3 moved DES-ECB and DES-CBC to the legacy provider. They are fetched from
 * a library context of this file's own with the legacy and default providers loaded, so the
 * process's default context stays as it is. 2- and 3-key TDEA are in the default provider.
 *
 * CTR: OpenSSL's AES-CTR increments the whole 16-byte counter block as one big-endian integer,
 * which is what Java Card's ALG_AES_CTR specifies (the IV is the initial counter block).
 *
 * Invariants: ciphers are fetched once per process and cached by name; a context holds its key
 * only in its EVP_CIPHER_CTX (cleansed by EVP_CIPHER_CTX_free) and its IV; the count of bytes
 * OpenSSL buffers (a partial block) is tracked here so that every update's output length is
 * known, and checked against the caller's capacity, before OpenSSL writes anything.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/provider.h>

#include "crypto/crypto_int.h"

/* ---- cipher cache ---- */

static const char *const cipher_names[] = {
    "AES-128-CTR", "AES-192-CTR", "AES-256-CTR",  "AES-128-GCM",  "AES-192-GCM", "AES-256-GCM",
    "AES-128-CCM", "AES-192-CCM", "AES-256-CCM",  "AES-128-CBC",  "AES-192-CBC", "AES-256-CBC",
    "DES-EDE-ECB", "DES-EDE-CBC", "DES-EDE3-ECB", "DES-EDE3-CBC", "DES-ECB",     "DES-CBC",
};
#define N_CIPHERS (sizeof cipher_names / sizeof cipher_names[0])
#define FIRST_LEGACY 16 /* DES-ECB and DES-CBC come from the legacy provider */

static pthread_once_t cipher_once = PTHREAD_ONCE_INIT;
static EVP_CIPHER *ciphers[N_CIPHERS];
static OSSL_LIB_CTX *legacy_ctx;

static void cipher_fetch(void)
{
    legacy_ctx = OSSL_LIB_CTX_new();
    if (legacy_ctx &&
        (!OSSL_PROVIDER_load(legacy_ctx, "legacy") || !OSSL_PROVIDER_load(legacy_ctx, "default"))) {
        OSSL_LIB_CTX_free(legacy_ctx);
        legacy_ctx = NULL;
    }
    for (size_t i = 0; i < N_CIPHERS; i++) {
        OSSL_LIB_CTX *lc = i >= FIRST_LEGACY ? legacy_ctx : NULL;
        if (i >= FIRST_LEGACY && !lc) continue;
        ciphers[i] = EVP_CIPHER_fetch(lc, cipher_names[i], NULL);
    }
}

const EVP_CIPHER *cr_int_cipher(const char *name)
{
    if (!name) return NULL;
    pthread_once(&cipher_once, cipher_fetch);
    for (size_t i = 0; i < N_CIPHERS; i++)
        if (strcmp(cipher_names[i], name) == 0) return ciphers[i];
    return NULL;
}

static const char *des_name(size_t keylen, bool cbc)
{
    switch (keylen) {
    case 8:
        return cbc ? "DES-CBC" : "DES-ECB";
    case 16:
        return cbc ? "DES-EDE-CBC" : "DES-EDE-ECB";
    case 24:
        return cbc ? "DES-EDE3-CBC" : "DES-EDE3-ECB";
    default:
        return NULL;
    }
}

static const char *aes_ctr_name(size_t keylen)
{
    switch (keylen) {
    case 16:
        return "AES-128-CTR";
    case 24:
        return "AES-192-CTR";
    case 32:
        return "AES-256-CTR";
    default:
        return NULL;
    }
}

/* ---- cipher contexts ---- */

struct cr_cipher_ctx {
    EVP_CIPHER_CTX *ctx;
    cr_cipher_alg alg;
    size_t bs;      /* block length */
    size_t pending; /* bytes of a partial block OpenSSL holds (ECB, CBC) */
    bool stream;    /* CTR */
    bool has_iv;
    uint8_t iv[16];
};

void cr_cipher_free(cr_cipher_ctx *ctx)
{
    if (!ctx) return;
    EVP_CIPHER_CTX_free(ctx->ctx);
    seam_wipe(ctx, sizeof *ctx);
    free(ctx);
}

static seam_err cipher_reset(cr_cipher_ctx *c)
{
    c->pending = 0;
    return EVP_CipherInit_ex2(c->ctx, NULL, NULL, c->has_iv ? c->iv : NULL, -1, NULL)
               ? SEAM_OK
               : SEAM_E_CRYPTO;
}

seam_err cr_cipher_new(cr_cipher_alg alg, bool encrypt, const uint8_t *key, size_t keylen,
                       const uint8_t *iv, size_t ivlen, cr_cipher_ctx **ctx)
{
    if (!ctx) return SEAM_E_ARG;
    *ctx = NULL;
    if (!key || (ivlen && !iv)) return SEAM_E_ARG;
    const EVP_CIPHER *cipher = NULL;
    const char *name = NULL;
    switch (alg) {
    case CR_CIPHER_AES_ECB:
        cipher = cr_int_aes_ecb(keylen);
        break;
    case CR_CIPHER_AES_CBC:
        cipher = cr_int_aes_cbc(keylen);
        break;
    case CR_CIPHER_AES_CTR:
        name = aes_ctr_name(keylen);
        break;
    case CR_CIPHER_DES_ECB:
    case CR_CIPHER_DES_CBC:
        name = des_name(keylen, alg == CR_CIPHER_DES_CBC);
        break;
    default:
        return SEAM_E_UNSUPPORTED;
    }
    if (name) {
        cipher = cr_int_cipher(name);
        if (!cipher) return SEAM_E_UNSUPPORTED; /* single DES without the legacy provider */
    }
    if (!cipher) return SEAM_E_LENGTH; /* no cipher for this key length */
    bool ecb = alg == CR_CIPHER_AES_ECB || alg == CR_CIPHER_DES_ECB;
    size_t bs = alg == CR_CIPHER_DES_ECB || alg == CR_CIPHER_DES_CBC ? 8 : 16;
    if (ecb && iv) return SEAM_E_ARG;
    if (iv && ivlen != bs) return SEAM_E_LENGTH;

    cr_cipher_ctx *c = calloc(1, sizeof *c);
    if (!c) return SEAM_E_NOMEM;
    c->alg = alg;
    c->bs = bs;
    c->stream = alg == CR_CIPHER_AES_CTR;
    c->has_iv = !ecb;
    if (iv) memcpy(c->iv, iv, bs);
    c->ctx = EVP_CIPHER_CTX_new();
    if (!c->ctx ||
        !EVP_CipherInit_ex2(c->ctx, cipher, key, c->has_iv ? c->iv : NULL, encrypt ? 1 : 0, NULL) ||
        !EVP_CIPHER_CTX_set_padding(c->ctx, 0)) {
        cr_cipher_free(c);
        return SEAM_E_CRYPTO;
    }
    *ctx = c;
    return SEAM_OK;
}

size_t cr_cipher_block_len(const cr_cipher_ctx *ctx)
{
    return ctx ? ctx->bs : 0;
}

size_t cr_cipher_update_len(const cr_cipher_ctx *ctx, size_t len)
{
    if (!ctx) return 0;
    if (ctx->stream) return len;
    if (len > SIZE_MAX - ctx->pending) return 0;
    return (ctx->pending + len) / ctx->bs * ctx->bs;
}

seam_err cr_cipher_update(cr_cipher_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out,
                          size_t cap, size_t *out_len)
{
    if (!ctx || !out_len || (len && !in)) return SEAM_E_ARG;
    *out_len = 0;
    if (len > INT_MAX - 32) return SEAM_E_LENGTH;
    size_t n = cr_cipher_update_len(ctx, len);
    if (n && !out) return SEAM_E_ARG;
    if (cap < n) return SEAM_E_LENGTH;
    if (len == 0) return SEAM_OK;
    int outl = 0;
    if (!EVP_CipherUpdate(ctx->ctx, out, &outl, in, (int)len) || (size_t)outl != n) {
        if (out) seam_wipe(out, n);
        cipher_reset(ctx);
        return SEAM_E_CRYPTO;
    }
    if (!ctx->stream) ctx->pending = (ctx->pending + len) % ctx->bs;
    *out_len = n;
    return SEAM_OK;
}

seam_err cr_cipher_final(cr_cipher_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out,
                         size_t cap, size_t *out_len)
{
    if (!ctx || !out_len || (len && !in)) return SEAM_E_ARG;
    *out_len = 0;
    size_t n = cr_cipher_update_len(ctx, len);
    if (!ctx->stream && (ctx->pending + len) % ctx->bs) {
        cipher_reset(ctx);
        return SEAM_E_LENGTH;
    }
    if (cap < n) return SEAM_E_LENGTH;
    size_t got = 0;
    seam_err e = cr_cipher_update(ctx, in, len, out, cap, &got);
    int finl = 0;
    if (e == SEAM_OK && !EVP_CipherFinal_ex(ctx->ctx, out ? out + got : NULL, &finl))
        e = SEAM_E_CRYPTO;
    if (e == SEAM_OK && finl != 0) e = SEAM_E_CRYPTO;
    seam_err r = cipher_reset(ctx);
    if (e == SEAM_OK) e = r;
    if (e != SEAM_OK) {
        if (out) seam_wipe(out, n);
        return e;
    }
    *out_len = got;
    return SEAM_OK;
}

/* ---- ISO/IEC 9797-1 §6.1.2 padding method 2 ---- */

seam_err cr_pad_m2(uint8_t *buf, size_t len, size_t cap, size_t block, size_t *out_len)
{
    if (!buf || !out_len || block == 0 || block > 256) return SEAM_E_ARG;
    *out_len = 0;
    if (len > SIZE_MAX - block) return SEAM_E_LENGTH;
    size_t total = (len / block + 1) * block;
    if (total > cap) return SEAM_E_LENGTH;
    buf[len] = 0x80;
    memset(buf + len + 1, 0, total - len - 1);
    *out_len = total;
    return SEAM_OK;
}

seam_err cr_unpad_m2(const uint8_t *buf, size_t len, size_t block, size_t *data_len)
{
    if (!data_len || (len && !buf) || block == 0 || block > 256) return SEAM_E_ARG;
    *data_len = 0;
    if (len == 0 || len % block) return SEAM_E_FORMAT;
    size_t i = len;
    /* The padding is at most one block: 80 followed by up to block-1 zeros. */
    while (i > 0 && len - i < block && buf[i - 1] == 0)
        i--;
    if (i == 0 || len - i >= block || buf[i - 1] != 0x80) return SEAM_E_FORMAT;
    *data_len = i - 1;
    return SEAM_OK;
}
