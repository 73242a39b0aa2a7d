/*
 * GET STATUS on the host (GP CS 2.3.1 §11.4): the command, its continuation while the card
 * answers 63 10 (§11.4.2), and the parsers of both response formats (§11.4.3):
 *  - tagged (P2 '02'): a sequence of E3 templates holding 4F AID, 9F70 life cycle, C5
 *    privileges, and optionally C4 executable load file, CC associated security domain,
 *    CE load file version and 84 executable module AIDs;
 *  - legacy (P2 '00', the only format of GP 2.1.1): per entry AID length, AID, life cycle
 *    state, one privilege byte, and for P1 '10' the count and AIDs of the executable modules.
 * gp_get_status asks for the tagged format and falls back to the legacy one when the card
 * answers 6A86 (incorrect P1 P2) to it; continuation keeps the format (P2 '03' or '01').
 *
 * Invariants: the parsers read hostile bytes only through the TLV iterator or the bounded
 * reader; an entry without an AID, a value too long for its field, a TLV that overruns its
 * template or a truncated legacy entry is SEAM_E_FORMAT; tags it does not know are skipped,
 * inside an entry and between entries. Modules beyond GP_STATUS_MAX_MODULES are counted only.
 */
#include <stdio.h>
#include <string.h>

#include "seam/gpclient.h"
#include "seam/sw.h"
#include "seam/tlv.h"

#define SW_GP_MORE_DATA 0x6310

static seam_err parse_entry(const uint8_t *p, size_t n, gp_status_entry *e)
{
    memset(e, 0, sizeof *e);
    tlv_iter it;
    tlv_t t;
    seam_err err;
    bool have_aid = false;
    tlv_iter_init(&it, p, n);
    while ((err = tlv_next(&it, &t)) == SEAM_OK) {
        switch (t.tag) {
        case 0x4F:
            if (t.len < 1 || t.len > GP_AID_MAX) return SEAM_E_FORMAT;
            memcpy(e->aid, t.value, t.len);
            e->aid_len = (uint8_t)t.len;
            have_aid = true;
            break;
        case 0x9F70:
            if (t.len < 1 || t.len > 2) return SEAM_E_FORMAT;
            e->lifecycle = t.value[0];
            break;
        case 0xC5:
            if (t.len > 3) return SEAM_E_FORMAT;
            memcpy(e->priv, t.value, t.len);
            e->priv_len = (uint8_t)t.len;
            break;
        case 0xC4:
            if (t.len > GP_AID_MAX) return SEAM_E_FORMAT;
            memcpy(e->elf_aid, t.value, t.len);
            e->elf_aid_len = (uint8_t)t.len;
            break;
        case 0xCC:
            if (t.len > GP_AID_MAX) return SEAM_E_FORMAT;
            memcpy(e->sd_aid, t.value, t.len);
            e->sd_aid_len = (uint8_t)t.len;
            break;
        case 0xCE:
            if (t.len > sizeof e->version) return SEAM_E_FORMAT;
            memcpy(e->version, t.value, t.len);
            e->version_len = (uint8_t)t.len;
            break;
        case 0x84:
            if (t.len > GP_AID_MAX) return SEAM_E_FORMAT;
            if (e->n_modules < GP_STATUS_MAX_MODULES) {
                memcpy(e->modules[e->n_modules], t.value, t.len);
                e->module_len[e->n_modules] = (uint8_t)t.len;
                e->n_modules++;
            }
            e->n_modules_total++;
            break;
        default:
            break; /* unknown tag: tolerated */
        }
    }
    if (err != SEAM_E_NOT_FOUND) return SEAM_E_FORMAT;
    return have_aid ? SEAM_OK : SEAM_E_FORMAT;
}

seam_err gp_parse_status(const uint8_t *p, size_t n, gp_status_entry *out, size_t cap,
                         size_t *count)
{
    if ((!p && n) || !count || (cap && !out)) return SEAM_E_ARG;
    tlv_iter it;
    tlv_t t;
    seam_err err;
    tlv_iter_init(&it, p, n);
    while ((err = tlv_next(&it, &t)) == SEAM_OK) {
        if (t.tag != 0xE3) continue;
        if (*count >= cap) return SEAM_E_FULL;
        seam_err pe = parse_entry(t.value, t.len, &out[*count]);
        if (pe != SEAM_OK) return pe;
        (*count)++;
    }
    return err == SEAM_E_NOT_FOUND ? SEAM_OK : SEAM_E_FORMAT;
}

/* Legacy entries (§11.4.3): LEN AID LCS PRIV, and for P1 '10' NUM { LEN AID }. */
static seam_err legacy_aid(seam_rd *r, uint8_t *aid, uint8_t *aid_len)
{
    uint8_t len;
    if (seam_rd_u8(r, &len) != SEAM_OK || len < 1 || len > GP_AID_MAX) return SEAM_E_FORMAT;
    if (seam_rd_copy(r, aid, len) != SEAM_OK) return SEAM_E_FORMAT;
    *aid_len = len;
    return SEAM_OK;
}

