/*
 * The Java Card heap: decoding references (store objects, transient arrays, JCRE-owned RAM
 * objects), element and field access with Java Card atomicity (JCRE §7: one field or element
 * write is one store_write, atomic and durable, or part of the open transaction), allocation
 * with a per-context quota, transient arrays (JCRE §5) and object deletion (mark and sweep).
 *
 * Layouts are in jv_int.h. Invariants: a persistent object's header is written in the same
 * store commit group as its allocation, so an object is never seen half-made; allocation beyond
 * a context's quota (JV_QUOTA_DIV: a quarter of the store) or beyond the store throws
 * SystemException.NO_RESOURCE with the store unchanged; transient bytes in RAM are bounded by
 * JV_TRANSIENT_MAX (NO_TRANSIENT_SPACE beyond). RAM that belongs to a store object (a
 * transient array's elements, a crypto object's RAM block) never outlives it: it is wiped and
 * freed when the collector frees the object, and jv_recount drops whatever the store no longer
 * has (package deletion, aborted allocations), so a store id given again to a new object never
 * finds the old object's RAM. A key that an initialised crypto object refers to from its RAM
 * block is reachable (gc_ram_refs), so it is never freed while that object may use it.
 */
#include <stdlib.h>
#include <string.h>

#include "se/jcapi/jcsec.h"
#include "se/jcvm/jv_int.h"

#define JV_OBJ_OVERHEAD 16u /* accounting per object (store slot and record) */
#define JV_TRANSIENT_MAX (64u * 1024u)
#define ROUND8(n) (((n) + 7u) & ~(size_t)7u)

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}
static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static unsigned esize(uint8_t kind)
{
    switch (kind) {
    case JV_K_BOOL:
    case JV_K_BYTE: return 1;
    case JV_K_SHORT: return 2;
    default: return 4;
    }
}

static uint16_t type_of_kind(uint8_t kind)
{
    switch (kind) {
    case JV_K_BOOL: return JV_OBJ_ARR_BOOL;
    case JV_K_BYTE: return JV_OBJ_ARR_BYTE;
    case JV_K_SHORT: return JV_OBJ_ARR_SHORT;
    case JV_K_INT: return JV_OBJ_ARR_INT;
    case JV_K_REF: return JV_OBJ_ARR_REF;
    default: return JV_OBJ_INST;
    }
}

static jv_class *class_of(jv_vm *vm, uint32_t code)
{
    if (vm->last_cls && vm->last_code == code) return vm->last_cls;
    jv_class *c = jv_class_of_code(vm, code);
    if (c) {
        vm->last_code = code;
        vm->last_cls = c;
    }
    return c;
}

static jv_trans *trans_find(jv_vm *vm, store_id id)
{
    if (vm->trans_hit < vm->ntrans && vm->trans[vm->trans_hit].id == id)
        return &vm->trans[vm->trans_hit];
    for (size_t i = 0; i < vm->ntrans; i++)
        if (vm->trans[i].id == id) {
            vm->trans_hit = i;
            return &vm->trans[i];
        }
    return NULL;
}

static void trans_drop(jv_vm *vm, store_id id)
{
    for (size_t i = 0; i < vm->ntrans; i++)
        if (vm->trans[i].id == id) {
            seam_wipe(vm->trans[i].data, vm->trans[i].bytes);
            free(vm->trans[i].data);
            vm->trans_bytes -= vm->trans[i].bytes;
            vm->trans[i] = vm->trans[--vm->ntrans];
            return;
        }
}

static jv_trans *trans_make(jv_vm *vm, store_id id, uint32_t owner, uint8_t event, uint8_t kind,
                            uint32_t bytes)
{
    trans_drop(vm, id);
    if (vm->ntrans == vm->trans_cap) {
        size_t nc = vm->trans_cap ? vm->trans_cap * 2 : 32;
        jv_trans *n = realloc(vm->trans, nc * sizeof *n);
        if (!n) return NULL;
        vm->trans = n;
        vm->trans_cap = nc;
    }
    uint8_t *d = calloc(bytes ? bytes : 1, 1);
    if (!d) return NULL;
    vm->trans[vm->ntrans] = (jv_trans){id, owner, event, kind, bytes, d};
    vm->trans_bytes += bytes;
    return &vm->trans[vm->ntrans++];
}

