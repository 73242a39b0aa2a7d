/*
 * The card OS and the Issuer Security Domain, driven with raw APDUs against an in-process SE:
 * ATR, selection, logical channels, chaining, GET RESPONSE, GET DATA, SCP03 at every level and
 * key length, PUT KEY / DELETE KEY, SET STATUS, GET STATUS, try counters, persistence, and the
 * negative cases (wrong cryptogram, wrong C-MAC, replay, malformed APDUs, bad TLV, wrong
 * channel, commands out of life-cycle state, blocked key sets, corrupt images).
 *
 * The host side of SCP03 here is src/gp/scp03.c, the same code the card uses — its own
 * correctness is pinned by the published vectors in test_scp03.c; PUT KEY below is also checked
 * against the vector file's key data and KCVs (GP Amendment D; ../shared/vectors/scp03.json).
 */
#include <jansson.h>

#include "check.h"
#include "seam/apdu.h"
#include "seam/scp03.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/tlv.h"

static const uint8_t ISD[] = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00};
static const uint8_t TESTKEY[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                    0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};

static store_medium *med;
static se *card;
static uint8_t rbuf[APDU_MAX_RESPONSE];
static size_t rlen;

static void power_up_cfg(const se_config *base)
{
    char msg[256];
    se_config cfg = *base;
    cfg.medium = med;
    cfg.quiet = true;
    seam_err e = se_open(&card, &cfg, msg, sizeof msg);
    if (e != SEAM_OK) {
        fprintf(stderr, "se_open: %s: %s\n", seam_strerror(e), msg);
        abort();
    }
}

static void fresh(void)
{
    if (card) se_close(card);
    if (med) store_medium_free(med);
    card = NULL;
    store_medium_memory(&med);
    se_config cfg = {0};
    power_up_cfg(&cfg);
}

static void power_cycle(void)
{
    se_close(card);
    store_medium_power_cycle(med);
    se_config cfg = {0};
    power_up_cfg(&cfg);
}

/* Sends raw bytes; returns the SW; response data in rbuf[0..rlen-2). */
static uint16_t txb(const uint8_t *cmd, size_t len)
{
    seam_err e = se_transmit(card, cmd, len, rbuf, sizeof rbuf, &rlen);
    if (e != SEAM_OK || rlen < 2) return 0;
    return (uint16_t)(rbuf[rlen - 2] << 8 | rbuf[rlen - 1]);
}

static uint16_t tx(const char *hex)
{
    size_t n;
    uint8_t *b = check_hex(hex, &n);
    uint16_t sw = txb(b, n);
    free(b);
    return sw;
}

/* The CLA for a channel, keeping the class family and the chaining bit of base. */
static uint8_t cla_for(uint8_t base, uint8_t ch)
{
    apdu_cla cl;
    apdu_cla_decode(base, &cl);
    return apdu_cla_encode(cl.proprietary, ch, false, cl.chaining);
}

/* ---- host side of SCP03 for the tests ---- */
typedef struct {
    scp03_session s;
    uint8_t ch;
    uint8_t i;
    uint8_t seq[3];
    bool has_seq;
} host;

static uint8_t host_challenge[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                     0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x01};

/* INITIALIZE UPDATE + EXTERNAL AUTHENTICATE; returns the SW of the step that failed, or the
 * SW of EXTERNAL AUTHENTICATE. */
static uint16_t open_scp(host *h, const uint8_t *enc, const uint8_t *mac, size_t keylen,
                         uint8_t kvn, uint8_t level, size_t chl, uint8_t ch)
{
    scp03_session_clear(&h->s); /* callers zero-initialise h before the first use */
    h->ch = ch;
    h->has_seq = false;
    uint8_t cmd[64];
    cmd[0] = cla_for(0x80, ch);
    cmd[1] = 0x50;
    cmd[2] = kvn;
    cmd[3] = 0x00;
    cmd[4] = (uint8_t)chl;
    memcpy(cmd + 5, host_challenge, chl);
    cmd[5 + chl] = 0x00;
    uint16_t sw = txb(cmd, 6 + chl);
    if (sw != SW_NO_ERROR) return sw;
    size_t dl = rlen - 2;
    if (dl < 13 + 2 * chl) return 1;
    uint8_t i = rbuf[12];
    h->i = i;
    CHECK_EQ(rbuf[11], 0x03);
    CHECK_EQ(!!(i & SCP03_I_S16), chl == 16);
    const uint8_t *card_ch = rbuf + 13, *cc = rbuf + 13 + chl;
    h->has_seq = i & SCP03_I_PSEUDO_RANDOM;
    CHECK_EQ(dl, 13 + 2 * chl + (h->has_seq ? 3 : 0));
    if (h->has_seq) {
        memcpy(h->seq, rbuf + 13 + 2 * chl, 3);
        uint8_t expect[16];
        CHECK(scp03_card_challenge(enc, keylen, h->seq, ISD, sizeof ISD, chl, expect) == SEAM_OK);
        if (memcmp(card_ch, expect, chl) != 0) return 2; /* not derived from our ENC key */
    }
    uint8_t cardch_copy[16], cc_copy[16];
    memcpy(cardch_copy, card_ch, chl);
    memcpy(cc_copy, cc, chl);
    REQUIRE_RET(scp03_session_init(&h->s, enc, mac, keylen, host_challenge, cardch_copy, chl, i) ==
                SEAM_OK);
    uint8_t mycc[16];
    scp03_cryptogram(&h->s, SCP03_DC_CARD_CRYPTOGRAM, mycc);
    if (memcmp(mycc, cc_copy, chl) != 0) return 2; /* card cryptogram mismatch: wrong keys */
    uint8_t ea[64];
    size_t ealen;
    uint8_t bits = ch < 4 ? ch : (uint8_t)(0x40 | (ch - 4));
    if (scp03_host_external_authenticate(&h->s, level, bits, ea, sizeof ea, &ealen) != SEAM_OK)
        return 3;
    sw = txb(ea, ealen);
    if (sw == SW_NO_ERROR) scp03_host_auth_done(&h->s);
    return sw;
}

