/*
 * Host side of GP signed code and delegated management (include/seam/gpsig.h): DAP blocks
 * (GP CS 2.3.1 §11.6.2.3, §C.2), tokens (§C.4.1) and receipt checks (§C.5). The byte layouts
 * are the card's (src/se/gp/dap.c, docs/dap.md).
 *
 * Invariants: no allocation; every read of card or user bytes goes through the bounded reader
 * or the TLV parser; private and secret key copies and digests of secrets are wiped before
 * return.
 */
#include <string.h>

#include "seam/crypto.h"
#include "seam/gpsig.h"
#include "seam/tlv.h"

seam_err gpsig_lfdb_hash(const uint8_t *lfdb, size_t len, uint8_t hash[32])
{
    if ((len && !lfdb) || !hash) return SEAM_E_ARG;
    return cr_sha256(lfdb, len, hash);
}

static seam_err dap_block(const uint8_t *sd_aid, size_t aid_len, const uint8_t *sig, size_t sig_len,
                          uint8_t *out, size_t cap, size_t *out_len)
{
    uint8_t buf[GPSIG_DAP_MAX];
    seam_wr w;
    seam_wr_init(&w, buf, sizeof buf);
    size_t m = tlv_begin(&w, 0xE2);
    tlv_put(&w, 0x4F, sd_aid, aid_len);
    tlv_put(&w, 0xC3, sig, sig_len);
    tlv_end(&w, m);
    if (w.err) return w.err;
    if (w.len > cap) return SEAM_E_LENGTH;
    memcpy(out, buf, w.len);
    *out_len = w.len;
    return SEAM_OK;
}

seam_err gpsig_dap_block_ecc(const uint8_t *sd_aid, size_t aid_len, const uint8_t hash[32],
                             const uint8_t priv[32], uint8_t *out, size_t cap, size_t *out_len)
{
    if (!sd_aid || !hash || !priv || !out || !out_len) return SEAM_E_ARG;
    if (aid_len < 5 || aid_len > 16) return SEAM_E_LENGTH;
    uint8_t d[32], sig[CR_P256_SIG_LEN];
    seam_err e = cr_sha256(hash, 32, d);
    if (e == SEAM_OK) e = cr_p256_sign(priv, d, sig);
    if (e == SEAM_OK) e = dap_block(sd_aid, aid_len, sig, sizeof sig, out, cap, out_len);
    return e;
}

seam_err gpsig_dap_block_aes(const uint8_t *sd_aid, size_t aid_len, const uint8_t hash[32],
                             const uint8_t *key, size_t keylen, uint8_t *out, size_t cap,
                             size_t *out_len)
{
    if (!sd_aid || !hash || !key || !out || !out_len) return SEAM_E_ARG;
    if (aid_len < 5 || aid_len > 16) return SEAM_E_LENGTH;
    if (keylen != 16 && keylen != 24 && keylen != 32) return SEAM_E_LENGTH;
    uint8_t mac[16];
    seam_err e = cr_aes_cmac(key, keylen, hash, 32, NULL, 0, mac);
    if (e == SEAM_OK) e = dap_block(sd_aid, aid_len, mac, sizeof mac, out, cap, out_len);
    seam_wipe(mac, sizeof mac);
    return e;
}

/* Number of length-value fields before the token, by INSTALL P1 (GP CS 2.3.1 §11.5.2.3). */
static int install_fields(uint8_t p1)
{
    switch (p1 & 0x7E) {
    case 0x02:
        return 4;
    case 0x04:
    case 0x08:
    case 0x0C:
    case 0x10:
    case 0x40:
        return 5;
    default:
        return 0;
    }
}

static void put_len(seam_wr *w, size_t len)
{
    if (len < 0x80) {
        seam_wr_u8(w, (uint8_t)len);
    } else if (len < 0x100) {
        seam_wr_u8(w, 0x81);
        seam_wr_u8(w, (uint8_t)len);
    } else {
        seam_wr_u8(w, 0x82);
        seam_wr_u16(w, (uint16_t)len);
    }
}

static bool rd_len(seam_rd *rd, bool ber, size_t *len)
{
    uint8_t b;
    if (seam_rd_u8(rd, &b)) return false;
    if (b < 0x80 || !ber) {
        *len = b;
        return true;
    }
    if (b == 0x81) {
        if (seam_rd_u8(rd, &b) || b < 0x80) return false;
        *len = b;
        return true;
    }
    uint16_t v;
    if (b != 0x82 || seam_rd_u16(rd, &v) || v < 0x100) return false;
    *len = v;
    return true;
}

