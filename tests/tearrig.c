/*
 * The power-cut test method of tests/tearrig.h. One process runs one workload at a time, so
 * the recorded states are file-level statics.
 */
#include "tearrig.h"

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "seam/crypto.h"
#include "seam/sw.h"
#include "seam/transport.h"

#define MAX_STATES 8192

static uint8_t states[MAX_STATES][32];
static size_t nstates;
static bool overflow;
static unsigned long non_atomic;

static void hook(void *ctx, store *st)
{
    (void)ctx;
    if (nstates == MAX_STATES) {
        overflow = true;
        return;
    }
    store_digest(st, states[nstates++]);
}

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

seam_card_fns tear_card_fns(se *s)
{
    seam_card_fns f = {glue_tx, glue_reset, s};
    return f;
}

static bool same(const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, 32) == 0;
}

/* Powers up on m and starts recording durable states. */
static seam_err up_recording(const tear_spec *t, store_medium *m, char *msg, size_t cap)
{
    nstates = 0;
    seam_err e = t->up(t->ctx, m, msg, cap);
    if (e != SEAM_OK) return e;
    store *st = se_store(t->se_of(t->ctx));
    store_digest(st, states[nstates++]); /* the state at power-up (after personalisation) */
    store_set_commit_hook(st, hook, NULL);
    return SEAM_OK;
}

unsigned long tear_every_write(const tear_spec *t)
{
    static uint8_t ref[MAX_STATES][32];
    char msg[256];
    store_medium *m;

    /* the reference run */
    if (store_medium_memory(&m) != SEAM_OK) return 0;
    non_atomic = 0;
    overflow = false;
    if (up_recording(t, m, msg, sizeof msg) != SEAM_OK) {
        fprintf(stderr, "  reference power-up: %s\n", msg);
        CHECK(false);
        store_medium_free(m);
        return 0;
    }
    seam_err e = t->workload(t->ctx);
    t->down(t->ctx);
    CHECK_EQ(e, SEAM_OK);
    CHECK_EQ(non_atomic, 0);
    unsigned long w = store_medium_writes(m);
    size_t ref_n = nstates;
    memcpy(ref, states, sizeof states[0] * ref_n);
    if (t->reference) t->reference(t->ctx, m, ref_n);
    store_medium_free(m);
    fprintf(stderr, "  reference run: %lu low-level writes, %zu durable states\n", w, ref_n);
    CHECK(!overflow);
    CHECK(w >= t->min_writes && ref_n >= t->min_states);
    if (e != SEAM_OK || overflow) return 0;

    unsigned long failures = 0;
    for (unsigned long cut = 1; cut <= w && failures < 5; cut++) {
        store_medium_memory(&m);
        store_medium_set_tear(m, cut);
        e = up_recording(t, m, msg, sizeof msg);
        if (e == SEAM_OK) {
            e = t->workload(t->ctx);
            t->down(t->ctx);
        } else {
            nstates = 0; /* the cut fell in the first power-up (personalisation) */
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
        e = t->up(t->ctx, m, msg, sizeof msg);
        if (e != SEAM_OK) {
            fprintf(stderr, "  cut %lu: power-up failed: %s: %s\n", cut, seam_strerror(e), msg);
            failures++;
            store_medium_free(m);
            continue;
        }
        uint8_t d[32];
        store_digest(se_store(t->se_of(t->ctx)), d);
        bool ok = k == 0 ? same(d, ref[0]) : same(d, ref[k - 1]) || (k < ref_n && same(d, ref[k]));
        if (!ok) {
            fprintf(stderr, "  cut %lu: power-up shows neither state %zu nor %zu\n", cut,
                    k ? k - 1 : 0, k);
            failures++;
        }
        int before = check_failures;
        t->check(t->ctx);
        if (check_failures != before) {
            fprintf(stderr, "  cut %lu: the card does not work after power-up\n", cut);
            failures++;
        }
        t->down(t->ctx);
        store_medium_free(m);
    }
    CHECK_EQ(failures, 0);
    fprintf(stderr, "  %lu cuts checked\n", w);
    return w;
}

seam_err tear_rig_up(void *ctx, store_medium *m, char *msg, size_t cap)
{
    tear_rig *r = ctx;
    cr_rng_seed_deterministic(r->seed, r->seed_len);
    se_config cfg = r->cfg;
    cfg.medium = m;
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

se *tear_rig_se(void *ctx)
{
    return ((tear_rig *)ctx)->card;
}

void tear_rig_down(void *ctx)
{
    tear_rig *r = ctx;
    gp_session_close(&r->gs);
    card_close(r->hc);
    se_close(r->card);
}

seam_err tear_rig_open_sd(tear_rig *r, const uint8_t *aid, size_t n, const gp_keys *k)
{
    uint8_t fci[300];
    size_t fl;
    uint16_t sw = 0;
    gp_session_close(&r->gs);
    gp_session_plain(&r->gs, &r->cl);
    seam_err e = gp_select(&r->cl, aid, n, fci, sizeof fci, &fl, &sw);
    if (e == SEAM_OK && sw != SW_NO_ERROR) return SEAM_E_PROTOCOL;
    if (e != SEAM_OK) return e;
    return gp_session_open(&r->gs, &r->cl, k, 0x33, NULL, 8, &sw);
}

seam_err tear_sw(seam_err e, const uint16_t *sw, const char *what)
{
    if (e == SEAM_OK && *sw != SW_NO_ERROR) {
        fprintf(stderr, "  workload: %s gave %04X\n", what, *sw);
        return SEAM_E_PROTOCOL;
    }
    return e;
}

seam_err tear_rig_send(tear_rig *r, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t n,
                       const char *what, uint8_t *out, size_t cap, size_t *olen)
{
    uint16_t sw = 0;
    seam_err e = gp_send_cmd(&r->gs, 0x80, ins, p1, p2, d, n, true, out, cap, olen, &sw);
    return tear_sw(e, &sw, what);
}
