/*
 * ECC over prime fields with domain parameters from the caller (Java Card's ECKey sets p, a,
 * b, G, n and h one by one) or one of six named curves: key generation, public key derivation
 * and checking, ECDSA (FIPS 186-4 §6) and the Java Card key agreement variants (IEEE 1363
 * ECSVDP-DH and -DHC, SP 800-56A §5.7.1.2), through OpenSSL 3.
 *
 * Groups: explicit parameters become an EC_GROUP with EC_GROUP_new_from_params (the OSSL_PARAM
 * way, no deprecated EC_GROUP_new_curve_GFp), validated once at creation; every EVP_PKEY is
 * then built with EVP_PKEY_fromdata from the same explicit parameters (or the group name for a
 * named curve). Explicit parameters that equal a named curve's bytes select the named group.
 *
 * Invariants: scalars are checked to lie in [1, n-1]; points must be on the curve and not at
 * infinity; BIGNUMs holding secrets are secure BIGNUMs freed with BN_clear_free; every ECDSA
 * signature is verified before it is returned; outputs are wiped on every error. Operations run
 * in cr_int_libctx() after cr_int_feed_libctx(), so in the deterministic RNG mode (rng.c) key
 * generation (scalars drawn with cr_random) and signatures are reproducible. A cr_ec_key keeps
 * a key pair imported with its signing and verifying contexts for callers that sign often; it
 * still verifies each signature, and only its _free (EVP_PKEY_free) releases the scalar.
 *
 * ECDH is computed with EC_POINT_mul (OpenSSL's constant-time Montgomery ladder for a single
 * point and a secret scalar) rather than EVP_PKEY_derive, because Java Card needs the whole
 * point (DH_PLAIN_XY) and the IEEE 1363 compatibility-mode cofactor variant, which EVP's
 * cofactor mode (h * d * Q) does not give.
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

#define N_CURVES 6
#define MAX_HASH 64
#define MAX_DER_SIG (2 * (2 + 1 + CR_EC_MAX_FIELD) + 3) /* SEQUENCE of two INTEGERs */

/* ---- named curves ---- */

static const struct {
    int nid;
    const char *name; /* OpenSSL group name */
} curves[N_CURVES] = {
    {NID_X9_62_prime256v1, "prime256v1"},
    {NID_secp384r1, "secp384r1"},
    {NID_secp521r1, "secp521r1"},
    {NID_brainpoolP256r1, "brainpoolP256r1"},
    {NID_brainpoolP384r1, "brainpoolP384r1"},
    {NID_brainpoolP512r1, "brainpoolP512r1"},
};

/* The named curves' parameters, exported from OpenSSL's built-in tables once. */
static struct {
    uint8_t p[CR_EC_MAX_FIELD], a[CR_EC_MAX_FIELD], b[CR_EC_MAX_FIELD], g[CR_EC_MAX_POINT],
        n[CR_EC_MAX_FIELD];
    cr_ec_params prm;
    bool ok;
} named[N_CURVES];
static pthread_once_t named_once = PTHREAD_ONCE_INIT;

static void named_export(void)
{
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new();
    for (int i = 0; i < N_CURVES && bn && p && a && b; i++) {
        EC_GROUP *grp = EC_GROUP_new_by_curve_name(curves[i].nid);
        if (!grp) continue;
        size_t fl = (size_t)(EC_GROUP_get_degree(grp) + 7) / 8;
        const BIGNUM *n = EC_GROUP_get0_order(grp);
        size_t nl = (size_t)BN_num_bytes(n);
        if (EC_GROUP_get_curve(grp, p, a, b, bn) && BN_bn2binpad(p, named[i].p, (int)fl) > 0 &&
            BN_bn2binpad(a, named[i].a, (int)fl) > 0 && BN_bn2binpad(b, named[i].b, (int)fl) > 0 &&
            BN_bn2binpad(n, named[i].n, (int)nl) > 0 &&
            EC_POINT_point2oct(grp, EC_GROUP_get0_generator(grp), POINT_CONVERSION_UNCOMPRESSED,
                               named[i].g, sizeof named[i].g, bn) == 1 + 2 * fl) {
            cr_ec_params *m = &named[i].prm;
            m->p = named[i].p;
            m->a = named[i].a;
            m->b = named[i].b;
            m->g = named[i].g;
            m->n = named[i].n;
            m->p_len = m->a_len = m->b_len = fl;
            m->g_len = 1 + 2 * fl;
            m->n_len = nl;
            m->h = (unsigned)BN_get_word(EC_GROUP_get0_cofactor(grp));
            named[i].ok = true;
        }
        EC_GROUP_free(grp);
    }
    BN_free(p);
    BN_free(a);
    BN_free(b);
    BN_CTX_free(bn);
}

