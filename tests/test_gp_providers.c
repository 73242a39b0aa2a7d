/*
 * Two service providers on one card (issue 6, item 7): the acceptance tests of "GP for many
 * providers". One in-process card, its ISD, and two provider Supplementary Security Domains A and
 * B, each created by the ISD (GP CS 2.3.1 §11.5.2.3.2), given its first key set through the ISD
 * (INSTALL [for personalization] + PUT KEY, §11.5.2.3.6, §11.8), PERSONALIZED (§5.3.2) and
 * holding Authorized Management (§6.6.1.10). The provider applet (applets/provider,
 * docs/gp-api.md) runs once per provider, associated with that provider's SSD (§7.2):
 *   - A's instances F070726F7601010A and F070726F7601010C were installed by SSD A itself, under
 *     its own session, from the ISD's load file;
 *   - B's instance F070726F7601010B was installed by the ISD and extradited to SSD B
 *     (§11.5.2.3.4);
 *   - B also loaded a load file of its own (the probe package of tests/jc/gp) and installed an
 *     instance of it, so that "B's load file" exists.
 * Each provider's server talks to its applet over its own SCP03 session (Amendment D) opened with
 * its SSD's keys THROUGH the applet (SecureChannel.processSecurity), on its own logical channel.
 *
 * What the tests prove, one function each:
 *   test_world               the set-up above is what GET STATUS (ISD) says it is;
 *   test_keys_stay_home      A's keys authenticate neither to SSD B nor through B's applet (and
 *                            the other way round); the ISD's keys open no provider channel and a
 *                            provider's keys do not open the ISD; the right keys still work;
 *   test_no_cross_management A under SSD A's session cannot install into B, delete or extradite
 *                            B's applet, load file or SSD, lock B's applet or SSD, set their
 *                            state, put keys into B, or see B's entries in GET STATUS; every
 *                            refusal leaves the store byte for byte unchanged (its digest);
 *                            and the same for B against A;
 *   test_select_leaks_nothing B's applet selected without B's session, fresh, while A is
 *                            authenticated on other channels, after failed authentications,
 *                            while B's own session runs on another channel of the same
 *                            (MultiSelectable) applet, after a replay of B's traffic, and
 *                            locked: every record read answers 6982 (or SELECT fails), with no
 *                            data, and the store is unchanged;
 *   test_channels_3_and_5    A on channel 3 and B on channel 5 interleaved, records kept apart;
 *                            a bad MAC tears one down while the other goes on, both ways;
 *   test_same_provider_twice A on 3 with A's applet and on 5 with A's second instance, with the
 *                            same instance (MultiSelectable), and with SSD A itself: independent
 *                            sessions with the same keys;
 *   test_dap_across_providers (SSD A with DAP Verification and Delegated Management) a load into
 *                            A without A's DAP, with a DAP naming A but signed by B's key, with
 *                            A's genuine DAP of another load file (replay) or a truncated block
 *                            is refused, leaves the store unchanged and no load file; B cannot
 *                            load into A even with a genuine token; the genuine load works;
 *   test_tokens_across_providers (A and B with Delegated Management, the issuer's token key in
 *                            the ISD) a used token is refused when replayed by B or by A; genuine
 *                            issuer tokens naming B's applet (delete, extradite to A, make
 *                            selectable) do not let A touch it; tokens A signs itself, truncated
 *                            or bit-flipped tokens are refused; the store is unchanged each time.
 * And the four holes the acceptance review found, each an APDU sequence that used to answer
 * 9000 and is now refused with the store unchanged:
 *   test_token_bound_to_sd   the issuer's token for B's install sent by SSD A (tokens sign the
 *                            executing SD's AID; docs/dap.md);
 *   test_isd_cannot_extradite_provider_content  the ISD extraditing B's applet to itself, which
 *                            would have let the ISD's keys open it (docs/ssd.md);
 *   test_no_push_into_other_provider, test_no_push_delegated  SSD A (or DM SSD B with a token)
 *                            pushing its content into the other provider's SSD or the ISD; only
 *                            its own sub-domains may receive it;
 *   test_locked_while_selected  B's applet locked by the ISD while B's session runs on channel 5:
 *                            its commands answer 6985 without reaching it, its SELECT 6A82.
 */
#include <stdlib.h>
#include <string.h>

#include "cardrig.h"
#include "check.h"
#include "seam/crypto.h"
#include "seam/gpclient.h"
#include "seam/gpsig.h"
#include "seam/se.h"
#include "seam/store.h"
#include "seam/sw.h"

