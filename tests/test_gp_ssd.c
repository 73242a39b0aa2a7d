/*
 * Supplementary Security Domains on the card (GP CS 2.3.1 §5.3.2, §6.6, §7.2, §9, §11.5;
 * docs/ssd.md), driven through an in-process SE and the host library's SCP03 sessions: the
 * security domain load file and module in GET STATUS, SSD creation by INSTALL from them, its
 * privileges and install parameters, first keys through the ISD (INSTALL [for
 * personalization] + PUT KEY), its own SCP03 sessions on several logical channels, its life
 * cycle (SET STATUS), GET STATUS visibility, Authorized and Delegated Management, association
 * and INSTALL [for extradition], DELETE of SSDs. Every refused command must leave the store's
 * digest unchanged.
 */
#include <stdlib.h>

#include "cardrig.h"
#include "check.h"
#include "seam/gpclient.h"
#include "seam/se.h"
#include "seam/store.h"
#include "seam/sw.h"
#include "seam/transport.h"

static const uint8_t ISD[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00};
static const uint8_t SD_ELF[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50};
static const uint8_t SD_MOD[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41};
static const uint8_t SSD1[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x01};
static const uint8_t SSD2[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x02};
static const uint8_t SSD3[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x03};

static card_rig R;
static uint8_t out[APDU_MAX_RESPONSE];
static size_t outlen;
static gp_keys k1, k2;

/* A new card on a blank medium (the test stops when it cannot be made). */
static void fresh(void)
{
    card_rig_close(&R);
    if (!card_rig_open(&R)) abort();
}

static void power_cycle(void)
{
    if (!card_rig_power_cycle(&R)) abort();
}

static uint16_t select_aid(const uint8_t *aid, size_t n)
{
    return card_rig_select_fci(&R, aid, n, out, sizeof out, &outlen);
}

/* Selects sd and opens an SCP03 session (level 33) with keys k: the gp_session_open result. */
static seam_err open_sd(const uint8_t *sd, size_t n, const gp_keys *k)
{
    return card_rig_open_sd(&R, sd, n, k, 0x33);
}

static bool auth(void)
{
    gp_keys k;
    card_rig_test_keys(&k);
    seam_err e = open_sd(ISD, sizeof ISD, &k);
    gp_keys_wipe(&k);
    return e == SEAM_OK;
}

static uint16_t cmd(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data, size_t lc)
{
    return card_rig_cmd(&R.ses, ins, p1, p2, data, lc, out, sizeof out, &outlen);
}

#define REFUSED(want, ins, p1, p2, data, lc) CARD_RIG_REFUSED(&R, want, cmd(ins, p1, p2, data, lc))

/* INSTALL [for install (and make selectable)] data of an SSD. */
static rig_buf sd_install(const uint8_t *aid, size_t aid_len, const uint8_t *priv, size_t priv_len,
                          const uint8_t *c9, size_t c9_len)
{
    rig_buf b = {.n = 0};
    rig_put_lv(&b, SD_ELF, sizeof SD_ELF);
    rig_put_lv(&b, SD_MOD, sizeof SD_MOD);
    rig_put_lv(&b, aid, aid_len);
    rig_put_lv(&b, priv, priv_len);
    uint8_t params[64] = {0xC9, (uint8_t)c9_len};
    if (c9_len) memcpy(params + 2, c9, c9_len);
    rig_put_lv(&b, params, 2 + c9_len);
    rig_put_lv(&b, NULL, 0);
    return b;
}

static uint16_t create_ssd(const uint8_t *aid, size_t n, uint8_t p0, uint8_t p1, uint8_t p2)
{
    uint8_t priv[3] = {p0, p1, p2};
    rig_buf b = sd_install(aid, n, priv, 3, NULL, 0);
    return cmd(0xE6, 0x0C, 0x00, b.b, b.n);
}

static rig_buf perso(const uint8_t *aid, size_t n)
{
    rig_buf b = {.n = 0};
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, aid, n);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    return b;
}

static rig_buf extradite(const uint8_t *to, size_t to_len, const uint8_t *aid, size_t n)
{
    rig_buf b = {.n = 0};
    rig_put_lv(&b, to, to_len);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, aid, n);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    return b;
}

static uint16_t set_status(uint8_t p1, uint8_t p2, const uint8_t *aid, size_t n)
{
    return cmd(0xF0, p1, p2, aid, n);
}

static uint16_t delete_aid(const uint8_t *aid, size_t n)
{
    rig_buf b = {.n = 0};
    b.b[b.n++] = 0x4F;
    rig_put_lv(&b, aid, n);
    return cmd(0xE4, 0x00, 0x00, b.b, b.n);
}

