/*
 * The secure element's persistent store: one image per SE, holding the registry, keys and
 * (later) the Java Card persistent heap as many small objects.
 *
 * Semantics are Java Card's (JCRE spec §7): store_write() outside a transaction is atomic and
 * durable when it returns; inside store_tx_begin()/store_tx_commit() all writes, allocations
 * and frees become durable together at commit, or not at all (store_tx_abort(), or a power
 * cut before commit). Reads always see the latest writes, committed or not.
 *
 * Durability: "power cut" means the process dies at any instant. Every low-level write to the
 * medium goes through one function that the tear hook can stop at the N-th write (leaving a
 * prefix of that write on the medium, as a dying process does). The next store_open() of the
 * medium sees exactly the state after the last completed atomic update — never a mix — and a
 * corrupt or truncated image is refused with SEAM_E_CORRUPT and a message, never used.
 *
 * Memory: objects live in RAM in a bounded arena sized at open (a card has fixed NVM); the
 * store allocates nothing else after open. Allocation beyond it is SEAM_E_FULL.
 */
#ifndef SEAM_STORE_H
#define SEAM_STORE_H

#include "seam/base.h"

/* ---- the medium: where the image lives (a file, or memory that outlives a store) ---- */
typedef struct store_medium store_medium;

/* A file-backed medium. The file need not exist (a fresh card). */
seam_err store_medium_file(store_medium **out, const char *path);
/* A memory medium: it keeps its bytes across store_close()/store_open(), so a test can cut
 * power and power up again on the same "chip". */
seam_err store_medium_memory(store_medium **out);
void store_medium_free(store_medium *m);
/* Tear hook: cut power at the n-th low-level write from now (1 = the next one); 0 disables.
 * After the cut every write fails with SEAM_E_TORN until store_medium_power_cycle(). */
void store_medium_set_tear(store_medium *m, unsigned long n);
/* Number of low-level writes done since the medium was created. */
unsigned long store_medium_writes(const store_medium *m);
/* True once the tear hook has fired (until the next power cycle). */
bool store_medium_torn(const store_medium *m);
/* Power comes back: the torn flag is cleared, the medium keeps whatever bytes it has. */
void store_medium_power_cycle(store_medium *m);
/* Raw image access for tests and fuzzing (memory media only; SEAM_E_UNSUPPORTED for files):
 * copy the current bytes out, or replace them. */
seam_err store_medium_get_bytes(const store_medium *m, uint8_t **bytes, size_t *len); /* malloc'd */
seam_err store_medium_set_bytes(store_medium *m, const uint8_t *bytes, size_t len);

/* ---- the store ---- */
typedef struct store store;
typedef uint32_t store_id; /* 0 is never a valid object */

#define STORE_DEFAULT_CAPACITY (4u * 1024u * 1024u)
#define STORE_ROOTS 16

/* Opens (powers up) the store on a medium: checks the image, replays or discards the journal.
 * An empty medium gives an empty store (store_is_new() true). On SEAM_E_CORRUPT the message
 * says what is wrong. capacity bounds the bytes of all objects together. */
seam_err store_open(store **out, store_medium *m, size_t capacity, char *msg, size_t msg_cap);
void store_close(store *s); /* frees RAM only; never writes */
bool store_is_new(const store *s);

/* Objects: zero-filled at allocation; owner and type are the caller's numbers (owner = the
 * context: an application or security domain; type = what the object holds). */
seam_err store_alloc(store *s, uint32_t owner, uint16_t type, size_t size, store_id *out);
seam_err store_free(store *s, store_id id);
seam_err store_info(const store *s, store_id id, uint32_t *owner, uint16_t *type, size_t *size);
/* Read-only view of an object's bytes; valid until the next alloc/free/abort. NULL if no such
 * object. */
const uint8_t *store_view(const store *s, store_id id, size_t *size);
seam_err store_read(const store *s, store_id id, size_t off, void *out, size_t len);
seam_err store_write(store *s, store_id id, size_t off, const void *data, size_t len);
/* A write that does not take part in an open transaction (JCRE §7.7 arrayCopyNonAtomic; the
 * OwnerPIN try counter, API "OwnerPIN": "update of internal state shall not participate in the
 * transaction"): atomic and durable when it returns, even inside store_tx_begin/commit, and
 * never undone by store_tx_abort or a power cut before the commit. Bytes written inside the
 * transaction before it and overlapping it keep this write's value after an abort (the later
 * write wins; docs/store.md). On an object allocated in the open transaction it is an ordinary
 * transactional write (the abort frees the object). Outside a transaction it is store_write. */
seam_err store_write_nontx(store *s, store_id id, size_t off, const void *data, size_t len);
/* Iteration in id order: start with 0; returns 0 at the end. */
store_id store_next(const store *s, store_id after);

/* Named roots: small fixed table of object ids in the image, updated like any write. */
store_id store_root(const store *s, unsigned idx);
seam_err store_set_root(store *s, unsigned idx, store_id id);

/* Transactions (Java Card: one level, no nesting). */
seam_err store_tx_begin(store *s);  /* SEAM_E_STATE if one is open */
seam_err store_tx_commit(store *s); /* SEAM_E_STATE if none is open */
seam_err store_tx_abort(store *s);  /* restores RAM to the state at begin */
bool store_in_tx(const store *s);

/* Bytes used / capacity, for GET DATA free memory and tests. */
size_t store_used(const store *s);
size_t store_capacity(const store *s);

/* SHA-256 over the canonical content (every object's id, owner, type, bytes, and the roots),
 * for tests that compare states. */
seam_err store_digest(const store *s, uint8_t out[32]);

/* Test hook: fn is called after every atomic update has become durable (a write, alloc, free
 * or root change outside a transaction, or a commit), so a tear test knows every state a
 * power-up may legitimately show. NULL removes it. */
typedef void (*store_commit_fn)(void *ctx, store *s);
void store_set_commit_hook(store *s, store_commit_fn fn, void *ctx);

/* Whether the store still works: false after a power cut (the hook fired) until reopened. */
bool store_alive(const store *s);

#endif
