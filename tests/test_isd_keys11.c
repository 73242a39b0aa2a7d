/*
 * Amendment F key and certificate management on the ISD (GP CS 2.3.1 Amendment F, §11.11 STORE
 * DATA, §11.2 DELETE, §11.3 GET DATA), driven with raw APDUs under an SCP03 session (the
 * factory test key set, level 33) through the host library's gp_send:
 *   - STORE DATA of the card's certificate chain (A6 { 83 KID KVN } BF21 { certificates }) and of
 *     CA-KLOC / CA-KLCC identifiers (A6 { 80, 42 SKI, 83 }), GET DATA BF21 / FF33 / FF34, in the
 *     wire forms yubikit's SecurityDomainSession sends;
 *   - DELETE of ECC keys by KID and/or KVN, with their certificates;
 *   - GENERATE KEY (INS F1, Yubico's form) and, end to end, a host that reads the generated
 *     key's chain with GET DATA BF21, verifies it with the card's X.509 code and opens SCP11b
 *     with the leaf's key;
 *   - the refusals (status word and an unchanged store), and power cuts at every write of
 *     STORE DATA and GENERATE KEY.
 *
 * Certificates: ../shared/vectors/scp11.json (CA-KLOC's self-signed certificate and CERT.OCE.ECKA
 * that CA-KLOC issued, with their private keys). The card's SCP11b key in most cases here is the
 * vector's OCE key pair, so [CA-KLOC certificate, CERT.OCE.ECKA] is a valid chain for it; for a
 * key generated on the card the test issues a certificate itself (the OCE certificate's
 * tbsCertificate with the new public key, re-signed with SK.CA-KLOC).
 */
#include <jansson.h>

#include "check.h"
#include "se/se_int.h"
#include "seam/apdu.h"
#include "seam/crypto.h"
#include "seam/gpclient.h"
#include "seam/scp11.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/tlv.h"
#include "seam/transport.h"
#include "seam/x509.h"

static json_t *vec;
static store_medium *med;
static se *card;
static seam_card *hc;
static gp_client cl;
static gp_session gs;
static uint8_t rbuf[APDU_MAX_RESPONSE + 64];
static size_t rlen;

/* Vector material. */
static uint8_t ca_sk[32], ca_pk[65], ca_ski[20], oce_sk[32], oce_pk[65];
static uint8_t ca_cert[1024], oce_cert[1024];
static size_t ca_cert_len, oce_cert_len, ca_ski_len;
/* The chain [CA-KLOC certificate, CERT.OCE.ECKA]. */
static uint8_t chain[2048];
static size_t chain_len;

static const char *vs(const char *a, const char *b)
{
    json_t *j = json_object_get(json_object_get(vec, a), b);
    const char *s = json_string_value(j);
    if (!s) {
        fprintf(stderr, "vector %s/%s missing\n", a, b);
        abort();
    }
    return s;
}

static size_t vh(uint8_t *buf, size_t cap, const char *hex)
{
    size_t n;
    uint8_t *b = check_hex(hex, &n);
    if (n > cap) abort();
    memcpy(buf, b, n);
    free(b);
    return n;
}

static void load_vectors(void)
{
    vh(ca_sk, sizeof ca_sk, vs("ca_kloc", "sk_ca_kloc_ecdsa"));
    vh(ca_pk, sizeof ca_pk, vs("ca_kloc", "pk_ca_kloc_ecdsa"));
    ca_ski_len = vh(ca_ski, sizeof ca_ski, vs("ca_kloc", "ca_kloc_identifier_ski"));
    ca_cert_len = vh(ca_cert, sizeof ca_cert, vs("ca_kloc", "cert_ca_kloc_ecdsa_der"));
    vh(oce_sk, sizeof oce_sk, vs("oce_static", "sk_oce_ecka"));
    vh(oce_pk, sizeof oce_pk, vs("oce_static", "pk_oce_ecka"));
    oce_cert_len = vh(oce_cert, sizeof oce_cert, vs("oce_static", "cert_oce_ecka_der"));
    memcpy(chain, ca_cert, ca_cert_len);
    memcpy(chain + ca_cert_len, oce_cert, oce_cert_len);
    chain_len = ca_cert_len + oce_cert_len;
}

static seam_err glue_tx(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                        size_t *n)
{
    return se_transmit(ctx, cmd, len, resp, cap, n);
}

static seam_err glue_reset(void *ctx, uint8_t *atr, size_t cap, size_t *len)
{
    return se_reset(ctx, atr, cap, len);
}

static void power_up(void)
{
    char msg[256];
    se_config cfg = {0};
    cfg.medium = med;
    cfg.quiet = true;
    seam_err e = se_open(&card, &cfg, msg, sizeof msg);
    if (e != SEAM_OK) {
        fprintf(stderr, "se_open: %s: %s\n", seam_strerror(e), msg);
        abort();
    }
    seam_card_fns f = {glue_tx, glue_reset, card};
    if (card_open_fns(&hc, &f) != SEAM_OK) abort();
    memset(&cl, 0, sizeof cl);
    cl.card = hc;
    memset(&gs, 0, sizeof gs);
    gp_session_plain(&gs, &cl);
}

static void power_down(void)
{
    if (!card) return;
    gp_session_close(&gs);
    card_close(hc);
    se_close(card);
    card = NULL;
}

static void power_cycle(void)
{
    power_down();
    store_medium_power_cycle(med);
    power_up();
}