/* Sends a plain command under the session; response data (unwrapped) in out. */
static uint16_t send_sec_ext(host *h, const char *hex, bool extended, uint8_t *out, size_t *olen)
{
    size_t n;
    uint8_t *b = check_hex(hex, &n);
    apdu_cmd c;
    if (apdu_parse(b, n, &c) != SEAM_OK) {
        free(b);
        REQUIRE_RET(!"test APDU parses");
    }
    c.cla = cla_for(c.cla, h->ch);
    static uint8_t w[APDU_MAX_COMMAND];
    size_t wl;
    seam_err e = scp03_wrap_command(&h->s, &c, extended, w, sizeof w, &wl);
    free(b);
    if (e != SEAM_OK) return 4;
    uint16_t sw = txb(w, wl);
    static uint8_t full[APDU_MAX_RESPONSE];
    size_t fl = rlen - 2;
    memcpy(full, rbuf, fl);
    while ((sw >> 8) == 0x61) {
        uint8_t gr[5] = {cla_for(0x00, h->ch), 0xC0, 0, 0, (uint8_t)sw};
        sw = txb(gr, 5);
        memcpy(full + fl, rbuf, rlen - 2);
        fl += rlen - 2;
    }
    full[fl] = (uint8_t)(sw >> 8);
    full[fl + 1] = (uint8_t)sw;
    size_t pl;
    static uint8_t plain[APDU_MAX_RESPONSE];
    if (scp03_unwrap_response(&h->s, full, fl + 2, plain, sizeof plain, &pl) != SEAM_OK) return 5;
    if (out) {
        memcpy(out, plain, pl - 2);
        *olen = pl - 2;
    }
    return (uint16_t)(plain[pl - 2] << 8 | plain[pl - 1]);
}

static uint16_t send_sec(host *h, const char *hex, uint8_t *out, size_t *olen)
{
    return send_sec_ext(h, hex, false, out, olen);
}

/* ---- tests ---- */

static void test_atr(void)
{
    fresh();
    uint8_t atr[40];
    size_t n;
    REQUIRE(se_reset(card, atr, sizeof atr, &n) == SEAM_OK);
    CHECK_EQ(atr[0], 0x3B);
    CHECK_EQ(atr[1] & 0x0F, n - 7); /* historical bytes: n - TS,T0,TD1,TD2,TA3,TB3,TCK */
    CHECK_EQ(atr[2], 0x81);         /* TD1: T=1 */
    CHECK_EQ(atr[3] & 0x0F, 0x01);  /* TD2: T=1 */
    uint8_t x = 0;
    for (size_t i = 1; i < n; i++)
        x ^= atr[i];
    CHECK_EQ(x, 0); /* TCK */
}

static void test_select(void)
{
    fresh();
    CHECK_EQ(tx("00A4040008A000000151000000"), SW_NO_ERROR);
    tlv_t fci, t;
    REQUIRE(tlv_parse(rbuf, rlen - 2, &fci) == SEAM_OK);
    CHECK_EQ(fci.tag, 0x6F);
    REQUIRE(tlv_find(fci.value, fci.len, 0x84, &t) == SEAM_OK);
    CHECK_EQ(t.len, 8);
    CHECK_MEM(t.value, ISD, 8);
    CHECK_EQ(tx("00A4040004A0000001"), SW_NO_ERROR);         /* partial */
    CHECK_EQ(tx("00A4040000"), SW_NO_ERROR);                 /* no data: the ISD */
    CHECK_EQ(tx("00A4040C08A000000151000000"), SW_NO_ERROR); /* P2 0C: no FCI */
    CHECK_EQ(rlen, 2);
    CHECK_EQ(tx("00A4040005A000000999"), SW_FILE_NOT_FOUND);
    CHECK_EQ(tx("00A4040204A0000001"), SW_FILE_NOT_FOUND); /* next: only one */
    CHECK_EQ(tx("00A4000002 3F00"), SW_INCORRECT_P1P2);
    CHECK_EQ(tx("00A4041008A000000151000000"), SW_INCORRECT_P1P2);
    CHECK_EQ(tx("00A4040011A000000151000000000000000000000000"), SW_FILE_NOT_FOUND);
    CHECK_EQ(tx("10A4040008A000000151000000"), SW_COMMAND_CHAINING_NOT_SUPPORTED);
}

