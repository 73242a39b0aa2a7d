/*
 * GlobalPlatform SCP03 (Card Specification 2.3.1 Amendment D): key derivation, cryptograms,
 * EXTERNAL AUTHENTICATE and secure messaging (C-MAC, C-DECRYPTION, R-MAC, R-ENCRYPTION). This is
 * the one implementation of SCP03 cryptography; the card (src/se/gp) and the hosts (src/host)
 * both call it, so the two sides cannot drift apart. The rules are listed in
 * include/seam/scp03.h; each function below is one protocol step.
 *
 * Invariants:
 *  - session keys exist only inside the cr_aeskey contexts of scp03_session (expanded once per
 *    session); every temporary key, ICV, MAC or plaintext block on the stack is wiped on every
 *    path out;
 *  - every cryptogram and MAC comparison is constant-time (seam_ct_equal), and a C-MAC or R-MAC
 *    is verified before anything is decrypted, so a padding error is never an oracle;
 *  - secure messaging applies only to an authenticated session: before EXTERNAL AUTHENTICATE
 *    succeeds (card) or scp03_host_auth_done (host) the level in force is 0;
 *  - the card side terminates the session (scp03_session_clear) when EXTERNAL AUTHENTICATE
 *    fails or a protected command fails its checks (GP CS 2.3.1 chapter 10: a secure messaging
 *    error ends the Secure Channel Session), so a rejected command can never be retried against
 *    the same MAC chaining value; a replayed command fails because the chaining value moved on.
 */
#include "seam/scp03.h"

#include <string.h>

#define SCP03_INS_EXTERNAL_AUTHENTICATE 0x82
#define SCP03_KDF_FIXED_LEN 15 /* label (12) || separator (1) || L (2) */

/* The security level in force: nothing is protected until the session is authenticated. */
static uint8_t sm_level(const scp03_session *s)
{
    return s->authenticated ? s->level : 0;
}

/* The secure messaging indication in a CLA byte (GP CS 2.3.1 §11.1.4, ISO 7816-4 §5.4.1): b3 in
 * the first interindustry and GP classes ('80'-'83' -> '84'-'87'), b6 in the further classes
 * used for channels 4-19 ('C0'-'CF' -> 'E0'-'EF'). */
static uint8_t cla_sm_bit(uint8_t cla)
{
    return (cla & 0x40) ? 0x20 : 0x04;
}

/* Responses with these status words carry no R-MAC and no encryption (Amendment D §6.2.5). */
static bool sw_is_error(uint16_t sw)
{
    uint8_t sw1 = (uint8_t)(sw >> 8);
    return !(sw == 0x9000 || sw1 == 0x62 || sw1 == 0x63);
}

/* The levels Amendment D (§5.1, EXTERNAL AUTHENTICATE P1) defines: '00', '01' (C-MAC), '03'
 * (+C-DEC), '11' (C-MAC, R-MAC), '13' (+C-DEC) and '33' (+R-ENC). So C-DEC needs C-MAC, R-MAC
 * needs C-MAC, and R-ENC needs R-MAC and C-DEC (its ICV comes from the C-DEC counter). R-MAC and
 * R-ENC are offered only if the key set's i parameter says so (Table 5-1). */
static seam_err check_level(uint8_t level, uint8_t i_param)
{
    switch (level) {
    case 0x00:
    case SCP03_LEVEL_CMAC:
    case SCP03_LEVEL_CMAC | SCP03_LEVEL_CDEC:
    case SCP03_LEVEL_CMAC | SCP03_LEVEL_RMAC:
    case SCP03_LEVEL_CMAC | SCP03_LEVEL_CDEC | SCP03_LEVEL_RMAC:
    case SCP03_LEVEL_CMAC | SCP03_LEVEL_CDEC | SCP03_LEVEL_RMAC | SCP03_LEVEL_RENC:
        break;
    default:
        return SEAM_E_FORMAT;
    }
    if ((level & SCP03_LEVEL_RMAC) && !(i_param & SCP03_I_RMAC)) return SEAM_E_UNSUPPORTED;
    if ((level & SCP03_LEVEL_RENC) && !(i_param & SCP03_I_RENC)) return SEAM_E_UNSUPPORTED;
    return SEAM_OK;
}

/* ---- key derivation, cryptograms, challenges, KCV ---- */