seam_err cr_ec_named_params(cr_ec_curve curve, cr_ec_params *out)
{
    if (!out) return SEAM_E_ARG;
    memset(out, 0, sizeof *out);
    if (curve < CR_EC_P256 || curve > CR_EC_BP512R1) return SEAM_E_UNSUPPORTED;
    pthread_once(&named_once, named_export);
    if (!named[curve - 1].ok) return SEAM_E_CRYPTO;
    *out = named[curve - 1].prm;
    return SEAM_OK;
}

/* ---- groups ---- */

struct cr_ec_group {
    EC_GROUP *grp;
    const char *name; /* named curve, or NULL: explicit parameters */
    BIGNUM *p, *a, *b, *n, *h;
    uint8_t g[CR_EC_MAX_POINT];
    size_t flen, fbits, nlen;
};

void cr_ec_group_free(cr_ec_group *g)
{
    if (!g) return;
    EC_GROUP_free(g->grp);
    BN_free(g->p);
    BN_free(g->a);
    BN_free(g->b);
    BN_free(g->n);
    BN_free(g->h);
    free(g);
}

/* Fills the BIGNUM copies and sizes from a finished EC_GROUP. */
static seam_err group_fill(cr_ec_group *g)
{
    BN_CTX *bn = BN_CTX_new_ex(cr_int_libctx());
    seam_err e = SEAM_E_CRYPTO;
    g->p = BN_new();
    g->a = BN_new();
    g->b = BN_new();
    g->n = BN_dup(EC_GROUP_get0_order(g->grp));
    g->h = BN_dup(EC_GROUP_get0_cofactor(g->grp));
    if (bn && g->p && g->a && g->b && g->n && g->h &&
        EC_GROUP_get_curve(g->grp, g->p, g->a, g->b, bn)) {
        g->fbits = (size_t)BN_num_bits(g->p);
        g->flen = (g->fbits + 7) / 8;
        g->nlen = (size_t)BN_num_bytes(g->n);
        if (EC_POINT_point2oct(g->grp, EC_GROUP_get0_generator(g->grp),
                               POINT_CONVERSION_UNCOMPRESSED, g->g, sizeof g->g,
                               bn) == 1 + 2 * g->flen)
            e = SEAM_OK;
    }
    BN_CTX_free(bn);
    return e;
}

seam_err cr_ec_group_named(cr_ec_curve curve, cr_ec_group **out)
{
    if (!out) return SEAM_E_ARG;
    *out = NULL;
    if (curve < CR_EC_P256 || curve > CR_EC_BP512R1) return SEAM_E_UNSUPPORTED;
    cr_ec_group *g = calloc(1, sizeof *g);
    if (!g) return SEAM_E_NOMEM;
    g->name = curves[curve - 1].name;
    g->grp = EC_GROUP_new_by_curve_name_ex(cr_int_libctx(), NULL, curves[curve - 1].nid);
    seam_err e = g->grp ? group_fill(g) : SEAM_E_CRYPTO;
    if (e != SEAM_OK) {
        cr_ec_group_free(g);
        return e;
    }
    *out = g;
    return SEAM_OK;
}

static bool bytes_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* The named curve whose parameters are exactly prm's bytes, or 0. */
static cr_ec_curve match_named(const cr_ec_params *prm)
{
    for (int c = CR_EC_P256; c <= CR_EC_BP512R1; c++) {
        cr_ec_params m;
        if (cr_ec_named_params((cr_ec_curve)c, &m) != SEAM_OK) continue;
        if (bytes_eq(prm->p, prm->p_len, m.p, m.p_len) &&
            bytes_eq(prm->a, prm->a_len, m.a, m.a_len) &&
            bytes_eq(prm->b, prm->b_len, m.b, m.b_len) &&
            bytes_eq(prm->g, prm->g_len, m.g, m.g_len) &&
            bytes_eq(prm->n, prm->n_len, m.n, m.n_len) && prm->h == m.h)
            return (cr_ec_curve)c;
    }
    return (cr_ec_curve)0;
}

/* Pushes the group's domain parameters (name or explicit) onto a param builder. */
static bool push_group(OSSL_PARAM_BLD *bld, const cr_ec_group *g)
{
    if (g->name)
        return OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0);
    return OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_EC_FIELD_TYPE, SN_X9_62_prime_field,
                                           0) &&
           OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_P, g->p) &&
           OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_A, g->a) &&
           OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_B, g->b) &&
           OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_EC_GENERATOR, g->g,
                                            1 + 2 * g->flen) &&
           OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_ORDER, g->n) &&
           OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_COFACTOR, g->h);
}

