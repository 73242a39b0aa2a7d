/*
 * GP client core: raw exchange with tracing, SELECT, the SCP03 session (INITIALIZE UPDATE,
 * card cryptogram check, EXTERNAL AUTHENTICATE — Amendment D §7.1, §7.2) and gp_send, which
 * wraps commands and unwraps responses with the shared SCP03 code (src/gp/scp03.c).
 *
 * Invariants: a session is either plain (open == false, no secrets held) or authenticated;
 * every error path out of gp_session_open leaves it plain with its keys wiped. The card
 * cryptogram is compared in constant time. GET RESPONSE for a 61xx answer travels unwrapped
 * (card_transmit_full does it below the secure channel, Amendment D §6.2.4 covers only the
 * command that opens the exchange), and the response is unwrapped once it is whole.
 */
#include "seam/gpclient.h"

#include <stdlib.h>
#include <string.h>

#include "seam/sw.h"

static void trace(gp_client *c, gp_trace_kind k, const uint8_t *p, size_t n)
{
    if (c->trace) c->trace(c->trace_ctx, k, p, n);
}

static uint16_t sw_of(const uint8_t *resp, size_t len)
{
    return len >= 2 ? seam_be16(resp + len - 2) : 0;
}

seam_err gp_transmit(gp_client *c, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                     size_t *resp_len, uint16_t *sw)
{
    if (!c || !c->card || !cmd || !resp || !resp_len || !sw) return SEAM_E_ARG;
    trace(c, GP_TRACE_WIRE_CMD, cmd, len);
    seam_err e = card_transmit_full(c->card, cmd, len, resp, cap, resp_len);
    if (e != SEAM_OK) return e;
    if (*resp_len < 2) return SEAM_E_PROTOCOL;
    trace(c, GP_TRACE_WIRE_RESP, resp, *resp_len);
    *sw = sw_of(resp, *resp_len);
    return SEAM_OK;
}

seam_err gp_select(gp_client *c, const uint8_t *aid, size_t aid_len, uint8_t *fci, size_t cap,
                   size_t *fci_len, uint16_t *sw)
{
    if (!c || !aid || aid_len < 5 || aid_len > GP_AID_MAX || !fci_len || !sw) return SEAM_E_ARG;
    gp_session plain;
    gp_session_plain(&plain, c);
    return gp_send_cmd(&plain, 0x00, 0xA4, 0x04, 0x00, aid, aid_len, true, fci, cap, fci_len, sw);
}

seam_err gp_keys_set(gp_keys *k, const uint8_t *enc, const uint8_t *mac, const uint8_t *dek,
                     size_t len, uint8_t kvn)
{
    if (!k || !enc || !mac || !dek || (len != 16 && len != 24 && len != 32)) return SEAM_E_ARG;
    memset(k, 0, sizeof *k);
    memcpy(k->enc, enc, len);
    memcpy(k->mac, mac, len);
    memcpy(k->dek, dek, len);
    k->len = (uint8_t)len;
    k->kvn = kvn;
    return SEAM_OK;
}

void gp_keys_wipe(gp_keys *k)
{
    if (k) seam_wipe(k, sizeof *k);
}

seam_err gp_parse_init_update(const uint8_t *p, size_t n, gp_init_update_resp *out)
{
    if (!p || !out) return SEAM_E_ARG;
    memset(out, 0, sizeof *out);
    seam_rd r;
    seam_rd_init(&r, p, n);
    /* Amendment D Table 7-3: diversification data 10, key information 3, then the challenge
     * and cryptogram whose length the i parameter gives, then the sequence counter. */
    if (seam_rd_copy(&r, out->div_data, 10) != SEAM_OK || seam_rd_u8(&r, &out->kvn) != SEAM_OK ||
        seam_rd_u8(&r, &out->scp_id) != SEAM_OK || seam_rd_u8(&r, &out->i_param) != SEAM_OK)
        return SEAM_E_FORMAT;
    if (out->scp_id != 0x03) return SEAM_E_UNSUPPORTED;
    out->ch_len = (out->i_param & SCP03_I_S16) ? 16 : 8;
    out->has_seq = (out->i_param & SCP03_I_PSEUDO_RANDOM) != 0;
    if (seam_rd_copy(&r, out->card_challenge, out->ch_len) != SEAM_OK ||
        seam_rd_copy(&r, out->card_cryptogram, out->ch_len) != SEAM_OK)
        return SEAM_E_FORMAT;
    if (out->has_seq && seam_rd_copy(&r, out->seq, 3) != SEAM_OK) return SEAM_E_FORMAT;
    if (seam_rd_left(&r) != 0) return SEAM_E_FORMAT;
    return SEAM_OK;
}

