/*
 * Natives of javacard.framework (Java Card 3.0.5 API; jc/api/README.md lists which methods are
 * native): JCSystem, Util, APDU (bound to the I/O state machine of src/se/jcvm/apduio.c),
 * Applet, the throwIt of every exception class, and OwnerPIN's private verify.
 *
 * Invariants: a native checks the firewall for every array it is given (the caller's context,
 * jv_cur_ctx) and every bound before it changes anything; arrayCopy and setShort are atomic
 * (their own store transaction unless one is open: JCRE §7.7); arrayCopyNonAtomic and
 * arrayFillNonAtomic never use the transaction, even when one is open (API Util: "does not use
 * the transaction facility ... even if a transaction is in progress"): persistent bytes go
 * through store_write_nontx. OwnerPIN.verify decrements the try counter durably and outside
 * any open transaction (store_write_nontx) BEFORE it compares, compares in constant time
 * (seam_ct_equal), and restores the counter the same way on success (API OwnerPIN: "even if a
 * transaction is in progress, update of internal state shall not participate in the
 * transaction"), so neither abortTransaction nor a power cut gives a try back.
 */
#include <string.h>

#include "se/jcapi/gp_natives.h"
#include "se/jcapi/jcsec.h"
#include "se/jcapi/trust_natives.h"
#include "se/jcvm/jv_int.h"

#define NATIVE(name) static int name(jv_vm *vm, jv_method *m, jv_slot *a, jv_slot *ret)
#define UNUSED_ARGS (void)vm, (void)m, (void)a, (void)ret

enum { TX_IN_PROGRESS = 1, TX_NOT_IN_PROGRESS = 2, TX_BUFFER_FULL = 3, TX_INTERNAL = 4 };
enum {
    SYS_ILLEGAL_VALUE = 1,
    SYS_NO_TRANSIENT_SPACE = 2,
    SYS_ILLEGAL_TRANSIENT = 3,
    SYS_ILLEGAL_AID = 4,
    SYS_NO_RESOURCE = 5,
    SYS_ILLEGAL_USE = 6
};

/* A byte array argument the caller's context may use; -1 with an exception otherwise. */
static int byte_array(jv_vm *vm, jv_ref r, jv_obj *o)
{
    if (jv_decode(vm, r, o)) return jv_throw(vm, JV_EX_NPE, 0);
    if (!jv_fw_access(o, jv_cur_ctx(vm))) return jv_throw(vm, JV_EX_SECURITY, 0);
    if (o->kind != JV_K_BYTE && o->kind != JV_K_BOOL) return jv_throw(vm, JV_EX_SECURITY, 0);
    return 0;
}

static bool range_ok(const jv_obj *o, int32_t off, int32_t len)
{
    return off >= 0 && len >= 0 && (int64_t)off + len <= (int64_t)o->len;
}

/* ---- throwIt of every exception class ---- */

NATIVE(n_throw_it)
{
    (void)ret;
    return jv_throw_class(vm, m->cls, (int16_t)a[0]);
}

/* ---- JCSystem ---- */

NATIVE(n_is_transient)
{
    (void)m;
    jv_obj o;
    *ret = 0;
    if (jv_decode(vm, (jv_ref)a[0], &o)) return 0;
    *ret = o.event;
    return 0;
}

static int make_transient(jv_vm *vm, uint8_t kind, jv_class *elem, jv_slot *a, jv_slot *ret)
{
    int32_t len = (int16_t)a[0];
    int8_t ev = (int8_t)a[1];
    if (ev != JV_CLEAR_ON_RESET && ev != JV_CLEAR_ON_DESELECT)
        return jv_throw(vm, JV_EX_SYSTEM, SYS_ILLEGAL_VALUE);
    uint32_t ctx = jv_cur_ctx(vm);
    jv_ref r;
    if (jv_new_array(vm, ctx, kind, elem, len, (uint8_t)ev, &r)) return -1;
    *ret = (jv_slot)r;
    return 0;
}

