/*
 * seam's certificate authority (the back end's side of DESIGN.md §6): creates the X.509 v3
 * certificates of the system's PKI the way GB's Smart Metering Key Infrastructure (SMKI) does —
 * root CAs, issuing CAs, organisation certificates (supplier, network operator, DCC, telehealth
 * provider) and device certificates for keys generated on a secure element — all ECDSA P-256
 * with SHA-256 (RFC 5758 §3.2, RFC 5480), one key usage per end-entity certificate.
 * docs/pki.md gives the profile of each certificate type and the policy OID arc.
 *
 * The certificates must satisfy seam's own strict parser and chain checker (include/seam/x509.h,
 * the code the card runs): DER, keyUsage in every certificate, SKI in every certificate and AKI
 * in every certificate below a root, issuer Name copied byte for byte from the issuer's subject.
 *
 * Signing goes through a pki_signer: one function that signs a SHA-256 digest. The file signer
 * holds a P-256 private key read from a PEM file; a PKCS#11 signer can replace it later
 * without touching certificate building. A CA never signs without first checking that its key
 * matches its certificate, and every signature is verified before the certificate is returned.
 *
 * Contract: the caller owns every buffer; outputs are written only on success (lengths in
 * *out_len); private scalars are wiped on every path out. Errors: SEAM_E_ARG (caller bug or a
 * profile that seam refuses to issue, e.g. two key usages), SEAM_E_FORMAT (a key, CSR or
 * certificate that does not parse), SEAM_E_AUTH (a CSR whose signature fails, a CA key that
 * does not match its certificate), SEAM_E_STATE (the issuer may not issue this: not a CA,
 * no keyCertSign, path length exhausted, expired), SEAM_E_UNSUPPORTED (a key other than P-256),
 * SEAM_E_EXISTS (an output file exists and force was not given), SEAM_E_IO, SEAM_E_LENGTH,
 * SEAM_E_CRYPTO. Functions that take err/errcap also write a short English reason there.
 */
#ifndef SEAM_PKI_H
#define SEAM_PKI_H

#include "seam/base.h"

#define PKI_MAX_CERT 4096    /* DER certificate or CSR buffer */
#define PKI_MAX_NAME 64      /* CN length in characters (RFC 5280 ub-common-name) */
#define PKI_MAX_DEVICE_ID 32 /* device identifier in bytes (EUI-64: 8; card image number: 10) */

/* seam's private OID arc: a UUID OID under 2.25 (ITU-T X.667 §6.3), which needs no
 * registration. Certificate policy OIDs are PKI_OID_ARC ".1.<n>" (see pki_role). */
#define PKI_OID_ARC "2.25.105236250064185156574590374099336331957"

/* The role of a certificate's subject: OU of the subject and its certificate policy
 * PKI_OID_ARC.1.<value>. */
typedef enum {
    PKI_ROLE_NONE = 0,
    PKI_ROLE_SUPPLIER = 1,
    PKI_ROLE_NETWORK_OPERATOR = 2,
    PKI_ROLE_DCC = 3,
    PKI_ROLE_TELEHEALTH = 4,
    PKI_ROLE_DEVICE = 16,
} pki_role;

/* "supplier", "network-operator", "dcc", "telehealth", "device"; NULL for anything else. */
const char *pki_role_name(pki_role r);
/* The role named s, or PKI_ROLE_NONE. */
pki_role pki_role_from_name(const char *s);
/* The role whose policy OID has these content octets, or PKI_ROLE_NONE. */
pki_role pki_role_from_policy(const uint8_t *oid, size_t len);

typedef enum {
    PKI_ROOT,    /* self-signed trust anchor */
    PKI_ISSUING, /* CA signed by a root (or another issuing CA while path length allows) */
    PKI_ORG,     /* organisation end entity */
    PKI_DEVICE,  /* device end entity (a key generated on the secure element) */
} pki_kind;

/* The one key usage of an end-entity certificate (SMKI: a separate certificate per usage). */
typedef enum {
    PKI_USAGE_NONE = 0,
    PKI_USAGE_SIGN = 1,     /* digitalSignature */
    PKI_USAGE_KEYAGREE = 2, /* keyAgreement */
} pki_usage;

/* ---- Signers ---- */
typedef struct pki_signer pki_signer;
struct pki_signer {
    /* Signs a SHA-256 digest with the signer's P-256 key; sig is raw r || s. */
    seam_err (*sign)(const pki_signer *s, const uint8_t digest[32], uint8_t sig[64]);
    /* Frees and wipes whatever ctx holds; may be NULL. */
    void (*release)(pki_signer *s);
    uint8_t pub[65]; /* the signer's public key, uncompressed */
    void *ctx;       /* the implementation's own state */
};

/* A signer over an in-memory private scalar (copied; wiped by pki_signer_release). */
seam_err pki_signer_raw(pki_signer *s, const uint8_t priv[32]);
/* A signer over the P-256 private key in a PEM file (PKCS#8 or SEC 1 "EC PRIVATE KEY"). */
seam_err pki_signer_file(pki_signer *s, const char *path, char *err, size_t errcap);
/* Releases a signer (safe on a zeroed struct and twice). */
void pki_signer_release(pki_signer *s);

