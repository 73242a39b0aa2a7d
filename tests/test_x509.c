/*
 * Tests of src/gp/x509.c and src/gp/x509_chain.c (X.509 v3 certificates, strict DER, chain
 * checking; include/seam/x509.h).
 *
 * Known answers: the certificates of ../shared/vectors/scp11.json — ca_kloc's self-signed
 * cert_ca_kloc_ecdsa_der and oce_static's cert_oce_ecka_der, issued by CA-KLOC (made with
 * pyca/cryptography by the steering repo's tools/gen_scp11_vectors.py; their notes give the key
 * usages, identifiers, policy and validity checked below).
 *
 * More certificates are made here, at test time, with OpenSSL's X509 API (only to MAKE
 * certificates; the parser under test never calls OpenSSL X.509): a good root -> intermediate
 * -> leaf chain, and one certificate per refusal (expired, not yet valid, wrong key usage, CA
 * without cA, path length exceeded, RSA key, P-384 key, ecdsa-with-SHA384, unknown critical
 * extension, v1, wrong issuer name, tampered signature, unknown CA). Then a table of DER
 * malformations patched into the vector certificate, truncation at every length and a flip of
 * every bit of a byte, each refused (or, for harmless flips, parsed) without a crash.
 */
#define _GNU_SOURCE /* memmem */
#include "check.h"

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "seam/crypto.h"
#include "seam/x509.h"

/* ---- buffers freed at the end of each test ---- */

static void *allocs[256];
static size_t n_allocs;

static void *keep(void *p)
{
    if (!p || n_allocs == SEAM_ARRAY_LEN(allocs)) abort();
    allocs[n_allocs++] = p;
    return p;
}

static void free_all(void)
{
    while (n_allocs)
        free(allocs[--n_allocs]);
}

/* ---- the vector certificates ---- */

static json_t *vectors;
static uint8_t *ca_der, *oce_der, *ca_pub, *ca_ski, *oce_pub;
static size_t ca_len, oce_len, ca_pub_len, ca_ski_len, oce_pub_len;

static uint8_t *vhex(const char *entry, const char *key, size_t *len)
{
    json_t *v = json_object_get(json_object_get(vectors, entry), key);
    if (!json_is_string(v)) {
        fprintf(stderr, "vector %s.%s missing\n", entry, key);
        abort();
    }
    return check_hex(json_string_value(v), len);
}

static void load_vectors(void)
{
    json_error_t je;
    vectors = json_load_file(check_shared_path("vectors/scp11.json"), 0, &je);
    if (!vectors) {
        fprintf(stderr, "cannot load scp11.json: %s\n", je.text);
        exit(1);
    }
    ca_der = vhex("ca_kloc", "cert_ca_kloc_ecdsa_der", &ca_len);
    ca_pub = vhex("ca_kloc", "pk_ca_kloc_ecdsa", &ca_pub_len);
    ca_ski = vhex("ca_kloc", "ca_kloc_identifier_ski", &ca_ski_len);
    oce_der = vhex("oce_static", "cert_oce_ecka_der", &oce_len);
    oce_pub = vhex("oce_static", "pk_oce_ecka", &oce_pub_len);
}

#define T_2025 1750000000 /* 2025-06-15 */

static x509_chain_params ecka_params(void)
{
    x509_chain_params p = {0};
    p.anchor_pub = ca_pub;
    p.anchor_ski = ca_ski;
    p.anchor_ski_len = ca_ski_len;
    p.anchor_path_len = 0;
    p.has_time = true;
    p.now = T_2025;
    p.leaf_usage = X509_KU_KEY_AGREEMENT;
    p.leaf_usage_exact = true;
    return p;
}

static void test_vector_ca_kloc(void)
{
    x509_cert c;
    char err[128];
    REQUIRE(x509_parse(ca_der, ca_len, &c, err, sizeof err) == SEAM_OK);
    static const uint8_t serial[] = {0x5e, 0xa1, 0x10, 0x01};
    CHECK_EQ(c.serial.len, 4);
    CHECK_MEM(c.serial.p, serial, 4);
    CHECK_EQ(c.not_before, 1704067200); /* 2024-01-01T00:00:00Z */
    CHECK_EQ(c.not_after, 2524607999);  /* 2049-12-31T23:59:59Z */
    CHECK_MEM(c.pub, ca_pub, 65);
    CHECK(c.ca);
    CHECK_EQ(c.path_len, 0);
    CHECK_EQ(c.key_usage, X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN);
    CHECK_EQ(c.ext_seen, X509_EXT_BASIC_CONSTRAINTS | X509_EXT_KEY_USAGE | X509_EXT_SUBJECT_KEY_ID);
    CHECK_EQ(c.ext_critical, X509_EXT_BASIC_CONSTRAINTS | X509_EXT_KEY_USAGE);
    CHECK_EQ(c.ski.len, ca_ski_len);
    CHECK_MEM(c.ski.p, ca_ski, ca_ski_len);
    CHECK_EQ(c.aki.len, 0);
    CHECK_EQ(c.n_policies, 0);
    CHECK(c.issuer.len == c.subject.len && !memcmp(c.issuer.p, c.subject.p, c.issuer.len));
    CHECK_EQ(x509_verify_signature(&c, ca_pub, ca_pub_len), SEAM_OK);
    CHECK_EQ(x509_verify_signature(&c, oce_pub, oce_pub_len), SEAM_E_AUTH);

    size_t pos = 0, n = 0;
    x509_ext x;
    while (x509_ext_next(&c, &pos, &x))
        n++;
    CHECK_EQ(n, 3);
    free_all();
}

