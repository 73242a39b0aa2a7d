/*
 * Natives of javacardx.crypto.Cipher and AEADCipher over src/crypto (crypto_ext.h):
 *   - block ciphers: AES (128/192/256) and DES/TDEA (8-, 16-, 24-byte keys) in ECB and CBC
 *     mode, without padding or with ISO/IEC 9797-1 padding method 2 (added/removed here);
 *   - ALG_AES_CTR (SP 800-38A §6.5: the IV is the initial counter block, incremented as one
 *     128-bit big-endian number), a stream mode: any length, the position within the current
 *     keystream block carried across update calls;
 *   - RSA (RFC 8017): ALG_RSA_PKCS1, ALG_RSA_NOPAD, ALG_RSA_PKCS1_OAEP (SHA-1); encryption
 *     with the public key and decryption with the private one, and for PKCS1 / NOPAD also
 *     private-key "encryption" (PKCS#1 v1.5 block type 1, i.e. a raw signature) undone with the
 *     public key;
 *   - AEADCipher ALG_AES_GCM (SP 800-38D) and ALG_AES_CCM (SP 800-38C, RFC 3610).
 *
 * Invariants: see jcsec.h. Block modes: update() processes every complete block at once and
 * keeps at most one block (for a decryption with padding, the last complete block too) in RAM
 * state with the chaining value; doFinal() finishes and resets the object to its init() state
 * (API Cipher). RSA and AEAD buffer their input in the RAM state (update returns 0 bytes) and
 * do the work in doFinal. AEAD: doFinal computes the tag (encryption: for retrieveTag;
 * decryption: the expected tag for verifyTag, by encrypting the recovered plaintext again with
 * the same nonce, so that the plaintext is released before the tag is checked as the API
 * requires); the object must then be initialized again (a nonce is used once). Input is copied
 * before output is written, so in and out may overlap. Output ranges are checked before
 * anything is written; key bytes and plaintext copies are wiped on every path out; tags are
 * compared in constant time.
 */
#include <stdlib.h>
#include <string.h>

#include "se/jcapi/jcsec.h"
#include "seam/crypto.h"
#include "seam/crypto_ext.h"

/* Cipher.CIPHER_* (and internal values for the algorithms without one) */
enum {
    C_AES_CBC = 1,
    C_AES_ECB = 2,
    C_DES_CBC = 3,
    C_DES_ECB = 4,
    C_RSA = 7,
    C_AES_CTR = -16,
    C_AES_GCM = -15,
    C_AES_CCM = -14
};
enum { P_NULL = 0, P_NOPAD = 1, P_M2 = 3, P_PKCS1 = 7, P_OAEP = 9 };
enum { MODE_DECRYPT = 1, MODE_ENCRYPT = 2 };

static int ci_map(int alg, int *ci, int *pad)
{
    static const struct {
        int8_t alg, ci, pad;
    } t[] = {
        {1, C_DES_CBC, P_NOPAD},  {3, C_DES_CBC, P_M2},     {5, C_DES_ECB, P_NOPAD},
        {7, C_DES_ECB, P_M2},     {10, C_RSA, P_PKCS1},     {12, C_RSA, P_NOPAD},
        {13, C_AES_CBC, P_NOPAD}, {14, C_AES_ECB, P_NOPAD}, {15, C_RSA, P_OAEP},
        {23, C_AES_CBC, P_M2},    {26, C_AES_ECB, P_M2},    {-16, C_AES_CTR, P_NULL},
        {-13, C_AES_GCM, P_NULL}, {-12, C_AES_CCM, P_NULL},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].alg == alg) {
            *ci = t[i].ci, *pad = t[i].pad;
            return 0;
        }
    return -1;
}

static bool is_block(int ci)
{
    return ci == C_AES_CBC || ci == C_AES_ECB || ci == C_DES_CBC || ci == C_DES_ECB;
}

static bool is_aead(int ci)
{
    return ci == C_AES_GCM || ci == C_AES_CCM;
}

SEC_NATIVE(n_ci_resolve)
{
    (void)m;
    int alg = (int8_t)a[0], ci = (int8_t)a[1], pad = (int8_t)a[2];
    if (alg && ci_map(alg, &ci, &pad)) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    bool ok = (is_block(ci) && (pad == P_NOPAD || pad == P_M2)) ||
              (ci == C_RSA && (pad == P_PKCS1 || pad == P_NOPAD || pad == P_OAEP)) ||
              ((ci == C_AES_CTR || is_aead(ci)) && pad == P_NULL);
    if (!ok) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    *ret = (int32_t)((uint32_t)(uint8_t)alg << 16 | (uint32_t)(uint8_t)ci << 8 | (uint8_t)pad);
    return 0;
}

