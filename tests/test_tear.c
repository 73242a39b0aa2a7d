/*
 * The tear test of the whole SE (DESIGN.md §4, "Durability"): a realistic card life — fresh
 * personalisation (the card's "install"), life cycle changes, PUT KEY adding, replacing and
 * deleting key sets, a failed authentication (try counter), repeated sessions (sequence
 * counters) — is run once to count its low-level writes W and to record, through the store's
 * commit hook, every state that becomes durable. Then for every n in 1..W the same workload
 * runs on a fresh chip with the power cut at write n, and the next power-up must:
 *   - open (never a corrupt image),
 *   - show exactly the last durable state before the cut or the one being written at the cut
 *     (never a mix of two),
 *   - still work: the key set the card says it has authenticates with exactly its keys, so an
 *     ENC from one PUT KEY and a MAC from another can never meet.
 * The default run is the short pass (every write of the main workload with a few sessions);
 * SEAM_TEAR_FULL=1 (make tear-full) adds hundreds of sessions, past a store compaction.
 */
#include <stdlib.h>

#include "check.h"
#include "tearrig.h"
#include "seam/gpclient.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/transport.h"

static const uint8_t seed[] = "seam tear test";
static gp_keys k_test, k30, k31, k32;
static int loops = 40;

static void make_keys(void)
{
    uint8_t t[16], a[32], b[32], c[32];
    for (int i = 0; i < 16; i++)
        t[i] = (uint8_t)(0x40 + i);
    gp_keys_set(&k_test, t, t, t, 16, 0xFF);
    for (int i = 0; i < 32; i++) {
        a[i] = (uint8_t)(0x10 + i);
        b[i] = (uint8_t)(0x60 + i);
        c[i] = (uint8_t)(0xB0 + i);
    }
    gp_keys_set(&k30, a, b, c, 16, 0x30);
    gp_keys_set(&k31, b, c, a, 24, 0x31);
    gp_keys_set(&k32, c, a, b, 32, 0x32);
}

static const gp_keys *keys_for(uint8_t kvn)
{
    switch (kvn) {
    case 0xFF:
        return &k_test;
    case 0x30:
        return &k30;
    case 0x31:
        return &k31;
    case 0x32:
        return &k32;
    default:
        return NULL;
    }
}

typedef struct {
    se *card;
    seam_card *hc;
    gp_client cl;
    gp_session gs;
} rig;

