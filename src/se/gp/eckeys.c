/*
 * ECC keys of a security domain (GP CS 2.3.1 Amendment F): the CA-KLOC public key that OCE
 * certificates are checked against (KID '10'), and the SD's own ECKA key pairs for SCP11a
 * ('11'), SCP11b ('13') and SCP11c ('15'). P-256 only (key parameters reference '00').
 *
 * Invariants:
 *  - one store object (SE_OBJ_ECKEY) per (KID, KVN), owned by the SD's registry entry; a stored
 *    private key always comes with its public key, and both were checked (scalar in [1, n-1],
 *    point on the curve, the pair matching) before they were written;
 *  - private key bytes never leave the card: they go only into ECDH (scp11_sd.c) and are
 *    never listed, returned or logged; they enter encrypted under the session's Key-DEK;
 *  - PUT KEY, GENERATE KEY and DELETE KEY check everything before the store changes and change
 *    it in one transaction; a key that is deleted or replaced by another key is overwritten
 *    with zeros before its object is freed, and the certificate chain stored for it
 *    (certstore.c) goes in the same transaction (it certifies a key that no longer exists);
 *  - on-card generation (GENERATE KEY) draws the key pair from the card's DRBG
 *    (cr_p256_keygen); only the public key is returned.
 */
#include <string.h>

#include "se/se_int.h"
#include "seam/crypto.h"
#include "seam/tlv.h"

static bool kid_valid(uint8_t kid)
{
    return kid == GP_KID_CA_KLOC_ECDSA || kid == GP_KID_SCP11A || kid == GP_KID_SCP11B ||
           kid == GP_KID_SCP11C;
}

bool eckey_kid_valid(uint8_t kid)
{
    return kid_valid(kid);
}

const se_eckey_rec *eckey_get(se *s, store_id id)
{
    uint32_t owner;
    uint16_t type;
    size_t size;
    if (!id || store_info(s->st, id, &owner, &type, &size) != SEAM_OK) return NULL;
    if (type != SE_OBJ_ECKEY || size != sizeof(se_eckey_rec)) return NULL;
    const se_eckey_rec *k = (const se_eckey_rec *)store_view(s->st, id, &size);
    if (!k || !kid_valid(k->kid) || k->kvn == 0 || k->kvn > 0x7F || k->param != 0x00) return NULL;
    if (k->has_pub != 1 || k->has_priv > 1 || k->ski_len > ECKEY_MAX_SKI) return NULL;
    if ((k->kid == GP_KID_CA_KLOC_ECDSA) == (k->has_priv == 1)) return NULL;
    return k;
}

store_id eckey_next(se *s, store_id sd, store_id after)
{
    for (store_id id = store_next(s->st, after); id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) == SEAM_OK && type == SE_OBJ_ECKEY &&
            owner == sd && eckey_get(s, id))
            return id;
    }
    return 0;
}

store_id eckey_find(se *s, store_id sd, uint8_t kid, uint8_t kvn)
{
    for (store_id id = eckey_next(s, sd, 0); id; id = eckey_next(s, sd, id)) {
        const se_eckey_rec *k = eckey_get(s, id);
        if (k->kid == kid && (kvn == 0 || k->kvn == kvn)) return id;
    }
    return 0;
}

/* Builds and checks a record: SEAM_E_FORMAT for a bad scalar, a point off the curve or a
 * mismatched pair, SEAM_E_ARG for a KID/KVN or component set Amendment F does not allow. */
static seam_err build_rec(se_eckey_rec *rec, uint8_t kid, uint8_t kvn, const uint8_t *priv,
                          const uint8_t *pub, const uint8_t *ski, size_t ski_len)
{
    memset(rec, 0, sizeof *rec);
    if (!kid_valid(kid) || kvn == 0 || kvn > 0x7F || ski_len > ECKEY_MAX_SKI) return SEAM_E_ARG;
    if (ski_len && !ski) return SEAM_E_ARG;
    /* CA-KLOC is a public key only; the SCP11 keys are key pairs. */
    if (kid == GP_KID_CA_KLOC_ECDSA ? (priv != NULL || pub == NULL) : priv == NULL)
        return SEAM_E_ARG;
    rec->kid = kid;
    rec->kvn = kvn;
    rec->param = 0x00;
    rec->has_pub = 1;
    seam_err e = SEAM_OK;
    if (priv) {
        rec->has_priv = 1;
        memcpy(rec->priv, priv, 32);
        if (cr_p256_public(priv, rec->pub) != SEAM_OK) e = SEAM_E_FORMAT;
        if (e == SEAM_OK && pub && !seam_ct_equal(pub, rec->pub, CR_P256_PUB_LEN))
            e = SEAM_E_FORMAT;
    } else {
        if (cr_p256_check_public(pub, CR_P256_PUB_LEN) != SEAM_OK) e = SEAM_E_FORMAT;
        memcpy(rec->pub, pub, CR_P256_PUB_LEN);
    }
    if (e == SEAM_OK && ski_len) {
        rec->ski_len = (uint8_t)ski_len;
        memcpy(rec->ski, ski, ski_len);
    }
    if (e != SEAM_OK) seam_wipe(rec, sizeof *rec);
    return e;
}