/* A fresh card with the vector's OCE key pair as SCP11b key 13/01 and CA-KLOC as 10/03. */
static void fresh(void)
{
    power_down();
    if (med) store_medium_free(med);
    store_medium_memory(&med);
    power_up();
    CHECK_EQ(sd_install_ec_key(card, card->isd_id, GP_KID_SCP11B, 0x01, oce_sk, NULL, NULL, 0),
             SEAM_OK);
    CHECK_EQ(
        sd_install_ec_key(card, card->isd_id, GP_KID_CA_KLOC_ECDSA, 0x03, NULL, ca_pk, NULL, 0),
        SEAM_OK);
}

/* SCP03 with the factory test keys (KVN FF), level 33. */
static bool open_scp03(void)
{
    uint8_t t[16];
    for (int i = 0; i < 16; i++)
        t[i] = (uint8_t)(0x40 + i);
    gp_keys k;
    gp_keys_set(&k, t, t, t, 16, 0xFF);
    uint16_t sw;
    gp_session_close(&gs);
    seam_err e = gp_session_open(&gs, &cl, &k, 0x33, NULL, 8, &sw);
    gp_keys_wipe(&k);
    return e == SEAM_OK;
}

/* Ends the host's and the card's session (SELECT of the ISD ends the channel's session). */
static void end_session(void)
{
    gp_session_close(&gs);
    gp_session_plain(&gs, &cl);
    uint16_t sw;
    size_t fl;
    gp_select(&cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, NULL, 0, &fl, &sw);
}

/* One command (header and data) through the session (plain when none is open); answer in
 * rbuf/rlen (data only), SW returned (0 when the exchange itself failed). */
static uint16_t cmd(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t n)
{
    apdu_cmd c;
    memset(&c, 0, sizeof c);
    c.cla = cla;
    c.ins = ins;
    c.p1 = p1;
    c.p2 = p2;
    c.data = n ? d : NULL;
    c.lc = n;
    c.has_le = true;
    c.le = n > 255 ? 65536 : 256;
    c.extended = n > 255;
    static uint8_t a[APDU_MAX_COMMAND];
    size_t al;
    if (apdu_encode(&c, c.extended, a, sizeof a, &al) != SEAM_OK) return 0;
    uint16_t sw = 0;
    rlen = 0;
    if (gp_send(&gs, a, al, rbuf, sizeof rbuf, &rlen, &sw) != SEAM_OK) return 0;
    return sw;
}

static uint16_t cmdh(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const char *hex)
{
    size_t n;
    uint8_t *b = check_hex(hex, &n);
    uint16_t sw = cmd(cla, ins, p1, p2, b, n);
    free(b);
    return sw;
}

/* STORE DATA data: A6 { 83 02 kid kvn } BF21 { certs }. */
static size_t chain_data(uint8_t *out, size_t cap, uint8_t kid, uint8_t kvn, const uint8_t *certs,
                         size_t n)
{
    seam_wr w;
    seam_wr_init(&w, out, cap);
    size_t m = tlv_begin(&w, 0xA6);
    uint8_t ref[2] = {kid, kvn};
    tlv_put(&w, 0x83, ref, 2);
    tlv_end(&w, m);
    tlv_put(&w, 0xBF21, certs, n);
    if (w.err) abort();
    return w.len;
}

static uint16_t store_chain(uint8_t kid, uint8_t kvn, const uint8_t *certs, size_t n)
{
    static uint8_t d[8192];
    size_t dl = chain_data(d, sizeof d, kid, kvn, certs, n);
    return cmd(0x00, 0xE2, 0x90, 0x00, d, dl);
}

static uint16_t get_chain(uint8_t kid, uint8_t kvn)
{
    uint8_t d[6] = {0xA6, 0x04, 0x83, 0x02, kid, kvn};
    return cmd(0x00, 0xCA, 0xBF, 0x21, d, sizeof d);
}

static void digest(uint8_t d[32])
{
    CHECK_EQ(store_digest(se_store(card), d), SEAM_OK);
}

/* A certificate for pub issued by CA-KLOC: CERT.OCE.ECKA's tbsCertificate with the public key
 * replaced, signed again with SK.CA-KLOC (ECDSA with SHA-256). */
static size_t issue_cert(const uint8_t pub[65], uint8_t *out, size_t cap)
{
    x509_cert t;
    REQUIRE_RET(x509_parse(oce_cert, oce_cert_len, &t, NULL, 0) == SEAM_OK);
    uint8_t tbs[1024];
    REQUIRE_RET(t.tbs.len <= sizeof tbs);
    memcpy(tbs, t.tbs.p, t.tbs.len);
    memcpy(tbs + (t.pub - t.tbs.p), pub, 65);
    tlv_t alg;
    const uint8_t *after = t.tbs.p + t.tbs.len;
    REQUIRE_RET(tlv_parse(after, (size_t)(oce_cert + oce_cert_len - after), &alg) == SEAM_OK);
    uint8_t h[32], sig[64], der[80];
    size_t dl;
    cr_sha256(tbs, t.tbs.len, h);
    REQUIRE_RET(cr_p256_sign(ca_sk, h, sig) == SEAM_OK);
    REQUIRE_RET(cr_ecdsa_sig_to_der(sig, der + 1, sizeof der - 1, &dl) == SEAM_OK);
    der[0] = 0x00; /* BIT STRING: no unused bits */
    seam_wr w;
    seam_wr_init(&w, out, cap);
    size_t m = tlv_begin(&w, 0x30);
    seam_wr_bytes(&w, tbs, t.tbs.len);
    seam_wr_bytes(&w, after, alg.total);
    tlv_put(&w, 0x03, der, dl + 1);
    tlv_end(&w, m);
    return w.err ? 0 : w.len;
}

