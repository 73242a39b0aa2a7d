/* The growable byte buffer of include/seam/gbuf.h. */
#include <stdlib.h>
#include <string.h>

#include "seam/gbuf.h"

void gbuf_put(gbuf *b, const void *p, size_t n)
{
    if (b->oom || n == 0) return;
    if (n > b->cap - b->len) {
        size_t ncap = b->cap ? b->cap : 1024;
        while (n > ncap - b->len) {
            if (ncap > SIZE_MAX / 2) {
                b->oom = true;
                return;
            }
            ncap *= 2;
        }
        uint8_t *np = realloc(b->p, ncap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

void gbuf_u8(gbuf *b, uint8_t v)
{
    gbuf_put(b, &v, 1);
}

void gbuf_u16(gbuf *b, uint16_t v)
{
    uint8_t t[2];
    seam_put_be16(t, v);
    gbuf_put(b, t, 2);
}

void gbuf_u32(gbuf *b, uint32_t v)
{
    uint8_t t[4];
    seam_put_be32(t, v);
    gbuf_put(b, t, 4);
}

void gbuf_free(gbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
