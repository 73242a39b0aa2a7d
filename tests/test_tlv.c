/*
 * Tests of src/base/tlv.c: BER-TLV per ISO/IEC 7816-4 §5.2, good and bad encodings from tables,
 * iteration, nesting with length fix-up, and encode/parse round trips.
 */
#include "check.h"

#include "seam/tlv.h"

static void test_parse_good(void)
{
    /* Header bytes; the value (len bytes) is appended programmatically. */
    static const struct {
        const char *head;
        uint32_t tag;
        size_t len;
    } heads[] = {
        {"8000", 0x80, 0},
        {"4F05", 0x4F, 5},
        {"9F7F01", 0x9F7F, 1},
        {"5F2001", 0x5F20, 1},
        {"9F0200", 0x9F02, 0},
        {"BF2100", 0xBF21, 0},
        {"DF817F01", 0xDF817F, 1},
        {"C17F", 0xC1, 0x7F},
        {"C18180", 0xC1, 0x80},
        {"C181FF", 0xC1, 0xFF},
        {"C1820100", 0xC1, 0x100},
        {"C182FFFF", 0xC1, 0xFFFF},
        {"C183010000", 0xC1, 0x10000},
        {"1F1F00", 0x1F1F, 0},
        {"1F810000", 0x1F8100, 0},
    };
    static uint8_t buf[0x10010];
    for (size_t i = 0; i < SEAM_ARRAY_LEN(heads); i++) {
        size_t hlen;
        REQUIRE(seam_hex_decode(heads[i].head, buf, sizeof buf, &hlen) == SEAM_OK);
        for (size_t j = 0; j < heads[i].len; j++)
            buf[hlen + j] = (uint8_t)j;
        tlv_t t;
        CHECK_EQ(tlv_parse(buf, hlen + heads[i].len, &t), SEAM_OK);
        CHECK_EQ(t.tag, heads[i].tag);
        CHECK_EQ(t.len, heads[i].len);
        CHECK_EQ(t.total, hlen + heads[i].len);
        CHECK_EQ(tlv_header_size(t.tag, t.len), hlen);
        if (t.len) CHECK(t.value == buf + hlen);
        /* Trailing bytes are fine for tlv_parse (it parses the first TLV only). */
        buf[hlen + heads[i].len] = 0x01;
        CHECK_EQ(tlv_parse(buf, hlen + heads[i].len + 1, &t), SEAM_OK);
        CHECK_EQ(t.total, hlen + heads[i].len);
        /* One byte short of the value is always an error. */
        CHECK_EQ(tlv_parse(buf, hlen + heads[i].len - 1, &t), SEAM_E_FORMAT);
    }
}

static void test_parse_bad(void)
{
    static const struct {
        const char *hex;
        const char *why;
    } cases[] = {
        {"", "empty"},
        {"4F", "no length"},
        {"9F", "tag cut after first byte"},
        {"9F81", "tag cut after second byte"},
        {"9F8101", "tag cut: third byte missing before length"},
        {"00", "tag 00"},
        {"FF0100", "tag FF"},
        {"4F8000", "indefinite length"},
        {"4F84000000010000", "four length bytes"},
        {"4F85", "five length bytes"},
        {"4F8F", "length form 8F"},
        {"4FFF", "length form FF"},
        {"4F8105", "overlong 81 05"},
        {"4F817F", "overlong 81 7F"},
        {"4F820010", "overlong 82 00 10"},
        {"4F8200FF", "overlong 82 00 FF"},
        {"4F83000100", "overlong 83 00 01 00"},
        {"4F8300FFFF", "overlong 83 00 FF FF"},
        {"9F800100", "multi-byte tag with leading 80"},
        {"9F80810100", "multi-byte tag with leading 80 in a 3-byte tag"},
        {"9F81818100", "tag longer than 3 bytes"},
        {"9F8181810100", "tag of four bytes"},
        {"4F0100", "ok"}, /* sanity: the one good encoding in this table */
        {"4F02AA", "value past end"},
        {"4F81", "length cut"},
        {"4F8201", "length cut 82"},
        {"4F830100", "length cut 83"},
        {"4F83FFFFFF", "huge length past end"},
    };
    for (size_t i = 0; i < SEAM_ARRAY_LEN(cases); i++) {
        uint8_t buf[16];
        size_t n;
        REQUIRE(seam_hex_decode(cases[i].hex, buf, sizeof buf, &n) == SEAM_OK);
        tlv_t t;
        seam_err exp = strcmp(cases[i].why, "ok") == 0 ? SEAM_OK : SEAM_E_FORMAT;
        seam_err got = tlv_parse(buf, n, &t);
        if (got != exp) fprintf(stderr, "  case %zu (%s)\n", i, cases[i].why);
        CHECK_EQ(got, exp);
    }
    tlv_t t;
    CHECK_EQ(tlv_parse(NULL, 0, &t), SEAM_E_FORMAT);
}