/* The fixed input of the data derivation scheme before the counter (Amendment D §4.1.5):
 * label = 11 x '00' || derivation constant, separator '00', L = output length in bits. */
static void kdf_fixed(uint8_t constant, size_t out_len, uint8_t fixed[SCP03_KDF_FIXED_LEN])
{
    memset(fixed, 0, 11);
    fixed[11] = constant;
    fixed[12] = 0x00;
    seam_put_be16(fixed + 13, (uint16_t)(out_len * 8));
}

seam_err scp03_derive(const uint8_t *key, size_t keylen, uint8_t constant, const uint8_t *context,
                      size_t ctx_len, uint8_t *out, size_t out_len)
{
    if (!key || !out || (!context && ctx_len) || out_len == 0 || out_len > 0xFFFF / 8)
        return SEAM_E_ARG;
    uint8_t fixed[SCP03_KDF_FIXED_LEN];
    kdf_fixed(constant, out_len, fixed);
    return cr_kdf_ctr_cmac(key, keylen, fixed, sizeof fixed, context, ctx_len, out, out_len);
}

/* Derives one session key (Amendment D §6.2.1, L = key length) into a cr_aeskey context. */
static seam_err derive_session_key(cr_aeskey *k, const uint8_t *static_key, size_t keylen,
                                   uint8_t constant, const uint8_t *context, size_t ctx_len)
{
    uint8_t key[32];
    seam_err err = scp03_derive(static_key, keylen, constant, context, ctx_len, key, keylen);
    if (err == SEAM_OK) err = cr_aeskey_set(k, key, keylen);
    seam_wipe(key, sizeof key);
    return err;
}

seam_err scp03_session_init(scp03_session *s, const uint8_t *static_enc, const uint8_t *static_mac,
                            size_t keylen, const uint8_t *host_challenge,
                            const uint8_t *card_challenge, size_t ch_len, uint8_t i_param)
{
    if (!s) return SEAM_E_ARG;
    scp03_session_clear(s);
    if (!static_enc || !static_mac || !host_challenge || !card_challenge) return SEAM_E_ARG;
    if (keylen != 16 && keylen != 24 && keylen != 32) return SEAM_E_ARG;
    if (ch_len != ((i_param & SCP03_I_S16) ? 16u : 8u)) return SEAM_E_ARG;

    memcpy(s->context, host_challenge, ch_len);
    memcpy(s->context + ch_len, card_challenge, ch_len);
    s->ch_len = (uint8_t)ch_len;
    s->i_param = i_param;
    size_t ctx_len = 2 * ch_len;
    seam_err err =
        derive_session_key(&s->s_enc, static_enc, keylen, SCP03_DC_S_ENC, s->context, ctx_len);
    if (err == SEAM_OK)
        err =
            derive_session_key(&s->s_mac, static_mac, keylen, SCP03_DC_S_MAC, s->context, ctx_len);
    if (err == SEAM_OK)
        err = derive_session_key(&s->s_rmac, static_mac, keylen, SCP03_DC_S_RMAC, s->context,
                                 ctx_len);
    if (err != SEAM_OK) scp03_session_clear(s);
    return err;
}

seam_err scp03_session_from_keys(scp03_session *s, const uint8_t *s_enc, const uint8_t *s_mac,
                                 const uint8_t *s_rmac, size_t keylen, const uint8_t chain[16],
                                 uint8_t level, uint8_t i_param)
{
    if (!s) return SEAM_E_ARG;
    scp03_session_clear(s);
    if (!s_enc || !s_mac || !s_rmac || !chain) return SEAM_E_ARG;
    if (keylen != 16 && keylen != 24 && keylen != 32) return SEAM_E_ARG;
    seam_err err = check_level(level, i_param);
    if (err == SEAM_OK) err = cr_aeskey_set(&s->s_enc, s_enc, keylen);
    if (err == SEAM_OK) err = cr_aeskey_set(&s->s_mac, s_mac, keylen);
    if (err == SEAM_OK) err = cr_aeskey_set(&s->s_rmac, s_rmac, keylen);
    if (err != SEAM_OK) {
        scp03_session_clear(s);
        return err;
    }
    /* No challenges: the context stays zero; ch_len is the MAC length (S8 or S16). */
    s->ch_len = (i_param & SCP03_I_S16) ? 16 : 8;
    s->i_param = i_param;
    s->level = level;
    s->counter = 0;
    memcpy(s->mac_chain, chain, sizeof s->mac_chain);
    s->authenticated = true;
    return SEAM_OK;
}