NATIVE(n_mk_bool)
{
    (void)m;
    return make_transient(vm, JV_K_BOOL, NULL, a, ret);
}
NATIVE(n_mk_byte)
{
    (void)m;
    return make_transient(vm, JV_K_BYTE, NULL, a, ret);
}
NATIVE(n_mk_short)
{
    (void)m;
    return make_transient(vm, JV_K_SHORT, NULL, a, ret);
}
NATIVE(n_mk_obj)
{
    (void)m;
    return make_transient(vm, JV_K_REF, vm->c_object, a, ret);
}

static jv_ref aid_ref(store_id reg)
{
    return reg ? (JV_REF_AID | reg) : 0;
}

NATIVE(n_get_aid)
{
    (void)m, (void)a;
    *ret = (jv_slot)aid_ref(jv_app_of_ctx(vm, jv_cur_ctx(vm)));
    return 0;
}

NATIVE(n_lookup_aid)
{
    (void)m;
    jv_obj o;
    *ret = 0;
    if (byte_array(vm, (jv_ref)a[0], &o)) return -1;
    int32_t off = (int16_t)a[1], len = (int8_t)a[2];
    if (!range_ok(&o, off, len)) return jv_throw(vm, JV_EX_AIOOBE, 0);
    if (len < 5 || len > 16) return 0;
    store_id id = reg_find(vm->s, jv_bytes(&o) + off, (size_t)len, false, 0, false);
    const se_reg_rec *r = id ? reg_get(vm->s, id) : NULL;
    if (r && r->kind == REG_KIND_APP && seam_be32(r->obj_id)) *ret = (jv_slot)aid_ref(id);
    return 0;
}

NATIVE(n_begin_tx)
{
    UNUSED_ARGS;
    if (vm->tx_depth) return jv_throw(vm, JV_EX_TRANSACTION, TX_IN_PROGRESS);
    if (!vm->outer_tx && store_tx_begin(vm->s->st))
        return jv_throw(vm, JV_EX_TRANSACTION, TX_INTERNAL);
    vm->tx_depth = 1;
    return 0;
}

NATIVE(n_abort_tx)
{
    UNUSED_ARGS;
    if (!vm->tx_depth) return jv_throw(vm, JV_EX_TRANSACTION, TX_NOT_IN_PROGRESS);
    if (vm->outer_tx) return jv_throw(vm, JV_EX_TRANSACTION, TX_INTERNAL);
    store_tx_abort(vm->s->st);
    vm->tx_depth = 0;
    jv_recount(vm);
    return 0;
}

NATIVE(n_commit_tx)
{
    UNUSED_ARGS;
    if (!vm->tx_depth) return jv_throw(vm, JV_EX_TRANSACTION, TX_NOT_IN_PROGRESS);
    vm->tx_depth = 0;
    if (vm->outer_tx) return 0;
    seam_err e = store_tx_commit(vm->s->st);
    if (e) {
        vm->fatal = true;
        return jv_throw(vm, JV_EX_TRANSACTION, TX_INTERNAL);
    }
    return 0;
}

NATIVE(n_tx_depth)
{
    (void)m, (void)a;
    *ret = vm->tx_depth;
    return 0;
}

static int32_t cap_short(size_t v)
{
    return v > 32767 ? 32767 : (int32_t)v;
}

/* The commit capacity is the store's undo log: a quarter of the capacity (store.c). */
NATIVE(n_max_commit)
{
    (void)m, (void)a;
    *ret = cap_short(store_capacity(vm->s->st) / 4);
    return 0;
}

NATIVE(n_unused_commit)
{
    (void)m, (void)a;
    *ret = cap_short(store_capacity(vm->s->st) / 4);
    return 0;
}

NATIVE(n_prev_ctx_aid)
{
    (void)m, (void)a;
    *ret = 0;
    uint32_t cur = jv_cur_ctx(vm);
    for (int i = vm->nframes - 1; i >= 0; i--)
        if (vm->frames[i].ctx != cur) {
            uint32_t prev = vm->frames[i].ctx;
            if (prev != JV_CTX_JCRE) *ret = (jv_slot)aid_ref(jv_app_of_ctx(vm, prev));
            break;
        }
    return 0;
}

