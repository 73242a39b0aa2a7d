/*
 * The GlobalPlatform Card API (org.globalplatform, docs/gp-api.md; issue 6 items 3 and 7) on the
 * in-process card, driven through the host library as a provider's server would:
 *  - the provider applet (applets/provider) is loaded and installed by the ISD (its associated
 *    Security Domain); the server SELECTs it and opens SCP03 THROUGH it (gp_session_open sends
 *    INITIALIZE UPDATE / EXTERNAL AUTHENTICATE, which the applet forwards to processSecurity),
 *    then writes and reads records with gp_send (C-MAC, C-DEC, R-MAC, R-ENC); nothing of the
 *    plaintext appears on the wire;
 *  - wrong keys do not authenticate; plain and tampered record commands are refused with 6982,
 *    the session ends, and the store is unchanged; levels below what a command needs are refused;
 *  - sessions on channels 3 and 5 are independent, and 20 sessions on 20 channels run at once;
 *    SELECT, deselection and MANAGE CHANNEL close end the channel's session; a session with the
 *    ISD (another Security Domain's traffic) is of no use to the applet;
 *  - GPSystem (tests/jc/gp/probe): card and content state, setCardContentState rules (locking
 *    itself included), lockCard
 *    and terminateCard only with the Card Lock / Card Terminate privilege and durable across a
 *    power cycle, GPRegistryEntry of the caller and (Global Registry) of others, SecureChannel
 *    misuse (bounds, no session, not a security command).
 */
#include <stdlib.h>
#include <string.h>

#include "cardrig.h"
#include "check.h"
#include "se/se_int.h"
#include "seam/gpclient.h"
#include "seam/store.h"
#include "seam/sw.h"

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
static const uint8_t bad_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                    0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4E};
static const uint8_t prov_pkg[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01};
static const uint8_t prov_app[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01, 0x01};
static const uint8_t probe_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x61, 0x01};
static const uint8_t probe_app[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x61, 0x01, 0x01};

#define LVL_ALL 0x33 /* C-MAC, C-DEC, R-MAC, R-ENC */

static uint16_t load_install(card_rig *r, const char *rel, const uint8_t *pkg, size_t pkg_len,
                             const uint8_t *app, size_t app_len, const uint8_t priv[3])
{
    size_t n = 0;
    uint8_t *jcl = card_rig_build_file(rel, &n);
    if (!jcl) return 0;
    uint16_t sw = card_rig_load(r, pkg, pkg_len, jcl, n);
    free(jcl);
    if (sw != SW_NO_ERROR) return sw;
    if (gp_install_for_install(&r->ses, GP_INSTALL_FOR_INSTALL_SELECTABLE, pkg, pkg_len, app,
                               app_len, app, app_len, priv, 3, NULL, 0, &sw) != SEAM_OK)
        return 0;
    return sw;
}

/* A fresh card with the provider applet (and the probe with privileges priv when asked). */
static bool setup(card_rig *r, const uint8_t *probe_priv)
{
    static const uint8_t none[3] = {0, 0, 0};
    if (!card_rig_open(r) || !card_rig_isd_session(r, 0x03)) return false;
    uint16_t sw = load_install(r, "applets/provider.jcl", prov_pkg, sizeof prov_pkg, prov_app,
                               sizeof prov_app, none);
    if (sw != SW_NO_ERROR) {
        fprintf(stderr, "  provider: %04X\n", sw);
        return false;
    }
    if (probe_priv) {
        sw = load_install(r, "tests/gp/probe.jcl", probe_pkg, sizeof probe_pkg, probe_app,
                          sizeof probe_app, probe_priv);
        if (sw != SW_NO_ERROR) {
            fprintf(stderr, "  probe: %04X\n", sw);
            return false;
        }
    }
    return true;
}

/* ---- the provider's server ---- */

typedef struct {
    gp_client cl;
    gp_session ses;
    size_t wire_hits; /* times the secret marker appeared on the wire */
} server;

static const uint8_t marker[] = "meter-4711:kWh=000123.4";

