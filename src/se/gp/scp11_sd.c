/*
 * SCP11 on a security domain (GP CS 2.3.1 Amendment F): PERFORM SECURITY OPERATION (the
 * off-card entity's certificate chain for SCP11a/c), INTERNAL AUTHENTICATE (SCP11b) and MUTUAL
 * AUTHENTICATE (SCP11a/c). The cryptography is src/gp/scp11.c, shared with the hosts; the chain
 * is checked by src/gp/x509*.c. A successful authentication installs an ordinary SCP03 session
 * on the channel (se_chan.scp), so every later command goes through the same secure messaging.
 *
 * Invariants:
 *  - the OCE chain lives in card RAM (se.oce), bounded (SE_OCE_MAX_CERTS certificates,
 *    SE_OCE_MAX_BYTES bytes), belongs to one channel, and is forgotten when that channel's
 *    session ends (SELECT, reset, a new authentication) or another channel starts a chain;
 *  - MUTUAL AUTHENTICATE uses only a chain that was completely checked against PK.CA-KLOC of
 *    this SD (and its identifier, when the card holds one) and whose leaf asserts keyAgreement
 *    and nothing else; the chain is used once;
 *  - validity periods are NOT checked: the card has no trusted time (GP CS 2.3.1 and Amendment
 *    F, as far as public sources show, define no way to give a card one; docs/card.md);
 *  - a session set up by SCP11b is marked (se_chan.sc_scp11b): it did not authenticate the
 *    off-card entity, so STORE DATA, GENERATE KEY and DELETE of keys are refused in it;
 *  - on any failure no session is left on the channel; ephemeral keys and S-DEK are wiped on
 *    every path out;
 *  - an SCP11c session is accepted once: SCP11c's off-card key pair is precomputed, so the same
 *    MUTUAL AUTHENTICATE gives the same session keys and a recorded script would run again.
 *    The SD keeps the last SEEN_MAX accepted (ePK.OCE, PK.OCE) pairs as 16-byte SHA-256
 *    prefixes in a store object (SE_OBJ_SCP11C_SEEN); a pair already there is refused (6982),
 *    and a new one is recorded durably before the session starts. A script older than the
 *    last SEEN_MAX SCP11c sessions of that SD is no longer recognised: the originator counters
 *    of the quorum-signed commands (docs/trust.md) are the stronger means for commands that
 *    must never repeat.
 */
#include <stddef.h>
#include <string.h>

#include "se/se_int.h"
#include "seam/scp11.h"
#include "seam/x509.h"

#define SEEN_MAX 64
#define SEEN_DIG 16
typedef struct {
    uint8_t next; /* the slot the next session goes to */
    uint8_t n;    /* slots in use */
    uint8_t dig[SEEN_MAX][SEEN_DIG];
} seen_rec;

bool scp11_sd_seen_valid(se *s, store_id id)
{
    uint32_t owner;
    uint16_t type;
    size_t size;
    if (store_info(s->st, id, &owner, &type, &size) != SEAM_OK || type != SE_OBJ_SCP11C_SEEN ||
        size != sizeof(seen_rec))
        return false;
    const seen_rec *r = (const seen_rec *)store_view(s->st, id, &size);
    return r && r->next < SEEN_MAX && r->n <= SEEN_MAX && reg_get(s, owner) != NULL;
}

static store_id seen_find(se *s, store_id sd)
{
    for (store_id id = store_next(s->st, 0); id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) == SEAM_OK &&
            type == SE_OBJ_SCP11C_SEEN && owner == sd && scp11_sd_seen_valid(s, id))
            return id;
    }
    return 0;
}

/* The record digest of one SCP11c session: SHA-256(ePK.OCE || PK.OCE), first 16 bytes. */
static bool seen_digest(const apdu_cmd *c, const uint8_t pk_oce[65], uint8_t dig[SEEN_DIG])
{
    scp11_params p;
    uint8_t epk[CR_P256_PUB_LEN], h[32];
    if (scp11_card_parse(c->data, c->lc, SCP11_VARIANT_C, &p, epk) != SEAM_OK) return false;
    if (cr_sha256_parts(epk, sizeof epk, pk_oce, CR_P256_PUB_LEN, NULL, 0, h) != SEAM_OK)
        return false;
    memcpy(dig, h, SEEN_DIG);
    return true;
}

static bool seen_before(se *s, store_id sd, const uint8_t dig[SEEN_DIG])
{
    store_id id = seen_find(s, sd);
    size_t size;
    const seen_rec *r = id ? (const seen_rec *)store_view(s->st, id, &size) : NULL;
    bool hit = false;
    for (unsigned i = 0; r && i < r->n; i++) hit |= seam_ct_equal(r->dig[i], dig, SEEN_DIG);
    return hit;
}