NATIVE(n_avail_mem)
{
    (void)m;
    int8_t t = (int8_t)a[0];
    if (t == 0) {
        jv_pkg *p = jv_pkg_of_ctx(vm, jv_cur_ctx(vm));
        size_t used = p ? p->used : 0;
        size_t left = store_capacity(vm->s->st) - store_used(vm->s->st);
        size_t q = vm->quota > used ? vm->quota - used : 0;
        *ret = cap_short(q < left ? q : left);
    } else if (t == 1 || t == 2) {
        *ret = cap_short(64u * 1024u - vm->trans_bytes);
    } else {
        return jv_throw(vm, JV_EX_SYSTEM, SYS_ILLEGAL_VALUE);
    }
    return 0;
}

/* The AID bytes of an AID object (any context: AIDs are read as the JCRE). */
static const uint8_t *aid_bytes(jv_vm *vm, jv_ref aid, size_t *len)
{
    jv_obj o, b;
    if (jv_decode(vm, aid, &o) || o.kind != JV_K_INST || !jv_subclass(o.cls, vm->c_aid) ||
        vm->slot_aid_bytes >= o.len)
        return NULL;
    if (jv_decode(vm, (jv_ref)jv_elem_get(&o, vm->slot_aid_bytes), &b) || b.kind != JV_K_BYTE)
        return NULL;
    *len = b.len;
    return jv_bytes(&b);
}

static store_id app_by_aid_obj(jv_vm *vm, jv_ref aid)
{
    size_t len;
    const uint8_t *p = aid_bytes(vm, aid, &len);
    if (!p || len < 5 || len > 16) return 0;
    uint8_t tmp[16];
    memcpy(tmp, p, len);
    store_id id = reg_find(vm->s, tmp, len, false, 0, false);
    const se_reg_rec *r = id ? reg_get(vm->s, id) : NULL;
    return r && r->kind == REG_KIND_APP && seam_be32(r->obj_id) ? id : 0;
}

NATIVE(n_get_sio)
{
    (void)m;
    *ret = 0;
    store_id srv = app_by_aid_obj(vm, (jv_ref)a[0]);
    if (!srv) return 0;
    const se_reg_rec *r = reg_get(vm->s, srv);
    jv_ref applet = seam_be32(r->obj_id);
    jv_obj o;
    if (jv_decode(vm, applet, &o) || o.kind != JV_K_INST) return 0;
    jv_method *gm = jv_vt_lookup(o.cls, vm->sel_getsio);
    if (!gm) return 0;
    uint32_t cur = jv_cur_ctx(vm);
    store_id client = jv_app_of_ctx(vm, cur);
    jv_slot args[3] = {(jv_slot)applet, (jv_slot)aid_ref(client), (int8_t)a[1]};
    store_id save = vm->cur_app;
    vm->cur_app = srv;
    jv_slot res = 0;
    int rc = jv_invoke(vm, gm, args, o.owner, &res);
    vm->cur_app = save;
    if (rc) return -1;
    if (res) {
        jv_obj so;
        if (jv_decode(vm, (jv_ref)res, &so) || so.kind != JV_K_INST || !so.cls->shareable)
            return jv_throw(vm, JV_EX_SECURITY, 0);
    }
    *ret = res;
    return 0;
}

NATIVE(n_deletion_supported)
{
    (void)vm, (void)m, (void)a;
    *ret = 1;
    return 0;
}

NATIVE(n_request_deletion)
{
    (void)m, (void)a, (void)ret;
    vm->gc_requested = true;
    vm->gc_ctx = jv_cur_ctx(vm);
    return 0;
}

NATIVE(n_assigned_channel)
{
    (void)m, (void)a;
    *ret = vm->cur_ch;
    return 0;
}

NATIVE(n_is_active)
{
    (void)m;
    *ret = 0;
    store_id id = app_by_aid_obj(vm, (jv_ref)a[0]);
    for (unsigned c = 0; id && c < SE_MAX_CHANNELS; c++)
        if (vm->chan[c].app_reg == id) *ret = 1;
    return 0;
}

