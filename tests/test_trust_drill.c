/*
 * The CA-compromise drill (issue 7 item 6, docs/trust.md) on an in-process card: three
 * independent roots made with seam's PKI library, each with organisation certificates; the ISD
 * personalised with the three anchors and k = 2, then SECURED. Root 1's key is "stolen":
 * commands signed under root 1 alone are refused (even with two root-1 certificates, even one
 * that tries to replace root 2); roots 2 and 3 jointly replace root 1 by a new root 1'; after
 * that root 1 is refused everywhere (alone and as one of the k signatures) and 1' works; a
 * replayed command and one signed before the replacement (the floor) are refused; a power cut
 * at every write of the replacement leaves either the old or the new anchor set.
 * Then the refusals one by one: malformed CMS (every truncation, bit flips), wrong content type,
 * no signed attributes, messageDigest mismatch, a keyAgreement signer, a chain too long, a
 * duplicated signer and two signers under one root counted once, revocation, k, ISD keys.
 * Every refused command must leave the store exactly as it was (digest compared).
 */
#include <stdlib.h>

#include "check.h"
#include "seam/cms.h"
#include "seam/crypto.h"
#include "seam/gpclient.h"
#include "seam/pki.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/transport.h"
#include "seam/x509.h"

#define CMS_CAP 16384

/* ---- the PKI ---- */

typedef struct ent ent;
struct ent {
    uint8_t priv[32], pub[65];
    uint8_t cert[PKI_MAX_CERT];
    size_t len;
    uint8_t ski[64];
    size_t ski_len;
    const ent *up; /* issuer; NULL for a root */
};

static ent R1, R2, R3, R1n, Rx;            /* roots: 1, 2, 3, the new 1', an attacker's */
static ent O1a, O1b, I2, O2, O2b, O3, O1n; /* organisations (I2: an issuing CA under R2) */
static ent Oka;                            /* keyAgreement organisation under R3 */
static ent D[8], Odeep;                    /* a chain of 9 certificates under R3 */

static int64_t T0, T1;

static bool issue(ent *e, const ent *up, pki_kind kind, const char *name, pki_usage usage)
{
    char err[160] = "";
    if (pki_keygen(e->priv, e->pub) != SEAM_OK) return false;
    pki_signer sg;
    if (pki_signer_raw(&sg, up ? up->priv : e->priv) != SEAM_OK) return false;
    pki_profile p = {.kind = kind,
                     .name = name,
                     .role = kind == PKI_ORG ? PKI_ROLE_NETWORK_OPERATOR : PKI_ROLE_NONE,
                     .usage = usage,
                     .path_len = -1,
                     .not_before = T0,
                     .not_after = T1,
                     .subject_pub = e->pub};
    seam_err r = pki_issue(&p, up ? up->cert : NULL, up ? up->len : 0, &sg, e->cert, sizeof e->cert,
                           &e->len, err, sizeof err);
    pki_signer_release(&sg);
    if (r != SEAM_OK) {
        fprintf(stderr, "  pki_issue %s: %s\n", name, err);
        return false;
    }
    x509_cert c;
    if (x509_parse(e->cert, e->len, &c, NULL, 0) != SEAM_OK || c.ski.len > sizeof e->ski)
        return false;
    memcpy(e->ski, c.ski.p, c.ski.len);
    e->ski_len = c.ski.len;
    e->up = up;
    return true;
}

static bool make_pki(void)
{
    T0 = x509_time_from_civil(2025, 1, 1, 0, 0, 0);
    T1 = x509_time_from_civil(2045, 1, 1, 0, 0, 0);
    bool ok = issue(&R1, NULL, PKI_ROOT, "seam Root 1", PKI_USAGE_NONE) &&
              issue(&R2, NULL, PKI_ROOT, "seam Root 2", PKI_USAGE_NONE) &&
              issue(&R3, NULL, PKI_ROOT, "seam Root 3", PKI_USAGE_NONE) &&
              issue(&R1n, NULL, PKI_ROOT, "seam Root 1 prime", PKI_USAGE_NONE) &&
              issue(&Rx, NULL, PKI_ROOT, "thief Root", PKI_USAGE_NONE) &&
              issue(&O1a, &R1, PKI_ORG, "org 1a", PKI_USAGE_SIGN) &&
              issue(&O1b, &R1, PKI_ORG, "org 1b", PKI_USAGE_SIGN) &&
              issue(&I2, &R2, PKI_ISSUING, "issuing 2", PKI_USAGE_NONE) &&
              issue(&O2, &I2, PKI_ORG, "org 2", PKI_USAGE_SIGN) &&
              issue(&O2b, &R2, PKI_ORG, "org 2b", PKI_USAGE_SIGN) &&
              issue(&O3, &R3, PKI_ORG, "org 3", PKI_USAGE_SIGN) &&
              issue(&O1n, &R1n, PKI_ORG, "org 1 prime", PKI_USAGE_SIGN) &&
              issue(&Oka, &R3, PKI_ORG, "org 3 keyagree", PKI_USAGE_KEYAGREE);
    const ent *up = &R3;
    for (int i = 0; ok && i < 8; i++) {
        char name[32];
        snprintf(name, sizeof name, "deep CA %d", i);
        ok = issue(&D[i], up, PKI_ISSUING, name, PKI_USAGE_NONE);
        up = &D[i];
    }
    return ok && issue(&Odeep, up, PKI_ORG, "org deep", PKI_USAGE_SIGN);
}

