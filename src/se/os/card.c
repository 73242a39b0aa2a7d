/*
 * The card OS: power-up, ATR, logical channels, selection, command chaining, GET RESPONSE and
 * dispatch to the selected application (ISO/IEC 7816-4; GP CS 2.3.1 §3, §11.9).
 *
 * Invariants:
 *  - every command gets exactly one response ending in a status word; malformed or unsupported
 *    input is refused before anything changes (parse, then check, then act);
 *  - secure messaging is undone before chaining and applied after processing, per command
 *    (GP: every C-APDU of a chain is protected individually);
 *  - a response longer than the host's Ne waits, whole and already protected, in the channel's
 *    pending buffer for GET RESPONSE; any other command on that channel discards it;
 *  - an application LOCKED while it is selected runs no more commands (6985) and gets no SELECT
 *    of its files; only a SELECT of another application or closing the channel moves on; the
 *    same for an applet selected when the card is CARD_LOCKED or TERMINATED, unless it holds
 *    Final Application (GP CS 2.3.1 §5.1.1, §6.6.1 Table 6-1);
 *  - after a reset channel 0 has the implicitly selected application: the Card Reset holder (in
 *    CARD_LOCKED / TERMINATED the Final Application holder) when selectable, else the ISD;
 *  - the ATR is well-formed whatever historical bytes are stored (T0 counts them, TCK last);
 *  - if the store dies under a command (power cut), the card mutes: the response is lost, as it
 *    would be on a real card, and the next power-up sees the old or the new state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "se/gp/dap.h"
#include "se/jcvm/jcvm.h"
#include "se/se_int.h"

/* ATR for T=1 (ISO/IEC 7816-3 §8.2): TS 3B; T0 8K: TD1 follows, K historical bytes; TD1 81:
 * TD2 follows, T=1; TD2 31: TA3 and TB3 follow, T=1; TA3 FE: IFSC 254; TB3 45: BWI 4, CWI 5.
 * Default historical bytes (ISO 7816-4 §8.1.1): category 80, then COMPACT-TLV: 73 card
 * capabilities (C0: selection by full and partial DF name; 01: data coding; DF: command
 * chaining, extended Lc/Le, logical channels assigned by card and host, 8 or more channels),
 * 54 card issuer's data "seam". The Card Reset privilege holder may replace them
 * (GPSystem.setATRHistBytes, GP CS 2.3.1 §6.6.1 Table 6-1) from the next reset on. TCK closes
 * the ATR (present because T=1 is offered). */
static const uint8_t atr_interface[] = {0x3B, 0x80, 0x81, 0x31, 0xFE, 0x45};
static const uint8_t atr_hist_default[] = {0x80, 0x73, 0xC0, 0x01, 0xDF, 0x54, 's', 'e', 'a', 'm'};
#define ATR_MAX (sizeof atr_interface + ATR_HIST_MAX + 1)

static const se_atrhist_rec *atr_hist(se *s)
{
    size_t n;
    const uint8_t *p = s->atrhist_id ? store_view(s->st, s->atrhist_id, &n) : NULL;
    if (!p || n != sizeof(se_atrhist_rec) || p[0] > ATR_HIST_MAX) return NULL;
    return (const se_atrhist_rec *)p;
}

/* Writes the ATR into atr (ATR_MAX bytes of room) and returns its length. */
static size_t make_atr(se *s, uint8_t *atr)
{
    const se_atrhist_rec *h = atr_hist(s);
    const uint8_t *hist = h ? h->hist : atr_hist_default;
    size_t k = h ? h->len : sizeof atr_hist_default;
    memcpy(atr, atr_interface, sizeof atr_interface);
    atr[1] = (uint8_t)(0x80 | k);
    memcpy(atr + sizeof atr_interface, hist, k);
    size_t n = sizeof atr_interface + k;
    uint8_t tck = 0;
    for (size_t i = 1; i < n; i++)
        tck ^= atr[i];
    atr[n] = tck;
    return n + 1;
}

