/*
 * The extended crypto layer under the Java Card security API (javacard.security,
 * javacardx.crypto): digests, HMAC and block-cipher MACs, AES and DES modes, AEAD, RSA, ECC on any
 * prime curve, and the ISO/IEC 3309 CRCs. Like seam/crypto.h it is a thin layer over OpenSSL 3
 * libcrypto (the CRCs, which are not cryptography, are plain C); docs/crypto.md lists the
 * standard behind each function and the vectors that test it.
 *
 * Contract for every function:
 *   - Buffers are (pointer, length) pairs owned by the caller; an output buffer comes with its
 *     capacity (cap) and the length written goes to *out_len. A NULL pointer with a non-zero
 *     length, or a NULL context, is SEAM_E_ARG; a wrong length is SEAM_E_LENGTH; a capacity too
 *     small for the output is SEAM_E_LENGTH and nothing is written.
 *   - A failed tag, MAC or signature check is SEAM_E_AUTH; tags and MACs are compared in
 *     constant time. An algorithm or size the layer does not offer is SEAM_E_UNSUPPORTED.
 *     OpenSSL failing is SEAM_E_CRYPTO.
 *   - On any error the outputs are wiped. Key material copied out of the caller's buffers is
 *     held only inside OpenSSL objects (freed with their clearing free functions) or in
 *     context memory that the _free functions wipe.
 *   - Contexts (cr_md_ctx, cr_mac_ctx, cr_cipher_ctx, cr_aead_ctx) are opaque, made by _new,
 *     used incrementally (update ... final) and released by _free (NULL is accepted). After a
 *     final the context is reset to the state just after _new (same key, same IV), as Java
 *     Card's doFinal/sign/verify leave their object; an AEAD context is single use instead (a
 *     nonce must not be used twice): after its final only cr_aead_free is allowed, everything
 *     else is SEAM_E_STATE. A context is for one thread at a time.
 *   - Key objects (cr_rsa_key, cr_ec_group) are immutable after creation and may be shared.
 *   - Random numbers come from the seam DRBG (seam/crypto.h); in its deterministic mode RSA and
 *     EC key generation and signatures are reproducible.
 */
#ifndef SEAM_CRYPTO_EXT_H
#define SEAM_CRYPTO_EXT_H

#include "seam/crypto.h"

/* ======================================================================================== */
/* Message digests (FIPS 180-4)                                                             */
/* ======================================================================================== */

typedef enum {
    CR_MD_SHA1 = 1,
    CR_MD_SHA224,
    CR_MD_SHA256,
    CR_MD_SHA384,
    CR_MD_SHA512,
} cr_md_alg;

#define CR_MD_MAX_LEN 64 /* the longest digest (SHA-512) */

/* Digest length in bytes (20, 28, 32, 48, 64); 0 for an unknown algorithm. */
size_t cr_md_len(cr_md_alg alg);
/* Input block length in bytes (64 or 128); 0 for an unknown algorithm. */
size_t cr_md_block_len(cr_md_alg alg);

/* One-shot digest of msg. cap >= cr_md_len(alg). */
seam_err cr_md(cr_md_alg alg, const uint8_t *msg, size_t len, uint8_t *out, size_t cap,
               size_t *out_len);

typedef struct cr_md_ctx cr_md_ctx;
seam_err cr_md_new(cr_md_alg alg, cr_md_ctx **ctx);
cr_md_alg cr_md_ctx_alg(const cr_md_ctx *ctx);
/* Back to the empty message. */
seam_err cr_md_reset(cr_md_ctx *ctx);
seam_err cr_md_update(cr_md_ctx *ctx, const uint8_t *in, size_t len);
/* Writes the digest of everything since the last reset, then resets. */
seam_err cr_md_final(cr_md_ctx *ctx, uint8_t *out, size_t cap, size_t *out_len);
/* Makes dst (same algorithm) hold src's state: the digest of a prefix can be finished on the
 * copy while src continues ("digest so far"). */
seam_err cr_md_copy(cr_md_ctx *dst, const cr_md_ctx *src);
void cr_md_free(cr_md_ctx *ctx);

