/*
 * Tests of the host GP client (src/host/gp*.c):
 *  - whole SCP03 sessions against a scripted card that answers with the published bytes of
 *    /work/shared/vectors/scp03.json (sections scp03_aes192_s8, scp03_aes256_s8,
 *    scp03_aes128_s16, scp03_aes256_s16, scp03_encryption_counter, scp03_put_key; sources named
 *    in the file: tools/gp_scp_ref.py cross-checked with yubikit and OpenSCP-Java): the client
 *    must put exactly the vector's APDUs on the wire and recover the plain responses;
 *  - the parsers (INITIALIZE UPDATE response, GET STATUS entries, CPLC, card recognition data,
 *    key information) against fixed byte strings, malformed ones included;
 *  - round trips against the in-process SE (se.h): every security level x AES-128/192/256 key
 *    sets x S8 (and S16 if the card offers it), GET STATUS, PUT KEY add/replace, DELETE KEY,
 *    wrong keys.
 */
#include <jansson.h>

#include "check.h"
#include "seam/gpclient.h"
#include "seam/se.h"
#include "seam/sw.h"

/* ---- vectors ---- */
static json_t *vectors;

static json_t *section(const char *name)
{
    if (!vectors) {
        json_error_t err;
        vectors = json_load_file(check_shared_path("vectors/scp03.json"), 0, &err);
        if (!vectors) {
            fprintf(stderr, "cannot load scp03.json: %s\n", err.text);
            abort();
        }
    }
    return json_object_get(vectors, name);
}

static const char *vstr(json_t *v, const char *key)
{
    const char *s = json_string_value(json_object_get(v, key));
    if (!s) {
        fprintf(stderr, "vector field %s missing\n", key);
        abort();
    }
    return s;
}

static size_t vhex(json_t *v, const char *key, uint8_t *out, size_t cap)
{
    size_t n = 0;
    if (seam_hex_decode(vstr(v, key), out, cap, &n) != SEAM_OK) abort();
    return n;
}

/* ---- a scripted card: answers in order, records what it was sent ---- */
#define MOCK_MAX 8
typedef struct {
    uint8_t resp[MOCK_MAX][600];
    size_t resp_len[MOCK_MAX];
    size_t n_resp;
    uint8_t cmd[MOCK_MAX][600];
    size_t cmd_len[MOCK_MAX];
    size_t n_cmd;
} mock;

static seam_err mock_transmit(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                              size_t *resp_len)
{
    mock *m = ctx;
    if (m->n_cmd < MOCK_MAX && len <= sizeof m->cmd[0]) {
        memcpy(m->cmd[m->n_cmd], cmd, len);
        m->cmd_len[m->n_cmd] = len;
    }
    size_t i = m->n_cmd++;
    if (i >= m->n_resp) {
        if (cap < 2) return SEAM_E_LENGTH;
        seam_put_be16(resp, SW_UNKNOWN);
        *resp_len = 2;
        return SEAM_OK;
    }
    if (cap < m->resp_len[i]) return SEAM_E_LENGTH;
    memcpy(resp, m->resp[i], m->resp_len[i]);
    *resp_len = m->resp_len[i];
    return SEAM_OK;
}

static seam_err mock_reset(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len)
{
    (void)ctx;
    static const uint8_t a[] = {0x3B, 0x80, 0x80, 0x01, 0x01};
    if (cap < sizeof a) return SEAM_E_LENGTH;
    memcpy(atr, a, sizeof a);
    *atr_len = sizeof a;
    return SEAM_OK;
}

static void mock_add(mock *m, const char *hex)
{
    if (seam_hex_decode(hex, m->resp[m->n_resp], sizeof m->resp[0], &m->resp_len[m->n_resp]) !=
        SEAM_OK)
        abort();
    m->n_resp++;
}

static seam_card *mock_card(mock *m)
{
    seam_card_fns fns = {mock_transmit, mock_reset, m};
    seam_card *c = NULL;
    if (card_open_fns(&c, &fns) != SEAM_OK) abort();
    return c;
}

static void vector_keys(json_t *v, gp_keys *k)
{
    uint8_t enc[32], mac[32], dek[32], kvn = 0;
    size_t n = vhex(v, "static_key_enc", enc, sizeof enc);
    vhex(v, "static_key_mac", mac, sizeof mac);
    vhex(v, "static_key_dek", dek, sizeof dek);
    if (json_object_get(v, "key_version_number")) vhex(v, "key_version_number", &kvn, 1);
    if (gp_keys_set(k, enc, mac, dek, n, kvn) != SEAM_OK) abort();
}

