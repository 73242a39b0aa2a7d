/*
 * Tests of src/iso7816/apdu.c: every command APDU case of ISO/IEC 7816-4 §5.1 in short and
 * extended form, a table of malformed commands, encode/parse round trips, and CLA coding of
 * logical channels 0-19 (§5.4.1) including GlobalPlatform's proprietary classes.
 */
#include "check.h"

#include "seam/apdu.h"

static void test_parse_cases(void)
{
    static const struct {
        const char *hex;
        uint8_t apdu_case;
        bool extended;
        size_t lc, le;
        bool has_le;
    } cases[] = {
        {"00A40400", 1, false, 0, 0, false},
        {"00B0000010", 2, false, 0, 0x10, true},
        {"00B0000000", 2, false, 0, 256, true},
        {"00B00000FF", 2, false, 0, 255, true},
        {"80E2000001AA", 3, false, 1, 0, false},
        {"00A4040008A000000151000000", 3, false, 8, 0, false},
        {"00A4040008A00000015100000000", 4, false, 8, 256, true},
        {"00A4040001AA01", 4, false, 1, 1, true},
        {"00B00000000000", 2, true, 0, 65536, true},
        {"00B0000000FFFF", 2, true, 0, 0xFFFF, true},
        {"00B00000000001", 2, true, 0, 1, true},
        {"00B00000000100", 2, true, 0, 0x100, true},
        {"80E200000000 01AA", 3, true, 1, 0, false},
        {"80E20000000002AABB0000", 4, true, 2, 65536, true},
        {"80E20000000001AA0101", 4, true, 1, 0x101, true},
        {"80E20000000001AA0001", 4, true, 1, 1, true},
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(cases); i++) {
        size_t n;
        uint8_t *buf = check_hex(cases[i].hex, &n);
        apdu_cmd c;
        seam_err e = apdu_parse(buf, n, &c);
        if (e != SEAM_OK) fprintf(stderr, "  case %zu: %s\n", i, cases[i].hex);
        CHECK_EQ(e, SEAM_OK);
        CHECK_EQ(c.cla, buf[0]);
        CHECK_EQ(c.ins, buf[1]);
        CHECK_EQ(c.p1, buf[2]);
        CHECK_EQ(c.p2, buf[3]);
        CHECK_EQ(c.apdu_case, cases[i].apdu_case);
        CHECK_EQ(c.extended, cases[i].extended);
        CHECK_EQ(c.lc, cases[i].lc);
        CHECK_EQ(c.le, cases[i].le);
        CHECK_EQ(c.has_le, cases[i].has_le);
        CHECK((c.data != NULL) == (c.lc != 0));
        if (c.lc) CHECK(c.data == buf + (c.extended ? 7 : 5));
        free(buf);
    }
}

/* The longest commands: 255 bytes short, 65535 bytes extended, with and without Le. */
static void test_parse_max(void)
{
    static uint8_t buf[APDU_MAX_COMMAND + 1];
    apdu_cmd c;
    memset(buf, 0x5A, sizeof buf);
    buf[0] = 0x80;
    buf[4] = 0xFF;
    CHECK_EQ(apdu_parse(buf, 5 + 255, &c), SEAM_OK);
    CHECK_EQ(c.lc, 255);
    CHECK_EQ(c.apdu_case, 3);
    CHECK_EQ(apdu_parse(buf, 6 + 255, &c), SEAM_OK);
    CHECK_EQ(c.le, 0x5A);
    CHECK_EQ(apdu_parse(buf, 7 + 255, &c), SEAM_E_FORMAT);
    buf[4] = 0;
    buf[5] = 0xFF;
    buf[6] = 0xFF;
    CHECK_EQ(apdu_parse(buf, 7 + 65535, &c), SEAM_OK);
    CHECK_EQ(c.lc, 65535);
    CHECK_EQ(c.apdu_case, 3);
    CHECK_EQ(apdu_parse(buf, 9 + 65535, &c), SEAM_OK);
    CHECK_EQ(c.apdu_case, 4);
    CHECK_EQ(c.le, 0x5A5A);
    CHECK_EQ(apdu_parse(buf, 8 + 65535, &c), SEAM_E_FORMAT);
    CHECK_EQ(apdu_parse(buf, 10 + 65535, &c), SEAM_E_FORMAT);
}

