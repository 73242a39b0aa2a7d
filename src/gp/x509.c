/*
 * X.509 v3 certificate parser for the card and the hosts (RFC 5280 §4.1, encoded in DER per
 * ITU-T X.690 §8 and §10-11), restricted to ecdsa-with-SHA256 and P-256 keys as Amendment F
 * and seam's PKI use them. The contract is in include/seam/x509.h; docs/x509.md lists the rules.
 *
 * Invariants:
 *  - every read of the certificate goes through a bounded reader (seam_rd): no byte outside
 *    [der, der + len) is ever read, and every length is checked against what encloses it;
 *  - every TLV is strict DER: single-octet tags (low tag numbers, X.690 §8.1.2.2), definite
 *    lengths in the fewest octets (§10.1), INTEGERs in the fewest octets (§8.3.2), BOOLEAN TRUE
 *    as FF (§11.1), BIT STRING unused bits 0-7 and zero (§11.2), DEFAULT values omitted
 *    (§11.5), SET OF sorted (§11.6), and each structure ends exactly where its length says;
 *  - nesting is bounded by the fixed shape of the certificate plus X509_MAX_DEPTH inside
 *    ANY-typed values; tables are fixed-size; nothing allocates;
 *  - on failure the output structure is zeroed, so no caller can use half a certificate.
 * Signatures go through include/seam/crypto.h (SHA-256, ECDSA P-256); the chain rules live in
 * x509_chain.c.
 */
#include "seam/der.h"
#include "seam/x509.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "seam/crypto.h"

/* Universal tags (X.690 §8.1.2, X.680 §8.4) and the context tags RFC 5280 uses. */
#define TAG_BOOLEAN 0x01
#define TAG_INTEGER 0x02
#define TAG_BIT_STRING 0x03
#define TAG_OCTET_STRING 0x04
#define TAG_NULL 0x05
#define TAG_OID 0x06
#define TAG_UTC_TIME 0x17
#define TAG_GENERALIZED_TIME 0x18
#define TAG_SEQUENCE 0x30
#define TAG_SET 0x31
#define TAG_CTX0_CONS 0xA0 /* [0] EXPLICIT version */
#define TAG_CTX1_PRIM 0x81 /* issuerUniqueID */
#define TAG_CTX2_PRIM 0x82 /* subjectUniqueID; AKI authorityCertSerialNumber */
#define TAG_CTX3_CONS 0xA3 /* [3] EXPLICIT extensions */
#define TAG_CTX0_PRIM 0x80 /* AKI keyIdentifier [0] IMPLICIT */
#define TAG_CTX1_CONS 0xA1 /* AKI authorityCertIssuer [1] IMPLICIT GeneralNames */

#define SERIAL_MAX 20 /* RFC 5280 §4.1.2.2 */
#define KEY_ID_MAX 64 /* a bound on SKI/AKI key identifiers (RFC 5280 uses 20-byte SHA-1) */