seam_err se_atr_hist_set(se *s, const uint8_t *hist, size_t len)
{
    if (len > ATR_HIST_MAX || (len && !hist)) return SEAM_E_ARG;
    se_atrhist_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.len = (uint8_t)len;
    if (len) memcpy(rec.hist, hist, len);
    if (s->atrhist_id) return store_write_nontx(s->st, s->atrhist_id, 0, &rec, sizeof rec);
    /* the first time: the object is created in a transaction of its own, so that it exists
     * with its bytes or not at all (inside an applet's transaction: refused) */
    seam_err e = store_tx_begin(s->st);
    if (e != SEAM_OK) return e;
    store_id id = 0;
    e = store_alloc(s->st, 0, SE_OBJ_ATRHIST, sizeof rec, &id);
    if (e == SEAM_OK) e = store_write(s->st, id, 0, &rec, sizeof rec);
    if (e != SEAM_OK) {
        store_tx_abort(s->st);
        return e;
    }
    e = store_tx_commit(s->st);
    if (e == SEAM_OK) s->atrhist_id = id;
    return e;
}

uint16_t se_sw_of(seam_err e)
{
    switch (e) {
    case SEAM_OK:
        return SW_NO_ERROR;
    case SEAM_E_LENGTH:
        return SW_WRONG_LENGTH;
    case SEAM_E_FORMAT:
        return SW_WRONG_DATA;
    case SEAM_E_AUTH:
        return SW_SECURITY_STATUS_NOT_SATISFIED;
    case SEAM_E_NOMEM:
    case SEAM_E_FULL:
        return SW_NOT_ENOUGH_MEMORY;
    case SEAM_E_NOT_FOUND:
        return SW_REFERENCED_DATA_NOT_FOUND;
    case SEAM_E_EXISTS:
        return SW_WRONG_DATA;
    case SEAM_E_STATE:
        return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    case SEAM_E_BLOCKED:
        return SW_AUTHENTICATION_METHOD_BLOCKED;
    case SEAM_E_UNSUPPORTED:
        return SW_FUNC_NOT_SUPPORTED;
    case SEAM_E_IO:
    case SEAM_E_CORRUPT:
        return SW_MEMORY_FAILURE;
    default:
        return SW_UNKNOWN;
    }
}

void se_mute(se *s, seam_err why)
{
    if (!s->muted) {
        s->muted = true;
        s->mute_reason = why;
    }
}

const se_card_rec *se_card(se *s)
{
    size_t n;
    const uint8_t *p = store_view(s->st, s->card_id, &n);
    return (p && n == sizeof(se_card_rec)) ? (const se_card_rec *)p : NULL;
}

seam_err se_card_write(se *s, size_t off, const void *p, size_t n)
{
    return store_write(s->st, s->card_id, off, p, n);
}

store *se_store(se *s)
{
    return s->st;
}

/* ---- power ---- */

static void channel_close(se *s, uint8_t ch)
{
    sd_session_end(s, ch);
    s->chan[ch].open = false;
    s->chan[ch].selected = 0;
    s->chan[ch].pending_len = s->chan[ch].pending_off = 0;
    if (s->chain.active && s->chain.channel == ch) s->chain.active = false;
}

/* The default selected application after reset and on a newly opened channel: the ISD
 * (GP CS 2.3.1 §3.4.1, implicit selection). */
static void channel_open(se *s, uint8_t ch)
{
    s->chan[ch].open = true;
    s->chan[ch].selected = s->isd_id;
    s->chan[ch].sc_state = SC_NONE;
    s->chan[ch].pending_len = s->chan[ch].pending_off = 0;
}

static bool selected_is_app(se *s, uint8_t ch)
{
    const se_reg_rec *e = s->chan[ch].selected ? reg_get(s, s->chan[ch].selected) : NULL;
    return e && e->kind == REG_KIND_APP;
}

/* True when the channel's selected application was LOCKED (life cycle b8, GP CS 2.3.1 §5.3.2)
 * after it was selected, possibly from another channel. GP CS §5.3.2 lets no locked application
 * run; the runtime stops it here, so it cannot keep serving a session it opened before. */
static bool selected_app_locked(se *s, uint8_t ch)
{
    const se_reg_rec *e = s->chan[ch].selected ? reg_get(s, s->chan[ch].selected) : NULL;
    return e && e->kind == REG_KIND_APP && (e->life_cycle & 0x80);
}

/* True when the card is CARD_LOCKED or TERMINATED (GP CS 2.3.1 §5.1.1.4-5). */
static bool card_stopped(se *s)
{
    uint8_t lc = se_card(s)->life_cycle;
    return lc == GP_CARD_LOCKED || lc == GP_CARD_TERMINATED;
}

/* The application holding the Final Application privilege, if it is not the ISD and not
 * LOCKED, else 0: in CARD_LOCKED and TERMINATED it is the one application besides the ISD that
 * may be selected and run (GP CS 2.3.1 §6.6.1 Table 6-1; implicit selection rules, §6.4.2.1.1
 * as numbered in GP CS 2.2). */
