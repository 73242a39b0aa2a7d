/*
 * Security domain command processing (GP CS 2.3.1 §11 and Amendment D §7): GET DATA, GET
 * STATUS, SET STATUS, PUT KEY, DELETE (keys). The SCP03 session of each logical channel
 * (INITIALIZE UPDATE, EXTERNAL AUTHENTICATE, unwrap and wrap) is in scp03_sd.c. SCP11 (PERFORM
 * SECURITY OPERATION, INTERNAL and MUTUAL AUTHENTICATE) is in scp11_sd.c, ECC keys (PUT KEY of ECC
 * keys, GENERATE KEY, deletion) in eckeys.c and Amendment F's STORE DATA / GET DATA of certificates
 * and CA identifiers in certstore.c; this file only dispatches to them.
 *
 * Rules kept here:
 *  - every command is checked completely (CLA, P1/P2, lengths, data) before anything changes;
 *    multi-object changes (PUT KEY, DELETE KEY) run in one store transaction;
 *  - card content management needs an authenticated session with at least C-MAC;
 *  - an SSD is served like the ISD with its own key sets and sessions; what it may do beyond
 *    its own keys is ssd.c's decision (privileges, association, docs/ssd.md); after INSTALL
 *    [for personalization] PUT KEY and STORE DATA on that channel act on the named SSD
 *    (cm_key_target) with the ISD session's DEK.
 */
#include <string.h>

#include "se/gp/dap.h"
#include "se/se_int.h"
#include "seam/tlv.h"

static const uint8_t oid_gp_crd[] = {0x2A, 0x86, 0x48, 0x86, 0xFC, 0x6B, 0x01};
static const uint8_t oid_gp_231[] = {0x2A, 0x86, 0x48, 0x86, 0xFC, 0x6B, 0x02, 0x02, 0x03, 0x01};
static const uint8_t oid_card_id[] = {0x2A, 0x86, 0x48, 0x86, 0xFC, 0x6B, 0x03};
static const uint8_t oid_scp_pfx[] = {0x2A, 0x86, 0x48, 0x86, 0xFC, 0x6B, 0x04};

/* ---- data objects ---- */

/* Card recognition data contents (GP CS 2.3.1 §H.2), the value of tag 73. */
static void put_card_recognition(se *s, seam_wr *w)
{
    size_t m73 = tlv_begin(w, 0x73);
    tlv_put(w, 0x06, oid_gp_crd, sizeof oid_gp_crd);
    size_t m = tlv_begin(w, 0x60);
    tlv_put(w, 0x06, oid_gp_231, sizeof oid_gp_231);
    tlv_end(w, m);
    m = tlv_begin(w, 0x63);
    tlv_put(w, 0x06, oid_card_id, sizeof oid_card_id);
    tlv_end(w, m);
    m = tlv_begin(w, 0x64);
    uint8_t scp[sizeof oid_scp_pfx + 2];
    memcpy(scp, oid_scp_pfx, sizeof oid_scp_pfx);
    scp[sizeof oid_scp_pfx] = 0x03;
    scp[sizeof oid_scp_pfx + 1] = se_card(s)->scp_i;
    tlv_put(w, 0x06, scp, sizeof scp);
    tlv_end(w, m);
    tlv_end(w, m73);
}

seam_err sd_fci(se *s, store_id sd, se_resp *r)
{
    const se_reg_rec *e = reg_get(s, sd);
    if (!e) return SEAM_E_NOT_FOUND;
    seam_wr w;
    seam_wr_init(&w, r->p + r->len, r->cap - r->len);
    /* GP CS 2.3.1 §11.9.3.1: FCI of a security domain. */
    size_t m6f = tlv_begin(&w, 0x6F);
    tlv_put(&w, 0x84, e->aid, e->aid_len);
    size_t ma5 = tlv_begin(&w, 0xA5);
    put_card_recognition(s, &w);
    tlv_put_u8(&w, 0x9F65, 0xFF); /* maximum length of a command data field */
    tlv_end(&w, ma5);
    tlv_end(&w, m6f);
    if (w.err) return w.err;
    r->len += w.len;
    return SEAM_OK;
}

/* Key information template (GP CS 2.3.1 §11.3.3.1): C0 { key id, KVN, type, length }. */
static void put_key_info(se *s, seam_wr *w, store_id sd)
{
    size_t m = tlv_begin(w, 0xE0);
    for (store_id id = keys_next(s, sd, 0); id; id = keys_next(s, sd, id)) {
        const se_keyset_rec *k = keys_get(s, id);
        for (uint8_t kid = 1; kid <= 3; kid++) {
            uint8_t v[4] = {kid, k->kvn, KEY_TYPE_AES, k->keylen};
            tlv_put(w, 0xC0, v, sizeof v);
        }
    }
    eckey_put_key_info(s, w, sd);
    dap_put_key_info(s, w, sd); /* DAP, token and receipt keys (dap.c) */
    tlv_end(w, m);
}

