/*
 * Tests of signed code, delegated management tokens and receipts (src/se/gp/dap.c, the card
 * side, and src/host/gp_sig.c, the host side): the key objects and their PUT KEY, the DAP
 * rules of GP CS 2.3.1 §9.2.1 on LOAD's E2 blocks, token verification (§C.4) with replay
 * refusal, receipts (§C.5) and their durable confirmation counter. Every forgery, truncation,
 * wrong key, wrong SD and replay must be refused and leave the store unchanged.
 *
 * Known answers: the AES-CMAC values were computed with OpenSSL's command line
 * (`openssl mac -cipher AES-128-CBC -macopt hexkey:KEY -in MSG CMAC`), independent of seam's
 * code; ECDSA signatures are made by the host side (gp_sig.c) and checked by the card.
 */
#include <stddef.h>

#include "check.h"
#include "se/gp/dap.h"
#include "seam/crypto.h"
#include "seam/gpsig.h"
#include "seam/scp03.h"

static const uint8_t AID_A[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x41}; /* SSD A */
static const uint8_t AID_B[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x42}; /* SSD B */
static const uint8_t AID_M[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x4D}; /* CA, MDAP */
static const uint8_t AID_C[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x43}; /* no DAP */
static const uint8_t AID_X[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x53, 0x50, 0x58}; /* absent */
static const uint8_t ELF[] = {0xA0, 0x00, 0x00, 0x00, 0x01};

typedef struct {
    store_medium *m;
    se *s;
} rig;

static bool rig_open(rig *r)
{
    char msg[128];
    memset(r, 0, sizeof *r);
    if (store_medium_memory(&r->m) != SEAM_OK) return false;
    se_config cfg = {.medium = r->m, .quiet = true};
    return se_open(&r->s, &cfg, msg, sizeof msg) == SEAM_OK;
}

static bool rig_cycle(rig *r)
{
    char msg[128];
    se_close(r->s);
    se_config cfg = {.medium = r->m, .quiet = true};
    return se_open(&r->s, &cfg, msg, sizeof msg) == SEAM_OK;
}

static void rig_close(rig *r)
{
    if (r->s) se_close(r->s);
    if (r->m) store_medium_free(r->m);
}

/* A security domain's registry entry made directly in the store (the SSD code builds them
 * through INSTALL; these tests need only the entry). */
static store_id mk_sd(se *s, const uint8_t *aid, size_t n, uint8_t p0, uint8_t p1, uint8_t p2)
{
    se_reg_rec r;
    memset(&r, 0, sizeof r);
    r.kind = REG_KIND_SSD;
    r.life_cycle = 0x0F;
    r.aid_len = (uint8_t)n;
    memcpy(r.aid, aid, n);
    r.priv[0] = GP_PRIV0_SECURITY_DOMAIN | p0;
    r.priv[1] = p1;
    r.priv[2] = p2;
    seam_put_be32(r.sd_id, s->isd_id);
    store_id id = 0;
    if (store_tx_begin(s->st) != SEAM_OK) return 0;
    if (store_alloc(s->st, 0, SE_OBJ_REGISTRY, sizeof r, &id) != SEAM_OK ||
        store_write(s->st, id, 0, &r, sizeof r) != SEAM_OK) {
        store_tx_abort(s->st);
        return 0;
    }
    if (store_tx_commit(s->st) != SEAM_OK) return 0;
    return reg_index_add(s, id) == SEAM_OK ? id : 0;
}

static void digest(se *s, uint8_t d[32])
{
    store_digest(s->st, d);
}

/* ---- key objects ---- */