static store_id final_app(se *s)
{
    store_id id = ssd_priv_holder(s, 1, GP_PRIV1_FINAL_APPLICATION);
    const se_reg_rec *e = id != s->isd_id ? reg_get(s, id) : NULL;
    if (!e || (e->life_cycle & 0x80) || (e->life_cycle & 0x07) != 0x07) return 0;
    return id;
}

/* True when the channel's selected applet may not run because the card is CARD_LOCKED or
 * TERMINATED and it is not the Final Application (it was selected before the card stopped). */
static bool selected_app_stopped(se *s, uint8_t ch)
{
    return selected_is_app(s, ch) && card_stopped(s) && s->chan[ch].selected != final_app(s);
}

/* Implicit selection on the basic logical channel after a reset (GP CS 2.3.1 §6.6.1 Table 6-1,
 * Card Reset and Final Application; §6.4.2.1.1 as numbered in GP CS 2.2): in CARD_LOCKED and
 * TERMINATED the Final Application holder, otherwise the Card Reset holder, when it is
 * selectable (not LOCKED); else, or when its applet refuses selection, the ISD. */
static void implicit_select(se *s)
{
    store_id id = card_stopped(s) ? final_app(s) : ssd_priv_holder(s, 0, GP_PRIV0_CARD_RESET);
    const se_reg_rec *e = id && id != s->isd_id ? reg_get(s, id) : NULL;
    if (!e || (e->life_cycle & 0x80) || (e->life_cycle & 0x07) != 0x07) return;
    if (e->kind != REG_KIND_APP) {
        s->chan[0].selected = id;
        return;
    }
    /* the applet is selected as by a SELECT of its AID (JCRE §4.1: the default applet's
     * select() runs); what it answers is not sent anywhere */
    uint8_t cmd[5 + 16];
    cmd[0] = 0x00;
    cmd[1] = 0xA4;
    cmd[2] = 0x04;
    cmd[3] = 0x00;
    cmd[4] = e->aid_len;
    memcpy(cmd + 5, e->aid, e->aid_len);
    apdu_cmd c;
    if (apdu_parse(cmd, 5u + e->aid_len, &c) != SEAM_OK) return;
    se_resp r = {s->chan[0].pending, SE_RESP_APP_MAX, 0};
    uint16_t sw = jcvm_select(s, 0, id, &c, &r);
    if (r.len > s->chan[0].pending_hwm) s->chan[0].pending_hwm = r.len;
    seam_wipe(r.p, r.len);
    s->chan[0].selected = (sw == SW_NO_ERROR && jcvm_selected(s, 0)) ? id : s->isd_id;
}

/* A reset is not a deselection (JCRE §3.3): the runtime clears its RAM state without running
 * any applet's deselect(). */
static void reset_state(se *s)
{
    jcvm_reset(s);
    for (uint8_t ch = 0; ch < SE_MAX_CHANNELS; ch++)
        channel_close(s, ch);
    s->chain.active = false;
    channel_open(s, 0);
    implicit_select(s);
}

/* Checks the persistent records the OS relies on, so a damaged image is refused at power-up
 * instead of being used. */