static void test_vector_oce_chain(void)
{
    x509_cert c, ca;
    char err[128];
    REQUIRE(x509_parse(oce_der, oce_len, &c, err, sizeof err) == SEAM_OK);
    REQUIRE(x509_parse(ca_der, ca_len, &ca, err, sizeof err) == SEAM_OK);
    CHECK_MEM(c.pub, oce_pub, 65);
    CHECK(!c.ca);
    CHECK_EQ(c.path_len, -1);
    CHECK_EQ(c.key_usage, X509_KU_KEY_AGREEMENT);
    CHECK_EQ(c.ext_critical, X509_EXT_KEY_USAGE | X509_EXT_CERT_POLICIES);
    CHECK_EQ(c.aki.len, ca_ski_len);
    CHECK_MEM(c.aki.p, ca_ski, ca_ski_len);
    CHECK(c.ski.len == 20);
    /* 1.2.840.114283.100.0.10.2.1.0 (the note: as in Yubico's SCP11 test certificates). */
    static const uint8_t policy[] = {0x2a, 0x86, 0x48, 0x86, 0xfc, 0x6b,
                                     0x64, 0x00, 0x0a, 0x02, 0x01, 0x00};
    REQUIRE(c.n_policies == 1);
    CHECK_EQ(c.policies[0].len, sizeof policy);
    CHECK_MEM(c.policies[0].p, policy, sizeof policy);
    CHECK(c.issuer.len == ca.subject.len && !memcmp(c.issuer.p, ca.subject.p, c.issuer.len));
    CHECK_EQ(x509_verify_signature(&c, ca_pub, ca_pub_len), SEAM_OK);
    CHECK_EQ(x509_verify_signature(&c, oce_pub, oce_pub_len), SEAM_E_AUTH);

    /* The card's check (Amendment F PSO): anchor key + SKI, keyAgreement only. */
    x509_chain_params p = ecka_params();
    CHECK_EQ(x509_chain_check(&p, &c, 1, err, sizeof err), SEAM_OK);
    p.anchor_name = ca.subject.p;
    p.anchor_name_len = ca.subject.len;
    CHECK_EQ(x509_chain_check(&p, &c, 1, err, sizeof err), SEAM_OK);
    /* With the self-signed CA certificate first: self-issued, so pathLen 0 still allows it. */
    x509_cert two[2] = {ca, c};
    p.anchor_path_len = -1;
    CHECK_EQ(x509_chain_check(&p, two, 2, err, sizeof err), SEAM_E_AUTH); /* CA cert: no AKI */
    p.anchor_ski = NULL;
    p.anchor_ski_len = 0;
    CHECK_EQ(x509_chain_check(&p, two, 2, err, sizeof err), SEAM_OK);
    /* Without a trusted time validity is not checked. */
    p = ecka_params();
    p.has_time = false;
    p.now = 0;
    CHECK_EQ(x509_chain_check(&p, &c, 1, err, sizeof err), SEAM_OK);

    /* Refusals. */
    p = ecka_params();
    p.now = 1704067199;
    CHECK_EQ(x509_chain_check(&p, &c, 1, err, sizeof err), SEAM_E_STATE);
    CHECK(strstr(err, "not yet valid") != NULL);
    p.now = 2524608000;
    CHECK_EQ(x509_chain_check(&p, &c, 1, err, sizeof err), SEAM_E_STATE);
    CHECK(strstr(err, "expired") != NULL);
    p = ecka_params();
    p.leaf_usage = X509_KU_DIGITAL_SIGNATURE;
    CHECK_EQ(x509_chain_check(&p, &c, 1, err, sizeof err), SEAM_E_STATE);
    p = ecka_params();
    uint8_t other_ski[20] = {0};
    p.anchor_ski = other_ski;
    CHECK_EQ(x509_chain_check(&p, &c, 1, err, sizeof err), SEAM_E_AUTH);
    p = ecka_params();
    p.anchor_pub = oce_pub; /* a valid point, but not the issuer */
    CHECK_EQ(x509_chain_check(&p, &c, 1, err, sizeof err), SEAM_E_AUTH);
    p = ecka_params();
    p.anchor_name = c.subject.p;
    p.anchor_name_len = c.subject.len;
    CHECK_EQ(x509_chain_check(&p, &c, 1, err, sizeof err), SEAM_E_AUTH);
    /* The OCE certificate cannot issue: chain [oce, oce] fails at the first as a non-CA
     * (its signature by the anchor is fine). */
    x509_cert oo[2] = {c, c};
    p = ecka_params();
    p.anchor_path_len = -1;
    CHECK_EQ(x509_chain_check(&p, oo, 2, err, sizeof err), SEAM_E_STATE);
    x509_cert many[X509_MAX_CHAIN + 1];
    for (size_t i = 0; i < SEAM_ARRAY_LEN(many); i++)
        many[i] = c;
    CHECK_EQ(x509_chain_check(&p, many, SEAM_ARRAY_LEN(many), err, sizeof err), SEAM_E_STATE);
    CHECK(strstr(err, "longer") != NULL);
    CHECK_EQ(x509_chain_check(&p, &c, 0, err, sizeof err), SEAM_E_ARG);
    free_all();
}