static void test_iterate_and_find(void)
{
    size_t n;
    /* E3 { 4F 07 A0000001510000, 9F70 01 07, C5 03 9E 80 00 } 6F 00 */
    uint8_t *buf = check_hex("E3124F07A00000015100009F700107C5039E8000"
                             "6F00",
                             &n);
    tlv_iter it;
    tlv_t t;
    tlv_iter_init(&it, buf, n);
    CHECK_EQ(tlv_next(&it, &t), SEAM_OK);
    CHECK_EQ(t.tag, 0xE3);
    CHECK(tlv_constructed(t.tag));
    tlv_t inner;
    CHECK_EQ(tlv_find(t.value, t.len, 0x9F70, &inner), SEAM_OK);
    CHECK_EQ(inner.len, 1);
    CHECK_EQ(inner.value[0], 0x07);
    CHECK(!tlv_constructed(inner.tag));
    CHECK_EQ(tlv_find(t.value, t.len, 0xC5, &inner), SEAM_OK);
    CHECK_EQ(inner.len, 3);
    CHECK_EQ(tlv_find(t.value, t.len, 0xC6, &inner), SEAM_E_NOT_FOUND);
    CHECK_EQ(tlv_next(&it, &t), SEAM_OK);
    CHECK_EQ(t.tag, 0x6F);
    CHECK_EQ(t.len, 0);
    CHECK_EQ(tlv_next(&it, &t), SEAM_E_NOT_FOUND);
    CHECK_EQ(tlv_next(&it, &t), SEAM_E_NOT_FOUND);

    /* Trailing garbage makes iteration and tlv_find fail, even if the tag came earlier. */
    CHECK_EQ(tlv_find(buf, n - 1, 0xE3, &t), SEAM_E_FORMAT);
    tlv_iter_init(&it, buf, n - 1);
    CHECK_EQ(tlv_next(&it, &t), SEAM_OK);
    CHECK_EQ(tlv_next(&it, &t), SEAM_E_FORMAT);
    CHECK_EQ(tlv_find(buf, n, 0x6F, &t), SEAM_OK);
    CHECK_EQ(tlv_find(NULL, 0, 0x6F, &t), SEAM_E_NOT_FOUND);
    CHECK(tlv_constructed(0xBF21));
    CHECK(tlv_constructed(0x7F2181));
    CHECK(!tlv_constructed(0x9F7F));
    free(buf);
}

static void test_put(void)
{
    static const struct {
        uint32_t tag;
        size_t len;
        const char *head;
    } cases[] = {
        {0x4F, 0, "4F00"},
        {0x4F, 0x7F, "4F7F"},
        {0x9F70, 0x80, "9F708180"},
        {0xDF817F, 0xFF, "DF817F81FF"},
        {0xC1, 0x100, "C1820100"},
        {0xC1, 0xFFFF, "C182FFFF"},
        {0xC1, 0x10000, "C183010000"},
    };
    static uint8_t value[0x10000], out[0x10010];
    for (size_t i = 0; i < sizeof value; i++)
        value[i] = (uint8_t)(i * 3);
    for (size_t i = 0; i < SEAM_ARRAY_LEN(cases); i++) {
        uint8_t head[8];
        size_t hlen;
        REQUIRE(seam_hex_decode(cases[i].head, head, sizeof head, &hlen) == SEAM_OK);
        seam_wr w;
        seam_wr_init(&w, out, sizeof out);
        static uint8_t big[0x10001];
        const uint8_t *v = cases[i].len <= sizeof value ? value : big;
        tlv_put(&w, cases[i].tag, v, cases[i].len);
        CHECK_EQ(w.err, SEAM_OK);
        CHECK_EQ(w.len, hlen + cases[i].len);
        CHECK_MEM(out, head, hlen);
        CHECK_EQ(tlv_header_size(cases[i].tag, cases[i].len), hlen);
        tlv_t t;
        CHECK_EQ(tlv_parse(out, w.len, &t), SEAM_OK);
        CHECK_EQ(t.tag, cases[i].tag);
        CHECK_EQ(t.len, cases[i].len);
        if (t.len) CHECK_MEM(t.value, v, t.len);
        /* The same TLV into a buffer one byte short overflows cleanly. */
        seam_wr_init(&w, out, hlen + cases[i].len - 1);
        tlv_put(&w, cases[i].tag, v, cases[i].len);
        CHECK_EQ(w.err, SEAM_E_LENGTH);
    }
    uint8_t small[4];
    seam_wr w;
    seam_wr_init(&w, small, sizeof small);
    tlv_put_u8(&w, 0x80, 0x42);
    CHECK_EQ(w.err, SEAM_OK);
    CHECK_EQ(w.len, 3);
    CHECK_EQ(small[2], 0x42);
    seam_wr_init(&w, small, sizeof small);
    tlv_put(&w, 0, NULL, 0);
    CHECK_EQ(w.err, SEAM_E_ARG);
    seam_wr_init(&w, small, sizeof small);
    tlv_put(&w, 0x01000000, NULL, 0);
    CHECK_EQ(w.err, SEAM_E_ARG);
}

