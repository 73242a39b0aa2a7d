/*
 * Tests of src/gp/scp03.c (GlobalPlatform SCP03, Card Specification 2.3.1 Amendment D).
 *
 * Known answers come from ../shared/vectors/scp03.json: the aes128_s8 entries were computed with
 * Yubico yubikey-manager (yubikit/core/smartcard/scp.py @ b0dbb7f1); the others with the
 * project's reference tools/gp_scp_ref.py, cross-checked with pyca/cryptography (KBKDFCMAC),
 * yubikit and Samsung OpenSCP-Java 1.0.0 (see each entry's "source"). Every entry is checked
 * from both sides: the host must produce the vector's bytes and the card must accept them and
 * answer with the vector's response.
 *
 * Then: negative tests (every error path of the card and host unwrapping), the extended length
 * form, yubikit's empty-data form, the security level rules, and host <-> card round trips at
 * every level for AES-128/192/256 in S8 and S16 with random keys and challenges.
 */
#include "check.h"

#include <jansson.h>

#include "seam/apdu.h"
#include "seam/crypto.h"
#include "seam/scp03.h"
#include "seam/sw.h"

/* ---- vector file access (tests/check.h); buffers are freed at the end of each test ---- */

static json_t *vectors;

static json_t *section(const char *name)
{
    json_t *a = json_object_get(vectors, name);
    if (!json_is_array(a) || json_array_size(a) == 0) {
        fprintf(stderr, "vector section %s missing\n", name);
        abort();
    }
    return a;
}

/* ---- a host and a card session over one vector's keys and challenges ---- */

typedef struct {
    scp03_session host, card;
    uint8_t s_enc[32], s_mac[32], s_rmac[32]; /* the vector's session keys */
    size_t keylen, ch_len;
} pair;

static void pair_clear(pair *p)
{
    scp03_session_clear(&p->host);
    scp03_session_clear(&p->card);
}

/* Starts both sessions from a vector entry and checks session keys and cryptograms. The first
 * section has no i parameter: it is an S8 key set with R-MAC and R-ENC ('60'). */
static int pair_init(pair *p, json_t *e)
{
    int before = check_failures;
    memset(p, 0, sizeof *p);
    size_t kl, n, hl, cl;
    uint8_t *enc = check_jhex(e, "static_key_enc", &kl);
    uint8_t *mac = check_jhex(e, "static_key_mac", NULL);
    uint8_t *hc = check_jhex(e, "host_challenge", &hl);
    uint8_t *cc = check_jhex(e, "card_challenge", &cl);
    uint8_t i = 0x60;
    if (json_object_get(e, "i_parameter")) i = check_jhex(e, "i_parameter", NULL)[0];
    p->keylen = kl;
    p->ch_len = hl;
    CHECK_EQ(hl, cl);

    uint8_t ctx[32], key[32], buf[16];
    memcpy(ctx, hc, hl);
    memcpy(ctx + hl, cc, cl);
    static const struct {
        const char *field;
        uint8_t dc;
        int use_mac;
    } keys[] = {{"session_key_enc", SCP03_DC_S_ENC, 0},
                {"session_key_mac", SCP03_DC_S_MAC, 1},
                {"session_key_rmac", SCP03_DC_S_RMAC, 1}};
    uint8_t *dst[] = {p->s_enc, p->s_mac, p->s_rmac};
    for (size_t k = 0; k < 3; k++) {
        uint8_t *exp = check_jhex(e, keys[k].field, &n);
        CHECK_EQ(n, kl);
        CHECK_EQ(scp03_derive(keys[k].use_mac ? mac : enc, kl, keys[k].dc, ctx, 2 * hl, key, kl),
                 SEAM_OK);
        CHECK_MEM(key, exp, kl);
        memcpy(dst[k], exp, kl);
    }
    if (json_object_get(e, "derivation_context")) {
        uint8_t *dctx = check_jhex(e, "derivation_context", &n);
        CHECK_EQ(n, 2 * hl);
        CHECK_MEM(ctx, dctx, n);
    }

    CHECK_EQ(scp03_session_init(&p->host, enc, mac, kl, hc, cc, hl, i), SEAM_OK);
    CHECK_EQ(scp03_session_init(&p->card, enc, mac, kl, hc, cc, hl, i), SEAM_OK);
    uint8_t *card_cg = check_jhex(e, "card_cryptogram", NULL);
    uint8_t *host_cg = check_jhex(e, "host_cryptogram", NULL);
    for (int side = 0; side < 2; side++) {
        scp03_session *s = side ? &p->card : &p->host;
        CHECK_EQ(scp03_cryptogram(s, SCP03_DC_CARD_CRYPTOGRAM, buf), SEAM_OK);
        CHECK_MEM(buf, card_cg, hl);
        CHECK_EQ(scp03_cryptogram(s, SCP03_DC_HOST_CRYPTOGRAM, buf), SEAM_OK);
        CHECK_MEM(buf, host_cg, hl);
    }
    return check_failures == before;
}

/* EXTERNAL AUTHENTICATE at level '33' from both sides: the host builds the vector's APDU, the
 * card accepts it; both hold the vector's MAC chaining value afterwards. */
