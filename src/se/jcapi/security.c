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
 * secrets are wiped on every path out. ECDSA signing verifies its own signature (src/crypto).
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
    memcpy(s->iv, s->iv0, sizeof s->iv);
}

SEC_NATIVE(n_fresh)
{
    (void)m, (void)ret;
    sec_st *s = (sec_st *)jv_ram_block(vm, (jv_ref)a[0], 0, false);
    if (s) {
        s->inited = 0;
        acc_reset(s);
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
    int n = s ? md_hash(md, s->data, s->len, h) : -1;
    if (s) acc_reset(s);
    if (n < 0) return sec_throw(vm, CE_ILLEGAL_USE);
    *ret = n;
    return out_bytes(vm, (jv_ref)a[4], (int16_t)a[5], h, (size_t)n);
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
enum { PAD_NULL = 0, PAD_NOPAD = 1, PAD_M2 = 3, PAD_PKCS1 = 7, PAD_PSS = 8 };
enum { ALG_AES_MAC_128_NOPAD = 18, ALG_AES_CMAC_128 = 49, ALG_ECDSA_SHA = 17, ALG_ECDSA_SHA_256 = 33,
       ALG_ECDSA_SHA_384 = 34, ALG_ECDSA_SHA_224 = 37, ALG_ECDSA_SHA_512 = 38 };
/* internal operations */
enum { OP_NONE, OP_ECDSA, OP_AES_MAC, OP_AES_CMAC };

static int sig_map(int alg, int *md, int *cipher, int *pad)
{
    switch (alg) {
    case ALG_ECDSA_SHA: *md = MD_SHA; *cipher = SIG_ECDSA; *pad = PAD_NULL; return 0;
    case ALG_ECDSA_SHA_224: *md = MD_SHA_224; *cipher = SIG_ECDSA; *pad = PAD_NULL; return 0;
    case ALG_ECDSA_SHA_256: *md = MD_SHA_256; *cipher = SIG_ECDSA; *pad = PAD_NULL; return 0;
    case ALG_ECDSA_SHA_384: *md = MD_SHA_384; *cipher = SIG_ECDSA; *pad = PAD_NULL; return 0;
    case ALG_ECDSA_SHA_512: *md = MD_SHA_512; *cipher = SIG_ECDSA; *pad = PAD_NULL; return 0;
    case ALG_AES_MAC_128_NOPAD: *md = MD_NULL; *cipher = SIG_AES_MAC128; *pad = PAD_NOPAD; return 0;
    case ALG_AES_CMAC_128: *md = MD_NULL; *cipher = SIG_AES_MAC128; *pad = PAD_NULL; return 0;
    default: return -1;
    }
}

/* The operation of a packed algorithm (alg << 24 | md << 16 | cipher << 8 | pad), or OP_NONE. */
static int sig_op(int32_t algs)
{
    int alg = (int8_t)(algs >> 24), md = (int8_t)(algs >> 16), ci = (int8_t)(algs >> 8),
        pad = (int8_t)algs;
    if (alg == ALG_AES_CMAC_128) return OP_AES_CMAC;
    if (ci == SIG_AES_MAC128 && pad == PAD_NOPAD && md == MD_NULL) return OP_AES_MAC;
    if (ci == SIG_ECDSA && pad == PAD_NULL && (md == MD_NULL || md_supported(md))) return OP_ECDSA;
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
    case OP_AES_MAC:
    case OP_AES_CMAC:
        ok = k->family == KF_AES;
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
    if (mode != 1 && mode != 2) return sec_throw(vm, CE_ILLEGAL_VALUE);
    sec_key k;
    if (key_for(vm, (jv_ref)a[1], op, mode, &k)) return -1;
    uint8_t iv[16] = {0};
    if (with_iv) {
        jv_obj o;
        int32_t off = (int16_t)a[4], len = (int16_t)a[5];
        if (sec_range(vm, (jv_ref)a[3], off, len, &o)) return -1;
        if (op != OP_AES_MAC || len != 16) return sec_throw(vm, CE_ILLEGAL_VALUE);
        memcpy(iv, jv_bytes(&o) + off, 16);
    }
    sec_st *s = sec_state(vm, obj, 0);
    if (!s) return jv_throw(vm, JV_EX_SYSTEM, 5);
    acc_reset(s);
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

static int sig_len(jv_vm *vm, jv_ref obj, int op)
{
    (void)vm, (void)obj;
    switch (op) {
    case OP_ECDSA: return 72;
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
    *ret = sig_len(vm, obj, sig_op(sig_algs(vm, obj)));
    return 0;
}

SEC_NATIVE(n_sig_update)
{
    (void)m, (void)ret;
    jv_ref obj = (jv_ref)a[0];
    sec_st *s = sec_state(vm, obj, 0);
    if (!s || !s->inited) return sec_throw(vm, CE_INVALID_INIT);
    return acc_add(vm, obj, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3]);
}

/* Computes the MAC or the hash of the accumulated input into out; returns its length. */
static int mac_or_hash(jv_vm *vm, sec_st *s, int op, int md, const sec_key *k, uint8_t *out)
{
    uint8_t key[32];
    int kl, n = -1;
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
    case OP_ECDSA:
        if (md == MD_NULL) {
            n = -2; /* no hash: only signPreComputedHash */
            break;
        }
        n = md_hash(md, s->data, s->len, out);
        break;
    default:
        break;
    }
    seam_wipe(key, sizeof key);
    return n;
}

/* ECDSA over a hash with the key; writes DER to sig; returns its length. */
static int ecdsa_sign(jv_vm *vm, const sec_key *k, const uint8_t *h, size_t hl, uint8_t *der)
{
    sec_curve c;
    if (sec_ec_curve(vm, k, &c)) return -3;
    uint8_t s[32] = {0}, hash[32] = {0}, raw[64];
    int sl = sec_key_comp(vm, k, EC_WS, s + 0, 32);
    if (sl < 0) return -1;
    if (sl < 32) {
        memmove(s + 32 - sl, s, (size_t)sl);
        memset(s, 0, (size_t)(32 - sl));
    }
    if (hl >= 32)
        memcpy(hash, h, 32);
    else
        memcpy(hash + 32 - hl, h, hl);
    size_t dl = 0;
    int n = -1;
    if (!cr_p256_sign(s, hash, raw) && !cr_ecdsa_sig_to_der(raw, der, 72, &dl)) n = (int)dl;
    seam_wipe(s, sizeof s);
    return n;
}

static int ecdsa_verify(jv_vm *vm, const sec_key *k, const uint8_t *h, size_t hl,
                        const uint8_t *der, size_t dl)
{
    sec_curve c;
    if (sec_ec_curve(vm, k, &c)) return -3;
    uint8_t w[65], hash[32] = {0}, raw[64];
    if (sec_key_comp(vm, k, EC_WS, w, sizeof w) != 65) return -1;
    if (hl >= 32)
        memcpy(hash, h, 32);
    else
        memcpy(hash + 32 - hl, h, hl);
    if (cr_ecdsa_sig_from_der(der, dl, raw)) return 0;
    return cr_p256_verify(w, 65, hash, raw) == SEAM_OK ? 1 : 0;
}

/* Common part of sign / verify: checks state and key, accumulates the last input. */
static int sig_begin(jv_vm *vm, jv_ref obj, uint8_t mode, jv_ref in, int32_t off, int32_t len,
                     sec_st **sp, sec_key *k, int *op, int *md)
{
    sec_st *s = sec_state(vm, obj, 0);
    if (!s || !s->inited || s->mode != mode) return sec_throw(vm, CE_INVALID_INIT);
    int32_t algs = sig_algs(vm, obj);
    *op = sig_op(algs);
    *md = (int8_t)(algs >> 16);
    if (key_for(vm, s->key, *op, mode, k)) return -1;
    if (in && acc_add(vm, obj, in, off, len)) return -1;
    *sp = sec_state(vm, obj, 0);
    return 0;
}

SEC_NATIVE(n_sig_sign)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    sec_st *s;
    sec_key k;
    int op, md;
    jv_obj o;
    if (sec_range(vm, (jv_ref)a[4], (int16_t)a[5], 0, &o)) return -1;
    if (sig_begin(vm, obj, 1, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &s, &k, &op, &md))
        return -1;
    uint8_t h[64], sig[72];
    int n = mac_or_hash(vm, s, op, md, &k, h), sl = n;
    acc_reset(s);
    if (n >= 0 && op == OP_ECDSA) sl = ecdsa_sign(vm, &k, h, (size_t)n, sig);
    else if (n >= 0) memcpy(sig, h, (size_t)n);
    seam_wipe(h, sizeof h);
    if (n == -2 || sl == -2) return sec_throw(vm, CE_ILLEGAL_USE);
    if (sl == -3) return sec_throw(vm, CE_ILLEGAL_VALUE);
    if (n < 0 || sl < 0) return sec_throw(vm, CE_ILLEGAL_USE);
    *ret = sl;
    return out_bytes(vm, (jv_ref)a[4], (int16_t)a[5], sig, (size_t)sl);
}

SEC_NATIVE(n_sig_sign_hash)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    sec_st *s;
    sec_key k;
    int op, md;
    jv_obj hin, o;
    int32_t hoff = (int16_t)a[2], hlen = (int16_t)a[3];
    if (sec_range(vm, (jv_ref)a[1], hoff, hlen, &hin) ||
        sec_range(vm, (jv_ref)a[4], (int16_t)a[5], 0, &o))
        return -1;
    if (sig_begin(vm, obj, 1, 0, 0, 0, &s, &k, &op, &md)) return -1;
    if (op != OP_ECDSA) return sec_throw(vm, CE_ILLEGAL_USE);
    if ((md != MD_NULL && hlen != md_len(md)) || hlen < 1 || hlen > 64)
        return sec_throw(vm, CE_ILLEGAL_VALUE);
    uint8_t h[64], sig[72];
    if (jv_decode(vm, (jv_ref)a[1], &hin)) return jv_throw(vm, JV_EX_NPE, 0);
    memcpy(h, jv_bytes(&hin) + hoff, (size_t)hlen);
    acc_reset(s);
    int sl = ecdsa_sign(vm, &k, h, (size_t)hlen, sig);
    if (sl == -3) return sec_throw(vm, CE_ILLEGAL_VALUE);
    if (sl < 0) return sec_throw(vm, CE_ILLEGAL_USE);
    *ret = sl;
    return out_bytes(vm, (jv_ref)a[4], (int16_t)a[5], sig, (size_t)sl);
}