static bool has_marker(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + sizeof marker - 1 <= n; i++)
        if (memcmp(p + i, marker, sizeof marker - 1) == 0) return true;
    return false;
}

static void trace(void *ctx, gp_trace_kind kind, const uint8_t *apdu, size_t len)
{
    server *sv = ctx;
    if ((kind == GP_TRACE_WIRE_CMD || kind == GP_TRACE_WIRE_RESP) && has_marker(apdu, len))
        sv->wire_hits++;
}

static uint16_t open_channel(card_rig *r, uint8_t n)
{
    uint8_t cmd[4] = {0x00, 0x70, 0x00, n}, resp[8];
    size_t rl;
    uint16_t sw = 0;
    gp_client basic = {.card = r->card, .channel = 0};
    if (gp_transmit(&basic, cmd, 4, resp, sizeof resp, &rl, &sw) != SEAM_OK) return 0;
    return sw;
}

static uint16_t close_channel(card_rig *r, uint8_t n)
{
    uint8_t cmd[4] = {0x00, 0x70, 0x80, n}, resp[8];
    size_t rl;
    uint16_t sw = 0;
    gp_client basic = {.card = r->card, .channel = 0};
    if (gp_transmit(&basic, cmd, 4, resp, sizeof resp, &rl, &sw) != SEAM_OK) return 0;
    return sw;
}

/* SELECT the provider on ch (its answer must carry no data). */
static uint16_t sv_select(card_rig *r, server *sv, uint8_t ch)
{
    if (sv->ses.client) gp_session_close(&sv->ses);
    memset(sv, 0, sizeof *sv);
    sv->cl.card = r->card;
    sv->cl.channel = ch;
    sv->cl.trace = trace;
    sv->cl.trace_ctx = sv;
    gp_session_plain(&sv->ses, &sv->cl);
    uint8_t fci[64];
    size_t n = 99;
    uint16_t sw = 0;
    if (gp_select(&sv->cl, prov_app, sizeof prov_app, fci, sizeof fci, &n, &sw) != SEAM_OK)
        return 0;
    return sw == SW_NO_ERROR && n != 0 ? 0x6F01 : sw;
}

static seam_err sv_auth(server *sv, const uint8_t key[16], uint8_t level)
{
    gp_keys k;
    gp_keys_set(&k, key, key, key, 16, 0);
    uint16_t sw = 0;
    gp_session_close(&sv->ses);
    gp_session_plain(&sv->ses, &sv->cl);
    seam_err e = gp_session_open(&sv->ses, &sv->cl, &k, level, NULL, 8, &sw);
    gp_keys_wipe(&k);
    return e;
}

/* SELECT and authenticate at level with the ISD's (the associated SD's) keys. */
static bool sv_open(card_rig *r, server *sv, uint8_t ch, uint8_t level)
{
    uint16_t sw = sv_select(r, sv, ch);
    if (sw != SW_NO_ERROR) {
        fprintf(stderr, "  SELECT provider on %u: %04X\n", ch, sw);
        return false;
    }
    seam_err e = sv_auth(sv, test_key, level);
    if (e != SEAM_OK) fprintf(stderr, "  session on %u: %s\n", ch, seam_strerror(e));
    return e == SEAM_OK;
}

static uint16_t sv_write(server *sv, uint8_t rec, const uint8_t *d, size_t n)
{
    return card_rig_rec_write(&sv->ses, rec, d, n);
}

static uint16_t sv_read(server *sv, uint8_t rec, uint8_t *out, size_t *n)
{
    return card_rig_rec_read(&sv->ses, rec, out, n);
}

/* A raw command on the server's channel, unprotected. */
static uint16_t sv_raw(server *sv, const uint8_t *cmd, size_t len)
{
    uint8_t resp[300];
    size_t rl;
    uint16_t sw = 0;
    if (gp_transmit(&sv->cl, cmd, len, resp, sizeof resp, &rl, &sw) != SEAM_OK) return 0;
    return sw;
}