static void test_time(void)
{
    CHECK_EQ(x509_time_from_civil(1970, 1, 1, 0, 0, 0), 0);
    CHECK_EQ(x509_time_from_civil(2000, 2, 29, 12, 0, 0), 951825600);
    CHECK_EQ(x509_time_from_civil(1950, 1, 1, 0, 0, 0), -631152000);
    CHECK_EQ(x509_time_from_civil(2100, 3, 1, 0, 0, 0), 4107542400LL);
    CHECK_EQ(x509_time_from_civil(2060, 1, 1, 0, 0, 0), 2840140800LL);
}

/* ---- certificates made with OpenSSL at test time ---- */

static EVP_PKEY *key_p256(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static void pub65(EVP_PKEY *k, uint8_t out[65])
{
    size_t n = 0;
    if (!EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out, 65, &n) ||
        n != 65)
        abort();
}

typedef struct {
    EVP_PKEY *key;    /* subject key */
    EVP_PKEY *signer; /* issuer's key (NULL: self-signed with key) */
    X509 *issuer;     /* issuer's certificate (NULL: self-signed) */
    const char *cn;
    const char *issuer_cn; /* overrides the issuer's name */
    bool v1;
    int64_t nb, na;
    const char *bc, *ku; /* extension values in OpenSSL's config syntax, NULL = absent */
    bool no_ids;         /* no SKI/AKI */
    int unknown;         /* 1: unknown non-critical extension, 2: unknown critical */
    int many;            /* this many more unknown non-critical extensions */
    const EVP_MD *md;
    long serial;
} gen;

static void set_name(X509_NAME *n, const char *cn)
{
    if (!X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0))
        abort();
}

static void add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
    if (!e || !X509_add_ext(x, e, -1)) abort();
    X509_EXTENSION_free(e);
}

/* Makes a certificate; returns its DER (kept for free_all) and the X509 in *out if asked. */
static uint8_t *make(const gen *g, size_t *len, X509 **out)
{
    X509 *x = X509_new();
    if (!x) abort();
    X509_set_version(x, g->v1 ? X509_VERSION_1 : X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), g->serial ? g->serial : 0x1234);
    set_name(X509_get_subject_name(x), g->cn);
    if (g->issuer_cn)
        set_name(X509_get_issuer_name(x), g->issuer_cn);
    else if (g->issuer)
        X509_set_issuer_name(x, X509_get_subject_name(g->issuer));
    else
        set_name(X509_get_issuer_name(x), g->cn);
    ASN1_TIME_set(X509_getm_notBefore(x), (time_t)(g->nb ? g->nb : 1704067200));
    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(g->na ? g->na : 1893456000));
    X509_set_pubkey(x, g->key);
    if (!g->v1) {
        X509V3_CTX ctx;
        X509V3_set_ctx(&ctx, g->issuer ? g->issuer : x, x, NULL, NULL, 0);
        if (g->bc) add_ext(x, &ctx, NID_basic_constraints, g->bc);
        if (g->ku) add_ext(x, &ctx, NID_key_usage, g->ku);
        if (!g->no_ids) {
            add_ext(x, &ctx, NID_subject_key_identifier, "hash");
            if (g->issuer) add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
        }
        for (int k = 0; k < g->many; k++) {
            char oid[64];
            snprintf(oid, sizeof oid, "1.3.6.1.4.1.55555.2.%d", k);
            ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
            ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
            static const unsigned char null_der[] = {0x05, 0x00};
            if (!o || !v || !ASN1_OCTET_STRING_set(v, null_der, 2)) abort();
            X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, o, 0, v);
            if (!e || !X509_add_ext(x, e, -1)) abort();
            X509_EXTENSION_free(e);
            ASN1_OBJECT_free(o);
            ASN1_OCTET_STRING_free(v);
        }
        if (g->unknown) {
            /* 1.3.6.1.4.1.55555.1, value NULL */
            ASN1_OBJECT *o = OBJ_txt2obj("1.3.6.1.4.1.55555.1", 1);
            ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
            static const unsigned char null_der[] = {0x05, 0x00};
            if (!o || !v || !ASN1_OCTET_STRING_set(v, null_der, 2)) abort();
            X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, o, g->unknown == 2, v);
            if (!e || !X509_add_ext(x, e, -1)) abort();
            X509_EXTENSION_free(e);
            ASN1_OBJECT_free(o);
            ASN1_OCTET_STRING_free(v);
        }
    }
    if (!X509_sign(x, g->signer ? g->signer : g->key, g->md ? g->md : EVP_sha256())) abort();
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    if (n <= 0) abort();
    uint8_t *copy = keep(malloc((size_t)n));
    memcpy(copy, der, (size_t)n);
    OPENSSL_free(der);
    *len = (size_t)n;
    if (out)
        *out = x;
    else
        X509_free(x);
    return copy;
}