/* |h * n - (p + 1)| <= 2 sqrt(p), i.e. (h * n - (p + 1))^2 <= 4p (Hasse's theorem). */
static bool hasse_ok(const BIGNUM *p, const BIGNUM *n, const BIGNUM *h, BN_CTX *bn)
{
    BN_CTX_start(bn);
    BIGNUM *t = BN_CTX_get(bn), *u = BN_CTX_get(bn);
    bool ok = t && u && BN_mul(t, h, n, bn) && BN_copy(u, p) && BN_add_word(u, 1) &&
              BN_sub(t, t, u) && BN_sqr(t, t, bn) && BN_lshift(u, p, 2) && BN_cmp(t, u) <= 0;
    BN_CTX_end(bn);
    return ok;
}

/* Validates explicit parameters (see the header). */
static seam_err group_validate(cr_ec_group *g)
{
    BN_CTX *bn = BN_CTX_new_ex(cr_int_libctx());
    if (!bn) return SEAM_E_NOMEM;
    seam_err e = SEAM_E_FORMAT;
    if (g->fbits >= 128 && g->fbits <= 521 && BN_cmp(g->a, g->p) < 0 && BN_cmp(g->b, g->p) < 0 &&
        !BN_is_zero(g->h) && BN_num_bits(g->h) <= 17 && BN_cmp(g->h, BN_value_one()) >= 0 &&
        BN_check_prime(g->p, bn, NULL) == 1 && BN_check_prime(g->n, bn, NULL) == 1 &&
        hasse_ok(g->p, g->n, g->h, bn) && EC_GROUP_check(g->grp, bn) == 1)
        e = SEAM_OK;
    BN_CTX_free(bn);
    return e;
}

seam_err cr_ec_group_new(const cr_ec_params *prm, cr_ec_group **out)
{
    if (!out) return SEAM_E_ARG;
    *out = NULL;
    if (!prm || !prm->p || !prm->a || !prm->b || !prm->g || !prm->n) return SEAM_E_ARG;
    /* a, b and n may carry leading zero bytes (values are range-checked later). */
    if (prm->p_len == 0 || prm->p_len > CR_EC_MAX_FIELD || prm->a_len > CR_EC_MAX_FIELD + 1 ||
        prm->b_len > CR_EC_MAX_FIELD + 1 || prm->n_len == 0 || prm->n_len > CR_EC_MAX_FIELD + 1 ||
        prm->g_len != 1 + 2 * prm->p_len || prm->g[0] != 0x04)
        return SEAM_E_LENGTH;
    if (prm->h == 0 || prm->h > 65536) return SEAM_E_FORMAT;
    cr_ec_curve c = match_named(prm);
    if (c) return cr_ec_group_named(c, out);

    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    BIGNUM *p = BN_bin2bn(prm->p, (int)prm->p_len, NULL);
    BIGNUM *a = BN_bin2bn(prm->a, (int)prm->a_len, NULL);
    BIGNUM *b = BN_bin2bn(prm->b, (int)prm->b_len, NULL);
    BIGNUM *n = BN_bin2bn(prm->n, (int)prm->n_len, NULL);
    BIGNUM *h = BN_new();
    cr_ec_group *g = calloc(1, sizeof *g);
    seam_err e = SEAM_E_NOMEM;
    if (!bld || !p || !a || !b || !n || !h || !g || !BN_set_word(h, prm->h)) goto out;
    e = SEAM_E_CRYPTO;
    if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_EC_FIELD_TYPE, SN_X9_62_prime_field,
                                         0) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_P, p) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_A, a) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_B, b) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_EC_GENERATOR, prm->g, prm->g_len) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_ORDER, n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_COFACTOR, h) ||
        !(params = OSSL_PARAM_BLD_to_param(bld)))
        goto out;
    /* OpenSSL refuses malformed parameters here (G not on the curve, for one). */
    g->grp = EC_GROUP_new_from_params(params, cr_int_libctx(), NULL);
    if (!g->grp) {
        e = SEAM_E_FORMAT;
        goto out;
    }
    e = group_fill(g);
    if (e == SEAM_OK && g->flen != prm->p_len) e = SEAM_E_FORMAT; /* p had leading zeros */
    /* OpenSSL may swap explicit parameters for a built-in curve that matches in p, a, b, G and
     * n but not in h (seen with secp256k1 and h = 4): the group must be what was asked for. */
    if (e == SEAM_OK && (BN_cmp(g->p, p) || BN_cmp(g->a, a) || BN_cmp(g->b, b) || BN_cmp(g->n, n) ||
                         BN_cmp(g->h, h)))
        e = SEAM_E_FORMAT;
    if (e == SEAM_OK) e = group_validate(g);