/* The host side of SCP11b the way a real host starts it: GET DATA BF21 (plain), the chain checked
 * against PK.CA-KLOC with the card's X.509 code (leaf: keyAgreement only), then INTERNAL
 * AUTHENTICATE with the leaf's key and a GET DATA E0 under the new session. */
static bool scp11b_from_chain(uint8_t kvn)
{
    end_session();
    if (get_chain(GP_KID_SCP11B, kvn) != SW_NO_ERROR) return false;
    uint8_t certs[4096];
    size_t n = rlen;
    memcpy(certs, rbuf, n);
    x509_cert c[CERTSTORE_MAX_CERTS];
    size_t k = 0, off = 0;
    while (off < n) {
        tlv_t t;
        if (k == CERTSTORE_MAX_CERTS || tlv_parse(certs + off, n - off, &t) != SEAM_OK)
            return false;
        if (x509_parse(certs + off, t.total, &c[k], NULL, 0) != SEAM_OK) return false;
        off += t.total;
        k++;
    }
    x509_chain_params p;
    memset(&p, 0, sizeof p);
    p.anchor_pub = ca_pk;
    p.anchor_path_len = -1;
    p.leaf_usage = X509_KU_KEY_AGREEMENT;
    p.leaf_usage_exact = true;
    if (x509_chain_check(&p, c, k, NULL, 0) != SEAM_OK) return false;
    uint8_t pk_sd[65];
    memcpy(pk_sd, c[k - 1].pub, 65);

    uint8_t esk[32], epk[65];
    if (cr_p256_keygen(esk, epk) != SEAM_OK) return false;
    scp11_params prm = {SCP11_VARIANT_B, SCP11_USAGE_CMAC_RMAC_ENC, SCP11_KEY_TYPE_AES, 16};
    scp11_host h;
    uint8_t a[SCP11_CMD_APDU_LEN];
    size_t al;
    bool ok = scp11_host_begin(&h, &prm, esk) == SEAM_OK &&
              scp11_host_command(&h, 0x00, kvn, GP_KID_SCP11B, a, sizeof a, &al) == SEAM_OK;
    size_t rl = 0;
    ok = ok && se_transmit(card, a, al, rbuf, sizeof rbuf, &rl) == SEAM_OK && rl >= 2 &&
         rbuf[rl - 2] == 0x90;
    scp03_session s;
    memset(&s, 0, sizeof s);
    ok = ok && scp11_host_finish(&h, pk_sd, NULL, rbuf, rl - 2, &s, NULL) == SEAM_OK;
    scp11_host_clear(&h);
    seam_wipe(esk, sizeof esk);
    if (!ok) return false;
    /* a command under the session */
    apdu_cmd gd = {.cla = 0x80, .ins = 0xCA, .p1 = 0x00, .p2 = 0xE0, .has_le = true, .le = 256};
    uint8_t w[64], plain[1024];
    size_t wl, pl;
    ok = scp03_wrap_command(&s, &gd, false, w, sizeof w, &wl) == SEAM_OK &&
         se_transmit(card, w, wl, rbuf, sizeof rbuf, &rl) == SEAM_OK &&
         scp03_unwrap_response(&s, rbuf, rl, plain, sizeof plain, &pl) == SEAM_OK && pl > 2 &&
         plain[0] == 0xE0 && plain[pl - 2] == 0x90;
    scp03_session_clear(&s);
    return ok;
}

/* ---- certificate store ---- */