static uint16_t do_get_data(se *s, store_id sd, const apdu_cmd *c, se_resp *r)
{
    uint16_t tag0 = (uint16_t)(c->p1 << 8 | c->p2);
    if (tag0 == 0xBF21 || tag0 == 0xFF33 || tag0 == 0xFF34)
        return certstore_get_data(s, sd, tag0, c, r); /* Amendment F (certstore.c) */
    if (tag0 == TRUST_TAG_ANCHORS) return trust_get_data(s, sd, c, r); /* trust.c */
    if (c->lc) return SW_WRONG_LENGTH;
    const se_card_rec *card = se_card(s);
    seam_wr w;
    seam_wr_init(&w, r->p, r->cap);
    uint16_t tag = (uint16_t)(c->p1 << 8 | c->p2);
    switch (tag) {
    case 0x9F7F:
        tlv_put(&w, 0x9F7F, card->cplc, sizeof card->cplc);
        break;
    case 0x0066: {
        size_t m = tlv_begin(&w, 0x66);
        put_card_recognition(s, &w);
        tlv_end(&w, m);
        break;
    }
    case 0x00E0:
        put_key_info(s, &w, sd);
        break;
    case 0x0042:
        tlv_put(&w, 0x42, card->iin, card->iin_len);
        break;
    case 0x0045:
        tlv_put(&w, 0x45, card->cin, card->cin_len);
        break;
    case 0x00CF:
        tlv_put(&w, 0xCF, card->kdd, sizeof card->kdd);
        break;
    case 0x00C1:
        tlv_put(&w, 0xC1, card->seq, sizeof card->seq);
        break;
    default:
        return SW_REFERENCED_DATA_NOT_FOUND;
    }
    if (w.err) return SW_UNKNOWN;
    r->len = w.len;
    return SW_NO_ERROR;
}

/* ---- key management ---- */

typedef struct {
    uint8_t keylen;
    uint8_t key[3][32];
    uint8_t kcv[3][3];
} new_keyset;

/* Parses and decrypts the key data of PUT KEY: KVN, then three AES keys (Amendment D §7.4.2,
 * GP CS 2.3.1 §11.8.2.3): '88' Lkd [Lclear] E(DEK, key) Lkcv KCV.
 *  - Amendment D form: Lkd = 1 + the encrypted length (16 or 32: the key is encrypted with
 *    AES-CBC, zero ICV, padded to a whole block), Lclear = 16, 24 or 32 says how much of the
 *    decrypted block(s) is key (AES-192 keys travel in two blocks);
 *  - the form without Lclear that yubikit and OpenSCP send: Lkd = 16 or 32, the key's length. */
static uint16_t parse_key_data(const uint8_t *dek, size_t dek_len, const uint8_t *p, size_t n,
                               uint8_t *kvn, new_keyset *out)
{
    seam_rd rd;
    seam_rd_init(&rd, p, n);
    if (seam_rd_u8(&rd, kvn) != SEAM_OK) return SW_WRONG_LENGTH;
    if (*kvn == 0 || *kvn > 0x7F) return SW_WRONG_DATA;
    uint8_t iv[16] = {0};
    for (int i = 0; i < 3; i++) {
        uint8_t type, lkd, lclear, lkcv, plain[32];
        size_t lenc;
        const uint8_t *enc, *kcv = NULL;
        if (seam_rd_u8(&rd, &type) || seam_rd_u8(&rd, &lkd)) return SW_WRONG_DATA;
        if (type != KEY_TYPE_AES) return SW_WRONG_DATA;
        if (lkd == 17 || lkd == 33) {
            lenc = lkd - 1u;
            if (seam_rd_u8(&rd, &lclear)) return SW_WRONG_DATA;
            if (!(lclear == 16 && lenc == 16) && !((lclear == 24 || lclear == 32) && lenc == 32))
                return SW_WRONG_DATA;
        } else if (lkd == 16 || lkd == 32) {
            lclear = lkd;
            lenc = lkd;
        } else {
            return SW_WRONG_DATA;
        }
        if (seam_rd_bytes(&rd, lenc, &enc) || seam_rd_u8(&rd, &lkcv)) return SW_WRONG_DATA;
        if (lkcv != 0 && lkcv != 3) return SW_WRONG_DATA;
        if (lkcv && seam_rd_bytes(&rd, 3, &kcv)) return SW_WRONG_DATA;
        if (i == 0)
            out->keylen = lclear;
        else if (lclear != out->keylen)
            return SW_WRONG_DATA;
        seam_err e = cr_aes_cbc_decrypt(dek, dek_len, iv, enc, lenc, plain);
        if (e == SEAM_OK) memcpy(out->key[i], plain, lclear);
        seam_wipe(plain, sizeof plain);
        if (e != SEAM_OK) return SW_UNKNOWN;
        if (scp03_kcv(out->key[i], lclear, out->kcv[i]) != SEAM_OK) return SW_UNKNOWN;
        if (kcv && !seam_ct_equal(kcv, out->kcv[i], 3)) return SW_WRONG_DATA;
    }
    if (seam_rd_left(&rd)) return SW_WRONG_DATA;
    return 0;
}