/* A digest that starts from an intermediate state instead of the algorithm's initial value
 * (Java Card InitializedMessageDigest.setInitialDigest; src/crypto/md_state.c). state is the
 * full internal chaining value H(i) of FIPS 180-4 §6 after done bytes, as big-endian words:
 * cr_md_state_len(alg) bytes, i.e. 20 (SHA-1), 32 (SHA-224 and SHA-256), 64 (SHA-384 and
 * SHA-512) -- SHA-224 and SHA-384 carry all eight words, not their truncated digest. done must
 * be a positive multiple of cr_md_block_len(alg) below 2^61 (SEAM_E_LENGTH otherwise, as is a
 * wrong state_len). update and final work as for cr_md_ctx, except that after final the
 * context is spent (SEAM_E_STATE) and must be freed; free wipes it. */
typedef struct cr_md_state_ctx cr_md_state_ctx;
size_t cr_md_state_len(cr_md_alg alg); /* 0 for an unknown algorithm */
seam_err cr_md_state_new(cr_md_alg alg, const uint8_t *state, size_t state_len, uint64_t done,
                         cr_md_state_ctx **ctx);
seam_err cr_md_state_update(cr_md_state_ctx *ctx, const uint8_t *in, size_t len);
seam_err cr_md_state_final(cr_md_state_ctx *ctx, uint8_t *out, size_t cap, size_t *out_len);
void cr_md_state_free(cr_md_state_ctx *ctx);

/* ======================================================================================== */
/* MACs: HMAC (RFC 2104, FIPS 198-1), AES-CMAC (SP 800-38B), CBC-MAC (ISO/IEC 9797-1)        */
/* ======================================================================================== */

typedef enum {
    CR_MAC_HMAC_SHA1 = 1,
    CR_MAC_HMAC_SHA224,
    CR_MAC_HMAC_SHA256,
    CR_MAC_HMAC_SHA384,
    CR_MAC_HMAC_SHA512,
    /* AES-CMAC, NIST SP 800-38B; key 16, 24 or 32 bytes; 16-byte MAC (Java Card
     * ALG_AES_CMAC_128). */
    CR_MAC_AES_CMAC,
    /* ISO/IEC 9797-1 MAC algorithm 1 (CBC-MAC, the last cipher block), padding method 1 with
     * no padding added: the message must be whole blocks. Java Card ALG_AES_MAC_128_NOPAD
     * (16-byte MAC), ALG_DES_MAC8_NOPAD (8 bytes). */
    CR_MAC_AES_CBC_NOPAD,
    CR_MAC_DES_CBC_NOPAD,
    /* The same with ISO/IEC 9797-1 padding method 2 (0x80, then zeros to a block boundary,
     * always added). Java Card ALG_DES_MAC8_ISO9797_M2 (with 2- or 3-key TDEA this is 3DES in
     * outer CBC mode, the MAC is the whole last 8-byte block), ALG_AES_MAC_128_ISO9797_M2. */
    CR_MAC_AES_CBC_M2,
    CR_MAC_DES_CBC_M2,
} cr_mac_alg;

#define CR_MAC_MAX_LEN 64

/* The MAC's full length in bytes (digest length, 16 for AES, 8 for DES); 0 if unknown. */
size_t cr_mac_len(cr_mac_alg alg);

typedef struct cr_mac_ctx cr_mac_ctx;
/* Key lengths: HMAC any length 1..1024 (RFC 2104 hashes a key longer than a block); AES 16, 24,
 * 32; DES 8 (single DES: see CR_DES below), 16 (2-key TDEA) or 24 (3-key TDEA). iv is for the
 * CBC-MAC algorithms only (NULL: zeros; else exactly one block); other algorithms refuse it. */
seam_err cr_mac_new(cr_mac_alg alg, const uint8_t *key, size_t keylen, const uint8_t *iv,
                    size_t ivlen, cr_mac_ctx **ctx);
seam_err cr_mac_update(cr_mac_ctx *ctx, const uint8_t *in, size_t len);
/* Writes the full MAC, then resets. A NOPAD CBC-MAC over a message that is not whole blocks
 * is SEAM_E_LENGTH. */
seam_err cr_mac_final(cr_mac_ctx *ctx, uint8_t *out, size_t cap, size_t *out_len);
/* Computes the MAC and compares its first mac_len bytes with mac in constant time:
 * SEAM_OK or SEAM_E_AUTH. mac_len must be 1..cr_mac_len(alg). Resets. */
