/*
 * Internals shared by the natives of javacard.security and javacardx.crypto (keys.c,
 * security.c, cipher.c). Not a contract with the rest of the card.
 *
 * Invariants: every native checks the firewall for every array and key argument with the
 * caller's context, and every offset/length before it changes anything or touches memory
 * (NullPointerException, ArrayIndexOutOfBoundsException, SecurityException as the JCRE and
 * API specifications say). Key material is read only into local buffers that are wiped on
 * every path out. Crypto objects keep their running state in RAM blocks (jv_ram_block), one per
 * object, zeroed at card reset, wiped and freed with their object (object, applet or package
 * deletion: heap.c) and at power-down; the persistent part of a crypto object (its algorithm) is
 * Java fields. The key a state refers to is kept reachable by it (sec_state_ref).
 */
#ifndef SEAM_SE_JCAPI_JCSEC_H
#define SEAM_SE_JCAPI_JCSEC_H

#include "se/jcvm/jv_int.h"
#include "seam/crypto_ext.h"

#define SEC_NATIVE(name) int name(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)

/* CryptoException reasons (API CryptoException) */
enum { CE_ILLEGAL_VALUE = 1, CE_UNINITIALIZED_KEY, CE_NO_SUCH_ALGORITHM, CE_INVALID_INIT,
       CE_ILLEGAL_USE };

/* KeyBuilder.TYPE_* */
enum {
    KT_DES_TR = 1, KT_DES_TD, KT_DES, KT_RSA_PUB, KT_RSA_PRIV, KT_RSA_CRT, KT_DSA_PUB, KT_DSA_PRIV,
    KT_ECF2M_PUB, KT_ECF2M_PRIV, KT_EC_PUB, KT_EC_PRIV, KT_AES_TR, KT_AES_TD, KT_AES, KT_SEED_TR,
    KT_SEED_TD, KT_SEED, KT_HMAC_TR, KT_HMAC_TD, KT_HMAC, KT_RSA_PRIV_TR, KT_RSA_PRIV_TD,
    KT_RSA_CRT_TR, KT_RSA_CRT_TD, KT_DSA_PRIV_TR, KT_DSA_PRIV_TD, KT_ECF2M_PRIV_TR,
    KT_ECF2M_PRIV_TD, KT_EC_PRIV_TR, KT_EC_PRIV_TD
};

/* key families */
enum { KF_NONE, KF_AES, KF_DES, KF_HMAC, KF_EC_PUB, KF_EC_PRIV, KF_RSA_PUB, KF_RSA_PRIV,
       KF_RSA_CRT };

/* EC components. EC_WPUB is not an API component: an EC private key's data array has one
 * more slot after S holding the public point W = S * G (uncompressed), derived by keys.c when
 * S and the domain parameters are set, and dropped (mask bit cleared) by every write to the
 * key, so it is either absent or W of the current S. Public data: no wipe needed. */
enum { EC_P, EC_A, EC_B, EC_G, EC_R, EC_K, EC_WS, EC_NCOMP };
#define EC_WPUB EC_NCOMP

#define SEC_MAX_COMP 8
#define SEC_MAX_COMP_LEN 1100 /* enough for a G or W point of P-521 and an RSA-4096 modulus */

/* Throws CryptoException with the reason. Returns -1. */
int sec_throw(jv_vm *vm, int reason);
/* A byte array argument the caller's context may use, and a range check. -1 with an
 * exception (NullPointerException, SecurityException, ArrayIndexOutOfBoundsException). */
int sec_array(jv_vm *vm, jv_ref r, jv_obj *o);
int sec_range(jv_vm *vm, jv_ref r, int32_t off, int32_t len, jv_obj *o);

/* A decoded key. */
typedef struct {
    jv_ref ref;
    uint8_t type, family;
    uint16_t size; /* bits */
    jv_ref data;   /* the key array */
} sec_key;
/* Decodes a key argument (NullPointerException if null, SecurityException for another context's
 * key or a non-key object). -1 with an exception. */
int sec_key_get(jv_vm *vm, jv_ref ref, sec_key *k);
/* True when every required component is set. */
bool sec_key_ready(jv_vm *vm, const sec_key *k);
/* Copies component comp into out (cap bytes); returns its length, or -1 when it is not set. */
int sec_key_comp(jv_vm *vm, const sec_key *k, int comp, uint8_t *out, size_t cap);
/* Writes component comp (checked by the caller): atomic, in the open transaction if any. */
int sec_key_put(jv_vm *vm, const sec_key *k, int comp, const uint8_t *v, size_t len);
/* The family of a key type, and the byte length of its field/modulus. */
int sec_key_family(uint8_t type);

/* ---- EC and RSA keys as src/crypto objects (keys.c) ---- */
/* The group of an EC key's domain parameters (any prime curve cr_ec accepts; cached). -1 when
 * the parameters are unset or not a valid curve. Release with sec_ec_group_put. */
int sec_ec_group(jv_vm *vm, const sec_key *k, cr_ec_group **g, bool *owned);
void sec_ec_group_put(cr_ec_group *g, bool owned);
/* The cached public point W of an EC private key (EC_WPUB) into out; its length, or -1 when it
 * is not cached (not yet derived, or a key array of the layout before the cache). */