void scp03_session_clear(scp03_session *s)
{
    if (!s) return;
    cr_aeskey_clear(&s->s_enc);
    cr_aeskey_clear(&s->s_mac);
    cr_aeskey_clear(&s->s_rmac);
    seam_wipe(s, sizeof *s);
}

/* Cryptograms (Amendment D §6.2.2.2, §6.2.2.3) are one block of the derivation under S-MAC
 * (L = 64 or 128 bits, counter 1), so the session's S-MAC context computes them directly. */
seam_err scp03_cryptogram(scp03_session *s, uint8_t constant, uint8_t *out)
{
    if (!s || !out) return SEAM_E_ARG;
    if (s->ch_len == 0) return SEAM_E_STATE;
    uint8_t fixed[SCP03_KDF_FIXED_LEN + 1], block[16];
    kdf_fixed(constant, s->ch_len, fixed);
    fixed[SCP03_KDF_FIXED_LEN] = 0x01;
    seam_err err =
        cr_aeskey_cmac(&s->s_mac, fixed, sizeof fixed, s->context, 2u * s->ch_len, block);
    if (err == SEAM_OK) memcpy(out, block, s->ch_len);
    seam_wipe(block, sizeof block);
    return err;
}

seam_err scp03_card_challenge(const uint8_t *static_enc, size_t keylen, const uint8_t seq[3],
                              const uint8_t *aid, size_t aid_len, size_t ch_len, uint8_t *out)
{
    if (!static_enc || !seq || !aid || !out) return SEAM_E_ARG;
    if (aid_len < 5 || aid_len > 16 || (ch_len != 8 && ch_len != 16)) return SEAM_E_ARG;
    uint8_t context[3 + 16];
    memcpy(context, seq, 3);
    memcpy(context + 3, aid, aid_len);
    return scp03_derive(static_enc, keylen, SCP03_DC_CARD_CHALLENGE, context, 3 + aid_len, out,
                        ch_len);
}

seam_err scp03_kcv(const uint8_t *key, size_t keylen, uint8_t kcv[3])
{
    if (!key || !kcv) return SEAM_E_ARG;
    uint8_t ones[16], block[16];
    memset(ones, 0x01, sizeof ones);
    seam_err err = cr_aes_ecb_encrypt(key, keylen, ones, sizeof ones, block);
    if (err == SEAM_OK) memcpy(kcv, block, 3);
    seam_wipe(block, sizeof block);
    return err;
}

/* ---- building blocks of secure messaging ---- */

/* C-MAC (Amendment D §6.2.4): CMAC(S-MAC, MAC chaining value || header || data), the header
 * as sent: CLA with the SM bit, INS, P1, P2 and Lc counting the MAC, in the short (1 byte) or
 * extended ('00' || 2 bytes) form. Le is not covered. Chaining value and header go in the first
 * part, so the (possibly long) data is never copied. */
static seam_err c_mac(scp03_session *s, const uint8_t hdr[4], size_t lc, bool extended,
                      const uint8_t *data, size_t len, uint8_t mac[16])
{
    uint8_t first[16 + 7];
    size_t n = 0;
    memcpy(first, s->mac_chain, 16);
    memcpy(first + 16, hdr, 4);
    n = 20;
    if (extended) {
        first[n++] = 0x00;
        first[n++] = (uint8_t)(lc >> 8);
    }
    first[n++] = (uint8_t)lc;
    return cr_aeskey_cmac(&s->s_mac, first, n, data, len, mac);
}

/* R-MAC (Amendment D §6.2.5): CMAC(S-RMAC, MAC chaining value || data || SW), where data_sw
 * already ends with the SW. */
static seam_err r_mac(scp03_session *s, const uint8_t *data_sw, size_t len, uint8_t mac[16])
{
    return cr_aeskey_cmac(&s->s_rmac, s->mac_chain, 16, data_sw, len, mac);
}

/* ICVs: C-DECRYPTION uses AES(S-ENC, counter as 16 bytes) (§6.2.6), R-ENCRYPTION
 * AES(S-ENC, '80' || counter as 15 bytes) (§6.2.7). */