seam_err cr_mac_verify(cr_mac_ctx *ctx, const uint8_t *mac, size_t mac_len);
void cr_mac_free(cr_mac_ctx *ctx);

/* One-shot HMAC. */
seam_err cr_hmac(cr_md_alg md, const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len,
                 uint8_t *out, size_t cap, size_t *out_len);

/* ======================================================================================== */
/* Block ciphers: AES (FIPS 197) and DES/TDEA (FIPS 46-3, SP 800-67) in ECB, CBC (SP 800-38A) */
/* and AES-CTR (SP 800-38A §6.5)                                                            */
/* ======================================================================================== */

typedef enum {
    CR_CIPHER_AES_ECB = 1,
    CR_CIPHER_AES_CBC,
    /* Java Card ALG_AES_CTR: the 16-byte IV is the initial counter block; each block the whole
     * 128-bit block is incremented as a big-endian integer (mod 2^128). A stream mode: any
     * length, state carried across updates. */
    CR_CIPHER_AES_CTR,
    /* DES with an 8-byte key (single DES), TDEA keying option 2 with a 16-byte key (K1 K2 K1)
     * or keying option 1 with 24 bytes (K1 K2 K3). Parity bits are ignored. Single DES is
     * only in OpenSSL's legacy provider, which this layer loads into a library context of its
     * own for it; if that provider is missing, single DES is SEAM_E_UNSUPPORTED. */
    CR_CIPHER_DES_ECB,
    CR_CIPHER_DES_CBC,
} cr_cipher_alg;

typedef struct cr_cipher_ctx cr_cipher_ctx;
/* iv: for CBC and CTR exactly one block (16 for AES, 8 for DES); NULL means zeros (Java Card's
 * init without an IV). ECB refuses an IV. No padding is ever added or removed: ECB and CBC
 * need whole blocks in total (update buffers a partial block; final fails with SEAM_E_LENGTH
 * if one is left). */
seam_err cr_cipher_new(cr_cipher_alg alg, bool encrypt, const uint8_t *key, size_t keylen,
                       const uint8_t *iv, size_t ivlen, cr_cipher_ctx **ctx);
/* Block length: 16 (AES) or 8 (DES). */
size_t cr_cipher_block_len(const cr_cipher_ctx *ctx);
/* Bytes the next update of len bytes will write (what cap must hold). */
size_t cr_cipher_update_len(const cr_cipher_ctx *ctx, size_t len);
seam_err cr_cipher_update(cr_cipher_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out,
                          size_t cap, size_t *out_len);
/* Processes the last input (may be empty), writes the rest, resets to the initial IV. */
seam_err cr_cipher_final(cr_cipher_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out,
                         size_t cap, size_t *out_len);
void cr_cipher_free(cr_cipher_ctx *ctx);

/* ISO/IEC 9797-1 padding method 2 (Java Card ALG_*_ISO9797_M2): pad writes data || 80 || 00..
 * to a multiple of block (the caller copies the data into buf first; len is its length, cap
 * the buffer's size). unpad finds the padding and returns the data length: SEAM_E_FORMAT if the
 * padding is wrong. Not constant time (the padding is not secret in these uses). */
seam_err cr_pad_m2(uint8_t *buf, size_t len, size_t cap, size_t block, size_t *out_len);
seam_err cr_unpad_m2(const uint8_t *buf, size_t len, size_t block, size_t *data_len);

/* ======================================================================================== */
/* AEAD: AES-GCM (NIST SP 800-38D) and AES-CCM (NIST SP 800-38C, RFC 3610)                  */
/* ======================================================================================== */

typedef enum {
    /* Nonce 1..128 bytes (12 recommended); tag 4..16 bytes, chosen at final. Streams: update
     * writes as much as it reads. Decryption releases plaintext before the tag is checked (as
     * Java Card's AEADCipher does); the caller must discard it if the final check fails. */
    CR_AEAD_AES_GCM = 1,
    /* Nonce 7..13 bytes; tag 4, 6, ..., 16 bytes fixed at _new; the AAD and message lengths
     * must be given at _new (SP 800-38C §A.2 formats them into the first block). The context
     * buffers all input and does the work at final, so decryption releases nothing unless the
     * tag is right. */
    CR_AEAD_AES_CCM,
} cr_aead_alg;

