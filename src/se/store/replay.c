/*
 * Power-up: rebuilds the store's RAM from its image (docs/store.md §Format, §Power-up).
 *
 * The image is: a header record; a snapshot (object records in increasing id order, one roots
 * record, an end record with the object count and the commit sequence number); then commit
 * groups, each a run of redo records closed by a commit record carrying the next sequence
 * number and the group's record count. A group counts only when its commit record is whole.
 *
 * What a power cut can leave after the last complete group is the prefix of one more write
 * (store.c never writes past a group that is not complete), and it is discarded. Everything
 * else that fails a check is SEAM_E_CORRUPT with a message naming the offset: the store is
 * never used half-read (store_open frees it).
 *
 * Invariants: every length and id read from the image is checked before it is used; a group
 * is applied only after all of its records have been framed and checked, so a torn group never
 * touches RAM.
 */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

static seam_err bad(char *msg, size_t cap, seam_err e, const char *what, size_t pos)
{
    if (msg && cap) snprintf(msg, cap, "%s at offset %zu", what, pos);
    return e;
}

static seam_err read_header(const uint8_t *img, size_t len, size_t *cap, size_t *end, char *msg,
                            size_t mcap)
{
    rec_view r;
    rec_result rr = rec_read(img, len, 0, REC_HEADER_LEN, &r, msg, mcap);
    if (rr == REC_TORN) {
        if (msg && mcap) snprintf(msg, mcap, "image of %zu bytes ends inside its header", len);
        return SEAM_E_CORRUPT;
    }
    if (rr == REC_BAD) return SEAM_E_CORRUPT;
    if (r.type != REC_HEADER || r.len != REC_HEADER_LEN)
        return bad(msg, mcap, SEAM_E_CORRUPT, "first record is not a store header", 0);
    if (memcmp(r.payload, STORE_MAGIC, 8) != 0)
        return bad(msg, mcap, SEAM_E_CORRUPT, "bad magic (not a seam store image)", REC_HDR);
    uint32_t v = seam_be32(r.payload + 8);
    if (v != STORE_VERSION) {
        if (msg && mcap)
            snprintf(msg, mcap, "image format version %u, this build reads version %u", v,
                     STORE_VERSION);
        return SEAM_E_CORRUPT;
    }
    *cap = seam_be32(r.payload + 12);
    *end = r.end;
    return SEAM_OK;
}

seam_err store_image_capacity(const uint8_t *img, size_t len, size_t *cap, char *msg,
                              size_t msg_cap)
{
    size_t end;
    return read_header(img, len, cap, &end, msg, msg_cap);
}

/* Creates an object named by the image; an id or size that does not fit is the image's fault
 * when it would not fit the capacity it was written for, else this store is too small. */
static seam_err create(store *s, size_t img_cap, uint32_t id, uint32_t owner, uint16_t type,
                       uint32_t size, size_t pos, char *msg, size_t mcap)
{
    if (id == 0 || id > store_slots_for(img_cap) || size > img_cap)
        return bad(msg, mcap, SEAM_E_CORRUPT, "object id or size out of range", pos);
    if (id <= s->nslots && (s->slots[id - 1].flags & SLOT_USED))
        return bad(msg, mcap, SEAM_E_CORRUPT, "object created twice", pos);
    seam_err e = store_obj_create(s, id, owner, type, size);
    if (e == SEAM_E_FULL)
        return bad(msg, mcap, SEAM_E_FULL, "image holds more than the store's capacity", pos);
    if (e) return bad(msg, mcap, SEAM_E_CORRUPT, "object cannot be created", pos);
    return SEAM_OK;
}

static seam_err read_snapshot(store *s, const uint8_t *img, size_t len, size_t img_cap, size_t *pos,
                              char *msg, size_t mcap)
{
    size_t max_payload = img_cap + REC_OBJECT_FIXED;
    uint32_t last_id = 0, nobj = 0;
    bool roots = false;
    for (;;) {
        rec_view r;
        rec_result rr = rec_read(img, len, *pos, max_payload, &r, msg, mcap);
        if (rr == REC_TORN)
            return bad(msg, mcap, SEAM_E_CORRUPT, "image ends inside the snapshot", *pos);
        if (rr == REC_BAD) return SEAM_E_CORRUPT;
        const uint8_t *p = r.payload;
        switch (r.type) {
        case REC_OBJECT: {
            if (roots || r.len < REC_OBJECT_FIXED || seam_be32(p + 10) != r.len - REC_OBJECT_FIXED)
                return bad(msg, mcap, SEAM_E_CORRUPT, "malformed object record", *pos);
            uint32_t id = seam_be32(p);
            if (id <= last_id)
                return bad(msg, mcap, SEAM_E_CORRUPT, "object ids not increasing", *pos);
            seam_err e = create(s, img_cap, id, seam_be32(p + 4), seam_be16(p + 8),
                                seam_be32(p + 10), *pos, msg, mcap);
            if (e) return e;
            store_slot *sl = &s->slots[id - 1];
            memcpy(s->arena + sl->off, p + REC_OBJECT_FIXED, sl->size);
            last_id = id;
            nobj++;
            break;
        }
        case REC_ROOTS:
            if (roots || r.len != REC_ROOTS_LEN)
                return bad(msg, mcap, SEAM_E_CORRUPT, "malformed roots record", *pos);
            for (unsigned i = 0; i < STORE_ROOTS; i++)
                s->roots[i] = seam_be32(p + 4 * i);
            roots = true;
            break;
        case REC_SNAP_END:
            if (!roots || r.len != REC_SNAP_END_LEN || seam_be32(p) != nobj)
                return bad(msg, mcap, SEAM_E_CORRUPT, "malformed snapshot end record", *pos);
            s->seq = seam_be32(p + 4);
            *pos = r.end;
            return SEAM_OK;
        default:
            return bad(msg, mcap, SEAM_E_CORRUPT, "unexpected record type in the snapshot", *pos);
        }
        *pos = r.end;
    }
}