static void test_parse_bad(void)
{
    static const struct {
        const char *hex;
        const char *why;
    } cases[] = {
        {"", "empty"},
        {"00", "one byte"},
        {"00A404", "three bytes"},
        {"00B0000000 00", "6 bytes: 00 then one byte"},
        {"80E2000002AA", "short Lc 2, one data byte"},
        {"80E2000001AA0102", "short case 4 with a two-byte Le"},
        {"80E2000001AABBCC", "short Lc 1, two bytes after data"},
        {"80E2000003AABB", "short Lc past end"},
        {"80E20000000000AA", "extended Lc 0 with data"},
        {"80E2000000000000AA", "extended Lc 0 with data and more"},
        {"80E20000000002AA", "extended Lc 2, one data byte"},
        {"80E20000000001AA00", "extended case 4 with one-byte Le"},
        {"80E20000000001AA000000", "extended case 4 with three-byte Le"},
        {"80E2000000000201", "extended Lc 2, first data byte only"},
        {"00B00000000000 00", "extended Le then a stray byte"},
        {"00B0000000FF", "00 FF: six bytes"},
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(cases); i++) {
        uint8_t buf[32];
        size_t n;
        REQUIRE(seam_hex_decode(cases[i].hex, buf, sizeof buf, &n) == SEAM_OK);
        apdu_cmd c;
        seam_err e = apdu_parse(buf, n, &c);
        if (e != SEAM_E_FORMAT) fprintf(stderr, "  case %zu (%s)\n", i, cases[i].why);
        CHECK_EQ(e, SEAM_E_FORMAT);
    }
    apdu_cmd c;
    CHECK_EQ(apdu_parse(NULL, 0, &c), SEAM_E_FORMAT);
    CHECK_EQ(apdu_parse(NULL, 4, &c), SEAM_E_ARG);
    static uint8_t huge[APDU_MAX_COMMAND + 2];
    CHECK_EQ(apdu_parse(huge, sizeof huge, &c), SEAM_E_FORMAT);
}

/* Parsing every body of length 0..9 in short and extended shapes: whatever parses must
 * re-encode (in the same form) to the same bytes. */
static void round_trip(const uint8_t *buf, size_t n)
{
    apdu_cmd c, d;
    uint8_t out[APDU_MAX_COMMAND];
    size_t len;
    if (apdu_parse(buf, n, &c) != SEAM_OK) return;
    REQUIRE(apdu_encode(&c, c.extended, out, sizeof out, &len) == SEAM_OK);
    CHECK_EQ(len, n);
    CHECK_MEM(out, buf, n);
    CHECK_EQ(apdu_parse(out, len, &d), SEAM_OK);
    CHECK_EQ(d.lc, c.lc);
    CHECK_EQ(d.le, c.le);
    CHECK_EQ(d.apdu_case, c.apdu_case);
}

static void test_round_trip(void)
{
    uint8_t buf[16] = {0x80, 0xCA, 0x9F, 0x7F};
    static const uint8_t bytes[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x7F, 0xFF};
    for (size_t n = 4; n <= 10; n++) {
        /* All combinations of the first three body bytes from the set, rest 0x11. */
        for (size_t a = 0; a < SEAM_ARRAY_LEN(bytes); a++)
            for (size_t b = 0; b < SEAM_ARRAY_LEN(bytes); b++)
                for (size_t d = 0; d < SEAM_ARRAY_LEN(bytes); d++) {
                    memset(buf + 4, 0x11, sizeof buf - 4);
                    buf[4] = bytes[a];
                    buf[5] = bytes[b];
                    buf[6] = bytes[d];
                    round_trip(buf, n);
                }
    }
}