static void test_malformed(void)
{
    fresh();
    CHECK_EQ(tx("00"), SW_WRONG_LENGTH);
    CHECK_EQ(tx("00A404"), SW_WRONG_LENGTH);
    CHECK_EQ(tx("00A4040008A0000001510000"), SW_WRONG_LENGTH);       /* truncated */
    CHECK_EQ(tx("00A4040002A0000001510000000000"), SW_WRONG_LENGTH); /* overlong */
    CHECK_EQ(tx("00A40400000008A000000151"), SW_WRONG_LENGTH);       /* bad extended */
    CHECK_EQ(tx("FFA4040000"), SW_CLA_NOT_SUPPORTED);
    CHECK_EQ(tx("80CA9F7F00"), SW_NO_ERROR);
    CHECK_EQ(tx("80FF000000"), SW_INS_NOT_SUPPORTED);
    CHECK_EQ(tx("80F2800002 4F0000"), SW_SECURITY_STATUS_NOT_SATISFIED); /* no session */
    CHECK_EQ(tx("84CA9F7F00"), SW_SECURITY_STATUS_NOT_SATISFIED);        /* SM, no session */
    CHECK_EQ(tx("8082330010 00000000000000000000000000000000"), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(tx("8482330010 00000000000000000000000000000000"),
             SW_CONDITIONS_OF_USE_NOT_SATISFIED); /* EXTERNAL AUTHENTICATE without INIT UPDATE */
    CHECK_EQ(tx("8050000007 11223344556677"), SW_WRONG_LENGTH);
    CHECK_EQ(tx("8050000108 1122334455667788"), SW_INCORRECT_P1P2);
    CHECK_EQ(tx("8050200008 1122334455667788"), SW_REFERENCED_DATA_NOT_FOUND); /* no KVN 20 */
    CHECK_EQ(tx("80CA00660100"), SW_WRONG_LENGTH);
    /* the card still works */
    CHECK_EQ(tx("00A4040000"), SW_NO_ERROR);
}

static void test_channels(void)
{
    fresh();
    for (int i = 1; i < SE_MAX_CHANNELS; i++) {
        CHECK_EQ(tx("0070000001"), SW_NO_ERROR);
        CHECK_EQ(rlen, 3);
        CHECK_EQ(rbuf[0], i);
    }
    CHECK_EQ(tx("0070000001"), SW_LOGICAL_CHANNEL_NOT_SUPPORTED);
    /* every channel answers GET DATA with its own CLA */
    for (uint8_t ch = 0; ch < SE_MAX_CHANNELS; ch++) {
        uint8_t cmd[5] = {cla_for(0x80, ch), 0xCA, 0x00, 0x66, 0x00};
        CHECK_EQ(txb(cmd, 5), SW_NO_ERROR);
        uint8_t sel[5] = {cla_for(0x00, ch), 0xA4, 0x04, 0x00, 0x00};
        CHECK_EQ(txb(sel, 5), SW_NO_ERROR);
    }
    CHECK_EQ(tx("0070800500"), SW_NO_ERROR); /* close 5 */
    uint8_t c5[5] = {cla_for(0x80, 5), 0xCA, 0x00, 0x66, 0x00};
    CHECK_EQ(txb(c5, 5), SW_LOGICAL_CHANNEL_NOT_SUPPORTED);
    CHECK_EQ(tx("0070000500"), SW_NO_ERROR); /* reopen 5 by number */
    CHECK_EQ(txb(c5, 5), SW_NO_ERROR);
    CHECK_EQ(tx("0070000500"), SW_INCORRECT_P1P2);                /* already open */
    CHECK_EQ(tx("0070800000"), SW_INCORRECT_P1P2);                /* basic channel cannot close */
    CHECK_EQ(tx("0070801400"), SW_LOGICAL_CHANNEL_NOT_SUPPORTED); /* 20: no such */
    CHECK_EQ(tx("0070000000"), SW_LOGICAL_CHANNEL_NOT_SUPPORTED); /* none free */
    /* close from the channel itself (P2 = 00) */
    uint8_t close7[4] = {cla_for(0x00, 7), 0x70, 0x80, 0x00};
    CHECK_EQ(txb(close7, 4), SW_NO_ERROR);
    uint8_t c7[5] = {cla_for(0x80, 7), 0xCA, 0x00, 0x66, 0x00};
    CHECK_EQ(txb(c7, 5), SW_LOGICAL_CHANNEL_NOT_SUPPORTED);
    /* reset closes every channel but 0 */
    uint8_t atr[40];
    size_t n;
    se_reset(card, atr, sizeof atr, &n);
    CHECK_EQ(txb(c5, 5), SW_LOGICAL_CHANNEL_NOT_SUPPORTED);
}

static void test_get_data(void)
{
    fresh();
    CHECK_EQ(tx("80CA9F7F00"), SW_NO_ERROR);
    CHECK_EQ(rlen - 2, 3 + 42);
    CHECK_EQ(tx("00CA9F7F"), SW_NO_ERROR); /* CLA 00, no Le */
    CHECK_EQ(rlen - 2, 45);
    CHECK_EQ(tx("80CA006600"), SW_NO_ERROR);
    /* GP CS 2.3.1 §H.2, as the vector file's GET DATA 66 response, with this card's i = 70 */
    size_t n;
    uint8_t *exp =
        check_hex("6631732f06072a864886fc6b01600c060a2a864886fc6b02020301630906072a864886"
                  "fc6b03640b06092a864886fc6b040370",
                  &n);
    CHECK_EQ(rlen - 2, n);
    CHECK_MEM(rbuf, exp, n);
    free(exp);
    CHECK_EQ(tx("80CA00E000"), SW_NO_ERROR);
    exp = check_hex("e012c00401ff8810c00402ff8810c00403ff8810", &n);
    CHECK_EQ(rlen - 2, n);
    CHECK_MEM(rbuf, exp, n);
    free(exp);
    CHECK_EQ(tx("80CA004200"), SW_NO_ERROR);
    CHECK_EQ(rbuf[0], 0x42);
    CHECK_EQ(tx("80CA004500"), SW_NO_ERROR);
    CHECK_EQ(rbuf[0], 0x45);
    CHECK_EQ(tx("80CA00CF00"), SW_NO_ERROR);
    CHECK_EQ(rlen - 2, 12);
    CHECK_EQ(tx("80CA00C100"), SW_NO_ERROR);
    CHECK_EQ(tx("80CA123400"), SW_REFERENCED_DATA_NOT_FOUND);
    /* GET DATA with Le shorter than the data: 61xx and GET RESPONSE */
    CHECK_EQ(tx("80CA9F7F10"), 0x611D);
    CHECK_EQ(rlen - 2, 16);
    CHECK_EQ(tx("00C000001D"), SW_NO_ERROR);
    CHECK_EQ(rlen - 2, 29);
    CHECK_EQ(tx("00C0000000"), SW_CONDITIONS_OF_USE_NOT_SATISFIED); /* nothing pending */
}

/* SCP03 at every level and key length, S8 and S16, pseudo-random and random challenges. */
static void test_scp03_levels(void)
{
    static const uint8_t levels[] = {0x00, 0x01, 0x03, 0x11, 0x13, 0x33};
    uint8_t k24[24], k32[32];
    for (int i = 0; i < 32; i++)
        k32[i] = (uint8_t)(0xA0 + i);
    memcpy(k24, k32, 24);
    for (int mode = 0; mode < 2; mode++) {
        if (card) se_close(card);
        store_medium_free(med);
        store_medium_memory(&med);
        se_config cfg = {.scp_i = mode ? 0x60 : 0x70};
        power_up_cfg(&cfg);
        for (size_t li = 0; li < sizeof levels; li++) {
            for (size_t chl = 8; chl <= 16; chl += 8) {
                host h = {0};
                CHECK_EQ(open_scp(&h, TESTKEY, TESTKEY, 16, 0, levels[li], chl, 0), SW_NO_ERROR);
                CHECK_EQ(h.i & 0xF0, mode ? 0x60 : 0x70);
                uint8_t out[512];
                size_t ol;
                uint16_t sw = send_sec(&h, "80F28002024F0000", out, &ol);
                if (levels[li] & SCP03_LEVEL_CMAC) {
                    CHECK_EQ(sw, SW_NO_ERROR);
                    size_t n;
                    uint8_t *exp = check_hex("e3134f08a0000001510000009f700101c5039efe80", &n);
                    CHECK_EQ(ol, n);
                    CHECK_MEM(out, exp, n);
                    free(exp);
                } else {
                    CHECK_EQ(sw, SW_SECURITY_STATUS_NOT_SATISFIED); /* management needs C-MAC */
                }
                CHECK_EQ(send_sec(&h, "80CA006600", out, &ol), SW_NO_ERROR);
                CHECK_EQ(out[0], 0x66);
                scp03_session_clear(&h.s);
            }
        }
    }
    /* AES-192 and AES-256 key sets: add them with PUT KEY, then authenticate with them */
    fresh();
    const uint8_t *keys[2] = {k24, k32};
    for (int ki = 0; ki < 2; ki++) {
        size_t kl = ki ? 32 : 24;
        host h = {0};
        const uint8_t *ak = ki ? k24 : TESTKEY;
        size_t akl = ki ? 24 : 16;
        REQUIRE(open_scp(&h, ak, ak, akl, 0, 0x33, 8, 0) == SW_NO_ERROR);
        /* key data: KVN, then 3 x (88 L+1 L E(DEK,key) 03 KCV) */
        char hex[600] = "80D8008100";
        uint8_t data[200];
        size_t dl = 0;
        data[dl++] = (uint8_t)(0x30 + ki);
        const uint8_t *dek = ak;
        for (int k = 0; k < 3; k++) {
            uint8_t iv[16] = {0}, enc[32], kcv[3], padded[32] = {0};
            memcpy(padded, keys[ki], kl);
            cr_aes_cbc_encrypt(dek, akl, iv, padded, 32, enc); /* 24-byte keys: two blocks */
            scp03_kcv(keys[ki], kl, kcv);
            data[dl++] = 0x88;
            data[dl++] = 33;
            data[dl++] = (uint8_t)kl;
            memcpy(data + dl, enc, 32);
            dl += 32;
            data[dl++] = 3;
            memcpy(data + dl, kcv, 3);
            dl += 3;
        }
        char *p = hex + 8;
        sprintf(p, "%02x", (unsigned)dl);
        p += 2;
        for (size_t i = 0; i < dl; i++, p += 2)
            sprintf(p, "%02x", data[i]);
        uint8_t out[64];
        size_t ol;
        CHECK_EQ(send_sec(&h, hex, out, &ol), SW_NO_ERROR);
        CHECK_EQ(ol, 10);
        CHECK_EQ(out[0], 0x30 + ki);
        scp03_session_clear(&h.s);
        for (size_t li = 0; li < sizeof levels; li++)
            for (size_t chl = 8; chl <= 16; chl += 8) {
                CHECK_EQ(
                    open_scp(&h, keys[ki], keys[ki], kl, (uint8_t)(0x30 + ki), levels[li], chl, 0),
                    SW_NO_ERROR);
                CHECK_EQ(send_sec(&h, "80CA00E000", out, &ol), SW_NO_ERROR);
                scp03_session_clear(&h.s);
            }
    }
    /* the factory key set was removed when the first issuer key set arrived */
    host h = {0};
    CHECK_EQ(open_scp(&h, TESTKEY, TESTKEY, 16, 0xFF, 0x33, 8, 0), SW_REFERENCED_DATA_NOT_FOUND);
    scp03_session_clear(&h.s);
}

/* PUT KEY with the vector file's key data (Amendment D form and the form without the key
 * length byte), answered with the vector's KVN and KCVs. */
static void test_put_key_vector(void)
{
    json_error_t jerr;
    json_t *root = json_load_file(check_shared_path("vectors/scp03.json"), 0, &jerr);
    REQUIRE(root);
    json_t *v = json_array_get(json_object_get(root, "scp03_put_key"), 0);
    REQUIRE(v);
    const char *data = json_string_value(json_object_get(v, "put_key_data_plain"));
    const char *resp = json_string_value(json_object_get(v, "response_plain"));
    json_t *var = json_object_get(v, "variant_without_key_length_byte");
    const char *data2 = json_string_value(json_object_get(var, "put_key_data_plain"));
    REQUIRE(data && resp && data2);
    for (int form = 0; form < 2; form++) {
        fresh();
        host h = {0};
        REQUIRE(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x33, 8, 0) == SW_NO_ERROR);
        const char *d = form ? data2 : data;
        char hex[400];
        snprintf(hex, sizeof hex, "80D80081%02zx%s00", strlen(d) / 2, d);
        uint8_t out[64];
        size_t ol, el;
        CHECK_EQ(send_sec(&h, hex, out, &ol), SW_NO_ERROR);
        uint8_t *exp = check_hex(resp, &el);
        CHECK_EQ(ol + 2, el);
        CHECK_MEM(out, exp, el - 2);
        free(exp);
        scp03_session_clear(&h.s);
        /* the new keys work, across a power cycle */
        power_cycle();
        size_t kl;
        uint8_t *ne = check_hex(json_string_value(json_object_get(v, "new_key_enc")), &kl);
        uint8_t *nm = check_hex(json_string_value(json_object_get(v, "new_key_mac")), &kl);
        CHECK_EQ(open_scp(&h, ne, nm, 16, 0x31, 0x33, 8, 0), SW_NO_ERROR);
        CHECK_EQ(open_scp(&h, ne, nm, 16, 0x00, 0x13, 16, 0), SW_NO_ERROR);
        free(ne);
        free(nm);
        scp03_session_clear(&h.s);
    }
    json_decref(root);
}

