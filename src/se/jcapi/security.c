/*
 * Natives of javacard.security other than the keys (keys.c): CryptoException.throwIt,
 * MessageDigest, RandomData, Signature, KeyAgreement and Checksum, over src/crypto.
 *
 * Invariants: see jcsec.h. The running state of a crypto object (key reference, mode, IV,
 * input accumulated by update) is a RAM block of the object (jv_ram_block): never part of a
 * transaction (API Signature: "update of intermediate result state ... shall not participate in
 * the transaction"), zeroed at card reset (the object is then uninitialized: INVALID_INIT until
 * init is called again), freed at power-down. The key is re-read and re-checked (owner, type,
 * initialized) at every operation, so a cleared key gives UNINITIALIZED_KEY. MACs and
 * signatures are compared in constant time (seam_ct_equal); buffers holding key material or
 * secrets are wiped on every path out. ECDSA signing verifies its own signature (src/crypto),
 * with the key pair kept imported for the key object (keys.c) when there is one, else against
 * the public point cached in the private key, else one derived from S.
 */
#include <stdlib.h>
#include <string.h>

#include "se/jcapi/jcsec.h"
#include "seam/crypto.h"
#include "seam/crypto_ext.h"

#define ACC_MAX 32768u /* input accumulated by update before sign/doFinal */

int sec_throw(jv_vm *vm, int reason)
{
    jv_class *c = jv_class_by_name(vm, "javacard/security/CryptoException");
    if (!c) return jv_throw(vm, JV_EX_SECURITY, 0);
    return jv_throw_class(vm, c, reason);
}

int sec_array(jv_vm *vm, jv_ref r, jv_obj *o)
{
    if (jv_decode(vm, r, o)) return jv_throw(vm, JV_EX_NPE, 0);
    if (!jv_fw_access(o, jv_cur_ctx(vm))) return jv_throw(vm, JV_EX_SECURITY, 0);
    if (o->kind != JV_K_BYTE) return jv_throw(vm, JV_EX_SECURITY, 0);
    return 0;
}

int sec_range(jv_vm *vm, jv_ref r, int32_t off, int32_t len, jv_obj *o)
{
    if (sec_array(vm, r, o)) return -1;
    if (off < 0 || len < 0 || (int64_t)off + len > (int64_t)o->len)
        return jv_throw(vm, JV_EX_AIOOBE, 0);
    return 0;
}

/* Writes n bytes to an output array at off after checking the range (the array is decoded
 * again: store views move). */
int out_bytes(jv_vm *vm, jv_ref r, int32_t off, const uint8_t *b, size_t n)
{
    jv_obj o;
    if (sec_range(vm, r, off, (int32_t)n, &o)) return -1;
    return n ? jv_bytes_set(vm, &o, (uint32_t)off, b, (uint32_t)n) : 0;
}

SEC_NATIVE(n_ce_throw)
{
    (void)m, (void)ret;
    return sec_throw(vm, (int16_t)a[0]);
}

/* ---- RAM state of crypto objects ---- */


sec_st *sec_state(jv_vm *vm, jv_ref obj, uint32_t extra)
{
    sec_st *s = (sec_st *)jv_ram_block(vm, obj, (uint32_t)sizeof(sec_st), true);
    if (!s) return NULL;
    if (extra) s = (sec_st *)jv_ram_block(vm, obj, (uint32_t)sizeof(sec_st) + s->len + extra, true);
    return s;
}

/* Appends input to the state; -1 with an exception. */
int acc_add(jv_vm *vm, jv_ref obj, jv_ref arr, int32_t off, int32_t len)
{
    jv_obj o;
    if (sec_range(vm, arr, off, len, &o)) return -1;
    sec_st *s = sec_state(vm, obj, 0);
    if (!s) return jv_throw(vm, JV_EX_SYSTEM, 5);
    if (s->len + (uint32_t)len > ACC_MAX) return sec_throw(vm, CE_ILLEGAL_USE);
    s = sec_state(vm, obj, (uint32_t)len);
    if (!s) return jv_throw(vm, JV_EX_SYSTEM, 5);
    memcpy(s->data + s->len, jv_bytes(&o) + off, (size_t)len);
    s->len += (uint32_t)len;
    return 0;
}

void acc_reset(sec_st *s)
{
    seam_wipe(s->data, s->len);
    s->len = 0;
    s->npart = 0;
    s->aad_len = 0;
    s->nonce_len = 0;
    memcpy(s->iv, s->iv0, sizeof s->iv);
}

jv_ref sec_state_ref(const uint8_t *blk, uint32_t bytes)
{
    if (!blk || bytes < sizeof(sec_st)) return 0;
    const sec_st *s = (const sec_st *)(const void *)blk;
    return s->inited ? s->key : 0;
}

SEC_NATIVE(n_fresh)
{
    (void)m, (void)ret;
    sec_st *s = (sec_st *)jv_ram_block(vm, (jv_ref)a[0], 0, false);
    if (s) {
        s->inited = 0;
        s->key = 0;
        acc_reset(s);
        s->md_set = 0;
        s->md_done = 0;
        seam_wipe(s->md_h, sizeof s->md_h);
    }
    return 0;
}

/* ---- MessageDigest ---- */

enum { MD_NULL = 0, MD_SHA = 1, MD_SHA_256 = 4, MD_SHA_384 = 5, MD_SHA_512 = 6, MD_SHA_224 = 7 };

static int md_len(int md)
{
    switch (md) {
    case MD_SHA: return 20;
    case MD_SHA_224: return 28;
    case MD_SHA_256: return 32;
    case MD_SHA_384: return 48;
    case MD_SHA_512: return 64;
    default: return 0;
    }
}

static cr_md_alg md_alg(int md)
{
    switch (md) {
    case MD_SHA: return CR_MD_SHA1;
    case MD_SHA_224: return CR_MD_SHA224;
    case MD_SHA_256: return CR_MD_SHA256;
    case MD_SHA_384: return CR_MD_SHA384;
    case MD_SHA_512: return CR_MD_SHA512;
    default: return (cr_md_alg)0;
    }
}

static bool md_supported(int md)
{
    return md_alg(md) != 0;
}

/* Hashes data with the digest (out holds 64 bytes); -1 unsupported. */
static int md_hash(int md, const uint8_t *d, size_t n, uint8_t *out)
{
    size_t ol = 0;
    if (!md_supported(md) || cr_md(md_alg(md), d, n, out, 64, &ol)) return -1;
    return (int)ol;
}

/* Hashes the accumulated input continuing from the state set by setInitialDigest (out holds
 * 64 bytes); -1 on failure. */