/* The packed algorithm of a Cipher or AEADCipher object. */
static int32_t ci_algs(jv_vm *vm, jv_ref obj)
{
    jv_obj o;
    if (jv_decode(vm, obj, &o) || o.kind != JV_K_INST) return 0;
    static const char *const cls[] = {"javacardx/crypto/CipherImpl",
                                      "javacardx/crypto/AEADCipherImpl"};
    for (int j = 0; j < 2; j++) {
        jv_class *c = jv_class_by_name(vm, cls[j]);
        if (!c || !jv_subclass(o.cls, c)) continue;
        for (unsigned i = 0; i < c->jc->nfields; i++)
            if (jcl_str_eq(c->jc->fields[i].name, "algs") && c->field_slot[i] < o.len)
                return jv_elem_get(&o, c->field_slot[i]);
    }
    return 0;
}

static int key_ok(int ci, int pad, uint8_t mode, int fam)
{
    switch (ci) {
    case C_AES_CBC:
    case C_AES_ECB:
    case C_AES_CTR:
    case C_AES_GCM:
    case C_AES_CCM:
        return fam == KF_AES;
    case C_DES_CBC:
    case C_DES_ECB:
        return fam == KF_DES;
    case C_RSA:
        if (pad == P_OAEP)
            return mode == MODE_ENCRYPT ? fam == KF_RSA_PUB
                                        : (fam == KF_RSA_PRIV || fam == KF_RSA_CRT);
        return fam == KF_RSA_PUB || fam == KF_RSA_PRIV || fam == KF_RSA_CRT;
    default:
        return 0;
    }
}

/* init(key, mode [, buf, off, len]) of Cipher and AEADCipher; full: the AEAD form with the
 * AAD and message lengths and the tag size (a[6..8]). */
static int ci_init(jv_vm *vm, jv_slot *a, bool with_iv, bool full)
{
    jv_ref obj = (jv_ref)a[0];
    int32_t algs = ci_algs(vm, obj);
    int ci = (int8_t)(algs >> 8), pad = (int8_t)algs;
    uint8_t mode = (uint8_t)a[2];
    jv_obj o;
    int32_t off = 0, len = 0;
    if (with_iv && sec_range(vm, (jv_ref)a[3], off = (int16_t)a[4], len = (int16_t)a[5], &o))
        return -1;
    sec_key k;
    if (sec_key_get(vm, (jv_ref)a[1], &k)) return -1;
    if (mode != MODE_DECRYPT && mode != MODE_ENCRYPT) return sec_throw(vm, CE_ILLEGAL_VALUE);
    if (!key_ok(ci, pad, mode, k.family)) return sec_throw(vm, CE_ILLEGAL_VALUE);
    if (!sec_key_ready(vm, &k)) return sec_throw(vm, CE_UNINITIALIZED_KEY);
    int32_t ad = -1, msg = -1, tag = 16;
    if (full) {
        ad = (int16_t)a[6], msg = (int16_t)a[7], tag = (int16_t)a[8];
        if (ad < 0 || msg < 0) return sec_throw(vm, CE_ILLEGAL_VALUE);
    }
    uint8_t iv[16] = {0};
    if (is_aead(ci)) {
        bool nonce_ok = ci == C_AES_GCM ? len >= 1 && len <= 128 : len >= 7 && len <= 13;
        bool tag_ok = ci == C_AES_GCM ? tag >= 4 && tag <= 16 : tag >= 4 && tag <= 16 && !(tag & 1);
        if (!with_iv || !nonce_ok || !tag_ok) return sec_throw(vm, CE_ILLEGAL_VALUE);
    } else if (with_iv) {
        int want = (ci == C_AES_CBC || ci == C_AES_CTR) ? 16 : ci == C_DES_CBC ? 8 : -1;
        if (len != want || full) return sec_throw(vm, CE_ILLEGAL_VALUE);
        memcpy(iv, jv_bytes(&o) + off, (size_t)len);
    }
    sec_st *s = sec_state(vm, obj, is_aead(ci) ? (uint32_t)len : 0);
    if (!s) return jv_throw(vm, JV_EX_SYSTEM, 5);
    acc_reset(s);
    if (is_aead(ci)) {
        if (jv_decode(vm, (jv_ref)a[3], &o)) return jv_throw(vm, JV_EX_NPE, 0);
        memcpy(s->data, jv_bytes(&o) + off, (size_t)len);
        s->len = s->nonce_len = (uint32_t)len;
        s->ad_exp = ad;
        s->msg_exp = msg;
        s->taglen = (uint8_t)tag;
        s->aead_done = 0;
        seam_wipe(s->part, sizeof s->part);
    }
    s->key = k.ref;
    s->mode = mode;
    memcpy(s->iv0, iv, 16);
    memcpy(s->iv, iv, 16);
    s->inited = 1;
    return 0;
}

