/*
 * RSA for the Java Card RSA keys, Signature and Cipher natives: key generation, import from the
 * component forms Java Card keys hold, export, RSASSA-PKCS1-v1_5 and RSASSA-PSS over a
 * precomputed hash, RSAES-PKCS1-v1_5, RSAES-OAEP (SHA-1) and raw RSA (RFC 8017), through
 * OpenSSL 3 EVP_PKEY.
 *
 * Invariants: a cr_rsa_key wraps one EVP_PKEY that is never changed after creation; private
 * components pass through secure BIGNUMs freed with BN_clear_free; every signature is verified
 * before it is returned; outputs are wiped on error. Operations run in cr_int_libctx() after
 * feeding its random sources, so in the deterministic RNG mode key generation (whose prime
 * search draws far more than cr_int_feed_libctx gives: KEYGEN_FEED bytes per source) and
 * blinding are reproducible.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "crypto/crypto_int.h"

#define KEYGEN_FEED (256 * 1024)

struct cr_rsa_key {
    EVP_PKEY *pk;
    size_t len, bits;
    bool priv;
};

/* ---- deterministic feeding of the EC/RSA library context (see rng.c) ---- */

static seam_err feed_one(EVP_RAND_CTX *src, size_t len)
{
    uint8_t *buf = malloc(len);
    seam_err e = !src ? SEAM_E_CRYPTO : !buf ? SEAM_E_NOMEM : cr_random(buf, len);
    if (e == SEAM_OK) {
        OSSL_PARAM params[2];
        params[0] = OSSL_PARAM_construct_octet_string(OSSL_RAND_PARAM_TEST_ENTROPY, buf, len);
        params[1] = OSSL_PARAM_construct_end();
        if (!EVP_RAND_CTX_set_params(src, params)) e = SEAM_E_CRYPTO;
    }
    if (buf) {
        seam_wipe(buf, len);
        free(buf);
    }
    return e;
}

seam_err cr_int_feed_libctx_len(size_t len)
{
    if (!cr_rng_is_deterministic()) return SEAM_OK;
    OSSL_LIB_CTX *lc = cr_int_libctx();
    seam_err e = feed_one(RAND_get0_public(lc), len);
    if (e == SEAM_OK) e = feed_one(RAND_get0_private(lc), len);
    return e;
}

/* ---- keys ---- */

void cr_rsa_free(cr_rsa_key *key)
{
    if (!key) return;
    EVP_PKEY_free(key->pk);
    free(key);
}

size_t cr_rsa_len(const cr_rsa_key *key)
{
    return key ? key->len : 0;
}

bool cr_rsa_is_private(const cr_rsa_key *key)
{
    return key && key->priv;
}

static seam_err wrap(EVP_PKEY *pk, bool priv, cr_rsa_key **out)
{
    int bits = EVP_PKEY_get_bits(pk);
    if (bits < CR_RSA_MIN_BITS || bits > CR_RSA_MAX_BITS) {
        EVP_PKEY_free(pk);
        return SEAM_E_UNSUPPORTED;
    }
    cr_rsa_key *k = calloc(1, sizeof *k);
    if (!k) {
        EVP_PKEY_free(pk);
        return SEAM_E_NOMEM;
    }
    k->pk = pk;
    k->bits = (size_t)bits;
    k->len = ((size_t)bits + 7) / 8;
    k->priv = priv;
    *out = k;
    return SEAM_OK;
}

seam_err cr_rsa_generate(size_t bits, cr_rsa_key **key)
{
    if (!key) return SEAM_E_ARG;
    *key = NULL;
    if (bits < CR_RSA_MIN_BITS || bits > CR_RSA_MAX_BITS || bits % 8) return SEAM_E_UNSUPPORTED;
    seam_err e = cr_int_feed_libctx_len(KEYGEN_FEED);
    if (e != SEAM_OK) return e;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(cr_int_libctx(), "RSA", NULL);
    EVP_PKEY *pk = NULL;
    if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) <= 0 || EVP_PKEY_generate(ctx, &pk) <= 0)
        e = SEAM_E_CRYPTO;
    EVP_PKEY_CTX_free(ctx);
    if (e != SEAM_OK) return e;
    return wrap(pk, true, key);
}