static seam_err check_image(se *s, char *msg, size_t cap)
{
    s->card_id = store_root(s->st, SE_ROOT_CARD);
    const se_card_rec *c = se_card(s);
    if (!c || memcmp(c->magic, "SEAM", 4) != 0 || c->version != 1) {
        snprintf(msg, cap, "store image has no valid card record: not a seam SE image");
        return SEAM_E_CORRUPT;
    }
    s->isd_id = seam_be32(c->isd_id);
    const se_reg_rec *isd = reg_get(s, s->isd_id);
    if (!isd || isd->kind != REG_KIND_ISD) {
        snprintf(msg, cap, "store image has no valid Issuer Security Domain entry");
        return SEAM_E_CORRUPT;
    }
    /* One scan of the whole store at power-up, which also builds the registry index. */
    seam_err e = reg_index_reset(s);
    if (e != SEAM_OK) return e;
    for (store_id id = store_next(s->st, 0); id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) != SEAM_OK) return SEAM_E_CORRUPT;
        bool ok = true;
        if (type == SE_OBJ_REGISTRY) {
            ok = reg_get(s, id) != NULL;
            if (ok && reg_index_add(s, id) != SEAM_OK) {
                snprintf(msg, cap, "more than %u registry entries", (unsigned)REG_INDEX_MAX);
                return SEAM_E_CORRUPT;
            }
        } else if (type == SE_OBJ_KEYSET) {
            ok = keys_get(s, id) != NULL && reg_get(s, owner);
        } else if (type == SE_OBJ_ECKEY) {
            ok = eckey_get(s, id) != NULL && reg_get(s, owner);
        } else if (type == SE_OBJ_CERTSTORE) {
            ok = certstore_valid(s, id) && reg_get(s, owner);
        } else if (type == SE_OBJ_SCP11C_SEEN) {
            ok = scp11_sd_seen_valid(s, id);
        } else if (type == SE_OBJ_TRUST) {
            ok = trust_valid(s, id);
        } else if (type == SE_OBJ_ATRHIST) {
            ok = s->atrhist_id == 0; /* one at most */
            s->atrhist_id = id;
            ok = ok && atr_hist(s) != NULL;
        } else if (type == SE_OBJ_DAPKEY || type == SE_OBJ_DAPSTATE) {
            ok = dap_obj_valid(s, id); /* src/se/gp/dap.c */
        }
        if (!ok) {
            snprintf(msg, cap, "store object %u (type %u) is malformed", (unsigned)id,
                     (unsigned)type);
            return SEAM_E_CORRUPT;
        }
    }
    /* Java Card content: a load file names its package object, an application its load file
     * (a registry entry of kind LOAD_FILE) and its applet object. */
    for (store_id id = reg_next(s, 0); id; id = reg_next(s, id)) {
        const se_reg_rec *r = reg_get(s, id);
        const se_reg_rec *elf = r->kind == REG_KIND_APP ? reg_get(s, seam_be32(r->elf_id)) : NULL;
        /* an entry's associated security domain (GP CS 2.3.1 §7.2) is one; 0 (none) is
         * tolerated for applications and load files of images that test rigs build */
        store_id asd = seam_be32(r->sd_id);
        bool ok = ssd_is_sd(reg_get(s, asd)) ||
                  (asd == 0 && (r->kind == REG_KIND_APP || r->kind == REG_KIND_LOAD_FILE));
        if (!ok) {
            snprintf(msg, cap, "registry entry %u has no associated security domain", (unsigned)id);
            return SEAM_E_CORRUPT;
        }
        if (r->kind == REG_KIND_SSD)
            ok = (r->life_cycle & 0x7F) == GP_SD_INSTALLED ||
                 (r->life_cycle & 0x7F) == GP_SD_SELECTABLE ||
                 (r->life_cycle & 0x7F) == GP_SD_PERSONALIZED;
        else if (r->kind == REG_KIND_LOAD_FILE)
            ok = seam_be32(r->obj_id) != 0;
        else if (r->kind == REG_KIND_APP)
            ok = elf && elf->kind == REG_KIND_LOAD_FILE && seam_be32(r->obj_id) != 0;
        if (!ok) {
            snprintf(msg, cap, "registry entry %u names no valid Java Card content", (unsigned)id);
            return SEAM_E_CORRUPT;
        }
    }
    return SEAM_OK;
}

seam_err se_open(se **out, const se_config *cfg, char *msg, size_t msg_cap)
{
    char dummy[8];
    if (!msg || !msg_cap) {
        msg = dummy;
        msg_cap = sizeof dummy;
    }
    msg[0] = 0;
    if (!out || !cfg || !cfg->medium) return SEAM_E_ARG;
    *out = NULL;
    se *s = calloc(1, sizeof *s);
    if (!s) return SEAM_E_NOMEM;
    s->medium = cfg->medium;
    seam_err e = SEAM_E_NOMEM;
    for (int i = 0; i < SE_MAX_CHANNELS; i++)
        if (!(s->chan[i].pending = malloc(APDU_MAX_RESPONSE))) goto fail;
    if (!(s->chain.buf = malloc(APDU_MAX_DATA))) goto fail;

    e = store_open(&s->st, cfg->medium,
                   cfg->capacity ? cfg->capacity : (size_t)STORE_DEFAULT_CAPACITY, msg, msg_cap);
    if (e != SEAM_OK) goto fail;
    /* A store with no object at all is a card whose personalisation never completed (the
     * power was cut before its one transaction committed): personalise it now. */
    bool empty = store_next(s->st, 0) == 0 && store_root(s->st, SE_ROOT_CARD) == 0;
    if (store_is_new(s->st) || empty) {
        e = perso_fresh_card(s, cfg);
        if (e != SEAM_OK) {
            snprintf(msg, msg_cap, "personalising the fresh card failed: %s", seam_strerror(e));
            goto fail;
        }
        if (!cfg->quiet)
            fprintf(stderr, "seam se: fresh card: the ISD holds the well-known TEST key set "
                            "404142434445464748494A4B4C4D4E4F (KVN FF). Replace it (PUT KEY) "
                            "before any real use.\n");
    }
    e = check_image(s, msg, msg_cap);
    if (e != SEAM_OK) goto fail;
    s->max_steps = cfg->max_steps ? cfg->max_steps : SE_DEFAULT_MAX_STEPS;
    if ((e = cm_power_up(s)) != SEAM_OK) goto fail;
    e = jcvm_power_up(s, msg, msg_cap);
    if (e != SEAM_OK) goto fail;
    reset_state(s);
    *out = s;
    return SEAM_OK;
fail:
    se_close(s);
    return e;
}