/* ---- Util ---- */

/* Writes n bytes at off of a byte array outside any open transaction (non-atomic Util
 * methods): RAM arrays directly, persistent ones with store_write_nontx. */
static int bytes_set_nontx(jv_vm *vm, const jv_obj *o, uint32_t off, const uint8_t *src, uint32_t n)
{
    if (o->ram || !n) return jv_bytes_set(vm, o, off, src, n);
    if (o->flags & JV_F_RO) return jv_throw(vm, JV_EX_SECURITY, 0);
    seam_err e = store_write_nontx(vm->s->st, o->id, o->off + off, src, n);
    if (e) {
        vm->fatal = true;
        return jv_throw(vm, JV_EX_SYSTEM, SYS_NO_RESOURCE);
    }
    return 0;
}

static int copy(jv_vm *vm, jv_slot *a, jv_slot *ret, bool atomic)
{
    jv_obj s, d;
    if (byte_array(vm, (jv_ref)a[0], &s) || byte_array(vm, (jv_ref)a[2], &d)) return -1;
    int32_t so = (int16_t)a[1], dof = (int16_t)a[3], len = (int16_t)a[4];
    if (!range_ok(&s, so, len) || !range_ok(&d, dof, len)) return jv_throw(vm, JV_EX_AIOOBE, 0);
    store *st = vm->s->st;
    bool own = atomic && !d.ram && !store_in_tx(st);
    if (own && store_tx_begin(st)) return jv_throw(vm, JV_EX_TRANSACTION, TX_INTERNAL);
    int rc = atomic ? jv_bytes_set(vm, &d, (uint32_t)dof, jv_bytes(&s) + so, (uint32_t)len)
                    : bytes_set_nontx(vm, &d, (uint32_t)dof, jv_bytes(&s) + so, (uint32_t)len);
    if (own) {
        if (rc)
            store_tx_abort(st);
        else if (store_tx_commit(st)) {
            vm->fatal = true;
            return jv_throw(vm, JV_EX_TRANSACTION, TX_INTERNAL);
        }
    }
    if (rc) return -1;
    *ret = dof + len;
    return 0;
}

NATIVE(n_array_copy)
{
    (void)m;
    return copy(vm, a, ret, true);
}

NATIVE(n_array_copy_na)
{
    (void)m;
    return copy(vm, a, ret, false);
}

NATIVE(n_array_fill)
{
    (void)m;
    jv_obj o;
    if (byte_array(vm, (jv_ref)a[0], &o)) return -1;
    int32_t off = (int16_t)a[1], len = (int16_t)a[2];
    if (!range_ok(&o, off, len)) return jv_throw(vm, JV_EX_AIOOBE, 0);
    uint8_t buf[256];
    memset(buf, (uint8_t)a[3], sizeof buf);
    for (int32_t k = 0; k < len;) {
        int32_t n = len - k > 256 ? 256 : len - k;
        if (bytes_set_nontx(vm, &o, (uint32_t)(off + k), buf, (uint32_t)n)) return -1;
        k += n;
    }
    *ret = off + len;
    return 0;
}

NATIVE(n_array_compare)
{
    (void)m;
    jv_obj s, d;
    if (byte_array(vm, (jv_ref)a[0], &s) || byte_array(vm, (jv_ref)a[2], &d)) return -1;
    int32_t so = (int16_t)a[1], dof = (int16_t)a[3], len = (int16_t)a[4];
    if (!range_ok(&s, so, len) || !range_ok(&d, dof, len)) return jv_throw(vm, JV_EX_AIOOBE, 0);
    const uint8_t *x = jv_bytes(&s) + so, *y = jv_bytes(&d) + dof;
    int r = 0;
    for (int32_t i = 0; i < len && !r; i++)
        if (x[i] != y[i]) r = (int8_t)x[i] < (int8_t)y[i] ? -1 : 1;
    *ret = r;
    return 0;
}

