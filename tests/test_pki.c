/*
 * Tests of src/crypto/pki.c (include/seam/pki.h), seam's certificate authority: a 3-level
 * hierarchy (root -> issuing CA -> organisation and device certificates) is built in a
 * temporary directory through the library, and every certificate is read back with seam's own
 * X.509 parser and chain checker (include/seam/x509.h, the card's code): key usages and their
 * criticality, basic constraints and path length, key identifiers (SKI on every certificate,
 * AKI = issuer's SKI), issuer names byte for byte, policy OIDs, validity.
 *
 * Refusals: a signing key that is not the CA's, a certificate without keyCertSign (an
 * organisation certificate) used as a CA, a CA below a pathLenConstraint of 0, an expired
 * issuer, a CSR with a bad signature, key usage combinations SMKI does not issue (none, two,
 * a usage on a CA), a public key that is not a P-256 point, output files that exist.
 */
#define _XOPEN_SOURCE 700
#include "check.h"

#include <ftw.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "seam/crypto.h"
#include "seam/pki.h"
#include "seam/x509.h"

static char tmpdir[256];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static const char *in_tmp(const char *name)
{
    static char paths[8][512];
    static unsigned k;
    char *p = paths[k++ % 8];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    return p;
}

/* A CA or end entity made in a test: its certificate, parsed, and its key. */
typedef struct {
    uint8_t der[PKI_MAX_CERT];
    size_t len;
    x509_cert c;
    uint8_t priv[32], pub[65];
    pki_signer signer;
} made;

static int64_t now;

static pki_profile profile(pki_kind kind, const char *name, const made *m)
{
    pki_profile p = {.kind = kind,
                     .name = name,
                     .path_len = -1,
                     .not_before = now - 60,
                     .not_after = now + 86400LL * 365,
                     .subject_pub = m->pub};
    return p;
}

/* Issues p for a fresh key under issuer (NULL: self-signed root) and parses the result. */
static seam_err make(made *m, pki_profile *p, const made *issuer)
{
    char err[200] = "";
    memset(m, 0, sizeof *m);
    if (pki_keygen(m->priv, m->pub) != SEAM_OK || pki_signer_raw(&m->signer, m->priv) != SEAM_OK)
        return SEAM_E_CRYPTO;
    p->subject_pub = m->pub;
    seam_err e = pki_issue(p, issuer ? issuer->der : NULL, issuer ? issuer->len : 0,
                           issuer ? &issuer->signer : &m->signer, m->der, sizeof m->der, &m->len,
                           err, sizeof err);
    if (e != SEAM_OK) {
        fprintf(stderr, "  (pki_issue: %s)\n", err);
        return e;
    }
    e = x509_parse(m->der, m->len, &m->c, err, sizeof err);
    if (e != SEAM_OK) fprintf(stderr, "  seam's parser refused a certificate: %s\n", err);
    return e;
}

static void release(made *m)
{
    pki_signer_release(&m->signer);
    seam_wipe(m->priv, sizeof m->priv);
}

static bool span_eq(x509_span a, x509_span b)
{
    return a.len == b.len && !memcmp(a.p, b.p, a.len);
}

static seam_err chain2(const made *root, const made *a, const made *b, uint16_t usage, bool exact,
                       int64_t at)
{
    x509_cert chain[2] = {a->c, b->c};
    x509_chain_params prm = {.anchor_pub = root->pub,
                             .anchor_ski = root->c.ski.p,
                             .anchor_ski_len = root->c.ski.len,
                             .anchor_name = root->c.subject.p,
                             .anchor_name_len = root->c.subject.len,
                             .anchor_path_len = root->c.path_len,
                             .has_time = true,
                             .now = at,
                             .leaf_usage = usage,
                             .leaf_usage_exact = exact};
    char err[160] = "";
    seam_err e = x509_chain_check(&prm, chain, 2, err, sizeof err);
    if (e != SEAM_OK) fprintf(stderr, "  (chain check: %s)\n", err);
    return e;
}