static const uint8_t ISD[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00};
static const uint8_t SSD_A[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x0A};
static const uint8_t SSD_B[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x0B};
static const uint8_t PROV_PKG[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01};
static const uint8_t PROV_MOD[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01, 0x01};
static const uint8_t APP_A[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01, 0x01, 0x0A};
static const uint8_t APP_A2[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01, 0x01, 0x0C};
static const uint8_t APP_B[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01, 0x01, 0x0B};
static const uint8_t B_PKG[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x61, 0x01}; /* probe package */
static const uint8_t B_MOD[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x61, 0x01, 0x01};
static const uint8_t B_APP2[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x61, 0x01, 0x0B};
static const uint8_t NEW_APP[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01, 0x01, 0xEE};
static const uint8_t TEST_KEY[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

#define LVL_ALL 0x33 /* C-MAC, C-DEC, R-MAC, R-ENC */
#define PRIV_AM_SD 0x80, 0x40, 0x00

/* The secrets each provider's server keeps in its applet's record 0. */
static const uint8_t SECRET_A[] = "provider-A:meter=000421.7kWh";
static const uint8_t SECRET_B[] = "provider-B:tariff=night-0.19";

static card_rig R;
static gp_keys KA, KB, KISD; /* A's and B's SSD keys share KVN 30; the ISD's key set is FF */

/* ---- one host on one logical channel ---- */

typedef struct {
    gp_client cl;
    gp_session ses;
} party;

static void party_init(party *p, uint8_t ch)
{
    memset(p, 0, sizeof *p);
    p->cl.card = R.card;
    p->cl.channel = ch;
    gp_session_plain(&p->ses, &p->cl);
}

static void party_end(party *p)
{
    gp_session_close(&p->ses);
}

static uint16_t chan_manage(uint8_t p1, uint8_t ch)
{
    uint8_t cmd[4] = {0x00, 0x70, p1, ch}, resp[8];
    size_t rl;
    uint16_t sw = 0;
    gp_client basic = {.card = R.card, .channel = 0};
    if (gp_transmit(&basic, cmd, 4, resp, sizeof resp, &rl, &sw) != SEAM_OK) return 0;
    return sw;
}

static uint16_t chan_open(uint8_t ch)
{
    return chan_manage(0x00, ch);
}

/* SELECT aid on p's channel; the session (if any) is dropped on the host side first. *fci_len
 * gets the length of the answer's data. */
static uint16_t party_select(party *p, const uint8_t *aid, size_t n, size_t *fci_len)
{
    uint8_t fci[256];
    size_t fl = 0;
    uint16_t sw = 0;
    gp_session_close(&p->ses);
    gp_session_plain(&p->ses, &p->cl);
    if (gp_select(&p->cl, aid, n, fci, sizeof fci, &fl, &sw) != SEAM_OK) return 0;
    if (fci_len) *fci_len = fl;
    return sw;
}

static seam_err party_auth(party *p, const gp_keys *k, uint8_t level)
{
    uint16_t sw = 0;
    gp_session_close(&p->ses);
    gp_session_plain(&p->ses, &p->cl);
    return gp_session_open(&p->ses, &p->cl, k, level, NULL, 8, &sw);
}

/* SELECT aid and authenticate with k at level 33: the gp_session_open result. */
static seam_err party_open(party *p, const uint8_t *aid, size_t n, const gp_keys *k)
{
    if (party_select(p, aid, n, NULL) != SW_NO_ERROR) return SEAM_E_NOT_FOUND;
    return party_auth(p, k, LVL_ALL);
}

static uint16_t rec_write(party *p, uint8_t rec, const uint8_t *d, size_t n)
{
    return card_rig_rec_write(&p->ses, rec, d, n);
}

/* READ RECORD through p's session; out (cap 300) gets the record. */
static uint16_t rec_read(party *p, uint8_t rec, uint8_t *out, size_t *n)
{
    return card_rig_rec_read(&p->ses, rec, out, n);
}

/* The record rec reads back as exactly want. */
static bool rec_is(party *p, uint8_t rec, const uint8_t *want, size_t n)
{
    uint8_t got[300];
    size_t gl = 0;
    return rec_read(p, rec, got, &gl) == SW_NO_ERROR && gl == n && memcmp(got, want, n) == 0;
}

/* A raw command on p's channel (the caller sets the CLA's channel bits); *data_len gets the
 * length of the answer without its SW. */
static uint16_t raw(party *p, const uint8_t *cmd, size_t len, size_t *data_len)
{
    uint8_t resp[300];
    size_t rl = 0;
    uint16_t sw = 0;
    if (gp_transmit(&p->cl, cmd, len, resp, sizeof resp, &rl, &sw) != SEAM_OK) return 0;
    if (data_len) *data_len = rl >= 2 ? rl - 2 : 0;
    return sw;
}

/* A plain card content command through p's session: the SW (0 when the exchange failed). */
static uint16_t cmd(party *p, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data, size_t lc)
{
    uint8_t out[APDU_MAX_RESPONSE];
    size_t ol;
    return card_rig_cmd(&p->ses, ins, p1, p2, data, lc, out, sizeof out, &ol);
}

/* expr (a status word) must be want, and the store must be byte for byte what it was. */
#define REFUSED(want, expr) CARD_RIG_REFUSED(&R, want, expr)

/* ---- the world: ISD, SSD A and B, their applets and secrets ---- */

static bool step(const char *what, seam_err e, uint16_t sw)
{
    if (e == SEAM_OK && sw == SW_NO_ERROR) return true;
    fprintf(stderr, "  set-up: %s: %s %04X\n", what, seam_strerror(e), sw);
    return false;
}

/* A set-up step that calls a host library function with &sw: the call is sequenced before sw
 * is read (the comma operator). */
static seam_err step_e;
#define STEP(what, call) (step_e = (call), step((what), step_e, sw))

static bool load_jcl(gp_session *s, const char *rel, const uint8_t *pkg, size_t pkg_len,
                     const uint8_t *sd, size_t sd_len)
{
    size_t n = 0;
    uint16_t sw = 0;
    uint8_t *jcl = card_rig_build_file(rel, &n);
    if (!jcl) return false;
    bool ok = STEP("INSTALL [for load]", gp_install_for_load(s, pkg, pkg_len, sd, sd_len, &sw)) &&
              STEP("LOAD", gp_load(s, jcl, n, 0, NULL, &sw));
    free(jcl);
    return ok;
}

static bool install(gp_session *s, const uint8_t *pkg, size_t pkg_len, const uint8_t *mod,
                    size_t mod_len, const uint8_t *app, size_t app_len)
{
    static const uint8_t none = 0;
    uint16_t sw = 0;
    return STEP("INSTALL [for install]",
                gp_install_for_install(s, GP_INSTALL_FOR_INSTALL_SELECTABLE, pkg, pkg_len, mod,
                                       mod_len, app, app_len, &none, 1, NULL, 0, &sw));
}

/* The ISD (on channel 0) creates an SSD with Authorized Management, gives it its first keys and
 * makes it PERSONALIZED. */
static bool make_ssd(const uint8_t *aid, size_t n, const gp_keys *k)
{
    static const uint8_t priv[3] = {PRIV_AM_SD};
    uint16_t sw = 0;
    return STEP("create SSD", gp_create_sd(&R.ses, aid, n, priv, 3, NULL, 0, &sw)) &&
           STEP("INSTALL [for personalization]", gp_install_for_perso(&R.ses, aid, n, &sw)) &&
           STEP("PUT KEY", gp_put_key_aes(&R.ses, k, 0, &sw)) &&
           STEP("SET STATUS PERSONALIZED",
                gp_set_app_status(&R.ses, GP_SET_STATUS_APP, GP_SD_PERSONALIZED, aid, n, &sw));
}

static bool world_build(void)
{
    if (!card_rig_open(&R) || !card_rig_isd_session(&R, LVL_ALL)) return false;
    uint16_t sw = 0;
    if (!load_jcl(&R.ses, "applets/provider.jcl", PROV_PKG, sizeof PROV_PKG, NULL, 0) ||
        !make_ssd(SSD_A, sizeof SSD_A, &KA) || !make_ssd(SSD_B, sizeof SSD_B, &KB))
        return false;
    /* B's applet: installed by the ISD, then extradited to SSD B */
    if (!install(&R.ses, PROV_PKG, sizeof PROV_PKG, PROV_MOD, sizeof PROV_MOD, APP_B,
                 sizeof APP_B) ||
        !STEP("extradite", gp_extradite(&R.ses, APP_B, sizeof APP_B, SSD_B, sizeof SSD_B, &sw)))
        return false;
    /* A's applets: installed by SSD A under its own session (Authorized Management) */
    party a;
    party_init(&a, 0);
    bool ok = step("SSD A session", party_open(&a, SSD_A, sizeof SSD_A, &KA), SW_NO_ERROR) &&
              install(&a.ses, PROV_PKG, sizeof PROV_PKG, PROV_MOD, sizeof PROV_MOD, APP_A,
                      sizeof APP_A) &&
              install(&a.ses, PROV_PKG, sizeof PROV_PKG, PROV_MOD, sizeof PROV_MOD, APP_A2,
                      sizeof APP_A2);
    party_end(&a);
    if (!ok) return false;
    /* B's own load file (associated with B) and an instance of it */
    party b;
    party_init(&b, 0);
    ok = step("SSD B session", party_open(&b, SSD_B, sizeof SSD_B, &KB), SW_NO_ERROR) &&
         load_jcl(&b.ses, "tests/gp/probe.jcl", B_PKG, sizeof B_PKG, NULL, 0) &&
         install(&b.ses, B_PKG, sizeof B_PKG, B_MOD, sizeof B_MOD, B_APP2, sizeof B_APP2);
    party_end(&b);
    if (!ok) return false;
    /* each server writes its secret */
    party_init(&a, 0);
    party_init(&b, 0);
    ok = step("A's applet session", party_open(&a, APP_A, sizeof APP_A, &KA), SW_NO_ERROR) &&
         step("A writes", SEAM_OK, rec_write(&a, 0, SECRET_A, sizeof SECRET_A - 1));
    party_end(&a);
    ok = ok && step("B's applet session", party_open(&b, APP_B, sizeof APP_B, &KB), SW_NO_ERROR) &&
         step("B writes", SEAM_OK, rec_write(&b, 0, SECRET_B, sizeof SECRET_B - 1));
    party_end(&b);
    gp_session_close(&R.ses);
    gp_session_plain(&R.ses, &R.cl);
    return ok;
}

/* The world on a fresh card in R; on failure R is closed again. */
static bool world(void)
{
    if (world_build()) return true;
    card_rig_close(&R);
    return false;
}

/* The GET STATUS entry of aid (P1 p1) seen through s: true when listed. */
static bool listed(gp_session *s, uint8_t p1, const uint8_t *aid, size_t n, gp_status_entry *out)
{
    gp_status_entry e[24];
    size_t cnt = 0;
    uint16_t sw = 0;
    if (gp_get_status(s, p1, e, 24, &cnt, &sw) != SEAM_OK) return false;
    for (size_t i = 0; i < cnt; i++)
        if (e[i].aid_len == n && memcmp(e[i].aid, aid, n) == 0) {
            if (out) *out = e[i];
            return true;
        }
    return false;
}

static bool assoc_is(gp_session *s, uint8_t p1, const uint8_t *aid, size_t n, const uint8_t *sd,
                     size_t sd_len)
{
    gp_status_entry e;
    return listed(s, p1, aid, n, &e) && e.sd_aid_len == sd_len && memcmp(e.sd_aid, sd, sd_len) == 0;
}

/* ---- tests ---- */

static void test_world(void)
{
    REQUIRE(world());
    REQUIRE(card_rig_isd_session(&R, LVL_ALL));
    gp_status_entry e;
    REQUIRE(listed(&R.ses, GP_STATUS_APPS, SSD_A, sizeof SSD_A, &e));
    CHECK_EQ(e.lifecycle, GP_SD_PERSONALIZED);
    CHECK(e.priv[0] == 0x80 && e.priv[1] == 0x40 && e.priv[2] == 0x00);
    REQUIRE(listed(&R.ses, GP_STATUS_APPS, SSD_B, sizeof SSD_B, &e));
    CHECK_EQ(e.lifecycle, GP_SD_PERSONALIZED);
    CHECK(assoc_is(&R.ses, GP_STATUS_APPS, APP_A, sizeof APP_A, SSD_A, sizeof SSD_A));
    CHECK(assoc_is(&R.ses, GP_STATUS_APPS, APP_A2, sizeof APP_A2, SSD_A, sizeof SSD_A));
    CHECK(assoc_is(&R.ses, GP_STATUS_APPS, APP_B, sizeof APP_B, SSD_B, sizeof SSD_B));
    CHECK(assoc_is(&R.ses, GP_STATUS_APPS, B_APP2, sizeof B_APP2, SSD_B, sizeof SSD_B));
    CHECK(assoc_is(&R.ses, GP_STATUS_LOAD_FILES, B_PKG, sizeof B_PKG, SSD_B, sizeof SSD_B));
    CHECK(assoc_is(&R.ses, GP_STATUS_LOAD_FILES, PROV_PKG, sizeof PROV_PKG, ISD, sizeof ISD));
    /* each server reads its own secret back */
    party a, b;
    party_init(&a, 0);
    party_init(&b, 0);
    REQUIRE(party_open(&a, APP_A, sizeof APP_A, &KA) == SEAM_OK);
    CHECK(rec_is(&a, 0, SECRET_A, sizeof SECRET_A - 1));
    REQUIRE(party_open(&b, APP_B, sizeof APP_B, &KB) == SEAM_OK);
    CHECK(rec_is(&b, 0, SECRET_B, sizeof SECRET_B - 1));
    party_end(&a);
    party_end(&b);
    card_rig_close(&R);
}

static void test_keys_stay_home(void)
{
    REQUIRE(world());
    party p;
    party_init(&p, 0);
    gp_keys ka0 = KA, isd30 = KISD;
    ka0.kvn = 0;      /* "any key set": the SD's first */
    isd30.kvn = 0x30; /* the issuer's key values under the providers' KVN */
    /* A's keys: not on SSD B, not through B's applet (its KVN there, or any) */
    CHECK_EQ(party_open(&p, SSD_B, sizeof SSD_B, &KA), SEAM_E_AUTH);
    CHECK_EQ(party_open(&p, SSD_B, sizeof SSD_B, &ka0), SEAM_E_AUTH);
    CHECK_EQ(party_open(&p, APP_B, sizeof APP_B, &KA), SEAM_E_AUTH);
    CHECK_EQ(party_open(&p, APP_B, sizeof APP_B, &ka0), SEAM_E_AUTH);
    /* B's keys: not on SSD A, not through A's applets */
    CHECK_EQ(party_open(&p, SSD_A, sizeof SSD_A, &KB), SEAM_E_AUTH);
    CHECK_EQ(party_open(&p, APP_A, sizeof APP_A, &KB), SEAM_E_AUTH);
    CHECK_EQ(party_open(&p, APP_A2, sizeof APP_A2, &KB), SEAM_E_AUTH);
    /* the ISD's keys open no provider channel: with its KVN (FF) there is no such key set in
     * the SSD (6A88), with any KVN the cryptogram does not match */
    static const uint8_t *const prov[] = {SSD_A, SSD_B, APP_A, APP_A2, APP_B};
    static const size_t prov_len[] = {sizeof SSD_A, sizeof SSD_B, sizeof APP_A, sizeof APP_A2,
                                      sizeof APP_B};
    for (size_t i = 0; i < 5; i++) {
        CHECK_EQ(party_open(&p, prov[i], prov_len[i], &KISD), SEAM_E_PROTOCOL);
        gp_keys any = KISD;
        any.kvn = 0;
        CHECK_EQ(party_open(&p, prov[i], prov_len[i], &any), SEAM_E_AUTH);
        CHECK_EQ(party_open(&p, prov[i], prov_len[i], &isd30), SEAM_E_AUTH);
    }
    /* a provider's keys do not open the ISD */
    CHECK(party_open(&p, ISD, sizeof ISD, &KA) != SEAM_OK);
    CHECK(party_open(&p, ISD, sizeof ISD, &ka0) != SEAM_OK);
    CHECK(party_open(&p, ISD, sizeof ISD, &KB) != SEAM_OK);
    /* a forged EXTERNAL AUTHENTICATE through B's applet after a genuine INITIALIZE UPDATE */
    REQUIRE(party_select(&p, APP_B, sizeof APP_B, NULL) == SW_NO_ERROR);
    static const uint8_t iu[] = {0x80, 0x50, 0x30, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
    CHECK_EQ(raw(&p, iu, sizeof iu, NULL), SW_NO_ERROR);
    uint8_t ea[5 + 16] = {0x84, 0x82, 0x33, 0x00, 0x10};
    CHECK_EQ(raw(&p, ea, sizeof ea, NULL), 0x6300);
    /* each still opens its own, and A's authentication leaves B's secret where it is */
    CHECK_EQ(party_open(&p, SSD_A, sizeof SSD_A, &KA), SEAM_OK);
    CHECK_EQ(party_open(&p, SSD_B, sizeof SSD_B, &KB), SEAM_OK);
    CHECK_EQ(party_open(&p, ISD, sizeof ISD, &KISD), SEAM_OK);
    REQUIRE(party_open(&p, APP_A, sizeof APP_A, &KA) == SEAM_OK);
    CHECK(rec_is(&p, 0, SECRET_A, sizeof SECRET_A - 1));
    REQUIRE(party_open(&p, APP_B, sizeof APP_B, &KB) == SEAM_OK);
    CHECK(rec_is(&p, 0, SECRET_B, sizeof SECRET_B - 1));
    party_end(&p);
    gp_keys_wipe(&ka0);
    gp_keys_wipe(&isd30);
    card_rig_close(&R);
}

/* ---- card content management across providers ---- */

typedef struct {
    const uint8_t *aid;
    size_t len;
} aid_ref;

typedef struct {
    const gp_keys *keys; /* the attacker's SSD keys */
    aid_ref sd;          /* the attacker's SSD */
    aid_ref own_app;     /* an applet of the attacker's */
    aid_ref v_sd;        /* the victim's SSD */
    aid_ref v_app;       /* the victim's provider applet */
    aid_ref v_pkg;       /* the victim's load file and its module (len 0: none) */
    aid_ref v_mod;
    aid_ref v_app2; /* another applet of the victim's (len 0: none) */
    const gp_keys *v_keys;
    uint8_t evil_kvn; /* a KVN the victim does not have, for the attacker's PUT KEY */
    const uint8_t *v_secret;
    size_t v_secret_len;
} cross;

/* INSTALL [for install] data: ELF, module, instance, privileges 00, C9 00, no token. */
static rig_buf install_data(aid_ref elf, aid_ref mod, aid_ref app)
{
    static const uint8_t priv = 0, c9[2] = {0xC9, 0x00};
    rig_buf b = {.n = 0};
    rig_put_lv(&b, elf.aid, elf.len);
    rig_put_lv(&b, mod.aid, mod.len);
    rig_put_lv(&b, app.aid, app.len);
    rig_put_lv(&b, &priv, 1);
    rig_put_lv(&b, c9, 2);
    rig_put_lv(&b, NULL, 0);
    return b;
}

/* INSTALL [for make selectable] / [for personalization] data: '00' '00' AID '00' '00' '00'. */
static rig_buf app_only_data(aid_ref app, bool with_priv)
{
    static const uint8_t priv = 0;
    rig_buf b = {.n = 0};
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, app.aid, app.len);
    rig_put_lv(&b, &priv, with_priv ? 1 : 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    return b;
}

static rig_buf extradition_data(aid_ref to, aid_ref what)
{
    rig_buf b = {.n = 0};
    rig_put_lv(&b, to.aid, to.len);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, what.aid, what.len);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    return b;
}

static rig_buf delete_data(aid_ref what)
{
    rig_buf b = {.n = 0};
    b.b[b.n++] = 0x4F;
    rig_put_lv(&b, what.aid, what.len);
    return b;
}

/* The victim's key information (GET DATA E0 under the victim's own SSD session). */
static bool key_info(const cross *x, uint8_t *out, size_t cap, size_t *n)
{
    party v;
    party_init(&v, 1);
    uint16_t sw = 0;
    bool ok = party_open(&v, x->v_sd.aid, x->v_sd.len, x->v_keys) == SEAM_OK &&
              gp_get_data(&v.ses, GP_TAG_KEY_INFO, out, cap, n, &sw) == SEAM_OK &&
              sw == SW_NO_ERROR;
    party_end(&v);
    return ok;
}

/* Everything the attacker's SSD session tries against the victim: refused, store unchanged. */
static void attack(const cross *x)
{
    uint8_t ki0[128], ki1[128];
    size_t kn0 = 0, kn1 = 0;
    REQUIRE(key_info(x, ki0, sizeof ki0, &kn0));
    party a;
    party_init(&a, 2);
    REQUIRE(party_open(&a, x->sd.aid, x->sd.len, x->keys) == SEAM_OK);
    static const uint8_t all[] = {0x4F, 0x00};
    rig_buf b;

    /* install into the victim: from its load file; make its applet selectable; a load file
     * associated with the victim's SSD; its applet or SSD as personalization target */
    if (x->v_pkg.len) {
        b = install_data(x->v_pkg, x->v_mod, (aid_ref){NEW_APP, sizeof NEW_APP});
        REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x0C, 0x00, b.b, b.n));
        REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x04, 0x00, b.b, b.n));
    }
    b = app_only_data(x->v_app, true);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x08, 0x00, b.b, b.n));
    {
        static const uint8_t pkg[] = {0xF0, 0x70, 0x77, 0x6E, 0x65, 0x64};
        rig_buf lf = {.n = 0};
        rig_put_lv(&lf, pkg, sizeof pkg);
        rig_put_lv(&lf, x->v_sd.aid, x->v_sd.len);
        rig_put_lv(&lf, NULL, 0);
        rig_put_lv(&lf, NULL, 0);
        rig_put_lv(&lf, NULL, 0);
        REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&a, 0xE6, 0x02, 0x00, lf.b, lf.n));
    }
    b = app_only_data(x->v_sd, false);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x20, 0x00, b.b, b.n));
    /* put keys into the victim: the refused INSTALL [for personalization] leaves no target,
     * so this PUT KEY lands in the attacker's own SSD (a new key set there), not the victim's */
    gp_keys evil = *x->keys;
    evil.kvn = x->evil_kvn;
    uint16_t sw = 0;
    CHECK_EQ(gp_put_key_aes(&a.ses, &evil, 0, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    b = app_only_data(x->v_app, false);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x20, 0x00, b.b, b.n));

    /* delete the victim's applet, load file (with and without related objects), SSD */
    b = delete_data(x->v_app);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE4, 0x00, 0x00, b.b, b.n));
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE4, 0x00, 0x80, b.b, b.n));
    if (x->v_pkg.len) {
        b = delete_data(x->v_pkg);
        REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE4, 0x00, 0x00, b.b, b.n));
        REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE4, 0x00, 0x80, b.b, b.n));
    }
    b = delete_data(x->v_sd);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE4, 0x00, 0x00, b.b, b.n));
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE4, 0x00, 0x80, b.b, b.n));

    /* extradite the victim's applet, load file, SSD to the attacker (or the victim's applet to
     * the ISD, or within the victim's domain) */
    b = extradition_data(x->sd, x->v_app);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x10, 0x00, b.b, b.n));
    b = extradition_data((aid_ref){ISD, sizeof ISD}, x->v_app);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x10, 0x00, b.b, b.n));
    b = extradition_data(x->v_sd, x->v_app);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x10, 0x00, b.b, b.n));
    if (x->v_pkg.len) {
        b = extradition_data(x->sd, x->v_pkg);
        REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x10, 0x00, b.b, b.n));
    }
    if (x->v_app2.len) {
        b = extradition_data(x->sd, x->v_app2);
        REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x10, 0x00, b.b, b.n));
    }
    b = extradition_data(x->sd, x->v_sd);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x10, 0x00, b.b, b.n));

    /* lock the victim's applet or SSD (alone, or with its applications), unlock, set state */
    static const uint8_t p2s[] = {0x80, 0x00, GP_SD_PERSONALIZED};
    for (size_t i = 0; i < sizeof p2s; i++) {
        REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED,
                cmd(&a, 0xF0, 0x40, p2s[i], x->v_sd.aid, x->v_sd.len));
        if (p2s[i] != GP_SD_PERSONALIZED) {
            REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED,
                    cmd(&a, 0xF0, 0x40, p2s[i], x->v_app.aid, x->v_app.len));
            REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED,
                    cmd(&a, 0xF0, 0x60, p2s[i], x->v_sd.aid, x->v_sd.len));
        }
    }
    /* the card's life cycle is not the attacker's either (no Card Lock / Card Terminate) */
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&a, 0xF0, 0x80, GP_CARD_LOCKED, NULL, 0));

    /* GET STATUS (no Global Registry): itself and its own, nothing of the victim's */
    CHECK(listed(&a.ses, GP_STATUS_APPS, x->sd.aid, x->sd.len, NULL));
    CHECK(listed(&a.ses, GP_STATUS_APPS, x->own_app.aid, x->own_app.len, NULL));
    CHECK(!listed(&a.ses, GP_STATUS_APPS, x->v_sd.aid, x->v_sd.len, NULL));
    CHECK(!listed(&a.ses, GP_STATUS_APPS, x->v_app.aid, x->v_app.len, NULL));
    if (x->v_app2.len) CHECK(!listed(&a.ses, GP_STATUS_APPS, x->v_app2.aid, x->v_app2.len, NULL));
    if (x->v_pkg.len) {
        CHECK(!listed(&a.ses, GP_STATUS_LOAD_FILES, x->v_pkg.aid, x->v_pkg.len, NULL));
        CHECK(!listed(&a.ses, GP_STATUS_LOAD_FILES_MODULES, x->v_pkg.aid, x->v_pkg.len, NULL));
    }
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xF2, GP_STATUS_ISD, 0x02, all, sizeof all));
    uint8_t crit[2 + GP_AID_MAX] = {0x4F, (uint8_t)x->v_app.len};
    memcpy(crit + 2, x->v_app.aid, x->v_app.len);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND,
            cmd(&a, 0xF2, GP_STATUS_APPS, 0x02, crit, 2 + x->v_app.len));
    crit[1] = (uint8_t)x->v_sd.len;
    memcpy(crit + 2, x->v_sd.aid, x->v_sd.len);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND,
            cmd(&a, 0xF2, GP_STATUS_APPS, 0x00, crit, 2 + x->v_sd.len));
    party_end(&a);

    /* the victim: keys as they were, its applet there, selectable, its secret intact */
    REQUIRE(key_info(x, ki1, sizeof ki1, &kn1));
    CHECK_EQ(kn1, kn0);
    CHECK_MEM(ki1, ki0, kn0);
    party v;
    party_init(&v, 1);
    CHECK_EQ(party_open(&v, x->v_sd.aid, x->v_sd.len, &evil), SEAM_E_PROTOCOL); /* no such KVN */
    CHECK_EQ(party_open(&v, x->sd.aid, x->sd.len, &evil), SEAM_OK); /* it is the attacker's */
    REQUIRE(party_open(&v, x->v_app.aid, x->v_app.len, x->v_keys) == SEAM_OK);
    CHECK(rec_is(&v, 0, x->v_secret, x->v_secret_len));
    party_end(&v);
    gp_keys_wipe(&evil);
}

