/*
 * GlobalPlatform SCP11 (Card Specification 2.3.1 Amendment F): key agreement, the X9.63 KDF,
 * receipts, and the data of MUTUAL / INTERNAL AUTHENTICATE for both sides. This is the one
 * implementation of SCP11 cryptography; the card's ISD and the hosts both call it. The rules are
 * listed in include/seam/scp11.h. After the handshake, secure messaging is SCP03's (scp03.c),
 * started by scp03_session_from_keys with the receipt as the MAC chaining value.
 *
 * Invariants:
 *  - every ECDH output, Z, the KDF output and the derived keys live in stack buffers or an
 *    scp11_keys that is wiped on every path out; session keys leave only inside the
 *    scp03_session's key contexts and the caller's S-DEK buffer;
 *  - the card parses hostile command data with the strict TLV reader (tlv.c): exactly A6 then
 *    5F49, every inner tag known and present once, every length fixed; a public key must be an
 *    uncompressed point on P-256 (cr_p256_check_public) before any ECDH uses it;
 *  - the host checks the receipt with seam_ct_equal before it starts the session, so a card that
 *    does not hold SK.SD.ECKA never gets a session.
 */
#include "seam/scp11.h"

#include <string.h>

#include "seam/tlv.h"

#define SCP11_SHARED_INFO_LEN 3 /* key usage || key type || key length */
#define SCP11_EPK_TLV_LEN (3 + CR_P256_PUB_LEN)

/* ---- parameters and key derivation ---- */

/* The SCP03 level each supported key usage qualifier asks for. Confidentiality ('08') applies
 * to the directions that have secure messaging ('10' command, '20' response). */
static seam_err usage_level(uint8_t usage, uint8_t *level)
{
    switch (usage) {
    case SCP11_USAGE_CMAC:
        *level = SCP03_LEVEL_CMAC;
        return SEAM_OK;
    case SCP11_USAGE_CMAC_CDEC:
        *level = SCP03_LEVEL_CMAC | SCP03_LEVEL_CDEC;
        return SEAM_OK;
    case SCP11_USAGE_CMAC_RMAC:
        *level = SCP03_LEVEL_CMAC | SCP03_LEVEL_RMAC;
        return SEAM_OK;
    case SCP11_USAGE_CMAC_RMAC_ENC:
        *level = SCP03_LEVEL_CMAC | SCP03_LEVEL_CDEC | SCP03_LEVEL_RMAC | SCP03_LEVEL_RENC;
        return SEAM_OK;
    default:
        return SEAM_E_UNSUPPORTED;
    }
}

seam_err scp11_params_check(const scp11_params *p, uint8_t *level)
{
    if (!p) return SEAM_E_ARG;
    uint8_t lv = 0;
    if (p->variant != SCP11_VARIANT_A && p->variant != SCP11_VARIANT_B &&
        p->variant != SCP11_VARIANT_C)
        return SEAM_E_UNSUPPORTED;
    if (p->key_type != SCP11_KEY_TYPE_AES) return SEAM_E_UNSUPPORTED;
    if (p->key_len != 16 && p->key_len != 24 && p->key_len != 32) return SEAM_E_UNSUPPORTED;
    seam_err e = usage_level(p->key_usage, &lv);
    if (e == SEAM_OK && level) *level = lv;
    return e;
}

void scp11_keys_clear(scp11_keys *k)
{
    if (k) seam_wipe(k, sizeof *k);
}

seam_err scp11_x963_kdf(const uint8_t *z, size_t zlen, const uint8_t *info, size_t info_len,
                        uint8_t *out, size_t out_len)
{
    if (!z || zlen == 0 || (!info && info_len) || !out || out_len == 0) return SEAM_E_ARG;
    if (out_len > (size_t)CR_SHA256_LEN * 0xFFFF) return SEAM_E_ARG;
    uint8_t block[CR_SHA256_LEN], ctr[4];
    seam_err e = SEAM_OK;
    size_t done = 0;
    for (uint32_t i = 1; done < out_len && e == SEAM_OK; i++) {
        seam_put_be32(ctr, i);
        e = cr_sha256_parts(z, zlen, ctr, sizeof ctr, info, info_len, block);
        if (e == SEAM_OK) {
            size_t n = out_len - done < sizeof block ? out_len - done : sizeof block;
            memcpy(out + done, block, n);
            done += n;
        }
    }
    seam_wipe(block, sizeof block);
    if (e != SEAM_OK) seam_wipe(out, out_len);
    return e;
}

