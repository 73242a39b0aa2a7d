/*
 * Card content management by security domains (GP CS 2.3.1 §9, §11): INSTALL [for load], LOAD,
 * INSTALL [for install], [for make selectable] and both combined, [for personalization] and
 * [for extradition] (the latter in ssd.c), and DELETE of applications, load files and
 * Supplementary Security Domains. The ISD manages everything; an SSD with Authorized (or, with
 * tokens, Delegated) Management its own content once PERSONALIZED (ssd.c decides who may do
 * what; docs/ssd.md). INSTALL of the security domain module creates an SSD. The Java Card side
 * of each step (linking a package, running an applet's install(), uninstall, freeing objects)
 * is the runtime's (src/se/jcvm/jcvm.h); this file owns the GP registry entries and the
 * protocol.
 *
 * Invariants:
 *  - every command is parsed and checked completely before anything changes; every change of
 *    the store runs in ONE store transaction that is aborted on any status other than 9000, so
 *    a refused command leaves the registry and the store exactly as before (the registry index
 *    is updated only after the commit);
 *  - a load session (INSTALL [for load] then LOAD blocks 00, 01, ... strictly in sequence) lives
 *    in RAM only, belongs to the channel and the secure channel session that opened it, and ends
 *    with the last block, with any error in a LOAD, with a new INSTALL or DELETE, or when the
 *    session ends (SELECT, MANAGE CHANNEL close, reset, a C-MAC failure);
 *  - the Load File Data Block is bounded (CM_LOAD_MAX), the DAP blocks before it too
 *    (DAP_AREA_MAX), and their buffer allocated at power-up;
 *  - the load file bytes are hostile until the runtime has verified them: the few fields read
 *    here before that (the package AID, the applets) are read with bounds checks only.
 *
 * Choices where GP CS 2.3.1 leaves room (docs/card.md, "Card content management"; docs/ssd.md;
 * docs/dap.md):
 *  - an AID already present on the card (application, load file or security domain) in INSTALL:
 *    6A80 (Table 11-49 lists 6581, 6A80, 6A84, 6A88 only); a load file or module not found: 6A88;
 *  - a LOAD block out of sequence: 6A86 (P2 is the block number), and the load is dropped;
 *  - LOAD answers no data, INSTALL and DELETE the single byte 00 (§11.5.3.1, §11.2.3.1),
 *    except for a Delegated Management SSD: their answer is the receipt (§C.5; a delegated
 *    load's comes with the last LOAD block), or 00 when the card holds no receipt key;
 *  - the Load File Data Block Hash, when given in INSTALL [for load], must be SHA-256 (32 bytes)
 *    and is checked against the C4 value at the last block (6A80 on mismatch);
 *  - DAP blocks (E2) may precede C4 (§11.6.2.3, at most DAP_AREA_MAX bytes of them); they are
 *    checked by dap_check_load at the last block, before anything is registered;
 *  - a token is refused (6A80) except from a Delegated Management SSD, which must send one:
 *    cm_delegated_token_check (ssd.c) judges it, and the token is consumed with the receipt in
 *    the transaction that commits the operation (a refused or torn one leaves it usable); a
 *    delegated INSTALL [for load] must name its SD and carry the hash, so the token signs
 *    both; INSTALL [for personalization] takes no token from anyone (§C.4 defines none);
 *  - content is associated with the SD named in INSTALL [for load] (default: the SD doing the
 *    load) or, for applications and SSDs, with the SD that processed INSTALL [for install];
 *  - the Load File Data Block Hash is computed at the last block whether or not INSTALL [for
 *    load] carried it: it is what the DAP blocks sign (§C.2);
 *  - the personalization target of INSTALL [for personalization] lives in RAM per channel and
 *    is forgotten when the session ends or at the next INSTALL;
 *  - content management is refused in CARD_LOCKED (6985), as every card content change is.
 */
#include <stdlib.h>
#include <string.h>

#include "se/gp/dap.h"
#include "se/jcvm/jcvm.h"
#include "se/se_int.h"
#include "seam/crypto.h"
#include "seam/jcl.h"
#include "seam/tlv.h"

/* DAP blocks (E2) before C4: room for 8 ECC blocks of the longest AID, more than any card
 * has SDs with DAP privileges for (dap.c refuses two blocks of one SD) */
#define DAP_AREA_MAX 1024u
#define LOAD_BUF_CAP (DAP_AREA_MAX + CM_LOAD_MAX + 8) /* E2 blocks, then C4 tag, length, value */

struct se_cm {
    /* the load session */
    bool loading;
    uint8_t ch;
    uint16_t next_block;
    uint8_t aid_len;
    uint8_t aid[16];
    bool has_hash;
    uint8_t hash[CR_SHA256_LEN];
    store_id assoc;     /* the SD the load file will be associated with */
    bool delegated;     /* INSTALL [for load] came with a token (consumed at the last block) */
    dap_token_info tok; /* that token */
    /* per channel: the SSD INSTALL [for personalization] named (0 = none) */
    store_id perso[SE_MAX_CHANNELS];
    uint8_t *buf; /* LOAD_BUF_CAP bytes: the LOAD data fields joined */
    size_t len;
    size_t dap_len;   /* the E2 DAP blocks before C4 (tags and lengths included) */
    size_t hdr_len;   /* where the C4 value starts (after the E2 blocks, C4 tag and length); 0
                         until known */
    size_t block_len; /* the C4 value's length */
    cm_status_cursor status[SE_MAX_CHANNELS];
    char msg[160]; /* the runtime's last reason, for debugging */
};