static void name_is(x509_span n, const char *want)
{
    char txt[256] = "";
    CHECK(pki_name_text(n.p, n.len, txt, sizeof txt) == SEAM_OK);
    if (strcmp(txt, want) != 0) {
        fprintf(stderr, "  name '%s', expected '%s'\n", txt, want);
        check_failures++;
    }
}

/* ---- the hierarchy ---- */

static void test_hierarchy(void)
{
    static made root, ica, org, dev;
    pki_profile p = profile(PKI_ROOT, "seam Root 1", &root);
    p.not_after = now + 86400LL * 3650;
    REQUIRE(make(&root, &p, NULL) == SEAM_OK);
    const x509_cert *c = &root.c;
    CHECK(c->ca);
    CHECK_EQ(c->path_len, -1);
    CHECK_EQ(c->key_usage, X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN);
    CHECK_EQ(c->ext_critical, X509_EXT_BASIC_CONSTRAINTS | X509_EXT_KEY_USAGE);
    CHECK_EQ(c->ski.len, 20);
    CHECK_EQ(c->aki.len, 0);
    CHECK(span_eq(c->subject, c->issuer));
    CHECK_EQ(x509_verify_signature(c, root.pub, 65), SEAM_OK);
    CHECK_EQ(c->not_before, now - 60);
    CHECK_EQ(c->not_after, now + 86400LL * 3650);
    CHECK_EQ(c->n_policies, 0);
    CHECK_MEM(c->pub, root.pub, 65);
    name_is(c->subject, "CN=seam Root 1");

    /* Saved and loaded as a CA directory. */
    char err[200] = "";
    CHECK_EQ(pki_ca_save(in_tmp("root"), root.der, root.len, root.priv, false, err, sizeof err),
             SEAM_OK);
    struct stat st;
    REQUIRE(stat(in_tmp("root/key.pem"), &st) == 0);
    CHECK_EQ(st.st_mode & 0777, 0600);
    CHECK_EQ(pki_ca_save(in_tmp("root"), root.der, root.len, root.priv, false, err, sizeof err),
             SEAM_E_EXISTS);
    CHECK_EQ(pki_ca_save(in_tmp("root"), root.der, root.len, root.priv, true, err, sizeof err),
             SEAM_OK);
    static pki_ca ca;
    REQUIRE(pki_ca_load(&ca, in_tmp("root"), err, sizeof err) == SEAM_OK);
    CHECK_EQ(ca.cert_len, root.len);
    CHECK_MEM(ca.cert, root.der, root.len);
    CHECK_MEM(ca.signer.pub, root.pub, 65);

    /* Issuing CA through the loaded CA's file signer. */
    p = profile(PKI_ISSUING, "seam Issuing CA 1", &ica);
    p.path_len = 0;
    p.not_after = now + 86400LL * 1825;
    memset(&ica, 0, sizeof ica);
    REQUIRE(pki_keygen(ica.priv, ica.pub) == SEAM_OK);
    REQUIRE(pki_signer_raw(&ica.signer, ica.priv) == SEAM_OK);
    p.subject_pub = ica.pub;
    REQUIRE(pki_issue(&p, ca.cert, ca.cert_len, &ca.signer, ica.der, sizeof ica.der, &ica.len, err,
                      sizeof err) == SEAM_OK);
    pki_ca_release(&ca);
    REQUIRE(x509_parse(ica.der, ica.len, &ica.c, err, sizeof err) == SEAM_OK);
    c = &ica.c;
    CHECK(c->ca);
    CHECK_EQ(c->path_len, 0);
    CHECK_EQ(c->key_usage, X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN);
    CHECK_EQ(c->ext_critical, X509_EXT_BASIC_CONSTRAINTS | X509_EXT_KEY_USAGE);
    CHECK(span_eq(c->aki, root.c.ski));
    CHECK(span_eq(c->issuer, root.c.subject));
    CHECK_EQ(c->ski.len, 20);
    CHECK(!span_eq(c->ski, root.c.ski));
    CHECK_EQ(x509_verify_signature(c, root.pub, 65), SEAM_OK);
    CHECK(!span_eq(c->serial, root.c.serial));

    /* Organisation, signing. */
    p = profile(PKI_ORG, "Example Energy Ltd", &org);
    p.role = PKI_ROLE_SUPPLIER;
    p.usage = PKI_USAGE_SIGN;
    REQUIRE(make(&org, &p, &ica) == SEAM_OK);
    c = &org.c;
    CHECK(!c->ca);
    CHECK(!(c->ext_seen & X509_EXT_BASIC_CONSTRAINTS));
    CHECK_EQ(c->key_usage, X509_KU_DIGITAL_SIGNATURE);
    CHECK(c->ext_critical & X509_EXT_KEY_USAGE);
    CHECK(span_eq(c->aki, ica.c.ski));
    CHECK_EQ(c->n_policies, 1);
    CHECK_EQ(pki_role_from_policy(c->policies[0].p, c->policies[0].len), PKI_ROLE_SUPPLIER);
    char oid[128];
    CHECK_EQ(pki_oid_text(c->policies[0].p, c->policies[0].len, oid, sizeof oid), SEAM_OK);
    CHECK(!strcmp(oid, PKI_OID_ARC ".1.1"));
    name_is(c->subject, "CN=Example Energy Ltd,OU=supplier");
    name_is(c->issuer, "CN=seam Issuing CA 1");

    /* Device, key agreement, asking for more time than its issuer has: clamped. */
    static const uint8_t eui64[8] = {0x00, 0x1b, 0xc5, 0x0c, 0x70, 0x00, 0x00, 0x2a};
    p = profile(PKI_DEVICE, NULL, &dev);
    p.usage = PKI_USAGE_KEYAGREE;
    p.device_id = eui64;
    p.device_id_len = sizeof eui64;
    p.not_after = now + 86400LL * 7300;
    REQUIRE(make(&dev, &p, &ica) == SEAM_OK);
    c = &dev.c;
    CHECK_EQ(c->key_usage, X509_KU_KEY_AGREEMENT);
    CHECK(c->ext_critical & X509_EXT_KEY_USAGE);
    CHECK_EQ(c->not_after, ica.c.not_after);
    CHECK_EQ(c->n_policies, 1);
    CHECK_EQ(pki_role_from_policy(c->policies[0].p, c->policies[0].len), PKI_ROLE_DEVICE);
    name_is(c->subject, "CN=001BC50C7000002A");

    /* The card's chain checker accepts both chains with the exact usage, refuses others. */
    CHECK_EQ(chain2(&root, &ica, &org, X509_KU_DIGITAL_SIGNATURE, true, now), SEAM_OK);
    CHECK_EQ(chain2(&root, &ica, &dev, X509_KU_KEY_AGREEMENT, true, now), SEAM_OK);
    CHECK_EQ(chain2(&root, &ica, &org, X509_KU_KEY_AGREEMENT, false, now), SEAM_E_STATE);
    CHECK_EQ(chain2(&root, &ica, &dev, X509_KU_DIGITAL_SIGNATURE, false, now), SEAM_E_STATE);
    /* Validity as issued: not yet valid before notBefore, expired after the clamp. */
    CHECK_EQ(chain2(&root, &ica, &org, 0, false, now - 3600), SEAM_E_STATE);
    CHECK_EQ(chain2(&root, &ica, &dev, 0, false, ica.c.not_after + 1), SEAM_E_STATE);

    /* A CA below the issuing CA's pathLenConstraint 0 is refused at issue time. */
    static made sub;
    p = profile(PKI_ISSUING, "seam Sub CA", &sub);
    p.path_len = 0;
    CHECK_EQ(make(&sub, &p, &ica), SEAM_E_STATE);
    release(&sub);
    /* ... and so is a path length the root's would not allow. */
    static made root0, ica2;
    p = profile(PKI_ROOT, "seam Root pathlen 1", &root0);
    p.path_len = 1;
    REQUIRE(make(&root0, &p, NULL) == SEAM_OK);
    CHECK_EQ(root0.c.path_len, 1);
    p = profile(PKI_ISSUING, "seam Issuing unlimited", &ica2);
    p.path_len = -1;
    CHECK_EQ(make(&ica2, &p, &root0), SEAM_E_STATE);
    release(&ica2);
    p.path_len = 0;
    CHECK_EQ(make(&ica2, &p, &root0), SEAM_OK);
    release(&ica2);
    release(&root0);

    release(&dev);
    release(&org);
    release(&ica);
    release(&root);
}

