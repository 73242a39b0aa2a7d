/*
 * Signed code and delegated management on the whole card (GP CS 2.3.1 §9.2.1, §11.6.2.3,
 * Appendix C; docs/dap.md, docs/ssd.md): every step is a real APDU under SCP03 through the host
 * library (tests/cardrig.h), every DAP block and token is made by the host side
 * (src/host/gp_sig.c, include/seam/gpsig.h) and every receipt checked by it, so host and card
 * are tested against each other.
 *  - DAP: a load into an SSD with DAP Verification needs that SSD's block; missing, wrong,
 *    truncated, bit-flipped and other-SD blocks are refused with the store unchanged; an SSD
 *    with Mandated DAP Verification makes every load need its block, the ISD's too;
 *  - delegated management: a Delegated Management SSD loads, installs, makes selectable,
 *    extradites and deletes with tokens from the token key's owner (the ISD), and each answer is
 *    a receipt that verifies under the receipt key with the context GP names; forged, truncated,
 *    replayed and other-command tokens are refused with the store unchanged; an SSD with neither
 *    Delegated nor Authorized Management manages nothing; the ISD needs no token;
 *  - the keys (KVN 70, 71, 73) arrive by PUT KEY, to an SSD through the ISD (INSTALL [for
 *    personalization]) and under the SSD's own session.
 * The load file is the echo package (F07365616D01, applet F07365616D0101) from
 * $SEAM_BUILD/applets/echo.jcl.
 */
#include <stdlib.h>

#include "cardrig.h"
#include "check.h"
#include "se/gp/dap.h"
#include "seam/crypto.h"
#include "seam/gpclient.h"
#include "seam/gpsig.h"
#include "seam/store.h"
#include "seam/sw.h"

static const uint8_t SSD_A[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x0A}; /* DAP */
static const uint8_t SSD_B[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x0B}; /* DAP */
static const uint8_t SSD_M[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x0C}; /* MDAP */
static const uint8_t SSD_D[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x0D}; /* DM */
static const uint8_t SSD_E[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x0E}; /* AM */
static const uint8_t SSD_P[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x0F}; /* none */
static const uint8_t PKG[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01};
static const uint8_t MOD[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01};
static const uint8_t APP1[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01, 0x01};
static const uint8_t APP2[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01, 0x02};
static const uint8_t APP3[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01, 0x03};

