/*
 * SCP11 on the host (GP CS 2.3.1 Amendment F): opening a session with a security domain, the
 * certificate handling around it, and the Amendment F key management commands a host needs to
 * personalise a card for it. The cryptography is src/gp/scp11.c (shared with the card), the
 * X.509 checks src/gp/x509*.c; this file only drives the APDUs.
 *
 *  - SCP11b: INTERNAL AUTHENTICATE with the host's ephemeral key; PK.SD.ECKA comes from the
 *    SD's certificate, which the caller has checked (gp_scp11_check_chain) against its CA;
 *  - SCP11a/c: PERFORM SECURITY OPERATION with the OCE certificate chain (P1 = KVN of
 *    PK.CA-KLOC, P2 = '10', b8 set while more certificates follow; a certificate longer than a
 *    short APDU goes in a command chain, ISO 7816-4 §5.3.3), then MUTUAL AUTHENTICATE;
 *  - the receipt is checked by scp11_host_finish (constant time); the session that follows is
 *    SCP03 secure messaging in gp_session.scp, and S-DEK takes the place of the static DEK in
 *    gp_session.keys, so gp_send and every command function work unchanged.
 *
 * Invariants: on any error gp_session_open_scp11 leaves the session plain and wiped; the
 * ephemeral private key and S-DEK copies are wiped on every path out; the SD's certificate
 * chain must assert keyAgreement only for its leaf, as the card requires of the OCE's.
 */
#include <stdlib.h>
#include <string.h>

#include "seam/gpclient.h"
#include "seam/scp11.h"
#include "seam/sw.h"
#include "seam/tlv.h"
#include "seam/x509.h"

#define PSO_INS 0x2A
#define STORE_DATA_INS 0xE2
#define TAG_CERT_STORE 0xBF21

uint8_t gp_scp11_usage(uint8_t level)
{
    switch (level) {
    case SCP03_LEVEL_CMAC:
        return SCP11_USAGE_CMAC;
    case SCP03_LEVEL_CMAC | SCP03_LEVEL_CDEC:
        return SCP11_USAGE_CMAC_CDEC;
    case SCP03_LEVEL_CMAC | SCP03_LEVEL_RMAC:
        return SCP11_USAGE_CMAC_RMAC;
    case SCP03_LEVEL_CMAC | SCP03_LEVEL_CDEC | SCP03_LEVEL_RMAC | SCP03_LEVEL_RENC:
        return SCP11_USAGE_CMAC_RMAC_ENC;
    default:
        return 0;
    }
}

static uint8_t default_kid(uint8_t variant)
{
    return variant == SCP11_VARIANT_A   ? GP_SCP11_KID_A
           : variant == SCP11_VARIANT_B ? GP_SCP11_KID_B
                                        : GP_SCP11_KID_C;
}

/* PERFORM SECURITY OPERATION of each OCE certificate; each longer than 255 bytes is cut into
 * a command chain (CLA b5 set on every piece but the last). */
static seam_err send_chain(gp_session *plain, const gp_scp11_opts *o, uint16_t *sw)
{
    uint8_t data[256];
    size_t dlen;
    for (size_t i = 0; i < o->n_oce; i++) {
        const uint8_t *cert = o->oce_certs[i];
        size_t len = o->oce_lens[i];
        uint8_t p2 = GP_SCP11_KID_CA_KLOC | (i + 1 < o->n_oce ? 0x80 : 0x00);
        for (size_t off = 0; off < len;) {
            size_t piece = len - off > 255 ? 255 : len - off;
            bool last = off + piece == len;
            seam_err e = gp_send_cmd(plain, last ? 0x80 : 0x90, PSO_INS, o->ca_kvn, p2, cert + off,
                                     piece, false, data, sizeof data, &dlen, sw);
            if (e != SEAM_OK) return e;
            if (*sw != SW_NO_ERROR) return SEAM_E_PROTOCOL;
            off += piece;
        }
    }
    return SEAM_OK;
}

