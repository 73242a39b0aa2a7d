/*
 * Certificates and CA identifiers of a security domain's SCP11 keys (GP CS 2.3.1 Amendment F):
 * STORE DATA (GP CS 2.3.1 §11.11) of the card's own certificate chain for one of its key pairs
 * (the certificate store, tag 'BF21') and of the CA-KLOC / CA-KLCC issuer identifiers (the
 * subject key identifier of the CA behind a key), and GET DATA of both.
 *
 * Wire forms (those Yubico's security domain implements and yubikit sends, read from
 * yubikit/securitydomain.py; the Amendment F text itself was not available here):
 *  - STORE DATA, CLA 00/04 or 80/84, P1 '90' (last block, BER-TLV), P2 the block number;
 *    data = one or more of
 *      A6 { 83 02 KID KVN } BF21 { certificate || certificate ... }   chain of key (KID, KVN),
 *                                                                      leaf last;
 *      A6 { 80 01 '00'|'01', 42 SKI, 83 02 KID KVN }                   CA identifier: '00' =
 *                                                                      CA-KLOC (KID '10'),
 *                                                                      '01' = CA-KLCC (an SCP11
 *                                                                      key pair '11'/'13'/'15');
 *  - GET DATA BF21 with data A6 { 83 02 KID KVN }: the stored certificates concatenated (no
 *    BF21 around them: yubikit's get_certificate_bundle parses the answer as a list of TLVs);
 *  - GET DATA FF33 (CA-KLOC) / FF34 (CA-KLCC): 42 SKI || 83 02 KID KVN per key that has one.
 *
 * Invariants:
 *  - a stored chain is 1..CERTSTORE_MAX_CERTS X.509 certificates, CERTSTORE_MAX_BYTES at most,
 *    each strict DER that the card's parser (x509_parse) accepts, each one after the first
 *    signed by the one before it, and the last one certifying exactly the public key of the
 *    key it is stored for; one store object per (SD, KID, KVN), removed with its key
 *    (eckeys.c) or by storing an empty BF21;
 *  - the CA-KLOC identifier is kept in the key's record (se_eckey_rec.ski): it is what
 *    PERFORM SECURITY OPERATION checks the OCE chain's AKI against (scp11_sd.c);
 *  - one STORE DATA command is checked completely, then applied in one store transaction: a
 *    refused command or a power cut leaves everything as it was;
 *  - STORE DATA runs only under a session that authenticated the off-card entity (the caller,
 *    sd.c, checks it); GET DATA is public (the host needs the chain before SCP11b).
 */
#include <string.h>

#include "se/se_int.h"
#include "seam/crypto.h"
#include "seam/tlv.h"
#include "seam/x509.h"

#define TAG_CRT 0xA6
#define TAG_KEY_REF 0x83
#define TAG_KLOC_KLCC 0x80
#define TAG_SKI 0x42
#define TAG_CERT_STORE 0xBF21
#define TAG_ALLOWLIST 0x70
#define TAG_GP_CERT 0x7F21
#define TAG_KLOC_IDS 0xFF33
#define TAG_KLCC_IDS 0xFF34

#define STORE_OPS_MAX 8 /* data objects in one STORE DATA command */

bool certstore_valid(se *s, store_id id)
{
    uint32_t owner;
    uint16_t type;
    size_t size;
    if (!id || store_info(s->st, id, &owner, &type, &size) != SEAM_OK) return false;
    if (type != SE_OBJ_CERTSTORE || size < sizeof(se_certstore_hdr)) return false;
    const se_certstore_hdr *h = (const se_certstore_hdr *)store_view(s->st, id, &size);
    if (!h || !eckey_kid_valid(h->kid) || h->kid == GP_KID_CA_KLOC_ECDSA) return false;
    if (h->kvn == 0 || h->kvn > 0x7F || h->n == 0 || h->n > CERTSTORE_MAX_CERTS) return false;
    size_t len = (size_t)h->len[0] << 8 | h->len[1];
    return len > 0 && len <= CERTSTORE_MAX_BYTES && size == sizeof *h + len;
}