/* ---- tests ---- */

static void test_read_write(void)
{
    card_rig r;
    REQUIRE(setup(&r, NULL));
    server sv = {0};
    REQUIRE(sv_open(&r, &sv, 0, LVL_ALL));
    CHECK_EQ(sv_write(&sv, 0, marker, sizeof marker - 1), SW_NO_ERROR);
    uint8_t got[300];
    size_t n = 0;
    CHECK_EQ(sv_read(&sv, 0, got, &n), SW_NO_ERROR);
    CHECK(n == sizeof marker - 1 && memcmp(got, marker, n) == 0);
    CHECK_EQ(sv_read(&sv, 1, got, &n), SW_NO_ERROR); /* never written: empty */
    CHECK_EQ(n, 0);
    uint8_t big[239];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7);
    CHECK_EQ(sv_write(&sv, 7, big, sizeof big), SW_NO_ERROR);
    CHECK_EQ(sv_read(&sv, 7, got, &n), SW_NO_ERROR);
    CHECK(n == sizeof big && memcmp(got, big, n) == 0);
    CHECK_EQ(sv_write(&sv, 8, big, 4), SW_INCORRECT_P1P2);
    CHECK_EQ(sv_write(&sv, 1, big, 0), SW_WRONG_LENGTH);
    CHECK_EQ(sv.wire_hits, 0); /* the hub saw only ciphertext */
    /* a new SELECT: the data are there, but nothing is readable without a session */
    CHECK_EQ(sv_select(&r, &sv, 0), SW_NO_ERROR);
    static const uint8_t plain_read[] = {0x80, 0xB2, 0x00, 0x00, 0x00};
    CHECK_EQ(sv_raw(&sv, plain_read, sizeof plain_read), SW_SECURITY_STATUS_NOT_SATISFIED);
    static const uint8_t sm_read[] = {0x84, 0xB2, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0};
    CHECK_EQ(sv_raw(&sv, sm_read, sizeof sm_read), SW_SECURITY_STATUS_NOT_SATISFIED);
    REQUIRE(sv_auth(&sv, test_key, LVL_ALL) == SEAM_OK);
    CHECK_EQ(sv_read(&sv, 0, got, &n), SW_NO_ERROR);
    CHECK(n == sizeof marker - 1 && memcmp(got, marker, n) == 0);
    gp_session_close(&sv.ses);
    card_rig_close(&r);
}

