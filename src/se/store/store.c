/*
 * The persistent store: objects in RAM, journalled to the medium (include/seam/store.h;
 * format and durability argument in docs/store.md).
 *
 * RAM: one arena of `capacity` bytes, an object table (id = slot index + 1) and an undo log of
 * max(capacity / 4, 4 KiB) bytes, all allocated at open; nothing is allocated afterwards.
 * Objects are placed at the top of the arena (sizes rounded up to 8); a free leaves a hole, and
 * when the top is reached the objects are slid down over the holes (store_view pointers are
 * valid only until the next alloc/free/abort, which allows it).
 *
 * Java Card semantics (JCRE spec §7): outside a transaction, each alloc, free, write and root
 * change is its own commit group, written and (with SEAM_STORE_FSYNC=1) synced before the call
 * returns, and applied to RAM only after that. Inside a transaction RAM changes at once, the
 * undo log remembers how to go back, frees are deferred to the commit (the object disappears
 * from view but keeps its bytes, so abort is free and nothing needs copying), and the commit
 * writes one group of redo records built from the undo log and the current RAM.
 *
 * Invariants: the image on the medium always replays to the RAM state as of the last commit
 * (outside a transaction: the RAM state); once the medium is torn or an append fails, the store
 * is dead (alive false) and refuses every change with SEAM_E_TORN.
 */
#include "store_int.h"

#include "seam/crypto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUND8(n) (((n) + 7u) & ~(size_t)7u)
#define UNDO_MIN 4096u
/* The log is compacted into a fresh snapshot when it grows past 2 x live data + this. */
#define COMPACT_SLACK (64u * 1024u)

/* ---- undo log: entries of hdr | old bytes | total length u32 ---- */

enum { UNDO_ALLOC = 1, UNDO_FREE, UNDO_WRITE, UNDO_ROOT };

typedef struct {
    uint8_t kind;
    uint8_t has_data; /* old bytes follow (not for objects allocated in this transaction) */
    uint32_t id;      /* UNDO_ROOT: the root index */
    uint32_t off;     /* UNDO_ROOT: the old root value */
    uint32_t len;
} undo_hdr;

static size_t undo_entry_size(const undo_hdr *h)
{
    return sizeof *h + (h->has_data ? h->len : 0) + 4;
}

static seam_err undo_push(store *s, const undo_hdr *h, const uint8_t *old)
{
    size_t n = undo_entry_size(h);
    if (n > s->undo_cap - s->undo_len) return SEAM_E_FULL;
    if (h->has_data && !old) return SEAM_E_ARG;
    uint8_t *p = s->undo + s->undo_len;
    memcpy(p, h, sizeof *h);
    if (h->has_data && old) memcpy(p + sizeof *h, old, h->len);
    uint32_t n32 = (uint32_t)n;
    memcpy(p + n - 4, &n32, 4);
    s->undo_len += n;
    return SEAM_OK;
}

/* ---- the object table and the arena ---- */

uint32_t store_slots_for(size_t cap)
{
    size_t n = cap / 32;
    return n < 16 ? 16 : (uint32_t)n;
}

store_slot *store_obj(const store *s, store_id id)
{
    if (id == 0 || id > s->nslots) return NULL;
    store_slot *sl = &s->slots[id - 1];
    if (!(sl->flags & SLOT_USED) || (sl->flags & SLOT_FREE_PENDING)) return NULL;
    return sl;
}

/* Slides every object down over the holes, in address order. */
static void arena_compact(store *s)
{
    size_t dst = 0;
    for (uint32_t i = s->head; i; i = s->slots[i - 1].next) {
        store_slot *sl = &s->slots[i - 1];
        if (sl->off != dst) memmove(s->arena + dst, s->arena + sl->off, sl->size);
        sl->off = (uint32_t)dst;
        dst += ROUND8(sl->size);
    }
    s->top = dst;
}