typedef struct cr_aead_ctx cr_aead_ctx;
/* taglen, aad_len and msg_len are used by CCM only (pass 0 for GCM). */
seam_err cr_aead_new(cr_aead_alg alg, bool encrypt, const uint8_t *key, size_t keylen,
                     const uint8_t *nonce, size_t nonce_len, size_t taglen, size_t aad_len,
                     size_t msg_len, cr_aead_ctx **ctx);
/* Additional authenticated data, in one or more calls, all before the first update. */
seam_err cr_aead_update_aad(cr_aead_ctx *ctx, const uint8_t *aad, size_t len);
/* Bytes the next update of len bytes writes: len for GCM, 0 for CCM. */
size_t cr_aead_update_len(const cr_aead_ctx *ctx, size_t len);
seam_err cr_aead_update(cr_aead_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                        size_t *out_len);
/* Encryption: writes the rest of the ciphertext (CCM: all of it) to out and the tag (taglen
 * bytes) to tag. */
seam_err cr_aead_encrypt_final(cr_aead_ctx *ctx, uint8_t *out, size_t cap, size_t *out_len,
                               uint8_t *tag, size_t taglen);
/* Decryption: checks the tag (constant time) and writes the rest of the plaintext (CCM: all
 * of it, only if the tag is right). SEAM_E_AUTH if the tag is wrong (out wiped). */
seam_err cr_aead_decrypt_final(cr_aead_ctx *ctx, uint8_t *out, size_t cap, size_t *out_len,
                               const uint8_t *tag, size_t taglen);
void cr_aead_free(cr_aead_ctx *ctx);

/* ======================================================================================== */
/* ECC over GF(p): any short Weierstrass curve y^2 = x^3 + ax + b with caller-given domain     */
/* parameters (Java Card ECKey), ECDSA (FIPS 186-4 §6, ANSI X9.62) and ECDH (IEEE 1363,       */
/* SP 800-56A §5.7.1)                                                                        */
/* ======================================================================================== */

typedef enum {
    CR_EC_P256 = 1, /* FIPS 186-4 D.1.2.3 (secp256r1) */
    CR_EC_P384,     /* D.1.2.4 */
    CR_EC_P521,     /* D.1.2.5 */
    CR_EC_BP256R1,  /* RFC 5639 §3.4 brainpoolP256r1 */
    CR_EC_BP384R1,  /* §3.6 */
    CR_EC_BP512R1,  /* §3.7 */
} cr_ec_curve;

/* Domain parameters as big-endian byte strings, the Java Card ECKey way: the prime p
 * (setFieldFP), a and b (setA, setB), the generator G as an uncompressed point 04 || x || y
 * (setG), its order n (setR) and the cofactor h (setK). */
typedef struct {
    const uint8_t *p, *a, *b, *g, *n;
    size_t p_len, a_len, b_len, g_len, n_len;
    unsigned h;
} cr_ec_params;

#define CR_EC_MAX_FIELD 66                        /* bytes of a 521-bit field element */
#define CR_EC_MAX_POINT (1 + 2 * CR_EC_MAX_FIELD) /* uncompressed point */

/* The named curves' parameters, pointing into static storage valid for the whole process
 * (so natives can hand them to applets as KeyBuilder defaults). */
seam_err cr_ec_named_params(cr_ec_curve curve, cr_ec_params *out);

typedef struct cr_ec_group cr_ec_group;
/* Builds a group from explicit parameters and validates them: p and n prime (probabilistic
 * test), p of 128..521 bits, 0 <= a, b < p, 4a^3 + 27b^2 != 0, G on the curve, n * G = O,
 * 1 <= h <= 2^16 and h * n within the Hasse bound of p + 1. SEAM_E_FORMAT if they are not
 * a valid curve. Parameters equal to a named curve's give that curve's group (OpenSSL's
 * optimised code). */
seam_err cr_ec_group_new(const cr_ec_params *prm, cr_ec_group **g);
seam_err cr_ec_group_named(cr_ec_curve curve, cr_ec_group **g);
void cr_ec_group_free(cr_ec_group *g);
size_t cr_ec_field_len(const cr_ec_group *g); /* bytes of p: x, y and the DH secret */
size_t cr_ec_field_bits(const cr_ec_group *g);
size_t cr_ec_order_len(const cr_ec_group *g); /* bytes of n: private keys, r and s */
size_t cr_ec_point_len(const cr_ec_group *g); /* 1 + 2 * field length */