seam_err cm_power_up(se *s)
{
    if (s->cm) return SEAM_OK;
    struct se_cm *cm = calloc(1, sizeof *cm);
    if (!cm) return SEAM_E_NOMEM;
    cm->buf = malloc(LOAD_BUF_CAP);
    if (!cm->buf) {
        free(cm);
        return SEAM_E_NOMEM;
    }
    s->cm = cm;
    return SEAM_OK;
}

static void load_end(struct se_cm *cm)
{
    cm->loading = false;
    cm->len = cm->dap_len = cm->hdr_len = cm->block_len = 0;
    cm->next_block = 0;
    cm->delegated = false;
    memset(&cm->tok, 0, sizeof cm->tok);
}

void cm_power_down(se *s)
{
    if (!s->cm) return;
    load_end(s->cm);
    free(s->cm->buf);
    free(s->cm);
    s->cm = NULL;
}

void cm_channel_end(se *s, uint8_t ch)
{
    if (!s->cm) return;
    if (s->cm->loading && s->cm->ch == ch) load_end(s->cm);
    s->cm->status[ch].p1 = 0;
    s->cm->perso[ch] = 0;
}

store_id cm_key_target(se *s, uint8_t ch, store_id sd)
{
    if (!s->cm || ch >= SE_MAX_CHANNELS || !s->cm->perso[ch]) return sd;
    const se_reg_rec *t = reg_get(s, s->cm->perso[ch]);
    if (!t || t->kind != REG_KIND_SSD) {
        s->cm->perso[ch] = 0;
        return sd;
    }
    return s->cm->perso[ch];
}

cm_status_cursor *cm_status_cursor_of(se *s, uint8_t ch)
{
    return s->cm ? &s->cm->status[ch] : NULL;
}

/* ---- the load file's package AID and applets ---- */

static seam_err rd_aid(seam_rd *rd, const uint8_t **p, uint8_t *len)
{
    if (seam_rd_u8(rd, len) != SEAM_OK || *len < 5 || *len > 16) return SEAM_E_FORMAT;
    return seam_rd_bytes(rd, *len, p) == SEAM_OK ? SEAM_OK : SEAM_E_FORMAT;
}

seam_err cm_pkg_info_read(const uint8_t *jcl, size_t len, cm_pkg_info *out)
{
    memset(out, 0, sizeof *out);
    seam_rd rd;
    seam_rd_init(&rd, jcl, len);
    uint32_t magic;
    uint8_t major, minor;
    if (seam_rd_u32(&rd, &magic) || seam_rd_u8(&rd, &major) || seam_rd_u8(&rd, &minor))
        return SEAM_E_FORMAT;
    if (magic != JCL_MAGIC || major != JCL_MAJOR) return SEAM_E_FORMAT;
    bool got_pkg = false, got_applets = false;
    for (uint8_t want = JCL_SEC_PACKAGE; want <= JCL_SEC_APPLETS; want++) {
        uint8_t tag;
        uint32_t slen;
        const uint8_t *body;
        if (seam_rd_u8(&rd, &tag) || seam_rd_u32(&rd, &slen) || tag != want ||
            seam_rd_bytes(&rd, slen, &body))
            return SEAM_E_FORMAT;
        seam_rd sec;
        seam_rd_init(&sec, body, slen);
        if (tag == JCL_SEC_PACKAGE) {
            uint8_t nlen;
            const uint8_t *name;
            if (rd_aid(&sec, &out->aid, &out->aid_len) || seam_rd_u8(&sec, &nlen) || nlen == 0 ||
                seam_rd_bytes(&sec, nlen, &name) || seam_rd_u8(&sec, &out->major) ||
                seam_rd_u8(&sec, &out->minor) || seam_rd_left(&sec))
                return SEAM_E_FORMAT;
            got_pkg = true;
        } else if (tag == JCL_SEC_APPLETS) {
            uint8_t n, cls;
            if (seam_rd_u8(&sec, &n) || n > JCL_MAX_APPLETS || n > SEAM_ARRAY_LEN(out->applet_aid))
                return SEAM_E_FORMAT;
            for (uint8_t i = 0; i < n; i++)
                if (rd_aid(&sec, &out->applet_aid[i], &out->applet_aid_len[i]) ||
                    seam_rd_u8(&sec, &cls))
                    return SEAM_E_FORMAT;
            if (seam_rd_left(&sec)) return SEAM_E_FORMAT;
            out->napplets = n;
            got_applets = true;
        }
    }
    if (seam_rd_left(&rd) || !got_pkg || !got_applets) return SEAM_E_FORMAT;
    return SEAM_OK;
}

seam_err cm_pkg_info_of(se *s, const se_reg_rec *elf, cm_pkg_info *out)
{
    size_t n = 0;
    const uint8_t *p = jcvm_pkg_bytes(s, seam_be32(elf->obj_id), &n);
    if (!p) {
        memset(out, 0, sizeof *out);
        return SEAM_E_NOT_FOUND;
    }
    return cm_pkg_info_read(p, n, out);
}

/* ---- common checks ---- */

/* Content management is allowed in OP_READY, INITIALIZED and SECURED (GP CS 2.3.1 §5.1.1). */
static bool card_state_ok(se *s)
{
    uint8_t lc = se_card(s)->life_cycle;
    return lc == GP_CARD_OP_READY || lc == GP_CARD_INITIALIZED || lc == GP_CARD_SECURED;
}

/* A length of the INSTALL data field: one byte, or for parameters and tokens '81' xx /
 * '82' xx xx (GP CS 2.3.1 Table 11-44ff: 1-3 bytes). */
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

static bool rd_field(seam_rd *rd, bool ber, const uint8_t **p, size_t *len)
{
    return rd_len(rd, ber, len) && seam_rd_bytes(rd, *len, p) == SEAM_OK;
}

