/*
 * Signed code (DAP), delegated management tokens and receipts on the card: GP CS 2.3.1 §9.2.1
 * (DAP verification), §11.6.2.3 (the E2 DAP block of LOAD), Appendix C.2-C.5 (DAP, tokens,
 * receipts) and §B.2.2 / §B.4.3 (AES-CMAC, ECDSA). The interface and the invariants are in
 * dap.h; docs/dap.md lists the formats and the choices made where GP is silent.
 *
 * Layout of the bytes (sources named where each is built below):
 *  - DAP block: E2 { 4F SD AID, C3 signature } (§11.6.2.3, Table 11-61; GPShell's readDAPBlock
 *    writes the same); the signed message is the Load File Data Block Hash (§C.2; GPPro's
 *    DAPSigner signs cap.getLoadFileDataHash with SHA256withECDSA and converts DER to r || s);
 *  - token signed data: P1 P2 Lc data-before-token (§C.4.1; GPPro DMTokenizer.dtbs, GPShell
 *    get_*_token_signature_data), then 4F Lsd AID of the SD that executes the command (seam's
 *    binding of a token to its SD, docs/dap.md; not sent, the card appends it);
 *  - receipt input: confirmation data || context LVs (§C.5; GPShell validate_*_receipt,
 *    GPPro ReceiptVerifier), the confirmation data being counter LV, SD unique data LV and
 *    (GP 2.3) the token identifier LV (GPShell build_confirmation_data).
 */
#include "se/gp/dap.h"

#include <string.h>

#include "seam/crypto.h"
#include "seam/scp03.h"
#include "seam/tlv.h"

/* ---- key objects ---- */

static bool kvn_type_ok(uint8_t kvn, uint8_t type, size_t len)
{
    bool aes = type == KEY_TYPE_AES && (len == 16 || len == 24 || len == 32);
    bool ecc = type == KEY_TYPE_ECC_PUB && len == CR_P256_PUB_LEN;
    switch (kvn) {
    case DAP_KVN_TOKEN:
        return ecc;
    case DAP_KVN_RECEIPT:
        return aes;
    case DAP_KVN_DAP:
        return aes || ecc;
    default:
        return false;
    }
}

const se_dapkey_rec *dap_key_get(se *s, store_id id)
{
    uint32_t owner;
    uint16_t type;
    size_t size;
    if (!id || store_info(s->st, id, &owner, &type, &size) != SEAM_OK) return NULL;
    if (type != SE_OBJ_DAPKEY || size != sizeof(se_dapkey_rec)) return NULL;
    const se_dapkey_rec *k = (const se_dapkey_rec *)store_view(s->st, id, &size);
    if (!k || k->kid != DAP_KID || !kvn_type_ok(k->kvn, k->type, k->len)) return NULL;
    return k;
}

static store_id key_next(se *s, store_id sd, store_id after)
{
    for (store_id id = store_next(s->st, after); id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) == SEAM_OK && type == SE_OBJ_DAPKEY &&
            owner == sd && dap_key_get(s, id))
            return id;
    }
    return 0;
}

store_id dap_key_find(se *s, store_id sd, uint8_t kvn)
{
    for (store_id id = key_next(s, sd, 0); id; id = key_next(s, sd, id))
        if (kvn == 0 || dap_key_get(s, id)->kvn == kvn) return id;
    return 0;
}

static bool is_sd(const se_reg_rec *r)
{
    return r && (r->kind == REG_KIND_ISD || r->kind == REG_KIND_SSD);
}

seam_err dap_key_install(se *s, store_id sd, uint8_t kvn, uint8_t type, const uint8_t *key,
                         size_t len)
{
    if (!s || !is_sd(reg_get(s, sd)) || !key || !kvn_type_ok(kvn, type, len)) return SEAM_E_ARG;
    if (type == KEY_TYPE_ECC_PUB && cr_p256_check_public(key, len) != SEAM_OK) return SEAM_E_FORMAT;
    se_dapkey_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kvn = kvn;
    rec.kid = DAP_KID;
    rec.type = type;
    rec.len = (uint8_t)len;
    memcpy(rec.key, key, len);
    seam_err e = SEAM_OK;
    bool own_tx = !store_in_tx(s->st);
    if (own_tx) e = store_tx_begin(s->st);
    store_id id = dap_key_find(s, sd, kvn);
    if (e == SEAM_OK && !id) e = store_alloc(s->st, sd, SE_OBJ_DAPKEY, sizeof rec, &id);
    if (e == SEAM_OK) e = store_write(s->st, id, 0, &rec, sizeof rec);
    if (own_tx) {
        if (e == SEAM_OK)
            e = store_tx_commit(s->st);
        else if (store_in_tx(s->st))
            store_tx_abort(s->st);
    }
    seam_wipe(&rec, sizeof rec);
    return e;
}