/* A PKI for the generated tests: root (the anchor) -> intermediate (pathlen 0) -> leaves. */
static EVP_PKEY *root_key, *inter_key, *leaf_key, *other_key;
static X509 *root_x, *inter_x;
static uint8_t root_pub[65];
static uint8_t *inter_der;
static size_t inter_len;

static void make_pki(void)
{
    root_key = key_p256();
    inter_key = key_p256();
    leaf_key = key_p256();
    other_key = key_p256();
    if (!root_key || !inter_key || !leaf_key || !other_key) abort();
    pub65(root_key, root_pub);
    size_t n;
    gen r = {.key = root_key,
             .cn = "seam test root",
             .bc = "critical,CA:TRUE",
             .ku = "critical,keyCertSign,cRLSign"};
    make(&r, &n, &root_x);
    gen i = {.key = inter_key,
             .signer = root_key,
             .issuer = root_x,
             .cn = "seam test issuing CA",
             .bc = "critical,CA:TRUE,pathlen:0",
             .ku = "critical,keyCertSign,cRLSign"};
    uint8_t *d = make(&i, &inter_len, &inter_x);
    /* make() keeps its DER for free_all; this one lives for the whole run. */
    inter_der = malloc(inter_len);
    if (!inter_der) abort();
    memcpy(inter_der, d, inter_len);
    free_all();
}

/* A leaf issued by the intermediate with keyAgreement, adjusted by the caller. */
static gen leaf_gen(void)
{
    gen g = {.key = leaf_key,
             .signer = inter_key,
             .issuer = inter_x,
             .cn = "seam test leaf",
             .ku = "critical,keyAgreement"};
    return g;
}

static x509_chain_params gen_params(void)
{
    x509_chain_params p = {0};
    p.anchor_pub = root_pub;
    p.anchor_path_len = -1;
    p.has_time = true;
    p.now = T_2025;
    p.leaf_usage = X509_KU_KEY_AGREEMENT;
    p.leaf_usage_exact = true;
    return p;
}

/* The reason of the last check_leaf refusal. */
static char last_err[128];

/* Parses the intermediate and the given leaf and checks the chain; returns the result. */
static seam_err check_leaf(const uint8_t *der, size_t len, const x509_chain_params *p,
                           seam_err *parse_err)
{
    x509_cert chain[2];
    char *err = last_err;
    const size_t errcap = sizeof last_err;
    if (x509_parse(inter_der, inter_len, &chain[0], err, errcap) != SEAM_OK) abort();
    *parse_err = x509_parse(der, len, &chain[1], err, errcap);
    if (*parse_err != SEAM_OK) return *parse_err;
    return x509_chain_check(p, chain, 2, err, errcap);
}

static void test_generated_good(void)
{
    size_t n;
    gen g = leaf_gen();
    uint8_t *d = make(&g, &n, NULL);
    x509_chain_params p = gen_params();
    seam_err pe;
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_OK);
    /* The anchor's name and (absent here) SKI are optional; the root's name matches. */
    x509_cert chain[2];
    char err[128];
    REQUIRE(x509_parse(inter_der, inter_len, &chain[0], err, sizeof err) == SEAM_OK);
    REQUIRE(x509_parse(d, n, &chain[1], err, sizeof err) == SEAM_OK);
    CHECK(chain[1].aki.len == chain[0].ski.len && chain[0].ski.len > 0);
    CHECK_EQ(chain[0].path_len, 0);
    CHECK_EQ(x509_chain_check(&p, chain, 2, err, sizeof err), SEAM_OK);
    /* A GeneralizedTime notAfter (2060: RFC 5280 §4.1.2.5 requires it from 2050). */
    g.na = 2840140800LL;
    d = make(&g, &n, NULL);
    REQUIRE(x509_parse(d, n, &chain[1], err, sizeof err) == SEAM_OK);
    CHECK_EQ(chain[1].not_after, 2840140800LL);
    CHECK_EQ(x509_chain_check(&p, chain, 2, err, sizeof err), SEAM_OK);
    /* An unknown non-critical extension is accepted and seen by the walk. */
    g = leaf_gen();
    g.unknown = 1;
    d = make(&g, &n, NULL);
    REQUIRE(x509_parse(d, n, &chain[1], err, sizeof err) == SEAM_OK);
    CHECK_EQ(x509_chain_check(&p, chain, 2, err, sizeof err), SEAM_OK);
    size_t pos = 0, seen = 0;
    x509_ext x;
    static const uint8_t unk[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x03, 0x01};
    while (x509_ext_next(&chain[1], &pos, &x))
        if (x.oid.len == sizeof unk && !memcmp(x.oid.p, unk, sizeof unk) && !x.critical) seen++;
    CHECK_EQ(seen, 1);
    free_all();
}