/* Gives SSD aid its first key set k through the ISD (INSTALL [for personalization] + PUT KEY);
 * leaves an ISD session open. */
static bool personalise(const uint8_t *aid, size_t n, const gp_keys *k)
{
    if (!auth()) return false;
    rig_buf b = perso(aid, n);
    if (cmd(0xE6, 0x20, 0x00, b.b, b.n) != SW_NO_ERROR) return false;
    uint16_t sw = 0;
    return gp_put_key_aes(&R.ses, k, 0, &sw) == SEAM_OK && sw == SW_NO_ERROR;
}

/* The GET STATUS entry of aid seen from the current session (P1 p1), or false. */
static bool status_of(uint8_t p1, const uint8_t *aid, size_t n, gp_status_entry *out_e)
{
    gp_status_entry e[16];
    size_t cnt = 0;
    uint16_t sw;
    if (gp_get_status(&R.ses, p1, e, 16, &cnt, &sw) != SEAM_OK) return false;
    for (size_t i = 0; i < cnt; i++)
        if (e[i].aid_len == n && memcmp(e[i].aid, aid, n) == 0) {
            *out_e = e[i];
            return true;
        }
    return false;
}

/* ---- tests ---- */

static void test_sd_load_file(void)
{
    fresh();
    REQUIRE(auth());
    gp_status_entry e;
    REQUIRE(status_of(0x10, SD_ELF, sizeof SD_ELF, &e));
    CHECK_EQ(e.lifecycle, 0x01);
    CHECK_EQ(e.n_modules, 1);
    CHECK_MEM(e.modules[0], SD_MOD, sizeof SD_MOD);
    CHECK_EQ(e.sd_aid_len, sizeof ISD);
    CHECK_MEM(e.sd_aid, ISD, sizeof ISD);
    REQUIRE(status_of(0x20, SD_ELF, sizeof SD_ELF, &e));
    /* the legacy format too */
    static const uint8_t crit[] = {0x4F, 0x07, 0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50};
    CHECK_EQ(cmd(0xF2, 0x10, 0x00, crit, sizeof crit), SW_NO_ERROR);
    static const uint8_t legacy[] = {0x07, 0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x01, 0x00,
                                     0x01, 0x08, 0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41};
    CHECK_EQ(outlen, sizeof legacy);
    CHECK_MEM(out, legacy, sizeof legacy);
    /* it cannot be deleted, loaded over, or used as an instance AID */
    uint8_t d[] = {0x4F, 0x07, 0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50};
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE4, 0x00, 0x80, d, sizeof d);
    uint8_t dm[] = {0x4F, 0x08, 0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41};
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE4, 0x00, 0x00, dm, sizeof dm);
    rig_buf b = {.n = 0};
    rig_put_lv(&b, SD_ELF, sizeof SD_ELF);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    rig_put_lv(&b, NULL, 0);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, b.b, b.n);
    uint8_t sdp = 0x80;
    b = sd_install(SD_MOD, sizeof SD_MOD, &sdp, 1, NULL, 0);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
}