store_id certstore_find(se *s, store_id sd, uint8_t kid, uint8_t kvn)
{
    for (store_id id = store_next(s->st, 0); id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) != SEAM_OK || type != SE_OBJ_CERTSTORE ||
            owner != sd || !certstore_valid(s, id))
            continue;
        const se_certstore_hdr *h = (const se_certstore_hdr *)store_view(s->st, id, &size);
        if (h->kid == kid && h->kvn == kvn) return id;
    }
    return 0;
}

seam_err certstore_drop(se *s, store_id sd, uint8_t kid, uint8_t kvn)
{
    store_id id = certstore_find(s, sd, kid, kvn);
    return id ? store_free(s->st, id) : SEAM_OK;
}

void certstore_channel_end(se *s, uint8_t ch)
{
    s->chan[ch].sd_store_open = false;
    s->chan[ch].sd_store_next = 0;
}

/* ---- STORE DATA ---- */

typedef enum { OP_CHAIN, OP_CA_ID } store_op_kind;

typedef struct {
    store_op_kind kind;
    uint8_t kid, kvn;
    const uint8_t *val; /* OP_CHAIN: the BF21 value (may be empty: remove); OP_CA_ID: the SKI */
    size_t len;
    uint8_t n; /* OP_CHAIN: certificates */
} store_op;

/* Parses A6 { [80 01 x] [42 ski] 83 02 KID KVN }, each tag at most once and nothing else. */
static uint16_t parse_crt(const tlv_t *a6, int *kloc_klcc, const uint8_t **ski, size_t *ski_len,
                          uint8_t *kid, uint8_t *kvn)
{
    bool have_ref = false;
    *kloc_klcc = -1;
    *ski = NULL;
    *ski_len = 0;
    tlv_iter it;
    tlv_t t;
    seam_err e;
    tlv_iter_init(&it, a6->value, a6->len);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        switch (t.tag) {
        case TAG_KEY_REF:
            if (have_ref || t.len != 2) return SW_WRONG_DATA;
            have_ref = true;
            *kid = t.value[0];
            *kvn = t.value[1];
            break;
        case TAG_KLOC_KLCC:
            if (*kloc_klcc >= 0 || t.len != 1 || t.value[0] > 1) return SW_WRONG_DATA;
            *kloc_klcc = t.value[0];
            break;
        case TAG_SKI:
            if (*ski || t.len == 0 || t.len > ECKEY_MAX_SKI) return SW_WRONG_DATA;
            *ski = t.value;
            *ski_len = t.len;
            break;
        default:
            return SW_WRONG_DATA;
        }
    }
    if (e != SEAM_E_NOT_FOUND || !have_ref) return SW_WRONG_DATA;
    if (*kvn == 0 || *kvn > 0x7F) return SW_WRONG_DATA;
    return 0;
}

/* Checks a chain for key k: the rules in the header comment. */
static uint16_t check_chain(const se_eckey_rec *k, store_op *op)
{
    if (op->len == 0) return 0; /* an empty store removes the chain */
    if (op->len > CERTSTORE_MAX_BYTES) return SW_NOT_ENOUGH_MEMORY;
    x509_cert cert[CERTSTORE_MAX_CERTS];
    size_t n = 0;
    tlv_iter it;
    tlv_t t;
    seam_err e;
    tlv_iter_init(&it, op->val, op->len);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        if (t.tag == TAG_GP_CERT) return SW_FUNC_NOT_SUPPORTED; /* GP-format certificates */
        if (t.tag != 0x30) return SW_WRONG_DATA;
        if (n == CERTSTORE_MAX_CERTS) return SW_NOT_ENOUGH_MEMORY;
        const uint8_t *der = t.value - (t.total - t.len);
        if (x509_parse(der, t.total, &cert[n], NULL, 0) != SEAM_OK) return SW_WRONG_DATA;
        if (n && x509_verify_signature(&cert[n], cert[n - 1].pub, CR_P256_PUB_LEN) != SEAM_OK)
            return SW_WRONG_DATA; /* not issued by the certificate before it */
        n++;
    }
    if (e != SEAM_E_NOT_FOUND) return SW_WRONG_DATA;
    /* the leaf certifies this key */
    if (memcmp(cert[n - 1].pub, k->pub, CR_P256_PUB_LEN) != 0) return SW_WRONG_DATA;
    op->n = (uint8_t)n;
    return 0;
}

