/*
 * ECC on NIST P-256 (FIPS 186-4 D.1.2.3): key generation, public key derivation and checking,
 * ECDSA with SHA-256-sized hashes (FIPS 186-4 §6), and ECC CDH (NIST SP 800-56A §5.7.1.2),
 * through OpenSSL 3 (EVP_PKEY for sign, verify and derive; EC_GROUP/EC_POINT arithmetic only
 * to derive and check public points).
 *
 * Invariants: private scalars are checked to lie in [1, n-1] before use; public keys are
 * 65-byte uncompressed points that must lie on the curve; every signature made is verified
 * before it is returned (a fault check: a wrong signature can leak the key); temporary BIGNUMs
 * holding secrets are freed with BN_clear_free; outputs are wiped on every error.
 * Every operation runs in cr_int_libctx() after cr_int_feed_libctx(), so in the deterministic
 * RNG mode (rng.c) its random draws come from the seam DRBG.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "crypto/crypto_int.h"

#define P256_GROUP_NAME "prime256v1"
#define MAX_DER_SIG 72 /* SEQUENCE { INTEGER (<= 33), INTEGER (<= 33) } */

/* The P-256 group, built once per thread and library context (building one costs more than
 * an on-curve check), freed when the thread ends. Borrowed: callers never free it. It holds no
 * secret. */
typedef struct {
    EC_GROUP *g;
    OSSL_LIB_CTX *ctx;
} group_cache;

static pthread_key_t group_key;
static pthread_once_t group_once = PTHREAD_ONCE_INIT;

static void group_cache_free(void *p)
{
    group_cache *c = p;
    EC_GROUP_free(c->g);
    free(c);
}

static void group_key_make(void)
{
    if (pthread_key_create(&group_key, group_cache_free) != 0) abort();
}

static const EC_GROUP *group_get(void)
{
    pthread_once(&group_once, group_key_make);
    group_cache *c = pthread_getspecific(group_key);
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c || pthread_setspecific(group_key, c) != 0) {
            free(c);
            return NULL;
        }
    }
    OSSL_LIB_CTX *ctx = cr_int_libctx();
    if (c->g && c->ctx == ctx) return c->g;
    EC_GROUP_free(c->g);
    c->g = EC_GROUP_new_by_curve_name_ex(ctx, NULL, NID_X9_62_prime256v1);
    c->ctx = ctx;
    return c->g;
}

/* The scalar as a BIGNUM if it lies in [1, n-1], else NULL. */
static BIGNUM *scalar_checked(const EC_GROUP *g, const uint8_t priv[32])
{
    BIGNUM *d = BN_secure_new();
    if (!d) return NULL;
    if (!BN_bin2bn(priv, 32, d) || BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(g)) >= 0) {
        BN_clear_free(d);
        return NULL;
    }
    return d;
}

/* The order n of P-256 (SEC 2 §2.4.2), big-endian. */
static const uint8_t p256_n[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
                                   0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

/* True when the big-endian scalar lies in [1, n-1]. Runs over every byte whatever the value
 * (no early exit on the secret). */
static bool scalar_in_range(const uint8_t d[32])
{
    int lt = 0, gt = 0;
    uint8_t any = 0;
    for (int i = 0; i < 32; i++) {
        int a = d[i], b = p256_n[i];
        int undecided = !(lt | gt);
        lt |= undecided & (a < b);
        gt |= undecided & (a > b);
        any |= d[i];
    }
    return lt && any != 0;
}

/* pub = d * G. SEAM_E_ARG when priv is out of range. */
static seam_err public_of(const uint8_t priv[32], uint8_t pub[65])
{
    seam_err e = cr_int_feed_libctx();
    if (e != SEAM_OK) return e;
    const EC_GROUP *g = group_get();
    if (!g) return SEAM_E_CRYPTO;
    BIGNUM *d = scalar_checked(g, priv);
    EC_POINT *q = EC_POINT_new(g);
    BN_CTX *bn = BN_CTX_secure_new_ex(cr_int_libctx());
    if (!d) {
        e = SEAM_E_ARG;
    } else if (!q || !bn || !EC_POINT_mul(g, q, d, NULL, NULL, bn) ||
               EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, pub, 65, bn) != 65) {
        e = SEAM_E_CRYPTO;
    }
    BN_CTX_free(bn);
    EC_POINT_free(q);
    BN_clear_free(d);
    return e;
}

seam_err cr_p256_public(const uint8_t priv[32], uint8_t pub[65])
{
    if (!priv || !pub) return SEAM_E_ARG;
    seam_err e = public_of(priv, pub);
    if (e != SEAM_OK) seam_wipe(pub, 65);
    return e;
}