seam_err scp11_derive_keys(const scp11_params *p, const uint8_t sh_see[32],
                           const uint8_t sh_ses[32], scp11_keys *k)
{
    if (!p || !sh_see || !sh_ses || !k) return SEAM_E_ARG;
    scp11_keys_clear(k);
    seam_err e = scp11_params_check(p, NULL);
    if (e != SEAM_OK) return e;

    uint8_t z[64], out[5 * SCP11_MAX_KEYLEN];
    const uint8_t info[SCP11_SHARED_INFO_LEN] = {p->key_usage, p->key_type, p->key_len};
    size_t n = p->key_len;
    memcpy(z, sh_see, 32);
    memcpy(z + 32, sh_ses, 32);
    e = scp11_x963_kdf(z, sizeof z, info, sizeof info, out, 5 * n);
    if (e == SEAM_OK) {
        memcpy(k->receipt_key, out, n);
        memcpy(k->s_enc, out + n, n);
        memcpy(k->s_mac, out + 2 * n, n);
        memcpy(k->s_rmac, out + 3 * n, n);
        memcpy(k->s_dek, out + 4 * n, n);
        k->key_len = n;
    }
    seam_wipe(z, sizeof z);
    seam_wipe(out, sizeof out);
    return e;
}

seam_err scp11_receipt(const scp11_keys *k, const uint8_t *cmd_data, size_t cmd_len,
                       const uint8_t *epk_sd_tlv, size_t tlv_len, uint8_t receipt[16])
{
    if (!k || !cmd_data || !epk_sd_tlv || !receipt || k->key_len == 0) return SEAM_E_ARG;
    return cr_aes_cmac(k->receipt_key, k->key_len, cmd_data, cmd_len, epk_sd_tlv, tlv_len, receipt);
}

seam_err scp11_start_session(const scp11_params *p, const scp11_keys *k, const uint8_t receipt[16],
                             scp03_session *s)
{
    if (!p || !k || !receipt || !s) return SEAM_E_ARG;
    uint8_t level = 0;
    seam_err e = scp11_params_check(p, &level);
    if (e == SEAM_OK && k->key_len != p->key_len) e = SEAM_E_ARG;
    if (e != SEAM_OK) {
        scp03_session_clear(s);
        return e;
    }
    /* Amendment F sessions are S8; R-MAC and R-ENC are allowed whenever the usage asks. */
    return scp03_session_from_keys(s, k->s_enc, k->s_mac, k->s_rmac, k->key_len, receipt, level,
                                   SCP03_I_RMAC | SCP03_I_RENC);
}

/* ShSee = ECDH(priv_see, pub_see), ShSes = ECDH(priv_ses, pub_ses), then the KDF. */
static seam_err agree(const scp11_params *p, const uint8_t *priv_see, const uint8_t *pub_see,
                      const uint8_t *priv_ses, const uint8_t *pub_ses, scp11_keys *k)
{
    uint8_t sh_see[32], sh_ses[32];
    seam_err e = cr_p256_ecdh(priv_see, pub_see, CR_P256_PUB_LEN, sh_see);
    if (e == SEAM_OK) e = cr_p256_ecdh(priv_ses, pub_ses, CR_P256_PUB_LEN, sh_ses);
    if (e == SEAM_OK) e = scp11_derive_keys(p, sh_see, sh_ses, k);
    seam_wipe(sh_see, sizeof sh_see);
    seam_wipe(sh_ses, sizeof sh_ses);
    if (e != SEAM_OK) scp11_keys_clear(k);
    return e;
}

