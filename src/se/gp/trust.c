/*
 * Trust anchor cells and quorum-signed commands on the ISD (DESIGN.md §6, issue 7 items 5-6;
 * docs/trust.md is the reference for the formats). The card holds n (3..8) independent root CA
 * certificates and a quorum k (1 < k <= n). Critical operations — replacing or revoking a root,
 * changing k, replacing the ISD's SCP03 key set — and applets' "is this signed by k roots?"
 * (attest) need a CMS SignedData (RFC 5652) whose SignerInfos chain to at least k DISTINCT
 * anchors. One compromised root can therefore neither act alone nor stop the others from
 * replacing it.
 *
 * Wire forms (STORE DATA, GP CS 2.3.1 §11.11, to the ISD; tags of the private class of
 * ISO/IEC 7816-4 §5.2.2.1, left to the issuer; 'DF' rather than 'FF', which that clause makes
 * invalid as a first tag byte):
 *  - DF70 { 80 01 k, 30 cert1, ..., 30 certn }: the anchors at personalisation, only under a
 *    session that authenticated the off-card entity, only while the card is OP_READY or
 *    INITIALIZED (GP CS 2.3.1 §5.1.1): once SECURED, anchors change only by quorum;
 *  - DF71 { ContentInfo(SignedData) }: a quorum-signed command; no secure channel needed (the
 *    signatures are the authority);
 *  - either may span several STORE DATA blocks (P2 = block number from 00, P1 b8 = last
 *    block) or come in one extended or ISO-chained APDU; GET DATA DF70 reads the state.
 *
 * Invariants:
 *  - one store object (SE_OBJ_TRUST, owned by the ISD) holds the cells, k, the replay floor and
 *    the originator table; every change to it happens in ONE store transaction, after the whole
 *    command has been checked, so a refused command or a power cut leaves it as it was (an
 *    applet's attest, trust_attest: in ONE non-transactional write instead, so that it is
 *    durable at once even inside the applet's JCSystem transaction and never undone by it);
 *  - a command counts only when EVERY SignerInfo verifies and chains (x509_chain_check) to an
 *    active anchor; signers chaining to the same anchor count once; anything else refuses the
 *    whole command (a signature from a revoked or replaced root poisons a command rather than
 *    being skipped);
 *  - anti-replay: a 64-bit counter per originator, strictly increasing, and above a floor that
 *    rises to the highest counter seen whenever credentials change (anchor replaced or
 *    revoked, k changed, ISD keys replaced) and when a table entry must be dropped;
 *  - anchors are distinct: no two active cells hold the same key or the same subject Name;
 *  - the card has no trusted clock, so validity periods are not checked (has_time false).
 */
#include <string.h>

#include "se/se_int.h"
#include "seam/cms.h"
#include "seam/crypto.h"
#include "seam/scp03.h"
#include "seam/tlv.h"
#include "seam/x509.h"

#define TRUST_MIN_ANCHORS 3
#define TRUST_MAX_ANCHORS 8
#define TRUST_CERT_MAX 1024 /* one root certificate's DER */
#define TRUST_MAX_ORIG 32   /* originators remembered */
#define TRUST_ORIG_ID_MAX 32

#define CELL_EMPTY 0
#define CELL_ACTIVE 1
#define CELL_REVOKED 2

/* Operations of the signed content (docs/trust.md). */
#define OP_REPLACE_ANCHOR CMS_TRUST_OP_REPLACE_ANCHOR
#define OP_REVOKE_ANCHOR CMS_TRUST_OP_REVOKE_ANCHOR
#define OP_SET_K CMS_TRUST_OP_SET_K
#define OP_REPLACE_KEYS CMS_TRUST_OP_REPLACE_KEYS
#define OP_ATTEST CMS_TRUST_OP_ATTEST

/* Content tags, in the order they must appear. */
#define CT_OP 0x80
#define CT_ORIGINATOR 0x81
#define CT_COUNTER 0x82
#define CT_CARD 0x83
#define CT_CELL 0x84
#define CT_ROOT 0x85
#define CT_K 0x86
#define CT_OLD_KVN 0x87
#define CT_KEY_DATA 0x88
#define CT_PAYLOAD 0x89

/* ---- the persistent record (byte fields only: no padding, offsets stable) ---- */

typedef struct {
    uint8_t state;  /* CELL_* */
    uint8_t len[2]; /* DER length, big-endian; 0 unless ACTIVE */
    uint8_t cert[TRUST_CERT_MAX];
} trust_cell;