/* Parses and checks the whole data field into ops (nothing changes). */
static uint16_t parse_ops(se *s, store_id sd, const uint8_t *p, size_t n, store_op *ops,
                          size_t *nops)
{
    tlv_iter it;
    tlv_t t;
    seam_err e;
    *nops = 0;
    tlv_iter_init(&it, p, n);
    e = tlv_next(&it, &t);
    while (e == SEAM_OK) {
        if (t.tag != TAG_CRT) return SW_WRONG_DATA;
        int kl;
        const uint8_t *ski;
        size_t ski_len;
        uint8_t kid = 0, kvn = 0;
        uint16_t sw = parse_crt(&t, &kl, &ski, &ski_len, &kid, &kvn);
        if (sw) return sw;
        if (*nops == STORE_OPS_MAX) return SW_NOT_ENOUGH_MEMORY;
        store_op *op = &ops[*nops];
        memset(op, 0, sizeof *op);
        op->kid = kid;
        op->kvn = kvn;
        tlv_t next;
        e = tlv_next(&it, &next);
        if (ski || kl >= 0) {
            /* a CA identifier: 80 and 42 both, and the kind must fit the key */
            if (!ski || kl < 0) return SW_WRONG_DATA;
            if (kl == 0 ? kid != GP_KID_CA_KLOC_ECDSA
                        : (kid != GP_KID_SCP11A && kid != GP_KID_SCP11B && kid != GP_KID_SCP11C))
                return SW_WRONG_DATA;
            op->kind = OP_CA_ID;
            op->val = ski;
            op->len = ski_len;
        } else {
            if (e == SEAM_E_NOT_FOUND) return SW_WRONG_DATA; /* a key reference alone */
            if (e != SEAM_OK) break;
            if (next.tag == TAG_ALLOWLIST) return SW_FUNC_NOT_SUPPORTED; /* not implemented */
            if (next.tag != TAG_CERT_STORE) return SW_WRONG_DATA;
            op->kind = OP_CHAIN;
            op->val = next.value;
            op->len = next.len;
            e = tlv_next(&it, &next);
        }
        store_id kid_id = eckey_kid_valid(kid) ? eckey_find(s, sd, kid, kvn) : 0;
        if (!kid_id) return SW_REFERENCED_DATA_NOT_FOUND;
        if (op->kind == OP_CHAIN) {
            const se_eckey_rec *k = eckey_get(s, kid_id);
            if (!k->has_priv) return SW_WRONG_DATA; /* CA-KLOC has no chain on the card */
            sw = check_chain(k, op);
            if (sw) return sw;
        }
        (*nops)++;
        t = next;
    }
    if (e != SEAM_E_NOT_FOUND) return SW_WRONG_DATA;
    return 0;
}

static seam_err apply_op(se *s, store_id sd, const store_op *op)
{
    if (op->kind == OP_CA_ID) {
        store_id id = eckey_find(s, sd, op->kid, op->kvn);
        /* ski_len and ski are adjacent bytes of the record: one write */
        uint8_t v[1 + ECKEY_MAX_SKI];
        memset(v, 0, sizeof v);
        v[0] = (uint8_t)op->len;
        memcpy(v + 1, op->val, op->len);
        return store_write(s->st, id, offsetof(se_eckey_rec, ski_len), v, sizeof v);
    }
    seam_err e = certstore_drop(s, sd, op->kid, op->kvn);
    if (e != SEAM_OK || op->len == 0) return e;
    se_certstore_hdr h = {op->kid, op->kvn, op->n, {(uint8_t)(op->len >> 8), (uint8_t)op->len}};
    store_id id;
    e = store_alloc(s->st, sd, SE_OBJ_CERTSTORE, sizeof h + op->len, &id);
    if (e == SEAM_OK) e = store_write(s->st, id, 0, &h, sizeof h);
    if (e == SEAM_OK) e = store_write(s->st, id, sizeof h, op->val, op->len);
    return e;
}

/* STORE DATA (GP CS 2.3.1 §11.11). P1: b8 last block; b7-b6 encryption ('00' none: the
 * Amendment F objects are public; others 6A86); b5-b4 data structure ('10' BER-TLV, or '00'
 * read as BER-TLV; '01' DGI: no DGI carries Amendment F objects here, 6A86); b3-b2 '00'; b1 is
 * ignored (no response data either way).
 * P2: the block number, 00 for the first block of a sequence and one more for each next block
 * (a break in the sequence is 6A86 and ends it). Each block must hold whole data objects and
 * is applied on its own. The answer has no data. */