/* System parameters (tag EF, GP CS 2.3.1 Table 11-49): the memory hints C6 (non-volatile code),
 * C7 (volatile), C8 (non-volatile data), D7/D8 (their extended forms) are accepted and ignored;
 * anything else is refused. */
static bool system_params_ok(const uint8_t *p, size_t n)
{
    tlv_iter it;
    tlv_t t;
    seam_err e;
    tlv_iter_init(&it, p, n);
    while ((e = tlv_next(&it, &t)) == SEAM_OK)
        if (t.tag != 0xC6 && t.tag != 0xC7 && t.tag != 0xC8 && t.tag != 0xD7 && t.tag != 0xD8)
            return false;
    return e == SEAM_E_NOT_FOUND;
}

/* Install or load parameters: a TLV sequence of at most one EF and (for install) exactly one
 * C9, whose value goes to *c9 (may be empty); with a token (b6), at most one B6, the token
 * identifier template the token signs (dap.c judges its content). */
static bool params_ok(const uint8_t *p, size_t n, bool want_c9, const uint8_t **c9, size_t *c9_len,
                      bool b6)
{
    tlv_iter it;
    tlv_t t;
    seam_err e;
    int nc9 = 0, nef = 0, nb6 = 0;
    tlv_iter_init(&it, p, n);
    while ((e = tlv_next(&it, &t)) == SEAM_OK) {
        if (t.tag == 0xC9 && want_c9) {
            nc9++;
            *c9 = t.value;
            *c9_len = t.len;
        } else if (t.tag == 0xEF) {
            nef++;
            if (!system_params_ok(t.value, t.len)) return false;
        } else if (t.tag == 0xB6 && b6) {
            nb6++;
        } else {
            return false;
        }
    }
    if (e != SEAM_E_NOT_FOUND || nef > 1 || nb6 > 1) return false;
    return want_c9 ? nc9 == 1 : true;
}

static bool selected_anywhere(se *s, store_id id)
{
    for (uint8_t ch = 0; ch < SE_MAX_CHANNELS; ch++)
        if (s->chan[ch].open && s->chan[ch].selected == id) return true;
    return false;
}

/* Ends a transaction: commits after 9000, else aborts and keeps the SW. */
static uint16_t tx_end(se *s, uint16_t sw)
{
    if (sw == SW_NO_ERROR) {
        seam_err e = store_tx_commit(s->st);
        if (e != SEAM_OK) {
            store_tx_abort(s->st);
            return se_sw_of(e);
        }
        return SW_NO_ERROR;
    }
    store_tx_abort(s->st);
    return sw;
}

static uint16_t reply_00(se_resp *r)
{
    r->p[0] = 0x00;
    r->len = 1;
    return SW_NO_ERROR;
}

/* ---- INSTALL ---- */

/* The token field of a command processed by sd with authority auth: a Delegated Management SSD
 * needs a token that cm_delegated_token_check (ssd.c) accepts, *ti gets it; anyone else may
 * send no token (6A80). 0 or the SW. */
static uint16_t token_rule(se *s, store_id sd, cm_authority auth, const apdu_cmd *c,
                           size_t token_len, dap_token_info *ti)
{
    memset(ti, 0, sizeof *ti);
    if (auth == CM_AUTH_DM) return cm_delegated_token_check(s, sd, c, ti);
    return token_len ? SW_WRONG_DATA : 0;
}

/* The end of a delegated operation inside its open transaction: the token consumed and the
 * receipt written to r (GP CS 2.3.1 §C.5). SW_NO_ERROR or the SW. */
static uint16_t delegated_done(se *s, const dap_token_info *ti, dap_receipt_kind kind,
                               const dap_lv *ctx, size_t n, se_resp *r, size_t *rlen)
{
    return se_sw_of(dap_delegated_done(s, ti, kind, ctx, n, r->p, r->cap, rlen));
}

/* INSTALL [for load] (GP CS 2.3.1 §11.5.2.3.1): ELF AID, SD AID, hash, load parameters, token.
 * The load file will be associated with the SD named (GP CS 2.3.1 §7.2, §9.3.5), by default the
 * SD doing the load; an SSD may name only itself, the ISD any SD in service. */