/* The token over P1 || P2 || Lc' || prefix || 4F Lsd sd_aid (sd_len 0: '4F 00', the unbound
 * form of gpsig_token_data, which no card command accepts). */
static seam_err token_data(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data, size_t len,
                           const uint8_t *id, size_t id_len, const uint8_t *cin, size_t cin_len,
                           const uint8_t *sd_aid, size_t sd_len, const uint8_t priv[32],
                           uint8_t *out, size_t cap, size_t *out_len)
{
    if ((len && !data) || !id || !priv || !out || !out_len) return SEAM_E_ARG;
    if (sd_len > 16 || (sd_len && !sd_aid)) return SEAM_E_ARG;
    uint8_t sdt[2 + 16] = {0x4F, (uint8_t)sd_len};
    if (sd_len) memcpy(sdt + 2, sd_aid, sd_len);
    if (id_len == 0 || id_len > GPSIG_TOKEN_ID_MAX || cin_len > 16 || (cin_len && !cin))
        return SEAM_E_ARG;
    uint8_t crt[2 + 2 + 16 + 2 + GPSIG_TOKEN_ID_MAX];
    seam_wr cw;
    seam_wr_init(&cw, crt, sizeof crt);
    size_t m = tlv_begin(&cw, 0xB6);
    if (cin_len) tlv_put(&cw, 0x45, cin, cin_len);
    tlv_put(&cw, 0x93, id, id_len);
    tlv_end(&cw, m);
    if (cw.err) return cw.err;

    seam_wr w;
    seam_wr_init(&w, out, cap);
    if (ins == 0xE6) {
        int nf = install_fields(p1);
        if (!nf) return SEAM_E_ARG;
        seam_rd rd;
        seam_rd_init(&rd, data, len);
        for (int i = 0; i < nf; i++) {
            const uint8_t *p;
            size_t l;
            bool params = i == nf - 1;
            if (!rd_len(&rd, params, &l) || seam_rd_bytes(&rd, l, &p)) return SEAM_E_FORMAT;
            if (params) {
                put_len(&w, l + cw.len);
                seam_wr_bytes(&w, p, l);
                seam_wr_bytes(&w, crt, cw.len);
            } else {
                seam_wr_u8(&w, (uint8_t)l);
                seam_wr_bytes(&w, p, l);
            }
        }
        if (seam_rd_left(&rd)) return SEAM_E_FORMAT;
    } else if (ins == 0xE4) {
        tlv_iter it;
        tlv_t t;
        seam_err e;
        tlv_iter_init(&it, data, len);
        while ((e = tlv_next(&it, &t)) == SEAM_OK)
            if (t.tag == 0x9E || t.tag == 0xB6) return SEAM_E_FORMAT;
        if (e != SEAM_E_NOT_FOUND) return SEAM_E_FORMAT;
        seam_wr_bytes(&w, data, len);
        seam_wr_bytes(&w, crt, cw.len);
    } else {
        return SEAM_E_ARG;
    }
    if (w.err) return w.err;
    size_t off = w.len;
    if (off > 0xFFFF) return SEAM_E_LENGTH;
    uint8_t hdr[5] = {p1, p2};
    size_t hl = 3;
    if (off < 256) {
        hdr[2] = (uint8_t)off;
    } else {
        hdr[2] = 0;
        seam_put_be16(hdr + 3, (uint16_t)off);
        hl = 5;
    }
    uint8_t d[32], sig[CR_P256_SIG_LEN];
    /* signed: header, prefix, then the AID of the SD that will execute the command */
    seam_err e = cr_sha256_parts(hdr, hl, out, off, sdt, 2 + sd_len, d);
    if (e == SEAM_OK) e = cr_p256_sign(priv, d, sig);
    if (e != SEAM_OK) {
        seam_wipe(out, off);
        return e;
    }
    if (ins == 0xE6) {
        put_len(&w, sizeof sig);
        seam_wr_bytes(&w, sig, sizeof sig);
    } else {
        tlv_put(&w, 0x9E, sig, sizeof sig);
    }
    if (w.err) {
        seam_wipe(out, cap < w.len ? cap : w.len);
        return w.err;
    }
    *out_len = w.len;
    return SEAM_OK;
}