/* Private keys are big-endian scalars of 1..order_len bytes in [1, n-1] as inputs, exactly
 * order_len bytes as outputs. Public keys are points on the curve, not infinity: inputs may be
 * uncompressed (04) or compressed (02/03), outputs are uncompressed (point_len bytes). */
seam_err cr_ec_keygen(const cr_ec_group *g, uint8_t *priv, size_t priv_len, uint8_t *pub,
                      size_t pub_len);
seam_err cr_ec_public(const cr_ec_group *g, const uint8_t *priv, size_t priv_len, uint8_t *pub,
                      size_t pub_len);
/* SEAM_OK if pub is a point of the group other than infinity, else SEAM_E_FORMAT. */
seam_err cr_ec_check_public(const cr_ec_group *g, const uint8_t *pub, size_t pub_len);

/* ECDSA over a hash of 1..64 bytes (truncated to the bit length of n as FIPS 186-4 §6.4
 * says); the signature is r || s, each order_len bytes (sig_len = 2 * order_len). Signing
 * verifies its signature before returning it (a fault check: SEAM_E_FAULT). */
seam_err cr_ec_sign(const cr_ec_group *g, const uint8_t *priv, size_t priv_len, const uint8_t *hash,
                    size_t hash_len, uint8_t *sig, size_t sig_len);
/* cr_ec_sign with the public key pub = priv * G the caller already has (uncompressed or
 * compressed), which saves the scalar multiplication cr_ec_sign does to find it. The signature
 * is still verified against pub before it is returned: if pub is not priv * G the check fails
 * and the result is SEAM_E_FAULT (sig wiped). pub not a point of the group: SEAM_E_FORMAT. */
seam_err cr_ec_sign_pub(const cr_ec_group *g, const uint8_t *priv, size_t priv_len,
                        const uint8_t *pub, size_t pub_len, const uint8_t *hash, size_t hash_len,
                        uint8_t *sig, size_t sig_len);
/* SEAM_OK or SEAM_E_AUTH (also for r or s out of range). */
seam_err cr_ec_verify(const cr_ec_group *g, const uint8_t *pub, size_t pub_len, const uint8_t *hash,
                      size_t hash_len, const uint8_t *sig, size_t sig_len);
/* A signing key kept imported in OpenSSL, for callers that sign many times with one key (the
 * Java Card runtime caches one per EC private key object, src/se/jcapi/keys.c): the scalar and
 * its public point become one OpenSSL key (EVP_PKEY) with its signing and verifying contexts,
 * so that each signature costs the signature and its check, not the import of the key. The
 * object holds the secret: free it with cr_ec_key_free (OpenSSL clears the scalar) as soon as
 * the key it was made from changes or goes. Unlike the other key objects it is used by one
 * thread at a time (its contexts carry per-operation state). */
typedef struct cr_ec_key cr_ec_key;
/* priv in [1, n-1] (SEAM_E_ARG otherwise), pub a point of the group (uncompressed or
 * compressed; SEAM_E_FORMAT otherwise). Whether pub = priv * G is not checked here: every
 * signature is verified against pub (cr_ec_key_sign), so a wrong pub gives SEAM_E_FAULT. */
seam_err cr_ec_key_new(const cr_ec_group *g, const uint8_t *priv, size_t priv_len,
                       const uint8_t *pub, size_t pub_len, cr_ec_key **out);
/* cr_ec_sign with the key: r || s (sig_len = 2 * order_len), verified against the key's
 * public point before it is returned (SEAM_E_FAULT, sig wiped, if the check fails).
 * SEAM_E_STATE if the key was made before the deterministic RNG mode was entered (make it
 * again). */
seam_err cr_ec_key_sign(cr_ec_key *k, const uint8_t *hash, size_t hash_len, uint8_t *sig,
                        size_t sig_len);
void cr_ec_key_free(cr_ec_key *k);
/* Raw r || s (sig_len even, at most 2 * 66) <-> DER ECDSA-Sig-Value (X9.62). from_der is
 * strict (one SEQUENCE, minimal INTEGERs, nothing after) and needs each of r and s to fit in
 * sig_len / 2 bytes: SEAM_E_FORMAT otherwise. */
