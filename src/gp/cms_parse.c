/*
 * CMS SignedData parser for the card and the hosts (RFC 5652 §5, DER per ITU-T X.690 §10-11),
 * restricted to the profile of include/seam/cms.h: the signed object of seam's quorum-signed
 * commands (docs/trust.md). The card runs it on bytes that anyone can send, before any
 * signature has been checked.
 *
 * Invariants:
 *  - every read goes through a bounded reader (seam_rd) over the enclosing TLV's content: no
 *    byte outside [der, der + len) is read, and each structure must end exactly where its
 *    length says;
 *  - every TLV is strict DER: one-octet tags (no high tag numbers), definite lengths in the
 *    fewest octets (X.690 §10.1), minimal INTEGERs (§8.3.2), NULL empty, OIDs minimal, and the
 *    SET OFs (digestAlgorithms, certificates, signerInfos, signedAttrs, attrValues) in DER
 *    order (§11.6);
 *  - the structure has a fixed shape, so the code nests to a fixed depth; inside ANY-typed
 *    attribute values the walk is iterative with an explicit stack of CMS_MAX_DEPTH readers
 *    (no recursion on input);
 *  - tables are fixed (CMS_MAX_*); more entries are SEAM_E_UNSUPPORTED, never a partial parse;
 *  - on failure the output is zeroed.
 * Digests and signatures go through include/seam/crypto.h.
 */
#include "seam/cms.h"
#include "seam/der.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "seam/crypto.h"

#define T_INTEGER 0x02
#define T_OCTET_STRING 0x04
#define T_NULL 0x05
#define T_OID 0x06
#define T_SEQUENCE 0x30
#define T_SET 0x31
#define T_CTX0_CONS 0xA0 /* [0] EXPLICIT content; [0] IMPLICIT certificates, signedAttrs */
#define T_CTX1_CONS 0xA1 /* [1] IMPLICIT crls, unsignedAttrs */
#define T_CTX0_PRIM 0x80 /* SignerIdentifier subjectKeyIdentifier [0] IMPLICIT */

#define SKI_MAX 64
#define SERIAL_MAX 20

/* Object identifiers (content octets, X.690 §8.19). */
static const uint8_t OID_SIGNED_DATA[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};
static const uint8_t OID_DATA[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01};
static const uint8_t OID_CONTENT_TYPE[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03};
static const uint8_t OID_MESSAGE_DIGEST[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04};
static const uint8_t OID_SHA256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
static const uint8_t OID_ECDSA_SHA256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};

typedef struct {
    char *err;
    size_t errcap;
} ctx;