seam_err dap_key_delete(se *s, store_id sd, uint8_t kvn, unsigned *count)
{
    static const se_dapkey_rec zero;
    *count = 0;
    store_id id = key_next(s, sd, 0);
    while (id) {
        store_id next = key_next(s, sd, id);
        if (kvn == 0 || dap_key_get(s, id)->kvn == kvn) {
            seam_err e = store_write(s->st, id, 0, &zero, sizeof zero);
            if (e == SEAM_OK) e = store_free(s->st, id);
            if (e != SEAM_OK) return e;
            (*count)++;
        }
        id = next;
    }
    return SEAM_OK;
}

static bool dap_kvn(uint8_t v)
{
    return v == DAP_KVN_TOKEN || v == DAP_KVN_RECEIPT || v == DAP_KVN_DAP;
}

bool dap_put_key_claims(const apdu_cmd *c)
{
    if (c->ins != 0xD8 || (c->p2 & 0x7F) != DAP_KID) return false;
    return dap_kvn(c->p1) || (c->lc >= 1 && dap_kvn(c->data[0]));
}

/* One BER length of a PUT KEY component (one byte, or '81' xx). */
static bool rd_len81(seam_rd *rd, size_t *len)
{
    uint8_t l0, l1;
    if (seam_rd_u8(rd, &l0)) return false;
    if (l0 < 0x80) {
        *len = l0;
        return true;
    }
    if (l0 != 0x81 || seam_rd_u8(rd, &l1) || l1 < 0x80) return false;
    *len = l1;
    return true;
}

/* The AES component after its '88' type byte: Lkd [Lclear] E(DEK, key) Lkcv [KCV], the two
 * forms sd.c's key sets accept (Amendment D §7.4.2 with Lclear; yubikit/OpenSCP without). */
static uint16_t parse_aes(const uint8_t *dek, size_t dek_len, seam_rd *rd, uint8_t key[32],
                          size_t *keylen, uint8_t kcv_out[3])
{
    uint8_t lkd, lclear, lkcv;
    size_t lenc;
    const uint8_t *enc, *kcv = NULL;
    if (seam_rd_u8(rd, &lkd)) return SW_WRONG_DATA;
    if (lkd == 17 || lkd == 33) {
        lenc = lkd - 1u;
        if (seam_rd_u8(rd, &lclear)) return SW_WRONG_DATA;
        if (!(lclear == 16 && lenc == 16) && !((lclear == 24 || lclear == 32) && lenc == 32))
            return SW_WRONG_DATA;
    } else if (lkd == 16 || lkd == 32) {
        lclear = lkd;
        lenc = lkd;
    } else {
        return SW_WRONG_DATA;
    }
    if (seam_rd_bytes(rd, lenc, &enc) || seam_rd_u8(rd, &lkcv)) return SW_WRONG_DATA;
    if (lkcv != 0 && lkcv != 3) return SW_WRONG_DATA;
    if (lkcv && seam_rd_bytes(rd, 3, &kcv)) return SW_WRONG_DATA;
    if (!dek_len) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    uint8_t iv[16] = {0}, plain[32];
    seam_err e = cr_aes_cbc_decrypt(dek, dek_len, iv, enc, lenc, plain);
    if (e == SEAM_OK) memcpy(key, plain, lclear);
    seam_wipe(plain, sizeof plain);
    if (e != SEAM_OK) return SW_UNKNOWN;
    *keylen = lclear;
    if (scp03_kcv(key, lclear, kcv_out) != SEAM_OK) return SW_UNKNOWN;
    if (kcv && !seam_ct_equal(kcv, kcv_out, 3)) return SW_WRONG_DATA;
    return 0;
}