static uint16_t install_for_load(se *s, uint8_t ch, store_id sd, cm_authority auth,
                                 const apdu_cmd *c, se_resp *r)
{
    struct se_cm *cm = s->cm;
    seam_rd rd;
    seam_rd_init(&rd, c->data, c->lc);
    const uint8_t *aid, *sda, *hash, *params, *token;
    size_t aid_len, sd_len, hash_len, params_len, token_len;
    if (!rd_field(&rd, false, &aid, &aid_len) || !rd_field(&rd, false, &sda, &sd_len) ||
        !rd_field(&rd, false, &hash, &hash_len) || !rd_field(&rd, true, &params, &params_len) ||
        !rd_field(&rd, true, &token, &token_len) || seam_rd_left(&rd))
        return SW_WRONG_DATA;
    if (aid_len < 5 || aid_len > 16) return SW_WRONG_DATA;
    if (hash_len != 0 && hash_len != CR_SHA256_LEN) return SW_WRONG_DATA;
    bool delegated = auth == CM_AUTH_DM;
    if (params_len && !params_ok(params, params_len, false, NULL, NULL, delegated))
        return SW_WRONG_DATA;
    if (sd_len && (sd_len < 5 || sd_len > 16)) return SW_REFERENCED_DATA_NOT_FOUND;
    /* a delegated load names its SD and its hash, so the token signs both (GP CS 2.3.1 §C.4.1) */
    if (delegated && (!sd_len || !hash_len)) return SW_WRONG_DATA;
    dap_token_info ti;
    uint16_t sw = token_rule(s, sd, auth, c, token_len, &ti);
    if (sw) return sw;
    store_id assoc = sd;
    if (sd_len) {
        assoc = reg_find(s, sda, sd_len, false, 0, false);
        const se_reg_rec *a = assoc ? reg_get(s, assoc) : NULL;
        if (!ssd_is_sd(a)) return SW_REFERENCED_DATA_NOT_FOUND;
        if (auth != CM_AUTH_ISD && assoc != sd) return SW_SECURITY_STATUS_NOT_SATISFIED;
        if (a->kind == REG_KIND_SSD && a->life_cycle != GP_SD_PERSONALIZED)
            return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    }
    if (ssd_reserved_aid(aid, aid_len) || reg_find(s, aid, aid_len, false, 0, false))
        return SW_WRONG_DATA;
    cm->loading = true;
    cm->ch = ch;
    cm->next_block = 0;
    cm->len = cm->hdr_len = cm->block_len = 0;
    cm->aid_len = (uint8_t)aid_len;
    memcpy(cm->aid, aid, aid_len);
    cm->has_hash = hash_len != 0;
    if (hash_len) memcpy(cm->hash, hash, hash_len);
    cm->assoc = assoc;
    cm->delegated = delegated;
    cm->tok = ti;
    return reply_00(r);
}

/* The module's index in the package's APPLETS, or -1. */
static int find_module(const cm_pkg_info *pi, const uint8_t *aid, size_t len)
{
    for (int i = 0; i < pi->napplets; i++)
        if (pi->applet_aid_len[i] == len && memcmp(pi->applet_aid[i], aid, len) == 0) return i;
    return -1;
}

/* INSTALL [for make selectable] alone (GP CS 2.3.1 §11.5.2.3.3): an INSTALLED application or
 * SSD becomes SELECTABLE. Privileges: none, or exactly the ones it has. */
static uint16_t make_selectable(se *s, store_id sd, cm_authority auth, const uint8_t *aid,
                                size_t aid_len, const uint8_t *priv, size_t priv_len,
                                const dap_token_info *ti, se_resp *r)
{
    store_id id = reg_find(s, aid, aid_len, false, 0, false);
    const se_reg_rec *app = id ? reg_get(s, id) : NULL;
    if (!app || (app->kind != REG_KIND_APP && app->kind != REG_KIND_SSD))
        return SW_REFERENCED_DATA_NOT_FOUND;
    if (auth != CM_AUTH_ISD && seam_be32(app->sd_id) != sd) return SW_REFERENCED_DATA_NOT_FOUND;
    if (priv_len) {
        if (priv_len != 1 && priv_len != 3) return SW_WRONG_DATA;
        uint8_t v[3] = {priv[0], priv_len == 3 ? priv[1] : 0, priv_len == 3 ? priv[2] : 0};
        if (memcmp(v, app->priv, 3) != 0) return SW_WRONG_DATA;
    }
    if (app->life_cycle != GP_APP_INSTALLED) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    uint8_t lc = GP_APP_SELECTABLE; /* = GP_SD_SELECTABLE */
    if (auth != CM_AUTH_DM) {
        seam_err e = store_write(s->st, id, offsetof(se_reg_rec, life_cycle), &lc, 1);
        return e == SEAM_OK ? reply_00(r) : se_sw_of(e);
    }
    /* delegated: the state, the token and the receipt (context: ELF, application) together */
    const se_reg_rec *elf = app->kind == REG_KIND_APP ? reg_get(s, seam_be32(app->elf_id)) : NULL;
    dap_lv ctx[2] = {{elf ? elf->aid : ssd_elf_aid, elf ? elf->aid_len : SSD_ELF_AID_LEN},
                     {aid, (uint8_t)aid_len}};
    uint8_t elf_aid[16];
    memcpy(elf_aid, ctx[0].p, ctx[0].len); /* a store view: copied before the store changes */
    ctx[0].p = elf_aid;
    size_t rlen = 0;
    seam_err e = store_tx_begin(s->st);
    if (e != SEAM_OK) return se_sw_of(e);
    uint16_t sw = se_sw_of(store_write(s->st, id, offsetof(se_reg_rec, life_cycle), &lc, 1));
    if (sw == SW_NO_ERROR) sw = delegated_done(s, ti, DAP_RCPT_MAKE_SELECTABLE, ctx, 2, r, &rlen);
    sw = tx_end(s, sw);
    if (sw == SW_NO_ERROR) r->len = rlen;
    return sw;
}

/* INSTALL [for install] (P1 04), [for make selectable] (08), both (0C) (GP CS 2.3.1
 * §11.5.2.3.2-3): ELF AID, module AID, application AID, privileges, install parameters, token.
 * From the security domain module (ssd_elf_aid / ssd_module_aid) it creates an SSD: a registry
 * entry only, with no keys (GP CS 2.3.1 §7.3.1: its keys arrive by personalisation). The new
 * entry is associated with the SD that processed the command (GP CS 2.3.1 §7.2). */
