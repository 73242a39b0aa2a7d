/*
 * Fuzz target for the store's power-up (src/se/store/replay.c): arbitrary bytes as the image
 * of a memory medium. store_open must either refuse them with an error or give a store that
 * works: every object reads back, writes, a transaction and a free succeed, and the state
 * survives another power cycle (same digest). Seeds in fuzz/corpus/fuzz_store/ are images
 * written by a small workload.
 *
 * The CRCs stop most mutations at the framing, so an input starting with 'R' is instead read as
 * a list of records (type u8, length u16 BE, payload) that are framed with valid CRCs after a
 * valid header: that reaches the checks of the snapshot and the journal's contents.
 */
#include "seam/store.h"
#include "se/store/store_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CAP (64u * 1024u)

static void fail(void)
{
    abort();
}

static void exercise(store_medium *m, store *s)
{
    uint8_t d1[32], d2[32], buf[64];
    if (store_digest(s, d1) != SEAM_OK) fail();
    store_id last = 0;
    for (store_id id = store_next(s, 0); id; id = store_next(s, id)) {
        size_t size;
        const uint8_t *v = store_view(s, id, &size);
        if (!v) fail();
        size_t n = size < sizeof buf ? size : sizeof buf;
        if (store_read(s, id, 0, buf, n) != SEAM_OK || memcmp(buf, v, n) != 0) fail();
        if (size && store_write(s, id, size - 1, "\x5A", 1) != SEAM_OK) fail();
        last = id;
    }
    for (unsigned i = 0; i < STORE_ROOTS; i++)
        (void)store_root(s, i);
    store_id n;
    seam_err e = store_alloc(s, 1, 2, 24, &n);
    if (e == SEAM_OK && store_write(s, n, 0, "fuzz", 4) != SEAM_OK) fail();
    if (store_tx_begin(s) != SEAM_OK) fail();
    if (last && store_free(s, last) != SEAM_OK) fail();
    if (store_tx_commit(s) != SEAM_OK) fail();
    if (store_digest(s, d1) != SEAM_OK) fail();
    store_close(s);

    char msg[200];
    if (store_open(&s, m, FUZZ_CAP, msg, sizeof msg) != SEAM_OK) fail();
    if (store_digest(s, d2) != SEAM_OK || memcmp(d1, d2, 32) != 0) fail();
    store_close(s);
}

/* Appends one framed record to img at *len. */
static void put(uint8_t *img, size_t *len, uint8_t type, const uint8_t *p, size_t n)
{
    med_piece one = {p, n}, pc[3];
    rec_frame_buf f;
    rec_frame(&f, type, &one, 1, pc);
    for (int i = 0; i < 3; i++) {
        memcpy(img + *len, pc[i].p, pc[i].n);
        *len += pc[i].n;
    }
}

/* Frames the records described by data (after the 'R') into img; returns the image length. */
static size_t frame_records(const uint8_t *data, size_t size, uint8_t *img, size_t cap)
{
    uint8_t h[REC_HEADER_LEN];
    memcpy(h, STORE_MAGIC, 8);
    seam_put_be32(h + 8, STORE_VERSION);
    seam_put_be32(h + 12, FUZZ_CAP);
    size_t len = 0, pos = 1;
    put(img, &len, REC_HEADER, h, sizeof h);
    while (size - pos >= 3) {
        uint8_t type = data[pos];
        size_t n = seam_be16(data + pos + 1);
        pos += 3;
        if (n > size - pos) n = size - pos;
        if (len + n + REC_OVERHEAD > cap) break;
        put(img, &len, type, data + pos, n);
        pos += n;
    }
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t img[1u << 17];
    store_medium *m;
    if (size && data[0] == 'R') {
        size = frame_records(data, size, img, sizeof img);
        data = img;
    }
    if (store_medium_memory(&m) != SEAM_OK) return 0;
    if (store_medium_set_bytes(m, data, size) == SEAM_OK) {
        store *s = NULL;
        char msg[200];
        if (store_open(&s, m, FUZZ_CAP, msg, sizeof msg) == SEAM_OK) exercise(m, s);
    }
    store_medium_free(m);
    return 0;
}
