/*
 * GET DATA on the host (GP CS 2.3.1 §11.3) and the parsers and printers of what it returns:
 * the CPLC (tag 9F7F, the 42-byte layout cards have used since Visa's Card Production Life
 * Cycle data), card recognition data (tag 66, GP CS 2.3.1 §H.2) and the key information
 * template (tag E0, §11.3.3.1).
 *
 * Invariants: every parser reads hostile bytes only through the bounded reader or the TLV
 * iterator, tolerates tags it does not know, and fails with SEAM_E_FORMAT, never an overrun.
 */
#include <stdio.h>
#include <string.h>

#include "seam/gpclient.h"
#include "seam/sw.h"
#include "seam/tlv.h"

seam_err gp_get_data(gp_session *s, uint16_t tag, uint8_t *data, size_t cap, size_t *data_len,
                     uint16_t *sw)
{
    if (!s || !data_len || !sw) return SEAM_E_ARG;
    seam_err e = gp_send_cmd(s, 0x80, 0xCA, (uint8_t)(tag >> 8), (uint8_t)tag, NULL, 0, true, data,
                             cap, data_len, sw);
    if (e != SEAM_OK) return e;
    /* Some cards answer GET DATA only in the interindustry class (ISO 7816-4 §11.4.3). An
     * open secure channel insists on the GP class, so the retry is for plain sessions. */
    if (!s->open && (*sw == SW_CLA_NOT_SUPPORTED || *sw == SW_INS_NOT_SUPPORTED))
        e = gp_send_cmd(s, 0x00, 0xCA, (uint8_t)(tag >> 8), (uint8_t)tag, NULL, 0, true, data, cap,
                        data_len, sw);
    return e;
}

/* If buf is exactly one TLV with this tag, returns its value; else buf itself. */
static void strip_tag(const uint8_t **p, size_t *n, uint32_t tag)
{
    tlv_t t;
    if (tlv_parse(*p, *n, &t) == SEAM_OK && t.tag == tag && t.total == *n) {
        *p = t.value;
        *n = t.len;
    }
}

/* ---- CPLC ---- */
seam_err gp_parse_cplc(const uint8_t *p, size_t n, gp_cplc *c)
{
    if (!p || !c) return SEAM_E_ARG;
    memset(c, 0, sizeof *c);
    strip_tag(&p, &n, GP_TAG_CPLC);
    if (n != GP_CPLC_LEN) return SEAM_E_FORMAT;
    seam_rd r;
    seam_rd_init(&r, p, n);
    /* The fields in order; the length was checked, so no read below can fail. */
    seam_rd_u16(&r, &c->ic_fabricator);
    seam_rd_u16(&r, &c->ic_type);
    seam_rd_u16(&r, &c->os_id);
    seam_rd_u16(&r, &c->os_release_date);
    seam_rd_u16(&r, &c->os_release_level);
    seam_rd_u16(&r, &c->ic_fabrication_date);
    seam_rd_u32(&r, &c->ic_serial);
    seam_rd_u16(&r, &c->ic_batch);
    seam_rd_u16(&r, &c->module_fabricator);
    seam_rd_u16(&r, &c->module_packaging_date);
    seam_rd_u16(&r, &c->icc_manufacturer);
    seam_rd_u16(&r, &c->ic_embedding_date);
    seam_rd_u16(&r, &c->pre_perso_id);
    seam_rd_u16(&r, &c->pre_perso_date);
    seam_rd_u32(&r, &c->pre_perso_equipment);
    seam_rd_u16(&r, &c->perso_id);
    seam_rd_u16(&r, &c->perso_date);
    seam_rd_u32(&r, &c->perso_equipment);
    return seam_rd_left(&r) == 0 ? SEAM_OK : SEAM_E_FORMAT;
}