typedef struct {
    uint8_t used;
    uint8_t id_len;
    uint8_t id[TRUST_ORIG_ID_MAX];
    uint8_t counter[8]; /* the last accepted, big-endian */
} trust_orig;

typedef struct {
    uint8_t magic[4]; /* "TRST" */
    uint8_t version;  /* 1 */
    uint8_t n;        /* cells in use, TRUST_MIN_ANCHORS..TRUST_MAX_ANCHORS */
    uint8_t k;        /* quorum, 2..active cells */
    uint8_t floor[8]; /* every counter must be above it */
    uint8_t high[8];  /* the highest counter accepted */
    trust_cell cell[TRUST_MAX_ANCHORS];
    trust_orig orig[TRUST_MAX_ORIG];
} trust_rec;

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static size_t cell_len(const trust_cell *c)
{
    return (size_t)c->len[0] << 8 | c->len[1];
}

/* The trust object of the ISD, or 0. */
static store_id trust_find(se *s)
{
    for (store_id id = store_next(s->st, 0); id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) == SEAM_OK && type == SE_OBJ_TRUST &&
            owner == s->isd_id)
            return id;
    }
    return 0;
}

/* The record, checked field by field (an image is never trusted blindly), or NULL. */
static const trust_rec *trust_view(se *s, store_id id)
{
    size_t size;
    const trust_rec *t = id ? (const trust_rec *)store_view(s->st, id, &size) : NULL;
    if (!t || size != sizeof *t || memcmp(t->magic, "TRST", 4) != 0 || t->version != 1) return NULL;
    if (t->n < TRUST_MIN_ANCHORS || t->n > TRUST_MAX_ANCHORS || t->k < 2 || t->k > t->n)
        return NULL;
    for (size_t i = 0; i < TRUST_MAX_ANCHORS; i++) {
        const trust_cell *c = &t->cell[i];
        size_t len = cell_len(c);
        bool active = c->state == CELL_ACTIVE;
        if (i >= t->n ? c->state != CELL_EMPTY : (!active && c->state != CELL_REVOKED)) return NULL;
        if (active ? (len == 0 || len > TRUST_CERT_MAX) : len != 0) return NULL;
    }
    for (size_t i = 0; i < TRUST_MAX_ORIG; i++)
        if (t->orig[i].used > 1 || t->orig[i].id_len > TRUST_ORIG_ID_MAX) return NULL;
    return t;
}

bool trust_valid(se *s, store_id id)
{
    uint32_t owner;
    uint16_t type;
    size_t size;
    if (store_info(s->st, id, &owner, &type, &size) != SEAM_OK || type != SE_OBJ_TRUST)
        return false;
    return owner == s->isd_id && trust_view(s, id) != NULL;
}

bool trust_guards_keys(se *s, store_id sd)
{
    if (sd != s->isd_id) return false;
    uint8_t lc = se_card(s)->life_cycle;
    if (lc != GP_CARD_SECURED && lc != GP_CARD_LOCKED) return false;
    store_id id = trust_find(s);
    return id && trust_view(s, id) != NULL;
}

/* ---- anchors ---- */

/* A root certificate acceptable as an anchor: strict X.509, self-signed with its own key, a CA
 * with keyCertSign (RFC 5280 §4.2.1.9, §4.2.1.3). */
static bool root_ok(const uint8_t *der, size_t len, x509_cert *c)
{
    if (len == 0 || len > TRUST_CERT_MAX) return false;
    if (x509_parse(der, len, c, NULL, 0) != SEAM_OK) return false;
    if (!c->ca || !(c->key_usage & X509_KU_KEY_CERT_SIGN)) return false;
    if (c->issuer.len != c->subject.len || memcmp(c->issuer.p, c->subject.p, c->issuer.len) != 0)
        return false;
    return x509_verify_signature(c, c->pub, CR_P256_PUB_LEN) == SEAM_OK;
}

/* Two roots that must not share a cell set: same key or same subject Name. */
static bool roots_clash(const x509_cert *a, const x509_cert *b)
{
    return memcmp(a->pub, b->pub, CR_P256_PUB_LEN) == 0 ||
           (a->subject.len == b->subject.len &&
            memcmp(a->subject.p, b->subject.p, a->subject.len) == 0);
}

/* The active anchors of t, parsed (pointing into the store's view). */
typedef struct {
    x509_cert cert[TRUST_MAX_ANCHORS];
    bool active[TRUST_MAX_ANCHORS];
    size_t n_active;
} anchor_set;

