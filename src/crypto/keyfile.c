/*
 * Key and certificate files (include/seam/keyfile.h): PEM and DER decoding with OpenSSL's
 * decoders, kept here so that no other part of seam includes an OpenSSL header for it.
 *
 * Invariants: a certificate is only unwrapped here (PEM base64 to DER); whether it is an
 * acceptable certificate is for seam's strict parser (src/gp/x509.c) to say. A private key is
 * accepted only when it is an EC key on P-256 whose scalar is in range; its bytes are wiped from
 * every buffer this file fills (file contents, OpenSSL's BIGNUM, PEM output buffers), and
 * OpenSSL's own copies are freed with their clearing frees (BN_clear_free, EVP_PKEY_free, which
 * clears EC private keys, BIO_s_secmem).
 */
#include "seam/keyfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "seam/crypto.h"

static void set_err(char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || !cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

/* Reads a whole file of at most KF_MAX_FILE bytes into buf (KF_MAX_FILE + 1 bytes). */
static seam_err read_file(const char *path, uint8_t *buf, size_t *len, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errcap, "cannot open %s: %s", path, strerror(errno));
        return SEAM_E_IO;
    }
    size_t n = fread(buf, 1, KF_MAX_FILE + 1, f);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        set_err(err, errcap, "cannot read %s", path);
        return SEAM_E_IO;
    }
    if (n > KF_MAX_FILE) {
        set_err(err, errcap, "%s is larger than %d bytes", path, KF_MAX_FILE);
        return SEAM_E_LENGTH;
    }
    *len = n;
    return SEAM_OK;
}

static bool is_pem(const uint8_t *p, size_t n)
{
    static const char mark[] = "-----BEGIN ";
    for (size_t i = 0; i + sizeof mark - 1 <= n; i++)
        if (!memcmp(p + i, mark, sizeof mark - 1)) return true;
    return false;
}

seam_err kf_certs_add(kf_certs *set, const uint8_t *der, size_t len)
{
    if (!set || !der || !len) return SEAM_E_ARG;
    size_t used = set->n ? set->off[set->n - 1] + set->len[set->n - 1] : 0;
    if (set->n >= KF_MAX_CERTS || len > KF_MAX_BYTES - used) return SEAM_E_LENGTH;
    memcpy(set->buf + used, der, len);
    set->off[set->n] = used;
    set->len[set->n] = len;
    set->n++;
    return SEAM_OK;
}

