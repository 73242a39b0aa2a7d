/*
 * seam base: the one error enum, constant-time helpers, secure zeroisation, hex, and a bounded
 * reader for hostile bytes (every parser in seam reads through it, so none can overrun).
 *
 * Invariants: nothing here allocates; every function that writes takes the output capacity.
 */
#ifndef SEAM_BASE_H
#define SEAM_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The one error enum of seam. Functions return it; the card maps it to a status word in one
 * place (src/se/os). Keep seam_strerror() in step. */
typedef enum {
    SEAM_OK = 0,
    SEAM_E_ARG,         /* invalid argument from the caller (a bug, not hostile input) */
    SEAM_E_LENGTH,      /* output buffer too small, or an input of the wrong length */
    SEAM_E_FORMAT,      /* malformed encoding in hostile input (TLV, APDU, file) */
    SEAM_E_CRYPTO,      /* the crypto library failed */
    SEAM_E_AUTH,        /* a MAC, cryptogram or signature did not verify */
    SEAM_E_NOMEM,       /* out of memory / arena exhausted */
    SEAM_E_FULL,        /* a bounded table or the store is full */
    SEAM_E_IO,          /* file or socket I/O failed */
    SEAM_E_CORRUPT,     /* a store image failed its integrity checks */
    SEAM_E_NOT_FOUND,   /* no such object, key, AID, tag */
    SEAM_E_EXISTS,      /* already exists */
    SEAM_E_STATE,       /* not allowed in the current state */
    SEAM_E_TORN,        /* power was cut (tear hook): the card is dead until the next power-up */
    SEAM_E_UNSUPPORTED, /* well-formed but not supported */
    SEAM_E_PROTOCOL,    /* the peer broke the protocol */
    SEAM_E_BLOCKED,     /* a key set or the card is blocked by a try counter */
    SEAM_E_FAULT,       /* a redundant check disagreed: fault detected */
} seam_err;

const char *seam_strerror(seam_err e);

/* Constant-time comparison: returns true when the n bytes at a and b are equal. Time depends
 * on n only. Use it for every MAC, cryptogram, PIN and key check value. */
bool seam_ct_equal(const void *a, const void *b, size_t n);

/* Zeroise n bytes in a way the compiler cannot remove. */
void seam_wipe(void *p, size_t n);

/* Hex. Decoding accepts upper and lower case and ignores spaces and ':'; anything else, or an
 * odd number of digits, is SEAM_E_FORMAT; more than cap bytes is SEAM_E_LENGTH. */
seam_err seam_hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *out_len);
/* Writes 2n lower-case digits and a NUL; out must hold 2n+1 bytes. */
void seam_hex_encode(const uint8_t *in, size_t n, char *out);

/* Big-endian helpers. */
static inline uint16_t seam_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t seam_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void seam_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void seam_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A bounded reader over hostile bytes (after OpenSSH's sshbuf). Each get checks the remaining
 * length first and fails with SEAM_E_FORMAT, leaving the reader unchanged, if it is short. */
typedef struct {
    const uint8_t *p;
    size_t len;
    size_t off;
} seam_rd;

static inline void seam_rd_init(seam_rd *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->off = 0;
}
static inline size_t seam_rd_left(const seam_rd *r)
{
    return r->len - r->off;
}
seam_err seam_rd_u8(seam_rd *r, uint8_t *v);
seam_err seam_rd_u16(seam_rd *r, uint16_t *v);
seam_err seam_rd_u32(seam_rd *r, uint32_t *v);
/* Points *p at the next n bytes (no copy) and advances. */
seam_err seam_rd_bytes(seam_rd *r, size_t n, const uint8_t **p);
seam_err seam_rd_copy(seam_rd *r, void *out, size_t n);

/* A bounded writer into a caller-owned buffer. The first overflow sets err = SEAM_E_LENGTH;
 * later puts are ignored, so a sequence of puts needs one check at the end. */
typedef struct {
    uint8_t *p;
    size_t cap;
    size_t len;
    seam_err err;
} seam_wr;

static inline void seam_wr_init(seam_wr *w, uint8_t *p, size_t cap)
{
    w->p = p;
    w->cap = cap;
    w->len = 0;
    w->err = SEAM_OK;
}
void seam_wr_u8(seam_wr *w, uint8_t v);
void seam_wr_u16(seam_wr *w, uint16_t v);
void seam_wr_u32(seam_wr *w, uint32_t v);
void seam_wr_bytes(seam_wr *w, const void *p, size_t n);

/* Logging to stderr. Never pass secrets. Level from SEAM_LOG (error|warn|info|debug), default
 * warn. */
typedef enum { SEAM_LOG_ERROR, SEAM_LOG_WARN, SEAM_LOG_INFO, SEAM_LOG_DEBUG } seam_log_level;
void seam_log(seam_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define SEAM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