static void test_store_chain(void)
{
    fresh();
    REQUIRE(open_scp03());
    /* yubikit's store_certificate_bundle: CLA 00 (04 with SM), P1 90, P2 00 */
    CHECK_EQ(store_chain(GP_KID_SCP11B, 0x01, chain, chain_len), SW_NO_ERROR);
    CHECK_EQ(rlen, 0u);
    /* read back under the session, then plain (GET DATA BF21 needs no session) */
    CHECK_EQ(get_chain(GP_KID_SCP11B, 0x01), SW_NO_ERROR);
    CHECK_EQ(rlen, chain_len);
    CHECK_MEM(rbuf, chain, chain_len);
    power_cycle();
    CHECK_EQ(get_chain(GP_KID_SCP11B, 0x01), SW_NO_ERROR);
    CHECK_EQ(rlen, chain_len);
    CHECK_MEM(rbuf, chain, chain_len);
    CHECK_EQ(get_chain(GP_KID_SCP11B, 0x02), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(get_chain(GP_KID_SCP11A, 0x01), SW_REFERENCED_DATA_NOT_FOUND);
    /* the host reads the chain, checks it and opens SCP11b with the leaf's key */
    CHECK(scp11b_from_chain(0x01));

    /* replacing the chain (the leaf alone), then removing it with an empty BF21 */
    REQUIRE(open_scp03());
    CHECK_EQ(store_chain(GP_KID_SCP11B, 0x01, oce_cert, oce_cert_len), SW_NO_ERROR);
    CHECK_EQ(get_chain(GP_KID_SCP11B, 0x01), SW_NO_ERROR);
    CHECK_EQ(rlen, oce_cert_len);
    CHECK_EQ(store_chain(GP_KID_SCP11B, 0x01, NULL, 0), SW_NO_ERROR);
    CHECK_EQ(get_chain(GP_KID_SCP11B, 0x01), SW_REFERENCED_DATA_NOT_FOUND);

    /* a sequence of blocks: P1 00 / P2 00, then the last one P1 80 / P2 01, each with whole
     * objects; CLA 80 as well as 00 */
    static uint8_t d[4096];
    size_t dl = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, oce_cert, oce_cert_len);
    CHECK_EQ(cmd(0x80, 0xE2, 0x10, 0x00, d, dl), SW_NO_ERROR);
    dl = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, chain, chain_len);
    CHECK_EQ(cmd(0x80, 0xE2, 0x90, 0x01, d, dl), SW_NO_ERROR);
    CHECK_EQ(get_chain(GP_KID_SCP11B, 0x01), SW_NO_ERROR);
    CHECK_EQ(rlen, chain_len);
    /* after the last block a new sequence starts at 00 */
    CHECK_EQ(cmd(0x80, 0xE2, 0x90, 0x02, d, dl), SW_INCORRECT_P1P2);
    CHECK_EQ(cmd(0x80, 0xE2, 0x90, 0x00, d, dl), SW_NO_ERROR);
    /* a gap in the numbering ends the sequence */
    CHECK_EQ(cmd(0x80, 0xE2, 0x00, 0x00, d, dl), SW_NO_ERROR);
    CHECK_EQ(cmd(0x80, 0xE2, 0x80, 0x02, d, dl), SW_INCORRECT_P1P2);
    CHECK_EQ(cmd(0x80, 0xE2, 0x80, 0x01, d, dl), SW_INCORRECT_P1P2);
    CHECK_EQ(cmd(0x80, 0xE2, 0x80, 0x00, d, dl), SW_NO_ERROR);
}

static void test_ca_identifiers(void)
{
    fresh();
    REQUIRE(open_scp03());
    CHECK_EQ(cmd(0x00, 0xCA, 0xFF, 0x33, NULL, 0), SW_REFERENCED_DATA_NOT_FOUND);
    /* yubikit's store_ca_issuer for CA-KLOC 10/03: A6 { 80 01 00, 42 SKI, 83 02 10 03 } */
    char hex[256];
    char ski[64];
    for (size_t i = 0; i < ca_ski_len; i++)
        snprintf(ski + 2 * i, 3, "%02x", ca_ski[i]);
    REQUIRE(ca_ski_len == 20);
    snprintf(hex, sizeof hex, "a61d80010042%02zx%s83021003", ca_ski_len, ski);
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, hex), SW_NO_ERROR);
    /* and a CA-KLCC identifier for the SCP11b key 13/01 */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60e8001014205010203040583021301"), SW_NO_ERROR);
    /* GET DATA FF33 / FF34: 42 SKI || 83 KID KVN */
    CHECK_EQ(cmd(0x00, 0xCA, 0xFF, 0x33, NULL, 0), SW_NO_ERROR);
    uint8_t exp[2 + 20 + 4] = {0x42, 20};
    memcpy(exp + 2, ca_ski, 20);
    exp[22] = 0x83;
    exp[23] = 0x02;
    exp[24] = 0x10;
    exp[25] = 0x03;
    CHECK_EQ(rlen, sizeof exp);
    CHECK_MEM(rbuf, exp, sizeof exp);
    CHECK_EQ(cmd(0x00, 0xCA, 0xFF, 0x34, NULL, 0), SW_NO_ERROR);
    static const uint8_t klcc[] = {0x42, 5, 1, 2, 3, 4, 5, 0x83, 2, 0x13, 0x01};
    CHECK_EQ(rlen, sizeof klcc);
    CHECK_MEM(rbuf, klcc, sizeof klcc);
    CHECK_EQ(cmd(0x00, 0xCA, 0xFF, 0x34, (const uint8_t *)"\x01", 1), SW_WRONG_LENGTH);
    CHECK(eckey_get(card, eckey_find(card, card->isd_id, 0x10, 0x03))->ski_len == 20);

    /* The identifier is what PSO checks the OCE chain against: the SCP11a vector's chain (its
     * AKI is this SKI) is accepted, and refused once another identifier is stored. */
    CHECK_EQ(sd_install_ec_key(card, card->isd_id, GP_KID_SCP11A, 0x03, oce_sk, NULL, NULL, 0),
             SEAM_OK);
    end_session();
    static uint8_t pso[1024];
    memcpy(pso, oce_cert, oce_cert_len);
    CHECK_EQ(cmd(0x80, 0x2A, 0x03, 0x10, pso, oce_cert_len), SW_NO_ERROR);
    REQUIRE(open_scp03());
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60e8001004205010203040583021003"), SW_NO_ERROR);
    end_session();
    CHECK_EQ(cmd(0x80, 0x2A, 0x03, 0x10, pso, oce_cert_len), SW_SECURITY_STATUS_NOT_SATISFIED);
}

