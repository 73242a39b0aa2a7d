/*
 * A growable byte buffer for host tools that build files (the converter's load file writer and
 * its class file stubs). Host side only: the card allocates nothing after power-up and writes
 * into caller-owned buffers (seam_wr in base.h).
 *
 * Puts append big-endian values; the first allocation failure sets oom and later puts do
 * nothing, so a run of puts needs one check at the end. gbuf_free releases the bytes.
 */
#ifndef SEAM_GBUF_H
#define SEAM_GBUF_H

#include "seam/base.h"

typedef struct {
    uint8_t *p;
    size_t len, cap;
    bool oom;
} gbuf;

void gbuf_put(gbuf *b, const void *p, size_t n);
void gbuf_u8(gbuf *b, uint8_t v);
void gbuf_u16(gbuf *b, uint16_t v);
void gbuf_u32(gbuf *b, uint32_t v);
void gbuf_free(gbuf *b);

#endif