static void test_generated_refused(void)
{
    size_t n;
    seam_err pe;
    uint8_t *d;
    x509_chain_params p = gen_params();
    gen g;

    /* Expired and not yet valid (validity checked against the trusted time). */
    g = leaf_gen();
    g.nb = 1600000000;
    g.na = 1700000000;
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_STATE);
    CHECK(strstr(last_err, "expired") != NULL);
    p.has_time = false;
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_OK);
    p = gen_params();
    g = leaf_gen();
    g.nb = 1800000000;
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_STATE);
    CHECK(strstr(last_err, "not yet valid") != NULL);

    /* Wrong key usage: an ECKA certificate must assert keyAgreement, and only that. */
    g = leaf_gen();
    g.ku = "critical,digitalSignature";
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_STATE);
    CHECK(strstr(last_err, "key usage not allowed") != NULL);
    g.ku = "critical,keyAgreement,digitalSignature";
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_STATE);
    CHECK(strstr(last_err, "more than allowed") != NULL);
    p.leaf_usage_exact = false;
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_OK);
    p = gen_params();
    g.ku = NULL;
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_STATE);
    CHECK(strstr(last_err, "no keyUsage") != NULL);
    /* keyCertSign without cA. */
    g.ku = "critical,keyCertSign,keyAgreement";
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_STATE);
    CHECK(strstr(last_err, "keyCertSign without cA") != NULL);

    /* A wrong issuer name (the signature is the intermediate's, the name is not). */
    g = leaf_gen();
    g.issuer_cn = "seam test somebody else";
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_AUTH);
    CHECK(strstr(last_err, "issuer name") != NULL);
    /* Signed by another key (an unknown CA using the intermediate's name). */
    g = leaf_gen();
    g.signer = other_key;
    g.no_ids = true;
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_AUTH);
    CHECK(strstr(last_err, "signature") != NULL);
    /* Tampered: a flipped bit in the signature's last byte, then one in the subject name. */
    g = leaf_gen();
    d = make(&g, &n, NULL);
    d[n - 1] ^= 0x01;
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_AUTH);
    d[n - 1] ^= 0x01;
    uint8_t *cn = memmem(d, n, "leaf", 4);
    REQUIRE(cn != NULL);
    cn[0] ^= 0x20;
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_AUTH);

    /* Parse refusals: RSA key, P-384 key, ecdsa-with-SHA384, unknown critical extension, v1. */
    EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    REQUIRE(rsa && p384);
    g = leaf_gen();
    g.key = rsa;
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_UNSUPPORTED);
    CHECK(strstr(last_err, "not an EC key") != NULL);
    g.key = p384;
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_UNSUPPORTED);
    CHECK(strstr(last_err, "not P-256") != NULL);
    g = leaf_gen();
    g.md = EVP_sha384();
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_UNSUPPORTED);
    CHECK(strstr(last_err, "ecdsa-with-SHA256") != NULL);
    g = leaf_gen();
    g.unknown = 2;
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_UNSUPPORTED);
    CHECK(strstr(last_err, "unknown critical") != NULL);
    g = leaf_gen();
    g.many = 20; /* with KU, SKI and AKI: 23, within X509_MAX_EXTENSIONS */
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_OK);
    g.many = X509_MAX_EXTENSIONS;
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_UNSUPPORTED);
    g = leaf_gen();
    g.v1 = true;
    d = make(&g, &n, NULL);
    CHECK_EQ(check_leaf(d, n, &p, &pe), SEAM_E_UNSUPPORTED);
    CHECK(strstr(last_err, "not v3") != NULL);
    /* An RSA-signed certificate (sha256WithRSAEncryption) is refused too. */
    g = (gen){.key = rsa, .cn = "rsa self-signed", .ku = "keyCertSign", .bc = "CA:TRUE"};
    d = make(&g, &n, NULL);
    x509_cert c;
    char err[128];
    CHECK_EQ(x509_parse(d, n, &c, err, sizeof err), SEAM_E_UNSUPPORTED);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(p384);
    free_all();
}