static bool anchors_load(const trust_rec *t, anchor_set *a)
{
    memset(a, 0, sizeof *a);
    for (size_t i = 0; i < t->n; i++) {
        if (t->cell[i].state != CELL_ACTIVE) continue;
        if (!root_ok(t->cell[i].cert, cell_len(&t->cell[i]), &a->cert[i])) return false;
        a->active[i] = true;
        a->n_active++;
    }
    return true;
}

/* ---- STORE DATA DF70: the anchors at personalisation ---- */

static uint16_t do_personalise(se *s, const uint8_t *p, size_t n)
{
    uint8_t lc = se_card(s)->life_cycle;
    if (lc != GP_CARD_OP_READY && lc != GP_CARD_INITIALIZED)
        return SW_CONDITIONS_OF_USE_NOT_SATISFIED; /* SECURED: only a quorum changes anchors */
    trust_rec rec; /* built here, then written whole; never holds a secret */
    memset(&rec, 0, sizeof rec);
    memcpy(rec.magic, "TRST", 4);
    rec.version = 1;
    x509_cert certs[TRUST_MAX_ANCHORS];
    tlv_iter it;
    tlv_t t;
    seam_err e;
    bool have_k = false;
    size_t count = 0;
    tlv_iter_init(&it, p, n);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        if (!have_k) {
            if (t.tag != 0x80 || t.len != 1) return SW_WRONG_DATA;
            rec.k = t.value[0];
            have_k = true;
            continue;
        }
        if (t.tag != 0x30) return SW_WRONG_DATA;
        if (count == TRUST_MAX_ANCHORS) return SW_NOT_ENOUGH_MEMORY;
        const uint8_t *der = t.value - (t.total - t.len);
        if (!root_ok(der, t.total, &certs[count])) return SW_WRONG_DATA;
        for (size_t j = 0; j < count; j++)
            if (roots_clash(&certs[j], &certs[count])) return SW_WRONG_DATA;
        rec.cell[count].state = CELL_ACTIVE;
        seam_put_be16(rec.cell[count].len, (uint16_t)t.total);
        memcpy(rec.cell[count].cert, der, t.total);
        count++;
    }
    if (e != SEAM_E_NOT_FOUND || !have_k) return SW_WRONG_DATA;
    if (count < TRUST_MIN_ANCHORS || rec.k < 2 || rec.k > count) return SW_WRONG_DATA;
    rec.n = (uint8_t)count;

    store_id id = trust_find(s);
    e = store_tx_begin(s->st);
    if (e == SEAM_OK && !id) e = store_alloc(s->st, s->isd_id, SE_OBJ_TRUST, sizeof rec, &id);
    if (e == SEAM_OK) e = store_write(s->st, id, 0, &rec, sizeof rec);
    if (e == SEAM_OK) {
        e = store_tx_commit(s->st);
    } else if (store_in_tx(s->st)) {
        store_tx_abort(s->st);
    }
    return se_sw_of(e);
}

/* ---- STORE DATA DF71: a quorum-signed command ---- */

/* The signed content, parsed (docs/trust.md). */
typedef struct {
    uint8_t op;
    const uint8_t *orig;
    size_t orig_len;
    uint64_t counter;
    uint8_t cell; /* 1..n */
    const uint8_t *root;
    size_t root_len;
    uint8_t k;
    uint8_t old_kvn;
    const uint8_t *key_data;
    size_t key_data_len;
    const uint8_t *payload; /* attest: tag 89, NULL when absent */
    size_t payload_len;
} command;

/* Which content tags each operation takes: required and optional beyond 80-82 (83 is always
 * optional). */
static bool tags_fit(uint8_t op, uint32_t seen)
{
    uint32_t need, opt = 1u << (CT_CARD - 0x80);
    switch (op) {
    case OP_REPLACE_ANCHOR:
        need = 1u << (CT_CELL - 0x80) | 1u << (CT_ROOT - 0x80);
        break;
    case OP_REVOKE_ANCHOR:
        need = 1u << (CT_CELL - 0x80);
        break;
    case OP_SET_K:
        need = 1u << (CT_K - 0x80);
        break;
    case OP_REPLACE_KEYS:
        need = 1u << (CT_OLD_KVN - 0x80) | 1u << (CT_KEY_DATA - 0x80);
        break;
    case OP_ATTEST:
        need = 0;
        opt |= 1u << (CT_PAYLOAD - 0x80);
        break;
    default:
        return false;
    }
    need |= 0x07; /* operation, originator, counter */
    return (seen & need) == need && (seen & ~(need | opt)) == 0;
}

/* Parses the content: primitive one-byte tags 80..89 in ascending order, each at most once,
 * nothing else, then the set that the operation takes. */