static int pair_authenticate(pair *p, json_t *e)
{
    int before = check_failures;
    size_t ea_len, n;
    uint8_t *ea = check_jhex(e, "external_authenticate_apdu", &ea_len);
    uint8_t *chain = check_jhex(e, "mac_chaining_value_after_external_authenticate", NULL);
    uint8_t out[64];
    CHECK_EQ(scp03_host_external_authenticate(&p->host, 0x33, 0, out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(n, ea_len);
    CHECK_MEM(out, ea, ea_len);
    CHECK_MEM(p->host.mac_chain, chain, 16);
    scp03_host_auth_done(&p->host);

    apdu_cmd cmd;
    CHECK_EQ(apdu_parse(ea, ea_len, &cmd), SEAM_OK);
    CHECK_EQ(scp03_card_external_authenticate(&p->card, &cmd), SEAM_OK);
    CHECK_EQ(p->card.level, 0x33);
    CHECK(p->card.authenticated);
    CHECK_EQ(p->card.counter, 0);
    CHECK_MEM(p->card.mac_chain, chain, 16);
    return check_failures == before;
}

/* One command and its response, from both sides, from an object with command_plain,
 * command_wrapped_level_33, encryption_counter, mac_chaining_value_after_command (optional),
 * response_plain and response_wrapped_level_33. Also checks the vector's ICVs when present. */
static void pair_step(pair *p, json_t *step)
{
    size_t pl, wl, rpl, rwl, n;
    uint8_t *plain = check_jhex(step, "command_plain", &pl);
    uint8_t *wrapped = check_jhex(step, "command_wrapped_level_33", &wl);
    uint8_t *rplain = check_jhex(step, "response_plain", &rpl);
    uint8_t *rwrapped = check_jhex(step, "response_wrapped_level_33", &rwl);
    uint32_t counter = (uint32_t)json_integer_value(json_object_get(step, "encryption_counter"));
    uint8_t *chain = NULL;
    if (json_object_get(step, "mac_chaining_value_after_command"))
        chain = check_jhex(step, "mac_chaining_value_after_command", NULL);
    uint8_t out[512], icv[16], block[16] = {0};

    /* host: wrap */
    apdu_cmd pc, wc;
    REQUIRE(apdu_parse(plain, pl, &pc) == SEAM_OK);
    CHECK_EQ(scp03_wrap_command(&p->host, &pc, false, out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(n, wl);
    CHECK_MEM(out, wrapped, wl);
    CHECK_EQ(p->host.counter, counter);
    if (chain) CHECK_MEM(p->host.mac_chain, chain, 16);

    /* card: unwrap (Le passes untouched and is not MACed) */
    REQUIRE(apdu_parse(wrapped, wl, &wc) == SEAM_OK);
    CHECK_EQ(wc.has_le, pc.has_le);
    CHECK_EQ(scp03_unwrap_command(&p->card, &wc, out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(n, pc.lc);
    if (pc.lc) CHECK_MEM(out, pc.data, pc.lc);
    CHECK_EQ(p->card.counter, counter);
    if (chain) CHECK_MEM(p->card.mac_chain, chain, 16);

    /* the ICVs as the vector states them (AES(S-ENC, counter), AES(S-ENC, '80' || counter)) */
    seam_put_be32(block + 12, counter);
    if (json_object_get(step, "command_icv")) {
        CHECK_EQ(cr_aes_ecb_encrypt(p->s_enc, p->keylen, block, 16, icv), SEAM_OK);
        CHECK_MEM(icv, check_jhex(step, "command_icv", NULL), 16);
    }
    if (json_object_get(step, "response_icv")) {
        block[0] = 0x80;
        CHECK_EQ(cr_aes_ecb_encrypt(p->s_enc, p->keylen, block, 16, icv), SEAM_OK);
        CHECK_MEM(icv, check_jhex(step, "response_icv", NULL), 16);
    }

    /* card: wrap the response; host: unwrap it */
    REQUIRE(rpl >= 2);
    uint16_t sw = seam_be16(rplain + rpl - 2);
    CHECK_EQ(scp03_wrap_response(&p->card, rplain, rpl - 2, sw, out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(n, rwl);
    CHECK_MEM(out, rwrapped, rwl);
    CHECK_EQ(scp03_unwrap_response(&p->host, rwrapped, rwl, out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(n, rpl);
    CHECK_MEM(out, rplain, rpl);
}

/* ---- known-answer tests ---- */

static void run_session_section(const char *name)
{
    json_t *a = section(name);
    for (size_t k = 0; k < json_array_size(a); k++) {
        json_t *e = json_array_get(a, k);
        pair p;
        if (pair_init(&p, e) && pair_authenticate(&p, e)) pair_step(&p, e);
        pair_clear(&p);
    }
    check_free_all();
}

static void test_vectors_aes128_s8(void)
{
    run_session_section("scp03_aes128_s8");
}

static void test_vectors_aes192_s8(void)
{
    run_session_section("scp03_aes192_s8");
}

static void test_vectors_aes256_s8(void)
{
    run_session_section("scp03_aes256_s8");
}

static void test_vectors_aes128_s16(void)
{
    run_session_section("scp03_aes128_s16");
}

static void test_vectors_aes256_s16(void)
{
    run_session_section("scp03_aes256_s16");
}

/* A command without data still advances the counter (Amendment D §6.2.6); the response to it
 * is encrypted with that counter. */
static void test_vectors_encryption_counter(void)
{
    json_t *e = json_array_get(section("scp03_encryption_counter"), 0);
    json_t *cmds = json_object_get(e, "commands");
    REQUIRE(json_is_array(cmds) && json_array_size(cmds) == 2);
    pair p;
    if (pair_init(&p, e) && pair_authenticate(&p, e)) {
        for (size_t k = 0; k < json_array_size(cmds); k++)
            pair_step(&p, json_array_get(cmds, k));
    }
    pair_clear(&p);
    check_free_all();
}

/* yubikit sends an empty data field as one encrypted padding block; the card accepts it as an
 * empty field and still counts the command once. */
static void test_vectors_yubikit_empty_data(void)
{
    json_t *e = json_array_get(section("scp03_encryption_counter"), 0);
    json_t *y = json_object_get(e, "yubikit_divergence");
    REQUIRE(y != NULL);
    size_t wl, n;
    uint8_t *w = check_jhex(y, "command_wrapped_by_yubikit", &wl);
    uint8_t out[64];
    pair p;
    if (pair_init(&p, e) && pair_authenticate(&p, e)) {
        apdu_cmd c;
        CHECK_EQ(apdu_parse(w, wl, &c), SEAM_OK);
        CHECK_EQ(c.lc, 16 + 8);
        n = 99;
        CHECK_EQ(scp03_unwrap_command(&p.card, &c, out, sizeof out, &n), SEAM_OK);
        CHECK_EQ(n, 0);
        CHECK_EQ(p.card.counter, 1);
        CHECK_MEM(p.card.mac_chain, w + 5 + 16, 8);
    }
    pair_clear(&p);
    check_free_all();
}

/* PUT KEY: new keys encrypted under the static DEK (AES-CBC, zero ICV), their KCVs, and the
 * whole command in both key data forms (Amendment D; yubikit's form without the length byte). */
static void test_vectors_put_key(void)
{
    json_t *e = json_array_get(section("scp03_put_key"), 0);
    size_t dl;
    uint8_t *dek = check_jhex(e, "static_key_dek", &dl);
    static const char *const names[] = {"new_key_enc", "new_key_mac", "new_key_dek"};
    json_t *encs = json_object_get(e, "new_keys_encrypted_under_static_dek");
    json_t *kcvs = json_object_get(e, "new_key_check_values");
    REQUIRE(json_array_size(encs) == 3 && json_array_size(kcvs) == 3);
    uint8_t zero[16] = {0}, ct[32], kcv[3];
    for (size_t k = 0; k < 3; k++) {
        size_t kl, n;
        uint8_t *key = check_jhex(e, names[k], &kl);
        uint8_t *exp_ct = check_keep(check_hex(json_string_value(json_array_get(encs, k)), &n));
        uint8_t *exp_kcv = check_keep(check_hex(json_string_value(json_array_get(kcvs, k)), &n));
        CHECK_EQ(cr_aes_cbc_encrypt(dek, dl, zero, key, kl, ct), SEAM_OK);
        CHECK_MEM(ct, exp_ct, kl);
        CHECK_EQ(scp03_kcv(key, kl, kcv), SEAM_OK);
        CHECK_MEM(kcv, exp_kcv, 3);
    }

    pair p;
    if (pair_init(&p, e) && pair_authenticate(&p, e)) pair_step(&p, e);
    pair_clear(&p);

    /* The variant: same session, same counter, another data field. */
    json_t *v = json_object_get(e, "variant_without_key_length_byte");
    REQUIRE(v != NULL);
    size_t vl;
    uint8_t *vdata = check_jhex(v, "put_key_data_plain", &vl);
    REQUIRE(vl < 255);
    char *hex = check_keep(malloc(2 * (vl + 6) + 1));
    uint8_t cmd[300] = {0x80, 0xD8, 0x00, 0x81, (uint8_t)vl};
    memcpy(cmd + 5, vdata, vl);
    cmd[5 + vl] = 0x00;
    seam_hex_encode(cmd, vl + 6, hex);
    json_t *step = json_deep_copy(e);
    json_object_del(step, "mac_chaining_value_after_command");
    json_object_set_new(step, "command_plain", json_string(hex));
    json_object_set_new(step, "command_wrapped_level_33",
                        json_string(check_jstr(v, "command_wrapped_level_33")));
    json_object_set_new(step, "response_wrapped_level_33",
                        json_string(check_jstr(v, "response_wrapped_level_33")));
    if (pair_init(&p, e) && pair_authenticate(&p, e)) pair_step(&p, step);
    pair_clear(&p);
    json_decref(step);
    check_free_all();
}

static void test_vectors_pseudo_random_card_challenge(void)
{
    json_t *a = section("scp03_pseudo_random_card_challenge");
    for (size_t k = 0; k < json_array_size(a); k++) {
        json_t *e = json_array_get(a, k);
        size_t kl, al, cl, xl;
        uint8_t *key = check_jhex(e, "static_key_enc", &kl);
        uint8_t *seq = check_jhex(e, "sequence_counter", NULL);
        uint8_t *aid = check_jhex(e, "invoking_aid", &al);
        uint8_t *exp = check_jhex(e, "card_challenge", &cl);
        uint8_t *ctx = check_jhex(e, "derivation_context", &xl);
        uint8_t out[16];
        CHECK_EQ((size_t)json_integer_value(json_object_get(e, "l_bits")), 8 * cl);
        CHECK_EQ(scp03_card_challenge(key, kl, seq, aid, al, cl, out), SEAM_OK);
        CHECK_MEM(out, exp, cl);
        CHECK_EQ(scp03_derive(key, kl, SCP03_DC_CARD_CHALLENGE, ctx, xl, out, cl), SEAM_OK);
        CHECK_MEM(out, exp, cl);
    }
    check_free_all();
}

/* ---- negative tests, on the first aes128 S8 vector's session ---- */

static json_t *neg_vector(void)
{
    return json_array_get(section("scp03_aes128_s8"), 0);
}

/* Starts a pair at level '33' from the first vector. */
static int neg_pair(pair *p)
{
    json_t *e = neg_vector();
    return pair_init(p, e) && pair_authenticate(p, e);
}

/* Parses and unwraps a wrapped command on the card side. */
static seam_err card_unwrap(pair *p, const uint8_t *w, size_t wl, uint8_t *out, size_t *n)
{
    apdu_cmd c;
    *n = 0;
    seam_err err = apdu_parse(w, wl, &c);
    if (err != SEAM_OK) return err;
    return scp03_unwrap_command(&p->card, &c, out, 512, n);
}

static void test_wrong_host_cryptogram(void)
{
    json_t *e = neg_vector();
    size_t ea_len;
    uint8_t *ea = check_jhex(e, "external_authenticate_apdu", &ea_len);
    /* flip one bit in the cryptogram, then one in the MAC, then the level byte (covered by
     * the MAC) */
    size_t flips[] = {5, 5 + 7, 5 + 8, ea_len - 1, 2};
    for (size_t k = 0; k < SEAM_ARRAY_LEN(flips); k++) {
        pair p;
        REQUIRE(pair_init(&p, e));
        uint8_t bad[64];
        memcpy(bad, ea, ea_len);
        if (flips[k] == 2)
            bad[2] = 0x13; /* another valid level: the MAC no longer matches */
        else
            bad[flips[k]] ^= 0x01;
        apdu_cmd c;
        CHECK_EQ(apdu_parse(bad, ea_len, &c), SEAM_OK);
        CHECK_EQ(scp03_card_external_authenticate(&p.card, &c), SEAM_E_AUTH);
        CHECK(!p.card.authenticated);
        /* the session is over: the genuine command is refused too */
        CHECK_EQ(apdu_parse(ea, ea_len, &c), SEAM_OK);
        CHECK_EQ(scp03_card_external_authenticate(&p.card, &c), SEAM_E_STATE);
        pair_clear(&p);
    }
    check_free_all();
}

static void test_external_authenticate_format(void)
{
    json_t *e = neg_vector();
    size_t ea_len;
    uint8_t *ea = check_jhex(e, "external_authenticate_apdu", &ea_len);
    uint8_t bad[64];
    apdu_cmd c;
    pair p;

    /* wrong INS, P2, no SM bit, short data */
    for (int k = 0; k < 4; k++) {
        REQUIRE(pair_init(&p, e));
        memcpy(bad, ea, ea_len);
        size_t len = ea_len;
        if (k == 0) bad[1] = 0x84;
        if (k == 1) bad[3] = 0x01;
        if (k == 2) bad[0] = 0x80;
        if (k == 3) {
            bad[4] = 0x0F;
            len--;
        }
        CHECK_EQ(apdu_parse(bad, len, &c), SEAM_OK);
        CHECK_EQ(scp03_card_external_authenticate(&p.card, &c), SEAM_E_FORMAT);
        pair_clear(&p);
    }
    /* EXTERNAL AUTHENTICATE before INITIALIZE UPDATE (no session) */
    memset(&p, 0, sizeof p);
    CHECK_EQ(apdu_parse(ea, ea_len, &c), SEAM_OK);
    CHECK_EQ(scp03_card_external_authenticate(&p.card, &c), SEAM_E_STATE);
    /* twice */
    REQUIRE(neg_pair(&p));
    CHECK_EQ(scp03_card_external_authenticate(&p.card, &c), SEAM_E_STATE);
    pair_clear(&p);
    check_free_all();
}

static void test_flipped_command_bits(void)
{
    json_t *e = neg_vector();
    size_t wl, n;
    uint8_t *w = check_jhex(e, "command_wrapped_level_33", &wl);
    uint8_t bad[128], out[512];
    /* a bit in the header (CLA b1 would change the channel: take INS, P1, P2), the encrypted
     * data, the MAC */
    REQUIRE(wl <= sizeof bad);
    size_t where[] = {1, 2, 3, 5, 5 + 20, wl - 8, wl - 1};
    for (size_t k = 0; k < SEAM_ARRAY_LEN(where); k++) {
        pair p;
        REQUIRE(neg_pair(&p));
        memcpy(bad, w, wl);
        bad[where[k]] ^= 0x01;
        CHECK_EQ(card_unwrap(&p, bad, wl, out, &n), SEAM_E_AUTH);
        CHECK_EQ(n, 0);
        CHECK(!p.card.authenticated);
        /* the session is terminated: even the genuine command is now refused */
        CHECK_EQ(card_unwrap(&p, w, wl, out, &n), SEAM_E_STATE);
        pair_clear(&p);
    }
    check_free_all();
}

static void test_replay(void)
{
    json_t *e = neg_vector();
    size_t wl, n;
    uint8_t *w = check_jhex(e, "command_wrapped_level_33", &wl);
    uint8_t out[512];
    pair p;
    REQUIRE(neg_pair(&p));
    CHECK_EQ(card_unwrap(&p, w, wl, out, &n), SEAM_OK);
    CHECK_EQ(card_unwrap(&p, w, wl, out, &n), SEAM_E_AUTH);
    pair_clear(&p);
    check_free_all();
}

/* Builds a command '84 E2 90 00' whose data field is AES-CBC(S-ENC, ICV(counter 1), body) (or
 * body as is when encrypt is false) and whose C-MAC is right, with crypto calls independent of
 * scp03.c, so that the card's checks after the MAC can be reached. */
static size_t forge_command(pair *p, const uint8_t *body, size_t len, bool encrypt, uint8_t *out)
{
    uint8_t block[16] = {0}, icv[16], mac[16];
    size_t m = p->ch_len;
    out[0] = 0x84;
    out[1] = 0xE2;
    out[2] = 0x90;
    out[3] = 0x00;
    out[4] = (uint8_t)(len + m);
    seam_put_be32(block + 12, 1);
    if (encrypt) {
        CHECK_EQ(cr_aes_ecb_encrypt(p->s_enc, p->keylen, block, 16, icv), SEAM_OK);
        CHECK_EQ(cr_aes_cbc_encrypt(p->s_enc, p->keylen, icv, body, len, out + 5), SEAM_OK);
    } else {
        memcpy(out + 5, body, len);
    }
    CHECK_EQ(cr_aes_cmac(p->s_mac, p->keylen, p->card.mac_chain, 16, out, 5 + len, mac), SEAM_OK);
    memcpy(out + 5 + len, mac, m);
    return 5 + len + m;
}

static void test_bad_padding(void)
{
    static const struct {
        size_t len;
        uint8_t last;  /* value of the last plaintext byte */
        size_t marker; /* where '80' goes, or SIZE_MAX for none */
    } cases[] = {
        {16, 0x00, SIZE_MAX}, /* all zero: no marker */
        {16, 0x01, SIZE_MAX}, /* ends in a non-zero data byte */
        {32, 0x00, 8},        /* marker in the first block, a whole zero block after */
        {16, 0x00, 0},        /* valid: '80' then zeros -> empty */
        {16, 0x80, SIZE_MAX}, /* valid: 15 data bytes then '80' */
    };
    uint8_t body[32], w[128], out[512];
    size_t n;
    for (size_t k = 0; k < SEAM_ARRAY_LEN(cases); k++) {
        pair p;
        REQUIRE(neg_pair(&p));
        memset(body, 0x11, sizeof body);
        memset(body + cases[k].len - 16, 0x00, 16);
        body[cases[k].len - 1] = cases[k].last;
        if (cases[k].marker != SIZE_MAX) {
            memset(body + cases[k].marker, 0, cases[k].len - cases[k].marker);
            body[cases[k].marker] = 0x80;
        }
        size_t wl = forge_command(&p, body, cases[k].len, true, w);
        seam_err expect = k >= 3 ? SEAM_OK : SEAM_E_FORMAT;
        CHECK_EQ(card_unwrap(&p, w, wl, out, &n), expect);
        if (k == 3) CHECK_EQ(n, 0);
        if (k == 4) CHECK_EQ(n, 15);
        if (expect != SEAM_OK) CHECK(!p.card.authenticated);
        pair_clear(&p);
    }
    check_free_all();
}

static void test_data_not_block_multiple(void)
{
    uint8_t body[17] = {0}, w[128], out[512];
    size_t n;
    size_t lens[] = {1, 15, 17};
    for (size_t k = 0; k < SEAM_ARRAY_LEN(lens); k++) {
        pair p;
        REQUIRE(neg_pair(&p));
        size_t wl = forge_command(&p, body, lens[k], false, w);
        CHECK_EQ(card_unwrap(&p, w, wl, out, &n), SEAM_E_FORMAT);
        pair_clear(&p);
    }
    check_free_all();
}

static void test_truncated_mac(void)
{
    json_t *e = neg_vector();
    size_t wl, n;
    uint8_t *w = check_jhex(e, "command_wrapped_level_33", &wl);
    uint8_t bad[128], out[512];
    pair p;

    /* one byte of the MAC missing (Lc adjusted): the MAC no longer verifies */
    REQUIRE(neg_pair(&p));
    memcpy(bad, w, wl);
    bad[4]--;
    CHECK_EQ(card_unwrap(&p, bad, wl - 1, out, &n), SEAM_E_AUTH);
    pair_clear(&p);

    /* fewer data bytes than a MAC */
    static const uint8_t short_cmd[] = {0x84, 0xE2, 0x90, 0x00, 0x07, 1, 2, 3, 4, 5, 6, 7};
    REQUIRE(neg_pair(&p));
    CHECK_EQ(card_unwrap(&p, short_cmd, sizeof short_cmd, out, &n), SEAM_E_FORMAT);
    pair_clear(&p);

    /* no data at all */
    static const uint8_t no_data[] = {0x84, 0xCA, 0x00, 0x66, 0x00};
    REQUIRE(neg_pair(&p));
    CHECK_EQ(card_unwrap(&p, no_data, sizeof no_data, out, &n), SEAM_E_FORMAT);
    pair_clear(&p);
    check_free_all();
}

static void test_missing_sm_bit(void)
{
    json_t *e = neg_vector();
    size_t pl, wl, n;
    uint8_t *plain = check_jhex(e, "command_plain", &pl);
    uint8_t *w = check_jhex(e, "command_wrapped_level_33", &wl);
    uint8_t out[512];
    pair p;
    REQUIRE(neg_pair(&p));
    CHECK_EQ(card_unwrap(&p, plain, pl, out, &n), SEAM_E_STATE);
    /* the wrapped command with its SM bit cleared */
    uint8_t bad[128];
    memcpy(bad, w, wl);
    bad[0] = 0x80;
    CHECK_EQ(card_unwrap(&p, bad, wl, out, &n), SEAM_E_STATE);
    /* the card OS decides what to do with it; the session itself still works */
    CHECK_EQ(card_unwrap(&p, w, wl, out, &n), SEAM_OK);
    pair_clear(&p);

    /* nothing is unwrapped before EXTERNAL AUTHENTICATE */
    REQUIRE(pair_init(&p, e));
    CHECK_EQ(card_unwrap(&p, w, wl, out, &n), SEAM_E_STATE);
    apdu_cmd c;
    CHECK_EQ(apdu_parse(plain, pl, &c), SEAM_OK);
    CHECK_EQ(scp03_wrap_command(&p.host, &c, false, out, sizeof out, &n), SEAM_E_STATE);
    pair_clear(&p);
    check_free_all();
}

static void test_error_sw_unprotected(void)
{
    json_t *e = neg_vector();
    size_t wl, n;
    uint8_t *w = check_jhex(e, "command_wrapped_level_33", &wl);
    uint8_t out[512];
    static const uint8_t data[] = {1, 2, 3, 4};
    static const uint16_t errors[] = {SW_FILE_NOT_FOUND, SW_SECURITY_STATUS_NOT_SATISFIED,
                                      SW_WRONG_LENGTH, SW_BYTES_REMAINING_00 | 0x10,
                                      SW_INS_NOT_SUPPORTED};
    for (size_t k = 0; k < SEAM_ARRAY_LEN(errors); k++) {
        pair p;
        REQUIRE(neg_pair(&p));
        REQUIRE(card_unwrap(&p, w, wl, out, &n) == SEAM_OK);
        CHECK_EQ(scp03_wrap_response(&p.card, data, sizeof data, errors[k], out, sizeof out, &n),
                 SEAM_OK);
        CHECK_EQ(n, 2);
        CHECK_EQ(seam_be16(out), errors[k]);
        uint8_t bare[2];
        seam_put_be16(bare, errors[k]);
        apdu_cmd c;
        size_t pl;
        uint8_t *plain = check_jhex(e, "command_plain", &pl);
        CHECK_EQ(apdu_parse(plain, pl, &c), SEAM_OK);
        CHECK_EQ(scp03_wrap_command(&p.host, &c, false, out, sizeof out, &n), SEAM_OK);
        CHECK_EQ(scp03_unwrap_response(&p.host, bare, 2, out, sizeof out, &n), SEAM_OK);
        CHECK_EQ(n, 2);
        CHECK_MEM(out, bare, 2);
        pair_clear(&p);
    }
    check_free_all();
}

static void test_wrong_rmac(void)
{
    json_t *e = neg_vector();
    size_t rwl, n;
    uint8_t *rw = check_jhex(e, "response_wrapped_level_33", &rwl);
    uint8_t bad[128], out[512];
    size_t where[] = {0, rwl - 2 - 8, rwl - 3, rwl - 1};
    for (size_t k = 0; k <= SEAM_ARRAY_LEN(where); k++) {
        pair p;
        REQUIRE(neg_pair(&p));
        size_t pl;
        apdu_cmd c;
        uint8_t *plain = check_jhex(e, "command_plain", &pl);
        CHECK_EQ(apdu_parse(plain, pl, &c), SEAM_OK);
        CHECK_EQ(scp03_wrap_command(&p.host, &c, false, out, sizeof out, &n), SEAM_OK);
        memcpy(bad, rw, rwl);
        if (k < SEAM_ARRAY_LEN(where)) {
            bad[where[k]] ^= 0x01; /* the last one turns 9000 into 9001, an "error" */
            seam_err expect = where[k] == rwl - 1 ? SEAM_OK : SEAM_E_AUTH;
            CHECK_EQ(scp03_unwrap_response(&p.host, bad, rwl, out, sizeof out, &n), expect);
            if (expect == SEAM_OK) CHECK_EQ(n, 2); /* only the SW: the data is unauthenticated */
        } else {
            /* a success SW with no R-MAC at all */
            CHECK_EQ(scp03_unwrap_response(&p.host, bad + rwl - 2, 2, out, sizeof out, &n),
                     SEAM_E_AUTH);
            CHECK_EQ(scp03_unwrap_response(&p.host, bad, 1, out, sizeof out, &n), SEAM_E_FORMAT);
        }
        pair_clear(&p);
    }
    check_free_all();
}

/* A host response with a correct R-MAC but bad padding under R-ENC: SEAM_E_FORMAT. */
static void test_response_bad_padding(void)
{
    pair p;
    REQUIRE(neg_pair(&p));
    json_t *e = neg_vector();
    size_t pl, n;
    apdu_cmd c;
    uint8_t out[512], resp[64], block[16] = {0}, icv[16], mac[16];
    uint8_t *plain = check_jhex(e, "command_plain", &pl);
    CHECK_EQ(apdu_parse(plain, pl, &c), SEAM_OK);
    CHECK_EQ(scp03_wrap_command(&p.host, &c, false, out, sizeof out, &n), SEAM_OK);
    uint8_t body[16];
    memset(body, 0x22, sizeof body); /* no '80' marker */
    block[0] = 0x80;
    seam_put_be32(block + 12, 1);
    CHECK_EQ(cr_aes_ecb_encrypt(p.s_enc, p.keylen, block, 16, icv), SEAM_OK);
    CHECK_EQ(cr_aes_cbc_encrypt(p.s_enc, p.keylen, icv, body, 16, resp), SEAM_OK);
    seam_put_be16(resp + 16, SW_NO_ERROR);
    CHECK_EQ(cr_aes_cmac(p.s_rmac, p.keylen, p.host.mac_chain, 16, resp, 18, mac), SEAM_OK);
    memcpy(resp + 16, mac, 8);
    seam_put_be16(resp + 24, SW_NO_ERROR);
    CHECK_EQ(scp03_unwrap_response(&p.host, resp, 26, out, sizeof out, &n), SEAM_E_FORMAT);
    /* and 15 bytes of "ciphertext": not a whole block */
    uint8_t mac_in[15 + 2], odd[15 + 8 + 2];
    memset(mac_in, 0x33, 15);
    seam_put_be16(mac_in + 15, SW_NO_ERROR);
    CHECK_EQ(cr_aes_cmac(p.s_rmac, p.keylen, p.host.mac_chain, 16, mac_in, sizeof mac_in, mac),
             SEAM_OK);
    memcpy(odd, mac_in, 15);
    memcpy(odd + 15, mac, 8);
    seam_put_be16(odd + 23, SW_NO_ERROR);
    CHECK_EQ(scp03_unwrap_response(&p.host, odd, sizeof odd, out, sizeof out, &n), SEAM_E_FORMAT);
    pair_clear(&p);
    check_free_all();
}

/* The same command in the extended length form: the C-MAC covers '00' Lc Lc. */
static void test_extended_length(void)
{
    json_t *e = neg_vector();
    size_t pl, n, wl;
    uint8_t *plain = check_jhex(e, "command_plain", &pl);
    uint8_t w[512], out[512];
    apdu_cmd c, wc;
    pair p;
    REQUIRE(neg_pair(&p));
    CHECK_EQ(apdu_parse(plain, pl, &c), SEAM_OK);
    CHECK_EQ(scp03_wrap_command(&p.host, &c, true, w, sizeof w, &wl), SEAM_OK);
    CHECK_EQ(wl, 7 + 32 + 8);
    CHECK_EQ(w[4], 0x00);
    CHECK_EQ(apdu_parse(w, wl, &wc), SEAM_OK);
    CHECK(wc.extended);
    CHECK_EQ(scp03_unwrap_command(&p.card, &wc, out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(n, c.lc);
    CHECK_MEM(out, c.data, c.lc);
    CHECK_MEM(p.card.mac_chain, p.host.mac_chain, 16);

    /* the short-form MAC does not verify in the extended form */
    size_t sl;
    uint8_t *sw = check_jhex(e, "command_wrapped_level_33", &sl);
    pair_clear(&p);
    REQUIRE(neg_pair(&p));
    uint8_t ext[128] = {0};
    memcpy(ext, sw, 4);
    ext[4] = 0x00;
    seam_put_be16(ext + 5, (uint16_t)(sl - 5));
    memcpy(ext + 7, sw + 5, sl - 5);
    CHECK_EQ(card_unwrap(&p, ext, sl + 2, out, &n), SEAM_E_AUTH);
    pair_clear(&p);
    check_free_all();
}

static void test_level_rules(void)
{
    static const struct {
        uint8_t level, i;
        seam_err expect;
    } cases[] = {
        {0x00, 0x00, SEAM_OK},
        {0x01, 0x00, SEAM_OK},
        {0x03, 0x00, SEAM_OK},
        {0x11, 0x20, SEAM_OK},
        {0x13, 0x20, SEAM_OK},
        {0x33, 0x60, SEAM_OK},
        {0x11, 0x00, SEAM_E_UNSUPPORTED},
        {0x13, 0x40, SEAM_E_UNSUPPORTED},
        {0x33, 0x20, SEAM_E_UNSUPPORTED},
        {0x02, 0x60, SEAM_E_FORMAT}, /* C-DEC without C-MAC */
        {0x10, 0x60, SEAM_E_FORMAT},
        {0x21, 0x60, SEAM_E_FORMAT}, /* R-ENC without R-MAC */
        {0x31, 0x60, SEAM_E_FORMAT},
        {0x23, 0x60, SEAM_E_FORMAT},
        {0x81, 0x60, SEAM_E_FORMAT},
        {0x41, 0x60, SEAM_E_FORMAT},
    };
    uint8_t key[16], hc[8], cc[8], ea[64];
    memset(key, 0x40, sizeof key);
    memset(hc, 0x01, sizeof hc);
    memset(cc, 0x02, sizeof cc);
    for (size_t k = 0; k < SEAM_ARRAY_LEN(cases); k++) {
        scp03_session h = {0}, c = {0};
        size_t n;
        REQUIRE(scp03_session_init(&h, key, key, 16, hc, cc, 8, cases[k].i) == SEAM_OK);
        REQUIRE(scp03_session_init(&c, key, key, 16, hc, cc, 8, cases[k].i) == SEAM_OK);
        CHECK_EQ(scp03_host_external_authenticate(&h, cases[k].level, 0, ea, sizeof ea, &n),
                 cases[k].expect);
        if (cases[k].expect == SEAM_OK) {
            apdu_cmd cmd;
            CHECK_EQ(apdu_parse(ea, n, &cmd), SEAM_OK);
            CHECK_EQ(scp03_card_external_authenticate(&c, &cmd), SEAM_OK);
            CHECK_EQ(c.level, cases[k].level);
        } else {
            /* a host that asks anyway: build the command with an allowed level, then patch P1
             * (the card checks the level before the MAC) */
            scp03_session h2 = {0};
            REQUIRE(scp03_session_init(&h2, key, key, 16, hc, cc, 8, 0x60) == SEAM_OK);
            REQUIRE(scp03_host_external_authenticate(&h2, 0x01, 0, ea, sizeof ea, &n) == SEAM_OK);
            ea[2] = cases[k].level;
            apdu_cmd cmd;
            CHECK_EQ(apdu_parse(ea, n, &cmd), SEAM_OK);
            CHECK_EQ(scp03_card_external_authenticate(&c, &cmd), cases[k].expect);
            CHECK(!c.authenticated);
            scp03_session_clear(&h2);
        }
        scp03_session_clear(&h);
        scp03_session_clear(&c);
    }
}

static void test_bad_arguments(void)
{
    uint8_t key[32] = {0}, ch[16] = {0}, out[64];
    scp03_session s = {0};
    size_t n;
    CHECK_EQ(scp03_session_init(&s, key, key, 20, ch, ch, 8, 0x60), SEAM_E_ARG);
    CHECK_EQ(scp03_session_init(&s, key, key, 16, ch, ch, 16, 0x60), SEAM_E_ARG); /* not S16 */
    CHECK_EQ(scp03_session_init(&s, key, key, 16, ch, ch, 8, 0x61), SEAM_E_ARG);
    CHECK_EQ(scp03_session_init(NULL, key, key, 16, ch, ch, 8, 0x60), SEAM_E_ARG);
    CHECK_EQ(scp03_cryptogram(&s, SCP03_DC_CARD_CRYPTOGRAM, out), SEAM_E_STATE);
    CHECK_EQ(scp03_card_challenge(key, 16, ch, ch, 4, 8, out), SEAM_E_ARG);
    CHECK_EQ(scp03_card_challenge(key, 16, ch, ch, 8, 12, out), SEAM_E_ARG);
    CHECK_EQ(scp03_derive(key, 16, 0, ch, 8, out, 0), SEAM_E_ARG);
    REQUIRE(scp03_session_init(&s, key, key, 16, ch, ch, 8, 0x60) == SEAM_OK);
    CHECK_EQ(scp03_host_external_authenticate(&s, 0x33, 0, out, 20, &n), SEAM_E_LENGTH);
    CHECK_EQ(scp03_host_external_authenticate(&s, 0x33, 0x04, out, sizeof out, &n), SEAM_E_ARG);
    CHECK_EQ(scp03_host_external_authenticate(&s, 0x33, 0x43, out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(out[0], 0xE3); /* channel 7, further class, SM */
    scp03_session_clear(&s);
    scp03_session_clear(&s); /* twice is harmless */
}

/* ---- round trips host <-> card at every level, with random keys and challenges ---- */

static void round_trip(size_t keylen, bool s16, uint8_t level, uint8_t channel_bits)
{
    uint8_t enc[32], mac[32], hc[16], cc[16], buf[1200], w[1300], out[1300], rsp[1300];
    size_t ch = s16 ? 16 : 8, n, wl, rl;
    uint8_t i = (uint8_t)(0x70 | (s16 ? SCP03_I_S16 : 0));
    REQUIRE(cr_random(enc, sizeof enc) == SEAM_OK && cr_random(mac, sizeof mac) == SEAM_OK);
    REQUIRE(cr_random(hc, sizeof hc) == SEAM_OK && cr_random(cc, sizeof cc) == SEAM_OK);
    scp03_session h = {0}, c = {0};
    REQUIRE(scp03_session_init(&h, enc, mac, keylen, hc, cc, ch, i) == SEAM_OK);
    REQUIRE(scp03_session_init(&c, enc, mac, keylen, hc, cc, ch, i) == SEAM_OK);
    REQUIRE(scp03_host_external_authenticate(&h, level, channel_bits, w, sizeof w, &wl) == SEAM_OK);
    apdu_cmd cmd;
    REQUIRE(apdu_parse(w, wl, &cmd) == SEAM_OK);
    REQUIRE(scp03_card_external_authenticate(&c, &cmd) == SEAM_OK);
    scp03_host_auth_done(&h);

    static const size_t lens[] = {0, 1, 15, 16, 17, 31, 32, 200, 223, 224, 239, 240, 1000};
    static const uint16_t sws[] = {SW_NO_ERROR, SW_WARNING_STATE_UNCHANGED | 0x81,
                                   SW_VERIFY_FAILED_RETRIES | 2, SW_WRONG_DATA};
    uint32_t commands = 0;
    for (size_t k = 0; k < SEAM_ARRAY_LEN(lens) * 2; k++) {
        size_t len = lens[k / 2];
        bool ext = (k & 1) != 0;
        if (len) REQUIRE(cr_random(buf, len) == SEAM_OK);
        uint8_t cla = (uint8_t)(0x80 | channel_bits);
        apdu_cmd p = {.cla = cla,
                      .ins = 0xE2,
                      .p1 = 0x90,
                      .p2 = (uint8_t)k,
                      .data = len ? buf : NULL,
                      .lc = len,
                      .has_le = (k % 3) == 0,
                      .le = (k % 3) == 0 ? 256 : 0};
        CHECK_EQ(scp03_wrap_command(&h, &p, ext, w, sizeof w, &wl), SEAM_OK);
        commands++;
        if (level & SCP03_LEVEL_CDEC) CHECK_EQ(h.counter, commands);
        REQUIRE(apdu_parse(w, wl, &cmd) == SEAM_OK);
        if (cmd.lc > 255 || (ext && (cmd.lc || cmd.has_le))) CHECK(cmd.extended);
        if (!ext && cmd.lc <= 255) CHECK(!cmd.extended);
        CHECK_EQ(cmd.has_le, p.has_le);
        if (level & SCP03_LEVEL_CMAC) CHECK(cmd.cla != cla);
        CHECK_EQ(scp03_unwrap_command(&c, &cmd, out, sizeof out, &n), SEAM_OK);
        CHECK_EQ(n, len);
        if (len) CHECK_MEM(out, buf, len);
        CHECK_EQ(c.counter, h.counter);

        size_t rlen = lens[(k + 3) % SEAM_ARRAY_LEN(lens)];
        uint16_t sw = sws[k % SEAM_ARRAY_LEN(sws)];
        if (rlen) REQUIRE(cr_random(rsp, rlen) == SEAM_OK);
        CHECK_EQ(scp03_wrap_response(&c, rsp, rlen, sw, w, sizeof w, &wl), SEAM_OK);
        CHECK_EQ(scp03_unwrap_response(&h, w, wl, out, sizeof out, &rl), SEAM_OK);
        if (sw == SW_WRONG_DATA) {
            CHECK_EQ(rl, 2);
        } else {
            CHECK_EQ(rl, rlen + 2);
            if (rlen) CHECK_MEM(out, rsp, rlen);
            if (!(level & SCP03_LEVEL_RENC) && rlen) CHECK_MEM(w, rsp, rlen); /* clear text */
            if ((level & SCP03_LEVEL_RENC) && rlen > 8) CHECK(memcmp(w, rsp, rlen) != 0);
        }
        CHECK_EQ(seam_be16(out + rl - 2), sw);
    }
    scp03_session_clear(&h);
    scp03_session_clear(&c);
}

static void test_round_trips(void)
{
    static const uint8_t levels[] = {0x01, 0x03, 0x13, 0x33, 0x11, 0x00};
    static const size_t keylens[] = {16, 24, 32};
    for (size_t k = 0; k < SEAM_ARRAY_LEN(keylens); k++)
        for (int s16 = 0; s16 < 2; s16++)
            for (size_t l = 0; l < SEAM_ARRAY_LEN(levels); l++)
                round_trip(keylens[k], s16, levels[l], (uint8_t)(l % 4));
    round_trip(16, false, 0x33, 0x45); /* channel 9 */
}

/* Decrypting in place into the command buffer (as a card OS with one APDU buffer does). */
static void test_unwrap_in_place(void)
{
    json_t *e = neg_vector();
    size_t wl, n, pl;
    uint8_t *w = check_jhex(e, "command_wrapped_level_33", &wl);
    uint8_t *plain = check_jhex(e, "command_plain", &pl);
    pair p;
    REQUIRE(neg_pair(&p));
    apdu_cmd c;
    REQUIRE(apdu_parse(w, wl, &c) == SEAM_OK);
    CHECK_EQ(scp03_unwrap_command(&p.card, &c, w + 5, wl - 5, &n), SEAM_OK);
    CHECK_EQ(n, pl - 5);
    CHECK_MEM(w + 5, plain + 5, pl - 5);
    pair_clear(&p);

    /* the output must hold the plain data: one byte short is SEAM_E_LENGTH */
    uint8_t *w2 = check_jhex(e, "command_wrapped_level_33", &wl);
    uint8_t out[64];
    REQUIRE(neg_pair(&p));
    REQUIRE(apdu_parse(w2, wl, &c) == SEAM_OK);
    CHECK_EQ(scp03_unwrap_command(&p.card, &c, out, pl - 6, &n), SEAM_E_LENGTH);
    pair_clear(&p);
    check_free_all();
}

/* Every single-bit change and every truncation of a genuine wrapped command is refused, and
 * random bytes never crash the card or the host side (run under ASan/UBSan). */
static void test_hostile_commands(void)
{
    json_t *e = neg_vector();
    size_t wl, rwl, pl, n;
    uint8_t w[128], rw[128], plain[128], bad[128], out[512];
    /* local copies: the decoded vector buffers are freed after each session */
    uint8_t *v = check_jhex(e, "command_wrapped_level_33", &wl);
    REQUIRE(wl <= sizeof w);
    memcpy(w, v, wl);
    v = check_jhex(e, "response_wrapped_level_33", &rwl);
    REQUIRE(rwl <= sizeof rw);
    memcpy(rw, v, rwl);
    v = check_jhex(e, "command_plain", &pl);
    REQUIRE(pl <= sizeof plain);
    memcpy(plain, v, pl);
    check_free_all();
    for (size_t bit = 0; bit < 8 * wl; bit++) {
        pair p;
        REQUIRE(neg_pair(&p));
        memcpy(bad, w, wl);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CHECK(card_unwrap(&p, bad, wl, out, &n) != SEAM_OK);
        pair_clear(&p);
        check_free_all();
    }
    for (size_t len = 0; len < wl; len++) {
        pair p;
        REQUIRE(neg_pair(&p));
        memcpy(bad, w, wl);
        if (len > 4) bad[4] = (uint8_t)(len - 5); /* keep it a well-formed APDU */
        CHECK(card_unwrap(&p, bad, len, out, &n) != SEAM_OK);
        pair_clear(&p);
        check_free_all();
    }
    for (int k = 0; k < 500; k++) {
        pair p;
        REQUIRE(neg_pair(&p));
        size_t len;
        uint8_t r;
        REQUIRE(cr_random(&r, 1) == SEAM_OK && cr_random(bad, sizeof bad) == SEAM_OK);
        len = r % sizeof bad;
        bad[0] = 0x84;
        if (len > 4) bad[4] = (uint8_t)(len - 5);
        CHECK(card_unwrap(&p, bad, len, out, &n) != SEAM_OK);
        /* the host side: random responses, then the genuine one with random corruption */
        apdu_cmd c;
        REQUIRE(apdu_parse(plain, pl, &c) == SEAM_OK);
        REQUIRE(scp03_wrap_command(&p.host, &c, false, out, sizeof out, &n) == SEAM_OK);
        seam_err err = scp03_unwrap_response(&p.host, bad, len, out, sizeof out, &n);
        if (err == SEAM_OK) CHECK(n == 2 || n == len); /* only a bare or error SW passes */
        memcpy(bad, rw, rwl);
        bad[r % rwl] ^= (uint8_t)(1u << (r % 8));
        err = scp03_unwrap_response(&p.host, bad, rwl, out, sizeof out, &n);
        if (err == SEAM_OK) CHECK_EQ(n, 2); /* the flip hit the SW and made it an error */
        pair_clear(&p);
        check_free_all();
    }
    check_free_all();
}

int main(void)
{
    json_error_t jerr;
    vectors = json_load_file(check_shared_path("vectors/scp03.json"), 0, &jerr);
    if (!vectors) {
        fprintf(stderr, "cannot read %s: %s\n", check_shared_path("vectors/scp03.json"), jerr.text);
        return 1;
    }
    RUN(test_vectors_aes128_s8);
    RUN(test_vectors_aes192_s8);
    RUN(test_vectors_aes256_s8);
    RUN(test_vectors_aes128_s16);
    RUN(test_vectors_aes256_s16);
    RUN(test_vectors_encryption_counter);
    RUN(test_vectors_yubikit_empty_data);
    RUN(test_vectors_put_key);
    RUN(test_vectors_pseudo_random_card_challenge);
    RUN(test_wrong_host_cryptogram);
    RUN(test_external_authenticate_format);
    RUN(test_flipped_command_bits);
    RUN(test_replay);
    RUN(test_bad_padding);
    RUN(test_data_not_block_multiple);
    RUN(test_truncated_mac);
    RUN(test_missing_sm_bit);
    RUN(test_error_sw_unprotected);
    RUN(test_wrong_rmac);
    RUN(test_response_bad_padding);
    RUN(test_extended_length);
    RUN(test_level_rules);
    RUN(test_bad_arguments);
    RUN(test_round_trips);
    RUN(test_unwrap_in_place);
    RUN(test_hostile_commands);
    json_decref(vectors);
    return check_summary();
}