seam_err store_obj_create(store *s, store_id id, uint32_t owner, uint16_t type, size_t size)
{
    if (id == 0 || id > s->nslots) return SEAM_E_FULL;
    store_slot *sl = &s->slots[id - 1];
    if (sl->flags & SLOT_USED) return SEAM_E_EXISTS;
    if (size > s->cap) return SEAM_E_FULL;
    size_t need = ROUND8(size);
    if (need > s->cap - s->used) return SEAM_E_FULL;
    if (need > s->cap - s->top) arena_compact(s);

    memset(sl, 0, sizeof *sl);
    sl->off = (uint32_t)s->top;
    sl->size = (uint32_t)size;
    sl->owner = owner;
    sl->type = type;
    sl->flags = SLOT_USED;
    if (id > s->hwm) s->hwm = id;
    sl->prev = s->tail;
    if (s->tail)
        s->slots[s->tail - 1].next = id;
    else
        s->head = id;
    s->tail = id;
    memset(s->arena + s->top, 0, need);
    s->top += need;
    s->used += need;
    s->live += size;
    s->nobj++;
    return SEAM_OK;
}

void store_obj_release(store *s, store_id id)
{
    store_slot *sl = &s->slots[id - 1];
    if (sl->prev)
        s->slots[sl->prev - 1].next = sl->next;
    else
        s->head = sl->next;
    if (sl->next)
        s->slots[sl->next - 1].prev = sl->prev;
    else
        s->tail = sl->prev;
    if (s->tail) {
        const store_slot *t = &s->slots[s->tail - 1];
        s->top = t->off + ROUND8(t->size);
    } else {
        s->top = 0;
    }
    s->used -= ROUND8(sl->size);
    s->live -= sl->size;
    s->nobj--;
    memset(sl, 0, sizeof *sl);
    if (id - 1 < s->hint) s->hint = id - 1;
}

static store_id free_slot(store *s)
{
    for (uint32_t i = s->hint; i < s->nslots; i++) {
        if (!(s->slots[i].flags & SLOT_USED)) {
            s->hint = i;
            return i + 1;
        }
    }
    s->hint = s->nslots;
    return 0;
}

/* ---- journal writing ---- */

static seam_err dead(store *s, seam_err e)
{
    s->alive = false;
    return e;
}

static bool usable(const store *s)
{
    return s->alive && !med_dead(s->m);
}

/* Appends one record (fixed part, then optional bytes) to the image or the new image. */
static seam_err put_record(store *s, bool to_new, uint8_t type, const uint8_t *fixed, size_t flen,
                           const uint8_t *data, size_t dlen)
{
    med_piece payload[2] = {{fixed, flen}, {data, dlen}};
    med_piece pc[4];
    rec_frame_buf f;
    rec_frame(&f, type, payload, 2, pc);
    return med_append(s->m, to_new, pc, 4);
}

static void commit_payload(uint8_t out[REC_COMMIT_LEN], uint32_t seq, uint32_t nrec)
{
    seam_put_be32(out, seq);
    seam_put_be32(out + 4, nrec);
}

static seam_err write_snapshot(store *s)
{
    seam_err e = med_new_begin(s->m);
    if (e) return e;
    uint8_t h[REC_HEADER_LEN];
    memcpy(h, STORE_MAGIC, 8);
    seam_put_be32(h + 8, STORE_VERSION);
    seam_put_be32(h + 12, (uint32_t)s->cap);
    e = put_record(s, true, REC_HEADER, h, sizeof h, NULL, 0);
    for (uint32_t i = 0; !e && i < s->nslots; i++) {
        const store_slot *sl = &s->slots[i];
        if (!(sl->flags & SLOT_USED)) continue;
        uint8_t fx[REC_OBJECT_FIXED];
        seam_put_be32(fx, i + 1);
        seam_put_be32(fx + 4, sl->owner);
        seam_put_be16(fx + 8, sl->type);
        seam_put_be32(fx + 10, sl->size);
        e = put_record(s, true, REC_OBJECT, fx, sizeof fx, s->arena + sl->off, sl->size);
    }
    uint8_t r[REC_ROOTS_LEN];
    for (unsigned i = 0; i < STORE_ROOTS; i++)
        seam_put_be32(r + 4 * i, s->roots[i]);
    if (!e) e = put_record(s, true, REC_ROOTS, r, sizeof r, NULL, 0);
    uint8_t end[REC_SNAP_END_LEN];
    seam_put_be32(end, s->nobj);
    seam_put_be32(end + 4, s->seq);
    if (!e) e = put_record(s, true, REC_SNAP_END, end, sizeof end, NULL, 0);
    if (!e) e = med_sync(s->m, true);
    if (!e) e = med_new_install(s->m);
    if (!e) s->log_bytes = med_size(s->m);
    return e;
}