uint16_t certstore_store_data(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r)
{
    se_chan *chan = &s->chan[ch];
    (void)r;
    uint8_t structure = (uint8_t)((c->p1 >> 3) & 0x03);
    if ((c->p1 & 0x66) != 0 || (structure != 0x00 && structure != 0x02)) {
        certstore_channel_end(s, ch);
        return SW_INCORRECT_P1P2;
    }
    uint8_t expect = chan->sd_store_open ? chan->sd_store_next : 0;
    if (c->p2 != expect) {
        certstore_channel_end(s, ch);
        return SW_INCORRECT_P1P2;
    }
    bool last = c->p1 & 0x80;
    if (last || c->p2 == 0xFF) {
        certstore_channel_end(s, ch);
    } else {
        chan->sd_store_open = true;
        chan->sd_store_next = (uint8_t)(c->p2 + 1);
    }
    if (c->lc == 0) return SW_WRONG_LENGTH;
    store_op ops[STORE_OPS_MAX];
    size_t nops = 0;
    uint16_t sw = parse_ops(s, sd, c->data, c->lc, ops, &nops);
    if (sw) {
        certstore_channel_end(s, ch);
        return sw;
    }
    seam_err e = store_tx_begin(s->st);
    for (size_t i = 0; e == SEAM_OK && i < nops; i++)
        e = apply_op(s, sd, &ops[i]);
    if (e == SEAM_OK) {
        e = store_tx_commit(s->st);
    } else if (store_in_tx(s->st)) {
        store_tx_abort(s->st);
    }
    if (e != SEAM_OK) {
        certstore_channel_end(s, ch);
        return se_sw_of(e);
    }
    return SW_NO_ERROR;
}

/* ---- GET DATA ---- */

uint16_t certstore_get_data(se *s, store_id sd, uint16_t tag, const apdu_cmd *c, se_resp *r)
{
    seam_wr w;
    seam_wr_init(&w, r->p, r->cap);
    if (tag == TAG_KLOC_IDS || tag == TAG_KLCC_IDS) {
        if (c->lc) return SW_WRONG_LENGTH;
        for (store_id id = eckey_next(s, sd, 0); id; id = eckey_next(s, sd, id)) {
            const se_eckey_rec *k = eckey_get(s, id);
            bool kloc = k->kid == GP_KID_CA_KLOC_ECDSA;
            if (!k->ski_len || kloc != (tag == TAG_KLOC_IDS)) continue;
            uint8_t ref[2] = {k->kid, k->kvn};
            tlv_put(&w, TAG_SKI, k->ski, k->ski_len);
            tlv_put(&w, TAG_KEY_REF, ref, sizeof ref);
        }
        if (w.err) return SW_UNKNOWN;
        if (!w.len) return SW_REFERENCED_DATA_NOT_FOUND;
        r->len = w.len;
        return SW_NO_ERROR;
    }
    if (tag != TAG_CERT_STORE) return SW_REFERENCED_DATA_NOT_FOUND;
    /* data: exactly A6 { 83 02 KID KVN } */
    if (c->lc == 0) return SW_WRONG_LENGTH;
    tlv_t a6;
    if (tlv_parse(c->data, c->lc, &a6) != SEAM_OK || a6.tag != TAG_CRT || a6.total != c->lc)
        return SW_WRONG_DATA;
    int kl;
    const uint8_t *ski;
    size_t ski_len;
    uint8_t kid = 0, kvn = 0;
    uint16_t sw = parse_crt(&a6, &kl, &ski, &ski_len, &kid, &kvn);
    if (sw) return sw;
    if (ski || kl >= 0) return SW_WRONG_DATA;
    store_id id = certstore_find(s, sd, kid, kvn);
    if (!id) return SW_REFERENCED_DATA_NOT_FOUND;
    size_t size;
    const uint8_t *p = store_view(s->st, id, &size);
    seam_wr_bytes(&w, p + sizeof(se_certstore_hdr), size - sizeof(se_certstore_hdr));
    if (w.err) return SW_UNKNOWN;
    r->len = w.len;
    return SW_NO_ERROR;
}
