/*
 * Fuzz target: delegated management tokens (src/se/gp/dap.c, dap_token_check and
 * dap_token_offset; GP CS 2.3.1 §C.4) on INSTALL and DELETE command data. The card's ISD holds
 * a token key whose private half the target knows, so inputs whose first byte asks for it are
 * re-signed correctly before the check and reach the replay logic.
 *
 * Input: u1 flags (b1: DELETE instead of INSTALL; b2: sign the rest with the card's token key
 * through gpsig_token_data, so the data given is the command without its token), u1 P1, u1 P2,
 * then the data field. Seeds: fuzz/corpus/fuzz_gp_token.
 *
 * Invariants checked: the check never changes the store; an accepted token is consumed in a
 * transaction and the same bytes are then refused (replay); the token offset, when found, lies
 * inside the data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "se/gp/dap.h"
#include "seam/crypto.h"
#include "seam/gpsig.h"

static se *card;
static store_medium *medium;
static uint8_t tpriv[32];
static uint32_t next_id = 1;

static void init(void)
{
    char msg[128];
    static const uint8_t seed[] = "fuzz_gp_token";
    uint8_t pub[65];
    cr_rng_seed_deterministic(seed, sizeof seed);
    if (store_medium_memory(&medium)) abort();
    se_config cfg = {.medium = medium, .quiet = true};
    if (se_open(&card, &cfg, msg, sizeof msg)) abort();
    if (cr_p256_keygen(tpriv, pub) ||
        dap_key_install(card, card->isd_id, DAP_KVN_TOKEN, KEY_TYPE_ECC_PUB, pub, 65))
        abort();
}

static uint8_t buf[70000];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!card) init();
    if (size < 3 || size > 60000) return 0;
    uint8_t ins = (data[0] & 1) ? 0xE4 : 0xE6, p1 = data[1], p2 = data[2];
    const uint8_t *d = data + 3;
    size_t n = size - 3;
    if (data[0] & 2) {
        uint8_t id[4];
        seam_put_be32(id, next_id);
        size_t out = 0;
        if (gpsig_token_data(ins, p1, p2, d, n, id, 4, NULL, 0, tpriv, buf, sizeof buf, &out) ==
            SEAM_OK) {
            next_id++;
            d = buf;
            n = out;
        }
    }
    size_t off;
    if (dap_token_offset(ins, p1, d, n, &off) == SEAM_OK && off >= n) abort();
    uint8_t before[32], after[32];
    store_digest(card->st, before);
    dap_token_info ti;
    uint16_t sw = dap_token_check(card, ins, p1, p2, d, n, &ti);
    store_digest(card->st, after);
    if (memcmp(before, after, 32) != 0) abort();
    if (sw == 0x9000) {
        if (!ti.valid || store_tx_begin(card->st) || dap_token_consume(card, &ti) ||
            store_tx_commit(card->st))
            abort();
        if (dap_token_check(card, ins, p1, p2, d, n, &ti) == 0x9000) {
            fprintf(stderr, "fuzz_gp_token: replay accepted\n");
            abort();
        }
    } else if (ti.valid) {
        abort();
    }
    return 0;
}
