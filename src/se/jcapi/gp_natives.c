/*
 * Natives of org.globalplatform, the GlobalPlatform Card API (GP CS 2.3.1 Appendix A, API export
 * file version 1.6; docs/gp-api.md): an applet's secure channel with its associated Security
 * Domain, the card and application life cycle, and the GlobalPlatform Registry.
 *
 * Invariants:
 *  - The secure channel session is the per-channel SCP03 session of the card OS (se_chan,
 *    src/se/gp/scp03_sd.c): processSecurity runs INITIALIZE UPDATE / EXTERNAL AUTHENTICATE of the
 *    calling applet's associated Security Domain (registry field sd_id) on the applet's logical
 *    channel, so 20 channels carry 20 independent sessions, and a SELECT, a deselection, MANAGE
 *    CHANNEL close or a reset ends the channel's session (card.c). A session is used only when
 *    it belongs to the applet's own Security Domain (sc_sd); any other session on the channel is
 *    "no session" for the applet. Only the applet selected on the current channel, in its own
 *    context, may use the channel (API SecureChannel: another application is rejected with an
 *    exception; here SecurityException).
 *  - No key reaches Java: session keys and the static DEK stay in se_chan; Java sees only data
 *    already protected or unprotected, in place in its own (or a global) array. Every array is
 *    checked against the CALLER's context (a native runs in its caller's frame) and its bounds
 *    before anything is read or written.
 *  - unwrap failing verification ends the session (Amendment D §6.2.4, API "aborted") and
 *    throws ISOException 6982. A command that claims secure messaging while the applet's Security
 *    Domain has no authenticated session on the channel is refused with 6982 too (seam's choice:
 *    the API would hand it back unverified).
 *  - The try counter and the sequence counter written by INITIALIZE UPDATE / EXTERNAL
 *    AUTHENTICATE, and every life cycle change, must not be undone by an applet's
 *    abortTransaction: processSecurity refuses to run inside a transaction (6985), and life cycle
 *    changes are single-field writes with store_write_nontx (atomic, durable when they return).
 *  - Life cycle rules: lockCard needs the Card Lock privilege and a SECURED card (GP CS 2.3.1
 *    §5.1.1); terminateCard the Card Terminate privilege; setCardContentState moves only between
 *    application specific states (0x07..0x7F with b3..b1 set, §5.3.1 / Table 11-36) or locks the
 *    caller (b8), never unlocks, never reaches INSTALLED.
 *  - A power cut during a write makes the VM stop (vm->fatal), as in the other natives.
 */
#include <stddef.h>
#include <string.h>

#include "se/jcapi/gp_natives.h"

#define SYS_NO_RESOURCE 5 /* SystemException.NO_RESOURCE */

/* SecureChannel security level bits (API SecureChannel constants) */
#define GPSC_AUTHENTICATED 0x80

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int iso(jv_vm *vm, uint16_t sw)
{
    return jv_throw(vm, JV_EX_ISO, (int16_t)sw);
}

/* After a store write: a power cut (or a fault that muted the card) stops the VM. */
static int store_check(jv_vm *vm)
{
    if (store_alive(vm->s->st) && !vm->s->muted) return 0;
    vm->fatal = true;
    return jv_throw(vm, JV_EX_SYSTEM, SYS_NO_RESOURCE);
}

/* The Security Domain an application is associated with (0 when none is valid). An entry
 * written before associations existed (sd_id 0) belongs to the ISD. */
static store_id assoc_sd(se *s, const se_reg_rec *r)
{
    store_id sd = seam_be32(r->sd_id);
    if (!sd) sd = s->isd_id;
    const se_reg_rec *e = reg_get(s, sd);
    return e && (e->kind == REG_KIND_ISD || e->kind == REG_KIND_SSD) ? sd : 0;
}