static void test_put_key_negative(void)
{
    fresh();
    host h = {0};
    REQUIRE(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x33, 8, 0) == SW_NO_ERROR);
    uint8_t out[64];
    size_t ol;
    /* wrong KCV (last byte changed) */
    CHECK_EQ(send_sec(&h,
                      "80D80081463188111"
                      "0e7bba2bc904e3f43ba25280c71b862bf0316c2c8881110208"
                      "3dff86be83bec57718dd68b9599730320e319881110d165108d273719b43c859eab9d49a0"
                      "5703fbeaf800",
                      out, &ol),
             SW_WRONG_DATA);
    /* truncated key data */
    CHECK_EQ(send_sec(&h, "80D80081053188111000", out, &ol), SW_WRONG_DATA);
    /* bad key type, bad P2, replace of a KVN that does not exist, KVN 0 */
    CHECK_EQ(send_sec(&h, "80D8008103318011 00", out, &ol), SW_WRONG_DATA);
    CHECK_EQ(send_sec(&h, "80D80001013100", out, &ol), SW_INCORRECT_P1P2);
    CHECK_EQ(send_sec(&h, "80D88081013100", out, &ol), SW_INCORRECT_P1P2);
    CHECK_EQ(send_sec(&h,
                      "80D80581463188111"
                      "0e7bba2bc904e3f43ba25280c71b862bf0316c2c7881110208"
                      "3dff86be83bec57718dd68b9599730320e319881110d165108d273719b43c859eab9d49a0"
                      "5703fbeaf800",
                      out, &ol),
             SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(send_sec(&h, "80D800810100 00", out, &ol), SW_WRONG_DATA);
    /* nothing changed: still only the test key set */
    CHECK_EQ(send_sec(&h, "80CA00E000", out, &ol), SW_NO_ERROR);
    CHECK_EQ(ol, 20);
    /* DELETE KEY: the last key set cannot go; unknown KVN; malformed TLV */
    CHECK_EQ(send_sec(&h, "80E4000003D201FF00", out, &ol), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    CHECK_EQ(send_sec(&h, "80E4000003D2012000", out, &ol), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(send_sec(&h, "80E4000003D2020100", out, &ol), SW_WRONG_DATA);
    CHECK_EQ(send_sec(&h, "80E4000004D2810101", out, &ol), SW_WRONG_DATA); /* overlong length */
    CHECK_EQ(send_sec(&h, "80E400000A4F08A000000151000000", out, &ol),
             SW_CONDITIONS_OF_USE_NOT_SATISFIED); /* the ISD itself */
    scp03_session_clear(&h.s);
}

static void test_delete_key(void)
{
    fresh();
    host h = {0};
    REQUIRE(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x33, 8, 0) == SW_NO_ERROR);
    uint8_t out[64];
    size_t ol;
    /* add KVN 31 and 32 (the test set goes with the first) */
    static const char *pk31 =
        "80D80081463188111"
        "0e7bba2bc904e3f43ba25280c71b862bf0316c2c78811102083d"
        "ff86be83bec57718dd68b9599730320e319881110d165108d273719b43c859eab9d49a05"
        "703fbeaf800";
    CHECK_EQ(send_sec(&h, pk31, out, &ol), SW_NO_ERROR);
    char pk32[400];
    strcpy(pk32, pk31);
    pk32[10] = '3';
    pk32[11] = '2';
    CHECK_EQ(send_sec(&h, pk32, out, &ol), SW_NO_ERROR);
    CHECK_EQ(send_sec(&h, pk32, out, &ol), SW_WRONG_DATA); /* exists */
    CHECK_EQ(send_sec(&h, "80CA00E000", out, &ol), SW_NO_ERROR);
    CHECK_EQ(ol, 2 + 6 * 6);
    CHECK_EQ(send_sec(&h, "80E4000003D2013100", out, &ol), SW_NO_ERROR);
    CHECK_EQ(send_sec(&h, "80CA00E000", out, &ol), SW_NO_ERROR);
    CHECK_EQ(ol, 2 + 3 * 6);
    CHECK_EQ(out[5], 0x32);
    scp03_session_clear(&h.s);
}

/* The C-MAC, replay and SM-required rules. */
static void test_scp03_negative(void)
{
    fresh();
    host h = {0};
    uint8_t bad[16];
    memcpy(bad, TESTKEY, 16);
    bad[15] ^= 1;
    /* wrong keys: the host sees a card cryptogram mismatch first */
    CHECK_EQ(open_scp(&h, bad, bad, 16, 0, 0x33, 8, 0), 2);
    /* a wrong host cryptogram: the card refuses it */
    REQUIRE(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x33, 8, 0) == SW_NO_ERROR);
    uint8_t w[300];
    size_t wl;
    apdu_cmd c;
    size_t n;
    uint8_t *b = check_hex("80F28002024F0000", &n);
    apdu_parse(b, n, &c);
    REQUIRE(scp03_wrap_command(&h.s, &c, false, w, sizeof w, &wl) == SEAM_OK);
    CHECK_EQ(txb(w, wl), SW_NO_ERROR);
    CHECK_EQ(txb(w, wl), SW_SECURITY_STATUS_NOT_SATISFIED); /* replay */
    CHECK_EQ(txb(w, wl), SW_SECURITY_STATUS_NOT_SATISFIED); /* session ended */
    /* a flipped MAC bit */
    REQUIRE(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x33, 8, 0) == SW_NO_ERROR);
    REQUIRE(scp03_wrap_command(&h.s, &c, false, w, sizeof w, &wl) == SEAM_OK);
    w[wl - 2] ^= 0x01;
    CHECK_EQ(txb(w, wl), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* an unprotected command where C-MAC is required: refused, session ended */
    REQUIRE(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x01, 8, 0) == SW_NO_ERROR);
    CHECK_EQ(txb(b, n), SW_SECURITY_STATUS_NOT_SATISFIED);
    REQUIRE(scp03_wrap_command(&h.s, &c, false, w, sizeof w, &wl) == SEAM_OK);
    CHECK_EQ(txb(w, wl), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* a command on another channel is not under this channel's session */
    REQUIRE(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x33, 8, 0) == SW_NO_ERROR);
    CHECK_EQ(tx("0070000100"), SW_NO_ERROR);
    REQUIRE(scp03_wrap_command(&h.s, &c, false, w, sizeof w, &wl) == SEAM_OK);
    uint8_t w1[300];
    memcpy(w1, w, wl);
    w1[0] = 0x85; /* channel 1 */
    CHECK_EQ(txb(w1, wl), SW_SECURITY_STATUS_NOT_SATISFIED);
    CHECK_EQ(txb(w, wl), SW_NO_ERROR); /* channel 0 session unaffected */
    /* SELECT ends the session */
    CHECK_EQ(tx("00A4040000"), SW_NO_ERROR);
    REQUIRE(scp03_wrap_command(&h.s, &c, false, w, sizeof w, &wl) == SEAM_OK);
    CHECK_EQ(txb(w, wl), SW_SECURITY_STATUS_NOT_SATISFIED);
    /* levels: invalid P1, R-ENC without C-DEC */
    CHECK_EQ(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x31, 8, 0), 3); /* host refuses to build */
    free(b);
    scp03_session_clear(&h.s);
}

