/*
 * Host side of seam's quorum-signed commands (docs/trust.md): builds the CMS SignedData
 * (RFC 5652) over a command's content with OpenSSL's CMS code, one SignerInfo per signer, and
 * verifies one with OpenSSL for an independent check of both the builder and the card's parser.
 * The profile is the one the card accepts (include/seam/cms.h): eContentType id-data with the
 * content encapsulated, SHA-256, ecdsa-with-SHA256, signed attributes always (OpenSSL adds
 * contentType, messageDigest and signingTime; CMS_NOSMIMECAP leaves out SMIMECapabilities), the
 * signer identified by subjectKeyIdentifier (SignerInfo v3, CMS_USE_KEYID), and every signer's
 * certificate and intermediates once in certificates.
 *
 * Invariants: private scalars live only in an EVP_PKEY built here and freed before return (and
 * in the caller's buffer); every OpenSSL object is freed on every path; output is written only
 * on success.
 */
#include "seam/cms.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "seam/crypto.h"

/* An EVP_PKEY holding the P-256 key pair of priv (its public point derived here). */
static EVP_PKEY *keypair(const uint8_t priv[32])
{
    uint8_t pub[CR_P256_PUB_LEN];
    if (cr_p256_public(priv, pub) != SEAM_OK) return NULL;
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    BIGNUM *d = BN_secure_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *c = NULL;
    EVP_PKEY *pk = NULL;
    bool ready = b && d && BN_bin2bn(priv, 32, d) &&
                 OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
                 OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub) &&
                 OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, d) &&
                 (params = OSSL_PARAM_BLD_to_param(b)) != NULL &&
                 (c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) != NULL &&
                 EVP_PKEY_fromdata_init(c) > 0;
    if (ready && EVP_PKEY_fromdata(c, &pk, EVP_PKEY_KEYPAIR, params) <= 0) pk = NULL;
    EVP_PKEY_CTX_free(c);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(b);
    BN_clear_free(d);
    return pk;
}

static X509 *cert_from(const uint8_t *der, size_t len)
{
    if (!der || len == 0 || len > 65536) return NULL;
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (x && p != der + len) {
        X509_free(x);
        x = NULL;
    }
    return x;
}

/* Adds x to the certificates field unless an equal certificate is there already. */
static bool add_cert_once(CMS_ContentInfo *cms, X509 *x)
{
    STACK_OF(X509) *have = CMS_get1_certs(cms);
    bool present = false;
    for (int i = 0; have && i < sk_X509_num(have); i++)
        if (X509_cmp(sk_X509_value(have, i), x) == 0) present = true;
    sk_X509_pop_free(have, X509_free);
    return present || CMS_add1_cert(cms, x) == 1;
}

seam_err cms_build(const uint8_t *content, size_t content_len, const cms_signer_in *signers,
                   size_t n_signers, uint8_t *out, size_t cap, size_t *out_len)
{
    return cms_build_ex(content, content_len, signers, n_signers, 0, out, cap, out_len);
}

seam_err cms_build_ex(const uint8_t *content, size_t content_len, const cms_signer_in *signers,
                      size_t n_signers, unsigned bflags, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!content || !signers || n_signers == 0 || n_signers > CMS_MAX_SIGNERS || !out || !out_len ||
        content_len > 65536)
        return SEAM_E_ARG;
    seam_err e = SEAM_E_CRYPTO;
    BIO *data = BIO_new_mem_buf(content, (int)content_len);
    unsigned flags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
    if (!(bflags & CMS_BUILD_ISSUER_SERIAL)) flags |= CMS_USE_KEYID;
    if (bflags & CMS_BUILD_NO_ATTRS) flags |= CMS_NOATTR;
    CMS_ContentInfo *cms = data ? CMS_sign(NULL, NULL, NULL, NULL, flags) : NULL;
    if (!cms) goto out;
    for (size_t i = 0; i < n_signers; i++) {
        const cms_signer_in *s = &signers[i];
        if (!s->priv || (s->n_chain && (!s->chain || !s->chain_lens))) {
            e = SEAM_E_ARG;
            goto out;
        }
        X509 *x = cert_from(s->cert, s->cert_len);
        EVP_PKEY *pk = x ? keypair(s->priv) : NULL;
        bool ok = false;
        if (!x) {
            e = SEAM_E_FORMAT;
        } else if (!pk) {
            e = SEAM_E_ARG;
        } else if (X509_check_private_key(x, pk) != 1) {
            e = SEAM_E_AUTH;
        } else {
            /* the signer certificate goes in through add_cert_once, so CMS_NOCERTS here */
            ok = add_cert_once(cms, x) &&
                 CMS_add1_signer(cms, x, pk, EVP_sha256(), flags | CMS_NOCERTS) != NULL;
        }
        EVP_PKEY_free(pk);
        X509_free(x);
        if (!ok) goto out;
        for (size_t j = 0; j < s->n_chain; j++) {
            X509 *ca = cert_from(s->chain[j], s->chain_lens[j]);
            ok = ca && add_cert_once(cms, ca);
            X509_free(ca);
            if (!ok) {
                e = ca ? SEAM_E_CRYPTO : SEAM_E_FORMAT;
                goto out;
            }
        }
    }
    e = SEAM_E_CRYPTO;
    if (CMS_final(cms, data, NULL, flags) != 1) goto out;
    int n = i2d_CMS_ContentInfo(cms, NULL);
    if (n <= 0) goto out;
    if ((size_t)n > cap) {
        e = SEAM_E_LENGTH;
        goto out;
    }
    unsigned char *p = out;
    if (i2d_CMS_ContentInfo(cms, &p) != n) goto out;
    *out_len = (size_t)n;
    e = SEAM_OK;
