/*
 * seam's certificate authority on OpenSSL 3 (include/seam/pki.h, docs/pki.md): builds the
 * tbsCertificate of RFC 5280 §4.1 with OpenSSL's X509 objects, then signs it through a
 * pki_signer (one "sign this SHA-256 digest" function, so a PKCS#11 token can replace the key
 * file) and assembles the Certificate SEQUENCE { tbs, ecdsa-with-SHA256, BIT STRING } itself
 * (RFC 5280 §4.1.1, RFC 5758 §3.2). PKCS#10 requests (RFC 2986) are built and checked the same
 * way. Also the PEM, key and file handling of the `seam pki` command.
 *
 * Invariants: the issuer Name of a certificate is the issuer certificate's subject Name, byte
 * for byte (seam's chain checker compares names as bytes); a CA signs only after its key is
 * checked against its certificate; every signature is verified before a certificate or request
 * is returned (a fault check, as in p256.c); end-entity certificates carry exactly one key usage
 * (SMKI); private scalars live in signer contexts or stack buffers that are wiped on every path
 * out, and PEM text of private keys passes only through OpenSSL's secure-heap memory BIO.
 * Files are replaced atomically (temporary file, fsync, link or rename).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/crypto_int.h"
#include "seam/pki.h"

/* ecdsa-with-SHA256 AlgorithmIdentifier, parameters absent (RFC 5758 §3.2). */
static const uint8_t ALG_ECDSA_SHA256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                           0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
#define MAX_DER_SIG 72
#define LAST_TIME 253402300799LL /* 9999-12-31T23:59:59Z, RFC 5280 §4.1.2.5 */

static seam_err fail(char *err, size_t errcap, seam_err e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static seam_err fail(char *err, size_t errcap, seam_err e, const char *fmt, ...)
{
    if (err && errcap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errcap, fmt, ap);
        va_end(ap);
    }
    ERR_clear_error();
    return e;
}

/* ---- Roles and the policy OID arc ---- */

static const struct {
    pki_role role;
    const char *name;
} roles[] = {
    {PKI_ROLE_SUPPLIER, "supplier"}, {PKI_ROLE_NETWORK_OPERATOR, "network-operator"},
    {PKI_ROLE_DCC, "dcc"},           {PKI_ROLE_TELEHEALTH, "telehealth"},
    {PKI_ROLE_DEVICE, "device"},
};

const char *pki_role_name(pki_role r)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i].role == r) return roles[i].name;
    return NULL;
}

pki_role pki_role_from_name(const char *s)
{
    for (size_t i = 0; s && i < sizeof roles / sizeof roles[0]; i++)
        if (!strcmp(roles[i].name, s)) return roles[i].role;
    return PKI_ROLE_NONE;
}

static void policy_text(pki_role r, char *out, size_t cap)
{
    snprintf(out, cap, "%s.1.%d", PKI_OID_ARC, (int)r);
}

pki_role pki_role_from_policy(const uint8_t *oid, size_t len)
{
    for (size_t i = 0; oid && i < sizeof roles / sizeof roles[0]; i++) {
        char txt[96];
        policy_text(roles[i].role, txt, sizeof txt);
        ASN1_OBJECT *o = OBJ_txt2obj(txt, 1);
        bool eq = o && (size_t)OBJ_length(o) == len && !memcmp(OBJ_get0_data(o), oid, len);
        ASN1_OBJECT_free(o);
        if (eq) return roles[i].role;
    }
    return PKI_ROLE_NONE;
}

/* ---- EVP_PKEY <-> P-256 points ---- */

/* The 65-byte uncompressed point of an EC P-256 key; SEAM_E_UNSUPPORTED for any other key. */
static seam_err pkey_p256_pub(const EVP_PKEY *pk, uint8_t pub[65])
{
    char group[32] = "";
    if (!pk || !EVP_PKEY_is_a(pk, "EC") ||
        !EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        NULL) ||
        strcmp(group, "prime256v1") != 0)
        return SEAM_E_UNSUPPORTED;
    BIGNUM *x = NULL, *y = NULL;
    seam_err e = SEAM_OK;
    if (!EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
        !EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, &y)) {
        e = SEAM_E_CRYPTO;
    } else {
        pub[0] = 0x04;
        if (BN_bn2binpad(x, pub + 1, 32) != 32 || BN_bn2binpad(y, pub + 33, 32) != 32)
            e = SEAM_E_CRYPTO;
    }
    BN_free(x);
    BN_free(y);
    if (e == SEAM_OK) e = cr_p256_check_public(pub, 65);
    return e;
}

/* An EVP_PKEY for a public point, or with priv also its private scalar. */
static EVP_PKEY *pkey_from(const uint8_t pub[65], const uint8_t *priv)
{
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    BIGNUM *d = priv ? BN_secure_new() : NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *c = NULL;
    EVP_PKEY *pk = NULL;
    if (!b || (priv && (!d || !BN_bin2bn(priv, 32, d)))) goto out;
    if (!OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
        !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub, 65) ||
        (d && !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, d)))
        goto out;
    params = OSSL_PARAM_BLD_to_param(b);
    c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!params || !c || EVP_PKEY_fromdata_init(c) <= 0 ||
        EVP_PKEY_fromdata(c, &pk, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pk = NULL;
out:
    EVP_PKEY_CTX_free(c);
    OSSL_PARAM_free(params); /* secure-heap memory for the scalar (pushed from a secure BIGNUM) */
    OSSL_PARAM_BLD_free(b);
    BN_clear_free(d);
    return pk;
}