/* ---- signing ---- */

static uint64_t next_counter = 1000;

typedef struct {
    uint8_t der[CMS_CAP];
    size_t len;
} blob;

/* The CMS over cmd signed by every ent in who (each with its chain up to its root). */
static bool sign_ex(blob *b, const cms_trust_cmd *cmd, const ent *const *who, size_t n,
                    unsigned flags)
{
    uint8_t content[4096];
    size_t clen;
    if (cms_trust_content(cmd, content, sizeof content, &clen) != SEAM_OK) return false;
    cms_signer_in in[CMS_MAX_SIGNERS];
    const uint8_t *chains[CMS_MAX_SIGNERS][10];
    size_t lens[CMS_MAX_SIGNERS][10];
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        for (const ent *u = who[i]->up; u && u->up && k < 10; u = u->up) {
            chains[i][k] = u->cert;
            lens[i][k++] = u->len;
        }
        in[i] = (cms_signer_in){who[i]->priv, who[i]->cert, who[i]->len, chains[i], lens[i], k};
    }
    seam_err e = cms_build_ex(content, clen, in, n, flags, b->der, sizeof b->der, &b->len);
    if (e != SEAM_OK) fprintf(stderr, "  cms_build: %s\n", seam_strerror(e));
    return e == SEAM_OK;
}

/* An attest command from originator who[0] with a fresh counter. */
static bool attest(blob *b, const ent *const *who, size_t n)
{
    cms_trust_cmd c = {.op = CMS_TRUST_OP_ATTEST,
                       .originator = who[0]->ski,
                       .originator_len = who[0]->ski_len,
                       .counter = next_counter++};
    return sign_ex(b, &c, who, n, 0);
}

static bool replace(blob *b, uint8_t cell, const ent *root, const ent *const *who, size_t n)
{
    cms_trust_cmd c = {.op = CMS_TRUST_OP_REPLACE_ANCHOR,
                       .originator = who[0]->ski,
                       .originator_len = who[0]->ski_len,
                       .counter = next_counter++,
                       .cell = cell,
                       .root = root->cert,
                       .root_len = root->len};
    return sign_ex(b, &c, who, n, 0);
}

#define WHO(...) ((const ent *const[]){__VA_ARGS__})
#define NWHO(...) (sizeof((const ent *const[]){__VA_ARGS__}) / sizeof(const ent *))
#define ATTEST(b, ...) attest((b), WHO(__VA_ARGS__), NWHO(__VA_ARGS__))

/* ---- the card ---- */

typedef struct {
    store_medium *m;
    se *se;
    seam_card *card;
    gp_client cl;
    gp_session ses;
} bench;

static const uint8_t seed[] = "seam trust drill";

/* hook of the tear test: every durable state */
#define MAX_STATES 256
static uint8_t states[MAX_STATES][32];
static size_t nstates;
static void hook(void *ctx, store *st)
{
    (void)ctx;
    if (nstates < MAX_STATES) store_digest(st, states[nstates++]);
}

static seam_err up(bench *b)
{
    char msg[200];
    cr_rng_seed_deterministic(seed, sizeof seed);
    se_config cfg = {.medium = b->m, .quiet = true};
    seam_err e = se_open(&b->se, &cfg, msg, sizeof msg);
    if (e != SEAM_OK) {
        if (e != SEAM_E_TORN) fprintf(stderr, "  se_open: %s: %s\n", seam_strerror(e), msg);
        return e;
    }
    seam_card_fns f = se_card_fns(b->se);
    if ((e = card_open_fns(&b->card, &f)) != SEAM_OK) return e;
    memset(&b->cl, 0, sizeof b->cl);
    b->cl.card = b->card;
    gp_session_plain(&b->ses, &b->cl);
    return SEAM_OK;
}

static void down(bench *b)
{
    gp_session_close(&b->ses);
    if (b->card) card_close(b->card);
    if (b->se) se_close(b->se);
    b->card = NULL;
    b->se = NULL;
}

static uint16_t select_isd(bench *b)
{
    uint8_t fci[256];
    size_t n;
    uint16_t sw = 0;
    gp_session_close(&b->ses);
    gp_session_plain(&b->ses, &b->cl);
    if (gp_select(&b->cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, fci, sizeof fci, &n, &sw))
        return 0;
    return sw;
}