/* PUT KEY (GP CS 2.3.1 §11.8; Amendment D §7.?): add (P1 = 00) or replace (P1 = old KVN) a
 * whole AES key set (P2 = 81: key identifiers 1..3 in one command). */
static uint16_t do_put_key(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r)
{
    if (c->p1 & 0x80) return SW_INCORRECT_P1P2; /* multiple PUT KEY commands: not supported */
    if (c->p2 != 0x81) return SW_INCORRECT_P1P2;
    const se_chan *chan = &s->chan[ch];
    if (!chan->sc_dek_len) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    uint8_t kvn;
    new_keyset nk;
    uint16_t sw = parse_key_data(chan->sc_dek, chan->sc_dek_len, c->data, c->lc, &kvn, &nk);
    if (sw) {
        seam_wipe(&nk, sizeof nk);
        return sw;
    }
    store_id old = 0, clash = keys_find(s, sd, kvn);
    if (c->p1) {
        old = keys_find(s, sd, c->p1);
        if (!old)
            sw = SW_REFERENCED_DATA_NOT_FOUND;
        else if (clash && clash != old)
            sw = SW_WRONG_DATA;
    } else if (clash) {
        sw = SW_WRONG_DATA;
    }
    if (sw) {
        seam_wipe(&nk, sizeof nk);
        return sw;
    }
    se_keyset_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kvn = kvn;
    rec.type = KEY_TYPE_AES;
    rec.keylen = nk.keylen;
    rec.tries_left = se_card(s)->try_limit;
    memcpy(rec.enc, nk.key[0], nk.keylen);
    memcpy(rec.mac, nk.key[1], nk.keylen);
    memcpy(rec.dek, nk.key[2], nk.keylen);

    seam_err e = store_tx_begin(s->st);
    if (e == SEAM_OK) {
        if (old) {
            e = store_write(s->st, old, 0, &rec, sizeof rec);
        } else {
            /* Adding the first key set of the issuer removes the factory test key set
             * (KVN FF), so the well-known keys never outlive personalisation. */
            store_id test = sd == s->isd_id ? keys_find(s, sd, 0xFF) : 0;
            if (test && test == keys_find(s, sd, 0) && !keys_next(s, sd, test))
                e = store_free(s->st, test);
            store_id id;
            if (e == SEAM_OK) e = store_alloc(s->st, sd, SE_OBJ_KEYSET, sizeof rec, &id);
            if (e == SEAM_OK) e = store_write(s->st, id, 0, &rec, sizeof rec);
        }
        if (e == SEAM_OK)
            e = store_tx_commit(s->st);
        else
            store_tx_abort(s->st);
    }
    seam_wipe(&rec, sizeof rec);
    if (e != SEAM_OK) {
        seam_wipe(&nk, sizeof nk);
        return se_sw_of(e);
    }
    r->p[0] = kvn;
    for (int i = 0; i < 3; i++)
        memcpy(r->p + 1 + (size_t)3 * i, nk.kcv[i], 3);
    r->len = 10;
    seam_wipe(&nk, sizeof nk);
    return SW_NO_ERROR;
}

/* DELETE (GP CS 2.3.1 §11.2) of keys: data D0 KID and/or D2 KVN (one byte each, each at most
 * once); every key matching both given values goes (what yubikit's delete_key sends):
 *  - D2 alone: the AES key set with that KVN and every ECC key with that KVN;
 *  - D0 with an ECC KID ('10', '11', '13', '15'), with or without D2: the ECC keys of that KID
 *    (and KVN); D0 with an AES key id (1..3) is refused (6A81: the key set is the unit);
 *  - the last AES key set never goes (6985); nothing matching is 6A88.
 * ECC keys are wiped and go with their stored certificates (eckey_delete), all in one store
 * transaction. P2 '00', '80' (GP: "and related objects", nothing more here) or '01' (yubikit's
 * "delete the last key": seam still keeps its last AES key set). Needs a session that
 * authenticated the off-card entity (checked by the caller).
 * Deleting an application or a load file (4F) is content management (content.c); the ISD
 * itself cannot be deleted. */
