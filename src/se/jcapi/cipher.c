/*
 * Natives of javacardx.crypto.Cipher and AEADCipher over src/crypto: AES in ECB and CBC mode
 * without padding or with ISO 9797-1 method 2 padding (the padding is written here; the block
 * cipher is src/crypto's). Algorithms src/crypto does not offer yet (AES-CTR, GCM, CCM, DES,
 * RSA) are refused by getInstance with CryptoException NO_SUCH_ALGORITHM.
 *
 * Invariants: see jcsec.h. update() processes every complete block at once and keeps at most
 * one block (16 bytes; for a decryption with padding, the last complete block too) in RAM
 * state with the chaining value; doFinal() finishes and resets the object to its init() state
 * (API Cipher). Input is copied before output is written, so in and out may overlap. Output
 * ranges are checked before anything is written; key bytes and plaintext copies are wiped.
 */
#include <stdlib.h>
#include <string.h>

#include "se/jcapi/jcsec.h"
#include "seam/crypto.h"

enum { C_AES_CBC = 1, C_AES_ECB = 2 };
enum { P_NULL = 0, P_NOPAD = 1, P_M2 = 3 };
enum { A_AES_CBC_NOPAD = 13, A_AES_ECB_NOPAD = 14, A_AES_CBC_M2 = 23, A_AES_ECB_M2 = 26 };
enum { MODE_DECRYPT = 1, MODE_ENCRYPT = 2 };

static int ci_map(int alg, int *ci, int *pad)
{
    switch (alg) {
    case A_AES_CBC_NOPAD: *ci = C_AES_CBC; *pad = P_NOPAD; return 0;
    case A_AES_ECB_NOPAD: *ci = C_AES_ECB; *pad = P_NOPAD; return 0;
    case A_AES_CBC_M2: *ci = C_AES_CBC; *pad = P_M2; return 0;
    case A_AES_ECB_M2: *ci = C_AES_ECB; *pad = P_M2; return 0;
    default: return -1;
    }
}

SEC_NATIVE(n_ci_resolve)
{
    (void)m;
    int alg = (int8_t)a[0], ci = (int8_t)a[1], pad = (int8_t)a[2];
    if (alg && ci_map(alg, &ci, &pad)) return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    if ((ci != C_AES_CBC && ci != C_AES_ECB) || (pad != P_NOPAD && pad != P_M2))
        return sec_throw(vm, CE_NO_SUCH_ALGORITHM);
    *ret = (int32_t)((uint32_t)(uint8_t)alg << 16 | (uint32_t)(uint8_t)ci << 8 | (uint8_t)pad);
    return 0;
}

static int32_t ci_algs(jv_vm *vm, jv_ref obj)
{
    jv_obj o;
    jv_class *c = jv_class_by_name(vm, "javacardx/crypto/CipherImpl");
    if (!c || jv_decode(vm, obj, &o) || o.kind != JV_K_INST) return 0;
    for (unsigned i = 0; i < c->jc->nfields; i++)
        if (jcl_str_eq(c->jc->fields[i].name, "algs") && c->field_slot[i] < o.len)
            return jv_elem_get(&o, c->field_slot[i]);
    return 0;
}