/* Writes rec over the key with the same KID and KVN, or as a new object; inside a transaction
 * the caller opened. Replacing a key by another one drops the chain stored for it. */
static seam_err write_rec(se *s, store_id sd, const se_eckey_rec *rec)
{
    store_id id = eckey_find(s, sd, rec->kid, rec->kvn);
    seam_err e = SEAM_OK;
    if (id && memcmp(eckey_get(s, id)->pub, rec->pub, sizeof rec->pub) != 0)
        e = certstore_drop(s, sd, rec->kid, rec->kvn);
    if (e == SEAM_OK && !id) e = store_alloc(s->st, sd, SE_OBJ_ECKEY, sizeof *rec, &id);
    if (e == SEAM_OK) e = store_write(s->st, id, 0, rec, sizeof *rec);
    return e;
}

seam_err sd_install_ec_key(se *s, store_id sd, uint8_t kid, uint8_t kvn, const uint8_t *priv,
                           const uint8_t *pub, const uint8_t *ski, size_t ski_len)
{
    if (!s || !reg_get(s, sd)) return SEAM_E_ARG;
    se_eckey_rec rec;
    seam_err e = build_rec(&rec, kid, kvn, priv, pub, ski, ski_len);
    if (e != SEAM_OK) return e;
    bool own_tx = !store_in_tx(s->st);
    if (own_tx) e = store_tx_begin(s->st);
    if (e == SEAM_OK) e = write_rec(s, sd, &rec);
    if (own_tx) {
        if (e == SEAM_OK)
            e = store_tx_commit(s->st);
        else if (store_in_tx(s->st))
            store_tx_abort(s->st);
    }
    seam_wipe(&rec, sizeof rec);
    return e;
}

/* The key components of an ECC PUT KEY (GP CS 2.3.1 §11.8.2.3 with Amendment F's key types):
 * after the new KVN, a sequence of  type (1 byte) || BER length || value  [|| KCV length '00'],
 * each type at most once:
 *   'B0' public key, 65 bytes, uncompressed point;
 *   'B1' private key: the 32-byte scalar encrypted with the session's Key-DEK (AES-CBC, zero
 *        ICV, no padding: two blocks), as AES keys are;
 *   'F0' key parameters reference, 1 byte, '00' = P-256.
 * A single '00' after a component is taken as an empty KCV (ECC keys have no KCV); hosts that
 * omit it (yubikit) are accepted too, since no component type is '00'. */
typedef struct {
    const uint8_t *pub;
    uint8_t priv[32];
    bool has_priv, has_param;
} ec_components;

static uint16_t parse_components(const uint8_t *dek, size_t dek_len, seam_rd *rd,
                                 ec_components *out)
{
    while (seam_rd_left(rd)) {
        uint8_t type, l0;
        size_t len;
        const uint8_t *v;
        if (seam_rd_u8(rd, &type) || seam_rd_u8(rd, &l0)) return SW_WRONG_DATA;
        if (l0 < 0x80) {
            len = l0;
        } else if (l0 == 0x81) {
            uint8_t l1;
            if (seam_rd_u8(rd, &l1) || l1 < 0x80) return SW_WRONG_DATA; /* DER length */
            len = l1;
        } else {
            return SW_WRONG_DATA;
        }
        if (seam_rd_bytes(rd, len, &v)) return SW_WRONG_DATA;
        switch (type) {
        case KEY_TYPE_ECC_PUB:
            if (out->pub || len != CR_P256_PUB_LEN) return SW_WRONG_DATA;
            out->pub = v;
            break;
        case KEY_TYPE_ECC_PRIV: {
            if (out->has_priv || len != 32) return SW_WRONG_DATA;
            if (!dek_len) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
            uint8_t iv[16] = {0};
            if (cr_aes_cbc_decrypt(dek, dek_len, iv, v, 32, out->priv) != SEAM_OK)
                return SW_UNKNOWN;
            out->has_priv = true;
            break;
        }
        case KEY_TYPE_ECC_PARAM:
            if (out->has_param || len != 1) return SW_WRONG_DATA;
            if (v[0] != 0x00) return SW_FUNC_NOT_SUPPORTED; /* only P-256 */
            out->has_param = true;
            break;
        default:
            return SW_WRONG_DATA;
        }
        const uint8_t *kcv;
        if (seam_rd_left(rd) && rd->p[rd->off] == 0x00) seam_rd_bytes(rd, 1, &kcv);
    }
    return 0;
}