int sec_ec_cached_w(jv_vm *vm, const sec_key *k, uint8_t *out, size_t cap);
/* The signing key of an EC private key kept imported in OpenSSL (keys.c: made on first use,
 * checked against the key's current content at every use, dropped when the key changes); NULL
 * when none may be used (transient key, open transaction, no cached W, ...): then sign without.
 * Give it back with sec_ec_key_release; keep false frees it (its signature failed). */
cr_ec_key *sec_ec_key_acquire(jv_vm *vm, const sec_key *k, const cr_ec_group *g);
void sec_ec_key_release(cr_ec_key *ck, bool keep);
/* For the runtime: frees every cached signing key of a VM (power-down), or those of its deleted
 * objects and of an earlier life (after object or applet deletion). */
void sec_ec_key_cache_drop_vm(jv_vm *vm);
void sec_ec_key_cache_sweep(jv_vm *vm);
/* For tests: the number of signing keys kept for a VM. */
int sec_ec_key_cache_count(const jv_vm *vm);
/* Sets the default domain parameters of a size (256: P-256, 384: P-384, 521: P-521) into a
 * key. -1 unsupported size. */
int sec_ec_set_default(jv_vm *vm, const sec_key *k);
/* An RSA key (public, (n, d) or CRT) as a cr_rsa_key; -1 if unset or inconsistent (or its
 * modulus is not the key's size). Free with cr_rsa_free. */
int sec_rsa_key(jv_vm *vm, const sec_key *k, cr_rsa_key **out);

/* ---- RAM state of a crypto object (security.c) ---- */
typedef struct {
    uint8_t inited, mode, alg, md, cipher, pad, taglen, aead_done;
    jv_ref key;
    uint32_t len; /* bytes accumulated in data */
    uint32_t npart;
    uint8_t iv[16], iv0[16], part[16];
    uint32_t aad_len;
    uint32_t nonce_len;     /* AEAD: data starts with the nonce, then the AAD, then the message */
    int32_t ad_exp, msg_exp; /* AEAD: lengths announced by init (-1: not given) */
    /* InitializedMessageDigest.setInitialDigest: when md_set, doFinal continues from the chaining
     * state md_h (cr_md_state_len bytes) after md_done bytes instead of the initial value;
     * cleared by doFinal and reset (n_fresh). */
    uint8_t md_set;
    uint8_t md_h[64];
    uint64_t md_done;
    uint8_t data[];          /* accumulated input */
} sec_st;

/* For the collector (heap.c jv_gc): the key a crypto object's RAM block (blk, bytes) refers to
 * while the object is initialised, or 0. The key stays reachable through it. */
jv_ref sec_state_ref(const uint8_t *blk, uint32_t bytes);
/* The state of obj, grown so that extra more bytes fit in data; NULL when out of memory. */
sec_st *sec_state(jv_vm *vm, jv_ref obj, uint32_t extra);
/* Appends len bytes of arr at off to the state (range and firewall checked). */
int acc_add(jv_vm *vm, jv_ref obj, jv_ref arr, int32_t off, int32_t len);
/* Drops the accumulated input and restores the IV of init. */
void acc_reset(sec_st *s);
/* Writes n bytes to an output array at off after checking the range. */
int out_bytes(jv_vm *vm, jv_ref r, int32_t off, const uint8_t *b, size_t n);