/* CPLC dates are YDDD in BCD: last digit of the year, then the day of the year. */
static void print_date(FILE *f, const char *name, uint16_t v)
{
    fprintf(f, "  %-24s %04X", name, v);
    unsigned y = (v >> 12) & 0xF, d2 = (v >> 8) & 0xF, d1 = (v >> 4) & 0xF, d0 = v & 0xF;
    if (v != 0 && y <= 9 && d2 <= 9 && d1 <= 9 && d0 <= 9) {
        unsigned day = d2 * 100 + d1 * 10 + d0;
        if (day >= 1 && day <= 366) fprintf(f, " (year ...%u, day %u)", y, day);
    }
    fputc('\n', f);
}

void gp_print_cplc(FILE *f, const gp_cplc *c)
{
    fprintf(f, "  %-24s %04X\n", "IC fabricator", c->ic_fabricator);
    fprintf(f, "  %-24s %04X\n", "IC type", c->ic_type);
    fprintf(f, "  %-24s %04X\n", "OS identifier", c->os_id);
    print_date(f, "OS release date", c->os_release_date);
    fprintf(f, "  %-24s %04X\n", "OS release level", c->os_release_level);
    print_date(f, "IC fabrication date", c->ic_fabrication_date);
    fprintf(f, "  %-24s %08X\n", "IC serial number", (unsigned)c->ic_serial);
    fprintf(f, "  %-24s %04X\n", "IC batch identifier", c->ic_batch);
    fprintf(f, "  %-24s %04X\n", "IC module fabricator", c->module_fabricator);
    print_date(f, "IC module packaging date", c->module_packaging_date);
    fprintf(f, "  %-24s %04X\n", "ICC manufacturer", c->icc_manufacturer);
    print_date(f, "IC embedding date", c->ic_embedding_date);
    fprintf(f, "  %-24s %04X\n", "pre-perso identifier", c->pre_perso_id);
    print_date(f, "pre-perso date", c->pre_perso_date);
    fprintf(f, "  %-24s %08X\n", "pre-perso equipment", (unsigned)c->pre_perso_equipment);
    fprintf(f, "  %-24s %04X\n", "perso identifier", c->perso_id);
    print_date(f, "perso date", c->perso_date);
    fprintf(f, "  %-24s %08X\n", "perso equipment", (unsigned)c->perso_equipment);
}

/* ---- OIDs and card recognition data ---- */
seam_err gp_oid_to_str(const uint8_t *p, size_t n, char *buf, size_t cap)
{
    if (!p || !buf || cap == 0) return SEAM_E_ARG;
    buf[0] = '\0';
    if (n == 0) return SEAM_E_FORMAT;
    size_t used = 0;
    bool first = true;
    uint64_t v = 0;
    unsigned digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (digits == 0 && p[i] == 0x80) return SEAM_E_FORMAT; /* non-minimal (X.690 §8.19.2) */
        if (++digits > 8) return SEAM_E_FORMAT;                /* over 56 bits: refuse */
        v = (v << 7) | (p[i] & 0x7F);
        if (p[i] & 0x80) continue;
        int w;
        if (first) {
            /* The first subidentifier packs the first two arcs (X.690 §8.19.4). */
            unsigned a = v < 40 ? 0 : v < 80 ? 1 : 2;
            w = snprintf(buf + used, cap - used, "%u.%llu", a, (unsigned long long)(v - 40u * a));
            first = false;
        } else {
            w = snprintf(buf + used, cap - used, ".%llu", (unsigned long long)v);
        }
        if (w < 0 || (size_t)w >= cap - used) return SEAM_E_LENGTH;
        used += (size_t)w;
        v = 0;
        digits = 0;
    }
    return digits == 0 ? SEAM_OK : SEAM_E_FORMAT; /* last subidentifier unterminated */
}

/* Content bytes of OID 1.2.840.114283 (globalPlatform). */
static const uint8_t gp_oid[] = {0x2A, 0x86, 0x48, 0x86, 0xFC, 0x6B};