out:
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(p);
    BN_free(a);
    BN_free(b);
    BN_free(n);
    BN_free(h);
    if (e != SEAM_OK) {
        cr_ec_group_free(g);
        return e;
    }
    *out = g;
    return SEAM_OK;
}

size_t cr_ec_field_len(const cr_ec_group *g)
{
    return g ? g->flen : 0;
}

size_t cr_ec_field_bits(const cr_ec_group *g)
{
    return g ? g->fbits : 0;
}

size_t cr_ec_order_len(const cr_ec_group *g)
{
    return g ? g->nlen : 0;
}

size_t cr_ec_point_len(const cr_ec_group *g)
{
    return g ? 1 + 2 * g->flen : 0;
}

/* ---- keys ---- */

/* The scalar as a secure BIGNUM if it lies in [1, n-1], else NULL. */
static BIGNUM *scalar_checked(const cr_ec_group *g, const uint8_t *priv, size_t len)
{
    if (!priv || len == 0 || len > g->nlen) return NULL;
    BIGNUM *d = BN_secure_new();
    if (!d) return NULL;
    if (!BN_bin2bn(priv, (int)len, d) || BN_is_zero(d) || BN_cmp(d, g->n) >= 0) {
        BN_clear_free(d);
        return NULL;
    }
    return d;
}

/* Decodes a public point; NULL unless it is on the curve and not infinity. */
static EC_POINT *point_decode(const cr_ec_group *g, const uint8_t *pub, size_t len, BN_CTX *bn)
{
    EC_POINT *q = EC_POINT_new(g->grp);
    if (!q) return NULL;
    if (!pub || len == 0 || !EC_POINT_oct2point(g->grp, q, pub, len, bn) ||
        EC_POINT_is_at_infinity(g->grp, q) || EC_POINT_is_on_curve(g->grp, q, bn) != 1) {
        EC_POINT_free(q);
        return NULL;
    }
    return q;
}

static seam_err point_encode(const cr_ec_group *g, const EC_POINT *q, uint8_t *out, BN_CTX *bn)
{
    size_t n = 1 + 2 * g->flen;
    return EC_POINT_point2oct(g->grp, q, POINT_CONVERSION_UNCOMPRESSED, out, n, bn) == n
               ? SEAM_OK
               : SEAM_E_CRYPTO;
}

/* pub = d * G (uncompressed). SEAM_E_ARG when the scalar is out of range. */
static seam_err public_of(const cr_ec_group *g, const uint8_t *priv, size_t len, uint8_t *pub)
{
    seam_err e = cr_int_feed_libctx();
    if (e != SEAM_OK) return e;
    BIGNUM *d = scalar_checked(g, priv, len);
    EC_POINT *q = EC_POINT_new(g->grp);
    BN_CTX *bn = BN_CTX_secure_new_ex(cr_int_libctx());
    if (!d)
        e = SEAM_E_ARG;
    else if (!q || !bn || !EC_POINT_mul(g->grp, q, d, NULL, NULL, bn))
        e = SEAM_E_CRYPTO;
    else
        e = point_encode(g, q, pub, bn);
    BN_CTX_free(bn);
    EC_POINT_free(q);
    BN_clear_free(d);
    return e;
}

seam_err cr_ec_public(const cr_ec_group *g, const uint8_t *priv, size_t priv_len, uint8_t *pub,
                      size_t pub_len)
{
    if (!g || !priv || !pub) return SEAM_E_ARG;
    if (pub_len != 1 + 2 * g->flen) return SEAM_E_LENGTH;
    if (priv_len == 0 || priv_len > g->nlen) return SEAM_E_LENGTH;
    seam_err e = public_of(g, priv, priv_len, pub);
    if (e != SEAM_OK) seam_wipe(pub, pub_len);
    return e;
}

/* FIPS 186-4 B.4.2 (testing candidates): draw order_len bytes, clear the bits above n's top
 * bit, keep the value if it lies in [1, n-1], else draw again. Each draw succeeds with
 * probability above 1/2, so 64 draws fail with probability below 2^-64. */
