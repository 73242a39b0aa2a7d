/*
 * Message digests (SHA-1 and SHA-2, FIPS 180-4) and MACs: HMAC (RFC 2104, FIPS 198-1), AES-CMAC
 * (NIST SP 800-38B) and CBC-MAC (ISO/IEC 9797-1 MAC algorithm 1, padding method 1 without
 * padding or padding method 2), all through OpenSSL 3 EVP, for the Java Card MessageDigest,
 * InitializedMessageDigest and Signature (MAC algorithms) natives.
 *
 * Invariants: digests are fetched once per process; a context keeps its key inside OpenSSL
 * (EVP_MAC_CTX or EVP_CIPHER_CTX, cleansed by their free functions) and restarts with the same
 * key after every final (EVP_MAC_init with a NULL key keeps the key, see aes.c); a CBC-MAC
 * context holds at most one partial block and the last cipher block, wiped on reset and free;
 * MACs are compared with seam_ct_equal.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "crypto/crypto_int.h"

/* ---- digests ---- */

static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static EVP_MD *md_algs[5];
static const char *const md_names[5] = {"SHA1", "SHA224", "SHA256", "SHA384", "SHA512"};
static const uint8_t md_lens[5] = {20, 28, 32, 48, 64};

static void md_fetch(void)
{
    for (int i = 0; i < 5; i++)
        md_algs[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
}

static int md_index(cr_md_alg alg)
{
    return alg >= CR_MD_SHA1 && alg <= CR_MD_SHA512 ? (int)alg - 1 : -1;
}

const EVP_MD *cr_int_md(cr_md_alg alg)
{
    int i = md_index(alg);
    if (i < 0) return NULL;
    pthread_once(&md_once, md_fetch);
    return md_algs[i];
}

const char *cr_int_md_name(cr_md_alg alg)
{
    int i = md_index(alg);
    return i < 0 ? NULL : md_names[i];
}

size_t cr_md_len(cr_md_alg alg)
{
    int i = md_index(alg);
    return i < 0 ? 0 : md_lens[i];
}

size_t cr_md_block_len(cr_md_alg alg)
{
    int i = md_index(alg);
    return i < 0 ? 0 : (alg >= CR_MD_SHA384 ? 128 : 64);
}

struct cr_md_ctx {
    EVP_MD_CTX *md;
    cr_md_alg alg;
};

seam_err cr_md(cr_md_alg alg, const uint8_t *msg, size_t len, uint8_t *out, size_t cap,
               size_t *out_len)
{
    if (!out || !out_len || (len && !msg)) return SEAM_E_ARG;
    *out_len = 0;
    const EVP_MD *md = cr_int_md(alg);
    if (!md) return md_index(alg) < 0 ? SEAM_E_UNSUPPORTED : SEAM_E_CRYPTO;
    size_t n = cr_md_len(alg);
    if (cap < n) return SEAM_E_LENGTH;
    static const uint8_t empty[1];
    unsigned int outl = 0;
    if (!EVP_Digest(len ? msg : empty, len, out, &outl, md, NULL) || outl != n) {
        seam_wipe(out, n);
        return SEAM_E_CRYPTO;
    }
    *out_len = n;
    return SEAM_OK;
}

seam_err cr_md_new(cr_md_alg alg, cr_md_ctx **ctx)
{
    if (!ctx) return SEAM_E_ARG;
    *ctx = NULL;
    if (md_index(alg) < 0) return SEAM_E_UNSUPPORTED;
    cr_md_ctx *c = calloc(1, sizeof *c);
    if (!c) return SEAM_E_NOMEM;
    c->alg = alg;
    c->md = EVP_MD_CTX_new();
    seam_err e = c->md ? cr_md_reset(c) : SEAM_E_NOMEM;
    if (e != SEAM_OK) {
        cr_md_free(c);
        return e;
    }
    *ctx = c;
    return SEAM_OK;
}

cr_md_alg cr_md_ctx_alg(const cr_md_ctx *ctx)
{
    return ctx ? ctx->alg : (cr_md_alg)0;
}

seam_err cr_md_reset(cr_md_ctx *ctx)
{
    if (!ctx) return SEAM_E_ARG;
    const EVP_MD *md = cr_int_md(ctx->alg);
    if (!md || !EVP_DigestInit_ex2(ctx->md, md, NULL)) return SEAM_E_CRYPTO;
    return SEAM_OK;
}

seam_err cr_md_update(cr_md_ctx *ctx, const uint8_t *in, size_t len)
{
    if (!ctx || (len && !in)) return SEAM_E_ARG;
    if (len && !EVP_DigestUpdate(ctx->md, in, len)) return SEAM_E_CRYPTO;
    return SEAM_OK;
}

seam_err cr_md_final(cr_md_ctx *ctx, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!ctx || !out || !out_len) return SEAM_E_ARG;
    *out_len = 0;
    size_t n = cr_md_len(ctx->alg);
    if (cap < n) return SEAM_E_LENGTH;
    unsigned int outl = 0;
    seam_err e = EVP_DigestFinal_ex(ctx->md, out, &outl) && outl == n ? SEAM_OK : SEAM_E_CRYPTO;
    seam_err r = cr_md_reset(ctx);
    if (e == SEAM_OK) e = r;
    if (e != SEAM_OK) {
        seam_wipe(out, n);
        return e;
    }
    *out_len = n;
    return SEAM_OK;
}