/* A byte array argument the caller may use, with its range checked. */
static int arg_range(jv_vm *vm, jv_ref r, int32_t off, int32_t len, jv_obj *o)
{
    if (jv_decode(vm, r, o)) return jv_throw(vm, JV_EX_NPE, 0);
    if (!jv_fw_access(o, jv_cur_ctx(vm)) || o->kind != JV_K_BYTE)
        return jv_throw(vm, JV_EX_SECURITY, 0);
    if (off < 0 || len < 0 || (int64_t)off + len > (int64_t)o->len)
        return jv_throw(vm, JV_EX_AIOOBE, 0);
    return 0;
}

/* The bytes of an AID object (the JCRE's or an applet's): 0, or -1 when it is not one. */
static int aid_bytes(jv_vm *vm, jv_ref r, uint8_t out[16], size_t *len)
{
    jv_obj o, b;
    if (jv_decode(vm, r, &o) || o.kind != JV_K_INST || !o.cls || !vm->c_aid ||
        !jv_is_a(o.cls, vm->c_aid) || vm->slot_aid_bytes >= o.len)
        return -1;
    if (jv_decode(vm, (jv_ref)jv_elem_get(&o, vm->slot_aid_bytes), &b) || b.kind != JV_K_BYTE ||
        b.len < 5 || b.len > 16)
        return -1;
    memcpy(out, jv_bytes(&b), b.len);
    *len = b.len;
    return 0;
}

/* A JCRE-owned persistent instance of c whose first slot is tag (any when c has no slot),
 * found again by class code, or created. The JCRE's objects are never collected. */
static int jcre_object(jv_vm *vm, const char *cls, bool tagged, uint32_t tag, jv_ref *out)
{
    jv_class *c = jv_class_by_name(vm, cls);
    if (!c || (tagged && c->ninst != 1)) return jv_throw(vm, JV_EX_SYSTEM, SYS_NO_RESOURCE);
    store *st = vm->s->st;
    for (store_id id = store_next(st, 0); id; id = store_next(st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(st, id, &owner, &type, &size) || owner != JV_CTX_JCRE ||
            type != JV_OBJ_INST || size != JV_INST_HDR + 4u * c->ninst)
            continue;
        const uint8_t *v = store_view(st, id, NULL);
        if (v && le32(v) == c->code && (!tagged || le32(v + 4) == tag)) {
            *out = id;
            return 0;
        }
    }
    jv_ref r;
    if (jv_new_inst(vm, JV_CTX_JCRE, c, &r)) return -1;
    if (tagged) {
        jv_obj o;
        if (jv_decode(vm, r, &o) || jv_elem_set(vm, &o, 0, (int32_t)tag)) return -1;
    }
    *out = r;
    return 0;
}

/* ---- life cycle rules ---- */

static bool app_specific(uint8_t v)
{
    return v >= 0x07 && v <= 0x7F && (v & 0x07) == 0x07; /* GP CS 2.3.1 §5.3.1 */
}

static bool has_priv(se *s, store_id app, int byte, uint8_t bit)
{
    const se_reg_rec *r = app ? reg_get(s, app) : NULL;
    return r && (r->priv[byte] & bit);
}

/* Card life cycle change requested by app (GP CS 2.3.1 §5.1.1): to CARD_LOCKED from SECURED
 * with Card Lock, to TERMINATED from any other state with Card Terminate. *done: changed. */
static int card_transition(jv_vm *vm, store_id app, uint8_t to, bool *done)
{
    se *s = vm->s;
    *done = false;
    const se_card_rec *card = se_card(s);
    if (!card) return 0;
    if (to == GP_CARD_LOCKED) {
        if (!has_priv(s, app, 0, GP_PRIV0_CARD_LOCK) || card->life_cycle != GP_CARD_SECURED)
            return 0;
    } else if (to == GP_CARD_TERMINATED) {
        if (!has_priv(s, app, 0, GP_PRIV0_CARD_TERMINATE) || card->life_cycle == GP_CARD_TERMINATED)
            return 0;
    } else {
        return 0;
    }
    seam_err e = store_write_nontx(s->st, s->card_id, offsetof(se_card_rec, life_cycle), &to, 1);
    if (store_check(vm)) return -1;
    *done = e == SEAM_OK;
    return 0;
}