static void test_store_negative(void)
{
    fresh();
    uint8_t before[32], after[32];
    static uint8_t d[8192];
    size_t dl = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, chain, chain_len);
    digest(before);
    /* no secure channel */
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, dl), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(cmd(0x80, 0xF1, 0x00, 0x13, (const uint8_t *)"\x02\xF0\x01\x00", 4),
             SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D00113D20101"), SW_SECURITY_STATUS_NOT_SATISFIED);

    REQUIRE(open_scp03());
    digest(before);
    /* P1: encrypted (b7-b6), DGI format (b5-b4 01), RFU b3-b2 */
    CHECK_EQ(cmd(0x00, 0xE2, 0xB0, 0x00, d, dl), SW_INCORRECT_P1P2);
    CHECK_EQ(cmd(0x00, 0xE2, 0x88, 0x00, d, dl), SW_INCORRECT_P1P2);
    CHECK_EQ(cmd(0x00, 0xE2, 0x94, 0x00, d, dl), SW_INCORRECT_P1P2);
    /* P2: a first block must be 00 */
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x01, d, dl), SW_INCORRECT_P1P2);
    /* no data */
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, NULL, 0), SW_WRONG_LENGTH);
    /* unknown key (KVN, KID), a KID Amendment F does not know, the CA-KLOC key (public) */
    size_t n = chain_data(d, sizeof d, GP_KID_SCP11B, 0x02, chain, chain_len);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_REFERENCED_DATA_NOT_FOUND);
    n = chain_data(d, sizeof d, 0x12, 0x01, chain, chain_len);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_REFERENCED_DATA_NOT_FOUND);
    n = chain_data(d, sizeof d, GP_KID_CA_KLOC_ECDSA, 0x03, ca_cert, ca_cert_len);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_WRONG_DATA);
    /* the leaf does not certify the key: CA-KLOC's certificate alone */
    n = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, ca_cert, ca_cert_len);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_WRONG_DATA);
    /* leaf first: the order is wrong */
    static uint8_t rev[4096];
    memcpy(rev, oce_cert, oce_cert_len);
    memcpy(rev + oce_cert_len, ca_cert, ca_cert_len);
    n = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, rev, chain_len);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_WRONG_DATA);
    /* malformed DER: a certificate with a flipped byte in its signature value's length, a
     * truncated one, a byte after the last certificate */
    memcpy(rev, chain, chain_len);
    rev[chain_len - 1] ^= 0x01; /* the signature no longer verifies: not issued by CA-KLOC */
    n = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, rev, chain_len);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_WRONG_DATA);
    memcpy(rev, oce_cert, oce_cert_len);
    rev[3] ^= 0x01; /* tbsCertificate length */
    n = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, rev, oce_cert_len);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_WRONG_DATA);
    n = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, chain, chain_len - 1);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_WRONG_DATA);
    memcpy(rev, chain, chain_len);
    rev[chain_len] = 0x00;
    n = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, rev, chain_len + 1);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_WRONG_DATA);
    /* too many certificates (5: CA-KLOC's self-signed certificate four times, then the leaf) */
    static uint8_t many[8192];
    size_t ml = 0;
    for (int i = 0; i < 4; i++) {
        memcpy(many + ml, ca_cert, ca_cert_len);
        ml += ca_cert_len;
    }
    memcpy(many + ml, oce_cert, oce_cert_len);
    ml += oce_cert_len;
    n = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, many, ml);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_NOT_ENOUGH_MEMORY);
    digest(after);
    CHECK_MEM(before, after, 32);
    /* four are fine */
    n = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, many + ca_cert_len, ml - ca_cert_len);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_NO_ERROR);
    CHECK_EQ(store_chain(GP_KID_SCP11B, 0x01, NULL, 0), SW_NO_ERROR);
    /* too large (more than CERTSTORE_MAX_BYTES) */
    memset(many, 0x30, sizeof many);
    n = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, many, CERTSTORE_MAX_BYTES + 1);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n), SW_NOT_ENOUGH_MEMORY);
    /* GP-format certificates (7F21) and the serial allowlist (70): not implemented */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60483021301bf21057f2102aabb"), SW_FUNC_NOT_SUPPORTED);
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60483021301700393010a"), SW_FUNC_NOT_SUPPORTED);
    /* malformed templates */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60483021301"), SW_WRONG_DATA);     /* alone */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a603830113bf2100"), SW_WRONG_DATA); /* 83 len */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a6088302130183021301bf2100"), SW_WRONG_DATA); /* twice */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60483021300bf2100"), SW_WRONG_DATA);         /* KVN 0 */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60784010083021301bf2100"), SW_WRONG_DATA);   /* 84 */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "bf2100a60483021301"), SW_WRONG_DATA);         /* order */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60483021301bf2105"), SW_WRONG_DATA);   /* truncated */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60483021301bf210000"), SW_WRONG_DATA); /* trailing */
    /* CA identifiers: kind against KID, 42 without 80, 80 without 42, SKI too long */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60a80010042010183021301"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60a80010142010183021003"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60742010183021003"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60780010083021003"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60a80010242010183021003"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60a80010042010183021009"),
             SW_REFERENCED_DATA_NOT_FOUND);
    uint8_t big[64] = {0xA6, 3 + 2 + 33 + 4, 0x80, 0x01, 0x00, 0x42, 33};
    big[7 + 33] = 0x83;
    big[8 + 33] = 0x02;
    big[9 + 33] = 0x10;
    big[10 + 33] = 0x03;
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, big, 11 + 33), SW_WRONG_DATA);
    /* a valid object and a bad one in the same command: nothing is applied */
    n = chain_data(d, sizeof d, GP_KID_SCP11B, 0x01, chain, chain_len);
    memcpy(d + n, "\xA6\x04\x83\x02\x13\x09\xBF\x21\x00", 9);
    CHECK_EQ(cmd(0x00, 0xE2, 0x90, 0x00, d, n + 9), SW_REFERENCED_DATA_NOT_FOUND);
    /* GET DATA BF21 refusals */
    CHECK_EQ(cmd(0x00, 0xCA, 0xBF, 0x21, NULL, 0), SW_WRONG_LENGTH);
    CHECK_EQ(cmdh(0x00, 0xCA, 0xBF, 0x21, "a603830113"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x00, 0xCA, 0xBF, 0x21, "a6048302130100"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x00, 0xCA, 0xBF, 0x21, "a60a80010042010183021301"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x00, 0xCA, 0xBF, 0x21, "83021301"), SW_WRONG_DATA);
    CHECK_EQ(get_chain(GP_KID_SCP11B, 0x01), SW_REFERENCED_DATA_NOT_FOUND);
    digest(after);
    CHECK_MEM(before, after, 32);
    uint8_t d1[32], d2[32];

    /* under SCP11b (the OCE is not authenticated): refused */
    REQUIRE(open_scp03());
    CHECK_EQ(store_chain(GP_KID_SCP11B, 0x01, chain, chain_len), SW_NO_ERROR);
    CHECK(scp11b_from_chain(0x01)); /* leaves the SCP11b session open on channel 0 */
    digest(d1);
    uint8_t esk[32], epk[65];
    REQUIRE(cr_p256_keygen(esk, epk) == SEAM_OK);
    scp11_params prm = {SCP11_VARIANT_B, SCP11_USAGE_CMAC_RMAC_ENC, SCP11_KEY_TYPE_AES, 16};
    scp11_host h;
    uint8_t a[SCP11_CMD_APDU_LEN];
    size_t al, rl;
    REQUIRE(scp11_host_begin(&h, &prm, esk) == SEAM_OK);
    REQUIRE(scp11_host_command(&h, 0x00, 0x01, GP_KID_SCP11B, a, sizeof a, &al) == SEAM_OK);
    REQUIRE(se_transmit(card, a, al, rbuf, sizeof rbuf, &rl) == SEAM_OK);
    scp03_session s;
    memset(&s, 0, sizeof s);
    REQUIRE(scp11_host_finish(&h, oce_pk, NULL, rbuf, rl - 2, &s, NULL) == SEAM_OK);
    scp11_host_clear(&h);
    static const uint8_t tries[][14] = {
        {0x80, 0xF1, 0x00, 0x13, 0x04, 0x02, 0xF0, 0x01, 0x00},
        {0x80, 0xE4, 0x00, 0x00, 0x06, 0xD0, 0x01, 0x13, 0xD2, 0x01, 0x01},
        {0x00, 0xE2, 0x90, 0x00, 0x09, 0xA6, 0x04, 0x83, 0x02, 0x13, 0x01, 0xBF, 0x21, 0x00},
    };
    static const size_t tries_len[] = {9, 11, 14};
    for (size_t i = 0; i < 3; i++) {
        apdu_cmd c;
        REQUIRE(apdu_parse(tries[i], tries_len[i], &c) == SEAM_OK);
        uint8_t w[64];
        size_t wl;
        REQUIRE(scp03_wrap_command(&s, &c, false, w, sizeof w, &wl) == SEAM_OK);
        REQUIRE(se_transmit(card, w, wl, rbuf, sizeof rbuf, &rl) == SEAM_OK);
        CHECK(rl == 2 && rbuf[0] == 0x69 && rbuf[1] == 0x82);
    }
    scp03_session_clear(&s);
    digest(d2);
    CHECK_MEM(d1, d2, 32);
}