/* Skips the optional empty KCV length '00' after an ECC component (as eckeys.c). */
static void skip_empty_kcv(seam_rd *rd)
{
    const uint8_t *z;
    if (seam_rd_left(rd) && rd->p[rd->off] == 0x00) seam_rd_bytes(rd, 1, &z);
}

uint16_t dap_put_key(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r)
{
    if (c->p2 != DAP_KID) return SW_INCORRECT_P1P2;
    seam_rd rd;
    seam_rd_init(&rd, c->data, c->lc);
    uint8_t kvn, type;
    if (seam_rd_u8(&rd, &kvn) != SEAM_OK) return SW_WRONG_LENGTH;
    if (!dap_kvn(kvn) || (c->p1 != 0 && c->p1 != kvn)) return SW_WRONG_DATA;
    store_id old = dap_key_find(s, sd, kvn);
    if (c->p1 && !old) return SW_REFERENCED_DATA_NOT_FOUND;
    if (!c->p1 && old) return SW_WRONG_DATA; /* adding a key that exists */
    if (seam_rd_u8(&rd, &type) != SEAM_OK) return SW_WRONG_DATA;
    const se_chan *chan = &s->chan[ch];
    uint8_t key[65], kcv[3];
    size_t len = 0;
    uint16_t sw = 0;
    if (type == KEY_TYPE_AES) {
        sw = parse_aes(chan->sc_dek, chan->sc_dek_len, &rd, key, &len, kcv);
    } else if (type == KEY_TYPE_ECC_PUB) {
        const uint8_t *pub;
        if (!rd_len81(&rd, &len) || len != CR_P256_PUB_LEN || seam_rd_bytes(&rd, len, &pub)) {
            sw = SW_WRONG_DATA;
        } else {
            memcpy(key, pub, len);
            skip_empty_kcv(&rd);
            uint8_t t, l, v;
            if (seam_rd_left(&rd)) {
                if (seam_rd_u8(&rd, &t) || seam_rd_u8(&rd, &l) || seam_rd_u8(&rd, &v) ||
                    t != KEY_TYPE_ECC_PARAM || l != 1)
                    sw = SW_WRONG_DATA;
                else if (v != 0x00)
                    sw = SW_FUNC_NOT_SUPPORTED; /* only P-256 */
                skip_empty_kcv(&rd);
            }
        }
    } else {
        sw = SW_WRONG_DATA;
    }
    if (!sw && seam_rd_left(&rd)) sw = SW_WRONG_DATA;
    if (!sw && !kvn_type_ok(kvn, type, len)) sw = SW_WRONG_DATA;
    if (!sw) {
        seam_err e = dap_key_install(s, sd, kvn, type, key, len);
        if (e == SEAM_E_FORMAT || e == SEAM_E_ARG)
            sw = SW_WRONG_DATA;
        else if (e != SEAM_OK)
            sw = se_sw_of(e);
    }
    seam_wipe(key, sizeof key);
    if (sw) return sw;
    r->p[0] = kvn;
    r->len = 1;
    if (type == KEY_TYPE_AES) {
        memcpy(r->p + 1, kcv, 3);
        r->len = 4;
    }
    return SW_NO_ERROR;
}

void dap_put_key_info(se *s, seam_wr *w, store_id sd)
{
    for (store_id id = key_next(s, sd, 0); id; id = key_next(s, sd, id)) {
        const se_dapkey_rec *k = dap_key_get(s, id);
        uint8_t v[4] = {k->kid, k->kvn, k->type, k->len};
        tlv_put(w, 0xC0, v, sizeof v);
    }
}

/* ---- the card's state object ---- */

static store_id state_find(se *s)
{
    for (store_id id = store_next(s->st, 0); id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) == SEAM_OK && type == SE_OBJ_DAPSTATE &&
            size == sizeof(se_dapstate_rec))
            return id;
    }
    return 0;
}

static const se_dapstate_rec *state_get(se *s)
{
    size_t size;
    store_id id = state_find(s);
    const se_dapstate_rec *st = id ? (const se_dapstate_rec *)store_view(s->st, id, &size) : NULL;
    return st && st->version == 1 && st->has_token_id <= 1 ? st : NULL;
}