/* FIPS 186-4 B.4.2 (testing candidates): draw 32 bytes, keep them if in [1, n-1], else redraw.
 * The chance of a redraw is about 2^-32, so the loop bound is never reached in practice. */
seam_err cr_p256_keygen(uint8_t priv[32], uint8_t pub[65])
{
    if (!priv || !pub) return SEAM_E_ARG;
    seam_err e = SEAM_E_CRYPTO;
    for (int tries = 0; tries < 64; tries++) {
        e = cr_random(priv, 32);
        if (e != SEAM_OK) break;
        e = public_of(priv, pub);
        if (e != SEAM_E_ARG) break;
    }
    if (e != SEAM_OK) {
        seam_wipe(priv, 32);
        seam_wipe(pub, 65);
    }
    return e;
}

seam_err cr_p256_check_public(const uint8_t *pub, size_t len)
{
    if (!pub && len) return SEAM_E_ARG;
    if (len != CR_P256_PUB_LEN || pub[0] != 0x04) return SEAM_E_FORMAT;
    const EC_GROUP *g = group_get();
    if (!g) return SEAM_E_CRYPTO;
    EC_POINT *q = EC_POINT_new(g);
    BN_CTX *bn = BN_CTX_new_ex(cr_int_libctx());
    seam_err e = SEAM_E_CRYPTO;
    if (q && bn) {
        if (EC_POINT_oct2point(g, q, pub, len, bn) && !EC_POINT_is_at_infinity(g, q) &&
            EC_POINT_is_on_curve(g, q, bn) == 1)
            e = SEAM_OK;
        else
            e = SEAM_E_FORMAT;
    }
    BN_CTX_free(bn);
    EC_POINT_free(q);
    return e;
}

/* An EVP_PKEY from a public point (priv NULL), a key pair, or a private key alone (pub NULL:
 * enough for ECDH, which never needs the public half). */
static EVP_PKEY *pkey_new(const uint8_t *priv, const uint8_t *pub)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    BIGNUM *d = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    if (!bld) goto out;
    if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, P256_GROUP_NAME, 0) ||
        (pub && !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 65)))
        goto out;
    if (priv) {
        d = BN_secure_new();
        if (!d || !BN_bin2bn(priv, 32, d) ||
            !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d))
            goto out;
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(cr_int_libctx(), "EC", NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pkey = NULL;
out:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params); /* a secure BIGNUM goes to the secure part, cleared on free */
    OSSL_PARAM_BLD_free(bld);
    BN_clear_free(d);
    return pkey;
}

seam_err cr_ecdsa_sig_to_der(const uint8_t sig[64], uint8_t *der, size_t cap, size_t *len)
{
    if (!sig || !len || (!der && cap)) return SEAM_E_ARG;
    *len = 0;
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, 32, NULL), *sv = BN_bin2bn(sig + 32, 32, NULL);
    seam_err e = SEAM_E_CRYPTO;
    if (s && r && sv && ECDSA_SIG_set0(s, r, sv)) {
        r = sv = NULL; /* owned by s now */
        int n = i2d_ECDSA_SIG(s, NULL);
        if (n <= 0) {
            e = SEAM_E_CRYPTO;
        } else if ((size_t)n > cap) {
            e = SEAM_E_LENGTH;
        } else {
            unsigned char *p = der;
            if (i2d_ECDSA_SIG(s, &p) == n) {
                *len = (size_t)n;
                e = SEAM_OK;
            }
        }
    }
    BN_free(r);
    BN_free(sv);
    ECDSA_SIG_free(s);
    return e;
}

/* Strict DER: the whole input is one ECDSA-Sig-Value, it re-encodes to the same bytes, and r
 * and s are non-negative and fit in 32 bytes. */
seam_err cr_ecdsa_sig_from_der(const uint8_t *der, size_t len, uint8_t sig[64])
{
    if (!sig || (!der && len)) return SEAM_E_ARG;
    seam_wipe(sig, 64);
    if (len == 0 || len > MAX_DER_SIG) return SEAM_E_FORMAT;
    const unsigned char *p = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
    seam_err e = SEAM_E_FORMAT;
    if (s && p == der + len) {
        const BIGNUM *r = ECDSA_SIG_get0_r(s), *sv = ECDSA_SIG_get0_s(s);
        uint8_t again[MAX_DER_SIG + 8];
        unsigned char *q = again;
        int n = i2d_ECDSA_SIG(s, NULL);
        if (!BN_is_negative(r) && !BN_is_negative(sv) && BN_num_bytes(r) <= 32 &&
            BN_num_bytes(sv) <= 32 && n > 0 && (size_t)n == len && n <= (int)sizeof again &&
            i2d_ECDSA_SIG(s, &q) == n && memcmp(again, der, len) == 0 &&
            BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(sv, sig + 32, 32) == 32)
            e = SEAM_OK;
    }
    ECDSA_SIG_free(s);
    if (e != SEAM_OK) seam_wipe(sig, 64);
    return e;
}