static int ci_init(jv_vm *vm, jv_slot *a, bool with_iv)
{
    jv_ref obj = (jv_ref)a[0];
    int32_t algs = ci_algs(vm, obj);
    int ci = (int8_t)(algs >> 8);
    uint8_t mode = (uint8_t)a[2];
    sec_key k;
    if (sec_key_get(vm, (jv_ref)a[1], &k)) return -1;
    if (mode != MODE_DECRYPT && mode != MODE_ENCRYPT) return sec_throw(vm, CE_ILLEGAL_VALUE);
    if (k.family != KF_AES) return sec_throw(vm, CE_ILLEGAL_VALUE);
    if (!sec_key_ready(vm, &k)) return sec_throw(vm, CE_UNINITIALIZED_KEY);
    uint8_t iv[16] = {0};
    if (with_iv) {
        jv_obj o;
        int32_t off = (int16_t)a[4], len = (int16_t)a[5];
        if (sec_range(vm, (jv_ref)a[3], off, len, &o)) return -1;
        if (ci != C_AES_CBC || len != 16) return sec_throw(vm, CE_ILLEGAL_VALUE);
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

SEC_NATIVE(n_ci_init)
{
    (void)m, (void)ret;
    return ci_init(vm, a, false);
}

SEC_NATIVE(n_ci_init_iv)
{
    (void)m, (void)ret;
    return ci_init(vm, a, true);
}

/* Runs the blocks of in (a multiple of 16) through the cipher, updating the chaining value. */
static int run_blocks(const uint8_t *key, size_t kl, int ci, uint8_t mode, uint8_t iv[16],
                      const uint8_t *in, size_t n, uint8_t *out)
{
    if (!n) return 0;
    seam_err e;
    if (ci == C_AES_ECB)
        e = mode == MODE_ENCRYPT ? cr_aes_ecb_encrypt(key, kl, in, n, out)
                                 : cr_aes_ecb_decrypt(key, kl, in, n, out);
    else {
        uint8_t next[16] = {0};
        if (mode == MODE_DECRYPT) memcpy(next, in + n - 16, 16);
        e = mode == MODE_ENCRYPT ? cr_aes_cbc_encrypt(key, kl, iv, in, n, out)
                                 : cr_aes_cbc_decrypt(key, kl, iv, in, n, out);
        if (!e) memcpy(iv, mode == MODE_ENCRYPT ? out + n - 16 : next, 16);
    }
    return e ? -1 : 0;
}

/* update (final = false) and doFinal (final = true). */
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
    size_t total = s->npart + (size_t)ilen;
    uint8_t *buf = malloc(total + 16), *res = malloc(total + 16);
    if (!buf || !res) {
        free(buf);
        free(res);
        return jv_throw(vm, JV_EX_SYSTEM, 5);
    }
    memcpy(buf, s->part, s->npart);
    memcpy(buf + s->npart, jv_bytes(&in) + ioff, (size_t)ilen);
    size_t nproc, nout = 0;
    int err = 0;
    bool hold = pad == P_M2 && s->mode == MODE_DECRYPT;
    if (!final) {
        nproc = total - total % 16;
        if (hold && nproc == total && nproc) nproc -= 16; /* keep the last block for unpadding */
    } else {
        if (pad == P_M2 && s->mode == MODE_ENCRYPT) {
            buf[total++] = 0x80;
            while (total % 16) buf[total++] = 0;
        }
        if (total % 16) err = CE_ILLEGAL_USE;
        nproc = total;
    }
    uint8_t key[32];
    int kl = sec_key_comp(vm, &k, 0, key, sizeof key);
    if (!err && (kl <= 0 || run_blocks(key, (size_t)kl, ci, s->mode, s->iv, buf, nproc, res)))
        err = CE_ILLEGAL_USE;
    seam_wipe(key, sizeof key);
    nout = nproc;
    if (!err && final && hold) {
        while (nout && res[nout - 1] == 0) nout--;
        if (!nout || res[nout - 1] != 0x80 || nproc - nout >= 16 + 1 || !nproc)
            err = CE_ILLEGAL_USE;
        else
            nout--;
    }
    if (!err) {
        s->npart = (uint32_t)(total - nproc);
        memcpy(s->part, buf + nproc, s->npart);
        if (final) acc_reset(s);
    } else if (final) {
        acc_reset(s);
    }
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

/* ---- AEADCipher: refused by getInstance until src/crypto offers GCM and CCM ---- */

static int ae_refuse(jv_vm *vm)
{
    return sec_throw(vm, CE_INVALID_INIT);
}

SEC_NATIVE(n_ae_init)
{
    (void)m, (void)a, (void)ret;
    return ae_refuse(vm);
}
SEC_NATIVE(n_ae_init_iv)
{
    (void)m, (void)a, (void)ret;
    return ae_refuse(vm);
}
SEC_NATIVE(n_ae_init_full)
{
    (void)m, (void)a, (void)ret;
    return ae_refuse(vm);
}
SEC_NATIVE(n_ae_aad)
{
    (void)m, (void)a, (void)ret;
    return ae_refuse(vm);
}
SEC_NATIVE(n_ae_tag)
{
    (void)m, (void)a, (void)ret;
    return ae_refuse(vm);
}
SEC_NATIVE(n_ae_verify_tag)
{
    (void)m, (void)a, (void)ret;
    return ae_refuse(vm);
}
SEC_NATIVE(n_ae_final)
{
    (void)m, (void)a, (void)ret;
    return ae_refuse(vm);
}
SEC_NATIVE(n_ae_update)
{
    (void)m, (void)a, (void)ret;
    return ae_refuse(vm);
}