/* Independent sessions on 20 channels at once, at mixed levels. */
static void test_channels_sessions(void)
{
    fresh();
    host hs[SE_MAX_CHANNELS] = {0};
    static const uint8_t levels[] = {0x01, 0x03, 0x11, 0x13, 0x33};
    for (int i = 1; i < SE_MAX_CHANNELS; i++)
        CHECK_EQ(tx("0070000001"), SW_NO_ERROR);
    for (uint8_t ch = 0; ch < SE_MAX_CHANNELS; ch++)
        CHECK_EQ(open_scp(&hs[ch], TESTKEY, TESTKEY, 16, 0, levels[ch % 5], ch % 2 ? 16 : 8, ch),
                 SW_NO_ERROR);
    for (int round = 0; round < 3; round++)
        for (uint8_t ch = 0; ch < SE_MAX_CHANNELS; ch++) {
            uint8_t out[256];
            size_t ol;
            CHECK_EQ(send_sec(&hs[ch], "80F28002024F0000", out, &ol), SW_NO_ERROR);
            CHECK_EQ(out[0], 0xE3);
        }
    for (uint8_t ch = 0; ch < SE_MAX_CHANNELS; ch++)
        scp03_session_clear(&hs[ch].s);
}

/* Extended-length commands under SCP03 (the C-MAC covers the extended header), commands
 * without Le, and command chaining of protected commands. */
