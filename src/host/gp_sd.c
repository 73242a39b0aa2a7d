/*
 * The host side of security domain management (GP CS 2.3.1): creating a supplementary security
 * domain (INSTALL [for install and make selectable] from the card's SD load file and module,
 * §11.5.2.3.2), giving it its first keys through the ISD (INSTALL [for personalization],
 * §11.5.2.3.6, then PUT KEY §11.8), moving content between domains (INSTALL [for extradition],
 * §11.5.2.3.4), the life cycle of applications and SDs (SET STATUS §11.10), privileges by name
 * (§6.6.1, §11.1.2) and key files for the command line tool.
 *
 * Invariants:
 *  - builders check every AID (5..16 bytes) and never write past the caller's buffer;
 *  - a created SD always carries the Security Domain privilege (b8 of byte 1);
 *  - key file text is parsed into a local buffer that is wiped on every path out, and error
 *    messages name lines and fields, never key bytes.
 * Status words are the card's answer and are returned in *sw; only exchange failures are errors.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "seam/gpclient.h"
#include "seam/sw.h"

#define GP_INS_INSTALL 0xE6
#define GP_INS_SET_STATUS 0xF0

static bool aid_ok(const uint8_t *aid, size_t len)
{
    return aid && len >= 5 && len <= GP_AID_MAX;
}

/* ---- privileges ---- */
static const struct {
    const char *name; /* lower case, without '-' and '_' */
    uint8_t byte, bits;
} priv_table[] = {
    {"securitydomain", 0, GP_PRIV_SECURITY_DOMAIN},
    {"dapverification", 0, GP_PRIV_DAP_VERIFICATION},
    {"delegatedmanagement", 0, GP_PRIV_DELEGATED_MANAGEMENT},
    {"cardlock", 0, 0x10},
    {"cardterminate", 0, 0x08},
    {"cardreset", 0, 0x04},
    {"cvmmanagement", 0, 0x02},
    {"mandateddap", 0, GP_PRIV_MANDATED_DAP},
    {"mandateddapverification", 0, GP_PRIV_MANDATED_DAP},
    {"trustedpath", 1, 0x80},
    {"authorizedmanagement", 1, 0x40},
    {"tokenverification", 1, 0x20},
    {"globaldelete", 1, 0x10},
    {"globallock", 1, 0x08},
    {"globalregistry", 1, 0x04},
    {"finalapplication", 1, 0x02},
    {"globalservice", 1, 0x01},
    {"receiptgeneration", 2, 0x80},
    {"cipheredloadfiledatablock", 2, 0x40},
    {"contactlessactivation", 2, 0x20},
    {"contactlessselfactivation", 2, 0x10},
};

static void set_bad(char *bad, size_t badcap, const char *word, size_t n)
{
    if (!bad || !badcap) return;
    if (n >= badcap) n = badcap - 1;
    memcpy(bad, word, n);
    bad[n] = '\0';
}

seam_err gp_privileges_parse(const char *text, uint8_t priv[3], size_t *len, char *bad,
                             size_t badcap)
{
    if (bad && badcap) bad[0] = '\0';
    if (!text || !priv || !len) return SEAM_E_ARG;
    uint8_t v[3] = {0, 0, 0};
    size_t n = 0;
    if (seam_hex_decode(text, v, sizeof v, &n) == SEAM_OK && (n == 1 || n == 3)) {
        memcpy(priv, v, 3);
        *len = n;
        return SEAM_OK;
    }
    memset(v, 0, sizeof v);
    const char *p = text;
    bool any = false;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t wlen = end ? (size_t)(end - p) : strlen(p);
        char norm[48];
        size_t k = 0;
        bool too_long = false;
        for (size_t i = 0; i < wlen; i++) {
            unsigned char c = (unsigned char)p[i];
            if (c == '-' || c == '_' || c == ' ') continue;
            if (k + 1 >= sizeof norm) {
                too_long = true;
                break;
            }
            norm[k++] = (char)tolower(c);
        }
        norm[k] = '\0';
        bool found = false;
        for (size_t t = 0; t < SEAM_ARRAY_LEN(priv_table) && !too_long && k; t++) {
            if (strcmp(norm, priv_table[t].name)) continue;
            v[priv_table[t].byte] |= priv_table[t].bits;
            found = true;
            break;
        }
        if (!found) {
            set_bad(bad, badcap, p, wlen);
            return SEAM_E_FORMAT;
        }
        any = true;
        if (!end) break;
        p = end + 1;
    }
    if (!any) return SEAM_E_FORMAT;
    memcpy(priv, v, 3);
    *len = 3;
    return SEAM_OK;
}

