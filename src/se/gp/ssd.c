/*
 * Supplementary Security Domains (GP CS 2.3.1 §5.3.2, §6.6, §7.2, §9): the rules that decide who
 * may do what, kept in one file so they can be read (and audited) together. INSTALL, LOAD and
 * DELETE themselves are content.c's; this file answers its questions and owns the commands that
 * only change one registry field: SET STATUS of applications and SSDs and INSTALL [for
 * extradition].
 *
 * Invariants:
 *  - every command is checked completely before anything changes; a change of one field is one
 *    store_write (atomic), a change of several entries one store transaction;
 *  - an SSD acts on card content only when PERSONALIZED and unlocked, and then only on content
 *    associated with it (GP CS 2.3.1 §9.1.3); the ISD acts on everything except that it never
 *    extradites content associated with an SSD: only that SD moves it, and an SSD moves content
 *    only within its own hierarchy (itself or an SD associated with it);
 *  - the association graph stays a forest rooted at the ISD or at SSDs extradited to
 *    themselves: extradition never makes a cycle;
 *  - Delegated Management goes through cm_delegated_token_check() and nowhere else; the token
 *    is consumed and the receipt written in the transaction that commits the operation
 *    (dap_delegated_done), so a refused or torn operation leaves the token usable.
 * docs/ssd.md lists every rule with its GP section and the choices where GP leaves room.
 */
#include <stddef.h>
#include <string.h>

#include "se/gp/dap.h"
#include "se/se_int.h"
#include "seam/tlv.h"

const uint8_t ssd_elf_aid[SSD_ELF_AID_LEN] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50};
const uint8_t ssd_module_aid[SSD_MODULE_AID_LEN] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41};

bool ssd_reserved_aid(const uint8_t *aid, size_t len)
{
    return (len == SSD_ELF_AID_LEN && memcmp(aid, ssd_elf_aid, len) == 0) ||
           (len == SSD_MODULE_AID_LEN && memcmp(aid, ssd_module_aid, len) == 0);
}

bool ssd_is_sd(const se_reg_rec *r)
{
    return r && (r->kind == REG_KIND_ISD || r->kind == REG_KIND_SSD);
}

cm_authority cm_authority_of(se *s, store_id sd)
{
    if (sd == s->isd_id) return CM_AUTH_ISD;
    const se_reg_rec *r = reg_get(s, sd);
    if (!r || r->kind != REG_KIND_SSD || r->life_cycle != GP_SD_PERSONALIZED) return CM_AUTH_NONE;
    if (r->priv[1] & GP_PRIV1_AUTHORIZED_MANAGEMENT) return CM_AUTH_AM;
    if (r->priv[0] & GP_PRIV0_DELEGATED_MANAGEMENT) return CM_AUTH_DM;
    return CM_AUTH_NONE;
}

uint16_t cm_delegated_token_check(se *s, store_id sd, const apdu_cmd *c, dap_token_info *tok)
{
    /* the token signs the command (P1, P2 and the data, AIDs included) and the AID of sd, the
     * SD executing it: a token issued for another SD does not verify here (docs/dap.md); the
     * callers still check that what it names belongs to sd */
    uint16_t sw = dap_token_check_sd(s, sd, c->ins, c->p1, c->p2, c->data, c->lc, tok);
    return sw == SW_NO_ERROR ? 0 : sw;
}

/* ---- privileges (GP CS 2.3.1 §6.6.1, Table 6-1) ---- */

/* Privileges only a security domain may hold. */
#define SD_ONLY0 (GP_PRIV0_DAP_VERIFICATION | GP_PRIV0_DELEGATED_MANAGEMENT | GP_PRIV0_MANDATED_DAP)
#define SD_ONLY1 (GP_PRIV1_AUTHORIZED_MANAGEMENT | GP_PRIV1_TOKEN_VERIFICATION)
#define SD_ONLY2 GP_PRIV2_RECEIPT_GENERATION
/* Privileges one SSD at most holds besides the ISD (GP CS 2.3.1 §6.6.1.11, §6.6.1.16: the
 * Controlling Authority that verifies tokens and generates receipts; dap.c uses that SSD's
 * keys instead of the ISD's). */