seam_err cr_ec_keygen(const cr_ec_group *g, uint8_t *priv, size_t priv_len, uint8_t *pub,
                      size_t pub_len)
{
    if (!g || !priv || !pub) return SEAM_E_ARG;
    if (priv_len != g->nlen || pub_len != 1 + 2 * g->flen) return SEAM_E_LENGTH;
    int topbits = BN_num_bits(g->n) % 8;
    seam_err e = SEAM_E_CRYPTO;
    for (int tries = 0; tries < 64; tries++) {
        e = cr_random(priv, priv_len);
        if (e != SEAM_OK) break;
        if (topbits) priv[0] &= (uint8_t)((1u << topbits) - 1);
        e = public_of(g, priv, priv_len, pub);
        if (e != SEAM_E_ARG) break;
    }
    if (e != SEAM_OK) {
        seam_wipe(priv, priv_len);
        seam_wipe(pub, pub_len);
    }
    return e;
}

seam_err cr_ec_check_public(const cr_ec_group *g, const uint8_t *pub, size_t pub_len)
{
    if (!g || (!pub && pub_len)) return SEAM_E_ARG;
    BN_CTX *bn = BN_CTX_new_ex(cr_int_libctx());
    if (!bn) return SEAM_E_NOMEM;
    EC_POINT *q = point_decode(g, pub, pub_len, bn);
    BN_CTX_free(bn);
    EC_POINT_free(q);
    return q ? SEAM_OK : SEAM_E_FORMAT;
}

/* An EVP_PKEY from a public point (uncompressed, already checked) and optionally the scalar. */
static EVP_PKEY *pkey_new(const cr_ec_group *g, const BIGNUM *d, const uint8_t *pub)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    if (!bld || !push_group(bld, g) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 1 + 2 * g->flen) ||
        (d && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d)))
        goto out;
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(cr_int_libctx(), "EC", NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pkey = NULL;
out:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params); /* a secure BIGNUM goes to the secure part, cleared on free */
    OSSL_PARAM_BLD_free(bld);
    return pkey;
}

/* ---- ECDSA ---- */

seam_err cr_ecdsa_raw_to_der(const uint8_t *sig, size_t sig_len, uint8_t *der, size_t cap,
                             size_t *der_len)
{
    if (!sig || !der_len || (!der && cap)) return SEAM_E_ARG;
    *der_len = 0;
    if (sig_len == 0 || sig_len % 2 || sig_len > 2 * CR_EC_MAX_FIELD) return SEAM_E_LENGTH;
    int half = (int)sig_len / 2;
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, half, NULL), *sv = BN_bin2bn(sig + half, half, NULL);
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
                *der_len = (size_t)n;
                e = SEAM_OK;
            }
        }
    }
    BN_free(r);
    BN_free(sv);
    ECDSA_SIG_free(s);
    return e;
}

seam_err cr_ecdsa_der_to_raw(const uint8_t *der, size_t der_len, uint8_t *sig, size_t sig_len)
{
    if (!sig || (!der && der_len)) return SEAM_E_ARG;
    if (sig_len == 0 || sig_len % 2 || sig_len > 2 * CR_EC_MAX_FIELD) return SEAM_E_LENGTH;
    seam_wipe(sig, sig_len);
    if (der_len == 0 || der_len > MAX_DER_SIG) return SEAM_E_FORMAT;
    int half = (int)sig_len / 2;
    const unsigned char *p = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    seam_err e = SEAM_E_FORMAT;
    if (s && p == der + der_len) {
        const BIGNUM *r = ECDSA_SIG_get0_r(s), *sv = ECDSA_SIG_get0_s(s);
        uint8_t again[MAX_DER_SIG + 8];
        unsigned char *q = again;
        int n = i2d_ECDSA_SIG(s, NULL);
        /* Re-encoding must give the same bytes: rejects BER, non-minimal integers. */
        if (!BN_is_negative(r) && !BN_is_negative(sv) && BN_num_bytes(r) <= half &&
            BN_num_bytes(sv) <= half && n > 0 && (size_t)n == der_len && n <= (int)sizeof again &&
            i2d_ECDSA_SIG(s, &q) == n && memcmp(again, der, der_len) == 0 &&
            BN_bn2binpad(r, sig, half) == half && BN_bn2binpad(sv, sig + half, half) == half)
            e = SEAM_OK;
    }
    ECDSA_SIG_free(s);
    if (e != SEAM_OK) seam_wipe(sig, sig_len);
    return e;
}