/* 5F49 41 point. */
static void put_epk_tlv(uint8_t out[SCP11_EPK_TLV_LEN], const uint8_t pub[65])
{
    out[0] = 0x5F;
    out[1] = 0x49;
    out[2] = CR_P256_PUB_LEN;
    memcpy(out + 3, pub, CR_P256_PUB_LEN);
}

/* A public key TLV's value: exactly 65 bytes, uncompressed, on the curve. A compressed (33) or
 * otherwise sized point is SEAM_E_FORMAT, like an off-curve one. */
static seam_err check_epk(const tlv_t *t)
{
    if (t->tag != SCP11_TAG_EPK || t->len != CR_P256_PUB_LEN) return SEAM_E_FORMAT;
    return cr_p256_check_public(t->value, t->len) == SEAM_OK ? SEAM_OK : SEAM_E_FORMAT;
}

/* ---- host side ---- */

void scp11_host_clear(scp11_host *h)
{
    if (h) seam_wipe(h, sizeof *h);
}

seam_err scp11_host_begin(scp11_host *h, const scp11_params *p, const uint8_t esk_oce[32])
{
    if (!h) return SEAM_E_ARG;
    scp11_host_clear(h);
    if (!p || !esk_oce) return SEAM_E_ARG;
    seam_err e = scp11_params_check(p, NULL);
    if (e == SEAM_OK) e = cr_p256_public(esk_oce, h->epk_oce);
    if (e != SEAM_OK) {
        scp11_host_clear(h);
        return e;
    }
    h->p = *p;
    memcpy(h->esk_oce, esk_oce, 32);

    seam_wr w;
    seam_wr_init(&w, h->cmd_data, sizeof h->cmd_data);
    size_t mark = tlv_begin(&w, SCP11_TAG_CRT);
    const uint8_t scp_id[2] = {SCP11_ID, p->variant};
    tlv_put(&w, SCP11_TAG_SCP_ID, scp_id, sizeof scp_id);
    tlv_put_u8(&w, SCP11_TAG_KEY_USAGE, p->key_usage);
    tlv_put_u8(&w, SCP11_TAG_KEY_TYPE, p->key_type);
    tlv_put_u8(&w, SCP11_TAG_KEY_LENGTH, p->key_len);
    tlv_end(&w, mark);
    tlv_put(&w, SCP11_TAG_EPK, h->epk_oce, sizeof h->epk_oce);
    if (w.err != SEAM_OK || w.len != SCP11_CMD_DATA_LEN) {
        scp11_host_clear(h);
        return SEAM_E_FAULT; /* the layout above is fixed: a different size is a bug */
    }
    return SEAM_OK;
}

seam_err scp11_host_command(const scp11_host *h, uint8_t cla_channel_bits, uint8_t kvn, uint8_t kid,
                            uint8_t *out, size_t cap, size_t *out_len)
{
    if (!h || !out || !out_len) return SEAM_E_ARG;
    *out_len = 0;
    /* Channels 0-3 in b2b1, or 4-19 as b7 set and channel - 4 in b4..b1 (as scp03.c). */
    if ((cla_channel_bits & ~0x4Fu) || (!(cla_channel_bits & 0x40) && (cla_channel_bits & 0x0C)))
        return SEAM_E_ARG;
    if (h->p.key_len == 0) return SEAM_E_STATE;
    if (cap < SCP11_CMD_APDU_LEN) return SEAM_E_LENGTH;
    out[0] = (uint8_t)(0x80 | cla_channel_bits);
    out[1] = h->p.variant == SCP11_VARIANT_B ? SCP11_INS_INTERNAL_AUTHENTICATE
                                             : SCP11_INS_MUTUAL_AUTHENTICATE;
    out[2] = kvn;
    out[3] = kid;
    out[4] = SCP11_CMD_DATA_LEN;
    memcpy(out + 5, h->cmd_data, SCP11_CMD_DATA_LEN);
    out[5 + SCP11_CMD_DATA_LEN] = 0x00;
    *out_len = SCP11_CMD_APDU_LEN;
    return SEAM_OK;
}