NATIVE(n_set_short)
{
    (void)m;
    jv_obj o;
    if (byte_array(vm, (jv_ref)a[0], &o)) return -1;
    int32_t off = (int16_t)a[1];
    if (!range_ok(&o, off, 2)) return jv_throw(vm, JV_EX_AIOOBE, 0);
    uint8_t b[2] = {(uint8_t)(a[2] >> 8), (uint8_t)a[2]};
    if (jv_bytes_set(vm, &o, (uint32_t)off, b, 2)) return -1;
    *ret = off + 2;
    return 0;
}

/* ---- Applet ---- */

static int do_register(jv_vm *vm, jv_ref applet)
{
    if (!vm->installing || vm->registered) return jv_throw(vm, JV_EX_SYSTEM, SYS_ILLEGAL_AID);
    jv_obj o;
    if (jv_decode(vm, applet, &o) || o.owner != jv_cur_ctx(vm))
        return jv_throw(vm, JV_EX_SYSTEM, SYS_ILLEGAL_AID);
    uint8_t b[4];
    seam_put_be32(b, applet);
    if (store_write(vm->s->st, vm->installing, offsetof(se_reg_rec, obj_id), b, 4))
        return jv_throw(vm, JV_EX_SYSTEM, SYS_NO_RESOURCE);
    vm->registered = true;
    vm->new_applet = applet;
    return 0;
}

NATIVE(n_register)
{
    (void)m, (void)ret;
    return do_register(vm, (jv_ref)a[0]);
}

NATIVE(n_register_aid)
{
    (void)m, (void)ret;
    jv_obj o;
    if (byte_array(vm, (jv_ref)a[1], &o)) return -1;
    int32_t off = (int16_t)a[2], len = (int8_t)a[3];
    if (!range_ok(&o, off, len)) return jv_throw(vm, JV_EX_AIOOBE, 0);
    if (len < 5 || len > 16 || (size_t)len != vm->inst_aid_len ||
        memcmp(jv_bytes(&o) + off, vm->inst_aid, (size_t)len))
        return jv_throw(vm, JV_EX_SYSTEM, SYS_ILLEGAL_AID);
    return do_register(vm, (jv_ref)a[0]);
}

NATIVE(n_selecting)
{
    (void)m, (void)a;
    *ret = vm->selecting;
    return 0;
}

/* ---- APDU ---- */

static int apdu_rc(jv_vm *vm, int e)
{
    return e ? jv_throw(vm, JV_EX_APDU, e) : 0;
}