seam_err cr_ec_verify(const cr_ec_group *g, const uint8_t *pub, size_t pub_len, const uint8_t *hash,
                      size_t hash_len, const uint8_t *sig, size_t sig_len)
{
    if (!g || !pub || !hash || !sig) return SEAM_E_ARG;
    if (hash_len == 0 || hash_len > MAX_HASH || sig_len != 2 * g->nlen) return SEAM_E_LENGTH;
    BN_CTX *bn = BN_CTX_new_ex(cr_int_libctx());
    EC_POINT *q = bn ? point_decode(g, pub, pub_len, bn) : NULL;
    uint8_t upub[CR_EC_MAX_POINT], der[MAX_DER_SIG];
    size_t dlen = 0;
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    seam_err e = SEAM_E_FORMAT;
    if (!q) goto out;
    e = point_encode(g, q, upub, bn);
    if (e == SEAM_OK) e = cr_ecdsa_raw_to_der(sig, sig_len, der, sizeof der, &dlen);
    if (e != SEAM_OK) goto out;
    e = SEAM_E_CRYPTO;
    pkey = pkey_new(g, NULL, upub);
    ctx = pkey ? EVP_PKEY_CTX_new_from_pkey(cr_int_libctx(), pkey, NULL) : NULL;
    if (ctx && EVP_PKEY_verify_init(ctx) > 0)
        e = EVP_PKEY_verify(ctx, der, dlen, hash, hash_len) == 1 ? SEAM_OK : SEAM_E_AUTH;
out:
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    EC_POINT_free(q);
    BN_CTX_free(bn);
    return e;
}

/* ECDSA with the scalar priv and the uncompressed public point upub (1 + 2 * flen bytes),
 * then verify-after-sign against upub: a signature computed under a fault, or with a upub that
 * is not priv * G, never leaves the function (SEAM_E_FAULT). Lengths are checked by callers. */
static seam_err sign_with(const cr_ec_group *g, const uint8_t *priv, size_t priv_len,
                          const uint8_t *upub, const uint8_t *hash, size_t hash_len, uint8_t *sig,
                          size_t sig_len)
{
    uint8_t der[MAX_DER_SIG];
    size_t dlen = sizeof der;
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    seam_err e = SEAM_E_CRYPTO;
    BIGNUM *d = scalar_checked(g, priv, priv_len);
    if (!d) {
        e = SEAM_E_ARG;
        goto out;
    }
    pkey = pkey_new(g, d, upub);
    ctx = pkey ? EVP_PKEY_CTX_new_from_pkey(cr_int_libctx(), pkey, NULL) : NULL;
    if (!ctx || EVP_PKEY_sign_init(ctx) <= 0) goto out;
    e = cr_int_feed_libctx();
    if (e != SEAM_OK) goto out;
    if (EVP_PKEY_sign(ctx, der, &dlen, hash, hash_len) <= 0) {
        e = SEAM_E_CRYPTO;
        goto out;
    }
    e = cr_ecdsa_der_to_raw(der, dlen, sig, sig_len);
    if (e != SEAM_OK) {
        e = SEAM_E_CRYPTO;
        goto out;
    }
    /* Verify-after-sign: a signature computed under a fault must never leave the card. */
    if (cr_ec_verify(g, upub, 1 + 2 * g->flen, hash, hash_len, sig, sig_len) != SEAM_OK)
        e = SEAM_E_FAULT;
out:
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    BN_clear_free(d);
    seam_wipe(der, sizeof der);
    if (e != SEAM_OK) seam_wipe(sig, sig_len);
    return e;
}

seam_err cr_ec_sign(const cr_ec_group *g, const uint8_t *priv, size_t priv_len, const uint8_t *hash,
                    size_t hash_len, uint8_t *sig, size_t sig_len)
{
    if (!g || !priv || !hash || !sig) return SEAM_E_ARG;
    if (hash_len == 0 || hash_len > MAX_HASH || sig_len != 2 * g->nlen) return SEAM_E_LENGTH;
    if (priv_len == 0 || priv_len > g->nlen) return SEAM_E_LENGTH;
    uint8_t pub[CR_EC_MAX_POINT];
    seam_err e = public_of(g, priv, priv_len, pub);
    if (e == SEAM_OK) e = sign_with(g, priv, priv_len, pub, hash, hash_len, sig, sig_len);
    if (e != SEAM_OK) seam_wipe(sig, sig_len);
    return e;
}

