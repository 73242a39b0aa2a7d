/*
 * Tests for the host side of card content management (src/host/gp_content.c) and the GET STATUS
 * formats (src/host/gp_status.c): the APDUs of INSTALL [for load], INSTALL [for install and make
 * selectable], LOAD and DELETE as they leave the host, and the parsing of GET STATUS answers in
 * the tagged and the legacy format, with the fallback from one to the other.
 *
 * The expected bytes are written out by hand from GP Card Specification 2.3.1: DELETE §11.2.2
 * (P2 b8 = delete related objects; data 4F AID), GET STATUS §11.4.2 and §11.4.3 (P2 '02' tagged
 * E3 templates, P2 '00' legacy records, b1 of P2 = next occurrence), INSTALL §11.5.2 (P1 '02'
 * for load, '0C' for install and make selectable; length-prefixed fields; C9 install parameters
 * mandatory), LOAD §11.6.2 (C4 + BER length on the first block only, P1 '80' on the last, P2
 * block number from 0). Every command here also carries Le '00' (a card may return a receipt).
 * The AIDs are those of seam's echo applet (package F07365616D01, applet F07365616D0101).
 *
 * A mock card records the commands and plays back canned answers; for the wrapped LOAD blocks a
 * session is set up from fixed session keys (scp03_session_from_keys), and the card side of
 * the shared SCP03 code unwraps what the host sent. Last, the in-process SE: a small package
 * loaded over SCP03 in blocks of every size class, listed in both GET STATUS formats (which must
 * agree), and deleted (skipped, with a note, while the card answers 6D00 to INSTALL); and a
 * package of about 63,700 bytes (more than 256 short LOAD blocks) written with the jcconv writer,
 * loaded in extended-length LOAD commands (ISO/IEC 7816-4 §5.1) at levels 01, 03 and 33, with
 * the card's 64 KiB Load File Data Block limit on either side of its boundary.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "seam/gpclient.h"
#include "seam/jcconv.h"
#include "seam/jcl.h"
#include "seam/scp03.h"
#include "seam/se.h"
#include "seam/sw.h"
#include "seam/transport.h"

/* ---- mock card ---- */
#define MOCK_MAX 320
typedef struct {
    uint8_t resp[16][300];
    size_t resp_len[16];
    size_t n_resp;
    uint8_t default_resp[2];    /* after the canned answers run out (9000 unless set) */
    uint8_t cmd[MOCK_MAX][320]; /* room for a 304-byte block in an extended command */
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
    const uint8_t *r = m->default_resp;
    size_t rl = 2;
    if (i < m->n_resp) {
        r = m->resp[i];
        rl = m->resp_len[i];
    }
    if (cap < rl) return SEAM_E_LENGTH;
    memcpy(resp, r, rl);
    *resp_len = rl;
    return SEAM_OK;
}

static seam_err mock_reset(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len)
{
    (void)ctx;
    if (cap < 2) return SEAM_E_LENGTH;
    atr[0] = 0x3B;
    atr[1] = 0x00;
    *atr_len = 2;
    return SEAM_OK;
}