SEC_NATIVE(n_ci_init)
{
    (void)m, (void)ret;
    return ci_init(vm, a, false, false);
}

SEC_NATIVE(n_ci_init_iv)
{
    (void)m, (void)ret;
    return ci_init(vm, a, true, false);
}

static cr_cipher_alg cr_alg(int ci)
{
    switch (ci) {
    case C_AES_CBC:
        return CR_CIPHER_AES_CBC;
    case C_AES_ECB:
        return CR_CIPHER_AES_ECB;
    case C_DES_CBC:
        return CR_CIPHER_DES_CBC;
    case C_DES_ECB:
        return CR_CIPHER_DES_ECB;
    case C_AES_CTR:
        return CR_CIPHER_AES_CTR;
    default:
        return (cr_cipher_alg)0;
    }
}

/* Runs n bytes (whole blocks) through the block cipher from the chaining value iv, which is
 * updated (CBC). */
static int run_blocks(const uint8_t *key, size_t kl, int ci, uint8_t mode, uint8_t *iv, size_t bl,
                      const uint8_t *in, size_t n, uint8_t *out)
{
    if (!n) return 0;
    bool cbc = ci == C_AES_CBC || ci == C_DES_CBC;
    uint8_t next[16] = {0};
    if (cbc && mode == MODE_DECRYPT) memcpy(next, in + n - bl, bl);
    cr_cipher_ctx *c = NULL;
    size_t ol = 0;
    seam_err e =
        cr_cipher_new(cr_alg(ci), mode == MODE_ENCRYPT, key, kl, cbc ? iv : NULL, cbc ? bl : 0, &c);
    if (!e) e = cr_cipher_final(c, in, n, out, n, &ol);
    cr_cipher_free(c);
    if (e || ol != n) return -1;
    if (cbc) memcpy(iv, mode == MODE_ENCRYPT ? out + n - bl : next, bl);
    return 0;
}

/* AES-CTR over n bytes from counter block iv at position *pos of its keystream; advances both. */
static int run_ctr(const uint8_t *key, size_t kl, uint8_t iv[16], uint32_t *pos, const uint8_t *in,
                   size_t n, uint8_t *out)
{
    if (!n) return 0;
    cr_cipher_ctx *c = NULL;
    uint8_t skip[16] = {0}, junk[16];
    size_t ol = 0;
    seam_err e = cr_cipher_new(CR_CIPHER_AES_CTR, true, key, kl, iv, 16, &c);
    if (!e && *pos) e = cr_cipher_update(c, skip, *pos, junk, sizeof junk, &ol);
    if (!e) e = cr_cipher_update(c, in, n, out, n, &ol);
    cr_cipher_free(c);
    seam_wipe(junk, sizeof junk);
    if (e || ol != n) return -1;
    /* advance the 128-bit big-endian counter by the blocks used up */
    uint64_t add = (*pos + n) / 16;
    for (int i = 15; i >= 0 && add; i--) {
        uint64_t v = iv[i] + (add & 0xFF);
        iv[i] = (uint8_t)v;
        add = (add >> 8) + (v >> 8);
    }
    *pos = (uint32_t)((*pos + n) % 16);
    return 0;
}