static bool isd_session(bench *b, uint8_t kvn, const uint8_t key[16])
{
    if (select_isd(b) != SW_NO_ERROR) return false;
    gp_keys k;
    gp_keys_set(&k, key, key, key, 16, kvn);
    uint16_t sw = 0;
    seam_err e = gp_session_open(&b->ses, &b->cl, &k, 0x33, NULL, 8, &sw);
    gp_keys_wipe(&k);
    return e == SEAM_OK && sw == SW_NO_ERROR;
}

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

/* STORE DATA of one data object (tag DF70 / DF71) in blocks of `block` bytes through the
 * session (plain or secure): the SW of the first block refused, or of the last. */
static uint16_t store_obj(bench *b, uint16_t tag, const uint8_t *v, size_t n, size_t block)
{
    static uint8_t obj[CMS_CAP + 8];
    size_t len = 0;
    obj[len++] = (uint8_t)(tag >> 8);
    obj[len++] = (uint8_t)tag;
    if (n < 0x80) {
        obj[len++] = (uint8_t)n;
    } else if (n < 0x100) {
        obj[len++] = 0x81;
        obj[len++] = (uint8_t)n;
    } else {
        obj[len++] = 0x82;
        obj[len++] = (uint8_t)(n >> 8);
        obj[len++] = (uint8_t)n;
    }
    memcpy(obj + len, v, n);
    len += n;
    uint8_t resp[300];
    size_t rn;
    uint16_t sw = 0;
    for (size_t off = 0, blk = 0; off < len; off += block, blk++) {
        size_t part = len - off < block ? len - off : block;
        bool last = off + part == len;
        if (gp_send_cmd(&b->ses, 0x80, 0xE2, last ? 0x90 : 0x10, (uint8_t)blk, obj + off, part,
                        false, resp, sizeof resp, &rn, &sw) != SEAM_OK)
            return 0;
        if (sw != SW_NO_ERROR) return sw;
    }
    return sw;
}

/* A quorum command as one extended APDU (ISO/IEC 7816-4 §5.1), on the plain basic channel. */
static uint16_t send_ext(bench *b, const blob *c)
{
    static uint8_t apdu[CMS_CAP + 16];
    size_t n = c->len + 5; /* DF 71 82 LL LL, then the CMS */
    size_t k = 0;
    apdu[k++] = 0x80;
    apdu[k++] = 0xE2;
    apdu[k++] = 0x90;
    apdu[k++] = 0x00;
    apdu[k++] = 0x00;
    apdu[k++] = (uint8_t)(n >> 8);
    apdu[k++] = (uint8_t)n;
    apdu[k++] = 0xDF;
    apdu[k++] = 0x71;
    apdu[k++] = 0x82;
    apdu[k++] = (uint8_t)(c->len >> 8);
    apdu[k++] = (uint8_t)c->len;
    memcpy(apdu + k, c->der, c->len);
    k += c->len;
    uint8_t resp[300];
    size_t rn;
    uint16_t sw = 0;
    if (gp_transmit(&b->cl, apdu, k, resp, sizeof resp, &rn, &sw) != SEAM_OK) return 0;
    return sw;
}

static uint16_t send_cmd(bench *b, const blob *c)
{
    return store_obj(b, 0xDF71, c->der, c->len, 239);
}

static void digest(bench *b, uint8_t d[32])
{
    store_digest(se_store(b->se), d);
}

/* Sends a command that must be refused with want (0: any refusal), the store unchanged. */
static void refused(bench *b, const blob *c, uint16_t want, const char *what)
{
    uint8_t d0[32], d1[32];
    digest(b, d0);
    uint16_t sw = send_cmd(b, c);
    digest(b, d1);
    if ((want && sw != want) || sw == SW_NO_ERROR || memcmp(d0, d1, 32) != 0) {
        fprintf(stderr, "  %s: SW %04X (wanted %04X), store %s\n", what, sw, want,
                memcmp(d0, d1, 32) ? "CHANGED" : "unchanged");
        check_failures++;
    }
}

static void accepted(bench *b, const blob *c, const char *what)
{
    uint16_t sw = send_cmd(b, c);
    if (sw != SW_NO_ERROR) {
        fprintf(stderr, "  %s: SW %04X, wanted 9000\n", what, sw);
        check_failures++;
    }
}

static bool anchor_payload(uint8_t *out, size_t cap, size_t *len, uint8_t k, const ent *const *r,
                           size_t n)
{
    size_t off = 0;
    if (cap < 3) return false;
    out[off++] = 0x80;
    out[off++] = 0x01;
    out[off++] = k;
    for (size_t i = 0; i < n; i++) {
        if (off + r[i]->len > cap) return false;
        memcpy(out + off, r[i]->cert, r[i]->len);
        off += r[i]->len;
    }
    *len = off;
    return true;
}