seam_err gp_session_open_scp11(gp_session *s, gp_client *c, const gp_scp11_opts *o, uint16_t *sw)
{
    uint16_t sw_local = 0;
    if (!sw) sw = &sw_local;
    *sw = 0;
    if (!s || !c || !o) return SEAM_E_ARG;
    gp_session_plain(s, c);
    bool mutual = o->variant == SCP11_VARIANT_A || o->variant == SCP11_VARIANT_C;
    if ((!mutual && o->variant != SCP11_VARIANT_B) || !gp_scp11_usage(o->level) || !o->pk_sd ||
        c->channel > 19 || o->kvn == 0)
        return SEAM_E_ARG;
    if (mutual && (!o->sk_oce || !o->oce_certs || !o->oce_lens || o->n_oce == 0 ||
                   o->n_oce > GP_SCP11_MAX_CHAIN || o->ca_kvn == 0))
        return SEAM_E_ARG;
    if (!mutual && o->sk_oce) return SEAM_E_ARG;

    scp11_params p = {o->variant, gp_scp11_usage(o->level), SCP11_KEY_TYPE_AES, 16};
    scp11_host h;
    memset(&h, 0, sizeof h);
    uint8_t esk[32], epk[CR_P256_PUB_LEN], dek[SCP11_MAX_KEYLEN];
    uint8_t cmd[SCP11_CMD_APDU_LEN], resp[SCP11_RESP_DATA_LEN + 64];
    size_t cmd_len = 0, rlen = 0;
    seam_err e = SEAM_OK;
    if (o->esk_oce)
        memcpy(esk, o->esk_oce, sizeof esk);
    else
        e = cr_p256_keygen(esk, epk);
    if (e == SEAM_OK && mutual) e = send_chain(s, o, sw);
    if (e == SEAM_OK) e = scp11_host_begin(&h, &p, esk);
    if (e == SEAM_OK)
        e = scp11_host_command(&h, apdu_cla_encode(false, c->channel, false, false), o->kvn,
                               o->kid ? o->kid : default_kid(o->variant), cmd, sizeof cmd,
                               &cmd_len);
    if (e == SEAM_OK) e = gp_transmit(c, cmd, cmd_len, resp, sizeof resp, &rlen, sw);
    if (e == SEAM_OK && *sw != SW_NO_ERROR) e = SEAM_E_PROTOCOL;
    if (e == SEAM_OK)
        e = scp11_host_finish(&h, o->pk_sd, mutual ? o->sk_oce : NULL, resp, rlen - 2, &s->scp,
                              dek);
    if (e == SEAM_OK) {
        memcpy(s->keys.dek, dek, p.key_len);
        s->keys.len = p.key_len;
        s->keys.kvn = o->kvn;
        s->scp_id = SCP11_ID;
        s->scp11_variant = o->variant;
        s->open = true;
    } else {
        gp_session_close(s);
    }
    scp11_host_clear(&h);
    seam_wipe(esk, sizeof esk);
    seam_wipe(dek, sizeof dek);
    return e;
}

/* ---- certificates ---- */

seam_err gp_split_certs(const uint8_t *p, size_t n, const uint8_t **certs, size_t *lens, size_t max,
                        size_t *count)
{
    if ((!p && n) || !certs || !lens || !count) return SEAM_E_ARG;
    *count = 0;
    tlv_iter it;
    tlv_iter_init(&it, p, n);
    tlv_t t;
    seam_err e;
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        if (t.tag != 0x30) return SEAM_E_FORMAT;
        if (*count >= max) return SEAM_E_FULL;
        certs[*count] = t.value - (t.total - t.len);
        lens[*count] = t.total;
        (*count)++;
    }
    if (e != SEAM_E_NOT_FOUND) return SEAM_E_FORMAT;
    return *count ? SEAM_OK : SEAM_E_FORMAT;
}