static void test_create_ssd(void)
{
    fresh();
    REQUIRE(auth());
    /* INSTALL [for install] then [for make selectable] */
    uint8_t sdp = 0x80;
    rig_buf b = sd_install(SSD1, sizeof SSD1, &sdp, 1, NULL, 0);
    CHECK_EQ(cmd(0xE6, 0x04, 0x00, b.b, b.n), SW_NO_ERROR);
    CHECK_EQ(outlen, 1);
    gp_status_entry e;
    REQUIRE(status_of(0x40, SSD1, sizeof SSD1, &e));
    CHECK_EQ(e.lifecycle, 0x03);
    CHECK_EQ(e.priv[0], 0x80);
    CHECK_EQ(e.sd_aid_len, sizeof ISD);
    CHECK_MEM(e.sd_aid, ISD, sizeof ISD);
    CHECK_EQ(e.elf_aid_len, sizeof SD_ELF);
    CHECK_MEM(e.elf_aid, SD_ELF, sizeof SD_ELF);
    CHECK_EQ(select_aid(SSD1, sizeof SSD1), SW_FILE_NOT_FOUND); /* INSTALLED */
    REQUIRE(auth());
    rig_buf ms = {.n = 0};
    rig_put_lv(&ms, NULL, 0);
    rig_put_lv(&ms, NULL, 0);
    rig_put_lv(&ms, SSD1, sizeof SSD1);
    rig_put_lv(&ms, NULL, 0);
    rig_put_lv(&ms, NULL, 0);
    rig_put_lv(&ms, NULL, 0);
    CHECK_EQ(cmd(0xE6, 0x08, 0x00, ms.b, ms.n), SW_NO_ERROR);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE6, 0x08, 0x00, ms.b, ms.n);
    REQUIRE(status_of(0x40, SSD1, sizeof SSD1, &e));
    CHECK_EQ(e.lifecycle, 0x07);
    /* selectable on any channel; a new SSD has no keys */
    CHECK_EQ(select_aid(SSD1, sizeof SSD1), SW_NO_ERROR);
    static const uint8_t iu[] = {0x80, 0x50, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
    uint16_t sw = 0;
    size_t n;
    CHECK_EQ(gp_transmit(&R.cl, iu, sizeof iu, out, sizeof out, &n, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_REFERENCED_DATA_NOT_FOUND);
    CHECK(open_sd(SSD1, sizeof SSD1, &k1) != SEAM_OK);
    /* with P1 0C, an SCP parameter the card honours, and the 3-byte privileges */
    REQUIRE(auth());
    static const uint8_t scp[] = {0x81, 0x02, 0x03, 0x70};
    uint8_t p3[3] = {0x80, 0x00, 0x00};
    b = sd_install(SSD2, sizeof SSD2, p3, 3, scp, sizeof scp);
    CHECK_EQ(cmd(0xE6, 0x0C, 0x00, b.b, b.n), SW_NO_ERROR);
    /* survives a power cycle */
    power_cycle();
    REQUIRE(auth());
    REQUIRE(status_of(0x40, SSD2, sizeof SSD2, &e));
    CHECK_EQ(e.lifecycle, 0x07);
}

static void test_create_refusals(void)
{
    fresh();
    REQUIRE(auth());
    REQUIRE(create_ssd(SSD1, sizeof SSD1, 0x80, 0x00, 0x00) == SW_NO_ERROR);
    struct {
        uint8_t p[3];
        uint16_t sw;
    } privs[] = {
        {{0x00, 0x00, 0x00}, SW_WRONG_DATA}, /* no Security Domain */
        {{0x81, 0x00, 0x00}, SW_WRONG_DATA}, /* Mandated DAP without DAP Verification */
        {{0xA0, 0x40, 0x00}, SW_WRONG_DATA}, /* Delegated and Authorized Management */
        {{0x80, 0x01, 0x00}, SW_WRONG_DATA}, /* Global Service */
        {{0x80, 0x00, 0x40}, SW_WRONG_DATA}, /* byte 3 bits GP does not define */
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(privs); i++) {
        rig_buf b = sd_install(SSD2, sizeof SSD2, privs[i].p, 3, NULL, 0);
        REFUSED(privs[i].sw, 0xE6, 0x0C, 0x00, b.b, b.n);
    }
    /* 2-byte privileges, none */
    uint8_t p2[2] = {0x80, 0x00};
    rig_buf b = sd_install(SSD2, sizeof SSD2, p2, 2, NULL, 0);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
    b = sd_install(SSD2, sizeof SSD2, NULL, 0, NULL, 0);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
    /* the same AID twice; the ISD's AID */
    uint8_t sdp = 0x80;
    b = sd_install(SSD1, sizeof SSD1, &sdp, 1, NULL, 0);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
    b = sd_install(ISD, sizeof ISD, &sdp, 1, NULL, 0);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
    /* install parameters: another i, another SCP, an unknown tag, two 81, malformed TLV */
    static const uint8_t c1[] = {0x81, 0x02, 0x03, 0x10};
    static const uint8_t c2[] = {0x81, 0x02, 0x02, 0x55};
    static const uint8_t c3[] = {0x45, 0x01, 0x01};
    static const uint8_t c4[] = {0x81, 0x02, 0x03, 0x70, 0x81, 0x02, 0x03, 0x70};
    static const uint8_t c5[] = {0x81, 0x05, 0x03};
    static const uint8_t c6[] = {0x81, 0x01, 0x03};
    const uint8_t *cs[] = {c1, c2, c3, c4, c5, c6};
    size_t cn[] = {sizeof c1, sizeof c2, sizeof c3, sizeof c4, sizeof c5, sizeof c6};
    for (size_t i = 0; i < 6; i++) {
        b = sd_install(SSD2, sizeof SSD2, &sdp, 1, cs[i], cn[i]);
        REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
    }
    /* the wrong module; a token; trailing bytes */
    b = sd_install(SSD2, sizeof SSD2, &sdp, 1, NULL, 0);
    b.b[1 + sizeof SD_ELF + 1 + sizeof SD_MOD - 1] ^= 1;
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE6, 0x0C, 0x00, b.b, b.n);
    b = sd_install(SSD2, sizeof SSD2, &sdp, 1, NULL, 0);
    b.b[b.n - 1] = 1;
    b.b[b.n++] = 0x00;
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
    b = sd_install(SSD2, sizeof SSD2, &sdp, 1, NULL, 0);
    b.b[b.n++] = 0x00;
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
    /* Token Verification and Receipt Generation: one SSD at most (besides the ISD) */
    CHECK_EQ(create_ssd(SSD2, sizeof SSD2, 0x80, 0x20, 0x80), SW_NO_ERROR);
    uint8_t tv[3] = {0x80, 0x20, 0x00};
    b = sd_install(SSD3, sizeof SSD3, tv, 3, NULL, 0);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x0C, 0x00, b.b, b.n);
    /* INSTALL without a session; under an SSD without Authorized Management */
    CHECK_EQ(select_aid(ISD, sizeof ISD), SW_NO_ERROR);
    b = sd_install(SSD3, sizeof SSD3, &sdp, 1, NULL, 0);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, b.b, b.n);
    REQUIRE(personalise(SSD1, sizeof SSD1, &k1));
    REQUIRE(open_sd(SSD1, sizeof SSD1, &k1) == SEAM_OK);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, b.b, b.n);
}

