/*
 * SCP11 on the host (src/host/gp_scp11.c, src/host/gp_script.c, src/crypto/keyfile.c) against
 * an in-process SE: SCP11a, SCP11b and SCP11c sessions at every level SCP11 has (01, 03, 11,
 * 33) through the ordinary gp_session commands; the SD's certificate read from the card (GET
 * DATA BF21) and checked against its CA; PUT KEY over SCP11 (S-DEK); the refusals (unknown CA,
 * wrong key usage, expired certificate, wrong receipt, wrong OCE key, OCE chain from another
 * CA); and an SCP11c off-line script built without the card, replayed to it and checked.
 *
 * The PKI is made at run time with keyfile.c's test support (kf_cert_make): CA-KLOC and the
 * OCE's ECKA certificate, a card CA and the SD's ECKA certificates. The card is personalised
 * the Amendment F way over SCP03 with the test keys (PUT KEY of ECC keys, STORE DATA BF21).
 * Known-answer tests of the shared cryptography are in test_scp11.c / test_isd_scp11.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "seam/gpclient.h"
#include "seam/keyfile.h"
#include "seam/scp11.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/x509.h"

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

/* ---- the PKI ---- */
typedef struct {
    uint8_t sk[32], pk[65];
    uint8_t cert[1024];
    size_t cert_len;
} ident;

static ident kloc, oce, card_ca, evil_ca, sd[3], oce_evil;
static uint8_t cert_ku[1024], cert_expired[1024], cert_evil[1024];
static size_t cert_ku_len, cert_expired_len, cert_evil_len;
static int64_t now;

enum { SD_A, SD_B, SD_C };
static const uint8_t sd_kid[3] = {GP_SCP11_KID_A, GP_SCP11_KID_B, GP_SCP11_KID_C};
static const uint8_t sd_kvn[3] = {0x03, 0x01, 0x03};
static const uint8_t sd_variant[3] = {SCP11_VARIANT_A, SCP11_VARIANT_B, SCP11_VARIANT_C};
#define CA_KVN 0x03

static void keygen(ident *id)
{
    REQUIRE(cr_p256_keygen(id->sk, id->pk) == SEAM_OK);
}

static seam_err issue(const char *cn, const uint8_t *pub, const ident *issuer, bool ca, uint16_t ku,
                      int64_t nb, int64_t na, uint8_t *out, size_t *len)
{
    static long serial = 1;
    kf_cert_spec sp = {cn,
                       pub,
                       issuer && issuer->cert_len ? issuer->cert : NULL,
                       issuer ? issuer->cert_len : 0,
                       issuer->sk,
                       nb,
                       na,
                       ku,
                       ca,
                       serial++};
    return kf_cert_make(&sp, out, 1024, len);
}

static void make_pki(void)
{
    now = (int64_t)time(NULL);
    int64_t nb = now - 3600, na = now + 10 * 365 * 86400LL;
    ident *roots[] = {&kloc, &card_ca, &evil_ca};
    const char *names[] = {"CA-KLOC", "Card CA", "Evil CA"};
    for (int i = 0; i < 3; i++) {
        keygen(roots[i]);
        roots[i]->cert_len = 0;
        REQUIRE(issue(names[i], roots[i]->pk, roots[i], true,
                      X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN, nb, na, roots[i]->cert,
                      &roots[i]->cert_len) == SEAM_OK);
    }
    keygen(&oce);
    REQUIRE(issue("OCE", oce.pk, &kloc, false, X509_KU_KEY_AGREEMENT, nb, na, oce.cert,
                  &oce.cert_len) == SEAM_OK);
    oce_evil = oce;
    REQUIRE(issue("OCE", oce.pk, &evil_ca, false, X509_KU_KEY_AGREEMENT, nb, na, oce_evil.cert,
                  &oce_evil.cert_len) == SEAM_OK);
    for (int i = 0; i < 3; i++) {
        keygen(&sd[i]);
        REQUIRE(issue("SD", sd[i].pk, &card_ca, false, X509_KU_KEY_AGREEMENT, nb, na, sd[i].cert,
                      &sd[i].cert_len) == SEAM_OK);
    }
    REQUIRE(issue("SD", sd[SD_B].pk, &card_ca, false,
                  X509_KU_KEY_AGREEMENT | X509_KU_DIGITAL_SIGNATURE, nb, na, cert_ku,
                  &cert_ku_len) == SEAM_OK);
    REQUIRE(issue("SD", sd[SD_B].pk, &card_ca, false, X509_KU_KEY_AGREEMENT, now - 7200, now - 3600,
                  cert_expired, &cert_expired_len) == SEAM_OK);
    REQUIRE(issue("SD", sd[SD_B].pk, &evil_ca, false, X509_KU_KEY_AGREEMENT, nb, na, cert_evil,
                  &cert_evil_len) == SEAM_OK);
}