static uint16_t do_delete(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r)
{
    if (c->p1 != 0x00 || (c->p2 != 0x00 && c->p2 != 0x80 && c->p2 != 0x01))
        return SW_INCORRECT_P1P2;
    tlv_t aid_t;
    seam_err e;
    if (c->lc == 0) return SW_WRONG_LENGTH;
    /* the whole field must be well-formed TLV */
    tlv_iter it;
    tlv_t t;
    tlv_iter_init(&it, c->data, c->lc);
    while ((e = tlv_next(&it, &t)) == SEAM_OK)
        ;
    if (e != SEAM_E_NOT_FOUND) return SW_WRONG_DATA;
    if (tlv_find(c->data, c->lc, 0x4F, &aid_t) == SEAM_OK) {
        if (c->p2 == 0x01) return SW_INCORRECT_P1P2;
        const se_reg_rec *reg = reg_get(s, sd);
        if (aid_t.len == reg->aid_len && !memcmp(aid_t.value, reg->aid, aid_t.len))
            return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
        /* a Delegated Management SSD: 4F AID, B6 token identifier, 9E token (GP CS 2.3.1
         * §11.2.2.3, §C.4); the token is checked here, consumed by cm_delete */
        dap_token_info ti;
        memset(&ti, 0, sizeof ti);
        size_t body = c->lc;
        bool delegated = cm_authority_of(s, sd) == CM_AUTH_DM;
        if (delegated) {
            uint16_t sw = cm_delegated_token_check(s, sd, c, &ti);
            if (sw) return sw;
            if (dap_token_offset(0xE4, c->p1, c->data, c->lc, &body) != SEAM_OK)
                return SW_WRONG_DATA;
        }
        /* one AID first, then nothing (or, token-signed, only the token identifier) */
        if (tlv_parse(c->data, body, &aid_t) != SEAM_OK || aid_t.tag != 0x4F) return SW_WRONG_DATA;
        if (delegated ? !dap_only_token_id(c->data + aid_t.total, body - aid_t.total)
                      : aid_t.total != c->lc)
            return SW_WRONG_DATA;
        if (aid_t.len < 5 || aid_t.len > 16) return SW_REFERENCED_DATA_NOT_FOUND;
        return cm_delete(s, ch, aid_t.value, aid_t.len, c->p2 == 0x80, delegated ? &ti : NULL, r);
    }
    if (s->chan[ch].sc_scp11b || trust_guards_keys(s, sd)) return SW_SECURITY_STATUS_NOT_SATISFIED;
    int kid = -1, kvn = -1;
    tlv_iter_init(&it, c->data, c->lc);
    while (tlv_next(&it, &t) == SEAM_OK) {
        int *v = t.tag == 0xD0 ? &kid : t.tag == 0xD2 ? &kvn : NULL;
        if (!v || *v >= 0 || t.len != 1) return SW_WRONG_DATA;
        *v = t.value[0];
    }
    if (kid == 0 || kvn == 0 || (kid < 0 && kvn < 0)) return SW_WRONG_DATA;
    if (kid > 0 && !eckey_kid_valid((uint8_t)kid)) {
        if (kid <= 3) return SW_FUNC_NOT_SUPPORTED;
        return SW_REFERENCED_DATA_NOT_FOUND;
    }
    store_id ks = kid < 0 ? keys_find(s, sd, (uint8_t)kvn) : 0;
    if (ks && keys_next(s, sd, 0) == ks && !keys_next(s, sd, ks))
        return SW_CONDITIONS_OF_USE_NOT_SATISFIED; /* never delete the last key set */
    unsigned n = 0;
    e = store_tx_begin(s->st);
    if (e == SEAM_OK && ks) {
        static const se_keyset_rec zero;
        e = store_write(s->st, ks, 0, &zero, sizeof zero);
        if (e == SEAM_OK) e = store_free(s->st, ks);
    }
    if (e == SEAM_OK)
        e = eckey_delete(s, sd, kid > 0 ? (uint8_t)kid : 0, kvn > 0 ? (uint8_t)kvn : 0, &n);
    if (e == SEAM_OK && !ks && n == 0) e = SEAM_E_NOT_FOUND;
    if (e == SEAM_OK) {
        e = store_tx_commit(s->st);
    } else if (store_in_tx(s->st)) {
        store_tx_abort(s->st);
    }
    if (e == SEAM_E_NOT_FOUND) return SW_REFERENCED_DATA_NOT_FOUND;
    if (e != SEAM_OK) return se_sw_of(e);
    r->p[0] = 0x00;
    r->len = 1;
    return SW_NO_ERROR;
}

/* ---- life cycle and registry ---- */

static bool card_transition_ok(uint8_t from, uint8_t to, const se_reg_rec *sd)
{
    if (to == GP_CARD_TERMINATED) return (sd->priv[0] & GP_PRIV0_CARD_TERMINATE) != 0;
    switch (from) {
    case GP_CARD_OP_READY:
        return to == GP_CARD_INITIALIZED || to == GP_CARD_SECURED;
    case GP_CARD_INITIALIZED:
        return to == GP_CARD_SECURED;
    case GP_CARD_SECURED:
        return to == GP_CARD_LOCKED && (sd->priv[0] & GP_PRIV0_CARD_LOCK);
    case GP_CARD_LOCKED:
        return to == GP_CARD_SECURED && (sd->priv[0] & GP_PRIV0_CARD_LOCK);
    default:
        return false;
    }
}