NATIVE(n_apdu_buffer)
{
    (void)m, (void)a;
    *ret = (jv_slot)vm->apdu_buf;
    return 0;
}
NATIVE(n_in_block)
{
    (void)vm, (void)m, (void)a;
    *ret = 254;
    return 0;
}
NATIVE(n_out_block)
{
    (void)vm, (void)m, (void)a;
    *ret = 254;
    return 0;
}
NATIVE(n_protocol)
{
    (void)vm, (void)m, (void)a;
    *ret = 1; /* T=1, default media */
    return 0;
}
NATIVE(n_nad)
{
    (void)vm, (void)m, (void)a;
    *ret = 0;
    return 0;
}
NATIVE(n_set_outgoing)
{
    (void)m, (void)a;
    int32_t ne = 0;
    int e = apduio_set_outgoing(vm->io, false, &ne);
    *ret = ne;
    return apdu_rc(vm, e);
}
NATIVE(n_set_outgoing_nc)
{
    (void)m, (void)a;
    int32_t ne = 0;
    int e = apduio_set_outgoing(vm->io, true, &ne);
    *ret = ne;
    return apdu_rc(vm, e);
}
NATIVE(n_set_outgoing_len)
{
    (void)m, (void)ret;
    return apdu_rc(vm, apduio_set_outgoing_length(vm->io, (int16_t)a[1]));
}
NATIVE(n_receive_bytes)
{
    (void)m;
    int32_t got = 0;
    int e = apduio_receive_bytes(vm->io, (int16_t)a[1], &got);
    *ret = got;
    return apdu_rc(vm, e);
}
NATIVE(n_set_incoming)
{
    (void)m, (void)a;
    int32_t got = 0;
    int e = apduio_set_incoming_and_receive(vm->io, &got);
    *ret = got;
    return apdu_rc(vm, e);
}
NATIVE(n_send_bytes)
{
    (void)m, (void)ret;
    return apdu_rc(vm, apduio_send_bytes(vm->io, (int16_t)a[1], (int16_t)a[2]));
}
NATIVE(n_send_bytes_long)
{
    (void)m, (void)ret;
    jv_obj o;
    if (byte_array(vm, (jv_ref)a[1], &o)) return -1;
    return apdu_rc(vm, apduio_send_bytes_long(vm->io, jv_bytes(&o), (int32_t)o.len, (int16_t)a[2],
                                              (int16_t)a[3]));
}
NATIVE(n_set_outgoing_send)
{
    (void)m, (void)ret;
    return apdu_rc(vm, apduio_set_outgoing_and_send(vm->io, (int16_t)a[1], (int16_t)a[2]));
}
NATIVE(n_apdu_state)
{
    (void)m, (void)a;
    *ret = vm->io->state;
    return 0;
}
NATIVE(n_current_apdu)
{
    (void)m, (void)a;
    if (!vm->io->r) return jv_throw(vm, JV_EX_SECURITY, 0);
    *ret = (jv_slot)vm->apdu_obj;
    return 0;
}
NATIVE(n_current_buffer)
{
    (void)m, (void)a;
    if (!vm->io->r) return jv_throw(vm, JV_EX_SECURITY, 0);
    *ret = (jv_slot)vm->apdu_buf;
    return 0;
}
NATIVE(n_cla_channel)
{
    (void)m, (void)a;
    *ret = vm->io->channel;
    return 0;
}
NATIVE(n_wait_ext)
{
    (void)m, (void)a, (void)ret;
    if (!vm->io->r) return jv_throw(vm, JV_EX_APDU, APDUIO_E_ILLEGAL_USE);
    return 0;
}
NATIVE(n_is_chaining)
{
    (void)m, (void)a;
    *ret = (vm->io->buf[0] & 0x10) != 0 && (vm->io->buf[0] & 0x40) == 0 ? 1 : 0;
    if (vm->io->buf[0] & 0x40) *ret = (vm->io->buf[0] & 0x10) != 0;
    return 0;
}
NATIVE(n_is_sm)
{
    (void)m, (void)a;
    uint8_t cla = vm->io->buf[0];
    *ret = (cla & 0x40) ? (cla & 0x20) != 0 : (cla & 0x0C) != 0;
    return 0;
}
NATIVE(n_is_iso)
{
    (void)m, (void)a;
    *ret = (vm->io->buf[0] & 0x80) == 0;
    return 0;
}
NATIVE(n_incoming_len)
{
    (void)m, (void)a;
    int32_t v = 0;
    int e = apduio_incoming_length(vm->io, &v);
    *ret = v;
    return apdu_rc(vm, e);
}
NATIVE(n_offset_cdata)
{
    (void)m, (void)a;
    int32_t v = 0;
    int e = apduio_offset_cdata(vm->io, &v);
    *ret = v;
    return apdu_rc(vm, e);
}

/* ---- OwnerPIN ---- */

/* Writes OwnerPIN.triesLeft (a byte field: one 4-byte little-endian slot) outside any open
 * transaction. */