#define ONE1 GP_PRIV1_TOKEN_VERIFICATION
#define ONE2 GP_PRIV2_RECEIPT_GENERATION
/* Privileges seam does not implement for new entries: Global Service (no global services). */
#define NOT_IMPL0 0
#define NOT_IMPL1 GP_PRIV1_GLOBAL_SERVICE
/* Privileges one entry holds at a time, the ISD by default (docs/ssd.md): Card Reset (the
 * application implicitly selected on the basic logical channel after a reset, GP CS 2.3.1
 * §6.6.1 Table 6-1, §6.4.2.1.1 as numbered in GP CS 2.2) and Final Application (the one
 * selected there in CARD_LOCKED and TERMINATED, same section). Granting one takes it from the
 * previous holder; deleting the holder gives it back to the ISD. */
#define MOVE0 GP_PRIV0_CARD_RESET
#define MOVE1 GP_PRIV1_FINAL_APPLICATION

store_id ssd_priv_holder(se *s, int byte, uint8_t bit)
{
    if (byte < 0 || byte > 2) return 0;
    for (store_id id = reg_next(s, 0); id; id = reg_next(s, id)) {
        const se_reg_rec *r = reg_get(s, id);
        if (r && id != s->isd_id && r->kind != REG_KIND_LOAD_FILE && (r->priv[byte] & bit))
            return id;
    }
    return s->isd_id;
}

static seam_err priv_bits_set(se *s, store_id id, uint8_t clear0, uint8_t clear1, uint8_t set0,
                              uint8_t set1)
{
    const se_reg_rec *r = reg_get(s, id);
    if (!r) return SEAM_E_CORRUPT;
    uint8_t v[2] = {(uint8_t)((r->priv[0] & ~clear0) | set0),
                    (uint8_t)((r->priv[1] & ~clear1) | set1)};
    if (v[0] == r->priv[0] && v[1] == r->priv[1]) return SEAM_OK;
    return store_write(s->st, id, offsetof(se_reg_rec, priv), v, 2);
}

seam_err ssd_priv_take(se *s, store_id to, const uint8_t pv[3])
{
    uint8_t m0 = pv[0] & MOVE0, m1 = pv[1] & MOVE1;
    if (!m0 && !m1) return SEAM_OK;
    for (store_id id = reg_next(s, 0); id; id = reg_next(s, id)) {
        if (id == to) continue;
        seam_err e = priv_bits_set(s, id, m0, m1, 0, 0);
        if (e != SEAM_OK) return e;
    }
    return SEAM_OK;
}

seam_err ssd_priv_return(se *s, store_id gone)
{
    const se_reg_rec *r = reg_get(s, gone);
    if (!r || gone == s->isd_id) return SEAM_OK;
    uint8_t m0 = r->priv[0] & MOVE0, m1 = r->priv[1] & MOVE1;
    if (!m0 && !m1) return SEAM_OK;
    return priv_bits_set(s, s->isd_id, 0, 0, m0, m1);
}