/* ---- DELETE KEY ---- */

static bool e0_has(const uint8_t *c0, size_t n)
{
    end_session();
    uint16_t sw = cmd(0x80, 0xCA, 0x00, 0xE0, NULL, 0);
    if (sw != SW_NO_ERROR) {
        fprintf(stderr, "  GET DATA E0: %04X\n", sw);
        return false;
    }
    for (size_t i = 0; i + n <= rlen; i++)
        if (!memcmp(rbuf + i, c0, n)) return true;
    return false;
}

static void test_delete_keys(void)
{
    static const uint8_t k13[] = {0xC0, 0x06, 0x13, 0x01, 0xB1, 0x20, 0xB0, 0x41};
    static const uint8_t k11[] = {0xC0, 0x06, 0x11, 0x03, 0xB1, 0x20, 0xB0, 0x41};
    static const uint8_t k10[] = {0xC0, 0x04, 0x10, 0x03, 0xB0, 0x41};
    static const uint8_t aes[] = {0xC0, 0x04, 0x01, 0xFF, 0x88, 0x10};
    fresh();
    CHECK_EQ(sd_install_ec_key(card, card->isd_id, GP_KID_SCP11A, 0x03, oce_sk, NULL, NULL, 0),
             SEAM_OK);
    /* GET DATA E0 lists every key, AES and ECC */
    CHECK(e0_has(aes, sizeof aes) && e0_has(k13, sizeof k13) && e0_has(k11, sizeof k11) &&
          e0_has(k10, sizeof k10));
    REQUIRE(open_scp03());
    CHECK_EQ(store_chain(GP_KID_SCP11B, 0x01, chain, chain_len), SW_NO_ERROR);
    CHECK_EQ(store_chain(GP_KID_SCP11A, 0x03, chain, chain_len), SW_NO_ERROR);
    uint8_t before[32], after[32];
    digest(before);
    /* refusals */
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D00113D20102"), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D00112"), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D00101D201FF"), SW_FUNC_NOT_SUPPORTED);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D00113D00113"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D0021301"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D00100"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D00113C30100"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D00113D201"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x02, "D00113"), SW_INCORRECT_P1P2);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D2017F"), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D201FF"), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    CHECK_EQ(cmd(0x80, 0xE4, 0x00, 0x00, NULL, 0), SW_WRONG_LENGTH);
    digest(after);
    CHECK_MEM(before, after, 32);

    /* by KID and KVN (yubikit's delete_key(kid, kvn), P2 00): the key and its chain go */
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D00113D20101"), SW_NO_ERROR);
    CHECK(rlen == 1 && rbuf[0] == 0x00);
    CHECK_EQ(eckey_find(card, card->isd_id, GP_KID_SCP11B, 0x01), 0u);
    CHECK_EQ(certstore_find(card, card->isd_id, GP_KID_SCP11B, 0x01), 0u);
    CHECK_EQ(get_chain(GP_KID_SCP11B, 0x01), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D00113D20101"), SW_REFERENCED_DATA_NOT_FOUND);
    /* by KVN alone: every key of KVN 03 (the SCP11a pair and CA-KLOC), P2 01 as yubikit sends
     * for delete_last */
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x01, "D20103"), SW_NO_ERROR);
    CHECK_EQ(eckey_next(card, card->isd_id, 0), 0u);
    CHECK_EQ(certstore_find(card, card->isd_id, GP_KID_SCP11A, 0x03), 0u);
    power_cycle();
    CHECK(!e0_has(k13, sizeof k13) && !e0_has(k11, sizeof k11) && !e0_has(k10, sizeof k10));
    CHECK(e0_has(aes, sizeof aes));
    /* the private key bytes are nowhere in the live store */
    for (store_id id = store_next(se_store(card), 0); id; id = store_next(se_store(card), id)) {
        size_t sz;
        const uint8_t *p = store_view(se_store(card), id, &sz);
        for (size_t i = 0; p && i + 32 <= sz; i++)
            CHECK(memcmp(p + i, oce_sk, 32) != 0);
    }
    /* by KID alone */
    CHECK_EQ(sd_install_ec_key(card, card->isd_id, GP_KID_SCP11C, 0x05, oce_sk, NULL, NULL, 0),
             SEAM_OK);
    CHECK_EQ(sd_install_ec_key(card, card->isd_id, GP_KID_SCP11C, 0x06, ca_sk, NULL, NULL, 0),
             SEAM_OK);
    REQUIRE(open_scp03());
    CHECK_EQ(cmdh(0x80, 0xE4, 0x00, 0x00, "D00115"), SW_NO_ERROR);
    CHECK_EQ(eckey_next(card, card->isd_id, 0), 0u);
}

