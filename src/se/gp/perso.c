/*
 * Personalisation of a fresh card, as it leaves the "factory": the card record (CPLC, IIN,
 * CIN, key diversification data, life cycle OP_READY), the Issuer Security Domain's registry
 * entry (AID A000000151000000, privileges of GP CS 2.3.1 §6.6 for an ISD) and the well-known
 * SCP03 test key set (404142…4F, KVN FF), all in one store transaction: a power cut leaves
 * either no card or a whole one.
 */
#include <string.h>

#include "se/se_int.h"

static const uint8_t isd_aid[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00};
static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

static seam_err build(se *s, const se_config *cfg)
{
    se_card_rec c;
    memset(&c, 0, sizeof c);
    memcpy(c.magic, "SEAM", 4);
    c.version = 1;
    c.life_cycle = GP_CARD_OP_READY;
    unsigned limit = cfg->auth_try_limit ? cfg->auth_try_limit : SE_DEFAULT_AUTH_TRY_LIMIT;
    if (limit > 255) return SEAM_E_ARG;
    c.try_limit = (uint8_t)limit;
    if (cfg->scp_i && cfg->scp_i != 0x60 && cfg->scp_i != 0x70) return SEAM_E_ARG;
    c.scp_i = cfg->scp_i ? cfg->scp_i : 0x70; /* R-MAC, R-ENC, pseudo-random challenge */

    /* CPLC (GP CS 2.3.1 Table H-?; the common 42-byte layout). Fabricator, type and OS ids
     * name seam; serial, batch and dates are the card's own. */
    uint8_t rnd[16];
    seam_err e = cr_random(rnd, sizeof rnd);
    if (e != SEAM_OK) return e;
    static const uint8_t cplc_fixed[10] = {0x53, 0x45,  /* IC fabricator "SE" */
                                           0x41, 0x4D,  /* IC type "AM" */
                                           0x00, 0x01,  /* OS identifier */
                                           0x63, 0x29,  /* OS release date 2026-329 (YDDD) */
                                           0x00, 0x03}; /* OS release level */
    memcpy(c.cplc, cplc_fixed, sizeof cplc_fixed);
    c.cplc[10] = 0x63; /* IC fabrication date */
    c.cplc[11] = 0x29;
    memcpy(c.cplc + 12, rnd, 4);     /* IC serial number */
    memcpy(c.cplc + 16, rnd + 4, 2); /* IC batch identifier */
    /* the rest (module fabricator .. personalisation equipment) stays zero: not personalised */

    static const uint8_t iin[] = {0x89, 0x99, 0x00, 0x00, 0x01}; /* BCD, ISO/IEC 7812 */
    c.iin_len = sizeof iin;
    memcpy(c.iin, iin, sizeof iin);
    c.cin_len = 8;
    memcpy(c.cin, rnd + 6, 8);
    memcpy(c.kdd, rnd + 6, 8); /* diversification data: CIN-based, as issuers commonly do */
    c.kdd[8] = 0x00;
    c.kdd[9] = 0x01;

    store_id card_id, isd_id, ks_id;
    if ((e = store_alloc(s->st, 0, SE_OBJ_CARD, sizeof c, &card_id)) != SEAM_OK) return e;
    se_reg_rec r;
    memset(&r, 0, sizeof r);
    r.kind = REG_KIND_ISD;
    r.life_cycle = GP_CARD_OP_READY;
    r.aid_len = sizeof isd_aid;
    memcpy(r.aid, isd_aid, sizeof isd_aid);
    r.priv[0] = GP_PRIV0_SECURITY_DOMAIN | GP_PRIV0_CARD_LOCK | GP_PRIV0_CARD_TERMINATE |
                GP_PRIV0_CARD_RESET | GP_PRIV0_CVM_MANAGEMENT;
    r.priv[1] = GP_PRIV1_TRUSTED_PATH | GP_PRIV1_AUTHORIZED_MANAGEMENT |
                GP_PRIV1_TOKEN_VERIFICATION | GP_PRIV1_GLOBAL_DELETE | GP_PRIV1_GLOBAL_LOCK |
                GP_PRIV1_GLOBAL_REGISTRY | GP_PRIV1_FINAL_APPLICATION;
    r.priv[2] = GP_PRIV2_RECEIPT_GENERATION;
    if ((e = store_alloc(s->st, 0, SE_OBJ_REGISTRY, sizeof r, &isd_id)) != SEAM_OK) return e;
    seam_put_be32(r.sd_id, isd_id);
    if ((e = store_write(s->st, isd_id, 0, &r, sizeof r)) != SEAM_OK) return e;
    seam_put_be32(c.isd_id, isd_id);
    if ((e = store_write(s->st, card_id, 0, &c, sizeof c)) != SEAM_OK) return e;

    se_keyset_rec k;
    memset(&k, 0, sizeof k);
    k.kvn = 0xFF;
    k.type = KEY_TYPE_AES;
    k.keylen = 16;
    k.tries_left = c.try_limit;
    memcpy(k.enc, test_key, 16);
    memcpy(k.mac, test_key, 16);
    memcpy(k.dek, test_key, 16);
    e = store_alloc(s->st, isd_id, SE_OBJ_KEYSET, sizeof k, &ks_id);
    if (e == SEAM_OK) e = store_write(s->st, ks_id, 0, &k, sizeof k);
    seam_wipe(&k, sizeof k);
    seam_wipe(rnd, sizeof rnd);
    if (e != SEAM_OK) return e;
    return store_set_root(s->st, SE_ROOT_CARD, card_id);
}

seam_err perso_fresh_card(se *s, const se_config *cfg)
{
    seam_err e = store_tx_begin(s->st);
    if (e != SEAM_OK) return e;
    e = build(s, cfg);
    if (e != SEAM_OK) {
        store_tx_abort(s->st);
        return e;
    }
    return store_tx_commit(s->st);
}