static seam_err apply(store *s, size_t img_cap, const rec_view *r, size_t pos, char *msg,
                      size_t mcap)
{
    const uint8_t *p = r->payload;
    switch (r->type) {
    case REC_ALLOC:
        if (r->len != REC_ALLOC_LEN)
            return bad(msg, mcap, SEAM_E_CORRUPT, "malformed alloc record", pos);
        return create(s, img_cap, seam_be32(p), seam_be32(p + 4), seam_be16(p + 8),
                      seam_be32(p + 10), pos, msg, mcap);
    case REC_FREE:
        if (r->len != REC_FREE_LEN)
            return bad(msg, mcap, SEAM_E_CORRUPT, "malformed free record", pos);
        if (!store_obj(s, seam_be32(p)))
            return bad(msg, mcap, SEAM_E_CORRUPT, "free of an unknown object", pos);
        store_obj_release(s, seam_be32(p));
        return SEAM_OK;
    case REC_WRITE: {
        if (r->len < REC_WRITE_FIXED)
            return bad(msg, mcap, SEAM_E_CORRUPT, "malformed write record", pos);
        const store_slot *sl = store_obj(s, seam_be32(p));
        if (!sl) return bad(msg, mcap, SEAM_E_CORRUPT, "write to an unknown object", pos);
        uint32_t off = seam_be32(p + 4);
        size_t n = r->len - REC_WRITE_FIXED;
        if (off > sl->size || n > sl->size - off)
            return bad(msg, mcap, SEAM_E_CORRUPT, "write beyond the end of its object", pos);
        memcpy(s->arena + sl->off + off, p + REC_WRITE_FIXED, n);
        return SEAM_OK;
    }
    case REC_ROOT:
        if (r->len != REC_ROOT_LEN || seam_be32(p) >= STORE_ROOTS)
            return bad(msg, mcap, SEAM_E_CORRUPT, "malformed root record", pos);
        s->roots[seam_be32(p)] = seam_be32(p + 4);
        return SEAM_OK;
    default:
        return bad(msg, mcap, SEAM_E_CORRUPT, "unexpected record type in a commit group", pos);
    }
}

seam_err store_replay(store *s, const uint8_t *img, size_t len, size_t *good_end, char *msg,
                      size_t mcap)
{
    size_t img_cap, pos;
    seam_err e = read_header(img, len, &img_cap, &pos, msg, mcap);
    if (e) return e;
    if (img_cap < STORE_MIN_CAPACITY || img_cap > STORE_MAX_CAPACITY)
        return bad(msg, mcap, SEAM_E_CORRUPT, "header capacity out of range", REC_HDR);
    e = read_snapshot(s, img, len, img_cap, &pos, msg, mcap);
    if (e) return e;

    size_t max_payload = img_cap + REC_WRITE_FIXED;
    *good_end = pos;
    while (pos < len) {
        /* Frame and check the whole group before applying any of it. */
        size_t gstart = pos;
        uint32_t n = 0;
        rec_view r;
        for (;;) {
            rec_result rr = rec_read(img, len, pos, max_payload, &r, msg, mcap);
            if (rr == REC_TORN) return SEAM_OK; /* the prefix of a cut write: discarded */
            if (rr == REC_BAD) return SEAM_E_CORRUPT;
            if (r.type < REC_ALLOC || r.type > REC_COMMIT)
                return bad(msg, mcap, SEAM_E_CORRUPT, "unexpected record type in the journal", pos);
            if (r.type == REC_COMMIT) break;
            pos = r.end;
            n++;
        }
        if (r.len != REC_COMMIT_LEN || seam_be32(r.payload + 4) != n || n == 0)
            return bad(msg, mcap, SEAM_E_CORRUPT, "malformed commit record", pos);
        if (seam_be32(r.payload) != s->seq + 1)
            return bad(msg, mcap, SEAM_E_CORRUPT, "commit out of sequence", pos);
        size_t commit_end = r.end;
        for (size_t q = gstart; q < pos;) {
            rec_view g;
            if (rec_read(img, len, q, max_payload, &g, msg, mcap) != REC_OK)
                return bad(msg, mcap, SEAM_E_CORRUPT, "journal changed while read", q);
            e = apply(s, img_cap, &g, q, msg, mcap);
            if (e) return e;
            q = g.end;
        }
        s->seq++;
        pos = commit_end;
        *good_end = pos;
    }
    return SEAM_OK;
}