/* ---- Signers ---- */

typedef struct {
    uint8_t priv[32];
} raw_ctx;

static seam_err raw_sign(const pki_signer *s, const uint8_t digest[32], uint8_t sig[64])
{
    return cr_p256_sign(((const raw_ctx *)s->ctx)->priv, digest, sig);
}

static void raw_release(pki_signer *s)
{
    if (!s->ctx) return;
    seam_wipe(s->ctx, sizeof(raw_ctx));
    free(s->ctx);
    s->ctx = NULL;
}

seam_err pki_signer_raw(pki_signer *s, const uint8_t priv[32])
{
    if (!s || !priv) return SEAM_E_ARG;
    memset(s, 0, sizeof *s);
    raw_ctx *c = malloc(sizeof *c);
    if (!c) return SEAM_E_NOMEM;
    memcpy(c->priv, priv, 32);
    seam_err e = cr_p256_public(priv, s->pub);
    if (e != SEAM_OK) {
        seam_wipe(c, sizeof *c);
        free(c);
        return e;
    }
    s->ctx = c;
    s->sign = raw_sign;
    s->release = raw_release;
    return SEAM_OK;
}

void pki_signer_release(pki_signer *s)
{
    if (!s) return;
    if (s->release) s->release(s);
    memset(s, 0, sizeof *s);
}

/* A password callback that refuses: an encrypted key file is an error, never a prompt. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

seam_err pki_signer_file(pki_signer *s, const char *path, char *err, size_t errcap)
{
    if (!s || !path) return SEAM_E_ARG;
    memset(s, 0, sizeof *s);
    uint8_t text[8192];
    size_t n = 0;
    seam_err e = pki_read_file(path, text, sizeof text, &n);
    if (e != SEAM_OK) {
        seam_wipe(text, sizeof text);
        return fail(err, errcap, e, "cannot read key file %s: %s", path,
                    e == SEAM_E_LENGTH ? "too large" : strerror(errno));
    }
    BIO *bio = BIO_new_mem_buf(text, (int)n);
    EVP_PKEY *pk = bio ? PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL) : NULL;
    BIO_free(bio);
    seam_wipe(text, sizeof text);
    if (!pk)
        return fail(err, errcap, SEAM_E_FORMAT, "%s: not a PEM private key (or encrypted)", path);
    uint8_t pub[65], priv[32];
    BIGNUM *d = NULL;
    e = pkey_p256_pub(pk, pub);
    if (e == SEAM_OK && (!EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_PRIV_KEY, &d) ||
                         BN_bn2binpad(d, priv, 32) != 32))
        e = SEAM_E_CRYPTO;
    BN_clear_free(d);
    EVP_PKEY_free(pk);
    if (e == SEAM_OK) e = pki_signer_raw(s, priv);
    if (e == SEAM_OK && memcmp(s->pub, pub, 65) != 0) {
        pki_signer_release(s);
        e = SEAM_E_FORMAT;
    }
    seam_wipe(priv, sizeof priv);
    if (e != SEAM_OK)
        return fail(err, errcap, e, "%s: %s", path,
                    e == SEAM_E_UNSUPPORTED ? "not a P-256 (prime256v1) key"
                                            : "unusable private key");
    return SEAM_OK;
}

/* ---- DER assembly of a signed structure ---- */

static void wr_len(seam_wr *w, size_t n)
{
    if (n < 0x80) {
        seam_wr_u8(w, (uint8_t)n);
    } else if (n < 0x100) {
        seam_wr_u8(w, 0x81);
        seam_wr_u8(w, (uint8_t)n);
    } else {
        seam_wr_u8(w, 0x82);
        seam_wr_u16(w, (uint16_t)n);
    }
}

/* SEQUENCE { body, ecdsa-with-SHA256, BIT STRING { ECDSA-Sig-Value } }: the shape of both a
 * Certificate (RFC 5280 §4.1.1) and a CertificationRequest (RFC 2986 §4.2). The signature is
 * verified with the signer's public key before anything is written. */