/* Keys and receipt of the host's session with ePK.SD epk_sd. */
static seam_err host_keys(const scp11_host *h, const uint8_t epk_sd[65], const uint8_t pk_sd[65],
                          const uint8_t *sk_oce, scp11_keys *k, uint8_t receipt[16])
{
    if (h->p.key_len == 0) return SEAM_E_STATE;
    bool is_b = h->p.variant == SCP11_VARIANT_B;
    if (is_b != (sk_oce == NULL)) return SEAM_E_ARG;
    /* SCP11b: ShSes = ECDH(eSK.OCE, PK.SD); SCP11a/c: ECDH(SK.OCE, PK.SD). */
    seam_err e = agree(&h->p, h->esk_oce, epk_sd, is_b ? h->esk_oce : sk_oce, pk_sd, k);
    uint8_t tlv[SCP11_EPK_TLV_LEN];
    put_epk_tlv(tlv, epk_sd);
    if (e == SEAM_OK)
        e = scp11_receipt(k, h->cmd_data, sizeof h->cmd_data, tlv, sizeof tlv, receipt);
    if (e != SEAM_OK) {
        scp11_keys_clear(k);
        seam_wipe(receipt, 16);
    }
    return e;
}

/* Starts the session and hands out S-DEK; wipes the keys. */
static seam_err host_start(const scp11_host *h, scp11_keys *k, const uint8_t receipt[16],
                           scp03_session *s, uint8_t *s_dek)
{
    seam_err e = scp11_start_session(&h->p, k, receipt, s);
    if (e == SEAM_OK && s_dek) memcpy(s_dek, k->s_dek, k->key_len);
    scp11_keys_clear(k);
    return e;
}

seam_err scp11_host_finish(const scp11_host *h, const uint8_t pk_sd[65], const uint8_t *sk_oce,
                           const uint8_t *resp, size_t resp_len, scp03_session *s, uint8_t *s_dek)
{
    if (!s) return SEAM_E_ARG;
    scp03_session_clear(s);
    if (!h || !pk_sd || (!resp && resp_len)) return SEAM_E_ARG;

    /* The response data: exactly 5F49 ePK.SD || 86 receipt. */
    tlv_iter it;
    tlv_t epk, rcpt, extra;
    tlv_iter_init(&it, resp, resp_len);
    seam_err e = tlv_next(&it, &epk);
    if (e == SEAM_OK) e = check_epk(&epk);
    if (e == SEAM_OK) e = tlv_next(&it, &rcpt);
    if (e == SEAM_OK && (rcpt.tag != SCP11_TAG_RECEIPT || rcpt.len != SCP11_RECEIPT_LEN))
        e = SEAM_E_FORMAT;
    if (e == SEAM_OK && tlv_next(&it, &extra) != SEAM_E_NOT_FOUND) e = SEAM_E_FORMAT;
    if (e == SEAM_E_NOT_FOUND) e = SEAM_E_FORMAT; /* a TLV missing */
    if (e != SEAM_OK) return e;

    scp11_keys k;
    uint8_t receipt[16];
    e = host_keys(h, epk.value, pk_sd, sk_oce, &k, receipt);
    if (e == SEAM_OK && !seam_ct_equal(receipt, rcpt.value, sizeof receipt)) e = SEAM_E_AUTH;
    if (e == SEAM_OK) e = host_start(h, &k, receipt, s, s_dek);
    scp11_keys_clear(&k);
    seam_wipe(receipt, sizeof receipt);
    if (e != SEAM_OK && s_dek) seam_wipe(s_dek, h->p.key_len);
    return e;
}