static void test_encode(void)
{
    static const uint8_t data[300] = {0xAA};
    static const struct {
        size_t lc, le;
        bool has_le, force;
        const char *head; /* CLA INS P1 P2 and length fields before the data */
        const char *tail; /* after the data */
    } cases[] = {
        {0, 0, false, false, "80CA0000", ""},
        {0, 0, false, true, "80CA0000", ""},
        {0, 256, true, false, "80CA000000", ""},
        {0, 1, true, false, "80CA000001", ""},
        {0, 257, true, false, "80CA0000000101", ""},
        {0, 65536, true, false, "80CA0000000000", ""},
        {0, 256, true, true, "80CA0000000100", ""},
        {1, 0, false, false, "80CA000001", ""},
        {255, 256, true, false, "80CA0000FF", "00"},
        {256, 0, false, false, "80CA0000000100", ""},
        {1, 65536, true, false, "80CA0000000001", "0000"},
        {1, 2, true, true, "80CA0000000001", "0002"},
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(cases); i++) {
        apdu_cmd c = {.cla = 0x80,
                      .ins = 0xCA,
                      .data = cases[i].lc ? data : NULL,
                      .lc = cases[i].lc,
                      .le = cases[i].le,
                      .has_le = cases[i].has_le};
        uint8_t out[400], exp[400];
        size_t len, hl, tl;
        REQUIRE(seam_hex_decode(cases[i].head, exp, sizeof exp, &hl) == SEAM_OK);
        memcpy(exp + hl, data, cases[i].lc);
        REQUIRE(seam_hex_decode(cases[i].tail, exp + hl + cases[i].lc, 8, &tl) == SEAM_OK);
        CHECK_EQ(apdu_encode(&c, cases[i].force, out, sizeof out, &len), SEAM_OK);
        CHECK_EQ(len, hl + cases[i].lc + tl);
        CHECK_MEM(out, exp, len);
        CHECK_EQ(apdu_encode(&c, cases[i].force, out, len - 1, &len), SEAM_E_LENGTH);
    }
    /* Inconsistent commands are caller bugs. */
    apdu_cmd c = {.cla = 0x00, .lc = 1, .data = NULL};
    uint8_t out[16];
    size_t len;
    CHECK_EQ(apdu_encode(&c, false, out, sizeof out, &len), SEAM_E_ARG);
    c = (apdu_cmd){.le = 5, .has_le = false};
    CHECK_EQ(apdu_encode(&c, false, out, sizeof out, &len), SEAM_E_ARG);
    c = (apdu_cmd){.le = 0, .has_le = true};
    CHECK_EQ(apdu_encode(&c, false, out, sizeof out, &len), SEAM_E_ARG);
    c = (apdu_cmd){.le = 65537, .has_le = true};
    CHECK_EQ(apdu_encode(&c, false, out, sizeof out, &len), SEAM_E_ARG);
    c = (apdu_cmd){.lc = 65536, .data = data};
    CHECK_EQ(apdu_encode(&c, false, out, sizeof out, &len), SEAM_E_ARG);
}

static void test_cla_channels(void)
{
    for (uint8_t ch = 0; ch < 20; ch++) {
        for (int prop = 0; prop < 2; prop++) {
            for (int sm = 0; sm < 2; sm++) {
                for (int chain = 0; chain < 2; chain++) {
                    uint8_t cla = apdu_cla_encode(prop, ch, sm, chain);
                    apdu_cla c;
                    if (cla == 0xFF) {
                        /* prop channel 19 + SM + chaining is 'FF', the invalid class */
                        CHECK(prop && ch == 19 && sm && chain);
                        CHECK_EQ(apdu_cla_decode(cla, &c), SEAM_E_FORMAT);
                        continue;
                    }
                    CHECK_EQ(apdu_cla_decode(cla, &c), SEAM_OK);
                    CHECK_EQ(c.channel, ch);
                    CHECK_EQ(c.proprietary, prop);
                    CHECK_EQ(c.secure_messaging, sm);
                    CHECK_EQ(c.chaining, chain);
                }
            }
        }
    }
    CHECK_EQ(apdu_cla_encode(false, 20, false, false), 0xFF);
    CHECK_EQ(apdu_cla_encode(false, 0, false, false), 0x00);
    CHECK_EQ(apdu_cla_encode(false, 3, false, true), 0x13);
    CHECK_EQ(apdu_cla_encode(false, 4, false, false), 0x40);
    CHECK_EQ(apdu_cla_encode(false, 19, true, true), 0x7F);
    CHECK_EQ(apdu_cla_encode(true, 0, true, false), 0x84);
    CHECK_EQ(apdu_cla_encode(true, 5, true, false), 0xE1);
}