static int md_hash_from(int md, const sec_st *s, uint8_t *out)
{
    cr_md_state_ctx *c = NULL;
    size_t ol = 0;
    cr_md_alg alg = md_alg(md);
    if (!alg || cr_md_state_new(alg, s->md_h, cr_md_state_len(alg), s->md_done, &c)) return -1;
    seam_err e = cr_md_state_update(c, s->data, s->len);
    if (!e) e = cr_md_state_final(c, out, 64, &ol);
    cr_md_state_free(c);
    return e ? -1 : (int)ol;
}

/* Back to the algorithm's initial value of setInitialDigest (after doFinal, sign, verify, init,
 * reset). */
static void initial_digest_clear(sec_st *s)
{
    s->md_set = 0;
    s->md_done = 0;
    seam_wipe(s->md_h, sizeof s->md_h);
}

static uint8_t obj_byte_field(jv_vm *vm, jv_ref obj, const char *cls, const char *name)
{
    jv_obj o;
    jv_class *c = jv_class_by_name(vm, cls);
    if (!c || jv_decode(vm, obj, &o) || o.kind != JV_K_INST) return 0;
    for (unsigned i = 0; i < c->jc->nfields; i++)
        if (jcl_str_eq(c->jc->fields[i].name, name) && c->field_slot[i] < o.len)
            return (uint8_t)jv_elem_get(&o, c->field_slot[i]);
    return 0;
}

static int32_t obj_int_field(jv_vm *vm, jv_ref obj, const char *cls, const char *name)
{
    jv_obj o;
    jv_class *c = jv_class_by_name(vm, cls);
    if (!c || jv_decode(vm, obj, &o) || o.kind != JV_K_INST) return 0;
    for (unsigned i = 0; i < c->jc->nfields; i++)
        if (jcl_str_eq(c->jc->fields[i].name, name) && c->field_slot[i] < o.len)
            return jv_elem_get(&o, c->field_slot[i]);
    return 0;
}

#define MD_CLS "javacard/security/DigestImpl"

SEC_NATIVE(n_md_check)
{
    (void)m;
    if (!md_supported((int8_t)a[0])) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    *ret = (int8_t)a[0];
    return 0;
}

SEC_NATIVE(n_md_length)
{
    (void)m;
    *ret = md_len(obj_byte_field(vm, (jv_ref)a[0], MD_CLS, "alg"));
    return 0;
}

SEC_NATIVE(n_md_update)
{
    (void)m, (void)ret;
    return acc_add(vm, (jv_ref)a[0], (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3]);
}

SEC_NATIVE(n_md_final)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    int md = obj_byte_field(vm, obj, MD_CLS, "alg");
    jv_obj out;
    if (sec_range(vm, (jv_ref)a[4], (int16_t)a[5], md_len(md), &out)) return -1;
    if (acc_add(vm, obj, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3])) return -1;
    sec_st *s = sec_state(vm, obj, 0);
    uint8_t h[64];
    int n = -1;
    if (s && s->md_set)
        n = md_hash_from(md, s, h);
    else if (s)
        n = md_hash(md, s->data, s->len, h);
    if (s) {
        acc_reset(s);
        initial_digest_clear(s);
    }
    if (n < 0) return sec_throw(vm, CE_ILLEGAL_USE);
    *ret = n;
    return out_bytes(vm, (jv_ref)a[4], (int16_t)a[5], h, (size_t)n);
}

/* The arguments of setInitialDigest (InitializedMessageDigest and Signature, API 3.0.5) in
 * a[1..6] for the digest alg: initialDigestBuf holds the intermediate hash value, which is the
 * full internal state (20 bytes for SHA-1, 32 for SHA-224 and SHA-256, 64 for SHA-384 and
 * SHA-512: cr_md_state_len); digestedMsgLenBuf the number of bytes hashed so far, big-endian,
 * any number of bytes (leading zeros allowed). Ranges first (NullPointerException,
 * ArrayIndexOutOfBoundsException, SecurityException), then, when alg is 0, ILLEGAL_USE (an
 * algorithm without a distinct digest, or with no digest at all); then check runs (it throws
 * for a Signature not initialized); then ILLEGAL_VALUE if the state length is not the
 * algorithm's, or the length is 0, not a multiple of the block size or 2^61 bytes or more.
 * The state goes to st (64 bytes; wiped by the caller), the length to *done. */
static int initial_digest_args(jv_vm *vm, jv_slot *a, cr_md_alg alg, int (*check)(jv_vm *, jv_ref),
                               uint8_t *st, uint64_t *done)
{
    int32_t soff = (int16_t)a[2], slen = (int16_t)a[3];
    int32_t loff = (int16_t)a[5], llen = (int16_t)a[6];
    jv_obj so, lo;
    if (sec_range(vm, (jv_ref)a[1], soff, slen, &so)) return -1;
    if (sec_range(vm, (jv_ref)a[4], loff, llen, &lo)) return -1;
    if (!alg) return sec_throw(vm, CE_ILLEGAL_USE);
    if (check && check(vm, (jv_ref)a[0])) return -1;
    size_t sl = cr_md_state_len(alg);
    if (!sl || (size_t)slen != sl) return sec_throw(vm, CE_ILLEGAL_VALUE);
    const uint8_t *lb = jv_bytes(&lo) + loff;
    *done = 0;
    for (int32_t i = 0; i < llen; i++) {
        if (*done >> 53) return sec_throw(vm, CE_ILLEGAL_VALUE);
        *done = *done << 8 | lb[i];
    }
    memcpy(st, jv_bytes(&so) + soff, sl);
    cr_md_state_ctx *c = NULL;
    seam_err e = cr_md_state_new(alg, st, sl, *done, &c);
    cr_md_state_free(c);
    if (e)
        return e == SEAM_E_NOMEM ? jv_throw(vm, JV_EX_SYSTEM, 5) : sec_throw(vm, CE_ILLEGAL_VALUE);
    return 0;
}

/* Keeps a checked initial digest in the object's RAM state: the next doFinal / sign / verify
 * continues from it (md_hash_from). Drops input already given to update. */
static int initial_digest_set(jv_vm *vm, jv_ref obj, cr_md_alg alg, const uint8_t *st,
                              uint64_t done)
{
    sec_st *s = sec_state(vm, obj, 0);
    if (!s) return jv_throw(vm, JV_EX_SYSTEM, 5);
    acc_reset(s);
    memcpy(s->md_h, st, cr_md_state_len(alg));
    s->md_done = done;
    s->md_set = 1;
    return 0;
}