static card_rig R;
static uint8_t *jcl;
static size_t jcl_len;
static uint8_t out[APDU_MAX_RESPONSE];
static size_t outlen;
static gp_keys kA, kD, kE, kP, kB, kM;
/* the token key (ISD, KVN 70), the receipt key (ISD, KVN 71), DAP keys of A, B, M */
static uint8_t tok_priv[32], tok_pub[65], rcpt_key[16];
static uint8_t dapA_priv[32], dapA_pub[65], dapB_priv[32], dapB_pub[65];
static const uint8_t dapM_key[16] = {0x4D, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static uint8_t lfdb_hash[32];

static uint16_t cmd(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data, size_t lc)
{
    return card_rig_cmd(&R.ses, ins, p1, p2, data, lc, out, sizeof out, &outlen);
}

static void digest(uint8_t d[32])
{
    card_rig_digest(&R, d);
}

#define REFUSED(want, ins, p1, p2, data, lc) CARD_RIG_REFUSED(&R, want, cmd(ins, p1, p2, data, lc))

static bool isd(void)
{
    return card_rig_isd_session(&R, 0x33);
}

static bool open_sd(const uint8_t *aid, size_t n, const gp_keys *k)
{
    return card_rig_open_sd(&R, aid, n, k, 0x33) == SEAM_OK;
}

/* Creates SSD aid (privileges p0 p1 p2, Security Domain added) under the ISD, gives it key set
 * k through the ISD and makes it PERSONALIZED; leaves an ISD session open. */
static bool make_ssd(const uint8_t *aid, size_t n, uint8_t p0, uint8_t p1, uint8_t p2,
                     const gp_keys *k)
{
    uint8_t priv[3] = {p0, p1, p2};
    uint16_t sw = 0;
    if (!isd() || gp_create_sd(&R.ses, aid, n, priv, 3, NULL, 0, &sw) != SEAM_OK ||
        sw != SW_NO_ERROR)
        return false;
    if (gp_install_for_perso(&R.ses, aid, n, &sw) != SEAM_OK || sw != SW_NO_ERROR) return false;
    if (gp_put_key_aes(&R.ses, k, 0, &sw) != SEAM_OK || sw != SW_NO_ERROR) return false;
    return gp_set_app_status(&R.ses, 0x40, 0x0F, aid, n, &sw) == SEAM_OK && sw == SW_NO_ERROR;
}

/* PUT KEY of an ECC public key (KVN kvn, KID 01) to the SD the session's PUT KEY reaches. */
static uint16_t put_ecc(uint8_t kvn, const uint8_t pub[65])
{
    uint16_t sw = 0;
    return gp_put_key_ecc(&R.ses, DAP_KID, kvn, 0, NULL, pub, &sw) == SEAM_OK ? sw : 0;
}

static uint16_t put_aes(uint8_t kvn, const uint8_t *key, size_t len)
{
    uint16_t sw = 0;
    return gp_put_key_aes_one(&R.ses, DAP_KID, kvn, 0, key, len, &sw) == SEAM_OK ? sw : 0;
}

/* The GET STATUS entry of aid (P1 p1) seen from the current session. */
static bool status_of(uint8_t p1, const uint8_t *aid, size_t n, gp_status_entry *e)
{
    gp_status_entry all[24];
    size_t cnt = 0;
    uint16_t sw;
    if (gp_get_status(&R.ses, p1, all, 24, &cnt, &sw) != SEAM_OK) return false;
    for (size_t i = 0; i < cnt; i++)
        if (all[i].aid_len == n && memcmp(all[i].aid, aid, n) == 0) {
            *e = all[i];
            return true;
        }
    return false;
}

/* ---- command data ---- */

/* A token-signed data field: the data without its token field (INSTALL: without the final
 * empty token field), the next token identifier, signed with priv for the Delegated Management
 * SSD D (tokens are bound to the SD that executes the command, docs/dap.md). */
static rig_buf signed_data(uint8_t ins, uint8_t p1, const uint8_t *data, size_t len,
                           const uint8_t priv[32], uint8_t id)
{
    rig_buf b = {.n = 0};
    uint8_t idb[1] = {id};
    if (gpsig_token_data_sd(ins, p1, 0x00, data, len, idb, 1, NULL, 0, SSD_D, sizeof SSD_D, priv,
                            b.b, sizeof b.b, &b.n) != SEAM_OK)
        b.n = 0;
    return b;
}

/* INSTALL [for load] data of the echo package for SD sd (may be empty) with hash (may be NULL),
 * with the empty token field. */
static rig_buf load_cmd(const uint8_t *sd, size_t sd_len, const uint8_t *hash)
{
    rig_buf b = {.n = 0};
    if (gp_install_for_load_data_hash(PKG, sizeof PKG, sd, sd_len, hash, hash ? 32 : 0, b.b,
                                      sizeof b.b, &b.n) != SEAM_OK)
        b.n = 0;
    return b;
}

static rig_buf install_cmd(const uint8_t *app, size_t n)
{
    rig_buf b = {.n = 0};
    uint8_t priv = 0;
    if (gp_install_for_install_data(PKG, sizeof PKG, MOD, sizeof MOD, app, n, &priv, 1, NULL, 0,
                                    b.b, sizeof b.b, &b.n) != SEAM_OK)
        b.n = 0;
    return b;
}

/* make selectable alone: 00 00 LV(app) 00 00 (token field left to the signer) */
static rig_buf selectable_cmd(const uint8_t *app, size_t n)
{
    rig_buf b = {.n = 0};
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, app, n);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    return b;
}

/* extradition: LV(new SD) 00 LV(entry) 00 00 */
static rig_buf extradite_cmd(const uint8_t *to, size_t to_len, const uint8_t *aid, size_t n)
{
    rig_buf b = {.n = 0};
    rig_put_lv(&b, to, to_len);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, aid, n);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    return b;
}

static rig_buf delete_cmd(const uint8_t *aid, size_t n)
{
    rig_buf b = {.n = 0};
    b.b[b.n++] = 0x4F;
    rig_put_lv(&b, aid, n);
    return b;
}

/* The LOAD commands of the echo package with the DAP blocks dap (may be empty): the SW of the
 * last one sent (the answer in out). */
static uint16_t load_blocks(const uint8_t *dap, size_t dap_len)
{
    size_t bs = gp_load_max_block(&R.ses), n = gp_load_block_count_dap(dap_len, jcl_len, bs);
    uint16_t sw = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t d[256];
        size_t dl = 0;
        bool last = false;
        if (gp_load_block_dap(dap, dap_len, jcl, jcl_len, bs, i, d, sizeof d, &dl, &last) !=
            SEAM_OK)
            return 0;
        sw = cmd(0xE8, last ? 0x80 : 0x00, (uint8_t)i, d, dl);
        if (sw != SW_NO_ERROR) return sw;
    }
    return sw;
}