static seam_err sign_and_wrap(const uint8_t *body, size_t blen, const pki_signer *s, uint8_t *out,
                              size_t cap, size_t *out_len)
{
    uint8_t digest[32], sig[64], dsig[MAX_DER_SIG];
    size_t dlen = 0;
    seam_err e = cr_sha256(body, blen, digest);
    if (e == SEAM_OK) e = s->sign(s, digest, sig);
    if (e == SEAM_OK && cr_p256_verify(s->pub, 65, digest, sig) != SEAM_OK) e = SEAM_E_FAULT;
    if (e == SEAM_OK) e = cr_ecdsa_sig_to_der(sig, dsig, sizeof dsig, &dlen);
    if (e != SEAM_OK) return e;
    size_t inner = blen + sizeof ALG_ECDSA_SHA256 + 2 + 1 + dlen;
    if (inner > 0xffff) return SEAM_E_LENGTH;
    seam_wr w;
    seam_wr_init(&w, out, cap);
    seam_wr_u8(&w, 0x30);
    wr_len(&w, inner);
    seam_wr_bytes(&w, body, blen);
    seam_wr_bytes(&w, ALG_ECDSA_SHA256, sizeof ALG_ECDSA_SHA256);
    seam_wr_u8(&w, 0x03);
    seam_wr_u8(&w, (uint8_t)(dlen + 1));
    seam_wr_u8(&w, 0x00);
    seam_wr_bytes(&w, dsig, dlen);
    if (w.err != SEAM_OK) return w.err;
    *out_len = w.len;
    return SEAM_OK;
}

/* ---- Issuing ---- */

static bool add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
    if (!ext) return false;
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok == 1;
}

static bool name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > PKI_MAX_NAME) return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return false;
    return true;
}

/* Checks what the profile asks for, independent of the issuer. */
static seam_err profile_check(const pki_profile *p, char *err, size_t errcap)
{
    if (!p->subject_pub || cr_p256_check_public(p->subject_pub, 65) != SEAM_OK)
        return fail(err, errcap, SEAM_E_ARG, "the subject key is not a P-256 point");
    if (p->not_before < 0 || p->not_after <= p->not_before || p->not_before > LAST_TIME)
        return fail(err, errcap, SEAM_E_ARG, "validity: notAfter must come after notBefore");
    switch (p->kind) {
    case PKI_ROOT:
    case PKI_ISSUING:
        if (!name_ok(p->name))
            return fail(err, errcap, SEAM_E_ARG, "name: 1 to %d printable characters",
                        PKI_MAX_NAME);
        if (p->usage != PKI_USAGE_NONE)
            return fail(err, errcap, SEAM_E_ARG,
                        "a CA certificate has keyCertSign and cRLSign only (no end-entity usage)");
        if (p->path_len < -1 || p->path_len > 16)
            return fail(err, errcap, SEAM_E_ARG, "path length: -1 (none) or 0..16");
        return SEAM_OK;
    case PKI_ORG:
        if (!name_ok(p->name))
            return fail(err, errcap, SEAM_E_ARG, "name: 1 to %d printable characters",
                        PKI_MAX_NAME);
        if (p->role == PKI_ROLE_NONE || p->role == PKI_ROLE_DEVICE || !pki_role_name(p->role))
            return fail(err, errcap, SEAM_E_ARG,
                        "an organisation needs a role: supplier, network-operator, dcc or "
                        "telehealth");
        break;
    case PKI_DEVICE:
        if (!p->device_id || p->device_id_len == 0 || p->device_id_len > PKI_MAX_DEVICE_ID)
            return fail(err, errcap, SEAM_E_ARG, "device id: 1 to %d bytes", PKI_MAX_DEVICE_ID);
        break;
    default:
        return fail(err, errcap, SEAM_E_ARG, "unknown certificate kind");
    }
    /* SMKI: one usage per end-entity certificate, digitalSignature or keyAgreement. */
    if (p->usage != PKI_USAGE_SIGN && p->usage != PKI_USAGE_KEYAGREE)
        return fail(err, errcap, SEAM_E_ARG,
                    "an end-entity certificate has exactly one key usage: sign or keyagree");
    if (p->path_len != -1)
        return fail(err, errcap, SEAM_E_ARG, "a path length is for CA certificates only");
    return SEAM_OK;
}

/* Checks that issuer may sign a certificate of this profile with this signer. */
static seam_err issuer_check(const pki_profile *p, X509 *ic, const pki_signer *signer, char *err,
                             size_t errcap)
{
    uint8_t ipub[65];
    seam_err e = pkey_p256_pub(X509_get0_pubkey(ic), ipub);
    if (e != SEAM_OK) return fail(err, errcap, e, "the CA certificate's key is not P-256");
    if (memcmp(ipub, signer->pub, 65) != 0)
        return fail(err, errcap, SEAM_E_AUTH, "the signing key is not the CA certificate's key");
    uint32_t flags = X509_get_extension_flags(ic);
    if (!(flags & EXFLAG_CA) || !(flags & EXFLAG_KUSAGE) ||
        !(X509_get_key_usage(ic) & KU_KEY_CERT_SIGN))
        return fail(err, errcap, SEAM_E_STATE,
                    "the issuer is not a CA (needs basicConstraints cA and keyUsage "
                    "keyCertSign)");
    long ipl = X509_get_pathlen(ic);
    if (p->kind == PKI_ISSUING && ipl >= 0 && (p->path_len < 0 || p->path_len > ipl - 1)) {
        if (ipl == 0)
            return fail(err, errcap, SEAM_E_STATE,
                        "the issuer's pathLenConstraint is 0: it may not certify a CA");
        return fail(err, errcap, SEAM_E_STATE,
                    "the issuer's pathLenConstraint %ld allows a path length of at most %ld", ipl,
                    ipl - 1);
    }
    if (ASN1_TIME_cmp_time_t(X509_get0_notAfter(ic), (time_t)p->not_before) < 0)
        return fail(err, errcap, SEAM_E_STATE, "the issuer's certificate has expired");
    return SEAM_OK;
}