/* The state object, created inside the caller's transaction on first use. */
static seam_err state_open(se *s, store_id *out)
{
    if (!store_in_tx(s->st)) return SEAM_E_STATE;
    store_id id = state_find(s);
    if (id) {
        if (!state_get(s)) return SEAM_E_CORRUPT;
        *out = id;
        return SEAM_OK;
    }
    se_dapstate_rec st;
    memset(&st, 0, sizeof st);
    st.version = 1;
    seam_err e = store_alloc(s->st, s->isd_id, SE_OBJ_DAPSTATE, sizeof st, &id);
    if (e == SEAM_OK) e = store_write(s->st, id, 0, &st, sizeof st);
    if (e == SEAM_OK) *out = id;
    return e;
}

bool dap_obj_valid(se *s, store_id id)
{
    uint32_t owner;
    uint16_t type;
    size_t size;
    if (store_info(s->st, id, &owner, &type, &size) != SEAM_OK) return false;
    if (type == SE_OBJ_DAPKEY) return dap_key_get(s, id) && is_sd(reg_get(s, owner));
    if (type != SE_OBJ_DAPSTATE || size != sizeof(se_dapstate_rec)) return false;
    const se_dapstate_rec *st = (const se_dapstate_rec *)store_view(s->st, id, &size);
    return st && st->version == 1 && st->has_token_id <= 1 && reg_get(s, owner) &&
           state_find(s) == id;
}

/* ---- DAP verification ---- */

#define DAP_MAX_BLOCKS 16

/* Verifies one signature of hash under a DAP key: ECDSA (r || s) over SHA-256(hash), or the
 * AES-CMAC of hash. Computed twice, both must agree (a fault on one pass cannot accept). */
static bool dap_sig_ok(const se_dapkey_rec *k, const uint8_t hash[32], const uint8_t *sig,
                       size_t sig_len)
{
    bool ok[2] = {false, false};
    for (int pass = 0; pass < 2; pass++) {
        if (k->type == KEY_TYPE_ECC_PUB) {
            uint8_t d[32];
            ok[pass] = sig_len == CR_P256_SIG_LEN && cr_sha256(hash, 32, d) == SEAM_OK &&
                       cr_p256_verify(k->key, k->len, d, sig) == SEAM_OK;
        } else {
            uint8_t mac[16];
            ok[pass] = sig_len == 16 &&
                       cr_aes_cmac(k->key, k->len, hash, 32, NULL, 0, mac) == SEAM_OK &&
                       seam_ct_equal(mac, sig, 16);
            seam_wipe(mac, sizeof mac);
        }
    }
    return ok[0] && ok[1];
}

uint16_t dap_check_load(se *s, const uint8_t *blocks, size_t len, const uint8_t hash[32],
                        store_id assoc)
{
    store_id seen[DAP_MAX_BLOCKS];
    const uint8_t *sigs[DAP_MAX_BLOCKS];
    size_t sig_lens[DAP_MAX_BLOCKS];
    size_t n = 0;
    tlv_iter it;
    tlv_t b;
    seam_err e;
    if (len && !blocks) return SW_WRONG_DATA;
    /* 1. parse every block (§11.6.2.3): E2 { 4F AID, C3 signature }, nothing else */
    tlv_iter_init(&it, blocks, len);
    while ((e = tlv_next(&it, &b)) == SEAM_OK) {
        tlv_t aid, sig;
        if (b.tag != 0xE2 || n == DAP_MAX_BLOCKS) return SW_WRONG_DATA;
        if (tlv_parse(b.value, b.len, &aid) != SEAM_OK || aid.tag != 0x4F || aid.len < 5 ||
            aid.len > 16)
            return SW_WRONG_DATA;
        if (tlv_parse(b.value + aid.total, b.len - aid.total, &sig) != SEAM_OK || sig.tag != 0xC3 ||
            aid.total + sig.total != b.len || sig.len == 0)
            return SW_WRONG_DATA;
        store_id sd = reg_find(s, aid.value, aid.len, false, 0, false);
        const se_reg_rec *r = reg_get(s, sd);
        if (!is_sd(r) || !(r->priv[0] & (GP_PRIV0_DAP_VERIFICATION | GP_PRIV0_MANDATED_DAP)))
            return SW_WRONG_DATA;
        for (size_t i = 0; i < n; i++)
            if (seen[i] == sd) return SW_WRONG_DATA;
        seen[n] = sd;
        sigs[n] = sig.value;
        sig_lens[n] = sig.len;
        n++;
    }
    if (e != SEAM_E_NOT_FOUND) return SW_WRONG_DATA;
    /* 2. who must have signed (§9.2.1): every Mandated DAP SD, and the associated SD when it
     * has DAP Verification */
    for (store_id id = reg_next(s, 0); id; id = reg_next(s, id)) {
        const se_reg_rec *r = reg_get(s, id);
        bool need = is_sd(r) && ((r->priv[0] & GP_PRIV0_MANDATED_DAP) ||
                                 (id == assoc && (r->priv[0] & GP_PRIV0_DAP_VERIFICATION)));
        if (!need) continue;
        bool have = false;
        for (size_t i = 0; i < n; i++)
            if (seen[i] == id) have = true;
        if (!have) return SW_SECURITY_STATUS_NOT_SATISFIED;
    }
    /* 3. every signature present must verify */
    for (size_t i = 0; i < n; i++) {
        const se_dapkey_rec *k = dap_key_get(s, dap_key_find(s, seen[i], DAP_KVN_DAP));
        if (!k || !dap_sig_ok(k, hash, sigs[i], sig_lens[i]))
            return SW_SECURITY_STATUS_NOT_SATISFIED;
    }
    return SW_NO_ERROR;
}