/* Encodings of the object identifiers seam knows (content octets, X.690 §8.19). */
static const uint8_t OID_ECDSA_SHA256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
static const uint8_t OID_EC_PUBLIC_KEY[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
static const uint8_t OID_PRIME256V1[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t OID_BASIC_CONSTRAINTS[] = {0x55, 0x1d, 0x13};
static const uint8_t OID_KEY_USAGE[] = {0x55, 0x1d, 0x0f};
static const uint8_t OID_SUBJECT_KEY_ID[] = {0x55, 0x1d, 0x0e};
static const uint8_t OID_AUTHORITY_KEY_ID[] = {0x55, 0x1d, 0x23};
static const uint8_t OID_CERT_POLICIES[] = {0x55, 0x1d, 0x20};

/* The parse context: where a failure's reason goes. */
typedef struct {
    char *err;
    size_t errcap;
} pctx;

static seam_err fail(pctx *c, seam_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static seam_err fail(pctx *c, seam_err e, const char *fmt, ...)
{
    if (c->err && c->errcap && c->err[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errcap, fmt, ap);
        va_end(ap);
    }
    return e;
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        seam_err e_ = (x);                                                                         \
        if (e_ != SEAM_OK) return e_;                                                              \
    } while (0)

static bool span_eq(const uint8_t *p, size_t n, const uint8_t *q, size_t m)
{
    return n == m && (n == 0 || memcmp(p, q, n) == 0);
}

/* ---- the DER reader ---- */

typedef der_el tlv;

/* Reads the next TLV of r with the shared DER reader (include/seam/der.h); RFC 5280 needs no
 * high tag numbers and no indefinite lengths. */
static seam_err der_read(pctx *c, seam_rd *r, tlv *t, const char *what)
{
    const char *why = der_get(r, t);
    return why ? fail(c, SEAM_E_FORMAT, "%s: %s", what, why) : SEAM_OK;
}

static bool der_peek(const seam_rd *r, uint8_t tag)
{
    return seam_rd_left(r) > 0 && r->p[r->off] == tag;
}

/* Reads a TLV that must carry the given tag. */
static seam_err der_expect(pctx *c, seam_rd *r, uint8_t tag, tlv *t, const char *what)
{
    memset(t, 0, sizeof *t);
    if (seam_rd_left(r) == 0) return fail(c, SEAM_E_FORMAT, "%s: missing", what);
    if (r->p[r->off] != tag)
        return fail(c, SEAM_E_FORMAT, "%s: tag %02x, expected %02x", what, r->p[r->off], tag);
    return der_read(c, r, t, what);
}

/* Reads a constructed TLV with the given tag and opens a reader on its content. */
static seam_err der_enter(pctx *c, seam_rd *r, uint8_t tag, seam_rd *in, tlv *t, const char *what)
{
    tlv local;
    if (!t) t = &local;
    TRY(der_expect(c, r, tag, t, what));
    seam_rd_init(in, t->v, t->vlen);
    return SEAM_OK;
}

static seam_err der_end(pctx *c, const seam_rd *r, const char *what)
{
    if (seam_rd_left(r) != 0) return fail(c, SEAM_E_FORMAT, "%s: trailing bytes", what);
    return SEAM_OK;
}

/* ---- primitive content checks ---- */

/* INTEGER content (X.690 §8.3.2): at least one octet, and the first nine bits not all equal. */
static seam_err check_integer(pctx *c, const tlv *t, const char *what)
{
    if (t->vlen == 0) return fail(c, SEAM_E_FORMAT, "%s: empty INTEGER", what);
    if (t->vlen > 1 &&
        ((t->v[0] == 0x00 && !(t->v[1] & 0x80)) || (t->v[0] == 0xff && (t->v[1] & 0x80))))
        return fail(c, SEAM_E_FORMAT, "%s: non-minimal INTEGER", what);
    return SEAM_OK;
}

/* A small non-negative INTEGER into *v (at most 31 bits). */
static seam_err read_small_uint(pctx *c, seam_rd *r, int32_t *v, const char *what)
{
    tlv t;
    TRY(der_expect(c, r, TAG_INTEGER, &t, what));
    TRY(check_integer(c, &t, what));
    if (t.v[0] & 0x80) return fail(c, SEAM_E_FORMAT, "%s: negative", what);
    if (t.vlen > 4) /* non-negative and minimal: 4 octets hold at most 2^31 - 1 */
        return fail(c, SEAM_E_UNSUPPORTED, "%s: too large", what);
    uint32_t x = 0;
    for (size_t i = 0; i < t.vlen; i++)
        x = (x << 8) | t.v[i];
    *v = (int32_t)x;
    return SEAM_OK;
}

/* BOOLEAN content (X.690 §8.2, §11.1): one octet, 00 or FF. */
static seam_err check_boolean(pctx *c, const tlv *t, const char *what)
{
    if (t->vlen != 1 || (t->v[0] != 0x00 && t->v[0] != 0xff))
        return fail(c, SEAM_E_FORMAT, "%s: BOOLEAN not 00 or FF", what);
    return SEAM_OK;
}

/* BIT STRING content (X.690 §8.6.2, §11.2.1): an initial octet of unused bits 0-7, 0 when the
 * string is empty, and the unused bits of the last octet zero. */
static seam_err check_bit_string(pctx *c, const tlv *t, const char *what)
{
    if (t->vlen == 0) return fail(c, SEAM_E_FORMAT, "%s: empty BIT STRING", what);
    uint8_t unused = t->v[0];
    if (unused > 7 || (t->vlen == 1 && unused != 0))
        return fail(c, SEAM_E_FORMAT, "%s: bad unused bits", what);
    if (unused && (t->v[t->vlen - 1] & ((1u << unused) - 1)))
        return fail(c, SEAM_E_FORMAT, "%s: unused bits not zero", what);
    return SEAM_OK;
}

/* OBJECT IDENTIFIER content (X.690 §8.19.2): non-empty, each subidentifier in the fewest
 * octets (no leading 0x80) and the last octet ends a subidentifier. */
static seam_err check_oid(pctx *c, const tlv *t, const char *what)
{
    if (t->vlen == 0) return fail(c, SEAM_E_FORMAT, "%s: empty OID", what);
    bool at_start = true;
    for (size_t i = 0; i < t->vlen; i++) {
        if (at_start && t->v[i] == 0x80) return fail(c, SEAM_E_FORMAT, "%s: non-minimal OID", what);
        at_start = !(t->v[i] & 0x80);
    }
    if (!at_start) return fail(c, SEAM_E_FORMAT, "%s: truncated OID", what);
    return SEAM_OK;
}

static seam_err read_oid(pctx *c, seam_rd *r, tlv *t, const char *what)
{
    TRY(der_expect(c, r, TAG_OID, t, what));
    return check_oid(c, t, what);
}

/* Any DER value (for ANY-typed fields: attribute values, policy qualifiers, AKI names): walks
 * it and checks the encodings of the universal types whose DER rules are local. */
static seam_err check_any(pctx *c, const tlv *t, int depth, const char *what)
{
    if (depth > X509_MAX_DEPTH) return fail(c, SEAM_E_FORMAT, "%s: nested too deep", what);
    /* Universal class: end-of-contents never appears in DER, SEQUENCE and SET are always
     * constructed, and everything else (strings included, X.690 §10.2) always primitive. */
    if ((t->tag & 0xc0) == 0) {
        uint8_t num = t->tag & 0x1f;
        bool cons = (t->tag & 0x20) != 0;
        if (num == 0 || cons != (num == 0x10 || num == 0x11))
            return fail(c, SEAM_E_FORMAT, "%s: universal tag %02x in the wrong form", what, t->tag);
    }
    if (t->tag & 0x20) {
        seam_rd in;
        seam_rd_init(&in, t->v, t->vlen);
        while (seam_rd_left(&in)) {
            tlv sub;
            TRY(der_read(c, &in, &sub, what));
            TRY(check_any(c, &sub, depth + 1, what));
        }
        return SEAM_OK;
    }
    switch (t->tag) {
    case TAG_BOOLEAN:
        return check_boolean(c, t, what);
    case TAG_INTEGER:
        return check_integer(c, t, what);
    case TAG_BIT_STRING:
        return check_bit_string(c, t, what);
    case TAG_NULL:
        return t->vlen == 0 ? SEAM_OK : fail(c, SEAM_E_FORMAT, "%s: NULL with content", what);
    case TAG_OID:
        return check_oid(c, t, what);
    default:
        return SEAM_OK;
    }
}

/* ---- AlgorithmIdentifier, Name, Validity, SubjectPublicKeyInfo ---- */

/* AlgorithmIdentifier for ecdsa-with-SHA256: SEQUENCE { OID } with parameters absent
 * (RFC 5758 §3.2). Anything else is a well-formed algorithm seam does not accept. */
static seam_err read_sig_alg(pctx *c, seam_rd *r, tlv *whole, const char *what)
{
    seam_rd in;
    tlv oid;
    TRY(der_enter(c, r, TAG_SEQUENCE, &in, whole, what));
    TRY(read_oid(c, &in, &oid, what));
    if (!span_eq(oid.v, oid.vlen, OID_ECDSA_SHA256, sizeof OID_ECDSA_SHA256))
        return fail(c, SEAM_E_UNSUPPORTED, "%s: not ecdsa-with-SHA256", what);
    if (seam_rd_left(&in)) return fail(c, SEAM_E_FORMAT, "%s: parameters present", what);
    return SEAM_OK;
}

static int cmp_padded(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t n = alen > blen ? alen : blen;
    for (size_t i = 0; i < n; i++) {
        uint8_t x = i < alen ? a[i] : 0, y = i < blen ? b[i] : 0;
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

/* Name ::= SEQUENCE OF RelativeDistinguishedName; RDN ::= SET SIZE (1..MAX) OF
 * AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY } (RFC 5280 §4.1.2.4). The SET OF
 * must be in DER order (X.690 §11.6). An empty Name is refused: the issuer MUST be non-empty
 * and seam does not process subjectAltName, which an empty subject would need. */
static seam_err read_name(pctx *c, seam_rd *r, x509_span *out, const char *what)
{
    seam_rd in;
    tlv whole;
    TRY(der_enter(c, r, TAG_SEQUENCE, &in, &whole, what));
    if (seam_rd_left(&in) == 0) return fail(c, SEAM_E_FORMAT, "%s: empty name", what);
    while (seam_rd_left(&in)) {
        seam_rd rdn;
        TRY(der_enter(c, &in, TAG_SET, &rdn, NULL, what));
        if (seam_rd_left(&rdn) == 0) return fail(c, SEAM_E_FORMAT, "%s: empty RDN", what);
        const uint8_t *prev = NULL;
        size_t prev_len = 0;
        while (seam_rd_left(&rdn)) {
            seam_rd atv;
            tlv a, oid, val;
            TRY(der_enter(c, &rdn, TAG_SEQUENCE, &atv, &a, what));
            TRY(read_oid(c, &atv, &oid, what));
            TRY(der_read(c, &atv, &val, what));
            TRY(check_any(c, &val, 1, what));
            TRY(der_end(c, &atv, what));
            /* X.690 §11.6: ascending order, the shorter padded with trailing zero octets. */
            if (prev && cmp_padded(prev, prev_len, a.all, a.alen) > 0)
                return fail(c, SEAM_E_FORMAT, "%s: SET OF not in DER order", what);
            prev = a.all;
            prev_len = a.alen;
        }
    }
    out->p = whole.all;
    out->len = whole.alen;
    return SEAM_OK;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t x509_time_from_civil(int year, int month, int day, int hour, int min, int sec)
{
    /* Days since 1970-01-01 of a proleptic Gregorian date (the era-based civil calendar
     * formula: years counted from March so the leap day ends the year). */
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    return days * 86400 + hour * 3600 + min * 60 + sec;
}

static bool digits(const uint8_t *p, size_t n, int *v)
{
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return false;
        x = x * 10 + (p[i] - '0');
    }
    *v = x;
    return true;
}

/* Time ::= CHOICE { utcTime, generalTime } per RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ
 * (§4.1.2.5.1, YY >= 50 is 19YY) for years through 2049, GeneralizedTime YYYYMMDDHHMMSSZ
 * (§4.1.2.5.2, no fraction) from 2050; seconds present, 'Z' only. */
static seam_err read_time(pctx *c, seam_rd *r, int64_t *out, const char *what)
{
    tlv t;
    TRY(der_read(c, r, &t, what));
    int year, mon, day, hh, mm, ss;
    const uint8_t *p = t.v;
    if (t.tag == TAG_UTC_TIME) {
        if (t.vlen != 13 || p[12] != 'Z' || !digits(p, 2, &year))
            return fail(c, SEAM_E_FORMAT, "%s: bad UTCTime", what);
        year += year >= 50 ? 1900 : 2000;
        p += 2;
    } else if (t.tag == TAG_GENERALIZED_TIME) {
        if (t.vlen != 15 || p[14] != 'Z' || !digits(p, 4, &year))
            return fail(c, SEAM_E_FORMAT, "%s: bad GeneralizedTime", what);
        if (year < 2050) return fail(c, SEAM_E_FORMAT, "%s: GeneralizedTime before 2050", what);
        p += 4;
    } else {
        return fail(c, SEAM_E_FORMAT, "%s: not a time", what);
    }
    if (!digits(p, 2, &mon) || !digits(p + 2, 2, &day) || !digits(p + 4, 2, &hh) ||
        !digits(p + 6, 2, &mm) || !digits(p + 8, 2, &ss))
        return fail(c, SEAM_E_FORMAT, "%s: bad time digits", what);
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] + (mon == 2 && leap(year)) ||
        hh > 23 || mm > 59 || ss > 59)
        return fail(c, SEAM_E_FORMAT, "%s: time out of range", what);
    *out = x509_time_from_civil(year, mon, day, hh, mm, ss);
    return SEAM_OK;
}

/* SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) with id-ecPublicKey and namedCurve prime256v1
 * (RFC 5480 §2.1.1), the key an uncompressed point (RFC 5480 §2.2) on the curve. */
static seam_err read_spki(pctx *c, seam_rd *r, x509_cert *cert)
{
    seam_rd in, alg;
    tlv oid, curve, bits;
    const char *what = "subjectPublicKeyInfo";
    TRY(der_enter(c, r, TAG_SEQUENCE, &in, NULL, what));
    TRY(der_enter(c, &in, TAG_SEQUENCE, &alg, NULL, what));
    TRY(read_oid(c, &alg, &oid, what));
    if (!span_eq(oid.v, oid.vlen, OID_EC_PUBLIC_KEY, sizeof OID_EC_PUBLIC_KEY))
        return fail(c, SEAM_E_UNSUPPORTED, "%s: not an EC key", what);
    if (!der_peek(&alg, TAG_OID))
        return fail(c, SEAM_E_UNSUPPORTED, "%s: EC parameters not a named curve", what);
    TRY(read_oid(c, &alg, &curve, what));
    if (!span_eq(curve.v, curve.vlen, OID_PRIME256V1, sizeof OID_PRIME256V1))
        return fail(c, SEAM_E_UNSUPPORTED, "%s: curve is not P-256", what);
    TRY(der_end(c, &alg, what));
    TRY(der_expect(c, &in, TAG_BIT_STRING, &bits, what));
    TRY(check_bit_string(c, &bits, what));
    TRY(der_end(c, &in, what));
    if (bits.vlen != 1 + CR_P256_PUB_LEN || bits.v[0] != 0 || bits.v[1] != 0x04)
        return fail(c, SEAM_E_UNSUPPORTED, "%s: not an uncompressed P-256 point", what);
    if (cr_p256_check_public(bits.v + 1, CR_P256_PUB_LEN) != SEAM_OK)
        return fail(c, SEAM_E_FORMAT, "%s: point not on the curve", what);
    cert->pub = bits.v + 1;
    return SEAM_OK;
}

/* ---- extensions (RFC 5280 §4.2) ---- */

/* basicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX)
 * OPTIONAL } (§4.2.1.9). DER omits cA FALSE (X.690 §11.5); a path length without cA is
 * refused (CAs MUST NOT include it then). */
static seam_err ext_basic_constraints(pctx *c, seam_rd *r, x509_cert *cert)
{
    const char *what = "basicConstraints";
    seam_rd in;
    TRY(der_enter(c, r, TAG_SEQUENCE, &in, NULL, what));
    if (der_peek(&in, TAG_BOOLEAN)) {
        tlv b;
        TRY(der_read(c, &in, &b, what));
        TRY(check_boolean(c, &b, what));
        if (b.v[0] != 0xff) return fail(c, SEAM_E_FORMAT, "%s: cA FALSE encoded", what);
        cert->ca = true;
    }
    if (seam_rd_left(&in)) {
        if (!cert->ca) return fail(c, SEAM_E_FORMAT, "%s: pathLen without cA", what);
        TRY(read_small_uint(c, &in, &cert->path_len, what));
    }
    return der_end(c, &in, what);
}

/* KeyUsage ::= BIT STRING, a named bit list (§4.2.1.3): DER drops trailing zero bits (X.690
 * §11.2.2), at least one bit is set, and only bits 0-8 exist. */
static seam_err ext_key_usage(pctx *c, seam_rd *r, x509_cert *cert)
{
    const char *what = "keyUsage";
    tlv t;
    TRY(der_expect(c, r, TAG_BIT_STRING, &t, what));
    TRY(check_bit_string(c, &t, what));
    if (t.vlen < 2 || t.vlen > 3) return fail(c, SEAM_E_FORMAT, "%s: bad length", what);
    uint8_t last = t.v[t.vlen - 1];
    if (last == 0 || (last & (1u << t.v[0])) == 0)
        return fail(c, SEAM_E_FORMAT, "%s: trailing zero bits not removed", what);
    uint16_t ku = 0;
    for (unsigned i = 0; i < 8 * (t.vlen - 1); i++)
        if (t.v[1 + i / 8] & (0x80u >> (i % 8))) {
            if (i > 8) return fail(c, SEAM_E_FORMAT, "%s: unknown bit", what);
            ku |= (uint16_t)(1u << i);
        }
    cert->key_usage = ku;
    return SEAM_OK;
}

static seam_err key_id(pctx *c, const tlv *t, x509_span *out, const char *what)
{
    if (t->vlen == 0 || t->vlen > KEY_ID_MAX)
        return fail(c, SEAM_E_FORMAT, "%s: key identifier length", what);
    out->p = t->v;
    out->len = t->vlen;
    return SEAM_OK;
}

/* SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING (§4.2.1.2). */
static seam_err ext_ski(pctx *c, seam_rd *r, x509_cert *cert)
{
    tlv t;
    TRY(der_expect(c, r, TAG_OCTET_STRING, &t, "subjectKeyIdentifier"));
    return key_id(c, &t, &cert->ski, "subjectKeyIdentifier");
}

/* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OPTIONAL,
 * authorityCertIssuer [1] IMPLICIT GeneralNames OPTIONAL, authorityCertSerialNumber [2]
 * IMPLICIT INTEGER OPTIONAL } (§4.2.1.1); the last two both or neither. */
static seam_err ext_aki(pctx *c, seam_rd *r, x509_cert *cert)
{
    const char *what = "authorityKeyIdentifier";
    seam_rd in;
    tlv t;
    TRY(der_enter(c, r, TAG_SEQUENCE, &in, NULL, what));
    if (der_peek(&in, TAG_CTX0_PRIM)) {
        TRY(der_read(c, &in, &t, what));
        TRY(key_id(c, &t, &cert->aki, what));
    }
    bool names = der_peek(&in, TAG_CTX1_CONS);
    if (names) {
        TRY(der_read(c, &in, &t, what));
        if (t.vlen == 0) return fail(c, SEAM_E_FORMAT, "%s: empty GeneralNames", what);
        TRY(check_any(c, &t, 1, what));
    }
    if (der_peek(&in, TAG_CTX2_PRIM) != names)
        return fail(c, SEAM_E_FORMAT, "%s: issuer and serial not together", what);
    if (names) {
        TRY(der_read(c, &in, &t, what));
        TRY(check_integer(c, &t, what));
    }
    return der_end(c, &in, what);
}

/* certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation ::= SEQUENCE {
 * policyIdentifier OID, policyQualifiers SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }
 * (§4.2.1.4); a policy OID appears at most once. The OIDs are kept for the caller. */
static seam_err ext_policies(pctx *c, seam_rd *r, x509_cert *cert)
{
    const char *what = "certificatePolicies";
    seam_rd in;
    TRY(der_enter(c, r, TAG_SEQUENCE, &in, NULL, what));
    if (seam_rd_left(&in) == 0) return fail(c, SEAM_E_FORMAT, "%s: empty", what);
    while (seam_rd_left(&in)) {
        seam_rd pi;
        tlv oid;
        TRY(der_enter(c, &in, TAG_SEQUENCE, &pi, NULL, what));
        TRY(read_oid(c, &pi, &oid, what));
        if (seam_rd_left(&pi)) {
            seam_rd qs;
            TRY(der_enter(c, &pi, TAG_SEQUENCE, &qs, NULL, what));
            if (seam_rd_left(&qs) == 0) return fail(c, SEAM_E_FORMAT, "%s: empty qualifiers", what);
            while (seam_rd_left(&qs)) {
                seam_rd q;
                tlv qid, qv;
                TRY(der_enter(c, &qs, TAG_SEQUENCE, &q, NULL, what));
                TRY(read_oid(c, &q, &qid, what));
                TRY(der_read(c, &q, &qv, what));
                TRY(check_any(c, &qv, 1, what));
                TRY(der_end(c, &q, what));
            }
        }
        TRY(der_end(c, &pi, what));
        for (size_t i = 0; i < cert->n_policies; i++)
            if (span_eq(cert->policies[i].p, cert->policies[i].len, oid.v, oid.vlen))
                return fail(c, SEAM_E_FORMAT, "%s: policy repeated", what);
        if (cert->n_policies == X509_MAX_POLICIES)
            return fail(c, SEAM_E_UNSUPPORTED, "%s: too many policies", what);
        cert->policies[cert->n_policies].p = oid.v;
        cert->policies[cert->n_policies].len = oid.vlen;
        cert->n_policies++;
    }
    return SEAM_OK;
}

typedef seam_err (*ext_fn)(pctx *, seam_rd *, x509_cert *);

static const struct {
    const uint8_t *oid;
    size_t len;
    uint32_t bit;
    ext_fn parse;
} known_ext[] = {
    {OID_BASIC_CONSTRAINTS, sizeof OID_BASIC_CONSTRAINTS, X509_EXT_BASIC_CONSTRAINTS,
     ext_basic_constraints},
    {OID_KEY_USAGE, sizeof OID_KEY_USAGE, X509_EXT_KEY_USAGE, ext_key_usage},
    {OID_SUBJECT_KEY_ID, sizeof OID_SUBJECT_KEY_ID, X509_EXT_SUBJECT_KEY_ID, ext_ski},
    {OID_AUTHORITY_KEY_ID, sizeof OID_AUTHORITY_KEY_ID, X509_EXT_AUTHORITY_KEY_ID, ext_aki},
    {OID_CERT_POLICIES, sizeof OID_CERT_POLICIES, X509_EXT_CERT_POLICIES, ext_policies},
};

/* Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
 * (RFC 5280 §4.1). Reads one from r into *x. */
static seam_err read_extension(pctx *c, seam_rd *r, x509_ext *x)
{
    const char *what = "extension";
    seam_rd in;
    tlv oid, t;
    memset(x, 0, sizeof *x);
    TRY(der_enter(c, r, TAG_SEQUENCE, &in, NULL, what));
    TRY(read_oid(c, &in, &oid, what));
    x->critical = false;
    if (der_peek(&in, TAG_BOOLEAN)) {
        TRY(der_read(c, &in, &t, what));
        TRY(check_boolean(c, &t, what));
        if (t.v[0] != 0xff) return fail(c, SEAM_E_FORMAT, "%s: critical FALSE encoded", what);
        x->critical = true;
    }
    TRY(der_expect(c, &in, TAG_OCTET_STRING, &t, what));
    TRY(der_end(c, &in, what));
    x->oid.p = oid.v;
    x->oid.len = oid.vlen;
    x->value.p = t.v;
    x->value.len = t.vlen;
    return SEAM_OK;
}

/* extensions [3] EXPLICIT SEQUENCE SIZE (1..MAX) OF Extension (§4.1.2.9); each extension at
 * most once (§4.2), at most X509_MAX_EXTENSIONS of them (so the repeat check stays small). */
static seam_err read_extensions(pctx *c, seam_rd *r, x509_cert *cert)
{
    seam_rd outer, in;
    tlv seq;
    TRY(der_enter(c, r, TAG_CTX3_CONS, &outer, NULL, "extensions"));
    TRY(der_enter(c, &outer, TAG_SEQUENCE, &in, &seq, "extensions"));
    TRY(der_end(c, &outer, "extensions"));
    if (seam_rd_left(&in) == 0) return fail(c, SEAM_E_FORMAT, "extensions: empty");
    cert->extensions.p = seq.v;
    cert->extensions.len = seq.vlen;
    size_t first = in.off, count = 0;
    while (seam_rd_left(&in)) {
        size_t here = in.off;
        if (++count > X509_MAX_EXTENSIONS)
            return fail(c, SEAM_E_UNSUPPORTED, "extensions: more than %d", X509_MAX_EXTENSIONS);
        x509_ext x;
        TRY(read_extension(c, &in, &x));
        /* Repeats: compare with every earlier extension (bounded by the certificate's size). */
        seam_rd again;
        seam_rd_init(&again, in.p + first, here - first);
        while (seam_rd_left(&again)) {
            x509_ext y;
            TRY(read_extension(c, &again, &y));
            if (span_eq(x.oid.p, x.oid.len, y.oid.p, y.oid.len))
                return fail(c, SEAM_E_FORMAT, "extensions: one appears twice");
        }
        size_t k;
        for (k = 0; k < SEAM_ARRAY_LEN(known_ext); k++)
            if (span_eq(x.oid.p, x.oid.len, known_ext[k].oid, known_ext[k].len)) break;
        if (k == SEAM_ARRAY_LEN(known_ext)) {
            if (x.critical) return fail(c, SEAM_E_UNSUPPORTED, "extensions: unknown critical");
            continue;
        }
        seam_rd v;
        seam_rd_init(&v, x.value.p, x.value.len);
        TRY(known_ext[k].parse(c, &v, cert));
        TRY(der_end(c, &v, "extension value"));
        cert->ext_seen |= known_ext[k].bit;
        if (x.critical) cert->ext_critical |= known_ext[k].bit;
    }
    return SEAM_OK;
}

bool x509_ext_next(const x509_cert *cert, size_t *pos, x509_ext *ext)
{
    if (!cert || !pos || !ext || *pos >= cert->extensions.len) return false;
    pctx c = {NULL, 0};
    seam_rd r;
    seam_rd_init(&r, cert->extensions.p, cert->extensions.len);
    r.off = *pos;
    if (read_extension(&c, &r, ext) != SEAM_OK) return false;
    *pos = r.off;
    return true;
}

/* ---- the certificate ---- */

/* TBSCertificate (RFC 5280 §4.1.1.1, §4.1.2). */
static seam_err read_tbs(pctx *c, seam_rd *r, x509_cert *cert, tlv *sig_alg)
{
    seam_rd in, ver;
    tlv tbs, t;
    TRY(der_enter(c, r, TAG_SEQUENCE, &in, &tbs, "tbsCertificate"));
    cert->tbs.p = tbs.all;
    cert->tbs.len = tbs.alen;

    /* version [0] EXPLICIT Version DEFAULT v1: only v3 (2) is accepted; v1 is the omitted
     * default, an explicit v1 is not DER. */
    if (!der_peek(&in, TAG_CTX0_CONS)) return fail(c, SEAM_E_UNSUPPORTED, "version: not v3");
    TRY(der_enter(c, &in, TAG_CTX0_CONS, &ver, NULL, "version"));
    int32_t v = -1;
    TRY(read_small_uint(c, &ver, &v, "version"));
    TRY(der_end(c, &ver, "version"));
    if (v == 0) return fail(c, SEAM_E_FORMAT, "version: v1 encoded explicitly");
    if (v != 2) return fail(c, SEAM_E_UNSUPPORTED, "version: not v3");

    /* serialNumber: positive, at most 20 octets (§4.1.2.2). */
    TRY(der_expect(c, &in, TAG_INTEGER, &t, "serialNumber"));
    TRY(check_integer(c, &t, "serialNumber"));
    if (t.v[0] & 0x80) return fail(c, SEAM_E_FORMAT, "serialNumber: negative");
    if (t.vlen == 1 && t.v[0] == 0) return fail(c, SEAM_E_FORMAT, "serialNumber: zero");
    if (t.vlen > SERIAL_MAX) return fail(c, SEAM_E_FORMAT, "serialNumber: longer than 20");
    cert->serial.p = t.v;
    cert->serial.len = t.vlen;

    TRY(read_sig_alg(c, &in, sig_alg, "signature"));
    TRY(read_name(c, &in, &cert->issuer, "issuer"));

    seam_rd val;
    TRY(der_enter(c, &in, TAG_SEQUENCE, &val, NULL, "validity"));
    TRY(read_time(c, &val, &cert->not_before, "notBefore"));
    TRY(read_time(c, &val, &cert->not_after, "notAfter"));
    TRY(der_end(c, &val, "validity"));

    TRY(read_name(c, &in, &cert->subject, "subject"));
    TRY(read_spki(c, &in, cert));

    if (der_peek(&in, TAG_CTX1_PRIM) || der_peek(&in, TAG_CTX2_PRIM))
        return fail(c, SEAM_E_UNSUPPORTED, "unique identifiers are not accepted");
    if (seam_rd_left(&in)) TRY(read_extensions(c, &in, cert));
    return der_end(c, &in, "tbsCertificate");
}

static seam_err parse(pctx *c, const uint8_t *der, size_t len, x509_cert *cert)
{
    seam_rd top, in;
    tlv whole, alg_inner, alg_outer, sig;
    seam_rd_init(&top, der, len);
    TRY(der_enter(c, &top, TAG_SEQUENCE, &in, &whole, "certificate"));
    TRY(der_end(c, &top, "certificate"));
    cert->der.p = der;
    cert->der.len = len;
    cert->path_len = -1;
    TRY(read_tbs(c, &in, cert, &alg_inner));
    TRY(read_sig_alg(c, &in, &alg_outer, "signatureAlgorithm"));
    /* RFC 5280 §4.1.1.2: MUST contain the same algorithm identifier as the signature field. */
    if (!span_eq(alg_inner.all, alg_inner.alen, alg_outer.all, alg_outer.alen))
        return fail(c, SEAM_E_FORMAT, "signatureAlgorithm differs from signature");
    TRY(der_expect(c, &in, TAG_BIT_STRING, &sig, "signatureValue"));
    TRY(check_bit_string(c, &sig, "signatureValue"));
    TRY(der_end(c, &in, "certificate"));
    if (sig.v[0] != 0) return fail(c, SEAM_E_FORMAT, "signatureValue: unused bits");
    if (cr_ecdsa_sig_from_der(sig.v + 1, sig.vlen - 1, cert->sig) != SEAM_OK)
        return fail(c, SEAM_E_FORMAT, "signatureValue: not an ECDSA-Sig-Value");
    return SEAM_OK;
}

seam_err x509_parse(const uint8_t *der, size_t len, x509_cert *cert, char *err, size_t errcap)
{
    if (err && errcap) err[0] = '\0';
    if (!cert) return SEAM_E_ARG;
    memset(cert, 0, sizeof *cert);
    if (!der) return SEAM_E_ARG;
    pctx c = {err, errcap};
    seam_err e = parse(&c, der, len, cert);
    if (e != SEAM_OK) {
        memset(cert, 0, sizeof *cert);
        if (err && errcap && err[0] == '\0') fail(&c, e, "%s", seam_strerror(e));
    }
    return e;
}

seam_err x509_verify_signature(const x509_cert *cert, const uint8_t *issuer_pub, size_t publen)
{
    if (!cert || !issuer_pub || !cert->tbs.p) return SEAM_E_ARG;
    if (cr_p256_check_public(issuer_pub, publen) != SEAM_OK) return SEAM_E_FORMAT;
    uint8_t h[CR_SHA256_LEN];
    seam_err e = cr_sha256(cert->tbs.p, cert->tbs.len, h);
    if (e == SEAM_OK) e = cr_p256_verify(issuer_pub, publen, h, cert->sig);
    /* Any failure past this point (including a library refusal of r or s out of range) is a
     * signature that does not verify. */
    return e == SEAM_OK ? SEAM_OK : SEAM_E_AUTH;
}