static bool set_names(X509 *x, const pki_profile *p, X509 *ic)
{
    X509_NAME *nm = X509_NAME_new();
    bool ok = nm != NULL;
    if (ok && p->kind == PKI_ORG)
        ok = X509_NAME_add_entry_by_txt(nm, "OU", MBSTRING_UTF8,
                                        (const unsigned char *)pki_role_name(p->role), -1, -1, 0);
    if (ok && p->kind == PKI_DEVICE) {
        char hex[2 * PKI_MAX_DEVICE_ID + 1];
        seam_hex_encode(p->device_id, p->device_id_len, hex);
        for (char *c = hex; *c; c++)
            if (*c >= 'a' && *c <= 'f') *c = (char)(*c - 'a' + 'A');
        ok = X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8, (const unsigned char *)hex, -1, -1,
                                        0);
    } else if (ok) {
        ok = X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8, (const unsigned char *)p->name, -1,
                                        -1, 0);
    }
    ok = ok && X509_set_subject_name(x, nm);
    /* The issuer is the issuer certificate's subject, byte for byte (its cached encoding). */
    ok = ok && X509_set_issuer_name(x, ic ? X509_get_subject_name(ic) : nm);
    X509_NAME_free(nm);
    return ok;
}

/* A random positive serial number of 16 octets, minimal DER (RFC 5280 §4.1.2.2). */
static bool set_serial(X509 *x)
{
    uint8_t b[16];
    if (cr_random(b, sizeof b) != SEAM_OK) return false;
    b[0] = (uint8_t)((b[0] & 0x7f) | 0x40);
    BIGNUM *bn = BN_bin2bn(b, sizeof b, NULL);
    ASN1_INTEGER *ai = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    bool ok = ai && X509_set_serialNumber(x, ai);
    ASN1_INTEGER_free(ai);
    BN_free(bn);
    return ok;
}

static bool set_extensions(X509 *x, const pki_profile *p, X509 *ic)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, ic ? ic : x, x, NULL, NULL, 0);
    char v[128];
    if (p->kind == PKI_ROOT || p->kind == PKI_ISSUING) {
        if (p->path_len >= 0)
            snprintf(v, sizeof v, "critical,CA:TRUE,pathlen:%d", (int)p->path_len);
        else
            snprintf(v, sizeof v, "critical,CA:TRUE");
        if (!add_ext(x, &ctx, NID_basic_constraints, v) ||
            !add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign"))
            return false;
    } else if (!add_ext(x, &ctx, NID_key_usage,
                        p->usage == PKI_USAGE_SIGN ? "critical,digitalSignature"
                                                   : "critical,keyAgreement")) {
        return false;
    }
    /* RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING. */
    if (!add_ext(x, &ctx, NID_subject_key_identifier, "hash")) return false;
    if (ic && !add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always")) return false;
    if (p->kind == PKI_ORG || p->kind == PKI_DEVICE) {
        /* certificatePolicies has no one-line configuration form: built as a structure. */
        policy_text(p->kind == PKI_DEVICE ? PKI_ROLE_DEVICE : p->role, v, sizeof v);
        CERTIFICATEPOLICIES *pols = sk_POLICYINFO_new_null();
        POLICYINFO *pi = POLICYINFO_new();
        bool ok = pols && pi && (pi->policyid = OBJ_txt2obj(v, 1)) != NULL &&
                  sk_POLICYINFO_push(pols, pi) > 0;
        if (ok) pi = NULL;
        ok = ok && X509_add1_ext_i2d(x, NID_certificate_policies, pols, 0, X509V3_ADD_APPEND) == 1;
        POLICYINFO_free(pi);
        CERTIFICATEPOLICIES_free(pols);
        if (!ok) return false;
    }
    return true;
}

seam_err pki_issue(const pki_profile *p, const uint8_t *issuer_der, size_t issuer_len,
                   const pki_signer *signer, uint8_t *out, size_t cap, size_t *out_len, char *err,
                   size_t errcap)
{
    if (err && errcap) err[0] = 0;
    if (!p || !signer || !signer->sign || !out || !out_len)
        return fail(err, errcap, SEAM_E_ARG, "missing argument");
    seam_err e = profile_check(p, err, errcap);
    if (e != SEAM_OK) return e;
    if ((p->kind == PKI_ROOT) != (issuer_der == NULL))
        return fail(err, errcap, SEAM_E_ARG,
                    p->kind == PKI_ROOT ? "a root certifies itself: no issuer"
                                        : "an issuer certificate is needed");
    X509 *ic = NULL;
    if (issuer_der) {
        const unsigned char *q = issuer_der;
        ic = d2i_X509(NULL, &q, (long)issuer_len);
        if (!ic || q != issuer_der + issuer_len) {
            X509_free(ic);
            return fail(err, errcap, SEAM_E_FORMAT, "the CA certificate does not parse");
        }
        e = issuer_check(p, ic, signer, err, errcap);
    } else if (memcmp(p->subject_pub, signer->pub, 65) != 0) {
        e = fail(err, errcap, SEAM_E_AUTH, "a root's key must be the signing key");
    }
    if (e != SEAM_OK) {
        X509_free(ic);
        return e;
    }

    X509 *x = X509_new();
    EVP_PKEY *pk = pkey_from(p->subject_pub, NULL);
    unsigned char *tbs = NULL;
    int tlen = -1;
    int64_t na = p->not_after > LAST_TIME ? LAST_TIME : p->not_after;
    bool ok = x && pk && X509_set_version(x, X509_VERSION_3) && set_serial(x) &&
              set_names(x, p, ic) && X509_set_pubkey(x, pk) &&
              ASN1_TIME_set(X509_getm_notBefore(x), (time_t)p->not_before) &&
              ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na);
    /* A certificate never outlives its issuer's (RFC 5280 §6.1.3 (a)(2) would refuse it). */
    if (ok && ic && ASN1_TIME_cmp_time_t(X509_get0_notAfter(ic), (time_t)na) < 0)
        ok = X509_set1_notAfter(x, X509_get0_notAfter(ic));
    ok = ok && set_extensions(x, p, ic);
    /* The tbsCertificate's signature field (RFC 5280 §4.1.2.3) must name the algorithm before
     * the TBS is encoded; OpenSSL sets it only inside X509_sign, which wants the key itself,
     * so it is set here through the pointer OpenSSL exposes as const. */
    if (ok)
        ok = X509_ALGOR_set0((X509_ALGOR *)X509_get0_tbs_sigalg(x),
                             OBJ_nid2obj(NID_ecdsa_with_SHA256), V_ASN1_UNDEF, NULL);
    if (ok) tlen = i2d_re_X509_tbs(x, &tbs);
    if (!ok || tlen <= 0)
        e = fail(err, errcap, SEAM_E_CRYPTO, "OpenSSL could not build the certificate");
    else
        e = sign_and_wrap(tbs, (size_t)tlen, signer, out, cap, out_len);
    if (e == SEAM_E_LENGTH)
        fail(err, errcap, e, "certificate larger than the buffer");
    else if (e != SEAM_OK && err && errcap && !err[0])
        fail(err, errcap, e, "signing failed: %s", seam_strerror(e));
    OPENSSL_free(tbs);
    EVP_PKEY_free(pk);
    X509_free(x);
    X509_free(ic);
    return e;
}