static uint16_t install_for_install(se *s, store_id sd, cm_authority auth, uint8_t p1,
                                    const apdu_cmd *c, se_resp *r)
{
    bool install = p1 & 0x04, selectable = p1 & 0x08;
    seam_rd rd;
    seam_rd_init(&rd, c->data, c->lc);
    const uint8_t *elf, *mod, *aid, *priv, *params, *token, *c9 = NULL;
    size_t elf_len, mod_len, aid_len, priv_len, params_len, token_len, c9_len = 0;
    if (!rd_field(&rd, false, &elf, &elf_len) || !rd_field(&rd, false, &mod, &mod_len) ||
        !rd_field(&rd, false, &aid, &aid_len) || !rd_field(&rd, false, &priv, &priv_len) ||
        !rd_field(&rd, true, &params, &params_len) || !rd_field(&rd, true, &token, &token_len) ||
        seam_rd_left(&rd))
        return SW_WRONG_DATA;
    if (aid_len < 5 || aid_len > 16) return SW_WRONG_DATA;

    if (!install) {
        /* make selectable alone: no load file, no module, no parameters (but the token
         * identifier of a token-signed one) */
        if (elf_len || mod_len) return SW_WRONG_DATA;
        if (params_len && !(auth == CM_AUTH_DM && dap_only_token_id(params, params_len)))
            return SW_WRONG_DATA;
        dap_token_info ti;
        uint16_t sw = token_rule(s, sd, auth, c, token_len, &ti);
        if (sw) return sw;
        return make_selectable(s, sd, auth, aid, aid_len, priv, priv_len, &ti, r);
    }

    if (elf_len < 5 || elf_len > 16 || mod_len < 5 || mod_len > 16) return SW_WRONG_DATA;
    if (!params_ok(params, params_len, true, &c9, &c9_len, auth == CM_AUTH_DM))
        return SW_WRONG_DATA;
    bool is_sd = elf_len == SSD_ELF_AID_LEN && ssd_reserved_aid(elf, elf_len);
    if (!is_sd && 3 + aid_len + priv_len + c9_len > 127)
        return SW_WRONG_DATA; /* install()'s bArray (JCRE §6.2) must fit bLength */
    if (is_sd && ssd_install_params_check(s, c9, c9_len)) return SW_WRONG_DATA;
    dap_token_info ti;
    uint16_t sw = token_rule(s, sd, auth, c, token_len, &ti);
    if (sw) return sw;
    uint8_t pv[3];
    if (priv_len != 1 && priv_len != 3) return SW_WRONG_DATA;

    store_id elf_id = 0, pkg_obj = 0;
    int module = 0;
    if (is_sd) {
        if (mod_len != SSD_MODULE_AID_LEN || !ssd_reserved_aid(mod, mod_len))
            return SW_REFERENCED_DATA_NOT_FOUND;
    } else {
        elf_id = reg_find(s, elf, elf_len, false, 0, false);
        const se_reg_rec *elf_rec = elf_id ? reg_get(s, elf_id) : NULL;
        if (!elf_rec || elf_rec->kind != REG_KIND_LOAD_FILE) return SW_REFERENCED_DATA_NOT_FOUND;
        /* an SSD instantiates its own load files and the issuer's (docs/ssd.md) */
        store_id owner = seam_be32(elf_rec->sd_id);
        if (auth != CM_AUTH_ISD && owner != sd && owner != s->isd_id)
            return SW_REFERENCED_DATA_NOT_FOUND;
        cm_pkg_info pi;
        if (cm_pkg_info_of(s, elf_rec, &pi) != SEAM_OK) return SW_REFERENCED_DATA_NOT_FOUND;
        module = find_module(&pi, mod, mod_len);
        if (module < 0) return SW_REFERENCED_DATA_NOT_FOUND;
        pkg_obj = seam_be32(elf_rec->obj_id);
    }
    if ((sw = ssd_privileges_check(s, sd, is_sd, priv, priv_len, pv)) != 0) return sw;
    if (ssd_reserved_aid(aid, aid_len) || reg_find(s, aid, aid_len, false, 0, false))
        return SW_WRONG_DATA;
    if (!reg_index_room(s, 1)) return SW_NOT_ENOUGH_MEMORY;

    se_reg_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = is_sd ? REG_KIND_SSD : REG_KIND_APP;
    rec.life_cycle = selectable ? GP_APP_SELECTABLE : GP_APP_INSTALLED; /* = GP_SD_* */
    rec.aid_len = (uint8_t)aid_len;
    memcpy(rec.aid, aid, aid_len);
    memcpy(rec.priv, pv, 3);
    seam_put_be32(rec.sd_id, sd);
    if (!is_sd) {
        seam_put_be32(rec.elf_id, elf_id);
        rec.module = (uint8_t)module;
    }

    seam_err e = store_tx_begin(s->st);
    if (e != SEAM_OK) return se_sw_of(e);
    store_id app_id = 0;
    e = store_alloc(s->st, 0, SE_OBJ_REGISTRY, sizeof rec, &app_id);
    if (e == SEAM_OK) e = store_write(s->st, app_id, 0, &rec, sizeof rec);
    /* Card Reset, Final Application: one holder (ssd.c) */
    if (e == SEAM_OK) e = ssd_priv_take(s, app_id, pv);
    sw = se_sw_of(e);
    if (sw == SW_NO_ERROR && !is_sd) {
        s->cm->msg[0] = 0;
        sw = jcvm_install(s, pkg_obj, (uint8_t)module, app_id, aid, aid_len, priv, priv_len, c9,
                          c9_len, s->cm->msg, sizeof s->cm->msg);
        if (sw == SW_NO_ERROR) {
            const se_reg_rec *now = reg_get(s, app_id);
            if (!now || seam_be32(now->obj_id) == 0) sw = SW_WRONG_DATA; /* never registered */
        }
    }
    size_t rlen = 0;
    if (sw == SW_NO_ERROR && auth == CM_AUTH_DM) {
        /* the receipt's context: ELF, application (GP CS 2.3.1 §C.5) */
        dap_lv ctx[2] = {{elf, (uint8_t)elf_len}, {aid, (uint8_t)aid_len}};
        sw = delegated_done(s, &ti, DAP_RCPT_INSTALL, ctx, 2, r, &rlen);
    }
    sw = tx_end(s, sw);
    if (sw != SW_NO_ERROR) return sw;
    reg_index_add(s, app_id); /* room was checked above */
    if (auth != CM_AUTH_DM) return reply_00(r);
    r->len = rlen;
    return SW_NO_ERROR;
}