void se_close(se *s)
{
    if (!s) return;
    if (s->vm) jcvm_power_down(s);
    for (uint8_t ch = 0; ch < SE_MAX_CHANNELS; ch++) {
        sd_session_end(s, ch);
        if (s->chan[ch].pending) seam_wipe(s->chan[ch].pending, s->chan[ch].pending_hwm);
        free(s->chan[ch].pending);
    }
    if (s->chain.buf) seam_wipe(s->chain.buf, APDU_MAX_DATA);
    free(s->chain.buf);
    cm_power_down(s);
    reg_index_free(s);
    if (s->st) store_close(s->st);
    seam_wipe(s->scratch, sizeof s->scratch);
    seam_wipe(s->out, sizeof s->out);
    free(s);
}

seam_err se_reset(se *s, uint8_t *atr, size_t cap, size_t *atr_len)
{
    if (s->muted) return s->mute_reason;
    uint8_t buf[ATR_MAX];
    size_t n = make_atr(s, buf);
    if (cap < n) return SEAM_E_LENGTH;
    reset_state(s);
    memcpy(atr, buf, n);
    *atr_len = n;
    return SEAM_OK;
}

/* ---- selection ---- */

static bool is_selectable(se *s, const se_reg_rec *e)
{
    uint8_t lc = se_card(s)->life_cycle;
    if (e->kind == REG_KIND_ISD) return true;
    /* CARD_LOCKED, TERMINATED: the ISD and the Final Application only (GP CS 2.3.1 §6.6.1) */
    if (lc == GP_CARD_TERMINATED || lc == GP_CARD_LOCKED) return e == reg_get(s, final_app(s));
    if (e->kind == REG_KIND_LOAD_FILE) return false;
    /* SELECTABLE and the states above it, never LOCKED (b8) (GP CS 2.3.1 §5.3.1, §5.3.2):
     * an SSD when SELECTABLE or PERSONALIZED */
    if (e->life_cycle & 0x80) return false;
    return (e->life_cycle & 0x07) == 0x07;
}

/* The application a SELECT by DF name names (ISO 7816-4 §11.2.2; GP CS 2.3.1 §11.9): 0 and
 * *found set, or the SW of a SELECT that selects nothing. */
static uint16_t select_target(se *s, uint8_t ch, const apdu_cmd *c, store_id *found_out)
{
    if (c->p1 != 0x04) return SW_INCORRECT_P1P2;
    uint8_t occ = c->p2 & 0x03, resp = c->p2 & 0x0C;
    if ((c->p2 & 0xF0) || (occ != 0x00 && occ != 0x02) || resp == 0x08) return SW_INCORRECT_P1P2;
    if (c->lc > 16) return SW_FILE_NOT_FOUND;
    store_id found = 0;
    if (c->lc == 0) {
        /* GP CS 2.3.1 §11.9.2.3: SELECT without data selects the ISD. */
        if (occ == 0x02) return SW_FILE_NOT_FOUND;
        found = s->isd_id;
    } else {
        store_id after = occ == 0x02 ? s->chan[ch].selected : 0;
        for (store_id id = reg_find(s, c->data, c->lc, true, after, false); id;
             id = reg_find(s, c->data, c->lc, true, id, false)) {
            if (is_selectable(s, reg_get(s, id))) {
                found = id;
                break;
            }
        }
    }
    if (!found) return SW_FILE_NOT_FOUND;
    *found_out = found;
    return 0;
}

/* SELECT (ISO 7816-4 §11.2.2; GP CS 2.3.1 §11.9). A SELECT that selects no application goes to
 * the channel's active applet, if there is one (JCRE §4.6.1: it may be a SELECT of the applet's
 * own files). */