/* InitializedMessageDigest.setInitialDigest: see initial_digest_args. */
SEC_NATIVE(n_md_set_initial)
{
    (void)m, (void)ret;
    jv_ref obj = (jv_ref)a[0];
    cr_md_alg alg = md_alg(obj_byte_field(vm, obj, MD_CLS, "alg"));
    uint8_t st[64];
    uint64_t done = 0;
    int rc = initial_digest_args(vm, a, alg, NULL, st, &done);
    if (!rc) rc = initial_digest_set(vm, obj, alg, st, done);
    seam_wipe(st, sizeof st);
    return rc;
}

/* ---- RandomData ---- */

SEC_NATIVE(n_rnd_next)
{
    (void)m;
    jv_obj o;
    int32_t off = (int16_t)a[2], len = (int16_t)a[3];
    if (sec_range(vm, (jv_ref)a[1], off, len, &o)) return -1;
    uint8_t *b = malloc(len ? (size_t)len : 1);
    if (!b) return jv_throw(vm, JV_EX_SYSTEM, 5);
    int rc = cr_random(b, (size_t)len) ? sec_throw(vm, CE_ILLEGAL_USE)
                                       : out_bytes(vm, (jv_ref)a[1], off, b, (size_t)len);
    seam_wipe(b, (size_t)len);
    free(b);
    *ret = off + len;
    return rc;
}

SEC_NATIVE(n_rnd_seed)
{
    (void)m, (void)ret;
    jv_obj o;
    /* The DRBG reseeds itself from the OS (or is deterministic in test mode): the applet's seed
     * is checked and otherwise not used. */
    return sec_range(vm, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &o);
}

/* ---- Signature ---- */

enum { SIG_DES_MAC8 = 2, SIG_RSA = 3, SIG_ECDSA = 5, SIG_AES_MAC128 = 6, SIG_HMAC = 7 };
enum { PAD_NULL = 0, PAD_NOPAD = 1, PAD_M2 = 3, PAD_M2_ALG3 = 5, PAD_PKCS1 = 7, PAD_PSS = 8 };
enum { ALG_DES_MAC8_NOPAD = 2, ALG_DES_MAC8_ISO9797_M2 = 6, ALG_RSA_SHA_PKCS1 = 10,
       ALG_ECDSA_SHA = 17, ALG_AES_MAC_128_NOPAD = 18, ALG_DES_MAC8_ISO9797_1_M2_ALG3 = 20,
       ALG_RSA_SHA_PKCS1_PSS = 21,
       ALG_HMAC_SHA1 = 24, ALG_HMAC_SHA_256 = 25, ALG_HMAC_SHA_384 = 26, ALG_HMAC_SHA_512 = 27,
       ALG_ECDSA_SHA_256 = 33, ALG_ECDSA_SHA_384 = 34, ALG_ECDSA_SHA_224 = 37,
       ALG_ECDSA_SHA_512 = 38, ALG_RSA_SHA_224_PKCS1 = 39, ALG_RSA_SHA_256_PKCS1 = 40,
       ALG_RSA_SHA_384_PKCS1 = 41, ALG_RSA_SHA_512_PKCS1 = 42, ALG_RSA_SHA_224_PKCS1_PSS = 43,
       ALG_RSA_SHA_256_PKCS1_PSS = 44, ALG_RSA_SHA_384_PKCS1_PSS = 45,
       ALG_RSA_SHA_512_PKCS1_PSS = 46, ALG_AES_CMAC_128 = 49 };
/* internal operations */
enum { OP_NONE, OP_ECDSA, OP_AES_MAC, OP_AES_CMAC, OP_RSA, OP_HMAC, OP_DES_MAC };

#define SIG_MAX 512 /* RSA-4096; a DER ECDSA signature on P-521 is 141 bytes */

static int sig_map(int alg, int *md, int *cipher, int *pad)
{
    static const struct { int8_t alg, md, ci, pad; } t[] = {
        {ALG_ECDSA_SHA, MD_SHA, SIG_ECDSA, PAD_NULL},
        {ALG_ECDSA_SHA_224, MD_SHA_224, SIG_ECDSA, PAD_NULL},
        {ALG_ECDSA_SHA_256, MD_SHA_256, SIG_ECDSA, PAD_NULL},
        {ALG_ECDSA_SHA_384, MD_SHA_384, SIG_ECDSA, PAD_NULL},
        {ALG_ECDSA_SHA_512, MD_SHA_512, SIG_ECDSA, PAD_NULL},
        {ALG_AES_MAC_128_NOPAD, MD_NULL, SIG_AES_MAC128, PAD_NOPAD},
        {ALG_AES_CMAC_128, MD_NULL, SIG_AES_MAC128, PAD_NULL},
        {ALG_RSA_SHA_PKCS1, MD_SHA, SIG_RSA, PAD_PKCS1},
        {ALG_RSA_SHA_224_PKCS1, MD_SHA_224, SIG_RSA, PAD_PKCS1},
        {ALG_RSA_SHA_256_PKCS1, MD_SHA_256, SIG_RSA, PAD_PKCS1},
        {ALG_RSA_SHA_384_PKCS1, MD_SHA_384, SIG_RSA, PAD_PKCS1},
        {ALG_RSA_SHA_512_PKCS1, MD_SHA_512, SIG_RSA, PAD_PKCS1},
        {ALG_RSA_SHA_PKCS1_PSS, MD_SHA, SIG_RSA, PAD_PSS},
        {ALG_RSA_SHA_224_PKCS1_PSS, MD_SHA_224, SIG_RSA, PAD_PSS},
        {ALG_RSA_SHA_256_PKCS1_PSS, MD_SHA_256, SIG_RSA, PAD_PSS},
        {ALG_RSA_SHA_384_PKCS1_PSS, MD_SHA_384, SIG_RSA, PAD_PSS},
        {ALG_RSA_SHA_512_PKCS1_PSS, MD_SHA_512, SIG_RSA, PAD_PSS},
        {ALG_HMAC_SHA1, MD_SHA, SIG_HMAC, PAD_NULL},
        {ALG_HMAC_SHA_256, MD_SHA_256, SIG_HMAC, PAD_NULL},
        {ALG_HMAC_SHA_384, MD_SHA_384, SIG_HMAC, PAD_NULL},
        {ALG_HMAC_SHA_512, MD_SHA_512, SIG_HMAC, PAD_NULL},
        {ALG_DES_MAC8_NOPAD, MD_NULL, SIG_DES_MAC8, PAD_NOPAD},
        {ALG_DES_MAC8_ISO9797_M2, MD_NULL, SIG_DES_MAC8, PAD_M2},
        {ALG_DES_MAC8_ISO9797_1_M2_ALG3, MD_NULL, SIG_DES_MAC8, PAD_M2_ALG3},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].alg == alg) {
            *md = t[i].md, *cipher = t[i].ci, *pad = t[i].pad;
            return 0;
        }
    return -1;
}