seam_err cr_ec_sign_pub(const cr_ec_group *g, const uint8_t *priv, size_t priv_len,
                        const uint8_t *pub, size_t pub_len, const uint8_t *hash, size_t hash_len,
                        uint8_t *sig, size_t sig_len)
{
    if (!g || !priv || !pub || !hash || !sig) return SEAM_E_ARG;
    if (hash_len == 0 || hash_len > MAX_HASH || sig_len != 2 * g->nlen) return SEAM_E_LENGTH;
    if (priv_len == 0 || priv_len > g->nlen || pub_len == 0) return SEAM_E_LENGTH;
    seam_wipe(sig, sig_len);
    uint8_t upub[CR_EC_MAX_POINT];
    BN_CTX *bn = BN_CTX_new_ex(cr_int_libctx());
    if (!bn) return SEAM_E_NOMEM;
    EC_POINT *q = point_decode(g, pub, pub_len, bn);
    seam_err e = q ? point_encode(g, q, upub, bn) : SEAM_E_FORMAT;
    EC_POINT_free(q);
    BN_CTX_free(bn);
    if (e == SEAM_OK) e = sign_with(g, priv, priv_len, upub, hash, hash_len, sig, sig_len);
    if (e != SEAM_OK) seam_wipe(sig, sig_len);
    return e;
}

/* ---- signing keys kept in OpenSSL (cr_ec_key) ---- */

/* The key pair imported once (pkey_new: the same EVP_PKEY_fromdata as sign_with does per
 * call) with a signing and a verifying context initialised once; an ECDSA signing context can
 * sign any number of times (no per-signature state is kept in it but the nonce, drawn anew). */
struct cr_ec_key {
    EVP_PKEY *pkey;
    EVP_PKEY_CTX *sctx, *vctx;
    OSSL_LIB_CTX *lib; /* the library context the contexts were made in */
    size_t nlen;
};

void cr_ec_key_free(cr_ec_key *k)
{
    if (!k) return;
    EVP_PKEY_CTX_free(k->sctx);
    EVP_PKEY_CTX_free(k->vctx);
    EVP_PKEY_free(k->pkey); /* the EC key's scalar is freed with BN_clear_free */
    free(k);
}

seam_err cr_ec_key_new(const cr_ec_group *g, const uint8_t *priv, size_t priv_len,
                       const uint8_t *pub, size_t pub_len, cr_ec_key **out)
{
    if (!out) return SEAM_E_ARG;
    *out = NULL;
    if (!g || !priv || !pub) return SEAM_E_ARG;
    if (priv_len == 0 || priv_len > g->nlen || pub_len == 0) return SEAM_E_LENGTH;
    uint8_t upub[CR_EC_MAX_POINT];
    BN_CTX *bn = BN_CTX_new_ex(cr_int_libctx());
    if (!bn) return SEAM_E_NOMEM;
    EC_POINT *q = point_decode(g, pub, pub_len, bn);
    seam_err e = q ? point_encode(g, q, upub, bn) : SEAM_E_FORMAT;
    EC_POINT_free(q);
    BN_CTX_free(bn);
    if (e != SEAM_OK) return e;
    BIGNUM *d = scalar_checked(g, priv, priv_len);
    if (!d) return SEAM_E_ARG;
    cr_ec_key *k = calloc(1, sizeof *k);
    e = SEAM_E_NOMEM;
    if (k) {
        k->lib = cr_int_libctx();
        k->nlen = g->nlen;
        k->pkey = pkey_new(g, d, upub);
        if (k->pkey) {
            k->sctx = EVP_PKEY_CTX_new_from_pkey(k->lib, k->pkey, NULL);
            k->vctx = EVP_PKEY_CTX_new_from_pkey(k->lib, k->pkey, NULL);
        }
        e = k->sctx && k->vctx && EVP_PKEY_sign_init(k->sctx) > 0 &&
                    EVP_PKEY_verify_init(k->vctx) > 0
                ? SEAM_OK
                : SEAM_E_CRYPTO;
    }
    BN_clear_free(d);
    if (e != SEAM_OK) {
        cr_ec_key_free(k);
        return e;
    }
    *out = k;
    return SEAM_OK;
}

seam_err cr_ec_key_sign(cr_ec_key *k, const uint8_t *hash, size_t hash_len, uint8_t *sig,
                        size_t sig_len)
{
    if (!k || !hash || !sig) return SEAM_E_ARG;
    if (hash_len == 0 || hash_len > MAX_HASH || sig_len != 2 * k->nlen) return SEAM_E_LENGTH;
    seam_wipe(sig, sig_len);
    if (k->lib != cr_int_libctx()) return SEAM_E_STATE;
    uint8_t der[MAX_DER_SIG], again[MAX_DER_SIG];
    size_t dlen = sizeof der, alen = 0;
    seam_err e = cr_int_feed_libctx();
    if (e == SEAM_OK && EVP_PKEY_sign(k->sctx, der, &dlen, hash, hash_len) <= 0) e = SEAM_E_CRYPTO;
    if (e == SEAM_OK && cr_ecdsa_der_to_raw(der, dlen, sig, sig_len) != SEAM_OK) e = SEAM_E_CRYPTO;
    /* Verify-after-sign of the very r || s returned, against the key's public point: a
     * signature computed under a fault never leaves the function. */
    if (e == SEAM_OK && cr_ecdsa_raw_to_der(sig, sig_len, again, sizeof again, &alen) != SEAM_OK)
        e = SEAM_E_CRYPTO;
    if (e == SEAM_OK && EVP_PKEY_verify(k->vctx, again, alen, hash, hash_len) != 1)
        e = SEAM_E_FAULT;
    seam_wipe(der, sizeof der);
    if (e != SEAM_OK) seam_wipe(sig, sig_len);
    return e;
}

