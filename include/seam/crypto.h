/*
 * seam's one interface to cryptography: a thin layer over OpenSSL 3 libcrypto. No primitive is
 * implemented here; each function calls OpenSSL and maps its failure to SEAM_E_CRYPTO.
 *
 * Contract for every function: the caller owns all buffers; lengths are checked; on any error
 * outputs are wiped; temporary key material is zeroised before return.
 *
 * Keys: AES keys are 16, 24 or 32 bytes. P-256 private keys are 32-byte big-endian scalars,
 * public keys are 65-byte uncompressed points (04 || X || Y). ECDSA signatures are raw r || s
 * (64 bytes) unless a function says DER.
 */
#ifndef SEAM_CRYPTO_H
#define SEAM_CRYPTO_H

#include "seam/base.h"

#define CR_AES_BLOCK 16
#define CR_SHA256_LEN 32
#define CR_P256_PRIV_LEN 32
#define CR_P256_PUB_LEN 65
#define CR_P256_SIG_LEN 64

/* ---- AES one-shot (no padding: len must be a multiple of 16) ---- */
seam_err cr_aes_ecb_encrypt(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len,
                            uint8_t *out);
seam_err cr_aes_ecb_decrypt(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len,
                            uint8_t *out);
seam_err cr_aes_cbc_encrypt(const uint8_t *key, size_t keylen, const uint8_t iv[16],
                            const uint8_t *in, size_t len, uint8_t *out);
seam_err cr_aes_cbc_decrypt(const uint8_t *key, size_t keylen, const uint8_t iv[16],
                            const uint8_t *in, size_t len, uint8_t *out);

/* AES-CMAC (NIST SP 800-38B), one-shot over the concatenation a || b (either may be empty);
 * the two parts spare callers a copy for "chaining value || data". */
seam_err cr_aes_cmac(const uint8_t *key, size_t keylen, const uint8_t *a, size_t alen,
                     const uint8_t *b, size_t blen, uint8_t out[16]);

/* ---- A keyed AES context: the key is expanded once and reused (secure channel sessions). ----
 * Holds OpenSSL contexts; cr_aeskey_clear frees and wipes them. A zeroed struct is "empty".
 * A cr_aeskey must not be copied by value: the contexts belong to the struct at the address
 * cr_aeskey_set was called on (owner). A copy elsewhere is inert: every call on it fails with
 * SEAM_E_STATE and cr_aeskey_clear only wipes it, so a copy can never free the contexts twice
 * (clear the original; the copy's pointers are never dereferenced). Not for concurrent use. */
typedef struct {
    void *ecb_enc; /* EVP_CIPHER_CTX */
    void *ecb_dec;
    void *cbc_enc;
    void *cbc_dec;
    void *cmac; /* EVP_MAC_CTX with the key set */
    uint8_t keylen;
    /* Added for secure messaging speed (src/crypto/aes.c, "Changing the IV"): */
    const void *owner;         /* the struct's own address while it holds contexts */
    bool cbc_enc_known;        /* cbc_enc_chain is the running CBC encryption context's state */
    uint8_t cbc_enc_chain[16]; /* = the last ciphertext block that context produced */
} cr_aeskey;

seam_err cr_aeskey_set(cr_aeskey *k, const uint8_t *key, size_t keylen);
void cr_aeskey_clear(cr_aeskey *k);
seam_err cr_aeskey_ecb_encrypt(cr_aeskey *k, const uint8_t *in, size_t len, uint8_t *out);
seam_err cr_aeskey_cbc_encrypt(cr_aeskey *k, const uint8_t iv[16], const uint8_t *in, size_t len,
                               uint8_t *out);
seam_err cr_aeskey_cbc_decrypt(cr_aeskey *k, const uint8_t iv[16], const uint8_t *in, size_t len,
                               uint8_t *out);
seam_err cr_aeskey_cmac(cr_aeskey *k, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                        uint8_t out[16]);

/* ---- NIST SP 800-108 KDF in counter mode with AES-CMAC as the PRF ----
 * Each block i (1, 2, ...) is CMAC(key, before || [i]_8 || after); out_len bytes are taken
 * from the concatenated blocks. The counter is one byte, placed between the two fixed parts,
 * so any of the standard's layouts can be expressed (SCP03 puts it after L: before =
 * label || 00 || L, after = context). */
seam_err cr_kdf_ctr_cmac(const uint8_t *key, size_t keylen, const uint8_t *before, size_t blen,
                         const uint8_t *after, size_t alen, uint8_t *out, size_t out_len);

/* ---- SHA-2 ---- */
seam_err cr_sha256(const uint8_t *msg, size_t len, uint8_t out[32]);
/* SHA-256 over the concatenation a || b || c (any part may be empty), without copying the parts
 * together: for KDFs that hash a secret with a counter and context (ANSI X9.63). */
seam_err cr_sha256_parts(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                         const uint8_t *c, size_t clen, uint8_t out[32]);

/* ---- P-256 (secp256r1) ---- */
/* Generates a key pair with the seam DRBG (deterministic in seeded mode). */
seam_err cr_p256_keygen(uint8_t priv[32], uint8_t pub[65]);
/* Derives the public key of a private scalar; rejects 0 and >= n. */
seam_err cr_p256_public(const uint8_t priv[32], uint8_t pub[65]);
/* Checks that pub is a valid point on the curve (not infinity). */
seam_err cr_p256_check_public(const uint8_t *pub, size_t len);
/* ECDSA over a 32-byte hash; signature raw r || s. Sign verifies its own signature before
 * returning it (fault check). */
seam_err cr_p256_sign(const uint8_t priv[32], const uint8_t hash[32], uint8_t sig[64]);
/* Returns SEAM_OK if valid, SEAM_E_AUTH if not. */
seam_err cr_p256_verify(const uint8_t *pub, size_t publen, const uint8_t hash[32],
                        const uint8_t sig[64]);
/* Raw r || s <-> DER ECDSA-Sig-Value. */
seam_err cr_ecdsa_sig_to_der(const uint8_t sig[64], uint8_t *der, size_t cap, size_t *len);
seam_err cr_ecdsa_sig_from_der(const uint8_t *der, size_t len, uint8_t sig[64]);
/* ECDH: the shared secret is the X coordinate (SP 800-56A ECC CDH). */
seam_err cr_p256_ecdh(const uint8_t priv[32], const uint8_t *peer_pub, size_t peer_len,
                      uint8_t secret[32]);

/* ---- Random numbers ----
 * One process-wide DRBG (OpenSSL CTR-DRBG, AES-256). By default it is seeded from the
 * operating system. cr_rng_seed_deterministic() switches to a deterministic mode, seeded from
 * the given bytes, for tests and simulation: the same seed gives the same stream, and key
 * generation and ECDSA signatures become reproducible too. Call it before other threads use
 * seam crypto; the mode is never left (a new seed restarts the stream). See src/crypto/rng.c. */
seam_err cr_random(uint8_t *out, size_t len);
seam_err cr_rng_seed_deterministic(const uint8_t *seed, size_t len);
bool cr_rng_is_deterministic(void);

#endif