/* Finds the 06 OID in a template and returns its content. */
static seam_err inner_oid(const tlv_t *t, const uint8_t **oid, size_t *len)
{
    tlv_t o;
    seam_err e = tlv_find(t->value, t->len, 0x06, &o);
    if (e != SEAM_OK) return e == SEAM_E_NOT_FOUND ? SEAM_E_FORMAT : e;
    *oid = o.value;
    *len = o.len;
    return SEAM_OK;
}

/* Writes the arcs after 1.2.840.114283.<arc> as a dotted string ("2.3.1"). */
static seam_err gp_arcs(const uint8_t *oid, size_t len, uint8_t arc, char *buf, size_t cap)
{
    if (len < sizeof gp_oid + 2 || memcmp(oid, gp_oid, sizeof gp_oid) != 0 ||
        oid[sizeof gp_oid] != arc)
        return SEAM_E_FORMAT;
    /* Decode "1.<rest>" so the first-subidentifier rule cannot mangle the rest. */
    char tmp[GP_OID_STR_MAX + 8];
    uint8_t b[64];
    size_t rest = len - sizeof gp_oid - 1;
    if (rest + 1 > sizeof b) return SEAM_E_FORMAT;
    b[0] = 40; /* "1.0" */
    memcpy(b + 1, oid + sizeof gp_oid + 1, rest);
    seam_err e = gp_oid_to_str(b, rest + 1, tmp, sizeof tmp);
    if (e != SEAM_OK) return e;
    if (strlen(tmp + 4) >= cap) return SEAM_E_LENGTH;
    snprintf(buf, cap, "%s", tmp + 4); /* skip "1.0." */
    return SEAM_OK;
}

seam_err gp_parse_card_data(const uint8_t *p, size_t n, gp_card_data *d)
{
    if (!p || !d) return SEAM_E_ARG;
    memset(d, 0, sizeof *d);
    strip_tag(&p, &n, GP_TAG_CARD_DATA);
    tlv_t top;
    seam_err e = tlv_find(p, n, 0x73, &top);
    if (e != SEAM_OK) return SEAM_E_FORMAT;
    tlv_iter it;
    tlv_t t;
    bool marker = false;
    tlv_iter_init(&it, top.value, top.len);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        const uint8_t *oid;
        size_t len;
        switch (t.tag) {
        case 0x06: /* 1.2.840.114283.1: this is GP card recognition data */
            if (t.len == sizeof gp_oid + 1 && !memcmp(t.value, gp_oid, sizeof gp_oid) &&
                t.value[sizeof gp_oid] == 0x01)
                marker = true;
            break;
        case 0x60:
            if (inner_oid(&t, &oid, &len) != SEAM_OK ||
                gp_arcs(oid, len, 0x02, d->gp_version, sizeof d->gp_version) != SEAM_OK)
                return SEAM_E_FORMAT;
            break;
        case 0x63:
            if (inner_oid(&t, &oid, &len) != SEAM_OK ||
                gp_oid_to_str(oid, len, d->card_id_scheme, sizeof d->card_id_scheme) != SEAM_OK)
                return SEAM_E_FORMAT;
            break;
        case 0x64: {
            /* 1.2.840.114283.4.<scp>.<i>: both arcs fit one byte for every defined SCP. */
            if (inner_oid(&t, &oid, &len) != SEAM_OK || len != sizeof gp_oid + 3 ||
                memcmp(oid, gp_oid, sizeof gp_oid) != 0 || oid[sizeof gp_oid] != 0x04 ||
                (oid[sizeof gp_oid + 1] & 0x80))
                return SEAM_E_FORMAT;
            if (d->n_scp < GP_CARD_DATA_MAX_SCP) {
                d->scp[d->n_scp].scp_id = oid[sizeof gp_oid + 1];
                d->scp[d->n_scp].i_param = oid[sizeof gp_oid + 2];
                d->n_scp++;
            }
            /* An i parameter of 80 or more takes two bytes: refused above as a 3-byte tail. */
            break;
        }
        case 0x65:
        case 0x66: {
            char *dst = t.tag == 0x65 ? d->card_config : d->chip_details;
            if (inner_oid(&t, &oid, &len) == SEAM_OK)
                (void)gp_oid_to_str(oid, len, dst, GP_OID_STR_MAX);
            break;
        }
        default:
            break; /* 67, 68, proprietary: tolerated */
        }
    }
    if (e != SEAM_E_NOT_FOUND) return SEAM_E_FORMAT;
    return marker ? SEAM_OK : SEAM_E_FORMAT;
}

