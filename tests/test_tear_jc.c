/*
 * The tear test of the Java Card runtime and GP content management (issue "Java Card runtime":
 * "power cut at every write of install + a run of transactions + delete; every power-up sees a
 * consistent registry and heap"). Same method as tests/test_tear.c: a reference run of the
 * workload records every durable state (store commit hook) and counts the low-level writes W;
 * then for every n in 1..W the workload runs on a fresh chip with the power cut at write n, and
 * the next power-up must open, show exactly the last durable state before the cut or the one
 * being written, and still work: whatever the registry says is there can be used (the applet
 * selects and answers, its counter is what the state says), and what is missing can be
 * installed again.
 *
 * Workload: SCP03 session with the ISD; INSTALL [for load] + LOAD of build/applets/echo.jcl in
 * several blocks; INSTALL [for install and make selectable]; SELECT the applet; 5 x INS 02
 * (a transaction each) and INS 01; SELECT ISD; DELETE the package and its applet (P2 80).
 * Also checked: every command makes at most one durable update (the whole command or nothing),
 * except EXTERNAL AUTHENTICATE (spend a try, give it back).
 */
#include <stdlib.h>

#include "check.h"
#include "tearrig.h"
#include "seam/gpclient.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/transport.h"

static const uint8_t seed[] = "seam jc tear test";
static const uint8_t pkg_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01};
static const uint8_t app_aid[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01};
static uint8_t *jcl;
static size_t jcl_len;
static gp_keys k_test;

typedef struct {
    se *card;
    seam_card *hc;
    gp_client cl;
    gp_session gs;
} rig;

static seam_err power_up(rig *r, store_medium *m, char *msg, size_t cap)
{
    cr_rng_seed_deterministic(seed, sizeof seed);
    se_config cfg = {.medium = m, .quiet = true};
    seam_err e = se_open(&r->card, &cfg, msg, cap);
    if (e != SEAM_OK) return e;
    seam_card_fns f = tear_card_fns(r->card);
    e = card_open_fns(&r->hc, &f);
    if (e != SEAM_OK) {
        se_close(r->card);
        return e;
    }
    memset(&r->cl, 0, sizeof r->cl);
    r->cl.card = r->hc;
    memset(&r->gs, 0, sizeof r->gs);
    gp_session_plain(&r->gs, &r->cl);
    return SEAM_OK;
}

static void power_down(rig *r)
{
    gp_session_close(&r->gs);
    card_close(r->hc);
    se_close(r->card);
}

static seam_err expect(seam_err e, uint16_t sw, uint16_t want, const char *what)
{
    if (e != SEAM_OK) return e;
    if (sw != want) {
        fprintf(stderr, "  workload: %s gave %04X, wanted %04X\n", what, sw, want);
        return SEAM_E_PROTOCOL;
    }
    return SEAM_OK;
}

#define DO(expr, want, what)                                                                       \
    do {                                                                                           \
        uint16_t sw = 0;                                                                           \
        seam_err e_ = (expr);                                                                      \
        e_ = expect(e_, sw, (want), (what));                                                       \
        if (e_ != SEAM_OK) return e_;                                                              \
    } while (0)

static seam_err isd_session(rig *r)
{
    uint8_t buf[300];
    size_t n;
    DO(gp_select(&r->cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, buf, sizeof buf, &n, &sw),
       SW_NO_ERROR, "select ISD");
    gp_session_close(&r->gs);
    DO(gp_session_open(&r->gs, &r->cl, &k_test, 0x33, NULL, 8, &sw), SW_NO_ERROR, "session");
    return SEAM_OK;
}

static seam_err load(rig *r)
{
    DO(gp_install_for_load(&r->gs, pkg_aid, sizeof pkg_aid, NULL, 0, &sw), SW_NO_ERROR,
       "install for load");
    DO(gp_load(&r->gs, jcl, jcl_len, 200, NULL, &sw), SW_NO_ERROR, "load");
    return SEAM_OK;
}

static seam_err install(rig *r)
{
    static const uint8_t priv = 0;
    DO(gp_install_for_install(&r->gs, GP_INSTALL_FOR_INSTALL_SELECTABLE, pkg_aid, sizeof pkg_aid,
                              app_aid, sizeof app_aid, app_aid, sizeof app_aid, &priv, 1, NULL, 0,
                              &sw),
       SW_NO_ERROR, "install");
    return SEAM_OK;
}