/* PUT KEY of one ECC key (P2 = its KID, b8 clear): P1 = 00 adds the key (KID, new KVN), P1 =
 * an existing KVN of that KID replaces that key. The answer is the new KVN (no KCV for ECC
 * keys). */
uint16_t eckey_put_key(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r)
{
    uint8_t kid = c->p2;
    if (!kid_valid(kid) || (c->p1 & 0x80)) return SW_INCORRECT_P1P2;
    const se_chan *chan = &s->chan[ch];
    seam_rd rd;
    seam_rd_init(&rd, c->data, c->lc);
    uint8_t kvn;
    if (seam_rd_u8(&rd, &kvn) != SEAM_OK) return SW_WRONG_LENGTH;
    if (kvn == 0 || kvn > 0x7F) return SW_WRONG_DATA;
    ec_components comp;
    memset(&comp, 0, sizeof comp);
    uint16_t sw = parse_components(chan->sc_dek, chan->sc_dek_len, &rd, &comp);
    if (!sw && !comp.has_param) sw = SW_WRONG_DATA; /* the curve must be named */
    store_id old = 0, clash = eckey_find(s, sd, kid, kvn);
    if (!sw && c->p1) {
        old = eckey_find(s, sd, kid, c->p1);
        if (!old)
            sw = SW_REFERENCED_DATA_NOT_FOUND;
        else if (clash && clash != old)
            sw = SW_WRONG_DATA;
    } else if (!sw && clash) {
        sw = SW_WRONG_DATA;
    }
    se_eckey_rec rec;
    memset(&rec, 0, sizeof rec);
    if (!sw) {
        seam_err e = build_rec(&rec, kid, kvn, comp.has_priv ? comp.priv : NULL, comp.pub, NULL, 0);
        if (e != SEAM_OK) sw = SW_WRONG_DATA;
    }
    seam_wipe(&comp, sizeof comp);
    if (sw) return sw;
    if (old) {
        /* Replacing keeps the CA-KLOC identifier set for that key (STORE DATA). */
        const se_eckey_rec *o = eckey_get(s, old);
        rec.ski_len = o->ski_len;
        memcpy(rec.ski, o->ski, o->ski_len);
    }
    seam_err e = store_tx_begin(s->st);
    if (e == SEAM_OK) {
        if (old && old != clash) {
            unsigned n;
            e = eckey_delete(s, sd, kid, c->p1, &n);
        }
        if (e == SEAM_OK) e = write_rec(s, sd, &rec);
        if (e == SEAM_OK)
            e = store_tx_commit(s->st);
        else
            store_tx_abort(s->st);
    }
    seam_wipe(&rec, sizeof rec);
    if (e != SEAM_OK) return se_sw_of(e);
    r->p[0] = kvn;
    r->len = 1;
    return SW_NO_ERROR;
}

/* Key information (GP CS 2.3.1 §11.3.3.1): C0 { KID, KVN, then (type, length) per component }:
 * a key pair lists 'B1' 20 and 'B0' 41, a public key 'B0' 41. */
void eckey_put_key_info(se *s, seam_wr *w, store_id sd)
{
    for (store_id id = eckey_next(s, sd, 0); id; id = eckey_next(s, sd, id)) {
        const se_eckey_rec *k = eckey_get(s, id);
        uint8_t v[6] = {k->kid, k->kvn};
        size_t n = 2;
        if (k->has_priv) {
            v[n++] = KEY_TYPE_ECC_PRIV;
            v[n++] = 32;
        }
        v[n++] = KEY_TYPE_ECC_PUB;
        v[n++] = CR_P256_PUB_LEN;
        tlv_put(w, 0xC0, v, n);
    }
}