/* The operation of a packed algorithm (alg << 24 | md << 16 | cipher << 8 | pad), or OP_NONE. */
static int sig_op(int32_t algs)
{
    int alg = (int8_t)(algs >> 24), md = (int8_t)(algs >> 16), ci = (int8_t)(algs >> 8),
        pad = (int8_t)algs;
    if (alg == ALG_AES_CMAC_128) return OP_AES_CMAC;
    if (ci == SIG_AES_MAC128 && pad == PAD_NOPAD && md == MD_NULL) return OP_AES_MAC;
    if (ci == SIG_ECDSA && pad == PAD_NULL && (md == MD_NULL || md_supported(md))) return OP_ECDSA;
    if (ci == SIG_RSA && (pad == PAD_PKCS1 || pad == PAD_PSS) && md_supported(md)) return OP_RSA;
    if (ci == SIG_HMAC && pad == PAD_NULL && md_supported(md)) return OP_HMAC;
    if (ci == SIG_DES_MAC8 && (pad == PAD_NOPAD || pad == PAD_M2 || pad == PAD_M2_ALG3) &&
        md == MD_NULL)
        return OP_DES_MAC;
    return OP_NONE;
}

SEC_NATIVE(n_sig_resolve)
{
    (void)m;
    int alg = (int8_t)a[0], md = (int8_t)a[1], ci = (int8_t)a[2], pad = (int8_t)a[3];
    if (alg && sig_map(alg, &md, &ci, &pad)) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    int32_t algs = (int32_t)((uint32_t)(uint8_t)alg << 24 | (uint32_t)(uint8_t)md << 16 |
                             (uint32_t)(uint8_t)ci << 8 | (uint8_t)pad);
    if (sig_op(algs) == OP_NONE) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    *ret = algs;
    return 0;
}

#define SIG_CLS "javacard/security/SignatureImpl"

static int32_t sig_algs(jv_vm *vm, jv_ref obj)
{
    return obj_int_field(vm, obj, SIG_CLS, "algs");
}

/* Checks a key for an operation: family, initialized. */
static int key_for(jv_vm *vm, jv_ref ref, int op, uint8_t mode, sec_key *k)
{
    if (sec_key_get(vm, ref, k)) return -1;
    bool ok;
    switch (op) {
    case OP_ECDSA:
        ok = k->family == (mode == 1 ? KF_EC_PRIV : KF_EC_PUB);
        break;
    case OP_RSA:
        ok = mode == 1 ? (k->family == KF_RSA_PRIV || k->family == KF_RSA_CRT)
                       : k->family == KF_RSA_PUB;
        break;
    case OP_AES_MAC:
    case OP_AES_CMAC:
        ok = k->family == KF_AES;
        break;
    case OP_HMAC:
        ok = k->family == KF_HMAC;
        break;
    case OP_DES_MAC:
        ok = k->family == KF_DES;
        break;
    default:
        ok = false;
    }
    if (!ok) return sec_throw(vm, CE_ILLEGAL_VALUE);
    if (!sec_key_ready(vm, k)) return sec_throw(vm, CE_UNINITIALIZED_KEY);
    return 0;
}

static int sig_init(jv_vm *vm, jv_slot *a, bool with_iv)
{
    jv_ref obj = (jv_ref)a[0];
    int op = sig_op(sig_algs(vm, obj));
    uint8_t mode = (uint8_t)a[2];
    jv_obj o;
    int32_t off = 0, len = 0;
    if (with_iv && sec_range(vm, (jv_ref)a[3], off = (int16_t)a[4], len = (int16_t)a[5], &o))
        return -1;
    if (mode != 1 && mode != 2) return sec_throw(vm, CE_ILLEGAL_VALUE);
    sec_key k;
    if (key_for(vm, (jv_ref)a[1], op, mode, &k)) return -1;
    if ((int8_t)sig_algs(vm, obj) == PAD_M2_ALG3 && op == OP_DES_MAC && k.size != 128)
        return sec_throw(vm, CE_ILLEGAL_VALUE); /* MAC algorithm 3 takes a 2-key (K1, K2) key */
    uint8_t iv[16] = {0};
    if (with_iv) {
        int want = op == OP_AES_MAC ? 16 : op == OP_DES_MAC ? 8 : -1;
        if (len != want) return sec_throw(vm, CE_ILLEGAL_VALUE);
        memcpy(iv, jv_bytes(&o) + off, (size_t)len);
    }
    sec_st *s = sec_state(vm, obj, 0);
    if (!s) return jv_throw(vm, JV_EX_SYSTEM, 5);
    acc_reset(s);
    initial_digest_clear(s);
    s->key = k.ref;
    s->mode = mode;
    memcpy(s->iv0, iv, 16);
    memcpy(s->iv, iv, 16);
    s->inited = 1;
    return 0;
}

SEC_NATIVE(n_sig_init)
{
    (void)m, (void)ret;
    return sig_init(vm, a, false);
}

SEC_NATIVE(n_sig_init_iv)
{
    (void)m, (void)ret;
    return sig_init(vm, a, true);
}

/* Longest DER ECDSA-Sig-Value for an order of ol bytes (X.690: two INTEGERs of up to ol + 1
 * content bytes in a SEQUENCE). */
static int der_max(size_t ol)
{
    size_t inner = 2 * (2 + ol + 1);
    return (int)(inner + (inner < 128 ? 2 : 3));
}

static int sig_len(jv_vm *vm, const sec_key *k, int op, int md)
{
    switch (op) {
    case OP_ECDSA: {
        cr_ec_group *g;
        bool owned;
        if (sec_ec_group(vm, k, &g, &owned)) return 0;
        int n = der_max(cr_ec_order_len(g));
        sec_ec_group_put(g, owned);
        return n;
    }
    case OP_RSA: return k->size / 8;
    case OP_HMAC: return md_len(md);
    case OP_DES_MAC: return 8;
    case OP_AES_MAC:
    case OP_AES_CMAC: return 16;
    default: return 0;
    }
}

