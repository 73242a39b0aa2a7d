/*
 * Tests of src/gp/scp11.c (GlobalPlatform SCP11, Card Specification 2.3.1 Amendment F) and of
 * scp03_session_from_keys (the SCP03 secure messaging an SCP11 session continues with).
 *
 * Known answers come from ../shared/vectors/scp11.json. Its sources (each section's "source"):
 *  - fixed keys: SHA-256('seam SCP11 test vector key: ' || label) mod (n-1) + 1, public keys by
 *    pyca/cryptography;
 *  - APDUs: the project's reference tools/gp_scp_ref.py (written from Amendment F), captured on
 *    the wire from Yubico yubikit (yubikey-manager @ b0dbb7f1, scp.py ScpState.scp11_init)
 *    and matching Samsung OpenSCP-Java 1.0.0; responses from gp_scp_ref.py's Scp11Card,
 *    accepted (receipt verified) by yubikit, gp_scp_ref.py and OpenSCP-Java;
 *  - key agreement and KDF: gp_scp_ref.py, kdf_output equal to pyca/cryptography X963KDF and
 *    session keys equal to yubikit's SessionKeys;
 *  - secure messaging: gp_scp_ref.py (card and host), equal to the bytes yubikit and OpenSCP-Java
 *    sent (apart from Le);
 *  - SCP11c's card answer with its static key: gp_scp_ref.py, matching the SCP11c transcript of
 *    Samsung/OpenSCP-Java's tests (SmartCardScp11cP256Aes128S8ModeEmulation).
 * Every variant (11b, 11a, 11c) is checked from both sides. Then negative tests (hostile command
 * and response data) and host <-> card round trips for every usage and key length.
 */
#include "check.h"

#include <jansson.h>

#include "seam/apdu.h"
#include "seam/crypto.h"
#include "seam/scp03.h"
#include "seam/scp11.h"
#include "seam/tlv.h"

/* ---- vector file access (tests/check.h); buffers are freed at the end of each test ---- */

static json_t *vectors;
static uint8_t jbyte(json_t *o, const char *key)
{
    size_t n;
    uint8_t *p = check_jhex(o, key, &n);
    if (n != 1) abort();
    return p[0];
}

/* ---- one variant's vector ---- */

typedef struct {
    uint8_t variant;
    const char *section;
} variant_desc;

static const variant_desc variants[] = {
    {SCP11_VARIANT_B, "scp11b"},
    {SCP11_VARIANT_A, "scp11a"},
    {SCP11_VARIANT_C, "scp11c"},
};

typedef struct {
    json_t *v, *sd, *oce, *cmd, *ka, *sm;
    scp11_params p;
    uint8_t kvn, kid;
    uint8_t *sk_sd, *pk_sd, *esk_sd, *epk_sd, *esk_oce, *epk_oce, *sk_oce, *pk_oce;
    uint8_t *data, *resp; /* command data field; response with SW */
    size_t data_len, resp_len;
} vec;

static void vec_load(vec *x, const variant_desc *d)
{
    memset(x, 0, sizeof *x);
    x->v = check_jobj(vectors, d->section);
    x->sd = check_jobj(x->v, "security_domain");
    x->oce = check_jobj(x->v, "off_card_entity");
    json_t *apdus = check_jobj(x->v, "apdus");
    x->cmd = check_jobj(apdus, d->variant == SCP11_VARIANT_B ? "internal_authenticate"
                                                             : "mutual_authenticate");
    x->ka = check_jobj(x->v, "key_agreement");
    x->sm = check_jobj(x->v, "secure_messaging");
    json_t *st = check_jobj(vectors, "oce_static");
    x->p.variant = d->variant;
    x->p.key_usage = jbyte(x->cmd, "key_usage_qualifier_95");
    x->p.key_type = jbyte(x->cmd, "key_type_80");
    x->p.key_len = jbyte(x->cmd, "session_key_length_81");
    x->kvn = jbyte(x->cmd, "p1_key_version_number");
    x->kid = jbyte(x->cmd, "p2_key_identifier");
    x->sk_sd = check_jhex(x->sd, "sk_sd_ecka", NULL);
    x->pk_sd = check_jhex(x->sd, "pk_sd_ecka", NULL);
    x->esk_sd = check_jhex(x->sd, "esk_sd_ecka", NULL);
    x->epk_sd = check_jhex(x->sd, "epk_sd_ecka", NULL);
    x->esk_oce = check_jhex(x->oce, "esk_oce_ecka", NULL);
    x->epk_oce = check_jhex(x->oce, "epk_oce_ecka", NULL);
    x->sk_oce = check_jhex(st, "sk_oce_ecka", NULL);
    x->pk_oce = check_jhex(st, "pk_oce_ecka", NULL);
    x->data = check_jhex(x->cmd, "data", &x->data_len);
    x->resp = check_jhex(x->cmd, "response", &x->resp_len);
}