uint16_t ssd_privileges_check(se *s, store_id granter, bool is_sd, const uint8_t *p, size_t n,
                              uint8_t out[3])
{
    if (n != 1 && n != 3) return SW_WRONG_DATA;
    uint8_t v[3] = {p[0], n == 3 ? p[1] : 0, n == 3 ? p[2] : 0};
    memcpy(out, v, 3);
    /* Security Domain says what the entry is: the SD module makes SDs, other modules
     * applications */
    if (((v[0] & GP_PRIV0_SECURITY_DOMAIN) != 0) != is_sd) return SW_WRONG_DATA;
    /* bits GP CS 2.3.1 does not define (byte 3 b7-b1), and what seam does not implement */
    if ((v[2] & ~GP_PRIV2_RECEIPT_GENERATION) || (v[0] & NOT_IMPL0) || (v[1] & NOT_IMPL1))
        return SW_WRONG_DATA;
    if (!is_sd && ((v[0] & SD_ONLY0) || (v[1] & SD_ONLY1) || (v[2] & SD_ONLY2)))
        return SW_WRONG_DATA;
    /* Mandated DAP Verification is a kind of DAP Verification (§6.6.1.6) */
    if ((v[0] & GP_PRIV0_MANDATED_DAP) && !(v[0] & GP_PRIV0_DAP_VERIFICATION)) return SW_WRONG_DATA;
    /* a domain manages its content with or without tokens, not both (§6.6.1.3, §6.6.1.10) */
    if ((v[0] & GP_PRIV0_DELEGATED_MANAGEMENT) && (v[1] & GP_PRIV1_AUTHORIZED_MANAGEMENT))
        return SW_WRONG_DATA;
    /* held by one SSD at most */
    if ((v[1] & ONE1) || (v[2] & ONE2)) {
        for (store_id id = reg_next(s, 0); id; id = reg_next(s, id)) {
            const se_reg_rec *r = reg_get(s, id);
            if (r && id != s->isd_id && ((r->priv[1] & v[1] & ONE1) || (r->priv[2] & v[2] & ONE2)))
                return SW_WRONG_DATA;
        }
    }
    /* an SSD grants only privileges it holds itself */
    if (granter != s->isd_id) {
        const se_reg_rec *g = reg_get(s, granter);
        if (!g) return SW_SECURITY_STATUS_NOT_SATISFIED;
        for (int i = 0; i < 3; i++)
            if (v[i] & ~g->priv[i]) return SW_SECURITY_STATUS_NOT_SATISFIED;
    }
    return 0;
}

/* The C9 value of an SSD (GP CS 2.3.1 §11.5.2.3.7, security domain install parameters): a TLV
 * list in which seam accepts tag 81 (the Secure Channel Protocol the SD offers: SCP identifier
 * and i parameter) once, when it asks for SCP03 with the i parameter the card offers (the card
 * has one i for every SD; the S16 bit is the host's choice per session). Anything else 6A80. */
uint16_t ssd_install_params_check(se *s, const uint8_t *c9, size_t n)
{
    tlv_iter it;
    tlv_t t;
    seam_err e;
    int n81 = 0;
    uint8_t i = se_card(s)->scp_i;
    tlv_iter_init(&it, c9, n);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        if (t.tag != 0x81 || n81++ || t.len != 2) return SW_WRONG_DATA;
        if (t.value[0] != 0x03 || (t.value[1] & ~SCP03_I_S16) != i) return SW_WRONG_DATA;
    }
    return e == SEAM_E_NOT_FOUND ? 0 : SW_WRONG_DATA;
}

/* ---- GET STATUS visibility ---- */

bool ssd_sees(se *s, store_id sd, store_id id, const se_reg_rec *e)
{
    if (sd == s->isd_id) return true;
    const se_reg_rec *me = reg_get(s, sd);
    if (!me) return false;
    if (me->priv[1] & GP_PRIV1_GLOBAL_REGISTRY) return true;
    return id == sd || (e && seam_be32(e->sd_id) == sd);
}

/* ---- SET STATUS of applications and SSDs ---- */

static seam_err set_lc(se *s, store_id id, uint8_t lc)
{
    return store_write(s->st, id, offsetof(se_reg_rec, life_cycle), &lc, 1);
}

/* P2 80 locks, 00 unlocks (the state before the lock comes back), 0F moves an SSD from
 * SELECTABLE to PERSONALIZED (GP CS 2.3.1 §11.10.2.2, §5.3.2). Who may (§6.6.1, §9.5):
 *  - lock / unlock: the ISD, an SD with Global Lock, or the SD the entry is associated with;
 *    never the SD sending the command itself (it could not unlock itself: a LOCKED SD is not
 *    selectable);
 *  - personalize: the ISD, the SSD itself, or its associated SD. */