static uint16_t do_select(se *s, uint8_t ch, const apdu_cmd *c, se_resp *r)
{
    store_id found = 0;
    uint16_t sw0 = select_target(s, ch, c, &found);
    if (sw0) {
        /* a locked applet gets no SELECT of its files either: a SELECT of its own AID (which
         * finds nothing, since LOCKED entries are not selectable) must not reach it */
        if (!selected_is_app(s, ch) || selected_app_locked(s, ch) || selected_app_stopped(s, ch))
            return sw0;
        return jcvm_process(s, ch, c, r);
    }
    sd_session_end(s, ch);
    store_id prev = s->chan[ch].selected;
    bool prev_app = selected_is_app(s, ch);
    if (reg_get(s, found)->kind == REG_KIND_APP) {
        /* JCRE §4.2: the runtime deselects the channel's previous applet, selects this one and
         * hands it the SELECT command; the applet answers it. */
        uint16_t sw = jcvm_select(s, ch, found, c, r);
        if (jcvm_selected(s, ch))
            s->chan[ch].selected =
                (sw == SW_CONDITIONS_OF_USE_NOT_SATISFIED && prev_app) ? prev : found;
        else
            s->chan[ch].selected = (prev_app || sw == SW_APPLET_SELECT_FAILED) ? 0 : prev;
        return sw;
    }
    if (prev_app) jcvm_deselect(s, ch);
    s->chan[ch].selected = found;
    if ((c->p2 & 0x0C) == 0x0C) return SW_NO_ERROR; /* no FCI asked for */
    seam_err e = sd_fci(s, found, r);
    return e == SEAM_OK ? SW_NO_ERROR : se_sw_of(e);
}

/* MANAGE CHANNEL (ISO 7816-4 §11.1.2). */
static uint16_t do_manage_channel(se *s, uint8_t ch, const apdu_cmd *c, se_resp *r)
{
    if (c->lc) return SW_WRONG_LENGTH;
    if (c->p1 == 0x00) {
        uint8_t n = c->p2;
        if (n == 0) {
            for (n = 1; n < SE_MAX_CHANNELS && s->chan[n].open; n++)
                ;
            if (n == SE_MAX_CHANNELS) return SW_LOGICAL_CHANNEL_NOT_SUPPORTED;
        } else if (n >= SE_MAX_CHANNELS) {
            return SW_LOGICAL_CHANNEL_NOT_SUPPORTED;
        } else if (s->chan[n].open) {
            return SW_INCORRECT_P1P2;
        }
        channel_open(s, n);
        if (c->p2 == 0) r->p[r->len++] = n;
        return SW_NO_ERROR;
    }
    if (c->p1 == 0x80) {
        uint8_t n = c->p2 ? c->p2 : ch;
        if (n == 0) return SW_INCORRECT_P1P2;
        if (n >= SE_MAX_CHANNELS || !s->chan[n].open) return SW_LOGICAL_CHANNEL_NOT_SUPPORTED;
        if (selected_is_app(s, n)) jcvm_deselect(s, n);
        channel_close(s, n);
        return SW_NO_ERROR;
    }
    return SW_INCORRECT_P1P2;
}

/* ---- dispatch ---- */

/* Commands the OS itself handles never arrive chained or under secure messaging. */
static bool os_command(const apdu_cmd *c, const apdu_cla *cl)
{
    if (cl->proprietary) return false;
    return c->ins == 0xA4 || c->ins == 0x70;
}

/* Appends a chained command's data; a chain longer than the largest data field is dropped. */
static bool chain_append(se_chain *k, const apdu_cmd *c)
{
    if (c->lc > APDU_MAX_DATA - k->len) {
        k->active = false;
        return false;
    }
    if (c->lc) memcpy(k->buf + k->len, c->data, c->lc);
    k->len += c->lc;
    return true;
}

static bool sm_ins_exempt(uint8_t ins)
{
    /* INITIALIZE UPDATE, INTERNAL and MUTUAL AUTHENTICATE start a new session without SM;
     * PERFORM SECURITY OPERATION brings the certificates for MUTUAL AUTHENTICATE (Amendment F).
     * (EXTERNAL AUTHENTICATE always carries SM, so a plain INS 82 is MUTUAL AUTHENTICATE.) */
    return ins == 0x50 || ins == 0x88 || ins == 0x82 || ins == 0x2A;
}

/* Processes one command (not GET RESPONSE) on channel ch; the response data (already
 * protected) is left in r, the SW returned. */