int jv_decode(jv_vm *vm, jv_ref ref, jv_obj *o)
{
    if (!ref) return -1;
    memset(o, 0, sizeof *o);
    o->ref = ref;
    uint32_t tag = ref & JV_REF_TAG, low = ref & ~JV_REF_TAG;
    if (tag == JV_REF_TMP) {
        if (low >= JV_MAX_TMP || !vm->tmp[low].used) return -1;
        jv_tmp *t = &vm->tmp[low];
        o->kind = t->kind;
        o->flags = t->flags | JV_F_RAM;
        o->owner = JV_CTX_JCRE;
        o->cls = t->cls;
        o->len = t->len;
        o->ram = t->data;
        if (ref == vm->apdu_buf) o->len = vm->io->buf_len;
        return 0;
    }
    if (tag == JV_REF_AID || tag == JV_REF_AIDB) {
        const se_reg_rec *r = reg_get(vm->s, low);
        if (!r || !vm->c_aid) return -1;
        o->owner = JV_CTX_JCRE;
        if (tag == JV_REF_AID) {
            o->kind = JV_K_INST;
            o->flags = JV_F_RAM | JV_F_RO | JV_F_ENTRY;
            o->cls = vm->c_aid;
            o->len = vm->c_aid->ninst;
            if (o->len != 1) return -1;
            put_le32(o->inl, JV_REF_AIDB | low);
            o->ram = o->inl;
        } else {
            o->kind = JV_K_BYTE;
            o->flags = JV_F_RAM | JV_F_RO;
            o->len = r->aid_len > 16 ? 16 : r->aid_len;
            o->ram = (uint8_t *)(uintptr_t)r->aid;
        }
        return 0;
    }
    if (tag) return -1;
    uint32_t owner;
    uint16_t type;
    size_t size;
    if (store_info(vm->s->st, ref, &owner, &type, &size)) return -1;
    const uint8_t *v = store_view(vm->s->st, ref, NULL);
    o->id = ref;
    o->owner = owner;
    o->view = v;
    if (type == JV_OBJ_INST) {
        if (size < JV_INST_HDR) return -1;
        o->kind = JV_K_INST;
        o->cls = class_of(vm, le32(v));
        if (!o->cls) return -1;
        o->len = (uint32_t)((size - JV_INST_HDR) / 4);
        if (o->len < o->cls->ninst) return -1;
        o->off = JV_INST_HDR;
        return 0;
    }
    if (type < JV_OBJ_ARR_BOOL || type > JV_OBJ_ARR_REF || size < JV_ARR_HDR) return -1;
    o->kind = (uint8_t)(JV_K_BOOL + (type - JV_OBJ_ARR_BOOL));
    o->len = (uint32_t)v[4] | ((uint32_t)v[5] << 8);
    o->event = v[6];
    o->off = JV_ARR_HDR;
    if (o->kind == JV_K_REF) {
        o->cls = class_of(vm, le32(v));
        if (!o->cls) return -1;
    }
    uint32_t bytes = o->len * esize(o->kind);
    if (o->event) {
        jv_trans *t = trans_find(vm, ref);
        if (!t || t->bytes != bytes || t->kind != o->kind) {
            t = trans_make(vm, ref, owner, o->event, o->kind, bytes);
            if (!t) return -1;
        }
        o->ram = t->data;
        o->flags |= JV_F_RAM;
        /* JCRE 3.0.5 §6.1.6: only the selected applet's context may use its
         * CLEAR_ON_DESELECT arrays */
        if (o->event == JV_CLEAR_ON_DESELECT && owner != jv_sel_ctx(vm)) o->flags |= JV_F_NOSEL;
    } else if (size < JV_ARR_HDR + (size_t)bytes) {
        return -1;
    }
    return 0;
}

int32_t jv_elem_get(const jv_obj *o, uint32_t i)
{
    const uint8_t *b = o->ram ? o->ram : o->view + o->off;
    switch (o->kind) {
    case JV_K_BOOL:
    case JV_K_BYTE: return (int8_t)b[i];
    case JV_K_SHORT: return (int16_t)(uint16_t)(b[2 * i] | (b[2 * i + 1] << 8));
    default: return (int32_t)le32(b + 4 * i);
    }
}

const uint8_t *jv_bytes(const jv_obj *o)
{
    return o->ram ? o->ram : o->view + o->off;
}