seam_err cr_p256_verify(const uint8_t *pub, size_t publen, const uint8_t hash[32],
                        const uint8_t sig[64])
{
    if (!pub || !hash || !sig) return SEAM_E_ARG;
    seam_err e = cr_p256_check_public(pub, publen);
    if (e != SEAM_OK) return e;
    uint8_t der[MAX_DER_SIG];
    size_t dlen;
    e = cr_ecdsa_sig_to_der(sig, der, sizeof der, &dlen);
    if (e != SEAM_OK) return e;
    EVP_PKEY *pkey = pkey_new(NULL, pub);
    EVP_PKEY_CTX *ctx = pkey ? EVP_PKEY_CTX_new_from_pkey(cr_int_libctx(), pkey, NULL) : NULL;
    if (!ctx || EVP_PKEY_verify_init(ctx) <= 0)
        e = SEAM_E_CRYPTO;
    else
        e = EVP_PKEY_verify(ctx, der, dlen, hash, 32) == 1 ? SEAM_OK : SEAM_E_AUTH;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    return e;
}

seam_err cr_p256_sign(const uint8_t priv[32], const uint8_t hash[32], uint8_t sig[64])
{
    if (!priv || !hash || !sig) return SEAM_E_ARG;
    uint8_t pub[65], der[MAX_DER_SIG];
    size_t dlen = sizeof der;
    seam_err e = public_of(priv, pub);
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    if (e != SEAM_OK) goto out;
    e = SEAM_E_CRYPTO;
    pkey = pkey_new(priv, pub);
    if (!pkey) goto out;
    ctx = EVP_PKEY_CTX_new_from_pkey(cr_int_libctx(), pkey, NULL);
    if (!ctx || EVP_PKEY_sign_init(ctx) <= 0) goto out;
    e = cr_int_feed_libctx();
    if (e != SEAM_OK) goto out;
    if (EVP_PKEY_sign(ctx, der, &dlen, hash, 32) <= 0) {
        e = SEAM_E_CRYPTO;
        goto out;
    }
    e = cr_ecdsa_sig_from_der(der, dlen, sig);
    if (e != SEAM_OK) {
        e = SEAM_E_CRYPTO;
        goto out;
    }
    /* Verify-after-sign: a signature computed under a fault must never leave the card. */
    if (cr_p256_verify(pub, sizeof pub, hash, sig) != SEAM_OK) e = SEAM_E_FAULT;
out:
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    seam_wipe(der, sizeof der);
    if (e != SEAM_OK) seam_wipe(sig, 64);
    return e;
}

/* ECDH (SP 800-56A §5.7.1.2). The peer's point gets the partial public-key validation of
 * SP 800-56A §5.6.2.3.4 (on the curve, not the point at infinity): for P-256, whose cofactor is
 * 1, every such point has order n, so the full validation's extra n*Q check (what OpenSSL's
 * validate_peer would add, a whole scalar multiplication) proves nothing more. The private
 * scalar is range-checked; its public half is never computed. */
seam_err cr_p256_ecdh(const uint8_t priv[32], const uint8_t *peer_pub, size_t peer_len,
                      uint8_t secret[32])
{
    if (!priv || !peer_pub || !secret) return SEAM_E_ARG;
    seam_err e = cr_p256_check_public(peer_pub, peer_len);
    EVP_PKEY *mine = NULL, *peer = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    if (e != SEAM_OK) goto out;
    if (!scalar_in_range(priv)) {
        e = SEAM_E_ARG;
        goto out;
    }
    e = SEAM_E_CRYPTO;
    mine = pkey_new(priv, NULL);
    peer = pkey_new(NULL, peer_pub);
    if (!mine || !peer) goto out;
    ctx = EVP_PKEY_CTX_new_from_pkey(cr_int_libctx(), mine, NULL);
    if (!ctx || EVP_PKEY_derive_init(ctx) <= 0) goto out;
    e = cr_int_feed_libctx();
    if (e != SEAM_OK) goto out;
    size_t slen = 32;
    if (EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) <= 0 ||
        EVP_PKEY_derive(ctx, secret, &slen) <= 0 || slen != 32)
        e = SEAM_E_CRYPTO;
out:
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(mine);
    EVP_PKEY_free(peer);
    if (e != SEAM_OK) seam_wipe(secret, 32);
    return e;
}
