/*
 * X.509 v3 certificates as the card reads them (GP CS 2.3.1 Amendment F: CERT.OCE.ECKA and the
 * CA certificates above it; seam's PKI of several roots): a strict DER parser (ITU-T X.690
 * §10, the Distinguished Encoding Rules) of the RFC 5280 §4.1 profile restricted to
 * ecdsa-with-SHA256 over P-256, and a chain checker (RFC 5280 §6.1, the parts a card needs).
 * Shared by the card and the hosts. docs/x509.md lists what is accepted and refused.
 *
 * Contract: nothing here allocates. The caller owns the certificate bytes; x509_cert points
 * into them, so they must outlive the parsed structure and not change. Parsing is bounded
 * (fixed nesting depth, fixed table sizes) and never reads outside [der, der + len).
 *
 * Errors (one seam_err, plus a short English message in the caller's buffer if one is given):
 *   SEAM_E_ARG          a NULL argument or a chain of 0 certificates (caller bug);
 *   SEAM_E_FORMAT       not strict DER, or not the ASN.1 of RFC 5280 (malformed);
 *   SEAM_E_UNSUPPORTED  well-formed but outside what seam accepts: not v3, an algorithm other
 *                       than ecdsa-with-SHA256, a key not on P-256, an unknown critical
 *                       extension, unique identifiers, more than the bounded tables hold;
 *   SEAM_E_AUTH         a signature does not verify, or the chain does not link (issuer name,
 *                       authority key identifier) to the trust anchor or its issuer;
 *   SEAM_E_STATE        the certificate is fine but not acceptable here: expired, not yet
 *                       valid, key usage, basic constraints, path length or chain length.
 */
#ifndef SEAM_X509_H
#define SEAM_X509_H

#include "seam/base.h"

#define X509_MAX_POLICIES 8    /* certificatePolicies entries kept; more is SEAM_E_UNSUPPORTED */
#define X509_MAX_CHAIN 8       /* certificates in one chain below the trust anchor */
#define X509_MAX_DEPTH 10      /* DER nesting depth inside any ANY-typed value */
#define X509_MAX_EXTENSIONS 24 /* extensions in one certificate; more is SEAM_E_UNSUPPORTED */

/* keyUsage bits (RFC 5280 §4.2.1.3): bit n of the mask is named bit n of the BIT STRING. */
#define X509_KU_DIGITAL_SIGNATURE (1u << 0)
#define X509_KU_NON_REPUDIATION (1u << 1)
#define X509_KU_KEY_ENCIPHERMENT (1u << 2)
#define X509_KU_DATA_ENCIPHERMENT (1u << 3)
#define X509_KU_KEY_AGREEMENT (1u << 4)
#define X509_KU_KEY_CERT_SIGN (1u << 5)
#define X509_KU_CRL_SIGN (1u << 6)
#define X509_KU_ENCIPHER_ONLY (1u << 7)
#define X509_KU_DECIPHER_ONLY (1u << 8)

/* Extensions understood (bits of x509_cert.ext_seen). Any other extension is accepted when it
 * is not critical and refused when it is (RFC 5280 §4.2). */
#define X509_EXT_BASIC_CONSTRAINTS (1u << 0) /* 2.5.29.19 */
#define X509_EXT_KEY_USAGE (1u << 1)         /* 2.5.29.15 */
#define X509_EXT_SUBJECT_KEY_ID (1u << 2)    /* 2.5.29.14 */
#define X509_EXT_AUTHORITY_KEY_ID (1u << 3)  /* 2.5.29.35 */
#define X509_EXT_CERT_POLICIES (1u << 4)     /* 2.5.29.32 */

/* A (pointer, length) view into the certificate bytes. len 0 means absent. */
typedef struct {
    const uint8_t *p;
    size_t len;
} x509_span;