static void test_extended_and_chaining(void)
{
    fresh();
    host h = {0};
    REQUIRE(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x33, 8, 0) == SW_NO_ERROR);
    uint8_t out[600];
    size_t ol;
    CHECK_EQ(send_sec_ext(&h, "80F28002024F0000", true, out, &ol), SW_NO_ERROR);
    CHECK_EQ(out[0], 0xE3);
    CHECK_EQ(send_sec_ext(&h, "80F28002024F00", false, out, &ol), SW_NO_ERROR); /* no Le */
    CHECK_EQ(send_sec_ext(&h, "80CA9F7F", true, out, &ol), SW_NO_ERROR);
    CHECK_EQ(ol, 45);
    /* GET STATUS criteria sent in two chained commands, each protected on its own */
    CHECK_EQ(send_sec(&h, "90F28002014F", out, &ol), SW_NO_ERROR);
    CHECK_EQ(ol, 0);
    CHECK_EQ(send_sec(&h, "80F2800201 0000", out, &ol), SW_NO_ERROR);
    CHECK_EQ(out[0], 0xE3);
    /* a chain broken by another command */
    CHECK_EQ(send_sec(&h, "90F28002014F", out, &ol), SW_NO_ERROR);
    CHECK_EQ(send_sec(&h, "80CA006600", out, &ol), SW_LAST_COMMAND_EXPECTED);
    /* bad TLV in GET STATUS */
    CHECK_EQ(send_sec(&h, "80F28002034F0500", out, &ol), SW_WRONG_DATA);
    CHECK_EQ(send_sec(&h, "80F2800202C100", out, &ol), SW_WRONG_DATA);
    CHECK_EQ(send_sec(&h, "80F24002024F0000", out, &ol), SW_REFERENCED_DATA_NOT_FOUND);
    CHECK_EQ(send_sec(&h, "80F28000024F0000", out, &ol), SW_NO_ERROR); /* legacy format */
    CHECK_EQ(out[0], 8);
    scp03_session_clear(&h.s);
}