seam_err gp_parse_status_legacy(uint8_t p1, const uint8_t *p, size_t n, gp_status_entry *out,
                                size_t cap, size_t *count)
{
    if ((!p && n) || !count || (cap && !out)) return SEAM_E_ARG;
    if (p1 != GP_STATUS_ISD && p1 != GP_STATUS_APPS && p1 != GP_STATUS_LOAD_FILES &&
        p1 != GP_STATUS_LOAD_FILES_MODULES)
        return SEAM_E_ARG;
    seam_rd r;
    seam_rd_init(&r, p, n);
    while (seam_rd_left(&r) > 0) {
        if (*count >= cap) return SEAM_E_FULL;
        gp_status_entry *e = &out[*count];
        memset(e, 0, sizeof *e);
        if (legacy_aid(&r, e->aid, &e->aid_len) != SEAM_OK ||
            seam_rd_u8(&r, &e->lifecycle) != SEAM_OK || seam_rd_u8(&r, &e->priv[0]) != SEAM_OK)
            return SEAM_E_FORMAT;
        e->priv_len = 1;
        if (p1 == GP_STATUS_LOAD_FILES_MODULES) {
            uint8_t nm;
            if (seam_rd_u8(&r, &nm) != SEAM_OK) return SEAM_E_FORMAT;
            for (unsigned m = 0; m < nm; m++) {
                uint8_t aid[GP_AID_MAX], len;
                if (legacy_aid(&r, aid, &len) != SEAM_OK) return SEAM_E_FORMAT;
                if (e->n_modules < GP_STATUS_MAX_MODULES) {
                    memcpy(e->modules[e->n_modules], aid, len);
                    e->module_len[e->n_modules] = len;
                    e->n_modules++;
                }
                e->n_modules_total++;
            }
        }
        (*count)++;
    }
    return SEAM_OK;
}

/* One GET STATUS exchange sequence in one format: first P2, then the "next occurrence" P2 while
 * the card answers 63 10. Returns with *sw the card's refusal when the first round fails. */
static seam_err get_status_format(gp_session *s, uint8_t p1, bool legacy, gp_status_entry *out,
                                  size_t cap, size_t *count, uint16_t *sw)
{
    static const uint8_t all[2] = {0x4F, 0x00}; /* search criterion: every AID */
    size_t len = 0;
    uint8_t p2 = legacy ? 0x00 : 0x02;
    *count = 0;
    uint8_t data[APDU_MAX_DATA];
    for (int round = 0; round < 256; round++) {
        seam_err e =
            gp_send_cmd(s, 0x80, 0xF2, p1, p2, all, sizeof all, true, data, sizeof data, &len, sw);
        if (e != SEAM_OK) return e;
        if (*sw != SW_NO_ERROR && *sw != SW_GP_MORE_DATA) return SEAM_OK;
        e = legacy ? gp_parse_status_legacy(p1, data, len, out, cap, count)
                   : gp_parse_status(data, len, out, cap, count);
        if (e != SEAM_OK) return e;
        if (*sw == SW_NO_ERROR) return SEAM_OK;
        p2 |= 0x01; /* §11.4.2.1: get next occurrence(s) */
    }
    return SEAM_E_PROTOCOL; /* a card that never stops answering 63 10 */
}

seam_err gp_get_status_any(gp_session *s, uint8_t p1, gp_status_entry *out, size_t cap,
                           size_t *count, bool *legacy, uint16_t *sw)
{
    if (!s || !count || !sw || (cap && !out)) return SEAM_E_ARG;
    if (legacy) *legacy = false;
    seam_err e = get_status_format(s, p1, false, out, cap, count, sw);
    if (e != SEAM_OK || *sw != SW_INCORRECT_P1P2) return e;
    /* The card does not know the tagged format (a GP 2.1.1 card): ask for the legacy one. */
    if (legacy) *legacy = true;
    return get_status_format(s, p1, true, out, cap, count, sw);
}

seam_err gp_get_status(gp_session *s, uint8_t p1, gp_status_entry *out, size_t cap, size_t *count,
                       uint16_t *sw)
{
    return gp_get_status_any(s, p1, out, cap, count, NULL, sw);
}