/* A BIGNUM (secure if secret) from optional bytes; *ok false on allocation failure. */
static BIGNUM *bn_of(const uint8_t *p, size_t len, bool secret, bool *ok)
{
    if (!p || !len) return NULL;
    if (len > CR_RSA_MAX_LEN + 1) {
        *ok = false;
        return NULL;
    }
    BIGNUM *b = secret ? BN_secure_new() : BN_new();
    if (!b || !BN_bin2bn(p, (int)len, b)) {
        BN_clear_free(b);
        *ok = false;
        return NULL;
    }
    return b;
}

/* x^(e d) == x mod n for x = 2 and 3: e fits the private exponent d. */
static bool exponent_fits(const BIGNUM *n, const BIGNUM *d, const BIGNUM *e, BN_CTX *bn)
{
    BN_CTX_start(bn);
    BIGNUM *x = BN_CTX_get(bn), *y = BN_CTX_get(bn);
    bool ok = x && y;
    for (unsigned long v = 2; ok && v <= 3; v++)
        ok = BN_set_word(x, v) && BN_mod_exp(y, x, d, n, bn) && BN_mod_exp(y, y, e, n, bn) &&
             BN_cmp(x, y) == 0;
    BN_CTX_end(bn);
    return ok;
}

/* Completes CRT parts: n = p q, e from dp and dq, d = e^-1 mod lcm(p-1, q-1); checks qinv. */
static seam_err crt_complete(BIGNUM *p, BIGNUM *q, BIGNUM *dp, BIGNUM *dq, BIGNUM *qinv, BIGNUM **n,
                             BIGNUM **e, BIGNUM **d, BN_CTX *bn)
{
    BN_CTX_start(bn);
    BIGNUM *p1 = BN_CTX_get(bn), *q1 = BN_CTX_get(bn), *t = BN_CTX_get(bn), *e2 = BN_CTX_get(bn),
           *g = BN_CTX_get(bn);
    seam_err r = SEAM_E_CRYPTO;
    if (!g) goto out;
    r = SEAM_E_FORMAT;
    if (BN_cmp(p, BN_value_one()) <= 0 || BN_cmp(q, BN_value_one()) <= 0) goto out;
    if (!BN_sub(p1, p, BN_value_one()) || !BN_sub(q1, q, BN_value_one())) goto out;
    /* qinv * q == 1 mod p */
    if (!BN_mod_mul(t, qinv, q, p, bn) || !BN_is_one(t)) goto out;
    BIGNUM *nn = BN_new();
    if (!nn || !BN_mul(nn, p, q, bn)) {
        BN_free(nn);
        goto out;
    }
    if (*n && BN_cmp(*n, nn) != 0) {
        BN_free(nn);
        goto out;
    }
    BN_free(*n);
    *n = nn;
    if (!*e) {
        BIGNUM *e1 = BN_new();
        if (!e1 || !BN_mod_inverse(e1, dp, p1, bn) || !BN_mod_inverse(e2, dq, q1, bn) ||
            BN_cmp(e1, e2) != 0) {
            BN_free(e1);
            goto out;
        }
        *e = e1;
    }
    /* e dp == 1 mod p-1 and e dq == 1 mod q-1 */
    if (!BN_mod_mul(t, *e, dp, p1, bn) || !BN_is_one(t) || !BN_mod_mul(t, *e, dq, q1, bn) ||
        !BN_is_one(t))
        goto out;
    if (!*d) {
        /* lcm(p-1, q-1) = (p-1)(q-1) / gcd */
        BIGNUM *dd = BN_secure_new();
        if (!dd || !BN_gcd(g, p1, q1, bn) || !BN_mul(t, p1, q1, bn) || !BN_div(t, NULL, t, g, bn) ||
            !BN_mod_inverse(dd, *e, t, bn)) {
            BN_clear_free(dd);
            goto out;
        }
        *d = dd;
    }
    r = SEAM_OK;
out:
    BN_CTX_end(bn);
    return r;
}