/* The X9.63 KDF, the split into five keys, and the receipt over the key agreement data. */
static void check_kdf(const variant_desc *d)
{
    vec x;
    vec_load(&x, d);
    size_t zlen, ilen, olen, n;
    uint8_t *z = check_jhex(x.ka, "kdf_z", &zlen),
            *info = check_jhex(x.ka, "kdf_shared_info", &ilen);
    uint8_t *want = check_jhex(x.ka, "kdf_output", &olen);
    uint8_t out[160];
    REQUIRE(olen <= sizeof out);
    CHECK_EQ(scp11_x963_kdf(z, zlen, info, ilen, out, olen), SEAM_OK);
    CHECK_MEM(out, want, olen);
    /* A shorter output is a prefix (the KDF's blocks are independent of the length). */
    CHECK_EQ(scp11_x963_kdf(z, zlen, info, ilen, out, 17), SEAM_OK);
    CHECK_MEM(out, want, 17);

    scp11_keys k;
    uint8_t *see = check_jhex(x.ka, "sh_see", &n), *ses = check_jhex(x.ka, "sh_ses", NULL);
    REQUIRE(n == 32);
    CHECK_EQ(scp11_derive_keys(&x.p, see, ses, &k), SEAM_OK);
    CHECK_EQ(k.key_len, 16);
    CHECK_MEM(k.receipt_key, check_jhex(x.ka, "receipt_key", NULL), 16);
    CHECK_MEM(k.s_enc, check_jhex(x.ka, "s_enc", NULL), 16);
    CHECK_MEM(k.s_mac, check_jhex(x.ka, "s_mac", NULL), 16);
    CHECK_MEM(k.s_rmac, check_jhex(x.ka, "s_rmac", NULL), 16);
    CHECK_MEM(k.s_dek, check_jhex(x.ka, "s_dek", NULL), 16);

    /* Receipt input: command data || the response's 5F49 TLV (the key agreement data). */
    size_t kad_len;
    uint8_t *kad = check_jhex(x.ka, "key_agreement_data", &kad_len);
    REQUIRE(kad_len == x.data_len + 68);
    CHECK_MEM(kad, x.data, x.data_len);
    CHECK_MEM(kad + x.data_len, x.resp, 68);
    uint8_t receipt[16];
    CHECK_EQ(scp11_receipt(&k, x.data, x.data_len, x.resp, 68, receipt), SEAM_OK);
    CHECK_MEM(receipt, check_jhex(x.ka, "receipt", NULL), 16);
    CHECK_MEM(receipt, check_jhex(x.sm, "initial_mac_chaining_value", NULL), 16);
    scp11_keys_clear(&k);
    check_free_all();
}

/* ShSee and ShSes computed from each side as the vector's "computed_as" notes say. */
static void check_ecdh(const variant_desc *d)
{
    vec x;
    vec_load(&x, d);
    uint8_t *see = check_jhex(x.ka, "sh_see", NULL), *ses = check_jhex(x.ka, "sh_ses", NULL);
    uint8_t out[32];
    bool b = d->variant == SCP11_VARIANT_B, c = d->variant == SCP11_VARIANT_C;
    if (c) { /* the card's "ephemeral" key is its static one */
        CHECK_MEM(x.esk_sd, x.sk_sd, 32);
        CHECK_MEM(x.epk_sd, x.pk_sd, 65);
    }
    CHECK_EQ(cr_p256_ecdh(x.esk_oce, x.epk_sd, 65, out), SEAM_OK); /* off card */
    CHECK_MEM(out, see, 32);
    CHECK_EQ(cr_p256_ecdh(x.esk_sd, x.epk_oce, 65, out), SEAM_OK); /* card */
    CHECK_MEM(out, see, 32);
    CHECK_EQ(cr_p256_ecdh(b ? x.esk_oce : x.sk_oce, x.pk_sd, 65, out), SEAM_OK);
    CHECK_MEM(out, ses, 32);
    CHECK_EQ(cr_p256_ecdh(x.sk_sd, b ? x.epk_oce : x.pk_oce, 65, out), SEAM_OK);
    CHECK_MEM(out, ses, 32);
    check_free_all();
}