/* ---- Keys, CSRs, public keys ---- */

seam_err pki_keygen(uint8_t priv[32], uint8_t pub[65])
{
    return cr_p256_keygen(priv, pub);
}

seam_err pki_key_write(const char *path, const uint8_t priv[32], bool force)
{
    if (!path || !priv) return SEAM_E_ARG;
    uint8_t pub[65];
    seam_err e = cr_p256_public(priv, pub);
    if (e != SEAM_OK) return e;
    EVP_PKEY *pk = pkey_from(pub, priv);
    BIO *bio = BIO_new(BIO_s_secmem());
    BUF_MEM *bm = NULL;
    if (!pk || !bio || !PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) ||
        BIO_get_mem_ptr(bio, &bm) != 1 || !bm)
        e = SEAM_E_CRYPTO;
    else
        e = pki_write_file(path, bm->data, bm->length, 0600, force);
    if (bm) OPENSSL_cleanse(bm->data, bm->length);
    BIO_free(bio);
    EVP_PKEY_free(pk);
    ERR_clear_error();
    return e;
}

static bool looks_pem(const uint8_t *d, size_t len)
{
    static const char tag[] = "-----BEGIN ";
    for (size_t i = 0; i + sizeof tag - 1 <= len; i++)
        if (!memcmp(d + i, tag, sizeof tag - 1)) return true;
    return false;
}

/* Only hex digits, blanks, ':' and line breaks (a DER or raw point never is, in practice: a
 * P-256 SPKI holds bytes such as 0x06 and 0x86 outside that set). */
static bool is_hex_text(const uint8_t *d, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = d[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
              c == ' ' || c == ':' || c == '\n' || c == '\r' || c == '\t'))
            return false;
    }
    return true;
}