seam_err cr_rsa_import(const cr_rsa_parts *in, cr_rsa_key **key)
{
    if (!key) return SEAM_E_ARG;
    *key = NULL;
    if (!in) return SEAM_E_ARG;
    bool ok = true;
    BIGNUM *n = bn_of(in->n, in->n_len, false, &ok), *e = bn_of(in->e, in->e_len, false, &ok);
    BIGNUM *d = bn_of(in->d, in->d_len, true, &ok), *p = bn_of(in->p, in->p_len, true, &ok);
    BIGNUM *q = bn_of(in->q, in->q_len, true, &ok), *dp = bn_of(in->dp, in->dp_len, true, &ok);
    BIGNUM *dq = bn_of(in->dq, in->dq_len, true, &ok);
    BIGNUM *qi = bn_of(in->qinv, in->qinv_len, true, &ok);
    BN_CTX *bn = BN_CTX_secure_new_ex(cr_int_libctx());
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pk = NULL;
    seam_err r = SEAM_E_NOMEM;
    if (!ok || !bn || !bld) goto out;
    bool crt = p || q || dp || dq || qi;
    if (crt) {
        r = SEAM_E_ARG;
        if (!p || !q || !dp || !dq || !qi) goto out;
        r = crt_complete(p, q, dp, dq, qi, &n, &e, &d, bn);
        if (r != SEAM_OK) goto out;
    } else if (d) {
        r = SEAM_E_ARG;
        if (!n) goto out;
        if (!e) {
            static const unsigned long guesses[] = {65537, 3, 17, 257};
            r = SEAM_E_NOMEM;
            if (!(e = BN_new())) goto out;
            r = SEAM_E_UNSUPPORTED;
            for (size_t i = 0; i < SEAM_ARRAY_LEN(guesses) && r != SEAM_OK; i++)
                if (BN_set_word(e, guesses[i]) && exponent_fits(n, d, e, bn)) r = SEAM_OK;
            if (r != SEAM_OK) goto out;
        }
    } else {
        r = SEAM_E_ARG;
        if (!n || !e) goto out;
    }
    r = SEAM_E_FORMAT;
    if (BN_is_zero(n) || !BN_is_odd(n) || BN_is_zero(e) || BN_cmp(e, n) >= 0 ||
        (d && (BN_is_zero(d) || BN_cmp(d, n) >= 0)))
        goto out;
    r = SEAM_E_CRYPTO;
    if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
        (d && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d)))
        goto out;
    if (crt && (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) ||
                !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) ||
                !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) ||
                !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) ||
                !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi)))
        goto out;
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(cr_int_libctx(), "RSA", NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pk, d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0)
        goto out;
    r = wrap(pk, d != NULL, key);
    pk = NULL;
out:
    EVP_PKEY_free(pk);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_CTX_free(bn);
    BN_free(n);
    BN_free(e);
    BN_clear_free(d);
    BN_clear_free(p);
    BN_clear_free(q);
    BN_clear_free(dp);
    BN_clear_free(dq);
    BN_clear_free(qi);
    return r;
}

seam_err cr_rsa_export(const cr_rsa_key *key, cr_rsa_part part, uint8_t *out, size_t cap,
                       size_t *out_len)
{
    static const char *const names[] = {
        NULL,
        OSSL_PKEY_PARAM_RSA_N,
        OSSL_PKEY_PARAM_RSA_E,
        OSSL_PKEY_PARAM_RSA_D,
        OSSL_PKEY_PARAM_RSA_FACTOR1,
        OSSL_PKEY_PARAM_RSA_FACTOR2,
        OSSL_PKEY_PARAM_RSA_EXPONENT1,
        OSSL_PKEY_PARAM_RSA_EXPONENT2,
        OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
    };
    if (!key || !out || !out_len) return SEAM_E_ARG;
    *out_len = 0;
    if (part < CR_RSA_N || part > CR_RSA_QINV) return SEAM_E_ARG;
    BIGNUM *b = NULL;
    if (!EVP_PKEY_get_bn_param(key->pk, names[part], &b)) return SEAM_E_NOT_FOUND;
    size_t n = (size_t)BN_num_bytes(b);
    seam_err e = SEAM_OK;
    if (n > cap)
        e = SEAM_E_LENGTH;
    else if (BN_bn2bin(b, out) != (int)n)
        e = SEAM_E_CRYPTO;
    BN_clear_free(b);
    if (e != SEAM_OK) {
        seam_wipe(out, n <= cap ? n : 0);
        return e;
    }
    *out_len = n;
    return SEAM_OK;
}

/* ---- signatures ---- */