/* Application life cycle change of target requested by caller (GP CS 2.3.1 §5.3; API
 * GPSystem.setCardContentState, GPRegistryEntry.setState). */
static int app_transition(jv_vm *vm, store_id caller, store_id target, uint8_t want, bool *done)
{
    se *s = vm->s;
    *done = false;
    const se_reg_rec *r = target ? reg_get(s, target) : NULL;
    if (!r || r->kind != REG_KIND_APP || !caller) return 0;
    uint8_t lc = r->life_cycle, next;
    bool global_lock = has_priv(s, caller, 1, GP_PRIV1_GLOBAL_LOCK);
    if (want & 0x80) {
        if ((lc & 0x80) || (caller != target && !global_lock)) return 0;
        next = (uint8_t)(lc | 0x80);
    } else if (lc & 0x80) {
        if (caller == target || !global_lock) return 0; /* an application cannot unlock itself */
        next = (uint8_t)(lc & 0x7F);
    } else {
        if (caller != target || !app_specific(lc) || !app_specific(want)) return 0;
        next = want;
    }
    seam_err e = store_write_nontx(s->st, target, offsetof(se_reg_rec, life_cycle), &next, 1);
    if (store_check(vm)) return -1;
    *done = e == SEAM_OK;
    return 0;
}

/* The registry entry of the applet whose code is running (the caller of a GPSystem method). */
static store_id caller_app(jv_vm *vm)
{
    return jv_app_of_ctx(vm, jv_cur_ctx(vm));
}

/* ---- GPSystem ---- */

int jv_gp_content_state(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m, (void)a;
    store_id app = caller_app(vm);
    const se_reg_rec *r = app ? reg_get(vm->s, app) : NULL;
    *ret = r ? (int8_t)r->life_cycle : 0;
    return 0;
}

int jv_gp_card_state(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m, (void)a;
    const se_card_rec *c = se_card(vm->s);
    *ret = c ? (int8_t)c->life_cycle : 0;
    return 0;
}

int jv_gp_get_channel(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m, (void)a;
    jv_ref r;
    if (jcre_object(vm, "org/globalplatform/Channel", false, 0, &r)) return -1;
    *ret = (jv_slot)r;
    return 0;
}

int jv_gp_lock_card(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m, (void)a;
    bool done;
    if (card_transition(vm, caller_app(vm), GP_CARD_LOCKED, &done)) return -1;
    *ret = done;
    return 0;
}

int jv_gp_terminate_card(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m, (void)a;
    bool done;
    if (card_transition(vm, caller_app(vm), GP_CARD_TERMINATED, &done)) return -1;
    *ret = done;
    return 0;
}

/* GPSystem.setATRHistBytes(byte[], short, byte): only the Card Reset privilege holder (GP CS
 * 2.3.1 §6.6.1 Table 6-1; one holder, src/se/gp/ssd.c) may set the historical bytes, 0..15 of
 * them (ISO/IEC 7816-3 §8.2.2); they take effect from the next reset. false otherwise, or when
 * the store refuses (inside an applet transaction before the first setting). */
int jv_gp_set_atr_hist(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    jv_obj o;
    int32_t off = (int16_t)a[1], len = (int8_t)a[2];
    if (arg_range(vm, (jv_ref)a[0], off, len < 0 ? 0 : len, &o)) return -1;
    *ret = 0;
    se *s = vm->s;
    store_id app = caller_app(vm);
    if (len < 0 || len > ATR_HIST_MAX || !app || ssd_priv_holder(s, 0, GP_PRIV0_CARD_RESET) != app)
        return 0;
    seam_err e = se_atr_hist_set(s, jv_bytes(&o) + off, (size_t)len);
    if (store_check(vm)) return -1;
    *ret = e == SEAM_OK;
    return 0;
}

int jv_gp_set_content_state(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    bool done;
    store_id app = caller_app(vm);
    if (app_transition(vm, app, app, (uint8_t)a[0], &done)) return -1;
    *ret = done;
    return 0;
}