seam_err cr_ecdsa_raw_to_der(const uint8_t *sig, size_t sig_len, uint8_t *der, size_t cap,
                             size_t *der_len);
seam_err cr_ecdsa_der_to_raw(const uint8_t *der, size_t der_len, uint8_t *sig, size_t sig_len);

typedef enum {
    /* Java Card ALG_EC_SVDP_DH_PLAIN: the x coordinate of d * Q (field_len bytes), the ECC CDH
     * primitive of SP 800-56A without the cofactor. */
    CR_ECDH_PLAIN = 1,
    /* ALG_EC_SVDP_DH (= ALG_EC_SVDP_DH_KDF3): SHA-1 of that x coordinate (20 bytes). */
    CR_ECDH_SHA1,
    /* ALG_EC_SVDP_DHC_PLAIN and ALG_EC_SVDP_DHC: IEEE 1363 ECSVDP-DHC in compatibility mode,
     * which the Java Card API names ("output equal to ALG_EC_SVDP_DH[_PLAIN]"): with
     * t = d * h^-1 mod n, the point h * (t * Q); a Q outside the order-n subgroup gives the
     * point at infinity and SEAM_E_FORMAT instead of a leaked small-subgroup value. For h = 1
     * the output equals the plain version. */
    CR_ECDH_COFACTOR_PLAIN,
    CR_ECDH_COFACTOR_SHA1,
    /* ALG_EC_SVDP_DH_PLAIN_XY: the whole point d * Q, uncompressed (04 || x || y). */
    CR_ECDH_PLAIN_XY,
} cr_ecdh_kind;

/* Key agreement with the peer's public point. out gets field_len, 20 or point_len bytes. A
 * result at infinity is SEAM_E_FORMAT. */
seam_err cr_ecdh(const cr_ec_group *g, cr_ecdh_kind kind, const uint8_t *priv, size_t priv_len,
                 const uint8_t *peer, size_t peer_len, uint8_t *out, size_t cap, size_t *out_len);

/* ======================================================================================== */
/* RSA (RFC 8017 / PKCS #1 v2.2), 512..4096-bit moduli                                     */
/* ======================================================================================== */

#define CR_RSA_MIN_BITS 512
#define CR_RSA_MAX_BITS 4096
#define CR_RSA_MAX_LEN (CR_RSA_MAX_BITS / 8)

typedef struct cr_rsa_key cr_rsa_key;

/* Key components as big-endian byte strings (leading zeros allowed). Import accepts:
 *   public key:       n, e
 *   private (n, d):   n, d, and e if known. Java Card's RSAPrivateKey has no e: without it the
 *                     layer tries e = 65537, 3, 17, 257 and keeps the one for which
 *                     x^(e d) = x mod n (x = 2, 3); if none fits, SEAM_E_UNSUPPORTED.
 *   private CRT:      p, q, dp, dq, qinv (Java Card's RSAPrivateCrtKey), with n and e optional:
 *                     n = p q, e = dp^-1 mod (p-1) (must equal dq^-1 mod (q-1), true for any
 *                     e < min(p, q)), d = e^-1 mod lcm(p-1, q-1).
 * Inconsistent components (qinv q != 1 mod p, a given n != p q, ...) are SEAM_E_FORMAT. */
typedef struct {
    const uint8_t *n, *e, *d, *p, *q, *dp, *dq, *qinv;
    size_t n_len, e_len, d_len, p_len, q_len, dp_len, dq_len, qinv_len;
} cr_rsa_parts;

typedef enum {
    CR_RSA_N = 1,
    CR_RSA_E,
    CR_RSA_D,
    CR_RSA_P,
    CR_RSA_Q,
    CR_RSA_DP,
    CR_RSA_DQ,
    CR_RSA_QINV,
} cr_rsa_part;

/* Generates a key of bits (512..4096, a multiple of 8) with e = 65537. Reproducible in the
 * deterministic RNG mode. */
seam_err cr_rsa_generate(size_t bits, cr_rsa_key **key);
seam_err cr_rsa_import(const cr_rsa_parts *parts, cr_rsa_key **key);
/* Writes one component, minimal big-endian (no leading zeros; n is always modulus length).
 * SEAM_E_NOT_FOUND if the key has no such component. */
seam_err cr_rsa_export(const cr_rsa_key *key, cr_rsa_part part, uint8_t *out, size_t cap,
                       size_t *out_len);