uint16_t ssd_set_status(se *s, store_id sd, const apdu_cmd *c)
{
    if (c->p1 != 0x40 && c->p1 != 0x60) return SW_INCORRECT_P1P2;
    if (c->lc < 5 || c->lc > 16) return SW_WRONG_DATA;
    if (c->p2 != 0x80 && c->p2 != 0x00 && c->p2 != GP_SD_PERSONALIZED) return SW_WRONG_DATA;
    store_id id = reg_find(s, c->data, c->lc, false, 0, false);
    if (!id) return SW_REFERENCED_DATA_NOT_FOUND;
    const se_reg_rec *tp = reg_get(s, id);
    if (tp->kind == REG_KIND_ISD) return SW_WRONG_DATA; /* the ISD's state is the card's: P1 80 */
    if (tp->kind == REG_KIND_LOAD_FILE) return SW_WRONG_DATA;
    se_reg_rec t = *tp;
    if (c->p1 == 0x60 && t.kind != REG_KIND_SSD) return SW_WRONG_DATA;
    const se_reg_rec *me = reg_get(s, sd);
    if (!me) return SW_UNKNOWN;
    bool isd = sd == s->isd_id, assoc = seam_be32(t.sd_id) == sd;
    uint8_t lc = t.life_cycle;

    if (c->p2 == GP_SD_PERSONALIZED) {
        if (c->p1 != 0x40 || t.kind != REG_KIND_SSD) return SW_WRONG_DATA;
        if (!(isd || id == sd || assoc)) return SW_SECURITY_STATUS_NOT_SATISFIED;
        if (lc != GP_SD_SELECTABLE) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
        return se_sw_of(set_lc(s, id, GP_SD_PERSONALIZED));
    }
    bool lock = c->p2 == 0x80;
    if (!(isd || (me->priv[1] & GP_PRIV1_GLOBAL_LOCK) || assoc))
        return SW_SECURITY_STATUS_NOT_SATISFIED;
    if (id == sd) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    if (lock == ((lc & GP_LC_LOCKED_BIT) != 0)) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    uint8_t to = lock ? (uint8_t)(lc | GP_LC_LOCKED_BIT) : (uint8_t)(lc & ~GP_LC_LOCKED_BIT);
    if (c->p1 == 0x40) return se_sw_of(set_lc(s, id, to));

    /* P1 60: the SSD and the applications associated with it, in one transaction; each
     * application that is already in the target state stays as it is */
    seam_err e = store_tx_begin(s->st);
    if (e != SEAM_OK) return se_sw_of(e);
    e = set_lc(s, id, to);
    for (store_id a = reg_next(s, 0); e == SEAM_OK && a; a = reg_next(s, a)) {
        const se_reg_rec *ar = reg_get(s, a);
        if (!ar || ar->kind != REG_KIND_APP || seam_be32(ar->sd_id) != id) continue;
        uint8_t alc = ar->life_cycle;
        if (lock == ((alc & GP_LC_LOCKED_BIT) != 0)) continue;
        e = set_lc(s, a,
                   lock ? (uint8_t)(alc | GP_LC_LOCKED_BIT) : (uint8_t)(alc & ~GP_LC_LOCKED_BIT));
    }
    if (e == SEAM_OK) e = store_tx_commit(s->st);
    if (e != SEAM_OK && store_in_tx(s->st)) store_tx_abort(s->st);
    return se_sw_of(e);
}

/* ---- INSTALL [for extradition] ---- */