/* A fresh card with anchors (R1, R2, R3), k = 2, SECURED, the ISD selected without a session. */
static bool fresh_card(bench *b)
{
    memset(b, 0, sizeof *b);
    if (store_medium_memory(&b->m) != SEAM_OK || up(b) != SEAM_OK) return false;
    if (!isd_session(b, 0, test_key)) return false;
    uint8_t v[4096];
    size_t n;
    if (!anchor_payload(v, sizeof v, &n, 2, WHO(&R1, &R2, &R3), 3)) return false;
    uint16_t sw = store_obj(b, 0xDF70, v, n, 200);
    if (sw != SW_NO_ERROR) {
        fprintf(stderr, "  personalisation: %04X\n", sw);
        return false;
    }
    if (gp_set_card_status(&b->ses, 0x0F, &sw) != SEAM_OK || sw != SW_NO_ERROR) return false;
    return select_isd(b) == SW_NO_ERROR;
}

static void close_card(bench *b)
{
    down(b);
    store_medium_free(b->m);
    b->m = NULL;
}

/* The certificate in anchor cell `cell` (1..n) per GET DATA DF70, or 0 length. */
static size_t read_cell(bench *b, uint8_t cell, uint8_t *state, const uint8_t **cert, uint8_t *buf,
                        size_t cap)
{
    size_t n = 0;
    uint16_t sw = 0;
    *cert = NULL;
    *state = 0;
    if (gp_get_data(&b->ses, 0xDF70, buf, cap, &n, &sw) != SEAM_OK || sw != SW_NO_ERROR) return 0;
    /* DF70 82 LL LL | 80 01 k | 81 01 n | 82 08 .. | 83 08 .. | A0 .. */
    size_t off = 2;
    if (off >= n) return 0;
    off += buf[off] == 0x82 ? 3 : buf[off] == 0x81 ? 2 : 1;
    off += 3 + 3 + 10 + 10;
    while (off + 2 <= n) {
        if (buf[off] != 0xA0) return 0;
        size_t l = buf[off + 1], h = 2;
        if (l == 0x81) {
            l = buf[off + 2];
            h = 3;
        } else if (l == 0x82) {
            l = (size_t)buf[off + 2] << 8 | buf[off + 3];
            h = 4;
        }
        const uint8_t *v = buf + off + h;
        if (v[2] == cell) {
            *state = v[5];
            *cert = l > 6 ? v + 6 : NULL;
            return l > 6 ? l - 6 : 0;
        }
        off += h + l;
    }
    return 0;
}

static bool cell_is(bench *b, uint8_t cell, const ent *root)
{
    static uint8_t buf[12000];
    uint8_t st;
    const uint8_t *c;
    size_t n = read_cell(b, cell, &st, &c, buf, sizeof buf);
    return st == 1 && n == root->len && memcmp(c, root->cert, n) == 0;
}

/* ---- tests ---- */