/* INSTALL [for load] (by the ISD or an AM SSD: no token) then LOAD with dap. */
static uint16_t load_plain(const uint8_t *sd, size_t sd_len, const uint8_t *dap, size_t dap_len)
{
    rig_buf b = load_cmd(sd, sd_len, NULL);
    uint16_t sw = cmd(0xE6, 0x02, 0x00, b.b, b.n);
    return sw == SW_NO_ERROR ? load_blocks(dap, dap_len) : sw;
}

static size_t dap_ecc(const uint8_t *sd, size_t n, const uint8_t priv[32], uint8_t *blk)
{
    size_t len = 0;
    CHECK_EQ(gpsig_dap_block_ecc(sd, n, lfdb_hash, priv, blk, GPSIG_DAP_MAX, &len), SEAM_OK);
    return len;
}

/* A load that must be refused with want, leaving the store as it was and no load file. */
static void load_refused(uint16_t want, const uint8_t *sd, size_t sd_len, const uint8_t *dap,
                         size_t dap_len)
{
    uint8_t d0[32], d1[32];
    digest(d0);
    CHECK_EQ(load_plain(sd, sd_len, dap, dap_len), want);
    digest(d1);
    CHECK_MEM(d0, d1, 32);
    gp_status_entry e;
    CHECK(!status_of(0x20, PKG, sizeof PKG, &e));
}

static bool fresh(void)
{
    card_rig_close(&R);
    return card_rig_open(&R);
}

/* ---- DAP ---- */