static seam_err make_icv(scp03_session *s, bool response, uint8_t icv[16])
{
    uint8_t block[16] = {0};
    if (response) block[0] = 0x80;
    seam_put_be32(block + 12, s->counter);
    return cr_aeskey_ecb_encrypt(&s->s_enc, block, sizeof block, icv);
}

/* Advances the encryption counter for a command while C-DECRYPTION is in force. */
static seam_err next_counter(scp03_session *s)
{
    if (s->counter == UINT32_MAX) return SEAM_E_STATE;
    s->counter++;
    return SEAM_OK;
}

static size_t padded_len(size_t n)
{
    return (n / 16 + 1) * 16;
}

/* Pads buf[0..n) with ISO 9797-1 method 2 and encrypts it in place under S-ENC (AES-CBC); buf
 * must hold padded_len(n) bytes. */
static seam_err pad_encrypt(scp03_session *s, bool response, uint8_t *buf, size_t n)
{
    size_t total = padded_len(n);
    uint8_t icv[16];
    buf[n] = 0x80;
    memset(buf + n + 1, 0, total - n - 1);
    seam_err err = make_icv(s, response, icv);
    if (err == SEAM_OK) err = cr_aeskey_cbc_encrypt(&s->s_enc, icv, buf, total, buf);
    seam_wipe(icv, sizeof icv);
    return err;
}

/* The plaintext length inside a last block padded with ISO 9797-1 method 2: the bytes before
 * the last '80' that only '00's follow; SEAM_E_FORMAT if there is no such '80'. */
static seam_err unpad_block(const uint8_t last[16], size_t *tail)
{
    for (size_t i = 16; i-- > 0;) {
        if (last[i] == 0x80) {
            *tail = i;
            return SEAM_OK;
        }
        if (last[i] != 0x00) break;
    }
    return SEAM_E_FORMAT;
}

/* Decrypts len bytes (a non-zero multiple of 16, else SEAM_E_FORMAT) under S-ENC and removes the
 * ISO 9797-1 method 2 padding (SEAM_E_FORMAT if it is wrong). out may be the same buffer as in
 * (in place), but must not otherwise overlap it. With room for the padded plaintext (cap >= len,
 * the usual case) everything is decrypted in one call and out is wiped if the padding is wrong;
 * otherwise the last block is decrypted apart first, so out needs room for the plaintext only. */
static seam_err decrypt_unpad(scp03_session *s, bool response, const uint8_t *in, size_t len,
                              uint8_t *out, size_t cap, size_t *out_len)
{
    if (len == 0 || len % 16 != 0) return SEAM_E_FORMAT;
    uint8_t icv[16];
    size_t tail = 0; /* plaintext bytes in the last block */
    seam_err err = make_icv(s, response, icv);
    if (err == SEAM_OK && cap >= len) {
        err = cr_aeskey_cbc_decrypt(&s->s_enc, icv, in, len, out);
        if (err == SEAM_OK) err = unpad_block(out + len - 16, &tail);
        if (err == SEAM_OK) {
            seam_wipe(out + len - 16 + tail, 16 - tail); /* the padding */
            *out_len = len - 16 + tail;
        } else {
            seam_wipe(out, len);
        }
    } else if (err == SEAM_OK) {
        uint8_t last_iv[16], last_ct[16], last[16];
        /* Copied first: decrypting in place overwrites them. */
        memcpy(last_iv, len > 16 ? in + len - 32 : icv, 16);
        memcpy(last_ct, in + len - 16, 16);
        err = cr_aeskey_cbc_decrypt(&s->s_enc, last_iv, last_ct, 16, last);
        if (err == SEAM_OK) err = unpad_block(last, &tail);
        if (err == SEAM_OK && len - 16 + tail > cap) err = SEAM_E_LENGTH;
        if (err == SEAM_OK && len > 16)
            err = cr_aeskey_cbc_decrypt(&s->s_enc, icv, in, len - 16, out);
        if (err == SEAM_OK) {
            memcpy(out + len - 16, last, tail);
            *out_len = len - 16 + tail;
        }
        seam_wipe(last, sizeof last);
    }
    seam_wipe(icv, sizeof icv);
    return err;
}

/* ---- host side ---- */