static void test_personalisation(void)
{
    bench b;
    memset(&b, 0, sizeof b);
    REQUIRE(store_medium_memory(&b.m) == SEAM_OK && up(&b) == SEAM_OK);
    uint8_t v[6000];
    size_t n;
    /* without a session: refused */
    REQUIRE(select_isd(&b) == SW_NO_ERROR);
    REQUIRE(anchor_payload(v, sizeof v, &n, 2, WHO(&R1, &R2, &R3), 3));
    CHECK_EQ(store_obj(&b, 0xDF70, v, n, 239), SW_SECURITY_STATUS_NOT_SATISFIED);
    REQUIRE(isd_session(&b, 0, test_key));
    /* too few roots, k out of range, a root twice, an organisation certificate as a root */
    REQUIRE(anchor_payload(v, sizeof v, &n, 2, WHO(&R1, &R2), 2));
    CHECK_EQ(store_obj(&b, 0xDF70, v, n, 200), SW_WRONG_DATA);
    REQUIRE(anchor_payload(v, sizeof v, &n, 1, WHO(&R1, &R2, &R3), 3));
    CHECK_EQ(store_obj(&b, 0xDF70, v, n, 200), SW_WRONG_DATA);
    REQUIRE(anchor_payload(v, sizeof v, &n, 4, WHO(&R1, &R2, &R3), 3));
    CHECK_EQ(store_obj(&b, 0xDF70, v, n, 200), SW_WRONG_DATA);
    REQUIRE(anchor_payload(v, sizeof v, &n, 2, WHO(&R1, &R2, &R1), 3));
    CHECK_EQ(store_obj(&b, 0xDF70, v, n, 200), SW_WRONG_DATA);
    REQUIRE(anchor_payload(v, sizeof v, &n, 2, WHO(&R1, &R2, &O3), 3));
    CHECK_EQ(store_obj(&b, 0xDF70, v, n, 200), SW_WRONG_DATA);
    /* no anchors yet: a quorum command is refused */
    blob c;
    REQUIRE(ATTEST(&c, &O2, &O3));
    /* the good one, in blocks of 200 through the secure channel */
    REQUIRE(anchor_payload(v, sizeof v, &n, 2, WHO(&R1, &R2, &R3), 3));
    CHECK_EQ(store_obj(&b, 0xDF70, v, n, 200), SW_NO_ERROR);
    CHECK(cell_is(&b, 1, &R1) && cell_is(&b, 2, &R2) && cell_is(&b, 3, &R3));
    uint16_t sw;
    REQUIRE(gp_set_card_status(&b.ses, 0x0F, &sw) == SEAM_OK && sw == SW_NO_ERROR);
    /* SECURED: the authenticated session can no longer change the anchors */
    REQUIRE(anchor_payload(v, sizeof v, &n, 2, WHO(&R1n, &R2, &R3), 3));
    CHECK_EQ(store_obj(&b, 0xDF70, v, n, 200), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    CHECK(cell_is(&b, 1, &R1));
    close_card(&b);
}

static void test_drill(void)
{
    bench b;
    REQUIRE(fresh_card(&b));
    blob c, early, replacement;
    /* signed now, used only after the replacement: the floor must stop it */
    REQUIRE(ATTEST(&early, &O2, &O3));

    /* root 1 alone: one organisation, two organisations, twice the same */
    REQUIRE(ATTEST(&c, &O1a));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "root 1 alone");
    REQUIRE(ATTEST(&c, &O1a, &O1b));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "two root-1 organisations");
    REQUIRE(replace(&c, 2, &Rx, WHO(&O1a, &O1b), 2));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "root 1 replacing root 2");
    CHECK(cell_is(&b, 2, &R2));

    /* roots 2 and 3 replace root 1 (R2's organisation through an issuing CA) */
    REQUIRE(replace(&replacement, 1, &R1n, WHO(&O2, &O3), 2));
    CHECK_EQ(send_ext(&b, &replacement), SW_NO_ERROR);
    CHECK(cell_is(&b, 1, &R1n));

    /* old root 1: alone, as one of two, as one of three */
    REQUIRE(ATTEST(&c, &O1a, &O2));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "old root 1 + root 2");
    REQUIRE(ATTEST(&c, &O3, &O1b, &O2));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "old root 1 among three");
    REQUIRE(replace(&c, 1, &R1, WHO(&O1a, &O1b), 2));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "old root 1 putting itself back");
    /* the new root works */
    REQUIRE(ATTEST(&c, &O1n, &O2));
    accepted(&b, &c, "root 1' + root 2");
    /* replay of that one, of the replacement; a command signed before the replacement */
    refused(&b, &c, SW_CONDITIONS_OF_USE_NOT_SATISFIED, "replay");
    refused(&b, &replacement, SW_CONDITIONS_OF_USE_NOT_SATISFIED, "replayed replacement");
    refused(&b, &early, SW_CONDITIONS_OF_USE_NOT_SATISFIED, "signed before the change (floor)");
    close_card(&b);
}

static void test_counting(void)
{
    bench b;
    REQUIRE(fresh_card(&b));
    blob c;
    /* the same signer twice counts once; two organisations under root 2 count once */
    REQUIRE(ATTEST(&c, &O2, &O2));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "duplicate signer");
    REQUIRE(ATTEST(&c, &O2, &O2b));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "two signers under root 2");
    /* keyAgreement organisation instead of digitalSignature */
    REQUIRE(ATTEST(&c, &Oka, &O2));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "keyAgreement signer");
    /* a chain of 9 certificates below the anchor */
    REQUIRE(ATTEST(&c, &Odeep, &O2));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "chain too long");
    /* the originator must be one of the signers */
    cms_trust_cmd t = {.op = CMS_TRUST_OP_ATTEST,
                       .originator = O1a.ski,
                       .originator_len = O1a.ski_len,
                       .counter = next_counter++};
    REQUIRE(sign_ex(&c, &t, WHO(&O2, &O3), 2, 0));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "originator not a signer");
    /* issuerAndSerialNumber signer identifiers (SignerInfo v1) work too */
    t.originator = O2.ski;
    t.originator_len = O2.ski_len;
    t.counter = next_counter++;
    REQUIRE(sign_ex(&c, &t, WHO(&O2, &O3), 2, CMS_BUILD_ISSUER_SERIAL));
    accepted(&b, &c, "issuerAndSerialNumber");
    /* no signed attributes */
    t.counter = next_counter++;
    REQUIRE(sign_ex(&c, &t, WHO(&O2, &O3), 2, CMS_BUILD_NO_ATTRS));
    refused(&b, &c, SW_WRONG_DATA, "no signed attributes");
    /* bound to another card */
    static const uint8_t other_cin[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    t.counter = next_counter++;
    t.card = other_cin;
    t.card_len = sizeof other_cin;
    REQUIRE(sign_ex(&c, &t, WHO(&O2, &O3), 2, 0));
    refused(&b, &c, SW_CONDITIONS_OF_USE_NOT_SATISFIED, "another card's command");
    /* an independent check: OpenSSL's CMS_verify accepts what the card accepts */
    REQUIRE(ATTEST(&c, &O2, &O3));
    const uint8_t *roots[3] = {R1.cert, R2.cert, R3.cert};
    size_t rl[3] = {R1.len, R2.len, R3.len};
    CHECK(cms_openssl_verify(c.der, c.len, roots, rl, 3) == SEAM_OK);
    accepted(&b, &c, "the attest OpenSSL verified");
    close_card(&b);
}