/* TERMINATED is forever (GP CS 2.3.1 §5.1.1.5): with the state change, in the same
 * transaction, every key set is overwritten with zeros and deleted, so no key outlives the card's
 * life (DESIGN.md §4: zeroise secrets on terminate). */
static seam_err terminate_card(se *s)
{
    static const uint8_t zero[sizeof(se_keyset_rec) > sizeof(se_eckey_rec) ? sizeof(se_keyset_rec)
                                                                           : sizeof(se_eckey_rec)];
    uint8_t lc = GP_CARD_TERMINATED;
    seam_err e = store_tx_begin(s->st);
    if (e != SEAM_OK) return e;
    e = se_card_write(s, offsetof(se_card_rec, life_cycle), &lc, 1);
    for (store_id id = store_next(s->st, 0); e == SEAM_OK && id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) != SEAM_OK ||
            (type != SE_OBJ_KEYSET && type != SE_OBJ_ECKEY && type != SE_OBJ_DAPKEY) ||
            size > sizeof zero)
            continue;
        e = store_write(s->st, id, 0, zero, size);
        if (e == SEAM_OK) e = store_free(s->st, id);
    }
    if (e == SEAM_OK) return store_tx_commit(s->st);
    store_tx_abort(s->st);
    return e;
}

/* SET STATUS (GP CS 2.3.1 §11.10). */
static uint16_t do_set_status(se *s, store_id sd, const apdu_cmd *c)
{
    const se_reg_rec *sdr = reg_get(s, sd);
    if (c->p1 == 0x80) {
        /* data: empty, or the AID of the ISD (the card's state is the ISD's) or of the SD
         * sending the command */
        const se_reg_rec *isd = reg_get(s, s->isd_id);
        if (c->lc && !(c->lc == sdr->aid_len && !memcmp(c->data, sdr->aid, c->lc)) &&
            !(c->lc == isd->aid_len && !memcmp(c->data, isd->aid, c->lc)))
            return SW_REFERENCED_DATA_NOT_FOUND;
        uint8_t from = se_card(s)->life_cycle;
        /* an SSD changes the card's state only by its Card Lock / Card Terminate privileges
         * (GP CS 2.3.1 §6.6.1.4-5): locking, unlocking, terminating */
        if (sdr->kind != REG_KIND_ISD && c->p2 != GP_CARD_TERMINATED && c->p2 != GP_CARD_LOCKED &&
            !(from == GP_CARD_LOCKED && c->p2 == GP_CARD_SECURED))
            return SW_SECURITY_STATUS_NOT_SATISFIED;
        if (!card_transition_ok(from, c->p2, sdr))
            return sdr->kind == REG_KIND_ISD ? SW_WRONG_DATA : SW_SECURITY_STATUS_NOT_SATISFIED;
        if (c->p2 == GP_CARD_TERMINATED) return se_sw_of(terminate_card(s));
        seam_err e = se_card_write(s, offsetof(se_card_rec, life_cycle), &c->p2, 1);
        return se_sw_of(e);
    }
    if (c->p1 == 0x40 || c->p1 == 0x60) return ssd_set_status(s, sd, c); /* ssd.c */
    if (c->p1 == 0x20) {
        if (c->lc < 5 || c->lc > 16) return SW_WRONG_DATA;
        store_id id = reg_find(s, c->data, c->lc, false, 0, false);
        if (!id) return SW_REFERENCED_DATA_NOT_FOUND;
        return SW_WRONG_DATA; /* load files have no life cycle to set */
    }
    return SW_INCORRECT_P1P2;
}

/* One GET STATUS entry (GP CS 2.3.1 §11.4.3). Tagged (P2 b2): E3 { 4F AID, 9F70 life cycle,
 * C5 privileges (not for load files), C4 the application's load file, CE the load file's version,
 * 84 its modules (P1 10), CC the associated security domain }. The deprecated format
 * (§11.4.3.1): AID length, AID, life cycle, privileges (1 byte), and for P1 10 the number of
 * modules and each module's length and AID. */