/* Writes E3 { 4F <n bytes>, A5 { 80 01 xx } } and checks it parses back. */
static void nested_case(size_t n, size_t extra_cap)
{
    static uint8_t buf[0x10100], value[0x10000];
    for (size_t i = 0; i < n; i++)
        value[i] = (uint8_t)i;
    size_t need =
        tlv_header_size(0xE3, tlv_header_size(0x4F, n) + n + 5) + tlv_header_size(0x4F, n) + n + 5;
    seam_wr w;
    seam_wr_init(&w, buf, need + extra_cap);
    size_t outer = tlv_begin(&w, 0xE3);
    tlv_put(&w, 0x4F, value, n);
    size_t inner = tlv_begin(&w, 0xA5);
    tlv_put_u8(&w, 0x80, 0x55);
    tlv_end(&w, inner);
    tlv_end(&w, outer);
    CHECK_EQ(w.err, SEAM_OK);
    CHECK_EQ(w.len, need);
    tlv_t t, u;
    REQUIRE(tlv_parse(buf, w.len, &t) == SEAM_OK);
    CHECK_EQ(t.tag, 0xE3);
    CHECK_EQ(t.total, w.len);
    CHECK_EQ(tlv_find(t.value, t.len, 0x4F, &u), SEAM_OK);
    CHECK_EQ(u.len, n);
    if (n) CHECK_MEM(u.value, value, n);
    CHECK_EQ(tlv_find(t.value, t.len, 0xA5, &u), SEAM_OK);
    CHECK_EQ(u.len, 3);
    CHECK_EQ(tlv_find(u.value, u.len, 0x80, &t), SEAM_OK);
    CHECK_EQ(t.value[0], 0x55);
}

static void test_nested(void)
{
    static const size_t sizes[] = {0,    1,    0x70, 0x78,  0x79,   0x7F,
                                   0x80, 0xF0, 0xFF, 0x100, 0xFFF0, 0xFFFF};
    for (size_t i = 0; i < SEAM_ARRAY_LEN(sizes); i++) {
        nested_case(sizes[i], 0);
        nested_case(sizes[i], 7);
    }
    /* Not enough room for the moved contents when the length grows: clean overflow. */
    uint8_t buf[0x90];
    static uint8_t value[0x80];
    seam_wr w;
    seam_wr_init(&w, buf, 2 + 2 + 0x80); /* E3 00 | 4F 81 80 ... needs one byte more */
    size_t m = tlv_begin(&w, 0xE3);
    tlv_put(&w, 0x4F, value, 0x7D);
    CHECK_EQ(w.err, SEAM_OK);
    tlv_end(&w, m);
    CHECK_EQ(w.err, SEAM_OK); /* 0x7F content: fits the one-byte form */
    seam_wr_init(&w, buf, 2 + 3 + 0x80);
    m = tlv_begin(&w, 0xE3);
    tlv_put(&w, 0x4F, value, 0x80);
    CHECK_EQ(w.err, SEAM_OK);
    tlv_end(&w, m);
    CHECK_EQ(w.err, SEAM_E_LENGTH);
    /* An overflow inside the construction is reported once at the end. */
    seam_wr_init(&w, buf, 4);
    m = tlv_begin(&w, 0xE3);
    tlv_put(&w, 0x4F, value, 8);
    tlv_end(&w, m);
    CHECK_EQ(w.err, SEAM_E_LENGTH);
    /* A bogus mark is a caller bug. */
    seam_wr_init(&w, buf, sizeof buf);
    tlv_end(&w, 5);
    CHECK_EQ(w.err, SEAM_E_ARG);
}

/* Every 1..3 byte tag that parses re-encodes to the same bytes. */
static void test_tag_round_trip(void)
{
    uint8_t buf[8], out[8];
    unsigned ok = 0;
    for (uint32_t a = 0; a < 256; a++) {
        for (uint32_t b = 0; b < 256; b++) {
            for (uint32_t c = 0; c < 256; c += 17) {
                buf[0] = (uint8_t)a;
                buf[1] = (uint8_t)b;
                buf[2] = (uint8_t)c;
                buf[3] = 0;
                buf[4] = 0;
                tlv_t t;
                if (tlv_parse(buf, 5, &t) != SEAM_OK) continue;
                seam_wr w;
                seam_wr_init(&w, out, sizeof out);
                tlv_put(&w, t.tag, t.value, t.len);
                CHECK_EQ(w.err, SEAM_OK);
                CHECK_EQ(w.len, t.total);
                CHECK_MEM(out, buf, t.total);
                ok++;
            }
        }
    }
    CHECK(ok > 1000);
}

int main(void)
{
    RUN(test_parse_good);
    RUN(test_parse_bad);
    RUN(test_iterate_and_find);
    RUN(test_put);
    RUN(test_nested);
    RUN(test_tag_round_trip);
    return check_summary();
}