static void test_try_counter(void)
{
    if (card) se_close(card);
    store_medium_free(med);
    store_medium_memory(&med);
    se_config cfg = {.auth_try_limit = 3};
    power_up_cfg(&cfg);
    host h = {0};
    /* a host that knows ENC but not MAC... simplest attacker: a wrong host cryptogram */
    for (int i = 0; i < 3; i++) {
        REQUIRE(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x33, 8, 0) != 99);
        /* the session opened fine; now fail on purpose with a garbage EXTERNAL AUTHENTICATE */
    }
    /* fail three times */
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(tx("8050000008 1122334455667788 00"), SW_NO_ERROR);
        uint16_t sw = tx("8482330010 00000000000000000000000000000000");
        CHECK_EQ(sw, i < 2 ? 0x6300 : SW_AUTHENTICATION_METHOD_BLOCKED);
    }
    CHECK_EQ(tx("8050000008 1122334455667788 00"), SW_AUTHENTICATION_METHOD_BLOCKED);
    power_cycle();
    CHECK_EQ(tx("8050000008 1122334455667788 00"), SW_AUTHENTICATION_METHOD_BLOCKED);
    /* a success restores the counter: fresh card, two failures, one success, three more
     * failures needed */
    if (card) se_close(card);
    store_medium_free(med);
    store_medium_memory(&med);
    power_up_cfg(&cfg);
    for (int i = 0; i < 2; i++) {
        tx("8050000008 1122334455667788 00");
        CHECK_EQ(tx("8482330010 00000000000000000000000000000000"), 0x6300);
    }
    CHECK_EQ(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x33, 8, 0), SW_NO_ERROR);
    for (int i = 0; i < 2; i++) {
        tx("8050000008 1122334455667788 00");
        CHECK_EQ(tx("8482330010 00000000000000000000000000000000"), 0x6300);
    }
    CHECK_EQ(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x33, 8, 0), SW_NO_ERROR);
    scp03_session_clear(&h.s);
}