int jv_gp_get_entry(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    se *s = vm->s;
    *ret = 0;
    store_id me = caller_app(vm), target = me;
    if (!me) return 0;
    if (a[0]) {
        uint8_t aid[16];
        size_t n = 0;
        if (aid_bytes(vm, (jv_ref)a[0], aid, &n)) return jv_throw(vm, JV_EX_NPE, 0);
        target = reg_find(s, aid, n, false, 0, false);
        if (!target) return 0;
        if (target != me && !has_priv(s, me, 1, GP_PRIV1_GLOBAL_REGISTRY)) return 0;
    }
    const se_reg_rec *r = reg_get(s, target);
    if (!r || r->kind == REG_KIND_LOAD_FILE) return 0;
    jv_ref e;
    if (jcre_object(vm, "org/globalplatform/Entry", true, JV_REF_AID | target, &e)) return -1;
    *ret = (jv_slot)e;
    return 0;
}

/* ---- GPRegistryEntry (the JCRE's Entry objects) ---- */

/* The registry entry an Entry object stands for; -1 with an exception when it is gone. */
static int entry_of(jv_vm *vm, jv_ref self, store_id *id)
{
    jv_obj o;
    if (jv_decode(vm, self, &o) || o.kind != JV_K_INST || o.len < 1)
        return jv_throw(vm, JV_EX_NPE, 0);
    uint32_t tag = (uint32_t)jv_elem_get(&o, 0);
    if ((tag & JV_REF_TAG) != JV_REF_AID || !reg_get(vm->s, tag & ~JV_REF_TAG))
        return iso(vm, SW_REFERENCED_DATA_NOT_FOUND);
    *id = tag & ~JV_REF_TAG;
    return 0;
}

int jv_gp_entry_aid(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    store_id id = 0;
    if (entry_of(vm, (jv_ref)a[0], &id)) return -1;
    *ret = (jv_slot)(JV_REF_AID | id);
    return 0;
}

int jv_gp_entry_privileges(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    store_id id = 0;
    jv_obj o;
    int32_t off = (int16_t)a[2];
    if (entry_of(vm, (jv_ref)a[0], &id) || arg_range(vm, (jv_ref)a[1], off, 3, &o)) return -1;
    uint8_t p[3];
    memcpy(p, reg_get(vm->s, id)->priv, 3);
    if (jv_bytes_set(vm, &o, (uint32_t)off, p, 3)) return -1;
    *ret = (int16_t)(off + 3);
    return 0;
}

int jv_gp_entry_state(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    store_id id = 0;
    if (entry_of(vm, (jv_ref)a[0], &id)) return -1;
    *ret = (int8_t)reg_get(vm->s, id)->life_cycle;
    return 0;
}

int jv_gp_entry_associated(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    store_id id = 0;
    if (entry_of(vm, (jv_ref)a[0], &id)) return -1;
    *ret = 0;
    uint8_t aid[16];
    size_t n = 0;
    if (!a[1]) return 0;
    if (aid_bytes(vm, (jv_ref)a[1], aid, &n)) return jv_throw(vm, JV_EX_NPE, 0);
    se *s = vm->s;
    store_id sd = reg_find(s, aid, n, false, 0, false);
    const se_reg_rec *e = sd ? reg_get(s, sd) : NULL;
    if (!e || (e->kind != REG_KIND_ISD && e->kind != REG_KIND_SSD)) return 0;
    *ret = assoc_sd(s, reg_get(s, id)) == sd;
    return 0;
}

int jv_gp_entry_privileged(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    store_id id = 0;
    if (entry_of(vm, (jv_ref)a[0], &id)) return -1;
    int n = (int8_t)a[1];
    *ret = n >= 0 && n < 24 && (reg_get(vm->s, id)->priv[n / 8] & (0x80 >> (n % 8)));
    return 0;
}