seam_err gp_scp11_check_chain(const uint8_t *ca, size_t ca_len, const uint8_t *const *certs,
                              const size_t *lens, size_t n, int64_t now, uint8_t pub[65], char *err,
                              size_t errcap)
{
    if (!ca || !certs || !lens || !pub || n == 0) return SEAM_E_ARG;
    if (err && errcap) err[0] = '\0';
    if (n > X509_MAX_CHAIN + 1) {
        if (err && errcap) snprintf(err, errcap, "more than %d certificates", X509_MAX_CHAIN);
        return SEAM_E_STATE;
    }
    x509_cert anchor, chain[X509_MAX_CHAIN + 1];
    char why[128] = "";
    seam_err e = x509_parse(ca, ca_len, &anchor, why, sizeof why);
    if (e != SEAM_OK) {
        if (err && errcap) snprintf(err, errcap, "the CA certificate: %s", why);
        return e;
    }
    if (!anchor.ca || !(anchor.key_usage & X509_KU_KEY_CERT_SIGN)) {
        if (err && errcap)
            snprintf(err, errcap, "the CA certificate is not a CA (cA and keyCertSign)");
        return SEAM_E_STATE;
    }
    /* The chain from the anchor down; a copy of the anchor itself first is dropped. */
    size_t first = 0;
    while (first < n && lens[first] == ca_len && !memcmp(certs[first], ca, ca_len))
        first++;
    size_t m = n - first;
    if (m == 0 || m > X509_MAX_CHAIN) {
        if (err && errcap) snprintf(err, errcap, "no certificate below the CA");
        return m ? SEAM_E_STATE : SEAM_E_ARG;
    }
    for (size_t i = 0; i < m; i++) {
        e = x509_parse(certs[first + i], lens[first + i], &chain[i], why, sizeof why);
        if (e != SEAM_OK) {
            if (err && errcap) snprintf(err, errcap, "certificate %zu: %s", first + i + 1, why);
            return e;
        }
    }
    /* Leaf first (a file listing it first): the reverse order, anchor side first. */
    if (m > 1 && !chain[0].ca && chain[m - 1].ca)
        for (size_t i = 0; i < m / 2; i++) {
            x509_cert t = chain[i];
            chain[i] = chain[m - 1 - i];
            chain[m - 1 - i] = t;
        }
    x509_chain_params cp;
    memset(&cp, 0, sizeof cp);
    cp.anchor_pub = anchor.pub;
    cp.anchor_name = anchor.subject.p;
    cp.anchor_name_len = anchor.subject.len;
    cp.anchor_ski = anchor.ski.len ? anchor.ski.p : NULL;
    cp.anchor_ski_len = anchor.ski.len;
    cp.anchor_path_len = anchor.path_len;
    cp.has_time = now >= 0;
    cp.now = now;
    cp.leaf_usage = X509_KU_KEY_AGREEMENT;
    cp.leaf_usage_exact = true; /* Amendment F: an ECKA certificate is for key agreement only */
    e = x509_chain_check(&cp, chain, m, err, errcap);
    if (e == SEAM_OK) memcpy(pub, chain[m - 1].pub, CR_P256_PUB_LEN);
    return e;
}

seam_err gp_get_cert_store(gp_session *s, uint8_t kid, uint8_t kvn, uint8_t *out, size_t cap,
                           size_t *out_len, uint16_t *sw)
{
    if (!s || !out || !out_len || !sw) return SEAM_E_ARG;
    const uint8_t ref[] = {SCP11_TAG_CRT, 0x04, 0x83, 0x02, kid, kvn};
    seam_err e = gp_send_cmd(s, 0x80, 0xCA, TAG_CERT_STORE >> 8, TAG_CERT_STORE & 0xFF, ref,
                             sizeof ref, true, out, cap, out_len, sw);
    if (e != SEAM_OK || *sw != SW_NO_ERROR) return e;
    /* A card that answers with the BF21 template around the certificates. */
    tlv_t t;
    if (*out_len >= 3 && out[0] == 0xBF && out[1] == 0x21) {
        if (tlv_parse(out, *out_len, &t) != SEAM_OK || t.total != *out_len) return SEAM_E_FORMAT;
        memmove(out, t.value, t.len);
        *out_len = t.len;
    }
    return SEAM_OK;
}

/* ---- Amendment F key management ---- */

#define KEY_TYPE_ECC_PUB 0xB0
#define KEY_TYPE_ECC_PRIV 0xB1
#define KEY_TYPE_ECC_PARAM 0xF0

