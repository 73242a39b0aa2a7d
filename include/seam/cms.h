/*
 * CMS SignedData (RFC 5652) as seam uses it for quorum-signed commands (docs/trust.md): a
 * strict DER parser the card runs, the signature check of one SignerInfo, and (host only) a
 * builder on OpenSSL that signs a content with several (key, certificate chain) pairs.
 *
 * The profile accepted by the card (everything else is refused):
 *  - ContentInfo { id-signedData, [0] SignedData } (RFC 5652 §3, §5.1), DER only;
 *  - SignedData version 1 or 3 as §5.1 computes it, digestAlgorithms = SET OF sha-256 (RFC 5754
 *    §2: parameters absent or NULL), encapContentInfo with eContentType id-data and the eContent
 *    present (§5.2), certificates [0] of X.509 Certificates only, no crls [1];
 *  - each SignerInfo (§5.3): version 1 with issuerAndSerialNumber or version 3 with
 *    subjectKeyIdentifier, digestAlgorithm sha-256, signedAttrs present with exactly one
 *    contentType (= id-data) and one messageDigest (32 octets), signatureAlgorithm
 *    ecdsa-with-SHA256 (RFC 5758 §3.2, parameters absent), signature a DER ECDSA-Sig-Value,
 *    no unsignedAttrs; other signed attributes (signingTime, ...) are checked for DER and
 *    otherwise ignored.
 *
 * Contract: the parser allocates nothing and never reads outside [der, der + len); the spans it
 * returns point into der, which must outlive them. Nesting is fixed by the structure (plus a
 * bounded depth inside ANY-typed attribute values); tables are fixed size. Errors: SEAM_E_ARG
 * (NULL), SEAM_E_FORMAT (not DER, not RFC 5652), SEAM_E_UNSUPPORTED (well-formed but outside
 * the profile or larger than the tables), SEAM_E_AUTH (cms_signer_verify: digest or signature
 * wrong). A short English reason goes to err when errcap > 0.
 */
#ifndef SEAM_CMS_H
#define SEAM_CMS_H

#include "seam/base.h"
#include "seam/x509.h"

#define CMS_MAX_SIGNERS 8     /* SignerInfos in one SignedData */
#define CMS_MAX_CERTS 16      /* certificates in the certificates field */
#define CMS_MAX_DIGEST_ALGS 4 /* entries of digestAlgorithms */
#define CMS_MAX_ATTRS 12      /* signed attributes of one SignerInfo */
#define CMS_MAX_DEPTH 8       /* DER nesting inside an ANY-typed attribute value */

/* One SignerInfo as parsed. Exactly one of sid_ski / (sid_issuer, sid_serial) is set. */
typedef struct {
    x509_span sid_ski;        /* subjectKeyIdentifier content */
    x509_span sid_issuer;     /* issuerAndSerialNumber: issuer Name, whole DER TLV */
    x509_span sid_serial;     /* ... and serialNumber content octets */
    x509_span signed_attrs;   /* the [0] IMPLICIT SET OF Attribute, whole TLV (tag A0) */
    x509_span message_digest; /* the messageDigest value's content (32 octets) */
    uint8_t sig[64];          /* signature, converted to raw r || s */
} cms_signer;

typedef struct {
    x509_span content; /* eContent OCTET STRING content octets (the signed message) */
    size_t n_certs;
    x509_span certs[CMS_MAX_CERTS]; /* each a whole Certificate TLV (not yet parsed as X.509) */
    size_t n_signers;
    cms_signer signers[CMS_MAX_SIGNERS];
} cms_signed_data;

/* Parses a DER ContentInfo holding a SignedData of exactly len bytes. On failure *out is
 * zeroed. Checks structure and encodings only: no digest or signature (cms_signer_verify) and
 * nothing about the certificates beyond their outer SEQUENCE. */
seam_err cms_parse(const uint8_t *der, size_t len, cms_signed_data *out, char *err, size_t errcap);

/* Checks one SignerInfo of a parsed SignedData (RFC 5652 §5.4): messageDigest = SHA-256 of the
 * content, then the ECDSA signature with pub (65-byte point) over SHA-256 of the DER of the
 * signed attributes with their EXPLICIT SET OF tag (31). SEAM_OK or SEAM_E_AUTH. */
seam_err cms_signer_verify(const cms_signed_data *sd, const cms_signer *si, const uint8_t *pub,
                           size_t publen);