void gp_session_plain(gp_session *s, gp_client *c)
{
    memset(s, 0, sizeof *s);
    s->client = c;
}

void gp_session_close(gp_session *s)
{
    if (!s) return;
    gp_client *c = s->client;
    scp03_session_clear(&s->scp);
    seam_wipe(s, sizeof *s);
    s->client = c;
}

static bool level_valid(uint8_t level)
{
    return level == 0x00 || level == 0x01 || level == 0x03 || level == 0x11 || level == 0x13 ||
           level == 0x33;
}

static uint8_t gp_cla(const gp_client *c, bool proprietary)
{
    return apdu_cla_encode(proprietary, c->channel, false, false);
}

seam_err gp_session_open(gp_session *s, gp_client *c, const gp_keys *keys, uint8_t level,
                         const uint8_t *host_challenge, size_t ch_len, uint16_t *sw)
{
    uint16_t sw_local = 0;
    if (!sw) sw = &sw_local;
    *sw = 0;
    if (!s || !c || !keys) return SEAM_E_ARG;
    gp_session_plain(s, c);
    if ((keys->len != 16 && keys->len != 24 && keys->len != 32) || !level_valid(level) ||
        (ch_len != 8 && ch_len != 16) || c->channel > 19)
        return SEAM_E_ARG;

    uint8_t hc[16];
    seam_err e = SEAM_OK;
    if (host_challenge)
        memcpy(hc, host_challenge, ch_len);
    else
        e = cr_random(hc, ch_len);
    if (e != SEAM_OK) return e;

    /* INITIALIZE UPDATE (Amendment D §7.1.1): 80 50 KVN 00 Lc host-challenge Le. */
    uint8_t data[64];
    size_t dlen = 0;
    e = gp_send_cmd(s, gp_cla(c, true), 0x50, keys->kvn, 0x00, hc, ch_len, true, data, sizeof data,
                    &dlen, sw);
    if (e != SEAM_OK) goto fail;
    if (*sw != SW_NO_ERROR) {
        e = SEAM_E_PROTOCOL;
        goto fail;
    }
    e = gp_parse_init_update(data, dlen, &s->iu);
    if (e != SEAM_OK) goto fail;
    if (s->iu.ch_len != ch_len || (keys->kvn != 0 && s->iu.kvn != keys->kvn) ||
        ((level & SCP03_LEVEL_RMAC) && !(s->iu.i_param & SCP03_I_RMAC)) ||
        ((level & SCP03_LEVEL_RENC) && !(s->iu.i_param & SCP03_I_RENC))) {
        e = SEAM_E_PROTOCOL;
        goto fail;
    }

    e = scp03_session_init(&s->scp, keys->enc, keys->mac, keys->len, hc, s->iu.card_challenge,
                           ch_len, s->iu.i_param);
    if (e != SEAM_OK) goto fail;
    uint8_t expect[16];
    e = scp03_cryptogram(&s->scp, SCP03_DC_CARD_CRYPTOGRAM, expect);
    if (e != SEAM_OK) goto fail;
    bool ok = seam_ct_equal(expect, s->iu.card_cryptogram, ch_len);
    seam_wipe(expect, sizeof expect);
    if (!ok) {
        e = SEAM_E_AUTH;
        goto fail;
    }

    /* EXTERNAL AUTHENTICATE (Amendment D §7.2): built and MACed by the shared SCP03 code,
     * which takes the channel bits of the CLA only (the interindustry encoding gives them). */
    uint8_t ea[64], resp[64];
    size_t ea_len = 0, rlen = 0;
    e = scp03_host_external_authenticate(&s->scp, level, gp_cla(c, false), ea, sizeof ea, &ea_len);
    if (e != SEAM_OK) goto fail;
    e = gp_transmit(c, ea, ea_len, resp, sizeof resp, &rlen, sw);
    if (e != SEAM_OK) goto fail;
    if (*sw != SW_NO_ERROR) {
        e = (*sw == SW_WARNING_NV_CHANGED || *sw == SW_SECURITY_STATUS_NOT_SATISFIED)
                ? SEAM_E_AUTH
                : SEAM_E_PROTOCOL;
        goto fail;
    }
    scp03_host_auth_done(&s->scp);
    s->keys = *keys;
    s->open = true;
    seam_wipe(hc, sizeof hc);
    return SEAM_OK;

fail:
    seam_wipe(hc, sizeof hc);
    gp_session_close(s);
    return e;
}