/* The first command and response after the handshake, from both sessions. */
static void check_secure_messaging(vec *x, scp03_session *host, scp03_session *card)
{
    size_t plen, wlen, rplen, rwlen;
    uint8_t *plain = check_jhex(x->sm, "command_plain", &plen);
    uint8_t *wrapped = check_jhex(x->sm, "command_wrapped_level_33", &wlen);
    uint8_t *rplain = check_jhex(x->sm, "response_plain", &rplen);
    uint8_t *rwrapped = check_jhex(x->sm, "response_wrapped_level_33", &rwlen);
    apdu_cmd cmd, wcmd;
    uint8_t out[512], data[512];
    size_t n;
    REQUIRE(apdu_parse(plain, plen, &cmd) == SEAM_OK);
    CHECK_EQ(scp03_wrap_command(host, &cmd, false, out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(n, wlen);
    CHECK_MEM(out, wrapped, wlen);
    CHECK_EQ(host->counter, json_integer_value(check_jobj(x->sm, "encryption_counter")));
    CHECK_MEM(host->mac_chain, check_jhex(x->sm, "mac_chaining_value_after_command", NULL), 16);

    REQUIRE(apdu_parse(wrapped, wlen, &wcmd) == SEAM_OK);
    CHECK_EQ(scp03_unwrap_command(card, &wcmd, data, sizeof data, &n), SEAM_OK);
    CHECK_EQ(n, cmd.lc);
    CHECK_MEM(data, cmd.data, cmd.lc);
    CHECK_MEM(card->mac_chain, host->mac_chain, 16);

    CHECK_EQ(scp03_wrap_response(card, rplain, rplen - 2, seam_be16(rplain + rplen - 2), out,
                                 sizeof out, &n),
             SEAM_OK);
    CHECK_EQ(n, rwlen);
    CHECK_MEM(out, rwrapped, rwlen);
    CHECK_EQ(scp03_unwrap_response(host, rwrapped, rwlen, out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(n, rplen);
    CHECK_MEM(out, rplain, rplen);
}

/* Host builds the vector's command; card answers with the vector's response; both sessions
 * wrap and unwrap the vector's first command and response. */
static void check_handshake(const variant_desc *d)
{
    vec x;
    vec_load(&x, d);
    bool b = d->variant == SCP11_VARIANT_B, c = d->variant == SCP11_VARIANT_C;
    scp11_host h;
    scp03_session host = {0}, card = {0};
    uint8_t apdu[SCP11_CMD_APDU_LEN], resp[SCP11_RESP_DATA_LEN], dek_h[32], dek_c[32];
    size_t n, alen;
    uint8_t *want_apdu = check_jhex(x.cmd, "apdu", &alen);
    uint8_t *s_dek = check_jhex(x.ka, "s_dek", NULL);

    REQUIRE(scp11_host_begin(&h, &x.p, x.esk_oce) == SEAM_OK);
    CHECK_MEM(h.epk_oce, x.epk_oce, 65);
    CHECK_EQ(scp11_host_command(&h, 0, x.kvn, x.kid, apdu, sizeof apdu, &n), SEAM_OK);
    CHECK_EQ(n, alen);
    CHECK_MEM(apdu, want_apdu, alen);
    CHECK_EQ(apdu[1], jbyte(x.cmd, "ins"));

    /* The card gets the command as parsed from the wire. */
    apdu_cmd cmd;
    REQUIRE(apdu_parse(apdu, n, &cmd) == SEAM_OK);
    scp11_params got;
    CHECK_EQ(scp11_card_authenticate(d->variant, cmd.data, cmd.lc, x.sk_sd, b ? NULL : x.pk_oce,
                                     c ? NULL : x.esk_sd, resp, sizeof resp, &n, &card, dek_c,
                                     &got),
             SEAM_OK);
    CHECK_EQ(n + 2, x.resp_len);
    CHECK_MEM(resp, x.resp, x.resp_len - 2);
    CHECK_EQ(seam_be16(x.resp + x.resp_len - 2), 0x9000);
    CHECK_MEM(dek_c, s_dek, 16);
    CHECK_EQ(got.key_len, 16);
    CHECK(card.authenticated);
    CHECK_EQ(card.level, 0x33);

    CHECK_EQ(
        scp11_host_finish(&h, x.pk_sd, b ? NULL : x.sk_oce, x.resp, x.resp_len - 2, &host, dek_h),
        SEAM_OK);
    CHECK_MEM(dek_h, s_dek, 16);
    CHECK(host.authenticated);
    CHECK_EQ(host.level, jbyte(x.sm, "security_level"));
    CHECK_MEM(host.mac_chain, check_jhex(x.ka, "receipt", NULL), 16);
    check_secure_messaging(&x, &host, &card);

    scp03_session_clear(&host);
    scp03_session_clear(&card);
    scp11_host_clear(&h);
    check_free_all();
}

static void test_kdf_scp11b(void)
{
    check_kdf(&variants[0]);
}
static void test_kdf_scp11a(void)
{
    check_kdf(&variants[1]);
}
static void test_kdf_scp11c(void)
{
    check_kdf(&variants[2]);
}
static void test_ecdh_scp11b(void)
{
    check_ecdh(&variants[0]);
}
static void test_ecdh_scp11a(void)
{
    check_ecdh(&variants[1]);
}
static void test_ecdh_scp11c(void)
{
    check_ecdh(&variants[2]);
}
static void test_handshake_scp11b(void)
{
    check_handshake(&variants[0]);
}
static void test_handshake_scp11a(void)
{
    check_handshake(&variants[1]);
}
static void test_handshake_scp11c(void)
{
    check_handshake(&variants[2]);
}

/* SCP11c off-line: the host computes the card's response and the session alone, and the
 * script's first command is the vector's; a card later accepts it. */
static void test_scp11c_offline(void)
{
    vec x;
    vec_load(&x, &variants[2]);
    scp11_host h;
    scp03_session host = {0}, card = {0};
    uint8_t resp[SCP11_RESP_DATA_LEN], dek[32], cdek[32];
    size_t n;
    REQUIRE(scp11_host_begin(&h, &x.p, x.esk_oce) == SEAM_OK);
    CHECK_EQ(scp11_host_offline(&h, x.pk_sd, x.sk_oce, &host, dek, resp, sizeof resp, &n), SEAM_OK);
    CHECK_EQ(n + 2, x.resp_len);
    CHECK_MEM(resp, x.resp, n);
    CHECK_MEM(dek, check_jhex(x.ka, "s_dek", NULL), 16);
    CHECK_EQ(scp11_card_authenticate(SCP11_VARIANT_C, h.cmd_data, sizeof h.cmd_data, x.sk_sd,
                                     x.pk_oce, NULL, resp, sizeof resp, &n, &card, cdek, NULL),
             SEAM_OK);
    check_secure_messaging(&x, &host, &card);
    /* Only SCP11c can be computed off-line. */
    scp11_params pb = x.p;
    pb.variant = SCP11_VARIANT_A;
    REQUIRE(scp11_host_begin(&h, &pb, x.esk_oce) == SEAM_OK);
    CHECK_EQ(scp11_host_offline(&h, x.pk_sd, x.sk_oce, &host, NULL, NULL, 0, NULL), SEAM_E_STATE);
    CHECK(!host.authenticated);
    scp03_session_clear(&host);
    scp03_session_clear(&card);
    scp11_host_clear(&h);
    check_free_all();
}

/* scp03_session_from_keys with the SCP11b vector's keys gives the vector's wrapped command. */
static void test_session_from_keys(void)
{
    vec x;
    vec_load(&x, &variants[0]);
    uint8_t *enc = check_jhex(x.ka, "s_enc", NULL), *mac = check_jhex(x.ka, "s_mac", NULL);
    uint8_t *rmac = check_jhex(x.ka, "s_rmac", NULL), *rc = check_jhex(x.ka, "receipt", NULL);
    scp03_session host = {0}, card = {0};
    uint8_t i = SCP03_I_RMAC | SCP03_I_RENC;
    CHECK_EQ(scp03_session_from_keys(&host, enc, mac, rmac, 16, rc, 0x33, i), SEAM_OK);
    CHECK_EQ(scp03_session_from_keys(&card, enc, mac, rmac, 16, rc, 0x33, i), SEAM_OK);
    CHECK(host.authenticated);
    CHECK_EQ(host.counter, 0);
    CHECK_EQ(host.ch_len, 8);
    check_secure_messaging(&x, &host, &card);

    /* Every variant's first command in yubikit's wire form (no Le) on a fresh card session. */
    for (size_t vi = 0; vi < SEAM_ARRAY_LEN(variants); vi++) {
        vec y;
        vec_load(&y, &variants[vi]);
        size_t wlen, plen, n;
        uint8_t *w = check_jhex(y.sm, "command_wrapped_as_sent_by_yubikit", &wlen);
        uint8_t *plain = check_jhex(y.sm, "command_plain", &plen);
        apdu_cmd wc, pc;
        uint8_t data[64];
        REQUIRE(apdu_parse(w, wlen, &wc) == SEAM_OK);
        REQUIRE(apdu_parse(plain, plen, &pc) == SEAM_OK);
        CHECK_EQ(scp03_session_from_keys(&card, check_jhex(y.ka, "s_enc", NULL),
                                         check_jhex(y.ka, "s_mac", NULL),
                                         check_jhex(y.ka, "s_rmac", NULL), 16,
                                         check_jhex(y.ka, "receipt", NULL), 0x33, i),
                 SEAM_OK);
        CHECK_EQ(scp03_unwrap_command(&card, &wc, data, sizeof data, &n), SEAM_OK);
        CHECK_EQ(n, pc.lc);
        CHECK_MEM(data, pc.data, pc.lc);
        CHECK_MEM(card.mac_chain, check_jhex(y.sm, "mac_chaining_value_after_command", NULL), 16);
    }

    /* Level rules as EXTERNAL AUTHENTICATE's; the session is left cleared. */
    CHECK_EQ(scp03_session_from_keys(&host, enc, mac, rmac, 16, rc, 0x02, i), SEAM_E_FORMAT);
    CHECK(!host.authenticated);
    CHECK_EQ(scp03_session_from_keys(&host, enc, mac, rmac, 16, rc, 0x33, 0), SEAM_E_UNSUPPORTED);
    CHECK_EQ(scp03_session_from_keys(&host, enc, mac, rmac, 15, rc, 0x33, i), SEAM_E_ARG);
    CHECK_EQ(scp03_session_from_keys(&host, enc, mac, NULL, 16, rc, 0x33, i), SEAM_E_ARG);
    CHECK_EQ(scp03_session_from_keys(NULL, enc, mac, rmac, 16, rc, 0x33, i), SEAM_E_ARG);
    CHECK(!host.authenticated);
    /* S16: 16-byte MACs. */
    CHECK_EQ(scp03_session_from_keys(&host, enc, mac, rmac, 16, rc, 0x01, SCP03_I_S16), SEAM_OK);
    CHECK_EQ(host.ch_len, 16);
    scp03_session_clear(&host);
    scp03_session_clear(&card);
    check_free_all();
}

/* ---- negative tests ---- */

/* Command data with chosen fields (for hostile variations). */
static size_t build_data(uint8_t *out, size_t cap, uint8_t scp_id, uint8_t variant, uint8_t usage,
                         uint8_t type, uint8_t len, const uint8_t *epk, size_t epk_len)
{
    seam_wr w;
    seam_wr_init(&w, out, cap);
    size_t mark = tlv_begin(&w, SCP11_TAG_CRT);
    const uint8_t id[2] = {scp_id, variant};
    tlv_put(&w, SCP11_TAG_SCP_ID, id, 2);
    tlv_put_u8(&w, SCP11_TAG_KEY_USAGE, usage);
    tlv_put_u8(&w, SCP11_TAG_KEY_TYPE, type);
    tlv_put_u8(&w, SCP11_TAG_KEY_LENGTH, len);
    tlv_end(&w, mark);
    tlv_put(&w, SCP11_TAG_EPK, epk, epk_len);
    if (w.err != SEAM_OK) abort();
    return w.len;
}

static seam_err card_b(const vec *x, const uint8_t *data, size_t len)
{
    scp03_session s = {0};
    uint8_t resp[SCP11_RESP_DATA_LEN], dek[32];
    size_t n = 99;
    seam_err e = scp11_card_authenticate(SCP11_VARIANT_B, data, len, x->sk_sd, NULL, x->esk_sd,
                                         resp, sizeof resp, &n, &s, dek, NULL);
    if (e != SEAM_OK) {
        CHECK_EQ(n, 0);
        CHECK(!s.authenticated);
    }
    scp03_session_clear(&s);
    return e;
}

/* Hostile command data on the card: each refused with its error, nothing answered. */
static void test_card_hostile_data(void)
{
    vec x;
    vec_load(&x, &variants[0]);
    uint8_t d[256];
    size_t n;
    CHECK_EQ(card_b(&x, x.data, x.data_len), SEAM_OK);

    /* Every truncation, and one byte too many. */
    for (size_t cut = 0; cut < x.data_len; cut++)
        CHECK_EQ(card_b(&x, x.data, cut), SEAM_E_FORMAT);
    memcpy(d, x.data, x.data_len);
    d[x.data_len] = 0x00;
    CHECK_EQ(card_b(&x, d, x.data_len + 1), SEAM_E_FORMAT);
    /* A6 claiming one byte more or less than it holds. */
    memcpy(d, x.data, x.data_len);
    d[1]++;
    CHECK_EQ(card_b(&x, d, x.data_len), SEAM_E_FORMAT);
    d[1] -= 2;
    CHECK_EQ(card_b(&x, d, x.data_len), SEAM_E_FORMAT);
    /* Overlong length encoding of 5F49 ('81' 41). */
    n = 0;
    memcpy(d, x.data, 15);
    memcpy(d + 15, "\x5f\x49\x81\x41", 4);
    memcpy(d + 19, x.epk_oce, 65);
    CHECK_EQ(card_b(&x, d, 84), SEAM_E_FORMAT);
    /* 5F49 first, A6 second; A6 missing. */
    memcpy(d, x.data + 15, 68);
    memcpy(d + 68, x.data, 15);
    CHECK_EQ(card_b(&x, d, 83), SEAM_E_FORMAT);
    CHECK_EQ(card_b(&x, x.data + 15, 68), SEAM_E_FORMAT);

    /* Parameters: wrong key usage, key type, length, SCP identifier, variant. */
    const uint8_t u = SCP11_USAGE_CMAC_RMAC_ENC, t = SCP11_KEY_TYPE_AES;
    n = build_data(d, sizeof d, 0x11, 0x00, u, t, 0x10, x.epk_oce, 65);
    CHECK_EQ(n, x.data_len);
    CHECK_MEM(d, x.data, n);
    n = build_data(d, sizeof d, 0x11, 0x00, 0x3D, t, 0x10, x.epk_oce, 65);
    CHECK_EQ(card_b(&x, d, n), SEAM_E_UNSUPPORTED);
    n = build_data(d, sizeof d, 0x11, 0x00, 0x00, t, 0x10, x.epk_oce, 65);
    CHECK_EQ(card_b(&x, d, n), SEAM_E_UNSUPPORTED);
    n = build_data(d, sizeof d, 0x11, 0x00, u, 0x80, 0x10, x.epk_oce, 65); /* DES */
    CHECK_EQ(card_b(&x, d, n), SEAM_E_UNSUPPORTED);
    n = build_data(d, sizeof d, 0x11, 0x00, u, t, 0x11, x.epk_oce, 65);
    CHECK_EQ(card_b(&x, d, n), SEAM_E_UNSUPPORTED);
    n = build_data(d, sizeof d, 0x03, 0x00, u, t, 0x10, x.epk_oce, 65); /* SCP03 */
    CHECK_EQ(card_b(&x, d, n), SEAM_E_UNSUPPORTED);
    n = build_data(d, sizeof d, 0x11, 0x01, u, t, 0x10, x.epk_oce, 65); /* 11a to 11b's key */
    CHECK_EQ(card_b(&x, d, n), SEAM_E_UNSUPPORTED);

    /* ePK.OCE: off the curve, compressed, one byte short, the point at infinity. */
    uint8_t bad[65];
    memcpy(bad, x.epk_oce, 65);
    bad[64] ^= 0x01;
    n = build_data(d, sizeof d, 0x11, 0x00, u, t, 0x10, bad, 65);
    CHECK_EQ(card_b(&x, d, n), SEAM_E_FORMAT);
    bad[0] = (uint8_t)(0x02 | (x.epk_oce[64] & 1));
    memcpy(bad + 1, x.epk_oce + 1, 32);
    n = build_data(d, sizeof d, 0x11, 0x00, u, t, 0x10, bad, 33);
    CHECK_EQ(card_b(&x, d, n), SEAM_E_FORMAT);
    n = build_data(d, sizeof d, 0x11, 0x00, u, t, 0x10, x.epk_oce, 64);
    CHECK_EQ(card_b(&x, d, n), SEAM_E_FORMAT);
    n = build_data(d, sizeof d, 0x11, 0x00, u, t, 0x10, (const uint8_t *)"\x00", 1);
    CHECK_EQ(card_b(&x, d, n), SEAM_E_FORMAT);
    memset(bad, 0, sizeof bad);
    bad[0] = 0x04;
    n = build_data(d, sizeof d, 0x11, 0x00, u, t, 0x10, bad, 65);
    CHECK_EQ(card_b(&x, d, n), SEAM_E_FORMAT);

    /* Inside A6: unknown tag, duplicate tag, missing tag, host identifier, bad 90 length. */
    static const char *const crts[][2] = {
        {"a6109002110095013c8001888101108a0100", "format"},
        {"a6109002110095013c800188810110950134", "format"},
        {"a60a9002110095013c800188", "format"},
        {"a6139002110095013c800188810110840401020304", "unsupported"},
        {"a60e900311000095013c800188810110", "format"},
        {"a60c90011195013c800188810110", "format"},
        {"a60e9002110095023c3c800188810110", "format"},
        {"a6008000", "format"},
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(crts); i++) {
        size_t clen;
        uint8_t *crt = check_keep(check_hex(crts[i][0], &clen));
        memcpy(d, crt, clen);
        memcpy(d + clen, x.data + 15, 68);
        seam_err want = strcmp(crts[i][1], "format") == 0 ? SEAM_E_FORMAT : SEAM_E_UNSUPPORTED;
        seam_err got = card_b(&x, d, clen + 68);
        if (got != want) fprintf(stderr, "  crt case %zu\n", i);
        CHECK_EQ(got, want);
    }
    check_free_all();
}

/* Arguments that do not fit the variant are the caller's bug. */
static void test_card_arguments(void)
{
    vec x;
    vec_load(&x, &variants[0]);
    scp03_session s = {0};
    uint8_t resp[SCP11_RESP_DATA_LEN];
    size_t n;
    /* SCP11b takes no PK.OCE; SCP11a needs one; SCP11c takes no ephemeral key. */
    CHECK_EQ(scp11_card_authenticate(SCP11_VARIANT_B, x.data, x.data_len, x.sk_sd, x.pk_oce,
                                     x.esk_sd, resp, sizeof resp, &n, &s, NULL, NULL),
             SEAM_E_ARG);
    CHECK_EQ(scp11_card_authenticate(SCP11_VARIANT_A, x.data, x.data_len, x.sk_sd, NULL, x.esk_sd,
                                     resp, sizeof resp, &n, &s, NULL, NULL),
             SEAM_E_ARG);
    CHECK_EQ(scp11_card_authenticate(SCP11_VARIANT_C, x.data, x.data_len, x.sk_sd, x.pk_oce,
                                     x.esk_sd, resp, sizeof resp, &n, &s, NULL, NULL),
             SEAM_E_ARG);
    CHECK_EQ(scp11_card_authenticate(SCP11_VARIANT_B, x.data, x.data_len, x.sk_sd, NULL, x.esk_sd,
                                     resp, sizeof resp - 1, &n, &s, NULL, NULL),
             SEAM_E_LENGTH);
    /* A zero ephemeral scalar is refused before anything is answered. */
    uint8_t zero[32] = {0};
    CHECK_EQ(scp11_card_authenticate(SCP11_VARIANT_B, x.data, x.data_len, x.sk_sd, NULL, zero, resp,
                                     sizeof resp, &n, &s, NULL, NULL),
             SEAM_E_ARG);
    CHECK_EQ(n, 0);
    CHECK(!s.authenticated);
    check_free_all();
}

static seam_err host_b(const vec *x, const uint8_t *resp, size_t len)
{
    scp11_host h;
    scp03_session s = {0};
    uint8_t dek[32];
    memset(dek, 0xAA, sizeof dek);
    if (scp11_host_begin(&h, &x->p, x->esk_oce) != SEAM_OK) abort();
    seam_err e = scp11_host_finish(&h, x->pk_sd, NULL, resp, len, &s, dek);
    if (e != SEAM_OK) CHECK(!s.authenticated);
    if (e == SEAM_E_AUTH) { /* S-DEK was wiped */
        static const uint8_t zero[16];
        CHECK_MEM(dek, zero, 16);
    }
    scp03_session_clear(&s);
    scp11_host_clear(&h);
    return e;
}

/* Hostile or wrong responses on the host: the receipt must verify. */
static void test_host_hostile_response(void)
{
    vec x;
    vec_load(&x, &variants[0]);
    size_t len = x.resp_len - 2;
    uint8_t r[256];
    CHECK_EQ(host_b(&x, x.resp, len), SEAM_OK);

    /* Every bit of the receipt matters. */
    for (size_t bit = 0; bit < 128; bit++) {
        memcpy(r, x.resp, len);
        r[70 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CHECK_EQ(host_b(&x, r, len), SEAM_E_AUTH);
    }
    /* Another valid point as ePK.SD (the OCE's own ePK): the receipt does not match. */
    memcpy(r, x.resp, len);
    memcpy(r + 3, x.epk_oce, 65);
    CHECK_EQ(host_b(&x, r, len), SEAM_E_AUTH);
    /* ePK.SD off the curve. */
    memcpy(r, x.resp, len);
    r[67] ^= 0x01;
    CHECK_EQ(host_b(&x, r, len), SEAM_E_FORMAT);
    /* Truncations, an extra byte, an extra TLV, a short receipt, TLVs swapped. */
    for (size_t cut = 0; cut < len; cut++)
        CHECK_EQ(host_b(&x, x.resp, cut), SEAM_E_FORMAT);
    memcpy(r, x.resp, len);
    r[len] = 0x00;
    CHECK_EQ(host_b(&x, r, len + 1), SEAM_E_FORMAT);
    memcpy(r + len, "\x86\x01\x00", 3);
    CHECK_EQ(host_b(&x, r, len + 3), SEAM_E_FORMAT);
    memcpy(r, x.resp, 68);
    memcpy(r + 68, "\x86\x08", 2);
    memcpy(r + 70, x.resp + 70, 8);
    CHECK_EQ(host_b(&x, r, 78), SEAM_E_FORMAT);
    memcpy(r, x.resp + 68, 18);
    memcpy(r + 18, x.resp, 68);
    CHECK_EQ(host_b(&x, r, len), SEAM_E_FORMAT);
    /* The response with its status word still attached is not response data. */
    CHECK_EQ(host_b(&x, x.resp, x.resp_len), SEAM_E_FORMAT);

    /* The host's variant decides whether SK.OCE is needed. */
    scp11_host h;
    scp03_session s = {0};
    REQUIRE(scp11_host_begin(&h, &x.p, x.esk_oce) == SEAM_OK);
    CHECK_EQ(scp11_host_finish(&h, x.pk_sd, x.sk_oce, x.resp, len, &s, NULL), SEAM_E_ARG);
    /* A wrong PK.SD (an impostor card): the receipt does not match. */
    CHECK_EQ(scp11_host_finish(&h, x.pk_oce, NULL, x.resp, len, &s, NULL), SEAM_E_AUTH);
    CHECK(!s.authenticated);
    scp11_host_clear(&h);
    check_free_all();
}

/* The host refuses parameters it cannot use, and the KDF its bad arguments. */
static void test_host_parameters(void)
{
    vec x;
    vec_load(&x, &variants[0]);
    scp11_host h;
    scp11_params p = x.p;
    uint8_t lv = 0, out[SCP11_CMD_APDU_LEN];
    size_t n;
    CHECK_EQ(scp11_params_check(&p, &lv), SEAM_OK);
    CHECK_EQ(lv, 0x33);
    p.key_usage = SCP11_USAGE_CMAC_RMAC;
    CHECK_EQ(scp11_params_check(&p, &lv), SEAM_OK);
    CHECK_EQ(lv, 0x11);
    p.key_usage = 0x3E;
    CHECK_EQ(scp11_host_begin(&h, &p, x.esk_oce), SEAM_E_UNSUPPORTED);
    p = x.p;
    p.variant = 0x02;
    CHECK_EQ(scp11_host_begin(&h, &p, x.esk_oce), SEAM_E_UNSUPPORTED);
    p = x.p;
    uint8_t zero[32] = {0};
    CHECK_EQ(scp11_host_begin(&h, &p, zero), SEAM_E_ARG);
    CHECK_EQ(scp11_host_command(&h, 0, 1, 0x13, out, sizeof out, &n), SEAM_E_STATE);
    REQUIRE(scp11_host_begin(&h, &p, x.esk_oce) == SEAM_OK);
    CHECK_EQ(scp11_host_command(&h, 0, 1, 0x13, out, sizeof out - 1, &n), SEAM_E_LENGTH);
    CHECK_EQ(scp11_host_command(&h, 0x10, 1, 0x13, out, sizeof out, &n), SEAM_E_ARG);
    CHECK_EQ(scp11_host_command(&h, 0x01, 1, 0x13, out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(out[0], 0x81);
    scp11_host_clear(&h);

    CHECK_EQ(scp11_x963_kdf(NULL, 0, NULL, 0, out, 16), SEAM_E_ARG);
    CHECK_EQ(scp11_x963_kdf(zero, 32, NULL, 0, out, 0), SEAM_E_ARG);
    check_free_all();
}

/* ---- round trips ---- */

/* Random keys, every variant, usage and key length: host and card agree, and a command and
 * response pass through at the session's level. */
static void test_round_trips(void)
{
    static const uint8_t usages[] = {SCP11_USAGE_CMAC, SCP11_USAGE_CMAC_CDEC, SCP11_USAGE_CMAC_RMAC,
                                     SCP11_USAGE_CMAC_RMAC_ENC};
    static const uint8_t lens[] = {16, 24, 32};
    for (size_t vi = 0; vi < SEAM_ARRAY_LEN(variants); vi++)
        for (size_t ui = 0; ui < SEAM_ARRAY_LEN(usages); ui++)
            for (size_t li = 0; li < SEAM_ARRAY_LEN(lens); li++) {
                uint8_t v = variants[vi].variant;
                scp11_params p = {v, usages[ui], SCP11_KEY_TYPE_AES, lens[li]};
                uint8_t sk_sd[32], pk_sd[65], sk_oce[32], pk_oce[65], esk_oce[32], esk_sd[32];
                uint8_t epk[65];
                REQUIRE(cr_p256_keygen(sk_sd, pk_sd) == SEAM_OK);
                REQUIRE(cr_p256_keygen(sk_oce, pk_oce) == SEAM_OK);
                REQUIRE(cr_p256_keygen(esk_oce, epk) == SEAM_OK);
                REQUIRE(cr_p256_keygen(esk_sd, epk) == SEAM_OK);
                bool b = v == SCP11_VARIANT_B, c = v == SCP11_VARIANT_C;
                scp11_host h;
                scp03_session host = {0}, card = {0};
                uint8_t apdu[SCP11_CMD_APDU_LEN], resp[SCP11_RESP_DATA_LEN], dh[32], dc[32];
                size_t n, rn;
                apdu_cmd cmd;
                REQUIRE(scp11_host_begin(&h, &p, esk_oce) == SEAM_OK);
                REQUIRE(scp11_host_command(&h, 0, 1, 0x11, apdu, sizeof apdu, &n) == SEAM_OK);
                REQUIRE(apdu_parse(apdu, n, &cmd) == SEAM_OK);
                CHECK_EQ(scp11_card_authenticate(v, cmd.data, cmd.lc, sk_sd, b ? NULL : pk_oce,
                                                 c ? NULL : esk_sd, resp, sizeof resp, &rn, &card,
                                                 dc, NULL),
                         SEAM_OK);
                CHECK_EQ(scp11_host_finish(&h, pk_sd, b ? NULL : sk_oce, resp, rn, &host, dh),
                         SEAM_OK);
                CHECK_MEM(dh, dc, lens[li]);
                CHECK_EQ(host.level, card.level);
                if (c) { /* off-line gives the same session and response */
                    scp03_session off = {0};
                    uint8_t r2[SCP11_RESP_DATA_LEN];
                    size_t n2;
                    CHECK_EQ(scp11_host_offline(&h, pk_sd, sk_oce, &off, NULL, r2, sizeof r2, &n2),
                             SEAM_OK);
                    CHECK_MEM(r2, resp, SCP11_RESP_DATA_LEN);
                    scp03_session_clear(&off);
                }
                /* One command and one response through the session. */
                static const uint8_t body[] = "a command body of some length";
                apdu_cmd plain = {.cla = 0x80,
                                  .ins = 0xE2,
                                  .p1 = 0x90,
                                  .p2 = 0x00,
                                  .data = body,
                                  .lc = sizeof body,
                                  .has_le = false};
                uint8_t w[512], out[512];
                size_t wn, on;
                apdu_cmd wc;
                CHECK_EQ(scp03_wrap_command(&host, &plain, false, w, sizeof w, &wn), SEAM_OK);
                REQUIRE(apdu_parse(w, wn, &wc) == SEAM_OK);
                CHECK_EQ(scp03_unwrap_command(&card, &wc, out, sizeof out, &on), SEAM_OK);
                CHECK_EQ(on, sizeof body);
                CHECK_MEM(out, body, sizeof body);
                CHECK_EQ(scp03_wrap_response(&card, body, 10, 0x9000, w, sizeof w, &wn), SEAM_OK);
                CHECK_EQ(scp03_unwrap_response(&host, w, wn, out, sizeof out, &on), SEAM_OK);
                CHECK_EQ(on, 12);
                CHECK_MEM(out, body, 10);
                scp03_session_clear(&host);
                scp03_session_clear(&card);
                scp11_host_clear(&h);
                seam_wipe(sk_sd, sizeof sk_sd);
                seam_wipe(sk_oce, sizeof sk_oce);
                seam_wipe(esk_oce, sizeof esk_oce);
                seam_wipe(esk_sd, sizeof esk_sd);
            }
}

int main(void)
{
    json_error_t jerr;
    vectors = json_load_file(check_shared_path("vectors/scp11.json"), 0, &jerr);
    if (!vectors) {
        fprintf(stderr, "cannot read %s: %s\n", check_shared_path("vectors/scp11.json"), jerr.text);
        return 1;
    }
    RUN(test_kdf_scp11b);
    RUN(test_kdf_scp11a);
    RUN(test_kdf_scp11c);
    RUN(test_ecdh_scp11b);
    RUN(test_ecdh_scp11a);
    RUN(test_ecdh_scp11c);
    RUN(test_handshake_scp11b);
    RUN(test_handshake_scp11a);
    RUN(test_handshake_scp11c);
    RUN(test_scp11c_offline);
    RUN(test_session_from_keys);
    RUN(test_card_hostile_data);
    RUN(test_card_arguments);
    RUN(test_host_hostile_response);
    RUN(test_host_parameters);
    RUN(test_round_trips);
    json_decref(vectors);
    return check_summary();
}