/* INSTALL [for personalization] (GP CS 2.3.1 §11.5.2.3.3 / Table 11-46): '00', '00',
 * application AID, '00', '00', token. The application must be an SSD associated with the SD
 * processing the command; until the session ends or the next INSTALL, PUT KEY and STORE DATA
 * on this channel act on that SSD (sd.c, cm_key_target). */
static uint16_t install_for_perso(se *s, uint8_t ch, store_id sd, cm_authority auth,
                                  const apdu_cmd *c, se_resp *r)
{
    seam_rd rd;
    seam_rd_init(&rd, c->data, c->lc);
    const uint8_t *z1, *z2, *aid, *z3, *z4, *token;
    size_t z1_len, z2_len, aid_len, z3_len, z4_len, token_len;
    if (!rd_field(&rd, false, &z1, &z1_len) || !rd_field(&rd, false, &z2, &z2_len) ||
        !rd_field(&rd, false, &aid, &aid_len) || !rd_field(&rd, false, &z3, &z3_len) ||
        !rd_field(&rd, true, &z4, &z4_len) || !rd_field(&rd, true, &token, &token_len) ||
        seam_rd_left(&rd))
        return SW_WRONG_DATA;
    if (z1_len || z2_len || z3_len || z4_len || aid_len < 5 || aid_len > 16) return SW_WRONG_DATA;
    /* GP CS 2.3.1 §C.4 defines no token for personalisation: a Delegated Management SD
     * personalises what is associated with it, as an Authorized Management one does */
    (void)auth;
    if (token_len) return SW_WRONG_DATA;
    store_id id = reg_find(s, aid, aid_len, false, 0, false);
    const se_reg_rec *t = id ? reg_get(s, id) : NULL;
    if (!t || seam_be32(t->sd_id) != sd || t->kind == REG_KIND_ISD)
        return SW_REFERENCED_DATA_NOT_FOUND;
    /* applications have no personalisation interface here (GP CS 2.3.1 §9.5.3 makes it the
     * application's own affair) */
    if (t->kind != REG_KIND_SSD) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    if (t->life_cycle & GP_LC_LOCKED_BIT) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    s->cm->perso[ch] = id;
    return reply_00(r);
}

uint16_t cm_install(se *s, uint8_t ch, const apdu_cmd *c, se_resp *r)
{
    if (!s->cm) return SW_UNKNOWN;
    uint8_t p1 = c->p1 & 0x7F; /* b8: more INSTALL commands follow (informative) */
    if (c->p2 != 0x00) return SW_INCORRECT_P1P2;
    if (p1 != 0x02 && p1 != 0x04 && p1 != 0x08 && p1 != 0x0C && p1 != 0x10 && p1 != 0x20)
        return SW_INCORRECT_P1P2;
    if (!card_state_ok(s)) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    if (c->lc == 0) return SW_WRONG_LENGTH;
    store_id sd = s->chan[ch].selected;
    cm_authority auth = cm_authority_of(s, sd);
    if (auth == CM_AUTH_NONE) return SW_SECURITY_STATUS_NOT_SATISFIED;
    load_end(s->cm);      /* a new INSTALL ends any load in progress */
    s->cm->perso[ch] = 0; /* and any personalisation */
    if (p1 == 0x02) return install_for_load(s, ch, sd, auth, c, r);
    if (p1 == 0x10) return ssd_extradite(s, sd, auth, c, r);
    if (p1 == 0x20) return install_for_perso(s, ch, sd, auth, c, r);
    return install_for_install(s, sd, auth, p1, c, r);
}

/* ---- LOAD ---- */

/* Reads a BER tag-length header at buf[pos] when enough bytes are there: 0 (not yet; *hl 0),
 * *hl the header's length and *v the value's, or 6A80 for a length form seam does not take. */
static uint16_t rd_header(const struct se_cm *cm, size_t pos, size_t *hl, size_t *v)
{
    *hl = 0;
    if (cm->len < pos + 2) return 0;
    uint8_t b = cm->buf[pos + 1];
    size_t n = b < 0x80 ? 0 : (size_t)(b & 0x7F);
    if (b == 0x80 || n > 3) return SW_WRONG_DATA;
    if (cm->len < pos + 2 + n) return 0;
    size_t val = b < 0x80 ? b : 0;
    for (size_t i = 0; i < n; i++)
        val = val << 8 | cm->buf[pos + 2 + i];
    *hl = 2 + n;
    *v = val;
    return 0;
}

/* Walks the LOAD data as it arrives (GP CS 2.3.1 §11.6.2.3): zero or more DAP blocks (E2), then
 * the Load File Data Block (C4). Sets dap_len, hdr_len and block_len once the C4 header is
 * there: 0 (not yet / done), or an SW. */
static uint16_t load_header(struct se_cm *cm)
{
    while (!cm->hdr_len && cm->len > cm->dap_len) {
        uint8_t tag = cm->buf[cm->dap_len];
        size_t hl, v;
        if (tag != 0xE2 && tag != 0xC4) return SW_WRONG_DATA;
        uint16_t sw = rd_header(cm, cm->dap_len, &hl, &v);
        if (sw || !hl) return sw;
        if (tag == 0xE2) {
            if (v > DAP_AREA_MAX || cm->dap_len + hl + v > DAP_AREA_MAX) return SW_WRONG_DATA;
            cm->dap_len += hl + v; /* dap.c parses the blocks at the last LOAD */
            continue;
        }
        if (v == 0) return SW_WRONG_DATA;
        if (v > CM_LOAD_MAX) return SW_NOT_ENOUGH_MEMORY;
        cm->hdr_len = cm->dap_len + hl;
        cm->block_len = v;
    }
    return 0;
}