/* Re-encodes the command's CLA for the client's channel, keeping its class family. */
static seam_err set_channel(gp_client *c, uint8_t *cmd, size_t len)
{
    apdu_cla cla;
    if (len < 4 || apdu_cla_decode(cmd[0], &cla) != SEAM_OK) return SEAM_E_ARG;
    cmd[0] = apdu_cla_encode(cla.proprietary, c->channel, false, cla.chaining);
    return SEAM_OK;
}

seam_err gp_send(gp_session *s, const uint8_t *cmd, size_t len, uint8_t *data, size_t cap,
                 size_t *data_len, uint16_t *sw)
{
    if (!s || !s->client || !cmd || !data_len || !sw || (cap && !data)) return SEAM_E_ARG;
    if (len > APDU_MAX_COMMAND) return SEAM_E_LENGTH;
    gp_client *c = s->client;
    *data_len = 0;
    *sw = 0;

    /* Host side working space: wire command, wire response and the unwrapped response. */
    uint8_t *plain = malloc(APDU_MAX_COMMAND);
    uint8_t *wire = malloc(APDU_MAX_COMMAND + 64);
    uint8_t *resp = malloc(APDU_MAX_RESPONSE + 64);
    uint8_t *out = malloc(APDU_MAX_RESPONSE + 64);
    seam_err e = SEAM_E_NOMEM;
    if (!plain || !wire || !resp || !out) goto done;

    memcpy(plain, cmd, len);
    e = set_channel(c, plain, len);
    if (e != SEAM_OK) goto done;
    apdu_cmd pc;
    e = apdu_parse(plain, len, &pc);
    if (e != SEAM_OK) {
        e = SEAM_E_ARG;
        goto done;
    }

    const uint8_t *tx = plain;
    size_t tx_len = len;
    bool wrap = s->open && (s->scp.level & SCP03_LEVEL_CMAC);
    if (wrap) {
        trace(c, GP_TRACE_PLAIN_CMD, plain, len);
        e = scp03_wrap_command(&s->scp, &pc, pc.extended, wire, APDU_MAX_COMMAND + 64, &tx_len);
        if (e != SEAM_OK) goto done;
        tx = wire;
    }
    size_t rlen = 0;
    e = gp_transmit(c, tx, tx_len, resp, APDU_MAX_RESPONSE + 64, &rlen, sw);
    if (e != SEAM_OK) goto done;

    const uint8_t *rx = resp;
    size_t rx_len = rlen;
    if (wrap && (s->scp.level & SCP03_LEVEL_RMAC)) {
        e = scp03_unwrap_response(&s->scp, resp, rlen, out, APDU_MAX_RESPONSE + 64, &rx_len);
        if (e != SEAM_OK) goto done;
        if (rx_len < 2) {
            e = SEAM_E_PROTOCOL;
            goto done;
        }
        rx = out;
        *sw = sw_of(out, rx_len);
    }
    if (wrap) trace(c, GP_TRACE_PLAIN_RESP, rx, rx_len);
    if (rx_len - 2 > cap) {
        e = SEAM_E_LENGTH;
        goto done;
    }
    if (rx_len > 2) memcpy(data, rx, rx_len - 2);
    *data_len = rx_len - 2;
    e = SEAM_OK;

done:
    if (plain) seam_wipe(plain, APDU_MAX_COMMAND);
    if (out) seam_wipe(out, APDU_MAX_RESPONSE + 64);
    free(plain);
    free(wire);
    free(resp);
    free(out);
    return e;
}