seam_err scp11_host_offline(const scp11_host *h, const uint8_t pk_sd[65], const uint8_t sk_oce[32],
                            scp03_session *s, uint8_t *s_dek, uint8_t *resp, size_t cap,
                            size_t *resp_len)
{
    if (!s) return SEAM_E_ARG;
    scp03_session_clear(s);
    if (!h || !pk_sd || !sk_oce || (resp && !resp_len)) return SEAM_E_ARG;
    if (resp_len) *resp_len = 0;
    if (h->p.variant != SCP11_VARIANT_C) return SEAM_E_STATE;
    if (resp && cap < SCP11_RESP_DATA_LEN) return SEAM_E_LENGTH;

    scp11_keys k;
    uint8_t receipt[16];
    /* The SCP11c card answers with its static key: ePK.SD = PK.SD. */
    seam_err e = host_keys(h, pk_sd, pk_sd, sk_oce, &k, receipt);
    if (e == SEAM_OK) e = host_start(h, &k, receipt, s, s_dek);
    if (e == SEAM_OK && resp) {
        put_epk_tlv(resp, pk_sd);
        resp[SCP11_EPK_TLV_LEN] = SCP11_TAG_RECEIPT;
        resp[SCP11_EPK_TLV_LEN + 1] = SCP11_RECEIPT_LEN;
        memcpy(resp + SCP11_EPK_TLV_LEN + 2, receipt, sizeof receipt);
        *resp_len = SCP11_RESP_DATA_LEN;
    }
    scp11_keys_clear(&k);
    seam_wipe(receipt, sizeof receipt);
    if (e != SEAM_OK && s_dek) seam_wipe(s_dek, h->p.key_len);
    return e;
}

/* ---- card side ---- */

/* One single-byte parameter of the A6 template. */
static seam_err crt_u8(const tlv_t *t, bool *seen, uint8_t *v)
{
    if (*seen || t->len != 1) return SEAM_E_FORMAT;
    *seen = true;
    *v = t->value[0];
    return SEAM_OK;
}

/* The inside of A6: 90, 95, 80 and 81 each exactly once, in any order. */
static seam_err parse_crt(const tlv_t *crt, scp11_params *p)
{
    bool seen_id = false, seen_usage = false, seen_type = false, seen_len = false;
    uint8_t scp_id = 0;
    tlv_iter it;
    tlv_t t;
    seam_err e;
    tlv_iter_init(&it, crt->value, crt->len);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        switch (t.tag) {
        case SCP11_TAG_SCP_ID:
            if (seen_id || t.len != 2) return SEAM_E_FORMAT;
            seen_id = true;
            scp_id = t.value[0];
            p->variant = t.value[1];
            break;
        case SCP11_TAG_KEY_USAGE:
            e = crt_u8(&t, &seen_usage, &p->key_usage);
            break;
        case SCP11_TAG_KEY_TYPE:
            e = crt_u8(&t, &seen_type, &p->key_type);
            break;
        case SCP11_TAG_KEY_LENGTH:
            e = crt_u8(&t, &seen_len, &p->key_len);
            break;
        case SCP11_TAG_HOST_ID:
            return SEAM_E_UNSUPPORTED; /* would extend SharedInfo: not implemented */
        default:
            return SEAM_E_FORMAT;
        }
        if (e != SEAM_OK) return e;
    }
    if (e != SEAM_E_NOT_FOUND) return e;
    if (!seen_id || !seen_usage || !seen_type || !seen_len) return SEAM_E_FORMAT;
    if (scp_id != SCP11_ID) return SEAM_E_UNSUPPORTED;
    return SEAM_OK;
}