static void test_no_cross_management(void)
{
    REQUIRE(world());
    REQUIRE(chan_open(1) == SW_NO_ERROR && chan_open(2) == SW_NO_ERROR);
    const cross a_on_b = {
        .keys = &KA,
        .sd = {SSD_A, sizeof SSD_A},
        .own_app = {APP_A, sizeof APP_A},
        .v_sd = {SSD_B, sizeof SSD_B},
        .v_app = {APP_B, sizeof APP_B},
        .v_pkg = {B_PKG, sizeof B_PKG},
        .v_mod = {B_MOD, sizeof B_MOD},
        .v_app2 = {B_APP2, sizeof B_APP2},
        .v_keys = &KB,
        .evil_kvn = 0x3E,
        .v_secret = SECRET_B,
        .v_secret_len = sizeof SECRET_B - 1,
    };
    attack(&a_on_b);
    const cross b_on_a = {
        .keys = &KB,
        .sd = {SSD_B, sizeof SSD_B},
        .own_app = {APP_B, sizeof APP_B},
        .v_sd = {SSD_A, sizeof SSD_A},
        .v_app = {APP_A, sizeof APP_A},
        .v_app2 = {APP_A2, sizeof APP_A2},
        .v_keys = &KA,
        .evil_kvn = 0x3F,
        .v_secret = SECRET_A,
        .v_secret_len = sizeof SECRET_A - 1,
    };
    attack(&b_on_a);
    card_rig_close(&R);
}