int jv_gp_entry_set_state(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    store_id id = 0;
    if (entry_of(vm, (jv_ref)a[0], &id)) return -1;
    uint8_t want = (uint8_t)a[1];
    bool done = false;
    int rc;
    if (reg_get(vm->s, id)->kind == REG_KIND_ISD) /* the ISD's entry: the card's life cycle */
        rc = card_transition(vm, caller_app(vm), want, &done);
    else
        rc = app_transition(vm, caller_app(vm), id, want, &done);
    if (rc) return -1;
    *ret = done;
    return 0;
}

/* ---- SecureChannel (the JCRE's Channel object) ---- */

typedef struct {
    uint8_t ch;
    store_id app, sd;
    se_chan *chan;
} sc_ctx;

/* The calling applet, its channel and its Security Domain. strict: a caller that is not the
 * applet selected on the current channel, in its own context, is refused (SecurityException);
 * otherwise 1 is returned for "nothing to do". */
static int sc_begin(jv_vm *vm, sc_ctx *k, bool strict)
{
    uint8_t ch = vm->cur_ch;
    if (ch >= SE_MAX_CHANNELS || !vm->chan[ch].app_reg || vm->chan[ch].ctx != jv_cur_ctx(vm))
        return strict ? jv_throw(vm, JV_EX_SECURITY, 0) : 1;
    const se_reg_rec *r = reg_get(vm->s, vm->chan[ch].app_reg);
    store_id sd = r ? assoc_sd(vm->s, r) : 0;
    if (!sd) return strict ? iso(vm, SW_CONDITIONS_OF_USE_NOT_SATISFIED) : 1;
    k->ch = ch;
    k->app = vm->chan[ch].app_reg;
    k->sd = sd;
    k->chan = &vm->s->chan[ch];
    return 0;
}

/* The channel's session is authenticated and belongs to the applet's Security Domain. */
static bool sc_authenticated(const sc_ctx *k)
{
    return k->chan->sc_state == SC_AUTHENTICATED && k->chan->sc_sd == k->sd && !k->chan->sc_scp11b;
}

