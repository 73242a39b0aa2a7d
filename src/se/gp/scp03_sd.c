/*
 * SCP03 secure channel sessions of security domains (GP CS 2.3.1 Amendment D §6-7): INITIALIZE
 * UPDATE, EXTERNAL AUTHENTICATE, and the per-channel session's unwrapping of commands and
 * wrapping of responses. A session belongs to one logical channel (se_chan) and one security
 * domain (sc_sd); the security domain's own commands (sd.c) and an applet's
 * GlobalPlatform SecureChannel (GP Card API, through the Java Card runtime) both use it.
 *
 * Rules kept here:
 *  - the try counter of a key set is decremented durably BEFORE the host cryptogram is
 *    compared and restored only after it matched, so cutting power during the check never buys
 *    a free try (DESIGN.md §4, countermeasures);
 *  - the authentication decision is checked twice (the cryptogram is compared again on its own);
 *    a disagreement is a fault and mutes the card;
 *  - a C-MAC failure or a plain command where the session requires SM ends the session
 *    (Amendment D §6.2.4); session keys are wiped when it ends.
 */
#include <string.h>

#include "se/se_int.h"

#define SW_GP_AUTH_FAILED 0x6300 /* Amendment D §7.2.3: host cryptogram verification failed */

/* ---- sessions ---- */

void sd_session_end(se *s, uint8_t ch)
{
    se_chan *c = &s->chan[ch];
    scp03_session_clear(&c->scp);
    c->sc_state = SC_NONE;
    c->sc_keyset = 0;
    c->sc_sd = 0;
    seam_wipe(c->sc_dek, sizeof c->sc_dek);
    c->sc_dek_len = 0;
    c->sc_scp11b = false;
    certstore_channel_end(s, ch); /* a STORE DATA sequence belongs to the session */
    cm_channel_end(s, ch);        /* a load belongs to the session that started it */
    scp11_sd_oce_clear(s, ch);    /* an SCP11a/c chain belongs to the session being set up */
}

bool sd_requires_sm(se *s, uint8_t ch)
{
    const se_chan *c = &s->chan[ch];
    return c->sc_state == SC_AUTHENTICATED && (c->scp.level & SCP03_LEVEL_CMAC);
}

uint16_t sd_unwrap(se *s, uint8_t ch, const apdu_cmd *cmd, apdu_cmd *plain)
{
    size_t n = 0;
    seam_err e = scp03_unwrap_command(&s->chan[ch].scp, cmd, s->scratch, sizeof s->scratch, &n);
    if (e != SEAM_OK) {
        /* Amendment D §6.2.4: a C-MAC failure ends the session. */
        sd_session_end(s, ch);
        return SW_SECURITY_STATUS_NOT_SATISFIED;
    }
    apdu_cla cl;
    apdu_cla_decode(cmd->cla, &cl);
    *plain = *cmd;
    plain->cla = apdu_cla_encode(cl.proprietary, cl.channel, false, cl.chaining);
    plain->data = n ? s->scratch : NULL;
    plain->lc = n;
    return 0;
}

seam_err sd_wrap(se *s, uint8_t ch, se_resp *r, uint16_t sw)
{
    se_chan *c = &s->chan[ch];
    if (!(c->scp.level & (SCP03_LEVEL_RMAC | SCP03_LEVEL_RENC))) return SEAM_OK;
    size_t n = 0;
    seam_err e = scp03_wrap_response(&c->scp, r->p, r->len, sw, s->out, sizeof s->out, &n);
    if (e != SEAM_OK) return e;
    if (n < 2 || n - 2 > APDU_MAX_RESPONSE - 2) return SEAM_E_LENGTH;
    memcpy(r->p, s->out, n - 2);
    seam_wipe(s->out, n);
    r->len = n - 2;
    return SEAM_OK;
}

/* ---- authentication ---- */