/* ---- tokens ---- */

/* INSTALL data field lengths: one byte; BER ('81' xx, '82' xx xx) for the parameters and the
 * token (GP CS 2.3.1 Table 11-44ff; as content.c reads them). */
static bool rd_len(seam_rd *rd, bool ber, size_t *len)
{
    uint8_t b;
    if (seam_rd_u8(rd, &b)) return false;
    if (b < 0x80 || !ber) {
        *len = b;
        return true;
    }
    if (b == 0x81) {
        if (seam_rd_u8(rd, &b) || b < 0x80) return false;
        *len = b;
        return true;
    }
    uint16_t v;
    if (b != 0x82 || seam_rd_u16(rd, &v) || v < 0x100) return false;
    *len = v;
    return true;
}

/* Number of length-value fields of an INSTALL with a token, by P1 (GP CS 2.3.1 §11.5.2.3):
 * [for load] 5 (ELF, SD, hash, parameters, token); the others 6. 0: a form without a token. */
static int install_fields(uint8_t p1)
{
    switch (p1 & 0x7E) {
    case 0x02:
        return 5;
    case 0x04:
    case 0x08:
    case 0x0C:
    case 0x10:
    case 0x40:
        return 6;
    default:
        return 0;
    }
}

/* Splits an INSTALL data field: the parameters field and the token field, and where the
 * token's length starts. */
static seam_err split_install(uint8_t p1, const uint8_t *data, size_t len, const uint8_t **params,
                              size_t *params_len, const uint8_t **tok, size_t *tok_len,
                              size_t *tok_off)
{
    int nf = install_fields(p1);
    if (!nf) return SEAM_E_NOT_FOUND;
    seam_rd rd;
    seam_rd_init(&rd, data, len);
    for (int i = 0; i < nf; i++) {
        bool ber = i >= nf - 2;
        const uint8_t *p;
        size_t l;
        size_t start = rd.off;
        if (!rd_len(&rd, ber, &l) || seam_rd_bytes(&rd, l, &p)) return SEAM_E_FORMAT;
        if (i == nf - 2) {
            *params = p;
            *params_len = l;
        } else if (i == nf - 1) {
            *tok = p;
            *tok_len = l;
            *tok_off = start;
        }
    }
    if (seam_rd_left(&rd)) return SEAM_E_FORMAT;
    return *tok_len ? SEAM_OK : SEAM_E_NOT_FOUND;
}

/* Splits a DELETE data field (§11.2.2.3): TLVs, the token '9E' last. The TLVs before it are
 * returned whole (4F, B6, ...). */