static void test_personalisation(void)
{
    fresh();
    REQUIRE(auth());
    REQUIRE(create_ssd(SSD1, sizeof SSD1, 0x80, 0x00, 0x00) == SW_NO_ERROR);
    /* refusals of INSTALL [for personalization] */
    rig_buf b = perso(SSD2, sizeof SSD2);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE6, 0x20, 0x00, b.b, b.n);
    b = perso(ISD, sizeof ISD);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE6, 0x20, 0x00, b.b, b.n);
    b = perso(SSD1, sizeof SSD1);
    b.b[0] = 1;
    REFUSED(SW_WRONG_DATA, 0xE6, 0x20, 0x00, b.b, b.n);
    /* ISD key information before */
    uint8_t before[256];
    size_t bn = 0;
    uint16_t sw = 0;
    REQUIRE(gp_get_data(&R.ses, GP_TAG_KEY_INFO, before, sizeof before, &bn, &sw) == SEAM_OK);
    /* first keys through the ISD */
    REQUIRE(personalise(SSD1, sizeof SSD1, &k1));
    uint8_t after[256];
    size_t an = 0;
    REQUIRE(gp_get_data(&R.ses, GP_TAG_KEY_INFO, after, sizeof after, &an, &sw) == SEAM_OK);
    CHECK_EQ(an, bn);
    CHECK_MEM(after, before, bn); /* the ISD's keys are untouched */
    /* a new session forgets the target: PUT KEY goes to the ISD itself */
    REQUIRE(auth());
    CHECK_EQ(gp_put_key_aes(&R.ses, &k2, 0, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    /* so does another INSTALL (here a refused one) */
    gp_keys k = k2;
    k.kvn = 0x32;
    b = perso(SSD1, sizeof SSD1);
    CHECK_EQ(cmd(0xE6, 0x20, 0x00, b.b, b.n), SW_NO_ERROR);
    b = perso(SSD2, sizeof SSD2);
    CHECK_EQ(cmd(0xE6, 0x20, 0x00, b.b, b.n), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(gp_put_key_aes(&R.ses, &k, 0, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    /* the SSD authenticates with k1 only: the ISD's keys open nothing there */
    gp_keys t;
    card_rig_test_keys(&t);
    CHECK(open_sd(SSD1, sizeof SSD1, &t) != SEAM_OK);
    CHECK(open_sd(SSD1, sizeof SSD1, &k2) != SEAM_OK);
    REQUIRE(open_sd(SSD1, sizeof SSD1, &k1) == SEAM_OK);
    /* later key sets under its own session */
    gp_keys k3 = k2;
    k3.kvn = 0x33;
    CHECK_EQ(gp_put_key_aes(&R.ses, &k3, 0, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK(open_sd(SSD1, sizeof SSD1, &k3) == SEAM_OK);
    /* it personalises itself; not twice */
    CHECK_EQ(set_status(0x40, 0x0F, SSD1, sizeof SSD1), SW_NO_ERROR);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xF0, 0x40, 0x0F, SSD1, sizeof SSD1);
    /* its GET STATUS sees itself only (no Global Registry) */
    gp_status_entry e;
    CHECK(status_of(0x40, SSD1, sizeof SSD1, &e));
    CHECK_EQ(e.lifecycle, 0x0F);
    static const uint8_t all[] = {0x4F, 0x00};
    CHECK_EQ(cmd(0xF2, 0x80, 0x02, all, sizeof all), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(cmd(0xF2, 0x20, 0x02, all, sizeof all), SW_REFERENCED_DATA_NOT_FOUND);
    /* sessions with the SSD on channel 3 and the ISD on channel 5 at once */
    uint8_t resp[8];
    size_t rl;
    static const uint8_t open3[] = {0x00, 0x70, 0x00, 0x03};
    static const uint8_t open5[] = {0x00, 0x70, 0x00, 0x05};
    CHECK_EQ(card_transmit_full(R.card, open3, sizeof open3, resp, sizeof resp, &rl), SEAM_OK);
    CHECK_EQ(card_transmit_full(R.card, open5, sizeof open5, resp, sizeof resp, &rl), SEAM_OK);
    gp_client c3 = R.cl, c5 = R.cl;
    c3.channel = 3;
    c5.channel = 5;
    gp_session s3, s5;
    gp_session_plain(&s3, &c3);
    gp_session_plain(&s5, &c5);
    CHECK_EQ(gp_select(&c3, SSD1, sizeof SSD1, out, sizeof out, &outlen, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(gp_select(&c5, ISD, sizeof ISD, out, sizeof out, &outlen, &sw), SEAM_OK);
    CHECK_EQ(gp_session_open(&s3, &c3, &k1, 0x33, NULL, 8, &sw), SEAM_OK);
    card_rig_test_keys(&t);
    CHECK(gp_session_open(&s5, &c5, &k2, 0x33, NULL, 8, &sw) == SEAM_OK);
    CHECK_EQ(gp_get_data(&s3, GP_TAG_KEY_INFO, after, sizeof after, &an, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(gp_get_data(&s5, GP_TAG_KEY_INFO, after, sizeof after, &an, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    gp_session_close(&s3);
    gp_session_close(&s5);
    gp_keys_wipe(&t);
}

static void test_life_cycle(void)
{
    fresh();
    REQUIRE(auth());
    REQUIRE(create_ssd(SSD1, sizeof SSD1, 0x80, 0x00, 0x00) == SW_NO_ERROR);
    REQUIRE(create_ssd(SSD2, sizeof SSD2, 0x80, 0x00, 0x00) == SW_NO_ERROR);
    /* lock and unlock from the ISD */
    CHECK_EQ(set_status(0x40, 0x80, SSD1, sizeof SSD1), SW_NO_ERROR);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xF0, 0x40, 0x80, SSD1, sizeof SSD1);
    gp_status_entry e;
    REQUIRE(status_of(0x40, SSD1, sizeof SSD1, &e));
    CHECK_EQ(e.lifecycle, 0x87);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xF0, 0x40, 0x0F, SSD1, sizeof SSD1);
    rig_buf b = perso(SSD1, sizeof SSD1);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE6, 0x20, 0x00, b.b, b.n);
    CHECK_EQ(select_aid(SSD1, sizeof SSD1), SW_FILE_NOT_FOUND);
    REQUIRE(auth());
    CHECK_EQ(set_status(0x40, 0x00, SSD1, sizeof SSD1), SW_NO_ERROR);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xF0, 0x40, 0x00, SSD1, sizeof SSD1);
    REQUIRE(status_of(0x40, SSD1, sizeof SSD1, &e));
    CHECK_EQ(e.lifecycle, 0x07);
    /* personalize from the ISD; bad P2, P1, AIDs */
    CHECK_EQ(set_status(0x40, 0x0F, SSD2, sizeof SSD2), SW_NO_ERROR);
    REFUSED(SW_WRONG_DATA, 0xF0, 0x40, 0x07, SSD1, sizeof SSD1);
    REFUSED(SW_WRONG_DATA, 0xF0, 0x60, 0x0F, SSD1, sizeof SSD1);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xF0, 0x40, 0x80, SSD3, sizeof SSD3);
    REFUSED(SW_WRONG_DATA, 0xF0, 0x40, 0x80, ISD, sizeof ISD);
    REFUSED(SW_WRONG_DATA, 0xF0, 0x40, 0x80, SSD1, 4);
    /* P1 60: the SSD and its applications */
    CHECK_EQ(set_status(0x60, 0x80, SSD2, sizeof SSD2), SW_NO_ERROR);
    REQUIRE(status_of(0x40, SSD2, sizeof SSD2, &e));
    CHECK_EQ(e.lifecycle, 0x8F);
    CHECK_EQ(set_status(0x60, 0x00, SSD2, sizeof SSD2), SW_NO_ERROR);
    /* an SSD locks no SD it is not responsible for; it does not lock itself */
    REQUIRE(personalise(SSD1, sizeof SSD1, &k1));
    REQUIRE(open_sd(SSD1, sizeof SSD1, &k1) == SEAM_OK);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xF0, 0x40, 0x80, SSD2, sizeof SSD2);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xF0, 0x40, 0x80, SSD3, sizeof SSD3);
    /* nor the card (no Card Lock / Card Terminate) */
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xF0, 0x80, 0x7F, NULL, 0);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xF0, 0x80, 0xFF, NULL, 0);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xF0, 0x80, 0x0F, NULL, 0);
}

static void test_card_lock_privilege(void)
{
    fresh();
    REQUIRE(auth());
    uint16_t sw;
    CHECK_EQ(gp_set_card_status(&R.ses, GP_CARD_SECURED, &sw), SEAM_OK);
    REQUIRE(create_ssd(SSD1, sizeof SSD1, 0x90, 0x00, 0x00) == SW_NO_ERROR); /* Card Lock */
    REQUIRE(personalise(SSD1, sizeof SSD1, &k1));
    REQUIRE(open_sd(SSD1, sizeof SSD1, &k1) == SEAM_OK);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xF0, 0x80, 0xFF, NULL, 0);
    CHECK_EQ(set_status(0x80, 0x7F, NULL, 0), SW_NO_ERROR);
    /* locked card: only the ISD is selectable */
    CHECK_EQ(select_aid(SSD1, sizeof SSD1), SW_FILE_NOT_FOUND);
    REQUIRE(auth());
    CHECK_EQ(gp_set_card_status(&R.ses, GP_CARD_SECURED, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
}

static void test_authorized_management(void)
{
    fresh();
    REQUIRE(auth());
    REQUIRE(create_ssd(SSD1, sizeof SSD1, 0x80, 0x40, 0x00) == SW_NO_ERROR); /* AM */
    REQUIRE(create_ssd(SSD2, sizeof SSD2, 0xA0, 0x00, 0x00) == SW_NO_ERROR); /* DM */
    REQUIRE(personalise(SSD1, sizeof SSD1, &k1));
    REQUIRE(personalise(SSD2, sizeof SSD2, &k2));
    /* before PERSONALIZED an SSD manages nothing */
    REQUIRE(open_sd(SSD1, sizeof SSD1, &k1) == SEAM_OK);
    uint8_t sdp = 0x80;
    rig_buf b = sd_install(SSD3, sizeof SSD3, &sdp, 1, NULL, 0);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, b.b, b.n);
    CHECK_EQ(set_status(0x40, 0x0F, SSD1, sizeof SSD1), SW_NO_ERROR);
    /* more privileges than it holds */
    uint8_t gd[3] = {0x80, 0x10, 0x00};
    rig_buf g = sd_install(SSD3, sizeof SSD3, gd, 3, NULL, 0);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, g.b, g.n);
    /* a sub-SSD, associated with it */
    CHECK_EQ(cmd(0xE6, 0x0C, 0x00, b.b, b.n), SW_NO_ERROR);
    gp_status_entry e;
    REQUIRE(status_of(0x40, SSD3, sizeof SSD3, &e));
    CHECK_EQ(e.sd_aid_len, sizeof SSD1);
    CHECK_MEM(e.sd_aid, SSD1, sizeof SSD1);
    /* it may not touch what is not its own */
    uint8_t d[] = {0x4F, 0x09, 0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x02};
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE4, 0x00, 0x00, d, sizeof d);
    rig_buf x = extradite(SSD1, sizeof SSD1, SSD2, sizeof SSD2);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE6, 0x10, 0x00, x.b, x.n);
    rig_buf lf = {.n = 0};
    static const uint8_t pkg[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x77};
    rig_put_lv(&lf, pkg, sizeof pkg);
    rig_put_lv(&lf, ISD, sizeof ISD);
    rig_put_lv(&lf, NULL, 0);
    rig_put_lv(&lf, NULL, 0);
    rig_put_lv(&lf, NULL, 0);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x02, 0x00, lf.b, lf.n);
    /* naming itself (or nobody) is fine */
    lf.n = 0;
    rig_put_lv(&lf, pkg, sizeof pkg);
    rig_put_lv(&lf, SSD1, sizeof SSD1);
    rig_put_lv(&lf, NULL, 0);
    rig_put_lv(&lf, NULL, 0);
    rig_put_lv(&lf, NULL, 0);
    CHECK_EQ(cmd(0xE6, 0x02, 0x00, lf.b, lf.n), SW_NO_ERROR);
    /* it personalises its own sub-SSD */
    rig_buf p = perso(SSD3, sizeof SSD3);
    CHECK_EQ(cmd(0xE6, 0x20, 0x00, p.b, p.n), SW_NO_ERROR);
    /* and deletes it */
    uint8_t d3[] = {0x4F, 0x09, 0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x03};
    CHECK_EQ(cmd(0xE4, 0x00, 0x00, d3, sizeof d3), SW_NO_ERROR);
    CHECK(!status_of(0x40, SSD3, sizeof SSD3, &e));
    /* Delegated Management: every command needs a token (test_gp_delegated.c has the valid
     * ones); without a token key on the card none is accepted */
    REQUIRE(open_sd(SSD2, sizeof SSD2, &k2) == SEAM_OK);
    CHECK_EQ(set_status(0x40, 0x0F, SSD2, sizeof SSD2), SW_NO_ERROR);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x0C, 0x00, b.b, b.n);
    lf.n = 0;
    rig_put_lv(&lf, pkg, sizeof pkg);
    rig_put_lv(&lf, NULL, 0);
    rig_put_lv(&lf, NULL, 0);
    rig_put_lv(&lf, NULL, 0);
    uint8_t tok[4] = {1, 2, 3, 4};
    rig_put_lv(&lf, tok, sizeof tok);
    /* a delegated load must name its SD and carry the hash the token signs */
    REFUSED(SW_WRONG_DATA, 0xE6, 0x02, 0x00, lf.b, lf.n);
    uint8_t h32[32] = {0};
    lf.n = 0;
    rig_put_lv(&lf, pkg, sizeof pkg);
    rig_put_lv(&lf, SSD2, sizeof SSD2);
    rig_put_lv(&lf, h32, sizeof h32);
    rig_put_lv(&lf, NULL, 0);
    rig_put_lv(&lf, tok, sizeof tok);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE6, 0x02, 0x00, lf.b, lf.n);
    REFUSED(SW_SECURITY_STATUS_NOT_SATISFIED, 0xE4, 0x00, 0x00, d3, sizeof d3);
}