/* ---- refusals ---- */

static void test_wrong_ca_key(void)
{
    static made root, other, ica, leaf;
    pki_profile p = profile(PKI_ROOT, "seam Root A", &root);
    REQUIRE(make(&root, &p, NULL) == SEAM_OK);
    p = profile(PKI_ROOT, "seam Root B", &other);
    REQUIRE(make(&other, &p, NULL) == SEAM_OK);

    /* Root A's certificate with root B's key: refused before signing. */
    made forged = root;
    forged.signer = other.signer;
    p = profile(PKI_ISSUING, "seam Issuing", &ica);
    p.path_len = 0;
    char err[200] = "";
    CHECK_EQ(make(&ica, &p, &forged), SEAM_E_AUTH);
    release(&ica);

    /* A CA directory whose key.pem is another CA's key. */
    CHECK_EQ(pki_ca_save(in_tmp("mixed"), root.der, root.len, other.priv, false, err, sizeof err),
             SEAM_OK);
    static pki_ca ca;
    CHECK_EQ(pki_ca_load(&ca, in_tmp("mixed"), err, sizeof err), SEAM_E_AUTH);
    CHECK(strstr(err, "not the key") != NULL);
    CHECK_EQ(pki_ca_load(&ca, in_tmp("nonexistent"), err, sizeof err), SEAM_E_IO);

    /* A leaf under root B does not chain to root A (unknown CA for the card). */
    p = profile(PKI_ORG, "Example DNO", &leaf);
    p.role = PKI_ROLE_NETWORK_OPERATOR;
    p.usage = PKI_USAGE_SIGN;
    REQUIRE(make(&leaf, &p, &other) == SEAM_OK);
    x509_chain_params prm = {.anchor_pub = root.pub,
                             .anchor_name = root.c.subject.p,
                             .anchor_name_len = root.c.subject.len,
                             .anchor_path_len = -1};
    CHECK_EQ(x509_chain_check(&prm, &leaf.c, 1, err, sizeof err), SEAM_E_AUTH);
    prm.anchor_pub = other.pub;
    prm.anchor_name = other.c.subject.p;
    prm.anchor_name_len = other.c.subject.len;
    CHECK_EQ(x509_chain_check(&prm, &leaf.c, 1, err, sizeof err), SEAM_OK);

    release(&leaf);
    release(&other);
    release(&root);
}