/* ---- Issuing ---- */
typedef struct {
    pki_kind kind;
    const char *name;         /* CN of a root, issuing CA or organisation (1..64 characters) */
    pki_role role;            /* PKI_ORG: which organisation role (OU and policy) */
    pki_usage usage;          /* PKI_ORG, PKI_DEVICE: exactly one usage */
    const uint8_t *device_id; /* PKI_DEVICE: the identifier, CN in upper-case hex */
    size_t device_id_len;
    int32_t path_len;           /* PKI_ROOT, PKI_ISSUING: pathLenConstraint, -1 for none */
    int64_t not_before;         /* seconds since 1970 (UTC) */
    int64_t not_after;          /* clamped to the issuer's notAfter */
    const uint8_t *subject_pub; /* the certified key, 65 bytes (a root: the signer's key) */
} pki_profile;

/* Issues one certificate. issuer_der is the issuing CA's certificate (NULL for a root, whose
 * signer must hold subject_pub's private key). Refuses (SEAM_E_STATE) an issuer that is not a
 * CA with keyCertSign, whose path length forbids another CA, or whose validity has ended before
 * not_before; refuses (SEAM_E_AUTH) a signer whose key is not the issuer's. Writes the DER
 * certificate to out. */
seam_err pki_issue(const pki_profile *p, const uint8_t *issuer_der, size_t issuer_len,
                   const pki_signer *signer, uint8_t *out, size_t cap, size_t *out_len, char *err,
                   size_t errcap);

/* ---- Keys, CSRs, public keys ---- */
/* Generates a P-256 key pair (seam DRBG). */
seam_err pki_keygen(uint8_t priv[32], uint8_t pub[65]);
/* Writes priv as a PKCS#8 PEM file, mode 0600, atomically (see pki_write_file). */
seam_err pki_key_write(const char *path, const uint8_t priv[32], bool force);

/* A subject public key from a file's bytes: PEM or DER SubjectPublicKeyInfo (P-256 only), a raw
 * 65-byte uncompressed point, or that point in hex text (spaces, ':' and a final newline
 * allowed). The point is checked on the curve. */
seam_err pki_pubkey_parse(const uint8_t *data, size_t len, uint8_t pub[65], char *err,
                          size_t errcap);
/* A PKCS#10 request (PEM or DER): its signature is checked with its own key, which must be
 * P-256 (RFC 2986 §3); returns that key. SEAM_E_AUTH when the signature does not verify. */
seam_err pki_csr_parse(const uint8_t *data, size_t len, uint8_t pub[65], char *err, size_t errcap);
/* Builds a DER PKCS#10 request with subject CN=cn for the signer's key, signed by it. */
seam_err pki_csr_build(const pki_signer *s, const char *cn, uint8_t *out, size_t cap,
                       size_t *out_len);

/* ---- Encodings and files ---- */
/* Certificates from a file's bytes: one DER certificate, or one or more PEM "CERTIFICATE"
 * blocks, written one after the other into buf (capacity cap); offs[i]/lens[i] locate each.
 * *n is the number found (at most max). SEAM_E_FORMAT when there is none. */
seam_err pki_certs_decode(const uint8_t *data, size_t len, uint8_t *buf, size_t cap, size_t *offs,
                          size_t *lens, size_t max, size_t *n);
/* PEM of DER with the given label ("CERTIFICATE"), NUL-terminated; *out_len excludes the NUL. */
seam_err pki_pem_encode(const char *label, const uint8_t *der, size_t len, char *out, size_t cap,
                        size_t *out_len);
/* A DER Name as RFC 2253-style text ("CN=x,OU=y"), NUL-terminated. */
seam_err pki_name_text(const uint8_t *der, size_t len, char *out, size_t cap);
/* OBJECT IDENTIFIER content octets as dotted text, NUL-terminated. */
seam_err pki_oid_text(const uint8_t *oid, size_t len, char *out, size_t cap);

/* Writes a file atomically: a temporary file in the same directory (mode `mode`), fsync, then
 * link (no clobber: SEAM_E_EXISTS if path exists) or, with force, rename over it. */
seam_err pki_write_file(const char *path, const void *data, size_t len, unsigned mode, bool force);
/* Reads a whole file of at most cap bytes (SEAM_E_LENGTH if larger). */
seam_err pki_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len);

/* ---- A CA directory: DIR/cert.pem and DIR/key.pem ---- */
typedef struct {
    uint8_t cert[PKI_MAX_CERT];
    size_t cert_len;
    pki_signer signer;
} pki_ca;

/* Loads DIR/cert.pem and a file signer on DIR/key.pem; checks that the key is the
 * certificate's (SEAM_E_AUTH otherwise). */
seam_err pki_ca_load(pki_ca *ca, const char *dir, char *err, size_t errcap);
void pki_ca_release(pki_ca *ca);
/* Writes DIR/key.pem (0600) and DIR/cert.pem (0644), creating DIR (0700) if needed. Without
 * force, refuses (SEAM_E_EXISTS) before writing anything if either file exists. */
seam_err pki_ca_save(const char *dir, const uint8_t *cert, size_t cert_len, const uint8_t priv[32],
                     bool force, char *err, size_t errcap);

#endif
