/*
 * Key and life cycle management on the host: PUT KEY of an AES key set (GP CS 2.3.1 §11.8,
 * key data per Amendment D §7.4.2 — type '88', length, clear key length, the key encrypted with
 * AES-CBC and a zero ICV under the static Key-DEK of the authenticating key set, then '03'
 * and the key check value), PUT KEY of one AES key (P2 = KID: the receipt and symmetric DAP
 * keys of docs/dap.md), DELETE KEY (§11.2) and SET STATUS of the card (§11.10).
 *
 * Invariants: clear new keys exist only in the caller's gp_keys and in local buffers that are
 * wiped on every path out; the card's KVN and key check values are compared in constant time.
 * A 24-byte key is padded with zero bytes to 32 before encryption (the AES block is 16 bytes;
 * the clear key length byte tells the card how much of the decrypted block to keep).
 */
#include <string.h>

#include "seam/gpclient.h"
#include "seam/sw.h"

#define GP_KEY_TYPE_AES 0x88

seam_err gp_put_key_data(const gp_keys *nk, const uint8_t *dek, size_t dek_len, uint8_t *out,
                         size_t cap, size_t *out_len)
{
    if (!nk || !dek || !out || !out_len) return SEAM_E_ARG;
    if ((nk->len != 16 && nk->len != 24 && nk->len != 32) ||
        (dek_len != 16 && dek_len != 24 && dek_len != 32) || nk->kvn == 0 || nk->kvn == 0xFF)
        return SEAM_E_ARG;
    static const uint8_t zero_iv[16] = {0};
    const uint8_t *keys[3] = {nk->enc, nk->mac, nk->dek};
    size_t padded = (size_t)(nk->len + 15) / 16 * 16;
    uint8_t clear[32], enc[32], kcv[3];
    seam_err e = SEAM_OK;
    seam_wr w;
    seam_wr_init(&w, out, cap);
    seam_wr_u8(&w, nk->kvn);
    for (size_t i = 0; i < 3 && e == SEAM_OK; i++) {
        memset(clear, 0, sizeof clear);
        memcpy(clear, keys[i], nk->len);
        e = cr_aes_cbc_encrypt(dek, dek_len, zero_iv, clear, padded, enc);
        if (e == SEAM_OK) e = scp03_kcv(keys[i], nk->len, kcv);
        if (e != SEAM_OK) break;
        seam_wr_u8(&w, GP_KEY_TYPE_AES);
        seam_wr_u8(&w, (uint8_t)(1 + padded));
        seam_wr_u8(&w, nk->len);
        seam_wr_bytes(&w, enc, padded);
        seam_wr_u8(&w, sizeof kcv);
        seam_wr_bytes(&w, kcv, sizeof kcv);
    }
    seam_wipe(clear, sizeof clear);
    seam_wipe(enc, sizeof enc);
    if (e == SEAM_OK) e = w.err;
    if (e != SEAM_OK) {
        seam_wipe(out, cap);
        return e;
    }
    *out_len = w.len;
    return SEAM_OK;
}

seam_err gp_put_key_aes(gp_session *s, const gp_keys *nk, uint8_t replace_kvn, uint16_t *sw)
{
    if (!s || !nk || !sw) return SEAM_E_ARG;
    if (!s->open) return SEAM_E_STATE; /* the keys are encrypted under the session's DEK */
    uint8_t data[1 + 3 * (3 + 32 + 4)];
    size_t len = 0;
    seam_err e = gp_put_key_data(nk, s->keys.dek, s->keys.len, data, sizeof data, &len);
    if (e != SEAM_OK) return e;

    /* The expected answer: the KVN and the three key check values (Amendment D §7.4.3). */
    uint8_t expect[10], resp[64];
    size_t rlen = 0;
    expect[0] = nk->kvn;
    e = scp03_kcv(nk->enc, nk->len, expect + 1);
    if (e == SEAM_OK) e = scp03_kcv(nk->mac, nk->len, expect + 4);
    if (e == SEAM_OK) e = scp03_kcv(nk->dek, nk->len, expect + 7);
    if (e == SEAM_OK)
        e = gp_send_cmd(s, 0x80, 0xD8, replace_kvn, 0x81, data, len, true, resp, sizeof resp, &rlen,
                        sw);
    seam_wipe(data, sizeof data);
    if (e == SEAM_OK && *sw == SW_NO_ERROR &&
        (rlen != sizeof expect || !seam_ct_equal(resp, expect, sizeof expect)))
        e = SEAM_E_AUTH;
    return e;
}

seam_err gp_delete_key(gp_session *s, uint8_t kvn, uint8_t kid, uint16_t *sw)
{
    if (!s || !sw) return SEAM_E_ARG;
    uint8_t data[6];
    size_t n = 0;
    data[n++] = 0xD2; /* key version number */
    data[n++] = 0x01;
    data[n++] = kvn;
    if (kid) {
        data[n++] = 0xD0; /* key identifier */
        data[n++] = 0x01;
        data[n++] = kid;
    }
    uint8_t resp[16];
    size_t rlen = 0;
    return gp_send_cmd(s, 0x80, 0xE4, 0x00, 0x00, data, n, true, resp, sizeof resp, &rlen, sw);
}

seam_err gp_set_card_status(gp_session *s, uint8_t state, uint16_t *sw)
{
    if (!s || !sw) return SEAM_E_ARG;
    uint8_t resp[16];
    size_t rlen = 0;
    return gp_send_cmd(s, 0x80, 0xF0, 0x80, state, NULL, 0, false, resp, sizeof resp, &rlen, sw);
}

seam_err gp_put_key_aes_one(gp_session *s, uint8_t kid, uint8_t kvn, uint8_t replace_kvn,
                            const uint8_t *key, size_t len, uint16_t *sw)
{
    if (!s || !key || !sw || (len != 16 && len != 24 && len != 32) || kvn == 0 || kvn == 0xFF)
        return SEAM_E_ARG;
    if (!s->open) return SEAM_E_STATE; /* the key is encrypted under the session's DEK */
    static const uint8_t zero_iv[16] = {0};
    size_t padded = (len + 15) / 16 * 16;
    uint8_t clear[32] = {0}, enc[32], data[1 + 3 + 32 + 4], expect[4], resp[64];
    size_t n = 0, rlen = 0;
    memcpy(clear, key, len);
    expect[0] = kvn;
    seam_err e = cr_aes_cbc_encrypt(s->keys.dek, s->keys.len, zero_iv, clear, padded, enc);
    if (e == SEAM_OK) e = scp03_kcv(key, len, expect + 1);
    if (e == SEAM_OK) {
        data[n++] = kvn;
        data[n++] = GP_KEY_TYPE_AES;
        data[n++] = (uint8_t)(1 + padded);
        data[n++] = (uint8_t)len;
        memcpy(data + n, enc, padded);
        n += padded;
        data[n++] = 3;
        memcpy(data + n, expect + 1, 3);
        n += 3;
        e = gp_send_cmd(s, 0x80, 0xD8, replace_kvn, kid, data, n, true, resp, sizeof resp, &rlen,
                        sw);
    }
    seam_wipe(clear, sizeof clear);
    seam_wipe(enc, sizeof enc);
    seam_wipe(data, sizeof data);
    if (e == SEAM_OK && *sw == SW_NO_ERROR &&
        (rlen != sizeof expect || !seam_ct_equal(resp, expect, sizeof expect)))
        e = SEAM_E_AUTH;
    return e;
}