static int store_err(jv_vm *vm, seam_err e)
{
    if (e == SEAM_E_FULL && store_in_tx(vm->s->st))
        return jv_throw(vm, JV_EX_TRANSACTION, 3 /* BUFFER_FULL */);
    if (e == SEAM_E_FULL) return jv_throw(vm, JV_EX_SYSTEM, 5 /* NO_RESOURCE */);
    vm->fatal = true;
    return jv_throw(vm, JV_EX_SYSTEM, 5);
}

int jv_bytes_set(jv_vm *vm, const jv_obj *o, uint32_t off, const uint8_t *src, uint32_t n)
{
    if (o->flags & JV_F_RO) return jv_throw(vm, JV_EX_SECURITY, 0);
    if (!n) return 0;
    if (o->ram) {
        memmove(o->ram + off, src, n);
        return 0;
    }
    seam_err e = store_write(vm->s->st, o->id, o->off + off, src, n);
    return e ? store_err(vm, e) : 0;
}

int jv_elem_set(jv_vm *vm, const jv_obj *o, uint32_t i, int32_t v)
{
    uint8_t b[4];
    unsigned n = o->kind == JV_K_INST ? 4 : esize(o->kind);
    put_le32(b, (uint32_t)v);
    if (o->kind == JV_K_BOOL) b[0] = v ? 1 : 0;
    return jv_bytes_set(vm, o, i * n, b, n);
}

jv_pkg *jv_pkg_of_ctx(jv_vm *vm, uint32_t ctx)
{
    for (jv_pkg *p = vm->pkgs; p; p = p->next)
        if (!p->rom && p->ctx == ctx) return p;
    return NULL;
}

static size_t charge(size_t size)
{
    return ROUND8(size) + JV_OBJ_OVERHEAD;
}

/* Allocates a store object with its header, atomically; throws on failure. */
static int alloc_obj(jv_vm *vm, uint32_t ctx, uint16_t type, size_t size, const uint8_t *hdr,
                     size_t hlen, store_id *out)
{
    store *st = vm->s->st;
    jv_pkg *p = ctx ? jv_pkg_of_ctx(vm, ctx) : NULL;
    if (p && p->used + charge(size) > vm->quota) return jv_throw(vm, JV_EX_SYSTEM, 5);
    bool own = !store_in_tx(st);
    if (own && store_tx_begin(st)) return store_err(vm, SEAM_E_TORN);
    seam_err e = store_alloc(st, ctx, type, size, out);
    if (!e) e = store_write(st, *out, 0, hdr, hlen);
    if (e && !own) {
        if (*out) store_free(st, *out);
        *out = 0;
    }
    if (own) {
        if (e) {
            store_tx_abort(st);
            *out = 0;
        } else {
            e = store_tx_commit(st);
        }
    }
    if (e) {
        if (e == SEAM_E_FULL) return jv_throw(vm, JV_EX_SYSTEM, 5);
        return store_err(vm, e);
    }
    if (p) p->used += charge(size);
    return 0;
}

int jv_new_inst(jv_vm *vm, uint32_t ctx, jv_class *c, jv_ref *out)
{
    uint8_t hdr[4];
    put_le32(hdr, c->code);
    store_id id = 0;
    if (alloc_obj(vm, ctx, JV_OBJ_INST, JV_INST_HDR + 4u * c->ninst, hdr, 4, &id)) return -1;
    *out = id;
    return 0;
}

int jv_new_array(jv_vm *vm, uint32_t ctx, uint8_t kind, jv_class *elem, int32_t len,
                 uint8_t event, jv_ref *out)
{
    if (len < 0) return jv_throw(vm, JV_EX_NASE, 0);
    if (len > 32767) return jv_throw(vm, JV_EX_SYSTEM, 5);
    uint32_t bytes = (uint32_t)len * esize(kind);
    if (event && vm->trans_bytes + bytes > JV_TRANSIENT_MAX)
        return jv_throw(vm, JV_EX_SYSTEM, 2 /* NO_TRANSIENT_SPACE */);
    uint8_t hdr[JV_ARR_HDR] = {0};
    put_le32(hdr, kind == JV_K_REF && elem ? elem->code : 0);
    hdr[4] = (uint8_t)len;
    hdr[5] = (uint8_t)(len >> 8);
    hdr[6] = event;
    store_id id = 0;
    if (alloc_obj(vm, ctx, type_of_kind(kind), JV_ARR_HDR + (event ? 0 : bytes), hdr, sizeof hdr,
                  &id))
        return -1;
    if (event && !trans_make(vm, id, ctx, event, kind, bytes))
        return jv_throw(vm, JV_EX_SYSTEM, 2);
    *out = id;
    return 0;
}