/* ---- selecting B's applet without B's session ---- */

/* Everything a party without B's session might send to read B's records, on p's channel (B's
 * applet selected there): each answer must be a bare status word (no data at all), record reads
 * exactly 6982, and the store must not change. */
static void reads_refused(party *p, const uint8_t *replay, size_t replay_len)
{
    uint8_t ch = p->cl.channel;
    uint8_t cla_prop = apdu_cla_encode(true, ch, false, false);
    uint8_t cla_sm = apdu_cla_encode(true, ch, true, false);
    size_t dl = 99;
    for (uint8_t rec = 0; rec < 8; rec++) {
        /* plain READ RECORD */
        const uint8_t plain[] = {cla_prop, 0xB2, rec, 0x00, 0x00};
        REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, raw(p, plain, sizeof plain, &dl));
        CHECK_EQ(dl, 0);
        /* SM READ RECORD with a made-up MAC, and with none */
        const uint8_t fake[] = {cla_sm, 0xB2, rec, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
        REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, raw(p, fake, sizeof fake, &dl));
        CHECK_EQ(dl, 0);
        const uint8_t bare[] = {cla_sm, 0xB2, rec, 0x00, 0x00};
        REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, raw(p, bare, sizeof bare, &dl));
        CHECK_EQ(dl, 0);
    }
    /* a plain and a fake-MAC WRITE RECORD over the secret */
    const uint8_t pw[] = {cla_prop, 0xD2, 0x00, 0x00, 0x04, 'e', 'v', 'i', 'l'};
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, raw(p, pw, sizeof pw, &dl));
    CHECK_EQ(dl, 0);
    const uint8_t fw[] = {cla_sm, 0xD2, 0x00, 0x00, 0x0C, 'e', 'v', 'i', 'l',
                          1,      2,    3,    4,    5,    6,   7,   8};
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, raw(p, fw, sizeof fw, &dl));
    CHECK_EQ(dl, 0);
    /* EXTERNAL AUTHENTICATE without INITIALIZE UPDATE on this channel */
    const uint8_t ea[5 + 16] = {cla_sm, 0x82, 0x33, 0x00, 0x10};
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, raw(p, ea, sizeof ea, &dl));
    CHECK_EQ(dl, 0);
    /* other instructions and classes: no data either */
    const uint8_t other[][5] = {{(uint8_t)(cla_prop & 0x7F), 0xB2, 0x00, 0x00, 0x00},
                                {(uint8_t)(cla_prop & 0x7F), 0xB0, 0x00, 0x00, 0x00},
                                {cla_prop, 0xCA, 0x00, 0x66, 0x00},
                                {cla_prop, 0xF2, 0x40, 0x02, 0x00}};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        uint8_t d0[32], d1[32];
        card_rig_digest(&R, d0);
        uint16_t sw = raw(p, other[i], 5, &dl);
        card_rig_digest(&R, d1);
        CHECK(sw == SW_CLA_NOT_SUPPORTED || sw == SW_INS_NOT_SUPPORTED);
        CHECK_EQ(dl, 0);
        CHECK_MEM(d0, d1, 32);
    }
    /* a genuine wrapped command of B's, seen on the wire, replayed here */
    if (replay_len) {
        uint8_t r[300];
        memcpy(r, replay, replay_len);
        r[0] = apdu_cla_encode(true, ch, true, false);
        REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, raw(p, r, replay_len, &dl));
        CHECK_EQ(dl, 0);
    }
}

/* The wire form of B's READ RECORD 0 (traced on B's channel). */
typedef struct {
    uint8_t cmd[300];
    size_t len;
} wire_log;

static void wire_trace(void *ctx, gp_trace_kind kind, const uint8_t *apdu, size_t len)
{
    wire_log *w = ctx;
    if (kind == GP_TRACE_WIRE_CMD && len <= sizeof w->cmd && len > 1 && apdu[1] == 0xB2) {
        memcpy(w->cmd, apdu, len);
        w->len = len;
    }
}

static void test_select_leaks_nothing(void)
{
    REQUIRE(world());
    for (uint8_t ch = 1; ch < 8; ch++)
        REQUIRE(chan_open(ch) == SW_NO_ERROR);
    party x; /* the attacker's channel: 2 */
    party_init(&x, 2);
    size_t fl = 99;

    /* fresh: nobody has a session anywhere */
    REQUIRE(party_select(&x, APP_B, sizeof APP_B, &fl) == SW_NO_ERROR);
    CHECK_EQ(fl, 0); /* SELECT answers nothing */
    reads_refused(&x, NULL, 0);

    /* A authenticated through its own applet on 3 and to SSD A itself on 4 */
    party a3, a4;
    party_init(&a3, 3);
    party_init(&a4, 4);
    REQUIRE(party_open(&a3, APP_A, sizeof APP_A, &KA) == SEAM_OK);
    REQUIRE(party_open(&a4, SSD_A, sizeof SSD_A, &KA) == SEAM_OK);
    REQUIRE(party_select(&x, APP_B, sizeof APP_B, &fl) == SW_NO_ERROR);
    CHECK_EQ(fl, 0);
    reads_refused(&x, NULL, 0);
    /* A's sessions carried over to B's applet: SELECT ends them; their wrapping is refused */
    REQUIRE(party_select(&a4, APP_B, sizeof APP_B, &fl) == SW_NO_ERROR);
    REQUIRE(party_open(&a4, SSD_A, sizeof SSD_A, &KA) == SEAM_OK);
    {
        /* a READ RECORD wrapped under A's SSD session, then B's applet selected on that
         * channel: the wrapped command, and the host's still-open session, get 6982 */
        apdu_cmd rd = {
            .cla = apdu_cla_encode(true, 4, false, false), .ins = 0xB2, .has_le = true, .le = 256};
        uint8_t w[64];
        size_t wl2 = 0;
        REQUIRE(scp03_wrap_command(&a4.ses.scp, &rd, false, w, sizeof w, &wl2) == SEAM_OK);
        uint8_t f[64];
        size_t n2 = 99;
        uint16_t sw = 0;
        REQUIRE(gp_select(&a4.cl, APP_B, sizeof APP_B, f, sizeof f, &n2, &sw) == SEAM_OK &&
                sw == SW_NO_ERROR);
        size_t dl = 99;
        REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, raw(&a4, w, wl2, &dl));
        CHECK_EQ(dl, 0);
        uint8_t got[300];
        size_t gl = 99;
        REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, rec_read(&a4, 0, got, &gl));
        CHECK_EQ(gl, 0);
        REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, rec_write(&a4, 0, (const uint8_t *)"evil", 4));
    }
    /* A's server through B's applet with A's keys: no session, nothing to read */
    REQUIRE(party_select(&a3, APP_B, sizeof APP_B, &fl) == SW_NO_ERROR);
    CHECK_EQ(party_auth(&a3, &KA, LVL_ALL), SEAM_E_AUTH);
    reads_refused(&a3, NULL, 0);

    /* after failed authentications on the attacker's channel: wrong keys, a forged EXTERNAL
     * AUTHENTICATE, and an INITIALIZE UPDATE left pending */
    REQUIRE(party_select(&x, APP_B, sizeof APP_B, &fl) == SW_NO_ERROR);
    CHECK_EQ(party_auth(&x, &KA, LVL_ALL), SEAM_E_AUTH);
    reads_refused(&x, NULL, 0);
    const uint8_t iu[] = {apdu_cla_encode(true, 2, false, false),
                          0x50,
                          0x30,
                          0x00,
                          0x08,
                          1,
                          2,
                          3,
                          4,
                          5,
                          6,
                          7,
                          8,
                          0x00};
    CHECK_EQ(raw(&x, iu, sizeof iu, NULL), SW_NO_ERROR);
    uint8_t ea[5 + 16] = {apdu_cla_encode(true, 2, true, false), 0x82, 0x33, 0x00, 0x10};
    CHECK_EQ(raw(&x, ea, sizeof ea, NULL), 0x6300);
    reads_refused(&x, NULL, 0);
    CHECK_EQ(raw(&x, iu, sizeof iu, NULL), SW_NO_ERROR); /* INITIALIZED, never authenticated */
    reads_refused(&x, NULL, 0);

    /* B's own session on channel 5 of the same (MultiSelectable) applet, running: the attacker
     * on 2 still reads nothing, and B's wrapped traffic replayed on 2 is refused */
    party b;
    party_init(&b, 5);
    wire_log wl = {.len = 0};
    b.cl.trace = wire_trace;
    b.cl.trace_ctx = &wl;
    REQUIRE(party_open(&b, APP_B, sizeof APP_B, &KB) == SEAM_OK);
    CHECK(rec_is(&b, 0, SECRET_B, sizeof SECRET_B - 1));
    REQUIRE(wl.len > 5);
    REQUIRE(party_select(&x, APP_B, sizeof APP_B, &fl) == SW_NO_ERROR);
    reads_refused(&x, wl.cmd, wl.len);
    CHECK(rec_is(&b, 0, SECRET_B, sizeof SECRET_B - 1)); /* B's session was not disturbed */

    /* locked by the ISD (on channel 1): SELECT finds nothing, for anyone, with any keys */
    REQUIRE(party_select(&x, ISD, sizeof ISD, &fl) == SW_NO_ERROR); /* x's channel: B deselected */
    party z; /* channel 7 keeps B's applet selected, without a session, across the lock */
    party_init(&z, 7);
    REQUIRE(party_select(&z, APP_B, sizeof APP_B, &fl) == SW_NO_ERROR);
    party isd;
    party_init(&isd, 1);
    REQUIRE(party_open(&isd, ISD, sizeof ISD, &KISD) == SEAM_OK);
    uint16_t sw = 0;
    REQUIRE(gp_set_app_status(&isd.ses, GP_SET_STATUS_APP, GP_APP_LOCKED, APP_B, sizeof APP_B,
                              &sw) == SEAM_OK &&
            sw == SW_NO_ERROR);
    uint8_t d0[32], d1[32];
    card_rig_digest(&R, d0);
    CHECK_EQ(party_select(&x, APP_B, sizeof APP_B, &fl), SW_FILE_NOT_FOUND);
    CHECK_EQ(fl, 0);
    party y;
    party_init(&y, 6);
    CHECK_EQ(party_select(&y, APP_B, sizeof APP_B, &fl), SW_FILE_NOT_FOUND);
    CHECK_EQ(party_open(&y, APP_B, sizeof APP_B, &KB), SEAM_E_NOT_FOUND);
    CHECK_EQ(party_open(&y, APP_B, sizeof APP_B, &KA), SEAM_E_NOT_FOUND);
    card_rig_digest(&R, d1);
    CHECK_MEM(d0, d1, 32);
    /* where it stayed selected (channel 7): the locked applet runs nothing (6985, no data),
     * B's replayed traffic included, and a SELECT of its AID there finds nothing */
    {
        size_t dl = 99;
        const uint8_t rd[] = {apdu_cla_encode(true, 7, false, false), 0xB2, 0x00, 0x00, 0x00};
        REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, raw(&z, rd, sizeof rd, &dl));
        CHECK_EQ(dl, 0);
        uint8_t r7[300];
        memcpy(r7, wl.cmd, wl.len);
        r7[0] = apdu_cla_encode(true, 7, true, false);
        REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, raw(&z, r7, wl.len, &dl));
        CHECK_EQ(dl, 0);
        REFUSED(SW_FILE_NOT_FOUND, party_select(&z, APP_B, sizeof APP_B, &dl));
        CHECK_EQ(dl, 0);
    }
    /* unlocked again: as before, nothing without B's session, B's secret intact */
    REQUIRE(gp_set_app_status(&isd.ses, GP_SET_STATUS_APP, 0x00, APP_B, sizeof APP_B, &sw) ==
                SEAM_OK &&
            sw == SW_NO_ERROR);
    REQUIRE(party_select(&x, APP_B, sizeof APP_B, &fl) == SW_NO_ERROR);
    reads_refused(&x, NULL, 0);
    REQUIRE(party_open(&y, APP_B, sizeof APP_B, &KB) == SEAM_OK);
    CHECK(rec_is(&y, 0, SECRET_B, sizeof SECRET_B - 1));
    party_end(&x);
    party_end(&y);
    party_end(&z);
    party_end(&a3);
    party_end(&a4);
    party_end(&b);
    party_end(&isd);
    card_rig_close(&R);
}