static void test_life_cycle(void)
{
    fresh();
    host h = {0};
    uint8_t out[256];
    size_t ol;
    REQUIRE(open_scp(&h, TESTKEY, TESTKEY, 16, 0, 0x33, 8, 0) == SW_NO_ERROR);
    CHECK_EQ(send_sec(&h, "80F0800F00", out, &ol), SW_NO_ERROR);   /* OP_READY -> SECURED */
    CHECK_EQ(send_sec(&h, "80F0800700", out, &ol), SW_WRONG_DATA); /* no way back */
    CHECK_EQ(send_sec(&h, "80F0800100", out, &ol), SW_WRONG_DATA);
    CHECK_EQ(send_sec(&h, "80F0801200", out, &ol), SW_WRONG_DATA);
    CHECK_EQ(send_sec(&h, "80F0900F00", out, &ol), SW_INCORRECT_P1P2);
    CHECK_EQ(send_sec(&h, "80F28002024F0000", out, &ol), SW_NO_ERROR);
    CHECK_EQ(out[15], 0x0F);
    CHECK_EQ(send_sec(&h, "80F0807F00", out, &ol), SW_NO_ERROR); /* lock */
    CHECK_EQ(send_sec(&h, "80F28002024F0000", out, &ol), SW_NO_ERROR);
    CHECK_EQ(out[15], 0x7F);
    CHECK_EQ(send_sec(&h, "80F0800F00", out, &ol), SW_NO_ERROR); /* unlock */
    CHECK_EQ(send_sec(&h, "80F080FF00", out, &ol), SW_NO_ERROR); /* terminate */
    /* TERMINATED: GET DATA only */
    CHECK_EQ(send_sec(&h, "80F28002024F0000", out, &ol), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    power_cycle();
    CHECK_EQ(tx("80CA9F7F00"), SW_NO_ERROR);
    CHECK_EQ(tx("8050000008 1122334455667788 00"), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    CHECK_EQ(tx("80D8008100"), SW_CONDITIONS_OF_USE_NOT_SATISFIED);
    scp03_session_clear(&h.s);
}

static void test_corrupt_image(void)
{
    fresh();
    uint8_t *img;
    size_t n;
    REQUIRE(store_medium_get_bytes(med, &img, &n) == SEAM_OK);
    se_close(card);
    card = NULL;
    /* a different, empty-but-valid store image (no card record): refused, with a message */
    store_medium *m2;
    store_medium_memory(&m2);
    store *st;
    char msg[256];
    REQUIRE(store_open(&st, m2, 0, msg, sizeof msg) == SEAM_OK);
    store_id id;
    store_alloc(st, 0, 9, 16, &id);
    store_close(st);
    se *s2;
    se_config cfg = {.medium = m2, .quiet = true};
    msg[0] = 0;
    CHECK_EQ(se_open(&s2, &cfg, msg, sizeof msg), SEAM_E_CORRUPT);
    CHECK(strlen(msg) > 0);
    store_medium_free(m2);
    /* a flipped byte in the middle of the card's image */
    img[n / 3] ^= 0x5A;
    store_medium_set_bytes(med, img, n);
    cfg.medium = med;
    seam_err e = se_open(&s2, &cfg, msg, sizeof msg);
    CHECK(e == SEAM_E_CORRUPT);
    if (e == SEAM_OK) se_close(s2);
    free(img);
    store_medium_free(med);
    med = NULL;
}

int main(void)
{
    RUN(test_atr);
    RUN(test_select);
    RUN(test_malformed);
    RUN(test_channels);
    RUN(test_get_data);
    RUN(test_scp03_levels);
    RUN(test_put_key_vector);
    RUN(test_put_key_negative);
    RUN(test_delete_key);
    RUN(test_scp03_negative);
    RUN(test_channels_sessions);
    RUN(test_extended_and_chaining);
    RUN(test_try_counter);
    RUN(test_life_cycle);
    RUN(test_corrupt_image);
    if (card) se_close(card);
    if (med) store_medium_free(med);
    return check_summary();
}