typedef struct {
    x509_span der;      /* the whole Certificate */
    x509_span tbs;      /* tbsCertificate with its tag and length: the signed bytes */
    x509_span serial;   /* serialNumber content octets (positive, 1..20 bytes) */
    x509_span issuer;   /* issuer Name, whole DER TLV (compare by exact bytes) */
    x509_span subject;  /* subject Name, whole DER TLV */
    int64_t not_before; /* validity, seconds since 1970-01-01T00:00:00Z */
    int64_t not_after;
    const uint8_t *pub; /* 65-byte uncompressed P-256 point, checked on the curve */
    uint8_t sig[64];    /* signatureValue converted to raw r || s */

    uint32_t ext_seen;     /* X509_EXT_* of the extensions present */
    uint32_t ext_critical; /* X509_EXT_* of those marked critical */
    x509_span extensions;  /* content of the extensions SEQUENCE (for x509_ext_next) */
    bool ca;               /* basicConstraints cA (false when the extension is absent) */
    int32_t path_len;      /* pathLenConstraint, -1 when absent */
    uint16_t key_usage;    /* X509_KU_* (0 when the extension is absent) */
    x509_span ski;         /* subjectKeyIdentifier content */
    x509_span aki;         /* authorityKeyIdentifier keyIdentifier content */
    size_t n_policies;     /* certificatePolicies: the policy OIDs, content octets */
    x509_span policies[X509_MAX_POLICIES];
} x509_cert;

/* Parses one DER certificate of exactly len bytes (no trailing byte). On success *cert points
 * into der; on failure *cert is zeroed and err (if errcap > 0) holds a NUL-terminated reason.
 * Checks structure and encodings only: no signature, time or constraint is checked here. */
seam_err x509_parse(const uint8_t *der, size_t len, x509_cert *cert, char *err, size_t errcap);

/* Verifies cert's signature with the issuer's public key (65-byte uncompressed P-256 point):
 * SHA-256 over tbs, ECDSA (FIPS 186-4 §6.4). SEAM_OK or SEAM_E_AUTH (SEAM_E_FORMAT if
 * issuer_pub is not a valid point). */
seam_err x509_verify_signature(const x509_cert *cert, const uint8_t *issuer_pub, size_t publen);

/* One extension, as x509_ext_next returns it. */
typedef struct {
    x509_span oid; /* extnID content octets */
    bool critical;
    x509_span value; /* extnValue content octets (the DER of the extension's own type) */
} x509_ext;

/* Walks the extensions of a parsed certificate: start with *pos = 0; returns true and fills
 * *ext while there is one more. Only ever call it on a certificate x509_parse accepted. */
bool x509_ext_next(const x509_cert *cert, size_t *pos, x509_ext *ext);

/* What a chain must satisfy. */
typedef struct {
    const uint8_t *anchor_pub; /* trust anchor public key (65 bytes); required */
    const uint8_t *anchor_ski; /* optional: the anchor's key identifier; when set, the first
                                  certificate must carry an authorityKeyIdentifier equal to it */
    size_t anchor_ski_len;
    const uint8_t *anchor_name; /* optional: the anchor's subject Name DER; when set, the first
                                   certificate's issuer must equal it byte for byte */
    size_t anchor_name_len;
    int32_t anchor_path_len; /* the anchor's own pathLenConstraint, or -1 for none */
    bool has_time;           /* false: validity periods are NOT checked (a card without a
                                trusted clock); true: each must contain now */
    int64_t now;             /* seconds since 1970-01-01T00:00:00Z */
    uint16_t leaf_usage;     /* X509_KU_* bits the leaf must assert */
    bool leaf_usage_exact;   /* true: the leaf must assert no other bit (Amendment F ECKA
                                certificates: keyAgreement only) */
} x509_chain_params;

/* Checks a chain ordered from the trust anchor down: chain[0] is issued by the anchor, each
 * chain[i] issues chain[i+1], chain[n-1] is the leaf (the order of Amendment F's PERFORM
 * SECURITY OPERATION). 1 <= n <= X509_MAX_CHAIN. Checks every signature, issuer/subject
 * linking by exact DER bytes (and AKI = issuer's SKI where both exist), that each issuing
 * certificate has basicConstraints cA TRUE and keyUsage keyCertSign, the path length
 * constraints (RFC 5280 §6.1.4 (l)-(m), self-issued certificates not counted), every
 * certificate's keyUsage present and consistent with cA (§4.2.1.9), the validity periods when
 * params->has_time, and the leaf's key usage. */
seam_err x509_chain_check(const x509_chain_params *params, const x509_cert *chain, size_t n,
                          char *err, size_t errcap);

/* Converts a UTC calendar time to seconds since the epoch (proleptic Gregorian); used by the
 * parser and handy for callers that hold a clock in fields. No range check beyond year >= 0. */
int64_t x509_time_from_civil(int year, int month, int day, int hour, int min, int sec);

#endif
