/*
 * AES (FIPS 197) in ECB and CBC mode (NIST SP 800-38A), AES-CMAC (SP 800-38B), the SP 800-108
 * counter-mode KDF with CMAC as PRF, and SHA-256 (FIPS 180-4), all through OpenSSL 3 EVP.
 *
 * Invariants: algorithms are fetched once per process (fetching per call costs more than the
 * operation); no padding is ever applied, so every AES input is a whole number of blocks; a
 * cr_aeskey expands its key once in cr_aeskey_set, its contexts belong to the struct at that
 * address only (a copy by value is refused and never frees them), each CBC call keeps its
 * context running and each CMAC call restarts the CMAC state; on any error the outputs are
 * wiped, and cr_aeskey_clear frees the contexts (OpenSSL's *_free cleanse key schedules).
 *
 * CMAC reuse: EVP_MAC_init with a NULL key restarts the CMAC computation and keeps the key
 * schedule and subkeys. Measured here (OpenSSL 3.0, 256-byte messages) it costs 1.1 us per
 * MAC against 1.8 us for EVP_MAC_CTX_dup of a keyed context per message (dup allocates and
 * copies a cipher context) and 3.1 us for a fresh context, so cr_aeskey re-initialises. A
 * cr_aeskey is therefore not for concurrent use by several threads.
 *
 * Changing the IV of a keyed CBC context: OpenSSL 3.0 re-initialising a context with only a
 * new IV (EVP_CipherInit_ex2(ctx, NULL, NULL, iv, ...)) queries and re-sets context parameters
 * by name and costs about 0.4-0.6 us, three to four times the AES work on a 200-byte APDU.
 * Secure messaging changes the IV on every command and response, so cr_aeskey never does that
 * after cr_aeskey_set. It relies on what CBC is (NIST SP 800-38A §6.2): a running context
 * carries the last ciphertext block as the chaining value into its next update call, and a
 * block is encrypted as C = E(P xor chaining value) and decrypted as P = D(C) xor chaining
 * value. So, with OpenSSL still doing every AES and CBC operation:
 *  - decryption under IV: the IV is fed as one extra ciphertext block before the data. Its
 *    output block (whatever the context held before) is dropped and wiped, and the data's
 *    first block then decrypts against the IV. No state needs tracking.
 *  - encryption under IV: the chaining value the context holds (its last ciphertext block,
 *    kept in cbc_enc_chain) is known, so the first plaintext block is fed as
 *    P1 xor IV xor chaining value, which the context encrypts as E(P1 xor IV): exactly CBC's
 *    first block under IV; the later blocks chain on the ciphertext as usual. Whenever the
 *    state is not known (after cr_aeskey_set it is the zero IV; after a failed call it is
 *    unknown) the IV is set the slow way first.
 * The results are byte for byte those of a fresh context (tests/test_crypto_aeskey.c checks
 * them against the one-shot functions across interleaved calls, in place and not).
 */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "crypto/crypto_int.h"

static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static EVP_CIPHER *aes_ecb[3], *aes_cbc[3];
static EVP_MAC *cmac_alg;
static EVP_MD *sha256_alg;