seam_err pki_pubkey_parse(const uint8_t *data, size_t len, uint8_t pub[65], char *err,
                          size_t errcap)
{
    if (!data || !pub) return SEAM_E_ARG;
    if (len > 16384) return fail(err, errcap, SEAM_E_LENGTH, "public key file too large");
    if (len == 65 && data[0] == 0x04 && !is_hex_text(data, len)) {
        memcpy(pub, data, 65);
    } else if (looks_pem(data, len) || (len && data[0] == 0x30 && !is_hex_text(data, len))) {
        EVP_PKEY *pk = NULL;
        if (looks_pem(data, len)) {
            BIO *bio = BIO_new_mem_buf(data, (int)len);
            pk = bio ? PEM_read_bio_PUBKEY(bio, NULL, no_password, NULL) : NULL;
            BIO_free(bio);
        } else {
            const unsigned char *q = data;
            pk = d2i_PUBKEY(NULL, &q, (long)len);
            if (pk && q != data + len) {
                EVP_PKEY_free(pk);
                pk = NULL;
            }
        }
        if (!pk)
            return fail(err, errcap, SEAM_E_FORMAT,
                        "not a SubjectPublicKeyInfo (PEM \"PUBLIC KEY\" or DER)");
        seam_err e = pkey_p256_pub(pk, pub);
        EVP_PKEY_free(pk);
        if (e != SEAM_OK) return fail(err, errcap, e, "the public key is not a P-256 key");
        ERR_clear_error();
    } else {
        /* Hex text: copy without line breaks, then the base hex decoder. */
        char text[512];
        size_t n = 0;
        for (size_t i = 0; i < len; i++) {
            if (data[i] == '\n' || data[i] == '\r' || data[i] == '\t') continue;
            if (n + 1 >= sizeof text || data[i] == 0)
                return fail(err, errcap, SEAM_E_FORMAT, "not a public key");
            text[n++] = (char)data[i];
        }
        text[n] = 0;
        size_t got = 0;
        if (seam_hex_decode(text, pub, 65, &got) != SEAM_OK || got != 65)
            return fail(err, errcap, SEAM_E_FORMAT,
                        "not a public key: expected a PEM/DER SubjectPublicKeyInfo or a 65-byte "
                        "uncompressed point (04 || X || Y) in binary or hex");
    }
    if (pub[0] != 0x04 || cr_p256_check_public(pub, 65) != SEAM_OK) {
        seam_wipe(pub, 65);
        return fail(err, errcap, SEAM_E_FORMAT, "the public key is not a point on P-256");
    }
    return SEAM_OK;
}

seam_err pki_csr_parse(const uint8_t *data, size_t len, uint8_t pub[65], char *err, size_t errcap)
{
    if (!data || !pub) return SEAM_E_ARG;
    if (len > 16384) return fail(err, errcap, SEAM_E_LENGTH, "CSR file too large");
    X509_REQ *req = NULL;
    if (looks_pem(data, len)) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        req = bio ? PEM_read_bio_X509_REQ(bio, NULL, no_password, NULL) : NULL;
        BIO_free(bio);
    } else {
        const unsigned char *q = data;
        req = d2i_X509_REQ(NULL, &q, (long)len);
        if (req && q != data + len) {
            X509_REQ_free(req);
            req = NULL;
        }
    }
    if (!req) return fail(err, errcap, SEAM_E_FORMAT, "not a PKCS#10 request (PEM or DER)");
    seam_err e = pkey_p256_pub(X509_REQ_get0_pubkey(req), pub);
    if (e != SEAM_OK) {
        e = fail(err, errcap, e, "the request's key is not a P-256 key");
    } else if (X509_REQ_get_signature_nid(req) != NID_ecdsa_with_SHA256) {
        e = fail(err, errcap, SEAM_E_UNSUPPORTED, "the request is not signed ecdsa-with-SHA256");
    } else if (X509_REQ_verify(req, X509_REQ_get0_pubkey(req)) != 1) {
        e = fail(err, errcap, SEAM_E_AUTH, "the request's signature does not verify");
    }
    X509_REQ_free(req);
    ERR_clear_error();
    if (e != SEAM_OK) seam_wipe(pub, 65);
    return e;
}

seam_err pki_csr_build(const pki_signer *s, const char *cn, uint8_t *out, size_t cap,
                       size_t *out_len)
{
    if (!s || !s->sign || !name_ok(cn) || !out || !out_len) return SEAM_E_ARG;
    X509_REQ *req = X509_REQ_new();
    X509_NAME *nm = X509_NAME_new();
    EVP_PKEY *pk = pkey_from(s->pub, NULL);
    unsigned char *info = NULL;
    int ilen = -1;
    bool ok =
        req && nm && pk && X509_REQ_set_version(req, 0) &&
        X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) &&
        X509_REQ_set_subject_name(req, nm) && X509_REQ_set_pubkey(req, pk);
    if (ok) ilen = i2d_re_X509_REQ_tbs(req, &info);
    seam_err e = (!ok || ilen <= 0) ? SEAM_E_CRYPTO
                                    : sign_and_wrap(info, (size_t)ilen, s, out, cap, out_len);
    OPENSSL_free(info);
    EVP_PKEY_free(pk);
    X509_NAME_free(nm);
    X509_REQ_free(req);
    ERR_clear_error();
    return e;
}

/* ---- Encodings ---- */