static void put_status_entry(se *s, seam_wr *w, const se_reg_rec *e, uint8_t p1, bool tagged)
{
    uint8_t lc = e->kind == REG_KIND_ISD ? se_card(s)->life_cycle : e->life_cycle;
    cm_pkg_info pi;
    memset(&pi, 0, sizeof pi);
    if (e->kind == REG_KIND_LOAD_FILE) cm_pkg_info_of(s, e, &pi);
    const se_reg_rec *elf = e->kind == REG_KIND_APP ? reg_get(s, seam_be32(e->elf_id)) : NULL;
    const se_reg_rec *sd = e->kind != REG_KIND_ISD ? reg_get(s, seam_be32(e->sd_id)) : NULL;
    bool modules = p1 == 0x10 && e->kind == REG_KIND_LOAD_FILE;
    if (tagged) {
        size_t m = tlv_begin(w, 0xE3);
        tlv_put(w, 0x4F, e->aid, e->aid_len);
        tlv_put_u8(w, 0x9F70, lc);
        if (e->kind != REG_KIND_LOAD_FILE) tlv_put(w, 0xC5, e->priv, 3);
        if (elf) tlv_put(w, 0xC4, elf->aid, elf->aid_len);
        if (e->kind == REG_KIND_SSD) tlv_put(w, 0xC4, ssd_elf_aid, SSD_ELF_AID_LEN);
        if (e->kind == REG_KIND_LOAD_FILE && pi.aid) {
            uint8_t v[2] = {pi.major, pi.minor};
            tlv_put(w, 0xCE, v, 2);
        }
        for (uint8_t i = 0; modules && i < pi.napplets; i++)
            tlv_put(w, 0x84, pi.applet_aid[i], pi.applet_aid_len[i]);
        if (sd) tlv_put(w, 0xCC, sd->aid, sd->aid_len);
        tlv_end(w, m);
    } else {
        seam_wr_u8(w, e->aid_len);
        seam_wr_bytes(w, e->aid, e->aid_len);
        seam_wr_u8(w, lc);
        seam_wr_u8(w, e->priv[0]);
        if (modules) {
            seam_wr_u8(w, pi.napplets);
            for (uint8_t i = 0; i < pi.napplets; i++) {
                seam_wr_u8(w, pi.applet_aid_len[i]);
                seam_wr_bytes(w, pi.applet_aid[i], pi.applet_aid_len[i]);
            }
        }
    }
}

/* The security domain load file (and with P1 10 its module) as a GET STATUS entry: LOADED,
 * associated with the ISD (GP CS 2.3.1 §9.1: the card's own code; it is no store object). */
static void put_sd_elf_entry(se *s, seam_wr *w, uint8_t p1, bool tagged)
{
    const se_reg_rec *isd = reg_get(s, s->isd_id);
    if (tagged) {
        size_t m = tlv_begin(w, 0xE3);
        tlv_put(w, 0x4F, ssd_elf_aid, SSD_ELF_AID_LEN);
        tlv_put_u8(w, 0x9F70, GP_ELF_LOADED);
        static const uint8_t version[2] = {0x01, 0x00};
        tlv_put(w, 0xCE, version, sizeof version);
        if (p1 == 0x10) tlv_put(w, 0x84, ssd_module_aid, SSD_MODULE_AID_LEN);
        tlv_put(w, 0xCC, isd->aid, isd->aid_len);
        tlv_end(w, m);
    } else {
        seam_wr_u8(w, SSD_ELF_AID_LEN);
        seam_wr_bytes(w, ssd_elf_aid, SSD_ELF_AID_LEN);
        seam_wr_u8(w, GP_ELF_LOADED);
        seam_wr_u8(w, 0x00);
        if (p1 == 0x10) {
            seam_wr_u8(w, 1);
            seam_wr_u8(w, SSD_MODULE_AID_LEN);
            seam_wr_bytes(w, ssd_module_aid, SSD_MODULE_AID_LEN);
        }
    }
}

/* GET STATUS answers at most this much data per command; the rest follows 6310 with P2 b1 set
 * ("next occurrence", GP CS 2.3.1 §11.4.2.2), so a host with short APDUs gets every entry. */
#define STATUS_RESP_MAX 255

/* GET STATUS (GP CS 2.3.1 §11.4). Entries come in registry order (load files: the security
 * domain load file first); when the next entry does not fit STATUS_RESP_MAX the answer ends with
 * 6310 and the channel remembers where it stopped. An SD without Global Registry sees only itself
 * and what is associated with it (ssd_sees). */