static void test_dap(void)
{
    REQUIRE(fresh());
    /* A and B verify DAPs (ECC keys), M is the controlling authority (AES key); A gets its key
     * through the ISD (INSTALL [for personalization]), B under its own session */
    REQUIRE(make_ssd(SSD_A, sizeof SSD_A, GP_PRIV0_DAP_VERIFICATION, GP_PRIV1_AUTHORIZED_MANAGEMENT,
                     0, &kA));
    uint16_t sw = 0;
    CHECK_EQ(gp_install_for_perso(&R.ses, SSD_A, sizeof SSD_A, &sw), SEAM_OK);
    CHECK_EQ(put_ecc(DAP_KVN_DAP, dapA_pub), SW_NO_ERROR);
    REQUIRE(make_ssd(SSD_B, sizeof SSD_B, GP_PRIV0_DAP_VERIFICATION, 0, 0, &kB));
    REQUIRE(open_sd(SSD_B, sizeof SSD_B, &kB));
    CHECK_EQ(put_ecc(DAP_KVN_DAP, dapB_pub), SW_NO_ERROR);
    /* the key shows in GET DATA E0 of B: C0 04 01 73 B0 41 */
    CHECK_EQ(cmd(0xCA, 0x00, 0xE0, NULL, 0), SW_NO_ERROR);
    static const uint8_t info[] = {0xC0, 0x04, 0x01, 0x73, 0xB0, 0x41};
    bool seen = false;
    for (size_t i = 0; i + sizeof info <= outlen; i++)
        seen |= memcmp(out + i, info, sizeof info) == 0;
    CHECK(seen);

    uint8_t blkA[GPSIG_DAP_MAX], blkB[GPSIG_DAP_MAX], blkX[GPSIG_DAP_MAX], two[2 * GPSIG_DAP_MAX];
    size_t nA = dap_ecc(SSD_A, sizeof SSD_A, dapA_priv, blkA);
    size_t nB = dap_ecc(SSD_B, sizeof SSD_B, dapB_priv, blkB);

    REQUIRE(isd());
    /* missing */
    load_refused(SW_SECURITY_STATUS_NOT_SATISFIED, SSD_A, sizeof SSD_A, NULL, 0);
    /* wrong key: A's block signed with B's key */
    size_t nX = dap_ecc(SSD_A, sizeof SSD_A, dapB_priv, blkX);
    load_refused(SW_SECURITY_STATUS_NOT_SATISFIED, SSD_A, sizeof SSD_A, blkX, nX);
    /* bit-flipped signature, bit-flipped AID */
    memcpy(blkX, blkA, nA);
    blkX[nA - 7] ^= 0x01;
    load_refused(SW_SECURITY_STATUS_NOT_SATISFIED, SSD_A, sizeof SSD_A, blkX, nA);
    memcpy(blkX, blkA, nA);
    blkX[4 + sizeof SSD_A - 1] ^= 0x40; /* another AID: no SD on the card */
    load_refused(SW_WRONG_DATA, SSD_A, sizeof SSD_A, blkX, nA);
    /* truncated: the signature one byte short (lengths adjusted), or the block cut */
    memcpy(blkX, blkA, nA);
    blkX[1]--;
    blkX[nA - 65]--;
    load_refused(SW_SECURITY_STATUS_NOT_SATISFIED, SSD_A, sizeof SSD_A, blkX, nA - 1);
    load_refused(SW_WRONG_DATA, SSD_A, sizeof SSD_A, blkA, nA - 1);
    /* another SD's DAP (B's, valid) does not stand for A's */
    load_refused(SW_SECURITY_STATUS_NOT_SATISFIED, SSD_A, sizeof SSD_A, blkB, nB);
    /* the same block twice */
    memcpy(two, blkA, nA);
    memcpy(two + nA, blkA, nA);
    load_refused(SW_WRONG_DATA, SSD_A, sizeof SSD_A, two, 2 * nA);
    /* a load file changed after signing (the INSTALL [for load] without hash) */
    jcl[jcl_len - 1] ^= 0x01;
    load_refused(SW_SECURITY_STATUS_NOT_SATISFIED, SSD_A, sizeof SSD_A, blkA, nA);
    jcl[jcl_len - 1] ^= 0x01;
    /* the right one (with B's block too: every block present must verify) */
    memcpy(two, blkB, nB);
    memcpy(two + nB, blkA, nA);
    CHECK_EQ(load_plain(SSD_A, sizeof SSD_A, two, nA + nB), SW_NO_ERROR);
    gp_status_entry e;
    REQUIRE(status_of(0x20, PKG, sizeof PKG, &e));
    CHECK_MEM(e.sd_aid, SSD_A, sizeof SSD_A);
    /* the ISD's own loads need no DAP while no SD mandates one */
    rig_buf del = delete_cmd(PKG, sizeof PKG);
    CHECK_EQ(cmd(0xE4, 0x00, 0x00, del.b, del.n), SW_NO_ERROR);
    CHECK_EQ(load_plain(NULL, 0, NULL, 0), SW_NO_ERROR);
    CHECK_EQ(cmd(0xE4, 0x00, 0x00, del.b, del.n), SW_NO_ERROR);

    /* Mandated DAP: M (an AES DAP key) must sign every load, the ISD's too */
    REQUIRE(make_ssd(SSD_M, sizeof SSD_M, GP_PRIV0_DAP_VERIFICATION | GP_PRIV0_MANDATED_DAP, 0, 0,
                     &kM));
    CHECK_EQ(gp_install_for_perso(&R.ses, SSD_M, sizeof SSD_M, &sw), SEAM_OK);
    CHECK_EQ(put_aes(DAP_KVN_DAP, dapM_key, sizeof dapM_key), SW_NO_ERROR);
    REQUIRE(isd());
    uint8_t blkM[GPSIG_DAP_MAX], three[3 * GPSIG_DAP_MAX];
    size_t nM = 0;
    CHECK_EQ(gpsig_dap_block_aes(SSD_M, sizeof SSD_M, lfdb_hash, dapM_key, sizeof dapM_key, blkM,
                                 sizeof blkM, &nM),
             SEAM_OK);
    load_refused(SW_SECURITY_STATUS_NOT_SATISFIED, NULL, 0, NULL, 0);
    load_refused(SW_SECURITY_STATUS_NOT_SATISFIED, SSD_A, sizeof SSD_A, blkA, nA);
    memcpy(blkX, blkM, nM);
    blkX[nM - 1] ^= 0x80;
    load_refused(SW_SECURITY_STATUS_NOT_SATISFIED, NULL, 0, blkX, nM);
    CHECK_EQ(load_plain(NULL, 0, blkM, nM), SW_NO_ERROR);
    CHECK_EQ(cmd(0xE4, 0x00, 0x00, del.b, del.n), SW_NO_ERROR);
    /* into A: both blocks, in any order */
    memcpy(three, blkA, nA);
    memcpy(three + nA, blkM, nM);
    CHECK_EQ(load_plain(SSD_A, sizeof SSD_A, three, nA + nM), SW_NO_ERROR);
    CHECK_EQ(cmd(0xE4, 0x00, 0x00, del.b, del.n), SW_NO_ERROR);
    /* A loads into itself (Authorized Management): M's block still needed */
    REQUIRE(open_sd(SSD_A, sizeof SSD_A, &kA));
    load_refused(SW_SECURITY_STATUS_NOT_SATISFIED, SSD_A, sizeof SSD_A, blkA, nA);
    CHECK_EQ(load_plain(SSD_A, sizeof SSD_A, three, nA + nM), SW_NO_ERROR);
    /* M's key goes with M, and with it the mandate */
    REQUIRE(isd());
    CHECK_EQ(cmd(0xE4, 0x00, 0x00, del.b, del.n), SW_NO_ERROR);
    rig_buf dm = delete_cmd(SSD_M, sizeof SSD_M);
    CHECK_EQ(cmd(0xE4, 0x00, 0x00, dm.b, dm.n), SW_NO_ERROR);
    CHECK_EQ(load_plain(NULL, 0, NULL, 0), SW_NO_ERROR);
}

