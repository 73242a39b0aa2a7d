/*
 * ISO/IEC 7816-4 command APDU codec (§5.1) and CLA byte coding (§5.4.1), include/seam/apdu.h.
 *
 * A command is CLA INS P1 P2 followed by a body that must be exactly one of (§5.1, table 5):
 *   case 1   (empty)
 *   case 2S  Le                      Le '00' means Ne = 256
 *   case 3S  Lc Data                 Lc '01'..'FF'
 *   case 4S  Lc Data Le
 *   case 2E  '00' Le Le              Le '0000' means Ne = 65536
 *   case 3E  '00' Lc Lc Data         Lc '0001'..'FFFF'
 *   case 4E  '00' Lc Lc Data Le Le   (Le is two bytes: the leading '00' is only sent once)
 * Every other body length is SEAM_E_FORMAT: the card answers it with SW_WRONG_LENGTH.
 *
 * Invariants: the parser reads only inside the buffer; the parsed data points into it; encode
 * then parse gives back the same fields.
 */
#include "seam/apdu.h"

#include <string.h>

seam_err apdu_parse(const uint8_t *buf, size_t len, apdu_cmd *out)
{
    if (!out || (!buf && len)) return SEAM_E_ARG;
    memset(out, 0, sizeof *out);
    if (len < 4 || len > APDU_MAX_COMMAND) return SEAM_E_FORMAT;

    apdu_cmd c = {.cla = buf[0], .ins = buf[1], .p1 = buf[2], .p2 = buf[3]};
    size_t body = len - 4;
    const uint8_t *b = buf + 4;

    if (body == 0) {
        c.apdu_case = 1;
    } else if (body == 1) {
        c.apdu_case = 2;
        c.has_le = true;
        c.le = b[0] ? b[0] : 256;
    } else if (b[0] != 0) {
        /* Short Lc (1..255), possibly followed by a one-byte Le. */
        size_t lc = b[0];
        if (body == 1 + lc) {
            c.apdu_case = 3;
        } else if (body == 2 + lc) {
            c.apdu_case = 4;
            c.has_le = true;
            c.le = b[1 + lc] ? b[1 + lc] : 256;
        } else {
            return SEAM_E_FORMAT;
        }
        c.lc = lc;
        c.data = b + 1;
    } else {
        /* b[0] == 0 with more bytes after it: the extended form. */
        if (body < 3) return SEAM_E_FORMAT;
        c.extended = true;
        size_t n = seam_be16(b + 1);
        if (body == 3) {
            c.apdu_case = 2;
            c.has_le = true;
            c.le = n ? n : 65536;
        } else {
            if (n == 0) return SEAM_E_FORMAT; /* extended Lc = 0 followed by data */
            if (body == 3 + n) {
                c.apdu_case = 3;
            } else if (body == 5 + n) {
                c.apdu_case = 4;
                c.has_le = true;
                size_t le = seam_be16(b + 3 + n);
                c.le = le ? le : 65536;
            } else {
                return SEAM_E_FORMAT;
            }
            c.lc = n;
            c.data = b + 3;
        }
    }
    *out = c;
    return SEAM_OK;
}

seam_err apdu_encode(const apdu_cmd *cmd, bool force_extended, uint8_t *out, size_t cap,
                     size_t *out_len)
{
    if (!cmd || !out || !out_len) return SEAM_E_ARG;
    *out_len = 0;
    if (cmd->lc > APDU_MAX_DATA || (cmd->lc && !cmd->data)) return SEAM_E_ARG;
    if (cmd->has_le ? (cmd->le == 0 || cmd->le > 65536) : cmd->le != 0) return SEAM_E_ARG;

    bool ext = force_extended || cmd->lc > 255 || cmd->le > 256;
    seam_wr w;
    seam_wr_init(&w, out, cap);
    seam_wr_u8(&w, cmd->cla);
    seam_wr_u8(&w, cmd->ins);
    seam_wr_u8(&w, cmd->p1);
    seam_wr_u8(&w, cmd->p2);
    if (ext) {
        if (cmd->lc || cmd->has_le) seam_wr_u8(&w, 0);
        if (cmd->lc) {
            seam_wr_u16(&w, (uint16_t)cmd->lc);
            seam_wr_bytes(&w, cmd->data, cmd->lc);
        }
        if (cmd->has_le) seam_wr_u16(&w, (uint16_t)(cmd->le == 65536 ? 0 : cmd->le));
    } else {
        if (cmd->lc) {
            seam_wr_u8(&w, (uint8_t)cmd->lc);
            seam_wr_bytes(&w, cmd->data, cmd->lc);
        }
        if (cmd->has_le) seam_wr_u8(&w, (uint8_t)(cmd->le == 256 ? 0 : cmd->le));
    }
    if (w.err != SEAM_OK) return w.err;
    *out_len = w.len;
    return SEAM_OK;
}

/* ISO 7816-4 §5.4.1: b8 = 0 interindustry, b8 = 1 proprietary. GlobalPlatform (GP CS 2.3.1
 * §11.1.4) codes its proprietary classes '80'..'8F' and 'C0'..'FF' with the same bit positions
 * as the interindustry ones, so the lower seven bits are decoded alike. b7b6 = 01 ('20'..'3F',
 * 'A0'..'BF') is reserved, and 'FF' is invalid (it starts PPS in ISO/IEC 7816-3). */
seam_err apdu_cla_decode(uint8_t cla, apdu_cla *out)
{
    if (!out) return SEAM_E_ARG;
    memset(out, 0, sizeof *out);
    if (cla == 0xFF) return SEAM_E_FORMAT;
    apdu_cla c = {.proprietary = (cla & 0x80) != 0, .chaining = (cla & 0x10) != 0};
    if ((cla & 0x60) == 0x00) {
        /* First interindustry values: 000x xxxx. */
        c.channel = cla & 0x03;
        c.secure_messaging = (cla & 0x0C) != 0;
    } else if (cla & 0x40) {
        /* Further interindustry values: 01xx xxxx. */
        c.channel = (uint8_t)(4 + (cla & 0x0F));
        c.secure_messaging = (cla & 0x20) != 0;
    } else {
        return SEAM_E_FORMAT;
    }
    *out = c;
    return SEAM_OK;
}

uint8_t apdu_cla_encode(bool proprietary, uint8_t channel, bool secure_messaging, bool chaining)
{
    uint8_t cla;
    if (channel < 4) {
        cla = (uint8_t)(channel | (secure_messaging ? 0x04 : 0));
    } else if (channel < 20) {
        cla = (uint8_t)(0x40 | (channel - 4) | (secure_messaging ? 0x20 : 0));
    } else {
        return 0xFF;
    }
    if (chaining) cla |= 0x10;
    if (proprietary) cla |= 0x80;
    return cla;
}