int gp_app_state_parse(const char *text)
{
    static const struct {
        const char *name;
        uint8_t v;
    } states[] = {{"SELECTABLE", GP_APP_SELECTABLE},
                  {"PERSONALIZED", GP_SD_PERSONALIZED},
                  {"PERSONALISED", GP_SD_PERSONALIZED},
                  {"LOCKED", GP_APP_LOCKED},
                  {"UNLOCKED", 0x00}};
    if (!text || !*text) return -1;
    for (size_t i = 0; i < SEAM_ARRAY_LEN(states); i++) {
        size_t k = 0;
        while (text[k] && states[i].name[k] && toupper((unsigned char)text[k]) == states[i].name[k])
            k++;
        if (!text[k] && !states[i].name[k]) return states[i].v;
    }
    const char *h = text;
    if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X')) h += 2;
    uint8_t b;
    size_t n = 0;
    if (strlen(h) == 2 && seam_hex_decode(h, &b, 1, &n) == SEAM_OK && n == 1) return b;
    return -1;
}

/* ---- data fields ---- */
static seam_err finish(const seam_wr *w, size_t *out_len)
{
    if (w->err != SEAM_OK || w->len > 255) return SEAM_E_LENGTH;
    *out_len = w->len;
    return SEAM_OK;
}

static void put_lv(seam_wr *w, const uint8_t *v, size_t len)
{
    seam_wr_u8(w, (uint8_t)len);
    if (len) seam_wr_bytes(w, v, len);
}

seam_err gp_install_for_perso_data(const uint8_t *app_aid, size_t app_len, uint8_t *out, size_t cap,
                                   size_t *out_len)
{
    if (!aid_ok(app_aid, app_len) || !out_len || (cap && !out)) return SEAM_E_ARG;
    seam_wr w;
    seam_wr_init(&w, out, cap);
    put_lv(&w, NULL, 0);          /* Load File AID: absent */
    put_lv(&w, NULL, 0);          /* Executable Module AID: absent */
    put_lv(&w, app_aid, app_len); /* the application (or SD) to personalize */
    put_lv(&w, NULL, 0);          /* privileges */
    put_lv(&w, NULL, 0);          /* install parameters */
    put_lv(&w, NULL, 0);          /* install token */
    return finish(&w, out_len);
}

seam_err gp_install_for_extradition_data(const uint8_t *sd_aid, size_t sd_len, const uint8_t *aid,
                                         size_t aid_len, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!aid_ok(sd_aid, sd_len) || !aid_ok(aid, aid_len) || !out_len || (cap && !out))
        return SEAM_E_ARG;
    seam_wr w;
    seam_wr_init(&w, out, cap);
    put_lv(&w, sd_aid, sd_len); /* the SD to associate with */
    put_lv(&w, NULL, 0);
    put_lv(&w, aid, aid_len); /* the application or executable load file */
    put_lv(&w, NULL, 0);
    put_lv(&w, NULL, 0); /* extradition parameters */
    put_lv(&w, NULL, 0); /* extradition token */
    return finish(&w, out_len);
}

/* ---- commands ---- */
seam_err gp_install_for_perso(gp_session *s, const uint8_t *app_aid, size_t app_len, uint16_t *sw)
{
    if (!s || !sw) return SEAM_E_ARG;
    uint8_t d[32], r[256];
    size_t n = 0, rn = 0;
    seam_err e = gp_install_for_perso_data(app_aid, app_len, d, sizeof d, &n);
    if (e != SEAM_OK) return e;
    return gp_send_cmd(s, 0x80, GP_INS_INSTALL, GP_INSTALL_FOR_PERSONALIZATION, 0x00, d, n, true, r,
                       sizeof r, &rn, sw);
}

seam_err gp_extradite(gp_session *s, const uint8_t *aid, size_t aid_len, const uint8_t *sd_aid,
                      size_t sd_len, uint16_t *sw)
{
    if (!s || !sw) return SEAM_E_ARG;
    uint8_t d[48], r[256];
    size_t n = 0, rn = 0;
    seam_err e = gp_install_for_extradition_data(sd_aid, sd_len, aid, aid_len, d, sizeof d, &n);
    if (e != SEAM_OK) return e;
    return gp_send_cmd(s, 0x80, GP_INS_INSTALL, GP_INSTALL_FOR_EXTRADITION, 0x00, d, n, true, r,
                       sizeof r, &rn, sw);
}

seam_err gp_create_sd(gp_session *s, const uint8_t *aid, size_t aid_len, const uint8_t *priv,
                      size_t priv_len, const uint8_t *params, size_t params_len, uint16_t *sw)
{
    if (!s || !sw || !priv || (priv_len != 1 && priv_len != 3)) return SEAM_E_ARG;
    uint8_t p[3] = {0, 0, 0};
    memcpy(p, priv, priv_len);
    p[0] |= GP_PRIV_SECURITY_DOMAIN;
    return gp_install_for_install(s, GP_INSTALL_FOR_INSTALL_SELECTABLE,
                                  (const uint8_t *)GP_SD_ELF_AID, GP_SD_ELF_AID_LEN,
                                  (const uint8_t *)GP_SD_MODULE_AID, GP_SD_MODULE_AID_LEN, aid,
                                  aid_len, p, priv_len, params, params_len, sw);
}