int jv_gp_process_security(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m, (void)a;
    sc_ctx k = {0};
    if (sc_begin(vm, &k, true)) return -1;
    se *s = vm->s;
    apduio *io = vm->io;
    if (!io->r) return jv_throw(vm, JV_EX_SECURITY, 0);
    /* the counters written below must not take part in an applet's transaction */
    if (vm->tx_depth || store_in_tx(s->st)) return iso(vm, SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    apdu_cla cl;
    uint8_t ins = io->buf[1];
    if (apdu_cla_decode(io->buf[0], &cl) != SEAM_OK || !cl.proprietary || cl.chaining ||
        cl.channel != k.ch)
        return iso(vm, SW_CLA_NOT_SUPPORTED);
    if (ins == 0x50) {
        if (cl.secure_messaging) return iso(vm, SW_CLA_NOT_SUPPORTED);
    } else if (ins == 0x82) {
        if (!cl.secure_messaging) return iso(vm, SW_CLA_NOT_SUPPORTED);
    } else {
        return iso(vm, SW_INS_NOT_SUPPORTED);
    }
    if (io->state == APDUIO_STATE_INITIAL) {
        int32_t got;
        int e = apduio_set_incoming_and_receive(io, &got);
        if (e) return jv_throw(vm, JV_EX_APDU, e);
    }
    if (io->state != APDUIO_STATE_FULL_INCOMING || io->in_off != io->in_len ||
        (size_t)io->cdata_off + io->in_len > io->buf_len)
        return iso(vm, SW_WRONG_LENGTH);
    apdu_cmd c;
    memset(&c, 0, sizeof c);
    c.cla = io->buf[0];
    c.ins = ins;
    c.p1 = io->buf[2];
    c.p2 = io->buf[3];
    c.lc = io->in_len;
    c.data = c.lc ? io->buf + io->cdata_off : NULL;
    c.extended = io->extended;
    if (ins == 0x50) {
        uint8_t out[64];
        se_resp r = {out, sizeof out, 0};
        uint16_t sw = scp03_sd_initialize_update(s, k.ch, k.sd, &c, &r);
        if (store_check(vm)) return -1;
        if (sw != SW_NO_ERROR) return iso(vm, sw);
        memcpy(io->buf + 5, out, r.len); /* ISO7816.OFFSET_CDATA */
        *ret = (int16_t)r.len;
        return 0;
    }
    if (k.chan->sc_state != SC_INITIALIZED || k.chan->sc_sd != k.sd)
        return iso(vm, SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    uint16_t sw = scp03_sd_external_authenticate(s, k.ch, &c);
    if (store_check(vm)) return -1;
    if (sw != SW_NO_ERROR) return iso(vm, sw);
    *ret = 0;
    return 0;
}

/* short unwrap(byte[] buf, short off, short len): the whole command at buf[off..off+len). */
int jv_gp_unwrap(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    sc_ctx k = {0};
    jv_obj o;
    int32_t off = (int16_t)a[2], len = (int16_t)a[3];
    if (sc_begin(vm, &k, true) || arg_range(vm, (jv_ref)a[1], off, len, &o)) return -1;
    if (len < 4) return iso(vm, SW_WRONG_LENGTH);
    const uint8_t *p = jv_bytes(&o) + off;
    apdu_cla cl;
    if (apdu_cla_decode(p[0], &cl) != SEAM_OK) return iso(vm, SW_CLA_NOT_SUPPORTED);
    *ret = (int16_t)len;
    if (!cl.secure_messaging) return 0; /* API: left as it is */
    if (!sc_authenticated(&k)) return iso(vm, SW_SECURITY_STATUS_NOT_SATISFIED);
    if (!(k.chan->scp.level & SCP03_LEVEL_CMAC)) return 0; /* API: AUTHENTICATED alone */
    apdu_cmd c;
    memset(&c, 0, sizeof c);
    size_t hl;
    if (len == 4) {
        hl = 4;
    } else if (p[4] == 0 && len >= 7 && ((size_t)p[5] << 8 | p[6]) == (size_t)len - 7) {
        hl = 7;
        c.extended = true;
        c.lc = (size_t)len - 7;
    } else if ((size_t)p[4] + 5 == (size_t)len) {
        hl = 5;
        c.lc = p[4];
    } else {
        return iso(vm, SW_WRONG_LENGTH);
    }
    c.cla = p[0];
    c.ins = p[1];
    c.p1 = p[2];
    c.p2 = p[3];
    c.data = c.lc ? p + hl : NULL;
    se *s = vm->s;
    size_t n = 0;
    seam_err e = scp03_unwrap_command(&k.chan->scp, &c, s->scratch, sizeof s->scratch, &n);
    if (e != SEAM_OK || n > c.lc) {
        /* Amendment D §6.2.4: a failed verification aborts the session */
        seam_wipe(s->scratch, sizeof s->scratch);
        sd_session_end(s, k.ch);
        return iso(vm, SW_SECURITY_STATUS_NOT_SATISFIED);
    }
    uint8_t *w = s->out;
    w[0] = apdu_cla_encode(cl.proprietary, cl.channel, false, cl.chaining);
    memcpy(w + 1, p + 1, 3);
    if (c.extended) {
        w[4] = 0;
        w[5] = (uint8_t)(n >> 8);
        w[6] = (uint8_t)n;
    } else {
        w[4] = (uint8_t)n; /* API: a case 1 or 2 command gets Lc '00' */
    }
    size_t total = hl == 4 ? 5 + n : hl + n;
    memcpy(w + (total - n), s->scratch, n);
    seam_wipe(s->scratch, n);
    /* total <= len + 1: only a header-only command grows by its Lc byte */
    int rc = (int64_t)off + (int64_t)total <= (int64_t)o.len
                 ? jv_bytes_set(vm, &o, (uint32_t)off, w, (uint32_t)total)
                 : jv_throw(vm, JV_EX_AIOOBE, 0);
    seam_wipe(w, total);
    if (rc) return -1;
    *ret = (int16_t)total;
    return 0;
}

/* short wrap(byte[] buf, short off, short len): response data then the two status bytes. */
int jv_gp_wrap(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    sc_ctx k = {0};
    jv_obj o;
    int32_t off = (int16_t)a[2], len = (int16_t)a[3];
    if (sc_begin(vm, &k, true) || arg_range(vm, (jv_ref)a[1], off, len, &o)) return -1;
    if (len < 2) return iso(vm, SW_WRONG_LENGTH);
    *ret = (int16_t)(len - 2);
    if (!sc_authenticated(&k) || !(k.chan->scp.level & (SCP03_LEVEL_RMAC | SCP03_LEVEL_RENC)))
        return 0;
    const uint8_t *p = jv_bytes(&o) + off;
    uint16_t sw = (uint16_t)(p[len - 2] << 8 | p[len - 1]);
    se *s = vm->s;
    size_t n = 0;
    seam_err e =
        scp03_wrap_response(&k.chan->scp, p, (size_t)len - 2, sw, s->out, sizeof s->out, &n);
    if (e != SEAM_OK || n < 2) {
        seam_wipe(s->out, sizeof s->out);
        sd_session_end(s, k.ch);
        return iso(vm, SW_UNKNOWN);
    }
    size_t wl = n - 2;
    int rc = (int64_t)off + (int64_t)wl <= (int64_t)o.len
                 ? jv_bytes_set(vm, &o, (uint32_t)off, s->out, (uint32_t)wl)
                 : jv_throw(vm, JV_EX_AIOOBE, 0);
    seam_wipe(s->out, n);
    if (rc) return -1;
    *ret = (int16_t)wl;
    return 0;
}

/* decryptData / encryptData: AES-CBC with the session key set's static Key-DEK and a zero ICV
 * (SCP03 has no S-DEK: Amendment D uses the static DEK for sensitive data, as PUT KEY does); no
 * padding is added or removed (the application's business, as the API says). */
static int dek_crypt(jv_vm *vm, jv_slot *a, jv_slot *ret, bool decrypt)
{
    sc_ctx k = {0};
    jv_obj o;
    int32_t off = (int16_t)a[2], len = (int16_t)a[3];
    if (sc_begin(vm, &k, true) || arg_range(vm, (jv_ref)a[1], off, len, &o)) return -1;
    if (!sc_authenticated(&k) || !k.chan->sc_dek_len)
        return iso(vm, SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    if (len % 16) return iso(vm, SW_WRONG_LENGTH);
    *ret = (int16_t)len;
    if (!len) return 0;
    se *s = vm->s;
    static const uint8_t zero_iv[16];
    const uint8_t *p = jv_bytes(&o) + off;
    seam_err e = decrypt ? cr_aes_cbc_decrypt(k.chan->sc_dek, k.chan->sc_dek_len, zero_iv, p,
                                              (size_t)len, s->scratch)
                         : cr_aes_cbc_encrypt(k.chan->sc_dek, k.chan->sc_dek_len, zero_iv, p,
                                              (size_t)len, s->scratch);
    int rc = e == SEAM_OK ? jv_bytes_set(vm, &o, (uint32_t)off, s->scratch, (uint32_t)len)
                          : iso(vm, SW_UNKNOWN);
    seam_wipe(s->scratch, (size_t)len);
    return rc ? -1 : 0;
}

int jv_gp_decrypt_data(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    return dek_crypt(vm, a, ret, true);
}

int jv_gp_encrypt_data(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m;
    return dek_crypt(vm, a, ret, false);
}

int jv_gp_reset_security(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m, (void)a, (void)ret;
    sc_ctx k = {0};
    if (sc_begin(vm, &k, false)) return 0; /* API: never fails */
    if (k.chan->sc_state != SC_NONE && k.chan->sc_sd == k.sd) sd_session_end(vm->s, k.ch);
    return 0;
}

int jv_gp_security_level(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
{
    (void)m, (void)a;
    sc_ctx k = {0};
    *ret = 0;
    if (sc_begin(vm, &k, false) || !sc_authenticated(&k)) return 0;
    *ret = (int8_t)(GPSC_AUTHENTICATED | k.chan->scp.level);
    return 0;
}