/* ---- ECDH ---- */

/* The shared point R for the kind (see the header); SEAM_E_FORMAT if R is infinity. */
static seam_err dh_point(const cr_ec_group *g, bool cofactor, const BIGNUM *d, const EC_POINT *q,
                         EC_POINT *r, BN_CTX *bn)
{
    if (!cofactor || BN_is_one(g->h)) {
        if (!EC_POINT_mul(g->grp, r, NULL, q, d, bn)) return SEAM_E_CRYPTO;
    } else {
        /* IEEE 1363 ECSVDP-DHC, compatibility mode: t = d * h^-1 mod n, R = h * (t * Q). */
        BN_CTX_start(bn);
        BIGNUM *t = BN_CTX_get(bn), *hinv = BN_CTX_get(bn);
        bool ok = t && hinv && BN_mod_inverse(hinv, g->h, g->n, bn) &&
                  BN_mod_mul(t, d, hinv, g->n, bn) && EC_POINT_mul(g->grp, r, NULL, q, t, bn) &&
                  EC_POINT_mul(g->grp, r, NULL, r, g->h, bn);
        BN_CTX_end(bn); /* a secure BN_CTX clears its BIGNUMs */
        if (!ok) return SEAM_E_CRYPTO;
    }
    return EC_POINT_is_at_infinity(g->grp, r) ? SEAM_E_FORMAT : SEAM_OK;
}

seam_err cr_ecdh(const cr_ec_group *g, cr_ecdh_kind kind, const uint8_t *priv, size_t priv_len,
                 const uint8_t *peer, size_t peer_len, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!g || !priv || !peer || !out || !out_len) return SEAM_E_ARG;
    *out_len = 0;
    size_t n;
    switch (kind) {
    case CR_ECDH_PLAIN:
    case CR_ECDH_COFACTOR_PLAIN:
        n = g->flen;
        break;
    case CR_ECDH_SHA1:
    case CR_ECDH_COFACTOR_SHA1:
        n = 20;
        break;
    case CR_ECDH_PLAIN_XY:
        n = 1 + 2 * g->flen;
        break;
    default:
        return SEAM_E_UNSUPPORTED;
    }
    if (cap < n) return SEAM_E_LENGTH;
    if (priv_len == 0 || priv_len > g->nlen) return SEAM_E_LENGTH;
    seam_err e = cr_int_feed_libctx();
    if (e != SEAM_OK) return e;
    bool cofactor = kind == CR_ECDH_COFACTOR_PLAIN || kind == CR_ECDH_COFACTOR_SHA1;
    BN_CTX *bn = BN_CTX_secure_new_ex(cr_int_libctx());
    BIGNUM *d = scalar_checked(g, priv, priv_len);
    EC_POINT *q = bn ? point_decode(g, peer, peer_len, bn) : NULL;
    EC_POINT *r = EC_POINT_new(g->grp);
    uint8_t pt[CR_EC_MAX_POINT];
    if (!bn || !r)
        e = SEAM_E_NOMEM;
    else if (!d)
        e = SEAM_E_ARG;
    else if (!q)
        e = SEAM_E_FORMAT;
    else
        e = dh_point(g, cofactor, d, q, r, bn);
    if (e == SEAM_OK) e = point_encode(g, r, pt, bn);
    if (e == SEAM_OK) {
        if (kind == CR_ECDH_PLAIN_XY) {
            memcpy(out, pt, n);
        } else if (kind == CR_ECDH_PLAIN || kind == CR_ECDH_COFACTOR_PLAIN) {
            memcpy(out, pt + 1, n);
        } else {
            size_t got = 0;
            e = cr_md(CR_MD_SHA1, pt + 1, g->flen, out, cap, &got);
        }
    }
    seam_wipe(pt, sizeof pt);
    EC_POINT_clear_free(r);
    EC_POINT_free(q);
    BN_clear_free(d);
    BN_CTX_free(bn);
    if (e != SEAM_OK) {
        seam_wipe(out, n);
        return e;
    }
    *out_len = n;
    return SEAM_OK;
}