seam_err scp03_host_external_authenticate(scp03_session *s, uint8_t level, uint8_t cla_channel_bits,
                                          uint8_t *out, size_t cap, size_t *out_len)
{
    if (!s || !out || !out_len) return SEAM_E_ARG;
    *out_len = 0;
    /* Channels 0-3 in b2b1, or 4-19 as b7 set and channel - 4 in b4..b1. */
    if ((cla_channel_bits & ~0x4Fu) || (!(cla_channel_bits & 0x40) && (cla_channel_bits & 0x0C)))
        return SEAM_E_ARG;
    if (s->ch_len == 0 || s->authenticated) return SEAM_E_STATE;
    seam_err err = check_level(level, s->i_param);
    if (err != SEAM_OK) return err;

    size_t m = s->ch_len, total = 5 + 2 * m;
    if (cap < total) return SEAM_E_LENGTH;
    uint8_t cla = (uint8_t)(0x80 | cla_channel_bits);
    out[0] = (uint8_t)(cla | cla_sm_bit(cla));
    out[1] = SCP03_INS_EXTERNAL_AUTHENTICATE;
    out[2] = level;
    out[3] = 0x00;
    out[4] = (uint8_t)(2 * m);

    uint8_t mac[16];
    memset(s->mac_chain, 0, sizeof s->mac_chain); /* §6.2.3: zero chaining value */
    err = scp03_cryptogram(s, SCP03_DC_HOST_CRYPTOGRAM, out + 5);
    if (err == SEAM_OK) err = c_mac(s, out, 2 * m, false, out + 5, m, mac);
    if (err == SEAM_OK) {
        memcpy(out + 5 + m, mac, m);
        memcpy(s->mac_chain, mac, sizeof mac);
        s->level = level;
        s->counter = 0;
        *out_len = total;
    } else {
        seam_wipe(out, total);
    }
    seam_wipe(mac, sizeof mac);
    return err;
}

void scp03_host_auth_done(scp03_session *s)
{
    if (s && s->ch_len != 0) s->authenticated = true;
}

seam_err scp03_wrap_command(scp03_session *s, const apdu_cmd *plain, bool extended, uint8_t *out,
                            size_t cap, size_t *out_len)
{
    if (!s || !plain || !out || !out_len || (plain->lc && !plain->data)) return SEAM_E_ARG;
    *out_len = 0;
    if (!s->authenticated) return SEAM_E_STATE;
    if (plain->lc > APDU_MAX_DATA || plain->le > 65536) return SEAM_E_ARG;

    uint8_t level = s->level;
    bool enc = (level & SCP03_LEVEL_CDEC) && plain->lc > 0;
    size_t m = (level & SCP03_LEVEL_CMAC) ? s->ch_len : 0;
    size_t body = enc ? padded_len(plain->lc) : plain->lc;
    size_t lc = body + m;
    if (lc > APDU_MAX_DATA) return SEAM_E_LENGTH;
    bool ext = extended || lc > 255 || plain->le > 256;
    size_t hdr = lc == 0 ? 4 : ext ? 7 : 5;
    size_t le_len = !plain->has_le ? 0 : !ext ? 1 : lc ? 2 : 3;
    size_t total = hdr + lc + le_len;
    if (cap < total) return SEAM_E_LENGTH;

    out[0] = m ? (uint8_t)(plain->cla | cla_sm_bit(plain->cla)) : plain->cla;
    out[1] = plain->ins;
    out[2] = plain->p1;
    out[3] = plain->p2;
    if (lc && ext) {
        out[4] = 0x00;
        seam_put_be16(out + 5, (uint16_t)lc);
    } else if (lc) {
        out[4] = (uint8_t)lc;
    }
    uint8_t *data = out + hdr;
    if (plain->lc) memmove(data, plain->data, plain->lc);

    seam_err err = SEAM_OK;
    if (level & SCP03_LEVEL_CDEC) err = next_counter(s);
    if (err == SEAM_OK && enc) err = pad_encrypt(s, false, data, plain->lc);
    if (err == SEAM_OK && m) {
        uint8_t mac[16];
        err = c_mac(s, out, lc, ext, data, body, mac);
        if (err == SEAM_OK) {
            memcpy(data + body, mac, m);
            memcpy(s->mac_chain, mac, sizeof mac);
        }
        seam_wipe(mac, sizeof mac);
    }
    if (err != SEAM_OK) {
        seam_wipe(out, total);
        return err;
    }
    /* Le, unprotected: one byte short ('00' = 256); two bytes after extended Lc; three bytes
     * ('00' || 2 bytes) in an extended command without data ('0000' = 65536). */
    uint8_t *le = data + body + m;
    if (le_len == 1) {
        le[0] = (uint8_t)plain->le;
    } else if (le_len == 2) {
        seam_put_be16(le, (uint16_t)plain->le);
    } else if (le_len == 3) {
        le[0] = 0x00;
        seam_put_be16(le + 1, (uint16_t)plain->le);
    }
    *out_len = total;
    return SEAM_OK;
}