static seam_err power_up(rig *r, store_medium *m, char *msg, size_t cap)
{
    cr_rng_seed_deterministic(seed, sizeof seed);
    se_config cfg = {.medium = m, .quiet = true, .auth_try_limit = 5};
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

static seam_err open_with(rig *r, const gp_keys *k, uint8_t level, size_t chl)
{
    uint16_t sw;
    gp_session_close(&r->gs);
    seam_err e = gp_session_open(&r->gs, &r->cl, k, level, NULL, chl, &sw);
    if (e == SEAM_OK && sw != SW_NO_ERROR) return SEAM_E_PROTOCOL;
    return e;
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

static seam_err workload(rig *r)
{
    seam_err e;
    uint8_t buf[300];
    size_t n;
    DO(gp_select(&r->cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, buf, sizeof buf, &n, &sw),
       SW_NO_ERROR, "select");
    if ((e = open_with(r, &k_test, 0x33, 8))) return e;
    DO(gp_set_card_status(&r->gs, GP_CARD_SECURED, &sw), SW_NO_ERROR, "secure");
    DO(gp_put_key_aes(&r->gs, &k30, 0, &sw), SW_NO_ERROR, "put key 30");
    if ((e = open_with(r, &k30, 0x13, 16))) return e;
    DO(gp_put_key_aes(&r->gs, &k31, 0, &sw), SW_NO_ERROR, "put key 31");
    DO(gp_put_key_aes(&r->gs, &k32, 0x30, &sw), SW_NO_ERROR, "replace 30 by 32");
    DO(gp_delete_key(&r->gs, 0x31, 0, &sw), SW_NO_ERROR, "delete 31");
    /* a failed authentication: the try counter goes down and stays down */
    gp_session_close(&r->gs);
    gp_session_plain(&r->gs, &r->cl);
    static const uint8_t iu[] = {0x80, 0x50, 0x32, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
    static const uint8_t ea[] = {0x84, 0x82, 0x33, 0x00, 0x10, 0, 0, 0, 0, 0, 0,
                                 0,    0,    0,    0,    0,    0, 0, 0, 0, 0};
    DO(gp_transmit(&r->cl, iu, sizeof iu, buf, sizeof buf, &n, &sw), SW_NO_ERROR, "init update");
    DO(gp_transmit(&r->cl, ea, sizeof ea, buf, sizeof buf, &n, &sw), 0x6300, "bad ext auth");
    if ((e = open_with(r, &k32, 0x33, 8))) return e;
    DO(gp_set_card_status(&r->gs, GP_CARD_LOCKED, &sw), SW_NO_ERROR, "lock");
    DO(gp_set_card_status(&r->gs, GP_CARD_SECURED, &sw), SW_NO_ERROR, "unlock");
    for (int i = 0; i < loops; i++)
        if ((e = open_with(r, &k32, i % 2 ? 0x33 : 0x01, i % 3 ? 8 : 16))) return e;
    /* the end of the card's life: TERMINATED and every key wiped, in one step */
    DO(gp_set_card_status(&r->gs, GP_CARD_TERMINATED, &sw), SW_NO_ERROR, "terminate");
    return SEAM_OK;
}

/* After a power-up: the card answers, and its first key set authenticates with its keys. */
static void check_works(rig *r)
{
    uint8_t buf[300];
    size_t n;
    uint16_t sw;
    CHECK(gp_get_data(&r->gs, GP_TAG_KEY_INFO, buf, sizeof buf, &n, &sw) == SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    gp_key_info ki[GP_KEY_INFO_MAX];
    size_t cnt = 0;
    CHECK(gp_parse_key_info(buf, n, ki, GP_KEY_INFO_MAX, &cnt) == SEAM_OK);
    if (cnt == 0) {
        /* a terminated card: no keys, and no session can start */
        static const uint8_t iu[] = {0x80, 0x50, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
        CHECK(gp_transmit(&r->cl, iu, sizeof iu, buf, sizeof buf, &n, &sw) == SEAM_OK);
        CHECK_EQ(sw, SW_CONDITIONS_OF_USE_NOT_SATISFIED);
        return;
    }
    CHECK(cnt >= 3);
    if (cnt < 3) return;
    const gp_keys *k = keys_for(ki[0].kvn);
    CHECK(k != NULL);
    if (!k) return;
    gp_keys kk = *k;
    CHECK_EQ(ki[0].length, kk.len);
    seam_err e = gp_session_open(&r->gs, &r->cl, &kk, 0x33, NULL, 8, &sw);
    CHECK(e == SEAM_OK && sw == SW_NO_ERROR);
    if (e != SEAM_OK || sw != SW_NO_ERROR)
        fprintf(stderr, "  key set %02X does not authenticate after power-up (%s, %04X)\n",
                ki[0].kvn, seam_strerror(e), sw);
    gp_keys_wipe(&kk);
}

/* After the reference run: each durable update appends at least a 24-byte record to the log,
 * so an image smaller than that sum shows the log was compacted into a snapshot on the way. */
static void image_figure(void *ctx, store_medium *m, size_t states)
{
    (void)ctx;
    uint8_t *img;
    size_t img_len = 0;
    if (store_medium_get_bytes(m, &img, &img_len) == SEAM_OK) free(img);
    fprintf(stderr, "  image %zu bytes after %zu updates (%s)\n", img_len, states,
            img_len < 24 * states ? "compacted" : "not compacted");
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
    make_keys();
    if (getenv("SEAM_TEAR_FULL")) loops = 600;
    static rig r;
    tear_spec spec = {up, se_of, down, work, works, image_figure, &r, 21, 16};
    tear_every_write(&spec);
}

int main(void)
{
    RUN(test_tear_every_write);
    gp_keys_wipe(&k_test);
    gp_keys_wipe(&k30);
    gp_keys_wipe(&k31);
    gp_keys_wipe(&k32);
    return check_summary();
}