static seam_err split_delete(const uint8_t *data, size_t len, const uint8_t **tok, size_t *tok_len,
                             size_t *tok_off)
{
    tlv_iter it;
    tlv_t t;
    seam_err e;
    bool found = false;
    tlv_iter_init(&it, data, len);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        if (found) return SEAM_E_FORMAT; /* the token must be last */
        if (t.tag == 0x9E) {
            found = true;
            *tok = t.value;
            *tok_len = t.len;
            *tok_off = it.off - t.total;
        }
    }
    if (e != SEAM_E_NOT_FOUND) return SEAM_E_FORMAT;
    return found && *tok_len ? SEAM_OK : (found ? SEAM_E_FORMAT : SEAM_E_NOT_FOUND);
}

seam_err dap_token_offset(uint8_t ins, uint8_t p1, const uint8_t *data, size_t len, size_t *off)
{
    const uint8_t *params = NULL, *tok = NULL;
    size_t params_len = 0, tok_len = 0;
    if (len && !data) return SEAM_E_FORMAT;
    if (ins == 0xE6) return split_install(p1, data, len, &params, &params_len, &tok, &tok_len, off);
    if (ins == 0xE4) return split_delete(data, len, &tok, &tok_len, off);
    return SEAM_E_NOT_FOUND;
}

/* The token identifier: 'B6' { ... '93' id ... } found in tlvs (top level). '45', if there,
 * must be the card's CIN. */
static uint16_t token_id_of(se *s, const uint8_t *tlvs, size_t len, dap_token_info *out)
{
    tlv_t crt, id, img;
    if (tlv_find(tlvs, len, 0xB6, &crt) != SEAM_OK) return SW_SECURITY_STATUS_NOT_SATISFIED;
    if (tlv_find(crt.value, crt.len, 0x93, &id) != SEAM_OK || id.len == 0 ||
        id.len > DAP_TOKEN_ID_MAX)
        return SW_SECURITY_STATUS_NOT_SATISFIED;
    seam_err e = tlv_find(crt.value, crt.len, 0x45, &img);
    if (e == SEAM_OK) {
        const se_card_rec *card = se_card(s);
        if (img.len != card->cin_len || !seam_ct_equal(img.value, card->cin, img.len))
            return SW_SECURITY_STATUS_NOT_SATISFIED;
    } else if (e != SEAM_E_NOT_FOUND) {
        return SW_WRONG_DATA;
    }
    memcpy(out->id, id.value, id.len);
    out->id_len = (uint8_t)id.len;
    return 0;
}

/* big-endian 8-byte form of a token identifier */
static void id_to_u64be(const uint8_t *id, size_t n, uint8_t out[8])
{
    memset(out, 0, 8);
    memcpy(out + 8 - n, id, n);
}

/* The SD whose token key verifies tokens: the first SSD (a controlling authority) with Token
 * Verification that has a token key, else the ISD (GP CS 2.3.1 §6.6, §C.4). */
static store_id token_verifier(se *s)
{
    for (store_id id = reg_next(s, 0); id; id = reg_next(s, id)) {
        const se_reg_rec *r = reg_get(s, id);
        if (id != s->isd_id && is_sd(r) && (r->priv[1] & GP_PRIV1_TOKEN_VERIFICATION) &&
            dap_key_find(s, id, DAP_KVN_TOKEN))
            return id;
    }
    return s->isd_id;
}

uint16_t dap_token_check(se *s, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
                         size_t len, dap_token_info *out)
{
    return dap_token_check_sd(s, 0, ins, p1, p2, data, len, out);
}