/* Records a session durably (one store transaction). */
static seam_err seen_record(se *s, store_id sd, const uint8_t dig[SEEN_DIG])
{
    seam_err e = store_tx_begin(s->st);
    if (e != SEAM_OK) return e;
    store_id id = seen_find(s, sd);
    if (!id) e = store_alloc(s->st, sd, SE_OBJ_SCP11C_SEEN, sizeof(seen_rec), &id);
    size_t size;
    const seen_rec *r = e == SEAM_OK ? (const seen_rec *)store_view(s->st, id, &size) : NULL;
    if (!r) e = e == SEAM_OK ? SEAM_E_CORRUPT : e;
    if (e == SEAM_OK) {
        uint8_t slot = r->next, hdr[2] = {(uint8_t)((r->next + 1) % SEEN_MAX),
                                          (uint8_t)(r->n < SEEN_MAX ? r->n + 1 : SEEN_MAX)};
        e = store_write(s->st, id, offsetof(seen_rec, dig) + (size_t)slot * SEEN_DIG, dig,
                        SEEN_DIG);
        if (e == SEAM_OK) e = store_write(s->st, id, 0, hdr, sizeof hdr);
    }
    if (e == SEAM_OK) return store_tx_commit(s->st);
    store_tx_abort(s->st);
    return e;
}

void scp11_sd_oce_clear(se *s, uint8_t ch)
{
    if (!s->oce.active || s->oce.ch != ch) return;
    memset(&s->oce, 0, sizeof s->oce);
}

void scp11_sd_set_next_ephemeral(se *s, const uint8_t esk[32])
{
    memcpy(s->next_esk, esk, 32);
    s->next_esk_set = true;
}

/* Checks the received chain (chain[0] issued by CA-KLOC, the last one the OCE's ECKA
 * certificate) and keeps the leaf's public key. */
static uint16_t oce_verify(se *s, const se_eckey_rec *ca)
{
    x509_cert certs[SE_OCE_MAX_CERTS];
    size_t n = s->oce.n;
    for (size_t i = 0; i < n; i++) {
        size_t off = s->oce.off[i], len = (size_t)s->oce.off[i + 1] - off;
        if (x509_parse(s->oce.buf + off, len, &certs[i], NULL, 0) != SEAM_OK) return SW_WRONG_DATA;
    }
    x509_chain_params p;
    memset(&p, 0, sizeof p);
    p.anchor_pub = ca->pub;
    p.anchor_ski = ca->ski_len ? ca->ski : NULL;
    p.anchor_ski_len = ca->ski_len;
    p.anchor_path_len = -1;
    p.has_time = false; /* no trusted time on the card yet */
    p.leaf_usage = X509_KU_KEY_AGREEMENT;
    p.leaf_usage_exact = true; /* Amendment F: CERT.OCE.ECKA is for key agreement only */
    seam_err e = x509_chain_check(&p, certs, n, NULL, 0);
    if (e == SEAM_E_AUTH) return SW_SECURITY_STATUS_NOT_SATISFIED;
    if (e != SEAM_OK) return SW_WRONG_DATA;
    memcpy(s->oce.pk, certs[n - 1].pub, CR_P256_PUB_LEN);
    s->oce.verified = true;
    return SW_NO_ERROR;
}

/* PERFORM SECURITY OPERATION (Amendment F): P1 = KVN and P2 = KID '10' of PK.CA-KLOC.ECDSA,
 * P2 b8 set when more certificates follow; data = one DER certificate, from the one CA-KLOC
 * issued down to CERT.OCE.ECKA (each certificate may itself arrive in a command chain). */
uint16_t scp11_sd_pso(se *s, uint8_t ch, store_id sd, const apdu_cmd *c)
{
    if ((c->p2 & 0x7F) != GP_KID_CA_KLOC_ECDSA) return SW_INCORRECT_P1P2;
    bool more = c->p2 & 0x80;
    if (c->lc == 0) return SW_WRONG_LENGTH;
    store_id caid = c->p1 ? eckey_find(s, sd, GP_KID_CA_KLOC_ECDSA, c->p1) : 0;
    if (!caid) {
        scp11_sd_oce_clear(s, ch);
        return SW_REFERENCED_DATA_NOT_FOUND;
    }
    /* A new chain starts unless this channel is in the middle of one for the same key. */
    if (!s->oce.active || s->oce.ch != ch || s->oce.verified || s->oce.ca_kvn != c->p1) {
        memset(&s->oce, 0, sizeof s->oce);
        s->oce.active = true;
        s->oce.ch = ch;
        s->oce.ca_kvn = c->p1;
    }
    size_t used = s->oce.off[s->oce.n];
    if (s->oce.n >= SE_OCE_MAX_CERTS || c->lc > sizeof s->oce.buf - used) {
        memset(&s->oce, 0, sizeof s->oce);
        return SW_NOT_ENOUGH_MEMORY;
    }
    /* Strict DER now, so a malformed certificate is refused where it arrives. */
    x509_cert cert;
    if (x509_parse(c->data, c->lc, &cert, NULL, 0) != SEAM_OK) {
        memset(&s->oce, 0, sizeof s->oce);
        return SW_WRONG_DATA;
    }
    memcpy(s->oce.buf + used, c->data, c->lc);
    s->oce.n++;
    s->oce.off[s->oce.n] = (uint16_t)(used + c->lc);
    if (more) return SW_NO_ERROR;
    uint16_t sw = oce_verify(s, eckey_get(s, caid));
    if (sw != SW_NO_ERROR) memset(&s->oce, 0, sizeof s->oce);
    return sw;
}