/* ---- GENERATE KEY ---- */

static void test_generate(void)
{
    fresh();
    REQUIRE(open_scp03());
    /* yubikit's generate_ec_key(KeyRef(13, 02)): 80 F1 00 13 { 02 F0 01 00 } */
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x13, "02F00100"), SW_NO_ERROR);
    REQUIRE(rlen == 67 && rbuf[0] == 0xB0 && rbuf[1] == 0x41);
    uint8_t pub[65];
    memcpy(pub, rbuf + 2, 65);
    CHECK_EQ(cr_p256_check_public(pub, 65), SEAM_OK);
    store_id id = eckey_find(card, card->isd_id, GP_KID_SCP11B, 0x02);
    REQUIRE(id);
    const se_eckey_rec *k = eckey_get(card, id);
    CHECK(k->has_priv && !memcmp(k->pub, pub, 65));
    static const uint8_t k13[] = {0xC0, 0x06, 0x13, 0x02, 0xB1, 0x20, 0xB0, 0x41};
    CHECK(e0_has(k13, sizeof k13));

    /* the host has it certified and stores the chain; a host then reads it and opens SCP11b */
    static uint8_t certs[4096];
    memcpy(certs, ca_cert, ca_cert_len);
    size_t cl2 = issue_cert(pub, certs + ca_cert_len, sizeof certs - ca_cert_len);
    REQUIRE(cl2 > 0);
    REQUIRE(open_scp03());
    CHECK_EQ(store_chain(GP_KID_SCP11B, 0x02, certs, ca_cert_len + cl2), SW_NO_ERROR);
    /* the other key's chain does not fit this key */
    CHECK_EQ(store_chain(GP_KID_SCP11B, 0x02, chain, chain_len), SW_WRONG_DATA);
    power_cycle();
    CHECK(scp11b_from_chain(0x02));

    /* refusals, store unchanged */
    REQUIRE(open_scp03());
    uint8_t before[32], after[32];
    digest(before);
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x10, "04F00100"), SW_INCORRECT_P1P2); /* CA-KLOC */
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x12, "04F00100"), SW_INCORRECT_P1P2);
    CHECK_EQ(cmdh(0x80, 0xF1, 0x80, 0x13, "04F00100"), SW_INCORRECT_P1P2);
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x13, "04F00101"), SW_FUNC_NOT_SUPPORTED); /* P-384 */
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x13, "04F001"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x13, "04F0010000"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x13, "04B00100"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x13, "00F00100"), SW_WRONG_DATA); /* KVN 0 */
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x13, "80F00100"), SW_WRONG_DATA);
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x13, "02F00100"), SW_WRONG_DATA); /* 13/02 exists */
    CHECK_EQ(cmdh(0x80, 0xF1, 0x05, 0x13, "06F00100"), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(cmdh(0x80, 0xF1, 0x01, 0x13, "02F00100"), SW_WRONG_DATA); /* 02 taken */
    CHECK_EQ(cmd(0x80, 0xF1, 0x00, 0x13, NULL, 0), SW_WRONG_LENGTH);
    CHECK_EQ(cmdh(0x00, 0xF1, 0x00, 0x13, "04F00100"), SW_CLA_NOT_SUPPORTED);
    digest(after);
    CHECK_MEM(before, after, 32);

    /* replacing 13/02 by a new key of KVN 04 (P1 = 02): a new public key, the old key and its
     * chain gone, the CA-KLCC identifier kept */
    CHECK_EQ(cmdh(0x00, 0xE2, 0x90, 0x00, "a60e8001014205010203040583021302"), SW_NO_ERROR);
    CHECK_EQ(cmdh(0x80, 0xF1, 0x02, 0x13, "04F00100"), SW_NO_ERROR);
    REQUIRE(rlen == 67);
    CHECK(memcmp(rbuf + 2, pub, 65) != 0);
    CHECK_EQ(eckey_find(card, card->isd_id, GP_KID_SCP11B, 0x02), 0u);
    CHECK_EQ(certstore_find(card, card->isd_id, GP_KID_SCP11B, 0x02), 0u);
    id = eckey_find(card, card->isd_id, GP_KID_SCP11B, 0x04);
    REQUIRE(id);
    CHECK_EQ(eckey_get(card, id)->ski_len, 5);
    /* replacing in place (same KVN) drops the chain too */
    memcpy(pub, rbuf + 2, 65);
    cl2 = issue_cert(pub, certs + ca_cert_len, sizeof certs - ca_cert_len);
    CHECK_EQ(store_chain(GP_KID_SCP11B, 0x04, certs, ca_cert_len + cl2), SW_NO_ERROR);
    CHECK_EQ(cmdh(0x80, 0xF1, 0x04, 0x13, "04F00100"), SW_NO_ERROR);
    CHECK_EQ(certstore_find(card, card->isd_id, GP_KID_SCP11B, 0x04), 0u);
    /* SCP11a and SCP11c key pairs too */
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x11, "01F00100"), SW_NO_ERROR);
    CHECK_EQ(cmdh(0x80, 0xF1, 0x00, 0x15, "01F00100"), SW_NO_ERROR);
}