/* ---- delegated management ---- */

/* The card of the delegated tests: the ISD holds the token key and the receipt key (PUT KEY
 * under its session), D has Delegated Management, E Authorized Management, P neither. */
static bool delegated_card(bool receipt_key)
{
    if (!fresh()) return false;
    if (!make_ssd(SSD_D, sizeof SSD_D, GP_PRIV0_DELEGATED_MANAGEMENT, 0, 0, &kD)) return false;
    if (!make_ssd(SSD_E, sizeof SSD_E, 0, GP_PRIV1_AUTHORIZED_MANAGEMENT, 0, &kE)) return false;
    if (!make_ssd(SSD_P, sizeof SSD_P, 0, 0, 0, &kP)) return false;
    if (!isd()) return false; /* a new session: PUT KEY to the ISD itself again */
    if (put_ecc(DAP_KVN_TOKEN, tok_pub) != SW_NO_ERROR) return false;
    return !receipt_key || put_aes(DAP_KVN_RECEIPT, rcpt_key, sizeof rcpt_key) == SW_NO_ERROR;
}

/* Checks the answer in out as a receipt of the last delegated command: it verifies with ctx, its
 * counter is `counter` and it names token identifier id. */
static void receipt_ok(const gpsig_lv *ctx, size_t n, uint16_t counter, uint8_t id)
{
    gpsig_receipt rc;
    CHECK_EQ(gpsig_receipt_verify(out, outlen, rcpt_key, sizeof rcpt_key, ctx, n, &rc), SEAM_OK);
    CHECK_EQ(rc.counter, counter);
    CHECK(rc.has_token_id && rc.token_id_len == 1 && rc.token_id[0] == id);
    CHECK_EQ(rc.unique_len, 10);
    /* with a context one byte off it does not verify */
    if (n) {
        uint8_t alt[16];
        memcpy(alt, ctx[n - 1].p, ctx[n - 1].len);
        alt[0] ^= 1;
        gpsig_lv c2[4];
        memcpy(c2, ctx, n * sizeof *ctx);
        c2[n - 1].p = alt;
        CHECK_EQ(gpsig_receipt_verify(out, outlen, rcpt_key, sizeof rcpt_key, c2, n, NULL),
                 SEAM_E_AUTH);
    }
}

/* A delegated load by D: INSTALL [for load] with token id and hash, LOAD; the last SW. */
static uint16_t delegated_load(uint8_t id, const uint8_t *hash)
{
    rig_buf b = load_cmd(SSD_D, sizeof SSD_D, hash);
    rig_buf t = signed_data(0xE6, 0x02, b.b, b.n - 1, tok_priv, id);
    uint16_t sw = cmd(0xE6, 0x02, 0x00, t.b, t.n);
    if (sw != SW_NO_ERROR) return sw;
    if (outlen != 1 || out[0] != 0x00) return 1;
    return load_blocks(NULL, 0);
}

