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
#include "seam/gpclient.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/transport.h"

#define MAX_STATES 8192

static uint8_t states[MAX_STATES][32];
static size_t nstates;
static bool overflow;

static void hook(void *ctx, store *st)
{
    (void)ctx;
    if (nstates == MAX_STATES) {
        overflow = true;
        return;
    }
    store_digest(st, states[nstates++]);
}

/* Atomicity at the command level: every command makes at most one durable update — the whole
 * command or nothing — except EXTERNAL AUTHENTICATE, which by design first spends a try (one
 * update) and then gives it back on success (a second). Any other command that became durable
 * in two steps would leave a mixed state after a cut between them. */
static unsigned long non_atomic;

static seam_err glue_tx(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                        size_t *rlen)
{
    size_t before = nstates;
    seam_err e = se_transmit(ctx, cmd, len, resp, cap, rlen);
    size_t updates = nstates - before;
    size_t allowed = (len > 1 && cmd[1] == 0x82) ? 2 : 1;
    if (e == SEAM_OK && updates > allowed) {
        fprintf(stderr, "  command %02X%02X%02X%02X made %zu durable updates\n", cmd[0], cmd[1],
                cmd[2], cmd[3], updates);
        non_atomic++;
    }
    return e;
}

static seam_err glue_reset(void *ctx, uint8_t *atr, size_t cap, size_t *len)
{
    return se_reset(ctx, atr, cap, len);
}

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
    seam_card_fns f = {glue_tx, glue_reset, r->card};
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

static bool same(const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, 32) == 0;
}

static void test_tear_every_write(void)
{
    make_keys();
    if (getenv("SEAM_TEAR_FULL")) loops = 600;
    char msg[256];
    rig r;

    /* the reference run */
    store_medium *m;
    store_medium_memory(&m);
    nstates = 0;
    REQUIRE(power_up(&r, m, msg, sizeof msg) == SEAM_OK);
    store_digest(se_store(r.card), states[nstates++]); /* after personalisation */
    store_set_commit_hook(se_store(r.card), hook, NULL);
    REQUIRE(workload(&r) == SEAM_OK);
    power_down(&r);
    CHECK_EQ(non_atomic, 0);
    unsigned long w = store_medium_writes(m);
    size_t ref_n = nstates;
    uint8_t *img;
    size_t img_len = 0;
    if (store_medium_get_bytes(m, &img, &img_len) == SEAM_OK) free(img);
    /* each durable update appends at least a 24-byte record to the log: an image smaller than
     * that sum shows the log was compacted into a snapshot on the way */
    fprintf(stderr, "  image %zu bytes after %zu updates (%s)\n", img_len, nstates,
            img_len < 24 * nstates ? "compacted" : "not compacted");
    static uint8_t ref[MAX_STATES][32];
    memcpy(ref, states, sizeof states[0] * ref_n);
    store_medium_free(m);
    REQUIRE(!overflow);
    fprintf(stderr, "  reference run: %lu low-level writes, %zu durable states\n", w, ref_n);
    REQUIRE(w > 20 && ref_n > 15);

    unsigned long failures = 0;
    for (unsigned long cut = 1; cut <= w && failures < 5; cut++) {
        store_medium_memory(&m);
        store_medium_set_tear(m, cut);
        nstates = 0;
        seam_err e = power_up(&r, m, msg, sizeof msg);
        bool opened = e == SEAM_OK;
        if (opened) {
            store_digest(se_store(r.card), states[nstates++]);
            store_set_commit_hook(se_store(r.card), hook, NULL);
            e = workload(&r);
            power_down(&r);
        }
        if (!store_medium_torn(m)) {
            fprintf(stderr, "  cut %lu: the hook never fired (%s)\n", cut, seam_strerror(e));
            failures++;
            store_medium_free(m);
            continue;
        }
        /* what came before the cut is the reference's prefix */
        size_t k = nstates;
        for (size_t i = 0; i < k; i++)
            if (!same(states[i], ref[i])) {
                fprintf(stderr, "  cut %lu: durable state %zu differs from the reference\n", cut,
                        i);
                failures++;
                break;
            }
        /* power comes back */
        store_medium_power_cycle(m);
        nstates = 0;
        e = power_up(&r, m, msg, sizeof msg);
        if (e != SEAM_OK) {
            fprintf(stderr, "  cut %lu: power-up failed: %s: %s\n", cut, seam_strerror(e), msg);
            failures++;
            store_medium_free(m);
            continue;
        }
        uint8_t d[32];
        store_digest(se_store(r.card), d);
        bool ok;
        if (k == 0)
            ok = same(d, ref[0]); /* cut during personalisation: personalised anew */
        else
            ok = same(d, ref[k - 1]) || (k < ref_n && same(d, ref[k]));
        if (!ok) {
            fprintf(stderr, "  cut %lu: power-up shows neither state %zu nor %zu\n", cut,
                    k ? k - 1 : 0, k);
            failures++;
        }
        int before = check_failures;
        check_works(&r);
        if (check_failures != before) {
            fprintf(stderr, "  cut %lu: the card does not work after power-up\n", cut);
            failures++;
        }
        power_down(&r);
        store_medium_free(m);
    }
    CHECK_EQ(failures, 0);
    fprintf(stderr, "  %lu cuts checked\n", w);
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
