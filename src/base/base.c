/*
 * seam base: error strings, constant-time comparison, zeroisation, hex, and the bounded
 * reader/writer over caller-owned bytes (include/seam/base.h).
 *
 * Invariants: nothing here allocates or links a crypto library. A seam_rd get either succeeds
 * completely or leaves the reader unchanged; a seam_wr stops at its first overflow and remembers
 * it in err, so a sequence of puts needs one check at the end.
 */
#include "seam/base.h"

#include <string.h>

const char *seam_strerror(seam_err e)
{
    switch (e) {
    case SEAM_OK:
        return "ok";
    case SEAM_E_ARG:
        return "invalid argument";
    case SEAM_E_LENGTH:
        return "wrong length or buffer too small";
    case SEAM_E_FORMAT:
        return "malformed encoding";
    case SEAM_E_CRYPTO:
        return "cryptographic library failure";
    case SEAM_E_AUTH:
        return "authentication failed";
    case SEAM_E_NOMEM:
        return "out of memory";
    case SEAM_E_FULL:
        return "table or store full";
    case SEAM_E_IO:
        return "I/O error";
    case SEAM_E_CORRUPT:
        return "store image corrupt";
    case SEAM_E_NOT_FOUND:
        return "not found";
    case SEAM_E_EXISTS:
        return "already exists";
    case SEAM_E_STATE:
        return "not allowed in the current state";
    case SEAM_E_TORN:
        return "power cut (torn)";
    case SEAM_E_UNSUPPORTED:
        return "not supported";
    case SEAM_E_PROTOCOL:
        return "protocol violation by the peer";
    case SEAM_E_BLOCKED:
        return "blocked by a try counter";
    case SEAM_E_FAULT:
        return "fault detected";
    }
    return "unknown error";
}

/* The accumulator is volatile so that the compiler cannot stop at the first difference: every
 * byte is read and folded in, and the time depends on n only. */
bool seam_ct_equal(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *pa = a;
    const volatile uint8_t *pb = b;
    volatile uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= (uint8_t)(pa[i] ^ pb[i]);
    return acc == 0;
}

/* explicit_bzero (glibc >= 2.25) is documented never to be optimised away. */
void seam_wipe(void *p, size_t n)
{
    if (p && n) explicit_bzero(p, n);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

seam_err seam_hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!hex || (!out && cap) || !out_len) return SEAM_E_ARG;
    *out_len = 0;
    size_t n = 0;
    int hi = -1;
    for (const char *c = hex; *c; c++) {
        if (*c == ' ' || *c == ':') continue;
        int d = hex_digit(*c);
        if (d < 0) return SEAM_E_FORMAT;
        if (hi < 0) {
            hi = d;
            continue;
        }
        if (n >= cap) return SEAM_E_LENGTH;
        out[n++] = (uint8_t)((hi << 4) | d);
        hi = -1;
    }
    if (hi >= 0) return SEAM_E_FORMAT;
    *out_len = n;
    return SEAM_OK;
}

void seam_hex_encode(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

seam_err seam_rd_u8(seam_rd *r, uint8_t *v)
{
    if (seam_rd_left(r) < 1) return SEAM_E_FORMAT;
    *v = r->p[r->off++];
    return SEAM_OK;
}

seam_err seam_rd_u16(seam_rd *r, uint16_t *v)
{
    if (seam_rd_left(r) < 2) return SEAM_E_FORMAT;
    *v = seam_be16(r->p + r->off);
    r->off += 2;
    return SEAM_OK;
}

seam_err seam_rd_u32(seam_rd *r, uint32_t *v)
{
    if (seam_rd_left(r) < 4) return SEAM_E_FORMAT;
    *v = seam_be32(r->p + r->off);
    r->off += 4;
    return SEAM_OK;
}

seam_err seam_rd_bytes(seam_rd *r, size_t n, const uint8_t **p)
{
    if (seam_rd_left(r) < n) return SEAM_E_FORMAT;
    *p = r->p ? r->p + r->off : NULL; /* no arithmetic on a NULL pointer (empty reader) */
    r->off += n;
    return SEAM_OK;
}

seam_err seam_rd_copy(seam_rd *r, void *out, size_t n)
{
    if (seam_rd_left(r) < n) return SEAM_E_FORMAT;
    if (n) memcpy(out, r->p + r->off, n);
    r->off += n;
    return SEAM_OK;
}

/* Reserves n bytes; NULL (and err set) when they do not fit or an earlier put overflowed. */
static uint8_t *wr_reserve(seam_wr *w, size_t n)
{
    if (w->err != SEAM_OK) return NULL;
    if (w->cap - w->len < n || w->len > w->cap) {
        w->err = SEAM_E_LENGTH;
        return NULL;
    }
    uint8_t *p = w->p + w->len;
    w->len += n;
    return p;
}

void seam_wr_u8(seam_wr *w, uint8_t v)
{
    uint8_t *p = wr_reserve(w, 1);
    if (p) *p = v;
}

void seam_wr_u16(seam_wr *w, uint16_t v)
{
    uint8_t *p = wr_reserve(w, 2);
    if (p) seam_put_be16(p, v);
}

void seam_wr_u32(seam_wr *w, uint32_t v)
{
    uint8_t *p = wr_reserve(w, 4);
    if (p) seam_put_be32(p, v);
}

void seam_wr_bytes(seam_wr *w, const void *src, size_t n)
{
    if (n == 0) return;
    uint8_t *p = wr_reserve(w, n);
    if (p) memmove(p, src, n);
}