/* ---- sessions side by side ---- */

/* A command wrapped under p's session with one bit of its MAC flipped, sent on p's channel: the
 * card must refuse it (6982) and end that channel's session. */
static uint16_t send_bad_mac(party *p)
{
    apdu_cmd c = {
        .cla = 0x80, .ins = 0xD2, .p1 = 0, .p2 = 0, .data = (const uint8_t *)"x", .lc = 1};
    c.cla = apdu_cla_encode(true, p->cl.channel, false, false);
    uint8_t w[64];
    size_t wl = 0;
    if (scp03_wrap_command(&p->ses.scp, &c, false, w, sizeof w, &wl) != SEAM_OK) return 0;
    w[wl - 1] ^= 0x01;
    return raw(p, w, wl, NULL);
}

static void test_channels_3_and_5(void)
{
    REQUIRE(world());
    REQUIRE(chan_open(3) == SW_NO_ERROR && chan_open(5) == SW_NO_ERROR);
    party a, b;
    party_init(&a, 3);
    party_init(&b, 5);
    REQUIRE(party_open(&a, APP_A, sizeof APP_A, &KA) == SEAM_OK);
    REQUIRE(party_open(&b, APP_B, sizeof APP_B, &KB) == SEAM_OK);
    /* interleaved: each writes and reads its own records; the other's never show */
    for (uint8_t i = 0; i < 6; i++) {
        uint8_t va[3] = {'A', i, 0x5A}, vb[5] = {'B', i, 0xB5, 0xB5, 0xB5};
        uint8_t rec = (uint8_t)(1 + i % 7);
        CHECK_EQ(rec_write(&a, rec, va, sizeof va), SW_NO_ERROR);
        CHECK_EQ(rec_write(&b, rec, vb, sizeof vb), SW_NO_ERROR);
        CHECK(rec_is(&a, rec, va, sizeof va));
        CHECK(rec_is(&b, rec, vb, sizeof vb));
        CHECK(rec_is(&a, 0, SECRET_A, sizeof SECRET_A - 1));
        CHECK(rec_is(&b, 0, SECRET_B, sizeof SECRET_B - 1));
    }
    /* B torn down by a bad MAC: A goes on; B's next wrapped command finds no session */
    uint8_t d0[32], d1[32];
    card_rig_digest(&R, d0);
    CHECK_EQ(send_bad_mac(&b), SW_SECURITY_STATUS_NOT_SATISFIED);
    card_rig_digest(&R, d1);
    CHECK_MEM(d0, d1, 32);
    CHECK(rec_is(&a, 0, SECRET_A, sizeof SECRET_A - 1));
    uint8_t got[300];
    size_t gl = 99;
    CHECK_EQ(rec_read(&b, 0, got, &gl), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(gl, 0);
    CHECK_EQ(rec_write(&a, 2, (const uint8_t *)"A-after", 7), SW_NO_ERROR);
    CHECK(rec_is(&a, 2, (const uint8_t *)"A-after", 7));
    /* B authenticates again on 5, in the middle of A's session */
    REQUIRE(party_auth(&b, &KB, LVL_ALL) == SEAM_OK);
    CHECK(rec_is(&b, 0, SECRET_B, sizeof SECRET_B - 1));
    /* now A torn down (bad MAC) while B goes on */
    card_rig_digest(&R, d0);
    CHECK_EQ(send_bad_mac(&a), SW_SECURITY_STATUS_NOT_SATISFIED);
    card_rig_digest(&R, d1);
    CHECK_MEM(d0, d1, 32);
    CHECK_EQ(rec_read(&a, 0, got, &gl), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK(rec_is(&b, 0, SECRET_B, sizeof SECRET_B - 1));
    CHECK_EQ(rec_write(&b, 2, (const uint8_t *)"B-after", 7), SW_NO_ERROR);
    /* A's wrapped command sent on B's channel (A's channel bits rewritten): B's session ends
     * (a MAC that is not its own), A's record untouched */
    REQUIRE(party_auth(&a, &KA, LVL_ALL) == SEAM_OK);
    {
        apdu_cmd c = {.cla = apdu_cla_encode(true, 3, false, false),
                      .ins = 0xD2,
                      .p1 = 2,
                      .data = (const uint8_t *)"evil",
                      .lc = 4};
        uint8_t w[64];
        size_t wl = 0;
        REQUIRE(scp03_wrap_command(&a.ses.scp, &c, false, w, sizeof w, &wl) == SEAM_OK);
        w[0] = apdu_cla_encode(true, 5, true, false);
        card_rig_digest(&R, d0);
        CHECK_EQ(raw(&b, w, wl, NULL), SW_SECURITY_STATUS_NOT_SATISFIED);
        card_rig_digest(&R, d1);
        CHECK_MEM(d0, d1, 32);
    }
    CHECK_EQ(rec_read(&b, 2, got, &gl), SW_SECURITY_STATUS_NOT_SATISFIED);
    REQUIRE(party_auth(&b, &KB, LVL_ALL) == SEAM_OK);
    CHECK(rec_is(&b, 2, (const uint8_t *)"B-after", 7));
    /* A's record is what A wrote (the command A's host wrapped was spent on channel 5, so A's
     * host and card sessions no longer chain: A authenticates again) */
    REQUIRE(party_auth(&a, &KA, LVL_ALL) == SEAM_OK);
    CHECK(rec_is(&a, 2, (const uint8_t *)"A-after", 7));
    party_end(&a);
    party_end(&b);
    card_rig_close(&R);
}

static void test_same_provider_twice(void)
{
    REQUIRE(world());
    REQUIRE(chan_open(3) == SW_NO_ERROR && chan_open(5) == SW_NO_ERROR);
    party a, a2;
    party_init(&a, 3);
    party_init(&a2, 5);
    /* A's applet on 3, A's second instance on 5: same keys, separate sessions and records */
    REQUIRE(party_open(&a, APP_A, sizeof APP_A, &KA) == SEAM_OK);
    REQUIRE(party_open(&a2, APP_A2, sizeof APP_A2, &KA) == SEAM_OK);
    for (uint8_t i = 0; i < 4; i++) {
        uint8_t v1[2] = {1, i}, v2[3] = {2, i, i};
        CHECK_EQ(rec_write(&a, 1, v1, sizeof v1), SW_NO_ERROR);
        CHECK_EQ(rec_write(&a2, 1, v2, sizeof v2), SW_NO_ERROR);
        CHECK(rec_is(&a, 1, v1, sizeof v1));
        CHECK(rec_is(&a2, 1, v2, sizeof v2));
    }
    uint8_t got[300];
    size_t gl = 0;
    CHECK_EQ(rec_read(&a2, 0, got, &gl), SW_NO_ERROR); /* the second instance's own record 0 */
    CHECK_EQ(gl, 0);
    CHECK_EQ(send_bad_mac(&a2), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK(rec_is(&a, 0, SECRET_A, sizeof SECRET_A - 1));
    CHECK_EQ(rec_read(&a2, 1, got, &gl), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* the same instance on 3 and 5 (MultiSelectable): shared records, independent sessions */
    REQUIRE(party_open(&a2, APP_A, sizeof APP_A, &KA) == SEAM_OK);
    CHECK_EQ(rec_write(&a2, 4, (const uint8_t *)"from-5", 6), SW_NO_ERROR);
    CHECK(rec_is(&a, 4, (const uint8_t *)"from-5", 6));
    CHECK_EQ(send_bad_mac(&a), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(rec_read(&a, 4, got, &gl), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK(rec_is(&a2, 4, (const uint8_t *)"from-5", 6));
    /* A's applet on 3 and SSD A itself on 5: card management next to the applet's traffic */
    REQUIRE(party_open(&a, APP_A, sizeof APP_A, &KA) == SEAM_OK);
    REQUIRE(party_open(&a2, SSD_A, sizeof SSD_A, &KA) == SEAM_OK);
    for (int i = 0; i < 3; i++) {
        uint8_t ki[128];
        size_t kn = 0;
        uint16_t sw = 0;
        CHECK_EQ(gp_get_data(&a2.ses, GP_TAG_KEY_INFO, ki, sizeof ki, &kn, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);
        CHECK(listed(&a2.ses, GP_STATUS_APPS, APP_A2, sizeof APP_A2, NULL));
        CHECK(rec_is(&a, 0, SECRET_A, sizeof SECRET_A - 1));
    }
    /* the SD session on 5 cannot drive the applet's records; the applet's channel cannot drive
     * card management (a GET STATUS wrapped for the applet's session goes to the applet) */
    CHECK_EQ(cmd(&a2, 0xD2, 0x00, 0x00, (const uint8_t *)"x", 1), SW_INS_NOT_SUPPORTED);
    REQUIRE(party_open(&a2, SSD_A, sizeof SSD_A, &KA) == SEAM_OK);
    static const uint8_t all[] = {0x4F, 0x00};
    CHECK_EQ(cmd(&a, 0xF2, GP_STATUS_APPS, 0x02, all, sizeof all), SW_INS_NOT_SUPPORTED);
    REQUIRE(party_auth(&a, &KA, LVL_ALL) == SEAM_OK); /* that wrapped command was not unwrapped */
    /* the SD's session torn down by a bad MAC; the applet's session goes on */
    CHECK_EQ(send_bad_mac(&a2), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK(rec_is(&a, 0, SECRET_A, sizeof SECRET_A - 1));
    party_end(&a);
    party_end(&a2);
    card_rig_close(&R);
}

/* ---- signed code and delegated management between two providers ---- */

static const uint8_t ECHO_PKG[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01};
static const uint8_t APP_A1[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01, 0x01, 0xA1};
static const uint8_t APP_B1[] = {0xF0, 0x70, 0x72, 0x6F, 0x76, 0x01, 0x01, 0xB1};
static uint8_t tok_priv[32], tok_pub[65];   /* the issuer's token key (ISD, KVN 70) */
static uint8_t dapA_priv[32], dapA_pub[65]; /* provider A's DAP key (SSD A, KVN 73) */
static uint8_t other_priv[32];              /* a P-256 key of provider B's, known to no SD */

/* A token-signed INSTALL or DELETE data field (docs/dap.md) for the SD sd (the one that will
 * send it): data without its token field. */
static rig_buf tokened(uint8_t ins, uint8_t p1, const uint8_t *data, size_t len,
                       const uint8_t *priv, uint8_t id, aid_ref sd)
{
    rig_buf b = {.n = 0};
    uint8_t idb[1] = {id};
    if (gpsig_token_data_sd(ins, p1, 0x00, data, len, idb, 1, NULL, 0, sd.aid, sd.len, priv, b.b,
                            sizeof b.b, &b.n))
        b.n = 0;
    return b;
}

/* The same token bound to no SD: what an issuer's token was before tokens named their SD. */
static rig_buf tokened_unbound(uint8_t ins, uint8_t p1, const uint8_t *data, size_t len,
                               const uint8_t *priv, uint8_t id)
{
    rig_buf b = {.n = 0};
    uint8_t idb[1] = {id};
    if (gpsig_token_data(ins, p1, 0x00, data, len, idb, 1, NULL, 0, priv, b.b, sizeof b.b, &b.n))
        b.n = 0;
    return b;
}

/* The LOAD of the load file jcl with DAP blocks dap through p's session: the last SW. */
static uint16_t load_with_dap(party *p, const uint8_t *dap, size_t dap_len, const uint8_t *jcl,
                              size_t jcl_len)
{
    size_t bs = gp_load_max_block(&p->ses), n = gp_load_block_count_dap(dap_len, jcl_len, bs);
    uint16_t sw = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t d[256];
        size_t dl = 0;
        bool last = false;
        if (gp_load_block_dap(dap, dap_len, jcl, jcl_len, bs, i, d, sizeof d, &dl, &last)) return 0;
        sw = cmd(p, 0xE8, last ? 0x80 : 0x00, (uint8_t)i, d, dl);
        if (sw != SW_NO_ERROR) return sw;
    }
    return sw;
}

/* The card of the DAP and token tests: the ISD holds the token key and the provider load file;
 * SSD A has DAP Verification and Delegated Management, SSD B Delegated Management. */
static bool dm_world_build(void)
{
    static const uint8_t pa[3] = {0xE0, 0x00, 0x00}, pb[3] = {0xA0, 0x00, 0x00};
    uint16_t sw = 0;
    if (!card_rig_open(&R) || !card_rig_isd_session(&R, LVL_ALL)) return false;
    if (!STEP("token key", gp_put_key_ecc(&R.ses, 0x01, 0x70, 0, NULL, tok_pub, &sw)) ||
        !load_jcl(&R.ses, "applets/provider.jcl", PROV_PKG, sizeof PROV_PKG, NULL, 0))
        return false;
    const uint8_t *aids[2] = {SSD_A, SSD_B};
    const uint8_t *privs[2] = {pa, pb};
    const gp_keys *keys[2] = {&KA, &KB};
    for (int i = 0; i < 2; i++)
        if (!STEP("create SSD", gp_create_sd(&R.ses, aids[i], 9, privs[i], 3, NULL, 0, &sw)) ||
            !STEP("perso", gp_install_for_perso(&R.ses, aids[i], 9, &sw)) ||
            !STEP("PUT KEY", gp_put_key_aes(&R.ses, keys[i], 0, &sw)) ||
            !STEP("PERSONALIZED", gp_set_app_status(&R.ses, GP_SET_STATUS_APP, GP_SD_PERSONALIZED,
                                                    aids[i], 9, &sw)))
            return false;
    /* A puts its DAP key under its own session */
    party a;
    party_init(&a, 0);
    bool ok = party_open(&a, SSD_A, sizeof SSD_A, &KA) == SEAM_OK &&
              STEP("DAP key", gp_put_key_ecc(&a.ses, 0x01, 0x73, 0, NULL, dapA_pub, &sw));
    party_end(&a);
    return ok;
}

static bool dm_world(void)
{
    if (dm_world_build()) return true;
    card_rig_close(&R);
    return false;
}

static void test_dap_across_providers(void)
{
    REQUIRE(dm_world());
    size_t jn = 0, pn = 0;
    uint8_t *jcl = card_rig_build_file("applets/echo.jcl", &jn);
    uint8_t *prov = card_rig_build_file("applets/provider.jcl", &pn);
    REQUIRE(jcl && prov);
    uint8_t h[32], hp[32];
    REQUIRE(gpsig_lfdb_hash(jcl, jn, h) == SEAM_OK && gpsig_lfdb_hash(prov, pn, hp) == SEAM_OK);
    uint8_t good[GPSIG_DAP_MAX], forged[GPSIG_DAP_MAX], other[GPSIG_DAP_MAX];
    size_t gl = 0, fl = 0, ol = 0;
    REQUIRE(gpsig_dap_block_ecc(SSD_A, sizeof SSD_A, h, dapA_priv, good, sizeof good, &gl) ==
            SEAM_OK);
    /* B signs a DAP naming A with its own key; A's genuine DAP of another load file */
    REQUIRE(gpsig_dap_block_ecc(SSD_A, sizeof SSD_A, h, other_priv, forged, sizeof forged, &fl) ==
            SEAM_OK);
    REQUIRE(gpsig_dap_block_ecc(SSD_A, sizeof SSD_A, hp, dapA_priv, other, sizeof other, &ol) ==
            SEAM_OK);
    rig_buf ld = {.n = 0};
    REQUIRE(gp_install_for_load_data_hash(ECHO_PKG, sizeof ECHO_PKG, SSD_A, sizeof SSD_A, h, 32,
                                          ld.b, sizeof ld.b, &ld.n) == SEAM_OK);
    rig_buf t = tokened(0xE6, 0x02, ld.b, ld.n - 1, tok_priv, 1, (aid_ref){SSD_A, sizeof SSD_A});
    REQUIRE(t.n);
    party a;
    party_init(&a, 0);
    REQUIRE(party_open(&a, SSD_A, sizeof SSD_A, &KA) == SEAM_OK);
    struct {
        const uint8_t *dap;
        size_t len;
        uint16_t sw;
    } bad[] = {
        {NULL, 0, SW_SECURITY_STATUS_NOT_SATISFIED},    /* A's DAP missing */
        {forged, fl, SW_SECURITY_STATUS_NOT_SATISFIED}, /* naming A, signed by B's key */
        {other, ol, SW_SECURITY_STATUS_NOT_SATISFIED},  /* A's DAP of another file, replayed */
        {good, gl - 1, SW_WRONG_DATA},                  /* truncated block */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t d0[32], d1[32];
        card_rig_digest(&R, d0);
        /* the token is not consumed by a refused load: the same one serves each try */
        CHECK_EQ(cmd(&a, 0xE6, 0x02, 0x00, t.b, t.n), SW_NO_ERROR);
        CHECK_EQ(load_with_dap(&a, bad[i].dap, bad[i].len, jcl, jn), bad[i].sw);
        card_rig_digest(&R, d1);
        CHECK_MEM(d0, d1, 32);
        CHECK(!listed(&a.ses, GP_STATUS_LOAD_FILES, ECHO_PKG, sizeof ECHO_PKG, NULL));
    }
    /* B cannot load into A's domain, even with a genuine token and A's genuine DAP */
    party b;
    party_init(&b, 0);
    REQUIRE(party_open(&b, SSD_B, sizeof SSD_B, &KB) == SEAM_OK);
    rig_buf lb = {.n = 0};
    REQUIRE(gp_install_for_load_data_hash(ECHO_PKG, sizeof ECHO_PKG, SSD_A, sizeof SSD_A, h, 32,
                                          lb.b, sizeof lb.b, &lb.n) == SEAM_OK);
    rig_buf tb = tokened(0xE6, 0x02, lb.b, lb.n - 1, tok_priv, 1, (aid_ref){SSD_B, sizeof SSD_B});
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&b, 0xE6, 0x02, 0x00, tb.b, tb.n));
    party_end(&b);
    /* the genuine one: loaded, associated with A */
    REQUIRE(party_open(&a, SSD_A, sizeof SSD_A, &KA) == SEAM_OK);
    CHECK_EQ(cmd(&a, 0xE6, 0x02, 0x00, t.b, t.n), SW_NO_ERROR);
    CHECK_EQ(load_with_dap(&a, good, gl, jcl, jn), SW_NO_ERROR);
    CHECK(assoc_is(&a.ses, GP_STATUS_LOAD_FILES, ECHO_PKG, sizeof ECHO_PKG, SSD_A, sizeof SSD_A));
    party_end(&a);
    free(jcl);
    free(prov);
    card_rig_close(&R);
}

static void test_tokens_across_providers(void)
{
    REQUIRE(dm_world());
    party a, b;
    party_init(&a, 0);
    party_init(&b, 0);
    uint8_t d0[32], d1[32];
    /* B's applet, installed by B with the issuer's token 1 */
    rig_buf ib =
        install_data((aid_ref){PROV_PKG, sizeof PROV_PKG}, (aid_ref){PROV_MOD, sizeof PROV_MOD},
                     (aid_ref){APP_B1, sizeof APP_B1});
    rig_buf t1 = tokened(0xE6, 0x0C, ib.b, ib.n - 1, tok_priv, 1, (aid_ref){SSD_B, sizeof SSD_B});
    REQUIRE(party_open(&b, SSD_B, sizeof SSD_B, &KB) == SEAM_OK);
    CHECK_EQ(cmd(&b, 0xE6, 0x0C, 0x00, t1.b, t1.n), SW_NO_ERROR);
    CHECK(assoc_is(&b.ses, GP_STATUS_APPS, APP_B1, sizeof APP_B1, SSD_B, sizeof SSD_B));
    /* replayed, by B or by A */
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&b, 0xE6, 0x0C, 0x00, t1.b, t1.n));
    REQUIRE(party_open(&a, SSD_A, sizeof SSD_A, &KA) == SEAM_OK);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&a, 0xE6, 0x0C, 0x00, t1.b, t1.n));
    /* genuine issuer tokens that name B's applet, sent by A: A still cannot touch it */
    rig_buf del = delete_data((aid_ref){APP_B1, sizeof APP_B1});
    rig_buf t2 = tokened(0xE4, 0x00, del.b, del.n, tok_priv, 2, (aid_ref){SSD_A, sizeof SSD_A});
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE4, 0x00, 0x00, t2.b, t2.n));
    rig_buf ex = extradition_data((aid_ref){SSD_A, sizeof SSD_A}, (aid_ref){APP_B1, sizeof APP_B1});
    rig_buf t3 = tokened(0xE6, 0x10, ex.b, ex.n - 1, tok_priv, 3, (aid_ref){SSD_A, sizeof SSD_A});
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x10, 0x00, t3.b, t3.n));
    rig_buf ms = app_only_data((aid_ref){APP_B1, sizeof APP_B1}, false);
    rig_buf t4 = tokened(0xE6, 0x08, ms.b, ms.n - 1, tok_priv, 4, (aid_ref){SSD_A, sizeof SSD_A});
    card_rig_digest(&R, d0);
    CHECK(cmd(&a, 0xE6, 0x08, 0x00, t4.b, t4.n) != SW_NO_ERROR);
    card_rig_digest(&R, d1);
    CHECK_MEM(d0, d1, 32);
    /* A's own install: a token A signed itself (with its DAP key, or B's key), a truncated
     * token, a bit-flipped one: refused; the issuer's: done */
    rig_buf ia =
        install_data((aid_ref){PROV_PKG, sizeof PROV_PKG}, (aid_ref){PROV_MOD, sizeof PROV_MOD},
                     (aid_ref){APP_A1, sizeof APP_A1});
    rig_buf f1 = tokened(0xE6, 0x0C, ia.b, ia.n - 1, dapA_priv, 5, (aid_ref){SSD_A, sizeof SSD_A});
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&a, 0xE6, 0x0C, 0x00, f1.b, f1.n));
    rig_buf f2 = tokened(0xE6, 0x0C, ia.b, ia.n - 1, other_priv, 5, (aid_ref){SSD_A, sizeof SSD_A});
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&a, 0xE6, 0x0C, 0x00, f2.b, f2.n));
    rig_buf t5 = tokened(0xE6, 0x0C, ia.b, ia.n - 1, tok_priv, 5, (aid_ref){SSD_A, sizeof SSD_A});
    REQUIRE(t5.n > 70);
    rig_buf cut = t5;
    cut.n--;
    cut.b[cut.n - 64]--; /* the token's length byte, one less */
    card_rig_digest(&R, d0);
    CHECK(cmd(&a, 0xE6, 0x0C, 0x00, cut.b, cut.n) != SW_NO_ERROR);
    card_rig_digest(&R, d1);
    CHECK_MEM(d0, d1, 32);
    rig_buf flip = t5;
    flip.b[flip.n - 1] ^= 0x01;
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&a, 0xE6, 0x0C, 0x00, flip.b, flip.n));
    /* the issuer's token for A's install: done, the applet associated with A */
    CHECK_EQ(cmd(&a, 0xE6, 0x0C, 0x00, t5.b, t5.n), SW_NO_ERROR);
    CHECK(assoc_is(&a.ses, GP_STATUS_APPS, APP_A1, sizeof APP_A1, SSD_A, sizeof SSD_A));
    CHECK(!listed(&a.ses, GP_STATUS_APPS, APP_B1, sizeof APP_B1, NULL));
    /* B's applet is still B's */
    REQUIRE(party_open(&b, SSD_B, sizeof SSD_B, &KB) == SEAM_OK);
    CHECK(assoc_is(&b.ses, GP_STATUS_APPS, APP_B1, sizeof APP_B1, SSD_B, sizeof SSD_B));
    party_end(&a);
    party_end(&b);
    card_rig_close(&R);
}