/* RSA doFinal over the accumulated input; returns the output length or -1 (ILLEGAL_USE). */
static int run_rsa(jv_vm *vm, const sec_key *k, sec_st *s, int pad, uint8_t *out, size_t cap)
{
    cr_rsa_key *key;
    if (sec_rsa_key(vm, k, &key)) return -2;
    cr_rsa_enc_pad p = pad == P_PKCS1  ? CR_RSA_ENC_PKCS1
                       : pad == P_OAEP ? CR_RSA_ENC_OAEP_SHA1
                                       : CR_RSA_ENC_NONE;
    bool priv = k->family != KF_RSA_PUB;
    size_t ol = 0;
    seam_err e = s->mode == MODE_ENCRYPT
                     ? cr_rsa_encrypt(key, p, priv, s->data, s->len, out, cap, &ol)
                     : cr_rsa_decrypt(key, p, priv, s->data, s->len, out, cap, &ol);
    cr_rsa_free(key);
    return e ? -1 : (int)ol;
}

/* update (final = false) and doFinal (final = true) of Cipher. */
static int ci_run(jv_vm *vm, jv_slot *a, jv_slot *ret, bool final)
{
    jv_ref obj = (jv_ref)a[0];
    jv_obj in, out;
    int32_t ioff = (int16_t)a[2], ilen = (int16_t)a[3], ooff = (int16_t)a[5];
    if (sec_range(vm, (jv_ref)a[1], ioff, ilen, &in) || sec_range(vm, (jv_ref)a[4], ooff, 0, &out))
        return -1;
    sec_st *s = sec_state(vm, obj, 0);
    if (!s || !s->inited) return sec_throw(vm, CE_INVALID_INIT);
    int32_t algs = ci_algs(vm, obj);
    int ci = (int8_t)(algs >> 8), pad = (int8_t)algs;
    sec_key k;
    if (sec_key_get(vm, s->key, &k)) return -1;
    if (!sec_key_ready(vm, &k)) return sec_throw(vm, CE_UNINITIALIZED_KEY);
    if (ci == C_RSA) {
        if (acc_add(vm, obj, (jv_ref)a[1], ioff, ilen)) return -1;
        *ret = 0;
        if (!final) return 0;
        s = sec_state(vm, obj, 0);
        if (!s) return jv_throw(vm, JV_EX_SYSTEM, 5);
        uint8_t res[CR_RSA_MAX_LEN];
        int n = run_rsa(vm, &k, s, pad, res, sizeof res);
        acc_reset(s);
        int rc = n == -2 ? sec_throw(vm, CE_ILLEGAL_VALUE)
                 : n < 0 ? sec_throw(vm, CE_ILLEGAL_USE)
                         : out_bytes(vm, (jv_ref)a[4], ooff, res, (size_t)n);
        seam_wipe(res, sizeof res);
        *ret = n < 0 ? 0 : n;
        return rc;
    }
    size_t bl = (ci == C_DES_CBC || ci == C_DES_ECB) ? 8 : 16;
    bool ctr = ci == C_AES_CTR;
    size_t total = (ctr ? 0 : s->npart) + (size_t)ilen;
    uint8_t *buf = malloc(total + 16), *res = malloc(total + 16);
    if (!buf || !res) {
        free(buf);
        free(res);
        return jv_throw(vm, JV_EX_SYSTEM, 5);
    }
    size_t held = ctr ? 0 : s->npart;
    memcpy(buf, s->part, held);
    memcpy(buf + held, jv_bytes(&in) + ioff, (size_t)ilen);
    size_t nproc, nout = 0;
    int err = 0;
    bool hold = pad == P_M2 && s->mode == MODE_DECRYPT;
    if (ctr) {
        nproc = total;
    } else if (!final) {
        nproc = total - total % bl;
        if (hold && nproc == total && nproc) nproc -= bl; /* keep the last block for unpadding */
    } else {
        if (pad == P_M2 && s->mode == MODE_ENCRYPT) {
            buf[total++] = 0x80;
            while (total % bl)
                buf[total++] = 0;
        }
        if (total % bl) err = CE_ILLEGAL_USE;
        nproc = total;
    }
    uint8_t key[32];
    int kl = sec_key_comp(vm, &k, 0, key, sizeof key);
    if (!err && kl <= 0) err = CE_UNINITIALIZED_KEY;
    if (!err && ctr && run_ctr(key, (size_t)kl, s->iv, &s->npart, buf, nproc, res))
        err = CE_ILLEGAL_USE;
    if (!err && !ctr && run_blocks(key, (size_t)kl, ci, s->mode, s->iv, bl, buf, nproc, res))
        err = CE_ILLEGAL_USE;
    seam_wipe(key, sizeof key);
    nout = nproc;
    if (!err && final && hold) {
        size_t data_len = 0;
        if (!nproc || cr_unpad_m2(res, nproc, bl, &data_len) || nproc - data_len > bl)
            err = CE_ILLEGAL_USE;
        else
            nout = data_len;
    }
    if (!err && !ctr) {
        s->npart = (uint32_t)(total - nproc);
        memcpy(s->part, buf + nproc, s->npart);
    }
    if (final) acc_reset(s);
    int rc = err ? sec_throw(vm, err) : out_bytes(vm, (jv_ref)a[4], ooff, res, nout);
    seam_wipe(buf, total + 16);
    seam_wipe(res, total + 16);
    free(buf);
    free(res);
    *ret = (int32_t)nout;
    return rc;
}

