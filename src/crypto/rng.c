/*
 * The seam random number generator: one process-wide NIST SP 800-90A CTR-DRBG (AES-256-CTR,
 * with derivation function) from OpenSSL's default provider, behind one mutex.
 *
 * Normal mode: the DRBG has no parent, so OpenSSL seeds and reseeds it from the operating
 * system's seed source. OpenSSL's own operations (ECDSA nonces) use OpenSSL's default DRBGs.
 *
 * Deterministic mode (cr_rng_seed_deterministic, for tests and simulation only):
 *   - The seam DRBG gets as parent an instance of OpenSSL's "TEST-RAND" whose entropy and nonce
 *     are fixed bytes expanded from the seed with SHA-256 (entropy block i = SHA-256("seam det
 *     entropy" || [i]_8 || seed), nonce = SHA-256("seam det nonce" || seed)). Automatic
 *     reseeding (by request count and by time) is switched off, so the same seed gives the same
 *     stream of bytes, in every process.
 *   - EC operations run in a library context of their own (OpenSSL 3.0 has no RFC 6979: that
 *     came in 3.2), whose DRBGs are all of type TEST-RAND. Before each EC operation the calling
 *     thread's public and private TEST-RAND instances are refilled with fresh bytes from the
 *     seam DRBG (cr_int_feed_libctx), so the ECDSA nonce and any blinding values are drawn from
 *     the seam stream and signatures are reproducible. The refill is the simplest way OpenSSL
 *     3.0 allows: its library-context DRBGs cannot be replaced by an application's DRBG.
 *   Verification and point checks draw no random bytes, so they need no refill (test_crypto
 *   checks this from a thread that never signed).
 *   Switch to this mode before starting threads that use seam crypto; it is never left.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto/crypto_int.h"

#define DET_ENTROPY_BLOCKS 8 /* 256 bytes of parent entropy: the DRBG takes what it needs */
#define FEED_LEN 1024        /* bytes given to each library-context source per EC operation */

static pthread_mutex_t rng_lock = PTHREAD_MUTEX_INITIALIZER;
static EVP_RAND_CTX *drbg;       /* the seam DRBG */
static EVP_RAND_CTX *det_parent; /* TEST-RAND parent in deterministic mode */
static OSSL_LIB_CTX *det_libctx; /* library context for EC operations in deterministic mode */
static atomic_bool deterministic;

static const char pers[] = "seam CTR-DRBG";