jv_ref jv_tmp_new(jv_vm *vm, uint8_t kind, uint8_t flags, jv_class *cls, uint32_t len)
{
    for (uint32_t i = 0; i < JV_MAX_TMP; i++) {
        jv_tmp *t = &vm->tmp[i];
        if (t->used) continue;
        size_t bytes = kind == JV_K_INST ? 4u * len : (size_t)len * esize(kind);
        t->data = calloc(bytes ? bytes : 1, 1);
        if (!t->data) return 0;
        t->used = true;
        t->kind = kind;
        t->flags = flags;
        t->cls = cls;
        t->len = len;
        return JV_REF_TMP | i;
    }
    return 0;
}

void jv_trans_clear(jv_vm *vm, uint8_t event, uint32_t ctx, bool all_ctx)
{
    for (size_t i = 0; i < vm->ntrans; i++) {
        jv_trans *t = &vm->trans[i];
        if (t->event == event && (all_ctx || t->owner == ctx)) memset(t->data, 0, t->bytes);
    }
}

/* ---- RAM blocks of the natives (src/se/jcapi/security.c) ----
 * A block is a jv_trans entry with the id JV_RAMBLK | obj and the event CLEAR_ON_RESET, so it
 * is zeroed at card reset, wiped and freed at power-down with the transient arrays, and never
 * counted against the transient memory of applets. */
uint8_t *jv_ram_block(jv_vm *vm, jv_ref obj, uint32_t bytes, bool create)
{
    jv_trans *t = trans_find(vm, JV_RAMBLK | obj);
    if (!t) {
        if (!create) return NULL;
        if (vm->ntrans == vm->trans_cap) {
            size_t nc = vm->trans_cap ? vm->trans_cap * 2 : 32;
            jv_trans *n = realloc(vm->trans, nc * sizeof *n);
            if (!n) return NULL;
            vm->trans = n;
            vm->trans_cap = nc;
        }
        uint8_t *d = calloc(bytes ? bytes : 1, 1);
        if (!d) return NULL;
        vm->trans[vm->ntrans] = (jv_trans){JV_RAMBLK | obj, 0, JV_CLEAR_ON_RESET, 0, bytes, d};
        return vm->trans[vm->ntrans++].data;
    }
    if (bytes > t->bytes) {
        uint8_t *d = calloc(bytes, 1);
        if (!d) return NULL;
        memcpy(d, t->data, t->bytes);
        seam_wipe(t->data, t->bytes);
        free(t->data);
        t->data = d;
        t->bytes = bytes;
    }
    return t->data;
}

void jv_ram_block_free(jv_vm *vm, jv_ref obj)
{
    for (size_t i = 0; i < vm->ntrans; i++)
        if (vm->trans[i].id == (JV_RAMBLK | obj)) {
            seam_wipe(vm->trans[i].data, vm->trans[i].bytes);
            free(vm->trans[i].data);
            vm->trans[i] = vm->trans[--vm->ntrans];
            return;
        }
}

/* Secret arrays (key material: header byte 7 is JV_ARR_SECRET) are overwritten with zeros
 * before they are freed, so the key never outlives its object in the store's RAM image. */
void jv_wipe_secret(jv_vm *vm, store_id id)
{
    store *st = vm->s->st;
    uint16_t type;
    size_t size;
    if (store_info(st, id, NULL, &type, &size) || type != JV_OBJ_ARR_BYTE || size <= JV_ARR_HDR)
        return;
    const uint8_t *v = store_view(st, id, NULL);
    if (!v || v[7] != JV_ARR_SECRET) return;
    static const uint8_t zero[256];
    for (size_t off = JV_ARR_HDR; off < size; off += sizeof zero) {
        size_t n = size - off < sizeof zero ? size - off : sizeof zero;
        if (store_write(st, id, off, zero, n)) return;
    }
}

/* True when RAM entry t still belongs to an object of the store: a transient array entry to a
 * transient array, a RAM block to an instance (or to no object: the VM's own block 0, keys.c). */