seam_err gp_set_app_status(gp_session *s, uint8_t p1, uint8_t state, const uint8_t *aid,
                           size_t aid_len, uint16_t *sw)
{
    if (!s || !sw || (p1 != GP_SET_STATUS_APP && p1 != GP_SET_STATUS_SD_AND_APPS) ||
        !aid_ok(aid, aid_len))
        return SEAM_E_ARG;
    uint8_t r[16];
    size_t rn = 0;
    return gp_send_cmd(s, 0x80, GP_INS_SET_STATUS, p1, state, aid, aid_len, false, r, sizeof r, &rn,
                       sw);
}

/* ---- key files ---- */
#define KEYFILE_MAX 4096

static void line_err(char *err, size_t errcap, unsigned line, const char *msg)
{
    if (err && errcap) snprintf(err, errcap, "line %u: %s", line, msg);
}

/* Decodes one key value of a line into out: an AES key length only. */
static bool decode_key(const char *hex, uint8_t out[32], size_t *len)
{
    if (seam_hex_decode(hex, out, 32, len) != SEAM_OK) return false;
    return *len == 16 || *len == 24 || *len == 32;
}

seam_err gp_keys_parse_text(const char *text, size_t len, uint8_t kvn, gp_keys *k, char *err,
                            size_t errcap)
{
    if (err && errcap) err[0] = '\0';
    if (!text || !k || len > KEYFILE_MAX) return SEAM_E_ARG;
    char line[KEYFILE_MAX + 1];
    uint8_t key[4][32]; /* one, enc, mac, dek */
    size_t klen[4] = {0, 0, 0, 0};
    bool have[4] = {false, false, false, false};
    seam_err e = SEAM_OK;
    unsigned lineno = 0;
    size_t pos = 0;
    while (pos < len && e == SEAM_OK) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        lineno++;
        size_t n = end - pos;
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos = end + 1;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char *p = line;
        while (*p && isspace((unsigned char)*p))
            p++;
        size_t l = strlen(p);
        while (l && isspace((unsigned char)p[l - 1]))
            p[--l] = '\0';
        if (!*p) continue;
        /* "NAME HEX", "NAME=HEX", "NAME: HEX" or a bare "HEX" */
        int slot = 0;
        static const char *const names[4] = {"key", "enc", "mac", "dek"};
        for (int i = 0; i < 4; i++) {
            size_t nl = strlen(names[i]);
            if (strncasecmp(p, names[i], nl) != 0) continue;
            char c = p[nl];
            if (c != ' ' && c != '\t' && c != '=' && c != ':') continue;
            slot = i;
            p += nl;
            while (*p == ' ' || *p == '\t' || *p == '=' || *p == ':')
                p++;
            break;
        }
        if (have[slot]) {
            line_err(err, errcap, lineno, "a key given twice");
            e = SEAM_E_FORMAT;
        } else if (!decode_key(p, key[slot], &klen[slot])) {
            line_err(err, errcap, lineno,
                     "expected an AES key of 16, 24 or 32 bytes in hex (or enc/mac/dek HEX)");
            e = SEAM_E_FORMAT;
        } else {
            have[slot] = true;
        }
    }
    if (e == SEAM_OK) {
        bool three = have[1] || have[2] || have[3];
        if (have[0] && three) {
            if (err && errcap) snprintf(err, errcap, "give one key, or enc, mac and dek: not both");
            e = SEAM_E_FORMAT;
        } else if (three && !(have[1] && have[2] && have[3])) {
            if (err && errcap) snprintf(err, errcap, "enc, mac and dek go together");
            e = SEAM_E_FORMAT;
        } else if (!have[0] && !three) {
            if (err && errcap) snprintf(err, errcap, "no key in the file");
            e = SEAM_E_FORMAT;
        } else if (three && (klen[1] != klen[2] || klen[1] != klen[3])) {
            if (err && errcap) snprintf(err, errcap, "enc, mac and dek must have the same length");
            e = SEAM_E_FORMAT;
        } else if (have[0]) {
            e = gp_keys_set(k, key[0], key[0], key[0], klen[0], kvn);
        } else {
            e = gp_keys_set(k, key[1], key[2], key[3], klen[1], kvn);
        }
    }
    seam_wipe(line, sizeof line);
    seam_wipe(key, sizeof key);
    return e;
}

seam_err gp_keys_read_file(const char *path, uint8_t kvn, gp_keys *k, char *err, size_t errcap)
{
    if (err && errcap) err[0] = '\0';
    if (!path || !k) return SEAM_E_ARG;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err && errcap) snprintf(err, errcap, "cannot open the key file");
        return SEAM_E_IO;
    }
    char buf[KEYFILE_MAX + 1];
    size_t n = fread(buf, 1, sizeof buf, f);
    bool bad = ferror(f);
    fclose(f);
    seam_err e;
    if (bad) {
        if (err && errcap) snprintf(err, errcap, "cannot read the key file");
        e = SEAM_E_IO;
    } else if (n > KEYFILE_MAX) {
        if (err && errcap)
            snprintf(err, errcap, "larger than %d bytes: not a key file", KEYFILE_MAX);
        e = SEAM_E_FORMAT;
    } else {
        e = gp_keys_parse_text(buf, n, kvn, k, err, errcap);
    }
    seam_wipe(buf, sizeof buf);
    return e;
}