/* ---- power cuts ---- */

/* Runs `send` with the power cut at every write n = 1.. until it completes without a cut; after
 * each cut the card must power up showing the state before the command or after it, nothing
 * else. The RNG is seeded the same way in every run, so GENERATE KEY draws the same key. */
static void tear_loop(uint16_t (*send)(void), const char *what)
{
    static const uint8_t seed[] = "seam keys11 tear";
    uint8_t before[32], ref_after[32];
    /* reference run */
    cr_rng_seed_deterministic(seed, sizeof seed);
    fresh();
    REQUIRE(open_scp03());
    digest(before);
    cr_rng_seed_deterministic(seed + 1, sizeof seed - 1);
    REQUIRE(send() == SW_NO_ERROR);
    digest(ref_after);
    REQUIRE(memcmp(before, ref_after, 32) != 0);
    bool done = false;
    unsigned long n;
    for (n = 1; n < 500 && !done; n++) {
        cr_rng_seed_deterministic(seed, sizeof seed);
        fresh();
        REQUIRE(open_scp03());
        uint8_t b[32], a[32];
        digest(b);
        CHECK_MEM(b, before, 32);
        cr_rng_seed_deterministic(seed + 1, sizeof seed - 1);
        store_medium_set_tear(med, n);
        uint16_t sw = send();
        done = !store_medium_torn(med);
        if (done) CHECK_EQ(sw, SW_NO_ERROR);
        store_medium_set_tear(med, 0);
        power_cycle();
        digest(a);
        bool old = !memcmp(a, before, 32), neu = !memcmp(a, ref_after, 32);
        if (!old && !neu) fprintf(stderr, "  %s: cut at write %lu left a mixed state\n", what, n);
        CHECK(old || neu);
        if (done) CHECK(neu);
    }
    CHECK(done);
    fprintf(stderr, "  %s: power cut at each of %lu writes\n", what, n - 2);
}

static uint16_t send_store(void)
{
    return store_chain(GP_KID_SCP11B, 0x01, chain, chain_len);
}

static uint16_t send_generate(void)
{
    return cmdh(0x80, 0xF1, 0x01, 0x13, "02F00100");
}

static void test_tear(void)
{
    tear_loop(send_store, "STORE DATA");
    tear_loop(send_generate, "GENERATE KEY");
}

int main(void)
{
    json_error_t jerr;
    vec = json_load_file(check_shared_path("vectors/scp11.json"), 0, &jerr);
    if (!vec) {
        fprintf(stderr, "cannot load scp11.json: %s\n", jerr.text);
        return 1;
    }
    load_vectors();
    RUN(test_store_chain);
    RUN(test_ca_identifiers);
    RUN(test_store_negative);
    RUN(test_delete_keys);
    RUN(test_generate);
    RUN(test_tear);
    power_down();
    if (med) store_medium_free(med);
    json_decref(vec);
    return check_summary();
}
