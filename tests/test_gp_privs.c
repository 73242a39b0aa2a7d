/*
 * The Card Reset and Final Application privileges (GP CS 2.3.1 §6.6.1 Table 6-1; implicit
 * selection on the basic logical channel, §6.4.2.1.1 as numbered in GP CS 2.2) and applets
 * stopped by CARD_LOCKED / TERMINATED, on the in-process card (docs/ssd.md, *Privileges*):
 *  - the Card Reset holder is selected on channel 0 after a reset and a power cycle without
 *    SELECT; one holder at a time (granting it takes it from the previous holder, the ISD at
 *    first); deleting the holder gives implicit selection back to the ISD;
 *  - the ATR's historical bytes (se_atr_hist_set, behind GPSystem.setATRHistBytes): default and
 *    set ATRs are well-formed (T0 counts them, TCK checks), durable, at most 15;
 *  - Final Application: in CARD_LOCKED and TERMINATED its holder is selectable, implicitly
 *    selected and runs; other applications do not; the ISD's GET DATA still works;
 *  - an applet selected when the card is locked answers 6985 until it is unlocked.
 */
#include <stdlib.h>
#include <string.h>

#include "cardrig.h"
#include "check.h"
#include "se/se_int.h"
#include "seam/gpclient.h"
#include "seam/sw.h"

static const uint8_t prov_pkg[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01};
static const uint8_t prov_app[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01, 0x01};
static const uint8_t probe_pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x61, 0x01};
static const uint8_t probe_app[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x61, 0x01, 0x01};
static const uint8_t probe_app2[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x61, 0x01, 0x02};

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

/* A fresh card with the provider applet (no privileges) and the probe with privileges priv. */
static bool setup(card_rig *r, const uint8_t priv[3])
{
    static const uint8_t none[3] = {0, 0, 0};
    if (!card_rig_open(r) || !card_rig_isd_session(r, 0x03)) return false;
    uint16_t sw = load_install(r, "applets/provider.jcl", prov_pkg, sizeof prov_pkg, prov_app,
                               sizeof prov_app, none);
    if (sw == SW_NO_ERROR)
        sw = load_install(r, "tests/gp/probe.jcl", probe_pkg, sizeof probe_pkg, probe_app,
                          sizeof probe_app, priv);
    if (sw != SW_NO_ERROR) fprintf(stderr, "  setup: %04X\n", sw);
    return sw == SW_NO_ERROR;
}

static uint8_t presp[300];
static size_t presp_len;

/* A raw command on channel ch: the SW (0: transport failure), data in presp. */
static uint16_t xmit(card_rig *r, uint8_t ch, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
                     const uint8_t *d, size_t n)
{
    uint8_t cmd[64] = {(uint8_t)(cla | ch), ins, p1, p2};
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
    gp_client c = {.card = r->card, .channel = ch};
    if (gp_transmit(&c, cmd, l, resp, sizeof resp, &rl, &sw) != SEAM_OK || rl < 2) return 0;
    presp_len = rl - 2;
    memcpy(presp, resp, presp_len);
    return sw;
}

/* Probe INS 10 (card state, own state) on channel ch, without selecting anything. */
static uint16_t probe_state(card_rig *r, uint8_t ch)
{
    return xmit(r, ch, 0x80, 0x10, 0, 0, NULL, 0);
}

static uint16_t select_on(card_rig *r, uint8_t ch, const uint8_t *aid, size_t n)
{
    return xmit(r, ch, 0x00, 0xA4, 0x04, 0x00, aid, n);
}