seam_err scp11_card_parse(const uint8_t *data, size_t len, uint8_t variant, scp11_params *p,
                          uint8_t epk_oce[65])
{
    if (!p || !epk_oce || (!data && len)) return SEAM_E_ARG;
    memset(p, 0, sizeof *p);
    tlv_iter it;
    tlv_t crt, epk, extra;
    tlv_iter_init(&it, data, len);
    seam_err e = tlv_next(&it, &crt);
    if (e == SEAM_OK && crt.tag != SCP11_TAG_CRT) e = SEAM_E_FORMAT;
    if (e == SEAM_OK) e = tlv_next(&it, &epk);
    if (e == SEAM_OK && tlv_next(&it, &extra) != SEAM_E_NOT_FOUND) e = SEAM_E_FORMAT;
    if (e == SEAM_E_NOT_FOUND) e = SEAM_E_FORMAT; /* a TLV missing */
    if (e == SEAM_OK) e = parse_crt(&crt, p);
    if (e == SEAM_OK && p->variant != variant) e = SEAM_E_UNSUPPORTED;
    if (e == SEAM_OK) e = scp11_params_check(p, NULL);
    if (e == SEAM_OK) e = check_epk(&epk);
    if (e == SEAM_OK) {
        memcpy(epk_oce, epk.value, CR_P256_PUB_LEN);
    } else {
        memset(p, 0, sizeof *p);
        memset(epk_oce, 0, CR_P256_PUB_LEN);
    }
    return e;
}

seam_err scp11_card_authenticate(uint8_t variant, const uint8_t *data, size_t len,
                                 const uint8_t sk_sd[32], const uint8_t *pk_oce,
                                 const uint8_t *esk_sd, uint8_t *resp, size_t cap, size_t *resp_len,
                                 scp03_session *s, uint8_t *s_dek, scp11_params *params)
{
    if (!s) return SEAM_E_ARG;
    scp03_session_clear(s);
    if (!sk_sd || !resp || !resp_len) return SEAM_E_ARG;
    *resp_len = 0;
    if (variant == SCP11_VARIANT_B ? pk_oce != NULL : pk_oce == NULL) return SEAM_E_ARG;
    if (variant == SCP11_VARIANT_C ? esk_sd != NULL : esk_sd == NULL) return SEAM_E_ARG;
    if (cap < SCP11_RESP_DATA_LEN) return SEAM_E_LENGTH;

    scp11_params p;
    scp11_keys k;
    uint8_t epk_oce[CR_P256_PUB_LEN], epk_sd[CR_P256_PUB_LEN], receipt[16];
    memset(&k, 0, sizeof k);
    /* SCP11c: the static key stands in for the ephemeral one (off-line scripts). */
    const uint8_t *esk = variant == SCP11_VARIANT_C ? sk_sd : esk_sd;
    /* ShSes: SCP11b ECDH(SK.SD, ePK.OCE); SCP11a/c ECDH(SK.SD, PK.OCE). */
    seam_err e = scp11_card_parse(data, len, variant, &p, epk_oce);
    if (e == SEAM_OK) e = cr_p256_public(esk, epk_sd);
    if (e == SEAM_OK)
        e = agree(&p, esk, epk_oce, sk_sd, variant == SCP11_VARIANT_B ? epk_oce : pk_oce, &k);
    if (e == SEAM_OK) {
        put_epk_tlv(resp, epk_sd);
        e = scp11_receipt(&k, data, len, resp, SCP11_EPK_TLV_LEN, receipt);
    }
    if (e == SEAM_OK) e = scp11_start_session(&p, &k, receipt, s);
    if (e == SEAM_OK) {
        resp[SCP11_EPK_TLV_LEN] = SCP11_TAG_RECEIPT;
        resp[SCP11_EPK_TLV_LEN + 1] = SCP11_RECEIPT_LEN;
        memcpy(resp + SCP11_EPK_TLV_LEN + 2, receipt, sizeof receipt);
        *resp_len = SCP11_RESP_DATA_LEN;
        if (s_dek) memcpy(s_dek, k.s_dek, k.key_len);
        if (params) *params = p;
    } else {
        seam_wipe(resp, SCP11_RESP_DATA_LEN);
        if (s_dek) seam_wipe(s_dek, SCP11_MAX_KEYLEN);
        if (params) memset(params, 0, sizeof *params);
    }
    scp11_keys_clear(&k);
    seam_wipe(receipt, sizeof receipt);
    return e;
}
