/*
 * Internals shared by the store's files (include/seam/store.h is the contract; docs/store.md
 * the format and the durability argument):
 *   medium.c  the medium: one image (file or memory), append-only, with the tear hook;
 *   record.c  record framing (length, type, CRC-32) and the record layouts;
 *   store.c   the objects in RAM (arena, object table, transactions, undo log), the API;
 *   replay.c  power-up: reading a snapshot and the complete commit groups of the journal.
 *
 * Invariants: every byte that reaches the medium goes through med_append(), which counts it as
 * one low-level write for the tear hook; the image on the medium is always a header record, a
 * complete snapshot and zero or more complete commit groups, followed at most by the prefix of
 * one more group (what a power cut leaves).
 */
#ifndef SEAM_STORE_INT_H
#define SEAM_STORE_INT_H

#include "seam/store.h"

/* ---- medium (medium.c) ---- */

/* One piece of a gathered write. */
typedef struct {
    const void *p;
    size_t n;
} med_piece;

#define MED_MAX_PIECES 8

/* Claims the medium for a store (one store per medium); SEAM_E_STATE if already claimed. */
seam_err med_attach(store_medium *m);
void med_detach(store_medium *m);
/* Deletes a leftover image under construction (PATH.new / the spare buffer). Not a write. */
seam_err med_discard_new(store_medium *m);
/* Reads the whole image. *buf points into the medium (memory) or is malloc'd (*owned true). */
seam_err med_load(store_medium *m, uint8_t **buf, size_t *len, bool *owned);
/* One low-level write: appends the concatenation of the pieces to the image (to_new false) or
 * to the image under construction (to_new true). When the tear hook fires, only a prefix of
 * half the bytes (rounded down) is written and SEAM_E_TORN returned. */
seam_err med_append(store_medium *m, bool to_new, const med_piece *pc, size_t npc);
/* Cuts the image back to len bytes (dropping a torn tail). Counted as one write. */
seam_err med_truncate(store_medium *m, size_t len);
/* Starts an empty image under construction (not a write: an empty PATH.new is discarded). */
seam_err med_new_begin(store_medium *m);
/* Makes the image under construction the image, atomically (rename). Counted as one write. */
seam_err med_new_install(store_medium *m);
/* Makes appended data durable when SEAM_STORE_FSYNC=1 (no-op otherwise and for memory). */
seam_err med_sync(store_medium *m, bool to_new);
size_t med_size(const store_medium *m);
bool med_dead(const store_medium *m);

/* ---- records (record.c) ---- */

/* Header: len u32 | type u8 | 3 zero bytes | hcrc u32 = CRC-32 of the first 8 bytes; then the
 * payload of len bytes; then CRC-32 of header bytes 0..7 followed by the payload. */
#define REC_HDR 12u
#define REC_TRAILER 4u
#define REC_OVERHEAD (REC_HDR + REC_TRAILER)

enum {
    REC_HEADER = 1,   /* magic[8] "SEAMSTOR", version u32, capacity u32 */
    REC_OBJECT = 2,   /* snapshot: id u32, owner u32, type u16, size u32, bytes[size] */
    REC_ROOTS = 3,    /* snapshot: STORE_ROOTS x id u32 */
    REC_SNAP_END = 4, /* snapshot: object count u32, commit sequence u32 */
    REC_ALLOC = 16,   /* group: id u32, owner u32, type u16, size u32 */
    REC_FREE = 17,    /* group: id u32 */
    REC_WRITE = 18,   /* group: id u32, off u32, bytes[len - 8] */
    REC_ROOT = 19,    /* group: idx u32, id u32 */
    REC_COMMIT = 20,  /* group end: sequence u32, record count u32 */
};

#define STORE_MAGIC "SEAMSTOR"
#define STORE_VERSION 1u
#define REC_HEADER_LEN 16u
#define REC_OBJECT_FIXED 14u
#define REC_ROOTS_LEN (4u * STORE_ROOTS)
#define REC_SNAP_END_LEN 8u
#define REC_ALLOC_LEN 14u
#define REC_FREE_LEN 4u
#define REC_WRITE_FIXED 8u
#define REC_ROOT_LEN 8u
#define REC_COMMIT_LEN 8u