static bool rd_lv(seam_rd *rd, bool ber, const uint8_t **p, size_t *len)
{
    uint8_t b;
    if (seam_rd_u8(rd, &b)) return false;
    if (b < 0x80 || !ber) {
        *len = b;
    } else if (b == 0x81) {
        if (seam_rd_u8(rd, &b) || b < 0x80) return false;
        *len = b;
    } else {
        uint16_t v;
        if (b != 0x82 || seam_rd_u16(rd, &v) || v < 0x100) return false;
        *len = v;
    }
    return seam_rd_bytes(rd, *len, p) == SEAM_OK;
}

/* True when making `target` the associated SD of SD `obj` would close a cycle: obj is target
 * or one of the SDs target is (transitively) associated with. */
static bool makes_cycle(se *s, store_id obj, store_id target)
{
    store_id cur = target;
    for (size_t steps = 0; steps <= s->reg_n; steps++) {
        if (cur == obj) return true;
        const se_reg_rec *r = reg_get(s, cur);
        if (!r) return false;
        store_id up = seam_be32(r->sd_id);
        if (up == cur) return false; /* a root: the ISD, or an SSD extradited to itself */
        cur = up;
    }
    return true; /* longer than the registry: a cycle already */
}

/* Data (GP CS 2.3.1 Table 11-47): SD AID, '00', application or load file AID, '00',
 * extradition parameters, token. */