static EVP_PKEY_CTX *sig_ctx(const cr_rsa_key *key, cr_rsa_sig_pad pad, cr_md_alg md, bool sign)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(cr_int_libctx(), key->pk, NULL);
    const EVP_MD *m = cr_int_md(md);
    bool ok = ctx && m && (sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) > 0;
    if (ok && pad == CR_RSA_SIG_PKCS1) {
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
             EVP_PKEY_CTX_set_signature_md(ctx, m) > 0;
    } else if (ok) {
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_signature_md(ctx, m) > 0 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, m) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) > 0;
    }
    if (!ok) {
        EVP_PKEY_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Common checks of sign and verify. */
static seam_err sig_check(const cr_rsa_key *key, cr_rsa_sig_pad pad, cr_md_alg md, size_t hash_len)
{
    if (pad != CR_RSA_SIG_PKCS1 && pad != CR_RSA_SIG_PSS) return SEAM_E_UNSUPPORTED;
    size_t hl = cr_md_len(md);
    if (hl == 0) return SEAM_E_UNSUPPORTED;
    if (hash_len != hl) return SEAM_E_LENGTH;
    /* PSS needs emLen >= hLen + sLen + 2 with emLen = ceil((modBits - 1) / 8) (RFC 8017
     * §9.1.1 step 3, §8.1.1). */
    if (pad == CR_RSA_SIG_PSS && 2 * hl + 2 > (key->bits - 1 + 7) / 8) return SEAM_E_LENGTH;
    /* PKCS#1 v1.5 needs room for the DigestInfo and 11 bytes of padding (§9.2 step 3). */
    if (pad == CR_RSA_SIG_PKCS1 && hl + 19 + 11 > key->len) return SEAM_E_LENGTH;
    return SEAM_OK;
}

seam_err cr_rsa_verify(const cr_rsa_key *key, cr_rsa_sig_pad pad, cr_md_alg md, const uint8_t *hash,
                       size_t hash_len, const uint8_t *sig, size_t sig_len)
{
    if (!key || !hash || !sig) return SEAM_E_ARG;
    seam_err e = sig_check(key, pad, md, hash_len);
    if (e != SEAM_OK) return e;
    if (sig_len != key->len) return SEAM_E_LENGTH;
    EVP_PKEY_CTX *ctx = sig_ctx(key, pad, md, false);
    if (!ctx) return SEAM_E_CRYPTO;
    e = EVP_PKEY_verify(ctx, sig, sig_len, hash, hash_len) == 1 ? SEAM_OK : SEAM_E_AUTH;
    EVP_PKEY_CTX_free(ctx);
    return e;
}

seam_err cr_rsa_sign(const cr_rsa_key *key, cr_rsa_sig_pad pad, cr_md_alg md, const uint8_t *hash,
                     size_t hash_len, uint8_t *sig, size_t cap, size_t *sig_len)
{
    if (!key || !hash || !sig || !sig_len) return SEAM_E_ARG;
    *sig_len = 0;
    if (!key->priv) return SEAM_E_STATE;
    seam_err e = sig_check(key, pad, md, hash_len);
    if (e != SEAM_OK) return e;
    if (cap < key->len) return SEAM_E_LENGTH;
    EVP_PKEY_CTX *ctx = sig_ctx(key, pad, md, true);
    if (!ctx) return SEAM_E_CRYPTO;
    size_t n = key->len;
    e = cr_int_feed_libctx();
    if (e == SEAM_OK && (EVP_PKEY_sign(ctx, sig, &n, hash, hash_len) <= 0 || n != key->len))
        e = SEAM_E_CRYPTO;
    EVP_PKEY_CTX_free(ctx);
    /* Verify-after-sign: a CRT fault (Bellcore attack) must never release a signature. */
    if (e == SEAM_OK && cr_rsa_verify(key, pad, md, hash, hash_len, sig, n) != SEAM_OK)
        e = SEAM_E_FAULT;
    if (e != SEAM_OK) {
        seam_wipe(sig, key->len);
        return e;
    }
    *sig_len = n;
    return SEAM_OK;
}

/* ---- encryption ---- */

typedef enum { OP_ENCRYPT, OP_DECRYPT, OP_SIGN, OP_RECOVER } rsa_op;

static seam_err rsa_run(const cr_rsa_key *key, rsa_op op, int padding, const uint8_t *in,
                        size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(cr_int_libctx(), key->pk, NULL);
    uint8_t buf[CR_RSA_MAX_LEN];
    size_t n = sizeof buf;
    int rc = 0;
    seam_err e = ctx ? cr_int_feed_libctx() : SEAM_E_NOMEM;
    if (e != SEAM_OK) goto out;
    e = SEAM_E_CRYPTO;
    switch (op) {
    case OP_ENCRYPT:
        rc = EVP_PKEY_encrypt_init(ctx);
        break;
    case OP_DECRYPT:
        rc = EVP_PKEY_decrypt_init(ctx);
        break;
    case OP_SIGN:
        rc = EVP_PKEY_sign_init(ctx);
        break;
    case OP_RECOVER:
        rc = EVP_PKEY_verify_recover_init(ctx);
        break;
    }
    if (rc <= 0 || EVP_PKEY_CTX_set_rsa_padding(ctx, padding) <= 0) goto out;
    if (padding == RSA_PKCS1_OAEP_PADDING &&
        (EVP_PKEY_CTX_set_rsa_oaep_md(ctx, cr_int_md(CR_MD_SHA1)) <= 0 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, cr_int_md(CR_MD_SHA1)) <= 0))
        goto out;
    switch (op) {
    case OP_ENCRYPT:
        rc = EVP_PKEY_encrypt(ctx, buf, &n, in, len);
        break;
    case OP_DECRYPT:
        rc = EVP_PKEY_decrypt(ctx, buf, &n, in, len);
        break;
    case OP_SIGN:
        rc = EVP_PKEY_sign(ctx, buf, &n, in, len);
        break;
    case OP_RECOVER:
        rc = EVP_PKEY_verify_recover(ctx, buf, &n, in, len);
        break;
    }
    if (rc <= 0) {
        /* padding errors on the way in; range errors (input >= n) */
        e = op == OP_DECRYPT || op == OP_RECOVER ? SEAM_E_FORMAT : SEAM_E_CRYPTO;
        goto out;
    }
    if (n > cap) {
        e = SEAM_E_LENGTH;
        goto out;
    }
    memcpy(out, buf, n);
    *out_len = n;
    e = SEAM_OK;
out:
    seam_wipe(buf, sizeof buf);
    EVP_PKEY_CTX_free(ctx);
    return e;
}