seam_err scp03_unwrap_response(scp03_session *s, const uint8_t *resp, size_t len, uint8_t *out,
                               size_t cap, size_t *out_len)
{
    if (!s || !resp || !out || !out_len) return SEAM_E_ARG;
    *out_len = 0;
    if (len < 2) return SEAM_E_FORMAT;
    uint16_t sw = seam_be16(resp + len - 2);
    uint8_t level = sm_level(s);

    if (!(level & SCP03_LEVEL_RMAC)) {
        if (cap < len) return SEAM_E_LENGTH;
        memmove(out, resp, len);
        *out_len = len;
        return SEAM_OK;
    }
    if (sw_is_error(sw)) {
        /* An error carries no R-MAC; any data with it cannot be authenticated, so only the SW
         * is passed on. */
        if (cap < 2) return SEAM_E_LENGTH;
        seam_put_be16(out, sw);
        *out_len = 2;
        return SEAM_OK;
    }
    size_t m = s->ch_len;
    if (len - 2 < m) return SEAM_E_AUTH; /* no room for the R-MAC: not authenticated */
    size_t body = len - 2 - m;
    if (cap < body + 2) return SEAM_E_LENGTH;

    uint8_t rx[16], mac[16];
    memcpy(rx, resp + body, m); /* resp may be out: keep the received MAC before writing */
    memmove(out, resp, body);
    seam_put_be16(out + body, sw);
    seam_err err = r_mac(s, out, body + 2, mac);
    if (err == SEAM_OK && !seam_ct_equal(mac, rx, m)) err = SEAM_E_AUTH;
    size_t n = body;
    if (err == SEAM_OK && (level & SCP03_LEVEL_RENC) && body > 0)
        err = decrypt_unpad(s, true, out, body, out, cap - 2, &n);
    if (err == SEAM_OK) {
        seam_put_be16(out + n, sw);
        *out_len = n + 2;
    } else {
        seam_wipe(out, body + 2);
    }
    seam_wipe(mac, sizeof mac);
    return err;
}

/* ---- card side ---- */

seam_err scp03_card_external_authenticate(scp03_session *s, const apdu_cmd *cmd)
{
    if (!s || !cmd || (cmd->lc && !cmd->data)) return SEAM_E_ARG;
    if (s->ch_len == 0 || s->authenticated) return SEAM_E_STATE;

    size_t m = s->ch_len;
    seam_err err = SEAM_OK;
    if (cmd->ins != SCP03_INS_EXTERNAL_AUTHENTICATE || cmd->p2 != 0x00 || cmd->lc != 2 * m ||
        !(cmd->cla & cla_sm_bit(cmd->cla)))
        err = SEAM_E_FORMAT;
    if (err == SEAM_OK) err = check_level(cmd->p1, s->i_param);

    uint8_t expect[16], mac[16];
    if (err == SEAM_OK) {
        uint8_t hdr[4] = {cmd->cla, cmd->ins, cmd->p1, cmd->p2};
        memset(s->mac_chain, 0, sizeof s->mac_chain); /* §6.2.3: zero chaining value */
        err = scp03_cryptogram(s, SCP03_DC_HOST_CRYPTOGRAM, expect);
        if (err == SEAM_OK) err = c_mac(s, hdr, cmd->lc, cmd->extended, cmd->data, m, mac);
    }
    if (err == SEAM_OK) {
        /* Both comparisons always run: no early exit tells which part was wrong. */
        bool ok_crypto = seam_ct_equal(expect, cmd->data, m);
        bool ok_mac = seam_ct_equal(mac, cmd->data + m, m);
        if (!(ok_crypto & ok_mac)) err = SEAM_E_AUTH;
    }
    if (err == SEAM_OK) {
        memcpy(s->mac_chain, mac, sizeof mac);
        s->level = cmd->p1;
        s->counter = 0;
        s->authenticated = true;
    } else {
        scp03_session_clear(s); /* a new INITIALIZE UPDATE is needed */
    }
    seam_wipe(expect, sizeof expect);
    seam_wipe(mac, sizeof mac);
    return err;
}