static void test_delegated(void)
{
    REQUIRE(delegated_card(true));
    REQUIRE(open_sd(SSD_D, sizeof SSD_D, &kD));
    uint8_t d0[32], d1[32];
    gp_status_entry e;

    /* a delegated load whose token is checked at INSTALL [for load] but whose load is refused
     * at the last block (the token signed a wrong hash): nothing left, the token not consumed */
    uint8_t bad_hash[32];
    memcpy(bad_hash, lfdb_hash, 32);
    bad_hash[0] ^= 1;
    digest(d0);
    CHECK_EQ(delegated_load(1, bad_hash), SW_WRONG_DATA);
    digest(d1);
    CHECK_MEM(d0, d1, 32);
    /* load: the receipt comes with the last LOAD (context ELF, SD) */
    CHECK_EQ(delegated_load(1, lfdb_hash), SW_NO_ERROR);
    gpsig_lv c_load[2] = {{PKG, sizeof PKG}, {SSD_D, sizeof SSD_D}};
    receipt_ok(c_load, 2, 1, 1);
    REQUIRE(status_of(0x20, PKG, sizeof PKG, &e));
    CHECK_MEM(e.sd_aid, SSD_D, sizeof SSD_D);

    /* install (P1 04), then make selectable (P1 08): context ELF, application */
    rig_buf b = install_cmd(APP1, sizeof APP1);
    rig_buf t = signed_data(0xE6, 0x04, b.b, b.n - 1, tok_priv, 2);
    CHECK_EQ(cmd(0xE6, 0x04, 0x00, t.b, t.n), SW_NO_ERROR);
    gpsig_lv c_inst[2] = {{PKG, sizeof PKG}, {APP1, sizeof APP1}};
    receipt_ok(c_inst, 2, 2, 2);
    REQUIRE(status_of(0x40, APP1, sizeof APP1, &e));
    CHECK_EQ(e.lifecycle, 0x03);
    rig_buf ms = selectable_cmd(APP1, sizeof APP1);
    t = signed_data(0xE6, 0x08, ms.b, ms.n, tok_priv, 3);
    CHECK_EQ(cmd(0xE6, 0x08, 0x00, t.b, t.n), SW_NO_ERROR);
    receipt_ok(c_inst, 2, 3, 3);
    REQUIRE(status_of(0x40, APP1, sizeof APP1, &e));
    CHECK_EQ(e.lifecycle, 0x07);

    /* install and make selectable (P1 0C) of a second instance */
    b = install_cmd(APP2, sizeof APP2);
    t = signed_data(0xE6, 0x0C, b.b, b.n - 1, tok_priv, 4);
    CHECK_EQ(cmd(0xE6, 0x0C, 0x00, t.b, t.n), SW_NO_ERROR);
    gpsig_lv c_inst2[2] = {{PKG, sizeof PKG}, {APP2, sizeof APP2}};
    receipt_ok(c_inst2, 2, 4, 4);

    /* extradition of APP1 to E: refused while E is not D's own sub-domain (an SSD moves
     * content only within its own hierarchy, docs/ssd.md), the token left usable; once the ISD
     * has made E D's sub-domain, done: context old SD, application, new SD */
    rig_buf x = extradite_cmd(SSD_E, sizeof SSD_E, APP1, sizeof APP1);
    t = signed_data(0xE6, 0x10, x.b, x.n, tok_priv, 5);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x10, 0x00, t.b, t.n);
    {
        uint16_t xsw = 0;
        REQUIRE(isd());
        REQUIRE(gp_extradite(&R.ses, SSD_E, sizeof SSD_E, SSD_D, sizeof SSD_D, &xsw) == SEAM_OK &&
                xsw == SW_NO_ERROR);
        REQUIRE(open_sd(SSD_D, sizeof SSD_D, &kD));
    }
    CHECK_EQ(cmd(0xE6, 0x10, 0x00, t.b, t.n), SW_NO_ERROR);
    gpsig_lv c_ext[3] = {{SSD_D, sizeof SSD_D}, {APP1, sizeof APP1}, {SSD_E, sizeof SSD_E}};
    receipt_ok(c_ext, 3, 5, 5);
    REQUIRE(isd());
    REQUIRE(status_of(0x40, APP1, sizeof APP1, &e));
    CHECK_MEM(e.sd_aid, SSD_E, sizeof SSD_E);

    /* delete of APP2: context the AID */
    REQUIRE(open_sd(SSD_D, sizeof SSD_D, &kD));
    rig_buf del = delete_cmd(APP2, sizeof APP2);
    t = signed_data(0xE4, 0x00, del.b, del.n, tok_priv, 6);
    CHECK_EQ(cmd(0xE4, 0x00, 0x00, t.b, t.n), SW_NO_ERROR);
    gpsig_lv c_del[1] = {{APP2, sizeof APP2}};
    receipt_ok(c_del, 1, 6, 6);
    CHECK(!status_of(0x40, APP2, sizeof APP2, &e));

    /* ---- refusals, each leaving the store as it was ---- */
    b = install_cmd(APP3, sizeof APP3);
    /* no token */
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, b.b, b.n);
    /* replayed: the exact command of id 4 (APP2 is gone, the command itself would work) */
    rig_buf b2 = install_cmd(APP2, sizeof APP2);
    t = signed_data(0xE6, 0x0C, b2.b, b2.n - 1, tok_priv, 4);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, t.b, t.n);
    /* an identifier below the card's highest (id 1) */
    t = signed_data(0xE6, 0x0C, b.b, b.n - 1, tok_priv, 1);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, t.b, t.n);
    /* forged: signed with another key (the DAP key of no one here) */
    t = signed_data(0xE6, 0x0C, b.b, b.n - 1, dapA_priv, 7);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, t.b, t.n);
    /* a bit flipped in the signature, in the signed data (the application AID, the id) */
    t = signed_data(0xE6, 0x0C, b.b, b.n - 1, tok_priv, 7);
    rig_buf f = t;
    f.b[f.n - 1] ^= 0x01;
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, f.b, f.n);
    f = t;
    f.b[1 + sizeof PKG + 1 + sizeof MOD + 1 + sizeof APP3 - 1] ^= 0x01;
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, f.b, f.n);
    f = t;
    f.b[f.n - 66] ^= 0x08; /* the last byte of B6 { 93 01 id } */
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, f.b, f.n);
    /* truncated: the token one byte short (its length adjusted), or the field cut */
    f = t;
    f.b[f.n - 65] = 63;
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, f.b, f.n - 1);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, t.b, t.n - 1);
    /* another command's token: the same data under P1 04, the install token for a DELETE */
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x04, 0x00, t.b, t.n);
    del = delete_cmd(APP1, sizeof APP1);
    rig_buf dt = signed_data(0xE4, 0x00, del.b, del.n, tok_priv, 7);
    rig_buf mixed = dt;
    memcpy(mixed.b + mixed.n - 64, t.b + t.n - 64, 64);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE4, 0x00, 0x00, mixed.b, mixed.n);
    /* a valid token for what D may not touch: APP1 is E's now (not found for D), and the token
     * stays usable */
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE4, 0x00, 0x00, dt.b, dt.n);
    /* the untouched token 7 still works */
    CHECK_EQ(cmd(0xE6, 0x0C, 0x00, t.b, t.n), SW_NO_ERROR);
    gpsig_lv c_inst3[2] = {{PKG, sizeof PKG}, {APP3, sizeof APP3}};
    receipt_ok(c_inst3, 2, 7, 7);
    /* a delegated INSTALL [for load] without the SD or the hash */
    b = load_cmd(NULL, 0, lfdb_hash);
    t = signed_data(0xE6, 0x02, b.b, b.n - 1, tok_priv, 8);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, t.b, t.n);
    b = load_cmd(SSD_D, sizeof SSD_D, NULL);
    t = signed_data(0xE6, 0x02, b.b, b.n - 1, tok_priv, 8);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, t.b, t.n);
    /* a token from the ISD or an AM SSD: refused (6A80), they need none */
    REQUIRE(open_sd(SSD_E, sizeof SSD_E, &kE));
    b = install_cmd(APP2, sizeof APP2);
    t = signed_data(0xE6, 0x0C, b.b, b.n - 1, tok_priv, 9);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, t.b, t.n);

    /* an SSD with neither Delegated nor Authorized Management: nothing */
    REQUIRE(open_sd(SSD_P, sizeof SSD_P, &kP));
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, t.b, t.n);
    b = load_cmd(SSD_P, sizeof SSD_P, lfdb_hash);
    t = signed_data(0xE6, 0x02, b.b, b.n - 1, tok_priv, 9);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x02, 0x00, t.b, t.n);
    del = delete_cmd(APP3, sizeof APP3);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE4, 0x00, 0x00, del.b, del.n);
    t = signed_data(0xE4, 0x00, del.b, del.n, tok_priv, 9);
    REFUSED(SW_WRONG_DATA, 0xE4, 0x00, 0x00, t.b, t.n); /* a token only from a DM SSD */

    /* the ISD needs no token and gets no receipt */
    REQUIRE(isd());
    b = install_cmd(APP2, sizeof APP2);
    CHECK_EQ(cmd(0xE6, 0x0C, 0x00, b.b, b.n), SW_NO_ERROR);
    CHECK_EQ(outlen, 1);
    CHECK_EQ(out[0], 0x00);
    del = delete_cmd(APP2, sizeof APP2);
    CHECK_EQ(cmd(0xE4, 0x00, 0x00, del.b, del.n), SW_NO_ERROR);
    CHECK_EQ(outlen, 1);

    /* the card keeps the token floor and the counter over a power cycle: D's delete of APP3 with
     * token 9 works, 8 (never used) no longer does */
    gp_session_close(&R.ses);
    card_close(R.card);
    se_close(R.se);
    R.se = NULL;
    store_medium_power_cycle(R.m);
    char msg[128];
    se_config cfg = {.medium = R.m, .quiet = true};
    REQUIRE(se_open(&R.se, &cfg, msg, sizeof msg) == SEAM_OK);
    seam_card_fns fns = se_card_fns(R.se);
    REQUIRE(card_open_fns(&R.card, &fns) == SEAM_OK);
    R.cl.card = R.card;
    gp_session_plain(&R.ses, &R.cl);
    REQUIRE(open_sd(SSD_D, sizeof SSD_D, &kD));
    del = delete_cmd(APP3, sizeof APP3);
    t = signed_data(0xE4, 0x00, del.b, del.n, tok_priv, 9);
    CHECK_EQ(cmd(0xE4, 0x00, 0x00, t.b, t.n), SW_NO_ERROR);
    gpsig_lv c_del3[1] = {{APP3, sizeof APP3}};
    receipt_ok(c_del3, 1, 8, 9);
    b = load_cmd(SSD_D, sizeof SSD_D, lfdb_hash);
    t = signed_data(0xE6, 0x02, b.b, b.n - 1, tok_priv, 8);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x02, 0x00, t.b, t.n);
}