uint32_t store_crc32(uint32_t crc, const void *p, size_t n);

/* A record being written: its header and trailer, filled by rec_frame(). */
typedef struct {
    uint8_t hdr[REC_HDR];
    uint8_t trailer[REC_TRAILER];
} rec_frame_buf;

/* Frames a record whose payload is the concatenation of the n pieces; fills pc_out with header,
 * pieces and trailer (n + 2 entries). */
void rec_frame(rec_frame_buf *f, uint8_t type, const med_piece *payload, size_t n,
               med_piece *pc_out);

/* A record read from an image. */
typedef struct {
    uint8_t type;
    const uint8_t *payload;
    size_t len;
    size_t end; /* offset just past the record */
} rec_view;

typedef enum { REC_OK, REC_TORN, REC_BAD } rec_result;

/* Reads the record at pos. REC_TORN: the bytes end before the record does (or its last bytes
 * fail the CRC with nothing after them), as a power cut leaves it. REC_BAD: msg says why. */
rec_result rec_read(const uint8_t *img, size_t len, size_t pos, size_t max_payload, rec_view *r,
                    char *msg, size_t msg_cap);

/* ---- the store (store.c), the parts replay.c needs ---- */

typedef struct {
    uint32_t off;  /* in the arena */
    uint32_t size; /* bytes of the object */
    uint32_t owner;
    uint16_t type;
    uint8_t flags; /* SLOT_* */
    uint32_t prev; /* address-order list: slot index + 1, 0 = none */
    uint32_t next;
} store_slot;

#define SLOT_USED 1u
#define SLOT_FREE_PENDING 2u /* freed in the open transaction: released at commit */
#define SLOT_NEW_IN_TX 4u    /* allocated in the open transaction */

struct store {
    store_medium *m;
    uint8_t *arena;
    size_t cap;
    size_t top;  /* arena bytes below top are objects or holes */
    size_t used; /* arena bytes taken by objects (sizes rounded up to 8) */
    size_t live; /* sum of object sizes, for the compaction trigger */
    store_slot *slots;
    uint32_t nslots; /* table size: ids are 1..nslots */
    uint32_t nobj;
    uint32_t hint; /* no free slot below this index */
    uint32_t hwm;  /* highest id used since open: no object above it (store_next stops there) */
    store_commit_fn commit_hook; /* tests: called after each atomic update is durable */
    void *commit_ctx;
    uint32_t head, tail;
    store_id roots[STORE_ROOTS];
    uint8_t *undo;
    size_t undo_cap, undo_len;
    bool in_tx;
    bool alive;
    bool is_new;
    uint32_t seq;     /* sequence number of the last commit group */
    size_t log_bytes; /* bytes of the image on the medium */
};

/* Creates object id (a free slot) with zeroed bytes. SEAM_E_FULL if it does not fit. */
seam_err store_obj_create(store *s, store_id id, uint32_t owner, uint16_t type, size_t size);
void store_obj_release(store *s, store_id id);
/* The slot of a live object (not pending free), or NULL. */
store_slot *store_obj(const store *s, store_id id);
/* Number of slots for a capacity. */
uint32_t store_slots_for(size_t cap);

/* Replays the image (replay.c) into s, whose arena and table are allocated and empty. Sets
 * s->seq and returns the offset where the complete part ends in *good_end. */
seam_err store_replay(store *s, const uint8_t *img, size_t len, size_t *good_end, char *msg,
                      size_t msg_cap);
/* Reads the capacity recorded in an image's header record (to size the arena). */
seam_err store_image_capacity(const uint8_t *img, size_t len, size_t *cap, char *msg,
                              size_t msg_cap);

#define STORE_MIN_CAPACITY 256u
#define STORE_MAX_CAPACITY (1u << 30)

#endif