SEC_NATIVE(n_sig_length)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    sec_st *s = sec_state(vm, obj, 0);
    if (!s || !s->inited) return sec_throw(vm, CE_INVALID_INIT);
    int32_t algs = sig_algs(vm, obj);
    int op = sig_op(algs);
    sec_key k;
    if (key_for(vm, s->key, op, s->mode, &k)) return -1;
    *ret = sig_len(vm, &k, op, (int8_t)(algs >> 16));
    return 0;
}

SEC_NATIVE(n_sig_update)
{
    (void)m, (void)ret;
    jv_ref obj = (jv_ref)a[0];
    jv_obj o;
    if (sec_range(vm, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &o)) return -1;
    sec_st *s = sec_state(vm, obj, 0);
    if (!s || !s->inited) return sec_throw(vm, CE_INVALID_INIT);
    return acc_add(vm, obj, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3]);
}

/* INVALID_INIT unless the Signature object is initialized (setInitialDigest's check). */
static int sig_inited(jv_vm *vm, jv_ref obj)
{
    sec_st *s = sec_state(vm, obj, 0);
    return s && s->inited ? 0 : sec_throw(vm, CE_INVALID_INIT);
}

/* Signature.setInitialDigest (API 3.0.5): for the algorithms that hash the message before the
 * signature primitive -- ECDSA and RSA PKCS #1 / PSS with SHA-1, SHA-224, SHA-256, SHA-384,
 * SHA-512 -- the next sign or verify hashes the remaining message (update, then the last
 * input) from the given intermediate state and length, exactly as InitializedMessageDigest
 * does (initial_digest_args). The MACs (AES, DES, HMAC: they do not compute a distinct message
 * digest) and ECDSA without a digest (ALG_NULL) throw ILLEGAL_USE. Must follow init, which
 * clears it (INVALID_INIT otherwise); sign, verify and signPreComputedHash clear it too. */
SEC_NATIVE(n_sig_set_initial)
{
    (void)m, (void)ret;
    jv_ref obj = (jv_ref)a[0];
    int32_t algs = sig_algs(vm, obj);
    int op = sig_op(algs), md = (int8_t)(algs >> 16);
    cr_md_alg alg = (op == OP_ECDSA || op == OP_RSA) && md != MD_NULL ? md_alg(md) : (cr_md_alg)0;
    uint8_t st[64];
    uint64_t done = 0;
    int rc = initial_digest_args(vm, a, alg, sig_inited, st, &done);
    if (!rc) rc = initial_digest_set(vm, obj, alg, st, done);
    seam_wipe(st, sizeof st);
    return rc;
}

/* One pass of DES (8-byte key) or TDEA in ECB or CBC over len bytes (a multiple of 8). */
static seam_err des_pass(cr_cipher_alg alg, bool enc, const uint8_t *key, size_t kl,
                         const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
    cr_cipher_ctx *c = NULL;
    size_t ol = 0;
    seam_err e = cr_cipher_new(alg, enc, key, kl, iv, iv ? 8 : 0, &c);
    if (!e) e = cr_cipher_final(c, in, len, out, len, &ol);
    cr_cipher_free(c);
    return e ? e : ol == len ? SEAM_OK : SEAM_E_CRYPTO;
}

/* ISO/IEC 9797-1 MAC algorithm 3 ("retail MAC", Java Card ALG_DES_MAC8_ISO9797_1_M2_ALG3)
 * with padding method 2 and a 2-key key K1 || K2: single-DES CBC-MAC under K1 over the padded
 * message (initial value iv), then the last block H is transformed to E_K1(D_K2(H)) (§7.3 output
 * transformation 3), so that the last block gets TDEA-EDE. Built from the DES ECB/CBC modes of
 * the crypto layer. Returns 8, -3 for a key that is not 16 bytes, -1 on failure. */
static int des_mac_alg3(const uint8_t *key, int kl, const uint8_t *iv, const uint8_t *d,
                        size_t len, uint8_t *out)
{
    if (kl != 16) return -3;
    size_t plen = 0;
    uint8_t *buf = malloc(2 * (len + 8)), *ct = buf + len + 8;
    if (!buf) return -1;
    memcpy(buf, d, len);
    seam_err e = cr_pad_m2(buf, len, len + 8, 8, &plen);
    if (!e) e = des_pass(CR_CIPHER_DES_CBC, true, key, 8, iv, buf, plen, ct);
    uint8_t h[8];
    if (!e) e = des_pass(CR_CIPHER_DES_ECB, false, key + 8, 8, NULL, ct + plen - 8, 8, h);
    if (!e) e = des_pass(CR_CIPHER_DES_ECB, true, key, 8, NULL, h, 8, out);
    seam_wipe(buf, 2 * (len + 8));
    seam_wipe(h, sizeof h);
    free(buf);
    return e ? -1 : 8;
}

/* Computes the MAC or the hash of the accumulated input into out (64 bytes); returns its
 * length, -2 for input the algorithm refuses (ILLEGAL_USE), -3 for a key the algorithm
 * refuses (ILLEGAL_VALUE), -1 on failure. */
static int mac_or_hash(jv_vm *vm, sec_st *s, int op, int md, const sec_key *k, uint8_t *out)
{
    uint8_t key[256];
    int kl, n = -1;
    size_t ol = 0;
    switch (op) {
    case OP_AES_CMAC:
        kl = sec_key_comp(vm, k, 0, key, sizeof key);
        if (kl > 0 && !cr_aes_cmac(key, (size_t)kl, s->data, s->len, NULL, 0, out)) n = 16;
        break;
    case OP_AES_MAC:
        if (s->len % 16 || !s->len) {
            n = -2;
            break;
        }
        kl = sec_key_comp(vm, k, 0, key, sizeof key);
        {
            uint8_t *tmp = malloc(s->len);
            if (tmp && kl > 0 && !cr_aes_cbc_encrypt(key, (size_t)kl, s->iv, s->data, s->len, tmp)) {
                memcpy(out, tmp + s->len - 16, 16);
                n = 16;
            }
            if (tmp) seam_wipe(tmp, s->len);
            free(tmp);
        }
        break;
    case OP_HMAC:
        kl = sec_key_comp(vm, k, 0, key, sizeof key);
        if (kl > 0 && !cr_hmac(md_alg(md), key, (size_t)kl, s->data, s->len, out, 64, &ol))
            n = (int)ol;
        break;
    case OP_DES_MAC: {
        kl = sec_key_comp(vm, k, 0, key, sizeof key);
        cr_mac_ctx *c = NULL;
        bool m2 = s->pad == PAD_M2;
        if (s->pad == PAD_M2_ALG3) {
            n = kl > 0 ? des_mac_alg3(key, kl, s->iv0, s->data, s->len, out) : -1;
            break;
        }
        if (!m2 && (s->len % 8 || !s->len)) {
            n = -2;
            break;
        }
        seam_err e = kl > 0 ? cr_mac_new(m2 ? CR_MAC_DES_CBC_M2 : CR_MAC_DES_CBC_NOPAD, key,
                                         (size_t)kl, s->iv0, 8, &c)
                            : SEAM_E_ARG;
        if (!e) e = cr_mac_update(c, s->data, s->len);
        if (!e) e = cr_mac_final(c, out, 64, &ol);
        cr_mac_free(c);
        if (!e) n = (int)ol;
        break;
    }
    case OP_ECDSA:
    case OP_RSA:
        if (md == MD_NULL) {
            n = -2; /* no hash: only signPreComputedHash */
            break;
        }
        n = s->md_set ? md_hash_from(md, s, out) : md_hash(md, s->data, s->len, out);
        break;
    default:
        break;
    }
    seam_wipe(key, sizeof key);
    return n;
}