/* Without a receipt key the answer is the single byte 00; the token is consumed all the same. */
static void test_no_receipt_key(void)
{
    REQUIRE(delegated_card(false));
    REQUIRE(open_sd(SSD_D, sizeof SSD_D, &kD));
    rig_buf b = load_cmd(SSD_D, sizeof SSD_D, lfdb_hash);
    rig_buf t = signed_data(0xE6, 0x02, b.b, b.n - 1, tok_priv, 1);
    CHECK_EQ(cmd(0xE6, 0x02, 0x00, t.b, t.n), SW_NO_ERROR);
    CHECK_EQ(load_blocks(NULL, 0), SW_NO_ERROR);
    CHECK_EQ(outlen, 1);
    CHECK_EQ(out[0], 0x00);
    rig_buf del = delete_cmd(PKG, sizeof PKG);
    rig_buf dt = signed_data(0xE4, 0x00, del.b, del.n, tok_priv, 1);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE4, 0x00, 0x00, dt.b, dt.n);
    dt = signed_data(0xE4, 0x00, del.b, del.n, tok_priv, 2);
    CHECK_EQ(cmd(0xE4, 0x00, 0x00, dt.b, dt.n), SW_NO_ERROR);
    CHECK_EQ(outlen, 1);
    CHECK_EQ(out[0], 0x00);
}