void gp_print_card_data(FILE *f, const gp_card_data *d)
{
    fprintf(f, "  GlobalPlatform version   %s\n", d->gp_version[0] ? d->gp_version : "(absent)");
    if (d->card_id_scheme[0]) fprintf(f, "  card identification      %s\n", d->card_id_scheme);
    for (size_t i = 0; i < d->n_scp; i++)
        fprintf(f, "  secure channel           SCP%02X i=%02X\n", d->scp[i].scp_id,
                d->scp[i].i_param);
    if (d->card_config[0]) fprintf(f, "  card configuration       %s\n", d->card_config);
    if (d->chip_details[0]) fprintf(f, "  chip details             %s\n", d->chip_details);
}

/* ---- key information template ---- */
seam_err gp_parse_key_info(const uint8_t *p, size_t n, gp_key_info *out, size_t cap, size_t *count)
{
    if (!p || !count || (cap && !out)) return SEAM_E_ARG;
    *count = 0;
    strip_tag(&p, &n, GP_TAG_KEY_INFO);
    tlv_iter it;
    tlv_t t;
    seam_err e;
    tlv_iter_init(&it, p, n);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        if (t.tag != 0xC0) continue;
        if (*count >= cap) return SEAM_E_FULL;
        gp_key_info *k = &out[*count];
        memset(k, 0, sizeof *k);
        seam_rd r;
        seam_rd_init(&r, t.value, t.len);
        if (seam_rd_u8(&r, &k->kid) != SEAM_OK || seam_rd_u8(&r, &k->kvn) != SEAM_OK)
            return SEAM_E_FORMAT;
        /* Components: type and one-byte length (basic format), or 'FF', the type and a
         * 2-byte length, with usage and access data after it (extended format, §11.3.3.1). */
        while (seam_rd_left(&r) > 0) {
            uint8_t type;
            uint16_t clen;
            if (seam_rd_u8(&r, &type) != SEAM_OK) return SEAM_E_FORMAT;
            bool extended = type == 0xFF;
            if (extended) {
                uint8_t ext;
                if (seam_rd_u8(&r, &ext) != SEAM_OK || seam_rd_u16(&r, &clen) != SEAM_OK)
                    return SEAM_E_FORMAT;
                type = ext;
            } else {
                uint8_t l8;
                if (seam_rd_u8(&r, &l8) != SEAM_OK) return SEAM_E_FORMAT;
                clen = l8;
            }
            if (k->n_components == 0) {
                k->type = type;
                k->length = clen;
            }
            if (k->n_components < 255) k->n_components++;
            /* The extended format goes on with key usage and access data: not needed here. */
            if (extended) break;
        }
        if (k->n_components == 0) return SEAM_E_FORMAT;
        (*count)++;
    }
    return e == SEAM_E_NOT_FOUND ? SEAM_OK : SEAM_E_FORMAT;
}

const char *gp_key_type_name(uint8_t type)
{
    switch (type) {
    case 0x80:
        return "DES";
    case 0x88:
        return "AES";
    case 0xA0:
        return "RSA public e";
    case 0xA1:
        return "RSA public N";
    case 0xB0:
        return "ECC public";
    case 0xB1:
        return "ECC private";
    case 0xF0:
        return "ECC parameters";
    default:
        return "other";
    }
}

void gp_print_key_info(FILE *f, const gp_key_info *k, size_t count)
{
    for (size_t i = 0; i < count; i++)
        fprintf(f, "  key version %3u (0x%02X)  id %u  %s-%u\n", k[i].kvn, k[i].kvn, k[i].kid,
                gp_key_type_name(k[i].type), (unsigned)k[i].length * 8);
}
