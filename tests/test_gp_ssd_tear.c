/*
 * Tear test of Supplementary Security Domains (tests/tearrig.h; docs/ssd.md): SSD creation
 * (INSTALL [for install and make selectable] from the security domain module), its first key
 * set through the ISD (INSTALL [for personalization] + PUT KEY), SET STATUS to PERSONALIZED, a
 * second key set under its own session, a second SSD, INSTALL [for extradition] of it to the
 * first, and DELETE of it. The power is cut at every store write; each power-up must show a
 * durable state of the reference run and a working card: the ISD authenticates with its keys
 * and, when the first SSD holds a key set, that key set authenticates with exactly its keys.
 */
#include "check.h"
#include "tearrig.h"
#include "seam/gpclient.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/transport.h"

static const uint8_t seed[] = "seam ssd tear test";
static const uint8_t SSD1[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x01};
static const uint8_t SSD2[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x02};
static gp_keys k_test, k30, k31;

static seam_err send(tear_rig *r, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t n,
                     const char *what)
{
    uint8_t out[300];
    size_t ol;
    return tear_rig_send(r, ins, p1, p2, d, n, what, out, sizeof out, &ol);
}

static size_t lv(uint8_t *p, const uint8_t *v, size_t n)
{
    p[0] = (uint8_t)n;
    if (n) memcpy(p + 1, v, n);
    return n + 1;
}

static size_t create_data(uint8_t *p, const uint8_t *aid, size_t n, uint8_t p1)
{
    static const uint8_t elf[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50};
    static const uint8_t mod[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41};
    static const uint8_t c9[] = {0xC9, 0x00};
    uint8_t priv[3] = {0x80, p1, 0x00};
    size_t k = lv(p, elf, sizeof elf);
    k += lv(p + k, mod, sizeof mod);
    k += lv(p + k, aid, n);
    k += lv(p + k, priv, 3);
    k += lv(p + k, c9, sizeof c9);
    k += lv(p + k, NULL, 0);
    return k;
}

/* INSTALL data with the first field sd (empty for [for personalization], the receiving security
 * domain for [for extradition]; GP CS 2.3.1 §11.5.2.3), the application aid and the rest empty. */
static size_t install_data(uint8_t *p, const uint8_t *sd, size_t sdn, const uint8_t *aid, size_t n)
{
    size_t k = lv(p, sd, sdn);
    k += lv(p + k, NULL, 0);
    k += lv(p + k, aid, n);
    k += lv(p + k, NULL, 0);
    k += lv(p + k, NULL, 0);
    k += lv(p + k, NULL, 0);
    return k;
}

static seam_err workload(void *ctx)
{
    tear_rig *r = ctx;
    uint8_t d[128];
    size_t n;
    uint16_t sw = 0;
    seam_err e;
    if ((e = tear_rig_open_sd(r, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, &k_test))) return e;
    n = create_data(d, SSD1, sizeof SSD1, 0x40);
    if ((e = send(r, 0xE6, 0x0C, 0x00, d, n, "create SSD1"))) return e;
    n = install_data(d, NULL, 0, SSD1, sizeof SSD1);
    if ((e = send(r, 0xE6, 0x20, 0x00, d, n, "personalization"))) return e;
    if ((e = tear_sw(gp_put_key_aes(&r->gs, &k30, 0, &sw), &sw, "put key 30"))) return e;
    if ((e = send(r, 0xF0, 0x40, 0x0F, SSD1, sizeof SSD1, "personalize"))) return e;
    if ((e = tear_rig_open_sd(r, SSD1, sizeof SSD1, &k30))) return e;
    if ((e = tear_sw(gp_put_key_aes(&r->gs, &k31, 0x30, &sw), &sw, "put key 31"))) return e;
    if ((e = tear_rig_open_sd(r, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, &k_test))) return e;
    n = create_data(d, SSD2, sizeof SSD2, 0x00);
    if ((e = send(r, 0xE6, 0x0C, 0x00, d, n, "create SSD2"))) return e;
    n = install_data(d, SSD1, sizeof SSD1, SSD2, sizeof SSD2);
    if ((e = send(r, 0xE6, 0x10, 0x00, d, n, "extradite"))) return e;
    d[0] = 0x4F;
    n = 1 + lv(d + 1, SSD2, sizeof SSD2);
    return send(r, 0xE4, 0x00, 0x00, d, n, "delete SSD2");
}

static void check(void *ctx)
{
    tear_rig *r = ctx;
    CHECK_EQ(tear_rig_open_sd(r, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, &k_test), SEAM_OK);
    uint8_t fci[300];
    size_t fl;
    uint16_t sw = 0;
    gp_session_close(&r->gs);
    gp_session_plain(&r->gs, &r->cl);
    if (gp_select(&r->cl, SSD1, sizeof SSD1, fci, sizeof fci, &fl, &sw) != SEAM_OK ||
        sw != SW_NO_ERROR)
        return; /* not created yet */
    uint8_t ki[200];
    size_t kn = 0;
    CHECK_EQ(gp_get_data(&r->gs, GP_TAG_KEY_INFO, ki, sizeof ki, &kn, &sw), SEAM_OK);
    gp_key_info info[GP_KEY_INFO_MAX];
    size_t cnt = 0;
    CHECK_EQ(gp_parse_key_info(ki, kn, info, GP_KEY_INFO_MAX, &cnt), SEAM_OK);
    if (cnt == 0) return; /* no keys yet */
    const gp_keys *k = info[0].kvn == 0x30 ? &k30 : info[0].kvn == 0x31 ? &k31 : NULL;
    CHECK(k != NULL);
    if (k) CHECK_EQ(tear_rig_open_sd(r, SSD1, sizeof SSD1, k), SEAM_OK);
}

static void test_ssd_tear(void)
{
    uint8_t t[16], a[32], b[32];
    for (int i = 0; i < 16; i++)
        t[i] = (uint8_t)(0x40 + i);
    for (int i = 0; i < 32; i++) {
        a[i] = (uint8_t)(0x11 + i);
        b[i] = (uint8_t)(0x91 + i);
    }
    gp_keys_set(&k_test, t, t, t, 16, 0);
    gp_keys_set(&k30, a, b, a, 16, 0x30);
    gp_keys_set(&k31, b, a, b, 32, 0x31);
    static tear_rig r = {.seed = seed, .seed_len = sizeof seed, .cfg = {.quiet = true}};
    tear_spec spec = {tear_rig_up, tear_rig_se, tear_rig_down, workload, check, NULL, &r, 8, 8};
    tear_every_write(&spec);
    gp_keys_wipe(&k_test);
    gp_keys_wipe(&k30);
    gp_keys_wipe(&k31);
}

int main(void)
{
    RUN(test_ssd_tear);
    return check_summary();
}