SEC_NATIVE(n_ci_final)
{
    (void)m;
    return ci_run(vm, a, ret, true);
}

SEC_NATIVE(n_ci_update)
{
    (void)m;
    return ci_run(vm, a, ret, false);
}

/* ---- AEADCipher ---- */

SEC_NATIVE(n_ae_init)
{
    (void)m, (void)ret;
    /* GCM and CCM need a nonce */
    sec_key k;
    if (sec_key_get(vm, (jv_ref)a[1], &k)) return -1;
    return sec_throw(vm, CE_ILLEGAL_VALUE);
}

SEC_NATIVE(n_ae_init_iv)
{
    (void)m, (void)ret;
    return ci_init(vm, a, true, false);
}

SEC_NATIVE(n_ae_init_full)
{
    (void)m, (void)ret;
    return ci_init(vm, a, true, true);
}

/* The AEAD state of obj, initialized and not finished; NULL with an exception. */
static sec_st *ae_state(jv_vm *vm, jv_ref obj)
{
    sec_st *s = sec_state(vm, obj, 0);
    if (!s || !s->inited) {
        sec_throw(vm, CE_INVALID_INIT);
        return NULL;
    }
    return s;
}

SEC_NATIVE(n_ae_aad)
{
    (void)m, (void)ret;
    jv_ref obj = (jv_ref)a[0];
    jv_obj o;
    int32_t off = (int16_t)a[2], len = (int16_t)a[3];
    if (sec_range(vm, (jv_ref)a[1], off, len, &o)) return -1;
    sec_st *s = ae_state(vm, obj);
    if (!s) return -1;
    if (s->len != s->nonce_len + s->aad_len) return sec_throw(vm, CE_ILLEGAL_USE);
    if (acc_add(vm, obj, (jv_ref)a[1], off, len)) return -1;
    s = sec_state(vm, obj, 0);
    s->aad_len += (uint32_t)len;
    return 0;
}

SEC_NATIVE(n_ae_update)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    jv_obj o;
    if (sec_range(vm, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &o) ||
        sec_range(vm, (jv_ref)a[4], (int16_t)a[5], 0, &o))
        return -1;
    if (!ae_state(vm, obj)) return -1;
    *ret = 0;
    return acc_add(vm, obj, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3]);
}

/* One AEAD encryption of in (n bytes) with the nonce and AAD of s: out gets n bytes, tag
 * taglen bytes. */
static seam_err ae_encrypt(int ci, const uint8_t *key, size_t kl, const sec_st *s,
                           const uint8_t *in, size_t n, uint8_t *out, uint8_t *tag, size_t taglen)
{
    cr_aead_ctx *c = NULL;
    bool gcm = ci == C_AES_GCM;
    size_t ol = 0, fl = 0;
    seam_err e = cr_aead_new(gcm ? CR_AEAD_AES_GCM : CR_AEAD_AES_CCM, true, key, kl, s->data,
                             s->nonce_len, gcm ? 0 : taglen, gcm ? 0 : s->aad_len, gcm ? 0 : n, &c);
    if (!e && s->aad_len) e = cr_aead_update_aad(c, s->data + s->nonce_len, s->aad_len);
    if (!e && n) e = cr_aead_update(c, in, n, out, n, &ol);
    if (!e) e = cr_aead_encrypt_final(c, out + ol, n - ol, &fl, tag, taglen);
    cr_aead_free(c);
    if (!e && ol + fl != n) e = SEAM_E_CRYPTO;
    return e;
}

