/*
 * Tear test of delegated management (tests/tearrig.h; docs/dap.md, "Tokens"): a Delegated
 * Management SSD loads the echo package with a token and gets the load receipt, then deletes it
 * with a second token and gets the delete receipt. The power is cut at every store write; each
 * power-up must show a durable state of the reference run, a working ISD, and the token floor
 * and the receipt counter consistent with the content (GP CS 2.3.1 §C.4, §C.5): the load file
 * is on the card exactly when token 5 and one receipt were consumed, gone after the delete
 * exactly when token 6 and a second receipt were — never the token without the operation or the
 * operation without the token.
 * The load file is $SEAM_BUILD/applets/echo.jcl (skipped without it).
 */
#include <stdlib.h>

#include "cardrig.h"
#include "check.h"
#include "se/gp/dap.h"
#include "seam/crypto.h"
#include "seam/gpclient.h"
#include "seam/gpsig.h"
#include "seam/sw.h"
#include "seam/transport.h"
#include "tearrig.h"

static const uint8_t seed[] = "seam delegated tear test";
static const uint8_t SSD_D[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41, 0x0D};
static const uint8_t PKG[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01};
static gp_keys k_test, kD;
static uint8_t tok_priv[32], tok_pub[65], rcpt_key[16];
static uint8_t *jcl;
static size_t jcl_len;
/* the two token-signed data fields, made once so every run sends the same bytes */
static uint8_t load_tok[300], del_tok[200];
static size_t load_tok_len, del_tok_len;

static uint8_t answer[300];
static size_t answer_len;

static seam_err send(tear_rig *r, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t n,
                     const char *what)
{
    return tear_rig_send(r, ins, p1, p2, d, n, what, answer, sizeof answer, &answer_len);
}

static seam_err workload(void *ctx)
{
    tear_rig *r = ctx;
    uint16_t sw = 0;
    seam_err e;
    static const uint8_t priv[3] = {0x20, 0x00, 0x00}; /* Delegated Management */
    if ((e = tear_rig_open_sd(r, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, &k_test))) return e;
    if ((e = tear_sw(gp_create_sd(&r->gs, SSD_D, sizeof SSD_D, priv, 3, NULL, 0, &sw), &sw,
                     "create")))
        return e;
    if ((e = tear_sw(gp_install_for_perso(&r->gs, SSD_D, sizeof SSD_D, &sw), &sw, "perso")))
        return e;
    if ((e = tear_sw(gp_put_key_aes(&r->gs, &kD, 0, &sw), &sw, "put key"))) return e;
    if ((e = tear_sw(gp_set_app_status(&r->gs, 0x40, 0x0F, SSD_D, sizeof SSD_D, &sw), &sw,
                     "personalize")))
        return e;
    /* the token key and the receipt key of the ISD */
    if ((e = tear_rig_open_sd(r, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, &k_test))) return e;
    if ((e = tear_sw(gp_put_key_ecc(&r->gs, DAP_KID, DAP_KVN_TOKEN, 0, NULL, tok_pub, &sw), &sw,
                     "token key")))
        return e;
    if ((e = tear_sw(gp_put_key_aes_one(&r->gs, DAP_KID, DAP_KVN_RECEIPT, 0, rcpt_key,
                                        sizeof rcpt_key, &sw),
                     &sw, "receipt key")))
        return e;
    /* the delegated load */
    if ((e = tear_rig_open_sd(r, SSD_D, sizeof SSD_D, &kD))) return e;
    if ((e = send(r, 0xE6, 0x02, 0x00, load_tok, load_tok_len, "delegated install for load")))
        return e;
    size_t bs = gp_load_max_block(&r->gs), n = gp_load_block_count(jcl_len, bs);
    for (size_t i = 0; i < n; i++) {
        uint8_t d[256];
        size_t dl = 0;
        bool last = false;
        if ((e = gp_load_block(jcl, jcl_len, bs, i, d, sizeof d, &dl, &last))) return e;
        if ((e = send(r, 0xE8, last ? 0x80 : 0x00, (uint8_t)i, d, dl, "LOAD"))) return e;
    }
    gpsig_lv ctx_load[2] = {{PKG, sizeof PKG}, {SSD_D, sizeof SSD_D}};
    if (gpsig_receipt_verify(answer, answer_len, rcpt_key, sizeof rcpt_key, ctx_load, 2, NULL))
        return SEAM_E_AUTH;
    /* the delegated delete */
    if ((e = send(r, 0xE4, 0x00, 0x00, del_tok, del_tok_len, "delegated delete"))) return e;
    gpsig_lv ctx_del[1] = {{PKG, sizeof PKG}};
    if (gpsig_receipt_verify(answer, answer_len, rcpt_key, sizeof rcpt_key, ctx_del, 1, NULL))
        return SEAM_E_AUTH;
    return SEAM_OK;
}