uint16_t dap_token_check_sd(se *s, store_id sd, uint8_t ins, uint8_t p1, uint8_t p2,
                            const uint8_t *data, size_t len, dap_token_info *out)
{
    memset(out, 0, sizeof *out);
    /* the executing SD's AID, as the token signs it: 4F Lsd AID (4F 00 for no SD) */
    uint8_t sdt[2 + 16] = {0x4F, 0x00};
    if (sd) {
        const se_reg_rec *sr = reg_get(s, sd);
        if (!sr || sr->aid_len > 16) return SW_UNKNOWN;
        sdt[1] = sr->aid_len;
        memcpy(sdt + 2, sr->aid, sr->aid_len);
    }
    const uint8_t *params = NULL, *tok = NULL;
    size_t params_len = 0, tok_len = 0, off = 0;
    seam_err e;
    if (len && !data) return SW_WRONG_DATA;
    if (ins == 0xE6)
        e = split_install(p1, data, len, &params, &params_len, &tok, &tok_len, &off);
    else if (ins == 0xE4)
        e = split_delete(data, len, &tok, &tok_len, &off);
    else
        return SW_INS_NOT_SUPPORTED;
    if (e == SEAM_E_NOT_FOUND) return SW_SECURITY_STATUS_NOT_SATISFIED; /* no token */
    if (e != SEAM_OK) return SW_WRONG_DATA;
    /* the identifier: in the parameters field (INSTALL) or among the TLVs before '9E' */
    uint16_t sw =
        ins == 0xE6 ? token_id_of(s, params, params_len, out) : token_id_of(s, data, off, out);
    if (sw) {
        memset(out, 0, sizeof *out);
        return sw;
    }
    const se_dapstate_rec *st = state_get(s);
    if (state_find(s) && !st) return SW_UNKNOWN; /* corrupt state: refuse */
    if (st && st->has_token_id) {
        uint8_t a[8];
        id_to_u64be(out->id, out->id_len, a);
        if (memcmp(a, st->token_id, 8) <= 0) { /* public values: memcmp is fine */
            memset(out, 0, sizeof *out);
            return SW_SECURITY_STATUS_NOT_SATISFIED;
        }
    }
    /* signed bytes: P1 P2 Lc' prefix (§C.4.1) */
    store_id ver = token_verifier(s);
    const se_dapkey_rec *k = dap_key_get(s, dap_key_find(s, ver, DAP_KVN_TOKEN));
    if (!k || k->type != KEY_TYPE_ECC_PUB || tok_len != CR_P256_SIG_LEN) {
        memset(out, 0, sizeof *out);
        return SW_SECURITY_STATUS_NOT_SATISFIED;
    }
    uint8_t hdr[5] = {p1, p2};
    size_t hl;
    if (off < 256) {
        hdr[2] = (uint8_t)off;
        hl = 3;
    } else {
        hdr[2] = 0x00;
        seam_put_be16(hdr + 3, (uint16_t)off);
        hl = 5;
    }
    uint8_t d[32];
    bool ok = cr_sha256_parts(hdr, hl, data, off, sdt, 2u + sdt[1], d) == SEAM_OK &&
              cr_p256_verify(k->key, k->len, d, tok) == SEAM_OK;
    /* redundant second check of the decision */
    ok = ok && cr_p256_verify(k->key, k->len, d, tok) == SEAM_OK;
    if (!ok) {
        memset(out, 0, sizeof *out);
        return SW_SECURITY_STATUS_NOT_SATISFIED;
    }
    out->valid = true;
    out->verifier = ver;
    return SW_NO_ERROR;
}

bool dap_only_token_id(const uint8_t *p, size_t n)
{
    tlv_t t;
    return n && tlv_parse(p, n, &t) == SEAM_OK && t.tag == 0xB6 && t.total == n;
}

seam_err dap_token_consume(se *s, const dap_token_info *t)
{
    if (!t || !t->valid || t->id_len == 0 || t->id_len > DAP_TOKEN_ID_MAX) return SEAM_E_ARG;
    store_id id;
    seam_err e = state_open(s, &id);
    if (e != SEAM_OK) return e;
    uint8_t v[9];
    id_to_u64be(t->id, t->id_len, v);
    const se_dapstate_rec *st = state_get(s);
    if (st && st->has_token_id && memcmp(v, st->token_id, 8) <= 0) return SEAM_E_AUTH;
    v[8] = 1;
    return store_write(s->st, id, offsetof(se_dapstate_rec, token_id), v, sizeof v);
}

/* ---- receipts ---- */

static size_t ctx_count(dap_receipt_kind kind)
{
    switch (kind) {
    case DAP_RCPT_LOAD:
    case DAP_RCPT_INSTALL:
    case DAP_RCPT_MAKE_SELECTABLE:
        return 2;
    case DAP_RCPT_EXTRADITION:
        return 3;
    case DAP_RCPT_REGISTRY_UPDATE:
        return 4;
    case DAP_RCPT_DELETE:
        return 1;
    default:
        return 0;
    }
}

/* The receipt key: KVN 71 of the first SSD with Receipt Generation that has one, else the
 * ISD's (GP CS 2.3.1 §6.6, §C.5). */