/* Known CLA bytes, ISO 7816-4 §5.4.1 and GP CS 2.3.1 §11.1.4. */
static void test_cla_table(void)
{
    static const struct {
        uint8_t cla;
        seam_err e;
        bool prop;
        uint8_t channel;
        bool sm, chain;
    } cases[] = {
        {0x00, SEAM_OK, false, 0, false, false},
        {0x01, SEAM_OK, false, 1, false, false},
        {0x03, SEAM_OK, false, 3, false, false},
        {0x04, SEAM_OK, false, 0, true, false},
        {0x08, SEAM_OK, false, 0, true, false},
        {0x0C, SEAM_OK, false, 0, true, false},
        {0x10, SEAM_OK, false, 0, false, true},
        {0x1F, SEAM_OK, false, 3, true, true},
        {0x40, SEAM_OK, false, 4, false, false},
        {0x4F, SEAM_OK, false, 19, false, false},
        {0x50, SEAM_OK, false, 4, false, true},
        {0x60, SEAM_OK, false, 4, true, false},
        {0x80, SEAM_OK, true, 0, false, false},
        {0x84, SEAM_OK, true, 0, true, false},
        {0x81, SEAM_OK, true, 1, false, false},
        {0x85, SEAM_OK, true, 1, true, false},
        {0x82, SEAM_OK, true, 2, false, false},
        {0x86, SEAM_OK, true, 2, true, false},
        {0x83, SEAM_OK, true, 3, false, false},
        {0x87, SEAM_OK, true, 3, true, false},
        {0x90, SEAM_OK, true, 0, false, true},
        {0xC0, SEAM_OK, true, 4, false, false},
        {0xCF, SEAM_OK, true, 19, false, false},
        {0xE0, SEAM_OK, true, 4, true, false},
        {0xEF, SEAM_OK, true, 19, true, false},
        {0xF3, SEAM_OK, true, 7, true, true},
        {0xFF, SEAM_E_FORMAT, false, 0, false, false},
        {0x20, SEAM_E_FORMAT, false, 0, false, false},
        {0x3F, SEAM_E_FORMAT, false, 0, false, false},
        {0xA0, SEAM_E_FORMAT, false, 0, false, false},
        {0xBF, SEAM_E_FORMAT, false, 0, false, false},
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(cases); i++) {
        apdu_cla c;
        CHECK_EQ(apdu_cla_decode(cases[i].cla, &c), cases[i].e);
        if (cases[i].e != SEAM_OK) continue;
        CHECK_EQ(c.proprietary, cases[i].prop);
        CHECK_EQ(c.channel, cases[i].channel);
        CHECK_EQ(c.secure_messaging, cases[i].sm);
        CHECK_EQ(c.chaining, cases[i].chain);
    }
    /* Every CLA decodes or is refused; none crashes, channels stay in 0..19. */
    for (int cla = 0; cla < 256; cla++) {
        apdu_cla c;
        if (apdu_cla_decode((uint8_t)cla, &c) == SEAM_OK) CHECK(c.channel < 20);
    }
}

int main(void)
{
    RUN(test_parse_cases);
    RUN(test_parse_max);
    RUN(test_parse_bad);
    RUN(test_round_trip);
    RUN(test_encode);
    RUN(test_cla_channels);
    RUN(test_cla_table);
    return check_summary();
}