size_t cr_rsa_len(const cr_rsa_key *key); /* modulus length in bytes */
bool cr_rsa_is_private(const cr_rsa_key *key);
void cr_rsa_free(cr_rsa_key *key);

typedef enum {
    CR_RSA_SIG_PKCS1 = 1, /* RSASSA-PKCS1-v1_5, RFC 8017 §8.2 (DigestInfo of md) */
    CR_RSA_SIG_PSS,       /* RSASSA-PSS, §8.1: MGF1 with md, salt length = digest length */
} cr_rsa_sig_pad;

/* Signs a precomputed hash (cr_md_len(md) bytes: Java Card signPreComputedHash; for sign(),
 * hash the message with cr_md first). sig gets cr_rsa_len bytes. The signature is verified
 * with the public key before it is returned (SEAM_E_FAULT). */
seam_err cr_rsa_sign(const cr_rsa_key *key, cr_rsa_sig_pad pad, cr_md_alg md, const uint8_t *hash,
                     size_t hash_len, uint8_t *sig, size_t cap, size_t *sig_len);
/* SEAM_OK or SEAM_E_AUTH. sig_len must be the modulus length. */
seam_err cr_rsa_verify(const cr_rsa_key *key, cr_rsa_sig_pad pad, cr_md_alg md, const uint8_t *hash,
                       size_t hash_len, const uint8_t *sig, size_t sig_len);

typedef enum {
    /* RSAES-PKCS1-v1_5 (RFC 8017 §7.2) with the public key; with the private key (Java Card
     * Cipher ALG_RSA_PKCS1 initialised with a private key for MODE_ENCRYPT) the block type 1
     * padding of signatures, undone by decryption with the public key. */
    CR_RSA_ENC_PKCS1 = 1,
    /* RSAES-OAEP (§7.1) with SHA-1, MGF1-SHA-1 and an empty label (ALG_RSA_PKCS1_OAEP);
     * public-key encryption, private-key decryption only. */
    CR_RSA_ENC_OAEP_SHA1,
    /* No padding (ALG_RSA_NOPAD): the input is exactly the modulus length and, as a number,
     * less than n; the output is input^e or input^d mod n, modulus length. */
    CR_RSA_ENC_NONE,
} cr_rsa_enc_pad;

/* use_private selects the key half. Output at most cr_rsa_len bytes. A decryption whose
 * padding is wrong is SEAM_E_FORMAT. */
seam_err cr_rsa_encrypt(const cr_rsa_key *key, cr_rsa_enc_pad pad, bool use_private,
                        const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);
seam_err cr_rsa_decrypt(const cr_rsa_key *key, cr_rsa_enc_pad pad, bool use_private,
                        const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/* ======================================================================================== */
/* CRCs (ISO/IEC 3309 / ISO/IEC 13239 frame check sequences; not cryptography)               */
/* ======================================================================================== */

/* The raw register updates, so that Java Card's Checksum (whose init() may set any initial
 * value) can run incrementally: feed the register through any number of updates, then apply
 * the final XOR itself. Both are the reflected (LSB-first) forms of ISO/IEC 13239:
 *   16-bit: polynomial x^16 + x^12 + x^5 + 1 (0x1021, reflected 0x8408);
 *   32-bit: the ISO/IEC 3309 / IEEE 802.3 polynomial 0x04C11DB7 (reflected 0xEDB88320). */
uint16_t cr_crc16_update(uint16_t reg, const uint8_t *p, size_t len);
uint32_t cr_crc32_update(uint32_t reg, const uint8_t *p, size_t len);
/* CRC-16/X.25 (ISO/IEC 13239 §4.2.5.2 FCS): init 0xFFFF, final XOR 0xFFFF; "123456789" gives
 * 0x906E. Java Card's ALG_ISO3309_CRC16 names this FCS but a default initial value of 0: the
 * natives pick the initial value, this layer only computes. */
uint16_t cr_crc16_x25(const uint8_t *p, size_t len);
/* CRC-32 (ISO/IEC 13239 §4.2.5.3, zlib, Ethernet): init and final XOR 0xFFFFFFFF;
 * "123456789" gives 0xCBF43926. */
uint32_t cr_crc32(const uint8_t *p, size_t len);

#endif