static bool reset(card_rig *r, uint8_t *atr, size_t *atr_len)
{
    uint8_t tmp[40];
    size_t n = 0;
    if (se_reset(r->se, atr ? atr : tmp, atr ? 40 : sizeof tmp, atr_len ? atr_len : &n) != SEAM_OK)
        return false;
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

static bool secure_card(card_rig *r)
{
    uint16_t sw = 0;
    if (!card_rig_isd_session(r, 0x03)) return false;
    if (gp_set_card_status(&r->ses, GP_CARD_INITIALIZED, &sw) || sw != SW_NO_ERROR) return false;
    if (gp_set_card_status(&r->ses, GP_CARD_SECURED, &sw) || sw != SW_NO_ERROR) return false;
    return true;
}

static store_id reg_of(card_rig *r, const uint8_t *aid, size_t n)
{
    return reg_find(r->se, aid, n, false, 0, false);
}

/* ---- Card Reset ---- */

static void test_card_reset(void)
{
    static const uint8_t cr[3] = {GP_PRIV0_CARD_RESET, 0, 0};
    card_rig r;
    REQUIRE(setup(&r, cr));
    se *s = r.se;
    store_id probe = reg_of(&r, probe_app, sizeof probe_app);
    REQUIRE(probe != 0);
    /* one holder: the ISD lost it */
    CHECK_EQ(ssd_priv_holder(s, 0, GP_PRIV0_CARD_RESET), probe);
    CHECK(!(reg_get(s, s->isd_id)->priv[0] & GP_PRIV0_CARD_RESET));
    /* after a reset the probe answers on channel 0 without SELECT */
    REQUIRE(reset(&r, NULL, NULL));
    CHECK_EQ(probe_state(&r, 0), SW_NO_ERROR);
    CHECK(presp_len == 2 && presp[0] == GP_CARD_OP_READY && presp[1] == GP_APP_SELECTABLE);
    /* a new channel opened from channel 0 still gets the ISD */
    CHECK_EQ(xmit(&r, 0, 0x00, 0x70, 0x00, 0x01, NULL, 0), SW_NO_ERROR);
    CHECK(probe_state(&r, 1) != SW_NO_ERROR);
    /* after a power cycle too */
    REQUIRE(cycle_state(&r) == GP_CARD_OP_READY);
    CHECK_EQ(probe_state(&r, 0), SW_NO_ERROR);

    /* granting it to a second instance takes it from the probe */
    REQUIRE(card_rig_isd_session(&r, 0x03));
    uint16_t sw = 0;
    REQUIRE(gp_install_for_install(&r.ses, GP_INSTALL_FOR_INSTALL_SELECTABLE, probe_pkg,
                                   sizeof probe_pkg, probe_app, sizeof probe_app, probe_app2,
                                   sizeof probe_app2, cr, 3, NULL, 0, &sw) == SEAM_OK);
    REQUIRE(sw == SW_NO_ERROR);
    s = r.se;
    store_id probe2 = reg_of(&r, probe_app2, sizeof probe_app2);
    CHECK_EQ(ssd_priv_holder(s, 0, GP_PRIV0_CARD_RESET), probe2);
    CHECK(!(reg_get(s, probe)->priv[0] & GP_PRIV0_CARD_RESET));

    /* deleting the holder gives implicit selection back to the ISD */
    REQUIRE(gp_delete(&r.ses, probe_app2, sizeof probe_app2, false, &sw) == SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(ssd_priv_holder(s, 0, GP_PRIV0_CARD_RESET), s->isd_id);
    CHECK(reg_get(s, s->isd_id)->priv[0] & GP_PRIV0_CARD_RESET);
    REQUIRE(reset(&r, NULL, NULL));
    CHECK(probe_state(&r, 0) != SW_NO_ERROR);
    CHECK_EQ(xmit(&r, 0, 0x80, 0xCA, 0x00, 0x66, NULL, 0), SW_NO_ERROR); /* the ISD's GET DATA */
    card_rig_close(&r);

    /* a LOCKED holder is not implicitly selected: the ISD is */
    REQUIRE(setup(&r, cr));
    REQUIRE(card_rig_select(&r, probe_app, sizeof probe_app) == SW_NO_ERROR);
    CHECK_EQ(xmit(&r, 0, 0x80, 0x16, 0x80, 0x00, NULL, 0), SW_NO_ERROR); /* locks itself */
    REQUIRE(reset(&r, NULL, NULL));
    CHECK(probe_state(&r, 0) != SW_NO_ERROR);
    card_rig_close(&r);
}

/* ---- ATR historical bytes ---- */

static bool atr_well_formed(const uint8_t *atr, size_t n, size_t *k)
{
    if (n < 7 || atr[0] != 0x3B || (atr[1] & 0xF0) != 0x80) return false;
    *k = atr[1] & 0x0F;
    if (n != 6 + *k + 1) return false;
    uint8_t x = 0;
    for (size_t i = 1; i < n; i++)
        x ^= atr[i];
    return x == 0; /* TCK makes T0..TCK XOR to 0 (ISO/IEC 7816-3 §8.2.5) */
}

static void test_atr_hist(void)
{
    card_rig r;
    REQUIRE(card_rig_open(&r));
    uint8_t atr[40];
    size_t n = 0, k = 0;
    REQUIRE(reset(&r, atr, &n));
    CHECK(atr_well_formed(atr, n, &k));
    CHECK_EQ(k, 10);
    CHECK(memcmp(atr + 6, "\x80\x73\xC0\x01\xDF\x54seam", 10) == 0);
    /* too small a buffer */
    uint8_t small[8];
    CHECK_EQ(se_reset(r.se, small, sizeof small, &n), SEAM_E_LENGTH);

    static const uint8_t h3[] = {0x80, 0x31, 0x42};
    CHECK_EQ(se_atr_hist_set(r.se, h3, sizeof h3), SEAM_OK);
    REQUIRE(reset(&r, atr, &n));
    CHECK(atr_well_formed(atr, n, &k));
    CHECK(k == 3 && memcmp(atr + 6, h3, 3) == 0);
    /* durable */
    REQUIRE(cycle_state(&r) != 0);
    REQUIRE(reset(&r, atr, &n));
    CHECK(atr_well_formed(atr, n, &k) && k == 3);
    /* 15 at most; 16 refused and nothing changes */
    uint8_t h16[16];
    for (int i = 0; i < 16; i++)
        h16[i] = (uint8_t)(0xA0 + i);
    CHECK_EQ(se_atr_hist_set(r.se, h16, 16), SEAM_E_ARG);
    CHECK_EQ(se_atr_hist_set(r.se, NULL, 3), SEAM_E_ARG);
    REQUIRE(reset(&r, atr, &n));
    CHECK(atr_well_formed(atr, n, &k) && k == 3);
    CHECK_EQ(se_atr_hist_set(r.se, h16, 15), SEAM_OK);
    REQUIRE(reset(&r, atr, &n));
    CHECK(atr_well_formed(atr, n, &k) && k == 15 && memcmp(atr + 6, h16, 15) == 0);
    /* none at all */
    CHECK_EQ(se_atr_hist_set(r.se, NULL, 0), SEAM_OK);
    REQUIRE(reset(&r, atr, &n));
    CHECK(atr_well_formed(atr, n, &k) && k == 0);
    card_rig_close(&r);
}

/* ---- Final Application, CARD_LOCKED, TERMINATED ---- */

static void test_final_application(void)
{
    static const uint8_t fa[3] = {0, GP_PRIV1_FINAL_APPLICATION, 0};
    card_rig r;
    REQUIRE(setup(&r, fa));
    se *s = r.se;
    CHECK_EQ(ssd_priv_holder(s, 1, GP_PRIV1_FINAL_APPLICATION),
             reg_of(&r, probe_app, sizeof probe_app));
    CHECK(!(reg_get(s, s->isd_id)->priv[1] & GP_PRIV1_FINAL_APPLICATION));
    REQUIRE(secure_card(&r));
    uint16_t sw = 0;
    REQUIRE(gp_set_card_status(&r.ses, GP_CARD_LOCKED, &sw) == SEAM_OK && sw == SW_NO_ERROR);
    /* CARD_LOCKED: the Final Application is selectable and runs; the provider is not */
    CHECK_EQ(card_rig_select(&r, probe_app, sizeof probe_app), SW_NO_ERROR);
    CHECK_EQ(probe_state(&r, 0), SW_NO_ERROR);
    CHECK(presp_len == 2 && presp[0] == GP_CARD_LOCKED);
    CHECK(card_rig_select(&r, prov_app, sizeof prov_app) != SW_NO_ERROR);
    /* implicitly selected after a reset while the card is locked */
    REQUIRE(reset(&r, NULL, NULL));
    CHECK_EQ(probe_state(&r, 0), SW_NO_ERROR);

    /* TERMINATED: the ISD's GET DATA and the Final Application only */
    REQUIRE(card_rig_isd_session(&r, 0x03));
    REQUIRE(gp_set_card_status(&r.ses, GP_CARD_TERMINATED, &sw) == SEAM_OK && sw == SW_NO_ERROR);
    CHECK_EQ(cycle_state(&r), GP_CARD_TERMINATED);
    CHECK_EQ(probe_state(&r, 0), SW_NO_ERROR); /* implicitly selected */
    CHECK(presp_len == 2 && presp[0] == GP_CARD_TERMINATED);
    CHECK(card_rig_select(&r, prov_app, sizeof prov_app) != SW_NO_ERROR);
    CHECK_EQ(select_on(&r, 0, NULL, 0), SW_NO_ERROR); /* the ISD */
    CHECK_EQ(xmit(&r, 0, 0x80, 0xCA, 0x00, 0x66, NULL, 0), SW_NO_ERROR);
    CHECK_EQ(xmit(&r, 0, 0x80, 0x50, 0x00, 0x00, (const uint8_t *)"01234567", 8),
             SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    CHECK_EQ(card_rig_select(&r, probe_app, sizeof probe_app), SW_NO_ERROR);
    CHECK_EQ(probe_state(&r, 0), SW_NO_ERROR);
    card_rig_close(&r);

    /* without a Final Application: the ISD alone, as before */
    static const uint8_t none[3] = {0, 0, 0};
    REQUIRE(setup(&r, none));
    REQUIRE(secure_card(&r));
    REQUIRE(gp_set_card_status(&r.ses, GP_CARD_LOCKED, &sw) == SEAM_OK && sw == SW_NO_ERROR);
    CHECK(card_rig_select(&r, probe_app, sizeof probe_app) != SW_NO_ERROR);
    REQUIRE(reset(&r, NULL, NULL));
    CHECK(probe_state(&r, 0) != SW_NO_ERROR);
    card_rig_close(&r);
}

static void test_locked_stops_selected(void)
{
    static const uint8_t none[3] = {0, 0, 0};
    static const uint8_t fa[3] = {0, GP_PRIV1_FINAL_APPLICATION, 0};
    card_rig r;
    REQUIRE(setup(&r, none));
    REQUIRE(secure_card(&r));
    /* the probe on channel 1, the ISD's session on channel 0 */
    REQUIRE(xmit(&r, 0, 0x00, 0x70, 0x00, 0x01, NULL, 0) == SW_NO_ERROR);
    REQUIRE(select_on(&r, 1, probe_app, sizeof probe_app) == SW_NO_ERROR);
    CHECK_EQ(probe_state(&r, 1), SW_NO_ERROR);
    uint16_t sw = 0;
    REQUIRE(gp_set_card_status(&r.ses, GP_CARD_LOCKED, &sw) == SEAM_OK && sw == SW_NO_ERROR);
    CHECK_EQ(probe_state(&r, 1), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    CHECK_EQ(presp_len, 0);
    CHECK_EQ(xmit(&r, 1, 0x00, 0xC0, 0, 0, NULL, 0), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    /* a SELECT of its own AID is not selectable and does not reach it */
    CHECK(select_on(&r, 1, probe_app, sizeof probe_app) != SW_NO_ERROR);
    CHECK_EQ(probe_state(&r, 1), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    /* unlocked: it runs again */
    REQUIRE(gp_set_card_status(&r.ses, GP_CARD_SECURED, &sw) == SEAM_OK && sw == SW_NO_ERROR);
    CHECK_EQ(probe_state(&r, 1), SW_NO_ERROR);
    CHECK(presp_len == 2 && presp[0] == GP_CARD_SECURED);
    card_rig_close(&r);

    /* the Final Application selected when the card is locked goes on */
    REQUIRE(setup(&r, fa));
    REQUIRE(secure_card(&r));
    REQUIRE(xmit(&r, 0, 0x00, 0x70, 0x00, 0x01, NULL, 0) == SW_NO_ERROR);
    REQUIRE(select_on(&r, 1, probe_app, sizeof probe_app) == SW_NO_ERROR);
    REQUIRE(gp_set_card_status(&r.ses, GP_CARD_LOCKED, &sw) == SEAM_OK && sw == SW_NO_ERROR);
    CHECK_EQ(probe_state(&r, 1), SW_NO_ERROR);
    CHECK(presp_len == 2 && presp[0] == GP_CARD_LOCKED);
    card_rig_close(&r);
}

/* GPSystem.setATRHistBytes from an applet (probe INS 24): true and effective at the next reset
 * for the Card Reset holder only. */
static void test_atr_hist_from_applet(void)
{
    static const uint8_t cr[3] = {GP_PRIV0_CARD_RESET, 0, 0};
    static const uint8_t none[3] = {0, 0, 0};
    static const uint8_t h[] = {0x80, 0x31, 0x80, 0x65};
    uint8_t atr[40];
    size_t n = 0, k = 0;
    card_rig r;
    /* not the holder: false, the ATR keeps its default bytes */
    REQUIRE(setup(&r, none));
    REQUIRE(select_on(&r, 0, probe_app, sizeof probe_app) == SW_NO_ERROR);
    CHECK_EQ(xmit(&r, 0, 0x80, 0x24, 0, 0, h, sizeof h), SW_NO_ERROR);
    CHECK(presp_len == 1 && presp[0] == 0);
    REQUIRE(reset(&r, atr, &n));
    CHECK(atr_well_formed(atr, n, &k) && k == 10);
    card_rig_close(&r);
    /* the holder: true, and the next reset carries its bytes */
    REQUIRE(setup(&r, cr));
    REQUIRE(select_on(&r, 0, probe_app, sizeof probe_app) == SW_NO_ERROR);
    CHECK_EQ(xmit(&r, 0, 0x80, 0x24, 0, 0, h, sizeof h), SW_NO_ERROR);
    CHECK(presp_len == 1 && presp[0] == 1);
    REQUIRE(reset(&r, atr, &n));
    CHECK(atr_well_formed(atr, n, &k));
    CHECK(k == sizeof h && memcmp(atr + 6, h, sizeof h) == 0);
    card_rig_close(&r);
}

int main(void)
{
    RUN(test_card_reset);
    RUN(test_atr_hist);
    RUN(test_atr_hist_from_applet);
    RUN(test_final_application);
    RUN(test_locked_stops_selected);
    return check_summary();
}