/* After a commit: replace a long log by a fresh snapshot. Only a torn medium is fatal: if
 * the snapshot cannot be written otherwise, the old image is still whole and keeps growing. */
static seam_err maybe_compact(store *s)
{
    size_t est = 64 + REC_ROOTS_LEN + (size_t)s->nobj * (REC_OVERHEAD + REC_OBJECT_FIXED) + s->live;
    if (s->log_bytes <= 2 * est + COMPACT_SLACK) return SEAM_OK;
    seam_err e = write_snapshot(s);
    if (e == SEAM_E_TORN) return dead(s, e);
    if (e) {
        seam_log(SEAM_LOG_WARN, "store: compaction failed (%s); continuing on the old log",
                 seam_strerror(e));
        med_discard_new(s->m);
    }
    return SEAM_OK;
}

static seam_err group_done(store *s)
{
    s->seq++;
    s->log_bytes = med_size(s->m);
    seam_err e = med_sync(s->m, false);
    if (e) return dead(s, e);
    if (s->commit_hook) s->commit_hook(s->commit_ctx, s);
    return maybe_compact(s);
}

void store_set_commit_hook(store *s, store_commit_fn fn, void *ctx)
{
    if (!s) return;
    s->commit_hook = fn;
    s->commit_ctx = ctx;
}

/* A whole group of one record and its commit, in one low-level write. */
static seam_err log_single(store *s, uint8_t type, const uint8_t *fixed, size_t flen,
                           const uint8_t *data, size_t dlen)
{
    uint8_t c[REC_COMMIT_LEN];
    commit_payload(c, s->seq + 1, 1);
    med_piece p1[2] = {{fixed, flen}, {data, dlen}};
    med_piece p2[1] = {{c, sizeof c}};
    med_piece pc[7];
    rec_frame_buf f1, f2;
    rec_frame(&f1, type, p1, 2, pc);
    rec_frame(&f2, REC_COMMIT, p2, 1, pc + 4);
    seam_err e = med_append(s->m, false, pc, 7);
    if (e) return dead(s, e);
    return SEAM_OK;
}

/* ---- open / close ---- */