/* The last block arrived: check the block and its DAP blocks, create the load file's registry
 * entry and hand the package to the runtime, in one transaction (with, for a delegated load,
 * the token consumed and the receipt written to r). */
static uint16_t load_complete(se *s, se_resp *r)
{
    struct se_cm *cm = s->cm;
    if (!cm->hdr_len || cm->len != cm->hdr_len + cm->block_len) return SW_WRONG_DATA;
    const uint8_t *block = cm->buf + cm->hdr_len;
    uint8_t h[CR_SHA256_LEN];
    if (cr_sha256(block, cm->block_len, h) != SEAM_OK) return SW_UNKNOWN;
    if (cm->has_hash && !seam_ct_equal(h, cm->hash, sizeof h)) return SW_WRONG_DATA;
    cm_pkg_info pi;
    if (cm_pkg_info_read(block, cm->block_len, &pi) != SEAM_OK) return SW_WRONG_DATA;
    if (pi.aid_len != cm->aid_len || memcmp(pi.aid, cm->aid, cm->aid_len) != 0)
        return SW_WRONG_DATA;
    if (reg_find(s, cm->aid, cm->aid_len, false, 0, false)) return SW_WRONG_DATA;
    if (!reg_index_room(s, 1)) return SW_NOT_ENOUGH_MEMORY;
    /* the SD named at INSTALL [for load] may have gone (deleted on another channel) */
    const se_reg_rec *sdr = reg_get(s, cm->assoc);
    if (!ssd_is_sd(sdr)) return SW_REFERENCED_DATA_NOT_FOUND;
    /* DAP (GP CS 2.3.1 §9.2.1): the blocks that came before C4, over the hash of the C4 value;
     * checked before anything is registered */
    uint16_t sw = dap_check_load(s, cm->buf, cm->dap_len, h, cm->assoc);
    if (sw != SW_NO_ERROR) return sw;
    uint8_t sd_aid[16];
    uint8_t sd_aid_len = sdr->aid_len;
    memcpy(sd_aid, sdr->aid, sd_aid_len);

    se_reg_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = REG_KIND_LOAD_FILE;
    rec.life_cycle = GP_ELF_LOADED;
    rec.aid_len = cm->aid_len;
    memcpy(rec.aid, cm->aid, cm->aid_len);
    seam_put_be32(rec.sd_id, cm->assoc);

    seam_err e = store_tx_begin(s->st);
    if (e != SEAM_OK) return se_sw_of(e);
    store_id id = 0, pkg = 0;
    e = store_alloc(s->st, 0, SE_OBJ_REGISTRY, sizeof rec, &id);
    if (e == SEAM_OK) e = store_write(s->st, id, 0, &rec, sizeof rec);
    sw = se_sw_of(e);
    if (sw == SW_NO_ERROR) {
        cm->msg[0] = 0;
        sw = jcvm_load(s, block, cm->block_len, &pkg, cm->msg, sizeof cm->msg);
        if (sw == SW_NO_ERROR && pkg == 0) sw = SW_UNKNOWN;
    }
    if (sw == SW_NO_ERROR) {
        uint8_t be[4];
        seam_put_be32(be, pkg);
        sw = se_sw_of(store_write(s->st, id, offsetof(se_reg_rec, obj_id), be, 4));
    }
    size_t rlen = 0;
    if (sw == SW_NO_ERROR && cm->delegated) {
        /* the load receipt (context: ELF, SD; GP CS 2.3.1 §C.5) answers the last LOAD */
        dap_lv ctx[2] = {{cm->aid, cm->aid_len}, {sd_aid, sd_aid_len}};
        sw = delegated_done(s, &cm->tok, DAP_RCPT_LOAD, ctx, 2, r, &rlen);
    }
    sw = tx_end(s, sw);
    if (sw != SW_NO_ERROR) return sw;
    reg_index_add(s, id);
    r->len = rlen;
    return SW_NO_ERROR;
}

/* LOAD (GP CS 2.3.1 §11.6): P1 00 more blocks, 80 the last; P2 the block number from 00. */
uint16_t cm_load(se *s, uint8_t ch, const apdu_cmd *c, se_resp *r)
{
    struct se_cm *cm = s->cm;
    if (!cm) return SW_UNKNOWN;
    if (c->p1 != 0x00 && c->p1 != 0x80) return SW_INCORRECT_P1P2;
    if (!cm->loading || cm->ch != ch) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    uint16_t sw = 0;
    if (!card_state_ok(s))
        sw = SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    else if (c->p2 != cm->next_block)
        sw = SW_INCORRECT_P1P2;
    else if (c->lc == 0)
        sw = SW_WRONG_LENGTH;
    else if (c->lc > LOAD_BUF_CAP - cm->len)
        sw = SW_NOT_ENOUGH_MEMORY;
    if (!sw) {
        memcpy(cm->buf + cm->len, c->data, c->lc);
        cm->len += c->lc;
        sw = load_header(cm);
    }
    if (!sw && cm->hdr_len && cm->len > cm->hdr_len + cm->block_len) sw = SW_WRONG_DATA;
    if (!sw && c->p1 == 0x00) {
        if (cm->next_block == 0xFF) {
            sw = SW_INCORRECT_P1P2; /* no block number left */
        } else {
            cm->next_block++;
            return SW_NO_ERROR;
        }
    }
    if (!sw) sw = load_complete(s, r);
    load_end(cm);
    return sw;
}