/* Finds needle in the blob; -1 if absent. */
static long find(const blob *c, const uint8_t *needle, size_t n)
{
    for (size_t i = 0; i + n <= c->len; i++)
        if (!memcmp(c->der + i, needle, n)) return (long)i;
    return -1;
}

static void test_malformed(void)
{
    bench b;
    REQUIRE(fresh_card(&b));
    blob good, c;
    REQUIRE(ATTEST(&good, &O2, &O3));
    /* wrong content type: eContentType id-data (…07 01) becomes …07 05 */
    static const uint8_t id_data[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                      0xf7, 0x0d, 0x01, 0x07, 0x01};
    c = good;
    long at = find(&c, id_data, sizeof id_data);
    REQUIRE(at > 0);
    c.der[at + sizeof id_data - 1] = 0x05;
    refused(&b, &c, SW_WRONG_DATA, "eContentType not id-data");
    /* messageDigest mismatch: the counter inside the content changed after signing */
    c = good;
    static const uint8_t ctr_tag[] = {0x82, 0x08};
    at = find(&c, ctr_tag, sizeof ctr_tag);
    REQUIRE(at > 0);
    c.der[at + 9] ^= 0x01;
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "messageDigest mismatch");
    /* every truncation */
    for (size_t n = 0; n < good.len; n++) {
        uint8_t d0[32], d1[32];
        digest(&b, d0);
        uint16_t sw = store_obj(&b, 0xDF71, good.der, n, 239);
        digest(&b, d1);
        if (n == 0 ? false : (sw == SW_NO_ERROR || memcmp(d0, d1, 32))) {
            fprintf(stderr, "  truncation at %zu: %04X\n", n, sw);
            check_failures++;
            break;
        }
    }
    /* a flipped bit in every byte (bit i mod 8 of byte i) */
    unsigned bad = 0;
    for (size_t i = 0; i < good.len && bad < 3; i++) {
        c = good;
        c.der[i] ^= (uint8_t)(1u << (i % 8));
        uint8_t d0[32], d1[32];
        digest(&b, d0);
        uint16_t sw = send_cmd(&b, &c);
        digest(&b, d1);
        if (sw == SW_NO_ERROR || memcmp(d0, d1, 32)) {
            fprintf(stderr, "  bit flip at byte %zu accepted (%04X)\n", i, sw);
            bad++;
            check_failures++;
        }
    }
    /* and the good one still works: nothing above consumed its counter */
    accepted(&b, &good, "the unmodified command");
    close_card(&b);
}

static void test_revoke_and_k(void)
{
    bench b;
    REQUIRE(fresh_card(&b));
    blob c;
    cms_trust_cmd t = {.op = CMS_TRUST_OP_REVOKE_ANCHOR,
                       .originator = O2.ski,
                       .originator_len = O2.ski_len,
                       .cell = 3};
    /* raise k to 3 first: then revoking any anchor would leave fewer than k */
    cms_trust_cmd k3 = {.op = CMS_TRUST_OP_SET_K,
                        .originator = O2.ski,
                        .originator_len = O2.ski_len,
                        .counter = next_counter++,
                        .k = 3};
    REQUIRE(sign_ex(&c, &k3, WHO(&O2, &O3), 2, 0));
    accepted(&b, &c, "set k = 3");
    REQUIRE(ATTEST(&c, &O2, &O3));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "two roots when k = 3");
    t.counter = next_counter++;
    REQUIRE(sign_ex(&c, &t, WHO(&O1a, &O2, &O3), 3, 0));
    refused(&b, &c, SW_CONDITIONS_OF_USE_NOT_SATISFIED, "revoke below k");
    k3.k = 2;
    k3.counter = next_counter++;
    REQUIRE(sign_ex(&c, &k3, WHO(&O1a, &O2, &O3), 3, 0));
    accepted(&b, &c, "set k = 2");
    k3.k = 4;
    k3.counter = next_counter++;
    REQUIRE(sign_ex(&c, &k3, WHO(&O1a, &O2, &O3), 3, 0));
    refused(&b, &c, SW_WRONG_DATA, "k = 4 with 3 anchors");
    /* revoke anchor 3: then root 3 counts for nothing */
    t.counter = next_counter++;
    REQUIRE(sign_ex(&c, &t, WHO(&O1a, &O2), 2, 0));
    accepted(&b, &c, "revoke anchor 3");
    REQUIRE(ATTEST(&c, &O2, &O3));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "signer under the revoked anchor");
    REQUIRE(ATTEST(&c, &O1a, &O2));
    accepted(&b, &c, "roots 1 and 2 after the revocation");
    /* revoking a second one would leave 1 < k */
    t.cell = 1;
    t.counter = next_counter++;
    REQUIRE(sign_ex(&c, &t, WHO(&O1a, &O2), 2, 0));
    refused(&b, &c, SW_CONDITIONS_OF_USE_NOT_SATISFIED, "revoke to fewer than k");
    /* a revoked cell can be filled again */
    REQUIRE(replace(&c, 3, &R1n, WHO(&O1a, &O2), 2));
    accepted(&b, &c, "new root in the revoked cell");
    /* but a root already in another cell cannot be installed twice */
    REQUIRE(replace(&c, 3, &R2, WHO(&O1a, &O2), 2));
    refused(&b, &c, SW_WRONG_DATA, "root 2 in two cells");
    close_card(&b);
}