seam_err cr_md_copy(cr_md_ctx *dst, const cr_md_ctx *src)
{
    if (!dst || !src) return SEAM_E_ARG;
    if (dst->alg != src->alg) return SEAM_E_ARG;
    return EVP_MD_CTX_copy_ex(dst->md, src->md) ? SEAM_OK : SEAM_E_CRYPTO;
}

void cr_md_free(cr_md_ctx *ctx)
{
    if (!ctx) return;
    EVP_MD_CTX_free(ctx->md);
    free(ctx);
}

/* ---- MACs ---- */

#define HMAC_MAX_KEY 1024
#define CBCMAC_CHUNK 256 /* bytes encrypted per EVP call into the scratch buffer */

static pthread_once_t mac_once = PTHREAD_ONCE_INIT;
static EVP_MAC *hmac_alg;

static void mac_fetch(void)
{
    hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

struct cr_mac_ctx {
    cr_mac_alg alg;
    EVP_MAC_CTX *mac;    /* HMAC, CMAC */
    EVP_CIPHER_CTX *cbc; /* CBC-MAC: CBC encryption, no padding, restarted with iv */
    size_t bs;           /* CBC-MAC block length */
    size_t pending;      /* bytes in part */
    uint8_t iv[16];
    uint8_t part[16]; /* a partial block not yet encrypted */
    uint8_t last[16]; /* the last cipher block (the running MAC) */
    size_t blocks;    /* blocks encrypted since the reset (NOPAD refuses zero) */
};

size_t cr_mac_len(cr_mac_alg alg)
{
    switch (alg) {
    case CR_MAC_HMAC_SHA1:
    case CR_MAC_HMAC_SHA224:
    case CR_MAC_HMAC_SHA256:
    case CR_MAC_HMAC_SHA384:
    case CR_MAC_HMAC_SHA512:
        return cr_md_len((cr_md_alg)(alg - CR_MAC_HMAC_SHA1 + CR_MD_SHA1));
    case CR_MAC_AES_CMAC:
    case CR_MAC_AES_CBC_NOPAD:
    case CR_MAC_AES_CBC_M2:
        return 16;
    case CR_MAC_DES_CBC_NOPAD:
    case CR_MAC_DES_CBC_M2:
        return 8;
    }
    return 0;
}

static bool is_hmac(cr_mac_alg alg)
{
    return alg >= CR_MAC_HMAC_SHA1 && alg <= CR_MAC_HMAC_SHA512;
}

static bool is_cbcmac(cr_mac_alg alg)
{
    return alg == CR_MAC_AES_CBC_NOPAD || alg == CR_MAC_AES_CBC_M2 || alg == CR_MAC_DES_CBC_NOPAD ||
           alg == CR_MAC_DES_CBC_M2;
}

static bool is_m2(cr_mac_alg alg)
{
    return alg == CR_MAC_AES_CBC_M2 || alg == CR_MAC_DES_CBC_M2;
}

/* The CBC cipher name for a CBC-MAC key; NULL for a bad key length. */
static const char *cbcmac_cipher(cr_mac_alg alg, size_t keylen)
{
    if (alg == CR_MAC_AES_CBC_NOPAD || alg == CR_MAC_AES_CBC_M2) return cr_int_aes_cbc_name(keylen);
    switch (keylen) {
    case 8:
        return "DES-CBC";
    case 16:
        return "DES-EDE-CBC";
    case 24:
        return "DES-EDE3-CBC";
    default:
        return NULL;
    }
}

static seam_err mac_reset(cr_mac_ctx *c)
{
    if (c->mac) return EVP_MAC_init(c->mac, NULL, 0, NULL) ? SEAM_OK : SEAM_E_CRYPTO;
    seam_wipe(c->part, sizeof c->part);
    memcpy(c->last, c->iv, c->bs);
    c->pending = 0;
    c->blocks = 0;
    return EVP_CipherInit_ex2(c->cbc, NULL, NULL, c->iv, 1, NULL) ? SEAM_OK : SEAM_E_CRYPTO;
}

void cr_mac_free(cr_mac_ctx *ctx)
{
    if (!ctx) return;
    EVP_MAC_CTX_free(ctx->mac);
    EVP_CIPHER_CTX_free(ctx->cbc);
    seam_wipe(ctx, sizeof *ctx);
    free(ctx);
}

seam_err cr_mac_new(cr_mac_alg alg, const uint8_t *key, size_t keylen, const uint8_t *iv,
                    size_t ivlen, cr_mac_ctx **ctx)
{
    if (!ctx) return SEAM_E_ARG;
    *ctx = NULL;
    if (cr_mac_len(alg) == 0) return SEAM_E_UNSUPPORTED;
    if (!key || (ivlen && !iv)) return SEAM_E_ARG;
    if (iv && !is_cbcmac(alg)) return SEAM_E_ARG;
    cr_mac_ctx *c = calloc(1, sizeof *c);
    if (!c) return SEAM_E_NOMEM;
    c->alg = alg;
    seam_err e = SEAM_E_CRYPTO;
    OSSL_PARAM params[2];
    if (is_hmac(alg)) {
        pthread_once(&mac_once, mac_fetch);
        const char *mdname = cr_int_md_name((cr_md_alg)(alg - CR_MAC_HMAC_SHA1 + CR_MD_SHA1));
        if (keylen == 0 || keylen > HMAC_MAX_KEY) {
            e = SEAM_E_LENGTH;
            goto out;
        }
        if (!hmac_alg || !(c->mac = EVP_MAC_CTX_new(hmac_alg))) goto out;
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)mdname, 0);
        params[1] = OSSL_PARAM_construct_end();
        if (!EVP_MAC_init(c->mac, key, keylen, params)) goto out;
    } else if (alg == CR_MAC_AES_CMAC) {
        const char *name = cr_int_aes_cbc_name(keylen);
        if (!name) {
            e = SEAM_E_LENGTH;
            goto out;
        }
        if (!cr_int_cmac() || !(c->mac = EVP_MAC_CTX_new(cr_int_cmac()))) goto out;
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, (char *)name, 0);
        params[1] = OSSL_PARAM_construct_end();
        if (!EVP_MAC_init(c->mac, key, keylen, params)) goto out;
    } else {
        const char *name = cbcmac_cipher(alg, keylen);
        if (!name) {
            e = SEAM_E_LENGTH;
            goto out;
        }
        const EVP_CIPHER *cipher = cr_int_cipher(name);
        if (!cipher) {
            e = SEAM_E_UNSUPPORTED;
            goto out;
        }
        c->bs = (size_t)EVP_CIPHER_get_block_size(cipher);
        if (iv && ivlen != c->bs) {
            e = SEAM_E_LENGTH;
            goto out;
        }
        if (iv) memcpy(c->iv, iv, c->bs);
        if (!(c->cbc = EVP_CIPHER_CTX_new()) ||
            !EVP_CipherInit_ex2(c->cbc, cipher, key, c->iv, 1, NULL) ||
            !EVP_CIPHER_CTX_set_padding(c->cbc, 0))
            goto out;
    }
    e = mac_reset(c);