/* ECDSA over a hash with the key; writes DER to der (cap bytes); returns its length, -3 for
 * domain parameters that are not a valid curve, -1 on failure. Every signature is verified
 * before it is returned (fault check, src/crypto). */
static int ecdsa_sign(jv_vm *vm, const sec_key *k, const uint8_t *h, size_t hl, uint8_t *der,
                      size_t cap)
{
    cr_ec_group *g;
    bool owned;
    if (sec_ec_group(vm, k, &g, &owned)) return -3;
    uint8_t s[CR_EC_MAX_FIELD + 2], raw[2 * (CR_EC_MAX_FIELD + 1)], w[CR_EC_MAX_POINT];
    size_t ol = cr_ec_order_len(g), dl = 0;
    int n = -1;
    seam_err e = SEAM_E_ARG;
    if (2 * ol <= sizeof raw) {
        /* The key kept imported in OpenSSL (keys.c) signs and verifies without another import;
         * a failure (a cached W that is not S * G fails the verify-after-sign) drops it. */
        cr_ec_key *ck = sec_ec_key_acquire(vm, k, g);
        e = ck ? cr_ec_key_sign(ck, h, hl, raw, 2 * ol) : SEAM_E_STATE;
        sec_ec_key_release(ck, e == SEAM_OK);
    }
    if (e != SEAM_OK && 2 * ol <= sizeof raw) {
        int sl = sec_key_comp(vm, k, EC_WS, s, sizeof s), wl = sec_ec_cached_w(vm, k, w, sizeof w);
        e = SEAM_E_ARG;
        if (sl > 0) {
            /* With the cached W (keys.c) no scalar multiplication is needed to find it; a W that
             * is not S * G fails the verify-after-sign (SEAM_E_FAULT), and then W is derived. */
            e = wl > 0 ? cr_ec_sign_pub(g, s, (size_t)sl, w, (size_t)wl, h, hl, raw, 2 * ol)
                       : SEAM_E_FAULT;
            if (e == SEAM_E_FAULT || e == SEAM_E_FORMAT)
                e = cr_ec_sign(g, s, (size_t)sl, h, hl, raw, 2 * ol);
        }
        seam_wipe(s, sizeof s);
    }
    if (!e && !cr_ecdsa_raw_to_der(raw, 2 * ol, der, cap, &dl)) n = (int)dl;
    sec_ec_group_put(g, owned);
    return n;
}

/* 1 valid, 0 not, -3 bad domain parameters, -1 unset key. */
static int ecdsa_verify(jv_vm *vm, const sec_key *k, const uint8_t *h, size_t hl,
                        const uint8_t *der, size_t dl)
{
    cr_ec_group *g;
    bool owned;
    if (sec_ec_group(vm, k, &g, &owned)) return -3;
    uint8_t w[CR_EC_MAX_POINT + 1], raw[2 * (CR_EC_MAX_FIELD + 1)];
    size_t ol = cr_ec_order_len(g);
    int wl = sec_key_comp(vm, k, EC_WS, w, sizeof w), ok;
    if (wl <= 0)
        ok = -1;
    else
        ok = 2 * ol <= sizeof raw && !cr_ecdsa_der_to_raw(der, dl, raw, 2 * ol) &&
             cr_ec_verify(g, w, (size_t)wl, h, hl, raw, 2 * ol) == SEAM_OK;
    sec_ec_group_put(g, owned);
    return ok;
}

/* RSA signature of a hash; returns its length, -3 bad key, -1 failure. */
static int rsa_sign(jv_vm *vm, const sec_key *k, int md, int pad, const uint8_t *h, size_t hl,
                    uint8_t *sig, size_t cap)
{
    cr_rsa_key *key;
    if (sec_rsa_key(vm, k, &key)) return -3;
    size_t sl = 0;
    seam_err e = cr_rsa_sign(key, pad == PAD_PSS ? CR_RSA_SIG_PSS : CR_RSA_SIG_PKCS1, md_alg(md), h,
                             hl, sig, cap, &sl);
    cr_rsa_free(key);
    return e ? -1 : (int)sl;
}

/* Signs a hash with an ECDSA or RSA key. */
static int pk_sign(jv_vm *vm, const sec_key *k, int op, int32_t algs, const uint8_t *h, size_t hl,
                   uint8_t *sig)
{
    if (op == OP_ECDSA) return ecdsa_sign(vm, k, h, hl, sig, SIG_MAX);
    return rsa_sign(vm, k, (int8_t)(algs >> 16), (int8_t)algs, h, hl, sig, SIG_MAX);
}

/* Common part of sign / verify: checks state and key, accumulates the last input. */
static int sig_begin(jv_vm *vm, jv_ref obj, uint8_t mode, jv_ref in, int32_t off, int32_t len,
                     sec_st **sp, sec_key *k, int *op, int32_t *algs)
{
    sec_st *s = sec_state(vm, obj, 0);
    if (!s || !s->inited || s->mode != mode) return sec_throw(vm, CE_INVALID_INIT);
    *algs = sig_algs(vm, obj);
    *op = sig_op(*algs);
    if (key_for(vm, s->key, *op, mode, k)) return -1;
    if (in && acc_add(vm, obj, in, off, len)) return -1;
    *sp = sec_state(vm, obj, 0);
    if (*sp) (*sp)->pad = (uint8_t)*algs;
    return 0;
}

static int sig_fail(jv_vm *vm, int n)
{
    if (n == -3) return sec_throw(vm, CE_ILLEGAL_VALUE);
    return sec_throw(vm, CE_ILLEGAL_USE);
}