/* Opens a session against the scripted card with the vector's challenges; checks the wire. */
static bool vector_open(json_t *v, mock *m, gp_client *cl, gp_session *s)
{
    gp_keys k;
    uint8_t hc[16], buf[600];
    vector_keys(v, &k);
    size_t hlen = vhex(v, "host_challenge", hc, sizeof hc);
    memset(m, 0, sizeof *m);
    mock_add(m, vstr(v, "initialize_update_response"));
    mock_add(m, "9000");
    memset(cl, 0, sizeof *cl);
    cl->card = mock_card(m);
    uint16_t sw = 0;
    seam_err e = gp_session_open(s, cl, &k, 0x33, hc, hlen, &sw);
    gp_keys_wipe(&k);
    CHECK_EQ(e, SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    if (e != SEAM_OK) return false;
    size_t n = vhex(v, "initialize_update_apdu", buf, sizeof buf);
    CHECK_EQ(m->cmd_len[0], n);
    CHECK_MEM(m->cmd[0], buf, n);
    n = vhex(v, "external_authenticate_apdu", buf, sizeof buf);
    CHECK_EQ(m->cmd_len[1], n);
    CHECK_MEM(m->cmd[1], buf, n);
    return true;
}

/* One wrapped command and response per vector, every section with a whole session. */
static void test_vector_sessions(void)
{
    static const char *const secs[] = {"scp03_aes192_s8", "scp03_aes256_s8", "scp03_aes128_s16",
                                       "scp03_aes256_s16"};
    for (size_t si = 0; si < SEAM_ARRAY_LEN(secs); si++) {
        json_t *arr = section(secs[si]);
        REQUIRE(arr);
        size_t idx;
        json_t *v;
        json_array_foreach(arr, idx, v)
        {
            mock m;
            gp_client cl;
            gp_session s;
            if (!vector_open(v, &m, &cl, &s)) {
                fprintf(stderr, "  vector %s failed to open\n", vstr(v, "name"));
                card_close(cl.card);
                continue;
            }
            uint8_t cmd[600], wire[600], rplain[600], data[600];
            size_t clen = vhex(v, "command_plain", cmd, sizeof cmd);
            size_t wlen = vhex(v, "command_wrapped_level_33", wire, sizeof wire);
            size_t rlen = vhex(v, "response_plain", rplain, sizeof rplain);
            mock_add(&m, vstr(v, "response_wrapped_level_33"));
            size_t dlen = 0;
            uint16_t sw = 0;
            CHECK_EQ(gp_send(&s, cmd, clen, data, sizeof data, &dlen, &sw), SEAM_OK);
            CHECK_EQ(m.cmd_len[2], wlen);
            CHECK_MEM(m.cmd[2], wire, wlen);
            CHECK_EQ(dlen + 2, rlen);
            CHECK_MEM(data, rplain, rlen - 2);
            CHECK_EQ(sw, seam_be16(rplain + rlen - 2));
            gp_session_close(&s);
            card_close(cl.card);
        }
    }
}

/* Two commands: the encryption counter advances for a command without data. */
static void test_vector_counter(void)
{
    json_t *v = json_array_get(section("scp03_encryption_counter"), 0);
    REQUIRE(v);
    mock m;
    gp_client cl;
    gp_session s;
    REQUIRE(vector_open(v, &m, &cl, &s));
    json_t *cmds = json_object_get(v, "commands");
    size_t idx;
    json_t *c;
    json_array_foreach(cmds, idx, c) mock_add(&m, vstr(c, "response_wrapped_level_33"));
    json_array_foreach(cmds, idx, c)
    {
        uint8_t cmd[600], wire[600], rplain[600], data[600];
        size_t clen = vhex(c, "command_plain", cmd, sizeof cmd);
        size_t wlen = vhex(c, "command_wrapped_level_33", wire, sizeof wire);
        size_t rlen = vhex(c, "response_plain", rplain, sizeof rplain);
        size_t dlen = 0;
        uint16_t sw = 0;
        CHECK_EQ(gp_send(&s, cmd, clen, data, sizeof data, &dlen, &sw), SEAM_OK);
        CHECK_EQ(m.cmd_len[2 + idx], wlen);
        CHECK_MEM(m.cmd[2 + idx], wire, wlen);
        CHECK_EQ(dlen + 2, rlen);
        CHECK_MEM(data, rplain, rlen - 2);
        if (idx == 0) {
            /* The first command is GET DATA 66: its answer is card recognition data. */
            gp_card_data d;
            CHECK_EQ(gp_parse_card_data(data, dlen, &d), SEAM_OK);
            CHECK(!strcmp(d.gp_version, "2.3.1"));
            CHECK_EQ(d.n_scp, 1);
            CHECK_EQ(d.scp[0].scp_id, 3);
            CHECK_EQ(d.scp[0].i_param, 0x60);
        } else {
            gp_status_entry e[2];
            size_t n = 0;
            CHECK_EQ(gp_parse_status(data, dlen, e, 2, &n), SEAM_OK);
            CHECK_EQ(n, 1);
            CHECK_EQ(e[0].lifecycle, GP_CARD_SECURED);
        }
    }
    gp_session_close(&s);
    card_close(cl.card);
}

/* PUT KEY: key data field, wrapped command and KCV check against the vector. */
static void test_vector_put_key(void)
{
    json_t *v = json_array_get(section("scp03_put_key"), 0);
    REQUIRE(v);
    uint8_t enc[16], mac[16], dek[16], kvn, buf[600], exp[600];
    vhex(v, "new_key_enc", enc, 16);
    vhex(v, "new_key_mac", mac, 16);
    vhex(v, "new_key_dek", dek, 16);
    vhex(v, "new_key_version_number", &kvn, 1);
    gp_keys nk, old;
    REQUIRE(gp_keys_set(&nk, enc, mac, dek, 16, kvn) == SEAM_OK);
    vector_keys(v, &old);
    size_t n = 0, en = vhex(v, "put_key_data_plain", exp, sizeof exp);
    CHECK_EQ(gp_put_key_data(&nk, old.dek, old.len, buf, sizeof buf, &n), SEAM_OK);
    CHECK_EQ(n, en);
    CHECK_MEM(buf, exp, en);
    CHECK_EQ(gp_put_key_data(&nk, old.dek, old.len, buf, 10, &n), SEAM_E_LENGTH);

    mock m;
    gp_client cl;
    gp_session s;
    REQUIRE(vector_open(v, &m, &cl, &s));
    mock_add(&m, vstr(v, "response_wrapped_level_33"));
    uint16_t sw = 0;
    CHECK_EQ(gp_put_key_aes(&s, &nk, 0, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    size_t wl = vhex(v, "command_wrapped_level_33", exp, sizeof exp);
    CHECK_EQ(m.cmd_len[2], wl);
    CHECK_MEM(m.cmd[2], exp, wl);
    gp_session_close(&s);
    card_close(cl.card);

    /* The same exchange, but the card claims other KCVs: the session sees a valid R-MAC over
     * the wrong values, which only the KCV check can catch. Simulated with other new keys. */
    REQUIRE(vector_open(v, &m, &cl, &s));
    mock_add(&m, vstr(v, "response_wrapped_level_33"));
    gp_keys other = nk;
    other.mac[0] ^= 1;
    CHECK_EQ(gp_put_key_aes(&s, &other, 0, &sw), SEAM_E_AUTH);
    gp_session_close(&s);
    card_close(cl.card);
    gp_keys_wipe(&nk);
    gp_keys_wipe(&old);
    gp_keys_wipe(&other);
}

/* A response in two parts (61xx): GET RESPONSE goes out plain, the whole is unwrapped once. */
static void test_vector_get_response(void)
{
    json_t *v = json_array_get(section("scp03_aes256_s16"), 0);
    REQUIRE(v);
    mock m;
    gp_client cl;
    gp_session s;
    REQUIRE(vector_open(v, &m, &cl, &s));
    uint8_t w[600], rplain[600], cmd[64], data[600];
    size_t wl = vhex(v, "response_wrapped_level_33", w, sizeof w) - 2; /* without 9000 */
    size_t rl = vhex(v, "response_plain", rplain, sizeof rplain);
    size_t first = 20, rest = wl - first;
    char hex[1300];
    seam_hex_encode(w, first, hex);
    snprintf(hex + 2 * first, sizeof hex - 2 * first, "61%02zx", rest);
    mock_add(&m, hex);
    seam_hex_encode(w + first, rest, hex);
    strcat(hex, "9000");
    mock_add(&m, hex);
    size_t clen = vhex(v, "command_plain", cmd, sizeof cmd), dlen = 0;
    uint16_t sw = 0;
    CHECK_EQ(gp_send(&s, cmd, clen, data, sizeof data, &dlen, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(dlen, rl - 2);
    CHECK_MEM(data, rplain, rl - 2);
    REQUIRE(m.n_cmd == 4);
    const uint8_t gr[5] = {0x00, 0xC0, 0x00, 0x00, (uint8_t)rest};
    CHECK_EQ(m.cmd_len[3], 5);
    CHECK_MEM(m.cmd[3], gr, 5);
    gp_session_close(&s);
    card_close(cl.card);
}

/* A tampered R-MAC is an error; a wrong key set fails at the card cryptogram. */
static void test_vector_negative(void)
{
    json_t *v = json_array_get(section("scp03_aes256_s16"), 0);
    REQUIRE(v);
    mock m;
    gp_client cl;
    gp_session s;
    REQUIRE(vector_open(v, &m, &cl, &s));
    mock_add(&m, vstr(v, "response_wrapped_level_33"));
    m.resp[2][3] ^= 0x01;
    uint8_t cmd[64], data[600];
    size_t clen = vhex(v, "command_plain", cmd, sizeof cmd), dlen;
    uint16_t sw;
    CHECK_EQ(gp_send(&s, cmd, clen, data, sizeof data, &dlen, &sw), SEAM_E_AUTH);
    gp_session_close(&s);
    card_close(cl.card);

    /* Wrong keys: the card cryptogram does not verify, EXTERNAL AUTHENTICATE is never sent. */
    gp_keys k;
    vector_keys(v, &k);
    k.mac[5] ^= 0x40; /* the card cryptogram is a function of S-MAC (Amendment D §6.2.2.2) */
    uint8_t hc[16];
    size_t hlen = vhex(v, "host_challenge", hc, sizeof hc);
    memset(&m, 0, sizeof m);
    mock_add(&m, vstr(v, "initialize_update_response"));
    mock_add(&m, "9000");
    cl.card = mock_card(&m);
    CHECK_EQ(gp_session_open(&s, &cl, &k, 0x33, hc, hlen, &sw), SEAM_E_AUTH);
    CHECK_EQ(m.n_cmd, 1);
    CHECK(!s.open);
    /* S8 challenge against an S16 card: refused as a protocol mismatch. */
    memset(&m, 0, sizeof m);
    mock_add(&m, vstr(v, "initialize_update_response"));
    card_close(cl.card);
    cl.card = mock_card(&m);
    vector_keys(v, &k);
    CHECK_EQ(gp_session_open(&s, &cl, &k, 0x33, hc, 8, &sw), SEAM_E_PROTOCOL);
    /* Card refuses INITIALIZE UPDATE. */
    memset(&m, 0, sizeof m);
    mock_add(&m, "6a88");
    card_close(cl.card);
    cl.card = mock_card(&m);
    CHECK_EQ(gp_session_open(&s, &cl, &k, 0x33, hc, 16, &sw), SEAM_E_PROTOCOL);
    CHECK_EQ(sw, SW_REFERENCED_DATA_NOT_FOUND);
    /* Bad arguments. */
    CHECK_EQ(gp_session_open(&s, &cl, &k, 0x07, hc, 16, &sw), SEAM_E_ARG);
    CHECK_EQ(gp_session_open(&s, &cl, &k, 0x33, hc, 12, &sw), SEAM_E_ARG);
    card_close(cl.card);
    gp_keys_wipe(&k);
}

/* GET STATUS continues with P2 '03' while the card answers 63 10 (GP CS 2.3.1 §11.4.3). */
static void test_get_status_more_data(void)
{
    mock m;
    memset(&m, 0, sizeof m);
    mock_add(&m, "e3134f08a0000001510000009f70010fc5039efe806310");
    mock_add(&m, "e30e4f05a0000000019f700107c501006310");
    mock_add(&m, "e30c4f06a000000002019f7001079000");
    gp_client cl = {.card = mock_card(&m)};
    gp_session s;
    gp_session_plain(&s, &cl);
    gp_status_entry e[4];
    size_t n = 0;
    uint16_t sw = 0;
    CHECK_EQ(gp_get_status(&s, GP_STATUS_APPS, e, 4, &n, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(n, 3);
    CHECK_EQ(m.n_cmd, 3);
    CHECK_EQ(m.cmd[0][3], 0x02);
    CHECK_EQ(m.cmd[1][3], 0x03);
    CHECK_EQ(m.cmd[2][3], 0x03);
    /* More entries than the caller's table: SEAM_E_FULL, not an overrun. */
    memset(&m, 0, sizeof m);
    mock_add(&m, "e3134f08a0000001510000009f70010fc5039efe806310");
    mock_add(&m, "e30e4f05a0000000019f700107c501009000");
    n = 0;
    CHECK_EQ(gp_get_status(&s, GP_STATUS_APPS, e, 1, &n, &sw), SEAM_E_FULL);
    /* Nothing found. */
    memset(&m, 0, sizeof m);
    mock_add(&m, "6a88");
    n = 0;
    CHECK_EQ(gp_get_status(&s, GP_STATUS_APPS, e, 4, &n, &sw), SEAM_OK);
    CHECK_EQ(n, 0);
    CHECK_EQ(sw, SW_REFERENCED_DATA_NOT_FOUND);
    /* A malformed answer. */
    memset(&m, 0, sizeof m);
    mock_add(&m, "e3134f08a00000015100009000");
    CHECK_EQ(gp_get_status(&s, GP_STATUS_APPS, e, 4, &n, &sw), SEAM_E_FORMAT);
    card_close(cl.card);
}

/* ---- parsers ---- */
static void test_parse_init_update(void)
{
    uint8_t b[64];
    size_t n;
    gp_init_update_resp r;
    seam_hex_decode("00000000000000000000300360a1a2a3a4a5a6a7a890731990a1d499a2", b, sizeof b, &n);
    CHECK_EQ(gp_parse_init_update(b, n, &r), SEAM_OK);
    CHECK_EQ(r.kvn, 0x30);
    CHECK_EQ(r.i_param, 0x60);
    CHECK_EQ(r.ch_len, 8);
    CHECK(!r.has_seq);
    CHECK_EQ(r.card_cryptogram[7], 0xA2);
    CHECK_EQ(gp_parse_init_update(b, n - 1, &r), SEAM_E_FORMAT); /* truncated */
    b[n] = 0;
    CHECK_EQ(gp_parse_init_update(b, n + 1, &r), SEAM_E_FORMAT); /* trailing byte */
    b[11] = 0x02;
    CHECK_EQ(gp_parse_init_update(b, n, &r), SEAM_E_UNSUPPORTED); /* SCP02 */
    b[11] = 0x03;
    b[12] = 0x70; /* pseudo-random: needs the 3-byte sequence counter */
    CHECK_EQ(gp_parse_init_update(b, n, &r), SEAM_E_FORMAT);
    b[n] = 0x00;
    b[n + 1] = 0x00;
    b[n + 2] = 0x2A;
    CHECK_EQ(gp_parse_init_update(b, n + 3, &r), SEAM_OK);
    CHECK(r.has_seq);
    CHECK_EQ(r.seq[2], 0x2A);
    b[12] = 0x61; /* S16 claimed, S8 lengths given */
    CHECK_EQ(gp_parse_init_update(b, n, &r), SEAM_E_FORMAT);
    CHECK_EQ(gp_parse_init_update(b, 0, &r), SEAM_E_FORMAT);
}

static void test_parse_status(void)
{
    gp_status_entry e[4];
    size_t cnt = 0, n;
    uint8_t b[256];
    /* The card's ISD entry (scp03.json) */
    seam_hex_decode("e3134f08a0000001510000009f70010fc5039efe80", b, sizeof b, &n);
    CHECK_EQ(gp_parse_status(b, n, e, 4, &cnt), SEAM_OK);
    REQUIRE(cnt == 1);
    CHECK_EQ(e[0].aid_len, 8);
    CHECK_EQ(e[0].lifecycle, 0x0F);
    CHECK_EQ(e[0].priv_len, 3);
    CHECK(!strcmp(gp_lifecycle_name(GP_STATUS_ISD, e[0].lifecycle), "SECURED"));
    char privs[512];
    gp_privileges_str(e[0].priv, e[0].priv_len, privs, sizeof privs);
    CHECK(strstr(privs, "SecurityDomain") == privs);
    CHECK(strstr(privs, "CardLock") && strstr(privs, "ReceiptGeneration"));
    CHECK(!strstr(privs, "DAPVerification"));
    /* Two entries, a load file with modules, unknown tags inside and between entries. */
    cnt = 0;
    seam_hex_decode("e31d4f07a00000006203019f700101ce020100840aa0000000620301020304"
                    "df2001ff"
                    "e3104f05a0000000019f700107c50100dd00",
                    b, sizeof b, &n);
    CHECK_EQ(gp_parse_status(b, n, e, 4, &cnt), SEAM_OK);
    REQUIRE(cnt == 2);
    CHECK_EQ(e[0].n_modules, 1);
    CHECK_EQ(e[0].version_len, 2);
    CHECK(!strcmp(gp_lifecycle_name(GP_STATUS_LOAD_FILES, e[0].lifecycle), "LOADED"));
    CHECK(!strcmp(gp_lifecycle_name(GP_STATUS_APPS, e[1].lifecycle), "SELECTABLE"));
    /* Too many for the caller's table. */
    cnt = 0;
    CHECK_EQ(gp_parse_status(b, n, e, 1, &cnt), SEAM_E_FULL);
    /* Malformed: truncated TLV, entry without AID, AID too long, value overrunning. */
    static const char *const bad[] = {
        "e3134f08a0000001510000009f70010fc5039efe",
        "e3039f700107",
        "e3134f11a0000001510000000000000000000000000000",
        "e3054f08a000000151",
        "e3",
        "e30a4f08a000000151000000e3",
        "e3064f04a0000001c504010203040506",
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(bad); i++) {
        cnt = 0;
        seam_hex_decode(bad[i], b, sizeof b, &n);
        CHECK_EQ(gp_parse_status(b, n, e, 4, &cnt), SEAM_E_FORMAT);
    }
    cnt = 0;
    CHECK_EQ(gp_parse_status(b, 0, e, 4, &cnt), SEAM_OK); /* empty: no entries */
    CHECK_EQ(cnt, 0);
}

static void test_parse_cplc(void)
{
    uint8_t b[64];
    size_t n;
    gp_cplc c;
    seam_hex_decode("9f7f2a"
                    "4790"
                    "5040"
                    "4791"
                    "5123"
                    "0300"
                    "5200"
                    "01020304"
                    "0506"
                    "4799"
                    "5201"
                    "4799"
                    "5202"
                    "0000"
                    "0000"
                    "00000000"
                    "0000"
                    "5203"
                    "0a0b0c0d",
                    b, sizeof b, &n);
    CHECK_EQ(gp_parse_cplc(b, n, &c), SEAM_OK);
    CHECK_EQ(c.ic_fabricator, 0x4790);
    CHECK_EQ(c.ic_serial, 0x01020304);
    CHECK_EQ(c.perso_date, 0x5203);
    CHECK_EQ(c.perso_equipment, 0x0A0B0C0D);
    CHECK_EQ(gp_parse_cplc(b + 3, n - 3, &c), SEAM_OK); /* bare 42 bytes */
    CHECK_EQ(gp_parse_cplc(b, n - 1, &c), SEAM_E_FORMAT);
    CHECK_EQ(gp_parse_cplc(b + 3, n - 4, &c), SEAM_E_FORMAT);
    b[2] = 0x2B;
    CHECK_EQ(gp_parse_cplc(b, n, &c), SEAM_E_FORMAT);
    FILE *f = tmpfile();
    REQUIRE(f);
    b[2] = 0x2A;
    gp_parse_cplc(b, n, &c);
    gp_print_cplc(f, &c);
    fclose(f);
}

static void test_parse_card_data(void)
{
    uint8_t b[256];
    size_t n;
    gp_card_data d;
    /* GP CS 2.3.1 §H.2 example shape, plus 65 and an unknown 6F template. */
    seam_hex_decode("664073"
                    "3e"
                    "06072a864886fc6b01"
                    "600c060a2a864886fc6b02020301"
                    "630906072a864886fc6b03"
                    "640b06092a864886fc6b040370"
                    "6503060101"
                    "6f03800100"
                    "640b06092a864886fc6b040255",
                    b, sizeof b, &n);
    b[1] = (uint8_t)(n - 2);
    b[3] = (uint8_t)(n - 4);
    CHECK_EQ(gp_parse_card_data(b, n, &d), SEAM_OK);
    CHECK(!strcmp(d.gp_version, "2.3.1"));
    CHECK(!strcmp(d.card_id_scheme, "1.2.840.114283.3"));
    CHECK_EQ(d.n_scp, 2);
    CHECK_EQ(d.scp[0].i_param, 0x70);
    CHECK_EQ(d.scp[1].scp_id, 2);
    CHECK(!strcmp(d.card_config, "0.1"));
    /* Without the GP marker OID. */
    seam_hex_decode("6610730e600c060a2a864886fc6b02020301", b, sizeof b, &n);
    CHECK_EQ(gp_parse_card_data(b, n, &d), SEAM_E_FORMAT);
    /* Truncated, no 73, a 60 without an OID, a non-GP version OID. */
    static const char *const bad[] = {
        "660b7309"
        "06072a864886fc6b",
        "66090607"
        "2a864886fc6b01",
        "660d730b06072a864886fc6b016000",
        "661a731806072a864886fc6b01600d060b2b0601040182370202030100",
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(bad); i++) {
        seam_hex_decode(bad[i], b, sizeof b, &n);
        CHECK_EQ(gp_parse_card_data(b, n, &d), SEAM_E_FORMAT);
    }
    char s[GP_OID_STR_MAX];
    static const uint8_t big[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D};
    CHECK_EQ(gp_oid_to_str(big, sizeof big, s, sizeof s), SEAM_OK);
    CHECK(!strcmp(s, "1.2.840.113549"));
    CHECK_EQ(gp_oid_to_str(big, 5, s, sizeof s), SEAM_E_FORMAT); /* unterminated */
    static const uint8_t lead[] = {0x2A, 0x80, 0x01};
    CHECK_EQ(gp_oid_to_str(lead, sizeof lead, s, sizeof s), SEAM_E_FORMAT);
    static const uint8_t huge[] = {0x2A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
    CHECK_EQ(gp_oid_to_str(huge, sizeof huge, s, sizeof s), SEAM_E_FORMAT);
    CHECK_EQ(gp_oid_to_str(big, sizeof big, s, 6), SEAM_E_LENGTH);
}

static void test_parse_key_info(void)
{
    uint8_t b[128];
    size_t n, cnt;
    gp_key_info k[4];
    /* The card's form (E0 { C0 04 KID KVN 88 LEN }), three keys of set FF, one extended. */
    seam_hex_decode("e016c00401ff8810c00402ff8810c00403ff8810c00201ff", b, sizeof b, &n);
    b[1] = (uint8_t)(n - 2);
    /* the last C0 lacks components: malformed */
    CHECK_EQ(gp_parse_key_info(b, n, k, 4, &cnt), SEAM_E_FORMAT);
    seam_hex_decode("e01ec00401ff8810c00402ff8810c00403ff8810c00901ffff880020010203c101aa", b,
                    sizeof b, &n);
    b[1] = (uint8_t)(n - 2);
    CHECK_EQ(gp_parse_key_info(b, n, k, 4, &cnt), SEAM_OK);
    CHECK_EQ(cnt, 4);
    CHECK_EQ(k[0].kid, 1);
    CHECK_EQ(k[0].kvn, 0xFF);
    CHECK_EQ(k[0].type, 0x88);
    CHECK_EQ(k[0].length, 16);
    CHECK_EQ(k[3].type, 0x88);
    CHECK_EQ(k[3].length, 32);
    CHECK_EQ(gp_parse_key_info(b, n, k, 2, &cnt), SEAM_E_FULL);
    CHECK_EQ(gp_parse_key_info(b, n - 1, k, 4, &cnt), SEAM_E_FORMAT);
    seam_hex_decode("e005c00301ff88", b, sizeof b, &n); /* odd component */
    CHECK_EQ(gp_parse_key_info(b, n, k, 4, &cnt), SEAM_E_FORMAT);
    seam_hex_decode("e003c00101", b, sizeof b, &n);
    CHECK_EQ(gp_parse_key_info(b, n, k, 4, &cnt), SEAM_E_FORMAT);
}

/* ---- round trips against the in-process SE ---- */
typedef struct {
    store_medium *m;
    se *card;
    seam_card *sc;
    gp_client cl;
} se_rig;

static seam_err se_fn_transmit(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                               size_t *resp_len)
{
    return se_transmit(ctx, cmd, len, resp, cap, resp_len);
}
static seam_err se_fn_reset(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len)
{
    return se_reset(ctx, atr, cap, atr_len);
}

static bool rig_open(se_rig *r)
{
    memset(r, 0, sizeof *r);
    char msg[256];
    if (store_medium_memory(&r->m) != SEAM_OK) return false;
    se_config cfg = {.medium = r->m, .quiet = true};
    if (se_open(&r->card, &cfg, msg, sizeof msg) != SEAM_OK) return false;
    seam_card_fns fns = {se_fn_transmit, se_fn_reset, r->card};
    if (card_open_fns(&r->sc, &fns) != SEAM_OK) return false;
    r->cl.card = r->sc;
    uint8_t atr[40], fci[256];
    size_t n;
    uint16_t sw = 0;
    if (card_reset(r->sc, atr, sizeof atr, &n) != SEAM_OK) return false;
    return gp_select(&r->cl, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, fci, sizeof fci, &n,
                     &sw) == SEAM_OK &&
           sw == SW_NO_ERROR;
}

static void rig_close(se_rig *r)
{
    if (r->sc) card_close(r->sc);
    if (r->card) se_close(r->card);
    if (r->m) store_medium_free(r->m);
}

static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                     0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

static void make_keys(gp_keys *k, size_t len, uint8_t kvn, uint8_t seed)
{
    uint8_t e[32], m[32], d[32];
    for (size_t i = 0; i < 32; i++) {
        e[i] = (uint8_t)(seed + i);
        m[i] = (uint8_t)(seed * 3 + i);
        d[i] = (uint8_t)(seed * 7 + i);
    }
    gp_keys_set(k, e, m, d, len, kvn);
}

static bool se_ready;

static void test_se_default_session(void)
{
    se_rig r;
    se_ready = rig_open(&r);
    if (!se_ready) {
        fprintf(stderr, "  the in-process SE does not select the ISD\n");
        CHECK(se_ready);
        rig_close(&r);
        return;
    }
    gp_keys k;
    gp_keys_set(&k, test_key, test_key, test_key, 16, 0);
    gp_session s;
    uint16_t sw;
    CHECK_EQ(gp_session_open(&s, &r.cl, &k, 0x33, NULL, 8, &sw), SEAM_OK);
    CHECK_EQ(s.iu.kvn, 0xFF);
    gp_status_entry e[16];
    size_t n = 0;
    CHECK_EQ(gp_get_status(&s, GP_STATUS_ISD, e, 16, &n, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(n, 1);
    CHECK_EQ(e[0].aid_len, GP_ISD_AID_LEN);
    CHECK_MEM(e[0].aid, GP_ISD_AID, GP_ISD_AID_LEN);
    n = 0;
    CHECK_EQ(gp_get_status(&s, GP_STATUS_APPS, e, 16, &n, &sw), SEAM_OK);
    n = 0;
    CHECK_EQ(gp_get_status(&s, GP_STATUS_LOAD_FILES, e, 16, &n, &sw), SEAM_OK);
    gp_session_close(&s);

    /* Wrong key: the card cryptogram does not verify. */
    gp_keys bad = k;
    bad.mac[0] ^= 1;
    CHECK_EQ(gp_session_open(&s, &r.cl, &bad, 0x33, NULL, 8, &sw), SEAM_E_AUTH);
    gp_keys_wipe(&bad);
    gp_keys_wipe(&k);
    rig_close(&r);
}

/* Every level x key length x S8/S16: PUT KEY sets of each length, then authenticate. */
static void test_se_levels_and_keys(void)
{
    if (!se_ready) return;
    se_rig r;
    REQUIRE(rig_open(&r));
    gp_keys def, sets[3];
    gp_keys_set(&def, test_key, test_key, test_key, 16, 0);
    static const size_t lens[3] = {16, 24, 32};
    gp_session s;
    uint16_t sw;
    /* The card drops its factory test key set (FF) when the first issuer set is added, so
     * the 128-bit set goes in with the test keys and the others with the 128-bit set. */
    for (size_t i = 0; i < 3; i++)
        make_keys(&sets[i], lens[i], (uint8_t)(0x30 + i), (uint8_t)(0x11 * (i + 1)));
    REQUIRE(gp_session_open(&s, &r.cl, &def, 0x33, NULL, 8, &sw) == SEAM_OK);
    CHECK_EQ(gp_put_key_aes(&s, &sets[0], 0, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    gp_session_close(&s);
    CHECK(gp_session_open(&s, &r.cl, &def, 0x33, NULL, 8, &sw) != SEAM_OK);
    REQUIRE(gp_session_open(&s, &r.cl, &sets[0], 0x33, NULL, 8, &sw) == SEAM_OK);
    for (size_t i = 1; i < 3; i++) {
        /* AES-192: the key is padded to 32 bytes for AES-CBC, Lclear = 18 (Amendment D). */
        CHECK_EQ(gp_put_key_aes(&s, &sets[i], 0, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);
    }
    gp_session_close(&s);
    unsigned sessions = 0, s16_sessions = 0;
    /* Which challenge lengths does the card take? S16 if it says so. */
    size_t chs[2] = {8, 16};
    static const uint8_t levels[] = {0x00, 0x01, 0x03, 0x13, 0x33};
    for (size_t ci = 0; ci < 2; ci++) {
        gp_init_update_resp iu;
        bool ok = gp_session_open(&s, &r.cl, &sets[0], 0x01, NULL, chs[ci], &sw) == SEAM_OK;
        iu = s.iu;
        gp_session_close(&s);
        if (!ok) {
            CHECK(ci == 1); /* S8 must work */
            fprintf(stderr, "  note: card refuses %zu-byte challenges (sw %04X)\n", chs[ci], sw);
            continue;
        }
        for (size_t ki = 0; ki < 3; ki++) {
            const gp_keys *k = &sets[ki];
            for (size_t li = 0; li < SEAM_ARRAY_LEN(levels); li++) {
                if ((levels[li] & SCP03_LEVEL_RMAC) && !(iu.i_param & SCP03_I_RMAC)) continue;
                if ((levels[li] & SCP03_LEVEL_RENC) && !(iu.i_param & SCP03_I_RENC)) continue;
                seam_err e = gp_session_open(&s, &r.cl, k, levels[li], NULL, chs[ci], &sw);
                CHECK_EQ(e, SEAM_OK);
                if (e != SEAM_OK) {
                    fprintf(stderr, "    ch %zu key %zu level %02X sw %04X\n", chs[ci], ki,
                            levels[li], sw);
                    continue;
                }
                sessions++;
                if (s.iu.ch_len == 16) s16_sessions++;
                CHECK_EQ(s.iu.kvn, k->kvn);
                gp_status_entry ent[8];
                size_t n = 0;
                CHECK_EQ(gp_get_status(&s, GP_STATUS_ISD, ent, 8, &n, &sw), SEAM_OK);
                if (levels[li] == 0x00) {
                    /* Authenticated without secure messaging: the card demands at least
                     * C-MAC for card content management (its policy, GP CS 2.3.1 §10.2). */
                    CHECK_EQ(sw, SW_SECURITY_STATUS_NOT_SATISFIED);
                } else {
                    CHECK_EQ(sw, SW_NO_ERROR);
                    CHECK_EQ(n, 1);
                }
                uint8_t d[300];
                size_t dl;
                CHECK_EQ(gp_get_data(&s, GP_TAG_KEY_INFO, d, sizeof d, &dl, &sw), SEAM_OK);
                CHECK_EQ(sw, SW_NO_ERROR);
                gp_session_close(&s);
            }
        }
    }
    fprintf(stderr, "  %u sessions, %u of them S16\n", sessions, s16_sessions);
    CHECK_EQ(sessions, 3 * 5 * (s16_sessions ? 2 : 1));
    for (size_t i = 0; i < 3; i++)
        gp_keys_wipe(&sets[i]);
    gp_keys_wipe(&def);
    rig_close(&r);
}

/* PUT KEY add and replace, DELETE KEY; key information reflects each step. */
static bool has_kvn(se_rig *r, gp_session *s, uint8_t kvn, uint16_t len)
{
    uint8_t d[300];
    size_t dl, cnt = 0;
    uint16_t sw;
    gp_key_info ki[GP_KEY_INFO_MAX];
    if (gp_get_data(s, GP_TAG_KEY_INFO, d, sizeof d, &dl, &sw) != SEAM_OK || sw != SW_NO_ERROR ||
        gp_parse_key_info(d, dl, ki, GP_KEY_INFO_MAX, &cnt) != SEAM_OK)
        return false;
    (void)r;
    for (size_t i = 0; i < cnt; i++)
        if (ki[i].kvn == kvn && ki[i].length == len) return true;
    return false;
}

static void test_se_key_management(void)
{
    if (!se_ready) return;
    se_rig r;
    REQUIRE(rig_open(&r));
    gp_keys def, a, b, c;
    gp_keys_set(&def, test_key, test_key, test_key, 16, 0);
    make_keys(&a, 16, 0x40, 0x21);
    make_keys(&b, 32, 0x41, 0x37);
    make_keys(&c, 16, 0x42, 0x5A);
    gp_session s;
    uint16_t sw;
    REQUIRE(gp_session_open(&s, &r.cl, &def, 0x33, NULL, 8, &sw) == SEAM_OK);
    CHECK_EQ(gp_put_key_aes(&s, &a, 0, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    gp_session_close(&s);
    REQUIRE(gp_session_open(&s, &r.cl, &a, 0x33, NULL, 8, &sw) == SEAM_OK);
    CHECK(has_kvn(&r, &s, 0x40, 16));
    CHECK(!has_kvn(&r, &s, 0xFF, 16)); /* the factory test keys are gone */
    CHECK_EQ(gp_put_key_aes(&s, &b, 0, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    /* Adding a KVN that exists is refused. */
    CHECK_EQ(gp_put_key_aes(&s, &b, 0, &sw), SEAM_OK);
    CHECK(sw != SW_NO_ERROR);
    /* Replace 41 by 42 (P1 = old KVN). */
    CHECK_EQ(gp_put_key_aes(&s, &c, 0x41, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK(has_kvn(&r, &s, 0x42, 16));
    CHECK(!has_kvn(&r, &s, 0x41, 32));
    gp_session_close(&s);
    /* The replaced set is gone, the new one works. */
    CHECK(gp_session_open(&s, &r.cl, &b, 0x33, NULL, 8, &sw) != SEAM_OK);
    CHECK_EQ(gp_session_open(&s, &r.cl, &c, 0x33, NULL, 8, &sw), SEAM_OK);
    gp_session_close(&s);
    /* DELETE KEY from a session of set 40. */
    REQUIRE(gp_session_open(&s, &r.cl, &a, 0x33, NULL, 8, &sw) == SEAM_OK);
    CHECK_EQ(gp_delete_key(&s, 0x42, 0, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK(!has_kvn(&r, &s, 0x42, 16));
    CHECK_EQ(gp_delete_key(&s, 0x42, 0, &sw), SEAM_OK); /* already gone */
    CHECK_EQ(sw, SW_REFERENCED_DATA_NOT_FOUND);
    gp_session_close(&s);
    CHECK(gp_session_open(&s, &r.cl, &c, 0x33, NULL, 8, &sw) != SEAM_OK);
    /* PUT KEY needs an authenticated session. */
    gp_session_plain(&s, &r.cl);
    CHECK_EQ(gp_put_key_aes(&s, &a, 0, &sw), SEAM_E_STATE);
    /* Unauthenticated GET STATUS is refused by the card. */
    gp_status_entry e[2];
    size_t n = 0;
    CHECK_EQ(gp_get_status(&s, GP_STATUS_ISD, e, 2, &n, &sw), SEAM_OK);
    CHECK(sw != SW_NO_ERROR);
    gp_keys_wipe(&def);
    gp_keys_wipe(&a);
    gp_keys_wipe(&b);
    gp_keys_wipe(&c);
    rig_close(&r);
}

/* GET DATA without authentication: CPLC, card data and key information parse. */
static void test_se_get_data(void)
{
    if (!se_ready) return;
    se_rig r;
    REQUIRE(rig_open(&r));
    gp_session s;
    gp_session_plain(&s, &r.cl);
    uint8_t d[300];
    size_t dl, cnt;
    uint16_t sw;
    gp_cplc c;
    gp_card_data cd;
    gp_key_info ki[GP_KEY_INFO_MAX];
    CHECK_EQ(gp_get_data(&s, GP_TAG_CPLC, d, sizeof d, &dl, &sw), SEAM_OK);
    if (sw == SW_NO_ERROR) CHECK_EQ(gp_parse_cplc(d, dl, &c), SEAM_OK);
    CHECK_EQ(gp_get_data(&s, GP_TAG_CARD_DATA, d, sizeof d, &dl, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(gp_parse_card_data(d, dl, &cd), SEAM_OK);
    CHECK_EQ(gp_get_data(&s, GP_TAG_KEY_INFO, d, sizeof d, &dl, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(gp_parse_key_info(d, dl, ki, GP_KEY_INFO_MAX, &cnt), SEAM_OK);
    CHECK(cnt >= 3);
    rig_close(&r);
}

/* A logical channel: the session runs on channel 1 with the channel bits in every CLA. */
static void test_se_channel(void)
{
    if (!se_ready) return;
    se_rig r;
    REQUIRE(rig_open(&r));
    uint8_t resp[300];
    size_t n;
    uint16_t sw;
    static const uint8_t open_ch[] = {0x00, 0x70, 0x00, 0x00, 0x01};
    CHECK_EQ(gp_transmit(&r.cl, open_ch, sizeof open_ch, resp, sizeof resp, &n, &sw), SEAM_OK);
    if (sw != SW_NO_ERROR || n != 3) {
        fprintf(stderr, "  note: MANAGE CHANNEL open answered %04X\n", sw);
        rig_close(&r);
        return;
    }
    gp_client ch = r.cl;
    ch.channel = resp[0];
    CHECK_EQ(
        gp_select(&ch, (const uint8_t *)GP_ISD_AID, GP_ISD_AID_LEN, resp, sizeof resp, &n, &sw),
        SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    gp_keys def;
    gp_keys_set(&def, test_key, test_key, test_key, 16, 0);
    gp_session s;
    CHECK_EQ(gp_session_open(&s, &ch, &def, 0x33, NULL, 8, &sw), SEAM_OK);
    gp_status_entry e[2];
    size_t cnt = 0;
    CHECK_EQ(gp_get_status(&s, GP_STATUS_ISD, e, 2, &cnt, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    gp_session_close(&s);
    gp_keys_wipe(&def);
    rig_close(&r);
}

int main(void)
{
    RUN(test_parse_init_update);
    RUN(test_parse_status);
    RUN(test_parse_cplc);
    RUN(test_parse_card_data);
    RUN(test_parse_key_info);
    RUN(test_get_status_more_data);
    RUN(test_vector_sessions);
    RUN(test_vector_counter);
    RUN(test_vector_put_key);
    RUN(test_vector_get_response);
    RUN(test_vector_negative);
    RUN(test_se_default_session);
    RUN(test_se_get_data);
    RUN(test_se_levels_and_keys);
    RUN(test_se_key_management);
    RUN(test_se_channel);
    json_decref(vectors);
    return check_summary();
}