static void test_keys(void)
{
    rig r;
    REQUIRE(rig_open(&r));
    se *s = r.s;
    uint8_t priv[32], pub[65], aes[16] = {1, 2, 3};
    REQUIRE(cr_p256_keygen(priv, pub) == SEAM_OK);
    store_id a = mk_sd(s, AID_A, sizeof AID_A, GP_PRIV0_DAP_VERIFICATION, 0, 0);
    REQUIRE(a);
    CHECK_EQ(dap_key_install(s, a, DAP_KVN_DAP, KEY_TYPE_ECC_PUB, pub, 65), SEAM_OK);
    CHECK_EQ(dap_key_install(s, a, DAP_KVN_RECEIPT, KEY_TYPE_AES, aes, 16), SEAM_OK);
    /* combinations GP's roles do not allow */
    CHECK_EQ(dap_key_install(s, a, DAP_KVN_TOKEN, KEY_TYPE_AES, aes, 16), SEAM_E_ARG);
    CHECK_EQ(dap_key_install(s, a, DAP_KVN_RECEIPT, KEY_TYPE_ECC_PUB, pub, 65), SEAM_E_ARG);
    CHECK_EQ(dap_key_install(s, a, 0x72, KEY_TYPE_AES, aes, 16), SEAM_E_ARG);
    CHECK_EQ(dap_key_install(s, a, DAP_KVN_DAP, KEY_TYPE_AES, aes, 15), SEAM_E_ARG);
    uint8_t bad[65];
    memcpy(bad, pub, 65);
    bad[64] ^= 1; /* off the curve */
    CHECK_EQ(dap_key_install(s, a, DAP_KVN_TOKEN, KEY_TYPE_ECC_PUB, bad, 65), SEAM_E_FORMAT);
    CHECK_EQ(dap_key_install(s, 9999, DAP_KVN_DAP, KEY_TYPE_ECC_PUB, pub, 65), SEAM_E_ARG);
    store_id k = dap_key_find(s, a, DAP_KVN_DAP);
    REQUIRE(k);
    CHECK(dap_obj_valid(s, k));
    CHECK_EQ(dap_key_get(s, k)->type, KEY_TYPE_ECC_PUB);
    CHECK(!dap_key_find(s, a, DAP_KVN_TOKEN));
    /* key information entries */
    uint8_t buf[64];
    seam_wr w;
    seam_wr_init(&w, buf, sizeof buf);
    dap_put_key_info(s, &w, a);
    static const uint8_t info[] = {0xC0, 4, 0x01, 0x73, 0xB0, 65, 0xC0, 4, 0x01, 0x71, 0x88, 16};
    CHECK_EQ(w.len, sizeof info);
    CHECK_MEM(buf, info, sizeof info);
    /* replace keeps one object; delete wipes and frees */
    CHECK_EQ(dap_key_install(s, a, DAP_KVN_DAP, KEY_TYPE_AES, aes, 16), SEAM_OK);
    CHECK_EQ(dap_key_find(s, a, DAP_KVN_DAP), k);
    unsigned n = 0;
    REQUIRE(store_tx_begin(s->st) == SEAM_OK);
    CHECK_EQ(dap_key_delete(s, a, 0, &n), SEAM_OK);
    REQUIRE(store_tx_commit(s->st) == SEAM_OK);
    CHECK_EQ(n, 2);
    CHECK(!dap_key_find(s, a, 0));
    rig_close(&r);
}

/* PUT KEY as sd.c forwards it (the session's Key-DEK is set by hand here). */
static void test_put_key(void)
{
    rig r;
    REQUIRE(rig_open(&r));
    se *s = r.s;
    store_id a = mk_sd(s, AID_A, sizeof AID_A, GP_PRIV0_DAP_VERIFICATION, 0, 0);
    REQUIRE(a);
    static const uint8_t dek[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                    0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x00};
    memcpy(s->chan[0].sc_dek, dek, 16);
    s->chan[0].sc_dek_len = 16;
    uint8_t key[16], enc[16], kcv[3], iv[16] = {0};
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)(0xA0 + i);
    REQUIRE(cr_aes_cbc_encrypt(dek, 16, iv, key, 16, enc) == SEAM_OK);
    REQUIRE(scp03_kcv(key, 16, kcv) == SEAM_OK);
    uint8_t data[96];
    size_t n = 0;
    data[n++] = DAP_KVN_RECEIPT;
    data[n++] = KEY_TYPE_AES;
    data[n++] = 16;
    memcpy(data + n, enc, 16);
    n += 16;
    data[n++] = 3;
    memcpy(data + n, kcv, 3);
    n += 3;
    apdu_cmd c = {.cla = 0x84, .ins = 0xD8, .p1 = 0, .p2 = 0x01, .data = data, .lc = n};
    uint8_t out[64];
    se_resp resp = {.p = out, .cap = sizeof out};
    CHECK(dap_put_key_claims(&c));
    CHECK_EQ(dap_put_key(s, 0, a, &c, &resp), SW_NO_ERROR);
    CHECK_EQ(resp.len, 4);
    CHECK_EQ(out[0], DAP_KVN_RECEIPT);
    CHECK_MEM(out + 1, kcv, 3);
    const se_dapkey_rec *k = dap_key_get(s, dap_key_find(s, a, DAP_KVN_RECEIPT));
    REQUIRE(k);
    CHECK_MEM(k->key, key, 16);
    /* adding it again: 6A80; replacing with P1 = KVN: ok */
    resp.len = 0;
    CHECK_EQ(dap_put_key(s, 0, a, &c, &resp), SW_WRONG_DATA);
    c.p1 = DAP_KVN_RECEIPT;
    CHECK_EQ(dap_put_key(s, 0, a, &c, &resp), SW_NO_ERROR);
    /* wrong KCV, trailing byte, truncated: refused, store unchanged */
    uint8_t before[32], after[32];
    digest(s, before);
    data[n - 1] ^= 1;
    CHECK_EQ(dap_put_key(s, 0, a, &c, &resp), SW_WRONG_DATA);
    data[n - 1] ^= 1;
    data[n] = 0;
    c.lc = n + 1;
    CHECK_EQ(dap_put_key(s, 0, a, &c, &resp), SW_WRONG_DATA);
    for (size_t t = 0; t < n; t++) {
        c.lc = t;
        CHECK(dap_put_key(s, 0, a, &c, &resp) != SW_NO_ERROR);
    }
    digest(s, after);
    CHECK_MEM(before, after, 32);
    /* an ECC token key: 'B0' 41 point 'F0' 01 00 */
    uint8_t priv[32], pub[65];
    REQUIRE(cr_p256_keygen(priv, pub) == SEAM_OK);
    n = 0;
    data[n++] = DAP_KVN_TOKEN;
    data[n++] = KEY_TYPE_ECC_PUB;
    data[n++] = 65;
    memcpy(data + n, pub, 65);
    n += 65;
    uint8_t big[96];
    memcpy(big, data, n);
    big[n++] = KEY_TYPE_ECC_PARAM;
    big[n++] = 1;
    big[n++] = 0;
    apdu_cmd e = {.cla = 0x84, .ins = 0xD8, .p1 = 0, .p2 = 0x01, .data = big, .lc = n};
    CHECK(dap_put_key_claims(&e));
    CHECK_EQ(dap_put_key(s, 0, a, &e, &resp), SW_NO_ERROR);
    CHECK_EQ(resp.len, 1);
    big[n - 1] = 1; /* another curve */
    e.p1 = DAP_KVN_TOKEN;
    CHECK_EQ(dap_put_key(s, 0, a, &e, &resp), SW_FUNC_NOT_SUPPORTED);
    /* an SCP03 key set PUT KEY is not claimed */
    apdu_cmd ks = {.ins = 0xD8, .p1 = 0, .p2 = 0x81, .data = data, .lc = 1};
    data[0] = 0x30;
    CHECK(!dap_put_key_claims(&ks));
    rig_close(&r);
}