seam_err eckey_delete(se *s, store_id sd, uint8_t kid, uint8_t kvn, unsigned *count)
{
    static const se_eckey_rec zero;
    *count = 0;
    store_id id = eckey_next(s, sd, 0);
    while (id) {
        store_id next = eckey_next(s, sd, id);
        const se_eckey_rec *k = eckey_get(s, id);
        if ((kid == 0 || k->kid == kid) && (kvn == 0 || k->kvn == kvn)) {
            uint8_t kk = k->kid, kv = k->kvn;
            seam_err e = store_write(s->st, id, 0, &zero, sizeof zero);
            if (e == SEAM_OK) e = store_free(s->st, id);
            if (e == SEAM_OK) e = certstore_drop(s, sd, kk, kv);
            if (e != SEAM_OK) return e;
            (*count)++;
        }
        id = next;
    }
    return SEAM_OK;
}

/* GENERATE KEY (INS F1; CLA 80/84). GP CS 2.3.1 and Amendment F define no command for on-card
 * generation of an SD's key pair; this is the wire form Yubico's security domain implements
 * and its yubikit sends (SecurityDomainSession.generate_ec_key): P1 = 00 to add, or the KVN of
 * the key of this KID to replace; P2 = the KID ('11', '13', '15': SCP11 key pairs; CA-KLOC '10'
 * is a public key only and cannot be generated); data = new KVN || 'F0' 01 key parameters
 * reference ('00' = P-256, others 6A81). The answer is 'B0' 41 PK (uncompressed point), so the
 * host can have it certified; the private key never leaves the card. */
uint16_t eckey_generate(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r)
{
    (void)ch;
    uint8_t kid = c->p2;
    if (kid != GP_KID_SCP11A && kid != GP_KID_SCP11B && kid != GP_KID_SCP11C)
        return SW_INCORRECT_P1P2;
    if (c->p1 & 0x80) return SW_INCORRECT_P1P2;
    if (c->lc == 0) return SW_WRONG_LENGTH;
    if (c->lc != 4 || c->data[1] != KEY_TYPE_ECC_PARAM || c->data[2] != 0x01) return SW_WRONG_DATA;
    uint8_t kvn = c->data[0];
    if (kvn == 0 || kvn > 0x7F) return SW_WRONG_DATA;
    if (c->data[3] != 0x00) return SW_FUNC_NOT_SUPPORTED; /* only P-256 */
    store_id old = 0, clash = eckey_find(s, sd, kid, kvn);
    if (c->p1) {
        old = eckey_find(s, sd, kid, c->p1);
        if (!old) return SW_REFERENCED_DATA_NOT_FOUND;
        if (clash && clash != old) return SW_WRONG_DATA;
    } else if (clash) {
        return SW_WRONG_DATA;
    }
    uint8_t priv[32], pub[CR_P256_PUB_LEN];
    se_eckey_rec rec;
    seam_err e = cr_p256_keygen(priv, pub);
    if (e == SEAM_OK) e = build_rec(&rec, kid, kvn, priv, NULL, NULL, 0);
    seam_wipe(priv, sizeof priv);
    if (e != SEAM_OK) {
        seam_wipe(&rec, sizeof rec);
        return SW_UNKNOWN;
    }
    if (old) {
        /* the CA identifier (STORE DATA) belongs to the key reference, not to the key bytes */
        const se_eckey_rec *o = eckey_get(s, old);
        rec.ski_len = o->ski_len;
        memcpy(rec.ski, o->ski, o->ski_len);
    }
    e = store_tx_begin(s->st);
    if (e == SEAM_OK) {
        if (old && old != clash) {
            unsigned n;
            e = eckey_delete(s, sd, kid, c->p1, &n);
        }
        if (e == SEAM_OK) e = write_rec(s, sd, &rec);
        if (e == SEAM_OK)
            e = store_tx_commit(s->st);
        else
            store_tx_abort(s->st);
    }
    memcpy(pub, rec.pub, sizeof pub);
    seam_wipe(&rec, sizeof rec);
    if (e != SEAM_OK) return se_sw_of(e);
    seam_wr w;
    seam_wr_init(&w, r->p, r->cap);
    tlv_put(&w, KEY_TYPE_ECC_PUB, pub, sizeof pub);
    if (w.err) return SW_UNKNOWN;
    r->len = w.len;
    return SW_NO_ERROR;
}