SEC_NATIVE(n_ae_final)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    jv_obj o;
    int32_t ooff = (int16_t)a[5];
    if (sec_range(vm, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3], &o) ||
        sec_range(vm, (jv_ref)a[4], ooff, 0, &o))
        return -1;
    if (!ae_state(vm, obj)) return -1;
    if (acc_add(vm, obj, (jv_ref)a[1], (int16_t)a[2], (int16_t)a[3])) return -1;
    sec_st *s = sec_state(vm, obj, 0);
    if (!s) return jv_throw(vm, JV_EX_SYSTEM, 5);
    int ci = (int8_t)(ci_algs(vm, obj) >> 8);
    sec_key k;
    if (sec_key_get(vm, s->key, &k)) return -1;
    uint32_t hdr = s->nonce_len + s->aad_len, n = s->len - hdr;
    if (ci == C_AES_CCM && ((s->ad_exp >= 0 && (uint32_t)s->ad_exp != s->aad_len) ||
                            (s->msg_exp >= 0 && (uint32_t)s->msg_exp != n))) {
        acc_reset(s);
        s->inited = 0;
        return sec_throw(vm, CE_ILLEGAL_USE);
    }
    uint8_t key[32], tag[16];
    int kl = sec_key_comp(vm, &k, 0, key, sizeof key);
    uint8_t *res = malloc(n + 1), *tmp = malloc(n + 1);
    size_t taglen = ci == C_AES_GCM ? 16 : s->taglen;
    seam_err e = (!res || !tmp) ? SEAM_E_NOMEM : kl <= 0 ? SEAM_E_ARG : SEAM_OK;
    if (!e) e = ae_encrypt(ci, key, (size_t)kl, s, s->data + hdr, n, res, tag, taglen);
    if (!e && s->mode == MODE_DECRYPT) /* res is the plaintext; the expected tag is its tag */
        e = ae_encrypt(ci, key, (size_t)kl, s, res, n, tmp, tag, taglen);
    seam_wipe(key, sizeof key);
    acc_reset(s);
    s->inited = 0;
    int rc;
    if (e) {
        rc = e == SEAM_E_NOMEM ? jv_throw(vm, JV_EX_SYSTEM, 5) : sec_throw(vm, CE_ILLEGAL_USE);
    } else {
        memcpy(s->part, tag, 16);
        s->taglen = (uint8_t)taglen;
        s->aead_done = 1;
        rc = out_bytes(vm, (jv_ref)a[4], ooff, res, n);
    }
    if (res) seam_wipe(res, n + 1);
    if (tmp) seam_wipe(tmp, n + 1);
    seam_wipe(tag, sizeof tag);
    free(res);
    free(tmp);
    *ret = (int32_t)n;
    return rc;
}

/* The finished AEAD state of obj in mode; NULL with ILLEGAL_USE. */
static sec_st *ae_done(jv_vm *vm, jv_ref obj, uint8_t mode)
{
    sec_st *s = sec_state(vm, obj, 0);
    if (!s || !s->aead_done || s->mode != mode) {
        sec_throw(vm, CE_ILLEGAL_USE);
        return NULL;
    }
    return s;
}

SEC_NATIVE(n_ae_tag)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    jv_obj o;
    int32_t off = (int16_t)a[2], len = (int16_t)a[3];
    if (sec_range(vm, (jv_ref)a[1], off, len, &o)) return -1;
    sec_st *s = ae_done(vm, obj, MODE_ENCRYPT);
    if (!s) return -1;
    bool gcm = (int8_t)(ci_algs(vm, obj) >> 8) == C_AES_GCM;
    if (gcm ? (len < 4 || len > 16) : len != s->taglen) return sec_throw(vm, CE_ILLEGAL_VALUE);
    *ret = len;
    return out_bytes(vm, (jv_ref)a[1], off, s->part, (size_t)len);
}

SEC_NATIVE(n_ae_verify_tag)
{
    (void)m;
    jv_ref obj = (jv_ref)a[0];
    jv_obj o;
    int32_t off = (int16_t)a[2], len = (int16_t)a[3], req = (int16_t)a[4];
    if (sec_range(vm, (jv_ref)a[1], off, len, &o)) return -1;
    sec_st *s = ae_done(vm, obj, MODE_DECRYPT);
    if (!s) return -1;
    bool gcm = (int8_t)(ci_algs(vm, obj) >> 8) == C_AES_GCM;
    if (gcm ? (req < 4 || req > 16) : req != s->taglen) return sec_throw(vm, CE_ILLEGAL_VALUE);
    bool ok = len >= req && len <= (gcm ? 16 : s->taglen) &&
              seam_ct_equal(jv_bytes(&o) + off, s->part, (size_t)len);
    *ret = ok;
    return 0;
}