/* The native table rows of the security API (framework.c puts them into jv_natives). */
#define SEC_NATIVE_DECL(fn) SEC_NATIVE(fn);
#define JCSEC_NATIVE_LIST(X)                                                                    \
    X("javacard/security/CryptoException", "throwIt", "(S)V", n_ce_throw)                       \
    X("javacard/security/KeyBase", "alloc", "(BSB)[B", n_key_alloc)                             \
    X("javacard/security/KeyBase", "put", "(B[BSS)V", n_key_put)                                \
    X("javacard/security/KeyBase", "take", "(B[BS)S", n_key_take)                               \
    X("javacard/security/KeyBase", "putShort", "(BS)V", n_key_put_short)                        \
    X("javacard/security/KeyBase", "takeShort", "(B)S", n_key_take_short)                       \
    X("javacard/security/KeyBase", "wipe", "()V", n_key_wipe)                                   \
    X("javacard/security/KeyBase", "ready", "()Z", n_key_ready)                                 \
    X("javacard/security/KeyBase", "copyDomain", "(Ljava/lang/Object;)V", n_key_copy_domain)    \
    X("javacard/security/KeyPair", "check", "(Ljava/lang/Object;Ljava/lang/Object;)V",           \
      n_kp_check)                                                                               \
    X("javacard/security/KeyPair", "generate", "(Ljava/lang/Object;Ljava/lang/Object;)V",        \
      n_kp_generate)                                                                            \
    X("javacard/security/DigestImpl", "check", "(B)B", n_md_check)                              \
    X("javacard/security/DigestImpl", "fresh", "()V", n_fresh)                                  \
    X("javacard/security/DigestImpl", "getLength", "()B", n_md_length)                          \
    X("javacard/security/DigestImpl", "doFinal", "([BSS[BS)S", n_md_final)                      \
    X("javacard/security/DigestImpl", "update", "([BSS)V", n_md_update)                         \
    X("javacard/security/DigestImpl", "reset", "()V", n_fresh)                                  \
    X("javacard/security/DigestImpl", "setInitialDigest", "([BSS[BSS)V", n_md_set_initial)    \
    X("javacard/security/RandomImpl", "nextBytes", "([BSS)S", n_rnd_next)                       \
    X("javacard/security/RandomImpl", "setSeed", "([BSS)V", n_rnd_seed)                         \
    X("javacard/security/SignatureImpl", "resolve", "(BBBB)I", n_sig_resolve)                   \
    X("javacard/security/SignatureImpl", "fresh", "()V", n_fresh)                               \
    X("javacard/security/SignatureImpl", "init", "(Ljavacard/security/Key;B)V", n_sig_init)     \
    X("javacard/security/SignatureImpl", "init", "(Ljavacard/security/Key;B[BSS)V",              \
      n_sig_init_iv)                                                                            \
    X("javacard/security/SignatureImpl", "setInitialDigest", "([BSS[BSS)V", n_sig_set_initial) \
    X("javacard/security/SignatureImpl", "getLength", "()S", n_sig_length)                      \
    X("javacard/security/SignatureImpl", "update", "([BSS)V", n_sig_update)                     \
    X("javacard/security/SignatureImpl", "sign", "([BSS[BS)S", n_sig_sign)                      \
    X("javacard/security/SignatureImpl", "signPreComputedHash", "([BSS[BS)S", n_sig_sign_hash)  \
    X("javacard/security/SignatureImpl", "verify", "([BSS[BSS)Z", n_sig_verify)                 \
    X("javacard/security/KeyAgreementImpl", "check", "(B)B", n_ka_check)                        \
    X("javacard/security/KeyAgreementImpl", "fresh", "()V", n_fresh)                            \
    X("javacard/security/KeyAgreementImpl", "init", "(Ljavacard/security/PrivateKey;)V",        \
      n_ka_init)                                                                                \
    X("javacard/security/KeyAgreementImpl", "generateSecret", "([BSS[BS)S", n_ka_secret)        \
    X("javacard/security/ChecksumImpl", "check", "(B)B", n_ck_check)                            \
    X("javacard/security/ChecksumImpl", "fresh", "()V", n_fresh)                                \
    X("javacard/security/ChecksumImpl", "init", "([BSS)V", n_ck_init)                           \
    X("javacard/security/ChecksumImpl", "doFinal", "([BSS[BS)S", n_ck_final)                    \
    X("javacard/security/ChecksumImpl", "update", "([BSS)V", n_ck_update)                       \
    X("javacardx/crypto/CipherImpl", "resolve", "(BBB)I", n_ci_resolve)                         \
    X("javacardx/crypto/CipherImpl", "fresh", "()V", n_fresh)                                   \
    X("javacardx/crypto/CipherImpl", "init", "(Ljavacard/security/Key;B)V", n_ci_init)          \
    X("javacardx/crypto/CipherImpl", "init", "(Ljavacard/security/Key;B[BSS)V", n_ci_init_iv)   \
    X("javacardx/crypto/CipherImpl", "doFinal", "([BSS[BS)S", n_ci_final)                       \
    X("javacardx/crypto/CipherImpl", "update", "([BSS[BS)S", n_ci_update)                       \
    X("javacardx/crypto/AEADCipherImpl", "fresh", "()V", n_fresh)                               \
    X("javacardx/crypto/AEADCipherImpl", "init", "(Ljavacard/security/Key;B)V", n_ae_init)      \
    X("javacardx/crypto/AEADCipherImpl", "init", "(Ljavacard/security/Key;B[BSS)V",             \
      n_ae_init_iv)                                                                             \
    X("javacardx/crypto/AEADCipherImpl", "init", "(Ljavacard/security/Key;B[BSSSSS)V",          \
      n_ae_init_full)                                                                           \
    X("javacardx/crypto/AEADCipherImpl", "updateAAD", "([BSS)V", n_ae_aad)                      \
    X("javacardx/crypto/AEADCipherImpl", "retrieveTag", "([BSS)S", n_ae_tag)                    \
    X("javacardx/crypto/AEADCipherImpl", "verifyTag", "([BSSS)Z", n_ae_verify_tag)              \
    X("javacardx/crypto/AEADCipherImpl", "doFinal", "([BSS[BS)S", n_ae_final)                   \
    X("javacardx/crypto/AEADCipherImpl", "update", "([BSS[BS)S", n_ae_update)

#define SEC_DECL_ROW(c, n, d, fn) SEC_NATIVE(fn);
JCSEC_NATIVE_LIST(SEC_DECL_ROW)
#undef SEC_DECL_ROW
#define JCSEC_ROW(c, n, d, fn) {c, n, d, fn},
#define JCSEC_NATIVES JCSEC_NATIVE_LIST(JCSEC_ROW)

#endif