static const se_dapkey_rec *receipt_key(se *s)
{
    for (store_id id = reg_next(s, 0); id; id = reg_next(s, id)) {
        const se_reg_rec *r = reg_get(s, id);
        if (id != s->isd_id && is_sd(r) && (r->priv[2] & GP_PRIV2_RECEIPT_GENERATION)) {
            store_id k = dap_key_find(s, id, DAP_KVN_RECEIPT);
            if (k) return dap_key_get(s, k);
        }
    }
    return dap_key_get(s, dap_key_find(s, s->isd_id, DAP_KVN_RECEIPT));
}

seam_err dap_receipt(se *s, dap_receipt_kind kind, const dap_lv *ctx, size_t n,
                     const dap_token_info *tok, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t want = ctx_count(kind);
    if (!want || n != want || !ctx || !out || !out_len) return SEAM_E_ARG;
    for (size_t i = 0; i < n; i++)
        if (ctx[i].len > 16 || (ctx[i].len && !ctx[i].p)) return SEAM_E_ARG;
    if (!store_in_tx(s->st)) return SEAM_E_STATE;
    const se_dapkey_rec *k = receipt_key(s);
    if (!k) {
        if (cap < 1) return SEAM_E_LENGTH;
        out[0] = 0x00; /* no receipt */
        *out_len = 1;
        return SEAM_OK;
    }
    store_id sid;
    seam_err e = state_open(s, &sid);
    if (e != SEAM_OK) return e;
    const se_dapstate_rec *st = state_get(s);
    uint16_t ctr = seam_be16(st->counter);
    if (ctr == 0xFFFF) return SEAM_E_FULL;
    ctr++;
    /* confirmation data (§C.5; GPShell build_confirmation_data) */
    uint8_t conf[2 + 2 + 1 + 10 + 1 + DAP_TOKEN_ID_MAX];
    seam_wr w;
    seam_wr_init(&w, conf, sizeof conf);
    seam_wr_u8(&w, 2);
    seam_wr_u16(&w, ctr);
    seam_wr_u8(&w, sizeof se_card(s)->kdd);
    seam_wr_bytes(&w, se_card(s)->kdd, sizeof se_card(s)->kdd);
    if (tok && tok->valid) {
        seam_wr_u8(&w, tok->id_len);
        seam_wr_bytes(&w, tok->id, tok->id_len);
    }
    if (w.err) return SEAM_E_LENGTH;
    /* context LVs */
    uint8_t cbuf[4 * 17];
    seam_wr cw;
    seam_wr_init(&cw, cbuf, sizeof cbuf);
    for (size_t i = 0; i < n; i++) {
        seam_wr_u8(&cw, ctx[i].len);
        seam_wr_bytes(&cw, ctx[i].p, ctx[i].len);
    }
    if (cw.err) return SEAM_E_LENGTH;
    uint8_t mac[16];
    uint8_t key[32];
    memcpy(key, k->key, k->len);
    size_t klen = k->len;
    uint8_t msg[sizeof conf + sizeof cbuf];
    memcpy(msg, conf, w.len);
    memcpy(msg + w.len, cbuf, cw.len);
    e = cr_aes_cmac(key, klen, msg, w.len + cw.len, NULL, 0, mac);
    seam_wipe(key, sizeof key);
    if (e != SEAM_OK) return e;
    if (cap < 1 + sizeof mac + w.len) return SEAM_E_LENGTH;
    uint8_t cbe[2];
    seam_put_be16(cbe, ctr);
    e = store_write(s->st, sid, offsetof(se_dapstate_rec, counter), cbe, 2);
    if (e != SEAM_OK) return e;
    out[0] = sizeof mac;
    memcpy(out + 1, mac, sizeof mac);
    memcpy(out + 1 + sizeof mac, conf, w.len);
    *out_len = 1 + sizeof mac + w.len;
    return SEAM_OK;
}

seam_err dap_delegated_done(se *s, const dap_token_info *t, dap_receipt_kind kind,
                            const dap_lv *ctx, size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
    seam_err e = dap_token_consume(s, t);
    if (e != SEAM_OK) return e;
    return dap_receipt(s, kind, ctx, n, t, out, cap, out_len);
}