seam_err pki_certs_decode(const uint8_t *data, size_t len, uint8_t *buf, size_t cap, size_t *offs,
                          size_t *lens, size_t max, size_t *n)
{
    if (!data || !buf || !offs || !lens || !n || max == 0) return SEAM_E_ARG;
    *n = 0;
    if (len > INT_MAX) return SEAM_E_LENGTH;
    if (!looks_pem(data, len)) {
        if (len == 0 || data[0] != 0x30) return SEAM_E_FORMAT;
        if (len > cap) return SEAM_E_LENGTH;
        memcpy(buf, data, len);
        offs[0] = 0;
        lens[0] = len;
        *n = 1;
        return SEAM_OK;
    }
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (!bio) return SEAM_E_NOMEM;
    size_t used = 0;
    seam_err e = SEAM_OK;
    for (;;) {
        char *name = NULL, *header = NULL;
        unsigned char *der = NULL;
        long dlen = 0;
        if (!PEM_read_bio(bio, &name, &header, &der, &dlen)) break;
        if (!strcmp(name, "CERTIFICATE")) {
            if (*n == max)
                e = SEAM_E_FULL;
            else if ((size_t)dlen > cap - used)
                e = SEAM_E_LENGTH;
            else {
                memcpy(buf + used, der, (size_t)dlen);
                offs[*n] = used;
                lens[*n] = (size_t)dlen;
                used += (size_t)dlen;
                (*n)++;
            }
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(der);
        if (e != SEAM_OK) break;
    }
    BIO_free(bio);
    ERR_clear_error();
    if (e == SEAM_OK && *n == 0) e = SEAM_E_FORMAT;
    return e;
}

seam_err pki_pem_encode(const char *label, const uint8_t *der, size_t len, char *out, size_t cap,
                        size_t *out_len)
{
    if (!label || !der || !out || len > INT_MAX) return SEAM_E_ARG;
    BIO *bio = BIO_new(BIO_s_mem());
    BUF_MEM *bm = NULL;
    seam_err e = SEAM_OK;
    if (!bio || PEM_write_bio(bio, label, "", der, (long)len) <= 0 ||
        BIO_get_mem_ptr(bio, &bm) != 1 || !bm)
        e = SEAM_E_CRYPTO;
    else if (bm->length + 1 > cap)
        e = SEAM_E_LENGTH;
    else {
        memcpy(out, bm->data, bm->length);
        out[bm->length] = 0;
        if (out_len) *out_len = bm->length;
    }
    BIO_free(bio);
    return e;
}

seam_err pki_name_text(const uint8_t *der, size_t len, char *out, size_t cap)
{
    if (!der || !out || cap == 0 || len > INT_MAX) return SEAM_E_ARG;
    const unsigned char *q = der;
    X509_NAME *nm = d2i_X509_NAME(NULL, &q, (long)len);
    BIO *bio = BIO_new(BIO_s_mem());
    BUF_MEM *bm = NULL;
    seam_err e = SEAM_OK;
    if (!nm || q != der + len)
        e = SEAM_E_FORMAT;
    else if (!bio || X509_NAME_print_ex(bio, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0 ||
             BIO_get_mem_ptr(bio, &bm) != 1 || !bm)
        e = SEAM_E_CRYPTO;
    else if (bm->length + 1 > cap)
        e = SEAM_E_LENGTH;
    else {
        memcpy(out, bm->data, bm->length);
        out[bm->length] = 0;
    }
    BIO_free(bio);
    X509_NAME_free(nm);
    ERR_clear_error();
    return e;
}

seam_err pki_oid_text(const uint8_t *oid, size_t len, char *out, size_t cap)
{
    if (!oid || !out || cap == 0 || len == 0 || len > 127) return SEAM_E_ARG;
    uint8_t der[129];
    der[0] = 0x06;
    der[1] = (uint8_t)len;
    memcpy(der + 2, oid, len);
    const unsigned char *q = der;
    ASN1_OBJECT *o = d2i_ASN1_OBJECT(NULL, &q, (long)len + 2);
    if (!o) {
        ERR_clear_error();
        return SEAM_E_FORMAT;
    }
    int n = OBJ_obj2txt(out, (int)(cap > INT_MAX ? INT_MAX : cap), o, 1);
    ASN1_OBJECT_free(o);
    if (n < 0) return SEAM_E_FORMAT;
    return (size_t)n < cap ? SEAM_OK : SEAM_E_LENGTH;
}

/* ---- Files ---- */

/* fsyncs the directory holding path, so a rename or link survives a crash. */
static void sync_dir(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, sizeof dir, ".");
    } else if (slash == path) {
        snprintf(dir, sizeof dir, "/");
    } else {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir) return;
        memcpy(dir, path, n);
        dir[n] = 0;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

seam_err pki_write_file(const char *path, const void *data, size_t len, unsigned mode, bool force)
{
    if (!path || (!data && len)) return SEAM_E_ARG;
    char tmp[PATH_MAX];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= sizeof tmp) return SEAM_E_ARG;
    if (!force && access(path, F_OK) == 0) return SEAM_E_EXISTS;
    int fd = mkstemp(tmp);
    if (fd < 0) return SEAM_E_IO;
    seam_err e = SEAM_OK;
    if (fchmod(fd, (mode_t)mode) != 0) e = SEAM_E_IO;
    const uint8_t *p = data;
    size_t left = len;
    while (e == SEAM_OK && left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            e = SEAM_E_IO;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (e == SEAM_OK && fsync(fd) != 0) e = SEAM_E_IO;
    if (close(fd) != 0 && e == SEAM_OK) e = SEAM_E_IO;
    if (e == SEAM_OK) {
        if (force) {
            if (rename(tmp, path) != 0) e = SEAM_E_IO;
        } else if (link(tmp, path) != 0) {
            /* link() refuses to replace an existing file, which is the no-clobber rule. */
            e = errno == EEXIST ? SEAM_E_EXISTS : SEAM_E_IO;
        }
    }
    int saved = errno;
    if (e != SEAM_OK || !force) unlink(tmp);
    if (e == SEAM_OK) sync_dir(path);
    errno = saved;
    return e;
}

seam_err pki_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    if (!path || !buf || !len) return SEAM_E_ARG;
    FILE *f = fopen(path, "rb");
    if (!f) return SEAM_E_IO;
    size_t n = fread(buf, 1, cap, f);
    bool more = n == cap && fgetc(f) != EOF;
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) return SEAM_E_IO;
    if (more) return SEAM_E_LENGTH;
    *len = n;
    return SEAM_OK;
}