static void test_extradition(void)
{
    fresh();
    REQUIRE(auth());
    REQUIRE(create_ssd(SSD1, sizeof SSD1, 0x80, 0x40, 0x00) == SW_NO_ERROR);
    REQUIRE(create_ssd(SSD2, sizeof SSD2, 0x80, 0x00, 0x00) == SW_NO_ERROR);
    REQUIRE(create_ssd(SSD3, sizeof SSD3, 0x80, 0x00, 0x00) == SW_NO_ERROR);
    /* to an SSD not PERSONALIZED: refused */
    rig_buf x = extradite(SSD1, sizeof SSD1, SSD2, sizeof SSD2);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE6, 0x10, 0x00, x.b, x.n);
    CHECK_EQ(set_status(0x40, 0x0F, SSD1, sizeof SSD1), SW_NO_ERROR);
    CHECK_EQ(set_status(0x40, 0x0F, SSD2, sizeof SSD2), SW_NO_ERROR);
    CHECK_EQ(cmd(0xE6, 0x10, 0x00, x.b, x.n), SW_NO_ERROR);
    CHECK_EQ(outlen, 1);
    gp_status_entry e;
    REQUIRE(status_of(0x40, SSD2, sizeof SSD2, &e));
    CHECK_MEM(e.sd_aid, SSD1, sizeof SSD1);
    /* a cycle: SSD1 under SSD2 (which is under SSD1) */
    x = extradite(SSD2, sizeof SSD2, SSD1, sizeof SSD1);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE6, 0x10, 0x00, x.b, x.n);
    /* to something that is no SD; unknown; the ISD; the SD load file; malformed */
    static const uint8_t nosd[] = {0xA0, 0x00, 0x00, 0x09, 0x09};
    x = extradite(nosd, sizeof nosd, SSD3, sizeof SSD3);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE6, 0x10, 0x00, x.b, x.n);
    x = extradite(SSD1, sizeof SSD1, nosd, sizeof nosd);
    REFUSED(SW_REFERENCED_DATA_NOT_FOUND, 0xE6, 0x10, 0x00, x.b, x.n);
    x = extradite(SSD1, sizeof SSD1, ISD, sizeof ISD);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE6, 0x10, 0x00, x.b, x.n);
    x = extradite(SSD1, sizeof SSD1, SD_ELF, sizeof SD_ELF);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE6, 0x10, 0x00, x.b, x.n);
    x = extradite(SSD1, sizeof SSD1, SSD3, sizeof SSD3);
    x.b[1 + sizeof SSD1] = 1;
    REFUSED(SW_WRONG_DATA, 0xE6, 0x10, 0x00, x.b, x.n);
    x = extradite(SSD1, sizeof SSD1, SSD3, sizeof SSD3);
    x.b[x.n - 1] = 2;
    REFUSED(SW_WRONG_DATA, 0xE6, 0x10, 0x00, x.b, x.n);
    REFUSED(SW_WRONG_DATA, 0xE6, 0x10, 0x00, x.b, 3);
    /* to itself: only one with Authorized Management */
    x = extradite(SSD3, sizeof SSD3, SSD3, sizeof SSD3);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE6, 0x10, 0x00, x.b, x.n);
    x = extradite(SSD1, sizeof SSD1, SSD1, sizeof SSD1);
    CHECK_EQ(cmd(0xE6, 0x10, 0x00, x.b, x.n), SW_NO_ERROR);
    REQUIRE(status_of(0x40, SSD1, sizeof SSD1, &e));
    CHECK_MEM(e.sd_aid, SSD1, sizeof SSD1);
    /* deleting an SD that still has content: refused; then in order */
    uint8_t d1[] = {0x4F, 0x09, 0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x01};
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE4, 0x00, 0x00, d1, sizeof d1);
    REFUSED(SW_CONDITIONS_OF_USE_NOT_SATISFIED, 0xE4, 0x00, 0x80, d1, sizeof d1);
    /* the SSD selected on another channel cannot go */
    uint8_t resp[8];
    size_t rl;
    static const uint8_t open2[] = {0x00, 0x70, 0x00, 0x02};
    CHECK_EQ(card_transmit_full(R.card, open2, sizeof open2, resp, sizeof resp, &rl), SEAM_OK);
    gp_client c2 = R.cl;
    c2.channel = 2;
    uint16_t sw;
    CHECK_EQ(gp_select(&c2, SSD2, sizeof SSD2, out, sizeof out, &outlen, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(delete_aid(SSD2, sizeof SSD2), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    static const uint8_t close2[] = {0x00, 0x70, 0x80, 0x02};
    CHECK_EQ(card_transmit_full(R.card, close2, sizeof close2, resp, sizeof resp, &rl), SEAM_OK);
    CHECK_EQ(delete_aid(SSD2, sizeof SSD2), SW_NO_ERROR);
    CHECK_EQ(delete_aid(SSD1, sizeof SSD1), SW_NO_ERROR);
    CHECK(!status_of(0x40, SSD1, sizeof SSD1, &e));
    power_cycle();
    REQUIRE(auth());
    CHECK(status_of(0x40, SSD3, sizeof SSD3, &e));
    CHECK(!status_of(0x40, SSD2, sizeof SSD2, &e));
}

static void test_delete_wipes_keys(void)
{
    fresh();
    REQUIRE(auth());
    REQUIRE(create_ssd(SSD1, sizeof SSD1, 0x80, 0x00, 0x00) == SW_NO_ERROR);
    REQUIRE(personalise(SSD1, sizeof SSD1, &k1));
    CHECK_EQ(delete_aid(SSD1, sizeof SSD1), SW_NO_ERROR);
    CHECK_EQ(select_aid(SSD1, sizeof SSD1), SW_FILE_NOT_FOUND);
    REQUIRE(auth());
    /* the same AID again has no keys */
    REQUIRE(create_ssd(SSD1, sizeof SSD1, 0x80, 0x00, 0x00) == SW_NO_ERROR);
    CHECK(open_sd(SSD1, sizeof SSD1, &k1) != SEAM_OK);
}

int main(void)
{
    uint8_t a[16], m[16], d[16];
    for (int i = 0; i < 16; i++) {
        a[i] = (uint8_t)(0x10 + i);
        m[i] = (uint8_t)(0x30 + i);
        d[i] = (uint8_t)(0x50 + i);
    }
    gp_keys_set(&k1, a, m, d, 16, 0x30);
    gp_keys_set(&k2, d, a, m, 16, 0x31);
    RUN(test_sd_load_file);
    RUN(test_create_ssd);
    RUN(test_create_refusals);
    RUN(test_personalisation);
    RUN(test_life_cycle);
    RUN(test_card_lock_privilege);
    RUN(test_authorized_management);
    RUN(test_extradition);
    RUN(test_delete_wipes_keys);
    card_rig_close(&R);
    gp_keys_wipe(&k1);
    gp_keys_wipe(&k2);
    return check_summary();
}