static void set_msg(char *msg, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_msg(char *msg, size_t cap, const char *fmt, ...)
{
    if (!msg || !cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
}

static void store_destroy(store *s)
{
    if (!s) return;
    free(s->arena);
    free(s->slots);
    free(s->undo);
    free(s);
}

static seam_err store_new(size_t cap, store **out)
{
    store *s = calloc(1, sizeof *s);
    if (!s) return SEAM_E_NOMEM;
    s->cap = cap;
    s->nslots = store_slots_for(cap);
    s->undo_cap = cap / 4 < UNDO_MIN ? UNDO_MIN : cap / 4;
    s->arena = malloc(cap);
    s->slots = calloc(s->nslots, sizeof *s->slots);
    s->undo = malloc(s->undo_cap);
    if (!s->arena || !s->slots || !s->undo) {
        store_destroy(s);
        return SEAM_E_NOMEM;
    }
    s->alive = true;
    *out = s;
    return SEAM_OK;
}

seam_err store_open(store **out, store_medium *m, size_t capacity, char *msg, size_t msg_cap)
{
    if (msg && msg_cap) msg[0] = 0;
    if (!out || !m) return SEAM_E_ARG;
    *out = NULL;
    seam_err e = med_attach(m);
    if (e) {
        set_msg(msg, msg_cap, "cannot open the medium: %s", seam_strerror(e));
        return e;
    }
    uint8_t *img = NULL;
    size_t len = 0, good_end = 0;
    bool owned = false;
    store *s = NULL;

    e = med_discard_new(m);
    if (!e) e = med_load(m, &img, &len, &owned);
    if (e) {
        set_msg(msg, msg_cap, "cannot read the image: %s", seam_strerror(e));
        goto fail;
    }
    size_t cap = capacity;
    if (len && !cap) {
        e = store_image_capacity(img, len, &cap, msg, msg_cap);
        if (e) goto fail;
    }
    if (!cap) cap = STORE_DEFAULT_CAPACITY;
    if (cap < STORE_MIN_CAPACITY || cap > STORE_MAX_CAPACITY) {
        e = capacity ? SEAM_E_ARG : SEAM_E_CORRUPT;
        set_msg(msg, msg_cap, "capacity %zu outside %u..%u", cap, STORE_MIN_CAPACITY,
                STORE_MAX_CAPACITY);
        goto fail;
    }
    e = store_new(cap, &s);
    if (e) {
        set_msg(msg, msg_cap, "out of memory for a store of %zu bytes", cap);
        goto fail;
    }
    s->m = m;
    if (len) {
        e = store_replay(s, img, len, &good_end, msg, msg_cap);
        if (e) goto fail;
    }
    if (owned) free(img);
    img = NULL;

    if (!len) {
        /* A fresh card: its first image is built aside and installed atomically, so a cut
         * here leaves an empty medium, never half a snapshot. */
        s->is_new = true;
        e = write_snapshot(s);
    } else if (good_end < len) {
        e = med_truncate(m, good_end);
    }
    if (e) {
        set_msg(msg, msg_cap, "cannot write the image: %s", seam_strerror(e));
        goto fail;
    }
    s->log_bytes = med_size(m);
    *out = s;
    return SEAM_OK;

fail:
    if (owned) free(img);
    store_destroy(s);
    med_detach(m);
    return e;
}

void store_close(store *s)
{
    if (!s) return;
    med_detach(s->m);
    store_destroy(s);
}

bool store_is_new(const store *s)
{
    return s && s->is_new;
}

bool store_alive(const store *s)
{
    return s && usable(s);
}

bool store_in_tx(const store *s)
{
    return s && s->in_tx;
}

size_t store_used(const store *s)
{
    return s ? s->used : 0;
}

size_t store_capacity(const store *s)
{
    return s ? s->cap : 0;
}

/* ---- objects ---- */

seam_err store_alloc(store *s, uint32_t owner, uint16_t type, size_t size, store_id *out)
{
    if (!s || !out) return SEAM_E_ARG;
    *out = 0;
    if (!usable(s)) return SEAM_E_TORN;
    if (size > s->cap || ROUND8(size) > s->cap - s->used) return SEAM_E_FULL;
    store_id id = free_slot(s);
    if (!id) return SEAM_E_FULL;
    if (s->in_tx) {
        undo_hdr h = {.kind = UNDO_ALLOC, .id = id};
        seam_err e = undo_push(s, &h, NULL);
        if (e) return e;
        e = store_obj_create(s, id, owner, type, size);
        if (e) {
            s->undo_len -= undo_entry_size(&h);
            return e;
        }
        s->slots[id - 1].flags |= SLOT_NEW_IN_TX;
    } else {
        uint8_t fx[REC_ALLOC_LEN];
        seam_put_be32(fx, id);
        seam_put_be32(fx + 4, owner);
        seam_put_be16(fx + 8, type);
        seam_put_be32(fx + 10, (uint32_t)size);
        seam_err e = log_single(s, REC_ALLOC, fx, sizeof fx, NULL, 0);
        if (e) return e;
        e = store_obj_create(s, id, owner, type, size);
        if (e) return dead(s, SEAM_E_FAULT); /* checked above: cannot happen */
        e = group_done(s);
        if (e) return e;
    }
    *out = id;
    return SEAM_OK;
}

seam_err store_free(store *s, store_id id)
{
    if (!s) return SEAM_E_ARG;
    if (!usable(s)) return SEAM_E_TORN;
    store_slot *sl = store_obj(s, id);
    if (!sl) return SEAM_E_NOT_FOUND;
    if (s->in_tx) {
        undo_hdr h = {.kind = UNDO_FREE, .id = id};
        seam_err e = undo_push(s, &h, NULL);
        if (e) return e;
        sl->flags |= SLOT_FREE_PENDING;
        return SEAM_OK;
    }
    uint8_t fx[REC_FREE_LEN];
    seam_put_be32(fx, id);
    seam_err e = log_single(s, REC_FREE, fx, sizeof fx, NULL, 0);
    if (e) return e;
    store_obj_release(s, id);
    return group_done(s);
}

seam_err store_info(const store *s, store_id id, uint32_t *owner, uint16_t *type, size_t *size)
{
    if (!s) return SEAM_E_ARG;
    const store_slot *sl = store_obj(s, id);
    if (!sl) return SEAM_E_NOT_FOUND;
    if (owner) *owner = sl->owner;
    if (type) *type = sl->type;
    if (size) *size = sl->size;
    return SEAM_OK;
}

const uint8_t *store_view(const store *s, store_id id, size_t *size)
{
    const store_slot *sl = s ? store_obj(s, id) : NULL;
    if (!sl) return NULL;
    if (size) *size = sl->size;
    return s->arena + sl->off;
}

seam_err store_read(const store *s, store_id id, size_t off, void *out, size_t len)
{
    if (!s || (!out && len)) return SEAM_E_ARG;
    const store_slot *sl = store_obj(s, id);
    if (!sl) return SEAM_E_NOT_FOUND;
    if (off > sl->size || len > sl->size - off) return SEAM_E_ARG;
    if (len) memcpy(out, s->arena + sl->off + off, len);
    return SEAM_OK;
}

seam_err store_write(store *s, store_id id, size_t off, const void *data, size_t len)
{
    if (!s || (!data && len)) return SEAM_E_ARG;
    if (!usable(s)) return SEAM_E_TORN;
    store_slot *sl = store_obj(s, id);
    if (!sl) return SEAM_E_NOT_FOUND;
    if (off > sl->size || len > sl->size - off) return SEAM_E_ARG;
    if (!len) return SEAM_OK;
    uint8_t *dst = s->arena + sl->off + off;
    if (s->in_tx) {
        undo_hdr h = {.kind = UNDO_WRITE,
                      .has_data = !(sl->flags & SLOT_NEW_IN_TX),
                      .id = id,
                      .off = (uint32_t)off,
                      .len = (uint32_t)len};
        seam_err e = undo_push(s, &h, dst);
        if (e) return e;
        memmove(dst, data, len);
        return SEAM_OK;
    }
    uint8_t fx[REC_WRITE_FIXED];
    seam_put_be32(fx, id);
    seam_put_be32(fx + 4, (uint32_t)off);
    seam_err e = log_single(s, REC_WRITE, fx, sizeof fx, data, len);
    if (e) return e;
    memmove(dst, data, len);
    return group_done(s);
}

/* A non-transactional write (store.h): outside a transaction it is store_write. Inside one it
 * is its own commit group, appended now: the transaction's records are written only at commit,
 * after it, so the journal stays a run of whole groups. Undo entries of earlier transactional
 * writes to the same bytes take the new bytes as their "old" value, so an abort (or a power cut
 * before the commit) leaves what this write wrote: RAM after an abort equals what power-up
 * replays. An object allocated in the open transaction does not exist on the medium yet; a
 * write to it stays in the transaction (its abort frees the object, so nothing is undone that
 * could outlive it). No compaction runs while the transaction is open (a snapshot would make
 * its uncommitted changes durable), and the commit hook is not called (the durable state is
 * then not the RAM state). */
seam_err store_write_nontx(store *s, store_id id, size_t off, const void *data, size_t len)
{
    if (!s || !s->in_tx) return store_write(s, id, off, data, len);
    if (!data && len) return SEAM_E_ARG;
    if (!usable(s)) return SEAM_E_TORN;
    store_slot *sl = store_obj(s, id);
    if (!sl) return SEAM_E_NOT_FOUND;
    if (off > sl->size || len > sl->size - off) return SEAM_E_ARG;
    if (!len) return SEAM_OK;
    if (sl->flags & SLOT_NEW_IN_TX) return store_write(s, id, off, data, len);
    uint8_t fx[REC_WRITE_FIXED];
    seam_put_be32(fx, id);
    seam_put_be32(fx + 4, (uint32_t)off);
    seam_err e = log_single(s, REC_WRITE, fx, sizeof fx, data, len);
    if (e) return e;
    uint8_t *dst = s->arena + sl->off + off;
    memmove(dst, data, len); /* data may lie in the same object: patch from dst below */
    for (size_t pos = 0; pos < s->undo_len;) {
        undo_hdr h;
        memcpy(&h, s->undo + pos, sizeof h);
        if (h.kind == UNDO_WRITE && h.has_data && h.id == id && h.off < off + len &&
            off < (size_t)h.off + h.len) {
            size_t lo = h.off > off ? h.off : off;
            size_t hi = (size_t)h.off + h.len < off + len ? (size_t)h.off + h.len : off + len;
            memcpy(s->undo + pos + sizeof h + (lo - h.off), dst + (lo - off), hi - lo);
        }
        pos += undo_entry_size(&h);
    }
    s->seq++;
    s->log_bytes = med_size(s->m);
    e = med_sync(s->m, false);
    return e ? dead(s, e) : SEAM_OK;
}

store_id store_next(const store *s, store_id after)
{
    if (!s) return 0;
    for (uint64_t id = (uint64_t)after + 1; id <= s->hwm; id++)
        if (store_obj(s, (store_id)id)) return (store_id)id;
    return 0;
}

/* ---- roots ---- */

store_id store_root(const store *s, unsigned idx)
{
    return s && idx < STORE_ROOTS ? s->roots[idx] : 0;
}

seam_err store_set_root(store *s, unsigned idx, store_id id)
{
    if (!s || idx >= STORE_ROOTS) return SEAM_E_ARG;
    if (!usable(s)) return SEAM_E_TORN;
    if (id && !store_obj(s, id)) return SEAM_E_NOT_FOUND;
    if (s->in_tx) {
        undo_hdr h = {.kind = UNDO_ROOT, .id = idx, .off = s->roots[idx]};
        seam_err e = undo_push(s, &h, NULL);
        if (e) return e;
        s->roots[idx] = id;
        return SEAM_OK;
    }
    uint8_t fx[REC_ROOT_LEN];
    seam_put_be32(fx, idx);
    seam_put_be32(fx + 4, id);
    seam_err e = log_single(s, REC_ROOT, fx, sizeof fx, NULL, 0);
    if (e) return e;
    s->roots[idx] = id;
    return group_done(s);
}

/* ---- transactions ---- */

seam_err store_tx_begin(store *s)
{
    if (!s) return SEAM_E_ARG;
    if (!usable(s)) return SEAM_E_TORN;
    if (s->in_tx) return SEAM_E_STATE;
    s->in_tx = true;
    s->undo_len = 0;
    return SEAM_OK;
}

/* Writes the redo record for one undo entry, with the values RAM holds now. */
static seam_err redo_record(store *s, const undo_hdr *h)
{
    uint8_t fx[REC_ALLOC_LEN];
    const store_slot *sl = h->kind == UNDO_ROOT ? NULL : &s->slots[h->id - 1];
    switch (h->kind) {
    case UNDO_ALLOC:
        seam_put_be32(fx, h->id);
        seam_put_be32(fx + 4, sl->owner);
        seam_put_be16(fx + 8, sl->type);
        seam_put_be32(fx + 10, sl->size);
        return put_record(s, false, REC_ALLOC, fx, REC_ALLOC_LEN, NULL, 0);
    case UNDO_FREE:
        seam_put_be32(fx, h->id);
        return put_record(s, false, REC_FREE, fx, REC_FREE_LEN, NULL, 0);
    case UNDO_WRITE:
        seam_put_be32(fx, h->id);
        seam_put_be32(fx + 4, h->off);
        return put_record(s, false, REC_WRITE, fx, REC_WRITE_FIXED, s->arena + sl->off + h->off,
                          h->len);
    default:
        seam_put_be32(fx, h->id);
        seam_put_be32(fx + 4, s->roots[h->id]);
        return put_record(s, false, REC_ROOT, fx, REC_ROOT_LEN, NULL, 0);
    }
}

seam_err store_tx_commit(store *s)
{
    if (!s) return SEAM_E_ARG;
    if (!s->in_tx) return SEAM_E_STATE;
    if (!usable(s)) return SEAM_E_TORN;
    uint32_t nrec = 0;
    seam_err e = SEAM_OK;
    for (size_t pos = 0; !e && pos < s->undo_len;) {
        undo_hdr h;
        memcpy(&h, s->undo + pos, sizeof h);
        e = redo_record(s, &h);
        nrec++;
        pos += undo_entry_size(&h);
    }
    if (!e && nrec) {
        uint8_t c[REC_COMMIT_LEN];
        commit_payload(c, s->seq + 1, nrec);
        e = put_record(s, false, REC_COMMIT, c, sizeof c, NULL, 0);
    }
    /* Durable (or dead): finish RAM either way, so a dead store still reads the new state. */
    for (size_t pos = 0; pos < s->undo_len;) {
        undo_hdr h;
        memcpy(&h, s->undo + pos, sizeof h);
        if (h.kind == UNDO_FREE) store_obj_release(s, h.id);
        if (h.kind == UNDO_ALLOC && (s->slots[h.id - 1].flags & SLOT_USED))
            s->slots[h.id - 1].flags &= (uint8_t)~SLOT_NEW_IN_TX;
        pos += undo_entry_size(&h);
    }
    s->in_tx = false;
    s->undo_len = 0;
    if (e) return dead(s, e);
    return nrec ? group_done(s) : SEAM_OK;
}

seam_err store_tx_abort(store *s)
{
    if (!s) return SEAM_E_ARG;
    if (!s->in_tx) return SEAM_E_STATE;
    size_t pos = s->undo_len;
    while (pos) {
        uint32_t n;
        memcpy(&n, s->undo + pos - 4, 4);
        pos -= n;
        undo_hdr h;
        memcpy(&h, s->undo + pos, sizeof h);
        store_slot *sl = h.kind == UNDO_ROOT ? NULL : &s->slots[h.id - 1];
        switch (h.kind) {
        case UNDO_ALLOC:
            store_obj_release(s, h.id);
            break;
        case UNDO_FREE:
            sl->flags &= (uint8_t)~SLOT_FREE_PENDING;
            break;
        case UNDO_WRITE:
            if (h.has_data) memcpy(s->arena + sl->off + h.off, s->undo + pos + sizeof h, h.len);
            break;
        default:
            s->roots[h.id] = h.off;
            break;
        }
    }
    s->in_tx = false;
    s->undo_len = 0;
    return usable(s) ? SEAM_OK : SEAM_E_TORN;
}

/* ---- digest ---- */

seam_err store_digest(const store *s, uint8_t out[32])
{
    if (!s || !out) return SEAM_E_ARG;
    /* Chained so that no buffer is needed: h = SHA-256(h || id || owner || type || size ||
     * SHA-256(bytes)) over the objects in id order from h = 0^32, then SHA-256(h || roots). */
    uint8_t buf[32 + 14 + 32];
    memset(buf, 0, sizeof buf);
    for (store_id id = store_next(s, 0); id; id = store_next(s, id)) {
        const store_slot *sl = &s->slots[id - 1];
        seam_put_be32(buf + 32, id);
        seam_put_be32(buf + 36, sl->owner);
        seam_put_be16(buf + 40, sl->type);
        seam_put_be32(buf + 42, sl->size);
        seam_err e = cr_sha256(s->arena + sl->off, sl->size, buf + 46);
        uint8_t h[32];
        if (!e) e = cr_sha256(buf, sizeof buf, h);
        if (e) return e;
        memcpy(buf, h, 32);
    }
    uint8_t fin[32 + REC_ROOTS_LEN];
    memcpy(fin, buf, 32);
    for (unsigned i = 0; i < STORE_ROOTS; i++)
        seam_put_be32(fin + 32 + 4 * i, s->roots[i]);
    return cr_sha256(fin, sizeof fin, out);
}