static uint16_t process(se *s, uint8_t ch, const apdu_cmd *c, const apdu_cla *cl, se_resp *r)
{
    se_chan *chan = &s->chan[ch];
    if (os_command(c, cl)) {
        if (cl->chaining) return SW_COMMAND_CHAINING_NOT_SUPPORTED;
        if (cl->secure_messaging) return SW_SECURE_MESSAGING_NOT_SUPPORTED;
        if (s->chain.active) s->chain.active = false;
        if (c->ins == 0xA4) return do_select(s, ch, c, r);
        return do_manage_channel(s, ch, c, r);
    }
    const se_reg_rec *app = chan->selected ? reg_get(s, chan->selected) : NULL;
    if (!app) return SW_APPLET_SELECT_FAILED;
    /* An applet's commands go to the Java Card runtime; its secure messaging is its own. */
    bool applet = app->kind == REG_KIND_APP;
    if (!applet && app->kind != REG_KIND_ISD && app->kind != REG_KIND_SSD)
        return SW_INS_NOT_SUPPORTED;
    if (applet && ((app->life_cycle & 0x80) || selected_app_stopped(s, ch))) {
        /* LOCKED while selected (SET STATUS on another channel), or the card became
         * CARD_LOCKED or TERMINATED while it was selected and it is not the Final Application:
         * 6985, the applet is not run (GP CS 2.3.1 §5.1.1.4-5, §5.3.2, §9.3.1; docs/ssd.md); a
         * SELECT of another application still works */
        if (s->chain.active && s->chain.channel == ch) s->chain.active = false;
        return SW_CONDITIONS_OF_USE_NOT_SATISFIED;
    }

    /* 1. secure messaging, per command (security domains only) */
    apdu_cmd plain = *c;
    bool secured = false;
    if (applet) {
        /* nothing: the applet sees the command as sent */
    } else if (chan->sc_state == SC_AUTHENTICATED) {
        if (cl->secure_messaging) {
            uint16_t sw = sd_unwrap(s, ch, c, &plain);
            if (sw) {
                s->chain.active = false;
                return sw;
            }
            secured = true;
        } else if (sd_requires_sm(s, ch) && !sm_ins_exempt(c->ins)) {
            /* Amendment D §6.2.4 / GP CS §10.?: an unprotected command where the session
             * requires protection is rejected and the session ends. */
            sd_session_end(s, ch);
            s->chain.active = false;
            return SW_SECURITY_STATUS_NOT_SATISFIED;
        }
    } else if (cl->secure_messaging && c->ins != 0x82) {
        /* SM indicated but no session to check it with (EXTERNAL AUTHENTICATE is exempt: it
         * carries the session's first C-MAC). */
        s->chain.active = false;
        return SW_SECURITY_STATUS_NOT_SATISFIED;
    }

    /* 2. command chaining (ISO 7816-4 §5.1.1.1), on plain commands */
    se_chain *k = &s->chain;
    if (k->active &&
        (k->channel != ch || k->ins != plain.ins || k->p1 != plain.p1 || k->p2 != plain.p2)) {
        k->active = false;
        return SW_LAST_COMMAND_EXPECTED;
    }
    uint16_t sw;
    if (applet) {
        /* Java Card: the applet sees each command of a chain as it comes, CLA b5 included
         * (APDU.isCommandChainingCLA), and reassembles the chain itself. */
        sw = jcvm_process(s, ch, &plain, r);
        goto wrap;
    }
    if (cl->chaining) {
        if (plain.ins == 0x50 || plain.ins == 0x82) {
            sw = SW_COMMAND_CHAINING_NOT_SUPPORTED;
            goto wrap;
        }
        if (!k->active) {
            k->active = true;
            k->channel = ch;
            k->ins = plain.ins;
            k->p1 = plain.p1;
            k->p2 = plain.p2;
            k->cla = plain.cla;
            k->len = 0;
        }
        sw = chain_append(k, &plain) ? SW_NO_ERROR : SW_WRONG_LENGTH;
        goto wrap;
    }
    if (k->active) {
        if (!chain_append(k, &plain)) {
            sw = SW_WRONG_LENGTH;
            goto wrap;
        }
        k->active = false;
        plain.data = k->len ? k->buf : NULL;
        plain.lc = k->len;
        plain.extended = plain.extended || k->len > 255;
    }

    /* 3. the application */
    sw = sd_process(s, ch, &plain, secured, r);

wrap:
    /* 4. protect the response under the session the command arrived under */
    if (r->len > chan->pending_hwm) chan->pending_hwm = r->len;
    if (secured && chan->sc_state == SC_AUTHENTICATED && store_alive(s->st)) {
        seam_err e = sd_wrap(s, ch, r, sw);
        if (e != SEAM_OK) {
            r->len = 0;
            return SW_UNKNOWN;
        }
    }
    return sw;
}