seam_err gp_put_key_ecc(gp_session *s, uint8_t kid, uint8_t kvn, uint8_t replace_kvn,
                        const uint8_t *priv, const uint8_t pub[65], uint16_t *sw)
{
    if (!s || !pub || !sw || kvn == 0 || kvn == 0xFF || (kid & 0x80)) return SEAM_E_ARG;
    if (!s->open || !s->keys.len) return SEAM_E_STATE; /* the private key goes under the DEK */
    uint8_t data[1 + 2 + 32 + 2 + 65 + 3], enc[32];
    static const uint8_t zero_iv[16] = {0};
    seam_wr w;
    seam_wr_init(&w, data, sizeof data);
    seam_wr_u8(&w, kvn);
    seam_err e = SEAM_OK;
    if (priv) {
        e = cr_aes_cbc_encrypt(s->keys.dek, s->keys.len, zero_iv, priv, 32, enc);
        tlv_put(&w, KEY_TYPE_ECC_PRIV, enc, sizeof enc);
    }
    tlv_put(&w, KEY_TYPE_ECC_PUB, pub, CR_P256_PUB_LEN);
    tlv_put_u8(&w, KEY_TYPE_ECC_PARAM, 0x00); /* P-256 */
    if (e == SEAM_OK) e = w.err;
    uint8_t resp[16];
    size_t rlen = 0;
    if (e == SEAM_OK)
        e = gp_send_cmd(s, 0x80, 0xD8, replace_kvn, kid, data, w.len, true, resp, sizeof resp,
                        &rlen, sw);
    seam_wipe(enc, sizeof enc);
    seam_wipe(data, sizeof data);
    if (e == SEAM_OK && *sw == SW_NO_ERROR && (rlen != 1 || resp[0] != kvn)) e = SEAM_E_AUTH;
    return e;
}

seam_err gp_generate_ec_key(gp_session *s, uint8_t kid, uint8_t kvn, uint8_t replace_kvn,
                            uint8_t pub[65], uint16_t *sw)
{
    if (!s || !pub || !sw || kvn == 0 || kvn > 0x7F || (kid & 0x80)) return SEAM_E_ARG;
    const uint8_t data[] = {kvn, KEY_TYPE_ECC_PARAM, 0x01, 0x00}; /* P-256 */
    uint8_t resp[80];
    size_t rlen = 0;
    seam_err e = gp_send_cmd(s, 0x80, 0xF1, replace_kvn, kid, data, sizeof data, true, resp,
                             sizeof resp, &rlen, sw);
    if (e != SEAM_OK || *sw != SW_NO_ERROR) return e;
    /* B0 41 || the uncompressed point, which must be on the curve */
    if (rlen != 2 + CR_P256_PUB_LEN || resp[0] != KEY_TYPE_ECC_PUB || resp[1] != CR_P256_PUB_LEN ||
        cr_p256_check_public(resp + 2, CR_P256_PUB_LEN) != SEAM_OK)
        return SEAM_E_FORMAT;
    memcpy(pub, resp + 2, CR_P256_PUB_LEN);
    return SEAM_OK;
}

seam_err gp_store_certs(gp_session *s, uint8_t kid, uint8_t kvn, const uint8_t *const *certs,
                        const size_t *lens, size_t n, uint16_t *sw)
{
    if (!s || !sw || (n && (!certs || !lens))) return SEAM_E_ARG;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!certs[i] || lens[i] > APDU_MAX_DATA) return SEAM_E_ARG;
        total += lens[i];
    }
    if (total > 32768) return SEAM_E_LENGTH;
    size_t cap = total + 64;
    uint8_t *cmd = malloc(cap + 16), *resp = malloc(256);
    seam_err e = SEAM_E_NOMEM;
    if (!cmd || !resp) goto done;
    /* 80 E2 90 00, extended Lc when the data does not fit a short one */
    seam_wr w;
    seam_wr_init(&w, cmd, cap + 16);
    const uint8_t hdr[] = {0x80, STORE_DATA_INS, 0x90, 0x00};
    seam_wr_bytes(&w, hdr, sizeof hdr);
    size_t lc_at = w.len;
    seam_wr_bytes(&w, "\0\0\0", 3); /* room for Lc, fixed below */
    size_t start = w.len;
    const uint8_t ref[] = {0x83, 0x02, kid, kvn};
    tlv_put(&w, SCP11_TAG_CRT, ref, sizeof ref);
    size_t mark = tlv_begin(&w, TAG_CERT_STORE);
    for (size_t i = 0; i < n; i++)
        seam_wr_bytes(&w, certs[i], lens[i]);
    tlv_end(&w, mark);
    e = w.err;
    if (e != SEAM_OK) goto done;
    size_t lc = w.len - start, len;
    if (lc <= 255) {
        cmd[lc_at] = (uint8_t)lc;
        memmove(cmd + lc_at + 1, cmd + start, lc);
        len = lc_at + 1 + lc;
    } else {
        cmd[lc_at] = 0x00;
        seam_put_be16(cmd + lc_at + 1, (uint16_t)lc);
        len = w.len;
    }
    size_t rlen = 0;
    e = gp_send(s, cmd, len, resp, 256, &rlen, sw);
done:
    free(cmd);
    free(resp);
    return e;
}