seam_err gp_send_cmd(gp_session *s, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
                     const uint8_t *cdata, size_t lc, bool want_le, uint8_t *data, size_t cap,
                     size_t *data_len, uint16_t *sw)
{
    if (lc > 255) return SEAM_E_LENGTH; /* GP management commands here are short */
    uint8_t cmd[4 + 1 + 255 + 1];
    size_t n = 0;
    cmd[n++] = cla;
    cmd[n++] = ins;
    cmd[n++] = p1;
    cmd[n++] = p2;
    if (lc) {
        cmd[n++] = (uint8_t)lc;
        memcpy(cmd + n, cdata, lc);
        n += lc;
    }
    if (want_le) cmd[n++] = 0x00;
    seam_err e = gp_send(s, cmd, n, data, cap, data_len, sw);
    seam_wipe(cmd, sizeof cmd);
    return e;
}

const char *gp_sw_str(uint16_t sw)
{
    switch (sw) {
    case SW_NO_ERROR:
        return "success";
    case 0x6310:
        return "more data available";
    case SW_WARNING_NV_CHANGED:
        return "authentication of host cryptogram failed";
    case SW_GP_NO_SPECIFIC_DIAGNOSIS:
        return "no specific diagnosis";
    case SW_MEMORY_FAILURE:
        return "memory failure";
    case SW_WRONG_LENGTH:
        return "wrong length";
    case SW_LOGICAL_CHANNEL_NOT_SUPPORTED:
        return "logical channel not supported";
    case SW_SECURE_MESSAGING_NOT_SUPPORTED:
        return "secure messaging not supported";
    case SW_SECURITY_STATUS_NOT_SATISFIED:
        return "security status not satisfied";
    case SW_AUTHENTICATION_METHOD_BLOCKED:
        return "authentication method blocked";
    case SW_REFERENCE_DATA_NOT_USABLE:
        return "referenced data not usable";
    case SW_CONDITIONS_OF_USE_NOT_SATISFIED:
        return "conditions of use not satisfied";
    case SW_COMMAND_NOT_ALLOWED:
        return "command not allowed";
    case SW_EXPECTED_SM_DATA_OBJECTS_MISSING:
        return "expected secure messaging data missing";
    case SW_INCORRECT_SM_DATA_OBJECTS:
        return "incorrect secure messaging data";
    case SW_WRONG_DATA:
        return "wrong data";
    case SW_FUNC_NOT_SUPPORTED:
        return "function not supported";
    case SW_FILE_NOT_FOUND:
        return "application not found";
    case SW_NOT_ENOUGH_MEMORY:
        return "not enough memory";
    case SW_INCORRECT_P1P2:
        return "incorrect P1 P2";
    case SW_REFERENCED_DATA_NOT_FOUND:
        return "referenced data not found";
    case SW_WRONG_P1P2:
        return "wrong P1 P2";
    case SW_INS_NOT_SUPPORTED:
        return "instruction not supported";
    case SW_CLA_NOT_SUPPORTED:
        return "class not supported";
    case SW_UNKNOWN:
        return "unknown error";
    default:
        break;
    }
    if ((sw & 0xFF00) == SW_BYTES_REMAINING_00) return "more bytes available";
    if ((sw & 0xFF00) == SW_CORRECT_LENGTH_00) return "wrong Le";
    if ((sw & 0xFFF0) == SW_VERIFY_FAILED_RETRIES) return "verification failed";
    return "unexpected status";
}