static uint16_t parse_content(se *s, const uint8_t *p, size_t n, command *cmd)
{
    memset(cmd, 0, sizeof *cmd);
    tlv_iter it;
    tlv_t t;
    seam_err e;
    uint32_t seen = 0, last = 0;
    tlv_iter_init(&it, p, n);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        if (t.tag < CT_OP || t.tag > CT_PAYLOAD || (seen && t.tag <= last)) return SW_WRONG_DATA;
        seen |= 1u << (t.tag - 0x80);
        last = t.tag;
        switch (t.tag) {
        case CT_OP:
            if (t.len != 1) return SW_WRONG_DATA;
            cmd->op = t.value[0];
            break;
        case CT_ORIGINATOR:
            if (t.len == 0 || t.len > TRUST_ORIG_ID_MAX) return SW_WRONG_DATA;
            cmd->orig = t.value;
            cmd->orig_len = t.len;
            break;
        case CT_COUNTER:
            if (t.len != 8) return SW_WRONG_DATA;
            cmd->counter = get64(t.value);
            break;
        case CT_CARD: {
            /* bound to one card: its card image number (GET DATA 45) */
            const se_card_rec *card = se_card(s);
            if (t.len != card->cin_len || memcmp(t.value, card->cin, t.len) != 0)
                return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
            break;
        }
        case CT_CELL:
            if (t.len != 1) return SW_WRONG_DATA;
            cmd->cell = t.value[0];
            break;
        case CT_ROOT:
            cmd->root = t.value;
            cmd->root_len = t.len;
            break;
        case CT_K:
            if (t.len != 1) return SW_WRONG_DATA;
            cmd->k = t.value[0];
            break;
        case CT_OLD_KVN:
            if (t.len != 1) return SW_WRONG_DATA;
            cmd->old_kvn = t.value[0];
            break;
        case CT_KEY_DATA:
            cmd->key_data = t.value;
            cmd->key_data_len = t.len;
            break;
        case CT_PAYLOAD:
            cmd->payload = t.value;
            cmd->payload_len = t.len;
            break;
        default:
            return SW_WRONG_DATA;
        }
    }
    if (e != SEAM_E_NOT_FOUND) return SW_WRONG_DATA;
    return tags_fit(cmd->op, seen) ? 0 : SW_WRONG_DATA;
}

/* The verification state of one command (large: kept off the stack). */
typedef struct {
    cms_signed_data sd;
    x509_cert certs[CMS_MAX_CERTS];
    anchor_set anchors;
    x509_cert chain[X509_MAX_CHAIN];
    x509_cert new_root;
} verify_ws;