seam_err kf_certs_parse(const uint8_t *data, size_t len, kf_certs *set, char *err, size_t errcap)
{
    if (!data || !set) return SEAM_E_ARG;
    if (len > KF_MAX_FILE) return SEAM_E_LENGTH;
    if (!is_pem(data, len)) {
        /* DER: one certificate, a SEQUENCE; x509_parse judges the rest */
        if (len < 2 || data[0] != 0x30) {
            set_err(err, errcap, "neither PEM nor a DER certificate");
            return SEAM_E_FORMAT;
        }
        seam_err e = kf_certs_add(set, data, len);
        if (e != SEAM_OK) set_err(err, errcap, "too many or too large certificates");
        return e;
    }
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (!bio) return SEAM_E_NOMEM;
    size_t found = 0;
    seam_err e = SEAM_OK;
    for (;;) {
        char *name = NULL, *header = NULL;
        unsigned char *der = NULL;
        long dlen = 0;
        if (!PEM_read_bio(bio, &name, &header, &der, &dlen)) break;
        /* RFC 7468 §5.1: "CERTIFICATE"; other blocks in the file are skipped */
        if (!strcmp(name, "CERTIFICATE")) {
            if (dlen <= 0)
                e = SEAM_E_FORMAT;
            else
                e = kf_certs_add(set, der, (size_t)dlen);
            found++;
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(der);
        if (e != SEAM_OK) break;
    }
    ERR_clear_error();
    BIO_free(bio);
    if (e == SEAM_E_LENGTH)
        set_err(err, errcap, "more than %d certificates or %d bytes", KF_MAX_CERTS, KF_MAX_BYTES);
    else if (e != SEAM_OK)
        set_err(err, errcap, "an empty CERTIFICATE block");
    if (e == SEAM_OK && !found) {
        set_err(err, errcap, "no PEM CERTIFICATE block");
        e = SEAM_E_FORMAT;
    }
    return e;
}

seam_err kf_certs_read(const char *path, kf_certs *set, char *err, size_t errcap)
{
    if (!path || !set) return SEAM_E_ARG;
    uint8_t *buf = OPENSSL_malloc(KF_MAX_FILE + 1);
    if (!buf) return SEAM_E_NOMEM;
    size_t n = 0;
    seam_err e = read_file(path, buf, &n, err, errcap);
    if (e == SEAM_OK) e = kf_certs_parse(buf, n, set, err, errcap);
    OPENSSL_free(buf);
    return e;
}

/* Refuses encrypted PEM keys: seam reads unencrypted key files only. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

seam_err kf_privkey_parse(const uint8_t *pem, size_t len, uint8_t priv[32], uint8_t *pub, char *err,
                          size_t errcap)
{
    if (!pem || !priv) return SEAM_E_ARG;
    if (len > KF_MAX_FILE) return SEAM_E_LENGTH;
    if (!is_pem(pem, len)) {
        set_err(err, errcap, "not a PEM private key (PKCS#8 PRIVATE KEY or EC PRIVATE KEY)");
        return SEAM_E_FORMAT;
    }
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (!bio) return SEAM_E_NOMEM;
    EVP_PKEY *pk = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
    BIO_free(bio);
    ERR_clear_error();
    if (!pk) {
        set_err(err, errcap, "no readable PEM private key (encrypted keys are not supported)");
        return SEAM_E_FORMAT;
    }
    seam_err e = SEAM_OK;
    char group[64] = "";
    BIGNUM *d = NULL;
    uint8_t k[32], p[65];
    if (!EVP_PKEY_is_a(pk, "EC") ||
        !EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        NULL) ||
        (strcmp(group, "prime256v1") && strcmp(group, "P-256"))) {
        set_err(err, errcap, "not an EC key on P-256 (%s)", group[0] ? group : "another type");
        e = SEAM_E_UNSUPPORTED;
    } else if (!EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_PRIV_KEY, &d) || BN_num_bytes(d) > 32 ||
               BN_bn2binpad(d, k, 32) != 32) {
        set_err(err, errcap, "the private scalar cannot be read");
        e = SEAM_E_FORMAT;
    } else if (cr_p256_public(k, p) != SEAM_OK) {
        set_err(err, errcap, "the private scalar is out of range");
        e = SEAM_E_FORMAT;
    }
    BN_clear_free(d);
    EVP_PKEY_free(pk);
    ERR_clear_error();
    if (e == SEAM_OK) {
        memcpy(priv, k, 32);
        if (pub) memcpy(pub, p, 65);
    }
    seam_wipe(k, sizeof k);
    return e;
}

seam_err kf_privkey_read(const char *path, uint8_t priv[32], uint8_t *pub, char *err, size_t errcap)
{
    if (!path || !priv) return SEAM_E_ARG;
    uint8_t *buf = OPENSSL_malloc(KF_MAX_FILE + 1);
    if (!buf) return SEAM_E_NOMEM;
    size_t n = 0;
    seam_err e = read_file(path, buf, &n, err, errcap);
    if (e == SEAM_OK) e = kf_privkey_parse(buf, n, priv, pub, err, errcap);
    OPENSSL_clear_free(buf, KF_MAX_FILE + 1);
    return e;
}

/* ---- test support ---- */

/* An EVP_PKEY on P-256 from a public point and, optionally, the private scalar. */
static EVP_PKEY *pkey_from(const uint8_t *priv, const uint8_t pub[65])
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pk = NULL;
    BIGNUM *d = NULL;
    if (!bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 65))
        goto done;
    if (priv) {
        d = BN_secure_new();
        if (!d || !BN_bin2bn(priv, 32, d) ||
            !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d))
            goto done;
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pk, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pk = NULL;
done:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_clear_free(d);
    return pk;
}

/* Copies a memory BIO's contents to out with a NUL. */
static seam_err bio_out(BIO *b, char *out, size_t cap, size_t *out_len)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    if (n <= 0 || !p) return SEAM_E_CRYPTO;
    if ((size_t)n + 1 > cap) return SEAM_E_LENGTH;
    memcpy(out, p, (size_t)n);
    out[n] = '\0';
    if (out_len) *out_len = (size_t)n;
    return SEAM_OK;
}