seam_err gpsig_token_data(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data, size_t len,
                          const uint8_t *id, size_t id_len, const uint8_t *cin, size_t cin_len,
                          const uint8_t priv[32], uint8_t *out, size_t cap, size_t *out_len)
{
    return token_data(ins, p1, p2, data, len, id, id_len, cin, cin_len, NULL, 0, priv, out, cap,
                      out_len);
}

seam_err gpsig_token_data_sd(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data, size_t len,
                             const uint8_t *id, size_t id_len, const uint8_t *cin, size_t cin_len,
                             const uint8_t *sd_aid, size_t sd_len, const uint8_t priv[32],
                             uint8_t *out, size_t cap, size_t *out_len)
{
    if (!sd_aid) return SEAM_E_ARG;
    if (sd_len < 5 || sd_len > 16) return SEAM_E_LENGTH;
    return token_data(ins, p1, p2, data, len, id, id_len, cin, cin_len, sd_aid, sd_len, priv, out,
                      cap, out_len);
}

seam_err gpsig_receipt_parse(const uint8_t *resp, size_t len, gpsig_receipt *out)
{
    if ((len && !resp) || !out) return SEAM_E_ARG;
    gpsig_receipt r;
    memset(&r, 0, sizeof r);
    if (len == 1 && resp[0] == 0x00) return SEAM_E_NOT_FOUND;
    seam_rd rd;
    seam_rd_init(&rd, resp, len);
    uint8_t lr, lc, lu, lt;
    const uint8_t *p;
    if (seam_rd_u8(&rd, &lr) || lr != sizeof r.receipt || seam_rd_copy(&rd, r.receipt, lr))
        return SEAM_E_FORMAT;
    if (seam_rd_u8(&rd, &lc) || lc != 2 || seam_rd_u16(&rd, &r.counter)) return SEAM_E_FORMAT;
    if (seam_rd_u8(&rd, &lu) || lu > sizeof r.unique || seam_rd_copy(&rd, r.unique, lu))
        return SEAM_E_FORMAT;
    r.unique_len = lu;
    if (seam_rd_left(&rd)) {
        if (seam_rd_u8(&rd, &lt) || lt == 0 || lt > GPSIG_TOKEN_ID_MAX ||
            seam_rd_bytes(&rd, lt, &p))
            return SEAM_E_FORMAT;
        memcpy(r.token_id, p, lt);
        r.token_id_len = lt;
        r.has_token_id = true;
    }
    if (seam_rd_left(&rd)) return SEAM_E_FORMAT;
    *out = r;
    return SEAM_OK;
}

seam_err gpsig_receipt_verify(const uint8_t *resp, size_t len, const uint8_t *key, size_t keylen,
                              const gpsig_lv *ctx, size_t n, gpsig_receipt *out)
{
    if (!key || (n && !ctx) || n > 4) return SEAM_E_ARG;
    if (keylen != 16 && keylen != 24 && keylen != 32) return SEAM_E_LENGTH;
    gpsig_receipt r;
    seam_err e = gpsig_receipt_parse(resp, len, &r);
    if (e != SEAM_OK) return e;
    /* input: the confirmation data as received (everything after the receipt) || context */
    uint8_t msg[128 + 4 * 17];
    seam_wr w;
    seam_wr_init(&w, msg, sizeof msg);
    seam_wr_bytes(&w, resp + 1 + sizeof r.receipt, len - 1 - sizeof r.receipt);
    for (size_t i = 0; i < n; i++) {
        if (ctx[i].len > 16 || (ctx[i].len && !ctx[i].p)) return SEAM_E_ARG;
        seam_wr_u8(&w, (uint8_t)ctx[i].len);
        seam_wr_bytes(&w, ctx[i].p, ctx[i].len);
    }
    if (w.err) return SEAM_E_FORMAT;
    uint8_t mac[16];
    e = cr_aes_cmac(key, keylen, msg, w.len, NULL, 0, mac);
    if (e == SEAM_OK && !seam_ct_equal(mac, r.receipt, sizeof mac)) e = SEAM_E_AUTH;
    seam_wipe(mac, sizeof mac);
    if (e == SEAM_OK && out) *out = r;
    return e;
}