/* INTERNAL AUTHENTICATE (INS 88, SCP11b, P2 = '13') and MUTUAL AUTHENTICATE (INS 82 with CLA
 * 80, SCP11a P2 = '11', SCP11c P2 = '15'); P1 = the KVN of the SD's key pair. */
uint16_t scp11_sd_authenticate(se *s, uint8_t ch, store_id sd, const apdu_cmd *c, se_resp *r)
{
    se_chan *chan = &s->chan[ch];
    uint8_t variant;
    if (c->ins == SCP11_INS_INTERNAL_AUTHENTICATE && c->p2 == GP_KID_SCP11B)
        variant = SCP11_VARIANT_B;
    else if (c->ins == SCP11_INS_MUTUAL_AUTHENTICATE && c->p2 == GP_KID_SCP11A)
        variant = SCP11_VARIANT_A;
    else if (c->ins == SCP11_INS_MUTUAL_AUTHENTICATE && c->p2 == GP_KID_SCP11C)
        variant = SCP11_VARIANT_C;
    else
        variant = 0xFF;

    /* Whatever happens, the channel's old session ends: a new one is being negotiated. The OCE
     * key is taken first (ending the session forgets the chain). */
    uint8_t pk_oce[CR_P256_PUB_LEN];
    bool have_oce = s->oce.active && s->oce.ch == ch && s->oce.verified;
    if (have_oce) memcpy(pk_oce, s->oce.pk, sizeof pk_oce);
    bool esk_given = s->next_esk_set;
    uint8_t esk[32], epk[CR_P256_PUB_LEN];
    memcpy(esk, s->next_esk, sizeof esk);
    seam_wipe(s->next_esk, sizeof s->next_esk);
    s->next_esk_set = false;
    sd_session_end(s, ch);
    scp11_sd_oce_clear(s, ch);

    uint16_t sw = 0;
    store_id kid = variant == 0xFF || c->p1 == 0 ? 0 : eckey_find(s, sd, c->p2, c->p1);
    const se_eckey_rec *k = kid ? eckey_get(s, kid) : NULL;
    if (!k || !k->has_priv)
        sw = SW_REFERENCED_DATA_NOT_FOUND;
    else if (variant != SCP11_VARIANT_B && !have_oce)
        sw = SW_CONDITIONS_OF_USE_NOT_SATISFIED; /* no verified CERT.OCE.ECKA (PSO) */
    else if (c->lc != SCP11_CMD_DATA_LEN)
        sw = SW_WRONG_DATA;
    uint8_t dig[SEEN_DIG];
    if (!sw && variant == SCP11_VARIANT_C) {
        if (!seen_digest(c, pk_oce, dig))
            sw = SW_WRONG_DATA;
        else if (seen_before(s, sd, dig))
            sw = SW_SECURITY_STATUS_NOT_SATISFIED; /* a replayed SCP11c session */
    }
    if (!sw && variant != SCP11_VARIANT_C && !esk_given && cr_p256_keygen(esk, epk) != SEAM_OK)
        sw = SW_UNKNOWN;
    if (!sw) {
        uint8_t s_dek[SCP11_MAX_KEYLEN];
        scp11_params prm;
        size_t n = 0;
        seam_err e = scp11_card_authenticate(
            variant, c->data, c->lc, k->priv, variant == SCP11_VARIANT_B ? NULL : pk_oce,
            variant == SCP11_VARIANT_C ? NULL : esk, r->p, r->cap, &n, &chan->scp, s_dek, &prm);
        /* an SCP11c session is recorded before it starts: a power cut here leaves either no
         * session and no record, or the record (and the host retries with a new key pair) */
        if (e == SEAM_OK && variant == SCP11_VARIANT_C) e = seen_record(s, sd, dig);
        if (e == SEAM_OK) {
            r->len = n;
            chan->sc_state = SC_AUTHENTICATED;
            chan->sc_sd = sd;
            chan->sc_keyset = 0;
            /* SCP11b authenticates the card only: Amendment F key management is refused in
             * such a session (sd.c) */
            chan->sc_scp11b = variant == SCP11_VARIANT_B;
            memcpy(chan->sc_dek, s_dek, prm.key_len);
            chan->sc_dek_len = prm.key_len;
        } else {
            sd_session_end(s, ch);
            sw = se_sw_of(e);
        }
        seam_wipe(s_dek, sizeof s_dek);
    }
    seam_wipe(esk, sizeof esk);
    seam_wipe(epk, sizeof epk);
    return sw ? sw : SW_NO_ERROR;
}