/* ---- CA directories ---- */

static seam_err dir_file(char *out, size_t cap, const char *dir, const char *name)
{
    return (size_t)snprintf(out, cap, "%s/%s", dir, name) < cap ? SEAM_OK : SEAM_E_ARG;
}

seam_err pki_ca_load(pki_ca *ca, const char *dir, char *err, size_t errcap)
{
    if (!ca || !dir) return SEAM_E_ARG;
    memset(ca, 0, sizeof *ca);
    char path[PATH_MAX];
    uint8_t text[4 * PKI_MAX_CERT];
    size_t n = 0, off[1], len[1], cnt = 0;
    seam_err e = dir_file(path, sizeof path, dir, "cert.pem");
    if (e == SEAM_OK) e = pki_read_file(path, text, sizeof text, &n);
    if (e != SEAM_OK)
        return fail(err, errcap, e, "cannot read %s: %s", path,
                    e == SEAM_E_LENGTH ? "too large" : strerror(errno));
    e = pki_certs_decode(text, n, ca->cert, sizeof ca->cert, off, len, 1, &cnt);
    if (e != SEAM_OK && e != SEAM_E_FULL)
        return fail(err, errcap, SEAM_E_FORMAT, "%s: no certificate in it", path);
    ca->cert_len = len[0];
    if (off[0] != 0) memmove(ca->cert, ca->cert + off[0], len[0]);
    e = dir_file(path, sizeof path, dir, "key.pem");
    if (e == SEAM_OK) e = pki_signer_file(&ca->signer, path, err, errcap);
    if (e != SEAM_OK) return e;
    const unsigned char *q = ca->cert;
    X509 *x = d2i_X509(NULL, &q, (long)ca->cert_len);
    uint8_t pub[65];
    e = x ? pkey_p256_pub(X509_get0_pubkey(x), pub) : SEAM_E_FORMAT;
    X509_free(x);
    ERR_clear_error();
    if (e == SEAM_OK && memcmp(pub, ca->signer.pub, 65) != 0) e = SEAM_E_AUTH;
    if (e != SEAM_OK) {
        pki_ca_release(ca);
        return fail(err, errcap, e, "%s: %s", dir,
                    e == SEAM_E_AUTH ? "key.pem is not the key of cert.pem"
                                     : "cert.pem is not a P-256 certificate");
    }
    return SEAM_OK;
}

void pki_ca_release(pki_ca *ca)
{
    if (!ca) return;
    pki_signer_release(&ca->signer);
    memset(ca, 0, sizeof *ca);
}

seam_err pki_ca_save(const char *dir, const uint8_t *cert, size_t cert_len, const uint8_t priv[32],
                     bool force, char *err, size_t errcap)
{
    if (!dir || !cert || !priv) return SEAM_E_ARG;
    char kpath[PATH_MAX], cpath[PATH_MAX];
    if (dir_file(kpath, sizeof kpath, dir, "key.pem") != SEAM_OK ||
        dir_file(cpath, sizeof cpath, dir, "cert.pem") != SEAM_OK)
        return fail(err, errcap, SEAM_E_ARG, "directory name too long");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return fail(err, errcap, SEAM_E_IO, "cannot create %s: %s", dir, strerror(errno));
    if (!force && (access(kpath, F_OK) == 0 || access(cpath, F_OK) == 0))
        return fail(err, errcap, SEAM_E_EXISTS,
                    "%s already holds cert.pem or key.pem (use --force to replace them)", dir);
    char pem[3 * PKI_MAX_CERT];
    size_t plen = 0;
    seam_err e = pki_pem_encode("CERTIFICATE", cert, cert_len, pem, sizeof pem, &plen);
    if (e != SEAM_OK) return fail(err, errcap, e, "cannot encode the certificate");
    e = pki_key_write(kpath, priv, force);
    if (e != SEAM_OK)
        return fail(err, errcap, e, "cannot write %s: %s", kpath,
                    e == SEAM_E_EXISTS ? "exists" : strerror(errno));
    e = pki_write_file(cpath, pem, plen, 0644, force);
    if (e != SEAM_OK)
        return fail(err, errcap, e, "cannot write %s: %s", cpath,
                    e == SEAM_E_EXISTS ? "exists" : strerror(errno));
    return SEAM_OK;
}