seam_err kf_privkey_pem(const uint8_t priv[32], bool sec1, char *out, size_t cap, size_t *out_len)
{
    if (!priv || !out) return SEAM_E_ARG;
    uint8_t pub[65];
    seam_err e = cr_p256_public(priv, pub);
    if (e != SEAM_OK) return e;
    EVP_PKEY *pk = pkey_from(priv, pub);
    BIO *b = BIO_new(BIO_s_secmem());
    e = SEAM_E_CRYPTO;
    if (pk && b &&
        (sec1 ? PEM_write_bio_PrivateKey_traditional(b, pk, NULL, NULL, 0, NULL, NULL)
              : PEM_write_bio_PrivateKey(b, pk, NULL, NULL, 0, NULL, NULL)))
        e = bio_out(b, out, cap, out_len);
    if (e != SEAM_OK && cap) seam_wipe(out, cap);
    BIO_free(b);
    EVP_PKEY_free(pk);
    ERR_clear_error();
    return e;
}

seam_err kf_cert_pem(const uint8_t *der, size_t len, char *out, size_t cap, size_t *out_len)
{
    if (!der || !out || !len) return SEAM_E_ARG;
    BIO *b = BIO_new(BIO_s_mem());
    seam_err e = SEAM_E_CRYPTO;
    if (b && PEM_write_bio(b, "CERTIFICATE", "", der, (long)len) > 0)
        e = bio_out(b, out, cap, out_len);
    BIO_free(b);
    return e;
}

static bool add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (!ext) return false;
    bool ok = X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

/* "critical,digitalSignature,keyAgreement" from X509_KU_* bits. */
static void usage_text(uint16_t ku, char *out, size_t cap)
{
    static const char *const names[] = {"digitalSignature", "nonRepudiation", "keyEncipherment",
                                        "dataEncipherment", "keyAgreement",   "keyCertSign",
                                        "cRLSign",          "encipherOnly",   "decipherOnly"};
    snprintf(out, cap, "critical");
    for (size_t i = 0; i < SEAM_ARRAY_LEN(names); i++)
        if (ku & (1u << i)) {
            size_t n = strlen(out);
            snprintf(out + n, cap - n, ",%s", names[i]);
        }
}

seam_err kf_cert_make(const kf_cert_spec *sp, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!sp || !sp->cn || !sp->subject_pub || !sp->issuer_priv || !out || !out_len)
        return SEAM_E_ARG;
    uint8_t ipub[65];
    seam_err e = cr_p256_public(sp->issuer_priv, ipub);
    if (e != SEAM_OK) return e;
    e = SEAM_E_CRYPTO;
    X509 *x = X509_new(), *issuer = NULL;
    EVP_PKEY *subj = pkey_from(NULL, sp->subject_pub);
    EVP_PKEY *signer = pkey_from(sp->issuer_priv, ipub);
    unsigned char *der = NULL;
    if (!x || !subj || !signer) goto done;
    if (sp->issuer_der) {
        const unsigned char *p = sp->issuer_der;
        issuer = d2i_X509(NULL, &p, (long)sp->issuer_len);
        if (!issuer) {
            e = SEAM_E_FORMAT;
            goto done;
        }
    }
    X509_NAME *name = X509_get_subject_name(x);
    if (!X509_set_version(x, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(x), sp->serial) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)sp->cn, -1,
                                    -1, 0) ||
        !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) ||
        !ASN1_TIME_set(X509_getm_notBefore(x), (time_t)sp->not_before) ||
        !ASN1_TIME_set(X509_getm_notAfter(x), (time_t)sp->not_after) || !X509_set_pubkey(x, subj))
        goto done;
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    char ku[160];
    usage_text(sp->key_usage, ku, sizeof ku);
    if ((sp->ca && !add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE")) ||
        (sp->key_usage && !add_ext(x, &ctx, NID_key_usage, ku)) ||
        !add_ext(x, &ctx, NID_subject_key_identifier, "hash") ||
        (issuer && !add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always")))
        goto done;
    if (!X509_sign(x, signer, EVP_sha256())) goto done;
    int n = i2d_X509(x, &der);
    if (n <= 0) goto done;
    if ((size_t)n > cap) {
        e = SEAM_E_LENGTH;
        goto done;
    }
    memcpy(out, der, (size_t)n);
    *out_len = (size_t)n;
    e = SEAM_OK;
done:
    OPENSSL_free(der);
    X509_free(x);
    X509_free(issuer);
    EVP_PKEY_free(subj);
    EVP_PKEY_free(signer);
    ERR_clear_error();
    return e;
}