static void test_levels(void)
{
    card_rig r;
    REQUIRE(setup(&r, NULL));
    server sv = {0};
    uint8_t got[300];
    size_t n;
    /* C-MAC + C-DEC: writes, but no read (needs R-MAC and R-ENC); the refusal ends it */
    REQUIRE(sv_open(&r, &sv, 0, 0x03));
    CHECK_EQ(sv_write(&sv, 2, marker, 5), SW_NO_ERROR);
    CHECK_EQ(sv_read(&sv, 2, got, &n), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(sv_write(&sv, 2, marker, 5), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* C-MAC + R-MAC: neither (no C-DEC for writes, no R-ENC for reads) */
    REQUIRE(sv_open(&r, &sv, 0, 0x11));
    CHECK_EQ(sv_write(&sv, 2, marker, 5), SW_SECURITY_STATUS_NOT_SATISFIED);
    REQUIRE(sv_open(&r, &sv, 0, 0x11));
    CHECK_EQ(sv_read(&sv, 2, got, &n), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* no secure messaging at all (level 00) */
    REQUIRE(sv_open(&r, &sv, 0, 0x00));
    CHECK_EQ(sv_read(&sv, 2, got, &n), SW_SECURITY_STATUS_NOT_SATISFIED);
    gp_session_close(&sv.ses);
    card_rig_close(&r);
}

static void test_wrong_keys(void)
{
    card_rig r;
    REQUIRE(setup(&r, NULL));
    server sv = {0};
    REQUIRE(sv_select(&r, &sv, 0) == SW_NO_ERROR);
    CHECK_EQ(sv_auth(&sv, bad_key, LVL_ALL), SEAM_E_AUTH);
    /* a forged EXTERNAL AUTHENTICATE after a genuine INITIALIZE UPDATE */
    static const uint8_t iu[] = {0x80, 0x50, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
    CHECK_EQ(sv_raw(&sv, iu, sizeof iu), SW_NO_ERROR);
    uint8_t ea[5 + 16] = {0x84, 0x82, 0x33, 0x00, 0x10};
    CHECK_EQ(sv_raw(&sv, ea, sizeof ea), 0x6300);
    /* EXTERNAL AUTHENTICATE without INITIALIZE UPDATE */
    CHECK_EQ(sv_raw(&sv, ea, sizeof ea), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    /* INITIALIZE UPDATE with a key set that does not exist */
    static const uint8_t iu9[] = {0x80, 0x50, 0x09, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
    CHECK_EQ(sv_raw(&sv, iu9, sizeof iu9), SW_REFERENCED_DATA_NOT_FOUND);
    /* the right keys still work (the failed try was given back by the good one) */
    CHECK_EQ(sv_auth(&sv, test_key, LVL_ALL), SEAM_OK);
    CHECK_EQ(sv_write(&sv, 0, marker, 4), SW_NO_ERROR);
    gp_session_close(&sv.ses);
    card_rig_close(&r);
}

static void test_plain_and_tampered(void)
{
    card_rig r;
    REQUIRE(setup(&r, NULL));
    server sv = {0};
    uint8_t before[32], after[32], got[300];
    size_t n;
    REQUIRE(sv_open(&r, &sv, 0, LVL_ALL));
    CHECK_EQ(sv_write(&sv, 0, marker, sizeof marker - 1), SW_NO_ERROR);
    card_rig_digest(&r, before);
    /* a plain write in the middle of the session: refused, session over */
    uint8_t plain_write[5 + 4] = {0x80, 0xD2, 0x00, 0x00, 0x04, 'e', 'v', 'i', 'l'};
    CHECK_EQ(sv_raw(&sv, plain_write, sizeof plain_write), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(sv_write(&sv, 0, (const uint8_t *)"evil", 4), SW_SECURITY_STATUS_NOT_SATISFIED);
    card_rig_digest(&r, after);
    CHECK_MEM(after, before, 32);
    /* tampered: a correctly wrapped write with one bit flipped, in the data or the MAC */
    for (int where = 0; where < 3; where++) {
        REQUIRE(sv_auth(&sv, test_key, LVL_ALL) == SEAM_OK);
        apdu_cmd c = {
            .cla = 0x80, .ins = 0xD2, .p1 = 0, .p2 = 0, .data = (const uint8_t *)"evil", .lc = 4};
        uint8_t w[64];
        size_t wl = 0;
        REQUIRE(scp03_wrap_command(&sv.ses.scp, &c, false, w, sizeof w, &wl) == SEAM_OK);
        size_t at = where == 0 ? 5 : where == 1 ? wl - 1 : 2; /* data, MAC, P1 */
        w[at] ^= 0x01;
        card_rig_digest(&r, before);
        CHECK_EQ(sv_raw(&sv, w, wl), SW_SECURITY_STATUS_NOT_SATISFIED);
        CHECK_EQ(sv_read(&sv, 0, got, &n), SW_SECURITY_STATUS_NOT_SATISFIED);
        card_rig_digest(&r, after);
        CHECK_MEM(after, before, 32);
    }
    /* replay of a genuine wrapped command in a later session */
    REQUIRE(sv_auth(&sv, test_key, LVL_ALL) == SEAM_OK);
    apdu_cmd c = {.cla = 0x80, .ins = 0xD2, .p1 = 0, .p2 = 0, .data = marker, .lc = 3};
    uint8_t w[64];
    size_t wl = 0;
    REQUIRE(scp03_wrap_command(&sv.ses.scp, &c, false, w, sizeof w, &wl) == SEAM_OK);
    REQUIRE(sv_auth(&sv, test_key, LVL_ALL) == SEAM_OK);
    CHECK_EQ(sv_raw(&sv, w, wl), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* the record is what the server wrote */
    REQUIRE(sv_auth(&sv, test_key, LVL_ALL) == SEAM_OK);
    CHECK_EQ(sv_read(&sv, 0, got, &n), SW_NO_ERROR);
    CHECK(n == sizeof marker - 1 && memcmp(got, marker, n) == 0);
    gp_session_close(&sv.ses);
    card_rig_close(&r);
}

static void test_channels_3_and_5(void)
{
    card_rig r;
    REQUIRE(setup(&r, NULL));
    REQUIRE(open_channel(&r, 3) == SW_NO_ERROR);
    REQUIRE(open_channel(&r, 5) == SW_NO_ERROR);
    server a = {0}, b = {0};
    REQUIRE(sv_open(&r, &a, 3, LVL_ALL));
    REQUIRE(sv_open(&r, &b, 5, LVL_ALL));
    uint8_t got[300];
    size_t n;
    for (int i = 0; i < 4; i++) {
        uint8_t va = (uint8_t)(0xA0 + i), vb = (uint8_t)(0xB0 + i);
        CHECK_EQ(sv_write(&a, 3, &va, 1), SW_NO_ERROR);
        CHECK_EQ(sv_write(&b, 5, &vb, 1), SW_NO_ERROR);
        CHECK_EQ(sv_read(&b, 3, got, &n), SW_NO_ERROR);
        CHECK(n == 1 && got[0] == va);
        CHECK_EQ(sv_read(&a, 5, got, &n), SW_NO_ERROR);
        CHECK(n == 1 && got[0] == vb);
    }
    /* channel 5's session dies on a tampered command; channel 3's goes on */
    const uint8_t plain[] = {apdu_cla_encode(true, 5, false, false), 0xB2, 0x00, 0x00, 0x00};
    CHECK_EQ(sv_raw(&b, plain, sizeof plain), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(sv_read(&b, 3, got, &n), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(sv_read(&a, 3, got, &n), SW_NO_ERROR);
    /* deselection on 3 (SELECT of the ISD) ends 3's session; 5 opens a new one meanwhile */
    REQUIRE(sv_auth(&b, test_key, LVL_ALL) == SEAM_OK);
    uint8_t fci[128];
    size_t fl;
    uint16_t sw = 0;
    REQUIRE(gp_select(&a.cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, fci, sizeof fci, &fl,
                      &sw) == SEAM_OK &&
            sw == SW_NO_ERROR);
    CHECK_EQ(sv_read(&b, 3, got, &n), SW_NO_ERROR);
    /* back to the provider on 3: the old session is gone */
    REQUIRE(gp_select(&a.cl, prov_app, sizeof prov_app, fci, sizeof fci, &fl, &sw) == SEAM_OK);
    CHECK_EQ(sv_read(&a, 3, got, &n), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* MANAGE CHANNEL close ends 5's session; a reopened channel 5 has none */
    CHECK_EQ(close_channel(&r, 5), SW_NO_ERROR);
    REQUIRE(open_channel(&r, 5) == SW_NO_ERROR);
    REQUIRE(gp_select(&b.cl, prov_app, sizeof prov_app, fci, sizeof fci, &fl, &sw) == SEAM_OK);
    CHECK_EQ(sv_read(&b, 3, got, &n), SW_SECURITY_STATUS_NOT_SATISFIED);
    gp_session_close(&a.ses);
    gp_session_close(&b.ses);
    card_rig_close(&r);
}

static void test_twenty(void)
{
    card_rig r;
    REQUIRE(setup(&r, NULL));
    static server sv[SE_MAX_CHANNELS];
    for (uint8_t ch = 1; ch < SE_MAX_CHANNELS; ch++)
        REQUIRE(open_channel(&r, ch) == SW_NO_ERROR);
    for (uint8_t ch = 0; ch < SE_MAX_CHANNELS; ch++)
        REQUIRE(sv_open(&r, &sv[ch], ch, LVL_ALL));
    uint8_t got[300];
    size_t n;
    for (int round = 0; round < 3; round++) {
        for (uint8_t ch = 0; ch < SE_MAX_CHANNELS; ch++) {
            uint8_t v[2] = {ch, (uint8_t)round};
            CHECK_EQ(sv_write(&sv[ch], ch % 8, v, 2), SW_NO_ERROR);
            CHECK_EQ(sv_read(&sv[ch], ch % 8, got, &n), SW_NO_ERROR);
            CHECK(n == 2 && got[0] == ch && got[1] == round);
        }
    }
    for (uint8_t ch = 0; ch < SE_MAX_CHANNELS; ch++)
        gp_session_close(&sv[ch].ses);
    card_rig_close(&r);
}

static void test_isd_session_useless(void)
{
    card_rig r;
    REQUIRE(setup(&r, NULL));
    REQUIRE(open_channel(&r, 2) == SW_NO_ERROR);
    REQUIRE(open_channel(&r, 3) == SW_NO_ERROR);
    /* an ISD session on channel 2 */
    gp_client ic = {.card = r.card, .channel = 2};
    gp_session is;
    gp_session_plain(&is, &ic);
    uint8_t fci[128], got[300];
    size_t fl, n;
    uint16_t sw = 0;
    REQUIRE(gp_select(&ic, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, fci, sizeof fci, &fl,
                      &sw) == SEAM_OK);
    gp_keys k;
    gp_keys_set(&k, test_key, test_key, test_key, 16, 0);
    REQUIRE(gp_session_open(&is, &ic, &k, LVL_ALL, NULL, 8, &sw) == SEAM_OK);
    gp_keys_wipe(&k);
    /* the provider's session on channel 3 */
    server sv = {0};
    REQUIRE(sv_open(&r, &sv, 3, LVL_ALL));
    CHECK_EQ(sv_write(&sv, 0, marker, 6), SW_NO_ERROR);
    /* the ISD session on 2 works next to the provider's on 3 */
    uint8_t data[256];
    size_t dl;
    seam_err ge = gp_get_data(&is, GP_TAG_CPLC, data, sizeof data, &dl, &sw);
    CHECK_EQ(ge, SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    /* a command wrapped with the ISD's session keys, sent to the provider's channel */
    apdu_cmd c = {.cla = 0x83, .ins = 0xB2, .p1 = 0, .p2 = 0, .has_le = true, .le = 256};
    uint8_t w[64];
    size_t wl = 0;
    REQUIRE(scp03_wrap_command(&is.scp, &c, false, w, sizeof w, &wl) == SEAM_OK);
    CHECK_EQ(sv_raw(&sv, w, wl), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* SELECT of the provider on channel 2 ends the ISD session: its traffic goes nowhere */
    REQUIRE(gp_select(&ic, prov_app, sizeof prov_app, fci, sizeof fci, &fl, &sw) == SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    uint8_t tmp[300];
    CHECK(gp_send_cmd(&is, 0x80, 0xB2, 0, 0, NULL, 0, true, tmp, sizeof tmp, &n, &sw) == SEAM_OK &&
          sw == SW_SECURITY_STATUS_NOT_SATISFIED);
    (void)got;
    gp_session_close(&is);
    gp_session_close(&sv.ses);
    card_rig_close(&r);
}

/* ---- GPSystem through the probe ---- */

static uint8_t presp[300];
static size_t presp_len;

static uint16_t probe(card_rig *r, uint8_t ins, uint8_t p1, const uint8_t *d, size_t n)
{
    uint8_t cmd[64] = {0x80, ins, p1, 0x00};
    size_t l = 4;
    if (n) {
        cmd[l++] = (uint8_t)n;
        memcpy(cmd + l, d, n);
        l += n;
    }
    cmd[l++] = 0x00;
    uint8_t resp[300];
    size_t rl = 0;
    uint16_t sw = 0;
    gp_client basic = {.card = r->card, .channel = 0};
    if (gp_transmit(&basic, cmd, l, resp, sizeof resp, &rl, &sw) != SEAM_OK || rl < 2) return 0;
    presp_len = rl - 2;
    memcpy(presp, resp, presp_len);
    return sw;
}

static void test_gpsystem(void)
{
    static const uint8_t none[3] = {0, 0, 0};
    card_rig r;
    REQUIRE(setup(&r, none));
    REQUIRE(card_rig_select(&r, probe_app, sizeof probe_app) == SW_NO_ERROR);
    CHECK_EQ(probe(&r, 0x10, 0, NULL, 0), SW_NO_ERROR);
    CHECK(presp_len == 2 && presp[0] == GP_CARD_OP_READY && presp[1] == GP_APP_SELECTABLE);
    /* no Card Lock / Card Terminate privilege */
    CHECK_EQ(probe(&r, 0x12, 0, NULL, 0), SW_NO_ERROR);
    CHECK(presp_len == 1 && presp[0] == 0);
    CHECK_EQ(probe(&r, 0x14, 0, NULL, 0), SW_NO_ERROR);
    CHECK(presp_len == 1 && presp[0] == 0);
    /* application specific states only */
    static const struct {
        uint8_t want, ok, state;
    } steps[] = {{0x0F, 1, 0x0F}, {0x03, 0, 0x0F}, {0x05, 0, 0x0F}, {0x01, 0, 0x0F},
                 {0x7F, 1, 0x7F}, {0x07, 1, 0x07}, {0x0E, 0, 0x07}};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        CHECK_EQ(probe(&r, 0x16, steps[i].want, NULL, 0), SW_NO_ERROR);
        CHECK(presp_len == 2 && presp[0] == steps[i].ok && presp[1] == steps[i].state);
    }
    /* own registry entry: privileges, state, isPrivileged, associated with the ISD, AID */
    CHECK_EQ(probe(&r, 0x18, 3, NULL, 0), SW_NO_ERROR);
    static const uint8_t own[7] = {0, 0, 0, 0x07, 0, 1, 1};
    CHECK(presp_len == 7 && memcmp(presp, own, 7) == 0);
    /* another application's entry needs Global Registry; one's own does not */
    CHECK_EQ(probe(&r, 0x1A, 0, prov_app, sizeof prov_app), SW_NO_ERROR);
    CHECK(presp_len == 2 && presp[0] == 0);
    CHECK_EQ(probe(&r, 0x1A, 0, probe_app, sizeof probe_app), SW_NO_ERROR);
    CHECK(presp_len == 2 && presp[0] == 1 && presp[1] == 0x07);
    /* SecureChannel without a session, misuse */
    CHECK_EQ(probe(&r, 0x1C, 0, NULL, 0), SW_NO_ERROR);
    CHECK(presp_len == 1 && presp[0] == 0);
    CHECK_EQ(probe(&r, 0x1E, 0, NULL, 0), SW_NO_ERROR);
    CHECK(presp_len == 1 && presp[0] == 3);
    CHECK_EQ(probe(&r, 0x20, 0, NULL, 0), SW_INS_NOT_SUPPORTED);
    CHECK_EQ(probe(&r, 0x22, 0, NULL, 0), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    /* locking itself (b8): the state keeps its low bits; from then on the card stops the
     * applet: its next command gets 6985 without reaching it, and it is not selectable again */
    CHECK_EQ(probe(&r, 0x16, 0x80, NULL, 0), SW_NO_ERROR);
    CHECK(presp_len == 2 && presp[0] == 1 && presp[1] == (uint8_t)0x87);
    CHECK_EQ(probe(&r, 0x16, 0x07, NULL, 0), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    CHECK_EQ(presp_len, 0);
    CHECK(card_rig_select(&r, probe_app, sizeof probe_app) != SW_NO_ERROR);
    card_rig_close(&r);
}

static bool secure_card(card_rig *r)
{
    uint16_t sw = 0;
    if (!card_rig_isd_session(r, 0x03)) return false;
    if (gp_set_card_status(&r->ses, GP_CARD_INITIALIZED, &sw) || sw != SW_NO_ERROR) return false;
    if (gp_set_card_status(&r->ses, GP_CARD_SECURED, &sw) || sw != SW_NO_ERROR) return false;
    return true;
}

/* Power cycle of the rig's card (its medium kept), then the card's life cycle state. */
static uint8_t cycle_state(card_rig *r)
{
    card_close(r->card);
    r->card = NULL;
    se_close(r->se);
    r->se = NULL;
    se_config cfg = {.medium = r->m, .quiet = true};
    char msg[128];
    if (se_open(&r->se, &cfg, msg, sizeof msg) != SEAM_OK) return 0;
    seam_card_fns fns = se_card_fns(r->se);
    if (card_open_fns(&r->card, &fns) != SEAM_OK) return 0;
    r->cl.card = r->card;
    return se_card(r->se)->life_cycle;
}

static void test_lock_terminate(void)
{
    /* Card Lock privilege: a SECURED card becomes CARD_LOCKED, durably */
    static const uint8_t lock[3] = {GP_PRIV0_CARD_LOCK, 0, 0};
    card_rig r;
    REQUIRE(setup(&r, lock));
    REQUIRE(card_rig_select(&r, probe_app, sizeof probe_app) == SW_NO_ERROR);
    CHECK_EQ(probe(&r, 0x12, 0, NULL, 0), SW_NO_ERROR); /* OP_READY: not lockable */
    CHECK(presp_len == 1 && presp[0] == 0);
    REQUIRE(secure_card(&r));
    REQUIRE(card_rig_select(&r, probe_app, sizeof probe_app) == SW_NO_ERROR);
    CHECK_EQ(probe(&r, 0x14, 0, NULL, 0), SW_NO_ERROR); /* no Card Terminate */
    CHECK(presp_len == 1 && presp[0] == 0);
    CHECK_EQ(probe(&r, 0x12, 0, NULL, 0), SW_NO_ERROR);
    CHECK(presp_len == 1 && presp[0] == 1);
    CHECK_EQ(se_card(r.se)->life_cycle, GP_CARD_LOCKED);
    /* the card is locked: the applet, selected, runs no more (it is not the Final Application;
     * docs/ssd.md, tests/test_gp_privs.c) */
    CHECK_EQ(probe(&r, 0x10, 0, NULL, 0), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    CHECK_EQ(cycle_state(&r), GP_CARD_LOCKED);
    CHECK(card_rig_select(&r, probe_app, sizeof probe_app) != SW_NO_ERROR);
    CHECK(card_rig_select(&r, prov_app, sizeof prov_app) != SW_NO_ERROR);
    card_rig_close(&r);

    /* Card Terminate privilege: TERMINATED, durably */
    static const uint8_t term[3] = {GP_PRIV0_CARD_TERMINATE, 0, 0};
    REQUIRE(setup(&r, term));
    REQUIRE(card_rig_select(&r, probe_app, sizeof probe_app) == SW_NO_ERROR);
    CHECK_EQ(probe(&r, 0x12, 0, NULL, 0), SW_NO_ERROR); /* no Card Lock */
    CHECK(presp_len == 1 && presp[0] == 0);
    CHECK_EQ(probe(&r, 0x14, 0, NULL, 0), SW_NO_ERROR);
    CHECK(presp_len == 1 && presp[0] == 1);
    CHECK_EQ(cycle_state(&r), GP_CARD_TERMINATED);
    CHECK(card_rig_select(&r, probe_app, sizeof probe_app) != SW_NO_ERROR);
    card_rig_close(&r);
}

int main(void)
{
    RUN(test_read_write);
    RUN(test_levels);
    RUN(test_wrong_keys);
    RUN(test_plain_and_tampered);
    RUN(test_channels_3_and_5);
    RUN(test_twenty);
    RUN(test_isd_session_useless);
    RUN(test_gpsystem);
    RUN(test_lock_terminate);
    return check_summary();
}