/* ---- holes closed after the acceptance tests (docs/ssd.md, docs/dap.md) ---- */

static const uint8_t SSD_A_SUB[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x1A};

/* 1. A delegated management token works only in the SD it was issued for: the issuer's token
 * for B's install, sent by A (bound to B, or in the unbound form tokens had before), is refused
 * with the store unchanged; B uses it. */
static void test_token_bound_to_sd(void)
{
    REQUIRE(dm_world());
    const aid_ref a_ref = {SSD_A, sizeof SSD_A}, b_ref = {SSD_B, sizeof SSD_B};
    party a, b;
    party_init(&a, 0);
    party_init(&b, 1);
    REQUIRE(chan_open(1) == SW_NO_ERROR);
    rig_buf ib =
        install_data((aid_ref){PROV_PKG, sizeof PROV_PKG}, (aid_ref){PROV_MOD, sizeof PROV_MOD},
                     (aid_ref){APP_B1, sizeof APP_B1});
    rig_buf for_b = tokened(0xE6, 0x0C, ib.b, ib.n - 1, tok_priv, 1, b_ref);
    rig_buf unbound = tokened_unbound(0xE6, 0x0C, ib.b, ib.n - 1, tok_priv, 2);
    REQUIRE(for_b.n && unbound.n);
    /* SELECT SSD A, SCP03 with A's keys, 80 E6 0C 00 with the issuer's data meant for B */
    REQUIRE(party_open(&a, SSD_A, sizeof SSD_A, &KA) == SEAM_OK);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&a, 0xE6, 0x0C, 0x00, for_b.b, for_b.n));
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&a, 0xE6, 0x0C, 0x00, unbound.b, unbound.n));
    CHECK(!listed(&a.ses, GP_STATUS_APPS, APP_B1, sizeof APP_B1, NULL));
    /* make selectable, extradition and delete forms: a token for B does nothing in A */
    rig_buf ms = app_only_data((aid_ref){APP_A, sizeof APP_A}, false);
    rig_buf tms = tokened(0xE6, 0x08, ms.b, ms.n - 1, tok_priv, 3, b_ref);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&a, 0xE6, 0x08, 0x00, tms.b, tms.n));
    rig_buf del = delete_data((aid_ref){SSD_A, sizeof SSD_A});
    rig_buf tdel = tokened(0xE4, 0x00, del.b, del.n, tok_priv, 4, b_ref);
    {
        uint8_t d0[32], d1[32];
        card_rig_digest(&R, d0);
        CHECK(cmd(&a, 0xE4, 0x00, 0x00, tdel.b, tdel.n) != SW_NO_ERROR);
        card_rig_digest(&R, d1);
        CHECK_MEM(d0, d1, 32);
    }
    /* in B: the unbound form is refused too, the token issued for B works */
    REQUIRE(party_open(&b, SSD_B, sizeof SSD_B, &KB) == SEAM_OK);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&b, 0xE6, 0x0C, 0x00, unbound.b, unbound.n));
    CHECK_EQ(cmd(&b, 0xE6, 0x0C, 0x00, for_b.b, for_b.n), SW_NO_ERROR);
    CHECK(assoc_is(&b.ses, GP_STATUS_APPS, APP_B1, sizeof APP_B1, SSD_B, sizeof SSD_B));
    /* and a token issued for A works in A */
    rig_buf ia =
        install_data((aid_ref){PROV_PKG, sizeof PROV_PKG}, (aid_ref){PROV_MOD, sizeof PROV_MOD},
                     (aid_ref){APP_A1, sizeof APP_A1});
    rig_buf for_a = tokened(0xE6, 0x0C, ia.b, ia.n - 1, tok_priv, 5, a_ref);
    REQUIRE(party_open(&a, SSD_A, sizeof SSD_A, &KA) == SEAM_OK);
    CHECK_EQ(cmd(&a, 0xE6, 0x0C, 0x00, for_a.b, for_a.n), SW_NO_ERROR);
    CHECK(assoc_is(&a.ses, GP_STATUS_APPS, APP_A1, sizeof APP_A1, SSD_A, sizeof SSD_A));
    party_end(&a);
    party_end(&b);
    card_rig_close(&R);
}