out:
    CMS_ContentInfo_free(cms);
    BIO_free(data);
    return e;
}

static int refuse_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

seam_err cms_key_file(const char *path, uint8_t priv[32], char *err, size_t errcap)
{
    if (!path || !priv) return SEAM_E_ARG;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err && errcap) snprintf(err, errcap, "cannot read %s: %s", path, strerror(errno));
        return SEAM_E_IO;
    }
    EVP_PKEY *pk = PEM_read_PrivateKey(f, NULL, refuse_password, NULL);
    fclose(f);
    BIGNUM *d = NULL;
    char group[32] = "";
    seam_err e = SEAM_OK;
    if (!pk) {
        e = SEAM_E_FORMAT;
    } else if (!EVP_PKEY_is_a(pk, "EC") ||
               !EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                               NULL) ||
               strcmp(group, "prime256v1") != 0) {
        e = SEAM_E_UNSUPPORTED;
    } else if (!EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_PRIV_KEY, &d) ||
               BN_bn2binpad(d, priv, 32) != 32) {
        e = SEAM_E_CRYPTO;
    }
    BN_clear_free(d);
    EVP_PKEY_free(pk);
    if (e != SEAM_OK) {
        seam_wipe(priv, 32);
        if (err && errcap)
            snprintf(err, errcap, "%s: %s", path,
                     e == SEAM_E_UNSUPPORTED ? "not a P-256 (prime256v1) key"
                                             : "not an unencrypted PEM private key");
    }
    return e;
}

seam_err cms_openssl_verify(const uint8_t *der, size_t len, const uint8_t *const *roots,
                            const size_t *root_lens, size_t n_roots)
{
    if (!der || !roots || !root_lens || len > 65536) return SEAM_E_ARG;
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    X509_STORE *st = X509_STORE_new();
    seam_err e = SEAM_E_AUTH;
    if (!cms || !st || p != der + len) goto out;
    for (size_t i = 0; i < n_roots; i++) {
        X509 *x = cert_from(roots[i], root_lens[i]);
        bool ok = x && X509_STORE_add_cert(st, x) == 1;
        X509_free(x);
        if (!ok) goto out;
    }
    /* the card has no clock: OpenSSL must not judge validity periods either */
    X509_VERIFY_PARAM *vp = X509_STORE_get0_param(st);
    X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_NO_CHECK_TIME);
    X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_ANY);
    BIO *outb = BIO_new(BIO_s_mem());
    if (outb && CMS_verify(cms, NULL, st, NULL, outb, CMS_BINARY) == 1) e = SEAM_OK;
    BIO_free(outb);
out:
    X509_STORE_free(st);
    CMS_ContentInfo_free(cms);
    return e;
}

/* ---- the quorum command's content ---- */

static void put_tl(seam_wr *w, uint8_t tag, size_t len)
{
    seam_wr_u8(w, tag);
    if (len < 0x80) {
        seam_wr_u8(w, (uint8_t)len);
    } else if (len <= 0xFF) {
        seam_wr_u8(w, 0x81);
        seam_wr_u8(w, (uint8_t)len);
    } else {
        seam_wr_u8(w, 0x82);
        seam_wr_u16(w, (uint16_t)len);
    }
}

static void put_field(seam_wr *w, uint8_t tag, const uint8_t *v, size_t len)
{
    put_tl(w, tag, len);
    seam_wr_bytes(w, v, len);
}

seam_err cms_trust_content(const cms_trust_cmd *c, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!c || !out || !out_len || !c->originator || c->originator_len == 0 ||
        c->originator_len > 32 || c->root_len > 0xFFFF || c->key_data_len > 0xFFFF ||
        c->payload_len > 0xFFFF)
        return SEAM_E_ARG;
    bool cell = c->op == CMS_TRUST_OP_REPLACE_ANCHOR || c->op == CMS_TRUST_OP_REVOKE_ANCHOR;
    if ((cell && c->cell == 0) || (c->op == CMS_TRUST_OP_REPLACE_ANCHOR && !c->root) ||
        (c->op == CMS_TRUST_OP_SET_K && c->k == 0) ||
        (c->op == CMS_TRUST_OP_REPLACE_KEYS && (!c->old_kvn || !c->key_data)) ||
        c->op < CMS_TRUST_OP_REPLACE_ANCHOR || c->op > CMS_TRUST_OP_ATTEST)
        return SEAM_E_ARG;
    uint8_t ctr[8];
    for (int i = 0; i < 8; i++)
        ctr[i] = (uint8_t)(c->counter >> (56 - 8 * i));
    seam_wr w;
    seam_wr_init(&w, out, cap);
    put_field(&w, 0x80, &c->op, 1);
    put_field(&w, 0x81, c->originator, c->originator_len);
    put_field(&w, 0x82, ctr, sizeof ctr);
    if (c->card && c->card_len) put_field(&w, 0x83, c->card, c->card_len);
    if (cell) put_field(&w, 0x84, &c->cell, 1);
    if (c->op == CMS_TRUST_OP_REPLACE_ANCHOR) put_field(&w, 0x85, c->root, c->root_len);
    if (c->op == CMS_TRUST_OP_SET_K) put_field(&w, 0x86, &c->k, 1);
    if (c->op == CMS_TRUST_OP_REPLACE_KEYS) {
        put_field(&w, 0x87, &c->old_kvn, 1);
        put_field(&w, 0x88, c->key_data, c->key_data_len);
    }
    if (c->op == CMS_TRUST_OP_ATTEST && c->payload && c->payload_len)
        put_field(&w, 0x89, c->payload, c->payload_len);
    if (w.err) return w.err;
    *out_len = w.len;
    return SEAM_OK;
}