/* INITIALIZE UPDATE (Amendment D §7.1). */
uint16_t scp03_sd_initialize_update(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r)
{
    se_chan *chan = &s->chan[ch];
    if (c->p2 != 0x00) return SW_INCORRECT_P1P2;
    if (c->lc != 8 && c->lc != 16) return SW_WRONG_LENGTH;
    sd_session_end(s, ch);
    const se_card_rec *card = se_card(s);
    if (card->life_cycle == GP_CARD_TERMINATED) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    store_id ks = keys_find(s, sd, c->p1);
    if (!ks) return SW_REFERENCED_DATA_NOT_FOUND;
    const se_keyset_rec *k = keys_get(s, ks);
    if (k->tries_left == 0) return SW_AUTHENTICATION_METHOD_BLOCKED;

    size_t chl = c->lc;
    uint8_t i = (uint8_t)(card->scp_i | (chl == 16 ? SCP03_I_S16 : 0));
    uint8_t card_ch[16], seq[3];
    seam_err e;
    if (i & SCP03_I_PSEUDO_RANDOM) {
        uint32_t n = (uint32_t)card->seq[0] << 16 | (uint32_t)card->seq[1] << 8 | card->seq[2];
        if (n == 0xFFFFFF) return SW_CONDITIONS_OF_USE_NOT_SATISFIED; /* exhausted */
        n++;
        seq[0] = (uint8_t)(n >> 16);
        seq[1] = (uint8_t)(n >> 8);
        seq[2] = (uint8_t)n;
        /* Durable before use: a challenge is never derived twice from one counter value. */
        e = se_card_write(s, offsetof(se_card_rec, seq), seq, 3);
        if (e != SEAM_OK) return se_sw_of(e);
        const se_reg_rec *sdr = reg_get(s, sd);
        e = scp03_card_challenge(k->enc, k->keylen, seq, sdr->aid, sdr->aid_len, chl, card_ch);
    } else {
        e = cr_random(card_ch, chl);
    }
    if (e != SEAM_OK) return se_sw_of(e);
    e = scp03_session_init(&chan->scp, k->enc, k->mac, k->keylen, c->data, card_ch, chl, i);
    if (e != SEAM_OK) return se_sw_of(e);
    uint8_t cc[16];
    e = scp03_cryptogram(&chan->scp, SCP03_DC_CARD_CRYPTOGRAM, cc);
    if (e != SEAM_OK) {
        sd_session_end(s, ch);
        return se_sw_of(e);
    }
    seam_wr w;
    seam_wr_init(&w, r->p, r->cap);
    seam_wr_bytes(&w, card->kdd, sizeof card->kdd);
    seam_wr_u8(&w, k->kvn);
    seam_wr_u8(&w, 0x03);
    seam_wr_u8(&w, i);
    seam_wr_bytes(&w, card_ch, chl);
    seam_wr_bytes(&w, cc, chl);
    if (i & SCP03_I_PSEUDO_RANDOM) seam_wr_bytes(&w, seq, 3);
    r->len = w.len;
    chan->sc_state = SC_INITIALIZED;
    chan->sc_keyset = ks;
    chan->sc_sd = sd;
    memcpy(chan->sc_dek, k->dek, k->keylen);
    chan->sc_dek_len = k->keylen;
    return SW_NO_ERROR;
}

static bool level_valid(uint8_t lvl)
{
    switch (lvl) {
    case 0x00:
    case 0x01:
    case 0x03:
    case 0x11:
    case 0x13:
    case 0x33:
        return true; /* Amendment D §7.1.2 */
    default:
        return false;
    }
}

/* EXTERNAL AUTHENTICATE (Amendment D §7.2). */
uint16_t scp03_sd_external_authenticate(se *s, uint8_t ch, const apdu_cmd *c)
{
    se_chan *chan = &s->chan[ch];
    if (chan->sc_state != SC_INITIALIZED) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    if (!level_valid(c->p1) || c->p2 != 0x00) {
        sd_session_end(s, ch);
        return SW_INCORRECT_P1P2;
    }
    if (c->lc != (size_t)2 * chan->scp.ch_len) {
        sd_session_end(s, ch);
        return SW_WRONG_LENGTH;
    }
    store_id ks = chan->sc_keyset;
    const se_keyset_rec *k = keys_get(s, ks);
    if (!k || k->tries_left == 0) {
        sd_session_end(s, ch);
        return SW_AUTHENTICATION_METHOD_BLOCKED;
    }
    /* Anti-tearing: one try is spent durably before the comparison. */
    uint8_t left = (uint8_t)(k->tries_left - 1);
    seam_err e = store_write(s->st, ks, offsetof(se_keyset_rec, tries_left), &left, 1);
    if (e != SEAM_OK) {
        sd_session_end(s, ch);
        return se_sw_of(e);
    }
    e = scp03_card_external_authenticate(&chan->scp, c);
    if (e == SEAM_E_UNSUPPORTED) {
        /* a level the i parameter does not offer: not an authentication failure */
        uint8_t back = (uint8_t)(left + 1);
        store_write(s->st, ks, offsetof(se_keyset_rec, tries_left), &back, 1);
        sd_session_end(s, ch);
        return SW_INCORRECT_P1P2;
    }
    /* Redundant check of the decision: compare the host cryptogram again, on its own. */
    uint8_t hc[16];
    bool again = scp03_cryptogram(&chan->scp, SCP03_DC_HOST_CRYPTOGRAM, hc) == SEAM_OK &&
                 seam_ct_equal(hc, c->data, chan->scp.ch_len);
    seam_wipe(hc, sizeof hc);
    if (e == SEAM_OK && !again) {
        sd_session_end(s, ch);
        se_mute(s, SEAM_E_FAULT);
        return SW_UNKNOWN;
    }
    if (e != SEAM_OK) {
        sd_session_end(s, ch);
        return left == 0 ? SW_AUTHENTICATION_METHOD_BLOCKED : SW_GP_AUTH_FAILED;
    }
    uint8_t full = se_card(s)->try_limit;
    e = store_write(s->st, ks, offsetof(se_keyset_rec, tries_left), &full, 1);
    if (e != SEAM_OK) {
        sd_session_end(s, ch);
        return se_sw_of(e);
    }
    chan->sc_state = SC_AUTHENTICATED;
    return SW_NO_ERROR;
}