static void test_generated_ca_rules(void)
{
    x509_chain_params p = gen_params();
    char err[128];
    size_t n;
    x509_cert chain[3];
    EVP_PKEY *k2 = key_p256();
    REQUIRE(k2);

    /* An issuing certificate without cA (but keyCertSign would be inconsistent, so without
     * basicConstraints and with digitalSignature). */
    gen i = {.key = k2,
             .signer = root_key,
             .issuer = root_x,
             .cn = "not a CA",
             .ku = "critical,digitalSignature"};
    X509 *ix;
    uint8_t *idr = make(&i, &n, &ix);
    REQUIRE(x509_parse(idr, n, &chain[0], err, sizeof err) == SEAM_OK);
    gen l = {.key = leaf_key, .signer = k2, .issuer = ix, .cn = "leaf", .ku = "keyAgreement"};
    size_t ln;
    uint8_t *ld = make(&l, &ln, NULL);
    REQUIRE(x509_parse(ld, ln, &chain[1], err, sizeof err) == SEAM_OK);
    CHECK_EQ(x509_chain_check(&p, chain, 2, err, sizeof err), SEAM_E_STATE);
    X509_free(ix);

    /* cA TRUE but no keyCertSign. */
    i.bc = "critical,CA:TRUE";
    idr = make(&i, &n, &ix);
    REQUIRE(x509_parse(idr, n, &chain[0], err, sizeof err) == SEAM_OK);
    l.issuer = ix;
    ld = make(&l, &ln, NULL);
    REQUIRE(x509_parse(ld, ln, &chain[1], err, sizeof err) == SEAM_OK);
    CHECK_EQ(x509_chain_check(&p, chain, 2, err, sizeof err), SEAM_E_STATE);
    CHECK(strstr(err, "without keyCertSign") != NULL);
    X509_free(ix);

    /* pathLen exceeded: root -> intermediate (pathlen 0) -> CA -> leaf. */
    REQUIRE(x509_parse(inter_der, inter_len, &chain[0], err, sizeof err) == SEAM_OK);
    gen ca2 = {.key = k2,
               .signer = inter_key,
               .issuer = inter_x,
               .cn = "sub CA",
               .bc = "critical,CA:TRUE",
               .ku = "critical,keyCertSign"};
    idr = make(&ca2, &n, &ix);
    REQUIRE(x509_parse(idr, n, &chain[1], err, sizeof err) == SEAM_OK);
    l.issuer = ix;
    ld = make(&l, &ln, NULL);
    REQUIRE(x509_parse(ld, ln, &chain[2], err, sizeof err) == SEAM_OK);
    CHECK_EQ(x509_chain_check(&p, chain, 3, err, sizeof err), SEAM_E_STATE);
    CHECK(strstr(err, "path length") != NULL);
    /* The same path below an anchor that itself allows no intermediate. */
    p.anchor_path_len = 0;
    CHECK_EQ(x509_chain_check(&p, chain, 2, err, sizeof err), SEAM_E_STATE);
    p.anchor_path_len = 1;
    x509_cert two[2] = {chain[0], chain[1]};
    p.leaf_usage = X509_KU_KEY_CERT_SIGN;
    p.leaf_usage_exact = false;
    CHECK_EQ(x509_chain_check(&p, two, 2, err, sizeof err), SEAM_OK);
    /* Order matters: leaf first is refused. */
    p = gen_params();
    x509_cert rev[2] = {chain[2], chain[1]};
    CHECK(x509_chain_check(&p, rev, 2, err, sizeof err) != SEAM_OK);
    X509_free(ix);
    EVP_PKEY_free(k2);
    free_all();
}

/* ---- DER malformations patched into the vector OCE certificate ---- */

/* The OCE certificate starts 30 82 01 95 | 30 82 01 3c | a0 03 02 01 02 | 02 04 5e a1 10 02;
 * a patch that changes the length of a top-level tbs field bumps both outer lengths. */
static uint8_t *patched(size_t at, size_t del, const uint8_t *ins, size_t ins_len, size_t *len)
{
    size_t n = oce_len - del + ins_len;
    uint8_t *p = keep(malloc(n + 1));
    memcpy(p, oce_der, at);
    memcpy(p + at, ins, ins_len);
    memcpy(p + at + ins_len, oce_der + at + del, oce_len - at - del);
    if (at >= 8 && ins_len != del) {
        long d = (long)ins_len - (long)del;
        seam_put_be16(p + 2, (uint16_t)(seam_be16(p + 2) + d));
        seam_put_be16(p + 6, (uint16_t)(seam_be16(p + 6) + d));
    }
    *len = n;
    return p;
}

static size_t find(const uint8_t *hay, size_t n, const char *hex)
{
    size_t k;
    uint8_t *needle = check_hex(hex, &k);
    uint8_t *at = memmem(hay, n, needle, k);
    free(needle);
    if (!at) {
        fprintf(stderr, "pattern %s not in the certificate\n", hex);
        abort();
    }
    return (size_t)(at - hay);
}