SEC_NATIVE(n_sig_sign)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    sec_st *s;
    sec_key k;
    int op;
    int32_t algs;
    jv_obj o;
    if (sec_range(vm, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &o) ||
        sec_range(vm, (jv_ref)a[4], (int16_t)a[5], 0, &o))
        return -1;
    if (sig_begin(vm, obj, 1, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &s, &k, &op, &algs))
        return -1;
    uint8_t h[64], sig[SIG_MAX];
    int n = mac_or_hash(vm, s, op, (int8_t)(algs >> 16), &k, h), sl = n;
    acc_reset(s);
    initial_digest_clear(s);
    if (n >= 0 && (op == OP_ECDSA || op == OP_RSA))
        sl = pk_sign(vm, &k, op, algs, h, (size_t)n, sig);
    else if (n >= 0)
        memcpy(sig, h, (size_t)n);
    seam_wipe(h, sizeof h);
    if (n < 0 || sl < 0) return sig_fail(vm, n < 0 ? n : sl);
    *ret = sl;
    int rc = out_bytes(vm, (jv_ref)a[4], (int16_t)a[5], sig, (size_t)sl);
    seam_wipe(sig, sizeof sig);
    return rc;
}

SEC_NATIVE(n_sig_sign_hash)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    sec_st *s;
    sec_key k;
    int op;
    int32_t algs;
    jv_obj hin, o;
    int32_t hoff = (int16_t)a[2], hlen = (int16_t)a[3];
    if (sec_range(vm, (jv_ref)a[1], hoff, hlen, &hin) ||
        sec_range(vm, (jv_ref)a[4], (int16_t)a[5], 0, &o))
        return -1;
    if (sig_begin(vm, obj, 1, 0, 0, 0, &s, &k, &op, &algs)) return -1;
    int md = (int8_t)(algs >> 16);
    if (op != OP_ECDSA && op != OP_RSA) return sec_throw(vm, CE_ILLEGAL_USE);
    if ((md != MD_NULL && hlen != md_len(md)) || hlen < 1 || hlen > 64)
        return sec_throw(vm, CE_ILLEGAL_VALUE);
    uint8_t h[64], sig[SIG_MAX];
    if (jv_decode(vm, (jv_ref)a[1], &hin)) return jv_throw(vm, JV_EX_NPE, 0);
    memcpy(h, jv_bytes(&hin) + hoff, (size_t)hlen);
    acc_reset(s);
    initial_digest_clear(s);
    int sl = pk_sign(vm, &k, op, algs, h, (size_t)hlen, sig);
    if (sl < 0) return sig_fail(vm, sl);
    *ret = sl;
    return out_bytes(vm, (jv_ref)a[4], (int16_t)a[5], sig, (size_t)sl);
}

SEC_NATIVE(n_sig_verify)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    sec_st *s;
    sec_key k;
    int op;
    int32_t algs;
    jv_obj so;
    int32_t soff = (int16_t)a[5], slen = (int16_t)a[6];
    if (sec_range(vm, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &so) ||
        sec_range(vm, (jv_ref)a[4], soff, slen, &so))
        return -1;
    if (sig_begin(vm, obj, 2, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &s, &k, &op, &algs))
        return -1;
    int md = (int8_t)(algs >> 16);
    uint8_t h[64], sig[SIG_MAX];
    int n = mac_or_hash(vm, s, op, md, &k, h);
    acc_reset(s);
    initial_digest_clear(s);
    if (n < 0) return sig_fail(vm, n);
    if (jv_decode(vm, (jv_ref)a[4], &so)) return jv_throw(vm, JV_EX_NPE, 0);
    size_t cl = (size_t)slen < sizeof sig ? (size_t)slen : sizeof sig;
    memcpy(sig, jv_bytes(&so) + soff, cl);
    int ok;
    if (op == OP_ECDSA) {
        ok = ecdsa_verify(vm, &k, h, (size_t)n, sig, cl);
        if (ok == -3) return sec_throw(vm, CE_ILLEGAL_VALUE);
        if (ok < 0) return sec_throw(vm, CE_UNINITIALIZED_KEY);
    } else if (op == OP_RSA) {
        cr_rsa_key *key;
        if (sec_rsa_key(vm, &k, &key)) return sec_throw(vm, CE_ILLEGAL_VALUE);
        ok = (size_t)slen == cr_rsa_len(key) &&
             cr_rsa_verify(key, (int8_t)algs == PAD_PSS ? CR_RSA_SIG_PSS : CR_RSA_SIG_PKCS1,
                           md_alg(md), h, (size_t)n, sig, cl) == SEAM_OK;
        cr_rsa_free(key);
    } else {
        ok = slen == n && seam_ct_equal(h, sig, (size_t)n);
    }
    seam_wipe(h, sizeof h);
    *ret = ok == 1;
    return 0;
}

/* ---- KeyAgreement ---- */

enum { KA_DH = 1, KA_DHC = 2, KA_DH_PLAIN = 3, KA_DHC_PLAIN = 4, KA_DH_PLAIN_XY = 6 };
#define KA_CLS "javacard/security/KeyAgreementImpl"

static cr_ecdh_kind ka_kind(int alg)
{
    switch (alg) {
    case KA_DH: return CR_ECDH_SHA1;
    case KA_DHC: return CR_ECDH_COFACTOR_SHA1;
    case KA_DH_PLAIN: return CR_ECDH_PLAIN;
    case KA_DHC_PLAIN: return CR_ECDH_COFACTOR_PLAIN;
    case KA_DH_PLAIN_XY: return CR_ECDH_PLAIN_XY;
    default: return (cr_ecdh_kind)0;
    }
}

SEC_NATIVE(n_ka_check)
{
    (void)m;
    int alg = (int8_t)a[0];
    if (!ka_kind(alg)) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    *ret = alg;
    return 0;
}

SEC_NATIVE(n_ka_init)
{
    (void)m, (void)ret;
    sec_key k;
    if (sec_key_get(vm, (jv_ref)a[1], &k)) return -1;
    if (k.family != KF_EC_PRIV) return sec_throw(vm, CE_ILLEGAL_VALUE);
    if (!sec_key_ready(vm, &k)) return sec_throw(vm, CE_UNINITIALIZED_KEY);
    sec_st *s = sec_state(vm, (jv_ref)a[0], 0);
    if (!s) return jv_throw(vm, JV_EX_SYSTEM, 5);
    acc_reset(s);
    s->key = k.ref;
    s->inited = 1;
    return 0;
}