/* ---- DAP ---- */

static size_t ecc_block(const uint8_t *aid, size_t n, const uint8_t h[32], const uint8_t priv[32],
                        uint8_t *out)
{
    size_t len = 0;
    CHECK_EQ(gpsig_dap_block_ecc(aid, n, h, priv, out, GPSIG_DAP_MAX, &len), SEAM_OK);
    return len;
}

static void test_dap_load(void)
{
    rig r;
    REQUIRE(rig_open(&r));
    se *s = r.s;
    uint8_t pa[32], qa[65], pm[32], qm[65], px[32], qx[65], kb[16] = {7, 7, 7};
    REQUIRE(cr_p256_keygen(pa, qa) == SEAM_OK);
    REQUIRE(cr_p256_keygen(pm, qm) == SEAM_OK);
    REQUIRE(cr_p256_keygen(px, qx) == SEAM_OK);
    store_id a = mk_sd(s, AID_A, sizeof AID_A, GP_PRIV0_DAP_VERIFICATION, 0, 0);
    store_id b = mk_sd(s, AID_B, sizeof AID_B, GP_PRIV0_DAP_VERIFICATION, 0, 0);
    store_id cc = mk_sd(s, AID_C, sizeof AID_C, 0, 0, 0);
    REQUIRE(a && b && cc);
    REQUIRE(dap_key_install(s, a, DAP_KVN_DAP, KEY_TYPE_ECC_PUB, qa, 65) == SEAM_OK);
    REQUIRE(dap_key_install(s, b, DAP_KVN_DAP, KEY_TYPE_AES, kb, 16) == SEAM_OK);
    uint8_t lf[300], h[32], h2[32];
    for (size_t i = 0; i < sizeof lf; i++)
        lf[i] = (uint8_t)(i * 7);
    REQUIRE(gpsig_lfdb_hash(lf, sizeof lf, h) == SEAM_OK);
    memcpy(h2, h, 32);
    h2[0] ^= 1;
    uint8_t before[32], after[32];
    digest(s, before);

    uint8_t blk[3 * GPSIG_DAP_MAX];
    size_t n;
    /* no Mandated DAP SD, associated with the ISD: no block needed */
    CHECK_EQ(dap_check_load(s, NULL, 0, h, s->isd_id), SW_NO_ERROR);
    /* associated with A (DAP Verification): A's block is required and must verify */
    CHECK_EQ(dap_check_load(s, NULL, 0, h, a), SW_SECURITY_STATUS_NOT_SATISFIED);
    n = ecc_block(AID_A, sizeof AID_A, h, pa, blk);
    CHECK_EQ(dap_check_load(s, blk, n, h, a), SW_NO_ERROR);
    CHECK_EQ(dap_check_load(s, blk, n, h2, a), SW_SECURITY_STATUS_NOT_SATISFIED); /* other file */
    /* forgery: every single-bit flip of the block is refused */
    for (size_t i = 0; i < n; i++) {
        blk[i] ^= 0x01;
        CHECK(dap_check_load(s, blk, n, h, a) != SW_NO_ERROR);
        blk[i] ^= 0x01;
    }
    /* truncation at every length */
    for (size_t t = 1; t < n; t++)
        CHECK(dap_check_load(s, blk, t, h, a) != SW_NO_ERROR);
    /* wrong key: signed with another private key */
    n = ecc_block(AID_A, sizeof AID_A, h, px, blk);
    CHECK_EQ(dap_check_load(s, blk, n, h, a), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* wrong SD: an SD without DAP privilege, an SD not on the card */
    n = ecc_block(AID_C, sizeof AID_C, h, pa, blk);
    CHECK_EQ(dap_check_load(s, blk, n, h, s->isd_id), SW_WRONG_DATA);
    n = ecc_block(AID_X, sizeof AID_X, h, pa, blk);
    CHECK_EQ(dap_check_load(s, blk, n, h, s->isd_id), SW_WRONG_DATA);
    /* B's block (AES DAP) for a load associated with A: A's is still missing */
    CHECK_EQ(gpsig_dap_block_aes(AID_B, sizeof AID_B, h, kb, 16, blk, GPSIG_DAP_MAX, &n), SEAM_OK);
    CHECK_EQ(dap_check_load(s, blk, n, h, b), SW_NO_ERROR);
    CHECK_EQ(dap_check_load(s, blk, n, h, a), SW_SECURITY_STATUS_NOT_SATISFIED);
    size_t n2 = ecc_block(AID_A, sizeof AID_A, h, pa, blk + n);
    CHECK_EQ(dap_check_load(s, blk, n + n2, h, a), SW_NO_ERROR);
    /* duplicate block for one SD */
    memcpy(blk + n + n2, blk + n, n2);
    CHECK_EQ(dap_check_load(s, blk, n + 2 * n2, h, a), SW_WRONG_DATA);
    /* something else than E2 */
    uint8_t junk[] = {0xC4, 0x01, 0x00};
    CHECK_EQ(dap_check_load(s, junk, sizeof junk, h, s->isd_id), SW_WRONG_DATA);
    digest(s, after);
    CHECK_MEM(before, after, 32); /* nothing above changed the store */

    /* a controlling authority with Mandated DAP: its block becomes compulsory for every load */
    store_id m = mk_sd(s, AID_M, sizeof AID_M, GP_PRIV0_MANDATED_DAP, 0, 0);
    REQUIRE(m);
    REQUIRE(dap_key_install(s, m, DAP_KVN_DAP, KEY_TYPE_ECC_PUB, qm, 65) == SEAM_OK);
    CHECK_EQ(dap_check_load(s, NULL, 0, h, s->isd_id), SW_SECURITY_STATUS_NOT_SATISFIED);
    n = ecc_block(AID_A, sizeof AID_A, h, pa, blk);
    CHECK_EQ(dap_check_load(s, blk, n, h, a), SW_SECURITY_STATUS_NOT_SATISFIED);
    n2 = ecc_block(AID_M, sizeof AID_M, h, pm, blk + n);
    CHECK_EQ(dap_check_load(s, blk, n + n2, h, a), SW_NO_ERROR);
    CHECK_EQ(dap_check_load(s, blk + n, n2, h, s->isd_id), SW_NO_ERROR);
    /* the authority's signature made by someone else */
    n2 = ecc_block(AID_M, sizeof AID_M, h, pa, blk + n);
    CHECK_EQ(dap_check_load(s, blk, n + n2, h, a), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* an SD with DAP privilege but no key: its block cannot verify */
    unsigned cnt;
    REQUIRE(store_tx_begin(s->st) == SEAM_OK);
    REQUIRE(dap_key_delete(s, m, 0, &cnt) == SEAM_OK && cnt == 1);
    REQUIRE(store_tx_commit(s->st) == SEAM_OK);
    n2 = ecc_block(AID_M, sizeof AID_M, h, pm, blk);
    CHECK_EQ(dap_check_load(s, blk, n2, h, s->isd_id), SW_SECURITY_STATUS_NOT_SATISFIED);
    rig_close(&r);
}

/* ---- tokens ---- */

/* INSTALL [for load] data without its token field: ELF, SD, hash, parameters (empty). */
static size_t load_data(uint8_t *d, const uint8_t *sd, size_t sdn)
{
    size_t n = 0;
    d[n++] = sizeof ELF;
    memcpy(d + n, ELF, sizeof ELF);
    n += sizeof ELF;
    d[n++] = (uint8_t)sdn;
    memcpy(d + n, sd, sdn);
    n += sdn;
    d[n++] = 0;
    d[n++] = 0;
    return n;
}

static void test_token(void)
{
    rig r;
    REQUIRE(rig_open(&r));
    se *s = r.s;
    uint8_t pt[32], qt[65], px[32], qx[65];
    REQUIRE(cr_p256_keygen(pt, qt) == SEAM_OK);
    REQUIRE(cr_p256_keygen(px, qx) == SEAM_OK);
    dap_token_info ti;
    uint8_t raw[64], cmd[256];
    size_t rn = load_data(raw, AID_A, sizeof AID_A), cn;
    uint8_t id1[] = {0x01}, id2[] = {0x02}, id9[] = {0x00, 0x09};
    CHECK_EQ(gpsig_token_data(0xE6, 0x02, 0x00, raw, rn, id1, 1, NULL, 0, pt, cmd, sizeof cmd, &cn),
             SEAM_OK);
    /* no token key on the card yet */
    CHECK_EQ(dap_token_check(s, 0xE6, 0x02, 0x00, cmd, cn, &ti), SW_SECURITY_STATUS_NOT_SATISFIED);
    REQUIRE(dap_key_install(s, s->isd_id, DAP_KVN_TOKEN, KEY_TYPE_ECC_PUB, qt, 65) == SEAM_OK);
    uint8_t before[32], after[32];
    digest(s, before);
    CHECK_EQ(dap_token_check(s, 0xE6, 0x02, 0x00, cmd, cn, &ti), SW_NO_ERROR);
    CHECK(ti.valid);
    CHECK_EQ(ti.verifier, s->isd_id);
    CHECK_EQ(ti.id_len, 1);
    size_t off = 0;
    CHECK_EQ(dap_token_offset(0xE6, 0x02, cmd, cn, &off), SEAM_OK);
    CHECK_EQ(cn - off, 1 + 64);
    /* the signature covers P1 and P2 */
    CHECK_EQ(dap_token_check(s, 0xE6, 0x02, 0x80, cmd, cn, &ti), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(dap_token_check(s, 0xE6, 0x04, 0x00, cmd, cn, &ti) != SW_NO_ERROR, 1);
    /* forgery: every single-bit flip; truncation at every length */
    for (size_t i = 0; i < cn; i++) {
        cmd[i] ^= 0x80;
        CHECK(dap_token_check(s, 0xE6, 0x02, 0x00, cmd, cn, &ti) != SW_NO_ERROR);
        CHECK(!ti.valid);
        cmd[i] ^= 0x80;
    }
    for (size_t t = 0; t < cn; t++)
        CHECK(dap_token_check(s, 0xE6, 0x02, 0x00, cmd, t, &ti) != SW_NO_ERROR);
    /* a token by another key */
    uint8_t cmd2[256];
    size_t cn2;
    CHECK_EQ(
        gpsig_token_data(0xE6, 0x02, 0x00, raw, rn, id2, 1, NULL, 0, px, cmd2, sizeof cmd2, &cn2),
        SEAM_OK);
    CHECK_EQ(dap_token_check(s, 0xE6, 0x02, 0x00, cmd2, cn2, &ti),
             SW_SECURITY_STATUS_NOT_SATISFIED);
    digest(s, after);
    CHECK_MEM(before, after, 32);

    /* accept id 1 durably, then its replay and any lower id are refused */
    REQUIRE(dap_token_check(s, 0xE6, 0x02, 0x00, cmd, cn, &ti) == SW_NO_ERROR);
    CHECK_EQ(dap_token_consume(s, &ti), SEAM_E_STATE); /* outside a transaction */
    REQUIRE(store_tx_begin(s->st) == SEAM_OK);
    CHECK_EQ(dap_token_consume(s, &ti), SEAM_OK);
    REQUIRE(store_tx_commit(s->st) == SEAM_OK);
    CHECK_EQ(dap_token_check(s, 0xE6, 0x02, 0x00, cmd, cn, &ti), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* after a power cycle too */
    REQUIRE(rig_cycle(&r));
    s = r.s;
    CHECK_EQ(dap_token_check(s, 0xE6, 0x02, 0x00, cmd, cn, &ti), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(
        gpsig_token_data(0xE6, 0x02, 0x00, raw, rn, id9, 2, NULL, 0, pt, cmd2, sizeof cmd2, &cn2),
        SEAM_OK);
    CHECK_EQ(dap_token_check(s, 0xE6, 0x02, 0x00, cmd2, cn2, &ti), SW_NO_ERROR);
    /* an aborted transaction does not consume */
    REQUIRE(store_tx_begin(s->st) == SEAM_OK);
    CHECK_EQ(dap_token_consume(s, &ti), SEAM_OK);
    REQUIRE(store_tx_abort(s->st) == SEAM_OK);
    CHECK_EQ(dap_token_check(s, 0xE6, 0x02, 0x00, cmd2, cn2, &ti), SW_NO_ERROR);

    /* a token without identifier (B6/93): signed correctly but refused (replay protection) */
    uint8_t noid[128];
    size_t nn = rn;
    memcpy(noid, raw, rn);
    uint8_t hdr[3] = {0x02, 0x00, (uint8_t)nn}, d[32], sig[64];
    REQUIRE(cr_sha256_parts(hdr, 3, noid, nn, NULL, 0, d) == SEAM_OK);
    REQUIRE(cr_p256_sign(pt, d, sig) == SEAM_OK);
    noid[nn++] = 64;
    memcpy(noid + nn, sig, 64);
    nn += 64;
    CHECK_EQ(dap_token_check(s, 0xE6, 0x02, 0x00, noid, nn, &ti), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* card binding: '45' must be this card's CIN (the fresh card has none) */
    uint8_t cin[] = {1, 2, 3, 4};
    uint8_t id20[] = {0x20};
    CHECK_EQ(
        gpsig_token_data(0xE6, 0x02, 0x00, raw, rn, id20, 1, cin, 4, pt, cmd2, sizeof cmd2, &cn2),
        SEAM_OK);
    CHECK_EQ(dap_token_check(s, 0xE6, 0x02, 0x00, cmd2, cn2, &ti),
             SW_SECURITY_STATUS_NOT_SATISFIED);

    /* DELETE: 4F AID B6 {93 id} 9E 40 token */
    uint8_t del[] = {0x4F, sizeof ELF, 0xA0, 0x00, 0x00, 0x00, 0x01};
    uint8_t id30[] = {0x30};
    CHECK_EQ(gpsig_token_data(0xE4, 0x00, 0x80, del, sizeof del, id30, 1, NULL, 0, pt, cmd2,
                              sizeof cmd2, &cn2),
             SEAM_OK);
    CHECK_EQ(dap_token_check(s, 0xE4, 0x00, 0x80, cmd2, cn2, &ti), SW_NO_ERROR);
    CHECK_EQ(dap_token_offset(0xE4, 0x00, cmd2, cn2, &off), SEAM_OK);
    CHECK_EQ(cmd2[off], 0x9E);
    CHECK_EQ(dap_token_check(s, 0xE4, 0x00, 0x00, cmd2, cn2, &ti),
             SW_SECURITY_STATUS_NOT_SATISFIED);
    for (size_t t = 0; t < cn2; t++)
        CHECK(dap_token_check(s, 0xE4, 0x00, 0x80, cmd2, t, &ti) != SW_NO_ERROR);
    /* the token must be the last TLV */
    cmd2[cn2] = 0x4F;
    cmd2[cn2 + 1] = 0x00;
    CHECK_EQ(dap_token_check(s, 0xE4, 0x00, 0x80, cmd2, cn2 + 2, &ti), SW_WRONG_DATA);

    /* INSTALL [for install and make selectable] and [for extradition] forms */
    uint8_t inst[64];
    size_t in = 0;
    inst[in++] = sizeof ELF;
    memcpy(inst + in, ELF, sizeof ELF);
    in += sizeof ELF;
    inst[in++] = sizeof ELF;
    memcpy(inst + in, ELF, sizeof ELF);
    in += sizeof ELF;
    inst[in++] = sizeof AID_C;
    memcpy(inst + in, AID_C, sizeof AID_C);
    in += sizeof AID_C;
    inst[in++] = 1;
    inst[in++] = 0x00;
    inst[in++] = 2;
    inst[in++] = 0xC9;
    inst[in++] = 0x00;
    uint8_t id31[] = {0x31};
    CHECK_EQ(
        gpsig_token_data(0xE6, 0x0C, 0x00, inst, in, id31, 1, NULL, 0, pt, cmd2, sizeof cmd2, &cn2),
        SEAM_OK);
    CHECK_EQ(dap_token_check(s, 0xE6, 0x0C, 0x00, cmd2, cn2, &ti), SW_NO_ERROR);

    /* an SD with the Token Verification privilege and its own key verifies instead of the ISD */
    store_id tv = mk_sd(s, AID_B, sizeof AID_B, 0, GP_PRIV1_TOKEN_VERIFICATION, 0);
    REQUIRE(tv);
    REQUIRE(store_tx_begin(s->st) == SEAM_OK);
    unsigned cnt;
    REQUIRE(dap_key_delete(s, s->isd_id, DAP_KVN_TOKEN, &cnt) == SEAM_OK && cnt == 1);
    REQUIRE(store_tx_commit(s->st) == SEAM_OK);
    REQUIRE(dap_key_install(s, tv, DAP_KVN_TOKEN, KEY_TYPE_ECC_PUB, qx, 65) == SEAM_OK);
    CHECK_EQ(dap_token_check(s, 0xE6, 0x0C, 0x00, cmd2, cn2, &ti),
             SW_SECURITY_STATUS_NOT_SATISFIED);
    uint8_t id32[] = {0x32};
    CHECK_EQ(
        gpsig_token_data(0xE6, 0x0C, 0x00, inst, in, id32, 1, NULL, 0, px, cmd2, sizeof cmd2, &cn2),
        SEAM_OK);
    CHECK_EQ(dap_token_check(s, 0xE6, 0x0C, 0x00, cmd2, cn2, &ti), SW_NO_ERROR);
    CHECK_EQ(ti.verifier, tv);
    /* forms without a token (personalisation) and other INS */
    CHECK_EQ(dap_token_check(s, 0xE6, 0x20, 0x00, cmd2, cn2, &ti),
             SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(dap_token_check(s, 0xE8, 0x00, 0x00, cmd2, cn2, &ti), SW_INS_NOT_SUPPORTED);
    rig_close(&r);
}

/* ---- receipts ---- */

static void test_receipt(void)
{
    rig r;
    REQUIRE(rig_open(&r));
    se *s = r.s;
    uint8_t out[DAP_RECEIPT_MAX];
    size_t n = 0;
    dap_lv ctx[2] = {{ELF, sizeof ELF}, {AID_A, sizeof AID_A}};
    gpsig_lv hctx[2] = {{ELF, sizeof ELF}, {AID_A, sizeof AID_A}};
    /* without a receipt key: 00 */
    REQUIRE(store_tx_begin(s->st) == SEAM_OK);
    CHECK_EQ(dap_receipt(s, DAP_RCPT_LOAD, ctx, 2, NULL, out, sizeof out, &n), SEAM_OK);
    REQUIRE(store_tx_commit(s->st) == SEAM_OK);
    CHECK_EQ(n, 1);
    CHECK_EQ(out[0], 0);
    static const uint8_t key[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    REQUIRE(dap_key_install(s, s->isd_id, DAP_KVN_RECEIPT, KEY_TYPE_AES, key, 16) == SEAM_OK);
    static const uint8_t kdd[10] = {0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A};
    REQUIRE(se_card_write(s, offsetof(se_card_rec, kdd), kdd, sizeof kdd) == SEAM_OK);
    CHECK_EQ(dap_receipt(s, DAP_RCPT_LOAD, ctx, 2, NULL, out, sizeof out, &n), SEAM_E_STATE);
    CHECK_EQ(dap_receipt(s, DAP_RCPT_LOAD, ctx, 1, NULL, out, sizeof out, &n), SEAM_E_ARG);
    gpsig_receipt gr;
    for (unsigned i = 1; i <= 10; i++) {
        REQUIRE(store_tx_begin(s->st) == SEAM_OK);
        CHECK_EQ(dap_receipt(s, DAP_RCPT_LOAD, ctx, 2, NULL, out, sizeof out, &n), SEAM_OK);
        REQUIRE(store_tx_commit(s->st) == SEAM_OK);
        CHECK_EQ(gpsig_receipt_verify(out, n, key, 16, hctx, 2, &gr), SEAM_OK);
        CHECK_EQ(gr.counter, i);
        if (i == 5) {
            REQUIRE(rig_cycle(&r)); /* the counter is durable */
            s = r.s;
        }
    }
    /* known answer: CMAC(00..0F, 02 000A 0A 11..1A || 05 A000000001 08 A000000151535041),
     * by `openssl mac -cipher AES-128-CBC -macopt hexkey:000102030405060708090A0B0C0D0E0F` */
    static const uint8_t kat[16] = {0x0C, 0x1E, 0x10, 0x7A, 0x05, 0x2F, 0x2F, 0x14,
                                    0xF8, 0x5B, 0x3D, 0x47, 0x13, 0x5C, 0x0B, 0x36};
    static const uint8_t conf[] = {0x02, 0x00, 0x0A, 0x0A, 0x11, 0x12, 0x13,
                                   0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A};
    CHECK_EQ(n, 1 + 16 + sizeof conf);
    CHECK_EQ(out[0], 16);
    CHECK_MEM(out + 1, kat, 16);
    CHECK_MEM(out + 17, conf, sizeof conf);
    /* wrong context, wrong key, tampering, truncation: refused by the host check */
    gpsig_lv wrong[2] = {{ELF, sizeof ELF}, {AID_B, sizeof AID_B}};
    CHECK_EQ(gpsig_receipt_verify(out, n, key, 16, wrong, 2, NULL), SEAM_E_AUTH);
    uint8_t k2[16] = {1};
    CHECK_EQ(gpsig_receipt_verify(out, n, k2, 16, hctx, 2, NULL), SEAM_E_AUTH);
    for (size_t i = 0; i < n; i++) {
        out[i] ^= 0x40;
        CHECK(gpsig_receipt_verify(out, n, key, 16, hctx, 2, NULL) != SEAM_OK);
        out[i] ^= 0x40;
    }
    for (size_t t = 0; t < n; t++)
        CHECK(gpsig_receipt_verify(out, t, key, 16, hctx, 2, NULL) != SEAM_OK);
    /* with a token identifier, and for every kind */
    dap_token_info ti = {.valid = true, .id = {0x42}, .id_len = 1};
    dap_lv ex[4] = {{AID_A, sizeof AID_A},
                    {ELF, sizeof ELF},
                    {AID_B, sizeof AID_B},
                    {(const uint8_t *)"\x80\x00\x00", 3}};
    gpsig_lv hex_[4] = {{AID_A, sizeof AID_A},
                        {ELF, sizeof ELF},
                        {AID_B, sizeof AID_B},
                        {(const uint8_t *)"\x80\x00\x00", 3}};
    REQUIRE(store_tx_begin(s->st) == SEAM_OK);
    CHECK_EQ(dap_receipt(s, DAP_RCPT_EXTRADITION, ex, 3, &ti, out, sizeof out, &n), SEAM_OK);
    REQUIRE(store_tx_commit(s->st) == SEAM_OK);
    CHECK_EQ(gpsig_receipt_verify(out, n, key, 16, hex_, 3, &gr), SEAM_OK);
    CHECK(gr.has_token_id);
    CHECK_EQ(gr.token_id[0], 0x42);
    CHECK_EQ(gr.counter, 11);
    REQUIRE(store_tx_begin(s->st) == SEAM_OK);
    CHECK_EQ(dap_receipt(s, DAP_RCPT_REGISTRY_UPDATE, ex, 4, NULL, out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(dap_receipt(s, DAP_RCPT_DELETE, ex + 1, 1, NULL, out, sizeof out, &n), SEAM_OK);
    REQUIRE(store_tx_abort(s->st) == SEAM_OK); /* aborted: the counter stays */
    CHECK_EQ(gpsig_receipt_verify(out, n, key, 16, hex_ + 1, 1, &gr), SEAM_OK);
    REQUIRE(store_tx_begin(s->st) == SEAM_OK);
    CHECK_EQ(dap_receipt(s, DAP_RCPT_DELETE, ex + 1, 1, NULL, out, sizeof out, &n), SEAM_OK);
    REQUIRE(store_tx_commit(s->st) == SEAM_OK);
    CHECK_EQ(gpsig_receipt_verify(out, n, key, 16, hex_ + 1, 1, &gr), SEAM_OK);
    CHECK_EQ(gr.counter, 12);
    /* an SD with Receipt Generation and a key signs instead of the ISD */
    store_id rg = mk_sd(s, AID_C, sizeof AID_C, 0, 0, GP_PRIV2_RECEIPT_GENERATION);
    REQUIRE(rg);
    uint8_t k3[32] = {9, 9, 9};
    REQUIRE(dap_key_install(s, rg, DAP_KVN_RECEIPT, KEY_TYPE_AES, k3, 32) == SEAM_OK);
    REQUIRE(store_tx_begin(s->st) == SEAM_OK);
    CHECK_EQ(dap_receipt(s, DAP_RCPT_INSTALL, ctx, 2, NULL, out, sizeof out, &n), SEAM_OK);
    REQUIRE(store_tx_commit(s->st) == SEAM_OK);
    CHECK_EQ(gpsig_receipt_verify(out, n, k3, 32, hctx, 2, NULL), SEAM_OK);
    CHECK_EQ(gpsig_receipt_verify(out, n, key, 16, hctx, 2, NULL), SEAM_E_AUTH);
    /* the power-up scan accepts the state object */
    for (store_id id = store_next(s->st, 0); id; id = store_next(s->st, id)) {
        uint32_t o;
        uint16_t t;
        size_t z;
        store_info(s->st, id, &o, &t, &z);
        if (t == SE_OBJ_DAPKEY || t == SE_OBJ_DAPSTATE) CHECK(dap_obj_valid(s, id));
    }
    rig_close(&r);
}

/* Host side known answers (AES DAP, receipt parse errors). */
static void test_host_kat(void)
{
    /* CMAC(2B7E151628AED2A6ABF7158809CF4F3C, 00112233..EEFF x2) by `openssl mac` */
    static const uint8_t key[16] = {0x2B, 0x7E, 0x15, 0x16, 0x28, 0xAE, 0xD2, 0xA6,
                                    0xAB, 0xF7, 0x15, 0x88, 0x09, 0xCF, 0x4F, 0x3C};
    static const uint8_t mac[16] = {0x4C, 0x6F, 0x09, 0x09, 0x71, 0xF1, 0x46, 0xF7,
                                    0xF0, 0xFF, 0x3A, 0x15, 0xA9, 0x95, 0x5A, 0x4C};
    uint8_t h[32];
    for (int i = 0; i < 32; i++)
        h[i] = (uint8_t)((i % 16) * 0x11);
    uint8_t blk[GPSIG_DAP_MAX];
    size_t n;
    REQUIRE(gpsig_dap_block_aes(AID_A, sizeof AID_A, h, key, 16, blk, sizeof blk, &n) == SEAM_OK);
    CHECK_EQ(n, 2 + 2 + sizeof AID_A + 2 + 16);
    CHECK_EQ(blk[0], 0xE2);
    CHECK_EQ(blk[4 + sizeof AID_A], 0xC3);
    CHECK_MEM(blk + n - 16, mac, 16);
    CHECK_EQ(gpsig_dap_block_aes(AID_A, 4, h, key, 16, blk, sizeof blk, &n), SEAM_E_LENGTH);
    CHECK_EQ(gpsig_dap_block_aes(AID_A, sizeof AID_A, h, key, 16, blk, 10, &n), SEAM_E_LENGTH);
    gpsig_receipt gr;
    uint8_t none[] = {0x00};
    CHECK_EQ(gpsig_receipt_parse(none, 1, &gr), SEAM_E_NOT_FOUND);
    uint8_t bad[] = {0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x02, 0x00, 0x01, 0x00};
    CHECK_EQ(gpsig_receipt_parse(bad, sizeof bad, &gr), SEAM_E_FORMAT);
}

int main(void)
{
    RUN(test_keys);
    RUN(test_put_key);
    RUN(test_dap_load);
    RUN(test_token);
    RUN(test_receipt);
    RUN(test_host_kat);
    return check_summary();
}
