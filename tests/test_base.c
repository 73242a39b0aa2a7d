/*
 * Tests of src/base/base.c: constant-time comparison, wiping, hex, the bounded reader and
 * writer, and error strings.
 */
#include "check.h"

#include "seam/base.h"

static void test_ct_equal(void)
{
    uint8_t a[32], b[32];
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = b[i] = (uint8_t)(i * 7);
    CHECK(seam_ct_equal(a, b, sizeof a));
    CHECK(seam_ct_equal(a, b, 0));
    for (size_t i = 0; i < sizeof a; i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1 << bit);
            CHECK(!seam_ct_equal(a, b, sizeof a));
            b[i] ^= (uint8_t)(1 << bit);
        }
    }
    b[31] ^= 0x80;
    CHECK(seam_ct_equal(a, b, 31));
    CHECK(!seam_ct_equal(a, b, 32));
}

static void test_wipe(void)
{
    uint8_t buf[40];
    memset(buf, 0xA5, sizeof buf);
    seam_wipe(buf + 4, 32);
    for (size_t i = 0; i < sizeof buf; i++)
        CHECK_EQ(buf[i], (i >= 4 && i < 36) ? 0 : 0xA5);
    seam_wipe(NULL, 0);
    seam_wipe(buf, 0);
}

static void test_hex_good(void)
{
    static const struct {
        const char *hex;
        size_t len;
        const uint8_t bytes[8];
    } cases[] = {
        {"", 0, {0}},
        {"00", 1, {0x00}},
        {"0aFf", 2, {0x0a, 0xff}},
        {"de ad:BE ef", 4, {0xde, 0xad, 0xbe, 0xef}},
        {" 0 1 ", 1, {0x01}},
        {"A000000151000000", 8, {0xa0, 0, 0, 0x01, 0x51, 0, 0, 0}},
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(cases); i++) {
        uint8_t out[8];
        size_t n = 99;
        CHECK_EQ(seam_hex_decode(cases[i].hex, out, sizeof out, &n), SEAM_OK);
        CHECK_EQ(n, cases[i].len);
        CHECK_MEM(out, cases[i].bytes, cases[i].len);
    }
    char s[17];
    const uint8_t in[] = {0x00, 0x1f, 0xa0, 0xff};
    seam_hex_encode(in, sizeof in, s);
    CHECK(strcmp(s, "001fa0ff") == 0);
    seam_hex_encode(in, 0, s);
    CHECK(strcmp(s, "") == 0);
}

static void test_hex_bad(void)
{
    static const char *const bad[] = {"0", "abc", "0g", "0x00", "12-34", "12\n", "zz", "1 2 3"};
    for (size_t i = 0; i < SEAM_ARRAY_LEN(bad); i++) {
        uint8_t out[8];
        size_t n = 99;
        CHECK_EQ(seam_hex_decode(bad[i], out, sizeof out, &n), SEAM_E_FORMAT);
        CHECK_EQ(n, 0);
    }
    uint8_t out[2];
    size_t n;
    CHECK_EQ(seam_hex_decode("010203", out, sizeof out, &n), SEAM_E_LENGTH);
    CHECK_EQ(seam_hex_decode("0102", out, sizeof out, &n), SEAM_OK);
    CHECK_EQ(seam_hex_decode("01", NULL, 0, &n), SEAM_E_LENGTH);
    CHECK_EQ(seam_hex_decode("", NULL, 0, &n), SEAM_OK);
    CHECK_EQ(seam_hex_decode(NULL, out, sizeof out, &n), SEAM_E_ARG);
}