static void test_not_a_ca(void)
{
    static made root, org, dev;
    pki_profile p = profile(PKI_ROOT, "seam Root", &root);
    REQUIRE(make(&root, &p, NULL) == SEAM_OK);
    p = profile(PKI_ORG, "Example DCC", &org);
    p.role = PKI_ROLE_DCC;
    p.usage = PKI_USAGE_SIGN;
    REQUIRE(make(&org, &p, &root) == SEAM_OK);
    /* The organisation certificate (no cA, no keyCertSign) as the issuer of a device. */
    static const uint8_t id[2] = {0x12, 0x34};
    p = profile(PKI_DEVICE, NULL, &dev);
    p.usage = PKI_USAGE_SIGN;
    p.device_id = id;
    p.device_id_len = sizeof id;
    CHECK_EQ(make(&dev, &p, &org), SEAM_E_STATE);
    release(&dev);
    /* An issuer certificate that is not DER. */
    char err[200];
    uint8_t out[PKI_MAX_CERT];
    size_t olen = 0;
    uint8_t junk[10] = {0x30, 0x08, 1, 2, 3};
    p.subject_pub = root.pub;
    CHECK_EQ(
        pki_issue(&p, junk, sizeof junk, &root.signer, out, sizeof out, &olen, err, sizeof err),
        SEAM_E_FORMAT);
    /* An expired issuer. */
    static made old, late;
    p = profile(PKI_ROOT, "seam Old Root", &old);
    p.not_before = 1000000000;
    p.not_after = 1100000000;
    REQUIRE(make(&old, &p, NULL) == SEAM_OK);
    p = profile(PKI_ISSUING, "seam Late CA", &late);
    p.path_len = 0;
    CHECK_EQ(make(&late, &p, &old), SEAM_E_STATE);
    release(&late);
    release(&old);
    /* Too small an output buffer. */
    p = profile(PKI_ISSUING, "seam CA", &late);
    p.path_len = 0;
    p.subject_pub = org.pub;
    CHECK_EQ(pki_issue(&p, root.der, root.len, &root.signer, out, 100, &olen, err, sizeof err),
             SEAM_E_LENGTH);
    release(&org);
    release(&root);
}