/* True when certificate c is the one si names (SKI equal, or issuer Name and serial equal). */
bool cms_signer_is(const cms_signer *si, const x509_cert *c);

/* ---- host: building (src/crypto/cms_build.c, OpenSSL) ---- */

/* One signer: its P-256 private scalar, its certificate (DER) and the intermediate CA
 * certificates above it up to (not including) the root, any order. */
typedef struct {
    const uint8_t *priv; /* 32 bytes */
    const uint8_t *cert;
    size_t cert_len;
    const uint8_t *const *chain;
    const size_t *chain_lens;
    size_t n_chain;
} cms_signer_in;

/* Builds the DER ContentInfo / SignedData over content (eContentType id-data, eContent
 * encapsulated) with one SignerInfo per signer (sid = subjectKeyIdentifier, SignerInfo v3,
 * signed attributes contentType, messageDigest and signingTime, ecdsa-with-SHA256), and every
 * signer's certificate and intermediates (each once) in certificates. Checks that each key is
 * its certificate's. Writes to out (capacity cap). SEAM_E_ARG, SEAM_E_FORMAT (a certificate
 * that does not parse), SEAM_E_AUTH (key and certificate differ), SEAM_E_LENGTH, SEAM_E_CRYPTO. */
seam_err cms_build(const uint8_t *content, size_t content_len, const cms_signer_in *signers,
                   size_t n_signers, uint8_t *out, size_t cap, size_t *out_len);

/* cms_build with variations, for tests of the card's refusals and of its second SignerIdentifier
 * form: CMS_BUILD_ISSUER_SERIAL identifies signers by issuerAndSerialNumber (SignerInfo v1);
 * CMS_BUILD_NO_ATTRS signs the content directly, without signed attributes (which the card
 * refuses: it requires them). */
#define CMS_BUILD_ISSUER_SERIAL 0x01u
#define CMS_BUILD_NO_ATTRS 0x02u
seam_err cms_build_ex(const uint8_t *content, size_t content_len, const cms_signer_in *signers,
                      size_t n_signers, unsigned flags, uint8_t *out, size_t cap, size_t *out_len);

/* ---- the content of a seam quorum-signed command (docs/trust.md) ---- */
#define CMS_TRUST_OP_REPLACE_ANCHOR 0x01 /* cell, root certificate */
#define CMS_TRUST_OP_REVOKE_ANCHOR 0x02  /* cell */
#define CMS_TRUST_OP_SET_K 0x03          /* k */
#define CMS_TRUST_OP_REPLACE_KEYS 0x04   /* old KVN, PUT KEY key data under that key set's DEK */
#define CMS_TRUST_OP_ATTEST 0x05         /* optional payload: only the quorum is checked */
typedef struct {
    uint8_t op;
    const uint8_t *originator; /* 1..32 bytes: the SKI of one signer's certificate */
    size_t originator_len;
    uint64_t counter;
    const uint8_t *card; /* optional: the card image number the command is bound to */
    size_t card_len;
    uint8_t cell; /* REPLACE/REVOKE: 1..n */
    const uint8_t *root;
    size_t root_len;
    uint8_t k;
    uint8_t old_kvn;
    const uint8_t *key_data;
    size_t key_data_len;
    const uint8_t *payload; /* ATTEST, optional */
    size_t payload_len;
} cms_trust_cmd;

/* Encodes the content: 80 op, 81 originator, 82 counter (8 bytes), [83 card], then the
 * operation's parameters 84-89, each a one-byte tag and a BER length (docs/trust.md).
 * SEAM_E_ARG when a field the operation needs is missing; SEAM_E_LENGTH when out is short. */
seam_err cms_trust_content(const cms_trust_cmd *c, uint8_t *out, size_t cap, size_t *out_len);

/* Reads the P-256 private scalar of a PEM private key file (PKCS#8 or SEC 1, unencrypted). */
seam_err cms_key_file(const char *path, uint8_t priv[32], char *err, size_t errcap);

/* Verifies a DER SignedData with OpenSSL's own CMS code against the given root certificates
 * (DER), without time checks: an independent check of what cms_build makes (tests, `seam
 * trust verify`). SEAM_OK or SEAM_E_AUTH. */
seam_err cms_openssl_verify(const uint8_t *der, size_t len, const uint8_t *const *roots,
                            const size_t *root_lens, size_t n_roots);

#endif