/* ---- DELETE ---- */

/* DELETE of an application, a load file (with its applications when related) or an SSD
 * (GP CS 2.3.1 §11.2). The SD processing it deletes anything with Global Delete (the ISD has
 * it), else only what is associated with it; what it may not delete it does not see (6A88). An
 * SSD goes only when nothing is associated with it any more, it is not selected anywhere and it
 * is not the SD sending the command; its keys are wiped and freed with it. */
uint16_t cm_delete(se *s, uint8_t ch, const uint8_t *aid, size_t aid_len, bool related,
                   const dap_token_info *tok, se_resp *r)
{
    if (!s->cm) return SW_UNKNOWN;
    load_end(s->cm);
    if (!card_state_ok(s)) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    store_id sd = s->chan[ch].selected;
    const se_reg_rec *me = reg_get(s, sd);
    if (!ssd_is_sd(me)) return SW_UNKNOWN;
    bool global = sd == s->isd_id || (me->priv[1] & GP_PRIV1_GLOBAL_DELETE);
    cm_authority auth = cm_authority_of(s, sd);
    /* a Delegated Management SD deletes only with a token, Global Delete or not */
    bool delegated = auth == CM_AUTH_DM;
    if (delegated && !(tok && tok->valid)) return SW_SECURITY_STATUS_NOT_SATISFIED;
    if (!global && auth != CM_AUTH_AM && !delegated) return SW_SECURITY_STATUS_NOT_SATISFIED;
    if (ssd_reserved_aid(aid, aid_len)) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    store_id id = reg_find(s, aid, aid_len, false, 0, false);
    const se_reg_rec *e = id ? reg_get(s, id) : NULL;
    if (!e) return SW_REFERENCED_DATA_NOT_FOUND;
    if (!global && seam_be32(e->sd_id) != sd) return SW_REFERENCED_DATA_NOT_FOUND;
    if (e->kind == REG_KIND_ISD) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;

    uint16_t sw = SW_NO_ERROR;
    seam_err err;
    if (e->kind == REG_KIND_SSD) {
        if (id == sd || selected_anywhere(s, id)) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
        for (store_id a = reg_next(s, 0); a; a = reg_next(s, a)) {
            const se_reg_rec *ar = reg_get(s, a);
            if (ar && a != id && seam_be32(ar->sd_id) == id)
                return SW_CONDITIONS_OF_USE_NOT_SATISFIED; /* content still associated */
        }
        if ((err = store_tx_begin(s->st)) != SEAM_OK) return se_sw_of(err);
        sw = se_sw_of(ssd_priv_return(s, id));
        if (sw == SW_NO_ERROR) sw = se_sw_of(ssd_free_owned(s, id));
        if (sw == SW_NO_ERROR) sw = se_sw_of(store_free(s->st, id));
    } else if (e->kind == REG_KIND_APP) {
        if (selected_anywhere(s, id)) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
        if ((err = store_tx_begin(s->st)) != SEAM_OK) return se_sw_of(err);
        sw = se_sw_of(ssd_priv_return(s, id));
        if (sw == SW_NO_ERROR) sw = jcvm_delete_app(s, id);
        if (sw == SW_NO_ERROR) sw = se_sw_of(store_free(s->st, id));
    } else {
        /* a load file: its applications go with it only when asked (P2 80), and only when the
         * SD may delete each of them */
        store_id pkg = seam_be32(e->obj_id);
        for (store_id a = reg_next(s, 0); a; a = reg_next(s, a)) {
            const se_reg_rec *ar = reg_get(s, a);
            if (!ar || ar->kind != REG_KIND_APP || seam_be32(ar->elf_id) != id) continue;
            if (!related || selected_anywhere(s, a)) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
            if (!global && seam_be32(ar->sd_id) != sd) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
        }
        if (jcvm_pkg_imported(s, pkg)) return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
        if ((err = store_tx_begin(s->st)) != SEAM_OK) return se_sw_of(err);
        for (store_id a = reg_next(s, 0); sw == SW_NO_ERROR && a; a = reg_next(s, a)) {
            const se_reg_rec *ar = reg_get(s, a);
            if (!ar || ar->kind != REG_KIND_APP || seam_be32(ar->elf_id) != id) continue;
            sw = se_sw_of(ssd_priv_return(s, a));
            if (sw == SW_NO_ERROR) sw = jcvm_delete_app(s, a);
            if (sw == SW_NO_ERROR) sw = se_sw_of(store_free(s->st, a));
        }
        if (sw == SW_NO_ERROR) sw = jcvm_delete_pkg(s, pkg);
        if (sw == SW_NO_ERROR) sw = se_sw_of(store_free(s->st, id));
    }
    size_t rlen = 0;
    if (sw == SW_NO_ERROR && delegated) {
        dap_lv ctx[1] = {{aid, (uint8_t)aid_len}}; /* GP CS 2.3.1 §C.5: the deleted AID */
        sw = delegated_done(s, tok, DAP_RCPT_DELETE, ctx, 1, r, &rlen);
    }
    sw = tx_end(s, sw);
    if (sw != SW_NO_ERROR) return sw;
    reg_index_prune(s);
    for (uint8_t k = 0; k < SE_MAX_CHANNELS; k++)
        if (s->cm->perso[k] == id) s->cm->perso[k] = 0;
    if (!delegated) return reply_00(r);
    r->len = rlen;
    return SW_NO_ERROR;
}