int main(void)
{
    jcl = card_rig_build_file("applets/echo.jcl", &jcl_len);
    if (!jcl) return 77;
    if (gpsig_lfdb_hash(jcl, jcl_len, lfdb_hash) != SEAM_OK) return 1;
    uint8_t a[16], m[16], d[16];
    for (int i = 0; i < 16; i++) {
        a[i] = (uint8_t)(0x10 + i);
        m[i] = (uint8_t)(0x30 + i);
        d[i] = (uint8_t)(0x50 + i);
        rcpt_key[i] = (uint8_t)(0x70 + i);
    }
    gp_keys_set(&kA, a, m, d, 16, 0x30);
    gp_keys_set(&kB, m, a, d, 16, 0x31);
    gp_keys_set(&kM, d, a, m, 16, 0x32);
    gp_keys_set(&kD, a, d, m, 16, 0x33);
    gp_keys_set(&kE, m, d, a, 16, 0x34);
    gp_keys_set(&kP, d, m, a, 16, 0x35);
    if (cr_p256_keygen(tok_priv, tok_pub) != SEAM_OK || cr_p256_keygen(dapA_priv, dapA_pub) ||
        cr_p256_keygen(dapB_priv, dapB_pub))
        return 1;
    RUN(test_dap);
    RUN(test_delegated);
    RUN(test_no_receipt_key);
    card_rig_close(&R);
    free(jcl);
    seam_wipe(tok_priv, sizeof tok_priv);
    seam_wipe(rcpt_key, sizeof rcpt_key);
    return check_summary();
}