const char *gp_lifecycle_name(uint8_t kind, uint8_t lc)
{
    if (kind == GP_STATUS_ISD) {
        switch (lc) {
        case GP_CARD_OP_READY:
            return "OP_READY";
        case GP_CARD_INITIALIZED:
            return "INITIALIZED";
        case GP_CARD_SECURED:
            return "SECURED";
        case GP_CARD_LOCKED:
            return "CARD_LOCKED";
        case GP_CARD_TERMINATED:
            return "TERMINATED";
        default:
            return "UNKNOWN";
        }
    }
    if (kind == GP_STATUS_LOAD_FILES || kind == GP_STATUS_LOAD_FILES_MODULES)
        return lc == 0x01 ? "LOADED" : "UNKNOWN";
    /* Applications and security domains (§5.3.1, §5.3.2). */
    if (lc & 0x80) return "LOCKED";
    switch (lc) {
    case 0x03:
        return "INSTALLED";
    case 0x07:
        return "SELECTABLE";
    case 0x0F:
        return "PERSONALIZED";
    default:
        break;
    }
    if ((lc & 0x07) == 0x07) return "SELECTABLE (application specific)";
    return "UNKNOWN";
}

/* Privileges, GP CS 2.3.1 Table 6-1: one name per bit (byte index, bit). The combined
 * privileges (DAP Verification = b8+b7, ...) are shown as their bits. */
static const char *const priv_names[3][8] = {
    {"SecurityDomain", "DAPVerification", "DelegatedManagement", "CardLock", "CardTerminate",
     "CardReset", "CVMManagement", "MandatedDAPVerification"},
    {"TrustedPath", "AuthorizedManagement", "TokenVerification", "GlobalDelete", "GlobalLock",
     "GlobalRegistry", "FinalApplication", "GlobalService"},
    {"ReceiptGeneration", "CipheredLoadFileDataBlock", "ContactlessActivation",
     "ContactlessSelfActivation", NULL, NULL, NULL, NULL},
};

void gp_privileges_str(const uint8_t *priv, size_t len, char *buf, size_t cap)
{
    if (!buf || cap == 0) return;
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < len && i < 3; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            if (!(priv[i] & (0x80u >> bit)) || !priv_names[i][bit]) continue;
            int w = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", priv_names[i][bit]);
            if (w < 0 || (size_t)w >= cap - used) return;
            used += (size_t)w;
        }
    }
}

void gp_print_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02X", p[i]);
}

void gp_trace_print(void *ctx, gp_trace_kind kind, const uint8_t *apdu, size_t len)
{
    static const char *const label[] = {"plain>", "wire >", "wire <", "plain<"};
    FILE *f = ctx ? ctx : stdout;
    fprintf(f, "    %s ", label[kind <= GP_TRACE_PLAIN_RESP ? kind : 0]);
    gp_print_hex(f, apdu, len);
    fputc('\n', f);
}

void gp_print_status(FILE *f, uint8_t kind, const gp_status_entry *e, size_t n)
{
    const char *label = kind == GP_STATUS_ISD ? "ISD" : kind == GP_STATUS_APPS ? "APP" : "PKG";
    bool load_file = kind == GP_STATUS_LOAD_FILES || kind == GP_STATUS_LOAD_FILES_MODULES;
    char privs[512];
    for (size_t i = 0; i < n; i++) {
        const char *l = label;
        /* Applications and security domains come together: the privilege says which. */
        if (kind == GP_STATUS_APPS && e[i].priv_len && (e[i].priv[0] & 0x80)) l = "DOM";
        fprintf(f, "%s: ", l);
        gp_print_hex(f, e[i].aid, e[i].aid_len);
        fprintf(f, " (%s)\n", gp_lifecycle_name(kind, e[i].lifecycle));
        /* The order of GlobalPlatformPro's listing: parent, origin, privileges, version,
         * modules. A load file has no privileges (the legacy format sends 00 for them). */
        if (e[i].sd_aid_len) {
            fprintf(f, "     Parent:  ");
            gp_print_hex(f, e[i].sd_aid, e[i].sd_aid_len);
            fputc('\n', f);
        }
        if (e[i].elf_aid_len) {
            fprintf(f, "     From:    ");
            gp_print_hex(f, e[i].elf_aid, e[i].elf_aid_len);
            fputc('\n', f);
        }
        if (e[i].priv_len && !load_file) {
            gp_privileges_str(e[i].priv, e[i].priv_len, privs, sizeof privs);
            fprintf(f, "     Privs:   %s\n", privs[0] ? privs : "(none)");
        }
        if (e[i].version_len) {
            fprintf(f, "     Version: ");
            for (size_t v = 0; v < e[i].version_len; v++)
                fprintf(f, "%s%u", v ? "." : "", e[i].version[v]);
            fputc('\n', f);
        }
        for (size_t m = 0; m < e[i].n_modules; m++) {
            fprintf(f, "     Applet:  ");
            gp_print_hex(f, e[i].modules[m], e[i].module_len[m]);
            fputc('\n', f);
        }
        if (e[i].n_modules_total > e[i].n_modules)
            fprintf(f, "     (%u more modules)\n", e[i].n_modules_total - e[i].n_modules);
    }
}
