/*
 * Fuzz target: the DAP blocks of LOAD (src/se/gp/dap.c, dap_check_load; GP CS 2.3.1 §9.2.1,
 * §11.6.2.3). A card is powered up once with three security domains: A (DAP Verification, ECC
 * DAP key), B (DAP Verification, AES DAP key), M (Mandated DAP Verification, ECC key), and C
 * without privileges.
 *
 * Input: u1 selector of the associated SD (% 5: ISD, A, B, C, M), 32 bytes of Load File Data
 * Block Hash, then the E2 blocks as LOAD would carry them. Seeds: fuzz/corpus/fuzz_gp_dap.
 *
 * Invariants checked: the answer is 9000 or one of 6A80 / 6982; the store never changes; a
 * 9000 only with M's block present (M is on the card, so its block is compulsory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "se/gp/dap.h"
#include "seam/crypto.h"

static se *card;
static store_medium *medium;
static store_id sds[5];

static store_id mk_sd(uint8_t last, uint8_t p0)
{
    se_reg_rec r;
    memset(&r, 0, sizeof r);
    r.kind = REG_KIND_SSD;
    r.life_cycle = 0x0F;
    r.aid_len = 8;
    static const uint8_t aid[8] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x00};
    memcpy(r.aid, aid, 8);
    r.aid[7] = last;
    r.priv[0] = GP_PRIV0_SECURITY_DOMAIN | p0;
    store_id id = 0;
    if (store_tx_begin(card->st) || store_alloc(card->st, 0, SE_OBJ_REGISTRY, sizeof r, &id) ||
        store_write(card->st, id, 0, &r, sizeof r) || store_tx_commit(card->st) ||
        reg_index_add(card, id))
        abort();
    return id;
}

static void init(void)
{
    char msg[128];
    static const uint8_t seed[] = "fuzz_gp_dap";
    cr_rng_seed_deterministic(seed, sizeof seed);
    if (store_medium_memory(&medium)) abort();
    se_config cfg = {.medium = medium, .quiet = true};
    if (se_open(&card, &cfg, msg, sizeof msg)) abort();
    uint8_t priv[32], pub[65], aes[16] = {0x2B, 0x7E, 0x15, 0x16};
    sds[0] = card->isd_id;
    sds[1] = mk_sd('A', GP_PRIV0_DAP_VERIFICATION);
    sds[2] = mk_sd('B', GP_PRIV0_DAP_VERIFICATION);
    sds[3] = mk_sd('C', 0);
    sds[4] = mk_sd('M', GP_PRIV0_MANDATED_DAP);
    if (cr_p256_keygen(priv, pub) ||
        dap_key_install(card, sds[1], DAP_KVN_DAP, KEY_TYPE_ECC_PUB, pub, 65))
        abort();
    if (dap_key_install(card, sds[2], DAP_KVN_DAP, KEY_TYPE_AES, aes, 16)) abort();
    if (cr_p256_keygen(priv, pub) ||
        dap_key_install(card, sds[4], DAP_KVN_DAP, KEY_TYPE_ECC_PUB, pub, 65))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!card) init();
    if (size < 33) return 0;
    uint8_t before[32], after[32];
    store_digest(card->st, before);
    uint16_t sw = dap_check_load(card, data + 33, size - 33, data + 1, sds[data[0] % 5]);
    store_digest(card->st, after);
    if (memcmp(before, after, 32) != 0) abort();
    if (sw != 0x9000 && sw != 0x6A80 && sw != 0x6982) abort();
    if (sw == 0x9000) {
        /* M's block must be among them: the fuzzer cannot forge ECDSA, so this never happens */
        fprintf(stderr, "fuzz_gp_dap: a load passed the mandated DAP\n");
        abort();
    }
    return 0;
}