/* ---- the card ---- */
static store_medium *med;
static se *card;
static seam_card *hc;
static gp_client cl;
static bool corrupt_receipt;

static seam_err tx(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                   size_t *resp_len)
{
    (void)ctx;
    seam_err e = se_transmit(card, cmd, len, resp, cap, resp_len);
    /* a flipped receipt byte in the answer to INTERNAL / MUTUAL AUTHENTICATE */
    if (e == SEAM_OK && corrupt_receipt && len > 2 &&
        (cmd[1] == SCP11_INS_MUTUAL_AUTHENTICATE || cmd[1] == SCP11_INS_INTERNAL_AUTHENTICATE) &&
        *resp_len == SCP11_RESP_DATA_LEN + 2)
        resp[*resp_len - 3] ^= 0x01;
    return e;
}

static seam_err rst(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len)
{
    (void)ctx;
    return se_reset(card, atr, cap, atr_len);
}

static void select_isd(void)
{
    uint8_t fci[256];
    size_t n;
    uint16_t sw = 0;
    CHECK_EQ(gp_select(&cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, fci, sizeof fci, &n, &sw),
             SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
}

static void open_scp03(gp_session *s, uint8_t kvn, const uint8_t *key, size_t klen)
{
    gp_keys k;
    gp_keys_set(&k, key, key, key, klen, kvn);
    uint16_t sw = 0;
    CHECK_EQ(gp_session_open(s, &cl, &k, 0x33, NULL, 8, &sw), SEAM_OK);
    gp_keys_wipe(&k);
}

/* A fresh card with CA-KLOC, the three SD key pairs and SD B's certificate in BF21. */
static void personalise(void)
{
    if (hc) card_close(hc);
    if (card) se_close(card);
    if (med) store_medium_free(med);
    hc = NULL;
    card = NULL;
    REQUIRE(store_medium_memory(&med) == SEAM_OK);
    char msg[128];
    se_config cfg = {.medium = med, .quiet = true};
    REQUIRE(se_open(&card, &cfg, msg, sizeof msg) == SEAM_OK);
    seam_card_fns fns = {tx, rst, NULL};
    REQUIRE(card_open_fns(&hc, &fns) == SEAM_OK);
    memset(&cl, 0, sizeof cl);
    cl.card = hc;
    select_isd();
    gp_session s;
    open_scp03(&s, 0, test_key, 16);
    REQUIRE(s.open);
    uint16_t sw = 0;
    CHECK_EQ(gp_put_key_ecc(&s, GP_SCP11_KID_CA_KLOC, CA_KVN, 0, NULL, kloc.pk, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(gp_put_key_ecc(&s, sd_kid[i], sd_kvn[i], 0, sd[i].sk, sd[i].pk, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);
    }
    const uint8_t *c[] = {sd[SD_B].cert};
    size_t l[] = {sd[SD_B].cert_len};
    CHECK_EQ(gp_store_certs(&s, GP_SCP11_KID_B, sd_kvn[SD_B], c, l, 1, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    gp_session_close(&s);
}

static gp_scp11_opts opts_for(int which, uint8_t level)
{
    static const uint8_t *certs[1];
    static size_t lens[1];
    certs[0] = oce.cert;
    lens[0] = oce.cert_len;
    gp_scp11_opts o;
    memset(&o, 0, sizeof o);
    o.variant = sd_variant[which];
    o.kvn = sd_kvn[which];
    o.level = level;
    o.pk_sd = sd[which].pk;
    if (which != SD_B) {
        o.sk_oce = oce.sk;
        o.oce_certs = certs;
        o.oce_lens = lens;
        o.n_oce = 1;
        o.ca_kvn = CA_KVN;
    }
    return o;
}

/* ---- round trips ---- */
static void test_round_trips(void)
{
    personalise();
    static const uint8_t levels[] = {0x01, 0x03, 0x11, 0x33};
    for (int which = 0; which < 3; which++)
        for (size_t li = 0; li < sizeof levels; li++) {
            select_isd();
            gp_session s;
            gp_scp11_opts o = opts_for(which, levels[li]);
            uint16_t sw = 0;
            seam_err e = gp_session_open_scp11(&s, &cl, &o, &sw);
            if (e != SEAM_OK)
                fprintf(stderr, "variant %d level %02X: %s sw %04X\n", which, levels[li],
                        seam_strerror(e), sw);
            CHECK_EQ(e, SEAM_OK);
            CHECK(s.open && s.scp_id == SCP11_ID && s.scp11_variant == sd_variant[which]);
            CHECK_EQ(s.scp.level, levels[li]);
            gp_status_entry st[4];
            size_t n = 0;
            CHECK_EQ(gp_get_status(&s, GP_STATUS_ISD, st, 4, &n, &sw), SEAM_OK);
            CHECK_EQ(sw, SW_NO_ERROR);
            CHECK_EQ(n, 1u);
            uint8_t d[512];
            size_t dl = 0;
            CHECK_EQ(gp_get_data(&s, GP_TAG_KEY_INFO, d, sizeof d, &dl, &sw), SEAM_OK);
            CHECK_EQ(sw, SW_NO_ERROR);
            gp_session_close(&s);
            CHECK(!s.open);
        }

    /* PUT KEY of an AES key set over SCP11a (encrypted under S-DEK), then SCP03 with it */
    select_isd();
    gp_session s;
    gp_scp11_opts o = opts_for(SD_A, 0x33);
    uint16_t sw = 0;
    REQUIRE(gp_session_open_scp11(&s, &cl, &o, &sw) == SEAM_OK);
    static const uint8_t nk[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    gp_keys k;
    gp_keys_set(&k, nk, nk, nk, 16, 0x30);
    CHECK_EQ(gp_put_key_aes(&s, &k, 0, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    gp_session_close(&s);
    select_isd();
    open_scp03(&s, 0x30, nk, 16);
    CHECK(s.open);
    gp_session_close(&s);
}

/* The SD's certificate from the card, checked against the card CA, then SCP11b with it. */
static void test_cert_from_card(void)
{
    personalise();
    select_isd();
    gp_session plain;
    gp_session_plain(&plain, &cl);
    uint8_t cstore[2048];
    size_t n = 0;
    uint16_t sw = 0;
    CHECK_EQ(
        gp_get_cert_store(&plain, GP_SCP11_KID_B, sd_kvn[SD_B], cstore, sizeof cstore, &n, &sw),
        SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    const uint8_t *certs[4];
    size_t lens[4], count = 0;
    CHECK_EQ(gp_split_certs(cstore, n, certs, lens, 4, &count), SEAM_OK);
    CHECK_EQ(count, 1u);
    uint8_t pub[65];
    char why[128];
    CHECK_EQ(gp_scp11_check_chain(card_ca.cert, card_ca.cert_len, certs, lens, count, now, pub, why,
                                  sizeof why),
             SEAM_OK);
    CHECK_MEM(pub, sd[SD_B].pk, 65);
    gp_scp11_opts o = opts_for(SD_B, 0x33);
    o.pk_sd = pub;
    gp_session s;
    CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_OK);
    gp_session_close(&s);

    /* a key with no stored chain: 6A88 (SELECT first: it ends the card's side of the session) */
    select_isd();
    CHECK_EQ(
        gp_get_cert_store(&plain, GP_SCP11_KID_A, sd_kvn[SD_A], cstore, sizeof cstore, &n, &sw),
        SEAM_OK);
    CHECK_EQ(sw, SW_REFERENCED_DATA_NOT_FOUND);
    /* the CA's own certificate ahead of the chain, or leaf first with an intermediate: fine */
    const uint8_t *two[2] = {card_ca.cert, sd[SD_B].cert};
    size_t two_len[2] = {card_ca.cert_len, sd[SD_B].cert_len};
    CHECK_EQ(
        gp_scp11_check_chain(card_ca.cert, card_ca.cert_len, two, two_len, 2, now, pub, NULL, 0),
        SEAM_OK);
}

/* ---- keyfile ---- */
static void test_keyfile(void)
{
    char pem[4096];
    size_t pl = 0;
    uint8_t k[32], p[65];
    for (int sec1 = 0; sec1 < 2; sec1++) {
        CHECK_EQ(kf_privkey_pem(oce.sk, sec1, pem, sizeof pem, &pl), SEAM_OK);
        CHECK(strstr(pem, sec1 ? "BEGIN EC PRIVATE KEY" : "BEGIN PRIVATE KEY") != NULL);
        CHECK_EQ(kf_privkey_parse((const uint8_t *)pem, pl, k, p, NULL, 0), SEAM_OK);
        CHECK_MEM(k, oce.sk, 32);
        CHECK_MEM(p, oce.pk, 65);
    }
    /* certificates: PEM (two blocks) and DER */
    kf_certs set;
    memset(&set, 0, sizeof set);
    char two[4096];
    size_t a = 0, b = 0;
    CHECK_EQ(kf_cert_pem(kloc.cert, kloc.cert_len, two, sizeof two, &a), SEAM_OK);
    CHECK_EQ(kf_cert_pem(oce.cert, oce.cert_len, two + a, sizeof two - a, &b), SEAM_OK);
    CHECK_EQ(kf_certs_parse((const uint8_t *)two, a + b, &set, NULL, 0), SEAM_OK);
    CHECK_EQ(kf_certs_parse(oce.cert, oce.cert_len, &set, NULL, 0), SEAM_OK);
    CHECK_EQ(set.n, 3u);
    CHECK(set.len[0] == kloc.cert_len && !memcmp(set.buf + set.off[0], kloc.cert, kloc.cert_len));
    CHECK(set.len[2] == oce.cert_len && !memcmp(set.buf + set.off[2], oce.cert, oce.cert_len));
    /* refusals: a certificate as a key, a key as a certificate, garbage, truncated PEM */
    char err[128];
    CHECK_EQ(kf_privkey_parse((const uint8_t *)two, a, k, NULL, err, sizeof err), SEAM_E_FORMAT);
    CHECK_EQ(kf_privkey_parse(oce.cert, oce.cert_len, k, NULL, err, sizeof err), SEAM_E_FORMAT);
    memset(&set, 0, sizeof set);
    CHECK_EQ(kf_certs_parse((const uint8_t *)pem, pl, &set, err, sizeof err), SEAM_E_FORMAT);
    CHECK_EQ(kf_certs_parse((const uint8_t *)"hello", 5, &set, err, sizeof err), SEAM_E_FORMAT);
    CHECK_EQ(kf_privkey_parse((const uint8_t *)pem, pl / 2, k, NULL, err, sizeof err),
             SEAM_E_FORMAT);
    CHECK_EQ(kf_certs_read("/nonexistent/x.pem", &set, err, sizeof err), SEAM_E_IO);
    /* split: garbage and a truncated certificate */
    const uint8_t *c[2];
    size_t l[2], n;
    CHECK_EQ(gp_split_certs((const uint8_t *)"\x04\x01\x00", 3, c, l, 2, &n), SEAM_E_FORMAT);
    CHECK_EQ(gp_split_certs(oce.cert, oce.cert_len - 1, c, l, 2, &n), SEAM_E_FORMAT);
}

/* ---- refusals ---- */
static void test_chain_negative(void)
{
    uint8_t pub[65];
    char why[128];
    const uint8_t *c[1];
    size_t l[1];
    /* unknown CA */
    c[0] = cert_evil;
    l[0] = cert_evil_len;
    CHECK_EQ(
        gp_scp11_check_chain(card_ca.cert, card_ca.cert_len, c, l, 1, now, pub, why, sizeof why),
        SEAM_E_AUTH);
    /* keyAgreement with digitalSignature */
    c[0] = cert_ku;
    l[0] = cert_ku_len;
    CHECK_EQ(
        gp_scp11_check_chain(card_ca.cert, card_ca.cert_len, c, l, 1, now, pub, why, sizeof why),
        SEAM_E_STATE);
    /* a CA certificate (keyCertSign) as the SD's */
    c[0] = card_ca.cert;
    l[0] = card_ca.cert_len;
    CHECK(gp_scp11_check_chain(kloc.cert, kloc.cert_len, c, l, 1, now, pub, why, sizeof why) !=
          SEAM_OK);
    /* expired; accepted when time is not checked */
    c[0] = cert_expired;
    l[0] = cert_expired_len;
    CHECK_EQ(
        gp_scp11_check_chain(card_ca.cert, card_ca.cert_len, c, l, 1, now, pub, why, sizeof why),
        SEAM_E_STATE);
    CHECK_EQ(
        gp_scp11_check_chain(card_ca.cert, card_ca.cert_len, c, l, 1, -1, pub, why, sizeof why),
        SEAM_OK);
    /* a leaf as the CA */
    c[0] = sd[SD_A].cert;
    l[0] = sd[SD_A].cert_len;
    CHECK_EQ(
        gp_scp11_check_chain(sd[SD_B].cert, sd[SD_B].cert_len, c, l, 1, now, pub, why, sizeof why),
        SEAM_E_STATE);
    /* malformed DER */
    uint8_t bad[1024];
    memcpy(bad, sd[SD_A].cert, sd[SD_A].cert_len);
    bad[1] ^= 0x40;
    c[0] = bad;
    CHECK(gp_scp11_check_chain(card_ca.cert, card_ca.cert_len, c, l, 1, now, pub, why,
                               sizeof why) != SEAM_OK);
}

static void test_session_negative(void)
{
    personalise();
    gp_session s;
    uint16_t sw = 0;
    /* a flipped receipt byte: each variant */
    for (int which = 0; which < 3; which++) {
        select_isd();
        gp_scp11_opts o = opts_for(which, 0x33);
        corrupt_receipt = true;
        CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_E_AUTH);
        corrupt_receipt = false;
        CHECK(!s.open);
    }
    /* another SD's key as PK.SD: the receipt does not verify */
    select_isd();
    gp_scp11_opts o = opts_for(SD_B, 0x33);
    o.pk_sd = sd[SD_A].pk;
    CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_E_AUTH);
    /* the wrong OCE private key for the certificate sent (11a and 11c) */
    for (int which = 0; which < 3; which += 2) {
        select_isd();
        o = opts_for(which, 0x03);
        o.sk_oce = sd[SD_B].sk;
        CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_E_AUTH);
        CHECK(!s.open);
    }
    /* an OCE certificate from a CA other than CA-KLOC: PERFORM SECURITY OPERATION refused */
    select_isd();
    o = opts_for(SD_A, 0x33);
    const uint8_t *ec[1] = {oce_evil.cert};
    size_t el[1] = {oce_evil.cert_len};
    o.oce_certs = ec;
    o.oce_lens = el;
    CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_E_PROTOCOL);
    CHECK_EQ(sw, SW_SECURITY_STATUS_NOT_SATISFIED);
    /* unknown SD key version; unknown CA-KLOC version */
    select_isd();
    o = opts_for(SD_B, 0x33);
    o.kvn = 0x09;
    CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_E_PROTOCOL);
    CHECK_EQ(sw, SW_REFERENCED_DATA_NOT_FOUND);
    o = opts_for(SD_C, 0x33);
    o.ca_kvn = 0x07;
    CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_E_PROTOCOL);
    CHECK_EQ(sw, SW_REFERENCED_DATA_NOT_FOUND);
    /* levels SCP11 cannot express, missing keys */
    o = opts_for(SD_A, 0x13);
    CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_E_ARG);
    o = opts_for(SD_A, 0x00);
    CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_E_ARG);
    o = opts_for(SD_A, 0x33);
    o.sk_oce = NULL;
    CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_E_ARG);
    o = opts_for(SD_B, 0x33);
    o.sk_oce = oce.sk;
    CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_E_ARG);
    /* after all that, a good session still opens */
    select_isd();
    o = opts_for(SD_C, 0x11);
    CHECK_EQ(gp_session_open_scp11(&s, &cl, &o, &sw), SEAM_OK);
    gp_session_close(&s);
}

