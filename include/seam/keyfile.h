/*
 * Key and certificate files for the host tools (SCP11 in `seam gp`, GP CS 2.3.1 Amendment F):
 * the only place where seam reads PEM and key encodings, behind this small interface so that
 * OpenSSL's decoders stay inside src/crypto (src/crypto/keyfile.c).
 *
 *  - certificates: a file holding one DER X.509 certificate, or one or more PEM "CERTIFICATE"
 *    blocks (RFC 7468 §5), in file order; the DER bytes are copied out for seam's own strict
 *    parser (include/seam/x509.h), which is what decides whether a certificate is acceptable;
 *  - private keys: a PEM P-256 private key, PKCS#8 ("PRIVATE KEY", RFC 5208/5958) or SEC 1
 *    ("EC PRIVATE KEY", RFC 5915), unencrypted; returned as the 32-byte scalar and its public
 *    point. Every other curve or key type is SEAM_E_UNSUPPORTED.
 *
 * Test support: kf_cert_make issues a P-256 X.509 v3 certificate (and kf_privkey_pem writes a
 * key as PEM) so tests can build their PKI at run time without fixed files.
 *
 * Contract: caller-owned buffers; outputs written only on success; private key bytes (the
 * caller's scalar, OpenSSL's copies, file buffers that held them) are wiped on every path out;
 * err (if errcap > 0) gets a short reason on failure. Errors: SEAM_E_IO (file), SEAM_E_FORMAT
 * (not PEM/DER of the expected kind), SEAM_E_UNSUPPORTED (not P-256), SEAM_E_LENGTH (larger than
 * the bounds below), SEAM_E_ARG, SEAM_E_CRYPTO.
 */
#ifndef SEAM_KEYFILE_H
#define SEAM_KEYFILE_H

#include "seam/base.h"

#define KF_MAX_CERTS 8     /* certificates in one file or set */
#define KF_MAX_BYTES 16384 /* their total DER size */
#define KF_MAX_FILE 65536  /* a key or certificate file */

/* A set of DER certificates, in the order they were added. */
typedef struct {
    uint8_t buf[KF_MAX_BYTES];
    size_t off[KF_MAX_CERTS];
    size_t len[KF_MAX_CERTS];
    size_t n;
} kf_certs;

/* Appends the certificates of a file's bytes (DER or PEM, see above) to set. */
seam_err kf_certs_parse(const uint8_t *data, size_t len, kf_certs *set, char *err, size_t errcap);
/* Reads the file at path and appends its certificates. */
seam_err kf_certs_read(const char *path, kf_certs *set, char *err, size_t errcap);
/* Appends one DER certificate as it is (e.g. one read from a card). */
seam_err kf_certs_add(kf_certs *set, const uint8_t *der, size_t len);

/* A P-256 private key from PEM bytes (PKCS#8 or SEC 1). priv gets the scalar, pub (may be
 * NULL) its public point. */
seam_err kf_privkey_parse(const uint8_t *pem, size_t len, uint8_t priv[32], uint8_t *pub, char *err,
                          size_t errcap);
/* Reads the file at path (the file buffer is wiped after use). */
seam_err kf_privkey_read(const char *path, uint8_t priv[32], uint8_t *pub, char *err,
                         size_t errcap);

/* ---- test support ---- */
/* Writes priv as PEM, NUL-terminated: PKCS#8 "PRIVATE KEY", or SEC 1 "EC PRIVATE KEY" when
 * sec1. */
seam_err kf_privkey_pem(const uint8_t priv[32], bool sec1, char *out, size_t cap, size_t *out_len);
/* DER to PEM "CERTIFICATE", NUL-terminated. */
seam_err kf_cert_pem(const uint8_t *der, size_t len, char *out, size_t cap, size_t *out_len);

/* What kf_cert_make puts in a certificate. */
typedef struct {
    const char *cn;             /* subject CN */
    const uint8_t *subject_pub; /* 65 bytes: the certified key */
    const uint8_t *issuer_der;  /* issuer certificate, NULL for self-signed */
    size_t issuer_len;
    const uint8_t *issuer_priv; /* 32 bytes: the signing key (the subject's own if self-signed) */
    int64_t not_before, not_after; /* seconds since 1970 */
    uint16_t key_usage;            /* X509_KU_* bits (include/seam/x509.h); 0 = no extension */
    bool ca;                       /* basicConstraints cA TRUE (critical) */
    long serial;
} kf_cert_spec;

/* Issues an X.509 v3 certificate, ecdsa-with-SHA256, with SKI (and AKI = the issuer's SKI
 * when there is an issuer certificate); issuer Name copied from the issuer's subject. */
seam_err kf_cert_make(const kf_cert_spec *spec, uint8_t *out, size_t cap, size_t *out_len);

#endif