static bool same_span(x509_span a, x509_span b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* Chains certificate `leaf` of the SignedData to an active anchor: upwards through the
 * certificates field by issuer Name (and AKI = SKI), at most X509_MAX_CHAIN certificates, each
 * certificate once; then x509_chain_check with the anchor's key, SKI, Name and path length and
 * a digitalSignature leaf. Returns the anchor's cell index, or -1. */
static int chain_to_anchor(verify_ws *w, size_t leaf)
{
    size_t idx[X509_MAX_CHAIN];
    size_t len = 0;
    idx[len++] = leaf;
    for (;;) {
        const x509_cert *top = &w->certs[idx[len - 1]];
        for (size_t a = 0; a < TRUST_MAX_ANCHORS; a++) {
            const x509_cert *root = &w->anchors.cert[a];
            if (!w->anchors.active[a] || !same_span(top->issuer, root->subject)) continue;
            for (size_t i = 0; i < len; i++)
                w->chain[i] = w->certs[idx[len - 1 - i]];
            x509_chain_params p;
            memset(&p, 0, sizeof p);
            p.anchor_pub = root->pub;
            p.anchor_ski = root->ski.p;
            p.anchor_ski_len = root->ski.len;
            p.anchor_name = root->subject.p;
            p.anchor_name_len = root->subject.len;
            p.anchor_path_len = root->path_len;
            p.has_time = false; /* no trusted clock on this card: docs/trust.md */
            p.leaf_usage = X509_KU_DIGITAL_SIGNATURE;
            if (x509_chain_check(&p, w->chain, len, NULL, 0) == SEAM_OK) return (int)a;
            return -1; /* names are distinct across cells: no other anchor can issue it */
        }
        if (len == X509_MAX_CHAIN) return -1; /* chain too long */
        size_t up = CMS_MAX_CERTS;
        for (size_t j = 0; j < w->sd.n_certs && up == CMS_MAX_CERTS; j++) {
            const x509_cert *c = &w->certs[j];
            bool used = false;
            for (size_t i = 0; i < len; i++)
                used |= idx[i] == j;
            if (used || !same_span(c->subject, top->issuer)) continue;
            if (top->aki.len && c->ski.len && !same_span(top->aki, c->ski)) continue;
            up = j;
        }
        if (up == CMS_MAX_CERTS) return -1;
        idx[len++] = up;
    }
}

/* Verifies the SignedData: every signer valid and anchored; *mask gets the anchors (bit i =
 * cell i). Also tells whether the originator id is the SKI of a signer's certificate. */
static uint16_t verify_quorum(verify_ws *w, const command *cmd, uint32_t *mask, bool *orig_ok)
{
    *mask = 0;
    *orig_ok = false;
    for (size_t i = 0; i < w->sd.n_certs; i++)
        if (x509_parse(w->sd.certs[i].p, w->sd.certs[i].len, &w->certs[i], NULL, 0) != SEAM_OK)
            return SW_WRONG_DATA;
    for (size_t s = 0; s < w->sd.n_signers; s++) {
        const cms_signer *si = &w->sd.signers[s];
        size_t leaf = CMS_MAX_CERTS;
        for (size_t i = 0; i < w->sd.n_certs && leaf == CMS_MAX_CERTS; i++)
            if (cms_signer_is(si, &w->certs[i])) leaf = i;
        if (leaf == CMS_MAX_CERTS) return SW_SECURITY_STATUS_NOT_SATISFIED;
        if (cms_signer_verify(&w->sd, si, w->certs[leaf].pub, CR_P256_PUB_LEN) != SEAM_OK)
            return SW_SECURITY_STATUS_NOT_SATISFIED;
        int a = chain_to_anchor(w, leaf);
        if (a < 0) return SW_SECURITY_STATUS_NOT_SATISFIED;
        *mask |= 1u << a;
        const x509_span ski = w->certs[leaf].ski;
        if (ski.len == cmd->orig_len && memcmp(ski.p, cmd->orig, ski.len) == 0) *orig_ok = true;
    }
    return 0;
}

static unsigned popcount(uint32_t m)
{
    unsigned n = 0;
    for (; m; m &= m - 1)
        n++;
    return n;
}

/* The new ISD key set of OP_REPLACE_KEYS: the key data of PUT KEY (GP CS 2.3.1 §11.8.2.3,
 * Amendment D §7.4.2: KVN, then three '88' Lkd Lclear E(DEK, key) '03' KCV), encrypted with the
 * DEK of the key set being replaced. Every field is required (KCVs included). */
static uint16_t parse_new_keys(const se_keyset_rec *old, const command *cmd, se_keyset_rec *out)
{
    seam_rd r;
    uint8_t kvn;
    seam_rd_init(&r, cmd->key_data, cmd->key_data_len);
    if (seam_rd_u8(&r, &kvn) || kvn == 0 || kvn > 0x7F) return SW_WRONG_DATA;
    memset(out, 0, sizeof *out);
    out->kvn = kvn;
    out->type = KEY_TYPE_AES;
    uint8_t *dst[3] = {out->enc, out->mac, out->dek};
    static const uint8_t zero_iv[16] = {0};
    for (int i = 0; i < 3; i++) {
        uint8_t type, lkd, lclear, lkcv, plain[32], kcv[3];
        const uint8_t *enc, *want;
        if (seam_rd_u8(&r, &type) || seam_rd_u8(&r, &lkd) || seam_rd_u8(&r, &lclear))
            return SW_WRONG_DATA;
        if (type != KEY_TYPE_AES || (lkd != 17 && lkd != 33)) return SW_WRONG_DATA;
        size_t lenc = lkd - 1u;
        if (!(lclear == 16 && lenc == 16) && !((lclear == 24 || lclear == 32) && lenc == 32))
            return SW_WRONG_DATA;
        if (i ? lclear != out->keylen : false) return SW_WRONG_DATA;
        out->keylen = lclear;
        if (seam_rd_bytes(&r, lenc, &enc) || seam_rd_u8(&r, &lkcv) || lkcv != 3 ||
            seam_rd_bytes(&r, 3, &want))
            return SW_WRONG_DATA;
        seam_err e = cr_aes_cbc_decrypt(old->dek, old->keylen, zero_iv, enc, lenc, plain);
        if (e == SEAM_OK) memcpy(dst[i], plain, lclear);
        seam_wipe(plain, sizeof plain);
        if (e != SEAM_OK) return SW_UNKNOWN;
        if (scp03_kcv(dst[i], lclear, kcv) != SEAM_OK) return SW_UNKNOWN;
        if (!seam_ct_equal(kcv, want, 3)) return SW_WRONG_DATA;
    }
    return seam_rd_left(&r) ? SW_WRONG_DATA : 0;
}

/* What an applet asks of an attest command (trust_attest): the payload it must name. */
typedef struct {
    const uint8_t *payload;
    size_t len;
} attest_req;

/* The anti-replay state of an applet's attest written as ONE store_write_nontx: the bytes from
 * the floor to the end of the originator's slot, patched (the record's layout puts the cells
 * in between, copied unchanged). Atomic and durable at once, even inside an applet's open
 * JCSystem transaction, and never undone by its abort (docs/trust.md). */
static seam_err attest_commit(se *s, store_id id, const trust_rec *t, const uint8_t fh[16],
                              int slot, const trust_orig *o)
{
    static const size_t lo = offsetof(trust_rec, floor);
    size_t hi = offsetof(trust_rec, orig) + ((size_t)slot + 1) * sizeof(trust_orig);
    uint8_t span[sizeof(trust_rec)]; /* public data: counters and root certificates */
    memcpy(span, (const uint8_t *)t + lo, hi - lo);
    memcpy(span, fh, 16);
    memcpy(span + hi - lo - sizeof *o, o, sizeof *o);
    return store_write_nontx(s->st, id, lo, span, hi - lo);
}

/* The checks of a quorum-signed command (docs/trust.md, "What the card checks"), then its
 * operation. req is NULL for the ISD's STORE DATA DF71; for an applet's QuorumService.attest it
 * holds the payload: only the attest operation is taken, its tag 89 must equal the payload
 * (else 6982, before the signatures are checked), and the counter is written outside any open
 * transaction (attest_commit). */
static uint16_t quorum_command(se *s, const uint8_t *p, size_t n, const attest_req *req)
{
    store_id id = trust_find(s);
    const trust_rec *t = trust_view(s, id);
    if (!t) return SW_CONDITIONS_OF_USE_NOT_SATISFIED; /* no anchors: not personalised */
    verify_ws wsp; /* on the stack: several SEs may run in one process, each in its thread */
    verify_ws *w = &wsp;
    memset(w, 0, sizeof *w);
    if (cms_parse(p, n, &w->sd, NULL, 0) != SEAM_OK) return SW_WRONG_DATA;
    command cmd;
    uint16_t sw = parse_content(s, w->sd.content.p, w->sd.content.len, &cmd);
    if (sw) return sw;
    if (req && (cmd.op != OP_ATTEST || !cmd.payload || cmd.payload_len != req->len ||
                (req->len && memcmp(cmd.payload, req->payload, req->len) != 0)))
        return SW_SECURITY_STATUS_NOT_SATISFIED; /* not a command for this applet's action */
    if (!anchors_load(t, &w->anchors)) return SW_UNKNOWN; /* a stored anchor went bad */

    uint32_t mask;
    bool orig_ok;
    sw = verify_quorum(w, &cmd, &mask, &orig_ok);
    if (sw) return sw;
    if (popcount(mask) < t->k) return SW_SECURITY_STATUS_NOT_SATISFIED;
    if (!orig_ok) return SW_SECURITY_STATUS_NOT_SATISFIED;

    /* anti-replay: above the floor and above this originator's last counter */
    uint64_t floor = get64(t->floor), high = get64(t->high);
    int slot = -1, free_slot = -1, oldest = -1;
    for (int i = 0; i < TRUST_MAX_ORIG; i++) {
        const trust_orig *o = &t->orig[i];
        if (!o->used) {
            if (free_slot < 0) free_slot = i;
            continue;
        }
        if (o->id_len == cmd.orig_len && memcmp(o->id, cmd.orig, cmd.orig_len) == 0) slot = i;
        if (oldest < 0 || get64(o->counter) < get64(t->orig[oldest].counter)) oldest = i;
    }
    if (cmd.counter <= floor) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    if (slot >= 0 && cmd.counter <= get64(t->orig[slot].counter))
        return SW_CONDITIONS_OF_USE_NOT_SATISFIED;

    /* the operation's own checks, all before anything changes */
    bool credentials = cmd.op != OP_ATTEST;
    store_id ks = 0;
    se_keyset_rec nk;
    memset(&nk, 0, sizeof nk);
    switch (cmd.op) {
    case OP_REPLACE_ANCHOR:
    case OP_REVOKE_ANCHOR:
        if (cmd.cell < 1 || cmd.cell > t->n) return SW_REFERENCED_DATA_NOT_FOUND;
        if (cmd.op == OP_REVOKE_ANCHOR) {
            if (t->cell[cmd.cell - 1].state != CELL_ACTIVE)
                return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
            if (w->anchors.n_active - 1 < t->k) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
            break;
        }
        if (!root_ok(cmd.root, cmd.root_len, &w->new_root)) return SW_WRONG_DATA;
        for (size_t i = 0; i < t->n; i++)
            if (i != cmd.cell - 1u && w->anchors.active[i] &&
                roots_clash(&w->anchors.cert[i], &w->new_root))
                return SW_WRONG_DATA;
        break;
    case OP_SET_K:
        if (cmd.k < 2 || cmd.k > w->anchors.n_active) return SW_WRONG_DATA;
        break;
    case OP_REPLACE_KEYS: {
        ks = keys_find(s, s->isd_id, cmd.old_kvn);
        if (!cmd.old_kvn || !ks) return SW_REFERENCED_DATA_NOT_FOUND;
        sw = parse_new_keys(keys_get(s, ks), &cmd, &nk);
        store_id clash = sw ? 0 : keys_find(s, s->isd_id, nk.kvn);
        if (!sw && clash && clash != ks) sw = SW_WRONG_DATA;
        if (sw) {
            seam_wipe(&nk, sizeof nk);
            return sw;
        }
        nk.tries_left = se_card(s)->try_limit;
        break;
    }
    case OP_ATTEST:
        break;
    default:
        return SW_WRONG_DATA;
    }

    /* the new anti-replay state */
    trust_orig o;
    memset(&o, 0, sizeof o);
    o.used = 1;
    o.id_len = (uint8_t)cmd.orig_len;
    memcpy(o.id, cmd.orig, cmd.orig_len);
    put64(o.counter, cmd.counter);
    if (slot < 0 && free_slot >= 0) {
        slot = free_slot;
    } else if (slot < 0) {
        /* table full: drop the entry with the lowest counter, raising the floor to it so none
         * of its commands can come back */
        uint64_t dropped = get64(t->orig[oldest].counter);
        if (dropped > floor) floor = dropped;
        slot = oldest;
    }
    if (cmd.counter > high) high = cmd.counter;
    if (credentials && high > floor) floor = high;
    uint8_t fh[16];
    put64(fh, floor);
    put64(fh + 8, high);
    if (req) return se_sw_of(attest_commit(s, id, t, fh, slot, &o));

    /* one transaction: the operation, the originator's counter, the floor */
    seam_err e = store_tx_begin(s->st);
    if (e == SEAM_OK) e = store_write(s->st, id, offsetof(trust_rec, floor), fh, sizeof fh);
    if (e == SEAM_OK)
        e = store_write(s->st, id, offsetof(trust_rec, orig) + (size_t)slot * sizeof(trust_orig),
                        &o, sizeof o);
    if (e == SEAM_OK && (cmd.op == OP_REPLACE_ANCHOR || cmd.op == OP_REVOKE_ANCHOR)) {
        trust_cell cell;
        memset(&cell, 0, sizeof cell);
        if (cmd.op == OP_REPLACE_ANCHOR) {
            cell.state = CELL_ACTIVE;
            seam_put_be16(cell.len, (uint16_t)cmd.root_len);
            memcpy(cell.cert, cmd.root, cmd.root_len);
        } else {
            cell.state = CELL_REVOKED;
        }
        e = store_write(s->st, id, offsetof(trust_rec, cell) + (cmd.cell - 1u) * sizeof cell, &cell,
                        sizeof cell);
    }
    if (e == SEAM_OK && cmd.op == OP_SET_K)
        e = store_write(s->st, id, offsetof(trust_rec, k), &cmd.k, 1);
    if (e == SEAM_OK && cmd.op == OP_REPLACE_KEYS) e = store_write(s->st, ks, 0, &nk, sizeof nk);
    seam_wipe(&nk, sizeof nk);
    if (e == SEAM_OK) {
        e = store_tx_commit(s->st);
    } else if (store_in_tx(s->st)) {
        store_tx_abort(s->st);
    }
    return se_sw_of(e);
}

/* ---- STORE DATA framing ---- */

static void rx_end(se *s)
{
    s->trust_rx.open = false;
    s->trust_rx.next = 0;
    s->trust_rx.len = 0;
}

bool trust_claims(se *s, uint8_t ch, const apdu_cmd *c)
{
    if (c->ins != 0xE2) return false;
    if (c->p2 == 0 && c->lc >= 2 && c->data[0] == 0xDF &&
        (c->data[1] == (TRUST_TAG_ANCHORS & 0xFF) || c->data[1] == (TRUST_TAG_COMMAND & 0xFF)))
        return true;
    if (s->trust_rx.open && s->trust_rx.ch == ch && c->p2 == s->trust_rx.next && c->p2 != 0)
        return true;
    if (s->trust_rx.open && s->trust_rx.ch == ch) rx_end(s); /* something else broke it */
    return false;
}

/* STORE DATA (GP CS 2.3.1 §11.11): P1 b8 last block, b7-b6 '00' (no encryption: the objects
 * are public or signed), b5-b4 '00' or '10' (BER-TLV), b3-b2 '00'; P2 the block number. The
 * blocks together are exactly one DF70 or DF71 data object. */
uint16_t trust_store_data(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, bool authenticated,
                          se_resp *r)
{
    (void)r;
    uint8_t structure = (uint8_t)((c->p1 >> 3) & 0x03);
    if ((c->p1 & 0x66) != 0 || (structure != 0x00 && structure != 0x02)) {
        rx_end(s);
        return SW_INCORRECT_P1P2;
    }
    if (sd != s->isd_id) {
        rx_end(s);
        return SW_REFERENCED_DATA_NOT_FOUND;
    }
    if (c->p2 == 0) rx_end(s);
    bool last = c->p1 & 0x80;
    if (c->lc == 0 || c->lc > TRUST_RX_MAX - s->trust_rx.len || (!last && c->p2 == 0xFF)) {
        rx_end(s);
        return c->lc == 0 ? SW_WRONG_LENGTH : SW_NOT_ENOUGH_MEMORY;
    }
    memcpy(s->trust_rx.buf + s->trust_rx.len, c->data, c->lc);
    s->trust_rx.len += c->lc;
    if (!last) {
        s->trust_rx.open = true;
        s->trust_rx.ch = ch;
        s->trust_rx.next = (uint8_t)(c->p2 + 1);
        return SW_NO_ERROR;
    }
    size_t len = s->trust_rx.len;
    s->trust_rx.open = false;
    s->trust_rx.len = 0;
    tlv_t t;
    if (tlv_parse(s->trust_rx.buf, len, &t) != SEAM_OK || t.total != len) return SW_WRONG_DATA;
    if (t.tag == TRUST_TAG_ANCHORS) {
        if (!authenticated) return SW_SECURITY_STATUS_NOT_SATISFIED;
        return do_personalise(s, t.value, t.len);
    }
    if (t.tag == TRUST_TAG_COMMAND) return quorum_command(s, t.value, t.len, NULL);
    return SW_WRONG_DATA;
}

/* GET DATA DF70: DF70 { 80 k, 81 n, 82 floor, 83 high, then per cell A0 { 84 cell, 85 state,
 * [30 certificate] } }. */
uint16_t trust_get_data(se *s, store_id sd, const apdu_cmd *c, se_resp *r)
{
    if (sd != s->isd_id) return SW_REFERENCED_DATA_NOT_FOUND;
    if (c->lc) return SW_WRONG_LENGTH;
    const trust_rec *t = trust_view(s, trust_find(s));
    if (!t) return SW_REFERENCED_DATA_NOT_FOUND;
    seam_wr w;
    seam_wr_init(&w, r->p, r->cap);
    size_t m = tlv_begin(&w, TRUST_TAG_ANCHORS);
    tlv_put_u8(&w, 0x80, t->k);
    tlv_put_u8(&w, 0x81, t->n);
    tlv_put(&w, 0x82, t->floor, 8);
    tlv_put(&w, 0x83, t->high, 8);
    for (uint8_t i = 0; i < t->n; i++) {
        size_t mc = tlv_begin(&w, 0xA0);
        tlv_put_u8(&w, 0x84, (uint8_t)(i + 1));
        tlv_put_u8(&w, 0x85, t->cell[i].state);
        seam_wr_bytes(&w, t->cell[i].cert, cell_len(&t->cell[i]));
        tlv_end(&w, mc);
    }
    tlv_end(&w, m);
    if (w.err) return SW_UNKNOWN;
    r->len = w.len;
    return SW_NO_ERROR;
}

uint16_t trust_attest(se *s, const uint8_t *cms, size_t len, const uint8_t *payload, size_t plen)
{
    if (!s || !cms || (!payload && plen)) return SW_WRONG_DATA;
    attest_req req = {payload, plen};
    return quorum_command(s, cms, len, &req);
}