static void mock_init(mock *m)
{
    memset(m, 0, sizeof *m);
    m->default_resp[0] = 0x90;
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

/* Checks recorded command i against hex. */
static void check_cmd(const mock *m, size_t i, const char *hex)
{
    size_t n = 0;
    uint8_t *want = check_hex(hex, &n);
    CHECK(i < m->n_cmd);
    if (i < m->n_cmd) {
        CHECK_EQ(m->cmd_len[i], n);
        if (m->cmd_len[i] == n) CHECK_MEM(m->cmd[i], want, n);
    }
    free(want);
}

static const uint8_t PKG[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01};
static const uint8_t APPLET[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x01};
#define ISD ((const uint8_t *)GP_ISD_AID)

/* ---- data fields (§11.5.2.3, §11.2.2.3) ---- */
static void test_install_for_load_data(void)
{
    uint8_t out[300];
    size_t n = 0;
    /* Load File AID, SD AID, then empty hash, load parameters and token. */
    CHECK_EQ(gp_install_for_load_data(PKG, 6, ISD, 8, out, sizeof out, &n), SEAM_OK);
    size_t wn;
    uint8_t *want = check_hex("06F07365616D01"
                              "08A000000151000000"
                              "00"
                              "00"
                              "00",
                              &wn);
    CHECK_EQ(n, wn);
    CHECK_MEM(out, want, wn);
    free(want);
    /* No SD AID: its length byte is 00. */
    CHECK_EQ(gp_install_for_load_data(PKG, 6, NULL, 0, out, sizeof out, &n), SEAM_OK);
    want = check_hex("06F07365616D01"
                     "00"
                     "00"
                     "00"
                     "00",
                     &wn);
    CHECK_EQ(n, wn);
    CHECK_MEM(out, want, wn);
    free(want);
    /* Bad AIDs and short buffers. */
    CHECK_EQ(gp_install_for_load_data(PKG, 4, ISD, 8, out, sizeof out, &n), SEAM_E_ARG);
    CHECK_EQ(gp_install_for_load_data(PKG, 17, ISD, 8, out, sizeof out, &n), SEAM_E_ARG);
    CHECK_EQ(gp_install_for_load_data(PKG, 6, ISD, 3, out, sizeof out, &n), SEAM_E_ARG);
    CHECK_EQ(gp_install_for_load_data(NULL, 6, ISD, 8, out, sizeof out, &n), SEAM_E_ARG);
    for (size_t cap = 0; cap < 18; cap++)
        CHECK_EQ(gp_install_for_load_data(PKG, 6, ISD, 8, out, cap, &n), SEAM_E_LENGTH);
    CHECK_EQ(gp_install_for_load_data(PKG, 6, ISD, 8, out, 19, &n), SEAM_OK);
}

static void test_install_for_install_data(void)
{
    uint8_t out[300];
    size_t n = 0, wn = 0;
    static const uint8_t priv0[1] = {0x00};
    /* ELF, module, application AID, privileges 01 00, install parameters 02 C9 00, token 00. */
    CHECK_EQ(gp_install_for_install_data(PKG, 6, APPLET, 7, APPLET, 7, priv0, 1, NULL, 0, out,
                                         sizeof out, &n),
             SEAM_OK);
    uint8_t *want = check_hex("06F07365616D01"
                              "07F07365616D0101"
                              "07F07365616D0101"
                              "0100"
                              "02C900"
                              "00",
                              &wn);
    CHECK_EQ(n, wn);
    CHECK_MEM(out, want, wn);
    free(want);
    /* Another instance AID, three privilege bytes, parameters. */
    static const uint8_t inst[] = {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01, 0x02};
    static const uint8_t priv3[3] = {0x80, 0x00, 0x00};
    static const uint8_t params[2] = {0xAA, 0xBB};
    CHECK_EQ(gp_install_for_install_data(PKG, 6, APPLET, 7, inst, 7, priv3, 3, params, 2, out,
                                         sizeof out, &n),
             SEAM_OK);
    want = check_hex("06F07365616D01"
                     "07F07365616D0101"
                     "07F07365616D0102"
                     "03800000"
                     "04C902AABB"
                     "00",
                     &wn);
    CHECK_EQ(n, wn);
    CHECK_MEM(out, want, wn);
    free(want);
    /* 128 bytes of parameters: C9 takes the two-byte BER length 81 80. */
    uint8_t big[230];
    memset(big, 0x5A, sizeof big);
    CHECK_EQ(gp_install_for_install_data(PKG, 6, APPLET, 7, APPLET, 7, priv0, 1, big, 128, out,
                                         sizeof out, &n),
             SEAM_OK);
    CHECK_EQ(n, 7 + 8 + 8 + 2 + 1 + 3 + 128 + 1);
    CHECK_EQ(out[25], 131);
    CHECK_EQ(out[26], 0xC9);
    CHECK_EQ(out[27], 0x81);
    CHECK_EQ(out[28], 0x80);
    CHECK_EQ(out[n - 1], 0x00);
    /* The data field is 30 + parameter bytes here: 225 fill a short APDU, 226 do not. */
    CHECK_EQ(gp_install_for_install_data(PKG, 6, APPLET, 7, APPLET, 7, priv0, 1, big, 225, out,
                                         sizeof out, &n),
             SEAM_OK);
    CHECK_EQ(n, 255);
    CHECK_EQ(gp_install_for_install_data(PKG, 6, APPLET, 7, APPLET, 7, priv0, 1, big, 226, out,
                                         sizeof out, &n),
             SEAM_E_LENGTH);
    /* Privileges must be 1 or 3 bytes; AIDs 5..16. */
    CHECK_EQ(gp_install_for_install_data(PKG, 6, APPLET, 7, APPLET, 7, priv3, 2, NULL, 0, out,
                                         sizeof out, &n),
             SEAM_E_ARG);
    CHECK_EQ(gp_install_for_install_data(PKG, 6, APPLET, 3, APPLET, 7, priv0, 1, NULL, 0, out,
                                         sizeof out, &n),
             SEAM_E_ARG);
    CHECK_EQ(gp_install_for_install_data(PKG, 6, APPLET, 7, APPLET, 0, priv0, 1, NULL, 0, out,
                                         sizeof out, &n),
             SEAM_E_ARG);
    CHECK_EQ(gp_install_for_install_data(PKG, 6, APPLET, 7, APPLET, 7, priv0, 1, NULL, 3, out,
                                         sizeof out, &n),
             SEAM_E_ARG);
    for (size_t cap = 0; cap < 29; cap++)
        CHECK_EQ(gp_install_for_install_data(PKG, 6, APPLET, 7, APPLET, 7, priv0, 1, NULL, 0, out,
                                             cap, &n),
                 SEAM_E_LENGTH);
}

static void test_delete_data(void)
{
    uint8_t out[32];
    size_t n = 0, wn = 0;
    CHECK_EQ(gp_delete_data(APPLET, 7, out, sizeof out, &n), SEAM_OK);
    uint8_t *want = check_hex("4F07F07365616D0101", &wn);
    CHECK_EQ(n, wn);
    CHECK_MEM(out, want, wn);
    free(want);
    CHECK_EQ(gp_delete_data(APPLET, 4, out, sizeof out, &n), SEAM_E_ARG);
    CHECK_EQ(gp_delete_data(APPLET, 7, out, 8, &n), SEAM_E_LENGTH);
}

/* ---- LOAD blocks (§11.6.2.3) ---- */
static void test_load_blocks(void)
{
    uint8_t lfdb[70000];
    for (size_t i = 0; i < sizeof lfdb; i++)
        lfdb[i] = (uint8_t)(i * 7 + 3);
    uint8_t out[300];
    size_t n = 0;
    bool last = false;

    /* The C4 header's BER length at each size boundary (X.690 §8.1.3). */
    static const struct {
        size_t len;
        const char *hdr;
    } hdrs[] = {{1, "C401"},       {127, "C47F"},       {128, "C48180"},      {255, "C481FF"},
                {256, "C4820100"}, {65535, "C482FFFF"}, {65536, "C483010000"}};
    for (size_t k = 0; k < SEAM_ARRAY_LEN(hdrs); k++) {
        size_t hn = 0;
        uint8_t *h = check_hex(hdrs[k].hdr, &hn);
        CHECK_EQ(gp_load_block(lfdb, hdrs[k].len, 255, 0, out, sizeof out, &n, &last), SEAM_OK);
        CHECK_MEM(out, h, hn);
        size_t first = hdrs[k].len + hn < 255 ? hdrs[k].len : 255 - hn;
        CHECK_MEM(out + hn, lfdb, first);
        CHECK_EQ(gp_load_block_count(hdrs[k].len, 255), (hdrs[k].len + hn + 254) / 255);
        free(h);
    }

    /* 300 bytes in blocks of 100: C4 82 01 2C + 300 = 304 bytes, 4 blocks (100, 100, 100, 4). */
    CHECK_EQ(gp_load_block_count(300, 100), 4);
    CHECK_EQ(gp_load_block(lfdb, 300, 100, 0, out, sizeof out, &n, &last), SEAM_OK);
    CHECK_EQ(n, 100);
    CHECK(!last);
    static const uint8_t h300[4] = {0xC4, 0x82, 0x01, 0x2C};
    CHECK_MEM(out, h300, 4);
    CHECK_MEM(out + 4, lfdb, 96);
    CHECK_EQ(gp_load_block(lfdb, 300, 100, 1, out, sizeof out, &n, &last), SEAM_OK);
    CHECK_EQ(n, 100);
    CHECK_MEM(out, lfdb + 96, 100);
    CHECK_EQ(gp_load_block(lfdb, 300, 100, 3, out, sizeof out, &n, &last), SEAM_OK);
    CHECK_EQ(n, 4);
    CHECK(last);
    CHECK_MEM(out, lfdb + 296, 4);
    CHECK_EQ(gp_load_block(lfdb, 300, 100, 4, out, sizeof out, &n, &last), SEAM_E_ARG);
    /* A block smaller than the header: the header itself is split. */
    CHECK_EQ(gp_load_block_count(300, 3), 102);
    CHECK_EQ(gp_load_block(lfdb, 300, 3, 0, out, sizeof out, &n, &last), SEAM_OK);
    CHECK_EQ(n, 3);
    CHECK_MEM(out, h300, 3);
    CHECK_EQ(gp_load_block(lfdb, 300, 3, 1, out, sizeof out, &n, &last), SEAM_OK);
    CHECK_EQ(out[0], 0x2C);
    CHECK_MEM(out + 1, lfdb, 2);
    /* Reassembling every block gives the stream back, whatever the block size. */
    static const size_t sizes[] = {1, 2, 5, 16, 100, 223, 239, 247, 255};
    for (size_t k = 0; k < SEAM_ARRAY_LEN(sizes); k++) {
        size_t bs = sizes[k], cnt = gp_load_block_count(1000, bs), total = 0;
        uint8_t *all = malloc(1100);
        REQUIRE(all != NULL);
        for (size_t i = 0; i < cnt; i++) {
            CHECK_EQ(gp_load_block(lfdb, 1000, bs, i, all + total, 1100 - total, &n, &last),
                     SEAM_OK);
            CHECK(n <= bs && n > 0);
            CHECK_EQ(last, i + 1 == cnt);
            total += n;
        }
        CHECK_EQ(total, 1004);
        CHECK_EQ(all[0], 0xC4);
        CHECK_MEM(all + 4, lfdb, 1000);
        free(all);
    }
    /* Bad arguments. */
    CHECK_EQ(gp_load_block_count(0, 100), 0);
    CHECK_EQ(gp_load_block_count(100, 0), 0);
    CHECK_EQ(gp_load_block(lfdb, 300, 100, 0, out, 50, &n, &last), SEAM_E_LENGTH);
    CHECK_EQ(gp_load_block(NULL, 300, 100, 0, out, sizeof out, &n, &last), SEAM_E_ARG);
}

static void test_load_max_block(void)
{
    gp_session s;
    memset(&s, 0, sizeof s);
    CHECK_EQ(gp_load_max_block(NULL), 255);
    CHECK_EQ(gp_load_max_block(&s), 255); /* plain */
    s.open = true;
    s.scp.ch_len = 8;
    s.scp.level = 0x00;
    CHECK_EQ(gp_load_max_block(&s), 255);
    s.scp.level = 0x01; /* C-MAC: 255 - 8 */
    CHECK_EQ(gp_load_max_block(&s), 247);
    s.scp.level = 0x03; /* C-DEC: 239 pads to 240, + 8 = 248; 240 would pad to 256 */
    CHECK_EQ(gp_load_max_block(&s), 239);
    s.scp.level = 0x33;
    CHECK_EQ(gp_load_max_block(&s), 239);
    s.scp.ch_len = 16;
    CHECK_EQ(gp_load_max_block(&s), 223); /* 224 + 16 = 240 */
    s.scp.level = 0x11;
    CHECK_EQ(gp_load_max_block(&s), 239);
}

/* The extended-length limits and the choice of block size (ISO/IEC 7816-4 §5.1: Lc up to
 * 65535; GP CS 2.3.1 §11.6.2: at most 256 blocks numbered in P2), at their boundaries. */
static void test_load_plan(void)
{
    gp_session s;
    memset(&s, 0, sizeof s);
    CHECK_EQ(gp_load_max_block_ext(NULL), 65535);
    CHECK_EQ(gp_load_max_block_ext(&s), 65535); /* plain */
    s.open = true;
    s.scp.ch_len = 8;
    s.scp.level = 0x01;
    CHECK_EQ(gp_load_max_block_ext(&s), 65527);
    s.scp.level = 0x33; /* 65519 pads to 65520, + 8 = 65528; 65520 would pad to 65536 */
    CHECK_EQ(gp_load_max_block_ext(&s), 65519);
    s.scp.ch_len = 16;
    CHECK_EQ(gp_load_max_block_ext(&s), 65503); /* 65504 + 16 = 65520 */
    s.scp.ch_len = 8;

    size_t b = 0, n = 0;
    bool ext = true;
    /* Exactly 256 short blocks: C4 82 xx xx (4 bytes) + 61180 = 256 x 239. */
    CHECK_EQ(gp_load_plan(&s, 256 * 239 - 4, 0, &b, &n, &ext), SEAM_OK);
    CHECK_EQ(b, 239);
    CHECK_EQ(n, 256);
    CHECK(!ext);
    /* One byte more: extended blocks, the smallest 16k - 1 that keeps 256 of them (ceil(61185 /
     * 256) = 240 -> 255, which pads to 256 + 8 MAC = 264 > 255). */
    CHECK_EQ(gp_load_plan(&s, 256 * 239 - 3, 0, &b, &n, &ext), SEAM_OK);
    CHECK_EQ(b, 255);
    CHECK_EQ(n, 240);
    CHECK(ext);
    /* 256 x 239 + 1 bytes of load file: the same. */
    CHECK_EQ(gp_load_plan(&s, 256 * 239 + 1, 0, &b, &n, &ext), SEAM_OK);
    CHECK_EQ(b, 255);
    CHECK(ext);
    CHECK_EQ(n, gp_load_block_count(256 * 239 + 1, 255));
    /* SmartPGP's 63,810 bytes: ceil(63814 / 256) = 250 -> 255, 251 blocks. */
    CHECK_EQ(gp_load_plan(&s, 63810, 0, &b, &n, &ext), SEAM_OK);
    CHECK_EQ(b, 255);
    CHECK_EQ(n, 251);
    /* 64 KiB: C4 83 01 00 00 (5 bytes) + 65536 = 65541; ceil / 256 = 257 -> 271. */
    CHECK_EQ(gp_load_plan(&s, 65536, 0, &b, &n, &ext), SEAM_OK);
    CHECK_EQ(b, 271);
    CHECK_EQ(n, 242);
    CHECK(ext);
    /* Without C-DECRYPTION no rounding: level 01, 63,810 bytes: 256 x 247 = 63232 < 63814. */
    s.scp.level = 0x01;
    CHECK_EQ(gp_load_plan(&s, 63810, 0, &b, &n, &ext), SEAM_OK);
    CHECK_EQ(b, 250);
    CHECK_EQ(n, 256);
    CHECK(ext);
    CHECK_EQ(gp_load_plan(&s, 256 * 247 - 4, 0, &b, &n, &ext), SEAM_OK);
    CHECK_EQ(b, 247);
    CHECK(!ext);
    s.scp.level = 0x33;
    /* An explicit block size: short up to the short maximum, extended above it. */
    CHECK_EQ(gp_load_plan(&s, 1000, 239, &b, &n, &ext), SEAM_OK);
    CHECK(!ext);
    CHECK_EQ(gp_load_plan(&s, 1000, 240, &b, &n, &ext), SEAM_OK);
    CHECK(ext);
    CHECK_EQ(b, 240);
    CHECK_EQ(n, 5);
    CHECK_EQ(gp_load_plan(&s, 70000, 65519, &b, &n, &ext), SEAM_OK);
    CHECK_EQ(n, 2);
    CHECK_EQ(gp_load_plan(&s, 70000, 65520, &b, &n, &ext), SEAM_E_LENGTH);
    /* An explicit short size that needs more than 256 blocks is not silently changed. */
    CHECK_EQ(gp_load_plan(&s, 256 * 239 - 3, 239, &b, &n, &ext), SEAM_E_LENGTH);
    CHECK_EQ(b, 0);
    CHECK_EQ(n, 0);
    /* More than 256 of the largest extended blocks, or over the C4 length: refused. */
    CHECK_EQ(gp_load_plan(&s, 256 * 65519, 0, &b, &n, &ext), SEAM_E_LENGTH);
    CHECK_EQ(gp_load_plan(&s, 256 * 65519 - 5, 0, &b, &n, &ext), SEAM_OK);
    CHECK_EQ(n, 256);
    CHECK_EQ(gp_load_plan(&s, 0x1000000, 0, &b, &n, &ext), SEAM_E_LENGTH);
    CHECK_EQ(gp_load_plan(&s, 0, 0, &b, &n, &ext), SEAM_E_LENGTH);
    CHECK_EQ(gp_load_plan(&s, 10, 0, NULL, &n, &ext), SEAM_E_ARG);
    /* gp_load refuses what the plan refuses, before sending anything (no client: a send would
     * fail with SEAM_E_ARG, not SEAM_E_LENGTH). */
    uint8_t one = 0;
    uint16_t sw = 0;
    CHECK_EQ(gp_load(&s, &one, 1, 65520, NULL, &sw), SEAM_E_LENGTH);
}

/* ---- the commands on the wire (plain session) ---- */
static void test_commands_plain(void)
{
    mock m;
    mock_init(&m);
    mock_add(&m, "009000"); /* INSTALL [for load]: '00', no receipt */
    gp_client cl = {.card = mock_card(&m)};
    gp_session s;
    gp_session_plain(&s, &cl);
    uint16_t sw = 0;

    CHECK_EQ(gp_install_for_load(&s, PKG, 6, ISD, 8, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    check_cmd(&m, 0,
              "80E6020013"
              "06F07365616D01"
              "08A000000151000000"
              "000000"
              "00");

    static const uint8_t priv0[1] = {0x00};
    CHECK_EQ(gp_install_for_install(&s, GP_INSTALL_FOR_INSTALL_SELECTABLE, PKG, 6, APPLET, 7,
                                    APPLET, 7, priv0, 1, NULL, 0, &sw),
             SEAM_OK);
    check_cmd(&m, 1,
              "80E60C001D"
              "06F07365616D01"
              "07F07365616D0101"
              "07F07365616D0101"
              "0100"
              "02C900"
              "00"
              "00");
    CHECK_EQ(gp_install_for_install(&s, 0x02, PKG, 6, APPLET, 7, APPLET, 7, priv0, 1, NULL, 0, &sw),
             SEAM_E_ARG);

    CHECK_EQ(gp_delete(&s, APPLET, 7, false, &sw), SEAM_OK);
    check_cmd(&m, 2,
              "80E4000009"
              "4F07F07365616D0101"
              "00");
    CHECK_EQ(gp_delete(&s, PKG, 6, true, &sw), SEAM_OK);
    check_cmd(&m, 3,
              "80E4008008"
              "4F06F07365616D01"
              "00");

    /* LOAD of 300 bytes in blocks of 100: P1 00 00 00 80, P2 00 01 02 03. */
    uint8_t lfdb[300];
    for (size_t i = 0; i < sizeof lfdb; i++)
        lfdb[i] = (uint8_t)i;
    size_t blocks = 0;
    size_t first = m.n_cmd;
    CHECK_EQ(gp_load(&s, lfdb, sizeof lfdb, 100, &blocks, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(blocks, 4);
    CHECK_EQ(m.n_cmd - first, 4);
    static const uint8_t p1[4] = {0x00, 0x00, 0x00, 0x80};
    static const size_t lc[4] = {100, 100, 100, 4};
    for (size_t i = 0; i < 4; i++) {
        const uint8_t *c = m.cmd[first + i];
        CHECK_EQ(c[0], 0x80);
        CHECK_EQ(c[1], 0xE8);
        CHECK_EQ(c[2], p1[i]);
        CHECK_EQ(c[3], i);
        CHECK_EQ(c[4], lc[i]);
        CHECK_EQ(m.cmd_len[first + i], 5 + lc[i] + 1);
        CHECK_EQ(c[5 + lc[i]], 0x00); /* Le */
    }
    check_cmd(&m, first + 3,
              "80E8800304"
              "28292A2B"
              "00" /* bytes 296..299 */);
    /* Default block size on a plain session: 255. */
    first = m.n_cmd;
    CHECK_EQ(gp_load(&s, lfdb, sizeof lfdb, 0, &blocks, &sw), SEAM_OK);
    CHECK_EQ(blocks, 2);
    CHECK_EQ(m.cmd[first][4], 255);
    CHECK_EQ(m.cmd[first + 1][4], 304 - 255);
    CHECK_EQ(m.cmd[first + 1][2], 0x80);
    /* Too many blocks (P2 numbers 0..255): refused before anything is sent. */
    first = m.n_cmd;
    CHECK_EQ(gp_load(&s, lfdb, sizeof lfdb, 1, &blocks, &sw), SEAM_E_LENGTH);
    CHECK_EQ(m.n_cmd, first);
    /* A block over 255 goes in one extended command: 80 E8 80 00 00 01 34 <C4 82 01 2C ...>
     * 00 00 (ISO/IEC 7816-4 §5.1: extended Lc, then a two-byte Le). */
    first = m.n_cmd;
    CHECK_EQ(gp_load(&s, lfdb, sizeof lfdb, 304, &blocks, &sw), SEAM_OK);
    CHECK_EQ(blocks, 1);
    REQUIRE(m.n_cmd == first + 1);
    CHECK_EQ(m.cmd_len[first], 7 + 304 + 2);
    static const uint8_t ext_hdr[] = {0x80, 0xE8, 0x80, 0x00, 0x00, 0x01,
                                      0x30, 0xC4, 0x82, 0x01, 0x2C};
    CHECK_MEM(m.cmd[first], ext_hdr, sizeof ext_hdr);
    CHECK_EQ(m.cmd[first][7 + 304], 0x00);
    CHECK_EQ(m.cmd[first][7 + 304 + 1], 0x00);
    first = m.n_cmd;
    CHECK_EQ(gp_load(&s, lfdb, sizeof lfdb, 65536, &blocks, &sw), SEAM_E_LENGTH);
    CHECK_EQ(m.n_cmd, first);
    CHECK_EQ(gp_load(&s, lfdb, 0, 100, &blocks, &sw), SEAM_E_ARG);
    card_close(cl.card);

    /* The card refuses block 1: the sequence stops there, with its status word. */
    mock_init(&m);
    mock_add(&m, "9000");
    mock_add(&m, "6A84");
    cl.card = mock_card(&m);
    gp_session_plain(&s, &cl);
    CHECK_EQ(gp_load(&s, lfdb, sizeof lfdb, 100, &blocks, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NOT_ENOUGH_MEMORY);
    CHECK_EQ(blocks, 1);
    CHECK_EQ(m.n_cmd, 2);
    /* A card that knows no card content management. */
    mock_init(&m);
    mock_add(&m, "6D00");
    card_close(cl.card);
    cl.card = mock_card(&m);
    gp_session_plain(&s, &cl);
    CHECK_EQ(gp_install_for_load(&s, PKG, 6, ISD, 8, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_INS_NOT_SUPPORTED);
    CHECK(strstr(gp_content_sw_str(0xE6, sw), "not supported") != NULL);
    CHECK(strstr(gp_content_sw_str(0xE4, SW_REFERENCED_DATA_NOT_FOUND), "application") != NULL);
    CHECK(strstr(gp_content_sw_str(0xE8, SW_NOT_ENOUGH_MEMORY), "memory") != NULL);
    CHECK(strcmp(gp_content_sw_str(0xE4, SW_SECURITY_STATUS_NOT_SATISFIED),
                 gp_sw_str(SW_SECURITY_STATUS_NOT_SATISFIED)) == 0);
    card_close(cl.card);
}

/* ---- LOAD through SCP03: the default block fills the short APDU and the card unwraps it ---- */
static void test_load_wrapped(void)
{
    static const struct {
        uint8_t level, i_param;
        size_t block, wire_lc; /* default block and the Lc it travels with */
    } cases[] = {
        {0x01, 0x70, 247, 255},                         /* C-MAC S8: 247 + 8 */
        {0x03, 0x70, 239, 248},                         /* C-DEC S8: 240 + 8 */
        {0x13, 0x70, 239, 248}, {0x01, 0x71, 239, 255}, /* C-MAC S16: 239 + 16 */
        {0x03, 0x71, 223, 240},                         /* C-DEC S16: 224 + 16 */
    };
    uint8_t k_enc[16], k_mac[16], k_rmac[16], chain[16] = {0};
    for (int i = 0; i < 16; i++) {
        k_enc[i] = (uint8_t)(0x10 + i);
        k_mac[i] = (uint8_t)(0x20 + i);
        k_rmac[i] = (uint8_t)(0x30 + i);
    }
    uint8_t lfdb[600];
    for (size_t i = 0; i < sizeof lfdb; i++)
        lfdb[i] = (uint8_t)(i * 13);
    for (size_t k = 0; k < SEAM_ARRAY_LEN(cases); k++) {
        mock m;
        mock_init(&m);
        /* With R-MAC in force a bare 9000 would not verify: answer an error SW instead, which
         * stops the sequence after the first block (error SWs carry no R-MAC). */
        if (cases[k].level & SCP03_LEVEL_RMAC) mock_add(&m, "6A84");
        gp_client cl = {.card = mock_card(&m)};
        gp_session s;
        gp_session_plain(&s, &cl);
        REQUIRE(scp03_session_from_keys(&s.scp, k_enc, k_mac, k_rmac, 16, chain, cases[k].level,
                                        cases[k].i_param) == SEAM_OK);
        s.open = true;
        CHECK_EQ(gp_load_max_block(&s), cases[k].block);
        scp03_session card;
        memset(&card, 0, sizeof card);
        REQUIRE(scp03_session_from_keys(&card, k_enc, k_mac, k_rmac, 16, chain, cases[k].level,
                                        cases[k].i_param) == SEAM_OK);
        size_t blocks = 0;
        uint16_t sw = 0;
        CHECK_EQ(gp_load(&s, lfdb, sizeof lfdb, 0, &blocks, &sw), SEAM_OK);
        size_t expect_cmds = (cases[k].level & SCP03_LEVEL_RMAC)
                                 ? 1
                                 : gp_load_block_count(sizeof lfdb, cases[k].block);
        CHECK_EQ(m.n_cmd, expect_cmds);
        /* Every block as the card sees it: Lc within a short APDU, and the card's unwrap gives
         * back exactly the plain block. */
        for (size_t i = 0; i < m.n_cmd; i++) {
            apdu_cmd c;
            REQUIRE(apdu_parse(m.cmd[i], m.cmd_len[i], &c) == SEAM_OK);
            CHECK(!c.extended);
            CHECK_EQ(c.cla, 0x84);
            CHECK_EQ(c.ins, 0xE8);
            CHECK_EQ(c.p2, i);
            if (i == 0) CHECK_EQ(c.lc, cases[k].wire_lc);
            uint8_t plain[300], expect[300];
            size_t pn = 0, en = 0;
            bool last = false;
            CHECK_EQ(scp03_unwrap_command(&card, &c, plain, sizeof plain, &pn), SEAM_OK);
            CHECK_EQ(gp_load_block(lfdb, sizeof lfdb, cases[k].block, i, expect, sizeof expect, &en,
                                   &last),
                     SEAM_OK);
            CHECK_EQ(pn, en);
            CHECK_MEM(plain, expect, en);
            CHECK_EQ(c.p1, last ? 0x80 : 0x00);
        }
        /* One byte over the short limit: extended commands, which the card side unwraps
         * (the C-MAC covers the extended header, Amendment D §6.2.4). */
        size_t before = m.n_cmd;
        if (cases[k].level & SCP03_LEVEL_RMAC) mock_add(&m, "6A84");
        CHECK_EQ(gp_load(&s, lfdb, sizeof lfdb, cases[k].block + 1, &blocks, &sw), SEAM_OK);
        REQUIRE(m.n_cmd > before);
        {
            apdu_cmd c;
            REQUIRE(apdu_parse(m.cmd[before], m.cmd_len[before], &c) == SEAM_OK);
            CHECK(c.extended);
            CHECK_EQ(c.p2, 0);
            uint8_t plain[300], expect[300];
            size_t pn = 0, en = 0;
            bool last = false;
            CHECK_EQ(scp03_unwrap_command(&card, &c, plain, sizeof plain, &pn), SEAM_OK);
            CHECK_EQ(gp_load_block(lfdb, sizeof lfdb, cases[k].block + 1, 0, expect, sizeof expect,
                                   &en, &last),
                     SEAM_OK);
            CHECK_EQ(pn, en);
            CHECK_MEM(plain, expect, en);
        }
        /* One byte over the extended limit is refused before anything is sent. */
        before = m.n_cmd;
        CHECK_EQ(gp_load(&s, lfdb, sizeof lfdb, gp_load_max_block_ext(&s) + 1, &blocks, &sw),
                 SEAM_E_LENGTH);
        CHECK_EQ(m.n_cmd, before);
        scp03_session_clear(&card);
        gp_session_close(&s);
        card_close(cl.card);
    }
}

/* ---- GET STATUS parsing (§11.4.3) ---- */
static void test_parse_status_tagged(void)
{
    gp_status_entry e[4];
    size_t n = 0, cnt = 0;
    /* P1 '10': a load file with version 1.0, two modules, its security domain. */
    uint8_t *b = check_hex("E32C"
                           "4F06F07365616D01"
                           "9F700101"
                           "CE020100"
                           "8407F07365616D0101"
                           "8407F07365616D0102"
                           "CC08A000000151000000",
                           &n);
    CHECK_EQ(gp_parse_status(b, n, e, 4, &cnt), SEAM_OK);
    CHECK_EQ(cnt, 1);
    CHECK_EQ(e[0].aid_len, 6);
    CHECK_MEM(e[0].aid, PKG, 6);
    CHECK_EQ(e[0].lifecycle, 0x01);
    CHECK_EQ(e[0].version_len, 2);
    CHECK_EQ(e[0].version[0], 1);
    CHECK_EQ(e[0].version[1], 0);
    CHECK_EQ(e[0].n_modules, 2);
    CHECK_EQ(e[0].module_len[1], 7);
    CHECK_EQ(e[0].modules[1][6], 0x02);
    CHECK_EQ(e[0].sd_aid_len, 8);
    CHECK(strcmp(gp_lifecycle_name(GP_STATUS_LOAD_FILES_MODULES, 0x01), "LOADED") == 0);
    free(b);
    /* P1 '40': an application with its load file (C4), privileges 00 and security domain. */
    cnt = 0;
    b = check_hex("E322"
                  "4F07F07365616D0101"
                  "9F700107"
                  "C50100"
                  "C406F07365616D01"
                  "CC08A000000151000000",
                  &n);
    CHECK_EQ(gp_parse_status(b, n, e, 4, &cnt), SEAM_OK);
    CHECK_EQ(cnt, 1);
    CHECK_EQ(e[0].lifecycle, 0x07);
    CHECK_EQ(e[0].priv_len, 1);
    CHECK_EQ(e[0].priv[0], 0x00);
    CHECK_EQ(e[0].elf_aid_len, 6);
    CHECK_MEM(e[0].elf_aid, PKG, 6);
    CHECK(strcmp(gp_lifecycle_name(GP_STATUS_APPS, 0x07), "SELECTABLE") == 0);
    free(b);
    /* Module AID too long, version too long: refused. */
    static const char *const bad[] = {
        "E31F4F06F07365616D019F7001018411F07365616D010101010101010101010101",
        "E3134F06F07365616D019F700101CE050100000000",
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(bad); i++) {
        cnt = 0;
        b = check_hex(bad[i], &n);
        CHECK_EQ(gp_parse_status(b, n, e, 4, &cnt), SEAM_E_FORMAT);
        free(b);
    }
}

static void test_parse_status_legacy(void)
{
    gp_status_entry e[4];
    size_t n = 0, cnt = 0;
    /* P1 '80': LEN AID LCS PRIV. */
    uint8_t *b = check_hex("08A0000001510000000F9E", &n);
    CHECK_EQ(gp_parse_status_legacy(GP_STATUS_ISD, b, n, e, 4, &cnt), SEAM_OK);
    CHECK_EQ(cnt, 1);
    CHECK_EQ(e[0].aid_len, 8);
    CHECK_EQ(e[0].lifecycle, 0x0F);
    CHECK_EQ(e[0].priv_len, 1);
    CHECK_EQ(e[0].priv[0], 0x9E);
    free(b);
    /* P1 '40': two applications. */
    cnt = 0;
    b = check_hex("07F07365616D01010700"
                  "07F07365616D0102"
                  "0F00",
                  &n);
    CHECK_EQ(gp_parse_status_legacy(GP_STATUS_APPS, b, n, e, 4, &cnt), SEAM_OK);
    CHECK_EQ(cnt, 2);
    CHECK_EQ(e[1].lifecycle, 0x0F);
    CHECK_EQ(e[1].aid[6], 0x02);
    free(b);
    /* P1 '10': LEN AID LCS PRIV NUM { LEN AID }. */
    cnt = 0;
    b = check_hex("06F07365616D010100"
                  "02"
                  "07F07365616D0101"
                  "07F07365616D0102",
                  &n);
    CHECK_EQ(gp_parse_status_legacy(GP_STATUS_LOAD_FILES_MODULES, b, n, e, 4, &cnt), SEAM_OK);
    CHECK_EQ(cnt, 1);
    CHECK_EQ(e[0].n_modules, 2);
    CHECK_EQ(e[0].n_modules_total, 2);
    CHECK_MEM(e[0].modules[0], APPLET, 7);
    /* The same bytes read as P1 '20' (no module list) are malformed. */
    cnt = 0;
    CHECK_EQ(gp_parse_status_legacy(GP_STATUS_LOAD_FILES, b, n, e, 4, &cnt), SEAM_E_FORMAT);
    /* Every truncation is refused, never read past. */
    for (size_t cut = 1; cut < n; cut++) {
        cnt = 0;
        uint8_t *t = malloc(cut);
        REQUIRE(t != NULL);
        memcpy(t, b, cut);
        CHECK_EQ(gp_parse_status_legacy(GP_STATUS_LOAD_FILES_MODULES, t, cut, e, 4, &cnt),
                 SEAM_E_FORMAT);
        free(t);
    }
    free(b);
    /* More modules than an entry keeps: counted, not stored. */
    char hex[1024] = "06F07365616D010100"
                     "0A";
    for (int i = 0; i < 10; i++)
        strcat(hex, "05F073656100");
    cnt = 0;
    b = check_hex(hex, &n);
    CHECK_EQ(gp_parse_status_legacy(GP_STATUS_LOAD_FILES_MODULES, b, n, e, 4, &cnt), SEAM_OK);
    CHECK_EQ(e[0].n_modules, GP_STATUS_MAX_MODULES);
    CHECK_EQ(e[0].n_modules_total, 10);
    free(b);
    /* AID lengths 0 and 17, table full, bad P1, empty answer. */
    static const char *const bad[] = {"00"
                                      "0700",
                                      "11F07365616D01010101010101010101010101"
                                      "0700"};
    for (size_t i = 0; i < SEAM_ARRAY_LEN(bad); i++) {
        cnt = 0;
        b = check_hex(bad[i], &n);
        CHECK_EQ(gp_parse_status_legacy(GP_STATUS_APPS, b, n, e, 4, &cnt), SEAM_E_FORMAT);
        free(b);
    }
    cnt = 0;
    b = check_hex("07F07365616D01010700"
                  "07F07365616D0102"
                  "0F00",
                  &n);
    CHECK_EQ(gp_parse_status_legacy(GP_STATUS_APPS, b, n, e, 1, &cnt), SEAM_E_FULL);
    CHECK_EQ(gp_parse_status_legacy(0x30, b, n, e, 4, &cnt), SEAM_E_ARG);
    free(b);
    cnt = 0;
    CHECK_EQ(gp_parse_status_legacy(GP_STATUS_APPS, NULL, 0, e, 4, &cnt), SEAM_OK);
    CHECK_EQ(cnt, 0);
}

/* GET STATUS falls back to P2 '00' when the card answers 6A86 to P2 '02' and continues with
 * P2 '01' on 63 10. */
static void test_get_status_fallback(void)
{
    mock m;
    mock_init(&m);
    mock_add(&m, "6A86");
    mock_add(&m, "07F07365616D010107006310");
    mock_add(&m, "07F07365616D0102070F9000");
    gp_client cl = {.card = mock_card(&m)};
    gp_session s;
    gp_session_plain(&s, &cl);
    gp_status_entry e[4];
    size_t n = 0;
    uint16_t sw = 0;
    bool legacy = false;
    CHECK_EQ(gp_get_status_any(&s, GP_STATUS_APPS, e, 4, &n, &legacy, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK(legacy);
    CHECK_EQ(n, 2);
    CHECK_EQ(e[1].priv[0], 0x0F);
    check_cmd(&m, 0, "80F24002024F0000");
    check_cmd(&m, 1, "80F24000024F0000");
    check_cmd(&m, 2, "80F24001024F0000");
    card_close(cl.card);

    /* Both formats refused: the second 6A86 is the answer (the caller then tries P1 '20'). */
    mock_init(&m);
    mock_add(&m, "6A86");
    mock_add(&m, "6A86");
    cl.card = mock_card(&m);
    gp_session_plain(&s, &cl);
    CHECK_EQ(gp_get_status(&s, GP_STATUS_LOAD_FILES_MODULES, e, 4, &n, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_INCORRECT_P1P2);
    CHECK_EQ(n, 0);
    CHECK_EQ(m.n_cmd, 2);
    check_cmd(&m, 1, "80F21000024F0000");
    card_close(cl.card);

    /* A tagged answer: no fallback. */
    mock_init(&m);
    mock_add(&m, "E3104F06F07365616D019F700101CE0201009000");
    cl.card = mock_card(&m);
    gp_session_plain(&s, &cl);
    CHECK_EQ(gp_get_status_any(&s, GP_STATUS_LOAD_FILES, e, 4, &n, &legacy, &sw), SEAM_OK);
    CHECK(!legacy);
    CHECK_EQ(n, 1);
    CHECK_EQ(m.n_cmd, 1);
    card_close(cl.card);
}

/* ---- the load file ---- */
typedef struct {
    uint8_t b[512];
    size_t n;
} jbuf;
static void ju1(jbuf *b, unsigned v)
{
    b->b[b->n++] = (uint8_t)v;
}
static void ju2(jbuf *b, unsigned v)
{
    ju1(b, v >> 8);
    ju1(b, v & 0xFF);
}
static void jbytes(jbuf *b, const void *p, size_t n)
{
    memcpy(b->b + b->n, p, n);
    b->n += n;
}
static void jstr(jbuf *b, const char *s)
{
    ju1(b, (unsigned)strlen(s));
    jbytes(b, s, strlen(s));
}
static void jsection(jbuf *out, unsigned tag, const jbuf *body)
{
    ju1(out, tag);
    ju2(out, 0);
    ju2(out, (unsigned)body->n);
    jbytes(out, body->b, body->n);
}

/* The smallest load file the format allows with one applet (include/seam/jcl.h): package p
 * (F07365616D01), import java/lang, one class p/A extending java/lang/Object, no members. */
static size_t tiny_jcl(uint8_t *out, size_t cap, bool with_applet)
{
    jbuf f = {.n = 0}, sec;
    ju2(&f, JCL_MAGIC >> 16);
    ju2(&f, JCL_MAGIC & 0xFFFF);
    ju1(&f, JCL_MAJOR);
    ju1(&f, JCL_MINOR);
    sec.n = 0;
    ju1(&sec, 6);
    jbytes(&sec, PKG, 6);
    jstr(&sec, "p");
    ju1(&sec, 1);
    ju1(&sec, 2);
    jsection(&f, JCL_SEC_PACKAGE, &sec);
    sec.n = 0;
    ju1(&sec, 1);
    ju1(&sec, 7);
    jbytes(&sec, JCL_AID_JAVA_LANG, 7);
    jstr(&sec, "java/lang");
    ju1(&sec, 1);
    ju1(&sec, 0);
    jsection(&f, JCL_SEC_IMPORTS, &sec);
    sec.n = 0;
    ju2(&sec, 2);
    ju1(&sec, JCL_CONST_CLASS);
    ju1(&sec, 1);
    jstr(&sec, "java/lang/Object");
    ju1(&sec, JCL_CONST_CLASS);
    ju1(&sec, JCL_PKG_SELF);
    jstr(&sec, "p/A");
    jsection(&f, JCL_SEC_CONSTANTS, &sec);
    sec.n = 0;
    ju1(&sec, 1);
    jstr(&sec, "p/A");
    ju2(&sec, 0x0021); /* public super */
    ju2(&sec, 1);      /* super: java/lang/Object */
    ju1(&sec, 0);      /* interfaces */
    ju2(&sec, 0);      /* fields */
    ju2(&sec, 0);      /* methods */
    jsection(&f, JCL_SEC_CLASSES, &sec);
    sec.n = 0;
    ju1(&sec, with_applet ? 1 : 0);
    if (with_applet) {
        ju1(&sec, 7);
        jbytes(&sec, APPLET, 7);
        ju1(&sec, 0);
    }
    jsection(&f, JCL_SEC_APPLETS, &sec);
    if (f.n > cap) abort();
    memcpy(out, f.b, f.n);
    return f.n;
}

static void test_load_file_info(void)
{
    uint8_t jcl[512];
    size_t n = tiny_jcl(jcl, sizeof jcl, true);
    gp_load_file_info info;
    char msg[200];
    seam_err e = gp_load_file_info_parse(jcl, n, &info, msg, sizeof msg);
    if (e != SEAM_OK) fprintf(stderr, "  jcl_parse: %s\n", msg);
    CHECK_EQ(e, SEAM_OK);
    CHECK_EQ(info.aid_len, 6);
    CHECK_MEM(info.aid, PKG, 6);
    CHECK_EQ(info.major, 1);
    CHECK_EQ(info.minor, 2);
    CHECK_EQ(info.n_applets, 1);
    CHECK_EQ(info.applet_len[0], 7);
    CHECK_MEM(info.applet[0], APPLET, 7);
    n = tiny_jcl(jcl, sizeof jcl, false);
    CHECK_EQ(gp_load_file_info_parse(jcl, n, &info, msg, sizeof msg), SEAM_OK);
    CHECK_EQ(info.n_applets, 0);
    /* Not a load file: refused with a message. */
    jcl[0] ^= 0xFF;
    CHECK_EQ(gp_load_file_info_parse(jcl, n, &info, msg, sizeof msg), SEAM_E_FORMAT);
    CHECK(msg[0] != '\0');
    CHECK_EQ(gp_load_file_info_parse(jcl, 3, &info, msg, sizeof msg), SEAM_E_FORMAT);
    CHECK_EQ(gp_load_file_info_parse(NULL, 3, &info, msg, sizeof msg), SEAM_E_ARG);
}

/* ---- against the in-process SE ---- */
static seam_err se_fn_transmit(void *ctx, const uint8_t *cmd, size_t len, uint8_t *resp, size_t cap,
                               size_t *resp_len)
{
    return se_transmit(ctx, cmd, len, resp, cap, resp_len);
}
static seam_err se_fn_reset(void *ctx, uint8_t *atr, size_t cap, size_t *atr_len)
{
    return se_reset(ctx, atr, cap, atr_len);
}

/* GET STATUS p1 in the legacy format, sent by hand (the card pages with 63 10 / P2 '01'). */
static seam_err legacy_status(gp_session *s, uint8_t p1, gp_status_entry *e, size_t cap, size_t *n,
                              uint16_t *sw)
{
    static const uint8_t all[2] = {0x4F, 0x00};
    uint8_t data[APDU_MAX_DATA];
    size_t len = 0;
    *n = 0;
    for (uint8_t p2 = 0x00;; p2 = 0x01) {
        seam_err err =
            gp_send_cmd(s, 0x80, 0xF2, p1, p2, all, sizeof all, true, data, sizeof data, &len, sw);
        if (err != SEAM_OK || (*sw != SW_NO_ERROR && *sw != 0x6310)) return err;
        err = gp_parse_status_legacy(p1, data, len, e, cap, n);
        if (err != SEAM_OK || *sw == SW_NO_ERROR) return err;
    }
}

/* A valid package of about 63,800 bytes (SmartPGP's load file is 63,810): tiny_jcl's class p/A
 * with two static methods of NOPs (JVMS §6.5 nop, kept by the converter's format) and a return. */
#define BIG_CODE 31800
static uint8_t *big_jcl(size_t *len)
{
    static const jcw_package java_lang = {
        .aid = {7, {0xA0, 0, 0, 0, 0x62, 0, 1}}, .name = "java/lang", .major = 1, .minor = 0};
    static const jcw_const consts[] = {
        {.kind = JCL_CONST_CLASS, .pkg = 1, .name = "java/lang/Object"},
        {.kind = JCL_CONST_CLASS, .pkg = JCL_PKG_SELF, .name = "p/A"},
    };
    uint8_t *code = calloc(1, BIG_CODE); /* 0x00 = nop */
    if (!code) return NULL;
    code[BIG_CODE - 1] = 0xB1; /* return */
    jcw_method m[2] = {
        {.flags = 0x0009, .name = "a", .desc = "()V", .code_len = BIG_CODE, .code = code},
        {.flags = 0x0009, .name = "b", .desc = "()V", .code_len = BIG_CODE, .code = code},
    };
    jcw_class cls = {.name = "p/A", .flags = 0x0021, .super = 1, .nmethods = 2, .methods = m};
    jcw_file f = {.package = {.aid = {6, {0xF0, 0x73, 0x65, 0x61, 0x6D, 0x01}},
                              .name = "p",
                              .major = 1,
                              .minor = 2},
                  .nimports = 1,
                  .imports = &java_lang,
                  .nconsts = 2,
                  .consts = consts,
                  .nclasses = 1,
                  .classes = &cls};
    uint8_t *out = NULL;
    char msg[200] = "";
    seam_err e = jcw_write(&f, &out, len, msg, sizeof msg);
    free(code);
    if (e != SEAM_OK) fprintf(stderr, "  jcw_write: %s\n", msg);
    return e == SEAM_OK ? out : NULL;
}

/* Counts LOAD commands on the wire and how many of them are extended. */
typedef struct {
    size_t loads, extended, max_lc;
} load_trace;
static void trace_loads(void *ctx, gp_trace_kind kind, const uint8_t *apdu, size_t len)
{
    load_trace *t = ctx;
    if (kind != GP_TRACE_WIRE_CMD || len < 5 || apdu[1] != 0xE8) return;
    t->loads++;
    size_t lc = apdu[4];
    if (apdu[4] == 0 && len >= 7) {
        t->extended++;
        lc = (size_t)apdu[5] << 8 | apdu[6];
    }
    if (lc > t->max_lc) t->max_lc = lc;
}

static void test_on_card_large(void)
{
    size_t jn = 0;
    uint8_t *jcl = big_jcl(&jn);
    REQUIRE(jcl != NULL);
    CHECK(jn > 256 * 247); /* more than 256 short blocks even at level 01 */
    CHECK(jn < 64 * 1024);
    gp_load_file_info info;
    char msg[256];
    CHECK_EQ(gp_load_file_info_parse(jcl, jn, &info, msg, sizeof msg), SEAM_OK);

    store_medium *med = NULL;
    se *card = NULL;
    seam_card *sc = NULL;
    REQUIRE(store_medium_memory(&med) == SEAM_OK);
    se_config cfg = {.medium = med, .quiet = true};
    if (se_open(&card, &cfg, msg, sizeof msg) != SEAM_OK) {
        fprintf(stderr, "  the in-process SE does not power up: %s\n", msg);
        CHECK(false);
        store_medium_free(med);
        free(jcl);
        return;
    }
    seam_card_fns fns = {se_fn_transmit, se_fn_reset, card};
    REQUIRE(card_open_fns(&sc, &fns) == SEAM_OK);
    load_trace tr;
    gp_client cl = {.card = sc, .trace = trace_loads, .trace_ctx = &tr};
    static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                         0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
    static const uint8_t levels[] = {0x01, 0x03, 0x33};
    uint8_t *junk = calloc(1, 64 * 1024 + 1);
    REQUIRE(junk != NULL);
    for (size_t li = 0; li < sizeof levels; li++) {
        uint8_t atr[64], fci[256];
        size_t n = 0, blocks = 0, bs = 0, count = 0;
        bool ext = false;
        uint16_t sw = 0;
        CHECK_EQ(card_reset(sc, atr, sizeof atr, &n), SEAM_OK);
        CHECK_EQ(gp_select(&cl, ISD, GP_ISD_AID_LEN, fci, sizeof fci, &n, &sw), SEAM_OK);
        gp_keys k;
        gp_keys_set(&k, test_key, test_key, test_key, 16, 0);
        gp_session s;
        CHECK_EQ(gp_session_open(&s, &cl, &k, levels[li], NULL, 8, &sw), SEAM_OK);
        gp_keys_wipe(&k);
        CHECK_EQ(gp_load_plan(&s, jn, 0, &bs, &count, &ext), SEAM_OK);
        CHECK(ext);
        CHECK(count <= 256);

        CHECK_EQ(gp_install_for_load(&s, PKG, 6, ISD, GP_ISD_AID_LEN, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);
        memset(&tr, 0, sizeof tr);
        CHECK_EQ(gp_load(&s, jcl, jn, 0, &blocks, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);
        CHECK_EQ(blocks, count);
        CHECK_EQ(tr.loads, count);
        CHECK_EQ(tr.extended, count);
        CHECK(tr.max_lc > 255);
        gp_status_entry e[4];
        /* the card's security domain load file (A0000001515350) comes first */
        CHECK_EQ(gp_get_status(&s, GP_STATUS_LOAD_FILES, e, 4, &n, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);
        CHECK_EQ(n, 2);
        if (n == 2) CHECK_MEM(e[1].aid, PKG, 6);
        CHECK_EQ(gp_delete(&s, PKG, 6, true, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);

        /* The card's 64 KiB limit (CM_LOAD_MAX): 65536 bytes are taken in (then refused as not
         * a package: 6A80), 65537 get 6A84 on the first block, before the rest is sent. */
        CHECK_EQ(gp_install_for_load(&s, PKG, 6, ISD, GP_ISD_AID_LEN, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);
        CHECK_EQ(gp_load_plan(&s, 64 * 1024, 0, &bs, &count, &ext), SEAM_OK);
        CHECK_EQ(gp_load(&s, junk, 64 * 1024, 0, &blocks, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_WRONG_DATA);
        CHECK_EQ(blocks, count - 1);
        CHECK_EQ(gp_install_for_load(&s, PKG, 6, ISD, GP_ISD_AID_LEN, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);
        memset(&tr, 0, sizeof tr);
        CHECK_EQ(gp_load(&s, junk, 64 * 1024 + 1, 0, &blocks, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NOT_ENOUGH_MEMORY);
        CHECK_EQ(blocks, 0);
        CHECK_EQ(tr.loads, 1);
        /* Nothing was left behind: only the security domain load file is listed. */
        CHECK_EQ(gp_get_status(&s, GP_STATUS_LOAD_FILES, e, 4, &n, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);
        CHECK_EQ(n, 1);
        gp_session_close(&s);
    }
    free(junk);
    free(jcl);
    card_close(sc);
    se_close(card);
    store_medium_free(med);
}

static void test_on_card(void)
{
    store_medium *med = NULL;
    se *card = NULL;
    seam_card *sc = NULL;
    char msg[256];
    REQUIRE(store_medium_memory(&med) == SEAM_OK);
    se_config cfg = {.medium = med, .quiet = true};
    if (se_open(&card, &cfg, msg, sizeof msg) != SEAM_OK) {
        fprintf(stderr, "  the in-process SE does not power up: %s\n", msg);
        CHECK(false);
        store_medium_free(med);
        return;
    }
    seam_card_fns fns = {se_fn_transmit, se_fn_reset, card};
    REQUIRE(card_open_fns(&sc, &fns) == SEAM_OK);
    gp_client cl = {.card = sc};
    uint8_t atr[64], fci[256];
    size_t n = 0;
    uint16_t sw = 0;
    CHECK_EQ(card_reset(sc, atr, sizeof atr, &n), SEAM_OK);
    CHECK_EQ(gp_select(&cl, ISD, GP_ISD_AID_LEN, fci, sizeof fci, &n, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    static const uint8_t test_key[16] = {0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                         0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
    gp_keys k;
    gp_keys_set(&k, test_key, test_key, test_key, 16, 0);
    gp_session s;
    CHECK_EQ(gp_session_open(&s, &cl, &k, 0x33, NULL, 8, &sw), SEAM_OK);
    gp_keys_wipe(&k);

    uint8_t jcl[512];
    size_t jn = tiny_jcl(jcl, sizeof jcl, false);
    CHECK_EQ(gp_install_for_load(&s, PKG, 6, ISD, GP_ISD_AID_LEN, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    if (sw != SW_NO_ERROR) goto out;
    /* Blocks of 16 bytes: many commands, each C-DEC padded to 32 bytes. */
    size_t blocks = 0;
    CHECK_EQ(gp_load(&s, jcl, jn, 16, &blocks, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(blocks, gp_load_block_count(jn, 16));

    /* Both formats list the same ISD and load file. */
    static const uint8_t kinds[] = {GP_STATUS_ISD, GP_STATUS_LOAD_FILES,
                                    GP_STATUS_LOAD_FILES_MODULES};
    for (size_t i = 0; i < sizeof kinds; i++) {
        gp_status_entry t[4], l[4];
        size_t tn = 0, ln = 0;
        bool legacy = true;
        CHECK_EQ(gp_get_status_any(&s, kinds[i], t, 4, &tn, &legacy, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);
        CHECK(!legacy);
        CHECK_EQ(legacy_status(&s, kinds[i], l, 4, &ln, &sw), SEAM_OK);
        CHECK_EQ(sw, SW_NO_ERROR);
        /* load files: the security domain load file, then the package */
        REQUIRE(tn == ln && tn == (kinds[i] == GP_STATUS_ISD ? 1u : 2u));
        for (size_t j = 0; j < tn; j++) {
            CHECK_EQ(t[j].aid_len, l[j].aid_len);
            CHECK_MEM(t[j].aid, l[j].aid, l[j].aid_len);
            CHECK_EQ(t[j].lifecycle, l[j].lifecycle);
            CHECK_EQ(t[j].n_modules, l[j].n_modules);
        }
        if (kinds[i] != GP_STATUS_ISD) {
            CHECK_MEM(t[1].aid, PKG, 6);
            CHECK_EQ(t[1].lifecycle, 0x01);
            CHECK_EQ(t[1].version_len, 2);
            CHECK_EQ(t[1].version[1], 2);
        }
    }
    /* Loading it again is refused; deleting it works once. */
    CHECK_EQ(gp_install_for_load(&s, PKG, 6, ISD, GP_ISD_AID_LEN, &sw), SEAM_OK);
    CHECK(sw != SW_NO_ERROR);
    CHECK_EQ(gp_delete(&s, PKG, 6, false, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(gp_delete(&s, PKG, 6, true, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_REFERENCED_DATA_NOT_FOUND);
    gp_status_entry e[4];
    CHECK_EQ(gp_get_status(&s, GP_STATUS_LOAD_FILES, e, 4, &n, &sw), SEAM_OK);
    CHECK_EQ(sw, SW_NO_ERROR);
    CHECK_EQ(n, 1); /* the security domain load file */
out:
    gp_session_close(&s);
    card_close(sc);
    se_close(card);
    store_medium_free(med);
}

int main(void)
{
    RUN(test_install_for_load_data);
    RUN(test_install_for_install_data);
    RUN(test_delete_data);
    RUN(test_load_blocks);
    RUN(test_load_max_block);
    RUN(test_load_plan);
    RUN(test_commands_plain);
    RUN(test_load_wrapped);
    RUN(test_parse_status_tagged);
    RUN(test_parse_status_legacy);
    RUN(test_get_status_fallback);
    RUN(test_load_file_info);
    RUN(test_on_card);
    RUN(test_on_card_large);
    return check_summary();
}