static const char *const ecb_names[3] = {"AES-128-ECB", "AES-192-ECB", "AES-256-ECB"};
static const char *const cbc_names[3] = {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"};

static void fetch_all(void)
{
    for (int i = 0; i < 3; i++) {
        aes_ecb[i] = EVP_CIPHER_fetch(NULL, ecb_names[i], NULL);
        aes_cbc[i] = EVP_CIPHER_fetch(NULL, cbc_names[i], NULL);
    }
    cmac_alg = EVP_MAC_fetch(NULL, "CMAC", NULL);
    sha256_alg = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static int key_index(size_t keylen)
{
    switch (keylen) {
    case 16:
        return 0;
    case 24:
        return 1;
    case 32:
        return 2;
    default:
        return -1;
    }
}

const EVP_CIPHER *cr_int_aes_ecb(size_t keylen)
{
    pthread_once(&fetch_once, fetch_all);
    int i = key_index(keylen);
    return i < 0 ? NULL : aes_ecb[i];
}

const EVP_CIPHER *cr_int_aes_cbc(size_t keylen)
{
    pthread_once(&fetch_once, fetch_all);
    int i = key_index(keylen);
    return i < 0 ? NULL : aes_cbc[i];
}

const char *cr_int_aes_cbc_name(size_t keylen)
{
    int i = key_index(keylen);
    return i < 0 ? NULL : cbc_names[i];
}

EVP_MAC *cr_int_cmac(void)
{
    pthread_once(&fetch_once, fetch_all);
    return cmac_alg;
}

const EVP_MD *cr_int_sha256(void)
{
    pthread_once(&fetch_once, fetch_all);
    return sha256_alg;
}

/* ---- one-shot AES ---- */

/* Runs one whole-block operation on an initialised context. */
static seam_err cipher_run(EVP_CIPHER_CTX *ctx, const uint8_t *in, size_t len, uint8_t *out)
{
    int outl = 0, finl = 0;
    if (len > (size_t)INT32_MAX) return SEAM_E_LENGTH;
    if (len && !EVP_CipherUpdate(ctx, out, &outl, in, (int)len)) return SEAM_E_CRYPTO;
    if (!EVP_CipherFinal_ex(ctx, out + outl, &finl)) return SEAM_E_CRYPTO;
    if ((size_t)outl + (size_t)finl != len) return SEAM_E_CRYPTO;
    return SEAM_OK;
}

static seam_err aes_oneshot(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *iv,
                            const uint8_t *in, size_t len, uint8_t *out, int enc)
{
    if (!c || !key) return SEAM_E_ARG;
    if (len % CR_AES_BLOCK) return SEAM_E_LENGTH;
    if (len && (!in || !out)) return SEAM_E_ARG;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx) return SEAM_E_NOMEM;
    seam_err e = SEAM_E_CRYPTO;
    if (EVP_CipherInit_ex2(ctx, c, key, iv, enc, NULL) && EVP_CIPHER_CTX_set_padding(ctx, 0))
        e = cipher_run(ctx, in, len, out);
    EVP_CIPHER_CTX_free(ctx); /* frees and cleanses the key schedule */
    if (e != SEAM_OK && out) seam_wipe(out, len);
    return e;
}

seam_err cr_aes_ecb_encrypt(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len,
                            uint8_t *out)
{
    return aes_oneshot(cr_int_aes_ecb(keylen), key, NULL, in, len, out, 1);
}

seam_err cr_aes_ecb_decrypt(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len,
                            uint8_t *out)
{
    return aes_oneshot(cr_int_aes_ecb(keylen), key, NULL, in, len, out, 0);
}

seam_err cr_aes_cbc_encrypt(const uint8_t *key, size_t keylen, const uint8_t iv[16],
                            const uint8_t *in, size_t len, uint8_t *out)
{
    if (!iv) return SEAM_E_ARG;
    return aes_oneshot(cr_int_aes_cbc(keylen), key, iv, in, len, out, 1);
}

seam_err cr_aes_cbc_decrypt(const uint8_t *key, size_t keylen, const uint8_t iv[16],
                            const uint8_t *in, size_t len, uint8_t *out)
{
    if (!iv) return SEAM_E_ARG;
    return aes_oneshot(cr_int_aes_cbc(keylen), key, iv, in, len, out, 0);
}

/* ---- CMAC ---- */

static EVP_MAC_CTX *cmac_new(const uint8_t *key, size_t keylen)
{
    const char *name = cr_int_aes_cbc_name(keylen);
    EVP_MAC *mac = cr_int_cmac();
    if (!name || !mac || !key) return NULL;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    if (!ctx) return NULL;
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, (char *)name, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (!EVP_MAC_init(ctx, key, keylen, params)) {
        EVP_MAC_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Feeds the parts into an initialised CMAC context and writes the 16-byte tag. */
static seam_err cmac_parts(EVP_MAC_CTX *ctx, const uint8_t *a, size_t alen, const uint8_t *b,
                           size_t blen, const uint8_t *c, size_t clen, uint8_t out[16])
{
    size_t outl = 0;
    if ((alen && !EVP_MAC_update(ctx, a, alen)) || (blen && !EVP_MAC_update(ctx, b, blen)) ||
        (clen && !EVP_MAC_update(ctx, c, clen)) || !EVP_MAC_final(ctx, out, &outl, 16) ||
        outl != 16) {
        seam_wipe(out, 16);
        return SEAM_E_CRYPTO;
    }
    return SEAM_OK;
}

seam_err cr_aes_cmac(const uint8_t *key, size_t keylen, const uint8_t *a, size_t alen,
                     const uint8_t *b, size_t blen, uint8_t out[16])
{
    if (!out || (alen && !a) || (blen && !b)) return SEAM_E_ARG;
    if (key_index(keylen) < 0 || !key) return SEAM_E_ARG;
    EVP_MAC_CTX *ctx = cmac_new(key, keylen);
    if (!ctx) {
        seam_wipe(out, 16);
        return SEAM_E_CRYPTO;
    }
    seam_err e = cmac_parts(ctx, a, alen, b, blen, NULL, 0, out);
    EVP_MAC_CTX_free(ctx);
    return e;
}

/* ---- keyed AES context ---- */

static EVP_CIPHER_CTX *keyed_cipher(const EVP_CIPHER *c, const uint8_t *key, int enc)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx) return NULL;
    static const uint8_t zero_iv[16];
    const uint8_t *iv = EVP_CIPHER_get_iv_length(c) ? zero_iv : NULL;
    if (!EVP_CipherInit_ex2(ctx, c, key, iv, enc, NULL) || !EVP_CIPHER_CTX_set_padding(ctx, 0)) {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* A struct copied by value away from its owner address holds pointers it does not own. */
static bool owned(const cr_aeskey *k)
{
    return k->owner == k;
}

void cr_aeskey_clear(cr_aeskey *k)
{
    if (!k) return;
    if (owned(k)) {
        EVP_CIPHER_CTX_free(k->ecb_enc); /* the *_free calls cleanse the key schedules */
        EVP_CIPHER_CTX_free(k->ecb_dec);
        EVP_CIPHER_CTX_free(k->cbc_enc);
        EVP_CIPHER_CTX_free(k->cbc_dec);
        EVP_MAC_CTX_free(k->cmac);
    }
    seam_wipe(k, sizeof *k);
}

/* ecb_dec stays NULL: no keyed ECB decryption is offered (SCP03 never needs it). */
seam_err cr_aeskey_set(cr_aeskey *k, const uint8_t *key, size_t keylen)
{
    if (!k || !key) return SEAM_E_ARG;
    cr_aeskey_clear(k);
    const EVP_CIPHER *ecb = cr_int_aes_ecb(keylen), *cbc = cr_int_aes_cbc(keylen);
    if (!ecb || !cbc) return SEAM_E_ARG;
    k->owner = k;
    k->ecb_enc = keyed_cipher(ecb, key, 1);
    k->cbc_enc = keyed_cipher(cbc, key, 1);
    k->cbc_dec = keyed_cipher(cbc, key, 0);
    k->cmac = cmac_new(key, keylen);
    if (!k->ecb_enc || !k->cbc_enc || !k->cbc_dec || !k->cmac) {
        cr_aeskey_clear(k);
        return SEAM_E_CRYPTO;
    }
    k->keylen = (uint8_t)keylen;
    k->cbc_enc_known = true; /* keyed_cipher left the zero IV as the chaining value */
    return SEAM_OK;
}

/* The checks shared by the keyed calls on whole blocks. */
static seam_err keyed_check(const cr_aeskey *k, const void *ctx, const uint8_t *in, size_t len,
                            const uint8_t *out)
{
    if (!owned(k) || !ctx) return SEAM_E_STATE;
    if (len % CR_AES_BLOCK || len > (size_t)INT32_MAX) return SEAM_E_LENGTH;
    if (len && (!in || !out)) return SEAM_E_ARG;
    return SEAM_OK;
}

/* One update call on whole blocks. Padding is off and the input is whole blocks, so nothing is
 * ever buffered and no Final call is needed (each Final costs OpenSSL a parameter lookup). */
static bool update(void *ctx, uint8_t *out, const uint8_t *in, size_t len)
{
    int outl = 0;
    return EVP_CipherUpdate(ctx, out, &outl, in, (int)len) && (size_t)outl == len;
}

seam_err cr_aeskey_ecb_encrypt(cr_aeskey *k, const uint8_t *in, size_t len, uint8_t *out)
{
    if (!k) return SEAM_E_ARG;
    seam_err e = keyed_check(k, k->ecb_enc, in, len, out);
    if (e != SEAM_OK || len == 0) return e;
    if (update(k->ecb_enc, out, in, len)) return SEAM_OK;
    seam_wipe(out, len);
    return SEAM_E_CRYPTO;
}

/* Encryption under iv (see "Changing the IV" above). in and out are the same buffer or do not
 * overlap. */
seam_err cr_aeskey_cbc_encrypt(cr_aeskey *k, const uint8_t iv[16], const uint8_t *in, size_t len,
                               uint8_t *out)
{
    if (!k || !iv) return SEAM_E_ARG;
    seam_err e = keyed_check(k, k->cbc_enc, in, len, out);
    if (e != SEAM_OK || len == 0) return e;
    bool ok;
    if (k->cbc_enc_known) {
        if (out != in) memmove(out, in, len);
        for (size_t i = 0; i < CR_AES_BLOCK; i++)
            out[i] ^= (uint8_t)(iv[i] ^ k->cbc_enc_chain[i]);
        ok = update(k->cbc_enc, out, out, len);
    } else {
        ok = EVP_CipherInit_ex2(k->cbc_enc, NULL, NULL, iv, -1, NULL) &&
             update(k->cbc_enc, out, in, len);
    }
    k->cbc_enc_known = ok;
    if (ok) {
        memcpy(k->cbc_enc_chain, out + len - CR_AES_BLOCK, CR_AES_BLOCK);
        return SEAM_OK;
    }
    seam_wipe(k->cbc_enc_chain, sizeof k->cbc_enc_chain);
    seam_wipe(out, len);
    return SEAM_E_CRYPTO;
}

/* Decryption under iv (see "Changing the IV" above): iv || first block in one call, its first
 * output block dropped, then the rest. in and out are the same buffer or do not overlap. */
seam_err cr_aeskey_cbc_decrypt(cr_aeskey *k, const uint8_t iv[16], const uint8_t *in, size_t len,
                               uint8_t *out)
{
    if (!k || !iv) return SEAM_E_ARG;
    seam_err e = keyed_check(k, k->cbc_dec, in, len, out);
    if (e != SEAM_OK || len == 0) return e;
    uint8_t two[2 * CR_AES_BLOCK], plain[2 * CR_AES_BLOCK];
    memcpy(two, iv, CR_AES_BLOCK);
    memcpy(two + CR_AES_BLOCK, in, CR_AES_BLOCK); /* read before out (maybe in) is written */
    bool ok = update(k->cbc_dec, plain, two, sizeof two);
    if (ok) {
        memcpy(out, plain + CR_AES_BLOCK, CR_AES_BLOCK);
        if (len > CR_AES_BLOCK)
            ok = update(k->cbc_dec, out + CR_AES_BLOCK, in + CR_AES_BLOCK, len - CR_AES_BLOCK);
    }
    seam_wipe(plain, sizeof plain);
    seam_wipe(two, sizeof two);
    if (ok) return SEAM_OK;
    seam_wipe(out, len);
    return SEAM_E_CRYPTO;
}

seam_err cr_aeskey_cmac(cr_aeskey *k, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                        uint8_t out[16])
{
    if (!k || !out || (alen && !a) || (blen && !b)) return SEAM_E_ARG;
    if (!owned(k) || !k->cmac) return SEAM_E_STATE;
    if (!EVP_MAC_init(k->cmac, NULL, 0, NULL)) {
        seam_wipe(out, 16);
        return SEAM_E_CRYPTO;
    }
    return cmac_parts(k->cmac, a, alen, b, blen, NULL, 0, out);
}

/* ---- NIST SP 800-108 §5.1 (KDF in counter mode), PRF = AES-CMAC ---- */
seam_err cr_kdf_ctr_cmac(const uint8_t *key, size_t keylen, const uint8_t *before, size_t blen,
                         const uint8_t *after, size_t alen, uint8_t *out, size_t out_len)
{
    if (!key || (blen && !before) || (alen && !after) || (out_len && !out)) return SEAM_E_ARG;
    if (key_index(keylen) < 0) return SEAM_E_ARG;
    /* A one-byte counter gives at most 255 blocks. */
    if (out_len > 255 * CR_AES_BLOCK) return SEAM_E_LENGTH;
    EVP_MAC_CTX *ctx = cmac_new(key, keylen);
    if (!ctx) {
        seam_wipe(out, out_len);
        return SEAM_E_CRYPTO;
    }
    seam_err e = SEAM_OK;
    uint8_t block[16];
    for (size_t done = 0, i = 1; done < out_len; i++) {
        uint8_t ctr = (uint8_t)i;
        if (i > 1 && !EVP_MAC_init(ctx, NULL, 0, NULL)) {
            e = SEAM_E_CRYPTO;
            break;
        }
        e = cmac_parts(ctx, before, blen, &ctr, 1, after, alen, block);
        if (e != SEAM_OK) break;
        size_t n = out_len - done < 16 ? out_len - done : 16;
        memcpy(out + done, block, n);
        done += n;
    }
    seam_wipe(block, sizeof block);
    EVP_MAC_CTX_free(ctx);
    if (e != SEAM_OK) seam_wipe(out, out_len);
    return e;
}

/* ---- SHA-256 ---- */
seam_err cr_sha256(const uint8_t *msg, size_t len, uint8_t out[32])
{
    if (!out || (len && !msg)) return SEAM_E_ARG;
    const EVP_MD *md = cr_int_sha256();
    unsigned int outl = 0;
    static const uint8_t empty[1];
    if (!md || !EVP_Digest(len ? msg : empty, len, out, &outl, md, NULL) || outl != 32) {
        seam_wipe(out, 32);
        return SEAM_E_CRYPTO;
    }
    return SEAM_OK;
}