/* Creates and instantiates a CTR-DRBG (AES-256-CTR) with the given parent (NULL: OS seeded). */
static EVP_RAND_CTX *drbg_new(EVP_RAND_CTX *parent)
{
    EVP_RAND *alg = EVP_RAND_fetch(NULL, "CTR-DRBG", NULL);
    if (!alg) return NULL;
    EVP_RAND_CTX *ctx = EVP_RAND_CTX_new(alg, parent);
    EVP_RAND_free(alg);
    if (!ctx) return NULL;
    unsigned int never = 0;
    time_t never_t = 0;
    OSSL_PARAM params[4], *p = params;
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_DRBG_PARAM_CIPHER, "AES-256-CTR", 0);
    if (parent) {
        *p++ = OSSL_PARAM_construct_uint(OSSL_DRBG_PARAM_RESEED_REQUESTS, &never);
        *p++ = OSSL_PARAM_construct_time_t(OSSL_DRBG_PARAM_RESEED_TIME_INTERVAL, &never_t);
    }
    *p = OSSL_PARAM_construct_end();
    if (!EVP_RAND_CTX_set_params(ctx, params) ||
        !EVP_RAND_instantiate(ctx, 256, 0, (const unsigned char *)pers, sizeof pers - 1, NULL)) {
        EVP_RAND_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Called with rng_lock held. */
static seam_err ensure_drbg(void)
{
    if (drbg) return SEAM_OK;
    drbg = drbg_new(NULL);
    return drbg ? SEAM_OK : SEAM_E_CRYPTO;
}

static seam_err generate_locked(uint8_t *out, size_t len)
{
    seam_err e = ensure_drbg();
    if (e != SEAM_OK) return e;
    if (len && !EVP_RAND_generate(drbg, out, len, 256, 0, NULL, 0)) return SEAM_E_CRYPTO;
    return SEAM_OK;
}

seam_err cr_random(uint8_t *out, size_t len)
{
    if (len && !out) return SEAM_E_ARG;
    pthread_mutex_lock(&rng_lock);
    seam_err e = generate_locked(out, len);
    pthread_mutex_unlock(&rng_lock);
    if (e != SEAM_OK) seam_wipe(out, len);
    return e;
}

bool cr_rng_is_deterministic(void)
{
    return atomic_load(&deterministic);
}

/* SHA-256(label || [ctr]_8 if ctr >= 0 || seed). */
static seam_err derive(const char *label, int ctr, const uint8_t *seed, size_t len, uint8_t out[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t c = (uint8_t)ctr;
    unsigned int outl = 0;
    bool ok = md && EVP_DigestInit_ex2(md, cr_int_sha256(), NULL) &&
              EVP_DigestUpdate(md, label, strlen(label)) &&
              (ctr < 0 || EVP_DigestUpdate(md, &c, 1)) && EVP_DigestUpdate(md, seed, len) &&
              EVP_DigestFinal_ex(md, out, &outl);
    EVP_MD_CTX_free(md);
    return ok ? SEAM_OK : SEAM_E_CRYPTO;
}

static EVP_RAND_CTX *test_rand_new(const uint8_t *entropy, size_t elen, const uint8_t *nonce,
                                   size_t nlen)
{
    EVP_RAND *alg = EVP_RAND_fetch(NULL, "TEST-RAND", NULL);
    if (!alg) return NULL;
    EVP_RAND_CTX *ctx = EVP_RAND_CTX_new(alg, NULL);
    EVP_RAND_free(alg);
    if (!ctx) return NULL;
    unsigned int strength = 256;
    OSSL_PARAM params[4];
    params[0] =
        OSSL_PARAM_construct_octet_string(OSSL_RAND_PARAM_TEST_ENTROPY, (void *)entropy, elen);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_RAND_PARAM_TEST_NONCE, (void *)nonce, nlen);
    params[2] = OSSL_PARAM_construct_uint(OSSL_RAND_PARAM_STRENGTH, &strength);
    params[3] = OSSL_PARAM_construct_end();
    if (!EVP_RAND_CTX_set_params(ctx, params) ||
        !EVP_RAND_instantiate(ctx, 256, 0, NULL, 0, NULL)) {
        EVP_RAND_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

seam_err cr_rng_seed_deterministic(const uint8_t *seed, size_t len)
{
    if (!seed && len) return SEAM_E_ARG;
    uint8_t entropy[DET_ENTROPY_BLOCKS * 32], nonce[32];
    seam_err e = SEAM_OK;
    for (int i = 0; i < DET_ENTROPY_BLOCKS && e == SEAM_OK; i++)
        e = derive("seam det entropy", i, seed, len, entropy + 32 * i);
    if (e == SEAM_OK) e = derive("seam det nonce", -1, seed, len, nonce);

    pthread_mutex_lock(&rng_lock);
    EVP_RAND_CTX *parent = NULL, *child = NULL;
    if (e == SEAM_OK) {
        parent = test_rand_new(entropy, sizeof entropy, nonce, 16);
        child = parent ? drbg_new(parent) : NULL;
        if (!child) e = SEAM_E_CRYPTO;
    }
    if (e == SEAM_OK && !det_libctx) {
        det_libctx = OSSL_LIB_CTX_new();
        if (!det_libctx || !RAND_set_DRBG_type(det_libctx, "TEST-RAND", NULL, NULL, NULL)) {
            OSSL_LIB_CTX_free(det_libctx);
            det_libctx = NULL;
            e = SEAM_E_CRYPTO;
        }
    }
    if (e == SEAM_OK) {
        EVP_RAND_CTX_free(drbg);
        EVP_RAND_CTX_free(det_parent);
        drbg = child;
        det_parent = parent;
        atomic_store(&deterministic, true);
    } else {
        EVP_RAND_CTX_free(child);
        EVP_RAND_CTX_free(parent);
    }
    pthread_mutex_unlock(&rng_lock);
    seam_wipe(entropy, sizeof entropy);
    seam_wipe(nonce, sizeof nonce);
    return e;
}

OSSL_LIB_CTX *cr_int_libctx(void)
{
    return atomic_load(&deterministic) ? det_libctx : NULL;
}

static seam_err feed_one(EVP_RAND_CTX *src)
{
    uint8_t buf[FEED_LEN];
    seam_err e = src ? cr_random(buf, sizeof buf) : SEAM_E_CRYPTO;
    if (e == SEAM_OK) {
        OSSL_PARAM params[2];
        params[0] =
            OSSL_PARAM_construct_octet_string(OSSL_RAND_PARAM_TEST_ENTROPY, buf, sizeof buf);
        params[1] = OSSL_PARAM_construct_end();
        if (!EVP_RAND_CTX_set_params(src, params)) e = SEAM_E_CRYPTO;
    }
    seam_wipe(buf, sizeof buf);
    return e;
}

seam_err cr_int_feed_libctx(void)
{
    if (!atomic_load(&deterministic)) return SEAM_OK;
    /* RAND_get0_public/private are per thread: these are the calling thread's sources. */
    seam_err e = feed_one(RAND_get0_public(det_libctx));
    if (e == SEAM_OK) e = feed_one(RAND_get0_private(det_libctx));
    return e;
}