out:
    if (e != SEAM_OK) {
        cr_mac_free(c);
        return e;
    }
    *ctx = c;
    return SEAM_OK;
}

/* Encrypts n whole blocks (n * bs bytes) and keeps the last cipher block. */
static seam_err cbc_blocks(cr_mac_ctx *c, const uint8_t *in, size_t len)
{
    uint8_t scratch[CBCMAC_CHUNK];
    seam_err e = SEAM_OK;
    while (len && e == SEAM_OK) {
        size_t n = len < sizeof scratch ? len : sizeof scratch;
        int outl = 0;
        if (!EVP_CipherUpdate(c->cbc, scratch, &outl, in, (int)n) || (size_t)outl != n)
            e = SEAM_E_CRYPTO;
        else
            memcpy(c->last, scratch + n - c->bs, c->bs);
        c->blocks += n / c->bs;
        in += n;
        len -= n;
    }
    seam_wipe(scratch, sizeof scratch);
    return e;
}

static seam_err cbcmac_update(cr_mac_ctx *c, const uint8_t *in, size_t len)
{
    seam_err e = SEAM_OK;
    if (c->pending) {
        size_t n = c->bs - c->pending < len ? c->bs - c->pending : len;
        memcpy(c->part + c->pending, in, n);
        c->pending += n;
        in += n;
        len -= n;
        if (c->pending < c->bs) return SEAM_OK;
        e = cbc_blocks(c, c->part, c->bs);
        c->pending = 0;
    }
    size_t whole = len - len % c->bs;
    if (e == SEAM_OK) e = cbc_blocks(c, in, whole);
    if (e == SEAM_OK) {
        memcpy(c->part, in + whole, len - whole);
        c->pending = len - whole;
    }
    return e;
}