static uint16_t do_get_status(se *s, uint8_t ch, const apdu_cmd *c, se_resp *r)
{
    store_id sd = s->chan[ch].selected;
    uint8_t want;
    switch (c->p1) {
    case 0x80:
        want = REG_KIND_ISD;
        break;
    case 0x40:
        want = REG_KIND_APP;
        break;
    case 0x20:
    case 0x10:
        want = REG_KIND_LOAD_FILE;
        break;
    default:
        return SW_INCORRECT_P1P2;
    }
    if (c->p2 & ~0x03) return SW_INCORRECT_P1P2;
    bool tagged = c->p2 & 0x02, next = c->p2 & 0x01;
    /* Search criteria: 4F (AID prefix, possibly empty), optionally a 5C tag list. */
    tlv_t crit;
    if (c->lc == 0) return SW_WRONG_LENGTH;
    tlv_iter it;
    tlv_t t;
    seam_err e;
    tlv_iter_init(&it, c->data, c->lc);
    while ((e = tlv_next(&it, &t)) == SEAM_OK)
        if (t.tag != 0x4F && t.tag != 0x5C) return SW_WRONG_DATA;
    if (e != SEAM_E_NOT_FOUND) return SW_WRONG_DATA;
    if (tlv_find(c->data, c->lc, 0x4F, &crit) != SEAM_OK || crit.len > 16) return SW_WRONG_DATA;
    cm_status_cursor *cur = cm_status_cursor_of(s, ch);
    store_id after = 0;
    bool past_virtual = false;
    if (next) {
        /* the same query as the one that got 6310 */
        if (!cur || cur->p1 != c->p1 || cur->tagged != tagged || cur->crit_len != crit.len ||
            (crit.len && memcmp(cur->crit, crit.value, crit.len) != 0))
            return SW_REFERENCED_DATA_NOT_FOUND;
        after = cur->after;
        past_virtual = cur->past_virtual;
    }
    if (cur) cur->p1 = 0;

    seam_wr w;
    seam_wr_init(&w, r->p, r->cap < STATUS_RESP_MAX ? r->cap : STATUS_RESP_MAX);
    int found = 0;
    store_id last = 0;
    bool more = false;
    if (want == REG_KIND_LOAD_FILE && !past_virtual && ssd_sees(s, sd, 0, NULL) &&
        crit.len <= SSD_ELF_AID_LEN &&
        (crit.len == 0 || memcmp(ssd_elf_aid, crit.value, crit.len) == 0)) {
        put_sd_elf_entry(s, &w, c->p1, tagged);
        if (w.err) return SW_UNKNOWN;
        found++;
    }
    past_virtual = true;
    for (store_id id = reg_next(s, after); id; id = reg_next(s, id)) {
        const se_reg_rec *reg = reg_get(s, id);
        if (!reg || !ssd_sees(s, sd, id, reg)) continue;
        bool kind_ok = reg->kind == want || (want == REG_KIND_APP && reg->kind == REG_KIND_SSD);
        if (!kind_ok) continue;
        if (crit.len > reg->aid_len || (crit.len && memcmp(reg->aid, crit.value, crit.len) != 0))
            continue;
        size_t mark = w.len;
        put_status_entry(s, &w, reg, c->p1, tagged);
        if (w.err) {
            if (!found) return SW_UNKNOWN; /* one entry larger than a response: cannot be */
            w.len = mark;
            w.err = SEAM_OK;
            more = true;
            break;
        }
        last = id;
        found++;
    }
    if (!found) return SW_REFERENCED_DATA_NOT_FOUND;
    r->len = w.len;
    if (more && cur) {
        cur->p1 = c->p1;
        cur->tagged = tagged;
        cur->after = last;
        cur->crit_len = (uint8_t)crit.len;
        cur->past_virtual = past_virtual;
        if (crit.len) memcpy(cur->crit, crit.value, crit.len);
        return 0x6310; /* GP CS 2.3.1 Table 11-34: more data available */
    }
    return SW_NO_ERROR;
}

/* ---- dispatch ---- */