/* The value of in (len = modulus length) must be < n for raw RSA. */
static seam_err raw_check(const cr_rsa_key *key, const uint8_t *in, size_t len)
{
    if (len != key->len) return SEAM_E_LENGTH;
    uint8_t n[CR_RSA_MAX_LEN];
    size_t nl = 0;
    seam_err e = cr_rsa_export(key, CR_RSA_N, n, sizeof n, &nl);
    if (e != SEAM_OK) return e;
    return nl == len && memcmp(in, n, len) < 0 ? SEAM_OK : SEAM_E_FORMAT;
}

static seam_err rsa_cipher(const cr_rsa_key *key, cr_rsa_enc_pad pad, bool use_private, bool enc,
                           const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!key || !out || !out_len || (len && !in)) return SEAM_E_ARG;
    *out_len = 0;
    if (pad < CR_RSA_ENC_PKCS1 || pad > CR_RSA_ENC_NONE) return SEAM_E_UNSUPPORTED;
    if (use_private && !key->priv) return SEAM_E_STATE;
    if (pad == CR_RSA_ENC_OAEP_SHA1 && use_private == enc) return SEAM_E_UNSUPPORTED;
    if (len == 0 || len > key->len) return SEAM_E_LENGTH;
    if (!enc && len != key->len) return SEAM_E_LENGTH;
    seam_err e;
    if (pad == CR_RSA_ENC_NONE) {
        e = raw_check(key, in, len);
        if (e != SEAM_OK) return e;
        e = rsa_run(key, use_private ? OP_DECRYPT : OP_ENCRYPT, RSA_NO_PADDING, in, len, out, cap,
                    out_len);
    } else {
        int padding = pad == CR_RSA_ENC_PKCS1 ? RSA_PKCS1_PADDING : RSA_PKCS1_OAEP_PADDING;
        /* public encrypt / private decrypt: RSAES; private encrypt / public decrypt: type 1 */
        rsa_op op = use_private ? (enc ? OP_SIGN : OP_DECRYPT) : (enc ? OP_ENCRYPT : OP_RECOVER);
        if (enc) {
            size_t room = pad == CR_RSA_ENC_PKCS1 ? key->len - 11 : key->len - 2 * 20 - 2;
            if (len > room) return SEAM_E_LENGTH;
        }
        e = rsa_run(key, op, padding, in, len, out, cap, out_len);
    }
    if (e != SEAM_OK) seam_wipe(out, cap < key->len ? cap : key->len);
    return e;
}

seam_err cr_rsa_encrypt(const cr_rsa_key *key, cr_rsa_enc_pad pad, bool use_private,
                        const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    return rsa_cipher(key, pad, use_private, true, in, len, out, cap, out_len);
}

seam_err cr_rsa_decrypt(const cr_rsa_key *key, cr_rsa_enc_pad pad, bool use_private,
                        const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    return rsa_cipher(key, pad, use_private, false, in, len, out, cap, out_len);
}