static void test_replace_keys(void)
{
    bench b;
    REQUIRE(fresh_card(&b));
    uint8_t k30[16];
    for (int i = 0; i < 16; i++)
        k30[i] = (uint8_t)(0xA0 + i);
    gp_keys nk;
    gp_keys_set(&nk, k30, k30, k30, 16, 0x30);
    uint8_t kd[128];
    size_t kdl;
    REQUIRE(gp_put_key_data(&nk, test_key, 16, kd, sizeof kd, &kdl) == SEAM_OK);
    cms_trust_cmd t = {.op = CMS_TRUST_OP_REPLACE_KEYS,
                       .originator = O3.ski,
                       .originator_len = O3.ski_len,
                       .counter = next_counter++,
                       .old_kvn = 0xFF,
                       .key_data = kd,
                       .key_data_len = kdl};
    blob c;
    REQUIRE(sign_ex(&c, &t, WHO(&O3), 1, 0));
    refused(&b, &c, SW_SECURITY_STATUS_NOT_SATISFIED, "keys by one root");
    t.counter = next_counter++;
    kd[5] ^= 1; /* a corrupted key: the KCV does not match */
    REQUIRE(sign_ex(&c, &t, WHO(&O3, &O2), 2, 0));
    refused(&b, &c, SW_WRONG_DATA, "keys with a bad KCV");
    kd[5] ^= 1;
    t.counter = next_counter++;
    REQUIRE(sign_ex(&c, &t, WHO(&O3, &O2), 2, 0));
    accepted(&b, &c, "ISD keys replaced by roots 2 and 3");
    CHECK(!isd_session(&b, 0xFF, test_key));
    CHECK(isd_session(&b, 0x30, k30));
    /* and not by a session: the holder of the ISD's SCP03 keys (or a thief of them) can neither
     * replace, add nor delete a key set of the SECURED card, nor generate an SCP11 key pair */
    uint8_t k31[16];
    for (int i = 0; i < 16; i++) k31[i] = (uint8_t)(0xC0 + i);
    gp_keys nk2;
    gp_keys_set(&nk2, k31, k31, k31, 16, 0x31);
    uint16_t sw = 0;
    uint8_t before[32], after[32];
    REQUIRE(store_digest(se_store(b.se), before) == SEAM_OK);
    CHECK(gp_put_key_aes(&b.ses, &nk2, 0x30, &sw) == SEAM_OK);
    CHECK_EQ(sw, SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK(gp_put_key_aes(&b.ses, &nk2, 0, &sw) == SEAM_OK);
    CHECK_EQ(sw, SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK(gp_delete_key(&b.ses, 0x30, 0, &sw) == SEAM_OK);
    CHECK_EQ(sw, SW_SECURITY_STATUS_NOT_SATISFIED);
    uint8_t pub[65];
    CHECK(gp_generate_ec_key(&b.ses, 0x11, 0x01, 0, pub, &sw) == SEAM_OK);
    CHECK_EQ(sw, SW_SECURITY_STATUS_NOT_SATISFIED);
    REQUIRE(store_digest(se_store(b.se), after) == SEAM_OK);
    CHECK_MEM(before, after, 32);
    gp_keys_wipe(&nk2);
    gp_keys_wipe(&nk);
    close_card(&b);
}

/* ---- the tear test ---- */

static blob tear_cmd, tear_check_old, tear_check_new;

/* personalise, secure, replace root 1: the writes that are cut */
static seam_err tear_workload(bench *b)
{
    if (!isd_session(b, 0, test_key)) return SEAM_E_PROTOCOL;
    uint8_t v[4096];
    size_t n;
    if (!anchor_payload(v, sizeof v, &n, 2, WHO(&R1, &R2, &R3), 3)) return SEAM_E_ARG;
    if (store_obj(b, 0xDF70, v, n, 200) != SW_NO_ERROR) return SEAM_E_PROTOCOL;
    uint16_t sw;
    if (gp_set_card_status(&b->ses, 0x0F, &sw) != SEAM_OK || sw != SW_NO_ERROR)
        return SEAM_E_PROTOCOL;
    if (select_isd(b) != SW_NO_ERROR) return SEAM_E_PROTOCOL;
    if (send_cmd(b, &tear_cmd) != SW_NO_ERROR) return SEAM_E_PROTOCOL;
    /* one more update after the replacement, so that some cut falls after its commit */
    return send_cmd(b, &tear_check_new) == SW_NO_ERROR ? SEAM_OK : SEAM_E_PROTOCOL;
}

static void test_tear(void)
{
    REQUIRE(replace(&tear_cmd, 1, &R1n, WHO(&O2, &O3), 2));
    REQUIRE(ATTEST(&tear_check_old, &O1a, &O2));
    REQUIRE(ATTEST(&tear_check_new, &O1n, &O2));
    static uint8_t ref[MAX_STATES][32];
    bench b;
    memset(&b, 0, sizeof b);
    REQUIRE(store_medium_memory(&b.m) == SEAM_OK && up(&b) == SEAM_OK);
    nstates = 0;
    digest(&b, states[nstates++]);
    store_set_commit_hook(se_store(b.se), hook, NULL);
    unsigned long w0 = store_medium_writes(b.m);
    REQUIRE(tear_workload(&b) == SEAM_OK);
    unsigned long w = store_medium_writes(b.m);
    size_t ref_n = nstates;
    memcpy(ref, states, sizeof states[0] * ref_n);
    close_card(&b);
    fprintf(stderr, "  reference: %lu writes after power-up, %zu durable states\n", w - w0, ref_n);
    REQUIRE(ref_n >= 4 && ref_n < MAX_STATES);

    unsigned long failures = 0, old_set = 0, new_set = 0;
    for (unsigned long cut = 1; cut <= w && failures < 5; cut++) {
        memset(&b, 0, sizeof b);
        store_medium_memory(&b.m);
        store_medium_set_tear(b.m, cut);
        nstates = 0;
        if (up(&b) == SEAM_OK) {
            digest(&b, states[nstates++]);
            store_set_commit_hook(se_store(b.se), hook, NULL);
            tear_workload(&b);
        }
        down(&b);
        if (!store_medium_torn(b.m)) {
            fprintf(stderr, "  cut %lu: never fired\n", cut);
            failures++;
            close_card(&b);
            continue;
        }
        size_t k = nstates;
        store_medium_power_cycle(b.m);
        nstates = 0;
        if (up(&b) != SEAM_OK) {
            fprintf(stderr, "  cut %lu: power-up failed\n", cut);
            failures++;
            close_card(&b);
            continue;
        }
        uint8_t d[32];
        digest(&b, d);
        bool ok = k == 0 ? !memcmp(d, ref[0], 32)
                         : !memcmp(d, ref[k - 1], 32) || (k < ref_n && !memcmp(d, ref[k], 32));
        if (!ok) {
            fprintf(stderr, "  cut %lu: neither state %zu nor the next\n", cut, k ? k - 1 : 0);
            failures++;
        }
        /* the anchors are the old set, the new set, or (before personalisation) none */
        select_isd(&b);
        bool is_old = cell_is(&b, 1, &R1), is_new = cell_is(&b, 1, &R1n);
        bool two_three = cell_is(&b, 2, &R2) && cell_is(&b, 3, &R3);
        if (is_old || is_new) {
            if (!two_three) {
                fprintf(stderr, "  cut %lu: a mixed anchor set\n", cut);
                failures++;
            }
            /* and it works: the set's own root 1 is honoured */
            uint16_t sw = send_cmd(&b, is_new ? &tear_check_new : &tear_check_old);
            if (sw != SW_NO_ERROR) {
                fprintf(stderr, "  cut %lu: the %s set does not work (%04X)\n", cut,
                        is_new ? "new" : "old", sw);
                failures++;
            }
            is_new ? new_set++ : old_set++;
        }
        close_card(&b);
    }
    CHECK_EQ(failures, 0);
    CHECK(old_set > 0 && new_set > 0);
    fprintf(stderr, "  %lu cuts: %lu with the old anchors, %lu with the new\n", w, old_set,
            new_set);
}

int main(void)
{
    if (!make_pki()) {
        fprintf(stderr, "cannot make the PKI\n");
        return 1;
    }
    RUN(test_personalisation);
    RUN(test_drill);
    RUN(test_counting);
    RUN(test_malformed);
    RUN(test_revoke_and_k);
    RUN(test_replace_keys);
    RUN(test_tear);
    return check_summary();
}