/* 2. The issuer cannot take a provider's content: the ISD's extradition of B's applet (to
 * itself or to A), B's load file or B's second applet is refused with the store unchanged, and
 * the ISD's keys still open nothing of B's; the ISD still moves its own content. */
static void test_isd_cannot_extradite_provider_content(void)
{
    REQUIRE(world());
    party isd, p;
    party_init(&isd, 0);
    party_init(&p, 1);
    REQUIRE(chan_open(1) == SW_NO_ERROR);
    REQUIRE(party_open(&isd, ISD, sizeof ISD, &KISD) == SEAM_OK);
    const aid_ref to_isd = {ISD, sizeof ISD};
    /* 80 E6 10 00 08 A000000151000000 00 08 F070726F7601010B 00 00 00 */
    rig_buf b = extradition_data(to_isd, (aid_ref){APP_B, sizeof APP_B});
    REQUIRE(b.n == 1 + 8 + 1 + 1 + 8 + 3);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&isd, 0xE6, 0x10, 0x00, b.b, b.n));
    b = extradition_data((aid_ref){SSD_A, sizeof SSD_A}, (aid_ref){APP_B, sizeof APP_B});
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&isd, 0xE6, 0x10, 0x00, b.b, b.n));
    b = extradition_data(to_isd, (aid_ref){B_PKG, sizeof B_PKG});
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&isd, 0xE6, 0x10, 0x00, b.b, b.n));
    b = extradition_data(to_isd, (aid_ref){B_APP2, sizeof B_APP2});
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&isd, 0xE6, 0x10, 0x00, b.b, b.n));
    b = extradition_data(to_isd, (aid_ref){APP_A, sizeof APP_A});
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&isd, 0xE6, 0x10, 0x00, b.b, b.n));
    CHECK(assoc_is(&isd.ses, GP_STATUS_APPS, APP_B, sizeof APP_B, SSD_B, sizeof SSD_B));
    CHECK(assoc_is(&isd.ses, GP_STATUS_LOAD_FILES, B_PKG, sizeof B_PKG, SSD_B, sizeof SSD_B));
    /* the ISD's keys open no channel through B's applet; B's still do, its secret intact */
    gp_keys any = KISD;
    any.kvn = 0;
    CHECK(party_open(&p, APP_B, sizeof APP_B, &KISD) != SEAM_OK);
    CHECK(party_open(&p, APP_B, sizeof APP_B, &any) != SEAM_OK);
    gp_keys_wipe(&any);
    REQUIRE(party_open(&p, APP_B, sizeof APP_B, &KB) == SEAM_OK);
    CHECK(rec_is(&p, 0, SECRET_B, sizeof SECRET_B - 1));
    /* its own content (the provider load file) the ISD may still hand to a provider */
    b = extradition_data((aid_ref){SSD_A, sizeof SSD_A}, (aid_ref){PROV_PKG, sizeof PROV_PKG});
    CHECK_EQ(cmd(&isd, 0xE6, 0x10, 0x00, b.b, b.n), SW_NO_ERROR);
    CHECK(assoc_is(&isd.ses, GP_STATUS_LOAD_FILES, PROV_PKG, sizeof PROV_PKG, SSD_A, sizeof SSD_A));
    party_end(&isd);
    party_end(&p);
    card_rig_close(&R);
}