static void test_der_malformations(void)
{
    struct {
        const char *name;
        const char *find; /* hex pattern in the good certificate */
        size_t skip;      /* offset of the patch inside the pattern */
        size_t del;       /* bytes removed there */
        const char *ins;  /* hex inserted there */
        bool append;      /* the insert goes at the end instead */
        seam_err want;
    } cases[] = {
        {"non-minimal length 82 00 xx", "30820195", 1, 3, "830001 95", false, SEAM_E_FORMAT},
        {"short length in long form", "02045ea11002", 1, 1, "8104", false, SEAM_E_FORMAT},
        {"indefinite outer length", "30820195", 1, 3, "80", false, SEAM_E_FORMAT},
        {"trailing byte", "", 0, 0, "00", true, SEAM_E_FORMAT},
        {"trailing end-of-contents", "", 0, 0, "0000", true, SEAM_E_FORMAT},
        {"negative serial", "02045ea11002", 2, 1, "9e", false, SEAM_E_FORMAT},
        {"zero serial", "02045ea11002", 0, 6, "020100", false, SEAM_E_FORMAT},
        {"non-minimal serial", "02045ea11002", 0, 2, "020500", false, SEAM_E_FORMAT},
        {"serial of 21 bytes", "02045ea11002", 0, 6,
         "02150102030405060708090a0b0c0d0e0f101112131415", false, SEAM_E_FORMAT},
        {"BOOLEAN 01 (critical)", "0603551d0f0101ff", 7, 1, "01", false, SEAM_E_FORMAT},
        {"critical FALSE encoded", "0603551d0f0101ff", 7, 1, "00", false, SEAM_E_FORMAT},
        {"version 4", "a003020102", 4, 1, "03", false, SEAM_E_UNSUPPORTED},
        {"version v1 explicit", "a003020102", 4, 1, "00", false, SEAM_E_FORMAT},
        {"high tag number", "02045ea11002", 0, 1, "1f", false, SEAM_E_FORMAT},
        {"keyUsage unused bits > 7", "040403020308", 4, 1, "08", false, SEAM_E_FORMAT},
        {"keyUsage unused bits not zero", "040403020308", 4, 1, "04", false, SEAM_E_FORMAT},
        {"keyUsage trailing zero bits", "040403020308", 4, 1, "00", false, SEAM_E_FORMAT},
        {"UTCTime without Z", "3234303130313030303030305a", 12, 1, "30", false, SEAM_E_FORMAT},
        {"UTCTime month 13", "3234303130313030303030305a", 2, 2, "3133", false, SEAM_E_FORMAT},
        {"UTCTime Feb 30", "3234303130313030303030305a", 2, 4, "30323330", false, SEAM_E_FORMAT},
        {"point not on the curve", "c2e44da3", 2, 1, "4e", false, SEAM_E_FORMAT},
        {"compressed point", "03420004c0b1", 3, 1, "02", false, SEAM_E_UNSUPPORTED},
        {"outer signatureAlgorithm SHA-384", "2a8648ce3d040302034700", 7, 1, "03", false,
         SEAM_E_UNSUPPORTED},
        {"inner signature SHA-384", "2a8648ce3d040302301c", 7, 1, "03", false, SEAM_E_UNSUPPORTED},
        {"signature BIT STRING unused bits", "034700", 2, 1, "01", false, SEAM_E_FORMAT},
        {"name: SET tag 30", "311a3018", 0, 1, "30", false, SEAM_E_FORMAT},
        {"OID with 80 padding", "06072a8648ce3d0201", 3, 1, "80", false, SEAM_E_FORMAT},
        {"tbs length too long", "3082013ca003", 3, 1, "3d", false, SEAM_E_FORMAT},
        {"tbs length too short", "3082013ca003", 3, 1, "3b", false, SEAM_E_FORMAT},
        {"unknown extension critical", "0603551d200101ff", 4, 1, "7f", false, SEAM_E_UNSUPPORTED},
        {"name value as constructed UTF8String", "0c0d7365616d2074657374204f4345", 0, 1, "2c",
         false, SEAM_E_FORMAT},
        {"name value as end-of-contents", "0c0d7365616d2074657374204f4345", 0, 1, "00", false,
         SEAM_E_FORMAT},
        {"duplicate extension", "0603551d0e0416", 4, 1, "0f", false, SEAM_E_FORMAT},
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(cases); i++) {
        size_t n, at = cases[i].append ? oce_len : find(oce_der, oce_len, cases[i].find);
        at += cases[i].skip;
        size_t k;
        uint8_t *ins = keep(check_hex(cases[i].ins, &k));
        uint8_t *d = patched(at, cases[i].del, ins, k, &n);
        x509_cert c;
        char err[128];
        seam_err e = x509_parse(d, n, &c, err, sizeof err);
        if (e != cases[i].want) {
            fprintf(stderr, "  case '%s': got %s (%s), want %s\n", cases[i].name, seam_strerror(e),
                    err, seam_strerror(cases[i].want));
            check_failures++;
        }
        CHECK(e == SEAM_OK || (c.tbs.p == NULL && err[0] != '\0'));
    }
    free_all();
}