uint16_t sd_process(se *s, uint8_t ch, const apdu_cmd *c, bool secured, se_resp *r)
{
    se_chan *chan = &s->chan[ch];
    store_id sd = chan->selected;
    apdu_cla cl;
    if (apdu_cla_decode(c->cla, &cl) != SEAM_OK) return SW_CLA_NOT_SUPPORTED;
    uint8_t lc = se_card(s)->life_cycle;
    bool authenticated = chan->sc_state == SC_AUTHENTICATED && chan->sc_sd == sd &&
                         (chan->scp.level & SCP03_LEVEL_CMAC);

    /* GET DATA and STORE DATA may come with an interindustry CLA (GP CS 2.3.1 §11.3, §11.11);
     * everything else here is GP's proprietary class. */
    switch (c->ins) {
    case 0xCA:
        break;
    case 0x2A:
    case 0x50:
    case 0x82:
    case 0x88:
    case 0xD8:
    case 0xE4:
    case 0xE6:
    case 0xE8:
    case 0xF0:
    case 0xF1:
    case 0xF2:
        if (!cl.proprietary) return SW_CLA_NOT_SUPPORTED;
        break;
    case 0xE2:
        break;
    default:
        return SW_INS_NOT_SUPPORTED;
    }
    if (lc == GP_CARD_TERMINATED && c->ins != 0xCA) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    /* an SSD locked while selected here serves nothing more (GP CS 2.3.1 §5.3.2.4) */
    const se_reg_rec *self = reg_get(s, sd);
    if (self && self->kind == REG_KIND_SSD && (self->life_cycle & GP_LC_LOCKED_BIT))
        return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    /* Trust anchors and quorum-signed commands (trust.c): STORE DATA of DF70 / DF71 on the ISD;
     * a quorum command needs no session (its signatures are the authority). */
    if (c->ins == 0xE2 && trust_claims(s, ch, c))
        return trust_store_data(s, ch, sd, c, authenticated && !chan->sc_scp11b, r);
    /* A session set up by SCP11b authenticated the card only: anyone holding the card's public
     * key (published in its certificate, GET DATA BF21) can open one (Amendment F; yubikit and
     * Yubico's SDK: "this does not authenticate the off-card entity"). Such a session may read
     * (GET DATA, GET STATUS) but change nothing: key management, content management and life
     * cycle need SCP03 or SCP11a/c. */
    if (authenticated && chan->sc_scp11b) {
        switch (c->ins) {
        case 0xD8: /* PUT KEY */
        case 0xE2: /* STORE DATA */
        case 0xE4: /* DELETE */
        case 0xE6: /* INSTALL */
        case 0xE8: /* LOAD */
        case 0xF0: /* SET STATUS */
        case 0xF1: /* GENERATE KEY */
            return SW_SECURITY_STATUS_NOT_SATISFIED;
        default:
            break;
        }
    }

    switch (c->ins) {
    case 0xCA:
        return do_get_data(s, sd, c, r);
    case 0x50:
        return scp03_sd_initialize_update(s, ch, sd, c, r);
    case 0x82:
        /* EXTERNAL AUTHENTICATE (SCP03) carries SM; MUTUAL AUTHENTICATE (SCP11a/c, Amendment
         * F) comes plain with CLA 80 and an SCP11 key identifier in P2. */
        if (!cl.secure_messaging && !secured && (c->p2 == GP_KID_SCP11A || c->p2 == GP_KID_SCP11C))
            return scp11_sd_authenticate(s, ch, sd, c, r);
        if (!cl.secure_messaging) {
            /* a plain command where the session requires SM ends it (Amendment D §6.2.4) */
            if (!secured && sd_requires_sm(s, ch)) sd_session_end(s, ch);
            return SW_SECURITY_STATUS_NOT_SATISFIED;
        }
        return scp03_sd_external_authenticate(s, ch, c);
    case 0x88:
        if (secured) return SW_SECURE_MESSAGING_NOT_SUPPORTED;
        return scp11_sd_authenticate(s, ch, sd, c, r);
    case 0x2A:
        return scp11_sd_pso(s, ch, sd, c);
    case 0xE2:
    case 0xF1:
        /* Amendment F key management (certstore.c, eckeys.c): only under a session that
         * authenticated the off-card entity (SCP03, SCP11a/c; not SCP11b, where anyone holding
         * the card's public key can open a session) */
        if (!authenticated || chan->sc_scp11b) return SW_SECURITY_STATUS_NOT_SATISFIED;
        /* once the card holds trust anchors and is SECURED, the ISD's keys change only by a
         * quorum-signed command (trust.c): a stolen session key cannot replace them */
        if (c->ins == 0xF1 && trust_guards_keys(s, sd)) return SW_SECURITY_STATUS_NOT_SATISFIED;
        /* after INSTALL [for personalization], the named SSD's (ssd.c) */
        if (c->ins == 0xE2) return certstore_store_data(s, ch, cm_key_target(s, ch, sd), c, r);
        return eckey_generate(s, ch, sd, c, r);
    case 0xD8:
    case 0xE4:
    case 0xE6:
    case 0xE8:
    case 0xF0:
    case 0xF2:
        if (!authenticated) return SW_SECURITY_STATUS_NOT_SATISFIED;
        /* card content management: the ISD, or an SSD with Authorized or Delegated Management
         * once PERSONALIZED (ssd.c) */
        if ((c->ins == 0xE6 || c->ins == 0xE8) && cm_authority_of(s, sd) == CM_AUTH_NONE)
            return SW_SECURITY_STATUS_NOT_SATISFIED;
        if (c->ins == 0xE6) return cm_install(s, ch, c, r);
        if (c->ins == 0xE8) return cm_load(s, ch, c, r);
        if (c->ins == 0xD8) {
            /* after INSTALL [for personalization], the named SSD's keys (GP CS 2.3.1 §7.3.1) */
            store_id ksd = cm_key_target(s, ch, sd);
            if (trust_guards_keys(s, ksd)) return SW_SECURITY_STATUS_NOT_SATISFIED;
            /* DAP, token and receipt keys (KVN 73, 70, 71; dap.c) */
            if (dap_put_key_claims(c)) return dap_put_key(s, ch, ksd, c, r);
            if (c->p2 == GP_KID_CA_KLOC_ECDSA || c->p2 == GP_KID_SCP11A || c->p2 == GP_KID_SCP11B ||
                c->p2 == GP_KID_SCP11C)
                return eckey_put_key(s, ch, ksd, c, r);
            return do_put_key(s, ch, ksd, c, r);
        }
        if (c->ins == 0xE4) return do_delete(s, ch, sd, c, r);
        if (c->ins == 0xF0) return do_set_status(s, sd, c);
        return do_get_status(s, ch, c, r);
    default:
        return SW_INS_NOT_SUPPORTED;
    }
}