/* The card's delegated management state, read from its store object: *floor the highest token
 * identifier accepted (0: none), *counter the receipt counter. */
static void dap_state(se *s, unsigned *floor, unsigned *counter)
{
    *floor = *counter = 0;
    for (store_id id = store_next(s->st, 0); id; id = store_next(s->st, id)) {
        uint32_t owner;
        uint16_t type;
        size_t size;
        if (store_info(s->st, id, &owner, &type, &size) != SEAM_OK || type != SE_OBJ_DAPSTATE)
            continue;
        const se_dapstate_rec *st = (const se_dapstate_rec *)store_view(s->st, id, &size);
        if (!st) continue;
        if (st->has_token_id) *floor = st->token_id[7];
        *counter = seam_be16(st->counter);
    }
}

static void check(void *ctx)
{
    tear_rig *r = ctx;
    unsigned floor, counter;
    dap_state(r->card, &floor, &counter);
    bool loaded = reg_find(r->card, PKG, sizeof PKG, false, 0, false) != 0;
    if (loaded) {
        CHECK_EQ(floor, 5);
        CHECK_EQ(counter, 1);
    } else {
        CHECK(floor == 0 || floor == 6);
        CHECK(counter == (floor == 6 ? 2u : 0u));
    }
    CHECK_EQ(tear_rig_open_sd(r, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, &k_test), SEAM_OK);
}

static void test_delegated_tear(void)
{
    static tear_rig r = {.seed = seed, .seed_len = sizeof seed, .cfg = {.quiet = true}};
    tear_spec spec = {tear_rig_up, tear_rig_se, tear_rig_down, workload, check, NULL, &r, 8, 8};
    tear_every_write(&spec);
}

int main(void)
{
    jcl = card_rig_build_file("applets/echo.jcl", &jcl_len);
    if (!jcl) return 77;
    uint8_t t[16], a[16], b[16], h[32];
    for (int i = 0; i < 16; i++) {
        t[i] = (uint8_t)(0x40 + i);
        a[i] = (uint8_t)(0x11 + i);
        b[i] = (uint8_t)(0x91 + i);
        rcpt_key[i] = (uint8_t)(0x70 + i);
    }
    gp_keys_set(&k_test, t, t, t, 16, 0);
    gp_keys_set(&kD, a, b, a, 16, 0x30);
    uint8_t d[300];
    size_t dn = 0;
    static const uint8_t id5[] = {5}, id6[] = {6};
    if (cr_p256_keygen(tok_priv, tok_pub) != SEAM_OK || gpsig_lfdb_hash(jcl, jcl_len, h) ||
        gp_install_for_load_data_hash(PKG, sizeof PKG, SSD_D, sizeof SSD_D, h, 32, d, sizeof d,
                                      &dn) ||
        gpsig_token_data_sd(0xE6, 0x02, 0x00, d, dn - 1, id5, 1, NULL, 0, SSD_D, sizeof SSD_D,
                            tok_priv, load_tok, sizeof load_tok, &load_tok_len) ||
        gp_delete_data(PKG, sizeof PKG, d, sizeof d, &dn) ||
        gpsig_token_data_sd(0xE4, 0x00, 0x00, d, dn, id6, 1, NULL, 0, SSD_D, sizeof SSD_D, tok_priv,
                            del_tok, sizeof del_tok, &del_tok_len))
        return 1;
    RUN(test_delegated_tear);
    gp_keys_wipe(&k_test);
    gp_keys_wipe(&kD);
    seam_wipe(tok_priv, sizeof tok_priv);
    free(jcl);
    return check_summary();
}