SEC_NATIVE(n_ka_secret)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    jv_obj pin, out;
    int32_t poff = (int16_t)a[2], plen = (int16_t)a[3], soff = (int16_t)a[5];
    if (sec_range(vm, (jv_ref)a[1], poff, plen, &pin) || sec_range(vm, (jv_ref)a[4], soff, 0, &out))
        return -1;
    sec_st *s = sec_state(vm, obj, 0);
    if (!s || !s->inited) return sec_throw(vm, CE_INVALID_INIT);
    sec_key k;
    if (sec_key_get(vm, s->key, &k)) return -1;
    if (!sec_key_ready(vm, &k)) return sec_throw(vm, CE_UNINITIALIZED_KEY);
    cr_ecdh_kind kind = ka_kind(obj_byte_field(vm, obj, KA_CLS, "alg"));
    if (!kind || plen < 1 || plen > CR_EC_MAX_POINT) return sec_throw(vm, CE_ILLEGAL_VALUE);
    cr_ec_group *g;
    bool owned;
    if (sec_ec_group(vm, &k, &g, &owned)) return sec_throw(vm, CE_ILLEGAL_VALUE);
    uint8_t peer[CR_EC_MAX_POINT], d[CR_EC_MAX_FIELD + 2], sec[CR_EC_MAX_POINT];
    memcpy(peer, jv_bytes(&pin) + poff, (size_t)plen);
    int dl = sec_key_comp(vm, &k, EC_WS, d, sizeof d);
    size_t sl = 0;
    seam_err e = dl > 0 ? cr_ecdh(g, kind, d, (size_t)dl, peer, (size_t)plen, sec, sizeof sec, &sl)
                        : SEAM_E_ARG;
    sec_ec_group_put(g, owned);
    seam_wipe(d, sizeof d);
    int rc;
    if (e)
        rc = sec_throw(vm, CE_ILLEGAL_VALUE);
    else
        rc = out_bytes(vm, (jv_ref)a[4], soff, sec, sl);
    seam_wipe(sec, sizeof sec);
    *ret = (int32_t)sl;
    return rc;
}

/* ---- Checksum: ISO 3309 CRC-16 and CRC-32 ----
 * The API gives both algorithms a default initial checksum value of 0 and calls them
 * compliant with the ISO/IEC 13239 frame check sequences (CRC-16/X.25: register preset to
 * 0xFFFF, result complemented; CRC-32: preset 0xFFFFFFFF, complemented). Both hold when the
 * "checksum value" is the complemented register, as zlib's crc32() does: the register starts
 * at value ^ 0xFF..FF, and the result is register ^ 0xFF..FF. So the default 0 gives the FCS
 * (check values 0x906E and 0xCBF43926 for "123456789"), and init() with the checksum of a
 * prefix continues that checksum over more data. The value is written big-endian (2 or 4
 * bytes); init() takes it big-endian, 2 bytes for CRC-16 and 4 for CRC-32 (else
 * ILLEGAL_VALUE). The running value is RAM state: a card reset clears it to the default. */

enum { CK_CRC16 = 1, CK_CRC32 = 2 };
#define CK_CLS "javacard/security/ChecksumImpl"

SEC_NATIVE(n_ck_check)
{
    (void)m;
    int alg = (int8_t)a[0];
    if (alg != CK_CRC16 && alg != CK_CRC32) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    *ret = alg;
    return 0;
}

static uint32_t ck_get(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void ck_put(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24), b[1] = (uint8_t)(v >> 16), b[2] = (uint8_t)(v >> 8),
    b[3] = (uint8_t)v;
}

SEC_NATIVE(n_ck_init)
{
    (void)m, (void)ret;
    jv_ref obj = (jv_ref)a[0];
    jv_obj o;
    int32_t off = (int16_t)a[2], len = (int16_t)a[3];
    if (sec_range(vm, (jv_ref)a[1], off, len, &o)) return -1;
    int alg = obj_byte_field(vm, obj, CK_CLS, "alg");
    if (len != (alg == CK_CRC16 ? 2 : 4)) return sec_throw(vm, CE_ILLEGAL_VALUE);
    const uint8_t *b = jv_bytes(&o) + off;
    uint32_t v = alg == CK_CRC16 ? (uint32_t)(b[0] << 8 | b[1]) : ck_get(b);
    sec_st *s = sec_state(vm, obj, 0);
    if (!s) return jv_throw(vm, JV_EX_SYSTEM, 5);
    ck_put(s->iv0, v);
    ck_put(s->iv, v);
    s->inited = 1;
    return 0;
}

/* Runs the checksum over len bytes of arr at off. */
static int ck_run(jv_vm *vm, jv_ref obj, jv_ref arr, int32_t off, int32_t len, uint32_t *out)
{
    jv_obj o;
    if (sec_range(vm, arr, off, len, &o)) return -1;
    sec_st *s = sec_state(vm, obj, 0);
    if (!s) return jv_throw(vm, JV_EX_SYSTEM, 5);
    int alg = obj_byte_field(vm, obj, CK_CLS, "alg");
    uint32_t v = ck_get(s->iv);
    const uint8_t *p = jv_bytes(&o) + off;
    if (alg == CK_CRC16)
        v = (uint16_t)(cr_crc16_update((uint16_t)(v ^ 0xFFFF), p, (size_t)len) ^ 0xFFFF);
    else
        v = cr_crc32_update(v ^ 0xFFFFFFFFu, p, (size_t)len) ^ 0xFFFFFFFFu;
    ck_put(s->iv, v);
    *out = v;
    return 0;
}

SEC_NATIVE(n_ck_update)
{
    (void)m, (void)ret;
    uint32_t v = 0;
    return ck_run(vm, (jv_ref)a[0], (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &v);
}

SEC_NATIVE(n_ck_final)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    int alg = obj_byte_field(vm, obj, CK_CLS, "alg");
    int n = alg == CK_CRC16 ? 2 : 4;
    jv_obj o;
    if (sec_range(vm, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &o) ||
        sec_range(vm, (jv_ref)a[4], (int16_t)a[5], n, &o))
        return -1;
    uint32_t v = 0;
    if (ck_run(vm, obj, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &v)) return -1;
    sec_st *s = sec_state(vm, obj, 0);
    if (s) memcpy(s->iv, s->iv0, 4);
    uint8_t b[4];
    ck_put(b, v);
    *ret = n;
    return out_bytes(vm, (jv_ref)a[4], (int16_t)a[5], alg == CK_CRC16 ? b + 2 : b, (size_t)n);
}