static void test_usage_refused(void)
{
    static made root, m;
    pki_profile p = profile(PKI_ROOT, "seam Root", &root);
    REQUIRE(make(&root, &p, NULL) == SEAM_OK);
    static const uint8_t id[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const struct {
        pki_kind kind;
        pki_role role;
        int usage;
        int32_t path_len;
        const char *name;
        size_t idlen;
    } bad[] = {
        {PKI_ORG, PKI_ROLE_SUPPLIER, PKI_USAGE_NONE, -1, "no usage", 0},
        {PKI_ORG, PKI_ROLE_SUPPLIER, PKI_USAGE_SIGN | PKI_USAGE_KEYAGREE, -1, "two usages", 0},
        {PKI_ORG, PKI_ROLE_SUPPLIER, 4, -1, "unknown usage", 0},
        {PKI_DEVICE, PKI_ROLE_NONE, PKI_USAGE_SIGN | PKI_USAGE_KEYAGREE, -1, NULL, 8},
        {PKI_ISSUING, PKI_ROLE_NONE, PKI_USAGE_SIGN, 0, "CA with a usage", 0},
        {PKI_ORG, PKI_ROLE_NONE, PKI_USAGE_SIGN, -1, "no role", 0},
        {PKI_ORG, PKI_ROLE_DEVICE, PKI_USAGE_SIGN, -1, "device role for an org", 0},
        {PKI_ORG, PKI_ROLE_DCC, PKI_USAGE_SIGN, 0, "path length on an org", 0},
        {PKI_ORG, PKI_ROLE_DCC, PKI_USAGE_SIGN, -1, "", 0},
        {PKI_ORG, PKI_ROLE_DCC, PKI_USAGE_SIGN, -1,
         "a name that is far too long for a common name, which has at most 64 characters", 0},
        {PKI_DEVICE, PKI_ROLE_NONE, PKI_USAGE_SIGN, -1, NULL, 0},
        {PKI_ISSUING, PKI_ROLE_NONE, PKI_USAGE_NONE, 17, "path length 17", 0},
        {PKI_ISSUING, PKI_ROLE_NONE, PKI_USAGE_NONE, -2, "path length -2", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = profile(bad[i].kind, bad[i].name, &m);
        p.role = bad[i].role;
        p.usage = (pki_usage)bad[i].usage;
        p.path_len = bad[i].path_len;
        p.device_id = bad[i].idlen ? id : NULL;
        p.device_id_len = bad[i].idlen;
        seam_err e = make(&m, &p, &root);
        if (e != SEAM_E_ARG) {
            fprintf(stderr, "  case %zu: %s\n", i, seam_strerror(e));
            check_failures++;
        }
        release(&m);
    }
    char err[200];
    uint8_t out[PKI_MAX_CERT];
    size_t olen;
    /* A root with an issuer; a non-root without one; a root whose key is not the signer's;
     * validity backwards; a subject key off the curve. */
    p = profile(PKI_ROOT, "seam Root 2", &root);
    CHECK_EQ(
        pki_issue(&p, root.der, root.len, &root.signer, out, sizeof out, &olen, err, sizeof err),
        SEAM_E_ARG);
    p.kind = PKI_ISSUING;
    CHECK_EQ(pki_issue(&p, NULL, 0, &root.signer, out, sizeof out, &olen, err, sizeof err),
             SEAM_E_ARG);
    uint8_t priv2[32], pub2[65];
    REQUIRE(pki_keygen(priv2, pub2) == SEAM_OK);
    p = profile(PKI_ROOT, "seam Root 3", &root);
    p.subject_pub = pub2;
    CHECK_EQ(pki_issue(&p, NULL, 0, &root.signer, out, sizeof out, &olen, err, sizeof err),
             SEAM_E_AUTH);
    p.subject_pub = root.pub;
    p.not_after = p.not_before;
    CHECK_EQ(pki_issue(&p, NULL, 0, &root.signer, out, sizeof out, &olen, err, sizeof err),
             SEAM_E_ARG);
    pub2[64] ^= 1;
    p = profile(PKI_ROOT, "seam Root 4", &root);
    p.subject_pub = pub2;
    CHECK_EQ(pki_issue(&p, NULL, 0, &root.signer, out, sizeof out, &olen, err, sizeof err),
             SEAM_E_ARG);
    seam_wipe(priv2, sizeof priv2);
    release(&root);
}

/* ---- CSRs and public keys ---- */

static void test_csr(void)
{
    uint8_t priv[32], pub[65], got[65], csr[1024];
    size_t len = 0;
    pki_signer s;
    char err[200];
    REQUIRE(pki_keygen(priv, pub) == SEAM_OK);
    REQUIRE(pki_signer_raw(&s, priv) == SEAM_OK);
    REQUIRE(pki_csr_build(&s, "001BC50C7000002A", csr, sizeof csr, &len) == SEAM_OK);
    CHECK_EQ(pki_csr_parse(csr, len, got, err, sizeof err), SEAM_OK);
    CHECK_MEM(got, pub, 65);
    /* PEM too. */
    char pem[2048];
    size_t plen = 0;
    REQUIRE(pki_pem_encode("CERTIFICATE REQUEST", csr, len, pem, sizeof pem, &plen) == SEAM_OK);
    CHECK_EQ(pki_csr_parse((const uint8_t *)pem, plen, got, err, sizeof err), SEAM_OK);
    CHECK_MEM(got, pub, 65);
    /* The last byte is the low byte of s: flipping it keeps the DER, breaks the signature. */
    csr[len - 1] ^= 0x01;
    CHECK_EQ(pki_csr_parse(csr, len, got, err, sizeof err), SEAM_E_AUTH);
    CHECK(strstr(err, "signature") != NULL);
    csr[len - 1] ^= 0x01;
    /* A changed subject (signed bytes) breaks it too: find the CN value and change a digit. */
    for (size_t i = 0; i + 16 <= len; i++)
        if (!memcmp(csr + i, "001BC50C7000002A", 16)) {
            csr[i] = '9';
            break;
        }
    CHECK_EQ(pki_csr_parse(csr, len, got, err, sizeof err), SEAM_E_AUTH);
    /* Truncated, trailing bytes, garbage. */
    CHECK_EQ(pki_csr_parse(csr, len - 1, got, err, sizeof err), SEAM_E_FORMAT);
    csr[len] = 0;
    CHECK_EQ(pki_csr_parse(csr, len + 1, got, err, sizeof err), SEAM_E_FORMAT);
    CHECK_EQ(pki_csr_parse((const uint8_t *)"hello", 5, got, err, sizeof err), SEAM_E_FORMAT);
    /* A device certificate from the CSR's key. */
    pki_signer_release(&s);
    seam_wipe(priv, sizeof priv);
}

static void test_pubkey_parse(void)
{
    uint8_t priv[32], pub[65], got[65];
    char err[200];
    REQUIRE(pki_keygen(priv, pub) == SEAM_OK);
    seam_wipe(priv, sizeof priv);
    /* Raw binary point. */
    CHECK_EQ(pki_pubkey_parse(pub, 65, got, err, sizeof err), SEAM_OK);
    CHECK_MEM(got, pub, 65);
    /* Hex with a line break and spaces. */
    char hex[200];
    seam_hex_encode(pub, 65, hex);
    char text[256];
    snprintf(text, sizeof text, "%.40s\n%s\n", hex, hex + 40);
    memset(got, 0, sizeof got);
    CHECK_EQ(pki_pubkey_parse((const uint8_t *)text, strlen(text), got, err, sizeof err), SEAM_OK);
    CHECK_MEM(got, pub, 65);
    /* DER and PEM SubjectPublicKeyInfo: the fixed P-256 prefix (RFC 5480 §2) and the point. */
    static const uint8_t spki_prefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                          0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                          0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
    uint8_t spki[sizeof spki_prefix + 65];
    memcpy(spki, spki_prefix, sizeof spki_prefix);
    memcpy(spki + sizeof spki_prefix, pub, 65);
    memset(got, 0, sizeof got);
    CHECK_EQ(pki_pubkey_parse(spki, sizeof spki, got, err, sizeof err), SEAM_OK);
    CHECK_MEM(got, pub, 65);
    char pem[512];
    size_t plen;
    REQUIRE(pki_pem_encode("PUBLIC KEY", spki, sizeof spki, pem, sizeof pem, &plen) == SEAM_OK);
    memset(got, 0, sizeof got);
    CHECK_EQ(pki_pubkey_parse((const uint8_t *)pem, plen, got, err, sizeof err), SEAM_OK);
    CHECK_MEM(got, pub, 65);
    /* Refused: off the curve, wrong lengths, a P-384 OID, garbage. */
    uint8_t bad[65];
    memcpy(bad, pub, 65);
    bad[64] ^= 1;
    CHECK_EQ(pki_pubkey_parse(bad, 65, got, err, sizeof err), SEAM_E_FORMAT);
    CHECK_EQ(pki_pubkey_parse(pub, 64, got, err, sizeof err), SEAM_E_FORMAT);
    seam_hex_encode(pub, 64, hex);
    CHECK_EQ(pki_pubkey_parse((const uint8_t *)hex, strlen(hex), got, err, sizeof err),
             SEAM_E_FORMAT);
    spki[sizeof spki - 1] ^= 1;
    CHECK(pki_pubkey_parse(spki, sizeof spki, got, err, sizeof err) != SEAM_OK);
    spki[sizeof spki - 1] ^= 1;
    spki[22] = 0x22; /* 1.2.840.10045.3.1.7 -> ...3.1.34: not a curve OpenSSL knows */
    CHECK(pki_pubkey_parse(spki, sizeof spki, got, err, sizeof err) != SEAM_OK);
    CHECK_EQ(pki_pubkey_parse((const uint8_t *)"-----BEGIN X", 12, got, err, sizeof err),
             SEAM_E_FORMAT);
}

/* ---- files and encodings ---- */

static void test_files(void)
{
    const char *f = in_tmp("file.txt");
    CHECK_EQ(pki_write_file(f, "one", 3, 0644, false), SEAM_OK);
    CHECK_EQ(pki_write_file(f, "two", 3, 0644, false), SEAM_E_EXISTS);
    uint8_t buf[16];
    size_t n = 0;
    REQUIRE(pki_read_file(f, buf, sizeof buf, &n) == SEAM_OK);
    CHECK(n == 3 && !memcmp(buf, "one", 3));
    CHECK_EQ(pki_write_file(f, "three", 5, 0600, true), SEAM_OK);
    REQUIRE(pki_read_file(f, buf, sizeof buf, &n) == SEAM_OK);
    CHECK(n == 5 && !memcmp(buf, "three", 5));
    struct stat st;
    REQUIRE(stat(f, &st) == 0);
    CHECK_EQ(st.st_mode & 0777, 0600);
    CHECK_EQ(pki_read_file(f, buf, 4, &n), SEAM_E_LENGTH);
    CHECK_EQ(pki_read_file(in_tmp("nope"), buf, sizeof buf, &n), SEAM_E_IO);
    CHECK_EQ(pki_write_file(in_tmp("no/such/dir/x"), "x", 1, 0644, false), SEAM_E_IO);
    /* No temporary file left behind. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -a %s | grep -q tmp", tmpdir);
    CHECK(system(cmd) != 0);

    /* Two PEM certificates in one file, a DER certificate, junk. */
    static made a, b;
    pki_profile p = profile(PKI_ROOT, "seam R1", &a);
    REQUIRE(make(&a, &p, NULL) == SEAM_OK);
    p = profile(PKI_ROOT, "seam R2", &b);
    REQUIRE(make(&b, &p, NULL) == SEAM_OK);
    static char pem[3 * PKI_MAX_CERT];
    size_t l1 = 0, l2 = 0;
    REQUIRE(pki_pem_encode("CERTIFICATE", a.der, a.len, pem, sizeof pem, &l1) == SEAM_OK);
    REQUIRE(pki_pem_encode("CERTIFICATE", b.der, b.len, pem + l1, sizeof pem - l1, &l2) == SEAM_OK);
    static uint8_t out[2 * PKI_MAX_CERT];
    size_t offs[4], lens[4], cnt = 0;
    CHECK_EQ(pki_certs_decode((const uint8_t *)pem, l1 + l2, out, sizeof out, offs, lens, 4, &cnt),
             SEAM_OK);
    CHECK_EQ(cnt, 2);
    CHECK(lens[0] == a.len && !memcmp(out + offs[0], a.der, a.len));
    CHECK(lens[1] == b.len && !memcmp(out + offs[1], b.der, b.len));
    CHECK_EQ(pki_certs_decode((const uint8_t *)pem, l1 + l2, out, sizeof out, offs, lens, 1, &cnt),
             SEAM_E_FULL);
    CHECK_EQ(pki_certs_decode(a.der, a.len, out, sizeof out, offs, lens, 4, &cnt), SEAM_OK);
    CHECK(cnt == 1 && lens[0] == a.len);
    CHECK_EQ(pki_certs_decode((const uint8_t *)"junk", 4, out, sizeof out, offs, lens, 4, &cnt),
             SEAM_E_FORMAT);
    CHECK_EQ(pki_certs_decode((const uint8_t *)"-----BEGIN CERTIFICATE-----\n", 28, out, sizeof out,
                              offs, lens, 4, &cnt),
             SEAM_E_FORMAT);

    /* A key file round trip: written 0600 as PKCS#8, read back by the file signer. */
    const char *kf = in_tmp("k.pem");
    CHECK_EQ(pki_key_write(kf, a.priv, false), SEAM_OK);
    CHECK_EQ(pki_key_write(kf, a.priv, false), SEAM_E_EXISTS);
    pki_signer s;
    char err[200];
    REQUIRE(pki_signer_file(&s, kf, err, sizeof err) == SEAM_OK);
    CHECK_MEM(s.pub, a.pub, 65);
    uint8_t dg[32] = {1}, sig[64];
    CHECK_EQ(s.sign(&s, dg, sig), SEAM_OK);
    CHECK_EQ(cr_p256_verify(a.pub, 65, dg, sig), SEAM_OK);
    pki_signer_release(&s);
    pki_signer_release(&s);
    CHECK_EQ(pki_signer_file(&s, f, err, sizeof err), SEAM_E_FORMAT);
    CHECK_EQ(pki_signer_file(&s, in_tmp("nope"), err, sizeof err), SEAM_E_IO);
    release(&a);
    release(&b);
}

static void test_roles(void)
{
    static const char *names[] = {"supplier", "network-operator", "dcc", "telehealth", "device"};
    for (size_t i = 0; i < 5; i++) {
        pki_role r = pki_role_from_name(names[i]);
        CHECK(r != PKI_ROLE_NONE);
        CHECK(!strcmp(pki_role_name(r), names[i]));
    }
    CHECK_EQ(pki_role_from_name("bank"), PKI_ROLE_NONE);
    CHECK_EQ(pki_role_from_name(NULL), PKI_ROLE_NONE);
    CHECK(pki_role_name(PKI_ROLE_NONE) == NULL);
    static const uint8_t not_ours[] = {0x2a, 0x03, 0x04};
    CHECK_EQ(pki_role_from_policy(not_ours, sizeof not_ours), PKI_ROLE_NONE);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/seam-test-pki-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    now = (int64_t)time(NULL);
    RUN(test_hierarchy);
    RUN(test_wrong_ca_key);
    RUN(test_not_a_ca);
    RUN(test_usage_refused);
    RUN(test_csr);
    RUN(test_pubkey_parse);
    RUN(test_files);
    RUN(test_roles);
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return check_summary();
}