seam_err cr_mac_update(cr_mac_ctx *ctx, const uint8_t *in, size_t len)
{
    if (!ctx || (len && !in)) return SEAM_E_ARG;
    if (len == 0) return SEAM_OK;
    if (ctx->mac) return EVP_MAC_update(ctx->mac, in, len) ? SEAM_OK : SEAM_E_CRYPTO;
    return cbcmac_update(ctx, in, len);
}

/* Computes the full MAC into out (cr_mac_len bytes) and resets. */
static seam_err mac_compute(cr_mac_ctx *c, uint8_t *out)
{
    size_t n = cr_mac_len(c->alg);
    seam_err e = SEAM_OK;
    if (c->mac) {
        size_t outl = 0;
        if (!EVP_MAC_final(c->mac, out, &outl, n) || outl != n) e = SEAM_E_CRYPTO;
    } else if (is_m2(c->alg)) {
        /* ISO/IEC 9797-1 §6.1.2 padding method 2: always one 0x80, then zeros. */
        c->part[c->pending] = 0x80;
        memset(c->part + c->pending + 1, 0, c->bs - c->pending - 1);
        e = cbc_blocks(c, c->part, c->bs);
        if (e == SEAM_OK) memcpy(out, c->last, n);
    } else if (c->pending || c->blocks == 0) {
        e = SEAM_E_LENGTH;
    } else {
        memcpy(out, c->last, n);
    }
    seam_err r = mac_reset(c);
    if (e == SEAM_OK) e = r;
    if (e != SEAM_OK) seam_wipe(out, n);
    return e;
}

seam_err cr_mac_final(cr_mac_ctx *ctx, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!ctx || !out || !out_len) return SEAM_E_ARG;
    *out_len = 0;
    size_t n = cr_mac_len(ctx->alg);
    if (cap < n) return SEAM_E_LENGTH;
    seam_err e = mac_compute(ctx, out);
    if (e == SEAM_OK) *out_len = n;
    return e;
}

seam_err cr_mac_verify(cr_mac_ctx *ctx, const uint8_t *mac, size_t mac_len)
{
    if (!ctx || !mac) return SEAM_E_ARG;
    size_t n = cr_mac_len(ctx->alg);
    if (mac_len == 0 || mac_len > n) return SEAM_E_LENGTH;
    uint8_t full[CR_MAC_MAX_LEN];
    seam_err e = mac_compute(ctx, full);
    if (e == SEAM_OK && !seam_ct_equal(full, mac, mac_len)) e = SEAM_E_AUTH;
    seam_wipe(full, sizeof full);
    return e;
}

seam_err cr_hmac(cr_md_alg md, const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len,
                 uint8_t *out, size_t cap, size_t *out_len)
{
    if (!out || !out_len || (len && !msg)) return SEAM_E_ARG;
    *out_len = 0;
    if (md_index(md) < 0) return SEAM_E_UNSUPPORTED;
    cr_mac_ctx *c = NULL;
    seam_err e =
        cr_mac_new((cr_mac_alg)(md - CR_MD_SHA1 + CR_MAC_HMAC_SHA1), key, keylen, NULL, 0, &c);
    if (e == SEAM_OK) e = cr_mac_update(c, msg, len);
    if (e == SEAM_OK) e = cr_mac_final(c, out, cap, out_len);
    cr_mac_free(c);
    return e;
}