/* ---- SCP11c off-line script ---- */

/* Replays a script to the card as `seam apdu -` does and writes its output format to log.
 * Returns the status words in sws. */
static size_t replay(FILE *script, FILE *log, uint16_t *sws, size_t max)
{
    rewind(script);
    char line[4096];
    uint8_t cmd[2048], resp[4096];
    size_t count = 0;
    while (fgets(line, sizeof line, script)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        size_t n = 0, rl = 0;
        REQUIRE_RET(seam_hex_decode(strtok(line, "\r\n"), cmd, sizeof cmd, &n) == SEAM_OK);
        REQUIRE_RET(card_transmit_full(hc, cmd, n, resp, sizeof resp, &rl) == SEAM_OK);
        fprintf(log, "> ...\n<");
        for (size_t i = 0; i < rl; i++)
            fprintf(log, " %02X", resp[i]);
        fputc('\n', log);
        if (count < max) sws[count] = seam_be16(resp + rl - 2);
        count++;
    }
    fflush(log);
    return count;
}

static void test_offline_script(void)
{
    personalise();
    static const uint8_t nk[16] = {0xA0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    static const uint8_t levels[] = {0x01, 0x03, 0x11, 0x33};
    for (size_t li = 0; li < sizeof levels; li++) {
        uint8_t kvn = (uint8_t)(0x40 + li);
        FILE *script = tmpfile(), *log = tmpfile(), *log2 = tmpfile();
        REQUIRE(script && log && log2);
        gp_script sc;
        gp_session s;
        gp_scp11_opts o = opts_for(SD_C, levels[li]);
        CHECK_EQ(gp_script_begin(&sc, script, &s, &o), SEAM_OK);
        /* PUT KEY: the card answers the KVN and the three KCVs */
        gp_keys k;
        gp_keys_set(&k, nk, nk, nk, 16, kvn);
        uint8_t exp[10];
        exp[0] = kvn;
        for (int i = 0; i < 3; i++)
            scp03_kcv(nk, 16, exp + 1 + 3 * i);
        gp_script_expect(&sc, exp, sizeof exp, SW_NO_ERROR, true);
        uint16_t sw = 0;
        CHECK_EQ(gp_put_key_aes(&s, &k, 0, &sw), SEAM_OK);
        /* GET STATUS of the ISD: only the SW is predicted */
        gp_script_expect(&sc, NULL, 0, SW_NO_ERROR, false);
        uint8_t d[256];
        size_t dl;
        CHECK_EQ(gp_send_cmd(&s, 0x80, 0xF2, 0x80, 0x02, (const uint8_t *)"\x4F\x00", 2, true, d,
                             sizeof d, &dl, &sw),
                 SEAM_OK);
        gp_session_close(&s);
        CHECK_EQ(gp_script_end(&sc), SEAM_OK);
        fflush(script);

        /* replay it, check the answers against the script: SELECT, PSO (one command per 255
         * bytes of the certificate), MUTUAL AUTHENTICATE, PUT KEY, GET STATUS */
        size_t pso = (oce.cert_len + 254) / 255, ma = 1 + pso, put = ma + 1;
        uint16_t sws[16];
        size_t n = replay(script, log, sws, 16);
        CHECK_EQ(n, put + 2);
        rewind(script);
        rewind(log);
        unsigned checked = 0, bad = 0;
        CHECK_EQ(gp_script_check(script, log, &checked, &bad), SEAM_OK);
        CHECK_EQ(checked, (unsigned)(put + 2));
        /* the effect: the new key set opens SCP03 */
        select_isd();
        open_scp03(&s, kvn, nk, 16);
        CHECK(s.open);
        gp_session_close(&s);

        /* a second replay: the card refuses the replayed SCP11c session itself (6982: it
         * records the sessions it accepted), so nothing after it runs under a session, and
         * the check says which answers differ */
        n = replay(script, log2, sws, 16);
        CHECK_EQ(n, put + 2);
        CHECK_EQ(sws[ma], SW_SECURITY_STATUS_NOT_SATISFIED);
        CHECK(sws[put] != SW_NO_ERROR);
        rewind(script);
        rewind(log2);
        CHECK_EQ(gp_script_check(script, log2, &checked, &bad), SEAM_E_AUTH);
        CHECK_EQ(bad, (unsigned)(ma + 1)); /* the first answer that differs: the replayed MA */
        gp_keys_wipe(&k);
        fclose(script);
        fclose(log);
        fclose(log2);
    }
    /* a script for SCP11a is refused: only SCP11c can be precomputed */
    gp_script sc;
    gp_session s;
    gp_scp11_opts o = opts_for(SD_A, 0x33);
    FILE *f = tmpfile();
    CHECK_EQ(gp_script_begin(&sc, f, &s, &o), SEAM_E_ARG);
    fclose(f);
}

int main(void)
{
    make_pki();
    RUN(test_keyfile);
    RUN(test_chain_negative);
    RUN(test_round_trips);
    RUN(test_cert_from_card);
    RUN(test_session_negative);
    RUN(test_offline_script);
    if (hc) card_close(hc);
    if (card) se_close(card);
    if (med) store_medium_free(med);
    return check_summary();
}