uint16_t ssd_extradite(se *s, store_id sd, cm_authority auth, const apdu_cmd *c, se_resp *r)
{
    seam_rd rd;
    seam_rd_init(&rd, c->data, c->lc);
    const uint8_t *tgt_aid, *z1, *aid, *z2, *params, *token;
    size_t tgt_len, z1_len, aid_len, z2_len, params_len, token_len;
    if (!rd_lv(&rd, false, &tgt_aid, &tgt_len) || !rd_lv(&rd, false, &z1, &z1_len) ||
        !rd_lv(&rd, false, &aid, &aid_len) || !rd_lv(&rd, false, &z2, &z2_len) ||
        !rd_lv(&rd, true, &params, &params_len) || !rd_lv(&rd, true, &token, &token_len) ||
        seam_rd_left(&rd))
        return SW_WRONG_DATA;
    if (tgt_len < 5 || tgt_len > 16 || aid_len < 5 || aid_len > 16 || z1_len || z2_len)
        return SW_WRONG_DATA;
    /* GP defines no extradition parameter seam uses; a token-signed command carries its
     * token identifier there (dap.c) */
    bool delegated = auth == CM_AUTH_DM;
    if (params_len && !(delegated && dap_only_token_id(params, params_len))) return SW_WRONG_DATA;
    dap_token_info ti;
    memset(&ti, 0, sizeof ti);
    if (delegated) {
        uint16_t sw = cm_delegated_token_check(s, sd, c, &ti);
        if (sw) return sw;
    } else if (token_len) {
        return SW_WRONG_DATA;
    }
    if (ssd_reserved_aid(aid, aid_len)) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    store_id target = reg_find(s, tgt_aid, tgt_len, false, 0, false);
    const se_reg_rec *tr = target ? reg_get(s, target) : NULL;
    if (!ssd_is_sd(tr)) return SW_REFERENCED_DATA_NOT_FOUND;
    store_id id = reg_find(s, aid, aid_len, false, 0, false);
    const se_reg_rec *e = id ? reg_get(s, id) : NULL;
    if (!e) return SW_REFERENCED_DATA_NOT_FOUND;
    /* only the SD the entry is associated with moves it (GP CS 2.3.1 §7.2, §9.4.1 leave the
     * choice; docs/ssd.md): another SSD does not see it (6A88); the ISD sees it but may not take
     * a provider's content away (6982) -- moving it under the ISD would hand its data to the
     * issuer's keys. Entries with no SD recorded (0, test rigs) count as the ISD's. */
    store_id cur = seam_be32(e->sd_id) ? seam_be32(e->sd_id) : s->isd_id;
    if (cur != sd)
        return auth == CM_AUTH_ISD ? SW_SECURITY_STATUS_NOT_SATISFIED
                                   : SW_REFERENCED_DATA_NOT_FOUND;
    if (e->kind == REG_KIND_ISD) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    if (id == target) {
        /* an SSD extradited to itself becomes the root of its own hierarchy: only one that
         * manages content without the issuer (Authorized Management), only by the ISD */
        if (e->kind != REG_KIND_SSD || !(e->priv[1] & GP_PRIV1_AUTHORIZED_MANAGEMENT) ||
            auth != CM_AUTH_ISD)
            return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    } else {
        /* the receiving SD must be in service: the ISD, or a PERSONALIZED unlocked SSD */
        if (tr->kind == REG_KIND_SSD && tr->life_cycle != GP_SD_PERSONALIZED)
            return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
        /* where it may go: an SSD (Authorized or Delegated Management, token or not) keeps its
         * content in its own hierarchy -- itself or an SD associated with it -- so it cannot
         * push content into another provider's domain without that provider (6982); the ISD
         * may hand its own content to any SD (the issuer placing content for a provider) */
        if (auth != CM_AUTH_ISD && target != sd && seam_be32(tr->sd_id) != sd)
            return SW_SECURITY_STATUS_NOT_SATISFIED;
        if (e->kind == REG_KIND_SSD && makes_cycle(s, id, target))
            return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    }
    uint8_t be[4];
    seam_put_be32(be, target);
    if (!delegated) {
        seam_err err = store_write(s->st, id, offsetof(se_reg_rec, sd_id), be, 4);
        if (err != SEAM_OK) return se_sw_of(err);
        r->p[0] = 0x00;
        r->len = 1;
        return SW_NO_ERROR;
    }
    /* delegated: the move, the token and the receipt (context: old SD, the entry, new SD;
     * GP CS 2.3.1 §C.5) in one transaction */
    const se_reg_rec *old_sd = reg_get(s, seam_be32(e->sd_id));
    if (!old_sd) return SW_UNKNOWN;
    uint8_t old_aid[16];
    uint8_t old_len = old_sd->aid_len;
    memcpy(old_aid, old_sd->aid, old_len);
    dap_lv ctx[3] = {{old_aid, old_len}, {aid, (uint8_t)aid_len}, {tgt_aid, (uint8_t)tgt_len}};
    size_t rlen = 0;
    seam_err err = store_tx_begin(s->st);
    if (err != SEAM_OK) return se_sw_of(err);
    err = store_write(s->st, id, offsetof(se_reg_rec, sd_id), be, 4);
    if (err == SEAM_OK)
        err = dap_delegated_done(s, &ti, DAP_RCPT_EXTRADITION, ctx, 3, r->p, r->cap, &rlen);
    if (err == SEAM_OK) err = store_tx_commit(s->st);
    if (err != SEAM_OK) {
        if (store_in_tx(s->st)) store_tx_abort(s->st);
        return se_sw_of(err);
    }
    r->len = rlen;
    return SW_NO_ERROR;
}

/* ---- deletion of an SSD ---- */

seam_err ssd_free_owned(se *s, store_id id)
{
    static const uint8_t zero[sizeof(se_keyset_rec) > sizeof(se_eckey_rec) ? sizeof(se_keyset_rec)
                                                                           : sizeof(se_eckey_rec)];
    unsigned n = 0;
    seam_err e = dap_key_delete(s, id, 0, &n); /* DAP, token, receipt keys: wiped, freed */
    for (store_id o = store_next(s->st, 0); e == SEAM_OK && o; o = store_next(s->st, o)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, o, &owner, &type, &size) != SEAM_OK || owner != id) continue;
        if ((type == SE_OBJ_KEYSET || type == SE_OBJ_ECKEY) && size <= sizeof zero)
            e = store_write(s->st, o, 0, zero, size);
        if (e == SEAM_OK) e = store_free(s->st, o);
    }
    return e;
}