static bool trans_live(jv_vm *vm, const jv_trans *t)
{
    uint16_t type;
    size_t size;
    if (t->id & JV_RAMBLK) {
        jv_ref obj = t->id & ~JV_RAMBLK;
        if (!obj || (obj & JV_REF_TAG)) return true;
        return !store_info(vm->s->st, obj, NULL, &type, NULL) && type == JV_OBJ_INST;
    }
    if (store_info(vm->s->st, t->id, NULL, &type, &size) || type < JV_OBJ_ARR_BOOL ||
        type > JV_OBJ_ARR_REF || size < JV_ARR_HDR)
        return false;
    const uint8_t *v = store_view(vm->s->st, t->id, NULL);
    return v && v[6] != 0;
}

/* Wipes and frees the RAM entries whose object the store no longer has: objects freed without
 * the collector (package deletion, jcvm.c), objects allocated in a transaction that was then
 * aborted. Their ids may be given to new objects: a RAM entry must not outlive its object. */
static void trans_reconcile(jv_vm *vm)
{
    for (size_t i = 0; i < vm->ntrans;) {
        jv_trans *t = &vm->trans[i];
        if (trans_live(vm, t)) {
            i++;
            continue;
        }
        seam_wipe(t->data, t->bytes);
        free(t->data);
        if (!(t->id & JV_RAMBLK)) vm->trans_bytes -= t->bytes;
        vm->trans[i] = vm->trans[--vm->ntrans];
    }
}

void jv_recount(jv_vm *vm)
{
    trans_reconcile(vm);
    sec_ec_key_cache_sweep(vm); /* signing keys of key objects that are gone (jcapi/keys.c) */
    for (jv_pkg *p = vm->pkgs; p; p = p->next) p->used = 0;
    store *st = vm->s->st;
    for (store_id id = store_next(st, 0); id; id = store_next(st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(st, id, &owner, &type, &size)) continue;
        if (type < JV_OBJ_STATICS || type > JV_OBJ_ARR_REF || !owner) continue;
        jv_pkg *p = jv_pkg_of_ctx(vm, owner);
        if (p) p->used += charge(size);
    }
}

bool jv_instanceof(jv_vm *vm, const jv_obj *o, const jv_cref *t)
{
    if (!t->arr) {
        if (o->kind == JV_K_INST) return jv_is_a(o->cls, t->cls);
        return t->cls == vm->c_object;
    }
    if (o->kind != t->arr) return false;
    if (t->arr != JV_K_REF) return true;
    return jv_is_a(o->cls, t->cls);
}

/* ---- object deletion: mark and sweep (JCRE §2.2 "object deletion") ---- */

typedef struct {
    jv_vm *vm;
    uint8_t *mark;
    store_id max;
    store_id *work;
    size_t nwork, cap;
} gcx;

static void gc_push(gcx *g, jv_ref r)
{
    if (!r || (r & JV_REF_TAG) || r > g->max) return;
    if (g->mark[r >> 3] & (1u << (r & 7))) return;
    uint16_t type;
    if (store_info(g->vm->s->st, r, NULL, &type, NULL)) return;
    if (type < JV_OBJ_INST || type > JV_OBJ_ARR_REF) return;
    g->mark[r >> 3] |= (uint8_t)(1u << (r & 7));
    if (g->nwork < g->cap) g->work[g->nwork++] = r;
}

static bool is_ref_desc(jcl_str d)
{
    return d.p[0] == 'L' || d.p[0] == '[';
}

static void gc_scan(gcx *g, jv_ref r)
{
    jv_obj o;
    if (jv_decode(g->vm, r, &o)) return;
    if (o.kind == JV_K_REF) {
        for (uint32_t i = 0; i < o.len; i++) gc_push(g, (jv_ref)jv_elem_get(&o, i));
    } else if (o.kind == JV_K_INST) {
        for (jv_class *c = o.cls; c; c = c->super)
            for (unsigned i = 0; i < c->jc->nfields; i++) {
                const jcl_field *f = &c->jc->fields[i];
                if ((f->flags & 0x0008) || !is_ref_desc(f->desc)) continue;
                gc_push(g, (jv_ref)jv_elem_get(&o, c->field_slot[i]));
            }
    }
}