/* The checks of a command protected at least by C-MAC; any failure ends the session. */
static seam_err unwrap_protected(scp03_session *s, const apdu_cmd *cmd, uint8_t *data_out,
                                 size_t cap, size_t *data_len)
{
    size_t m = s->ch_len;
    if (cmd->lc < m) return SEAM_E_FORMAT;
    size_t body = cmd->lc - m;

    uint8_t hdr[4] = {cmd->cla, cmd->ins, cmd->p1, cmd->p2}, mac[16];
    seam_err err = c_mac(s, hdr, cmd->lc, cmd->extended, cmd->data, body, mac);
    if (err == SEAM_OK && !seam_ct_equal(mac, cmd->data + body, m)) err = SEAM_E_AUTH;
    if (err == SEAM_OK) memcpy(s->mac_chain, mac, sizeof mac);
    seam_wipe(mac, sizeof mac);
    if (err != SEAM_OK) return err;

    if (s->level & SCP03_LEVEL_CDEC) {
        err = next_counter(s);
        /* No data, no padding block (Amendment D form); one block of padding alone decrypts
         * to an empty field (yubikit's form) and is accepted the same way. */
        if (err == SEAM_OK && body > 0)
            err = decrypt_unpad(s, false, cmd->data, body, data_out, cap, data_len);
        return err;
    }
    if (body > cap) return SEAM_E_LENGTH;
    if (body) memmove(data_out, cmd->data, body);
    *data_len = body;
    return SEAM_OK;
}

seam_err scp03_unwrap_command(scp03_session *s, const apdu_cmd *cmd, uint8_t *data_out, size_t cap,
                              size_t *data_len)
{
    if (!s || !cmd || !data_len || (!data_out && cap) || (cmd->lc && !cmd->data)) return SEAM_E_ARG;
    *data_len = 0;
    if (!s->authenticated) return SEAM_E_STATE;
    bool sm = (cmd->cla & cla_sm_bit(cmd->cla)) != 0;

    if (!(s->level & SCP03_LEVEL_CMAC)) {
        /* Level '00': commands pass unprotected; an SM indication cannot be honoured. */
        if (sm) return SEAM_E_STATE;
        if (cmd->lc > cap) return SEAM_E_LENGTH;
        if (cmd->lc) memmove(data_out, cmd->data, cmd->lc);
        *data_len = cmd->lc;
        return SEAM_OK;
    }
    /* Left to the caller: the card OS decides whether an unprotected command is allowed here
     * (for example SELECT) or ends the session. */
    if (!sm) return SEAM_E_STATE;

    seam_err err = unwrap_protected(s, cmd, data_out, cap, data_len);
    if (err != SEAM_OK) {
        *data_len = 0;
        scp03_session_clear(s);
    }
    return err;
}

seam_err scp03_wrap_response(scp03_session *s, const uint8_t *data, size_t len, uint16_t sw,
                             uint8_t *out, size_t cap, size_t *out_len)
{
    if (!s || !out || !out_len || (len && !data)) return SEAM_E_ARG;
    *out_len = 0;
    uint8_t level = sm_level(s);

    if (sw_is_error(sw)) {
        if (cap < 2) return SEAM_E_LENGTH;
        seam_put_be16(out, sw);
        *out_len = 2;
        return SEAM_OK;
    }
    bool enc = (level & SCP03_LEVEL_RENC) && len > 0;
    size_t m = (level & SCP03_LEVEL_RMAC) ? s->ch_len : 0;
    size_t body = enc ? padded_len(len) : len;
    if (body + m + 2 > cap) return SEAM_E_LENGTH;

    if (len) memmove(out, data, len);
    seam_err err = SEAM_OK;
    if (enc) err = pad_encrypt(s, true, out, len);
    if (err == SEAM_OK && m) {
        uint8_t mac[16];
        seam_put_be16(out + body, sw);
        err = r_mac(s, out, body + 2, mac);
        if (err == SEAM_OK) memcpy(out + body, mac, m);
        seam_wipe(mac, sizeof mac);
    }
    if (err != SEAM_OK) {
        seam_wipe(out, body + m + 2);
        return err;
    }
    seam_put_be16(out + body + m, sw);
    *out_len = body + m + 2;
    return SEAM_OK;
}