/* 3. An SSD cannot push content into another provider's SSD (nor give it to the ISD): only to
 * itself or an SD associated with it. A's applet to B: refused, store unchanged; to A's own
 * sub-domain: done, and from there only the sub-domain moves it. */
static void test_no_push_into_other_provider(void)
{
    REQUIRE(world());
    party a, b;
    party_init(&a, 0);
    party_init(&b, 1);
    REQUIRE(chan_open(1) == SW_NO_ERROR);
    REQUIRE(party_open(&a, SSD_A, sizeof SSD_A, &KA) == SEAM_OK);
    /* 80 E6 10 00 09 A0000001515350410B 00 08 F070726F7601010C 00 00 00 */
    rig_buf x = extradition_data((aid_ref){SSD_B, sizeof SSD_B}, (aid_ref){APP_A2, sizeof APP_A2});
    REQUIRE(x.n == 1 + 9 + 1 + 1 + 8 + 3);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&a, 0xE6, 0x10, 0x00, x.b, x.n));
    x = extradition_data((aid_ref){ISD, sizeof ISD}, (aid_ref){APP_A2, sizeof APP_A2});
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&a, 0xE6, 0x10, 0x00, x.b, x.n));
    CHECK(assoc_is(&a.ses, GP_STATUS_APPS, APP_A2, sizeof APP_A2, SSD_A, sizeof SSD_A));
    REQUIRE(party_open(&b, SSD_B, sizeof SSD_B, &KB) == SEAM_OK);
    CHECK(!listed(&b.ses, GP_STATUS_APPS, APP_A2, sizeof APP_A2, NULL));
    /* A's own sub-domain, created and personalised by A (Authorized Management) */
    static const uint8_t priv[3] = {0x80, 0x00, 0x00};
    uint16_t sw = 0;
    gp_keys ks = KB;
    ks.kvn = 0x31;
    REQUIRE(STEP("create sub-SSD",
                 gp_create_sd(&a.ses, SSD_A_SUB, sizeof SSD_A_SUB, priv, 3, NULL, 0, &sw)) &&
            STEP("perso", gp_install_for_perso(&a.ses, SSD_A_SUB, sizeof SSD_A_SUB, &sw)) &&
            STEP("PUT KEY", gp_put_key_aes(&a.ses, &ks, 0, &sw)) &&
            STEP("PERSONALIZED", gp_set_app_status(&a.ses, GP_SET_STATUS_APP, GP_SD_PERSONALIZED,
                                                   SSD_A_SUB, sizeof SSD_A_SUB, &sw)));
    gp_keys_wipe(&ks);
    x = extradition_data((aid_ref){SSD_A_SUB, sizeof SSD_A_SUB}, (aid_ref){APP_A2, sizeof APP_A2});
    CHECK_EQ(cmd(&a, 0xE6, 0x10, 0x00, x.b, x.n), SW_NO_ERROR);
    REQUIRE(party_open(&b, ISD, sizeof ISD, &KISD) == SEAM_OK); /* the ISD sees every entry */
    CHECK(assoc_is(&b.ses, GP_STATUS_APPS, APP_A2, sizeof APP_A2, SSD_A_SUB, sizeof SSD_A_SUB));
    /* now the sub-domain's: A no longer moves it */
    x = extradition_data((aid_ref){SSD_A, sizeof SSD_A}, (aid_ref){APP_A2, sizeof APP_A2});
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, cmd(&a, 0xE6, 0x10, 0x00, x.b, x.n));
    party_end(&a);
    party_end(&b);
    card_rig_close(&R);
}

/* 3b. The same rule for a delegated (token) extradition: B's token-signed extradition of its
 * applet into A is refused, store unchanged, the token still usable for B's own operation. */
static void test_no_push_delegated(void)
{
    REQUIRE(dm_world());
    const aid_ref b_ref = {SSD_B, sizeof SSD_B};
    party b;
    party_init(&b, 0);
    REQUIRE(party_open(&b, SSD_B, sizeof SSD_B, &KB) == SEAM_OK);
    rig_buf ib =
        install_data((aid_ref){PROV_PKG, sizeof PROV_PKG}, (aid_ref){PROV_MOD, sizeof PROV_MOD},
                     (aid_ref){APP_B1, sizeof APP_B1});
    rig_buf t1 = tokened(0xE6, 0x0C, ib.b, ib.n - 1, tok_priv, 1, b_ref);
    REQUIRE(cmd(&b, 0xE6, 0x0C, 0x00, t1.b, t1.n) == SW_NO_ERROR);
    rig_buf ex = extradition_data((aid_ref){SSD_A, sizeof SSD_A}, (aid_ref){APP_B1, sizeof APP_B1});
    rig_buf t2 = tokened(0xE6, 0x10, ex.b, ex.n - 1, tok_priv, 2, b_ref);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&b, 0xE6, 0x10, 0x00, t2.b, t2.n));
    ex = extradition_data((aid_ref){ISD, sizeof ISD}, (aid_ref){APP_B1, sizeof APP_B1});
    rig_buf t3 = tokened(0xE6, 0x10, ex.b, ex.n - 1, tok_priv, 2, b_ref);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, cmd(&b, 0xE6, 0x10, 0x00, t3.b, t3.n));
    CHECK(assoc_is(&b.ses, GP_STATUS_APPS, APP_B1, sizeof APP_B1, SSD_B, sizeof SSD_B));
    /* identifier 2 was not consumed: B's delete of its own applet with it works */
    rig_buf del = delete_data((aid_ref){APP_B1, sizeof APP_B1});
    rig_buf t4 = tokened(0xE4, 0x00, del.b, del.n, tok_priv, 2, b_ref);
    CHECK_EQ(cmd(&b, 0xE4, 0x00, 0x00, t4.b, t4.n), SW_NO_ERROR);
    CHECK(!listed(&b.ses, GP_STATUS_APPS, APP_B1, sizeof APP_B1, NULL));
    party_end(&b);
    card_rig_close(&R);
}

/* 4. An application locked while selected stops: B's applet with B's session on channel 5,
 * locked by the ISD on channel 1: every command on 5 answers 6985 with no data (the applet does
 * not run), a SELECT of its AID there 6A82, the store unchanged; a SELECT of another
 * application still works; unlocked, B reads its secret again. */
static void test_locked_while_selected(void)
{
    REQUIRE(world());
    REQUIRE(chan_open(1) == SW_NO_ERROR && chan_open(5) == SW_NO_ERROR);
    party b, isd;
    party_init(&b, 5);
    party_init(&isd, 1);
    REQUIRE(party_open(&b, APP_B, sizeof APP_B, &KB) == SEAM_OK);
    CHECK(rec_is(&b, 0, SECRET_B, sizeof SECRET_B - 1));
    REQUIRE(party_open(&isd, ISD, sizeof ISD, &KISD) == SEAM_OK);
    uint16_t sw = 0;
    REQUIRE(gp_set_app_status(&isd.ses, GP_SET_STATUS_APP, GP_APP_LOCKED, APP_B, sizeof APP_B,
                              &sw) == SEAM_OK &&
            sw == SW_NO_ERROR);
    /* wrapped READ RECORD on 5: 6985, nothing read */
    uint8_t got[300];
    size_t gl = 99;
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, rec_read(&b, 0, got, &gl));
    CHECK_EQ(gl, 0);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, rec_write(&b, 0, (const uint8_t *)"evil", 4));
    size_t dl = 99;
    const uint8_t plain[] = {apdu_cla_encode(true, 5, false, false), 0xB2, 0x00, 0x00, 0x00};
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, raw(&b, plain, sizeof plain, &dl));
    CHECK_EQ(dl, 0);
    const uint8_t iu[] = {apdu_cla_encode(true, 5, false, false),
                          0x50,
                          0x30,
                          0x00,
                          0x08,
                          1,
                          2,
                          3,
                          4,
                          5,
                          6,
                          7,
                          8,
                          0x00};
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, raw(&b, iu, sizeof iu, &dl));
    CHECK_EQ(dl, 0);
    /* SELECT of the locked AID on that channel: not found, not the applet's */
    size_t fl = 99;
    REFUSED(SW_FILE_NOT_FOUND, party_select(&b, APP_B, sizeof APP_B, &fl));
    CHECK_EQ(fl, 0);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, raw(&b, plain, sizeof plain, &dl));
    /* a SELECT of another application moves on */
    CHECK_EQ(party_open(&b, APP_A, sizeof APP_A, &KA), SEAM_OK);
    CHECK(rec_is(&b, 0, SECRET_A, sizeof SECRET_A - 1));
    /* unlocked: B's session again, secret intact */
    REQUIRE(gp_set_app_status(&isd.ses, GP_SET_STATUS_APP, 0x00, APP_B, sizeof APP_B, &sw) ==
                SEAM_OK &&
            sw == SW_NO_ERROR);
    REQUIRE(party_open(&b, APP_B, sizeof APP_B, &KB) == SEAM_OK);
    CHECK(rec_is(&b, 0, SECRET_B, sizeof SECRET_B - 1));
    party_end(&b);
    party_end(&isd);
    card_rig_close(&R);
}

int main(void)
{
    uint8_t a[16], m[16], d[16];
    for (int i = 0; i < 16; i++) {
        a[i] = (uint8_t)(0xA0 + i);
        m[i] = (uint8_t)(0x60 + i);
        d[i] = (uint8_t)(0x0D + i);
    }
    gp_keys_set(&KA, a, m, d, 16, 0x30);
    gp_keys_set(&KB, d, a, m, 16, 0x30);
    gp_keys_set(&KISD, TEST_KEY, TEST_KEY, TEST_KEY, 16, 0xFF);
    uint8_t other_pub[65];
    if (cr_p256_keygen(tok_priv, tok_pub) != SEAM_OK || cr_p256_keygen(dapA_priv, dapA_pub) ||
        cr_p256_keygen(other_priv, other_pub))
        return 1;
    RUN(test_world);
    RUN(test_keys_stay_home);
    RUN(test_no_cross_management);
    RUN(test_select_leaks_nothing);
    RUN(test_channels_3_and_5);
    RUN(test_same_provider_twice);
    RUN(test_dap_across_providers);
    RUN(test_tokens_across_providers);
    RUN(test_token_bound_to_sd);
    RUN(test_isd_cannot_extradite_provider_content);
    RUN(test_no_push_into_other_provider);
    RUN(test_no_push_delegated);
    RUN(test_locked_while_selected);
    gp_keys_wipe(&KA);
    gp_keys_wipe(&KB);
    gp_keys_wipe(&KISD);
    seam_wipe(tok_priv, sizeof tok_priv);
    seam_wipe(dapA_priv, sizeof dapA_priv);
    seam_wipe(other_priv, sizeof other_priv);
    return check_summary();
}