static void gc_statics(gcx *g, jv_pkg *p)
{
    const uint8_t *sv = p->statics ? store_view(g->vm->s->st, p->statics, NULL) : NULL;
    for (unsigned ci = 0; ci < p->f->nclasses; ci++) {
        jv_class *c = &p->classes[ci];
        for (unsigned i = 0; i < c->jc->nfields; i++) {
            const jcl_field *f = &c->jc->fields[i];
            if (!(f->flags & 0x0008) || !is_ref_desc(f->desc)) continue;
            uint16_t s = c->field_slot[i];
            if (p->rom_statics)
                gc_push(g, (jv_ref)p->rom_statics[s]);
            else if (sv)
                gc_push(g, le32(sv + 4u * s));
        }
    }
}

/* A crypto object's RAM state refers to the key it was initialised with (Signature.init,
 * Cipher.init, KeyAgreement.init): the key stays reachable while a reachable object may still
 * use it, even when the applet dropped every field reference to it (API Signature.init keeps a
 * reference to the key). Repeated until nothing new is marked. */
static void gc_ram_refs(gcx *g)
{
    jv_vm *vm = g->vm;
    bool more = true;
    while (more) {
        more = false;
        for (size_t i = 0; i < vm->ntrans; i++) {
            jv_ref obj = vm->trans[i].id & ~JV_RAMBLK;
            if (!(vm->trans[i].id & JV_RAMBLK) || !obj || (obj & JV_REF_TAG) || obj > g->max ||
                !(g->mark[obj >> 3] & (1u << (obj & 7))))
                continue;
            jv_ref k = sec_state_ref(vm->trans[i].data, vm->trans[i].bytes);
            if (!k || (k & JV_REF_TAG) || k > g->max || (g->mark[k >> 3] & (1u << (k & 7))))
                continue;
            gc_push(g, k);
            more = more || (g->mark[k >> 3] & (1u << (k & 7)));
        }
        while (g->nwork) gc_scan(g, g->work[--g->nwork]);
    }
}

size_t jv_gc(jv_vm *vm, uint32_t ctx, bool all, jv_ref exclude_root)
{
    store *st = vm->s->st;
    store_id max = 0;
    size_t n = 0;
    for (store_id id = store_next(st, 0); id; id = store_next(st, id)) {
        max = id;
        n++;
    }
    gcx g = {vm, calloc(max / 8 + 1, 1), max, malloc((n + 1) * sizeof(store_id)), 0, n + 1};
    size_t freed = 0;
    if (!g.mark || !g.work) goto out;
    /* roots: applet instances, statics, transient object arrays, channel selections */
    for (store_id id = reg_next(vm->s, 0); id; id = reg_next(vm->s, id)) {
        const se_reg_rec *r = reg_get(vm->s, id);
        if (!r || r->kind != REG_KIND_APP) continue;
        jv_ref a = seam_be32(r->obj_id);
        if (a != exclude_root) gc_push(&g, a);
    }
    for (jv_pkg *p = vm->pkgs; p; p = p->next) gc_statics(&g, p);
    for (size_t i = 0; i < vm->ntrans; i++)
        if (vm->trans[i].kind == JV_K_REF)
            for (uint32_t k = 0; k + 4 <= vm->trans[i].bytes; k += 4)
                gc_push(&g, le32(vm->trans[i].data + k));
    for (unsigned c = 0; c < SE_MAX_CHANNELS; c++)
        if (vm->chan[c].applet != exclude_root) gc_push(&g, vm->chan[c].applet);
    while (g.nwork) gc_scan(&g, g.work[--g.nwork]);
    gc_ram_refs(&g);
    bool own = !store_in_tx(st);
    if (own && store_tx_begin(st)) goto out;
    for (store_id id = store_next(st, 0); id; id = store_next(st, id)) {
        uint32_t owner;
        uint16_t type;
        if (store_info(st, id, &owner, &type, NULL)) continue;
        if (type < JV_OBJ_INST || type > JV_OBJ_ARR_REF) continue;
        if (!owner || (!all && owner != ctx)) continue;
        if (g.mark[id >> 3] & (1u << (id & 7))) continue;
        jv_wipe_secret(vm, id);
        if (store_free(st, id)) break;
        trans_drop(vm, id);        /* a transient array's elements */
        jv_ram_block_free(vm, id); /* a crypto object's running state (jcapi/security.c) */
        freed++;
    }
    if (own && store_tx_commit(st)) store_tx_abort(st);
    jv_recount(vm); /* also sweeps the signing keys of freed key objects (jcapi/keys.c) */
out:
    free(g.mark);
    free(g.work);
    return freed;
}