/* Sends the next part of the channel's pending response: at most ne bytes. */
static seam_err deliver(se *s, uint8_t ch, size_t ne, uint8_t *resp, size_t cap, size_t *rlen)
{
    se_chan *chan = &s->chan[ch];
    size_t left = chan->pending_len - chan->pending_off;
    size_t n = left < ne ? left : ne;
    if (n > cap - 2) n = cap - 2;
    memcpy(resp, chan->pending + chan->pending_off, n);
    chan->pending_off += n;
    left -= n;
    uint16_t sw;
    if (left == 0) {
        sw = chan->pending_sw;
        chan->pending_len = chan->pending_off = 0;
    } else {
        sw = (uint16_t)(SW_BYTES_REMAINING_00 | (left > 255 ? 0 : left));
    }
    resp[n] = (uint8_t)(sw >> 8);
    resp[n + 1] = (uint8_t)sw;
    *rlen = n + 2;
    return SEAM_OK;
}

static seam_err answer_sw(uint16_t sw, uint8_t *resp, size_t *rlen)
{
    resp[0] = (uint8_t)(sw >> 8);
    resp[1] = (uint8_t)sw;
    *rlen = 2;
    return SEAM_OK;
}

seam_err se_transmit(se *s, const uint8_t *cmd, size_t cmd_len, uint8_t *resp, size_t resp_cap,
                     size_t *resp_len)
{
    if (!s || !resp || !resp_len || resp_cap < 2) return SEAM_E_ARG;
    if (s->muted) return s->mute_reason;
    apdu_cmd c;
    if (!cmd || apdu_parse(cmd, cmd_len, &c) != SEAM_OK)
        return answer_sw(SW_WRONG_LENGTH, resp, resp_len);
    apdu_cla cl;
    if (apdu_cla_decode(c.cla, &cl) != SEAM_OK)
        return answer_sw(SW_CLA_NOT_SUPPORTED, resp, resp_len);
    if (cl.channel >= SE_MAX_CHANNELS || !s->chan[cl.channel].open)
        return answer_sw(SW_LOGICAL_CHANNEL_NOT_SUPPORTED, resp, resp_len);
    uint8_t ch = cl.channel;
    se_chan *chan = &s->chan[ch];
    /* Ne: a command without Le still gets its data, as T=1 cards do (ISO 7816-3 leaves no
     * room to ask again), up to the short or extended maximum. */
    size_t ne = c.has_le ? c.le : (c.extended ? 65536 : 256);

    /* GET RESPONSE (ISO 7816-4 §11.1.3). With nothing of the OS pending, an applet selected
     * on the channel gets it: applets chain their own responses with 61xx under T=1. */
    if (c.ins == 0xC0 && !cl.proprietary) {
        const se_reg_rec *sel = chan->selected ? reg_get(s, chan->selected) : NULL;
        if (chan->pending_len || !sel || sel->kind != REG_KIND_APP) {
            if (c.p1 || c.p2) return answer_sw(SW_INCORRECT_P1P2, resp, resp_len);
            if (c.lc) return answer_sw(SW_WRONG_LENGTH, resp, resp_len);
            if (chan->pending_len == 0)
                return answer_sw(SW_CONDITIONS_OF_USE_NOT_SATISFIED, resp, resp_len);
            return deliver(s, ch, ne, resp, resp_cap, resp_len);
        }
    }
    chan->pending_len = chan->pending_off = 0;

    /* The response is built straight into the channel's pending buffer, leaving room for the
     * secure channel's padding and R-MAC. */
    se_resp r = {chan->pending, SE_RESP_APP_MAX, 0};
    uint16_t sw = process(s, ch, &c, &cl, &r);
    if (r.len > chan->pending_hwm) chan->pending_hwm = r.len;
    if (!store_alive(s->st)) {
        /* The power was cut under this command: nothing more is said. */
        se_mute(s, SEAM_E_TORN);
        seam_wipe(chan->pending, r.len);
        return SEAM_E_TORN;
    }
    if (s->muted) {
        seam_wipe(chan->pending, r.len);
        return s->mute_reason;
    }
    chan->pending_len = r.len;
    chan->pending_off = 0;
    chan->pending_sw = sw;
    return deliver(s, ch, ne, resp, resp_cap, resp_len);
}