static int pin_set_tries(jv_vm *vm, const jv_obj *pin, int32_t v)
{
    if (pin->ram) return jv_elem_set(vm, pin, vm->slot_pin_tries, (int8_t)v);
    uint32_t u = (uint32_t)(int32_t)(int8_t)v;
    uint8_t b[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
    seam_err e = store_write_nontx(vm->s->st, pin->id, pin->off + 4u * vm->slot_pin_tries, b, 4);
    if (e) {
        vm->fatal = true;
        return jv_throw(vm, JV_EX_SYSTEM, SYS_NO_RESOURCE);
    }
    return 0;
}

NATIVE(n_pin_verify)
{
    (void)m;
    *ret = 0;
    jv_obj pin;
    if (jv_decode(vm, (jv_ref)a[0], &pin) || pin.kind != JV_K_INST)
        return jv_throw(vm, JV_EX_NPE, 0);
    if (vm->slot_pin_tries >= pin.len || vm->slot_pin_pin >= pin.len)
        return jv_throw(vm, JV_EX_SECURITY, 0);
    int32_t tries = jv_elem_get(&pin, vm->slot_pin_tries);
    if (tries <= 0) return 0;
    /* the candidate is checked before anything changes (a bad argument costs no try) */
    jv_obj cand, val;
    if (byte_array(vm, (jv_ref)a[1], &cand)) return -1;
    int32_t off = (int16_t)a[2], len = (int8_t)a[3];
    if (!range_ok(&cand, off, len)) return jv_throw(vm, JV_EX_AIOOBE, 0);
    /* decrement first, durably and outside any open transaction */
    if (pin_set_tries(vm, &pin, tries - 1)) return -1;
    if (jv_decode(vm, (jv_ref)a[0], &pin) || jv_decode(vm, (jv_ref)a[1], &cand))
        return jv_throw(vm, JV_EX_NPE, 0);
    if (jv_decode(vm, (jv_ref)jv_elem_get(&pin, vm->slot_pin_pin), &val)) return 0;
    int32_t plen = jv_elem_get(&pin, vm->slot_pin_len);
    if (plen < 0 || (uint32_t)plen > val.len) return 0;
    bool eq = len == plen;
    uint8_t x[128] = {0}, y[128] = {0};
    size_t n = (size_t)(plen > 128 ? 128 : plen);
    memcpy(x, jv_bytes(&val), n);
    memcpy(y, jv_bytes(&cand) + off, (size_t)len < n ? (size_t)len : n);
    bool same = seam_ct_equal(x, y, n);
    seam_wipe(x, sizeof x);
    seam_wipe(y, sizeof y);
    if (!(eq && same)) return 0;
    if (pin_set_tries(vm, &pin, jv_elem_get(&pin, vm->slot_pin_try_limit))) return -1;
    *ret = 1;
    return 0;
}

#define FW "javacard/framework/"
const jv_native_def jv_natives[] = {
    {FW "CardException", "throwIt", "(S)V", n_throw_it},
    {FW "CardRuntimeException", "throwIt", "(S)V", n_throw_it},
    {FW "ISOException", "throwIt", "(S)V", n_throw_it},
    {FW "APDUException", "throwIt", "(S)V", n_throw_it},
    {FW "SystemException", "throwIt", "(S)V", n_throw_it},
    {FW "TransactionException", "throwIt", "(S)V", n_throw_it},
    {FW "PINException", "throwIt", "(S)V", n_throw_it},
    {FW "UserException", "throwIt", "(S)V", n_throw_it},
    {FW "JCSystem", "isTransient", "(Ljava/lang/Object;)B", n_is_transient},
    {FW "JCSystem", "makeTransientBooleanArray", "(SB)[Z", n_mk_bool},
    {FW "JCSystem", "makeTransientByteArray", "(SB)[B", n_mk_byte},
    {FW "JCSystem", "makeTransientShortArray", "(SB)[S", n_mk_short},
    {FW "JCSystem", "makeTransientObjectArray", "(SB)[Ljava/lang/Object;", n_mk_obj},
    {FW "JCSystem", "getAID", "()Ljavacard/framework/AID;", n_get_aid},
    {FW "JCSystem", "lookupAID", "([BSB)Ljavacard/framework/AID;", n_lookup_aid},
    {FW "JCSystem", "beginTransaction", "()V", n_begin_tx},
    {FW "JCSystem", "abortTransaction", "()V", n_abort_tx},
    {FW "JCSystem", "commitTransaction", "()V", n_commit_tx},
    {FW "JCSystem", "getTransactionDepth", "()B", n_tx_depth},
    {FW "JCSystem", "getUnusedCommitCapacity", "()S", n_unused_commit},
    {FW "JCSystem", "getMaxCommitCapacity", "()S", n_max_commit},
    {FW "JCSystem", "getPreviousContextAID", "()Ljavacard/framework/AID;", n_prev_ctx_aid},
    {FW "JCSystem", "getAvailableMemory", "(B)S", n_avail_mem},
    {FW "JCSystem", "getAppletShareableInterfaceObject",
     "(Ljavacard/framework/AID;B)Ljavacard/framework/Shareable;", n_get_sio},
    {FW "JCSystem", "isObjectDeletionSupported", "()Z", n_deletion_supported},
    {FW "JCSystem", "requestObjectDeletion", "()V", n_request_deletion},
    {FW "JCSystem", "getAssignedChannel", "()B", n_assigned_channel},
    {FW "JCSystem", "isAppletActive", "(Ljavacard/framework/AID;)Z", n_is_active},
    {FW "Util", "arrayCopy", "([BS[BSS)S", n_array_copy},
    {FW "Util", "arrayCopyNonAtomic", "([BS[BSS)S", n_array_copy_na},
    {FW "Util", "arrayFillNonAtomic", "([BSSB)S", n_array_fill},
    {FW "Util", "arrayCompare", "([BS[BSS)B", n_array_compare},
    {FW "Util", "setShort", "([BSS)S", n_set_short},
    {FW "Applet", "register", "()V", n_register},
    {FW "Applet", "register", "([BSB)V", n_register_aid},
    {FW "Applet", "selectingApplet", "()Z", n_selecting},
    {FW "APDU", "getBuffer", "()[B", n_apdu_buffer},
    {FW "APDU", "getInBlockSize", "()S", n_in_block},
    {FW "APDU", "getOutBlockSize", "()S", n_out_block},
    {FW "APDU", "getProtocol", "()B", n_protocol},
    {FW "APDU", "getNAD", "()B", n_nad},
    {FW "APDU", "setOutgoing", "()S", n_set_outgoing},
    {FW "APDU", "setOutgoingNoChaining", "()S", n_set_outgoing_nc},
    {FW "APDU", "setOutgoingLength", "(S)V", n_set_outgoing_len},
    {FW "APDU", "receiveBytes", "(S)S", n_receive_bytes},
    {FW "APDU", "setIncomingAndReceive", "()S", n_set_incoming},
    {FW "APDU", "sendBytes", "(SS)V", n_send_bytes},
    {FW "APDU", "sendBytesLong", "([BSS)V", n_send_bytes_long},
    {FW "APDU", "setOutgoingAndSend", "(SS)V", n_set_outgoing_send},
    {FW "APDU", "getCurrentState", "()B", n_apdu_state},
    {FW "APDU", "getCurrentAPDU", "()Ljavacard/framework/APDU;", n_current_apdu},
    {FW "APDU", "getCurrentAPDUBuffer", "()[B", n_current_buffer},
    {FW "APDU", "getCLAChannel", "()B", n_cla_channel},
    {FW "APDU", "waitExtension", "()V", n_wait_ext},
    {FW "APDU", "isCommandChainingCLA", "()Z", n_is_chaining},
    {FW "APDU", "isSecureMessagingCLA", "()Z", n_is_sm},
    {FW "APDU", "isISOInterindustryCLA", "()Z", n_is_iso},
    {FW "APDU", "getIncomingLength", "()S", n_incoming_len},
    {FW "APDU", "getOffsetCdata", "()S", n_offset_cdata},
    {FW "OwnerPIN", "verify", "([BSB)Z", n_pin_verify},
    JCSEC_NATIVES /* javacard.security, javacardx.crypto: src/se/jcapi/jcsec.h */
    TRUST_NATIVES /* seam.trust: src/se/jcapi/trust_natives.c */
    GPAPI_NATIVES /* org.globalplatform: src/se/jcapi/gp_natives.c */
    {NULL, NULL, NULL, NULL},
};