/* INS 02 on the selected echo applet: *value gets the counter it returns. */
static seam_err count(rig *r, unsigned *value)
{
    static const uint8_t c2[] = {0x80, 0x02, 0x00, 0x00, 0x00};
    uint8_t buf[300];
    size_t n;
    DO(gp_transmit(&r->cl, c2, sizeof c2, buf, sizeof buf, &n, &sw), SW_NO_ERROR, "INS 02");
    if (n != 4) return SEAM_E_PROTOCOL;
    *value = (unsigned)buf[0] << 8 | buf[1];
    return SEAM_OK;
}

static seam_err workload(rig *r)
{
    seam_err e;
    uint8_t buf[300];
    size_t n;
    if ((e = isd_session(r)) || (e = load(r)) || (e = install(r))) return e;
    DO(gp_select(&r->cl, app_aid, sizeof app_aid, buf, sizeof buf, &n, &sw), SW_NO_ERROR,
       "select echo");
    for (unsigned i = 1; i <= 5; i++) {
        unsigned v;
        if ((e = count(r, &v))) return e;
        if (v != i) return SEAM_E_PROTOCOL;
    }
    static const uint8_t c1[] = {0x80, 0x01, 0x00, 0x00, 0x02, 0xCA, 0xFE, 0x00};
    DO(gp_transmit(&r->cl, c1, sizeof c1, buf, sizeof buf, &n, &sw), SW_NO_ERROR, "INS 01");
    if ((e = isd_session(r))) return e;
    DO(gp_delete(&r->gs, pkg_aid, sizeof pkg_aid, true, &sw), SW_NO_ERROR, "delete");
    return SEAM_OK;
}

/* After a power-up: whatever is there works, whatever is not can be installed, and the whole
 * content can be deleted. */
static void check_works(rig *r)
{
    uint8_t buf[300];
    size_t n;
    uint16_t sw;
    REQUIRE(isd_session(r) == SEAM_OK);
    gp_status_entry st[16];
    size_t cnt = 0;
    REQUIRE(gp_get_status(&r->gs, 0x20, st, 16, &cnt, &sw) == SEAM_OK);
    /* the card's security domain load file (docs/ssd.md) is always listed first */
    bool have_pkg = sw == SW_NO_ERROR && cnt == 2;
    REQUIRE(have_pkg || (sw == SW_NO_ERROR && cnt == 1));
    cnt = 0;
    REQUIRE(gp_get_status(&r->gs, 0x40, st, 16, &cnt, &sw) == SEAM_OK);
    bool have_app = sw == SW_NO_ERROR && cnt == 1;
    REQUIRE(have_app || sw == SW_REFERENCED_DATA_NOT_FOUND);
    CHECK(!have_app || have_pkg);
    if (!have_pkg) REQUIRE(load(r) == SEAM_OK);
    if (!have_app) REQUIRE(install(r) == SEAM_OK);
    CHECK(gp_select(&r->cl, app_aid, sizeof app_aid, buf, sizeof buf, &n, &sw) == SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    unsigned a = 0, b = 0;
    CHECK(count(r, &a) == SEAM_OK);
    CHECK(count(r, &b) == SEAM_OK);
    CHECK_EQ(b, a + 1);
    CHECK(a >= 1 && a <= 6);
    REQUIRE(isd_session(r) == SEAM_OK);
    CHECK(gp_delete(&r->gs, pkg_aid, sizeof pkg_aid, true, &sw) == SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
}

/* tests/tearrig.h callbacks */
static seam_err up(void *ctx, store_medium *m, char *msg, size_t cap)
{
    return power_up(ctx, m, msg, cap);
}

static se *se_of(void *ctx)
{
    return ((rig *)ctx)->card;
}

static void down(void *ctx)
{
    power_down(ctx);
}

static seam_err work(void *ctx)
{
    return workload(ctx);
}

static void works(void *ctx)
{
    check_works(ctx);
}

static void test_tear_every_write(void)
{
    char path[1024];
    const char *b = getenv("SEAM_BUILD");
    snprintf(path, sizeof path, "%s/applets/echo.jcl", b ? b : "build");
    FILE *f = fopen(path, "rb");
    REQUIRE(f != NULL);
    static uint8_t buf[1 << 16];
    jcl_len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    jcl = buf;
    REQUIRE(jcl_len > 0 && jcl_len < sizeof buf);
    uint8_t t[16];
    for (int i = 0; i < 16; i++) t[i] = (uint8_t)(0x40 + i);
    gp_keys_set(&k_test, t, t, t, 16, 0xFF);

    static rig r;
    tear_spec spec = {up, se_of, down, work, works, NULL, &r, 11, 9};
    tear_every_write(&spec);
}

int main(void)
{
    RUN(test_tear_every_write);
    gp_keys_wipe(&k_test);
    return check_summary();
}