static seam_err bad(ctx *c, seam_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static seam_err bad(ctx *c, seam_err e, const char *fmt, ...)
{
    if (c->err && c->errcap && c->err[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errcap, fmt, ap);
        va_end(ap);
    }
    return e;
}

#define CHK(x)                                                                                     \
    do {                                                                                           \
        seam_err e_ = (x);                                                                         \
        if (e_ != SEAM_OK) return e_;                                                              \
    } while (0)

static bool eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* ---- DER elements ---- */

typedef der_el el;

/* Reads one element with the shared DER reader (include/seam/der.h). */
static seam_err get(ctx *c, seam_rd *r, el *t, const char *what)
{
    const char *why = der_get(r, t);
    return why ? bad(c, SEAM_E_FORMAT, "%s: %s", what, why) : SEAM_OK;
}

static bool next_is(const seam_rd *r, uint8_t tag)
{
    return seam_rd_left(r) && r->p[r->off] == tag;
}

static seam_err want(ctx *c, seam_rd *r, uint8_t tag, el *t, const char *what)
{
    if (!seam_rd_left(r)) return bad(c, SEAM_E_FORMAT, "%s: missing", what);
    if (r->p[r->off] != tag)
        return bad(c, SEAM_E_FORMAT, "%s: tag %02x where %02x belongs", what, r->p[r->off], tag);
    return get(c, r, t, what);
}

/* Reads a constructed element with this tag and opens a reader on its content. */
static seam_err open_el(ctx *c, seam_rd *r, uint8_t tag, seam_rd *in, el *t, const char *what)
{
    el tmp;
    if (!t) t = &tmp;
    CHK(want(c, r, tag, t, what));
    seam_rd_init(in, t->v, t->vlen);
    return SEAM_OK;
}

static seam_err done(ctx *c, const seam_rd *r, const char *what)
{
    return seam_rd_left(r) ? bad(c, SEAM_E_FORMAT, "%s: bytes after the end", what) : SEAM_OK;
}

/* X.690 §11.6: the encodings of a SET OF in ascending order, a shorter one compared as if
 * padded with zero octets at its end. */
static bool set_order_ok(const el *prev, const el *cur)
{
    if (!prev->all) return true;
    size_t n = prev->alen > cur->alen ? prev->alen : cur->alen;
    for (size_t i = 0; i < n; i++) {
        uint8_t a = i < prev->alen ? prev->all[i] : 0, b = i < cur->alen ? cur->all[i] : 0;
        if (a != b) return a < b;
    }
    return true;
}

static seam_err oid_ok(ctx *c, const el *t, const char *what)
{
    if (t->vlen == 0) return bad(c, SEAM_E_FORMAT, "%s: empty OID", what);
    bool first = true;
    for (size_t i = 0; i < t->vlen; i++) {
        if (first && t->v[i] == 0x80) return bad(c, SEAM_E_FORMAT, "%s: OID not minimal", what);
        first = !(t->v[i] & 0x80);
    }
    return first ? SEAM_OK : bad(c, SEAM_E_FORMAT, "%s: OID truncated", what);
}

static seam_err get_oid(ctx *c, seam_rd *r, el *t, const char *what)
{
    CHK(want(c, r, T_OID, t, what));
    return oid_ok(c, t, what);
}

static seam_err int_ok(ctx *c, const el *t, const char *what)
{
    if (t->vlen == 0) return bad(c, SEAM_E_FORMAT, "%s: empty INTEGER", what);
    if (t->vlen > 1 && ((t->v[0] == 0 && !(t->v[1] & 0x80)) || (t->v[0] == 0xff && t->v[1] & 0x80)))
        return bad(c, SEAM_E_FORMAT, "%s: INTEGER not minimal", what);
    return SEAM_OK;
}

/* A CMSVersion (INTEGER) that must be one of the two values given. */
static seam_err get_version(ctx *c, seam_rd *r, int *v, const char *what)
{
    el t;
    CHK(want(c, r, T_INTEGER, &t, what));
    CHK(int_ok(c, &t, what));
    if (t.vlen != 1 || t.v[0] > 5) return bad(c, SEAM_E_UNSUPPORTED, "%s: version", what);
    *v = t.v[0];
    return SEAM_OK;
}

/* Checks the DER rules that are local to a value of any type (an attribute value): universal
 * types in their one allowed form, minimal INTEGERs and OIDs, empty NULLs. Walks constructed
 * values with an explicit stack, at most CMS_MAX_DEPTH deep: no recursion on input. */
static seam_err any_ok(ctx *c, const el *top, const char *what)
{
    seam_rd stack[CMS_MAX_DEPTH];
    size_t depth = 0;
    el t = *top;
    for (;;) {
        if ((t.tag & 0xc0) == 0) {
            uint8_t num = t.tag & 0x1f;
            bool cons = t.tag & 0x20;
            if (num == 0 || cons != (num == 0x10 || num == 0x11))
                return bad(c, SEAM_E_FORMAT, "%s: universal tag %02x in the wrong form", what,
                           t.tag);
            if (t.tag == T_INTEGER) CHK(int_ok(c, &t, what));
            if (t.tag == T_OID) CHK(oid_ok(c, &t, what));
            if (t.tag == T_NULL && t.vlen)
                return bad(c, SEAM_E_FORMAT, "%s: NULL with content", what);
            if (t.tag == 0x01 && (t.vlen != 1 || (t.v[0] != 0 && t.v[0] != 0xff)))
                return bad(c, SEAM_E_FORMAT, "%s: BOOLEAN not 00 or FF", what);
        }
        if (t.tag & 0x20) {
            if (depth == CMS_MAX_DEPTH) return bad(c, SEAM_E_FORMAT, "%s: nested too deep", what);
            seam_rd_init(&stack[depth++], t.v, t.vlen);
        }
        while (depth && !seam_rd_left(&stack[depth - 1]))
            depth--;
        if (!depth) return SEAM_OK;
        CHK(get(c, &stack[depth - 1], &t, what));
    }
}

/* AlgorithmIdentifier for SHA-256: parameters absent or NULL (RFC 5754 §2: implementations
 * MUST accept both). */
static seam_err get_digest_alg(ctx *c, seam_rd *r, const char *what)
{
    seam_rd in;
    el oid, nul;
    CHK(open_el(c, r, T_SEQUENCE, &in, NULL, what));
    CHK(get_oid(c, &in, &oid, what));
    if (!eq(oid.v, oid.vlen, OID_SHA256, sizeof OID_SHA256))
        return bad(c, SEAM_E_UNSUPPORTED, "%s: not SHA-256", what);
    if (seam_rd_left(&in)) {
        CHK(want(c, &in, T_NULL, &nul, what));
        if (nul.vlen) return bad(c, SEAM_E_FORMAT, "%s: NULL with content", what);
    }
    return done(c, &in, what);
}

/* ---- SignerInfo (RFC 5652 §5.3) ---- */

/* signedAttrs [0] IMPLICIT SET SIZE (1..MAX) OF Attribute; Attribute ::= SEQUENCE { attrType
 * OID, attrValues SET OF AttributeValue } (§5.3). contentType (§11.1) and messageDigest
 * (§11.2) must each be there once with a single value; no attribute type twice. */
static seam_err get_signed_attrs(ctx *c, seam_rd *r, cms_signer *si)
{
    const char *what = "signedAttrs";
    if (!next_is(r, T_CTX0_CONS)) return bad(c, SEAM_E_UNSUPPORTED, "%s: missing", what);
    seam_rd set;
    el whole, prev = {0};
    CHK(open_el(c, r, T_CTX0_CONS, &set, &whole, what));
    si->signed_attrs.p = whole.all;
    si->signed_attrs.len = whole.alen;
    const uint8_t *types[CMS_MAX_ATTRS];
    size_t type_lens[CMS_MAX_ATTRS], n = 0;
    bool have_ct = false;
    while (seam_rd_left(&set)) {
        seam_rd at, vals;
        el a, type, vset, v, vprev = {0};
        CHK(open_el(c, &set, T_SEQUENCE, &at, &a, what));
        if (!set_order_ok(&prev, &a))
            return bad(c, SEAM_E_FORMAT, "%s: SET OF not in DER order", what);
        prev = a;
        CHK(get_oid(c, &at, &type, what));
        CHK(open_el(c, &at, T_SET, &vals, &vset, what));
        CHK(done(c, &at, what));
        if (n == CMS_MAX_ATTRS) return bad(c, SEAM_E_UNSUPPORTED, "%s: too many", what);
        for (size_t i = 0; i < n; i++)
            if (eq(types[i], type_lens[i], type.v, type.vlen))
                return bad(c, SEAM_E_FORMAT, "%s: an attribute type appears twice", what);
        types[n] = type.v;
        type_lens[n++] = type.vlen;
        size_t nvals = 0;
        if (!seam_rd_left(&vals)) return bad(c, SEAM_E_FORMAT, "%s: attribute with no value", what);
        while (seam_rd_left(&vals)) {
            CHK(get(c, &vals, &v, what));
            if (!set_order_ok(&vprev, &v))
                return bad(c, SEAM_E_FORMAT, "%s: values not in DER order", what);
            vprev = v;
            CHK(any_ok(c, &v, what));
            nvals++;
        }
        bool is_ct = eq(type.v, type.vlen, OID_CONTENT_TYPE, sizeof OID_CONTENT_TYPE);
        bool is_md = eq(type.v, type.vlen, OID_MESSAGE_DIGEST, sizeof OID_MESSAGE_DIGEST);
        if ((is_ct || is_md) && nvals != 1)
            return bad(c, SEAM_E_FORMAT, "%s: contentType/messageDigest with several values", what);
        if (is_ct) {
            /* §11.1: the same as eContentType, which seam requires to be id-data */
            if (vprev.tag != T_OID || !eq(vprev.v, vprev.vlen, OID_DATA, sizeof OID_DATA))
                return bad(c, SEAM_E_UNSUPPORTED, "%s: contentType is not id-data", what);
            have_ct = true;
        }
        if (is_md) {
            if (vprev.tag != T_OCTET_STRING || vprev.vlen != CR_SHA256_LEN)
                return bad(c, SEAM_E_FORMAT, "%s: messageDigest is not 32 octets", what);
            si->message_digest.p = vprev.v;
            si->message_digest.len = vprev.vlen;
        }
    }
    if (!have_ct) return bad(c, SEAM_E_FORMAT, "%s: no contentType", what);
    if (!si->message_digest.p) return bad(c, SEAM_E_FORMAT, "%s: no messageDigest", what);
    return SEAM_OK;
}

static seam_err get_signer(ctx *c, seam_rd *r, cms_signer *si, el *whole)
{
    const char *what = "SignerInfo";
    seam_rd in;
    int version = -1;
    el t;
    CHK(open_el(c, r, T_SEQUENCE, &in, whole, what));
    CHK(get_version(c, &in, &version, "SignerInfo version"));
    if (next_is(&in, T_CTX0_PRIM)) {
        /* subjectKeyIdentifier [0] IMPLICIT OCTET STRING: version 3 */
        CHK(get(c, &in, &t, "sid"));
        if (t.vlen == 0 || t.vlen > SKI_MAX) return bad(c, SEAM_E_FORMAT, "sid: key id length");
        if (version != 3)
            return bad(c, SEAM_E_FORMAT, "SignerInfo: version %d with a key id", version);
        si->sid_ski.p = t.v;
        si->sid_ski.len = t.vlen;
    } else {
        /* IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber INTEGER }: version 1 */
        seam_rd ias;
        el name, serial;
        CHK(open_el(c, &in, T_SEQUENCE, &ias, NULL, "sid"));
        CHK(want(c, &ias, T_SEQUENCE, &name, "sid issuer"));
        CHK(any_ok(c, &name, "sid issuer"));
        CHK(want(c, &ias, T_INTEGER, &serial, "sid serial"));
        CHK(int_ok(c, &serial, "sid serial"));
        CHK(done(c, &ias, "sid"));
        if (serial.vlen > SERIAL_MAX + 1) return bad(c, SEAM_E_FORMAT, "sid: serial too long");
        if (version != 1)
            return bad(c, SEAM_E_FORMAT, "SignerInfo: version %d with issuer/serial", version);
        si->sid_issuer.p = name.all;
        si->sid_issuer.len = name.alen;
        si->sid_serial.p = serial.v;
        si->sid_serial.len = serial.vlen;
    }
    CHK(get_digest_alg(c, &in, "digestAlgorithm"));
    CHK(get_signed_attrs(c, &in, si));
    seam_rd alg;
    el oid, sig;
    CHK(open_el(c, &in, T_SEQUENCE, &alg, NULL, "signatureAlgorithm"));
    CHK(get_oid(c, &alg, &oid, "signatureAlgorithm"));
    if (!eq(oid.v, oid.vlen, OID_ECDSA_SHA256, sizeof OID_ECDSA_SHA256))
        return bad(c, SEAM_E_UNSUPPORTED, "signatureAlgorithm: not ecdsa-with-SHA256");
    if (seam_rd_left(&alg)) return bad(c, SEAM_E_FORMAT, "signatureAlgorithm: parameters present");
    CHK(want(c, &in, T_OCTET_STRING, &sig, "signature"));
    if (cr_ecdsa_sig_from_der(sig.v, sig.vlen, si->sig) != SEAM_OK)
        return bad(c, SEAM_E_FORMAT, "signature: not a DER ECDSA-Sig-Value");
    if (next_is(&in, T_CTX1_CONS)) return bad(c, SEAM_E_UNSUPPORTED, "unsignedAttrs: not accepted");
    return done(c, &in, what);
}

/* ---- SignedData (RFC 5652 §5.1) ---- */

static seam_err get_signed_data(ctx *c, seam_rd *r, cms_signed_data *sd)
{
    seam_rd in, set;
    el t, prev = {0};
    int version = -1;
    CHK(open_el(c, r, T_SEQUENCE, &in, NULL, "SignedData"));
    CHK(get_version(c, &in, &version, "SignedData version"));

    /* digestAlgorithms SET OF: SHA-256 only, so in DER at most one entry in practice */
    CHK(open_el(c, &in, T_SET, &set, NULL, "digestAlgorithms"));
    size_t nalg = 0;
    while (seam_rd_left(&set)) {
        if (++nalg > CMS_MAX_DIGEST_ALGS)
            return bad(c, SEAM_E_UNSUPPORTED, "digestAlgorithms: too many");
        CHK(get_digest_alg(c, &set, "digestAlgorithms"));
    }
    if (!nalg) return bad(c, SEAM_E_FORMAT, "digestAlgorithms: empty");

    /* EncapsulatedContentInfo ::= SEQUENCE { eContentType, eContent [0] EXPLICIT OCTET STRING
     * OPTIONAL } (§5.2): id-data, content present (not detached). */
    seam_rd eci, ex;
    el oid, content;
    CHK(open_el(c, &in, T_SEQUENCE, &eci, NULL, "encapContentInfo"));
    CHK(get_oid(c, &eci, &oid, "eContentType"));
    if (!eq(oid.v, oid.vlen, OID_DATA, sizeof OID_DATA))
        return bad(c, SEAM_E_UNSUPPORTED, "eContentType: not id-data");
    if (!seam_rd_left(&eci)) return bad(c, SEAM_E_UNSUPPORTED, "eContent: detached");
    CHK(open_el(c, &eci, T_CTX0_CONS, &ex, NULL, "eContent"));
    CHK(want(c, &ex, T_OCTET_STRING, &content, "eContent"));
    CHK(done(c, &ex, "eContent"));
    CHK(done(c, &eci, "encapContentInfo"));
    sd->content.p = content.v;
    sd->content.len = content.vlen;

    /* certificates [0] IMPLICIT SET OF CertificateChoices: X.509 Certificates only */
    if (next_is(&in, T_CTX0_CONS)) {
        CHK(open_el(c, &in, T_CTX0_CONS, &set, NULL, "certificates"));
        while (seam_rd_left(&set)) {
            if (!next_is(&set, T_SEQUENCE))
                return bad(c, SEAM_E_UNSUPPORTED, "certificates: not an X.509 certificate");
            CHK(get(c, &set, &t, "certificates"));
            if (!set_order_ok(&prev, &t))
                return bad(c, SEAM_E_FORMAT, "certificates: SET OF not in DER order");
            prev = t;
            if (sd->n_certs == CMS_MAX_CERTS)
                return bad(c, SEAM_E_UNSUPPORTED, "certificates: more than %d", CMS_MAX_CERTS);
            sd->certs[sd->n_certs].p = t.all;
            sd->certs[sd->n_certs].len = t.alen;
            sd->n_certs++;
        }
    }
    if (next_is(&in, T_CTX1_CONS)) return bad(c, SEAM_E_UNSUPPORTED, "crls: not accepted");

    CHK(open_el(c, &in, T_SET, &set, NULL, "signerInfos"));
    bool any_v3 = false;
    memset(&prev, 0, sizeof prev);
    while (seam_rd_left(&set)) {
        if (sd->n_signers == CMS_MAX_SIGNERS)
            return bad(c, SEAM_E_UNSUPPORTED, "signerInfos: more than %d", CMS_MAX_SIGNERS);
        cms_signer *si = &sd->signers[sd->n_signers];
        CHK(get_signer(c, &set, si, &t));
        if (!set_order_ok(&prev, &t))
            return bad(c, SEAM_E_FORMAT, "signerInfos: SET OF not in DER order");
        prev = t;
        any_v3 |= si->sid_ski.len != 0;
        sd->n_signers++;
    }
    if (!sd->n_signers) return bad(c, SEAM_E_FORMAT, "signerInfos: empty");
    CHK(done(c, &in, "SignedData"));
    /* §5.1: no other certificate types, no v2 attribute certificates, id-data: version is 3
     * when some SignerInfo is version 3, else 1. */
    if (version != (any_v3 ? 3 : 1))
        return bad(c, SEAM_E_FORMAT, "SignedData: version %d is not what §5.1 gives", version);
    return SEAM_OK;
}

static seam_err parse(ctx *c, const uint8_t *der, size_t len, cms_signed_data *sd)
{
    seam_rd top, ci, ex;
    el oid;
    seam_rd_init(&top, der, len);
    /* ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT ANY } (§3) */
    CHK(open_el(c, &top, T_SEQUENCE, &ci, NULL, "ContentInfo"));
    CHK(done(c, &top, "ContentInfo"));
    CHK(get_oid(c, &ci, &oid, "contentType"));
    if (!eq(oid.v, oid.vlen, OID_SIGNED_DATA, sizeof OID_SIGNED_DATA))
        return bad(c, SEAM_E_UNSUPPORTED, "contentType: not id-signedData");
    CHK(open_el(c, &ci, T_CTX0_CONS, &ex, NULL, "content"));
    CHK(done(c, &ci, "ContentInfo"));
    CHK(get_signed_data(c, &ex, sd));
    return done(c, &ex, "content");
}

seam_err cms_parse(const uint8_t *der, size_t len, cms_signed_data *out, char *err, size_t errcap)
{
    if (err && errcap) err[0] = '\0';
    if (!out) return SEAM_E_ARG;
    memset(out, 0, sizeof *out);
    if (!der) return SEAM_E_ARG;
    ctx c = {err, errcap};
    seam_err e = parse(&c, der, len, out);
    if (e != SEAM_OK) {
        memset(out, 0, sizeof *out);
        bad(&c, e, "%s", seam_strerror(e));
    }
    return e;
}

seam_err cms_signer_verify(const cms_signed_data *sd, const cms_signer *si, const uint8_t *pub,
                           size_t publen)
{
    if (!sd || !si || !pub || !si->signed_attrs.p || si->signed_attrs.len < 2 ||
        si->message_digest.len != CR_SHA256_LEN)
        return SEAM_E_ARG;
    uint8_t h[CR_SHA256_LEN];
    seam_err e = cr_sha256(sd->content.p, sd->content.len, h);
    if (e != SEAM_OK) return e;
    /* public values: no constant-time need */
    if (memcmp(h, si->message_digest.p, CR_SHA256_LEN) != 0) return SEAM_E_AUTH;
    /* §5.4: the DER of the SET OF, i.e. the [0] IMPLICIT encoding with the tag put back to 31 */
    static const uint8_t set_tag = T_SET;
    e = cr_sha256_parts(&set_tag, 1, si->signed_attrs.p + 1, si->signed_attrs.len - 1, NULL, 0, h);
    if (e != SEAM_OK) return e;
    return cr_p256_verify(pub, publen, h, si->sig) == SEAM_OK ? SEAM_OK : SEAM_E_AUTH;
}

bool cms_signer_is(const cms_signer *si, const x509_cert *c)
{
    if (!si || !c) return false;
    if (si->sid_ski.len) return eq(si->sid_ski.p, si->sid_ski.len, c->ski.p, c->ski.len);
    return eq(si->sid_issuer.p, si->sid_issuer.len, c->issuer.p, c->issuer.len) &&
           eq(si->sid_serial.p, si->sid_serial.len, c->serial.p, c->serial.len);
}