static void test_truncation_and_flips(void)
{
    x509_cert c;
    char err[64];
    const uint8_t *certs[2] = {oce_der, ca_der};
    size_t lens[2] = {oce_len, ca_len};
    for (size_t k = 0; k < 2; k++) {
        /* Every strict prefix, in an exact-size heap buffer so ASan sees any overrun. */
        for (size_t n = 0; n < lens[k]; n++) {
            uint8_t *p = malloc(n ? n : 1);
            REQUIRE(p);
            memcpy(p, certs[k], n);
            CHECK_EQ(x509_parse(p, n, &c, err, sizeof err), SEAM_E_FORMAT);
            free(p);
        }
        /* Every byte flipped: no crash; what still parses must not verify, unless the flip
         * hit the signature's encoding slack (none in DER) — so every parse fails or the
         * signature check fails. */
        uint8_t *p = malloc(lens[k]);
        REQUIRE(p);
        for (size_t i = 0; i < lens[k]; i++) {
            for (int bit = 0; bit < 8; bit++) {
                memcpy(p, certs[k], lens[k]);
                p[i] ^= (uint8_t)(1u << bit);
                if (x509_parse(p, lens[k], &c, err, sizeof err) == SEAM_OK) {
                    CHECK(x509_verify_signature(&c, ca_pub, ca_pub_len) == SEAM_E_AUTH);
                    size_t pos = 0;
                    x509_ext x;
                    while (x509_ext_next(&c, &pos, &x))
                        CHECK(x.oid.len > 0);
                }
            }
        }
        free(p);
    }
    /* A tiny error buffer is never overrun and always terminated. */
    char small[4];
    CHECK_EQ(x509_parse(oce_der, 10, &c, small, sizeof small), SEAM_E_FORMAT);
    CHECK(strlen(small) == 3);
    CHECK_EQ(x509_parse(oce_der, oce_len, NULL, err, sizeof err), SEAM_E_ARG);
    CHECK_EQ(x509_parse(NULL, 0, &c, err, sizeof err), SEAM_E_ARG);
}

/* The seed corpus of fuzz/fuzz_x509 holds good certificates only (the two vectors and two made
 * with the openssl command line: a root CA, and a leaf with a multi-valued RDN, policies, an
 * unknown extension, a 9-byte serial and a GeneralizedTime notAfter): each must parse. */
static void test_fuzz_seeds_parse(void)
{
    static const char *files[] = {"vector_ca_kloc.der", "vector_oce_ecka.der", "gen_root_ca.der",
                                  "gen_leaf_policies_multirdn.der"};
    for (size_t i = 0; i < SEAM_ARRAY_LEN(files); i++) {
        char path[256];
        snprintf(path, sizeof path, "fuzz/corpus/fuzz_x509/%s", files[i]);
        FILE *f = fopen(path, "rb");
        REQUIRE(f != NULL);
        uint8_t buf[2048];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        x509_cert c;
        char err[128];
        seam_err e = x509_parse(buf, n, &c, err, sizeof err);
        if (e != SEAM_OK) fprintf(stderr, "  %s: %s\n", files[i], err);
        CHECK_EQ(e, SEAM_OK);
    }
}

/* X.690 §11.6: a multi-valued RDN whose two AttributeTypeAndValues are swapped out of order. */
static void test_set_of_order(void)
{
    FILE *f = fopen("fuzz/corpus/fuzz_x509/gen_leaf_policies_multirdn.der", "rb");
    REQUIRE(f != NULL);
    uint8_t buf[2048], *d = keep(malloc(sizeof buf));
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    /* SET { SEQ { O "seam" }, SEQ { OU "metering" } }: 31 1e 30 0b ... 30 0f ... */
    size_t at = find(buf, n, "311e300b060355040a0c047365616d300f060355040b");
    REQUIRE(at > 0 && at + 32 <= n);
    x509_cert c;
    char err[128];
    REQUIRE(x509_parse(buf, n, &c, err, sizeof err) == SEAM_OK);
    memcpy(d, buf, n);
    memcpy(d + at + 2, buf + at + 2 + 13, 17);
    memcpy(d + at + 2 + 17, buf + at + 2, 13);
    CHECK_EQ(x509_parse(d, n, &c, err, sizeof err), SEAM_E_FORMAT);
    CHECK(strstr(err, "DER order") != NULL);
    free_all();
}

int main(void)
{
    load_vectors();
    make_pki();
    RUN(test_vector_ca_kloc);
    RUN(test_vector_oce_chain);
    RUN(test_time);
    RUN(test_generated_good);
    RUN(test_generated_refused);
    RUN(test_generated_ca_rules);
    RUN(test_der_malformations);
    RUN(test_truncation_and_flips);
    RUN(test_fuzz_seeds_parse);
    RUN(test_set_of_order);
    free(ca_der);
    free(ca_pub);
    free(ca_ski);
    free(oce_der);
    free(oce_pub);
    free(inter_der);
    X509_free(root_x);
    X509_free(inter_x);
    EVP_PKEY_free(root_key);
    EVP_PKEY_free(inter_key);
    EVP_PKEY_free(leaf_key);
    EVP_PKEY_free(other_key);
    json_decref(vectors);
    return check_summary();
}