static void test_reader(void)
{
    const uint8_t buf[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
    seam_rd r;
    seam_rd_init(&r, buf, sizeof buf);
    uint8_t b;
    uint16_t h;
    uint32_t w;
    const uint8_t *p;
    CHECK_EQ(seam_rd_u8(&r, &b), SEAM_OK);
    CHECK_EQ(b, 0x01);
    CHECK_EQ(seam_rd_u16(&r, &h), SEAM_OK);
    CHECK_EQ(h, 0x0203);
    CHECK_EQ(seam_rd_left(&r), 4);
    CHECK_EQ(seam_rd_u32(&r, &w), SEAM_OK);
    CHECK_EQ(w, 0x04050607);
    CHECK_EQ(seam_rd_left(&r), 0);
    /* Every get on an exhausted reader fails and leaves it unchanged. */
    CHECK_EQ(seam_rd_u8(&r, &b), SEAM_E_FORMAT);
    CHECK_EQ(seam_rd_u16(&r, &h), SEAM_E_FORMAT);
    CHECK_EQ(seam_rd_u32(&r, &w), SEAM_E_FORMAT);
    CHECK_EQ(seam_rd_bytes(&r, 1, &p), SEAM_E_FORMAT);
    CHECK_EQ(seam_rd_bytes(&r, 0, &p), SEAM_OK);
    CHECK_EQ(r.off, 7);

    /* Short reads in the middle fail without moving. */
    seam_rd_init(&r, buf, 3);
    CHECK_EQ(seam_rd_u8(&r, &b), SEAM_OK);
    CHECK_EQ(seam_rd_u32(&r, &w), SEAM_E_FORMAT);
    CHECK_EQ(r.off, 1);
    CHECK_EQ(seam_rd_bytes(&r, 3, &p), SEAM_E_FORMAT);
    CHECK_EQ(seam_rd_bytes(&r, SIZE_MAX, &p), SEAM_E_FORMAT);
    CHECK_EQ(r.off, 1);
    uint8_t out[2];
    CHECK_EQ(seam_rd_copy(&r, out, 3), SEAM_E_FORMAT);
    CHECK_EQ(seam_rd_copy(&r, out, 2), SEAM_OK);
    CHECK_EQ(out[0], 0x02);
    CHECK_EQ(out[1], 0x03);
    CHECK_EQ(seam_rd_left(&r), 0);

    seam_rd_init(&r, buf, 1);
    CHECK_EQ(seam_rd_u16(&r, &h), SEAM_E_FORMAT);
    seam_rd_init(&r, NULL, 0);
    CHECK_EQ(seam_rd_u8(&r, &b), SEAM_E_FORMAT);
}

static void test_writer(void)
{
    uint8_t buf[8];
    seam_wr w;
    seam_wr_init(&w, buf, sizeof buf);
    seam_wr_u8(&w, 0x01);
    seam_wr_u16(&w, 0x0203);
    seam_wr_u32(&w, 0x04050607);
    CHECK_EQ(w.err, SEAM_OK);
    CHECK_EQ(w.len, 7);
    const uint8_t exp[] = {1, 2, 3, 4, 5, 6, 7};
    CHECK_MEM(buf, exp, 7);
    seam_wr_u16(&w, 0xAAAA); /* one byte free: overflow */
    CHECK_EQ(w.err, SEAM_E_LENGTH);
    CHECK_EQ(w.len, 7);
    seam_wr_u8(&w, 0xBB); /* ignored after the first overflow */
    CHECK_EQ(w.len, 7);
    CHECK_EQ(buf[7] == 0xBB, 0);

    seam_wr_init(&w, buf, sizeof buf);
    seam_wr_bytes(&w, exp, 7);
    seam_wr_bytes(&w, exp, 1);
    CHECK_EQ(w.err, SEAM_OK);
    CHECK_EQ(w.len, 8);
    seam_wr_bytes(&w, exp, 0);
    CHECK_EQ(w.err, SEAM_OK);
    seam_wr_bytes(&w, exp, SIZE_MAX);
    CHECK_EQ(w.err, SEAM_E_LENGTH);

    seam_wr_init(&w, NULL, 0);
    seam_wr_u32(&w, 1);
    CHECK_EQ(w.err, SEAM_E_LENGTH);
}

static void test_strerror(void)
{
    for (int e = SEAM_OK; e <= SEAM_E_FAULT; e++) {
        const char *s = seam_strerror((seam_err)e);
        CHECK(s != NULL && strcmp(s, "unknown error") != 0);
    }
    CHECK(strcmp(seam_strerror((seam_err)1000), "unknown error") == 0);
    seam_log(SEAM_LOG_DEBUG, "test_base: debug line (shown only with SEAM_LOG=debug)");
}

static void test_be(void)
{
    uint8_t b[4];
    seam_put_be32(b, 0xA1B2C3D4);
    CHECK_EQ(b[0], 0xA1);
    CHECK_EQ(seam_be32(b), 0xA1B2C3D4);
    seam_put_be16(b, 0xFFEE);
    CHECK_EQ(seam_be16(b), 0xFFEE);
}

int main(void)
{
    RUN(test_ct_equal);
    RUN(test_wipe);
    RUN(test_hex_good);
    RUN(test_hex_bad);
    RUN(test_reader);
    RUN(test_writer);
    RUN(test_strerror);
    RUN(test_be);
    return check_summary();
}