SEC_NATIVE(n_sig_verify)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    sec_st *s;
    sec_key k;
    int op, md;
    jv_obj so;
    int32_t soff = (int16_t)a[5], slen = (int16_t)a[6];
    if (sec_range(vm, (jv_ref)a[4], soff, slen, &so)) return -1;
    if (sig_begin(vm, obj, 2, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &s, &k, &op, &md))
        return -1;
    uint8_t h[64], sig[128];
    int n = mac_or_hash(vm, s, op, md, &k, h);
    acc_reset(s);
    if (n == -2) return sec_throw(vm, CE_ILLEGAL_USE);
    if (n < 0) return sec_throw(vm, CE_ILLEGAL_USE);
    if (jv_decode(vm, (jv_ref)a[4], &so)) return jv_throw(vm, JV_EX_NPE, 0);
    size_t cl = (size_t)slen < sizeof sig ? (size_t)slen : sizeof sig;
    memcpy(sig, jv_bytes(&so) + soff, cl);
    int ok;
    if (op == OP_ECDSA) {
        ok = ecdsa_verify(vm, &k, h, (size_t)n, sig, cl);
        if (ok == -3) return sec_throw(vm, CE_ILLEGAL_VALUE);
        if (ok < 0) return sec_throw(vm, CE_UNINITIALIZED_KEY);
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

SEC_NATIVE(n_ka_check)
{
    (void)m;
    int alg = (int8_t)a[0];
    if (alg != KA_DH_PLAIN && alg != KA_DHC_PLAIN) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
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
    sec_curve c;
    if (sec_ec_curve(vm, &k, &c)) return sec_throw(vm, CE_ILLEGAL_VALUE);
    if (plen != 65) return sec_throw(vm, CE_ILLEGAL_VALUE);
    uint8_t peer[65], d[32] = {0}, sec[32];
    memcpy(peer, jv_bytes(&pin) + poff, 65);
    int dl = sec_key_comp(vm, &k, EC_WS, d, 32);
    if (dl > 0 && dl < 32) {
        memmove(d + 32 - dl, d, (size_t)dl);
        memset(d, 0, (size_t)(32 - dl));
    }
    seam_err e = dl > 0 ? cr_p256_ecdh(d, peer, 65, sec) : SEAM_E_CRYPTO;
    seam_wipe(d, sizeof d);
    if (e) {
        seam_wipe(sec, sizeof sec);
        return sec_throw(vm, CE_ILLEGAL_VALUE);
    }
    int rc = out_bytes(vm, (jv_ref)a[4], soff, sec, 32);
    seam_wipe(sec, sizeof sec);
    *ret = 32;
    return rc;
}

/* ---- Checksum (pending the CRC functions of src/crypto) ---- */

SEC_NATIVE(n_ck_check)
{
    (void)m, (void)a, (void)ret;
    return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
}

SEC_NATIVE(n_ck_init)
{
    (void)m, (void)a, (void)ret;
    return sec_throw(vm, CE_ILLEGAL_USE);
}

SEC_NATIVE(n_ck_final)
{
    (void)m, (void)a, (void)ret;
    return sec_throw(vm, CE_ILLEGAL_USE);
}

SEC_NATIVE(n_ck_update)
{
    (void)m, (void)a, (void)ret;
    return sec_throw(vm, CE_ILLEGAL_USE);
}
